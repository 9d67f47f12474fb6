import { readFileSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { SocketGroupError, SocketInUseError, SocketPathError } from '../errors.js';
import type { EventSource, SourceHandlers } from '../ports/event-source.js';
import { decodeLine, type TimeWindow } from './event-decoder.js';
import { LineFramer } from './line-framer.js';

export interface UnixSocketSourceOptions {
  name: 'http' | 'network';
  path: string;
  /** Octal file mode string from sockets.mode, e.g. "0660". */
  mode: string;
  /** Group name or numeric gid from sockets.group; empty keeps the process group. */
  group: string;
  maxLineBytes: number;
  /**
   * listen(2) backlog: connections the kernel queues before accept. A burst of producers
   * reconnecting at once (every Apache child after a correlator restart) must not find it full;
   * Linux caps it at net.core.somaxconn.
   */
  backlog: number;
  /** Accepted request times, read once per socket read; none: no time check. */
  window?: () => TimeWindow;
}

/**
 * One producer-facing UNIX stream socket (http.socket for mod_reqin_log, network.socket for the
 * sentinel). Any number of producers may connect and reconnect; each connection has its own
 * framer, so a bad or over-long line costs that line only and the connection stays open.
 */
export class UnixSocketSource implements EventSource {
  readonly name: 'http' | 'network';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private paused = false;
  private readonly expected: 'http' | 'tls';

  constructor(private readonly opts: UnixSocketSourceOptions) {
    this.name = opts.name;
    this.expected = opts.name === 'http' ? 'http' : 'tls';
  }

  async start(handlers: SourceHandlers): Promise<void> {
    const { path } = this.opts;
    const gid = this.opts.group === '' ? undefined : resolveGroup(this.opts.group);
    await mkdir(dirname(path), { recursive: true });
    await removeStale(path);
    const server = createServer((socket) => this.accept(socket, handlers));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new SocketPathError(path, err.message)));
      server.listen({ path, backlog: this.opts.backlog }, () => resolve());
    });
    this.server = server;
    try {
      // The web server's user must be able to write: group from sockets.group, mode from sockets.mode.
      if (gid !== undefined) await chown(path, -1, gid);
      await chmod(path, Number.parseInt(this.opts.mode, 8));
    } catch (err) {
      await this.close();
      throw new SocketPathError(path, `setting group/mode: ${(err as Error).message}`);
    }
  }

  pause(): void {
    this.paused = true;
    for (const s of this.sockets) s.pause();
  }

  resume(): void {
    this.paused = false;
    for (const s of this.sockets) s.resume();
  }

  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.end();
    // Give producers' last lines a moment to be read, then cut what is left.
    const timer = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, 200);
    await closed;
    clearTimeout(timer);
    await unlink(this.opts.path).catch(() => undefined);
  }

  private accept(socket: Socket, handlers: SourceHandlers): void {
    this.sockets.add(socket);
    let window: TimeWindow | undefined;
    const framer = new LineFramer(
      this.opts.maxLineBytes,
      (line) => {
        const decoded = decodeLine(line, this.expected, window);
        if (decoded.ok) handlers.event(decoded.event, line, decoded.exact);
        else handlers.bad(decoded.reason, decoded.detail);
      },
      (bytes) => handlers.bad('too_long', `line of ${bytes}+ bytes over ${this.opts.maxLineBytes}`),
    );
    socket.on('data', (chunk: Buffer) => {
      const readAt = performance.now();
      window = this.opts.window?.();
      framer.push(chunk);
      handlers.endOfRead?.(readAt);
    });
    // A producer going away (restart, crash) is routine: forget the connection, keep listening.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    if (this.paused) socket.pause();
  }
}

/** A socket file left by a process that is gone is replaced; one with a live listener is not. */
async function removeStale(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch {
    return; // absent
  }
  if (!isSocket) throw new SocketPathError(path, 'the path exists and is not a socket');
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new SocketInUseError(path);
  await unlink(path);
}

/** Group name (from /etc/group) or numeric gid to a gid. */
export function resolveGroup(group: string, groupFile = '/etc/group'): number {
  if (/^\d+$/.test(group)) return Number(group);
  let text = '';
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch {
    throw new SocketGroupError(group);
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new SocketGroupError(group);
}
