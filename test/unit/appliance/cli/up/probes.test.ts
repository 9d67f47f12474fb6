import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { watchCorrelator } from '../../../../../appliance/cli/up/probes/correlator.js';
import { RateWindow } from '../../../../../appliance/cli/up/probes/rate-window.js';
import { sentinelReport } from '../../../../../appliance/cli/up/probes/sentinel.js';
import type { SentinelHealth } from '../../../../../appliance/cli/up/sentinel-child.js';
import type { SentinelHeartbeat } from '../../../../../appliance/cli/up/sentinel-heartbeat.js';

const T0 = Date.parse('2026-01-10T10:00:00Z');

function beat(at: number, o: Partial<SentinelHeartbeat> = {}): SentinelHeartbeat {
  return {
    type: 'heartbeat',
    at,
    packets: 0,
    client_hellos: 0,
    events_sent: 0,
    events_dropped: 0,
    pcap_received: 0,
    pcap_dropped: 0,
    flows: 0,
    last_hello_at: null,
    ...o,
  };
}

const health = (beats: SentinelHeartbeat[], exited: SentinelHealth['exited'] = null): SentinelHealth => ({
  pid: 42,
  iface: 'lo',
  ports: [8443],
  beats,
  exited,
  lastProblem: '',
});

const value = (r: { values: { label: string; value: string }[] }, label: string) =>
  r.values.find((v) => v.label === label)?.value;

describe('RateWindow', () => {
  it('gives per-second rates over its span and remembers when a counter last grew', () => {
    const w = new RateWindow(10_000);
    expect(w.rate('n')).toBeNull();
    w.add(T0, { n: 0 });
    w.add(T0 + 5000, { n: 50 });
    w.add(T0 + 10_000, { n: 100 });
    expect(w.rate('n')).toBe(10);
    w.add(T0 + 20_000, { n: 100 });
    expect(w.rate('n')).toBe(0);
    expect(w.lastGrowth('n')).toBe(T0 + 10_000);
    expect(w.growth('n')).toBe(0);
  });
});

describe("the sentinel's row, from its heartbeats", () => {
  it('is up with rates while it beats', () => {
    const beats = [
      beat(T0, { packets: 100, client_hellos: 2, last_hello_at: T0 }),
      beat(T0 + 2000, { packets: 300, client_hellos: 6, last_hello_at: T0 + 2000 }),
    ];
    const r = sentinelReport(health(beats), T0 + 3000);
    expect(r.state).toBe('ok');
    expect(value(r, 'packets')).toBe('100/s');
    expect(value(r, 'handshakes')).toBe('2.0/s');
    expect(value(r, 'last handshake')).toBe('just now');
    expect(r.last_seen).toBe(new Date(T0 + 2000).toISOString());
  });

  it('is down once it exited, or when it has not beaten for three heartbeats', () => {
    const beats = [beat(T0), beat(T0 + 2000)];
    const killed = sentinelReport(health(beats, { code: null, signal: 'SIGKILL', at: T0 + 2500 }), T0 + 2600);
    expect(killed.state).toBe('down');
    expect(killed.summary).toMatch(/exited \(SIGKILL\)/);
    expect(sentinelReport(health(beats), T0 + 2000 + 7000).state).toBe('down');
    expect(sentinelReport(health([]), T0).state).toBe('down');
  });

  it('says "no data yet" for a handshake never seen, and warns of pcap drops', () => {
    const idle = sentinelReport(health([beat(T0), beat(T0 + 2000)]), T0 + 2100);
    expect(idle.state).toBe('idle');
    expect(value(idle, 'last handshake')).toBe('no data yet');
    const dropping = sentinelReport(
      health([beat(T0, { last_hello_at: T0 }), beat(T0 + 2000, { pcap_dropped: 7, last_hello_at: T0 })]),
      T0 + 2100,
    );
    expect(dropping.state).toBe('warn');
    expect(dropping.summary).toMatch(/dropped 7 packets/);
  });

  it('says why it is not running: a warning when it could not, idle when turned off', () => {
    expect(sentinelReport({ reason: 'needs CAP_NET_RAW: sudo setcap …', off: false }).state).toBe('warn');
    expect(sentinelReport({ reason: '--no-sentinel', off: true }).state).toBe('idle');
  });
});

