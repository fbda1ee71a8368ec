/*
 * HyperSpot core module: authentication. The request's SecurityCtx is
 * built once, on the event loop:
 *
 *   development mode   hyperspot_dev_tenant: a fixed tenant and subject,
 *                      no credentials (and a warning at every start)
 *   Authorization: Bearer <JWT>
 *                      verified with hs_jwt_verify() against the key set
 *                      (hyperspot_jwks_file, or hyperspot_jwks_url:
 *                      fetched by every worker on a pool thread, again
 *                      periodically and when a token names an unknown kid,
 *                      at most once per min_interval; requests wait for a
 *                      fetch in flight) and the policy of the
 *                      hyperspot_jwt_* directives,
 *                      claims mapped to tenant, subject, roles and
 *                      permissions; verified tokens are kept in a
 *                      per-worker cache until they expire
 *   an API key         (hyperspot_api_key_header) copied into the call:
 *                      the module that keeps keys checks it on the pool
 *                      thread (an HS_GATE_AUTHENTICATE gate)
 *
 * A credential that fails leaves the context empty and says why in
 * ctx->auth_error: the operation answers 401 with a WWW-Authenticate
 * challenge (RFC 6750), and the failure is an audit event.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_thread_pool.h>

#include "ngx_http_hyperspot.h"

#define NGX_HTTP_HYPERSPOT_JWT_TTL      300     /* cache, at most, s */
#define NGX_HTTP_HYPERSPOT_AUDIT_RATE   100     /* event-loop events/s */


static ngx_int_t ngx_http_hyperspot_dev_secctx(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx, ngx_http_hyperspot_loc_conf_t *hlcf,
    ngx_http_hyperspot_main_conf_t *hmcf);
static ngx_int_t ngx_http_hyperspot_jwt_secctx(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx, ngx_http_hyperspot_main_conf_t *hmcf,
    u_char *token, size_t len);
static ngx_int_t ngx_http_hyperspot_claims(ngx_http_hyperspot_ctx_t *ctx,
    ngx_http_hyperspot_main_conf_t *hmcf, json_t *claims, hs_secctx_t *sec);
static void ngx_http_hyperspot_grant_list(const hs_rbac_t *rb,
    hs_secctx_t *sec, json_t *v, ngx_uint_t roles);
static void ngx_http_hyperspot_auth_fail(ngx_http_hyperspot_ctx_t *ctx,
    const char *fmt, ...);
static ngx_int_t ngx_http_hyperspot_jwks_wait(ngx_http_hyperspot_ctx_t *ctx,
    ngx_http_hyperspot_auth_conf_t *acf, u_char *token, size_t len);
static void ngx_http_hyperspot_jwks_fetch(ngx_http_hyperspot_auth_conf_t *acf,
    ngx_log_t *log);
static void ngx_http_hyperspot_jwks_run(void *data, ngx_log_t *log);
static void ngx_http_hyperspot_jwks_done(ngx_event_t *ev);
static void ngx_http_hyperspot_jwks_timer(ngx_event_t *ev);
static void ngx_http_hyperspot_unpark(void *data);


/* A fetch of the key set, on a pool thread. */
typedef struct {
    ngx_http_hyperspot_auth_conf_t  *acf;
    char                             url[2048];
    char                             ca[1024];
    hs_http_options_t                opt;
    hs_jwks_t                       *jwks;
    hs_rc_t                          rc;
    hs_error_t                       err;
} ngx_http_hyperspot_jwks_task_t;


/*
 * The request's SecurityCtx, built once (ctx->sec; empty: anonymous or a
 * credential that failed, see ctx->auth_error).
 */
ngx_int_t
ngx_http_hyperspot_secctx(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx)
{
    u_char                          *p, *last;
    ngx_table_elt_t                 *h;
    ngx_http_hyperspot_loc_conf_t   *hlcf;
    ngx_http_hyperspot_main_conf_t  *hmcf;
    ngx_http_hyperspot_auth_conf_t  *acf;

    if (ctx->sec_built) {
        return NGX_OK;
    }

    ctx->sec_built = 1;

    hlcf = ngx_http_get_module_loc_conf(r, ngx_http_hyperspot_module);
    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);
    acf = &hmcf->auth;

    if (hlcf->dev_tenant.len) {
        return ngx_http_hyperspot_dev_secctx(r, ctx, hlcf, hmcf);
    }

    h = r->headers_in.authorization;

    if (h != NULL) {
        ctx->credential = 1;

        p = h->value.data;
        last = p + h->value.len;

        if (h->value.len < 7
            || ngx_strncasecmp(p, (u_char *) "Bearer ", 7) != 0)
        {
            ngx_http_hyperspot_auth_fail(ctx, "the Authorization header "
                                         "is not \"Bearer <token>\"");
            return NGX_OK;
        }

        for (p += 7; p < last && *p == ' '; p++) { /* void */ }

        if (!acf->enabled) {
            ngx_http_hyperspot_auth_fail(ctx, "bearer tokens are not "
                                         "accepted here");
            return NGX_OK;
        }

        if (ngx_http_hyperspot_jwt_secctx(r, ctx, hmcf, p, last - p)
            == NGX_AGAIN)
        {
            /* built again once the key set is fetched */
            ctx->sec_built = 0;
            return NGX_AGAIN;
        }

        return NGX_OK;
    }

    if (acf->api_key_header.len) {
        h = ngx_http_hyperspot_header(r, (char *) acf->api_key_header.data,
                                      acf->api_key_header.len);

        if (h != NULL) {
            ctx->credential = 1;

            /* the same answer as the gate's for any other bad key */
            if (h->value.len == 0 || h->value.len > 1024) {
                ngx_http_hyperspot_auth_fail(ctx, "the API key is not "
                                             "valid");
                return NGX_OK;
            }

            ctx->api_key = h->value;
        }
    }

    return NGX_OK;                      /* anonymous */
}


