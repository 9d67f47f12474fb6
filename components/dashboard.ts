import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { nodeHttpHealthcheck, STATE_DIR } from './container-spec.js';
import { type ServiceArgs, serviceContainer, stateVolume } from './service-container.js';

export interface DashboardArgs extends ServiceArgs {
  /** The config's dashboard.port inside the container. Default: 8000. */
  containerPort?: number;
  /** First host port; replica i is published on hostPort + i. Default: 8000. */
  hostPort?: number;
  /** Host address the published ports bind to. Default: `127.0.0.1` (put a proxy in front). */
  bindAddress?: string;
  /** Number of identical containers (behind the operator's load balancer). Default: 1. */
  replicas?: number;
  /** Host name in the output URLs. Default: `localhost`. */
  publicHost?: string;
  /** The detector API's bearer token (the dashboard proxies status and run), a secret. Required. */
  detectorApiToken: pulumi.Input<string>;
}

/**
 * `ja4 dashboard`: the SOC web app, published on the host. Replicas share one state volume so
 * they share the generated session secret (set `dashboardSessionSecret` for prod instead).
 */
export class Dashboard extends pulumi.ComponentResource {
  public readonly containers: docker.Container[];
  public readonly stateVolume: docker.Volume;
  /** One URL per replica. */
  public readonly urls: pulumi.Output<string[]>;
  /** The first replica's URL. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:Dashboard', name, args, opts);
    const containerPort = args.containerPort ?? 8000;
    const hostPort = args.hostPort ?? 8000;
    const bindAddress = args.bindAddress ?? '127.0.0.1';
    const replicas = args.replicas ?? 1;
    const publicHost = args.publicHost ?? 'localhost';
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new pulumi.ResourceError(`replicas must be an integer >= 1, got ${replicas}`, this);
    }
    this.stateVolume = stateVolume(`${name}-state`, args.version, this);
    this.containers = [];
    const urls: string[] = [];
    for (let i = 0; i < replicas; i++) {
      this.containers.push(
        serviceContainer(
          {
            // Replica 0 keeps the plain name so scaling out never renames (replaces) it.
            name: i === 0 ? `${name}-service` : `${name}-service-${i}`,
            component: 'dashboard',
            command: ['ja4', 'dashboard'],
            aliases: ['dashboard'],
            healthcheck: nodeHttpHealthcheck(`http://127.0.0.1:${containerPort}/api/health`),
            mounts: [{ type: 'volume', source: this.stateVolume.name, target: `${STATE_DIR}/dashboard` }],
            ports: [{ internal: containerPort, external: hostPort + i, ip: bindAddress }],
          },
          { ...args, secrets: { ...args.secrets, detectorApiToken: args.detectorApiToken } },
          this,
        ),
      );
      urls.push(`http://${publicHost}:${hostPort + i}`);
    }
    this.urls = pulumi.output(urls);
    this.url = pulumi.output(urls[0]);
    this.registerOutputs({ url: this.url, urls: this.urls });
  }
}
