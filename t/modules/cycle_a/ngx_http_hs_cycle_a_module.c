/*
 * Test module "cycle_a": exists to make the core reject a configuration
 * (see t/003-config-errors.t).
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

static const char *const  hs_cycle_a_deps[] = { "cycle_b", NULL };

static const hs_module_desc_t  hs_cycle_a_module_desc = {
    HS_MODULE_ABI, "cycle_a", "0.1.0", "test module", hs_cycle_a_deps, 0,
    NULL, 0, NULL, NULL, NULL, NULL, NULL
};


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_cycle_a_module, hs_cycle_a_module_desc);
