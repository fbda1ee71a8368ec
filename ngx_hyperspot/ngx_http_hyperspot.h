/*
 * HyperSpot core module: what its three files share.
 */

#ifndef NGX_HTTP_HYPERSPOT_H
#define NGX_HTTP_HYPERSPOT_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hs_modkit.h>

#define NGX_HTTP_HYPERSPOT_RID_LEN  32    /* generated ids: 128 bits, hex */

typedef struct ngx_http_hyperspot_job_s  ngx_http_hyperspot_job_t;

/* Calls waiting for the end of the event loop's turn, per thread pool. */
typedef struct ngx_http_hyperspot_main_conf_s  ngx_http_hyperspot_main_conf_t;

typedef struct {
    ngx_http_hyperspot_main_conf_t  *hmcf;
    ngx_thread_pool_t         *tp;
    ngx_str_t                  name;
    ngx_http_hyperspot_job_t  *head;
    ngx_http_hyperspot_job_t **tail;
    ngx_event_t                flush;      /* posted: sends them off */
} ngx_http_hyperspot_dispatcher_t;

/* A verified token, per worker (ngx_http_hyperspot_auth.c). */
typedef struct {
    uint32_t              hash;
    u_char               *token;          /* NULL: free slot */
    size_t                len;
    time_t                until;          /* exp, capped */
    ngx_uint_t            generation;     /* of the key set */
    hs_secctx_t           sec;
} ngx_http_hyperspot_jwt_entry_t;

#define NGX_HTTP_HYPERSPOT_UNKNOWN_KIDS  16

typedef struct {
    u_char                kid[64];
    ngx_msec_t            until;
} ngx_http_hyperspot_unknown_kid_t;

typedef struct {
    /* directives */
    ngx_str_t             jwks_file;      /* hyperspot_jwks_file */
    ngx_str_t             jwks_url;       /* hyperspot_jwks_url */
    ngx_msec_t            jwks_interval;  /*   interval= */
    ngx_msec_t            jwks_min_interval;  /* min_interval= */
    ngx_msec_t            jwks_timeout;   /*   timeout= */
    ngx_str_t             jwks_ca;        /*   ca_file= */
    unsigned              algs;           /* hyperspot_jwt_algorithms */
    ngx_str_t             issuer;         /* hyperspot_jwt_issuer */
    ngx_str_t             audience;       /* hyperspot_jwt_audience */
    time_t                leeway;         /* hyperspot_jwt_leeway */
    ngx_array_t          *required;       /* hyperspot_jwt_required_claims */
    ngx_str_t             tenant_claim;   /* hyperspot_jwt_tenant_claim */
    ngx_str_t             roles_claim;    /* hyperspot_jwt_roles_claim */
    ngx_str_t             perms_claim;    /* ..._permissions_claim */
    ngx_int_t             cache_size;     /* hyperspot_jwt_cache */
    ngx_str_t             api_key_header; /* hyperspot_api_key_header */

    /* built at configuration time */
    ngx_uint_t            enabled;        /* a key source is configured */
    hs_jwks_t            *jwks;           /* the current key set */
    ngx_uint_t            generation;     /* bumped when it changes */
    hs_jwt_policy_t       policy;
    const char          **required_c;     /* NULL-terminated */

    /* per worker */
    ngx_http_hyperspot_jwt_entry_t  *cache;
    ngx_uint_t            cache_mask;
    ngx_thread_pool_t    *tp;             /* where the key set is fetched */
    ngx_event_t           refresh_ev;
    ngx_uint_t            fetching;
    ngx_uint_t            fetched;        /* an attempt has finished */
    ngx_msec_t            fetched_at;     /* the last one started */
    ngx_queue_t           waiting;        /* requests parked for it */
    ngx_http_hyperspot_unknown_kid_t  unknown[NGX_HTTP_HYPERSPOT_UNKNOWN_KIDS];
    ngx_uint_t            unknown_next;
    u_char                fetch_err[256]; /* the last failure logged */
    time_t                audit_second;   /* event-loop audit budget */
    ngx_uint_t            audit_count;
    ngx_uint_t            audit_dropped;
} ngx_http_hyperspot_auth_conf_t;

struct ngx_http_hyperspot_main_conf_s {
    ngx_str_t             config_file;    /* hyperspot_config */
    ngx_str_t             database;       /* hyperspot_database */
    hs_dburl_t            dburl;
    ngx_str_t             docs_assets;    /* hyperspot_docs_assets */
    ngx_str_t             migrations;     /* hyperspot_migrations */
    ngx_msec_t            busy_timeout;   /* hyperspot_database_busy_timeout */
    ngx_msec_t            connect_timeout; /* ..._connect_timeout */
    hs_db_t              *db;
    ngx_event_t           migrate_ev;     /* per worker: retries */
    ngx_uint_t            db_ready;       /* per worker: migrated */
    ngx_uint_t            migrate_logged;
    char                  migrate_err[256]; /* the last failure logged */
    hs_registry_t        *registry;
    hs_api_t             *api;            /* router, validator, OpenAPI */
    hs_log_t              log;            /* modkit -> ngx_cycle->log */
    ngx_str_t             title;          /* of the OpenAPI document */
    ngx_str_t             docs_js;        /* the reference page's assets, */
    ngx_str_t             docs_css;       /* read at configuration time */
    ngx_array_t           dispatchers;    /* of ..._dispatcher_t *, one per
                                             thread pool in use */
    uint64_t             *op_ns;          /* per worker: what each
                                             operation's calls take, ns */
    ngx_http_hyperspot_auth_conf_t  auth;
};

