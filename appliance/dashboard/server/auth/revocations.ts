import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** What a session store asks before it honours a cookie, and tells when one is revoked. */
export interface Revocations {
  /** True when the session `sid` was revoked, or `user` revoked every session issued before `iat`. */
  isRevoked(sid: string, user: string, iat: number): boolean;
  /** Revokes one session until its cookie expires (`exp`, ms). */
  revokeSession(sid: string, exp: number): void;
  /** Revokes every session of `user` issued before `before` (ms), until `exp` (ms). */
  revokeUser(user: string, before: number, exp: number): void;
}

type Entry =
  | { t: 'sid'; sid: string; exp: number }
  | { t: 'user'; user: string; before: number; exp: number };

const DAY_MS = 86_400_000;
const FILE_RE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

/**
 * Revocations kept in `<dir>/<YYYY-MM-DD>.jsonl`, one JSON line per revocation, in the file of
 * the UTC day it expires. Every replica (and every restart) sharing the directory reads the same
 * lines: each check reads what was appended since the last one, so a logout in one replica holds
 * in all of them on their next request. Appends are single O_APPEND writes, fsynced (a logout
 * that was answered survives a crash); each line starts with a newline so a torn line left by a
 * crash never swallows the next one. A day's file is deleted once that day is over: every entry
 * in it has expired, and no writer appends to a past day, so deletion never races an append.
 */
export class RevocationDir implements Revocations {
  private readonly sids = new Map<string, number>();
  private readonly users = new Map<string, { before: number; exp: number }>();
  /** Bytes consumed per file name. */
  private readonly offsets = new Map<string, number>();
  private prunedDay = '';

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.refresh();
  }

  isRevoked(sid: string, user: string, iat: number): boolean {
    this.refresh();
    const now = this.now();
    const exp = this.sids.get(sid);
    if (exp !== undefined && exp > now) return true;
    const u = this.users.get(user);
    return u !== undefined && u.exp > now && iat < u.before;
  }

  revokeSession(sid: string, exp: number): void {
    this.append({ t: 'sid', sid, exp });
  }

  revokeUser(user: string, before: number, exp: number): void {
    this.append({ t: 'user', user, before, exp });
  }

  private append(entry: Entry): void {
    const fd = openSync(join(this.dir, `${dayOf(entry.exp)}.jsonl`), 'a', 0o600);
    try {
      writeSync(fd, `\n${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.apply(entry);
  }

  /** Reads what every writer appended since the last call; drops expired days. */
  private refresh(): void {
    const today = dayOf(this.now());
    if (today !== this.prunedDay) this.prune(today);
    for (const name of readdirSync(this.dir)) {
      if (!FILE_RE.test(name)) continue;
      const file = join(this.dir, name);
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        continue; // deleted by another replica's prune
      }
      const from = this.offsets.get(name) ?? 0;
      if (size > from) this.offsets.set(name, from + this.readFrom(file, from));
    }
  }

  /** Applies the complete lines after `from`; returns the bytes consumed (up to the last newline). */
  private readFrom(file: string, from: number): number {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return 0;
    }
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - from));
      const n = buf.length > 0 ? readSync(fd, buf, 0, buf.length, from) : 0;
      const end = buf.subarray(0, n).lastIndexOf(0x0a) + 1;
      for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
        const entry = parseEntry(line);
        if (entry) this.apply(entry);
      }
      return end;
    } finally {
      closeSync(fd);
    }
  }

  private apply(e: Entry): void {
    if (e.t === 'sid') {
      this.sids.set(e.sid, Math.max(e.exp, this.sids.get(e.sid) ?? 0));
      return;
    }
    const cur = this.users.get(e.user);
    if (!cur || e.before > cur.before) this.users.set(e.user, { before: e.before, exp: e.exp });
  }

  private prune(today: string): void {
    this.prunedDay = today;
    const now = this.now();
    for (const name of readdirSync(this.dir)) {
      const m = FILE_RE.exec(name);
      if (!m || m[1] >= today) continue;
      try {
        unlinkSync(join(this.dir, name));
      } catch {
        // Another replica pruned it first.
      }
      this.offsets.delete(name);
    }
    for (const [sid, exp] of this.sids) if (exp <= now) this.sids.delete(sid);
    for (const [user, u] of this.users) if (u.exp <= now) this.users.delete(user);
  }
}

function dayOf(ms: number): string {
  return new Date(Math.min(Math.max(ms, 0), 8.64e15 - DAY_MS)).toISOString().slice(0, 10);
}

function parseEntry(line: string): Entry | undefined {
  if (line === '') return undefined;
  try {
    const e = JSON.parse(line) as Entry;
    if (e.t === 'sid' && typeof e.sid === 'string' && Number.isFinite(e.exp)) return e;
    if (e.t === 'user' && typeof e.user === 'string' && Number.isFinite(e.before) && Number.isFinite(e.exp))
      return e;
  } catch {
    // A torn line from a crash mid-write: the entry after it starts on its own line.
  }
  return undefined;
}
