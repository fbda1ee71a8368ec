/*
 * The core's own operations. Their handlers live in the nginx glue (they
 * answer on the event loop); these declarations give them their place in
 * the router and in the OpenAPI document, also for hsctl.
 */

#include "hs_api.h"

static const hs_response_t  hs__health_responses[] = {
    { 200, "Every module runs",
      "{\"$ref\": \"#/components/schemas/Health\"}", NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs__healthz_responses[] = {
    { 200, "The worker's event loop answers",
      "{\"type\": \"string\", \"const\": \"ok\"}", "text/plain" },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs__openapi_responses[] = {
    { 200, "The OpenAPI 3.1 document of every loaded module",
      "{\"type\": \"object\", \"required\": [\"openapi\", \"info\","
      " \"paths\"], \"properties\": {\"openapi\": {\"type\": \"string\"},"
      " \"info\": {\"type\": \"object\"},"
      " \"paths\": {\"type\": \"object\"}}}", NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs__docs_responses[] = {
    { 200, "The API reference page", "{\"type\": \"string\"}",
      "text/html" },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs__asset_responses[] = {
    { 200, "A file of the API reference page", "{\"type\": \"string\"}",
      "application/octet-stream" },
    { 0, NULL, NULL, NULL }
};

static const hs_param_t  hs__asset_params[] = {
    { "file", "path", 1, "{\"type\": \"string\", \"enum\": "
      "[\"web-components.min.js\", \"styles.min.css\"]}",
      "The file name" },
    { NULL, NULL, 0, NULL, NULL }
};

static const int  hs__health_problems[] = { 503, 0 };
static const int  hs__not_found[] = { 404, 0 };

static const hs_route_t  hs__builtins[] = {
    { .method = "GET", .path = "/health", .operation_id = "get_health",
      .summary = "Health of the platform and its modules",
      .description = "Overall status, time, and each module's name, "
                     "version, state and capabilities in dependency order. "
                     "Answered from memory: it never touches the database.",
      .flags = HS_ROUTE_EVENT_LOOP, .tags = "platform",
      .responses = hs__health_responses, .problems = hs__health_problems,
      .access = "public" },
    { .method = "GET", .path = "/healthz", .operation_id = "get_healthz",
      .summary = "Liveness probe",
      .flags = HS_ROUTE_EVENT_LOOP, .tags = "platform",
      .responses = hs__healthz_responses, .access = "public" },
    { .method = "GET", .path = "/openapi.json",
      .operation_id = "get_openapi",
      .summary = "OpenAPI document",
      .flags = HS_ROUTE_EVENT_LOOP, .tags = "platform",
      .responses = hs__openapi_responses, .problems = hs__not_found,
      .access = "public" },
    { .method = "GET", .path = "/docs", .operation_id = "get_docs",
      .summary = "API reference page",
      .description = "Rendered in the browser from /openapi.json; every "
                     "asset is served by this server.",
      .flags = HS_ROUTE_EVENT_LOOP, .tags = "platform",
      .responses = hs__docs_responses, .problems = hs__not_found,
      .access = "public" },
    { .method = "GET", .path = "/docs/assets/{file}",
      .operation_id = "get_docs_asset",
      .summary = "API reference page asset",
      .flags = HS_ROUTE_EVENT_LOOP, .tags = "platform",
      .params = hs__asset_params, .responses = hs__asset_responses,
      .problems = hs__not_found, .access = "public" },
};


const hs_route_t *
hs_api_builtin_operations(size_t *n)
{
    *n = sizeof(hs__builtins) / sizeof(hs__builtins[0]);
    return hs__builtins;
}
