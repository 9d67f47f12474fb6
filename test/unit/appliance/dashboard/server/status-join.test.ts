import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../../../appliance/common/config/schema.js';
import { createMetricsRegistry, serveMetrics } from '../../../../../appliance/common/metrics.js';
import { ConnectionJoin } from '../../../../../appliance/correlator/domain/join.js';
import { createCorrelatorMetrics } from '../../../../../appliance/correlator/metrics.js';
import { joinCounters } from '../../../../../appliance/dashboard/server/routes/status-join.js';
import { fakeClock, httpEvent, tlsEvent } from '../../correlator/fixtures.js';

let server: Server | undefined;
afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe("the status page's join counters", () => {
  it("reads them from the correlator's /metrics", async () => {
    const join = new ConnectionJoin(
      { idleWindowMs: 60_000, graceMs: 1000, maxConnections: 100, maxPending: 100, joinOnServerIp: false },
      fakeClock(),
      () => undefined,
    );
    join.onTls(tlsEvent());
    join.onHttp(httpEvent());
    join.onHttp(httpEvent({ tls: false }));
    join.onHttp(httpEvent({ conn_id: 'other', conn_start_us: Date.now() * 1000 }));
    const registry = createMetricsRegistry('correlator', false);
    createCorrelatorMetrics(registry, {
      stats: join.stats,
      connections: () => 0,
      pending: () => 0,
      queuedBatches: () => 0,
      spoolBatches: () => 0,
      spoolBytes: () => 0,
      logSegments: () => 0,
      deadLetterBytes: () => 0,
      producers: () => 0,
    });
    server = await serveMetrics(registry, 0);
    const config = defaultConfig();
    config.correlator.metrics_port = (server.address() as AddressInfo).port;
    const got = await joinCounters(config);
    expect(got?.joined).toEqual({ at_once: 1, after_wait: 0 });
    expect(got?.basis).toMatchObject({ legacy: 1, connection: 0 });
    expect(got?.unjoined).toMatchObject({ plain_http: 1, no_handshake: 0 });
    expect(got?.rejected).toMatchObject({ served_other_connection: 1 });
  });

  it('is null when the correlator serves no metrics here', async () => {
    const config = defaultConfig();
    config.correlator.metrics_port = 0;
    expect(await joinCounters(config)).toBeNull();
  });
});
