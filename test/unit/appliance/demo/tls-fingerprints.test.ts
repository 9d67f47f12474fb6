import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TLS_FINGERPRINTS } from '../../../../appliance/demo/tls-fingerprints.js';

const sha12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
const FIXTURES = join(import.meta.dirname, '../../../fixtures/ja4');

/** JA4 from its raw rendering (FoxIO JA4.md): a, then the truncated SHA-256 of b and of c[_d]. */
function hashRaw(raw: string): string {
  const [a, ciphers, exts, sigs] = raw.split('_');
  const c = sigs === undefined || sigs === '' ? exts : `${exts}_${sigs}`;
  return `${a}_${ciphers ? sha12(ciphers) : '000000000000'}_${c ? sha12(c) : '000000000000'}`;
}

const fingerprints = Object.values(TLS_FINGERPRINTS);

describe('TLS fingerprints table', () => {
  it.each(fingerprints.map((f) => [f.id, f] as const))('%s: hashed and raw renderings agree', (_id, f) => {
    expect(hashRaw(f.ja4_r)).toBe(f.ja4);
    const [a, ciphers, exts] = f.ja4_r.split('_');
    expect(Number(a.slice(4, 6))).toBe(ciphers.split(',').length);
    for (const v of f.variants) {
      expect(hashRaw(v.ja4_ro)).toBe(v.ja4_o);
      expect(createHash('md5').update(v.ja3_full).digest('hex')).toBe(v.ja3);
      // JA3 lists the same extensions, in the same wire order, as JA4_ro (GREASE aside).
      const ja3Exts = v.ja3_full.split(',')[2].split('-').map(Number);
      const roExts = v.ja4_ro
        .split('_')[2]
        .split(',')
        .map((h) => Number.parseInt(h, 16));
      expect(ja3Exts).toEqual(roExts);
      // Sorted JA4_r extensions = original order minus SNI (0000) and ALPN (0010).
      expect(
        v.ja4_ro
          .split('_')[2]
          .split(',')
          .filter((e) => e !== '0000' && e !== '0010')
          .sort()
          .join(','),
      ).toBe(exts);
      expect(Number(a.slice(6, 8))).toBe(roExts.length);
    }
    const alpn = a.slice(8, 10);
    expect(alpn).toBe(f.alpn.length ? `${f.alpn[0][0]}${f.alpn[0].at(-1)}` : '00');
  });

  it('takes the fixture-derived entries from the reference fixtures', () => {
    let checked = 0;
    for (const f of fingerprints) {
      for (const v of f.variants) {
        const m = /^fixtures\/ja4\/(\S+) #(\d+)/.exec(v.source);
        if (!m) continue;
        const entries = JSON.parse(readFileSync(join(FIXTURES, `${m[1]}.expected.json`), 'utf8'));
        const e = entries[Number(m[2])];
        expect({
          ja4: e.ja4,
          ja4_r: e.ja4_r,
          ja4_o: e.ja4_o,
          ja4_ro: e.ja4_ro,
          ja3: e.ja3,
          ja3_full: e.ja3_full,
        }).toEqual({
          ja4: f.ja4,
          ja4_r: f.ja4_r,
          ja4_o: v.ja4_o,
          ja4_ro: v.ja4_ro,
          ja3: v.ja3,
          ja3_full: v.ja3_full,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('has the Go entry equal to the FoxIO mapping JA4 for GoLang', () => {
    expect(TLS_FINGERPRINTS.go.ja4).toBe('t13d190900_9dc949149365_97f8aa674fd9');
  });
});
