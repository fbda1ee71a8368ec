/* One REST call: request copies, handler run, response rendering. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_call.h"
#include "hs_json.h"
#include "hs_rbac.h"

#define HS__MIME_JSON     "application/json"
#define HS__MIME_PROBLEM  "application/problem+json"


static void hs__call_internal(hs_call_t *call, const char *why);
static char *hs__call_check_response(hs_call_t *call);
static char *hs__call_strndup(hs_call_t *call, const char *s, size_t len);
static void hs__call_strfree(hs_call_t *call, char *p);


/*
 * Freed calls kept for the next ones, per thread: a call is larger than
 * what malloc serves from its per-thread caches, and the event loop makes
 * one per request.
 */
#define HS__CALL_SPARE  64

static __thread hs_call_t  *hs__call_spare[HS__CALL_SPARE];
static __thread size_t      hs__call_nspare;


hs_call_t *
hs_call_new(void)
{
    hs_call_t  *call;

    if (hs__call_nspare == 0) {
        return hs_calloc(1, sizeof(hs_call_t));
    }

    call = hs__call_spare[--hs__call_nspare];
    memset(call, 0, offsetof(hs_call_t, strbuf));

    return call;
}


/* A copy of s in the call's buffer, or on the heap when it is full. */
static char *
hs__call_strndup(hs_call_t *call, const char *s, size_t len)
{
    char  *p;

    if (len >= sizeof(call->strbuf) - call->strbuf_used) {
        return hs_strndup(s, len);
    }

    p = call->strbuf + call->strbuf_used;
    memcpy(p, s, len);
    p[len] = '\0';
    call->strbuf_used += len + 1;

    return p;
}


static void
hs__call_strfree(hs_call_t *call, char *p)
{
    uintptr_t  a, buf;

    a = (uintptr_t) p;
    buf = (uintptr_t) call->strbuf;

    if (a - buf >= sizeof(call->strbuf)) {
        hs_free(p);
    }
}


void
hs_call_free(hs_call_t *call)
{
    size_t  i;

    if (call == NULL) {
        return;
    }

    for (i = 0; i < call->nparams; i++) {
        hs__call_strfree(call, call->param_names[i]);
        hs__call_strfree(call, call->param_values[i]);
    }

    for (i = 0; i < call->nheaders; i++) {
        hs__call_strfree(call, call->header_names[i]);
        hs__call_strfree(call, call->header_values[i]);
    }

    hs_free(call->api_key);
    hs_free(call->audit_buf);
    hs__call_strfree(call, call->method);
    hs__call_strfree(call, call->path);
    hs__call_strfree(call, call->query);
    hs_free(call->body);
    hs_free(call->location);
    hs_free(call->out);
    json_decref(call->json);
    json_decref(call->response);
    hs_problem_free(call->problem);

    if (hs__call_nspare < HS__CALL_SPARE) {
        hs__call_spare[hs__call_nspare++] = call;
        return;
    }

    hs_free(call);
}


hs_rc_t
hs_call_set_request(hs_call_t *call, const char *method, size_t method_len,
    const char *path, size_t path_len, const char *query, size_t query_len,
    const char *request_id, size_t request_id_len)
{
    call->method = hs__call_strndup(call, method, method_len);
    call->path = hs__call_strndup(call, path, path_len);
    call->query = hs__call_strndup(call, query ? query : "",
                                   query ? query_len : 0);

    if (request_id_len > HS_REQUEST_ID_MAX) {
        request_id_len = HS_REQUEST_ID_MAX;
    }

    memcpy(call->request_id, request_id, request_id_len);
    call->request_id[request_id_len] = '\0';

    if (call->method == NULL || call->path == NULL || call->query == NULL) {
        return HS_ENOMEM;
    }

    return HS_OK;
}


hs_rc_t
hs_call_set_match(hs_call_t *call, const hs_route_match_t *m)
{
    size_t  i;

    call->route = m->route;
    call->op = m->op;
    call->api = m->op ? hs_api_op_api(m->op) : NULL;
    call->module = m->module;
    call->module_data = m->data;

    for (i = 0; i < m->nparams; i++) {
        call->param_names[i] = hs__call_strndup(call, m->params[i].name,
                                                m->params[i].name_len);
        call->param_values[i] = hs__call_strndup(call, m->params[i].value,
                                                 m->params[i].len);
        call->nparams = i + 1;

        if (call->param_names[i] == NULL || call->param_values[i] == NULL) {
            return HS_ENOMEM;
        }
    }

    return HS_OK;
}


