/* The router: templates, matching, 405, validation, duplicates, scale. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"

#define TEST_DATA(n)  ((void *) (uintptr_t) (n))


static hs_rc_t
test_handler(hs_call_t *call)
{
    return HS_OK;
}


static hs_rc_t
test_handler2(hs_call_t *call)
{
    return HS_ERROR;
}


static hs_rc_t
test_add(hs_router_t *r, const char *module, const char *method,
    const char *path, uintptr_t data, hs_error_t *err)
{
    hs_route_t  rt;

    memset(&rt, 0, sizeof(rt));
    rt.method = method;
    rt.path = path;
    rt.operation_id = "op";
    rt.summary = "a route";
    rt.handler = test_handler;

    return hs_router_add(r, module, &rt, TEST_DATA(data), err);
}


static hs_rc_t
test_match(const hs_router_t *r, const char *method, const char *path,
    hs_route_match_t *m)
{
    return hs_router_match(r, method, strlen(method), path, strlen(path), m);
}


/* The value of parameter name in m, copied into buf ("" when absent). */
static const char *
test_param(const hs_route_match_t *m, const char *name, char *buf,
    size_t size)
{
    size_t  i;

    for (i = 0; i < m->nparams; i++) {
        if (m->params[i].name_len == strlen(name)
            && memcmp(m->params[i].name, name, m->params[i].name_len) == 0)
        {
            snprintf(buf, size, "%.*s", (int) m->params[i].len,
                     m->params[i].value);
            return buf;
        }
    }

    return NULL;
}


static hs_router_t *
test_users_router(void)
{
    hs_router_t  *r;
    hs_error_t    err;
    size_t        i;

    static const struct {
        const char  *method;
        const char  *path;
    } routes[] = {
        { "GET",    "/users" },                             /* 1 */
        { "POST",   "/users" },                             /* 2 */
        { "GET",    "/users/{id}" },                        /* 3 */
        { "PUT",    "/users/{id}" },                        /* 4 */
        { "DELETE", "/users/{id}" },                        /* 5 */
        { "GET",    "/users/me" },                          /* 6 */
        { "GET",    "/users/{id}/posts/{post_id}" },        /* 7 */
        { "GET",    "/a/b/c" },                             /* 8 */
        { "GET",    "/a/{x}/d" },                           /* 9 */
        { "GET",    "/v/{p}/x/y" },                         /* 10 */
        { "GET",    "/v/lit/x/z" },                         /* 11 */
        { "GET",    "/" },                                  /* 12 */
        { "HEAD",   "/files/{name}" },                      /* 13 */
        { "GET",    "/files/{name}" },                      /* 14 */
        { "PATCH",  "/users/{id}/posts/{post_id}" },        /* 15 */
        { "OPTIONS", "/users" }                             /* 16 */
    };

    r = hs_router_create();
    if (r == NULL) {
        return NULL;
    }

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (test_add(r, i < 6 ? "users" : "other", routes[i].method,
                     routes[i].path, i + 1, &err) != HS_OK)
        {
            diag("adding %s %s: %s", routes[i].method, routes[i].path,
                 err.msg);
        }
    }

    hs_router_freeze(r);

    return r;
}


