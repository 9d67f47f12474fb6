import { describe, expect, it } from 'vitest';
import type { ClientHello } from '../../../../appliance/sentinel/client-hello.js';
import { computeJa4, renderJa4 } from '../../../../appliance/sentinel/ja4.js';
import { ja4Parts } from '../../../../appliance/sentinel/ja4-parts.js';
import { versionName } from '../../../../appliance/sentinel/tls-versions.js';

// The JA4.md worked example's lists, with GREASE mixed in.
const HELLO: ClientHello = {
  legacyVersion: 0x0303,
  sessionIdLength: 0,
  ciphers: [0x0a0a, 0x1301, 0x1302, 0xc02b, 0x002f],
  compressionMethods: 1,
  extensions: [0x1a1a, 0x001b, 0x0000, 0x0033, 0x0010, 0x000d],
  greasePositions: [],
  sni: 'example.test',
  alpn: ['h2'],
  alpnFirst: Buffer.from('h2'),
  supportedVersions: [0xfafa, 0x0304, 0x0303],
  signatureAlgorithms: [0x0403, 0x0804],
  groups: [],
  pointFormats: [],
  pskOffered: false,
  sessionTicketOffered: false,
  earlyData: false,
};

describe('Ja4Parts', () => {
  it('holds the prefix and the GREASE-free lists, SNI and ALPN kept apart from the sortable ones', () => {
    const p = ja4Parts(HELLO, 't');
    expect(p.prefix).toBe('t13d0405h2');
    expect([...p.ciphers.subarray(0, p.cipherCount)]).toEqual([0x1301, 0x1302, 0xc02b, 0x002f]);
    expect([...p.extensions.subarray(0, p.extensionCount)]).toEqual([0x001b, 0x0000, 0x0033, 0x0010, 0x000d]);
    expect([...p.sortableExtensions.subarray(0, p.sortableCount)]).toEqual([0x001b, 0x0033, 0x000d]);
  });

  it('renders each order raw and hashed, whichever order is rendered first', () => {
    const sortedFirst = ja4Parts(HELLO, 't');
    const sorted = renderJa4(sortedFirst, 'sorted');
    const original = renderJa4(sortedFirst, 'original');
    expect(original.raw).toBe('t13d0405h2_1301,1302,c02b,002f_001b,0000,0033,0010,000d_0403,0804');
    expect(sorted.raw).toBe('t13d0405h2_002f,1301,1302,c02b_000d,001b,0033_0403,0804');
    const f = computeJa4(HELLO, 't');
    expect([f.ja4_r, f.ja4, f.ja4_ro, f.ja4_o]).toEqual([
      sorted.raw,
      sorted.hashed,
      original.raw,
      original.hashed,
    ]);
    expect(sorted.hashed).toMatch(/^t13d0405h2_[0-9a-f]{12}_[0-9a-f]{12}$/);
  });
});

describe('versionName', () => {
  it('names every version of the table and shows any other value in hex', () => {
    const names: [number, string][] = [
      [0x0304, '1.3'],
      [0x0303, '1.2'],
      [0x0302, '1.1'],
      [0x0301, '1.0'],
      [0x0300, 'ssl3'],
      [0x0002, 'ssl2'],
      [0xfeff, 'dtls1.0'],
      [0xfefd, 'dtls1.2'],
      [0xfefc, 'dtls1.3'],
      [0x1234, '0x1234'],
      [0x7f, '0x007f'],
    ];
    for (const [v, name] of names) expect(versionName(v)).toBe(name);
  });
});
