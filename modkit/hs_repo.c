/*
 * The tenant-scoped query API. SQL is built here from the trusted table
 * declaration (table and column names come from module code, never from
 * requests); every value is a bound parameter, $1 is always the tenant.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_json.h"
#include "hs_repo.h"

#define HS__REPO_MAX_FIELDS  64

typedef struct {
    char    *s;
    size_t   len;
    size_t   cap;
    int      failed;
} hs__sb_t;

typedef struct {
    hs_dbv_t   v[HS__REPO_MAX_FIELDS + 8];
    size_t     n;
    char       texts[HS__REPO_MAX_FIELDS + 8][HS_UUID_LEN + 1];
} hs__params_t;


static void
hs__sb_add(hs__sb_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


static int
hs__sb_room(hs__sb_t *b, size_t n)
{
    char    *p;
    size_t   cap;

    if (b->failed) {
        return 0;
    }

    if (b->len + n < b->cap) {
        return 1;
    }

    cap = b->cap ? b->cap * 2 : 512;
    while (cap <= b->len + n) {
        cap *= 2;
    }

    p = hs_realloc(b->s, cap);
    if (p == NULL) {
        b->failed = 1;
        return 0;
    }

    b->s = p;
    b->cap = cap;

    return 1;
}


/* Appends s as it is. */
static void
hs__sb_cat(hs__sb_t *b, const char *s)
{
    size_t  n;

    n = strlen(s);

    if (hs__sb_room(b, n)) {
        memcpy(b->s + b->len, s, n + 1);
        b->len += n;
    }
}


static void
hs__sb_add(hs__sb_t *b, const char *fmt, ...)
{
    int      n;
    va_list  ap;

    if (!hs__sb_room(b, 0)) {
        return;
    }

    for ( ;; ) {
        va_start(ap, fmt);
        n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);

        if (n < 0) {
            b->failed = 1;
            return;
        }

        if (b->len + (size_t) n < b->cap) {
            b->len += n;
            return;
        }

        if (!hs__sb_room(b, (size_t) n)) {
            return;
        }
    }
}


static int
hs__managed(const char *name)
{
    return strcmp(name, "id") == 0 || strcmp(name, "tenant_id") == 0
           || strcmp(name, "created_at") == 0
           || strcmp(name, "updated_at") == 0;
}


/*
 * 1: the repository sets the field's column: the managed columns, and
 * the hierarchy's own on its table (barrier only when creating).
 */
static int
hs__fixed(const hs_repo_tree_t *h, const hs_od_field_t *f, int creating)
{
    if (hs__managed(f->name)) {
        return 1;
    }

    if (h == NULL) {
        return 0;
    }

    return strcmp(f->column, h->parent) == 0
           || strcmp(f->column, h->path) == 0
           || strcmp(f->column, h->gate) == 0
           || strcmp(f->column, h->depth) == 0
           || (!creating && strcmp(f->column, h->barrier) == 0);
}


/*
 * The scope predicate of the current row ($1 is the caller's tenant).
 * The caller's path is an uncorrelated scalar subquery on its own row,
 * so a path range stays an index range. Paths hold hex digits, '-' and
 * '/', all below '~': "s starts with p" is "s >= p AND s < p || '~'".
 */
static void
hs__tree_visible(hs__sb_t *b, const hs_repo_tree_t *h)
{
    char  cp[256];

    snprintf(cp, sizeof(cp), "(SELECT %s FROM %s WHERE id = $1)", h->path,
             h->table.table);

    hs__sb_add(b, "%s >= %s AND %s < %s || '~' AND %s >= %s AND %s < %s"
               " || '~'", h->path, cp, h->path, cp, cp, h->gate, cp,
               h->gate);
}


static void
hs__tree_managed(hs__sb_t *b, const hs_repo_tree_t *h)
{
    hs__tree_visible(b, h);
    hs__sb_add(b, " AND (%s = (SELECT %s FROM %s WHERE id = $1) OR NOT %s)",
               h->path, h->path, h->table.table, h->barrier);
}


/* The rows of the caller's tenant, or the tenants visible to it. */
static void
hs__scope(hs__sb_t *b, const hs_repo_tree_t *h)
{
    if (h == NULL) {
        hs__sb_cat(b, "tenant_id = $1");

    } else {
        hs__tree_visible(b, h);
    }
}


static const hs_od_field_t *
hs__field(const hs_repo_table_t *t, const char *name)
{
    const hs_od_field_t  *f;

    for (f = t->fields; f->name; f++) {
        if (strcmp(f->name, name) == 0) {
            return f;
        }
    }

    return NULL;
}


/* The select list: every declared column. */
static void
hs__columns(hs__sb_t *b, const hs_repo_table_t *t)
{
    const hs_od_field_t  *f;

    for (f = t->fields; f->name; f++) {
        if (f != t->fields) {
            hs__sb_cat(b, ", ");
        }

        hs__sb_cat(b, f->column);
    }
}


