/*
 * tenants REST API: the operation table and its handlers. Every read and
 * write goes through the hierarchy-scoped table (hs_tenants_tree): a
 * tenant outside the caller's subtree is a 404 like one that does not
 * exist. The rules are in docs/tenants.md.
 */

#include <string.h>

#include <hs_modkit.h>

#include "hs_tenants.h"

#define HS_TN_UUID  "{\"type\": \"string\", \"format\": \"uuid\"}"
#define HS_TN_PATH  "/tenants/v1/tenants"


/* ----------------------------------------------------------- helpers */

/* Repository results to problems (a conflict is always about the id). */
static hs_rc_t
hs_tenants_fail(hs_call_t *call, hs_rc_t rc, const hs_error_t *err)
{
    if (rc == HS_EEXIST) {
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                                                 "a tenant with this id "
                                                 "exists"));
    }

    return hs_repo_fail(call, rc, err, "tenant");
}


static const char *
hs_tenants_str(const json_t *row, const char *field)
{
    return json_string_value(json_object_get(row, field));
}


/*
 * The tenant id, visible to the caller (else 404), into *row. With
 * manage: the caller must also manage below it (its own tenant, or one
 * that is not self-managed: else 403, the row being visible anyway).
 * Returns 1 when the call may go on; otherwise the problem is set.
 */
static int
hs_tenants_target(hs_call_t *call, const char *id, int manage, json_t **row)
{
    hs_rc_t        rc;
    hs_error_t     err;
    hs_tenants_t  *tn = call->module_data;

    *row = NULL;

    rc = hs_repo_tree_get(tn->db, &call->sec, &hs_tenants_tree, id, row,
                          &err);
    if (rc != HS_OK) {
        /* without a problem (a database failure) the handler fails */
        hs_tenants_fail(call, rc, &err);
        return 0;
    }

    if (manage
        && json_is_true(json_object_get(*row, "self_managed"))
        && strcmp(hs_tenants_str(*row, "id"), call->sec.tenant_id) != 0)
    {
        hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN,
                     "tenant %s is self-managed: only its own "
                     "administrators see and manage the tenants below it",
                     hs_tenants_str(*row, "id")));
        json_decref(*row);
        *row = NULL;
        return 0;
    }

    return 1;
}


/* 1: the tenant has children that are not deleted; -1: an error. */
static int
hs_tenants_live_children(hs_call_t *call, const char *id)
{
    int              n;
    size_t           keylen;
    hs_rc_t          rc;
    hs_error_t       err;
    hs_problem_t    *p;
    hs_od_query_t   *q;
    hs_repo_page_t   page;
    hs_tenants_t    *tn = call->module_data;
    const unsigned char  *key;

    key = hs_cursor_key(&keylen);
    p = NULL;

    q = hs_od_parse(hs_tenants_tree.table.fields, "id", "status ne 'deleted'",
                    NULL, NULL, "1", NULL, &tn->limits, key, keylen, &p);
    if (q == NULL) {
        hs_problem_free(p);
        return -1;
    }

    rc = hs_repo_tree_list(tn->db, &call->sec, &hs_tenants_tree, id, 1, q,
                           0, key, keylen, &page, &err);
    hs_od_free(q);

    if (rc != HS_OK) {
        hs_tenants_fail(call, rc, &err);
        return -1;
    }

    n = json_array_size(page.items) > 0;
    hs_repo_page_release(&page);

    return n;
}


/* ---------------------------------------------------------- handlers */

static hs_rc_t
hs_tenants_get(hs_call_t *call)
{
    json_t  *row;

    if (!hs_tenants_target(call, hs_call_param(call, "id"), 0, &row)) {
        return call->problem != NULL ? HS_OK : HS_ERROR;
    }

    return hs_call_reply(call, 200, row);
}


