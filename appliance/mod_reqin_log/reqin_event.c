/* reqin_event: the HTTP event of mod_reqin_log.
 *
 * Part of ja4-platform (BSD-3-Clause). One JSON line per request: the
 * request, its TCP connection and TLS, and its headers as the client sent
 * them. What a connection or a vhost fixes is encoded once, not for every
 * request: the hot path is measured in instructions (README.md, Benchmark).
 */

#include "reqin_event.h"

#include "http_connection.h"
#include "mod_ssl.h"

#include "apr_optional.h"
#include "apr_strings.h"

#include <string.h>

#include "reqin_headers.h"
#include "reqin_socket.h"

typedef struct {
    int on;
    const char *protocol, *cipher;
} reqin_tls;

/* The line is built in the request's pool, whose pages the request has
 * just used, rather than in memory of the thread's: with dozens of worker
 * threads taking turns, a per-thread buffer (and the module's TLS lookup,
 * __tls_get_addr) is cold on nearly every request. Most lines fit. */
#define REQIN_LINE_SIZE 2048

static APR_OPTIONAL_FN_TYPE(ssl_is_https) *reqin_is_https;
static APR_OPTIONAL_FN_TYPE(ssl_var_lookup) *reqin_var_lookup;

/* The connection */

/* mod_ssl's view of the TCP connection, in the request's pool: asked for
 * each request (HTTP/2), it must not grow the connection's. */
static void reqin_tls_of(reqin_tls *t, request_rec *r, conn_rec *mc)
{
    t->on = reqin_is_https && reqin_is_https(mc);
    t->protocol = t->cipher = NULL;
    if (t->on && reqin_var_lookup) {
        t->protocol = reqin_var_lookup(r->pool, r->server, mc, NULL, "SSL_PROTOCOL");
        t->cipher = reqin_var_lookup(r->pool, r->server, mc, NULL, "SSL_CIPHER");
    }
}

/* The fields of the connection between client_ip and keepalive_n. */
static void reqin_peer(reqin_json_buf *b, conn_rec *mc, reqin_conn *cs)
{
    reqin_json_str(b, "conn_ip", mc->client_ip);
    reqin_json_num(b, "conn_port", mc->client_addr ? mc->client_addr->port : 0);
    reqin_json_str(b, "local_ip", mc->local_ip);
    reqin_json_num(b, "local_port", mc->local_addr ? mc->local_addr->port : 0);
    reqin_json_str(b, "conn_id", cs->id);
}

static void reqin_tls_json(reqin_json_buf *b, const reqin_tls *t)
{
    reqin_json_key(b, "tls");
    reqin_json_raw(b, t->on ? "true" : "false", t->on ? 4 : 5);
    reqin_json_str(b, "tls_protocol", t->protocol);
    reqin_json_str(b, "tls_cipher", t->cipher);
}

/* Once per HTTP/1.x connection, on its first logged request: its handshake
 * fixes the TLS fields (a TLS 1.2 renegotiation is not seen) and the rest
 * is its addresses. Encoded uncut; a request whose vhost keeps fewer bytes
 * than the longest value encodes them again, to cut them. */
static void reqin_conn_json(request_rec *r, conn_rec *mc, reqin_conn *cs)
{
    reqin_json_buf b;
    reqin_tls t;
    const char *vals[5];
    apr_size_t i, n;

    reqin_tls_of(&t, r, mc);
    /* Built in the request's pool and kept in the connection's: a buffer of
     * reqin_json_init may be malloc'ed (under ASan) and freed by its pool. */
    reqin_json_init(&b, r->pool, NULL, 512, REQIN_BUF_SIZE);
    reqin_json_str(&b, "client_ip", mc->client_ip);
    cs->skip = b.len;
    reqin_peer(&b, mc, cs);
    cs->peer = b.len;
    reqin_tls_json(&b, &t);
    cs->len = b.len;
    vals[0] = mc->client_ip;
    vals[1] = mc->local_ip;
    vals[2] = cs->id;
    vals[3] = t.protocol;
    vals[4] = t.cipher;
    for (i = 0, cs->longest = 0; i < 5; i++) {
        n = vals[i] ? strlen(vals[i]) : 0;
        cs->longest = n > cs->longest ? n : cs->longest;
    }
    cs->json = apr_pmemdup(mc->pool, b.d, b.len);
}

