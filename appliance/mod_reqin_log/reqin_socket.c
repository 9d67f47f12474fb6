/* reqin_socket: mod_reqin_log's per-process, never-blocking socket writer,
 * the workers' side.
 *
 * Part of ja4-platform (BSD-3-Clause). An event is appended, a whole line,
 * to the per-process buffer that the flusher thread (reqin_flusher.c) takes
 * and sends: one send() per event would cost ~3 us, several % of a static
 * file request. Bytes leave a buffer only from its front, so a partial send
 * never leaves a broken or interleaved line. No worker waits for a send: the
 * mutex is held for one memcpy() or the flusher's exchange of two buffers.
 * The socket is connected lazily, by the first worker with a line.
 */

#include "reqin_child.h"
#include "reqin_profile.h"

#include "apr_atomic.h"
#include "apr_strings.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REQIN_BACKOFF_MIN apr_time_from_msec(100)
#define REQIN_BACKOFF_MAX apr_time_from_sec(2)
#define REQIN_POLL_MS 50                /* a stalled reader, per wait */
#define REQIN_REWIND_MAX (16 * 1024)    /* copied back after a send, at most */

const char *reqin_socket_path;
reqin_child reqin_proc = { -1 };

static apr_uint64_t reqin_lines(const char *p, apr_size_t n)
{
    const char *end = p + n;
    apr_uint64_t lines = 0;

    for (; p < end && (p = memchr(p, '\n', end - p)) != NULL; p++) {
        lines++;
    }
    return lines;
}

/* Event lines in q: its stats line is not one. */
static apr_uint64_t reqin_events(const reqin_queue *q)
{
    return q->lines - (q->stats_at != 0);
}

void reqin_disconnect(int reason)
{
    apr_uint64_t lost = reqin_events(&reqin_proc.in) + reqin_events(&reqin_proc.out);

    if (reqin_proc.fd >= 0) {
        close(reqin_proc.fd);
        reqin_proc.fd = -1;
    }
    /* The reader is gone with what it had not read: drop what is left, so
     * that a new connection starts on a line. */
    if (lost) {
        reqin_stats_drop(reason, lost);
    }
    reqin_proc.in.len = reqin_proc.in.lines = reqin_proc.out.len = reqin_proc.out.lines = 0;
    reqin_proc.in.stats_at = reqin_proc.out.stats_at = 0;
    reqin_proc.in.midline = reqin_proc.out.midline = 0;
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
        reqin_proc.conn_lines = 0;
        apr_atomic_inc64(&reqin_me->n[REQIN_CONNECTS]);
        return 1;
    }
    if (fd >= 0) {
        close(fd);
    }
    reqin_proc.backoff = !reqin_proc.backoff ? REQIN_BACKOFF_MIN
                       : reqin_proc.backoff * 2 > REQIN_BACKOFF_MAX ? REQIN_BACKOFF_MAX
                       : reqin_proc.backoff * 2;
    reqin_proc.next_attempt = now + reqin_proc.backoff;
    apr_atomic_inc64(&reqin_me->n[REQIN_CONNECT_FAILURES]);
    return 0;
}

int reqin_send(reqin_queue *q, int fd, apr_size_t max)
{
    ssize_t n;
    apr_uint64_t sent;

    if (fd < 0 || !q->len) {
        return 0;
    }
    n = send(fd, q->d, max < q->len ? max : q->len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    }
    /* Lines are counted only after a partial send. */
    sent = (apr_size_t)n == q->len ? q->lines : reqin_lines(q->d, n);
    q->lines -= sent;
    if (q->stats_at && (apr_size_t)n >= q->stats_at) {
        sent--;                     /* the stats line is not an event */
        q->stats_at = 0;
        apr_atomic_inc64(&reqin_me->n[REQIN_STATS_LINES]);
    }
    else if (q->stats_at) {
        q->stats_at -= n;
    }
    if (sent) {
        apr_atomic_add64(&reqin_me->n[REQIN_SENT], sent);
    }
    if ((apr_size_t)n < q->len) {
        apr_atomic_inc64(&reqin_me->n[REQIN_PARTIAL]);
    }
    if (n > 0) {
        q->midline = q->d[n - 1] != '\n';
    }
    q->len -= n;
    memmove(q->d, q->d + n, q->len);
    return 0;
}

/* Without a flusher the workers send in, under the mutex. */
static void reqin_flush_in(void)
{
    if (reqin_send(&reqin_proc.in, reqin_proc.fd, reqin_proc.in.len) < 0) {
        reqin_disconnect(REQIN_DROP_ERROR);
    }
}

