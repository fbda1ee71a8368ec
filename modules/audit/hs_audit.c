/*
 * audit: the module's descriptor and lifecycle. The rest callback makes
 * the module the API's audit sink (hs_audit_store.c) and declares the
 * read-only REST operations (hs_audit_rest.c).
 */

#include <hs_modkit.h>

#include "hs_audit.h"


static const hs_config_field_t  hs_audit_config[] = {
    HS_REPO_PAGE_CONFIG(hs_audit_conf_t, page),
    HS_CONFIG_FIELD_END
};


static hs_rc_t
hs_audit_init(hs_module_ctx_t *ctx)
{
    hs_audit_t             *au;
    const hs_audit_conf_t  *conf = ctx->config;

    if (ctx->db == NULL) {
        hs_error_set(ctx->err, "no database: set hyperspot_database");
        return HS_ERROR;
    }

    au = hs_calloc(1, sizeof(hs_audit_t));
    if (au == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    if (hs_repo_page_limits(&conf->page, &au->limits, ctx->err) != HS_OK) {
        hs_free(au);
        return HS_EINVAL;
    }

    au->db = ctx->db;
    au->log = ctx->log;
    au->conf = conf;

    ctx->data = au;

    return HS_OK;
}


static hs_rc_t
hs_audit_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    hs_api_set_audit(api, hs_audit_store, ctx->data);

    return hs_audit_add_operations(ctx, api);
}


static void
hs_audit_fini(hs_module_ctx_t *ctx)
{
    hs_free(ctx->data);
}


const hs_module_desc_t  hs_audit_module_desc = {
    HS_MODULE_ABI,
    "audit",
    "1.0.0",
    "The audit trail: security events per tenant, read-only",
    NULL,                               /* dependencies */
    HS_CAP_REST | HS_CAP_DB,
    hs_audit_config,
    sizeof(hs_audit_conf_t),
    hs_audit_init,
    hs_audit_rest,
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_audit_fini
};
