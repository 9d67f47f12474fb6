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
    /**
     * listen(2) backlog of both sockets: connections queued before the correlator accepts them,
     * so a burst of producers reconnecting at once is not refused (EAGAIN). Linux caps it at
     * net.core.somaxconn (4096 by default since 5.4).
     */
    backlog: z.number().int().min(1).max(65_535).default(4096),
  })
  .strict()
  .prefault({});
