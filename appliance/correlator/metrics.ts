import { Counter, Gauge, Histogram, type Registry } from '../common/index.js';
import type { JoinStats } from './domain/join-stats.js';
import type { ModuleCounters } from './module-counters.js';
import type { BadLineReason } from './ports/event-source.js';

/** Live values read at scrape time (the domain keeps plain numbers; see JoinStats). */
export interface MetricSources {
  stats: JoinStats;
  connections(): number;
  pending(): number;
  queuedBatches(): number;
  spoolBatches(): number;
  spoolBytes(): number;
  logSegments(): number;
  deadLetterBytes(): number;
  producers(source: 'http' | 'network'): number;
  /** mod_reqin_log's stats lines, summed over Apache children. */
  module?: ModuleCounters;
}

/** Counter whose value is read from a source at scrape time. */
function readCounter(
  registry: Registry,
  name: string,
  help: string,
  labelName: string,
  values: () => Record<string, number>,
) {
  return new Counter({
    name,
    help,
    labelNames: [labelName],
    registers: [registry],
    collect() {
      this.reset();
      for (const [label, v] of Object.entries(values())) this.labels({ [labelName]: label }).inc(v);
    },
  });
}

function readGauge(registry: Registry, name: string, help: string, value: () => number) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(value());
    },
  });
}

/**
 * How the join went (README, The join): joined at once or after waiting, what decided each join,
 * why requests went out without fingerprints, and why candidate handshakes were refused.
 */
function createJoinMetrics(registry: Registry, s: JoinStats) {
  readCounter(
    registry,
    'ja4_correlator_joined_total',
    'TLS requests joined to their handshake',
    'when',
    () => ({
      at_once: s.joined,
      after_wait: s.joinedAfterWait,
    }),
  );
  readCounter(
    registry,
    'ja4_correlator_join_basis_total',
    'What decided each join: the connection already bound (keep-alive), sequence numbers, event times, or legacy (producers without the connection start: any free handshake on the key)',
    'basis',
    () => ({ ...s.basis }),
  );
  readCounter(
    registry,
    'ja4_correlator_unjoined_total',
    'Requests emitted without fingerprints, by reason',
    'reason',
    () => ({
      no_handshake: s.lateNoHandshake,
      handshake_too_old: s.lateTooOld,
      handshake_mismatch: s.lateMismatch,
      plain_http: s.plain,
      pending_overflow: s.pendingOverflow,
      drained_at_close: s.drainedAtClose,
    }),
  );
  readCounter(
    registry,
    'ja4_correlator_candidates_rejected_total',
    "Handshakes on a request's connection key refused as its connection's, by reason",
    'reason',
    () => ({
      served_other_connection: s.rejected.servedOther,
      seq_mismatch: s.rejected.seqMismatch,
      before_connection: s.rejected.beforeConnection,
      after_connection: s.rejected.afterConnection,
    }),
  );
}

/**
 * What mod_reqin_log says of itself in its stats lines, summed over Apache children: every request
 * it built was sent or dropped (by reason) or is still queued in a child; and what was sent but
 * never arrived here.
 */
function createModuleMetrics(registry: Registry, m: ModuleCounters) {
  readCounter(
    registry,
    'ja4_module_events_total',
    "mod_reqin_log's HTTP events by outcome, from its children's stats lines: built = sent + dropped_* + still queued in a child",
    'outcome',
    () => ({ ...m.totals() }),
  );
  readCounter(
    registry,
    'ja4_module_events_missing_total',
    'HTTP events a child sent on a connection that never arrived here (lost between the module and the correlator)',
    'source',
    () => ({ http: m.missing }),
  );
  readGauge(
    registry,
    'ja4_module_children',
    'Apache children whose stats lines are current (not yet gone)',
    () => m.live,
  );
}

/** Events in and out, and what happened to the handshakes held for joining. */
function createFlowMetrics(registry: Registry, s: JoinStats) {
  readCounter(registry, 'ja4_correlator_events_in_total', 'Valid events read, by source', 'source', () => ({
    http: s.httpIn,
    tls: s.tlsIn,
  }));
  readCounter(
    registry,
    'ja4_correlator_requests_total',
    'HTTP events emitted, by join outcome',
    'outcome',
    () => ({
      joined: s.joined,
      joined_after_wait: s.joinedAfterWait,
      plain: s.plain,
      late: s.late,
      pending_overflow: s.pendingOverflow,
      drained_at_close: s.drainedAtClose,
    }),
  );
}

