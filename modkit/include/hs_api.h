/*
 * The REST API of a configuration cycle: every module's operations
 * (hs_route_t declarations) and named schemas, from which one builds
 *
 *   - the router (method + path to handler),
 *   - the request validator (parameters and bodies against their JSON
 *     Schemas, before the handler runs),
 *   - the OpenAPI 3.1 document.
 *
 * Declarations are checked when they are added: a missing handler,
 * responses or access rule, a malformed operation id, an undeclared path
 * parameter or a schema that does not compile fail with the module and
 * operation named. Schemas may refer to named schemas as
 * {"$ref": "#/components/schemas/<name>"}.
 */

#ifndef HS_API_H
#define HS_API_H

#include <jansson.h>
#include "hs_base.h"
#include "hs_problem.h"
#include "hs_router.h"

#define HS_API_MAX_PARAMS     16
#define HS_API_MAX_RESPONSES  16
#define HS_API_MAX_GATES      16

/* hs_api_op_permission() of "public" and "authenticated" operations */
#define HS_API_PUBLIC         (-1)
#define HS_API_ANY            (-2)

typedef struct hs_api_s     hs_api_t;
typedef struct hs_api_op_s  hs_api_op_t;    /* an operation, compiled */
typedef struct hs_rbac_s    hs_rbac_t;

/*
 * Gates: module functions the core runs on the pool thread before the
 * handler of every operation that is not "public", phase by phase:
 *
 *   HS_GATE_AUTHENTICATE  only for a call that came with credentials the
 *                         event loop cannot check (an API key): may fill
 *                         call->sec
 *   HS_GATE_TENANT        the tenant may act (e.g. it is not suspended)
 *   HS_GATE_AUTHORIZE     may grant more roles or permissions (stored
 *                         role assignments)
 *
 * then the core checks the operation's permission. A gate refuses with
 * hs_call_fail() (and returns HS_OK); an error return without a problem
 * answers 500.
 */
typedef enum {
    HS_GATE_AUTHENTICATE = 0,
    HS_GATE_TENANT,
    HS_GATE_AUTHORIZE,
    HS_GATE_PHASES
} hs_gate_phase_t;

typedef hs_rc_t (*hs_gate_pt)(hs_call_t *call, void *data);

/*
 * An audit event: who did what to which tenant's data, with what
 * outcome. Strings may be NULL; the sink copies what it keeps.
 */
typedef struct {
    const char  *action;      /* "auth.failed", "access.denied",
                                 "api_key.created", ... */
    const char  *outcome;     /* "success", "failure", "denied" */
    const char  *tenant_id;
    const char  *subject_id;
    const char  *auth_method;
    const char  *request_id;
    const char  *source;      /* the client address */
    const char  *resource;    /* what the action was about (an id) */
    const char  *detail;
} hs_audit_event_t;

/* Records an event (on a pool thread); HS_EAGAIN: storage unavailable. */
typedef hs_rc_t (*hs_audit_pt)(void *data, const hs_audit_event_t *ev);

typedef struct {
    const char  *title;
    const char  *version;
    const char  *description;
} hs_api_info_t;

HS_API hs_api_t *hs_api_create(void);
HS_API void hs_api_destroy(hs_api_t *api);
HS_API hs_router_t *hs_api_router(const hs_api_t *api);

/* A named schema, for "#/components/schemas/<name>". */
HS_API hs_rc_t hs_api_add_schema(hs_api_t *api, const char *module,
    const char *name, const char *json, hs_error_t *err);

/*
 * Adds a module's operations; data reaches their handlers as
 * call->module_data (and, for the core's built-ins, the glue).
 */
HS_API hs_rc_t hs_api_add_operations(hs_api_t *api, const char *module,
    const hs_route_t *ops, size_t n, void *data, hs_error_t *err);

/* The core's own operations (/health, /healthz, /openapi.json, /docs). */
HS_API const hs_route_t *hs_api_builtin_operations(size_t *n);

