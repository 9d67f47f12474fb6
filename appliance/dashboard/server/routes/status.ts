import type { FastifyInstance } from 'fastify';
import { APPLIANCE_VERSION } from '../../../common/index.js';
import { select } from '../queries/run.js';
import type { RouteContext } from './overview.js';
import { joinCounters } from './status-join.js';

export interface ProbeResult {
  ok: boolean;
  detail: string;
}
export type Probe = () => Promise<ProbeResult>;

/** Runs a probe with a deadline so one hung service cannot hang the status page. */
async function runProbe(probe: Probe, ms = 3000): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      probe(),
      new Promise<ProbeResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${ms} ms` }), ms);
      }),
    ]);
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function statusRoutes(
  app: FastifyInstance,
  ctx: RouteContext & { probes: Record<string, Probe> },
) {
  const clickhouse: Probe = async () => {
    const [row] = await select<{ version: string; rows_1h: number; last_ingest: string }>(
      ctx.ch,
      `SELECT version() AS version,
              (SELECT count() FROM ja4_processing.http_logs WHERE ts >= now() - INTERVAL 1 HOUR) AS rows_1h,
              (SELECT formatDateTime(max(ingest_time), '%FT%TZ') FROM ja4_processing.http_logs
               WHERE ts >= now() - INTERVAL 1 DAY) AS last_ingest`,
    );
    return {
      ok: true,
      detail: `ClickHouse ${row.version}; ${row.rows_1h} requests in the last hour; last ingest ${row.last_ingest}`,
    };
  };
  app.get('/api/status', async () => {
    const names = ['clickhouse', ...Object.keys(ctx.probes)];
    const [results, join] = await Promise.all([
      Promise.all(names.map((n) => runProbe(n === 'clickhouse' ? clickhouse : ctx.probes[n]))),
      joinCounters(ctx.config),
    ]);
    return {
      version: APPLIANCE_VERSION,
      services: names.map((name, i) => ({ name, ...results[i] })),
      join,
    };
  });
}
