/*
 * GTS: the in-memory registry (spec 5.3 and 9.3): storage, lookup and
 * listing, the checks made on every registration, the "x-gts-ref"
 * keyword of the validator (spec 9.6) and the cache of compiled schemas.
 *
 * Entities live in an array in registration order and in a hash table
 * of their ids. Every schema is also in a JSON Schema registry under
 * "gts://<id>", which resolves "$ref"s between GTS schemas; a removal
 * makes that registry stale and it is rebuilt before the next compile.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

#define HS__GTS_XREF_HOPS  8        /* "x-gts-ref" pointers to pointers */


static void hs__gts_ent_free(hs__gts_ent_t *e);
static json_t *hs__gts_xref_compile(void *data, json_t *value, json_t *doc,
    const char *path, hs_error_t *err);
static int hs__gts_xref_validate(void *data, const json_t *arg,
    const json_t *inst, char *msg, size_t size);


static uint64_t
hs__gts_hash(const char *s)
{
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;
    while (*s) {
        h ^= (unsigned char) *s++;
        h *= 0x100000001b3ULL;
    }

    return h;
}


static char **
hs__gts_fields_dup(const char *const *f)
{
    size_t   n, i;
    char   **out;

    for (n = 0; f[n] != NULL; n++) { /* void */ }

    out = hs_calloc(n + 1, sizeof(char *));
    if (out == NULL) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        out[i] = hs_strdup(f[i]);
        if (out[i] == NULL) {
            while (i > 0) {
                hs_free(out[--i]);
            }
            hs_free(out);
            return NULL;
        }
    }

    return out;
}


static void
hs__gts_fields_free(char **f)
{
    size_t  i;

    if (f == NULL) {
        return;
    }

    for (i = 0; f[i] != NULL; i++) {
        hs_free(f[i]);
    }
    hs_free(f);
}


hs_gts_registry_t *
hs_gts_registry_create(const hs_gts_config_t *cfg)
{
    hs_gts_registry_t  *reg;

    reg = hs_calloc(1, sizeof(hs_gts_registry_t));
    if (reg == NULL) {
        return NULL;
    }

    if (cfg != NULL && cfg->id_fields != NULL) {
        reg->id_fields = hs__gts_fields_dup(cfg->id_fields);
        if (reg->id_fields == NULL) {
            goto failed;
        }
        reg->cfg.id_fields = (const char *const *) reg->id_fields;
    }

    if (cfg != NULL && cfg->type_fields != NULL) {
        reg->type_fields = hs__gts_fields_dup(cfg->type_fields);
        if (reg->type_fields == NULL) {
            goto failed;
        }
        reg->cfg.type_fields = (const char *const *) reg->type_fields;
    }

    reg->sreg = hs_schema_registry_create();
    if (reg->sreg == NULL) {
        goto failed;
    }

    reg->xref.name = "x-gts-ref";
    reg->xref.compile = hs__gts_xref_compile;
    reg->xref.validate = hs__gts_xref_validate;
    reg->xref.data = reg;
    reg->sopts.keywords = &reg->xref;
    reg->sopts.nkeywords = 1;

    return reg;

failed:

    hs_gts_registry_destroy(reg);

    return NULL;
}


void
hs_gts_registry_destroy(hs_gts_registry_t *reg)
{
    size_t  i;

    if (reg == NULL) {
        return;
    }

    for (i = 0; i < reg->n; i++) {
        hs__gts_ent_free(reg->ents[i]);
    }

    hs_free(reg->ents);
    hs_free(reg->tab);
    hs_schema_registry_destroy(reg->sreg);
    hs__gts_fields_free(reg->id_fields);
    hs__gts_fields_free(reg->type_fields);
    hs_free(reg);
}


static void
hs__gts_ent_free(hs__gts_ent_t *e)
{
    if (e == NULL) {
        return;
    }

    hs_schema_free(e->compiled);
    json_decref(e->content);
    hs_free(e->id);
    hs_free(e->type_id);
    hs_free(e);
}


/* The hash table */

static hs_rc_t
hs__gts_tab_build(hs_gts_registry_t *reg, size_t want)
{
    size_t     size, i, j;
    uint32_t  *tab;

    for (size = 16; size < want * 2; size *= 2) { /* void */ }

    tab = hs_calloc(size, sizeof(uint32_t));
    if (tab == NULL) {
        return HS_ENOMEM;
    }

    for (i = 0; i < reg->n; i++) {
        j = hs__gts_hash(reg->ents[i]->id) & (size - 1);
        while (tab[j] != 0) {
            j = (j + 1) & (size - 1);
        }
        tab[j] = (uint32_t) (i + 1);
    }

    hs_free(reg->tab);
    reg->tab = tab;
    reg->tab_mask = size - 1;

    return HS_OK;
}


