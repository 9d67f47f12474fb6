import type { TlsFingerprintId } from './tls-fingerprints.js';

/**
 * What a seeded client looks like on the wire: its TCP SYN (per OS stack), its TLS ClientHello
 * (tls-fingerprints.ts), its User-Agent and its HTTP header habits. Human profiles are coherent
 * (a Windows Chrome UA comes with Chrome's JA4 and a Windows SYN); tools and scanners may lie in
 * their UA, as real ones do.
 */
export type TcpStackId = 'windows' | 'linux' | 'macos' | 'minimal' | 'bare';

export interface TcpSignature {
  id: TcpStackId;
  window: number;
  mss: number | null;
  wscale: number | null;
  /** TTL the stack starts with; the sentinel sees it minus the hops on the path. */
  initialTtl: number;
  /** Option kinds in SYN order, '-' separated, as the sentinel writes them. */
  options: string;
  sack: boolean;
  timestamps: boolean;
  /** Ephemeral source-port range of the stack (RFC 6335 §6 for Windows/macOS; Linux's default). */
  ports: readonly [number, number];
}

/**
 * SYN signatures from FoxIO's ja4plus-mapping.csv (JA4T column): Windows 10
 * 64240_2-1-3-1-1-4_1460_8, Linux 64240_2-4-8-1-3_1460_7, macOS/iPhone 65535_2-1-3-1-1-8-4-0-0_1460_6
 * (also the SYN in fixtures/ja4/macos_tcp_flags.pcap), Nmap 1024_2_1460_00 and Zmap 65535_00_00_00.
 */
export const TCP_SIGNATURES: Readonly<Record<TcpStackId, TcpSignature>> = {
  windows: {
    id: 'windows',
    window: 64240,
    mss: 1460,
    wscale: 8,
    initialTtl: 128,
    options: '2-1-3-1-1-4',
    sack: true,
    timestamps: false,
    ports: [49152, 65535],
  },
  linux: {
    id: 'linux',
    window: 64240,
    mss: 1460,
    wscale: 7,
    initialTtl: 64,
    options: '2-4-8-1-3',
    sack: true,
    timestamps: true,
    ports: [32768, 60999],
  },
  macos: {
    id: 'macos',
    window: 65535,
    mss: 1460,
    wscale: 6,
    initialTtl: 64,
    options: '2-1-3-1-1-8-4-0-0',
    sack: true,
    timestamps: true,
    ports: [49152, 65535],
  },
  minimal: {
    id: 'minimal',
    window: 1024,
    mss: 1460,
    wscale: null,
    initialTtl: 64,
    options: '2',
    sack: false,
    timestamps: false,
    ports: [40000, 65535],
  },
  bare: {
    id: 'bare',
    window: 65535,
    mss: null,
    wscale: null,
    initialTtl: 255,
    options: '',
    sack: false,
    timestamps: false,
    ports: [1024, 65535],
  },
};

/** How a client writes its request headers (names in wire order; HTTP/2 names are lower-case). */
export type HeaderStyle = 'chrome' | 'firefox' | 'safari' | 'curl' | 'python' | 'go';

export interface ClientProfile {
  id: string;
  tls: TlsFingerprintId;
  tcp: TcpStackId;
  headers: HeaderStyle;
  userAgents: readonly string[];
  /** Keeps connections alive between requests (browsers, requests.Session) or not (curl, tools). */
  keepAlive: boolean;
}

const CHROME_V = ['116.0.0.0', '117.0.0.0', '118.0.0.0'];
const chromeUa = (platform: string) =>
  CHROME_V.map(
    (v) => `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v} Safari/537.36`,
  );

/** Browsers whose UA, JA4 and SYN agree. Weights: rough desktop/mobile share for a French site. */
export const HUMAN_PROFILES: readonly (readonly [ClientProfile, number])[] = [
  [
    {
      id: 'chrome-windows',
      tls: 'chrome',
      tcp: 'windows',
      headers: 'chrome',
      keepAlive: true,
      userAgents: [
        ...chromeUa('Windows NT 10.0; Win64; x64'),
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36 Edg/118.0.2088.46',
      ],
    },
    34,
  ],
  [
    {
      id: 'chrome-macos',
      tls: 'chrome',
      tcp: 'macos',
      headers: 'chrome',
      keepAlive: true,
      userAgents: chromeUa('Macintosh; Intel Mac OS X 10_15_7'),
    },
    10,
  ],
  [
    {
      id: 'chrome-linux',
      tls: 'chrome',
      tcp: 'linux',
      headers: 'chrome',
      keepAlive: true,
      userAgents: [
        ...chromeUa('X11; Linux x86_64'),
        'Mozilla/5.0 (Linux; Android 13; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36',
      ],
    },
    14,
  ],
  [
    {
      id: 'firefox-windows',
      tls: 'firefox',
      tcp: 'windows',
      headers: 'firefox',
      keepAlive: true,
      userAgents: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0'],
    },
    10,
  ],
  [
    {
      id: 'firefox-linux',
      tls: 'firefox',
      tcp: 'linux',
      headers: 'firefox',
      keepAlive: true,
      userAgents: ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0'],
    },
    5,
  ],
  [
    {
      id: 'safari-macos',
      tls: 'safari',
      tcp: 'macos',
      headers: 'safari',
      keepAlive: true,
      userAgents: [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15',
      ],
    },
    9,
  ],
  [
    {
      // FoxIO lists one SYN signature for "Mac OSX/iPhone"; iOS Safari shares Apple's TLS stack.
      id: 'safari-ios',
      tls: 'safari',
      tcp: 'macos',
      headers: 'safari',
      keepAlive: true,
      userAgents: [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      ],
    },
    18,
  ],
];

/** HTTP libraries as bots and brute-forcers use them (the UA is the library's own). */
export const TOOL_PROFILES: Readonly<Record<'curl' | 'python' | 'go' | 'schannel', ClientProfile>> = {
  curl: {
    id: 'curl',
    tls: 'curl',
    tcp: 'linux',
    headers: 'curl',
    keepAlive: false,
    userAgents: ['curl/7.88.1'],
  },
  python: {
    id: 'python-requests',
    tls: 'python-requests',
    tcp: 'linux',
    headers: 'python',
    keepAlive: true,
    userAgents: ['python-requests/2.31.0', 'python-requests/2.28.2'],
  },
  go: {
    id: 'go-http-client',
    tls: 'go',
    tcp: 'linux',
    headers: 'go',
    keepAlive: true,
    userAgents: ['Go-http-client/1.1'],
  },
  schannel: {
    id: 'windows-powershell',
    tls: 'schannel',
    tcp: 'windows',
    headers: 'python',
    keepAlive: true,
    userAgents: ['Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3570'],
  },
};
