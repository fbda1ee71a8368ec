/*
 * The REST API of a cycle: operation declarations checked and compiled
 * into the router, the request validator and the OpenAPI document.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_api.h"
#include "hs_call.h"
#include "hs_rbac.h"
#include "hs_jsonschema.h"

#define HS__API_URN        "urn:hyperspot:api"
#define HS__API_REF        "#/components/"
#define HS__MEDIA_JSON     "application/json"
#define HS__MEDIA_PROBLEM  "application/problem+json"

typedef enum {
    HS__PT_STRING = 0,
    HS__PT_INTEGER,
    HS__PT_NUMBER,
    HS__PT_BOOLEAN
} hs__ptype_t;

typedef struct {
    const hs_param_t   *decl;
    json_t             *json;
    hs_schema_t        *schema;
    hs__ptype_t         type;
} hs__param_t;

typedef struct {
    const hs_response_t  *decl;
    json_t               *json;        /* NULL: no body */
    hs_schema_t          *schema;
} hs__response_t;

typedef struct {
    hs_gate_phase_t   phase;
    hs_gate_pt        fn;
    void             *data;
    char             *module;
} hs__gate_t;

struct hs_api_op_s {
    const hs_route_t   *decl;
    size_t              index;          /* in hs_api_t.ops */
    hs_api_t           *api;
    int                 perm;           /* its permission's bit, or
                                           HS_API_PUBLIC, HS_API_ANY */
    char               *module;
    json_t             *body_json;
    hs_schema_t        *body;
    size_t              nparams;
    hs__param_t         params[HS_API_MAX_PARAMS];
    size_t              nresponses;
    hs__response_t      responses[HS_API_MAX_RESPONSES];
    size_t              nheaders;
    const char         *headers[HS_API_MAX_PARAMS];
    char                consumes[256];
    char                produces[128];
};

struct hs_api_s {
    hs_router_t            *router;
    json_t                 *schemas;       /* name -> schema */
    json_t                 *schema_owner;  /* name -> module */
    hs_api_op_t           **ops;
    size_t                  nops;
    size_t                  cap;
    hs_schema_registry_t   *registry;
    hs_rbac_t              *rbac;
    hs__gate_t              gates[HS_API_MAX_GATES];
    size_t                  ngates;
    hs_audit_pt             audit;
    void                   *audit_data;
    char                   *openapi;
    size_t                  openapi_len;
    int                     finished;
};


static const char  hs__problem_schema[] =
    "{\"type\": \"object\","
    " \"description\": \"RFC 9457 problem details\","
    " \"required\": [\"type\", \"title\", \"status\", \"detail\","
    "                \"instance\", \"code\"],"
    " \"properties\": {"
    "  \"type\": {\"type\": \"string\", \"description\":"
    "            \"URI of the problem type\"},"
    "  \"title\": {\"type\": \"string\"},"
    "  \"status\": {\"type\": \"integer\", \"minimum\": 100,"
    "              \"maximum\": 599},"
    "  \"detail\": {\"type\": \"string\"},"
    "  \"instance\": {\"type\": \"string\", \"description\":"
    "                \"the request path\"},"
    "  \"code\": {\"type\": \"string\", \"description\":"
    "            \"machine-readable problem code\"},"
    "  \"trace_id\": {\"type\": \"string\", \"description\":"
    "                \"the request id (X-Request-ID)\"},"
    "  \"errors\": {\"type\": \"array\", \"items\":"
    "              {\"$ref\": \"#/components/schemas/ValidationViolation\"}}"
    " }}";

static const char  hs__violation_schema[] =
    "{\"type\": \"object\","
    " \"description\": \"One violation of a request's contract\","
    " \"required\": [\"field\", \"message\"],"
    " \"properties\": {"
    "  \"field\": {\"type\": \"string\", \"description\":"
    "             \"the parameter, or the body field as a dotted path\"},"
    "  \"pointer\": {\"type\": \"string\", \"description\":"
    "               \"RFC 6901 pointer into the body\"},"
    "  \"in\": {\"type\": \"string\","
    "          \"enum\": [\"path\", \"query\", \"header\", \"body\"]},"
    "  \"code\": {\"type\": \"string\", \"description\":"
    "            \"the rule that failed, e.g. required, type, maxLength\"},"
    "  \"message\": {\"type\": \"string\"}"
    " }}";


static const char  hs__health_schema[] =
    "{\"type\": \"object\","
    " \"required\": [\"status\", \"timestamp\", \"modules\"],"
    " \"properties\": {"
    "  \"status\": {\"type\": \"string\","
    "              \"enum\": [\"healthy\", \"unhealthy\"]},"
    "  \"timestamp\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"database\": {\"type\": \"string\","
    "                \"enum\": [\"sqlite\", \"postgres\"]},"
    "  \"database_ready\": {\"type\": \"boolean\", \"description\":"
    "                      \"migrations are applied in this worker\"},"
    "  \"modules\": {\"type\": \"array\", \"items\": {"
    "   \"type\": \"object\","
    "   \"required\": [\"name\", \"version\", \"state\"],"
    "   \"properties\": {"
    "    \"name\": {\"type\": \"string\"},"
    "    \"version\": {\"type\": \"string\"},"
    "    \"state\": {\"type\": \"string\", \"enum\": [\"registered\","
    "              \"configured\", \"initialized\", \"running\","
    "              \"stopped\", \"failed\"]},"
    "    \"capabilities\": {\"type\": \"array\","
    "                     \"items\": {\"type\": \"string\"}}"
    "   }}}"
    " }}";

static const struct {
    const char  *name;
    const char  *json;
} hs__builtin_schemas[] = {
    { "Problem", hs__problem_schema },
    { "ValidationViolation", hs__violation_schema },
    { "Health", hs__health_schema },
};


/* ------------------------------------------------------------ creation */

hs_api_t *
hs_api_create(void)
{
    hs_api_t  *api;

    api = hs_calloc(1, sizeof(hs_api_t));
    if (api == NULL) {
        return NULL;
    }

    api->router = hs_router_create();
    api->schemas = json_object();
    api->schema_owner = json_object();
    api->registry = hs_schema_registry_create();
    api->rbac = hs_rbac_create();

    if (api->router == NULL || api->schemas == NULL
        || api->schema_owner == NULL || api->registry == NULL
        || api->rbac == NULL)
    {
        hs_api_destroy(api);
        return NULL;
    }

    return api;
}


