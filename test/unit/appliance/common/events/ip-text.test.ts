import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../../../../appliance/common/events/ip-text.js';

describe('canonicalIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs (RFC 5952 §4.2.3)
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group is not shortened (§4.2.2)
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::FFFF:c000:0201', '::ffff:192.0.2.1'], // mapped, in mixed notation (§5)
    ['0:0:0:0:0:ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['fe80::1%eth0', 'fe80::1'], // the zone names the host's interface: dropped
  ])('%s → %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
    expect(canonicalIp(text)).toBe(canonical); // remembered answers agree
  });

  it.each([
    '',
    'localhost',
    '0x7f.1',
    '127.1',
    '010.0.0.1', // octal for inet_aton, decimal for others
    '1.2.3.256',
    '1.2.3.4.5',
    '1..2.3',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8', // "::" must stand for at least one group
    '12345::',
    ':1::',
    'fe80::1%',
    'fe80::1%eth0 deny all',
    '::ffff:1.2.3',
    '1.2.3.4::',
    'g::1',
  ])('refuses %j', (text) => {
    expect(canonicalIp(text)).toBeUndefined();
  });
});
