import type { CorrelatedRow, HttpEvent, TlsEvent } from '../../common/events/index.js';

/**
 * One output row: the HTTP event (without `type`) plus the fingerprints of its connection's
 * handshake, or empty TLS/TCP fields when there is none (correlatedRowSchema).
 *
 * The row is built as JSON text in two parts: the request's own fields, and the handshake's
 * fields, which are serialised once per connection and reused for every keep-alive request on it
 * (`tlsFragment`). Serialising is the join's main cost; the handshake half is about 40% of a row,
 * and the request half can reuse the received line (see HTTP_PREFIX).
 */
export function rowLine(h: HttpEvent, tlsFragment: string, raw?: string): string {
  if (raw?.startsWith(HTTP_PREFIX) && raw.charCodeAt(raw.length - 1) === CLOSE_BRACE) {
    return `{${raw.slice(HTTP_PREFIX.length, -1)},${tlsFragment}}`;
  }
  const json = JSON.stringify(httpPart(h));
  return `${json.slice(0, -1)},${tlsFragment}}`;
}

/**
 * How mod_reqin_log opens every line. When the received line starts with it, the request half of
 * the row is the producer's own bytes minus this prefix: the line has already passed JSON.parse and
 * the strict schema, so it is one JSON object with exactly the schema's keys, and re-serialising it
 * would only cost time. (A producer repeating a key would have the join see the last value and
 * ClickHouse possibly the first; ours never repeat keys.) Other lines are serialised from the event.
 */
const HTTP_PREFIX = '{"type":"http",';
const CLOSE_BRACE = 0x7d;

/** The handshake half of a row: `"correlated":…,"tls_ts_us":…,…` without braces. */
export function tlsFragment(t: TlsEvent | undefined): string {
  const json = JSON.stringify(tlsPart(t));
  return json.slice(1, -1);
}

/** The handshake half of a request with no handshake (plain HTTP, late, overflow). */
export const NO_TLS_FRAGMENT = tlsFragment(undefined);

/** The same row as an object (tests, and callers that want the value rather than the line). */
export function buildRow(h: HttpEvent, t: TlsEvent | undefined): CorrelatedRow {
  return { ...httpPart(h), ...tlsPart(t) };
}

/**
 * An explicit literal, not a spread: every request then has one object shape, which keeps
 * JSON.stringify on V8's fast path.
 */
function httpPart(h: HttpEvent) {
  return {
    ts_us: h.ts_us,
    vhost: h.vhost,
    host: h.host,
    method: h.method,
    path: h.path,
    query: h.query,
    protocol: h.protocol,
    status: h.status,
    bytes_sent: h.bytes_sent,
    duration_us: h.duration_us,
    client_ip: h.client_ip,
    conn_ip: h.conn_ip,
    conn_port: h.conn_port,
    local_ip: h.local_ip,
    local_port: h.local_port,
    conn_id: h.conn_id,
    keepalive_n: h.keepalive_n,
    // Absent from older producers: undefined keys are left out of the JSON.
    conn_start_us: h.conn_start_us,
    conn_isn: h.conn_isn,
    tls: h.tls,
    tls_protocol: h.tls_protocol,
    tls_cipher: h.tls_cipher,
    user_agent: h.user_agent,
    referer: h.referer,
    accept: h.accept,
    accept_language: h.accept_language,
    accept_encoding: h.accept_encoding,
    content_type: h.content_type,
    content_length: h.content_length,
    header_names: h.header_names,
    header_count: h.header_count,
    extra_headers: h.extra_headers,
    truncated: h.truncated,
  };
}

function tlsPart(t: TlsEvent | undefined) {
  const syn = t?.syn ?? null;
  return {
    correlated: t !== undefined,
    tls_ts_us: t ? t.ts_us : null,
    transport: t ? t.transport : ('' as const),
    ja4: t ? t.ja4 : '',
    ja4_r: t ? t.ja4_r : '',
    ja4_o: t ? t.ja4_o : '',
    ja4_ro: t ? t.ja4_ro : '',
    ja3: t ? t.ja3 : '',
    ja3_full: t ? t.ja3_full : '',
    sni: t ? (t.sni ?? '') : '',
    alpn: t ? t.alpn : [],
    tls_version: t ? t.tls_version : '',
    proxy_client_ip: t ? (t.proxy_client_ip ?? '') : '',
    tcp_window: syn ? syn.window : null,
    tcp_mss: syn ? syn.mss : null,
    tcp_wscale: syn ? syn.wscale : null,
    tcp_ttl: syn ? syn.ttl : null,
    tcp_options: syn ? syn.options : '',
    tcp_sack: syn ? syn.sack : null,
    tcp_timestamps: syn ? syn.timestamps : null,
  };
}
