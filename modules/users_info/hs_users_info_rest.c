/*
 * users_info REST API: the operation table and its handlers.
 *
 * Every handler is the same three steps: take the validated request,
 * call the tenant-scoped repository with the request's SecurityCtx, map
 * the result to a response or a problem. Shapes are checked by the
 * schemas below before a handler runs.
 */

#include <string.h>

#include <hs_modkit.h>

#include "hs_users_info.h"

#define HS_UI_UUID  "{\"type\": \"string\", \"format\": \"uuid\"}"


/* ------------------------------------------------------------ tables */

static const hs_od_field_t  hs_users_info_user_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },
    { "email", "email", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "display_name", "display_name", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "created_at", "created_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "updated_at", "updated_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { NULL, NULL, 0, 0 }
};

static const hs_od_field_t  hs_users_info_city_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },
    { "name", "name", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "country", "country", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "created_at", "created_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "updated_at", "updated_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { NULL, NULL, 0, 0 }
};

static const hs_od_field_t  hs_users_info_address_fields[] = {
    { "id", "id", HS_OD_UUID, 0 },
    { "tenant_id", "tenant_id", HS_OD_UUID, 0 },
    { "user_id", "user_id", HS_OD_UUID, 0 },
    { "city_id", "city_id", HS_OD_UUID, 0 },
    { "street", "street", HS_OD_STRING, 0 },
    { "postal_code", "postal_code", HS_OD_STRING, 0 },
    { "created_at", "created_at", HS_OD_DATETIME, 0 },
    { "updated_at", "updated_at", HS_OD_DATETIME, 0 },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  hs_users_info_users = {
    "users_info_users", "user", hs_users_info_user_fields
};

static const hs_repo_table_t  hs_users_info_cities = {
    "users_info_cities", "city", hs_users_info_city_fields
};

static const hs_repo_table_t  hs_users_info_addresses = {
    "users_info_addresses", "address", hs_users_info_address_fields
};


/* ----------------------------------------------------------- helpers */

/* A tenant_id in a body must be the caller's own. */
static int
hs_users_info_foreign_tenant(hs_call_t *call, const json_t *body)
{
    char          t[HS_UUID_LEN + 1];
    const json_t *v;

    v = json_object_get(body, "tenant_id");

    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    if (hs_uuid_normalize(json_string_value(v), json_string_length(v), t)
        == HS_OK && strcmp(t, call->sec.tenant_id) == 0)
    {
        return 0;
    }

    hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN,
                                      "tenant_id must be your own tenant"));

    return 1;
}


/* The handlers below serve the resource of their operation's data. */

static hs_rc_t
hs_users_info_list(hs_call_t *call)
{
    hs_users_info_t  *ui = call->module_data;

    return hs_repo_reply_list(call, ui->db, call->route->data, &ui->limits,
                              NULL);
}


static hs_rc_t
hs_users_info_get(hs_call_t *call)
{
    const hs_repo_table_t  *t = call->route->data;
    hs_users_info_t        *ui = call->module_data;

    return hs_repo_reply_get(call, ui->db, t, hs_call_param(call, "id"));
}


static hs_rc_t
hs_users_info_create(hs_call_t *call)
{
    json_t           *row;
    hs_rc_t           rc;
    hs_error_t        err;
    const hs_repo_table_t  *t = call->route->data;
    hs_users_info_t  *ui = call->module_data;

    if (hs_users_info_foreign_tenant(call, hs_call_json(call))) {
        return HS_OK;
    }

    rc = hs_repo_create(ui->db, &call->sec, t, hs_call_json(call), &row,
                        &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, t->resource);
    }

    hs_call_set_location(call, "%s/%s", call->path,
                         json_string_value(json_object_get(row, "id")));

    return hs_call_reply(call, 201, row);
}


static hs_rc_t
hs_users_info_patch(hs_call_t *call)
{
    json_t           *row;
    hs_rc_t           rc;
    hs_error_t        err;
    const hs_repo_table_t  *t = call->route->data;
    hs_users_info_t  *ui = call->module_data;

    rc = hs_repo_update(ui->db, &call->sec, t, hs_call_param(call, "id"),
                        hs_call_json(call), &row, &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, t->resource);
    }

    return hs_call_reply(call, 200, row);
}


static hs_rc_t
hs_users_info_delete(hs_call_t *call)
{
    hs_rc_t           rc;
    hs_error_t        err;
    const hs_repo_table_t  *t = call->route->data;
    hs_users_info_t  *ui = call->module_data;

    rc = hs_repo_delete(ui->db, &call->sec, t, hs_call_param(call, "id"),
                        &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, t->resource);
    }

    return hs_call_reply(call, 204, NULL);
}


/* ---------------------------------------------------------- handlers */

