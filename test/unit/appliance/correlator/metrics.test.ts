import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../../../appliance/common/metrics.js';
import { ConnectionJoin } from '../../../../appliance/correlator/domain/join.js';
import { createCorrelatorMetrics } from '../../../../appliance/correlator/metrics.js';
import { fakeClock, httpEvent, tlsEvent } from './fixtures.js';

describe('correlator join metrics', () => {
  it('expose joined, the join basis, unjoined by reason and rejected candidates by reason', async () => {
    const clock = fakeClock();
    const join = new ConnectionJoin(
      { idleWindowMs: 60_000, graceMs: 1000, maxConnections: 100, maxPending: 100, joinOnServerIp: false },
      clock,
      () => undefined,
    );
    const t = Date.now() * 1000;
    join.onTls(tlsEvent({ ts_us: t - 5_000_000 })); // a connection that sent nothing, seconds earlier
    join.onHttp(httpEvent({ ts_us: t, conn_start_us: t - 1000, conn_id: 'b' }));
    join.onHttp(httpEvent({ tls: false }));
    clock.advance(1000);
    join.tick();
    join.onTls(tlsEvent({ ts_us: t + 10 }));
    join.onHttp(httpEvent({ ts_us: t + 2000, conn_start_us: t, conn_id: 'c' }));
    const registry = createMetricsRegistry('correlator', false);
    createCorrelatorMetrics(registry, {
      stats: join.stats,
      connections: () => join.connections,
      pending: () => join.pending,
      queuedBatches: () => 0,
      spoolBatches: () => 0,
      spoolBytes: () => 0,
      logSegments: () => 0,
      deadLetterBytes: () => 0,
      producers: () => 0,
    });
    const text = await registry.metrics();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(series));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(value('ja4_correlator_joined_total{when="at_once"')).toBe(1);
    expect(value('ja4_correlator_joined_total{when="after_wait"')).toBe(0);
    expect(value('ja4_correlator_join_basis_total{basis="time"')).toBe(1);
    expect(value('ja4_correlator_unjoined_total{reason="handshake_too_old"')).toBe(1);
    expect(value('ja4_correlator_unjoined_total{reason="plain_http"')).toBe(1);
    expect(value('ja4_correlator_unjoined_total{reason="no_handshake"')).toBe(0);
    expect(value('ja4_correlator_candidates_rejected_total{reason="before_connection"')).toBe(2);
  });
});
