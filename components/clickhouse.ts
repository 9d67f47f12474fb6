import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { CLICKHOUSE_USERS_FILE, LOCAL_SOURCE_USER, renderClickHouseUsersXml } from './clickhouse-users.js';
import { CLICKHOUSE_HTTP_PORT, LOG_OPTIONS, labels, limitArgs } from './container-spec.js';
import { DEFAULT_CLICKHOUSE_IMAGE, type Limits } from './deployment-config.js';

export interface ClickHouseArgs {
  /** Docker network the server joins, reachable there as `alias`. Required. */
  network: pulumi.Input<string>;
  /** Password of `username`. Required; stored and exported only as a secret. */
  password: pulumi.Input<string>;
  /**
   * The appliance's user, created by the image's entrypoint. Must not be `default`, which this
   * component keeps as the password-less, loopback-only reader of the dictionary source tables
   * (see clickhouse-users.ts). Default: `ja4`.
   */
  username?: string;
  /** Pinned image reference (`name:tag` or `name:tag@sha256:…`). Default: DEFAULT_CLICKHOUSE_IMAGE. */
  image?: string;
  /** Network alias (host name) of the server. Default: `clickhouse`. */
  alias?: string;
  /** Host port to publish the HTTP interface on; 0 keeps it internal. Default: 0. */
  publishPort?: number;
  /** Host address the published port binds to. Default: `127.0.0.1`. */
  bindAddress?: string;
  /** Seconds `pulumi up` waits for the health check to pass. Default: 180. */
  waitTimeoutSeconds?: number;
  /** Memory and CPU limits. Default: none. */
  limits?: Limits;
  /** Appliance version, recorded as a label. Required. */
  version: string;
}

/**
 * A single ClickHouse server: pinned image, a data volume, the appliance user from a stack
 * secret, the users.d file that keeps the dictionaries' local source user (clickhouse-users.ts),
 * and a health check. The container is created with `wait: true`, so the provider only
 * reports it created once Docker reports it healthy; anything that depends on `container`
 * therefore starts against a server that answers.
 */
export class ClickHouse extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly dataVolume: docker.Volume;
  /** http://alias:8123 on the appliance network. */
  public readonly endpoint: pulumi.Output<string>;
  /** The published endpoint on the host, or empty when not published. */
  public readonly hostEndpoint: pulumi.Output<string>;
  public readonly host: string;
  public readonly username: string;
  /** Always a secret. */
  public readonly password: pulumi.Output<string>;

  constructor(name: string, args: ClickHouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:ClickHouse', name, args, opts);
    const server: ServerSettings = {
      alias: args.alias ?? 'clickhouse',
      username: args.username ?? 'ja4',
      password: pulumi.secret(args.password),
      publishPort: args.publishPort ?? 0,
      bindAddress: args.bindAddress ?? '127.0.0.1',
    };
    if (server.username === LOCAL_SOURCE_USER) {
      throw new pulumi.ResourceError(
        `ClickHouse username must not be "${LOCAL_SOURCE_USER}": that user stays password-less and loopback-only for the dictionary sources`,
        this,
      );
    }
    const image = new docker.RemoteImage(
      `${name}-image`,
      { name: args.image ?? DEFAULT_CLICKHOUSE_IMAGE, keepLocally: true },
      { parent: this },
    );
    this.dataVolume = new docker.Volume(
      `${name}-data`,
      { name: `${name}-data`, labels: [{ label: 'ja4.version', value: args.version }] },
      // Losing this volume loses the database: a replacement must be deliberate.
      { parent: this, retainOnDelete: true },
    );
    this.container = this.createServer(name, args, image, server);

    const { alias, publishPort, bindAddress } = server;
    this.host = alias;
    this.username = server.username;
    this.password = server.password;
    this.endpoint = pulumi.output(`http://${alias}:${CLICKHOUSE_HTTP_PORT}`);
    this.hostEndpoint = pulumi.output(publishPort > 0 ? `http://${bindAddress}:${publishPort}` : '');
    this.registerOutputs({
      endpoint: this.endpoint,
      hostEndpoint: this.hostEndpoint,
      username: this.username,
      password: this.password,
    });
  }

  private createServer(
    name: string,
    args: ClickHouseArgs,
    image: docker.RemoteImage,
    server: ServerSettings,
  ): docker.Container {
    const { username, password, publishPort, bindAddress } = server;
    return new docker.Container(
      `${name}-server`,
      {
        name: `${name}-server`,
        image: image.imageId,
        envs: [
          `CLICKHOUSE_USER=${username}`,
          pulumi.secret(pulumi.interpolate`CLICKHOUSE_PASSWORD=${password}`),
          'CLICKHOUSE_DB=ja4_processing',
          // Lets the appliance user run GRANTs and CREATE DICTIONARY with its own credentials.
          'CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT=1',
        ],
        mounts: [{ type: 'volume', source: this.dataVolume.name, target: '/var/lib/clickhouse' }],
        // Merged after the entrypoint's users.d/default-user.xml, which removes `default`: puts it
        // back, restricted, for the dictionaries' in-process source queries. No secret inside.
        uploads: [{ file: CLICKHOUSE_USERS_FILE, content: renderClickHouseUsersXml(), permissions: '0444' }],
        networksAdvanced: [{ name: args.network, aliases: [server.alias] }],
        ports:
          publishPort > 0 ? [{ internal: CLICKHOUSE_HTTP_PORT, external: publishPort, ip: bindAddress }] : [],
        // ClickHouse's documented recommendation for open files.
        ulimits: [{ name: 'nofile', soft: 262_144, hard: 262_144 }],
        healthcheck: {
          // /ping needs no credentials and answers "Ok." once the server accepts queries.
          tests: ['CMD', 'wget', '--spider', '-q', `http://127.0.0.1:${CLICKHOUSE_HTTP_PORT}/ping`],
          interval: '5s',
          timeout: '3s',
          retries: 30,
          startPeriod: '10s',
        },
        wait: true,
        waitTimeout: args.waitTimeoutSeconds ?? 180,
        restart: 'unless-stopped',
        labels: labels({ 'ja4.component': 'clickhouse', 'ja4.version': args.version }),
        ...limitArgs(args.limits),
        ...LOG_OPTIONS,
      },
      { parent: this, additionalSecretOutputs: ['envs'] },
    );
  }
}

/** ClickHouseArgs with the defaults applied; the password made a secret. */
interface ServerSettings {
  alias: string;
  username: string;
  password: pulumi.Output<string>;
  publishPort: number;
  bindAddress: string;
}