hs_rc_t
hs_call_add_header(hs_call_t *call, const char *name, const char *value,
    size_t len)
{
    if (call->nheaders == HS_API_MAX_PARAMS) {
        return HS_EINVAL;
    }

    call->header_names[call->nheaders] = hs__call_strndup(call, name,
                                                          strlen(name));
    call->header_values[call->nheaders] = hs__call_strndup(call, value, len);
    call->nheaders++;

    if (call->header_names[call->nheaders - 1] == NULL
        || call->header_values[call->nheaders - 1] == NULL)
    {
        return HS_ENOMEM;
    }

    return HS_OK;
}


void
hs_call_set_body(hs_call_t *call, char *body, size_t len)
{
    hs_free(call->body);
    call->body = body;
    call->body_len = len;
}


const char *
hs_call_param(const hs_call_t *call, const char *name)
{
    size_t  i;

    for (i = 0; i < call->nparams; i++) {
        if (strcmp(call->param_names[i], name) == 0) {
            return call->param_values[i];
        }
    }

    return NULL;
}


static int hs__hexval(char c);


/* %-decodes s (len) into out; '+' is a space. The length, or -1. */
int
hs_call_query_decode(const char *s, size_t len, char *out, size_t size)
{
    size_t  i, n;
    int     h, l;

    for (i = 0, n = 0; i < len; i++) {
        if (n + 1 >= size) {
            return -1;
        }

        if (s[i] == '+') {
            out[n++] = ' ';

        } else if (s[i] == '%') {
            if (i + 2 >= len) {
                return -1;
            }

            h = hs__hexval(s[i + 1]);
            l = hs__hexval(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                return -1;
            }

            out[n++] = (char) (h << 4 | l);
            i += 2;

        } else {
            out[n++] = s[i];
        }
    }

    out[n] = '\0';

    return (int) n;
}


static int
hs__hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


const char *
hs_call_query(const hs_call_t *call, const char *name, char *buf,
    size_t size)
{
    size_t       nlen, n;
    const char  *p, *e, *eq;

    nlen = strlen(name);

    for (p = call->query; p && *p; p = *e ? e + 1 : e) {
        e = strchr(p, '&');
        if (e == NULL) {
            e = p + strlen(p);
        }

        eq = memchr(p, '=', e - p);
        n = eq ? (size_t) (eq - p) : (size_t) (e - p);

        /* names are compared %-decoded: "%24filter" is "$filter" */
        if (hs_call_query_decode(p, n, buf, size) == (int) nlen
            && memcmp(buf, name, nlen) == 0)
        {
            if (eq == NULL) {
                buf[0] = '\0';
                return buf;
            }

            return hs_call_query_decode(eq + 1, e - eq - 1, buf, size) >= 0
                   ? buf : NULL;
        }
    }

    return NULL;
}


json_t *
hs_call_json(const hs_call_t *call)
{
    return call->json;
}


hs_rc_t
hs_call_reply(hs_call_t *call, int status, json_t *body)
{
    json_decref(call->response);
    call->response = body;
    call->status = status;

    hs_free(call->out);
    call->out = NULL;
    call->out_len = 0;

    return HS_OK;
}


hs_rc_t
hs_call_reply_text(hs_call_t *call, int status, char *text, size_t len)
{
    json_decref(call->response);
    call->response = NULL;
    call->status = status;

    hs_free(call->out);
    call->out = text;
    call->out_len = len;
    call->out_type = HS__MIME_JSON;

    return text != NULL ? HS_OK : HS_ENOMEM;
}


hs_rc_t
hs_call_fail(hs_call_t *call, hs_problem_t *p)
{
    hs_problem_free(call->problem);
    call->problem = p;

    return p != NULL ? HS_OK : HS_ENOMEM;
}


hs_rc_t
hs_call_set_location(hs_call_t *call, const char *fmt, ...)
{
    char     buf[1024];
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    hs_free(call->location);
    call->location = hs_strdup(buf);

    return call->location ? HS_OK : HS_ENOMEM;
}


/* Hands ev to the sink of the call's API, or logs it. */
static void
hs__call_record(const hs_call_t *call, const hs_audit_event_t *ev)
{
    hs_rc_t  rc;

    rc = hs_api_audit(call->api, ev);

    if (rc == HS_OK) {
        return;
    }

    hs_log(call->log, rc == HS_ENOTFOUND ? HS_LOG_INFO : HS_LOG_ERR,
           "audit%s: %s %s tenant=%s subject=%s method=%s source=%s "
           "request=%s resource=%s: %s",
           rc == HS_ENOTFOUND ? "" : " event not stored", ev->action,
           ev->outcome, ev->tenant_id ? ev->tenant_id : "-",
           ev->subject_id ? ev->subject_id : "-",
           ev->auth_method ? ev->auth_method : "-",
           ev->source ? ev->source : "-",
           ev->request_id ? ev->request_id : "-",
           ev->resource ? ev->resource : "-",
           ev->detail ? ev->detail : "");
}


