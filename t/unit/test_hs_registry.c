/*
 * The module registry: registration checks, dependency ordering, the
 * lifecycle (init/rest/start/stop/fini), health and announcements.
 */

#include <stdio.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"


/* ------------------------------------------------------------ modules */

/* A module built from a spec: "name" or "name:dep1,dep2". */
typedef struct {
    hs_module_desc_t   desc;
    char               name[80];
    char               dep_names[HS_MODULE_MAX_DEPS + 2][32];
    const char        *deps[HS_MODULE_MAX_DEPS + 2];
} test_mod_t;

static test_mod_t  test_mods[128];
static size_t      test_nmods;

/* the lifecycle log: "init:a rest:a ..." */
static char         test_log[4096];

/* failure injection */
static const char  *test_fail_init;
static const char  *test_fail_rest;
static const char  *test_fail_start;
static const char  *test_fail_start2;
static int          test_fail_msg;      /* set ctx->err on failure */

/* a module's view during init, for the ctx checks */
static hs_module_state_t   test_init_state;
static const hs_log_t     *test_init_log;
static hs_clienthub_t     *test_init_hub;


static void
test_record(const char *what, const hs_module_ctx_t *ctx)
{
    size_t  len;

    len = strlen(test_log);
    snprintf(test_log + len, sizeof(test_log) - len, "%s%s:%s",
             len ? " " : "", what, ctx->desc->name);
}


static int
test_is(const char *fail, const hs_module_ctx_t *ctx)
{
    return fail != NULL && strcmp(fail, ctx->desc->name) == 0;
}


static hs_rc_t
test_init(hs_module_ctx_t *ctx)
{
    test_record("init", ctx);
    test_init_state = ctx->state;
    test_init_log = ctx->log;
    test_init_hub = ctx->hub;

    if (test_is(test_fail_init, ctx)) {
        if (test_fail_msg) {
            hs_error_set(ctx->err, "cannot open %s.db", ctx->desc->name);
        }
        return HS_EINVAL;
    }

    /* fini frees it: ASan reports a missing or a double fini */
    ctx->data = hs_strdup(ctx->desc->name);

    return ctx->data ? HS_OK : HS_ENOMEM;
}


static hs_rc_t
test_handler(hs_call_t *call)
{
    return HS_OK;
}


static const hs_response_t  test_responses[] = {
    { 200, "ok", NULL, NULL },
    { 0, NULL, NULL, NULL }
};

/* Operation declarations must outlive the API: a static pool of them. */
static hs_route_t  test_routes[32];
static char        test_paths[32][96];
static size_t      test_nroutes;


static const hs_route_t *
test_route(const char *path, const char *op)
{
    hs_route_t  *rt;

    rt = &test_routes[test_nroutes % 32];
    snprintf(test_paths[test_nroutes % 32], sizeof(test_paths[0]), "%s",
             path);
    test_nroutes++;

    memset(rt, 0, sizeof(hs_route_t));
    rt->method = "GET";
    rt->path = test_paths[(test_nroutes - 1) % 32];
    rt->operation_id = op;
    rt->summary = "test";
    rt->handler = test_handler;
    rt->responses = test_responses;
    rt->access = "public";

    return rt;
}


static hs_rc_t
test_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    char  path[96];

    test_record("rest", ctx);

    if (test_is(test_fail_rest, ctx)) {
        if (test_fail_msg) {
            hs_error_set(ctx->err, "route clash in %s", ctx->desc->name);
        }
        return HS_ERROR;
    }

    if (api == NULL) {
        return HS_OK;
    }

    snprintf(path, sizeof(path), "/%s", ctx->desc->name);

    return hs_api_add_operations(api, ctx->desc->name,
                                 test_route(path, ctx->desc->name), 1,
                                 ctx->data, ctx->err);
}


static hs_rc_t
test_start(hs_module_ctx_t *ctx)
{
    test_record("start", ctx);

    if (test_is(test_fail_start, ctx) || test_is(test_fail_start2, ctx)) {
        if (test_fail_msg) {
            hs_error_set(ctx->err, "no worker for %s", ctx->desc->name);
        }
        return HS_ERROR;
    }

    return ctx->data != NULL ? HS_OK : HS_ERROR;
}


static void
test_stop(hs_module_ctx_t *ctx)
{
    test_record("stop", ctx);
}


static void
test_fini(hs_module_ctx_t *ctx)
{
    test_record("fini", ctx);
    hs_free(ctx->data);
    ctx->data = NULL;
}


static void
test_reset(void)
{
    test_nmods = 0;
    test_log[0] = '\0';
    test_fail_init = NULL;
    test_fail_rest = NULL;
    test_fail_start = NULL;
    test_fail_start2 = NULL;
    test_fail_msg = 1;
}


/* A descriptor from "name" or "name:dep1,dep2" (no dep: "name:"). */
static hs_module_desc_t *
test_mod(const char *spec)
{
    size_t        n, nd;
    const char   *colon, *p, *e;
    test_mod_t   *m;

    if (test_nmods == sizeof(test_mods) / sizeof(test_mods[0])) {
        return NULL;
    }

    m = &test_mods[test_nmods++];
    memset(m, 0, sizeof(*m));

    colon = strchr(spec, ':');
    n = colon ? (size_t) (colon - spec) : strlen(spec);
    snprintf(m->name, sizeof(m->name), "%.*s", (int) n, spec);

    nd = 0;
    for (p = colon ? colon + 1 : NULL; p && *p; p = *e ? e + 1 : e) {
        e = strchr(p, ',');
        if (e == NULL) {
            e = p + strlen(p);
        }
        if (nd < HS_MODULE_MAX_DEPS + 1) {
            snprintf(m->dep_names[nd], sizeof(m->dep_names[nd]), "%.*s",
                     (int) (e - p), p);
            m->deps[nd] = m->dep_names[nd];
            nd++;
        }
    }
    m->deps[nd] = NULL;

    m->desc.abi = HS_MODULE_ABI;
    m->desc.name = m->name;
    m->desc.version = "1.2.3";
    m->desc.description = "a test module";
    m->desc.deps = nd ? m->deps : NULL;
    m->desc.capabilities = HS_CAP_REST | HS_CAP_WORKER;
    m->desc.init = test_init;
    m->desc.rest = test_rest;
    m->desc.start = test_start;
    m->desc.stop = test_stop;
    m->desc.fini = test_fini;

    return &m->desc;
}


