import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { DATABASE } from '../clickhouse.js';

/**
 * reference_lists (migration 0028): one row per reference list as last loaded, with where it came
 * from, its version, the date of its data, its licence and the attribution it requires. The loader
 * writes it; the detector's API (GET /reference) and the dashboard read it.
 */
export interface ReferenceList {
  list: string;
  source: string;
  version: string;
  source_date: string;
  rows: number;
  licence: string;
  attribution: string;
  url: string;
}

export interface ReferenceListState extends ReferenceList {
  loaded_at: string;
  /** Whole days between source_date and now. */
  age_days: number;
}

export const REFERENCE_TABLE = `${DATABASE}.reference_lists`;

/** Records lists as loaded now. */
export async function recordReferenceLists(
  client: ClickHouseClient,
  lists: readonly ReferenceList[],
): Promise<void> {
  if (lists.length === 0) return;
  const loaded_at = new Date().toISOString().replace('T', ' ').replace('Z', '');
  await client.insert({
    table: REFERENCE_TABLE,
    values: lists.map((l) => ({ ...l, loaded_at })),
    format: 'JSONEachRow',
    clickhouse_settings: { async_insert: 0 },
  });
}

/** The newest load of every list, with its age. */
export async function readReferenceLists(
  client: ClickHouseClient,
  now = new Date(),
): Promise<ReferenceListState[]> {
  const rs = await client.query({
    query: `SELECT list, source, version, toString(source_date) AS source_date, toUInt64(rows) AS rows, licence,
                   attribution, url, formatDateTime(last_load, '%FT%TZ') AS loaded_at
            FROM (
              SELECT list, argMax(source, loaded_at) AS source, argMax(version, loaded_at) AS version,
                     argMax(source_date, loaded_at) AS source_date, argMax(rows, loaded_at) AS rows,
                     argMax(licence, loaded_at) AS licence, argMax(attribution, loaded_at) AS attribution,
                     argMax(url, loaded_at) AS url, max(loaded_at) AS last_load
              FROM ${REFERENCE_TABLE} GROUP BY list
            )
            ORDER BY list`,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await rs.json<Omit<ReferenceListState, 'age_days'>>();
  return rows.map((r) => ({
    ...r,
    rows: Number(r.rows),
    age_days: Math.max(
      0,
      Math.floor((now.getTime() - Date.parse(`${r.source_date}T00:00:00Z`)) / 86_400_000),
    ),
  }));
}

/**
 * An installed npm package's version and folder. npm normalises the files' dates, so a package
 * carries no date of its data unless its version says it (ip-location-db's does); callers use the
 * load date otherwise.
 */
export function packageInfo(name: string): { version: string; root: string } | undefined {
  // The node_modules folders Node would search, since a package's "exports" may hide package.json.
  for (const dir of createRequire(import.meta.url).resolve.paths(name) ?? []) {
    const file = join(dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version: string };
    return { version: pkg.version, root: dirname(file) };
  }
  return undefined;
}
