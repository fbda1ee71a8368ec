/* nginx glue of the tenants_probe test module. */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include <hs_modkit.h>


extern const hs_module_desc_t  hs_tenants_probe_module_desc;

NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_tenants_probe_module,
                          hs_tenants_probe_module_desc);
