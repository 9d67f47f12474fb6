/**
 * The correlator's two UNIX sockets with producers' lines: joining across sockets, keep-alive,
 * bad input that leaves the connection usable, socket permissions, stale and live socket files,
 * and producers reconnecting after a correlator restart.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type CorrelatorHandle, startCorrelator } from '../../../../appliance/correlator/service.js';
import { httpEvent, tlsEvent } from '../../../../scripts/lib/sample-events.js';
import { memorySink, metricValue, producer, quietLog, testConfig, until } from './helpers.js';

const handles: CorrelatorHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});

async function start(cfg = testConfig(), sink = memorySink()) {
  const handle = await startCorrelator({ config: cfg.config, log: quietLog, sink: sink.sink });
  handles.push(handle);
  return { handle, rows: sink.rows, cfg: cfg.config };
}

describe('correlator sockets', () => {
  it('joins TLS events from network.socket to keep-alive requests on http.socket', async () => {
    const { rows, cfg } = await start();
    const net = await producer(cfg.sockets.network);
    const http = await producer(cfg.sockets.http);
    net.send(tlsEvent({ src_ip: '203.0.113.5', src_port: 41000 }));
    await new Promise((r) => setTimeout(r, 50));
    http.send(httpEvent({ conn_ip: '::ffff:203.0.113.5', conn_port: 41000, keepalive_n: 1 }));
    http.send(httpEvent({ conn_ip: '::ffff:203.0.113.5', conn_port: 41000, keepalive_n: 2 }));
    http.send(httpEvent({ conn_ip: '203.0.113.6', conn_port: 41000, keepalive_n: 1 })); // no handshake
    http.send(httpEvent({ tls: false, conn_port: 8080, local_port: 80 }));
    await until(() => rows.length === 4, 5000, 'four rows');
    const by = (ip: string, n: number) => rows.find((r) => r.conn_ip === ip && r.keepalive_n === n);
    expect(by('::ffff:203.0.113.5', 1)?.correlated).toBe(true);
    expect(by('::ffff:203.0.113.5', 2)?.ja4).toBe(tlsEvent().ja4);
    expect(by('203.0.113.6', 1)?.correlated).toBe(false);
    expect(rows.find((r) => r.tls === false)?.correlated).toBe(false);
    net.destroy();
    http.destroy();
  });

  it('counts bad lines by reason and keeps reading the same connection', async () => {
    const { handle, rows, cfg } = await start(testConfig({ max_line_bytes: 2048 }));
    const http = await producer(cfg.sockets.http);
    http.send('{"type":"http",');
    http.send({ ...httpEvent(), status: 'ok' });
    http.send({ ...httpEvent(), surprise: true });
    http.send(tlsEvent());
    http.send({ ...httpEvent(), user_agent: 'x'.repeat(5000) });
    http.send(httpEvent({ tls: false, path: '/after-the-noise' }));
    await until(() => rows.length === 1, 5000, 'the good line');
    expect(rows[0].path).toBe('/after-the-noise');
    const text = await handle.registry.metrics();
    const bad = (reason: string) =>
      metricValue(text, 'ja4_correlator_bad_lines_total', { source: 'http', reason });
    expect(await bad('malformed_json')).toBe(1);
    expect(await bad('wrong_type')).toBe(1);
    expect(await bad('unknown_field')).toBe(1);
    expect(await bad('wrong_event_type')).toBe(1);
    expect(await bad('too_long')).toBe(1);
    expect(await metricValue(text, 'ja4_correlator_events_in_total', { source: 'http' })).toBe(1);
    expect(http.destroyed).toBe(false);
    http.destroy();
  });

  it("sums mod_reqin_log's stats lines over children and counts events lost on the way", async () => {
    const { handle, rows, cfg } = await start();
    const stats = (o: Record<string, unknown>) => ({
      type: 'reqin_stats',
      ts_us: Date.now() * 1000,
      pid: 101,
      child_start_us: 1,
      built: 0,
      sent: 0,
      dropped: 0,
      dropped_no_socket: 0,
      dropped_would_block: 0,
      dropped_error: 0,
      dropped_too_large: 0,
      dropped_exit: 0,
      partial_writes: 0,
      connects: 1,
      connect_failures: 0,
      conn_lines: 0,
      final: false,
      ...o,
    });
    const a = await producer(cfg.sockets.http);
    a.send(httpEvent({ tls: false, path: '/a1' }));
    a.send(httpEvent({ tls: false, path: '/a2' }));
    // Three queued on this connection before the line, two arrived: one lost between the two.
    a.send(stats({ built: 5, sent: 3, dropped: 2, dropped_would_block: 2, conn_lines: 3 }));
    a.send(httpEvent({ tls: false, path: '/a3' }));
    a.send(stats({ built: 6, sent: 4, dropped: 2, dropped_would_block: 2, conn_lines: 4 }));
    const b = await producer(cfg.sockets.http);
    b.send(stats({ pid: 202, built: 7, sent: 0, dropped: 7, dropped_no_socket: 7, final: true }));
    await until(() => rows.length === 3, 5000, 'the three requests');
    const built = async () =>
      metricValue(await handle.registry.metrics(), 'ja4_module_events_total', { outcome: 'built' });
    await until(async () => (await built()) === 13, 5000, 'both children counted');
    const text = await handle.registry.metrics();
    const events = (outcome: string) => metricValue(text, 'ja4_module_events_total', { outcome });
    expect(await events('built')).toBe(13);
    expect(await events('sent')).toBe(4);
    expect(await events('dropped_would_block')).toBe(2);
    expect(await events('dropped_no_socket')).toBe(7);
    expect(await metricValue(text, 'ja4_module_events_missing_total', { source: 'http' })).toBe(1);
    expect(await metricValue(text, 'ja4_module_children', {})).toBe(1); // 202 has gone
    expect(
      await metricValue(text, 'ja4_correlator_bad_lines_total', {
        source: 'http',
        reason: 'wrong_event_type',
      }),
    ).toBe(0);
    a.destroy();
    b.destroy();
  });

  it('creates the socket files with sockets.mode and sockets.group', async () => {
    const cfg = testConfig();
    cfg.config.sockets = { ...cfg.config.sockets, mode: '0620', group: String(process.getgid?.() ?? 0) };
    await start(cfg);
    for (const path of [cfg.config.sockets.http, cfg.config.sockets.network]) {
      const st = statSync(path);
      expect(st.isSocket()).toBe(true);
      expect(st.mode & 0o777).toBe(0o620);
      expect(st.gid).toBe(process.getgid?.());
    }
  });

  it('refuses an unknown group with JA4_ERR_CORRELATOR_SOCKET_GROUP', async () => {
    const cfg = testConfig();
    cfg.config.sockets = { ...cfg.config.sockets, group: 'no-such-group-ja4' };
    await expect(start(cfg)).rejects.toMatchObject({ code: 'JA4_ERR_CORRELATOR_SOCKET_GROUP' });
  });

  it('replaces a stale socket file, but not a live socket or a regular file', async () => {
    const cfg = testConfig();
    // A socket file whose process is gone (bound, never unlinked).
    execFileSync('python3', [
      '-c',
      'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])',
      cfg.config.sockets.http,
    ]);
    expect(statSync(cfg.config.sockets.http).isSocket()).toBe(true);
    const { rows } = await start(cfg);
    const http = await producer(cfg.config.sockets.http);
    http.send(httpEvent({ tls: false }));
    await until(() => rows.length === 1, 5000, 'a row through the replaced socket');
    http.destroy();

    const second = testConfig({}, cfg.dir);
    second.config.correlator.spool_dir = `${cfg.dir}/spool2`;
    await expect(start(second)).rejects.toMatchObject({ code: 'JA4_ERR_CORRELATOR_SOCKET_IN_USE' });

    const plain = testConfig();
    writeFileSync(plain.config.sockets.http, 'not a socket');
    await expect(start(plain)).rejects.toMatchObject({ code: 'JA4_ERR_CORRELATOR_SOCKET_PATH' });
    expect(existsSync(plain.config.sockets.http)).toBe(true);
  });

  it('accepts producers reconnecting after a restart; close() emits what was waiting', async () => {
    const cfg = testConfig({ grace_ms: 60_000 });
    const first = memorySink();
    const a = await start(cfg, first);
    let http = await producer(cfg.config.sockets.http);
    http.send(httpEvent({ path: '/waiting' })); // TLS request, no handshake yet: waits
    await until(() => a.handle.status().pending === 1, 5000, 'a waiting request');
    await a.handle.close();
    expect(first.rows.map((r) => [r.path, r.correlated])).toEqual([['/waiting', false]]);
    expect(existsSync(cfg.config.sockets.http)).toBe(false);

    const second = memorySink();
    await start(cfg, second);
    http = await producer(cfg.config.sockets.http);
    const net = await producer(cfg.config.sockets.network);
    net.send(tlsEvent());
    await new Promise((r) => setTimeout(r, 50));
    http.send(httpEvent({ path: '/after-restart' }));
    await until(() => second.rows.length === 1, 5000, 'a row after restart');
    expect(second.rows[0]).toMatchObject({ path: '/after-restart', correlated: true });
    http.destroy();
    net.destroy();
  });

  it('serves /metrics when a port is configured', async () => {
    const cfg = testConfig();
    const handle = await startCorrelator({
      config: cfg.config,
      log: quietLog,
      sink: memorySink().sink,
      metricsPort: 0,
    });
    handles.push(handle);
    expect(handle.metricsAddress).toBeUndefined();
    const served = await startCorrelator({
      config: testConfig().config,
      log: quietLog,
      sink: memorySink().sink,
      metricsPort: await freePort(),
    });
    handles.push(served);
    const res = await fetch(`http://${served.metricsAddress}/metrics`);
    const body = await res.text();
    expect(res.status).toBe(200);
    for (const name of [
      'ja4_correlator_events_in_total',
      'ja4_correlator_correlated_ratio',
      'ja4_correlator_requests_total',
      'ja4_correlator_batches_total',
      'ja4_correlator_rows_written_total',
      'ja4_correlator_spool_bytes',
      'ja4_correlator_insert_seconds_bucket',
    ]) {
      expect(body).toContain(name);
    }
  });
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(() => r(undefined)));
  return port;
}
