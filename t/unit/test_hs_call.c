/*
 * One REST call: body parsing, handler run and response rendering by
 * hs_call_execute(), with a fake route and an injected logger.
 */

#include <stdio.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"


/* the injected logger */
static char  test_log_text[4096];
static int   test_log_errs;

/* what the handler saw */
static int      test_calls;
static json_t  *test_seen_json;
static char     test_seen_param[64];


static void
test_log_write(void *data, hs_log_level_t level, const char *msg)
{
    size_t  len;

    if (level == HS_LOG_ERR) {
        test_log_errs++;
    }

    len = strlen(test_log_text);
    snprintf(test_log_text + len, sizeof(test_log_text) - len, "[%d] %s\n",
             (int) level, msg);
}


static const hs_log_t  test_log = { test_log_write, NULL };


static void
test_reset(void)
{
    test_log_text[0] = '\0';
    test_log_errs = 0;
    test_calls = 0;
    json_decref(test_seen_json);
    test_seen_json = NULL;
    test_seen_param[0] = '\0';
}


/* handlers */

static hs_rc_t
test_h_echo(hs_call_t *call)
{
    const char  *id;
    json_t      *body;

    test_calls++;
    test_seen_json = json_incref(hs_call_json(call));
    id = hs_call_param(call, "id");
    snprintf(test_seen_param, sizeof(test_seen_param), "%s",
             id ? id : "(none)");

    body = json_pack("{s:O*, s:s*}", "got", hs_call_json(call), "id", id);

    return hs_call_reply(call, 200, body);
}


static hs_rc_t
test_h_error(hs_call_t *call)
{
    test_calls++;
    return HS_ERROR;
}


static hs_rc_t
test_h_error_after_reply(hs_call_t *call)
{
    test_calls++;
    hs_call_reply(call, 200, json_pack("{s:i}", "partial", 1));
    return HS_ERROR;
}


static hs_rc_t
test_h_silent(hs_call_t *call)
{
    test_calls++;
    return HS_OK;
}


static hs_rc_t
test_h_bad_status(hs_call_t *call)
{
    test_calls++;
    return hs_call_reply(call, 42, json_object());
}


static hs_rc_t
test_h_not_found(hs_call_t *call)
{
    hs_problem_t  *p;

    test_calls++;
    p = hs_problem_new(HS_PROBLEM_NOT_FOUND, "user %s not found",
                       hs_call_param(call, "id"));
    hs_problem_add_error(p, "id", "unknown", "no such id");

    return hs_call_fail(call, p);
}


static hs_rc_t
test_h_problem_and_error(hs_call_t *call)
{
    test_calls++;
    hs_call_reply(call, 200, json_object());
    hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT, "taken"));
    return HS_ERROR;
}


static hs_rc_t
test_h_fail_null(hs_call_t *call)
{
    test_calls++;
    return hs_call_fail(call, NULL);
}


static hs_rc_t
test_h_no_content(hs_call_t *call)
{
    test_calls++;
    return hs_call_reply(call, 204, NULL);
}


static hs_rc_t
test_h_created(hs_call_t *call)
{
    hs_rc_t  rc;

    test_calls++;
    rc = hs_call_set_location(call, "/users/%d", 7);
    if (rc != HS_OK) {
        return rc;
    }
    rc = hs_call_set_location(call, "/users/%d/v%s", 8, "2");
    if (rc != HS_OK) {
        return rc;
    }

    /* replying twice keeps the last body */
    hs_call_reply(call, 200, json_string("first"));
    return hs_call_reply(call, 201, json_pack("{s:i}", "id", 8));
}


static hs_rc_t
test_h_array(hs_call_t *call)
{
    test_calls++;
    return hs_call_reply(call, 200, json_pack("[i,s]", 1, "two"));
}


static hs_rc_t
test_h_custom_problem(hs_call_t *call)
{
    test_calls++;
    return hs_call_fail(call, hs_problem_custom(409, "Version Conflict",
                                                "version_conflict",
                                                "etag mismatch"));
}


/* Builds a call as the glue does; body may be NULL. */
/* a response rendered by the handler, then replaced by an object */
static hs_rc_t
test_h_text(hs_call_t *call)
{
    test_calls++;
    return hs_call_reply_text(call, 200, hs_strdup("{\"t\":1}"), 7);
}


