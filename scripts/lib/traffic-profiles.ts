import type { SecureVersion } from 'node:tls';

/**
 * TLS client profiles the traffic generator connects with: node `tls.connect` options that change
 * what goes into the ClientHello (cipher order, ALPN, versions, groups, signature algorithms), so
 * the sentinel sees several distinct JA4s from one generator. The e2e test computes the expected
 * JA4s by opening a connection with each profile's `options` and reading the ClientHello.
 * OpenSSL 3 is underneath, so these resemble the named clients in shape, not byte for byte.
 */
export interface TrafficTlsProfile {
  id: string;
  /** Who uses it in the generated traffic. */
  role: 'human' | 'bot';
  /** A User-Agent consistent with the profile's shape. */
  userAgent: string;
  options: {
    ciphers?: string;
    ALPNProtocols?: string[];
    minVersion?: SecureVersion;
    maxVersion?: SecureVersion;
    ecdhCurve?: string;
    sigalgs?: string;
  };
}

const CHROME_SIGALGS =
  'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256:ecdsa_secp384r1_sha384:rsa_pss_rsae_sha384:rsa_pkcs1_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha512';

export const TRAFFIC_TLS_PROFILES: readonly TrafficTlsProfile[] = [
  {
    id: 'chrome-like',
    role: 'human',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36',
    options: {
      ciphers:
        'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA',
      ALPNProtocols: ['h2', 'http/1.1'],
      ecdhCurve: 'X25519:P-256:P-384',
      sigalgs: CHROME_SIGALGS,
    },
  },
  {
    id: 'firefox-like',
    role: 'human',
    userAgent: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0',
    options: {
      ciphers:
        'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA',
      ALPNProtocols: ['h2', 'http/1.1'],
      ecdhCurve: 'X25519:P-256:P-384:P-521',
      sigalgs:
        'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512:rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512',
    },
  },
  {
    id: 'safari-like',
    role: 'human',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15',
    options: {
      ciphers:
        'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA',
      ALPNProtocols: ['h2', 'http/1.1'],
      ecdhCurve: 'X25519:P-256:P-384:P-521',
      sigalgs:
        'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256:ecdsa_secp384r1_sha384:rsa_pss_rsae_sha384:rsa_pkcs1_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha512:rsa_pkcs1_sha1',
    },
  },
  {
    // Node's own defaults (OpenSSL 3), offering HTTP/1.1 only.
    id: 'node-default',
    role: 'bot',
    userAgent: 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
    options: { ALPNProtocols: ['http/1.1'] },
  },
  {
    id: 'go-like',
    role: 'bot',
    userAgent: 'Go-http-client/1.1',
    options: {
      ciphers:
        'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA',
      ecdhCurve: 'X25519:P-256:P-384:P-521',
      sigalgs:
        'rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256:ed25519:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512',
    },
  },
  {
    id: 'python-like',
    role: 'bot',
    userAgent: 'python-requests/2.31.0',
    options: {
      ciphers:
        'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:ECDH+AESGCM:DH+AESGCM:ECDH+AES:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!eNULL:!MD5:!DSS',
      ALPNProtocols: ['http/1.1'],
      minVersion: 'TLSv1.2',
    },
  },
  {
    id: 'tls12-legacy',
    role: 'bot',
    userAgent: 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
    options: {
      maxVersion: 'TLSv1.2',
      ciphers:
        'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA:AES128-SHA',
      ecdhCurve: 'P-256:P-384',
    },
  },
  {
    id: 'curl-like',
    role: 'bot',
    userAgent: 'curl/7.88.1',
    options: { ALPNProtocols: ['h2', 'http/1.1'], ecdhCurve: 'X25519:P-256:X448:P-521:P-384' },
  },
];