static void
hs__op_free(hs_api_op_t *op)
{
    size_t  i;

    for (i = 0; i < op->nparams; i++) {
        json_decref(op->params[i].json);
        hs_schema_free(op->params[i].schema);
    }

    for (i = 0; i < op->nresponses; i++) {
        json_decref(op->responses[i].json);
        hs_schema_free(op->responses[i].schema);
    }

    json_decref(op->body_json);
    hs_schema_free(op->body);
    hs_free(op->module);
    hs_free(op);
}


void
hs_api_destroy(hs_api_t *api)
{
    size_t  i;

    if (api == NULL) {
        return;
    }

    for (i = 0; i < api->nops; i++) {
        hs__op_free(api->ops[i]);
    }

    hs_free(api->ops);
    hs_router_destroy(api->router);
    json_decref(api->schemas);
    json_decref(api->schema_owner);
    hs_schema_registry_destroy(api->registry);
    hs_rbac_destroy(api->rbac);

    for (i = 0; i < api->ngates; i++) {
        hs_free(api->gates[i].module);
    }

    hs_free(api->openapi);
    hs_free(api);
}


hs_router_t *
hs_api_router(const hs_api_t *api)
{
    return api->router;
}


size_t
hs_api_count(const hs_api_t *api)
{
    return api->nops;
}


const char *
hs_api_openapi(const hs_api_t *api, size_t *len)
{
    if (len != NULL) {
        *len = api->openapi_len;
    }

    return api->openapi;
}


static json_t *
hs__parse(const char *text, json_error_t *jerr)
{
    return json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, jerr);
}


static int
hs__name_ok(const char *s, int allow_caps)
{
    const char  *p;

    if (s == NULL || !(islower((unsigned char) s[0])
                       || (allow_caps && isupper((unsigned char) s[0]))))
    {
        return 0;
    }

    for (p = s; *p; p++) {
        if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p)
              || *p == '_' || (allow_caps && isupper((unsigned char) *p))))
        {
            return 0;
        }
    }

    return p - s <= 64;
}


hs_rc_t
hs_api_add_schema(hs_api_t *api, const char *module, const char *name,
    const char *json, hs_error_t *err)
{
    size_t         i;
    json_t        *s, *owner;
    json_error_t   jerr;

    if (!hs__name_ok(name, 1)) {
        hs_error_set(err, "module \"%s\": schema name \"%s\" is invalid "
                     "(letters, digits and '_')", module,
                     name ? name : "");
        return HS_EINVAL;
    }

    for (i = 0; i < sizeof(hs__builtin_schemas)
                    / sizeof(hs__builtin_schemas[0]); i++)
    {
        if (strcmp(hs__builtin_schemas[i].name, name) == 0) {
            hs_error_set(err, "module \"%s\": schema name \"%s\" is "
                         "reserved by the platform", module, name);
            return HS_EEXIST;
        }
    }

    owner = json_object_get(api->schema_owner, name);
    if (owner != NULL) {
        hs_error_set(err, "module \"%s\": schema \"%s\" is already declared "
                     "by module \"%s\"", module, name,
                     json_string_value(owner));
        return HS_EEXIST;
    }

    s = hs__parse(json, &jerr);
    if (s == NULL || !(json_is_object(s) || json_is_boolean(s))) {
        hs_error_set(err, "module \"%s\": schema \"%s\" is not a JSON "
                     "object: %s", module, name,
                     s ? "not an object" : jerr.text);
        json_decref(s);
        return HS_EINVAL;
    }

    json_object_set_new(api->schemas, name, s);
    json_object_set_new(api->schema_owner, name, json_string(module));

    return HS_OK;
}


/* --------------------------------------------------------- operations */

static int
hs__access_ok(const char *a)
{
    if (a == NULL) {
        return 0;
    }

    return strcmp(a, "public") == 0 || strcmp(a, "authenticated") == 0
           || hs_rbac_permission_valid(a, strlen(a));
}


/* Is {name} a segment of the path template? */
static int
hs__path_has(const char *path, const char *name)
{
    size_t       n;
    const char  *p;

    n = strlen(name);

    for (p = strchr(path, '{'); p; p = strchr(p + 1, '{')) {
        if (strncmp(p + 1, name, n) == 0 && p[n + 1] == '}') {
            return 1;
        }
    }

    return 0;
}


static hs_rc_t
hs__op_fail(hs_error_t *err, const char *module, const hs_route_t *r,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static hs_rc_t
hs__op_fail(hs_error_t *err, const char *module, const hs_route_t *r,
    const char *fmt, ...)
{
    char     why[512];
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);

    hs_error_set(err, "module \"%s\": operation \"%s\" (%s %s): %s", module,
                 r->operation_id ? r->operation_id : "?",
                 r->method ? r->method : "?", r->path ? r->path : "?", why);

    return HS_EINVAL;
}