/* A JSON value as a parameter of the field's type. */
static hs_rc_t
hs__bind(hs__params_t *p, const hs_od_field_t *f, const json_t *v,
    hs_error_t *err)
{
    hs_dbv_t  *d;

    d = &p->v[p->n];

    if (v == NULL || json_is_null(v)) {
        *d = hs_dbv_null();
        p->n++;
        return HS_OK;
    }

    switch (f->type) {

    case HS_OD_INT:
        if (!json_is_integer(v)) {
            goto mismatch;
        }
        *d = hs_dbv_int(json_integer_value(v));
        break;

    case HS_OD_NUMBER:
        if (!json_is_number(v)) {
            goto mismatch;
        }
        *d = hs_dbv_real(json_number_value(v));
        break;

    case HS_OD_BOOL:
        if (!json_is_boolean(v)) {
            goto mismatch;
        }
        *d = hs_dbv_bool(json_is_true(v));
        break;

    case HS_OD_UUID:
        if (!json_is_string(v)
            || hs_uuid_normalize(json_string_value(v), json_string_length(v),
                                 p->texts[p->n]) != HS_OK)
        {
            goto mismatch;
        }
        *d = hs_dbv_text(p->texts[p->n], HS_UUID_LEN);
        break;

    default:
        if (!json_is_string(v)) {
            goto mismatch;
        }
        *d = hs_dbv_text(json_string_value(v), json_string_length(v));
        break;
    }

    p->n++;

    return HS_OK;

mismatch:

    hs_error_set(err, "%s: value of the wrong type", f->name);
    return HS_EINVAL;
}


static void
hs__bind_text(hs__params_t *p, const char *s)
{
    p->v[p->n++] = hs_dbv_text(s, strlen(s));
}


/* Row r of a result as a JSON object of the declared fields. */
/* What a cell becomes in JSON (hs__row and hs__row_text agree on it). */
typedef enum {
    HS__CELL_NULL = 0,
    HS__CELL_FALSE,
    HS__CELL_TRUE,
    HS__CELL_INT,
    HS__CELL_REAL,
    HS__CELL_STRING,
    HS__CELL_BAD              /* text that is not UTF-8 */
} hs__cell_t;


/* v->d is set for HS__CELL_REAL */
static hs__cell_t
hs__cell(const hs_od_field_t *f, hs_dbv_t *v)
{
    switch (v->type) {
    case HS_DBV_NULL:
        return HS__CELL_NULL;
    case HS_DBV_INT:
        if (f->type == HS_OD_BOOL) {
            return v->i ? HS__CELL_TRUE : HS__CELL_FALSE;
        }
        if (f->type == HS_OD_NUMBER) {
            v->d = (double) v->i;
            return HS__CELL_REAL;
        }
        return HS__CELL_INT;
    case HS_DBV_REAL:
        return HS__CELL_REAL;
    case HS_DBV_BOOL:
        return v->i ? HS__CELL_TRUE : HS__CELL_FALSE;
    default:
        return hs_utf8_valid(v->s, v->len) ? HS__CELL_STRING : HS__CELL_BAD;
    }
}


static json_t *
hs__row(const hs_repo_table_t *t, const hs_db_res_t *res, size_t r)
{
    size_t                i;
    json_t               *o, *j;
    hs_dbv_t              v;
    const hs_od_field_t  *f;

    o = json_object();
    if (o == NULL) {
        return NULL;
    }

    for (i = 0, f = t->fields; f->name; f++, i++) {
        if (hs_db_res_get(res, r, i, &v) != HS_OK) {
            json_decref(o);
            return NULL;
        }

        switch (hs__cell(f, &v)) {
        case HS__CELL_NULL:
            j = json_null();
            break;
        case HS__CELL_FALSE:
            j = json_false();
            break;
        case HS__CELL_TRUE:
            j = json_true();
            break;
        case HS__CELL_INT:
            j = json_integer(v.i);
            break;
        case HS__CELL_REAL:
            j = json_real(v.d);
            break;
        case HS__CELL_STRING:
            j = json_stringn_nocheck(v.s, v.len);
            break;
        default:
            j = NULL;
            break;
        }

        /* field names are declared by module code: plain ASCII */
        if (j == NULL || json_object_set_new_nocheck(o, f->name, j) != 0) {
            json_decref(o);
            return NULL;
        }
    }

    return o;
}


/*
 * The row as hs_json_dump() writes hs__row()'s object (or, with nsel
 * selected fields, hs__select()'s), without making it; -1 for text that
 * is not UTF-8.
 */
static int
hs__row_text(const hs_repo_table_t *t, const hs_db_res_t *res, size_t r,
    const char *const *sel, size_t nsel, hs_jbuf_t *b)
{
    size_t                i, k, n;
    hs_dbv_t              v;
    const hs_od_field_t  *f;

    hs_jbuf_raw(b, "{", 1);

    n = 0;
    while (t->fields[n].name) {
        n++;
    }

    for (k = 0; k < (nsel ? nsel : n); k++) {
        i = k;

        if (nsel) {
            /* the selection's order; hs_od_parse() admits each field once */
            for (i = 0; i < n && strcmp(t->fields[i].name, sel[k]) != 0; i++)
            {
                /* void */
            }

            if (i == n) {
                return -1;
            }
        }

        f = &t->fields[i];

        if (hs_db_res_get(res, r, i, &v) != HS_OK) {
            return -1;
        }

        if (k) {
            hs_jbuf_raw(b, ",", 1);
        }

        /* names are identifiers (hs_od_field_t): nothing to escape */
        hs_jbuf_raw(b, "\"", 1);
        hs_jbuf_raw(b, f->name, strlen(f->name));
        hs_jbuf_raw(b, "\":", 2);

        switch (hs__cell(f, &v)) {
        case HS__CELL_NULL:
            hs_jbuf_raw(b, "null", 4);
            break;
        case HS__CELL_FALSE:
            hs_jbuf_raw(b, "false", 5);
            break;
        case HS__CELL_TRUE:
            hs_jbuf_raw(b, "true", 4);
            break;
        case HS__CELL_INT:
            hs_jbuf_integer(b, v.i);
            break;
        case HS__CELL_REAL:
            hs_jbuf_real(b, v.d);
            break;
        case HS__CELL_STRING:
            hs_jbuf_string(b, v.s, v.len);
            break;
        default:
            return -1;
        }
    }

    hs_jbuf_raw(b, "}", 1);

    return 0;
}


