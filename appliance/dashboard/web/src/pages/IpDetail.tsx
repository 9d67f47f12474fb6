import { useMemo } from 'react';
import type { IpDetailResponse } from '../../../api/index';
import { Kpi } from '../components/Kpi';
import { Labels } from '../components/Labels';
import { AsnLink, CidrLink } from '../components/Pivots';
import { RangePicker } from '../components/RangePicker';
import { TimeSeriesChart } from '../components/TimeSeriesChart';
import { Triage } from '../components/Triage';
import { plural, score } from '../format';
import { rangeKeys, rangeOf } from '../range';
import { type Route, setParams } from '../router';
import { fmtTime, useZone, zoneName } from '../time';
import { useApi } from '../use-api';
import { Explanation, ScoreHistory } from './ip-explain';
import { IpFingerprints, IpTops, RecentRequests } from './ip-sections';

function Summary({ d, keep }: { d: IpDetailResponse; keep: Record<string, string | undefined> }) {
  const zone = useZone();
  const s = d.summary;
  const maxScore = Math.max(d.recurrence.max_score, ...d.scores.map((x) => x.score), 0);
  return (
    <>
      <div className="kpis">
        <Kpi label="requests" value={s.requests} />
        <Kpi label={`AS${s.asn}`} value={s.asn_name || '—'} />
        <Kpi
          label="days flagged (30 days)"
          value={d.recurrence.days_flagged}
          tone={d.recurrence.days_flagged > 0 ? 'bad' : undefined}
        />
        <Kpi
          label="highest score"
          value={d.scores.length > 0 || d.recurrence.max_score > 0 ? score(maxScore) : 'not scored'}
        />
      </div>
      <p>
        <Labels values={[s.asn_label, s.bot_ip_label]} />{' '}
        <AsnLink asn={s.asn} name={s.asn_name} range={keep} /> · network <CidrLink ip={d.ip} range={keep} /> ·
        first request {fmtTime(s.first_seen, zone)}, last {fmtTime(s.last_seen, zone)} ({zoneName(zone)})
      </p>
    </>
  );
}

export function IpDetail({ route }: { route: Route }) {
  const ip = route.arg;
  const range = rangeOf(route);
  const { data, error, reload } = useApi<IpDetailResponse>(
    `/api/ips/${encodeURIComponent(ip)}`,
    range.params,
  );
  const series = useMemo(
    () =>
      data
        ? [
            { label: 'requests', color: '#1565c0', values: data.timeline.hits },
            { label: '4xx/5xx', color: '#c62828', values: data.timeline.errors },
          ]
        : [],
    [data],
  );
  const keep = rangeKeys(range);
  return (
    <div>
      <div className="toolbar">
        <h2>
          IP <span className="mono">{ip}</span>
        </h2>
        <RangePicker range={range} />
      </div>
      {error && <p className="error">{error}</p>}
      {data && data.summary.requests === 0 && (
        <p className="muted">no requests from this address in the range</p>
      )}
      {data && (
        <>
          {data.summary.requests > 0 && <Summary d={data} keep={keep} />}
          <section className="card">
            <h3>Decide</h3>
            <Triage ip={data.ip} range={range.params} onDone={reload} />
          </section>
          <section className="card">
            <h3>Timeline</h3>
            <TimeSeriesChart
              t={data.timeline.t}
              series={series}
              from={data.range.from}
              to={data.range.to}
              step={data.range.step}
              height={180}
              onZoom={(from, to) => setParams({ range: undefined, from, to })}
            />
          </section>
          <Explanation e={data.explanation} />
          <ScoreHistory d={data} />
          <IpTops d={data} keep={keep} />
          <IpFingerprints d={data} keep={range.keep} range={keep} />
          <RecentRequests ip={ip} route={route} range={range.params} keep={keep} />
          <p className="muted small">{plural(data.scores.length, 'scored row')} in the range.</p>
        </>
      )}
    </div>
  );
}
