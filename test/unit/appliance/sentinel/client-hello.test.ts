import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseClientHello } from '../../../../appliance/sentinel/client-hello.js';
import { computeJa3 } from '../../../../appliance/sentinel/ja3.js';
import { FingerprintPipeline } from '../../../../appliance/sentinel/pipeline.js';
import type { ClientHelloRecord } from '../../../../appliance/sentinel/record.js';
import { alpnExt, clientHelloMessage, ipv4Packet, sniExt, u16list, udpDatagram } from './helpers.js';

const EXTS: [number, Buffer][] = [
  [0x0a0a, Buffer.alloc(0)], // GREASE
  sniExt('www.example.org'),
  [0x000a, u16list([0x2a2a, 29, 23, 24])], // supported_groups with GREASE
  [0x000b, Buffer.from([1, 0])], // ec_point_formats
  [0x000d, u16list([0x0403, 0x0804])],
  alpnExt(['h2', 'http/1.1']),
  [0x0023, Buffer.from([1, 2, 3])], // session ticket with a ticket
  [0x002b, u16list([0x3a3a, 0x0304, 0x0303], 1)],
  [0x0029, Buffer.alloc(10)], // pre_shared_key
];
const MSG = clientHelloMessage({ ciphers: [0xdada, 0x1301, 0xc02f], extensions: EXTS });

describe('parseClientHello', () => {
  it('extracts lists in wire order with GREASE positions, SNI, ALPN and resumption flags', () => {
    const r = parseClientHello(MSG, 4, MSG.length);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ch = r.value;
    expect(ch.ciphers).toEqual([0xdada, 0x1301, 0xc02f]);
    expect(ch.extensions).toEqual([0x0a0a, 0, 0x0a, 0x0b, 0x0d, 0x10, 0x23, 0x2b, 0x29]);
    expect(ch.greasePositions).toEqual([0]);
    expect(ch.sni).toBe('www.example.org');
    expect(ch.alpn).toEqual(['h2', 'http/1.1']);
    expect(ch.supportedVersions).toEqual([0x3a3a, 0x0304, 0x0303]);
    expect([ch.pskOffered, ch.sessionTicketOffered]).toEqual([true, true]);
  });

  it('never throws and reports a typed error for every truncation', () => {
    // Cut right after compression_methods, it is a valid hello without extensions (RFC 5246 §7.4.1.2).
    const noExtensions = 2 + 32 + 1 + 32 + 2 + 6 + 2;
    expect(parseClientHello(MSG, 4, 4 + noExtensions).ok).toBe(true);
    for (let n = 0; n < MSG.length - 4; n++) {
      if (n === noExtensions) continue;
      const r = parseClientHello(MSG, 4, 4 + n);
      expect(r.ok, `length ${n}`).toBe(false);
      if (!r.ok) expect(['truncated', 'bad_length', 'client_hello']).toContain(r.code);
    }
  });

  it('rejects an extension whose length runs past the extensions block', () => {
    const bad = Buffer.from(MSG);
    // the first extension's length field sits right after the 2-byte extensions length
    const extStart = 4 + 2 + 32 + 1 + 32 + 2 + 6 + 2;
    bad.writeUInt16BE(0xffff, extStart + 2 + 2);
    const r = parseClientHello(bad, 4, bad.length);
    expect(r.ok ? 'ok' : r.code).toBe('truncated');
  });
});

describe('JA3', () => {
  it('is SSLVersion,Ciphers,Extensions,Curves,PointFormats in decimal without GREASE', () => {
    const r = parseClientHello(MSG, 4, MSG.length);
    if (!r.ok) throw new Error('parse');
    const j = computeJa3(r.value);
    const expected = '771,4865-49199,0-10-11-13-16-35-43-41,29-23-24,0';
    expect(j.ja3_full).toBe(expected);
    expect(j.ja3).toBe(crypto.createHash('md5').update(expected).digest('hex'));
  });
});

describe('DTLS', () => {
  it('fingerprints an unfragmented DTLS 1.2 ClientHello with d', () => {
    const msg = clientHelloMessage({ version: 0xfefd, dtls: true, extensions: [sniExt('dtls.example')] });
    const body = msg.subarray(4);
    const hs = Buffer.alloc(12);
    hs[0] = 1;
    hs.writeUIntBE(body.length, 1, 3);
    hs.writeUIntBE(body.length, 9, 3); // fragment_offset 0, fragment_length = length
    const frag = Buffer.concat([hs, body]);
    const rec = Buffer.alloc(13);
    rec[0] = 22;
    rec.writeUInt16BE(0xfeff, 1);
    rec.writeUInt16BE(frag.length, 11);
    const out: ClientHelloRecord[] = [];
    const p = new FingerprintPipeline((x) => out.push(x));
    p.push(101, ipv4Packet(17, udpDatagram(Buffer.concat([rec, frag]), 40000, 4433)), 1);
    expect(out).toHaveLength(1);
    expect(out[0].transport).toBe('dtls');
    expect(out[0].ja4.startsWith('dd2d03')).toBe(true);
    expect(out[0].tls_version).toBe('dtls1.2');
  });
});
