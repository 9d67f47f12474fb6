import ipaddr from 'ipaddr.js';
import { DATABASE } from '../clickhouse.js';

/** A column validator: the value to store, or the reason the field is refused. */
type Check = (value: string) => { ok: true; value: string | number } | { ok: false; reason: string };

export interface DictionarySpec {
  /** File name in the dictionaries folder. */
  file: string;
  dictionary: string;
  /** Source table the dictionary reads (migration 0002). */
  table: string;
  /** The header, exactly, and one check per column. */
  columns: { name: string; check: Check }[];
  /** The column that must be unique. */
  key: string;
  /**
   * Provenance columns a file may add after `columns` (source, source_version, source_date); a
   * file without them gets the file's own provenance (its name, a digest of its text, its date).
   */
  provenance: readonly ProvenanceColumn[];
  /** Name of the list in reference_lists. */
  list: string;
}

export type ProvenanceColumn = 'source' | 'source_version' | 'source_date';
const PROVENANCE: readonly ProvenanceColumn[] = ['source', 'source_version', 'source_date'];

const checkDate: Check = (value) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
    ? { ok: true, value }
    : { ok: false, reason: `"${value}" is not a date (YYYY-MM-DD)` };

/** The check of a provenance column. */
export const PROVENANCE_CHECKS: Record<ProvenanceColumn, Check> = {
  source: (value) => nonEmpty(200)(value),
  source_version: (value) => nonEmpty(100)(value),
  source_date: checkDate,
};

const LABEL_RE = /^[a-z][a-z0-9_-]{0,31}$/;
/** The kinds of network an ASN is (asn_reputation.csv's label; asn-kind.ts classifies names into them). */
export const ASN_KINDS = [
  'isp',
  'mobile',
  'hosting',
  'cloud',
  'cdn',
  'vpn',
  'tor',
  'education',
  'government',
  'business',
  'unknown',
] as const;
export type AsnKind = (typeof ASN_KINDS)[number];
/**
 * The kinds people browse from (the detector's access networks, appliance/detector/network.ts):
 * what the dashboard takes as human traffic when it needs a baseline of people.
 */
export const ACCESS_ASN_KINDS: readonly AsnKind[] = ['isp', 'mobile', 'education', 'government', 'business'];
/** TLS client families (ja4_family.csv). */
export const TLS_FAMILIES = ['chromium', 'firefox', 'safari', 'tool', 'malware', 'other'] as const;
/** JA4 (FoxIO JA4.md): a = proto t/q/d, version, d/i, 2-digit cipher and extension counts, ALPN. */
const JA4_RE = /^[tqd](?:1[0-3]|s[23]|d[1-3]|00)[di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;

/** A CIDR (or a bare address, stored as /32 or /128) whose host bits are zero. */
export const checkNetwork: Check = (value) => {
  const text = value.trim();
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    [addr, bits] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
  } catch {
    return { ok: false, reason: `"${value}" is not an IP address or CIDR range` };
  }
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  if (bits < 0) bits = max;
  const bytes = addr.toByteArray();
  for (let bit = bits; bit < max; bit++) {
    if (bytes[bit >> 3] & (0x80 >> (bit & 7))) {
      return { ok: false, reason: `"${value}" has host bits set beyond /${bits}` };
    }
  }
  return { ok: true, value: `${addr.toString()}/${bits}` };
};

export const checkAsn: Check = (value) => {
  const m = /^(?:AS)?(\d{1,10})$/i.exec(value.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n >= 1 && n <= 4_294_967_295))
    return { ok: false, reason: `"${value}" is not an AS number 1..4294967295` };
  return { ok: true, value: n };
};

export const checkLabel: Check = (value) =>
  LABEL_RE.test(value)
    ? { ok: true, value }
    : { ok: false, reason: `label "${value}" must be lower-case letters, digits, _ or - (at most 32)` };

