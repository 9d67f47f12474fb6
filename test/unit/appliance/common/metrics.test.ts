import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Counter, createMetricsRegistry, serveMetrics } from '../../../../appliance/common/metrics.js';

describe('metrics', () => {
  it('serves the registry in Prometheus text format with the service label', async () => {
    const registry = createMetricsRegistry('test', false);
    const c = new Counter({ name: 'ja4_test_events_total', help: 'events', registers: [registry] });
    c.inc(3);
    const server = await serveMetrics(registry, 0);
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('ja4_test_events_total{service="test"} 3');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
