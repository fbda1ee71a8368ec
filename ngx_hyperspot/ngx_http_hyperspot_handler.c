/*
 * HyperSpot core module: the request pipeline.
 *
 *   request id -> route match -> (body read) -> thread pool task
 *   -> hs_call_execute() on a pool thread -> response on the event loop
 *
 * Built-in routes (/health, /healthz) are answered on the event loop from
 * memory. A task owns copies of its inputs: the request may be gone when
 * the task finishes, in which case the completion handler only frees it.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include <sys/random.h>
#include <time.h>

#include "ngx_http_hyperspot.h"


/*
 * One request's call on its way through the pool. Calls that arrive in
 * one turn of the event loop are posted together: a batch is one pool
 * task that runs its calls one after the other, so that the hand-off to a
 * pool thread and back (a mutex, a condition variable, an eventfd write
 * and two context switches) is paid per batch, not per request. What an
 * operation's calls took so far decides what may share a batch: a batch
 * holds at most NGX_HTTP_HYPERSPOT_BATCH calls expected to take
 * NGX_HTTP_HYPERSPOT_BATCH_NS together; an operation not measured yet, or
 * slower than that, is posted alone, so that a slow call never holds
 * quick ones back.
 */
struct ngx_http_hyperspot_job_s {
    hs_call_t                  *call;
    ngx_http_request_t         *request;   /* NULL once the request is gone */
    ngx_pool_cleanup_t         *cleanup;
    ngx_http_hyperspot_job_t   *next;
    size_t                      op;        /* hs_api_op_index(), or -1 */
    uint64_t                    ns;        /* what the call took */
    unsigned                    detached:1;  /* runs without a request */
};

typedef struct {
    ngx_http_hyperspot_dispatcher_t  *dispatcher;
    ngx_http_hyperspot_job_t         *jobs;
    ngx_http_hyperspot_job_t        **last;
    ngx_uint_t                        n;
    uint64_t                          ns;  /* expected, all calls */
    ngx_event_t                       guard;  /* a non-cancelable timer: a
                                                 worker shutting down
                                                 gracefully waits for the
                                                 batch */
} ngx_http_hyperspot_batch_t;

#define NGX_HTTP_HYPERSPOT_GUARD_MS  60000
#define NGX_HTTP_HYPERSPOT_BATCH     16      /* calls per pool task, at most */
#define NGX_HTTP_HYPERSPOT_BATCH_NS  500000  /* their expected time, at most */
#define NGX_HTTP_HYPERSPOT_NO_OP     ((size_t) -1)


static void ngx_http_hyperspot_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_hyperspot_dispatch(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx);
static ngx_int_t ngx_http_hyperspot_json_body(ngx_http_request_t *r,
    char **body, size_t *len);
static ngx_http_hyperspot_batch_t *ngx_http_hyperspot_batch_new(
    ngx_http_hyperspot_dispatcher_t *d, ngx_log_t *log);
static void ngx_http_hyperspot_batch_post(ngx_http_hyperspot_batch_t *b,
    ngx_log_t *log);
static void ngx_http_hyperspot_queue(ngx_http_hyperspot_dispatcher_t *d,
    ngx_http_hyperspot_job_t *job);
static void ngx_http_hyperspot_job_fail(ngx_http_hyperspot_job_t *job,
    ngx_http_hyperspot_dispatcher_t *d);
static void ngx_http_hyperspot_job_abort(void *data);
static void ngx_http_hyperspot_batch_run(void *data, ngx_log_t *log);
static void ngx_http_hyperspot_batch_done(ngx_event_t *ev);
static void ngx_http_hyperspot_batch_guard(ngx_event_t *ev);
static ngx_int_t ngx_http_hyperspot_send_call(ngx_http_request_t *r,
    hs_call_t *call);
static ngx_int_t ngx_http_hyperspot_vproblem(ngx_http_request_t *r,
    hs_problem_kind_t kind, const char *fmt, va_list args);
static ngx_int_t ngx_http_hyperspot_problem(ngx_http_request_t *r,
    hs_problem_kind_t kind, const char *fmt, ...);
static ngx_int_t ngx_http_hyperspot_refuse(ngx_http_request_t *r,
    hs_problem_kind_t kind, const char *fmt, ...);


