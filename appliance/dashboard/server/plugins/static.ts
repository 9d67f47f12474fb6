import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Where `npm run build:web` writes the React app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Serves the built React app: one public route per file of the build (and `/` for index.html),
 * nothing else. The app routes on the URL's fragment (`#/anomalies`), so no server-side
 * fallback to index.html is needed: a path that matched no route gets a JSON 404, whatever it
 * looks like, and an API-like path (`/api/…`, `/metrics`) never answers with the app's HTML.
 * Without a build, / says how to make one.
 */
export const staticPlugin = fp(async (app: FastifyInstance, opts: { root?: string }) => {
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ error: { code: 'JA4_ERR_DASH_NOT_FOUND', message: 'no such route' } }),
  );
  const root = opts.root ?? WEB_DIST;
  if (!existsSync(root)) {
    app.get('/', { config: { public: true } }, async (_req, reply) =>
      reply.type('text/plain').send('The dashboard web app is not built: run `npm run build:web`.\n'),
    );
    return;
  }
  // A child context, so the hook below marks the build's files public and nothing else.
  await app.register(async (files) => {
    files.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await files.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ['index.html'],
      maxAge: '1h',
      immutable: false,
      decorateReply: false,
    });
  });
});
