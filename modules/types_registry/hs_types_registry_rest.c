/*
 * types_registry: HyperSpot's REST API (api.json, tag types-registry).
 *
 *   POST /types-registry/v1/entities          register in bulk
 *   GET  /types-registry/v1/entities          list, with filters
 *   GET  /types-registry/v1/entities/{gts_id} one entity
 *
 * Registrations always validate. The entities of one request may come
 * in any order: each pass registers what validates against what is
 * registered so far, until a pass registers nothing more.
 */

#include <stdio.h>
#include <string.h>

#include "hs_types_registry.h"

#define HS_TYPES_REGISTRY_ANY_SCOPE  0
#define HS_TYPES_REGISTRY_PRIMARY    1

/* What one entity of a registration came to. */
typedef struct {
    hs_rc_t                  rc;
    const hs_gts_entity_t   *ent;
    hs_error_t               err;
} hs_types_registry_result_t;

/* The list filters beyond those of hs_gts_filter_t. */
typedef struct {
    const char  *vendor;
    const char  *package;
    const char  *ns;
    int          scope;
} hs_types_registry_segf_t;


/* ------------------------------------------------------------- DTOs */

static int
hs_types_registry_str_eq(const hs_gts_str_t *s, const char *want)
{
    return want == NULL
           || (s->len == strlen(want) && memcmp(s->p, want, s->len) == 0);
}


/* The parsed identifier of an entity, or of its type (anonymous ids). */
static int
hs_types_registry_parse(const hs_gts_entity_t *e, hs_gts_id_t *id)
{
    if (hs_gts_id_parse(e->id, strlen(e->id), 0, id, NULL) == HS_OK) {
        return 1;
    }

    return e->type_id != NULL
           && hs_gts_id_parse(e->type_id, strlen(e->type_id), 0, id, NULL)
              == HS_OK;
}


static json_t *
hs_types_registry_segments(const hs_gts_entity_t *e)
{
    unsigned                 i;
    json_t                  *segs, *seg;
    hs_gts_id_t              id;
    const hs_gts_segment_t  *s;

    segs = json_array();
    if (segs == NULL || hs_gts_id_parse(e->id, strlen(e->id), 0, &id, NULL)
                        != HS_OK)
    {
        return segs;
    }

    for (i = 0; i < id.nsegs; i++) {
        s = &id.segs[i];

        if (s->is_uuid) {
            continue;
        }

        seg = json_pack("{s:s%, s:s%, s:s%, s:s%, s:i}",
                        "vendor", s->vendor.p, s->vendor.len,
                        "package", s->package.p, s->package.len,
                        "namespace", s->ns.p, s->ns.len,
                        "type_name", s->type.p, s->type.len,
                        "ver_major", (int) s->ver_major);

        if (seg != NULL && s->ver_minor >= 0) {
            json_object_set_new(seg, "ver_minor",
                                json_integer(s->ver_minor));
        }

        if (seg == NULL || json_array_append_new(segs, seg) != 0) {
            json_decref(segs);
            return NULL;
        }
    }

    return segs;
}


/* GtsEntityDto. */
static json_t *
hs_types_registry_dto(const hs_gts_entity_t *e)
{
    char           uuid[HS_UUID_LEN + 1];
    const json_t  *d;

    hs_types_registry_uuid(e->id, uuid);
    d = json_object_get(e->content, "description");

    return json_pack("{s:s, s:s, s:o, s:b, s:b, s:O, s:O}",
                     "id", uuid, "gts_id", e->id,
                     "segments", hs_types_registry_segments(e),
                     "is_schema", e->is_type, "is_type", e->is_type,
                     "content", e->content,
                     "description", json_is_string(d) ? d : json_null());
}


/* ------------------------------------------------------- register */

/*
 * Registers what it can of docs into the worker's registry (locked
 * exclusively): passes until one registers nothing more; a conflict or
 * a failure that is not a rule (the database) is final at once.
 */
