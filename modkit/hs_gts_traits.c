/*
 * GTS: schema traits (OP#13, spec 9.7 and 9.11.4).
 *
 * Along the chain S0 ~ S1 ~ ... ~ Sn, "x-gts-traits-schema" and
 * "x-gts-traits" are read at the top level of each schema and in its
 * top-level "allOf" entries. The effective trait schema is
 * {"allOf": [{"$ref": "gts://<Si>#<pointer>"}, ...]}, compiled with the
 * ordinary "$ref" resolution; the effective traits are the values of
 * the chain (a value once set cannot change) completed with the
 * defaults of the trait schemas (a default once declared cannot change).
 *
 * Completeness (every declared trait has a value or a default) and the
 * validation of the effective traits are enforced for concrete schemas:
 * not abstract, and either derived (a chain of two or more) or final.
 * A base schema that only declares trait schemas is not checked for
 * completeness (its derived types resolve the traits).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

#define HS__GTS_TRAITS_MAX  64        /* trait schemas in one chain */

typedef struct {
    hs__gts_ent_t  *ent;
    json_t         *schema;           /* x-gts-traits-schema, borrowed */
    char            ptr[32];          /* its pointer in ent's document */
} hs__gts_tschema_t;

typedef struct {
    hs__gts_tschema_t   ts[HS__GTS_TRAITS_MAX];
    size_t              nts;
    json_t             *values;       /* merged x-gts-traits */
    json_t             *setters;      /* trait -> id of the schema that set
                                         it */
    json_t             *defaults;     /* trait -> default */
    json_t             *setby;        /* trait -> id that declared it */
    json_t             *declared;     /* every trait property name */
} hs__gts_traits_t;


static hs_rc_t
hs__gts_traits_at(hs__gts_traits_t *t, hs__gts_ent_t *e, json_t *obj,
    const char *where, hs_error_t *err)
{
    json_t      *ts, *tv, *v, *was;
    const char  *key;
    char        *a, *b;

    ts = json_object_get(obj, "x-gts-traits-schema");
    if (ts != NULL) {
        if (!json_is_object(ts)
            || !json_is_string(json_object_get(ts, "type"))
            || strcmp(json_string_value(json_object_get(ts, "type")),
                      "object") != 0)
        {
            hs_error_set(err, "%s: \"x-gts-traits-schema\" must be a schema "
                         "with \"type\": \"object\" (spec 9.7.1)", e->id);
            return HS_EINVAL;
        }

        if (t->nts == HS__GTS_TRAITS_MAX) {
            hs_error_set(err, "%s: more than %d trait schemas in the chain",
                         e->id, HS__GTS_TRAITS_MAX);
            return HS_EINVAL;
        }

        t->ts[t->nts].ent = e;
        t->ts[t->nts].schema = ts;
        snprintf(t->ts[t->nts].ptr, sizeof(t->ts[t->nts].ptr),
                 "%s/x-gts-traits-schema", where);
        t->nts++;
    }

    tv = json_object_get(obj, "x-gts-traits");
    if (tv == NULL) {
        return HS_OK;
    }

    if (!json_is_object(tv)) {
        hs_error_set(err, "%s: \"x-gts-traits\" must be an object "
                     "(spec 9.7.1)", e->id);
        return HS_EINVAL;
    }

    json_object_foreach(tv, key, v) {
        was = json_object_get(t->values, key);

        if (was == NULL) {
            if (json_object_set(t->values, key, v) != 0
                || json_object_set_new(t->setters, key, json_string(e->id))
                   != 0)
            {
                hs_error_set(err, "out of memory");
                return HS_ENOMEM;
            }
            continue;
        }

        if (!json_equal(was, v)) {
            a = json_dumps(was, JSON_ENCODE_ANY | JSON_COMPACT);
            b = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            hs_error_set(err, "%s: trait \"%s\" is set to %s by %s and "
                         "cannot be changed to %s (trait values are "
                         "immutable once set, spec 9.7.5)", e->id, key,
                         a ? a : "?", json_string_value(json_object_get(
                         t->setters, key)), b ? b : "?");
            free(a);
            free(b);
            return HS_EINVAL;
        }
    }

    return HS_OK;
}


