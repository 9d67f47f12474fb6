import { z } from 'zod';

/**
 * The `ja4-platform:deployment` stack key: how the appliance is laid out on one Docker host
 * (ports, images, resources, replica counts). What the services do lives in the separate
 * `ja4-platform:appliance` key, validated by the appliance's own configSchema.
 * Read only by the program entry (components/index.ts); components get the parsed, typed value.
 */

/** ClickHouse 25.8 is the LTS line; pinned to an exact patch release (see docker/README.md on digests). */
export const DEFAULT_CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:25.8.33.6';

const port = z.number().int().min(1).max(65535);
const portOrOff = z.number().int().min(0).max(65535);

/** Limits given to one container; both optional (no limit). */
const limits = z
  .object({
    /** Hard memory limit in MiB. */
    memory_mb: z.number().int().min(64).max(1_048_576).optional(),
    /** CPUs as a decimal, e.g. 1.5. */
    cpus: z.number().min(0.1).max(256).optional(),
  })
  .strict()
  .prefault({});

const cidr = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, { message: 'an IPv4 or IPv6 address or CIDR' });

export const deploymentSchema = z
  .object({
    /** Prefix of every Docker object (containers, volumes, network): ja4-dev, ja4-prod. */
    name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, { message: 'lower-case letters, digits and -' }),
    /**
     * `server`: a ClickHouse server container and one container per service. `embedded`: one
     * box, the whole appliance in one `ja4 up` container on the embedded engine (chDB) with its
     * data in a volume, next to Apache and the sentinel; no ClickHouse server, no password.
     */
    engine: z.enum(['server', 'embedded']).default('server'),
    /** Registry to push the appliance images to (host/namespace); empty = build locally, no push. */
    registry: z.string().default(''),
    /** Platform to build for, e.g. linux/amd64; empty = the engine's own. */
    platform: z.string().default(''),
    /**
     * Base images of the two Dockerfiles (build args NODE_IMAGE, HTTPD_IMAGE); empty = the exact
     * tags pinned in docker/*.Dockerfile. Set `name:tag@sha256:…` to pin by digest.
     */
    base_images: z
      .object({ node: z.string().default(''), httpd: z.string().default('') })
      .strict()
      .prefault({}),
    clickhouse: z
      .object({
        /** Image reference; pin `name:tag@sha256:…` once the digest is known. */
        image: z.string().min(1).default(DEFAULT_CLICKHOUSE_IMAGE),
        /** Host port to publish ClickHouse's HTTP interface on (bound to bind_address); 0 = not published. */
        publish_port: portOrOff.default(0),
        bind_address: z.string().default('127.0.0.1'),
        /** Seconds to wait for the health check before giving up on the deployment. */
        wait_timeout_s: z.number().int().min(10).max(3600).default(180),
        limits,
      })
      .strict()
      .prefault({}),
    apache: z
      .object({
        /** Host ports published for plain HTTP and for TLS. */
        http_port: port.default(8080),
        https_port: port.default(8443),
        bind_address: z.string().default('0.0.0.0'),
        server_name: z.string().min(1).default('localhost'),
        /** Proxies whose X-Forwarded-For mod_remoteip trusts (RemoteIPTrustedProxy). */
        trusted_proxies: z.array(cidr).default([]),
        /** Extra request headers mod_reqin_log records (ReqinLogHeader), e.g. X-Request-Id. */
        extra_headers: z.array(z.string().regex(/^[A-Za-z0-9-]{1,64}$/)).default([]),
        limits,
        sentinel_limits: limits,
      })
      .strict()
      .prefault({}),
    dashboard: z
      .object({
        /** First host port; replica i is published on port + i. */
        port: port.default(8000),
        bind_address: z.string().default('127.0.0.1'),
        replicas: z.number().int().min(1).max(16).default(1),
        /** Scheme and host the operator reaches the dashboard on, for the output URL. */
        public_host: z.string().default('localhost'),
        limits,
      })
      .strict()
      .prefault({}),
    correlator: z.object({ limits }).strict().prefault({}),
    detector: z.object({ limits }).strict().prefault({}),
    /** Host directory of newer reference CSVs to load instead of the ones in the image; empty = image's. */
    dictionaries_dir: z.string().default(''),
  })
  .strict();

export type Deployment = z.infer<typeof deploymentSchema>;
export type Limits = z.infer<typeof limits>;

/** Parses the deployment key; the error names the first bad key, the value and what is allowed. */
export function parseDeployment(raw: unknown): Deployment {
  const result = deploymentSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(`ja4-platform:deployment.${issue.path.join('.')}: ${issue.message}`);
}
