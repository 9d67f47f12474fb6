import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DashboardError } from '../errors.js';

/** Every error as `{ error: { code, message } }`; the details of a 500 go to the log only. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DashboardError) {
    return reply.code(err.statusCode).send({ error: { code: err.code, message: err.message } });
  }
  if (err.validation) {
    return reply
      .code(400)
      .send({ error: { code: 'JA4_ERR_DASH_INPUT', message: `bad request: ${err.message}` } });
  }
  if (err.statusCode === 429) {
    return reply
      .code(429)
      .send({ error: { code: 'JA4_ERR_DASH_RATE_LIMIT', message: 'too many attempts: wait a minute' } });
  }
  req.log.error({ err, url: req.url }, 'dashboard request failed');
  return reply
    .code(500)
    .send({ error: { code: 'JA4_ERR_DASH_INTERNAL', message: 'internal error: see the dashboard log' } });
}
