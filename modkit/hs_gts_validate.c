/*
 * GTS: validation of registered entities (OP#6, with the rules of
 * spec 3.1, 9.3, 9.6 and 9.11; OP#12 and OP#13 are in hs_gts_compat.c
 * and hs_gts_traits.c) and relationship resolution (OP#7).
 */

#include <stdio.h>
#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

static const char *const  hs__gts_schema_only[] = {
    "x-gts-traits-schema", "x-gts-traits", "x-gts-final", "x-gts-abstract",
    NULL
};


/* The registered type type_id that what needs (a schema). */
hs_rc_t
hs__gts_type_of(hs_gts_registry_t *reg, const char *type_id,
    const char *what, hs__gts_ent_t **out, hs_error_t *err)
{
    hs__gts_ent_t  *t;

    t = hs__gts_find(reg, type_id);
    if (t == NULL) {
        hs_error_set(err, "%s: type %s is not registered", what, type_id);
        return HS_EINVAL;
    }

    if (!t->pub.is_type) {
        hs_error_set(err, "%s: %s is an instance, not a type", what,
                     type_id);
        return HS_EINVAL;
    }

    *out = t;

    return HS_OK;
}


static hs_rc_t
hs__gts_validate_instance(hs_gts_registry_t *reg, const json_t *doc,
    const char *id, const char *type_id, hs_error_t *err)
{
    size_t          i;
    hs_rc_t         rc;
    hs__gts_ent_t  *t;
    hs_schema_t    *s;
    hs_error_t      cerr;
    char            what[HS_GTS_ID_MAX + 64];

    for (i = 0; hs__gts_schema_only[i] != NULL; i++) {
        if (json_object_get(doc, hs__gts_schema_only[i]) != NULL) {
            hs_error_set(err, "%s: \"%s\" is a schema-only keyword and must "
                         "not appear in an instance (spec 9.7.1, 9.11.1)",
                         id, hs__gts_schema_only[i]);
            return HS_EINVAL;
        }
    }

    rc = hs__gts_type_of(reg, type_id, id, &t, err);
    if (rc != HS_OK) {
        return rc;
    }

    if (t->pub.is_abstract) {
        hs_error_set(err, "%s: %s is abstract (x-gts-abstract) and cannot "
                     "have instances; use a concrete derived type "
                     "(spec 9.11.3)", id, type_id);
        return HS_EINVAL;
    }

    s = hs__gts_compiled(reg, t, &cerr);
    if (s == NULL) {
        hs_error_set(err, "%s: its type %s is not a valid schema: %s", id,
                     type_id, cerr.msg);
        return HS_EINVAL;
    }

    if (hs_schema_validate(s, doc, NULL) == HS_OK) {
        return HS_OK;
    }

    if (err == NULL) {
        return HS_EINVAL;
    }

    snprintf(what, sizeof(what), "%s: not valid against %s", id, type_id);

    return hs__gts_validate_json(reg, s, doc, what, err);
}


/* "x-gts-final" and "x-gts-abstract" belong at the top level only. */
static hs_rc_t
hs__gts_check_placement(hs__gts_ent_t *e, hs_error_t *err)
{
    size_t   i, k;
    json_t  *all, *v;

    all = json_object_get(e->content, "allOf");

    json_array_foreach(all, i, v) {
        for (k = 2; hs__gts_schema_only[k] != NULL; k++) {
            if (json_object_get(v, hs__gts_schema_only[k]) != NULL) {
                hs_error_set(err, "%s: \"%s\" must be at the top level of "
                             "the schema, not in \"allOf\" (spec 9.11.2)",
                             e->id, hs__gts_schema_only[k]);
                return HS_EINVAL;
            }
        }
    }

    return HS_OK;
}