static hs_rc_t
hs_users_info_get_address(hs_call_t *call)
{
    json_t           *row;
    hs_rc_t           rc;
    hs_error_t        err;
    hs_users_info_t  *ui = call->module_data;

    rc = hs_repo_get_by(ui->db, &call->sec, &hs_users_info_addresses,
                        "user_id", hs_call_param(call, "id"), &row, &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, "address");
    }

    return hs_call_reply(call, 200, row);
}


static hs_rc_t
hs_users_info_put_address(hs_call_t *call)
{
    int               created;
    json_t           *row;
    hs_rc_t           rc;
    hs_error_t        err;
    const char       *user, *city;
    hs_users_info_t  *ui = call->module_data;

    user = hs_call_param(call, "id");
    city = json_string_value(json_object_get(hs_call_json(call), "city_id"));

    /* the user and the city must exist in this tenant */
    rc = hs_repo_get(ui->db, &call->sec, &hs_users_info_users, user, NULL,
                     &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, "user");
    }

    rc = hs_repo_get(ui->db, &call->sec, &hs_users_info_cities, city, NULL,
                     &err);
    if (rc == HS_ENOTFOUND) {
        return hs_call_fail(call, hs_problem_new(
                   HS_PROBLEM_VALIDATION_FAILED, "city %s does not exist",
                   city));
    }

    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, "city");
    }

    rc = hs_repo_put_by(ui->db, &call->sec, &hs_users_info_addresses,
                        "user_id", user, hs_call_json(call), &row, &created,
                        &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, "address");
    }

    return hs_call_reply(call, 200, row);
}


static hs_rc_t
hs_users_info_delete_address(hs_call_t *call)
{
    hs_rc_t           rc;
    hs_error_t        err;
    hs_users_info_t  *ui = call->module_data;

    rc = hs_repo_delete_by(ui->db, &call->sec, &hs_users_info_addresses,
                           "user_id", hs_call_param(call, "id"), &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, "address");
    }

    return hs_call_reply(call, 204, NULL);
}


/* ----------------------------------------------------------- schemas */

static const char  hs_users_info_user_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"tenant_id\", \"email\", \"display_name\","
    "              \"created_at\", \"updated_at\"],"
    " \"properties\": {"
    "  \"id\": " HS_UI_UUID ", \"tenant_id\": " HS_UI_UUID ","
    "  \"email\": {\"type\": \"string\", \"format\": \"email\"},"
    "  \"display_name\": {\"type\": \"string\"},"
    "  \"created_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"updated_at\": {\"type\": \"string\", \"format\": \"date-time\"}"
    " }}";

static const char  hs_users_info_create_user_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"email\", \"display_name\"],"
    " \"properties\": {"
    "  \"id\": {\"type\": [\"string\", \"null\"], \"format\": \"uuid\","
    "         \"description\": \"Optional; a UUID v7 is generated\"},"
    "  \"tenant_id\": {\"type\": \"string\", \"format\": \"uuid\","
    "                \"description\": \"Optional; must be your tenant\"},"
    "  \"email\": {\"type\": \"string\", \"format\": \"email\","
    "            \"maxLength\": 254},"
    "  \"display_name\": {\"type\": \"string\", \"minLength\": 1,"
    "                   \"maxLength\": 200}"
    " }}";

static const char  hs_users_info_update_user_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"minProperties\": 1,"
    " \"properties\": {"
    "  \"email\": {\"type\": \"string\", \"format\": \"email\","
    "            \"maxLength\": 254},"
    "  \"display_name\": {\"type\": \"string\", \"minLength\": 1,"
    "                   \"maxLength\": 200}"
    " }}";

static const char  hs_users_info_city_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"tenant_id\", \"name\", \"country\","
    "              \"created_at\", \"updated_at\"],"
    " \"properties\": {"
    "  \"id\": " HS_UI_UUID ", \"tenant_id\": " HS_UI_UUID ","
    "  \"name\": {\"type\": \"string\"},"
    "  \"country\": {\"type\": \"string\"},"
    "  \"created_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"updated_at\": {\"type\": \"string\", \"format\": \"date-time\"}"
    " }}";

static const char  hs_users_info_create_city_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"name\", \"country\"],"
    " \"properties\": {"
    "  \"id\": {\"type\": [\"string\", \"null\"], \"format\": \"uuid\"},"
    "  \"tenant_id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"name\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 200},"
    "  \"country\": {\"type\": \"string\", \"minLength\": 1,"
    "              \"maxLength\": 100}"
    " }}";

static const char  hs_users_info_update_city_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"minProperties\": 1,"
    " \"properties\": {"
    "  \"name\": {\"type\": \"string\", \"minLength\": 1, \"maxLength\": 200},"
    "  \"country\": {\"type\": \"string\", \"minLength\": 1,"
    "              \"maxLength\": 100}"
    " }}";

