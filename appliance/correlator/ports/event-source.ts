import type { HttpEvent, TlsEvent } from '../../common/events/index.js';

export type InputEvent = HttpEvent | TlsEvent;

/** Why a line was refused; each is a label of ja4_correlator_bad_lines_total. */
export type BadLineReason =
  | 'too_long'
  | 'malformed_json'
  | 'wrong_event_type'
  | 'unknown_field'
  | 'wrong_type';

export interface SourceHandlers {
  /** A valid event, with the line it came from. */
  event(ev: InputEvent, line: string): void;
  bad(reason: BadLineReason, detail: string): void;
}

/** A producer-facing input (one UNIX socket). Pausing stops reading, so producers' writes fail fast. */
export interface EventSource {
  readonly name: 'http' | 'network';
  start(handlers: SourceHandlers): Promise<void>;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}
