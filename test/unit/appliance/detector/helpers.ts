import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DICTIONARY_SPECS,
  defaultDictionariesDir,
  parseDictionaryCsv,
} from '../../../../appliance/common/migrate/index.js';
import type { FeatureRow } from '../../../../appliance/detector/features.js';
import type { FamilyEntry, FamilyTable } from '../../../../appliance/detector/tls-family.js';

/** The shipped ja4_family.csv, as a cycle reads it from ClickHouse. */
export const FAMILIES: FamilyTable = new Map(
  parseDictionaryCsv(
    DICTIONARY_SPECS.find((s) => s.file === 'ja4_family.csv')!,
    readFileSync(join(defaultDictionariesDir(), 'ja4_family.csv'), 'utf8'),
  ).map((r) => [
    String(r.key),
    { family: r.family, application: r.application, library: r.library } as FamilyEntry,
  ]),
);

export const CHROME = 't13d1516h2_8daaf6152771_e5627efa2ab1';
export const CURL = 't13d3112h2_e8f1e7e78f70_b26ce05bbdd6';
export const CHROME_WIN_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36';

/** A coherent human row (Windows Chrome on Orange); override what a test needs. */
export function row(over: Partial<FeatureRow> = {}): FeatureRow {
  return {
    hour: '2026-11-21 10:00:00',
    host: 'shop.example.fr',
    src_ip: '90.1.2.3',
    ja4: CHROME,
    requests: 10,
    distinct_paths: 6,
    ratio_4xx: 0,
    ratio_5xx: 0,
    ratio_post: 0,
    login_hits: 0,
    distinct_user_agents: 1,
    mean_header_count: 14,
    top_user_agent: CHROME_WIN_UA,
    tcp_ttl: 116,
    tcp_window: 64240,
    tcp_mss: 1460,
    tcp_options: '2-1-3-1-1-4',
    asn: 3215,
    asn_name: 'Orange',
    asn_label: 'isp',
    bot_ip_label: '',
    bot_ja4_label: '',
    ...over,
  };
}