describe("the correlator's row, from its counters and socket files", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-probe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts joins and requests without a handshake, and is down when a socket file is gone', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'correlator' });
    const requests = new Counter({
      name: 'ja4_correlator_requests_total',
      help: 'h',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const producers = new Gauge({
      name: 'ja4_correlator_producer_connections',
      help: 'h',
      labelNames: ['source'],
      registers: [registry],
    });
    const written = new Counter({
      name: 'ja4_correlator_rows_written_total',
      help: 'h',
      registers: [registry],
    });
    const sockets = { http: path.join(dir, 'http.socket'), network: path.join(dir, 'network.socket') };
    const servers = [sockets.http, sockets.network].map((p) => net.createServer().listen(p));
    await Promise.all(servers.map((s) => new Promise((r) => s.once('listening', r))));
    const status = {
      deadLetters: { rows: 0, bytes: 0, lastReason: '' },
      log: { bytes: 2048, segments: 1 },
    };
    const w = watchCorrelator(
      { registry, status: () => status as ReturnType<Parameters<typeof watchCorrelator>[0]['status']> },
      sockets,
    );
    await w.sample(T0);
    expect(w.report(T0).state).toBe('idle');
    requests.inc({ outcome: 'joined' }, 18);
    requests.inc({ outcome: 'late' }, 2);
    producers.set({ source: 'http' }, 3);
    written.inc(20);
    await w.sample(T0 + 5000);
    const r = w.report(T0 + 5000);
    expect(r.state).toBe('ok');
    expect(r.summary).toBe('joined 18 of 20 HTTPS requests to their handshake (90%)');
    expect(value(r, 'without a handshake')).toBe('2: late 2');
    expect(value(r, 'producers')).toBe('http 3, network 0');
    expect(value(r, 'last insert')).toBe('just now');
    expect(value(r, 'log')).toBe('2.0 KiB in 1 segment');
    status.deadLetters = { rows: 3, bytes: 900, lastReason: 'Cannot parse input' };
    await w.sample(T0 + 5500);
    const refused = w.report(T0 + 5500);
    expect(refused.state).toBe('warn');
    expect(refused.summary).toBe(
      'ClickHouse refused 3 rows lately, kept in the dead-letter file: Cannot parse input',
    );
    expect(value(refused, 'dead letters')).toBe('3 rows (900 B); last: Cannot parse input');
    await new Promise((r) => servers[0].close(r));
    const gone = w.report(T0 + 6000);
    expect(gone.state).toBe('down');
    expect(gone.summary).toContain(`${sockets.http} is gone`);
    servers[1].close();
  });
});

describe("the web host's row, from mod_reqin_log's status page", () => {
  it('is idle before the first request, up once events flow, a warning when Apache drops, down when httpd is gone', async () => {
    const { createServer } = await import('node:http');
    const { watchWebHost } = await import('../../../../../appliance/cli/up/probes/web-host.js');
    let counters = 'EventsSent: 0\nEventsDropped: 0\nDroppedNoSocket: 0\n';
    const server = createServer((_req, res) => res.end(`Socket: /x\nEnabled: on\n${counters}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const w = watchWebHost('https://127.0.0.1:8443/', port, 'Apache/2.4.62');
    await w.sample(T0);
    expect(w.report(T0)).toMatchObject({
      state: 'idle',
      summary: 'no request yet: curl -k https://127.0.0.1:8443/',
    });
    counters = 'EventsSent: 10\nEventsDropped: 0\nDroppedNoSocket: 0\n';
    await w.sample(T0 + 5000);
    expect(w.report(T0 + 5000).state).toBe('ok');
    expect(value(w.report(T0 + 5000), 'events')).toBe('2.0/s');
    counters = 'EventsSent: 10\nEventsDropped: 4\nDroppedNoSocket: 4\n';
    await w.sample(T0 + 10_000);
    const dropping = w.report(T0 + 10_000);
    expect(dropping.state).toBe('warn');
    expect(dropping.summary).toContain('4 correlator socket not connected');
    await new Promise((r) => server.close(r));
    await w.sample(T0 + 15_000);
    expect(w.report(T0 + 15_000).state).toBe('down');
  });
});
