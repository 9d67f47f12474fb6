import { describe, expect, it } from 'vitest';
import {
  readMigrations,
  renderForCluster,
  splitStatements,
} from '../../../../../appliance/common/migrate/index.js';

const C = 'ja4_cluster';
const PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

describe('renderForCluster', () => {
  it('leaves statements alone without a cluster', () => {
    const s = 'CREATE TABLE IF NOT EXISTS ja4_processing.t (x UInt8) ENGINE = MergeTree ORDER BY x';
    expect(renderForCluster(s, '')).toEqual([s]);
  });

  it('renders a MergeTree table as Replicated plus a Distributed twin', () => {
    const s = 'CREATE TABLE IF NOT EXISTS ja4_processing.t (x UInt8) ENGINE = MergeTree ORDER BY x';
    expect(renderForCluster(s, C)).toEqual([
      `CREATE TABLE IF NOT EXISTS ja4_processing.t ON CLUSTER ja4_cluster (x UInt8) ENGINE = ReplicatedMergeTree(${PATH}) ORDER BY x`,
      'CREATE TABLE IF NOT EXISTS ja4_processing.t_dist ON CLUSTER ja4_cluster AS ja4_processing.t ENGINE = Distributed(ja4_cluster, ja4_processing, t, rand())',
    ]);
  });

  it('keeps engine arguments after the replication path', () => {
    const s = 'CREATE TABLE IF NOT EXISTS db.a (v DateTime) ENGINE = ReplacingMergeTree(v) ORDER BY v';
    expect(renderForCluster(s, C)[0]).toBe(
      `CREATE TABLE IF NOT EXISTS db.a ON CLUSTER ja4_cluster (v DateTime) ENGINE = ReplicatedReplacingMergeTree(${PATH}, v) ORDER BY v`,
    );
    const agg = 'CREATE TABLE db.b (k UInt8) ENGINE = AggregatingMergeTree ORDER BY k';
    expect(renderForCluster(agg, C)[0]).toContain(
      `ENGINE = ReplicatedAggregatingMergeTree(${PATH}) ORDER BY k`,
    );
  });

  it('runs a one-off INSERT ... SELECT through the Distributed twins, every shard at once', () => {
    const s =
      'INSERT INTO ja4_processing.t SELECT DISTINCT a FROM ja4_processing.s WHERE a IN (SELECT a FROM system.one)';
    expect(renderForCluster(s, C)).toEqual([
      'INSERT INTO ja4_processing.t_dist SELECT DISTINCT a FROM ja4_processing.s_dist WHERE a IN (SELECT a FROM system.one)',
    ]);
    expect(renderForCluster(s, '')).toEqual([s]);
  });

  it('puts ON CLUSTER where ClickHouse expects it for other statements', () => {
    expect(renderForCluster('DROP TABLE IF EXISTS db.t', C)).toEqual([
      'DROP TABLE IF EXISTS db.t_dist ON CLUSTER ja4_cluster',
      'DROP TABLE IF EXISTS db.t ON CLUSTER ja4_cluster',
    ]);
    expect(renderForCluster('DROP DICTIONARY IF EXISTS db.d', C)).toEqual([
      'DROP DICTIONARY IF EXISTS db.d ON CLUSTER ja4_cluster',
    ]);
    expect(renderForCluster('EXCHANGE TABLES db.a AND db.b', C)).toEqual([
      'EXCHANGE TABLES db.a AND db.b ON CLUSTER ja4_cluster',
    ]);
    expect(renderForCluster('SYSTEM RELOAD DICTIONARY db.d', C)).toEqual([
      'SYSTEM RELOAD DICTIONARY ON CLUSTER ja4_cluster db.d',
    ]);
    expect(renderForCluster('ALTER TABLE db.t MODIFY TTL x + INTERVAL 3 DAY', C)).toEqual([
      'ALTER TABLE db.t ON CLUSTER ja4_cluster MODIFY TTL x + INTERVAL 3 DAY',
    ]);
    expect(renderForCluster('CREATE VIEW IF NOT EXISTS db.v AS SELECT 1', C)).toEqual([
      'CREATE VIEW IF NOT EXISTS db.v ON CLUSTER ja4_cluster AS SELECT 1',
    ]);
    expect(renderForCluster('CREATE TABLE IF NOT EXISTS db.s AS db.t', C)).toEqual([
      'CREATE TABLE IF NOT EXISTS db.s ON CLUSTER ja4_cluster AS db.t',
    ]);
  });

  it('rejects a cluster name that is not an identifier', () => {
    expect(() => renderForCluster('DROP TABLE db.t', "x'; DROP")).toThrow(/not an identifier/);
  });

  it('renders every shipped statement with ON CLUSTER and no plain MergeTree engine', () => {
    for (const m of readMigrations()) {
      for (const sql of [m.up, m.down]) {
        for (const statement of splitStatements(sql)) {
          for (const out of renderForCluster(statement, C)) {
            // DML has no ON CLUSTER: a one-off fill goes through the Distributed twins.
            if (/^INSERT/i.test(out)) expect(out).toMatch(/^INSERT INTO ja4_processing\.\w+_dist\s/);
            else expect(out, out.slice(0, 80)).toContain(' ON CLUSTER ja4_cluster');
            expect(out).not.toMatch(/ENGINE\s*=\s*(Replacing|Aggregating)?MergeTree\b/);
          }
        }
      }
    }
    const [http] = readMigrations().filter((m) => m.name === 'create_http_logs');
    const rendered = splitStatements(http.up).flatMap((s) => renderForCluster(s, C));
    expect(rendered).toHaveLength(2);
    expect(rendered[0]).toMatch(
      /^CREATE TABLE IF NOT EXISTS ja4_processing\.http_logs ON CLUSTER ja4_cluster\s*\(/,
    );
    expect(rendered[0]).toContain(`ENGINE = ReplicatedMergeTree(${PATH})\nPARTITION BY toDate(ts)`);
    expect(rendered[1]).toBe(
      'CREATE TABLE IF NOT EXISTS ja4_processing.http_logs_dist ON CLUSTER ja4_cluster AS ja4_processing.http_logs ENGINE = Distributed(ja4_cluster, ja4_processing, http_logs, cityHash64(client_ip))',
    );
  });

  it('gives dictionary sources and bookkeeping tables no Distributed twin', () => {
    const src =
      'CREATE TABLE IF NOT EXISTS ja4_processing.dict_bot_ip_source (n String) ENGINE = MergeTree ORDER BY n';
    expect(renderForCluster(src, C)).toHaveLength(1);
    expect(renderForCluster('DROP TABLE IF EXISTS ja4_processing.dict_bot_ip_source', C)).toEqual([
      'DROP TABLE IF EXISTS ja4_processing.dict_bot_ip_source ON CLUSTER ja4_cluster',
    ]);
    const lock =
      'CREATE TABLE IF NOT EXISTS ja4_processing.schema_migrations_lock (g UInt64) ENGINE = MergeTree ORDER BY g';
    expect(renderForCluster(lock, C)).toEqual([
      `CREATE TABLE IF NOT EXISTS ja4_processing.schema_migrations_lock ON CLUSTER ja4_cluster (g UInt64) ENGINE = ReplicatedMergeTree(${PATH}) ORDER BY g`,
    ]);
  });
});
