/**
 * Which log segments may be deleted: pure bookkeeping over numbers, no I/O (log-ledger.test.ts).
 *
 * A segment holds input lines (requests and handshakes, in read order) and batches (their rows),
 * and it may go once nothing in it is needed to rebuild what ClickHouse has not confirmed:
 * - every batch recorded in it is confirmed (acknowledged), and
 * - every request line in it has its row in a confirmed batch.
 * The second is known without following each line through the join: `emittedThrough(n)` says
 * that every request line up to the n-th has left the join (it had no one waiting, or the grace
 * period of the last one has passed), and a batch cut after that moment holds all their rows, so
 * its confirmation confirms them. Segments go oldest first, as Vector deletes a data file once
 * every record in it is acknowledged, and the newest segment that could go is kept: its
 * handshake lines are what the request lines just after it join to when they are replayed after
 * a crash. A handshake older than that is lost for joining after a crash, as the whole join
 * table is at any restart.
 */
export class LogLedger {
  /** `keepContext`: keep the newest removable segment for its handshakes (when input lines are logged). */
  constructor(private readonly keepContext = true) {}

  private readonly segments = new Map<number, { lastHttp: number; openBatches: number }>();
  private readonly batchSegment = new Map<string, number>();
  private httpCount = 0;
  private emitted = 0;
  private confirmed = 0;
  /** Batches cut and not yet confirmed, in order, each with the emission watermark at its cut. */
  private readonly inFlight: { id: string; emitted: number }[] = [];

  /** A request line was appended to `segment`; returns its number (1, 2, … across segments). */
  http(segment: number): number {
    this.httpCount++;
    this.entry(segment).lastHttp = this.httpCount;
    return this.httpCount;
  }

  /** A handshake line was appended to `segment`. */
  tls(segment: number): void {
    this.entry(segment).lastHttp = this.httpCount;
  }

  get requestLines(): number {
    return this.httpCount;
  }

  /** Every request line up to the n-th has left the join (its row is in a batch, cut or open). */
  emittedThrough(n: number): void {
    if (n > this.emitted) this.emitted = Math.min(n, this.httpCount);
  }

  /** A batch was cut (its rows are final); `logged`: its record is in `segment`. */
  cut(id: string, segment?: number): void {
    this.inFlight.push({ id, emitted: this.emitted });
    if (segment !== undefined) this.recorded(id, segment);
  }

  /** A batch's record is in `segment` (at its cut, or later when it spilled to the log). */
  recorded(id: string, segment: number): void {
    this.entry(segment).openBatches++;
    this.batchSegment.set(id, segment);
  }

  /** A batch from an earlier run, still unconfirmed, found in `segment` at start. */
  recovered(id: string, segment: number): void {
    this.recorded(id, segment);
  }

  /** The sink confirmed a batch (written, or its refused rows dead-lettered). */
  confirm(id: string): void {
    const seg = this.batchSegment.get(id);
    if (seg !== undefined) {
      this.batchSegment.delete(id);
      const e = this.segments.get(seg);
      if (e) e.openBatches--;
    }
    const i = this.inFlight.findIndex((b) => b.id === id);
    if (i < 0) return;
    // Delivery confirms in order, so the batches cut before this one are confirmed too; the
    // watermark only grows, so the last of them carries the highest.
    const done = this.inFlight.splice(0, i + 1);
    this.confirmed = Math.max(this.confirmed, done[done.length - 1].emitted);
  }

  /** Nothing is cut and unconfirmed and nothing waits to be cut: what has left the join is confirmed. */
  settled(): void {
    if (this.inFlight.length === 0 && this.emitted > this.confirmed) this.confirmed = this.emitted;
  }

  /** Batches recorded in the log and not confirmed yet. */
  get unconfirmedBatches(): number {
    return this.batchSegment.size;
  }

  /** Request lines whose rows ClickHouse has confirmed, counted from the first. */
  get confirmedThrough(): number {
    return this.confirmed;
  }

  /**
   * Sealed segments that may be removed now, oldest first: the prefix of segments whose batches
   * and request lines are all confirmed, less its newest one (kept for its handshakes).
   */
  removable(active: number | undefined): number[] {
    const out: number[] = [];
    for (const seq of [...this.segments.keys()].sort((a, b) => a - b)) {
      const e = this.segments.get(seq)!;
      if (seq === active || e.openBatches > 0 || e.lastHttp > this.confirmed) break;
      out.push(seq);
    }
    if (this.keepContext) out.pop();
    return out;
  }

  /** The segment was removed from disk. */
  forget(seq: number): void {
    this.segments.delete(seq);
  }

  private entry(segment: number) {
    let e = this.segments.get(segment);
    if (!e) {
      e = { lastHttp: 0, openBatches: 0 };
      this.segments.set(segment, e);
    }
    return e;
  }
}