static hs_rc_t
test_h_text_then_object(hs_call_t *call)
{
    hs_call_reply_text(call, 200, hs_strdup("{\"t\":1}"), 7);
    return hs_call_reply(call, 201, json_pack("{s:i}", "o", 2));
}


static hs_rc_t
test_h_object_then_text(hs_call_t *call)
{
    hs_call_reply(call, 201, json_pack("{s:i}", "o", 2));
    return hs_call_reply_text(call, 200, hs_strdup("[3]"), 3);
}


static hs_rc_t
test_h_text_then_problem(hs_call_t *call)
{
    hs_call_reply_text(call, 200, hs_strdup("{\"t\":1}"), 7);
    return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT, "taken"));
}


static hs_rc_t
test_h_text_null(hs_call_t *call)
{
    return hs_call_reply_text(call, 200, NULL, 0);
}


static hs_call_t *
test_call(const char *method, const char *path, hs_handler_pt handler,
    unsigned flags, const char *body, const char *request_id,
    hs_route_t *route)
{
    char              *b;
    hs_call_t         *call;
    hs_route_match_t   m;

    memset(route, 0, sizeof(*route));
    route->method = method;
    route->path = "/users/{id}";
    route->operation_id = "test_op";
    route->handler = handler;
    route->flags = flags;

    memset(&m, 0, sizeof(m));
    m.route = route;
    m.module = "users_info";
    m.data = route;
    m.nparams = 1;
    m.params[0].name = "id";
    m.params[0].name_len = 2;
    m.params[0].value = path + 7;           /* after "/users/" */
    m.params[0].len = strlen(path + 7);

    call = hs_call_new();
    if (call == NULL) {
        return NULL;
    }

    call->log = &test_log;

    if (hs_call_set_request(call, method, strlen(method), path, strlen(path),
                            "a=1", 3, request_id, strlen(request_id))
        != HS_OK
        || hs_call_set_match(call, &m) != HS_OK)
    {
        hs_call_free(call);
        return NULL;
    }

    if (body != NULL) {
        b = hs_strdup(body);
        hs_call_set_body(call, b, strlen(body));
    }

    return call;
}


/* Parses call->out as a problem and checks its code and status. */
static json_t *
test_problem(const hs_call_t *call, int status, const char *code,
    const char *what)
{
    json_t  *doc;

    is_int(call->status, status, "%s: status %d", what, status);
    is_str(call->out_type, "application/problem+json",
           "%s: problem media type", what);
    ok(call->out != NULL && call->out_len == strlen(call->out),
       "%s: out_len", what);

    doc = call->out ? json_loads(call->out, JSON_REJECT_DUPLICATES, NULL)
                    : NULL;
    if (!ok(json_is_object(doc), "%s: problem is a JSON object", what)) {
        return NULL;
    }

    is_str(json_string_value(json_object_get(doc, "code")), code,
           "%s: code %s", what, code);
    is_int(json_integer_value(json_object_get(doc, "status")), status,
           "%s: status member", what);

    return doc;
}