static hs_rc_t
hs__op_check(hs_api_op_t *op, const char *module, hs_error_t *err)
{
    size_t               i, j, nstatus;
    json_t              *j_;
    const char          *p, *q;
    json_error_t         jerr;
    const hs_route_t    *r = op->decl;
    const hs_param_t    *pd;
    const hs_response_t *rd;

    if (!hs__name_ok(r->operation_id, 0)) {
        return hs__op_fail(err, module, r, "the operation id must be "
                           "snake_case");
    }

    if (r->handler == NULL && !(r->flags & HS_ROUTE_EVENT_LOOP)) {
        return hs__op_fail(err, module, r, "no handler");
    }

    if (r->summary == NULL || r->summary[0] == '\0') {
        return hs__op_fail(err, module, r, "no summary");
    }

    if (!hs__access_ok(r->access)) {
        return hs__op_fail(err, module, r, "%s access rule \"%s\" (use "
                           "\"public\", \"authenticated\" or a permission "
                           "\"resource:action\")",
                           r->access ? "invalid" : "no",
                           r->access ? r->access : "");
    }

    /* parameters: each path parameter declared exactly once */
    for (pd = r->params; pd && pd->name; pd++) {
        if (op->nparams == HS_API_MAX_PARAMS) {
            return hs__op_fail(err, module, r, "more than %d parameters",
                               HS_API_MAX_PARAMS);
        }

        if (pd->in == NULL || (strcmp(pd->in, "path") != 0
                               && strcmp(pd->in, "query") != 0
                               && strcmp(pd->in, "header") != 0))
        {
            return hs__op_fail(err, module, r, "parameter \"%s\" must be "
                               "in \"path\", \"query\" or \"header\"",
                               pd->name);
        }

        if (strcmp(pd->in, "path") == 0 && !hs__path_has(r->path, pd->name))
        {
            return hs__op_fail(err, module, r, "path parameter \"%s\" is "
                               "not in the path", pd->name);
        }

        for (i = 0; i < op->nparams; i++) {
            if (strcmp(op->params[i].decl->name, pd->name) == 0
                && strcmp(op->params[i].decl->in, pd->in) == 0)
            {
                return hs__op_fail(err, module, r, "parameter \"%s\" is "
                                   "declared twice", pd->name);
            }
        }

        j_ = pd->schema ? hs__parse(pd->schema, &jerr)
                        : json_pack("{s:s}", "type", "string");
        if (j_ == NULL || !json_is_object(j_)) {
            json_decref(j_);
            return hs__op_fail(err, module, r, "the schema of parameter "
                               "\"%s\" is not a JSON object%s%s", pd->name,
                               j_ ? "" : ": ", j_ ? "" : jerr.text);
        }

        op->params[op->nparams].decl = pd;
        op->params[op->nparams].json = j_;
        op->nparams++;

        if (strcmp(pd->in, "header") == 0) {
            op->headers[op->nheaders++] = pd->name;
        }
    }

    for (p = strchr(r->path, '{'); p; p = strchr(p + 1, '{')) {
        q = strchr(p, '}');
        for (i = 0; i < op->nparams; i++) {
            pd = op->params[i].decl;
            if (strcmp(pd->in, "path") == 0 && q
                && strlen(pd->name) == (size_t) (q - p - 1)
                && strncmp(pd->name, p + 1, q - p - 1) == 0)
            {
                break;
            }
        }

        if (i == op->nparams) {
            return hs__op_fail(err, module, r, "path parameter %.*s is not "
                               "declared", q ? (int) (q - p + 1) : 1, p);
        }
    }

    if (r->body_schema != NULL) {
        op->body_json = hs__parse(r->body_schema, &jerr);
        if (op->body_json == NULL
            || !(json_is_object(op->body_json)
                 || json_is_boolean(op->body_json)))
        {
            return hs__op_fail(err, module, r, "the request body schema is "
                               "not a JSON object%s%s",
                               op->body_json ? "" : ": ",
                               op->body_json ? "" : jerr.text);
        }
    }

    snprintf(op->consumes, sizeof(op->consumes), "%s",
             r->body_media ? r->body_media : HS__MEDIA_JSON);

    /* responses */
    nstatus = 0;
    for (rd = r->responses; rd && rd->status; rd++) {
        if (rd->status < 100 || rd->status > 599 || rd->status >= 400) {
            return hs__op_fail(err, module, r, "response %d: declare 1xx-3xx"
                               " responses here, problems in .problems",
                               rd->status);
        }

        if (rd->description == NULL || rd->description[0] == '\0') {
            return hs__op_fail(err, module, r, "response %d has no "
                               "description", rd->status);
        }

        for (j = 0; j < op->nresponses; j++) {
            if (op->responses[j].decl->status == rd->status) {
                return hs__op_fail(err, module, r, "response %d is declared"
                                   " twice", rd->status);
            }
        }

        if (op->nresponses == HS_API_MAX_RESPONSES) {
            return hs__op_fail(err, module, r, "too many responses");
        }

        op->responses[op->nresponses].decl = rd;

        if (rd->schema != NULL) {
            j_ = hs__parse(rd->schema, &jerr);
            if (j_ == NULL || !(json_is_object(j_) || json_is_boolean(j_))) {
                json_decref(j_);
                return hs__op_fail(err, module, r, "the schema of response "
                                   "%d is not a JSON object%s%s",
                                   rd->status, j_ ? "" : ": ",
                                   j_ ? "" : jerr.text);
            }
            op->responses[op->nresponses].json = j_;
        }

        if (nstatus == 0 && rd->status < 300) {
            snprintf(op->produces, sizeof(op->produces), "%s",
                     rd->media_type ? rd->media_type : HS__MEDIA_JSON);
        }

        nstatus += rd->status < 300;
        op->nresponses++;
    }

    if (nstatus == 0) {
        return hs__op_fail(err, module, r, "no success (2xx) response is "
                           "declared");
    }

    for (i = 0; r->problems && r->problems[i]; i++) {
        if (r->problems[i] < 400 || r->problems[i] > 599) {
            return hs__op_fail(err, module, r, "problem status %d is not "
                               "4xx or 5xx", r->problems[i]);
        }
    }

    return HS_OK;
}


/* The permission of the operation's access rule, in the table. */
static hs_rc_t
hs__op_access(hs_api_t *api, hs_api_op_t *op, const char *module,
    hs_error_t *err)
{
    hs_rc_t      rc;
    hs_error_t   e;
    const char  *a = op->decl->access;

    if (strcmp(a, "public") == 0) {
        op->perm = HS_API_PUBLIC;
        return HS_OK;
    }

    if (strcmp(a, "authenticated") == 0) {
        op->perm = HS_API_ANY;
        return HS_OK;
    }

    rc = hs_rbac_add_permission(api->rbac, a, &e);
    if (rc != HS_OK) {
        return hs__op_fail(err, module, op->decl, "%s", e.msg);
    }

    op->perm = hs_rbac_index(api->rbac, a);

    return HS_OK;
}


