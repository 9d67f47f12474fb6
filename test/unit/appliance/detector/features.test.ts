import { describe, expect, it } from 'vitest';
import { isBaselineRow } from '../../../../appliance/detector/baseline.js';
import {
  buildFeatures,
  buildJa4Context,
  FEATURE_NAMES,
  featureRecord,
  imputeMissing,
  ja4Count,
  TLS_FEATURES,
} from '../../../../appliance/detector/features.js';
import { CHROME, CURL, FAMILIES, row } from './helpers.js';

describe('buildFeatures', () => {
  it('computes traffic, rarity, spread and coherence features by name', () => {
    const rows = [
      row({ src_ip: '90.0.0.1', requests: 90 }),
      row({
        src_ip: '90.0.0.2',
        requests: 9,
        top_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/118.0.0.0',
      }),
      row({
        src_ip: '45.1.1.1',
        ja4: CURL,
        requests: 1,
        ratio_4xx: 1.5,
        tcp_ttl: 52,
        tcp_options: '2-4-8-1-3',
      }),
    ];
    const { matrix, facts } = buildFeatures(rows, buildJa4Context(rows), FAMILIES);
    expect(matrix.cols).toBe(FEATURE_NAMES.length);
    const f0 = featureRecord(matrix, 0);
    const f2 = featureRecord(matrix, 2);
    expect(f0.requests_log).toBeCloseTo(Math.log(91), 12);
    // The host saw 100 requests: 99 with Chrome's JA4, 1 with curl's.
    expect(f0.ja4_host_rarity).toBeCloseTo(-Math.log10(0.99), 12);
    expect(f2.ja4_host_rarity).toBeCloseTo(2, 12);
    expect(f0.ja4_ip_spread_log).toBeCloseTo(Math.log(3), 12); // two IPs share Chrome's JA4
    expect(f0.ja4_ua_spread_log).toBeCloseTo(Math.log(3), 12); // with two user agents
    expect(f2.ratio_4xx).toBe(1); // clamped
    expect(f0.tls_cipher_count).toBe(15);
    expect(f2.tls_extension_count).toBe(12);
    expect(f0.ua_tls_mismatch).toBe(0);
    expect(f0.ua_tcp_mismatch).toBe(0);
    expect(f2.ua_tls_mismatch).toBe(1); // Chrome UA, curl's ClientHello
    expect(f2.ua_tcp_mismatch).toBe(1); // Windows UA, Linux SYN
    expect(facts[2].tls.family).toBe('tool');
    expect(f0.declared_automation).toBe(0);
    expect(f0.network_risk).toBe(0); // an ISP
  });

  it('leaves the TLS features out of a row without TLS, and fills them from the baseline for the model', () => {
    const { matrix, facts } = buildFeatures(
      [row({ ja4: '', tcp_ttl: null, tcp_window: null, tcp_mss: null, tcp_options: '' })],
      undefined,
      FAMILIES,
    );
    const record = featureRecord(matrix, 0, facts[0]);
    for (const name of TLS_FEATURES) expect(record).not.toHaveProperty(name);
    expect(record.ua_tcp_mismatch).toBe(0.5);
    imputeMissing(
      matrix,
      FEATURE_NAMES.map((_, i) => i),
    );
    for (const v of matrix.data) expect(Number.isFinite(v)).toBe(true);
    expect(matrix.data[FEATURE_NAMES.indexOf('tls_cipher_count')]).toBe(
      FEATURE_NAMES.indexOf('tls_cipher_count'),
    );
  });

  it('ja4Count reads JA4_a counts', () => {
    expect(ja4Count(CHROME, 4)).toBe(15);
    expect(ja4Count(CHROME, 6)).toBe(16);
    expect(ja4Count('', 4)).toBe(0);
  });
});

describe('isBaselineRow', () => {
  const base = (over: Parameters<typeof row>[0], ctx = {}) => {
    const r = row(over);
    const { facts } = buildFeatures([r], undefined, FAMILIES);
    return isBaselineRow(r, facts[0], ctx);
  };
  it('learns from browsers whose UA, TLS and SYN agree, on access networks, with no bot label', () => {
    expect(base({})).toBe(true);
    expect(base({ asn_label: 'unknown' })).toBe(true);
    expect(base({ asn_label: 'hosting' })).toBe(false);
    expect(base({ asn_label: 'tor' })).toBe(false);
    expect(base({ bot_ip_label: 'tor_exit' })).toBe(false);
    expect(base({ bot_ja4_label: 'curl' })).toBe(false);
    expect(base({ ja4: CURL })).toBe(false); // Chrome UA over curl's TLS
    expect(base({ top_user_agent: 'curl/7.88.1', ja4: CURL })).toBe(false); // honest, but a tool
    expect(base({ tcp_ttl: 52, tcp_options: '2-4-8-1-3' })).toBe(false); // Windows UA, Linux SYN
    expect(base({ ja4: '' })).toBe(false); // no TLS to confirm the browser
  });

  it('follows the analyst: false positives join the baseline, confirmed bots never do', () => {
    expect(base({ asn_label: 'hosting' }, { label: 'false_positive' })).toBe(true);
    expect(base({}, { label: 'confirmed' })).toBe(false);
    expect(base({}, { list: { list: 'deny', subject_kind: 'ip', subject: '90.1.2.3', note: '' } })).toBe(
      false,
    );
  });
});
