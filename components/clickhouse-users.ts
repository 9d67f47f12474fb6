/**
 * The users.d file the ClickHouse component uploads into the server container, so the
 * dictionaries of migrations/0003 keep loading on a server whose appliance user has a password.
 *
 * Why it is needed: 0003 reads each source table with `SOURCE(CLICKHOUSE(DB … TABLE …))` and no
 * USER/PASSWORD (house rule: no secrets in DDL), so the server runs the source query in-process as
 * user `default` with an empty password. The image's entrypoint, given CLICKHOUSE_USER=ja4 and a
 * password, writes users.d/default-user.xml that removes `default` (`<default remove="remove">`)
 * and creates `ja4`: every dictGet then fails with an authentication error.
 *
 * What this file does: it (re)defines `default` as a password-less, read-only user that can only
 * be reached from inside the container (::1 and 127.0.0.1) and may only SELECT the four
 * dictionary source tables. The appliance keeps using `ja4` with its secret password, still
 * created by the entrypoint (which escapes any character of the password). The file holds no
 * secret, so the DDL, this file and the engine (chDB, whose `default` is password-less already)
 * stay as they are.
 *
 * Why it works (checked against the ClickHouse code and on the engine by
 * test/integration/components/clickhouse-users.test.ts):
 * - users.d files are merged in file-name order, so this file, named after `default-user.xml`,
 *   adds `default` back after the entrypoint removed it (and merges into it where an image or
 *   CLICKHOUSE_SKIP_USER_SETUP kept it).
 * - an in-process dictionary source authenticates through the LOCAL interface with no peer
 *   address, which ClickHouse treats as 127.0.0.1; no socket can present that address from outside
 *   the container's network namespace (Docker's port publishing arrives from the bridge gateway).
 * - the server authenticates on the socket peer, not on X-Forwarded-For (auth_use_forwarded_address
 *   is off by default), so a proxy cannot impersonate loopback either.
 */

/** Where the server reads it; the name must sort after the entrypoint's `default-user.xml`. */
export const CLICKHOUSE_USERS_FILE = '/etc/clickhouse-server/users.d/ja4-users.xml';
/** The file the image's entrypoint (re)writes on every start; ours must merge after it. */
export const ENTRYPOINT_USERS_FILE = 'default-user.xml';
/** The user the dictionaries' SOURCE(CLICKHOUSE(…)) runs as when it names none. */
export const LOCAL_SOURCE_USER = 'default';
/** Settings profile of that user, defined in the same file so it does not depend on the image's. */
export const LOCAL_SOURCE_PROFILE = 'ja4_dictionary_source';
/** Loopback only: the in-process source query, and nothing from another network namespace. */
export const LOCAL_SOURCE_NETWORKS = ['::1', '127.0.0.1'] as const;

/**
 * The tables the dictionaries of migrations/0003 read (ja4_processing.<table>). Components import
 * nothing from appliance/, so the list lives here; a unit test checks it against 0003's SOURCEs.
 */
export const DICTIONARY_SOURCE_TABLES = [
  'dict_ip_asn_source',
  'dict_asn_reputation_source',
  'dict_bot_ip_source',
  'dict_bot_ja4_source',
] as const;

/**
 * The users.d XML. `user` is `default` in production (the name the DDL implies); tests render the
 * same block under another name to load a dictionary through it on the embedded engine.
 *
 * Element by element:
 * - `<password></password>`: explicitly password-less (a user re-added after `remove` starts
 *   empty, and an empty password merges cleanly into the image's own `default`).
 * - `networks replace`: drop the image's `::/0` instead of adding to it.
 * - `access_management`, `named_collection_control`, `show_named_collections_secrets` set to 0:
 *   the image's users.xml sets the first two to 1 for `default`, and ClickHouse refuses any of
 *   them set together with `<grants>` ("Any other access control settings can't be specified").
 * - `grants replace`: SELECT on the four source tables and nothing else (no dictGet, no system
 *   tables, no table functions); grants name tables, so EXCHANGE TABLES by `ja4 dict load` keeps
 *   them, and they may precede the tables' creation.
 * - profile `readonly = 1`: no writes and no setting changes, whatever a grant would allow.
 * Comments in the XML avoid double hyphens, which XML forbids inside a comment.
 */
export function renderClickHouseUsersXml(user: string = LOCAL_SOURCE_USER): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(user)) throw new Error(`invalid ClickHouse user name ${user}`);
  const ips = LOCAL_SOURCE_NETWORKS.map((ip) => `        <ip>${ip}</ip>`).join('\n');
  const grants = DICTIONARY_SOURCE_TABLES.map(
    (t) => `        <query>GRANT SELECT ON ja4_processing.${t}</query>`,
  ).join('\n');
  return `<?xml version="1.0"?>
<!-- Written by the ja4 Pulumi ClickHouse component (components/clickhouse-users.ts).
     The dictionaries of migrations/0003 read their source tables in-process as user ${user};
     this keeps that user, password-less, local-only, read-only and limited to those tables. -->
<clickhouse>
  <profiles>
    <${LOCAL_SOURCE_PROFILE}>
      <readonly>1</readonly>
    </${LOCAL_SOURCE_PROFILE}>
  </profiles>
  <users>
    <${user}>
      <password></password>
      <networks replace="replace">
${ips}
      </networks>
      <profile>${LOCAL_SOURCE_PROFILE}</profile>
      <quota>default</quota>
      <access_management>0</access_management>
      <named_collection_control>0</named_collection_control>
      <show_named_collections_secrets>0</show_named_collections_secrets>
      <grants replace="replace">
${grants}
      </grants>
    </${user}>
  </users>
</clickhouse>
`;
}
