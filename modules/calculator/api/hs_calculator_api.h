/*
 * The calculator's ClientHub client, version 1.0. Other modules resolve
 * it with:
 *
 *   hs_clienthub_resolve(ctx->hub, "my_module", HS_CALCULATOR_API_NAME,
 *                        HS_CALCULATOR_API_MAJOR, HS_CALCULATOR_API_MINOR,
 *                        NULL, sizeof(hs_calculator_api_t), &api, ctx->err)
 *
 * New functions are added at the end with a minor version bump; any other
 * change bumps the major version.
 */

#ifndef HS_CALCULATOR_API_H
#define HS_CALCULATOR_API_H

#include <hs_modkit.h>

#define HS_CALCULATOR_API_NAME   "hs.calculator.api"
#define HS_CALCULATOR_API_MAJOR  1
#define HS_CALCULATOR_API_MINOR  0

/*
 * Calculators are plugins (hs_plugin.h): each implementation registers
 * an instance of this plugin type and publishes its client scoped by the
 * instance id; calculator_gateway selects one by vendor and priority.
 * Every implementation registers the same type schema.
 */
#define HS_CALCULATOR_PLUGIN_TYPE                                             \
    HS_PLUGIN_BASE_TYPE "x.calculator.api.plugin.v1~"

#define HS_CALCULATOR_PLUGIN_SCHEMA                                           \
    "{\"$id\": \"gts://" HS_CALCULATOR_PLUGIN_TYPE "\","                      \
    " \"$schema\": \"http://json-schema.org/draft-07/schema#\","              \
    " \"title\": \"Calculator plugin\","                                     \
    " \"description\": \"An implementation of hs.calculator.api\","           \
    " \"type\": \"object\","                                                 \
    " \"allOf\": [{\"$ref\": \"gts://" HS_PLUGIN_BASE_TYPE "\"}]}"

typedef struct {
    void     *self;

    /* *sum = a + b; HS_EOVERFLOW when it does not fit in 64 bits */
    hs_rc_t  (*add)(void *self, int64_t a, int64_t b, int64_t *sum);
} hs_calculator_api_t;

#endif /* HS_CALCULATOR_API_H */
