/* nginx glue of the types_registry module: announce it to the core. */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include "hs_types_registry.h"


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_types_registry_module,
                          hs_types_registry_module_desc);
