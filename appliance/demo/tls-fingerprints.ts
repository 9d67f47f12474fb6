/**
 * Real TLS client fingerprints for the seeder (a lookup table: exempt from the size rule).
 * Sources, per entry: the reference fixtures in test/fixtures/ja4/*.expected.json (FoxIO's
 * JA4 output, tshark's JA3), ClientHellos captured on loopback from Debian 12's curl and
 * python-requests, and FoxIO's ja4plus-mapping.csv for Go.
 */
export interface TlsVariant {
  ja4_o: string;
  ja4_ro: string;
  /** JA3 MD5, and the JA3 string it hashes. */
  ja3: string;
  ja3_full: string;
  /** Where this ClientHello comes from. */
  source: string;
}

export interface TlsFingerprint {
  /** 'bot-list': a JA4 from bot_ja4.csv with no full ClientHello behind it. */
  id: TlsFingerprintId | 'bot-list';
  client: string;
  ja4: string;
  ja4_r: string;
  /** One entry per real ClientHello seen for this client; a connection uses one of them. */
  variants: readonly TlsVariant[];
  /** ALPN offered, in order. */
  alpn: readonly string[];
  /** Highest version offered, as the sentinel writes it. */
  tls_version: string;
  /** What Apache (OpenSSL names) logs for the negotiated connection. */
  tls_protocol: string;
  tls_cipher: string;
}

export type TlsFingerprintId =
  | 'chrome'
  | 'firefox'
  | 'safari'
  | 'schannel'
  | 'curl'
  | 'python-requests'
  | 'go';

