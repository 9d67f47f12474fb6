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

#include "reqin_visibility.h"

#define REQIN_BUF_SIZE (256 * 1024)       /* two per process; bigger events are dropped */

/* Counters of all children, in shared memory kept across graceful restarts
 * (ap_retained_data). The first five are also the outcomes of queueing a line. */
enum { REQIN_SENT, REQIN_DROP_NO_SOCKET, REQIN_DROP_WOULD_BLOCK, REQIN_DROP_ERROR,
       REQIN_DROP_TOO_LARGE, REQIN_DROPPED, REQIN_PARTIAL, REQIN_CONNECTS,
       REQIN_CONNECT_FAILURES, REQIN_NCOUNTERS };

/* The phases of the module's work that `make profile` builds time
 * (reqin_profile.h); zero in release builds. */
enum { REQIN_PROF_POST_READ, REQIN_PROF_LOG, REQIN_PROF_FORMAT, REQIN_PROF_QUEUE,
       REQIN_PROF_FLUSH, REQIN_NPROF };

typedef struct {
    volatile apr_uint64_t n[REQIN_NCOUNTERS];
    volatile apr_uint64_t reported;     /* EventsDropped at the last report */
    volatile apr_uint32_t last_report;  /* apr_time_sec() of the last report */
    struct {
        volatile apr_uint64_t cycles, count, preempted;
    } prof[REQIN_NPROF];
} reqin_counters;

/* Set in post_config (the parent); NULL when the shared memory is missing. */
extern REQIN_HIDDEN reqin_counters *reqin_stats;

/* The socket this child writes to; NULL while the module is idle in it. */
extern REQIN_HIDDEN const char *reqin_socket_path;

/* Opens the child's buffer, lock and flusher thread (child_init), and sets
 * reqin_socket_path on success. The socket is connected on the first line. */
REQIN_HIDDEN void reqin_socket_child_init(apr_pool_t *p, server_rec *s, const char *path);

/* Queues one whole line, or drops and counts it; never waits. */
REQIN_HIDDEN void reqin_socket_send(server_rec *s, const char *line, apr_size_t len);

/* Logs the drops since the last report, at most once a minute per server
 * (reqin_drops.c); called after a drop. */
REQIN_HIDDEN void reqin_report_drops(server_rec *s);

#endif /* REQIN_SOCKET_H */
