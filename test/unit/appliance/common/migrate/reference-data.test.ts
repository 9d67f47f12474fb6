import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyAsnName } from '../../../../../appliance/common/migrate/asn-kind.js';
import {
  DICTIONARY_SPECS,
  DictionaryRowError,
  parseDictionaryCsv,
  readDictionaryFiles,
} from '../../../../../appliance/common/migrate/index.js';
import { packageRangeSource } from '../../../../../appliance/common/migrate/internet-asn.js';
import { readIpAsnRanges } from '../../../../../appliance/common/migrate/ip-asn-ranges.js';
import { rangeToCidrs } from '../../../../../appliance/common/migrate/ip-ranges.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ja4-ref-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('rangeToCidrs', () => {
  it('covers an inclusive range exactly with the fewest aligned blocks', () => {
    expect(rangeToCidrs('1.0.0.0', '1.0.0.255')).toEqual({ ok: true, cidrs: ['1.0.0.0/24'] });
    expect(rangeToCidrs('1.0.4.0', '1.0.7.255')).toEqual({ ok: true, cidrs: ['1.0.4.0/22'] });
    expect(rangeToCidrs('10.0.0.1', '10.0.0.6')).toEqual({
      ok: true,
      cidrs: ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32'],
    });
    expect(rangeToCidrs('0.0.0.0', '255.255.255.255')).toEqual({ ok: true, cidrs: ['0.0.0.0/0'] });
    expect(rangeToCidrs('16777216', '16777471', 4)).toEqual({ ok: true, cidrs: ['1.0.0.0/24'] });
    expect(rangeToCidrs('2001:200::', '2001:200:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual({
      ok: true,
      cidrs: ['2001:200:0:0:0:0:0:0/32'],
    });
  });

  it('names what is wrong', () => {
    expect(rangeToCidrs('1.0.0.9', '1.0.0.1')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('starts after'),
    });
    expect(rangeToCidrs('1.0.0.0', '::1')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('same family'),
    });
    expect(rangeToCidrs('x', '1.0.0.1')).toMatchObject({ ok: false });
  });
});

describe('readIpAsnRanges', () => {
  it('reads ip-location-db lines (quoted names with commas), skipping AS0', () => {
    const dir = folder({
      'asn-ipv4.csv':
        '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n1.0.1.0,1.0.1.255,0,Reserved\n1.0.4.0,1.0.5.255,38803,Gtelecom\n',
    });
    const rows: unknown[] = [];
    const names = new Map<number, string>();
    expect(readIpAsnRanges(join(dir, 'asn-ipv4.csv'), 4, (r) => rows.push(r), names)).toBe(2);
    expect(rows).toEqual([
      { network: '1.0.0.0/24', asn: 13335, asn_name: 'Cloudflare, Inc.', country: '' },
      { network: '1.0.4.0/23', asn: 38803, asn_name: 'Gtelecom', country: '' },
    ]);
    expect(names.get(13335)).toBe('Cloudflare, Inc.');
  });

  it('stops at a bad line, naming the file and the line', () => {
    const dir = folder({ 'asn-ipv4.csv': '1.0.0.0,1.0.0.255,13335,A\n1.0.1.0,1.0.0.255,1,B\n' });
    expect(() => readIpAsnRanges(join(dir, 'asn-ipv4.csv'), 4, () => {})).toThrow(DictionaryRowError);
    expect(() => readIpAsnRanges(join(dir, 'asn-ipv4.csv'), 4, () => {})).toThrow(
      /asn-ipv4\.csv:2: range starts after/,
    );
  });

  it('finds the installed @ip-location-db/asn with its version and data date', () => {
    const src = packageRangeSource();
    expect(src.provenance.source).toBe('npm @ip-location-db/asn');
    expect(src.provenance.source_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(src.files.map((f) => f.family)).toEqual([4, 6]);
  });
});

describe('classifyAsnName', () => {
  it.each([
    ['Hetzner Online GmbH', 'hosting'],
    ['DigitalOcean, LLC', 'hosting'],
    ['Amazon.com, Inc.', 'cloud'],
    ['Cloudflare, Inc.', 'cdn'],
    ['Comcast Cable Communications, LLC', 'isp'],
    ['Deutsche Telekom AG', 'isp'],
    ['T-Mobile USA, Inc.', 'mobile'],
    ['Massachusetts Institute of Technology', 'education'],
    ['Stanford University', 'education'],
    ['Gould Paper Corporation', 'unknown'],
  ])('%s → %s', (name, kind) => {
    expect(classifyAsnName(name)).toBe(kind);
  });
});

describe('provenance', () => {
  const spec = DICTIONARY_SPECS.find((s) => s.file === 'bot_ja4.csv')!;
  it('takes per-row source, version and date when a file has them', () => {
    const text =
      'ja4,label,note,source,source_version,source_date\nt13d1516h2_8daaf6152771_02713d6af862,x,,feed A,v7,2026-05-01\n';
    expect(parseDictionaryCsv(spec, text)[0]).toMatchObject({
      source: 'feed A',
      source_version: 'v7',
      source_date: '2026-05-01',
    });
    expect(() => parseDictionaryCsv(spec, text.replace('2026-05-01', 'May'))).toThrow(
      /source_date: "May" is not a date/,
    );
  });

  it("gives the rows of a file without them the file's own provenance", () => {
    const dir = folder({ 'bot_ja4.csv': 'ja4,label,note\nt13d1516h2_8daaf6152771_02713d6af862,x,\n' });
    const [file] = readDictionaryFiles(dir);
    expect(file.rows[0]).toMatchObject({
      source: 'bot_ja4.csv',
      source_version: expect.stringMatching(/^sha256:[0-9a-f]{12}$/),
    });
    expect(file.rows[0].source_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('accepts a folder of range files alone, and refuses unknown files', () => {
    expect(readDictionaryFiles(folder({ 'asn-ipv4.csv': '' }))).toEqual([]);
    expect(() => readDictionaryFiles(folder({ 'other.csv': '' }))).toThrow(/other\.csv is not one of/);
  });
});
