/**
 * JA4 of every TLS ClientHello in a capture, computed without the sentinel's code: Wireshark's
 * dissector (tshark) reads the fields and this file applies FoxIO's JA4 rules to them. Tests use it
 * as the independent reference for what the live pipeline stored.
 *
 * The fields come from tshark's JSON tree, not its flat `-T fields` output: a flat
 * `tls.handshake.sig_hash_alg` lists the signature schemes of every extension that has some
 * (signature_algorithms, but also signature_algorithms_cert and Firefox's delegated_credentials),
 * while JA4 takes the signature_algorithms extension's list alone, in its order, without GREASE.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

export interface TsharkHello {
  /** Capture time of the frame, µs since the epoch. */
  tsUs: number;
  srcport: number;
  dstport: number;
  /** tshark's TCP stream index: one per connection in the capture. */
  stream: number;
  /** The client's initial sequence number (tshark's raw minus relative sequence number). */
  isn: number;
  /** The server_name value, '' without one. */
  sni: string;
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

/** GREASE values (RFC 8701 §2): 0x0a0a, 0x1a1a, … 0xfafa. */
const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const num = (s: string) => (s.startsWith('0x') ? Number.parseInt(s, 16) : Number(s));
const hex4 = (v: number) => v.toString(16).padStart(4, '0');
const two = (n: number) => String(Math.min(n, 99)).padStart(2, '0');
const sha12 = (s: string) =>
  s === '' ? '000000000000' : createHash('sha256').update(s).digest('hex').slice(0, 12);
/** JA4.md: "13" for TLS 1.3 … "s3" for SSL 3.0. */
const VERSIONS: Record<number, string> = { 772: '13', 771: '12', 770: '11', 769: '10', 768: 's3' };
const alnum = (c: string) => /^[0-9A-Za-z]$/.test(c);

/** JA4.md: the first and last characters of the first ALPN value, as hex when not alphanumeric. */
function alpnChars(first: string): string {
  if (first === '') return '00';
  const a = first[0];
  const z = first[first.length - 1];
  if (alnum(a) && alnum(z)) return `${a}${z}`;
  const hex = Buffer.from(first, 'latin1').toString('hex');
  return `${hex[0]}${hex[hex.length - 1]}`;
}

/** JA4 (TCP) from a ClientHello's dissected fields, following FoxIO's JA4.md. */
export function ja4FromFields(f: {
  version: number;
  ciphers: number[];
  extensions: number[];
  supportedVersions: number[];
  sni: boolean;
  alpn: string;
  /** The signature_algorithms extension's list, in order. */
  sigalgs: number[];
}): string {
  const ciphers = f.ciphers.filter((c) => !isGrease(c));
  const exts = f.extensions.filter((e) => !isGrease(e));
  const sv = f.supportedVersions.filter((v) => !isGrease(v));
  const version = VERSIONS[sv.length ? Math.max(...sv) : f.version] ?? '00';
  const a = `t${version}${f.sni ? 'd' : 'i'}${two(ciphers.length)}${two(exts.length)}${alpnChars(f.alpn)}`;
  const b = sha12(ciphers.map(hex4).sort().join(','));
  // SNI (0x0000) and ALPN (0x0010) are left out of the sorted extension list.
  const extList = exts
    .filter((e) => e !== 0x0000 && e !== 0x0010)
    .map(hex4)
    .sort()
    .join(',');
  const sig = f.sigalgs
    .filter((s) => !isGrease(s))
    .map(hex4)
    .join(',');
  const c = extList === '' ? '000000000000' : sha12(sig ? `${extList}_${sig}` : extList);
  return `${a}_${b}_${c}`;
}

type Node = Record<string, unknown>;
const all = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown): string[] => all(v).filter((x): x is string => typeof x === 'string');
const first = (o: Node, key: string) => strings(o[key])[0] ?? '';