hs_rc_t
hs_api_add_operations(hs_api_t *api, const char *module,
    const hs_route_t *ops, size_t n, void *data, hs_error_t *err)
{
    size_t         i;
    hs_rc_t        rc;
    hs_api_op_t   *op, **grown;

    for (i = 0; i < n; i++) {
        if (api->finished) {
            hs_error_set(err, "module \"%s\": operations added after the "
                         "API was built", module);
            return HS_ERROR;
        }

        op = hs_calloc(1, sizeof(hs_api_op_t));
        if (op == NULL) {
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }

        op->decl = &ops[i];
        op->api = api;
        op->module = hs_strdup(module);

        rc = op->module ? hs__op_check(op, module, err) : HS_ENOMEM;

        if (rc == HS_OK) {
            rc = hs__op_access(api, op, module, err);
        }

        if (rc == HS_OK) {
            rc = hs_router_add_ex(api->router, module, &ops[i], data, op,
                                  err);
        }

        if (rc == HS_OK && api->nops == api->cap) {
            grown = hs_realloc(api->ops, (api->cap ? api->cap * 2 : 16)
                                         * sizeof(*grown));
            if (grown == NULL) {
                hs_error_set(err, "out of memory");
                rc = HS_ENOMEM;

            } else {
                api->ops = grown;
                api->cap = api->cap ? api->cap * 2 : 16;
            }
        }

        if (rc != HS_OK) {
            hs__op_free(op);
            return rc;
        }

        op->index = api->nops;
        api->ops[api->nops++] = op;
    }

    return HS_OK;
}


/* ---------------------------------------------------------- compiling */

/* Points "#/components/..." refs at the registered components document. */
static void
hs__rewrite_refs(json_t *j)
{
    char        buf[512];
    size_t      i;
    json_t     *v;
    const char *key, *ref;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            hs__rewrite_refs(v);
        }
        return;
    }

    if (!json_is_object(j)) {
        return;
    }

    json_object_foreach(j, key, v) {
        if (strcmp(key, "$ref") == 0 && json_is_string(v)) {
            ref = json_string_value(v);
            if (strncmp(ref, HS__API_REF, sizeof(HS__API_REF) - 1) == 0) {
                snprintf(buf, sizeof(buf), "%s%s", HS__API_URN, ref);
                json_string_set(v, buf);
            }
            continue;
        }

        hs__rewrite_refs(v);
    }
}


static hs_schema_t *
hs__compile(hs_api_t *api, const json_t *schema, hs_error_t *err)
{
    json_t       *copy;
    hs_schema_t  *s;

    copy = json_deep_copy(schema);
    if (copy == NULL) {
        hs_error_set(err, "out of memory");
        return NULL;
    }

    hs__rewrite_refs(copy);
    s = hs_schema_compile(copy, api->registry, NULL, err);
    json_decref(copy);

    return s;
}


static hs__ptype_t
hs__param_type(const json_t *schema)
{
    const char  *t;

    t = json_string_value(json_object_get(schema, "type"));

    if (t == NULL) {
        return HS__PT_STRING;
    }

    return strcmp(t, "integer") == 0 ? HS__PT_INTEGER
           : strcmp(t, "number") == 0 ? HS__PT_NUMBER
           : strcmp(t, "boolean") == 0 ? HS__PT_BOOLEAN
           : HS__PT_STRING;
}


static hs_rc_t
hs__op_compile(hs_api_t *api, hs_api_op_t *op, hs_error_t *err)
{
    size_t       i;
    char         what[96];
    hs_error_t   e;

    e.msg[0] = '\0';

    if (op->body_json != NULL) {
        op->body = hs__compile(api, op->body_json, &e);
        if (op->body == NULL) {
            snprintf(what, sizeof(what), "the request body schema");
            goto failed;
        }
    }

    for (i = 0; i < op->nparams; i++) {
        op->params[i].schema = hs__compile(api, op->params[i].json, &e);
        if (op->params[i].schema == NULL) {
            snprintf(what, sizeof(what), "the schema of parameter \"%s\"",
                     op->params[i].decl->name);
            goto failed;
        }
        op->params[i].type = hs__param_type(op->params[i].json);
    }

    for (i = 0; i < op->nresponses; i++) {
        if (op->responses[i].json == NULL) {
            continue;
        }

        op->responses[i].schema = hs__compile(api, op->responses[i].json,
                                              &e);
        if (op->responses[i].schema == NULL) {
            snprintf(what, sizeof(what), "the schema of response %d",
                     op->responses[i].decl->status);
            goto failed;
        }
    }

    return HS_OK;

failed:

    hs__op_fail(err, op->module, op->decl, "%s is invalid: %s", what,
                e.msg);
    return HS_EINVAL;
}


/* ------------------------------------------------------------ OpenAPI */

static json_t *
hs__oa_content(const char *media, const json_t *schema)
{
    return json_pack("{s:{s:O}}", media, "schema", schema);
}


static json_t *
hs__oa_problem(int status)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}",
                     "description",
                     hs_problem_kind_title(hs_problem_kind_by_status(status)),
                     "content", HS__MEDIA_PROBLEM, "schema",
                     "$ref", "#/components/schemas/Problem");
}


static json_t *
hs__oa_tags(const char *tags)
{
    char         buf[64];
    size_t       n;
    json_t      *a;
    const char  *p, *e;

    a = json_array();

    for (p = tags; p && *p; p = e ? e + 1 : p + strlen(p)) {
        e = strchr(p, ',');
        n = e ? (size_t) (e - p) : strlen(p);

        while (n && *p == ' ') {
            p++;
            n--;
        }

        while (n && p[n - 1] == ' ') {
            n--;
        }

        if (n > 0 && n < sizeof(buf)) {
            memcpy(buf, p, n);
            buf[n] = '\0';
            json_array_append_new(a, json_string(buf));
        }

        if (e == NULL) {
            break;
        }
    }

    return a;
}


