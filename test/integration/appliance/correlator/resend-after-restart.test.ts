/**
 * Exactly once across a restart: a batch whose write landed but whose acknowledgement died with
 * the process is resent by the next run with the same id (README "No loss"), and ClickHouse must
 * drop it in every table the insert reaches, not only in http_logs_raw. Each engine lifetime is a
 * child process (resend-child.ts), as the correlator's restarts are; the first one applies the
 * migrations, as the first start after an upgrade does, so the views it runs are the ones the
 * migrations just created or altered (appliance/common/migrate/view-reload.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildRow } from '../../../../appliance/correlator/domain/row.js';
import { httpEvent } from '../../../unit/appliance/correlator/fixtures.js';

const CHILD = fileURLToPath(new URL('./resend-child.ts', import.meta.url));
const run = promisify(execFile);

async function child(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, dir, ...args], {
    timeout: 120_000,
  });
  return stdout.trim();
}

describe('a batch resent after a restart', () => {
  it('is stored once in http_logs_raw, http_logs and the hourly rollup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ja4-corr-resend-'));
    const rows = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify(
        buildRow(
          httpEvent({
            conn_id: `resend-${i}`,
            client_ip: '198.51.100.77',
            conn_port: 30_000 + i,
            tls: false,
          }),
          undefined,
        ),
      ),
    );
    writeFileSync(join(dir, 'batch.jsonl'), `${rows.join('\n')}\n`);

    expect(await child(dir, 'write', 'resend-run1-1')).toBe('written'); // landed, never acknowledged
    expect(await child(dir, 'write', 'resend-run1-1')).toBe('written'); // the next run resends it
    expect(JSON.parse(await child(dir, 'count'))).toEqual({ raw: 50, typed: 50, rollup: 50 });
  }, 300_000);
});
