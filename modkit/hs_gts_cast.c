/*
 * GTS: version casting (OP#9, spec 5.1). An instance of one minor
 * version of a type is rewritten for another minor version of the same
 * type: defaults of the target fill absent properties, properties the
 * target does not allow ("additionalProperties": false) are removed,
 * "const" GTS identifiers of the old version (the type field) move to
 * the new one, and so does the type prefix of a chained instance id.
 * The result must validate against the target.
 */

#include <stdio.h>
#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

typedef struct {
    json_t  *added;
    json_t  *removed;
    json_t  *changed;
} hs__gts_cast_t;


static void
hs__gts_cast_note(json_t *list, const char *path, const char *name)
{
    json_array_append_new(list, json_sprintf("%s/%s", path, name));
}


/* 1 when a and b are GTS ids of one chain but for minor versions. */
static int
hs__gts_minor_moved(const json_t *a, const json_t *b)
{
    hs_gts_id_t  x, y;

    return json_is_string(a) && json_is_string(b) && !json_equal(a, b)
           && hs_gts_id_parse(json_string_value(a), json_string_length(a),
                              0, &x, NULL) == HS_OK
           && hs_gts_id_parse(json_string_value(b), json_string_length(b),
                              0, &y, NULL) == HS_OK
           && hs__gts_same_but_minor(&x, &y);
}


static void
hs__gts_cast_obj(hs__gts_cast_t *c, json_t *inst, json_t *schema,
    const char *path, unsigned depth)
{
    size_t       i;
    json_t      *props, *ps, *v, *d, *items, *x;
    void        *tmp;
    const char  *name;
    char         sub[512];

    if (!json_is_object(inst) || !json_is_object(schema)
        || depth > HS__GTS_MAX_DEPTH)
    {
        return;
    }

    props = json_object_get(schema, "properties");

    json_object_foreach(props, name, ps) {
        v = json_object_get(inst, name);

        if (v == NULL) {
            d = json_object_get(ps, "default");
            if (d != NULL) {
                json_object_set_new(inst, name, json_deep_copy(d));
                hs__gts_cast_note(c->added, path, name);
            }
            continue;
        }

        d = json_object_get(ps, "const");
        if (hs__gts_minor_moved(v, d)) {
            json_object_set_new(inst, name, json_deep_copy(d));
            hs__gts_cast_note(c->changed, path, name);
            continue;
        }

        snprintf(sub, sizeof(sub), "%s/%s", path, name);

        if (json_is_object(v)) {
            hs__gts_cast_obj(c, v, ps, sub, depth + 1);
            continue;
        }

        items = json_object_get(ps, "items");
        if (json_is_array(v) && json_is_object(items)) {
            json_array_foreach(v, i, x) {
                char  elem[560];

                snprintf(elem, sizeof(elem), "%s/%zu", sub, i);
                hs__gts_cast_obj(c, x, items, elem, depth + 1);
            }
        }
    }

    if (!json_is_false(json_object_get(schema, "additionalProperties"))
        || json_object_get(schema, "patternProperties") != NULL)
    {
        return;
    }

    json_object_foreach_safe(inst, tmp, name, v) {
        if (json_object_get(props, name) == NULL) {
            hs__gts_cast_note(c->removed, path, name);
            json_object_del(inst, name);
        }
    }
}


/* "up", "down" or "none": the first minor version that differs. */
static const char *
hs__gts_direction(const hs_gts_id_t *from, const hs_gts_id_t *to)
{
    unsigned  i;

    for (i = 0; i < from->nsegs; i++) {
        if (from->segs[i].ver_minor != to->segs[i].ver_minor) {
            return to->segs[i].ver_minor > from->segs[i].ver_minor
                   ? "up" : "down";
        }
    }

    return "none";
}


