/* reqin_headers: the request headers in mod_reqin_log's HTTP event.
 *
 * Part of ja4-platform (BSD-3-Clause). The headers logged under their own
 * keys, found in one pass; the header names in their order, remembered per
 * connection; and the extra headers of ReqinLogHeader.
 */

#ifndef REQIN_HEADERS_H
#define REQIN_HEADERS_H

#include "apr_pools.h"
#include "apr_tables.h"

#include "reqin_json.h"

/* The headers logged under their own keys, in the order of the event. */
enum { REQIN_HOST, REQIN_USER_AGENT, REQIN_REFERER, REQIN_ACCEPT, REQIN_ACCEPT_LANGUAGE,
       REQIN_ACCEPT_ENCODING, REQIN_CONTENT_TYPE, REQIN_CONTENT_LENGTH, REQIN_NNAMED };

/* What an HTTP/1.x connection's last request sent of something that
 * clients repeat on every request of a connection (the header names, the
 * Host, the User-Agent), as sent (each string and its NUL) and as JSON:
 * comparing costs a fraction of encoding. One block from the connection's
 * pool, made at the first store and never grown: what does not fit is
 * encoded each time. Zeroed: nothing remembered. */
typedef struct {
    char *d;                        /* the strings, then the JSON */
    apr_size_t cap, raw, len;       /* block size; bytes of strings; of both */
    apr_size_t max;                 /* the max the JSON was encoded with */
    int count;                      /* number of strings */
} reqin_memo;

/* 1 when the n strings at v, stride bytes apart (NULL as ""), are those
 * memo remembers, encoded with the same max. */
REQIN_HIDDEN int reqin_memo_hit(const reqin_memo *memo, const void *v, apr_size_t stride, int n,
                                apr_size_t max);

/* Remembers the n strings at v and their JSON (len bytes at json, encoded
 * with max), when they fit the memo's block, allocated from cp at the first
 * call; returns 1 when it did. */
REQIN_HIDDEN int reqin_memo_store(reqin_memo *memo, const void *v, apr_size_t stride, int n,
                                  const char *json, apr_size_t len, apr_size_t max,
                                  apr_size_t min, apr_pool_t *cp);

/* The names memo, with where the named headers are among the names: the
 * same names put them at the same places, so a request whose names are the
 * memo's is not searched. */
typedef struct {
    reqin_memo m;
    int at[REQIN_NNAMED];           /* index of each named header, -1 none */
} reqin_names_memo;

/* The headers of a request as the event needs them. */
typedef struct {
    const char *val[REQIN_NNAMED];  /* first value of each named header, or NULL */
    int at[REQIN_NNAMED];           /* its index, -1 none */
    int known;                      /* the names are memo's, JSON included */
} reqin_hdrs;

/* Fills the case table and checks apr_table's key checksums (post_config). */
REQIN_HIDDEN void reqin_headers_setup(apr_pool_t *ptemp);

/* Fills h from the headers in, through memo when not NULL; max is the
 * bytes the line keeps of a value. */
REQIN_HIDDEN void reqin_headers_find(reqin_hdrs *h, const apr_array_header_t *in,
                                     const reqin_names_memo *memo, apr_size_t max);

/* Appends header_names, header_count and extra_headers (the values of the
 * names in extra, lower case, or NULL). h is from reqin_headers_find with
 * the same memo (the connection's, its block allocated from cp). */
REQIN_HIDDEN void reqin_headers_json(reqin_json_buf *b, const reqin_hdrs *h,
                                     const apr_array_header_t *in,
                                     const apr_array_header_t *extra,
                                     reqin_names_memo *memo, apr_pool_t *cp);

/* Appends key (klen bytes of ,"name":) and the value v, not empty, through
 * memo when not NULL, as reqin_json_str does. */
REQIN_HIDDEN void reqin_headers_value(reqin_json_buf *b, const char *key, apr_size_t klen,
                                      const char *name, const char *v, reqin_memo *memo,
                                      apr_pool_t *cp);

/* reqin_json_str for a value that a connection's requests repeat, with its
 * memo (NULL: none). v is evaluated more than once: no side effects. */
#define reqin_json_memo(b, k, v, memo, cp) \
    (!(v) || !*(v) ? reqin_json_lit((b), ",\"" k "\":\"\"") \
     : reqin_headers_value((b), ",\"" k "\":", sizeof(",\"" k "\":") - 1, k, (v), \
                           (memo), (cp)))

#endif /* REQIN_HEADERS_H */
