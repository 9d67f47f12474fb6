/* reqin_socket: mod_reqin_log's per-process, never-blocking socket writer.
 *
 * Part of ja4-platform (BSD-3-Clause). An event is appended, a whole line,
 * to a per-process buffer that a flusher thread sends at most
 * REQIN_FLUSH_DELAY later (sooner from REQIN_FLUSH_BYTES): one send() per
 * event would cost ~3 us, several % of a static file request. Bytes leave
 * the buffer only from its front, so a partial send never leaves a broken or
 * interleaved line. No worker waits: the mutex is held for one memcpy() or
 * one non-blocking send().
 */

#include "reqin_socket.h"
#include "reqin_profile.h"

#include "http_log.h"

#include "apr_atomic.h"
#include "apr_strings.h"
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"
#include "apr_thread_proc.h"

#if !APR_HAS_THREADS
#error "mod_reqin_log needs APR with threads (its flusher is a thread)"
#endif

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REQIN_BACKOFF_MIN apr_time_from_msec(100)
#define REQIN_BACKOFF_MAX apr_time_from_sec(2)
#define REQIN_FLUSH_BYTES (REQIN_BUF_SIZE / 2)  /* wake the flusher early */
#define REQIN_FLUSH_DELAY apr_time_from_msec(50)   /* batch window */
#define REQIN_FLUSH_DELAY_MAX apr_time_from_msec(200) /* stalled reader */
#define REQIN_FLUSH_RETRY apr_time_from_msec(5)    /* the kernel took part */
#define REQIN_EXIT_DRAIN apr_time_from_msec(500)   /* at exit, per phase */

/* Per child process, guarded by mutex. */
typedef struct {
    int fd;                         /* -1 when not connected */
    apr_time_t next_attempt;
    apr_interval_time_t backoff;
    char *buf;                      /* whole lines not yet sent, in order */
    apr_size_t len;
    apr_uint64_t lines;             /* line ends in buf */
    int midline;                    /* the socket has part of buf's first line */
    int idle;                       /* the flusher waits for a first line */
    int stop;
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *wake;        /* a first line, REQIN_FLUSH_BYTES, or stop */
    apr_thread_t *flusher;
} reqin_child;

reqin_counters *reqin_stats;
const char *reqin_socket_path;
static reqin_child reqin_proc = { -1 };

static apr_uint64_t reqin_lines(const char *p, apr_size_t n)
{
    const char *end = p + n;
    apr_uint64_t lines = 0;

    for (; p < end && (p = memchr(p, '\n', end - p)) != NULL; p++) {
        lines++;
    }
    return lines;
}

static void reqin_disconnect(void)
{
    if (reqin_proc.fd >= 0) {
        close(reqin_proc.fd);
        reqin_proc.fd = -1;
    }
    /* The reader is gone with what it had not read: drop what is left, so
     * that a new connection starts on a line. */
    apr_atomic_add64(&reqin_stats->n[REQIN_DROP_ERROR], reqin_proc.lines);
    apr_atomic_add64(&reqin_stats->n[REQIN_DROPPED], reqin_proc.lines);
    reqin_proc.len = reqin_proc.lines = 0;
    reqin_proc.midline = 0;
}

static int reqin_connect(void)
{
    struct sockaddr_un sa = { AF_UNIX };
    apr_time_t now = apr_time_now();
    int fd;

    if (now < reqin_proc.next_attempt) {
        return 0;
    }
    apr_cpystrn(sa.sun_path, reqin_socket_path, sizeof(sa.sun_path));
    /* A non-blocking AF_UNIX connect completes or fails at once (EAGAIN
     * when the listener's backlog is full): it never waits. */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
        reqin_proc.fd = fd;
        reqin_proc.backoff = 0;
        apr_atomic_inc64(&reqin_stats->n[REQIN_CONNECTS]);
        return 1;
    }
    if (fd >= 0) {
        close(fd);
    }
    reqin_proc.backoff = !reqin_proc.backoff ? REQIN_BACKOFF_MIN
                       : reqin_proc.backoff * 2 > REQIN_BACKOFF_MAX ? REQIN_BACKOFF_MAX
                       : reqin_proc.backoff * 2;
    reqin_proc.next_attempt = now + reqin_proc.backoff;
    apr_atomic_inc64(&reqin_stats->n[REQIN_CONNECT_FAILURES]);
    return 0;
}

