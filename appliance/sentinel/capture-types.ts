/** Receives one captured frame: its link type (LINKTYPE_* value), bytes, and time in µs since the epoch. */
export type PacketSink = (linkType: number, data: Buffer, tsUs: number) => void;

/** A damaged stretch of a capture file: where it starts and what was wrong. */
export interface CaptureDamage {
  offset: number;
  reason: string;
}

export interface WalkSummary {
  format: 'pcap' | 'pcapng';
  packets: number;
  /** Damaged records or blocks; the walker skipped past each one and carried on when it could. */
  damage: CaptureDamage[];
}

/** Largest frame we accept from a record header (libpcap's MAXIMUM_SNAPLEN). */
export const MAX_FRAME = 262_144;
