import { describe, expect, it } from 'vitest';
import { decodeLine, timeWindow } from '../../../../../appliance/correlator/adapters/event-decoder.js';
import { httpEvent, tlsEvent } from '../fixtures.js';

const NOW_MS = Date.now();
const DAY_US = 86_400_000_000;
const window = timeWindow(NOW_MS, 30, 300_000);

describe('decodeLine', () => {
  it('accepts valid events of the socket type', () => {
    expect(decodeLine(JSON.stringify(httpEvent()), 'http').ok).toBe(true);
    expect(decodeLine(JSON.stringify(tlsEvent()), 'tls').ok).toBe(true);
    expect(decodeLine(JSON.stringify(httpEvent()), 'http', window)).toMatchObject({ ok: true, exact: true });
  });

  it.each([
    ['{"type":"http",', 'http', 'malformed_json'],
    ['42', 'http', 'wrong_event_type'],
    [JSON.stringify(tlsEvent()), 'http', 'wrong_event_type'],
    [JSON.stringify({ ...httpEvent(), extra: 1 }), 'http', 'unknown_field'],
    [JSON.stringify({ ...httpEvent(), conn_port: '443' }), 'http', 'wrong_type'],
    [JSON.stringify({ ...tlsEvent(), src_port: 70000 }), 'tls', 'wrong_type'],
  ] as const)('refuses %s as %s', (line, type, reason) => {
    const d = decodeLine(line, type);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toBe(reason);
  });

  it('refuses a line that repeats a key, where JSON.parse would keep the last and ClickHouse the first', () => {
    const line = JSON.stringify(httpEvent({ client_ip: '203.0.113.9' })).replace(
      '"client_ip":"203.0.113.9"',
      '"client_ip":"203.0.113.9","client_ip":"192.0.2.1"',
    );
    expect(JSON.parse(line).client_ip).toBe('192.0.2.1');
    expect(decodeLine(line, 'http')).toMatchObject({ ok: false, reason: 'duplicate_key' });
    const headers = JSON.stringify(httpEvent({ extra_headers: { 'x-a': '1' } })).replace(
      '{"x-a":"1"}',
      '{"x-a":"1","x-a":"2"}',
    );
    expect(decodeLine(headers, 'http')).toMatchObject({ ok: false, reason: 'duplicate_key' });
    const tls = JSON.stringify(tlsEvent()).replace('"window":64240', '"window":64240,"window":1');
    expect(decodeLine(tls, 'tls')).toMatchObject({ ok: false, reason: 'duplicate_key' });
  });

  it.each([
    ['client_ip', '0x7f.1'],
    ['client_ip', 'fe80::1%eth0;'],
    ['conn_ip', '010.0.0.1'],
    ['local_ip', 'localhost'],
  ] as const)('refuses %s = %j (not an address in canonical text)', (field, value) => {
    const d = decodeLine(JSON.stringify(httpEvent({ [field]: value })), 'http');
    expect(d).toMatchObject({ ok: false, reason: 'bad_ip' });
    if (!d.ok) expect(d.detail).toContain(field);
  });

  it('rewrites a valid address to its canonical text, and says the line no longer spells the event', () => {
    const d = decodeLine(
      JSON.stringify(httpEvent({ client_ip: 'FE80::1%eth0', conn_ip: '::ffff:c000:201' })),
      'http',
    );
    expect(d).toMatchObject({
      ok: true,
      exact: false,
      event: { client_ip: 'fe80::1', conn_ip: '::ffff:192.0.2.1' },
    });
  });

  it('refuses requests older than the retention or too far ahead, and only with a window', () => {
    const at = (ts_us: number) => JSON.stringify(httpEvent({ ts_us }));
    const now = NOW_MS * 1000;
    expect(decodeLine(at(now - 31 * DAY_US), 'http', window)).toMatchObject({ ok: false, reason: 'too_old' });
    expect(decodeLine(at(now + 301_000_000), 'http', window)).toMatchObject({
      ok: false,
      reason: 'in_future',
    });
    expect(decodeLine(at(now - 29 * DAY_US), 'http', window).ok).toBe(true);
    expect(decodeLine(at(now + 299_000_000), 'http', window).ok).toBe(true);
    expect(decodeLine(at(now - 31 * DAY_US), 'http').ok).toBe(true);
    expect(decodeLine(at(0), 'http', timeWindow(NOW_MS, 1, 0))).toMatchObject({ reason: 'too_old' });
  });
});