static size_t
hs_types_registry_register_all(hs_types_registry_t *tr, const json_t *docs,
    hs_types_registry_result_t *res)
{
    size_t         i, n, progress, ok;
    const json_t  *doc;

    n = json_array_size(docs);

    for (i = 0; i < n; i++) {
        res[i].rc = HS_EINVAL;
        res[i].ent = NULL;

        if (!json_is_object(json_array_get(docs, i))) {
            /* final: not retried */
            res[i].rc = HS_ERROR;
            hs_error_set(&res[i].err, "entities[%zu] is not a JSON object",
                         i);
        }
    }

    ok = 0;

    do {
        progress = 0;

        for (i = 0; i < n; i++) {
            if (res[i].rc != HS_EINVAL) {
                continue;
            }

            doc = json_array_get(docs, i);
            res[i].err.msg[0] = '\0';
            res[i].rc = hs_gts_registry_add(tr->reg, doc, HS_GTS_VALIDATE,
                                            &res[i].ent, &res[i].err);
            if (res[i].rc == HS_OK) {
                progress++;
            }
        }

        ok += progress;

    } while (progress > 0 && ok < n);

    return ok;
}


/* The GTS id a document names, or NULL. */
static json_t *
hs_types_registry_doc_id(const json_t *doc)
{
    hs_gts_extract_t  x;

    if (hs_gts_extract(doc, NULL, &x) != HS_OK || x.id == NULL) {
        return json_null();
    }

    return json_string(x.id);
}


static hs_rc_t
hs_types_registry_register(hs_call_t *call)
{
    char                         field[32];
    size_t                       i, n, ok, conflicts, down;
    json_t                      *results, *out, *r, *summary;
    hs_rc_t                      rc;
    hs_error_t                   err;
    hs_problem_t                *p;
    const json_t                *docs;
    hs_types_registry_t         *tr = call->module_data;
    hs_types_registry_result_t  *res;

    docs = json_object_get(hs_call_json(call), "entities");
    n = json_array_size(docs);

    if ((int64_t) n > tr->conf->max_entities) {
        p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED, "at most %lld "
                           "entities per request",
                           (long long) tr->conf->max_entities);
        if (p != NULL) {
            hs_problem_add_error(p, "entities", "maxItems", "too many");
        }
        return hs_call_fail(call, p);
    }

    res = hs_calloc(n ? n : 1, sizeof(hs_types_registry_result_t));
    results = json_array();
    if (res == NULL || results == NULL) {
        hs_free(res);
        json_decref(results);
        return HS_ENOMEM;
    }

    rc = hs_types_registry_acquire(tr, 1, &err);
    if (rc != HS_OK) {
        hs_free(res);
        json_decref(results);
        return hs_types_registry_unavailable(call, rc, &err);
    }

    ok = hs_types_registry_register_all(tr, docs, res);

    conflicts = 0;
    down = 0;

    for (i = 0; i < n; i++) {
        if (res[i].rc == HS_OK) {
            r = json_pack("{s:s, s:o}", "status", "ok",
                          "entity", hs_types_registry_dto(res[i].ent));
        } else {
            conflicts += res[i].rc == HS_EEXIST;
            down += res[i].rc == HS_EAGAIN;
            r = json_pack("{s:s, s:o, s:s}", "status", "error",
                          "gts_id",
                          hs_types_registry_doc_id(json_array_get(docs, i)),
                          "error", res[i].err.msg);
        }

        if (r == NULL || json_array_append_new(results, r) != 0) {
            break;
        }
    }

    hs_types_registry_release(tr);

    for (i = 0; i < n && res[i].rc == HS_OK; i++) { /* void */ }

    if (i < n) {
        hs_log(call->log, HS_LOG_INFO, "types_registry: %zu of %zu "
               "entities refused (request id %s), first: %s", n - ok, n,
               call->request_id, res[i].err.msg);
    }

    summary = json_pack("{s:I, s:I, s:I}", "total", (json_int_t) n,
                        "succeeded", (json_int_t) ok,
                        "failed", (json_int_t) (n - ok));

    if (ok > 0 || n == 0) {
        hs_free(res);
        out = json_pack("{s:o, s:o}", "summary", summary, "results",
                        results);
        return out ? hs_call_reply(call, 200, out) : HS_ENOMEM;
    }

    /* nothing registered: a problem naming each entity and its rule */
    if (down > 0) {
        p = hs_problem_new(HS_PROBLEM_SERVICE_UNAVAILABLE, "the database "
                           "is unavailable; retry later");
    } else if (n == 1) {
        p = hs_problem_new(conflicts ? HS_PROBLEM_CONFLICT
                                     : HS_PROBLEM_VALIDATION_FAILED,
                           "%s", res[0].err.msg);
    } else {
        p = hs_problem_new(conflicts == n ? HS_PROBLEM_CONFLICT
                                          : HS_PROBLEM_VALIDATION_FAILED,
                           "none of the %zu entities was registered; "
                           "first: %s", n, res[0].err.msg);
    }

    for (i = 0; p != NULL && i < n; i++) {
        snprintf(field, sizeof(field), "entities[%zu]", i);
        hs_problem_add_error(p, field, res[i].rc == HS_EEXIST ? "conflict"
                                       : "gts_rule", res[i].err.msg);
    }

    hs_free(res);

    if (p != NULL) {
        hs_problem_set_member(p, "summary", summary);
        hs_problem_set_member(p, "results", results);
    } else {
        json_decref(summary);
        json_decref(results);
    }

    return hs_call_fail(call, p);
}


