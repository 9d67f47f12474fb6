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

#include "reqin_socket.h"

typedef struct {
    int on;
    const char *protocol, *cipher;
} reqin_tls;

/* The headers logged under their own keys, in the order of
 * reqin_event_format, in lower case for reqin_is. */
static const char *const reqin_named[] = {
    "host", "user-agent", "referer", "accept", "accept-language",
    "accept-encoding", "content-type", "content-length"
};
#define REQIN_NNAMED (sizeof(reqin_named) / sizeof(reqin_named[0]))

static unsigned char reqin_lower[256];  /* ASCII tolower, as httpd's C locale */
static APR_OPTIONAL_FN_TYPE(ssl_is_https) *reqin_is_https;
static APR_OPTIONAL_FN_TYPE(ssl_var_lookup) *reqin_var_lookup;

/* Headers */

/* strcasecmp(key, name) == 0 for a name in lower case, inline: most
 * candidates differ within a few bytes. */
static APR_INLINE int reqin_is(const char *key, const char *name)
{
    for (; *name; key++, name++) {
        if (reqin_lower[(unsigned char)*key] != (unsigned char)*name) {
            return 0;
        }
    }
    return *key == '\0';
}

/* The values of reqin_named in one pass over the headers, the first of
 * repeated headers as apr_table_get: eight of those cost twice as much. */
static void reqin_find(const apr_array_header_t *in, const char **val)
{
    const apr_table_entry_t *e = (const apr_table_entry_t *)in->elts;
    int i, j, end;

    for (i = 0; i < in->nelts; i++) {
        switch (e[i].key[0] | 0x20) {   /* the candidates, by first letter */
        case 'h': j = 0; end = 1; break;
        case 'u': j = 1; end = 2; break;
        case 'r': j = 2; end = 3; break;
        case 'a': j = 3; end = 6; break;
        case 'c': j = 6; end = 8; break;
        default: continue;
        }
        for (; j < end && (val[j] || !reqin_is(e[i].key, reqin_named[j])); j++);
        if (j < end) {
            val[j] = e[i].val;
        }
    }
}

static void reqin_headers(reqin_json_buf *b, const apr_array_header_t *in,
                          reqin_server_conf *conf)
{
    const apr_array_header_t *names = conf->headers;
    const apr_table_entry_t *e = (const apr_table_entry_t *)in->elts;
    const char *name, *val;
    int i, j;

    reqin_json_key(b, "header_names");
    if (reqin_json_list(b, in, b->max)) {
        reqin_json_cut(b, "header_names");
    }
    reqin_json_num(b, "header_count", in->nelts);
    reqin_json_key(b, "extra_headers");
    reqin_json_lit(b, "{");
    for (i = 0; names && i < names->nelts; i++) {
        name = APR_ARRAY_IDX(names, i, const char *);
        for (j = 0, val = NULL; j < in->nelts && !val; j++) {  /* as apr_table_get */
            val = reqin_is(e[j].key, name) ? e[j].val : NULL;
        }
        if (i) {
            reqin_json_lit(b, ",");
        }
        reqin_json_string(b, name, REQIN_BUF_SIZE);
        reqin_json_lit(b, ":");
        if (reqin_json_string(b, val, b->max)) {
            reqin_json_cut(b, apr_pstrcat(b->p, "extra_headers.", name, NULL));
        }
    }
    reqin_json_lit(b, "}");
}

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
    reqin_json_init(&b, r->pool, 512, REQIN_BUF_SIZE);
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

char *reqin_event_format(request_rec *r, reqin_server_conf *conf, conn_rec *mc,
                         reqin_conn *cs, apr_uint32_t nth, const apr_array_header_t *in,
                         apr_size_t *len)
{
    request_rec *last = r;
    apr_time_t now = apr_time_now();
    const char *hv[REQIN_NNAMED] = { NULL };
    reqin_json_buf b;

    while (last->next) {            /* after internal redirects, as %>s */
        last = last->next;
    }
    reqin_find(in, hv);
    reqin_json_init(&b, r->pool, 2048,
                    conf->max_value > 0 ? conf->max_value : REQIN_DEFAULT_MAX_VALUE);

    reqin_json_lit(&b, "{\"type\":\"http\"");
    reqin_json_num(&b, "ts_us", r->request_time);
    if (conf->vhost_name && conf->vhost_name == r->server->server_hostname) {
        reqin_json_raw(&b, conf->vhost_json, conf->vhost_len);
    }
    else {
        reqin_json_str(&b, "vhost", r->server->server_hostname);
    }
    reqin_json_str(&b, "host", hv[0]);
    reqin_json_str(&b, "method", r->method);
    reqin_json_str(&b, "path", r->parsed_uri.path);
    reqin_json_str(&b, "query", r->args);
    reqin_json_str(&b, "protocol", r->protocol);
    reqin_json_num(&b, "status", last->status > 0 ? last->status : 0);
    reqin_json_num(&b, "bytes_sent", last->bytes_sent > 0 ? last->bytes_sent : 0);
    reqin_json_num(&b, "duration_us", now > r->request_time ? now - r->request_time : 0);
    reqin_conn_fields(&b, r, mc, cs, nth);
    reqin_json_str(&b, "user_agent", hv[1]);
    reqin_json_str(&b, "referer", hv[2]);
    reqin_json_str(&b, "accept", hv[3]);
    reqin_json_str(&b, "accept_language", hv[4]);
    reqin_json_str(&b, "accept_encoding", hv[5]);
    reqin_json_str(&b, "content_type", hv[6]);
    reqin_json_str(&b, "content_length", hv[7]);
    reqin_headers(&b, in, conf);
    reqin_json_key(&b, "truncated");
    reqin_json_list(&b, b.truncated, REQIN_BUF_SIZE);
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

    reqin_json_init(&b, ptemp, 64, conf->max_value > 0 ? conf->max_value
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
    int c;

    for (c = 0; c < 256; c++) {
        reqin_lower[c] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
    reqin_is_https = APR_RETRIEVE_OPTIONAL_FN(ssl_is_https);
    reqin_var_lookup = APR_RETRIEVE_OPTIONAL_FN(ssl_var_lookup);
    for (; s; s = s->next) {        /* the vhosts are merged by now */
        reqin_vhost_json(pconf, ptemp, s);
    }
}
