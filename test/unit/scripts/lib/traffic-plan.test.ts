import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr } from '../../../../appliance/demo/index.js';
import {
  BOT_POOL_SIZE,
  buildPools,
  HUMAN_POOL_SIZE,
  planTraffic,
} from '../../../../scripts/lib/traffic-plan.js';
import { TRAFFIC_TLS_PROFILES } from '../../../../scripts/lib/traffic-profiles.js';

const inAny = (cidrs: string[], ip: string) =>
  cidrs.some((c) => {
    const p = parseCidr(c);
    return p !== null && cidrContains(p, ip);
  });

describe('address pools', () => {
  it('hold 1168 distinct human and 180 distinct bot addresses in the issue ranges', () => {
    const pools = buildPools('7');
    expect(pools.human.length).toBe(HUMAN_POOL_SIZE);
    expect(pools.bot.length).toBe(BOT_POOL_SIZE);
    expect(new Set(pools.human).size).toBe(1168);
    expect(new Set(pools.bot).size).toBe(180);
    // Residential ISPs only (Orange, Free, SFR: kind `isp` in asn_reputation.csv); OVH is hosting.
    const human = ['90.0.0.0/9', '82.64.0.0/14', '78.41.0.0/16'];
    const bot = ['185.220.100.0/22', '45.155.0.0/16', '193.32.0.0/16'];
    for (const ip of pools.human) expect(inAny(human, ip)).toBe(true);
    for (const ip of pools.bot) expect(inAny(bot, ip)).toBe(true);
    for (const range of human) expect(pools.human.some((ip) => inAny([range], ip))).toBe(true);
    for (const range of bot) expect(pools.bot.some((ip) => inAny([range], ip))).toBe(true);
  });
});

describe('planTraffic', () => {
  const visits = planTraffic({ seed: '7', requests: 500 });

  it('plans exactly the requested number of requests', () => {
    expect(visits.reduce((n, v) => n + v.requests.length, 0)).toBe(500);
    expect(planTraffic({ seed: '7', requests: 3 }).reduce((n, v) => n + v.requests.length, 0)).toBe(3);
  });

  it('takes X-Forwarded-For from the pool of the visit role', () => {
    const pools = buildPools('7');
    for (const v of visits) {
      expect((v.scenario === 'human' ? pools.human : pools.bot).includes(v.xff)).toBe(true);
      expect(v.profile.role).toBe(v.scenario === 'human' ? 'human' : 'bot');
    }
  });

  it('uses every TLS profile and each scenario at the default size', () => {
    expect(new Set(visits.map((v) => v.profile.id))).toEqual(new Set(TRAFFIC_TLS_PROFILES.map((p) => p.id)));
    expect(new Set(visits.map((v) => v.scenario))).toEqual(new Set(['human', 'scanner', 'bruteforce']));
    for (const v of visits.filter((x) => x.scenario === 'bruteforce')) {
      expect(v.requests.every((r) => r.method === 'POST' && r.path === '/login' && r.body)).toBe(true);
    }
  });

  it('is deterministic in the seed', () => {
    const strip = (s: string) => JSON.stringify(planTraffic({ seed: s, requests: 200 }));
    expect(strip('a')).toBe(strip('a'));
    expect(strip('a')).not.toBe(strip('b'));
  });

  it('profiles differ in what they put in the ClientHello', () => {
    const shapes = new Set(TRAFFIC_TLS_PROFILES.map((p) => JSON.stringify(p.options)));
    expect(shapes.size).toBe(TRAFFIC_TLS_PROFILES.length);
  });
});
