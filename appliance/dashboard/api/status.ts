/**
 * The status page's API, `GET /api/status`: one module of types shared by the server and the
 * web app (STYLE rule 17). Pure types, no imports, so both compilers take it as it is.
 */

/**
 * ok: working and heard from recently. idle: working with nothing to do yet (no traffic, no
 * cycle so far). warn: working but something needs a look (drops, a skipped part, a refused
 * batch). down: not running, or silent for longer than its heartbeat allows.
 */
export type ServiceState = 'ok' | 'idle' | 'warn' | 'down';

/** One labelled figure of a service, already in words (`12.5/s`, `no data yet`). */
export interface StatusValue {
  label: string;
  value: string;
}

/** What a probe reports about one service. */
export interface ServiceReport {
  state: ServiceState;
  /** One sentence a person can act on. */
  summary: string;
  values: StatusValue[];
  /** ISO time of its last sign of life (heartbeat, event, insert); null when there has been none. */
  last_seen: string | null;
}

export interface ServiceStatus extends ServiceReport {
  name: string;
}

/** The correlator's join counters by group and label (correlator README, Metrics). */
export type JoinCounts = Record<'joined' | 'basis' | 'unjoined' | 'rejected', Record<string, number>>;

export interface StatusResponse {
  version: string;
  /** ISO time the probes ran. */
  checked_at: string;
  services: ServiceStatus[];
  /** The correlator's join counters from its /metrics; null when they are not reachable from here. */
  join: JoinCounts | null;
}
