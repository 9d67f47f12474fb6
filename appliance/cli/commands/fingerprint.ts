import type { Command } from 'commander';
import { Ja4Error } from '../../common/index.js';
import { type ClientHelloRecord, fingerprintFile } from '../../sentinel/index.js';
import { action, type CliContext } from '../context.js';

interface Options {
  json?: boolean;
}

let lastSec = -1;
let lastPrefix = '';

/** ISO 8601 with microseconds, UTC; the date part is reused within one second of capture time. */
function isoMicros(tsUs: number): string {
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

function tableRow(r: ClientHelloRecord): string {
  const ep = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  return [
    isoMicros(r.ts_us).slice(11, 26),
    `${ep(r.src, r.srcport)} → ${ep(r.dst, r.dstport)}`.padEnd(48),
    r.transport.padEnd(4),
    r.ja4.padEnd(36),
    r.ja3,
    r.sni ?? '-',
  ].join('  ');
}

export function registerFingerprintCommands(program: Command, _ctx: CliContext): void {
  program
    .command('fingerprint')
    .description('print JA4/JA3 fingerprints of every TLS/QUIC ClientHello in pcap/pcapng files')
    .argument('<file...>', 'capture files (pcap or pcapng, detected by content)')
    .option('--json', 'one JSON line per ClientHello (the default when stdout is not a terminal)')
    .action(
      action(async (files: string[], opts: Options) => {
        const json = opts.json === true || !process.stdout.isTTY;
        // `ja4 fingerprint x.pcap | head` closes the pipe early: that is not an error.
        process.stdout.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
          throw err;
        });
        const out: string[] = [];
        const flush = () => {
          if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
          out.length = 0;
        };
        if (!json) {
          process.stdout.write(
            `${['time', 'client → server'.padEnd(48), 'tr  ', 'ja4'.padEnd(36), 'ja3'.padEnd(32), 'sni'].join('  ')}\n`,
          );
        }
        let unreadable = 0;
        for (const file of files) {
          const tag = files.length > 1 ? file : undefined;
          try {
            const res = await fingerprintFile(file, (r) => {
              out.push(json ? recordLine(r, tag) : tableRow(r));
              if (out.length >= 1024) flush();
            });
            flush();
            // A damaged file still yields every readable packet: report the damage, exit 0.
            for (const d of res.damage)
              process.stderr.write(`ja4: ${file}: ${d.reason} at offset ${d.offset}\n`);
          } catch (err) {
            flush();
            if (!(err instanceof Ja4Error)) throw err;
            process.stderr.write(`ja4: ${err.message}\n`);
            unreadable++;
          }
        }
        if (unreadable > 0) process.exitCode = 1;
      }),
    );
}
