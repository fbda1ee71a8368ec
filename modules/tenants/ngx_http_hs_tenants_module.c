/* nginx glue of the tenants module: announce it to the core. */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include "hs_tenants.h"


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_tenants_module,
                          hs_tenants_module_desc);
