/*
 * users_info: the example a module developer copies. Users, cities and a
 * user's address, stored per tenant through the tenant-scoped repository
 * (migrations/users_info/), served as REST (hs_users_info_rest.c).
 */

#include <hs_modkit.h>

#include "hs_users_info.h"


static const hs_config_field_t  hs_users_info_config[] = {
    HS_REPO_PAGE_CONFIG(hs_users_info_conf_t, page),
    HS_CONFIG_FIELD_END
};


static hs_rc_t
hs_users_info_init(hs_module_ctx_t *ctx)
{
    hs_users_info_t             *ui;
    const hs_users_info_conf_t  *conf = ctx->config;

    if (ctx->db == NULL) {
        hs_error_set(ctx->err, "no database: set hyperspot_database");
        return HS_ERROR;
    }

    ui = hs_calloc(1, sizeof(hs_users_info_t));
    if (ui == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    ui->db = ctx->db;
    ui->conf = conf;

    if (hs_repo_page_limits(&conf->page, &ui->limits, ctx->err) != HS_OK) {
        hs_free(ui);
        return HS_EINVAL;
    }

    ctx->data = ui;

    return HS_OK;
}


static void
hs_users_info_fini(hs_module_ctx_t *ctx)
{
    hs_free(ctx->data);
}


const hs_module_desc_t  hs_users_info_module_desc = {
    HS_MODULE_ABI,
    "users_info",
    "1.0.0",
    "Users, cities and addresses of a tenant",
    NULL,                               /* dependencies */
    HS_CAP_REST | HS_CAP_DB,
    hs_users_info_config,
    sizeof(hs_users_info_conf_t),
    hs_users_info_init,
    hs_users_info_rest,
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_users_info_fini
};
