/* reqin_drops: mod_reqin_log's report of dropped events to the error log.
 *
 * Part of ja4-platform (BSD-3-Clause). Drops are counted in shared memory
 * (reqin_stats, which outlives graceful restarts); the report names how many
 * since the last one, at most once per ReqinLogDropReport interval for the
 * whole server however many children are dropping, so a stalled reader
 * cannot flood the log. Drops that come within an interval are reported
 * when it ends, by a flusher that waits for it (reqin_flusher.c), not only
 * if another drop follows: the log's count always catches up with the
 * counters.
 */

#include "reqin_socket.h"

#include "http_log.h"

#include "apr_atomic.h"

int reqin_report_every = 60;

apr_interval_time_t reqin_report_drops(server_rec *s)
{
    apr_uint32_t now = (apr_uint32_t)apr_time_sec(apr_time_now());
    apr_uint32_t last = apr_atomic_read32(&reqin_stats->last_report);
    apr_uint64_t dropped = apr_atomic_read64(&reqin_stats->dropped), before;

    if (dropped == apr_atomic_read64(&reqin_stats->reported)) {
        return -1;
    }
    if (now - last < (apr_uint32_t)reqin_report_every) {
        return apr_time_from_sec(last + reqin_report_every - now);
    }
    /* One child wins the compare-and-swap, so the whole server logs at most
     * once an interval however many children are dropping. */
    if (apr_atomic_cas32(&reqin_stats->last_report, now, last) != last) {
        return apr_time_from_sec(reqin_report_every);
    }
    before = apr_atomic_xchg64(&reqin_stats->reported, dropped);
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "REQIN01: dropped %" APR_UINT64_T_FMT
                 " events since the last report (%" APR_UINT64_T_FMT " in total); "
                 "socket %s", dropped - before, dropped, reqin_socket_path);
    return -1;
}
