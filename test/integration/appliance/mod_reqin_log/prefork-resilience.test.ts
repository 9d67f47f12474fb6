/**
 * mod_reqin_log under the prefork MPM when the reader misbehaves: the socket absent and then
 * appearing, the reader stalled (requests are still served, events are dropped and counted, lines
 * bigger than one socket write are completed later), and a graceful restart.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpEventSchema } from '../../../../appliance/common/index.js';
import {
  type ApacheServer,
  buildModule,
  createLineSink,
  hasAsanRuntime,
  type LineSink,
  moduleFlavours,
  startApache,
} from '../../../helpers/apache.js';
import { get, keepAliveAgent, reqinCounters } from '../../../helpers/http-client.js';
import { httpLines, parseSocketLine } from '../../../helpers/module-suite.js';

// The same tests run again with the module built with -fsanitize=address (LD_PRELOAD of libasan).
const { missing, flavours, asan } = moduleFlavours();

// Two 60 kB headers make lines larger than one AF_UNIX skb (about half of SO_SNDBUF), so a stalled
// reader forces partial writes, which the module must complete before writing another line.
const PAD = 60_000;

/** Sends requests (new id each) until one of them is logged: the module reconnects with backoff. */
async function untilLogged(port: number, sink: LineSink, tag: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const id = `${tag}${i}`;
    await get({ port, path: `/index.html?t=${id}` });
    const line = await sink.waitFor((l) => l.includes(`t=${id}"`), 200).catch(() => undefined);
    if (line) return line;
  }
  throw new Error(`no event logged for ${tag}*`);
}

describe.skipIf(missing).each(flavours)(
  'mod_reqin_log (prefork MPM, reader absent, stalled, restarted, %s build)',
  (flavour) => {
    const sanitizer = flavour === 'asan' ? asan : undefined;
    let apache: ApacheServer;
    let sink: LineSink | undefined;
    let sockDir: string;
    let sockPath: string;

    beforeAll(async () => {
      sockDir = mkdtempSync(path.join(os.tmpdir(), 'ja4-reqin-'));
      chmodSync(sockDir, 0o755);
      sockPath = path.join(sockDir, 'http.socket');
      apache = await startApache({
        mpm: 'prefork',
        module: buildModule(flavour),
        env: sanitizer?.env,
        conf: [
          `ReqinLogSocket ${sockPath}`,
          'ReqinLogHeader X-Pad X-Pad2',
          'ReqinLogMaxValueLength 65536',
          'LimitRequestFieldSize 65536',
          '<Location /reqin-status>\nSetHandler reqin-log-status\n</Location>',
          sanitizer?.conf ?? '',
        ].join('\n'),
      });
      if (sanitizer) expect(hasAsanRuntime(apache.pid)).toBe(true);
    });

    afterAll(async () => {
      await apache?.stop();
      await sink?.close();
      if (sockDir) rmSync(sockDir, { recursive: true, force: true });
      if (sanitizer) rmSync(sanitizer.logDir, { recursive: true, force: true });
    });

    it('serves requests while the socket is absent and counts the drops', async () => {
      for (let i = 0; i < 20; i++) {
        expect((await get({ port: apache.port, path: `/index.html?t=absent${i}` })).status).toBe(200);
      }
      const c = await reqinCounters(apache.port);
      expect(c.DroppedNoSocket).toBeGreaterThanOrEqual(20);
      expect(c.EventsSent).toBe(0);
      expect(c.ConnectFailures).toBeGreaterThan(0);
      expect(apache.errorLog()).toMatch(/REQIN01: dropped \d+ events/);
    });

    it('connects once the socket appears', async () => {
      sink = await createLineSink(sockPath);
      const line = await untilLogged(apache.port, sink, 'appear');
      expect(httpEventSchema.parse(JSON.parse(line)).status).toBe(200);
    });

    it('keeps serving when the reader stalls, dropping and counting events', async () => {
      const s = sink!;
      const before = await reqinCounters(apache.port);
      s.stall();
      const pad = 'p'.repeat(PAD);
      const agents = Array.from({ length: 4 }, keepAliveAgent);
      const started = Date.now();
      const replies = await Promise.all(
        agents.map(async (agent, a) => {
          const statuses: number[] = [];
          for (let i = 0; i < 25; i++) {
            const headers = { 'X-Pad': pad, 'X-Pad2': pad };
            statuses.push(
              (await get({ port: apache.port, path: `/index.html?t=stall${a}x${i}`, headers, agent })).status,
            );
          }
          return statuses;
        }),
      );
      console.info(`100 requests with a stalled reader served in ${Date.now() - started} ms`);
      for (const a of agents) a.destroy();
      expect(replies.flat()).toEqual(Array(100).fill(200));
      const after = await reqinCounters(apache.port);
      expect(after.DroppedWouldBlock - before.DroppedWouldBlock).toBeGreaterThan(0);
      expect(after.EventsDropped - before.EventsDropped).toBeGreaterThan(0);
      expect(after.PartialWrites).toBeGreaterThan(0);

      s.resume();
      const line = await untilLogged(apache.port, s, 'resumed');
      expect(httpEventSchema.parse(JSON.parse(line)).status).toBe(200);
    });

    it('keeps logging across a graceful restart', async () => {
      const sent = (await reqinCounters(apache.port)).EventsSent;
      await apache.graceful();
      await untilLogged(apache.port, sink!, 'graceful');
      expect((await reqinCounters(apache.port)).EventsSent).toBeGreaterThan(sent);
    });

    it('never wrote a broken line', async () => {
      const s = sink!;
      await apache.stop();
      await new Promise((r) => setTimeout(r, 200)); // let the children's closes reach the sink
      expect(s.invalidUtf8).toEqual([]);
      expect(s.tails.map((t) => t.length)).toEqual([]);
      for (const line of s.lines) parseSocketLine(line);
      const events = httpLines(s.lines).map((l) => httpEventSchema.parse(JSON.parse(l)));
      const padded = events.filter((e) => e.extra_headers['x-pad'] === 'p'.repeat(PAD));
      expect(padded.length).toBeGreaterThan(0);
      expect(padded.every((e) => e.extra_headers['x-pad2'].length === PAD && e.truncated.length === 0)).toBe(
        true,
      );
    });

    it.runIf(flavour === 'asan')('AddressSanitizer reports nothing', async () => {
      await apache.stop();
      expect(sanitizer!.reports()).toEqual([]);
    });
  },
);