/* Sends what the kernel takes now of the buffer's first max bytes. */
static void reqin_send(apr_size_t max)
{
    ssize_t n;
    apr_uint64_t sent;

    if (reqin_proc.fd < 0 || !reqin_proc.len) {
        return;
    }
    n = send(reqin_proc.fd, reqin_proc.buf, max < reqin_proc.len ? max : reqin_proc.len,
             MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            reqin_disconnect();
        }
        return;
    }
    /* Lines are counted only after a partial send. */
    sent = (apr_size_t)n == reqin_proc.len ? reqin_proc.lines : reqin_lines(reqin_proc.buf, n);
    reqin_proc.lines -= sent;
    apr_atomic_add64(&reqin_stats->n[REQIN_SENT], sent);
    if ((apr_size_t)n < reqin_proc.len) {
        apr_atomic_inc64(&reqin_stats->n[REQIN_PARTIAL]);
    }
    if (n > 0) {
        reqin_proc.midline = reqin_proc.buf[n - 1] != '\n';
    }
    reqin_proc.len -= n;
    memmove(reqin_proc.buf, reqin_proc.buf + n, reqin_proc.len);
}

#define reqin_flush() reqin_send(reqin_proc.len)

/* Returns REQIN_SENT once the line is queued, else why it was dropped;
 * sets *wake when the flusher is to be woken. */
static int reqin_append(const char *line, apr_size_t len, int *wake)
{
    if (len > REQIN_BUF_SIZE) {
        return REQIN_DROP_TOO_LARGE;
    }
    if (reqin_proc.fd < 0 && !reqin_connect()) {
        return REQIN_DROP_NO_SOCKET;
    }
    if (reqin_proc.len + len > REQIN_BUF_SIZE) {
        reqin_flush();              /* room, if the reader keeps up */
        if (reqin_proc.fd < 0) {
            return REQIN_DROP_ERROR;
        }
        if (reqin_proc.len + len > REQIN_BUF_SIZE) {
            return REQIN_DROP_WOULD_BLOCK;
        }
    }
    memcpy(reqin_proc.buf + reqin_proc.len, line, len);
    reqin_proc.len += len;
    reqin_proc.lines++;
    if (!reqin_proc.flusher) {
        reqin_flush();
    }
    else if (reqin_proc.idle) {     /* the first line after a quiet window */
        reqin_proc.idle = 0;
        *wake = 1;
    }
    else {                          /* once, as the buffer passes the mark */
        *wake = reqin_proc.len >= REQIN_FLUSH_BYTES
                && reqin_proc.len - len < REQIN_FLUSH_BYTES;
    }
    return REQIN_SENT;
}

static void *APR_THREAD_FUNC reqin_flusher(apr_thread_t *thd, void *data)
{
    apr_interval_time_t delay = REQIN_FLUSH_DELAY;
    apr_size_t before;

    /* A default mutex locked by its owner thread cannot fail here. */
    apr_thread_mutex_lock(reqin_proc.mutex);
    while (!reqin_proc.stop) {
        /* While lines come, only this timeout wakes the flusher: a worker's
         * signal costs a futex call and two context switches. After a
         * window without lines it waits for the next first line. */
        apr_thread_cond_timedwait(reqin_proc.wake, reqin_proc.mutex, delay);
        if (!reqin_proc.len) {
            reqin_proc.idle = 1;
            while (reqin_proc.idle && !reqin_proc.stop) {
                apr_thread_cond_wait(reqin_proc.wake, reqin_proc.mutex);
            }
            reqin_proc.idle = 0;
            continue;               /* then a window lets a batch gather */
        }
        before = reqin_proc.len;
        {
            REQIN_PROF_BEGIN(t);
            reqin_flush();
            REQIN_PROF_END(t, REQIN_PROF_FLUSH);
        }
        /* A stalled reader is retried less and less often, a part taken soon. */
        delay = reqin_proc.len >= before
                ? (delay * 2 > REQIN_FLUSH_DELAY_MAX ? REQIN_FLUSH_DELAY_MAX : delay * 2)
              : reqin_proc.len ? REQIN_FLUSH_RETRY : REQIN_FLUSH_DELAY;
    }
    apr_thread_mutex_unlock(reqin_proc.mutex);
    apr_thread_exit(thd, APR_SUCCESS);
    return NULL;
}