/*
 * Development mode: hyperspot_dev_tenant, or the hyperspot_dev_tenant_header
 * when the request has a valid uuid there; the roles of hyperspot_dev_roles
 * or else every permission.
 */
static ngx_int_t
ngx_http_hyperspot_dev_secctx(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx, ngx_http_hyperspot_loc_conf_t *hlcf,
    ngx_http_hyperspot_main_conf_t *hmcf)
{
    ngx_str_t         tenant, *role;
    ngx_uint_t        i;
    hs_secctx_t      *sec;
    ngx_table_elt_t  *h;
    const hs_rbac_t  *rb;

    tenant = hlcf->dev_tenant;
    h = NULL;

    if (hlcf->dev_header.len) {
        h = ngx_http_hyperspot_header(r, (char *) hlcf->dev_header.data,
                                      hlcf->dev_header.len);
        if (h != NULL && hs_uuid_valid((char *) h->value.data,
                                       h->value.len))
        {
            tenant = h->value;

        } else {
            h = NULL;
        }
    }

    /* the location's own development context is the same every time */
    if (h == NULL && hlcf->dev_sec != NULL) {
        ctx->sec = *hlcf->dev_sec;
        return NGX_OK;
    }

    if (hs_secctx_init(&ctx->sec, (char *) tenant.data, tenant.len,
                       (char *) hlcf->dev_subject.data, hlcf->dev_subject.len,
                       "dev")
        != HS_OK)
    {
        return NGX_ERROR;
    }

    rb = hs_api_rbac(hmcf->api);

    if (hlcf->dev_roles == NULL) {
        hs_rbac_grant_pattern(rb, &ctx->sec, "*", 1);

    } else {
        role = hlcf->dev_roles->elts;

        for (i = 0; i < hlcf->dev_roles->nelts; i++) {
            hs_rbac_grant_role(rb, &ctx->sec, (char *) role[i].data,
                               role[i].len);
        }
    }

    if (h == NULL) {
        sec = ngx_palloc(ngx_cycle->pool, sizeof(hs_secctx_t));
        if (sec != NULL) {
            *sec = ctx->sec;
            hlcf->dev_sec = sec;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_hyperspot_jwt_secctx(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx, ngx_http_hyperspot_main_conf_t *hmcf,
    u_char *token, size_t len)
{
    json_t                          *claims, *exp;
    time_t                           now, until;
    hs_rc_t                          rc;
    uint32_t                         hash;
    hs_error_t                       err;
    hs_secctx_t                      sec;
    ngx_http_hyperspot_auth_conf_t  *acf;
    ngx_http_hyperspot_jwt_entry_t  *e;

    acf = &hmcf->auth;
    now = ngx_time();

    if (len == 0 || len > HS_JWT_MAX_TOKEN) {
        ngx_http_hyperspot_auth_fail(ctx, len ? "the token is too long"
                                              : "the bearer token is "
                                                "empty");
        return NGX_OK;
    }

    hash = ngx_murmur_hash2(token, len);
    e = acf->cache ? &acf->cache[hash & acf->cache_mask] : NULL;

    if (e != NULL && e->token != NULL && e->hash == hash && e->len == len
        && e->until > now && e->generation == acf->generation
        && ngx_memcmp(e->token, token, len) == 0)
    {
        ctx->sec = e->sec;
        return NGX_OK;
    }

    claims = NULL;

    if (acf->jwks == NULL) {
        /* the key set of the URL is not here yet */
        if (!ctx->waited && (acf->fetching || !acf->fetched)) {
            ngx_http_hyperspot_jwks_fetch(acf, r->connection->log);
            return NGX_AGAIN;
        }

        ctx->keys_missing = 1;
        ngx_http_hyperspot_auth_fail(ctx, "the key set is not available: "
                                     "%s", acf->fetch_err);
        return NGX_OK;
    }

    rc = hs_jwt_verify((char *) token, len, acf->jwks, &acf->policy, &claims,
                       &err);

    if (rc == HS_ENOTFOUND && acf->jwks_url.len
        && ngx_http_hyperspot_jwks_wait(ctx, acf, token, len) == NGX_AGAIN)
    {
        ngx_http_hyperspot_jwks_fetch(acf, r->connection->log);
        return NGX_AGAIN;
    }

    if (rc != HS_OK) {
        ngx_http_hyperspot_auth_fail(ctx, "the bearer token is not valid: "
                                     "%s", err.msg);
        return NGX_OK;
    }

    if (ngx_http_hyperspot_claims(ctx, hmcf, claims, &sec) != NGX_OK) {
        json_decref(claims);
        return NGX_OK;
    }

    exp = json_object_get(claims, "exp");
    until = now + NGX_HTTP_HYPERSPOT_JWT_TTL;

    if (json_is_integer(exp) && json_integer_value(exp) + acf->leeway < until)
    {
        until = (time_t) (json_integer_value(exp) + acf->leeway);
    }

    json_decref(claims);

    ctx->sec = sec;

    if (e == NULL) {
        return NGX_OK;
    }

    if (e->token == NULL || e->len < len) {
        ngx_free(e->token);
        e->token = ngx_alloc(len, r->connection->log);
        if (e->token == NULL) {
            return NGX_OK;
        }
    }

    ngx_memcpy(e->token, token, len);
    e->hash = hash;
    e->len = len;
    e->until = until;
    e->generation = acf->generation;
    e->sec = sec;

    return NGX_OK;
}


/* The claims of a verified token as a SecurityCtx. */
static ngx_int_t
ngx_http_hyperspot_claims(ngx_http_hyperspot_ctx_t *ctx,
    ngx_http_hyperspot_main_conf_t *hmcf, json_t *claims, hs_secctx_t *sec)
{
    json_t                          *sub, *ten, *v;
    const hs_rbac_t                 *rb;
    ngx_http_hyperspot_auth_conf_t  *acf;

    acf = &hmcf->auth;

    sub = json_object_get(claims, "sub");
    if (!json_is_string(sub)
        || !hs_subject_valid(json_string_value(sub), json_string_length(sub)))
    {
        ngx_http_hyperspot_auth_fail(ctx, "the token's \"sub\" is missing "
                                     "or not a subject id");
        return NGX_ERROR;
    }

    ten = json_object_get(claims, (char *) acf->tenant_claim.data);

    if (json_is_array(ten)) {
        if (json_array_size(ten) != 1) {
            ngx_http_hyperspot_auth_fail(ctx, "the token's \"%s\" must name "
                                         "exactly one tenant",
                                         acf->tenant_claim.data);
            return NGX_ERROR;
        }

        ten = json_array_get(ten, 0);
    }

    if (!json_is_string(ten)
        || !hs_uuid_valid(json_string_value(ten), json_string_length(ten)))
    {
        ngx_http_hyperspot_auth_fail(ctx, "the token's \"%s\" is missing or"
                                     " not a tenant uuid",
                                     acf->tenant_claim.data);
        return NGX_ERROR;
    }

    if (hs_secctx_init(sec, json_string_value(ten), json_string_length(ten),
                       json_string_value(sub), json_string_length(sub),
                       "jwt")
        != HS_OK)
    {
        ngx_http_hyperspot_auth_fail(ctx, "the token's subject or tenant is "
                                     "malformed");
        return NGX_ERROR;
    }

    rb = hs_api_rbac(hmcf->api);

    if (acf->roles_claim.len) {
        v = json_object_get(claims, (char *) acf->roles_claim.data);
        ngx_http_hyperspot_grant_list(rb, sec, v, 1);
    }

    if (acf->perms_claim.len) {
        v = json_object_get(claims, (char *) acf->perms_claim.data);
        ngx_http_hyperspot_grant_list(rb, sec, v, 0);
    }

    return NGX_OK;
}


/*
 * Grants a claim's roles (defined ones; others grant nothing) or
 * permission patterns: an array of strings, or one space-separated
 * string (as OAuth's "scope").
 */
static void
ngx_http_hyperspot_grant_list(const hs_rbac_t *rb, hs_secctx_t *sec,
    json_t *v, ngx_uint_t roles)
{
    size_t       i, n;
    json_t      *item;
    const char  *s, *e;

    if (json_is_array(v)) {
        json_array_foreach(v, i, item) {
            if (!json_is_string(item)) {
                continue;
            }

            if (roles) {
                hs_rbac_grant_role(rb, sec, json_string_value(item),
                                   json_string_length(item));
            } else {
                hs_rbac_grant_pattern(rb, sec, json_string_value(item),
                                      json_string_length(item));
            }
        }

        return;
    }

    if (!json_is_string(v)) {
        return;
    }

    for (s = json_string_value(v); *s; s = e) {
        while (*s == ' ') {
            s++;
        }

        for (e = s; *e && *e != ' '; e++) { /* void */ }

        n = e - s;

        if (n == 0) {
            continue;
        }

        if (roles) {
            hs_rbac_grant_role(rb, sec, s, n);
        } else {
            hs_rbac_grant_pattern(rb, sec, s, n);
        }
    }
}


static void
ngx_http_hyperspot_auth_fail(ngx_http_hyperspot_ctx_t *ctx,
    const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(ctx->auth_error,
                      ctx->auth_error + sizeof(ctx->auth_error) - 1, fmt,
                      args);
    va_end(args);

    *p = '\0';

    ngx_memzero(&ctx->sec, sizeof(hs_secctx_t));
    ctx->api_key.len = 0;
}


ngx_int_t
ngx_http_hyperspot_challenge(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx)
{
    u_char           *p, *s;
    size_t            len;
    ngx_table_elt_t  *h;

    static const char  realm[] = "Bearer realm=\"hyperspot\"";

    len = sizeof(realm) - 1;

    if (ctx->credential) {
        len += sizeof(", error=\"invalid_token\", error_description=\"\"")
               - 1 + ngx_strlen(ctx->auth_error);
    }

    h = ngx_list_push(&r->headers_out.headers);
    p = ngx_pnalloc(r->pool, len);
    if (h == NULL || p == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value.data = p;
    r->headers_out.www_authenticate = h;

    p = ngx_cpymem(p, realm, sizeof(realm) - 1);

    if (ctx->credential) {
        p = ngx_cpymem(p, ", error=\"invalid_token\", error_description=\"",
                       sizeof(", error=\"invalid_token\", "
                              "error_description=\"") - 1);

        /* RFC 6750: %x20-21 / %x23-5B / %x5D-7E only */
        for (s = ctx->auth_error; *s; s++) {
            *p++ = (*s >= 0x20 && *s <= 0x7e && *s != '"' && *s != '\\')
                   ? *s : '\'';
        }

        *p++ = '"';
    }

    h->value.len = p - h->value.data;

    return NGX_OK;
}


void
ngx_http_hyperspot_audit(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx, const char *action, const char *outcome,
    const char *detail)
{
    char                             src[NGX_SOCKADDR_STRLEN + 1];
    char                             rid[HS_REQUEST_ID_MAX + 1];
    char                             path[1024], text[1200];
    time_t                           now;
    hs_call_t                       *call;
    hs_audit_event_t                 ev;
    ngx_http_hyperspot_loc_conf_t   *hlcf;
    ngx_http_hyperspot_main_conf_t  *hmcf;
    ngx_http_hyperspot_auth_conf_t  *acf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);
    hlcf = ngx_http_get_module_loc_conf(r, ngx_http_hyperspot_module);
    acf = &hmcf->auth;

    /* a flood of bad credentials must not become a flood of writes */
    now = ngx_time();

    if (now != acf->audit_second) {
        acf->audit_second = now;
        acf->audit_count = 0;
    }

    if (acf->audit_count++ >= NGX_HTTP_HYPERSPOT_AUDIT_RATE) {
        acf->audit_dropped++;
        return;
    }

    ngx_cpystrn((u_char *) src, r->connection->addr_text.data,
                ngx_min(r->connection->addr_text.len + 1, sizeof(src)));
    ngx_cpystrn((u_char *) rid, ctx->rid, sizeof(rid));
    ngx_cpystrn((u_char *) path, r->uri.data,
                ngx_min(r->uri.len + 1, sizeof(path)));
    hs_utf8_sanitize(path);

    if (acf->audit_dropped) {
        ngx_snprintf((u_char *) text, sizeof(text) - 1, "%s (and %ui more "
                     "events not recorded: more than %d a second)%Z",
                     detail, acf->audit_dropped,
                     NGX_HTTP_HYPERSPOT_AUDIT_RATE);
        acf->audit_dropped = 0;

    } else {
        ngx_cpystrn((u_char *) text, (u_char *) detail, sizeof(text));
    }

    ngx_memzero(&ev, sizeof(hs_audit_event_t));
    ev.action = action;
    ev.outcome = outcome;
    ev.tenant_id = ctx->sec.tenant_id[0] ? ctx->sec.tenant_id : NULL;
    ev.subject_id = ctx->sec.subject_id[0] ? ctx->sec.subject_id : NULL;
    ev.auth_method = ctx->api_key.len ? "api_key"
                     : r->headers_in.authorization ? "jwt" : NULL;
    ev.request_id = rid;
    ev.source = src;
    ev.resource = path;
    ev.detail = text;

    call = hs_call_new_audit(hmcf->api, &ev, &hmcf->log);
    if (call == NULL) {
        return;
    }

    if (ngx_http_hyperspot_post_detached(hlcf->dispatcher, call,
                                         r->connection->log)
        != NGX_OK)
    {
        hs_call_free(call);
    }
}


/* ------------------------------------------------------ key set URL */

/*
 * A token with a kid the key set lacks: NGX_AGAIN when a fetch (in
 * flight, or allowed now) may bring it; NGX_DECLINED when not, and then
 * the kid is remembered as unknown until the next fetch is allowed, so
 * that made-up kids cost nothing and never reach the identity provider.
 */
static ngx_int_t
ngx_http_hyperspot_jwks_wait(ngx_http_hyperspot_ctx_t *ctx,
    ngx_http_hyperspot_auth_conf_t *acf, u_char *token, size_t len)
{
    u_char                            kid[64];
    ngx_uint_t                        i;
    ngx_msec_t                        next;
    ngx_http_hyperspot_unknown_kid_t  *u;

    if (hs_jwt_kid((char *) token, len, (char *) kid, sizeof(kid)) != HS_OK) {
        return NGX_DECLINED;
    }

    for (i = 0; i < NGX_HTTP_HYPERSPOT_UNKNOWN_KIDS; i++) {
        u = &acf->unknown[i];

        if ((ngx_msec_int_t) (u->until - ngx_current_msec) > 0
            && ngx_strcmp(u->kid, kid) == 0)
        {
            return NGX_DECLINED;
        }
    }

    next = acf->fetched_at + acf->jwks_min_interval;

    if (!ctx->waited
        && (acf->fetching || (ngx_msec_int_t) (next - ngx_current_msec) <= 0))
    {
        return NGX_AGAIN;
    }

    u = &acf->unknown[acf->unknown_next++ % NGX_HTTP_HYPERSPOT_UNKNOWN_KIDS];
    ngx_cpystrn(u->kid, kid, sizeof(u->kid));
    u->until = (ngx_msec_int_t) (next - ngx_current_msec) > 0
               ? next : ngx_current_msec + acf->jwks_min_interval;

    return NGX_DECLINED;
}


static void
ngx_http_hyperspot_jwks_fetch(ngx_http_hyperspot_auth_conf_t *acf,
    ngx_log_t *log)
{
    ngx_thread_task_t               *task;
    ngx_http_hyperspot_jwks_task_t  *t;

    if (acf->fetching || acf->tp == NULL || ngx_exiting) {
        return;
    }

    task = ngx_calloc(sizeof(ngx_thread_task_t)
                      + sizeof(ngx_http_hyperspot_jwks_task_t), log);
    if (task == NULL) {
        return;
    }

    t = (ngx_http_hyperspot_jwks_task_t *) (task + 1);
    t->acf = acf;
    ngx_cpystrn((u_char *) t->url, acf->jwks_url.data,
                ngx_min(acf->jwks_url.len + 1, sizeof(t->url)));
    ngx_cpystrn((u_char *) t->ca, acf->jwks_ca.data,
                ngx_min(acf->jwks_ca.len + 1, sizeof(t->ca)));
    t->opt.timeout_ms = (int) acf->jwks_timeout;
    t->opt.max_body = 1024 * 1024;
    t->opt.ca_file = t->ca[0] ? t->ca : NULL;
    t->opt.accept = "application/jwk-set+json, application/json";

    task->ctx = t;
    task->handler = ngx_http_hyperspot_jwks_run;
    task->event.handler = ngx_http_hyperspot_jwks_done;
    task->event.data = task;
    task->event.log = log;

    if (ngx_thread_task_post(acf->tp, task) != NGX_OK) {
        ngx_free(task);
        return;
    }

    acf->fetching = 1;
    acf->fetched_at = ngx_current_msec;

    if (acf->refresh_ev.timer_set) {
        ngx_del_timer(&acf->refresh_ev);
    }
}


static void
ngx_http_hyperspot_jwks_run(void *data, ngx_log_t *log)
{
    ngx_http_hyperspot_jwks_task_t  *t = data;

    int      status;
    char    *body;
    size_t   len;

    t->rc = hs_http_get(t->url, &t->opt, &status, &body, &len, &t->err);
    if (t->rc != HS_OK) {
        return;
    }

    if (status != 200) {
        hs_error_set(&t->err, "%s answered %d", t->url, status);
        t->rc = HS_ERROR;

    } else {
        t->jwks = hs_jwks_parse(body, len, &t->err);

        if (t->jwks != NULL && hs_jwks_count(t->jwks) == 0) {
            hs_error_set(&t->err, "%s holds no signing key", t->url);
            hs_jwks_free(t->jwks);
            t->jwks = NULL;
        }

        t->rc = t->jwks ? HS_OK : HS_ERROR;
    }

    hs_free(body);
}


static void
ngx_http_hyperspot_jwks_done(ngx_event_t *ev)
{
    ngx_queue_t                     *q;
    ngx_thread_task_t               *task;
    ngx_connection_t                *c;
    ngx_http_request_t              *r;
    ngx_http_hyperspot_ctx_t        *ctx;
    ngx_http_hyperspot_jwks_task_t  *t;
    ngx_http_hyperspot_auth_conf_t  *acf;

    task = ev->data;
    t = task->ctx;
    acf = t->acf;

    acf->fetching = 0;
    acf->fetched = 1;

    if (t->rc == HS_OK) {
        if (acf->jwks == NULL || acf->fetch_err[0]
            || hs_jwks_count(acf->jwks) != hs_jwks_count(t->jwks))
        {
            ngx_log_error(NGX_LOG_NOTICE, ev->log, 0, "hyperspot: key set "
                          "from %V: %uz keys", &acf->jwks_url,
                          hs_jwks_count(t->jwks));
        }

        hs_jwks_free(acf->jwks);
        acf->jwks = t->jwks;
        acf->generation++;
        acf->fetch_err[0] = '\0';

    } else if (ngx_strcmp(acf->fetch_err, t->err.msg) != 0) {
        /* each distinct failure once; the old key set stays in use */
        ngx_log_error(NGX_LOG_ERR, ev->log, 0, "hyperspot_jwks_url: %s%s",
                      t->err.msg, acf->jwks ? "; the previous key set stays"
                                              " in use" : "");
        ngx_cpystrn(acf->fetch_err, (u_char *) t->err.msg,
                    sizeof(acf->fetch_err));
    }

    if (!ngx_exiting && !ngx_terminate && !ngx_quit) {
        ngx_add_timer(&acf->refresh_ev, t->rc == HS_OK
                                        ? acf->jwks_interval
                                        : acf->jwks_min_interval);
    }

    ngx_free(task);

    /* the parked requests run again */
    while (!ngx_queue_empty(&acf->waiting)) {
        q = ngx_queue_head(&acf->waiting);
        ngx_queue_remove(q);

        ctx = ngx_queue_data(q, ngx_http_hyperspot_ctx_t, wait);
        ctx->wait_cln->handler = NULL;
        ctx->waited = 1;

        r = ctx->request;
        c = r->connection;

        ngx_http_finalize_request(r, ngx_http_hyperspot_handler(r));
        ngx_http_run_posted_requests(c);
    }
}


static void
ngx_http_hyperspot_jwks_timer(ngx_event_t *ev)
{
    ngx_http_hyperspot_jwks_fetch(ev->data, ev->log);
}


ngx_int_t
ngx_http_hyperspot_auth_park(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx)
{
    ngx_pool_cleanup_t              *cln;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_hyperspot_unpark;
    cln->data = ctx;

    ctx->request = r;
    ctx->wait_cln = cln;
    ngx_queue_insert_tail(&hmcf->auth.waiting, &ctx->wait);

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_hyperspot_unpark(void *data)
{
    ngx_http_hyperspot_ctx_t  *ctx = data;

    ngx_queue_remove(&ctx->wait);
}


/* ------------------------------------------------------ configuration */

char *
ngx_http_hyperspot_jwks_url(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hyperspot_main_conf_t *hmcf = conf;

    u_char                          *url;
    hs_url_t                         u;
    ngx_str_t                       *value, s;
    ngx_uint_t                       i;
    ngx_msec_t                      *t;
    hs_error_t                       err;
    ngx_http_hyperspot_auth_conf_t  *acf;

    acf = &hmcf->auth;

    if (acf->jwks_url.len) {
        return "is duplicate";
    }

    value = cf->args->elts;
    url = value[1].data;

    if (hs_url_parse((char *) url, &u, &err) != HS_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err.msg);
        return NGX_CONF_ERROR;
    }

    acf->jwks_url = value[1];

    for (i = 2; i < cf->args->nelts; i++) {
        t = NULL;

        if (ngx_strncmp(value[i].data, "interval=", 9) == 0) {
            t = &acf->jwks_interval;
            s.data = value[i].data + 9;

        } else if (ngx_strncmp(value[i].data, "min_interval=", 13) == 0) {
            t = &acf->jwks_min_interval;
            s.data = value[i].data + 13;

        } else if (ngx_strncmp(value[i].data, "timeout=", 8) == 0) {
            t = &acf->jwks_timeout;
            s.data = value[i].data + 8;

        } else if (ngx_strncmp(value[i].data, "ca_file=", 8) == 0) {
            acf->jwks_ca.data = value[i].data + 8;
            acf->jwks_ca.len = value[i].len - 8;

            if (acf->jwks_ca.len == 0
                || ngx_conf_full_name(cf->cycle, &acf->jwks_ca, 1) != NGX_OK)
            {
                return "has an invalid ca_file";
            }

            continue;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid parameter "
                               "\"%V\" (known: interval=, min_interval=, "
                               "timeout=, ca_file=)", &value[i]);
            return NGX_CONF_ERROR;
        }

        s.len = value[i].data + value[i].len - s.data;
        *t = ngx_parse_time(&s, 0);

        if (*t == (ngx_msec_t) NGX_ERROR || *t == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid time in "
                               "\"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}




char *
ngx_http_hyperspot_jwt_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_hyperspot_main_conf_t *hmcf = conf;

    u_char      name[16];
    unsigned    bit;
    ngx_str_t  *value;
    ngx_uint_t  i;

    if (hmcf->auth.algs) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        bit = 0;

        if (value[i].len < sizeof(name)) {
            ngx_cpystrn(name, value[i].data, value[i].len + 1);
            bit = hs_jwt_alg_bit((char *) name);
        }

        if (bit == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "unknown JWT algorithm"
                               " \"%V\" (known: RS256 RS384 RS512 ES256 "
                               "ES384 HS256 HS384 HS512; \"none\" is never "
                               "accepted)", &value[i]);
            return NGX_CONF_ERROR;
        }

        hmcf->auth.algs |= bit;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_hyperspot_jwt_required(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_hyperspot_main_conf_t *hmcf = conf;

    ngx_str_t   *value, *c;
    ngx_uint_t   i;

    if (hmcf->auth.required != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    hmcf->auth.required = ngx_array_create(cf->pool, cf->args->nelts,
                                           sizeof(ngx_str_t));
    if (hmcf->auth.required == NULL) {
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        c = ngx_array_push(hmcf->auth.required);
        if (c == NULL) {
            return NGX_CONF_ERROR;
        }

        *c = value[i];
    }

    return NGX_CONF_OK;
}


char *
ngx_http_hyperspot_dev_roles(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_hyperspot_loc_conf_t *hlcf = conf;

    ngx_str_t   *value, *r;
    ngx_uint_t   i;

    if (hlcf->dev_roles != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    hlcf->dev_roles = ngx_array_create(cf->pool, cf->args->nelts,
                                       sizeof(ngx_str_t));
    if (hlcf->dev_roles == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        if (!hs_rbac_role_valid((char *) value[i].data, value[i].len)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" is not a role "
                               "name", &value[i]);
            return NGX_CONF_ERROR;
        }

        r = ngx_array_push(hlcf->dev_roles);
        if (r == NULL) {
            return NGX_CONF_ERROR;
        }

        *r = value[i];
    }

    return NGX_CONF_OK;
}


void
ngx_http_hyperspot_auth_create(ngx_http_hyperspot_auth_conf_t *acf)
{
    acf->leeway = NGX_CONF_UNSET;
    acf->required = NGX_CONF_UNSET_PTR;
    acf->cache_size = NGX_CONF_UNSET;
    acf->jwks_interval = 10 * 60 * 1000;
    acf->jwks_min_interval = 30 * 1000;
    acf->jwks_timeout = 5000;
}


/* Reads a file into a NUL-terminated buffer of cf->pool. */
static u_char *
ngx_http_hyperspot_read(ngx_conf_t *cf, ngx_str_t *name, size_t *len)
{
    u_char           *buf;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_file_info_t   fi;

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", name);
        return NULL;
    }

    buf = NULL;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR
        || ngx_file_size(&fi) > 1024 * 1024)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "\"%V\" cannot be "
                           "read or is larger than 1 MB", name);
        goto done;
    }

    *len = (size_t) ngx_file_size(&fi);

    buf = ngx_pnalloc(cf->pool, *len + 1);
    if (buf == NULL) {
        goto done;
    }

    n = ngx_read_fd(fd, buf, *len);
    if (n != (ssize_t) *len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_read_fd_n " \"%V\" failed", name);
        buf = NULL;
        goto done;
    }

    buf[*len] = '\0';

done:

    ngx_close_file(fd);

    return buf;
}


