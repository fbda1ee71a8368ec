/*
 * HyperSpot core module: directives, configuration, module discovery and
 * lifecycle on nginx hooks.
 *
 *   preconfiguration   opens the window in which HyperSpot modules
 *                      (loaded after the core) announce themselves
 *   postconfiguration  registry: order by dependencies, YAML + env config,
 *                      init, REST operations declared, then the API
 *                      built once: router, validators, OpenAPI
 *   init_process       start, per worker
 *   exit_process       stop, per worker, reverse order
 *   cycle pool freed   fini, reverse order
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include <dlfcn.h>

#include "ngx_http_hyperspot.h"


static ngx_int_t ngx_http_hyperspot_rid_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_hyperspot_sec_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static void ngx_http_hyperspot_log_write(void *data, hs_log_level_t level,
    const char *msg);
static const char *ngx_http_hyperspot_getenv(void *data, const char *name);
static void ngx_http_hyperspot_cleanup(void *data);
static u_char *ngx_http_hyperspot_beside(ngx_conf_t *cf, const char *name);
static hs_rc_t ngx_http_hyperspot_builtins(hs_api_t *api, void *data,
    hs_error_t *err);
static ngx_int_t ngx_http_hyperspot_docs_load(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf);
static ngx_int_t ngx_http_hyperspot_init_process(ngx_cycle_t *cycle);
static void ngx_http_hyperspot_migrate(ngx_event_t *ev);
static ngx_int_t ngx_http_hyperspot_db_create(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf);
static void ngx_http_hyperspot_exit_process(ngx_cycle_t *cycle);

static char *ngx_http_hyperspot_uuid(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_hyperspot_thread_pool(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_hyperspot_database(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_hyperspot_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_hyperspot_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_hyperspot_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_hyperspot_create_loc_conf(ngx_conf_t *cf);
static ngx_http_hyperspot_dispatcher_t *ngx_http_hyperspot_dispatcher(
    ngx_conf_t *cf, ngx_http_hyperspot_loc_conf_t *hlcf);
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

    { ngx_string("hyperspot_openapi"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_loc_conf_t, openapi),
      NULL },

    { ngx_string("hyperspot_docs"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_loc_conf_t, docs),
      NULL },

    { ngx_string("hyperspot_docs_assets"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, docs_assets),
      NULL },

    { ngx_string("hyperspot_check_responses"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_loc_conf_t, check_responses),
      NULL },

    { ngx_string("hyperspot_dev_tenant"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_hyperspot_uuid,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_loc_conf_t, dev_tenant),
      NULL },

    { ngx_string("hyperspot_dev_subject"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_hyperspot_uuid,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_loc_conf_t, dev_subject),
      NULL },

    { ngx_string("hyperspot_dev_tenant_header"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_loc_conf_t, dev_header),
      NULL },

    { ngx_string("hyperspot_dev_roles"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_hyperspot_dev_roles,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("hyperspot_jwks_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.jwks_file),
      NULL },

    { ngx_string("hyperspot_jwt_algorithms"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_hyperspot_jwt_algorithms,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("hyperspot_jwt_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.issuer),
      NULL },

    { ngx_string("hyperspot_jwt_audience"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.audience),
      NULL },

    { ngx_string("hyperspot_jwt_leeway"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.leeway),
      NULL },

    { ngx_string("hyperspot_jwt_required_claims"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_hyperspot_jwt_required,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("hyperspot_jwt_tenant_claim"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.tenant_claim),
      NULL },

    { ngx_string("hyperspot_jwt_roles_claim"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.roles_claim),
      NULL },

    { ngx_string("hyperspot_jwt_permissions_claim"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.perms_claim),
      NULL },

    { ngx_string("hyperspot_jwt_cache"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.cache_size),
      NULL },

    { ngx_string("hyperspot_api_key_header"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, auth.api_key_header),
      NULL },

    { ngx_string("hyperspot_migrations"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, migrations),
      NULL },

    { ngx_string("hyperspot_database_busy_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, busy_timeout),
      NULL },

    { ngx_string("hyperspot_database_connect_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_hyperspot_main_conf_t, connect_timeout),
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

    { ngx_string("hs_tenant_id"), NULL, ngx_http_hyperspot_sec_variable,
      offsetof(hs_secctx_t, tenant_id), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("hs_subject_id"), NULL, ngx_http_hyperspot_sec_variable,
      offsetof(hs_secctx_t, subject_id), NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("hs_auth_method"), NULL, ngx_http_hyperspot_sec_variable,
      offsetof(hs_secctx_t, auth_method), NGX_HTTP_VAR_NOCACHEABLE, 0 },

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


/*
 * $hs_tenant_id, $hs_subject_id, $hs_auth_method: from the SecurityCtx,
 * built on first use, so they also work in phases before the content
 * handler (limit_req keys). Not found for anonymous requests.
 */
