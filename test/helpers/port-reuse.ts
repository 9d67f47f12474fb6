/**
 * Pieces of the port-reuse end-to-end test (test/e2e/join-port-reuse.test.ts), all real sockets:
 * - a TCP proxy that carries each client connection to the server from one of a few local ports,
 *   so every connection has one peer address and its ports are reused as soon as they are free
 *   (a TLS pass-through load balancer in front of the web server, as in production);
 * - a line relay between a producer and the correlator that holds each line for a random time,
 *   so ClientHello events reach the correlator after their requests, and a connection's requests
 *   after the next connection's ClientHello (per connection, the lines keep their order).
 */
import net from 'node:net';
import { createRng, type Rng } from '../../appliance/common/prng.js';

export interface ReuseProxy {
  port: number;
  /** Upstream connections made, per local port. */
  readonly perPort: Map<number, number>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Listens on 127.0.0.1; each connection goes to `target` from a free port of `localPorts`. */
export async function startReuseProxy(target: number, localPorts: number[]): Promise<ReuseProxy> {
  const free = [...localPorts];
  const perPort = new Map<number, number>();
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const upstream = async (): Promise<[net.Socket, number]> => {
    for (let attempt = 0; ; attempt++) {
      while (free.length === 0) await sleep(2);
      const localPort = free.shift()!;
      const up = net.connect({ host: '127.0.0.1', port: target, localPort });
      const ok = await new Promise<boolean>((resolve) => {
        up.once('connect', () => resolve(true));
        up.once('error', () => resolve(false));
      });
      if (ok) return [up, localPort];
      up.destroy();
      free.push(localPort); // the 4-tuple still lingers: try another port, or this one a bit later
      if (attempt > 200) throw new Error(`proxy: no local port of ${localPorts.join(',')} usable`);
      await sleep(5);
    }
  };
  const server = net.createServer((client) => {
    track(client);
    client.pause();
    upstream().then(
      ([up, localPort]) => {
        track(up);
        perPort.set(localPort, (perPort.get(localPort) ?? 0) + 1);
        up.on('close', () => {
          free.push(localPort);
          client.destroy();
        });
        // Reset rather than close: a proxy that closed first would hold the port in TIME_WAIT,
        // where Linux refuses the same 4-tuple for a while; the server may close first (then the
        // TIME_WAIT is its own, and it takes a new SYN on the 4-tuple).
        client.on('close', () => up.resetAndDestroy());
        client.pipe(up, { end: false });
        up.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    perPort,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface Relay {
  /** Lines forwarded. */
  readonly forwarded: number;
  close(): Promise<void>;
}

/**
 * A UNIX socket at `listenPath` whose lines go to the UNIX socket `targetPath`, each after
 * `delayMs(line, rng)` ms, but never before an earlier line with the same `orderKey`, and
 * rewritten by `transform` on the way.
 */
export async function startDelayRelay(
  listenPath: string,
  targetPath: string,
  seed: string,
  delayMs: (line: string, rng: Rng) => number,
  orderKey: (line: string) => string = () => '',
  transform: (line: string) => string = (line) => line,
): Promise<Relay> {
  const rng = createRng('relay', seed);
  const out = net.connect(targetPath);
  await new Promise<void>((resolve, reject) => {
    out.once('connect', resolve);
    out.once('error', reject);
  });
  const lastAt = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const conns = new Set<net.Socket>();
  let forwarded = 0;
  const schedule = (line: string) => {
    const key = orderKey(line);
    const at = Math.max(Date.now() + delayMs(line, rng), lastAt.get(key) ?? 0);
    lastAt.set(key, at);
    const t = setTimeout(
      () => {
        timers.delete(t);
        forwarded++;
        out.write(`${transform(line)}\n`);
      },
      Math.max(0, at - Date.now()),
    );
    timers.add(t);
  };
  const server = net.createServer((c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => undefined);
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('utf8');
      let i = buf.indexOf('\n');
      while (i >= 0) {
        schedule(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf('\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(listenPath, () => r()));
  return {
    get forwarded() {
      return forwarded;
    },
    close: async () => {
      // Wait for what is held, so nothing a producer sent is lost.
      while (timers.size > 0) await sleep(20);
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
      await new Promise<void>((r) => out.end(r));
    },
  };
}
