/*
 * GTS: schema comparison. Minor-version compatibility (OP#8, spec 4) and
 * type derivation (OP#12, spec 3.1 and 3.2) both ask whether every
 * instance one schema accepts is accepted by another; this file answers
 * that question structurally and conservatively ("not shown to be
 * included" is reported as not included, with the reason).
 *
 * Schemas are first flattened: "$ref"s (local and "gts://") are inlined
 * and "allOf" branches folded into one object per level. Two folds:
 *
 *   INTERSECT  what an instance must satisfy: bounds take the tighter
 *              value, types and enums intersect, "required" is a union
 *              and a closed "additionalProperties" stays closed;
 *   DECLARED   what a derived schema declares (OP#12): a property it
 *              restates replaces the inherited property's own value
 *              keywords, while object structure ("properties",
 *              "required", "additionalProperties") still composes.
 *
 * Keywords the comparison does not model ("oneOf", "not", ...) must be
 * equal on both sides.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

#define HS__GTS_T_NULL     0x01
#define HS__GTS_T_BOOL     0x02
#define HS__GTS_T_OBJECT   0x04
#define HS__GTS_T_ARRAY    0x08
#define HS__GTS_T_NUMBER   0x10
#define HS__GTS_T_STRING   0x20
#define HS__GTS_T_INTEGER  0x40
#define HS__GTS_T_ALL      0x7f

#define HS__GTS_PATH_MAX   512
#define HS__GTS_NEST_MAX   256        /* nesting of a flattened schema */
#define HS__GTS_REASONS    8          /* reasons quoted in a message */

typedef struct {
    hs_gts_registry_t  *reg;
    int                 mode;
    json_t             *errors;       /* DECLARED: loosening, or NULL */
    const json_t       *stack[HS__GTS_MAX_DEPTH];
    unsigned            depth;        /* of "$ref"s being inlined */
    unsigned            nest;         /* of subschemas being flattened */
    char                path[HS__GTS_PATH_MAX];
    size_t              path_len;
    hs_error_t         *err;
} hs__gts_flat_t;

static const struct {
    const char  *name;
    unsigned     bits;
} hs__gts_types[] = {
    { "null",    HS__GTS_T_NULL },
    { "boolean", HS__GTS_T_BOOL },
    { "object",  HS__GTS_T_OBJECT },
    { "array",   HS__GTS_T_ARRAY },
    { "number",  HS__GTS_T_NUMBER | HS__GTS_T_INTEGER },
    { "string",  HS__GTS_T_STRING },
    { "integer", HS__GTS_T_INTEGER },
    { NULL, 0 }
};

/* Annotations: no effect on which instances are valid. */
static const char *const  hs__gts_annotations[] = {
    "title", "description", "examples", "$comment", "readOnly",
    "writeOnly", "deprecated", "default", "$id", "$schema", "definitions",
    "$defs", "x-gts-traits-schema", "x-gts-traits", "x-gts-final",
    "x-gts-abstract", "contentEncoding", "contentMediaType", NULL
};

static const char *const  hs__gts_lower[] = {
    "minimum", "exclusiveMinimum", "minLength", "minItems",
    "minProperties", "minContains", NULL
};

static const char *const  hs__gts_upper[] = {
    "maximum", "exclusiveMaximum", "maxLength", "maxItems",
    "maxProperties", "maxContains", NULL
};

/* Keywords whose value is one schema. */
static const char *const  hs__gts_sub_one[] = {
    "additionalProperties", "additionalItems", "contains", "propertyNames",
    "not", "if", "then", "else", "unevaluatedItems",
    "unevaluatedProperties", NULL
};

/* Keywords whose value is an array of schemas. */
static const char *const  hs__gts_sub_list[] = {
    "anyOf", "oneOf", "prefixItems", NULL
};

/* Keywords whose value maps names to schemas. */
static const char *const  hs__gts_sub_map[] = {
    "properties", "patternProperties", "dependentSchemas", NULL
};


static json_t *hs__gts_flat(hs__gts_flat_t *f, json_t *doc,
    const char *doc_id, json_t *s);
static json_t *hs__gts_flat_one(hs__gts_flat_t *f, json_t *doc,
    const char *doc_id, json_t *s);
static hs_rc_t hs__gts_fold(hs__gts_flat_t *f, json_t *acc, json_t *src);
static int hs__gts_incl(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    int compat, json_t *reasons);


static int
hs__gts_in(const char *const *list, const char *name)
{
    size_t  i;

    for (i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], name) == 0) {
            return 1;
        }
    }

    return 0;
}


static hs_rc_t
hs__gts_nomem(hs__gts_flat_t *f)
{
    hs_error_set(f->err, "out of memory");

    return HS_ENOMEM;
}


/* Paths of reasons: "/properties/a/items" */

static size_t
hs__gts_path_push(hs__gts_flat_t *f, const char *a, const char *b)
{
    size_t  old;
    int     n;

    old = f->path_len;
    n = snprintf(f->path + old, sizeof(f->path) - old, "/%s%s%s", a,
                 b ? "/" : "", b ? b : "");
    if (n > 0 && old + (size_t) n < sizeof(f->path)) {
        f->path_len = old + (size_t) n;
    } else {
        f->path[old] = '\0';
    }

    return old;
}


static void
hs__gts_path_pop(hs__gts_flat_t *f, size_t old)
{
    f->path_len = old;
    f->path[old] = '\0';
}


static __attribute__((format(printf, 3, 4))) void
hs__gts_reason(hs__gts_flat_t *f, json_t *reasons, const char *fmt, ...)
{
    char     msg[768];
    va_list  ap;

    if (reasons == NULL) {
        return;
    }

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    json_array_append_new(reasons, json_sprintf("%s: %s",
                          f->path_len ? f->path : "/", msg));
}


