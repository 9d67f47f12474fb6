/* reqin_conn: the connection's fields in mod_reqin_log's HTTP event.
 *
 * Part of ja4-platform (BSD-3-Clause). client_ip, the TCP connection as the
 * server saw it (conn_ip to conn_isn) and its TLS (tls to tls_cipher): an
 * HTTP/1.x connection fixes all but client_ip, so they are encoded once, on
 * its first logged request, and then copied.
 *
 * conn_start_us and conn_isn name the connection in time, so the correlator
 * can tell it from earlier and later connections on the same peer port (a
 * proxy reuses its ports within seconds): when the server took it, and the
 * client's initial sequence number (RFC 9293 section 3.4.1), which the
 * sentinel reads from the same SYN on the wire.
 */

#include "reqin_event.h"

#include "ap_listen.h"
#include "http_log.h"
#include "mod_ssl.h"

#include "apr_network_io.h"
#include "apr_optional.h"
#include "apr_portable.h"
#include "apr_strings.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "reqin_socket.h"

APLOG_USE_MODULE(reqin_log);

typedef struct {
    int on;
    const char *protocol, *cipher;
} reqin_tls;

static APR_OPTIONAL_FN_TYPE(ssl_is_https) *reqin_is_https;
static APR_OPTIONAL_FN_TYPE(ssl_var_lookup) *reqin_var_lookup;

void reqin_conn_post_config(void)
{
    reqin_is_https = APR_RETRIEVE_OPTIONAL_FN(ssl_is_https);
    reqin_var_lookup = APR_RETRIEVE_OPTIONAL_FN(ssl_var_lookup);
}

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

#if defined(TCP_SAVE_SYN) && defined(TCP_SAVED_SYN)
void reqin_conn_save_syns(server_rec *s)
{
    ap_listen_rec *lr;
    apr_os_sock_t fd;
    int on = 1;

    for (lr = ap_listeners; lr; lr = lr->next) {
        if (!lr->sd || apr_os_sock_get(&fd, lr->sd) != APR_SUCCESS) {
            continue;
        }
        if (setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &on, sizeof(on)) != 0) {
            ap_log_error(APLOG_MARK, APLOG_NOTICE, APR_FROM_OS_ERROR(errno), s,
                         "REQIN05: the kernel keeps no SYN on a listener; "
                         "conn_isn is null for its connections");
        }
    }
}

/* The TCP sequence number in a saved SYN: its IP header (IPv4, or IPv6
 * with extension headers before TCP), then the TCP header's bytes 4..7.
 * -1 when the headers do not hold one. */
static apr_int64_t reqin_syn_seq(const unsigned char *h, apr_size_t n)
{
    apr_size_t off;
    unsigned next;

    if (n < 20) {
        return -1;
    }
    if (h[0] >> 4 == 4) {
        off = (apr_size_t)(h[0] & 0x0f) * 4;
        next = h[9];
    }
    else if (h[0] >> 4 == 6 && n >= 40) {
        off = 40;
        next = h[6];
        /* Hop-by-hop, routing and destination options (RFC 8200 section 4). */
        while ((next == 0 || next == 43 || next == 60) && off + 8 <= n) {
            next = h[off];
            off += ((apr_size_t)h[off + 1] + 1) * 8;
        }
    }
    else {
        return -1;
    }
    if (next != IPPROTO_TCP || off + 8 > n) {
        return -1;
    }
    return ((apr_int64_t)h[off + 4] << 24) | ((apr_int64_t)h[off + 5] << 16)
           | ((apr_int64_t)h[off + 6] << 8) | h[off + 7];
}

static apr_int64_t reqin_saved_isn(void *csd)
{
    unsigned char h[512];
    socklen_t n = sizeof(h);
    apr_os_sock_t fd;

    /* Reading it frees the kernel's copy. */
    if (!csd || apr_os_sock_get(&fd, csd) != APR_SUCCESS
        || getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, h, &n) != 0) {
        return -1;
    }
    return reqin_syn_seq(h, n);
}
#else
void reqin_conn_save_syns(server_rec *s)
{
}

static apr_int64_t reqin_saved_isn(void *csd)
{
    return -1;
}
#endif

void reqin_conn_identity(reqin_conn *cs, void *csd)
{
    cs->start = apr_time_now();
    cs->isn = reqin_saved_isn(csd);
}

/* conn_ip to conn_isn, then tls to tls_cipher. */
static void reqin_peer_tls(reqin_json_buf *b, conn_rec *mc, reqin_conn *cs, const reqin_tls *t)
{
    reqin_json_str(b, "conn_ip", mc->client_ip);
    reqin_json_num(b, "conn_port", mc->client_addr ? mc->client_addr->port : 0);
    reqin_json_str(b, "local_ip", mc->local_ip);
    reqin_json_num(b, "local_port", mc->local_addr ? mc->local_addr->port : 0);
    reqin_json_str(b, "conn_id", cs->id);
    if (cs->start > 0) {
        reqin_json_num(b, "conn_start_us", (apr_uint64_t)cs->start);
    }
    if (cs->isn >= 0) {
        reqin_json_num(b, "conn_isn", (apr_uint64_t)cs->isn);
    }
    else {
        reqin_json_lit(b, ",\"conn_isn\":null");
    }
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
    reqin_peer_tls(&b, mc, cs, &t);
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

void reqin_conn_fields(reqin_json_buf *b, request_rec *r, conn_rec *mc, reqin_conn *cs)
{
    const char *client = r->useragent_ip ? r->useragent_ip : mc->client_ip;
    reqin_tls t;

    if (r->connection == mc && !cs->json) {
        reqin_conn_json(r, mc, cs);
    }
    if (r->connection == mc && cs->longest <= b->max) {
        if (client == mc->client_ip) {          /* no X-Forwarded-For */
            reqin_json_raw(b, cs->json, cs->len);
        }
        else {
            reqin_json_str(b, "client_ip", client);
            reqin_json_raw(b, cs->json + cs->skip, cs->len - cs->skip);
        }
        return;
    }
    /* HTTP/2 streams, which may be logged at the same time, share nothing
     * and ask mod_ssl each time. */
    reqin_tls_of(&t, r, mc);
    reqin_json_str(b, "client_ip", client);
    reqin_peer_tls(b, mc, cs, &t);
}
