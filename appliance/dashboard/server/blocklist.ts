import { BLOCKLIST_FORMATS, type BlocklistFormat } from '../api/index.js';
import { canonicalCidr, canonicalIp } from './canonical-ip.js';

export { BLOCKLIST_FORMATS, type BlocklistFormat };

/**
 * Renders blocklists for the tools that take them. Only canonical addresses are ever written
 * (see canonical-ip.ts): the values come from our own tables, but a blocklist is executable
 * config for nginx or ipset, so nothing else may slip into it, and an address must mean the
 * same to them as to us. Anything else is left out. JA4s must match the JA4 shape.
 */
export function renderBlocklist(
  format: BlocklistFormat,
  ips: string[],
  ja4s: string[],
  header: string,
  networks: string[] = [],
): string {
  const safeIps = [...new Set(ips.map(canonicalIp).filter((ip): ip is string => ip !== undefined))].sort();
  const safeNets = [
    ...new Set(networks.map(canonicalCidr).filter((n): n is string => n !== undefined)),
  ].sort();
  const safeJa4s = [...new Set(ja4s.filter((j) => JA4_SHAPE.test(j)))].sort();
  const all = [...safeIps, ...safeNets];
  switch (format) {
    case 'nginx':
      return `# ${header}\n${all.map((ip) => `deny ${ip};`).join('\n')}\n`;
    case 'ipset':
      return ipsetRestore(header, safeIps, safeNets);
    case 'plain':
      return `${all.join('\n')}\n`;
    case 'ja4':
      return `# ${header}\n${safeJa4s.join('\n')}\n`;
    case 'json':
      return `${JSON.stringify({ generated: header, ips: safeIps, networks: safeNets, ja4s: safeJa4s }, null, 2)}\n`;
  }
}

/** hash:ip sets for addresses; networks (deny-listed CIDRs) go to hash:net sets, which take them. */
function ipsetRestore(header: string, ips: string[], nets: string[]): string {
  const v6 = (x: string) => x.includes(':');
  return [
    `# ${header}`,
    '# load with: ipset restore < this-file',
    'create ja4_block hash:ip family inet -exist',
    'create ja4_block6 hash:ip family inet6 -exist',
    ...(nets.length > 0
      ? [
          'create ja4_block_net hash:net family inet -exist',
          'create ja4_block_net6 hash:net family inet6 -exist',
        ]
      : []),
    ...ips.filter((ip) => !v6(ip)).map((ip) => `add ja4_block ${ip} -exist`),
    ...ips.filter(v6).map((ip) => `add ja4_block6 ${ip} -exist`),
    ...nets.filter((n) => !v6(n)).map((n) => `add ja4_block_net ${n} -exist`),
    ...nets.filter(v6).map((n) => `add ja4_block_net6 ${n} -exist`),
    '',
  ].join('\n');
}

/** FoxIO JA4: a_b_c with a = proto, version, SNI flag, 2-digit counts, 2-char ALPN. */
export const JA4_SHAPE = /^[tqd][0-9a-z]{2}[di]\d{4}[0-9A-Za-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;

/**
 * Export rows with their address in canonical text; a row whose stored address has no canonical
 * form is left out (and counted by the caller), so an export never carries an address a tool
 * downstream could read differently.
 */
export function canonicalRows<R extends { src_ip: string }>(rows: R[]): { rows: R[]; dropped: number } {
  const out: R[] = [];
  for (const row of rows) {
    const ip = canonicalIp(row.src_ip);
    if (ip !== undefined) out.push(ip === row.src_ip ? row : { ...row, src_ip: ip });
  }
  return { rows: out, dropped: rows.length - out.length };
}

const CSV_COLUMNS = [
  'src_ip',
  'score',
  'reasons',
  'requests',
  'ja4s',
  'hosts',
  'asn',
  'asn_name',
  'asn_label',
  'bot_ip_label',
  'bot_ja4_label',
  'top_user_agent',
  'first_seen',
  'last_seen',
  'recurrence_days',
  'state',
  'label',
] as const;
type CsvRow = { [K in (typeof CSV_COLUMNS)[number]]?: unknown };

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a
 * leading quote (OWASP CSV injection): user agents and paths are attacker-controlled.
 */
export function toCsv(rows: CsvRow[]): string {
  const cell = (v: unknown): string => {
    let s = Array.isArray(v)
      ? v.map(cellText).join(Array.isArray(v) && typeof v[0] === 'object' ? ' | ' : ' ')
      : String(v ?? '');
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return `"${s.replace(/"/g, '""')}"`;
  };
  return `${[CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}

/** A list item's text: a reason's words, or the value itself. */
function cellText(v: unknown): string {
  return typeof v === 'object' && v !== null && 'words' in v
    ? String((v as { words: unknown }).words)
    : String(v);
}
