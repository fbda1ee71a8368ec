/*
 * GTS: the query language (OP#10, spec 3.3) and the attribute selector
 * (OP#11, spec 3.4).
 *
 *     query  = id-or-pattern [ "[" filter { "," filter } "]" ]
 *     filter = path "=" ( '"' chars '"' | bare-chars )
 *     path   = name { "." name | "[" index "]" }
 *
 * A filter holds when the attribute at path equals the value; a value
 * "*" only asks for the attribute to exist; a value that is a GTS
 * pattern ("gts.vendor.*") matches GTS identifiers it covers (OP#4).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

#define HS__GTS_FILTERS_MAX  32
#define HS__GTS_FILTER_LEN   512

typedef struct {
    char  name[HS__GTS_FILTER_LEN];
    char  value[HS__GTS_FILTER_LEN];
} hs__gts_filter_t;


/* OP#11: the value at path in doc (borrowed). */
hs_rc_t
hs__gts_path_get(json_t *doc, const char *path, json_t **out,
    hs_error_t *err)
{
    size_t       n;
    json_t      *cur;
    const char  *p, *start;
    char        *stop;
    char         key[256];
    long         idx;

    *out = NULL;
    cur = doc;
    p = path;

    if (path == NULL || *path == '\0') {
        hs_error_set(err, "the attribute path is empty");
        return HS_EINVAL;
    }

    for ( ;; ) {
        start = p;
        while (*p != '\0' && *p != '.' && *p != '[') {
            p++;
        }
        n = (size_t) (p - start);

        if (n == 0 && (*p != '[' || start != path)) {
            hs_error_set(err, "bad attribute path \"%s\": an empty name at "
                         "position %zu", path, (size_t) (start - path));
            return HS_EINVAL;
        }

        if (n > 0) {
            if (n >= sizeof(key)) {
                hs_error_set(err, "bad attribute path \"%s\": a name is too "
                             "long", path);
                return HS_EINVAL;
            }
            memcpy(key, start, n);
            key[n] = '\0';

            cur = json_object_get(cur, key);
            if (cur == NULL) {
                hs_error_set(err, "attribute \"%.*s\" not found", (int) (p
                             - path), path);
                return HS_ENOTFOUND;
            }
        }

        while (*p == '[') {
            idx = strtol(p + 1, &stop, 10);
            if (stop == p + 1 || *stop != ']' || idx < 0) {
                hs_error_set(err, "bad attribute path \"%s\": expected "
                             "\"[<index>]\" at position %zu", path,
                             (size_t) (p - path));
                return HS_EINVAL;
            }
            p = stop + 1;

            cur = json_array_get(cur, (size_t) idx);
            if (cur == NULL) {
                hs_error_set(err, "attribute \"%.*s\" not found", (int) (p
                             - path), path);
                return HS_ENOTFOUND;
            }
        }

        if (*p == '\0') {
            break;
        }

        if (*p != '.') {
            hs_error_set(err, "bad attribute path \"%s\" at position %zu",
                         path, (size_t) (p - path));
            return HS_EINVAL;
        }
        p++;
    }

    *out = cur;

    return HS_OK;
}


json_t *
hs_gts_attr_get(json_t *doc, const char *path, hs_rc_t *rc, hs_error_t *err)
{
    json_t   *v;
    hs_rc_t   r;

    r = hs__gts_path_get(doc, path, &v, err);
    if (rc != NULL) {
        *rc = r;
    }

    return v;
}


json_t *
hs_gts_registry_attr(hs_gts_registry_t *reg, const char *id,
    const char *path, hs_rc_t *rc, hs_error_t *err)
{
    hs__gts_ent_t  *e;

    e = hs__gts_find(reg, id);
    if (e == NULL) {
        hs_error_set(err, "%s is not registered", id ? id : "(null)");
        if (rc != NULL) {
            *rc = HS_ENOTFOUND;
        }
        return NULL;
    }

    return hs_gts_attr_get(e->content, path, rc, err);
}


/* OP#10 */

static const char *
hs__gts_skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    return p;
}


static hs_rc_t
hs__gts_filter_parse(const char *p, const char *end, hs__gts_filter_t *f,
    const char *expr, hs_error_t *err)
{
    const char  *eq, *v, *ve;

    p = hs__gts_skip_ws(p, end);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }

    eq = memchr(p, '=', (size_t) (end - p));
    if (eq == NULL || eq == p) {
        hs_error_set(err, "Invalid query: \"%s\": a filter must be "
                     "name=\"value\"", expr);
        return HS_EINVAL;
    }

    ve = eq;
    while (ve > p && (ve[-1] == ' ' || ve[-1] == '\t')) {
        ve--;
    }

    v = hs__gts_skip_ws(eq + 1, end);

    if ((size_t) (ve - p) >= sizeof(f->name)
        || (size_t) (end - v) >= sizeof(f->value))
    {
        hs_error_set(err, "Invalid query: \"%s\": a filter is too long",
                     expr);
        return HS_EINVAL;
    }

    memcpy(f->name, p, (size_t) (ve - p));
    f->name[ve - p] = '\0';

    if (v < end && *v == '"') {
        if (end - v < 2 || end[-1] != '"') {
            hs_error_set(err, "Invalid query: \"%s\": an unterminated "
                         "quoted value", expr);
            return HS_EINVAL;
        }
        v++;
        end--;
    }

    if (v == end) {
        hs_error_set(err, "Invalid query: \"%s\": a filter has no value",
                     expr);
        return HS_EINVAL;
    }

    memcpy(f->value, v, (size_t) (end - v));
    f->value[end - v] = '\0';

    return HS_OK;
}


