/* mod_reqin_log: one JSON line per request on a UNIX stream socket.
 *
 * Part of ja4-platform (BSD-3-Clause). The line is the HTTP event that the
 * correlator joins to the TLS handshake of the same TCP connection; its keys
 * are fixed by httpEventSchema in appliance/common/events/http-event.ts.
 * It never blocks a worker: see "Never blocking a worker" in README.md.
 */

#include "httpd.h"
#include "http_config.h"
#include "http_connection.h"
#include "http_log.h"
#include "http_protocol.h"
#include "ap_mpm.h"
#include "mod_ssl.h"

#include "apr_atomic.h"
#include "apr_optional.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"
#include "apr_thread_proc.h"

#if !APR_HAS_THREADS
#error "mod_reqin_log needs APR with threads (its flusher is a thread)"
#endif

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

module AP_MODULE_DECLARE_DATA reqin_log_module;

#define REQIN_HANDLER "reqin-log-status"
#define REQIN_DEFAULT_MAX_VALUE 2048
#define REQIN_BACKOFF_MIN apr_time_from_msec(100)
#define REQIN_BACKOFF_MAX apr_time_from_sec(2)
#define REQIN_BUF_SIZE (256 * 1024)       /* per process; bigger events are dropped */
#define REQIN_FLUSH_BYTES (32 * 1024)     /* flush at once from this much */
#define REQIN_FLUSH_DELAY apr_time_from_msec(10)   /* batch window */
#define REQIN_FLUSH_DELAY_MAX apr_time_from_msec(200) /* stalled reader */
#define REQIN_REPORT_EVERY 60             /* seconds between drop reports */
#define REQIN_SCONF(s) \
    ((reqin_server_conf *)ap_get_module_config((s)->module_config, &reqin_log_module))

typedef struct {
    int enabled;                    /* -1 unset: on once a socket is set */
    const char *socket_path;        /* main server only */
    apr_array_header_t *headers;    /* ReqinLogHeader names, NULL unset */
    int max_value;                  /* bytes; -1 unset */
} reqin_server_conf;

/* Counters of all children, in shared memory kept across graceful restarts
 * (ap_retained_data). The first five are also reqin_append()'s outcomes. */
enum { REQIN_SENT, REQIN_DROP_NO_SOCKET, REQIN_DROP_WOULD_BLOCK, REQIN_DROP_ERROR,
       REQIN_DROP_TOO_LARGE, REQIN_DROPPED, REQIN_PARTIAL, REQIN_CONNECTS,
       REQIN_CONNECT_FAILURES, REQIN_NCOUNTERS };

static const char *const reqin_counter_names[REQIN_NCOUNTERS] = {
    "EventsSent", "DroppedNoSocket", "DroppedWouldBlock", "DroppedError",
    "DroppedTooLarge", "EventsDropped", "PartialWrites", "Connects", "ConnectFailures"
};

typedef struct {
    volatile apr_uint64_t n[REQIN_NCOUNTERS];
    volatile apr_uint64_t reported;     /* EventsDropped at the last report */
    volatile apr_uint32_t last_report;  /* apr_time_sec() of the last report */
} reqin_counters;

/* Per child process, guarded by mutex. */
typedef struct {
    const char *path;
    int fd;                         /* -1 when not connected */
    apr_time_t next_attempt;
    apr_interval_time_t backoff;
    char *buf;                      /* whole lines not yet sent, in order */
    apr_size_t len;
    apr_uint64_t lines;             /* line ends in buf */
    int stop;
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *wake;        /* buf is no longer empty */
    apr_thread_t *flusher;
} reqin_child;

typedef struct {
    const char *id;
    volatile apr_uint32_t requests;
    int tls;                        /* -1 until mod_ssl was asked */
    const char *tls_protocol, *tls_cipher;
} reqin_conn;

typedef struct {
    apr_pool_t *p;
    char *d;
    apr_size_t len, cap, max;       /* max: bytes kept of a value */
    apr_array_header_t *truncated;  /* names of the fields cut to max, or NULL */
} reqin_buf;