static int
hs__gts_draft7(json_t *doc)
{
    const char  *s;

    s = json_string_value(json_object_get(doc, "$schema"));

    return s == NULL || (strstr(s, "2019-09") == NULL
                         && strstr(s, "2020-12") == NULL);
}


/* Flattening */

/* The schema a "$ref" leads to, with the document it is in. */
static hs_rc_t
hs__gts_resolve(hs__gts_flat_t *f, json_t *doc, const char *doc_id,
    const char *ref, json_t **target, json_t **tdoc, const char **tid)
{
    hs__gts_ent_t  *e;
    const char     *frag;
    char            id[HS_GTS_ID_MAX + 1];

    if (ref[0] == '#') {
        *tdoc = doc;
        *tid = doc_id;
        *target = hs__gts_pointer(doc, ref + 1);
        frag = ref;

    } else {
        if (hs__gts_ref_target(ref, id, sizeof(id), f->err) != 1) {
            return HS_EINVAL;
        }

        e = hs__gts_find(f->reg, id);
        if (e == NULL || !e->pub.is_type) {
            hs_error_set(f->err, "\"$ref\" to %s, which is not a registered "
                         "type", id);
            return HS_EINVAL;
        }

        frag = strchr(ref, '#');
        *tdoc = e->content;
        *tid = e->id;
        *target = hs__gts_pointer(e->content, frag ? frag + 1 : "");
    }

    if (*target == NULL) {
        hs_error_set(f->err, "\"$ref\": \"%s\" cannot be resolved", ref);
        return HS_EINVAL;
    }

    (void) frag;

    return HS_OK;
}


static json_t *
hs__gts_flat_ref(hs__gts_flat_t *f, json_t *doc, const char *doc_id,
    const char *ref)
{
    unsigned     i;
    json_t      *target, *tdoc, *out, *errors;
    const char  *tid;

    if (hs__gts_resolve(f, doc, doc_id, ref, &target, &tdoc, &tid) != HS_OK)
    {
        return NULL;
    }

    for (i = 0; i < f->depth; i++) {
        if (f->stack[i] == target) {
            hs_error_set(f->err, "cyclic \"$ref\": \"%s\" (recursive "
                         "schemas cannot be compared)", ref);
            return NULL;
        }
    }

    if (f->depth == HS__GTS_MAX_DEPTH) {
        hs_error_set(f->err, "\"$ref\"s nest more than %d levels deep",
                     HS__GTS_MAX_DEPTH);
        return NULL;
    }

    /* a base's own problems are reported when the base is validated */
    errors = f->errors;
    if (tdoc != doc) {
        f->errors = NULL;
    }

    f->stack[f->depth++] = target;
    out = hs__gts_flat(f, tdoc, tid, target);
    f->depth--;

    f->errors = errors;

    return out;
}


/* The keywords of s itself, with subschemas flattened. */
static json_t *
hs__gts_flat_own(hs__gts_flat_t *f, json_t *doc, const char *doc_id,
    json_t *s)
{
    size_t       i;
    json_t      *own, *v, *out, *m, *x;
    const char  *key, *name;
    hs_error_t   xerr;
    char         pat[HS_GTS_ID_MAX + 1];

    own = json_object();
    if (own == NULL) {
        hs__gts_nomem(f);
        return NULL;
    }

    json_object_foreach(s, key, v) {
        out = NULL;

        if (strcmp(key, "$ref") == 0 || strcmp(key, "allOf") == 0
            || (hs__gts_in(hs__gts_annotations, key)
                && strcmp(key, "default") != 0))
        {
            continue;

        } else if (strcmp(key, "x-gts-ref") == 0) {
            if (hs__gts_xref_resolve(doc, v, pat, sizeof(pat), &xerr)
                != HS_OK)
            {
                hs_error_set(f->err, "%s", xerr.msg);
                goto failed;
            }
            out = json_string(pat);

        } else if (hs__gts_in(hs__gts_sub_one, key)
                   || (strcmp(key, "items") == 0 && !json_is_array(v)))
        {
            out = hs__gts_flat(f, doc, doc_id, v);
            if (out == NULL) {
                goto failed;
            }

        } else if ((hs__gts_in(hs__gts_sub_list, key)
                    || strcmp(key, "items") == 0) && json_is_array(v))
        {
            out = json_array();
            json_array_foreach(v, i, x) {
                m = hs__gts_flat(f, doc, doc_id, x);
                if (m == NULL || json_array_append_new(out, m) != 0) {
                    json_decref(out);
                    goto failed;
                }
            }

        } else if ((hs__gts_in(hs__gts_sub_map, key)
                    || strcmp(key, "dependencies") == 0)
                   && json_is_object(v))
        {
            out = json_object();
            json_object_foreach(v, name, x) {
                m = json_is_object(x) || json_is_boolean(x)
                    ? hs__gts_flat(f, doc, doc_id, x) : json_deep_copy(x);
                if (m == NULL || json_object_set_new(out, name, m) != 0) {
                    json_decref(out);
                    goto failed;
                }
            }

        } else {
            out = json_deep_copy(v);
        }

        if (out == NULL || json_object_set_new(own, key, out) != 0) {
            hs__gts_nomem(f);
            goto failed;
        }
    }

    return own;

failed:

    json_decref(own);

    return NULL;
}


static json_t *
hs__gts_flat(hs__gts_flat_t *f, json_t *doc, const char *doc_id, json_t *s)
{
    json_t  *out;

    if (f->nest == HS__GTS_NEST_MAX) {
        hs_error_set(f->err, "the schema nests more than %d levels deep "
                     "once its \"$ref\"s are followed", HS__GTS_NEST_MAX);
        return NULL;
    }

    f->nest++;
    out = hs__gts_flat_one(f, doc, doc_id, s);
    f->nest--;

    return out;
}


