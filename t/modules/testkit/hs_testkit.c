/*
 * testkit: a HyperSpot module used only by the integration tests. It
 * exercises what the example modules do not: slow handlers, failing
 * handlers, path parameters, every config type, lifecycle callbacks.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hs_modkit.h>

#include "hs_calculator_api.h"
#include "hs_testkit.h"

typedef struct {
    char      *greeting;
    int64_t    limit;
    double     ratio;
    int        verbose;
    int64_t    calculator_api_major;
    char      *lifecycle_log;
    char      *broken;
    int64_t    bench_routes;
} hs_testkit_conf_t;

typedef struct {
    const hs_testkit_conf_t     *conf;
    const hs_calculator_api_t   *calc;
    uint64_t                     things;     /* hs_testkit_thing calls */
    hs_route_t                  *bench;      /* bench_routes generated */
    char                        *bench_text; /* their paths and ids */
} hs_testkit_t;


static hs_rc_t hs_testkit_sleep(hs_call_t *call);
static hs_rc_t hs_testkit_echo(hs_call_t *call);
static hs_rc_t hs_testkit_item(hs_call_t *call);
static hs_rc_t hs_testkit_fail(hs_call_t *call);
static hs_rc_t hs_testkit_config(hs_call_t *call);
static hs_rc_t hs_testkit_wrong_text(hs_call_t *call);
static hs_rc_t hs_testkit_nothing(hs_call_t *call);
static hs_rc_t hs_testkit_thing(hs_call_t *call);
static hs_rc_t hs_testkit_whoami(hs_call_t *call);


static const hs_config_field_t  hs_testkit_fields[] = {
    { "greeting", HS_CFG_STRING, offsetof(hs_testkit_conf_t, greeting),
      "hello", 1, 64, "A string" },
    { "limit", HS_CFG_INT, offsetof(hs_testkit_conf_t, limit), "10",
      1, 1000, "An integer in 1..1000" },
    { "ratio", HS_CFG_DOUBLE, offsetof(hs_testkit_conf_t, ratio), "0.5",
      0, 1, "A number in 0..1" },
    { "verbose", HS_CFG_BOOL, offsetof(hs_testkit_conf_t, verbose), "false",
      0, 0, "A boolean" },
    { "calculator_api_major", HS_CFG_INT,
      offsetof(hs_testkit_conf_t, calculator_api_major), "0", 0, 100,
      "Resolve the calculator client with this major version (0: don't)" },
    { "lifecycle_log", HS_CFG_STRING,
      offsetof(hs_testkit_conf_t, lifecycle_log), "", 0, 0,
      "File that start/stop append a line to" },
    { "broken", HS_CFG_STRING, offsetof(hs_testkit_conf_t, broken), "", 0,
      0, "Declare one broken operation (see hs_testkit_broken)" },
    { "bench_routes", HS_CFG_INT, offsetof(hs_testkit_conf_t, bench_routes),
      "0", 0, 5000, "Declare this many more operations (benchmarks)" },
    HS_CONFIG_FIELD_END
};

#define HS_TESTKIT_ANY  "{}"

