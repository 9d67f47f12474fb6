import { describe, expect, it } from 'vitest';
import { connectionKey, normaliseIp } from '../../../../../appliance/correlator/domain/connection-key.js';

describe('normaliseIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['0:0:0:0:0:ffff:192.0.2.1', '192.0.2.1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseIp(input)).toBe(expected);
  });
});

describe('connectionKey', () => {
  it('leaves the server address out unless asked', () => {
    expect(connectionKey('192.0.2.1', 5, '10.0.0.1', 443, false)).toBe(
      connectionKey('192.0.2.1', 5, '10.9.9.9', 443, false),
    );
    expect(connectionKey('192.0.2.1', 5, '10.0.0.1', 443, true)).not.toBe(
      connectionKey('192.0.2.1', 5, '10.9.9.9', 443, true),
    );
  });
});
