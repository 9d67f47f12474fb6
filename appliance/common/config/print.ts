import { stringify } from 'yaml';
import { type Config, SECRET_KEYS } from './schema.js';

const MASK = '********';

/** A copy of the config with every secret replaced by a mask (empty secrets stay empty). */
export function maskSecrets(config: Config): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const key of SECRET_KEYS) maskPath(copy, key.split('.'));
  return copy;
}

function maskPath(node: unknown, path: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) maskPath(item, path);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (typeof obj[head] === 'string' && obj[head] !== '') obj[head] = MASK;
    return;
  }
  maskPath(obj[head], rest);
}

/** The effective config as YAML, secrets masked, for `ja4 config print`. */
export function renderConfig(config: Config): string {
  return stringify(maskSecrets(config));
}
