/* nginx glue of the calculator_alt module: announce it to the core. */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include "hs_calculator_alt.h"


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_calculator_alt_module,
                          hs_calculator_alt_module_desc);