/* Registers every module of "spec1 spec2 ..." (origin ngx_<name>). */
static hs_registry_t *
test_registry(const char *specs, const hs_log_t *log)
{
    char            buf[512], origin[128], *tok, *save;
    hs_error_t      err;
    hs_registry_t  *reg;
    hs_module_desc_t  *d;

    reg = hs_registry_create(log);
    if (reg == NULL) {
        return NULL;
    }

    snprintf(buf, sizeof(buf), "%s", specs);

    for (tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
    {
        d = test_mod(tok);
        if (d == NULL) {
            diag("too many test modules");
            break;
        }

        snprintf(origin, sizeof(origin), "ngx_%s", d->name);
        if (hs_registry_add(reg, d, origin, &err) != HS_OK) {
            diag("registering %s: %s", tok, err.msg);
        }
    }

    return reg;
}


/* The module names in registry order, space separated. */
static const char *
test_order(const hs_registry_t *reg, char *buf, size_t size)
{
    size_t  i, len;

    buf[0] = '\0';
    for (i = 0; i < hs_registry_count(reg); i++) {
        len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", i ? " " : "",
                 hs_registry_module(reg, i)->desc->name);
    }

    return buf;
}


/* Where module name is in the order, or -1. */
static long
test_position(const hs_registry_t *reg, const char *name, size_t len)
{
    size_t       j;
    const char  *n;

    for (j = 0; j < hs_registry_count(reg); j++) {
        n = hs_registry_module(reg, j)->desc->name;
        if (strlen(n) == len && strncmp(n, name, len) == 0) {
            return (long) j;
        }
    }

    return -1;
}


/*
 * 1 when every module comes after all of its dependencies: each loaded
 * alternative of an "a|b" entry, at least one of them loaded.
 */
static int
test_deps_first(const hs_registry_t *reg)
{
    long                at;
    size_t              i, len, loaded;
    const char         *p, *e;
    const char *const  *d;

    for (i = 0; i < hs_registry_count(reg); i++) {
        for (d = hs_registry_module(reg, i)->desc->deps; d && *d; d++) {
            loaded = 0;
            for (p = *d; ; p = e + 1) {
                e = strchr(p, '|');
                len = e ? (size_t) (e - p) : strlen(p);
                at = test_position(reg, p, len);
                if (at >= (long) i) {
                    return 0;
                }
                loaded += at >= 0;
                if (e == NULL) {
                    break;
                }
            }
            if (loaded == 0) {
                return 0;
            }
        }
    }

    return 1;
}


/* ------------------------------------------------------------ tests */

static void
test_order_ok(const char *specs, const char *want, const char *what)
{
    char            buf[512];
    hs_rc_t         rc;
    hs_error_t      err;
    hs_registry_t  *reg;

    test_reset();
    reg = test_registry(specs, NULL);

    err.msg[0] = '\0';
    rc = hs_registry_order(reg, &err);
    if (!is_int(rc, HS_OK, "%s: ordered", what)) {
        diag("%s", err.msg);
    }
    is_str(test_order(reg, buf, sizeof(buf)), want, "%s: order", what);
    ok(test_deps_first(reg), "%s: every module after its dependencies",
       what);

    /* ordering is idempotent */
    rc = hs_registry_order(reg, &err);
    ok(rc == HS_OK && strcmp(test_order(reg, buf, sizeof(buf)), want) == 0,
       "%s: ordering again changes nothing", what);

    hs_registry_destroy(reg);
}


static void
test_order_fails(const char *specs, hs_rc_t want_rc, const char *want,
    const char *what)
{
    char            before[512], after[512];
    hs_rc_t         rc;
    hs_error_t      err;
    hs_registry_t  *reg;

    test_reset();
    reg = test_registry(specs, NULL);

    test_order(reg, before, sizeof(before));
    err.msg[0] = '\0';
    rc = hs_registry_order(reg, &err);
    is_int(rc, want_rc, "%s: rejected", what);
    is_str(err.msg, want, "%s: message", what);
    is_str(test_order(reg, after, sizeof(after)), before,
           "%s: registry order unchanged", what);

    hs_registry_destroy(reg);
}


static void
test_ordering(void)
{
    test_order_ok("", "", "empty registry");
    test_order_ok("solo", "solo", "one module");
    test_order_ok("c a b", "c a b", "independent modules keep their order");
    test_order_ok("a:b b", "b a", "one dependency");
    test_order_ok("a:b b:c c", "c b a", "a chain");
    test_order_ok("c b:c a:b", "c b a", "a chain already in order");
    test_order_ok("top:left,right left:base right:base base",
                  "base left right top", "a diamond");
    test_order_ok("top:right,left left:base right:base base",
                  "base right left top", "dependencies in declared order");
    test_order_ok("x b:c a c", "x c b a", "dependencies pulled forward");
    test_order_ok("p:q r q s:q", "q p r s", "a shared dependency");
    test_order_ok("a b:a c d:c e", "a b c d e",
                  "already ordered stays as is");
    test_order_ok("gw:calc,auth calc:db auth:db db log",
                  "db calc auth gw log", "a realistic graph");
    test_order_ok("z:y y:x x:w w:v v:u u", "u v w x y z", "a long chain");
    test_order_ok("m:a,b,c,a c b a", "a b c m", "a repeated dependency");
    test_order_ok("gw:p1|p2 p2 p1", "p1 p2 gw",
                  "alternatives: every loaded one first, in declared order");
    test_order_ok("gw:p1|p2 p2", "p2 gw", "alternatives: one is enough");
    test_order_ok("gw:p1|p2|p3 x p1:x", "x p1 gw",
                  "alternatives: the first one only");
    test_order_ok("gw:p1|p2,db db p2:db", "db p2 gw",
                  "alternatives beside a plain dependency");

    test_order_fails("a:ghost b", HS_ENOTFOUND,
                     "hyperspot module \"a\" depends on \"ghost\", which is "
                     "not loaded (add its load_module line)",
                     "missing dependency");
    test_order_fails("a b:c c:a,zzz", HS_ENOTFOUND,
                     "hyperspot module \"c\" depends on \"zzz\", which is "
                     "not loaded (add its load_module line)",
                     "missing dependency deeper down");
    test_order_fails("gw:p1|p2|p3 x", HS_ENOTFOUND,
                     "hyperspot module \"gw\" depends on \"p1\", which is "
                     "not loaded, nor is any alternative (\"p2\", \"p3\"): "
                     "add a load_module line for one of them",
                     "no alternative loaded");
    test_order_fails("gw:p1|p2 p2:gw", HS_ERROR,
                     "hyperspot module dependency cycle: gw -> p2 -> gw",
                     "a cycle through an alternative");
    test_order_fails("a:b b:a", HS_ERROR,
                     "hyperspot module dependency cycle: a -> b -> a",
                     "2-module cycle");
    test_order_fails("a:b b:c c:a", HS_ERROR,
                     "hyperspot module dependency cycle: a -> b -> c -> a",
                     "3-module cycle");
    test_order_fails("a:a", HS_ERROR,
                     "hyperspot module dependency cycle: a -> a",
                     "self-dependency");
    test_order_fails("x a:b b:c c:b", HS_ERROR,
                     "hyperspot module dependency cycle: b -> c -> b",
                     "the chain starts where the cycle starts");
    test_order_fails("ok1 ok2:ok1 p:q q:r r:s s:q", HS_ERROR,
                     "hyperspot module dependency cycle: q -> r -> s -> q",
                     "a cycle after ordered modules");
}


