import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  type ClickHouseClient,
  type Config,
  createMetricsRegistry,
  detectorTokenFile,
  type Logger,
  type Registry,
  resolveDetectorToken,
} from '../common/index.js';
import { readReferenceLists } from '../common/migrate/index.js';
import { buildDetectorApi } from './api.js';
import { createDetectorMetrics } from './metrics.js';
import { createScheduler, type Scheduler } from './scheduler.js';

/**
 * The detector as a service: the scheduler (a cycle every detector.interval_minutes) and its
 * HTTP API. `ja4 detector` runs it alone against a ClickHouse server; `ja4 up` hosts it on the
 * process's embedded engine and passes that client in. The caller owns the client and closes it
 * after the handle.
 */
export interface DetectorHandle {
  scheduler: Scheduler;
  app: FastifyInstance;
  registry: Registry;
  /** http://host:port the API listens on, when it listens. */
  address?: string;
  /** The bearer token the API wants (the host process hands it to the dashboard). */
  apiToken: string;
  /** Stops the timer, waits for a running cycle, closes the API. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartDetectorOptions {
  config: Pick<Config, 'detector' | 'retention' | 'clickhouse'>;
  client: ClickHouseClient;
  log: Logger;
  /** Registry to add the detector's metrics to (ja4 up shares one); a new one by default. */
  registry?: Registry;
  /** Open the API port (default true; tests use app.inject()). */
  listen?: boolean;
  /** Start the interval timer (default true). */
  schedule?: boolean;
}

/** Objects the detector reads and writes; /ready is false until all exist. */
const REQUIRED_OBJECTS = [
  'view_ai_features_1h',
  'ml_all_scores',
  'ml_detected_anomalies',
  'view_ip_recurrence',
  'ml_cycles',
  'ml_score_histogram_1h',
  'dict_ja4_family_source',
];

export async function startDetector(opts: StartDetectorOptions): Promise<DetectorHandle> {
  const log = opts.log.child({ service: 'detector' });
  const registry = opts.registry ?? createMetricsRegistry('detector');
  const metrics = createDetectorMetrics(registry);
  const scheduler = createScheduler({ client: opts.client, config: opts.config, log, metrics });
  const listen = opts.listen !== false;
  // An API that listens gets a lasting token (configured, or generated into the state directory
  // where the dashboard on this host finds it); one that only answers inject() needs none on disk.
  const apiToken =
    resolveDetectorToken(opts.config.detector, { create: listen }) ?? randomBytes(32).toString('base64url');
  const app = buildDetectorApi({
    scheduler,
    registry,
    log,
    token: apiToken,
    readiness: () => readiness(opts.client),
    references: () => readReferenceLists(opts.client),
  });
  await app.ready();
  let address: string | undefined;
  if (listen) {
    address = await app.listen({ port: opts.config.detector.port, host: opts.config.detector.host });
    const token =
      opts.config.detector.api_token !== '' ? 'detector.api_token' : detectorTokenFile(opts.config.detector);
    log.info({ address, token }, 'detector API listening (bearer token required)');
  }
  if (opts.schedule !== false) scheduler.start(opts.config.detector.first_cycle_delay_seconds * 1000);
  let closing: Promise<void> | undefined;
  return {
    scheduler,
    app,
    registry,
    address,
    apiToken,
    close() {
      closing ??= (async () => {
        await scheduler.stop();
        await app.close();
      })();
      return closing;
    },
  };
}

/** Ready when ClickHouse answers and every object the detector uses exists. */
export async function readiness(client: ClickHouseClient): Promise<{ ready: boolean; reason?: string }> {
  try {
    const rs = await client.query({
      query: `SELECT name FROM system.tables WHERE database = 'ja4_processing' AND name IN {names:Array(String)}`,
      query_params: { names: REQUIRED_OBJECTS },
      format: 'JSONEachRow',
    });
    const found = new Set((await rs.json<{ name: string }>()).map((r) => r.name));
    const missing = REQUIRED_OBJECTS.filter((n) => !found.has(n));
    if (missing.length > 0) {
      return { ready: false, reason: `missing ja4_processing.${missing.join(', ')}: run \`ja4 migrate up\`` };
    }
    return { ready: true };
  } catch (err) {
    return { ready: false, reason: `ClickHouse unreachable: ${(err as Error).message.split('\n')[0]}` };
  }
}