/* The headers logged under their own keys, in the order of reqin_format. */
static const char *const reqin_named[] = {
    "Host", "User-Agent", "Referer", "Accept", "Accept-Language",
    "Accept-Encoding", "Content-Type", "Content-Length"
};
#define REQIN_NNAMED (sizeof(reqin_named) / sizeof(reqin_named[0]))

static unsigned char reqin_plain[256];  /* bytes JSON takes as they are */
static char reqin_digits[200];          /* "00" to "99" */
static reqin_counters *reqin_stats;
static reqin_child reqin_proc = { NULL, -1 };
static pid_t reqin_pid;
static volatile apr_uint64_t reqin_conn_seq;
static APR_OPTIONAL_FN_TYPE(ssl_is_https) *reqin_is_https;
static APR_OPTIONAL_FN_TYPE(ssl_var_lookup) *reqin_var_lookup;

/* Configuration */

static void *reqin_create_server_conf(apr_pool_t *p, server_rec *s)
{
    reqin_server_conf *conf = apr_pcalloc(p, sizeof(*conf));

    conf->enabled = conf->max_value = -1;
    return conf;
}

static void *reqin_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    reqin_server_conf *base = basev, *add = addv, *conf = apr_pcalloc(p, sizeof(*conf));

    conf->enabled = add->enabled != -1 ? add->enabled : base->enabled;
    conf->socket_path = base->socket_path;
    conf->headers = add->headers ? add->headers : base->headers;
    conf->max_value = add->max_value != -1 ? add->max_value : base->max_value;
    return conf;
}