/*
 * Compiles every schema, freezes the router and renders the OpenAPI
 * document. Fails on duplicate operation ids and unresolvable schemas.
 */
HS_API hs_rc_t hs_api_finish(hs_api_t *api, const hs_api_info_t *info,
    hs_error_t *err);

/* The OpenAPI document (after hs_api_finish). */
HS_API const char *hs_api_openapi(const hs_api_t *api, size_t *len);
HS_API size_t hs_api_count(const hs_api_t *api);

/* Event-loop checks of a matched operation (m->op). */

/* 1: the Content-Type (media type and parameters) is one it accepts. */
HS_API int hs_api_op_accepts(const hs_api_op_t *op, const char *type,
    size_t len);
/* 1: an Accept header (NULL: none) allows the operation's responses. */
HS_API int hs_api_op_acceptable(const hs_api_op_t *op, const char *accept,
    size_t len);
/* What the operation accepts and produces, for messages. */
HS_API const char *hs_api_op_consumes(const hs_api_op_t *op);
HS_API const char *hs_api_op_produces(const hs_api_op_t *op);
/* The header parameters it declares; *n of them. */
HS_API const char *const *hs_api_op_headers(const hs_api_op_t *op,
    size_t *n);
HS_API const hs_route_t *hs_api_op_route(const hs_api_op_t *op);
/* 0 .. hs_api_count() - 1: where per-operation figures can be kept. */
HS_API size_t hs_api_op_index(const hs_api_op_t *op);
/* The bit of its permission (hs_rbac.h), HS_API_PUBLIC or HS_API_ANY. */
HS_API int hs_api_op_permission(const hs_api_op_t *op);
HS_API hs_api_t *hs_api_op_api(const hs_api_op_t *op);

/* Access control (docs/security.md). */

/* The permission table: every operation's permission, and roles. */
HS_API hs_rbac_t *hs_api_rbac(const hs_api_t *api);
/* A permission a module checks itself (beyond its operations'). */
HS_API hs_rc_t hs_api_add_permission(hs_api_t *api, const char *module,
    const char *perm, hs_error_t *err);
HS_API hs_rc_t hs_api_add_gate(hs_api_t *api, const char *module,
    hs_gate_phase_t phase, hs_gate_pt fn, void *data, hs_error_t *err);
/*
 * Runs the gates of a phase in order until one refuses (call->problem)
 * or fails; *module names the last one run.
 */
HS_API hs_rc_t hs_api_run_gates(const hs_api_t *api, hs_gate_phase_t phase,
    hs_call_t *call, const char **module);
/* How many gates a phase has. */
HS_API size_t hs_api_gates(const hs_api_t *api, hs_gate_phase_t phase);

/* The audit sink (the audit module sets it); NULL: events are logged. */
HS_API void hs_api_set_audit(hs_api_t *api, hs_audit_pt fn, void *data);
/* HS_ENOTFOUND: no sink. */
HS_API hs_rc_t hs_api_audit(const hs_api_t *api, const hs_audit_event_t *ev);

/*
 * Thread-side checks, run by hs_call_execute() (hs_call.h):
 * the parameters (path, query, header) and the parsed body against the
 * declaration. Returns NULL when the request is valid, else a 400
 * (malformed: unknown or missing parameters, values not of their type)
 * or 422 (values or body violating their schemas) problem listing every
 * violation with "field", "pointer", "in", "code" and "message".
 */
HS_API hs_problem_t *hs_api_op_check_request(const hs_api_op_t *op,
    const hs_call_t *call);

/*
 * Checks a handler's response against the declared responses: NULL when
 * it conforms, else a message (to free with hs_free) saying what is off.
 */
HS_API char *hs_api_op_check_response(const hs_api_op_t *op, int status,
    const json_t *body);

#endif /* HS_API_H */
