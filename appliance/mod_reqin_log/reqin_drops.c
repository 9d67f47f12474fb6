/* reqin_drops: mod_reqin_log's report of dropped events to the error log.
 *
 * Part of ja4-platform (BSD-3-Clause). Drops are counted in shared memory
 * (reqin_stats, which outlives graceful restarts); the report names how many
 * since the last one, at most once a minute for the whole server however
 * many children are dropping, so a stalled reader cannot flood the log.
 */

#include "reqin_socket.h"

#include "http_log.h"

#include "apr_atomic.h"

#define REQIN_REPORT_EVERY 60             /* seconds between drop reports */

void reqin_report_drops(server_rec *s)
{
    apr_uint32_t now = (apr_uint32_t)apr_time_sec(apr_time_now());
    apr_uint32_t last = apr_atomic_read32(&reqin_stats->last_report);
    apr_uint64_t dropped, before;

    /* One child wins the compare-and-swap, so the whole server logs at most
     * once a minute however many children are dropping. */
    if (now - last < REQIN_REPORT_EVERY
        || apr_atomic_cas32(&reqin_stats->last_report, now, last) != last) {
        return;
    }
    dropped = apr_atomic_read64(&reqin_stats->n[REQIN_DROPPED]);
    before = apr_atomic_xchg64(&reqin_stats->reported, dropped);
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "REQIN01: dropped %" APR_UINT64_T_FMT
                 " events since the last report (%" APR_UINT64_T_FMT " in total); "
                 "socket %s", dropped - before, dropped, reqin_socket_path);
}