static const char *reqin_set_socket(cmd_parms *cmd, void *dummy, const char *arg)
{
    reqin_server_conf *conf = REQIN_SCONF(cmd->server);
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    if (err) {
        return err;
    }
    conf->socket_path = ap_server_root_relative(cmd->pool, arg);
    if (!conf->socket_path
        || strlen(conf->socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        return apr_pstrcat(cmd->pool, "ReqinLogSocket: bad or too long path: ", arg, NULL);
    }
    return NULL;
}

static const char *reqin_set_enabled(cmd_parms *cmd, void *dummy, int flag)
{
    REQIN_SCONF(cmd->server)->enabled = flag;
    return NULL;
}

static const char *reqin_add_header(cmd_parms *cmd, void *dummy, const char *arg)
{
    reqin_server_conf *conf = REQIN_SCONF(cmd->server);
    char *name = apr_pstrdup(cmd->pool, arg);

    if (!conf->headers) {
        conf->headers = apr_array_make(cmd->pool, 4, sizeof(char *));
    }
    ap_str_tolower(name);
    APR_ARRAY_PUSH(conf->headers, char *) = name;
    return NULL;
}

static const char *reqin_set_max_value(cmd_parms *cmd, void *dummy, const char *arg)
{
    char *end;
    long n = strtol(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || n < 16 || n > 65536) {
        return "ReqinLogMaxValueLength must be a number of bytes from 16 to 65536";
    }
    REQIN_SCONF(cmd->server)->max_value = (int)n;
    return NULL;
}

/* JSON encoding (RFC 8259 §7): quotes, backslashes and control characters
 * are escaped; bytes that are not well-formed UTF-8 (RFC 3629 §4) become
 * U+FFFD, so attacker-controlled headers always give a valid document. */

#ifdef __SANITIZE_ADDRESS__
/* Under ASan each buffer gets its own malloc block, so an overrun hits a
 * redzone instead of silently landing in the next pool allocation. */
static apr_status_t reqin_free(void *d)
{
    free(d);
    return APR_SUCCESS;
}

static void *reqin_alloc(apr_pool_t *p, apr_size_t n)
{
    void *d = malloc(n);

    if (d) {
        apr_pool_cleanup_register(p, d, reqin_free, apr_pool_cleanup_null);
    }
    return d ? d : apr_palloc(p, n);
}
#else
#define reqin_alloc apr_palloc
#endif

static void reqin_grow(reqin_buf *b, apr_size_t n)
{
    apr_size_t cap = b->cap * 2 > b->len + n ? b->cap * 2 : b->len + n;
    char *d = reqin_alloc(b->p, cap);

    memcpy(d, b->d, b->len);
    b->d = d;
    b->cap = cap;
}

/* Inline, with literal keys, so most appends compile to a few moves. */
static APR_INLINE void reqin_raw(reqin_buf *b, const char *s, apr_size_t n)
{
    if (b->len + n > b->cap) {
        reqin_grow(b, n);
    }
    memcpy(b->d + b->len, s, n);
    b->len += n;
}

#define reqin_lit(b, s) reqin_raw((b), (s), sizeof(s) - 1)
#define reqin_key(b, k) reqin_lit((b), ",\"" k "\":")

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 §4), else 0. */
static apr_size_t reqin_utf8_len(const unsigned char *s, apr_size_t n)
{
    unsigned char c = s[0];
    apr_size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2, i;
    /* The second byte's range excludes overlong forms (E0, F0), UTF-16
     * surrogates (ED) and code points above U+10FFFF (F4). */
    unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;

    if (c < 0xC2 || c > 0xF4 || n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (i = 2; i < len && (s[i] & 0xC0) == 0x80; i++);
    return i == len ? len : 0;
}

/* True when the 8 bytes at s are all printable ASCII other than '"' and
 * '\\' ("Bit Twiddling Hacks": hasless, hasmore, haszero). A byte out of
 * range sets its top bit, and borrows or carries only spread from such a
 * byte, so the test is exact. */
static APR_INLINE int reqin_plain8(const unsigned char *s)
{
    const apr_uint64_t one = 0x0101010101010101ULL;
    apr_uint64_t w, q, bs;

    memcpy(&w, s, 8);
    q = w ^ (one * '"');
    bs = w ^ (one * '\\');
    return !(((((w - one * 0x20) | (q - one) | (bs - one)) & ~w) | (w + one) | w)
             & (one * 0x80));
}

/* Appends str as a JSON string of at most max input bytes, never splitting
 * a UTF-8 sequence; returns 1 when str was cut. Runs of plain ASCII, most
 * of any request, are copied 8 bytes at a time. */
static int reqin_json_escape(reqin_buf *b, const char *str, apr_size_t max)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    apr_size_t n = strlen(str), i = 0, len, lim = n < max ? n : max;
    unsigned char c;
    char *o;

    if (b->len + lim * 6 + 2 > b->cap) {
        reqin_grow(b, lim * 6 + 2);
    }
    o = b->d + b->len;
    *o++ = '"';
    while (i < lim) {
        for (; i + 8 <= lim && reqin_plain8(s + i); i += 8, o += 8) {
            memcpy(o, s + i, 8);
        }
        while (i < lim && reqin_plain[s[i]]) {
            *o++ = s[i++];
        }
        if (i == lim) {
            break;
        }
        c = s[i];
        len = c < 0x80 ? 1 : reqin_utf8_len(s + i, n - i);
        if (i + (len ? len : 1) > max) {
            break;
        }
        if (len == 0) {
            memcpy(o, "\\ufffd", 6);
            o += 6;
            len = 1;
        }
        else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = c;
        }
        else if (c < 0x80) {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 0xF];
            o += 6;
        }
        else {
            memcpy(o, s + i, len);
            o += len;
        }
        i += len;
    }
    *o++ = '"';
    b->len = o - b->d;
    return i < n;
}

/* NULL is "". Inline: many headers are absent. */
static APR_INLINE int reqin_json_str(reqin_buf *b, const char *str, apr_size_t max)
{
    if (!str || !*str) {
        reqin_lit(b, "\"\"");
        return 0;
    }
    return reqin_json_escape(b, str, max);
}

/* Appends a JSON array of the strings that start each element of arr (an
 * apr_table_entry_t starts with its key, so table entries qualify); NULL
 * is []. */
static int reqin_list(reqin_buf *b, const apr_array_header_t *arr, apr_size_t max)
{
    int i, cut = 0;

    reqin_lit(b, "[");
    for (i = 0; arr && i < arr->nelts; i++) {
        if (i) {
            reqin_lit(b, ",");
        }
        cut |= reqin_json_str(b, *(const char **)(arr->elts + i * arr->elt_size), max);
    }
    reqin_lit(b, "]");
    return cut;
}

