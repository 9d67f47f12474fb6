/**
 * Duplicate object keys in a JSON line. RFC 8259 §4 only says names "SHOULD be unique", and
 * parsers disagree on a repeated one: JSON.parse keeps the last value, ClickHouse's JSONExtract
 * the first. A line with `"client_ip"` twice would be validated and filtered on one value and
 * stored with the other, so such lines are refused.
 *
 * Detection without a second parse: in valid JSON every object member has exactly one ':' outside
 * string literals, so the members written in the text are the ':' counted outside strings; the
 * members JSON.parse kept are the keys of the parsed objects. Fewer kept than written means a key
 * repeated somewhere. The scan skips string contents with indexOf (native), so a line costs about
 * one pass over its quotes. Only for text JSON.parse accepted, and its parsed value.
 */
export function hasDuplicateKeys(text: string, value: unknown): boolean {
  return membersWritten(text) !== membersKept(value);
}

const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** ':' outside string literals. `text` must be valid JSON. */
export function membersWritten(text: string): number {
  let count = 0;
  let pos = 0;
  for (;;) {
    const open = text.indexOf('"', pos);
    const gapEnd = open < 0 ? text.length : open;
    for (let i = pos; i < gapEnd; i++) if (text.charCodeAt(i) === COLON) count++;
    if (open < 0) return count;
    pos = closingQuote(text, open + 1) + 1;
  }
}

/** Index of the quote that closes a string whose contents start at `from`. */
function closingQuote(text: string, from: number): number {
  let q = text.indexOf('"', from);
  while (q > 0) {
    // A quote preceded by an odd number of backslashes is escaped.
    let b = q - 1;
    while (b >= from && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return text.length; // unreachable for valid JSON
}

/** Keys of every object in a parsed JSON value, nested ones included. */
export function membersKept(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null) count += membersKept(item);
    return count;
  }
  for (const key in value) {
    count++;
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'object' && v !== null) count += membersKept(v);
  }
  return count;
}
