import type { ClientHelloRecord } from './record.js';

let lastSec = -1;
let lastPrefix = '';

/** ISO 8601 with microseconds, UTC; the date part is reused within one second of capture time. */
export function isoMicros(tsUs: number): string {
  const sec = Math.floor(tsUs / 1e6);
  if (sec !== lastSec) {
    lastSec = sec;
    lastPrefix = new Date(sec * 1000).toISOString().slice(0, 19); // …T12:34:56
  }
  return `${lastPrefix}.${String(tsUs - sec * 1e6).padStart(6, '0')}Z`;
}

const str = (v: string) => JSON.stringify(v); // SNI/ALPN are attacker-chosen: escape them
const syn = (y: NonNullable<ClientHelloRecord['syn']>) =>
  `{"window":${y.window},"mss":${y.mss},"wscale":${y.wscale},"ttl":${y.ttl},"options":"${y.options}","sack":${y.sack},"timestamps":${y.timestamps}}`;

/**
 * The `--json` line: fixture-compatible keys, SYN and PROXY fields only when seen. Built by hand
 * (one JSON line per ClientHello is the hot path of `ja4 fingerprint`); fingerprints, addresses
 * and versions are ASCII we produced ourselves, free text goes through JSON.stringify.
 */
export function recordLine(r: ClientHelloRecord, file?: string): string {
  let alpn = '';
  for (let i = 0; i < r.alpn.length; i++) alpn += (i === 0 ? '' : ',') + str(r.alpn[i]);
  let line =
    `{"ts":"${isoMicros(r.ts_us)}","src":"${r.src}","srcport":${r.srcport},"dst":"${r.dst}","dstport":${r.dstport},` +
    `"transport":"${r.transport}","sni":${r.sni === null ? 'null' : str(r.sni)},"alpn":[${alpn}],` +
    `"tls_version":"${r.tls_version}","ja4":"${r.ja4}","ja4_r":"${r.ja4_r}","ja4_o":"${r.ja4_o}",` +
    `"ja4_ro":"${r.ja4_ro}","ja3":"${r.ja3}","ja3_full":"${r.ja3_full}"`;
  if (r.syn) line += `,"syn":${syn(r.syn)}`;
  if (r.proxy_client_ip)
    line += `,"proxy_client_ip":${str(r.proxy_client_ip)},"proxy_client_port":${r.proxy_client_port}`;
  if (file !== undefined) line += `,"file":${str(file)}`;
  return `${line}}`;
}
