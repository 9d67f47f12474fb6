import { describe, expect, it } from 'vitest';
import type { ClientHello } from '../../../../appliance/sentinel/client-hello.js';
import { computeJa4 } from '../../../../appliance/sentinel/ja4.js';
import { alpnCode } from '../../../../appliance/sentinel/ja4-parts.js';
import { offeredVersion, versionCode } from '../../../../appliance/sentinel/tls-versions.js';

function hello(over: Partial<ClientHello>): ClientHello {
  return {
    legacyVersion: 0x0303,
    sessionIdLength: 0,
    ciphers: [],
    compressionMethods: 1,
    extensions: [],
    greasePositions: [],
    sni: null,
    alpn: [],
    alpnFirst: null,
    supportedVersions: [],
    signatureAlgorithms: [],
    groups: [],
    pointFormats: [],
    pskOffered: false,
    sessionTicketOffered: false,
    earlyData: false,
    ...over,
  };
}

// The worked example of FoxIO technical_details/JA4.md ("Example" and "Raw Output").
const SPEC = hello({
  ciphers: [
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
    0x002f, 0x0035,
  ],
  extensions: [
    0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01,
    0x000b, 0x000a, 0x0015,
  ],
  supportedVersions: [0x0304, 0x0303],
  signatureAlgorithms: [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601],
  alpnFirst: Buffer.from('h2'),
});

describe('computeJa4 against the JA4.md example', () => {
  it('gives the documented ja4, ja4_r, ja4_o and ja4_ro', () => {
    const f = computeJa4(SPEC, 't');
    expect(f.ja4).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
    expect(f.ja4_r).toBe(
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    );
    expect(f.ja4_o).toBe('t13d1516h2_acb858a92679_18f69afefd3d');
    expect(f.ja4_ro).toBe(
      't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601',
    );
  });

  it('ignores GREASE everywhere (ciphers, extensions, versions, signature algorithms)', () => {
    const g = hello({
      ...SPEC,
      ciphers: [0x0a0a, ...SPEC.ciphers],
      extensions: [0xdada, ...SPEC.extensions, 0x1a1a],
      supportedVersions: [0xfafa, 0x0304, 0x0303],
      signatureAlgorithms: [0x2a2a, ...SPEC.signatureAlgorithms],
    });
    expect(computeJa4(g, 't')).toEqual(computeJa4(SPEC, 't'));
  });

  it('marks QUIC with q and DTLS with d', () => {
    expect(computeJa4(SPEC, 'q').ja4.startsWith('q13d1516h2_')).toBe(true);
    expect(computeJa4(SPEC, 'd').ja4.startsWith('d13d1516h2_')).toBe(true);
  });

  it('drops the underscore when there are no signature algorithms', () => {
    const f = computeJa4(hello({ ...SPEC, signatureAlgorithms: [] }), 't');
    // JA4.md: "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01 = 6d807ffa2a79"
    expect(f.ja4.endsWith('_6d807ffa2a79')).toBe(true);
  });

  it('uses 000000000000 for empty cipher and extension lists, and i without SNI', () => {
    const f = computeJa4(hello({ ciphers: [], extensions: [], legacyVersion: 0x0301 }), 't');
    expect(f.ja4).toBe('t10i000000_000000000000_000000000000');
    // SNI only: the sorted list is empty (zeros) but the original-order list keeps 0000.
    const sniOnly = computeJa4(
      hello({ ciphers: [0x002f], extensions: [0x0000], legacyVersion: 0x0301 }),
      't',
    );
    expect(sniOnly.ja4.split('_')[2]).toBe('000000000000');
    expect(sniOnly.ja4_o.split('_')[2]).not.toBe('000000000000');
  });

  it('caps counts at 99', () => {
    const many = Array.from({ length: 120 }, (_, i) => 0x0100 + i);
    const f = computeJa4(hello({ ciphers: many, extensions: many.map((v) => v + 0x1000) }), 't');
    expect(f.ja4.slice(0, 10)).toBe('t12i999900');
  });
});

describe('version', () => {
  it('takes the newest supported_versions entry, else legacy_version', () => {
    expect(offeredVersion(hello({ supportedVersions: [0x0303, 0x0304] }))).toBe(0x0304);
    expect(offeredVersion(hello({ supportedVersions: [0x0a0a] }))).toBe(0x0303);
    expect(offeredVersion(hello({ supportedVersions: [0xfefd, 0xfefc] }))).toBe(0xfefc);
    expect(offeredVersion(hello({ legacyVersion: 0x0301 }))).toBe(0x0301);
  });
  it('maps versions to the JA4.md codes', () => {
    const table: [number, string][] = [
      [0x0304, '13'],
      [0x0303, '12'],
      [0x0302, '11'],
      [0x0301, '10'],
      [0x0300, 's3'],
      [0x0002, 's2'],
      [0xfeff, 'd1'],
      [0xfefd, 'd2'],
      [0xfefc, 'd3'],
      [0x1234, '00'],
    ];
    for (const [v, c] of table) expect(versionCode(v)).toBe(c);
  });
});

describe('alpnCode (JA4.md "ALPN Extension Value" examples)', () => {
  it.each([
    [[0x68, 0x32], 'h2'],
    [Array.from(Buffer.from('http/1.1')), 'h1'],
    [[0x68], 'hh'],
    [[0xab], 'ab'],
    [[0x20], '20'],
    [[0xab, 0xcd], 'ad'],
    [[0x20, 0x61], '21'],
    [[0x30, 0xab], '3b'],
    [[0x61, 0x20], '60'],
    [[0x30, 0x31, 0xab, 0xcd], '3d'],
    [[0x30, 0xab, 0xcd, 0x31], '01'],
  ])('%j -> %s', (bytes, code) => {
    expect(alpnCode(Buffer.from(bytes as number[]))).toBe(code);
  });
  it('is 00 without ALPN or with an empty first value', () => {
    expect(alpnCode(null)).toBe('00');
    expect(alpnCode(Buffer.alloc(0))).toBe('00');
  });
});
