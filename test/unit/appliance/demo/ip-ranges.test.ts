import { describe, expect, it } from 'vitest';
import {
  addressInRange,
  cidrContains,
  intToIpv4,
  ipv4ToInt,
  isLoopbackAddress,
  parseCidr,
} from '../../../../appliance/demo/ip-ranges.js';

describe('ip ranges', () => {
  it('parses IPv4 CIDRs and single addresses, and refuses the rest', () => {
    expect(parseCidr('90.0.0.0/9')).toEqual({ base: ipv4ToInt('90.0.0.0'), prefix: 9, size: 2 ** 23 });
    expect(parseCidr('185.220.100.241')).toMatchObject({ prefix: 32, size: 1 });
    expect(parseCidr('2a0b:f4c2::/40')).toBeNull();
    expect(parseCidr('300.1.1.1/8')).toBeNull();
    expect(intToIpv4(ipv4ToInt('193.32.162.14') as number)).toBe('193.32.162.14');
  });

  it('gives distinct addresses inside the range for distinct k', () => {
    const cidr = parseCidr('78.41.0.0/16');
    if (!cidr) throw new Error('parse');
    const seen = new Set<string>();
    for (let k = 0; k < 3000; k++) {
      const ip = addressInRange(cidr, k, 1234);
      expect(cidrContains(cidr, ip)).toBe(true);
      expect(ip.endsWith('.0') || ip.endsWith('.255')).toBe(false);
      seen.add(ip);
    }
    expect(seen.size).toBeGreaterThan(2990);
  });

  it('recognises loopback addresses only', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(ip)).toBe(true);
    for (const ip of ['128.0.0.1', '10.0.0.1', '::2', '192.0.2.1', 'fe80::1'])
      expect(isLoopbackAddress(ip)).toBe(false);
  });
});
