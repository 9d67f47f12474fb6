import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../../../scripts/lib/target-guard.js';

describe('checkTarget', () => {
  it('accepts loopback targets', async () => {
    expect((await checkTarget('https://127.0.0.1:8443/', false)).loopback).toBe(true);
    expect((await checkTarget('http://[::1]:8080/', false)).loopback).toBe(true);
    expect((await checkTarget('https://localhost:8443/', false)).addresses.length).toBeGreaterThan(0);
  });

  it('refuses any other address unless the user owns it', async () => {
    await expect(checkTarget('https://192.0.2.10/', false)).rejects.toMatchObject({
      code: 'JA4_ERR_TRAFFIC_TARGET',
    });
    await expect(checkTarget('https://[2001:db8::1]/', false)).rejects.toMatchObject({
      code: 'JA4_ERR_TRAFFIC_TARGET',
    });
    const owned = await checkTarget('https://192.0.2.10/', true);
    expect(owned.loopback).toBe(false);
  });

  it('refuses URLs that are not http(s)', async () => {
    await expect(checkTarget('ftp://127.0.0.1/', false)).rejects.toMatchObject({
      code: 'JA4_ERR_SCRIPT_OPTION',
    });
    await expect(checkTarget('not a url', false)).rejects.toMatchObject({ code: 'JA4_ERR_SCRIPT_OPTION' });
  });
});
