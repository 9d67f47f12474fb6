/**
 * The routes the dashboard benchmark measures, as the web app calls them, over the data set's last
 * hour, day and week. `base` is the same view as the baseline checkout's API asked for it (null:
 * the route is new, the baseline has no such view).
 */
export interface BenchRoute {
  name: string;
  url: string;
  base: string | null;
  goal: boolean;
}

export function benchRoutes(endS: number, ip: string, ja4: string): BenchRoute[] {
  const w = (s: number) => `from=${endS - s}&to=${endS}`;
  const day = w(86400);
  const same = (name: string, url: string): BenchRoute => ({ name, url, base: url, goal: true });
  const added = (name: string, url: string): BenchRoute => ({ name, url, base: null, goal: true });
  const ipPath = `/api/ips/${encodeURIComponent(ip)}`;
  const ja4Path = `/api/fingerprints/${encodeURIComponent(ja4)}`;
  return [
    same('overview 1h', `/api/overview?${w(3600)}`),
    same('overview 24h', `/api/overview?${day}`),
    same('overview 7d', `/api/overview?${w(7 * 86400)}`),
    added('detections (histogram, top reasons) 24h', `/api/overview/detections?${day}`),
    added('JA4 signals 24h, page 1', `/api/signals?${day}&sort=requests&page=1`),
    added('new JA4s 24h', `/api/signals?${day}&new_only=true&page_size=10`),
    {
      name: 'anomalies p1 by score',
      url: `/api/anomalies?${day}&sort=score&order=desc&page=1`,
      base: `/api/anomalies?${day}&sort=score&order=desc&page=1`,
      goal: true,
    },
    same(
      'anomalies filtered',
      `/api/anomalies?${day}&asn_label=hosting&min_score=0.5&q=45.155&sort=requests&page=1`,
    ),
    added('alerts 24h (open)', `/api/alerts?${day}&page=1`),
    { name: 'ip detail', url: `${ipPath}?${day}`, base: `${ipPath}?${day}`, goal: true },
    added('ip requests, page 1', `${ipPath}/requests?${day}&page=1`),
    { name: 'fingerprint detail', url: `${ja4Path}?${day}`, base: `${ja4Path}?${day}`, goal: true },
    added('fingerprint IPs, page 1', `${ja4Path}/ips?${day}&page=1`),
    same('search cidr', `/api/search?q=${encodeURIComponent('90.0.0.0/16')}&${day}`),
    added('search ua:curl', `/api/search?q=${encodeURIComponent('ua:curl')}&${day}`),
    added('search path:/wp-login.php', `/api/search?q=${encodeURIComponent('path:/wp-login.php')}&${day}`),
    added('search ja4 prefix', `/api/search?q=${encodeURIComponent(`ja4:${ja4.split('_')[0]}_*`)}&${day}`),
    added('lists', '/api/lists'),
    added('audit, page 1', '/api/audit?page=1'),
  ];
}
