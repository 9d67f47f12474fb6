import { describe, expect, it } from 'vitest';
import { buildDecisions } from '../../../../appliance/detector/decisions.js';
import { buildFeatures, type FeatureRow } from '../../../../appliance/detector/features.js';
import { decide, type VerdictInput } from '../../../../appliance/detector/verdicts.js';
import {
  claimedCrawler,
  type Resolver,
  verifyCrawler,
} from '../../../../appliance/detector/verified-bots.js';
import { CURL, FAMILIES, row } from './helpers.js';

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

function input(over: Partial<FeatureRow>, extra: Partial<VerdictInput> = {}): VerdictInput {
  const r = row(over);
  const { facts } = buildFeatures([r], undefined, FAMILIES);
  return { row: r, facts: facts[0], score: 0.3, threshold: 0.45, ...extra };
}

describe('decide', () => {
  it('an honest curl from a hosting network is automated: the UA declares a tool, the network is a reason', () => {
    const d = decide(
      input({
        top_user_agent: 'curl/8.5.0',
        ja4: 't13d3113h2_e8f1e7e78f70_0000000000ab',
        asn: 14061,
        asn_name: 'DigitalOcean',
        asn_label: 'hosting',
      }),
    );
    expect(d).toMatchObject({ verdict: 'automated', source: 'heuristic', flagged: true });
    expect(d.reasons.map((r) => r.code)).toEqual(['declared_tool', 'network_kind']);
    expect(d.reasons[1]).toMatchObject({
      value: 'hosting',
      words: 'from a hosting network (AS14061 DigitalOcean)',
    });
  });

  it('a known-bot JA4 decides before the heuristics, with the list as source', () => {
    const d = decide(input({ top_user_agent: 'curl/7.88.1', ja4: CURL, bot_ja4_label: 'curl' }));
    expect(d).toMatchObject({ verdict: 'automated', source: 'known_list', flagged: true });
    expect(d.reasons[0]).toMatchObject({ code: 'known_bot_ja4', value: CURL });
  });

  it("a browser UA over a library TLS is automated; a coherent browser is the model's to judge", () => {
    expect(decide(input({ ja4: CURL }))).toMatchObject({ verdict: 'automated', source: 'heuristic' });
    expect(decide(input({}))).toMatchObject({ verdict: 'human', source: 'model', flagged: false });
    expect(decide(input({}, { score: 0.6 }))).toMatchObject({
      verdict: 'anomalous',
      source: 'model',
      flagged: true,
    });
  });

  it('a text browser or other non-browser UA over a library TLS is automated, an empty UA too', () => {
    expect(decide(input({ top_user_agent: 'Lynx/2.9.0dev.12 libwww-FM/2.14', ja4: CURL }))).toMatchObject({
      verdict: 'automated',
    });
    expect(decide(input({ top_user_agent: '', ja4: CURL }))).toMatchObject({ verdict: 'automated' });
  });

  it('a Windows UA over a Linux SYN is automated from a residential ISP, not from a VPN or hosting network', () => {
    const linuxSyn = { tcp_ttl: 52, tcp_window: 64240, tcp_options: '2-4-8-1-3' };
    expect(decide(input({ ...linuxSyn, asn_label: 'isp' }))).toMatchObject({
      verdict: 'automated',
      source: 'heuristic',
    });
    expect(decide(input({ ...linuxSyn, asn_label: 'isp' })).reasons[0].code).toBe('ua_tcp_contradiction');
    expect(decide(input({ ...linuxSyn, asn_label: 'vpn' }))).toMatchObject({
      verdict: 'human',
      source: 'model',
    });
    expect(decide(input({ ...linuxSyn, asn_label: 'hosting' }))).toMatchObject({ flagged: false });
  });

  it('analyst decisions win: allow never flags, deny always does, and false positives unflag', () => {
    const decisions = buildDecisions(
      [
        { list: 'allow', subject_kind: 'cidr', subject: '90.1.0.0/16', note: 'office' },
        { list: 'deny', subject_kind: 'ja4', subject: 't13d3112h2_*', note: '' },
      ],
      [{ src_ip: '73.1.1.1', hour: '2026-11-21 10:00:00', host: '*', ja4: '*', label: 'false_positive' }],
    );
    const allowed = input(
      { ja4: CURL, bot_ja4_label: 'curl' },
      { list: decisions.listMatch('90.1.2.3', CURL, 3215) },
    );
    expect(decide(allowed)).toMatchObject({ verdict: 'allowed', source: 'analyst', flagged: false });
    const denied = input({ src_ip: '73.9.9.9' }, { list: decisions.listMatch('73.9.9.9', CURL, 7922) });
    expect(decide(denied)).toMatchObject({ verdict: 'denied', source: 'analyst', flagged: true });
    const fp = decisions.label('73.1.1.1', '2026-11-21 10:00:00', 'shop.example.fr', CURL);
    expect(decide(input({ ja4: CURL }, { label: fp }))).toMatchObject({ verdict: 'allowed', flagged: false });
  });
});

