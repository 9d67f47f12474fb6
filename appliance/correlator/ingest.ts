import type { HttpEvent, IpFilter, TlsEvent } from '../common/index.js';
import type { ConnectionJoin } from './domain/join.js';
import type { DurableLog } from './durable-log.js';
import type { Clock } from './ports/clock.js';
import type { InputEvent } from './ports/event-source.js';

export interface IngestOptions {
  join: ConnectionJoin;
  log: DurableLog;
  filter: IpFilter;
  clock: Clock;
  /** correlator.grace_ms: the longest a request waits in the join for its handshake. */
  graceMs: number;
  /** How often `tick()` runs. */
  tickMs: number;
  onFiltered(): void;
  /** Seconds from a read's arrival to its lines being in the log (the crash window). */
  onLogged?(seconds: number): void;
}

type Accepted = { tls: TlsEvent } | { http: HttpEvent; raw: string | undefined };

/**
 * From decoded lines to the join, through the log. The lines of one read from a socket are
 * appended to the log as they are decoded and handed to the kernel together (`endOfRead`), and
 * only then joined: a line counts as accepted once it is in the log, and the window in which a
 * line has been read and is not yet logged is the decoding of that one read, at most 64 KiB
 * (timed by ja4_correlator_read_to_log_seconds; README "No loss"). It also tells the log's ledger when every request logged so far has left the join.
 */
export class Ingest {
  private readonly read: Accepted[] = [];
  /** Request lines logged by each tick, to say when their grace has passed. */
  private readonly checkpoints: { lines: number; at: number }[] = [];

  constructor(private readonly opts: IngestOptions) {}

  /** A decoded line: logged (buffered) and kept for the join until the end of the read. */
  event(ev: InputEvent, line: string, exact: boolean): void {
    if (ev.type === 'tls') {
      this.opts.log.input('tls', line);
      this.read.push({ tls: ev });
      return;
    }
    if (!this.opts.filter.keep(ev.client_ip)) {
      this.opts.onFiltered();
      return;
    }
    this.opts.log.input('http', line);
    this.read.push({ http: ev, raw: exact ? line : undefined });
  }

  /** The end of one read: the lines go to the kernel (the log), then to the join. */
  endOfRead(readAt?: number): void {
    if (this.read.length === 0) return;
    this.opts.log.flush();
    if (readAt !== undefined && this.opts.log.logsInput)
      this.opts.onLogged?.((performance.now() - readAt) / 1000);
    const { join } = this.opts;
    for (const a of this.read) {
      if ('tls' in a) join.onTls(a.tls);
      else join.onHttp(a.http, a.raw);
    }
    this.read.length = 0;
    this.noteEmitted();
  }

  /** A line from an earlier run's log: straight to the join (it is in the log already). */
  replay(ev: InputEvent, line: string, exact: boolean): void {
    if (ev.type === 'tls') this.opts.join.onTls(ev);
    else this.opts.join.onHttp(ev, exact ? line : undefined);
    this.noteEmitted();
  }

  /**
   * Expires waiting requests and tells the ledger how far the requests have left the join: all
   * of them when none waits, else those logged at least one grace period (and a tick) ago, since
   * the join emits every request within its grace period.
   */
  tick(): void {
    const { join, clock, log, graceMs, tickMs } = this.opts;
    join.tick();
    const now = clock.now();
    this.checkpoints.push({ lines: log.ledger.requestLines, at: now });
    while (this.checkpoints.length > 0 && this.checkpoints[0].at <= now - graceMs - tickMs) {
      log.ledger.emittedThrough(this.checkpoints.shift()!.lines);
    }
    this.noteEmitted();
  }

  /** Shutdown: every waiting request leaves the join (without fingerprints). */
  drain(): void {
    this.opts.join.drain();
    this.opts.log.ledger.emittedThrough(this.opts.log.ledger.requestLines);
  }

  private noteEmitted(): void {
    if (this.opts.join.pending === 0) this.opts.log.ledger.emittedThrough(this.opts.log.ledger.requestLines);
  }
}