static hs_rc_t
hs_tenants_create(hs_call_t *call)
{
    json_t         *body, *parent, *values, *row;
    hs_rc_t         rc;
    hs_error_t      err;
    const char     *pid, *st;
    hs_tenants_t   *tn = call->module_data;

    body = hs_call_json(call);
    pid = hs_tenants_str(body, "parent_id");
    if (pid == NULL) {
        pid = call->sec.tenant_id;
    }

    if (!hs_tenants_target(call, pid, 1, &parent)) {
        return call->problem != NULL ? HS_OK : HS_ERROR;
    }

    st = hs_tenants_str(parent, "status");

    if (strcmp(st, "active") != 0) {
        rc = hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                 "tenant %s is %s: children are created only below "
                 "active tenants", pid, st));
        json_decref(parent);
        return rc;
    }

    if (json_integer_value(json_object_get(parent, "depth"))
        >= tn->conf->max_depth)
    {
        json_decref(parent);
        return hs_call_fail(call, hs_problem_new(
                   HS_PROBLEM_VALIDATION_FAILED,
                   "the tenant tree is at most %lld levels deep below the "
                   "root", (long long) tn->conf->max_depth));
    }

    json_decref(parent);

    values = json_pack("{s:O, s:s, s:b}", "name",
                       json_object_get(body, "name"), "status", "active",
                       "self_managed",
                       json_is_true(json_object_get(body, "self_managed")));
    if (values == NULL) {
        return HS_ENOMEM;
    }

    if (json_object_get(body, "id") != NULL) {
        json_object_set(values, "id", json_object_get(body, "id"));
    }

    /* the parent is checked again inside the insert: still managed by
       the caller and still active */
    rc = hs_repo_tree_create(tn->db, &call->sec, &hs_tenants_tree, pid,
                             "status", "active", values, &row, &err);
    json_decref(values);

    if (rc == HS_ENOTFOUND) {
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                   "tenant %s changed meanwhile; retry", pid));
    }

    if (rc != HS_OK) {
        return hs_tenants_fail(call, rc, &err);
    }

    hs_call_audit(call, "tenant.created", "success",
                  hs_tenants_str(row, "id"), "tenant %s created below %s%s",
                  hs_tenants_str(row, "id"), pid,
                  json_is_true(json_object_get(row, "self_managed"))
                  ? " (self-managed)" : "");

    hs_call_set_location(call, HS_TN_PATH "/%s", hs_tenants_str(row, "id"));

    return hs_call_reply(call, 201, row);
}


static hs_rc_t
hs_tenants_patch(hs_call_t *call)
{
    int                  live;
    json_t              *cur, *row, *body;
    hs_rc_t              rc;
    hs_error_t           err;
    const char          *id, *from, *to;
    hs_tenants_t        *tn = call->module_data;
    hs_tenant_status_t   sfrom, sto;

    body = hs_call_json(call);

    if (!hs_tenants_target(call, hs_call_param(call, "id"), 0, &cur)) {
        return call->problem != NULL ? HS_OK : HS_ERROR;
    }

    id = hs_tenants_str(cur, "id");
    from = hs_tenants_str(cur, "status");
    to = hs_tenants_str(body, "status");

    if (hs_tenants_status_parse(from, &sfrom) != HS_OK) {
        json_decref(cur);
        hs_log(call->log, HS_LOG_ERR, "tenants: tenant has an unknown "
               "status (request id %s)", call->request_id);
        return HS_ERROR;
    }

    if (to == NULL || hs_tenants_status_parse(to, &sto) != HS_OK) {
        sto = sfrom;
    }

    rc = HS_OK;

    if (sfrom == HS_TENANT_DELETED) {
        rc = hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                 "tenant %s is deleted: deletion is final", id));

    } else if (sto != sfrom && strcmp(id, call->sec.tenant_id) == 0) {
        rc = hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN,
                 "a tenant cannot change its own status; an administrator "
                 "of its parent can"));

    } else if (sto == HS_TENANT_DELETED) {
        live = hs_tenants_live_children(call, id);

        if (live < 0) {
            json_decref(cur);
            return call->problem != NULL ? HS_OK : HS_ERROR;
        }

        if (live) {
            rc = hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                     "tenant %s has children that are not deleted; delete "
                     "them first", id));
        }
    }

    if (call->problem != NULL) {
        json_decref(cur);
        return rc;
    }

    /* only if nobody changed the status meanwhile */
    rc = hs_repo_tree_update_if(tn->db, &call->sec, &hs_tenants_tree, id,
                                "status", from, body, &row, &err);

    if (rc == HS_ENOTFOUND) {
        json_decref(cur);
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                   "the tenant changed meanwhile; retry"));
    }

    if (rc != HS_OK) {
        json_decref(cur);
        return hs_tenants_fail(call, rc, &err);
    }

    if (sto != sfrom) {
        hs_call_audit(call, "tenant.status_changed", "success", id,
                      "tenant %s: %s -> %s", id, from,
                      hs_tenants_str(row, "status"));
    }

    json_decref(cur);

    return hs_call_reply(call, 200, row);
}


