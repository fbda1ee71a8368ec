/*
 * GTS: the response bodies of the operations API (spec 9.5,
 * operations-openapi.json). Every body has "error" ("" on success); the
 * modkit code in *rc tells the HTTP glue which status to send.
 */

#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

#define HS__GTS_DRAFT07  "http://json-schema.org/draft-07/schema#"


static void
hs__gts_set_rc(hs_rc_t *rc, hs_rc_t v)
{
    if (rc != NULL) {
        *rc = v;
    }
}


/* A JSON string or null. */
static json_t *
hs__gts_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}


static json_t *
hs__gts_strn(const hs_gts_str_t *s)
{
    return s->p ? json_stringn(s->p, s->len) : json_null();
}


static json_t *
hs__gts_ver(long v)
{
    return v >= 0 ? json_integer(v) : json_null();
}


json_t *
hs_gts_op_validate_id(const char *id)
{
    hs_rc_t      rc;
    hs_gts_id_t  p;
    hs_error_t   err;

    err.msg[0] = '\0';
    rc = hs_gts_id_parse(id, id ? strlen(id) : 0, HS_GTS_ALLOW_WILDCARD, &p,
                         &err);

    return json_pack("{s:o, s:b, s:b, s:s}", "id", hs__gts_str_or_null(id),
                     "valid", rc == HS_OK,
                     "is_wildcard", id != NULL && strchr(id, '*') != NULL,
                     "error", rc == HS_OK ? "" : err.msg);
}


json_t *
hs_gts_op_parse_id(const char *id)
{
    unsigned                 i;
    json_t                  *out, *segs, *seg;
    hs_rc_t                  rc;
    hs_gts_id_t              p;
    hs_error_t               err;
    const hs_gts_segment_t  *s;

    err.msg[0] = '\0';
    rc = hs_gts_id_parse(id, id ? strlen(id) : 0, HS_GTS_ALLOW_WILDCARD, &p,
                         &err);

    out = json_pack("{s:o, s:b, s:b, s:b, s:[], s:s}",
                    "id", hs__gts_str_or_null(id), "ok", rc == HS_OK,
                    "is_type", rc == HS_OK && p.is_type,
                    "is_wildcard", id != NULL && strchr(id, '*') != NULL,
                    "segments", "error", rc == HS_OK ? "" : err.msg);
    if (out == NULL || rc != HS_OK) {
        return out;
    }

    segs = json_object_get(out, "segments");

    for (i = 0; i < p.nsegs; i++) {
        s = &p.segs[i];
        seg = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o}",
                        "segment", hs__gts_strn(&s->text),
                        "vendor", hs__gts_strn(&s->vendor),
                        "package", hs__gts_strn(&s->package),
                        "namespace", hs__gts_strn(&s->ns),
                        "type", hs__gts_strn(&s->type),
                        "ver_major", hs__gts_ver(s->ver_major),
                        "ver_minor", hs__gts_ver(s->ver_minor),
                        "is_type", s->is_type,
                        "uuid", s->is_uuid ? hs__gts_strn(&s->text)
                                           : json_null());
        if (seg == NULL || json_array_append_new(segs, seg) != 0) {
            json_decref(out);
            return NULL;
        }
    }

    return out;
}


json_t *
hs_gts_op_extract_id(const json_t *doc, const hs_gts_config_t *cfg)
{
    hs_gts_extract_t  x;

    if (hs_gts_extract(doc, cfg, &x) != HS_OK) {
        return json_pack("{s:n, s:n, s:s}", "id", "type_id", "error",
                         "the document must be a JSON object");
    }

    return json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:s}",
                     "id", hs__gts_str_or_null(x.id),
                     "type_id", hs__gts_str_or_null(x.type_id),
                     "selected_entity_field", hs__gts_str_or_null(x.id_field),
                     "selected_type_id_field",
                     hs__gts_str_or_null(x.type_id_field),
                     "is_type", x.is_type, "is_gts", x.is_gts,
                     "meta_schema", hs__gts_str_or_null(x.meta_schema),
                     "error", "");
}


json_t *
hs_gts_op_match_id_pattern(const char *candidate, const char *pattern)
{
    int         m;
    hs_rc_t     rc;
    hs_error_t  err;

    err.msg[0] = '\0';
    rc = hs_gts_match(pattern, candidate, &m, &err);

    return json_pack("{s:o, s:o, s:b, s:s}",
                     "candidate", hs__gts_str_or_null(candidate),
                     "pattern", hs__gts_str_or_null(pattern),
                     "match", rc == HS_OK && m,
                     "error", rc == HS_OK ? "" : err.msg);
}


