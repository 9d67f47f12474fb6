/* reqin_stats: mod_reqin_log's counters, per child process and summed, and
 * the stats line.
 *
 * Part of ja4-platform (BSD-3-Clause). See reqin_stats.h and "Every event
 * accounted for" in README.md.
 */

#include "reqin_stats.h"

#include "apr_atomic.h"
#include "apr_strings.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

reqin_counters *reqin_stats;
reqin_child_stats *reqin_me;
int reqin_stats_every = 10;

apr_size_t reqin_stats_size(int children)
{
    return offsetof(reqin_counters, child) + (apr_size_t)(children + 1) * sizeof(reqin_child_stats);
}

void reqin_stats_init(reqin_counters *c, int children)
{
    memset(c, 0, reqin_stats_size(children));
    c->nchild = (apr_uint32_t)children + 1;
}

apr_uint64_t reqin_stats_own(const reqin_child_stats *c, int i)
{
    return c->n[i] - c->base[i];
}

apr_uint64_t reqin_stats_held(const reqin_child_stats *c)
{
    apr_uint64_t built = reqin_stats_own(c, REQIN_BUILT);
    apr_uint64_t out = reqin_stats_own(c, REQIN_SENT) + reqin_stats_own(c, REQIN_DROPPED);

    /* The counters are read one by one while the child counts: a line sent
     * between the two reads is not negative. */
    return built > out ? built - out : 0;
}

int reqin_stats_alive(const reqin_child_stats *c)
{
    pid_t pid = (pid_t)c->pid;

    if (c == &reqin_stats->child[reqin_stats->nchild - 1]) {
        return 1;
    }
    /* EPERM: alive, under another user (the parent runs as root). */
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Takes record c from the child that held it: what that child still held
 * when it died is lost, and counted. */
static void reqin_stats_take(reqin_child_stats *c)
{
    apr_uint64_t lost = reqin_stats_held(c);
    int i;

    if (lost) {
        apr_atomic_add64(&c->n[REQIN_DROP_KILLED], lost);
        apr_atomic_add64(&c->n[REQIN_DROPPED], lost);
        apr_atomic_add64(&reqin_stats->dropped, lost);
    }
    for (i = 0; i < REQIN_NCOUNTERS; i++) {
        c->base[i] = c->n[i];
    }
    c->start = apr_time_now();
    reqin_me = c;
}

void reqin_stats_claim(void)
{
    apr_uint32_t me = (apr_uint32_t)getpid(), i, last = reqin_stats->nchild - 1;

    /* A free record first; else one whose child died without exiting. */
    for (i = 0; i < last; i++) {
        if (apr_atomic_cas32(&reqin_stats->child[i].pid, me, 0) == 0) {
            reqin_stats_take(&reqin_stats->child[i]);
            return;
        }
    }
    for (i = 0; i < last; i++) {
        apr_uint32_t pid = reqin_stats->child[i].pid;

        if ((pid == me || !reqin_stats_alive(&reqin_stats->child[i]))
            && apr_atomic_cas32(&reqin_stats->child[i].pid, me, pid) == pid) {
            reqin_stats_take(&reqin_stats->child[i]);
            return;
        }
    }
    reqin_me = &reqin_stats->child[last];
}

void reqin_stats_drop(int reason, apr_uint64_t lines)
{
    apr_atomic_add64(&reqin_me->n[reason], lines);
    apr_atomic_add64(&reqin_me->n[REQIN_DROPPED], lines);
    apr_atomic_add64(&reqin_stats->dropped, lines);
}

void reqin_stats_release(void)
{
    if (reqin_me && reqin_me != &reqin_stats->child[reqin_stats->nchild - 1]) {
        apr_atomic_set32(&reqin_me->pid, 0);
    }
}

void reqin_stats_totals(reqin_totals *t)
{
    apr_uint32_t i;
    int k;

    memset(t, 0, sizeof(*t));
    for (i = 0; i < reqin_stats->nchild; i++) {
        const reqin_child_stats *c = &reqin_stats->child[i];
        apr_uint64_t held = c->pid || i == reqin_stats->nchild - 1 ? reqin_stats_held(c) : 0;

        for (k = 0; k < REQIN_NCOUNTERS; k++) {
            t->n[k] += c->n[k];
        }
        if (held && reqin_stats_alive(c)) {
            t->queued += held;
        }
        else if (held) {
            t->n[REQIN_DROP_KILLED] += held;
            t->n[REQIN_DROPPED] += held;
        }
        t->children += c->pid && i < reqin_stats->nchild - 1 && reqin_stats_alive(c);
    }
}

apr_size_t reqin_stats_line(char *buf, apr_size_t size, apr_uint64_t conn_lines, int final)
{
    const reqin_child_stats *c = reqin_me;
    int n;

    if (!c || c == &reqin_stats->child[reqin_stats->nchild - 1]) {
        return 0;
    }
#define OWN(i) reqin_stats_own(c, (i))
    n = apr_snprintf(buf, size,
        "{\"type\":\"reqin_stats\",\"ts_us\":%" APR_TIME_T_FMT ",\"pid\":%u,\"child_start_us\":%"
        APR_TIME_T_FMT ",\"built\":%" APR_UINT64_T_FMT ",\"sent\":%" APR_UINT64_T_FMT
        ",\"dropped\":%" APR_UINT64_T_FMT ",\"dropped_no_socket\":%" APR_UINT64_T_FMT
        ",\"dropped_would_block\":%" APR_UINT64_T_FMT ",\"dropped_error\":%" APR_UINT64_T_FMT
        ",\"dropped_too_large\":%" APR_UINT64_T_FMT ",\"dropped_exit\":%" APR_UINT64_T_FMT
        ",\"partial_writes\":%" APR_UINT64_T_FMT ",\"connects\":%" APR_UINT64_T_FMT
        ",\"connect_failures\":%" APR_UINT64_T_FMT ",\"conn_lines\":%" APR_UINT64_T_FMT
        ",\"final\":%s}\n",
        apr_time_now(), (unsigned)c->pid, (apr_time_t)c->start, OWN(REQIN_BUILT), OWN(REQIN_SENT),
        OWN(REQIN_DROPPED), OWN(REQIN_DROP_NO_SOCKET), OWN(REQIN_DROP_WOULD_BLOCK),
        OWN(REQIN_DROP_ERROR), OWN(REQIN_DROP_TOO_LARGE), OWN(REQIN_DROP_EXIT),
        OWN(REQIN_PARTIAL), OWN(REQIN_CONNECTS), OWN(REQIN_CONNECT_FAILURES), conn_lines,
        final ? "true" : "false");
#undef OWN
    return n > 0 && (apr_size_t)n < size - 1 ? (apr_size_t)n : 0;
}
