import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { CaptureStartError } from '../errors.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_NULL, LINKTYPE_RAW } from '../packet-decoder.js';
import type { RawPcapStats } from './pcap-stats.js';

interface CapInstance {
  /** blockMs (patches/cap+*+002+tpacket-v3.patch): no immediate mode, a TPACKET_V3 ring; ignored unpatched. */
  open(device: string, filter: string, bufSize: number, buffer: Buffer, blockMs?: number): string;
  close(): void;
  /** With the patched binding the header's ts.tv_sec and ts.tv_usec follow; without, absent. */
  on(
    event: 'packet',
    fn: (nbytes: number, truncated: boolean, tsSec?: number, tsUsec?: number) => void,
  ): void;
  setMinBytes?: (n: number) => void;
  /** pcap_stats() for the open handle; only in the patched binding (throws with pcap_geterr). */
  stats?: () => RawPcapStats;
  /** The PF_PACKET ring's version (1 TPACKET_V2, 2 TPACKET_V3, -1 none); only in the patched binding. */
  packetVersion?: () => number;
}
interface CapModule {
  Cap: new () => CapInstance;
}

export const CAP_INSTALL_HINT =
  'install the libpcap headers (Debian/Ubuntu: apt-get install libpcap-dev; RHEL: dnf install libpcap-devel), ' +
  'then run `npm rebuild cap` (cap is an optional dependency)';

export const CAP_PRIVILEGE_HINT =
  'capturing needs CAP_NET_RAW: grant it with `setcap cap_net_raw,cap_net_admin=eip "$(readlink -f "$(command -v node)")"`, ' +
  'or AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN in the systemd unit, or --cap-add NET_RAW for the container';

/** Loads the optional `cap` binding, or explains which system package is missing. */
export function loadCap(): CapModule {
  try {
    return createRequire(import.meta.url)('cap') as CapModule;
  } catch (err) {
    throw new CaptureStartError(
      `ja4 sentinel cannot load the npm package cap (${(err as Error).message.split('\n')[0]}): ${CAP_INSTALL_HINT}`,
    );
  }
}

// cap reports the link type by name (src/binding.cc); map back to LINKTYPE_* numbers.
const LINK_BY_NAME: Record<string, number> = {
  ETHERNET: LINKTYPE_ETHERNET,
  NULL: LINKTYPE_NULL,
  LINKTYPE_LINUX_SLL: LINKTYPE_LINUX_SLL,
  RAW: LINKTYPE_RAW,
};

export interface LiveCapture {
  linkType: number;
  /** libpcap's pcap_stats(), or null when the cap binding is not the patched one. */
  stats: (() => RawPcapStats) | null;
  /** The ring libpcap opened: 'TPACKET_V3', 'TPACKET_V2', … or 'unknown' (binding unpatched, not Linux). */
  ring: string;
  close(): void;
}

/** µs since the epoch from the monotonic clock: the fallback when cap gives no capture timestamp. */
export const clockUs = () => Math.floor((performance.timeOrigin + performance.now()) * 1000);

/**
 * Opens `iface` with a BPF `filter`; every frame goes to `onFrame` synchronously from libpcap's
 * dispatch loop (the frame Buffer is reused: copy what you keep). cap sets a 65535-byte snaplen.
 * `tsUs` is libpcap's capture timestamp (pcap_pkthdr.ts, µs precision) when the binding is
 * patched, else the clock when cap hands the frame over. `blockMs` > 0 opens a TPACKET_V3 ring
 * (packets handed over a block at a time, at most that many ms late); 0, immediate mode.
 */
export function openLiveCapture(
  iface: string,
  filter: string,
  bufferBytes: number,
  snaplen: number,
  onFrame: (linkType: number, frame: Buffer, tsUs: number) => void,
  blockMs = 0,
): LiveCapture {
  const { Cap } = loadCap();
  const cap = new Cap();
  const buffer = Buffer.alloc(Math.max(snaplen, 65_535));
  let name: string;
  try {
    name =
      blockMs > 0
        ? cap.open(iface, filter, bufferBytes, buffer, blockMs)
        : cap.open(iface, filter, bufferBytes, buffer);
  } catch (err) {
    const msg = (err as Error).message;
    if (/permi|not permitted|EPERM|EACCES/i.test(msg)) {
      throw new CaptureStartError(`cannot capture on ${iface}: ${msg}; ${CAP_PRIVILEGE_HINT}`, 77);
    }
    throw new CaptureStartError(`cannot capture on ${iface} with filter "${filter}": ${msg}`);
  }
  const linkType = LINK_BY_NAME[name];
  if (linkType === undefined) {
    cap.close();
    throw new CaptureStartError(`capture on ${iface}: link type ${name} is not supported`);
  }
  cap.setMinBytes?.(0);
  cap.on('packet', (nbytes, _truncated, tsSec, tsUsec) =>
    onFrame(
      linkType,
      buffer.subarray(0, nbytes),
      tsSec === undefined || tsUsec === undefined ? clockUs() : tsSec * 1_000_000 + tsUsec,
    ),
  );
  const stats = typeof cap.stats === 'function' ? () => cap.stats!() : null;
  const version = typeof cap.packetVersion === 'function' ? cap.packetVersion() : -1;
  return { linkType, stats, ring: RING_NAMES[version] ?? 'unknown', close: () => cap.close() };
}

/** getsockopt(PACKET_VERSION) values (linux/if_packet.h). */
const RING_NAMES: Record<number, string> = { 0: 'TPACKET_V1', 1: 'TPACKET_V2', 2: 'TPACKET_V3' };

/** After the device is open, a root process switches to `user` (uid and primary gid from /etc/passwd). */
export function dropPrivileges(user: string): string | null {
  if (user === '' || typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new CaptureStartError(`sentinel.user = "${user}" is not a user on this system`, 2);
  const [, , uid, gid] = line.split(':');
  process.setgroups?.([Number(gid)]);
  process.setgid?.(Number(gid));
  process.setuid?.(Number(uid));
  return user;
}
