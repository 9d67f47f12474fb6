import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { nodeHttpHealthcheck, SOCKET_DIR, STATE_DIR } from './container-spec.js';
import { type ServiceArgs, serviceContainer, stateVolume } from './service-container.js';

export interface EmbeddedApplianceArgs extends ServiceArgs {
  /** Volume for http.socket and network.socket, shared with Apache and the sentinel. Required. */
  socketsVolume: pulumi.Input<string>;
  /** The config's dashboard.port inside the container. Default: 8000. */
  containerPort?: number;
  /** Host port the dashboard is published on. Default: 8000. */
  hostPort?: number;
  /** Host address the published port binds to. Default: `127.0.0.1` (put a proxy in front). */
  bindAddress?: string;
  /** Host name in the output URL. Default: `localhost`. */
  publicHost?: string;
}

/**
 * Migrations, the reference dictionaries and the first start of the embedded engine run inside
 * `ja4 up` before the dashboard answers: on two cores that is about a minute, so its health
 * check starts late and `pulumi up` waits longer than for a single service.
 */
const FIRST_START_SECONDS = 300;

/**
 * `ja4 up --no-seed --no-sentinel`: migrations, dictionaries, correlator, detector and dashboard
 * in one process on the embedded engine (an embedded data directory can be opened by one process
 * only). Its whole state (engine data, spool, models, dashboard state) lives in one volume kept
 * on destroy; the sentinel runs beside Apache, as with a server.
 */
export class EmbeddedAppliance extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly stateVolume: docker.Volume;
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: EmbeddedApplianceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:EmbeddedAppliance', name, args, opts);
    const containerPort = args.containerPort ?? 8000;
    const hostPort = args.hostPort ?? 8000;
    this.stateVolume = stateVolume(`${name}-state`, args.version, this);
    const healthcheck = nodeHttpHealthcheck(`http://127.0.0.1:${containerPort}/api/health`);
    this.container = serviceContainer(
      {
        name: `${name}-service`,
        component: 'appliance',
        command: ['ja4', 'up', '--no-seed', '--no-sentinel'],
        aliases: ['appliance'],
        healthcheck: { ...healthcheck, startPeriod: `${FIRST_START_SECONDS}s` },
        waitSeconds: FIRST_START_SECONDS,
        mounts: [
          { type: 'volume', source: args.socketsVolume, target: SOCKET_DIR },
          { type: 'volume', source: this.stateVolume.name, target: STATE_DIR },
        ],
        ports: [{ internal: containerPort, external: hostPort, ip: args.bindAddress ?? '127.0.0.1' }],
      },
      args,
      this,
    );
    this.url = pulumi.output(`http://${args.publicHost ?? 'localhost'}:${hostPort}`);
    this.registerOutputs({ url: this.url });
  }
}
