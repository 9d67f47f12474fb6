/**
 * Loopback HTTP(S) requests that report the client socket's local port (the server's conn_port),
 * plus raw requests for header bytes Node's HTTP client refuses to send.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type tls from 'node:tls';
import { fetchModuleStatus, parseModuleCounters } from '../../appliance/web-host/index.js';

export interface Reply {
  status: number;
  body: string;
  /** The client socket's local port, i.e. the peer port the server saw. */
  localPort: number;
  tlsProtocol?: string;
  tlsCipher?: string;
}

export interface GetOptions {
  port: number;
  path: string;
  /** GET unless given (HEAD: no body). */
  method?: string;
  headers?: Record<string, string>;
  tls?: boolean;
  /** A keep-alive agent to reuse one connection across calls. */
  agent?: http.Agent;
}

export function get(o: GetOptions): Promise<Reply> {
  const lib = o.tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        host: '127.0.0.1',
        port: o.port,
        path: o.path,
        method: o.method ?? 'GET',
        headers: o.headers,
        agent: o.agent,
        rejectUnauthorized: false,
      },
      (res) => {
        const sock = res.socket as tls.TLSSocket;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            localPort: sock.localPort ?? 0,
            tlsProtocol: o.tls ? (sock.getProtocol() ?? undefined) : undefined,
            tlsCipher: o.tls ? sock.getCipher()?.name : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends `head` (request line and headers, CRLF-separated, without the final blank line) as bytes. */
export function rawRequest(port: number, head: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let localPort = 0;
    const sock = net.connect(port, '127.0.0.1', () => {
      localPort = sock.localPort ?? 0;
      sock.write(Buffer.concat([head, Buffer.from('\r\nConnection: close\r\n\r\n')]));
    });
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(text.split(' ')[1] ?? 0), body: text, localPort });
    });
  });
}

export const keepAliveAgent = (): http.Agent => new http.Agent({ keepAlive: true, maxSockets: 1 });

/** mod_reqin_log's status page (`SetHandler reqin-log-status` at /reqin-status) as name → count. */
export async function reqinCounters(port: number): Promise<Record<string, number>> {
  return parseModuleCounters(await fetchModuleStatus(port));
}
