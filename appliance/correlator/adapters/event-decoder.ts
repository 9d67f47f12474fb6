import { httpEventSchema, tlsEventSchema } from '../../common/events/index.js';
import type { BadLineReason, InputEvent } from '../ports/event-source.js';
import { isHttpEvent, isTlsEvent } from './event-validator.js';

export type Decoded = { ok: true; event: InputEvent } | { ok: false; reason: BadLineReason; detail: string };

/**
 * One line from a socket to a validated event, or a reason for refusing it. Validation is the
 * shared zod schema (the same one the producers are tested against); `.strict()` there is what
 * turns an unknown field into a refusal. The check itself runs as the validator compiled from that
 * schema (event-validator.ts); zod parses only the lines it refuses, to say why. Never throws.
 */
export function decodeLine(line: string, expected: 'http' | 'tls'): Decoded {
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
  if (expected === 'http' ? isHttpEvent(value) : isTlsEvent(value))
    return { ok: true, event: value as InputEvent };
  const parsed = expected === 'http' ? httpEventSchema.safeParse(value) : tlsEventSchema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    return { ok: false, reason: 'unknown_field', detail: `unknown field(s): ${issue.keys.join(', ')}` };
  }
  return { ok: false, reason: 'wrong_type', detail: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
}
