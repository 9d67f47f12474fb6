import { z } from 'zod';

/** The two UNIX stream sockets the correlator listens on (DESIGN.md, data flow). */
export const socketsSection = z
  .object({
    http: z.string().min(1).default('./var/run/http.socket'),
    network: z.string().min(1).default('./var/run/network.socket'),
    /** Group given to the socket files so the web server's user can write (empty = process group). */
    group: z.string().default(''),
    /** File mode of the socket files, as an octal string. */
    mode: z
      .string()
      .regex(/^0?[0-7]{3}$/, { message: 'an octal file mode such as 0660' })
      .default('0660'),
  })
  .strict()
  .prefault({});
