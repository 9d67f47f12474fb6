import type { ClickHouseClient } from '../common/index.js';
import { CycleQueryError } from './errors.js';

/**
 * The TLS client family of a JA4, from the ja4_family reference list (dict_ja4_family_source:
 * FoxIO's JA4 mapping rows and our own captures): the whole JA4 first, then its JA4_b, the hash
 * of the sorted cipher list, which a TLS stack keeps across versions (FoxIO JA4.md: JA4_b is the
 * "cipher suite" part; browsers of one engine share it). A JA4 neither names falls back to the
 * shape of JA4_a: a ClientHello without ALPN or with http/1.1 only, to a bare IP, or capped below
 * TLS 1.3 is a library's, since every current browser sends SNI, ALPN h2 and TLS 1.3.
 */
export type TlsFamily = 'chromium' | 'firefox' | 'safari' | 'tool' | 'malware' | 'other' | 'unknown' | 'none';

export interface FamilyEntry {
  family: TlsFamily;
  application: string;
  library: string;
}

export interface TlsIdentity extends FamilyEntry {
  /** How it was found: the whole JA4, its cipher hash, the JA4_a shape, or nothing to go on. */
  by: 'ja4' | 'cipher_hash' | 'shape' | 'none';
}

export type FamilyTable = ReadonlyMap<string, FamilyEntry>;

const NONE: TlsIdentity = { family: 'none', application: '', library: '', by: 'none' };

/** Reads the list (a few hundred rows) once per cycle. */
export async function readFamilyTable(client: ClickHouseClient): Promise<FamilyTable> {
  try {
    const rs = await client.query({
      query: 'SELECT key, family, application, library FROM ja4_processing.dict_ja4_family_source',
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ key: string } & FamilyEntry>();
    return new Map(
      rows.map((r) => [r.key, { family: r.family, application: r.application, library: r.library }]),
    );
  } catch (err) {
    throw new CycleQueryError('reading dict_ja4_family_source', err);
  }
}

/** The family of a JA4 ('' = no TLS on the connection). */
export function tlsIdentity(ja4: string, table: FamilyTable): TlsIdentity {
  if (ja4 === '') return NONE;
  const exact = table.get(ja4);
  if (exact) return { ...exact, by: 'ja4' };
  const parts = ja4.split('_');
  const byHash = table.get(`b:${parts[1] ?? ''}`);
  if (byHash) return { ...byHash, by: 'cipher_hash' };
  const a = parts[0] ?? '';
  if (a.length < 10) return { family: 'unknown', application: '', library: '', by: 'none' };
  const version = a.slice(1, 3);
  const sni = a[3];
  const alpn = a.slice(8, 10);
  if (alpn === '00' || alpn === 'h1' || sni === 'i' || (version !== '13' && a[0] === 't')) {
    return { family: 'tool', application: '', library: '', by: 'shape' };
  }
  return { family: 'unknown', application: '', library: '', by: 'none' };
}

/** Whether a family is one of the browser engines. */
export function isBrowserFamily(f: TlsFamily): f is 'chromium' | 'firefox' | 'safari' {
  return f === 'chromium' || f === 'firefox' || f === 'safari';
}