json_t *
hs_gts_op_uuid(const char *id)
{
    hs_rc_t     rc;
    hs_error_t  err;
    char        u[HS_GTS_UUID_LEN + 1];

    err.msg[0] = '\0';
    rc = hs_gts_uuid(id, u, &err);

    return json_pack("{s:o, s:o, s:s}", "id", hs__gts_str_or_null(id),
                     "uuid", rc == HS_OK ? json_string(u) : json_null(),
                     "error", rc == HS_OK ? "" : err.msg);
}


json_t *
hs_gts_op_add_entity(hs_gts_registry_t *reg, const json_t *doc,
    int validate, hs_rc_t *rc)
{
    hs_rc_t                 r;
    hs_error_t              err;
    const hs_gts_entity_t  *e;

    err.msg[0] = '\0';
    r = hs_gts_registry_add(reg, doc, validate ? HS_GTS_VALIDATE : 0, &e,
                            &err);
    hs__gts_set_rc(rc, r);

    if (r != HS_OK) {
        return json_pack("{s:b, s:s}", "ok", 0, "error", err.msg);
    }

    return json_pack("{s:b, s:s, s:o, s:b, s:s}", "ok", 1, "id", e->id,
                     "type_id", hs__gts_str_or_null(e->type_id),
                     "is_type", e->is_type, "error", "");
}


json_t *
hs_gts_op_add_entities(hs_gts_registry_t *reg, const json_t *docs,
    int validate, hs_rc_t *rc)
{
    size_t                  i;
    json_t                 *out, *ids, *errs, *v;
    hs_rc_t                 r, first;
    hs_error_t              err;
    const hs_gts_entity_t  *e;

    if (!json_is_array(docs)) {
        hs__gts_set_rc(rc, HS_EINVAL);
        return json_pack("{s:b, s:[], s:[], s:s}", "ok", 0, "registered",
                         "errors", "error", "the body must be an array");
    }

    out = json_pack("{s:b, s:[], s:[], s:s}", "ok", 1, "registered",
                    "errors", "error", "");
    if (out == NULL) {
        hs__gts_set_rc(rc, HS_ENOMEM);
        return NULL;
    }

    ids = json_object_get(out, "registered");
    errs = json_object_get(out, "errors");
    first = HS_OK;

    json_array_foreach(docs, i, v) {
        err.msg[0] = '\0';
        r = hs_gts_registry_add(reg, v, validate ? HS_GTS_VALIDATE : 0, &e,
                                &err);
        if (r == HS_OK) {
            json_array_append_new(ids, json_string(e->id));
            continue;
        }

        if (first == HS_OK) {
            first = r;
            json_object_set_new(out, "error", json_string(err.msg));
        }
        json_object_set_new(out, "ok", json_false());
        json_array_append_new(errs, json_pack("{s:I, s:s}", "index",
                              (json_int_t) i, "error", err.msg));
    }

    hs__gts_set_rc(rc, first);

    return out;
}


json_t *
hs_gts_op_add_type_schema(hs_gts_registry_t *reg, const char *type_id,
    const json_t *schema, int validate, hs_rc_t *rc)
{
    json_t       *doc, *out;
    const char   *id;

    if (type_id == NULL || !json_is_object(schema)) {
        hs__gts_set_rc(rc, HS_EINVAL);
        return json_pack("{s:b, s:s}", "ok", 0, "error", "type_id and an "
                         "object type_schema are required");
    }

    type_id = hs__gts_strip_uri(type_id);
    id = json_string_value(json_object_get(schema, "$id"));

    if (id != NULL && strcmp(hs__gts_strip_uri(id), type_id) != 0) {
        hs__gts_set_rc(rc, HS_EINVAL);
        return json_pack("{s:b, s:s+}", "ok", 0, "error", "the schema's "
                         "\"$id\" differs from type_id ", type_id);
    }

    doc = json_deep_copy(schema);
    if (doc == NULL) {
        hs__gts_set_rc(rc, HS_ENOMEM);
        return NULL;
    }

    json_object_set_new(doc, "$id", json_sprintf(HS__GTS_URI_PREFIX "%s",
                                                 type_id));
    if (json_object_get(doc, "$schema") == NULL) {
        json_object_set_new(doc, "$schema", json_string(HS__GTS_DRAFT07));
    }

    out = hs_gts_op_add_entity(reg, doc, validate, rc);
    json_decref(doc);

    return out;
}