/* client_ip to tls_cipher: from the connection's JSON when it has some and
 * the vhost keeps all of it. HTTP/2 streams, which may be logged at the
 * same time, share nothing and ask mod_ssl each time. */
static void reqin_conn_fields(reqin_json_buf *b, request_rec *r, conn_rec *mc,
                              reqin_conn *cs, apr_uint32_t nth)
{
    const char *client = r->useragent_ip ? r->useragent_ip : mc->client_ip;
    reqin_tls t;

    if (r->connection == mc && !cs->json) {
        reqin_conn_json(r, mc, cs);
    }
    if (r->connection == mc && cs->longest <= b->max) {
        if (client == mc->client_ip) {          /* no X-Forwarded-For */
            reqin_json_raw(b, cs->json, cs->peer);
        }
        else {
            reqin_json_str(b, "client_ip", client);
            reqin_json_raw(b, cs->json + cs->skip, cs->peer - cs->skip);
        }
        reqin_json_num(b, "keepalive_n", nth);
        reqin_json_raw(b, cs->json + cs->peer, cs->len - cs->peer);
        return;
    }
    reqin_json_str(b, "client_ip", client);
    reqin_peer(b, mc, cs);
    reqin_json_num(b, "keepalive_n", nth);
    reqin_tls_of(&t, r, mc);
    reqin_tls_json(b, &t);
}

/* The event */

/* The method and protocol of most requests are literals, not escaped. */
#define reqin_json_common(b, k, v, lit) \
    ((v) && !strcmp((v), lit) ? reqin_json_lit((b), ",\"" k "\":\"" lit "\"") \
     : reqin_json_str((b), k, (v)))

/* ,"ts_us":<t>, its seconds' digits from the connection's last line when
 * it had the same second (memo; NULL for HTTP/2 streams, which may be logged
 * at the same time): ts_us has 16 digits, the dearest number. */
static void reqin_ts(reqin_json_buf *b, reqin_ts_memo *memo, apr_time_t t)
{
    apr_time_t sec = apr_time_sec(t);
    apr_uint32_t us = (apr_uint32_t)apr_time_usec(t);
    reqin_json_buf ts;
    char *p;

    if (sec <= 0 || !memo) {
        reqin_json_num(b, "ts_us", (apr_uint64_t)t);
        return;
    }
    if (sec != memo->sec) {
        reqin_json_init(&ts, NULL, memo->ts, sizeof(memo->ts), 0);   /* fits: never grows */
        reqin_json_num(&ts, "ts_us", sec);
        memo->sec = sec;
        memo->ts_len = ts.len;
    }
    /* The whole of ts, a copy of known size (a few moves, not a call). */
    reqin_json_reserve(b, sizeof(memo->ts));
    p = b->d + b->len;
    memcpy(p, memo->ts, sizeof(memo->ts));
    p += memo->ts_len;
    memcpy(p, reqin_json_digits + us / 10000 * 2, 2);
    memcpy(p + 2, reqin_json_digits + us / 100 % 100 * 2, 2);
    memcpy(p + 4, reqin_json_digits + us % 100 * 2, 2);
    b->len = p + 6 - b->d;
}