static void
test_add_fails(hs_module_desc_t *d, const char *origin, hs_rc_t want_rc,
    const char *want, const char *what)
{
    hs_rc_t         rc;
    hs_error_t      err;
    hs_registry_t  *reg;

    reg = hs_registry_create(NULL);
    err.msg[0] = '\0';
    rc = hs_registry_add(reg, d, origin, &err);
    is_int(rc, want_rc, "%s: rejected", what);
    like_str(err.msg, want, "%s: message", what);
    is_int(hs_registry_count(reg), 0, "%s: not registered", what);
    hs_registry_destroy(reg);
}


static void
test_add_ok(hs_module_desc_t *d, const char *what)
{
    hs_rc_t         rc;
    hs_error_t      err;
    hs_registry_t  *reg;

    reg = hs_registry_create(NULL);
    rc = hs_registry_add(reg, d, "origin", &err);
    if (!is_int(rc, HS_OK, "%s: accepted", what)) {
        diag("%s", err.msg);
    }
    hs_registry_destroy(reg);
}


static void
test_registration(void)
{
    size_t             i;
    char               name[80], want[256];
    hs_rc_t            rc;
    hs_error_t         err;
    hs_registry_t     *reg;
    hs_module_desc_t  *d, *d2;

    static const char *const  bad_names[] = {
        "", "A", "Calc", "1calc", "_calc", "calc-v2", "calc v2", "calc.v2",
        "cälc"
    };
    static const char *const  good_names[] = {
        "a", "calc", "calc_v2", "a1", "users_info", "z_"
    };
    static const char *const  bad_versions[] = {
        "", "1", "1.2", "1.2.", ".1.2", "1..2", "a.b.c", "1.2.3.4",
        "v1.2.3", "1.2.x", "1 .2.3", "-1.2.3", "1.2.-3"
    };
    static const char *const  good_versions[] = {
        "0.0.0", "1.2.3", "10.20.30", "1.2.3-rc.1", "1.2.3+build.5",
        "1.0.0-alpha+001"
    };

    test_reset();

    /* ABI */
    d = test_mod("calc");
    d->abi = HS_MODULE_ABI + 1;
    snprintf(want, sizeof(want), "hyperspot module \"calc\" "
             "(ngx_http_hs_calc_module) was built for module ABI %u, the "
             "core speaks ABI %u: rebuild it", HS_MODULE_ABI + 1,
             HS_MODULE_ABI);
    test_add_fails(d, "ngx_http_hs_calc_module", HS_EVERSION, want,
                   "ABI mismatch");
    d->abi = 0;
    test_add_fails(d, "o", HS_EVERSION, "was built for module ABI 0",
                   "ABI 0");

    /* names */
    for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        d = test_mod("x");
        d->name = bad_names[i];
        snprintf(want, sizeof(want), "hyperspot module in ngx_bad has an "
                 "invalid name \"%s\" (lower-case letters, digits and '_', "
                 "at most 64)", bad_names[i]);
        test_add_fails(d, "ngx_bad", HS_EINVAL, want, bad_names[i]);
    }

    d = test_mod("x");
    d->name = NULL;
    test_add_fails(d, "ngx_null", HS_EINVAL,
                   "hyperspot module in ngx_null has an invalid name \"\"",
                   "NULL name");

    memset(name, 'a', 65);
    name[65] = '\0';
    d = test_mod("x");
    d->name = name;
    test_add_fails(d, "o", HS_EINVAL, "has an invalid name", "65 characters");

    for (i = 0; i < sizeof(good_names) / sizeof(good_names[0]); i++) {
        d = test_mod("x");
        d->name = good_names[i];
        test_add_ok(d, good_names[i]);
    }

    name[64] = '\0';
    d = test_mod("x");
    d->name = name;
    test_add_ok(d, "64 characters");

    /* versions */
    for (i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]); i++) {
        d = test_mod("calc");
        d->version = bad_versions[i];
        snprintf(want, sizeof(want), "hyperspot module \"calc\" has an "
                 "invalid version \"%s\" (expected MAJOR.MINOR.PATCH)",
                 bad_versions[i]);
        snprintf(name, sizeof(name), "version \"%s\"", bad_versions[i]);
        test_add_fails(d, "o", HS_EINVAL, want, name);
    }

    d = test_mod("calc");
    d->version = NULL;
    test_add_fails(d, "o", HS_EINVAL, "has an invalid version \"\"",
                   "NULL version");

    for (i = 0; i < sizeof(good_versions) / sizeof(good_versions[0]); i++) {
        d = test_mod("calc");
        d->version = good_versions[i];
        test_add_ok(d, good_versions[i]);
    }

    /* capabilities must match the callbacks */
    d = test_mod("caps");
    d->capabilities |= 0x10;
    test_add_fails(d, "o", HS_EINVAL, "hyperspot module \"caps\" declares "
                   "unknown capabilities 0x10", "unknown capability bit");
    d->capabilities = HS_CAP_REST | HS_CAP_WORKER | 0x80000000u;
    test_add_fails(d, "o", HS_EINVAL, "unknown capabilities 0x80000000",
                   "high unknown capability bit");

    d = test_mod("caps");
    d->capabilities = HS_CAP_WORKER;
    test_add_fails(d, "o", HS_EINVAL, "hyperspot module \"caps\" has a rest "
                   "callback but does not declare HS_CAP_REST",
                   "rest callback without HS_CAP_REST");

    d = test_mod("caps");
    d->rest = NULL;
    test_add_fails(d, "o", HS_EINVAL, "hyperspot module \"caps\" declares "
                   "HS_CAP_REST without a rest callback",
                   "HS_CAP_REST without a rest callback");

    d = test_mod("caps");
    d->capabilities = HS_CAP_REST;
    test_add_fails(d, "o", HS_EINVAL, "hyperspot module \"caps\" has "
                   "start/stop callbacks but does not declare HS_CAP_WORKER",
                   "start and stop without HS_CAP_WORKER");
    d->start = NULL;
    test_add_fails(d, "o", HS_EINVAL, "does not declare HS_CAP_WORKER",
                   "stop alone without HS_CAP_WORKER");
    d->start = test_start;
    d->stop = NULL;
    test_add_fails(d, "o", HS_EINVAL, "does not declare HS_CAP_WORKER",
                   "start alone without HS_CAP_WORKER");

    d = test_mod("caps");
    d->start = NULL;
    d->stop = NULL;
    test_add_ok(d, "HS_CAP_WORKER without start/stop");

    d = test_mod("caps");
    d->capabilities |= HS_CAP_CLIENT | HS_CAP_DB;
    test_add_ok(d, "every known capability");

    {
        static const hs_config_field_t  f[] = {
            { "x", HS_CFG_INT, 0, "1", 0, 0, NULL },
            HS_CONFIG_FIELD_END
        };

        d = test_mod("caps");
        d->config = f;
        test_add_fails(d, "o", HS_EINVAL, "hyperspot module \"caps\" "
                       "declares settings without a config struct size",
                       "settings without a struct size");

        d = test_mod("caps");
        d->config_size = 8;
        test_add_fails(d, "o", HS_EINVAL, "hyperspot module \"caps\" "
                       "declares a config struct without settings",
                       "a struct size without settings");

        d = test_mod("caps");
        d->config = f;
        d->config_size = sizeof(int64_t);
        test_add_ok(d, "settings with a struct size");
    }

    /* too many dependencies */
    d = test_mod("big:d1,d2,d3,d4,d5,d6,d7,d8,d9,d10,d11,d12,d13,d14,d15,"
                 "d16,d17");
    test_add_fails(d, "o", HS_EINVAL, "hyperspot module \"big\" declares 17 "
                   "dependencies, at most 16 are allowed", "17 dependencies");
    d = test_mod("big:d1,d2,d3,d4,d5,d6,d7,d8,d9,d10,d11,d12,d13,d14,d15,"
                 "d16");
    test_add_ok(d, "16 dependencies");

    /* duplicates */
    reg = hs_registry_create(NULL);
    d = test_mod("calculator");
    d2 = test_mod("calculator");
    rc = hs_registry_add(reg, d, "ngx_http_hs_calculator_module", &err);
    is_int(rc, HS_OK, "first calculator");
    rc = hs_registry_add(reg, d2, "ngx_http_hs_calc_fork_module", &err);
    is_int(rc, HS_EEXIST, "a second module named calculator");
    is_str(err.msg, "two hyperspot modules are named \"calculator\": "
           "ngx_http_hs_calculator_module and ngx_http_hs_calc_fork_module",
           "duplicate names both origins");
    rc = hs_registry_add(reg, d, "ngx_http_hs_calculator_module", &err);
    is_int(rc, HS_EEXIST, "the same descriptor twice");
    is_int(hs_registry_count(reg), 1, "one module registered");

    /* many registrations (the table grows) */
    for (i = 0; i < 20; i++) {
        char  spec[16];

        snprintf(spec, sizeof(spec), "m%zu", i);
        d = test_mod(spec);
        rc = hs_registry_add(reg, d, "o", &err);
        if (rc != HS_OK) {
            break;
        }
    }
    is_int(hs_registry_count(reg), 21, "21 modules registered");
    is_str(hs_registry_module(reg, 0)->desc->name, "calculator",
           "registration order kept (first)");
    is_str(hs_registry_module(reg, 20)->desc->name, "m19",
           "registration order kept (last)");
    ok(hs_registry_module(reg, 21) == NULL, "module(count) is NULL");
    ok(hs_registry_find(reg, "m7") == hs_registry_module(reg, 8),
       "find returns the module's ctx");
    ok(hs_registry_find(reg, "m") == NULL, "find needs the exact name");
    ok(hs_registry_find(reg, "M7") == NULL, "find is case-sensitive");
    is_int(hs_registry_module(reg, 3)->state, HS_MODULE_REGISTERED,
           "new modules are registered");
    ok(hs_registry_hub(reg) != NULL, "the registry has a hub");
    ok(hs_registry_module(reg, 3)->hub == hs_registry_hub(reg),
       "modules share the registry's hub");
    hs_registry_destroy(reg);

    hs_registry_destroy(NULL);
    ok(1, "destroy(NULL) is a no-op");
}