/* Keeps only the selected fields of a row (consumes row). */
static json_t *
hs__select(json_t *row, const char *const *sel, size_t nsel)
{
    size_t   i;
    json_t  *out;

    out = json_object();

    for (i = 0; out && i < nsel; i++) {
        json_object_set(out, sel[i], json_object_get(row, sel[i]));
    }

    json_decref(row);

    return out;
}


static hs_rc_t
hs__run_v(hs_db_t *db, hs__sb_t *b, const hs_dbv_t *v, size_t n,
    hs_db_res_t **res, hs_error_t *err)
{
    hs_rc_t        rc;
    hs_db_conn_t  *c;

    if (b->failed) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    rc = hs_db_conn_get(db, &c, err);
    if (rc != HS_OK) {
        return rc;
    }

    return hs_db_exec(c, b->s, v, n, res, err);
}


static hs_rc_t
hs__run(hs_db_t *db, hs__sb_t *b, const hs__params_t *p, hs_db_res_t **res,
    hs_error_t *err)
{
    return hs__run_v(db, b, p->v, p->n, res, err);
}


/*
 * $1 = the tenant, $2 = value of the key field. *jv holds the value's
 * text until the statement ran (decref it then).
 */
static hs_rc_t
hs__bind_key(const hs_repo_table_t *t, const hs_secctx_t *sec,
    const char *field, const char *value, hs__params_t *p, json_t **jv,
    const hs_od_field_t **f, hs_error_t *err)
{
    hs_rc_t  rc;

    *f = hs__field(t, field);
    if (*f == NULL || sec == NULL || sec->tenant_id[0] == '\0') {
        hs_error_set(err, "no field \"%s\" or no tenant", field);
        return HS_EINVAL;
    }

    p->n = 0;
    hs__bind_text(p, sec->tenant_id);

    if ((*f)->type == HS_OD_UUID) {
        /* an id: normalized, no JSON value needed */
        *jv = NULL;

        if (hs_uuid_normalize(value, strlen(value), p->texts[p->n])
            != HS_OK)
        {
            hs_error_set(err, "no such %s", t->resource);
            return HS_ENOTFOUND;
        }

        p->v[p->n] = hs_dbv_text(p->texts[p->n], HS_UUID_LEN);
        p->n++;

        return HS_OK;
    }

    *jv = json_string(value);
    rc = *jv ? hs__bind(p, *f, *jv, err) : HS_ENOMEM;

    if (rc != HS_OK) {
        json_decref(*jv);
        /* a malformed id is an id that does not exist */
        hs_error_set(err, "no such %s", t->resource);
        return rc == HS_EINVAL ? HS_ENOTFOUND : rc;
    }

    return HS_OK;
}


/* One row or HS_ENOTFOUND: as an object in *row, or as text in *text. */
static hs_rc_t
hs__one(const hs_repo_table_t *t, hs_db_res_t *res, json_t **row,
    hs_jbuf_t *text, hs_error_t *err)
{
    int  failed;

    if (hs_db_res_rows(res) == 0) {
        hs_db_res_free(res);
        hs_error_set(err, "no such %s", t->resource);
        return HS_ENOTFOUND;
    }

    failed = 0;

    if (row != NULL) {
        *row = hs__row(t, res, 0);
        failed = (*row == NULL);

    } else if (text != NULL) {
        failed = (hs__row_text(t, res, 0, NULL, 0, text) != 0);
    }

    hs_db_res_free(res);

    if (failed) {
        hs_error_set(err, "out of memory, or a column that is not UTF-8");
        return HS_ENOMEM;
    }

    return HS_OK;
}


static hs_rc_t
hs__get_by(hs_db_t *db, const hs_secctx_t *sec, const hs_repo_table_t *t,
    const hs_repo_tree_t *h, const char *field, const char *value,
    json_t **row, hs_jbuf_t *text, hs_error_t *err)
{
    hs_rc_t               rc;
    hs__sb_t              b;
    hs__params_t          p;
    hs_db_res_t          *res;
    const hs_od_field_t  *f;
    json_t               *jv;

    memset(&b, 0, sizeof(b));

    rc = hs__bind_key(t, sec, field, value, &p, &jv, &f, err);
    if (rc != HS_OK) {
        return rc;
    }

    hs__sb_cat(&b, "SELECT ");
    hs__columns(&b, t);
    hs__sb_cat(&b, " FROM ");
    hs__sb_cat(&b, t->table);
    hs__sb_cat(&b, " WHERE ");
    hs__scope(&b, h);
    hs__sb_cat(&b, " AND ");
    hs__sb_cat(&b, f->column);
    hs__sb_cat(&b, " = $2 LIMIT 1");

    rc = hs__run(db, &b, &p, &res, err);
    json_decref(jv);
    hs_free(b.s);

    return rc == HS_OK ? hs__one(t, res, row, text, err) : rc;
}


