/**
 * A UNIX stream socket server that collects newline-delimited lines, like the correlator's
 * http.socket listener, with a switch to stop reading (a stalled reader) for back-pressure tests.
 */
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';

export interface LineSink {
  path: string;
  /** Complete lines received so far, in arrival order per connection. */
  lines: string[];
  /** Bytes after the last newline of each closed connection (a broken line if non-empty). */
  tails: Buffer[];
  /** Lines that were not well-formed UTF-8, as received. */
  invalidUtf8: Buffer[];
  connections: number;
  /** Stop reading: the kernel buffers fill and the writer sees EAGAIN. */
  stall(): void;
  resume(): void;
  /** Resolves with the first line (already received or future) that satisfies `pred`. */
  waitFor(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function createLineSink(path: string): Promise<LineSink> {
  rmSync(path, { force: true });
  const sockets = new Set<net.Socket>();
  let stalled = false;
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  const sink: LineSink = {
    path,
    lines: [],
    tails: [],
    invalidUtf8: [],
    connections: 0,
    stall() {
      stalled = true;
      for (const s of sockets) s.pause();
    },
    resume() {
      stalled = false;
      for (const s of sockets) s.resume();
    },
    waitFor(pred, timeoutMs = 10_000) {
      const found = sink.lines.find(pred);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no matching line within ${timeoutMs} ms (${sink.lines.length} lines)`));
          }
        }, timeoutMs).unref();
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(path, { force: true });
    },
  };
  const server = net.createServer((sock) => {
    sink.connections++;
    sockets.add(sock);
    if (stalled) sock.pause();
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let nl = buf.indexOf(0x0a);
      while (nl >= 0) {
        const bytes = buf.subarray(0, nl);
        buf = buf.subarray(nl + 1);
        let line: string;
        try {
          line = utf8.decode(bytes);
        } catch {
          sink.invalidUtf8.push(Buffer.from(bytes));
          nl = buf.indexOf(0x0a);
          continue;
        }
        sink.lines.push(line);
        for (const w of [...waiters]) {
          if (w.pred(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
        nl = buf.indexOf(0x0a);
      }
    });
    sock.on('close', () => {
      sockets.delete(sock);
      if (buf.length) sink.tails.push(Buffer.from(buf));
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  // httpd's children run as an unprivileged user when the tests run as root.
  chmodSync(path, 0o777);
  return sink;
}
