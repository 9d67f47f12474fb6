import { describe, expect, it } from 'vitest';
import { type CorrelatedRow, correlatedRowSchema } from '../../../../../appliance/common/index.js';
import { ConnectionJoin, type JoinOptions } from '../../../../../appliance/correlator/domain/join.js';
import { fakeClock, httpEvent, tlsEvent } from '../fixtures.js';

const OPTS: JoinOptions = {
  idleWindowMs: 60_000,
  graceMs: 2_000,
  maxConnections: 1000,
  maxPending: 1000,
  joinOnServerIp: false,
};

function setup(over: Partial<JoinOptions> = {}) {
  const clock = fakeClock();
  const rows: CorrelatedRow[] = [];
  const join = new ConnectionJoin({ ...OPTS, ...over }, clock, (line) => rows.push(JSON.parse(line)));
  return { clock, rows, join };
}

describe('ConnectionJoin', () => {
  it('joins a request to the handshake of its connection, and the row fits correlatedRowSchema', () => {
    const { rows, join } = setup();
    join.onTls(tlsEvent({ ts_us: 1_763_699_999_990_000 }));
    join.onHttp(httpEvent());
    expect(rows).toHaveLength(1);
    expect(correlatedRowSchema.safeParse(rows[0]).success).toBe(true);
    expect(rows[0]).toMatchObject({
      correlated: true,
      ja4: 't13d1516h2_8daaf6152771_02713d6af862',
      ja3: 'cd08e31494f9531f560d64c695473da9',
      sni: 'www.example.test',
      tcp_ttl: 64,
      tcp_options: '2-4-8-1-3',
      tls_ts_us: 1_763_699_999_990_000,
      path: '/index.html',
      conn_port: 50123,
    });
    expect(rows[0]).not.toHaveProperty('type');
    expect(join.stats.joined).toBe(1);
  });

  it('serves every keep-alive request on the connection with one handshake', () => {
    const { clock, rows, join } = setup();
    join.onTls(tlsEvent());
    for (let n = 1; n <= 5; n++) {
      clock.advance(10_000);
      join.onHttp(httpEvent({ keepalive_n: n, path: `/r${n}` }));
    }
    expect(rows.map((r) => r.correlated)).toEqual([true, true, true, true, true]);
    expect(rows.map((r) => r.path)).toEqual(['/r1', '/r2', '/r3', '/r4', '/r5']);
  });

  it('does not join on client_ip (the X-Forwarded-For address)', () => {
    const { clock, rows, join } = setup();
    join.onTls(tlsEvent({ src_ip: '203.0.113.9', src_port: 40000 }));
    // Behind a proxy: the XFF client equals the handshake's address, the TCP peer does not.
    join.onHttp(httpEvent({ client_ip: '203.0.113.9', conn_ip: '10.0.0.2', conn_port: 40000 }));
    clock.advance(2_000);
    join.tick();
    expect(rows).toHaveLength(1);
    expect(rows[0].correlated).toBe(false);
    expect(join.stats.late).toBe(1);
  });

  it('normalises IPv4-mapped IPv6 peers (dual-stack Apache) to the IPv4 the sentinel sees', () => {
    const { rows, join } = setup();
    join.onTls(tlsEvent({ src_ip: '198.51.100.7' }));
    join.onHttp(httpEvent({ conn_ip: '::FFFF:198.51.100.7', local_ip: '::ffff:192.0.2.10' }));
    expect(rows[0].correlated).toBe(true);
  });

  it('matches IPv6 text case-insensitively', () => {
    const { rows, join } = setup();
    join.onTls(tlsEvent({ src_ip: '2001:db8::1', dst_ip: '2001:db8::80' }));
    join.onHttp(httpEvent({ conn_ip: '2001:DB8::1', local_ip: '2001:db8::80' }));
    expect(rows[0].correlated).toBe(true);
  });

  it('keys on the ports: another client port, or another server port, does not match', () => {
    const { clock, rows, join } = setup();
    join.onTls(tlsEvent());
    join.onHttp(httpEvent({ conn_port: 50124 }));
    join.onHttp(httpEvent({ local_port: 8443 }));
    clock.advance(2_000);
    join.tick();
    expect(rows.map((r) => r.correlated)).toEqual([false, false]);
  });

  it('ignores the server address unless join_on_server_ip, then requires it', () => {
    const loose = setup();
    loose.join.onTls(tlsEvent({ dst_ip: '172.17.0.2' }));
    loose.join.onHttp(httpEvent({ local_ip: '192.0.2.10' }));
    expect(loose.rows[0].correlated).toBe(true);

    const strict = setup({ joinOnServerIp: true });
    strict.join.onTls(tlsEvent({ dst_ip: '172.17.0.2' }));
    strict.join.onHttp(httpEvent({ local_ip: '192.0.2.10' }));
    expect(strict.rows).toHaveLength(0);
    strict.join.onTls(tlsEvent({ dst_ip: '192.0.2.10' }));
    expect(strict.rows.map((r) => r.correlated)).toEqual([true]);
  });

  it('holds a request that arrives before its handshake and joins it when the handshake comes in grace', () => {
    const { clock, rows, join } = setup();
    join.onHttp(httpEvent({ path: '/early' }));
    expect(rows).toHaveLength(0);
    expect(join.pending).toBe(1);
    clock.advance(1_999);
    join.tick();
    expect(rows).toHaveLength(0);
    join.onTls(tlsEvent());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ path: '/early', correlated: true });
    expect(join.pending).toBe(0);
    expect(join.stats.joinedAfterWait).toBe(1);
    clock.advance(10_000);
    join.tick();
    expect(rows).toHaveLength(1); // not emitted a second time by the expiry
  });

  it('emits a waiting request without TLS fields once the grace passes, and counts it late', () => {
    const { clock, rows, join } = setup();
    join.onHttp(httpEvent());
    clock.advance(2_000);
    join.tick();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      correlated: false,
      ja4: '',
      ja3: '',
      tls_ts_us: null,
      tcp_ttl: null,
      alpn: [],
    });
    expect(correlatedRowSchema.safeParse(rows[0]).success).toBe(true);
    expect(join.stats.late).toBe(1);
    // The handshake arriving afterwards serves later requests, not the one already emitted.
    join.onTls(tlsEvent());
    join.onHttp(httpEvent({ keepalive_n: 2 }));
    expect(rows.map((r) => r.correlated)).toEqual([false, true]);
  });

  it('passes plain-HTTP requests through at once, even with a handshake on the same key', () => {
    const { rows, join } = setup();
    join.onTls(tlsEvent());
    join.onHttp(httpEvent({ tls: false, local_port: 443 }));
    expect(rows).toHaveLength(1);
    expect(rows[0].correlated).toBe(false);
    expect(join.stats.plain).toBe(1);
    expect(join.pending).toBe(0);
  });

  it('gives the new connection on a reused client port the new handshake, and keeps the old one for the old connection', () => {
    const { rows, join } = setup();
    join.onTls(tlsEvent({ ja4: 'old' }));
    join.onHttp(httpEvent());
    join.onTls(tlsEvent({ ja4: 'new' }));
    join.onHttp(httpEvent({ conn_id: '4242-2' }));
    join.onHttp(httpEvent({ keepalive_n: 2 })); // the old connection's late request
    expect(rows.map((r) => r.ja4)).toEqual(['old', 'new', 'old']);
    expect(join.connections).toBe(2);
  });

  it('holds a short list per key: past handshakes_per_key the oldest is dropped, counted replaced', () => {
    const { join } = setup({ handshakesPerKey: 3 });
    for (let i = 0; i < 5; i++) join.onTls(tlsEvent({ ja4: `h${i}` }));
    expect(join.connections).toBe(3);
    expect(join.stats.tlsReplaced).toBe(2);
  });

  it('retires a handshake idle for the window; a request after that waits and goes out uncorrelated', () => {
    const { clock, rows, join } = setup();
    join.onTls(tlsEvent());
    join.onHttp(httpEvent());
    clock.advance(60_000);
    join.tick();
    expect(join.connections).toBe(0);
    expect(join.stats.tlsExpired).toBe(1);
    join.onHttp(httpEvent({ keepalive_n: 2 }));
    clock.advance(2_000);
    join.tick();
    expect(rows.map((r) => r.correlated)).toEqual([true, false]);
  });

  it('keeps a busy connection past the window measured from its handshake', () => {
    const { clock, rows, join } = setup();
    join.onTls(tlsEvent());
    for (let i = 0; i < 10; i++) {
      clock.advance(30_000);
      join.tick();
      join.onHttp(httpEvent({ keepalive_n: i + 1 }));
    }
    expect(rows.every((r) => r.correlated)).toBe(true);
    expect(join.connections).toBe(1);
  });

  it('counts a handshake that served nothing as an orphan when it expires', () => {
    const { clock, join } = setup();
    join.onTls(tlsEvent());
    clock.advance(60_000);
    join.tick();
    expect(join.stats.tlsOrphaned).toBe(1);
    expect(join.connections).toBe(0);
  });

  it('at the connection bound evicts the oldest handshake, counted', () => {
    const { clock, rows, join } = setup({ maxConnections: 16 });
    for (let p = 0; p < 20; p++) join.onTls(tlsEvent({ src_port: 1000 + p }));
    expect(join.connections).toBe(16);
    expect(join.stats.tlsEvicted).toBe(4);
    join.onHttp(httpEvent({ conn_port: 1000 })); // evicted
    join.onHttp(httpEvent({ conn_port: 1019 })); // kept
    clock.advance(2_000);
    join.tick();
    expect(rows.map((r) => [r.conn_port, r.correlated])).toEqual([
      [1019, true],
      [1000, false],
    ]);
  });

  it('at the pending bound emits the oldest waiting request early, counted, and never drops one', () => {
    const { clock, rows, join } = setup({ maxPending: 16 });
    for (let p = 0; p < 20; p++) join.onHttp(httpEvent({ conn_port: 2000 + p }));
    expect(join.pending).toBe(16);
    expect(join.stats.pendingOverflow).toBe(4);
    expect(rows.map((r) => r.conn_port)).toEqual([2000, 2001, 2002, 2003]);
    join.onTls(tlsEvent({ src_port: 2010 }));
    clock.advance(2_000);
    join.tick();
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.conn_port)).size).toBe(20);
    expect(rows.find((r) => r.conn_port === 2010)?.correlated).toBe(true);
  });

  it('joins several waiting keep-alive requests to one late handshake, in order', () => {
    const { rows, join } = setup();
    join.onHttp(httpEvent({ keepalive_n: 1 }));
    join.onHttp(httpEvent({ keepalive_n: 2 }));
    join.onTls(tlsEvent());
    expect(rows.map((r) => [r.keepalive_n, r.correlated])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('drain() emits every waiting request without fingerprints (shutdown)', () => {
    const { rows, join } = setup();
    join.onHttp(httpEvent({ conn_port: 1 }));
    join.onHttp(httpEvent({ conn_port: 2 }));
    join.drain();
    expect(rows.map((r) => r.correlated)).toEqual([false, false]);
    expect(join.stats.drainedAtClose).toBe(2);
    expect(join.pending).toBe(0);
  });

  it('emits each request exactly once across a mixed run', () => {
    const { clock, rows, join } = setup({ maxPending: 32, maxConnections: 64 });
    let requests = 0;
    for (let i = 0; i < 500; i++) {
      const port = 3000 + (i % 97);
      if (i % 3 === 0) join.onTls(tlsEvent({ src_port: port }));
      join.onHttp(httpEvent({ conn_port: port, conn_id: `c${i}`, tls: i % 11 !== 0 }));
      requests++;
      clock.advance(137);
      if (i % 5 === 0) join.tick();
    }
    join.drain();
    expect(rows).toHaveLength(requests);
    expect(new Set(rows.map((r) => r.conn_id)).size).toBe(requests);
  });
});
