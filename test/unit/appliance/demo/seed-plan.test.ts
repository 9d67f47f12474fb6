import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { correlatedRowSchema } from '../../../../appliance/common/events/correlated-row.js';
import { readBotLists } from '../../../../appliance/demo/bot-lists.js';
import { HUMAN_PROFILES } from '../../../../appliance/demo/client-profiles.js';
import { cidrContains, parseCidr } from '../../../../appliance/demo/ip-ranges.js';
import {
  type BotLists,
  generateSeed,
  planSession,
  rowsOf,
  type SeedOptions,
  sessionCounts,
} from '../../../../appliance/demo/seed-plan.js';
import { ATTACK_PROBES } from '../../../../appliance/demo/site-paths.js';

const END_US = Date.UTC(2026, 10, 21, 20, 0, 0) * 1000;
let bots: BotLists;
let opts: SeedOptions;
let all: ReturnType<typeof collect>;

function collect(o: SeedOptions) {
  return [...generateSeed(o)];
}

const within = (cidrs: readonly string[], ip: string) =>
  cidrs.some((c) => {
    const p = parseCidr(c);
    return p !== null && cidrContains(p, ip);
  });

beforeAll(() => {
  bots = readBotLists(join(process.cwd(), 'migrations', 'dictionaries'));
  opts = { seed: 'unit', scale: 1, endUs: END_US, hours: 24, bots };
  all = collect(opts);
});