hs_rc_t
hs_repo_find_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    size_t max, json_t **rows, hs_error_t *err)
{
    size_t                i, n;
    hs_rc_t               rc;
    json_t               *jv, *row;
    hs__sb_t              b;
    hs__params_t          p;
    hs_db_res_t          *res;
    const hs_od_field_t  *f;

    *rows = NULL;
    memset(&b, 0, sizeof(b));

    rc = hs__bind_key(t, sec, field, value, &p, &jv, &f, err);
    if (rc == HS_ENOTFOUND) {
        /* a value its field cannot hold matches nothing */
        *rows = json_array();
        return *rows ? HS_OK : HS_ENOMEM;
    }

    if (rc != HS_OK) {
        return rc;
    }

    hs__sb_cat(&b, "SELECT ");
    hs__columns(&b, t);
    hs__sb_add(&b, " FROM %s WHERE tenant_id = $1 AND %s = $2 ORDER BY id"
               " LIMIT %zu", t->table, f->column, max);

    rc = hs__run(db, &b, &p, &res, err);
    json_decref(jv);
    hs_free(b.s);

    if (rc != HS_OK) {
        return rc;
    }

    *rows = json_array();
    n = hs_db_res_rows(res);

    for (i = 0; *rows != NULL && i < n; i++) {
        row = hs__row(t, res, i);

        if (row == NULL || json_array_append_new(*rows, row) != 0) {
            json_decref(*rows);
            *rows = NULL;
        }
    }

    hs_db_res_free(res);

    if (*rows == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    return HS_OK;
}


hs_rc_t
hs_repo_get_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    json_t **row, hs_error_t *err)
{
    return hs__get_by(db, sec, t, NULL, field, value, row, NULL, err);
}


hs_rc_t
hs_repo_get(hs_db_t *db, const hs_secctx_t *sec, const hs_repo_table_t *t,
    const char *id, json_t **row, hs_error_t *err)
{
    return hs__get_by(db, sec, t, NULL, "id", id, row, NULL, err);
}