static void
test_matching(void)
{
    char               buf[64];
    hs_rc_t            rc;
    hs_router_t       *r;
    hs_route_match_t   m;

    r = test_users_router();
    if (!ok(r != NULL, "router created")) {
        return;
    }

    is_int(hs_router_count(r), 16, "16 routes");

    rc = test_match(r, "GET", "/users", &m);
    is_int(rc, HS_OK, "GET /users");
    ok(m.data == TEST_DATA(1), "GET /users: its data");
    is_str(m.module, "users", "GET /users: module");
    is_str(m.route ? m.route->path : NULL, "/users", "GET /users: template");
    is_str(m.route ? m.route->method : NULL, "GET", "GET /users: method");
    is_str(m.route ? m.route->operation_id : NULL, "op", "operation_id");
    is_str(m.route ? m.route->summary : NULL, "a route", "summary");
    ok(m.route && m.route->handler == test_handler, "handler kept");
    is_int(m.nparams, 0, "GET /users: no params");

    rc = test_match(r, "POST", "/users", &m);
    is_int(rc, HS_OK, "POST /users");
    ok(m.data == TEST_DATA(2), "POST /users: its own data");

    rc = test_match(r, "GET", "/users/42", &m);
    is_int(rc, HS_OK, "GET /users/42");
    ok(m.data == TEST_DATA(3), "GET /users/42 -> /users/{id}");
    is_int(m.nparams, 1, "one param");
    is_str(test_param(&m, "id", buf, sizeof(buf)), "42", "id = 42");
    is_int(m.params[0].name_len, 2, "param name_len");

    rc = test_match(r, "DELETE", "/users/a-b.c_d~e", &m);
    is_int(rc, HS_OK, "DELETE /users/a-b.c_d~e");
    ok(m.data == TEST_DATA(5), "DELETE routed");
    is_str(test_param(&m, "id", buf, sizeof(buf)), "a-b.c_d~e",
           "param keeps any segment text");

    /* literal preferred over a parameter */
    rc = test_match(r, "GET", "/users/me", &m);
    is_int(rc, HS_OK, "GET /users/me");
    ok(m.data == TEST_DATA(6), "literal /users/me wins over /users/{id}");
    is_int(m.nparams, 0, "literal match has no params");

    /*
     * The path /users/me exists (for GET only): PUT there is 405, like
     * routers that resolve the path first (axum/matchit), rather than
     * falling back to PUT /users/{id}.
     */
    rc = test_match(r, "PUT", "/users/me", &m);
    is_int(rc, HS_EMETHOD, "PUT /users/me: 405 on the literal path");
    is_str(m.allow, "GET, HEAD", "PUT /users/me: allow");

    rc = test_match(r, "PUT", "/users/mex", &m);
    is_int(rc, HS_OK, "PUT /users/mex -> param");
    is_str(test_param(&m, "id", buf, sizeof(buf)), "mex", "id = mex");

    /* two params */
    rc = test_match(r, "GET", "/users/7/posts/hello-world", &m);
    is_int(rc, HS_OK, "GET /users/7/posts/hello-world");
    ok(m.data == TEST_DATA(7), "two-param route");
    is_int(m.nparams, 2, "two params");
    is_str(test_param(&m, "id", buf, sizeof(buf)), "7", "id = 7");
    is_str(test_param(&m, "post_id", buf, sizeof(buf)), "hello-world",
           "post_id = hello-world");
    ok(m.nparams == 2 && m.params[0].name_len == 2
       && m.params[1].name_len == 7, "params in template order");

    rc = test_match(r, "GET", "/users/me/posts/1", &m);
    is_int(rc, HS_OK, "GET /users/me/posts/1 backtracks from literal me");
    ok(m.data == TEST_DATA(7), "matched /users/{id}/posts/{post_id}");
    is_str(test_param(&m, "id", buf, sizeof(buf)), "me", "id = me");

    /* backtracking */
    rc = test_match(r, "GET", "/a/b/c", &m);
    is_int(rc, HS_OK, "GET /a/b/c");
    ok(m.data == TEST_DATA(8), "/a/b/c literal");
    rc = test_match(r, "GET", "/a/b/d", &m);
    is_int(rc, HS_OK, "GET /a/b/d");
    ok(m.data == TEST_DATA(9), "/a/b/d backtracks to /a/{x}/d");
    is_str(test_param(&m, "x", buf, sizeof(buf)), "b", "x = b");
    rc = test_match(r, "GET", "/a/q/d", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(9), "/a/q/d -> /a/{x}/d");
    rc = test_match(r, "GET", "/a/b/e", &m);
    is_int(rc, HS_ENOTFOUND, "/a/b/e not found");

    rc = test_match(r, "GET", "/v/lit/x/y", &m);
    is_int(rc, HS_OK, "GET /v/lit/x/y: backtracks two levels");
    ok(m.data == TEST_DATA(10), "/v/{p}/x/y");
    is_str(test_param(&m, "p", buf, sizeof(buf)), "lit", "p = lit");
    rc = test_match(r, "GET", "/v/lit/x/z", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(11), "/v/lit/x/z literal");
    is_int(m.nparams, 0, "/v/lit/x/z: no stale params");

    /* root */
    rc = test_match(r, "GET", "/", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(12), "GET / routed");

    /* HEAD */
    rc = test_match(r, "HEAD", "/users", &m);
    is_int(rc, HS_OK, "HEAD /users falls back to GET");
    ok(m.data == TEST_DATA(1), "HEAD /users -> GET /users data");
    is_str(m.route ? m.route->method : NULL, "GET", "HEAD gets the GET route");
    rc = test_match(r, "HEAD", "/users/9/posts/8", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(7), "HEAD with params -> GET");
    is_str(test_param(&m, "post_id", buf, sizeof(buf)), "8",
           "HEAD fallback keeps params");
    rc = test_match(r, "HEAD", "/files/a.txt", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(13),
       "an explicit HEAD route beats the GET fallback");
    rc = test_match(r, "GET", "/files/a.txt", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(14), "GET beside HEAD");
    rc = test_match(r, "PUT", "/files/a.txt", &m);
    is_str(m.allow, "HEAD, GET", "an explicit HEAD is listed once");

    /* 405 */
    rc = test_match(r, "DELETE", "/users", &m);
    is_int(rc, HS_EMETHOD, "DELETE /users is 405");
    is_str(m.allow, "GET, HEAD, POST, OPTIONS", "allow of /users");
    ok(m.route == NULL, "no route on 405");

    rc = test_match(r, "POST", "/users/1", &m);
    is_int(rc, HS_EMETHOD, "POST /users/1 is 405");
    is_str(m.allow, "GET, HEAD, PUT, DELETE", "allow of /users/{id}");

    rc = test_match(r, "HEAD", "/users/1/posts/2", &m);
    is_int(rc, HS_OK, "HEAD with GET present is fine");
    rc = test_match(r, "POST", "/users/1/posts/2", &m);
    is_int(rc, HS_EMETHOD, "POST /users/1/posts/2 is 405");
    is_str(m.allow, "GET, HEAD, PATCH", "allow lists GET, HEAD, PATCH");

    rc = test_match(r, "get", "/users", &m);
    is_int(rc, HS_EMETHOD, "methods are case-sensitive");
    rc = test_match(r, "BREW", "/users", &m);
    is_int(rc, HS_EMETHOD, "unknown method on a known path: 405");

    /* not found */
    rc = test_match(r, "GET", "/nope", &m);
    is_int(rc, HS_ENOTFOUND, "/nope");
    ok(m.allow[0] == '\0', "no allow list on 404");
    is_int(test_match(r, "GET", "/users/1/posts", &m), HS_ENOTFOUND,
           "/users/1/posts (inner node without routes)");
    is_int(test_match(r, "GET", "/users/1/posts/2/x", &m), HS_ENOTFOUND,
           "too many segments");
    is_int(test_match(r, "GET", "/a", &m), HS_ENOTFOUND, "/a inner node");
    is_int(test_match(r, "GET", "", &m), HS_ENOTFOUND, "empty path");
    is_int(test_match(r, "GET", "users", &m), HS_ENOTFOUND,
           "path without leading '/'");
    is_int(test_match(r, "GET", "/Users", &m), HS_ENOTFOUND,
           "paths are case-sensitive");

    /* trailing slash and empty segments */
    is_int(test_match(r, "GET", "/users/", &m), HS_ENOTFOUND,
           "trailing slash: /users/");
    is_int(test_match(r, "GET", "/users/1/", &m), HS_ENOTFOUND,
           "trailing slash: /users/1/");
    is_int(test_match(r, "GET", "//users", &m), HS_ENOTFOUND,
           "empty first segment");
    is_int(test_match(r, "GET", "/users//posts/1", &m), HS_ENOTFOUND,
           "empty middle segment");
    is_int(test_match(r, "GET", "//", &m), HS_ENOTFOUND, "//");

    /* lengths are honoured: no NUL needed */
    rc = hs_router_match(r, "GETX", 3, "/users/42/posts/7XYZ", 17, &m);
    is_int(rc, HS_OK, "method and path lengths honoured");
    is_str(test_param(&m, "post_id", buf, sizeof(buf)), "7",
           "param ends at path_len");
    rc = hs_router_match(r, "GET", 3, "/users/42", 6, &m);
    ok(rc == HS_OK && m.data == TEST_DATA(1), "path_len 6 -> /users");
    rc = hs_router_match(r, "GET", 3, "/users/42", 7, &m);
    is_int(rc, HS_ENOTFOUND, "path_len 7 -> /users/ (trailing slash)");

    hs_router_destroy(r);
}


