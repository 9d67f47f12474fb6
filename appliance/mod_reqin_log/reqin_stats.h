/* reqin_stats: mod_reqin_log's counters, per child process and summed, and
 * the stats line that carries a child's to the correlator.
 *
 * Part of ja4-platform (BSD-3-Clause). Every line the module builds ends in
 * one of three places: sent (the kernel took it), dropped (counted by
 * reason), or still queued in its child. So for each child, and summed,
 * built = sent + dropped + queued, and once a child has exited, queued is 0.
 * A child that dies without exiting (SIGKILL, a crash) cannot count what it
 * held: its record keeps built - sent - dropped, which the status page shows
 * as DroppedKilled, and which the next child that takes the record adds to
 * the counters. See "Every event accounted for" in README.md.
 */

#ifndef REQIN_STATS_H
#define REQIN_STATS_H

#include "httpd.h"

#include "apr_time.h"

#include "reqin_visibility.h"

/* Per child. REQIN_SENT to REQIN_DROP_TOO_LARGE are also the outcomes of
 * queueing a line; REQIN_DROPPED sums the REQIN_DROP_* reasons. */
enum { REQIN_SENT, REQIN_DROP_NO_SOCKET, REQIN_DROP_WOULD_BLOCK, REQIN_DROP_ERROR,
       REQIN_DROP_TOO_LARGE, REQIN_DROP_EXIT, REQIN_DROP_KILLED, REQIN_DROPPED,
       REQIN_BUILT, REQIN_PARTIAL, REQIN_CONNECTS, REQIN_CONNECT_FAILURES,
       REQIN_STATS_LINES, REQIN_NCOUNTERS };

/* The phases of the module's work that `make profile` builds time
 * (reqin_profile.h); zero in release builds. */
enum { REQIN_PROF_POST_READ, REQIN_PROF_LOG, REQIN_PROF_FORMAT, REQIN_PROF_QUEUE,
       REQIN_PROF_FLUSH, REQIN_NPROF };

/* One child's counters. n counts for every child that held the record since
 * the server started (their sum is the server's); the current child's own
 * are n - base. */
typedef struct {
    volatile apr_uint32_t pid;          /* the child holding it, 0 none */
    volatile apr_time_t start;          /* when it took the record */
    volatile apr_uint64_t n[REQIN_NCOUNTERS];
    volatile apr_uint64_t base[REQIN_NCOUNTERS];
} reqin_child_stats;

/* In shared memory kept across graceful restarts (ap_retained_data). */
typedef struct {
    volatile apr_uint64_t dropped;      /* all children's drops, for the report */
    volatile apr_uint64_t reported;     /* dropped at the last error log report */
    volatile apr_uint32_t last_report;  /* apr_time_sec() of the last report */
    struct {
        volatile apr_uint64_t cycles, count, preempted;
    } prof[REQIN_NPROF];
    apr_uint32_t nchild;                /* records; the last is shared (below) */
    reqin_child_stats child[1];
} reqin_counters;

/* The sums of a reqin_stats_totals() walk. */
typedef struct {
    apr_uint64_t n[REQIN_NCOUNTERS];    /* with DroppedKilled of dead children */
    apr_uint64_t queued;                /* held by live children */
    apr_uint32_t children;              /* live children with a record */
} reqin_totals;

/* Set in post_config (the parent); NULL when the shared memory is missing. */
extern REQIN_HIDDEN reqin_counters *reqin_stats;

/* This child's record: its own, or, when none was free, the last record,
 * shared by such children (sums stay exact, per child they are not). */
extern REQIN_HIDDEN reqin_child_stats *reqin_me;

/* Seconds between a child's stats lines (ReqinLogStats), 0 for none. */
extern REQIN_HIDDEN int reqin_stats_every;

/* The size of the counters for `children` records (and the shared one). */
REQIN_HIDDEN apr_size_t reqin_stats_size(int children);

/* Zeroes fresh counters of reqin_stats_size(children) bytes. */
REQIN_HIDDEN void reqin_stats_init(reqin_counters *c, int children);

/* Takes a record for this child (child_init); counts what a dead child
 * left in it as DroppedKilled first. */
REQIN_HIDDEN void reqin_stats_claim(void);

/* Counts `lines` dropped for `reason` (a REQIN_DROP_*), in this child's
 * record and the server's total. */
REQIN_HIDDEN void reqin_stats_drop(int reason, apr_uint64_t lines);

/* Gives the record back at child exit, once its last counts are in. */
REQIN_HIDDEN void reqin_stats_release(void);

/* The current child's counter i of record c. */
REQIN_HIDDEN apr_uint64_t reqin_stats_own(const reqin_child_stats *c, int i);

/* What c's child holds: built - sent - dropped (0 if it raced negative). */
REQIN_HIDDEN apr_uint64_t reqin_stats_held(const reqin_child_stats *c);

/* 1 when c's child is alive (or c is the shared record). */
REQIN_HIDDEN int reqin_stats_alive(const reqin_child_stats *c);

REQIN_HIDDEN void reqin_stats_totals(reqin_totals *t);

/* The stats line (with its newline) of this child into buf; conn_lines is
 * the event lines queued on the connection before it. Returns its length,
 * 0 when it does not fit or this child has no record of its own. */
REQIN_HIDDEN apr_size_t reqin_stats_line(char *buf, apr_size_t size, apr_uint64_t conn_lines,
                                         int final);

#endif /* REQIN_STATS_H */
