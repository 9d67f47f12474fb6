/**
 * Timing helpers of the dashboard benchmark: latency summaries, and a ClickHouse client wrapper that
 * records how long each SELECT of a route took (chDB has no system.query_log, so the split of a
 * slow route into its queries is measured here).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { percentile } from './bench.js';

export function summary(xs: readonly number[]) {
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    n: xs.length,
    p50_ms: r(percentile(xs, 50)),
    p95_ms: r(percentile(xs, 95)),
    min_ms: r(Math.min(...xs)),
    max_ms: r(Math.max(...xs)),
  };
}

/** A query's text reduced to a stable label: whitespace folded, the first 110 characters. */
export function queryLabel(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 110);
}

export interface QueryRecorder {
  client: ClickHouseClient;
  /** Starts recording under `route` (undefined stops). */
  setRoute(route: string | undefined): void;
  /** route → query label → durations (ms). */
  readonly byRoute: Map<string, Map<string, number[]>>;
}

/** Wraps client.query so every call made while a route is set is timed under that route. */
export function recordQueries(client: ClickHouseClient): QueryRecorder {
  const byRoute = new Map<string, Map<string, number[]>>();
  let current: string | undefined;
  const query = client.query.bind(client) as (p: { query: string }) => Promise<unknown>;
  const wrapped = new Proxy(client, {
    get(target, prop) {
      if (prop !== 'query') {
        // Bound to the real client: its methods touch private (#) fields a proxy does not have.
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return async (params: { query: string }) => {
        const route = current;
        const t0 = performance.now();
        const rs = await query(params);
        if (route) {
          const m = byRoute.get(route) ?? new Map<string, number[]>();
          byRoute.set(route, m);
          const label = queryLabel(params.query);
          m.set(label, [...(m.get(label) ?? []), performance.now() - t0]);
        }
        return rs;
      };
    },
  });
  return {
    client: wrapped,
    byRoute,
    setRoute(route) {
      current = route;
    },
  };
}
