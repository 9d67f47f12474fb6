import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, rateLimitedWarn } from '../../../../appliance/common/logger.js';

function sink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('writes JSON lines when the stream is not a TTY', async () => {
    const { lines, stream } = sink();
    const log = createLogger({ level: 'info', pretty: 'auto' }, stream);
    log.child({ service: 'correlator' }).info({ rows: 3 }, 'batch inserted');
    log.debug('hidden');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'correlator', rows: 3, msg: 'batch inserted', level: 30 });
  });

  it('rate-limits repeated warnings and reports how many it suppressed', async () => {
    const { lines, stream } = sink();
    const warn = rateLimitedWarn(createLogger({ level: 'info', pretty: 'never' }, stream), 1000);
    warn('bad-json', {}, 'malformed line', 0);
    warn('bad-json', {}, 'malformed line', 10);
    warn('bad-json', {}, 'malformed line', 20);
    warn('other', {}, 'other problem', 30);
    warn('bad-json', {}, 'malformed line', 1500);
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.msg, l.suppressed])).toEqual([
      ['malformed line', 0],
      ['other problem', 0],
      ['malformed line', 2],
    ]);
  });

  it('appends JSON lines to log.file, creating its directory, and leaves the stream alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ja4-log-'));
    const file = path.join(dir, 'log', 'ja4.log');
    const { lines, stream } = sink();
    try {
      const log = createLogger({ level: 'info', pretty: 'always', file }, stream);
      log.child({ service: 'dashboard' }).info({ port: 8000 }, 'dashboard listening');
      log.flush();
      await expect
        .poll(() => {
          try {
            return readFileSync(file, 'utf8');
          } catch {
            return '';
          }
        })
        .toContain('dashboard listening');
      expect(JSON.parse(readFileSync(file, 'utf8').trim())).toMatchObject({
        service: 'dashboard',
        port: 8000,
      });
      expect(lines).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes to the stream when log.file is "-"', async () => {
    const { lines, stream } = sink();
    createLogger({ level: 'info', pretty: 'never', file: '-' }, stream).info('here');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['here']);
  });
});
