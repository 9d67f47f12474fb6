/**
 * One well-formed event of each kind, as mod_reqin_log and the sentinel write them, for the
 * correlator's tests and its benchmark: override the fields a case is about.
 */
import type { HttpEvent, TlsEvent } from '../../appliance/common/index.js';

/** Recent (the schema's TTLs drop old rows at insert) and fixed for the whole process. */
const NOW_US = Date.now() * 1000;

/** A request as mod_reqin_log writes it (fields per httpEventSchema). */
export function httpEvent(over: Partial<HttpEvent> = {}): HttpEvent {
  return {
    type: 'http',
    ts_us: NOW_US,
    vhost: 'www.example.test',
    host: 'www.example.test',
    method: 'GET',
    path: '/index.html',
    query: '',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes_sent: 512,
    duration_us: 850,
    client_ip: '198.51.100.7',
    conn_ip: '198.51.100.7',
    conn_port: 50123,
    local_ip: '192.0.2.10',
    local_port: 443,
    conn_id: '4242-1',
    keepalive_n: 1,
    tls: true,
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_128_GCM_SHA256',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    referer: '',
    accept: 'text/html',
    accept_language: 'en-GB',
    accept_encoding: 'gzip, br',
    content_type: '',
    content_length: '',
    header_names: ['Host', 'User-Agent', 'Accept', 'Accept-Language', 'Accept-Encoding'],
    header_count: 5,
    extra_headers: {},
    truncated: [],
    ...over,
  };
}

/** A ClientHello as the sentinel writes it (fields per tlsEventSchema). */
export function tlsEvent(over: Partial<TlsEvent> = {}): TlsEvent {
  return {
    type: 'tls',
    ts_us: NOW_US - 10_000,
    src_ip: '198.51.100.7',
    src_port: 50123,
    dst_ip: '192.0.2.10',
    dst_port: 443,
    transport: 'tcp',
    ja4: 't13d1516h2_8daaf6152771_02713d6af862',
    ja4_r: 't13d1516h2_002f,0035_0005,000a_0403,0804',
    ja4_o: 't13d1516h2_acb858a92679_4b2ba4ae6f4d',
    ja4_ro: 't13d1516h2_1301,1302_0000,0017_0403,0804',
    ja3: 'cd08e31494f9531f560d64c695473da9',
    ja3_full: '771,4865-4866,0-23,29-23,0',
    sni: 'www.example.test',
    alpn: ['h2', 'http/1.1'],
    tls_version: '1.3',
    proxy_client_ip: null,
    proxy_client_port: null,
    syn: { window: 64240, mss: 1460, wscale: 7, ttl: 64, options: '2-4-8-1-3', sack: true, timestamps: true },
    ...over,
  };
}