static void reqin_u64(reqin_buf *b, apr_uint64_t val)
{
    char num[20], *p = num + sizeof(num);

    for (; val >= 100; val /= 100) {    /* two digits a division */
        memcpy(p -= 2, reqin_digits + val % 100 * 2, 2);
    }
    if (val >= 10) {
        memcpy(p -= 2, reqin_digits + val * 2, 2);
    }
    else {
        *--p = '0' + val;
    }
    reqin_raw(b, p, num + sizeof(num) - p);
}

static void reqin_cut(reqin_buf *b, const char *key)
{
    if (!b->truncated) {
        b->truncated = apr_array_make(b->p, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(b->truncated, const char *) = key;
}

/* Keys are literals, written as they are; a cut value names its key. */
#define reqin_num(b, k, v) (reqin_key((b), k), reqin_u64((b), (v)))
#define reqin_str(b, k, v) \
    (reqin_key((b), k), reqin_json_str((b), (v), (b)->max) ? reqin_cut((b), k) : (void)0)

/* The event */

static reqin_conn *reqin_conn_state(conn_rec *c)
{
    reqin_conn *cs = ap_get_module_config(c->conn_config, &reqin_log_module);

    if (!cs) {
        cs = apr_pcalloc(c->pool, sizeof(*cs));
        cs->tls = -1;
        cs->id = apr_psprintf(c->pool, "%" APR_PID_T_FMT "-%" APR_UINT64_T_FMT,
                              reqin_pid, apr_atomic_inc64(&reqin_conn_seq));
        ap_set_module_config(c->conn_config, &reqin_log_module, cs);
    }
    return cs;
}

/* The values of reqin_named in one pass over the table, the first of
 * repeated headers as apr_table_get: eight of those cost twice as much. */
static void reqin_find(apr_table_t *in, const char **val)
{
    const apr_array_header_t *arr = apr_table_elts(in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i, j, end;

    for (i = 0; i < arr->nelts; i++) {
        switch (e[i].key[0] | 0x20) {   /* the candidates, by first letter */
        case 'h': j = 0; end = 1; break;
        case 'u': j = 1; end = 2; break;
        case 'r': j = 2; end = 3; break;
        case 'a': j = 3; end = 6; break;
        case 'c': j = 6; end = 8; break;
        default: continue;
        }
        for (; j < end && (val[j] || strcasecmp(e[i].key, reqin_named[j])); j++);
        if (j < end) {
            val[j] = e[i].val;
        }
    }
}

static void reqin_headers(reqin_buf *b, apr_table_t *in, reqin_server_conf *conf)
{
    const apr_array_header_t *names = conf->headers;
    const char *name;
    int i;

    reqin_key(b, "header_names");
    if (reqin_list(b, apr_table_elts(in), b->max)) {
        reqin_cut(b, "header_names");
    }
    reqin_num(b, "header_count", apr_table_elts(in)->nelts);
    reqin_key(b, "extra_headers");
    reqin_lit(b, "{");
    for (i = 0; names && i < names->nelts; i++) {
        name = APR_ARRAY_IDX(names, i, const char *);
        if (i) {
            reqin_lit(b, ",");
        }
        reqin_json_str(b, name, REQIN_BUF_SIZE);
        reqin_lit(b, ":");
        if (reqin_json_str(b, apr_table_get(in, name), b->max)) {
            reqin_cut(b, apr_pstrcat(b->p, "extra_headers.", name, NULL));
        }
    }
    reqin_lit(b, "}");
}

static char *reqin_format(request_rec *r, reqin_server_conf *conf, conn_rec *mc,
                          reqin_conn *cs, apr_uint32_t nth, apr_size_t *len)
{
    request_rec *last = r;
    apr_table_t *in = ap_get_module_config(r->request_config, &reqin_log_module);
    apr_time_t now = apr_time_now();
    const char *hv[REQIN_NNAMED] = { NULL };
    reqin_buf b = { r->pool, NULL, 0, 2048, 0, NULL };

    while (last->next) {            /* after internal redirects, as %>s */
        last = last->next;
    }
    if (!in) {                      /* rejected before post_read_request */
        in = r->headers_in;
    }
    reqin_find(in, hv);
    /* Once per connection, whose handshake fixes both (a TLS 1.2
     * renegotiation is not seen); HTTP/2 streams, which may run at the same
     * time, ask each time rather than share the cache. */
    if (cs->tls < 0 || r->connection != mc) {
        cs->tls = reqin_is_https && reqin_is_https(mc);
        if (cs->tls && reqin_var_lookup) {
            cs->tls_protocol = reqin_var_lookup(mc->pool, r->server, mc, NULL, "SSL_PROTOCOL");
            cs->tls_cipher = reqin_var_lookup(mc->pool, r->server, mc, NULL, "SSL_CIPHER");
        }
    }
    b.d = reqin_alloc(r->pool, b.cap);
    b.max = conf->max_value > 0 ? conf->max_value : REQIN_DEFAULT_MAX_VALUE;

    reqin_lit(&b, "{\"type\":\"http\"");
    reqin_num(&b, "ts_us", r->request_time);
    reqin_str(&b, "vhost", r->server->server_hostname);
    reqin_str(&b, "host", hv[0]);
    reqin_str(&b, "method", r->method);
    reqin_str(&b, "path", r->parsed_uri.path);
    reqin_str(&b, "query", r->args);
    reqin_str(&b, "protocol", r->protocol);
    reqin_num(&b, "status", last->status > 0 ? last->status : 0);
    reqin_num(&b, "bytes_sent", last->bytes_sent > 0 ? last->bytes_sent : 0);
    reqin_num(&b, "duration_us", now > r->request_time ? now - r->request_time : 0);
    reqin_str(&b, "client_ip", r->useragent_ip ? r->useragent_ip : mc->client_ip);
    reqin_str(&b, "conn_ip", mc->client_ip);
    reqin_num(&b, "conn_port", mc->client_addr ? mc->client_addr->port : 0);
    reqin_str(&b, "local_ip", mc->local_ip);
    reqin_num(&b, "local_port", mc->local_addr ? mc->local_addr->port : 0);
    reqin_str(&b, "conn_id", cs->id);
    reqin_num(&b, "keepalive_n", nth);
    reqin_key(&b, "tls");
    reqin_raw(&b, cs->tls ? "true" : "false", cs->tls ? 4 : 5);
    reqin_str(&b, "tls_protocol", cs->tls ? cs->tls_protocol : NULL);
    reqin_str(&b, "tls_cipher", cs->tls ? cs->tls_cipher : NULL);
    reqin_str(&b, "user_agent", hv[1]);
    reqin_str(&b, "referer", hv[2]);
    reqin_str(&b, "accept", hv[3]);
    reqin_str(&b, "accept_language", hv[4]);
    reqin_str(&b, "accept_encoding", hv[5]);
    reqin_str(&b, "content_type", hv[6]);
    reqin_str(&b, "content_length", hv[7]);
    reqin_headers(&b, in, conf);
    reqin_key(&b, "truncated");
    reqin_list(&b, b.truncated, REQIN_BUF_SIZE);
    reqin_lit(&b, "}\n");
    *len = b.len;
    return b.d;
}

/* The socket. An event is appended, a whole line, to a per-process buffer
 * that a flusher thread sends at most REQIN_FLUSH_DELAY later (at once from
 * REQIN_FLUSH_BYTES): one send() per event would cost ~3 us, several % of a
 * static file request. Bytes leave the buffer only from its front, so a
 * partial send never leaves a broken or interleaved line. Nothing waits:
 * the mutex is held for one memcpy() or one non-blocking send(). */

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
}

static int reqin_connect(void)
{
    struct sockaddr_un sa = { AF_UNIX };
    apr_time_t now = apr_time_now();
    int fd;

    if (now < reqin_proc.next_attempt) {
        return 0;
    }
    apr_cpystrn(sa.sun_path, reqin_proc.path, sizeof(sa.sun_path));
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

/* Sends what the kernel takes of the buffer now. */
static void reqin_flush(void)
{
    ssize_t n;
    apr_uint64_t sent;

    if (reqin_proc.fd < 0 || !reqin_proc.len) {
        return;
    }
    n = send(reqin_proc.fd, reqin_proc.buf, reqin_proc.len, MSG_DONTWAIT | MSG_NOSIGNAL);
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
    reqin_proc.len -= n;
    memmove(reqin_proc.buf, reqin_proc.buf + n, reqin_proc.len);
}

/* Returns REQIN_SENT once the line is queued, else why it was dropped. */
static int reqin_append(const char *line, apr_size_t len)
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
    if (!reqin_proc.flusher || reqin_proc.len >= REQIN_FLUSH_BYTES) {
        reqin_flush();
    }
    else if (reqin_proc.len == len) {   /* the flusher sleeps only when empty */
        apr_thread_cond_signal(reqin_proc.wake);
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
        if (!reqin_proc.len) {
            apr_thread_cond_wait(reqin_proc.wake, reqin_proc.mutex);
            continue;
        }
        apr_thread_mutex_unlock(reqin_proc.mutex);
        apr_sleep(delay);           /* let a batch gather */
        apr_thread_mutex_lock(reqin_proc.mutex);
        before = reqin_proc.len;
        reqin_flush();
        /* A stalled reader is retried less and less often. */
        delay = reqin_proc.len < before ? REQIN_FLUSH_DELAY
              : delay * 2 > REQIN_FLUSH_DELAY_MAX ? REQIN_FLUSH_DELAY_MAX : delay * 2;
    }
    apr_thread_mutex_unlock(reqin_proc.mutex);
    apr_thread_exit(thd, APR_SUCCESS);
    return NULL;
}

static void reqin_report_drops(server_rec *s)
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
                 "socket %s", dropped - before, dropped, reqin_proc.path);
}