static void
test_json_body(void)
{
    hs_call_t   *call;
    hs_route_t   rt;

    test_reset();
    call = test_call("POST", "/users/42", test_h_echo, HS_ROUTE_BODY_JSON,
                     "{\"name\": \"Ada\", \"tags\": [1, 2]}", "req-1", &rt);
    if (!ok(call != NULL, "call built")) {
        return;
    }

    is_str(call->method, "POST", "method copied");
    is_str(call->path, "/users/42", "path copied");
    is_str(call->query, "a=1", "query copied");
    is_str(call->request_id, "req-1", "request id copied");
    is_str(hs_call_param(call, "id"), "42", "param copied");
    ok(hs_call_param(call, "nope") == NULL, "unknown param is NULL");
    ok(call->module_data == &rt, "module data from the match");

    hs_call_execute(call);

    is_int(test_calls, 1, "handler ran once");
    ok(json_is_object(test_seen_json), "handler saw a JSON object");
    is_str(json_string_value(json_object_get(test_seen_json, "name")), "Ada",
           "handler saw name");
    is_int(json_array_size(json_object_get(test_seen_json, "tags")), 2,
           "handler saw tags");
    is_str(test_seen_param, "42", "handler saw the param");
    is_int(call->status, 200, "status 200");
    is_str(call->out_type, "application/json", "JSON media type");
    is_str(call->out, "{\"got\":{\"name\":\"Ada\",\"tags\":[1,2]},"
           "\"id\":\"42\"}", "compact JSON response");
    is_int(call->out_len, call->out ? strlen(call->out) : 0, "out_len");
    is_int(test_log_errs, 0, "nothing logged");

    hs_call_free(call);

    /* any JSON value is a body */
    test_reset();
    call = test_call("PUT", "/users/1", test_h_echo, HS_ROUTE_BODY_JSON,
                     "  42 ", "r", &rt);
    hs_call_execute(call);
    ok(json_is_integer(test_seen_json)
       && json_integer_value(test_seen_json) == 42,
       "a scalar body is parsed");
    is_int(call->status, 200, "scalar body accepted");
    hs_call_free(call);

    test_reset();
    call = test_call("PUT", "/users/1", test_h_echo, HS_ROUTE_BODY_JSON,
                     "null", "r", &rt);
    hs_call_execute(call);
    ok(json_is_null(test_seen_json), "a null body is given as JSON null");
    is_int(call->status, 200, "null body accepted");
    hs_call_free(call);

    /* a body given to a route without BODY_JSON is still parsed */
    test_reset();
    call = test_call("GET", "/users/5", test_h_echo, 0, "[true]", "r", &rt);
    hs_call_execute(call);
    ok(json_is_array(test_seen_json), "body parsed without BODY_JSON");
    hs_call_free(call);

    /* no body, no flag: the handler gets NULL */
    test_reset();
    call = test_call("GET", "/users/5", test_h_echo, 0, NULL, "r", &rt);
    hs_call_execute(call);
    is_int(test_calls, 1, "handler ran without a body");
    ok(test_seen_json == NULL, "no body: hs_call_json is NULL");
    is_str(call->out, "{\"id\":\"5\"}", "response without got");
    hs_call_free(call);
}


static void
test_bad_bodies(void)
{
    json_t      *doc;
    hs_call_t   *call;
    hs_route_t   rt;
    const char  *detail;

    test_reset();
    call = test_call("POST", "/users/1", test_h_echo, HS_ROUTE_BODY_JSON,
                     "{\"a\": 1,\n \"b\": }", "req-bad", &rt);
    hs_call_execute(call);
    is_int(test_calls, 0, "invalid JSON: handler not run");
    doc = test_problem(call, 400, "invalid_json", "invalid JSON");
    if (doc != NULL) {
        detail = json_string_value(json_object_get(doc, "detail"));
        like_str(detail, "request body is not valid JSON: ",
                 "invalid JSON detail");
        like_str(detail, "at line 2, column 7", "line and column");
        is_str(json_string_value(json_object_get(doc, "trace_id")),
               "req-bad", "trace_id is the request id");
        is_str(json_string_value(json_object_get(doc, "instance")),
               "/users/1", "instance is the path");
        json_decref(doc);
    }
    is_int(test_log_errs, 0, "a client error is not logged as ERR");
    hs_call_free(call);

    test_reset();
    call = test_call("POST", "/users/1", test_h_echo, HS_ROUTE_BODY_JSON,
                     "{\"a\": 1, \"a\": 2}", "req-dup", &rt);
    hs_call_execute(call);
    is_int(test_calls, 0, "duplicate keys: handler not run");
    doc = test_problem(call, 400, "invalid_json", "duplicate keys");
    if (doc != NULL) {
        like_str(json_string_value(json_object_get(doc, "detail")),
                 "duplicate object key", "duplicate key detail");
        json_decref(doc);
    }
    hs_call_free(call);

    test_reset();
    call = test_call("POST", "/users/1", test_h_echo, 0, "{\"a\": 1} x",
                     "r", &rt);
    hs_call_execute(call);
    is_int(test_calls, 0, "trailing garbage: handler not run");
    doc = test_problem(call, 400, "invalid_json", "trailing garbage");
    json_decref(doc);
    hs_call_free(call);

    test_reset();
    call = test_call("POST", "/users/1", test_h_echo, 0, "{\"s\": \"\xff\"}",
                     "r", &rt);
    hs_call_execute(call);
    doc = test_problem(call, 400, "invalid_json", "invalid UTF-8 body");
    json_decref(doc);
    hs_call_free(call);

    test_reset();
    call = test_call("POST", "/users/1", test_h_echo, HS_ROUTE_BODY_JSON,
                     NULL, "r", &rt);
    hs_call_execute(call);
    is_int(test_calls, 0, "missing body: handler not run");
    doc = test_problem(call, 400, "bad_request", "missing body");
    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "detail")),
               "this operation requires a JSON request body",
               "missing body detail");
        json_decref(doc);
    }
    hs_call_free(call);

    test_reset();
    call = test_call("POST", "/users/1", test_h_echo, HS_ROUTE_BODY_JSON,
                     "", "r", &rt);
    hs_call_execute(call);
    is_int(test_calls, 0, "empty body: handler not run");
    doc = test_problem(call, 400, "bad_request", "empty body");
    json_decref(doc);
    hs_call_free(call);
}