static json_t *
hs__oa_operation(const hs_api_op_t *op)
{
    int                 s;
    char                code[8], media[128];
    size_t              i, n;
    json_t             *o, *params, *resp, *r, *problems;
    const char         *p, *e;
    const hs_route_t   *d = op->decl;

    o = json_pack("{s:s, s:s}", "operationId", d->operation_id,
                  "summary", d->summary);

    if (d->description != NULL) {
        json_object_set_new(o, "description", json_string(d->description));
    }

    json_object_set_new(o, "tags", d->tags ? hs__oa_tags(d->tags)
                                           : json_pack("[s]", op->module));

    if (op->nparams > 0) {
        params = json_array();

        for (i = 0; i < op->nparams; i++) {
            r = json_pack("{s:s, s:s, s:b, s:O}",
                          "name", op->params[i].decl->name,
                          "in", op->params[i].decl->in,
                          "required",
                          op->params[i].decl->required
                          || strcmp(op->params[i].decl->in, "path") == 0,
                          "schema", op->params[i].json);
            if (op->params[i].decl->description != NULL) {
                json_object_set_new(r, "description", json_string(
                                        op->params[i].decl->description));
            }
            json_array_append_new(params, r);
        }

        json_object_set_new(o, "parameters", params);
    }

    if (op->body_json != NULL) {
        r = json_object();

        /* one media type entry per accepted type */
        for (p = op->consumes; *p; p = e ? e + 1 : p + strlen(p)) {
            e = strchr(p, ',');
            n = e ? (size_t) (e - p) : strlen(p);
            while (n && *p == ' ') {
                p++;
                n--;
            }
            snprintf(media, sizeof(media), "%.*s", (int) n, p);
            json_object_set_new(r, media, json_pack("{s:O}", "schema",
                                                    op->body_json));
            if (e == NULL) {
                break;
            }
        }

        json_object_set_new(o, "requestBody",
                            json_pack("{s:b, s:o}", "required", 1,
                                      "content", r));
    }

    resp = json_object();

    for (i = 0; i < op->nresponses; i++) {
        r = json_pack("{s:s}", "description",
                      op->responses[i].decl->description);
        if (op->responses[i].json != NULL) {
            json_object_set_new(r, "content", hs__oa_content(
                op->responses[i].decl->media_type
                ? op->responses[i].decl->media_type : HS__MEDIA_JSON,
                op->responses[i].json));
        }

        snprintf(code, sizeof(code), "%d", op->responses[i].decl->status);
        json_object_set_new(resp, code, r);
    }

    /* problems: declared ones, and what the platform itself answers */
    problems = json_array();

    for (i = 0; d->problems && d->problems[i]; i++) {
        json_array_append_new(problems, json_integer(d->problems[i]));
    }

    if (op->nparams > 0 || op->body_json != NULL) {
        json_array_append_new(problems, json_integer(400));
        json_array_append_new(problems, json_integer(422));
    }

    if (op->body_json != NULL) {
        json_array_append_new(problems, json_integer(413));
        json_array_append_new(problems, json_integer(415));
    }

    if (!(d->flags & HS_ROUTE_EVENT_LOOP)) {
        json_array_append_new(problems, json_integer(503));
    }

    json_array_append_new(problems, json_integer(500));

    for (i = 0; i < json_array_size(problems); i++) {
        s = (int) json_integer_value(json_array_get(problems, i));
        snprintf(code, sizeof(code), "%d", s);
        if (json_object_get(resp, code) == NULL) {
            json_object_set_new(resp, code, hs__oa_problem(s));
        }
    }

    json_decref(problems);
    json_object_set_new(o, "responses", resp);

    /* public operations need no credentials; the others a bearer token
       (or an API key) */
    json_object_set_new(o, "security", strcmp(d->access, "public") == 0
                                       ? json_array()
                                       : json_pack("[{s:[]}]", "bearerAuth"));

    json_object_set_new(o, "x-hyperspot-module", json_string(op->module));
    json_object_set_new(o, "x-hyperspot-access", json_string(d->access));

    return o;
}


static int
hs__str_lower(char *s)
{
    for ( /* void */ ; *s; s++) {
        *s = (char) tolower((unsigned char) *s);
    }

    return 0;
}


/* The platform's schemas and the modules', by name (a new object). */
static json_t *
hs__all_schemas(const hs_api_t *api)
{
    size_t       i;
    json_t      *all, *v;
    const char  *key;

    all = json_object();

    for (i = 0; i < sizeof(hs__builtin_schemas)
                    / sizeof(hs__builtin_schemas[0]); i++)
    {
        json_object_set_new(all, hs__builtin_schemas[i].name,
                            hs__parse(hs__builtin_schemas[i].json, NULL));
    }

    json_object_foreach(api->schemas, key, v) {
        json_object_set(all, key, v);
    }

    return all;
}


static hs_rc_t
hs__openapi_build(hs_api_t *api, const hs_api_info_t *info,
    hs_error_t *err)
{
    char         method[16], *out;
    size_t       i;
    json_t      *doc, *paths, *item, *schemas;
    hs_api_op_t *op;

    paths = json_object();
    schemas = hs__all_schemas(api);

    for (i = 0; i < api->nops; i++) {
        op = api->ops[i];

        item = json_object_get(paths, op->decl->path);
        if (item == NULL) {
            item = json_object();
            json_object_set_new(paths, op->decl->path, item);
        }

        snprintf(method, sizeof(method), "%s", op->decl->method);
        hs__str_lower(method);

        json_object_set_new(item, method, hs__oa_operation(op));
    }

    doc = json_pack("{s:s, s:{s:s, s:s}, s:[{s:s}], s:o,"
                    " s:{s:o, s:{s:{s:s, s:s, s:s}}}}",
                    "openapi", "3.1.0",
                    "info", "title", info && info->title ? info->title
                                                         : "HyperSpot API",
                    "version", info && info->version ? info->version
                                                     : HS_MODKIT_VERSION,
                    "servers", "url", "/",
                    "paths", paths,
                    "components", "schemas", schemas,
                    "securitySchemes", "bearerAuth", "type", "http",
                    "scheme", "bearer", "bearerFormat", "JWT");

    if (doc == NULL) {
        hs_error_set(err, "cannot build the OpenAPI document");
        return HS_ERROR;
    }

    if (info && info->description) {
        json_object_set_new(json_object_get(doc, "info"), "description",
                            json_string(info->description));
    }

    out = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);

    if (out == NULL) {
        hs_error_set(err, "cannot render the OpenAPI document");
        return HS_ERROR;
    }

    api->openapi = hs_strdup(out);
    free(out);

    if (api->openapi == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    api->openapi_len = strlen(api->openapi);

    return HS_OK;
}