hs_rc_t
hs_repo_get_text(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, char **text, size_t *len,
    hs_error_t *err)
{
    hs_rc_t    rc;
    hs_jbuf_t  b = HS_JBUF_INIT;

    *text = NULL;

    rc = hs__get_by(db, sec, t, NULL, "id", id, NULL, &b, err);
    if (rc != HS_OK) {
        hs_free(b.p);
        return rc;
    }

    *text = hs_jbuf_finish(&b, len);
    if (*text == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    return HS_OK;
}


hs_rc_t
hs_repo_tree_get(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *id, json_t **row, hs_error_t *err)
{
    return hs__get_by(db, sec, &h->table, h, "id", id, row, NULL, err);
}


/* How hs__insert() places a row. */
typedef enum {
    HS__INSERT_ROW = 0,       /* in the caller's tenant */
    HS__INSERT_CHILD,         /* a tenant below a parent ($4...) */
    HS__INSERT_ROOT           /* the root tenant */
} hs__insert_t;


/* The SQL type of a field, for casts of parameters in a select list. */
static const char *
hs__sql_type(const hs_od_field_t *f)
{
    switch (f->type) {
    case HS_OD_INT:
        return "BIGINT";
    case HS_OD_NUMBER:
        return "DOUBLE PRECISION";
    case HS_OD_BOOL:
        return "BOOLEAN";
    default:
        return "TEXT";
    }
}


/*
 * $1 the tenant, $2 the id, $3 the time, then the fields; a child's
 * parent and match value follow them. Rows and roots come from a SELECT
 * of casted parameters (PostgreSQL cannot type bare ones there).
 */
static hs_rc_t
hs__insert(hs_db_t *db, const hs_secctx_t *sec, const hs_repo_table_t *t,
    const hs_repo_tree_t *h, hs__insert_t how, const char *parent,
    const char *match_field,
    const char *match_value, const json_t *values, json_t **row,
    hs_error_t *err)
{
    char                   id[HS_UUID_LEN + 1], now[40];
    char                   pid[HS_UUID_LEN + 1];
    hs_rc_t                rc;
    hs__sb_t               b, vals;
    hs__params_t           p;
    hs_db_res_t           *res;
    const json_t          *given;
    const hs_od_field_t   *f, *mf;

    if (sec == NULL || sec->tenant_id[0] == '\0') {
        hs_error_set(err, "no tenant");
        return HS_EINVAL;
    }

    mf = NULL;

    if (how == HS__INSERT_CHILD) {
        if (parent == NULL
            || hs_uuid_normalize(parent, strlen(parent), pid) != HS_OK)
        {
            hs_error_set(err, "no such parent %s", t->resource);
            return HS_ENOTFOUND;
        }

        if (match_field != NULL) {
            mf = hs__field(t, match_field);
            if (mf == NULL || match_value == NULL) {
                hs_error_set(err, "no field \"%s\"", match_field);
                return HS_EINVAL;
            }
        }
    }

    given = json_object_get(values, "id");

    if (how == HS__INSERT_ROOT) {
        memcpy(id, sec->tenant_id, sizeof(id));

    } else if (given != NULL && !json_is_null(given)) {
        if (!json_is_string(given)
            || hs_uuid_normalize(json_string_value(given),
                                 json_string_length(given), id) != HS_OK)
        {
            hs_error_set(err, "id: must be a uuid");
            return HS_EINVAL;
        }

    } else {
        hs_uuid_v7(id);
    }

    hs_now_rfc3339(now, sizeof(now));

    memset(&b, 0, sizeof(b));
    memset(&vals, 0, sizeof(vals));
    p.n = 0;

    hs__bind_text(&p, sec->tenant_id);
    hs__bind_text(&p, id);
    hs__bind_text(&p, now);

    hs__sb_add(&b, "INSERT INTO %s (tenant_id, id, created_at, updated_at",
               t->table);

    if (how == HS__INSERT_ROW) {
        hs__sb_cat(&vals, "$1, $2, $3, $3");

    } else {
        /* a tenant's row belongs to the tenant itself (the root's id is
           the caller's tenant, $1) */
        hs__sb_add(&vals, "CAST($%d AS TEXT), CAST($2 AS TEXT),"
                   " CAST($3 AS TEXT), CAST($3 AS TEXT)",
                   how == HS__INSERT_ROOT ? 1 : 2);
    }

    for (f = t->fields; f->name; f++) {
        if (hs__fixed(h, f, 1)) {
            continue;
        }

        if (p.n == HS__REPO_MAX_FIELDS) {
            hs_error_set(err, "too many fields");
            rc = HS_ERROR;
            goto done;
        }

        rc = hs__bind(&p, f, json_object_get(values, f->name), err);
        if (rc != HS_OK) {
            goto done;
        }

        hs__sb_add(&b, ", %s", f->column);

        if (how == HS__INSERT_ROW) {
            hs__sb_add(&vals, ", $%zu", p.n);

        } else {
            hs__sb_add(&vals, ", CAST($%zu AS %s)", p.n, hs__sql_type(f));
        }
    }

    switch (how) {

    case HS__INSERT_ROW:
        hs__sb_add(&b, ") VALUES (%s)", vals.s);
        break;

    case HS__INSERT_CHILD:
        /* computed from the parent's row, which the caller manages */
        hs__bind_text(&p, pid);
        hs__sb_add(&b, ", %s, %s, %s, %s) SELECT %s, id, %s || CAST($2 AS"
                   " TEXT) || '/', CASE WHEN %s THEN %s ELSE %s END, %s + 1"
                   " FROM %s WHERE id = $%zu AND ", h->parent, h->path,
                   h->gate, h->depth, vals.s, h->path, h->barrier, h->path,
                   h->gate, h->depth, t->table, p.n);
        hs__tree_managed(&b, h);

        if (mf != NULL) {
            hs__bind_text(&p, match_value);
            hs__sb_add(&b, " AND %s = $%zu", mf->column, p.n);
        }
        break;

    case HS__INSERT_ROOT:
        hs__sb_add(&b, ", %s, %s, %s, %s) SELECT %s, NULL, '/' || CAST($2 AS"
                   " TEXT) || '/', '', 0 WHERE NOT EXISTS (SELECT 1 FROM %s"
                   " WHERE %s IS NULL)", h->parent, h->path, h->gate,
                   h->depth, vals.s, t->table, h->parent);
        break;
    }

    hs__sb_cat(&b, " RETURNING ");
    hs__columns(&b, t);

    if (vals.failed) {
        b.failed = 1;
    }

    rc = hs__run(db, &b, &p, &res, err);
    if (rc == HS_OK) {
        rc = hs__one(t, res, row, NULL, err);

        if (rc == HS_ENOTFOUND && how == HS__INSERT_ROOT) {
            hs_error_set(err, "%s: the root exists already", t->table);
            rc = HS_EEXIST;

        } else if (rc == HS_ENOTFOUND) {
            hs_error_set(err, "no such parent %s", t->resource);
        }
    }

done:

    hs_free(b.s);
    hs_free(vals.s);

    return rc;
}


hs_rc_t
hs_repo_create(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const json_t *values, json_t **row,
    hs_error_t *err)
{
    return hs__insert(db, sec, t, NULL, HS__INSERT_ROW, NULL, NULL, NULL,
                      values, row, err);
}


hs_rc_t
hs_repo_tree_create(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *parent, const char *match_field,
    const char *match_value, const json_t *values, json_t **row,
    hs_error_t *err)
{
    return hs__insert(db, sec, &h->table, h, HS__INSERT_CHILD, parent,
                      match_field, match_value, values, row, err);
}


hs_rc_t
hs_repo_tree_create_root(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const json_t *values, json_t **row,
    hs_error_t *err)
{
    return hs__insert(db, sec, &h->table, h, HS__INSERT_ROOT, NULL, NULL,
                      NULL, values, row, err);
}


/* $1 the tenant, $2 the id, $3 the time, $4 the expected value or none. */
static hs_rc_t
hs__update(hs_db_t *db, const hs_secctx_t *sec, const hs_repo_table_t *t,
    const hs_repo_tree_t *h, const char *id, const char *field,
    const char *expected,
    const json_t *changes, json_t **row, hs_error_t *err)
{
    char                  nid[HS_UUID_LEN + 1], now[40];
    hs_rc_t               rc;
    hs__sb_t              b;
    hs__params_t          p;
    hs_db_res_t          *res;
    const hs_od_field_t  *f, *cf;

    if (sec == NULL || sec->tenant_id[0] == '\0') {
        hs_error_set(err, "no tenant");
        return HS_EINVAL;
    }

    cf = NULL;

    if (field != NULL) {
        cf = hs__field(t, field);
        if (cf == NULL || expected == NULL) {
            hs_error_set(err, "no field \"%s\"", field);
            return HS_EINVAL;
        }
    }

    if (hs_uuid_normalize(id, strlen(id), nid) != HS_OK) {
        hs_error_set(err, "no such %s", t->resource);
        return HS_ENOTFOUND;
    }

    hs_now_rfc3339(now, sizeof(now));

    memset(&b, 0, sizeof(b));
    p.n = 0;

    hs__bind_text(&p, sec->tenant_id);
    hs__bind_text(&p, nid);
    hs__bind_text(&p, now);

    if (cf != NULL) {
        hs__bind_text(&p, expected);
    }

    hs__sb_add(&b, "UPDATE %s SET updated_at = $3", t->table);

    for (f = t->fields; f->name; f++) {
        if (hs__fixed(h, f, 0)
            || json_object_get(changes, f->name) == NULL)
        {
            continue;
        }

        if (p.n == HS__REPO_MAX_FIELDS) {
            hs_error_set(err, "too many fields");
            hs_free(b.s);
            return HS_ERROR;
        }

        rc = hs__bind(&p, f, json_object_get(changes, f->name), err);
        if (rc != HS_OK) {
            hs_free(b.s);
            return rc;
        }

        hs__sb_add(&b, ", %s = $%zu", f->column, p.n);
    }

    hs__sb_cat(&b, " WHERE ");
    hs__scope(&b, h);
    hs__sb_cat(&b, " AND id = $2");

    if (cf != NULL) {
        hs__sb_add(&b, " AND %s = $4", cf->column);
    }

    hs__sb_cat(&b, " RETURNING ");
    hs__columns(&b, t);

    rc = hs__run(db, &b, &p, &res, err);
    hs_free(b.s);

    return rc == HS_OK ? hs__one(t, res, row, NULL, err) : rc;
}


hs_rc_t
hs_repo_update(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, const json_t *changes,
    json_t **row, hs_error_t *err)
{
    return hs__update(db, sec, t, NULL, id, NULL, NULL, changes, row, err);
}


hs_rc_t
hs_repo_tree_update_if(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *id, const char *field,
    const char *expected, const json_t *changes, json_t **row,
    hs_error_t *err)
{
    return hs__update(db, sec, &h->table, h, id, field, expected, changes,
                      row, err);
}


hs_rc_t
hs_repo_incr(hs_db_t *db, const hs_secctx_t *sec, const hs_repo_table_t *t,
    const char *id, const char *field, int64_t delta, int64_t *value,
    hs_error_t *err)
{
    char                  now[40];
    hs_rc_t               rc;
    json_t               *jv, *row;
    hs__sb_t              b;
    hs__params_t          p;
    hs_db_res_t          *res;
    const hs_od_field_t  *f, *key;

    f = hs__field(t, field);
    if (f == NULL || f->type != HS_OD_INT || hs__managed(field)) {
        hs_error_set(err, "no integer field \"%s\"", field);
        return HS_EINVAL;
    }

    rc = hs__bind_key(t, sec, "id", id, &p, &jv, &key, err);
    if (rc != HS_OK) {
        return rc;
    }

    hs_now_rfc3339(now, sizeof(now));
    p.v[p.n++] = hs_dbv_int(delta);
    hs__bind_text(&p, now);

    memset(&b, 0, sizeof(b));
    hs__sb_add(&b, "UPDATE %s SET %s = %s + $3, updated_at = $4"
               " WHERE tenant_id = $1 AND %s = $2 RETURNING ",
               t->table, f->column, f->column, key->column);
    hs__columns(&b, t);

    rc = hs__run(db, &b, &p, &res, err);
    json_decref(jv);
    hs_free(b.s);

    row = NULL;
    if (rc == HS_OK) {
        rc = hs__one(t, res, &row, NULL, err);
    }

    if (rc == HS_OK && value != NULL) {
        *value = json_integer_value(json_object_get(row, field));
    }

    json_decref(row);

    return rc;
}


hs_rc_t
hs_repo_delete_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    hs_error_t *err)
{
    hs_rc_t               rc;
    json_t               *jv;
    hs__sb_t              b;
    hs__params_t          p;
    hs_db_res_t          *res;
    const hs_od_field_t  *f;

    memset(&b, 0, sizeof(b));

    rc = hs__bind_key(t, sec, field, value, &p, &jv, &f, err);
    if (rc != HS_OK) {
        return rc;
    }

    hs__sb_add(&b, "DELETE FROM %s WHERE ", t->table);
    hs__scope(&b, NULL);
    hs__sb_add(&b, " AND %s = $2", f->column);

    rc = hs__run(db, &b, &p, &res, err);
    json_decref(jv);
    hs_free(b.s);

    if (rc != HS_OK) {
        return rc;
    }

    rc = hs_db_res_affected(res) > 0 ? HS_OK : HS_ENOTFOUND;
    hs_db_res_free(res);

    if (rc == HS_ENOTFOUND) {
        hs_error_set(err, "no such %s", t->resource);
    }

    return rc;
}


