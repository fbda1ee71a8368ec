/*
 * One REST call as a handler sees it. The nginx glue fills the request
 * part on the event loop, hs_call_execute() runs on a thread-pool thread
 * (parses the JSON body, runs the handler, renders the response), and the
 * glue writes the rendered response back on the event loop.
 *
 * A call owns copies of everything it uses: it never points into the
 * nginx request, which may be gone when the thread finishes.
 */

#ifndef HS_CALL_H
#define HS_CALL_H

#include <jansson.h>
#include "hs_base.h"
#include "hs_problem.h"
#include "hs_router.h"
#include "hs_api.h"
#include "hs_secctx.h"

#define HS_REQUEST_ID_MAX  128

struct hs_call_s {
    /* request, filled by the glue */
    char               *method;
    char               *path;
    char               *query;          /* without '?', "" when absent */
    char               *body;           /* NUL-terminated, may be NULL */
    size_t              body_len;
    char                request_id[HS_REQUEST_ID_MAX + 1];
    hs_secctx_t         sec;            /* who asks: immutable */
    size_t              nparams;
    char               *param_names[HS_ROUTE_MAX_PARAMS];
    char               *param_values[HS_ROUTE_MAX_PARAMS];
    const hs_route_t   *route;
    const hs_api_op_t  *op;             /* NULL: no contract checks */
    const hs_api_t     *api;            /* of op: gates, audit sink */
    const char         *module;
    void               *module_data;
    const hs_log_t     *log;
    size_t              nheaders;       /* the declared header params */
    char               *header_names[HS_API_MAX_PARAMS];
    char               *header_values[HS_API_MAX_PARAMS];
    char               *api_key;        /* a key to check (HS_GATE_
                                           AUTHENTICATE), or NULL */
    char                client_addr[64];
    unsigned            check_response:1;
    unsigned            audit_only:1;   /* no handler: records audit_ev */
    hs_audit_event_t    audit_ev;       /* strings point into audit_buf */
    char               *audit_buf;

    /* the parsed JSON body (borrowed by handlers) */
    json_t             *json;

    /* response, set by the handler */
    int                 status;
    json_t             *response;
    hs_problem_t       *problem;
    char               *location;

    /* rendered by hs_call_execute() */
    char               *out;
    size_t              out_len;
    const char         *out_type;

    /*
     * The request strings that fit are copied here rather than to the
     * heap (the rest are hs_alloc'ed); kept last: a recycled call clears
     * only what comes before it.
     */
    size_t              strbuf_used;
    char                strbuf[512];
};

HS_API hs_call_t *hs_call_new(void);
HS_API void hs_call_free(hs_call_t *call);

/* Glue side: copies the strings. */
HS_API hs_rc_t hs_call_set_request(hs_call_t *call, const char *method,
    size_t method_len, const char *path, size_t path_len, const char *query,
    size_t query_len, const char *request_id, size_t request_id_len);
HS_API hs_rc_t hs_call_set_match(hs_call_t *call, const hs_route_match_t *m);
/* Copies a request header the operation declares as a parameter. */
HS_API hs_rc_t hs_call_add_header(hs_call_t *call, const char *name,
    const char *value, size_t len);
/* Takes ownership of body (allocated with hs_alloc, len + 1 bytes). */
HS_API void hs_call_set_body(hs_call_t *call, char *body, size_t len);

/*
 * Access control first (docs/security.md), unless the operation is
 * public: the gates (hs_api.h) and the operation's permission, 401 or 403
 * problems recorded as audit events. Then parses the body, checks the
 * request against the operation (call->op), runs the route's handler and renders the response or problem into
 * call->out. Never fails: a handler that returns an error without a
 * problem becomes a 500 internal_error problem; with check_response, so
 * does a response that does not match its declaration. Then frees what
 * only the rendering needed (body, json, response, problem): the rendered
 * call->out, out_type, status and location remain.
 */
HS_API void hs_call_execute(hs_call_t *call);

/* Handler side. */
HS_API const char *hs_call_param(const hs_call_t *call, const char *name);
/*
 * The %-decoded value of query parameter name, copied into buf; NULL when
 * it is absent (or does not fit).
 */
HS_API const char *hs_call_query(const hs_call_t *call, const char *name,
    char *buf, size_t size);
/* %-decodes s (len bytes, '+' is a space): the length, or -1. */
HS_API int hs_call_query_decode(const char *s, size_t len, char *out,
    size_t size);
HS_API json_t *hs_call_json(const hs_call_t *call);
/* Sets the response; body is stolen (may be NULL for no body). */
HS_API hs_rc_t hs_call_reply(hs_call_t *call, int status, json_t *body);
/*
 * Sets the response as JSON text the handler rendered itself (with
 * hs_jbuf_t, hs_json.h: the text hs_call_reply() would send of the same
 * value); text (hs_alloc'ed, NUL-terminated) is stolen. NULL text is
 * HS_ENOMEM, so "return hs_call_reply_text(...)" answers 500.
 */
HS_API hs_rc_t hs_call_reply_text(hs_call_t *call, int status, char *text,
    size_t len);
/* Sets the problem; p is stolen. Returns HS_OK for "return hs_call_fail". */
HS_API hs_rc_t hs_call_fail(hs_call_t *call, hs_problem_t *p);
HS_API hs_rc_t hs_call_set_location(hs_call_t *call, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Records an audit event about this call: its tenant, subject, request
 * id and client address, with action, outcome and a detail (printf);
 * resource may be NULL. Without an audit sink the event is logged.
 */
HS_API void hs_call_audit(hs_call_t *call, const char *action,
    const char *outcome, const char *resource, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * A call that only records an audit event (a refusal the event loop made
 * itself, like a bad token): hs_call_execute() hands ev to the sink of
 * api. The strings are copied.
 */
HS_API hs_call_t *hs_call_new_audit(const hs_api_t *api,
    const hs_audit_event_t *ev, const hs_log_t *log);

/* Request ids: 1..128 of [A-Za-z0-9._:-]. */
HS_API int hs_request_id_valid(const char *id, size_t len);

#endif /* HS_CALL_H */