hs_rc_t
hs_api_finish(hs_api_t *api, const hs_api_info_t *info, hs_error_t *err)
{
    size_t      i, j;
    json_t     *doc, *schemas, *all, *v;
    hs_rc_t     rc;
    const char *key;

    /* operation ids are unique across modules */
    for (i = 0; i < api->nops; i++) {
        for (j = 0; j < i; j++) {
            if (strcmp(api->ops[i]->decl->operation_id,
                       api->ops[j]->decl->operation_id) == 0)
            {
                hs_error_set(err, "operation id \"%s\" is declared by module"
                             " \"%s\" (%s %s) and module \"%s\" (%s %s)",
                             api->ops[i]->decl->operation_id,
                             api->ops[j]->module, api->ops[j]->decl->method,
                             api->ops[j]->decl->path, api->ops[i]->module,
                             api->ops[i]->decl->method,
                             api->ops[i]->decl->path);
                return HS_EEXIST;
            }
        }
    }

    /* the named schemas, as one document the operations refer into */
    all = hs__all_schemas(api);
    schemas = json_deep_copy(all);
    json_decref(all);

    doc = json_pack("{s:{s:o}}", "components", "schemas", schemas);
    hs__rewrite_refs(doc);

    rc = hs_schema_registry_add(api->registry, HS__API_URN, doc, err);
    json_decref(doc);

    if (rc != HS_OK) {
        return rc;
    }

    /* each named schema must compile on its own */
    json_object_foreach(api->schemas, key, v) {
        hs_schema_t  *s;
        hs_error_t    e;

        s = hs__compile(api, v, &e);
        if (s == NULL) {
            hs_error_set(err, "module \"%s\": schema \"%s\" is invalid: %s",
                         json_string_value(json_object_get(api->schema_owner,
                                                           key)),
                         key, e.msg);
            return HS_EINVAL;
        }
        hs_schema_free(s);
    }

    for (i = 0; i < api->nops; i++) {
        rc = hs__op_compile(api, api->ops[i], err);
        if (rc != HS_OK) {
            return rc;
        }
    }

    hs_router_freeze(api->router);

    rc = hs_rbac_finish(api->rbac, err);
    if (rc != HS_OK) {
        return rc;
    }

    rc = hs__openapi_build(api, info, err);
    if (rc != HS_OK) {
        return rc;
    }

    api->finished = 1;

    return HS_OK;
}


/* ------------------------------------------------- event-loop checks */

size_t
hs_api_op_index(const hs_api_op_t *op)
{
    return op->index;
}


int
hs_api_op_permission(const hs_api_op_t *op)
{
    return op->perm;
}


hs_api_t *
hs_api_op_api(const hs_api_op_t *op)
{
    return op->api;
}


/* ------------------------------------------------ access control */

hs_rbac_t *
hs_api_rbac(const hs_api_t *api)
{
    return api->rbac;
}


hs_rc_t
hs_api_add_permission(hs_api_t *api, const char *module, const char *perm,
    hs_error_t *err)
{
    hs_rc_t     rc;
    hs_error_t  e;

    rc = hs_rbac_add_permission(api->rbac, perm, &e);
    if (rc != HS_OK) {
        hs_error_set(err, "module \"%s\": %s", module, e.msg);
    }

    return rc;
}


hs_rc_t
hs_api_add_gate(hs_api_t *api, const char *module, hs_gate_phase_t phase,
    hs_gate_pt fn, void *data, hs_error_t *err)
{
    hs__gate_t  *g;

    if (api->finished || fn == NULL || phase >= HS_GATE_PHASES
        || api->ngates == HS_API_MAX_GATES)
    {
        hs_error_set(err, "module \"%s\": %s", module,
                     api->finished ? "gate added after the API was built"
                     : fn == NULL ? "gate without a function"
                     : phase >= HS_GATE_PHASES ? "unknown gate phase"
                     : "too many gates");
        return HS_EINVAL;
    }

    g = &api->gates[api->ngates];
    g->module = hs_strdup(module);
    if (g->module == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    g->phase = phase;
    g->fn = fn;
    g->data = data;
    api->ngates++;

    return HS_OK;
}


hs_rc_t
hs_api_run_gates(const hs_api_t *api, hs_gate_phase_t phase,
    hs_call_t *call, const char **module)
{
    size_t   i;
    hs_rc_t  rc;

    for (i = 0; i < api->ngates; i++) {
        if (api->gates[i].phase != phase) {
            continue;
        }

        *module = api->gates[i].module;

        rc = api->gates[i].fn(call, api->gates[i].data);
        if (rc != HS_OK || call->problem != NULL) {
            return rc;
        }
    }

    return HS_OK;
}


size_t
hs_api_gates(const hs_api_t *api, hs_gate_phase_t phase)
{
    size_t  i, n;

    for (i = 0, n = 0; i < api->ngates; i++) {
        n += api->gates[i].phase == phase;
    }

    return n;
}


void
hs_api_set_audit(hs_api_t *api, hs_audit_pt fn, void *data)
{
    api->audit = fn;
    api->audit_data = data;
}


hs_rc_t
hs_api_audit(const hs_api_t *api, const hs_audit_event_t *ev)
{
    if (api == NULL || api->audit == NULL) {
        return HS_ENOTFOUND;
    }

    return api->audit(api->audit_data, ev);
}


const hs_route_t *
hs_api_op_route(const hs_api_op_t *op)
{
    return op->decl;
}


const char *
hs_api_op_consumes(const hs_api_op_t *op)
{
    return op->consumes;
}


const char *
hs_api_op_produces(const hs_api_op_t *op)
{
    return op->produces;
}


const char *const *
hs_api_op_headers(const hs_api_op_t *op, size_t *n)
{
    *n = op->nheaders;
    return op->headers;
}


/* The media type of a header value: trimmed, without parameters. */
static size_t
hs__media(const char *s, size_t len, const char **start)
{
    const char  *e;

    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }

    e = memchr(s, ';', len);
    if (e != NULL) {
        len = e - s;
    }

    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }

    *start = s;

    return len;
}


