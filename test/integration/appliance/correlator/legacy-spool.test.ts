/**
 * A spool left by a version before the log (one `<seq>_<batch id>.batch` file per batch) is moved
 * into the log at start and sent first, with its batch ids; its files are removed.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRow } from '../../../../appliance/correlator/domain/row.js';
import type { Batch } from '../../../../appliance/correlator/ports/batch.js';
import { startCorrelator } from '../../../../appliance/correlator/service.js';
import { httpEvent } from '../../../unit/appliance/correlator/fixtures.js';
import { quietLog, testConfig, until } from './helpers.js';

describe('a spool of an older version', () => {
  it('is sent first, in order, with its batch ids, and its files are removed', async () => {
    const cfg = testConfig();
    const dir = cfg.config.correlator.spool_dir;
    mkdirSync(dir, { recursive: true });
    const row = (id: string) => JSON.stringify(buildRow(httpEvent({ conn_id: id, tls: false }), undefined));
    writeFileSync(join(dir, '0000000000000001_old-1.batch'), `${row('a')}\n${row('b')}\n`);
    writeFileSync(join(dir, '0000000000000002_old-2.batch'), `${row('c')}\n`);
    writeFileSync(join(dir, '0000000000000003_old-3.batch.tmp'), 'half written');
    const got: Batch[] = [];
    const handle = await startCorrelator({
      config: cfg.config,
      log: quietLog,
      sink: { name: 'memory', write: async (b) => void got.push(b), close: async () => {} },
    });
    try {
      await until(() => got.length === 2, 5000, 'both old batches');
      expect(got.map((b) => [b.id, b.rows])).toEqual([
        ['old-1', 2],
        ['old-2', 1],
      ]);
      expect(readdirSync(dir).filter((f) => f.includes('.batch'))).toEqual([]);
    } finally {
      await handle.close();
    }
    expect(existsSync(join(dir, '0000000000000003_old-3.batch.tmp'))).toBe(false);
  });
});