hs_rc_t
hs_repo_delete(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, hs_error_t *err)
{
    return hs_repo_delete_by(db, sec, t, "id", id, err);
}


hs_rc_t
hs_repo_put_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    const json_t *values, json_t **row, int *created, hs_error_t *err)
{
    hs_rc_t        rc;
    json_t        *cur, *merged;
    hs_db_conn_t  *c;

    rc = hs_db_conn_get(db, &c, err);
    if (rc != HS_OK) {
        return rc;
    }

    rc = hs_db_begin(c, err);
    if (rc != HS_OK) {
        return rc;
    }

    cur = NULL;
    rc = hs_repo_get_by(db, sec, t, field, value, &cur, err);

    if (rc == HS_OK) {
        *created = 0;
        rc = hs_repo_update(db, sec, t,
                            json_string_value(json_object_get(cur, "id")),
                            values, row, err);

    } else if (rc == HS_ENOTFOUND) {
        *created = 1;
        merged = json_deep_copy(values);
        rc = merged && json_object_set_new(merged, field,
                                           json_string(value)) == 0
             ? hs_repo_create(db, sec, t, merged, row, err) : HS_ENOMEM;
        json_decref(merged);
    }

    json_decref(cur);

    if (rc == HS_OK) {
        return hs_db_commit(c, err);
    }

    hs_db_rollback(c, NULL);

    return rc;
}


