/*
 * audit_probe: a HyperSpot module for the integration tests only. Its one
 * operation reports an audit event the way other modules do
 * (hs_call_audit), with the action, outcome, resource and detail of the
 * request body.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>
#include <hs_modkit.h>


static hs_rc_t
hs_audit_probe_report(hs_call_t *call)
{
    json_t  *body;

    body = hs_call_json(call);

    hs_call_audit(call,
                  json_string_value(json_object_get(body, "action")),
                  json_string_value(json_object_get(body, "outcome")),
                  json_string_value(json_object_get(body, "resource")),
                  "%s",
                  json_string_value(json_object_get(body, "detail")));

    return hs_call_reply(call, 204, NULL);
}


static const char  hs_audit_probe_schema[] =
    "{\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"action\", \"outcome\", \"detail\"],"
    " \"properties\": {"
    "  \"action\": {\"type\": \"string\"},"
    "  \"outcome\": {\"type\": \"string\"},"
    "  \"resource\": {\"type\": \"string\"},"
    "  \"detail\": {\"type\": \"string\"}"
    " }}";

static const hs_response_t  hs_audit_probe_204[] = {
    { 204, "Reported", NULL, NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_route_t  hs_audit_probe_ops[] = {
    { .method = "POST", .path = "/audit-probe/v1/reports",
      .operation_id = "audit_probe_report",
      .summary = "Report an audit event about this call",
      .handler = hs_audit_probe_report,
      .body_schema = hs_audit_probe_schema,
      .responses = hs_audit_probe_204, .access = "authenticated" },
};


static hs_rc_t
hs_audit_probe_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    return hs_api_add_operations(api, ctx->desc->name, hs_audit_probe_ops,
                                 hs_nelems(hs_audit_probe_ops), NULL,
                                 ctx->err);
}


static const hs_module_desc_t  hs_audit_probe_module_desc = {
    HS_MODULE_ABI,
    "audit_probe",
    "1.0.0",
    "Reports audit events on request (tests only)",
    NULL,
    HS_CAP_REST,
    NULL,
    0,
    NULL,
    hs_audit_probe_rest,
    NULL,
    NULL,
    NULL
};


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_audit_probe_module,
                          hs_audit_probe_module_desc);
