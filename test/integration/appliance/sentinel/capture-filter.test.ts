/**
 * The live capture filter (live/bpf.ts) keeps everything fingerprinting needs: every reference
 * capture, cut down by libpcap's own compiler and BPF machine (tcpdump -r … -w … FILTER) with the
 * filter built for its server ports, gives the same ClientHello records as the whole capture,
 * while server data and pure ACKs are gone. Encapsulated captures are the documented exception.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClientHelloRecord, fingerprintFile } from '../../../../appliance/sentinel/index.js';
import { buildFilter } from '../../../../appliance/sentinel/live/bpf.js';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const dirs = [path.join(repoRoot, 'test/fixtures/ja4'), path.join(repoRoot, 'test/fixtures/pcap')];
const captures = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => path.join(d, f)),
);
/** Tunnelled traffic (GRE, ERSPAN, VXLAN): the outer header is not TCP or UDP to a server port. */
const ENCAPSULATED = new Set(['gre-erspan-vxlan.pcap']);

function tcpdumpMissing(): string | null {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'pipe' });
    return null;
  } catch {
    return 'tcpdump is not installed (Debian: apt-get install tcpdump)';
  }
}
const missing = tcpdumpMissing();
if (missing) console.warn(`skipping the capture filter test: ${missing}`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-bpf-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function records(file: string): Promise<{ records: ClientHelloRecord[]; packets: number }> {
  const got: ClientHelloRecord[] = [];
  const res = await fingerprintFile(file, (r) => got.push(r));
  return { records: got, packets: res.packets };
}

const key = (r: ClientHelloRecord) =>
  JSON.stringify([
    r.transport,
    r.src,
    r.srcport,
    r.dst,
    r.dstport,
    r.ts_us,
    r.ja4,
    r.ja4_ro,
    r.ja3_full,
    r.syn,
  ]);

describe.skipIf(missing)('the capture filter keeps every ClientHello of the reference captures', () => {
  it.each(captures.map((f) => [path.basename(f), f]))('%s', async (name, file) => {
    const whole = await records(file);
    const ports = [...new Set(whole.records.map((r) => r.dstport))];
    if (ports.length === 0) return; // no TLS client in it (ssh, dhcp): nothing to keep
    const out = path.join(tmp, `${name}.pcap`);
    execFileSync('tcpdump', ['-r', file, '-w', out, buildFilter(ports)], { stdio: 'pipe' });
    expect(existsSync(out)).toBe(true);
    const cut = await records(out);
    if (ENCAPSULATED.has(name)) {
      expect(cut.records.length).toBeLessThan(whole.records.length);
      return;
    }
    expect(cut.records.map(key).sort()).toEqual(whole.records.map(key).sort());
    // Nothing the server sent is left.
    const fromServer = ports.map((p) => `src port ${p}`).join(' or ');
    expect(
      execFileSync('tcpdump', ['-r', out, fromServer], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(),
    ).toBe('');
    expect(cut.packets).toBeLessThanOrEqual(whole.packets);
  });
});
