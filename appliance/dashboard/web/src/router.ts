import { useEffect, useState } from 'react';

/** A tiny hash router: #/page/arg?key=value. Hash routes need no server-side routing. */
export interface Route {
  page: string;
  arg: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = 'overview', ...rest] = path.split('/');
  return {
    page: page || 'overview',
    arg: decodeURIComponent(rest.join('/')),
    params: new URLSearchParams(query),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = {
  overview: () => '#/overview',
  anomalies: () => '#/anomalies',
  ip: (ip: string) => `#/ip/${encodeURIComponent(ip)}`,
  fingerprint: (ja4: string) => `#/fingerprint/${encodeURIComponent(ja4)}`,
  search: (q: string) => `#/search?q=${encodeURIComponent(q)}`,
  status: () => '#/status',
};
