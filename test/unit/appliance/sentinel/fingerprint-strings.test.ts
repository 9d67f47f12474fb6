import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClientHello } from '../../../../appliance/sentinel/client-hello.js';
import { computeJa3 } from '../../../../appliance/sentinel/ja3.js';
import { computeJa4 } from '../../../../appliance/sentinel/ja4.js';

// The fingerprint builders write into a reused scratch buffer and sort typed arrays in place.
// This checks them against a plain, independent reading of JA4.md and salesforce/ja3 on seeded
// random lists: GREASE mixed in, duplicates, empty lists, and lists long enough to take the
// native-sort path and to grow the scratch buffer.

const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const hex = (v: number) => v.toString(16).padStart(4, '0');
const sha12 = (s: string) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 12);

function reference(ch: ClientHello, t: string) {
  const c = ch.ciphers.filter((v) => !isGrease(v));
  const e = ch.extensions.filter((v) => !isGrease(v));
  const s = ch.signatureAlgorithms.filter((v) => !isGrease(v)).map(hex);
  const tail = s.length ? `_${s.join(',')}` : '';
  const cs = [...c]
    .sort((x, y) => x - y)
    .map(hex)
    .join(',');
  const es = e
    .filter((v) => v !== 0 && v !== 0x10)
    .sort((x, y) => x - y)
    .map(hex)
    .join(',');
  const co = c.map(hex).join(',');
  const eo = e.map(hex).join(',');
  const n2 = (n: number) => String(Math.min(n, 99)).padStart(2, '0');
  const a = `${t}12${e.includes(0) ? 'd' : 'i'}${n2(c.length)}${n2(e.length)}00`;
  const z = '000000000000';
  const dec = (l: number[]) => l.filter((v) => !isGrease(v)).join('-');
  const ja3 = `${ch.legacyVersion},${dec(ch.ciphers)},${dec(ch.extensions)},${dec(ch.groups)},${dec(ch.pointFormats)}`;
  return {
    ja4: `${a}_${c.length ? sha12(cs) : z}_${es ? sha12(es + tail) : z}`,
    ja4_r: `${a}_${cs}_${es}${tail}`,
    ja4_o: `${a}_${c.length ? sha12(co) : z}_${e.length ? sha12(eo + tail) : z}`,
    ja4_ro: `${a}_${co}_${eo}${tail}`,
    ja3,
    ja3_md5: crypto.createHash('md5').update(ja3).digest('hex'),
  };
}

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function list(r: () => number, max: number, byte = false): number[] {
  const n = Math.floor(r() * r() * max);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = r();
    if (byte) out.push(Math.floor(k * 256));
    else if (k < 0.1)
      out.push(0x0a0a + 0x1010 * Math.floor(r() * 16)); // GREASE
    else if (k < 0.2)
      out.push(r() < 0.5 ? 0x0000 : 0x0010); // SNI / ALPN
    else if (k < 0.3 && out.length)
      out.push(out[Math.floor(r() * out.length)]); // duplicate
    else out.push(Math.floor(r() * 0x10000));
  }
  return out;
}

describe('JA4 and JA3 builders against a plain reference', () => {
  it('agree on 3,000 seeded random ClientHellos', () => {
    const r = rng(0x5eed);
    for (let i = 0; i < 3000; i++) {
      const max = i % 100 === 0 ? 6000 : 80; // now and then a list far past the scratch size
      const ch: ClientHello = {
        legacyVersion: Math.floor(r() * 0x10000),
        sessionIdLength: 0,
        ciphers: list(r, max),
        compressionMethods: 1,
        extensions: list(r, max),
        greasePositions: [],
        sni: null,
        alpn: [],
        alpnFirst: null,
        supportedVersions: [0x0303],
        signatureAlgorithms: list(r, max),
        groups: list(r, max),
        pointFormats: list(r, 8, true),
        pskOffered: false,
        sessionTicketOffered: false,
        earlyData: false,
      };
      const t = 'tqd'[i % 3] as 't' | 'q' | 'd';
      const want = reference(ch, t);
      const got4 = computeJa4(ch, t);
      const got3 = computeJa3(ch);
      expect({ ...got4, ja3: got3.ja3_full, ja3_md5: got3.ja3 }, `case ${i}`).toEqual(want);
    }
  });
});
