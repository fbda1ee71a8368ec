/*
 * RFC 9457 problem details: the kind table, construction, rendering and
 * UTF-8 sanitizing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"


/* The table as the API promises it, written out independently. */
typedef struct {
    hs_problem_kind_t   kind;
    int                 status;
    const char         *code;
} test_kind_t;

static const test_kind_t  test_kinds[] = {
    { HS_PROBLEM_BAD_REQUEST,            400, "bad_request" },
    { HS_PROBLEM_INVALID_JSON,           400, "invalid_json" },
    { HS_PROBLEM_UNAUTHORIZED,           401, "unauthorized" },
    { HS_PROBLEM_FORBIDDEN,              403, "forbidden" },
    { HS_PROBLEM_NOT_FOUND,              404, "not_found" },
    { HS_PROBLEM_METHOD_NOT_ALLOWED,     405, "method_not_allowed" },
    { HS_PROBLEM_NOT_ACCEPTABLE,         406, "not_acceptable" },
    { HS_PROBLEM_REQUEST_TIMEOUT,        408, "request_timeout" },
    { HS_PROBLEM_CONFLICT,               409, "conflict" },
    { HS_PROBLEM_LENGTH_REQUIRED,        411, "length_required" },
    { HS_PROBLEM_PRECONDITION_FAILED,    412, "precondition_failed" },
    { HS_PROBLEM_PAYLOAD_TOO_LARGE,      413, "payload_too_large" },
    { HS_PROBLEM_URI_TOO_LONG,           414, "uri_too_long" },
    { HS_PROBLEM_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type" },
    { HS_PROBLEM_RANGE_NOT_SATISFIABLE,  416, "range_not_satisfiable" },
    { HS_PROBLEM_VALIDATION_FAILED,      422, "validation_failed" },
    { HS_PROBLEM_TOO_MANY_REQUESTS,      429, "too_many_requests" },
    { HS_PROBLEM_HEADERS_TOO_LARGE,      431, "headers_too_large" },
    { HS_PROBLEM_INTERNAL,               500, "internal_error" },
    { HS_PROBLEM_NOT_IMPLEMENTED,        501, "not_implemented" },
    { HS_PROBLEM_BAD_GATEWAY,            502, "bad_gateway" },
    { HS_PROBLEM_SERVICE_UNAVAILABLE,    503, "service_unavailable" },
    { HS_PROBLEM_GATEWAY_TIMEOUT,        504, "gateway_timeout" }
};

#define TEST_NKINDS  (sizeof(test_kinds) / sizeof(test_kinds[0]))


static int
test_snake_case(const char *s)
{
    if (s == NULL || *s < 'a' || *s > 'z') {
        return 0;
    }

    for ( /* void */ ; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || *s == '_')) {
            return 0;
        }
    }

    return 1;
}


/* 1 when s is valid UTF-8 (independent of hs_utf8_sanitize()). */
static int
test_utf8_valid(const char *s)
{
    json_t  *j;

    j = json_string(s);     /* jansson validates UTF-8 */
    json_decref(j);

    return j != NULL;
}


