import type { CorrelatedRow } from '../common/events/correlated-row.js';
import type { Rng } from '../common/prng.js';
import { TCP_SIGNATURES, type TcpSignature } from './client-profiles.js';
import { buildHeaders } from './http-headers.js';
import { type RequestIntent, SERVER_IP, type SessionClient, type SessionScript } from './seed-sessions.js';
import type { TlsFingerprint, TlsVariant } from './tls-fingerprints.js';

/** Apache's default KeepAliveTimeout: a longer pause means a new connection and handshake. */
export const KEEPALIVE_TIMEOUT_MS = 5_000;
/** Apache worker pids the seeded conn_ids name (mod_reqin_log: "<pid>-<connection id>"). */
const WORKER_PIDS = [21_804, 21_805, 21_806, 21_807];

export interface SessionRowsInput {
  sessionId: number;
  clientIp: string;
  startUs: number;
  /** Routers between the client and the server: the sentinel sees initialTtl − hops. */
  hops: number;
  script: SessionScript;
}

/** What every row of one session shares. */
interface SessionContext {
  input: SessionRowsInput;
  tcp: TcpSignature;
  /** The client speaks HTTP/2: h2 first in its ALPN, and not the Go style (Go-http-client/1.1). */
  h2: boolean;
  /** The Apache worker serving the session's connections. */
  pid: number;
}

/** The connection a request arrives on. */
interface Connection {
  index: number;
  /** Requests so far on this connection, this one included (mod_reqin_log's keepalive_n). */
  keepaliveN: number;
  port: number;
  /** When the ClientHello was seen, µs since the epoch. */
  handshakeUs: number;
  /** The ClientHello this connection sent (one of the client's real extension orders). */
  variant: TlsVariant | undefined;
}

/**
 * Turns a session script into the correlated rows the correlator would have written: requests
 * grouped into connections (keep-alive within KEEPALIVE_TIMEOUT_MS for clients that keep alive),
 * one ClientHello per connection (a Chrome connection picks one of Chrome's real extension
 * orders), the client's SYN on every connection, and headers in the client's own order.
 */
export function sessionRows(input: SessionRowsInput, rng: Rng): CorrelatedRow[] {
  const { client } = input.script;
  const tls = client.tls;
  const tcp = TCP_SIGNATURES[client.tcp];
  const h2 = tls !== null && tls.alpn[0] === 'h2' && client.headers !== 'go';
  const session: SessionContext = { input, tcp, h2, pid: rng.pick(WORKER_PIDS) };
  const conn: Connection = {
    index: -1,
    keepaliveN: 0,
    port: rng.int(tcp.ports[0], tcp.ports[1]),
    handshakeUs: 0,
    variant: tls?.variants[0],
  };
  const rows: CorrelatedRow[] = [];
  let ts = input.startUs;
  for (const [i, it] of input.script.intents.entries()) {
    ts += it.gapMs * 1000;
    if (i === 0 || !client.keepAlive || it.gapMs > KEEPALIVE_TIMEOUT_MS)
      openConnection(conn, client, tcp, i, ts, rng);
    conn.keepaliveN++;
    rows.push(requestRow(session, conn, i, it, ts));
  }
  return rows;
}

/** A new connection for the i-th request: a fresh source port, handshake and ClientHello. */
function openConnection(
  conn: Connection,
  client: SessionClient,
  tcp: TcpSignature,
  i: number,
  ts: number,
  rng: Rng,
): void {
  conn.index++;
  conn.keepaliveN = 0;
  // Windows hands out ephemeral ports sequentially; Linux and macOS pick them at random.
  conn.port =
    client.tcp === 'windows' && i > 0
      ? tcp.ports[0] + ((conn.port - tcp.ports[0] + rng.int(1, 4)) % (tcp.ports[1] - tcp.ports[0]))
      : rng.int(tcp.ports[0], tcp.ports[1]);
  conn.handshakeUs = ts - rng.int(8_000, 90_000);
  if (client.tls) conn.variant = rng.pick(client.tls.variants);
}

