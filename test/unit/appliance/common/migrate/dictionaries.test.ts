import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../../appliance/common/migrate/csv.js';
import { checkJa4, checkNetwork } from '../../../../../appliance/common/migrate/dictionary-specs.js';
import {
  DICTIONARY_SPECS,
  DictionaryRowError,
  defaultDictionariesDir,
  parseDictionaryCsv,
  readDictionaryFiles,
} from '../../../../../appliance/common/migrate/index.js';
import { currentTtlDays } from '../../../../../appliance/common/migrate/retention.js';

const spec = (file: string) => DICTIONARY_SPECS.find((s) => s.file === file)!;

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, and skips # lines', () => {
    const r = parseCsv('# note\na,b\n"x, y","say ""hi"""\n"multi\nline",z\r\n');
    expect(r).toEqual({
      ok: true,
      records: [
        { line: 2, fields: ['a', 'b'] },
        { line: 3, fields: ['x, y', 'say "hi"'] },
        { line: 4, fields: ['multi\nline', 'z'] },
      ],
    });
  });

  it('reports malformed quoting with its line', () => {
    expect(parseCsv('a,b\n"open,b\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a,b\nx"y,b\n')).toMatchObject({ ok: false, line: 2 });
  });
});

describe('field checks', () => {
  it('normalises addresses and refuses host bits', () => {
    expect(checkNetwork('91.121.0.0/16')).toEqual({ ok: true, value: '91.121.0.0/16' });
    expect(checkNetwork('185.220.101.4')).toEqual({ ok: true, value: '185.220.101.4/32' });
    expect(checkNetwork('2001:41d0::/32')).toEqual({ ok: true, value: '2001:41d0::/32' });
    expect(checkNetwork('91.121.5.0/16')).toMatchObject({ ok: false });
    expect(checkNetwork('999.1.1.1')).toMatchObject({ ok: false });
  });

  it('accepts JA4 shapes only', () => {
    expect(checkJa4('t13d1516h2_8daaf6152771_02713d6af862').ok).toBe(true);
    expect(checkJa4('q13i0312h3_55b375c5d22e_06cda9e17597').ok).toBe(true);
    expect(checkJa4('t13d1516h2_8daaf6152771').ok).toBe(false);
    expect(checkJa4('T13D1516H2_8daaf6152771_02713d6af862').ok).toBe(false);
  });
});

describe('parseDictionaryCsv', () => {
  it('names file:line and the column of a bad row', () => {
    const text = 'network,asn,asn_name,country\n91.121.0.0/16,16276,OVH,FR\n10.0.0.0/8,ASX,Bad,FR\n';
    expect(() => parseDictionaryCsv(spec('ip_asn.csv'), text, 'x/ip_asn.csv')).toThrow(
      /^x\/ip_asn\.csv:3: asn: "ASX" is not an AS number/,
    );
    try {
      parseDictionaryCsv(spec('ip_asn.csv'), text, 'x/ip_asn.csv');
    } catch (err) {
      expect(err).toBeInstanceOf(DictionaryRowError);
      expect((err as DictionaryRowError).code).toBe('JA4_ERR_DICT_ROW');
    }
  });

  it('refuses a wrong header, a wrong field count and a repeated key', () => {
    expect(() => parseDictionaryCsv(spec('bot_ja4.csv'), 'ja4,label\n')).toThrow(
      /:1: the header must be ja4,label,note/,
    );
    expect(() => parseDictionaryCsv(spec('bot_ja4.csv'), 'ja4,label,note\nx,y\n')).toThrow(
      /:2: 2 fields, expected 3/,
    );
    const dup = 'asn,asn_name,label,note\n1,A,isp,\nAS1,B,tor,\n';
    expect(() => parseDictionaryCsv(spec('asn_reputation.csv'), dup)).toThrow(/:3: asn 1 repeats line 2/);
  });
});

describe('the shipped dictionary files', () => {
  const files = new Map(readDictionaryFiles(defaultDictionariesDir()).map((f) => [f.spec.file, f.rows]));

  it('are all present and valid', () => {
    expect([...files.keys()].sort()).toEqual(DICTIONARY_SPECS.map((s) => s.file).sort());
  });

  it('hold the ranges the seeder and the traffic generator rely on', () => {
    const ipAsn = new Map(files.get('ip_asn.csv')!.map((r) => [r.network, r.asn]));
    const labels = new Map(files.get('asn_reputation.csv')!.map((r) => [r.asn, r.label]));
    const expectRange = (network: string, asn: number | undefined, label: string | string[]) => {
      const got = ipAsn.get(network);
      expect(got, network).toBeDefined();
      if (asn !== undefined) expect(got).toBe(asn);
      expect([label].flat()).toContain(labels.get(got!));
    };
    expectRange('91.121.0.0/16', 16276, 'hosting'); // OVH: X4BNet's datacenter list
    expectRange('82.64.0.0/14', 12322, 'isp');
    expectRange('78.41.0.0/16', 15557, 'isp');
    expectRange('90.0.0.0/9', 3215, 'isp');
    expectRange('185.220.100.0/22', undefined, 'tor');
    expectRange('45.155.0.0/16', undefined, 'hosting');
    expectRange('193.32.0.0/16', undefined, 'hosting');
    for (const asn of [14061, 24940, 51167, 16509, 14618]) {
      expect([...ipAsn.values()], `AS${asn}`).toContain(asn);
      expect(['hosting', 'cloud']).toContain(labels.get(asn));
    }
    expect([...ipAsn.keys()].filter((n) => String(n).includes(':')).length).toBeGreaterThanOrEqual(3);
    const botLabels = new Set(files.get('bot_ja4.csv')!.map((r) => r.label));
    for (const tool of ['curl', 'python-requests', 'go-http-client', 'wget', 'nmap']) {
      expect(botLabels, tool).toContain(tool);
    }
  });
});

describe('currentTtlDays', () => {
  it('reads the day count from engine_full', () => {
    expect(
      currentTtlDays(
        'MergeTree PARTITION BY toDate(ts) ORDER BY x TTL toDateTime(ts) + toIntervalDay(30) SETTINGS a = 1',
      ),
    ).toBe(30);
    expect(currentTtlDays('MergeTree ORDER BY x')).toBeUndefined();
  });
});
