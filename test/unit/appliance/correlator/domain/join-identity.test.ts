/**
 * The connection's identity in the join (handshake.ts): a handshake serves one connection, a
 * request never takes a handshake older than its connection or another connection's, and the
 * initial sequence number decides when both producers carry it. Each case is an interleaving a
 * key-only join gets wrong behind a proxy.
 */
import { describe, expect, it } from 'vitest';
import type { CorrelatedRow, HttpEvent, TlsEvent } from '../../../../../appliance/common/index.js';
import { ConnectionJoin, type JoinOptions } from '../../../../../appliance/correlator/domain/join.js';
import { fakeClock, httpEvent, tlsEvent } from '../fixtures.js';

const OPTS: JoinOptions = {
  idleWindowMs: 300_000,
  graceMs: 2_000,
  maxConnections: 1000,
  maxPending: 1000,
  joinOnServerIp: false,
  toleranceUs: 1_000,
};
const T = 1_760_000_000_000_000;

function setup(over: Partial<JoinOptions> = {}) {
  const clock = fakeClock();
  const rows: CorrelatedRow[] = [];
  const join = new ConnectionJoin({ ...OPTS, ...over }, clock, (line) => rows.push(JSON.parse(line)));
  const late = () => {
    clock.advance(2_000);
    join.tick();
  };
  return { clock, rows, join, late };
}

/** Connection n on the shared proxy port: SYN at T + n s, accepted 100 µs later, hello 300 µs after the SYN. */
function conn(n: number, o: { isn?: number | null; synSeen?: boolean } = {}) {
  const syn = T + n * 1_000_000;
  const tls = (over: Partial<TlsEvent> = {}) =>
    tlsEvent({
      ts_us: syn + 300,
      ja4: `conn${n}`,
      syn_ts_us: o.synSeen === false ? null : syn,
      syn_seq: o.synSeen === false ? null : (o.isn ?? null),
      ...over,
    });
  const http = (k: number, over: Partial<HttpEvent> = {}) =>
    httpEvent({
      ts_us: syn + 2_000 + k * 10_000,
      conn_id: `9-${n}`,
      keepalive_n: k,
      path: `/conn${n}/${k}`,
      conn_start_us: syn + 100,
      conn_isn: o.isn ?? null,
      ...over,
    });
  return { tls, http };
}

describe('the join and the connection identity', () => {
  it("a first request whose handshake is not in yet waits rather than taking the previous connection's", () => {
    const { rows, join } = setup();
    const a = conn(1);
    const b = conn(2);
    join.onTls(a.tls());
    join.onHttp(a.http(1));
    join.onHttp(b.http(1)); // the next connection on the port: its ClientHello event is late
    expect(rows.map((r) => r.ja4)).toEqual(['conn1']);
    join.onTls(b.tls());
    expect(rows.map((r) => [r.path, r.ja4])).toEqual([
      ['/conn1/1', 'conn1'],
      ['/conn2/1', 'conn2'],
    ]);
    expect(join.stats.joinedAfterWait).toBe(1);
    expect(join.stats.rejected.servedOther).toBe(1);
  });

  it('never gives a free handshake older than the connection (a connection that sent no request)', () => {
    const { rows, join, late } = setup();
    join.onTls(conn(1).tls()); // served nothing
    join.onHttp(conn(2).http(1));
    late();
    expect(rows.map((r) => r.correlated)).toEqual([false]);
    expect(join.stats.rejected.beforeConnection).toBe(1);
    expect(join.stats.lateTooOld).toBe(1);
  });

  it("keeps an old connection's late requests on its own handshake once the next one is in", () => {
    const { rows, join } = setup();
    const a = conn(1);
    const b = conn(2);
    join.onTls(a.tls());
    join.onTls(b.tls());
    join.onHttp(a.http(1)); // the old connection's requests come after the next ClientHello
    join.onHttp(b.http(1));
    join.onHttp(a.http(2));
    join.onHttp(b.http(2));
    expect(rows.map((r) => `${r.path} ${r.ja4}`)).toEqual([
      '/conn1/1 conn1',
      '/conn2/1 conn2',
      '/conn1/2 conn1',
      '/conn2/2 conn2',
    ]);
    expect(join.stats.rejected).toMatchObject({ afterConnection: 1, servedOther: 1 });
  });

  it("refuses a handshake whose ClientHello came after the request (the next connection's), without a SYN", () => {
    const { rows, join, late } = setup();
    join.onTls(conn(2, { synSeen: false }).tls());
    join.onHttp(conn(1).http(3));
    late();
    expect(rows.map((r) => r.correlated)).toEqual([false]);
    expect(join.stats.rejected.afterConnection).toBe(1);
    expect(join.stats.lateMismatch).toBe(1);
  });

  it('decides by the initial sequence number when both producers carry it', () => {
    const { rows, join, late } = setup();
    // accept() lagged: the ClientHello precedes the connection's start, but the SYN's number is its own.
    const a = conn(1, { isn: 4_000_000_001 });
    join.onTls(a.tls());
    join.onHttp(a.http(1, { conn_start_us: T + 1_000_000 + 50_000 }));
    // Another connection on the port with a number of its own: not this one's.
    join.onTls(conn(2, { isn: 17 }).tls());
    join.onHttp(conn(2, { isn: 18 }).http(1));
    late();
    expect(rows.map((r) => [r.path, r.ja4])).toEqual([
      ['/conn1/1', 'conn1'],
      ['/conn2/1', ''],
    ]);
    expect(join.stats.basis.seq).toBe(1);
    expect(join.stats.rejected.seqMismatch).toBe(1);
  });

  it("a request that waits joins the handshake its connection's first request bound, not a newer one", () => {
    const { rows, join } = setup();
    const a = conn(1);
    join.onHttp(a.http(1));
    join.onHttp(a.http(2));
    join.onTls(a.tls());
    join.onTls(conn(2).tls());
    join.onHttp(a.http(3));
    expect(rows.map((r) => r.ja4)).toEqual(['conn1', 'conn1', 'conn1']);
    expect(join.stats.basis).toMatchObject({ time: 1, connection: 2 });
  });

  it('without the connection start (older module) falls back to any free handshake, counted legacy', () => {
    const { rows, join } = setup();
    join.onTls(conn(1).tls());
    join.onHttp(conn(2).http(1, { conn_start_us: undefined, conn_isn: undefined }));
    expect(rows.map((r) => r.ja4)).toEqual(['conn1']);
    expect(join.stats.basis.legacy).toBe(1);
  });

  it('counts what was refused and why, and every request leaves once', () => {
    const { rows, join, late } = setup();
    join.onHttp(httpEvent({ conn_port: 1, conn_start_us: T }));
    late();
    expect(join.stats.lateNoHandshake).toBe(1);
    expect(join.stats.late).toBe(1);
    expect(rows).toHaveLength(1);
  });
});