/* Children or descendants (the operation's data says which). */
static hs_rc_t
hs_tenants_list(hs_call_t *call)
{
    char                 *buf;
    size_t                size, keylen;
    json_t               *row;
    hs_rc_t               rc;
    hs_error_t            err;
    const char           *cur;
    hs_problem_t         *p;
    hs_od_query_t        *q;
    hs_repo_page_t        page;
    hs_tenants_t         *tn = call->module_data;
    const int            *children = call->route->data;
    const unsigned char  *key;

    if (!hs_tenants_target(call, hs_call_param(call, "id"), 1, &row)) {
        return call->problem != NULL ? HS_OK : HS_ERROR;
    }

    json_decref(row);

    key = hs_cursor_key(&keylen);
    p = NULL;

    /* a decoded value is never longer than the query string */
    size = strlen(call->query) + 1;
    buf = hs_alloc(5 * size);
    if (buf == NULL) {
        return HS_ENOMEM;
    }

    cur = hs_call_query(call, "cursor", buf, size);

    q = hs_od_parse(hs_tenants_tree.table.fields, "id",
                    hs_call_query(call, "$filter", buf + size, size),
                    hs_call_query(call, "$orderby", buf + 2 * size, size),
                    hs_call_query(call, "$select", buf + 3 * size, size),
                    hs_call_query(call, "limit", buf + 4 * size, size),
                    cur, &tn->limits, key, keylen, &p);
    if (q == NULL) {
        hs_free(buf);
        return p != NULL ? hs_call_fail(call, p) : HS_ENOMEM;
    }

    rc = hs_repo_tree_list(tn->db, &call->sec, &hs_tenants_tree,
                           hs_call_param(call, "id"), *children, q,
                           cur != NULL && cur[0], key, keylen, &page, &err);
    hs_od_free(q);
    hs_free(buf);

    if (rc != HS_OK) {
        return hs_tenants_fail(call, rc, &err);
    }

    rc = hs_call_reply(call, 200, hs_repo_page_json(&page));
    hs_repo_page_release(&page);

    return rc;
}


/* ----------------------------------------------------------- schemas */

static const char  hs_tenants_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"parent_id\", \"name\", \"status\","
    "              \"self_managed\", \"depth\", \"created_at\","
    "              \"updated_at\"],"
    " \"properties\": {"
    "  \"id\": " HS_TN_UUID ","
    "  \"parent_id\": {\"type\": [\"string\", \"null\"],"
    "                \"format\": \"uuid\","
    "                \"description\": \"null for the root\"},"
    "  \"name\": {\"type\": \"string\"},"
    "  \"status\": {\"enum\": [\"active\", \"suspended\", \"deleted\"]},"
    "  \"self_managed\": {\"type\": \"boolean\"},"
    "  \"depth\": {\"type\": \"integer\", \"minimum\": 0,"
    "            \"description\": \"0 for the root\"},"
    "  \"created_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"updated_at\": {\"type\": \"string\", \"format\": \"date-time\"}"
    " }}";

static const char  hs_tenants_create_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"name\"],"
    " \"properties\": {"
    "  \"id\": {\"type\": \"string\", \"format\": \"uuid\","
    "         \"description\": \"Optional; a UUID v7 is generated\"},"
    "  \"parent_id\": {\"type\": \"string\", \"format\": \"uuid\","
    "                \"description\": \"Default: the caller's tenant\"},"
    "  \"name\": {\"type\": \"string\", \"minLength\": 1,"
    "           \"maxLength\": 200},"
    "  \"self_managed\": {\"type\": \"boolean\","
    "                   \"description\": \"Its parent's administrators do"
    " not see below it (default false; cannot change later)\"}"
    " }}";

static const char  hs_tenants_update_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"minProperties\": 1,"
    " \"properties\": {"
    "  \"name\": {\"type\": \"string\", \"minLength\": 1,"
    "           \"maxLength\": 200},"
    "  \"status\": {\"enum\": [\"active\", \"suspended\", \"deleted\"],"
    "             \"description\": \"active <-> suspended; either -> "
    "deleted, which is final\"}"
    " }}";

static const char  hs_tenants_page_schema[] =
    HS_REPO_PAGE_SCHEMA("The tenants of this page");


/* ------------------------------------------------------- operations */

