import { z } from 'zod';

export const logSection = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** auto: human-readable on a TTY, JSON otherwise. */
    pretty: z.enum(['auto', 'always', 'never']).default('auto'),
  })
  .strict()
  .prefault({});
