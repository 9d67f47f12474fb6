import type { CorrelatedRow } from '../common/events/correlated-row.js';
import type { Rng } from '../common/prng.js';
import { TCP_SIGNATURES } from './client-profiles.js';
import { buildHeaders } from './http-headers.js';
import { SERVER_IP, type SessionScript } from './seed-sessions.js';

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

/**
 * Turns a session script into the correlated rows the correlator would have written: requests
 * grouped into connections (keep-alive within KEEPALIVE_TIMEOUT_MS for clients that keep alive),
 * one ClientHello per connection (a Chrome connection picks one of Chrome's real extension
 * orders), the client's SYN on every connection, and headers in the client's own order.
 */
export function sessionRows(input: SessionRowsInput, rng: Rng): CorrelatedRow[] {
  const { script, sessionId } = input;
  const { client } = script;
  const tls = client.tls;
  const tcp = TCP_SIGNATURES[client.tcp];
  const h2 = tls !== null && tls.alpn[0] === 'h2' && client.headers !== 'go';
  const pid = rng.pick(WORKER_PIDS);
  const rows: CorrelatedRow[] = [];
  let ts = input.startUs;
  let connIndex = -1;
  let keepaliveN = 0;
  let port = rng.int(tcp.ports[0], tcp.ports[1]);
  let handshakeUs = 0;
  let variant = tls?.variants[0];
  for (const [i, it] of script.intents.entries()) {
    ts += it.gapMs * 1000;
    const newConnection = i === 0 || !client.keepAlive || it.gapMs > KEEPALIVE_TIMEOUT_MS;
    if (newConnection) {
      connIndex++;
      keepaliveN = 0;
      // Windows hands out ephemeral ports sequentially; Linux and macOS pick them at random.
      port =
        client.tcp === 'windows' && i > 0
          ? tcp.ports[0] + ((port - tcp.ports[0] + rng.int(1, 4)) % (tcp.ports[1] - tcp.ports[0]))
          : rng.int(tcp.ports[0], tcp.ports[1]);
      handshakeUs = ts - rng.int(8_000, 90_000);
      if (tls) variant = rng.pick(tls.variants);
    }
    keepaliveN++;
    const headers = buildHeaders(client.headers, it.kind, {
      userAgent: client.userAgent,
      language: script.language,
      referer: it.referer,
      cookie:
        i > 0 && (client.headers === 'chrome' || client.headers === 'firefox' || client.headers === 'safari'),
      contentLength: it.contentLength,
      h2,
    });
    rows.push({
      ts_us: ts,
      vhost: script.host,
      host: script.host,
      method: it.method,
      path: it.path,
      query: it.query,
      protocol: h2 ? 'HTTP/2.0' : 'HTTP/1.1',
      status: it.status,
      bytes_sent: it.bytes,
      duration_us: it.durationUs,
      client_ip: input.clientIp,
      conn_ip: input.clientIp,
      conn_port: port,
      local_ip: SERVER_IP,
      local_port: tls ? 443 : 80,
      conn_id: `${pid}-${sessionId * 256 + (connIndex % 256)}`,
      keepalive_n: keepaliveN,
      tls: tls !== null,
      tls_protocol: tls?.tls_protocol ?? '',
      tls_cipher: tls?.tls_cipher ?? '',
      ...headers,
      header_count: headers.header_names.length,
      extra_headers: {},
      truncated: [],
      correlated: tls !== null,
      tls_ts_us: tls ? handshakeUs : null,
      transport: tls ? 'tcp' : '',
      ja4: tls?.ja4 ?? '',
      ja4_r: tls?.ja4_r ?? '',
      ja4_o: variant && tls ? variant.ja4_o : '',
      ja4_ro: variant && tls ? variant.ja4_ro : '',
      ja3: variant && tls ? variant.ja3 : '',
      ja3_full: variant && tls ? variant.ja3_full : '',
      sni: tls && script.host !== SERVER_IP ? script.host : '',
      alpn: tls ? [...tls.alpn] : [],
      tls_version: tls?.tls_version ?? '',
      proxy_client_ip: '',
      tcp_window: tls ? tcp.window : null,
      tcp_mss: tls ? tcp.mss : null,
      tcp_wscale: tls ? tcp.wscale : null,
      tcp_ttl: tls ? Math.max(1, tcp.initialTtl - input.hops) : null,
      tcp_options: tls ? tcp.options : '',
      tcp_sack: tls ? tcp.sack : null,
      tcp_timestamps: tls ? tcp.timestamps : null,
    });
  }
  return rows;
}
