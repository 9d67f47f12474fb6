import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import {
  APP_GID,
  configUpload,
  HTTPD_HTTP_PORT,
  HTTPD_HTTPS_PORT,
  LOG_OPTIONS,
  labels,
  limitArgs,
  nodeHttpHealthcheck,
  SERVICE_WAIT_SECONDS,
  SOCKET_DIR,
} from './container-spec.js';
import type { Limits } from './deployment-config.js';
import {
  HTTPD_CERT_PATH,
  HTTPD_KEY_PATH,
  HTTPD_SITE_PATH,
  renderHttpdSite,
  unsafeSiteValue,
} from './httpd-site.js';

export interface ApacheHostArgs {
  /** The httpd image with mod_reqin_log (docker/httpd.Dockerfile), by repoDigest. Required. */
  httpdImage: pulumi.Input<string>;
  /** The appliance image, for the sentinel. Required. */
  applianceImage: pulumi.Input<string>;
  /** Rendered appliance config, read by the sentinel. Required. */
  configYaml: pulumi.Input<string>;
  /** Volume with the correlator's sockets. Required. */
  socketsVolume: pulumi.Input<string>;
  /** The correlator: its sockets must exist before Apache and the sentinel connect. Required. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Host ports for HTTP and TLS. Default: 8080 and 8443. */
  httpPort?: number;
  httpsPort?: number;
  /** Host address the ports bind to. Default: `0.0.0.0`. */
  bindAddress?: string;
  /** ServerName. Default: `localhost`. */
  serverName?: string;
  /** Proxies trusted for X-Forwarded-For. Default: none (client_ip = the TCP peer). */
  trustedProxies?: string[];
  /** Extra request headers to log. Default: none. */
  extraHeaders?: string[];
  /** PEM certificate and key for mod_ssl. Default: a self-signed pair made at first start. */
  tls?: { certificatePem: pulumi.Input<string>; privateKeyPem: pulumi.Input<string> };
  /** The config's sentinel.metrics_port, probed by its health check. Default: 9101. */
  sentinelMetricsPort?: number;
  /** Limits for httpd and for the sentinel. Default: none. */
  limits?: Limits;
  sentinelLimits?: Limits;
  /** Appliance version. Required. */
  version: string;
}

/**
 * The web server and its sentinel: httpd with mod_remoteip, mod_ssl and mod_reqin_log, and the
 * sentinel in a second container that shares httpd's network namespace, so it captures the very
 * connections httpd serves (same interface, same conn_ip/conn_port) with only CAP_NET_RAW.
 */
export class ApacheHost extends pulumi.ComponentResource {
  public readonly httpd: docker.Container;
  public readonly sentinel: docker.Container;
  public readonly httpsUrl: pulumi.Output<string>;

  constructor(name: string, args: ApacheHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ja4:index:ApacheHost', name, args, opts);
    const site = {
      serverName: args.serverName ?? 'localhost',
      trustedProxies: args.trustedProxies ?? [],
      extraHeaders: args.extraHeaders ?? [],
      version: args.version,
    };
    const unsafe = unsafeSiteValue(site);
    if (unsafe) throw new pulumi.ResourceError(`ApacheHost ${name}: unsafe ${unsafe}`, this);
    const httpsPort = args.httpsPort ?? 8443;
    this.httpd = this.createHttpd(name, args, httpdUploads(site, args.tls));
    this.sentinel = this.createSentinel(name, args);
    this.httpsUrl = pulumi.output(`https://${site.serverName}:${httpsPort}`);
    this.registerOutputs({ httpsUrl: this.httpsUrl });
  }

  private createHttpd(
    name: string,
    args: ApacheHostArgs,
    uploads: docker.types.input.ContainerUpload[],
  ): docker.Container {
    const bindAddress = args.bindAddress ?? '0.0.0.0';
    return new docker.Container(
      `${name}-httpd`,
      {
        name: `${name}-httpd`,
        image: args.httpdImage,
        // The image runs as www-data; the appliance group lets it connect to http.socket (0660).
        groupAdds: [String(APP_GID)],
        uploads,
        mounts: [{ type: 'volume', source: args.socketsVolume, target: SOCKET_DIR }],
        ports: [
          { internal: HTTPD_HTTP_PORT, external: args.httpPort ?? 8080, ip: bindAddress },
          { internal: HTTPD_HTTPS_PORT, external: args.httpsPort ?? 8443, ip: bindAddress },
        ],
        healthcheck: {
          tests: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${HTTPD_HTTP_PORT}`],
          interval: '15s',
          timeout: '3s',
          retries: 4,
          startPeriod: '10s',
        },
        wait: true,
        waitTimeout: SERVICE_WAIT_SECONDS,
        // Ports above 1024 and a non-root user: httpd needs no capability at all.
        capabilities: { drops: ['ALL'] },
        securityOpts: ['no-new-privileges:true'],
        restart: 'unless-stopped',
        labels: labels({ 'ja4.component': 'httpd', 'ja4.version': args.version }),
        ...limitArgs(args.limits),
        ...LOG_OPTIONS,
      },
      { parent: this, dependsOn: args.dependsOn, additionalSecretOutputs: ['uploads'] },
    );
  }

  private createSentinel(name: string, args: ApacheHostArgs): docker.Container {
    return new docker.Container(
      `${name}-sentinel`,
      {
        name: `${name}-sentinel`,
        image: args.applianceImage,
        command: ['ja4', 'sentinel'],
        // Docker grants added capabilities to uid 0 only (no ambient capabilities for other
        // users), so the sentinel runs as root with every capability dropped but NET_RAW, and
        // the appliance group for network.socket.
        user: `0:${APP_GID}`,
        capabilities: { drops: ['ALL'], adds: ['NET_RAW'] },
        securityOpts: ['no-new-privileges:true'],
        init: true,
        networkMode: pulumi.interpolate`container:${this.httpd.id}`,
        // No secrets: the sentinel talks to no database, so it never sees the password.
        uploads: [configUpload(args.configYaml)],
        mounts: [{ type: 'volume', source: args.socketsVolume, target: SOCKET_DIR }],
        healthcheck: nodeHttpHealthcheck(`http://127.0.0.1:${args.sentinelMetricsPort ?? 9101}/metrics`),
        wait: true,
        waitTimeout: SERVICE_WAIT_SECONDS,
        restart: 'unless-stopped',
        labels: labels({ 'ja4.component': 'sentinel', 'ja4.version': args.version }),
        ...limitArgs(args.sentinelLimits),
        ...LOG_OPTIONS,
      },
      { parent: this, dependsOn: [this.httpd] },
    );
  }
}

/** The site config, and the TLS pair when given (else httpd makes a self-signed one at first start). */
function httpdUploads(
  site: Parameters<typeof renderHttpdSite>[0],
  tls: ApacheHostArgs['tls'],
): docker.types.input.ContainerUpload[] {
  const uploads: docker.types.input.ContainerUpload[] = [
    { file: HTTPD_SITE_PATH, content: renderHttpdSite(site), permissions: '0444' },
  ];
  if (tls) {
    uploads.push({ file: HTTPD_CERT_PATH, content: tls.certificatePem, permissions: '0444' });
    // Readable by www-data (uid/gid 33 in the Debian-based httpd image) and nobody else.
    uploads.push({
      file: HTTPD_KEY_PATH,
      content: pulumi.secret(tls.privateKeyPem),
      owner: '33',
      group: '33',
      permissions: '0400',
    });
  }
  return uploads;
}
