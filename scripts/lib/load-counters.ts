/**
 * Every counter bench:load adds up, read at one moment: Apache's answers (its access log),
 * mod_reqin_log's from its stats lines (summed by the correlator), the correlator's, and the
 * sentinel's (its /metrics). `delta` gives what one stage changed; `account` turns a stage's
 * deltas into its equation: answered = stored + counted losses + uncounted.
 */

/** Flat name → value, one per series (labels folded into the name as name{k="v"}). */
export type Counters = Record<string, number>;

/** Parses a Prometheus text page into Counters. */
export function parseMetrics(text: string): Counters {
  const out: Counters = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    // Registries add their own labels (service="…"): keep only the ones that tell series apart.
    const name = line
      .slice(0, at)
      .replace(/,?service="[^"]*"/, '')
      .replace('{}', '');
    out[name] = Number(line.slice(at + 1));
  }
  return out;
}

export function delta(after: Counters, before: Counters): Counters {
  const d: Counters = {};
  for (const [k, v] of Object.entries(after)) d[k] = v - (before[k] ?? 0);
  return d;
}

const sum = (c: Counters, prefix: string) =>
  Object.entries(c)
    .filter(([k]) => k.startsWith(prefix))
    .reduce((a, [, v]) => a + v, 0);
const get = (c: Counters, k: string) => c[k] ?? 0;

/** One stage's accounting, from the deltas of its counters. */
export function account(answered: number, d: Counters) {
  const module = {
    built: get(d, 'ja4_module_events_total{outcome="built"}'),
    sent: get(d, 'ja4_module_events_total{outcome="sent"}'),
    dropped: sum(d, 'ja4_module_events_total{outcome="dropped_'),
  };
  const correlator = {
    http_in: get(d, 'ja4_correlator_events_in_total{source="http"}'),
    bad_lines: sum(d, 'ja4_correlator_bad_lines_total{source="http"'),
    refused: sum(d, 'ja4_correlator_refused_total{source="http"'),
    filtered: get(d, 'ja4_correlator_filtered_total'),
    missing_in_transit: get(d, 'ja4_module_events_missing_total{source="http"}'),
    rows_written: get(d, 'ja4_correlator_rows_written_total'),
    rows_lost: get(d, 'ja4_correlator_rows_lost_total'),
    dead_letter_rows: get(d, 'ja4_correlator_dead_letter_rows_total'),
    joined: sum(d, 'ja4_correlator_joined_total'),
    unjoined: sum(d, 'ja4_correlator_unjoined_total'),
    /** Batches written to ClickHouse, and spooled to the log because it was not keeping up. */
    batches_written: get(d, 'ja4_correlator_batches_total{result="written"}'),
    batches_spooled: get(d, 'ja4_correlator_batches_total{result="spooled"}'),
    insert_seconds: Math.round(get(d, 'ja4_correlator_insert_seconds_sum') * 1000) / 1000,
  };
  const sentinel = {
    pcap_received: get(d, 'ja4_sentinel_pcap_received_total'),
    pcap_dropped: get(d, 'ja4_sentinel_pcap_dropped_total') + get(d, 'ja4_sentinel_pcap_ifdropped_total'),
    client_hellos: get(d, 'ja4_sentinel_client_hellos_total'),
    events_dropped: sum(d, 'ja4_sentinel_events_dropped_total'),
  };
  const counted =
    module.dropped +
    correlator.bad_lines +
    correlator.refused +
    correlator.filtered +
    correlator.missing_in_transit +
    correlator.rows_lost +
    correlator.dead_letter_rows;
  const stored = correlator.rows_written;
  return {
    answered,
    module,
    correlator,
    sentinel,
    lost: answered - stored,
    counted_loss: counted,
    uncounted_loss: answered - stored - counted,
    /** The first stage that lost something, in the order events flow. */
    gave_first:
      module.built !== answered
        ? 'module (built ≠ answered)'
        : module.dropped > 0
          ? 'module → correlator socket (module dropped)'
          : correlator.missing_in_transit > 0
            ? 'socket (sent, never read)'
            : correlator.bad_lines + correlator.refused > 0
              ? 'correlator (refused lines)'
              : correlator.rows_lost + correlator.dead_letter_rows > 0
                ? 'correlator → ClickHouse'
                : sentinel.pcap_dropped + sentinel.events_dropped > 0
                  ? 'sentinel (fingerprints lost)'
                  : correlator.unjoined > 0
                    ? 'join (requests stored without a fingerprint)'
                    : null,
  };
}
