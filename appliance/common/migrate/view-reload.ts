/**
 * A materialized view whose query a migration changes in place (`ALTER TABLE v MODIFY QUERY`) is
 * reloaded right after, as a server restart would load it: `DETACH TABLE v`, `ATTACH TABLE v`.
 *
 * Why: after MODIFY QUERY the running ClickHouse (chDB 26.7 embedded, and any server until its
 * next restart) derives other deduplication block ids for the rows the view writes than a freshly
 * started one derives for the same insert and `insert_deduplication_token`. A batch the correlator
 * wrote before a restart and resends after it with its token (its acknowledgement died with the
 * process) is then dropped by http_logs_raw but stored a second time in http_logs and in the
 * rollups fed from it. Measured with two tables and a view: token insert, MODIFY QUERY in the same
 * process, the same insert in a new process: the view's table holds the rows twice; with the view
 * detached and attached after the ALTER, or the ALTER made in an earlier process, once
 * (test/integration/appliance/correlator/resend-after-restart.test.ts on the real schema).
 *
 * Also before the ALTER: `ATTACH TABLE IF NOT EXISTS v`, so a run cut between the DETACH and the
 * ATTACH (the migration is then not recorded) is completed by running `up` again. A plain DETACH
 * is not persistent: a server restart attaches the view again by itself.
 */
const NAME = '((?:`[^`]+`|[A-Za-z_][\\w]*)(?:\\.(?:`[^`]+`|[A-Za-z_][\\w]*))?)';
const MODIFY_QUERY_RE = new RegExp(`^ALTER\\s+TABLE\\s+${NAME}\\s+MODIFY\\s+QUERY\\b`, 'i');

/** The view a statement changes the query of, if it is a MODIFY QUERY. */
export function modifiedView(statement: string): string | undefined {
  return MODIFY_QUERY_RE.exec(statement.trim())?.[1];
}

/** Statements to run before and after a MODIFY QUERY of `view` (ON CLUSTER when `cluster` is set). */
export function viewReload(view: string, cluster: string): { before: string[]; after: string[] } {
  if (cluster && !/^[A-Za-z0-9_]+$/.test(cluster))
    throw new Error(`cluster name "${cluster}" is not an identifier`);
  const on = cluster ? ` ON CLUSTER ${cluster}` : '';
  const attach = `ATTACH TABLE IF NOT EXISTS ${view}${on}`;
  return { before: [attach], after: [`DETACH TABLE ${view}${on}`, attach] };
}
