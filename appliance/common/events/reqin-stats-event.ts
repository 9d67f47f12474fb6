import { z } from 'zod';

const count = z.number().int().min(0);

/**
 * One Apache child's counters as mod_reqin_log sends them on http.socket, between its HTTP events:
 * every ReqinLogStats seconds while they change, and once more when the child exits (`final`).
 * They count since the child started; `built = sent + dropped + the lines still queued in the
 * child`, and once it has exited nothing is queued. `dropped` sums the `dropped_*` reasons.
 * `conn_lines` is the number of HTTP events the child queued on this connection before this line:
 * a reader that received fewer on the connection lost the difference on the way.
 */
export const reqinStatsEventSchema = z
  .object({
    type: z.literal('reqin_stats'),
    /** When the line was made, µs since the Unix epoch. */
    ts_us: count,
    pid: count,
    /** When the child took its counters, µs since the Unix epoch: with pid, names the child. */
    child_start_us: count,
    built: count,
    sent: count,
    dropped: count,
    /** No connection to the reader (backing off). */
    dropped_no_socket: count,
    /** The child's buffer was full while the reader was behind. */
    dropped_would_block: count,
    /** The connection failed (the reader went away) with lines still queued. */
    dropped_error: count,
    /** A line larger than the child's buffer. */
    dropped_too_large: count,
    /** Lines the reader had not taken when the child exited. */
    dropped_exit: count,
    partial_writes: count,
    connects: count,
    connect_failures: count,
    conn_lines: count,
    final: z.boolean(),
  })
  .strict();

export type ReqinStatsEvent = z.infer<typeof reqinStatsEventSchema>;
