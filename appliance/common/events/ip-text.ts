/**
 * Canonical text of an IP address, for addresses that arrive as text from producers (client_ip,
 * conn_ip, local_ip) and are stored, filtered, exported and put in blocklists as they are.
 *
 * - IPv4: the dotted quad, four decimal octets 0–255 without leading zeros. Other forms that
 *   inet_aton(3) accepts ("0x7f.1", "127.1", "010.0.0.1", octal/hex parts) are refused: each
 *   consumer reads them differently, which is what makes them useful for evasion.
 * - IPv6: RFC 5952 §4 — lower-case hex, no leading zeros, the longest run of two or more zero
 *   groups shortened to "::" (the first one on a tie), a single zero group kept. IPv4-mapped
 *   addresses (::ffff:0:0/96) are written in mixed notation, "::ffff:192.0.2.1" (§5), which is
 *   what a dual-stack server reports for an IPv4 client.
 * - A zone index ("fe80::1%eth0", RFC 4007 §11) names an interface of the host that saw the
 *   packet and means nothing elsewhere: it is dropped. Only [A-Za-z0-9_.-] is accepted in it.
 *
 * Returns the canonical text, or undefined when the text is not an address. Hot path (three
 * addresses a request): IPv4 is checked by hand with no allocation, and the answer for an IPv6
 * text is remembered (bounded), since a server sees the same clients again and again.
 */
export function canonicalIp(text: string): string | undefined {
  if (text.length >= 7 && text.length <= 15 && isDottedQuad(text, 0, text.length)) return text;
  if (text.indexOf(':') < 0) return undefined;
  const known = v6Memo.get(text);
  if (known !== undefined) return known || undefined;
  const canonical = canonicalV6(text);
  if (v6Memo.size >= V6_MEMO_MAX) v6Memo.clear();
  v6Memo.set(text, canonical ?? '');
  return canonical;
}

const V6_MEMO_MAX = 8192;
/** text → canonical text, '' for refused texts. Cleared when full: cheap and bounded. */
const v6Memo = new Map<string, string>();

const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** True when text[start, end) is a strict dotted quad. */
function isDottedQuad(text: string, start: number, end: number): boolean {
  let octets = 0;
  let value = -1;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (digits > 0 && value === 0) return false; // leading zero: octal in inet_aton
      value = digits === 0 ? c - ZERO : value * 10 + (c - ZERO);
      digits++;
      if (value > 255) return false;
    } else if (c === DOT) {
      if (digits === 0) return false;
      octets++;
      digits = 0;
      value = -1;
    } else {
      return false;
    }
  }
  return digits > 0 && octets === 3;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const ZONE = /^[A-Za-z0-9_.-]+$/;

/** Parses IPv6 text (RFC 4291 §2.2 forms) into 8 groups and writes it back per RFC 5952. */
function canonicalV6(input: string): string | undefined {
  let text = input;
  const pct = text.indexOf('%');
  if (pct >= 0) {
    if (!ZONE.test(text.slice(pct + 1))) return undefined;
    text = text.slice(0, pct);
  }
  const groups = parseV6Groups(text);
  return groups ? formatV6(groups) : undefined;
}

function parseV6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = compressed && halves[1] !== '' ? halves[1].split(':') : [];
  // An embedded IPv4 address may only be the last part (RFC 4291 §2.2, form 3).
  const lastList = compressed ? tail : head;
  const v4Words: number[] = [];
  const last = lastList[lastList.length - 1];
  if (last?.includes('.')) {
    if (!isDottedQuad(last, 0, last.length)) return undefined;
    const o = last.split('.').map(Number);
    v4Words.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
    lastList.pop();
  }
  const headWords = head.map(toWord);
  const tailWords = tail.map(toWord);
  if (headWords.includes(-1) || tailWords.includes(-1)) return undefined;
  const explicit = headWords.length + tailWords.length + v4Words.length;
  if (!compressed) return explicit === 8 ? [...headWords, ...v4Words] : undefined;
  if (explicit > 7) return undefined; // "::" stands for at least one zero group
  return [...headWords, ...new Array<number>(8 - explicit).fill(0), ...tailWords, ...v4Words];
}

function toWord(group: string): number {
  return HEX_GROUP.test(group) ? Number.parseInt(group, 16) : -1;
}

function formatV6(g: number[]): string {
  // ::ffff:a.b.c.d (RFC 5952 §5, RFC 4291 §2.5.5.2)
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not shortened (§4.2.2)
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
