import { Ja4Error } from '../common/errors.js';

/**
 * The error catalogue of the demo-data generator (STYLE rule 5): each failure a user can act on,
 * with a stable code.
 */

/** A known-bot list in migrations/dictionaries cannot be used. */
export class BotListError extends Ja4Error {
  constructor(file: string, reason: string) {
    super('JA4_ERR_SEED_BOT_LIST', `cannot use the bot list ${file}: ${reason}`, { exitCode: 2 });
  }
}
