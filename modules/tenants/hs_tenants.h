/*
 * tenants: the tenant tree (parent and children, status, self-managed
 * barriers), its REST API for tenant administrators, the HS_GATE_TENANT
 * gate and the resolver client other modules use (api/hs_tenants_api.h).
 */

#ifndef HS_TENANTS_H
#define HS_TENANTS_H

#include <hs_modkit.h>

#include "hs_tenants_api.h"

typedef struct {
    char        *root_tenant;      /* the root's id (a uuid) */
    char        *root_name;
    int64_t      max_depth;        /* deepest tenant below the root */
    int64_t      max_page;         /* largest "limit" of a list */
    int64_t      default_page;     /* "limit" when none is given */
} hs_tenants_conf_t;

typedef struct {
    hs_db_t                  *db;
    const hs_tenants_conf_t  *conf;
    const hs_log_t           *log;
    char                      root[HS_UUID_LEN + 1];
    int                       root_ready;   /* atomic: the root exists */
    hs_od_limits_t            limits;
    hs_tenants_api_t          api;
} hs_tenants_t;

extern const hs_module_desc_t  hs_tenants_module_desc;

/* The hierarchy table, scoped by the caller's subtree. */
extern const hs_repo_tree_t  hs_tenants_tree;

/* hs_tenants.c */
hs_rc_t hs_tenants_ensure_root(hs_tenants_t *tn, hs_error_t *err);
hs_rc_t hs_tenants_status_parse(const char *s, hs_tenant_status_t *st);

/* hs_tenants_rest.c */
hs_rc_t hs_tenants_rest(hs_module_ctx_t *ctx, hs_api_t *api);

#endif /* HS_TENANTS_H */