describe('seed plan', () => {
  it('has the session counts of issue 9 and scales them', () => {
    expect(sessionCounts(1)).toEqual({ human: 120, scanner: 150, known_bot: 100, bruteforce: 20 });
    expect(sessionCounts(3)).toEqual({ human: 360, scanner: 450, known_bot: 300, bruteforce: 60 });
    const seen: Record<string, number> = {};
    for (const s of all) seen[s.spec.scenario] = (seen[s.spec.scenario] ?? 0) + 1;
    expect(seen).toEqual(sessionCounts(1));
  });

  it('makes about 6800 rows, every one valid against correlatedRowSchema', () => {
    const rows = all.flatMap((s) => s.rows);
    expect(rows.length).toBeGreaterThan(6000);
    expect(rows.length).toBeLessThan(7600);
    for (const row of rows) {
      const r = correlatedRowSchema.safeParse(row);
      if (!r.success) throw new Error(`${JSON.stringify(r.error.issues[0])} in ${JSON.stringify(row)}`);
    }
  });

  it('gives the same rows for the same seed and other rows for another seed', () => {
    const again = collect(opts).flatMap((s) => s.rows);
    expect(JSON.stringify(again)).toBe(JSON.stringify(all.flatMap((s) => s.rows)));
    const other = collect({ ...opts, seed: 'other' }).flatMap((s) => s.rows);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(again));
  });

  it('rebuilds any one session on its own, identically', () => {
    const s = all[300];
    const alone = planSession(opts, s.spec.scenario, s.spec.index, s.spec.sessionId);
    expect(rowsOf(alone, opts.seed)).toEqual(s.rows);
  });

  it('keeps every row inside the window, in time order within a session', () => {
    for (const { rows } of all) {
      for (let i = 0; i < rows.length; i++) {
        expect(rows[i].ts_us).toBeLessThan(END_US);
        expect(rows[i].ts_us).toBeGreaterThan(END_US - 24 * 3_600_000_000);
        if (i > 0) expect(rows[i].ts_us).toBeGreaterThanOrEqual(rows[i - 1].ts_us);
      }
    }
  });

  it('draws each scenario from its own address space', () => {
    // Residential ISPs only (Orange, Free, SFR: kind `isp` in asn_reputation.csv); OVH is hosting.
    const human = ['90.0.0.0/9', '82.64.0.0/14', '78.41.0.0/16'];
    const datacenter = ['45.155.0.0/16', '193.32.0.0/16'];
    const owner = new Map<string, string>();
    for (const { spec } of all) {
      const ip = spec.clientIp;
      if (spec.scenario === 'human') expect(within(human, ip)).toBe(true);
      if (spec.scenario === 'known_bot') expect(within(bots.ips, ip)).toBe(true);
      if (spec.scenario === 'scanner' || spec.scenario === 'bruteforce') {
        expect(within(datacenter, ip)).toBe(true);
        expect(within(bots.ips, ip)).toBe(false);
      }
      expect(owner.get(ip) ?? spec.scenario).toBe(spec.scenario);
      owner.set(ip, spec.scenario);
    }
    const humanIps = new Set(all.filter((s) => s.spec.scenario === 'human').map((s) => s.spec.clientIp));
    expect(humanIps.size).toBe(120);
  });

  it('makes human visits as browsers do: 20–60 requests, each page view followed by its subresources, pauses between views', () => {
    for (const { rows } of all.filter((s) => s.spec.scenario === 'human')) {
      expect(rows.length).toBeGreaterThanOrEqual(20);
      expect(rows.length).toBeLessThanOrEqual(60);
      const isPage = (r: (typeof rows)[number]) => r.method === 'GET' && r.accept.startsWith('text/html');
      const pages = rows.filter(isPage);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < rows.length; i++) {
        const gapMs = (rows[i].ts_us - rows[i - 1].ts_us) / 1000;
        // A page view comes after a reading pause; its subresources right after it.
        if (isPage(rows[i])) expect(gapMs).toBeGreaterThanOrEqual(5_000);
        else if (rows[i].method === 'GET') expect(gapMs).toBeLessThan(300);
      }
      // Every page view but the last loads at least one subresource right after it.
      const subresourcesAfter = pages.slice(0, -1).map((p) => rows[rows.indexOf(p) + 1]);
      for (const next of subresourcesAfter) expect(isPage(next) || next.method === 'POST').toBe(false);
    }
  });

  it('gives humans a browser whose UA, JA4 and SYN agree', () => {
    const byUa = new Map(HUMAN_PROFILES.flatMap(([p]) => p.userAgents.map((ua) => [ua, p] as const)));
    for (const { spec, rows } of all.filter((s) => s.spec.scenario === 'human')) {
      for (const row of rows) {
        const p = byUa.get(row.user_agent);
        expect(p, row.user_agent).toBeDefined();
        expect(row.ja4).toBe(spec.script.client.tls?.ja4);
        const ttl = row.tcp_ttl ?? 0;
        if (p?.tcp === 'windows')
          expect([row.tcp_window, row.tcp_options, ttl > 64]).toEqual([64240, '2-1-3-1-1-4', true]);
        if (p?.tcp === 'macos') expect([row.tcp_window, row.tcp_wscale, ttl <= 64]).toEqual([65535, 6, true]);
        if (p?.tcp === 'linux') expect([row.tcp_options, ttl <= 64]).toEqual(['2-4-8-1-3', true]);
      }
    }
  });

  it('sends known bots from listed addresses with listed JA4s', () => {
    const listed = new Set(bots.ja4s.map((b) => b.ja4));
    const sessions = all.filter((s) => s.spec.scenario === 'known_bot');
    expect(new Set(sessions.map((s) => s.rows[0].ja4))).toEqual(listed);
    for (const s of sessions) for (const row of s.rows) expect(listed.has(row.ja4)).toBe(true);
  });

  it('has scanners probe attack paths and brute-forcers POST /login 20 to 50 times', () => {
    const probes = new Set(ATTACK_PROBES.map(([p]) => p));
    for (const s of all.filter((x) => x.spec.scenario === 'scanner')) {
      expect(s.rows.filter((r) => probes.has(r.path)).length).toBeGreaterThanOrEqual(3);
    }
    for (const s of all.filter((x) => x.spec.scenario === 'bruteforce')) {
      const posts = s.rows.filter((r) => r.method === 'POST' && r.path === '/login').length;
      expect(posts).toBeGreaterThanOrEqual(20);
      expect(posts).toBeLessThanOrEqual(50);
    }
  });

  it('numbers keep-alive requests per connection, one handshake and port per connection', () => {
    for (const { rows } of all.slice(0, 300)) {
      const conns = new Map<string, typeof rows>();
      for (const r of rows) conns.set(r.conn_id, [...(conns.get(r.conn_id) ?? []), r]);
      for (const reqs of conns.values()) {
        expect(reqs.map((r) => r.keepalive_n)).toEqual(reqs.map((_, i) => i + 1));
        expect(new Set(reqs.map((r) => `${r.conn_port}|${r.tls_ts_us}|${r.ja3}`)).size).toBe(1);
        if (reqs[0].tls_ts_us !== null) expect(reqs[0].tls_ts_us).toBeLessThan(reqs[0].ts_us);
      }
    }
  });
});
