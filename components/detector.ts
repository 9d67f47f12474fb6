import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { nodeHttpHealthcheck, STATE_DIR } from './container-spec.js';
import { type ServiceArgs, serviceContainer, stateVolume } from './service-container.js';

export interface DetectorArgs extends ServiceArgs {
  /** The config's detector.port, probed at /health. Default: 8080. */
  port?: number;
}

/**
 * `ja4 detector`: the Isolation Forest scoring cycle, with its models on a volume of its own and
 * its API (/health, /ready, /metrics, /status) on the appliance network only.
 */
export class Detector extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly modelVolume: docker.Volume;
  /** The API on the appliance network, e.g. http://detector:8080. */
  public readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: DetectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:Detector', name, args, opts);
    const port = args.port ?? 8080;
    this.modelVolume = stateVolume(`${name}-models`, args.version, this);
    this.container = serviceContainer(
      {
        name: `${name}-service`,
        component: 'detector',
        command: ['ja4', 'detector'],
        aliases: ['detector'],
        healthcheck: nodeHttpHealthcheck(`http://127.0.0.1:${port}/health`),
        mounts: [{ type: 'volume', source: this.modelVolume.name, target: `${STATE_DIR}/models` }],
      },
      args,
      this,
    );
    this.endpoint = pulumi.output(`http://detector:${port}`);
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