/* A C string of cf->pool from an ngx_str_t (NULL when empty). */
static const char *
ngx_http_hyperspot_cstr(ngx_conf_t *cf, ngx_str_t *s)
{
    u_char  *p;

    if (s->len == 0) {
        return NULL;
    }

    p = ngx_pnalloc(cf->pool, s->len + 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_cpystrn(p, s->data, s->len + 1);

    return (const char *) p;
}


/* After the API is built: the key set, the policy, the defaults. */
ngx_int_t
ngx_http_hyperspot_auth_init(ngx_conf_t *cf,
    ngx_http_hyperspot_main_conf_t *hmcf)
{
    u_char                          *json;
    size_t                           len;
    ngx_str_t                       *c;
    ngx_uint_t                       i;
    hs_error_t                       err;
    ngx_http_hyperspot_auth_conf_t  *acf;

    static ngx_str_t  def_required[] = { ngx_string("sub"),
                                         ngx_string("exp") };

    acf = &hmcf->auth;

    if (acf->algs == 0) {
        acf->algs = HS_JWT_RS256 | HS_JWT_ES256;
    }

    if (acf->leeway == NGX_CONF_UNSET) {
        acf->leeway = 30;
    }

    if (acf->cache_size == NGX_CONF_UNSET) {
        acf->cache_size = 1024;
    }

    if (acf->tenant_claim.len == 0) {
        ngx_str_set(&acf->tenant_claim, "tenants");
    }

    if (acf->roles_claim.len == 0) {
        ngx_str_set(&acf->roles_claim, "roles");
    }

    if (acf->perms_claim.len == 0) {
        ngx_str_set(&acf->perms_claim, "permissions");
    }

    if (acf->api_key_header.len == 0) {
        ngx_str_set(&acf->api_key_header, "X-API-Key");
    }

    /* "off" turns a claim or the API key header off */
    if (ngx_strcmp(acf->roles_claim.data, "off") == 0) {
        acf->roles_claim.len = 0;
    }

    if (ngx_strcmp(acf->perms_claim.data, "off") == 0) {
        acf->perms_claim.len = 0;
    }

    if (ngx_strcmp(acf->api_key_header.data, "off") == 0) {
        acf->api_key_header.len = 0;
    }

    /* the claim names as C strings (directive values are NUL-terminated) */
    if (acf->required == NGX_CONF_UNSET_PTR) {
        acf->required = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
        if (acf->required == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < 2; i++) {
            c = ngx_array_push(acf->required);
            if (c == NULL) {
                return NGX_ERROR;
            }
            *c = def_required[i];
        }
    }

    acf->required_c = ngx_pcalloc(cf->pool, (acf->required->nelts + 1)
                                            * sizeof(char *));
    if (acf->required_c == NULL) {
        return NGX_ERROR;
    }

    c = acf->required->elts;

    for (i = 0; i < acf->required->nelts; i++) {
        acf->required_c[i] = ngx_http_hyperspot_cstr(cf, &c[i]);
    }

    acf->policy.algs = acf->algs;
    acf->policy.issuer = ngx_http_hyperspot_cstr(cf, &acf->issuer);
    acf->policy.audience = ngx_http_hyperspot_cstr(cf, &acf->audience);
    acf->policy.leeway = acf->leeway;
    acf->policy.now = 0;
    acf->policy.required = acf->required_c;

    if (acf->jwks_file.len && acf->jwks_url.len) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hyperspot_jwks_file and "
                      "hyperspot_jwks_url: use one key source");
        return NGX_ERROR;
    }

    if (acf->jwks_url.len) {
        if (acf->jwks_min_interval > acf->jwks_interval) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hyperspot_jwks_url: "
                          "min_interval is longer than interval");
            return NGX_ERROR;
        }

        acf->enabled = 1;
        return NGX_OK;
    }

    if (acf->jwks_file.len == 0) {
        return NGX_OK;
    }

    if (ngx_conf_full_name(cf->cycle, &acf->jwks_file, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    json = ngx_http_hyperspot_read(cf, &acf->jwks_file, &len);
    if (json == NULL) {
        return NGX_ERROR;
    }

    acf->jwks = hs_jwks_parse((char *) json, len, &err);
    if (acf->jwks == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hyperspot_jwks_file: "
                      "\"%V\": %s", &acf->jwks_file, err.msg);
        return NGX_ERROR;
    }

    if (hs_jwks_count(acf->jwks) == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "hyperspot_jwks_file: "
                      "\"%V\" holds no signing key", &acf->jwks_file);
        return NGX_ERROR;
    }

    acf->enabled = 1;
    acf->generation = 1;

    return NGX_OK;
}