void
hs_call_audit(hs_call_t *call, const char *action, const char *outcome,
    const char *resource, const char *fmt, ...)
{
    char              detail[1024];
    va_list           ap;
    hs_audit_event_t  ev;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);

    ev.action = action;
    ev.outcome = outcome;
    ev.tenant_id = call->sec.tenant_id[0] ? call->sec.tenant_id : NULL;
    ev.subject_id = call->sec.subject_id[0] ? call->sec.subject_id : NULL;
    ev.auth_method = call->sec.auth_method[0] ? call->sec.auth_method
                                              : NULL;
    ev.request_id = call->request_id;
    ev.source = call->client_addr[0] ? call->client_addr : NULL;
    ev.resource = resource;
    ev.detail = detail;

    hs__call_record(call, &ev);
}


hs_call_t *
hs_call_new_audit(const hs_api_t *api, const hs_audit_event_t *ev,
    const hs_log_t *log)
{
    char              *p;
    size_t             i, len, n[9];
    hs_call_t         *call;
    const char        *in[9];
    const char       **out[9];

    call = hs_call_new();
    if (call == NULL) {
        return NULL;
    }

    call->api = api;
    call->log = log;
    call->audit_only = 1;

    in[0] = ev->action;      out[0] = &call->audit_ev.action;
    in[1] = ev->outcome;     out[1] = &call->audit_ev.outcome;
    in[2] = ev->tenant_id;   out[2] = &call->audit_ev.tenant_id;
    in[3] = ev->subject_id;  out[3] = &call->audit_ev.subject_id;
    in[4] = ev->auth_method; out[4] = &call->audit_ev.auth_method;
    in[5] = ev->request_id;  out[5] = &call->audit_ev.request_id;
    in[6] = ev->source;      out[6] = &call->audit_ev.source;
    in[7] = ev->resource;    out[7] = &call->audit_ev.resource;
    in[8] = ev->detail;      out[8] = &call->audit_ev.detail;

    for (i = 0, len = 0; i < 9; i++) {
        n[i] = in[i] ? strlen(in[i]) + 1 : 0;
        len += n[i];
    }

    call->audit_buf = hs_alloc(len + 1);
    if (call->audit_buf == NULL) {
        hs_call_free(call);
        return NULL;
    }

    for (i = 0, p = call->audit_buf; i < 9; i++) {
        if (in[i] == NULL) {
            *out[i] = NULL;
            continue;
        }

        memcpy(p, in[i], n[i]);
        *out[i] = p;
        p += n[i];
    }

    return call;
}


/*
 * The core's access control: gates, then the operation's permission.
 * Returns 0 when the call may go on; otherwise call->problem is set.
 */
static int
hs__call_access(hs_call_t *call)
{
    int           perm;
    hs_rc_t       rc;
    const char   *module, *name;

    if (call->op == NULL || call->api == NULL) {
        return 0;
    }

    perm = hs_api_op_permission(call->op);
    if (perm == HS_API_PUBLIC) {
        return 0;
    }

    module = NULL;

    if (call->sec.tenant_id[0] == '\0' && call->api_key != NULL) {
        rc = hs_api_run_gates(call->api, HS_GATE_AUTHENTICATE, call, &module);
        if (rc != HS_OK || call->problem != NULL) {
            goto refused;
        }
    }

    if (call->sec.tenant_id[0] == '\0') {
        call->problem = hs_problem_new(HS_PROBLEM_UNAUTHORIZED,
                                       "this operation requires an "
                                       "authenticated tenant");
        goto refused;
    }

    rc = hs_api_run_gates(call->api, HS_GATE_TENANT, call, &module);
    if (rc == HS_OK && call->problem == NULL) {
        rc = hs_api_run_gates(call->api, HS_GATE_AUTHORIZE, call, &module);
    }

    if (rc != HS_OK || call->problem != NULL) {
        goto refused;
    }

    if (perm >= 0 && !hs_secctx_has(&call->sec, perm)) {
        name = hs_rbac_permission(hs_api_rbac(call->api), perm);

        call->problem = hs_problem_new(HS_PROBLEM_FORBIDDEN,
                                       "this operation requires the "
                                       "permission %s, which the caller "
                                       "does not have", name);
        hs_call_audit(call, "access.denied", "denied", call->path,
                      "%s %s requires %s", call->method, call->path, name);
        return 1;
    }

    return 0;

refused:

    if (call->problem == NULL) {
        char  why[160];

        snprintf(why, sizeof(why), "access gate of module \"%s\" failed",
                 module ? module : "?");
        hs__call_internal(call, why);
        return 1;
    }

    hs_call_audit(call, call->problem->status == 401 ? "auth.failed"
                                                     : "access.denied",
                  call->problem->status == 401 ? "failure" : "denied",
                  call->path, "%s %s: %s", call->method, call->path,
                  call->problem->detail ? call->problem->detail : "");
    return 1;
}


