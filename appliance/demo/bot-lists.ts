import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DICTIONARY_SPECS, parseDictionaryCsv } from '../common/migrate/index.js';
import { BotListError } from './errors.js';
import { parseCidr } from './ip-ranges.js';
import type { BotLists } from './seed-plan.js';

/**
 * Reads the known-bot lists the dictionaries are loaded from (migrations/dictionaries/bot_ip.csv
 * and bot_ja4.csv) with the migration runner's own validating parser, so the seeder's known-bot
 * sessions use exactly the addresses and JA4s the dictionaries will flag, and a list the loader
 * would refuse is refused here too. IPv6 entries are skipped: seeded clients are IPv4.
 */
export function readBotLists(dir: string): BotLists {
  const read = (file: string) => {
    const spec = DICTIONARY_SPECS.find((s) => s.file === file);
    if (!spec) throw new BotListError(join(dir, file), 'no dictionary spec describes it');
    const path = join(dir, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new BotListError(path, (err as Error).message.split('\n')[0]);
    }
    return { path, rows: parseDictionaryCsv(spec, text, path) };
  };
  const ipFile = read('bot_ip.csv');
  const ja4File = read('bot_ja4.csv');
  const ips = ipFile.rows.map((r) => String(r.network)).filter((n) => parseCidr(n) !== null);
  const ja4s = ja4File.rows
    .map((r) => ({ ja4: String(r.ja4), label: String(r.label ?? '') }))
    .filter((b) => b.ja4.startsWith('t'));
  if (ips.length === 0) throw new BotListError(ipFile.path, 'it lists no IPv4 address or range');
  if (ja4s.length === 0) throw new BotListError(ja4File.path, 'it lists no TLS-over-TCP JA4');
  return { ips, ja4s };
}
