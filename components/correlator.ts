import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { nodeHttpHealthcheck, SOCKET_DIR, STATE_DIR } from './container-spec.js';
import { type ServiceArgs, serviceContainer, stateVolume } from './service-container.js';

export interface CorrelatorArgs extends ServiceArgs {
  /** Volume holding http.socket and network.socket, shared with Apache and the sentinel. Required. */
  socketsVolume: pulumi.Input<string>;
  /** The config's correlator.metrics_port, probed by the health check. Default: 9102. */
  metricsPort?: number;
}

/**
 * `ja4 correlator`: listens on the two sockets in the shared volume, joins each HTTP request to
 * its TLS handshake and inserts batches into ClickHouse, spooling to its own volume when the
 * server is away.
 */
export class Correlator extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly spoolVolume: docker.Volume;

  constructor(name: string, args: CorrelatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:Correlator', name, args, opts);
    this.spoolVolume = stateVolume(`${name}-spool`, args.version, this);
    this.container = serviceContainer(
      {
        name: `${name}-service`,
        component: 'correlator',
        command: ['ja4', 'correlator'],
        aliases: ['correlator'],
        healthcheck: nodeHttpHealthcheck(`http://127.0.0.1:${args.metricsPort ?? 9102}/metrics`),
        mounts: [
          { type: 'volume', source: args.socketsVolume, target: SOCKET_DIR },
          { type: 'volume', source: this.spoolVolume.name, target: `${STATE_DIR}/spool` },
        ],
      },
      args,
      this,
    );
    this.registerOutputs({ containerName: this.container.name });
  }
}
