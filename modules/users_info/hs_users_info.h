/* users_info: users, cities and a user's address, per tenant. */

#ifndef HS_USERS_INFO_H
#define HS_USERS_INFO_H

#include <hs_modkit.h>

typedef struct {
    hs_repo_page_conf_t   page;    /* max_page, default_page */
} hs_users_info_conf_t;

typedef struct {
    hs_db_t                     *db;
    const hs_users_info_conf_t  *conf;
    hs_od_limits_t               limits;
} hs_users_info_t;

extern const hs_module_desc_t  hs_users_info_module_desc;

/* hs_users_info_rest.c */
hs_rc_t hs_users_info_rest(hs_module_ctx_t *ctx, hs_api_t *api);

#endif /* HS_USERS_INFO_H */
