/**
 * Duplicate object keys in a JSON line. RFC 8259 §4 only says names "SHOULD be unique", and
 * parsers disagree on a repeated one: JSON.parse keeps the last value, ClickHouse's JSONExtract
 * the first. A line with `"client_ip"` twice would be validated and filtered on one value and
 * stored with the other, so such lines are refused.
 *
 * Detection without a second parse. In valid JSON every object member has exactly one ':' outside
 * string literals; the members JSON.parse kept are the keys of the parsed objects. Fewer kept
 * than written means a key repeated. Counting the ':' outside strings exactly needs a scan of the
 * string literals (membersWritten), which costs about as much as JSON.parse, so the common cases
 * are decided cheaper first, with `C` = every ':' in the text (one native indexOf loop):
 * - C = kept members: every ':' separates a member, so none was dropped. No repeat.
 * - no backslash in the text: every string literal is spelled as its parsed value, so the ':'
 *   inside strings are those of the parsed keys and values — plus those of the values a repeat
 *   dropped, which only makes C − (':' in parsed strings) larger. Members written are at most
 *   that, and equal to it when nothing was dropped: compare it with the kept members.
 * - a backslash (an escape such as "\u003a" could hide a ':'): the exact scan.
 * Only for text JSON.parse accepted, and its parsed value.
 */
export function hasDuplicateKeys(text: string, value: unknown): boolean {
  const kept = membersKept(value);
  const colons = countColons(text);
  if (colons === kept) return false;
  if (text.indexOf('\\') >= 0) return membersWritten(text) !== kept;
  return colons - colonsInStrings(value) !== kept;
}

const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** ':' outside string literals: the members written. `text` must be valid JSON. */
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

function countColons(s: string): number {
  let n = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}

/** ':' in every key and string value of a parsed JSON value. */
function colonsInStrings(value: unknown): number {
  if (typeof value === 'string') return value.indexOf(':') < 0 ? 0 : countColons(value);
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += colonsInStrings(item);
    return n;
  }
  for (const key in value) {
    if (key.indexOf(':') >= 0) n += countColons(key);
    n += colonsInStrings((value as Record<string, unknown>)[key]);
  }
  return n;
}
