import { canonicalIp } from './canonical-ip.js';
import type { AnomalyRow } from './queries/anomalies.js';

export const BLOCKLIST_FORMATS = ['nginx', 'ipset', 'plain', 'ja4', 'json'] as const;
export type BlocklistFormat = (typeof BLOCKLIST_FORMATS)[number];

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
): string {
  const safeIps = [...new Set(ips.map(canonicalIp).filter((ip): ip is string => ip !== undefined))].sort();
  const safeJa4s = [...new Set(ja4s.filter((j) => JA4_SHAPE.test(j)))].sort();
  switch (format) {
    case 'nginx':
      return `# ${header}\n${safeIps.map((ip) => `deny ${ip};`).join('\n')}\n`;
    case 'ipset': {
      const v4 = safeIps.filter((ip) => !ip.includes(':'));
      const v6 = safeIps.filter((ip) => ip.includes(':'));
      return [
        `# ${header}`,
        '# load with: ipset restore < this-file',
        'create ja4_block hash:ip family inet -exist',
        'create ja4_block6 hash:ip family inet6 -exist',
        ...v4.map((ip) => `add ja4_block ${ip} -exist`),
        ...v6.map((ip) => `add ja4_block6 ${ip} -exist`),
        '',
      ].join('\n');
    }
    case 'plain':
      return `${safeIps.join('\n')}\n`;
    case 'ja4':
      return `# ${header}\n${safeJa4s.join('\n')}\n`;
    case 'json':
      return `${JSON.stringify({ generated: header, ips: safeIps, ja4s: safeJa4s }, null, 2)}\n`;
  }
}

/** FoxIO JA4: a_b_c with a = proto, version, SNI flag, 2-digit counts, 2-char ALPN. */
export const JA4_SHAPE = /^[tqd][0-9a-z]{2}[di]\d{4}[0-9A-Za-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;

/**
 * Export rows with their address in canonical text; a row whose stored address has no canonical
 * form is left out (and counted by the caller), so an export never carries an address a tool
 * downstream could read differently.
 */
export function canonicalRows(rows: AnomalyRow[]): { rows: AnomalyRow[]; dropped: number } {
  const out: AnomalyRow[] = [];
  for (const row of rows) {
    const ip = canonicalIp(row.src_ip);
    if (ip !== undefined) out.push(ip === row.src_ip ? row : { ...row, src_ip: ip });
  }
  return { rows: out, dropped: rows.length - out.length };
}

const CSV_COLUMNS: (keyof AnomalyRow)[] = [
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
];

/**
 * RFC 4180 CSV. Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a
 * leading quote (OWASP CSV injection): user agents and paths are attacker-controlled.
 */
export function toCsv(rows: AnomalyRow[]): string {
  const cell = (v: unknown): string => {
    let s = Array.isArray(v) ? v.join(' ') : String(v ?? '');
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return `"${s.replace(/"/g, '""')}"`;
  };
  return `${[CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}
