import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../../appliance/common/index.js';
import { migrateUp } from '../../../../../../appliance/common/migrate/index.js';
import { search } from '../../../../../../appliance/dashboard/server/queries/search.js';
import { VALUE_LIST_MAX } from '../../../../../../appliance/dashboard/server/queries/search-values.js';
import { parseSearch } from '../../../../../../appliance/dashboard/server/search-kind.js';
import { openTempEmbedded } from '../../../../../helpers/clickhouse.js';

// A rollup search over thousands of addresses (more than a top-k sketch would keep), checked
// against plain queries on the rollup: the busiest address first, every address counted, every
// page a distinct slice of one exact ranking.

let ch: ClickHouseHandle;
const hour0 = Math.floor(Date.now() / 3_600_000) * 3600 - 3 * 3600;
const range = { from: hour0, to: hour0 + 3 * 3600, step: 900 };
const BUSY = '10.0.0.1';
const OTHERS = 6000;

async function q<T>(query: string): Promise<T[]> {
  const rs = await ch.client.query({ query, query_params: range, format: 'JSONEachRow' });
  return rs.json<T>();
}

beforeAll(async () => {
  ch = await openTempEmbedded('ja4-dash-search-');
  await migrateUp(ch.client);
  const row = (ip: string, hour: string, hits: string, ja4: string) =>
    `SELECT toDateTime(${hour}, 'UTC') AS hour, 'shop.example' AS host, ${ip} AS src_ip, ${ja4} AS ja4,
            toUInt64(${hits}) AS hits, toDateTime64(${hour}, 6, 'UTC') AS first_seen,
            toDateTime64(${hour}, 6, 'UTC') + 1 AS last_seen, toUInt32(64500) AS asn`;
  await ch.client.command({
    query: `INSERT INTO ja4_processing.agg_host_ip_ja4_1h (hour, host, src_ip, ja4, hits, first_seen, last_seen, asn)
            ${row(`'${BUSY}'`, String(hour0), '10', "'t13d1516h2_8daaf6152771_e5627efa2ab1'")}
            UNION ALL
            ${row(
              "concat('10.1.', toString(intDiv(number, 250)), '.', toString(number % 250))",
              `${hour0} + 3600 * (number % 3)`,
              '1',
              "if(number % 2 = 0, 't13d1516h2_8daaf6152771_e5627efa2ab1', 't13d1715h2_5b57614c22b0_3d5424432f57')",
            )} FROM numbers(${OTHERS})`,
  });
}, 240_000);
afterAll(async () => ch?.close());

