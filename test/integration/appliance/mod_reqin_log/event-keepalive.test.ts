/**
 * mod_reqin_log's per-connection memos (README.md, The tail memo): a keep-alive connection's requests
 * share what the connection fixes, and what a client repeats (Host, User-Agent, the header names,
 * and the whole tail of the line from vhost to extra_headers) is copied from the last request's
 * line when it is the same. Each request must still get its own fields. Every line must validate
 * against httpEventSchema.
 */
import { describe, expect, it } from 'vitest';
import { moduleFlavours } from '../../../helpers/apache.js';
import { get, keepAliveAgent } from '../../../helpers/http-client.js';
import { moduleSuite, requestIds } from '../../../helpers/module-suite.js';

// The same tests run again with the module built with -fsanitize=address (LD_PRELOAD of libasan).
const { missing, flavours, asan } = moduleFlavours();

const MAX = 64; // ReqinLogMaxValueLength below
const SMALL = 16; // ReqinLogMaxValueLength of small.test: less than a conn_id
const uid = requestIds('k');

describe.skipIf(missing).each(flavours)('mod_reqin_log keep-alive memos (%s build)', (flavour) => {
  const sanitizer = flavour === 'asan' ? asan : undefined;
  const suite = moduleSuite(flavour, sanitizer, {
    mpm: 'event',
    tail: `<VirtualHost 127.0.0.1:{{port}}>\nServerName small.test\nReqinLogMaxValueLength ${SMALL}\n</VirtualHost>`,
    conf: [
      'ReqinLogHeader X-Forwarded-For X-Request-Id',
      `ReqinLogMaxValueLength ${MAX}`,
      'RemoteIPHeader X-Forwarded-For',
      'RemoteIPInternalProxy 127.0.0.1',
    ],
  });

  // The module encodes what a connection and a vhost fix once, and remembers per connection what
  // its requests repeat (Host, User-Agent, the header names): each request must still get its own
  // vhost, client_ip, host, user_agent and header_names, and values cut to its vhost's
  // ReqinLogMaxValueLength.
  it('keeps per-request fields right on one connection across vhosts, headers and X-Forwarded-For', async () => {
    const agent = keepAliveAgent();
    const long = 'a-much-longer-user-agent/2.0'; // more than SMALL bytes
    const steps = [
      { host: undefined, xff: undefined, ua: long },
      { host: undefined, xff: undefined, ua: long },
      { host: 'small.test', xff: undefined, ua: long },
      { host: undefined, xff: '203.0.113.7', ua: 'ua-one' },
      { host: 'small.test', xff: '203.0.113.8', ua: 'ua-one' },
      { host: undefined, xff: undefined, ua: 'ua-one' },
      { host: undefined, xff: undefined, ua: undefined },
    ];
    const ids = steps.map(() => uid());
    const replies = [];
    for (const [i, s] of steps.entries()) {
      const headers: Record<string, string> = {};
      if (s.host) headers.Host = s.host;
      if (s.xff) headers['X-Forwarded-For'] = s.xff;
      if (s.ua) headers['User-Agent'] = s.ua;
      replies.push(await get({ port: suite.apache.port, path: `/index.html?t=${ids[i]}`, headers, agent }));
    }
    agent.destroy();
    const events = await Promise.all(ids.map(suite.eventFor));
    const connId = events[0].conn_id;
    expect(connId.length).toBeGreaterThan(SMALL);
    for (const [i, e] of events.entries()) {
      const s = steps[i];
      const small = s.host === 'small.test';
      const uaCut = small && (s.ua ?? '').length > SMALL;
      expect(e).toMatchObject({
        vhost: small ? 'small.test' : 'plain.test',
        host: s.host ?? `127.0.0.1:${suite.apache.port}`,
        client_ip: s.xff ?? '127.0.0.1',
        conn_ip: '127.0.0.1',
        conn_port: replies[0].localPort,
        local_ip: '127.0.0.1',
        local_port: suite.apache.port,
        conn_id: small ? connId.slice(0, SMALL) : connId,
        keepalive_n: i + 1,
        tls: false,
        user_agent: uaCut ? s.ua?.slice(0, SMALL) : (s.ua ?? ''),
        truncated: small ? ['conn_id', ...(uaCut ? ['user_agent'] : [])] : [],
      });
      const names = [
        'Host',
        'Connection',
        ...(s.xff ? ['X-Forwarded-For'] : []),
        ...(s.ua ? ['User-Agent'] : []),
      ];
      expect([...e.header_names].sort()).toEqual(names.sort());
      expect(e.header_count).toBe(names.length);
    }
  });

  // A request whose server, method, protocol, client and headers (names and values) are the last
  // one's on its connection copies the last line's fields from vhost to extra_headers (the tail
  // memo, reqin_event.c). Each step here changes one of those, or nothing, so a stale copy shows.
  it('gives each keep-alive request its own header fields when only one value changes', async () => {
    const agent = keepAliveAgent();
    const base = {
      Accept: 'text/html',
      'User-Agent': 'ua-a',
      Referer: 'https://a.test/x',
      'X-Request-Id': 'r1',
    };
    const steps: { method?: string; headers: Record<string, string> }[] = [
      { headers: base },
      { headers: base },
      { headers: { ...base, Accept: 'image/png' } },
      { headers: base },
      { headers: { ...base, 'X-Request-Id': 'r2' } },
      { method: 'HEAD', headers: { ...base, 'X-Request-Id': 'r2' } },
      { headers: { ...base, 'X-Request-Id': 'r2', Referer: 'https://a.test/y' } },
      { headers: { ...base, 'X-Request-Id': 'r2', Referer: 'https://a.test/y' } },
    ];
    const ids = steps.map(() => uid());
    for (const [i, s] of steps.entries())
      await get({
        port: suite.apache.port,
        path: `/index.html?t=${ids[i]}`,
        method: s.method,
        headers: s.headers,
        agent,
      });
    agent.destroy();
    const events = await Promise.all(ids.map(suite.eventFor));
    for (const [i, e] of events.entries()) {
      const h = steps[i].headers;
      expect(e).toMatchObject({
        method: steps[i].method ?? 'GET',
        query: `t=${ids[i]}`,
        keepalive_n: events[0].keepalive_n + i,
        conn_id: events[0].conn_id,
        accept: h.Accept,
        user_agent: h['User-Agent'],
        referer: h.Referer,
        extra_headers: { 'x-request-id': h['X-Request-Id'] },
        truncated: [],
      });
    }
  });

  suite.lastTests();
});
