import { describe, expect, it } from 'vitest';
import { httpEventSchema, tlsEventSchema } from '../../../../../appliance/common/events/index.js';
import { decodeLine } from '../../../../../appliance/correlator/adapters/event-decoder.js';
import { isHttpEvent, isTlsEvent } from '../../../../../appliance/correlator/adapters/event-validator.js';
import { httpEvent, tlsEvent } from '../fixtures.js';

/**
 * The compiled validators are generated from the zod schemas; this proves the generated ones
 * accept and refuse exactly the lines zod does. Each case is a JSON line (parsed here as the
 * decoder does), so what is compared is what the sockets can actually carry.
 */

/** Values that are wrong for most fields, and right for some: both validators must agree on each. */
const PROBES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  1.5,
  -0.5,
  255,
  256,
  999,
  1000,
  65535,
  65536,
  2 ** 53 - 1,
  2 ** 53,
  1e300,
  '',
  'x',
  '443',
  'tcp',
  'quic',
  'TCP',
  [],
  ['a'],
  [1],
  [null],
  {},
  { a: 'b' },
  { a: 1 },
];

type Case = [name: string, line: string];

/** Every field of `base` replaced by every probe, removed, and the object extended by unknown keys. */
function mutations(base: Record<string, unknown>, prefix = ''): Case[] {
  const out: Case[] = [];
  const json = (o: unknown) => JSON.stringify(o);
  for (const key of Object.keys(base)) {
    const { [key]: _removed, ...without } = base;
    out.push([`${prefix}${key} missing`, json(without)]);
    for (const p of PROBES) out.push([`${prefix}${key} = ${json(p)}`, json({ ...base, [key]: p })]);
  }
  out.push([`${prefix}unknown field`, json({ ...base, extra: 1 })]);
  out.push([`${prefix}unknown null field`, json({ ...base, zzz: null })]);
  out.push([`${prefix}__proto__ key`, `${json(base).slice(0, -1)},"__proto__":{"x":1}}`]);
  out.push([`${prefix}valid`, json(base)]);
  return out;
}

const httpCases: Case[] = [
  ...mutations(httpEvent()),
  ['extra_headers with values', JSON.stringify(httpEvent({ extra_headers: { 'x-a': 'b', 'x-c': '' } }))],
  ['extra_headers with a number', JSON.stringify({ ...httpEvent(), extra_headers: { 'x-a': 1 } })],
  ['header_names with a number', JSON.stringify({ ...httpEvent(), header_names: ['Host', 2] })],
  ['truncated with a null', JSON.stringify({ ...httpEvent(), truncated: [null] })],
  ['non-ASCII text', JSON.stringify(httpEvent({ user_agent: 'é\u2028😀', path: '/%00\u0000' }))],
  [
    'negative zero port',
    '{"type":"http",'.concat(
      JSON.stringify(httpEvent()).slice(15).replace('"conn_port":50123', '"conn_port":-0'),
    ),
  ],
  ['a port written 443.0', JSON.stringify(httpEvent()).replace('"local_port":443', '"local_port":443.0')],
];

const syn = tlsEvent().syn as Record<string, unknown>;
const tlsCases: Case[] = [
  ...mutations(tlsEvent()),
  ...mutations(syn, 'syn.').map(([n, l]): Case => [n, JSON.stringify({ ...tlsEvent(), syn: JSON.parse(l) })]),
  ['syn null', JSON.stringify(tlsEvent({ syn: null }))],
  [
    'sni and proxy set',
    JSON.stringify(tlsEvent({ sni: null, proxy_client_ip: '203.0.113.9', proxy_client_port: 4000 })),
  ],
  ['quic', JSON.stringify(tlsEvent({ transport: 'quic' }))],
  ['dtls', JSON.stringify(tlsEvent({ transport: 'dtls' }))],
];

describe('compiled event validators', () => {
  it('have cases that both accept and refuse (the comparison below is not vacuous)', () => {
    const accepted = httpCases.filter(([, l]) => httpEventSchema.safeParse(JSON.parse(l)).success);
    expect(accepted.length).toBeGreaterThan(20);
    expect(accepted.length).toBeLessThan(httpCases.length - 500);
  });

  it.each(httpCases)('http: %s → same verdict as zod', (_name, line) => {
    const value = JSON.parse(line);
    expect(isHttpEvent(value)).toBe(httpEventSchema.safeParse(value).success);
  });

  it.each(tlsCases)('tls: %s → same verdict as zod', (_name, line) => {
    const value = JSON.parse(line);
    expect(isTlsEvent(value)).toBe(tlsEventSchema.safeParse(value).success);
  });

  it('each refuses what the decoder tests refuse', () => {
    expect(isHttpEvent(JSON.parse(JSON.stringify({ ...httpEvent(), extra: 1 })))).toBe(false);
    expect(isHttpEvent(JSON.parse(JSON.stringify({ ...httpEvent(), conn_port: '443' })))).toBe(false);
    expect(isTlsEvent(JSON.parse(JSON.stringify({ ...tlsEvent(), src_port: 70000 })))).toBe(false);
    expect(isHttpEvent(JSON.parse(JSON.stringify(tlsEvent())))).toBe(false);
    expect(isTlsEvent(JSON.parse(JSON.stringify(httpEvent())))).toBe(false);
  });

  it('leaves the decoder returning the event as zod would parse it', () => {
    for (const [line, type, schema] of [
      [JSON.stringify(httpEvent({ extra_headers: { 'x-a': 'b' } })), 'http', httpEventSchema],
      [JSON.stringify(tlsEvent()), 'tls', tlsEventSchema],
    ] as const) {
      const d = decodeLine(line, type);
      expect(d.ok).toBe(true);
      if (d.ok) expect(d.event).toEqual(schema.parse(JSON.parse(line)));
    }
  });
});
