import type { ServiceReport, ServiceState } from '../../api/status.js';

/** What a probe may answer: a structured report, or the older `{ ok, detail }` pair. */
export type ProbeResult = ServiceReport | { ok: boolean; detail: string };
export type Probe = () => Promise<ProbeResult>;

const isReport = (r: ProbeResult): r is ServiceReport => 'state' in r;

/** Makes every answer a report: `{ ok, detail }` becomes ok or down with the detail as summary. */
export function toReport(r: ProbeResult): ServiceReport {
  if (isReport(r)) return r;
  return { state: r.ok ? 'ok' : 'down', summary: r.detail, values: [], last_seen: null };
}

export const report = (
  state: ServiceState,
  summary: string,
  values: ServiceReport['values'] = [],
  last_seen: string | null = null,
): ServiceReport => ({ state, summary, values, last_seen });

/** Runs a probe with a deadline so one hung service cannot hang the status page; a failure is `down`. */
export async function runProbe(probe: Probe, ms = 3000): Promise<ServiceReport> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return toReport(
      await Promise.race([
        probe(),
        new Promise<ProbeResult>((resolve) => {
          timer = setTimeout(() => resolve(report('down', `no answer within ${ms} ms`)), ms);
        }),
      ]),
    );
  } catch (err) {
    return report('down', (err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}
