import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../common/index.js';

export type AuditEvent =
  | 'login_ok'
  | 'login_failed'
  | 'login_rate_limited'
  | 'logout'
  | 'logout_all'
  | 'password_changed';

export type AuditLog = (event: AuditEvent, fields: { username?: string; ip: string }) => void;

/** Appends one JSON line per session event to <state_dir>/audit.log and logs it. */
export function createAuditLog(stateDir: string, log: Logger): AuditLog {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, 'audit.log');
  return (event, fields) => {
    const entry = { ts: new Date().toISOString(), event, username: fields.username ?? '', ip: fields.ip };
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch (err) {
      log.error({ err, file }, 'cannot write the audit log');
    }
    log.info({ audit: entry }, 'audit');
  };
}
