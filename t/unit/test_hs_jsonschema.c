/*
 * hs_jsonschema: error pointers, keywords and schema paths, every
 * violation listed, compile errors, limits, formats, numbers, $ref and
 * the registry, 2020-12 keywords, several threads on one schema.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_jsonschema.h"
#include "hs_tap.h"


static json_t *
test_json(const char *text)
{
    json_t        *js;
    json_error_t   jerr;

    js = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (js == NULL) {
        diag("bad test JSON: %s: %s", text, jerr.text);
    }

    return js;
}


static hs_schema_t *
test_compile(const char *text, hs_schema_registry_t *reg, hs_error_t *err)
{
    json_t       *js;
    hs_schema_t  *s;

    js = test_json(text);
    if (js == NULL) {
        return NULL;
    }

    err->msg[0] = '\0';
    s = hs_schema_compile(js, reg, NULL, err);
    json_decref(js);        /* the compiled schema keeps its reference */

    if (s == NULL) {
        diag("compile: %s", err->msg);
    }

    return s;
}


static hs_rc_t
test_validate(const hs_schema_t *s, const char *text,
    hs_schema_errors_t *errs)
{
    json_t   *js;
    hs_rc_t   rc;

    js = test_json(text);
    if (js == NULL) {
        return HS_ERROR;
    }

    rc = hs_schema_validate(s, js, errs);
    json_decref(js);

    return rc;
}


/* The index of the error at pointer with keyword, -1 if none. */
static int
test_find(const hs_schema_errors_t *errs, const char *pointer,
    const char *keyword)
{
    size_t  i;

    for (i = 0; i < errs->n; i++) {
        if (strcmp(errs->items[i].pointer, pointer) == 0
            && strcmp(errs->items[i].keyword, keyword) == 0)
        {
            return (int) i;
        }
    }

    return -1;
}


static void
test_dump(const hs_schema_errors_t *errs)
{
    size_t  i;

    for (i = 0; i < errs->n; i++) {
        diag("  \"%s\" %s %s: %s", errs->items[i].pointer,
             errs->items[i].keyword, errs->items[i].schema_path,
             errs->items[i].message);
    }
}


/* Expects text to be valid (want HS_OK) or invalid against schema s. */
static void
test_is(const hs_schema_t *s, const char *text, hs_rc_t want,
    const char *name)
{
    hs_rc_t             rc;
    hs_schema_errors_t  errs;

    rc = test_validate(s, text, NULL);
    is_int(rc, want, "%s: %s", name, text);

    rc = test_validate(s, text, &errs);
    if (!is_int(rc, want, "%s: same result collecting errors", name)
        || !ok((errs.n == 0) == (want == HS_OK),
               "%s: errors listed only when invalid", name))
    {
        test_dump(&errs);
    }
    hs_schema_errors_release(&errs);
}


static void
test_nested_pointer(void)
{
    int                  i;
    hs_rc_t              rc;
    hs_error_t           err;
    hs_schema_t         *s;
    hs_schema_errors_t   errs;

    s = test_compile(
        "{\"type\": \"object\", \"properties\": {\"items\": {"
        "  \"type\": \"array\", \"items\": {\"type\": \"object\","
        "  \"properties\": {\"name\": {\"type\": \"string\"}},"
        "  \"required\": [\"name\"]}}}}", NULL, &err);
    if (!ok(s != NULL, "nested schema compiles")) {
        return;
    }

    rc = test_validate(s, "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"},"
                          " {\"name\": 3}]}", &errs);
    is_int(rc, HS_EINVAL, "a number where a string is expected");
    is_int(errs.n, 1, "one violation");

    if (errs.n == 1) {
        is_str(errs.items[0].pointer, "/items/2/name", "pointer");
        is_str(errs.items[0].keyword, "type", "keyword");
        is_str(errs.items[0].schema_path,
               "/properties/items/items/properties/name/type", "schema path");
        is_str(errs.items[0].message, "must be a string", "message");
    }
    hs_schema_errors_release(&errs);
    ok(errs.n == 0 && errs.items == NULL, "release empties the list");

    rc = test_validate(s, "{\"items\": [{\"name\": \"a\"}, {}]}", &errs);
    is_int(rc, HS_EINVAL, "a missing property");
    i = test_find(&errs, "/items/1/name", "required");
    ok(i >= 0, "required: the pointer names the missing property");
    if (i >= 0) {
        is_str(errs.items[i].message, "is required", "required message");
        is_str(errs.items[i].schema_path, "/properties/items/items/required",
               "required schema path");
    }
    hs_schema_errors_release(&errs);

    rc = test_validate(s, "{\"items\": [{\"name\": \"a\"}]}", &errs);
    is_int(rc, HS_OK, "valid instance");
    ok(errs.n == 0 && errs.items == NULL, "no errors, nothing allocated");

    is_int(test_validate(s, "[]", NULL), HS_EINVAL, "root type");
    is_int(hs_schema_validate(s, NULL, NULL), HS_EINVAL, "NULL instance");

    hs_schema_free(s);
    hs_schema_free(NULL);
}


