import { describe, expect, it } from 'vitest';
import { isBaselineRow } from '../../../../appliance/detector/baseline.js';
import { buildFeatures, buildJa4Context, type FeatureRow } from '../../../../appliance/detector/features.js';
import { selectRows } from '../../../../appliance/detector/model/matrix.js';
import { baselineStats, explainRow, formatReasons } from '../../../../appliance/detector/reasons.js';
import { syntheticRows } from '../../../../scripts/lib/detector-synthetic.js';
import { CHROME_WIN_UA, FAMILIES } from './helpers.js';

/** Humans from the synthetic set, plus hand-built rows appended at the end. */
function explain(extra: FeatureRow[]) {
  const humans = syntheticRows(1500, 3)
    .filter((s) => s.label === 'human')
    .map((s) => s.row);
  const rows = [...humans, ...extra];
  const { matrix, facts } = buildFeatures(rows, buildJa4Context(rows), FAMILIES);
  const baseline = rows
    .map((r, i) => (i < humans.length && isBaselineRow(r, facts[i]) ? i : -1))
    .filter((i) => i >= 0);
  const stats = baselineStats(selectRows(matrix, baseline));
  return extra.map((r, k) => explainRow(matrix, humans.length + k, r, facts[humans.length + k], stats));
}

/** A typical synthetic human: Windows Chrome, 12 requests, nothing odd. */
const typical = (): FeatureRow => ({
  ...syntheticRows(200, 3).find((s) => s.label === 'human' && s.row.top_user_agent === CHROME_WIN_UA)!.row,
  requests: 12,
  distinct_paths: 7,
  ratio_4xx: 0,
  ratio_post: 0,
  login_hits: 0,
  distinct_user_agents: 1,
  mean_header_count: 14,
});

describe('explainRow', () => {
  it('names the features a hand-built outlier differs on, and only those, with value and typical value', () => {
    const [reasons] = explain([{ ...typical(), requests: 400, ratio_4xx: 0.95 }]);
    expect(reasons.map((r) => r.code).sort()).toEqual(['ratio_4xx', 'requests_log']);
    const requests = reasons.find((r) => r.code === 'requests_log')!;
    expect(requests.value).toBe('400');
    expect(Number(requests.typical)).toBeLessThan(100);
    const text = formatReasons(reasons);
    expect(text).toContain('400 requests in the hour');
    expect(text).toContain('95% of responses were client errors');
  });

  it('explains a browser UA that its TLS and TCP stacks contradict', () => {
    const liar: FeatureRow = {
      ...typical(),
      ja4: 't13d2613h2_2802a3db6c62_845d286b0d67', // Safari's ClientHello
      tcp_ttl: 52,
      tcp_window: 64240,
      tcp_options: '2-4-8-1-3', // Linux SYN
    };
    const [reasons] = explain([liar]);
    const codes = reasons.map((r) => r.code);
    expect(codes).toContain('ua_tls_mismatch');
    expect(codes).toContain('ua_tcp_mismatch');
    expect(codes).not.toContain('requests_log');
    const text = formatReasons(reasons);
    expect(text).toContain("claims Chrome/Chromium but the TLS fingerprint is Safari's");
    expect(text).toContain('claims Windows but the TCP SYN looks like Linux (TTL 52, window 64240');
  });

  it('gives a row without TLS no TLS reason', () => {
    const [reasons] = explain([{ ...typical(), ja4: '', requests: 400 }]);
    expect(reasons.map((r) => r.code)).toEqual(['requests_log']);
  });

  it('says nothing for a typical human', () => {
    const [reasons] = explain([typical()]);
    expect(reasons).toEqual([]);
  });
});
