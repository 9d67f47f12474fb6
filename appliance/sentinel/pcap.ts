import { type CaptureDamage, MAX_FRAME, type PacketSink, type WalkSummary } from './capture-types.js';
import type { ParseResult } from './errors.js';

// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html §4 (file header), §5 (record)
const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;

export function isPcap(buf: Buffer): boolean {
  if (buf.length < 4) return false;
  const be = buf.readUInt32BE(0);
  const le = buf.readUInt32LE(0);
  return be === MAGIC_US || be === MAGIC_NS || le === MAGIC_US || le === MAGIC_NS;
}

/**
 * Walks the records of a classic pcap file (either byte order, µs or ns timestamps), calling
 * `sink` for each. A damaged record is reported in `damage` and the walker resynchronises on the
 * next plausible record header, so the rest of the file is still processed.
 */
export function walkPcap(buf: Buffer, sink: PacketSink): ParseResult<WalkSummary> {
  if (buf.length < FILE_HEADER) return { ok: false, code: 'truncated', offset: buf.length };
  const be = buf.readUInt32BE(0);
  const little = !(be === MAGIC_US || be === MAGIC_NS);
  const u32 = little ? (o: number) => buf.readUInt32LE(o) : (o: number) => buf.readUInt32BE(o);
  const magic = u32(0);
  if (magic !== MAGIC_US && magic !== MAGIC_NS) return { ok: false, code: 'capture_record', offset: 0 };
  const nanos = magic === MAGIC_NS;
  const snaplen = u32(16);
  // The upper bits of the link-type field carry FCS information (draft §4); the type is the low 16.
  const linkType = u32(20) & 0xffff;
  const maxLen = Math.max(MAX_FRAME, snaplen > 0 && snaplen < 0x7fffffff ? snaplen : 0);
  const damage: CaptureDamage[] = [];
  let packets = 0;
  let pos = FILE_HEADER;
  let lastSec = -1;
  const plausible = (o: number): boolean => {
    if (o + RECORD_HEADER > buf.length) return false;
    const sec = u32(o);
    const frac = u32(o + 4);
    const incl = u32(o + 8);
    const orig = u32(o + 12);
    if (incl > maxLen || orig < incl || frac >= (nanos ? 1e9 : 1e6)) return false;
    if (lastSec >= 0 && Math.abs(sec - lastSec) > 86_400 * 366) return false;
    return o + RECORD_HEADER + incl <= buf.length;
  };
  while (pos < buf.length) {
    if (pos + RECORD_HEADER > buf.length) {
      damage.push({ offset: pos, reason: 'truncated packet record header' });
      break;
    }
    const incl = u32(pos + 8);
    if (!plausible(pos)) {
      const tooLong = incl <= maxLen && pos + RECORD_HEADER + incl > buf.length;
      damage.push({
        offset: pos,
        reason: tooLong
          ? `truncated packet record (${incl} bytes announced, file ends at ${buf.length})`
          : 'damaged packet record header',
      });
      if (tooLong) break; // the file ends inside this record: nothing follows to resync on
      const next = resync(pos + 1, plausible, buf.length, u32);
      if (next < 0) break;
      pos = next;
      continue;
    }
    const sec = u32(pos);
    const frac = u32(pos + 4);
    lastSec = sec;
    const tsUs = sec * 1e6 + (nanos ? Math.floor(frac / 1000) : frac);
    const start = pos + RECORD_HEADER;
    pos = start + incl;
    packets++;
    sink(linkType, buf.subarray(start, pos), tsUs);
  }
  return { ok: true, value: { format: 'pcap', packets, damage } };
}

/** The next offset holding a plausible record whose successor is plausible too (or the end). */
function resync(
  from: number,
  plausible: (o: number) => boolean,
  end: number,
  u32: (o: number) => number,
): number {
  for (let o = from; o + RECORD_HEADER <= end; o++) {
    if (!plausible(o)) continue;
    const next = o + RECORD_HEADER + u32(o + 8);
    if (next === end || plausible(next)) return o;
  }
  return -1;
}