static void reqin_send(server_rec *s, const char *line, apr_size_t len)
{
    int rc = REQIN_DROP_ERROR;

    if (apr_thread_mutex_lock(reqin_proc.mutex) == APR_SUCCESS) {
        rc = reqin_append(line, len);
        apr_thread_mutex_unlock(reqin_proc.mutex);
    }
    if (rc != REQIN_SENT) {
        apr_atomic_inc64(&reqin_stats->n[rc]);
        apr_atomic_inc64(&reqin_stats->n[REQIN_DROPPED]);
        reqin_report_drops(s);
    }
}

/* The hooks */

static int reqin_enabled(server_rec *s)
{
    return reqin_proc.path && reqin_stats && REQIN_SCONF(s)->enabled != 0;
}

static int reqin_post_read_request(request_rec *r)
{
    /* Keep the headers as the client sent them: later hooks (mod_remoteip,
     * mod_headers) edit r->headers_in. The copy shares the strings. */
    if (reqin_enabled(r->server)) {
        ap_set_module_config(r->request_config, &reqin_log_module,
                             apr_table_copy(r->pool, r->headers_in));
    }
    return DECLINED;
}

static int reqin_pre_connection(conn_rec *c, void *csd)
{
    if (!c->master && reqin_proc.path) {
        reqin_conn_state(c);        /* before any HTTP/2 stream shares it */
    }
    return OK;
}