static void
hs__call_render_problem(hs_call_t *call)
{
    /* a problem replaces what the handler may have rendered */
    hs_free(call->out);

    call->out = hs_problem_render(call->problem, call->path,
                                  call->request_id, &call->out_len);
    call->status = call->problem->status;
    call->out_type = HS__MIME_PROBLEM;
}


/* The response against its declaration (also one rendered as text). */
static char *
hs__call_check_response(hs_call_t *call)
{
    char    *why;
    json_t  *parsed;

    if (call->response != NULL || call->out == NULL) {
        return hs_api_op_check_response(call->op, call->status,
                                        call->response);
    }

    parsed = json_loadb(call->out, call->out_len, JSON_DECODE_ANY, NULL);
    if (parsed == NULL) {
        return hs_strdup("the handler rendered a response that is not "
                         "JSON");
    }

    why = hs_api_op_check_response(call->op, call->status, parsed);
    json_decref(parsed);

    return why;
}


static void
hs__call_internal(hs_call_t *call, const char *why)
{
    hs_problem_free(call->problem);
    json_decref(call->response);
    call->response = NULL;

    call->problem = hs_problem_new(HS_PROBLEM_INTERNAL,
                                   "the server failed to process the "
                                   "request; quote trace_id %s when "
                                   "reporting it", call->request_id);

    hs_log(call->log, HS_LOG_ERR, "module \"%s\" %s %s failed: %s "
           "(request id %s)", call->module ? call->module : "?",
           call->method, call->path, why, call->request_id);
}


void
hs_call_execute(hs_call_t *call)
{
    char          *why;
    hs_rc_t        rc;
    json_error_t   jerr;

    if (call->audit_only) {
        hs__call_record(call, &call->audit_ev);
        call->status = 204;
        return;
    }

    if (hs__call_access(call)) {
        goto render;
    }

    if (call->body != NULL && call->body_len > 0) {
        call->json = json_loadb(call->body, call->body_len,
                                JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                                &jerr);

        if (call->json == NULL) {
            call->problem = hs_problem_new(HS_PROBLEM_INVALID_JSON,
                                           "request body is not valid JSON: "
                                           "%s at line %d, column %d",
                                           jerr.text, jerr.line,
                                           jerr.column);
            goto render;
        }
    }

    if ((call->route->flags & HS_ROUTE_BODY_JSON
         || call->route->body_schema != NULL)
        && call->json == NULL)
    {
        call->problem = hs_problem_new(HS_PROBLEM_BAD_REQUEST,
                                       "this operation requires a JSON "
                                       "request body");
        goto render;
    }

    if (call->op != NULL) {
        call->problem = hs_api_op_check_request(call->op, call);
        if (call->problem != NULL) {
            goto render;
        }
    }

    rc = call->route->handler(call);

    if (rc != HS_OK && call->problem == NULL) {
        hs__call_internal(call, "handler returned an error");
    }

    if (call->problem == NULL && call->status == 0) {
        hs__call_internal(call, "handler set no response");
    }

    if (call->problem == NULL && call->op != NULL && call->check_response) {
        why = hs__call_check_response(call);
        if (why != NULL) {
            hs__call_internal(call, why);
            hs_free(why);
        }
    }

render:

    if (call->problem == NULL && (call->status < 100 || call->status > 599)) {
        hs__call_internal(call, "handler set an invalid status");
    }

    if (call->problem != NULL) {
        hs__call_render_problem(call);

    } else if (call->response != NULL) {
        call->out = hs_json_dump(call->response, &call->out_len);

        if (call->out == NULL) {
            hs__call_internal(call, "hs_json_dump() failed");
            hs__call_render_problem(call);

        } else {
            call->out_type = HS__MIME_JSON;
        }
    }

    if (call->problem != NULL && call->out == NULL) {
        /* rendering failed: out of memory */
        call->status = 500;
        call->out_type = NULL;
    }

    /*
     * What only the rendering needed is freed here, on the thread that
     * allocated it; the glue keeps the rendered response.
     */
    json_decref(call->json);
    call->json = NULL;
    json_decref(call->response);
    call->response = NULL;
    hs_problem_free(call->problem);
    call->problem = NULL;
    hs_free(call->body);
    call->body = NULL;
    call->body_len = 0;
}


int
hs_request_id_valid(const char *id, size_t len)
{
    size_t  i;
    char    c;

    if (len == 0 || len > HS_REQUEST_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = id[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
              || c == ':'))
        {
            return 0;
        }
    }

    return 1;
}
