/**
 * The correlator fed by the real producer on http.socket: Apache (event MPM, mod_ssl) with
 * mod_reqin_log writing to the correlator's socket as its unprivileged children (sockets.group
 * and sockets.mode must let them in), keep-alive TLS requests joined to a handshake sent the way
 * the sentinel sends it, and a plain request passed through.
 */
import { chmodSync, existsSync } from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlatedRowSchema } from '../../../../appliance/common/index.js';
import { type CorrelatorHandle, startCorrelator } from '../../../../appliance/correlator/service.js';
import { tlsEvent } from '../../../../scripts/lib/sample-events.js';
import { type ApacheServer, apacheMissing, buildModule, startApache } from '../../../helpers/apache.js';
import { get } from '../../../helpers/http-client.js';
import { memorySink, producer, quietLog, testConfig, until } from './helpers.js';

const missing = apacheMissing();
if (missing) console.warn(`skipping correlator + Apache test: ${missing}`);

describe.skipIf(missing)('correlator with mod_reqin_log as the HTTP producer', () => {
  let apache: ApacheServer;
  let handle: CorrelatorHandle;
  const sink = memorySink();
  // The handshake below is made up, not captured: its time only roughly that of the connection,
  // so the join's clock slack is wide (it has no sequence number, so times decide).
  const cfg = testConfig({ grace_ms: 10_000, join_tolerance_us: 60_000_000 });

  beforeAll(async () => {
    // As root, Apache's children run as nobody:nogroup: give the socket to that group, mode 0660.
    const asRoot = process.getuid?.() === 0 && existsSync('/etc/group');
    cfg.config.sockets = { ...cfg.config.sockets, group: asRoot ? 'nogroup' : '', mode: '0660' };
    chmodSync(cfg.dir, 0o755);
    handle = await startCorrelator({ config: cfg.config, log: quietLog, sink: sink.sink });
    apache = await startApache({
      mpm: 'event',
      module: buildModule(),
      tls: true,
      conf: `ReqinLogSocket ${cfg.config.sockets.http}`,
    });
  });

  afterAll(async () => {
    await apache?.stop();
    await handle?.close();
  });

  it('joins keep-alive TLS requests to their handshake and passes plain HTTP through', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get({ port: apache.tlsPort, path: '/?n=1', tls: true, agent });
    // The sentinel's line for this connection, sent after the first request was logged: that one
    // waits for it (grace), the next ones find it already held.
    await until(() => handle.join.pending === 1, 10_000, 'the first request waiting for its handshake');
    const net = await producer(cfg.config.sockets.network);
    net.send(
      tlsEvent({
        src_ip: '127.0.0.1',
        src_port: first.localPort,
        dst_ip: '127.0.0.1',
        dst_port: apache.tlsPort,
      }),
    );
    await until(() => handle.join.stats.tlsIn === 1, 10_000, 'the handshake read');
    const second = await get({ port: apache.tlsPort, path: '/?n=2', tls: true, agent });
    const third = await get({ port: apache.tlsPort, path: '/?n=3', tls: true, agent });
    agent.destroy();
    expect([second.localPort, third.localPort]).toEqual([first.localPort, first.localPort]);
    const plain = await get({ port: apache.port, path: '/?n=plain' });

    await until(() => sink.rows.length >= 4, 20_000, 'four rows from Apache');
    const rows = sink.rows.map((r) => correlatedRowSchema.parse(r));
    const tlsRows = rows.filter((r) => r.tls).sort((a, b) => a.keepalive_n - b.keepalive_n);
    expect(tlsRows.map((r) => [r.query, r.keepalive_n, r.conn_port, r.correlated])).toEqual([
      ['n=1', 1, first.localPort, true],
      ['n=2', 2, first.localPort, true],
      ['n=3', 3, first.localPort, true],
    ]);
    expect(new Set(tlsRows.map((r) => r.ja4))).toEqual(new Set([tlsEvent().ja4]));
    const plainRow = rows.find((r) => !r.tls);
    expect(plainRow).toMatchObject({
      query: 'n=plain',
      conn_port: plain.localPort,
      correlated: false,
      ja4: '',
    });
    expect(handle.join.stats).toMatchObject({ joinedAfterWait: 1, joined: 2, plain: 1 });
    net.destroy();
  });
});
