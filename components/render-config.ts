import { stringify } from 'yaml';
import { type Config, configSchema } from '../appliance/common/config/schema.js';
import { CLICKHOUSE_HTTP_PORT, HTTPD_HTTPS_PORT, SOCKET_DIR, STATE_DIR } from './container-spec.js';

/**
 * Where ClickHouse is: a server on the appliance network (its alias and the appliance's user),
 * or the embedded engine's data directory inside the one `ja4 up` container.
 */
export type ClickHouseEndpoint = { host: string; username: string } | { embeddedDir: string };

/**
 * Validates the stack's appliance config against the appliance's own schema and fills defaults.
 * Returns the issue (key, message) instead of throwing, so a component can attach it to itself.
 */
export function validateApplianceConfig(
  raw: unknown,
): { ok: true; config: Config } | { ok: false; key: string; message: string } {
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return { ok: true, config: result.data };
  const issue = result.error.issues[0];
  return { ok: false, key: issue.path.join('.'), message: issue.message };
}

/**
 * The config every container reads: the stack's config with the keys the deployment owns
 * overridden (server URL, socket and state paths inside the containers, listen addresses,
 * capture interface) and the secrets blanked, since they arrive as JA4_* env vars.
 */
export function containerConfig(config: Config, endpoint: ClickHouseEndpoint): Config {
  const out: Config = structuredClone(config);
  if ('embeddedDir' in endpoint) {
    out.clickhouse.url = `embedded:${endpoint.embeddedDir}`;
  } else {
    out.clickhouse.url = `http://${endpoint.host}:${CLICKHOUSE_HTTP_PORT}`;
    out.clickhouse.username = endpoint.username;
  }
  out.clickhouse.password = '';
  out.log.pretty = 'never';
  out.sockets.http = `${SOCKET_DIR}/http.socket`;
  out.sockets.network = `${SOCKET_DIR}/network.socket`;
  out.correlator.spool_dir = `${STATE_DIR}/spool`;
  out.correlator.file_path = `${STATE_DIR}/log/ja4-correlated.jsonl`;
  out.detector.model_dir = `${STATE_DIR}/models`;
  // The dashboard container reaches the detector over the appliance network, so the API listens
  // there; its token arrives as JA4_DETECTOR_API_TOKEN in those two containers only.
  out.detector.host = '0.0.0.0';
  out.detector.api_token = '';
  // Where a detector without a given token generates one (api.token), inside the state volume.
  out.detector.state_dir = `${STATE_DIR}/detector`;
  out.dashboard.detector_url = `http://detector:${config.detector.port}`;
  if ('embeddedDir' in endpoint) {
    // One process: the dashboard calls the detector in-process, so its API stays on loopback.
    out.detector.host = '127.0.0.1';
    out.dashboard.detector_url = `http://127.0.0.1:${config.detector.port}`;
  }
  out.dashboard.state_dir = `${STATE_DIR}/dashboard`;
  out.dashboard.host = '0.0.0.0';
  out.dashboard.session_secret = '';
  out.dashboard.admin_password = '';
  // The sentinel shares Apache's network namespace: its eth0, and the TLS port Apache listens on.
  out.sentinel.iface = 'eth0';
  out.sentinel.ports = [HTTPD_HTTPS_PORT];
  out.sentinel.user = '';
  return out;
}

/** The YAML file content: a header naming its origin, then the config in schema key order. */
export function renderConfigYaml(config: Config, version: string): string {
  const header = `# Rendered by the ja4-platform Pulumi program for appliance ${version}. Do not edit in the\n# container: change the stack config and run \`pulumi up\`. Secrets come from JA4_* env vars.\n`;
  return header + stringify(config, { lineWidth: 0 });
}

/** True when the rendered YAML carries anything sensitive (dashboard user hashes, the metrics token). */
export function configHasSecrets(config: Config): boolean {
  return config.dashboard.users.length > 0 || config.dashboard.metrics_token !== '';
}
