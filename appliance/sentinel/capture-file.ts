import type { PacketSink, WalkSummary } from './capture-types.js';
import type { ParseResult } from './errors.js';
import { isPcap, walkPcap } from './pcap.js';
import { isPcapng, walkPcapng } from './pcapng.js';

/** Walks a pcap or pcapng capture held in memory; the format comes from the magic number, not the name. */
export function walkCapture(buf: Buffer, sink: PacketSink): ParseResult<WalkSummary> {
  if (isPcapng(buf)) return walkPcapng(buf, sink);
  if (isPcap(buf)) return walkPcap(buf, sink);
  return { ok: false, code: 'capture_record', offset: 0 };
}