/* Every base of the chain registered, a schema and not final. */
static hs_rc_t
hs__gts_check_chain(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    hs_error_t *err)
{
    unsigned        k;
    hs_gts_id_t     id;
    hs__gts_ent_t  *b;
    char            base[HS_GTS_ID_MAX + 1];

    if (hs_gts_id_parse(e->id, strlen(e->id), 0, &id, err) != HS_OK) {
        return HS_EINVAL;
    }

    for (k = 1; k < id.nsegs; k++) {
        hs__gts_prefix(&id, k, base);

        b = hs__gts_find(reg, base);
        if (b == NULL) {
            hs_error_set(err, "%s: its base type %s is not registered "
                         "(broken reference)", e->id, base);
            return HS_EINVAL;
        }

        if (!b->pub.is_type) {
            hs_error_set(err, "%s: its base %s is not a type", e->id, base);
            return HS_EINVAL;
        }

        if (b->pub.is_final) {
            hs_error_set(err, "%s: its base type %s is final (x-gts-final) "
                         "and cannot be extended (spec 9.11.2)", e->id,
                         base);
            return HS_EINVAL;
        }
    }

    return HS_OK;
}


/* The GTS types doc refers to with "$ref", without duplicates. */
typedef struct {
    json_t      *out;
    hs_error_t  *err;
} hs__gts_refs_t;


static int
hs__gts_refs_cb(void *data, json_t *js)
{
    size_t           i;
    json_t          *v;
    hs__gts_refs_t  *r;
    char             id[HS_GTS_ID_MAX + 1];

    r = data;
    v = json_object_get(js, "$ref");

    if (!json_is_string(v)
        || hs__gts_ref_target(json_string_value(v), id, sizeof(id), r->err)
           != 1)
    {
        return 0;
    }

    json_array_foreach(r->out, i, v) {
        if (strcmp(json_string_value(v), id) == 0) {
            return 0;
        }
    }

    return json_array_append_new(r->out, json_string(id)) == 0 ? 0 : -1;
}


static json_t *
hs__gts_refs_of(json_t *doc)
{
    json_t          *out;
    hs__gts_refs_t   r;

    out = json_array();
    if (out == NULL) {
        return NULL;
    }

    r.out = out;
    r.err = NULL;

    if (hs__gts_walk(doc, hs__gts_refs_cb, &r, 0) == -1) {
        json_decref(out);
        return NULL;
    }

    return out;
}


/*
 * A "$ref" path between GTS schemas that comes back to a schema already
 * on it (path holds the ids from the schema validated).
 */