static void
test_every_violation(void)
{
    int                  i;
    hs_rc_t              rc;
    hs_error_t           err;
    hs_schema_t         *s;
    hs_schema_errors_t   errs;

    s = test_compile(
        "{\"type\": \"object\","
        " \"required\": [\"id\", \"name\", \"email\"],"
        " \"additionalProperties\": false,"
        " \"properties\": {"
        "   \"id\": {\"type\": \"integer\", \"minimum\": 1},"
        "   \"name\": {\"type\": \"string\", \"maxLength\": 5,"
        "              \"pattern\": \"^[a-z]+$\"},"
        "   \"email\": {\"type\": \"string\", \"format\": \"email\"},"
        "   \"role\": {\"enum\": [\"admin\", \"user\"]},"
        "   \"tags\": {\"type\": \"array\", \"uniqueItems\": true,"
        "              \"items\": {\"type\": \"string\"}},"
        "   \"a/b~c\": {\"const\": 1}}}", NULL, &err);
    if (!ok(s != NULL, "record schema compiles")) {
        return;
    }

    rc = test_validate(s,
        "{\"id\": 0, \"name\": \"Abcdefg\", \"role\": \"root\","
        " \"tags\": [\"x\", 2, \"x\"], \"extra\": true, \"a/b~c\": 2}",
        &errs);
    is_int(rc, HS_EINVAL, "many violations");

    ok(test_find(&errs, "/email", "required") >= 0, "required email");
    ok(test_find(&errs, "/id", "minimum") >= 0, "minimum");
    ok(test_find(&errs, "/name", "maxLength") >= 0, "maxLength");
    ok(test_find(&errs, "/name", "pattern") >= 0, "pattern");
    ok(test_find(&errs, "/role", "enum") >= 0, "enum");
    ok(test_find(&errs, "/tags/1", "type") >= 0, "items type");
    ok(test_find(&errs, "/tags", "uniqueItems") >= 0, "uniqueItems");
    ok(test_find(&errs, "/a~1b~0c", "const") >= 0,
       "pointer escapes / and ~");

    i = test_find(&errs, "/extra", "additionalProperties");
    ok(i >= 0, "additionalProperties names the property");
    if (i >= 0) {
        is_str(errs.items[i].schema_path, "/additionalProperties",
               "additionalProperties schema path");
    }

    if (!is_int(errs.n, 9, "exactly 9 violations")) {
        test_dump(&errs);
    }

    i = test_find(&errs, "/id", "minimum");
    if (i >= 0) {
        is_str(errs.items[i].message, "must be >= 1", "minimum message");
    }
    hs_schema_errors_release(&errs);

    is_int(test_validate(s, "{\"id\": 0}", NULL), HS_EINVAL,
           "errs == NULL: invalid too");

    test_is(s, "{\"id\": 7, \"name\": \"ann\", \"email\": \"ann@example.com\","
               " \"tags\": [\"a\", \"b\"]}", HS_OK, "record");

    hs_schema_free(s);
}


static void
test_messages(void)
{
    hs_rc_t              rc;
    hs_error_t           err;
    hs_schema_t         *s;
    hs_schema_errors_t   errs;

    s = test_compile(
        "{\"properties\": {"
        "  \"t\": {\"type\": [\"string\", \"null\"]},"
        "  \"o\": {\"oneOf\": [{\"type\": \"integer\"},"
        "                     {\"minimum\": 0}]},"
        "  \"n\": {\"propertyNames\": {\"pattern\": \"^[a-z]+$\"}},"
        "  \"f\": false}}", NULL, &err);
    if (!ok(s != NULL, "messages schema compiles")) {
        return;
    }

    rc = test_validate(s, "{\"t\": 1, \"o\": 5, \"n\": {\"ok\": 1, \"B\": 2},"
                          " \"f\": 0}", &errs);
    is_int(rc, HS_EINVAL, "several keywords fail");
    if (!is_int(errs.n, 4, "four violations")) {
        test_dump(&errs);
    }

    if (errs.n == 4) {
        is_str(errs.items[0].message, "must be one of the types null, string",
               "type list message");
        is_str(errs.items[1].keyword, "oneOf", "oneOf keyword");
        like_str(errs.items[1].message, "matches 0 and 1", "oneOf message");
        is_str(errs.items[2].pointer, "/n/B", "propertyNames pointer");
        is_str(errs.items[2].keyword, "propertyNames", "propertyNames");
        is_str(errs.items[3].pointer, "/f", "false schema pointer");
        is_str(errs.items[3].keyword, "properties", "false schema keyword");
        is_str(errs.items[3].schema_path, "/properties/f",
               "false schema path");
        is_str(errs.items[3].message, "is not allowed", "false message");
    }
    hs_schema_errors_release(&errs);

    hs_schema_free(s);
}