static json_t *
hs__gts_flat_one(hs__gts_flat_t *f, json_t *doc, const char *doc_id,
    json_t *s)
{
    size_t   i;
    json_t  *acc, *sub, *ref, *v;

    sub = NULL;

    if (json_is_boolean(s)) {
        return json_is_true(s) ? json_object() : json_false();
    }

    if (!json_is_object(s)) {
        hs_error_set(f->err, "a schema must be an object or a boolean");
        return NULL;
    }

    acc = json_object();
    if (acc == NULL) {
        hs__gts_nomem(f);
        return NULL;
    }

    ref = json_object_get(s, "$ref");
    if (json_is_string(ref)) {
        sub = hs__gts_flat_ref(f, doc, doc_id, json_string_value(ref));
        if (sub == NULL || hs__gts_fold(f, acc, sub) != HS_OK) {
            goto failed;
        }
        json_decref(sub);

        if (hs__gts_draft7(doc)) {
            return acc;             /* draft-07 ignores the siblings */
        }
    }

    json_array_foreach(json_object_get(s, "allOf"), i, v) {
        sub = hs__gts_flat(f, doc, doc_id, v);
        if (sub == NULL || hs__gts_fold(f, acc, sub) != HS_OK) {
            goto failed;
        }
        json_decref(sub);
    }

    sub = hs__gts_flat_own(f, doc, doc_id, s);
    if (sub == NULL || hs__gts_fold(f, acc, sub) != HS_OK) {
        goto failed;
    }
    json_decref(sub);

    return acc;

failed:

    json_decref(sub);
    json_decref(acc);

    return NULL;
}


/* Folding */

static unsigned
hs__gts_type_bits(const json_t *t)
{
    size_t         i, k;
    unsigned       bits;
    const json_t  *v;

    if (t == NULL) {
        return HS__GTS_T_ALL;
    }

    bits = 0;

    for (i = 0; i < (json_is_array(t) ? json_array_size(t) : 1); i++) {
        v = json_is_array(t) ? json_array_get(t, i) : t;
        for (k = 0; hs__gts_types[k].name != NULL; k++) {
            if (json_is_string(v)
                && strcmp(json_string_value(v), hs__gts_types[k].name) == 0)
            {
                bits |= hs__gts_types[k].bits;
            }
        }
    }

    return bits;
}


/* A "type" value for bits (the narrowest names that cover them). */
static json_t *
hs__gts_type_json(unsigned bits)
{
    size_t   k;
    json_t  *a;

    a = json_array();

    for (k = 0; a != NULL && hs__gts_types[k].name != NULL; k++) {
        if (strcmp(hs__gts_types[k].name, "integer") == 0
            && (bits & HS__GTS_T_NUMBER))
        {
            continue;
        }
        if ((bits & hs__gts_types[k].bits) == hs__gts_types[k].bits) {
            json_array_append_new(a, json_string(hs__gts_types[k].name));
        }
    }

    if (json_array_size(a) == 1) {
        json_t  *one = json_incref(json_array_get(a, 0));

        json_decref(a);
        return one;
    }

    return a;
}


static double
hs__gts_num(const json_t *v)
{
    return json_number_value(v);
}


static hs_rc_t
hs__gts_set(hs__gts_flat_t *f, json_t *acc, const char *key, json_t *v)
{
    if (v == NULL || json_object_set_new(acc, key, v) != 0) {
        return hs__gts_nomem(f);
    }

    return HS_OK;
}


/* An unmodelled keyword met twice with different values (INTERSECT). */
static hs_rc_t
hs__gts_opaque(hs__gts_flat_t *f, json_t *acc, const char *key, json_t *v)
{
    json_t  *all;

    all = json_object_get(acc, "allOf");
    if (all == NULL) {
        all = json_array();
        if (hs__gts_set(f, acc, "allOf", all) != HS_OK) {
            return HS_ENOMEM;
        }
    }

    return json_array_append_new(all, json_pack("{s:O}", key, v)) == 0
           ? HS_OK : hs__gts_nomem(f);
}


static hs_rc_t
hs__gts_fold_ap(hs__gts_flat_t *f, json_t *acc, json_t *v)
{
    json_t  *cur, *m;

    cur = json_object_get(acc, "additionalProperties");

    if (json_is_false(cur)) {
        if (!json_is_false(v) && f->errors != NULL
            && f->mode == HS__GTS_FOLD_DECLARED)
        {
            hs__gts_reason(f, f->errors, "\"additionalProperties\" is "
                           "reopened where the base closes it");
        }
        return HS_OK;
    }

    if (json_is_false(v) || cur == NULL
        || (json_is_object(cur) && json_object_size(cur) == 0))
    {
        return hs__gts_set(f, acc, "additionalProperties",
                           json_deep_copy(v));
    }

    if (json_is_object(v) && json_object_size(v) == 0) {
        return HS_OK;               /* "true" adds nothing */
    }

    if (f->mode == HS__GTS_FOLD_DECLARED) {
        return hs__gts_set(f, acc, "additionalProperties",
                           json_deep_copy(v));
    }

    m = json_deep_copy(cur);
    if (m == NULL || hs__gts_fold(f, m, v) != HS_OK) {
        json_decref(m);
        return HS_ENOMEM;
    }

    return hs__gts_set(f, acc, "additionalProperties", m);
}


/* Keywords that give an object level its structure. */
static int
hs__gts_structural(const char *key)
{
    return strcmp(key, "properties") == 0 || strcmp(key, "required") == 0
           || strcmp(key, "additionalProperties") == 0;
}


/*
 * A property (or "items") declared twice: old inherited, src restated.
 * Returns the new declaration.
 */
