import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import { loadDictionaries, migrateUp } from '../../../../../appliance/common/migrate/index.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;

import {
  batch1,
  batch2,
  CHROME,
  GO,
  HETZNER_IP6,
  HOUR_S,
  hourText,
  OVH_IP,
  PYTHON,
  TOR_IP,
} from './fixtures.js';

async function insertLines(lines: string[], token: string, asyncInsert: 0 | 1) {
  await handle.client.command({
    query: `INSERT INTO ja4_processing.http_logs_raw (raw) FORMAT LineAsString\n${lines.join('\n')}\n`,
    clickhouse_settings: {
      insert_deduplication_token: token,
      deduplicate_blocks_in_dependent_materialized_views: 1,
      async_insert: asyncInsert,
    },
  });
}

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-pipeline'));
  await migrateUp(handle.client);
  await loadDictionaries(handle.client);
  await insertLines(batch1, 'batch-1', 0);
  await insertLines(batch2, 'batch-2', 1);
});
afterAll(async () => cleanup?.());

describe('http_logs_raw -> mv_http_logs -> http_logs -> mv_agg_host_ip_ja4_1h -> agg_host_ip_ja4_1h', () => {
  it('parses and enriches every valid line', async () => {
    const got = await rows<Record<string, unknown>>(
      handle,
      `SELECT client_ip, path, status, asn, asn_name, asn_label, bot_ip_label, bot_ja4_label, tcp_ttl, tls_ts,
              toString(ts) AS ts_text, extra_headers, alpn
       FROM ja4_processing.http_logs ORDER BY ts`,
    );
    expect(got).toHaveLength(8);
    expect(got[0]).toMatchObject({
      client_ip: TOR_IP,
      path: '/wp-login.php',
      status: 401,
      asn: 205100,
      asn_label: 'tor',
      bot_ip_label: 'tor_exit',
      bot_ja4_label: 'python-requests',
      tcp_ttl: 64,
      ts_text: `${hourText(HOUR_S + 60)}.000000`,
      tls_ts: `${hourText(HOUR_S + 59)}.999500`,
    });
    expect(got[4]).toMatchObject({
      client_ip: OVH_IP,
      asn: 16276,
      asn_name: 'OVH SAS',
      asn_label: 'hosting',
      bot_ip_label: '',
      bot_ja4_label: '',
      tcp_ttl: null,
      extra_headers: { 'x-request-id': 'r100' },
      alpn: ['h2', 'http/1.1'],
    });
    expect(got[7]).toMatchObject({
      client_ip: HETZNER_IP6,
      asn: 24940,
      asn_label: 'hosting',
      bot_ja4_label: 'go-http-client',
    });
    const raw = await rows<{ n: string }>(handle, 'SELECT count() AS n FROM ja4_processing.http_logs_raw');
    expect(Number(raw[0].n)).toBe(9); // the bad line is kept raw only
  });

  it('drops a replayed batch (same deduplication token) in every table', async () => {
    await insertLines(batch2, 'batch-2', 1);
    await insertLines(batch1, 'batch-1', 0);
    const counts = await rows<{ raw: string; logs: string; hits: string }>(
      handle,
      `SELECT (SELECT count() FROM ja4_processing.http_logs_raw) AS raw, (SELECT count() FROM ja4_processing.http_logs) AS logs,
              (SELECT sum(hits) FROM ja4_processing.agg_host_ip_ja4_1h) AS hits`,
    );
    expect(counts[0]).toEqual({ raw: 9, logs: 8, hits: 8 });
  });

  it('rolls up per hour, host, src_ip and ja4', async () => {
    const agg = await rows<Record<string, unknown>>(
      handle,
      `SELECT toString(hour) AS h, src_ip, ja4, sum(hits) AS hits, sum(hits_post) AS post, sum(status_4xx) AS s4,
              arraySort(groupUniqArrayArray(methods)) AS methods, uniqMerge(paths_state) AS paths
       FROM ja4_processing.agg_host_ip_ja4_1h GROUP BY hour, host, src_ip, ja4 ORDER BY hour, src_ip`,
    );
    expect(agg).toEqual([
      {
        h: hourText(HOUR_S),
        src_ip: TOR_IP,
        ja4: PYTHON,
        hits: 4,
        post: 2,
        s4: 3,
        methods: ['GET', 'POST'],
        paths: 3,
      },
      {
        h: hourText(HOUR_S),
        src_ip: OVH_IP,
        ja4: CHROME,
        hits: 3,
        post: 0,
        s4: 0,
        methods: ['GET'],
        paths: 2,
      },
      {
        h: hourText(HOUR_S + 3600),
        src_ip: HETZNER_IP6,
        ja4: GO,
        hits: 1,
        post: 0,
        s4: 1,
        methods: ['GET'],
        paths: 1,
      },
    ]);
  });
});