describe('verified crawlers', () => {
  const dns = (ptr: Record<string, string[]>, a: Record<string, string[]>): Resolver => ({
    reverse: async (ip) =>
      ptr[ip] ?? Promise.reject(Object.assign(new Error('no PTR'), { code: 'ENOTFOUND' })),
    resolve: async (host) =>
      a[host] ?? Promise.reject(Object.assign(new Error('no A'), { code: 'ENOTFOUND' })),
  });
  const googlebot = claimedCrawler(GOOGLEBOT)!;

  it('forward-confirmed reverse DNS verifies a Googlebot, which is then not flagged', async () => {
    const v = await verifyCrawler(
      googlebot,
      '66.249.66.1',
      '',
      dns(
        { '66.249.66.1': ['crawl-66-249-66-1.googlebot.com'] },
        { 'crawl-66-249-66-1.googlebot.com': ['66.249.66.1'] },
      ),
    );
    expect(v).toMatchObject({ status: 'verified', how: 'dns' });
    const d = decide(
      input({ top_user_agent: GOOGLEBOT, src_ip: '66.249.66.1', asn_label: 'cloud' }, { crawler: v }),
    );
    expect(d).toMatchObject({ verdict: 'verified_bot', source: 'verification', flagged: false });
  });

  it("a Googlebot UA whose PTR is not Google's, or does not resolve back, is refuted and flagged", async () => {
    const wrong = await verifyCrawler(
      googlebot,
      '104.131.0.9',
      '',
      dns({ '104.131.0.9': ['vps.example.net'] }, {}),
    );
    expect(wrong.status).toBe('failed');
    const spoofed = await verifyCrawler(
      googlebot,
      '104.131.0.9',
      '',
      dns({ '104.131.0.9': ['x.googlebot.com'] }, { 'x.googlebot.com': ['66.249.66.2'] }),
    );
    expect(spoofed.status).toBe('failed');
    const d = decide(input({ top_user_agent: GOOGLEBOT, asn_label: 'hosting' }, { crawler: spoofed }));
    expect(d).toMatchObject({ verdict: 'automated', source: 'verification', flagged: true });
  });

  it('without DNS it says so, and a declared crawler from a hosting network is still automated', async () => {
    const unreachable: Resolver = {
      reverse: () => Promise.reject(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
      resolve: async () => [],
    };
    const v = await verifyCrawler(googlebot, '104.131.0.9', '', unreachable);
    expect(v).toMatchObject({ status: 'unavailable', detail: 'DNS unavailable (ECONNREFUSED)' });
    const d = decide(input({ top_user_agent: GOOGLEBOT, asn_label: 'hosting' }, { crawler: v }));
    expect(d).toMatchObject({ verdict: 'automated', source: 'heuristic', flagged: true });
    expect(d.reasons[0].words).toContain('could not verify it: DNS unavailable');
    expect(d.reasons.map((r) => r.code)).toContain('network_kind');
  });

  it('a published range verifies without DNS', async () => {
    const v = await verifyCrawler(googlebot, '66.249.66.1', 'good-googlebot', undefined);
    expect(v).toMatchObject({ status: 'verified', how: 'published_range' });
  });
});

describe('judgeOrphans', () => {
  it("judges requests without a fingerprint with the same client's fingerprinted row in the hour", async () => {
    const { judgeOrphans } = await import('../../../../appliance/detector/cycle-score.js');
    const mk = (over: Partial<FeatureRow>, flagged: boolean) => {
      const i = input(over);
      const decision = flagged ? decide({ ...i, score: 0.9 }) : decide(i);
      return {
        row: i.row,
        facts: i.facts,
        baseline: { member: false },
        features: {},
        score: 0,
        decision,
        featureReasons: [],
      };
    };
    const browser = mk({}, false);
    const orphan = mk({ ja4: '', requests: 1, ratio_4xx: 1 }, true);
    const stranger = mk({ ja4: '', src_ip: '73.0.0.9' }, true);
    const rows = [browser, orphan, stranger];
    judgeOrphans(rows);
    expect(orphan.decision).toMatchObject({ verdict: 'human', flagged: false });
    expect(orphan.decision.reasons[0].code).toBe('no_tls_sibling');
    expect(stranger.decision.flagged).toBe(true);
  });
});
