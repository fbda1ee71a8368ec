/*
 * types_registry: the GTS operations API (spec 9.5) as
 * operations-openapi.json describes it: the same paths under the
 * configured prefix (ops_prefix), methods, parameters and bodies, the
 * response bodies of modkit's hs_gts_op_*() over the worker's registry.
 *
 * Statuses follow the specification's conformance suite: registrations
 * answer 200, or a problem (422 for a rule, 409 for other content under
 * a registered id, 503 when the database is unavailable) that also
 * carries the operation's body as extension members ("ok", "error",
 * ...); a missing entity is a 404 problem; every other operation answers
 * 200 with "ok" and "error" in its body. Registrations made here are
 * persisted like those of the HyperSpot API; POST /entities validates
 * only with ?validate=true, as in the specification.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_types_registry.h"

/* How an operation's modkit code becomes a status. */
typedef enum {
    HS_TYPES_REGISTRY_OP_PURE = 0,      /* always 200 */
    HS_TYPES_REGISTRY_OP_GET,           /* 404 when not found */
    HS_TYPES_REGISTRY_OP_REGISTER       /* 422, 409, 503 */
} hs_types_registry_op_kind_t;

typedef struct {
    hs_route_t   route;                 /* path without the prefix */
    int          write;                 /* ops_write_access */
} hs_types_registry_op_t;


