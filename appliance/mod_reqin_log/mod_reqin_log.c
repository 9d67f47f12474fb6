/* mod_reqin_log: one JSON line per request on a UNIX stream socket.
 *
 * Part of ja4-platform (BSD-3-Clause). The line is the HTTP event that the
 * correlator joins to the TLS handshake of the same TCP connection; its keys
 * are fixed by httpEventSchema in appliance/common/events/http-event.ts.
 * This file holds the configuration, the event and the hooks; the JSON
 * encoder is reqin_json.c and the never-blocking writer reqin_socket.c.
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

#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "reqin_json.h"
#include "reqin_socket.h"

module AP_MODULE_DECLARE_DATA reqin_log_module;

#define REQIN_HANDLER "reqin-log-status"
#define REQIN_DEFAULT_MAX_VALUE 2048
#define REQIN_SCONF(s) \
    ((reqin_server_conf *)ap_get_module_config((s)->module_config, &reqin_log_module))

typedef struct {
    int enabled;                    /* -1 unset: on once a socket is set */
    const char *socket_path;        /* main server only */
    apr_array_header_t *headers;    /* ReqinLogHeader names, NULL unset */
    int max_value;                  /* bytes; -1 unset */
} reqin_server_conf;

static const char *const reqin_counter_names[REQIN_NCOUNTERS] = {
    "EventsSent", "DroppedNoSocket", "DroppedWouldBlock", "DroppedError",
    "DroppedTooLarge", "EventsDropped", "PartialWrites", "Connects", "ConnectFailures"
};

typedef struct {
    const char *id;
    volatile apr_uint32_t requests;
    int tls;                        /* -1 until mod_ssl was asked */
    const char *tls_protocol, *tls_cipher;
} reqin_conn;

/* The headers logged under their own keys, in the order of reqin_format. */
static const char *const reqin_named[] = {
    "Host", "User-Agent", "Referer", "Accept", "Accept-Language",
    "Accept-Encoding", "Content-Type", "Content-Length"
};
#define REQIN_NNAMED (sizeof(reqin_named) / sizeof(reqin_named[0]))

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

static void reqin_headers(reqin_json_buf *b, apr_table_t *in, reqin_server_conf *conf)
{
    const apr_array_header_t *names = conf->headers;
    const char *name;
    int i;

    reqin_json_key(b, "header_names");
    if (reqin_json_list(b, apr_table_elts(in), b->max)) {
        reqin_json_cut(b, "header_names");
    }
    reqin_json_num(b, "header_count", apr_table_elts(in)->nelts);
    reqin_json_key(b, "extra_headers");
    reqin_json_lit(b, "{");
    for (i = 0; names && i < names->nelts; i++) {
        name = APR_ARRAY_IDX(names, i, const char *);
        if (i) {
            reqin_json_lit(b, ",");
        }
        reqin_json_string(b, name, REQIN_BUF_SIZE);
        reqin_json_lit(b, ":");
        if (reqin_json_string(b, apr_table_get(in, name), b->max)) {
            reqin_json_cut(b, apr_pstrcat(b->p, "extra_headers.", name, NULL));
        }
    }
    reqin_json_lit(b, "}");
}

static char *reqin_format(request_rec *r, reqin_server_conf *conf, conn_rec *mc,
                          reqin_conn *cs, apr_uint32_t nth, apr_size_t *len)
{
    request_rec *last = r;
    apr_table_t *in = ap_get_module_config(r->request_config, &reqin_log_module);
    apr_time_t now = apr_time_now();
    const char *hv[REQIN_NNAMED] = { NULL };
    reqin_json_buf b;

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
    reqin_json_init(&b, r->pool, 2048,
                    conf->max_value > 0 ? conf->max_value : REQIN_DEFAULT_MAX_VALUE);

    reqin_json_lit(&b, "{\"type\":\"http\"");
    reqin_json_num(&b, "ts_us", r->request_time);
    reqin_json_str(&b, "vhost", r->server->server_hostname);
    reqin_json_str(&b, "host", hv[0]);
    reqin_json_str(&b, "method", r->method);
    reqin_json_str(&b, "path", r->parsed_uri.path);
    reqin_json_str(&b, "query", r->args);
    reqin_json_str(&b, "protocol", r->protocol);
    reqin_json_num(&b, "status", last->status > 0 ? last->status : 0);
    reqin_json_num(&b, "bytes_sent", last->bytes_sent > 0 ? last->bytes_sent : 0);
    reqin_json_num(&b, "duration_us", now > r->request_time ? now - r->request_time : 0);
    reqin_json_str(&b, "client_ip", r->useragent_ip ? r->useragent_ip : mc->client_ip);
    reqin_json_str(&b, "conn_ip", mc->client_ip);
    reqin_json_num(&b, "conn_port", mc->client_addr ? mc->client_addr->port : 0);
    reqin_json_str(&b, "local_ip", mc->local_ip);
    reqin_json_num(&b, "local_port", mc->local_addr ? mc->local_addr->port : 0);
    reqin_json_str(&b, "conn_id", cs->id);
    reqin_json_num(&b, "keepalive_n", nth);
    reqin_json_key(&b, "tls");
    reqin_json_raw(&b, cs->tls ? "true" : "false", cs->tls ? 4 : 5);
    reqin_json_str(&b, "tls_protocol", cs->tls ? cs->tls_protocol : NULL);
    reqin_json_str(&b, "tls_cipher", cs->tls ? cs->tls_cipher : NULL);
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

/* The hooks */

static int reqin_enabled(server_rec *s)
{
    return reqin_socket_path && reqin_stats && REQIN_SCONF(s)->enabled != 0;
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
    if (!c->master && reqin_socket_path) {
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

    if (!reqin_socket_path || !reqin_stats) {
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
        reqin_socket_send(r->server, line, len);
    }
    return OK;
}

static void reqin_child_init(apr_pool_t *p, server_rec *s)
{
    reqin_pid = getpid();
    /* Connection numbers start at the child's start time in microseconds,
     * so a later child that reuses the pid cannot repeat an id. */
    reqin_conn_seq = (apr_uint64_t)apr_time_now();
    reqin_socket_child_init(p, s, REQIN_SCONF(s)->socket_path);
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
    ap_rprintf(r, "Socket: %s\nEnabled: %s\n", reqin_socket_path ? reqin_socket_path : "",
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
    reqin_json_setup();
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