/* Expects schema text to fail to compile with a message containing want. */
static void
test_bad_schema(const char *text, const char *want)
{
    json_t       *js;
    hs_error_t    err;
    hs_schema_t  *s;

    js = test_json(text);
    err.msg[0] = '\0';
    s = hs_schema_compile(js, NULL, NULL, &err);
    ok(s == NULL, "rejected: %s", text);
    like_str(err.msg, want, "message names \"%s\"", want);
    hs_schema_free(s);
    json_decref(js);
}


static void
test_compile_errors(void)
{
    int           i;
    char         *deep, *p;
    hs_error_t    err;
    hs_schema_t  *s;

    test_bad_schema("{\"properties\": {\"a\": {\"type\": \"strin\"}}}",
                    "schema at #/properties/a/type: unknown type \"strin\"");
    test_bad_schema("{\"type\": [\"string\", 3]}", "#/type: type names");
    test_bad_schema("{\"type\": []}", "#/type: must be a type name");
    test_bad_schema("{\"pattern\": \"(a\"}",
                    "#/pattern: bad regular expression \"(a\"");
    test_bad_schema("{\"patternProperties\": {\"[\": {}}}",
                    "#/patternProperties: bad regular expression");
    test_bad_schema("{\"pattern\": \"a\\\\Z\"}",
                    "is not an ECMA-262 regular expression");
    test_bad_schema("{\"required\": \"a\"}",
                    "#/required: must be an array of strings");
    test_bad_schema("{\"required\": [\"a\", 1]}",
                    "item 1 is not a string");
    test_bad_schema("{\"minLength\": -1}",
                    "#/minLength: must be a non-negative integer");
    test_bad_schema("{\"maxItems\": 1.5}", "#/maxItems: must be a non-neg");
    test_bad_schema("{\"multipleOf\": 0}",
                    "#/multipleOf: must be greater than 0");
    test_bad_schema("{\"maximum\": \"1\"}", "#/maximum: must be a number");
    test_bad_schema("{\"exclusiveMinimum\": true}",
                    "#/exclusiveMinimum: must be a number");
    test_bad_schema("{\"allOf\": []}", "#/allOf: must be a non-empty array");
    test_bad_schema("{\"items\": [{}, 3]}",
                    "#/items/1: a schema must be an object or a boolean");
    test_bad_schema("{\"properties\": {\"a\": 5}}",
                    "#/properties/a: a schema must be");
    test_bad_schema("{\"enum\": 1}", "#/enum: must be an array");
    test_bad_schema("{\"uniqueItems\": 1}", "#/uniqueItems: must be a bool");
    test_bad_schema("{\"dependencies\": {\"a\": 1}}",
                    "#/dependencies/a: a schema must be");
    test_bad_schema("{\"definitions\": {\"x\": {\"type\": 1}}}",
                    "#/definitions/x/type");
    test_bad_schema("{\"$ref\": \"#/definitions/nope\"}",
                    "#/$ref: cannot resolve \"#/definitions/nope\"");
    test_bad_schema("{\"$ref\": \"#/definitions/a~2\", "
                    "\"definitions\": {\"a~\": {}}}", "bad ~ escape");
    test_bad_schema("{\"$ref\": \"http://example.com/x.json\"}",
                    "no schema \"http://example.com/x.json\"");
    test_bad_schema("{\"$ref\": \"#foo\"}", "cannot resolve \"#foo\"");
    test_bad_schema("{\"$ref\": 1}", "#/$ref: must be a string");
    test_bad_schema("{\"$ref\": \"#\"}", "\"$ref\" loop");
    test_bad_schema("{\"definitions\": {"
                    " \"a\": {\"$ref\": \"#/definitions/b\"},"
                    " \"b\": {\"$ref\": \"#/definitions/a\"}},"
                    " \"$ref\": \"#/definitions/a\"}", "\"$ref\" loop");
    test_bad_schema("3", "must be an object or a boolean");
    test_bad_schema("{\"$schema\": \"https://json-schema.org/draft/2020-12/"
                    "schema\", \"unevaluatedProperties\": false}",
                    "#/unevaluatedProperties: is not supported");

    /* a schema nested 200 levels deep */
    deep = malloc(200 * 16 + 16);
    if (deep != NULL) {
        p = deep;
        for (i = 0; i < 200; i++) {
            p += sprintf(p, "{\"not\": ");
        }
        p += sprintf(p, "{}");
        for (i = 0; i < 200; i++) {
            *p++ = '}';
        }
        *p = '\0';
        test_bad_schema(deep, "nested more than 128 levels deep");
        free(deep);
    }

    s = test_compile("{\"format\": \"no-such-format\", \"title\": 1,"
                     " \"x-vendor\": {\"type\": 7}}", NULL, &err);
    ok(s != NULL, "unknown formats and keywords are annotations");
    if (s != NULL) {
        test_is(s, "\"anything\"", HS_OK, "unknown format");
    }
    hs_schema_free(s);
}