export const TLS_FINGERPRINTS: Readonly<Record<TlsFingerprintId, TlsFingerprint>> = {
  // Chrome randomises its extension order per connection, so JA4 and JA4_r stay fixed while
  // JA4_o, JA4_ro and JA3 vary: each variant is one real ClientHello.
  chrome: {
    id: 'chrome',
    client: 'Chrome (Chromium 12x, BoringSSL)',
    ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
    ja4_r:
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    variants: [
      {
        ja4_o: 't13d1516h2_acb858a92679_9aeef56da6aa',
        ja4_ro:
          't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_0023,ff01,0000,001b,0012,4469,002d,002b,000d,0010,0033,000a,0005,0017,000b,0015_0403,0804,0401,0503,0805,0501,0806,0601',
        ja3: '8883b2acda8ceb1a4f416c16d9b6c42f',
        ja3_full:
          '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,35-65281-0-27-18-17513-45-43-13-16-51-10-5-23-11-21,29-23-24,0',
        source: 'fixtures/ja4/latest.pcapng #0',
      },
      {
        ja4_o: 't13d1516h2_acb858a92679_ee5437a6a04b',
        ja4_ro:
          't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_000b,0023,002d,001b,000d,ff01,0012,0005,002b,0017,0000,0010,4469,000a,0033,0015_0403,0804,0401,0503,0805,0501,0806,0601',
        ja3: '2adc50eda4c71832c5aa9062850e0180',
        ja3_full:
          '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,11-35-45-27-13-65281-18-5-43-23-0-16-17513-10-51-21,29-23-24,0',
        source: 'fixtures/ja4/latest.pcapng #3',
      },
      {
        ja4_o: 't13d1516h2_acb858a92679_7b772b20e97b',
        ja4_ro:
          't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_0023,0000,000a,0033,001b,0005,ff01,000d,0017,4469,0010,002b,000b,0012,002d,0015_0403,0804,0401,0503,0805,0501,0806,0601',
        ja3: 'ce7b86965aaa85032ad3da178bf354d9',
        ja3_full:
          '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,35-0-10-51-27-5-65281-13-23-17513-16-43-11-18-45-21,29-23-24,0',
        source: 'fixtures/ja4/latest.pcapng #4',
      },
      {
        ja4_o: 't13d1516h2_acb858a92679_8fc3c02244b2',
        ja4_ro:
          't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_ff01,0033,002d,0005,4469,000d,0010,0023,001b,002b,0000,0012,000a,0017,000b,0015_0403,0804,0401,0503,0805,0501,0806,0601',
        ja3: '1c258ebef8eee2dfa3df6d8d07285af9',
        ja3_full:
          '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,65281-51-45-5-17513-13-16-35-27-43-0-18-10-23-11-21,29-23-24,0',
        source: 'fixtures/ja4/tls-handshake.pcapng #0',
      },
      {
        ja4_o: 't13d1516h2_acb858a92679_2331e95fde68',
        ja4_ro:
          't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0017,ff01,0010,000d,002b,0005,0023,0033,0000,0012,000b,000a,4469,002d,0015_0403,0804,0401,0503,0805,0501,0806,0601',
        ja3: 'ad2a7e01e9f29003049caf16aff3bb3f',
        ja3_full:
          '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,27-23-65281-16-13-43-5-35-51-0-18-11-10-17513-45-21,29-23-24,0',
        source: 'fixtures/ja4/tls-handshake.pcapng #3',
      },
      {
        ja4_o: 't13d1516h2_acb858a92679_18f69afefd3d',
        ja4_ro:
          't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601',
        ja3: 'c000e2caf3a25423f9de6c8a4b12a975',
        ja3_full:
          '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0',
        source: 'fixtures/ja4/tls-handshake.pcapng #4',
      },
    ],
    alpn: ['h2', 'http/1.1'],
    tls_version: '1.3',
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_128_GCM_SHA256',
  },
  firefox: {
    id: 'firefox',
    client: 'Firefox (NSS)',
    ja4: 't13d1715h2_5b57614c22b0_3d5424432f57',
    ja4_r:
      't13d1715h2_002f,0035,009c,009d,1301,1302,1303,c009,c00a,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0015,0017,001c,0022,0023,002b,002d,0033,ff01_0403,0503,0603,0804,0805,0806,0401,0501,0601,0203,0201',
    variants: [
      {
        ja4_o: 't13d1715h2_5b234860e130_014157ec0da2',
        ja4_ro:
          't13d1715h2_1301,1303,1302,c02b,c02f,cca9,cca8,c02c,c030,c00a,c009,c013,c014,009c,009d,002f,0035_0000,0017,ff01,000a,000b,0023,0010,0005,0022,0033,002b,000d,002d,001c,0015_0403,0503,0603,0804,0805,0806,0401,0501,0601,0203,0201',
        ja3: '579ccef312d18482fc42e2b822ca2430',
        ja3_full:
          '771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-49161-49171-49172-156-157-47-53,0-23-65281-10-11-35-16-5-34-51-43-13-45-28-21,29-23-24-25-256-257,0',
        source: 'fixtures/ja4/tls12.pcap #0 (SNI contile.services.mozilla.com)',
      },
    ],
    alpn: ['h2', 'http/1.1'],
    tls_version: '1.3',
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_128_GCM_SHA256',
  },
  safari: {
    id: 'safari',
    client: 'Safari on macOS (Apple TLS)',
    ja4: 't13d2613h2_2802a3db6c62_845d286b0d67',
    ja4_r:
      't13d2613h2_000a,002f,0035,003c,003d,009c,009d,1301,1302,1303,c008,c009,c00a,c012,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,002b,002d,0033,ff01_0403,0804,0401,0503,0203,0805,0805,0501,0806,0601,0201',
    variants: [
      {
        ja4_o: 't13d2613h2_78a7dc604b78_93870a65b655',
        ja4_ro:
          't13d2613h2_1301,1302,1303,c02c,c02b,c024,c023,c00a,c009,cca9,c030,c02f,c028,c027,c014,c013,cca8,009d,009c,003d,003c,0035,002f,c008,c012,000a_ff01,0000,0017,000d,0005,0012,0010,000b,0033,002d,002b,000a,0015_0403,0804,0401,0503,0203,0805,0805,0501,0806,0601,0201',
        ja3: '6fa3244afc6bb6f9fad207b6b52af26b',
        ja3_full:
          '771,4865-4866-4867-49196-49195-49188-49187-49162-49161-52393-49200-49199-49192-49191-49172-49171-52392-157-156-61-60-53-47-49160-49170-10,65281-0-23-13-5-18-16-11-51-45-43-10-21,29-23-24-25,0',
        source: 'fixtures/ja4/macos_tcp_flags.pcap #0',
      },
    ],
    alpn: ['h2', 'http/1.1'],
    tls_version: '1.3',
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_128_GCM_SHA256',
  },
  schannel: {
    id: 'schannel',
    client: 'Windows SChannel TLS 1.2 (WinINet/.NET clients)',
    ja4: 't12d190800_d83cc789557e_7af1ed941c26',
    ja4_r:
      't12d190800_000a,002f,0035,003c,003d,009c,009d,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030_0005,000a,000b,000d,0017,0023,ff01_0804,0805,0806,0401,0501,0201,0403,0503,0203,0202,0601,0603',
    variants: [
      {
        ja4_o: 't12d190800_e8d5f427a2c5_5e98404dd3cc',
        ja4_ro:
          't12d190800_c02c,c02b,c030,c02f,c024,c023,c028,c027,c00a,c009,c014,c013,009d,009c,003d,003c,0035,002f,000a_0000,0005,000a,000b,000d,0023,0017,ff01_0804,0805,0806,0401,0501,0201,0403,0503,0203,0202,0601,0603',
        ja3: 'a0e9f5d64349fb13191bc781f81f42e1',
        ja3_full:
          '771,49196-49195-49200-49199-49188-49187-49192-49191-49162-49161-49172-49171-157-156-61-60-53-47-10,0-5-10-11-13-35-23-65281,29-23-24,0',
        source: 'fixtures/ja4/latest.pcapng #1',
      },
    ],
    alpn: [],
    tls_version: '1.2',
    tls_protocol: 'TLSv1.2',
    tls_cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
  },
  curl: {
    id: 'curl',
    client: 'curl 7.88.1 / OpenSSL 3.0',
    ja4: 't13d3112h2_e8f1e7e78f70_b26ce05bbdd6',
    ja4_r:
      't13d3112h2_002f,0033,0035,0039,003c,003d,0067,006b,009c,009d,009e,009f,00ff,1301,1302,1303,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa_000a,000b,000d,0015,0016,0017,002b,002d,0031,0033_0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602',
    variants: [
      {
        ja4_o: 't13d3112h2_d7c3e2abb617_cad92ccb4254',
        ja4_ro:
          't13d3112h2_1302,1303,1301,c02c,c030,009f,cca9,cca8,ccaa,c02b,c02f,009e,c024,c028,006b,c023,c027,0067,c00a,c014,0039,c009,c013,0033,009d,009c,003d,003c,0035,002f,00ff_0000,000b,000a,0010,0016,0017,0031,000d,002b,002d,0033,0015_0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602',
        ja3: '0149f47eabf9a20d0893e2a44e5a6323',
        ja3_full:
          '771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-16-22-23-49-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-2',
        source: 'captured on loopback from curl 7.88.1 (Debian 12), OpenSSL 3.0, tshark 4.0.17 for JA3',
      },
    ],
    alpn: ['h2', 'http/1.1'],
    tls_version: '1.3',
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_256_GCM_SHA384',
  },
  'python-requests': {
    id: 'python-requests',
    client: 'python-requests 2.x / urllib3 2 / OpenSSL 3.0',
    ja4: 't13d1812h1_85036bcba153_b26ce05bbdd6',
    ja4_r:
      't13d1812h1_0067,006b,009e,009f,00ff,1301,1302,1303,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9_000a,000b,000d,0015,0016,0017,002b,002d,0031,0033_0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602',
    variants: [
      {
        ja4_o: 't13d1812h1_a2fb288ce784_cad92ccb4254',
        ja4_ro:
          't13d1812h1_1302,1303,1301,c02c,c030,c02b,c02f,cca9,cca8,c024,c028,c023,c027,009f,009e,006b,0067,00ff_0000,000b,000a,0010,0016,0017,0031,000d,002b,002d,0033,0015_0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,0401,0501,0601,0303,0301,0302,0402,0502,0602',
        ja3: 'a48c0d5f95b1ef98f560f324fd275da1',
        ja3_full:
          '771,4866-4867-4865-49196-49200-49195-49199-52393-52392-49188-49192-49187-49191-159-158-107-103-255,0-11-10-16-22-23-49-13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-2',
        source: 'captured on loopback from requests 2.34 (CPython, OpenSSL 3.0), tshark 4.0.17 for JA3',
      },
    ],
    alpn: ['http/1.1'],
    tls_version: '1.3',
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_256_GCM_SHA384',
  },
  go: {
    id: 'go',
    client: 'Go crypto/tls (<= 1.20), no ALPN',
    ja4: 't13d190900_9dc949149365_97f8aa674fd9',
    ja4_r:
      't13d190900_000a,002f,0035,009c,009d,1301,1302,1303,c009,c00a,c012,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,002b,0033,ff01_0804,0403,0807,0805,0806,0401,0501,0601,0503,0603,0201,0203',
    variants: [
      {
        ja4_o: 't13d190900_dac9730852c2_1d65d5627811',
        ja4_ro:
          't13d190900_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c009,c013,c00a,c014,009c,009d,002f,0035,c012,000a_0000,0005,000a,000b,000d,ff01,0012,002b,0033_0804,0403,0807,0805,0806,0401,0501,0601,0503,0603,0201,0203',
        ja3: '9f0bce63472eb1c2ae0844ba3995c118',
        ja3_full:
          '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49161-49171-49162-49172-156-157-47-53-49170-10,0-5-10-11-13-65281-18-43-51,29-23-24-25,0',
        source:
          "the Go ClientHello (crypto/tls handshake_messages.go order) whose JA4 equals FoxIO ja4plus-mapping.csv 'GoLang' t13d190900_9dc949149365_97f8aa674fd9",
      },
    ],
    alpn: [],
    tls_version: '1.3',
    tls_protocol: 'TLSv1.3',
    tls_cipher: 'TLS_AES_128_GCM_SHA256',
  },
};
