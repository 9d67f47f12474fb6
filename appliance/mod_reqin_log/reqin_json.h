/* reqin_json: the JSON encoder of mod_reqin_log (RFC 8259).
 *
 * Part of ja4-platform (BSD-3-Clause). A line is built in a reqin_json_buf
 * by appending literal keys and encoded values; a value longer than the
 * buffer's max is cut on a UTF-8 boundary and its key recorded.
 */

#ifndef REQIN_JSON_H
#define REQIN_JSON_H

#include "apr_pools.h"
#include "apr_tables.h"

#include <string.h>

#include "reqin_visibility.h"

typedef struct {
    apr_pool_t *p;
    char *d;
    apr_size_t len, cap, max;       /* max: bytes kept of a value */
    apr_array_header_t *truncated;  /* names of the fields cut to max, or NULL */
} reqin_json_buf;

/* Fills the byte tables; once, before any other call (register_hooks). */
REQIN_HIDDEN void reqin_json_setup(void);

/* An empty buffer of cap bytes, keeping max bytes of each value: buf when
 * given, else allocated from p. Growing allocates from p. */
REQIN_HIDDEN void reqin_json_init(reqin_json_buf *b, apr_pool_t *p, char *buf, apr_size_t cap,
                                  apr_size_t max);

/* Makes room for n more bytes. */
REQIN_HIDDEN void reqin_json_grow(reqin_json_buf *b, apr_size_t n);

/* Makes sure n more bytes fit, so that a caller may write them directly.
 * Growing is rare: marked so, its calls leave the hot path's cache lines
 * (callgrind's cache simulation: nearly every line of the module's code a
 * request runs misses the instruction cache, as httpd's own code evicts it). */
#define reqin_json_reserve(b, n) \
    (__builtin_expect((b)->len + (n) > (b)->cap, 0) ? reqin_json_grow((b), (n)) : (void)0)

/* Appends str (NULL is "") as a JSON string of at most max input bytes;
 * returns 1 when it was cut. */
REQIN_HIDDEN int reqin_json_string(reqin_json_buf *b, const char *str, apr_size_t max);

/* Appends a JSON array of the strings that start each element of arr (an
 * apr_table_entry_t starts with its key, so table entries qualify); NULL
 * is []. Returns 1 when any was cut. */
REQIN_HIDDEN int reqin_json_list(reqin_json_buf *b, const apr_array_header_t *arr,
                                 apr_size_t max);

/* Appends val in decimal, written in place. */
REQIN_HIDDEN void reqin_json_u64(reqin_json_buf *b, apr_uint64_t val);

/* "00" to "99", for numbers written two digits at a time. */
extern REQIN_HIDDEN char reqin_json_digits[200];

/* Records key in b->truncated. */
REQIN_HIDDEN void reqin_json_cut(reqin_json_buf *b, const char *key);

/* Appends n bytes at s. A macro rather than a function, so that each literal
 * key compiles to a bounds test and a few moves in the caller, as the
 * benchmark's instruction counts assume. b and n are evaluated more than
 * once: pass expressions without side effects. */
#define reqin_json_raw(b, s, n) \
    (reqin_json_reserve((b), (n)), \
     memcpy((b)->d + (b)->len, (s), (n)), (void)((b)->len += (n)))

#define reqin_json_lit(b, s) reqin_json_raw((b), (s), sizeof(s) - 1)
#define reqin_json_key(b, k) reqin_json_lit((b), ",\"" k "\":")

/* Keys are literals, written as they are; a cut value names its key. An
 * absent or empty value, as most headers are, is one literal appended in
 * the caller, key and "" together. v is evaluated more than once: no side
 * effects. */
#define reqin_json_num(b, k, v) (reqin_json_key((b), k), reqin_json_uint((b), (v)))
#define reqin_json_str(b, k, v) \
    (!(v) || !*(v) ? reqin_json_lit((b), ",\"" k "\":\"\"") \
     : (reqin_json_key((b), k), \
        reqin_json_string((b), (v), (b)->max) ? reqin_json_cut((b), k) : (void)0))

/* Appends val in decimal: below 1000 (status, counts, most keep-alive
 * numbers) inline, as the call would cost more than the digits. */
static APR_INLINE void reqin_json_uint(reqin_json_buf *b, apr_uint64_t val)
{
    char *p;

    if (val >= 1000) {
        reqin_json_u64(b, val);
        return;
    }
    reqin_json_reserve(b, 3);
    p = b->d + b->len;
    if (val >= 100) {
        *p++ = '0' + val / 100;
        val %= 100;
    }
    else if (val < 10) {
        *p = '0' + val;
        b->len = p + 1 - b->d;
        return;
    }
    memcpy(p, reqin_json_digits + val * 2, 2);
    b->len = p + 2 - b->d;
}

#endif /* REQIN_JSON_H */