static void
test_kind_table(void)
{
    size_t              i, j;
    int                 status, uniq, order_ok;
    const char         *code, *title;
    hs_problem_kind_t   k;

    is_int(HS_PROBLEM_KIND_COUNT, TEST_NKINDS,
           "the kind table has %zu kinds", TEST_NKINDS);

    order_ok = 1;
    for (i = 0; i < TEST_NKINDS; i++) {
        if (test_kinds[i].kind != (hs_problem_kind_t) i) {
            order_ok = 0;
        }
    }
    ok(order_ok, "kinds are numbered in table order");

    for (i = 0; i < HS_PROBLEM_KIND_COUNT; i++) {
        k = (hs_problem_kind_t) i;
        status = hs_problem_kind_status(k);
        code = hs_problem_kind_code(k);
        title = hs_problem_kind_title(k);

        ok(status >= 400 && status <= 599,
           "kind %zu (%s) has a 4xx/5xx status: %d", i, code, status);
        ok(title != NULL && title[0] >= 'A' && title[0] <= 'Z',
           "kind %s has a capitalized title", code);
        ok(test_snake_case(code), "kind code \"%s\" is snake_case", code);

        if (i < TEST_NKINDS) {
            is_int(status, test_kinds[i].status, "status of %s",
                   test_kinds[i].code);
            is_str(code, test_kinds[i].code, "code of kind %zu", i);
        }

        uniq = 1;
        for (j = 0; j < HS_PROBLEM_KIND_COUNT; j++) {
            if (j != i && strcmp(hs_problem_kind_code((hs_problem_kind_t) j),
                                 code) == 0)
            {
                uniq = 0;
            }
        }
        ok(uniq, "code \"%s\" is unique", code);

        /* by_status gives the generic kind for the status */
        is_int(hs_problem_kind_status(hs_problem_kind_by_status(status)),
               status, "kind_by_status(%d) keeps the status", status);
    }

    is_str(hs_problem_kind_title(HS_PROBLEM_NOT_FOUND), "Not Found",
           "title of NOT_FOUND");
    is_str(hs_problem_kind_title(HS_PROBLEM_HEADERS_TOO_LARGE),
           "Request Header Fields Too Large", "title of HEADERS_TOO_LARGE");

    /* out of range kinds fall back to internal_error */
    k = HS_PROBLEM_KIND_COUNT;
    is_int(hs_problem_kind_status(k), 500, "status of an unknown kind");
    is_str(hs_problem_kind_code(k), "internal_error", "code of unknown kind");
    is_str(hs_problem_kind_title(k), "Internal Server Error",
           "title of unknown kind");
    is_int(hs_problem_kind_status((hs_problem_kind_t) 1000), 500,
           "status of kind 1000");
}


static void
test_kind_by_status(void)
{
    is_int(hs_problem_kind_by_status(400), HS_PROBLEM_BAD_REQUEST,
           "400 -> bad_request (not invalid_json)");
    is_int(hs_problem_kind_by_status(404), HS_PROBLEM_NOT_FOUND,
           "404 -> not_found");
    is_int(hs_problem_kind_by_status(405), HS_PROBLEM_METHOD_NOT_ALLOWED,
           "405 -> method_not_allowed");
    is_int(hs_problem_kind_by_status(422), HS_PROBLEM_VALIDATION_FAILED,
           "422 -> validation_failed");
    is_int(hs_problem_kind_by_status(429), HS_PROBLEM_TOO_MANY_REQUESTS,
           "429 -> too_many_requests");
    is_int(hs_problem_kind_by_status(503), HS_PROBLEM_SERVICE_UNAVAILABLE,
           "503 -> service_unavailable");
    is_int(hs_problem_kind_by_status(418), HS_PROBLEM_BAD_REQUEST,
           "unknown 4xx (418) -> bad_request");
    is_int(hs_problem_kind_by_status(499), HS_PROBLEM_BAD_REQUEST,
           "unknown 4xx (499) -> bad_request");
    is_int(hs_problem_kind_by_status(507), HS_PROBLEM_INTERNAL,
           "unknown 5xx (507) -> internal");
    is_int(hs_problem_kind_by_status(200), HS_PROBLEM_INTERNAL,
           "200 -> internal");
    is_int(hs_problem_kind_by_status(0), HS_PROBLEM_INTERNAL,
           "0 -> internal");
    is_int(hs_problem_kind_by_status(-1), HS_PROBLEM_INTERNAL,
           "-1 -> internal");
}


static json_t *
test_parse(const char *text, const char *what)
{
    json_t        *doc;
    json_error_t   jerr;

    doc = text ? json_loads(text, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!ok(json_is_object(doc), "%s: rendering is a JSON object", what)) {
        diag("text: %s", text ? text : "(null)");
        if (text != NULL) {
            diag("error: %s", jerr.text);
        }
    }

    return doc;
}


