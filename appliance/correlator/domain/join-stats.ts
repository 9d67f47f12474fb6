/**
 * What the join counts: plain numbers the domain increments on the hot path; metrics.ts reads
 * them at scrape time (no metrics library in the domain).
 */
export interface JoinStats {
  httpIn: number;
  tlsIn: number;
  /** HTTP events joined to a handshake already held. */
  joined: number;
  /** HTTP events that waited (arrived before their handshake) and were then joined. */
  joinedAfterWait: number;
  /** Plain-HTTP requests (tls = false): passed through without waiting. */
  plain: number;
  /** TLS requests emitted without fingerprints after the grace period: their handshake was late or never came. */
  late: number;
  /** TLS requests emitted early without fingerprints because the pending bound was reached. */
  pendingOverflow: number;
  /** Requests emitted without fingerprints at shutdown while still waiting. */
  drainedAtClose: number;
  /** A new handshake on a connection key still held (port reuse): the old one was replaced. */
  tlsReplaced: number;
  /** Handshakes that left the table by idleness having served no request (orphans). */
  tlsOrphaned: number;
  /** Handshakes that left the table by idleness after serving requests. */
  tlsExpired: number;
  /** Handshakes pushed out by the connection bound (max_connections), oldest first. */
  tlsEvicted: number;
}

export function emptyJoinStats(): JoinStats {
  return {
    httpIn: 0,
    tlsIn: 0,
    joined: 0,
    joinedAfterWait: 0,
    plain: 0,
    late: 0,
    pendingOverflow: 0,
    drainedAtClose: 0,
    tlsReplaced: 0,
    tlsOrphaned: 0,
    tlsExpired: 0,
    tlsEvicted: 0,
  };
}
