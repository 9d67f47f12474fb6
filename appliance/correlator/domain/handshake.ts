import type { HttpEvent, TlsEvent } from '../../common/events/index.js';
import type { JoinStats } from './join-stats.js';

/**
 * One ClientHello held for joining, and the rules that decide whether it is the handshake of a
 * request's TCP connection. A peer address and port are reused (behind a proxy within seconds),
 * so the key alone does not name a connection; the connection's identity does:
 *
 * - its initial sequence number, seen by both producers (the SYN's, RFC 9293 §3.4.1). Equal on
 *   the same addresses and ports means the same connection: decisive when both sides carry it.
 * - else its times, on the wall clock the two producers share (same host): the client's SYN
 *   comes before the server accepts the connection (conn_start_us), and the ClientHello before
 *   the first request is read (ts_us). A handshake whose ClientHello is older than the
 *   connection's start belongs to an earlier connection on that port: never a candidate. (Its
 *   own ClientHello can also precede the start when accept() lags; then the request goes out
 *   without fingerprints, counted, rather than with another client's.)
 * - a handshake, once it served a connection (conn_id), never serves another.
 */
export interface Handshake {
  readonly tls: TlsEvent;
  /** ClientHello capture time, µs. */
  readonly helloUs: number;
  /** SYN capture time, µs; -1 when not captured or not sent. */
  readonly synUs: number;
  /** The SYN's sequence number; -1 when unknown. */
  readonly isn: number;
  /** The connection (conn_id) it serves once bound; undefined while free. */
  connId: string | undefined;
  /** The handshake half of the row, serialised on first use (see row.ts). */
  fragment: string | undefined;
  /** Arrival-clock time of its arrival or last use (the idle window runs on it). */
  lastUsed: number;
  uses: number;
}

export function newHandshake(tls: TlsEvent, now: number): Handshake {
  return {
    tls,
    helloUs: tls.ts_us,
    synUs: tls.syn_ts_us ?? -1,
    isn: tls.syn_seq ?? -1,
    connId: undefined,
    fragment: undefined,
    lastUsed: now,
    uses: 0,
  };
}

/** Why a handshake is not the one of a request's connection. */
export type Rejection = 'servedOther' | 'seqMismatch' | 'beforeConnection' | 'afterConnection';
/** What made it the one (see JoinStats.basis; 'connection' is decided by the caller). */
export type Basis = 'seq' | 'time' | 'legacy';

/**
 * The verdict on handshake `h` for request `ev` (same key). `toleranceUs` absorbs timestamp
 * granularity between the two producers; the orderings it guards are causal on one host.
 */
export function judge(h: Handshake, ev: HttpEvent, toleranceUs: number): Basis | Rejection {
  if (h.connId !== undefined && h.connId !== ev.conn_id) return 'servedOther';
  const isn = ev.conn_isn;
  if (h.isn >= 0 && isn !== undefined && isn !== null) return h.isn === isn ? 'seq' : 'seqMismatch';
  const start = ev.conn_start_us;
  // An older producer: no connection start to test against. The join of old: any handshake
  // on the key that no other connection holds (counted as legacy).
  if (start === undefined) return 'legacy';
  if (h.synUs >= 0 && h.synUs > start + toleranceUs) return 'afterConnection';
  if (h.helloUs > ev.ts_us + toleranceUs) return 'afterConnection';
  if (h.helloUs < start - toleranceUs) return 'beforeConnection';
  return 'time';
}

const RANK: Record<Basis, number> = { seq: 3, time: 2, legacy: 1 };

/** True when `basis` for `h` beats the best so far: sequence over time over legacy, then the later ClientHello. */
export function better(
  basis: Basis,
  h: Handshake,
  bestBasis: Basis | undefined,
  best: Handshake | undefined,
) {
  if (best === undefined || bestBasis === undefined) return true;
  if (RANK[basis] !== RANK[bestBasis]) return RANK[basis] > RANK[bestBasis];
  return h.helloUs > best.helloUs;
}

export function isRejection(v: Basis | Rejection): v is Rejection {
  return v === 'servedOther' || v === 'seqMismatch' || v === 'beforeConnection' || v === 'afterConnection';
}

export function countRejection(stats: JoinStats, r: Rejection): void {
  stats.rejected[r]++;
}

/** Why a request waited in vain, from the worst rejection it met (none: no handshake). */
export type WaitReason = 'noHandshake' | 'tooOld' | 'mismatch';

export function waitReason(prev: WaitReason, r: Rejection): WaitReason {
  if (r === 'servedOther' || r === 'beforeConnection') return 'tooOld';
  return prev === 'tooOld' ? prev : 'mismatch';
}