/* Is the media type t (tlen) in the comma-separated list? */
static int
hs__media_in(const char *list, const char *t, size_t tlen)
{
    size_t       n;
    const char  *p, *e, *m;

    for (p = list; *p; p = e + 1) {
        e = strchr(p, ',');
        if (e == NULL) {
            e = p + strlen(p);
        }

        n = hs__media(p, e - p, &m);
        if (n == tlen && strncasecmp(m, t, n) == 0) {
            return 1;
        }

        if (*e == '\0') {
            break;
        }
    }

    return 0;
}


int
hs_api_op_accepts(const hs_api_op_t *op, const char *type, size_t len)
{
    size_t       n;
    const char  *t;

    if (type == NULL) {
        return 0;
    }

    n = hs__media(type, len, &t);

    return n > 0 && hs__media_in(op->consumes, t, n);
}


int
hs_api_op_acceptable(const hs_api_op_t *op, const char *accept, size_t len)
{
    char         q[16];
    size_t       n, i, plen;
    const char  *p, *e, *m, *slash, *params, *produces;

    if (accept == NULL || len == 0) {
        return 1;
    }

    produces = op->produces[0] ? op->produces : HS__MEDIA_JSON;
    slash = strchr(produces, '/');
    plen = strlen(produces);

    for (p = accept; p < accept + len; p = e + 1) {
        e = memchr(p, ',', accept + len - p);
        if (e == NULL) {
            e = accept + len;
        }

        n = hs__media(p, e - p, &m);

        /* q=0 means "not acceptable" */
        params = memchr(p, ';', e - p);
        if (params != NULL) {
            for (i = 0; params + i < e && i < 64; i++) {
                if (strncasecmp(params + i, "q=", 2) == 0) {
                    snprintf(q, sizeof(q), "%.*s",
                             (int) (e - params - i - 2 < 15
                                    ? e - params - i - 2 : 15),
                             params + i + 2);
                    if (strtod(q, NULL) <= 0) {
                        n = 0;
                    }
                    break;
                }
            }
        }

        if (n > 0
            && ((n == 3 && strncmp(m, "*/*", 3) == 0)
                || (n == plen && strncasecmp(m, produces, n) == 0)
                || (slash && n == (size_t) (slash - produces) + 2
                    && strncasecmp(m, produces, slash - produces + 1) == 0
                    && m[n - 1] == '*')))
        {
            return 1;
        }

        if (e == accept + len) {
            break;
        }
    }

    return 0;
}


/* ----------------------------------------------------- thread checks */

typedef struct {
    hs_problem_t  *malformed;     /* 400 */
    hs_problem_t  *invalid;       /* 422 */
} hs__check_t;