hs__gts_ent_t *
hs__gts_find(hs_gts_registry_t *reg, const char *id)
{
    size_t          j;
    hs__gts_ent_t  *e;

    if (reg->tab == NULL || id == NULL) {
        return NULL;
    }

    id = hs__gts_strip_uri(id);

    for (j = hs__gts_hash(id) & reg->tab_mask; reg->tab[j] != 0;
         j = (j + 1) & reg->tab_mask)
    {
        e = reg->ents[reg->tab[j] - 1];
        if (strcmp(e->id, id) == 0) {
            return e;
        }
    }

    return NULL;
}


static hs_rc_t
hs__gts_insert(hs_gts_registry_t *reg, hs__gts_ent_t *e)
{
    size_t          cap, j;
    hs__gts_ent_t **ents;

    if (reg->n == reg->cap) {
        cap = reg->cap ? reg->cap * 2 : 64;
        ents = hs_realloc(reg->ents, cap * sizeof(hs__gts_ent_t *));
        if (ents == NULL) {
            return HS_ENOMEM;
        }
        reg->ents = ents;
        reg->cap = cap;
    }

    if (reg->tab == NULL || (reg->n + 1) * 2 > reg->tab_mask + 1) {
        if (hs__gts_tab_build(reg, reg->n + 1) != HS_OK) {
            return HS_ENOMEM;
        }
    }

    reg->ents[reg->n++] = e;

    j = hs__gts_hash(e->id) & reg->tab_mask;
    while (reg->tab[j] != 0) {
        j = (j + 1) & reg->tab_mask;
    }
    reg->tab[j] = (uint32_t) reg->n;

    return HS_OK;
}


const hs_gts_entity_t *
hs_gts_registry_get(hs_gts_registry_t *reg, const char *id)
{
    hs__gts_ent_t  *e;

    e = reg ? hs__gts_find(reg, id) : NULL;

    return e ? &e->pub : NULL;
}


size_t
hs_gts_registry_count(const hs_gts_registry_t *reg)
{
    return reg ? reg->n : 0;
}


hs_rc_t
hs_gts_registry_remove(hs_gts_registry_t *reg, const char *id)
{
    size_t          i;
    hs__gts_ent_t  *e;

    e = hs__gts_find(reg, id);
    if (e == NULL) {
        return HS_ENOTFOUND;
    }

    for (i = 0; reg->ents[i] != e; i++) { /* void */ }

    memmove(&reg->ents[i], &reg->ents[i + 1],
            (reg->n - i - 1) * sizeof(hs__gts_ent_t *));
    reg->n--;

    if (e->pub.is_type) {
        /* compiled schemas may refer to it: rebuilt when needed */
        reg->sreg_stale = 1;
    }

    hs__gts_ent_free(e);

    if (hs__gts_tab_build(reg, reg->n) != HS_OK) {
        /* keep the old table usable: rebuild it in place later */
        hs_free(reg->tab);
        reg->tab = NULL;
        return hs__gts_tab_build(reg, reg->n) == HS_OK ? HS_OK : HS_ENOMEM;
    }

    return HS_OK;
}


/* The entity's own named segment (the last one that is not a UUID). */
static int
hs__gts_own_segment(const hs__gts_ent_t *e, hs_gts_id_t *id,
    const hs_gts_segment_t **seg)
{
    const char  *s;

    s = hs_gts_id_valid(e->id) ? e->id : e->type_id;
    if (s == NULL || hs_gts_id_parse(s, strlen(s), 0, id, NULL) != HS_OK) {
        return -1;
    }

    *seg = &id->segs[id->nsegs - 1];
    if ((*seg)->is_uuid) {
        (*seg)--;
    }

    return 0;
}


static int
hs__gts_str_is(const hs_gts_str_t *a, const char *s)
{
    return s == NULL || (strlen(s) == a->len && memcmp(a->p, s, a->len) == 0);
}