void reqin_take_and_send(int wait)
{
    reqin_queue swap;
    char *sent;
    int failed;

    if (!reqin_proc.out.len) {      /* the workers' lines, for an empty buffer */
        swap = reqin_proc.out;
        reqin_proc.out = reqin_proc.in;
        reqin_proc.in = swap;
    }
    reqin_proc.sending = 1;
    apr_thread_mutex_unlock(reqin_proc.mutex);
    {
        REQIN_PROF_BEGIN(t);
        failed = reqin_send(&reqin_proc.out, reqin_proc.fd, reqin_proc.out.len);
        REQIN_PROF_END(t, REQIN_PROF_FLUSH);
    }
    if (wait && !failed && reqin_proc.out.len) {
        /* The reader is behind: wait, without the mutex, until it has taken
         * most of what the socket holds (or a window passes, to see stop),
         * rather than retry on a timer while the workers' buffer fills. */
        struct pollfd out = { reqin_proc.fd, POLLOUT, 0 };

        poll(&out, 1, REQIN_POLL_MS);
    }
    apr_thread_mutex_lock(reqin_proc.mutex);
    reqin_proc.sending = 0;
    if (failed) {
        reqin_disconnect(REQIN_DROP_ERROR);
    }
    else if (!reqin_proc.out.len && reqin_proc.in.len <= REQIN_REWIND_MAX) {
        /* Back to the buffer the kernel has just read, still in the cache,
         * with the few lines that came during the send: workers then write
         * where the last batch was, as into one buffer. */
        sent = reqin_proc.out.d;
        memcpy(sent, reqin_proc.in.d, reqin_proc.in.len);
        reqin_proc.out.d = reqin_proc.in.d;
        reqin_proc.in.d = sent;
    }
}

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
    if (reqin_proc.in.len + len > REQIN_BUF_SIZE) {
        if (reqin_proc.flusher) {
            /* The flusher has not come (a busy CPU may not run it for tens
             * of ms): this worker sends the batch, unless a send is under
             * way or a batch waits for the reader, who is then behind. */
            if (!reqin_proc.sending && !reqin_proc.out.len) {
                reqin_take_and_send(0);
            }
        }
        else {
            reqin_flush_in();       /* room, if the reader keeps up */
        }
        if (reqin_proc.fd < 0) {
            return REQIN_DROP_ERROR;
        }
        if (reqin_proc.in.len + len > REQIN_BUF_SIZE) {
            return REQIN_DROP_WOULD_BLOCK;
        }
    }
    memcpy(reqin_proc.in.d + reqin_proc.in.len, line, len);
    reqin_proc.in.len += len;
    reqin_proc.in.lines++;
    reqin_proc.conn_lines++;
    if (!reqin_proc.flusher) {
        reqin_flush_in();
    }
    else if (reqin_proc.idle) {     /* the first line after a quiet window */
        reqin_proc.idle = 0;
        *wake = 1;
    }
    else {                          /* once, as the buffer passes the mark */
        *wake = reqin_proc.in.len >= REQIN_FLUSH_BYTES
                && reqin_proc.in.len - len < REQIN_FLUSH_BYTES;
    }
    return REQIN_SENT;
}

apr_interval_time_t reqin_queue_stats(apr_time_t now, int final)
{
    const volatile apr_uint64_t *n = reqin_me->n, *base = reqin_me->base;
    apr_uint64_t seen[3];
    char line[512];
    apr_size_t len;

    seen[0] = n[REQIN_BUILT] - base[REQIN_BUILT];
    seen[1] = n[REQIN_SENT] - base[REQIN_SENT];
    seen[2] = n[REQIN_DROPPED] - base[REQIN_DROPPED];
    /* Off, or the last line told it all (at exit, a child that built
     * lines says it leaves, even if nothing changed). */
    if (!reqin_stats_every
        || (!memcmp(seen, reqin_proc.stats_seen, sizeof(seen)) && (!final || !seen[0]))) {
        return -1;
    }
    if (!final && now < reqin_proc.next_stats) {
        return reqin_proc.next_stats - now;
    }
    /* One stats line per queue, a whole line, on a connection (while there
     * is none, asked again when the connect backoff ends). */
    if (reqin_proc.fd < 0 && !reqin_connect()) {
        return reqin_proc.next_attempt - now > REQIN_BACKOFF_MIN ? reqin_proc.next_attempt - now
                                                                  : REQIN_BACKOFF_MIN;
    }
    if (reqin_proc.in.stats_at
        || !(len = reqin_stats_line(line, sizeof(line), reqin_proc.conn_lines, final))
        || reqin_proc.in.len + len > REQIN_BUF_SIZE) {
        return REQIN_BACKOFF_MIN;
    }
    memcpy(reqin_proc.in.d + reqin_proc.in.len, line, len);
    reqin_proc.in.len += len;
    reqin_proc.in.lines++;
    reqin_proc.in.stats_at = reqin_proc.in.len;
    memcpy(reqin_proc.stats_seen, seen, sizeof(seen));
    reqin_proc.next_stats = now + apr_time_from_sec(reqin_stats_every);
    return -1;
}

void reqin_socket_send(server_rec *s, const char *line, apr_size_t len)
{
    int rc = REQIN_DROP_ERROR, wake = 0;

    apr_atomic_inc64(&reqin_me->n[REQIN_BUILT]);
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
        reqin_stats_drop(rc, 1);
        reqin_report_drops(s);
    }
}