describe('view_ai_features_1h', () => {
  it('returns the hand-computed feature rows', async () => {
    const got = await rows<Record<string, unknown>>(
      handle,
      `SELECT * FROM ja4_processing.view_ai_features_1h
       WHERE hour >= toDateTime({from:UInt32}, 'UTC') AND hour < toDateTime({to:UInt32}, 'UTC') ORDER BY src_ip`,
      { from: HOUR_S, to: HOUR_S + 3600 },
    );
    expect(got).toHaveLength(2);
    const [torRow, ovhRow] = got[0].src_ip === TOR_IP ? got : [got[1], got[0]];
    // 4 requests: 2x POST /wp-login.php 401, GET /xmlrpc.php 404, GET /admin/ 500 (another UA).
    expect(torRow).toMatchObject({
      hour: hourText(HOUR_S),
      host: 'shop.example',
      ja4: PYTHON,
      requests: 4,
      distinct_paths: 3,
      ratio_2xx: 0,
      ratio_4xx: 0.75,
      ratio_5xx: 0.25,
      ratio_post: 0.5,
      login_hits: 4,
      distinct_user_agents: 2,
      mean_header_count: 5,
      top_user_agent: 'python-requests/2.31.0',
      total_bytes_sent: 4000,
      mean_duration_ms: 2,
      active_seconds: 3,
      ja4_a: 't13d181000',
      ja4_b: '85036bcba153',
      ja4_c: 'd41ae481755e',
      ja4_proto: 't',
      ja4_tls_version: '13',
      ja4_sni: 'd',
      ja4_cipher_count: 18,
      ja4_ext_count: 10,
      ja4_alpn: '00',
      tls_version: '1.3',
      alpn: '',
      tcp_ttl: 64,
      tcp_window: 64240,
      tcp_mss: 1460,
      tcp_wscale: 7,
      tcp_options: '2-4-8-1-3',
      asn: 205100,
      asn_label: 'tor',
      bot_ip_label: 'tor_exit',
      bot_ja4_label: 'python-requests',
    });
    // 3 requests: GET / 200, GET /products 200, GET /products 304; header counts 12, 12, 13.
    expect(ovhRow).toMatchObject({
      requests: 3,
      distinct_paths: 2,
      ratio_2xx: 2 / 3,
      ratio_3xx: 1 / 3,
      ratio_4xx: 0,
      ratio_post: 0,
      login_hits: 0,
      distinct_user_agents: 1,
      top_user_agent: 'Mozilla/5.0 Chrome/120',
      alpn: 'h2',
      ja4_alpn: 'h2',
      ja4_cipher_count: 15,
      ja4_ext_count: 16,
      tcp_ttl: null,
      asn: 16276,
      asn_name: 'OVH SAS',
      asn_label: 'hosting',
      bot_ip_label: '',
      bot_ja4_label: '',
    });
    expect(ovhRow.mean_header_count).toBeCloseTo(37 / 3, 10);
  });
});
