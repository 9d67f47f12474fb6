import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { Limits } from './deployment-config.js';

/**
 * Shapes shared by the containers of the appliance image. Not a component: plain helpers the
 * components call, so every service gets the same hardening, logging and config delivery.
 */

/** The non-root user baked into docker/appliance.Dockerfile. */
export const APP_UID = 10001;
export const APP_GID = 10001;
/** Where each container finds its config (the loader's default path, so no --config is needed). */
export const CONFIG_PATH = '/etc/ja4/ja4.yaml';
/** The shared volume holding http.socket and network.socket. */
export const SOCKET_DIR = '/run/ja4';
/** Writable state of the appliance image (spool, models, dashboard state). */
export const STATE_DIR = '/var/lib/ja4';
/** The embedded engine's data directory (single box): inside the state volume. */
export const EMBEDDED_DIR = `${STATE_DIR}/clickhouse`;
/** Ports Apache listens on inside its container (non-root, so above 1024). */
export const HTTPD_HTTP_PORT = 8080;
export const HTTPD_HTTPS_PORT = 8443;
export const CLICKHOUSE_HTTP_PORT = 8123;
/** How long `pulumi up` waits for a service's health check to pass (start period included). */
export const SERVICE_WAIT_SECONDS = 120;

/** Secrets a service receives as JA4_* environment variables, never in the rendered YAML. */
export interface ServiceSecrets {
  /**
   * ClickHouse password of the appliance user; always handled as a secret. Required against a
   * server; none on the embedded engine, which has no network users.
   */
  clickhousePassword?: pulumi.Input<string>;
  /** Dashboard cookie-signing secret. Default: none (the dashboard generates one in its state dir). */
  sessionSecret?: pulumi.Input<string>;
  /** First admin's password. Default: none (generated on first run and logged once). */
  adminPassword?: pulumi.Input<string>;
  /** The detector API's bearer token; only the detector and the dashboard get it. Default: none. */
  detectorApiToken?: pulumi.Input<string>;
}

/** `KEY=value` entries for the secrets that are set, each wrapped with pulumi.secret(). */
export function secretEnvs(secrets: ServiceSecrets): pulumi.Output<string>[] {
  const pairs: [string, pulumi.Input<string> | undefined][] = [
    ['JA4_CLICKHOUSE_PASSWORD', secrets.clickhousePassword],
    ['JA4_DASHBOARD_SESSION_SECRET', secrets.sessionSecret],
    ['JA4_DASHBOARD_ADMIN_PASSWORD', secrets.adminPassword],
    ['JA4_DETECTOR_API_TOKEN', secrets.detectorApiToken],
  ];
  return pairs
    .filter((p): p is [string, pulumi.Input<string>] => p[1] !== undefined)
    .map(([key, value]) => pulumi.secret(pulumi.interpolate`${key}=${value}`));
}

/**
 * A health check that GETs a local URL with Node's fetch: the appliance image has no curl, and
 * node is already there. Any status below 500 counts (a login redirect is healthy).
 */
export function nodeHttpHealthcheck(url: string): docker.types.input.ContainerHealthcheck {
  const script = `fetch(${JSON.stringify(url)}).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))`;
  return {
    tests: ['CMD', 'node', '-e', script],
    interval: '15s',
    timeout: '5s',
    retries: 4,
    startPeriod: '20s',
  };
}

/** Memory and CPU limits in the provider's units (MiB, decimal string). */
export function limitArgs(limits: Limits | undefined): { memory?: number; cpus?: string } {
  return {
    ...(limits?.memory_mb ? { memory: limits.memory_mb } : {}),
    ...(limits?.cpus ? { cpus: String(limits.cpus) } : {}),
  };
}

/** Bounded json-file logs, so a chatty container cannot fill the host's disk. */
export const LOG_OPTIONS: Pick<docker.ContainerArgs, 'logDriver' | 'logOpts'> = {
  logDriver: 'json-file',
  logOpts: { 'max-size': '20m', 'max-file': '5' },
};

/**
 * Hardening for every appliance container: no capabilities, no privilege gain, and an init
 * process to reap children and forward signals. The root file system stays writable only because
 * the engine refuses `uploads` (how the config file arrives) into a read-only root.
 */
export const HARDENING: Pick<docker.ContainerArgs, 'capabilities' | 'securityOpts' | 'init'> = {
  capabilities: { drops: ['ALL'] },
  securityOpts: ['no-new-privileges:true'],
  init: true,
};

/** The rendered config as the one file a container reads. */
export function configUpload(yaml: pulumi.Input<string>): docker.types.input.ContainerUpload {
  return { file: CONFIG_PATH, content: yaml, permissions: '0444' };
}

/** A label list in the provider's shape from a plain map. */
export function labels(map: Record<string, pulumi.Input<string>>): docker.types.input.ContainerLabel[] {
  return Object.entries(map).map(([label, value]) => ({ label, value }));
}