static void
test_handler_errors(void)
{
    json_t      *doc;
    hs_call_t   *call;
    hs_route_t   rt;

    /* error without a problem */
    test_reset();
    call = test_call("DELETE", "/users/9", test_h_error, 0, NULL,
                     "trace-abc", &rt);
    hs_call_execute(call);
    is_int(test_calls, 1, "failing handler ran");
    doc = test_problem(call, 500, "internal_error", "handler error");
    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "trace_id")),
               "trace-abc", "500 carries the trace id");
        like_str(json_string_value(json_object_get(doc, "detail")),
                 "quote trace_id trace-abc", "detail quotes the trace id");
        json_decref(doc);
    }
    is_int(test_log_errs, 1, "one ERR line logged");
    like_str(test_log_text, "[1] module \"users_info\" DELETE /users/9 "
             "failed: handler returned an error (request id trace-abc)",
             "ERR line names module, request and reason");
    hs_call_free(call);

    /* an error after a reply discards the reply */
    test_reset();
    call = test_call("GET", "/users/9", test_h_error_after_reply, 0, NULL,
                     "t2", &rt);
    hs_call_execute(call);
    doc = test_problem(call, 500, "internal_error", "error after reply");
    json_decref(doc);
    ok(call->response == NULL, "the partial response was dropped");
    is_int(test_log_errs, 1, "logged");
    hs_call_free(call);

    /* no response at all */
    test_reset();
    call = test_call("GET", "/users/9", test_h_silent, 0, NULL, "t3", &rt);
    hs_call_execute(call);
    doc = test_problem(call, 500, "internal_error", "no response");
    json_decref(doc);
    like_str(test_log_text, "failed: handler set no response",
             "no response logged");
    hs_call_free(call);

    /* invalid status */
    test_reset();
    call = test_call("GET", "/users/9", test_h_bad_status, 0, NULL, "t4",
                     &rt);
    hs_call_execute(call);
    doc = test_problem(call, 500, "internal_error", "invalid status");
    json_decref(doc);
    like_str(test_log_text, "failed: handler set an invalid status",
             "invalid status logged");
    hs_call_free(call);

    /* hs_call_fail(NULL): out of memory while building a problem */
    test_reset();
    call = test_call("GET", "/users/9", test_h_fail_null, 0, NULL, "t5",
                     &rt);
    hs_call_execute(call);
    doc = test_problem(call, 500, "internal_error", "fail(NULL)");
    json_decref(doc);
    is_int(test_log_errs, 1, "fail(NULL) logged");
    hs_call_free(call);

    /* a module problem */
    test_reset();
    call = test_call("GET", "/users/77", test_h_not_found, 0, NULL,
                     "req-77", &rt);
    hs_call_execute(call);
    doc = test_problem(call, 404, "not_found", "handler problem");
    if (doc != NULL) {
        is_str(json_string_value(json_object_get(doc, "detail")),
               "user 77 not found", "problem detail");
        is_str(json_string_value(json_object_get(doc, "trace_id")),
               "req-77", "problem trace_id = request id");
        is_str(json_string_value(json_object_get(doc, "instance")),
               "/users/77", "problem instance = path");
        is_str(json_string_value(json_object_get(doc, "type")),
               "https://errors.hyperspot.com/not_found", "problem type");
        is_str(json_string_value(json_object_get(
                   json_array_get(json_object_get(doc, "errors"), 0),
                   "field")),
               "id", "problem errors kept");
        json_decref(doc);
    }
    is_int(test_log_errs, 0, "a module problem is not logged");
    hs_call_free(call);

    /* a problem wins over a reply, even when the handler returns error */
    test_reset();
    call = test_call("PUT", "/users/1", test_h_problem_and_error, 0, NULL,
                     "r", &rt);
    hs_call_execute(call);
    doc = test_problem(call, 409, "conflict", "problem + error rc");
    json_decref(doc);
    is_int(test_log_errs, 0, "problem + error rc: not an internal error");
    hs_call_free(call);

    /* a custom problem */
    test_reset();
    call = test_call("PUT", "/users/1", test_h_custom_problem, 0, NULL, "",
                     &rt);
    hs_call_execute(call);
    doc = test_problem(call, 409, "version_conflict", "custom problem");
    if (doc != NULL) {
        ok(json_object_get(doc, "trace_id") == NULL,
           "empty request id: no trace_id");
        json_decref(doc);
    }
    hs_call_free(call);
}


