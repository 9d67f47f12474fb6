import {
  canonicalIp,
  type HttpEvent,
  hasDuplicateKeys,
  httpEventSchema,
  tlsEventSchema,
} from '../../common/events/index.js';
import type { BadLineReason, InputEvent, RefusalReason } from '../ports/event-source.js';
import { isHttpEvent, isTlsEvent } from './event-validator.js';

export type Decoded =
  | {
      ok: true;
      event: InputEvent;
      /**
       * True when the event is exactly the line's text (the join may then reuse its bytes for
       * the row); false when decoding rewrote a field (an address to its canonical text).
       */
      exact: boolean;
    }
  | { ok: false; reason: BadLineReason | RefusalReason; detail: string };

/** Accepted request times, µs since the epoch; outside them a request is refused at decode. */
export interface TimeWindow {
  minTsUs: number;
  maxTsUs: number;
}

/**
 * One line from a socket to a validated event, or a reason for refusing it. Validation is the
 * shared zod schema (the same one the producers are tested against); `.strict()` there is what
 * turns an unknown field into a refusal. The check itself runs as the validator compiled from that
 * schema (event-validator.ts); zod parses only the lines it refuses, to say why. Then what the
 * schema cannot say: no repeated key (duplicate-keys.ts), addresses in canonical text
 * (ip-text.ts), and, for requests, a time inside `window` when one is given. Never throws.
 */
export function decodeLine(line: string, expected: 'http' | 'tls', window?: TimeWindow): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { ok: false, reason: 'malformed_json', detail: (err as Error).message };
  }
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== expected) {
    const got =
      typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : typeof value;
    return {
      ok: false,
      reason: 'wrong_event_type',
      detail: `expected type "${expected}", got ${JSON.stringify(got)}`,
    };
  }
  // Accepted as parsed: the object is JSON.parse's own, nothing else holds it, and the validator
  // has checked it has exactly the schema's keys and types (zod would only copy it).
  if (!(expected === 'http' ? isHttpEvent(value) : isTlsEvent(value))) return schemaRefusal(value, expected);
  if (hasDuplicateKeys(line, value))
    return { ok: false, reason: 'duplicate_key', detail: 'a key appears more than once in the line' };
  if (expected === 'tls') return { ok: true, event: value as InputEvent, exact: true };
  return checkHttp(value as HttpEvent, window);
}

function schemaRefusal(value: unknown, expected: 'http' | 'tls'): Decoded {
  const parsed = expected === 'http' ? httpEventSchema.safeParse(value) : tlsEventSchema.safeParse(value);
  // Unreachable while the compiled validator and zod agree (event-validator.test.ts proves it).
  if (parsed.success) return { ok: true, event: parsed.data, exact: false };
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    return { ok: false, reason: 'unknown_field', detail: `unknown field(s): ${issue.keys.join(', ')}` };
  }
  return { ok: false, reason: 'wrong_type', detail: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

const ADDRESS_FIELDS = ['client_ip', 'conn_ip', 'local_ip'] as const;

function checkHttp(ev: HttpEvent, window: TimeWindow | undefined): Decoded {
  let exact = true;
  for (const field of ADDRESS_FIELDS) {
    const text = ev[field];
    const canonical = canonicalIp(text);
    if (canonical === undefined) {
      return {
        ok: false,
        reason: 'bad_ip',
        detail: `${field}: ${JSON.stringify(text)} is not an IP address`,
      };
    }
    if (canonical !== text) {
      ev[field] = canonical;
      exact = false;
    }
  }
  if (window) {
    if (ev.ts_us < window.minTsUs)
      return { ok: false, reason: 'too_old', detail: `ts_us ${ev.ts_us} is older than the retention` };
    if (ev.ts_us > window.maxTsUs)
      return {
        ok: false,
        reason: 'in_future',
        detail: `ts_us ${ev.ts_us} is past correlator.max_future_skew_ms`,
      };
  }
  return { ok: true, event: ev, exact };
}

/** The window for "now": from `retentionDays` ago to `maxFutureSkewMs` ahead. */
export function timeWindow(nowMs: number, retentionDays: number, maxFutureSkewMs: number): TimeWindow {
  return {
    minTsUs: (nowMs - retentionDays * 86_400_000) * 1000,
    maxTsUs: (nowMs + maxFutureSkewMs) * 1000,
  };
}
