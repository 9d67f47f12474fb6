import { type CaptureDamage, MAX_FRAME, type PacketSink, type WalkSummary } from './capture-types.js';
import type { ParseResult } from './errors.js';

// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html §4 (blocks)
const BT_SHB = 0x0a0d0d0a; // Section Header Block, §4.1
const BT_IDB = 0x00000001; // Interface Description Block, §4.2
const BT_PB = 0x00000002; // obsolete Packet Block, Appendix A
const BT_SPB = 0x00000003; // Simple Packet Block, §4.4
const BT_EPB = 0x00000006; // Enhanced Packet Block, §4.3
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_IF_TSRESOL = 9; // §4.2 if_tsresol
const KNOWN_BLOCKS = new Set([BT_SHB, BT_IDB, BT_PB, BT_SPB, BT_EPB, 4, 5, 7, 9, 10, 0x80000001]);

interface Iface {
  linkType: number;
  /** Timestamp units per second (if_tsresol; default 10^6). */
  unitsPerSec: number;
}

export function isPcapng(buf: Buffer): boolean {
  return buf.length >= 12 && buf.readUInt32BE(0) === BT_SHB;
}

/** What the walk carries from block to block. */
interface Walk {
  buf: Buffer;
  sink: PacketSink;
  damage: CaptureDamage[];
  /** The current section's interfaces, by id. */
  ifaces: Iface[];
  packets: number;
  /** Simple Packet Blocks carry no timestamp: they reuse the previous one. */
  lastTsUs: number;
  /** Readers in the current section's byte order. */
  u32: (o: number) => number;
  u16: (o: number) => number;
}

/**
 * Walks a pcapng file: every section, every interface (link type and timestamp resolution),
 * enhanced, simple and obsolete packet blocks. A damaged block is reported in `damage` and the
 * walker resynchronises on the next block whose leading and trailing lengths agree.
 */
export function walkPcapng(buf: Buffer, sink: PacketSink): ParseResult<WalkSummary> {
  if (!isPcapng(buf)) return { ok: false, code: 'capture_record', offset: 0 };
  let little = true;
  const u32 = (o: number) => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u16 = (o: number) => (little ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const w: Walk = { buf, sink, damage: [], ifaces: [], packets: 0, lastTsUs: 0, u32, u16 };
  const blockOk = (o: number): number => {
    if (o + 12 > buf.length) return -1;
    const type = buf.readUInt32BE(o);
    if (type === BT_SHB && o + 12 <= buf.length) {
      const m = buf.readUInt32LE(o + 8);
      if (m === BYTE_ORDER_MAGIC) little = true;
      else if (buf.readUInt32BE(o + 8) === BYTE_ORDER_MAGIC) little = false;
      else return -1;
    }
    const len = u32(o + 4);
    if (len < 12 || len % 4 !== 0 || o + len > buf.length) return -1;
    if (u32(o + len - 4) !== len) return -1;
    return len;
  };
  let pos = 0;
  while (pos < buf.length) {
    const len = blockOk(pos);
    if (len < 0) {
      w.damage.push({ offset: pos, reason: damageReason(buf, pos, u32) });
      pos = resync(buf, pos + 4, blockOk, u32);
      if (pos < 0) break;
      continue;
    }
    readBlock(w, pos, len);
    pos += len;
  }
  return { ok: true, value: { format: 'pcapng', packets: w.packets, damage: w.damage } };
}

/** One block whose lengths agree: a new section, an interface, or a packet for the sink. */
function readBlock(w: Walk, pos: number, len: number): void {
  const { buf, u32, u16 } = w;
  const type = u32(pos);
  const body = pos + 8;
  const end = pos + len - 4;
  if (type === BT_SHB) {
    w.ifaces = [];
  } else if (type === BT_IDB) {
    if (end - body >= 8)
      w.ifaces.push({ linkType: u16(body), unitsPerSec: tsResolution(buf, body + 8, end, u16) });
  } else if (type === BT_EPB || type === BT_PB) {
    if (end - body >= 20) {
      const ifId = type === BT_EPB ? u32(body) : u16(body);
      const iface = w.ifaces[ifId];
      const cap = u32(body + 12);
      if (iface && cap <= MAX_FRAME && body + 20 + cap <= end) {
        const tsUs = toMicros(u32(body + 4), u32(body + 8), iface.unitsPerSec);
        w.packets++;
        w.lastTsUs = tsUs;
        w.sink(iface.linkType, buf.subarray(body + 20, body + 20 + cap), tsUs);
      } else
        w.damage.push({ offset: pos, reason: iface ? 'packet longer than its block' : 'unknown interface' });
    }
  } else if (type === BT_SPB) {
    const iface = w.ifaces[0];
    if (iface && end - body >= 4) {
      const cap = Math.min(u32(body), end - body - 4);
      w.packets++;
      w.sink(iface.linkType, buf.subarray(body + 4, body + 4 + cap), w.lastTsUs);
    }
  }
}

/**
 * A 64-bit timestamp in interface units to µs. Nanosecond stamps (~1.8e18) exceed 2^53, so the
 * division is done in BigInt there; µs stamps (~1.8e15) are exact as doubles.
 */
function toMicros(hi: number, lo: number, unitsPerSec: number): number {
  if (unitsPerSec === 1e6) return hi * 4_294_967_296 + lo;
  if (!Number.isInteger(unitsPerSec)) return Math.floor(((hi * 4_294_967_296 + lo) * 1e6) / unitsPerSec);
  return Number((((BigInt(hi) << 32n) | BigInt(lo)) * 1_000_000n) / BigInt(unitsPerSec));
}

/** if_tsresol: MSB clear = 10^-v s, set = 2^-v s (draft §4.2). */
function tsResolution(buf: Buffer, from: number, end: number, u16: (o: number) => number): number {
  let o = from;
  while (o + 4 <= end) {
    const code = u16(o);
    const len = u16(o + 2);
    if (code === 0) break;
    if (code === OPT_IF_TSRESOL && len >= 1 && o + 5 <= end) {
      const v = buf[o + 4];
      const exp = v & 0x7f;
      return v & 0x80 ? 2 ** exp : 10 ** exp;
    }
    o += 4 + ((len + 3) & ~3);
  }
  return 1e6;
}

function resync(
  buf: Buffer,
  from: number,
  blockOk: (o: number) => number,
  u32: (o: number) => number,
): number {
  for (let o = from & ~3; o + 12 <= buf.length; o += 4) {
    if (KNOWN_BLOCKS.has(u32(o)) && blockOk(o) > 0) return o;
  }
  return -1;
}

function damageReason(buf: Buffer, pos: number, u32: (o: number) => number): string {
  if (pos + 12 > buf.length) return `truncated block header (file ends at ${buf.length})`;
  const len = u32(pos + 4);
  if (len >= 12 && len % 4 === 0 && pos + len > buf.length) {
    return `truncated block (${len} bytes announced, file ends at ${buf.length})`;
  }
  return 'damaged block (length fields disagree)';
}
