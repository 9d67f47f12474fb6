import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, openClickHouse } from '../../appliance/common/index.js';
import { loadDictionaries, migrateUp } from '../../appliance/common/migrate/index.js';

/**
 * The whole internet's IP → ASN table in ClickHouse: how long `ja4 dict load` takes with it (read
 * the package's range files, turn ranges into CIDRs, insert, swap, reload), what the ip_trie
 * dictionary holds and allocates (system.dictionaries), the process's resident memory around it,
 * and the lookup rate of a million random IPv4 addresses.
 */
export async function referenceStage(echo: (l: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-bench-reference-'));
  const ch = await openClickHouse({ ...defaultConfig().clickhouse, url: `embedded:${dir}` });
  const rss = () => Math.round(process.memoryUsage().rss / 1e6);
  try {
    await migrateUp(ch.client, {});
    const rssBefore = rss();
    const t0 = performance.now();
    const { rows, lists } = await loadDictionaries(ch.client, { internet: true });
    const loadMs = Math.round(performance.now() - t0);
    const rssAfter = rss();
    const q = async <T>(query: string) =>
      await (
        await ch.client.query({
          query,
          format: 'JSONEachRow',
          clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
        })
      ).json<T>();
    const dicts = await q<{
      name: string;
      element_count: number;
      bytes_allocated: number;
      loading_duration: number;
    }>(
      "SELECT name, element_count, bytes_allocated, loading_duration FROM system.dictionaries WHERE database = 'ja4_processing' ORDER BY name",
    );
    const t1 = performance.now();
    await q(
      "SELECT count(), uniqExact(dictGetOrDefault('ja4_processing.dict_ip_asn', 'asn', tuple(IPv4ToIPv6(toIPv4(rand()))), toUInt32(0))) FROM numbers(1000000)",
    );
    const lookupMs = Math.round(performance.now() - t1);
    const result = {
      package: lists.find((l) => l.list === 'ip_asn'),
      rows,
      load_ms: loadMs,
      rss_mb_before: rssBefore,
      rss_mb_after: rssAfter,
      dictionaries: dicts.map((d) => ({
        ...d,
        bytes_allocated_mb: Math.round(Number(d.bytes_allocated) / 1e5) / 10,
      })),
      lookups_per_s_1m_random_ipv4: Math.round(1e6 / (lookupMs / 1000)),
    };
    echo(
      `reference: ${rows.dict_ip_asn} prefixes in ${loadMs} ms; ${JSON.stringify(result.dictionaries.find((d) => d.name === 'dict_ip_asn'))}; RSS ${rssBefore} → ${rssAfter} MB`,
    );
    return result;
  } finally {
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
