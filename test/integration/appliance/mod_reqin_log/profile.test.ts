/**
 * The `make profile` build of mod_reqin_log (reqin_profile.h), read by bench:module through
 * scripts/lib/module-profile.ts: its status page counts every phase of every request, and a
 * release build's page has none of those lines.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_PHASES, parseProfileStatus } from '../../../../scripts/lib/module-profile.js';
import {
  type ApacheServer,
  apacheMissing,
  buildModule,
  createLineSink,
  type LineSink,
  startApache,
} from '../../../helpers/apache.js';
import { get, keepAliveAgent } from '../../../helpers/http-client.js';

const missing = apacheMissing();
if (missing) console.warn(`skipping the mod_reqin_log profile build test: ${missing}`);

const REQUESTS = 20;
const status = '<Location /reqin-status>\nSetHandler reqin-log-status\n</Location>';

describe.skipIf(missing)('mod_reqin_log profile build', () => {
  let dir: string;
  let sink: LineSink;
  const servers: ApacheServer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-reqin-prof-'));
    chmodSync(dir, 0o755);
    sink = await createLineSink(path.join(dir, 'http.socket'));
    chmodSync(sink.path, 0o777);
  });

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await sink?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('times each phase of every request and reports the time-stamp counter rate', async () => {
    const apache = await startApache({
      module: buildModule('profile'),
      conf: `ReqinLogSocket ${dir}/http.socket\n${status}`,
    });
    servers.push(apache);
    const agent = keepAliveAgent();
    for (let i = 0; i < REQUESTS; i++) await get({ port: apache.port, path: `/index.html?p=${i}`, agent });
    agent.destroy();
    await sink.waitFor((l) => l.includes(`p=${REQUESTS - 1}"`));
    const c = parseProfileStatus((await get({ port: apache.port, path: '/reqin-status' })).body);
    const done = (p: (typeof PROFILE_PHASES)[number]) => c.phases[p].timed + c.phases[p].preempted;
    // The status request's own post_read_request has run by the time its page is written; its
    // log_transaction has not.
    expect(done('PostReadRequest')).toBe(REQUESTS + 1);
    expect(done('LogTransaction')).toBe(REQUESTS);
    expect(done('Format')).toBe(REQUESTS);
    expect(done('Queue')).toBe(REQUESTS);
    expect(c.eventsSent).toBe(REQUESTS);
    expect(done('Flush')).toBeGreaterThanOrEqual(1);
    // A run over 200,000 cycles counts as preempted and adds no cycles: a flush (a send() on the
    // socket, once or twice here) may be preempted every time on a busy machine. Every phase
    // timed at least once has cycles, and the request's phases, 20 runs each, are timed.
    for (const p of PROFILE_PHASES) expect(c.phases[p].cycles > 0, p).toBe(c.phases[p].timed > 0);
    for (const p of ['PostReadRequest', 'LogTransaction', 'Format', 'Queue'] as const)
      expect(c.phases[p].timed, p).toBeGreaterThan(0);
    // Building and queueing the line happen inside log_transaction.
    const mean = (p: (typeof PROFILE_PHASES)[number]) => c.phases[p].cycles / c.phases[p].timed;
    expect(mean('Format') + mean('Queue')).toBeLessThan(mean('LogTransaction'));
    expect(c.tscHz).toBeGreaterThan(1e8);
    expect(c.tscHz).toBeLessThan(1e11);
  });

  it('is absent from a release build, whose status page the reader rejects by name', async () => {
    const apache = await startApache({
      module: buildModule(),
      conf: `ReqinLogSocket ${dir}/http.socket\n${status}`,
    });
    servers.push(apache);
    const body = (await get({ port: apache.port, path: '/reqin-status' })).body;
    expect(body).toMatch(/^EventsSent: \d+$/m);
    expect(body).not.toMatch(/Cycles|TscHz/);
    expect(() => parseProfileStatus(body)).toThrow(/no Cycles\w+ line|no TscHz line/);
  });
});