static json_t *
hs__gts_entity_json(const hs_gts_entity_t *e, int content)
{
    return json_pack("{s:s, s:o, s:b, s:b, s:b, s:O?}", "id", e->id,
                     "type_id", hs__gts_str_or_null(e->type_id),
                     "is_type", e->is_type, "is_abstract", e->is_abstract,
                     "is_final", e->is_final,
                     "content", content ? e->content : NULL);
}


json_t *
hs_gts_op_get_entity(hs_gts_registry_t *reg, const char *id, hs_rc_t *rc)
{
    json_t                 *out;
    const hs_gts_entity_t  *e;

    e = hs_gts_registry_get(reg, id);
    if (e == NULL) {
        hs__gts_set_rc(rc, HS_ENOTFOUND);
        return json_pack("{s:o, s:s+}", "id", hs__gts_str_or_null(id),
                         "error", id ? id : "(null)", " is not registered");
    }

    hs__gts_set_rc(rc, HS_OK);
    out = hs__gts_entity_json(e, 1);
    if (out != NULL) {
        json_object_set_new(out, "error", json_string(""));
    }

    return out;
}


json_t *
hs_gts_op_list_entities(hs_gts_registry_t *reg, size_t limit)
{
    size_t                   i, n;
    json_t                  *out, *list;
    const hs_gts_entity_t  **ents;

    n = hs_gts_registry_count(reg);
    if (limit > 0 && limit < n) {
        n = limit;
    }

    ents = hs_calloc(n ? n : 1, sizeof(hs_gts_entity_t *));
    out = json_pack("{s:[], s:I, s:I, s:s}", "entities", "count",
                    (json_int_t) n, "total",
                    (json_int_t) hs_gts_registry_count(reg), "error", "");
    if (ents == NULL || out == NULL) {
        hs_free(ents);
        json_decref(out);
        return NULL;
    }

    n = hs_gts_registry_list(reg, NULL, 0, ents, n, NULL, NULL, NULL);
    list = json_object_get(out, "entities");

    for (i = 0; i < n; i++) {
        json_array_append_new(list, hs__gts_entity_json(ents[i], 0));
    }

    hs_free(ents);

    return out;
}


/* {"id", "ok", "error"} for a validation; entity_type when asked. */
static json_t *
hs__gts_validation(hs_gts_registry_t *reg, const char *id, int want,
    int with_kind, hs_rc_t *rc)
{
    hs_rc_t                 r;
    json_t                 *out;
    hs_error_t              err;
    const hs_gts_entity_t  *e;

    err.msg[0] = '\0';
    e = hs_gts_registry_get(reg, id);

    if (e == NULL) {
        r = HS_ENOTFOUND;
        hs_error_set(&err, "%s is not registered", id ? id : "(null)");

    } else if (want >= 0 && (int) e->is_type != want) {
        r = HS_EINVAL;
        hs_error_set(&err, "%s is %s", e->id, e->is_type
                     ? "a type schema, not an instance"
                     : "an instance, not a type schema");

    } else {
        r = hs_gts_registry_validate(reg, e->id, &err);
    }

    hs__gts_set_rc(rc, r);

    out = json_pack("{s:o, s:b, s:s}", "id", hs__gts_str_or_null(id),
                    "ok", r == HS_OK, "error", r == HS_OK ? "" : err.msg);

    if (out != NULL && with_kind) {
        json_object_set_new(out, "entity_type", e == NULL ? json_null()
                            : json_string(e->is_type ? "schema"
                                                     : "instance"));
    }

    return out;
}


json_t *
hs_gts_op_validate_instance(hs_gts_registry_t *reg, const char *instance_id,
    hs_rc_t *rc)
{
    return hs__gts_validation(reg, instance_id, 0, 0, rc);
}


json_t *
hs_gts_op_validate_type_schema(hs_gts_registry_t *reg, const char *type_id,
    hs_rc_t *rc)
{
    return hs__gts_validation(reg, type_id, 1, 0, rc);
}


json_t *
hs_gts_op_validate_entity(hs_gts_registry_t *reg, const char *entity_id,
    hs_rc_t *rc)
{
    return hs__gts_validation(reg, entity_id, -1, 1, rc);
}


