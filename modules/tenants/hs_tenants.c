/*
 * tenants: the descriptor, the root tenant, the HS_GATE_TENANT gate and
 * the resolver client (api/hs_tenants_api.h). The REST API is in
 * hs_tenants_rest.c; docs/tenants.md describes the rules.
 */

#include <string.h>

#include <hs_modkit.h>

#include "hs_tenants.h"


static const hs_config_field_t  hs_tenants_config[] = {
    { "root_tenant", HS_CFG_STRING,
      offsetof(hs_tenants_conf_t, root_tenant), NULL, 36, 36,
      "Id (a uuid) of the root tenant, created when missing" },
    { "root_name", HS_CFG_STRING, offsetof(hs_tenants_conf_t, root_name),
      "root", 1, 200, "Name of the root tenant when it is created" },
    { "max_depth", HS_CFG_INT, offsetof(hs_tenants_conf_t, max_depth),
      "10", 1, HS_TENANTS_MAX_DEPTH, "Deepest level below the root" },
    { "max_page", HS_CFG_INT, offsetof(hs_tenants_conf_t, max_page),
      "200", 1, 1000, "Largest page a list may ask for (limit)" },
    { "default_page", HS_CFG_INT,
      offsetof(hs_tenants_conf_t, default_page), "50", 1, 1000,
      "Page size when a list gives no limit" },
    HS_CONFIG_FIELD_END
};


/* ------------------------------------------------------------ tables */

static const hs_od_field_t  hs_tenants_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "parent_id", "parent_id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SELECT },
    { "name", "name", HS_OD_STRING, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "status", "status", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "self_managed", "self_managed", HS_OD_BOOL,
      HS_OD_FILTER | HS_OD_SELECT | HS_OD_NOTNULL },
    { "depth", "depth", HS_OD_INT, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "created_at", "created_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "updated_at", "updated_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { NULL, NULL, 0, 0 }
};

const hs_repo_tree_t  hs_tenants_tree = {
    { "tenants_tenants", "tenant", hs_tenants_fields },
    "parent_id", "path", "barrier_path", "self_managed", "depth"
};

/*
 * A tenant's own row, read as that tenant (tenant_id = id): the gate and
 * the resolver, which answer about one given tenant.
 */
static const hs_od_field_t  hs_tenants_own_fields[] = {
    { "id", "id", HS_OD_UUID, 0 },
    { "parent_id", "parent_id", HS_OD_UUID, 0 },
    { "status", "status", HS_OD_STRING, 0 },
    { "self_managed", "self_managed", HS_OD_BOOL, 0 },
    { "depth", "depth", HS_OD_INT, 0 },
    { "path", "path", HS_OD_STRING, 0 },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  hs_tenants_own = {
    "tenants_tenants", "tenant", hs_tenants_own_fields
};

static const char *const  hs_tenants_statuses[] = {
    "active", "suspended", "deleted"
};


hs_rc_t
hs_tenants_status_parse(const char *s, hs_tenant_status_t *st)
{
    size_t  i;

    for (i = 0; s != NULL && i < hs_nelems(hs_tenants_statuses); i++) {
        if (strcmp(s, hs_tenants_statuses[i]) == 0) {
            *st = (hs_tenant_status_t) i;
            return HS_OK;
        }
    }

    return HS_EINVAL;
}


/* ------------------------------------------------------ root tenant */

/*
 * Creates the configured root when the table has none. Every worker does
 * it once, on its first request: concurrent attempts are safe (one row
 * wins; the others see HS_EEXIST).
 */
hs_rc_t
hs_tenants_ensure_root(hs_tenants_t *tn, hs_error_t *err)
{
    json_t       *v;
    hs_rc_t       rc;
    hs_secctx_t   sec;

    if (__atomic_load_n(&tn->root_ready, __ATOMIC_ACQUIRE)) {
        return HS_OK;
    }

    if (hs_secctx_init(&sec, tn->root, HS_UUID_LEN, "tenants", 7, "system")
        != HS_OK)
    {
        hs_error_set(err, "bad root tenant");
        return HS_ERROR;
    }

    v = json_pack("{s:s, s:s, s:b}", "name", tn->conf->root_name, "status",
                  "active", "self_managed", 0);
    if (v == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    rc = hs_repo_tree_create_root(tn->db, &sec, &hs_tenants_tree, v, NULL,
                                  err);
    json_decref(v);

    if (rc == HS_OK) {
        hs_log(tn->log, HS_LOG_INFO, "tenants: root tenant %s created",
               tn->root);

    } else if (rc == HS_EEXIST) {
        rc = hs_repo_get(tn->db, &sec, &hs_tenants_own, tn->root, NULL, err);

        if (rc == HS_ENOTFOUND) {
            /* said once per worker: the configuration is wrong */
            hs_log(tn->log, HS_LOG_ERR, "tenants: another root tenant "
                   "exists; modules.tenants.config.root_tenant %s is not "
                   "it", tn->root);
            rc = HS_OK;
        }
    }

    if (rc == HS_OK) {
        __atomic_store_n(&tn->root_ready, 1, __ATOMIC_RELEASE);
    }

    return rc;
}


/* ------------------------------------------------------------- gate */

/*
 * HS_GATE_TENANT: the caller's tenant must be registered and active. One
 * primary-key lookup per request, no cache: a status change counts in
 * every worker at once.
 */
static hs_rc_t
hs_tenants_gate(hs_call_t *call, void *data)
{
    json_t              *row;
    hs_rc_t              rc;
    hs_error_t           err;
    const char          *s;
    hs_tenants_t        *tn = data;
    hs_tenant_status_t   st;

    rc = hs_tenants_ensure_root(tn, &err);
    if (rc == HS_OK) {
        rc = hs_repo_get(tn->db, &call->sec, &hs_tenants_own,
                         call->sec.tenant_id, &row, &err);
    }

    if (rc == HS_ENOTFOUND) {
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN,
                   "tenant %s is not registered", call->sec.tenant_id));
    }

    if (rc == HS_EAGAIN) {
        return hs_call_fail(call, hs_problem_new(
                   HS_PROBLEM_SERVICE_UNAVAILABLE,
                   "the tenant registry is unavailable; retry later"));
    }

    if (rc != HS_OK) {
        hs_log(call->log, HS_LOG_ERR, "tenants: gate: %s (request id %s)",
               err.msg, call->request_id);
        return rc;
    }

    s = json_string_value(json_object_get(row, "status"));

    if (hs_tenants_status_parse(s, &st) == HS_OK && st == HS_TENANT_ACTIVE) {
        json_decref(row);
        return HS_OK;
    }

    rc = hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN,
             "tenant %s is %s: its requests are refused until it is "
             "reactivated", call->sec.tenant_id, s ? s : "not active"));
    json_decref(row);

    return rc;
}