/* ----------------------------------------------------------- list */

static int
hs_types_registry_seg_match(const hs_gts_entity_t *e,
    const hs_types_registry_segf_t *sf)
{
    unsigned     i, n;
    hs_gts_id_t  id;

    if (sf->vendor == NULL && sf->package == NULL && sf->ns == NULL) {
        return 1;
    }

    if (!hs_types_registry_parse(e, &id)) {
        return 0;
    }

    n = sf->scope == HS_TYPES_REGISTRY_PRIMARY ? 1 : id.nsegs;

    for (i = 0; i < n; i++) {
        if (!id.segs[i].is_uuid
            && hs_types_registry_str_eq(&id.segs[i].vendor, sf->vendor)
            && hs_types_registry_str_eq(&id.segs[i].package, sf->package)
            && hs_types_registry_str_eq(&id.segs[i].ns, sf->ns))
        {
            return 1;
        }
    }

    return 0;
}


/* Sets *want from a kind filter; 0 when it contradicts an earlier one. */
static int
hs_types_registry_kind(const char *v, int is_type, int *want)
{
    if (v == NULL) {
        return 1;
    }

    if (*want != -1 && *want != is_type) {
        return 0;
    }

    *want = is_type;

    return 1;
}


static hs_rc_t
hs_types_registry_list(hs_call_t *call)
{
    char                       *buf;
    size_t                      size, i, n, next, count;
    json_t                     *list, *dto;
    hs_rc_t                     rc, lrc;
    hs_error_t                  err;
    const char                 *v, *scope;
    hs_problem_t               *p;
    hs_gts_filter_t             f;
    hs_types_registry_t        *tr = call->module_data;
    const hs_gts_entity_t      *ents[64];
    hs_types_registry_segf_t    sf;

    size = strlen(call->query) + 1;
    buf = hs_alloc(9 * size);
    if (buf == NULL) {
        return HS_ENOMEM;
    }

    memset(&f, 0, sizeof(f));
    f.is_type = -1;

    /* the schemas of the parameters checked their values */
    f.pattern = hs_call_query(call, "pattern", buf, size);
    sf.vendor = hs_call_query(call, "vendor", buf + size, size);
    sf.package = hs_call_query(call, "package", buf + 2 * size, size);
    sf.ns = hs_call_query(call, "namespace", buf + 3 * size, size);

    scope = hs_call_query(call, "segment_scope", buf + 4 * size, size);
    if (scope == NULL) {
        scope = hs_call_query(call, "segmentScope", buf + 4 * size, size);
    }
    sf.scope = scope != NULL && strcmp(scope, "primary") == 0
               ? HS_TYPES_REGISTRY_PRIMARY : HS_TYPES_REGISTRY_ANY_SCOPE;

    v = hs_call_query(call, "kind", buf + 5 * size, size);
    i = hs_types_registry_kind(v, v && strcmp(v, "type") == 0, &f.is_type);
    v = hs_call_query(call, "is_type", buf + 6 * size, size);
    i = i && hs_types_registry_kind(v, v && strcmp(v, "true") == 0,
                                    &f.is_type);
    v = hs_call_query(call, "is_schema", buf + 7 * size, size);
    i = i && hs_types_registry_kind(v, v && strcmp(v, "true") == 0,
                                    &f.is_type);

    if (!i) {
        hs_free(buf);
        p = hs_problem_new(HS_PROBLEM_BAD_REQUEST, "kind, is_type and "
                           "is_schema contradict each other");
        if (p != NULL) {
            hs_problem_add_error(p, "is_type", "conflict",
                                 "asks for the other kind");
        }
        return hs_call_fail(call, p);
    }

    rc = hs_types_registry_acquire(tr, 0, &err);
    if (rc != HS_OK) {
        hs_free(buf);
        return hs_types_registry_unavailable(call, rc, &err);
    }

    list = json_array();
    next = 0;
    lrc = HS_OK;
    count = 0;

    while (list != NULL && lrc == HS_OK
           && next < hs_gts_registry_count(tr->reg))
    {
        n = hs_gts_registry_list(tr->reg, &f, next, ents, hs_nelems(ents),
                                 &next, &lrc, &err);

        for (i = 0; i < n; i++) {
            if (!hs_types_registry_seg_match(ents[i], &sf)) {
                continue;
            }

            dto = hs_types_registry_dto(ents[i]);
            if (dto == NULL || json_array_append_new(list, dto) != 0) {
                json_decref(list);
                list = NULL;
                break;
            }
            count++;
        }
    }

    hs_types_registry_release(tr);
    hs_free(buf);

    if (lrc != HS_OK) {
        json_decref(list);
        p = hs_problem_new(HS_PROBLEM_BAD_REQUEST, "%s", err.msg);
        if (p != NULL) {
            hs_problem_add_error(p, "pattern", "gts_pattern", err.msg);
        }
        return hs_call_fail(call, p);
    }

    if (list == NULL) {
        return HS_ENOMEM;
    }

    return hs_call_reply(call, 200, json_pack("{s:o, s:I}", "entities", list,
                                              "count", (json_int_t) count));
}


