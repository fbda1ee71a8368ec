/*
 * access: API keys and stored role assignments per tenant, and the two
 * gates that make them count (docs/access.md):
 *
 *   HS_GATE_AUTHENTICATE  a key presented in hyperspot_api_key_header
 *                         becomes the request's SecurityCtx
 *   HS_GATE_AUTHORIZE     the subject's stored roles are added to the
 *                         SecurityCtx of every request
 */

#include <string.h>

#include <hs_modkit.h>

#include "hs_access.h"

#define HS_ACCESS_UUID  "{\"type\": \"string\", \"format\": \"uuid\"}"
#define HS_ACCESS_TIME  "{\"type\": \"string\", \"format\": \"date-time\"}"
#define HS_ACCESS_TIME_OR_NULL                                                \
    "{\"type\": [\"string\", \"null\"], \"format\": \"date-time\"}"
#define HS_ACCESS_NAMES                                                       \
    "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}"


static const hs_config_field_t  hs_access_config[] = {
    { "max_page", HS_CFG_INT, offsetof(hs_access_conf_t, max_page),
      "200", 1, 1000, "Largest page a list may ask for (limit)" },
    { "default_page", HS_CFG_INT, offsetof(hs_access_conf_t, default_page),
      "50", 1, 1000, "Page size when a list gives no limit" },
    { "max_subject_roles", HS_CFG_INT,
      offsetof(hs_access_conf_t, max_subject_roles), "32", 1, 256,
      "Stored roles of one subject that a request takes into account" },
    HS_CONFIG_FIELD_END
};


/* ----------------------------------------------------------- helpers */

hs_rc_t
hs_access_fail(hs_call_t *call, hs_rc_t rc, const hs_error_t *err,
    const char *what)
{
    /* a conflict names the resource, not the database's constraint */
    if (rc == HS_EEXIST) {
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                                                 "the %s exists already",
                                                 what));
    }

    return hs_repo_fail(call, rc, err, what);
}


/*
 * A gate that cannot read what it needs: 503 whatever the cause, access
 * is never decided without it; causes other than an unavailable database
 * are logged.
 */
hs_rc_t
hs_access_gate_fail(hs_call_t *call, hs_rc_t rc, const hs_error_t *err,
    const char *what)
{
    if (rc != HS_EAGAIN) {
        hs_log(call->log, HS_LOG_ERR, "access: reading %s failed: %s "
               "(request id %s)", what, err->msg, call->request_id);
    }

    return hs_call_fail(call, hs_problem_new(HS_PROBLEM_SERVICE_UNAVAILABLE,
                                             "access control is "
                                             "unavailable; retry later"));
}


/* A page of t for the call's OData query parameters. */
hs_rc_t
hs_access_list_page(hs_call_t *call, const hs_repo_table_t *t,
    hs_repo_page_t *page)
{
    hs_access_t  *ac = call->module_data;

    return hs_repo_call_page(call, ac->db, t, &ac->limits, NULL, page);
}


json_t *
hs_access_perm_names(const hs_rbac_t *rb, const uint64_t *perms)
{
    size_t   i, n;
    json_t  *a;

    a = json_array();
    n = hs_rbac_count(rb);

    for (i = 0; a != NULL && i < n && i < HS_RBAC_MAX_PERMS; i++) {
        if ((perms[i / 64] >> (i % 64)) & 1
            && json_array_append_new(a, json_string(hs_rbac_permission(rb,
                                                                       i)))
               != 0)
        {
            json_decref(a);
            a = NULL;
        }
    }

    return a;
}


/* ----------------------------------------------------------- schemas */

static const char  hs_access_key_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"tenant_id\", \"name\", \"created_by\","
    "              \"permissions\", \"expires_at\", \"revoked_at\","
    "              \"created_at\", \"updated_at\"],"
    " \"properties\": {"
    "  \"id\": " HS_ACCESS_UUID ", \"tenant_id\": " HS_ACCESS_UUID ","
    "  \"name\": {\"type\": \"string\"},"
    "  \"created_by\": {\"type\": \"string\","
    "                 \"description\": \"The subject that created it\"},"
    "  \"permissions\": " HS_ACCESS_NAMES ","
    "  \"expires_at\": " HS_ACCESS_TIME_OR_NULL ","
    "  \"revoked_at\": " HS_ACCESS_TIME_OR_NULL ","
    "  \"revoked_by\": {\"type\": [\"string\", \"null\"]},"
    "  \"created_at\": " HS_ACCESS_TIME ","
    "  \"updated_at\": " HS_ACCESS_TIME
    " }}";

