/*
 * JSON text from jansson values (or written piece by piece), fast: what json_dumps() writes with
 * JSON_COMPACT | JSON_ENCODE_ANY, byte for byte (object members in
 * insertion order, strings as UTF-8 with only '"', '\\' and control
 * characters escaped, reals as "%.17g" with a ".0" when they would read
 * back as integers), into one buffer from hs_alloc().
 */

#ifndef HS_JSON_H
#define HS_JSON_H

#include <string.h>
#include <jansson.h>
#include "hs_base.h"

#define HS_JSON_MAX_DEPTH  2048

/*
 * The compact text of v, NUL-terminated, its length in *len (may be
 * NULL); free with hs_free(). NULL when out of memory or when v nests
 * deeper than HS_JSON_MAX_DEPTH (or refers to itself).
 */
HS_API char *hs_json_dump(const json_t *v, size_t *len);

/*
 * The same text written piece by piece, for output that has no jansson
 * value (a database row rendered as it is read). Start from
 * HS_JBUF_INIT; a failure (out of memory, a value nesting too deep) is
 * remembered and makes hs_jbuf_finish() return NULL.
 */
typedef struct {
    char    *p;
    size_t   len;
    size_t   cap;
    int      failed;
} hs_jbuf_t;

#define HS_JBUF_INIT  { NULL, 0, 0, 0 }

/* hs_jbuf_raw() when s does not fit what the buffer holds */
HS_API void hs_jbuf_raw_grow(hs_jbuf_t *b, const char *s, size_t n);

/* s as it is: punctuation, literals, text already in JSON */
static inline void
hs_jbuf_raw(hs_jbuf_t *b, const char *s, size_t n)
{
    /* a NUL always fits after the text */
    if (b->len + n < b->cap) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
        return;
    }

    hs_jbuf_raw_grow(b, s, n);
}

/* a JSON string of n bytes of UTF-8 (not checked here) */
HS_API void hs_jbuf_string(hs_jbuf_t *b, const char *s, size_t n);
HS_API void hs_jbuf_integer(hs_jbuf_t *b, json_int_t i);
HS_API void hs_jbuf_real(hs_jbuf_t *b, double d);
HS_API void hs_jbuf_value(hs_jbuf_t *b, const json_t *v);

/*
 * The text, NUL-terminated, its length in *len (may be NULL); free with
 * hs_free(). NULL (and the buffer freed) if anything failed.
 */
HS_API char *hs_jbuf_finish(hs_jbuf_t *b, size_t *len);

#endif /* HS_JSON_H */
