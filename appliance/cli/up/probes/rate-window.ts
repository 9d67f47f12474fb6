/**
 * Counters sampled over time, turned into rates over a sliding window, and the time each one
 * last grew (kept beyond the window: "last event 5 min ago").
 */
export class RateWindow {
  private readonly samples: { at: number; values: Record<string, number> }[] = [];
  private readonly grewAt = new Map<string, number>();

  constructor(private readonly spanMs = 20_000) {}

  add(at: number, values: Record<string, number>): void {
    const last = this.samples[this.samples.length - 1];
    for (const [k, v] of Object.entries(values)) {
      if (last && v > (last.values[k] ?? 0)) this.grewAt.set(k, at);
    }
    this.samples.push({ at, values });
    // Keep one sample at or beyond the span, so a rate always covers a whole window once it can.
    while (this.samples.length > 2 && at - this.samples[1].at >= this.spanMs) this.samples.shift();
  }

  latest(): Record<string, number> | undefined {
    return this.samples[this.samples.length - 1]?.values;
  }

  /** Per second over the window; null until two samples at least a second apart exist. */
  rate(key: string): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 1000) return null;
    return Math.max(0, (last.values[key] ?? 0) - (first.values[key] ?? 0)) / ((last.at - first.at) / 1000);
  }

  /** How much `key` grew over the window (0 with fewer than two samples). */
  growth(key: string): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || first === last) return 0;
    return Math.max(0, (last.values[key] ?? 0) - (first.values[key] ?? 0));
  }

  /** When `key` last grew between two samples (ms since the epoch), or null. */
  lastGrowth(key: string): number | null {
    return this.grewAt.get(key) ?? null;
  }

  /** The window actually covered, in seconds (for "in the last 20 s"). */
  seconds(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    return first && last ? Math.round((last.at - first.at) / 1000) : 0;
  }
}