static void
test_render_full(void)
{
    char          *out;
    size_t         len;
    json_t        *doc, *errs, *e;
    hs_problem_t  *p;

    p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED, "%d fields are %s", 2,
                       "invalid");
    if (!ok(p != NULL, "hs_problem_new")) {
        return;
    }

    is_int(p->status, 422, "status set from the kind");
    is_str(p->title, "Validation Failed", "title set from the kind");
    is_str(p->code, "validation_failed", "code set from the kind");
    is_str(p->detail, "2 fields are invalid", "detail formatted");
    ok(p->errors == NULL, "no errors array before add_error");

    is_int(hs_problem_add_error(p, "email", "invalid_format",
                                "must be an email address"), HS_OK,
           "add_error with a code");
    is_int(hs_problem_add_error(p, "age", NULL, "must be positive"), HS_OK,
           "add_error without a code");
    is_int(hs_problem_add_error(p, NULL, NULL, NULL), HS_OK,
           "add_error with nothing");
    is_int(json_array_size(p->errors), 3, "three errors collected");

    len = 0;
    out = hs_problem_render(p, "/users-info/v1/users/42", "req-7f3a", &len);
    if (!ok(out != NULL, "render")) {
        hs_problem_free(p);
        return;
    }

    is_int(len, strlen(out), "len is the rendered length");
    ok(strncmp(out, "{\"type\":", 8) == 0, "type is the first member: %.20s",
       out);
    ok(strchr(out, '\n') == NULL, "rendering is compact");

    doc = test_parse(out, "full problem");
    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "type")),
               "https://errors.hyperspot.com/validation_failed", "type URI");
        is_str(json_string_value(json_object_get(doc, "title")),
               "Validation Failed", "title");
        ok(json_is_integer(json_object_get(doc, "status")),
           "status is an integer");
        is_int(json_integer_value(json_object_get(doc, "status")), 422,
               "status");
        is_str(json_string_value(json_object_get(doc, "detail")),
               "2 fields are invalid", "detail");
        is_str(json_string_value(json_object_get(doc, "instance")),
               "/users-info/v1/users/42", "instance");
        is_str(json_string_value(json_object_get(doc, "code")),
               "validation_failed", "code");
        is_str(json_string_value(json_object_get(doc, "trace_id")),
               "req-7f3a", "trace_id");

        errs = json_object_get(doc, "errors");
        ok(json_is_array(errs) && json_array_size(errs) == 3,
           "errors is an array of 3");

        e = json_array_get(errs, 0);
        is_str(json_string_value(json_object_get(e, "field")), "email",
               "errors[0].field");
        is_str(json_string_value(json_object_get(e, "message")),
               "must be an email address", "errors[0].message");
        is_str(json_string_value(json_object_get(e, "code")),
               "invalid_format", "errors[0].code");

        e = json_array_get(errs, 1);
        is_str(json_string_value(json_object_get(e, "field")), "age",
               "errors[1].field");
        ok(json_object_get(e, "code") == NULL,
           "errors[1] has no code member");

        e = json_array_get(errs, 2);
        is_str(json_string_value(json_object_get(e, "field")), "",
               "errors[2].field defaults to \"\"");
        is_str(json_string_value(json_object_get(e, "message")), "",
               "errors[2].message defaults to \"\"");

        is_int(json_object_size(doc), 8, "exactly 8 members");
        json_decref(doc);
    }

    hs_free(out);

    /* the problem is not consumed by rendering: render it again */
    out = hs_problem_render(p, NULL, NULL, NULL);
    doc = test_parse(out, "second rendering");
    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "instance")), "",
               "NULL instance renders as \"\"");
        ok(json_object_get(doc, "trace_id") == NULL,
           "NULL trace_id: no trace_id member");
        is_int(json_array_size(json_object_get(doc, "errors")), 3,
               "errors still there");
        json_decref(doc);
    }

    hs_free(out);
    hs_problem_free(p);
}


