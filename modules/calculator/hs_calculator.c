/*
 * calculator: a module with no REST API of its own that publishes a
 * ClientHub client (hs_calculator_api_t) for other modules, unscoped and
 * as the calculator plugin of vendor "hyperspot" (scoped by its GTS
 * instance id, see hs_plugin.h).
 */

#include <hs_modkit.h>

#include "hs_calculator_api.h"
#include "hs_calculator.h"

#define HS_CALCULATOR_PLUGIN_ID                                               \
    HS_CALCULATOR_PLUGIN_TYPE "hyperspot.calculator._.default.v1"

typedef struct {
    hs_calculator_api_t   api;
    uint64_t              calls;
} hs_calculator_t;


static hs_rc_t
hs_calculator_add(void *self, int64_t a, int64_t b, int64_t *sum)
{
    hs_calculator_t  *calc = self;

    __atomic_add_fetch(&calc->calls, 1, __ATOMIC_RELAXED);

    if (__builtin_add_overflow(a, b, sum)) {
        return HS_EOVERFLOW;
    }

    return HS_OK;
}


static hs_rc_t
hs_calculator_init(hs_module_ctx_t *ctx)
{
    hs_calculator_t  *calc;

    calc = hs_calloc(1, sizeof(hs_calculator_t));
    if (calc == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    calc->api.self = calc;
    calc->api.add = hs_calculator_add;

    if (hs_clienthub_publish(ctx->hub, ctx->desc->name,
                             HS_CALCULATOR_API_NAME, HS_CALCULATOR_API_MAJOR,
                             HS_CALCULATOR_API_MINOR, NULL, &calc->api,
                             sizeof(hs_calculator_api_t), ctx->err)
        != HS_OK
        || hs_plugin_add_type(ctx->hub, ctx->desc->name,
                              HS_CALCULATOR_PLUGIN_SCHEMA, ctx->err)
           != HS_OK
        || hs_plugin_register(ctx->hub, ctx->desc->name,
                              HS_CALCULATOR_PLUGIN_ID, "hyperspot", 10,
                              "{\"overflow\": \"checked\"}", ctx->err)
           != HS_OK
        || hs_clienthub_publish(ctx->hub, ctx->desc->name,
                                HS_CALCULATOR_API_NAME,
                                HS_CALCULATOR_API_MAJOR,
                                HS_CALCULATOR_API_MINOR,
                                HS_CALCULATOR_PLUGIN_ID, &calc->api,
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
hs_calculator_fini(hs_module_ctx_t *ctx)
{
    hs_free(ctx->data);
}


const hs_module_desc_t  hs_calculator_module_desc = {
    HS_MODULE_ABI,
    "calculator",
    "1.0.0",
    "Adds numbers; serves other modules through ClientHub",
    NULL,                               /* dependencies */
    HS_CAP_CLIENT,
    NULL,                               /* no settings */
    0,
    hs_calculator_init,
    NULL,                               /* no REST API */
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_calculator_fini
};
