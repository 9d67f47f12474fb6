import type { FastifyInstance } from 'fastify';
import { actionUnavailable } from '../../errors.js';

/**
 * Admin actions that need the database while this process holds it (embedded mode under
 * `ja4 up`: seeding demo data, reloading dictionaries). The host process supplies them;
 * each is admin-only and CSRF-checked like every state-changing route.
 */
export async function adminRoutes(
  app: FastifyInstance,
  opts: { actions: Record<string, () => Promise<unknown>> },
) {
  app.get('/api/admin/actions', { config: { admin: true } }, async () => ({
    actions: Object.keys(opts.actions),
  }));
  app.post<{ Params: { action: string } }>(
    '/api/admin/:action',
    {
      config: { admin: true },
      schema: {
        params: { type: 'object', properties: { action: { type: 'string', pattern: '^[a-z-]{1,32}$' } } },
      },
    },
    async (req) => {
      const action = opts.actions[req.params.action];
      if (!action) throw actionUnavailable(`admin action "${req.params.action}"`);
      return { action: req.params.action, result: await action() };
    },
  );
}