/* ------------------------------------------------------------ get */

static hs_rc_t
hs_types_registry_get(hs_call_t *call)
{
    json_t                 *dto;
    hs_rc_t                 rc;
    hs_error_t              err;
    hs_problem_t           *p;
    const char             *id;
    hs_gts_id_t             parsed;
    hs_types_registry_t    *tr = call->module_data;
    const hs_gts_entity_t  *e;

    id = hs_call_param(call, "gts_id");

    rc = hs_types_registry_acquire(tr, 0, &err);
    if (rc != HS_OK) {
        return hs_types_registry_unavailable(call, rc, &err);
    }

    e = hs_gts_registry_get(tr->reg, id);
    dto = e != NULL ? hs_types_registry_dto(e) : NULL;

    hs_types_registry_release(tr);

    if (e != NULL) {
        return dto ? hs_call_reply(call, 200, dto) : HS_ENOMEM;
    }

    /* what looks like a GTS identifier must be one */
    if (strncmp(id, "gts", 3) == 0
        && hs_gts_id_parse(id, strlen(id), 0, &parsed, &err) != HS_OK)
    {
        p = hs_problem_new(HS_PROBLEM_BAD_REQUEST, "%s", err.msg);
        if (p != NULL) {
            hs_problem_add_error(p, "gts_id", "gts_id", err.msg);
        }
        return hs_call_fail(call, p);
    }

    return hs_call_fail(call, hs_problem_new(HS_PROBLEM_NOT_FOUND,
                                             "no entity %s is registered",
                                             id));
}


/* ----------------------------------------------------- the contract */

static const char  hs_types_registry_segment_schema[] =
    "{\"type\": \"object\", \"description\": \"A segment of a GTS id\","
    " \"required\": [\"vendor\", \"package\", \"namespace\", \"type_name\","
    "              \"ver_major\"],"
    " \"properties\": {"
    "  \"vendor\": {\"type\": \"string\"},"
    "  \"package\": {\"type\": \"string\"},"
    "  \"namespace\": {\"type\": \"string\"},"
    "  \"type_name\": {\"type\": \"string\"},"
    "  \"ver_major\": {\"type\": \"integer\", \"minimum\": 0},"
    "  \"ver_minor\": {\"type\": \"integer\", \"minimum\": 0}"
    " }}";

static const char  hs_types_registry_entity_schema[] =
    "{\"type\": \"object\", \"description\": \"A GTS entity\","
    " \"required\": [\"id\", \"gts_id\", \"segments\", \"is_schema\","
    "              \"content\"],"
    " \"properties\": {"
    "  \"id\": {\"type\": \"string\", \"format\": \"uuid\", \"description\":"
    "         \"UUID v5 of the GTS id (OP#5)\"},"
    "  \"gts_id\": {\"type\": \"string\"},"
    "  \"segments\": {\"type\": \"array\", \"items\":"
    "   {\"$ref\": \"#/components/schemas/GtsIdSegmentDto\"}},"
    "  \"is_schema\": {\"type\": \"boolean\", \"description\":"
    "                \"a type schema (the id ends with ~)\"},"
    "  \"is_type\": {\"type\": \"boolean\", \"description\":"
    "              \"the same as is_schema\"},"
    "  \"content\": {\"description\": \"the schema or the instance\"},"
    "  \"description\": {\"type\": [\"string\", \"null\"]}"
    " }}";