static json_t *
hs__gts_merge_sub(hs__gts_flat_t *f, json_t *old, json_t *src)
{
    json_t      *out, *v;
    const char  *key;

    if (f->mode == HS__GTS_FOLD_INTERSECT) {
        if (json_is_false(old) || json_is_false(src)) {
            return json_false();
        }

        out = json_deep_copy(old);
        if (out == NULL || hs__gts_fold(f, out, src) != HS_OK) {
            json_decref(out);
            return NULL;
        }
        return out;
    }

    if (!json_is_object(old) || !json_is_object(src)) {
        return json_deep_copy(src);
    }

    /* the restated value keywords replace the inherited ones */
    out = json_object();
    if (out == NULL) {
        return NULL;
    }

    json_object_foreach(src, key, v) {
        if (!hs__gts_structural(key)
            && json_object_set_new(out, key, json_deep_copy(v)) != 0)
        {
            goto failed;
        }
    }

    /* the structure of the object composes */
    json_object_foreach(old, key, v) {
        if (hs__gts_structural(key)
            && json_object_set_new(out, key, json_deep_copy(v)) != 0)
        {
            goto failed;
        }
    }

    json_object_foreach(src, key, v) {
        if (hs__gts_structural(key)) {
            if (strcmp(key, "additionalProperties") == 0) {
                if (hs__gts_fold_ap(f, out, v) != HS_OK) {
                    goto failed;
                }

            } else {
                json_t  *one = json_pack("{s:O}", key, v);

                if (one == NULL || hs__gts_fold(f, out, one) != HS_OK) {
                    json_decref(one);
                    goto failed;
                }
                json_decref(one);
            }
        }
    }

    return out;

failed:

    json_decref(out);

    return NULL;
}


static hs_rc_t
hs__gts_fold_props(hs__gts_flat_t *f, json_t *acc, json_t *src)
{
    size_t       old;
    json_t      *props, *cur, *m;
    const char  *name;
    json_t      *v;

    props = json_object_get(acc, "properties");
    if (props == NULL) {
        props = json_object();
        if (hs__gts_set(f, acc, "properties", props) != HS_OK) {
            return HS_ENOMEM;
        }
    }

    json_object_foreach(src, name, v) {
        cur = json_object_get(props, name);

        old = hs__gts_path_push(f, "properties", name);
        m = cur ? hs__gts_merge_sub(f, cur, v) : json_deep_copy(v);
        hs__gts_path_pop(f, old);

        if (hs__gts_set(f, props, name, m) != HS_OK) {
            return HS_ENOMEM;
        }
    }

    return HS_OK;
}


static hs_rc_t
hs__gts_fold_required(hs__gts_flat_t *f, json_t *acc, json_t *src)
{
    size_t   i, j;
    json_t  *req, *v, *w;

    req = json_object_get(acc, "required");
    if (req == NULL) {
        req = json_array();
        if (hs__gts_set(f, acc, "required", req) != HS_OK) {
            return HS_ENOMEM;
        }
    }

    json_array_foreach(src, i, v) {
        json_array_foreach(req, j, w) {
            if (json_equal(v, w)) {
                break;
            }
        }
        if (j == json_array_size(req)
            && json_array_append(req, v) != 0)
        {
            return hs__gts_nomem(f);
        }
    }

    return HS_OK;
}


static hs_rc_t
hs__gts_fold_enum(hs__gts_flat_t *f, json_t *acc, json_t *cur, json_t *v)
{
    size_t   i, j;
    json_t  *out, *x, *y;

    out = json_array();
    if (out == NULL) {
        return hs__gts_nomem(f);
    }

    json_array_foreach(cur, i, x) {
        json_array_foreach(v, j, y) {
            if (json_equal(x, y)) {
                if (json_array_append(out, x) != 0) {
                    json_decref(out);
                    return hs__gts_nomem(f);
                }
                break;
            }
        }
    }

    return hs__gts_set(f, acc, "enum", out);
}


/* Folds the keywords of flattened schema src into acc. */
static hs_rc_t
hs__gts_fold(hs__gts_flat_t *f, json_t *acc, json_t *src)
{
    int          inter;
    size_t       i;
    json_t      *cur, *v, *m;
    const char  *key;

    if (json_is_false(src)) {
        /* nothing is valid: keep it explicit */
        json_object_clear(acc);
        return hs__gts_set(f, acc, "not", json_object());
    }

    inter = f->mode == HS__GTS_FOLD_INTERSECT;

    json_object_foreach(src, key, v) {
        cur = json_object_get(acc, key);

        if (strcmp(key, "properties") == 0 && json_is_object(v)) {
            if (hs__gts_fold_props(f, acc, v) != HS_OK) {
                return HS_ENOMEM;
            }

        } else if (strcmp(key, "required") == 0 && json_is_array(v)) {
            if (hs__gts_fold_required(f, acc, v) != HS_OK) {
                return HS_ENOMEM;
            }

        } else if (strcmp(key, "additionalProperties") == 0) {
            if (hs__gts_fold_ap(f, acc, v) != HS_OK) {
                return HS_ENOMEM;
            }

        } else if (cur == NULL || json_equal(cur, v)) {
            if (cur == NULL
                && hs__gts_set(f, acc, key, json_deep_copy(v)) != HS_OK)
            {
                return HS_ENOMEM;
            }

        } else if (strcmp(key, "items") == 0 && !json_is_array(v)
                   && !json_is_array(cur))
        {
            i = hs__gts_path_push(f, "items", NULL);
            m = hs__gts_merge_sub(f, cur, v);
            hs__gts_path_pop(f, i);
            if (hs__gts_set(f, acc, key, m) != HS_OK) {
                return HS_ENOMEM;
            }

        } else if (!inter || strcmp(key, "default") == 0) {
            if (hs__gts_set(f, acc, key, json_deep_copy(v)) != HS_OK) {
                return HS_ENOMEM;
            }

        } else if (strcmp(key, "type") == 0) {
            if (hs__gts_set(f, acc, key, hs__gts_type_json(
                    hs__gts_type_bits(cur) & hs__gts_type_bits(v))) != HS_OK)
            {
                return HS_ENOMEM;
            }

        } else if (strcmp(key, "enum") == 0 && json_is_array(cur)
                   && json_is_array(v))
        {
            if (hs__gts_fold_enum(f, acc, cur, v) != HS_OK) {
                return HS_ENOMEM;
            }

        } else if ((hs__gts_in(hs__gts_lower, key)
                    || hs__gts_in(hs__gts_upper, key))
                   && json_is_number(cur) && json_is_number(v))
        {
            if ((hs__gts_in(hs__gts_lower, key)
                 && hs__gts_num(v) > hs__gts_num(cur))
                || (hs__gts_in(hs__gts_upper, key)
                    && hs__gts_num(v) < hs__gts_num(cur)))
            {
                if (hs__gts_set(f, acc, key, json_deep_copy(v)) != HS_OK) {
                    return HS_ENOMEM;
                }
            }

        } else if (strcmp(key, "uniqueItems") == 0) {
            if (json_is_true(v)
                && hs__gts_set(f, acc, key, json_true()) != HS_OK)
            {
                return HS_ENOMEM;
            }

        } else if (strcmp(key, "allOf") == 0 && json_is_array(v)
                   && json_is_array(cur))
        {
            if (json_array_extend(cur, v) != 0) {
                return hs__gts_nomem(f);
            }

        } else if (hs__gts_opaque(f, acc, key, v) != HS_OK) {
            return HS_ENOMEM;
        }
    }

    return HS_OK;
}


