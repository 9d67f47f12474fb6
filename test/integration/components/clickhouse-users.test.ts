import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse } from '../../../appliance/common/clickhouse.js';
import {
  defaultMigrationsDir,
  loadDictionaries,
  migrateUp,
  splitStatements,
} from '../../../appliance/common/migrate/index.js';
import {
  CLICKHOUSE_USERS_FILE,
  ENTRYPOINT_USERS_FILE,
  renderClickHouseUsersXml,
} from '../../../components/clickhouse-users.js';

// The users.d file the ClickHouse component uploads, loaded by the ClickHouse engine itself
// (chDB, `--config-file` with a users config and its users.d directory: the server's
// ConfigProcessor and users.xml parser). There is no Docker engine here, so the image is imitated:
// its users.xml (`default` open to ::/0 with access management) and the users.d/default-user.xml
// its entrypoint writes for CLICKHOUSE_USER=ja4 (removes `default`, creates `ja4`), as in
// ClickHouse/docker-library server/25.8.*/entrypoint.sh. chDB always connects as `default`, which
// is the user under test. One data directory for the file; sessions follow one another.

const dir = mkdtempSync(join(tmpdir(), 'ja4-ch-users-'));
const data = join(dir, 'data');
const ADMIN_PASSWORD = `p<&"]]>${randomBytes(6).toString('hex')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IMAGE_USERS_XML = `<clickhouse>
  <profiles><default></default><readonly><readonly>1</readonly></readonly></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
      <access_management>1</access_management>
      <named_collection_control>1</named_collection_control>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries></interval></default></quotas>
</clickhouse>
`;

/** What the entrypoint writes when CLICKHOUSE_USER is not `default` (CDATA-escaped password). */
function entrypointUsersXml(user: string, password: string): string {
  const cdata = password.replaceAll(']]>', ']]]]><![CDATA[>');
  return `<clickhouse>
  <users>
    <default remove="remove">
    </default>
    <${user}>
      <profile>default</profile>
      <networks><ip>::/0</ip></networks>
      <password><![CDATA[${cdata}]]></password>
      <quota>default</quota>
      <access_management>1</access_management>
    </${user}>
  </users>