size_t
hs_gts_registry_list(hs_gts_registry_t *reg, const hs_gts_filter_t *f,
    size_t start, const hs_gts_entity_t **out, size_t max, size_t *next,
    hs_rc_t *rc, hs_error_t *err)
{
    size_t                   i, n;
    hs_gts_id_t              pat, id;
    hs__gts_ent_t           *e;
    const hs_gts_segment_t  *seg;

    if (rc != NULL) {
        *rc = HS_OK;
    }

    if (f != NULL && f->pattern != NULL
        && hs_gts_id_parse(f->pattern, strlen(f->pattern),
                           HS_GTS_ALLOW_WILDCARD, &pat, err) != HS_OK)
    {
        if (rc != NULL) {
            *rc = HS_EINVAL;
        }
        if (next != NULL) {
            *next = reg->n;
        }
        return 0;
    }

    n = 0;

    for (i = start; i < reg->n && n < max; i++) {
        e = reg->ents[i];

        if (f != NULL) {
            if (f->is_type >= 0 && (int) e->pub.is_type != f->is_type) {
                continue;
            }

            if (f->pattern != NULL
                && (hs_gts_id_parse(e->id, strlen(e->id), 0, &id, NULL)
                    != HS_OK
                    || !hs_gts_id_match(&pat, &id)))
            {
                continue;
            }

            if (f->vendor != NULL || f->package != NULL || f->ns != NULL) {
                if (hs__gts_own_segment(e, &id, &seg) != 0
                    || !hs__gts_str_is(&seg->vendor, f->vendor)
                    || !hs__gts_str_is(&seg->package, f->package)
                    || !hs__gts_str_is(&seg->ns, f->ns))
                {
                    continue;
                }
            }
        }

        out[n++] = &e->pub;
    }

    if (next != NULL) {
        *next = i;
    }

    return n;
}


/* JSON pointers and "x-gts-ref" */

/* The value at RFC 6901 pointer ptr in doc (borrowed), or NULL. */
json_t *
hs__gts_pointer(json_t *doc, const char *ptr)
{
    char         key[256];
    size_t       n;
    json_t      *cur;
    const char  *p, *end;
    char        *stop;
    long         idx;

    cur = doc;
    p = ptr;

    if (*p == '\0') {
        return cur;
    }

    if (*p != '/') {
        return NULL;
    }

    while (*p == '/' && cur != NULL) {
        p++;
        end = strchr(p, '/');
        if (end == NULL) {
            end = p + strlen(p);
        }

        for (n = 0; p < end && n < sizeof(key) - 1; p++) {
            if (p[0] == '~' && p + 1 < end && (p[1] == '0' || p[1] == '1')) {
                key[n++] = p[1] == '0' ? '~' : '/';
                p++;
            } else {
                key[n++] = *p;
            }
        }
        key[n] = '\0';
        p = end;

        if (json_is_object(cur)) {
            cur = json_object_get(cur, key);

        } else if (json_is_array(cur)) {
            idx = strtol(key, &stop, 10);
            if (*stop != '\0' || key[0] == '\0' || idx < 0) {
                return NULL;
            }
            cur = json_array_get(cur, (size_t) idx);

        } else {
            return NULL;
        }
    }

    return cur;
}


/*
 * Resolves an "x-gts-ref" value of document doc to the GTS identifier or
 * pattern it stands for, into out.
 */
