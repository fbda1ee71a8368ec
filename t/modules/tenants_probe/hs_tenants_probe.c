/*
 * tenants_probe: a module used only by the integration tests. It resolves
 * the tenants module's client (hs.tenants.v1) at init, as any consumer
 * does, and answers its three functions over REST:
 *
 *   GET /tenants-probe/v1/{id}             resolve and ancestry
 *   GET /tenants-probe/v1/{id}/in/{root}   in_subtree
 */

#include <hs_modkit.h>

#include "hs_tenants_api.h"

#define HS_TP_UUID  "{\"type\": \"string\", \"format\": \"uuid\"}"


static const char *const  hs_tenants_probe_status[] = {
    "active", "suspended", "deleted"
};


static hs_rc_t
hs_tenants_probe_fail(hs_call_t *call, hs_rc_t rc, const hs_error_t *err)
{
    if (rc == HS_ENOTFOUND) {
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_NOT_FOUND,
                                                 "%s", err->msg));
    }

    return hs_call_fail(call, hs_problem_new(HS_PROBLEM_SERVICE_UNAVAILABLE,
                                             "%s", err->msg));
}


static hs_rc_t
hs_tenants_probe_resolve(hs_call_t *call)
{
    size_t                   i, n;
    json_t                  *anc;
    hs_rc_t                  rc;
    hs_error_t               err;
    hs_tenant_id_t           ids[HS_TENANTS_MAX_DEPTH];
    hs_tenant_info_t         t;
    const hs_tenants_api_t  *api = call->module_data;

    rc = api->resolve(api->self, hs_call_param(call, "id"), &t, &err);
    if (rc == HS_OK) {
        rc = api->ancestry(api->self, t.id, ids, HS_TENANTS_MAX_DEPTH, &n,
                           &err);
    }

    if (rc != HS_OK) {
        return hs_tenants_probe_fail(call, rc, &err);
    }

    anc = json_array();
    for (i = 0; anc != NULL && i < n; i++) {
        json_array_append_new(anc, json_string(ids[i].id));
    }

    return hs_call_reply(call, 200, json_pack("{s:s, s:s?, s:s, s:b, s:i,"
                                              " s:o}",
        "id", t.id, "parent_id", t.parent_id[0] ? t.parent_id : NULL,
        "status", hs_tenants_probe_status[t.status],
        "self_managed", t.self_managed, "depth", (int) t.depth,
        "ancestry", anc));
}


static hs_rc_t
hs_tenants_probe_in(hs_call_t *call)
{
    int                      in;
    hs_rc_t                  rc;
    hs_error_t               err;
    const hs_tenants_api_t  *api = call->module_data;

    rc = api->in_subtree(api->self, hs_call_param(call, "root"),
                         hs_call_param(call, "id"), &in, &err);
    if (rc != HS_OK) {
        return hs_tenants_probe_fail(call, rc, &err);
    }

    return hs_call_reply(call, 200, json_pack("{s:b}", "in_subtree", in));
}


static const hs_param_t  hs_tenants_probe_id[] = {
    { "id", "path", 1, HS_TP_UUID, "A tenant" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_tenants_probe_in_params[] = {
    { "id", "path", 1, HS_TP_UUID, "A tenant" },
    { "root", "path", 1, HS_TP_UUID, "Its supposed ancestor" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_response_t  hs_tenants_probe_200[] = {
    { 200, "What the client says", "{\"type\": \"object\"}", NULL },
    { 0, NULL, NULL, NULL }
};

static const int  hs_tenants_probe_problems[] = { 404, 503, 0 };

static const hs_route_t  hs_tenants_probe_ops[] = {
    { .method = "GET", .path = "/tenants-probe/v1/{id}",
      .operation_id = "tenants_probe_resolve", .summary = "resolve",
      .handler = hs_tenants_probe_resolve, .params = hs_tenants_probe_id,
      .responses = hs_tenants_probe_200,
      .problems = hs_tenants_probe_problems, .access = "authenticated" },
    { .method = "GET", .path = "/tenants-probe/v1/{id}/in/{root}",
      .operation_id = "tenants_probe_in", .summary = "in_subtree",
      .handler = hs_tenants_probe_in, .params = hs_tenants_probe_in_params,
      .responses = hs_tenants_probe_200,
      .problems = hs_tenants_probe_problems, .access = "authenticated" },
};


static hs_rc_t
hs_tenants_probe_init(hs_module_ctx_t *ctx)
{
    const void  *api;

    if (hs_clienthub_resolve(ctx->hub, ctx->desc->name, HS_TENANTS_API_NAME,
                             HS_TENANTS_API_MAJOR, HS_TENANTS_API_MINOR,
                             NULL, sizeof(hs_tenants_api_t), &api, ctx->err)
        != HS_OK)
    {
        return HS_ERROR;
    }

    ctx->data = (void *) api;

    return HS_OK;
}


static hs_rc_t
hs_tenants_probe_rest(hs_module_ctx_t *ctx, hs_api_t *api)
{
    return hs_api_add_operations(api, ctx->desc->name, hs_tenants_probe_ops,
                                 hs_nelems(hs_tenants_probe_ops), ctx->data,
                                 ctx->err);
}


static const char *const  hs_tenants_probe_deps[] = { "tenants", NULL };

const hs_module_desc_t  hs_tenants_probe_module_desc = {
    HS_MODULE_ABI,
    "tenants_probe",
    "1.0.0",
    "Test module: the tenants client over REST",
    hs_tenants_probe_deps,
    HS_CAP_REST,
    NULL, 0,
    hs_tenants_probe_init,
    hs_tenants_probe_rest,
    NULL, NULL, NULL
};