static const char  hs_types_registry_list_schema[] =
    "{\"type\": \"object\", \"required\": [\"entities\", \"count\"],"
    " \"properties\": {"
    "  \"entities\": {\"type\": \"array\", \"items\":"
    "   {\"$ref\": \"#/components/schemas/GtsEntityDto\"}},"
    "  \"count\": {\"type\": \"integer\", \"minimum\": 0}"
    " }}";

static const char  hs_types_registry_register_schema[] =
    "{\"type\": \"object\", \"required\": [\"entities\"],"
    " \"properties\": {"
    "  \"entities\": {\"type\": \"array\", \"items\": {}, \"description\":"
    "   \"GTS type schemas and instances, in any order\"}"
    " }}";

static const char  hs_types_registry_result_schema[] =
    "{\"oneOf\": ["
    "  {\"type\": \"object\", \"required\": [\"entity\", \"status\"],"
    "   \"properties\": {"
    "    \"entity\": {\"$ref\": \"#/components/schemas/GtsEntityDto\"},"
    "    \"status\": {\"type\": \"string\", \"enum\": [\"ok\"]}}},"
    "  {\"type\": \"object\", \"required\": [\"error\", \"status\"],"
    "   \"properties\": {"
    "    \"error\": {\"type\": \"string\"},"
    "    \"gts_id\": {\"type\": [\"string\", \"null\"]},"
    "    \"status\": {\"type\": \"string\", \"enum\": [\"error\"]}}}"
    " ]}";

static const char  hs_types_registry_summary_schema[] =
    "{\"type\": \"object\", \"required\": [\"total\", \"succeeded\","
    "                                    \"failed\"],"
    " \"properties\": {"
    "  \"total\": {\"type\": \"integer\", \"minimum\": 0},"
    "  \"succeeded\": {\"type\": \"integer\", \"minimum\": 0},"
    "  \"failed\": {\"type\": \"integer\", \"minimum\": 0}"
    " }}";

static const char  hs_types_registry_registered_schema[] =
    "{\"type\": \"object\", \"required\": [\"summary\", \"results\"],"
    " \"properties\": {"
    "  \"summary\": {\"$ref\": \"#/components/schemas/RegisterSummaryDto\"},"
    "  \"results\": {\"type\": \"array\", \"items\":"
    "   {\"$ref\": \"#/components/schemas/RegisterResultDto\"}}"
    " }}";

#define HS_TYPES_REGISTRY_STR  "{\"type\": \"string\", \"maxLength\": 1024}"
#define HS_TYPES_REGISTRY_BOOL "{\"type\": \"boolean\"}"
#define HS_TYPES_REGISTRY_SCOPE                                               \
    "{\"type\": \"string\", \"enum\": [\"primary\", \"any\"]}"

