import { readFileSync } from 'node:fs';

/** CAP_NET_RAW is bit 13 of the capability sets (linux/capability.h). */
const CAP_NET_RAW = 13n;

/**
 * Whether this process may open a capture device: root, or CAP_NET_RAW in its effective set.
 * Read from /proc/self/status, so no libpcap call is needed to find out.
 */
export function canCapture(status = readProcStatus()): boolean {
  if (process.getuid?.() === 0) return true;
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  return m ? (BigInt(`0x${m[1]}`) & (1n << CAP_NET_RAW)) !== 0n : false;
}

function readProcStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
}

/** The one command that lets `ja4 up` capture without root (or run it as root). */
export const HOW_TO_CAPTURE =
  'needs CAP_NET_RAW: sudo setcap cap_net_raw+eip "$(readlink -f "$(command -v node)")"';