static void
test_log_write(void *data, hs_log_level_t level, const char *msg)
{
}


static const hs_log_t  test_logger = { test_log_write, NULL };


static void
test_lifecycle(void)
{
    char             buf[256];
    size_t           i;
    hs_rc_t          rc;
    hs_error_t       err;
    hs_api_t        *router;
    hs_registry_t   *reg;
    hs_module_ctx_t *a;

    test_reset();
    reg = test_registry("a:b b c", &test_logger);
    rc = hs_registry_order(reg, &err);
    is_str(test_order(reg, buf, sizeof(buf)), "b a c", "lifecycle order");
    rc = hs_registry_configure(reg, NULL, NULL, NULL, &err);
    is_int(rc, HS_OK, "configure modules without settings");

    router = hs_api_create();
    rc = hs_registry_init(reg, router, &err);
    if (!is_int(rc, HS_OK, "init")) {
        diag("%s", err.msg);
    }
    is_str(test_log, "init:b init:a init:c rest:b rest:a rest:c",
           "init in order, then rest in order");
    is_int(test_init_state, HS_MODULE_CONFIGURED,
           "init sees the configured state");
    ok(test_init_log == &test_logger, "ctx->log is the registry's log");
    ok(test_init_hub == hs_registry_hub(reg), "ctx->hub is the hub");
    is_int(hs_router_count(hs_api_router(router)), 3, "rest registered 3 routes");

    a = hs_registry_find(reg, "a");
    is_str(a ? a->data : NULL, "a", "ctx->data kept after init");
    ok(a != NULL && a->config == NULL, "no config struct without fields");

    for (i = 0; i < 3; i++) {
        is_int(hs_registry_module(reg, i)->state, HS_MODULE_INITIALIZED,
               "module %zu initialized", i);
    }

    test_log[0] = '\0';
    rc = hs_registry_start(reg, &err);
    is_int(rc, HS_OK, "start");
    is_str(test_log, "start:b start:a start:c", "start in order");
    for (i = 0; i < 3; i++) {
        is_int(hs_registry_module(reg, i)->state, HS_MODULE_RUNNING,
               "module %zu running", i);
    }

    test_log[0] = '\0';
    rc = hs_registry_start(reg, &err);
    is_int(rc, HS_OK, "start again");
    is_str(test_log, "", "running modules are not started twice");

    test_log[0] = '\0';
    hs_registry_stop(reg);
    is_str(test_log, "stop:c stop:a stop:b", "stop in reverse order");
    for (i = 0; i < 3; i++) {
        is_int(hs_registry_module(reg, i)->state, HS_MODULE_STOPPED,
               "module %zu stopped", i);
    }

    test_log[0] = '\0';
    hs_registry_stop(reg);
    is_str(test_log, "", "stopped modules are not stopped twice");

    test_log[0] = '\0';
    hs_registry_destroy(reg);
    is_str(test_log, "fini:c fini:a fini:b", "fini in reverse order");

    hs_api_destroy(router);

    /* modules without callbacks */
    {
        hs_module_desc_t  *d;

        test_reset();
        reg = hs_registry_create(NULL);
        d = test_mod("bare");
        d->init = NULL;
        d->rest = NULL;
        d->start = NULL;
        d->stop = NULL;
        d->fini = NULL;
        d->capabilities = 0;
        rc = hs_registry_add(reg, d, "o", &err);
        is_int(rc, HS_OK, "a module without callbacks or capabilities");
        rc = hs_registry_init(reg, NULL, &err);
        is_int(rc, HS_OK, "init without callbacks");
        rc = hs_registry_start(reg, &err);
        is_int(rc, HS_OK, "start without callbacks");
        is_int(hs_registry_module(reg, 0)->state, HS_MODULE_RUNNING,
               "running without callbacks");
        hs_registry_stop(reg);
        is_int(hs_registry_module(reg, 0)->state, HS_MODULE_STOPPED,
               "stopped without callbacks");
        hs_registry_destroy(reg);
        is_str(test_log, "", "nothing called");
    }

    /* a registry that was never initialized runs no fini */
    test_reset();
    reg = test_registry("a b", NULL);
    hs_registry_destroy(reg);
    is_str(test_log, "", "no init, no fini");
}