/* Expects the route to be rejected with a message containing want. */
static void
test_reject(hs_router_t *r, const char *method, const char *path,
    hs_handler_pt handler, const char *want, const char *what)
{
    size_t      before;
    hs_rc_t     rc;
    hs_route_t  rt;
    hs_error_t  err;

    memset(&rt, 0, sizeof(rt));
    rt.method = method;
    rt.path = path;
    rt.handler = handler;

    before = hs_router_count(r);
    err.msg[0] = '\0';
    rc = hs_router_add(r, "bad", &rt, NULL, &err);

    ok(rc != HS_OK, "%s: rejected", what);
    like_str(err.msg, want, "%s: message", what);
    is_int(hs_router_count(r), before, "%s: count unchanged", what);
}


static void
test_validation(void)
{
    char          path[256];
    size_t        i, n;
    hs_rc_t       rc;
    hs_route_t    rt;
    hs_error_t    err;
    hs_router_t  *r;

    r = hs_router_create();

    test_reject(r, "GET", "users", test_handler,
                "module \"bad\": route GET \"users\": the path must start "
                "with '/'", "no leading slash");
    test_reject(r, "GET", "", test_handler, "must start with '/'",
                "empty path");
    test_reject(r, "GET", NULL, test_handler, "must start with '/'",
                "NULL path");
    test_reject(r, "FETCH", "/x", test_handler,
                "module \"bad\": route /x has an unknown method \"FETCH\"",
                "unknown method");
    test_reject(r, "get", "/x", test_handler, "unknown method \"get\"",
                "lower-case method");
    test_reject(r, NULL, "/x", test_handler, "unknown method \"\"",
                "NULL method");
    test_reject(r, "GET", "/x", NULL, "route GET /x has no handler",
                "missing handler");

    test_reject(r, "GET", "/x/{Id}", test_handler,
                "parameter names are snake_case", "upper-case param");
    test_reject(r, "GET", "/x/{1d}", test_handler,
                "parameter names are snake_case", "param starts with digit");
    test_reject(r, "GET", "/x/{a-b}", test_handler,
                "parameter names are snake_case", "dash in param");
    test_reject(r, "GET", "/x/{}", test_handler,
                "a parameter must be a whole segment", "empty param");
    test_reject(r, "GET", "/x/{id", test_handler,
                "a parameter must be a whole segment", "unclosed param");
    test_reject(r, "GET", "/x/{id}x", test_handler,
                "a parameter must be a whole segment", "param with suffix");
    test_reject(r, "GET", "/x/pre{id}", test_handler,
                "character '{' is not allowed", "param with prefix");
    test_reject(r, "GET", "/x/a b", test_handler,
                "character ' ' is not allowed in a path", "space");
    test_reject(r, "GET", "/x/a%20b", test_handler,
                "character '%' is not allowed", "percent");
    test_reject(r, "GET", "/x?y=1", test_handler,
                "character '?' is not allowed", "query in template");

    test_reject(r, "GET", "/x/{id}/y/{id}", test_handler,
                "route GET /x/{id}/y/{id} repeats parameter \"id\"",
                "repeated param");
    test_reject(r, "GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}",
                test_handler, "has more than 8 parameters", "9 params");
    test_reject(r, "GET", "/x/", test_handler,
                "route GET /x/ ends with '/'", "trailing slash");
    test_reject(r, "GET", "/x/{id}/", test_handler, "ends with '/'",
                "trailing slash after param");
    test_reject(r, "GET", "//x", test_handler,
                "route GET //x has an empty path segment", "leading //");
    test_reject(r, "GET", "/x//y", test_handler, "has an empty path segment",
                "inner //");

    is_int(hs_router_count(r), 0, "nothing was added");

    /* the accepted edge cases */
    rc = test_add(r, "m", "GET", "/p/{a_1}/{_b}", 1, &err);
    is_int(rc, HS_OK, "param names with '_' and digits");

    memset(&rt, 0, sizeof(rt));
    rt.method = "GET";
    rt.path = "/healthz";
    rt.flags = HS_ROUTE_EVENT_LOOP;
    rc = hs_router_add(r, "core", &rt, NULL, &err);
    is_int(rc, HS_OK, "event-loop route without a handler");

    n = 0;
    for (i = 0; i < HS_ROUTE_MAX_PARAMS; i++) {
        n += snprintf(path + n, sizeof(path) - n, "/{p%zu}", i);
    }
    rc = test_add(r, "m", "GET", path, 2, &err);
    is_int(rc, HS_OK, "exactly %d params: %s", HS_ROUTE_MAX_PARAMS, path);

    for (i = 0; i < 6; i++) {
        static const char *const  ms[] = { "GET", "POST", "PUT", "PATCH",
                                           "DELETE", "OPTIONS" };
        rc = test_add(r, "m", ms[i], "/all", 10 + i, &err);
        is_int(rc, HS_OK, "method %s accepted", ms[i]);
    }

    rc = test_add(r, "m", "HEAD", "/only-head", 20, &err);
    is_int(rc, HS_OK, "method HEAD accepted");
    is_int(hs_router_count(r), 10, "10 routes");

    hs_router_freeze(r);

    {
        char               buf[16];
        hs_route_match_t   m;

        rc = test_match(r, "GET", "/0/1/2/3/4/5/6/7", &m);
        is_int(rc, HS_OK, "8-param route matches");
        is_int(m.nparams, 8, "8 params");
        is_str(test_param(&m, "p0", buf, sizeof(buf)), "0", "p0");
        is_str(test_param(&m, "p7", buf, sizeof(buf)), "7", "p7");
        is_int(test_match(r, "GET", "/0/1/2/3/4/5/6/7/8", &m),
               HS_ENOTFOUND, "9 segments do not match");

        rc = test_match(r, "GET", "/p/x/y", &m);
        is_str(test_param(&m, "_b", buf, sizeof(buf)), "y", "_b = y");

        rc = test_match(r, "GET", "/healthz", &m);
        ok(rc == HS_OK && m.route && m.route->handler == NULL
           && (m.route->flags & HS_ROUTE_EVENT_LOOP),
           "event-loop route matched with its flag");
        is_str(m.module, "core", "event-loop route module");

        rc = test_match(r, "TRACE", "/all", &m);
        is_int(rc, HS_EMETHOD, "TRACE /all: 405");
        is_str(m.allow, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
               "allow lists every method in declaration order");

        rc = test_match(r, "HEAD", "/only-head", &m);
        ok(rc == HS_OK && m.data == TEST_DATA(20), "HEAD-only route");
        rc = test_match(r, "GET", "/only-head", &m);
        is_int(rc, HS_EMETHOD, "GET on a HEAD-only path: 405");
        is_str(m.allow, "HEAD", "allow of a HEAD-only path");
    }

    /* adding after freeze */
    rc = test_add(r, "late", "GET", "/late", 1, &err);
    is_int(rc, HS_ERROR, "add after freeze fails");
    like_str(err.msg, "module \"late\": route GET /late added after the "
             "router was built", "add after freeze message");

    hs_router_destroy(r);
}


