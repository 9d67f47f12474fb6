import type { HttpEvent, TlsEvent } from '../../common/events/index.js';

export type InputEvent = HttpEvent | TlsEvent;

/** Why a line was refused; each is a label of ja4_correlator_bad_lines_total. */
export type BadLineReason =
  | 'too_long'
  | 'malformed_json'
  | 'wrong_event_type'
  | 'unknown_field'
  | 'wrong_type';

/**
 * Why a well-formed event was refused on purpose; each is a label of
 * ja4_correlator_refused_total: a key written twice, an address that is not an IP address in
 * canonical text, a request time older than the retention or too far in the future.
 */
export type RefusalReason = 'duplicate_key' | 'bad_ip' | 'too_old' | 'in_future';

export interface SourceHandlers {
  /**
   * A valid event and the line it came from; `exact` is false when decoding rewrote a field (an
   * address to its canonical text), so the line no longer spells the event (see Decoded).
   */
  event(ev: InputEvent, line: string, exact: boolean): void;
  bad(reason: BadLineReason | RefusalReason, detail: string): void;
  /**
   * After the events of one read from a socket: what they were is handed on together.
   * `readAt`: performance.now() when the read's bytes arrived (to measure read → log).
   */
  endOfRead?(readAt: number): void;
}

/** A producer-facing input (one UNIX socket). Pausing stops reading, so producers' writes fail fast. */
export interface EventSource {
  readonly name: 'http' | 'network';
  start(handlers: SourceHandlers): Promise<void>;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}
