#!/usr/bin/env -S npx tsx
/**
 * The capture side of bench:sentinel's replay stage, run inside the bench's network namespace
 * (`ip netns exec`): the sentinel's own live capture and pipeline (startSentinel) on one end of
 * the veth pair, with the filter and ring to compare, sending events to the bench's collector
 * socket. Each line "stats" on stdin is answered with one JSON line on stdout: frames handed to
 * the pipeline, ClientHellos, libpcap's pcap_stats, the ring, and this process's CPU time.
 *
 *   replay-capture.ts <iface> <port> <wide|fingerprint> <block_ms> <buffer_mb> <socket>
 */
import { createInterface } from 'node:readline';
import pino from 'pino';
import { sentinelSection } from '../../appliance/common/config/sections/sentinel.js';
import { buildFilter, buildWideFilter, startSentinel } from '../../appliance/sentinel/index.js';
import { isEntryPoint, runMain } from './cli.js';

export interface CaptureStats {
  packets: number;
  hellos: number;
  pcap: { received: number; dropped: number; ifdropped: number } | null;
  ring: string;
  /** User + system CPU time of this process, µs. */
  cpu_us: number;
}

async function main(): Promise<void> {
  const [iface, port, mode, blockMs, bufferMb, socket] = process.argv.slice(2);
  const ports = [Number(port)];
  const sentinel = sentinelSection.parse({
    iface,
    ports,
    filter: mode === 'wide' ? buildWideFilter(ports) : buildFilter(ports),
    block_ms: Number(blockMs),
    buffer_mb: Number(bufferMb),
    metrics_port: 0,
    max_queue: 1_000_000,
  });
  const h = await startSentinel({ sentinel, socket, log: pino({ level: 'warn' }) });
  const lines = createInterface({ input: process.stdin });
  const stats = (): CaptureStats => {
    const cpu = process.cpuUsage();
    return {
      packets: h.pipeline.stats.packets,
      hellos: h.pipeline.stats.clientHellos,
      pcap: h.pcap ? { ...h.pcap } : null,
      ring: h.ring,
      cpu_us: cpu.user + cpu.system,
    };
  };
  process.stdout.write(`${JSON.stringify(stats())}\n`); // ready
  for await (const line of lines) {
    if (line.trim() === 'stats') process.stdout.write(`${JSON.stringify(stats())}\n`);
  }
  await h.close();
}

if (isEntryPoint(import.meta.url)) runMain('replay-capture', main);