static hs_rc_t
hs__gts_check_cycles(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    json_t *path, hs_error_t *err)
{
    size_t          i, j, len;
    json_t         *refs, *v;
    hs_rc_t         rc;
    hs__gts_ent_t  *t;
    char            msg[768];

    if (json_array_size(path) > HS__GTS_MAX_DEPTH) {
        hs_error_set(err, "%s: \"$ref\"s between GTS schemas nest more than "
                     "%d levels deep", json_string_value(json_array_get(path,
                     0)), HS__GTS_MAX_DEPTH);
        return HS_EINVAL;
    }

    refs = hs__gts_refs_of(e->content);
    if (refs == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    rc = HS_OK;

    json_array_foreach(refs, i, v) {
        for (j = 0; j < json_array_size(path); j++) {
            if (strcmp(json_string_value(json_array_get(path, j)),
                       json_string_value(v)) == 0)
            {
                break;
            }
        }

        if (j < json_array_size(path)) {
            len = 0;
            msg[0] = '\0';
            for ( ; j < json_array_size(path) && len < sizeof(msg); j++) {
                len += snprintf(msg + len, sizeof(msg) - len, "%s -> ",
                                json_string_value(json_array_get(path, j)));
            }
            hs_error_set(err, "%s: cyclic \"$ref\" between GTS schemas: "
                         "%s%s", json_string_value(json_array_get(path, 0)),
                         msg, json_string_value(v));
            rc = HS_EINVAL;
            break;
        }

        t = hs__gts_find(reg, json_string_value(v));
        if (t == NULL) {
            continue;           /* reported as a broken reference */
        }

        if (json_array_append(path, v) != 0) {
            rc = HS_ENOMEM;
            break;
        }

        rc = hs__gts_check_cycles(reg, t, path, err);
        json_array_remove(path, json_array_size(path) - 1);

        if (rc != HS_OK) {
            break;
        }
    }

    json_decref(refs);

    return rc;
}


static hs_rc_t
hs__gts_check_ref_targets(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    hs_error_t *err)
{
    size_t          i;
    json_t         *refs, *v, *path;
    hs_rc_t         rc;
    hs__gts_ent_t  *t;

    refs = hs__gts_refs_of(e->content);
    if (refs == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    rc = HS_OK;

    json_array_foreach(refs, i, v) {
        rc = hs__gts_type_of(reg, json_string_value(v), e->id, &t, err);
        if (rc != HS_OK) {
            hs_error_set(err, "%s: \"$ref\" to %s, which is not a registered "
                         "type (broken reference)", e->id,
                         json_string_value(v));
            break;
        }
    }

    json_decref(refs);

    if (rc != HS_OK) {
        return rc;
    }

    path = json_array();
    if (path == NULL || json_array_append_new(path, json_string(e->id)) != 0) {
        json_decref(path);
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    rc = hs__gts_check_cycles(reg, e, path, err);
    json_decref(path);

    return rc;
}


static hs_rc_t
hs__gts_validate_schema(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    hs_error_t *err)
{
    hs_rc_t      rc;
    hs_error_t   cerr;

    rc = hs__gts_check_placement(e, err);
    if (rc == HS_OK) {
        rc = hs__gts_check_chain(reg, e, err);
    }
    if (rc == HS_OK) {
        rc = hs__gts_check_ref_targets(reg, e, err);
    }
    if (rc != HS_OK) {
        return rc;
    }

    if (hs__gts_compiled(reg, e, &cerr) == NULL) {
        hs_error_set(err, "%s: not a valid JSON Schema: %s", e->id,
                     cerr.msg);
        return HS_EINVAL;
    }

    rc = hs__gts_check_derivation(reg, e, err);
    if (rc != HS_OK) {
        return rc;
    }

    return hs__gts_check_traits(reg, e, NULL, err);
}


hs_rc_t
hs_gts_registry_validate(hs_gts_registry_t *reg, const char *id,
    hs_error_t *err)
{
    hs__gts_ent_t  *e;

    e = hs__gts_find(reg, id);
    if (e == NULL) {
        hs_error_set(err, "%s is not registered", id ? id : "(null)");
        return HS_ENOTFOUND;
    }

    if (e->pub.is_type) {
        return hs__gts_validate_schema(reg, e, err);
    }

    return hs__gts_validate_instance(reg, e->content, e->id, e->type_id,
                                     err);
}


hs_rc_t
hs_gts_registry_validate_doc(hs_gts_registry_t *reg, const json_t *doc,
    hs_error_t *err)
{
    hs_gts_extract_t  x;

    if (hs_gts_extract(doc, &reg->cfg, &x) != HS_OK) {
        hs_error_set(err, "a GTS instance must be a JSON object");
        return HS_EINVAL;
    }

    if (x.is_type) {
        hs_error_set(err, "%s: a schema, not an instance",
                     x.id ? x.id : "the document");
        return HS_EINVAL;
    }

    if (x.type_id == NULL) {
        hs_error_set(err, "%s: the GTS type of the instance cannot be "
                     "determined (spec 11.1)", x.id ? x.id : "the instance");
        return HS_EINVAL;
    }

    return hs__gts_validate_instance(reg, doc, x.id ? x.id : "the instance",
                                     x.type_id, err);
}


size_t
hs_gts_registry_validate_all(hs_gts_registry_t *reg, hs_gts_report_pt report,
    void *data)
{
    size_t      i, bad;
    hs_error_t  err;

    bad = 0;

    for (i = 0; i < reg->n; i++) {
        err.msg[0] = '\0';
        if (hs_gts_registry_validate(reg, reg->ents[i]->id, &err) != HS_OK) {
            bad++;
            if (report != NULL) {
                report(data, reg->ents[i]->id, err.msg);
            }
        }
    }

    return bad;
}


/* OP#7 */

typedef struct {
    json_t  *refs;
    json_t  *doc;
} hs__gts_xrefs_t;


/* Literal "x-gts-ref" type identifiers (no pattern, no pointer). */
static int
hs__gts_xrefs_cb(void *data, json_t *js)
{
    size_t            i;
    json_t           *v, *r;
    const char       *s;
    hs_gts_id_t       id;
    hs__gts_xrefs_t  *x;

    x = data;
    s = json_string_value(json_object_get(js, "x-gts-ref"));

    if (s == NULL || hs_gts_id_parse(s, strlen(s), 0, &id, NULL) != HS_OK
        || !id.is_type)
    {
        return 0;
    }

    json_array_foreach(x->refs, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "id")), s) == 0) {
            return 0;
        }
    }

    v = json_pack("{s:s, s:s}", "id", s, "via", "x-gts-ref");

    return v != NULL && json_array_append_new(x->refs, v) == 0 ? 0 : -1;
}


