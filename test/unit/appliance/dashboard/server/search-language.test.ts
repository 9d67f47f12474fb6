import { describe, expect, it } from 'vitest';
import { classifySearch, parseSearch } from '../../../../../appliance/dashboard/server/search-kind.js';

describe('the search language', () => {
  it.each([
    ['curl', 'ua', 'curl'],
    ['/wp-login.php', 'path', '/wp-login.php'],
    ['AS204428', 'asn', '204428'],
    ['404', 'status', '404'],
    ['t13d1516h2_*', 'ja4', 't13d1516h2_*'],
    ['shop.example', 'host', 'shop.example'],
  ])('reads the bare word %s as %s', (input, kind, value) => {
    expect(classifySearch(input)).toEqual({ kind, value });
  });

  it('reads field:value terms, AND-ed, and says what it understood', () => {
    const { terms, errors } = parseSearch(
      'ua:curl path:/wp-login.php asn:AS204428 ja4:t13d1516h2_* status:4xx',
    );
    expect(errors).toEqual([]);
    expect(terms.map((t) => [t.field, t.value])).toEqual([
      ['ua', 'curl'],
      ['path', '/wp-login.php'],
      ['asn', '204428'],
      ['ja4', 't13d1516h2_*'],
      ['status', '4xx'],
    ]);
    expect(terms[0].words).toBe('user agent containing “curl”');
    expect(terms[3].words).toBe('JA4 starting t13d1516h2_');
  });

  it('keeps quoted values whole and canonicalises addresses and networks', () => {
    const { terms } = parseSearch('ua:"Mozilla/5.0 (X11" ip:::ffff:10.0.0.1 cidr:10.1.2.3/8');
    expect(terms.map((t) => t.value)).toEqual(['Mozilla/5.0 (X11', '10.0.0.1', '10.0.0.0/8']);
  });

  it('names what it could not read, and searches for the rest', () => {
    const { terms, errors } = parseSearch('ip:999.1.1.1 ja3:xyz ua:curl');
    expect(terms.map((t) => t.field)).toEqual(['ua']);
    expect(errors).toEqual(['ip:999.1.1.1 is not an IP address', 'ja3:xyz is not a JA3 (32 hex digits)']);
  });
});
