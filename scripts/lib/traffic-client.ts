import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { isIP } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { PlannedRequest, Visit } from './traffic-plan.js';

/**
 * Sends planned visits over real sockets: each visit opens one TLS connection with its profile's
 * ClientHello options and keeps it for all its requests, over HTTP/2 when the server picks h2 in
 * ALPN and HTTP/1.1 keep-alive otherwise. X-Forwarded-For always carries the visit's address.
 */
export interface RequestResult {
  visit: number;
  scenario: Visit['scenario'];
  profile: string;
  xff: string;
  method: string;
  path: string;
  /** HTTP status, or 0 when the request failed. */
  status: number;
  /** 'h2', 'http/1.1' (ALPN result) or 'plain'. */
  protocol: string;
  error?: string;
}

export interface RunTrafficOptions {
  url: URL;
  concurrency: number;
  /** Multiplies the planned pauses; 0 sends as fast as possible. */
  pace: number;
  /** Accept a self-signed certificate (a local Apache's snakeoil certificate). */
  insecure: boolean;
  ca?: Buffer;
  onResult?: (r: RequestResult) => void;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  ms <= 0 || signal?.aborted
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });

function openTls(visit: Visit, o: RunTrafficOptions): Promise<TLSSocket> {
  const host = o.url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port: Number(o.url.port || 443),
      // SNI carries names only (RFC 6066 §3); an IP target gets none, as browsers do.
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: !o.insecure,
      ca: o.ca,
      ...visit.profile.options,
    });
    socket.setTimeout(30_000, () => socket.destroy(new Error('TLS handshake timed out')));
    socket.once('secureConnect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function h2Request(session: http2.ClientHttp2Session, req: PlannedRequest, xff: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, ':method': req.method, ':path': req.path, 'x-forwarded-for': xff };
    const stream = session.request(headers, { endStream: req.body === undefined });
    let status = 0;
    stream.on('response', (h) => {
      status = Number(h[':status']);
    });
    stream.on('data', () => undefined);
    stream.on('end', () => resolve(status));
    stream.on('error', reject);
    if (req.body !== undefined) stream.end(req.body);
  });
}

function h1Request(
  agent: http.Agent,
  o: RunTrafficOptions,
  req: PlannedRequest,
  xff: string,
): Promise<number> {
  const mod = o.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const r = mod.request(
      {
        host: o.url.hostname.replace(/^\[|\]$/g, ''),
        port: o.url.port || (o.url.protocol === 'https:' ? 443 : 80),
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'x-forwarded-for': xff },
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

async function sendVisit(visit: Visit, o: RunTrafficOptions): Promise<void> {
  const base = { visit: visit.id, scenario: visit.scenario, profile: visit.profile.id, xff: visit.xff };
  const report = (req: PlannedRequest, status: number, protocol: string, error?: string) =>
    o.onResult?.({
      ...base,
      method: req.method,
      path: req.path,
      status,
      protocol,
      ...(error ? { error } : {}),
    });
  let first: TLSSocket | undefined;
  let protocol = 'plain';
  try {
    if (o.url.protocol === 'https:') {
      first = await openTls(visit, o);
      protocol = first.alpnProtocol || 'http/1.1';
    }
  } catch (err) {
    for (const req of visit.requests) report(req, 0, 'none', (err as Error).message);
    return;
  }
  if (first && protocol === 'h2') {
    const socket = first;
    const session = http2.connect(o.url.origin, { createConnection: () => socket });
    session.on('error', () => undefined);
    try {
      for (const req of visit.requests) {
        await sleep(req.delayMs * o.pace, o.signal);
        if (o.signal?.aborted) break;
        try {
          report(req, await h2Request(session, req, visit.xff), protocol);
        } catch (err) {
          report(req, 0, protocol, (err as Error).message);
        }
      }
    } finally {
      await new Promise<void>((r) => session.close(() => r()));
    }
    return;
  }
  // HTTP/1.1 keep-alive: the agent's first socket is the one already handshaken; if the server
  // closes it, the agent reconnects with the same profile (a new ClientHello, as a client would).
  const agentOpts = { keepAlive: true, maxSockets: 1, rejectUnauthorized: !o.insecure, ca: o.ca };
  const agent =
    o.url.protocol === 'https:'
      ? new https.Agent({ ...agentOpts, ...visit.profile.options })
      : new http.Agent(agentOpts);
  if (first) {
    let handed = first as TLSSocket | undefined;
    const original = (
      agent as unknown as { createConnection: (...a: unknown[]) => unknown }
    ).createConnection.bind(agent);
    (agent as unknown as { createConnection: (...a: unknown[]) => unknown }).createConnection = (
      ...args: unknown[]
    ) => {
      const s = handed;
      handed = undefined;
      return s ?? original(...args);
    };
  }
  try {
    for (const req of visit.requests) {
      await sleep(req.delayMs * o.pace, o.signal);
      if (o.signal?.aborted) break;
      try {
        report(req, await h1Request(agent, o, req, visit.xff), protocol);
      } catch (err) {
        report(req, 0, protocol, (err as Error).message);
      }
    }
  } finally {
    agent.destroy();
  }
}

/** Runs the visits with at most `concurrency` in flight; resolves when all are done. */
export async function runTraffic(visits: readonly Visit[], o: RunTrafficOptions): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < visits.length && !o.signal?.aborted) {
      const visit = visits[next++];
      await sendVisit(visit, o);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, visits.length)) }, worker));
}