ngx_int_t
ngx_http_hyperspot_auth_init_process(ngx_cycle_t *cycle,
    ngx_http_hyperspot_main_conf_t *hmcf)
{
    ngx_uint_t                       n;
    ngx_http_hyperspot_auth_conf_t  *acf;

    acf = &hmcf->auth;

    ngx_queue_init(&acf->waiting);

    if (!acf->enabled) {
        return NGX_OK;
    }

    if (acf->jwks_url.len && hmcf->dispatchers.nelts) {
        acf->tp = (*(ngx_http_hyperspot_dispatcher_t **)
                   hmcf->dispatchers.elts)->tp;
        acf->refresh_ev.handler = ngx_http_hyperspot_jwks_timer;
        acf->refresh_ev.data = acf;
        acf->refresh_ev.log = cycle->log;
        acf->refresh_ev.cancelable = 1;

        ngx_http_hyperspot_jwks_fetch(acf, cycle->log);
    }

    if (acf->cache_size <= 0) {
        return NGX_OK;
    }

    for (n = 1; n < (ngx_uint_t) acf->cache_size; n <<= 1) { /* void */ }

    acf->cache = ngx_calloc(n * sizeof(ngx_http_hyperspot_jwt_entry_t),
                            cycle->log);
    if (acf->cache == NULL) {
        return NGX_ERROR;
    }

    acf->cache_mask = n - 1;

    return NGX_OK;
}


void
ngx_http_hyperspot_auth_cleanup(ngx_http_hyperspot_auth_conf_t *acf)
{
    ngx_uint_t  i;

    if (acf->cache != NULL) {
        for (i = 0; i <= acf->cache_mask; i++) {
            ngx_free(acf->cache[i].token);
        }

        ngx_free(acf->cache);
        acf->cache = NULL;
    }

    hs_jwks_free(acf->jwks);
    acf->jwks = NULL;
}
