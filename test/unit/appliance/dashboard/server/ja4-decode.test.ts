import { describe, expect, it } from 'vitest';
import { decodeJa4 } from '../../../../../appliance/dashboard/server/ja4-decode.js';

describe('decodeJa4', () => {
  it('decodes each part of a TLS 1.3 TCP fingerprint (FoxIO JA4.md, JA4_a)', () => {
    // A fixture value from the reference captures (latest.pcapng).
    expect(decodeJa4('t13d1516h2_8daaf6152771_e5627efa2ab1')).toEqual({
      ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
      valid: true,
      protocol: 'TLS over TCP',
      tls_version: 'TLS 1.3',
      sni: 'domain name sent',
      cipher_count: 15,
      extension_count: 16,
      alpn: 'h2 (HTTP/2)',
      cipher_hash: '8daaf6152771',
      extension_hash: 'e5627efa2ab1',
    });
  });

  it('reads QUIC, no SNI and no ALPN', () => {
    const d = decodeJa4('q13i030200_55b375c5d22e_06cda9e17597');
    expect(d.protocol).toBe('QUIC');
    expect(d.sni).toBe('no SNI (IP or none)');
    expect(d.alpn).toBe('none');
    expect(d.cipher_count).toBe(3);
  });

  it('refuses what is not a JA4 without throwing', () => {
    expect(decodeJa4('<script>alert(1)</script>')).toEqual({
      ja4: '<script>alert(1)</script>',
      valid: false,
    });
    expect(decodeJa4('t13d1516h2_8daaf6152771').valid).toBe(false);
  });
});
