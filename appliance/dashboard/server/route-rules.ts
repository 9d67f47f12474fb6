import type { FastifyInstance, RouteOptions } from 'fastify';

/** A registered route, the rule the session guard applies to it, and its numeric query parameters. */
export interface RouteRule {
  method: string;
  url: string;
  public: boolean;
  admin: boolean;
  scrape: boolean;
  numericQuery: string[];
}

/**
 * Records every route registered on `app` from now on; the returned function lists them with
 * their rules. It reads each route's options when called, after every plugin's onRoute hooks
 * have run (the static files are marked public by one).
 */
export function recordRoutes(app: FastifyInstance): () => RouteRule[] {
  const registered: RouteOptions[] = [];
  app.addHook('onRoute', (r) => {
    registered.push(r);
  });
  return () =>
    registered.flatMap((r) =>
      [r.method].flat().map((method) => {
        const c = r.config ?? {};
        const props = (r.schema?.querystring as { properties?: Record<string, { type?: string }> })
          ?.properties;
        const numericQuery = Object.entries(props ?? {})
          .filter(([, p]) => p.type === 'number' || p.type === 'integer')
          .map(([name]) => name);
        return { method, url: r.url, public: !!c.public, admin: !!c.admin, scrape: !!c.scrape, numericQuery };
      }),
    );
}