hs_rc_t
hs__gts_xref_resolve(json_t *doc, json_t *value, char *out, size_t size,
    hs_error_t *err)
{
    unsigned      hops;
    json_t       *t;
    const char   *v, *ptr, *s;
    hs_gts_id_t   id;
    hs_error_t    perr;

    if (!json_is_string(value)) {
        hs_error_set(err, "x-gts-ref validation failed: the value must be "
                     "a string");
        return HS_EINVAL;
    }

    v = json_string_value(value);

    for (hops = 0; hops < HS__GTS_XREF_HOPS; hops++) {
        s = json_string_value(value);

        if (strncmp(s, "gts.", 4) == 0) {
            if (hs_gts_id_parse(s, strlen(s), HS_GTS_ALLOW_WILDCARD, &id,
                                &perr) != HS_OK)
            {
                hs_error_set(err, "x-gts-ref validation failed: %s",
                             perr.msg);
                return HS_EINVAL;
            }
            snprintf(out, size, "%s", s);
            return HS_OK;
        }

        if (s[0] != '/' && !(s[0] == '.' && s[1] == '/')) {
            hs_error_set(err, "x-gts-ref validation failed: \"%s\" is not a "
                         "GTS identifier, a pattern or a pointer "
                         "(\"/$id\")", s);
            return HS_EINVAL;
        }

        ptr = s[0] == '.' ? s + 1 : s;
        t = doc ? hs__gts_pointer(doc, ptr) : NULL;

        if (json_is_string(t)) {
            s = hs__gts_strip_uri(json_string_value(t));
            if (strncmp(s, "gts.", 4) == 0
                && hs_gts_id_parse(s, strlen(s), HS_GTS_ALLOW_WILDCARD, &id,
                                   NULL) == HS_OK)
            {
                snprintf(out, size, "%s", s);
                return HS_OK;
            }

            hs_error_set(err, "x-gts-ref validation failed: \"%s\" points "
                         "to \"%s\", which is not a GTS identifier", v,
                         json_string_value(t));
            return HS_EINVAL;
        }

        value = json_is_object(t) ? json_object_get(t, "x-gts-ref") : NULL;
        if (!json_is_string(value)) {
            hs_error_set(err, "x-gts-ref validation failed: \"%s\" does not "
                         "point to a GTS identifier or to a field with "
                         "x-gts-ref", v);
            return HS_EINVAL;
        }
    }

    hs_error_set(err, "x-gts-ref validation failed: \"%s\" leads to more "
                 "than %d pointers", v, HS__GTS_XREF_HOPS);

    return HS_EINVAL;
}


static json_t *
hs__gts_xref_compile(void *data, json_t *value, json_t *doc,
    const char *path, hs_error_t *err)
{
    char  pat[HS_GTS_ID_MAX + 1];

    if (hs__gts_xref_resolve(doc, value, pat, sizeof(pat), err) != HS_OK) {
        return NULL;
    }

    return json_string(pat);
}


static int
hs__gts_xref_validate(void *data, const json_t *arg, const json_t *inst,
    char *msg, size_t size)
{
    const char   *s, *p;
    hs_gts_id_t   id, pat;
    hs_error_t    perr;

    if (!json_is_string(inst)) {
        return 1;               /* "type" says what the value must be */
    }

    s = json_string_value(inst);
    p = json_string_value(arg);

    if (hs_gts_id_parse(s, strlen(s), 0, &id, &perr) != HS_OK) {
        snprintf(msg, size, "must be a GTS identifier (x-gts-ref \"%s\"): "
                 "%s", p, perr.msg);
        return 0;
    }

    if (strcmp(p, "gts.*") == 0) {
        return 1;
    }

    if (hs_gts_id_parse(p, strlen(p), HS_GTS_ALLOW_WILDCARD, &pat, NULL)
        != HS_OK || !hs_gts_id_match(&pat, &id))
    {
        snprintf(msg, size, "\"%s\" does not match x-gts-ref \"%s\"", s, p);
        return 0;
    }

    return 1;
}


/* Compiled schemas */

