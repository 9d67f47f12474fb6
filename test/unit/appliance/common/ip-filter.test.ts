import { describe, expect, it } from 'vitest';
import { createIpFilter, isValidCidr } from '../../../../appliance/common/ip-filter.js';

describe('createIpFilter', () => {
  it('keeps everything with empty lists', () => {
    const f = createIpFilter({});
    expect(f.keep('10.1.2.3')).toBe(true);
    expect(f.keep('::1')).toBe(true);
  });

  it('drops denied IPv4 and IPv6 ranges and keeps the rest', () => {
    const f = createIpFilter({ deny: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] });
    expect(f.keep('10.255.0.1')).toBe(false);
    expect(f.keep('11.0.0.1')).toBe(true);
    expect(f.keep('2001:db8:1::5')).toBe(false);
    expect(f.keep('2001:db9::5')).toBe(true);
    expect(f.keep('192.0.2.7')).toBe(false);
    expect(f.keep('192.0.2.8')).toBe(true);
  });

  it('treats IPv4-mapped IPv6 as IPv4 (how dual-stack sockets report peers)', () => {
    const f = createIpFilter({ deny: ['127.0.0.0/8'] });
    expect(f.keep('::ffff:127.0.0.1')).toBe(false);
    expect(f.keep('::ffff:8.8.8.8')).toBe(true);
  });

  it('keeps only the allow list when one is set, and deny wins over allow', () => {
    const f = createIpFilter({ allow: ['203.0.113.0/24'], deny: ['203.0.113.9/32'] });
    expect(f.keep('203.0.113.1')).toBe(true);
    expect(f.keep('203.0.113.9')).toBe(false);
    expect(f.keep('198.51.100.1')).toBe(false);
  });

  it('keeps what it cannot parse rather than losing it', () => {
    expect(createIpFilter({ deny: ['0.0.0.0/0'] }).keep('not-an-ip')).toBe(true);
  });

  it('validates CIDRs', () => {
    expect(isValidCidr('10.0.0.0/8')).toBe(true);
    expect(isValidCidr('::/0')).toBe(true);
    expect(isValidCidr('10.0.0.0/33')).toBe(false);
    expect(isValidCidr('banana')).toBe(false);
  });
});
