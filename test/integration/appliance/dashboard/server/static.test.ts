/**
 * The static plugin decides at each request, not at start: a bundle built after the server
 * started is served without a restart, and a missing JS or CSS file is a JSON 404, never the
 * app's index.html.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_BUILT, staticPlugin } from '../../../../../appliance/dashboard/server/plugins/static.js';
import { buildWeb } from '../../../../helpers/web-build.js';

let app: FastifyInstance;
let root: string;
let built: string;

beforeAll(async () => {
  built = await buildWeb();
  root = path.join(mkdtempSync(path.join(os.tmpdir(), 'ja4-static-')), 'dist');
  app = Fastify();
  await app.register(staticPlugin, { root });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  rmSync(path.dirname(root), { recursive: true, force: true });
});

describe('the dashboard serves its web app from disk at each request', () => {
  it('says the app is not built yet while there is no bundle', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toBe(NOT_BUILT);
  });

  it('serves a bundle that appeared after start: index.html uncached, its assets cached for good', async () => {
    cpSync(built, root, { recursive: true });
    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    const assets = readdirSync(path.join(root, 'assets'));
    const js = assets.find((f) => f.endsWith('.js')) as string;
    expect(index.body).toContain(`/assets/${js}`);
    const res = await app.inject({ method: 'GET', url: `/assets/${js}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/index.html' })).body).toBe(index.body);
  });

  it('answers a missing or foreign asset with a JSON 404, never with index.html', async () => {
    for (const url of [
      '/assets/index-missing.js',
      '/assets/index-missing.css',
      '/assets/',
      '/assets/../build.json',
      '/assets/..%2fbuild.json',
      '/build.json',
      '/app.js',
      '/api/nothing',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain('<!doctype html>');
      expect(res.body, url).not.toContain('"hash"');
    }
    const res = await app.inject({ method: 'GET', url: '/assets/index-missing.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'JA4_ERR_DASH_NOT_FOUND' } });
  });
});