/* The references of one entity: [{"id", "via"}]. */
static json_t *
hs__gts_entity_refs(hs__gts_ent_t *e)
{
    size_t            i;
    json_t           *refs, *gref, *v;
    hs__gts_xrefs_t   x;

    refs = json_array();
    if (refs == NULL) {
        return NULL;
    }

    if (e->type_id != NULL
        && json_array_append_new(refs, json_pack("{s:s, s:s}", "id",
                                 e->type_id, "via", e->pub.is_type
                                 ? "chain" : "type")) != 0)
    {
        goto failed;
    }

    if (!e->pub.is_type) {
        return refs;
    }

    gref = hs__gts_refs_of(e->content);
    if (gref == NULL) {
        goto failed;
    }

    json_array_foreach(gref, i, v) {
        if (e->type_id != NULL
            && strcmp(json_string_value(v), e->type_id) == 0)
        {
            continue;               /* the chain base, listed already */
        }

        if (json_array_append_new(refs, json_pack("{s:O, s:s}", "id", v,
                                  "via", "$ref")) != 0)
        {
            json_decref(gref);
            goto failed;
        }
    }

    json_decref(gref);

    x.refs = refs;
    x.doc = e->content;
    if (hs__gts_walk(e->content, hs__gts_xrefs_cb, &x, 0) == -1) {
        goto failed;
    }

    return refs;

failed:

    json_decref(refs);

    return NULL;
}


json_t *
hs_gts_registry_relationships(hs_gts_registry_t *reg, const char *id,
    hs_error_t *err)
{
    size_t          i, head;
    json_t         *g, *ents, *broken, *queue, *refs, *node, *r;
    const char     *cur, *to, *via;
    hs__gts_ent_t  *e;

    e = hs__gts_find(reg, id);
    if (e == NULL) {
        hs_error_set(err, "%s is not registered", id ? id : "(null)");
        return NULL;
    }

    g = json_pack("{s:s, s:b, s:{}, s:[]}", "id", e->id, "ok", 1,
                  "entities", "broken");
    queue = json_pack("[s]", e->id);
    if (g == NULL || queue == NULL) {
        goto nomem;
    }

    ents = json_object_get(g, "entities");
    broken = json_object_get(g, "broken");

    for (head = 0; head < json_array_size(queue); head++) {
        cur = json_string_value(json_array_get(queue, head));
        if (json_object_get(ents, cur) != NULL) {
            continue;
        }

        e = hs__gts_find(reg, cur);
        refs = e ? hs__gts_entity_refs(e) : json_array();
        node = refs ? json_pack("{s:o, s:b, s:o}", "is_type", e
                                ? json_boolean(e->pub.is_type) : json_null(),
                                "registered", e != NULL, "refs", refs)
                    : NULL;
        if (node == NULL || json_object_set_new(ents, cur, node) != 0) {
            goto nomem;
        }

        json_array_foreach(refs, i, r) {
            to = json_string_value(json_object_get(r, "id"));
            via = json_string_value(json_object_get(r, "via"));

            if (hs__gts_find(reg, to) == NULL && strcmp(via, "x-gts-ref") != 0)
            {
                if (json_array_append_new(broken, json_pack("{s:s, s:s, s:s}",
                                          "from", cur, "to", to, "via", via))
                    != 0)
                {
                    goto nomem;
                }
                json_object_set_new(g, "ok", json_false());
            }

            if (json_array_append_new(queue, json_string(to)) != 0) {
                goto nomem;
            }
        }
    }

    json_decref(queue);

    return g;

nomem:

    json_decref(g);
    json_decref(queue);
    hs_error_set(err, "out of memory");

    return NULL;
}
