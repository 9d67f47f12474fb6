/* reqin_status: mod_reqin_log's status page (SetHandler reqin-log-status).
 *
 * Part of ja4-platform (BSD-3-Clause). Like mod_status's ?auto, one
 * "Name: value" line per counter, summed over every child since the server
 * started (the counters are in shared memory); `make profile` builds add
 * the cycles of each phase of the module's work (reqin_profile.h).
 */

#include "httpd.h"
#include "http_protocol.h"

#include "apr_atomic.h"

#include <string.h>

#include "reqin_event.h"
#include "reqin_profile.h"
#include "reqin_socket.h"

#define REQIN_HANDLER "reqin-log-status"

/* In the order of the REQIN_* counters (reqin_stats.h). */
static const char *const reqin_counter_names[REQIN_NCOUNTERS] = {
    "EventsSent", "DroppedNoSocket", "DroppedWouldBlock", "DroppedError", "DroppedTooLarge",
    "DroppedExit", "DroppedKilled", "EventsDropped", "EventsBuilt", "PartialWrites", "Connects",
    "ConnectFailures", "StatsLines"
};

/* One line per child holding a record: "Child <pid>: Name value ...", its
 * own counters and what it holds (Queued, or Lost once it is dead). */
static void reqin_status_children(request_rec *r)
{
    static const int shown[] = { REQIN_BUILT, REQIN_SENT, REQIN_DROPPED, REQIN_DROP_NO_SOCKET,
                                 REQIN_DROP_WOULD_BLOCK, REQIN_DROP_ERROR, REQIN_DROP_TOO_LARGE,
                                 REQIN_DROP_EXIT };
    apr_uint32_t i;
    int k;

    for (i = 0; i + 1 < reqin_stats->nchild; i++) {
        const reqin_child_stats *c = &reqin_stats->child[i];
        apr_uint32_t pid = c->pid;
        int alive = pid && reqin_stats_alive(c);

        if (!pid) {
            continue;
        }
        ap_rprintf(r, "Child %u:", (unsigned)pid);
        for (k = 0; k < (int)(sizeof(shown) / sizeof(shown[0])); k++) {
            ap_rprintf(r, " %s %" APR_UINT64_T_FMT, reqin_counter_names[shown[k]],
                       reqin_stats_own(c, shown[k]));
        }
        ap_rprintf(r, " %s %" APR_UINT64_T_FMT " Alive %d\n", alive ? "Queued" : "Lost",
                   reqin_stats_held(c), alive);
    }
}

#ifdef REQIN_PROFILE
/* TscHz, the time-stamp counter's ticks per second (counted over 2 ms, to
 * turn cycles into time), then per phase its cycles, the times it was
 * timed, and the times it was preempted (left out of the cycles). */
static void reqin_status_profile(request_rec *r)
{
    static const char *const names[REQIN_NPROF] = { REQIN_PROFILE_NAMES };
    apr_time_t t0 = apr_time_now(), t1;
    apr_uint64_t c0 = __rdtsc();
    int i;

    while ((t1 = apr_time_now()) - t0 < 2000);
    ap_rprintf(r, "TscHz: %" APR_UINT64_T_FMT "\n",
               (apr_uint64_t)((__rdtsc() - c0) * 1e6 / (double)(t1 - t0)));
    for (i = 0; i < REQIN_NPROF; i++) {
        ap_rprintf(r, "Cycles%s: %" APR_UINT64_T_FMT "\nTimed%s: %" APR_UINT64_T_FMT
                   "\nPreempted%s: %" APR_UINT64_T_FMT "\n",
                   names[i], apr_atomic_read64(&reqin_stats->prof[i].cycles),
                   names[i], apr_atomic_read64(&reqin_stats->prof[i].count),
                   names[i], apr_atomic_read64(&reqin_stats->prof[i].preempted));
    }
}
#endif

int reqin_status_handler(request_rec *r)
{
    reqin_totals t;
    int i;

    /* Asked of every request: most are told by the first byte. */
    if (!r->handler || r->handler[0] != REQIN_HANDLER[0] || strcmp(r->handler, REQIN_HANDLER)) {
        return DECLINED;
    }
    r->allowed |= (AP_METHOD_BIT << M_GET);
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    ap_set_content_type(r, "text/plain; charset=ISO-8859-1");
    if (r->header_only || !reqin_stats) {
        return OK;
    }
    ap_rprintf(r, "Socket: %s\nEnabled: %s\n", reqin_socket_path ? reqin_socket_path : "",
               reqin_enabled(r->server) ? "on" : "off");
    /* Summed over every child since the server started: EventsBuilt =
     * EventsSent + EventsDropped + EventsQueued. */
    reqin_stats_totals(&t);
    for (i = 0; i < REQIN_NCOUNTERS; i++) {
        ap_rprintf(r, "%s: %" APR_UINT64_T_FMT "\n", reqin_counter_names[i], t.n[i]);
    }
    ap_rprintf(r, "EventsQueued: %" APR_UINT64_T_FMT "\nChildren: %u\n", t.queued,
               (unsigned)t.children);
    reqin_status_children(r);
#ifdef REQIN_PROFILE
    reqin_status_profile(r);
#endif
    return OK;
}