/* {"a": {"a": ... n levels ... }} */
static char *
test_nested_instance(int n)
{
    int    i;
    char  *text, *p;

    text = malloc(n * 8 + 16);
    if (text == NULL) {
        return NULL;
    }

    p = text;
    for (i = 0; i < n; i++) {
        p += sprintf(p, "{\"a\": ");
    }
    p += sprintf(p, "1");
    for (i = 0; i < n; i++) {
        *p++ = '}';
    }
    *p = '\0';

    return text;
}


static void
test_limits(void)
{
    char                *text;
    hs_rc_t              rc;
    hs_error_t           err;
    hs_schema_t         *s;
    hs_schema_errors_t   errs;

    s = test_compile("{\"properties\": {\"a\": {\"$ref\": \"#\"}},"
                     " \"not\": {\"type\": \"string\"}}", NULL, &err);
    if (!ok(s != NULL, "recursive schema compiles")) {
        return;
    }

    text = test_nested_instance(60);
    if (text != NULL) {
        test_is(s, text, HS_OK, "60 levels");
        free(text);
    }

    text = test_nested_instance(100);
    if (text != NULL) {
        is_int(test_validate(s, text, NULL), HS_EINVAL,
               "100 levels: invalid, errs == NULL");
        rc = test_validate(s, text, &errs);
        is_int(rc, HS_EINVAL, "100 levels: invalid");
        ok(errs.n == 1 && strcmp(errs.items[0].keyword, "depth") == 0,
           "100 levels: one \"depth\" error");
        if (errs.n == 1) {
            like_str(errs.items[0].message, "nested too deeply",
                     "depth message");
            ok(strlen(errs.items[0].pointer) == 64 * 2,
               "depth error at level 64");
        }
        hs_schema_errors_release(&errs);
        free(text);
    }
    hs_schema_free(s);

    /* a loop that never reaches deeper into the instance */
    s = test_compile("{\"allOf\": [{\"$ref\": \"#\"}]}", NULL, &err);
    if (ok(s != NULL, "allOf loop compiles")) {
        rc = test_validate(s, "1", &errs);
        is_int(rc, HS_EINVAL, "allOf loop: invalid, no crash");
        ok(errs.n == 1 && strcmp(errs.items[0].keyword, "$ref") == 0,
           "allOf loop: one \"$ref\" error");
        hs_schema_errors_release(&errs);
        is_int(test_validate(s, "1", NULL), HS_EINVAL,
               "allOf loop: errs == NULL");
    }
    hs_schema_free(s);

    /* catastrophic backtracking stops at the match limit */
    s = test_compile("{\"pattern\": \"^(a+)+$\"}", NULL, &err);
    if (ok(s != NULL, "backtracking pattern compiles")) {
        test_is(s, "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\"", HS_EINVAL,
                "(a+)+$ against 40 a's and a b ends");
        test_is(s, "\"aaaa\"", HS_OK, "(a+)+$ still matches");
    }
    hs_schema_free(s);

    s = test_compile("{\"definitions\": {\"x\": {\"anyOf\": ["
                     "{\"$ref\": \"#/definitions/x\"}]}},"
                     " \"not\": {\"$ref\": \"#/definitions/x\"}}", NULL,
                     &err);
    if (ok(s != NULL, "loop under not compiles")) {
        is_int(test_validate(s, "1", NULL), HS_EINVAL,
               "a loop under not does not make the instance valid");
    }
    hs_schema_free(s);
}


static void
test_format(const char *format, const char *value, int want)
{
    hs_schema_format_pt  check;

    check = hs_schema_format_checker(format);
    if (!ok(check != NULL, "format %s known", format)) {
        return;
    }

    is_int(check(value, strlen(value)), want, "%s: \"%s\" is %s", format,
           value, want ? "valid" : "invalid");
}


