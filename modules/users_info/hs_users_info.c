/*
 * users_info: the example a module developer copies. Users, cities and a
 * user's address, stored per tenant through the tenant-scoped repository
 * (migrations/users_info/), served as REST (hs_users_info_rest.c).
 */

#include <hs_modkit.h>

#include "hs_users_info.h"


static const hs_config_field_t  hs_users_info_config[] = {
    { "max_page", HS_CFG_INT, offsetof(hs_users_info_conf_t, max_page),
      "200", 1, 1000, "Largest page a list may ask for (limit)" },
    { "default_page", HS_CFG_INT,
      offsetof(hs_users_info_conf_t, default_page), "50", 1, 1000,
      "Page size when a list gives no limit" },
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

    if (conf->default_page > conf->max_page) {
        hs_error_set(ctx->err, "default_page (%lld) is larger than max_page"
                     " (%lld)", (long long) conf->default_page,
                     (long long) conf->max_page);
        return HS_EINVAL;
    }

    ui = hs_calloc(1, sizeof(hs_users_info_t));
    if (ui == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    ui->db = ctx->db;
    ui->conf = conf;
    ui->limits.max_limit = (size_t) conf->max_page;
    ui->limits.default_limit = (size_t) conf->default_page;
    ui->limits.max_length = 2048;
    ui->limits.max_depth = 16;
    ui->limits.max_terms = 64;

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
