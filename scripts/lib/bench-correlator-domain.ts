/**
 * The domain part of `npm run bench:correlator`: joined events per CPU second through the join,
 * the current one beside the key-only join it replaced (bench-legacy-join.ts), on a direct and a
 * proxy workload; and the workload the other parts of the benchmark share.
 */
import { Batcher } from '../../appliance/correlator/domain/batcher.js';
import { ConnectionJoin } from '../../appliance/correlator/domain/join.js';
import { median, rate } from './bench.js';
import { LegacyConnectionJoin } from './bench-legacy-join.js';
import { httpEvent, tlsEvent } from './sample-events.js';

export const REQUESTS_PER_CONN = 10;
const DOMAIN_ROUNDS = Number(process.env.BENCH_DOMAIN_ROUNDS ?? 5);

/**
 * `conns` handshakes with REQUESTS_PER_CONN keep-alive requests each, interleaved as on a server,
 * with the fields that name each connection (start, initial sequence number). `proxy`: every
 * connection from one peer address over 64 ports, each reused every 64 connections.
 */
export function workload(conns: number, run: string, proxy = false) {
  const tls = [];
  const http = [];
  const t0 = Date.now() * 1000;
  for (let c = 0; c < conns; c++) {
    const ip = proxy ? '10.0.0.1' : `10.${(c >> 16) & 255}.${(c >> 8) & 255}.${c & 255}`;
    const port = proxy ? 40_000 + (c % 64) : 1024 + (c % 60_000);
    const syn = t0 + c * 1000;
    const isn = (c * 2_654_435_761) >>> 0;
    tls.push(tlsEvent({ src_ip: ip, src_port: port, ts_us: syn + 200, syn_ts_us: syn, syn_seq: isn }));
    for (let k = 1; k <= REQUESTS_PER_CONN; k++) {
      http.push(
        httpEvent({
          ts_us: syn + 500 + k * 10,
          conn_ip: ip,
          client_ip: ip,
          conn_port: port,
          keepalive_n: k,
          conn_id: `${run}-${c}`,
          conn_start_us: syn + 100,
          conn_isn: isn,
        }),
      );
    }
  }
  return { tls, http };
}

type JoinImpl = 'current' | 'legacy';

/** Joined events/s of one join over one workload, best of `rounds` (each a fresh join). */
function domainRounds(impl: JoinImpl, w: ReturnType<typeof workload>, rawLines: string[] | undefined) {
  const conns = w.tls.length;
  const clock = { now: () => performance.now() };
  const opts = {
    idleWindowMs: 300_000,
    graceMs: 2000,
    maxConnections: 500_000,
    maxPending: 100_000,
    joinOnServerIp: false,
  };
  let bytes = 0;
  const batcher = new Batcher({ maxRows: 10_000, maxAgeMs: 1000, runId: 'bench' }, clock, (b) => {
    bytes += b.body.length;
  });
  const emit = (line: string) => batcher.add(line);
  const join =
    impl === 'current' ? new ConnectionJoin(opts, clock, emit) : new LegacyConnectionJoin(opts, clock, emit);
  // CPU time of this process rather than wall time: on a shared machine other jobs take turns on
  // the core, and the wall clock counts their time too.
  const cpu = process.cpuUsage();
  for (let c = 0; c < conns; c++) {
    join.onTls(w.tls[c]);
    for (let k = 0; k < REQUESTS_PER_CONN; k++) {
      const i = c * REQUESTS_PER_CONN + k;
      join.onHttp(w.http[i], rawLines?.[i]);
    }
  }
  batcher.flush();
  const used = process.cpuUsage(cpu);
  const r = rate(join.stats.joined, (used.user + used.system) / 1000);
  if (bytes === 0 || join.stats.joined !== w.http.length)
    throw new Error(`domain bench (${impl}): rows missing`);
  return r;
}

export function benchDomain() {
  const conns = 50_000;
  const direct = workload(conns, 'dom');
  const proxy = workload(conns, 'prx', true);
  const lines = (w: ReturnType<typeof workload>) => w.http.map((e) => JSON.stringify(e));
  const directLines = lines(direct);
  const proxyLines = lines(proxy);
  const cases = {
    current_lines: () => domainRounds('current', direct, directLines),
    legacy_lines: () => domainRounds('legacy', direct, directLines),
    current_objects: () => domainRounds('current', direct, undefined),
    legacy_objects: () => domainRounds('legacy', direct, undefined),
    current_proxy_lines: () => domainRounds('current', proxy, proxyLines),
    legacy_proxy_lines: () => domainRounds('legacy', proxy, proxyLines),
  };
  const names = Object.keys(cases) as (keyof typeof cases)[];
  const runs = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<
    keyof typeof cases,
    number[]
  >;
  // Alternated: the machine is shared, so each pair (current, legacy) runs back to back, in ABBA
  // order (the second of a pair meets the first's garbage), and the per-round ratios' median is
  // reported beside the best of each.
  const pairs: [keyof typeof cases, keyof typeof cases][] = [
    ['current_lines', 'legacy_lines'],
    ['current_objects', 'legacy_objects'],
    ['current_proxy_lines', 'legacy_proxy_lines'],
  ];
  for (let round = 0; round < DOMAIN_ROUNDS; round++) {
    for (const [a, b] of pairs) {
      for (const name of round % 2 === 0 ? [a, b] : [b, a]) runs[name].push(cases[name]());
    }
  }
  const best = (n: keyof typeof cases) => Math.max(...runs[n]);
  const pair = (current: keyof typeof cases, legacy: keyof typeof cases) => ({
    current: best(current),
    legacy: best(legacy),
    best_ratio: Number((best(current) / best(legacy)).toFixed(3)),
    paired_median_ratio: median(runs[current].map((r, i) => Number((r / runs[legacy][i]).toFixed(3)))),
    rounds: { current: runs[current], legacy: runs[legacy] },
  });
  return {
    events: conns * (REQUESTS_PER_CONN + 1),
    joined_per_s: best('current_lines'),
    joined_per_s_without_received_lines: best('current_objects'),
    join_rate_side_by_side: {
      direct: pair('current_lines', 'legacy_lines'),
      direct_without_received_lines: pair('current_objects', 'legacy_objects'),
      proxy: pair('current_proxy_lines', 'legacy_proxy_lines'),
    },
    rounds: DOMAIN_ROUNDS,
    note: 'joined events per CPU second of this process; best of the rounds each, alternated, and the median of the per-round current/legacy ratios; parsed events (and their received lines, as the sockets pass them) in, batches of JSON lines out; 1 handshake + 10 keep-alive requests per connection. current = the join with connection identity; legacy = the key-only join it replaced (wrong behind a proxy: the rate only). proxy: one peer address, 64 ports reused',
  };
}
