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

static const char  hs_calculator_gateway_add_request[] =
    "{\"type\": \"object\","
    " \"description\": \"Two 64-bit signed integers to add\","
    " \"required\": [\"a\", \"b\"],"
    " \"additionalProperties\": false,"
    " \"properties\": {"
    "  \"a\": {\"type\": \"integer\", \"description\": \"first operand\","
    "         \"examples\": [2]},"
    "  \"b\": {\"type\": \"integer\", \"description\": \"second operand\","
    "         \"examples\": [40]}"
    " }}";

static const char  hs_calculator_gateway_add_response[] =
    "{\"type\": \"object\","
    " \"required\": [\"sum\"],"
    " \"additionalProperties\": false,"
    " \"properties\": {"
    "  \"sum\": {\"type\": \"integer\", \"description\": \"a + b\","
    "           \"examples\": [42]}"
    " }}";

static const hs_response_t  hs_calculator_gateway_add_responses[] = {
    { 200, "The sum",
      "{\"$ref\": \"#/components/schemas/CalculatorSum\"}", NULL },
    { 0, NULL, NULL, NULL }
};

/* 422 also covers "overflow" and operands beyond max_abs_operand */
static const int  hs_calculator_gateway_add_problems[] = { 422, 0 };

static const hs_route_t  hs_calculator_gateway_routes[] = {
    { .method = "POST", .path = "/calculator-gateway/v1/calculator/add",
      .operation_id = "calculator_add", .summary = "Add two integers",
      .description = "Adds a and b with the calculator module (through its "
                     "ClientHub client). A sum that does not fit in a "
                     "signed 64-bit integer is a 422 problem with code "
                     "\"overflow\".",
      .tags = "calculator",
      .handler = hs_calculator_gateway_add,
      .body_schema = "{\"$ref\": \"#/components/schemas/"
                     "CalculatorAddRequest\"}",
      .responses = hs_calculator_gateway_add_responses,
      .problems = hs_calculator_gateway_add_problems,
      .access = "public" },
};

static const char *const  hs_calculator_gateway_deps[] = {
    "calculator", NULL
};


/* The operand limit of the configuration (the schema checked the rest). */
static void
hs_calculator_gateway_limit(hs_calculator_gateway_t *gw, const char *name,
    int64_t v, hs_problem_t **p)
{
    char  msg[128];

    if (gw->max_abs_operand == 0
        || (v <= gw->max_abs_operand && v >= -gw->max_abs_operand))
    {
        return;
    }

    if (*p == NULL) {
        *p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED,
                            "an operand is beyond the configured limit");
        if (*p == NULL) {
            return;
        }
    }

    snprintf(msg, sizeof(msg), "must be between -%lld and %lld",
             (long long) gw->max_abs_operand,
             (long long) gw->max_abs_operand);
    hs_problem_add_error(*p, name, "range", msg);
}


static hs_rc_t
hs_calculator_gateway_add(hs_call_t *call)
{
    int64_t                   a, b, sum;
    hs_rc_t                   rc;
    json_t                   *body;
    hs_problem_t             *p;
    hs_calculator_gateway_t  *gw;

    gw = call->module_data;
    body = hs_call_json(call);

    /* the request body schema guarantees two integers */
    a = json_integer_value(json_object_get(body, "a"));
    b = json_integer_value(json_object_get(body, "b"));

    p = NULL;
    hs_calculator_gateway_limit(gw, "a", a, &p);
    hs_calculator_gateway_limit(gw, "b", b, &p);

    if (p != NULL) {
        return hs_call_fail(call, p);
    }

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
hs_calculator_gateway_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    if (hs_api_add_schema(api, ctx->desc->name, "CalculatorAddRequest",
                          hs_calculator_gateway_add_request, ctx->err)
        != HS_OK
        || hs_api_add_schema(api, ctx->desc->name, "CalculatorSum",
                             hs_calculator_gateway_add_response, ctx->err)
           != HS_OK)
    {
        return HS_ERROR;
    }

    return hs_api_add_operations(api, ctx->desc->name,
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
