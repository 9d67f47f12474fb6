import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/** Where `ja4 web build` (npm install, `ja4 up`) writes the React app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** What `/` says while there is no index.html (before the first build, or during a swap). */
export const NOT_BUILT =
  'The dashboard web app is not built yet: `ja4 up` builds it at start in a checkout, or run ' +
  '`npm run build:web`. Reload this page once it is there; the server needs no restart.\n';

/**
 * Serves the built React app from disk at each request, so a bundle built after the server
 * started is served at once: `/` and `/index.html` read index.html (never cached, so a new
 * build's asset names are picked up on reload), `/assets/*` serves the build's content-hashed
 * files (cached for good). A file that is not there is a JSON 404, never index.html: the app
 * routes on the URL's fragment (`#/anomalies`), so no path needs the HTML as a fallback, and an
 * API-like path (`/api/…`, `/metrics`) that matched no route never answers with it either.
 */
export const staticPlugin = fp(async (app: FastifyInstance, opts: { root?: string }) => {
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ error: { code: 'JA4_ERR_DASH_NOT_FOUND', message: 'no such route' } }),
  );
  const root = resolve(opts.root ?? WEB_DIST);
  const index = async (_req: unknown, reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(join(root, 'index.html'));
    } catch {
      return reply.code(503).header('retry-after', '5').type('text/plain; charset=utf-8').send(NOT_BUILT);
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  // A child context, so the hook below marks the app's routes public and nothing else.
  await app.register(async (files) => {
    files.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    files.get('/', index);
    files.get('/index.html', index);
    await files.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      wildcard: true,
      index: false,
      redirect: false,
      list: false,
      dotfiles: 'deny',
      maxAge: '365d',
      immutable: true,
      decorateReply: false,
      // The directory may appear later (the first build); requests decide, not start-up.
      suppressWarning: true,
    });
  });
});
