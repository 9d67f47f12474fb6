import { describe, expect, it } from 'vitest';
import { readMigrations, splitStatements } from '../../../../../appliance/common/migrate/index.js';
import { modifiedView, viewReload } from '../../../../../appliance/common/migrate/view-reload.js';

describe('view reload after MODIFY QUERY', () => {
  it('names the view a statement changes the query of, and no other statement', () => {
    expect(modifiedView('ALTER TABLE ja4_processing.mv_http_logs MODIFY QUERY\nWITH 1 AS x SELECT x')).toBe(
      'ja4_processing.mv_http_logs',
    );
    expect(modifiedView('  alter table `ja4_processing`.`mv x`  modify query SELECT 1')).toBe(
      '`ja4_processing`.`mv x`',
    );
    expect(
      modifiedView('ALTER TABLE ja4_processing.http_logs ADD COLUMN IF NOT EXISTS a String'),
    ).toBeUndefined();
    expect(modifiedView('ALTER TABLE ja4_processing.t MODIFY TTL ts + INTERVAL 3 DAY')).toBeUndefined();
    expect(modifiedView('ALTER TABLE ja4_processing.t MODIFY QUERYX')).toBeUndefined();
  });

  it('attaches before (a cut run completed), detaches and attaches after, on the cluster when set', () => {
    expect(viewReload('ja4_processing.mv', '')).toEqual({
      before: ['ATTACH TABLE IF NOT EXISTS ja4_processing.mv'],
      after: ['DETACH TABLE ja4_processing.mv', 'ATTACH TABLE IF NOT EXISTS ja4_processing.mv'],
    });
    expect(viewReload('ja4_processing.mv', 'c1').after).toEqual([
      'DETACH TABLE ja4_processing.mv ON CLUSTER c1',
      'ATTACH TABLE IF NOT EXISTS ja4_processing.mv ON CLUSTER c1',
    ]);
    expect(() => viewReload('ja4_processing.mv', 'c1; DROP')).toThrow(/not an identifier/);
  });

  it('finds the shipped migrations that alter a view in place (0024 and 0033, up and down)', () => {
    const found = readMigrations().flatMap((m) =>
      [...splitStatements(m.up), ...splitStatements(m.down)]
        .flatMap((s) => modifiedView(s) ?? [])
        .map((v) => `${m.version}:${v}`),
    );
    expect(found).toEqual([
      '24:ja4_processing.mv_http_logs',
      '24:ja4_processing.mv_http_logs',
      '33:ja4_processing.mv_agg_host_ip_ja4_1h',
      '33:ja4_processing.mv_agg_host_ip_ja4_1h',
    ]);
  });
});