static void
test_init_failures(void)
{
    hs_rc_t           rc;
    hs_error_t        err;
    hs_api_t         *router;
    hs_registry_t    *reg;

    /* the second module fails: only the first is finalized */
    test_reset();
    test_fail_init = "a";
    reg = test_registry("a:b b c", NULL);
    hs_registry_order(reg, &err);
    rc = hs_registry_init(reg, NULL, &err);
    is_int(rc, HS_EINVAL, "init failure returns init's code");
    is_str(err.msg, "hyperspot module \"a\" failed to initialize: cannot "
           "open a.db", "message names the module and its ctx->err");
    is_str(test_log, "init:b init:a fini:b",
           "fini only for the initialized module");
    is_int(hs_registry_find(reg, "a")->state, HS_MODULE_FAILED,
           "the failing module is failed");
    ok(hs_registry_find(reg, "c")->state != HS_MODULE_INITIALIZED
       && hs_registry_find(reg, "c")->state != HS_MODULE_FAILED,
       "the module after it was not touched");
    ok(hs_registry_find(reg, "b")->data == NULL,
       "the finalized module's data is cleared");
    test_log[0] = '\0';
    hs_registry_destroy(reg);
    is_str(test_log, "", "destroy after a failed init runs no fini again");

    /* the first module fails: nothing to finalize */
    test_reset();
    test_fail_init = "first";
    test_fail_msg = 0;
    reg = test_registry("first second", NULL);
    rc = hs_registry_init(reg, NULL, &err);
    is_int(rc, HS_EINVAL, "first module fails");
    is_str(err.msg, "hyperspot module \"first\" failed to initialize: init "
           "returned an error", "default message without ctx->err");
    is_str(test_log, "init:first", "no fini at all");
    hs_registry_destroy(reg);

    /* the last of four fails: three finalized in reverse */
    test_reset();
    test_fail_init = "d";
    reg = test_registry("a b c d", NULL);
    rc = hs_registry_init(reg, NULL, &err);
    is_int(rc, HS_EINVAL, "last module fails");
    is_str(test_log, "init:a init:b init:c init:d fini:c fini:b fini:a",
           "three finalized in reverse order");
    hs_registry_destroy(reg);

    /* rest failure: every module was initialized, all are finalized */
    test_reset();
    test_fail_rest = "b";
    reg = test_registry("a b c", NULL);
    router = hs_api_create();
    rc = hs_registry_init(reg, router, &err);
    is_int(rc, HS_ERROR, "rest failure");
    is_str(err.msg, "hyperspot module \"b\" failed to register its REST "
           "operations: route clash in b", "rest failure message");
    is_str(test_log, "init:a init:b init:c rest:a rest:b fini:c fini:b "
           "fini:a", "rest failure finalizes every module");
    is_int(hs_registry_find(reg, "b")->state, HS_MODULE_FAILED,
           "the module whose rest failed is failed");
    test_log[0] = '\0';
    hs_registry_destroy(reg);
    is_str(test_log, "", "no second fini after a rest failure");
    hs_api_destroy(router);

    test_reset();
    test_fail_rest = "a";
    test_fail_msg = 0;
    reg = test_registry("a", NULL);
    rc = hs_registry_init(reg, NULL, &err);
    is_str(err.msg, "hyperspot module \"a\" failed to register its REST "
           "operations: rest returned an error", "rest default message");
    hs_registry_destroy(reg);

    /* a route clash between modules fails rest with the router message */
    test_reset();
    {
        hs_module_desc_t  *d;

        reg = hs_registry_create(NULL);
        router = hs_api_create();
        d = test_mod("dup");
        hs_registry_add(reg, d, "o1", &err);
        hs_api_add_operations(router, "early", test_route("/dup", "early"),
                              1, NULL, &err);
        rc = hs_registry_init(reg, router, &err);
        is_int(rc, HS_ERROR, "a duplicate route fails rest");
        is_str(err.msg, "hyperspot module \"dup\" failed to register its "
               "REST operations: module \"dup\": route GET /dup is already "
               "declared by module \"early\" (as /dup)",
               "the router's message reaches the operator");
        hs_registry_destroy(reg);
        hs_api_destroy(router);
    }
}