static const char  hs_access_key_created_schema[] =
    "{\"allOf\": [{\"$ref\": \"#/components/schemas/AccessApiKey\"},"
    "  {\"type\": \"object\", \"required\": [\"key\"],"
    "   \"properties\": {\"key\": {\"type\": \"string\","
    "    \"description\": \"The key, shown only in this response\"}}}]}";

static const char  hs_access_create_key_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"name\"],"
    " \"properties\": {"
    "  \"name\": {\"type\": \"string\", \"minLength\": 1,"
    "           \"maxLength\": 100},"
    "  \"expires_at\": {\"type\": [\"string\", \"null\"],"
    "                 \"format\": \"date-time\","
    "                 \"description\": \"Optional; in the future\"},"
    "  \"permissions\": {\"type\": \"array\", \"minItems\": 1,"
    "                  \"maxItems\": 64, \"uniqueItems\": true,"
    "                  \"items\": {\"type\": \"string\", \"minLength\": 1,"
    "                            \"maxLength\": 129},"
    "                  \"description\": \"Permission patterns (users:read,"
    " users:*); each must be held by the creator. Default: everything"
    " the creator holds\"}"
    " }}";

static const char  hs_access_assignment_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"tenant_id\", \"subject_id\", \"role\","
    "              \"created_by\", \"created_at\", \"updated_at\"],"
    " \"properties\": {"
    "  \"id\": " HS_ACCESS_UUID ", \"tenant_id\": " HS_ACCESS_UUID ","
    "  \"subject_id\": {\"type\": \"string\"},"
    "  \"role\": {\"type\": \"string\"},"
    "  \"created_by\": {\"type\": \"string\"},"
    "  \"created_at\": " HS_ACCESS_TIME ","
    "  \"updated_at\": " HS_ACCESS_TIME
    " }}";

static const char  hs_access_create_assignment_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"subject_id\", \"role\"],"
    " \"properties\": {"
    "  \"subject_id\": {\"type\": \"string\", \"minLength\": 1,"
    "                 \"maxLength\": 128, \"pattern\": \"^[!-~]+$\","
    "                 \"description\": \"A user's subject (the token's"
    " sub) or api_key:<key id>\"},"
    "  \"role\": {\"type\": \"string\", \"minLength\": 1,"
    "           \"maxLength\": 64, \"pattern\": \"^[a-z0-9_.-]+$\","
    "           \"description\": \"A role of security.roles\"}"
    " }}";

static const char  hs_access_roles_schema[] =
    "{\"type\": \"object\", \"required\": [\"roles\"],"
    " \"properties\": {\"roles\": {\"type\": \"array\", \"items\": {"
    "  \"type\": \"object\","
    "  \"required\": [\"name\", \"permissions\", \"grants\"],"
    "  \"properties\": {"
    "   \"name\": {\"type\": \"string\"},"
    "   \"permissions\": " HS_ACCESS_NAMES ","
    "   \"grants\": " HS_ACCESS_NAMES
    "  }}}}}";

static const char  hs_access_page_schema[] =
    HS_REPO_PAGE_SCHEMA("The rows of this page");


/* ------------------------------------------------------- operations */