/* ----------------------------------------------------------- client */

/* The tenant's own row (with its path). */
static hs_rc_t
hs_tenants_own_row(hs_tenants_t *tn, const char *id, json_t **row,
    hs_error_t *err)
{
    hs_rc_t      rc;
    hs_secctx_t  sec;

    if (id == NULL || hs_secctx_init(&sec, id, strlen(id), "tenants", 7,
                                     "system") != HS_OK)
    {
        hs_error_set(err, "no such tenant");
        return HS_ENOTFOUND;
    }

    rc = hs_tenants_ensure_root(tn, err);
    if (rc != HS_OK) {
        return rc;
    }

    return hs_repo_get(tn->db, &sec, &hs_tenants_own, sec.tenant_id, row,
                       err);
}


static hs_rc_t
hs_tenants_resolve(void *self, const char *id, hs_tenant_info_t *out,
    hs_error_t *err)
{
    json_t       *row;
    hs_rc_t       rc;
    const char   *parent;

    rc = hs_tenants_own_row(self, id, &row, err);
    if (rc != HS_OK) {
        return rc;
    }

    memset(out, 0, sizeof(hs_tenant_info_t));

    parent = json_string_value(json_object_get(row, "parent_id"));

    hs_uuid_normalize(id, strlen(id), out->id);
    if (parent != NULL) {
        memcpy(out->parent_id, parent, HS_UUID_LEN);
    }

    out->self_managed = json_is_true(json_object_get(row, "self_managed"));
    out->depth = (unsigned) json_integer_value(json_object_get(row,
                                                               "depth"));
    rc = hs_tenants_status_parse(json_string_value(json_object_get(row,
                                                   "status")), &out->status);
    json_decref(row);

    if (rc != HS_OK) {
        hs_error_set(err, "tenant %s: unknown status", id);
        return HS_ERROR;
    }

    return HS_OK;
}


/* The path "/<root>/.../<id>/" of a tenant, into path (a copy). */
static hs_rc_t
hs_tenants_path(hs_tenants_t *tn, const char *id, char *path, size_t size,
    hs_error_t *err)
{
    json_t      *row;
    hs_rc_t      rc;
    const char  *p;

    rc = hs_tenants_own_row(tn, id, &row, err);
    if (rc != HS_OK) {
        return rc;
    }

    p = json_string_value(json_object_get(row, "path"));

    if (p == NULL || strlen(p) >= size) {
        json_decref(row);
        hs_error_set(err, "tenant %s: bad path", id);
        return HS_ERROR;
    }

    memcpy(path, p, strlen(p) + 1);
    json_decref(row);

    return HS_OK;
}


#define HS_TENANTS_PATH_MAX  ((HS_TENANTS_MAX_DEPTH + 1) * (HS_UUID_LEN + 1) \
                              + 2)