static void
test_start_failures(void)
{
    hs_rc_t          rc;
    hs_error_t       err;
    json_t          *h;
    hs_registry_t   *reg;

    test_reset();
    test_fail_start = "b";
    test_fail_start2 = "c";
    reg = test_registry("a b c d", NULL);
    hs_registry_init(reg, NULL, &err);

    test_log[0] = '\0';
    rc = hs_registry_start(reg, &err);
    is_int(rc, HS_ERROR, "start failure");
    is_str(err.msg, "hyperspot module \"b\" failed to start: no worker for b",
           "the first failure is reported");
    is_str(test_log, "start:a start:b start:c start:d",
           "the others still start");
    is_int(hs_registry_find(reg, "a")->state, HS_MODULE_RUNNING, "a runs");
    is_int(hs_registry_find(reg, "b")->state, HS_MODULE_FAILED, "b failed");
    is_int(hs_registry_find(reg, "c")->state, HS_MODULE_FAILED, "c failed");
    is_int(hs_registry_find(reg, "d")->state, HS_MODULE_RUNNING, "d runs");

    h = hs_registry_health(reg, 0);
    is_str(json_string_value(json_object_get(h, "status")), "unhealthy",
           "unhealthy with a failed module");
    is_str(json_string_value(json_object_get(json_array_get(
               json_object_get(h, "modules"), 1), "state")), "failed",
           "health shows the failed state");
    json_decref(h);

    test_log[0] = '\0';
    hs_registry_stop(reg);
    is_str(test_log, "stop:d stop:a", "only running modules are stopped");

    test_log[0] = '\0';
    hs_registry_destroy(reg);
    is_str(test_log, "fini:d fini:c fini:b fini:a",
           "fini for every initialized module, failed starts included");

    test_reset();
    test_fail_start = "a";
    test_fail_msg = 0;
    reg = test_registry("a", NULL);
    hs_registry_init(reg, NULL, &err);
    rc = hs_registry_start(reg, &err);
    is_str(err.msg, "hyperspot module \"a\" failed to start: start returned "
           "an error", "start default message");
    hs_registry_destroy(reg);

    /* start before init starts nothing */
    test_reset();
    reg = test_registry("a", NULL);
    rc = hs_registry_start(reg, &err);
    is_int(rc, HS_OK, "start before init");
    is_str(test_log, "", "nothing started before init");
    hs_registry_destroy(reg);
}