/** Every object in `v`'s tree holding `key` with the value `value` (ClientHellos: type 1). */
function findAll(v: unknown, key: string, value: string, out: Node[] = []): Node[] {
  for (const x of all(v)) {
    if (x === null || typeof x !== 'object') continue;
    const o = x as Node;
    if (strings(o[key]).includes(value)) out.push(o);
    else for (const k of Object.keys(o)) findAll(o[k], key, value, out);
  }
  return out;
}

/** The hello's extensions in wire order (duplicate names, as two GREASE ones, stay together). */
function extensionsOf(hello: Node): Node[] {
  return Object.keys(hello)
    .filter((k) => k.startsWith('Extension: '))
    .flatMap((k) => all(hello[k]) as Node[]);
}

/** Values of `key` anywhere under `o`, in order. */
function deep(o: unknown, key: string, out: string[] = []): string[] {
  for (const x of all(o)) {
    if (x === null || typeof x !== 'object') continue;
    for (const [k, v] of Object.entries(x as Node)) {
      if (k === key) out.push(...strings(v));
      else deep(v, key, out);
    }
  }
  return out;
}

function ja4OfHello(hello: Node): { ja4: string; sni: string; ja3: string } {
  const exts = extensionsOf(hello);
  const ext = (type: number) => exts.find((e) => first(e, 'tls.handshake.extension.type') === String(type));
  const sniExt = ext(0x0000);
  const alpnExt = ext(0x0010);
  const sigExt = ext(0x000d);
  const svExt = ext(0x002b);
  return {
    ja4: ja4FromFields({
      version: num(first(hello, 'tls.handshake.version')),
      ciphers: deep(hello['tls.handshake.ciphersuites'], 'tls.handshake.ciphersuite').map(num),
      extensions: exts.map((e) => num(first(e, 'tls.handshake.extension.type'))),
      supportedVersions: svExt ? deep(svExt, 'tls.handshake.extensions.supported_version').map(num) : [],
      sni: sniExt !== undefined,
      alpn: alpnExt ? (deep(alpnExt, 'tls.handshake.extensions_alpn_str')[0] ?? '') : '',
      // Only the signature_algorithms extension's own list (not _cert's, not delegated_credentials').
      sigalgs: sigExt
        ? deep(sigExt['tls.handshake.sig_hash_algs'], 'tls.handshake.sig_hash_alg').map(num)
        : [],
    }),
    sni: sniExt ? (deep(sniExt, 'tls.handshake.extensions_server_name')[0] ?? '') : '',
    ja3: first(hello, 'tls.handshake.ja3'),
  };
}

/** Every TCP ClientHello in `file` (pcap or pcapng) to the server port `dstport` (any when omitted). */
export function tsharkHellos(file: string, dstport?: number): TsharkHello[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      // Decode the server port as TLS: left to its heuristics, tshark takes some client ports for
      // other protocols' well-known ports and never sees their ClientHellos.
      ...(dstport === undefined ? [] : ['-d', `tcp.port==${dstport},tls`]),
      '-Y',
      `tls.handshake.type == 1 && tcp${dstport === undefined ? '' : ` && tcp.dstport == ${dstport}`}`,
      '-T',
      'json',
      '--no-duplicate-keys',
    ],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const packets = JSON.parse(out) as { _source: { layers: Node } }[];
  return packets.flatMap(({ _source: { layers } }) => {
    const frame = (all(layers.frame)[0] ?? {}) as Node;
    const tcp = (all(layers.tcp)[0] ?? {}) as Node;
    const seqRaw = num(first(tcp, 'tcp.seq_raw'));
    const seqRel = num(first(tcp, 'tcp.seq'));
    return findAll(layers.tls, 'tls.handshake.type', '1').map((hello) => ({
      tsUs: Math.round(Number(first(frame, 'frame.time_epoch')) * 1e6),
      srcport: num(first(tcp, 'tcp.srcport')),
      dstport: num(first(tcp, 'tcp.dstport')),
      stream: num(first(tcp, 'tcp.stream')),
      isn: (seqRaw - seqRel + 0x1_0000_0000) % 0x1_0000_0000,
      ...ja4OfHello(hello),
    }));
  });
}