static void
test_duplicates(void)
{
    hs_rc_t            rc;
    hs_error_t         err;
    hs_router_t       *r;
    hs_route_match_t   m;

    r = hs_router_create();

    rc = test_add(r, "users_info", "GET", "/u/{id}", 1, &err);
    is_int(rc, HS_OK, "first GET /u/{id}");

    rc = test_add(r, "accounts", "GET", "/u/{id}", 2, &err);
    is_int(rc, HS_ERROR, "same method + path from another module");
    is_str(err.msg, "module \"accounts\": route GET /u/{id} is already "
           "declared by module \"users_info\" (as /u/{id})",
           "duplicate names both modules");

    rc = test_add(r, "accounts", "GET", "/u/{user_id}", 3, &err);
    is_int(rc, HS_ERROR, "different param name at the same position");
    is_str(err.msg, "module \"accounts\": route GET /u/{user_id} is already "
           "declared by module \"users_info\" (as /u/{id})",
           "duplicate shows both templates");

    rc = test_add(r, "users_info", "GET", "/u/{id}", 4, &err);
    is_int(rc, HS_ERROR, "the same module twice");
    like_str(err.msg, "already declared by module \"users_info\"",
             "same-module duplicate");

    rc = test_add(r, "accounts", "PUT", "/u/{user_id}", 5, &err);
    is_int(rc, HS_OK, "another method on the same path is fine");
    rc = test_add(r, "accounts", "GET", "/u/me", 6, &err);
    is_int(rc, HS_OK, "a literal beside the param is fine");
    rc = test_add(r, "accounts", "GET", "/u/{id}/x", 7, &err);
    is_int(rc, HS_OK, "a longer path is fine");

    is_int(hs_router_count(r), 4, "4 routes");

    hs_router_freeze(r);

    rc = test_match(r, "GET", "/u/5", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(1),
       "the first declaration is the one routed");
    rc = test_match(r, "PUT", "/u/5", &m);
    ok(rc == HS_OK && m.data == TEST_DATA(5), "PUT /u/5");
    is_int(m.nparams, 1, "PUT /u/5: one param");
    is_int(m.nparams ? m.params[0].name_len : 0, 7,
           "PUT /u/{user_id} uses its own param name");

    hs_router_destroy(r);
}