json_t *
hs__gts_flatten(hs_gts_registry_t *reg, json_t *doc, const char *doc_id,
    json_t *schema, int mode, json_t *errors, hs_error_t *err)
{
    hs__gts_flat_t  f;

    memset(&f, 0, sizeof(f));
    f.reg = reg;
    f.mode = mode;
    f.errors = errors;
    f.err = err;

    return hs__gts_flat(&f, doc, doc_id, schema);
}


json_t *
hs__gts_flatten_type(hs_gts_registry_t *reg, hs__gts_ent_t *e, int mode,
    json_t *errors, hs_error_t *err)
{
    return hs__gts_flatten(reg, e->content, e->id, e->content, mode, errors,
                           err);
}


/* Inclusion */

/* A bound of a: 1 when it is at least as tight as bound bv of b. */
static int
hs__gts_lower_ok(const json_t *a, const char *incl, const char *excl,
    double bv, int b_exclusive)
{
    json_t  *x;

    x = json_object_get(a, excl);
    if (json_is_number(x) && hs__gts_num(x) >= bv) {
        return 1;
    }

    x = json_object_get(a, incl);
    if (json_is_number(x)) {
        return b_exclusive ? hs__gts_num(x) > bv : hs__gts_num(x) >= bv;
    }

    return 0;
}


static int
hs__gts_upper_ok(const json_t *a, const char *incl, const char *excl,
    double bv, int b_exclusive)
{
    json_t  *x;

    x = json_object_get(a, excl);
    if (json_is_number(x) && hs__gts_num(x) <= bv) {
        return 1;
    }

    x = json_object_get(a, incl);
    if (json_is_number(x)) {
        return b_exclusive ? hs__gts_num(x) < bv : hs__gts_num(x) <= bv;
    }

    return 0;
}


/* Every value a admits (its "const" or "enum") is valid against b. */
static int
hs__gts_incl_values(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    int compat, json_t *reasons)
{
    int           ok;
    size_t        i;
    json_t       *vals, *v, *bc;
    hs_error_t    cerr, verr;
    hs_schema_t  *s;
    hs_gts_id_t   x, y;
    char         *dump;

    bc = json_object_get(b, "const");
    v = json_object_get(a, "const");

    /* spec 4.4.3: a GTS id moving with the minor version is compatible */
    if (compat && json_is_string(v) && json_is_string(bc)
        && hs_gts_id_parse(json_string_value(v), json_string_length(v), 0,
                           &x, NULL) == HS_OK
        && hs_gts_id_parse(json_string_value(bc), json_string_length(bc), 0,
                           &y, NULL) == HS_OK
        && hs__gts_same_but_minor(&x, &y))
    {
        return 1;
    }

    s = hs_schema_compile_ex((json_t *) b, NULL, NULL, &f->reg->sopts,
                             &cerr);
    if (s == NULL) {
        hs__gts_reason(f, reasons, "cannot be compared: %s", cerr.msg);
        return 0;
    }

    vals = v ? json_pack("[O]", v) : json_incref(json_object_get(a, "enum"));
    ok = 1;

    json_array_foreach(vals, i, v) {
        if (hs__gts_validate_json(f->reg, s, v, "not accepted", &verr)
            != HS_OK)
        {
            dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            hs__gts_reason(f, reasons, "value %s %s", dump ? dump : "?",
                           verr.msg);
            free(dump);
            ok = 0;
        }
    }

    json_decref(vals);
    hs_schema_free(s);

    return ok;
}


