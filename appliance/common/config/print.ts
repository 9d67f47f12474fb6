import { stringify } from 'yaml';
import { type Config, SECRET_KEYS } from './schema.js';

const MASK = '********';

/** Keys holding URLs whose user information may carry a password (`http://user:pass@host`). */
const URL_KEYS: readonly string[] = ['clickhouse.url', 'dashboard.detector_url'];

/** Query parameters that carry credentials (ClickHouse's HTTP interface takes `?password=`). */
const SECRET_PARAM = /^(password|pass|passwd|token|secret|key|access_token)$/i;

/** A copy of the config with every secret replaced by a mask (empty secrets stay empty). */
export function maskSecrets(config: Config): Record<string, unknown> {
  return maskTree(config as unknown as Record<string, unknown>);
}

/**
 * A copy of any config-shaped tree (valid or not) with every secret key masked, whatever its
 * type, and the credentials inside URL keys masked: what error messages and `config print` show.
 */
export function maskTree(tree: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(tree);
  for (const key of SECRET_KEYS) maskPath(copy, key.split('.'), () => MASK);
  for (const key of URL_KEYS) maskPath(copy, key.split('.'), (v) => (typeof v === 'string' ? maskUrl(v) : v));
  return copy;
}

/**
 * `http://user:pass@host/?password=x` → `http://user:********@host/?password=********`. Works on
 * text that does not parse as a URL too, so a malformed value is masked as well.
 */
export function maskUrl(url: string): string {
  const withUser = url.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@]*)@/,
    (_m, scheme: string, info: string) => {
      const colon = info.indexOf(':');
      return colon === -1 ? `${scheme}${info}@` : `${scheme}${info.slice(0, colon)}:${MASK}@`;
    },
  );
  return withUser.replace(/([?&;])([^=&#;]*)=([^&#;]*)/g, (m, sep: string, name: string) =>
    SECRET_PARAM.test(decodeSafe(name)) ? `${sep}${name}=${MASK}` : m,
  );
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function maskPath(node: unknown, path: string[], mask: (v: unknown) => unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) maskPath(item, path, mask);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (head in obj && obj[head] !== '' && obj[head] !== undefined && obj[head] !== null) {
      obj[head] = mask(obj[head]);
    }
    return;
  }
  maskPath(obj[head], rest, mask);
}

/** The effective config as YAML, secrets masked, for `ja4 config print`. */
export function renderConfig(config: Config): string {
  return stringify(maskSecrets(config));
}
