/* nginx glue of the users_info module: announce it to the core. */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include "hs_users_info.h"


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_users_info_module,
                          hs_users_info_module_desc);
