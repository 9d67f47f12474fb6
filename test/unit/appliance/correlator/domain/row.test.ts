import { describe, expect, it } from 'vitest';
import { correlatedRowSchema } from '../../../../../appliance/common/index.js';
import {
  buildRow,
  NO_TLS_FRAGMENT,
  rowLine,
  tlsFragment,
} from '../../../../../appliance/correlator/domain/row.js';
import { httpEvent, tlsEvent } from '../fixtures.js';

describe('row lines', () => {
  it('a joined line is exactly the schema row: HTTP fields without type, TLS and SYN fields', () => {
    const h = httpEvent({ extra_headers: { 'x-request-id': 'r"1' } });
    const t = tlsEvent({ sni: null, proxy_client_ip: '192.0.2.99' });
    const row = correlatedRowSchema.parse(JSON.parse(rowLine(h, tlsFragment(t))));
    expect(row).toEqual(buildRow(h, t));
    const { type: _type, ...rest } = h;
    expect(row).toMatchObject({
      ...rest,
      correlated: true,
      ja4: t.ja4,
      sni: '',
      proxy_client_ip: '192.0.2.99',
    });
    expect(row).toMatchObject({ tcp_window: 64240, tcp_mss: 1460, tcp_wscale: 7, tcp_sack: true });
  });

  it('a line without handshake has empty TLS fields and null TCP fields', () => {
    const row = correlatedRowSchema.parse(JSON.parse(rowLine(httpEvent(), NO_TLS_FRAGMENT)));
    expect(row).toMatchObject({
      correlated: false,
      tls_ts_us: null,
      transport: '',
      ja4: '',
      ja3_full: '',
      alpn: [],
      tcp_window: null,
      tcp_sack: null,
    });
  });

  it('a handshake without a captured SYN gives null TCP fields', () => {
    const row = correlatedRowSchema.parse(
      JSON.parse(rowLine(httpEvent(), tlsFragment(tlsEvent({ syn: null })))),
    );
    expect(row).toMatchObject({ correlated: true, tcp_ttl: null, tcp_options: '' });
  });
});

describe('row lines from the received line', () => {
  it('reuses a mod_reqin_log line ({"type":"http",…}) and yields the same row as serialising', () => {
    const h = httpEvent({ path: '/ü?"x"', extra_headers: { 'x-a': '\u0001' } });
    const t = tlsEvent();
    const raw = JSON.stringify(h);
    expect(raw.startsWith('{"type":"http",')).toBe(true);
    const fromRaw = rowLine(h, tlsFragment(t), raw);
    expect(fromRaw).not.toContain('"type"');
    expect(correlatedRowSchema.parse(JSON.parse(fromRaw))).toEqual(buildRow(h, t));
  });

  it('serialises the event when the line has another shape', () => {
    const h = httpEvent();
    const { type, ...rest } = h;
    for (const raw of [JSON.stringify({ ...rest, type }), ` ${JSON.stringify(h)}`, `${JSON.stringify(h)} `]) {
      const line = rowLine(h, NO_TLS_FRAGMENT, raw);
      expect(correlatedRowSchema.parse(JSON.parse(line))).toEqual(buildRow(h, undefined));
    }
  });
});
