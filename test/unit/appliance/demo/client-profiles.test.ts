import { describe, expect, it } from 'vitest';
import { HUMAN_PROFILES, TCP_SIGNATURES, TOOL_PROFILES } from '../../../../appliance/demo/client-profiles.js';
import { TLS_FINGERPRINTS } from '../../../../appliance/demo/tls-fingerprints.js';

/** JA4T as FoxIO's ja4plus-mapping.csv writes it: window_options_mss_wscale. */
const ja4t = (id: keyof typeof TCP_SIGNATURES) => {
  const s = TCP_SIGNATURES[id];
  return `${s.window}_${s.options || '00'}_${s.mss ?? '00'}_${s.wscale ?? '00'}`;
};

describe('TCP signatures', () => {
  it('match the JA4T values FoxIO lists for each stack', () => {
    expect(ja4t('windows')).toBe('64240_2-1-3-1-1-4_1460_8');
    expect(ja4t('linux')).toBe('64240_2-4-8-1-3_1460_7');
    expect(ja4t('macos')).toBe('65535_2-1-3-1-1-8-4-0-0_1460_6');
    expect(ja4t('minimal')).toBe('1024_2_1460_00');
    expect(ja4t('bare')).toBe('65535_00_00_00');
  });

  it('derive SACK and timestamps from the option kinds (4 = SACK permitted, 8 = timestamps)', () => {
    for (const s of Object.values(TCP_SIGNATURES)) {
      const kinds = s.options.split('-');
      expect(s.sack).toBe(kinds.includes('4'));
      expect(s.timestamps).toBe(kinds.includes('8'));
    }
  });
});

describe('human profiles', () => {
  it.each(HUMAN_PROFILES.map(([p]) => [p.id, p] as const))('%s: UA, JA4 and SYN tell one story', (_id, p) => {
    const tls = TLS_FINGERPRINTS[p.tls];
    for (const ua of p.userAgents) {
      if (/Firefox\//.test(ua)) expect(p.tls).toBe('firefox');
      else if (/Chrome\//.test(ua)) expect(p.tls).toBe('chrome');
      else if (/Version\/[\d.]+ (Mobile\/\w+ )?Safari\//.test(ua)) expect(p.tls).toBe('safari');
      else throw new Error(`unrecognised browser UA ${ua}`);
      if (/Windows NT/.test(ua)) expect(p.tcp).toBe('windows');
      else if (/Macintosh|iPhone/.test(ua)) expect(p.tcp).toBe('macos');
      else if (/Linux|Android/.test(ua)) expect(p.tcp).toBe('linux');
      else throw new Error(`unrecognised OS in UA ${ua}`);
    }
    expect(tls.alpn[0]).toBe('h2');
    expect(TCP_SIGNATURES[p.tcp].initialTtl).toBe(p.tcp === 'windows' ? 128 : 64);
  });

  it('library profiles send the library UA', () => {
    expect(TOOL_PROFILES.curl.userAgents[0]).toMatch(/^curl\//);
    expect(TOOL_PROFILES.python.userAgents.every((u) => u.startsWith('python-requests/'))).toBe(true);
    expect(TOOL_PROFILES.go.userAgents).toEqual(['Go-http-client/1.1']);
  });
});
