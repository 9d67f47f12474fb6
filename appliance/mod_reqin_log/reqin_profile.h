/* reqin_profile: the CPU cycles of mod_reqin_log's own work, in `make
 * profile` builds only.
 *
 * Part of ja4-platform (BSD-3-Clause). The benchmark's requests/s ratio moves
 * by several % between runs on a shared machine, and hardware performance
 * counters are often not exposed to a virtual machine; the time-stamp counter read around each phase of the module's work gives that
 * work's cost to about 2% in a few seconds (npm run bench:module reports it).
 * It leaves out what the work costs httpd's own code afterwards (the caches
 * it displaced), which only the requests/s ratio sees. A release build
 * compiles every macro here to nothing.
 */

#ifndef REQIN_PROFILE_H
#define REQIN_PROFILE_H

#include "apr_atomic.h"

#include "reqin_socket.h"

/* The phases, in the shared counters' prof[] (reqin_socket.h). */
#define REQIN_PROFILE_NAMES \
    "PostReadRequest", "LogTransaction", "Format", "Queue", "Flush"

#ifdef REQIN_PROFILE
#if !defined(__x86_64__) && !defined(__i386__)
#error "REQIN_PROFILE reads the x86 time-stamp counter"
#endif
#include <x86intrin.h>

/* A phase that took longer was preempted: counted apart, not summed. */
#define REQIN_PROFILE_MAX 200000

#define REQIN_PROF_BEGIN(t) const apr_uint64_t t = __rdtsc()
#define REQIN_PROF_END(t, phase) reqin_profile_add((phase), __rdtsc() - (t))

static APR_INLINE void reqin_profile_add(int phase, apr_uint64_t cycles)
{
    if (!reqin_stats) {
        return;
    }
    if (cycles > REQIN_PROFILE_MAX) {
        apr_atomic_inc64(&reqin_stats->prof[phase].preempted);
        return;
    }
    apr_atomic_add64(&reqin_stats->prof[phase].cycles, cycles);
    apr_atomic_inc64(&reqin_stats->prof[phase].count);
}
#else
#define REQIN_PROF_BEGIN(t) (void)0
#define REQIN_PROF_END(t, phase) (void)0
#endif

#endif /* REQIN_PROFILE_H */