static void
test_formats(void)
{
    hs_error_t    err;
    hs_schema_t  *s;

    test_format("date-time", "2024-02-29T23:59:59.5+01:00", 1);
    test_format("date-time", "2023-02-29T10:00:00Z", 0);
    test_format("date-time", "2016-12-31T23:59:60Z", 1);
    test_format("date-time", "2016-12-31T22:59:60Z", 0);
    test_format("date-time", "2016-12-31T15:59:60-08:00", 1);
    test_format("date-time", "2024-01-01 10:00:00Z", 0);
    test_format("date", "2024-12-31", 1);
    test_format("date", "2024-13-01", 0);
    test_format("time", "08:30:06Z", 1);
    test_format("time", "08:30:06", 0);
    test_format("duration", "P1Y2M3DT4H5M6S", 1);
    test_format("duration", "P2W", 1);
    test_format("duration", "P1YT", 0);
    test_format("email", "joe.bloggs@example.com", 1);
    test_format("email", "\"joe bloggs\"@example.com", 1);
    test_format("email", "joe..bloggs@example.com", 0);
    test_format("email", "joe@[127.0.0.1]", 1);
    test_format("email", "joe@", 0);
    test_format("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", 1);
    test_format("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638", 0);
    test_format("uuid", "2eb8aa08aa9811eab4aa73b441d16380xxxx", 0);
    test_format("ipv4", "192.168.0.1", 1);
    test_format("ipv4", "192.168.0.01", 0);
    test_format("ipv4", "256.1.1.1", 0);
    test_format("ipv6", "::1", 1);
    test_format("ipv6", "fe80::1:2:3:4", 1);
    test_format("ipv6", "::ffff:192.168.0.1", 1);
    test_format("ipv6", "1:2:3:4:5:6:7:8:9", 0);
    test_format("ipv6", "1::2::3", 0);
    test_format("hostname", "www.example.com", 1);
    test_format("hostname", "-bad.example.com", 0);
    test_format("hostname", "under_score.com", 0);
    test_format("uri", "https://user@example.com:8080/a/b?c=d#e", 1);
    test_format("uri", "urn:isbn:0451450523", 1);
    test_format("uri", "/relative", 0);
    test_format("uri", "http://exa mple.com", 0);
    test_format("uri-reference", "../a/b?c", 1);
    test_format("uri-reference", "a:b:c", 1);
    test_format("uri-reference", "\\\\x", 0);
    test_format("json-pointer", "/a~1b/~0", 1);
    test_format("json-pointer", "a/b", 0);
    test_format("json-pointer", "/a~2", 0);
    test_format("relative-json-pointer", "0#", 1);
    test_format("regex", "^[a-z]+(?:-[a-z]+)*$", 1);
    test_format("regex", "(?i)abc", 0);
    test_format("regex", "a(", 0);
    test_format("uri-template", "/users/{id}{?fields*}", 1);
    test_format("uri-template", "/users/{id", 0);
    test_format("idn-hostname", "xn--bcher-kva.example", 1);

    ok(hs_schema_format_checker("no-such-format") == NULL,
       "unknown format: no checker");
    ok(hs_schema_format_checker(NULL) == NULL, "NULL format: no checker");

    s = test_compile("{\"type\": \"string\", \"format\": \"date\"}", NULL,
                     &err);
    if (ok(s != NULL, "format schema compiles")) {
        test_is(s, "\"2024-02-29\"", HS_OK, "leap day");
        test_is(s, "\"2023-02-29\"", HS_EINVAL, "not a leap year");
        test_is(s, "5", HS_EINVAL, "format does not make type pass");
    }
    hs_schema_free(s);

    s = test_compile("{\"format\": \"date\"}", NULL, &err);
    if (ok(s != NULL, "format alone compiles")) {
        test_is(s, "5", HS_OK, "format ignores non-strings");
    }
    hs_schema_free(s);
}


static void
test_strings_numbers(void)
{
    int                  i;
    char                 text[512], *p;
    hs_rc_t              rc;
    hs_error_t           err;
    hs_schema_t         *s;
    hs_schema_errors_t   errs;

    s = test_compile("{\"maxLength\": 5, \"minLength\": 3}", NULL, &err);
    if (ok(s != NULL, "length schema compiles")) {
        test_is(s, "\"h\\u00e9llo\"", HS_OK, "5 code points, 6 bytes");
        test_is(s, "\"\\u65e5\\u672c\\u8a9e\"", HS_OK, "3 CJK code points");
        test_is(s, "\"\\ud83d\\ude00\\ud83d\\ude00\"", HS_EINVAL,
                "2 emoji (8 bytes) are too short");
        test_is(s, "\"abcdef\"", HS_EINVAL, "6 characters");
    }
    hs_schema_free(s);

    s = test_compile("{\"type\": \"integer\", \"maximum\": 9007199254740993}",
                     NULL, &err);
    if (ok(s != NULL, "integer schema compiles")) {
        test_is(s, "1.0", HS_OK, "1.0 is an integer");
        test_is(s, "1.5", HS_EINVAL, "1.5 is not");
        test_is(s, "9007199254740993", HS_OK, "2^53 + 1 is the maximum");
        test_is(s, "9007199254740994", HS_EINVAL,
                "2^53 + 2 is above (exact integer comparison)");
    }
    hs_schema_free(s);

    s = test_compile("{\"multipleOf\": 0.01}", NULL, &err);
    if (ok(s != NULL, "multipleOf schema compiles")) {
        test_is(s, "19.99", HS_OK, "19.99 is a multiple of 0.01");
        test_is(s, "12345678.9", HS_OK, "12345678.9 too");
        test_is(s, "0.005", HS_EINVAL, "0.005 is not");
    }
    hs_schema_free(s);

    s = test_compile("{\"enum\": [1, [1, {\"a\": 2.0}]], \"const\": 1.0}",
                     NULL, &err);
    if (ok(s != NULL, "enum schema compiles")) {
        test_is(s, "1", HS_OK, "1 equals 1.0");
        test_is(s, "1.0", HS_OK, "1.0 equals 1");
        test_is(s, "true", HS_EINVAL, "true is not 1");
    }
    hs_schema_free(s);

    s = test_compile("{\"uniqueItems\": true}", NULL, &err);
    if (ok(s != NULL, "uniqueItems schema compiles")) {
        test_is(s, "[1, 1.0]", HS_EINVAL, "1 and 1.0 are equal");
        test_is(s, "[{\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1}]", HS_EINVAL,
                "objects are unordered");
        test_is(s, "[[1], [true]]", HS_OK, "1 and true differ");

        /* more than 32 items: the hashed path */
        p = text;
        p += sprintf(p, "[");
        for (i = 0; i < 50; i++) {
            p += sprintf(p, "%s%d", i ? ", " : "", i);
        }
        strcpy(p, "]");
        test_is(s, text, HS_OK, "50 distinct items");

        strcpy(p, ", {\"x\": [5]}, 40.0, {\"x\": [5.0]}]");
        rc = test_validate(s, text, &errs);
        is_int(rc, HS_EINVAL, "53 items with duplicates");
        if (errs.n == 1) {
            like_str(errs.items[0].message, "items 40 and 51",
                     "the first duplicate pair is named");
        }
        hs_schema_errors_release(&errs);
    }
    hs_schema_free(s);
}


