import type { ClickHouseClient } from '../../../common/index.js';
import type { TimeRange } from '../time-range.js';
import { rangeParams, select } from './run.js';
import { classifiedRows, sourceStep } from './traffic-source.js';

export interface Overview {
  kpis: {
    requests: number;
    unique_ips: number;
    unique_ja4: number;
    known_bot_requests: number;
    anomalous_ips: number;
    anomalous_requests: number;
  };
  series: { t: number[]; human: number[]; known_bot: number[]; anomalous: number[] };
  top_ja4: { ja4: string; hits: number; ips: number; known_bot: number }[];
  top_hosts: { host: string; hits: number; ips: number }[];
  top_asns: { asn: number; asn_name: string; asn_label: string; hits: number; ips: number }[];
}

/** One row of the overview's single query; `g` tells which grouping set it belongs to. */
interface SetRow {
  g: number;
  t: number;
  class: string;
  ja4: string;
  host: string;
  asn: number;
  asn_name: string;
  asn_label: string;
  hits: number;
  ips: number;
  known_bot: number;
}

// GROUPING(t, class, ja4, host, asn): a bit is 1 where the column is NOT in the set.
const SET_SERIES = 0b00111;
const SET_CLASS = 0b10111;
const SET_JA4 = 0b11011;
const SET_HOST = 0b11101;
const SET_ASN = 0b11110;
const SET_ALL = 0b11111;

/**
 * Requests split three ways: known bot (a bot IP or bot JA4 label), anomalous (flagged by the
 * detector and not a known bot), human (everything else).
 *
 * One pass over the source answers everything (GROUPING SETS), where five queries each
 * re-read and re-grouped it: on the embedded engine queries share two cores, so a route costs
 * the sum of its queries. Distinct IP counts are uniq() (HyperLogLog-class estimate, exact
 * for small sets): exact counts keep every address of a group, ~10^6 a day at 10M rows.
 */
export async function overview(ch: ClickHouseClient, r: TimeRange): Promise<Overview> {
  const step = sourceStep(r);
  const rows = await select<SetRow>(
    ch,
    `SELECT GROUPING(t, class, ja4, host, asn) AS g, toUnixTimestamp(t) AS t, class, ja4, host, asn,
            any(asn_name) AS asn_name, any(asn_label) AS asn_label, sum(hits) AS hits, uniq(ip_h) AS ips,
            max(class = 'known_bot') AS known_bot
     FROM (${classifiedRows(r)})
     GROUP BY GROUPING SETS ((t, class), (class), (ja4), (host), (asn), ())`,
    { ...rangeParams(r), step },
  );
  const of = (g: number) => rows.filter((x) => Number(x.g) === g);
  const top = <T>(g: number, pick: (x: SetRow) => T, keep: (x: SetRow) => boolean = () => true) =>
    of(g)
      .filter(keep)
      .sort((a, b) => Number(b.hits) - Number(a.hits))
      .slice(0, 10)
      .map(pick);
  const byClass = (c: string) => of(SET_CLASS).find((x) => x.class === c);
  const all = of(SET_ALL)[0];
  return {
    kpis: {
      requests: Number(all?.hits ?? 0),
      unique_ips: Number(all?.ips ?? 0),
      unique_ja4: of(SET_JA4).filter((x) => x.ja4 !== '').length,
      known_bot_requests: Number(byClass('known_bot')?.hits ?? 0),
      anomalous_ips: Number(byClass('anomalous')?.ips ?? 0),
      anomalous_requests: Number(byClass('anomalous')?.hits ?? 0),
    },
    series: pivotSeries(of(SET_SERIES), { ...r, step }),
    top_ja4: top(
      SET_JA4,
      (x) => ({ ja4: x.ja4, hits: Number(x.hits), ips: Number(x.ips), known_bot: Number(x.known_bot) }),
      (x) => x.ja4 !== '',
    ),
    top_hosts: top(SET_HOST, (x) => ({ host: x.host, hits: Number(x.hits), ips: Number(x.ips) })),
    top_asns: top(SET_ASN, (x) => ({
      asn: Number(x.asn),
      asn_name: x.asn_name,
      asn_label: x.asn_label,
      hits: Number(x.hits),
      ips: Number(x.ips),
    })),
  };
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
