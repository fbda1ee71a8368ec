/*
 * hs_json_dump(): the same text as jansson's json_dumps(JSON_COMPACT |
 * JSON_ENCODE_ANY) for every kind of value, and its limits.
 */

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"


/* Our text and jansson's for v; v is stolen. */
static void
test_same(json_t *v, const char *what)
{
    char    *ours, *theirs;
    size_t   len;

    if (!ok(v != NULL, "%s: built", what)) {
        return;
    }

    ours = hs_json_dump(v, &len);
    theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

    is_str(ours, theirs, "%s: as json_dumps()", what);
    if (ours != NULL) {
        is_int(len, strlen(ours), "%s: length", what);
    }

    hs_free(ours);
    free(theirs);
    json_decref(v);
}


static void
test_scalars(void)
{
    static const json_int_t  ints[] = {
        0, 1, -1, 9, 10, -10, 123456789, LLONG_MAX, -LLONG_MAX,
        LLONG_MAX - 1, LLONG_MIN
    };
    static const double      reals[] = {
        0.0, -0.0, 1.0, -1.5, 0.1, 1e20, 1e21, 1e-7, 1.5e-300, 1e300,
        123456789.123, 3.141592653589793, DBL_MAX, DBL_MIN, 2.5e-5,
        1e100, -4e-10, 100.0, 1e16, 1e17
    };
    size_t  i;
    char    name[64];

    for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        snprintf(name, sizeof(name), "integer %lld", (long long) ints[i]);
        test_same(json_integer(ints[i]), name);
    }

    for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
        snprintf(name, sizeof(name), "real %.17g", reals[i]);
        test_same(json_real(reals[i]), name);
    }

    test_same(json_true(), "true");
    test_same(json_false(), "false");
    test_same(json_null(), "null");
}


static void
test_strings(void)
{
    char     all[128];
    size_t   i;

    test_same(json_string(""), "empty string");
    test_same(json_string("plain ascii"), "plain string");
    test_same(json_string("quote \" backslash \\ slash /"),
              "quote, backslash, slash");
    test_same(json_string("\b\f\n\r\t"), "short escapes");
    test_same(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
              "UTF-8 kept as it is");
    test_same(json_string("\x7f del"), "DEL is not escaped");
    test_same(json_string("line\xe2\x80\xa8sep"), "U+2028 kept");
    test_same(json_stringn("nul\0inside", 10), "embedded NUL");

    /* every control character and every ASCII character */
    for (i = 1; i < sizeof(all); i++) {
        all[i - 1] = (char) i;
    }
    all[sizeof(all) - 1] = '\0';
    test_same(json_string(all), "every ASCII character");
}


static void
test_containers(void)
{
    json_t  *o, *deep;
    int      i;

    test_same(json_object(), "empty object");
    test_same(json_array(), "empty array");
    test_same(json_pack("[i, s, b, n, f]", 1, "two", 1, 2.5), "mixed array");
    test_same(json_pack("{s:i, s:s, s:[i, i], s:{s:o}}", "a", 1, "b", "x",
                        "c", 1, 2, "d", "e", json_null()), "nested object");

    /* member order is insertion order, not key order */
    o = json_object();
    json_object_set_new(o, "zeta", json_integer(1));
    json_object_set_new(o, "alpha", json_integer(2));
    json_object_set_new(o, "mu", json_integer(3));
    test_same(o, "insertion order");

    o = json_object();
    json_object_setn_new(o, "k\0ey", 4, json_string("v"));
    json_object_set_new(o, "esc\"aped\n", json_true());
    test_same(o, "keys with NUL and escapes");

    /* deep but allowed nesting */
    deep = json_integer(7);
    for (i = 0; i < 500; i++) {
        o = json_array();
        json_array_append_new(o, deep);
        deep = o;
    }
    test_same(deep, "500 levels");
}


static void
test_limits(void)
{
    int      i;
    char    *out;
    json_t  *deep, *o;
    size_t   len;

    ok(hs_json_dump(NULL, &len) == NULL, "NULL value: NULL");

    deep = json_null();
    for (i = 0; i < HS_JSON_MAX_DEPTH + 1; i++) {
        o = json_array();
        json_array_append_new(o, deep);
        deep = o;
    }

    out = hs_json_dump(deep, &len);
    ok(out == NULL, "deeper than HS_JSON_MAX_DEPTH: NULL");
    hs_free(out);
    json_decref(deep);

    /* a long string grows the buffer many times */
    {
        char  *big;

        big = malloc(100001);
        memset(big, 'x', 100000);
        big[100000] = '\0';
        big[50000] = '\n';

        test_same(json_string(big), "100 KB string");
        free(big);
    }

    o = json_pack("{s:i}", "len", 1);
    out = hs_json_dump(o, NULL);
    is_str(out, "{\"len\":1}", "the length pointer may be NULL");
    hs_free(out);
    json_decref(o);
}


/* hs_utf8_valid() agrees with jansson's own check, byte sequence by one */
static void
test_utf8(void)
{
    size_t       i, j, agree, n;
    json_t      *v;
    unsigned     seed;
    char         buf[24];

    static const char *const  cases[] = {
        "", "plain", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\xc3", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xc0\xaf", "\xe0\x80\xaf", "\xff", "abcdefgh\xc3\xa9ijklmnop",
        "abcdefghijklmno\xe2", "12345678\x80"
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = strlen(cases[i]);
        v = json_stringn(cases[i], n);
        is_int(hs_utf8_valid(cases[i], n), v != NULL,
               "case %zu: as jansson", i);
        json_decref(v);
    }

    /* random short byte strings, biased towards the interesting bytes */
    seed = 12345;
    agree = 0;

    for (i = 0; i < 20000; i++) {
        n = (seed = seed * 1103515245 + 12345) % sizeof(buf);
        for (j = 0; j < n; j++) {
            seed = seed * 1103515245 + 12345;
            buf[j] = (char) ((seed >> 16) % 4 == 0 ? 'a'
                             : 0x80 + (seed >> 8) % 0x80);
        }
        v = json_stringn(buf, n);
        agree += hs_utf8_valid(buf, n) == (v != NULL);
        json_decref(v);
    }

    is_int(agree, 20000, "20000 random strings: the same verdict");
}


int
main(void)
{
    test_utf8();
    test_scalars();
    test_strings();
    test_containers();
    test_limits();

    return done_testing();
}