static int
hs__gts_incl_number(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    json_t *reasons)
{
    int      ok, good;
    size_t   i;
    json_t  *x, *y;
    double   q;
    static const struct {
        const char  *kw;
        int          lower;
        int          exclusive;
    } bounds[] = {
        { "minimum", 1, 0 },
        { "exclusiveMinimum", 1, 1 },
        { "maximum", 0, 0 },
        { "exclusiveMaximum", 0, 1 },
        { NULL, 0, 0 }
    };

    ok = 1;

    for (i = 0; bounds[i].kw != NULL; i++) {
        x = json_object_get(b, bounds[i].kw);
        if (!json_is_number(x)) {
            continue;
        }

        good = bounds[i].lower
               ? hs__gts_lower_ok(a, "minimum", "exclusiveMinimum",
                                  hs__gts_num(x), bounds[i].exclusive)
               : hs__gts_upper_ok(a, "maximum", "exclusiveMaximum",
                                  hs__gts_num(x), bounds[i].exclusive);
        if (!good) {
            hs__gts_reason(f, reasons, "\"%s\": %g is not guaranteed",
                           bounds[i].kw, hs__gts_num(x));
            ok = 0;
        }
    }

    x = json_object_get(b, "multipleOf");
    y = json_object_get(a, "multipleOf");
    if (json_is_number(x)) {
        q = json_is_number(y) ? hs__gts_num(y) / hs__gts_num(x) : 0.5;
        if (fabs(q - floor(q + 0.5)) > 1e-9 || q < 1) {
            hs__gts_reason(f, reasons, "\"multipleOf\": %g is not "
                           "guaranteed", hs__gts_num(x));
            ok = 0;
        }
    }

    return ok;
}


/* A bound keyword of b that a must match or tighten. */
static int
hs__gts_incl_count(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    const char *key, int lower, json_t *reasons)
{
    json_t  *x, *y;

    x = json_object_get(b, key);
    if (!json_is_number(x)) {
        return 1;
    }

    y = json_object_get(a, key);
    if (json_is_number(y) && (lower ? hs__gts_num(y) >= hs__gts_num(x)
                                    : hs__gts_num(y) <= hs__gts_num(x)))
    {
        return 1;
    }

    if (y != NULL) {
        hs__gts_reason(f, reasons, "\"%s\": %g is not guaranteed (it is %g)",
                       key, hs__gts_num(x), hs__gts_num(y));
    } else {
        hs__gts_reason(f, reasons, "\"%s\": %g is not guaranteed", key,
                       hs__gts_num(x));
    }

    return 0;
}


static int
hs__gts_incl_string(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    json_t *reasons)
{
    int           ok;
    size_t        i;
    json_t       *x, *y;
    hs_gts_id_t   p, q;
    static const char *const  same[] = { "pattern", "format", NULL };

    ok = hs__gts_incl_count(f, a, b, "minLength", 1, reasons);
    ok &= hs__gts_incl_count(f, a, b, "maxLength", 0, reasons);

    /* regular expressions and formats are compared as they are written */
    for (i = 0; same[i] != NULL; i++) {
        x = json_object_get(b, same[i]);
        y = json_object_get(a, same[i]);
        if (x != NULL && !json_equal(x, y)) {
            hs__gts_reason(f, reasons, "\"%s\": \"%s\" is not guaranteed",
                           same[i], json_string_value(x));
            ok = 0;
        }
    }

    x = json_object_get(b, "x-gts-ref");
    y = json_object_get(a, "x-gts-ref");
    if (json_is_string(x) && strcmp(json_string_value(x), "gts.*") != 0) {
        if (!json_is_string(y)
            || hs_gts_id_parse(json_string_value(x), json_string_length(x),
                               HS_GTS_ALLOW_WILDCARD, &p, NULL) != HS_OK
            || hs_gts_id_parse(json_string_value(y), json_string_length(y),
                               HS_GTS_ALLOW_WILDCARD, &q, NULL) != HS_OK
            || !hs_gts_id_match(&p, &q))
        {
            hs__gts_reason(f, reasons, "\"x-gts-ref\": \"%s\" is not "
                           "guaranteed", json_string_value(x));
            ok = 0;
        }

    } else if (json_is_string(x) && !json_is_string(y)) {
        hs__gts_reason(f, reasons, "\"x-gts-ref\": \"gts.*\" is not "
                       "guaranteed");
        ok = 0;
    }

    return ok;
}


static int
hs__gts_incl_array(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    int compat, json_t *reasons)
{
    int      ok;
    size_t   old;
    json_t  *x, *y;

    ok = hs__gts_incl_count(f, a, b, "minItems", 1, reasons);
    ok &= hs__gts_incl_count(f, a, b, "maxItems", 0, reasons);

    if (json_is_true(json_object_get(b, "uniqueItems"))
        && !json_is_true(json_object_get(a, "uniqueItems")))
    {
        hs__gts_reason(f, reasons, "\"uniqueItems\" is not guaranteed");
        ok = 0;
    }

    x = json_object_get(b, "items");
    y = json_object_get(a, "items");
    if (json_is_array(x) && !json_equal(x, y)) {
        hs__gts_reason(f, reasons, "cannot show that the positional "
                       "\"items\" hold (they must be the same on both "
                       "sides)");
        ok = 0;

    } else if (x != NULL && !json_is_array(x)) {
        old = hs__gts_path_push(f, "items", NULL);
        if (y == NULL || json_is_array(y)) {
            if (!(json_is_object(x) && json_object_size(x) == 0)) {
                hs__gts_reason(f, reasons, "the items are not constrained");
                ok = 0;
            }
        } else if (!hs__gts_incl(f, y, x, compat, reasons)) {
            ok = 0;
        }
        hs__gts_path_pop(f, old);
    }

    return ok;
}


/* 1 when the object schema s does not admit other properties. */
static int
hs__gts_closed(const json_t *s)
{
    return json_is_false(json_object_get(s, "additionalProperties"));
}


