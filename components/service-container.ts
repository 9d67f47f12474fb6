import * as docker from '@pulumi/docker';
import type * as pulumi from '@pulumi/pulumi';
import {
  APP_GID,
  APP_UID,
  configUpload,
  HARDENING,
  LOG_OPTIONS,
  labels,
  limitArgs,
  SERVICE_WAIT_SECONDS,
  type ServiceSecrets,
  secretEnvs,
} from './container-spec.js';
import type { Limits } from './deployment-config.js';

/** Inputs every long-running service of the appliance image takes. */
export interface ServiceArgs {
  /** Appliance image reference (its repoDigest, built for `version`). Required. */
  image: pulumi.Input<string>;
  /** Rendered appliance config (no secrets), uploaded to /etc/ja4/ja4.yaml. Required. */
  configYaml: pulumi.Input<string>;
  /** Secrets as JA4_* env vars. Required. */
  secrets: ServiceSecrets;
  /** Network shared with ClickHouse and the other services. Required. */
  network: pulumi.Input<string>;
  /**
   * What must have finished first: the migrations (and dictionaries) jobs. Each service waits for
   * them, so no service ever runs against a schema older than its own. Required.
   */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Memory and CPU limits. Default: none. */
  limits?: Limits;
  /** Appliance version, recorded as a label. Required. */
  version: string;
}

/** The parts that differ between services. */
export interface ServiceSpec {
  name: string;
  component: string;
  command: string[];
  healthcheck: docker.types.input.ContainerHealthcheck;
  aliases?: string[];
  mounts?: docker.types.input.ContainerMount[];
  ports?: docker.types.input.ContainerPort[];
  /** Seconds `pulumi up` waits for the health check. Default: SERVICE_WAIT_SECONDS. */
  waitSeconds?: number;
}

/** A long-running, hardened, health-checked service container that restarts unless stopped. */
export function serviceContainer(spec: ServiceSpec, args: ServiceArgs, parent: pulumi.Resource) {
  return new docker.Container(
    spec.name,
    {
      name: spec.name,
      image: args.image,
      command: spec.command,
      user: `${APP_UID}:${APP_GID}`,
      envs: secretEnvs(args.secrets),
      uploads: [configUpload(args.configYaml)],
      networksAdvanced: [{ name: args.network, aliases: spec.aliases ?? [] }],
      mounts: spec.mounts ?? [],
      ports: spec.ports ?? [],
      healthcheck: spec.healthcheck,
      // `pulumi up` succeeds only once the service reports healthy, and fails loudly otherwise.
      wait: true,
      waitTimeout: spec.waitSeconds ?? SERVICE_WAIT_SECONDS,
      restart: 'unless-stopped',
      labels: labels({ 'ja4.component': spec.component, 'ja4.version': args.version }),
      ...limitArgs(args.limits),
      ...HARDENING,
      ...LOG_OPTIONS,
    },
    { parent, dependsOn: args.dependsOn, additionalSecretOutputs: ['envs'] },
  );
}

/** A named volume owned by the component, labelled with the appliance version. */
export function stateVolume(name: string, version: string, parent: pulumi.Resource): docker.Volume {
  return new docker.Volume(
    name,
    { name, labels: [{ label: 'ja4.version', value: version }] },
    { parent, retainOnDelete: true },
  );
}
