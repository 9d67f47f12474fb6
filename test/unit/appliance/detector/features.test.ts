import { describe, expect, it } from 'vitest';
import {
  buildFeatures,
  FEATURE_NAMES,
  featureRecord,
  isBaselineRow,
  ja4Count,
} from '../../../../appliance/detector/features.js';
import { CHROME, CURL, row } from './helpers.js';

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
    const { matrix, facts } = buildFeatures(rows);
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
    expect(facts[2].tls).toBe('tool');
  });

  it('gives finite values for rows without TLS or SYN', () => {
    const { matrix } = buildFeatures([
      row({ ja4: '', tcp_ttl: null, tcp_window: null, tcp_mss: null, tcp_options: '' }),
    ]);
    for (const v of matrix.data) expect(Number.isFinite(v)).toBe(true);
    expect(featureRecord(matrix, 0).ua_tcp_mismatch).toBe(0.5);
  });

  it('ja4Count reads JA4_a counts', () => {
    expect(ja4Count(CHROME, 4)).toBe(15);
    expect(ja4Count(CHROME, 6)).toBe(16);
    expect(ja4Count('', 4)).toBe(0);
  });
});

describe('isBaselineRow', () => {
  it('keeps human-ASN rows without bot labels', () => {
    expect(isBaselineRow(row())).toBe(true);
    expect(isBaselineRow(row({ asn_label: 'datacenter' }))).toBe(false);
    expect(isBaselineRow(row({ bot_ip_label: 'tor_exit' }))).toBe(false);
    expect(isBaselineRow(row({ bot_ja4_label: 'curl' }))).toBe(false);
  });
});