describe('search on the rollup against plain queries', () => {
  it('ranks the busiest addresses exactly and counts every address and JA4', async () => {
    const { terms } = parseSearch('cidr:10.0.0.0/8');
    const found = await search(ch.client, terms, range, { offset: 0, limit: 5 });
    expect(found.total).toBe(OTHERS + 1);
    expect(found.rows[0]).toMatchObject({ ip: BUSY, hits: 10, asn: 64500 });
    expect(found.rows.slice(1).map((r) => r.hits)).toEqual([1, 1, 1, 1]);
    const ja4s = await q<{ ja4: string; hits: number; ips: number }>(
      `SELECT ja4, toUInt32(sum(hits)) AS hits, toUInt32(uniqExact(src_ip)) AS ips
       FROM ja4_processing.agg_host_ip_ja4_1h GROUP BY ja4 ORDER BY hits DESC, ja4`,
    );
    expect(found.ja4s).toEqual(ja4s);
  });

  it("lists the JA4s of a search of JA4s alone with the JA4 signals' counts", async () => {
    // The signals as their view would have written them from these requests.
    await ch.client.command({
      query: `INSERT INTO ja4_processing.agg_ja4_signals_1h (hour, ja4, hits, ips)
              SELECT hour, ja4, sum(hits), uniqCombinedState(12)(src_ip)
              FROM ja4_processing.agg_host_ip_ja4_1h GROUP BY hour, ja4`,
    });
    const { terms } = parseSearch('ja4:t13d1516h2_*');
    const found = await search(ch.client, terms, range, { offset: 0, limit: 5 });
    // Requests exact; addresses as uniqCombined(12) estimates them (~1.6% typical error).
    expect(found.ja4s.map((j) => [j.ja4, j.hits])).toEqual([
      ['t13d1516h2_8daaf6152771_e5627efa2ab1', 10 + OTHERS / 2],
    ]);
    expect(Math.abs(found.ja4s[0].ips - (1 + OTHERS / 2)) / (1 + OTHERS / 2)).toBeLessThan(0.04);
    expect(found.total).toBe(1 + OTHERS / 2);
    expect(found.rows[0]).toMatchObject({ ip: BUSY, hits: 10 });
    await ch.client.command({ query: 'TRUNCATE TABLE ja4_processing.agg_ja4_signals_1h' });
    expect((await search(ch.client, terms, range, { offset: 0, limit: 5 })).ja4s).toEqual([]);
  });

  it('takes the first pages of a large JA4 set from the busiest addresses the signals kept', async () => {
    // The signals with their busiest addresses, each address counted once per request.
    await ch.client.command({
      query: `INSERT INTO ja4_processing.agg_ja4_signals_1h (hour, ja4, hits, ips, top_ips)
              SELECT hour, ja4, count(), uniqCombinedState(12)(ip), approx_top_countState(100)(ip)
              FROM (SELECT hour, ja4, arrayJoin(arrayWithConstant(toUInt32(hits), src_ip)) AS ip
                    FROM ja4_processing.agg_host_ip_ja4_1h)
              GROUP BY hour, ja4`,
    });
    const { terms } = parseSearch('ja4:t13d1516h2_*');
    const exact = 1 + OTHERS / 2;
    const first = await search(ch.client, terms, range, { offset: 0, limit: 5 });
    expect(Math.abs(first.total - exact) / exact).toBeLessThan(0.04);
    expect(first.total_estimated).toBe(true);
    expect(first.rows.map((x) => [x.ip, x.hits])).toEqual([
      [BUSY, 10],
      ...first.rows.slice(1).map((x) => [x.ip, 1]),
    ]);
    expect(first.rows).toHaveLength(5);
    expect(first.rows[0]).toMatchObject({ asn: 64500, ja4s: ['t13d1516h2_8daaf6152771_e5627efa2ab1'] });
    // Past the kept addresses, the exact grouping: every address counted.
    const later = await search(ch.client, terms, range, { offset: 100, limit: 5 });
    expect(later.total).toBe(exact);
    expect(later.total_estimated).toBeFalsy();
    expect(later.rows).toHaveLength(5);
    await ch.client.command({ query: 'TRUNCATE TABLE ja4_processing.agg_ja4_signals_1h' });
  });

  it('pages past the first page with the same total', async () => {
    const { terms } = parseSearch('cidr:10.1.0.0/16');
    const p1 = await search(ch.client, terms, range, { offset: 0, limit: 50 });
    const p2 = await search(ch.client, terms, range, { offset: 50, limit: 50 });
    expect(p1.total).toBe(OTHERS);
    expect(p2.total).toBe(OTHERS);
    const ips = [...p1.rows, ...p2.rows].map((r) => r.ip);
    expect(new Set(ips).size).toBe(100);
    // Ties at one request are ordered by address.
    expect(ips).toEqual([...ips].sort());
  });
});

