/*
 * Routes and the router: method + path template ("/users-info/v1/users/{id}")
 * to a module's handler. The router is a segment trie: a lookup costs one
 * binary search per path segment, whatever the number of routes.
 */

#ifndef HS_ROUTER_H
#define HS_ROUTER_H

#include "hs_base.h"

#define HS_ROUTE_MAX_PARAMS  8

typedef struct hs_call_s    hs_call_t;
typedef struct hs_router_s  hs_router_t;

/* A handler runs on a thread-pool thread (see hs_call.h). */
typedef hs_rc_t (*hs_handler_pt)(hs_call_t *call);

enum {
    HS_ROUTE_EVENT_LOOP = 0x01,   /* core built-ins only: served on the
                                     event loop by the glue (no handler) */
    HS_ROUTE_BODY_JSON  = 0x02    /* the operation takes a JSON body */
};

/* A parameter of an operation (see hs_api.h). */
typedef struct {
    const char     *name;          /* NULL ends a table */
    const char     *in;            /* "path", "query" or "header" */
    int             required;      /* path parameters always are */
    const char     *schema;        /* JSON Schema, as JSON text */
    const char     *description;
} hs_param_t;

/* A response of an operation; status 0 ends a table. */
typedef struct {
    int             status;
    const char     *description;
    const char     *schema;        /* JSON Schema of the body; NULL: none */
    const char     *media_type;    /* NULL: application/json */
} hs_response_t;

/*
 * A route is the one declaration of a REST operation: the router, the
 * request validator and the OpenAPI generator all read it (hs_api.h).
 */
typedef struct {
    const char            *method;        /* GET POST PUT PATCH DELETE */
    const char            *path;          /* template, {name} = a segment */
    const char            *operation_id;  /* unique, snake_case */
    const char            *summary;
    hs_handler_pt          handler;
    unsigned               flags;

    const char            *description;
    const char            *tags;          /* comma-separated */
    const hs_param_t      *params;
    const char            *body_schema;   /* JSON Schema; NULL: no body */
    const char            *body_media;    /* comma-separated; NULL:
                                             application/json */
    const hs_response_t   *responses;
    const int             *problems;      /* problem statuses, 0 ends */
    const char            *access;        /* "public", "authenticated" or
                                             a permission "users:read" */
    const void            *data;          /* the operation's own data for
                                             its handler (call->route->data),
                                             e.g. the resource it serves */
} hs_route_t;

typedef struct {
    const char  *name;
    size_t       name_len;
    const char  *value;            /* points into the matched path */
    size_t       len;
} hs_route_param_t;

typedef struct {
    const hs_route_t  *route;
    const char        *module;
    void              *data;       /* the data given to hs_router_add() */
    void              *op;         /* the attachment of hs_router_add_ex() */
    size_t             nparams;
    hs_route_param_t   params[HS_ROUTE_MAX_PARAMS];
    char               allow[64];  /* on HS_EMETHOD: "GET, POST" */
} hs_route_match_t;

HS_API hs_router_t *hs_router_create(void);
HS_API void hs_router_destroy(hs_router_t *router);

/*
 * Adds a route of module; fails on a malformed template, an unknown
 * method, a missing handler, or a method + path another module (or the
 * same one) already declared.
 */
HS_API hs_rc_t hs_router_add(hs_router_t *router, const char *module,
    const hs_route_t *route, void *data, hs_error_t *err);

/* The same, with an attachment returned by hs_router_match() in m->op. */
HS_API hs_rc_t hs_router_add_ex(hs_router_t *router, const char *module,
    const hs_route_t *route, void *data, void *op, hs_error_t *err);

#define hs_nelems(a)  (sizeof(a) / sizeof((a)[0]))

/* Sorts the trie; call once after the last hs_router_add(). */
HS_API void hs_router_freeze(hs_router_t *router);
HS_API size_t hs_router_count(const hs_router_t *router);

/*
 * HS_OK: m is filled; HS_EMETHOD: the path exists for other methods,
 * listed in m->allow; HS_ENOTFOUND: no route has this path.
 * HEAD falls back to GET.
 */
HS_API hs_rc_t hs_router_match(const hs_router_t *router,
    const char *method, size_t method_len, const char *path,
    size_t path_len, hs_route_match_t *m);

/* Calls fn for every route, in declaration order. */
HS_API void hs_router_each(const hs_router_t *router,
    void (*fn)(const hs_route_t *route, const char *module, void *op,
    void *data), void *data);

#endif /* HS_ROUTER_H */
