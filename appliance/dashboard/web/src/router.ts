import { useEffect, useState } from 'react';

/**
 * A small hash router: #/page/arg?key=value. The query part holds the page's whole state
 * (range, filters, sort, page), so a reload or a pasted link shows the same view.
 */
export interface Route {
  page: string;
  arg: string;
  params: URLSearchParams;
}

export const PAGES = [
  'overview',
  'anomalies',
  'alerts',
  'signals',
  'ip',
  'fingerprint',
  'search',
  'lists',
  'status',
];

export function parseHash(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = '', ...rest] = path.split('/');
  let arg = rest.join('/');
  try {
    arg = decodeURIComponent(arg);
  } catch {
    // A malformed escape is shown as typed: the page says what it cannot find.
  }
  return { page: page || 'overview', arg, params: new URLSearchParams(query) };
}

const CHANGED = 'ja4:route';

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    window.addEventListener(CHANGED, on);
    return () => {
      window.removeEventListener('hashchange', on);
      window.removeEventListener(CHANGED, on);
    };
  }, []);
  return route;
}

/**
 * Changes keys of the current page's state in the URL (undefined or '' removes a key). Typing in
 * a filter replaces the history entry; other changes push one, so Back undoes them.
 */
export function setParams(
  changes: Record<string, string | number | undefined>,
  opts: { replace?: boolean } = {},
) {
  const route = parseHash(window.location.hash);
  const params = new URLSearchParams(route.params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') params.delete(k);
    else params.set(k, String(v));
  }
  const path = `#/${route.page}${route.arg ? `/${encodeURIComponent(route.arg)}` : ''}`;
  const qs = params.toString();
  const url = `${window.location.pathname}${window.location.search}${path}${qs ? `?${qs}` : ''}`;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGED));
}

const q = (params: Record<string, string | undefined>) => {
  const s = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => !!e[1]),
  ).toString();
  return s ? `?${s}` : '';
};

/** Links to pages; `keep` carries the time range along (pivots keep the analyst's range). */
export const href = {
  overview: (keep = '') => `#/overview${keep}`,
  anomalies: (keep = '') => `#/anomalies${keep}`,
  alerts: (keep = '') => `#/alerts${keep}`,
  signals: (keep = '') => `#/signals${keep}`,
  lists: () => '#/lists',
  ip: (ip: string, keep = '') => `#/ip/${encodeURIComponent(ip)}${keep}`,
  fingerprint: (ja4: string, keep = '') => `#/fingerprint/${encodeURIComponent(ja4)}${keep}`,
  search: (query: string, range: Record<string, string | undefined> = {}) =>
    `#/search${q({ q: query, ...range })}`,
  status: () => '#/status',
};
