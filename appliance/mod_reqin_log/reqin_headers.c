/* reqin_headers: the request headers in mod_reqin_log's HTTP event.
 *
 * Part of ja4-platform (BSD-3-Clause). Every request pays for this, so it
 * is measured in instructions (README.md, Benchmark): the named headers are
 * found in one pass that compares apr_table's key checksums, and what a
 * client sends alike on every request of a keep-alive connection (the
 * header names, Host, User-Agent) is encoded once per connection and then
 * only compared.
 */

#include "reqin_headers.h"

#include "apr_strings.h"

#include <string.h>

#include "reqin_socket.h"

#define REQIN_MEMO_MAX 8192         /* bytes of strings and JSON remembered */

/* In the order of the REQIN_HOST.. enum, in lower case for reqin_is. */
static const char *const reqin_named[REQIN_NNAMED] = {
    "host", "user-agent", "referer", "accept", "accept-language",
    "accept-encoding", "content-type", "content-length"
};

/* apr_table's key_checksum of each name (see reqin_checksum), and whether
 * APR computes it so (reqin_headers_setup); else names are compared whole. */
static apr_uint32_t reqin_named_ck[REQIN_NNAMED];
static int reqin_ck_ok;

static unsigned char reqin_lower[256];  /* ASCII tolower, as httpd's C locale */

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

/* apr_table's key_checksum (apr_tables.c, COMPUTE_KEY_CHECKSUM): the first
 * four bytes of the key, fewer when it is shorter, first byte highest, with
 * the case bit of each cleared. Only used for names of ASCII letters. */
static apr_uint32_t reqin_checksum(const char *key)
{
    apr_uint32_t ck = 0;
    int i;

    for (i = 0; i < 4; i++) {
        ck = ck << 8 | (unsigned char)*key;
        key += *key != '\0';
    }
    return ck & 0xdfdfdfdf;
}

