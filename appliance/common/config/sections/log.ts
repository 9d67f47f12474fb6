import { z } from 'zod';

export const logSection = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** auto: human-readable on a TTY, JSON otherwise. */
    pretty: z.enum(['auto', 'always', 'never']).default('auto'),
    /**
     * Where the JSON log lines go. Empty: stderr, except `ja4 up` on a terminal, which keeps the
     * terminal for its status block and appends to ./var/log/ja4.log. `-`: stderr always. Any
     * other value: that file, appended (its directory is created).
     */
    file: z.string().default(''),
  })
  .strict()
  .prefault({});
