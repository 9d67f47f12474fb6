import type { CorrelatedRow } from '../common/events/correlated-row.js';
import { createRng, hashParts, type Rng } from '../common/prng.js';
import { BotListError } from './errors.js';
import {
  addressInRange,
  cidrContains,
  DATACENTER_RANGES,
  HUMAN_RANGES,
  type ParsedCidr,
  parseCidr,
} from './ip-ranges.js';
import { sessionRows } from './seed-rows.js';
import {
  type BotJa4,
  bruteforceSession,
  humanSession,
  knownBotSession,
  type Scenario,
  type SessionScript,
  scannerSession,
} from './seed-sessions.js';

/**
 * The plan of a seeding run: how many sessions of each scenario, and for session i of a scenario
 * its client address, start time and script, all derived from (seed, scenario, i) alone. Nothing
 * is materialised: 10M rows stream through in bounded memory, and any session can be rebuilt on
 * its own (the detector's benchmark and the tests do).
 */
export const SCENARIOS: readonly Scenario[] = ['human', 'scanner', 'known_bot', 'bruteforce'];

/**
 * 120 human visits of 20–60 requests (~4,800 rows), 150 scanner, 100 known-bot sessions and 20
 * brute-force clusters (~2,100 rows): about 6,800 rows in all.
 */
export const BASE_SESSIONS: Readonly<Record<Scenario, number>> = {
  human: 120,
  scanner: 150,
  known_bot: 100,
  bruteforce: 20,
};

export const SCENARIO_LABEL: Readonly<Record<Scenario, 'human' | 'bot'>> = {
  human: 'human',
  scanner: 'bot',
  known_bot: 'bot',
  bruteforce: 'bot',
};

/** The known-bot lists read from migrations/dictionaries (see dictionaries.ts). */
export interface BotLists {
  /** CIDRs or single addresses from the bot IP list. */
  ips: readonly string[];
  ja4s: readonly BotJa4[];
}

export interface SeedOptions {
  seed: string;
  /** Multiplies every scenario's session count (may be fractional, e.g. 0.1 for a quick run). */
  scale: number;
  /** End of the seeded window, µs since the epoch; sessions start before it. */
  endUs: number;
  /** Length of the seeded window in hours. */
  hours: number;
  bots: BotLists;
}

export interface SessionSpec {
  sessionId: number;
  scenario: Scenario;
  index: number;
  clientIp: string;
  startUs: number;
  hops: number;
  script: SessionScript;
}

/** The true label of one session, kept beside the data so the detector can be scored. */
export interface SeedLabel {
  session_id: number;
  scenario: Scenario;
  label: 'human' | 'bot';
  client_ip: string;
  ja4: string;
  client: string;
  user_agent: string;
  host: string;
  first_ts_us: number;
  last_ts_us: number;
  requests: number;
}

export function sessionCounts(scale: number): Record<Scenario, number> {
  const out = {} as Record<Scenario, number>;
  for (const s of SCENARIOS) out[s] = Math.round(BASE_SESSIONS[s] * scale);
  return out;
}

/** Session ids are global: humans first, then scanners, known bots, brute-force clusters. */
function sessionIdOffsets(counts: Record<Scenario, number>): Record<Scenario, number> {
  const out = {} as Record<Scenario, number>;
  let next = 0;
  for (const s of SCENARIOS) {
    out[s] = next;
    next += counts[s];
  }
  return out;
}

/** Human traffic follows the day (Europe/Paris, UTC+1): quiet at night, peaks in the evening. */
const HOUR_WEIGHTS_UTC = [3, 2, 1, 1, 1, 2, 4, 6, 8, 9, 9, 10, 10, 9, 9, 9, 10, 11, 12, 12, 11, 9, 7, 5];
const MAX_HOUR_WEIGHT = 12;
/** Sessions start this long before endUs at the latest, so none runs past the window. */
const TAIL_US = 45 * 60 * 1_000_000;

function startTime(rng: Rng, opts: SeedOptions, diurnal: boolean): number {
  const windowUs = Math.max(1, opts.hours * 3_600_000_000 - TAIL_US);
  const from = opts.endUs - TAIL_US - windowUs;
  for (let tries = 0; tries < 32; tries++) {
    const t = from + Math.floor(rng.next() * windowUs);
    const hour = new Date(t / 1000).getUTCHours();
    if (!diurnal || rng.next() * MAX_HOUR_WEIGHT < HOUR_WEIGHTS_UTC[hour]) return t;
  }
  return from + Math.floor(rng.next() * windowUs);
}

interface Pools {
  human: ParsedCidr[];
  datacenter: ParsedCidr[];
  bot: ParsedCidr[];
  salt: number;
}

