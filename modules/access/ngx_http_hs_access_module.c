/* nginx glue of the access module: announce it to the core. */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include "hs_access.h"


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_access_module, hs_access_module_desc);
