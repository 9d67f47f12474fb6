import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ServiceSecrets } from './container-spec.js';
import { oneShotContainer, succeeded } from './one-shot.js';

/** Where a host directory of CSVs is mounted in the job. */
export const DICTIONARIES_MOUNT = '/etc/ja4/dictionaries';

export interface DictionariesArgs {
  /** Appliance image reference, which carries migrations/dictionaries/*.csv. Required. */
  image: pulumi.Input<string>;
  /** Rendered appliance config (no secrets). Required. */
  configYaml: pulumi.Input<string>;
  /** Secrets as JA4_* env. Required. */
  secrets: ServiceSecrets;
  /** Network on which the server is reachable. Required. */
  network: pulumi.Input<string>;
  /** The migrations job: the source tables and dictionaries must exist first. Required. */
  migrations: docker.Container;
  /** Digest of the CSVs' names and contents; a change reloads them. Required. */
  setDigest: string;
  /**
   * Host directory of newer CSVs, bind-mounted read-only and passed as `--dir`; the Docker engine
   * must run on the machine that holds it. Default: empty (the CSVs shipped in the image).
   */
  hostDir?: string;
  /** Appliance version. Required. */
  version: string;
}

/**
 * Loads the reference CSVs into their source tables and reloads the dictionaries
 * (`ja4 dict load`), after the migrations, re-running whenever the CSVs change.
 */
export class Dictionaries extends pulumi.ComponentResource {
  public readonly job: docker.Container;
  /** The digest of the CSV set that was loaded. */
  public readonly loadedDigest: pulumi.Output<string>;

  constructor(name: string, args: DictionariesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:Dictionaries', name, args, opts);
    const hostDir = args.hostDir ?? '';
    this.job = oneShotContainer(
      {
        name: `${name}-job`,
        image: args.image,
        command: hostDir ? ['ja4', 'dict', 'load', '--dir', DICTIONARIES_MOUNT] : ['ja4', 'dict', 'load'],
        configYaml: args.configYaml,
        secrets: args.secrets,
        network: args.network,
        trigger: args.setDigest,
        version: args.version,
        mounts: hostDir
          ? [{ type: 'bind', source: hostDir, target: DICTIONARIES_MOUNT, readOnly: true }]
          : [],
        dependsOn: [args.migrations],
      },
      this,
    );
    this.loadedDigest = succeeded(this.job, args.setDigest, '`ja4 dict load`', this);
    this.registerOutputs({ loadedDigest: this.loadedDigest });
  }
}
