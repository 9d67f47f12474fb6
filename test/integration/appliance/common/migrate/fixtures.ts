import { type CorrelatedRow, correlatedRowSchema } from '../../../../../appliance/common/events/index.js';

/**
 * A hand-made hour of traffic with known answers (see pipeline.test.ts): which dictionary entry
 * each address and fingerprint hits is noted beside it.
 */
export const PYTHON = 't13d181000_85036bcba153_d41ae481755e'; // bot_ja4.csv: python-requests
export const CHROME = 't13d1516h2_8daaf6152771_02713d6af862'; // not a bot
export const GO = 't13d190900_9dc949149365_97f8aa674fd9'; // bot_ja4.csv: go-http-client
export const TOR_IP = '185.220.101.4'; // bot_ip.csv tor_exit; ip_asn 185.220.100.0/22 -> AS205100 (tor)
export const OVH_IP = '91.121.10.20'; // ip_asn 91.121.0.0/16 -> AS16276 (hosting)
export const HETZNER_IP6 = '2a01:4f8::1'; // ip_asn 2a01:4f8::/32 -> AS24940 (hosting)
/** Two whole hours ago, so every row falls in one known hour and inside every TTL. */
export const HOUR_S = Math.floor(Date.now() / 3_600_000) * 3600 - 7200;
export const hourText = (s: number) => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');

export function request(over: Partial<CorrelatedRow> & { at: number }): string {
  const { at, ...rest } = over;
  const row: CorrelatedRow = {
    ts_us: (HOUR_S + at) * 1_000_000,
    vhost: 'shop',
    host: 'shop.example',
    method: 'GET',
    path: '/',
    query: '',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes_sent: 1000,
    duration_us: 2000,
    client_ip: OVH_IP,
    conn_ip: '10.0.0.1',
    conn_port: 40000 + at,
    local_ip: '10.0.0.2',
    local_port: 443,
    conn_id: `1-${at}`,
    keepalive_n: 1,
    tls: true,
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_128_GCM_SHA256',
    user_agent: 'Mozilla/5.0 Chrome/120',
    referer: '',
    accept: '*/*',
    accept_language: 'fr-FR',
    accept_encoding: 'gzip',
    content_type: '',
    content_length: '',
    header_names: ['Host', 'User-Agent'],
    header_count: 12,
    extra_headers: { 'x-request-id': `r${at}` },
    truncated: [],
    correlated: true,
    tls_ts_us: (HOUR_S + at) * 1_000_000 - 500,
    transport: 'tcp',
    ja4: CHROME,
    ja4_r: 'raw',
    ja4_o: 'o',
    ja4_ro: 'ro',
    ja3: '0123456789abcdef0123456789abcdef',
    ja3_full: '771,4865-4866,0-23,29-23,0',
    sni: 'shop.example',
    alpn: ['h2', 'http/1.1'],
    tls_version: '1.3',
    proxy_client_ip: '',
    tcp_window: null,
    tcp_mss: null,
    tcp_wscale: null,
    tcp_ttl: null,
    tcp_options: '',
    tcp_sack: null,
    tcp_timestamps: null,
    ...rest,
  };
  return JSON.stringify(correlatedRowSchema.parse(row));
}

const torSyn = {
  tcp_window: 64240,
  tcp_mss: 1460,
  tcp_wscale: 7,
  tcp_ttl: 64,
  tcp_options: '2-4-8-1-3',
  tcp_sack: true,
  tcp_timestamps: true,
};
const tor = { client_ip: TOR_IP, ja4: PYTHON, alpn: [], user_agent: 'python-requests/2.31.0', ...torSyn };
export const batch1 = [
  request({ at: 60, ...tor, method: 'POST', path: '/wp-login.php', status: 401, header_count: 4 }),
  request({ at: 61, ...tor, method: 'POST', path: '/wp-login.php', status: 401, header_count: 4 }),
];
export const batch2 = [
  request({ at: 62, ...tor, path: '/xmlrpc.php', status: 404, header_count: 6 }),
  request({
    at: 63,
    ...tor,
    path: '/admin/',
    status: 500,
    header_count: 6,
    user_agent: 'Mozilla/5.0 (fake)',
  }),
  request({ at: 100, path: '/' }),
  request({ at: 200, path: '/products' }),
  request({ at: 300, path: '/products', status: 304, header_count: 13 }),
  request({
    at: 3700,
    client_ip: HETZNER_IP6,
    ja4: GO,
    path: '/.env',
    status: 404,
    user_agent: 'Go-http-client/1.1',
    header_count: 3,
  }),
  'not json at all',
];

/** A row of ml_detected_anomalies with neutral defaults (one host, no AS, no labels). */
export function detectedAnomaly(over: Record<string, unknown> & { src_ip: string }): Record<string, unknown> {
  return {
    host: 'shop.example',
    ja4: CHROME,
    score: 0.9,
    threshold: 0.5,
    cycle_id: 'c',
    model_version: 'test',
    requests: 1,
    asn: 0,
    asn_name: '',
    asn_label: '',
    bot_ip_label: '',
    bot_ja4_label: '',
    top_user_agent: '',
    reason: 'r',
    features: {},
    ...over,
  };
}