void reqin_socket_send(server_rec *s, const char *line, apr_size_t len)
{
    int rc = REQIN_DROP_ERROR, wake = 0;

    if (apr_thread_mutex_lock(reqin_proc.mutex) == APR_SUCCESS) {
        rc = reqin_append(line, len, &wake);
        apr_thread_mutex_unlock(reqin_proc.mutex);
    }
    /* After the unlock: a flusher woken while the lock is held would at
     * once block on it, two more context switches. The buffer changed
     * under the lock, so the flusher either saw it or is waiting. */
    if (wake) {
        apr_thread_cond_signal(reqin_proc.wake);
    }
    if (rc != REQIN_SENT) {
        apr_atomic_inc64(&reqin_stats->n[rc]);
        apr_atomic_inc64(&reqin_stats->n[REQIN_DROPPED]);
        reqin_report_drops(s);
    }
}

static apr_status_t reqin_child_exit(void *data)
{
    apr_status_t rv = APR_EAGAIN;
    apr_time_t give_up;
    int i;

    /* prefork may run this from a signal handler that interrupted a request
     * holding the lock: never wait for it long. */
    for (i = 0; i < 100 && rv != APR_SUCCESS; i++) {
        if ((rv = apr_thread_mutex_trylock(reqin_proc.mutex)) != APR_SUCCESS) {
            apr_sleep(100);
        }
    }
    if (rv != APR_SUCCESS) {
        return APR_SUCCESS;
    }
    reqin_proc.stop = 1;
    apr_thread_cond_signal(reqin_proc.wake);
    apr_thread_mutex_unlock(reqin_proc.mutex);
    if (reqin_proc.flusher) {
        apr_thread_join(&rv, reqin_proc.flusher);
    }
    /* The last lines while the reader takes them (REQIN_EXIT_DRAIN); then, if
     * the kernel holds part of a line, that line's rest alone (as long again):
     * a reader that keeps reading never ends on a broken line. What is left is
     * dropped and counted, whole lines. */
    give_up = apr_time_now() + REQIN_EXIT_DRAIN;
    while (reqin_proc.fd >= 0 && reqin_proc.len) {
        struct pollfd out = { reqin_proc.fd, POLLOUT, 0 };
        const char *nl = memchr(reqin_proc.buf, '\n', reqin_proc.len);
        apr_time_t now = apr_time_now();

        if (now >= give_up && (!reqin_proc.midline || now >= give_up + REQIN_EXIT_DRAIN)) {
            break;
        }
        reqin_send(now < give_up || !nl ? reqin_proc.len : (apr_size_t)(nl - reqin_proc.buf) + 1);
        if (reqin_proc.fd >= 0 && reqin_proc.len) {
            poll(&out, 1, 1);
        }
    }
    reqin_disconnect();
    free(reqin_proc.buf);
    reqin_proc.buf = NULL;
    return APR_SUCCESS;
}

void reqin_socket_child_init(apr_pool_t *p, server_rec *s, const char *path)
{
    sigset_t all, old;
    apr_status_t rv;

    reqin_proc.fd = -1;
    if (!path || !(reqin_proc.buf = malloc(REQIN_BUF_SIZE))) {
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