describe('search on the requests against plain queries, at the edges of the range', () => {
  // Requests every 7 minutes over 30 hours from three addresses, two of them curl, plus one just
  // outside and one just inside each end of a range that starts and ends inside an hour and
  // crosses midnight: the range's whole hours are read by `hour`, its partial ends by ts.
  const day0 = Math.floor(Date.now() / 86_400_000) * 86400 - 86400;
  const logs = { from: day0 - 5 * 3600 + 1200, to: day0 + 20 * 3600 + 2400, step: 3600 };
  const rowSql = (ts: string, ip: string, ua: string) =>
    `SELECT toDateTime64(${ts}, 6, 'UTC') AS ts, 'shop.example' AS host, ${ip} AS client_ip,
            't13d1516h2_8daaf6152771_e5627efa2ab1' AS ja4, ${ua} AS user_agent, '/wp-login.php' AS path`;

  /** The client, recording each statement a search sends. */
  const recorded = () => {
    const seen: { query: string; query_params?: Record<string, unknown> }[] = [];
    const client = new Proxy(ch.client, {
      get: (target, key) =>
        key === 'query'
          ? (args: (typeof seen)[number]) => {
              seen.push(args);
              return target.query(args as Parameters<typeof target.query>[0]);
            }
          : Reflect.get(target, key),
    });
    return { client, seen };
  };

  beforeAll(async () => {
    const start = logs.from - 3600;
    await ch.client.command({
      query: `INSERT INTO ja4_processing.http_logs (ts, host, client_ip, ja4, user_agent, path)
              ${rowSql(`${start} + 420 * intDiv(number, 3)`, "concat('192.0.2.', toString(number % 3))", "if(number % 3 = 2, 'Mozilla/5.0', 'curl/8.5.0')")}
              FROM numbers(${Math.ceil((30 * 3600) / 420) * 3})
              UNION ALL ${rowSql(String(logs.from - 1), "'198.51.100.1'", "'curl/7.88'")}
              UNION ALL ${rowSql(String(logs.from), "'198.51.100.2'", "'curl/7.88'")}
              UNION ALL ${rowSql(String(logs.to - 1), "'198.51.100.3'", "'curl/7.88'")}
              UNION ALL ${rowSql(String(logs.to), "'198.51.100.4'", "'curl/7.88'")}`,
    });
  });

  const CURL = ['192.0.2.0', '192.0.2.1', '198.51.100.2', '198.51.100.3'];
  it.each([
    ['ua:curl', "positionCaseInsensitive(user_agent, 'curl') > 0", CURL],
    [
      'path:/wp-login',
      "position(path, '/wp-login') > 0",
      ['192.0.2.0', '192.0.2.1', '192.0.2.2', ...CURL.slice(2)],
    ],
    [
      'path:/wp-login ua:CURL',
      "position(path, '/wp-login') > 0 AND positionCaseInsensitive(user_agent, 'curl') > 0",
      CURL,
    ],
  ])('finds exactly the requests of the range: `%s`', async (q, test, ips) => {
    const { terms } = parseSearch(q);
    const found = await search(ch.client, terms, logs, { offset: 0, limit: 50 });
    // The same requests by a plain statement on the table, with no copy.
    const rs = await ch.client.query({
      query: `SELECT client_ip AS ip, toUInt32(count()) AS hits, formatDateTime(min(ts), '%FT%TZ') AS first_seen,
                     formatDateTime(max(ts), '%FT%TZ') AS last_seen
              FROM ja4_processing.http_logs
              WHERE ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6) AND ${test}
                AND client_ip NOT LIKE '198.18.%' AND client_ip NOT LIKE '203.0.%'
              GROUP BY client_ip ORDER BY hits DESC, ip
              SETTINGS optimize_use_projections = 0`,
      query_params: logs,
      format: 'JSONEachRow',
    });
    const want = await rs.json<{ ip: string; hits: number; first_seen: string; last_seen: string }>();
    expect(want.map((w) => w.ip)).toEqual(ips);
    expect(found.total).toBe(want.length);
    expect(
      found.rows.map(({ ip, hits, first_seen, last_seen }) => ({ ip, hits, first_seen, last_seen })),
    ).toEqual(want);
    expect(found.ja4s).toEqual([
      {
        ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
        hits: want.reduce((n, w) => n + w.hits, 0),
        ips: ips.length,
      },
    ]);
  });

  it('counts an address with two JA4s once in all and once under each JA4, page after page', async () => {
    // 300 addresses of a scanner, each with two JA4s (one shared by all, one of its own third).
    await ch.client.command({
      query: `INSERT INTO ja4_processing.http_logs (ts, host, client_ip, ja4, user_agent, path)
              SELECT toDateTime64(${logs.from} + number, 6, 'UTC'), 'shop.example',
                     concat('203.0.', toString(intDiv(number, 500)), '.', toString(intDiv(number, 2) % 250)),
                     if(number % 2 = 0, 't13d1516h2_8daaf6152771_e5627efa2ab1',
                        concat('t13d0000h1_', toString(intDiv(number, 2) % 3), '_x')),
                     'Nikto/2.5', '/admin.php'
              FROM numbers(600)`,
    });
    const plain = async <T>(query: string) =>
      (await ch.client.query({ query, query_params: logs, format: 'JSONEachRow' })).json<T>();
    const inRange = `ts >= toDateTime64({from:UInt32}, 6) AND ts < toDateTime64({to:UInt32}, 6)
                     AND positionCaseInsensitive(user_agent, 'nikto') > 0`;
    const [{ ips }] = await plain<{ ips: number }>(
      `SELECT toUInt32(uniqExact(client_ip)) AS ips FROM ja4_processing.http_logs WHERE ${inRange}`,
    );
    const ja4s = await plain<{ ja4: string; hits: number; ips: number }>(
      `SELECT ja4, toUInt32(count()) AS hits, toUInt32(uniqExact(client_ip)) AS ips
       FROM ja4_processing.http_logs WHERE ${inRange} GROUP BY ja4 ORDER BY hits DESC, ja4`,
    );
    expect(ips).toBe(300);
    const { terms } = parseSearch('ua:nikto');
    const p1 = await search(ch.client, terms, logs, { offset: 0, limit: 200 });
    const p2 = await search(ch.client, terms, logs, { offset: 200, limit: 200 });
    expect([p1.total, p2.total]).toEqual([ips, ips]);
    expect(p1.ja4s).toEqual(ja4s);
    const seen = [...p1.rows, ...p2.rows];
    expect(seen).toHaveLength(ips);
    expect(new Set(seen.map((r) => r.ip)).size).toBe(ips);
    for (const r of seen) {
      expect(r.hits).toBe(2);
      expect(r.ja4s.sort()).toEqual([
        expect.stringMatching(/^t13d0000h1_/),
        't13d1516h2_8daaf6152771_e5627efa2ab1',
      ]);
    }
  });

  let filled = false;
  const fill = async () => {
    if (filled) return;
    filled = true;
    await ch.client.command({
      query: `INSERT INTO ja4_processing.http_logs (ts, host, client_ip, ja4, user_agent, path)
              ${rowSql(`${logs.from} + number % 80000`, "concat('198.18.0.', toString(number % 200))", "'Mozilla/5.0 (X11)'")}
              FROM numbers(60000)`,
    });
  };

  // What each search reads: [values looked up, matches counted (with the page's details for a
  // `ua:` search), the page's details]. User agents are looked up in either hourly copy,
  // whichever has fewer granules.
  const HOURLY = expect.stringMatching(/^(path_user_agent_1h|user_agent_ip_ja4_1h)$/);
  const COPIES: [string, unknown[][]][] = [
    ['ua:curl', [[HOURLY], ['user_agent_ip_ja4_1h', 'ja4_processing.http_logs']]],
    ['path:/wp-login.php', [['path_user_agent_1h'], ['by_path'], ['by_path']]],
    ['ua:curl status:200', [[HOURLY], ['by_path']]], // no request here has a status: no page
  ];
  it.each(COPIES)('reads `%s` from the copies sorted by what it searches', async (q, want) => {
    // ClickHouse reads a projection when it has fewer granules to read than the table: as a
    // server's http_logs would, the table here holds more requests than fit one granule.
    await fill();
    const { client, seen } = recorded();
    await search(client, parseSearch(q).terms, logs, { offset: 0, limit: 50 });
    expect(seen).toHaveLength(want.length);
    for (const [i, copies] of want.entries()) {
      const rs = await ch.client.query({
        query: `EXPLAIN ${seen[i].query}`,
        query_params: seen[i].query_params,
        format: 'TabSeparatedRaw',
      });
      const reads = [...(await rs.text()).matchAll(/ReadFromMergeTree \(([^)]+)\)/g)].map((m) => m[1]);
      expect(reads, `statement ${i}: ${seen[i].query.slice(0, 80)}`).toEqual(copies);
    }
  });

  it.each([
    ['more values than it lists', VALUE_LIST_MAX + 100, '/many-a/', 'toString(number)'],
    ['values longer than it lists', 40, '/many-b/', "repeat('x', 2000), toString(number)"],
  ])('searches past %s by the substring alone', async (_, n, prefix, rest) => {
    const ip = `192.0.2.${n % 250}`;
    await ch.client.command({
      query: `INSERT INTO ja4_processing.http_logs (ts, host, client_ip, ja4, user_agent, path)
              ${rowSql(`${logs.from} + 3600 + number`, `'${ip}'`, "'Wget/1.21'").replace(
                "'/wp-login.php' AS path",
                `concat('${prefix}', ${rest}) AS path`,
              )}
              FROM numbers(${n})`,
    });
    const { client, seen } = recorded();
    const many = await search(client, parseSearch(`path:${prefix} ua:wget`).terms, logs, {
      offset: 0,
      limit: 50,
    });
    expect(many.total).toBe(1);
    expect(many.rows[0]).toMatchObject({ ip, hits: n });
    // The paths are not listed; the user agent is.
    const counted = seen.find((x) => x.query.includes('GROUPING'));
    expect(counted?.query_params).not.toHaveProperty('l0');
    expect(counted?.query_params).toHaveProperty('l1', ['Wget/1.21']);
  });

  it('finds nothing without asking further when a term matches no value', async () => {
    const { client, seen } = recorded();
    const none = await search(client, parseSearch('path:/no-such-page').terms, logs, {
      offset: 0,
      limit: 50,
    });
    expect(none).toEqual({ total: 0, rows: [], ja4s: [] });
    expect(seen).toHaveLength(1);
  });
});
