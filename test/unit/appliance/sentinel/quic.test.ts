import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FingerprintPipeline } from '../../../../appliance/sentinel/pipeline.js';
import { clientInitialKeys, QUIC_V1, QUIC_V2 } from '../../../../appliance/sentinel/quic-crypto.js';
import type { ClientHelloRecord } from '../../../../appliance/sentinel/record.js';
import { alpnExt, clientHelloMessage, ipv4Packet, sniExt, udpDatagram } from './helpers.js';

const DCID = Buffer.from('8394c8f03e515708', 'hex'); // RFC 9001 Appendix A

describe('QUIC Initial keys', () => {
  it('match RFC 9001 Appendix A.1 (v1)', () => {
    const k = clientInitialKeys(QUIC_V1, DCID);
    expect([k.key.toString('hex'), k.iv.toString('hex'), k.hp.toString('hex')]).toEqual([
      '1f369613dd76d5467730efcbe3b1a22d',
      'fa044b2f42a3fd3b46fb255c',
      '9f50449e04a0e810283a1e9933adedd2',
    ]);
  });
  it('match RFC 9369 Appendix A.1 (v2)', () => {
    const k = clientInitialKeys(QUIC_V2, DCID);
    expect([k.key.toString('hex'), k.iv.toString('hex'), k.hp.toString('hex')]).toEqual([
      '8b1a0bc121284290a29e0971b5cd045d',
      '91f73e2351d8fa91660e909f',
      '45b95e15235d6f45a6b19cbcb0294ba9',
    ]);
  });
});

function cryptoFrame(offset: number, data: Buffer): Buffer {
  // offset and length as 4-byte varints (RFC 9000 §16, prefix 0b10)
  const h = Buffer.alloc(9);
  h[0] = 0x06;
  h.writeUInt32BE((0x80000000 | offset) >>> 0, 1);
  h.writeUInt32BE((0x80000000 | data.length) >>> 0, 5);
  return Buffer.concat([h, data]);
}

/** Builds a protected client Initial (RFC 9001 §5.3-5.4), independently of the decoder. */
function initialPacket(version: number, pn: number, frames: Buffer): Buffer {
  const { key, iv, hp } = clientInitialKeys(version, DCID);
  const payload = Buffer.concat([frames, Buffer.alloc(Math.max(0, 1100 - frames.length))]); // PADDING
  const pnLen = 2;
  const type = version === QUIC_V2 ? 1 : 0;
  const length = pnLen + payload.length + 16;
  const header = Buffer.concat([
    Buffer.from([0xc0 | (type << 4) | (pnLen - 1)]),
    Buffer.from([version >>> 24, (version >> 16) & 0xff, (version >> 8) & 0xff, version & 0xff]),
    Buffer.from([DCID.length]),
    DCID,
    Buffer.from([0, 0]), // SCID length 0, token length 0
    Buffer.from([0x40 | (length >> 8), length & 0xff]),
    Buffer.from([pn >> 8, pn & 0xff]),
  ]);
  const nonce = Buffer.from(iv);
  nonce[11] ^= pn & 0xff;
  nonce[10] ^= pn >> 8;
  const c = crypto.createCipheriv('aes-128-gcm', key, nonce);
  c.setAAD(header);
  const ct = Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
  const pnOff = header.length - pnLen;
  const sample = ct.subarray(4 - pnLen, 4 - pnLen + 16);
  const e = crypto.createCipheriv('aes-128-ecb', hp, null);
  e.setAutoPadding(false);
  const mask = e.update(sample);
  const out = Buffer.concat([header, ct]);
  out[0] ^= mask[0] & 0x0f;
  for (let i = 0; i < pnLen; i++) out[pnOff + i] ^= mask[1 + i];
  return out;
}

function feed(packets: Buffer[]) {
  const out: ClientHelloRecord[] = [];
  const p = new FingerprintPipeline((r) => out.push(r));
  packets.forEach((q, i) => {
    p.push(101, ipv4Packet(17, udpDatagram(q, 50000, 443)), 1_000 + i);
  });
  return { out, p };
}

const HELLO = clientHelloMessage({
  ciphers: [0x1301, 0x1302],
  extensions: [
    sniExt('quic.example'),
    alpnExt(['h3']),
    [0x39, Buffer.alloc(4)],
    [0x2b, Buffer.from([2, 3, 4])],
  ],
});

describe.each([
  ['v1', QUIC_V1],
  ['v2', QUIC_V2],
])('QUIC %s client Initial', (_name, version) => {
  it('decrypts, reassembles CRYPTO frames across packets and out of order, fingerprints with q', () => {
    const cut = 100;
    const p1 = initialPacket(version, 0, cryptoFrame(cut, HELLO.subarray(cut, 200)));
    const p2 = initialPacket(
      version,
      1,
      Buffer.concat([cryptoFrame(200, HELLO.subarray(200)), cryptoFrame(0, HELLO.subarray(0, cut))]),
    );
    const { out, p } = feed([p1, p2, p2]); // the repeat is a retransmission: no second record
    expect(out).toHaveLength(1);
    expect(out[0].transport).toBe('quic');
    expect(out[0].sni).toBe('quic.example');
    expect(out[0].ja4.startsWith('q13d0204h3_')).toBe(true);
    expect(p.stats.errors.quic_decrypt).toBe(0);
  });

  it('counts a tampered packet as quic_decrypt', () => {
    const pkt = initialPacket(version, 0, cryptoFrame(0, HELLO));
    pkt[pkt.length - 1] ^= 1;
    const { out, p } = feed([pkt]);
    expect(out).toHaveLength(0);
    expect(p.stats.errors.quic_decrypt).toBe(1);
  });
});
