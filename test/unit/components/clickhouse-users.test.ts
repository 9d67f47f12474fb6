import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CLICKHOUSE_USERS_FILE,
  ENTRYPOINT_USERS_FILE,
  renderClickHouseUsersXml,
} from '../../../components/clickhouse-users.js';

// The users.d file's content, checked as text against what it must guarantee. That ClickHouse
// parses it and enforces it is checked on the engine: test/integration/components/clickhouse-users.

const MIGRATIONS = fileURLToPath(new URL('../../../migrations/', import.meta.url));
const xml = renderClickHouseUsersXml();

/** The text of every <tag> element inside the first <block>…</block>. */
function inner(text: string, block: string, tag: string): string[] {
  const body = text.match(new RegExp(`<${block}[^>]*>([\\s\\S]*?)</${block}>`))?.[1] ?? '';
  return [...body.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);
}

describe('the ClickHouse users.d file', () => {
  it('defines `default`, password-less, and reachable only from loopback', () => {
    const user = inner(xml, 'users', 'password');
    expect(xml).toMatch(/<users>\s*<default>/);
    expect(user).toEqual(['']);
    expect(inner(xml, 'networks', 'ip').sort()).toEqual(['127.0.0.1', '::1']);
    // replace: the image's ::/0 must not survive the merge.
    expect(xml).toMatch(/<networks replace="replace">/);
    expect(xml).not.toMatch(/::\/0|0\.0\.0\.0|<host>|<host_regexp>/);
  });

  it('makes it read-only and lets it SELECT the dictionary source tables of 0003 and nothing else', () => {
    const profile = xml.match(/<profile>(\w+)<\/profile>/)?.[1];
    expect(profile).toBeTruthy();
    expect(inner(xml, `${profile}`, 'readonly')).toEqual(['1']);
    const ddl = readFileSync(join(MIGRATIONS, '0003_create_dictionaries.up.sql'), 'utf8');
    const tables = [...ddl.matchAll(/SOURCE\(CLICKHOUSE\(DB '(\w+)' TABLE '(\w+)'\)\)/g)].map(
      (m) => `GRANT SELECT ON ${m[1]}.${m[2]}`,
    );
    expect(tables).toHaveLength(4);
    expect(inner(xml, 'grants', 'query').sort()).toEqual(tables.sort());
    // The image's users.xml sets these to 1 for `default`; with <grants> ClickHouse refuses a 1.
    for (const flag of ['access_management', 'named_collection_control', 'show_named_collections_secrets']) {
      expect(inner(xml, 'users', flag), flag).toEqual(['0']);
    }
  });

  it('carries no credential and keeps XML comments valid', () => {
    expect(xml).not.toMatch(/password_sha256_hex|password_double_sha1_hex|from_env|CDATA/);
    for (const comment of xml.match(/<!--[\s\S]*?-->/g) ?? []) {
      expect(comment.slice(4, -3)).not.toContain('--');
    }
  });

  it('is merged after the entrypoint file that removes `default`', () => {
    expect(CLICKHOUSE_USERS_FILE.startsWith('/etc/clickhouse-server/users.d/')).toBe(true);
    const ours = CLICKHOUSE_USERS_FILE.split('/').pop() as string;
    expect(ours > ENTRYPOINT_USERS_FILE).toBe(true);
  });

  it('relies on dictionaries that name no user or password, in every migration', () => {
    for (const f of readdirSync(MIGRATIONS).filter((n) => n.endsWith('.sql'))) {
      const sql = readFileSync(join(MIGRATIONS, f), 'utf8');
      for (const m of sql.matchAll(/SOURCE\(CLICKHOUSE\(([^)]*)\)\)/g)) {
        expect(m[1], f).not.toMatch(/\b(USER|PASSWORD|HOST|PORT)\b/i);
      }
    }
  });

  it('refuses a user name that would break the XML', () => {
    expect(renderClickHouseUsersXml('probe_1')).toMatch(/<probe_1>/);
    expect(() => renderClickHouseUsersXml('a><b')).toThrow(/invalid/);
  });
});
