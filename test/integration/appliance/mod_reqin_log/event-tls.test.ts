/**
 * mod_reqin_log under the event MPM with mod_ssl and mod_remoteip: plain, TLS and keep-alive
 * requests, X-Forwarded-For chains, hostile header bytes, ReqinLog Off, the status page and a
 * graceful restart. Every line must validate against httpEventSchema.
 */
import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { moduleFlavours } from '../../../helpers/apache.js';
import { get, keepAliveAgent, rawRequest } from '../../../helpers/http-client.js';
import { moduleSuite, requestIds } from '../../../helpers/module-suite.js';

// The same tests run again with the module built with -fsanitize=address (LD_PRELOAD of libasan).
const { missing, flavours, asan } = moduleFlavours();

const MAX = 64; // ReqinLogMaxValueLength below
const uid = requestIds('t');

describe.skipIf(missing).each(flavours)('mod_reqin_log (event MPM, TLS, remoteip, %s build)', (flavour) => {
  const sanitizer = flavour === 'asan' ? asan : undefined;
  const suite = moduleSuite(flavour, sanitizer, {
    mpm: 'event',
    tls: true,
    tail: '<VirtualHost 127.0.0.1:{{port}}>\nServerName quiet.test\nReqinLog Off\n</VirtualHost>',
    conf: [
      'ReqinLogHeader X-Forwarded-For X-Request-Id',
      `ReqinLogMaxValueLength ${MAX}`,
      'RemoteIPHeader X-Forwarded-For',
      'RemoteIPInternalProxy 127.0.0.1',
      'RemoteIPTrustedProxy 10.0.0.0/8',
      // Let control characters through the parser so the module's escaping is what is tested.
      'HttpProtocolOptions Unsafe',
      '<Location /reqin-status>\nSetHandler reqin-log-status\n</Location>',
    ],
  });

  it('logs keep-alive requests with the connection as the server saw it', async () => {
    const agent = keepAliveAgent();
    const ids = [uid(), uid(), uid()];
    const replies = [];
    for (const id of ids)
      replies.push(await get({ port: suite.apache.port, path: `/index.html?t=${id}`, agent }));
    agent.destroy();
    const events = await Promise.all(ids.map(suite.eventFor));
    expect(new Set(replies.map((r) => r.localPort)).size).toBe(1);
    expect(events.map((e) => e.keepalive_n)).toEqual([1, 2, 3]);
    expect(new Set(events.map((e) => e.conn_id)).size).toBe(1);
    for (const [i, e] of events.entries()) {
      expect(e).toMatchObject({
        type: 'http',
        vhost: 'plain.test',
        host: `127.0.0.1:${suite.apache.port}`,
        method: 'GET',
        path: '/index.html',
        query: `t=${ids[i]}`,
        protocol: 'HTTP/1.1',
        status: 200,
        bytes_sent: Buffer.byteLength(replies[i].body),
        client_ip: '127.0.0.1',
        conn_ip: '127.0.0.1',
        conn_port: replies[i].localPort,
        local_ip: '127.0.0.1',
        local_port: suite.apache.port,
        tls: false,
        tls_protocol: '',
        tls_cipher: '',
        truncated: [],
      });
      expect(e.header_count).toBe(e.header_names.length);
      expect(Math.abs(e.ts_us / 1000 - Date.now())).toBeLessThan(60_000);
    }
  });

  it('reports TLS protocol and cipher from mod_ssl, on every request of a connection', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const ids = [uid(), uid()];
    const replies = [];
    for (const id of ids) {
      replies.push(await get({ port: suite.apache.tlsPort, path: `/index.html?t=${id}`, tls: true, agent }));
    }
    agent.destroy();
    const events = await Promise.all(ids.map(suite.eventFor));
    for (const [i, e] of events.entries()) {
      expect(replies[i].status).toBe(200);
      expect(e).toMatchObject({
        vhost: 'tls.test',
        tls: true,
        tls_protocol: replies[0].tlsProtocol,
        tls_cipher: replies[0].tlsCipher,
        conn_port: replies[0].localPort,
        local_port: suite.apache.tlsPort,
        keepalive_n: i + 1,
        truncated: [],
      });
    }
    expect(events[1].conn_id).toBe(events[0].conn_id);
  });

  it('takes client_ip from X-Forwarded-For through trusted proxies and keeps the original header', async () => {
    const cases = [
      { xff: '203.0.113.7, 10.1.2.3', client: '203.0.113.7' }, // 10/8 is a trusted proxy
      { xff: '203.0.113.9, 198.51.100.2', client: '198.51.100.2' }, // the first untrusted hop wins
      { xff: '2001:db8::5', client: '2001:db8::5' },
    ];
    for (const c of cases) {
      const id = uid();
      const reply = await get({
        port: suite.apache.port,
        path: `/index.html?t=${id}`,
        headers: { 'X-Forwarded-For': c.xff },
      });
      const e = await suite.eventFor(id);
      expect(e.client_ip).toBe(c.client);
      expect(e.conn_ip).toBe('127.0.0.1');
      expect(e.conn_port).toBe(reply.localPort);
      expect(e.extra_headers).toEqual({ 'x-forwarded-for': c.xff, 'x-request-id': '' });
      expect(e.header_names).toContain('X-Forwarded-For');
    }
  });

  it('escapes hostile bytes into valid JSON and keeps header order', async () => {
    const id = uid();
    const ua = Buffer.concat([
      Buffer.from('a"b\\c\t\x01\x1f\x7f|'),
      Buffer.from([0xff, 0x7c, 0xc3, 0x28, 0x7c, 0xc0, 0xaf, 0x7c, 0xed, 0xa0, 0x80, 0x7c]),
      Buffer.from('é€😀'),
    ]);
    const head = Buffer.concat([
      Buffer.from(
        `GET /a%22b/"q\\\\?x="y"&t=${id} HTTP/1.1\r\nHost: h"\\.test\r\nX-b: 1\r\nx-A: 2\r\nUser-Agent: `,
      ),
      ua,
      Buffer.from('\r\nX-Request-Id: \\u0000</script>'),
    ]);
    const reply = await rawRequest(suite.apache.port, head);
    const e = await suite.eventFor(id);
    // Written by hand: ill-formed UTF-8 becomes U+FFFD per maximal subpart (Unicode §3.9).
    expect(e.user_agent).toBe('a"b\\c\t\x01\x1f\x7f|\ufffd|\ufffd(|\ufffd\ufffd|\ufffd\ufffd\ufffd|é€😀');
    expect(e.host).toBe('h"\\.test');
    expect(e.path).toBe('/a%22b/"q\\\\');
    expect(e.query).toBe(`x="y"&t=${id}`);
    expect(e.extra_headers['x-request-id']).toBe('\\u0000</script>');
    expect(e.header_names).toEqual(['Host', 'X-b', 'x-A', 'User-Agent', 'X-Request-Id', 'Connection']);
    expect(e.header_count).toBe(6);
    expect(e.conn_port).toBe(reply.localPort);
    // httpd rejects the Host syntax with 400; the rejected request is logged all the same.
    expect(e.status).toBe(400);
  });

  it('truncates values at ReqinLogMaxValueLength without splitting UTF-8 and names the fields', async () => {
    const id = uid();
    await get({
      port: suite.apache.port,
      path: `/index.html?t=${id}`,
      headers: {
        'User-Agent': 'A'.repeat(MAX + 36),
        // Node sends header strings as latin1: spell out the two UTF-8 bytes of 'é'.
        Referer: `${'R'.repeat(MAX - 1)}\xc3\xa9`,
        'X-Request-Id': 'x'.repeat(MAX + 1),
        Accept: 'b'.repeat(MAX),
      },
    });
    const e = await suite.eventFor(id);
    expect(e.user_agent).toBe('A'.repeat(MAX));
    expect(e.referer).toBe('R'.repeat(MAX - 1));
    expect(e.extra_headers['x-request-id']).toBe('x'.repeat(MAX));
    expect(e.accept).toBe('b'.repeat(MAX));
    expect(e.truncated).toEqual(['user_agent', 'referer', 'extra_headers.x-request-id']);
  });

  it('logs nothing for a vhost with ReqinLog Off', async () => {
    const agent = keepAliveAgent();
    const [quiet, loud] = [uid(), uid()];
    await get({
      port: suite.apache.port,
      path: `/index.html?t=${quiet}`,
      headers: { Host: 'quiet.test' },
      agent,
    });
    await get({ port: suite.apache.port, path: `/index.html?t=${loud}`, agent });
    agent.destroy();
    // Same connection, so the same child and socket: the second line comes after the first would have.
    const e = await suite.eventFor(loud);
    expect(e.keepalive_n).toBe(2);
    expect(suite.sink.lines.some((l) => l.includes(`t=${quiet}`))).toBe(false);
  });

  it('serves counters on the status handler and keeps them across a graceful restart', async () => {
    const counter = (body: string, name: string) =>
      Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(body)?.[1]);
    // The flusher counts a batch just after send(): the sink may have the lines a moment before.
    const status = async (min: number) => {
      for (let i = 0; ; i++) {
        const body = (await get({ port: suite.apache.port, path: '/reqin-status' })).body;
        if (counter(body, 'EventsSent') >= min || i === 50) return body;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const before = await status(10);
    expect(counter(before, 'EventsSent')).toBeGreaterThanOrEqual(10);
    expect(counter(before, 'EventsDropped')).toBe(0);
    await suite.apache.graceful();
    const id = uid();
    await get({ port: suite.apache.port, path: `/index.html?t=${id}` });
    await suite.eventFor(id);
    const after = await status(counter(before, 'EventsSent') + 1);
    expect(counter(after, 'EventsSent')).toBeGreaterThan(counter(before, 'EventsSent'));
  });

  suite.lastTests();
});
