/*
 * The tenants module's ClientHub client, version 1.0: the tenant
 * resolver other modules use. Resolve it in init (list "tenants" among
 * the dependencies):
 *
 *   hs_clienthub_resolve(ctx->hub, "my_module", HS_TENANTS_API_NAME,
 *                        HS_TENANTS_API_MAJOR, HS_TENANTS_API_MINOR, NULL,
 *                        sizeof(hs_tenants_api_t), &api, ctx->err)
 *
 * Every function reads the database: call them on a thread-pool thread
 * (in a handler or a gate), never on the event loop. They answer for any
 * tenant, whoever asks: access decisions stay with the caller. Return
 * codes: HS_OK; HS_ENOTFOUND (no such tenant, or a malformed id);
 * HS_EAGAIN (the database is unavailable: answer 503); HS_ERROR.
 *
 * New functions are added at the end with a minor version bump; any
 * other change bumps the major version.
 */

#ifndef HS_TENANTS_API_H
#define HS_TENANTS_API_H

#include <hs_modkit.h>

#define HS_TENANTS_API_NAME   "hs.tenants.v1"
#define HS_TENANTS_API_MAJOR  1
#define HS_TENANTS_API_MINOR  0

/* the deepest tree: the root is at depth 0 */
#define HS_TENANTS_MAX_DEPTH  32

typedef enum {
    HS_TENANT_ACTIVE = 0,
    HS_TENANT_SUSPENDED,
    HS_TENANT_DELETED
} hs_tenant_status_t;

typedef struct {
    char                id[HS_UUID_LEN + 1];
    char                parent_id[HS_UUID_LEN + 1];   /* "" for the root */
    hs_tenant_status_t  status;
    int                 self_managed;
    unsigned            depth;                        /* 0: the root */
} hs_tenant_info_t;

typedef struct {
    char  id[HS_UUID_LEN + 1];
} hs_tenant_id_t;

typedef struct {
    void     *self;

    /* The tenant's status, parent, self_managed flag and depth. */
    hs_rc_t  (*resolve)(void *self, const char *id, hs_tenant_info_t *out,
                        hs_error_t *err);

    /*
     * The tenant's ancestors, from the root down to its parent, into
     * ids[0 .. *n) (at most max; *n is 0 for the root).
     */
    hs_rc_t  (*ancestry)(void *self, const char *id, hs_tenant_id_t *ids,
                         size_t max, size_t *n, hs_error_t *err);

    /*
     * *result = 1 when id is ancestor or lies below it, else 0: the tree
     * itself, whatever self-managed tenants lie between (the REST API's
     * visibility rules stop at those; docs/tenants.md).
     */
    hs_rc_t  (*in_subtree)(void *self, const char *ancestor, const char *id,
                           int *result, hs_error_t *err);
} hs_tenants_api_t;

#endif /* HS_TENANTS_API_H */