static int
hs__gts_incl_object(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    int compat, json_t *reasons)
{
    int          ok;
    size_t       i, j, old;
    json_t      *ra, *rb, *pa, *pb, *apa, *apb, *x, *y, *v;
    const char  *name;

    ok = hs__gts_incl_count(f, a, b, "minProperties", 1, reasons);
    ok &= hs__gts_incl_count(f, a, b, "maxProperties", 0, reasons);

    ra = json_object_get(a, "required");
    rb = json_object_get(b, "required");

    json_array_foreach(rb, i, v) {
        json_array_foreach(ra, j, x) {
            if (json_equal(v, x)) {
                break;
            }
        }
        if (j == json_array_size(ra)) {
            hs__gts_reason(f, reasons, "\"%s\" is required but not "
                           "guaranteed to be present", json_string_value(v));
            ok = 0;
        }
    }

    pa = json_object_get(a, "properties");
    pb = json_object_get(b, "properties");
    apa = json_object_get(a, "additionalProperties");
    apb = json_object_get(b, "additionalProperties");

    json_object_foreach(pb, name, y) {
        x = json_object_get(pa, name);

        old = hs__gts_path_push(f, "properties", name);

        if (x != NULL) {
            ok &= hs__gts_incl(f, x, y, compat, reasons);

        } else if (json_is_object(apa) && json_object_size(apa) > 0) {
            ok &= hs__gts_incl(f, apa, y, compat, reasons);
        }
        /*
         * else: a closed schema never has the property; an open one may,
         * with any value, which spec 4.3 counts as compatible (optional
         * properties of open models).
         */

        hs__gts_path_pop(f, old);
    }

    json_object_foreach(pa, name, x) {
        if (json_object_get(pb, name) != NULL || json_is_false(x)) {
            continue;
        }

        old = hs__gts_path_push(f, "properties", name);

        if (json_is_false(apb)) {
            hs__gts_reason(f, reasons, "the property is not allowed "
                           "(\"additionalProperties\": false)");
            ok = 0;

        } else if (json_is_object(apb) && json_object_size(apb) > 0) {
            ok &= hs__gts_incl(f, x, apb, compat, reasons);
        }

        hs__gts_path_pop(f, old);
    }

    if (json_is_false(apb) && !hs__gts_closed(a)) {
        hs__gts_reason(f, reasons, "additional properties are allowed where "
                       "\"additionalProperties\" is false");
        ok = 0;

    } else if (json_is_object(apb) && json_object_size(apb) > 0
               && !hs__gts_closed(a))
    {
        old = hs__gts_path_push(f, "additionalProperties", NULL);
        if (apa == NULL || !json_is_object(apa)) {
            hs__gts_reason(f, reasons, "additional properties are not "
                           "constrained");
            ok = 0;
        } else {
            ok &= hs__gts_incl(f, apa, apb, compat, reasons);
        }
        hs__gts_path_pop(f, old);
    }

    return ok;
}


/* Keywords hs__gts_incl() compares; any other must be equal. */
static int
hs__gts_modelled(const char *key)
{
    static const char *const  kws[] = {
        "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "pattern", "format", "x-gts-ref", "minItems", "maxItems",
        "uniqueItems", "items", "required", "properties",
        "additionalProperties",
        "minProperties", "maxProperties", "allOf", NULL
    };

    return hs__gts_in(kws, key) || hs__gts_in(hs__gts_annotations, key);
}


/*
 * 1 when every instance valid against flattened schema a is valid
 * against flattened schema b; else 0 with the reasons appended.
 */
static int
hs__gts_incl(hs__gts_flat_t *f, const json_t *a, const json_t *b,
    int compat, json_t *reasons)
{
    int          ok;
    size_t       i, j;
    unsigned     ta, tb, eff;
    json_t      *x, *y, *v, *w;
    const char  *key;
    char        *names;

    if (json_is_false(a) || (json_is_object(a) && json_object_get(a, "not")
                             && json_object_size(json_object_get(a, "not"))
                                == 0))
    {
        return 1;                   /* a admits nothing */
    }

    if (json_is_false(b)) {
        hs__gts_reason(f, reasons, "nothing is allowed");
        return 0;
    }

    if (!json_is_object(a) || !json_is_object(b)) {
        return json_is_object(b) && json_object_size(b) == 0;
    }

    if (json_object_get(a, "const") != NULL
        || json_is_array(json_object_get(a, "enum")))
    {
        return hs__gts_incl_values(f, a, b, compat, reasons);
    }

    ok = 1;

    ta = hs__gts_type_bits(json_object_get(a, "type"));
    tb = hs__gts_type_bits(json_object_get(b, "type"));

    if (ta & ~tb) {
        x = hs__gts_type_json(ta & ~tb);
        names = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
        hs__gts_reason(f, reasons, "values of type %s are not allowed",
                       names ? names : "?");
        free(names);
        json_decref(x);
        ok = 0;
    }

    eff = ta & tb;

    if (json_object_get(b, "const") != NULL
        || json_object_get(b, "enum") != NULL)
    {
        hs__gts_reason(f, reasons, "only the values of \"%s\" are allowed",
                       json_object_get(b, "const") ? "const" : "enum");
        ok = 0;
    }

    if (eff & (HS__GTS_T_NUMBER | HS__GTS_T_INTEGER)) {
        ok &= hs__gts_incl_number(f, a, b, reasons);
    }

    if (eff & HS__GTS_T_STRING) {
        ok &= hs__gts_incl_string(f, a, b, reasons);
    }

    if (eff & HS__GTS_T_ARRAY) {
        ok &= hs__gts_incl_array(f, a, b, compat, reasons);
    }

    if (eff & HS__GTS_T_OBJECT) {
        ok &= hs__gts_incl_object(f, a, b, compat, reasons);
    }

    /* constraints folded as opaque "allOf" entries: a must have each */
    json_array_foreach(json_object_get(b, "allOf"), i, v) {
        json_array_foreach(json_object_get(a, "allOf"), j, w) {
            if (json_equal(v, w)) {
                break;
            }
        }
        if (j == json_array_size(json_object_get(a, "allOf"))) {
            hs__gts_reason(f, reasons, "cannot show that a constraint of "
                           "\"allOf\" holds");
            ok = 0;
        }
    }

    json_object_foreach((json_t *) b, key, y) {
        if (hs__gts_modelled(key)) {
            continue;
        }

        x = json_object_get(a, key);
        if (!json_equal(x, y)) {
            hs__gts_reason(f, reasons, "cannot show that \"%s\" holds (it "
                           "must be the same on both sides)", key);
            ok = 0;
        }
    }

    return ok;
}


