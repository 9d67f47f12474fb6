/* reqin_json: the JSON encoder of mod_reqin_log.
 *
 * Part of ja4-platform (BSD-3-Clause). JSON encoding (RFC 8259 §7): quotes,
 * backslashes and control characters are escaped; bytes that are not
 * well-formed UTF-8 (RFC 3629 §4) become U+FFFD, so attacker-controlled
 * headers always give a valid document.
 */

#include "reqin_json.h"

#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>

static unsigned char reqin_plain[256];  /* bytes JSON takes as they are */
static char reqin_digits[200];          /* "00" to "99" */

void reqin_json_setup(void)
{
    int c;

    for (c = 0; c < 256; c++) {
        reqin_plain[c] = c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    }
    for (c = 0; c < 100; c++) {
        reqin_digits[2 * c] = '0' + c / 10;
        reqin_digits[2 * c + 1] = '0' + c % 10;
    }
}

#ifdef __SANITIZE_ADDRESS__
/* Under ASan each buffer gets its own malloc block, so an overrun hits a
 * redzone instead of silently landing in the next pool allocation. */
static apr_status_t reqin_free(void *d)
{
    free(d);
    return APR_SUCCESS;
}

static void *reqin_alloc(apr_pool_t *p, apr_size_t n)
{
    void *d = malloc(n);

    if (d) {
        apr_pool_cleanup_register(p, d, reqin_free, apr_pool_cleanup_null);
    }
    return d ? d : apr_palloc(p, n);
}
#else
#define reqin_alloc apr_palloc
#endif

void reqin_json_init(reqin_json_buf *b, apr_pool_t *p, apr_size_t cap, apr_size_t max)
{
    b->p = p;
    b->d = reqin_alloc(p, cap);
    b->len = 0;
    b->cap = cap;
    b->max = max;
    b->truncated = NULL;
}

void reqin_json_grow(reqin_json_buf *b, apr_size_t n)
{
    apr_size_t cap = b->cap * 2 > b->len + n ? b->cap * 2 : b->len + n;
    char *d = reqin_alloc(b->p, cap);

    memcpy(d, b->d, b->len);
    b->d = d;
    b->cap = cap;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 §4), else 0. */
static apr_size_t reqin_utf8_len(const unsigned char *s, apr_size_t n)
{
    unsigned char c = s[0];
    apr_size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2, i;
    /* The second byte's range excludes overlong forms (E0, F0), UTF-16
     * surrogates (ED) and code points above U+10FFFF (F4). */
    unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;

    if (c < 0xC2 || c > 0xF4 || n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (i = 2; i < len && (s[i] & 0xC0) == 0x80; i++);
    return i == len ? len : 0;
}

/* True when the 8 bytes at s are all printable ASCII other than '"' and
 * '\\' ("Bit Twiddling Hacks": hasless, hasmore, haszero). A byte out of
 * range sets its top bit, and borrows or carries only spread from such a
 * byte, so the test is exact. */
static APR_INLINE int reqin_plain8(const unsigned char *s)
{
    const apr_uint64_t one = 0x0101010101010101ULL;
    apr_uint64_t w, q, bs;

    memcpy(&w, s, 8);
    q = w ^ (one * '"');
    bs = w ^ (one * '\\');
    return !(((((w - one * 0x20) | (q - one) | (bs - one)) & ~w) | (w + one) | w)
             & (one * 0x80));
}

/* Never splits a UTF-8 sequence. Runs of plain ASCII, most of any request,
 * are copied 8 bytes at a time; an absent or empty value (many headers) is
 * a two-byte append. */
int reqin_json_string(reqin_json_buf *b, const char *str, apr_size_t max)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    apr_size_t n, i = 0, len, lim;
    unsigned char c;
    char *o;

    if (!str || !*str) {
        reqin_json_lit(b, "\"\"");
        return 0;
    }
    n = strlen(str);
    lim = n < max ? n : max;
    if (b->len + lim * 6 + 2 > b->cap) {
        reqin_json_grow(b, lim * 6 + 2);
    }
    o = b->d + b->len;
    *o++ = '"';
    while (i < lim) {
        for (; i + 8 <= lim && reqin_plain8(s + i); i += 8, o += 8) {
            memcpy(o, s + i, 8);
        }
        while (i < lim && reqin_plain[s[i]]) {
            *o++ = s[i++];
        }
        if (i == lim) {
            break;
        }
        c = s[i];
        len = c < 0x80 ? 1 : reqin_utf8_len(s + i, n - i);
        if (i + (len ? len : 1) > max) {
            break;
        }
        if (len == 0) {
            memcpy(o, "\\ufffd", 6);
            o += 6;
            len = 1;
        }
        else if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = c;
        }
        else if (c < 0x80) {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 0xF];
            o += 6;
        }
        else {
            memcpy(o, s + i, len);
            o += len;
        }
        i += len;
    }
    *o++ = '"';
    b->len = o - b->d;
    return i < n;
}

int reqin_json_list(reqin_json_buf *b, const apr_array_header_t *arr, apr_size_t max)
{
    int i, cut = 0;

    reqin_json_lit(b, "[");
    for (i = 0; arr && i < arr->nelts; i++) {
        if (i) {
            reqin_json_lit(b, ",");
        }
        cut |= reqin_json_string(b, *(const char **)(arr->elts + i * arr->elt_size), max);
    }
    reqin_json_lit(b, "]");
    return cut;
}

void reqin_json_u64(reqin_json_buf *b, apr_uint64_t val)
{
    char num[20], *p = num + sizeof(num);

    for (; val >= 100; val /= 100) {    /* two digits a division */
        memcpy(p -= 2, reqin_digits + val % 100 * 2, 2);
    }
    if (val >= 10) {
        memcpy(p -= 2, reqin_digits + val * 2, 2);
    }
    else {
        *--p = '0' + val;
    }
    reqin_json_raw(b, p, (apr_size_t)(num + sizeof(num) - p));
}

void reqin_json_cut(reqin_json_buf *b, const char *key)
{
    if (!b->truncated) {
        b->truncated = apr_array_make(b->p, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(b->truncated, const char *) = key;
}
