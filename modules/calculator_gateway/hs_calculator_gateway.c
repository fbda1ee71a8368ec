/*
 * calculator_gateway: the REST face of the calculator.
 *
 *   POST /calculator-gateway/v1/calculator/add  {"a": 1, "b": 2} -> {"sum": 3}
 *
 * It depends on the calculator module and calls it through the ClientHub
 * client that module publishes; it never links against it.
 */

#include <stdio.h>
#include <string.h>

#include <hs_modkit.h>

#include "hs_calculator_api.h"
#include "hs_calculator_gateway.h"

typedef struct {
    int64_t                      max_abs_operand;   /* 0: no limit */
} hs_calculator_gateway_conf_t;

typedef struct {
    const hs_calculator_api_t   *calc;
    int64_t                      max_abs_operand;
} hs_calculator_gateway_t;


static hs_rc_t hs_calculator_gateway_add(hs_call_t *call);


static const hs_config_field_t  hs_calculator_gateway_config[] = {
    { "max_abs_operand", HS_CFG_INT,
      offsetof(hs_calculator_gateway_conf_t, max_abs_operand), "0",
      0, INT64_MAX,
      "Largest absolute value accepted for an operand; 0 means no limit" },
    HS_CONFIG_FIELD_END
};

static const hs_route_t  hs_calculator_gateway_routes[] = {
    { .method = "POST", .path = "/calculator-gateway/v1/calculator/add",
      .operation_id = "calculator_add", .summary = "Add two integers",
      .handler = hs_calculator_gateway_add, .flags = HS_ROUTE_BODY_JSON },
};

static const char *const  hs_calculator_gateway_deps[] = {
    "calculator", NULL
};


/* Reads operand name from body into *v; records a violation otherwise. */
static int
hs_calculator_gateway_operand(hs_calculator_gateway_t *gw, json_t *body,
    const char *name, int64_t *v, hs_problem_t *p)
{
    char     msg[128];
    json_t  *j;

    j = json_object_get(body, name);

    if (j == NULL) {
        hs_problem_add_error(p, name, "required", "is required");
        return -1;
    }

    if (!json_is_integer(j)) {
        snprintf(msg, sizeof(msg), "must be an integer, got %s",
                 json_is_real(j) ? "a fractional number"
                 : json_is_string(j) ? "a string"
                 : json_is_boolean(j) ? "a boolean"
                 : json_is_null(j) ? "null"
                 : json_is_array(j) ? "an array" : "an object");
        hs_problem_add_error(p, name, "type", msg);
        return -1;
    }

    *v = json_integer_value(j);

    if (gw->max_abs_operand > 0
        && (*v > gw->max_abs_operand || *v < -gw->max_abs_operand))
    {
        snprintf(msg, sizeof(msg), "must be between -%lld and %lld",
                 (long long) gw->max_abs_operand,
                 (long long) gw->max_abs_operand);
        hs_problem_add_error(p, name, "range", msg);
        return -1;
    }

    return 0;
}


static hs_rc_t
hs_calculator_gateway_add(hs_call_t *call)
{
    int                       bad;
    int64_t                   a, b, sum;
    hs_rc_t                   rc;
    json_t                   *body, *v;
    const char               *key;
    hs_problem_t             *p;
    hs_calculator_gateway_t  *gw;

    gw = call->module_data;
    body = hs_call_json(call);

    if (!json_is_object(body)) {
        p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED,
                           "the request body must be a JSON object "
                           "{\"a\": integer, \"b\": integer}");
        if (p != NULL) {
            hs_problem_add_error(p, "", "type", "must be an object");
        }
        return hs_call_fail(call, p);
    }

    p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED,
                       "the request body is invalid");
    if (p == NULL) {
        return HS_ENOMEM;
    }

    a = 0;
    b = 0;
    bad = hs_calculator_gateway_operand(gw, body, "a", &a, p);
    bad |= hs_calculator_gateway_operand(gw, body, "b", &b, p);

    json_object_foreach(body, key, v) {
        if (strcmp(key, "a") != 0 && strcmp(key, "b") != 0) {
            hs_problem_add_error(p, key, "unknown", "is not a known field");
            bad = -1;
        }
    }

    if (bad) {
        return hs_call_fail(call, p);
    }

    hs_problem_free(p);

    rc = gw->calc->add(gw->calc->self, a, b, &sum);

    if (rc == HS_EOVERFLOW) {
        return hs_call_fail(call,
                   hs_problem_custom(422, "Arithmetic Overflow", "overflow",
                                     "%lld + %lld does not fit in a signed "
                                     "64-bit integer", (long long) a,
                                     (long long) b));
    }

    if (rc != HS_OK) {
        return rc;
    }

    return hs_call_reply(call, 200, json_pack("{s:I}", "sum",
                                              (json_int_t) sum));
}


static hs_rc_t
hs_calculator_gateway_init(hs_module_ctx_t *ctx)
{
    const void                          *api;
    hs_calculator_gateway_t             *gw;
    const hs_calculator_gateway_conf_t  *conf;

    if (hs_clienthub_resolve(ctx->hub, ctx->desc->name,
                             HS_CALCULATOR_API_NAME, HS_CALCULATOR_API_MAJOR,
                             HS_CALCULATOR_API_MINOR, NULL,
                             sizeof(hs_calculator_api_t), &api, ctx->err)
        != HS_OK)
    {
        return HS_ERROR;
    }

    gw = hs_calloc(1, sizeof(hs_calculator_gateway_t));
    if (gw == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    conf = ctx->config;

    gw->calc = api;
    gw->max_abs_operand = conf->max_abs_operand;
    ctx->data = gw;

    return HS_OK;
}


static hs_rc_t
hs_calculator_gateway_rest(hs_module_ctx_t *ctx, hs_router_t *router)
{
    return hs_router_add_routes(router, ctx->desc->name,
                                hs_calculator_gateway_routes,
                                hs_nelems(hs_calculator_gateway_routes),
                                ctx->data, ctx->err);
}


static void
hs_calculator_gateway_fini(hs_module_ctx_t *ctx)
{
    hs_free(ctx->data);
}


const hs_module_desc_t  hs_calculator_gateway_module_desc = {
    HS_MODULE_ABI,
    "calculator_gateway",
    "1.0.0",
    "REST API of the calculator",
    hs_calculator_gateway_deps,
    HS_CAP_REST,
    hs_calculator_gateway_config,
    sizeof(hs_calculator_gateway_conf_t),
    hs_calculator_gateway_init,
    hs_calculator_gateway_rest,
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_calculator_gateway_fini
};
