/* reqin_socket: mod_reqin_log's per-process, never-blocking socket writer.
 *
 * Part of ja4-platform (BSD-3-Clause). Lines are queued in a per-process
 * buffer that a flusher thread sends over a non-blocking AF_UNIX stream
 * socket; see "Never blocking a worker" in README.md.
 */

#ifndef REQIN_SOCKET_H
#define REQIN_SOCKET_H

#include "httpd.h"

#include "apr_pools.h"

#include "reqin_stats.h"
#include "reqin_visibility.h"

#define REQIN_BUF_SIZE (256 * 1024)       /* two per process; bigger events are dropped */

/* The socket this child writes to; NULL while the module is idle in it. */
extern REQIN_HIDDEN const char *reqin_socket_path;

/* Opens the child's buffer, lock and flusher thread (child_init), and sets
 * reqin_socket_path on success. The socket is connected on the first line. */
REQIN_HIDDEN void reqin_socket_child_init(apr_pool_t *p, server_rec *s, const char *path);

/* Queues one whole line, or drops and counts it; never waits. */
REQIN_HIDDEN void reqin_socket_send(server_rec *s, const char *line, apr_size_t len);

/* Logs the drops since the last report, at most once per ReqinLogDropReport
 * interval for the whole server (reqin_drops.c): after a drop, and by the
 * flusher once the interval has passed, so the log's count catches up with
 * the counters even when no drop follows. Returns the time until a report
 * of drops not yet reported is due, or -1 when none is waiting. */
REQIN_HIDDEN apr_interval_time_t reqin_report_drops(server_rec *s);

/* Seconds between two drop reports (ReqinLogDropReport, default 60). */
extern REQIN_HIDDEN int reqin_report_every;

#endif /* REQIN_SOCKET_H */