typedef struct {
    ngx_flag_t            enable;         /* hyperspot */
    ngx_str_t             tp_name;        /* hyperspot_thread_pool */
    ngx_thread_pool_t    *tp;
    ngx_http_hyperspot_dispatcher_t  *dispatcher;
    ngx_flag_t            openapi;        /* hyperspot_openapi */
    ngx_flag_t            docs;           /* hyperspot_docs */
    ngx_flag_t            check_responses; /* hyperspot_check_responses */
    ngx_str_t             dev_tenant;     /* hyperspot_dev_tenant */
    ngx_str_t             dev_subject;    /* hyperspot_dev_subject */
    ngx_str_t             dev_header;     /* hyperspot_dev_tenant_header */
    ngx_array_t          *dev_roles;      /* hyperspot_dev_roles */
    hs_secctx_t          *dev_sec;        /* per worker: built once */
    ngx_uint_t            serves_below;   /* a location inside is on */
} ngx_http_hyperspot_loc_conf_t;

typedef struct {
    u_char                rid[HS_REQUEST_ID_MAX + 1];
    size_t                rid_len;
    hs_route_match_t      match;
    hs_secctx_t           sec;            /* who asks (empty: anonymous) */

    ngx_buf_t            *problem;        /* replaces nginx's error page */
    ngx_str_t             api_key;        /* presented, checked by a gate */
    u_char                auth_error[160]; /* why a credential failed */
    ngx_queue_t           wait;           /* parked for the key set */
    ngx_http_request_t   *request;
    ngx_pool_cleanup_t   *wait_cln;
    unsigned              rid_sent:1;
    unsigned              sec_built:1;
    unsigned              credential:1;   /* the request presented one */
    unsigned              keys_missing:1; /* no key set: answer 503 */
    unsigned              waited:1;       /* parked once already */
    unsigned              replace:1;
    unsigned              replaced:1;
} ngx_http_hyperspot_ctx_t;

extern ngx_module_t  ngx_http_hyperspot_module;
extern ngx_module_t  ngx_http_hyperspot_filter_module;

/* ngx_http_hyperspot_handler.c */
ngx_int_t ngx_http_hyperspot_handler(ngx_http_request_t *r);
ngx_http_hyperspot_ctx_t *ngx_http_hyperspot_get_ctx(ngx_http_request_t *r);
/* The first request header of that name (case-insensitive), or NULL. */
ngx_table_elt_t *ngx_http_hyperspot_header(ngx_http_request_t *r,
    const char *name, size_t len);

ngx_int_t ngx_http_hyperspot_send(ngx_http_request_t *r, ngx_uint_t status,
    const char *type, const u_char *body, size_t len);
ngx_int_t ngx_http_hyperspot_send_problem(ngx_http_request_t *r,
    hs_problem_t *p);
ngx_int_t ngx_http_hyperspot_health(ngx_http_request_t *r);
ngx_int_t ngx_http_hyperspot_healthz(ngx_http_request_t *r);
ngx_int_t ngx_http_hyperspot_openapi(ngx_http_request_t *r);
ngx_int_t ngx_http_hyperspot_docs(ngx_http_request_t *r);
ngx_int_t ngx_http_hyperspot_docs_asset(ngx_http_request_t *r);
void ngx_http_hyperspot_rid_seed(void);
void ngx_http_hyperspot_flush(ngx_event_t *ev);

/* Posts a call that has no request (an audit event) to the pool. */
ngx_int_t ngx_http_hyperspot_post_detached(
    ngx_http_hyperspot_dispatcher_t *d, hs_call_t *call, ngx_log_t *log);

/* ngx_http_hyperspot_auth.c */
/* Builds the request's SecurityCtx once (ctx->sec; empty: anonymous). */
ngx_int_t ngx_http_hyperspot_secctx(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx);
char *ngx_http_hyperspot_jwt_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_hyperspot_jwt_required(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_hyperspot_jwks_url(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* Parks a request whose SecurityCtx waits for the key set (NGX_AGAIN). */
ngx_int_t ngx_http_hyperspot_auth_park(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx);
char *ngx_http_hyperspot_dev_roles(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_http_hyperspot_auth_create(ngx_http_hyperspot_auth_conf_t *acf);
ngx_int_t ngx_http_hyperspot_auth_init(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf);
ngx_int_t ngx_http_hyperspot_auth_init_process(ngx_cycle_t *cycle,
    ngx_http_hyperspot_main_conf_t *hmcf);
void ngx_http_hyperspot_auth_cleanup(ngx_http_hyperspot_auth_conf_t *acf);
/* The WWW-Authenticate challenge of a 401 answer (RFC 6750). */
ngx_int_t ngx_http_hyperspot_challenge(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx);
/* Records an event the event loop decided (rate-limited per worker). */
void ngx_http_hyperspot_audit(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx, const char *action, const char *outcome,
    const char *detail);

/* ngx_http_hyperspot_filter.c */
ngx_int_t ngx_http_hyperspot_add_rid_header(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx);

/* built-in routes carry their nginx handler as the route data */
typedef ngx_int_t (*ngx_http_hyperspot_builtin_pt)(ngx_http_request_t *r);

#endif /* NGX_HTTP_HYPERSPOT_H */
