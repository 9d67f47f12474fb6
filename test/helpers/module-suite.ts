/**
 * The setup the mod_reqin_log tests whose reader is there from the start share: for one build
 * flavour, an Apache with the module logging to a fresh line sink in its own temp dir, started in
 * beforeAll (checking that libasan is mapped for the ASan build) and stopped, with its files
 * removed, in afterAll. Call it inside the describe block; the servers exist once beforeAll has run.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HttpEvent, httpEventSchema, reqinStatsEventSchema } from '../../appliance/common/index.js';
import { createLineSink, type LineSink } from '../../scripts/lib/line-sink.js';
import {
  type ApacheOptions,
  type ApacheServer,
  type AsanRun,
  buildModule,
  hasAsanRuntime,
  startApache,
} from './apache.js';

/**
 * A line of http.socket: an HTTP event or a child's stats line (ReqinLogStats), each parsed with
 * its schema; anything else throws.
 */
export function parseSocketLine(line: string) {
  const value = JSON.parse(line) as { type?: unknown };
  return value.type === 'reqin_stats' ? reqinStatsEventSchema.parse(value) : httpEventSchema.parse(value);
}

/** The HTTP events among http.socket's lines (the stats lines left out). */
export function httpLines(lines: string[]): string[] {
  return lines.filter((l) => !l.startsWith('{"type":"reqin_stats"'));
}

/** Ids unique in this run, for `?t=<id>` in a request's query (eventFor finds its line by it). */
export function requestIds(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${process.pid}x${++n}`;
}

export interface ModuleSuite {
  readonly apache: ApacheServer;
  readonly sink: LineSink;
  /** The event of the request whose query has `t=<id>`, parsed with httpEventSchema. */
  eventFor(id: string): Promise<HttpEvent>;
  /**
   * The describe block's last tests: every line the sink received is whole, valid UTF-8 and an
   * HTTP event or a stats line; under ASan, after Apache stops, no report names the module.
   */
  lastTests(): void;
}

/**
 * `conf` lines go at server scope after `ReqinLogSocket <the sink>` and before the sanitizer's
 * own lines; the other options are startApache's.
 */
export function moduleSuite(
  flavour: 'release' | 'asan',
  sanitizer: AsanRun | undefined,
  o: Omit<ApacheOptions, 'module' | 'env' | 'conf'> & { conf: string[] },
): ModuleSuite {
  let apache: ApacheServer | undefined;
  let sink: LineSink | undefined;
  let dir: string | undefined;
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`moduleSuite: ${what} is used before beforeAll started it`);
    return v;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-reqin-'));
    chmodSync(dir, 0o755);
    sink = await createLineSink(path.join(dir, 'http.socket'));
    apache = await startApache({
      ...o,
      module: buildModule(flavour),
      env: sanitizer?.env,
      conf: [`ReqinLogSocket ${sink.path}`, ...o.conf, sanitizer?.conf ?? ''].join('\n'),
    });
    if (sanitizer) expect(hasAsanRuntime(apache.pid)).toBe(true);
  });

  afterAll(async () => {
    await apache?.stop();
    await sink?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (sanitizer) rmSync(sanitizer.logDir, { recursive: true, force: true });
  });

  return {
    get apache() {
      return ready(apache, 'apache');
    },
    get sink() {
      return ready(sink, 'the line sink');
    },
    lastTests() {
      it('wrote only whole, valid lines', () => {
        const lines = ready(sink, 'the line sink');
        expect(lines.invalidUtf8).toEqual([]);
        expect(httpLines(lines.lines).length).toBeGreaterThan(10);
        for (const line of lines.lines) parseSocketLine(line);
      });
      it.runIf(sanitizer !== undefined)('AddressSanitizer reports nothing', async () => {
        await ready(apache, 'apache').stop();
        expect(sanitizer?.reports()).toEqual([]);
      });
    },
    eventFor: async (id) =>
      httpEventSchema.parse(
        JSON.parse(await ready(sink, 'the line sink').waitFor((l) => l.includes(`t=${id}`))),
      ),
  };
}
