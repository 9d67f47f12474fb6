import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipToString } from '../../../../appliance/sentinel/addr.js';
import { type ClientHelloRecord, fingerprintFile } from '../../../../appliance/sentinel/index.js';
import { decodeFrame } from '../../../../appliance/sentinel/packet-decoder.js';
import { newPacketInfo } from '../../../../appliance/sentinel/packet-info.js';

// The reference fixtures (FoxIO's captures and expected values, test/fixtures/ja4/README.md).
const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const dir = path.resolve(repoRoot, 'test/fixtures/ja4');
const captures = readdirSync(dir).filter((f) => existsSync(path.join(dir, `${f}.expected.json`)));

const FIELDS = ['ja4', 'ja4_r', 'ja4_o', 'ja4_ro', 'ja3', 'ja3_full'] as const;
type Expected = Record<string, string | number | null>;
const tuple = (r: { [k: string]: unknown }) => `${r.transport}|${r.src}|${r.srcport}|${r.dst}|${r.dstport}`;

describe('reference fixtures (test/fixtures/ja4)', () => {
  it('has the 15 captures the README lists', () => {
    expect(captures.length).toBe(15);
  });

  it.each(captures)('%s matches every expected ClientHello', async (name) => {
    const expected = JSON.parse(readFileSync(path.join(dir, `${name}.expected.json`), 'utf8')) as Expected[];
    const got: ClientHelloRecord[] = [];
    const res = await fingerprintFile(path.join(dir, name), (r) => got.push(r));
    expect(res.damage).toEqual([]);
    expect(got.length).toBe(expected.length);
    // Entries of one connection (HelloRetryRequest retries) keep their order; across
    // connections the emission order may differ by reassembly completion time.
    const byTuple = new Map<string, ClientHelloRecord[]>();
    for (const r of got) {
      const k = tuple({ ...r });
      byTuple.set(k, [...(byTuple.get(k) ?? []), r]);
    }
    const used = new Map<string, number>();
    for (const e of expected) {
      const k = tuple(e);
      const i = used.get(k) ?? 0;
      used.set(k, i + 1);
      const g = byTuple.get(k)?.[i];
      expect(g, `no ClientHello for ${k} #${i}`).toBeDefined();
      expect(g!.sni).toBe(e.sni);
      for (const f of FIELDS) if (e[f] !== null) expect(g![f], `${k} ${f}`).toBe(e[f]);
    }
  });

  it('detects the format by magic number, not by file name', async () => {
    // ipv6.pcapng and tls-alpn-h2.pcap are byte-identical classic pcap (magic d4c3b2a1), whatever
    // their names (and the fixtures README) say; latest.pcapng really is pcapng.
    const head = (f: string) => readFileSync(path.join(dir, f)).readUInt32LE(0);
    expect(head('ipv6.pcapng')).toBe(0xa1b2c3d4);
    expect((await fingerprintFile(path.join(dir, 'ipv6.pcapng'), () => {})).format).toBe('pcap');
    expect((await fingerprintFile(path.join(dir, 'tls-alpn-h2.pcap'), () => {})).format).toBe('pcap');
    expect((await fingerprintFile(path.join(dir, 'latest.pcapng'), () => {})).format).toBe('pcapng');
  });

  it('decodes the tunnelled TCP inside gre-erspan-vxlan.pcap without errors', async () => {
    const res = await fingerprintFile(path.join(dir, 'gre-erspan-vxlan.pcap'), () => {});
    const errors = Object.entries(res.stats.errors).filter(([, n]) => n > 0);
    expect(errors).toEqual([]);
    expect(res.packets).toBe(7);
    // Ethernet / IPv4 / GRE / ERSPAN II / Ethernet / IPv4 / UDP / VXLAN / Ethernet / IPv4 / TCP:80
    const frame = readFileSync(path.join(dir, 'gre-erspan-vxlan.pcap')).subarray(40, 40 + 154);
    const pi = newPacketInfo();
    expect(decodeFrame(1, frame, pi)).toBe('');
    expect([pi.proto, pi.depth, ipToString(pi.buf, pi.srcOff, 4), pi.buf.readUInt16BE(pi.l4Off + 2)]).toEqual(
      [6, 2, '10.16.27.12', 80],
    );
  });
});
