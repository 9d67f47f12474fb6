import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseHandle, openClickHouse } from '../../../appliance/common/clickhouse.js';
import { loadDictionaries, migrateUp } from '../../../appliance/common/migrate/index.js';
import {
  generateSeed,
  readBotLists,
  type SeedLabel,
  type SeedOptions,
  type SeedSummary,
  sessionCounts,
  writeSeed,
} from '../../../appliance/demo/index.js';
import { BASE_SESSIONS } from '../../../appliance/demo/seed-plan.js';

/**
 * Seeds a fresh embedded engine (migrations + dictionaries, as `ja4 up` would) and checks what
 * the demo data promises (appliance/demo/README.md), through the materialized-view chain.
 */
const ROOT = process.cwd();
let tmp: string;
let ch: ClickHouseHandle;
let plan: SeedOptions;
let summary: SeedSummary;

async function rows<T>(query: string): Promise<T[]> {
  const rs = await ch.client.query({ query, format: 'JSONEachRow' });
  return rs.json<T>();
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ja4-seed-'));
  ch = await openClickHouse({
    url: `embedded:${join(tmp, 'ch')}`,
    username: 'default',
    password: '',
    cluster: '',
    request_timeout_ms: 120_000,
  });
  await migrateUp(ch.client);
  await loadDictionaries(ch.client);
  plan = {
    seed: 'integration',
    scale: 1,
    endUs: Math.floor(Date.now() / 60_000) * 60_000_000,
    hours: 24,
    bots: readBotLists(join(ROOT, 'migrations', 'dictionaries')),
  };
  // Small batches: several inserts overlap with generation (the double-buffered path).
  summary = await writeSeed(ch.client, plan, {
    runId: 'it-run',
    batchRows: 1500,
    labelsFile: join(tmp, 'labels.jsonl'),
  });
}, 240_000);

afterAll(async () => {
  await ch?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('seed-clickhouse into the embedded engine', () => {
  it('runs the whole chain: http_logs and agg_host_ip_ja4_1h hold every seeded request', async () => {
    const [logs] = await rows<{ n: string }>('SELECT count() AS n FROM ja4_processing.http_logs');
    const [agg] = await rows<{ groups: string; hits: string }>(
      'SELECT count() AS groups, sum(hits) AS hits FROM ja4_processing.agg_host_ip_ja4_1h',
    );
    expect(Number(logs.n)).toBe(summary.totalRows);
    expect(Number(agg.groups)).toBeGreaterThan(0);
    expect(Number(agg.hits)).toBe(summary.totalRows);
  });

  it('gives view_ai_features_1h at least 100 rows from residential ISPs (the visits)', async () => {
    const [v] = await rows<{ n: string }>(
      "SELECT count() AS n FROM ja4_processing.view_ai_features_1h WHERE asn_label = 'isp'",
    );
    expect(Number(v.n)).toBeGreaterThanOrEqual(100);
  });

  it('stores one label per session, with the planned count per scenario', async () => {
    // Sessions at scale 1: the plan's declared counts summed over its scenarios.
    const sessions = Object.values(BASE_SESSIONS).reduce((a, b) => a + b, 0);
    const got = await rows<{ scenario: string; n: string; ids: string }>(
      `SELECT scenario, count() AS n, uniqExact(session_id) AS ids FROM ja4_processing.seed_labels
       WHERE run_id = 'it-run' GROUP BY scenario`,
    );
    expect(Object.fromEntries(got.map((r) => [r.scenario, Number(r.n)]))).toEqual(sessionCounts(1));
    expect(got.reduce((n, r) => n + Number(r.ids), 0)).toBe(sessions);
    const file = readFileSync(join(tmp, 'labels.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SeedLabel);
    expect(file.length).toBe(sessions);
    expect(new Set(file.map((l) => l.session_id)).size).toBe(sessions);
  });

  it('has as many stored requests per scenario as the plan makes', async () => {
    const planned: Record<string, number> = {};
    for (const { spec, rows: r } of generateSeed(plan))
      planned[spec.scenario] = (planned[spec.scenario] ?? 0) + r.length;
    const got = await rows<{ scenario: string; n: string }>(
      `SELECT l.scenario AS scenario, count() AS n FROM ja4_processing.http_logs AS h
       INNER JOIN (SELECT DISTINCT client_ip, scenario FROM ja4_processing.seed_labels) AS l ON h.client_ip = l.client_ip
       GROUP BY scenario`,
    );
    expect(Object.fromEntries(got.map((r) => [r.scenario, Number(r.n)]))).toEqual(planned);
  });

  it('flags every known-bot request with the bot IP and bot JA4 labels', async () => {
    const [r] = await rows<{ n: string; both: string }>(
      `SELECT count() AS n, countIf(bot_ip_label != '' AND bot_ja4_label != '') AS both
       FROM ja4_processing.http_logs
       WHERE client_ip IN (SELECT client_ip FROM ja4_processing.seed_labels WHERE scenario = 'known_bot')`,
    );
    expect(Number(r.n)).toBe(summary.rows.known_bot);
    expect(Number(r.both)).toBe(summary.rows.known_bot);
  });

  it('maps the human ranges to ISP ASNs and the attackers to hosting ASNs through dict_ip_asn', async () => {
    const got = await rows<{ scenario: string; labels: string[] }>(
      `SELECT l.scenario AS scenario, groupUniqArray(h.asn_label) AS labels FROM ja4_processing.http_logs AS h
       INNER JOIN (SELECT DISTINCT client_ip, scenario FROM ja4_processing.seed_labels) AS l ON h.client_ip = l.client_ip
       WHERE l.scenario IN ('human', 'scanner', 'bruteforce') GROUP BY scenario ORDER BY scenario`,
    );
    expect(got).toEqual([
      { scenario: 'bruteforce', labels: ['hosting'] },
      { scenario: 'human', labels: ['isp'] },
      { scenario: 'scanner', labels: ['hosting'] },
    ]);
  });

  it('stores exactly the rows the seed describes (same seed, same rows)', async () => {
    const key = (r: {
      ts_us: number | string;
      client_ip: string;
      path: string;
      ja3: string;
      conn_port: number;
    }) => `${r.ts_us}|${r.client_ip}|${r.path}|${r.ja3}|${r.conn_port}`;
    const expected = [...generateSeed(plan)].flatMap((s) => s.rows.map(key)).sort();
    const stored = await rows<{
      ts_us: string;
      client_ip: string;
      path: string;
      ja3: string;
      conn_port: number;
    }>(
      'SELECT toUnixTimestamp64Micro(ts) AS ts_us, client_ip, path, ja3, conn_port FROM ja4_processing.http_logs',
    );
    expect(stored.map(key).sort()).toEqual(expected);
  });

  it('lets the held-directory error through as one line when the engine is in use', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'scripts', 'seed-clickhouse.ts'),
        '--url',
        `embedded:${join(tmp, 'ch')}`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.status).toBe(3);
    const lines = child.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^seed-clickhouse: the embedded ClickHouse directory .* is held by process \d+/);
  });
});