static void
test_states_and_health(void)
{
    char            *s;
    size_t           i;
    json_t          *h, *mods, *m;
    hs_error_t       err;
    hs_registry_t   *reg;

    is_str(hs_module_state_name(HS_MODULE_REGISTERED), "registered",
           "state name registered");
    is_str(hs_module_state_name(HS_MODULE_CONFIGURED), "configured",
           "state name configured");
    is_str(hs_module_state_name(HS_MODULE_INITIALIZED), "initialized",
           "state name initialized");
    is_str(hs_module_state_name(HS_MODULE_RUNNING), "running",
           "state name running");
    is_str(hs_module_state_name(HS_MODULE_STOPPED), "stopped",
           "state name stopped");
    is_str(hs_module_state_name(HS_MODULE_FAILED), "failed",
           "state name failed");
    is_str(hs_module_state_name((hs_module_state_t) 99), "failed",
           "unknown state name");

    /* an empty registry is healthy */
    reg = hs_registry_create(NULL);
    h = hs_registry_health(reg, 0);
    is_str(json_string_value(json_object_get(h, "status")), "healthy",
           "no modules: healthy");
    is_str(json_string_value(json_object_get(h, "timestamp")),
           "1970-01-01T00:00:00Z", "timestamp of 0");
    is_int(json_array_size(json_object_get(h, "modules")), 0,
           "no modules listed");
    json_decref(h);
    hs_registry_destroy(reg);

    test_reset();
    reg = test_registry("web:core core", NULL);
    test_mods[1].desc.version = "2.0.1-beta";
    test_mods[1].desc.capabilities = HS_CAP_DB | HS_CAP_WORKER | HS_CAP_REST
                                     | HS_CAP_CLIENT;
    hs_registry_order(reg, &err);

    h = hs_registry_health(reg, 1700000000);
    is_str(json_string_value(json_object_get(h, "status")), "unhealthy",
           "registered modules: unhealthy");
    is_str(json_string_value(json_object_get(h, "timestamp")),
           "2023-11-14T22:13:20Z", "timestamp in UTC, ISO 8601");
    json_decref(h);

    hs_registry_init(reg, NULL, &err);
    h = hs_registry_health(reg, 0);
    is_str(json_string_value(json_object_get(h, "status")), "unhealthy",
           "initialized but not started: unhealthy");
    json_decref(h);

    hs_registry_start(reg, &err);
    h = hs_registry_health(reg, 86399);
    is_str(json_string_value(json_object_get(h, "status")), "healthy",
           "all running: healthy");
    is_str(json_string_value(json_object_get(h, "timestamp")),
           "1970-01-01T23:59:59Z", "timestamp 86399");
    is_int(json_object_size(h), 3, "status, timestamp, modules");

    mods = json_object_get(h, "modules");
    is_int(json_array_size(mods), 2, "two modules listed");
    m = json_array_get(mods, 0);
    is_str(json_string_value(json_object_get(m, "name")), "core",
           "modules listed in order (core first)");
    is_str(json_string_value(json_object_get(m, "version")), "2.0.1-beta",
           "module version");
    is_str(json_string_value(json_object_get(m, "state")), "running",
           "module state");
    is_int(json_object_size(m), 4, "name, version, state, capabilities");
    m = json_array_get(mods, 1);
    is_str(json_string_value(json_object_get(m, "name")), "web",
           "second module");
    is_str(json_string_value(json_object_get(m, "version")), "1.2.3",
           "second version");

    s = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
    is_str(s, "{\"status\":\"healthy\",\"timestamp\":\"1970-01-01T23:59:59Z\","
           "\"modules\":[{\"name\":\"core\",\"version\":\"2.0.1-beta\","
           "\"state\":\"running\",\"capabilities\":[\"rest\",\"client\","
           "\"worker\",\"db\"]},{\"name\":\"web\",\"version\":\"1.2.3\","
           "\"state\":\"running\",\"capabilities\":[\"rest\",\"worker\"]}]}",
           "the whole health document");
    free(s);
    json_decref(h);

    hs_registry_stop(reg);
    h = hs_registry_health(reg, 0);
    is_str(json_string_value(json_object_get(h, "status")), "unhealthy",
           "stopped: unhealthy");
    mods = json_object_get(h, "modules");
    for (i = 0; i < json_array_size(mods); i++) {
        is_str(json_string_value(json_object_get(json_array_get(mods, i),
                                                 "state")),
               "stopped", "module %zu stopped in health", i);
    }
    json_decref(h);

    hs_registry_destroy(reg);
}


/* A dependency publishes a client in init, its dependent resolves it. */

typedef struct {
    int  (*answer)(void);
} test_api_t;


static int
test_answer(void)
{
    return 42;
}


static const test_api_t  test_api = { test_answer };
static int               test_resolved_answer;


static hs_rc_t
test_pub_init(hs_module_ctx_t *ctx)
{
    return hs_clienthub_publish(ctx->hub, ctx->desc->name, "hs.test.api", 1,
                                0, NULL, &test_api, sizeof(test_api),
                                ctx->err);
}


static hs_rc_t
test_use_init(hs_module_ctx_t *ctx)
{
    hs_rc_t            rc;
    const void        *p;
    const test_api_t  *api;

    rc = hs_clienthub_resolve(ctx->hub, ctx->desc->name, "hs.test.api", 1, 0,
                              NULL, sizeof(test_api_t), &p, ctx->err);
    if (rc != HS_OK) {
        return rc;
    }

    api = p;
    test_resolved_answer = api->answer();

    return HS_OK;
}


static void
test_clients_in_init(void)
{
    hs_rc_t            rc;
    hs_error_t         err;
    hs_registry_t     *reg;
    hs_module_desc_t  *pub, *use;

    test_reset();
    reg = hs_registry_create(NULL);
    use = test_mod("consumer:provider");
    pub = test_mod("provider");
    use->init = test_use_init;
    use->fini = NULL;
    pub->init = test_pub_init;
    pub->fini = NULL;

    hs_registry_add(reg, use, "o", &err);
    hs_registry_add(reg, pub, "o", &err);

    rc = hs_registry_order(reg, &err);
    is_int(rc, HS_OK, "provider ordered first");
    rc = hs_registry_init(reg, NULL, &err);
    if (!is_int(rc, HS_OK, "consumer resolves what its dependency "
                "published")) {
        diag("%s", err.msg);
    }
    is_int(test_resolved_answer, 42, "call through the resolved client");
    hs_registry_destroy(reg);

    /* without ordering the consumer runs first and fails */
    test_reset();
    reg = hs_registry_create(NULL);
    use = test_mod("consumer:provider");
    pub = test_mod("provider");
    use->init = test_use_init;
    pub->init = test_pub_init;
    pub->fini = NULL;
    hs_registry_add(reg, use, "o", &err);
    hs_registry_add(reg, pub, "o", &err);
    rc = hs_registry_init(reg, NULL, &err);
    is_int(rc, HS_ENOTFOUND, "unordered: resolve fails");
    is_str(err.msg, "hyperspot module \"consumer\" failed to initialize: "
           "module \"consumer\" requires client \"hs.test.api\" v1.0, which "
           "no loaded module publishes", "resolve error as init message");
    hs_registry_destroy(reg);
}


/* A module with typed config gets it in ctx->config. */

typedef struct {
    int64_t   precision;
    char     *mode;
} test_calc_cfg_t;

static const hs_config_field_t  test_calc_fields[] = {
    { "precision", HS_CFG_INT, offsetof(test_calc_cfg_t, precision), "3", 0,
      12, NULL },
    { "mode", HS_CFG_STRING, offsetof(test_calc_cfg_t, mode), "fast", 0, 0,
      NULL },
    HS_CONFIG_FIELD_END
};

static int64_t  test_seen_precision;


static hs_rc_t
test_calc_init(hs_module_ctx_t *ctx)
{
    const test_calc_cfg_t  *cfg = ctx->config;

    test_seen_precision = cfg ? cfg->precision : -1;

    return HS_OK;
}


