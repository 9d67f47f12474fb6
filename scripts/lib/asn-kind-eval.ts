/**
 * `tsx scripts/lib/asn-kind-eval.ts [--bad-asn FILE]`: how the ASN name classifier
 * (appliance/common/migrate/asn-kind.ts) does on lists it was not built from. Over every ASN of the
 * installed @ip-location-db/asn, with the organisation names the table carries:
 *   - recall on X4BNet/lists_vpn's datacenter ASNs (the shipped asn_reputation.csv rows from it):
 *     the share the classifier alone puts in a server class (hosting, cloud, CDN, VPN);
 *   - the same on brianhama/bad-asn-list (MIT; a hosting list made independently) when given;
 *   - how it labels the curated access ISPs, and the label distribution over all ASNs.
 */
import { readFileSync } from 'node:fs';
import { minimist } from 'zx';
import { classifyAsnName } from '../../appliance/common/migrate/asn-kind.js';
import {
  defaultDictionariesDir,
  packageRangeSource,
  readDictionaryFiles,
} from '../../appliance/common/migrate/index.js';
import { readIpAsnRanges } from '../../appliance/common/migrate/ip-asn-ranges.js';
import { isEntryPoint, runMain } from './cli.js';

const SERVER = new Set(['hosting', 'cloud', 'cdn', 'vpn']);

export function evaluate(names: Map<number, string>, x4b: number[], other: number[], isps: number[]) {
  const recall = (asns: number[]) => {
    const known = asns.filter((a) => names.has(a));
    const hit = known.filter((a) => SERVER.has(classifyAsnName(names.get(a) ?? '')));
    return {
      asns: known.length,
      classified_server: hit.length,
      recall: Math.round((hit.length / Math.max(1, known.length)) * 1000) / 1000,
    };
  };
  const labels: Record<string, number> = {};
  for (const n of names.values()) {
    const k = classifyAsnName(n);
    labels[k] = (labels[k] ?? 0) + 1;
  }
  return {
    asns: names.size,
    x4bnet_datacenter: recall(x4b),
    bad_asn_list_not_in_x4bnet: other.length ? recall(other) : null,
    curated_isps_classified_server: isps.filter((a) => SERVER.has(classifyAsnName(names.get(a) ?? '')))
      .length,
    curated_isps: isps.length,
    labels,
  };
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2), { string: ['bad-asn'] });
  const names = new Map<number, string>();
  for (const f of packageRangeSource().files) readIpAsnRanges(f.path, f.family, () => {}, names);
  const kinds =
    readDictionaryFiles(defaultDictionariesDir()).find((p) => p.spec.file === 'asn_reputation.csv')?.rows ??
    [];
  const x4b = kinds.filter((r) => String(r.source).includes('datacenter')).map((r) => Number(r.asn));
  const isps = kinds.filter((r) => r.label === 'isp').map((r) => Number(r.asn));
  const bad = args['bad-asn']
    ? readFileSync(String(args['bad-asn']), 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[0]))
        .filter((n) => n > 0)
    : [];
  const x4bSet = new Set(x4b);
  process.stdout.write(
    `${JSON.stringify(
      evaluate(
        names,
        x4b,
        bad.filter((a) => !x4bSet.has(a)),
        isps,
      ),
      null,
      2,
    )}\n`,
  );
}

if (isEntryPoint(import.meta.url)) runMain('asn-kind-eval', main);
