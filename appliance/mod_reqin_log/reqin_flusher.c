/* reqin_flusher: mod_reqin_log's flusher thread, one per child process.
 *
 * Part of ja4-platform (BSD-3-Clause). It takes the workers' buffer at most
 * REQIN_FLUSH_DELAY after its first line (sooner from REQIN_FLUSH_BYTES),
 * giving them its other, empty one, and sends it without the mutex, whole
 * before it takes the next; at child exit it sends what is left while the
 * reader takes it. See "Never blocking a worker" in README.md.
 */

#include "reqin_child.h"

#include "http_log.h"

#include "apr_time.h"

#if !APR_HAS_THREADS
#error "mod_reqin_log needs APR with threads (its flusher is a thread)"
#endif

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define REQIN_FLUSH_DELAY apr_time_from_msec(50)   /* batch window */
#define REQIN_EXIT_DRAIN apr_time_from_msec(500)   /* at exit, per phase */

/* Under the mutex: queues a stats line and reports drops when they are due;
 * returns how long until one of them is, -1 when nothing waits. */
static apr_interval_time_t reqin_due(void)
{
    apr_interval_time_t stats = reqin_queue_stats(apr_time_now(), 0);
    apr_interval_time_t drops = reqin_report_drops(reqin_proc.server);

    return stats < 0 ? drops : drops < 0 || stats < drops ? stats : drops;
}

/* After a window without lines, waits for the next first line, or until a
 * stats line or a drop report is due (then queued, or logged). */
static void reqin_idle(void)
{
    apr_interval_time_t due;

    reqin_proc.idle = 1;
    while (reqin_proc.idle && !reqin_proc.stop) {
        due = reqin_due();
        if (reqin_proc.in.len) {
            break;                  /* a stats line to send */
        }
        if (due < 0) {
            apr_thread_cond_wait(reqin_proc.wake, reqin_proc.mutex);
        }
        else {
            apr_thread_cond_timedwait(reqin_proc.wake, reqin_proc.mutex, due);
        }
    }
    reqin_proc.idle = 0;
}

static void *APR_THREAD_FUNC reqin_flusher(apr_thread_t *thd, void *data)
{
    /* A default mutex locked by its owner thread cannot fail here. */
    apr_thread_mutex_lock(reqin_proc.mutex);
    while (!reqin_proc.stop) {
        /* While lines come, only this timeout wakes the flusher: a worker's
         * signal costs a futex call and two context switches. After a
         * window without lines it waits for the next first line. A worker
         * that passed REQIN_FLUSH_BYTES during the last send() signalled
         * no one, and a batch the reader has not all taken is sent again
         * once poll() said it took more: neither waits a window. */
        if (reqin_proc.sending || (!reqin_proc.out.len && reqin_proc.in.len < REQIN_FLUSH_BYTES)) {
            apr_thread_cond_timedwait(reqin_proc.wake, reqin_proc.mutex, REQIN_FLUSH_DELAY);
        }
        if (!reqin_proc.in.len && !reqin_proc.out.len) {
            reqin_idle();
            continue;               /* then a window lets a batch gather */
        }
        reqin_due();
        if (!reqin_proc.sending) {  /* else a worker that found its buffer full */
            reqin_take_and_send(1);
        }
    }
    apr_thread_mutex_unlock(reqin_proc.mutex);
    apr_thread_exit(thd, APR_SUCCESS);
    return NULL;
}

/* At exit, after the flusher: the last lines while the reader takes them
 * (REQIN_EXIT_DRAIN), the flusher's first; then, if the kernel holds part of
 * a line, that line's rest alone (as long again): a reader that keeps
 * reading never ends on a broken line. What is left is dropped and counted
 * (DroppedExit), whole lines. */
static void reqin_drain(void)
{
    apr_time_t give_up = apr_time_now() + REQIN_EXIT_DRAIN;

    while (reqin_proc.fd >= 0 && (reqin_proc.out.len || reqin_proc.in.len)) {
        reqin_queue *q = reqin_proc.out.len ? &reqin_proc.out : &reqin_proc.in;
        struct pollfd out = { reqin_proc.fd, POLLOUT, 0 };
        const char *nl = memchr(q->d, '\n', q->len);
        apr_time_t now = apr_time_now();

        if (now >= give_up && (!q->midline || now >= give_up + REQIN_EXIT_DRAIN)) {
            break;
        }
        if (reqin_send(q, reqin_proc.fd,
                       now < give_up || !nl ? q->len : (apr_size_t)(nl - q->d) + 1) < 0) {
            break;
        }
        if (q->len) {
            poll(&out, 1, 1);
        }
    }
    reqin_disconnect(REQIN_DROP_EXIT);
}

static apr_status_t reqin_child_exit(void *data)
{
    apr_status_t rv = APR_EAGAIN;
    int i;

    /* prefork may run this from a signal handler that interrupted a request
     * holding the lock: never wait for it long. Then what the queues hold
     * is counted as dropped at exit, unsent. */
    for (i = 0; i < 100 && rv != APR_SUCCESS; i++) {
        if ((rv = apr_thread_mutex_trylock(reqin_proc.mutex)) != APR_SUCCESS) {
            apr_sleep(100);
        }
    }
    if (rv != APR_SUCCESS) {
        reqin_proc.fd = -1;
        reqin_disconnect(REQIN_DROP_EXIT);
        reqin_stats_release();
        return APR_SUCCESS;
    }
    reqin_proc.stop = 1;
    apr_thread_cond_signal(reqin_proc.wake);
    apr_thread_mutex_unlock(reqin_proc.mutex);
    if (reqin_proc.flusher) {
        apr_thread_join(&rv, reqin_proc.flusher);
    }
    /* The child's last word: its counters once its lines are queued. */
    reqin_queue_stats(apr_time_now(), 1);
    reqin_drain();
    reqin_stats_release();
    free(reqin_proc.in.d);
    free(reqin_proc.out.d);
    reqin_proc.in.d = reqin_proc.out.d = NULL;
    return APR_SUCCESS;
}

void reqin_socket_child_init(apr_pool_t *p, server_rec *s, const char *path)
{
    sigset_t all, old;
    apr_status_t rv;

    reqin_proc.fd = -1;
    reqin_proc.server = s;
    if (path) {
        reqin_stats_claim();
    }
    reqin_proc.in.d = path ? malloc(REQIN_BUF_SIZE) : NULL;
    reqin_proc.out.d = reqin_proc.in.d ? malloc(REQIN_BUF_SIZE) : NULL;
    if (!reqin_proc.out.d) {
        free(reqin_proc.in.d);
        reqin_proc.in.d = NULL;
        return;
    }
    if ((rv = apr_thread_mutex_create(&reqin_proc.mutex, APR_THREAD_MUTEX_DEFAULT, p))
        || (rv = apr_thread_cond_create(&reqin_proc.wake, p))) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, "REQIN02: no mutex; logging is off");
        return;
    }
    /* The flusher takes no signals: the MPM's must reach its own threads. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rv = apr_thread_create(&reqin_proc.flusher, NULL, reqin_flusher, NULL, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rv != APR_SUCCESS) {
        reqin_proc.flusher = NULL;  /* then every event is sent at once */
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, "REQIN04: no flusher thread");
    }
    /* A pre-cleanup runs before the thread's subpool is destroyed. */
    apr_pool_pre_cleanup_register(p, NULL, reqin_child_exit);
    reqin_socket_path = path;
}
