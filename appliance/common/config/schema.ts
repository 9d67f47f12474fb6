import { z } from 'zod';
import { clickhouseSection } from './sections/clickhouse.js';
import { correlatorSection } from './sections/correlator.js';
import { dashboardSection } from './sections/dashboard.js';
import { detectorSection } from './sections/detector.js';
import { filterSection } from './sections/filter.js';
import { logSection } from './sections/log.js';
import { retentionSection } from './sections/retention.js';
import { sentinelSection } from './sections/sentinel.js';
import { socketsSection } from './sections/sockets.js';
import { webHostSection } from './sections/web-host.js';

/**
 * The one config schema of the appliance. Every key has a default, so an empty file (or none)
 * is a working embedded setup. Each service owns its section file under sections/.
 */
export const configSchema = z
  .object({
    clickhouse: clickhouseSection,
    log: logSection,
    retention: retentionSection,
    sockets: socketsSection,
    filter: filterSection,
    sentinel: sentinelSection,
    correlator: correlatorSection,
    detector: detectorSection,
    dashboard: dashboardSection,
    web_host: webHostSection,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** Keys whose values are secrets: masked by `ja4 config print`, marked secret by Pulumi. */
export const SECRET_KEYS: readonly string[] = [
  'clickhouse.password',
  'dashboard.session_secret',
  'dashboard.admin_password',
  'dashboard.users.password_hash',
  'dashboard.metrics_token',
  'detector.api_token',
];

/** The config with every default applied. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
