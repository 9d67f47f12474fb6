import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Where `npm run build:web` writes the React app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Serves the built React app; any non-API path falls back to index.html (client-side routes).
 * Without a build, / says how to make one instead of a bare 404.
 */
export const staticPlugin = fp(async (app: FastifyInstance, opts: { root?: string }) => {
  const root = opts.root ?? WEB_DIST;
  if (!existsSync(root)) {
    app.get('/', { config: { public: true } }, async (_req, reply) =>
      reply.type('text/plain').send('The dashboard web app is not built: run `npm run build:web`.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    maxAge: '1h',
    immutable: false,
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET') {
      return reply
        .code(404)
        .send({ error: { code: 'JA4_ERR_DASH_NOT_FOUND', message: `${req.method} ${req.url} not found` } });
    }
    return reply.sendFile('index.html');
  });
});
