import { describe, expect, it } from 'vitest';
import {
  parseUserAgent,
  tcpStack,
  tlsFamily,
  uaTcpMismatch,
  uaTlsMismatch,
} from '../../../../appliance/detector/coherence.js';

const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36';
const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15';
const CHROME_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/118.0 Mobile/15E148 Safari/604.1';

describe('parseUserAgent', () => {
  it.each([
    [CHROME_WIN, 'chromium', 'windows'],
    [SAFARI_MAC, 'safari', 'mac'],
    [CHROME_IOS, 'safari', 'ios'], // WebKit's TLS on iOS, whatever the brand
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0', 'firefox', 'linux'],
    ['python-requests/2.31.0', 'tool', 'unknown'],
    ['Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)', 'tool', 'unknown'],
    ['', 'none', 'unknown'],
  ])('%s → %s on %s', (ua, client, os) => {
    expect(parseUserAgent(ua)).toEqual({ client, os });
  });
});

describe('tlsFamily', () => {
  it.each([
    ['t13d1516h2_8daaf6152771_e5627efa2ab1', 'chromium'],
    ['t13d1715h2_5b57614c22b0_3d5424432f57', 'firefox'],
    ['t13d2613h2_2802a3db6c62_845d286b0d67', 'safari'],
    ['t13d190900_9dc949149365_97f8aa674fd9', 'tool'], // Go: known hash
    ['t13i3011h1_38cb077f4686_61eda2b2c5bc', 'tool'], // unknown hash, but SNI to an IP and ALPN http/1.1
    ['t13d1516h2_000000000000_000000000000', 'unknown'],
    ['', 'unknown'],
  ])('%s → %s', (ja4, family) => {
    expect(tlsFamily(ja4)).toBe(family);
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

describe('mismatch features', () => {
  it('a coherent Windows Chrome is 0 on both', () => {
    const claim = parseUserAgent(CHROME_WIN);
    expect(uaTlsMismatch(claim, tlsFamily('t13d1516h2_8daaf6152771_e5627efa2ab1'))).toBe(0);
    expect(uaTcpMismatch(claim, tcpStack(116, 64240, '2-1-3-1-1-4'))).toBe(0);
  });

  it('a Chrome UA over Go TLS from a Linux SYN is 1 on both', () => {
    const claim = parseUserAgent(CHROME_WIN);
    expect(uaTlsMismatch(claim, tlsFamily('t13d190900_9dc949149365_97f8aa674fd9'))).toBe(1);
    expect(uaTcpMismatch(claim, tcpStack(52, 64240, '2-4-8-1-3'))).toBe(1);
  });

  it('a Mac UA from a Linux stack contradicts; an honest tool has nothing to contradict', () => {
    expect(uaTcpMismatch(parseUserAgent(SAFARI_MAC), tcpStack(50, 64240, '2-4-8-1-3'))).toBe(1);
    const curl = parseUserAgent('curl/7.88.1');
    expect(uaTlsMismatch(curl, tlsFamily('t13d3112h2_e8f1e7e78f70_b26ce05bbdd6'))).toBe(0);
    expect(uaTcpMismatch(curl, tcpStack(52, 64240, '2-4-8-1-3'))).toBe(0);
  });

  it('0.5 when it cannot be checked', () => {
    expect(uaTlsMismatch(parseUserAgent(CHROME_WIN), 'unknown')).toBe(0.5);
    expect(uaTcpMismatch(parseUserAgent(CHROME_WIN), 'unknown')).toBe(0.5);
  });
});