static uint64_t  ngx_http_hyperspot_rid_state;


ngx_table_elt_t *
ngx_http_hyperspot_header(ngx_http_request_t *r, const char *name,
    size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i];
        }
    }
}


void
ngx_http_hyperspot_rid_seed(void)
{
    uint64_t  seed;

    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
        seed = (uint64_t) ngx_time() ^ ((uint64_t) ngx_pid << 32)
               ^ (uint64_t) (uintptr_t) &seed;
    }

    ngx_http_hyperspot_rid_state = seed;
}


/* splitmix64: a fresh 64-bit value per call, cheap and well mixed */
static uint64_t
ngx_http_hyperspot_rid_next(void)
{
    uint64_t  z;

    z = (ngx_http_hyperspot_rid_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;

    return z ^ (z >> 31);
}


ngx_http_hyperspot_ctx_t *
ngx_http_hyperspot_get_ctx(ngx_http_request_t *r)
{
    u_char                    *p;
    uint64_t                   hi, lo;
    ngx_table_elt_t           *h;
    ngx_http_hyperspot_ctx_t  *ctx;

    static const u_char  hex[] = "0123456789abcdef";

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_hyperspot_module);
    if (ctx != NULL) {
        return ctx;
    }

    ctx = ngx_pcalloc(r->main->pool, sizeof(ngx_http_hyperspot_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    /* a well-formed incoming X-Request-ID is kept, anything else replaced */
    h = ngx_http_hyperspot_header(r->main, "X-Request-ID",
                                  sizeof("X-Request-ID") - 1);

    if (h != NULL && hs_request_id_valid((char *) h->value.data,
                                         h->value.len))
    {
        ngx_memcpy(ctx->rid, h->value.data, h->value.len);
        ctx->rid_len = h->value.len;
    }

    if (ctx->rid_len == 0) {
        if (ngx_http_hyperspot_rid_state == 0) {
            ngx_http_hyperspot_rid_seed();
        }

        hi = ngx_http_hyperspot_rid_next();
        lo = ngx_http_hyperspot_rid_next();

        /* 32 hex digits, high bits first */
        for (p = ctx->rid + 31; p >= ctx->rid + 16; p--, lo >>= 4) {
            *p = hex[lo & 0xf];
        }

        for ( /* void */ ; p >= ctx->rid; p--, hi >>= 4) {
            *p = hex[hi & 0xf];
        }

        ctx->rid_len = NGX_HTTP_HYPERSPOT_RID_LEN;
    }

    ctx->rid[ctx->rid_len] = '\0';

    ngx_http_set_ctx(r->main, ctx, ngx_http_hyperspot_module);

    return ctx;
}


ngx_int_t
ngx_http_hyperspot_handler(ngx_http_request_t *r)
{
    hs_rc_t                          rc;
    ngx_int_t                        nrc;
    ngx_table_elt_t                 *allow, *h;
    const hs_api_op_t               *op;
    hs_module_ctx_t                 *mctx;
    ngx_http_hyperspot_ctx_t        *ctx;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);

    ctx = ngx_http_hyperspot_get_ctx(r);
    if (ctx == NULL || hmcf->api == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = hs_router_match(hs_api_router(hmcf->api),
                         (char *) r->method_name.data,
                         r->method_name.len, (char *) r->uri.data,
                         r->uri.len, &ctx->match);

    if (rc == HS_ENOTFOUND) {
        return ngx_http_hyperspot_refuse(r, HS_PROBLEM_NOT_FOUND,
                                         "no operation is served at this "
                                         "path");
    }

    if (rc == HS_EMETHOD) {
        allow = ngx_list_push(&r->headers_out.headers);
        if (allow == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        allow->hash = 1;
        ngx_str_set(&allow->key, "Allow");
        allow->value.len = ngx_strlen(ctx->match.allow);
        allow->value.data = (u_char *) ctx->match.allow;

        return ngx_http_hyperspot_refuse(r, HS_PROBLEM_METHOD_NOT_ALLOWED,
                                         "method %V is not allowed here; "
                                         "allowed: %s", &r->method_name,
                                         ctx->match.allow);
    }

    op = ctx->match.op;
    h = ngx_http_hyperspot_header(r, "Accept", sizeof("Accept") - 1);

    if (h != NULL
        && !hs_api_op_acceptable(op, (char *) h->value.data, h->value.len))
    {
        return ngx_http_hyperspot_refuse(r, HS_PROBLEM_NOT_ACCEPTABLE,
                                         "this operation answers %s, which"
                                         " the Accept header excludes",
                                         hs_api_op_produces(op));
    }

    /* the core's own operations are public and answered from memory */
    if (ctx->match.route->flags & HS_ROUTE_EVENT_LOOP) {
        nrc = ngx_http_discard_request_body(r);
        if (nrc != NGX_OK) {
            return nrc;
        }

        return ((ngx_http_hyperspot_builtin_pt) ctx->match.data)(r);
    }

    switch (ngx_http_hyperspot_secctx(r, ctx)) {
    case NGX_OK:
        break;
    case NGX_AGAIN:
        /* the key set is being fetched: run again when it is here */
        return ngx_http_hyperspot_auth_park(r, ctx);
    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->keys_missing && hs_api_op_permission(op) != HS_API_PUBLIC) {
        return ngx_http_hyperspot_refuse(r, HS_PROBLEM_SERVICE_UNAVAILABLE,
                                         "tokens cannot be verified now: %s;"
                                         " retry later", ctx->auth_error);
    }

    /* an API key is checked on the pool thread, before the handler */
    if (ctx->sec.tenant_id[0] == '\0' && ctx->api_key.len == 0
        && hs_api_op_permission(op) != HS_API_PUBLIC)
    {
        if (ctx->credential) {
            ngx_http_hyperspot_audit(r, ctx, "auth.failed", "failure",
                                     (char *) ctx->auth_error);

            return ngx_http_hyperspot_refuse(r, HS_PROBLEM_UNAUTHORIZED,
                                             "%s", ctx->auth_error);
        }

        ngx_http_hyperspot_audit(r, ctx, "auth.failed", "failure",
                                 "no credentials");

        return ngx_http_hyperspot_refuse(r, HS_PROBLEM_UNAUTHORIZED,
                                         "this operation requires an "
                                         "authenticated tenant");
    }

    mctx = hs_registry_find(hmcf->registry, ctx->match.module);

    if (mctx != NULL && (mctx->desc->capabilities & HS_CAP_DB)
        && !hmcf->db_ready)
    {
        return ngx_http_hyperspot_refuse(r, HS_PROBLEM_SERVICE_UNAVAILABLE,
                                         "the database is not ready "
                                         "(migrations pending); retry "
                                         "later");
    }

    if (r->method & (NGX_HTTP_POST|NGX_HTTP_PUT|NGX_HTTP_PATCH)
        && (r->headers_in.content_length_n > 0 || r->headers_in.chunked))
    {
        h = r->headers_in.content_type;

        if (h == NULL
            || !hs_api_op_accepts(op, (char *) h->value.data, h->value.len))
        {
            return ngx_http_hyperspot_refuse(r,
                       HS_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                       "the request body must be %s",
                       hs_api_op_consumes(op));
        }

        r->request_body_in_single_buf = 1;

        nrc = ngx_http_read_client_request_body(r,
                                       ngx_http_hyperspot_body_handler);
        if (nrc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return nrc;
        }

        return NGX_DONE;
    }

    nrc = ngx_http_discard_request_body(r);
    if (nrc != NGX_OK) {
        return nrc;
    }

    nrc = ngx_http_hyperspot_dispatch(r, ctx);
    if (nrc != NGX_DONE) {
        return nrc;
    }

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_hyperspot_body_handler(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_http_hyperspot_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_hyperspot_module);

    rc = ngx_http_hyperspot_dispatch(r, ctx);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }

    /* on NGX_DONE the task completion finalizes the request */
}


/* Creates the call and posts it to the thread pool: NGX_DONE on success. */
static ngx_int_t
ngx_http_hyperspot_dispatch(ngx_http_request_t *r,
    ngx_http_hyperspot_ctx_t *ctx)
{
    char                             *body;
    size_t                            len, i, n;
    hs_call_t                        *call;
    ngx_table_elt_t                  *h;
    const char *const                *names;
    ngx_int_t                         rc;
    ngx_pool_cleanup_t               *cln;
    ngx_http_hyperspot_job_t         *job;
    ngx_http_hyperspot_loc_conf_t    *hlcf;
    ngx_http_hyperspot_main_conf_t   *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);
    hlcf = ngx_http_get_module_loc_conf(r, ngx_http_hyperspot_module);

    body = NULL;
    len = 0;

    if (r->request_body != NULL && r->request_body->bufs != NULL) {
        rc = ngx_http_hyperspot_json_body(r, &body, &len);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    call = hs_call_new();
    if (call == NULL
        || hs_call_set_request(call, (char *) r->method_name.data,
                               r->method_name.len, (char *) r->uri.data,
                               r->uri.len, (char *) r->args.data,
                               r->args.len, (char *) ctx->rid, ctx->rid_len)
           != HS_OK
        || hs_call_set_match(call, &ctx->match) != HS_OK)
    {
        hs_free(body);
        hs_call_free(call);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    hs_call_set_body(call, body, len);
    call->log = &hmcf->log;
    call->sec = ctx->sec;
    call->check_response = hlcf->check_responses ? 1 : 0;

    ngx_cpystrn((u_char *) call->client_addr, r->connection->addr_text.data,
                ngx_min(r->connection->addr_text.len + 1,
                        sizeof(call->client_addr)));

    if (ctx->api_key.len) {
        call->api_key = hs_strndup((char *) ctx->api_key.data,
                                   ctx->api_key.len);
        if (call->api_key == NULL) {
            hs_call_free(call);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    names = hs_api_op_headers(ctx->match.op, &n);

    for (i = 0; i < n; i++) {
        h = ngx_http_hyperspot_header(r, names[i], ngx_strlen(names[i]));
        if (h != NULL
            && hs_call_add_header(call, names[i], (char *) h->value.data,
                                  h->value.len) != HS_OK)
        {
            hs_call_free(call);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    job = ngx_alloc(sizeof(ngx_http_hyperspot_job_t), r->connection->log);
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (job == NULL || cln == NULL) {
        ngx_free(job);
        hs_call_free(call);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    job->call = call;
    job->request = r;
    job->cleanup = cln;
    job->next = NULL;
    job->op = ctx->match.op ? hs_api_op_index(ctx->match.op)
                            : NGX_HTTP_HYPERSPOT_NO_OP;
    job->ns = 0;
    job->detached = 0;

    cln->handler = ngx_http_hyperspot_job_abort;
    cln->data = job;

    ngx_http_hyperspot_queue(hlcf->dispatcher, job);

    return NGX_DONE;
}


/* Queues a job: posted at the end of this turn of the event loop. */
static void
ngx_http_hyperspot_queue(ngx_http_hyperspot_dispatcher_t *d,
    ngx_http_hyperspot_job_t *job)
{
    *d->tail = job;
    d->tail = &job->next;

    if (!d->flush.posted) {
        ngx_post_event(&d->flush, &ngx_posted_events);
    }
}


/* A call without a request (an audit event), with the others. */
ngx_int_t
ngx_http_hyperspot_post_detached(ngx_http_hyperspot_dispatcher_t *d,
    hs_call_t *call, ngx_log_t *log)
{
    ngx_http_hyperspot_job_t  *job;

    job = ngx_calloc(sizeof(ngx_http_hyperspot_job_t), log);
    if (job == NULL) {
        return NGX_ERROR;
    }

    job->call = call;
    job->op = NGX_HTTP_HYPERSPOT_NO_OP;
    job->detached = 1;

    ngx_http_hyperspot_queue(d, job);

    return NGX_OK;
}


/*
 * The pending calls of one pool, in batches (see ngx_http_hyperspot_job_s),
 * each one pool task.
 */
void
ngx_http_hyperspot_flush(ngx_event_t *ev)
{
    uint64_t                          ns;
    ngx_uint_t                        alone;
    ngx_http_hyperspot_job_t         *job, *next;
    ngx_http_hyperspot_batch_t       *b;
    ngx_http_hyperspot_dispatcher_t  *d;

    d = ev->data;

    job = d->head;

    d->head = NULL;
    d->tail = &d->head;

    b = NULL;

    for ( /* void */ ; job != NULL; job = next) {
        next = job->next;
        job->next = NULL;

        if (job->request == NULL && !job->detached) {
            ngx_http_hyperspot_job_fail(job, d);
            continue;
        }

        ns = (job->op != NGX_HTTP_HYPERSPOT_NO_OP && d->hmcf->op_ns)
             ? d->hmcf->op_ns[job->op] : 0;
        alone = (ns == 0 || ns > NGX_HTTP_HYPERSPOT_BATCH_NS);

        if (b != NULL
            && (alone || b->n == NGX_HTTP_HYPERSPOT_BATCH
                || b->ns + ns > NGX_HTTP_HYPERSPOT_BATCH_NS))
        {
            ngx_http_hyperspot_batch_post(b, ev->log);
            b = NULL;
        }

        if (b == NULL) {
            b = ngx_http_hyperspot_batch_new(d, ev->log);
            if (b == NULL) {
                ngx_http_hyperspot_job_fail(job, d);
                continue;
            }
        }

        *b->last = job;
        b->last = &job->next;
        b->n++;
        b->ns += ns;

        if (alone) {
            ngx_http_hyperspot_batch_post(b, ev->log);
            b = NULL;
        }
    }

    if (b != NULL) {
        ngx_http_hyperspot_batch_post(b, ev->log);
    }
}


static ngx_http_hyperspot_batch_t *
ngx_http_hyperspot_batch_new(ngx_http_hyperspot_dispatcher_t *d,
    ngx_log_t *log)
{
    ngx_thread_task_t           *task;
    ngx_http_hyperspot_batch_t  *b;

    task = ngx_calloc(sizeof(ngx_thread_task_t)
                      + sizeof(ngx_http_hyperspot_batch_t), log);
    if (task == NULL) {
        return NULL;
    }

    b = (ngx_http_hyperspot_batch_t *) (task + 1);
    b->dispatcher = d;
    b->last = &b->jobs;

    task->ctx = b;
    task->handler = ngx_http_hyperspot_batch_run;
    task->event.handler = ngx_http_hyperspot_batch_done;
    task->event.data = task;
    task->event.log = log;

    return b;
}


static void
ngx_http_hyperspot_batch_post(ngx_http_hyperspot_batch_t *b, ngx_log_t *log)
{
    ngx_thread_task_t         *task;
    ngx_http_hyperspot_job_t  *job, *next;

    task = (ngx_thread_task_t *) b - 1;

    if (ngx_thread_task_post(b->dispatcher->tp, task) != NGX_OK) {
        /* queue full (nginx logged it) */
        for (job = b->jobs; job; job = next) {
            next = job->next;
            ngx_http_hyperspot_job_fail(job, b->dispatcher);
        }

        ngx_free(task);
        return;
    }

    b->guard.handler = ngx_http_hyperspot_batch_guard;
    b->guard.data = b;
    b->guard.log = log;
    ngx_add_timer(&b->guard, NGX_HTTP_HYPERSPOT_GUARD_MS);
}


/* A call that will not run: 503 for its request, if it is still there. */
static void
ngx_http_hyperspot_job_fail(ngx_http_hyperspot_job_t *job,
    ngx_http_hyperspot_dispatcher_t *d)
{
    ngx_int_t            rc;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = job->request;

    if (r != NULL) {
        job->cleanup->handler = NULL;
    }

    hs_call_free(job->call);
    ngx_free(job);

    if (r == NULL) {
        return;
    }

    c = r->connection;

    rc = ngx_http_hyperspot_problem(r, HS_PROBLEM_SERVICE_UNAVAILABLE,
                                    "the server is busy: the %V thread "
                                    "pool queue is full; retry later",
                                    &d->name);

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/* Copies the body into one hs_alloc()ed NUL-terminated string. */
static ngx_int_t
ngx_http_hyperspot_json_body(ngx_http_request_t *r, char **body, size_t *len)
{
    u_char       *p;
    off_t         total;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    total = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;
        total += b->in_file ? b->file_last - b->file_pos : b->last - b->pos;
    }

    *body = hs_alloc((size_t) total + 1);
    if (*body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = (u_char *) *body;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            /* a body larger than client_body_buffer_size: a local,
               freshly written temporary file */
            n = ngx_read_file(b->file, p, b->file_last - b->file_pos,
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                hs_free(*body);
                *body = NULL;
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
            p += n;

        } else {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    *p = '\0';
    *len = (size_t) total;

    return NGX_OK;
}


static void
ngx_http_hyperspot_batch_run(void *data, ngx_log_t *log)
{
    ngx_http_hyperspot_batch_t  *b = data;

    ngx_uint_t                 shared;
    struct timespec            t0, t1;
    ngx_http_hyperspot_job_t  *job;

    /*
     * the calls of a batch arrived before it was posted: their reads
     * may share one snapshot, taken after the last of them arrived
     */
    shared = (b->jobs != NULL && b->jobs->next != NULL);

    if (shared) {
        hs_db_thread_batch_begin();
    }

    for (job = b->jobs; job; job = job->next) {
        (void) clock_gettime(CLOCK_MONOTONIC, &t0);
        hs_call_execute(job->call);
        (void) clock_gettime(CLOCK_MONOTONIC, &t1);

        job->ns = (uint64_t) (t1.tv_sec - t0.tv_sec) * 1000000000
                  + (uint64_t) t1.tv_nsec - (uint64_t) t0.tv_nsec;
    }

    if (shared) {
        hs_db_thread_batch_end();
    }
}


static void
ngx_http_hyperspot_job_abort(void *data)
{
    ngx_http_hyperspot_job_t  *job = data;

    job->request = NULL;
}


static void
ngx_http_hyperspot_batch_guard(ngx_event_t *ev)
{
    /* a handler is still running: keep waiting */
    ngx_add_timer(ev, NGX_HTTP_HYPERSPOT_GUARD_MS);
}


static void
ngx_http_hyperspot_batch_done(ngx_event_t *ev)
{
    uint64_t                    *op_ns, ns;
    ngx_int_t                    rc;
    ngx_http_hyperspot_ctx_t    *ctx;
    ngx_thread_task_t           *task;
    ngx_connection_t            *c;
    ngx_http_request_t          *r;
    ngx_http_hyperspot_job_t    *job, *next;
    ngx_http_hyperspot_batch_t  *b;

    task = ev->data;
    b = task->ctx;

    if (b->guard.timer_set) {
        ngx_del_timer(&b->guard);
    }

    op_ns = b->dispatcher->hmcf->op_ns;

    for (job = b->jobs; job; job = next) {
        next = job->next;
        r = job->request;

        if (job->op != NGX_HTTP_HYPERSPOT_NO_OP && op_ns != NULL) {
            /* a moving average: 1/8 of each new figure */
            ns = op_ns[job->op];
            op_ns[job->op] = ns ? ns - ns / 8 + job->ns / 8 : job->ns + 1;
        }

        if (r == NULL) {
            /* the request was finalized while the call ran */
            hs_call_free(job->call);
            ngx_free(job);
            continue;
        }

        job->cleanup->handler = NULL;
        c = r->connection;

        /* who the pool found the caller to be (an API key), for the log */
        ctx = ngx_http_get_module_ctx(r->main, ngx_http_hyperspot_module);
        if (ctx != NULL && ctx->sec.tenant_id[0] == '\0') {
            ctx->sec = job->call->sec;
        }

        rc = ngx_http_hyperspot_send_call(r, job->call);

        hs_call_free(job->call);
        ngx_free(job);

        ngx_http_finalize_request(r, rc);
        ngx_http_run_posted_requests(c);
    }

    ngx_free(task);
}


static ngx_int_t
ngx_http_hyperspot_send_call(ngx_http_request_t *r, hs_call_t *call)
{
    ngx_table_elt_t  *h;

    if (call->out_type == NULL && call->out == NULL && call->status >= 400) {
        /* the problem could not be rendered: out of memory */
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (call->location != NULL) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Location");
        h->value.len = ngx_strlen(call->location);
        h->value.data = ngx_pnalloc(r->pool, h->value.len);
        if (h->value.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(h->value.data, call->location, h->value.len);
    }

    return ngx_http_hyperspot_send(r, call->status, call->out_type,
                                   (u_char *) call->out, call->out_len);
}


ngx_int_t
ngx_http_hyperspot_send(ngx_http_request_t *r, ngx_uint_t status,
    const char *type, const u_char *body, size_t len)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t   out;

    r->headers_out.status = status;
    r->headers_out.content_length_n = len;

    /* reason phrases nginx does not know */
    switch (status) {
    case 422:
        ngx_str_set(&r->headers_out.status_line, "422 Unprocessable Content");
        break;
    case 428:
        ngx_str_set(&r->headers_out.status_line, "428 Precondition Required");
        break;
    case 431:
        ngx_str_set(&r->headers_out.status_line,
                    "431 Request Header Fields Too Large");
        break;
    }

    if (type != NULL) {
        r->headers_out.content_type.data = (u_char *) type;
        r->headers_out.content_type.len = ngx_strlen(type);
        r->headers_out.content_type_len = r->headers_out.content_type.len;
        r->headers_out.content_type_lowcase = NULL;
    }

    if (len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    b->last = ngx_cpymem(b->last, body, len);
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


ngx_int_t
ngx_http_hyperspot_send_problem(ngx_http_request_t *r, hs_problem_t *p)
{
    char                      *out, *instance;
    size_t                     len;
    ngx_int_t                  rc;
    ngx_http_hyperspot_ctx_t  *ctx;

    ctx = ngx_http_hyperspot_get_ctx(r);
    instance = ngx_pnalloc(r->pool, r->uri.len + 1);

    if (p == NULL || ctx == NULL || instance == NULL) {
        hs_problem_free(p);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_cpystrn((u_char *) instance, r->uri.data, r->uri.len + 1);

    out = hs_problem_render(p, instance, (char *) ctx->rid, &len);
    if (out == NULL) {
        hs_problem_free(p);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_hyperspot_send(r, p->status, "application/problem+json",
                                 (u_char *) out, len);

    hs_free(out);
    hs_problem_free(p);

    return rc;
}


static ngx_int_t
ngx_http_hyperspot_vproblem(ngx_http_request_t *r, hs_problem_kind_t kind,
    const char *fmt, va_list args)
{
    u_char  buf[1024], *last;

    last = ngx_vslprintf(buf, buf + sizeof(buf) - 1, fmt, args);
    *last = '\0';

    return ngx_http_hyperspot_send_problem(r,
                                  hs_problem_new(kind, "%s", (char *) buf));
}


static ngx_int_t
ngx_http_hyperspot_problem(ngx_http_request_t *r, hs_problem_kind_t kind,
    const char *fmt, ...)
{
    ngx_int_t  rc;
    va_list    args;

    va_start(args, fmt);
    rc = ngx_http_hyperspot_vproblem(r, kind, fmt, args);
    va_end(args);

    return rc;
}


/* A problem for a request refused before its body was read. */
static ngx_int_t
ngx_http_hyperspot_refuse(ngx_http_request_t *r, hs_problem_kind_t kind,
    const char *fmt, ...)
{
    ngx_int_t  rc;
    va_list    args;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    va_start(args, fmt);
    rc = ngx_http_hyperspot_vproblem(r, kind, fmt, args);
    va_end(args);

    return rc;
}


ngx_int_t
ngx_http_hyperspot_healthz(ngx_http_request_t *r)
{
    static const u_char  ok[] = "ok";

    return ngx_http_hyperspot_send(r, NGX_HTTP_OK, "text/plain", ok,
                                   sizeof(ok) - 1);
}


ngx_int_t
ngx_http_hyperspot_health(ngx_http_request_t *r)
{
    char                            *out;
    size_t                           len;
    json_t                          *doc;
    ngx_int_t                        rc;
    ngx_uint_t                       status;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);

    doc = hs_registry_health(hmcf->registry, ngx_time());
    if (doc == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (hmcf->database.len) {
        json_object_set_new(doc, "database",
                            json_string(hs_db_kind_name(hmcf->dburl.kind)));
        json_object_set_new(doc, "database_ready",
                            json_boolean(hmcf->db_ready));

        if (!hmcf->db_ready) {
            json_object_set_new(doc, "status", json_string("unhealthy"));
        }
    }

    status = ngx_strcmp(json_string_value(json_object_get(doc, "status")),
                        "healthy") == 0
             ? NGX_HTTP_OK : NGX_HTTP_SERVICE_UNAVAILABLE;

    out = hs_json_dump(doc, &len);
    json_decref(doc);

    if (out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_hyperspot_send(r, status, "application/json",
                                 (u_char *) out, len);
    hs_free(out);

    return rc;
}


ngx_int_t
ngx_http_hyperspot_openapi(ngx_http_request_t *r)
{
    size_t                           len;
    const char                      *doc;
    ngx_http_hyperspot_loc_conf_t   *hlcf;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    hlcf = ngx_http_get_module_loc_conf(r, ngx_http_hyperspot_module);
    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);

    if (!hlcf->openapi) {
        return ngx_http_hyperspot_problem(r, HS_PROBLEM_NOT_FOUND,
                                          "the OpenAPI document is not "
                                          "served here (hyperspot_openapi "
                                          "off)");
    }

    doc = hs_api_openapi(hmcf->api, &len);

    return ngx_http_hyperspot_send(r, NGX_HTTP_OK, "application/json",
                                   (u_char *) doc, len);
}


ngx_int_t
ngx_http_hyperspot_docs(ngx_http_request_t *r)
{
    ngx_http_hyperspot_loc_conf_t   *hlcf;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    static const char  head[] =
        "<!doctype html>\n"
        "<html lang=\"en\">\n"
        "<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n"
        "<title>API reference</title>\n"
        "<link rel=\"stylesheet\" href=\"/docs/assets/styles.min.css\">\n"
        "<script src=\"/docs/assets/web-components.min.js\"></script>\n"
        "</head>\n"
        "<body style=\"height: 100vh; margin: 0\">\n"
        "<elements-api apiDescriptionUrl=\"/openapi.json\" "
        "router=\"hash\" layout=\"sidebar\" hideTryItPanel=\"false\">"
        "</elements-api>\n"
        "</body>\n"
        "</html>\n";

    hlcf = ngx_http_get_module_loc_conf(r, ngx_http_hyperspot_module);
    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);

    if (!hlcf->docs || !hlcf->openapi) {
        return ngx_http_hyperspot_problem(r, HS_PROBLEM_NOT_FOUND,
                                          "the API reference is not served "
                                          "here (hyperspot_docs off)");
    }

    if (hmcf->docs_js.len == 0) {
        return ngx_http_hyperspot_problem(r, HS_PROBLEM_NOT_FOUND,
                                          "the API reference assets are not"
                                          " installed (see "
                                          "hyperspot_docs_assets)");
    }

    return ngx_http_hyperspot_send(r, NGX_HTTP_OK, "text/html; charset=utf-8",
                                   (u_char *) head, sizeof(head) - 1);
}


ngx_int_t
ngx_http_hyperspot_docs_asset(ngx_http_request_t *r)
{
    ngx_str_t                       *file;
    ngx_table_elt_t                 *cc;
    const char                      *type, *name;
    ngx_http_hyperspot_ctx_t        *ctx;
    ngx_http_hyperspot_loc_conf_t   *hlcf;
    ngx_http_hyperspot_main_conf_t  *hmcf;

    hlcf = ngx_http_get_module_loc_conf(r, ngx_http_hyperspot_module);
    hmcf = ngx_http_get_module_main_conf(r, ngx_http_hyperspot_module);
    ctx = ngx_http_hyperspot_get_ctx(r);

    name = ctx->match.nparams == 1 ? ctx->match.params[0].value : "";

    if (!hlcf->docs || hmcf->docs_js.len == 0) {
        file = NULL;

    } else if (ctx->match.params[0].len == sizeof("web-components.min.js") - 1
               && ngx_strncmp(name, "web-components.min.js",
                              ctx->match.params[0].len) == 0)
    {
        file = &hmcf->docs_js;
        type = "application/javascript; charset=utf-8";

    } else if (ctx->match.params[0].len == sizeof("styles.min.css") - 1
               && ngx_strncmp(name, "styles.min.css",
                              ctx->match.params[0].len) == 0)
    {
        file = &hmcf->docs_css;
        type = "text/css; charset=utf-8";

    } else {
        file = NULL;
    }

    if (file == NULL) {
        return ngx_http_hyperspot_problem(r, HS_PROBLEM_NOT_FOUND,
                                          "no such asset");
    }

    cc = ngx_list_push(&r->headers_out.headers);
    if (cc == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cc->hash = 1;
    ngx_str_set(&cc->key, "Cache-Control");
    ngx_str_set(&cc->value, "public, max-age=3600");

    return ngx_http_hyperspot_send(r, NGX_HTTP_OK, type, file->data,
                                   file->len);
}