static void
test_responses(void)
{
    hs_call_t   *call;
    hs_route_t   rt;

    test_reset();
    call = test_call("DELETE", "/users/3", test_h_no_content, 0, NULL, "r",
                     &rt);
    hs_call_execute(call);
    is_int(call->status, 204, "204 status");
    ok(call->out == NULL, "204: no body");
    is_int(call->out_len, 0, "204: out_len 0");
    ok(call->out_type == NULL, "204: no media type");
    is_int(test_log_errs, 0, "204: nothing logged");
    hs_call_free(call);

    test_reset();
    call = test_call("POST", "/users/8", test_h_created, 0, NULL, "r", &rt);
    hs_call_execute(call);
    is_int(call->status, 201, "201 status");
    is_str(call->location, "/users/8/v2", "location set (last one wins)");
    is_str(call->out, "{\"id\":8}", "201 body (last reply wins)");
    is_str(call->out_type, "application/json", "201 media type");
    hs_call_free(call);

    test_reset();
    call = test_call("GET", "/users/8", test_h_array, 0, NULL, "r", &rt);
    hs_call_execute(call);
    is_str(call->out, "[1,\"two\"]", "an array response");
    hs_call_free(call);

    /* responses the handler rendered as text */
    test_reset();
    call = test_call("GET", "/users/8", test_h_text, 0, NULL, "r", &rt);
    hs_call_execute(call);
    is_int(test_calls, 1, "text: handler ran");
    is_int(call->status, 200, "text: status");
    is_str(call->out, "{\"t\":1}", "text: sent as rendered");
    is_int(call->out_len, 7, "text: out_len");
    is_str(call->out_type, "application/json", "text: JSON media type");
    hs_call_free(call);

    call = test_call("GET", "/users/8", test_h_text_then_object, 0, NULL,
                     "r", &rt);
    hs_call_execute(call);
    ok(call->status == 201 && call->out != NULL
       && strcmp(call->out, "{\"o\":2}") == 0,
       "text, then an object: the last reply wins");
    hs_call_free(call);

    call = test_call("GET", "/users/8", test_h_object_then_text, 0, NULL,
                     "r", &rt);
    hs_call_execute(call);
    ok(call->status == 200 && call->out != NULL
       && strcmp(call->out, "[3]") == 0,
       "an object, then text: the last reply wins");
    hs_call_free(call);

    test_reset();
    call = test_call("GET", "/users/8", test_h_text_then_problem, 0, NULL,
                     "r", &rt);
    hs_call_execute(call);
    json_decref(test_problem(call, 409, "conflict", "text, then a problem"));
    hs_call_free(call);

    test_reset();
    call = test_call("GET", "/users/8", test_h_text_null, 0, NULL, "r", &rt);
    hs_call_execute(call);
    json_decref(test_problem(call, 500, "internal_error",
                             "text that could not be made"));
    is_int(test_log_errs, 1, "text that could not be made: logged");
    hs_call_free(call);

    /* request strings past the call's own buffer */
    {
        char  path[1200];

        memset(path, 'p', sizeof(path) - 1);
        memcpy(path, "/users/", 7);
        path[sizeof(path) - 1] = '\0';

        call = test_call("GET", path, test_h_echo, 0, NULL, "r", &rt);
        ok(call != NULL && strcmp(call->path, path) == 0
           && strcmp(hs_call_param(call, "id"), path + 7) == 0
           && strcmp(call->method, "GET") == 0
           && strcmp(call->query, "a=1") == 0,
           "long request strings are copied whole");
        hs_call_free(call);

        /* a recycled call starts with an empty buffer */
        call = test_call("PATCH", "/users/5", test_h_echo, 0, NULL, "r", &rt);
        ok(call != NULL && strcmp(call->method, "PATCH") == 0
           && strcmp(call->path, "/users/5") == 0
           && strcmp(hs_call_param(call, "id"), "5") == 0
           && call->strbuf_used == sizeof("PATCH") + sizeof("/users/5")
                                   + sizeof("a=1") + sizeof("id")
                                   + sizeof("5"),
           "a recycled call's strings start at its buffer again");
        hs_call_free(call);
    }
}


