import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFilter, buildWideFilter } from '../../../../../appliance/sentinel/live/bpf.js';
import { EventSocketWriter } from '../../../../../appliance/sentinel/live/event-socket.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ja4-evsock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
}

function listen(file: string, onLine: (l: string) => void, paused = false): Promise<net.Server> {
  const srv = net.createServer((c) => {
    if (paused) return c.pause();
    let buf = '';
    c.on('data', (d) => {
      buf += d;
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      parts.forEach(onLine);
    });
  });
  return new Promise((r) => srv.listen(file, () => r(srv)));
}

describe('EventSocketWriter', () => {
  it('drops while the socket is absent when told not to hold, then delivers once it appears', async () => {
    const file = path.join(tmp, 'a.sock');
    const w = new EventSocketWriter(file, {
      maxQueue: 10,
      minBackoffMs: 20,
      maxBackoffMs: 50,
      holdDownMs: 0,
    });
    expect(w.send('{"n":1}')).toBe(false);
    expect(w.stats.droppedDown).toBe(1);
    const got: string[] = [];
    const srv = await listen(file, (l) => got.push(l));
    await until(() => w.isConnected);
    expect(w.send('{"n":2}')).toBe(true);
    await until(() => got.length === 1);
    expect(got).toEqual(['{"n":2}']);
    w.close();
    srv.close();
  });

  it('holds lines while the socket is absent and delivers them in order once it appears', async () => {
    const file = path.join(tmp, 'hold.sock');
    // A backoff far longer than the test: only the hold's once-a-second retry can connect in time.
    const w = new EventSocketWriter(file, {
      maxQueue: 10,
      minBackoffMs: 60_000,
      maxBackoffMs: 60_000,
      holdDownMs: 30_000,
    });
    expect(w.send('{"n":1}')).toBe(true);
    expect(w.send('{"n":2}')).toBe(true);
    const got: string[] = [];
    const srv = await listen(file, (l) => got.push(l));
    await until(() => got.length === 2);
    expect(got).toEqual(['{"n":1}', '{"n":2}']);
    expect(w.stats).toMatchObject({ sent: 2, droppedDown: 0 });
    w.close();
    srv.close();
  });

  it('brings a long reconnect backoff forward when a line is held', async () => {
    const file = path.join(tmp, 'hurry.sock');
    // The first attempt fails with nothing held: the next one is a minute away.
    const w = new EventSocketWriter(file, {
      maxQueue: 10,
      minBackoffMs: 60_000,
      maxBackoffMs: 60_000,
      holdDownMs: 30_000,
    });
    await sleep(200);
    const got: string[] = [];
    const srv = await listen(file, (l) => got.push(l));
    expect(w.send('{"n":1}')).toBe(true);
    await until(() => got.length === 1, 3000);
    expect(got).toEqual(['{"n":1}']);
    w.close();
    srv.close();
  });

  it('drops held lines past the hold time or past max_queue, and counts them', async () => {
    const file = path.join(tmp, 'expire.sock');
    let now = 1_000_000;
    const w = new EventSocketWriter(file, { maxQueue: 3, holdDownMs: 5000, now: () => now });
    expect([w.send('a'), w.send('b'), w.send('c'), w.send('d')]).toEqual([true, true, true, false]);
    expect(w.stats.droppedDown).toBe(1);
    now += 6000;
    expect(w.send('e')).toBe(true); // a, b, c are older than the hold: dropped
    expect(w.stats.droppedDown).toBe(4);
    const got: string[] = [];
    const srv = await listen(file, (l) => got.push(l));
    await until(() => got.length === 1);
    expect(got).toEqual(['e']);
    expect(w.stats.sent + w.stats.droppedDown).toBe(5);
    w.close();
    srv.close();
  });

  it('bounds memory with a stalled reader: queue capped, the rest counted as dropped', async () => {
    const file = path.join(tmp, 'b.sock');
    const srv = await listen(file, () => {}, true);
    const w = new EventSocketWriter(file, { maxQueue: 100, highWaterBytes: 4096 });
    await until(() => w.isConnected);
    const line = JSON.stringify({ pad: 'x'.repeat(1000) });
    for (let i = 0; i < 5000; i++) w.send(line);
    expect(w.queued).toBeLessThanOrEqual(100);
    expect(w.stats.droppedFull).toBeGreaterThan(0);
    expect(w.stats.sent + w.stats.droppedFull + w.queued).toBe(5000);
    w.close();
    srv.close();
  });
});

describe('buildFilter', () => {
  // What the filter passes is tested on the reference captures with libpcap itself
  // (test/integration/appliance/sentinel/capture-filter.test.ts).
  it('watches every port, to the server only, over IPv4 and IPv6', () => {
    const f = buildFilter([443, 8443]);
    for (const p of [443, 8443]) {
      expect(f).toContain(`tcp dst port ${p}`);
      expect(f).toContain(`udp dst port ${p}`);
      expect(f).toContain(`ip6[42:2] = ${p}`);
    }
    expect(f).not.toMatch(/src port|(?<!dst) port /);
    expect(f).toContain('!= 0x1703'); // TLS application data stays in the kernel
  });

  it('keeps the wide filter, both directions, for comparison', () => {
    expect(buildWideFilter([443, 8443])).toBe('(tcp or udp) and (port 443 or port 8443)');
  });
});
