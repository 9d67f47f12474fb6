/** Bounds shared by the TCP and QUIC flow tables. */
export interface FlowLimits {
  /** Flows tracked at once; past this the oldest flow is dropped. */
  maxFlows: number;
  /** Bytes one flow may buffer while its ClientHello is incomplete. */
  maxFlowBytes: number;
  /** Bytes all flows together may buffer. */
  maxTotalBytes: number;
  /** A flow unseen for this long (capture time, µs) is dropped. */
  idleUs: number;
}

export const DEFAULT_LIMITS: FlowLimits = {
  maxFlows: 100_000,
  maxFlowBytes: 65_536,
  maxTotalBytes: 256 * 1024 * 1024,
  idleUs: 30_000_000,
};

export interface FlowBase {
  lastUs: number;
  /** Bytes this flow holds in buffers (counted against maxTotalBytes). */
  bytes: number;
  /** True when dropping this flow loses a ClientHello in progress. */
  pending: boolean;
}

/**
 * A Map in insertion order with count, byte and idle bounds. Eviction takes the oldest-created
 * flows first (cheap, and close to LRU for handshakes that last milliseconds).
 */
export class BoundedFlows<F extends FlowBase> {
  readonly map = new Map<string, F>();
  totalBytes = 0;
  private lastSweepUs = 0;

  constructor(
    readonly limits: FlowLimits,
    private readonly onDrop: (flow: F, evicted: boolean) => void,
  ) {}

  get(key: string): F | undefined {
    return this.map.get(key);
  }

  add(key: string, flow: F, nowUs: number): void {
    this.sweep(nowUs);
    while (this.map.size >= this.limits.maxFlows) this.evictOldest();
    this.map.set(key, flow);
  }

  delete(key: string): void {
    const f = this.map.get(key);
    if (f === undefined) return;
    this.totalBytes -= f.bytes;
    this.map.delete(key);
    this.onDrop(f, false);
  }

  /** Accounts a change of a flow's buffered bytes; false when the global bound would be passed. */
  resize(flow: F, bytes: number): boolean {
    const delta = bytes - flow.bytes;
    while (delta > 0 && this.totalBytes + delta > this.limits.maxTotalBytes && this.map.size > 1) {
      const oldest = this.map.keys().next().value as string;
      if (this.map.get(oldest) === flow) return false;
      this.evict(oldest);
    }
    if (delta > 0 && this.totalBytes + delta > this.limits.maxTotalBytes) return false;
    this.totalBytes += delta;
    flow.bytes = bytes;
    return true;
  }

  /** Drops flows idle longer than idleUs; runs at most every idleUs/4 of capture time. */
  sweep(nowUs: number): void {
    if (nowUs - this.lastSweepUs < this.limits.idleUs / 4) return;
    this.lastSweepUs = nowUs;
    const cutoff = nowUs - this.limits.idleUs;
    for (const [k, f] of this.map) if (f.lastUs < cutoff) this.evict(k);
  }

  private evictOldest(): void {
    const oldest = this.map.keys().next().value as string;
    this.evict(oldest);
  }

  private evict(key: string): void {
    const f = this.map.get(key)!;
    this.totalBytes -= f.bytes;
    this.map.delete(key);
    this.onDrop(f, true);
  }
}