static hs_rc_t hs_types_registry_ops_list(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_add(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_get(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_bulk(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_type_schema(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_validate_id(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_extract_id(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_parse_id(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_match(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_uuid(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_validate(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_relationships(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_compat(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_cast(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_query(hs_call_t *call);
static hs_rc_t hs_types_registry_ops_attr(hs_call_t *call);


/* ----------------------------------------------------------- helpers */

/* A %-decoded query parameter (to free with hs_free), or NULL. */
static char *
hs_types_registry_ops_arg(hs_call_t *call, const char *name)
{
    char    *buf;
    size_t   size;

    size = strlen(call->query) + 1;
    buf = hs_alloc(size);

    if (buf != NULL && hs_call_query(call, name, buf, size) == NULL) {
        hs_free(buf);
        buf = NULL;
    }

    return buf;
}


/* An integer parameter its schema checked, or def. */
static size_t
hs_types_registry_ops_limit(hs_call_t *call, size_t def)
{
    char    *v;
    size_t   n;

    v = hs_types_registry_ops_arg(call, "limit");
    n = v != NULL ? (size_t) strtoul(v, NULL, 10) : def;
    hs_free(v);

    return n;
}


static const char *
hs_types_registry_ops_body_str(hs_call_t *call, const char *name)
{
    return json_string_value(json_object_get(hs_call_json(call), name));
}


/*
 * A problem of status kind whose extension members are the operation's
 * body (per-entity errors of a bulk registration become "errors").
 */
static hs_rc_t
hs_types_registry_ops_problem(hs_call_t *call, hs_problem_kind_t kind,
    json_t *body)
{
    char           field[32];
    size_t         i;
    json_t        *v, *e;
    const char    *key, *msg;
    hs_problem_t  *p;

    msg = json_string_value(json_object_get(body, "error"));
    p = hs_problem_new(kind, "%s", msg && msg[0] ? msg : "refused");

    if (p == NULL) {
        json_decref(body);
        return HS_ENOMEM;
    }

    json_array_foreach(json_object_get(body, "errors"), i, e) {
        snprintf(field, sizeof(field), "[%lld]", (long long)
                 json_integer_value(json_object_get(e, "index")));
        hs_problem_add_error(p, field, "gts_rule",
                             json_string_value(json_object_get(e, "error")));
    }

    json_object_foreach(body, key, v) {
        if (strcmp(key, "errors") != 0) {
            hs_problem_set_member(p, key, json_incref(v));
        }
    }

    json_decref(body);

    return hs_call_fail(call, p);
}


/* The answer of an operation: its body and the status of its kind. */
static hs_rc_t
hs_types_registry_ops_reply(hs_call_t *call, json_t *body, hs_rc_t rc,
    hs_types_registry_op_kind_t kind)
{
    hs_error_t   err;
    const char  *msg;

    if (body == NULL) {
        return HS_ENOMEM;
    }

    if (kind == HS_TYPES_REGISTRY_OP_PURE || rc == HS_OK) {
        return hs_call_reply(call, 200, body);
    }

    if (kind == HS_TYPES_REGISTRY_OP_GET && rc == HS_ENOTFOUND) {
        return hs_types_registry_ops_problem(call, HS_PROBLEM_NOT_FOUND,
                                             body);
    }

    /* a bulk registration that registered some of its entities */
    if (json_array_size(json_object_get(body, "registered")) > 0) {
        return hs_call_reply(call, 200, body);
    }

    switch (rc) {

    case HS_EINVAL:
        return hs_types_registry_ops_problem(call,
                   HS_PROBLEM_VALIDATION_FAILED, body);

    case HS_EEXIST:
        return hs_types_registry_ops_problem(call, HS_PROBLEM_CONFLICT,
                                             body);

    default:
        msg = json_string_value(json_object_get(body, "error"));
        hs_error_set(&err, "%s", msg ? msg : "registration failed");
        json_decref(body);
        return hs_types_registry_unavailable(call, rc, &err);
    }
}


/*
 * The worker's registry, current, locked (write: exclusively: lookups
 * that validate compile schemas); NULL after answering 503 or 500.
 */
static hs_gts_registry_t *
hs_types_registry_ops_lock(hs_call_t *call, int write, hs_rc_t *rc)
{
    hs_error_t            err;
    hs_types_registry_t  *tr = call->module_data;

    *rc = hs_types_registry_acquire(tr, write, &err);
    if (*rc != HS_OK) {
        *rc = hs_types_registry_unavailable(call, *rc, &err);
        return NULL;
    }

    return tr->reg;
}


/* An operation on the registry that takes one identifier (or path). */
typedef json_t *(*hs_types_registry_op1_pt)(hs_gts_registry_t *reg,
    const char *arg, hs_rc_t *rc);

static hs_rc_t
hs_types_registry_ops_one(hs_call_t *call, int write, const char *arg,
    hs_types_registry_op1_pt op, int kind)
{
    json_t             *body;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    reg = hs_types_registry_ops_lock(call, write, &rc);
    if (reg == NULL) {
        return rc;
    }

    body = op(reg, arg, &rc);
    hs_types_registry_release(call->module_data);

    return hs_types_registry_ops_reply(call, body, rc, kind);
}


/* ------------------------------------------------- registry operations */

static hs_rc_t
hs_types_registry_ops_list(hs_call_t *call)
{
    json_t             *body;
    hs_rc_t             rc;
    size_t              limit;
    hs_gts_registry_t  *reg;

    limit = hs_types_registry_ops_limit(call, 100);

    reg = hs_types_registry_ops_lock(call, 0, &rc);
    if (reg == NULL) {
        return rc;
    }

    body = hs_gts_op_list_entities(reg, limit);
    hs_types_registry_release(call->module_data);

    return hs_types_registry_ops_reply(call, body, HS_OK,
                                       HS_TYPES_REGISTRY_OP_PURE);
}


static hs_rc_t
hs_types_registry_ops_add(hs_call_t *call)
{
    int                 validate;
    char               *v;
    json_t             *body;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    v = hs_types_registry_ops_arg(call, "validate");
    validate = v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
    hs_free(v);

    reg = hs_types_registry_ops_lock(call, 1, &rc);
    if (reg == NULL) {
        return rc;
    }

    body = hs_gts_op_add_entity(reg, hs_call_json(call), validate, &rc);
    hs_types_registry_release(call->module_data);

    return hs_types_registry_ops_reply(call, body, rc,
                                       HS_TYPES_REGISTRY_OP_REGISTER);
}


static hs_rc_t
hs_types_registry_ops_bulk(hs_call_t *call)
{
    json_t             *body;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    reg = hs_types_registry_ops_lock(call, 1, &rc);
    if (reg == NULL) {
        return rc;
    }

    body = hs_gts_op_add_entities(reg, hs_call_json(call), 0, &rc);
    hs_types_registry_release(call->module_data);

    return hs_types_registry_ops_reply(call, body, rc,
                                       HS_TYPES_REGISTRY_OP_REGISTER);
}


static hs_rc_t
hs_types_registry_ops_type_schema(hs_call_t *call)
{
    json_t             *body;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    reg = hs_types_registry_ops_lock(call, 1, &rc);
    if (reg == NULL) {
        return rc;
    }

    body = hs_gts_op_add_type_schema(reg,
               hs_types_registry_ops_body_str(call, "type_id"),
               json_object_get(hs_call_json(call), "type_schema"), 0, &rc);
    hs_types_registry_release(call->module_data);

    return hs_types_registry_ops_reply(call, body, rc,
                                       HS_TYPES_REGISTRY_OP_REGISTER);
}


static hs_rc_t
hs_types_registry_ops_get(hs_call_t *call)
{
    return hs_types_registry_ops_one(call, 0, hs_call_param(call, "gts_id"),
                                     hs_gts_op_get_entity,
                                     HS_TYPES_REGISTRY_OP_GET);
}


/* validate-instance, validate-type-schema, validate-entity */
static hs_rc_t
hs_types_registry_ops_validate(hs_call_t *call)
{
    const char  *what = call->route->data;

    return hs_types_registry_ops_one(call, 1,
               hs_types_registry_ops_body_str(call, what),
               strcmp(what, "instance_id") == 0
                   ? hs_gts_op_validate_instance
               : strcmp(what, "type_id") == 0
                   ? hs_gts_op_validate_type_schema
                   : hs_gts_op_validate_entity,
               HS_TYPES_REGISTRY_OP_PURE);
}


static hs_rc_t
hs_types_registry_ops_relationships(hs_call_t *call)
{
    char     *arg;
    hs_rc_t   rc;

    arg = hs_types_registry_ops_arg(call, "gts_id");
    rc = hs_types_registry_ops_one(call, 1, arg, hs_gts_op_resolve_relationships,
                                   HS_TYPES_REGISTRY_OP_PURE);
    hs_free(arg);

    return rc;
}


static hs_rc_t
hs_types_registry_ops_compat(hs_call_t *call)
{
    char               *old_id, *new_id;
    json_t             *body;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    reg = hs_types_registry_ops_lock(call, 1, &rc);
    if (reg == NULL) {
        return rc;
    }

    old_id = hs_types_registry_ops_arg(call, "old_type_id");
    new_id = hs_types_registry_ops_arg(call, "new_type_id");
    body = hs_gts_op_compatibility(reg, old_id, new_id, &rc);
    hs_types_registry_release(call->module_data);
    hs_free(old_id);
    hs_free(new_id);

    return hs_types_registry_ops_reply(call, body, rc,
                                       HS_TYPES_REGISTRY_OP_PURE);
}


static hs_rc_t
hs_types_registry_ops_cast(hs_call_t *call)
{
    json_t             *body;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    reg = hs_types_registry_ops_lock(call, 1, &rc);
    if (reg == NULL) {
        return rc;
    }

    body = hs_gts_op_cast(reg,
                          hs_types_registry_ops_body_str(call, "instance_id"),
                          hs_types_registry_ops_body_str(call, "to_type_id"),
                          &rc);
    hs_types_registry_release(call->module_data);

    return hs_types_registry_ops_reply(call, body, rc,
                                       HS_TYPES_REGISTRY_OP_PURE);
}


static hs_rc_t
hs_types_registry_ops_query(hs_call_t *call)
{
    char               *expr;
    json_t             *body;
    size_t              limit;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    limit = hs_types_registry_ops_limit(call, 100);

    reg = hs_types_registry_ops_lock(call, 0, &rc);
    if (reg == NULL) {
        return rc;
    }

    expr = hs_types_registry_ops_arg(call, "expr");
    body = hs_gts_op_query(reg, expr, limit, &rc);
    hs_types_registry_release(call->module_data);
    hs_free(expr);

    return hs_types_registry_ops_reply(call, body, rc,
                                       HS_TYPES_REGISTRY_OP_PURE);
}


static hs_rc_t
hs_types_registry_ops_attr(hs_call_t *call)
{
    char     *arg;
    hs_rc_t   rc;

    arg = hs_types_registry_ops_arg(call, "gts_with_path");
    rc = hs_types_registry_ops_one(call, 0, arg, hs_gts_op_attr,
                                   HS_TYPES_REGISTRY_OP_PURE);
    hs_free(arg);

    return rc;
}


/* --------------------------------------------- identifier operations */

/* validate-id, parse-id, uuid: one gts_id, no registry */
static hs_rc_t
hs_types_registry_ops_id(hs_call_t *call, json_t *(*op)(const char *id))
{
    char    *id;
    json_t  *body;

    id = hs_types_registry_ops_arg(call, "gts_id");
    body = op(id);
    hs_free(id);

    return hs_types_registry_ops_reply(call, body, HS_OK,
                                       HS_TYPES_REGISTRY_OP_PURE);
}


static hs_rc_t
hs_types_registry_ops_validate_id(hs_call_t *call)
{
    return hs_types_registry_ops_id(call, hs_gts_op_validate_id);
}


static hs_rc_t
hs_types_registry_ops_parse_id(hs_call_t *call)
{
    return hs_types_registry_ops_id(call, hs_gts_op_parse_id);
}


static hs_rc_t
hs_types_registry_ops_uuid(hs_call_t *call)
{
    return hs_types_registry_ops_id(call, hs_gts_op_uuid);
}


static hs_rc_t
hs_types_registry_ops_extract_id(hs_call_t *call)
{
    return hs_types_registry_ops_reply(call,
               hs_gts_op_extract_id(hs_call_json(call), NULL), HS_OK,
               HS_TYPES_REGISTRY_OP_PURE);
}


static hs_rc_t
hs_types_registry_ops_match(hs_call_t *call)
{
    char    *candidate, *pattern;
    json_t  *body;

    candidate = hs_types_registry_ops_arg(call, "candidate");
    pattern = hs_types_registry_ops_arg(call, "pattern");
    body = hs_gts_op_match_id_pattern(candidate, pattern);
    hs_free(candidate);
    hs_free(pattern);

    return hs_types_registry_ops_reply(call, body, HS_OK,
                                       HS_TYPES_REGISTRY_OP_PURE);
}


/* ------------------------------------------------------- the contract */

#define HS_TR_OBJECT  "{\"type\": \"object\"}"
#define HS_TR_STRING  "{\"type\": \"string\"}"
#define HS_TR_LIMIT                                                           \
    "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000,"              \
    " \"default\": 100}"

#define HS_TR_BODY(...)                                                       \
    "{\"type\": \"object\", \"required\": [" __VA_ARGS__ "]}"

static const hs_param_t  hs_types_registry_ops_limit_p[] = {
    { "limit", "query", 0, HS_TR_LIMIT, "Most entities returned" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_ops_validate_p[] = {
    { "validate", "query", 0,
      "{\"type\": \"boolean\", \"default\": false}",
      "Validate the entity (OP#6, OP#12, OP#13) before registering it" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_ops_path_id_p[] = {
    { "gts_id", "path", 1, HS_TR_STRING, "The entity's id" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_ops_id_p[] = {
    { "gts_id", "query", 1, HS_TR_STRING, "A GTS identifier" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_ops_match_p[] = {
    { "candidate", "query", 1, HS_TR_STRING, "The identifier to match" },
    { "pattern", "query", 1, HS_TR_STRING, "An identifier or a pattern" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_ops_compat_p[] = {
    { "old_type_id", "query", 1, HS_TR_STRING, "The older minor version" },
    { "new_type_id", "query", 1, HS_TR_STRING, "The newer minor version" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_ops_query_p[] = {
    { "expr", "query", 1, HS_TR_STRING,
      "<id or pattern>[attribute=value, ...] (OP#10)" },
    { "limit", "query", 0, HS_TR_LIMIT, "Most results" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_ops_attr_p[] = {
    { "gts_with_path", "query", 1, HS_TR_STRING,
      "<id>@<path>, e.g. gts.x.a.b.c.v1~x.y.z.w.v1@payload.items[0]" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_response_t  hs_types_registry_ops_200[] = {
    { 200, "The operation's result (\"ok\", \"error\", ...)", HS_TR_OBJECT,
      NULL },
    { 0, NULL, NULL, NULL }
};

static const int  hs_types_registry_ops_p_register[] = { 409, 422, 503, 0 };
static const int  hs_types_registry_ops_p_get[] = { 404, 503, 0 };
static const int  hs_types_registry_ops_p_read[] = { 503, 0 };

#define HS_TR_OP(m, p, id, sum, h, ...)                                       \
    { .method = m, .path = p, .operation_id = id, .summary = sum,             \
      .handler = h, .tags = "gts", .responses = hs_types_registry_ops_200,    \
      __VA_ARGS__ }

static const hs_types_registry_op_t  hs_types_registry_ops_table[] = {
    { HS_TR_OP("GET", "/entities", "get_entities_entities_get",
               "Get all entities in the registry",
               hs_types_registry_ops_list,
               .params = hs_types_registry_ops_limit_p,
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("POST", "/entities", "add_entity_entities_post",
               "Register a single entity (object or schema)",
               hs_types_registry_ops_add,
               .params = hs_types_registry_ops_validate_p,
               .body_schema = HS_TR_OBJECT,
               .problems = hs_types_registry_ops_p_register), 1 },
    { HS_TR_OP("GET", "/entities/{gts_id}",
               "get_entity_entities__gts_id__get",
               "Get a specific entity by GTS ID", hs_types_registry_ops_get,
               .params = hs_types_registry_ops_path_id_p,
               .problems = hs_types_registry_ops_p_get), 0 },
    { HS_TR_OP("POST", "/entities/bulk", "add_entities_entities_bulk_post",
               "Register multiple entities", hs_types_registry_ops_bulk,
               .body_schema = "{\"type\": \"array\", \"items\": "
                              HS_TR_OBJECT "}",
               .problems = hs_types_registry_ops_p_register), 1 },
    { HS_TR_OP("POST", "/type-schemas", "add_type_schema_type_schemas_post",
               "Register a GTS Type Schema under an explicit type_id",
               hs_types_registry_ops_type_schema,
               .body_schema = "{\"type\": \"object\","
                   " \"required\": [\"type_id\", \"type_schema\"],"
                   " \"properties\": {\"type_id\": " HS_TR_STRING ","
                   "  \"type_schema\": " HS_TR_OBJECT "}}",
               .problems = hs_types_registry_ops_p_register), 1 },
    { HS_TR_OP("GET", "/validate-id", "validate_id_validate_id_get",
               "Validate GTS identifier", hs_types_registry_ops_validate_id,
               .params = hs_types_registry_ops_id_p), 0 },
    { HS_TR_OP("POST", "/extract-id", "extract_id_extract_id_post",
               "Extract GTS ID and type ID from JSON content",
               hs_types_registry_ops_extract_id,
               .body_schema = HS_TR_OBJECT), 0 },
    { HS_TR_OP("GET", "/parse-id", "parse_parse_id_get",
               "Parse GTS identifier", hs_types_registry_ops_parse_id,
               .params = hs_types_registry_ops_id_p), 0 },
    { HS_TR_OP("GET", "/match-id-pattern",
               "match_id_pattern_match_id_pattern_get",
               "Match candidate against wildcard pattern",
               hs_types_registry_ops_match,
               .params = hs_types_registry_ops_match_p), 0 },
    { HS_TR_OP("GET", "/uuid", "id_to_uuid_uuid_get", "Map GTS ID to UUID",
               hs_types_registry_ops_uuid,
               .params = hs_types_registry_ops_id_p), 0 },
    { HS_TR_OP("POST", "/validate-instance",
               "validate_instance_validate_instance_post",
               "Validate instance by GTS ID", hs_types_registry_ops_validate,
               .data = "instance_id",
               .body_schema = HS_TR_BODY("\"instance_id\""),
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("POST", "/validate-type-schema",
               "validate_type_schema_validate_type_schema_post",
               "Validate that a derived GTS Type Schema correctly extends "
               "its base chain", hs_types_registry_ops_validate,
               .data = "type_id",
               .body_schema = HS_TR_BODY("\"type_id\""),
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("POST", "/validate-entity",
               "validate_entity_validate_entity_post",
               "Validate entity (instance or type schema) by GTS Identifier",
               hs_types_registry_ops_validate,
               .data = "entity_id",
               .body_schema = HS_TR_BODY("\"entity_id\""),
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("GET", "/resolve-relationships",
               "schema_graph_resolve_relationships_get",
               "Build schema/entity graph for a GTS ID",
               hs_types_registry_ops_relationships,
               .params = hs_types_registry_ops_id_p,
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("GET", "/compatibility", "compatibility_compatibility_get",
               "Check minor version compatibility",
               hs_types_registry_ops_compat,
               .params = hs_types_registry_ops_compat_p,
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("POST", "/cast", "cast_cast_post",
               "Cast instance to target schema", hs_types_registry_ops_cast,
               .body_schema = HS_TR_BODY("\"instance_id\", \"to_type_id\""),
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("GET", "/query", "query_query_get",
               "Execute GTS query over loaded entities",
               hs_types_registry_ops_query,
               .params = hs_types_registry_ops_query_p,
               .problems = hs_types_registry_ops_p_read), 0 },
    { HS_TR_OP("GET", "/attr", "attr_attr_get",
               "Resolve attribute path via '@' selector",
               hs_types_registry_ops_attr,
               .params = hs_types_registry_ops_attr_p,
               .problems = hs_types_registry_ops_p_read), 0 },
};


hs_rc_t
hs_types_registry_ops_build(hs_types_registry_t *tr, hs_error_t *err)
{
    char          *p;
    size_t         i, n, size, plen;
    const char    *prefix;
    hs_route_t    *r;

    n = hs_nelems(hs_types_registry_ops_table);
    prefix = tr->conf->ops_prefix;
    plen = strlen(prefix);

    size = 0;
    for (i = 0; i < n; i++) {
        size += plen + strlen(hs_types_registry_ops_table[i].route.path) + 1;
    }

    tr->ops = hs_calloc(n, sizeof(hs_route_t));
    tr->ops_paths = hs_alloc(size);

    if (tr->ops == NULL || tr->ops_paths == NULL) {
        hs_types_registry_ops_free(tr);
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    p = tr->ops_paths;

    for (i = 0; i < n; i++) {
        r = &tr->ops[i];
        *r = hs_types_registry_ops_table[i].route;

        r->path = p;
        p += sprintf(p, "%s%s", prefix,
                     hs_types_registry_ops_table[i].route.path) + 1;

        r->access = hs_types_registry_ops_table[i].write
                    ? tr->conf->ops_write_access
                    : tr->conf->ops_read_access;
    }

    tr->nops = n;

    return HS_OK;
}


void
hs_types_registry_ops_free(hs_types_registry_t *tr)
{
    hs_free(tr->ops);
    hs_free(tr->ops_paths);
    tr->ops = NULL;
    tr->ops_paths = NULL;
    tr->nops = 0;
}
