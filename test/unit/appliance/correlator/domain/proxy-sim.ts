/**
 * A proxy in front of the web server, simulated for the join's property test: every connection
 * comes from one peer address, over a handful of source ports reused within seconds; each
 * connection has a SYN, an accept, one ClientHello (sometimes two, after a HelloRetryRequest), zero
 * or more keep-alive requests and a close, in that causal order on one wall clock. The events then
 * reach the correlator after independent delays, so ClientHellos arrive both before and after
 * their requests, and an old connection's requests after the next connection's ClientHello.
 *
 * The truth is the simulation's own bookkeeping: the JA4 of connection c's ClientHellos is
 * `c<c>-h<n>` and each request's path is `/c<c>/r<k>`.
 */
import type { HttpEvent, TlsEvent } from '../../../../../appliance/common/index.js';
import { createRng, type Rng } from '../../../../../appliance/common/prng.js';
import { httpEvent, tlsEvent } from '../fixtures.js';

export interface SimOptions {
  connections: number;
  /** Source ports the proxy uses towards the server. */
  ports: number;
  /** Share of connections whose server-side initial sequence number the module reports. */
  isnShare: number;
  /** Share of connections whose SYN the sentinel captured. */
  synShare: number;
}

export interface SimEvent {
  /** Arrival at the correlator, ms (the join's clock). */
  atMs: number;
  seq: number;
  tls?: TlsEvent;
  http?: HttpEvent;
}

export interface Sim {
  events: SimEvent[];
  requests: number;
  handshakes: number;
}

const T0_US = 1_760_000_000_000_000;
const PROXY = '10.0.0.1';

/** A delay of a ClientHello's event: mostly quick, sometimes behind its requests, rarely beyond the grace. */
function tlsDelayMs(rng: Rng): number {
  const r = rng.next();
  if (r < 0.6) return rng.next() * 20;
  if (r < 0.95) return 20 + rng.next() * 1500;
  return 2000 + rng.next() * 2000;
}

export function simulate(seed: string, o: SimOptions): Sim {
  const rng = createRng('join-proxy-sim', seed);
  const portFree = Array.from({ length: o.ports }, () => T0_US + rng.int(0, 1_000_000));
  const events: SimEvent[] = [];
  let seq = 0;
  let requests = 0;
  let handshakes = 0;
  for (let c = 0; c < o.connections; c++) {
    const p = rng.int(0, o.ports - 1);
    const port = 40_000 + p;
    // Reused within seconds: 2 ms to ~3 s after the previous connection on the port closed.
    const syn = portFree[p] + Math.round(2_000 + rng.around(150_000, 1.5));
    // accept() and the worker's pre_connection: usually tens of µs, sometimes tens of ms (load).
    const start = syn + (rng.chance(0.1) ? rng.int(1_000, 60_000) : rng.int(20, 400));
    const hellos = [syn + rng.int(60, 2_500)];
    if (rng.chance(0.05)) hellos.push(hellos[0] + rng.int(300, 5_000));
    const isn = rng.u32();
    const synSeen = rng.chance(o.synShare);
    const isnKept = rng.chance(o.isnShare);
    const clientIp = `198.51.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    for (const [i, helloUs] of hellos.entries()) {
      handshakes++;
      events.push({
        atMs: helloUs / 1000 + tlsDelayMs(rng),
        seq: seq++,
        tls: tlsEvent({
          ts_us: helloUs,
          src_ip: PROXY,
          src_port: port,
          ja4: `c${c}-h${i + 1}`,
          syn_ts_us: synSeen ? syn : null,
          syn_seq: synSeen ? isn : null,
        }),
      });
    }
    const n = rng.chance(0.15) ? 0 : rng.int(1, 6); // 0: a connection that never sent a request
    let t = Math.max(hellos[hellos.length - 1], start) + rng.int(300, 5_000);
    let arrival = 0;
    for (let k = 1; k <= n; k++) {
      const duration = rng.int(200, 40_000);
      arrival = Math.max(arrival, (t + duration) / 1000 + rng.next() * 800);
      requests++;
      events.push({
        atMs: arrival,
        seq: seq++,
        http: httpEvent({
          ts_us: t,
          duration_us: duration,
          path: `/c${c}/r${k}`,
          client_ip: clientIp,
          conn_ip: PROXY,
          conn_port: port,
          conn_id: `7-${c}`,
          keepalive_n: k,
          conn_start_us: start,
          conn_isn: isnKept ? isn : null,
        }),
      });
      t += duration + Math.round(rng.around(40_000));
    }
    portFree[p] = Math.max(t, hellos[hellos.length - 1]) + rng.int(500, 50_000);
  }
  events.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  return { events, requests, handshakes };
}
