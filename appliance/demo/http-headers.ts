import type { HeaderStyle } from './client-profiles.js';

/** What a request is for; browsers send different Accept and Sec-Fetch-* headers for each. */
export type RequestKind = 'page' | 'css' | 'js' | 'img' | 'font' | 'form' | 'probe';

export interface HeaderContext {
  userAgent: string;
  /** Primary language of the visitor, e.g. 'fr-FR'. */
  language: string;
  referer: string;
  cookie: boolean;
  contentLength: number;
  /** HTTP/2 header names are lower-case on the wire (RFC 9113 §8.2.1). */
  h2: boolean;
}

export interface RequestHeaders {
  user_agent: string;
  referer: string;
  accept: string;
  accept_language: string;
  accept_encoding: string;
  content_type: string;
  content_length: string;
  header_names: string[];
}

const BROWSER_ACCEPT: Record<'chrome' | 'firefox' | 'safari', Partial<Record<RequestKind, string>>> = {
  chrome: {
    page: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
    css: 'text/css,*/*;q=0.1',
    img: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  },
  firefox: {
    page: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    css: 'text/css,*/*;q=0.1',
    img: 'image/avif,image/webp,*/*',
  },
  safari: {
    page: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    css: 'text/css,*/*;q=0.1',
    img: 'image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
  },
};

function acceptLanguage(style: 'chrome' | 'firefox' | 'safari', lang: string): string {
  const base = lang.split('-')[0];
  if (base === 'en') return style === 'firefox' ? 'en-US,en;q=0.5' : 'en-US,en;q=0.9';
  if (style === 'firefox') return `${base},${lang};q=0.8,en-US;q=0.5,en;q=0.3`;
  if (style === 'safari') return `${lang},${base};q=0.9`;
  return `${lang},${base};q=0.9,en-US;q=0.8,en;q=0.7`;
}

function browserNames(style: 'chrome' | 'firefox' | 'safari', kind: RequestKind, c: HeaderContext): string[] {
  const nav = kind === 'page' || kind === 'form';
  const ref = c.referer ? ['referer'] : [];
  const cookie = c.cookie ? ['cookie'] : [];
  const form = kind === 'form' ? ['content-length', 'content-type', 'origin'] : [];
  if (style === 'chrome') {
    const ch = ['sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform'];
    const fetch = nav
      ? ['sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-user', 'sec-fetch-dest']
      : ['sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest'];
    const head = nav ? [...form, ...ch, 'upgrade-insecure-requests', 'user-agent'] : [...ch, 'user-agent'];
    return ['host', ...head, 'accept', ...fetch, ...ref, 'accept-encoding', 'accept-language', ...cookie];
  }
  if (style === 'firefox') {
    const fetch = nav
      ? ['upgrade-insecure-requests', 'sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-user']
      : ['sec-fetch-dest', 'sec-fetch-mode', 'sec-fetch-site'];
    return [
      'host',
      'user-agent',
      'accept',
      'accept-language',
      'accept-encoding',
      ...form,
      ...ref,
      ...cookie,
      ...fetch,
      'te',
    ];
  }
  return [
    'host',
    ...form,
    'accept',
    'sec-fetch-site',
    ...cookie,
    'sec-fetch-dest',
    'accept-language',
    'sec-fetch-mode',
    'user-agent',
    ...ref,
    'accept-encoding',
  ];
}

function toolNames(style: 'curl' | 'python' | 'go', kind: RequestKind, c: HeaderContext): string[] {
  const body = kind === 'form' ? ['Content-Length', 'Content-Type'] : [];
  let names: string[];
  if (style === 'curl') names = ['Host', 'User-Agent', 'Accept', ...body];
  else if (style === 'python')
    names = [
      'Host',
      'User-Agent',
      'Accept-Encoding',
      'Accept',
      'Connection',
      ...(c.cookie ? ['Cookie'] : []),
      ...body,
    ];
  else names = ['Host', 'User-Agent', ...body, 'Accept-Encoding'];
  return c.h2 ? names.map((n) => n.toLowerCase()) : names;
}

/** Name lists are few (style × kind × referer × cookie × h2): built once, shared by rows. */
const namesCache = new Map<string, string[]>();

function headerNames(style: HeaderStyle, kind: RequestKind, c: HeaderContext): string[] {
  const key = `${style}|${kind}|${c.referer ? 1 : 0}|${c.cookie ? 1 : 0}|${c.h2 ? 1 : 0}`;
  let names = namesCache.get(key);
  if (!names) {
    names =
      style === 'chrome' || style === 'firefox' || style === 'safari'
        ? browserNames(style, kind, c)
        : toolNames(style, kind, c);
    namesCache.set(key, names);
  }
  return names;
}

/** The headers a client of `style` sends for a request of `kind`, in its wire order. */
export function buildHeaders(style: HeaderStyle, kind: RequestKind, c: HeaderContext): RequestHeaders {
  const isForm = kind === 'form';
  const common = {
    user_agent: c.userAgent,
    referer: c.referer,
    content_type: isForm ? 'application/x-www-form-urlencoded' : '',
    content_length: isForm ? String(c.contentLength) : '',
  };
  if (style === 'chrome' || style === 'firefox' || style === 'safari') {
    const table = BROWSER_ACCEPT[style];
    const accept = table[kind === 'form' ? 'page' : kind] ?? '*/*';
    return {
      ...common,
      accept,
      accept_language: acceptLanguage(style, c.language),
      accept_encoding: 'gzip, deflate, br',
      header_names: headerNames(style, kind, c),
    };
  }
  const names = headerNames(style, kind, c);
  return {
    ...common,
    referer: '',
    accept: style === 'go' ? '' : '*/*',
    accept_language: '',
    accept_encoding: style === 'curl' ? '' : style === 'go' ? 'gzip' : 'gzip, deflate',
    header_names: names,
  };
}
