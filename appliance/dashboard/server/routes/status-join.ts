import type { Config } from '../../../common/index.js';

/** The correlator's join counters as the status page shows them (correlator README, Metrics). */
export interface JoinCounters {
  joined: Record<string, number>;
  basis: Record<string, number>;
  unjoined: Record<string, number>;
  rejected: Record<string, number>;
}

const SERIES: [keyof JoinCounters, string, string][] = [
  ['joined', 'ja4_correlator_joined_total', 'when'],
  ['basis', 'ja4_correlator_join_basis_total', 'basis'],
  ['unjoined', 'ja4_correlator_unjoined_total', 'reason'],
  ['rejected', 'ja4_correlator_candidates_rejected_total', 'reason'],
];

/** Reads the counters from a Prometheus text page; series not on it are left out. */
export function parseJoinCounters(text: string): JoinCounters {
  const out: JoinCounters = { joined: {}, basis: {}, unjoined: {}, rejected: {} };
  for (const line of text.split('\n')) {
    for (const [group, name, label] of SERIES) {
      if (!line.startsWith(`${name}{`)) continue;
      const m = new RegExp(`[{,]${label}="([a-z_]+)"`).exec(line);
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (m && Number.isFinite(value)) out[group][m[1]] = value;
    }
  }
  return out;
}

/** The correlator's counters from its /metrics on this host; null when it is not served or not up. */
export async function joinCounters(config: Config): Promise<JoinCounters | null> {
  const port = config.correlator.metrics_port;
  if (port === 0) return null;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2500) });
    return res.ok ? parseJoinCounters(await res.text()) : null;
  } catch {
    return null;
  }
}
