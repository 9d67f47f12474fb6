import {
  type ClickHouseHandle,
  type Config,
  type Logger,
  maskUrl,
  openClickHouse,
  type Shutdown,
} from '../../common/index.js';
import { applyRetention, loadDictionaries, migrateUp } from '../../common/migrate/index.js';
import { type CorrelatorHandle, startCorrelator } from '../../correlator/index.js';
import { until } from '../../dashboard/index.js';
import { type DetectorHandle, startDetector } from '../../detector/index.js';
import type { UpConsole } from './console.js';
import { step } from './steps.js';

export interface Core {
  ch: ClickHouseHandle;
  correlator: CorrelatorHandle;
  detector: DetectorHandle;
}

export interface CoreOptions {
  config: Config;
  log: Logger;
  out: UpConsole;
  shutdown: Shutdown;
  /** true: seed; false: never; undefined: on the first run. */
  seed?: boolean;
}

async function openDatabase(o: CoreOptions): Promise<ClickHouseHandle> {
  const { config, log } = o;
  const cluster = config.clickhouse.cluster;
  const ch = await step(o.out, 'clickhouse', maskUrl(config.clickhouse.url), async () => {
    const handle = await openClickHouse(config.clickhouse);
    o.shutdown.register('clickhouse', () => handle.close());
    const { applied, current } = await migrateUp(handle.client, { cluster, log });
    await applyRetention(handle.client, config.retention, { cluster });
    await loadDictionaries(handle.client, { ifEmpty: true, cluster, log });
    return {
      value: handle,
      note: `schema ${current}${applied.length ? `, ${applied.length} applied now` : ''}`,
    };
  });
  return ch as ClickHouseHandle;
}

/** Demo data on the first run (or when asked), so the dashboard has something to show. */
async function seedIfFirstRun(o: CoreOptions, ch: ClickHouseHandle): Promise<void> {
  // Loaded here: only `up` needs the demo generator.
  const { isFirstRun, seedDemo } = await import('./seed-demo.js');
  if (!(o.seed === true || (o.seed !== false && (await isFirstRun(ch.client))))) return;
  await step(o.out, 'demo data', '24 h ending now', async () => {
    const s = await seedDemo(ch.client);
    const kinds = Object.entries(s.sessions).map(([k, v]) => `${v} ${k}`);
    return { value: s, note: `${s.totalRows.toLocaleString('en-US')} rows (${kinds.join(', ')})` };
  });
}

/**
 * The services that share the embedded engine, in order: ClickHouse (migrations, retention,
 * dictionaries), demo data on the first run, the correlator, the detector. Each prints its row.
 */
export async function startCore(o: CoreOptions): Promise<Core> {
  const { config, log } = o;
  const ch = await openDatabase(o);
  await seedIfFirstRun(o, ch);
  const group = config.sockets.group ? ` (group ${config.sockets.group})` : '';
  const correlator = (await step(o.out, 'correlator', config.sockets.http, async () => {
    const c = await startCorrelator({ config, log, clickhouse: ch });
    o.shutdown.register('correlator', () => c.close());
    return { value: c, note: `and ${config.sockets.network}${group}` };
  })) as CorrelatorHandle;
  const detector = (await step(
    o.out,
    'detector',
    `http://${config.detector.host}:${config.detector.port}`,
    async () => {
      const d = await startDetector({ config, client: ch.client, log });
      o.shutdown.register('detector', () => d.close());
      const next = d.scheduler.status().next_cycle_at;
      const note = `first cycle ${until(next)}, then every ${config.detector.interval_minutes} min`;
      return { value: d, note, address: d.address ?? '(no API)' };
    },
    { portKey: 'detector.port (JA4_DETECTOR_PORT)' },
  )) as DetectorHandle;
  return { ch, correlator, detector };
}
