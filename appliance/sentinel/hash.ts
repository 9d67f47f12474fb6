const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push(i.toString(16).padStart(2, '0'));

/** A 16-bit value as 4 lower-case hex digits. */
export function hex4(v: number): string {
  return HEX2[v >> 8] + HEX2[v & 0xff];
}

export function hex2(v: number): string {
  return HEX2[v & 0xff];
}