typedef struct {
    char    text[1024];
    size_t  n;
} test_each_t;


static void
test_each_fn(const hs_route_t *route, const char *module, void *op,
    void *data)
{
    size_t        len;
    test_each_t  *t;

    t = data;
    len = strlen(t->text);
    snprintf(t->text + len, sizeof(t->text) - len, "%s%s %s %s",
             len ? "; " : "", module, route->method, route->path);
    t->n++;
}


static void
test_each_order(void)
{
    char          path[64];
    hs_rc_t       rc;
    hs_route_t    rt;
    hs_error_t    err;
    hs_router_t  *r;
    test_each_t   t;

    r = hs_router_create();

    memset(&t, 0, sizeof(t));
    hs_router_each(r, test_each_fn, &t);
    is_int(t.n, 0, "each on an empty router");

    test_add(r, "z", "POST", "/zeta", 1, &err);
    test_add(r, "a", "GET", "/alpha/{id}", 2, &err);
    test_add(r, "m", "GET", "/", 3, &err);
    test_add(r, "a", "DELETE", "/alpha/{id}", 4, &err);
    test_add(r, "z", "GET", "/zeta", 5, &err);
    test_add(r, "dup", "GET", "/zeta", 6, &err);      /* rejected */
    test_add(r, "b", "GET", "/beta/x/y", 7, &err);

    /* the router copies the template: the caller's buffer may change */
    snprintf(path, sizeof(path), "/copied/{k}");
    memset(&rt, 0, sizeof(rt));
    rt.method = "PATCH";
    rt.path = path;
    rt.handler = test_handler2;
    rc = hs_router_add(r, "c", &rt, NULL, &err);
    is_int(rc, HS_OK, "route from a stack buffer");
    memset(path, 'X', sizeof(path) - 1);

    hs_router_freeze(r);

    memset(&t, 0, sizeof(t));
    hs_router_each(r, test_each_fn, &t);
    is_int(t.n, 7, "each visits the 7 routes");
    is_str(t.text, "z POST /zeta; a GET /alpha/{id}; m GET /; "
           "a DELETE /alpha/{id}; z GET /zeta; b GET /beta/x/y; "
           "c PATCH /copied/{k}", "each runs in declaration order");

    {
        hs_route_match_t  m;

        rc = test_match(r, "PATCH", "/copied/v", &m);
        is_int(rc, HS_OK, "copied route still matches");
        is_str(m.route ? m.route->path : NULL, "/copied/{k}",
               "route path is the router's copy");
        ok(m.route && m.route->handler == test_handler2,
           "handler of the copied route");
    }

    hs_router_destroy(r);
}


