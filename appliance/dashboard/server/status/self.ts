import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPLIANCE_VERSION } from '../../../common/index.js';
import type { ServiceReport } from '../../api/status.js';
import { report } from './probe.js';
import { ago, duration } from './words.js';

const started = new Date();

/**
 * The dashboard itself: it answers, so it is up; the web app it serves is compared with the
 * server (a bundle of another version, or none, is worth a look).
 */
export function dashboardReport(webRoot: string, now = Date.now()): ServiceReport {
  let stamp: { version?: string; built_at?: string } | undefined;
  try {
    stamp = JSON.parse(readFileSync(join(webRoot, 'build.json'), 'utf8'));
  } catch {
    stamp = undefined;
  }
  const values = [
    { label: 'version', value: APPLIANCE_VERSION },
    { label: 'running for', value: duration(now - started.getTime()) },
    {
      label: 'web app',
      value: stamp ? `${stamp.version ?? '?'}, built ${ago(stamp.built_at, now)}` : 'no build stamp',
    },
  ];
  const seen = new Date(now).toISOString();
  if (stamp?.version && stamp.version !== APPLIANCE_VERSION) {
    return report(
      'warn',
      `serving a web app built for ${stamp.version}: run \`ja4 web build\``,
      values,
      seen,
    );
  }
  return report('ok', 'answering', values, seen);
}