char *reqin_event_format(request_rec *r, reqin_server_conf *conf, conn_rec *mc,
                         reqin_conn *cs, apr_uint32_t nth, const apr_array_header_t *in,
                         apr_size_t *len)
{
    request_rec *last = r;
    apr_time_t now = apr_time_now();
    int h1 = r->connection == mc;   /* the connection's memos are this request's */
    apr_size_t max = conf->max_value > 0 ? conf->max_value : REQIN_DEFAULT_MAX_VALUE;
    reqin_hdrs h;
    reqin_json_buf b;

    while (last->next) {            /* after internal redirects, as %>s */
        last = last->next;
    }
    reqin_headers_find(&h, in, h1 ? &cs->names : NULL, max);
    reqin_json_init(&b, r->pool, NULL, REQIN_LINE_SIZE, max);

    reqin_json_lit(&b, "{\"type\":\"http\"");
    reqin_ts(&b, h1 ? &cs->ts : NULL, r->request_time);
    if (conf->vhost_name && conf->vhost_name == r->server->server_hostname) {
        reqin_json_raw(&b, conf->vhost_json, conf->vhost_len);
    }
    else {
        reqin_json_str(&b, "vhost", r->server->server_hostname);
    }
    reqin_json_memo(&b, "host", h.val[REQIN_HOST], h1 ? &cs->host : NULL, mc->pool);
    reqin_json_common(&b, "method", r->method, "GET");
    reqin_json_str(&b, "path", r->parsed_uri.path);
    reqin_json_str(&b, "query", r->args);
    reqin_json_common(&b, "protocol", r->protocol, "HTTP/1.1");
    reqin_json_num(&b, "status", last->status > 0 ? last->status : 0);
    reqin_json_num(&b, "bytes_sent", last->bytes_sent > 0 ? last->bytes_sent : 0);
    reqin_json_num(&b, "duration_us", now > r->request_time ? now - r->request_time : 0);
    reqin_conn_fields(&b, r, mc, cs, nth);
    reqin_json_memo(&b, "user_agent", h.val[REQIN_USER_AGENT], h1 ? &cs->user_agent : NULL,
                    mc->pool);
    reqin_json_str(&b, "referer", h.val[REQIN_REFERER]);
    reqin_json_str(&b, "accept", h.val[REQIN_ACCEPT]);
    reqin_json_memo(&b, "accept_language", h.val[REQIN_ACCEPT_LANGUAGE],
                    h1 ? &cs->accept_language : NULL, mc->pool);
    reqin_json_memo(&b, "accept_encoding", h.val[REQIN_ACCEPT_ENCODING],
                    h1 ? &cs->accept_encoding : NULL, mc->pool);
    reqin_json_str(&b, "content_type", h.val[REQIN_CONTENT_TYPE]);
    reqin_json_str(&b, "content_length", h.val[REQIN_CONTENT_LENGTH]);
    reqin_headers_json(&b, &h, in, conf->headers, h1 ? &cs->names : NULL, mc->pool);
    if (!b.truncated) {
        reqin_json_lit(&b, ",\"truncated\":[]");
    }
    else {
        reqin_json_key(&b, "truncated");
        reqin_json_list(&b, b.truncated, REQIN_BUF_SIZE);
    }
    reqin_json_lit(&b, "}\n");
    *len = b.len;
    return b.d;
}

/* ,"vhost":"<name>" once per server rather than per request, unless the
 * name is longer than the server keeps (then each line cuts it). */
static void reqin_vhost_json(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    reqin_server_conf *conf = REQIN_SCONF(s);
    reqin_json_buf b;

    reqin_json_init(&b, ptemp, NULL, 64, conf->max_value > 0 ? conf->max_value
                                                         : REQIN_DEFAULT_MAX_VALUE);
    reqin_json_key(&b, "vhost");
    conf->vhost_name = NULL;
    if (!reqin_json_string(&b, s->server_hostname, b.max)) {
        conf->vhost_name = s->server_hostname;
        conf->vhost_json = apr_pmemdup(pconf, b.d, b.len);
        conf->vhost_len = b.len;
    }
}

void reqin_event_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    reqin_headers_setup(ptemp);
    reqin_is_https = APR_RETRIEVE_OPTIONAL_FN(ssl_is_https);
    reqin_var_lookup = APR_RETRIEVE_OPTIONAL_FN(ssl_var_lookup);
    for (; s; s = s->next) {        /* the vhosts are merged by now */
        reqin_vhost_json(pconf, ptemp, s);
    }
}