static void
test_render_minimal(void)
{
    char          *out;
    json_t        *doc;
    hs_problem_t  *p;

    p = hs_problem_new(HS_PROBLEM_NOT_FOUND, "no such user");
    out = p ? hs_problem_render(p, "/u", "", NULL) : NULL;
    doc = test_parse(out, "minimal problem");

    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "type")),
               HS_PROBLEM_TYPE_BASE "not_found", "type of not_found");
        is_int(json_integer_value(json_object_get(doc, "status")), 404,
               "status 404");
        ok(json_object_get(doc, "trace_id") == NULL,
           "empty trace_id: no trace_id member");
        ok(json_object_get(doc, "errors") == NULL,
           "no errors: no errors member");
        is_int(json_object_size(doc), 6, "exactly 6 members");
        json_decref(doc);
    }

    hs_free(out);
    hs_problem_free(p);

    /* every kind renders with its own type and status */
    {
        size_t   i;
        int      good;
        char     want[128];

        good = 1;
        for (i = 0; i < HS_PROBLEM_KIND_COUNT; i++) {
            p = hs_problem_new((hs_problem_kind_t) i, "kind %zu", i);
            out = p ? hs_problem_render(p, NULL, "t", NULL) : NULL;
            doc = out ? json_loads(out, 0, NULL) : NULL;
            snprintf(want, sizeof(want), "%s%s", HS_PROBLEM_TYPE_BASE,
                     hs_problem_kind_code((hs_problem_kind_t) i));

            if (doc == NULL
                || strcmp(json_string_value(json_object_get(doc, "type")),
                          want) != 0
                || json_integer_value(json_object_get(doc, "status"))
                   != hs_problem_kind_status((hs_problem_kind_t) i))
            {
                good = 0;
                diag("kind %zu rendered as %s", i, out ? out : "NULL");
            }

            json_decref(doc);
            hs_free(out);
            hs_problem_free(p);
        }
        ok(good, "all %d kinds render their type and status",
           (int) HS_PROBLEM_KIND_COUNT);
    }
}


static void
test_custom(void)
{
    char          *out;
    json_t        *doc;
    hs_problem_t  *p;
    const char    *nofmt;

    p = hs_problem_custom(409, "Version Conflict", "version_conflict",
                          "etag %s does not match", "\"v7\"");
    if (!ok(p != NULL, "hs_problem_custom")) {
        return;
    }

    is_int(p->status, 409, "custom status");
    is_str(p->title, "Version Conflict", "custom title");
    is_str(p->code, "version_conflict", "custom code");

    out = hs_problem_render(p, "/docs/1", "abc", NULL);
    doc = test_parse(out, "custom problem");
    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "type")),
               "https://errors.hyperspot.com/version_conflict",
               "custom type URI");
        is_str(json_string_value(json_object_get(doc, "detail")),
               "etag \"v7\" does not match", "quotes survive as JSON");
        is_int(json_integer_value(json_object_get(doc, "status")), 409,
               "custom status rendered");
        json_decref(doc);
    }

    hs_free(out);
    hs_problem_free(p);

    /* a NULL format gives an empty detail */
    nofmt = NULL;
    p = hs_problem_custom(451, "Unavailable For Legal Reasons", "legal",
                          nofmt);
    ok(p != NULL && p->detail != NULL && p->detail[0] == '\0',
       "NULL format: empty detail");
    hs_problem_free(p);

    hs_problem_free(NULL);
    ok(1, "hs_problem_free(NULL) is a no-op");
}