const poolCache = new WeakMap<SeedOptions, Pools>();

function pools(opts: SeedOptions): Pools {
  const cached = poolCache.get(opts);
  if (cached) return cached;
  const parse = (c: string) => parseCidr(c) as ParsedCidr;
  const p: Pools = {
    human: HUMAN_RANGES.map((r) => parse(r.cidr)),
    datacenter: DATACENTER_RANGES.map((r) => parse(r.cidr)),
    bot: opts.bots.ips.map(parseCidr).filter((c): c is ParsedCidr => c !== null),
    salt: hashParts([opts.seed, 'addresses'])[0],
  };
  poolCache.set(opts, p);
  return p;
}

const inBotList = (p: Pools, ip: string) => p.bot.some((c) => cidrContains(c, ip));

/**
 * Distinct addresses per scenario while a range lasts: humans take Orange, Orange, Free, SFR in
 * turn; scanners take the even and brute-forcers the odd positions of the same hosting
 * permutation, so the two never share an address; neither takes an address on the bot IP list.
 */
function clientIp(p: Pools, scenario: Scenario, index: number): string {
  if (scenario === 'human') {
    const lane = index % 4;
    const round = Math.floor(index / 4);
    const k = lane < 2 ? round * 2 + lane : round;
    return addressInRange(p.human[lane < 2 ? 0 : lane - 1], k, p.salt);
  }
  if (scenario === 'known_bot') {
    if (p.bot.length === 0) throw new BotListError('bot IP list', 'it has no IPv4 address or CIDR');
    const cidr = p.bot[index % p.bot.length];
    return addressInRange(cidr, Math.floor(index / p.bot.length), p.salt);
  }
  const range = p.datacenter[index % 2];
  const base = Math.floor(index / 2) * 2 + (scenario === 'bruteforce' ? 1 : 0);
  for (let attempt = 0; ; attempt++) {
    const ip = addressInRange(range, base, p.salt + attempt * 7919);
    if (attempt >= 16 || !inBotList(p, ip)) return ip;
  }
}

export function planSession(
  opts: SeedOptions,
  scenario: Scenario,
  index: number,
  sessionId: number,
): SessionSpec {
  const rng = createRng(opts.seed, scenario, index);
  let script: SessionScript;
  if (scenario === 'human') script = humanSession(rng);
  else if (scenario === 'scanner') script = scannerSession(rng);
  else if (scenario === 'bruteforce') script = bruteforceSession(rng);
  else {
    if (opts.bots.ja4s.length === 0) throw new BotListError('bot JA4 list', 'it has no JA4');
    script = knownBotSession(rng, opts.bots.ja4s[index % opts.bots.ja4s.length]);
  }
  return {
    sessionId,
    scenario,
    index,
    clientIp: clientIp(pools(opts), scenario, index),
    startUs: startTime(rng, opts, scenario === 'human'),
    hops: scenario === 'human' ? rng.int(8, 20) : rng.int(6, 16),
    script,
  };
}

/** Every session of the plan, lazily, in session-id order. */
export function* planSessions(opts: SeedOptions): Generator<SessionSpec> {
  const counts = sessionCounts(opts.scale);
  const offsets = sessionIdOffsets(counts);
  for (const scenario of SCENARIOS) {
    for (let i = 0; i < counts[scenario]; i++) yield planSession(opts, scenario, i, offsets[scenario] + i);
  }
}

export function rowsOf(spec: SessionSpec, seed: string): CorrelatedRow[] {
  return sessionRows(spec, createRng(seed, 'rows', spec.scenario, spec.index));
}

export function labelOf(spec: SessionSpec, rows: readonly CorrelatedRow[]): SeedLabel {
  return {
    session_id: spec.sessionId,
    scenario: spec.scenario,
    label: SCENARIO_LABEL[spec.scenario],
    client_ip: spec.clientIp,
    ja4: spec.script.client.tls?.ja4 ?? '',
    client: spec.script.client.id,
    user_agent: spec.script.client.userAgent,
    host: spec.script.host,
    first_ts_us: rows[0]?.ts_us ?? spec.startUs,
    last_ts_us: rows[rows.length - 1]?.ts_us ?? spec.startUs,
    requests: rows.length,
  };
}

/** Sessions, their rows and labels, one session at a time. */
export function* generateSeed(
  opts: SeedOptions,
): Generator<{ spec: SessionSpec; rows: CorrelatedRow[]; label: SeedLabel }> {
  for (const spec of planSessions(opts)) {
    const rows = rowsOf(spec, opts.seed);
    yield { spec, rows, label: labelOf(spec, rows) };
  }
}