static void
test_refs(void)
{
    hs_rc_t                rc;
    json_t                *js;
    hs_error_t             err;
    hs_schema_t           *s;
    hs_schema_errors_t     errs;
    hs_schema_registry_t  *reg;

    reg = hs_schema_registry_create();
    if (!ok(reg != NULL, "registry created")) {
        return;
    }

    js = test_json("{\"$id\": \"https://example.com/common.json\","
                   " \"definitions\": {"
                   "   \"name\": {\"type\": \"string\", \"minLength\": 1},"
                   "   \"tag\": {\"$id\": \"#tag\", \"pattern\": \"^t\"}}}");
    is_int(hs_schema_registry_add(reg, "https://example.com/common.json", js,
                                  &err), HS_OK, "registry add");
    is_int(hs_schema_registry_add(reg, "https://example.com/common.json#",
                                  js, &err), HS_EEXIST, "same URI twice");
    like_str(err.msg, "already registered", "duplicate message");
    json_decref(js);

    s = test_compile(
        "{\"$id\": \"https://example.com/user.json\","
        " \"properties\": {"
        "   \"name\": {\"$ref\": \"common.json#/definitions/name\"},"
        "   \"tag\": {\"$ref\": \"common.json#tag\"},"
        "   \"meta\": {\"$ref\": \"http://json-schema.org/draft-07/schema#\"},"
        "   \"short\": {\"$ref\": \"#/definitions/x%25y\", \"maxLength\": 1}},"
        " \"definitions\": {\"x%y\": {\"type\": \"string\"}}}", reg, &err);
    if (!ok(s != NULL, "schema with remote refs compiles")) {
        hs_schema_registry_destroy(reg);
        return;
    }

    hs_schema_registry_destroy(reg);
    ok(1, "registry destroyed before the schema");

    test_is(s, "{\"name\": \"a\", \"tag\": \"t1\", \"short\": \"long\","
               " \"meta\": {\"type\": \"string\"}}", HS_OK,
            "remote refs, anchors, $ref siblings ignored");

    rc = test_validate(s, "{\"name\": \"\", \"tag\": \"x\","
                          " \"meta\": {\"type\": \"strin\"}}", &errs);
    is_int(rc, HS_EINVAL, "remote violations");
    ok(test_find(&errs, "/name", "minLength") >= 0, "minLength via $ref");
    ok(test_find(&errs, "/tag", "pattern") >= 0, "pattern via anchor");
    ok(test_find(&errs, "/meta/type", "anyOf") >= 0,
       "meta-schema rejects an unknown type");

    if (test_find(&errs, "/name", "minLength") >= 0) {
        is_str(errs.items[test_find(&errs, "/name", "minLength")].schema_path,
               "https://example.com/common.json#/definitions/name/minLength",
               "schema path in the other document");
    }
    hs_schema_errors_release(&errs);
    hs_schema_free(s);

    s = test_compile("{\"$schema\": \"https://json-schema.org/draft/2020-12/"
                     "schema\","
                     " \"$defs\": {\"pos\": {\"type\": \"integer\","
                     "                       \"minimum\": 0}},"
                     " \"properties\": {"
                     "   \"p\": {\"$ref\": \"#/$defs/pos\", \"maximum\": 9},"
                     "   \"t\": {\"prefixItems\": [{\"type\": \"string\"}],"
                     "         \"items\": {\"$ref\": \"#/$defs/pos\"},"
                     "         \"contains\": {\"const\": 0},"
                     "         \"maxContains\": 1}},"
                     " \"dependentRequired\": {\"a\": [\"b\"]},"
                     " \"dependentSchemas\": {\"c\": {"
                     "   \"required\": [\"d\"]}}}",
                     NULL, &err);
    if (ok(s != NULL, "2020-12 schema compiles")) {
        test_is(s, "{\"p\": 5, \"t\": [\"x\", 0, 3]}", HS_OK,
                "2020-12 valid");
        test_is(s, "{\"p\": 10}", HS_EINVAL, "$ref siblings apply");
        test_is(s, "{\"t\": [\"x\", 0, 0]}", HS_EINVAL, "maxContains");
        test_is(s, "{\"t\": [1, 0]}", HS_EINVAL, "prefixItems");
        test_is(s, "{\"t\": [\"x\", 0, -1]}", HS_EINVAL, "items after prefix");

        rc = test_validate(s, "{\"a\": 1, \"c\": 2}", &errs);
        is_int(rc, HS_EINVAL, "dependent keywords");
        ok(test_find(&errs, "/b", "dependentRequired") >= 0,
           "dependentRequired names the missing property");
        ok(test_find(&errs, "/d", "required") >= 0, "dependentSchemas");
        hs_schema_errors_release(&errs);
    }
    hs_schema_free(s);
}