static hs_rc_t
hs__gts_sreg_rebuild(hs_gts_registry_t *reg, hs_error_t *err)
{
    char                   uri[HS_GTS_ID_MAX + HS__GTS_URI_PREFIX_LEN + 1];
    size_t                 i;
    hs__gts_ent_t         *e;
    hs_schema_registry_t  *sreg;

    sreg = hs_schema_registry_create();
    if (sreg == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    for (i = 0; i < reg->n; i++) {
        e = reg->ents[i];
        hs_schema_free(e->compiled);
        e->compiled = NULL;

        if (!e->pub.is_type) {
            continue;
        }

        snprintf(uri, sizeof(uri), HS__GTS_URI_PREFIX "%s", e->id);
        if (hs_schema_registry_add(sreg, uri, e->content, err) == HS_ENOMEM) {
            hs_schema_registry_destroy(sreg);
            return HS_ENOMEM;
        }
    }

    hs_schema_registry_destroy(reg->sreg);
    reg->sreg = sreg;
    reg->sreg_stale = 0;

    return HS_OK;
}


/* The JSON Schema registry of every schema, rebuilt if stale. */
hs_rc_t
hs__gts_sreg_ready(hs_gts_registry_t *reg, hs_error_t *err)
{
    return reg->sreg_stale ? hs__gts_sreg_rebuild(reg, err) : HS_OK;
}


hs_schema_t *
hs__gts_compiled(hs_gts_registry_t *reg, hs__gts_ent_t *e, hs_error_t *err)
{
    char  uri[HS_GTS_ID_MAX + HS__GTS_URI_PREFIX_LEN + 1];

    if (hs__gts_sreg_ready(reg, err) != HS_OK) {
        return NULL;
    }

    if (e->compiled == NULL) {
        snprintf(uri, sizeof(uri), HS__GTS_URI_PREFIX "%s", e->id);
        e->compiled = hs_schema_compile_ex(e->content, reg->sreg, uri,
                                           &reg->sopts, err);
    }

    return e->compiled;
}


/*
 * Validates inst with s: HS_OK or HS_EINVAL with up to a few violations
 * in err, "<what>: <pointer>: <message>; ...".
 */
hs_rc_t
hs__gts_validate_json(hs_gts_registry_t *reg, const hs_schema_t *s,
    const json_t *inst, const char *what, hs_error_t *err)
{
    int                 n;
    size_t              i, len;
    hs_rc_t             rc;
    hs_schema_errors_t  errs;

    rc = hs_schema_validate(s, inst, NULL);
    if (rc != HS_EINVAL) {
        return rc;
    }

    if (err == NULL) {
        return HS_EINVAL;
    }

    if (hs_schema_validate(s, inst, &errs) != HS_EINVAL) {
        hs_error_set(err, "%s: out of memory while validating", what);
        return HS_EINVAL;
    }

    n = snprintf(err->msg, sizeof(err->msg), "%s", what);
    len = n > 0 ? (size_t) n : 0;

    for (i = 0; i < errs.n && i < 4 && len < sizeof(err->msg); i++) {
        n = snprintf(err->msg + len, sizeof(err->msg) - len, "%s %s: %s (%s)",
                     i == 0 ? ":" : ";",
                     errs.items[i].pointer[0] ? errs.items[i].pointer : "/",
                     errs.items[i].message, errs.items[i].keyword);
        len += n > 0 ? (size_t) n : 0;
    }

    if (errs.n > 4 && len < sizeof(err->msg)) {
        snprintf(err->msg + len, sizeof(err->msg) - len, "; and %zu more",
                 errs.n - 4);
    }

    hs_schema_errors_release(&errs);

    return HS_EINVAL;
}


/* Registration */

/* Keywords whose values are data, not schemas. */
static int
hs__gts_is_value_kw(const char *key)
{
    return strcmp(key, "const") == 0 || strcmp(key, "enum") == 0
           || strcmp(key, "default") == 0 || strcmp(key, "examples") == 0
           || strcmp(key, "x-gts-traits") == 0;
}


/* Keywords whose values map names to schemas. */
static int
hs__gts_is_map_kw(const char *key)
{
    return strcmp(key, "properties") == 0
           || strcmp(key, "patternProperties") == 0
           || strcmp(key, "definitions") == 0 || strcmp(key, "$defs") == 0
           || strcmp(key, "dependentSchemas") == 0
           || strcmp(key, "dependencies") == 0;
}


/*
 * Calls cb for js and every schema object in it. Returns the first
 * non-zero result of cb, or -2 when js nests too deeply.
 */
int
hs__gts_walk(json_t *js, hs__gts_walk_pt cb, void *data, unsigned depth)
{
    int          rc;
    size_t       i;
    json_t      *v, *m, *x;
    const char  *key, *name;

    if (depth > HS__GTS_MAX_DEPTH) {
        return -2;
    }

    if (!json_is_object(js)) {
        return 0;
    }

    rc = cb(data, js);
    if (rc != 0) {
        return rc;
    }

    json_object_foreach(js, key, v) {
        if (hs__gts_is_value_kw(key)) {
            continue;
        }

        if (hs__gts_is_map_kw(key) && json_is_object(v)) {
            json_object_foreach(v, name, m) {
                rc = hs__gts_walk(m, cb, data, depth + 1);
                if (rc != 0) {
                    return rc;
                }
            }
            continue;
        }

        if (json_is_array(v)) {
            json_array_foreach(v, i, x) {
                rc = hs__gts_walk(x, cb, data, depth + 1);
                if (rc != 0) {
                    return rc;
                }
            }
            continue;
        }

        rc = hs__gts_walk(v, cb, data, depth + 1);
        if (rc != 0) {
            return rc;
        }
    }

    return 0;
}


/*
 * The GTS type a "$ref" value names ("gts://<id>[#fragment]"), into
 * out: 1; a local reference: 0; anything else: -1 with err.
 */
int
hs__gts_ref_target(const char *s, char *out, size_t size, hs_error_t *err)
{
    size_t       n;
    hs_gts_id_t  ref;
    hs_error_t   perr;

    if (s[0] == '#') {
        return 0;
    }

    if (strncmp(s, HS__GTS_URI_PREFIX, HS__GTS_URI_PREFIX_LEN) != 0) {
        hs_error_set(err, "\"$ref\": \"%s\" must be a local reference "
                     "(\"#...\") or \"gts://<type identifier>\" (spec 9.1)",
                     s);
        return -1;
    }

    s += HS__GTS_URI_PREFIX_LEN;
    n = strcspn(s, "#");

    if (hs_gts_id_parse(s, n, 0, &ref, &perr) != HS_OK) {
        hs_error_set(err, "\"$ref\": %s", perr.msg);
        return -1;
    }

    if (!ref.is_type || n >= size) {
        hs_error_set(err, "\"$ref\": \"%.*s\" is not a type identifier",
                     (int) n, s);
        return -1;
    }

    memcpy(out, s, n);
    out[n] = '\0';

    return 1;
}


typedef struct {
    json_t      *doc;
    hs_error_t  *err;
} hs__gts_refcheck_t;


static int
hs__gts_check_refs_cb(void *data, json_t *js)
{
    json_t              *v;
    hs__gts_refcheck_t  *rc;
    char                 buf[HS_GTS_ID_MAX + 1];

    rc = data;

    v = json_object_get(js, "$ref");
    if (json_is_string(v)
        && hs__gts_ref_target(json_string_value(v), buf, sizeof(buf),
                              rc->err) < 0)
    {
        return -1;
    }

    v = json_object_get(js, "x-gts-ref");
    if (v != NULL
        && hs__gts_xref_resolve(rc->doc, v, buf, sizeof(buf), rc->err)
           != HS_OK)
    {
        return -1;
    }

    return 0;
}


/* The checks made on every schema, with or without validation. */
static hs_rc_t
hs__gts_check_schema(json_t *doc, const char *id, hs_error_t *err)
{
    json_t              *fin, *abs;
    hs_error_t           perr;
    hs__gts_refcheck_t   rc;

    fin = json_object_get(doc, "x-gts-final");
    abs = json_object_get(doc, "x-gts-abstract");

    if (fin != NULL && !json_is_boolean(fin)) {
        hs_error_set(err, "%s: \"x-gts-final\" must be a boolean "
                     "(spec 9.11.1)", id);
        return HS_EINVAL;
    }

    if (abs != NULL && !json_is_boolean(abs)) {
        hs_error_set(err, "%s: \"x-gts-abstract\" must be a boolean "
                     "(spec 9.11.1)", id);
        return HS_EINVAL;
    }

    if (json_is_true(fin) && json_is_true(abs)) {
        hs_error_set(err, "%s: a schema cannot be both \"x-gts-final\" and "
                     "\"x-gts-abstract\" (spec 9.11.1)", id);
        return HS_EINVAL;
    }

    rc.doc = doc;
    rc.err = &perr;

    switch (hs__gts_walk(doc, hs__gts_check_refs_cb, &rc, 0)) {
    case 0:
        return HS_OK;
    case -2:
        hs_error_set(err, "%s: the schema is nested more than %d levels "
                     "deep", id, HS__GTS_MAX_DEPTH);
        return HS_EINVAL;
    default:
        hs_error_set(err, "%s: %s", id, perr.msg);
        return HS_EINVAL;
    }
}


static hs_rc_t
hs__gts_identify(hs_gts_registry_t *reg, const json_t *doc,
    hs_gts_extract_t *x, hs_error_t *err)
{
    hs_gts_id_t  id;
    hs_error_t   perr;

    if (hs_gts_extract(doc, &reg->cfg, x) != HS_OK) {
        hs_error_set(err, "a GTS entity must be a JSON object");
        return HS_EINVAL;
    }

    if (x->is_type) {
        if (x->id == NULL) {
            hs_error_set(err, "the schema has no \"$id\" (a GTS Type Schema "
                         "needs \"$id\": \"gts://<type identifier>\")");
            return HS_EINVAL;
        }

        if (x->id == json_string_value(json_object_get(doc, "$id"))) {
            hs_error_set(err, "\"$id\": \"%s\" must be \"gts://<type "
                         "identifier>\" (spec 9.1)", x->id);
            return HS_EINVAL;
        }

        if (hs_gts_id_parse(x->id, strlen(x->id), 0, &id, &perr) != HS_OK) {
            hs_error_set(err, "\"$id\": %s", perr.msg);
            return HS_EINVAL;
        }

        if (!id.is_type) {
            hs_error_set(err, "\"$id\": \"%s\" is not a type identifier "
                         "(it must end with '~')", x->id);
            return HS_EINVAL;
        }

        return HS_OK;
    }

    if (x->id == NULL) {
        hs_error_set(err, "the instance has no id field (a GTS instance "
                     "needs an id and a GTS type, spec 11.1)");
        return HS_EINVAL;
    }

    if (x->type_id == NULL) {
        hs_error_set(err, "%s: the GTS type of the instance cannot be "
                     "determined (no chained GTS id and no type field with "
                     "a type identifier, spec 11.1)", x->id);
        return HS_EINVAL;
    }

    return HS_OK;
}


void
hs_gts_registry_on_add(hs_gts_registry_t *reg, hs_gts_added_pt fn,
    void *data)
{
    reg->on_add = fn;
    reg->on_add_data = data;
}


hs_rc_t
hs_gts_registry_add(hs_gts_registry_t *reg, const json_t *doc,
    unsigned flags, const hs_gts_entity_t **ent, hs_error_t *err)
{
    char               uri[HS_GTS_ID_MAX + HS__GTS_URI_PREFIX_LEN + 1];
    hs_rc_t            rc;
    hs__gts_ent_t     *e, *old;
    hs_gts_extract_t   x;

    if (ent != NULL) {
        *ent = NULL;
    }

    rc = hs__gts_identify(reg, doc, &x, err);
    if (rc != HS_OK) {
        return rc;
    }

    old = hs__gts_find(reg, x.id);
    if (old != NULL) {
        if (!json_equal(old->content, (json_t *) doc)) {
            hs_error_set(err, "%s is already registered with different "
                         "content", x.id);
            return HS_EEXIST;
        }

        if (ent != NULL) {
            *ent = &old->pub;
        }

        if (flags & HS_GTS_VALIDATE) {
            return hs_gts_registry_validate(reg, x.id, err);
        }

        return HS_OK;
    }

    e = hs_calloc(1, sizeof(hs__gts_ent_t));
    if (e == NULL) {
        goto nomem;
    }

    e->content = json_deep_copy(doc);
    e->id = hs_strdup(x.id);
    e->type_id = x.type_id ? hs_strdup(x.type_id) : NULL;
    if (e->content == NULL || e->id == NULL
        || (x.type_id != NULL && e->type_id == NULL))
    {
        hs__gts_ent_free(e);
        goto nomem;
    }

    if (x.is_type) {
        rc = hs__gts_check_schema(e->content, e->id, err);
        if (rc != HS_OK) {
            hs__gts_ent_free(e);
            return rc;
        }
    }

    e->pub.id = e->id;
    e->pub.type_id = e->type_id;
    e->pub.content = e->content;
    e->pub.id_field = x.id_field;
    e->pub.type_id_field = x.type_id_field;
    e->pub.is_type = (unsigned) x.is_type;
    e->pub.is_abstract = x.is_type
        && json_is_true(json_object_get(e->content, "x-gts-abstract"));
    e->pub.is_final = x.is_type
        && json_is_true(json_object_get(e->content, "x-gts-final"));

    if (hs__gts_insert(reg, e) != HS_OK) {
        hs__gts_ent_free(e);
        goto nomem;
    }

    if (e->pub.is_type && !reg->sreg_stale) {
        snprintf(uri, sizeof(uri), HS__GTS_URI_PREFIX "%s", e->id);
        if (hs_schema_registry_add(reg->sreg, uri, e->content, NULL)
            != HS_OK)
        {
            reg->sreg_stale = 1;
        }
    }

    rc = HS_OK;

    if (flags & HS_GTS_VALIDATE) {
        rc = hs_gts_registry_validate(reg, e->id, err);
    }

    if (rc == HS_OK && reg->on_add != NULL) {
        rc = reg->on_add(reg->on_add_data, &e->pub, err);
    }

    if (rc != HS_OK) {
        (void) hs_gts_registry_remove(reg, x.id);
        return rc;
    }

    if (ent != NULL) {
        *ent = &e->pub;
    }

    return HS_OK;

nomem:

    hs_error_set(err, "out of memory");

    return HS_ENOMEM;
}
