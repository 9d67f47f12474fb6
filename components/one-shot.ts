import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import {
  APP_GID,
  APP_UID,
  configUpload,
  HARDENING,
  LOG_OPTIONS,
  labels,
  type ServiceSecrets,
  secretEnvs,
} from './container-spec.js';

/** What a one-shot job of the appliance image runs, and what makes it run again. */
export interface OneShotSpec {
  /** Child name, derived from the component's name. */
  name: string;
  image: pulumi.Input<string>;
  /** argv after the image's init, e.g. ['ja4', 'migrate', 'up']. */
  command: string[];
  configYaml: pulumi.Input<string>;
  secrets: ServiceSecrets;
  network: pulumi.Input<string>;
  /** Content digest of the job's inputs; a new value replaces the container, so the job re-runs. */
  trigger: string;
  version: string;
  mounts?: docker.types.input.ContainerMount[];
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * A container that runs once to completion during `pulumi up` (attach: true waits for its exit)
 * and is not restarted. Labels are create-only in the provider, so a changed `trigger` means a
 * new container and a new run; an unchanged one leaves the finished container as it is.
 */
export function oneShotContainer(spec: OneShotSpec, parent: pulumi.Resource): docker.Container {
  return new docker.Container(
    spec.name,
    {
      name: spec.name,
      image: spec.image,
      command: spec.command,
      user: `${APP_UID}:${APP_GID}`,
      envs: secretEnvs(spec.secrets),
      uploads: [configUpload(spec.configYaml)],
      networksAdvanced: [{ name: spec.network }],
      mounts: spec.mounts ?? [],
      mustRun: false,
      attach: true,
      logs: true,
      restart: 'no',
      labels: labels({ 'ja4.trigger': spec.trigger, 'ja4.version': spec.version }),
      ...HARDENING,
      ...LOG_OPTIONS,
    },
    { parent, dependsOn: spec.dependsOn, additionalSecretOutputs: ['envs'] },
  );
}

/**
 * Resolves to `value` once the job exited 0; a non-zero exit fails the deployment with the
 * job's last log lines, attached to the component that ran it.
 */
export function succeeded<T>(
  container: docker.Container,
  value: T,
  what: string,
  owner: pulumi.Resource,
): pulumi.Output<T> {
  return pulumi.all([container.exitCode, container.containerLogs]).apply(([code, logs]) => {
    if (code !== 0 && code !== undefined && code !== null) {
      const tail = (logs ?? '').trim().split('\n').slice(-5).join(' | ');
      throw new pulumi.ResourceError(`${what} exited with code ${code}: ${tail}`, owner);
    }
    return value;
  });
}
