/* reqin_child: the state of mod_reqin_log's writer in a child process,
 * shared by the workers' side (reqin_socket.c) and the flusher thread's
 * (reqin_flusher.c).
 *
 * Part of ja4-platform (BSD-3-Clause).
 */

#ifndef REQIN_CHILD_H
#define REQIN_CHILD_H

#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"
#include "apr_thread_proc.h"

#include "reqin_socket.h"

#define REQIN_FLUSH_BYTES (REQIN_BUF_SIZE / 2)  /* wake the flusher early */

/* Lines not yet sent, in order, from the front of d (REQIN_BUF_SIZE). */
typedef struct {
    char *d;
    apr_size_t len;
    apr_uint64_t lines;             /* line ends in d, the stats line's included */
    apr_size_t stats_at;            /* just past the stats line in d, 0 none (one at most) */
    int midline;                    /* the socket has part of the first line */
} reqin_queue;

/* Per child process, guarded by mutex, but for out while a thread sends it
 * (sending): only that thread touches out, and the socket is closed only
 * under the mutex by a thread that sends. */
typedef struct {
    int fd;                         /* -1 when not connected */
    apr_time_t next_attempt;
    apr_interval_time_t backoff;
    reqin_queue in;                 /* the workers append here */
    reqin_queue out;                /* the flusher sends this, older lines */
    int idle;                       /* the flusher waits for a first line */
    int sending;                    /* a thread sends out, without the mutex */
    int stop;
    apr_uint64_t conn_lines;        /* event lines queued on this connection */
    apr_uint64_t stats_seen[3];     /* built, sent, dropped in the last stats line */
    apr_time_t next_stats;          /* when the next stats line may go */
    server_rec *server;             /* the main server, for the drop report */
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *wake;        /* a first line, REQIN_FLUSH_BYTES, or stop */
    apr_thread_t *flusher;
} reqin_child;

extern REQIN_HIDDEN reqin_child reqin_proc;

/* Sends what the kernel takes now of q's first max bytes on fd; returns -1
 * when the connection failed (the caller disconnects, under the mutex). */
REQIN_HIDDEN int reqin_send(reqin_queue *q, int fd, apr_size_t max);

/* Under the mutex, with no one sending: takes the workers' lines when out
 * is empty, sends out without the mutex, and returns with it. wait: when
 * the reader is behind, poll() for room before returning (the flusher). */
REQIN_HIDDEN void reqin_take_and_send(int wait);

/* Closes the socket and drops, counted for `reason` (a REQIN_DROP_*), the
 * lines of both queues: a new connection starts on a line. Under the
 * mutex, or alone at exit. */
REQIN_HIDDEN void reqin_disconnect(int reason);

/* Under the mutex: appends this child's stats line (reqin_stats.h) to the
 * workers' queue when it is due (ReqinLogStats since the last, something
 * changed since) or final. Returns the time until one is due, -1 when
 * nothing is waiting to be told. */
REQIN_HIDDEN apr_interval_time_t reqin_queue_stats(apr_time_t now, int final);

#endif /* REQIN_CHILD_H */
