/* reqin_event: the HTTP event of mod_reqin_log, one JSON line per request.
 *
 * Part of ja4-platform (BSD-3-Clause). The keys are fixed by httpEventSchema
 * in appliance/common/events/http-event.ts; the line is built with
 * reqin_json.h from the request, its connection and its headers.
 */

#ifndef REQIN_EVENT_H
#define REQIN_EVENT_H

#include "httpd.h"
#include "http_config.h"

#include "apr_tables.h"

#include "reqin_headers.h"
#include "reqin_json.h"

extern module AP_MODULE_DECLARE_DATA reqin_log_module;

#define REQIN_DEFAULT_MAX_VALUE 2048
#define REQIN_SCONF(s) \
    ((reqin_server_conf *)ap_get_module_config((s)->module_config, &reqin_log_module))

/* Per server (vhost). */
typedef struct {
    int enabled;                    /* -1 unset: on once a socket is set */
    const char *socket_path;        /* main server only */
    apr_array_header_t *headers;    /* ReqinLogHeader names, NULL unset */
    int max_value;                  /* bytes; -1 unset */
    /* ,"vhost":"<name>" made in post_config for the server_hostname it
     * names; NULL when the name is cut, as then each line must record it. */
    const char *vhost_name, *vhost_json;
    apr_size_t vhost_len;
} reqin_server_conf;

/* ,"ts_us":<seconds> of a connection's last line. */
typedef struct {
    apr_time_t sec;                 /* the seconds in ts, 0 none */
    apr_size_t ts_len;
    char ts[32];
} reqin_ts_memo;

/* Headers a request may have for its connection to remember its tail. */
#define REQIN_TAIL_HEADERS 32

/* Per TCP connection. */
typedef struct {
    const char *id;                 /* conn_id */
    volatile apr_uint32_t requests; /* keepalive_n so far */
    apr_time_t start;               /* conn_start_us: pre_connection's time, 0 unknown */
    apr_int64_t isn;                /* conn_isn: the client's SYN's sequence number, -1 unknown */
    /* The JSON of the fields an HTTP/1.x connection fixes, made on its first
     * logged request: ,"client_ip" (the peer's) up to skip, then ,"conn_ip"
     * to ,"tls_cipher" up to len; longest is the longest value in it. NULL
     * before; HTTP/2 streams never use it. */
    const char *json;
    apr_size_t skip, len, longest;
    /* What the requests repeat: HTTP/1.x only, like json. */
    reqin_names_memo names;
    reqin_memo host, user_agent, accept_language, accept_encoding;
    reqin_ts_memo ts;
    /* The last line's ,"vhost" to ,"extra_headers" (reqin_event.c), made for
     * tail_server (NULL: none). */
    reqin_memo tail;
    server_rec *tail_server;
} reqin_conn;

/* The module logs s's requests: ReqinLogSocket is set, the counters exist,
 * and ReqinLog is not Off for s (mod_reqin_log.c). */
REQIN_HIDDEN int reqin_enabled(server_rec *s);

/* The status page, a handler hook (reqin_status.c). */
REQIN_HIDDEN int reqin_status_handler(request_rec *r);

/* Retrieves mod_ssl's functions and makes every server's vhost_json; in
 * post_config, once the vhosts are merged. */
REQIN_HIDDEN void reqin_event_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

/* mod_ssl's functions, in post_config (reqin_conn.c). */
REQIN_HIDDEN void reqin_conn_post_config(void);

/* Asks the kernel to keep each connection's SYN on every listener (Linux
 * TCP_SAVE_SYN), for conn_isn; in post_config, once the listeners are open. */
REQIN_HIDDEN void reqin_conn_save_syns(server_rec *s);

/* The connection's start and its client's initial sequence number, read
 * from the socket csd in pre_connection (reqin_conn.c). */
REQIN_HIDDEN void reqin_conn_identity(reqin_conn *cs, void *csd);

/* Appends client_ip (r's, after mod_remoteip) to tls_cipher: the TCP
 * connection mc, whose state is cs (reqin_conn.c). */
REQIN_HIDDEN void reqin_conn_fields(reqin_json_buf *b, request_rec *r, conn_rec *mc,
                                    reqin_conn *cs);

/* The line of request r (with its newline), in r->pool. mc is the TCP
 * connection, cs its state, nth the request's position on it, and in the
 * request headers as the client sent them. */
REQIN_HIDDEN char *reqin_event_format(request_rec *r, reqin_server_conf *conf, conn_rec *mc,
                                      reqin_conn *cs, apr_uint32_t nth,
                                      const apr_array_header_t *in, apr_size_t *len);

#endif /* REQIN_EVENT_H */
