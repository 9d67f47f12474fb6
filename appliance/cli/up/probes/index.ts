import type { Config } from '../../../common/index.js';
import type { CorrelatorHandle } from '../../../correlator/index.js';
import type { Probe } from '../../../dashboard/index.js';
import type { ApplianceHost } from '../../../web-host/index.js';
import type { SentinelChild } from '../sentinel-child.js';
import { type Absent, isAbsent } from './absent.js';
import { watchCorrelator } from './correlator.js';
import { sentinelReport } from './sentinel.js';
import { type WebHostWatch, watchWebHost } from './web-host.js';
import { report } from './words.js';

/** How often the in-process services are sampled for their rates (the status page reads faster). */
const SAMPLE_MS = 5000;

/** The parts `ja4 up` starts after the dashboard: filled in as they come up. */
export interface Edge {
  webHost: ApplianceHost | Absent;
  sentinel: SentinelChild | Absent;
}

export interface UpProbes {
  probes: Record<string, Probe>;
  /** Call once the web host is up (or known absent). */
  setWebHost(h: ApplianceHost | Absent): void;
  stop(): void;
}

const absentReport = (a: Absent, what: string) =>
  report(a.off ? 'idle' : 'warn', a.off ? `${what}: ${a.reason}` : `not running: ${a.reason}`);

/**
 * The status page's rows for what `ja4 up` runs besides ClickHouse, the detector and the
 * dashboard (which the dashboard probes itself), in the order data flows: the web host, the
 * sentinel, the correlator. Each reads its own sign of life: Apache's counters, the sentinel's
 * heartbeats, the correlator's counters and socket files.
 */
export function upProbes(config: Config, correlator: CorrelatorHandle, edge: Edge): UpProbes {
  const cw = watchCorrelator(correlator, config.sockets);
  let ww: WebHostWatch | undefined;
  const sampleAll = () => Promise.all([cw.sample(), ww?.sample()]).catch(() => undefined);
  const timer = setInterval(sampleAll, SAMPLE_MS);
  timer.unref();
  void sampleAll();
  const probes: Record<string, Probe> = {
    'web host': async () => {
      if (isAbsent(edge.webHost)) return absentReport(edge.webHost, 'off');
      if (!ww) return report('idle', 'starting');
      await ww.sample();
      return ww.report();
    },
    sentinel: async () => sentinelReport(isAbsent(edge.sentinel) ? edge.sentinel : edge.sentinel.health()),
    correlator: async () => {
      await cw.sample();
      return cw.report();
    },
  };
  return {
    probes,
    setWebHost(h) {
      edge.webHost = h;
      if (!isAbsent(h)) ww = watchWebHost(h.url, h.statusPort, h.version);
      void ww?.sample();
    },
    stop: () => clearInterval(timer),
  };
}
