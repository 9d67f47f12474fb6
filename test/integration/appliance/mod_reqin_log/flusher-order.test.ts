/**
 * mod_reqin_log's two buffers (reqin_flusher.c): workers append to one while the flusher sends the
 * other without the mutex, and a reader that stalls makes the kernel take part of a batch. Through
 * all of it each connection's lines must arrive in the order of its requests, whole, each once,
 * and every request must be either received or counted as dropped.
 */
import { describe, expect, it } from 'vitest';
import { httpEventSchema } from '../../../../appliance/common/index.js';
import { moduleFlavours } from '../../../helpers/apache.js';
import { get, keepAliveAgent, reqinCounters } from '../../../helpers/http-client.js';
import { moduleSuite } from '../../../helpers/module-suite.js';

const { missing, flavours, asan } = moduleFlavours();

const CLIENTS = 4;
const PAD = 'p'.repeat(3000); // big lines fill the socket's buffer in a few batches

async function until(what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(missing).each(flavours)('mod_reqin_log flusher, stalled reader (%s build)', (flavour) => {
  const sanitizer = flavour === 'asan' ? asan : undefined;
  const suite = moduleSuite(flavour, sanitizer, {
    mpm: 'event',
    conf: [
      'ReqinLogHeader X-Pad',
      'ReqinLogMaxValueLength 4096',
      '<Location /reqin-status>\nSetHandler reqin-log-status\n</Location>',
    ],
  });

  it('keeps each connection in order, whole lines only, none lost uncounted', async () => {
    let running = true;
    let sent = 0;
    const client = async (c: number) => {
      const agent = keepAliveAgent();
      for (let i = 0; running; i++) {
        await get({
          port: suite.apache.port,
          path: `/index.html?c=${c}&i=${i}`,
          headers: { 'X-Pad': PAD },
          agent,
        });
        sent++;
      }
      agent.destroy();
    };
    const received = () => suite.sink.lines.filter((l) => l.includes('"/index.html"')).length;
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    // Three stalls of the reader, each long enough for the kernel's buffer to fill (the flusher
    // then holds a batch that is not taken, or taken in part, while the workers fill the other).
    for (let k = 0; k < 3; k++) {
      const from = received();
      await until('lines before a stall', async () => received() > from);
      suite.sink.stall();
      await new Promise((r) => setTimeout(r, 400));
      suite.sink.resume();
    }
    running = false;
    await Promise.all(clients);
    // The flusher sends within its window (200 ms at most after a stall): wait for the lines to stop.
    let seen = -1;
    await until('the last lines', async () => {
      await new Promise((r) => setTimeout(r, 300));
      const now = received();
      const still = now === seen;
      seen = now;
      return still;
    });
    // The first status request: its own event is logged after the page.
    const c = await reqinCounters(suite.apache.port);
    const events = suite.sink.lines
      .filter((l) => l.includes('"/index.html"'))
      .map((l) => httpEventSchema.parse(JSON.parse(l)));
    expect(c.EventsSent).toBe(events.length);
    expect(events.length + c.EventsDropped).toBe(sent);
    expect(events.length).toBeGreaterThan(0);
    expect(suite.sink.tails.every((t) => t.length === 0)).toBe(true);
    // Per connection, keepalive_n grows with every line: in order, none twice.
    const last = new Map<string, number>();
    for (const e of events) {
      expect(e.keepalive_n, e.conn_id).toBeGreaterThan(last.get(e.conn_id) ?? 0);
      last.set(e.conn_id, e.keepalive_n);
    }
    expect(new Set(events.map((e) => e.query)).size).toBe(events.length);
  }, 60_000);
});