/* Moves the id and type fields of casted from type from to type to. */
static void
hs__gts_cast_ids(hs__gts_cast_t *c, hs__gts_ent_t *e, json_t *casted,
    const char *from, const char *to)
{
    size_t       n;
    const char  *s, *f;

    f = e->pub.id_field;
    s = f ? json_string_value(json_object_get(casted, f)) : NULL;
    n = strlen(from);

    if (s != NULL && strncmp(hs__gts_strip_uri(s), from, n) == 0) {
        json_object_set_new(casted, f, json_sprintf("%s%s", to,
                            hs__gts_strip_uri(s) + n));
        hs__gts_cast_note(c->changed, "", f);
    }

    f = e->pub.type_id_field;
    if (f != NULL && e->pub.id_field != NULL
        && strcmp(f, e->pub.id_field) == 0)
    {
        return;
    }

    s = f ? json_string_value(json_object_get(casted, f)) : NULL;
    if (s != NULL && strcmp(hs__gts_strip_uri(s), from) == 0) {
        json_object_set_new(casted, f, json_string(to));
        hs__gts_cast_note(c->changed, "", f);
    }
}


json_t *
hs_gts_registry_cast(hs_gts_registry_t *reg, const char *instance_id,
    const char *to_id, hs_error_t *err)
{
    json_t           *flat, *casted, *out;
    hs_rc_t           rc;
    hs_schema_t      *s;
    hs_gts_id_t       a, b;
    hs__gts_ent_t    *e, *to;
    hs_gts_compat_t   compat;
    hs__gts_cast_t    c;
    hs_error_t        cerr;
    char              what[HS_GTS_ID_MAX + 64];

    e = hs__gts_find(reg, instance_id);
    if (e == NULL) {
        hs_error_set(err, "%s is not registered",
                     instance_id ? instance_id : "(null)");
        return NULL;
    }

    if (e->pub.is_type) {
        hs_error_set(err, "%s is a type schema: the source of a cast must be "
                     "an instance", e->id);
        return NULL;
    }

    if (hs__gts_type_of(reg, to_id, "cast target", &to, err) != HS_OK) {
        return NULL;
    }

    if (hs__gts_versions(e->type_id, to->id, &a, &b, &cerr) != HS_OK) {
        hs_error_set(err, "cannot cast %s: %s", e->id, cerr.msg);
        return NULL;
    }

    rc = hs_gts_registry_compat(reg, e->type_id, to->id, &compat, err);
    if (rc != HS_OK) {
        return NULL;
    }

    flat = hs__gts_flatten_type(reg, to, HS__GTS_FOLD_INTERSECT, NULL, err);
    casted = json_deep_copy(e->content);
    c.added = json_array();
    c.removed = json_array();
    c.changed = json_array();
    out = NULL;

    if (flat == NULL || casted == NULL || c.added == NULL
        || c.removed == NULL || c.changed == NULL)
    {
        if (flat != NULL) {
            hs_error_set(err, "out of memory");
        }
        goto done;
    }

    hs__gts_cast_ids(&c, e, casted, e->type_id, to->id);
    hs__gts_cast_obj(&c, casted, flat, "", 0);

    s = hs__gts_compiled(reg, to, &cerr);
    if (s == NULL) {
        hs_error_set(err, "%s is not a valid schema: %s", to->id, cerr.msg);
        goto done;
    }

    snprintf(what, sizeof(what), "the cast of %s is not valid against %s",
             e->id, to->id);
    if (hs__gts_validate_json(reg, s, casted, what, err) != HS_OK) {
        goto done;
    }

    out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:O, s:b, s:b, s:b,"
                    " s:[], s:O}",
                    "from_id", e->id, "to_id", to->id,
                    "old", e->type_id, "new", to->id,
                    "direction", hs__gts_direction(&a, &b),
                    "added_properties", c.added,
                    "removed_properties", c.removed,
                    "changed_properties", c.changed,
                    "is_backward_compatible", compat.backward,
                    "is_forward_compatible", compat.forward,
                    "is_fully_compatible", compat.full,
                    "incompatibility_reasons",
                    "casted_entity", casted);
    if (out == NULL) {
        hs_error_set(err, "out of memory");
        goto done;
    }

    /* why the target may not accept every instance of the source */
    json_array_extend(json_object_get(out, "incompatibility_reasons"),
                      compat.backward_errors);

done:

    hs_gts_compat_release(&compat);
    json_decref(flat);
    json_decref(casted);
    json_decref(c.added);
    json_decref(c.removed);
    json_decref(c.changed);

    return out;
}
