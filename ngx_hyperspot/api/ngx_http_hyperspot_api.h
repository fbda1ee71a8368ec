/*
 * What a HyperSpot module's nginx glue needs from the core: announcing
 * its descriptor while nginx reads the configuration. The module itself
 * is written against modkit (hs_modkit.h) and does not touch nginx.
 */

#ifndef NGX_HTTP_HYPERSPOT_API_H
#define NGX_HTTP_HYPERSPOT_API_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hs_modkit.h>

#define NGX_HTTP_HYPERSPOT_API_VERSION  1

/*
 * Call from the module's preconfiguration hook. Fails when the core is
 * not loaded or is loaded after the module.
 */
static ngx_inline ngx_int_t
ngx_http_hyperspot_announce(ngx_conf_t *cf, const hs_module_desc_t *desc,
    const char *nginx_module)
{
    hs_error_t  err;

    if (hs_announce(cf->cycle, desc, nginx_module, &err) != HS_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err.msg);
        return NGX_ERROR;
    }

    return NGX_OK;
}

/*
 * The whole nginx glue of a module that needs no directives of its own:
 *
 *   NGX_HTTP_HYPERSPOT_MODULE(ngx_http_hs_calculator_module,
 *                             hs_calculator_module_desc)
 *
 * defines the nginx module (an HTTP module whose preconfiguration
 * announces the descriptor to the core), and hs_module_descriptor(), by
 * which tools (hsctl) read the descriptor without nginx.
 */
#define NGX_HTTP_HYPERSPOT_MODULE(module, desc)                               \
                                                                              \
    static ngx_int_t                                                          \
    module##_preconfiguration(ngx_conf_t *cf)                                 \
    {                                                                         \
        return ngx_http_hyperspot_announce(cf, &desc, #module);               \
    }                                                                         \
                                                                              \
    const hs_module_desc_t *hs_module_descriptor(void);                       \
                                                                              \
    const hs_module_desc_t *                                                  \
    hs_module_descriptor(void)                                                \
    {                                                                         \
        return &desc;                                                         \
    }                                                                         \
                                                                              \
    static ngx_http_module_t  module##_ctx = {                                \
        module##_preconfiguration, NULL, NULL, NULL, NULL, NULL, NULL, NULL   \
    };                                                                        \
                                                                              \
    ngx_module_t  module = {                                                  \
        NGX_MODULE_V1,                                                        \
        &module##_ctx,                     /* module context */               \
        NULL,                              /* module directives */            \
        NGX_HTTP_MODULE,                   /* module type */                  \
        NULL,                              /* init master */                  \
        NULL,                              /* init module */                  \
        NULL,                              /* init process */                 \
        NULL,                              /* init thread */                  \
        NULL,                              /* exit thread */                  \
        NULL,                              /* exit process */                 \
        NULL,                              /* exit master */                  \
        NGX_MODULE_V1_PADDING                                                 \
    }

#endif /* NGX_HTTP_HYPERSPOT_API_H */
