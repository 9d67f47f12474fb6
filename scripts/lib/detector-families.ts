import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DICTIONARY_SPECS,
  defaultDictionariesDir,
  parseDictionaryCsv,
} from '../../appliance/common/migrate/index.js';
import type { FamilyEntry, FamilyTable } from '../../appliance/detector/tls-family.js';

/** The shipped ja4_family.csv as the detector reads it from ClickHouse (benchmarks without an engine). */
export function shippedFamilies(): FamilyTable {
  const spec = DICTIONARY_SPECS.find((s) => s.file === 'ja4_family.csv');
  if (!spec) return new Map();
  const rows = parseDictionaryCsv(
    spec,
    readFileSync(join(defaultDictionariesDir(), 'ja4_family.csv'), 'utf8'),
  );
  return new Map(
    rows.map((r) => [
      String(r.key),
      { family: r.family, application: r.application, library: r.library } as FamilyEntry,
    ]),
  );
}
