import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const fixtures = path.resolve(repoRoot, 'test/fixtures/ja4');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ja4(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/ja4.js'), 'fingerprint', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ja4 fingerprint', () => {
  it('prints one JSON line per ClientHello with the fixture keys', () => {
    const r = ja4('--json', path.join(fixtures, 'latest.pcapng'));
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'latest.pcapng.expected.json'), 'utf8'));
    expect(lines.map((l) => [l.src, l.srcport, l.dst, l.dstport, l.ja4, l.ja3])).toEqual(
      expected.map((e: Record<string, unknown>) => [e.src, e.srcport, e.dst, e.dstport, e.ja4, e.ja3]),
    );
    for (const k of [
      'ts',
      'transport',
      'sni',
      'alpn',
      'tls_version',
      'ja4_r',
      'ja4_o',
      'ja4_ro',
      'ja3_full',
      'syn',
    ]) {
      expect(lines[0]).toHaveProperty(k);
    }
    expect(lines[0].syn).toMatchObject({ window: expect.any(Number), options: expect.any(String) });
  });

  it('names the file and offset of a truncated record, keeps the rest, exits 0', () => {
    const src = readFileSync(path.join(fixtures, 'latest.pcapng'));
    const cut = path.join(tmp, 'cut.pcapng');
    writeFileSync(cut, src.subarray(0, 40_000));
    const r = ja4('--json', cut);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated block .* at offset \\d+`),
    );
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(0);
  });

  it('exits 1 for an unreadable file but still processes the others', () => {
    const notCapture = path.join(tmp, 'notes.txt');
    writeFileSync(notCapture, 'not a capture at all');
    const r = ja4('--json', path.join(tmp, 'missing.pcap'), notCapture, path.join(fixtures, 'tls12.pcap'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.pcap: cannot read capture: no such file');
    expect(r.stderr).toContain('notes.txt: cannot read capture: not a pcap or pcapng file');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].file).toContain('tls12.pcap');
  });

  it('fingerprints the robustness captures without output or error', () => {
    const names = ['dhcp.pcapng', 'gre-erspan-vxlan.pcap', 'ssh2-malformed.pcap', 'ssh2-moloch-crash.pcap'];
    const r = ja4('--json', ...names.map((n) => path.join(fixtures, n)));
    expect([r.code, r.stdout, r.stderr.replace(/npm warn.*\n/g, '')]).toEqual([0, '', '']);
  });
});