</clickhouse>
`;
}

/** A config dir: config.xml -> users.xml + users.d/<files>; returns the config.xml path. */
function serverConfig(name: string, usersD: Record<string, string>): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'users.d'), { recursive: true });
  writeFileSync(join(root, 'users.xml'), IMAGE_USERS_XML);
  for (const [file, text] of Object.entries(usersD)) writeFileSync(join(root, 'users.d', file), text);
  const config = join(root, 'config.xml');
  writeFileSync(config, `<clickhouse><users_config>${join(root, 'users.xml')}</users_config></clickhouse>\n`);
  return config;
}

function withSession<T>(config: string, fn: (q: (sql: string) => string) => T): T {
  const session = new Session(data, { connectionArgs: [`--config-file=${config}`] });
  try {
    return fn((sql) => String(session.query(sql, 'TSV')).trim());
  } finally {
    session.close();
  }
}

const DICTIONARIES_DDL = readFileSync(
  join(defaultMigrationsDir(), '0003_create_dictionaries.up.sql'),
  'utf8',
);
/** The source tables as 0003 names them (not the component's list, which is what is tested). */
const SOURCE_TABLES = [...DICTIONARIES_DDL.matchAll(/TABLE '(\w+)'/g)].map((m) => m[1]);
const OURS = CLICKHOUSE_USERS_FILE.split('/').pop() as string;
const count = (q: (sql: string) => string, table: string) =>
  Number(q(`SELECT count() FROM ja4_processing.${table}`));

beforeAll(async () => {
  // The appliance's own schema and reference data, as `ja4 migrate up` + `ja4 dict load` leave them.
  const handle = await openClickHouse({
    url: `embedded:${data}`,
    username: 'default',
    password: '',
    cluster: '',
    request_timeout_ms: 60_000,
  });
  try {
    await migrateUp(handle.client, { dir: defaultMigrationsDir() });
    await loadDictionaries(handle.client);
    await handle.client.command({
      query: `CREATE TABLE IF NOT EXISTS ja4_processing.probe_not_granted
              (ja4 String, label String, note String) ENGINE = MergeTree ORDER BY ja4`,
    });
    await handle.client.command({
      query: `INSERT INTO ja4_processing.probe_not_granted VALUES ('t13d0000h2_000000000000_000000000000', 'x', '')`,
    });
  } finally {
    await handle.close();
  }
}, 120_000);

describe('the uploaded users.d file on the ClickHouse engine', () => {
  it('names itself after the entrypoint file, so it is merged after it', () => {
    expect(SOURCE_TABLES).toHaveLength(4);
    expect([ENTRYPOINT_USERS_FILE, OURS].sort()).toEqual([ENTRYPOINT_USERS_FILE, OURS]);
  });

  it('lets a dictionary load through the restricted user, and only from the source tables', () => {
    // Same block under another name, so the caller (`default`) stays unrestricted and can dictGet;
    // the dictionaries are 0003's, with that user named in their SOURCE.
    const probeUser = 'ja4_dict_probe';
    const config = serverConfig('probe', { [OURS]: renderClickHouseUsersXml(probeUser) });
    const ddl = DICTIONARIES_DDL.replaceAll('ja4_processing.dict_', 'ja4_processing.probe_').replaceAll(
      'SOURCE(CLICKHOUSE(',
      `SOURCE(CLICKHOUSE(USER '${probeUser}' `,
    );
    withSession(config, (q) => {
      for (const stmt of splitStatements(ddl)) q(stmt);
      q(`CREATE DICTIONARY IF NOT EXISTS ja4_processing.probe_denied (ja4 String, label String DEFAULT '')
         PRIMARY KEY ja4
         SOURCE(CLICKHOUSE(USER '${probeUser}' DB 'ja4_processing' TABLE 'probe_not_granted'))
         LIFETIME(0) LAYOUT(COMPLEX_KEY_HASHED())`);
      for (const table of SOURCE_TABLES) {
        const dict = table.replace(/^dict_/, 'probe_').replace(/_source$/, '');
        const rows = count(q, table);
        expect(rows, table).toBeGreaterThan(0);
        expect(Number(q(`SELECT count() FROM dictionary('ja4_processing.${dict}')`)), dict).toBe(rows);
      }
      // migrations/README.md: 91.121.0.0/16 is AS16276 (OVH) in the shipped data.
      expect(q(`SELECT dictGet('ja4_processing.probe_ip_asn', 'asn', tuple(toIPv6('91.121.3.4')))`)).toBe(
        '16276',
      );
      expect(() => q(`SELECT count() FROM dictionary('ja4_processing.probe_denied')`)).toThrow(
        /ACCESS_DENIED|Not enough privileges/,
      );
    });
  });

  it("keeps `default` after the entrypoint's removal: local, read-only, the source tables only", () => {
    const config = serverConfig('server', {
      [ENTRYPOINT_USERS_FILE]: entrypointUsersXml('ja4', ADMIN_PASSWORD),
      [OURS]: renderClickHouseUsersXml(),
    });
    withSession(config, (q) => {
      expect(q('SELECT currentUser()')).toBe('default');
      expect(q(`SELECT getSetting('readonly')`)).toBe('1');
      for (const table of SOURCE_TABLES) expect(count(q, table), table).toBeGreaterThan(0);
      expect(() => count(q, 'http_logs')).toThrow(/ACCESS_DENIED|Not enough privileges/);
      expect(() => count(q, 'probe_not_granted')).toThrow(/ACCESS_DENIED|Not enough privileges/);
      expect(() => q('SELECT count() FROM system.users')).toThrow(/ACCESS_DENIED|Not enough privileges/);
      expect(() =>
        q(
          `INSERT INTO ja4_processing.dict_bot_ja4_source VALUES ('t13d0000h2_000000000000_000000000001', 'x', '')`,
        ),
      ).toThrow(/ACCESS_DENIED|Not enough privileges|readonly/i);
      expect(() => q('CREATE TABLE ja4_processing.probe_x (a UInt8) ENGINE = Memory')).toThrow(
        /readonly|ACCESS_DENIED|Not enough privileges/i,
      );
    });
  });

  it('would not: merged before the entrypoint file, `default` is gone (the order matters)', () => {
    const config = serverConfig('wrong-order', {
      [ENTRYPOINT_USERS_FILE]: entrypointUsersXml('ja4', ADMIN_PASSWORD),
      [`a-${OURS}`]: renderClickHouseUsersXml(),
    });
    // chDB authenticates as `default` when it connects; with no such user it cannot.
    expect(() => withSession(config, (q) => q('SELECT currentUser()'))).toThrow();
  });
});
