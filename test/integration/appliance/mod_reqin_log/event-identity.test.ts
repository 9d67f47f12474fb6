/**
 * The connection's identity in mod_reqin_log's lines (reqin_conn.c): conn_start_us, when the
 * server took the connection, and conn_isn, the client's initial sequence number from the SYN the
 * kernel saved (TCP_SAVED_SYN). Connections that reuse one client port one after another must
 * each get their own, equal to the SYN tshark captured; keep-alive requests share their
 * connection's. Every line must validate against httpEventSchema.
 */
import https from 'node:https';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { moduleFlavours } from '../../../helpers/apache.js';
import { get, keepAliveAgent } from '../../../helpers/http-client.js';
import { moduleSuite, requestIds } from '../../../helpers/module-suite.js';
import { captureSyns, synCaptureMissing } from '../../../helpers/syn-capture.js';

const { missing, flavours, asan } = moduleFlavours();
const uid = requestIds('i');
const captureMissing = synCaptureMissing();

/** One request on a new connection from `localPort`; the server closes first (Connection: close). */
function closeRequest(port: number, localPort: number, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localPort }, () => {
      sock.write(`GET /index.html?t=${id} HTTP/1.1\r\nHost: reuse.test\r\nConnection: close\r\n\r\n`);
    });
    sock.on('error', reject);
    sock.on('close', () => resolve());
    sock.resume();
  });
}

async function freeLocalPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe.skipIf(missing).each(flavours)('mod_reqin_log connection identity (%s build)', (flavour) => {
  const suite = moduleSuite(flavour, flavour === 'asan' ? asan : undefined, {
    mpm: 'event',
    tls: true,
    conf: [],
  });

  it('gives connections that reuse one client port their own start and initial sequence number', async () => {
    const capture = captureMissing ? undefined : await captureSyns(suite.apache.port);
    const localPort = await freeLocalPort();
    const ids = [uid(), uid(), uid()];
    const before: number[] = [];
    for (const id of ids) {
      before.push(Date.now() * 1000);
      await closeRequest(suite.apache.port, localPort, id);
    }
    const events = await Promise.all(ids.map(suite.eventFor));
    expect(events.map((e) => e.conn_port)).toEqual([localPort, localPort, localPort]);
    expect(new Set(events.map((e) => e.conn_id)).size).toBe(3);
    for (const [i, e] of events.entries()) {
      expect(e.keepalive_n).toBe(1);
      // Date.now() has millisecond steps; the module's clock microseconds.
      expect(e.conn_start_us).toBeGreaterThanOrEqual(before[i] - 1000);
      expect(e.conn_start_us).toBeLessThanOrEqual(e.ts_us);
      if (i > 0) expect(e.conn_start_us).toBeGreaterThan(events[i - 1].ts_us);
      expect(typeof e.conn_isn).toBe('number');
    }
    expect(new Set(events.map((e) => e.conn_isn)).size).toBe(3);
    if (capture) {
      const syns = await capture.stop(3);
      const fromPort = syns.filter((s) => s.srcport === localPort);
      expect(fromPort.map((s) => s.seq)).toEqual(events.map((e) => e.conn_isn));
      // The SYN on the wire precedes the server taking the connection (same clock).
      for (const [i, s] of fromPort.entries()) expect(s.tsUs).toBeLessThanOrEqual(events[i].conn_start_us!);
    }
  });

  it('repeats the connection start and sequence number on its keep-alive requests, plain and TLS', async () => {
    for (const tls of [false, true]) {
      const agent = tls ? new https.Agent({ keepAlive: true, maxSockets: 1 }) : keepAliveAgent();
      const ids = [uid(), uid(), uid(), uid()];
      for (const id of ids)
        await get({
          port: tls ? suite.apache.tlsPort : suite.apache.port,
          path: `/index.html?t=${id}`,
          agent,
          tls,
        });
      agent.destroy();
      const events = await Promise.all(ids.map(suite.eventFor));
      expect(events.map((e) => e.keepalive_n)).toEqual([1, 2, 3, 4]);
      expect(new Set(events.map((e) => e.conn_start_us)).size).toBe(1);
      expect(new Set(events.map((e) => e.conn_isn)).size).toBe(1);
      expect(events[0].conn_isn).not.toBeNull();
      expect(events[0].conn_start_us).toBeLessThanOrEqual(events[0].ts_us);
    }
  });

  suite.lastTests();
});
