/* nginx glue of the audit module: announce it to the core. */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_hyperspot_api.h>

#include "hs_audit.h"


NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_audit_module, hs_audit_module_desc);