void reqin_headers_setup(apr_pool_t *ptemp)
{
    apr_table_t *t = apr_table_make(ptemp, REQIN_NNAMED + 1);
    const apr_table_entry_t *e;
    int c, i;

    for (c = 0; c < 256; c++) {
        reqin_lower[c] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
    /* The checksums of the names as APR computes them, one in upper case. */
    for (i = 0; i < REQIN_NNAMED; i++) {
        reqin_named_ck[i] = reqin_checksum(reqin_named[i]);
        apr_table_addn(t, reqin_named[i], "");
    }
    apr_table_addn(t, "HOST", "");
    e = (const apr_table_entry_t *)apr_table_elts(t)->elts;
    for (i = 0, reqin_ck_ok = 1; i <= REQIN_NNAMED; i++) {
        reqin_ck_ok &= e[i].key_checksum == reqin_named_ck[i % REQIN_NNAMED];
    }
}

/* Header e is reqin_named[j]: its checksum, which tells "Connection" from
 * "Content-Type" in one comparison, then the bytes after the first four. */
static APR_INLINE int reqin_named_is(const apr_table_entry_t *e, int j)
{
    if (!reqin_ck_ok) {
        return reqin_is(e->key, reqin_named[j]);
    }
    return e->key_checksum == reqin_named_ck[j] && reqin_is(e->key + 4, reqin_named[j] + 4);
}

/* The n strings at v, stride bytes apart (a table's keys), NULL as "". */
#define REQIN_NTH(v, stride, i) (*(const char *const *)((const char *)(v) + (i) * (stride)))

int reqin_memo_hit(const reqin_memo *memo, const void *v, apr_size_t stride, int n,
                   apr_size_t max)
{
    const char *p = memo->d, *s;
    apr_uint16_t k;
    int i;

    if (!p || memo->count != n || memo->max != max) {
        return 0;
    }
    for (i = 0; i < n; i++, p += k + 1) {
        memcpy(&k, p, sizeof(k));
        p += sizeof(k);
        s = REQIN_NTH(v, stride, i);
        if (strcmp(s ? s : "", p)) {
            return 0;
        }
    }
    return 1;
}

/* The block is made at the first call twice the size (at least min bytes),
 * so that a few more fit later. Each string is kept after its length (2
 * bytes, so that a match needs no strlen) and before its NUL. */
int reqin_memo_store(reqin_memo *memo, const void *v, apr_size_t stride, int n,
                     const char *json, apr_size_t len, apr_size_t max, apr_size_t min,
                     apr_pool_t *cp)
{
    apr_size_t raw = 0, k;
    apr_uint16_t k16;
    const char *s;
    char *p;
    int i;

    for (i = 0; i < n; i++) {
        s = REQIN_NTH(v, stride, i);
        raw += sizeof(k16) + (s ? strlen(s) : 0) + 1;
    }
    if (!memo->d && raw + len <= REQIN_MEMO_MAX / 2) {
        memo->cap = 2 * (raw + len) > min ? 2 * (raw + len) : min;
        /* Pool memory, as the connection's JSON: a malloc block freed by a
         * cleanup would leak with the connections open at shutdown. */
        memo->d = apr_palloc(cp, memo->cap);
    }
    if (!memo->d || raw + len > memo->cap) {
        return 0;                   /* keeps what it had: still true of it */
    }
    for (i = 0, p = memo->d; i < n; i++, p += k + 1) {
        s = REQIN_NTH(v, stride, i);
        k = s ? strlen(s) : 0;      /* < REQIN_MEMO_MAX: fits k16 */
        k16 = (apr_uint16_t)k;
        memcpy(p, &k16, sizeof(k16));
        p += sizeof(k16);
        memcpy(p, s ? s : "", k + 1);
    }
    memcpy(p, json, len);
    memo->raw = raw;
    memo->len = raw + len;
    memo->count = n;
    memo->max = max;
    return 1;
}

void reqin_headers_value(reqin_json_buf *b, const char *key, apr_size_t klen,
                         const char *name, const char *v, reqin_memo *memo, apr_pool_t *cp)
{
    apr_size_t from = b->len;

    if (memo && reqin_memo_hit(memo, &v, sizeof(v), 1, b->max)) {
        reqin_json_raw(b, memo->d + memo->raw, memo->len - memo->raw);
        return;
    }
    reqin_json_raw(b, key, klen);
    if (reqin_json_string(b, v, b->max)) {
        reqin_json_cut(b, name);    /* not remembered: the cut is per line */
    }
    else if (memo) {
        reqin_memo_store(memo, &v, sizeof(v), 1, b->d + from, b->len - from, b->max, 0, cp);
    }
}

/* One pass over the headers, the first of repeated headers as
 * apr_table_get (eight of those cost twice as much), unless the names are
 * the memo's. */
void reqin_headers_find(reqin_hdrs *h, const apr_array_header_t *in,
                        const reqin_names_memo *memo, apr_size_t max)
{
    const apr_table_entry_t *e = (const apr_table_entry_t *)in->elts;
    int i, j, end;

    h->known = memo && reqin_memo_hit(&memo->m, &e->key, sizeof(*e), in->nelts, max);
    for (j = 0; j < REQIN_NNAMED; j++) {
        h->at[j] = h->known ? memo->at[j] : -1;
        h->val[j] = h->at[j] >= 0 ? e[h->at[j]].val : NULL;
    }
    for (i = 0; !h->known && i < in->nelts; i++) {
        switch (e[i].key[0] | 0x20) {   /* the candidates, by first letter */
        case 'h': j = REQIN_HOST; end = REQIN_USER_AGENT; break;
        case 'u': j = REQIN_USER_AGENT; end = REQIN_REFERER; break;
        case 'r': j = REQIN_REFERER; end = REQIN_ACCEPT; break;
        case 'a': j = REQIN_ACCEPT; end = REQIN_CONTENT_TYPE; break;
        case 'c': j = REQIN_CONTENT_TYPE; end = REQIN_NNAMED; break;
        default: continue;
        }
        for (; j < end && (h->val[j] || !reqin_named_is(&e[i], j)); j++);
        if (j < end) {
            h->val[j] = e[i].val;
            h->at[j] = i;
        }
    }
}

void reqin_headers_json(reqin_json_buf *b, const reqin_hdrs *h, const apr_array_header_t *in,
                        const apr_array_header_t *extra, reqin_names_memo *memo,
                        apr_pool_t *cp)
{
    const apr_table_entry_t *e = (const apr_table_entry_t *)in->elts;
    const char *name, *val;
    apr_size_t from = b->len;
    int i, j;

    if (h->known) {
        reqin_json_raw(b, memo->m.d + memo->m.raw, memo->m.len - memo->m.raw);
    }
    else {
        reqin_json_key(b, "header_names");
        if (reqin_json_list(b, in, b->max)) {
            reqin_json_cut(b, "header_names");
        }
        else if (memo && reqin_memo_store(&memo->m, &e->key, sizeof(*e), in->nelts, b->d + from,
                                          b->len - from, b->max, 256, cp)) {
            memcpy(memo->at, h->at, sizeof(memo->at));
        }
    }
    reqin_json_num(b, "header_count", in->nelts);
    reqin_json_key(b, "extra_headers");
    reqin_json_lit(b, "{");
    for (i = 0; extra && i < extra->nelts; i++) {
        name = APR_ARRAY_IDX(extra, i, const char *);
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
