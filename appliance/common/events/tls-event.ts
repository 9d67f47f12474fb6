import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** The client's TCP SYN as the sentinel saw it (absent when the SYN was not captured). */
export const synSchema = z
  .object({
    window: z.number().int().min(0).max(65535),
    mss: z.number().int().min(0).max(65535).nullable(),
    wscale: z.number().int().min(0).max(255).nullable(),
    /** IPv4 TTL or IPv6 hop limit. */
    ttl: z.number().int().min(0).max(255),
    /** TCP option kinds in wire order, '-' separated (e.g. "2-4-8-1-3"). */
    options: z.string(),
    sack: z.boolean(),
    timestamps: z.boolean(),
  })
  .strict();

/**
 * One TLS (or QUIC) ClientHello as the sentinel writes it, one JSON line on network.socket.
 * src = the client, dst = the server, as seen on the wire.
 */
export const tlsEventSchema = z
  .object({
    type: z.literal('tls'),
    /** Capture time, microseconds since the Unix epoch. */
    ts_us: z.number().int().min(0),
    src_ip: z.string().min(1),
    src_port: port,
    dst_ip: z.string().min(1),
    dst_port: port,
    transport: z.enum(['tcp', 'quic', 'dtls']),
    ja4: z.string(),
    ja4_r: z.string(),
    ja4_o: z.string(),
    ja4_ro: z.string(),
    /** JA3 MD5 and the JA3 string before hashing. */
    ja3: z.string(),
    ja3_full: z.string(),
    sni: z.string().nullable(),
    alpn: z.array(z.string()),
    /** Highest version offered: "1.3", "1.2", … (supported_versions when present). */
    tls_version: z.string(),
    /** Client address from a PROXY protocol header in front of the ClientHello, when there was one. */
    proxy_client_ip: z.string().nullable(),
    proxy_client_port: port.nullable(),
    syn: synSchema.nullable(),
    /**
     * Capture time of the client's SYN, µs since the Unix epoch; null when the SYN was not
     * captured, absent from older producers. `ts_us` is the ClientHello's time.
     */
    syn_ts_us: z.number().int().min(0).nullable().optional(),
    /** The SYN's sequence number: the client's initial sequence number (see conn_isn). */
    syn_seq: z.number().int().min(0).max(0xffff_ffff).nullable().optional(),
  })
  .strict();

export type TlsEvent = z.infer<typeof tlsEventSchema>;
export type SynInfo = z.infer<typeof synSchema>;
