import type { ClickHouseClient } from '../../../common/index.js';
import type { OverviewResponse } from '../../api/index.js';
import type { TimeRange } from '../time-range.js';
import { countFlaggedIps } from './flagged-count.js';
import { rangeParams, select } from './run.js';
import { seriesQuery, setsQuery, sourceRange } from './traffic-source.js';

/** The overview as the API returns it, but for its range. */
export type Overview = Omit<OverviewResponse, 'range'>;

/** One row of the series query: one bucket. */
export interface BucketRow {
  t: number;
  known_bot: number;
  other: number;
  anomalous: number;
}

/** One row of the grouping-sets query; `set` tells which grouping it belongs to. */
interface SetRow {
  set: 'all' | 'ja4' | 'host' | 'asn';
  ja4: string;
  host: string;
  asn: number;
  asn_name: string;
  asn_label: string;
  hits: number;
  known_bot_hits: number;
  ips: number;
}

/**
 * Requests split three ways: known bot (a bot IP or bot JA4 label), anomalous (requests of the
 * (hour, host, JA4) groups the detector flagged that are not known bots, as the detector counted
 * them), human (everything else). Two queries on IP-free aggregates (see traffic-source.ts): the
 * series with the detector's per-hour counts spread over it, and the KPIs' totals and top lists
 * from the stored grouping sets. The range is the one `sourceRange` aligns to whole buckets.
 * Distinct IP counts are estimates (exact for small sets), except the anomalous IPs: the
 * anomalies page's total for an empty filter (flagged-count.ts), so the two pages agree.
 */
export async function overview(ch: ClickHouseClient, range: TimeRange): Promise<Overview> {
  const r = sourceRange(range);
  const params = { ...rangeParams(r), step: r.step, grain: r.grain };
  // Side by side: a ClickHouse server runs them in parallel (the embedded engine one at a time).
  const [buckets, sets, anomalousIps] = await Promise.all([
    select<BucketRow>(ch, seriesQuery(), params),
    select<SetRow>(ch, setsQuery(), params),
    countFlaggedIps(ch, range),
  ]);
  const of = (set: SetRow['set']) => sets.filter((x) => x.set === set);
  const top = <T>(set: SetRow['set'], pick: (x: SetRow) => T, keep: (x: SetRow) => boolean = () => true) =>
    of(set)
      .filter(keep)
      .sort((a, b) => Number(b.hits) - Number(a.hits))
      .slice(0, 10)
      .map(pick);
  const series = bucketSeries(buckets, r);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const knownBot = sum(series.known_bot);
  const anomalous = sum(series.anomalous);
  return {
    kpis: {
      requests: knownBot + anomalous + sum(series.human),
      unique_ips: Number(of('all')[0]?.ips ?? 0),
      unique_ja4: of('ja4').filter((x) => x.ja4 !== '').length,
      known_bot_requests: knownBot,
      anomalous_ips: anomalousIps,
      anomalous_requests: anomalous,
    },
    series,
    top_ja4: top(
      'ja4',
      (x) => ({
        ja4: x.ja4,
        hits: Number(x.hits),
        ips: Number(x.ips),
        known_bot: Number(x.known_bot_hits) > 0,
      }),
      (x) => x.ja4 !== '',
    ),
    top_hosts: top('host', (x) => ({ host: x.host, hits: Number(x.hits), ips: Number(x.ips) })),
    top_asns: top('asn', (x) => ({
      asn: Number(x.asn),
      asn_name: x.asn_name,
      asn_label: x.asn_label,
      hits: Number(x.hits),
      ips: Number(x.ips),
    })),
  };
}

/** Splits each bucket's non-bot hits into anomalous and human, then aligns the buckets. */
export function bucketSeries(rows: BucketRow[], r: TimeRange): Overview['series'] {
  return pivotSeries(
    rows.flatMap((b) => {
      const other = Number(b.other);
      const anomalous = Math.min(other, Number(b.anomalous));
      return [
        { t: Number(b.t), class: 'known_bot', hits: Number(b.known_bot) },
        { t: Number(b.t), class: 'anomalous', hits: anomalous },
        { t: Number(b.t), class: 'human', hits: other - anomalous },
      ];
    }),
    r,
  );
}

/** Turns (t, class, hits) rows into aligned arrays with a zero for every empty bucket. */
export function pivotSeries(
  rows: { t: number; class: string; hits: number }[],
  r: TimeRange,
): Overview['series'] {
  const start = Math.floor(r.from / r.step) * r.step;
  const n = Math.max(1, Math.ceil((r.to - start) / r.step));
  const out: Overview['series'] = {
    t: Array.from({ length: n }, (_, i) => start + i * r.step),
    human: new Array(n).fill(0),
    known_bot: new Array(n).fill(0),
    anomalous: new Array(n).fill(0),
  };
  for (const row of rows) {
    const i = Math.floor((row.t - start) / r.step);
    if (i < 0 || i >= n) continue;
    const key = row.class as 'human' | 'known_bot' | 'anomalous';
    if (key in out) out[key][i] += Number(row.hits);
  }
  return out;
}