static const hs_param_t  hs_tenants_id_param[] = {
    { "id", "path", 1, HS_TN_UUID, "The tenant's id" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_tenants_list_params[] = {
    { "id", "path", 1, HS_TN_UUID, "The tenant's id" },
    HS_REPO_LIST_PARAMS("OData filter, e.g. status eq 'active' and "
                        "startswith(name,'A')",
                        "OData ordering, e.g. name asc")
};

#define HS_TN_RESPONSE(name, status, text, schema)                            \
    static const hs_response_t  name[] = {                                    \
        { status, text, schema, NULL },                                       \
        { 0, NULL, NULL, NULL }                                               \
    }

HS_TN_RESPONSE(hs_tenants_200, 200, "The tenant",
               "{\"$ref\": \"#/components/schemas/TenantsTenant\"}");
HS_TN_RESPONSE(hs_tenants_201, 201, "The new tenant",
               "{\"$ref\": \"#/components/schemas/TenantsTenant\"}");
HS_TN_RESPONSE(hs_tenants_page_200, 200, "A page of tenants",
               "{\"$ref\": \"#/components/schemas/TenantsPage\"}");

static const int  hs_tenants_p_get[] = { 403, 404, 503, 0 };
static const int  hs_tenants_p_write[] = { 403, 404, 409, 503, 0 };

static const int  hs_tenants_children = 1;
static const int  hs_tenants_descendants = 0;

static const hs_route_t  hs_tenants_ops[] = {
    { .method = "POST", .path = HS_TN_PATH,
      .operation_id = "tenants_create_tenant",
      .summary = "Create a child tenant",
      .description = "Below parent_id (default: the caller's tenant), a "
                     "tenant the caller manages and that is active. 404 "
                     "for a parent outside the caller's subtree, 403 below "
                     "a self-managed tenant, 409 below a suspended or "
                     "deleted one, 422 beyond max_depth.",
      .tags = "tenants",
      .handler = hs_tenants_create,
      .body_schema = hs_tenants_create_schema,
      .responses = hs_tenants_201,
      .problems = hs_tenants_p_write, .access = "tenants:write" },
    { .method = "GET", .path = HS_TN_PATH "/{id}",
      .operation_id = "tenants_get_tenant", .summary = "Get a tenant",
      .description = "The caller's own tenant or one in its subtree; "
                     "404 for any other.",
      .tags = "tenants",
      .handler = hs_tenants_get,
      .params = hs_tenants_id_param, .responses = hs_tenants_200,
      .problems = hs_tenants_p_get, .access = "tenants:read" },
    { .method = "PATCH", .path = HS_TN_PATH "/{id}",
      .operation_id = "tenants_update_tenant",
      .summary = "Rename a tenant or change its status",
      .description = "Status: active <-> suspended, active or suspended "
                     "-> deleted (final; only once its children are "
                     "deleted). A tenant cannot change its own status "
                     "(403); a deleted tenant cannot change (409).",
      .tags = "tenants",
      .handler = hs_tenants_patch,
      .params = hs_tenants_id_param,
      .body_schema = hs_tenants_update_schema,
      .body_media = "application/json, application/merge-patch+json",
      .responses = hs_tenants_200,
      .problems = hs_tenants_p_write, .access = "tenants:write" },
    { .method = "GET", .path = HS_TN_PATH "/{id}/children",
      .operation_id = "tenants_list_children",
      .summary = "List a tenant's children",
      .description = "OData $filter, $orderby, $select; limit and cursor. "
                     "403 for the children of a self-managed tenant other "
                     "than the caller's own.",
      .tags = "tenants",
      .handler = hs_tenants_list, .data = &hs_tenants_children,
      .params = hs_tenants_list_params,
      .responses = hs_tenants_page_200,
      .problems = hs_tenants_p_get, .access = "tenants:read" },
    { .method = "GET", .path = HS_TN_PATH "/{id}/descendants",
      .operation_id = "tenants_list_descendants",
      .summary = "List the tenants below a tenant",
      .description = "Every tenant below it that the caller sees: a "
                     "self-managed tenant is listed, the tenants below it "
                     "are not. OData $filter, $orderby, $select; limit "
                     "and cursor.",
      .tags = "tenants",
      .handler = hs_tenants_list, .data = &hs_tenants_descendants,
      .params = hs_tenants_list_params,
      .responses = hs_tenants_page_200,
      .problems = hs_tenants_p_get, .access = "tenants:read" },
};

static const struct {
    const char  *name;
    const char  *json;
} hs_tenants_schemas[] = {
    { "TenantsTenant", hs_tenants_schema },
    { "TenantsPage", hs_tenants_page_schema },
};


hs_rc_t
hs_tenants_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    size_t  i;

    for (i = 0; i < hs_nelems(hs_tenants_schemas); i++) {
        if (hs_api_add_schema(api, ctx->desc->name,
                              hs_tenants_schemas[i].name,
                              hs_tenants_schemas[i].json, ctx->err)
            != HS_OK)
        {
            return HS_ERROR;
        }
    }

    return hs_api_add_operations(api, ctx->desc->name, hs_tenants_ops,
                                 hs_nelems(hs_tenants_ops), ctx->data,
                                 ctx->err);
}
