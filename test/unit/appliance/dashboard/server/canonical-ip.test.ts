import { describe, expect, it } from 'vitest';
import { canonicalCidr, canonicalIp } from '../../../../../appliance/dashboard/server/canonical-ip.js';

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:DB8::A', '2001:db8::a'],
    ['2001:db8:0:0:0:0:0:2', '2001:db8::2'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8::1.2.3.4', '2001:db8::102:304'],
  ])('writes %s as %s', (input, out) => {
    expect(canonicalIp(input)).toBe(out);
  });

  it.each([
    'fe80::1%eth0',
    'fe80::1%25eth0',
    '0x7f.1',
    '127.1',
    '0177.0.0.1',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.4/32',
    ' 1.2.3.4',
    '1.2.3.4\n',
    '::ffff:0177.0.0.1',
    '::ffff:127.1',
    '1.2.3.4; rm -rf /',
    '',
    'x'.repeat(100),
  ])('refuses %j', (input) => {
    expect(canonicalIp(input)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(canonicalIp(undefined)).toBeUndefined();
    expect(canonicalIp(16909060)).toBeUndefined();
  });
});

describe('canonicalCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['10.1.2.3/8', undefined],
    ['10.0.0.0/33', undefined],
    ['127.1/8', undefined],
    ['10.0.0.0', undefined],
  ])('%s → %s', (input, expected) => {
    expect(canonicalCidr(input)).toBe(expected);
  });
});
