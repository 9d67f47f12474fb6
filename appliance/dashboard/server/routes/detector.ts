import type { FastifyInstance } from 'fastify';
import { detectorUnavailable } from '../../errors.js';
import type { DetectorAnswer, DetectorLink } from '../detector-link.js';

/**
 * What the web app needs of the detector API, behind the dashboard's own session rules: its
 * status for every analyst, and "run a cycle now" for admins (CSRF-checked like every POST).
 * The detector's token stays on the server.
 */
export async function detectorRoutes(app: FastifyInstance, opts: { link?: DetectorLink }) {
  const call = async (method: 'GET' | 'POST', path: '/status' | '/run'): Promise<DetectorAnswer> => {
    if (!opts.link) throw detectorUnavailable('no detector is configured for this dashboard');
    try {
      return await opts.link.request(method, path);
    } catch (err) {
      throw detectorUnavailable((err as Error).message);
    }
  };
  app.get('/api/detector/status', async () => {
    const r = await call('GET', '/status');
    if (r.status !== 200) throw detectorUnavailable(`GET /status answered ${r.status}`);
    return r.body;
  });
  app.post('/api/detector/run', { config: { admin: true } }, async (_req, reply) => {
    const r = await call('POST', '/run');
    if (r.status !== 200 && r.status !== 202) throw detectorUnavailable(`POST /run answered ${r.status}`);
    return reply.code(r.status).send(r.body);
  });
}
