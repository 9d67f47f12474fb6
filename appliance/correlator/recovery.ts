import { decodeLine } from './adapters/event-decoder.js';
import { parseBatchPayload } from './adapters/log-record.js';
import type { SegmentLog } from './adapters/segment-log.js';
import type { LogLedger } from './log-ledger.js';
import type { BatchRef } from './ports/batch-log.js';
import type { InputEvent } from './ports/event-source.js';

export interface RecoveryTarget {
  /** A batch recorded and never confirmed: to be sent again with its id. */
  batch(id: string, rows: number, ref: BatchRef): void;
  /** An input line to go through the join again (a handshake, or a request with no row in any batch). */
  line(event: InputEvent, line: string, exact: boolean): void;
}

export interface RecoveryReport {
  segments: number;
  /** Batches found unconfirmed, sent again. */
  batches: number;
  /** Request lines in the log, and those of them with no row in a recorded batch (replayed). */
  requests: number;
  replayed: number;
  /** Segments whose last record was cut short (a crash mid-write), with the bytes ignored. */
  torn: { segment: number; offset: number; ignored: number }[];
  /** Records stepped over because their checksum failed (what they held is lost). */
  damaged: number;
}

/**
 * Reads what an earlier run left in the log, oldest first, and hands on what ClickHouse may not
 * have: the batches never acknowledged (resent as they are, same id, so one that did land is
 * dropped as a duplicate) and the request lines whose rows are in no recorded batch (they were
 * still in the join or in a batch not yet cut), replayed through the join with the handshake
 * lines around them in their original order.
 *
 * A request line is matched to a recorded row by the request's identity (time, connection id and
 * keep-alive number, addresses and ports, method, path, query, status, sizes); the join is not
 * asked which row came from which line. The match is by count, so a request sent twice is stored
 * twice, as it was received.
 */
export async function recover(
  log: SegmentLog,
  ledger: LogLedger,
  target: RecoveryTarget,
): Promise<RecoveryReport> {
  const report: RecoveryReport = { segments: 0, batches: 0, requests: 0, replayed: 0, torn: [], damaged: 0 };
  const covered = new Map<string, number>();
  const unconfirmed = new Map<string, { rows: number; ref: BatchRef }>();
  for (const seq of log.segments) {
    report.segments++;
    const { end, size, damaged } = await log.readSegment(seq, (rec, buf) => {
      const payload = buf.toString('utf8', rec.offset, rec.offset + rec.length);
      if (rec.kind === 'http') {
        ledger.http(seq);
        report.requests++;
      } else if (rec.kind === 'tls') {
        ledger.tls(seq);
      } else if (rec.kind === 'batch') {
        const b = parseBatchPayload(payload);
        if (!b) return;
        ledger.recovered(b.id, seq);
        unconfirmed.set(b.id, {
          rows: b.rows,
          ref: { segment: seq, offset: rec.offset, length: rec.length },
        });
        for (const row of b.body.split('\n')) if (row) bump(covered, rowKey(row));
      } else {
        unconfirmed.delete(payload);
        ledger.confirm(payload);
      }
    });
    if (end < size) report.torn.push({ segment: seq, offset: end, ignored: size - end });
    report.damaged += damaged;
  }
  for (const [id, { rows, ref }] of unconfirmed) target.batch(id, rows, ref);
  report.batches = unconfirmed.size;
  for (const seq of log.segments) {
    await log.readSegment(seq, (rec, buf) => {
      if (rec.kind !== 'http' && rec.kind !== 'tls') return;
      const line = buf.toString('utf8', rec.offset, rec.offset + rec.length);
      const decoded = decodeLine(line, rec.kind);
      if (!decoded.ok) return;
      if (rec.kind === 'http') {
        const key = keyOf(decoded.event as unknown as Record<string, unknown>);
        const n = covered.get(key) ?? 0;
        if (n > 0) {
          covered.set(key, n - 1);
          return;
        }
        report.replayed++;
      }
      target.line(decoded.event, line, decoded.exact);
    });
  }
  return report;
}

const KEY_FIELDS = [
  'ts_us',
  'conn_id',
  'keepalive_n',
  'conn_ip',
  'conn_port',
  'local_ip',
  'local_port',
  'client_ip',
  'method',
  'path',
  'query',
  'status',
  'bytes_sent',
  'duration_us',
] as const;

function keyOf(o: Record<string, unknown>): string {
  return JSON.stringify(KEY_FIELDS.map((f) => o[f]));
}

function rowKey(row: string): string {
  try {
    return keyOf(JSON.parse(row) as Record<string, unknown>);
  } catch {
    return '';
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