static void
test_sanitize(void)
{
    size_t         i;
    char           buf[64], big[2100];
    char          *out;
    json_t        *doc;
    hs_problem_t  *p;

    static const struct {
        const char  *in;
        const char  *out;
        const char  *what;
    } cases[] = {
        { "plain ascii", "plain ascii", "ascii untouched" },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
          "valid 2-, 3- and 4-byte sequences kept" },
        { "a\xff" "b", "a?b", "0xff replaced" },
        { "\x80\xbf", "??", "lone continuation bytes" },
        { "\xc3\x28", "?(", "lead byte without continuation" },
        { "\xc0\xaf", "??", "overlong 2-byte (0xc0)" },
        { "\xc1\xbf", "??", "overlong 2-byte (0xc1)" },
        { "\xe0\x80\xaf", "???", "overlong 3-byte" },
        { "\xf0\x80\x80\xaf", "????", "overlong 4-byte" },
        { "\xed\xa0\x80", "???", "UTF-16 surrogate" },
        { "\xf4\x90\x80\x80", "????", "above U+10FFFF" },
        { "\xf5\x80\x80\x80", "????", "0xf5 lead byte" },
        { "end\xe2\x82", "end??", "truncated 3-byte at the end" },
        { "\xf0\x9f\x98", "???", "truncated 4-byte" },
        { "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF kept" },
        { "\xef\xbf\xbf", "\xef\xbf\xbf", "U+FFFF kept" },
        { "", "", "empty string" }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(buf, sizeof(buf), "%s", cases[i].in);
        hs_utf8_sanitize(buf);
        is_str(buf, cases[i].out, "sanitize: %s", cases[i].what);
        ok(test_utf8_valid(buf), "sanitize: %s gives valid UTF-8",
           cases[i].what);
    }

    /* invalid bytes in detail and instance still give valid JSON */
    p = hs_problem_new(HS_PROBLEM_BAD_REQUEST, "bad name \"%s\"",
                       "x\xff\xfe" "y");
    is_str(p ? p->detail : NULL, "bad name \"x??y\"",
           "detail sanitized at construction");

    out = p ? hs_problem_render(p, "/p/\xe2\x82", "id", NULL) : NULL;
    doc = test_parse(out, "invalid UTF-8 input");
    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "detail")),
               "bad name \"x??y\"", "sanitized detail rendered");
        is_str(json_string_value(json_object_get(doc, "instance")),
               "/p/??", "sanitized instance rendered");
        json_decref(doc);
    }
    hs_free(out);
    hs_problem_free(p);

    /* a detail truncated in the middle of a multi-byte character */
    memset(big, 'a', sizeof(big));
    big[2046] = '\0';
    p = hs_problem_new(HS_PROBLEM_BAD_REQUEST, "%s\xe2\x82\xac tail", big);
    ok(p != NULL && strlen(p->detail) == 2047,
       "detail truncated to 2047 bytes");
    ok(p != NULL && p->detail[2046] == '?',
       "the cut euro sign became '?'");
    out = p ? hs_problem_render(p, NULL, NULL, NULL) : NULL;
    doc = test_parse(out, "truncated detail");
    json_decref(doc);
    hs_free(out);
    hs_problem_free(p);

    /* a long instance is truncated but still valid */
    memset(big, 'i', sizeof(big));
    big[0] = '/';
    big[sizeof(big) - 1] = '\0';
    p = hs_problem_new(HS_PROBLEM_URI_TOO_LONG, "long");
    out = p ? hs_problem_render(p, big, NULL, NULL) : NULL;
    doc = test_parse(out, "long instance");
    if (doc != NULL) {
        ok(strlen(json_string_value(json_object_get(doc, "instance")))
           < sizeof(big) - 1, "long instance truncated");
        json_decref(doc);
    }
    hs_free(out);
    hs_problem_free(p);
}


/* Extension members (RFC 9457 3.2). */
static void
test_members(void)
{
    char          *out;
    json_t        *doc;
    hs_problem_t  *p;

    p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED, "refused");
    is_int(hs_problem_set_member(p, "ok", json_false()), HS_OK,
           "members: ok");
    is_int(hs_problem_set_member(p, "results", json_pack("[i]", 1)), HS_OK,
           "members: results");
    is_int(hs_problem_set_member(p, "status", json_integer(200)), HS_EINVAL,
           "members: a standard member cannot be replaced");
    is_int(hs_problem_set_member(p, "errors", json_array()), HS_EINVAL,
           "members: nor errors");

    out = hs_problem_render(p, "/x", "t1", NULL);
    doc = out ? json_loads(out, 0, NULL) : NULL;
    ok(json_is_false(json_object_get(doc, "ok")), "members: rendered");
    is_int(json_array_size(json_object_get(doc, "results")), 1,
           "members: rendered with their values");
    is_int(json_integer_value(json_object_get(doc, "status")), 422,
           "members: the status stays");

    json_decref(doc);
    hs_free(out);
    hs_problem_free(p);
}


int
main(void)
{
    test_members();
    test_kind_table();
    test_kind_by_status();
    test_render_full();
    test_render_minimal();
    test_custom();
    test_sanitize();

    return done_testing();
}
