/**
 * Real TLS clients for the port-reuse end-to-end test: curl, openssl s_client and Node's TLS, in a
 * few settings each (so their JA4s differ), each making one connection with a given SNI and
 * sending its requests (`/index.html?t=<id>`) over it, keep-alive.
 */
import { spawn } from 'node:child_process';
import https from 'node:https';

export interface ClientKind {
  name: string;
  run(port: number, sni: string, ids: string[]): Promise<void>;
}

const path = (id: string) => `/index.html?t=${id}`;

function exec(cmd: string, args: string[], stdin = ''): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', () => resolve());
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end(stdin);
  });
}

const curl = (name: string, opts: string[]): ClientKind => ({
  name,
  run: (port, sni, ids) =>
    exec('curl', [
      '-sk',
      '--http1.1',
      '--max-time',
      '15',
      '--resolve',
      `${sni}:${port}:127.0.0.1`,
      ...opts,
      ...ids.map((id) => `https://${sni}:${port}${path(id)}`),
    ]),
});

/** s_client sends the requests pipelined; the last asks the server to close, which ends s_client. */
const openssl = (name: string, opts: string[]): ClientKind => ({
  name,
  run: (port, sni, ids) =>
    exec(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', sni, '-quiet', ...opts],
      ids
        .map(
          (id, i) =>
            `GET ${path(id)} HTTP/1.1\r\nHost: ${sni}\r\n${i === ids.length - 1 ? 'Connection: close\r\n' : ''}\r\n`,
        )
        .join(''),
    ),
});

const node = (name: string, tls: https.AgentOptions): ClientKind => ({
  name,
  async run(port, sni, ids) {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ...tls });
    try {
      for (const id of ids) {
        await new Promise<void>((resolve) => {
          const req = https.request(
            { host: '127.0.0.1', port, path: path(id), servername: sni, headers: { host: sni }, agent },
            (res) => {
              res.resume();
              res.on('end', resolve);
            },
          );
          req.on('error', () => resolve());
          req.on('close', () => resolve());
          req.setTimeout(15_000, () => req.destroy());
          req.end();
        });
      }
    } finally {
      agent.destroy();
    }
  },
});

export const CLIENT_KINDS: ClientKind[] = [
  curl('curl-tls1.3', ['--tlsv1.3']),
  curl('curl-tls1.2', ['--tlsv1.2', '--tls-max', '1.2']),
  curl('curl-no-alpn', [
    '--no-alpn',
    '--ciphers',
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384',
  ]),
  openssl('openssl-tls1.3', ['-tls1_3']),
  openssl('openssl-tls1.2', ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384', '-alpn', 'http/1.1']),
  node('node-default', { rejectUnauthorized: false }),
  node('node-tls1.2', {
    rejectUnauthorized: false,
    maxVersion: 'TLSv1.2',
    ciphers: 'ECDHE-ECDSA-AES128-SHA256',
  }),
  node('node-sigalgs', { rejectUnauthorized: false, sigalgs: 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256' }),
];