static void
test_config_in_init(void)
{
    hs_rc_t            rc;
    hs_error_t         err;
    hs_registry_t     *reg;
    hs_yaml_doc_t     *doc;
    hs_module_desc_t  *d;

    static const char  yaml[] =
        "modules:\n  calc:\n    config:\n      precision: 9\n"
        "      mode: exact\n";

    test_reset();
    reg = hs_registry_create(NULL);
    d = test_mod("calc");
    d->config = test_calc_fields;
    d->config_size = sizeof(test_calc_cfg_t);
    d->init = test_calc_init;
    d->fini = NULL;
    hs_registry_add(reg, d, "o", &err);

    doc = hs_yaml_load_string(yaml, sizeof(yaml) - 1, "hs.yaml", &err);
    rc = hs_registry_configure(reg, doc, NULL, NULL, &err);
    hs_yaml_free(doc);
    if (!is_int(rc, HS_OK, "configure calc")) {
        diag("%s", err.msg);
    }
    is_int(hs_registry_find(reg, "calc")->state, HS_MODULE_CONFIGURED,
           "calc configured");
    is_str(((const test_calc_cfg_t *)
            hs_registry_find(reg, "calc")->config)->mode, "exact",
           "string setting reaches ctx->config");

    rc = hs_registry_init(reg, NULL, &err);
    is_int(rc, HS_OK, "init calc");
    is_int(test_seen_precision, 9, "init sees the typed config");

    hs_registry_destroy(reg);       /* frees "exact" (ASan checks) */
}


/* ------------------------------------------------------------ announce */

static void
test_announcements(void)
{
    int                        cycle1, cycle2;
    size_t                     n, i;
    hs_rc_t                    rc;
    hs_error_t                 err;
    const char               **origins;
    hs_module_desc_t          *a, *b;
    const hs_module_desc_t   **descs;

    test_reset();
    a = test_mod("alpha");
    b = test_mod("beta");

    /* before any window is open */
    rc = hs_announce(&cycle1, a, "ngx_http_hs_alpha_module", &err);
    is_int(rc, HS_ERROR, "announce before the core opened a window");
    is_str(err.msg, "hyperspot module \"alpha\" (ngx_http_hs_alpha_module) "
           "is loaded before the core module ngx_http_hyperspot_module, or "
           "the core is not loaded: put the core's load_module line first",
           "loaded-before-the-core message");

    hs_announce_open(&cycle1);
    rc = hs_announce(&cycle1, a, "ngx_http_hs_alpha_module", &err);
    is_int(rc, HS_OK, "announce alpha");
    rc = hs_announce(&cycle1, b, "ngx_http_hs_beta_module", &err);
    is_int(rc, HS_OK, "announce beta");

    rc = hs_announce(&cycle2, b, "ngx_http_hs_beta_module", &err);
    is_int(rc, HS_ERROR, "announce with another cycle");
    like_str(err.msg, "hyperspot module \"beta\" (ngx_http_hs_beta_module) "
             "is loaded before the core", "other cycle message");

    rc = hs_announce(NULL, b, "ngx_http_hs_beta_module", &err);
    is_int(rc, HS_ERROR, "announce with a NULL cycle");
    like_str(err.msg, "\"beta\" (ngx_http_hs_beta_module) is loaded before "
             "the core", "NULL cycle message");

    n = hs_announce_take(&cycle2, &descs, &origins);
    is_int(n, 0, "take with another cycle: nothing");
    ok(descs == NULL && origins == NULL, "take with another cycle: NULLs");

    n = hs_announce_take(&cycle1, &descs, &origins);
    is_int(n, 2, "take: two announced");
    ok(n == 2 && descs[0] == a && descs[1] == b, "descriptors in order");
    ok(n == 2 && strcmp(origins[0], "ngx_http_hs_alpha_module") == 0
       && strcmp(origins[1], "ngx_http_hs_beta_module") == 0,
       "origins in order");

    /* the window is closed after take */
    rc = hs_announce(&cycle1, a, "late", &err);
    is_int(rc, HS_ERROR, "announce after take");
    like_str(err.msg, "is loaded before the core", "closed window message");
    n = hs_announce_take(&cycle1, &descs, &origins);
    is_int(n, 0, "take twice: nothing");

    /* a new cycle starts from zero; many announcements */
    hs_announce_open(&cycle2);
    for (i = 0; i < 40; i++) {
        rc = hs_announce(&cycle2, i % 2 ? b : a, i % 2 ? "odd" : "even",
                         &err);
        if (rc != HS_OK) {
            break;
        }
    }
    is_int(i, 40, "40 announcements");
    n = hs_announce_take(&cycle2, &descs, &origins);
    is_int(n, 40, "take: 40");
    ok(n == 40 && descs[0] == a && descs[39] == b
       && strcmp(origins[38], "even") == 0, "40 in order");

    /* reopening forgets what was not taken */
    hs_announce_open(&cycle1);
    hs_announce(&cycle1, a, "first", &err);
    hs_announce_open(&cycle1);
    hs_announce(&cycle1, b, "second", &err);
    n = hs_announce_take(&cycle1, &descs, &origins);
    ok(n == 1 && descs[0] == b && strcmp(origins[0], "second") == 0,
       "open resets the list");

    /* the announced modules register like any other */
    {
        hs_registry_t  *reg;

        hs_announce_open(&cycle2);
        hs_announce(&cycle2, b, "ngx_b", &err);
        hs_announce(&cycle2, a, "ngx_a", &err);
        n = hs_announce_take(&cycle2, &descs, &origins);

        reg = hs_registry_create(NULL);
        for (i = 0; i < n; i++) {
            rc = hs_registry_add(reg, descs[i], origins[i], &err);
            if (rc != HS_OK) {
                break;
            }
        }
        is_int(hs_registry_count(reg), 2, "announced modules registered");
        rc = hs_registry_add(reg, descs[0], "ngx_b_again", &err);
        is_str(err.msg, "two hyperspot modules are named \"beta\": ngx_b and "
               "ngx_b_again", "origins from the announcement");
        hs_registry_destroy(reg);
    }
}


int
main(void)
{
    test_ordering();
    test_registration();
    test_lifecycle();
    test_init_failures();
    test_start_failures();
    test_states_and_health();
    test_clients_in_init();
    test_config_in_init();
    test_announcements();

    return done_testing();
}
