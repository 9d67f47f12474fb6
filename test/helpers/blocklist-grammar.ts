import { isIPv4, isIPv6 } from 'node:net';
import { expect } from 'vitest';
import { canonicalIp } from '../../appliance/dashboard/server/canonical-ip.js';

/**
 * The grammars of the tools that consume blocklists, as they parse addresses. nginx's `deny`
 * (ngx_http_access_module) takes `address | CIDR | unix: | all`, addresses through ngx_inet_addr
 * (four decimal octets) or ngx_inet6_addr (hex groups, `::`, an optional dotted IPv4 tail; no
 * zone). ipset's `add SETNAME ENTRY [-exist]` takes, for hash:ip, an address of the set's family.
 * On top of that every address written must already be canonical (canonicalIp is the identity on it).
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:]{2,39}$/;

function address(a: string, family: 4 | 6 | 'any'): void {
  const v4 = IPV4.test(a) && isIPv4(a);
  const v6 = IPV6.test(a) && isIPv6(a);
  expect(family === 4 ? v4 : family === 6 ? v6 : v4 || v6, `address ${JSON.stringify(a)}`).toBe(true);
  expect(canonicalIp(a), `canonical ${JSON.stringify(a)}`).toBe(a);
}

/** Checks an nginx include of `deny` lines; returns the addresses. */
export function nginxAddresses(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^deny ([^;\s]+);$/.exec(line);
    expect(m, `nginx line ${JSON.stringify(line)}`).not.toBeNull();
    address(m![1], 'any');
    out.push(m![1]);
  }
  return out;
}

/** Checks an `ipset restore` file of ja4_block (inet) and ja4_block6 (inet6); returns the addresses. */
export function ipsetAddresses(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('create ja4_block')) continue;
    const m = /^add (ja4_block6?) (\S+) -exist$/.exec(line);
    expect(m, `ipset line ${JSON.stringify(line)}`).not.toBeNull();
    address(m![2], m![1] === 'ja4_block' ? 4 : 6);
    out.push(m![2]);
  }
  return out;
}

/** Checks a plain list, one address a line; returns the addresses. */
export function plainAddresses(text: string): string[] {
  const lines = text.split('\n').filter((l) => l !== '');
  for (const l of lines) address(l, 'any');
  return lines;
}
