import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HttpEvent } from '../../../../appliance/common/index.js';
import { batchPayload } from '../../../../appliance/correlator/adapters/log-record.js';
import { SegmentLog } from '../../../../appliance/correlator/adapters/segment-log.js';
import { buildRow } from '../../../../appliance/correlator/domain/row.js';
import { LogLedger } from '../../../../appliance/correlator/log-ledger.js';
import { recover } from '../../../../appliance/correlator/recovery.js';
import { httpEvent, tlsEvent } from './fixtures.js';

const line = (h: HttpEvent) => JSON.stringify(h);
const row = (h: HttpEvent) => JSON.stringify(buildRow(h, undefined));

describe('recover', () => {
  it('resends unconfirmed batches and replays, with the handshakes around them, only the requests no batch holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-recover-'));
    const seg = SegmentLog.open(dir, { segmentBytes: 512 });
    // Flushed record by record, so the records spread over several segments.
    const log = {
      append: (kind: Parameters<SegmentLog['append']>[0], payload: string) => {
        seg.append(kind, payload);
        seg.flush();
      },
    };
    const h = (n: number) => httpEvent({ conn_id: `r-${n}`, conn_port: 40_000 + n });
    log.append('tls', JSON.stringify(tlsEvent({ src_port: 40_000 })));
    for (let n = 0; n < 6; n++) log.append('http', line(h(n)));
    log.append('batch', batchPayload('run-1', 2, `${row(h(0))}\n${row(h(1))}\n`));
    log.append('ack', 'run-1');
    log.append('batch', batchPayload('run-2', 2, `${row(h(2))}\n${row(h(4))}\n`)); // 3 was still waiting
    log.append('tls', JSON.stringify(tlsEvent({ src_port: 40_003 })));
    log.append('http', line(h(2))); // the same request received twice: stored twice
    await seg.close();

    const again = SegmentLog.open(dir, { segmentBytes: 512 });
    expect(again.segments.length).toBeGreaterThan(1);
    const ledger = new LogLedger(true);
    const batches: string[] = [];
    const lines: string[] = [];
    const report = await recover(again, ledger, {
      batch: (id) => batches.push(id),
      line: (ev) => lines.push(ev.type === 'tls' ? `tls:${ev.src_port}` : `http:${ev.conn_id}`),
    });
    expect(batches).toEqual(['run-2']);
    expect(lines).toEqual(['tls:40000', 'http:r-3', 'http:r-5', 'tls:40003', 'http:r-2']);
    expect(report).toMatchObject({ batches: 1, requests: 7, replayed: 3, torn: [] });
    expect(ledger.unconfirmedBatches).toBe(1);
    expect(ledger.requestLines).toBe(7);
  });
});
