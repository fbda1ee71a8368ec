/*
 * types_registry: descriptor, settings and lifecycle. The registry of
 * GTS entities (hs_gts.h) of the platform, persisted, served as
 * HyperSpot's /types-registry/v1 API and as the GTS operations API.
 */

#include <string.h>

#include "hs_types_registry.h"


static const hs_config_field_t  hs_types_registry_config[] = {
    { "ops_api", HS_CFG_BOOL, offsetof(hs_types_registry_conf_t, ops_api),
      "true", 0, 0, "Serve the GTS operations API (spec 9.5)" },
    { "ops_prefix", HS_CFG_STRING,
      offsetof(hs_types_registry_conf_t, ops_prefix), "/gts", 0, 128,
      "Path prefix of the GTS operations API: \"\" or /segment[/...]" },
    { "ops_read_access", HS_CFG_STRING,
      offsetof(hs_types_registry_conf_t, ops_read_access),
      "types_registry:read", 1, 128,
      "Access rule of the operations API's reads: public, authenticated "
      "or a permission" },
    { "ops_write_access", HS_CFG_STRING,
      offsetof(hs_types_registry_conf_t, ops_write_access),
      "types_registry:write", 1, 128,
      "Access rule of the operations API's registrations" },
    { "max_entities", HS_CFG_INT,
      offsetof(hs_types_registry_conf_t, max_entities), "1000", 1, 100000,
      "Most entities one registration request may carry" },
    HS_CONFIG_FIELD_END
};


/* "" or "/a/b": segments without '{', '}', blanks or a trailing '/'. */
static int
hs_types_registry_prefix_ok(const char *p)
{
    size_t  n;

    if (p[0] == '\0') {
        return 1;
    }

    n = strlen(p);

    return p[0] == '/' && p[n - 1] != '/' && strstr(p, "//") == NULL
           && strpbrk(p, "{}?#% \t") == NULL;
}


static hs_rc_t
hs_types_registry_init(hs_module_ctx_t *ctx)
{
    hs_types_registry_t             *tr;
    const hs_types_registry_conf_t  *conf = ctx->config;

    if (ctx->db == NULL) {
        hs_error_set(ctx->err, "no database: set hyperspot_database");
        return HS_ERROR;
    }

    if (!hs_types_registry_prefix_ok(conf->ops_prefix)) {
        hs_error_set(ctx->err, "ops_prefix \"%s\" must be empty or a path "
                     "like /gts (no trailing '/', no '{', '}', '?', '#', "
                     "'%%' or blanks)", conf->ops_prefix);
        return HS_EINVAL;
    }

    tr = hs_calloc(1, sizeof(hs_types_registry_t));
    if (tr == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    if (pthread_rwlock_init(&tr->lock, NULL) != 0) {
        hs_free(tr);
        hs_error_set(ctx->err, "pthread_rwlock_init() failed");
        return HS_ERROR;
    }

    if (hs_secctx_platform(&tr->sec, ctx->desc->name) != HS_OK) {
        pthread_rwlock_destroy(&tr->lock);
        hs_free(tr);
        hs_error_set(ctx->err, "no platform security context");
        return HS_ERROR;
    }

    tr->db = ctx->db;
    tr->hub = ctx->hub;
    tr->log = ctx->log;
    tr->conf = conf;
    tr->generation = -1;

    ctx->data = tr;

    return HS_OK;
}


static hs_rc_t
hs_types_registry_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    hs_types_registry_t  *tr = ctx->data;

    if (hs_types_registry_rest_add(ctx, api) != HS_OK) {
        return HS_ERROR;
    }

    if (!tr->conf->ops_api) {
        return HS_OK;
    }

    /* the prefixed operation table lives as long as the module state */
    if (hs_types_registry_ops_build(tr, ctx->err) != HS_OK) {
        return HS_ERROR;
    }

    return hs_api_add_operations(api, ctx->desc->name, tr->ops, tr->nops,
                                 tr, ctx->err);
}


static void
hs_types_registry_fini(hs_module_ctx_t *ctx)
{
    hs_types_registry_t  *tr = ctx->data;

    if (tr == NULL) {
        return;
    }

    hs_gts_registry_destroy(tr->reg);
    hs_types_registry_ops_free(tr);
    pthread_rwlock_destroy(&tr->lock);
    hs_free(tr);
}


const hs_module_desc_t  hs_types_registry_module_desc = {
    HS_MODULE_ABI,
    "types_registry",
    "1.0.0",
    "GTS types registry: type schemas, instances and plugins",
    NULL,                               /* dependencies */
    HS_CAP_REST | HS_CAP_DB,
    hs_types_registry_config,
    sizeof(hs_types_registry_conf_t),
    hs_types_registry_init,
    hs_types_registry_rest,
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_types_registry_fini
};
