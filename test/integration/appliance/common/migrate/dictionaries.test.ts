import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseHandle } from '../../../../../appliance/common/clickhouse.js';
import {
  DictionaryRowError,
  defaultDictionariesDir,
  loadDictionaries,
  migrateUp,
  readReferenceLists,
} from '../../../../../appliance/common/migrate/index.js';
import { openEmbedded, rows } from './helpers.js';

let handle: ClickHouseHandle;
let cleanup: () => Promise<void>;
const dirs: string[] = [];

function userDir(files: Record<string, string>, copyShipped = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-dict-'));
  dirs.push(dir);
  if (copyShipped) {
    for (const f of ['ip_asn.csv', 'asn_reputation.csv', 'bot_ip.csv', 'bot_ja4.csv', 'ja4_family.csv']) {
      copyFileSync(join(defaultDictionariesDir(), f), join(dir, f));
    }
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const lookup = async (ip: string, ja4: string) =>
  (
    await rows<{ asn: number; label: string; bot: string; tool: string }>(
      handle,
      `SELECT dictGetOrDefault('ja4_processing.dict_ip_asn', 'asn', tuple(toIPv6({ip:String})), toUInt32(0)) AS asn,
              dictGetOrDefault('ja4_processing.dict_asn_reputation', 'label', toUInt64(asn), 'unknown') AS label,
              dictGetOrDefault('ja4_processing.dict_bot_ip', 'label', tuple(toIPv6({ip:String})), '') AS bot,
              dictGetOrDefault('ja4_processing.dict_bot_ja4', 'label', tuple({ja4:String}), '') AS tool`,
      { ip, ja4 },
    )
  )[0];

beforeAll(async () => {
  ({ handle, cleanup } = await openEmbedded('ja4-migrate-dict'));
  await migrateUp(handle.client);
});
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await cleanup?.();
});

