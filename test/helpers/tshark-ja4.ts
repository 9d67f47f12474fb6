/**
 * JA4 of every TLS ClientHello in a capture, computed without the sentinel's code: Wireshark's
 * dissector (tshark) reads the fields and this file applies FoxIO's JA4 rules to them. Tests use it
 * as the independent reference for what the live pipeline stored.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

export interface TsharkHello {
  /** Capture time of the frame, µs since the epoch. */
  tsUs: number;
  srcport: number;
  dstport: number;
  ja4: string;
  /** tshark's own JA3 (MD5), for a second opinion on the same hello. */
  ja3: string;
}

export function tsharkMissing(): string | undefined {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tshark not found (scripts/setup-system.sh installs it)';
  }
}

const FIELDS = [
  'frame.time_epoch',
  'tcp.srcport',
  'tcp.dstport',
  'tls.handshake.version',
  'tls.handshake.ciphersuite',
  'tls.handshake.extension.type',
  'tls.handshake.extensions.supported_version',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str',
  'tls.handshake.sig_hash_alg',
  'tls.handshake.ja3',
];

/** GREASE values (RFC 8701 §2): 0x0a0a, 0x1a1a, … 0xfafa. */
const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const num = (s: string) => (s.startsWith('0x') ? Number.parseInt(s, 16) : Number(s));
const list = (s: string) => (s === '' ? [] : s.split(',').map(num));
const hex4 = (v: number) => v.toString(16).padStart(4, '0');
const two = (n: number) => String(Math.min(n, 99)).padStart(2, '0');
const sha12 = (s: string) =>
  s === '' ? '000000000000' : createHash('sha256').update(s).digest('hex').slice(0, 12);
/** JA4.md: "13" for TLS 1.3 … "s3" for SSL 3.0. */
const VERSIONS: Record<number, string> = { 772: '13', 771: '12', 770: '11', 769: '10', 768: 's3' };

/** JA4 (TCP) from a ClientHello's dissected fields, following FoxIO's JA4.md. */
export function ja4FromFields(f: {
  version: number;
  ciphers: number[];
  extensions: number[];
  supportedVersions: number[];
  sni: boolean;
  alpn: string;
  sigalgs: number[];
}): string {
  const ciphers = f.ciphers.filter((c) => !isGrease(c));
  const exts = f.extensions.filter((e) => !isGrease(e));
  const sv = f.supportedVersions.filter((v) => !isGrease(v));
  const version = VERSIONS[sv.length ? Math.max(...sv) : f.version] ?? '00';
  const alpn = f.alpn === '' ? '00' : `${f.alpn[0]}${f.alpn[f.alpn.length - 1]}`;
  const a = `t${version}${f.sni ? 'd' : 'i'}${two(ciphers.length)}${two(exts.length)}${alpn}`;
  const b = sha12(ciphers.map(hex4).sort().join(','));
  // SNI (0x0000) and ALPN (0x0010) are left out of the sorted extension list.
  const extList = exts
    .filter((e) => e !== 0x0000 && e !== 0x0010)
    .map(hex4)
    .sort()
    .join(',');
  const sig = f.sigalgs.map(hex4).join(',');
  const c = extList === '' ? '000000000000' : sha12(sig ? `${extList}_${sig}` : extList);
  return `${a}_${b}_${c}`;
}

/** Every ClientHello in `file` (pcap or pcapng) with the server port `dstport`. */
export function tsharkHellos(file: string, dstport: number): TsharkHello[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      // Decode the server port as TLS: left to its heuristics, tshark takes some client ports for
      // other protocols' well-known ports and never sees their ClientHellos.
      '-d',
      `tcp.port==${dstport},tls`,
      '-Y',
      `tls.handshake.type == 1 && tcp.dstport == ${dstport}`,
      '-T',
      'fields',
      '-E',
      'separator=/t',
      '-E',
      'aggregator=,',
      ...FIELDS.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [time, sport, dport, version, ciphers, exts, sv, sni, alpn, sig, ja3] = line.split('\t');
      return {
        tsUs: Math.round(Number(time) * 1e6),
        srcport: Number(sport),
        dstport: Number(dport),
        ja4: ja4FromFields({
          version: num(version),
          ciphers: list(ciphers),
          extensions: list(exts),
          supportedVersions: list(sv),
          sni: sni !== '',
          alpn: alpn.split(',')[0] ?? '',
          sigalgs: list(sig),
        }),
        ja3: ja3 ?? '',
      };
    });
}
