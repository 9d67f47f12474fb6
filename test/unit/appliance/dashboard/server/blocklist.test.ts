import { describe, expect, it } from 'vitest';
import { renderBlocklist, toCsv } from '../../../../../appliance/dashboard/server/blocklist.js';
import type { FlaggedIpRow } from '../../../../../appliance/dashboard/server/queries/anomalies.js';
import { ipsetAddresses, nginxAddresses, plainAddresses } from '../../../../helpers/blocklist-grammar.js';

const ips = ['45.155.205.10', '2001:db8::1', '45.155.205.10', 'not-an-ip; rm -rf /', '::ffff:193.32.162.5'];
const ja4s = ['t13d1516h2_8daaf6152771_e5627efa2ab1', 'evil\ninjected'];

describe('renderBlocklist', () => {
  it('writes nginx deny lines for valid, de-duplicated addresses only', () => {
    const out = renderBlocklist('nginx', ips, ja4s, 'test');
    expect(out.split('\n').filter((l) => l.startsWith('deny'))).toEqual([
      'deny 193.32.162.5;',
      'deny 2001:db8::1;',
      'deny 45.155.205.10;',
    ]);
    expect(out).not.toContain('rm -rf');
  });

  it('writes an ipset restore file with separate IPv4 and IPv6 sets', () => {
    const out = renderBlocklist('ipset', ips, ja4s, 'test');
    expect(out).toContain('create ja4_block hash:ip family inet -exist');
    expect(out).toContain('add ja4_block 45.155.205.10 -exist');
    expect(out).toContain('add ja4_block6 2001:db8::1 -exist');
    expect(out).not.toContain('add ja4_block 2001');
  });

  it('lists only well-formed JA4s', () => {
    expect(renderBlocklist('ja4', ips, ja4s, 'h').trim().split('\n')).toEqual([
      '# h',
      't13d1516h2_8daaf6152771_e5627efa2ab1',
    ]);
    const json = JSON.parse(renderBlocklist('json', ips, ja4s, 'h'));
    expect(json.ips).toHaveLength(3);
    expect(json.ja4s).toEqual(['t13d1516h2_8daaf6152771_e5627efa2ab1']);
  });
});

describe("blocklists write only canonical addresses, in each consumer's grammar", () => {
  const odd = [
    '0x7f.1',
    '127.1',
    '0177.0.0.1',
    'fe80::1%eth0',
    '01.02.03.04',
    '1.2.3.4/24',
    '2001:DB8::A',
    '2001:db8:0:0:0:0:0:2',
    '::ffff:10.1.2.3',
    '45.155.205.10',
  ];
  const expected = ['10.1.2.3', '2001:db8::2', '2001:db8::a', '45.155.205.10'];

  it('nginx', () => {
    expect(nginxAddresses(renderBlocklist('nginx', odd, [], 'h')).sort()).toEqual(expected);
  });
  it('ipset', () => {
    expect(ipsetAddresses(renderBlocklist('ipset', odd, [], 'h')).sort()).toEqual(expected);
  });
  it('plain', () => {
    expect(plainAddresses(renderBlocklist('plain', odd, [], 'h')).sort()).toEqual(expected);
  });
  it('json', () => {
    expect(JSON.parse(renderBlocklist('json', odd, [], 'h')).ips.sort()).toEqual(expected);
  });
});

describe('toCsv', () => {
  it('quotes every cell and defuses spreadsheet formulas in attacker-controlled text', () => {
    const row = {
      src_ip: '1.2.3.4',
      score: 0.9,
      reasons: 'many 4xx, "quoted"',
      reasons_json: '',
      requests: 3,
      ja4s: ['a', 'b'],
      hosts: ['x'],
      asn: 1,
      asn_name: 'n',
      asn_label: 'hosting',
      bot_ip_label: '',
      bot_ja4_label: '',
      top_user_agent: '=HYPERLINK("http://evil")',
      first_seen: 'f',
      last_seen: 'l',
      recurrence_days: 2,
      recurrence_hours: 5,
    } satisfies FlaggedIpRow;
    const [header, line] = toCsv([row]).split('\r\n');
    expect(header.split(',')[0]).toBe('src_ip');
    expect(line).toContain('"many 4xx, ""quoted"""');
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(line).toContain('"a b"');
  });
});
