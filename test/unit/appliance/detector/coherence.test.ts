import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DICTIONARY_SPECS,
  defaultDictionariesDir,
  parseDictionaryCsv,
} from '../../../../appliance/common/migrate/index.js';
import {
  declaredAutomation,
  tcpStack,
  uaTcpMismatch,
  uaTlsMismatch,
} from '../../../../appliance/detector/coherence.js';
import {
  type FamilyEntry,
  type FamilyTable,
  tlsIdentity,
} from '../../../../appliance/detector/tls-family.js';
import { declaredBot, parseUserAgent } from '../../../../appliance/detector/user-agent.js';

const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36';
const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15';
const CHROME_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/118.0 Mobile/15E148 Safari/604.1';

/** The shipped ja4_family.csv, as the cycle reads it from ClickHouse. */
const spec = DICTIONARY_SPECS.find((s) => s.file === 'ja4_family.csv')!;
const FAMILIES: FamilyTable = new Map(
  parseDictionaryCsv(spec, readFileSync(join(defaultDictionariesDir(), 'ja4_family.csv'), 'utf8')).map(
    (r) => [
      String(r.key),
      { family: r.family, application: r.application, library: r.library } as FamilyEntry,
    ],
  ),
);
const family = (ja4: string) => tlsIdentity(ja4, FAMILIES).family;

describe('parseUserAgent', () => {
  it.each([
    [CHROME_WIN, 'chromium', 'windows'],
    [SAFARI_MAC, 'safari', 'mac'],
    [CHROME_IOS, 'safari', 'ios'], // WebKit's TLS on iOS, whatever the brand
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0', 'firefox', 'linux'],
    ['python-requests/2.31.0', 'tool', 'unknown'],
    ['Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)', 'tool', 'unknown'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'crawler', 'unknown'],
    ['Lynx/2.9.0dev.12 libwww-FM/2.14 SSL-MM/1.4.1 GNUTLS/3.7.9', 'other', 'unknown'],
    ['', 'none', 'unknown'],
  ])('%s → %s on %s', (ua, client, os) => {
    expect(parseUserAgent(ua)).toMatchObject({ client, os });
  });

  it('names declared automation from the maintained lists (isbot, crawler-user-agents)', () => {
    expect(declaredBot('curl/7.88.1')).toMatchObject({ kind: 'tool', name: 'curl/7.88.1' });
    expect(declaredBot('Wget/1.21.3')).toMatchObject({ kind: 'tool' });
    expect(declaredBot('sqlmap/1.7.2#stable (https://sqlmap.org)')).toMatchObject({
      kind: 'tool',
      url: 'https://sqlmap.org',
    });
    expect(
      declaredBot('Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'),
    ).toMatchObject({
      kind: 'crawler',
    });
    expect(declaredBot(CHROME_WIN)).toBeUndefined();
  });
});

describe('tlsIdentity', () => {
  it.each([
    ['t13d1516h2_8daaf6152771_e5627efa2ab1', 'chromium'],
    ['t13d1715h2_5b57614c22b0_3d5424432f57', 'firefox'],
    ['t13d2613h2_2802a3db6c62_845d286b0d67', 'safari'],
    ['t13d190900_9dc949149365_97f8aa674fd9', 'tool'], // Go: a FoxIO mapping row
    ['t13d3112h2_e8f1e7e78f70_b26ce05bbdd6', 'tool'], // curl: its cipher hash
    ['t13i3011h1_38cb077f4686_61eda2b2c5bc', 'tool'], // unknown hash, but SNI to an IP and ALPN http/1.1
    ['t13d1516h2_000000000000_000000000000', 'unknown'],
    ['', 'none'],
  ])('%s → %s', (ja4, expected) => {
    expect(family(ja4)).toBe(expected);
  });

  it('says how it knows', () => {
    expect(tlsIdentity('t13d1516h2_8daaf6152771_02713d6af862', FAMILIES).by).toBe('ja4');
    expect(tlsIdentity('t13d1516h2_8daaf6152771_e5627efa2ab1', FAMILIES).by).toBe('cipher_hash');
    expect(tlsIdentity('t12i3011h1_38cb077f4686_61eda2b2c5bc', FAMILIES).by).toBe('shape');
  });
});

describe('tcpStack', () => {
  it('reads the OS from the option layout, then the TTL', () => {
    expect(tcpStack(117, 64240, '2-1-3-1-1-4')).toBe('windows');
    expect(tcpStack(52, 64240, '2-4-8-1-3')).toBe('linux');
    expect(tcpStack(50, 65535, '2-1-3-1-1-8-4-0-0')).toBe('apple');
    expect(tcpStack(55, 1024, '2')).toBe('scanner');
    expect(tcpStack(120, 8192, '2-1-1-4')).toBe('windows'); // unknown layout, TTL from 128
    expect(tcpStack(null, null, '')).toBe('unknown');
  });
});

describe('coherence features', () => {
  it('a coherent Windows Chrome is 0 on all three', () => {
    const claim = parseUserAgent(CHROME_WIN);
    expect(uaTlsMismatch(claim, family('t13d1516h2_8daaf6152771_e5627efa2ab1'))).toBe(0);
    expect(uaTcpMismatch(claim, tcpStack(116, 64240, '2-1-3-1-1-4'))).toBe(0);
    expect(declaredAutomation(claim)).toBe(0);
  });

  it('a Chrome UA over Go TLS from a Linux SYN is 1 on both', () => {
    const claim = parseUserAgent(CHROME_WIN);
    expect(uaTlsMismatch(claim, family('t13d190900_9dc949149365_97f8aa674fd9'))).toBe(1);
    expect(uaTcpMismatch(claim, tcpStack(52, 64240, '2-4-8-1-3'))).toBe(1);
  });

  it('an honest curl is declared automation, not coherence', () => {
    const curl = parseUserAgent('curl/7.88.1');
    expect(declaredAutomation(curl)).toBe(1);
    expect(uaTlsMismatch(curl, family('t13d3112h2_e8f1e7e78f70_b26ce05bbdd6'))).toBe(0);
  });

  it('0.5 when it cannot be checked; no TLS: the feature does not apply', () => {
    expect(uaTlsMismatch(parseUserAgent(CHROME_WIN), 'unknown')).toBe(0.5);
    expect(uaTcpMismatch(parseUserAgent(CHROME_WIN), 'unknown')).toBe(0.5);
    expect(uaTlsMismatch(parseUserAgent(CHROME_WIN), 'none')).toBeNaN();
  });
});