static ngx_int_t
ngx_http_hyperspot_sec_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                    *p;
    ngx_http_hyperspot_ctx_t  *ctx;

    ctx = ngx_http_hyperspot_get_ctx(r);
    if (ctx == NULL || ngx_http_hyperspot_secctx(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    p = (u_char *) &ctx->sec + data;

    if (ctx->sec.tenant_id[0] == '\0') {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = ngx_strlen(p);
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = p;

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

    ngx_http_hyperspot_auth_cleanup(&hmcf->auth);
    hs_registry_destroy(hmcf->registry);
    hs_api_destroy(hmcf->api);
    hs_db_destroy(hmcf->db);
    hs_dburl_release(&hmcf->dburl);

    hmcf->db = NULL;

    hmcf->registry = NULL;
    hmcf->api = NULL;
}


/* "name" in the directory of ngx_http_hyperspot_module.so. */
static u_char *
ngx_http_hyperspot_beside(ngx_conf_t *cf, const char *name)
{
    u_char   *p, *dir;
    size_t    len;
    Dl_info   dl;

    if (dladdr((void *) ngx_http_hyperspot_beside, &dl) == 0
        || dl.dli_fname == NULL)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hyperspot: dladdr() "
                      "failed: cannot find the module's directory");
        return NULL;
    }

    len = ngx_strlen(dl.dli_fname);

    dir = ngx_pnalloc(cf->pool, len + 1 + ngx_strlen(name) + 1);
    if (dir == NULL) {
        return NULL;
    }

    p = ngx_cpystrn(dir, (u_char *) dl.dli_fname, len + 1);
    while (p > dir && p[-1] != '/') {
        p--;
    }

    ngx_cpystrn(p, (u_char *) name, ngx_strlen(name) + 1);

    return dir;
}


static hs_rc_t
ngx_http_hyperspot_builtins(hs_api_t *api, void *data, hs_error_t *err)
{
    size_t             i, n, k;
    hs_rc_t            rc;
    const hs_route_t  *ops;

    static const struct {
        const char                      *op;
        ngx_http_hyperspot_builtin_pt    handler;
    } handlers[] = {
        { "get_health", ngx_http_hyperspot_health },
        { "get_healthz", ngx_http_hyperspot_healthz },
        { "get_openapi", ngx_http_hyperspot_openapi },
        { "get_docs", ngx_http_hyperspot_docs },
        { "get_docs_asset", ngx_http_hyperspot_docs_asset },
    };

    ops = hs_api_builtin_operations(&n);

    for (i = 0; i < n; i++) {
        for (k = 0; k < sizeof(handlers) / sizeof(handlers[0]); k++) {
            if (ngx_strcmp(handlers[k].op, ops[i].operation_id) == 0) {
                break;
            }
        }

        if (k == sizeof(handlers) / sizeof(handlers[0])) {
            hs_error_set(err, "hyperspot: no handler for the built-in "
                         "operation \"%s\"", ops[i].operation_id);
            return HS_ERROR;
        }

        rc = hs_api_add_operations(api, "hyperspot", &ops[i], 1,
                                   (void *) handlers[k].handler, err);
        if (rc != HS_OK) {
            return rc;
        }
    }

    return HS_OK;
}


/*
 * The API reference page's assets: the directory of hyperspot_docs_assets
 * or else "docs" beside this module's .so. Read once per cycle, served
 * from memory.
 */
