import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigFileError, ConfigUnknownKeyError, ConfigValueError } from '../errors.js';
import { type LeafKind, leafKind, leafPaths, objectShape } from './introspect.js';
import { maskTree } from './print.js';
import { type Config, configSchema } from './schema.js';

/** Where the config file is looked for when no --config is given. */
export const DEFAULT_CONFIG_FILE = '/etc/ja4/ja4.yaml';
/** The one JA4_* variable that is not a key: it names the config file. */
export const CONFIG_FILE_ENV = 'JA4_CONFIG';

export interface LoadOptions {
  /** Explicit --config path: must exist. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Set false to ignore /etc/ja4/ja4.yaml (tests). */
  useDefaultFile?: boolean;
  /** Values applied over everything else (CLI flags such as --iface). */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  file?: string;
  /** Where each leaf that is not a default came from, keyed by dotted path. */
  sources: Record<string, string>;
}

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Loads the effective config: defaults < YAML file < JA4_* environment < overrides.
 * Throws a ConfigUnknownKeyError, ConfigValueError or ConfigFileError whose message is one line
 * naming the key, the value (masked when secret), where it came from and what is allowed.
 */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const sources: Record<string, string> = {};
  const merged: Tree = {};

  const file =
    opts.file ?? env[CONFIG_FILE_ENV] ?? (opts.useDefaultFile === false ? undefined : defaultFile());
  if (file) {
    const fromFile = readConfigFile(file);
    checkKnownKeys(fromFile, configSchema, [], file);
    mergeInto(merged, fromFile, [], sources, file);
  }
  mergeInto(merged, envTree(env, sources), [], {}, '');
  if (opts.overrides) {
    const tree: Tree = {};
    for (const [key, value] of Object.entries(opts.overrides)) {
      if (value === undefined) continue;
      setPath(tree, key.split('.'), value);
      sources[key] = 'command line';
    }
    checkKnownKeys(tree, configSchema, [], 'command line');
    mergeInto(merged, tree, [], {}, '');
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.map(String);
    const key = path.join('.');
    const leafKey = leafPathOf(path);
    // The value shown is taken from a masked copy: a secret (or a URL's password) is never echoed.
    const shown = getPath(maskTree(merged), path);
    throw new ConfigValueError(key, shown, issue.message, sources[leafKey] ?? 'defaults');
  }
  return { config: result.data, file, sources };
}

function defaultFile(): string | undefined {
  return existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined;
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError(file, (err as NodeJS.ErrnoException).code ?? String(err));
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigFileError(file, `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isTree(doc)) throw new ConfigFileError(file, 'the top level must be a mapping of sections');
  return doc;
}

/** Rejects keys the schema does not define, naming the first one and the keys allowed there. */
function checkKnownKeys(tree: Tree, schema: z.ZodType, prefix: string[], source: string): void {
  const shape = objectShape(schema);
  if (!shape) return;
  for (const [key, value] of Object.entries(tree)) {
    const child = shape[key];
    if (!child) {
      throw new ConfigUnknownKeyError([...prefix, key].join('.'), source, Object.keys(shape).join(', '));
    }
    if (isTree(value) && objectShape(child)) checkKnownKeys(value, child, [...prefix, key], source);
  }
}

/** Maps JA4_SECTION_KEY variables onto config paths; an unknown JA4_* name is an error. */
function envTree(env: NodeJS.ProcessEnv, sources: Record<string, string>): Tree {
  const byName = new Map<string, { path: string[]; kind: LeafKind }>();
  for (const leaf of leafPaths(configSchema)) {
    byName.set(`JA4_${leaf.path.join('_').toUpperCase()}`, { path: leaf.path, kind: leafKind(leaf.schema) });
  }
  const tree: Tree = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('JA4_') || name === CONFIG_FILE_ENV || raw === undefined) continue;
    const leaf = byName.get(name);
    if (!leaf) {
      const sample = [...byName.keys()].slice(0, 4).join(', ');
      throw new ConfigUnknownKeyError(name, 'environment', `JA4_<SECTION>_<KEY>, e.g. ${sample}, …`);
    }
    setPath(tree, leaf.path, parseEnvValue(raw, leaf.kind));
    sources[leaf.path.join('.')] = `environment ${name}`;
  }
  return tree;
}

/** Reads an environment string as the leaf's type; a value that does not parse is left to the schema. */
export function parseEnvValue(raw: string, kind: LeafKind): unknown {
  const s = raw.trim();
  switch (kind) {
    case 'number':
      return s !== '' && Number.isFinite(Number(s)) ? Number(s) : raw;
    case 'boolean':
      return s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : raw;
    case 'array':
      if (s.startsWith('[')) {
        try {
          return parseYaml(s);
        } catch {
          return raw;
        }
      }
      return s === '' ? [] : s.split(',').map((part) => coerceScalar(part.trim()));
    default:
      return raw;
  }
}

function coerceScalar(s: string): unknown {
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

function mergeInto(
  target: Tree,
  src: Tree,
  prefix: string[],
  sources: Record<string, string>,
  source: string,
) {
  for (const [key, value] of Object.entries(src)) {
    const path = [...prefix, key];
    if (isTree(value) && isTree(target[key])) {
      mergeInto(target[key] as Tree, value, path, sources, source);
    } else {
      target[key] = isTree(value) ? structuredClone(value) : value;
      if (source) recordSources(value, path, sources, source);
    }
  }
}

function recordSources(value: unknown, path: string[], sources: Record<string, string>, source: string) {
  if (isTree(value)) {
    for (const [k, v] of Object.entries(value)) recordSources(v, [...path, k], sources, source);
  } else {
    sources[path.join('.')] = source;
  }
}

/** The leaf (schema-level) path of an issue path: array indexes and array item keys are cut off. */
function leafPathOf(path: string[]): string {
  const idx = path.findIndex((p) => /^\d+$/.test(p));
  return (idx === -1 ? path : path.slice(0, idx)).join('.');
}

function getPath(tree: unknown, path: string[]): unknown {
  let cur: unknown = tree;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Tree)[key];
  }
  return cur;
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let cur = tree;
  for (const key of path.slice(0, -1)) {
    if (!isTree(cur[key])) cur[key] = {};
    cur = cur[key] as Tree;
  }
  cur[path[path.length - 1]] = value;
}