static const hs_response_t  hs_testkit_ok_any[] = {
    { 200, "What the handler answers", HS_TESTKIT_ANY, NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs_testkit_no_content[] = {
    { 204, "Done", NULL, NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs_testkit_sleep_responses[] = {
    { 200, "Slept",
      "{\"type\": \"object\", \"required\": [\"slept_ms\"],"
      " \"properties\": {\"slept_ms\": {\"type\": \"integer\"}}}", NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs_testkit_wrong_responses[] = {
    { 200, "Declares a string it does not answer",
      "{\"type\": \"object\", \"required\": [\"name\"],"
      " \"properties\": {\"name\": {\"type\": \"string\"}}}", NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_param_t  hs_testkit_sleep_params[] = {
    { "ms", "path", 1, "{\"type\": \"integer\", \"minimum\": 0,"
      " \"maximum\": 10000}", "How long to sleep, in milliseconds" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_testkit_item_params[] = {
    { "id", "path", 1, "{\"type\": \"string\", \"maxLength\": 32}",
      "Item id" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_testkit_part_params[] = {
    { "id", "path", 1, "{\"type\": \"string\"}", "Item id" },
    { "part", "path", 1, "{\"type\": \"string\"}", "Part name" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_testkit_echo_params[] = {
    { "x", "query", 0, "{\"type\": \"integer\", \"minimum\": 0}",
      "A number" },
    { "y", "query", 0, "{\"type\": \"integer\"}", "Another number" },
    { "mode", "query", 0, "{\"type\": \"string\","
      " \"enum\": [\"fast\", \"slow\"]}", "A choice" },
    { "flag", "query", 0, "{\"type\": \"boolean\"}", "A flag" },
    { "X-Tenant-Hint", "header", 0, "{\"type\": \"string\","
      " \"pattern\": \"^[a-z]+$\"}", "A header parameter" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_testkit_need_params[] = {
    { "limit", "query", 1, "{\"type\": \"integer\", \"minimum\": 1,"
      " \"maximum\": 100}", "Required" },
    { NULL, NULL, 0, NULL, NULL }
};

static const char  hs_testkit_thing_schema[] =
    "{\"type\": \"object\", \"required\": [\"name\", \"size\"],"
    " \"additionalProperties\": false,"
    " \"properties\": {"
    "  \"name\": {\"type\": \"string\", \"minLength\": 1,"
    "            \"maxLength\": 8},"
    "  \"size\": {\"type\": \"integer\", \"minimum\": 1},"
    "  \"email\": {\"type\": \"string\", \"format\": \"email\"},"
    "  \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"},"
    "            \"uniqueItems\": true}"
    " }}";

static const hs_route_t  hs_testkit_routes[] = {
    { .method = "GET", .path = "/testkit/v1/sleep/{ms}",
      .operation_id = "testkit_sleep", .summary = "Sleep on a pool thread",
      .handler = hs_testkit_sleep, .params = hs_testkit_sleep_params,
      .responses = hs_testkit_sleep_responses, .access = "public" },
    { .method = "POST", .path = "/testkit/v1/echo",
      .operation_id = "testkit_echo", .summary = "Echo the request",
      .handler = hs_testkit_echo, .params = hs_testkit_echo_params,
      .body_schema = HS_TESTKIT_ANY,
      .body_media = "application/json, application/merge-patch+json",
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "PUT", .path = "/testkit/v1/echo",
      .operation_id = "testkit_echo_put", .summary = "Echo the request",
      .handler = hs_testkit_echo, .body_schema = HS_TESTKIT_ANY,
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "POST", .path = "/testkit/v1/things",
      .operation_id = "testkit_thing", .summary = "Validate a thing",
      .handler = hs_testkit_thing,
      .body_schema = "{\"$ref\": \"#/components/schemas/TestkitThing\"}",
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "GET", .path = "/testkit/v1/need",
      .operation_id = "testkit_need", .summary = "A required parameter",
      .handler = hs_testkit_echo, .params = hs_testkit_need_params,
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "GET", .path = "/testkit/v1/items/{id}",
      .operation_id = "testkit_item", .summary = "Path parameters",
      .handler = hs_testkit_item, .params = hs_testkit_item_params,
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "GET", .path = "/testkit/v1/items/special",
      .operation_id = "testkit_item_special", .summary = "A literal path",
      .handler = hs_testkit_item, .responses = hs_testkit_ok_any,
      .access = "public" },
    { .method = "GET", .path = "/testkit/v1/items/{id}/parts/{part}",
      .operation_id = "testkit_item_part", .summary = "Two parameters",
      .handler = hs_testkit_item, .params = hs_testkit_part_params,
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "GET", .path = "/testkit/v1/fail",
      .operation_id = "testkit_fail", .summary = "A failing handler",
      .handler = hs_testkit_fail, .responses = hs_testkit_ok_any,
      .access = "public" },
    { .method = "GET", .path = "/testkit/v1/wrong",
      .operation_id = "testkit_wrong",
      .summary = "A response that breaks its schema",
      .handler = hs_testkit_config, .responses = hs_testkit_wrong_responses,
      .access = "public" },
    { .method = "GET", .path = "/testkit/v1/wrong-text",
      .operation_id = "testkit_wrong_text",
      .summary = "A response rendered as text that breaks its schema",
      .handler = hs_testkit_wrong_text,
      .responses = hs_testkit_wrong_responses, .access = "public" },
    { .method = "GET", .path = "/testkit/v1/whoami",
      .operation_id = "testkit_whoami", .summary = "The SecurityCtx",
      .handler = hs_testkit_whoami, .responses = hs_testkit_ok_any,
      .access = "authenticated" },
    { .method = "GET", .path = "/testkit/v1/config",
      .operation_id = "testkit_config", .summary = "The typed config",
      .handler = hs_testkit_config, .responses = hs_testkit_ok_any,
      .access = "public" },
    { .method = "DELETE", .path = "/testkit/v1/items/{id}",
      .operation_id = "testkit_item_delete", .summary = "No content",
      .handler = hs_testkit_nothing, .params = hs_testkit_item_params,
      .responses = hs_testkit_no_content, .access = "public" },
};


static const char *const  hs_testkit_deps[] = { "calculator", NULL };


static hs_rc_t
hs_testkit_sleep(hs_call_t *call)
{
    long  ms;

    /* the parameter's schema bounds it to 0..10000 */
    ms = strtol(hs_call_param(call, "ms"), NULL, 10);

    usleep((useconds_t) ms * 1000);

    return hs_call_reply(call, 200, json_pack("{s:i}", "slept_ms", (int) ms));
}


static hs_rc_t
hs_testkit_echo(hs_call_t *call)
{
    json_t  *body;

    body = hs_call_json(call);

    return hs_call_reply(call, 200,
                         json_pack("{s:O?, s:s, s:s, s:s}",
                                   "body", body,
                                   "method", call->method,
                                   "query", call->query,
                                   "request_id", call->request_id));
}


static hs_rc_t
hs_testkit_item(hs_call_t *call)
{
    size_t   i;
    json_t  *params;

    params = json_object();

    for (i = 0; i < call->nparams; i++) {
        json_object_set_new(params, call->param_names[i],
                            json_string(call->param_values[i]));
    }

    return hs_call_reply(call, 200,
                         json_pack("{s:s, s:o}", "operation",
                                   call->route->operation_id,
                                   "params", params));
}


static hs_rc_t
hs_testkit_thing(hs_call_t *call)
{
    hs_testkit_t  *tk = call->module_data;

    __atomic_add_fetch(&tk->things, 1, __ATOMIC_RELAXED);

    return hs_call_reply(call, 200, json_incref(hs_call_json(call)));
}


static hs_rc_t
hs_testkit_whoami(hs_call_t *call)
{
    return hs_call_reply(call, 200,
                         json_pack("{s:s, s:s, s:s}",
                                   "tenant_id", call->sec.tenant_id,
                                   "subject_id", call->sec.subject_id,
                                   "auth_method", call->sec.auth_method));
}


static hs_rc_t
hs_testkit_nothing(hs_call_t *call)
{
    return hs_call_reply(call, 204, NULL);
}


static hs_rc_t
hs_testkit_fail(hs_call_t *call)
{
    /* a handler failure without a problem: the platform answers 500 */
    return HS_ERROR;
}


/* A response rendered as text by the handler (hs_call_reply_text). */
static hs_rc_t
hs_testkit_wrong_text(hs_call_t *call)
{
    return hs_call_reply_text(call, 200, hs_strdup("{\"id\":1}"), 8);
}


static hs_rc_t
hs_testkit_config(hs_call_t *call)
{
    hs_testkit_t  *tk = call->module_data;

    return hs_call_reply(call, 200,
                         json_pack("{s:s, s:I, s:f, s:b, s:I, s:b, s:I}",
                                   "greeting", tk->conf->greeting,
                                   "limit", (json_int_t) tk->conf->limit,
                                   "ratio", tk->conf->ratio,
                                   "verbose", tk->conf->verbose,
                                   "calculator_api_major",
                                   (json_int_t)
                                   tk->conf->calculator_api_major,
                                   "calculator_resolved",
                                   tk->calc != NULL,
                                   "things_handled",
                                   (json_int_t) __atomic_load_n(&tk->things,
                                                        __ATOMIC_RELAXED)));
}


static void
hs_testkit_lifecycle(hs_module_ctx_t *ctx, const char *event)
{
    FILE                     *f;
    const hs_testkit_conf_t  *conf = ctx->config;

    if (conf->lifecycle_log[0] == '\0') {
        return;
    }

    f = fopen(conf->lifecycle_log, "a");
    if (f == NULL) {
        hs_log(ctx->log, HS_LOG_ERR, "testkit: fopen(\"%s\") failed",
               conf->lifecycle_log);
        return;
    }

    fprintf(f, "%s %s %ld\n", event, ctx->desc->name, (long) getpid());
    fclose(f);
}


static hs_rc_t
hs_testkit_init(hs_module_ctx_t *ctx)
{
    const void               *api;
    hs_testkit_t             *tk;
    const hs_testkit_conf_t  *conf = ctx->config;

    api = NULL;

    if (conf->calculator_api_major > 0
        && hs_clienthub_resolve(ctx->hub, ctx->desc->name,
                                HS_CALCULATOR_API_NAME,
                                (unsigned) conf->calculator_api_major, 0,
                                NULL, sizeof(hs_calculator_api_t), &api,
                                ctx->err) != HS_OK)
    {
        return HS_ERROR;
    }

    tk = hs_calloc(1, sizeof(hs_testkit_t));
    if (tk == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    tk->conf = conf;
    tk->calc = api;
    ctx->data = tk;

    return HS_OK;
}


/* Declarations the platform must refuse, selected by the "broken" setting */
static const hs_route_t  hs_testkit_broken[] = {
    { .method = "GET", .path = "/testkit/v1/broken",
      .operation_id = "no_handler", .summary = "x",
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "GET", .path = "/testkit/v1/broken",
      .operation_id = "no_responses", .summary = "x",
      .handler = hs_testkit_item, .access = "public" },
    { .method = "GET", .path = "/testkit/v1/broken",
      .operation_id = "no_access", .summary = "x",
      .handler = hs_testkit_item, .responses = hs_testkit_ok_any },
    { .method = "GET", .path = "/testkit/v1/broken/{id}",
      .operation_id = "undeclared_param", .summary = "x",
      .handler = hs_testkit_item, .responses = hs_testkit_ok_any,
      .access = "public" },
    { .method = "GET", .path = "/testkit/v1/broken",
      .operation_id = "testkit_sleep", .summary = "x",
      .handler = hs_testkit_item, .responses = hs_testkit_ok_any,
      .access = "public" },
    { .method = "POST", .path = "/calculator-gateway/v1/calculator/add",
      .operation_id = "clash", .summary = "x",
      .handler = hs_testkit_item, .responses = hs_testkit_ok_any,
      .access = "public" },
    { .method = "POST", .path = "/testkit/v1/broken",
      .operation_id = "bad_schema", .summary = "x",
      .handler = hs_testkit_item, .body_schema = "{\"type\": \"integr\"}",
      .responses = hs_testkit_ok_any, .access = "public" },
    { .method = "POST", .path = "/testkit/v1/broken",
      .operation_id = "bad_ref", .summary = "x",
      .handler = hs_testkit_item,
      .body_schema = "{\"$ref\": \"#/components/schemas/Nope\"}",
      .responses = hs_testkit_ok_any, .access = "public" },
};


/* n generated operations GET /bench<i>/v1/items/{id}, for benchmarks */
static hs_rc_t
hs_testkit_bench_routes(hs_module_ctx_t *ctx, hs_api_t *api, size_t n)
{
    char          *p;
    size_t         i, k;
    hs_testkit_t  *tk = ctx->data;

    tk->bench = hs_calloc(n, sizeof(hs_route_t));
    tk->bench_text = hs_alloc(n * 64);

    if (tk->bench == NULL || tk->bench_text == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    for (k = 0; strcmp(hs_testkit_routes[k].operation_id, "testkit_item");
         k++)
    {
        /* void */
    }

    for (i = 0, p = tk->bench_text; i < n; i++) {
        tk->bench[i] = hs_testkit_routes[k];        /* GET .../{id} */
        tk->bench[i].path = p;
        p += sprintf(p, "/bench%zu/v1/items/{id}", i) + 1;
        tk->bench[i].operation_id = p;
        p += sprintf(p, "bench_%zu", i) + 1;
    }

    return hs_api_add_operations(api, ctx->desc->name, tk->bench, n,
                                 ctx->data, ctx->err);
}


static hs_rc_t
hs_testkit_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    size_t                    i;
    const hs_testkit_conf_t  *conf = ctx->config;

    if (conf->bench_routes > 0
        && hs_testkit_bench_routes(ctx, api, (size_t) conf->bench_routes)
           != HS_OK)
    {
        return HS_ERROR;
    }

    for (i = 0; conf->broken[0] && i < hs_nelems(hs_testkit_broken); i++) {
        if (strcmp(hs_testkit_broken[i].operation_id, conf->broken) == 0
            || (strcmp(conf->broken, "dup_op_id") == 0
                && strcmp(hs_testkit_broken[i].operation_id,
                          "testkit_sleep") == 0))
        {
            if (hs_api_add_operations(api, ctx->desc->name,
                                      &hs_testkit_broken[i], 1, ctx->data,
                                      ctx->err) != HS_OK)
            {
                return HS_ERROR;
            }
        }
    }

    if (hs_api_add_schema(api, ctx->desc->name, "TestkitThing",
                          hs_testkit_thing_schema, ctx->err) != HS_OK)
    {
        return HS_ERROR;
    }

    return hs_api_add_operations(api, ctx->desc->name, hs_testkit_routes,
                                 hs_nelems(hs_testkit_routes), ctx->data,
                                 ctx->err);
}


static hs_rc_t
hs_testkit_start(hs_module_ctx_t *ctx)
{
    hs_testkit_lifecycle(ctx, "start");
    return HS_OK;
}


static void
hs_testkit_stop(hs_module_ctx_t *ctx)
{
    hs_testkit_lifecycle(ctx, "stop");
}


static void
hs_testkit_fini(hs_module_ctx_t *ctx)
{
    hs_testkit_t  *tk = ctx->data;

    hs_free(tk->bench);
    hs_free(tk->bench_text);
    hs_free(tk);
}


const hs_module_desc_t  hs_testkit_module_desc = {
    HS_MODULE_ABI,
    "testkit",
    "0.1.0",
    "Test helper module (not for production)",
    hs_testkit_deps,
    HS_CAP_REST | HS_CAP_WORKER,
    hs_testkit_fields,
    sizeof(hs_testkit_conf_t),
    hs_testkit_init,
    hs_testkit_rest,
    hs_testkit_start,
    hs_testkit_stop,
    hs_testkit_fini
};
