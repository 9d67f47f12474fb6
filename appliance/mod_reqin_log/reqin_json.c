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
char reqin_json_digits[200];            /* "00" to "99" */

void reqin_json_setup(void)
{
    int c;

    for (c = 0; c < 256; c++) {
        reqin_plain[c] = c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    }
    for (c = 0; c < 100; c++) {
        reqin_json_digits[2 * c] = '0' + c / 10;
        reqin_json_digits[2 * c + 1] = '0' + c % 10;
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

void reqin_json_init(reqin_json_buf *b, apr_pool_t *p, char *buf, apr_size_t cap,
                     apr_size_t max)
{
    b->p = p;
    b->d = buf ? buf : reqin_alloc(p, cap);
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

#if defined(__GNUC__) && !APR_IS_BIGENDIAN
/* Words of 8 bytes need the first byte in the low bits (little-endian) and
 * GCC's count of trailing zeros; elsewhere bytes go one at a time. */
#define REQIN_WORDS 1

/* The bytes of w that are not plain, as the top bit of each ("Bit
 * Twiddling Hacks": hasless, haszero): below 0x20 (w - 0x20), '"' and '\\'
 * (equal is zero, zero - 1), 0x7F (w + 1) and from 0x80 (w itself). A byte
 * from 0x80 sets its own top bit, which hides what the other terms make of
 * it. Borrows and carries only spread upwards from a byte that is not
 * plain, so the lowest bit set is exactly the first such byte. */
static APR_INLINE apr_uint64_t reqin_special8(apr_uint64_t w)
{
    const apr_uint64_t one = 0x0101010101010101ULL;
    apr_uint64_t q = w ^ (one * '"'), bs = w ^ (one * '\\');

    return ((w - one * 0x20) | (q - one) | (bs - one) | (w + one) | w) & (one * 0x80);
}
#endif

/* Copies the plain bytes that start s[i..lim) to o and returns how many.
 * Whole words are stored, up to 8 bytes past the plain ones (the caller
 * reserved them), and s[lim] may be read: it exists, as lim <= strlen(s). */
static APR_INLINE apr_size_t reqin_plain_run(const unsigned char *s, apr_size_t i,
                                             apr_size_t lim, char *o)
{
    const apr_size_t from = i;
#ifdef REQIN_WORDS
    apr_uint64_t w, m;
    apr_size_t r;

    for (; i + 8 <= lim; i += 8, o += 8) {
        memcpy(&w, s + i, 8);
        memcpy(o, &w, 8);
        if ((m = reqin_special8(w)) != 0) {
            return i - from + (__builtin_ctzll(m) >> 3);
        }
    }
    if (i < lim && lim >= 7) {
        /* The last r < 8 bytes without a byte loop: the word that ends on
         * s[lim], shifted so that s[i] comes first; s[lim] is the stop. */
        r = lim - i;
        memcpy(&w, s + lim - 7, 8);
        w >>= 8 * (7 - r);
        memcpy(o, &w, 8);
        m = reqin_special8(w) | (0x80ULL << (8 * r));
        return i - from + (__builtin_ctzll(m) >> 3);
    }
#endif
    for (; i < lim && reqin_plain[s[i]]; i++) {
        *o++ = s[i];
    }
    return i - from;
}

/* Never splits a UTF-8 sequence. Runs of plain ASCII, most of any request,
 * go 8 bytes at a time; an absent or empty value (many headers) is a
 * literal in the caller. */
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
    /* At worst 6 bytes out per byte in (\u00XX), the quotes, and the 8 that
     * reqin_plain_run may store past its last plain byte. */
    reqin_json_reserve(b, lim * 6 + 10);
    o = b->d + b->len;
    *o++ = '"';
    for (;;) {
        len = reqin_plain_run(s, i, lim, o);
        i += len;
        o += len;
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

/* Digits of val: its bit length times log10(2) (1233 / 4096) is the count
 * or one less, and one comparison settles which (checked for every power
 * of 2 and of 10, and either side of them). */
static APR_INLINE apr_size_t reqin_ndigits(apr_uint64_t val)
{
    static const apr_uint64_t pow10[20] = {
        0, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
        100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
        1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
        1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
        1000000000000000000ULL, 10000000000000000000ULL
    };
#if defined(__GNUC__)
    apr_size_t t = (apr_size_t)(64 - __builtin_clzll(val | 1)) * 1233 >> 12;

    return t + (val >= pow10[t]);
#else
    apr_size_t t = 1;

    while (t < 20 && val >= pow10[t]) {
        t++;
    }
    return t;
#endif
}

/* Writes v's digits ending at p, two a step; 32-bit arithmetic, as a
 * division by a constant is then one multiply and shift. */
static APR_INLINE void reqin_u32_digits(char *p, apr_uint32_t v)
{
    for (; v >= 100; v /= 100) {
        memcpy(p -= 2, reqin_json_digits + v % 100 * 2, 2);
    }
    if (v >= 10) {
        memcpy(p - 2, reqin_json_digits + v * 2, 2);
    }
    else {
        p[-1] = '0' + v;
    }
}

/* Written in place from the last digit: no temporary and no copy. ts_us
 * (16 digits) is split into two 32-bit halves, each cheaper to divide. */
void reqin_json_u64(reqin_json_buf *b, apr_uint64_t val)
{
    apr_size_t n = reqin_ndigits(val);
    apr_uint32_t lo;
    char *p;
    int i;

    reqin_json_reserve(b, n);
    p = b->d + b->len + n;
    b->len += n;
    while (val > 0xFFFFFFFFULL) {       /* the low 8 digits, zeros kept */
        lo = (apr_uint32_t)(val % 100000000);
        val /= 100000000;
        for (i = 0; i < 4; i++, lo /= 100) {
            memcpy(p -= 2, reqin_json_digits + lo % 100 * 2, 2);
        }
    }
    reqin_u32_digits(p, (apr_uint32_t)val);
}

void reqin_json_cut(reqin_json_buf *b, const char *key)
{
    if (!b->truncated) {
        b->truncated = apr_array_make(b->p, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(b->truncated, const char *) = key;
}