static void
test_scale(void)
{
    char               path[128], want[32], buf[32];
    size_t             i, k, bad_add, bad_match;
    hs_rc_t            rc;
    hs_error_t         err;
    hs_router_t       *r;
    hs_route_match_t   m;

    r = hs_router_create();
    bad_add = 0;

    /* 1,000 routes over 250 services, added in a scrambled order */
    for (k = 0; k < 1000; k++) {
        i = (k * 617) % 1000;       /* 617 is prime to 1000 */

        switch (i % 4) {
        case 0:
            snprintf(path, sizeof(path), "/svc%zu/v1/items", i / 4);
            rc = test_add(r, "scale", "GET", path, i + 1, &err);
            break;
        case 1:
            snprintf(path, sizeof(path), "/svc%zu/v1/items/{id}", i / 4);
            rc = test_add(r, "scale", "GET", path, i + 1, &err);
            break;
        case 2:
            snprintf(path, sizeof(path), "/svc%zu/v1/items/special", i / 4);
            rc = test_add(r, "scale", "GET", path, i + 1, &err);
            break;
        default:
            snprintf(path, sizeof(path), "/svc%zu/v1/items/{id}", i / 4);
            rc = test_add(r, "scale", "DELETE", path, i + 1, &err);
            break;
        }

        if (rc != HS_OK) {
            bad_add++;
            diag("%s: %s", path, err.msg);
        }
    }

    is_int(bad_add, 0, "1,000 routes added");
    is_int(hs_router_count(r), 1000, "count is 1,000");

    hs_router_freeze(r);

    bad_match = 0;
    for (i = 0; i < 1000; i++) {
        const char  *method;

        method = (i % 4 == 3) ? "DELETE" : "GET";
        snprintf(want, sizeof(want), "%zu", i * 31);

        switch (i % 4) {
        case 0:
            snprintf(path, sizeof(path), "/svc%zu/v1/items", i / 4);
            break;
        case 2:
            snprintf(path, sizeof(path), "/svc%zu/v1/items/special", i / 4);
            break;
        default:
            snprintf(path, sizeof(path), "/svc%zu/v1/items/%s", i / 4, want);
            break;
        }

        rc = test_match(r, method, path, &m);

        if (rc != HS_OK || m.data != TEST_DATA(i + 1)
            || (i % 4 == 1 || i % 4 == 3
                ? test_param(&m, "id", buf, sizeof(buf)) == NULL
                  || strcmp(buf, want) != 0
                : m.nparams != 0))
        {
            bad_match++;
            if (bad_match < 5) {
                diag("%s %s: rc %d", method, path, (int) rc);
            }
        }
    }

    is_int(bad_match, 0, "every one of the 1,000 routes matches itself");

    is_int(test_match(r, "GET", "/svc250/v1/items", &m), HS_ENOTFOUND,
           "/svc250 does not exist");
    is_int(test_match(r, "GET", "/svc1/v2/items", &m), HS_ENOTFOUND,
           "/svc1/v2 does not exist");
    is_int(test_match(r, "GET", "/svc", &m), HS_ENOTFOUND, "/svc prefix");
    is_int(test_match(r, "GET", "/svc12/v1/items/7/x", &m), HS_ENOTFOUND,
           "too deep");

    rc = test_match(r, "POST", "/svc17/v1/items/3", &m);
    is_int(rc, HS_EMETHOD, "POST on a scaled route: 405");
    ok(strcmp(m.allow, "GET, HEAD, DELETE") == 0
       || strcmp(m.allow, "DELETE, GET, HEAD") == 0,
       "allow on a scaled route: %s", m.allow);

    rc = test_match(r, "DELETE", "/svc99/v1/items/special", &m);
    is_int(rc, HS_EMETHOD, "DELETE on the literal special: 405");

    hs_router_destroy(r);
}


