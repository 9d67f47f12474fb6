import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ServiceSecrets } from './container-spec.js';
import { oneShotContainer, succeeded } from './one-shot.js';

export interface MigrationsArgs {
  /** Appliance image reference (its repoDigest), which carries the migrations. Required. */
  image: pulumi.Input<string>;
  /** Rendered appliance config (no secrets). Required. */
  configYaml: pulumi.Input<string>;
  /** Secrets as JA4_* env; only the ClickHouse password is used here. Required. */
  secrets: ServiceSecrets;
  /** Network on which the server is reachable. Required. */
  network: pulumi.Input<string>;
  /**
   * The ClickHouse container. It is created with a health check and `wait: true`, so depending on
   * it means depending on a healthy server. Required.
   */
  server: docker.Container;
  /** Digest of the migration set (file names and contents); a change re-runs the job. Required. */
  setDigest: string;
  /** The version the set brings the schema to (highest migration number). Required. */
  targetVersion: string;
  /** Appliance version. Required. */
  version: string;
}

/**
 * Applies the appliance's migrations (`ja4 migrate up`) once the server is healthy, as a one-shot
 * container of the appliance image. It re-runs only when the migration set or the image changes;
 * `appliedVersion` resolves once the run succeeded.
 */
export class Migrations extends pulumi.ComponentResource {
  public readonly job: docker.Container;
  /** The schema version after this run, e.g. "0012". */
  public readonly appliedVersion: pulumi.Output<string>;

  constructor(name: string, args: MigrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:Migrations', name, args, opts);
    this.job = oneShotContainer(
      {
        name: `${name}-job`,
        image: args.image,
        command: ['ja4', 'migrate', 'up'],
        configYaml: args.configYaml,
        secrets: args.secrets,
        network: args.network,
        trigger: args.setDigest,
        version: args.version,
        dependsOn: [args.server],
      },
      this,
    );
    this.appliedVersion = succeeded(this.job, args.targetVersion, '`ja4 migrate up`', this);
    this.registerOutputs({ appliedVersion: this.appliedVersion });
  }
}