/* The trait schemas and values of one schema of the chain. */
static hs_rc_t
hs__gts_traits_of(hs__gts_traits_t *t, hs__gts_ent_t *e, hs_error_t *err)
{
    size_t   i;
    json_t  *v;
    char     where[24];

    if (hs__gts_traits_at(t, e, e->content, "", err) != HS_OK) {
        return HS_EINVAL;
    }

    json_array_foreach(json_object_get(e->content, "allOf"), i, v) {
        if (!json_is_object(v)) {
            continue;
        }
        snprintf(where, sizeof(where), "/allOf/%zu", i);
        if (hs__gts_traits_at(t, e, v, where, err) != HS_OK) {
            return HS_EINVAL;
        }
    }

    return HS_OK;
}


/* Declared trait properties and their defaults, which cannot change. */
static hs_rc_t
hs__gts_traits_defaults(hs_gts_registry_t *reg, hs__gts_traits_t *t,
    hs_error_t *err)
{
    size_t        i;
    json_t       *flat, *props, *p, *d, *was;
    const char   *name;
    char         *a, *b;
    hs_error_t    ferr;

    for (i = 0; i < t->nts; i++) {
        flat = hs__gts_flatten(reg, t->ts[i].ent->content, t->ts[i].ent->id,
                               t->ts[i].schema, HS__GTS_FOLD_INTERSECT, NULL,
                               &ferr);
        if (flat == NULL) {
            hs_error_set(err, "%s: x-gts-traits-schema: %s",
                         t->ts[i].ent->id, ferr.msg);
            return HS_EINVAL;
        }

        props = json_object_get(flat, "properties");

        json_object_foreach(props, name, p) {
            if (json_object_set_new(t->declared, name, json_true()) != 0) {
                json_decref(flat);
                hs_error_set(err, "out of memory");
                return HS_ENOMEM;
            }

            d = json_object_get(p, "default");
            if (d == NULL) {
                continue;
            }

            was = json_object_get(t->defaults, name);
            if (was == NULL) {
                json_object_set(t->defaults, name, d);
                json_object_set_new(t->setby, name,
                                    json_string(t->ts[i].ent->id));
                continue;
            }

            if (!json_equal(was, d)) {
                a = json_dumps(was, JSON_ENCODE_ANY | JSON_COMPACT);
                b = json_dumps(d, JSON_ENCODE_ANY | JSON_COMPACT);
                hs_error_set(err, "%s: the default of trait \"%s\" is %s in "
                             "%s and cannot be changed to %s (spec 9.7.5)",
                             t->ts[i].ent->id, name, a ? a : "?",
                             json_string_value(json_object_get(t->setby,
                             name)), b ? b : "?");
                free(a);
                free(b);
                json_decref(flat);
                return HS_EINVAL;
            }
        }

        json_decref(flat);
    }

    return HS_OK;
}


