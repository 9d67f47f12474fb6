/* mod_reqin_log: one JSON line per request on a UNIX stream socket.
 *
 * Part of ja4-platform (BSD-3-Clause). The line is the HTTP event that the
 * correlator joins to the TLS handshake of the same TCP connection; its keys
 * are fixed by httpEventSchema in appliance/common/events/http-event.ts.
 * This file holds the configuration and the hooks; the event is built by
 * reqin_event.c with the JSON encoder reqin_json.c, and sent by the
 * never-blocking writer reqin_socket.c.
 */

#include "httpd.h"
#include "http_config.h"
#include "http_connection.h"
#include "http_log.h"
#include "http_protocol.h"
#include "ap_mpm.h"

#include "apr_atomic.h"
#include "apr_shm.h"
#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "reqin_event.h"
#include "reqin_json.h"
#include "reqin_profile.h"
#include "reqin_socket.h"

module AP_MODULE_DECLARE_DATA reqin_log_module;


static pid_t reqin_pid;
static volatile apr_uint64_t reqin_conn_seq;

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

/* The hooks */

static reqin_conn *reqin_conn_state(conn_rec *c)
{
    reqin_conn *cs = ap_get_module_config(c->conn_config, &reqin_log_module);

    if (!cs) {
        cs = apr_pcalloc(c->pool, sizeof(*cs));
        cs->id = apr_psprintf(c->pool, "%" APR_PID_T_FMT "-%" APR_UINT64_T_FMT,
                              reqin_pid, apr_atomic_inc64(&reqin_conn_seq));
        cs->isn = -1;
        ap_set_module_config(c->conn_config, &reqin_log_module, cs);
    }
    return cs;
}

int reqin_enabled(server_rec *s)
{
    return reqin_socket_path && reqin_stats && REQIN_SCONF(s)->enabled != 0;
}

static int reqin_post_read_request(request_rec *r)
{
    const apr_array_header_t *in = apr_table_elts(r->headers_in);
    apr_array_header_t *copy;
    REQIN_PROF_BEGIN(t);

    /* Keep the headers as the client sent them: later hooks (mod_remoteip,
     * mod_headers) edit r->headers_in, in place. The entries are copied,
     * sharing the strings, in one block: the event only reads them, so
     * the table's index (apr_table_copy) is not needed. */
    if (reqin_enabled(r->server)) {
        copy = apr_palloc(r->pool, sizeof(*copy) + in->nelts * in->elt_size);
        *copy = *in;
        copy->pool = r->pool;
        copy->nalloc = in->nelts;
        copy->elts = (char *)(copy + 1);
        memcpy(copy->elts, in->elts, in->nelts * in->elt_size);
        ap_set_module_config(r->request_config, &reqin_log_module, copy);
    }
    REQIN_PROF_END(t, REQIN_PROF_POST_READ);
    return DECLINED;
}

static int reqin_pre_connection(conn_rec *c, void *csd)
{
    if (!c->master && reqin_socket_path) {
        /* Before any HTTP/2 stream shares it; Apache has just accepted it. */
        reqin_conn_identity(reqin_conn_state(c), csd);
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
    const apr_array_header_t *in;
    REQIN_PROF_BEGIN(t);

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
        in = ap_get_module_config(r->request_config, &reqin_log_module);
        if (!in) {                  /* rejected before post_read_request */
            in = apr_table_elts(r->headers_in);
        }
        {
            REQIN_PROF_BEGIN(f);
            line = reqin_event_format(r, REQIN_SCONF(r->server), mc, cs, nth, in, &len);
            REQIN_PROF_END(f, REQIN_PROF_FORMAT);
        }
        {
            REQIN_PROF_BEGIN(q);
            reqin_socket_send(r->server, line, len);
            REQIN_PROF_END(q, REQIN_PROF_QUEUE);
        }
    }
    REQIN_PROF_END(t, REQIN_PROF_LOG);
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
    /* Named by the counters' size: a graceful restart into a build whose
     * counters differ makes new ones rather than reading the old block
     * with the new layout. */
    const char *key = apr_psprintf(ptemp, "mod_reqin_log/%" APR_SIZE_T_FMT,
                                   sizeof(reqin_counters));
    reqin_counters **retained = ap_retained_data_get(key);
    apr_shm_t *shm;
    apr_status_t rv;

    if (!retained) {
        retained = ap_retained_data_create(key, sizeof(*retained));
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
    reqin_event_post_config(pconf, ptemp, s);
    if (REQIN_SCONF(s)->socket_path) {
        reqin_conn_save_syns(s);    /* the MPM opened the listeners in open_logs */
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