static void
test_request(void)
{
    char        id[300];
    hs_call_t  *call;
    hs_rc_t     rc;

    call = hs_call_new();
    memset(id, 'x', sizeof(id));

    /* lengths are honoured, the request id is capped */
    rc = hs_call_set_request(call, "GETTING", 3, "/a/bc", 4, NULL, 99, id,
                             sizeof(id));
    is_int(rc, HS_OK, "set_request");
    is_str(call->method, "GET", "method cut at its length");
    is_str(call->path, "/a/b", "path cut at its length");
    is_str(call->query, "", "NULL query becomes \"\"");
    is_int(strlen(call->request_id), HS_REQUEST_ID_MAX,
           "request id capped at %d", HS_REQUEST_ID_MAX);
    ok(call->body == NULL && call->json == NULL && call->status == 0,
       "a new call is empty");

    hs_call_set_body(call, hs_strdup("{}"), 2);
    hs_call_set_body(call, hs_strdup("[]"), 2);
    is_str(call->body, "[]", "set_body replaces (and frees) the body");
    is_int(call->body_len, 2, "body_len");

    hs_call_free(call);
    hs_call_free(NULL);
    ok(1, "hs_call_free(NULL) is a no-op");
}


static void
test_request_ids(void)
{
    char  id[200];

    ok(hs_request_id_valid("abc", 3), "abc");
    ok(hs_request_id_valid("Az09-_.:", 8), "all allowed characters");
    ok(hs_request_id_valid("0", 1), "one character");
    ok(hs_request_id_valid("550e8400-e29b-41d4-a716-446655440000", 36),
       "a UUID");
    ok(!hs_request_id_valid("", 0), "empty is invalid");
    ok(!hs_request_id_valid("a b", 3), "space is invalid");
    ok(!hs_request_id_valid("a/b", 3), "slash is invalid");
    ok(!hs_request_id_valid("a\"b", 3), "quote is invalid");
    ok(!hs_request_id_valid("a\nb", 3), "newline is invalid");
    ok(!hs_request_id_valid("caf\xc3\xa9", 5), "non-ASCII is invalid");
    ok(!hs_request_id_valid("a\0b", 3), "NUL is invalid");
    ok(!hs_request_id_valid("a+b", 3), "plus is invalid");
    ok(hs_request_id_valid("ab cd", 2), "only len bytes are checked");

    memset(id, 'a', sizeof(id));
    ok(hs_request_id_valid(id, HS_REQUEST_ID_MAX), "128 characters");
    ok(!hs_request_id_valid(id, HS_REQUEST_ID_MAX + 1), "129 characters");
}


int
main(void)
{
    test_json_body();
    test_bad_bodies();
    test_handler_errors();
    test_responses();
    test_request();
    test_request_ids();

    test_reset();

    return done_testing();
}
