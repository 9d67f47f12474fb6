import type { ReqinStatsEvent } from '../common/index.js';

/** The counters of a stats line that add up across children (README, Every event accounted for). */
export const MODULE_COUNTERS = [
  'built',
  'sent',
  'dropped_no_socket',
  'dropped_would_block',
  'dropped_error',
  'dropped_too_large',
  'dropped_exit',
] as const;
export type ModuleCounter = (typeof MODULE_COUNTERS)[number];

type Counts = Record<ModuleCounter, number>;

const zero = (): Counts => Object.fromEntries(MODULE_COUNTERS.map((k) => [k, 0])) as Counts;

/**
 * mod_reqin_log's stats lines (one per Apache child every ReqinLogStats seconds, and a final one at
 * its exit) summed over children: each child's latest counts, plus those of children it forgot.
 * A child is forgotten after its final line, or, past `maxChildren` remembered, the one heard from
 * least recently; its last counts stay in the sums. Also counts the HTTP events lost between a
 * child and this reader: a stats line says how many events the child queued on the connection
 * before it, and fewer arrived.
 */
export class ModuleCounters {
  private readonly children = new Map<string, Counts>();
  private readonly forgotten = zero();
  /** HTTP events a child queued on a connection that never arrived on it. */
  missing = 0;
  /** Stats lines read. */
  lines = 0;

  constructor(private readonly maxChildren = 4096) {}

  /** A stats line, and the HTTP event lines received on its connection before it. */
  onStats(ev: ReqinStatsEvent, receivedOnConnection: number): void {
    this.lines++;
    if (ev.conn_lines > receivedOnConnection) this.missing += ev.conn_lines - receivedOnConnection;
    const key = `${ev.pid}-${ev.child_start_us}`;
    const counts = zero();
    for (const k of MODULE_COUNTERS) counts[k] = ev[k];
    this.children.delete(key); // re-inserted last: the map's order is least recently heard first
    if (ev.final) this.forget(counts);
    else this.children.set(key, counts);
    while (this.children.size > this.maxChildren) {
      const [oldest, c] = this.children.entries().next().value as [string, Counts];
      this.children.delete(oldest);
      this.forget(c);
    }
  }

  /** Children heard from and not yet gone. */
  get live(): number {
    return this.children.size;
  }

  /** Each counter summed over every child heard from. */
  totals(): Counts {
    const t = { ...this.forgotten };
    for (const c of this.children.values()) for (const k of MODULE_COUNTERS) t[k] += c[k];
    return t;
  }

  private forget(c: Counts): void {
    for (const k of MODULE_COUNTERS) this.forgotten[k] += c[k];
  }
}
