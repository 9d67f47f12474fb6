/**
 * The e2e reference JA4 (test/helpers/tshark-ja4.ts: tshark's dissection + JA4.md's rules) against
 * FoxIO's reference fingerprints of the JA4 fixture captures: every TCP ClientHello, in order.
 * Among them are Chromium hellos with a GREASE signature scheme and Firefox hellos with a
 * delegated_credentials list, which a flat reading of tshark's fields gets wrong.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ja4FromFields, tsharkHellos, tsharkMissing } from '../../helpers/tshark-ja4.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DIR = [path.join(ROOT, 'test/fixtures/ja4'), path.join(ROOT, '../shared/fixtures/ja4')].find((d) =>
  existsSync(path.join(d, 'latest.pcapng.expected.json')),
);
const missing =
  tsharkMissing() ?? (DIR ? undefined : 'the JA4 reference fixtures (test/fixtures/ja4) are absent');
if (missing) console.warn(`skipping the tshark reference test: ${missing}`);

interface Expected {
  srcport: number;
  dstport: number;
  transport: string;
  sni: string | null;
  ja4: string;
  ja3: string;
}

const captures = DIR
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.expected.json'))
      .map((f) => f.slice(0, -'.expected.json'.length))
      .filter((f) =>
        (JSON.parse(readFileSync(path.join(DIR, `${f}.expected.json`), 'utf8')) as Expected[]).some(
          (e) => e.transport === 'tcp',
        ),
      )
  : [];

describe.skipIf(Boolean(missing))('the tshark reference JA4 against the fixtures', () => {
  it.each(captures)('%s: every TCP ClientHello has the reference JA4, JA3 and SNI', (name) => {
    const expected = (
      JSON.parse(readFileSync(path.join(DIR!, `${name}.expected.json`), 'utf8')) as Expected[]
    ).filter((e) => e.transport === 'tcp');
    const got = tsharkHellos(path.join(DIR!, name));
    const key = (h: { srcport: number; dstport: number }) => `${h.srcport}>${h.dstport}`;
    expect(got.map(key)).toEqual(expected.map(key));
    expect(got.map((h) => h.ja4)).toEqual(expected.map((e) => e.ja4));
    expect(got.map((h) => h.ja3)).toEqual(expected.map((e) => e.ja3));
    expect(got.map((h) => h.sni)).toEqual(expected.map((e) => e.sni ?? ''));
  });

  it('covers the captures with TCP ClientHellos, among them tls12.pcap (signature lists beyond signature_algorithms)', () => {
    expect(captures).toContain('tls12.pcap');
    expect(captures.length).toBeGreaterThanOrEqual(6);
  });
});

describe('the reference JA4 rules', () => {
  const base = {
    version: 0x0303,
    ciphers: [0x1301, 0x1302],
    extensions: [0x0000, 0x000d, 0x002b, 0x0010],
    supportedVersions: [0x0304],
    sni: true,
    alpn: 'h2',
    sigalgs: [0x0403, 0x0804],
  };
  it('leaves GREASE out of the signature algorithms (Chromium sends one)', () => {
    expect(ja4FromFields({ ...base, sigalgs: [0x8a8a, 0x0403, 0x0804] })).toBe(ja4FromFields(base));
  });
  it('takes the first and last characters of the first ALPN value, hex when not alphanumeric', () => {
    expect(ja4FromFields(base).slice(0, 10)).toBe('t13d0204h2');
    expect(ja4FromFields({ ...base, alpn: '\u0001x\u00ff' }).slice(8, 10)).toBe('0f');
  });
});