json_t *
hs_gts_op_resolve_relationships(hs_gts_registry_t *reg, const char *id,
    hs_rc_t *rc)
{
    json_t      *g;
    hs_error_t   err;

    err.msg[0] = '\0';
    g = hs_gts_registry_relationships(reg, id, &err);
    if (g == NULL) {
        hs__gts_set_rc(rc, HS_ENOTFOUND);
        return json_pack("{s:o, s:b, s:s}", "id", hs__gts_str_or_null(id),
                         "ok", 0, "error", err.msg);
    }

    hs__gts_set_rc(rc, HS_OK);
    json_object_set_new(g, "error", json_string(""));

    return g;
}


json_t *
hs_gts_op_compatibility(hs_gts_registry_t *reg, const char *old_type_id,
    const char *new_type_id, hs_rc_t *rc)
{
    json_t           *out;
    hs_rc_t           r;
    hs_error_t        err;
    hs_gts_compat_t   c;

    err.msg[0] = '\0';
    r = hs_gts_registry_compat(reg, old_type_id, new_type_id, &c, &err);
    hs__gts_set_rc(rc, r);

    out = json_pack("{s:o, s:o, s:b, s:b, s:b, s:O?, s:O?, s:s}",
                    "old", hs__gts_str_or_null(old_type_id),
                    "new", hs__gts_str_or_null(new_type_id),
                    "is_backward_compatible", r == HS_OK && c.backward,
                    "is_forward_compatible", r == HS_OK && c.forward,
                    "is_fully_compatible", r == HS_OK && c.full,
                    "backward_errors", c.backward_errors,
                    "forward_errors", c.forward_errors,
                    "error", r == HS_OK ? "" : err.msg);

    hs_gts_compat_release(&c);

    return out;
}


json_t *
hs_gts_op_cast(hs_gts_registry_t *reg, const char *instance_id,
    const char *to_type_id, hs_rc_t *rc)
{
    json_t      *out;
    hs_error_t   err;

    err.msg[0] = '\0';
    out = hs_gts_registry_cast(reg, instance_id, to_type_id, &err);
    if (out == NULL) {
        hs__gts_set_rc(rc, HS_EINVAL);
        return json_pack("{s:o, s:o, s:n, s:s}",
                         "from_id", hs__gts_str_or_null(instance_id),
                         "to_id", hs__gts_str_or_null(to_type_id),
                         "casted_entity", "error", err.msg);
    }

    hs__gts_set_rc(rc, HS_OK);
    json_object_set_new(out, "error", json_string(""));

    return out;
}


json_t *
hs_gts_op_query(hs_gts_registry_t *reg, const char *expr, size_t limit,
    hs_rc_t *rc)
{
    json_t      *res;
    hs_error_t   err;

    err.msg[0] = '\0';
    res = hs_gts_registry_query(reg, expr, limit, &err);
    hs__gts_set_rc(rc, res ? HS_OK : HS_EINVAL);

    return json_pack("{s:o, s:I, s:I, s:o, s:s}",
                     "expr", hs__gts_str_or_null(expr),
                     "limit", (json_int_t) limit,
                     "count", (json_int_t) json_array_size(res),
                     "results", res ? res : json_array(),
                     "error", res ? "" : err.msg);
}


json_t *
hs_gts_op_attr(hs_gts_registry_t *reg, const char *gts_with_path,
    hs_rc_t *rc)
{
    json_t      *v, *out;
    hs_rc_t      r;
    hs_error_t   err;
    const char  *at;
    char         id[HS_GTS_ID_MAX + 1];

    err.msg[0] = '\0';
    v = NULL;
    at = gts_with_path ? strchr(gts_with_path, '@') : NULL;

    if (at == NULL) {
        r = HS_EINVAL;
        hs_error_set(&err, "no attribute selector: expected "
                     "\"<gts id>@<path>\"");
        id[0] = '\0';

    } else if ((size_t) (at - gts_with_path) > HS_GTS_ID_MAX) {
        r = HS_EINVAL;
        hs_error_set(&err, "the identifier is too long");
        id[0] = '\0';

    } else {
        memcpy(id, gts_with_path, (size_t) (at - gts_with_path));
        id[at - gts_with_path] = '\0';
        v = hs_gts_registry_attr(reg, id, at + 1, &r, &err);
    }

    hs__gts_set_rc(rc, r);

    out = json_pack("{s:o, s:s, s:o, s:O?, s:b, s:s}",
                    "gts_with_path", hs__gts_str_or_null(gts_with_path),
                    "gts_id", id, "path", hs__gts_str_or_null(at ? at + 1
                                                               : NULL),
                    "value", v, "resolved", v != NULL,
                    "error", r == HS_OK ? "" : err.msg);

    if (out != NULL && v == NULL) {
        json_object_set_new(out, "value", json_null());
    }

    return out;
}