/* The cursor of row r: its values of the query's sort key columns. */
static char *
hs__cursor(const hs_repo_table_t *t, const hs_od_query_t *q,
    const hs_db_res_t *res, size_t r, int next, const unsigned char *key,
    size_t keylen)
{
    size_t                i, k, n;
    hs_dbv_t              vals[HS__REPO_MAX_FIELDS];
    const char *const    *cols;
    const hs_od_field_t  *f;

    n = hs_od_keys(q, &cols);

    for (k = 0; k < n && k < HS__REPO_MAX_FIELDS; k++) {
        for (i = 0, f = t->fields; f->name; f++, i++) {
            if (strcmp(f->column, cols[k]) == 0) {
                break;
            }
        }

        if (f->name == NULL || hs_db_res_get(res, r, i, &vals[k]) != HS_OK) {
            return NULL;
        }
    }

    return hs_od_cursor(q, next, vals, k, key, keylen);
}


/*
 * Below the row of $2, a tenant the caller manages: strictly below its
 * path (its children only: and the parent column is $2).
 */
static void
hs__tree_under(hs__sb_t *b, const hs_repo_tree_t *h, int children)
{
    hs__sb_t  u;

    memset(&u, 0, sizeof(u));

    hs__sb_add(&u, "(SELECT %s FROM %s WHERE id = $2 AND ", h->path,
               h->table.table);
    hs__tree_managed(&u, h);
    hs__sb_cat(&u, ")");

    if (u.failed) {
        b->failed = 1;
        return;
    }

    hs__sb_add(b, " AND %s > %s AND %s < %s || '~'", h->path, u.s, h->path,
               u.s);

    if (children) {
        hs__sb_add(b, " AND %s = $2", h->parent);
    }

    hs_free(u.s);
}


