import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../../../../appliance/correlator/adapters/event-decoder.js';
import { httpEvent, tlsEvent } from '../fixtures.js';

describe('decodeLine', () => {
  it('accepts valid events of the socket type', () => {
    expect(decodeLine(JSON.stringify(httpEvent()), 'http').ok).toBe(true);
    expect(decodeLine(JSON.stringify(tlsEvent()), 'tls').ok).toBe(true);
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
});
