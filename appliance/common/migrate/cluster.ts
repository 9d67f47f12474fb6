/**
 * Cluster mode "on paper": one helper turns the single-node DDL of migrations/ into its cluster
 * form (the plausible/analytics `on_cluster_statement` pattern), so no migration file spells a
 * cluster name. With `cluster` empty the statement is returned unchanged.
 *
 * - DDL gets ON CLUSTER <cluster>, so every node applies it.
 * - <X>MergeTree(args) becomes Replicated<X>MergeTree('/clickhouse/tables/{shard}/{database}/{table}',
 *   '{replica}', args): the macros come from each server's config.
 * - Each CREATE TABLE of a MergeTree-family table is followed by <name>_dist, a Distributed table
 *   over the cluster for cluster-wide reads and inserts; DROP TABLE drops it first. The traffic
 *   tables shard by client address, so one IP's requests, rollups and scores live on one shard
 *   and per-shard views (features, recurrence) are complete for each IP. Dictionary sources and
 *   the runner's tables get no twin: every node reads its own replica.
 * - INSERT INTO t SELECT ... FROM s (a migration's one-off fill) writes to t_dist and reads from
 *   s_dist, so it covers every shard and the rows land on their shard; DML has no ON CLUSTER.
 */
export const REPLICA_PATH = "'/clickhouse/tables/{shard}/{database}/{table}'";
export const REPLICA_NAME = "'{replica}'";

const NAME = '((?:`[^`]+`|[A-Za-z_][\\w]*)(?:\\.(?:`[^`]+`|[A-Za-z_][\\w]*))?)';
const CREATE_RE = new RegExp(
  `^(CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TABLE|DICTIONARY|VIEW|MATERIALIZED\\s+VIEW|DATABASE)(?:\\s+IF\\s+NOT\\s+EXISTS)?\\s+)${NAME}`,
  'i',
);
const DROP_RE = new RegExp(
  `^((?:DROP|TRUNCATE)\\s+(?:TABLE|DICTIONARY|VIEW|DATABASE)(?:\\s+IF\\s+EXISTS)?\\s+)${NAME}`,
  'i',
);
const ALTER_RE = new RegExp(`^(ALTER\\s+TABLE\\s+)${NAME}`, 'i');
const EXCHANGE_RE = new RegExp(`^(EXCHANGE\\s+(?:TABLES|DICTIONARIES)\\s+${NAME}\\s+AND\\s+)${NAME}`, 'i');
const RENAME_RE = new RegExp(`^(RENAME\\s+(?:TABLE|DICTIONARY)\\s+${NAME}\\s+TO\\s+)${NAME}`, 'i');
const INSERT_RE = new RegExp(`^(INSERT\\s+INTO\\s+)${NAME}(\\s+SELECT\\b)`, 'i');
const FROM_RE = new RegExp(`(\\bFROM\\s+)${NAME}`, 'gi');
const SYSTEM_RE = /^(SYSTEM\s+RELOAD\s+(?:DICTIONARY|DICTIONARIES))(\s|$)/i;
const ENGINE_RE =
  /ENGINE\s*=\s*(Replacing|Aggregating|Summing|Collapsing|VersionedCollapsing|)MergeTree(\s*\(([^)]*)\))?/i;
/** Sharding keys of the Distributed twins; any other table uses rand(). */
export const SHARDING_KEYS: Record<string, string> = {
  http_logs_raw: "cityHash64(JSONExtractString(raw, 'client_ip'))",
  http_logs: 'cityHash64(client_ip)',
  agg_host_ip_ja4_1h: 'cityHash64(src_ip)',
  ml_all_scores: 'cityHash64(src_ip)',
  ml_current_scores: 'cityHash64(src_ip)',
  ml_detected_anomalies: 'cityHash64(src_ip)',
  ml_ip_flagged_hours: 'cityHash64(src_ip)',
};
/** Tables read only on the node itself: no Distributed twin. */
const LOCAL_ONLY_RE = /(^|\.)`?(dict_\w+_source|schema_migrations\w*)`?$/;

const DROP_TABLE_RE = new RegExp(`^DROP\\s+TABLE(?:\\s+IF\\s+EXISTS)?\\s+${NAME}`, 'i');

/** Renders one statement for `cluster`; may return two (a table and its Distributed twin). */
export function renderForCluster(statement: string, cluster: string): string[] {
  if (!cluster) return [statement];
  if (!/^[A-Za-z0-9_]+$/.test(cluster)) throw new Error(`cluster name "${cluster}" is not an identifier`);
  const on = ` ON CLUSTER ${cluster}`;
  let s = statement;
  const create = CREATE_RE.exec(s);
  if (create) {
    s = s.replace(CREATE_RE, `$1$2${on}`);
    const engine = ENGINE_RE.exec(s);
    if (/^CREATE\s+(?:OR\s+REPLACE\s+)?TABLE/i.test(s) && engine) {
      const args = engine[3]?.trim();
      const replicated = `ENGINE = Replicated${engine[1]}MergeTree(${REPLICA_PATH}, ${REPLICA_NAME}${args ? `, ${args}` : ''})`;
      s = s.replace(ENGINE_RE, replicated);
      const name = create[2];
      return LOCAL_ONLY_RE.test(name) ? [s] : [s, distributedFor(name, cluster)];
    }
    return [s];
  }
  const dropTable = DROP_TABLE_RE.exec(s);
  if (dropTable && !LOCAL_ONLY_RE.test(dropTable[1])) {
    return [`DROP TABLE IF EXISTS ${distName(dropTable[1])}${on}`, s.replace(DROP_RE, `$1$2${on}`)];
  }
  if (DROP_RE.test(s)) return [s.replace(DROP_RE, `$1$2${on}`)];
  if (ALTER_RE.test(s)) return [s.replace(ALTER_RE, `$1$2${on}`)];
  if (EXCHANGE_RE.test(s)) return [s.replace(EXCHANGE_RE, `$1$3${on}`)];
  if (RENAME_RE.test(s)) return [s.replace(RENAME_RE, `$1$3${on}`)];
  if (SYSTEM_RE.test(s)) return [s.replace(SYSTEM_RE, `$1${on}$2`)];
  if (INSERT_RE.test(s)) {
    // Only the project's own tables have twins (not system.* or a table function's name).
    const dist = (name: string) =>
      /^`?ja4_processing`?\./.test(name) && !LOCAL_ONLY_RE.test(name) ? distName(name) : name;
    return [
      s
        .replace(INSERT_RE, (_m, head: string, name: string, tail: string) => `${head}${dist(name)}${tail}`)
        .replace(FROM_RE, (_m, head: string, name: string) => `${head}${dist(name)}`),
    ];
  }
  return [s];
}

function distName(name: string): string {
  return name.endsWith('`') ? `${name.slice(0, -1)}_dist\`` : `${name}_dist`;
}

function distributedFor(name: string, cluster: string): string {
  const [db, table] = name.includes('.') ? name.split('.') : ['currentDatabase()', name];
  const key = SHARDING_KEYS[table.replaceAll('`', '')] ?? 'rand()';
  return (
    `CREATE TABLE IF NOT EXISTS ${distName(name)} ON CLUSTER ${cluster} AS ${name} ` +
    `ENGINE = Distributed(${cluster}, ${db}, ${table}, ${key})`
  );
}
