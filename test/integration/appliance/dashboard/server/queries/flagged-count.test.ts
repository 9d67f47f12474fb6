import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../../appliance/common/clickhouse.js';
import { migrateUp } from '../../../../../../appliance/common/migrate/index.js';
import { countFlaggedIps } from '../../../../../../appliance/dashboard/server/queries/flagged-count.js';
import { detectedAnomaly } from '../../../common/migrate/fixtures.js';
import { openEmbedded } from '../../../common/migrate/helpers.js';

// The overview's "anomalous IPs": the addresses of each hour's newest cycle, known bots left out.
// A cycle that leaves an hour with no anomaly writes a marker row with an empty address
// (appliance/detector/cycle-write.ts); it is not an address.

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

const H = Math.floor(Date.now() / 3_600_000) * 3600 - 3 * 3600;
const at = (s: number) => s * 1000;
const ROWS = [
  // Hour H: cycle 1 flagged two addresses; cycle 2 cleared the hour (its marker row).
  detectedAnomaly({ src_ip: '203.0.113.1', hour: H, detected_at: at(H + 600) }),
  detectedAnomaly({ src_ip: '203.0.113.2', hour: H, detected_at: at(H + 600) }),
  detectedAnomaly({
    src_ip: '',
    hour: H,
    detected_at: at(H + 1200),
    host: '',
    ja4: '',
    score: 0,
    reason: '',
  }),
  // Hour H+1: one address, one known bot.
  detectedAnomaly({ src_ip: '203.0.113.3', hour: H + 3600, detected_at: at(H + 4200) }),
  detectedAnomaly({
    src_ip: '198.51.100.9',
    hour: H + 3600,
    detected_at: at(H + 4200),
    bot_ip_label: 'scanner',
  }),
];

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-flagged-count'));
  await migrateUp(handle.client);
  await handle.client.insert({
    table: 'ja4_processing.ml_detected_anomalies',
    values: ROWS,
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0, date_time_input_format: 'best_effort' },
  });
});
afterAll(async () => cleanup?.());

describe('countFlaggedIps', () => {
  it('counts the addresses of each hour’s newest cycle, not the marker of an hour left with none', async () => {
    expect(await countFlaggedIps(handle.client, { from: H, to: H + 2 * 3600, step: 3600 })).toBe(1);
    expect(await countFlaggedIps(handle.client, { from: H, to: H + 3600, step: 3600 })).toBe(0);
  });
});
