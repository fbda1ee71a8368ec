/*
 * calculator_gateway: the REST face of the calculator.
 *
 *   POST /calculator-gateway/v1/calculator/add  {"a": 1, "b": 2} -> {"sum": 3}
 *   GET  /calculator-gateway/v1/calculator/plugin  the plugin in use
 *
 * Calculators are plugins (hs_plugin.h): at init the gateway selects the
 * instance of HS_CALCULATOR_PLUGIN_TYPE of the configured vendor with
 * the lowest priority, or, when that vendor has none loaded, the one of
 * any vendor with the lowest priority, and resolves the ClientHub client
 * scoped by its instance id. It depends on one of the plugin modules at
 * least and never links against them.
 */

#include <stdio.h>
#include <string.h>

#include <hs_modkit.h>

#include "hs_calculator_api.h"
#include "hs_calculator_gateway.h"

typedef struct {
    int64_t                      max_abs_operand;   /* 0: no limit */
    char                        *vendor;
} hs_calculator_gateway_conf_t;

typedef struct {
    const hs_calculator_api_t   *calc;
    int64_t                      max_abs_operand;
    const hs_plugin_info_t      *plugin;
    int                          preferred;
} hs_calculator_gateway_t;


static hs_rc_t hs_calculator_gateway_add(hs_call_t *call);
static hs_rc_t hs_calculator_gateway_plugin(hs_call_t *call);


static const hs_config_field_t  hs_calculator_gateway_config[] = {
    { "max_abs_operand", HS_CFG_INT,
      offsetof(hs_calculator_gateway_conf_t, max_abs_operand), "0",
      0, INT64_MAX,
      "Largest absolute value accepted for an operand; 0 means no limit" },
    { "vendor", HS_CFG_STRING,
      offsetof(hs_calculator_gateway_conf_t, vendor), "hyperspot", 0, 64,
      "Vendor of the calculator plugin to use; when none of it is loaded, "
      "the plugin with the lowest priority; empty: by priority only" },
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

static const char  hs_calculator_gateway_plugin_response[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"vendor\", \"priority\", \"provider\","
    "              \"preferred\", \"properties\"],"
    " \"additionalProperties\": false,"
    " \"properties\": {"
    "  \"id\": {\"type\": \"string\", \"description\":"
    "         \"GTS instance id of the plugin\"},"
    "  \"vendor\": {\"type\": \"string\"},"
    "  \"priority\": {\"type\": \"integer\"},"
    "  \"provider\": {\"type\": \"string\", \"description\":"
    "               \"the module that implements it\"},"
    "  \"preferred\": {\"type\": \"boolean\", \"description\":"
    "                \"it is of the configured vendor (false: a fallback)\"},"
    "  \"properties\": {\"type\": \"object\"}"
    " }}";

static const hs_response_t  hs_calculator_gateway_plugin_responses[] = {
    { 200, "The calculator plugin in use",
      "{\"$ref\": \"#/components/schemas/CalculatorPlugin\"}", NULL },
    { 0, NULL, NULL, NULL }
};

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
    { .method = "GET", .path = "/calculator-gateway/v1/calculator/plugin",
      .operation_id = "calculator_plugin",
      .summary = "The calculator plugin in use",
      .description = "The plugin instance selected at startup: its GTS "
                     "instance id, vendor, priority, the module that "
                     "provides it, its properties, and whether it is of "
                     "the configured vendor.",
      .tags = "calculator",
      .handler = hs_calculator_gateway_plugin,
      .responses = hs_calculator_gateway_plugin_responses,
      .access = "public" },
};

/* one of the calculator plugins at least (they initialize first) */
static const char *const  hs_calculator_gateway_deps[] = {
    "calculator|calculator_alt", NULL
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
hs_calculator_gateway_plugin(hs_call_t *call)
{
    hs_calculator_gateway_t  *gw = call->module_data;

    return hs_call_reply(call, 200,
               json_pack("{s:s, s:s, s:I, s:s, s:b, s:O}",
                         "id", gw->plugin->id, "vendor", gw->plugin->vendor,
                         "priority", (json_int_t) gw->plugin->priority,
                         "provider", gw->plugin->provider,
                         "preferred", gw->preferred,
                         "properties", json_object_get(gw->plugin->content,
                                                       "properties")));
}


static hs_rc_t
hs_calculator_gateway_init(hs_module_ctx_t *ctx)
{
    int                                  preferred;
    const void                          *api;
    hs_calculator_gateway_t             *gw;
    const hs_plugin_info_t              *plugin;
    const hs_calculator_gateway_conf_t  *conf;

    conf = ctx->config;

    plugin = hs_plugin_select(ctx->hub, HS_CALCULATOR_PLUGIN_TYPE,
                              conf->vendor, &preferred);
    if (plugin == NULL) {
        hs_error_set(ctx->err, "no calculator plugin is registered (%s)",
                     HS_CALCULATOR_PLUGIN_TYPE);
        return HS_ERROR;
    }

    if (!preferred && conf->vendor[0] != '\0') {
        hs_log(ctx->log, HS_LOG_WARN, "calculator_gateway: no calculator "
               "plugin of vendor \"%s\" is loaded; using %s of vendor "
               "\"%s\" (module %s)", conf->vendor, plugin->id,
               plugin->vendor, plugin->provider);
    }

    if (hs_clienthub_resolve(ctx->hub, ctx->desc->name,
                             HS_CALCULATOR_API_NAME, HS_CALCULATOR_API_MAJOR,
                             HS_CALCULATOR_API_MINOR, plugin->id,
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

    gw->calc = api;
    gw->max_abs_operand = conf->max_abs_operand;
    gw->plugin = plugin;
    gw->preferred = preferred;
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
           != HS_OK
        || hs_api_add_schema(api, ctx->desc->name, "CalculatorPlugin",
                             hs_calculator_gateway_plugin_response, ctx->err)
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
