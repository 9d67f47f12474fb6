import type { ServiceReport } from '../../../dashboard/index.js';
import { fetchModuleStatus, parseModuleCounters } from '../../../web-host/index.js';
import { RateWindow } from './rate-window.js';
import { ago, count, iso, perSecond, report } from './words.js';

/** mod_reqin_log's drop counters (reqin_status.c) and what each means, for the summary. */
const DROPS: [string, string][] = [
  ['DroppedNoSocket', 'correlator socket not connected'],
  ['DroppedWouldBlock', 'correlator not reading fast enough'],
  ['DroppedError', 'socket errors'],
  ['DroppedTooLarge', 'events over the size limit'],
];

export interface WebHostWatch {
  /** Reads the module's counters from httpd's status port (the web host's heartbeat). */
  sample(now?: number): Promise<void>;
  report(now?: number): ServiceReport;
}

/**
 * The web host as its own Apache reports it: the module's counters on the status port (a
 * loopback port that is not logged). Unreachable is down; drops in the window are a warning,
 * with the reason Apache counted; no request yet is idle.
 */
export function watchWebHost(url: string, statusPort: number, version: string): WebHostWatch {
  const w = new RateWindow();
  let lastOk: number | null = null;
  let lastError = '';
  return {
    async sample(now = Date.now()) {
      try {
        w.add(now, parseModuleCounters(await fetchModuleStatus(statusPort)));
        lastOk = now;
        lastError = '';
      } catch (err) {
        lastError = (err as Error).message;
      }
    },
    report(now = Date.now()) {
      const c = w.latest() ?? {};
      const dropped = DROPS.filter(([k]) => (c[k] ?? 0) > 0).map(([k, why]) => `${count(c[k])} ${why}`);
      const values = [
        { label: 'serving', value: `${url}${version ? ` (${version})` : ''}` },
        { label: 'events', value: perSecond(w.rate('EventsSent')) },
        { label: 'events sent', value: count(c.EventsSent ?? 0) },
        { label: 'dropped by Apache', value: dropped.length ? dropped.join(', ') : '0' },
        { label: 'last event', value: ago(iso(w.lastGrowth('EventsSent')), now) },
      ];
      if (lastError || lastOk === null) {
        return report(
          'down',
          `httpd does not answer on 127.0.0.1:${statusPort}: ${lastError || 'not asked yet'}`,
          values,
          iso(lastOk),
        );
      }
      const recent = w.growth('EventsDropped');
      if (recent > 0) {
        return report(
          'warn',
          `Apache dropped ${count(recent)} events in the last ${w.seconds()} s (${dropped.join(', ')})`,
          values,
          iso(lastOk),
        );
      }
      if (!c.EventsSent) return report('idle', `no request yet: curl -k ${url}`, values, iso(lastOk));
      return report(
        'ok',
        `Apache with mod_reqin_log; ${count(c.EventsSent)} requests sent to the correlator`,
        values,
        iso(lastOk),
      );
    },
  };
}
