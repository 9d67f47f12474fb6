/**
 * `tsx scripts/build-asn-kinds.ts --x4b DIR --commit SHA --date YYYY-MM-DD`: writes
 * migrations/dictionaries/asn_reputation.csv, the curated kind of each ASN the loader ships:
 *   - X4BNet/lists_vpn (MIT): input/datacenter/ASN.txt ("not an eyeball network": hosting and
 *     datacenters) as `hosting`, input/vpn/ASN.txt as `vpn`;
 *   - the public clouds, CDNs, Tor exit operators and a few large access ISPs, from the providers'
 *     own documentation (CURATED below), which take precedence over the lists.
 * Every row carries its source, version (the repository commit, or the curation date) and date.
 * DIR is a checkout (or export) of github.com/X4BNet/lists_vpn holding input/datacenter/ASN.txt
 * and input/vpn/ASN.txt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimist } from 'zx';
import { defaultDictionariesDir } from '../appliance/common/migrate/index.js';
import { isEntryPoint, runMain } from './lib/cli.js';

const CURATION = { source: 'ja4-platform curated (provider documentation)', version: '2026-12-07' };

/** ASN, kind, name, why: providers that document their own networks. */
const CURATED: readonly [number, string, string, string][] = [
  [16509, 'cloud', 'Amazon.com, Inc. (AWS)', 'AWS ip-ranges.json'],
  [14618, 'cloud', 'Amazon.com, Inc. (AWS)', 'AWS ip-ranges.json'],
  [8987, 'cloud', 'Amazon Data Services Ireland', 'AWS ip-ranges.json'],
  [396982, 'cloud', 'Google LLC (Google Cloud)', 'Google Cloud cloud.json'],
  [15169, 'cloud', 'Google LLC', 'Google services and Google Cloud; Googlebot crawls from here'],
  [19527, 'cloud', 'Google LLC', 'Google Cloud'],
  [8075, 'cloud', 'Microsoft Corporation', 'Azure service tags'],
  [8068, 'cloud', 'Microsoft Corporation', 'Azure service tags'],
  [12076, 'cloud', 'Microsoft Corporation', 'Azure ExpressRoute'],
  [31898, 'cloud', 'Oracle Corporation (OCI)', 'Oracle Cloud public IP ranges'],
  [45102, 'cloud', 'Alibaba (US) Technology Co., Ltd.', 'Alibaba Cloud'],
  [37963, 'cloud', 'Hangzhou Alibaba Advertising Co., Ltd.', 'Alibaba Cloud'],
  [45090, 'cloud', 'Shenzhen Tencent Computer Systems Company Limited', 'Tencent Cloud'],
  [132203, 'cloud', 'Tencent Building, Kejizhongyi Avenue', 'Tencent Cloud'],
  [36351, 'cloud', 'SoftLayer Technologies Inc. (IBM Cloud)', 'IBM Cloud'],
  [13335, 'cdn', 'Cloudflare, Inc.', 'Cloudflare IP ranges'],
  [20940, 'cdn', 'Akamai International B.V.', 'Akamai edge network'],
  [16625, 'cdn', 'Akamai Technologies, Inc.', 'Akamai edge network'],
  [54113, 'cdn', 'Fastly, Inc.', 'Fastly public IP list'],
  [205100, 'tor', 'F3 Netze e.V.', 'operates Tor exit relays (185.220.100.0/22)'],
  [208294, 'tor', 'Foundation for Applied Privacy', 'operates Tor exit relays'],
  [3215, 'isp', 'Orange S.A.', 'French residential and mobile ISP'],
  [15557, 'isp', 'SFR SA', 'French residential and mobile ISP'],
  [12322, 'isp', 'Free SAS', 'French residential ISP'],
  [3320, 'isp', 'Deutsche Telekom AG', 'German residential and mobile ISP'],
  [2856, 'isp', 'British Telecommunications PLC', 'UK residential ISP'],
  [7922, 'isp', 'Comcast Cable Communications, LLC', 'US residential ISP'],
  [7018, 'isp', 'AT&T Services, Inc.', 'US residential ISP'],
  [701, 'isp', 'Verizon Business', 'US residential ISP'],
  [20115, 'isp', 'Charter Communications', 'US residential ISP'],
  [21928, 'mobile', 'T-Mobile USA, Inc.', 'US mobile network'],
  [204428, 'hosting', 'SS-Net', 'VPS hosting seen in scanning and brute-force traffic'],
  [47890, 'hosting', 'Unmanaged Ltd', 'VPS hosting seen in scanning and brute-force traffic'],
];

interface Row {
  asn: number;
  name: string;
  kind: string;
  note: string;
  source: string;
  version: string;
  date: string;
}

/** `AS123 # name` lines of an X4BNet ASN.txt. */
export function parseX4bAsnList(text: string): { asn: number; name: string }[] {
  const out: { asn: number; name: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^AS(\d+)\s*(?:#\s*(.*))?$/.exec(line.trim());
    if (m) out.push({ asn: Number(m[1]), name: (m[2] ?? '').trim() || `AS${m[1]}` });
  }
  return out;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function buildRows(x4bDir: string, commit: string, date: string): Row[] {
  const rows = new Map<number, Row>();
  const lists: [string, string][] = [
    ['input/vpn/ASN.txt', 'vpn'],
    ['input/datacenter/ASN.txt', 'hosting'],
  ];
  for (const [file, kind] of lists) {
    for (const { asn, name } of parseX4bAsnList(readFileSync(join(x4bDir, file), 'utf8'))) {
      if (rows.has(asn)) continue;
      const note = kind === 'vpn' ? 'VPN provider' : 'not an eyeball network (datacenter or hosting)';
      rows.set(asn, { asn, name, kind, note, source: `X4BNet/lists_vpn ${file}`, version: commit, date });
    }
  }
  for (const [asn, kind, name, note] of CURATED) {
    rows.set(asn, { asn, name, kind, note, ...CURATION, date: CURATION.version });
  }
  return [...rows.values()].sort((a, b) => a.asn - b.asn);
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2), { string: ['x4b', 'commit', 'date'] });
  const x4b = String(args.x4b ?? '');
  const commit = String(args.commit ?? '');
  const date = String(args.date ?? '');
  if (!x4b || !/^[0-9a-f]{7,40}$/.test(commit) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new Error('usage: build-asn-kinds --x4b DIR --commit SHA --date YYYY-MM-DD');
  }
  const rows = buildRows(x4b, commit.slice(0, 12), date);
  const header = [
    '# AS number -> the kind of network it is (isp, mobile, hosting, cloud, cdn, vpn, tor, education,',
    '# government, business, unknown). Generated by scripts/build-asn-kinds.ts from X4BNet/lists_vpn',
    '# (MIT, (c) 2024 X4B (Mathew Heard); input/datacenter/ASN.txt and input/vpn/ASN.txt) and the',
    "# providers' own documentation. ASNs not listed get the name classifier's kind",
    '# (appliance/common/migrate/asn-kind.ts) when the whole IP->ASN table is loaded.',
    'asn,asn_name,label,note,source,source_version,source_date',
  ];
  const body = rows.map((r) =>
    [r.asn, r.name, r.kind, r.note, r.source, r.version, r.date].map(csvField).join(','),
  );
  const out = join(defaultDictionariesDir(), 'asn_reputation.csv');
  writeFileSync(out, `${[...header, ...body].join('\n')}\n`);
  process.stdout.write(`wrote ${rows.length} ASNs to ${out}\n`);
}

if (isEntryPoint(import.meta.url)) runMain('build-asn-kinds', main);