/* A caller-defined keyword: "x-multiple-of-arg" keeps its argument. */
static json_t *
test_kw_compile(void *data, json_t *value, json_t *doc, const char *path,
    hs_error_t *err)
{
    int  *calls;

    calls = data;
    (*calls)++;

    if (!json_is_integer(value) || json_integer_value(value) <= 0) {
        hs_error_set(err, "must be a positive integer");
        return NULL;
    }

    /* the document root comes with the keyword: "x-doc" names it */
    if (json_object_get(doc, "x-doc") == NULL) {
        hs_error_set(err, "no document root at %s", path);
        return NULL;
    }

    return json_incref(value);
}


static int
test_kw_validate(void *data, const json_t *arg, const json_t *inst,
    char *msg, size_t size)
{
    if (!json_is_integer(inst)) {
        return 1;
    }

    if (json_integer_value(inst) % json_integer_value(arg) == 0) {
        return 1;
    }

    snprintf(msg, size, "must be a multiple of %lld",
             (long long) json_integer_value(arg));

    return 0;
}


static void
test_keywords(void)
{
    int                    calls;
    json_t                *js, *inst;
    hs_error_t             err;
    hs_schema_t           *s;
    hs_schema_errors_t     errs;
    hs_schema_keyword_t    kw;
    hs_schema_options_t    opts;
    hs_schema_registry_t  *reg;

    calls = 0;
    kw.name = "x-multiple-of-arg";
    kw.compile = test_kw_compile;
    kw.validate = test_kw_validate;
    kw.data = &calls;
    opts.keywords = &kw;
    opts.nkeywords = 1;

    reg = hs_schema_registry_create();
    js = test_json("{\"x-doc\": \"other\", \"definitions\": {\"three\": {"
                   "  \"type\": \"integer\", \"x-multiple-of-arg\": 3}}}");
    is_int(hs_schema_registry_add(reg, "https://example.com/other.json", js,
                                  &err), HS_OK, "keywords: registry add");
    json_decref(js);

    js = test_json("{\"x-doc\": \"main\", \"properties\": {"
                   "  \"a\": {\"x-multiple-of-arg\": 2},"
                   "  \"b\": {\"$ref\": \"https://example.com/other.json"
                   "#/definitions/three\"}}}");
    s = hs_schema_compile_ex(js, reg, NULL, &opts, &err);
    json_decref(js);
    hs_schema_registry_destroy(reg);

    if (!ok(s != NULL, "keywords: compiles (%s)", s ? "" : err.msg)) {
        return;
    }
    is_int(calls, 2, "keywords: compiled once per schema object, in both "
           "documents");

    test_is(s, "{\"a\": 4, \"b\": 9}", HS_OK, "keywords: valid");
    test_is(s, "{\"a\": \"x\", \"b\": 3}", HS_OK, "keywords: other types");

    inst = test_json("{\"a\": 5, \"b\": 10}");
    is_int(hs_schema_validate(s, inst, &errs), HS_EINVAL,
           "keywords: invalid");
    is_int(errs.n, 2, "keywords: both violations listed");
    if (test_find(&errs, "/a", "x-multiple-of-arg") >= 0) {
        is_str(errs.items[test_find(&errs, "/a", "x-multiple-of-arg")]
               .message, "must be a multiple of 2",
               "keywords: the keyword's message");
        is_str(errs.items[test_find(&errs, "/a", "x-multiple-of-arg")]
               .schema_path, "/properties/a/x-multiple-of-arg",
               "keywords: schema path");
    } else {
        ok(0, "keywords: violation at /a");
        ok(0, "keywords: schema path");
    }
    ok(test_find(&errs, "/b", "x-multiple-of-arg") >= 0,
       "keywords: applied in the referenced document");
    hs_schema_errors_release(&errs);
    is_int(hs_schema_validate(s, inst, NULL), HS_EINVAL,
           "keywords: invalid without an error list");
    json_decref(inst);
    hs_schema_free(s);

    js = test_json("{\"x-doc\": 1, \"x-multiple-of-arg\": 0}");
    s = hs_schema_compile_ex(js, NULL, NULL, &opts, &err);
    json_decref(js);
    ok(s == NULL, "keywords: a bad argument fails the compile");
    like_str(err.msg, "x-multiple-of-arg: must be a positive integer",
             "keywords: the compile message names the keyword");
    hs_schema_free(s);

    js = test_json("{\"x-multiple-of-arg\": 0}");
    s = hs_schema_compile(js, NULL, NULL, &err);
    json_decref(js);
    ok(s != NULL, "keywords: without options the keyword is an annotation");
    hs_schema_free(s);
}


