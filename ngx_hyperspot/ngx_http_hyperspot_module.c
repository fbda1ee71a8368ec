/*
 * HyperSpot core module: directives, configuration, module discovery and
 * lifecycle on nginx hooks.
 *
 *   preconfiguration   opens the window in which HyperSpot modules
 *                      (loaded after the core) announce themselves
 *   postconfiguration  registry: order by dependencies, YAML + env config,
 *                      init, REST registration, router built
 *   init_process       start, per worker
 *   exit_process       stop, per worker, reverse order
 *   cycle pool freed   fini, reverse order
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include "ngx_http_hyperspot.h"


static ngx_int_t ngx_http_hyperspot_rid_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void ngx_http_hyperspot_log_write(void *data, hs_log_level_t level,
    const char *msg);
static const char *ngx_http_hyperspot_getenv(void *data, const char *name);
static void ngx_http_hyperspot_cleanup(void *data);
static ngx_int_t ngx_http_hyperspot_builtins(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf);
static ngx_int_t ngx_http_hyperspot_init_process(ngx_cycle_t *cycle);
static void ngx_http_hyperspot_exit_process(ngx_cycle_t *cycle);

static char *ngx_http_hyperspot_thread_pool(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_hyperspot_database(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_hyperspot_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_hyperspot_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_hyperspot_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_hyperspot_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_hyperspot_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);


static ngx_command_t  ngx_http_hyperspot_commands[] = {

    { ngx_string("hyperspot"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_loc_conf_t, enable),
      NULL },

    { ngx_string("hyperspot_config"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, config_file),
      NULL },

    { ngx_string("hyperspot_database"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_hyperspot_database,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("hyperspot_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_hyperspot_thread_pool,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_hyperspot_module_ctx = {
    ngx_http_hyperspot_preconfiguration,   /* preconfiguration */
    ngx_http_hyperspot_postconfiguration,  /* postconfiguration */

    ngx_http_hyperspot_create_main_conf,   /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_hyperspot_create_loc_conf,    /* create location configuration */
    ngx_http_hyperspot_merge_loc_conf      /* merge location configuration */
};


ngx_module_t  ngx_http_hyperspot_module = {
    NGX_MODULE_V1,
    &ngx_http_hyperspot_module_ctx,        /* module context */
    ngx_http_hyperspot_commands,           /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_hyperspot_init_process,       /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_hyperspot_exit_process,       /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_str_t  ngx_http_hyperspot_default_pool = ngx_string("default");

static ngx_http_variable_t  ngx_http_hyperspot_vars[] = {

    { ngx_string("hs_request_id"), NULL, ngx_http_hyperspot_rid_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_int_t
ngx_http_hyperspot_rid_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_hyperspot_ctx_t  *ctx;

    ctx = ngx_http_hyperspot_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    v->len = ctx->rid_len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = ctx->rid;

    return NGX_OK;
}


static void
ngx_http_hyperspot_log_write(void *data, hs_log_level_t level,
    const char *msg)
{
    ngx_uint_t  nlevel;

    switch (level) {
    case HS_LOG_ERR:
        nlevel = NGX_LOG_ERR;
        break;
    case HS_LOG_WARN:
        nlevel = NGX_LOG_WARN;
        break;
    case HS_LOG_INFO:
        nlevel = NGX_LOG_INFO;
        break;
    default:
        nlevel = NGX_LOG_DEBUG;
        break;
    }

    ngx_log_error(nlevel, ngx_cycle->log, 0, "hyperspot: %s", msg);
}


static const char *
ngx_http_hyperspot_getenv(void *data, const char *name)
{
    /* the master's environment, read while parsing the configuration */
    return getenv(name);
}


static void
ngx_http_hyperspot_cleanup(void *data)
{
    ngx_http_hyperspot_main_conf_t  *hmcf = data;

    hs_registry_destroy(hmcf->registry);
    hs_router_destroy(hmcf->router);
    hs_dburl_release(&hmcf->dburl);

    hmcf->registry = NULL;
    hmcf->router = NULL;
}


static ngx_int_t
ngx_http_hyperspot_builtins(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf)
{
    ngx_uint_t   i;
    hs_error_t   err;
    hs_route_t   route;

    static const struct {
        const char                      *path;
        const char                      *op;
        const char                      *summary;
        ngx_http_hyperspot_builtin_pt    handler;
    } builtins[] = {
        { "/health", "get_health",
          "Health of the platform and of every module",
          ngx_http_hyperspot_health },
        { "/healthz", "get_healthz", "Liveness probe",
          ngx_http_hyperspot_healthz },
    };

    for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        ngx_memzero(&route, sizeof(hs_route_t));

        route.method = "GET";
        route.path = builtins[i].path;
        route.operation_id = builtins[i].op;
        route.summary = builtins[i].summary;
        route.flags = HS_ROUTE_EVENT_LOOP;

        if (hs_router_add(hmcf->router, "hyperspot", &route,
                          (void *) builtins[i].handler, &err)
            != HS_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err.msg);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_hyperspot_init_process(ngx_cycle_t *cycle)
{
    hs_error_t                       err;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    hmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_hyperspot_module);
    if (hmcf == NULL || hmcf->registry == NULL) {
        return NGX_OK;
    }

    ngx_http_hyperspot_rid_seed();

    if (hs_registry_start(hmcf->registry, &err) != HS_OK) {
        /* the worker serves on; /health reports the failed module */
        ngx_log_error(NGX_LOG_ERR, cycle->log, 0, "hyperspot: %s", err.msg);
    }

    return NGX_OK;
}


static void
ngx_http_hyperspot_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_hyperspot_main_conf_t  *hmcf;

    hmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_hyperspot_module);
    if (hmcf == NULL || hmcf->registry == NULL) {
        return;
    }

    hs_registry_stop(hmcf->registry);
}


