import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The tools of the real-client benchmark: Debian's packages, run as an attacker or a script
 * author would, each bounded in requests and time. Each sends its client address as
 * X-Forwarded-For where it can set a header (nmap's NSE and lynx cannot: they come from loopback),
 * and some send a browser User-Agent instead of their own.
 */
export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36';

export interface ToolRun {
  /** Client name in the report, e.g. "gobuster (browser UA)". */
  name: string;
  tool: string;
  network: 'hosting' | 'residential' | 'loopback';
  ip: string;
  cmd: string;
  args: string[];
  timeoutMs: number;
}

const WORDS = [
  'admin',
  'login',
  'wp-login.php',
  'wp-admin',
  '.env',
  '.git/config',
  'config.php',
  'backup',
  'backup.zip',
  'phpmyadmin',
  'server-status',
  'api',
  'api/v1',
  'test',
  'dev',
  'old',
  'tmp',
  'uploads',
  'images',
  'img',
  'static',
  'products',
  'about.html',
  'cgi-bin',
  'xmlrpc.php',
  'robots.txt',
  'sitemap.xml',
  'db',
  'sql',
  'dump.sql',
  'console',
  'shell',
  'cmd',
  'debug',
  'status',
  'health',
  'metrics',
  'private',
  'secret',
  'user',
];
const PASSWORDS = [
  '123456',
  'password',
  'admin',
  'letmein',
  'qwerty',
  'secret',
  'welcome',
  'root',
  'toor',
  'changeme',
  'pass1234',
  'admin123',
];

/** Writes the word and password lists the tools read; returns their paths. */
export function writeLists(dir: string): { words: string; passwords: string; lynxCfg: string } {
  const words = join(dir, 'words.txt');
  const passwords = join(dir, 'passwords.txt');
  const lynxCfg = join(dir, 'lynx.cfg');
  writeFileSync(words, `${WORDS.join('\n')}\n`);
  writeFileSync(passwords, `${PASSWORDS.join('\n')}\n`);
  writeFileSync(lynxCfg, 'FORCE_SSL_PROMPT:yes\nFORCE_COOKIE_PROMPT:yes\n');
  return { words, passwords, lynxCfg };
}

type Builder = (o: {
  base: string;
  port: number;
  ip: string;
  lists: ReturnType<typeof writeLists>;
  tmp: string;
}) => {
  cmd: string;
  args: string[];
};

const xff = (ip: string) => `X-Forwarded-For: ${ip}`;

/** [tool, variant, builder]: variant '' is the tool's own UA, 'browser UA' sends Chrome's. */
const TOOLS: readonly [string, string, Builder][] = [
  [
    'curl',
    '',
    (o) => ({
      cmd: 'curl',
      args: [
        '-sk',
        '-o',
        '/dev/null',
        '-H',
        xff(o.ip),
        `${o.base}/`,
        `${o.base}/products/`,
        `${o.base}/about.html`,
      ],
    }),
  ],
  [
    'curl',
    'browser UA',
    (o) => ({
      cmd: 'curl',
      args: [
        '-sk',
        '-o',
        '/dev/null',
        '-A',
        CHROME_UA,
        '-H',
        xff(o.ip),
        `${o.base}/`,
        `${o.base}/products/1.html`,
      ],
    }),
  ],
  [
    'wget',
    '',
    (o) => ({
      cmd: 'wget',
      args: [
        '-q',
        '--no-check-certificate',
        '-r',
        '-l',
        '1',
        '-P',
        join(o.tmp, `wget-${o.ip}`),
        `--header=${xff(o.ip)}`,
        `${o.base}/`,
      ],
    }),
  ],
  [
    'httpie',
    '',
    (o) => ({
      cmd: 'http',
      args: [
        '--verify=no',
        '--ignore-stdin',
        '--print=',
        'GET',
        `${o.base}/products/2.html`,
        `X-Forwarded-For:${o.ip}`,
      ],
    }),
  ],
  [
    'python-requests',
    'browser UA',
    (o) => ({
      cmd: '/usr/bin/python3',
      args: [
        '-c',
        `import requests,urllib3;urllib3.disable_warnings();s=requests.Session();[s.get('${o.base}/products/%d.html'%i,verify=False,headers={'X-Forwarded-For':'${o.ip}','User-Agent':'${CHROME_UA}'}) for i in range(1,13)]`,
      ],
    }),
  ],
  [
    'sqlmap',
    '',
    (o) => ({
      cmd: 'sqlmap',
      args: [
        '-u',
        `${o.base}/products/1.html?id=1`,
        '--batch',
        '--level',
        '1',
        '--risk',
        '1',
        '--technique',
        'B',
        '--timeout',
        '5',
        '--retries',
        '0',
        '--flush-session',
        '--output-dir',
        join(o.tmp, `sqlmap-${o.ip}`),
        '--headers',
        xff(o.ip),
      ],
    }),
  ],
  [
    'sqlmap',
    'browser UA',
    (o) => ({
      cmd: 'sqlmap',
      args: [
        '-u',
        `${o.base}/products/2.html?id=1`,
        '--batch',
        '--random-agent',
        '--technique',
        'B',
        '--timeout',
        '5',
        '--retries',
        '0',
        '--flush-session',
        '--output-dir',
        join(o.tmp, `sqlmap-b-${o.ip}`),
        '--headers',
        xff(o.ip),
      ],
    }),
  ],
  [
    'gobuster',
    '',
    (o) => ({
      cmd: 'gobuster',
      args: ['dir', '-q', '-k', '-t', '4', '-u', o.base, '-w', o.lists.words, '-H', xff(o.ip)],
    }),
  ],
  [
    'gobuster',
    'browser UA',
    (o) => ({
      cmd: 'gobuster',
      args: [
        'dir',
        '-q',
        '-k',
        '-t',
        '4',
        '-u',
        o.base,
        '-w',
        o.lists.words,
        '-a',
        CHROME_UA,
        '-H',
        xff(o.ip),
      ],
    }),
  ],
  ['dirb', '', (o) => ({ cmd: 'dirb', args: [`${o.base}/`, o.lists.words, '-S', '-r', '-H', xff(o.ip)] })],
  [
    'wfuzz',
    '',
    (o) => ({
      cmd: 'wfuzz',
      args: ['-c', '--hc', '404', '-t', '4', '-w', o.lists.words, '-H', xff(o.ip), `${o.base}/FUZZ`],
    }),
  ],
  [
    'ffuf',
    '',
    (o) => ({
      cmd: 'ffuf',
      args: ['-s', '-t', '4', '-u', `${o.base}/FUZZ`, '-w', o.lists.words, '-H', xff(o.ip)],
    }),
  ],
  [
    'ffuf',
    'browser UA',
    (o) => ({
      cmd: 'ffuf',
      args: [
        '-s',
        '-t',
        '4',
        '-u',
        `${o.base}/FUZZ`,
        '-w',
        o.lists.words,
        '-H',
        xff(o.ip),
        '-H',
        `User-Agent: ${CHROME_UA}`,
      ],
    }),
  ],
  [
    'hydra',
    '',
    (o) => ({
      cmd: 'hydra',
      args: [
        '-l',
        'admin',
        '-P',
        o.lists.passwords,
        '-t',
        '2',
        '-s',
        String(o.port),
        '-S',
        'localhost',
        'https-post-form',
        `/login/:user=^USER^&pass=^PASS^:H=X-Forwarded-For\\: ${o.ip}:F=html`,
      ],
    }),
  ],
  [
    'whatweb',
    '',
    (o) => ({
      cmd: 'whatweb',
      args: ['-q', '--no-errors', '-a', '3', '--header', `X-Forwarded-For:${o.ip}`, `${o.base}/`],
    }),
  ],
  [
    'wapiti',
    '',
    (o) => ({
      cmd: 'wapiti',
      args: [
        '-u',
        `${o.base}/`,
        '--scope',
        'folder',
        '-m',
        'exec,file',
        '--max-scan-time',
        '45',
        '--flush-session',
        '--verify-ssl',
        '0',
        '-H',
        `X-Forwarded-For: ${o.ip}`,
        '-f',
        'txt',
        '-o',
        join(o.tmp, `wapiti-${o.ip}.txt`),
      ],
    }),
  ],
  [
    'siege',
    '',
    (o) => ({
      cmd: 'siege',
      args: ['-q', '-c', '4', '-r', '10', '-H', xff(o.ip), `${o.base}/products/3.html`],
    }),
  ],
  ['ab', '', (o) => ({ cmd: 'ab', args: ['-q', '-n', '60', '-c', '4', '-H', xff(o.ip), `${o.base}/`] })],
  [
    'w3m',
    '',
    (o) => ({
      cmd: 'w3m',
      // w3m tries only the first address of localhost (::1, where Apache does not listen).
      args: [
        '-dump',
        '-insecure',
        '-o',
        'ssl_verify_server=0',
        '-header',
        xff(o.ip),
        `${o.base.replace('localhost', '127.0.0.1')}/products/`,
      ],
    }),
  ],
];

/** Tools that cannot set a header: they are clients on loopback. */
const LOOPBACK: readonly [string, Builder][] = [
  [
    'nmap',
    (o) => ({
      cmd: 'nmap',
      args: [
        '-Pn',
        '-sV',
        '--version-light',
        '-p',
        String(o.port),
        '--script',
        'http-enum,http-headers,http-title,http-methods',
        '127.0.0.1',
      ],
    }),
  ],
  ['lynx', (o) => ({ cmd: 'lynx', args: ['-dump', `-cfg=${o.lists.lynxCfg}`, `${o.base}/products/`] })],
];

/** Every tool run, each tool once from a hosting and once from a residential address. */
export function toolRuns(
  base: string,
  port: number,
  tmp: string,
  lists: ReturnType<typeof writeLists>,
  address: (network: 'hosting' | 'residential', n: number) => string,
): ToolRun[] {
  const runs: ToolRun[] = [];
  let n = 0;
  for (const [tool, variant, build] of TOOLS) {
    for (const network of ['hosting', 'residential'] as const) {
      const ip = address(network, n++);
      const { cmd, args } = build({ base, port, ip, lists, tmp });
      runs.push({
        name: variant ? `${tool} (${variant})` : tool,
        tool,
        network,
        ip,
        cmd,
        args,
        timeoutMs: 90_000,
      });
    }
  }
  for (const [tool, build] of LOOPBACK) {
    const { cmd, args } = build({ base, port, ip: '127.0.0.1', lists, tmp });
    runs.push({ name: tool, tool, network: 'loopback', ip: '127.0.0.1', cmd, args, timeoutMs: 120_000 });
  }
  return runs.filter((r) => installed(r.cmd));
}

/** Whether a command is on PATH (or, given as a path, exists). */
export function installed(cmd: string): boolean {
  if (cmd.startsWith('/')) return existsSync(cmd);
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
}

/** Debian packages the benchmark's tools and browsers come from, by command. */
export const PACKAGES: Record<string, string> = {
  'firefox-esr': 'firefox-esr',
  chromium: 'chromium',
  curl: 'curl',
  wget: 'wget',
  http: 'httpie',
  sqlmap: 'sqlmap',
  gobuster: 'gobuster',
  dirb: 'dirb',
  wfuzz: 'wfuzz',
  ffuf: 'ffuf',
  hydra: 'hydra',
  whatweb: 'whatweb',
  wapiti: 'wapiti',
  siege: 'siege',
  ab: 'apache2-utils',
  w3m: 'w3m',
  nmap: 'nmap',
  lynx: 'lynx',
};

/** The packages to install for the commands that are missing (the run goes on without them). */
export function missingPackages(): string[] {
  return Object.entries(PACKAGES)
    .filter(([cmd]) => !installed(cmd))
    .map(([, pkg]) => pkg);
}

/** Runs one tool to its end or its time limit; resolves with how it ended. */
export function runTool(r: ToolRun): Promise<{ code: number | null; timedOut: boolean; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(r.cmd, r.args, { stdio: 'ignore', env: { ...process.env, TERM: 'dumb' } });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, r.timeoutMs);
    child.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, ms: Date.now() - t0 });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time. */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}