static const char  hs_users_info_address_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"tenant_id\", \"user_id\", \"city_id\","
    "              \"street\", \"postal_code\", \"created_at\","
    "              \"updated_at\"],"
    " \"properties\": {"
    "  \"id\": " HS_UI_UUID ", \"tenant_id\": " HS_UI_UUID ","
    "  \"user_id\": " HS_UI_UUID ", \"city_id\": " HS_UI_UUID ","
    "  \"street\": {\"type\": \"string\"},"
    "  \"postal_code\": {\"type\": \"string\"},"
    "  \"created_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"updated_at\": {\"type\": \"string\", \"format\": \"date-time\"}"
    " }}";

static const char  hs_users_info_put_address_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"city_id\", \"street\", \"postal_code\"],"
    " \"properties\": {"
    "  \"city_id\": " HS_UI_UUID ","
    "  \"street\": {\"type\": \"string\", \"minLength\": 1,"
    "             \"maxLength\": 300},"
    "  \"postal_code\": {\"type\": \"string\", \"minLength\": 1,"
    "                  \"maxLength\": 20}"
    " }}";

static const char  hs_users_info_page_schema[] =
    HS_REPO_PAGE_SCHEMA("The rows of this page");


/* ------------------------------------------------------- operations */

static const hs_param_t  hs_users_info_id_param[] = {
    { "id", "path", 1, HS_UI_UUID, "The id" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_users_info_list_params[] = {
    HS_REPO_LIST_PARAMS("OData filter, e.g. email eq 'a@example.com'",
                        "OData ordering, e.g. created_at desc")
};

#define HS_UI_RESPONSE(name, status, text, schema)                            \
    static const hs_response_t  name[] = {                                    \
        { status, text, schema, NULL },                                       \
        { 0, NULL, NULL, NULL }                                               \
    }

HS_UI_RESPONSE(hs_users_info_user_200, 200, "The user",
               "{\"$ref\": \"#/components/schemas/UsersInfoUser\"}");
HS_UI_RESPONSE(hs_users_info_user_201, 201, "The new user",
               "{\"$ref\": \"#/components/schemas/UsersInfoUser\"}");
HS_UI_RESPONSE(hs_users_info_city_200, 200, "The city",
               "{\"$ref\": \"#/components/schemas/UsersInfoCity\"}");
HS_UI_RESPONSE(hs_users_info_city_201, 201, "The new city",
               "{\"$ref\": \"#/components/schemas/UsersInfoCity\"}");
HS_UI_RESPONSE(hs_users_info_address_200, 200, "The address",
               "{\"$ref\": \"#/components/schemas/UsersInfoAddress\"}");
HS_UI_RESPONSE(hs_users_info_page_200, 200, "A page",
               "{\"$ref\": \"#/components/schemas/UsersInfoPage\"}");
HS_UI_RESPONSE(hs_users_info_204, 204, "Deleted", NULL);

static const int  hs_users_info_p_get[] = { 404, 503, 0 };
static const int  hs_users_info_p_create[] = { 403, 409, 503, 0 };
static const int  hs_users_info_p_update[] = { 404, 409, 503, 0 };
static const int  hs_users_info_p_list[] = { 503, 0 };

static const hs_route_t  hs_users_info_ops[] = {
    { .method = "GET", .path = "/users-info/v1/users",
      .operation_id = "users_info_list_users", .summary = "List users",
      .description = "OData $filter, $orderby, $select; limit and cursor.",
      .tags = "users",
      .handler = hs_users_info_list, .data = &hs_users_info_users,
      .params = hs_users_info_list_params,
      .responses = hs_users_info_page_200,
      .problems = hs_users_info_p_list, .access = "users:read" },
    { .method = "POST", .path = "/users-info/v1/users",
      .operation_id = "users_info_create_user", .summary = "Create a user",
      .description = "409 when the email is taken in the tenant.",
      .tags = "users",
      .handler = hs_users_info_create, .data = &hs_users_info_users,
      .body_schema = hs_users_info_create_user_schema,
      .responses = hs_users_info_user_201,
      .problems = hs_users_info_p_create, .access = "users:write" },
    { .method = "GET", .path = "/users-info/v1/users/{id}",
      .operation_id = "users_info_get_user", .summary = "Get a user",
      .tags = "users",
      .handler = hs_users_info_get, .data = &hs_users_info_users,
      .params = hs_users_info_id_param, .responses = hs_users_info_user_200,
      .problems = hs_users_info_p_get, .access = "users:read" },
    { .method = "PATCH", .path = "/users-info/v1/users/{id}",
      .operation_id = "users_info_update_user",
      .summary = "Update a user (partial)", .tags = "users",
      .handler = hs_users_info_patch, .data = &hs_users_info_users,
      .params = hs_users_info_id_param,
      .body_schema = hs_users_info_update_user_schema,
      .body_media = "application/json, application/merge-patch+json",
      .responses = hs_users_info_user_200,
      .problems = hs_users_info_p_update, .access = "users:write" },
    { .method = "DELETE", .path = "/users-info/v1/users/{id}",
      .operation_id = "users_info_delete_user", .summary = "Delete a user",
      .description = "Deletes the user's address too.",
      .tags = "users",
      .handler = hs_users_info_delete, .data = &hs_users_info_users,
      .params = hs_users_info_id_param, .responses = hs_users_info_204,
      .problems = hs_users_info_p_get, .access = "users:write" },
    { .method = "GET", .path = "/users-info/v1/users/{id}/address",
      .operation_id = "users_info_get_user_address",
      .summary = "Get a user's address", .tags = "addresses",
      .handler = hs_users_info_get_address,
      .params = hs_users_info_id_param,
      .responses = hs_users_info_address_200,
      .problems = hs_users_info_p_get, .access = "users:read" },
    { .method = "PUT", .path = "/users-info/v1/users/{id}/address",
      .operation_id = "users_info_put_user_address",
      .summary = "Create or replace a user's address", .tags = "addresses",
      .handler = hs_users_info_put_address,
      .params = hs_users_info_id_param,
      .body_schema = hs_users_info_put_address_schema,
      .responses = hs_users_info_address_200,
      .problems = hs_users_info_p_update, .access = "users:write" },
    { .method = "DELETE", .path = "/users-info/v1/users/{id}/address",
      .operation_id = "users_info_delete_user_address",
      .summary = "Delete a user's address", .tags = "addresses",
      .handler = hs_users_info_delete_address,
      .params = hs_users_info_id_param, .responses = hs_users_info_204,
      .problems = hs_users_info_p_get, .access = "users:write" },
    { .method = "GET", .path = "/users-info/v1/cities",
      .operation_id = "users_info_list_cities", .summary = "List cities",
      .tags = "cities",
      .handler = hs_users_info_list, .data = &hs_users_info_cities,
      .params = hs_users_info_list_params,
      .responses = hs_users_info_page_200,
      .problems = hs_users_info_p_list, .access = "cities:read" },
    { .method = "POST", .path = "/users-info/v1/cities",
      .operation_id = "users_info_create_city", .summary = "Create a city",
      .tags = "cities",
      .handler = hs_users_info_create, .data = &hs_users_info_cities,
      .body_schema = hs_users_info_create_city_schema,
      .responses = hs_users_info_city_201,
      .problems = hs_users_info_p_create, .access = "cities:write" },
    { .method = "GET", .path = "/users-info/v1/cities/{id}",
      .operation_id = "users_info_get_city", .summary = "Get a city",
      .tags = "cities",
      .handler = hs_users_info_get, .data = &hs_users_info_cities,
      .params = hs_users_info_id_param, .responses = hs_users_info_city_200,
      .problems = hs_users_info_p_get, .access = "cities:read" },
    { .method = "PATCH", .path = "/users-info/v1/cities/{id}",
      .operation_id = "users_info_update_city",
      .summary = "Update a city (partial)", .tags = "cities",
      .handler = hs_users_info_patch, .data = &hs_users_info_cities,
      .params = hs_users_info_id_param,
      .body_schema = hs_users_info_update_city_schema,
      .body_media = "application/json, application/merge-patch+json",
      .responses = hs_users_info_city_200,
      .problems = hs_users_info_p_update, .access = "cities:write" },
    { .method = "DELETE", .path = "/users-info/v1/cities/{id}",
      .operation_id = "users_info_delete_city", .summary = "Delete a city",
      .description = "409 while an address refers to it.",
      .tags = "cities",
      .handler = hs_users_info_delete, .data = &hs_users_info_cities,
      .params = hs_users_info_id_param, .responses = hs_users_info_204,
      .problems = hs_users_info_p_update, .access = "cities:write" },
};

static const struct {
    const char  *name;
    const char  *json;
} hs_users_info_schemas[] = {
    { "UsersInfoUser", hs_users_info_user_schema },
    { "UsersInfoCity", hs_users_info_city_schema },
    { "UsersInfoAddress", hs_users_info_address_schema },
    { "UsersInfoPage", hs_users_info_page_schema },
};


hs_rc_t
hs_users_info_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    size_t  i;

    for (i = 0; i < hs_nelems(hs_users_info_schemas); i++) {
        if (hs_api_add_schema(api, ctx->desc->name,
                              hs_users_info_schemas[i].name,
                              hs_users_info_schemas[i].json, ctx->err)
            != HS_OK)
        {
            return HS_ERROR;
        }
    }

    return hs_api_add_operations(api, ctx->desc->name, hs_users_info_ops,
                                 hs_nelems(hs_users_info_ops), ctx->data,
                                 ctx->err);
}
