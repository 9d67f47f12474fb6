/** An IPv4 address in dotted quad, or an IPv6 address in RFC 5952 compressed form. */
export function ipToString(buf: Buffer, off: number, len: number): string {
  if (len === 4) return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (buf.readUInt16BE(off + 2 * i) !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && buf.readUInt16BE(off + 2 * j) === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // §5: an IPv4-mapped address is written with a dotted quad tail.
  if (bestStart === 0 && bestLen === 5 && buf.readUInt16BE(off + 10) === 0xffff) {
    return `::ffff:${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += buf.readUInt16BE(off + 2 * i).toString(16);
    if (i < 7) s += ':';
  }
  return s;
}
