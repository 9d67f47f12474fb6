/**
 * Every event accounted for (README): overloaded with a stalled reader while its children recycle,
 * the module must account for every request Apache answered (its access log) as sent or dropped by
 * reason, per child and summed; a child killed with lines in its queue leaves them counted as lost;
 * and the error log's drop report catches up with the counters without waiting for another drop.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fetchModuleStatus,
  parseModuleChildren,
  parseModuleCounters,
} from '../../../../appliance/web-host/index.js';
import { moduleFlavours } from '../../../helpers/apache.js';
import { get, keepAliveAgent } from '../../../helpers/http-client.js';
import { httpLines, moduleSuite, parseSocketLine } from '../../../helpers/module-suite.js';

const { missing, flavours, asan } = moduleFlavours();

const REQUESTS = 1200;
const CLIENTS = 8;
const PAD = 'p'.repeat(2000); // ~2.7 kB lines: the socket's buffer fills within a few hundred

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(missing).each(flavours)('mod_reqin_log accounting under overload (%s build)', (flavour) => {
  const sanitizer = flavour === 'asan' ? asan : undefined;
  const suite = moduleSuite(flavour, sanitizer, {
    mpm: 'event',
    stock: true, // the combined access log: what Apache answered
    // Children recycle after 150 connections, so some exit while the reader is stalled.
    mpmConf:
      'StartServers 2\nServerLimit 8\nThreadsPerChild 8\nMaxRequestWorkers 32\nMaxConnectionsPerChild 150',
    conf: [
      'ReqinLogHeader X-Pad',
      'ReqinLogMaxValueLength 65536',
      'LimitRequestFieldSize 65536',
      'ReqinLogStats 1',
      'ReqinLogDropReport 1',
      '<Location /reqin-status>\nSetHandler reqin-log-status\n</Location>',
    ],
  });
  const status = async (query = '') => {
    const body = await fetchModuleStatus(suite.apache.port, `/reqin-status${query}`);
    return { totals: parseModuleCounters(body), children: parseModuleChildren(body) };
  };
  const answered = () =>
    readFileSync(path.join(suite.apache.dir, 'access.log'), 'utf8').split('\n').filter(Boolean).length;

  it('counts every answered request as sent or dropped, per child and summed', async () => {
    suite.sink.stall();
    let next = 0;
    let served = 0;
    const client = async (c: number) => {
      // Half the clients open a connection per request, half keep theirs (a child that recycles
      // closes them: the request is sent again, and the access log says what Apache answered).
      let agent = c % 2 ? keepAliveAgent() : undefined;
      const headers: Record<string, string> = { 'X-Pad': PAD, ...(agent ? {} : { Connection: 'close' }) };
      while (next < REQUESTS) {
        next++;
        const reply = await get({
          port: suite.apache.port,
          path: `/index.html?c=${c}`,
          headers,
          agent,
        }).catch(() => undefined);
        if (reply?.status === 200) served++;
        else if (agent) {
          agent.destroy();
          agent = keepAliveAgent();
        }
      }
      agent?.destroy();
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    expect(served).toBeGreaterThan(REQUESTS * 0.9);
    suite.sink.resume();
    // Nothing left in any child's queue; each status read is itself logged after its page.
    await until('the queues to empty', async () => (await status()).totals.EventsQueued === 0);
    await new Promise((r) => setTimeout(r, 300));
    const before = answered();
    // The last read's own line is built after its page: it is left out of the comparison below.
    const { totals: t, children } = await status('?final');
    await until('the last status read in the access log', async () => answered() === before + 1);
    const sentLines = () => httpLines(suite.sink.lines).filter((l) => !l.includes('final'));

    expect(t.EventsBuilt).toBe(before);
    expect(t.EventsSent + t.EventsDropped).toBe(t.EventsBuilt);
    expect(t.EventsQueued).toBe(0);
    expect(t.DroppedWouldBlock).toBeGreaterThan(0);
    const reasons = ['NoSocket', 'WouldBlock', 'Error', 'TooLarge', 'Exit', 'Killed'];
    expect(reasons.reduce((a, r) => a + t[`Dropped${r}`], 0)).toBe(t.EventsDropped);
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) {
      const k = c.counters;
      expect(k.EventsSent + k.EventsDropped + k.Queued, `child ${c.pid}`).toBe(k.EventsBuilt);
    }
    await until('every sent line at the reader', async () => sentLines().length >= t.EventsSent);
    expect(sentLines().length).toBe(t.EventsSent);
    // The children's stats lines (every second here) say the same of each child.
    const stats = suite.sink.lines.map(parseSocketLine).filter((l) => l.type === 'reqin_stats');
    expect(stats.length).toBeGreaterThan(0);
    for (const s of stats) expect(s.sent + s.dropped, `child ${s.pid}`).toBeLessThanOrEqual(s.built);
  }, 120_000);

  it('reports every drop to the error log once the interval has passed, without another drop', async () => {
    const reports = () =>
      [
        ...suite.apache
          .errorLog()
          .matchAll(/REQIN01: dropped (\d+) events since the last report \((\d+) in total\)/g),
      ].map((m) => ({ n: Number(m[1]), total: Number(m[2]) }));
    suite.sink.stall();
    const agent = keepAliveAgent();
    const big = 'q'.repeat(60_000);
    for (let i = 0; i < 60; i++)
      await get({ port: suite.apache.port, path: '/index.html?r', headers: { 'X-Pad': big }, agent });
    agent.destroy();
    // No more requests: the report of what the burst dropped must come by itself.
    await new Promise((r) => setTimeout(r, 2500));
    const logged = reports();
    suite.sink.resume();
    await until('the queues to empty', async () => (await status()).totals.EventsQueued === 0);
    const { totals } = await status();
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.at(-1)?.total).toBe(totals.EventsDropped);
    expect(logged.reduce((a, r) => a + r.n, 0)).toBe(totals.EventsDropped);
  }, 60_000);

  it('counts the lines a killed child held as lost', async () => {
    suite.sink.stall();
    const agent = keepAliveAgent();
    const big = 'k'.repeat(60_000);
    let holder: number | undefined;
    await until('a child holding lines', async () => {
      await get({ port: suite.apache.port, path: '/index.html?k', headers: { 'X-Pad': big }, agent });
      holder = (await status()).children.find((c) => c.counters.Queued > 0)?.pid;
      return holder !== undefined;
    });
    agent.destroy();
    process.kill(holder as number, 'SIGKILL');
    await until('the child to be gone', async () => {
      try {
        process.kill(holder as number, 0);
        return false;
      } catch {
        return true;
      }
    });
    const { totals: t, children } = await status();
    const dead = children.find((c) => c.pid === holder);
    expect(dead?.alive).toBe(false);
    expect(dead?.counters.Lost).toBeGreaterThan(0);
    expect(t.DroppedKilled).toBe(dead?.counters.Lost);
    expect(t.EventsSent + t.EventsDropped + t.EventsQueued).toBe(t.EventsBuilt);
    suite.sink.resume();
  }, 60_000);

  suite.lastTests();
});