export const checkJa4: Check = (value) =>
  JA4_RE.test(value)
    ? { ok: true, value }
    : { ok: false, reason: `"${value}" is not a JA4 fingerprint (t13d1516h2_8daaf6152771_02713d6af862)` };

const checkKind: Check = (value) =>
  (ASN_KINDS as readonly string[]).includes(value)
    ? { ok: true, value }
    : { ok: false, reason: `kind "${value}" must be one of ${ASN_KINDS.join(', ')}` };

const checkFamily: Check = (value) =>
  (TLS_FAMILIES as readonly string[]).includes(value)
    ? { ok: true, value }
    : { ok: false, reason: `family "${value}" must be one of ${TLS_FAMILIES.join(', ')}` };

/** A whole JA4, or `b:` and a JA4_b cipher hash (12 hex digits). */
const checkJa4Key: Check = (value) =>
  /^b:[0-9a-f]{12}$/.test(value) ? { ok: true, value } : checkJa4(value);

const checkCountry: Check = (value) =>
  value === '' || /^[A-Z]{2}$/.test(value)
    ? { ok: true, value }
    : { ok: false, reason: `country "${value}" must be an ISO 3166 alpha-2 code or empty` };

const text =
  (max: number): Check =>
  (value) =>
    value.length <= max ? { ok: true, value } : { ok: false, reason: `text longer than ${max} characters` };

const nonEmpty =
  (max: number): Check =>
  (value) =>
    value.trim() === '' ? { ok: false, reason: 'empty value' } : text(max)(value);

/** The reference files, in load order. */
export const DICTIONARY_SPECS: DictionarySpec[] = [
  {
    file: 'ip_asn.csv',
    list: 'ip_asn',
    provenance: PROVENANCE,
    dictionary: `${DATABASE}.dict_ip_asn`,
    table: `${DATABASE}.dict_ip_asn_source`,
    key: 'network',
    columns: [
      { name: 'network', check: checkNetwork },
      { name: 'asn', check: checkAsn },
      { name: 'asn_name', check: nonEmpty(200) },
      { name: 'country', check: checkCountry },
    ],
  },
  {
    file: 'asn_reputation.csv',
    list: 'asn_kind',
    provenance: PROVENANCE,
    dictionary: `${DATABASE}.dict_asn_reputation`,
    table: `${DATABASE}.dict_asn_reputation_source`,
    key: 'asn',
    columns: [
      { name: 'asn', check: checkAsn },
      { name: 'asn_name', check: nonEmpty(200) },
      { name: 'label', check: checkKind },
      { name: 'note', check: text(500) },
    ],
  },
  {
    file: 'bot_ip.csv',
    list: 'bot_ip',
    provenance: ['source_version', 'source_date'],
    dictionary: `${DATABASE}.dict_bot_ip`,
    table: `${DATABASE}.dict_bot_ip_source`,
    key: 'network',
    columns: [
      { name: 'network', check: checkNetwork },
      { name: 'label', check: checkLabel },
      { name: 'source', check: text(200) },
      { name: 'note', check: text(500) },
    ],
  },
  {
    file: 'bot_ja4.csv',
    list: 'bot_ja4',
    provenance: PROVENANCE,
    dictionary: `${DATABASE}.dict_bot_ja4`,
    table: `${DATABASE}.dict_bot_ja4_source`,
    key: 'ja4',
    columns: [
      { name: 'ja4', check: checkJa4 },
      { name: 'label', check: checkLabel },
      { name: 'note', check: text(500) },
    ],
  },
  {
    file: 'ja4_family.csv',
    list: 'ja4_family',
    provenance: PROVENANCE,
    dictionary: `${DATABASE}.dict_ja4_family`,
    table: `${DATABASE}.dict_ja4_family_source`,
    key: 'key',
    columns: [
      { name: 'key', check: checkJa4Key },
      { name: 'family', check: checkFamily },
      { name: 'application', check: text(200) },
      { name: 'library', check: text(200) },
      { name: 'os', check: text(100) },
      { name: 'note', check: text(500) },
    ],
  },
];
