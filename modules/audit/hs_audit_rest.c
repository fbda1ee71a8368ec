/*
 * audit REST API: the tenant's audit trail, read-only. Only GET
 * operations exist, so any other method on these paths is a 405 with
 * Allow; the events themselves are written by the sink alone.
 */

#include <string.h>

#include <hs_modkit.h>

#include "hs_audit.h"

#define HS_AUDIT_TEXT_OR_NULL  "{\"type\": [\"string\", \"null\"]}"


/*
 * The reserved tenant holds the events that had no tenant: nobody reads
 * them through the API, not even a caller whose token names it.
 */
static int
hs_audit_reserved(hs_call_t *call)
{
    if (strcmp(call->sec.tenant_id, HS_AUDIT_NO_TENANT) != 0) {
        return 0;
    }

    hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN,
                                      "the audit trail of tenant %s is not "
                                      "readable through the API",
                                      HS_AUDIT_NO_TENANT));
    return 1;
}


static hs_rc_t
hs_audit_list(hs_call_t *call)
{
    hs_audit_t  *au = call->module_data;

    if (hs_audit_reserved(call)) {
        return HS_OK;
    }

    return hs_repo_reply_list(call, au->db, &hs_audit_events, &au->limits,
                              "time desc");
}


static hs_rc_t
hs_audit_get(hs_call_t *call)
{
    hs_audit_t  *au = call->module_data;

    if (hs_audit_reserved(call)) {
        return HS_OK;
    }

    return hs_repo_reply_get(call, au->db, &hs_audit_events,
                             hs_call_param(call, "id"));
}


/* ----------------------------------------------------------- schemas */

static const char  hs_audit_event_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"id\", \"tenant_id\", \"time\", \"action\","
    "              \"outcome\"],"
    " \"properties\": {"
    "  \"id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"tenant_id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"time\": {\"type\": \"string\", \"format\": \"date-time\","
    "           \"description\": \"When it was recorded (UTC, ms)\"},"
    "  \"action\": {\"type\": \"string\","
    "             \"description\": \"auth.failed, access.denied, ...\"},"
    "  \"outcome\": {\"type\": \"string\","
    "              \"description\": \"success, failure or denied\"},"
    "  \"subject_id\": " HS_AUDIT_TEXT_OR_NULL ","
    "  \"auth_method\": " HS_AUDIT_TEXT_OR_NULL ","
    "  \"request_id\": " HS_AUDIT_TEXT_OR_NULL ","
    "  \"source\": " HS_AUDIT_TEXT_OR_NULL ","
    "  \"resource\": " HS_AUDIT_TEXT_OR_NULL ","
    "  \"detail\": " HS_AUDIT_TEXT_OR_NULL
    " }}";

static const char  hs_audit_page_schema[] =
    HS_REPO_PAGE_SCHEMA("AuditEvent objects (the $select fields)");


/* ------------------------------------------------------- operations */

static const hs_param_t  hs_audit_id_param[] = {
    { "id", "path", 1, "{\"type\": \"string\", \"format\": \"uuid\"}",
      "The event's id" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_audit_list_params[] = {
    HS_REPO_LIST_PARAMS(
        "OData filter on id, time, action, outcome, subject_id, "
        "auth_method, request_id, source, resource; e.g. time ge "
        "2026-01-01T00:00:00Z and outcome eq 'denied'",
        "OData ordering on time, action, outcome, subject_id or id; "
        "default time desc")
};

static const hs_response_t  hs_audit_event_200[] = {
    { 200, "The event",
      "{\"$ref\": \"#/components/schemas/AuditEvent\"}", NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs_audit_page_200[] = {
    { 200, "A page of events",
      "{\"$ref\": \"#/components/schemas/AuditEventPage\"}", NULL },
    { 0, NULL, NULL, NULL }
};

static const int  hs_audit_p_list[] = { 403, 503, 0 };
static const int  hs_audit_p_get[] = { 403, 404, 503, 0 };

static const hs_route_t  hs_audit_ops[] = {
    { .method = "GET", .path = "/audit/v1/events",
      .operation_id = "audit_list_events",
      .summary = "List the tenant's audit events",
      .description = "Newest first unless $orderby says otherwise. "
                     "OData $filter, $orderby, $select; limit and cursor. "
                     "The trail is read-only: there are no operations "
                     "that create, change or delete events.",
      .tags = "audit",
      .handler = hs_audit_list,
      .params = hs_audit_list_params,
      .responses = hs_audit_page_200,
      .problems = hs_audit_p_list, .access = "audit:read" },
    { .method = "GET", .path = "/audit/v1/events/{id}",
      .operation_id = "audit_get_event",
      .summary = "Get one audit event",
      .description = "Another tenant's events are 404.",
      .tags = "audit",
      .handler = hs_audit_get,
      .params = hs_audit_id_param,
      .responses = hs_audit_event_200,
      .problems = hs_audit_p_get, .access = "audit:read" },
};


hs_rc_t
hs_audit_add_operations(hs_module_ctx_t *ctx, hs_api_t *api)
{
    if (hs_api_add_schema(api, ctx->desc->name, "AuditEvent",
                          hs_audit_event_schema, ctx->err)
        != HS_OK
        || hs_api_add_schema(api, ctx->desc->name, "AuditEventPage",
                             hs_audit_page_schema, ctx->err)
           != HS_OK)
    {
        return HS_ERROR;
    }

    return hs_api_add_operations(api, ctx->desc->name, hs_audit_ops,
                                 hs_nelems(hs_audit_ops), ctx->data,
                                 ctx->err);
}
