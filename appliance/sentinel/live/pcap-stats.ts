/** libpcap's pcap_stats() for one handle, as the patched cap binding returns it (patches/cap+*.patch). */
export interface RawPcapStats {
  ps_recv: number;
  ps_drop: number;
  ps_ifdrop: number;
}

/** Running totals since the handle was opened, safe against the 32-bit wrap of `struct pcap_stat`. */
export interface PcapTotals {
  received: number;
  dropped: number;
  ifdropped: number;
}

/**
 * Polls pcap_stats() every `intervalMs`. The counts in `struct pcap_stat` are cumulative `u_int`s
 * per handle (pcap_stats(3PCAP)) and wrap at 2^32, so totals grow by the unsigned 32-bit delta
 * since the previous poll: correct as long as fewer than 2^32 packets pass between two polls,
 * which the periodic poll guarantees. `poll()` may also be called at scrape time.
 */
export class PcapStatsPoller {
  readonly totals: PcapTotals = { received: 0, dropped: 0, ifdropped: 0 };
  lastError: string | null = null;
  private prev: RawPcapStats = { ps_recv: 0, ps_drop: 0, ps_ifdrop: 0 };
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly read: () => RawPcapStats,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  poll(): void {
    if (this.stopped) return;
    let now: RawPcapStats;
    try {
      now = this.read();
    } catch (err) {
      this.lastError = (err as Error).message;
      this.onError(this.lastError);
      return;
    }
    this.totals.received += (now.ps_recv - this.prev.ps_recv) >>> 0;
    this.totals.dropped += (now.ps_drop - this.prev.ps_drop) >>> 0;
    this.totals.ifdropped += (now.ps_ifdrop - this.prev.ps_ifdrop) >>> 0;
    this.prev = { ps_recv: now.ps_recv, ps_drop: now.ps_drop, ps_ifdrop: now.ps_ifdrop };
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  /** One last poll (call before the handle is closed), then no more. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
    this.stopped = true;
  }
}