function createHandshakeMetrics(registry: Registry, s: JoinStats) {
  readCounter(
    registry,
    'ja4_correlator_handshakes_retired_total',
    "TLS handshakes that left the table: orphaned (served nothing), expired, replaced (pushed out of their key's list by newer ones on the same port), evicted (bound)",
    'outcome',
    () => ({
      orphaned: s.tlsOrphaned,
      expired: s.tlsExpired,
      replaced: s.tlsReplaced,
      evicted: s.tlsEvicted,
    }),
  );
  readGauge(
    registry,
    'ja4_correlator_correlated_ratio',
    'Share of TLS requests emitted with fingerprints since start',
    () => {
      const joined = s.joined + s.joinedAfterWait;
      const total = joined + s.late + s.pendingOverflow + s.drainedAtClose;
      return total === 0 ? 0 : joined / total;
    },
  );
}

/** What is held in memory and on disk right now, and who is connected. */
function createBacklogGauges(registry: Registry, src: MetricSources) {
  readGauge(registry, 'ja4_correlator_connections', 'TLS handshakes held for joining', src.connections);
  readGauge(registry, 'ja4_correlator_pending', 'HTTP events waiting for their handshake', src.pending);
  readGauge(
    registry,
    'ja4_correlator_queued_batches',
    'Batches in memory waiting for the sink',
    src.queuedBatches,
  );
  readGauge(
    registry,
    'ja4_correlator_spool_batches',
    'Batches in the on-disk log not yet confirmed by the sink',
    src.spoolBatches,
  );
  readGauge(
    registry,
    'ja4_correlator_spool_bytes',
    'Bytes of the on-disk log (correlator.spool_dir)',
    src.spoolBytes,
  );
  readGauge(registry, 'ja4_correlator_log_segments', 'Segment files of the on-disk log', src.logSegments);
  readGauge(
    registry,
    'ja4_correlator_dead_letter_bytes',
    'Bytes in the dead-letter files (current and rotated)',
    src.deadLetterBytes,
  );
  return new Gauge({
    name: 'ja4_correlator_producer_connections',
    help: 'Producers connected, by socket',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.set({ source: 'http' }, src.producers('http'));
      this.set({ source: 'network' }, src.producers('network'));
    },
  });
}

/** Input lines and events refused or dropped on the way in; the service counts them itself. */
function createInputMetrics(registry: Registry) {
  return {
    badLines: new Counter({
      name: 'ja4_correlator_bad_lines_total',
      help: 'Input lines refused, by socket and reason',
      labelNames: ['source', 'reason'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'ja4_correlator_refused_total',
      help: 'Well-formed events refused on purpose, by socket and reason (duplicate_key, bad_ip, too_old, in_future)',
      labelNames: ['source', 'reason'] as const,
      registers: [registry],
    }),
    filtered: new Counter({
      name: 'ja4_correlator_filtered_total',
      help: 'HTTP events dropped by filter.allow/deny (client_ip)',
      registers: [registry],
    }),
  };
}

/** The way out: batches to the sink, the on-disk log and the dead-letter file. */
function createOutputMetrics(registry: Registry) {
  return {
    deadLetterRows: new Counter({
      name: 'ja4_correlator_dead_letter_rows_total',
      help: 'Rows ClickHouse refused for their content, written to the dead-letter file',
      registers: [registry],
    }),
    logErrors: new Counter({
      name: 'ja4_correlator_log_errors_total',
      help: 'Failed writes or removals in the on-disk log (disk full, I/O errors)',
      registers: [registry],
    }),
    batches: new Counter({
      name: 'ja4_correlator_batches_total',
      help: 'Batches by result: written, replayed (from the log of an earlier run), failed, split (refused for its rows), spooled, lost',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    rowsWritten: new Counter({
      name: 'ja4_correlator_rows_written_total',
      help: 'Rows the sink accepted',
      registers: [registry],
    }),
    rowsLost: new Counter({
      name: 'ja4_correlator_rows_lost_total',
      help: 'Rows neither the sink nor the log took at close (should stay 0)',
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: 'ja4_correlator_insert_seconds',
      help: 'Time to write one batch to the sink',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    readToLog: new Histogram({
      name: 'ja4_correlator_read_to_log_seconds',
      help: 'From a read on a socket to its lines being in the log: what a crash at that moment would lose',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: [registry],
    }),
    inputPaused: new Gauge({
      name: 'ja4_correlator_input_paused',
      help: '1 while input is paused because neither the sink nor the spool keeps up',
      registers: [registry],
    }),
  };
}

/** The correlator's Prometheus metrics (README lists them). */
export function createCorrelatorMetrics(registry: Registry, src: MetricSources) {
  createFlowMetrics(registry, src.stats);
  createJoinMetrics(registry, src.stats);
  if (src.module) createModuleMetrics(registry, src.module);
  createHandshakeMetrics(registry, src.stats);
  const producers = createBacklogGauges(registry, src);
  return { producers, ...createInputMetrics(registry), ...createOutputMetrics(registry) };
}

export type CorrelatorMetrics = ReturnType<typeof createCorrelatorMetrics>;
export type { BadLineReason };