/* A table of routes, each attached to its own declaration. */
static hs_rc_t
test_add_table(hs_router_t *r, const char *module, const hs_route_t *table,
    size_t n, void *data, hs_error_t *err)
{
    size_t   i;
    hs_rc_t  rc;

    for (i = 0; i < n; i++) {
        rc = hs_router_add_ex(r, module, &table[i], data, (void *) &table[i],
                              err);
        if (rc != HS_OK) {
            return rc;
        }
    }

    return HS_OK;
}


static void
test_add_routes(void)
{
    hs_rc_t            rc;
    hs_error_t         err;
    hs_router_t       *r;
    hs_route_match_t   m;
    test_each_t        t;
    int                data;

    static const hs_route_t  table[] = {
        { "GET", "/calc/v1/ops", "list_ops", "List", test_handler, 0 },
        { "POST", "/calc/v1/add", "add", "Add", test_handler,
          HS_ROUTE_BODY_JSON },
        { "GET", "/calc/v1/ops/{op}", "get_op", "Get", test_handler2, 0 }
    };
    static const hs_route_t  bad_table[] = {
        { "GET", "/calc2/v1/ok", "ok", NULL, test_handler, 0 },
        { "GET", "/calc/v1/ops", "clash", NULL, test_handler, 0 },
        { "GET", "/calc2/v1/never", "never", NULL, test_handler, 0 }
    };

    is_int(hs_nelems(table), 3, "hs_nelems counts a table");

    r = hs_router_create();
    rc = test_add_table(r, "calculator", table, hs_nelems(table), &data,
                        &err);
    is_int(rc, HS_OK, "add_routes with a 3-route table");
    is_int(hs_router_count(r), 3, "3 routes added");

    rc = test_add_table(r, "calculator", table, 0, &data, &err);
    ok(rc == HS_OK && hs_router_count(r) == 3, "an empty table adds nothing");

    rc = test_add_table(r, "other", bad_table, hs_nelems(bad_table), NULL,
                        &err);
    is_int(rc, HS_ERROR, "a clash in the table fails");
    is_str(err.msg, "module \"other\": route GET /calc/v1/ops is already "
           "declared by module \"calculator\" (as /calc/v1/ops)",
           "the failing route's message");
    is_int(hs_router_count(r), 4,
           "routes before the failing one stay, later ones are not added");

    hs_router_freeze(r);

    rc = test_match(r, "POST", "/calc/v1/add", &m);
    ok(rc == HS_OK && m.data == &data, "every route gets the table's data");
    ok(rc == HS_OK && m.op == &table[1], "the match returns the attachment");
    ok(rc == HS_OK && (m.route->flags & HS_ROUTE_BODY_JSON),
       "flags copied from the table");
    is_str(m.route ? m.route->operation_id : NULL, "add",
           "operation_id copied");
    rc = test_match(r, "GET", "/calc/v1/ops/sqrt", &m);
    ok(rc == HS_OK && m.route->handler == test_handler2 && m.data == &data,
       "third route of the table");
    is_int(test_match(r, "GET", "/calc2/v1/never", &m), HS_ENOTFOUND,
           "the route after the failing one was not added");

    memset(&t, 0, sizeof(t));
    hs_router_each(r, test_each_fn, &t);
    is_str(t.text, "calculator GET /calc/v1/ops; calculator POST /calc/v1/add;"
           " calculator GET /calc/v1/ops/{op}; other GET /calc2/v1/ok",
           "table order is declaration order");

    hs_router_destroy(r);
}


int
main(void)
{
    test_matching();
    test_validation();
    test_duplicates();
    test_each_order();
    test_scale();
    test_add_routes();

    return done_testing();
}