static size_t  test_allocs;


static void *
test_count_alloc(size_t size)
{
    test_allocs++;
    return malloc(size);
}


static void *
test_count_realloc(void *p, size_t size)
{
    test_allocs++;
    return realloc(p, size);
}


/* Validating a valid instance allocates nothing through modkit. */
static void
test_no_alloc(void)
{
    size_t               n;
    json_t              *js;
    hs_rc_t              rc1, rc2;
    hs_error_t           err;
    hs_schema_t         *s;
    hs_allocator_t       a;
    hs_schema_errors_t   errs;

    s = test_compile("{\"definitions\": {"
                     "   \"tag\": {\"pattern\": \"^[a-z]+$\"}},"
                     " \"propertyNames\": {\"pattern\": \"^[a-z_]+$\"},"
                     " \"required\": [\"id\", \"tags\"],"
                     " \"properties\": {"
                     "   \"id\": {\"format\": \"uuid\"},"
                     "   \"at\": {\"format\": \"date-time\"},"
                     "   \"kind\": {\"enum\": [\"a\", \"b\", 3]},"
                     "   \"tags\": {\"uniqueItems\": true,"
                     "     \"items\": {\"$ref\": \"#/definitions/tag\"}}},"
                     " \"additionalProperties\": {\"type\": \"integer\"}}",
                     NULL, &err);
    js = test_json("{\"id\": \"2eb8aa08-aa98-11ea-b4aa-73b441d16380\","
                   " \"at\": \"2024-01-02T03:04:05Z\", \"kind\": 3,"
                   " \"tags\": [\"x\", \"y\"], \"other_thing\": 5}");
    if (!ok(s != NULL && js != NULL, "allocation test schema compiles")) {
        hs_schema_free(s);
        json_decref(js);
        return;
    }

    a.alloc = test_count_alloc;
    a.realloc = test_count_realloc;
    a.free = free;

    hs_set_allocator(&a);
    test_allocs = 0;
    rc1 = hs_schema_validate(s, js, NULL);
    rc2 = hs_schema_validate(s, js, &errs);
    n = test_allocs;
    hs_set_allocator(NULL);

    is_int(rc1, HS_OK, "valid, errs == NULL");
    is_int(rc2, HS_OK, "valid, errs != NULL");
    is_int(n, 0, "no allocation while validating a valid instance");

    hs_schema_free(s);
    json_decref(js);
}


typedef struct {
    const hs_schema_t  *s;
    int                 wrong;
} test_thread_t;


static void *
test_thread(void *arg)
{
    int             i;
    json_t         *good, *bad;
    test_thread_t  *t;

    t = arg;
    good = json_pack("{s:s, s:[s, s]}", "code", "AB-123", "tags", "x1", "y2");
    bad = json_pack("{s:s, s:[s, s]}", "code", "ab-123", "tags", "x1", "2");

    for (i = 0; i < 2000; i++) {
        if (hs_schema_validate(t->s, good, NULL) != HS_OK
            || hs_schema_validate(t->s, bad, NULL) != HS_EINVAL)
        {
            t->wrong++;
        }
    }

    json_decref(good);
    json_decref(bad);

    return NULL;
}


static void
test_threads(void)
{
    int             i, started, wrong;
    pthread_t       tid[4];
    hs_error_t      err;
    hs_schema_t    *s;
    test_thread_t   t[4];

    s = test_compile("{\"properties\": {"
                     "  \"code\": {\"pattern\": \"^[A-Z]{2}-[0-9]+$\"},"
                     "  \"tags\": {\"items\": {\"pattern\": \"^[a-z]\"}}}}",
                     NULL, &err);
    if (!ok(s != NULL, "pattern schema compiles")) {
        return;
    }

    started = 0;
    for (i = 0; i < 4; i++) {
        t[i].s = s;
        t[i].wrong = 0;
        if (pthread_create(&tid[i], NULL, test_thread, &t[i]) == 0) {
            started++;
        }
    }

    wrong = 0;
    for (i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        wrong += t[i].wrong;
    }

    is_int(started, 4, "4 threads started");
    is_int(wrong, 0, "4 threads validate with one schema at once");

    hs_schema_free(s);
}


int
main(void)
{
    test_nested_pointer();
    test_every_violation();
    test_messages();
    test_compile_errors();
    test_limits();
    test_formats();
    test_strings_numbers();
    test_refs();
    test_keywords();
    test_no_alloc();
    test_threads();

    return done_testing();
}
