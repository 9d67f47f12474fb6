import { z } from 'zod';

/** Where ClickHouse is and how to reach it. See DESIGN.md, "one client API, two transports". */
export const clickhouseSection = z
  .object({
    /** http(s)://host:port for a server, or embedded:<dir> for the in-process chDB engine. */
    url: z
      .string()
      .refine((v) => /^(https?:\/\/.+|embedded:.+)$/.test(v), {
        message: 'a URL http://host:8123, https://host:8443 or embedded:<directory>',
      })
      .default('embedded:./var/clickhouse'),
    username: z.string().default('default'),
    /** Secret: masked by `ja4 config print`. */
    password: z.string().default(''),
    /** Cluster name for ON CLUSTER and Replicated/Distributed engines; empty = single node. */
    cluster: z
      .string()
      .regex(/^[A-Za-z0-9_]*$/, { message: 'a cluster name of letters, digits and _' })
      .default(''),
    request_timeout_ms: z.number().int().min(1000).max(3_600_000).default(60_000),
  })
  .strict()
  .prefault({});
