import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCsv } from './csv.js';
import { DICTIONARY_SPECS, type DictionarySpec, PROVENANCE_CHECKS } from './dictionary-specs.js';
import { DictionaryFilesError, DictionaryRowError } from './errors.js';
import { RANGE_FILES } from './ip-asn-ranges.js';

export type Row = Record<string, string | number>;

/** Where a list came from: every row carries it (source, source_version, source_date). */
export interface Provenance {
  source: string;
  source_version: string;
  source_date: string;
}

export interface ParsedFile {
  spec: DictionarySpec;
  rows: Row[];
  /** The file's own provenance (rows may name another in their provenance columns). */
  provenance: Provenance;
}

/** A file's provenance when its rows carry none: its name, a digest of its text, its date. */
export function fileProvenance(path: string, text: string, label = basename(path)): Provenance {
  return {
    source: label,
    source_version: `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`,
    source_date: statSync(path).mtime.toISOString().slice(0, 10),
  };
}

/**
 * Parses and validates the known files present in `dir`; throws on the first bad row. A folder
 * may also hold only range files (asn-ipv4.csv and the like), which the caller loads itself.
 */
export function readDictionaryFiles(dir: string, sourceLabel?: (file: string) => string): ParsedFile[] {
  if (!existsSync(dir)) throw new DictionaryFilesError(dir, 'folder not found');
  const known = new Map(DICTIONARY_SPECS.map((s) => [s.file, s]));
  const ranges = new Set(RANGE_FILES.map((r) => r.file));
  const present = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  for (const f of present) {
    if (!known.has(f) && !ranges.has(f)) {
      const names = [...known.keys(), ...ranges].join(', ');
      throw new DictionaryFilesError(dir, `${f} is not one of ${names}`);
    }
  }
  if (present.length === 0) {
    throw new DictionaryFilesError(dir, `no CSV file (${[...known.keys(), ...ranges].join(', ')})`);
  }
  return DICTIONARY_SPECS.filter((s) => present.includes(s.file)).map((spec) => {
    const path = join(dir, spec.file);
    const text = readFileSync(path, 'utf8');
    const provenance = fileProvenance(path, text, sourceLabel?.(spec.file));
    return { spec, provenance, rows: parseDictionaryCsv(spec, text, path, provenance) };
  });
}

/**
 * One file's rows, checked column by column. The header is the spec's columns, optionally
 * followed by its provenance columns; rows of a file without them get `provenance`.
 */
export function parseDictionaryCsv(
  spec: DictionarySpec,
  text: string,
  file = spec.file,
  provenance: Provenance = { source: spec.file, source_version: '', source_date: '1970-01-01' },
): Row[] {
  const csv = parseCsv(text);
  if (!csv.ok) throw new DictionaryRowError(file, csv.line, csv.reason);
  const [header, ...records] = csv.records;
  const base = spec.columns.map((c) => c.name);
  const full = [...base, ...spec.provenance];
  const got = header?.fields.join(',');
  const withProvenance = got === full.join(',');
  if (!header || (got !== base.join(',') && !withProvenance)) {
    throw new DictionaryRowError(
      file,
      header?.line ?? 1,
      `the header must be ${base.join(',')} (optionally followed by ,${spec.provenance.join(',')})`,
    );
  }
  const width = withProvenance ? full.length : base.length;
  const seen = new Map<string | number, number>();
  return records.map(({ line, fields }) => {
    if (fields.length !== width)
      throw new DictionaryRowError(file, line, `${fields.length} fields, expected ${width}`);
    const row: Row = {};
    spec.columns.forEach((col, i) => {
      const result = col.check(fields[i]);
      if (!result.ok) throw new DictionaryRowError(file, line, `${col.name}: ${result.reason}`);
      row[col.name] = result.value;
    });
    spec.provenance.forEach((name, i) => {
      if (!withProvenance) {
        row[name] = provenance[name];
        return;
      }
      const result = PROVENANCE_CHECKS[name](fields[base.length + i]);
      if (!result.ok) throw new DictionaryRowError(file, line, `${name}: ${result.reason}`);
      row[name] = result.value;
    });
    const key = row[spec.key];
    const first = seen.get(key);
    if (first !== undefined)
      throw new DictionaryRowError(file, line, `${spec.key} ${key} repeats line ${first}`);
    seen.set(key, line);
    return row;
  });
}
