import { describe, expect, it } from 'vitest';
import { classifySearch } from '../../../../../appliance/dashboard/server/search-kind.js';

describe('classifySearch', () => {
  it.each([
    ['91.121.4.5', { kind: 'ip', value: '91.121.4.5' }],
    [' 2001:DB8::1 ', { kind: 'ip', value: '2001:db8::1' }],
    ['::ffff:10.0.0.1', { kind: 'ip', value: '10.0.0.1' }],
    ['185.220.100.0/22', { kind: 'cidr', value: '185.220.100.0/22' }],
    ['t13d1516h2_8daaf6152771_e5627efa2ab1', { kind: 'ja4', value: 't13d1516h2_8daaf6152771_e5627efa2ab1' }],
    ['579CCEF312D18482FC42E2B822CA2430', { kind: 'ja3', value: '579ccef312d18482fc42e2b822ca2430' }],
    ['Shop.Example', { kind: 'host', value: 'shop.example' }],
    ['10.0.0.0/99', { kind: 'host', value: '10.0.0.0/99' }],
  ])('reads %s', (input, expected) => {
    expect(classifySearch(input)).toEqual(expected);
  });
});
