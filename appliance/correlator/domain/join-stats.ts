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
  /** TLS requests emitted without fingerprints after the grace period (sum of the three below). */
  late: number;
  /** … no handshake at all was held for their connection key while they waited. */
  lateNoHandshake: number;
  /** … every handshake held was older than their connection or had served another one. */
  lateTooOld: number;
  /** … the handshakes held belonged to another connection by sequence number or came after it. */
  lateMismatch: number;
  /** TLS requests emitted early without fingerprints because the pending bound was reached. */
  pendingOverflow: number;
  /** Requests emitted without fingerprints at shutdown while still waiting. */
  drainedAtClose: number;
  /** What decided each join (joined + joinedAfterWait = the four together). */
  basis: {
    /** A later request of a connection whose handshake was already bound to it. */
    connection: number;
    /** The connection's initial sequence number, from both producers. */
    seq: number;
    /** Event times: the SYN and ClientHello against the connection's start and the request's. */
    time: number;
    /** Older producers without the connection's start: any free handshake on the key, as before. */
    legacy: number;
  };
  /** Handshakes on a request's key that were refused as its connection's, by reason. */
  rejected: {
    /** Already bound to another connection (conn_id). */
    servedOther: number;
    /** Another initial sequence number: another TCP connection on the same addresses and ports. */
    seqMismatch: number;
    /** The ClientHello came before the connection started (minus the tolerance): an earlier connection's. */
    beforeConnection: number;
    /** The SYN came after the connection started, or the ClientHello after the request: a later connection's. */
    afterConnection: number;
  };
  /** Handshakes pushed out of their key's short list by newer ones on the same key (port reuse). */
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
    lateNoHandshake: 0,
    lateTooOld: 0,
    lateMismatch: 0,
    pendingOverflow: 0,
    drainedAtClose: 0,
    basis: { connection: 0, seq: 0, time: 0, legacy: 0 },
    rejected: { servedOther: 0, seqMismatch: 0, beforeConnection: 0, afterConnection: 0 },
    tlsReplaced: 0,
    tlsOrphaned: 0,
    tlsExpired: 0,
    tlsEvicted: 0,
  };
}