static int reqin_log_transaction(request_rec *r)
{
    conn_rec *mc = r->connection;
    reqin_conn *cs;
    apr_uint32_t nth;
    apr_size_t len;
    const char *line;

    if (!reqin_proc.path || !reqin_stats) {
        return OK;
    }
    while (mc->master) {            /* HTTP/2 streams: the TCP connection */
        mc = mc->master;
    }
    /* Every request counts, logged or not: keepalive_n is its position on
     * the connection. */
    cs = reqin_conn_state(mc);
    nth = apr_atomic_inc32(&cs->requests) + 1;
    if (reqin_enabled(r->server)) {
        line = reqin_format(r, REQIN_SCONF(r->server), mc, cs, nth, &len);
        reqin_send(r->server, line, len);
    }
    return OK;
}

static apr_status_t reqin_child_exit(void *data)
{
    apr_status_t rv = APR_EAGAIN;
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
    reqin_flush();                  /* the last batch, if the reader takes it */
    reqin_disconnect();
    free(reqin_proc.buf);
    reqin_proc.buf = NULL;
    return APR_SUCCESS;
}

static void reqin_child_init(apr_pool_t *p, server_rec *s)
{
    sigset_t all, old;
    apr_status_t rv;

    reqin_proc.fd = -1;
    reqin_pid = getpid();
    /* Connection numbers start at the child's start time in microseconds,
     * so a later child that reuses the pid cannot repeat an id. */
    reqin_conn_seq = (apr_uint64_t)apr_time_now();
    if (!REQIN_SCONF(s)->socket_path || !(reqin_proc.buf = malloc(REQIN_BUF_SIZE))) {
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
    reqin_proc.path = REQIN_SCONF(s)->socket_path;
}

static int reqin_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    reqin_counters **retained = ap_retained_data_get("mod_reqin_log");
    apr_shm_t *shm;
    apr_status_t rv;

    reqin_is_https = APR_RETRIEVE_OPTIONAL_FN(ssl_is_https);
    reqin_var_lookup = APR_RETRIEVE_OPTIONAL_FN(ssl_var_lookup);
    if (!retained) {
        retained = ap_retained_data_create("mod_reqin_log", sizeof(*retained));
        /* In the process pool: the counters outlive graceful restarts. */
        rv = apr_shm_create(&shm, sizeof(reqin_counters), NULL, s->process->pool);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         "REQIN03: cannot create shared memory for the counters");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        *retained = apr_shm_baseaddr_get(shm);
        memset(*retained, 0, sizeof(reqin_counters));
    }
    reqin_stats = *retained;
    return OK;
}

