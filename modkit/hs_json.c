/*
 * Compact JSON text from jansson values or piece by piece (hs_json.h):
 * one growing buffer, runs of plain characters copied at once, integers
 * converted without printf.
 */

#include <stdio.h>
#include <string.h>

#include "hs_json.h"


static int hs__jbuf_grow(hs_jbuf_t *b, size_t more);
static void hs__json_value(hs_jbuf_t *b, const json_t *v, int depth);


static int
hs__jbuf_grow(hs_jbuf_t *b, size_t more)
{
    char    *p;
    size_t   cap;

    if (b->failed) {
        return -1;
    }

    if (b->len + more + 1 <= b->cap) {
        return 0;
    }

    cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1) {
        cap *= 2;
    }

    p = hs_realloc(b->p, cap);
    if (p == NULL) {
        b->failed = 1;
        return -1;
    }

    b->p = p;
    b->cap = cap;

    return 0;
}


void
hs_jbuf_raw_grow(hs_jbuf_t *b, const char *s, size_t n)
{
    if (hs__jbuf_grow(b, n) == 0) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
}


/* 1: the byte is written escaped ('"', '\\' and control characters) */
static const unsigned char  hs__json_esc[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0
};


void
hs_jbuf_string(hs_jbuf_t *b, const char *s, size_t n)
{
    char                  esc[8], *p;
    size_t                i, run;
    unsigned char         c;
    static const char     hex[] = "0123456789ABCDEF";

    /* the common case: nothing to escape, one copy */
    if (hs__jbuf_grow(b, n + 2) != 0) {
        return;
    }

    p = b->p + b->len;
    *p++ = '"';

    for (i = 0; i < n; i++) {
        if (hs__json_esc[(unsigned char) s[i]]) {
            break;
        }
    }

    memcpy(p, s, i);
    b->len += i + 1;

    run = i;

    for ( /* void */ ; i < n; i++) {
        c = (unsigned char) s[i];

        if (!hs__json_esc[c]) {
            continue;
        }

        hs_jbuf_raw(b, s + run, i - run);
        run = i + 1;

        esc[0] = '\\';

        switch (c) {
        case '"':  esc[1] = '"';  break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b';  break;
        case '\f': esc[1] = 'f';  break;
        case '\n': esc[1] = 'n';  break;
        case '\r': esc[1] = 'r';  break;
        case '\t': esc[1] = 't';  break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xf];
            hs_jbuf_raw(b, esc, 6);
            continue;
        }

        hs_jbuf_raw(b, esc, 2);
    }

    hs_jbuf_raw(b, s + run, n - run);
    hs_jbuf_raw(b, "\"", 1);
}


void
hs_jbuf_integer(hs_jbuf_t *b, json_int_t i)
{
    char                 buf[24], *p;
    unsigned long long   u;

    p = buf + sizeof(buf);
    u = i < 0 ? 0ULL - (unsigned long long) i : (unsigned long long) i;

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (i < 0) {
        *--p = '-';
    }

    hs_jbuf_raw(b, p, buf + sizeof(buf) - p);
}


/* As jansson: "%.17g", no '+' nor leading zeros in the exponent, and a
   ".0" when the text would read back as an integer. */
void
hs_jbuf_real(hs_jbuf_t *b, double d)
{
    int    n;
    char   buf[48], *e, *q;

    n = snprintf(buf, sizeof(buf) - 2, "%.17g", d);
    if (n < 0 || (size_t) n >= sizeof(buf) - 2) {
        b->failed = 1;
        return;
    }

    /* a locale may have written a comma */
    for (q = buf; *q; q++) {
        if (*q == ',') {
            *q = '.';
        }
    }

    e = strchr(buf, 'e');

    if (e == NULL) {
        if (strchr(buf, '.') == NULL) {
            memcpy(buf + n, ".0", 3);
            n += 2;
        }

    } else {
        /* e+07 -> e7, e-07 -> e-7 */
        q = e + 1;
        if (*q == '-') {
            q++;
        }

        e = q;
        while (*e == '+' || (*e == '0' && e[1] != '\0')) {
            e++;
        }

        memmove(q, e, strlen(e) + 1);
        n = (int) strlen(buf);
    }

    hs_jbuf_raw(b, buf, n);
}


static void
hs__json_value(hs_jbuf_t *b, const json_t *v, int depth)
{
    void        *it;
    size_t       i, n;
    const char  *key;

    if (depth > HS_JSON_MAX_DEPTH) {
        b->failed = 1;
        return;
    }

    switch (json_typeof(v)) {

    case JSON_OBJECT:
        hs_jbuf_raw(b, "{", 1);

        for (it = json_object_iter((json_t *) v), i = 0;
             it != NULL && !b->failed;
             it = json_object_iter_next((json_t *) v, it), i++)
        {
            if (i) {
                hs_jbuf_raw(b, ",", 1);
            }

            key = json_object_iter_key(it);
            hs_jbuf_string(b, key, json_object_iter_key_len(it));
            hs_jbuf_raw(b, ":", 1);
            hs__json_value(b, json_object_iter_value(it), depth + 1);
        }

        hs_jbuf_raw(b, "}", 1);
        break;

    case JSON_ARRAY:
        hs_jbuf_raw(b, "[", 1);

        n = json_array_size(v);

        for (i = 0; i < n && !b->failed; i++) {
            if (i) {
                hs_jbuf_raw(b, ",", 1);
            }

            hs__json_value(b, json_array_get(v, i), depth + 1);
        }

        hs_jbuf_raw(b, "]", 1);
        break;

    case JSON_STRING:
        hs_jbuf_string(b, json_string_value(v), json_string_length(v));
        break;

    case JSON_INTEGER:
        hs_jbuf_integer(b, json_integer_value(v));
        break;

    case JSON_REAL:
        hs_jbuf_real(b, json_real_value(v));
        break;

    case JSON_TRUE:
        hs_jbuf_raw(b, "true", 4);
        break;

    case JSON_FALSE:
        hs_jbuf_raw(b, "false", 5);
        break;

    case JSON_NULL:
        hs_jbuf_raw(b, "null", 4);
        break;
    }
}


char *
hs_jbuf_finish(hs_jbuf_t *b, size_t *len)
{
    if (b->failed || hs__jbuf_grow(b, 0) != 0) {
        hs_free(b->p);
        b->p = NULL;
        return NULL;
    }

    b->p[b->len] = '\0';

    if (len != NULL) {
        *len = b->len;
    }

    return b->p;
}


void
hs_jbuf_value(hs_jbuf_t *b, const json_t *v)
{
    hs__json_value(b, v, 0);
}


char *
hs_json_dump(const json_t *v, size_t *len)
{
    hs_jbuf_t  b = HS_JBUF_INIT;

    if (v == NULL) {
        return NULL;
    }

    hs__json_value(&b, v, 0);

    return hs_jbuf_finish(&b, len);
}
