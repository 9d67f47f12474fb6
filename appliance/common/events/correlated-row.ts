import { z } from 'zod';
import { httpEventSchema } from './http-event.js';

const nullableInt = (max: number) => z.number().int().min(0).max(max).nullable();

/**
 * One correlated request: the HTTP event with the fingerprints of its connection's handshake.
 * The correlator (and the seeder) write it as one JSON line into ja4_processing.http_logs_raw.raw;
 * mv_http_logs parses it into http_logs. TLS and TCP fields are empty strings / nulls when the
 * request had no matching handshake (plain HTTP, or its handshake was not seen in time).
 */
export const correlatedRowSchema = httpEventSchema
  .omit({ type: true })
  .extend({
    /** True when a TLS event was joined to this request. */
    correlated: z.boolean(),
    /** Capture time of the joined ClientHello, µs since the epoch. */
    tls_ts_us: z.number().int().min(0).nullable(),
    transport: z.enum(['tcp', 'quic', 'dtls', '']),
    ja4: z.string(),
    ja4_r: z.string(),
    ja4_o: z.string(),
    ja4_ro: z.string(),
    /** JA3 MD5, and the JA3 string before hashing (as in FoxIO's and tshark's output). */
    ja3: z.string(),
    ja3_full: z.string(),
    sni: z.string(),
    alpn: z.array(z.string()),
    tls_version: z.string(),
    proxy_client_ip: z.string(),
    /** The client's SYN: window, MSS, window scale, TTL/hop limit, option kinds in order. */
    tcp_window: nullableInt(65535),
    tcp_mss: nullableInt(65535),
    tcp_wscale: nullableInt(255),
    tcp_ttl: nullableInt(255),
    tcp_options: z.string(),
    tcp_sack: z.boolean().nullable(),
    tcp_timestamps: z.boolean().nullable(),
  })
  .strict();

export type CorrelatedRow = z.infer<typeof correlatedRowSchema>;