describe('loadDictionaries', () => {
  it('loads the shipped files and the dictionaries answer at once', async () => {
    const { rows: counts } = await loadDictionaries(handle.client);
    expect(Object.keys(counts).sort()).toEqual([
      'dict_asn_reputation',
      'dict_bot_ip',
      'dict_bot_ja4',
      'dict_ip_asn',
      'dict_ja4_family',
    ]);
    const [n] = await rows<{ n: string }>(
      handle,
      'SELECT count() AS n FROM ja4_processing.dict_ip_asn_source',
    );
    expect(Number(n.n)).toBe(counts.dict_ip_asn);
    expect(await lookup('91.121.200.1', 't13d190900_9dc949149365_97f8aa674fd9')).toEqual({
      asn: 16276,
      label: 'hosting',
      bot: '',
      tool: 'go-http-client',
    });
    expect(await lookup('185.220.100.240', 'x')).toMatchObject({ label: 'tor', bot: 'tor_exit', tool: '' });
    expect(await lookup('90.10.20.30', 'x')).toMatchObject({ asn: 3215, label: 'isp' });
    expect(await lookup('2a01:4f8:c0c:1::1', 'x')).toMatchObject({ asn: 24940, label: 'hosting' });
    expect(await lookup('192.0.2.1', 'x')).toEqual({ asn: 0, label: 'unknown', bot: '', tool: '' });
    expect(await loadDictionaries(handle.client, { ifEmpty: true })).toEqual({ rows: {}, lists: [] });
    // Every list is recorded with its source, version and date (the dashboard shows their age).
    const lists = await readReferenceLists(handle.client);
    expect(lists.map((l) => l.list)).toEqual([
      'asn_kind',
      'bot_ip',
      'bot_ja4',
      'ip_asn',
      'ja4_family',
      'ua_bots',
      'ua_crawlers',
    ]);
    for (const l of lists) {
      expect(l.source, l.list).not.toBe('');
      expect(l.version, l.list).not.toBe('');
      expect(l.source_date, l.list).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const family = await rows<{ f: string }>(
      handle,
      "SELECT dictGet('ja4_processing.dict_ja4_family', 'family', tuple('b:5b57614c22b0')) AS f",
    );
    expect(family[0].f).toBe('firefox');
  });

  it('stops at a bad row naming file:line, and the previous data stays live', async () => {
    const bad = userDir(
      { 'bot_ja4.csv': 'ja4,label,note\nt13d1516h2_8daaf6152771_02713d6af862,chrome,\nnot-a-ja4,x,\n' },
      true,
    );
    const err = await loadDictionaries(handle.client, { dir: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DictionaryRowError);
    expect((err as Error).message).toContain(`${join(bad, 'bot_ja4.csv')}:3: ja4:`);
    expect(await lookup('91.121.200.1', 't13d190900_9dc949149365_97f8aa674fd9')).toMatchObject({
      tool: 'go-http-client',
    });
    expect(await lookup('91.121.200.1', 't13d1516h2_8daaf6152771_02713d6af862')).toMatchObject({ tool: '' });
    const staging = await rows(
      handle,
      "SELECT name FROM system.tables WHERE database = 'ja4_processing' AND name LIKE '%_staging'",
    );
    expect(staging).toEqual([]);
  });

  it("replaces only the files in a user's folder", async () => {
    const dir = userDir({
      'bot_ja4.csv': 'ja4,label,note\nt13d1516h2_8daaf6152771_02713d6af862,headless-chrome,test\n',
    });
    expect((await loadDictionaries(handle.client, { dir })).rows).toEqual({ dict_bot_ja4: 1 });
    const botJa4 = (await readReferenceLists(handle.client)).find((l) => l.list === 'bot_ja4');
    expect(botJa4).toMatchObject({ source: 'bot_ja4.csv', rows: 1 });
    expect(botJa4?.version).toMatch(/^sha256:/);
    expect(await lookup('91.121.200.1', 't13d1516h2_8daaf6152771_02713d6af862')).toMatchObject({
      asn: 16276,
      tool: 'headless-chrome',
    });
    expect(await lookup('91.121.200.1', 't13d190900_9dc949149365_97f8aa674fd9')).toMatchObject({ tool: '' });
  });

  it('updates IP to ASN from newer range files in a folder, keeping the curated kinds', async () => {
    const dir = userDir({
      'asn-ipv4.csv':
        '203.0.113.0,203.0.113.255,64500,"Example Hosting, Inc."\n198.51.100.0,198.51.100.127,16509,"Amazon.com, Inc."\n',
    });
    const { rows: counts, lists } = await loadDictionaries(handle.client, { dir });
    expect(counts).toMatchObject({ dict_ip_asn: 2 });
    expect(await lookup('203.0.113.9', 'x')).toMatchObject({ asn: 64500, label: 'hosting' }); // the name classifier
    expect(await lookup('198.51.100.9', 'x')).toMatchObject({ asn: 16509, label: 'cloud' }); // curated
    expect(lists.find((l) => l.list === 'ip_asn')).toMatchObject({ rows: 2, source: `${dir} (range files)` });
  });

  it("loads the whole internet's IP to ASN from the installed @ip-location-db/asn", async () => {
    const { rows: counts, lists } = await loadDictionaries(handle.client, { internet: true });
    expect(counts.dict_ip_asn).toBeGreaterThan(500_000);
    expect(counts.dict_asn_reputation).toBeGreaterThan(50_000);
    expect(await lookup('8.8.8.8', 'x')).toMatchObject({ asn: 15169, label: 'cloud' });
    expect(await lookup('2a00:1450:4001:80b::200e', 'x')).toMatchObject({ asn: 15169 });
    expect(await lookup('24.0.0.1', 'x')).toMatchObject({ label: 'isp' }); // Comcast
    const ipAsn = lists.find((l) => l.list === 'ip_asn');
    expect(ipAsn).toMatchObject({ source: 'npm @ip-location-db/asn', licence: 'CC BY 4.0' });
    expect(ipAsn?.attribution).toContain('DB-IP');
  }, 180_000);

  it('refuses an unknown file name before touching anything', async () => {
    const dir = userDir({ 'geoip.csv': 'a\n' });
    await expect(loadDictionaries(handle.client, { dir })).rejects.toThrow(/geoip\.csv is not one of/);
  });
});
