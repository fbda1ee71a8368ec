/* nginx glue of the testkit module (tests only). */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include "hs_testkit.h"


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_testkit_module, hs_testkit_module_desc);
