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
} hs_testkit_conf_t;

typedef struct {
    const hs_testkit_conf_t     *conf;
    const hs_calculator_api_t   *calc;
} hs_testkit_t;


static hs_rc_t hs_testkit_sleep(hs_call_t *call);
static hs_rc_t hs_testkit_echo(hs_call_t *call);
static hs_rc_t hs_testkit_item(hs_call_t *call);
static hs_rc_t hs_testkit_fail(hs_call_t *call);
static hs_rc_t hs_testkit_config(hs_call_t *call);
static hs_rc_t hs_testkit_nothing(hs_call_t *call);


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
    HS_CONFIG_FIELD_END
};

static const hs_route_t  hs_testkit_routes[] = {
    { .method = "GET", .path = "/testkit/v1/sleep/{ms}",
      .operation_id = "testkit_sleep", .handler = hs_testkit_sleep },
    { .method = "POST", .path = "/testkit/v1/echo",
      .operation_id = "testkit_echo", .handler = hs_testkit_echo },
    { .method = "PUT", .path = "/testkit/v1/echo",
      .operation_id = "testkit_echo_put", .handler = hs_testkit_echo },
    { .method = "GET", .path = "/testkit/v1/items/{id}",
      .operation_id = "testkit_item", .handler = hs_testkit_item },
    { .method = "GET", .path = "/testkit/v1/items/special",
      .operation_id = "testkit_item_special", .handler = hs_testkit_item },
    { .method = "GET", .path = "/testkit/v1/items/{id}/parts/{part}",
      .operation_id = "testkit_item_part", .handler = hs_testkit_item },
    { .method = "GET", .path = "/testkit/v1/fail",
      .operation_id = "testkit_fail", .handler = hs_testkit_fail },
    { .method = "GET", .path = "/testkit/v1/config",
      .operation_id = "testkit_config", .handler = hs_testkit_config },
    { .method = "DELETE", .path = "/testkit/v1/items/{id}",
      .operation_id = "testkit_item_delete", .handler = hs_testkit_nothing },
};

static const char *const  hs_testkit_deps[] = { "calculator", NULL };


static hs_rc_t
hs_testkit_sleep(hs_call_t *call)
{
    long  ms;

    ms = strtol(hs_call_param(call, "ms"), NULL, 10);
    if (ms < 0 || ms > 10000) {
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_BAD_REQUEST,
                                                 "ms must be 0..10000"));
    }

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


static hs_rc_t
hs_testkit_config(hs_call_t *call)
{
    hs_testkit_t  *tk = call->module_data;

    return hs_call_reply(call, 200,
                         json_pack("{s:s, s:I, s:f, s:b, s:I, s:b}",
                                   "greeting", tk->conf->greeting,
                                   "limit", (json_int_t) tk->conf->limit,
                                   "ratio", tk->conf->ratio,
                                   "verbose", tk->conf->verbose,
                                   "calculator_api_major",
                                   (json_int_t)
                                   tk->conf->calculator_api_major,
                                   "calculator_resolved",
                                   tk->calc != NULL));
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


static hs_rc_t
hs_testkit_rest(hs_module_ctx_t *ctx, hs_router_t *router)
{
    return hs_router_add_routes(router, ctx->desc->name, hs_testkit_routes,
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
    hs_free(ctx->data);
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
