import type { Command } from 'commander';
import { Ja4Error } from '../../common/index.js';
import { type ClientHelloRecord, fingerprintFile, isoMicros, recordLine } from '../../sentinel/index.js';
import { action, type CliContext } from '../context.js';

interface Options {
  json?: boolean;
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