static hs_rc_t
hs__list(hs_db_t *db, const hs_secctx_t *sec, const hs_repo_table_t *t,
    const hs_repo_tree_t *h, const char *under, int children,
    const hs_od_query_t *q,
    int from_cursor, const unsigned char *key, size_t keylen, int as_text,
    hs_repo_page_t *page, hs_error_t *err)
{
    int                   next_param, more, back;
    char                 *where, *order, uid[HS_UUID_LEN + 1];
    size_t                i, n, nrows, limit, nod;
    hs_rc_t               rc;
    json_t               *row;
    hs__sb_t              b;
    hs_dbv_t             *odp;
    hs_jbuf_t             text = HS_JBUF_INIT;
    hs_db_res_t          *res;
    size_t                nsel;
    const char *const    *sel;

    memset(page, 0, sizeof(hs_repo_page_t));

    if (sec == NULL || sec->tenant_id[0] == '\0') {
        hs_error_set(err, "no tenant");
        return HS_EINVAL;
    }

    /* $1 is the tenant, $2 the tenant to list under; the query's own
       parameters follow */
    odp = hs_alloc(2 * sizeof(hs_dbv_t));
    if (odp == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    odp[0] = hs_dbv_text(sec->tenant_id, strlen(sec->tenant_id));
    nod = 1;

    if (under != NULL) {
        if (hs_uuid_normalize(under, strlen(under), uid) != HS_OK) {
            hs_free(odp);
            hs_error_set(err, "no such %s", t->resource);
            return HS_ENOTFOUND;
        }

        odp[nod++] = hs_dbv_text(uid, HS_UUID_LEN);
    }

    next_param = (int) nod + 1;
    where = NULL;
    order = NULL;

    rc = hs_od_sql(q, hs_db_kind(db), &next_param, &where, &order, &odp,
                   &nod, err);
    if (rc != HS_OK) {
        hs_free(odp);
        return rc;
    }

    limit = hs_od_limit(q);

    memset(&b, 0, sizeof(b));

    hs__sb_cat(&b, "SELECT ");
    hs__columns(&b, t);
    hs__sb_add(&b, " FROM %s WHERE ", t->table);
    hs__scope(&b, h);
    if (h != NULL) {
        hs__tree_under(&b, h, children);
    }
    if (where != NULL && where[0] != '\0') {
        hs__sb_add(&b, " AND (%s)", where);
    }
    if (order != NULL && order[0] != '\0') {
        hs__sb_add(&b, " ORDER BY %s", order);
    }
    hs__sb_add(&b, " LIMIT %zu", limit + 1);

    rc = hs__run_v(db, &b, odp, nod, &res, err);

    hs_free(b.s);
    hs_free(where);
    hs_free(order);

    if (rc != HS_OK) {
        hs_free(odp);
        return rc;
    }

    nrows = hs_db_res_rows(res);
    more = nrows > limit;
    n = more ? limit : nrows;

    page->limit = limit;

    nsel = hs_od_selected(q, &sel);

    if (as_text) {
        hs_jbuf_raw(&text, "[", 1);

        for (i = 0; i < n; i++) {
            if (i) {
                hs_jbuf_raw(&text, ",", 1);
            }

            if (hs__row_text(t, res, hs_od_backward(q) ? n - 1 - i : i, sel,
                             nsel, &text) != 0)
            {
                rc = HS_ENOMEM;
                break;
            }
        }

        hs_jbuf_raw(&text, "]", 1);

        if (rc == HS_OK) {
            page->items_text = hs_jbuf_finish(&text, &page->items_len);

        } else {
            hs_free(text.p);
        }

    } else {
        page->items = json_array();
    }

    for (i = 0; !as_text && i < n && page->items; i++) {
        /* a backward page comes in reverse order */
        row = hs__row(t, res, hs_od_backward(q) ? n - 1 - i : i);

        if (row != NULL && nsel > 0) {
            row = hs__select(row, sel, nsel);
        }

        if (row == NULL || json_array_append_new(page->items, row) != 0) {
            rc = HS_ENOMEM;
            break;
        }
    }

    /* cursors from the first and last rows' sort keys */
    if (rc == HS_OK && n > 0) {
        back = hs_od_backward(q);

        /* forward: next if more rows follow, prev if we came by cursor;
           backward: next always (we came from there), prev if more */
        if (back ? 1 : more) {
            page->next_cursor = hs__cursor(t, q, res, back ? 0 : n - 1, 1,
                                           key, keylen);
        }

        if (back ? more : from_cursor) {
            page->prev_cursor = hs__cursor(t, q, res, back ? n - 1 : 0, 0,
                                           key, keylen);
        }
    }

    hs_db_res_free(res);
    hs_free(odp);

    if (rc != HS_OK || (page->items == NULL && page->items_text == NULL)) {
        hs_repo_page_release(page);
        hs_error_set(err, "out of memory, or a column that is not UTF-8");
        return rc != HS_OK ? rc : HS_ENOMEM;
    }

    return HS_OK;
}


hs_rc_t
hs_repo_list(hs_db_t *db, const hs_secctx_t *sec, const hs_repo_table_t *t,
    const hs_od_query_t *q, int from_cursor, const unsigned char *key,
    size_t keylen, hs_repo_page_t *page, hs_error_t *err)
{
    return hs__list(db, sec, t, NULL, NULL, 0, q, from_cursor, key, keylen,
                    0, page, err);
}


hs_rc_t
hs_repo_list_text(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const hs_od_query_t *q, int from_cursor,
    const unsigned char *key, size_t keylen, hs_repo_page_t *page,
    hs_error_t *err)
{
    return hs__list(db, sec, t, NULL, NULL, 0, q, from_cursor, key, keylen,
                    1, page, err);
}


hs_rc_t
hs_repo_tree_list(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *under, int children,
    const hs_od_query_t *q, int from_cursor, const unsigned char *key,
    size_t keylen, hs_repo_page_t *page, hs_error_t *err)
{
    if (under == NULL) {
        memset(page, 0, sizeof(hs_repo_page_t));
        hs_error_set(err, "no tenant to list below");
        return HS_EINVAL;
    }

    return hs__list(db, sec, &h->table, h, under, children, q, from_cursor,
                    key, keylen, 0, page, err);
}


void
hs_repo_page_release(hs_repo_page_t *page)
{
    json_decref(page->items);
    hs_free(page->items_text);
    hs_free(page->next_cursor);
    hs_free(page->prev_cursor);
    memset(page, 0, sizeof(hs_repo_page_t));
}


json_t *
hs_repo_page_json(hs_repo_page_t *page)
{
    json_t  *doc;

    doc = json_pack("{s:O, s:{s:s?, s:s?, s:I}}",
                    "items", page->items,
                    "page_info",
                    "next_cursor", page->next_cursor,
                    "prev_cursor", page->prev_cursor,
                    "limit", (json_int_t) page->limit);

    return doc;
}


char *
hs_repo_page_text(const hs_repo_page_t *page, size_t *len)
{
    hs_jbuf_t     b = HS_JBUF_INIT;
    const char   *cur[2];
    size_t        i;

    static const char *const  names[2] = {
        ",\"page_info\":{\"next_cursor\":", ",\"prev_cursor\":"
    };

    /* the members and their order of hs_repo_page_json() */
    hs_jbuf_raw(&b, "{\"items\":", 9);

    if (page->items_text != NULL) {
        hs_jbuf_raw(&b, page->items_text, page->items_len);

    } else {
        hs_jbuf_value(&b, page->items ? page->items : json_null());
    }

    cur[0] = page->next_cursor;
    cur[1] = page->prev_cursor;

    for (i = 0; i < 2; i++) {
        hs_jbuf_raw(&b, names[i], strlen(names[i]));

        if (cur[i] != NULL) {
            hs_jbuf_string(&b, cur[i], strlen(cur[i]));

        } else {
            hs_jbuf_raw(&b, "null", 4);
        }
    }

    hs_jbuf_raw(&b, ",\"limit\":", 9);
    hs_jbuf_integer(&b, (json_int_t) page->limit);
    hs_jbuf_raw(&b, "}}", 2);

    return hs_jbuf_finish(&b, len);
}
