/*
 * HyperSpot filter: under HyperSpot locations every response carries
 * X-Request-ID, and the error pages nginx itself produces (400, 405, 413,
 * 414, 429, 500, 503, ...) are replaced by RFC 9457 problem documents.
 * An operator's own error_page still takes precedence.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_hyperspot.h"


static ngx_int_t ngx_http_hyperspot_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_hyperspot_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_hyperspot_problem_page(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx);
static ngx_int_t ngx_http_hyperspot_filter_init(ngx_conf_t *cf);


static ngx_http_module_t  ngx_http_hyperspot_filter_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_hyperspot_filter_init,        /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_hyperspot_filter_module = {
    NGX_MODULE_V1,
    &ngx_http_hyperspot_filter_module_ctx, /* module context */
    NULL,                                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


ngx_int_t
ngx_http_hyperspot_add_rid_header(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx)
{
    ngx_table_elt_t  *h;

    if (ctx->rid_sent) {
        return NGX_OK;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "X-Request-ID");
    h->value.data = ctx->rid;
    h->value.len = ctx->rid_len;

    ctx->rid_sent = 1;

    return NGX_OK;
}


static ngx_int_t
ngx_http_hyperspot_header_filter(ngx_http_request_t *r)
{
    ngx_http_hyperspot_ctx_t       *ctx;
    ngx_http_core_srv_conf_t       *cscf;
    ngx_http_hyperspot_loc_conf_t  *hlcf;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    hlcf = ngx_http_get_module_loc_conf(r, ngx_http_hyperspot_module);
    if (hlcf == NULL) {
        return ngx_http_next_header_filter(r);
    }

    if (hlcf->enable != 1) {
        cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);

        /* not an error nginx answered before choosing a location of a
           server that serves HyperSpot */
        if (!hlcf->serves_below || r->err_status < NGX_HTTP_BAD_REQUEST
            || r->loc_conf != cscf->ctx->loc_conf)
        {
            return ngx_http_next_header_filter(r);
        }
    }

    ctx = ngx_http_hyperspot_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_hyperspot_add_rid_header(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    /* r->err_status is set only for the error pages nginx produces */
    if (r->err_status >= NGX_HTTP_BAD_REQUEST && !ctx->replace) {
        if (ngx_http_hyperspot_problem_page(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (r->headers_out.status == NGX_HTTP_UNAUTHORIZED
        && r->headers_out.www_authenticate == NULL
        && ngx_http_hyperspot_challenge(r, ctx) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_hyperspot_problem_page(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx)
{
    char                      *out, *instance;
    size_t                     len;
    ngx_int_t                  status;
    hs_problem_t              *p;
    ngx_table_elt_t           *h;
    hs_problem_kind_t          kind;
    ngx_http_core_loc_conf_t  *clcf;

    status = r->headers_out.status;
    kind = hs_problem_kind_by_status(status);

    switch (status) {

    case NGX_HTTP_BAD_REQUEST:
        p = hs_problem_new(kind, "the request is malformed");
        break;

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
        p = hs_problem_new(kind, "the request body exceeds the limit of "
                           "%lld bytes",
                           (long long) clcf->client_max_body_size);
        break;

    case NGX_HTTP_REQUEST_URI_TOO_LARGE:
        p = hs_problem_new(kind, "the request URI is too long");
        break;

    case NGX_HTTP_REQUEST_HEADER_TOO_LARGE:    /* 494 */
        p = hs_problem_new(HS_PROBLEM_HEADERS_TOO_LARGE,
                           "a request header field is too large");
        break;

    case NGX_HTTP_TOO_MANY_REQUESTS:
        p = hs_problem_new(kind, "request rate limit exceeded; retry later");

        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Retry-After");
        ngx_str_set(&h->value, "1");
        break;

    case NGX_HTTP_SERVICE_UNAVAILABLE:
        p = hs_problem_new(kind, "the service is temporarily unavailable; "
                           "retry later");
        break;

    default:
        p = hs_problem_new(kind, "%s", status >= 500
                           ? "the server failed to process the request"
                           : "the request was rejected");
        break;
    }

    if (p == NULL) {
        return NGX_ERROR;
    }

    if (p->status != status) {
        /* a status without a kind of its own (e.g. 494 maps to 431's) */
        p->status = (int) status;
    }

    instance = ngx_pnalloc(r->pool, r->uri.len + 1);
    if (instance == NULL) {
        hs_problem_free(p);
        return NGX_ERROR;
    }

    if (r->uri.len) {
        ngx_cpystrn((u_char *) instance, r->uri.data, r->uri.len + 1);

    } else {
        instance[0] = '\0';
    }

    out = hs_problem_render(p, instance, (char *) ctx->rid, &len);
    hs_problem_free(p);

    if (out == NULL) {
        return NGX_ERROR;
    }

    ctx->problem = ngx_create_temp_buf(r->pool, len);
    if (ctx->problem == NULL) {
        hs_free(out);
        return NGX_ERROR;
    }

    ctx->problem->last = ngx_cpymem(ctx->problem->last, out, len);
    ctx->problem->last_buf = 1;
    ctx->problem->last_in_chain = 1;
    hs_free(out);

    ngx_str_set(&r->headers_out.content_type, "application/problem+json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.charset.len = 0;

    r->headers_out.content_length_n = len;
    if (r->headers_out.content_length) {
        r->headers_out.content_length->hash = 0;
        r->headers_out.content_length = NULL;
    }

    ctx->replace = 1;

    return NGX_OK;
}


static ngx_int_t
ngx_http_hyperspot_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t                cl, *l;
    ngx_http_hyperspot_ctx_t  *ctx;

    if (r != r->main) {
        return ngx_http_next_body_filter(r, in);
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_hyperspot_module);

    if (ctx == NULL || !ctx->replace) {
        return ngx_http_next_body_filter(r, in);
    }

    /* swallow nginx's HTML error page */
    for (l = in; l; l = l->next) {
        l->buf->pos = l->buf->last;
        l->buf->file_pos = l->buf->file_last;
    }

    if (ctx->replaced) {
        return NGX_OK;
    }

    ctx->replaced = 1;

    cl.buf = ctx->problem;
    cl.next = NULL;

    return ngx_http_next_body_filter(r, &cl);
}


static ngx_int_t
ngx_http_hyperspot_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_hyperspot_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_hyperspot_body_filter;

    return NGX_OK;
}