/* The status page (SetHandler reqin-log-status), like mod_status's ?auto:
 * the counters of every child since the server started. */
static int reqin_status_handler(request_rec *r)
{
    int i;

    if (!r->handler || strcmp(r->handler, REQIN_HANDLER)) {
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
    ap_rprintf(r, "Socket: %s\nEnabled: %s\n", reqin_proc.path ? reqin_proc.path : "",
               reqin_enabled(r->server) ? "on" : "off");
    for (i = 0; i < REQIN_NCOUNTERS; i++) {
        ap_rprintf(r, "%s: %" APR_UINT64_T_FMT "\n", reqin_counter_names[i],
                   apr_atomic_read64(&reqin_stats->n[i]));
    }
    return OK;
}

static const command_rec reqin_cmds[] = {
    AP_INIT_TAKE1("ReqinLogSocket", reqin_set_socket, NULL, RSRC_CONF,
                  "path of the UNIX stream socket that receives the JSON lines"),
    AP_INIT_FLAG("ReqinLog", reqin_set_enabled, NULL, RSRC_CONF,
                 "On (the default once ReqinLogSocket is set) or Off, per server"),
    AP_INIT_ITERATE("ReqinLogHeader", reqin_add_header, NULL, RSRC_CONF,
                    "request headers to log in extra_headers"),
    AP_INIT_TAKE1("ReqinLogMaxValueLength", reqin_set_max_value, NULL, RSRC_CONF,
                  "bytes kept of each value before it is truncated (default 2048)"),
    {NULL}
};

static void reqin_register_hooks(apr_pool_t *p)
{
    int c;

    for (c = 0; c < 256; c++) {
        reqin_plain[c] = c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    }
    for (c = 0; c < 100; c++) {
        reqin_digits[2 * c] = '0' + c / 10;
        reqin_digits[2 * c + 1] = '0' + c % 10;
    }
    /* Before mod_remoteip (APR_HOOK_FIRST) rewrites X-Forwarded-For. */
    ap_hook_post_read_request(reqin_post_read_request, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_pre_connection(reqin_pre_connection, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(reqin_log_transaction, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(reqin_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(reqin_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(reqin_status_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(reqin_log) = {
    STANDARD20_MODULE_STUFF,
    NULL,                           /* create per-directory config */
    NULL,                           /* merge per-directory config */
    reqin_create_server_conf,       /* create per-server config */
    reqin_merge_server_conf,        /* merge per-server config */
    reqin_cmds,                     /* command table */
    reqin_register_hooks            /* register hooks */
};
