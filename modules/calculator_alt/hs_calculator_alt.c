/*
 * calculator_alt: a second implementation of hs.calculator.api, the
 * calculator plugin of vendor "acme". It publishes its client only
 * scoped by its plugin instance id, so it can be loaded beside the
 * calculator module or instead of it; calculator_gateway selects one of
 * them by vendor and priority (hs_plugin.h).
 *
 * The instance's priority is configurable
 * (modules.calculator_alt.config.priority).
 */

#include <hs_modkit.h>

#include "hs_calculator_api.h"
#include "hs_calculator_alt.h"

#define HS_CALCULATOR_ALT_PLUGIN_ID                                           \
    HS_CALCULATOR_PLUGIN_TYPE "acme.calculator._.alt.v1"

typedef struct {
    int64_t   priority;
} hs_calculator_alt_conf_t;

typedef struct {
    hs_calculator_api_t   api;
} hs_calculator_alt_t;


static const hs_config_field_t  hs_calculator_alt_config[] = {
    { "priority", HS_CFG_INT,
      offsetof(hs_calculator_alt_conf_t, priority), "20", 0, 1000000,
      "Priority of the plugin instance (the lowest is preferred)" },
    HS_CONFIG_FIELD_END
};


/* The sum in 128 bits, then narrowed: another way to find an overflow. */
static hs_rc_t
hs_calculator_alt_add(void *self, int64_t a, int64_t b, int64_t *sum)
{
    __int128  s;

    s = (__int128) a + b;

    if (s > INT64_MAX || s < INT64_MIN) {
        return HS_EOVERFLOW;
    }

    *sum = (int64_t) s;

    return HS_OK;
}


static hs_rc_t
hs_calculator_alt_init(hs_module_ctx_t *ctx)
{
    hs_calculator_alt_t             *calc;
    const hs_calculator_alt_conf_t  *conf = ctx->config;

    calc = hs_calloc(1, sizeof(hs_calculator_alt_t));
    if (calc == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    calc->api.self = calc;
    calc->api.add = hs_calculator_alt_add;

    if (hs_plugin_add_type(ctx->hub, ctx->desc->name,
                           HS_CALCULATOR_PLUGIN_SCHEMA, ctx->err) != HS_OK
        || hs_plugin_register(ctx->hub, ctx->desc->name,
                              HS_CALCULATOR_ALT_PLUGIN_ID, "acme",
                              conf->priority,
                              "{\"overflow\": \"int128\"}", ctx->err)
           != HS_OK
        || hs_clienthub_publish(ctx->hub, ctx->desc->name,
                                HS_CALCULATOR_API_NAME,
                                HS_CALCULATOR_API_MAJOR,
                                HS_CALCULATOR_API_MINOR,
                                HS_CALCULATOR_ALT_PLUGIN_ID, &calc->api,
                                sizeof(hs_calculator_api_t), ctx->err)
           != HS_OK)
    {
        hs_free(calc);
        return HS_ERROR;
    }

    ctx->data = calc;

    return HS_OK;
}


static void
hs_calculator_alt_fini(hs_module_ctx_t *ctx)
{
    hs_free(ctx->data);
}


const hs_module_desc_t  hs_calculator_alt_module_desc = {
    HS_MODULE_ABI,
    "calculator_alt",
    "1.0.0",
    "Adds numbers: the calculator plugin of vendor acme",
    NULL,                               /* dependencies */
    HS_CAP_CLIENT,
    hs_calculator_alt_config,
    sizeof(hs_calculator_alt_conf_t),
    hs_calculator_alt_init,
    NULL,                               /* no REST API */
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_calculator_alt_fini
};
