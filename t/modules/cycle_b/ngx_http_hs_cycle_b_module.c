/*
 * Test module "cycle_b": exists to make the core reject a configuration
 * (see t/003-config-errors.t).
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

static const char *const  hs_cycle_b_deps[] = { "cycle_a", NULL };

static const hs_module_desc_t  hs_cycle_b_module_desc = {
    HS_MODULE_ABI, "cycle_b", "0.1.0", "test module", hs_cycle_b_deps, 0,
    NULL, 0, NULL, NULL, NULL, NULL, NULL
};


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_cycle_b_module, hs_cycle_b_module_desc);
