/**
 * The low-noise half of `npm run bench:module`'s requests/s figures: the CPU cycles of
 * mod_reqin_log's own work per request, read from a `make profile` build's status page
 * (appliance/mod_reqin_log/reqin_profile.h). The module reads the time-stamp counter around each
 * phase (post_read_request, log_transaction and within it building the line and queueing it, and
 * the flusher's sends) and sums the cycles in shared memory; a phase whose thread was preempted is
 * counted apart, not summed. What this leaves out is what that work costs httpd's own code after
 * it (the caches it displaced): the difference between this share and the requests/s overhead.
 */

/** One phase's sums over every child, as the status page prints them. */
export interface PhaseCount {
  cycles: number;
  timed: number;
  preempted: number;
}

export interface ProfileCounters {
  tscHz: number;
  eventsSent: number;
  phases: Record<ProfilePhase, PhaseCount>;
}

export const PROFILE_PHASES = ['PostReadRequest', 'LogTransaction', 'Format', 'Queue', 'Flush'] as const;
export type ProfilePhase = (typeof PROFILE_PHASES)[number];

/** The module's cycles per request, from two readings of the counters around a load. */
export interface ModuleProfile {
  tsc_hz: number;
  requests: number;
  /** Mean cycles of a request's post_read_request and log_transaction hooks, and of building and queueing its line (both inside log_transaction). */
  post_read_request: number;
  log_transaction: number;
  format: number;
  queue: number;
  /** The flusher's send() cycles divided by the events they sent. */
  flush_per_event: number;
  /** post_read_request + log_transaction + flush_per_event, in cycles and in µs. */
  total_cycles: number;
  total_us: number;
  /** Phases left out because their thread was preempted, per phase. */
  preempted: Record<ProfilePhase, number>;
}

/**
 * Reads a profile build's status page (`Name: value` lines). Throws, naming what is missing, when
 * the page is not a profile build's: a release build has no TscHz line.
 */
export function parseProfileStatus(body: string): ProfileCounters {
  const values = new Map<string, number>();
  for (const m of body.matchAll(/^(\w+): (\d+)$/gm)) values.set(m[1], Number(m[2]));
  const get = (name: string): number => {
    const v = values.get(name);
    if (v === undefined)
      throw new Error(`status page has no ${name} line: is this a \`make profile\` build of mod_reqin_log?`);
    return v;
  };
  const phases = {} as Record<ProfilePhase, PhaseCount>;
  for (const p of PROFILE_PHASES)
    phases[p] = { cycles: get(`Cycles${p}`), timed: get(`Timed${p}`), preempted: get(`Preempted${p}`) };
  return { tscHz: get('TscHz'), eventsSent: get('EventsSent'), phases };
}

/** The cycles per request between two readings (before and after a load). */
export function profileBetween(before: ProfileCounters, after: ProfileCounters): ModuleProfile {
  const d = (p: ProfilePhase, k: keyof PhaseCount) => after.phases[p][k] - before.phases[p][k];
  const mean = (p: ProfilePhase) => {
    const n = d(p, 'timed');
    if (n <= 0) throw new Error(`the profile counted no ${p} between the two readings`);
    return d(p, 'cycles') / n;
  };
  const events = after.eventsSent - before.eventsSent;
  if (events <= 0) throw new Error('no events were sent between the two readings');
  const r = (x: number) => Math.round(x);
  const postRead = mean('PostReadRequest');
  const log = mean('LogTransaction');
  const flush = d('Flush', 'cycles') / events;
  const total = postRead + log + flush;
  return {
    tsc_hz: after.tscHz,
    requests: d('LogTransaction', 'timed') + d('LogTransaction', 'preempted'),
    post_read_request: r(postRead),
    log_transaction: r(log),
    format: r(mean('Format')),
    queue: r(mean('Queue')),
    flush_per_event: r(flush),
    total_cycles: r(total),
    total_us: Number(((total / after.tscHz) * 1e6).toFixed(3)),
    preempted: Object.fromEntries(PROFILE_PHASES.map((p) => [p, d(p, 'preempted')])) as Record<
      ProfilePhase,
      number
    >,
  };
}
