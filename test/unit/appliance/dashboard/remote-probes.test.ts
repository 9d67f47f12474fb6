import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../../appliance/common/index.js';
import { remoteProbes } from '../../../../appliance/dashboard/index.js';

// A dashboard run on its own (`ja4 dashboard`) shows the services it can reach by their metrics
// ports: a sentinel run separately is a row of the status page, as the correlator is.
let server: Server;
let live = 0;
let closed = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/metrics' ? 200 : 404;
    res.end('ja4_sentinel_packets_total 1\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  live = (server.address() as AddressInfo).port;
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  closed = (gone.address() as AddressInfo).port;
  await new Promise((r) => gone.close(r));
});
afterAll(() => new Promise((r) => server.close(r)));

describe('remoteProbes', () => {
  it('probes the sentinel and the correlator by their metrics ports, in the order data flows', async () => {
    const base = defaultConfig();
    const probes = remoteProbes({
      ...base,
      sentinel: { ...base.sentinel, metrics_port: live },
      correlator: { ...base.correlator, metrics_port: closed },
    });
    expect(Object.keys(probes)).toEqual(['sentinel', 'correlator']);
    expect(await probes.sentinel()).toMatchObject({ ok: true });
    await expect(probes.correlator()).rejects.toThrow();
  });

  it('has no row for a service that serves no metrics (port 0)', () => {
    const base = defaultConfig();
    const probes = remoteProbes({
      ...base,
      sentinel: { ...base.sentinel, metrics_port: 0 },
      correlator: { ...base.correlator, metrics_port: 0 },
    });
    expect(probes).toEqual({});
  });
});
