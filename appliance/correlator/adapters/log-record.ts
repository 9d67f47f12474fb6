import { crc32 } from 'node:zlib';

/**
 * One record of the correlator's log (segment-log.ts): a 9-byte header — kind (1 byte), payload
 * length (u32 LE), CRC-32 of the payload (u32 LE) — then the payload, UTF-8. The length and the
 * checksum are what let a reader tell a whole record from the torn tail a crash can leave (the
 * layout of Vector's disk buffer v2 records, without the record id: ids here are positions).
 *
 * Payloads: `http`/`tls` the input line as read from the socket; `batch` the batch id, its row
 * count and its body (`<id>\n<rows>\n<JSON lines>`); `ack` the id of a batch the sink confirmed.
 */
export type RecordKind = 'http' | 'tls' | 'batch' | 'ack';

export const HEADER_BYTES = 9;
const CODE: Record<RecordKind, number> = { http: 0x48, tls: 0x54, batch: 0x42, ack: 0x41 };
const KIND_OF = new Map<number, RecordKind>(Object.entries(CODE).map(([k, v]) => [v, k as RecordKind]));

/**
 * Writes one record at `at` in `buf` (which must have room for HEADER_BYTES + 3 × payload.length,
 * UTF-8's worst case for a JS string) and returns the bytes written.
 */
export function encodeRecord(buf: Buffer, at: number, kind: RecordKind, payload: string): number {
  const length = buf.write(payload, at + HEADER_BYTES, 'utf8');
  buf[at] = CODE[kind];
  buf.writeUInt32LE(length, at + 1);
  buf.writeUInt32LE(crc32(buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length)), at + 5);
  return HEADER_BYTES + length;
}

export interface DecodedRecord {
  kind: RecordKind;
  /** Offset of the payload in the buffer (and so in the segment file). */
  offset: number;
  length: number;
  /** False when the payload does not match its checksum (damaged): skip it, the next one follows. */
  intact: boolean;
}

/**
 * The record at `at`, or undefined when no record can be read there: past the end, an unknown
 * kind, or a length running past the end (a torn tail: a crash mid-write). A record whose header
 * is sound but whose payload fails its checksum is returned with `intact: false`, so a reader can
 * step over it to the records after it.
 */
export function decodeRecord(buf: Buffer, at: number): DecodedRecord | undefined {
  if (at + HEADER_BYTES > buf.length) return undefined;
  const kind = KIND_OF.get(buf[at]);
  const length = buf.readUInt32LE(at + 1);
  const offset = at + HEADER_BYTES;
  if (kind === undefined || offset + length > buf.length) return undefined;
  const intact = crc32(buf.subarray(offset, offset + length)) === buf.readUInt32LE(at + 5);
  return { kind, offset, length, intact };
}

/** Payload of a `batch` record. */
export function batchPayload(id: string, rows: number, body: string): string {
  return `${id}\n${rows}\n${body}`;
}

/** The parts of a `batch` payload, or undefined when it is not one. */
export function parseBatchPayload(text: string): { id: string; rows: number; body: string } | undefined {
  const a = text.indexOf('\n');
  const b = a < 0 ? -1 : text.indexOf('\n', a + 1);
  if (b < 0) return undefined;
  const rows = Number(text.slice(a + 1, b));
  if (!Number.isInteger(rows) || rows < 0) return undefined;
  return { id: text.slice(0, a), rows, body: text.slice(b + 1) };
}