static const hs_param_t  hs_types_registry_list_params[] = {
    { "pattern", "query", 0, HS_TYPES_REGISTRY_STR,
      "GTS id or wildcard pattern, e.g. gts.acme.*" },
    { "kind", "query", 0,
      "{\"type\": \"string\", \"enum\": [\"type\", \"instance\"]}",
      "type or instance" },
    { "is_type", "query", 0, HS_TYPES_REGISTRY_BOOL,
      "true: type schemas only; false: instances only" },
    { "is_schema", "query", 0, HS_TYPES_REGISTRY_BOOL,
      "The older name of is_type" },
    { "vendor", "query", 0, HS_TYPES_REGISTRY_STR, "Vendor of a segment" },
    { "package", "query", 0, HS_TYPES_REGISTRY_STR, "Package of a segment" },
    { "namespace", "query", 0, HS_TYPES_REGISTRY_STR,
      "Namespace of a segment" },
    { "segment_scope", "query", 0, HS_TYPES_REGISTRY_SCOPE,
      "Which segments vendor, package and namespace look at: primary "
      "(the first) or any (default)" },
    { "segmentScope", "query", 0, HS_TYPES_REGISTRY_SCOPE,
      "The same as segment_scope (api.json's spelling)" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_param_t  hs_types_registry_id_param[] = {
    { "gts_id", "path", 1, HS_TYPES_REGISTRY_STR,
      "The GTS identifier, e.g. gts.acme.core.events.user_created.v1~" },
    { NULL, NULL, 0, NULL, NULL }
};

static const hs_response_t  hs_types_registry_register_200[] = {
    { 200, "What became of each entity",
      "{\"$ref\": \"#/components/schemas/RegisterEntitiesResponse\"}",
      NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs_types_registry_list_200[] = {
    { 200, "The matching entities",
      "{\"$ref\": \"#/components/schemas/ListEntitiesResponse\"}", NULL },
    { 0, NULL, NULL, NULL }
};

static const hs_response_t  hs_types_registry_get_200[] = {
    { 200, "The entity",
      "{\"$ref\": \"#/components/schemas/GtsEntityDto\"}", NULL },
    { 0, NULL, NULL, NULL }
};

static const int  hs_types_registry_p_register[] = { 409, 422, 503, 0 };
static const int  hs_types_registry_p_list[] = { 503, 0 };
static const int  hs_types_registry_p_get[] = { 404, 503, 0 };

static const hs_route_t  hs_types_registry_routes[] = {
    { .method = "POST", .path = "/types-registry/v1/entities",
      .operation_id = "types_registry_register",
      .summary = "Register GTS entities",
      .description = "Registers type schemas and instances, validated "
                     "(OP#6, OP#12, OP#13, x-gts-final, x-gts-abstract, "
                     "x-gts-ref), in any order, with a result per "
                     "entity. The same content again is a success; other "
                     "content under a registered id is a conflict. When "
                     "no entity is registered the answer is a problem: "
                     "409 when every entity conflicts, else 422, naming "
                     "each entity and its rule in errors.",
      .tags = "types-registry",
      .handler = hs_types_registry_register,
      .body_schema = "{\"$ref\": \"#/components/schemas/"
                     "RegisterEntitiesRequest\"}",
      .responses = hs_types_registry_register_200,
      .problems = hs_types_registry_p_register,
      .access = "types_registry:write" },
    { .method = "GET", .path = "/types-registry/v1/entities",
      .operation_id = "types_registry_list",
      .summary = "List GTS entities",
      .description = "Every entity matching all the filters given, in "
                     "registration order.",
      .tags = "types-registry",
      .handler = hs_types_registry_list,
      .params = hs_types_registry_list_params,
      .responses = hs_types_registry_list_200,
      .problems = hs_types_registry_p_list,
      .access = "types_registry:read" },
    { .method = "GET", .path = "/types-registry/v1/entities/{gts_id}",
      .operation_id = "types_registry_get",
      .summary = "Get a GTS entity by its id",
      .tags = "types-registry",
      .handler = hs_types_registry_get,
      .params = hs_types_registry_id_param,
      .responses = hs_types_registry_get_200,
      .problems = hs_types_registry_p_get,
      .access = "types_registry:read" },
};

static const struct {
    const char  *name;
    const char  *json;
} hs_types_registry_schemas[] = {
    { "GtsIdSegmentDto", hs_types_registry_segment_schema },
    { "GtsEntityDto", hs_types_registry_entity_schema },
    { "ListEntitiesResponse", hs_types_registry_list_schema },
    { "RegisterEntitiesRequest", hs_types_registry_register_schema },
    { "RegisterResultDto", hs_types_registry_result_schema },
    { "RegisterSummaryDto", hs_types_registry_summary_schema },
    { "RegisterEntitiesResponse", hs_types_registry_registered_schema },
};


hs_rc_t
hs_types_registry_rest_add(hs_module_ctx_t *ctx, hs_api_t *api)
{
    size_t  i;

    for (i = 0; i < hs_nelems(hs_types_registry_schemas); i++) {
        if (hs_api_add_schema(api, ctx->desc->name,
                              hs_types_registry_schemas[i].name,
                              hs_types_registry_schemas[i].json, ctx->err)
            != HS_OK)
        {
            return HS_ERROR;
        }
    }

    return hs_api_add_operations(api, ctx->desc->name,
                                 hs_types_registry_routes,
                                 hs_nelems(hs_types_registry_routes),
                                 ctx->data, ctx->err);
}
