import { createHmac } from 'node:crypto';
import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { nodeHttpHealthcheck, STATE_DIR } from './container-spec.js';
import { type ServiceArgs, serviceContainer, stateVolume } from './service-container.js';

export interface DetectorArgs extends ServiceArgs {
  /** The config's detector.port, probed at /health. Default: 8080. */
  port?: number;
  /**
   * Bearer token of the detector API (JA4_DETECTOR_API_TOKEN), handled as a secret. The API
   * listens on the appliance network, so it is always set. Required.
   */
  apiToken: pulumi.Input<string>;
}

/**
 * A stable detector API token derived from the ClickHouse password (HMAC-SHA256, base64url), for
 * deployments that set none: the same on every `pulumi up` (no container is replaced), secret,
 * and not computable without that password, which already grants more than the detector API.
 */
export function derivedDetectorToken(clickhousePassword: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .output(clickhousePassword)
      .apply((pw) => createHmac('sha256', pw).update('ja4-platform detector api token').digest('base64url')),
  );
}

/**
 * `ja4 detector`: the Isolation Forest scoring cycle, with its models on a volume of its own and
 * its API (/health, /ready, /metrics, /status, POST /run) on the appliance network only, where
 * the dashboard reaches it; every route but /health and /ready needs the API token.
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
      { ...args, secrets: { ...args.secrets, detectorApiToken: args.apiToken } },
      this,
    );
    this.endpoint = pulumi.output(`http://detector:${port}`);
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