/* Splits "[a=1, b="x,y"]" into filters. */
static hs_rc_t
hs__gts_filters_parse(const char *p, const char *end, hs__gts_filter_t *fs,
    size_t *n, const char *expr, hs_error_t *err)
{
    int          quoted;
    const char  *start;

    *n = 0;
    quoted = 0;
    start = p;

    for ( ; ; p++) {
        if (p < end && *p == '"') {
            quoted = !quoted;
            continue;
        }

        if (p < end && (quoted || *p != ',')) {
            continue;
        }

        if (*n == HS__GTS_FILTERS_MAX) {
            hs_error_set(err, "Invalid query: \"%s\": more than %d filters",
                         expr, HS__GTS_FILTERS_MAX);
            return HS_EINVAL;
        }

        if (hs__gts_filter_parse(start, p, &fs[*n], expr, err) != HS_OK) {
            return HS_EINVAL;
        }
        (*n)++;

        if (p == end) {
            return HS_OK;
        }
        start = p + 1;
    }
}


static int
hs__gts_filter_match(json_t *doc, const hs__gts_filter_t *f)
{
    int           m;
    char         *dump;
    json_t       *v;
    const char   *s;
    hs_gts_id_t   pat, id;

    if (hs__gts_path_get(doc, f->name, &v, NULL) != HS_OK) {
        return 0;
    }

    if (strcmp(f->value, "*") == 0) {
        return 1;
    }

    if (json_is_string(v)) {
        s = json_string_value(v);
        if (strcmp(s, f->value) == 0) {
            return 1;
        }

        return strchr(f->value, '*') != NULL
               && hs_gts_id_parse(f->value, strlen(f->value),
                                  HS_GTS_ALLOW_WILDCARD, &pat, NULL) == HS_OK
               && hs_gts_id_parse(s, strlen(s), HS_GTS_ALLOW_WILDCARD, &id,
                                  NULL) == HS_OK
               && hs_gts_id_match(&pat, &id);
    }

    if (json_is_object(v) || json_is_array(v)) {
        return 0;
    }

    dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    m = dump != NULL && strcmp(dump, f->value) == 0;
    free(dump);

    return m;
}


json_t *
hs_gts_registry_query(hs_gts_registry_t *reg, const char *expr,
    size_t limit, hs_error_t *err)
{
    size_t             i, k, nf, blen;
    json_t            *out;
    const char        *br, *id;
    hs_gts_id_t        pat, cand;
    hs_error_t         perr;
    hs__gts_ent_t     *e;
    hs__gts_filter_t  *fs;

    if (expr == NULL || *expr == '\0') {
        hs_error_set(err, "Invalid query: the expression is empty");
        return NULL;
    }

    br = strchr(expr, '[');
    blen = br ? (size_t) (br - expr) : strlen(expr);

    if (hs_gts_id_parse(expr, blen, HS_GTS_ALLOW_WILDCARD, &pat, &perr)
        != HS_OK)
    {
        hs_error_set(err, "Invalid query: %s", perr.msg);
        return NULL;
    }

    fs = hs_alloc(HS__GTS_FILTERS_MAX * sizeof(hs__gts_filter_t));
    if (fs == NULL) {
        hs_error_set(err, "out of memory");
        return NULL;
    }

    nf = 0;

    if (br != NULL) {
        if (expr[strlen(expr) - 1] != ']') {
            hs_error_set(err, "Invalid query: \"%s\": the filters must end "
                         "with ']'", expr);
            hs_free(fs);
            return NULL;
        }

        if (hs__gts_filters_parse(br + 1, expr + strlen(expr) - 1, fs, &nf,
                                  expr, err) != HS_OK)
        {
            hs_free(fs);
            return NULL;
        }
    }

    out = json_array();

    for (i = 0; out != NULL && i < reg->n; i++) {
        if (limit > 0 && json_array_size(out) == limit) {
            break;
        }

        e = reg->ents[i];

        /* an anonymous instance is known by its type */
        id = hs_gts_id_valid(e->id) || e->type_id == NULL ? e->id
                                                         : e->type_id;

        if (hs_gts_id_parse(id, strlen(id), 0, &cand, NULL) != HS_OK
            || !hs_gts_id_match(&pat, &cand))
        {
            continue;
        }

        for (k = 0; k < nf; k++) {
            if (!hs__gts_filter_match(e->content, &fs[k])) {
                break;
            }
        }

        if (k == nf && json_array_append(out, e->content) != 0) {
            json_decref(out);
            out = NULL;
        }
    }

    hs_free(fs);

    if (out == NULL) {
        hs_error_set(err, "out of memory");
    }

    return out;
}
