/* reqin_event: the HTTP event of mod_reqin_log.
 *
 * Part of ja4-platform (BSD-3-Clause). One JSON line per request: the
 * request, its TCP connection and TLS, and its headers as the client sent
 * them. What a connection or a vhost fixes is encoded once, not for every
 * request: the hot path is measured in instructions (README.md, Benchmark).
 */

#include "reqin_event.h"

#include "apr_strings.h"

#include <string.h>

#include "reqin_headers.h"
#include "reqin_socket.h"

/* The line is built in the request's pool, whose pages the request has
 * just used, rather than in memory of the thread's: with dozens of worker
 * threads taking turns, a per-thread buffer (and the module's TLS lookup,
 * __tls_get_addr) is cold on nearly every request. Most lines fit. */
#define REQIN_LINE_SIZE 2048

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

/* ,"vhost" to ,"extra_headers": what a request's server, method, protocol,
 * client and headers make of it, and nothing else. Never inlined: most
 * requests copy their tail instead (reqin_event_format), and the cache
 * lines of code they run would be spread among this code's. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void reqin_tail(reqin_json_buf *b, request_rec *r, reqin_server_conf *conf,
                       conn_rec *mc, reqin_conn *cs, const apr_array_header_t *in, int h1)
{
    reqin_hdrs h;

    reqin_headers_find(&h, in, h1 ? &cs->names : NULL, b->max);
    if (conf->vhost_name && conf->vhost_name == r->server->server_hostname) {
        reqin_json_raw(b, conf->vhost_json, conf->vhost_len);
    }
    else {
        reqin_json_str(b, "vhost", r->server->server_hostname);
    }
    reqin_json_memo(b, "host", h.val[REQIN_HOST], h1 ? &cs->host : NULL, mc->pool);
    reqin_json_common(b, "method", r->method, "GET");
    reqin_json_common(b, "protocol", r->protocol, "HTTP/1.1");
    reqin_conn_fields(b, r, mc, cs);
    reqin_json_memo(b, "user_agent", h.val[REQIN_USER_AGENT], h1 ? &cs->user_agent : NULL,
                    mc->pool);
    reqin_json_str(b, "referer", h.val[REQIN_REFERER]);
    reqin_json_str(b, "accept", h.val[REQIN_ACCEPT]);
    reqin_json_memo(b, "accept_language", h.val[REQIN_ACCEPT_LANGUAGE],
                    h1 ? &cs->accept_language : NULL, mc->pool);
    reqin_json_memo(b, "accept_encoding", h.val[REQIN_ACCEPT_ENCODING],
                    h1 ? &cs->accept_encoding : NULL, mc->pool);
    reqin_json_str(b, "content_type", h.val[REQIN_CONTENT_TYPE]);
    reqin_json_str(b, "content_length", h.val[REQIN_CONTENT_LENGTH]);
    reqin_headers_json(b, &h, in, conf->headers, h1 ? &cs->names : NULL, mc->pool);
}

/* What the tail memo of an HTTP/1.x connection is keyed on, besides the
 * server: method, protocol, client, then each header's name and value.
 * Returns how many strings, 0 when there are too many headers to keep. */
static int reqin_tail_key(const char **key, request_rec *r, conn_rec *mc,
                          const apr_array_header_t *in)
{
    const apr_table_entry_t *e = (const apr_table_entry_t *)in->elts;
    int i;

    if (in->nelts > REQIN_TAIL_HEADERS) {
        return 0;
    }
    key[0] = r->method;
    key[1] = r->protocol;
    key[2] = r->useragent_ip ? r->useragent_ip : mc->client_ip;
    for (i = 0; i < in->nelts; i++) {
        key[3 + 2 * i] = e[i].key;
        key[4 + 2 * i] = e[i].val;
    }
    return 3 + 2 * in->nelts;
}

char *reqin_event_format(request_rec *r, reqin_server_conf *conf, conn_rec *mc,
                         reqin_conn *cs, apr_uint32_t nth, const apr_array_header_t *in,
                         apr_size_t *len)
{
    request_rec *last = r;
    apr_time_t now = apr_time_now();
    int h1 = r->connection == mc;   /* the connection's memos are this request's */
    apr_size_t max = conf->max_value > 0 ? conf->max_value : REQIN_DEFAULT_MAX_VALUE, from;
    const char *key[3 + 2 * REQIN_TAIL_HEADERS];
    int nkey = 0, cuts;
    reqin_json_buf b;

    while (last->next) {            /* after internal redirects, as %>s */
        last = last->next;
    }
    reqin_json_init(&b, r->pool, NULL, REQIN_LINE_SIZE, max);

    /* First what changes from one request to the next, then the tail. */
    reqin_json_lit(&b, "{\"type\":\"http\"");
    reqin_ts(&b, h1 ? &cs->ts : NULL, r->request_time);
    reqin_json_str(&b, "path", r->parsed_uri.path);
    reqin_json_str(&b, "query", r->args);
    reqin_json_num(&b, "status", last->status > 0 ? last->status : 0);
    reqin_json_num(&b, "bytes_sent", last->bytes_sent > 0 ? last->bytes_sent : 0);
    reqin_json_num(&b, "duration_us", now > r->request_time ? now - r->request_time : 0);
    reqin_json_num(&b, "keepalive_n", nth);

    /* The tail is the last request's when all it is made of is: a client
     * repeats itself on a keep-alive connection (HTTP/1.x only, as the other
     * memos). A tail with a cut value is not kept: the cut is per line. */
    if (h1 && (nkey = reqin_tail_key(key, r, mc, in)) && cs->tail_server == r->server
        && reqin_memo_hit(&cs->tail, key, sizeof(*key), nkey, max)) {
        reqin_json_raw(&b, cs->tail.d + cs->tail.raw, cs->tail.len - cs->tail.raw);
    }
    else {
        from = b.len;
        cuts = b.truncated ? b.truncated->nelts : 0;
        reqin_tail(&b, r, conf, mc, cs, in, h1);
        if (nkey && (b.truncated ? b.truncated->nelts : 0) == cuts) {
            cs->tail_server = reqin_memo_store(&cs->tail, key, sizeof(*key), nkey, b.d + from,
                                               b.len - from, max, 512, mc->pool)
                              ? r->server : NULL;
        }
    }
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
    reqin_conn_post_config();
    for (; s; s = s->next) {        /* the vhosts are merged by now */
        reqin_vhost_json(pconf, ptemp, s);
    }
}