/** One row, its parts in the correlated row's column order. */
function requestRow(
  session: SessionContext,
  conn: Connection,
  i: number,
  it: RequestIntent,
  ts: number,
): CorrelatedRow {
  const { input, tcp } = session;
  const { script } = input;
  const tls = script.client.tls;
  return {
    ...requestPart(script.host, it, ts, session.h2),
    ...connectionPart(session, conn, tls !== null),
    ...apacheTlsPart(tls),
    ...headersPart(script, it, i, session.h2),
    ...fingerprintPart(tls, conn, script.host),
    proxy_client_ip: '',
    ...synPart(tls !== null, tcp, input.hops),
  };
}

/** What Apache logs of the request itself. */
function requestPart(host: string, it: RequestIntent, ts: number, h2: boolean) {
  return {
    ts_us: ts,
    vhost: host,
    host,
    method: it.method,
    path: it.path,
    query: it.query,
    protocol: h2 ? 'HTTP/2.0' : 'HTTP/1.1',
    status: it.status,
    bytes_sent: it.bytes,
    duration_us: it.durationUs,
  };
}

/** The connection's addresses and mod_reqin_log's "<pid>-<connection id>" and keep-alive count. */
function connectionPart(session: SessionContext, conn: Connection, tls: boolean) {
  const { clientIp, sessionId } = session.input;
  return {
    client_ip: clientIp,
    conn_ip: clientIp,
    conn_port: conn.port,
    local_ip: SERVER_IP,
    local_port: tls ? 443 : 80,
    conn_id: `${session.pid}-${sessionId * 256 + (conn.index % 256)}`,
    keepalive_n: conn.keepaliveN,
  };
}

/** What Apache (mod_ssl) logs of the negotiated TLS session. */
function apacheTlsPart(tls: TlsFingerprint | null) {
  return {
    tls: tls !== null,
    tls_protocol: tls?.tls_protocol ?? '',
    tls_cipher: tls?.tls_cipher ?? '',
  };
}

/** The request's headers in the client's own order; browsers send a cookie after the first page. */
function headersPart(script: SessionScript, it: RequestIntent, i: number, h2: boolean) {
  const { client } = script;
  const headers = buildHeaders(client.headers, it.kind, {
    userAgent: client.userAgent,
    language: script.language,
    referer: it.referer,
    cookie:
      i > 0 && (client.headers === 'chrome' || client.headers === 'firefox' || client.headers === 'safari'),
    contentLength: it.contentLength,
    h2,
  });
  return { ...headers, header_count: headers.header_names.length, extra_headers: {}, truncated: [] };
}

/** The sentinel's side: the ClientHello's fingerprints, joined to the request (plain HTTP has none). */
function fingerprintPart(tls: TlsFingerprint | null, conn: Connection, host: string) {
  const variant = conn.variant;
  return {
    correlated: tls !== null,
    tls_ts_us: tls ? conn.handshakeUs : null,
    transport: tls ? ('tcp' as const) : ('' as const),
    ja4: tls?.ja4 ?? '',
    ja4_r: tls?.ja4_r ?? '',
    ja4_o: variant && tls ? variant.ja4_o : '',
    ja4_ro: variant && tls ? variant.ja4_ro : '',
    ja3: variant && tls ? variant.ja3 : '',
    ja3_full: variant && tls ? variant.ja3_full : '',
    sni: tls && host !== SERVER_IP ? host : '',
    alpn: tls ? [...tls.alpn] : [],
    tls_version: tls?.tls_version ?? '',
  };
}

/** The client's SYN as the sentinel saw it, hops routers later (only joined on TLS connections). */
function synPart(tls: boolean, tcp: TcpSignature, hops: number) {
  return {
    tcp_window: tls ? tcp.window : null,
    tcp_mss: tls ? tcp.mss : null,
    tcp_wscale: tls ? tcp.wscale : null,
    tcp_ttl: tls ? Math.max(1, tcp.initialTtl - hops) : null,
    tcp_options: tls ? tcp.options : '',
    tcp_sack: tls ? tcp.sack : null,
    tcp_timestamps: tls ? tcp.timestamps : null,
  };
}