static ngx_int_t
ngx_http_hyperspot_docs_load(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf)
{
    u_char           *dir;
    size_t            i;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_str_t        *out, path;
    ngx_file_info_t   fi;

    static const char  *files[] = { "web-components.min.js",
                                    "styles.min.css" };

    if (hmcf->docs_assets.len) {
        if (ngx_conf_full_name(cf->cycle, &hmcf->docs_assets, 1) != NGX_OK) {
            return NGX_ERROR;
        }
        dir = ngx_pnalloc(cf->pool, hmcf->docs_assets.len + 1);
        if (dir == NULL) {
            return NGX_ERROR;
        }
        ngx_cpystrn(dir, hmcf->docs_assets.data, hmcf->docs_assets.len + 1);

    } else {
        dir = ngx_http_hyperspot_beside(cf, "docs");
        if (dir == NULL) {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < 2; i++) {
        out = i == 0 ? &hmcf->docs_js : &hmcf->docs_css;

        path.len = ngx_strlen(dir) + 1 + ngx_strlen(files[i]);
        path.data = ngx_pnalloc(cf->pool, path.len + 1);
        if (path.data == NULL) {
            return NGX_ERROR;
        }
        ngx_sprintf(path.data, "%s/%s%Z", dir, files[i]);

        fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
        if (fd == NGX_INVALID_FILE) {
            if (hmcf->docs_assets.len) {
                ngx_log_error(NGX_LOG_EMERG, cf->log, ngx_errno,
                              "hyperspot_docs_assets: "
                              ngx_open_file_n " \"%s\" failed", path.data);
                return NGX_ERROR;
            }

            ngx_log_error(NGX_LOG_NOTICE, cf->log, 0,
                          "hyperspot: no API reference assets in \"%s\": "
                          "/docs answers 404", dir);
            hmcf->docs_js.len = 0;
            return NGX_OK;
        }

        if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR
            || ngx_file_size(&fi) > 16 * 1024 * 1024)
        {
            ngx_log_error(NGX_LOG_EMERG, cf->log, ngx_errno,
                          "hyperspot: cannot use \"%s\"", path.data);
            ngx_close_file(fd);
            return NGX_ERROR;
        }

        out->len = (size_t) ngx_file_size(&fi);
        out->data = ngx_pnalloc(cf->pool, out->len + 1);
        n = out->data ? read(fd, out->data, out->len) : -1;
        ngx_close_file(fd);

        if (n != (ssize_t) out->len) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, ngx_errno,
                          "hyperspot: read() \"%s\" failed", path.data);
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

    if (ngx_http_hyperspot_auth_init_process(cycle, hmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (hs_registry_start(hmcf->registry, &err) != HS_OK) {
        /* the worker serves on; /health reports the failed module */
        ngx_log_error(NGX_LOG_ERR, cycle->log, 0, "hyperspot: %s", err.msg);
    }

    /* migrations, before this worker serves traffic */
    hmcf->db_ready = hmcf->db == NULL;

    if (hmcf->db != NULL) {
        hmcf->migrate_ev.handler = ngx_http_hyperspot_migrate;
        hmcf->migrate_ev.data = hmcf;
        hmcf->migrate_ev.log = cycle->log;
        hmcf->migrate_ev.cancelable = 1;

        ngx_http_hyperspot_migrate(&hmcf->migrate_ev);
    }

    return NGX_OK;
}


/*
 * Applies pending migrations of the database modules (blocking: it runs
 * in init_process, before the worker accepts connections, and then from
 * a timer until it succeeds). Until then their operations answer 503.
 */
static void
ngx_http_hyperspot_migrate(ngx_event_t *ev)
{
    size_t                           n;
    hs_rc_t                          rc;
    hs_error_t                       err;
    const char                      *names[64];
    ngx_http_hyperspot_main_conf_t  *hmcf = ev->data;

    n = hs_registry_db_modules(hmcf->registry, names, 64);

    rc = hs_migrate_run(hmcf->db, (char *) hmcf->migrations.data, names, n,
                        &hmcf->log, &err);

    if (rc == HS_OK) {
        if (!hmcf->db_ready && hmcf->migrate_logged) {
            ngx_log_error(NGX_LOG_NOTICE, ev->log, 0,
                          "hyperspot: database ready (%s)",
                          hs_db_url(hmcf->db));
        }

        hmcf->db_ready = 1;
        hmcf->migrate_logged = 0;
        return;
    }

    /* log each distinct failure once; retry soon while the database is
       busy or away, less often when a migration itself fails */
    if (!hmcf->migrate_logged
        || ngx_strcmp(hmcf->migrate_err, err.msg) != 0)
    {
        ngx_log_error(NGX_LOG_ERR, ev->log, 0,
                      "hyperspot: migrations: %s; database operations "
                      "answer 503 until they succeed", err.msg);
        ngx_cpystrn((u_char *) hmcf->migrate_err, (u_char *) err.msg,
                    sizeof(hmcf->migrate_err));
        hmcf->migrate_logged = 1;
    }

    if (!ngx_exiting && !ngx_terminate && !ngx_quit) {
        ngx_add_timer(ev, rc == HS_EAGAIN ? 500 : 5000);
    }
}


static ngx_int_t
ngx_http_hyperspot_db_create(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf)
{
    u_char           *p, *dir;
    hs_error_t        err;
    hs_db_options_t   opt = HS_DB_OPTIONS_DEFAULT;

    if (hmcf->database.len == 0) {
        return NGX_OK;
    }

    if (hmcf->busy_timeout != NGX_CONF_UNSET_MSEC) {
        opt.busy_timeout_ms = (int) hmcf->busy_timeout;
    }

    if (hmcf->connect_timeout != NGX_CONF_UNSET_MSEC) {
        opt.connect_timeout_s = (int) ((hmcf->connect_timeout + 999) / 1000);
    }

    hmcf->db = hs_db_create(&hmcf->dburl, &opt, &err);
    if (hmcf->db == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hyperspot_database: %s",
                      err.msg);
        return NGX_ERROR;
    }

    if (hmcf->migrations.len) {
        if (ngx_conf_full_name(cf->cycle, &hmcf->migrations, 1) != NGX_OK) {
            return NGX_ERROR;
        }

        p = ngx_pnalloc(cf->pool, hmcf->migrations.len + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_cpystrn(p, hmcf->migrations.data, hmcf->migrations.len + 1);
        hmcf->migrations.data = p;
        return NGX_OK;
    }

    /* default: "migrations" beside this module's .so */
    dir = ngx_http_hyperspot_beside(cf, "migrations");
    if (dir == NULL) {
        return NGX_ERROR;
    }

    hmcf->migrations.data = dir;
    hmcf->migrations.len = ngx_strlen(dir);

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

    if (hmcf->migrate_ev.timer_set) {
        ngx_del_timer(&hmcf->migrate_ev);
    }
}


static char *
ngx_http_hyperspot_uuid(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char       *rv;
    ngx_str_t  *v;

    rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    v = (ngx_str_t *) ((char *) conf + cmd->offset);

    if (hs_uuid_normalize((char *) v->data, v->len, (char *) v->data)
        != HS_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" is not a uuid",
                           v);
        return NGX_CONF_ERROR;
    }

    ngx_conf_log_error(NGX_LOG_WARN, cf, 0, "%V: development setting, "
                       "requests here act as this %s without "
                       "authentication; never use it in production",
                       &cmd->name,
                       cmd->offset == offsetof(ngx_http_hyperspot_loc_conf_t,
                                               dev_tenant)
                       ? "tenant" : "subject");

    return NGX_CONF_OK;
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
    size_t                            keylen;
    hs_error_t                        err;
    hs_platform_t                     pf;
    ngx_pool_cleanup_t               *cln;
    hs_platform_conf_t                pc;
    const char                      **origins;
    const hs_module_desc_t          **descs;
    ngx_http_hyperspot_main_conf_t   *hmcf;

    hmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_hyperspot_module);

    hmcf->log.write = ngx_http_hyperspot_log_write;
    hmcf->log.data = NULL;

    ngx_memzero(&pc, sizeof(hs_platform_conf_t));

    pc.n = hs_announce_take(cf->cycle, &descs, &origins);
    pc.descs = descs;
    pc.origins = origins;
    pc.getenv_fn = ngx_http_hyperspot_getenv;
    pc.builtins = ngx_http_hyperspot_builtins;
    pc.builtins_data = cf;
    pc.log = &hmcf->log;

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
        pc.yaml_path = (char *) path;
    }

    if (ngx_http_hyperspot_db_create(cf, hmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    pc.db = hmcf->db;

    /* one cursor key for every worker of this master, across reloads */
    (void) hs_cursor_key(&keylen);

    if (hs_platform_build(&pf, &pc, &err) != HS_OK) {
        hs_db_destroy(hmcf->db);
        hmcf->db = NULL;
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "%s%s",
                      ngx_strstr(err.msg, "cannot open") ? "hyperspot_config: "
                                                         : "", err.msg);
        return NGX_ERROR;
    }

    hmcf->registry = pf.registry;
    hmcf->api = pf.api;

    hmcf->op_ns = ngx_pcalloc(cf->pool,
                              hs_api_count(hmcf->api) * sizeof(uint64_t));
    if (hmcf->op_ns == NULL
        || ngx_http_hyperspot_auth_init(cf, hmcf) != NGX_OK)
    {
        ngx_http_hyperspot_cleanup(hmcf);
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_http_hyperspot_cleanup(hmcf);
        return NGX_ERROR;
    }

    cln->handler = ngx_http_hyperspot_cleanup;
    cln->data = hmcf;

    if (ngx_http_hyperspot_docs_load(cf, hmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, cf->log, 0,
                   "hyperspot: %uz modules, %uz operations",
                   hs_registry_count(hmcf->registry),
                   hs_api_count(hmcf->api));

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

    hmcf->busy_timeout = NGX_CONF_UNSET_MSEC;
    hmcf->connect_timeout = NGX_CONF_UNSET_MSEC;
    ngx_http_hyperspot_auth_create(&hmcf->auth);

    if (ngx_array_init(&hmcf->dispatchers, cf->pool, 2,
                       sizeof(ngx_http_hyperspot_dispatcher_t *))
        != NGX_OK)
    {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     hmcf->config_file = { 0, NULL };
     *     hmcf->database = { 0, NULL };
     *     hmcf->registry = NULL;
     *     hmcf->api = NULL;
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
    hlcf->openapi = NGX_CONF_UNSET;
    hlcf->docs = NGX_CONF_UNSET;
    hlcf->check_responses = NGX_CONF_UNSET;
    hlcf->dev_roles = NGX_CONF_UNSET_PTR;

    return hlcf;
}


static char *
ngx_http_hyperspot_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_hyperspot_loc_conf_t *prev = parent;
    ngx_http_hyperspot_loc_conf_t *conf = child;

    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->openapi, prev->openapi, 1);
    ngx_conf_merge_value(conf->docs, prev->docs, 1);
    ngx_conf_merge_value(conf->check_responses, prev->check_responses, 0);
    ngx_conf_merge_str_value(conf->dev_tenant, prev->dev_tenant, "");
    ngx_conf_merge_str_value(conf->dev_subject, prev->dev_subject,
                             "00000000-0000-0000-0000-000000000001");
    ngx_conf_merge_str_value(conf->dev_header, prev->dev_header, "");
    ngx_conf_merge_ptr_value(conf->dev_roles, prev->dev_roles, NULL);

    if (conf->tp == NULL) {
        conf->tp = prev->tp;
        conf->tp_name = prev->tp_name;
    }

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    hmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_hyperspot_module);

    if (conf->dev_tenant.len && hmcf->auth.jwks_file.len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "hyperspot_dev_tenant "
                           "cannot be used where authentication is "
                           "configured (hyperspot_jwks_file): development "
                           "mode accepts every request without "
                           "credentials");
        return NGX_CONF_ERROR;
    }

    if (conf->tp == NULL) {
        conf->tp_name = ngx_http_hyperspot_default_pool;
        conf->tp = ngx_thread_pool_add(cf, &conf->tp_name);
        if (conf->tp == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    conf->dispatcher = ngx_http_hyperspot_dispatcher(cf, conf);
    if (conf->dispatcher == NULL) {
        return NGX_CONF_ERROR;
    }

    /* content handler, unless the location has its own (proxy_pass, ...) */
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == NULL) {
        clcf->handler = ngx_http_hyperspot_handler;
    }

    return NGX_CONF_OK;
}


