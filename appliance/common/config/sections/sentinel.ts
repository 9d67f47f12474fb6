import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

export const sentinelSection = z
  .object({
    iface: z.string().min(1).default('lo'),
    ports: z.array(port).min(1).default([443]),
    /** A BPF filter; empty = built from `ports` (TCP and UDP for QUIC). */
    filter: z.string().default(''),
    snaplen: z.number().int().min(256).max(262_144).default(65_535),
    buffer_mb: z.number().int().min(1).max(2048).default(64),
    /**
     * Linux: the kernel hands packets over a block of the ring at a time (TPACKET_V3), when the
     * block fills or this many ms after its first packet; 0 = one packet at a time (immediate
     * mode, which libpcap serves with TPACKET_V2's fixed snaplen-sized slots).
     */
    block_ms: z.number().int().min(0).max(1000).default(20),
    metrics_port: z.number().int().min(0).max(65535).default(9101),
    /** Unprivileged user to switch to after the capture device is open (empty = stay). */
    user: z.string().default(''),
    max_flows: z.number().int().min(16).max(10_000_000).default(100_000),
    flow_idle_ms: z.number().int().min(100).max(3_600_000).default(30_000),
    /** Events buffered while the correlator socket is slow or down; past this they are dropped. */
    max_queue: z.number().int().min(1).max(1_000_000).default(10_000),
    /**
     * How long events are held while the correlator socket is down (it starts after the sentinel
     * at boot and restarts on upgrade); 0 = drop at once. Held events older than this are dropped.
     */
    hold_down_ms: z.number().int().min(0).max(300_000).default(30_000),
    /** Bytes one flow may buffer while its ClientHello is incomplete. */
    max_flow_bytes: z.number().int().min(1024).max(1_048_576).default(65_536),
    /** Upper bound of the reconnect backoff to network.socket. */
    reconnect_max_ms: z.number().int().min(100).max(60_000).default(5_000),
    /** Also write every captured frame to this pcap file (empty = off). */
    write: z.string().default(''),
  })
  .strict()
  .prefault({});