static const hs_param_t  hs_access_id_param[] = {
    { "id", "path", 1, HS_ACCESS_UUID, "The id" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_access_list_params[] = {
    HS_REPO_LIST_PARAMS("OData filter, e.g. revoked_at eq null",
                        "OData ordering, e.g. created_at desc")
};

#define HS_ACCESS_RESPONSE(name, status, text, schema)                        \
    static const hs_response_t  name[] = {                                    \
        { status, text, schema, NULL },                                       \
        { 0, NULL, NULL, NULL }                                               \
    }

#define HS_ACCESS_REF(name)  "{\"$ref\": \"#/components/schemas/" name "\"}"

HS_ACCESS_RESPONSE(hs_access_key_200, 200, "The API key (never its secret)",
                   HS_ACCESS_REF("AccessApiKey"));
HS_ACCESS_RESPONSE(hs_access_key_201, 201, "The new API key, with the key",
                   HS_ACCESS_REF("AccessApiKeyCreated"));
HS_ACCESS_RESPONSE(hs_access_assignment_200, 200, "The role assignment",
                   HS_ACCESS_REF("AccessRoleAssignment"));
HS_ACCESS_RESPONSE(hs_access_assignment_201, 201, "The new role assignment",
                   HS_ACCESS_REF("AccessRoleAssignment"));
HS_ACCESS_RESPONSE(hs_access_roles_200, 200, "The defined roles",
                   HS_ACCESS_REF("AccessRoles"));
HS_ACCESS_RESPONSE(hs_access_page_200, 200, "A page",
                   HS_ACCESS_REF("AccessPage"));
HS_ACCESS_RESPONSE(hs_access_revoked_204, 204, "Revoked", NULL);
HS_ACCESS_RESPONSE(hs_access_deleted_204, 204, "Deleted", NULL);

/* every operation requires a permission: 401 and 403 from the core */
static const int  hs_access_p_get[] = { 401, 403, 404, 503, 0 };
static const int  hs_access_p_list[] = { 401, 403, 503, 0 };
static const int  hs_access_p_create_key[] = { 401, 403, 503, 0 };
static const int  hs_access_p_revoke[] = { 401, 403, 404, 409, 503, 0 };
static const int  hs_access_p_assign[] = { 401, 403, 409, 503, 0 };
static const int  hs_access_p_unassign[] = { 401, 403, 404, 503, 0 };
static const int  hs_access_p_roles[] = { 401, 403, 0 };

static const hs_route_t  hs_access_ops[] = {
    { .method = "POST", .path = "/access/v1/api-keys",
      .operation_id = "access_create_api_key",
      .summary = "Create an API key",
      .description = "The response carries the key once; only its salted "
                     "hash is stored. The key's permissions must be held "
                     "by the caller (403 otherwise); API keys cannot "
                     "create API keys.",
      .tags = "api-keys",
      .handler = hs_access_keys_create,
      .body_schema = hs_access_create_key_schema,
      .responses = hs_access_key_201,
      .problems = hs_access_p_create_key, .access = "api_keys:write" },
    { .method = "GET", .path = "/access/v1/api-keys",
      .operation_id = "access_list_api_keys",
      .summary = "List the tenant's API keys",
      .description = "OData $filter (name, created_by, expires_at, "
                     "revoked_at, created_at), $orderby, $select; limit "
                     "and cursor. Never the keys themselves.",
      .tags = "api-keys",
      .handler = hs_access_keys_list,
      .params = hs_access_list_params,
      .responses = hs_access_page_200,
      .problems = hs_access_p_list, .access = "api_keys:read" },
    { .method = "GET", .path = "/access/v1/api-keys/{id}",
      .operation_id = "access_get_api_key", .summary = "Get an API key",
      .tags = "api-keys",
      .handler = hs_access_keys_get,
      .params = hs_access_id_param, .responses = hs_access_key_200,
      .problems = hs_access_p_get, .access = "api_keys:read" },
    { .method = "DELETE", .path = "/access/v1/api-keys/{id}",
      .operation_id = "access_revoke_api_key",
      .summary = "Revoke an API key",
      .description = "The key stops working at once; its record stays "
                     "with revoked_at. Revoking it again is 409.",
      .tags = "api-keys",
      .handler = hs_access_keys_revoke,
      .params = hs_access_id_param, .responses = hs_access_revoked_204,
      .problems = hs_access_p_revoke, .access = "api_keys:write" },
    { .method = "GET", .path = "/access/v1/roles",
      .operation_id = "access_list_roles",
      .summary = "The defined roles and what they grant",
      .description = "The roles of security.roles: their patterns and the "
                     "permissions these grant.",
      .tags = "roles",
      .handler = hs_access_roles_list,
      .responses = hs_access_roles_200,
      .problems = hs_access_p_roles, .access = "roles:read" },
    { .method = "POST", .path = "/access/v1/role-assignments",
      .operation_id = "access_create_role_assignment",
      .summary = "Assign a role to a subject",
      .description = "Only defined roles (422), once per subject (409), "
                     "and only roles whose permissions the caller holds "
                     "itself (403). Counts from the next request.",
      .tags = "roles",
      .handler = hs_access_assignments_create,
      .body_schema = hs_access_create_assignment_schema,
      .responses = hs_access_assignment_201,
      .problems = hs_access_p_assign, .access = "roles:write" },
    { .method = "GET", .path = "/access/v1/role-assignments",
      .operation_id = "access_list_role_assignments",
      .summary = "List the tenant's role assignments",
      .description = "OData $filter (subject_id, role, created_by, "
                     "created_at), $orderby, $select; limit and cursor.",
      .tags = "roles",
      .handler = hs_access_assignments_list,
      .params = hs_access_list_params,
      .responses = hs_access_page_200,
      .problems = hs_access_p_list, .access = "roles:read" },
    { .method = "GET", .path = "/access/v1/role-assignments/{id}",
      .operation_id = "access_get_role_assignment",
      .summary = "Get a role assignment", .tags = "roles",
      .handler = hs_access_assignments_get,
      .params = hs_access_id_param, .responses = hs_access_assignment_200,
      .problems = hs_access_p_get, .access = "roles:read" },
    { .method = "DELETE", .path = "/access/v1/role-assignments/{id}",
      .operation_id = "access_delete_role_assignment",
      .summary = "Remove a role assignment",
      .description = "Takes effect with the subject's next request. Only "
                     "for roles whose permissions the caller holds (403).",
      .tags = "roles",
      .handler = hs_access_assignments_delete,
      .params = hs_access_id_param, .responses = hs_access_deleted_204,
      .problems = hs_access_p_unassign, .access = "roles:write" },
};

static const struct {
    const char  *name;
    const char  *json;
} hs_access_schemas[] = {
    { "AccessApiKey", hs_access_key_schema },
    { "AccessApiKeyCreated", hs_access_key_created_schema },
    { "AccessRoleAssignment", hs_access_assignment_schema },
    { "AccessRoles", hs_access_roles_schema },
    { "AccessPage", hs_access_page_schema },
};


/* --------------------------------------------------------- lifecycle */

static hs_rc_t
hs_access_init(hs_module_ctx_t *ctx)
{
    hs_access_t             *ac;
    const hs_access_conf_t  *conf = ctx->config;

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

    ac = hs_calloc(1, sizeof(hs_access_t));
    if (ac == NULL) {
        hs_error_set(ctx->err, "out of memory");
        return HS_ENOMEM;
    }

    ac->db = ctx->db;
    ac->conf = conf;
    ac->limits.max_limit = (size_t) conf->max_page;
    ac->limits.default_limit = (size_t) conf->default_page;
    ac->limits.max_length = 2048;
    ac->limits.max_depth = 16;
    ac->limits.max_terms = 64;

    ctx->data = ac;

    return HS_OK;
}


static hs_rc_t
hs_access_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    size_t  i;

    for (i = 0; i < hs_nelems(hs_access_schemas); i++) {
        if (hs_api_add_schema(api, ctx->desc->name, hs_access_schemas[i].name,
                              hs_access_schemas[i].json, ctx->err)
            != HS_OK)
        {
            return HS_ERROR;
        }
    }

    if (hs_api_add_operations(api, ctx->desc->name, hs_access_ops,
                              hs_nelems(hs_access_ops), ctx->data, ctx->err)
        != HS_OK)
    {
        return HS_ERROR;
    }

    if (hs_api_add_gate(api, ctx->desc->name, HS_GATE_AUTHENTICATE,
                        hs_access_authenticate, ctx->data, ctx->err)
        != HS_OK)
    {
        return HS_ERROR;
    }

    return hs_api_add_gate(api, ctx->desc->name, HS_GATE_AUTHORIZE,
                           hs_access_authorize, ctx->data, ctx->err);
}


static void
hs_access_fini(hs_module_ctx_t *ctx)
{
    hs_free(ctx->data);
}


const hs_module_desc_t  hs_access_module_desc = {
    HS_MODULE_ABI,
    "access",
    "1.0.0",
    "API keys and stored role assignments of a tenant",
    NULL,                               /* dependencies */
    HS_CAP_REST | HS_CAP_DB,
    hs_access_config,
    sizeof(hs_access_conf_t),
    hs_access_init,
    hs_access_rest,
    NULL,                               /* start */
    NULL,                               /* stop */
    hs_access_fini
};