static void
hs__violation(hs_problem_t **pp, hs_problem_kind_t kind, const char *in,
    const char *field, const char *pointer, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void
hs__violation(hs_problem_t **pp, hs_problem_kind_t kind, const char *in,
    const char *field, const char *pointer, const char *code,
    const char *fmt, ...)
{
    char     msg[512];
    json_t  *e;
    va_list  ap;

    if (*pp == NULL) {
        *pp = hs_problem_new(kind, kind == HS_PROBLEM_VALIDATION_FAILED
                                   ? "the request does not match the "
                                     "operation's schema"
                                   : "the request is malformed");
        if (*pp == NULL) {
            return;
        }
    }

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hs_utf8_sanitize(msg);

    if (hs_problem_add_error(*pp, field, code, msg) != HS_OK) {
        return;
    }

    e = json_array_get((*pp)->errors, json_array_size((*pp)->errors) - 1);
    json_object_set_new(e, "in", json_string(in));
    if (pointer != NULL) {
        json_object_set_new(e, "pointer", json_string(pointer));
    }
}


/* "/a/b~1c/0" -> "a.b/c.0" */
static void
hs__pointer_field(const char *pointer, char *buf, size_t size)
{
    size_t       n;
    const char  *p;

    n = 0;

    for (p = pointer; *p && n + 1 < size; p++) {
        if (*p == '/') {
            if (p != pointer) {
                buf[n++] = '.';
            }

        } else if (*p == '~' && (p[1] == '0' || p[1] == '1')) {
            buf[n++] = p[1] == '0' ? '~' : '/';
            p++;

        } else {
            buf[n++] = *p;
        }
    }

    buf[n] = '\0';
}


/* A parameter's text as the JSON value of its declared type. */
static json_t *
hs__param_value(const hs__param_t *p, const char *text)
{
    char       *end;
    double      d;
    long long   ll;

    switch (p->type) {

    case HS__PT_INTEGER:
        errno = 0;
        ll = strtoll(text, &end, 10);
        if (text[0] == '\0' || *end != '\0' || errno != 0
            || isspace((unsigned char) text[0]))
        {
            return NULL;
        }
        return json_integer(ll);

    case HS__PT_NUMBER:
        errno = 0;
        d = strtod(text, &end);
        if (text[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(d)
            || isspace((unsigned char) text[0]))
        {
            return NULL;
        }
        return json_real(d);

    case HS__PT_BOOLEAN:
        if (strcmp(text, "true") == 0) {
            return json_true();
        }
        if (strcmp(text, "false") == 0) {
            return json_false();
        }
        return NULL;

    default:
        return json_string(text);
    }
}


static const char *
hs__ptype_name(hs__ptype_t t)
{
    return t == HS__PT_INTEGER ? "an integer"
           : t == HS__PT_NUMBER ? "a number"
           : t == HS__PT_BOOLEAN ? "true or false" : "a string";
}


static void
hs__check_param(const hs__param_t *p, const char *text, hs__check_t *c)
{
    size_t              i;
    json_t             *v;
    hs_schema_errors_t  errs;

    v = hs__param_value(p, text);

    if (v == NULL) {
        hs__violation(&c->malformed, HS_PROBLEM_BAD_REQUEST, p->decl->in,
                      p->decl->name, NULL, "type", "must be %s",
                      hs__ptype_name(p->type));
        return;
    }

    if (hs_schema_validate(p->schema, v, &errs) == HS_EINVAL) {
        for (i = 0; i < errs.n; i++) {
            hs__violation(&c->invalid, HS_PROBLEM_VALIDATION_FAILED,
                          p->decl->in, p->decl->name, NULL,
                          errs.items[i].keyword, "%s",
                          errs.items[i].message);
        }
        hs_schema_errors_release(&errs);
    }

    json_decref(v);
}


static void
hs__check_query(const hs_api_op_t *op, const char *query, hs__check_t *c)
{
    char           name[256], value[4096];
    size_t         i, n;
    const char    *p, *e, *eq;
    unsigned char  seen[HS_API_MAX_PARAMS];

    memset(seen, 0, sizeof(seen));

    for (p = query; p && *p; p = e + 1) {
        e = strchr(p, '&');
        if (e == NULL) {
            e = p + strlen(p);
        }

        if (e == p) {
            if (*e == '\0') {
                break;
            }
            continue;               /* "a=1&&b=2" */
        }

        eq = memchr(p, '=', e - p);
        n = eq ? (size_t) (eq - p) : (size_t) (e - p);

        if (hs_call_query_decode(p, n, name, sizeof(name)) < 0
            || (eq && hs_call_query_decode(eq + 1, e - eq - 1, value,
                                     sizeof(value)) < 0))
        {
            hs__violation(&c->malformed, HS_PROBLEM_BAD_REQUEST, "query",
                          "", NULL, "encoding", "the query string has a "
                          "bad %%-escape or an over-long parameter");
            goto next;
        }

        if (eq == NULL) {
            value[0] = '\0';
        }

        for (i = 0; i < op->nparams; i++) {
            if (strcmp(op->params[i].decl->in, "query") == 0
                && strcmp(op->params[i].decl->name, name) == 0)
            {
                break;
            }
        }

        if (i == op->nparams) {
            hs__violation(&c->malformed, HS_PROBLEM_BAD_REQUEST, "query",
                          name, NULL, "unknown",
                          "is not a parameter of this operation");
            goto next;
        }

        if (seen[i]++) {
            hs__violation(&c->malformed, HS_PROBLEM_BAD_REQUEST, "query",
                          name, NULL, "duplicate", "is given more than once");
            goto next;
        }

        hs__check_param(&op->params[i], value, c);

    next:

        if (*e == '\0') {
            break;
        }
    }

    for (i = 0; i < op->nparams; i++) {
        if (strcmp(op->params[i].decl->in, "query") == 0 && !seen[i]
            && op->params[i].decl->required)
        {
            hs__violation(&c->malformed, HS_PROBLEM_BAD_REQUEST, "query",
                          op->params[i].decl->name, NULL, "required",
                          "is required");
        }
    }
}


hs_problem_t *
hs_api_op_check_request(const hs_api_op_t *op, const hs_call_t *call)
{
    char                field[512];
    size_t              i, k;
    const char         *v;
    hs__check_t         c;
    hs_schema_errors_t  errs;

    memset(&c, 0, sizeof(c));

    for (i = 0; i < op->nparams; i++) {
        if (strcmp(op->params[i].decl->in, "path") == 0) {
            v = hs_call_param(call, op->params[i].decl->name);
            hs__check_param(&op->params[i], v ? v : "", &c);

        } else if (strcmp(op->params[i].decl->in, "header") == 0) {
            v = NULL;
            for (k = 0; k < call->nheaders; k++) {
                if (strcasecmp(call->header_names[k],
                               op->params[i].decl->name) == 0)
                {
                    v = call->header_values[k];
                    break;
                }
            }

            if (v != NULL) {
                hs__check_param(&op->params[i], v, &c);

            } else if (op->params[i].decl->required) {
                hs__violation(&c.malformed, HS_PROBLEM_BAD_REQUEST, "header",
                              op->params[i].decl->name, NULL, "required",
                              "is required");
            }
        }
    }

    hs__check_query(op, call->query, &c);

    if (op->body != NULL && call->json != NULL
        && hs_schema_validate(op->body, call->json, &errs) == HS_EINVAL)
    {
        for (i = 0; i < errs.n; i++) {
            hs__pointer_field(errs.items[i].pointer, field, sizeof(field));
            hs__violation(&c.invalid, HS_PROBLEM_VALIDATION_FAILED, "body",
                          field, errs.items[i].pointer,
                          errs.items[i].keyword, "%s",
                          errs.items[i].message);
        }
        hs_schema_errors_release(&errs);
    }

    if (c.malformed != NULL) {
        hs_problem_free(c.invalid);
        return c.malformed;
    }

    return c.invalid;
}


char *
hs_api_op_check_response(const hs_api_op_t *op, int status,
    const json_t *body)
{
    char                msg[1024];
    size_t              i, n;
    hs_schema_errors_t  errs;
    const hs__response_t *r;

    r = NULL;

    for (i = 0; i < op->nresponses; i++) {
        if (op->responses[i].decl->status == status) {
            r = &op->responses[i];
        }
    }

    if (r == NULL) {
        snprintf(msg, sizeof(msg), "status %d is not a declared response",
                 status);
        return hs_strdup(msg);
    }

    if (r->schema == NULL) {
        if (body != NULL) {
            snprintf(msg, sizeof(msg), "response %d declares no body but "
                     "has one", status);
            return hs_strdup(msg);
        }
        return NULL;
    }

    if (body == NULL) {
        snprintf(msg, sizeof(msg), "response %d has no body", status);
        return hs_strdup(msg);
    }

    if (hs_schema_validate(r->schema, body, &errs) != HS_EINVAL) {
        return NULL;
    }

    n = snprintf(msg, sizeof(msg), "response %d does not match its schema:",
                 status);

    for (i = 0; i < errs.n && n < sizeof(msg); i++) {
        n += snprintf(msg + n, sizeof(msg) - n, "%s %s: %s",
                      i ? ";" : "", errs.items[i].pointer[0]
                                    ? errs.items[i].pointer : "/",
                      errs.items[i].message);
    }

    hs_schema_errors_release(&errs);

    return hs_strdup(msg);
}