static hs_rc_t
hs_tenants_ancestry(void *self, const char *id, hs_tenant_id_t *ids,
    size_t max, size_t *n, hs_error_t *err)
{
    char     path[HS_TENANTS_PATH_MAX], *p;
    size_t   len;
    hs_rc_t  rc;

    *n = 0;

    rc = hs_tenants_path(self, id, path, sizeof(path), err);
    if (rc != HS_OK) {
        return rc;
    }

    /* every "/<uuid>" but the last one */
    len = strlen(path);

    for (p = path + 1; p + HS_UUID_LEN + 1 < path + len; p += HS_UUID_LEN + 1)
    {
        if (*n == max) {
            hs_error_set(err, "more than %zu ancestors", max);
            return HS_EOVERFLOW;
        }

        memcpy(ids[*n].id, p, HS_UUID_LEN);
        ids[*n].id[HS_UUID_LEN] = '\0';
        (*n)++;
    }

    return HS_OK;
}


static hs_rc_t
hs_tenants_in_subtree(void *self, const char *ancestor, const char *id,
    int *result, hs_error_t *err)
{
    char     path[HS_TENANTS_PATH_MAX], seg[HS_UUID_LEN + 3];
    hs_rc_t  rc;

    *result = 0;

    if (ancestor == NULL
        || hs_uuid_normalize(ancestor, strlen(ancestor), seg + 1) != HS_OK)
    {
        hs_error_set(err, "no such tenant");
        return HS_ENOTFOUND;
    }

    rc = hs_tenants_path(self, id, path, sizeof(path), err);
    if (rc != HS_OK) {
        return rc;
    }

    seg[0] = '/';
    seg[HS_UUID_LEN + 1] = '/';
    seg[HS_UUID_LEN + 2] = '\0';

    *result = strstr(path, seg) != NULL;

    return HS_OK;
}


/* -------------------------------------------------------- lifecycle */

static hs_rc_t
hs_tenants_init(hs_module_ctx_t *ctx)
{
    hs_tenants_t             *tn;
    const hs_tenants_conf_t  *conf = ctx->config;

    if (ctx->db == NULL) {
        hs_error_set(ctx->err, "no database: set hyperspot_database");
        return HS_ERROR;
    }

    if (!hs_uuid_valid(conf->root_tenant, strlen(conf->root_tenant))) {
        hs_error_set(ctx->err, "root_tenant \"%s\" is not a uuid",
                     conf->root_tenant);
        return HS_EINVAL;
    }

    if (conf->default_page > conf->max_page) {
        hs_error_set(ctx->err, "default_page (%lld) is larger than max_page"
                     " (%lld)", (long long) conf->default_page,
                     (long long) conf->max_page);
        return HS_EINVAL;
    }

    tn = hs_calloc(1, sizeof(hs_tenants_t));
    if (tn == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    tn->db = ctx->db;
    tn->conf = conf;
    tn->log = ctx->log;
    hs_uuid_normalize(conf->root_tenant, HS_UUID_LEN, tn->root);
    tn->limits.max_limit = (size_t) conf->max_page;
    tn->limits.default_limit = (size_t) conf->default_page;

    tn->api.self = tn;
    tn->api.resolve = hs_tenants_resolve;
    tn->api.ancestry = hs_tenants_ancestry;
    tn->api.in_subtree = hs_tenants_in_subtree;

    if (hs_clienthub_publish(ctx->hub, ctx->desc->name, HS_TENANTS_API_NAME,
                             HS_TENANTS_API_MAJOR, HS_TENANTS_API_MINOR,
                             NULL, &tn->api, sizeof(hs_tenants_api_t),
                             ctx->err) != HS_OK)
    {
        hs_free(tn);
        return HS_ERROR;
    }

    ctx->data = tn;

    return HS_OK;
}


static hs_rc_t
hs_tenants_rest_all(hs_module_ctx_t *ctx, hs_api_t *api)
{
    if (hs_api_add_gate(api, ctx->desc->name, HS_GATE_TENANT,
                        hs_tenants_gate, ctx->data, ctx->err) != HS_OK)
    {
        return HS_ERROR;
    }

    return hs_tenants_rest(ctx, api);
}


static void
hs_tenants_fini(hs_module_ctx_t *ctx)
{
    hs_free(ctx->data);
}


const hs_module_desc_t  hs_tenants_module_desc = {
    HS_MODULE_ABI,
    "tenants",
    "1.0.0",
    "The tenant tree: administration, status gate and resolver",
    NULL,                               /* dependencies */
    HS_CAP_REST | HS_CAP_CLIENT | HS_CAP_DB,
    hs_tenants_config,
    sizeof(hs_tenants_conf_t),
    hs_tenants_init,
    hs_tenants_rest_all,
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_tenants_fini
};
