import type { HeaderStyle } from './client-profiles.js';
import type { TlsFingerprintId } from './tls-fingerprints.js';

/**
 * How scanners and listed bots present themselves: their tool, User-Agent, header habits and
 * ClientHello (a lookup table beside client-profiles.ts).
 */
export interface ScannerTool {
  id: string;
  /** null: plain HTTP on port 80 (no ClientHello, so no TLS or TCP fingerprint is joined). */
  tls: TlsFingerprintId | null;
  headers: HeaderStyle;
  userAgents: readonly string[];
}

/** Scanners seen in web logs; nuclei and the Go scanner send a browser UA over a Go ClientHello. */
export const SCANNER_TOOLS: readonly (readonly [ScannerTool, number])[] = [
  [{ id: 'zgrab', tls: 'go', headers: 'go', userAgents: ['Mozilla/5.0 zgrab/0.x'] }, 20],
  [
    {
      id: 'nuclei',
      tls: 'go',
      headers: 'go',
      userAgents: [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.84 Safari/537.36',
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.159 Safari/537.36',
      ],
    },
    20,
  ],
  [
    {
      id: 'sqlmap',
      tls: 'python-requests',
      headers: 'python',
      userAgents: ['sqlmap/1.7.2#stable (https://sqlmap.org)'],
    },
    15,
  ],
  [
    {
      id: 'nikto',
      tls: 'curl',
      headers: 'curl',
      userAgents: ['Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)'],
    },
    15,
  ],
  [
    {
      id: 'nmap-nse',
      tls: 'curl',
      headers: 'curl',
      userAgents: ['Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)'],
    },
    10,
  ],
  [
    {
      id: 'masscan',
      tls: null,
      headers: 'curl',
      userAgents: ['masscan/1.3 (https://github.com/robertdavidgraham/masscan)'],
    },
    10,
  ],
  [
    {
      id: 'python-scanner',
      tls: 'python-requests',
      headers: 'python',
      userAgents: ['python-requests/2.25.1'],
    },
    10,
  ],
];

/** How a listed bot presents itself, by the label bot_ja4.csv gives its JA4. */
export const BOT_LABEL_CLIENTS: Readonly<Record<string, { headers: HeaderStyle; userAgent: string }>> = {
  'python-requests': { headers: 'python', userAgent: 'python-requests/2.31.0' },
  'go-http-client': { headers: 'go', userAgent: 'Go-http-client/1.1' },
  curl: { headers: 'curl', userAgent: 'curl/8.5.0' },
  wget: { headers: 'curl', userAgent: 'Wget/1.21.3' },
  masscan: { headers: 'curl', userAgent: 'masscan/1.3 (https://github.com/robertdavidgraham/masscan)' },
  zgrab: { headers: 'go', userAgent: 'Mozilla/5.0 zgrab/0.x' },
  nmap: {
    headers: 'curl',
    userAgent: 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
  },
  nuclei: {
    headers: 'go',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.84 Safari/537.36',
  },
  sqlmap: { headers: 'python', userAgent: 'sqlmap/1.7.2#stable (https://sqlmap.org)' },
};
