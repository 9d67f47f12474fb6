/**
 * Lines refused at decode on a real socket, each counted by reason, the connection kept: a key
 * written twice (the filter would judge one value and ClickHouse store the other), addresses that
 * are not IP addresses in canonical text, request times outside the stored window. And the
 * listen backlog: a burst of producers connecting at once is not refused.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CorrelatorHandle, startCorrelator } from '../../../../appliance/correlator/service.js';
import { httpEvent } from '../../../unit/appliance/correlator/fixtures.js';
import { memorySink, metricValue, producer, quietLog, testConfig, until } from './helpers.js';

const handles: CorrelatorHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

async function start(cfg = testConfig()) {
  const sink = memorySink();
  const bodies: string[] = [];
  const handle = await startCorrelator({
    config: cfg.config,
    log: quietLog,
    sink: {
      name: 'memory',
      async write(batch) {
        bodies.push(batch.body);
        await sink.sink.write(batch);
      },
      async close() {},
    },
  });
  handles.push(handle);
  return { handle, rows: sink.rows, bodies, cfg: cfg.config };
}

const refused = async (handle: CorrelatorHandle, reason: string) =>
  metricValue(await handle.registry.metrics(), 'ja4_correlator_refused_total', { source: 'http', reason });

describe('correlator refusals at decode', () => {
  it('refuses lines that repeat a key, so filter.deny sees what ClickHouse would store', async () => {
    const cfg = testConfig();
    cfg.config.filter = { ...cfg.config.filter, deny: ['203.0.113.0/24'] };
    const { handle, rows, bodies } = await start(cfg);
    const http = await producer(cfg.config.sockets.http);
    for (let i = 0; i < 10; i++) {
      // ClickHouse's JSONExtract reads the first client_ip (denied), JSON.parse the last.
      const line = JSON.stringify(httpEvent({ tls: false, client_ip: '203.0.113.9', conn_id: `dup-${i}` }));
      http.send(
        line.replace('"client_ip":"203.0.113.9"', '"client_ip":"203.0.113.9","client_ip":"192.0.2.1"'),
      );
    }
    http.send(httpEvent({ tls: false, path: '/after' }));
    await until(() => rows.length === 1, 5000, 'the good line');
    expect(rows.map((r) => r.path)).toEqual(['/after']);
    expect(bodies.join('')).not.toContain('203.0.113.9');
    expect(await refused(handle, 'duplicate_key')).toBe(10);
    http.destroy();
  });

  it('refuses addresses that are not IP addresses, stores valid ones in canonical text', async () => {
    const { handle, rows, cfg } = await start();
    const http = await producer(cfg.sockets.http);
    http.send(httpEvent({ tls: false, client_ip: '0x7f.1' }));
    http.send(httpEvent({ tls: false, conn_ip: '127.1' }));
    http.send(httpEvent({ tls: false, local_ip: 'evil;deny all' }));
    http.send(httpEvent({ tls: false, client_ip: 'FE80::0001%eth0', path: '/scoped' }));
    await until(() => rows.length === 1, 5000, 'the valid line');
    expect(rows[0]).toMatchObject({ path: '/scoped', client_ip: 'fe80::1' });
    expect(await refused(handle, 'bad_ip')).toBe(3);
    http.destroy();
  });

  it('refuses requests older than retention.http_logs_days or past correlator.max_future_skew_ms', async () => {
    const cfg = testConfig({ max_future_skew_ms: 60_000 });
    cfg.config.retention = { ...cfg.config.retention, http_logs_days: 2 };
    const { handle, rows } = await start(cfg);
    const http = await producer(cfg.config.sockets.http);
    const now = Date.now() * 1000;
    http.send(httpEvent({ tls: false, ts_us: now - 3 * 86_400_000_000 }));
    http.send(httpEvent({ tls: false, ts_us: now + 120_000_000 }));
    http.send(httpEvent({ tls: false, ts_us: now - 86_400_000_000, path: '/yesterday' }));
    http.send(httpEvent({ tls: false, ts_us: now + 30_000_000, path: '/soon' }));
    await until(() => rows.length === 2, 5000, 'the two lines inside the window');
    expect(rows.map((r) => r.path).sort()).toEqual(['/soon', '/yesterday']);
    expect(await refused(handle, 'too_old')).toBe(1);
    expect(await refused(handle, 'in_future')).toBe(1);
    http.destroy();
  });
});

// Skips when net.core.somaxconn (the kernel's cap on any backlog) is below the burst.
describe('correlator listen backlog', () => {
  // Every connect is issued in one turn of the event loop, so none can be accepted before the
  // last: they all sit in the kernel's queue at once, as when every Apache child reconnects.
  const BURST = 2000;
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  it.skipIf(!(somaxconn >= BURST))(
    `queues ${BURST} simultaneous connects (sockets.backlog) instead of refusing them`,
    async () => {
      const { cfg } = await start();
      const sockets: Socket[] = [];
      const results = await new Promise<string[]>((resolve) => {
        const out: string[] = [];
        const done = (r: string) => {
          out.push(r);
          if (out.length === BURST) resolve(out);
        };
        for (let i = 0; i < BURST; i++) {
          const s = connect(cfg.sockets.http);
          sockets.push(s);
          s.once('connect', () => done('ok'));
          s.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'error'));
        }
      });
      for (const s of sockets) s.destroy();
      const refusedCount = results.filter((r) => r !== 'ok').length;
      expect({ refused: refusedCount, codes: [...new Set(results)] }).toEqual({ refused: 0, codes: ['ok'] });
    },
  );
});