int
hs__gts_included(hs_gts_registry_t *reg, const json_t *a, const json_t *b,
    int compat, const char *path, json_t *reasons)
{
    hs_error_t      err;
    hs__gts_flat_t  f;

    memset(&f, 0, sizeof(f));
    f.reg = reg;
    f.err = &err;
    snprintf(f.path, sizeof(f.path), "%s", path ? path : "");
    f.path_len = strlen(f.path);

    return hs__gts_incl(&f, a, b, compat, reasons);
}


/* "r1; r2; ..." of the first reasons into buf. */
static void
hs__gts_join(const json_t *reasons, char *buf, size_t size)
{
    int     n;
    size_t  i, len;

    len = 0;
    buf[0] = '\0';

    for (i = 0; i < json_array_size(reasons) && i < HS__GTS_REASONS
                && len < size; i++)
    {
        n = snprintf(buf + len, size - len, "%s%s", i ? "; " : "",
                     json_string_value(json_array_get(reasons, i)));
        len += n > 0 ? (size_t) n : 0;
    }

    if (json_array_size(reasons) > HS__GTS_REASONS && len < size) {
        snprintf(buf + len, size - len, "; and %zu more",
                 json_array_size(reasons) - HS__GTS_REASONS);
    }
}


/* OP#12: each derived schema of e's chain against its base. */
hs_rc_t
hs__gts_check_derivation(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    hs_error_t *err)
{
    unsigned        k;
    json_t         *reasons, *dc, *dp;
    hs_rc_t         rc;
    hs_gts_id_t     id;
    hs_error_t      ferr;
    hs__gts_ent_t  *child, *parent;
    char            pid[HS_GTS_ID_MAX + 1], cid[HS_GTS_ID_MAX + 1];
    char            msg[800];

    if (hs_gts_id_parse(e->id, strlen(e->id), 0, &id, err) != HS_OK) {
        return HS_EINVAL;
    }

    rc = HS_OK;

    for (k = 2; k <= id.nsegs && rc == HS_OK; k++) {
        hs__gts_prefix(&id, k, cid);
        hs__gts_prefix(&id, k - 1, pid);

        child = hs__gts_find(reg, cid);
        parent = hs__gts_find(reg, pid);
        if (child == NULL || parent == NULL) {
            hs_error_set(err, "%s: %s is not registered", e->id,
                         child ? pid : cid);
            return HS_EINVAL;
        }

        reasons = json_array();
        if (reasons == NULL) {
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }

        dc = hs__gts_flatten_type(reg, child, HS__GTS_FOLD_DECLARED, reasons,
                                  &ferr);
        dp = dc ? hs__gts_flatten_type(reg, parent, HS__GTS_FOLD_DECLARED,
                                       NULL, &ferr) : NULL;

        if (dc == NULL || dp == NULL) {
            hs_error_set(err, "%s: derived type %s cannot be compared with "
                         "its base %s (OP#12): %s", e->id, cid, pid,
                         ferr.msg);
            rc = HS_EINVAL;

        } else if (!hs__gts_included(reg, dc, dp, 0, "", reasons)
                   || json_array_size(reasons) > 0)
        {
            hs__gts_join(reasons, msg, sizeof(msg));
            hs_error_set(err, "%s: derived type %s is not compatible with "
                         "its base %s (OP#12): %s", e->id, cid, pid, msg);
            rc = HS_EINVAL;
        }

        json_decref(dc);
        json_decref(dp);
        json_decref(reasons);
    }

    return rc;
}


/* OP#8 */

hs_rc_t
hs_gts_registry_compat(hs_gts_registry_t *reg, const char *old_id,
    const char *new_id, hs_gts_compat_t *out, hs_error_t *err)
{
    json_t         *fo, *fn;
    hs_rc_t         rc;
    hs_gts_id_t     a, b;
    hs__gts_ent_t  *eo, *en;

    memset(out, 0, sizeof(*out));

    rc = hs__gts_type_of(reg, old_id, "old type", &eo, err);
    if (rc == HS_OK) {
        rc = hs__gts_type_of(reg, new_id, "new type", &en, err);
    }
    if (rc != HS_OK) {
        return rc;
    }

    if (hs__gts_versions(eo->id, en->id, &a, &b, err) != HS_OK) {
        return HS_EINVAL;
    }

    out->backward_errors = json_array();
    out->forward_errors = json_array();
    fo = hs__gts_flatten_type(reg, eo, HS__GTS_FOLD_INTERSECT, NULL, err);
    fn = fo ? hs__gts_flatten_type(reg, en, HS__GTS_FOLD_INTERSECT, NULL,
                                   err)
            : NULL;

    if (fo == NULL || fn == NULL || out->backward_errors == NULL
        || out->forward_errors == NULL)
    {
        json_decref(fo);
        json_decref(fn);
        hs_gts_compat_release(out);
        return HS_EINVAL;
    }

    out->backward = hs__gts_included(reg, fo, fn, 1, "",
                                     out->backward_errors);
    out->forward = hs__gts_included(reg, fn, fo, 1, "", out->forward_errors);
    out->full = out->backward && out->forward;

    json_decref(fo);
    json_decref(fn);

    return HS_OK;
}


void
hs_gts_compat_release(hs_gts_compat_t *c)
{
    if (c == NULL) {
        return;
    }

    json_decref(c->backward_errors);
    json_decref(c->forward_errors);
    c->backward_errors = NULL;
    c->forward_errors = NULL;
}