/* Compiles the effective trait schema and validates traits with it. */
static hs_rc_t
hs__gts_traits_validate(hs_gts_registry_t *reg, hs__gts_traits_t *t,
    hs__gts_ent_t *e, json_t *traits, hs_error_t *err)
{
    size_t        i;
    json_t       *eff, *all;
    hs_rc_t       rc;
    hs_error_t    cerr;
    hs_schema_t  *s;
    char          what[HS_GTS_ID_MAX + 64];

    eff = json_pack("{s:[]}", "allOf");
    if (eff == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    all = json_object_get(eff, "allOf");

    for (i = 0; i < t->nts; i++) {
        if (json_array_append_new(all, json_pack("{s:o}", "$ref",
                json_sprintf("%s%s#%s", HS__GTS_URI_PREFIX,
                             t->ts[i].ent->id, t->ts[i].ptr))) != 0)
        {
            json_decref(eff);
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }
    }

    if (hs__gts_sreg_ready(reg, err) != HS_OK) {
        json_decref(eff);
        return HS_ENOMEM;
    }

    s = hs_schema_compile_ex(eff, reg->sreg, NULL, &reg->sopts, &cerr);
    json_decref(eff);

    if (s == NULL) {
        hs_error_set(err, "%s: the trait schemas of the chain do not "
                     "compile: %s", e->id, cerr.msg);
        return HS_EINVAL;
    }

    snprintf(what, sizeof(what), "%s: the effective traits are not valid "
             "(spec 9.7.5)", e->id);
    rc = hs__gts_validate_json(reg, s, traits, what, err);
    hs_schema_free(s);

    return rc;
}


hs_rc_t
hs__gts_check_traits(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    json_t **traits, hs_error_t *err)
{
    int                concrete;
    unsigned           k;
    json_t            *eff, *v;
    hs_rc_t            rc;
    const char        *name;
    hs_gts_id_t        id;
    hs__gts_ent_t     *s;
    hs__gts_traits_t   t;
    char               cid[HS_GTS_ID_MAX + 1];

    if (traits != NULL) {
        *traits = NULL;
    }

    if (hs_gts_id_parse(e->id, strlen(e->id), 0, &id, err) != HS_OK) {
        return HS_EINVAL;
    }

    t.nts = 0;
    t.values = json_object();
    t.setters = json_object();
    t.defaults = json_object();
    t.setby = json_object();
    t.declared = json_object();
    eff = NULL;
    rc = HS_ENOMEM;

    if (t.values == NULL || t.setters == NULL || t.defaults == NULL
        || t.setby == NULL || t.declared == NULL)
    {
        hs_error_set(err, "out of memory");
        goto done;
    }

    for (k = 1; k <= id.nsegs; k++) {
        hs__gts_prefix(&id, k, cid);

        rc = hs__gts_type_of(reg, cid, e->id, &s, err);
        if (rc == HS_OK) {
            rc = hs__gts_traits_of(&t, s, err);
        }
        if (rc != HS_OK) {
            goto done;
        }
    }

    if (t.nts == 0 && json_object_size(t.values) > 0) {
        hs_error_set(err, "%s: \"x-gts-traits\" without an "
                     "\"x-gts-traits-schema\" in the chain (spec 9.7)",
                     e->id);
        rc = HS_EINVAL;
        goto done;
    }

    rc = hs__gts_traits_defaults(reg, &t, err);
    if (rc != HS_OK) {
        goto done;
    }

    eff = json_deep_copy(t.values);
    if (eff == NULL) {
        hs_error_set(err, "out of memory");
        rc = HS_ENOMEM;
        goto done;
    }

    json_object_foreach(t.defaults, name, v) {
        if (json_object_get(eff, name) == NULL) {
            json_object_set(eff, name, v);
        }
    }

    concrete = !e->pub.is_abstract && (e->pub.is_final || id.nsegs > 1);

    if (concrete && t.nts > 0) {
        json_object_foreach(t.declared, name, v) {
            if (json_object_get(eff, name) == NULL) {
                hs_error_set(err, "%s: trait \"%s\" is not resolved: no "
                             "x-gts-traits value and no default in the chain "
                             "(spec 9.7.5)", e->id, name);
                rc = HS_EINVAL;
                goto done;
            }
        }

        rc = hs__gts_traits_validate(reg, &t, e, eff, err);
        if (rc != HS_OK) {
            goto done;
        }
    }

    rc = HS_OK;

    if (traits != NULL) {
        *traits = eff;
        eff = NULL;
    }

done:

    json_decref(eff);
    json_decref(t.values);
    json_decref(t.setters);
    json_decref(t.defaults);
    json_decref(t.setby);
    json_decref(t.declared);

    return rc;
}


json_t *
hs_gts_registry_traits(hs_gts_registry_t *reg, const char *id,
    hs_error_t *err)
{
    json_t         *traits;
    hs__gts_ent_t  *e;

    if (hs__gts_type_of(reg, id, "traits", &e, err) != HS_OK) {
        return NULL;
    }

    if (hs__gts_check_traits(reg, e, &traits, err) != HS_OK) {
        return NULL;
    }

    return traits;
}