/* The dispatcher of the location's thread pool, shared by its locations. */
static ngx_http_hyperspot_dispatcher_t *
ngx_http_hyperspot_dispatcher(ngx_conf_t *cf,
    ngx_http_hyperspot_loc_conf_t *hlcf)
{
    ngx_uint_t                         i;
    ngx_http_hyperspot_dispatcher_t   *d, **dp;
    ngx_http_hyperspot_main_conf_t    *hmcf;

    hmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_hyperspot_module);
    dp = hmcf->dispatchers.elts;

    for (i = 0; i < hmcf->dispatchers.nelts; i++) {
        if (dp[i]->tp == hlcf->tp) {
            return dp[i];
        }
    }

    d = ngx_pcalloc(cf->pool, sizeof(ngx_http_hyperspot_dispatcher_t));
    dp = ngx_array_push(&hmcf->dispatchers);
    if (d == NULL || dp == NULL) {
        return NULL;
    }

    d->hmcf = hmcf;
    d->tp = hlcf->tp;
    d->name = hlcf->tp_name;
    d->tail = &d->head;
    d->flush.handler = ngx_http_hyperspot_flush;
    d->flush.data = d;
    /* cf->cycle->log is still the previous cycle's during a reload */
    d->flush.log = &cf->cycle->new_log;

    *dp = d;

    return d;
}
