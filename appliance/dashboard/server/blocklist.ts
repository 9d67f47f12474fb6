import ipaddr from 'ipaddr.js';
import type { AnomalyRow } from './queries/anomalies.js';

export const BLOCKLIST_FORMATS = ['nginx', 'ipset', 'plain', 'ja4', 'json'] as const;
export type BlocklistFormat = (typeof BLOCKLIST_FORMATS)[number];

/**
 * Renders blocklists for the tools that take them. Only addresses that parse as IPs are ever
 * written (the values come from our own tables, but a blocklist is executable config for
 * nginx or ipset, so nothing else may slip into it). JA4s must match the JA4 shape.
 */
export function renderBlocklist(
  format: BlocklistFormat,
  ips: string[],
  ja4s: string[],
  header: string,
): string {
  const safeIps = [
    ...new Set(ips.filter((ip) => ipaddr.isValid(ip)).map((ip) => ipaddr.process(ip).toString())),
  ].sort();
  const safeJa4s = [...new Set(ja4s.filter((j) => JA4_SHAPE.test(j)))].sort();
  switch (format) {
    case 'nginx':
      return `# ${header}\n${safeIps.map((ip) => `deny ${ip};`).join('\n')}\n`;
    case 'ipset': {
      const v4 = safeIps.filter((ip) => ipaddr.parse(ip).kind() === 'ipv4');
      const v6 = safeIps.filter((ip) => ipaddr.parse(ip).kind() === 'ipv6');
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
