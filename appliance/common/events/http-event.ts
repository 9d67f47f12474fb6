import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const uint = z.number().int().min(0);
/** A TCP sequence number, 32 bits unsigned. */
const seq = z.number().int().min(0).max(0xffff_ffff);
/** Header values are attacker-controlled text; mod_reqin_log caps them (ReqinLogMaxValueLength). */
const text = z.string();

/**
 * One HTTP request as mod_reqin_log writes it at log_transaction, one JSON line on http.socket.
 * Absent headers are empty strings. `truncated` names the fields cut to the length limit.
 */
export const httpEventSchema = z
  .object({
    type: z.literal('http'),
    /** Request start, microseconds since the Unix epoch. */
    ts_us: uint,
    vhost: text,
    host: text,
    method: text,
    path: text,
    query: text,
    protocol: text,
    status: z.number().int().min(0).max(999),
    bytes_sent: uint,
    duration_us: uint,
    /** r->useragent_ip: the client after mod_remoteip's X-Forwarded-For processing. */
    client_ip: z.string().min(1),
    /** The TCP peer as the server saw it: the correlator's join key with conn_port. */
    conn_ip: z.string().min(1),
    conn_port: port,
    local_ip: z.string().min(1),
    local_port: port,
    /** An id of the connection, unique within one server run (pid and connection id). */
    conn_id: z.string().min(1),
    /** 1 for the first request on the connection, 2 for the next keep-alive request, … */
    keepalive_n: z.number().int().min(1),
    /**
     * When the server took the connection (mod_reqin_log's pre_connection hook, just after
     * accept()), µs since the Unix epoch; the same wall clock as the sentinel's capture times.
     * Absent from older producers.
     */
    conn_start_us: uint.optional(),
    /**
     * The client's initial sequence number (the SYN's, RFC 9293 §3.4.1) as the server's kernel
     * saved it (Linux TCP_SAVED_SYN): with the peer's address and port it names one TCP
     * connection. Null when the kernel kept no SYN; absent from older producers.
     */
    conn_isn: seq.nullable().optional(),
    tls: z.boolean(),
    tls_protocol: text,
    tls_cipher: text,
    user_agent: text,
    referer: text,
    accept: text,
    accept_language: text,
    accept_encoding: text,
    content_type: text,
    content_length: text,
    /** Request header names in the order the client sent them. */
    header_names: z.array(text),
    header_count: uint,
    /** Headers named by ReqinLogHeader, by lower-cased name. */
    extra_headers: z.record(z.string(), text),
    truncated: z.array(z.string()),
  })
  .strict();

export type HttpEvent = z.infer<typeof httpEventSchema>;