static char *
ngx_http_hyperspot_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_hyperspot_loc_conf_t  *hlcf = conf;

    ngx_str_t  *value;

    if (hlcf->tp != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "takes a thread pool name";
    }

    hlcf->tp_name = value[1];

    /* an undefined pool is reported by the thread_pool module with our
       file and line */
    hlcf->tp = ngx_thread_pool_add(cf, &value[1]);
    if (hlcf->tp == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_hyperspot_database(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hyperspot_main_conf_t  *hmcf = conf;

    u_char      *url;
    ngx_str_t   *value;
    hs_error_t   err;

    if (hmcf->database.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    url = ngx_pnalloc(cf->pool, value[1].len + 1);
    if (url == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_cpystrn(url, value[1].data, value[1].len + 1);

    if (ngx_strlen(url) != value[1].len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid database URL: contains a NUL byte");
        return NGX_CONF_ERROR;
    }

    if (hs_dburl_parse((char *) url, &hmcf->dburl, &err) != HS_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err.msg);
        return NGX_CONF_ERROR;
    }

    hmcf->database.data = url;
    hmcf->database.len = value[1].len;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_hyperspot_preconfiguration(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_hyperspot_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    hs_announce_open(cf->cycle);

    return NGX_OK;
}


static ngx_int_t
ngx_http_hyperspot_postconfiguration(ngx_conf_t *cf)
{
    u_char                           *path;
    size_t                            i, n;
    hs_error_t                        err;
    const char                      **origins;
    hs_yaml_doc_t                    *doc;
    ngx_pool_cleanup_t               *cln;
    const hs_module_desc_t          **descs;
    ngx_http_hyperspot_main_conf_t   *hmcf;

    hmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_hyperspot_module);

    n = hs_announce_take(cf->cycle, &descs, &origins);

    hmcf->log.write = ngx_http_hyperspot_log_write;
    hmcf->log.data = NULL;

    hmcf->registry = hs_registry_create(&hmcf->log);
    hmcf->router = hs_router_create();

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cln->handler = ngx_http_hyperspot_cleanup;
    cln->data = hmcf;

    if (hmcf->registry == NULL || hmcf->router == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (hs_registry_add(hmcf->registry, descs[i], origins[i], &err)
            != HS_OK)
        {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s", err.msg);
            return NGX_ERROR;
        }
    }

    if (hs_registry_order(hmcf->registry, &err) != HS_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s", err.msg);
        return NGX_ERROR;
    }

    doc = NULL;

    if (hmcf->config_file.len) {
        if (ngx_conf_full_name(cf->cycle, &hmcf->config_file, 1) != NGX_OK) {
            return NGX_ERROR;
        }

        path = ngx_pnalloc(cf->pool, hmcf->config_file.len + 1);
        if (path == NULL) {
            return NGX_ERROR;
        }

        ngx_cpystrn(path, hmcf->config_file.data,
                    hmcf->config_file.len + 1);

        doc = hs_yaml_load_file((char *) path, &err);
        if (doc == NULL) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "hyperspot_config: %s", err.msg);
            return NGX_ERROR;
        }
    }

    if (hs_registry_configure(hmcf->registry, doc,
                              ngx_http_hyperspot_getenv, NULL, &err)
        != HS_OK)
    {
        hs_yaml_free(doc);
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s", err.msg);
        return NGX_ERROR;
    }

    hs_yaml_free(doc);

    if (ngx_http_hyperspot_builtins(cf, hmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (hs_registry_init(hmcf->registry, hmcf->router, &err) != HS_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s", err.msg);
        return NGX_ERROR;
    }

    hs_router_freeze(hmcf->router);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, cf->log, 0,
                   "hyperspot: %uz modules, %uz routes",
                   hs_registry_count(hmcf->registry),
                   hs_router_count(hmcf->router));

    return NGX_OK;
}


static void *
ngx_http_hyperspot_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_hyperspot_main_conf_t  *hmcf;

    hmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_hyperspot_main_conf_t));
    if (hmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     hmcf->config_file = { 0, NULL };
     *     hmcf->database = { 0, NULL };
     *     hmcf->registry = NULL;
     *     hmcf->router = NULL;
     */

    return hmcf;
}


static void *
ngx_http_hyperspot_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_hyperspot_loc_conf_t  *hlcf;

    hlcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_hyperspot_loc_conf_t));
    if (hlcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     hlcf->tp_name = { 0, NULL };
     *     hlcf->tp = NULL;
     */

    hlcf->enable = NGX_CONF_UNSET;

    return hlcf;
}


static char *
ngx_http_hyperspot_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_hyperspot_loc_conf_t *prev = parent;
    ngx_http_hyperspot_loc_conf_t *conf = child;

    ngx_http_core_loc_conf_t  *clcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    if (conf->tp == NULL) {
        conf->tp = prev->tp;
        conf->tp_name = prev->tp_name;
    }

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    if (conf->tp == NULL) {
        conf->tp_name = ngx_http_hyperspot_default_pool;
        conf->tp = ngx_thread_pool_add(cf, &conf->tp_name);
        if (conf->tp == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    /* content handler, unless the location has its own (proxy_pass, ...) */
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == NULL) {
        clcf->handler = ngx_http_hyperspot_handler;
    }

    return NGX_CONF_OK;
}
