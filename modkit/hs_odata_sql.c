/*
 * OData list queries: the SQL of a parsed query.
 *
 * Every predicate is emitted "atomic": either a single comparison or
 * parenthesized, so the result can be ANDed with anything. NOT is pushed
 * down to the comparisons (De Morgan) so that the logic stays two-valued
 * with NULL columns, the way OData defines it:
 *
 *     a eq v        a = $k                  not: (a <> $k OR a IS NULL)
 *     a ne v        (a <> $k OR a IS NULL)  not: a = $k
 *     a gt v        a > $k                  not: (a <= $k OR a IS NULL)
 *     a eq null     a IS NULL               not: a IS NOT NULL
 *     contains(a,v) a GLOB $k (SQLite) / a LIKE $k ESCAPE E'\\'
 *                   (PostgreSQL, whatever standard_conforming_strings)
 *                                           not: (a NOT ... OR a IS NULL)
 *
 * (no "OR a IS NULL" for HS_OD_NOTNULL fields).
 *
 * The keyset condition of a cursor, with NULL as the smallest value:
 *
 *     (k1 > $a) OR (k1 = $a AND k2 > $b) OR ...
 *
 * where "after v" is "k > v" for an ascending key in the direction read,
 * "(k < v OR k IS NULL)" for a descending one, "k IS NOT NULL" (ascending)
 * or nothing (descending) when v is NULL; and "k = v" is "k IS NULL" when
 * v is NULL.
 */

#include <stdio.h>
#include <string.h>

#define HS_ODATA_IMPL
#include "hs_odata.h"

typedef struct {
    const hs_od_query_t  *q;
    hs_db_kind_t          dialect;
    hs__od_buf_t          b;
    int                   next;       /* the next $k */
    hs_dbv_t             *params;
    size_t                nparams;
    size_t                cap;
    int                   nomem;
} hs__od_sql_t;


static int hs__od_param(hs__od_sql_t *s, const hs_dbv_t *v);
static void hs__od_pred(hs__od_sql_t *s, int i, int neg);
static void hs__od_cmp(hs__od_sql_t *s, const char *column, int nullable,
    const char *op, const hs_dbv_t *v, const char *suffix, int or_null);
static void hs__od_keyset(hs__od_sql_t *s);
static void hs__od_order(hs__od_sql_t *s);


static const char  *hs__od_sql_ops[] = { "=", "<>", ">", ">=", "<", "<=" };

/* the operator that negates each one */
static const int  hs__od_neg_ops[] = {
    HS__OD_NE, HS__OD_EQ, HS__OD_LE, HS__OD_LT, HS__OD_GE, HS__OD_GT
};


/* Appends v to the parameters; its placeholder number. */
static int
hs__od_param(hs__od_sql_t *s, const hs_dbv_t *v)
{
    size_t     cap;
    hs_dbv_t  *p;

    if (s->nparams == s->cap) {
        cap = s->cap ? s->cap * 2 : 8;

        p = hs_realloc(s->params, cap * sizeof(hs_dbv_t));
        if (p == NULL) {
            s->nomem = 1;
            return 0;
        }

        s->params = p;
        s->cap = cap;
    }

    s->params[s->nparams++] = *v;

    return s->next++;
}


/* column op $k suffix, or (column op $k suffix OR column IS NULL) */
static void
hs__od_cmp(hs__od_sql_t *s, const char *column, int nullable, const char *op,
    const hs_dbv_t *v, const char *suffix, int or_null)
{
    int  k;

    or_null = or_null && nullable;
    k = hs__od_param(s, v);

    hs__od_buf_printf(&s->b, "%s", or_null ? "(" : "");
    hs__od_buf_str(&s->b, column);
    hs__od_buf_printf(&s->b, " %s $%d", op, k);
    hs__od_buf_str(&s->b, suffix);

    if (or_null) {
        hs__od_buf_str(&s->b, " OR ");
        hs__od_buf_str(&s->b, column);
        hs__od_buf_str(&s->b, " IS NULL)");
    }
}


static void
hs__od_pred(hs__od_sql_t *s, int i, int neg)
{
    int                   op, nullable;
    const char           *col;
    hs_dbv_t              v;
    const hs__od_node_t  *n;

    n = &s->q->nodes[i];

    switch (n->kind) {

    case HS__OD_AND:
    case HS__OD_OR:
        hs__od_buf_str(&s->b, "(");
        hs__od_pred(s, n->left, neg);
        hs__od_buf_str(&s->b, ((n->kind == HS__OD_AND) != !!neg)
                              ? " AND " : " OR ");
        hs__od_pred(s, n->right, neg);
        hs__od_buf_str(&s->b, ")");
        return;

    case HS__OD_NOT:
        hs__od_pred(s, n->left, !neg);
        return;

    default:
        break;
    }

    col = n->field->column;
    nullable = !(n->field->flags & HS_OD_NOTNULL);

    if (n->kind == HS__OD_FUNC) {
        v = hs_dbv_cstr(s->dialect == HS_DB_POSTGRES ? n->like : n->glob);

        if (s->dialect == HS_DB_POSTGRES) {
            hs__od_cmp(s, col, nullable, neg ? "NOT LIKE" : "LIKE", &v,
                       " ESCAPE E'\\\\'", neg);

        } else {
            hs__od_cmp(s, col, nullable, neg ? "NOT GLOB" : "GLOB", &v, "",
                       neg);
        }

        return;
    }

    if (n->val.type == HS_DBV_NULL) {
        hs__od_buf_str(&s->b, col);
        hs__od_buf_str(&s->b, ((n->op == HS__OD_EQ) != !!neg)
                              ? " IS NULL" : " IS NOT NULL");
        return;
    }

    op = neg ? hs__od_neg_ops[n->op] : n->op;

    hs__od_cmp(s, col, nullable, hs__od_sql_ops[op], &n->val, "",
               (n->op == HS__OD_NE) != !!neg);
}


static void
hs__od_keyset(hs__od_sql_t *s)
{
    int                  *ph, desc, first, terms;
    size_t                i, j, nd;
    const hs_dbv_t       *v;
    const hs__od_key_t   *k;
    const hs_od_query_t  *q;

    q = s->q;

    /* one placeholder per non-null value, each used at least once */
    ph = hs_calloc(q->nkeys + 1, sizeof(int));
    if (ph == NULL) {
        s->nomem = 1;
        return;
    }

    for (i = 0; i < q->nkeys; i++) {
        if (q->cvals[i].type != HS_DBV_NULL) {
            ph[i] = hs__od_param(s, &q->cvals[i]);
        }
    }

    /* the disjuncts that are not always false */
    nd = 0;

    for (i = 0; i < q->nkeys; i++) {
        desc = q->keys[i].desc != q->backward;
        nd += !(desc && q->cvals[i].type == HS_DBV_NULL);
    }

    first = 1;

    if (nd > 1) {
        hs__od_buf_str(&s->b, "(");
    }

    for (i = 0; i < q->nkeys; i++) {
        k = &q->keys[i];
        v = &q->cvals[i];
        desc = k->desc != q->backward;

        if (desc && v->type == HS_DBV_NULL) {
            continue;
        }

        if (!first) {
            hs__od_buf_str(&s->b, " OR ");
        }

        first = 0;
        terms = 0;

        if (i > 0) {
            hs__od_buf_str(&s->b, "(");
        }

        for (j = 0; j < i; j++) {
            if (terms++) {
                hs__od_buf_str(&s->b, " AND ");
            }

            hs__od_buf_str(&s->b, q->keys[j].column);

            if (q->cvals[j].type == HS_DBV_NULL) {
                hs__od_buf_str(&s->b, " IS NULL");

            } else {
                hs__od_buf_printf(&s->b, " = $%d", ph[j]);
            }
        }

        if (terms++) {
            hs__od_buf_str(&s->b, " AND ");
        }

        if (v->type == HS_DBV_NULL) {
            hs__od_buf_str(&s->b, k->column);
            hs__od_buf_str(&s->b, " IS NOT NULL");

        } else if (!desc) {
            hs__od_buf_str(&s->b, k->column);
            hs__od_buf_printf(&s->b, " > $%d", ph[i]);

        } else if (k->notnull) {
            hs__od_buf_str(&s->b, k->column);
            hs__od_buf_printf(&s->b, " < $%d", ph[i]);

        } else {
            hs__od_buf_str(&s->b, "(");
            hs__od_buf_str(&s->b, k->column);
            hs__od_buf_printf(&s->b, " < $%d OR ", ph[i]);
            hs__od_buf_str(&s->b, k->column);
            hs__od_buf_str(&s->b, " IS NULL)");
        }

        if (i > 0) {
            hs__od_buf_str(&s->b, ")");
        }
    }

    if (nd > 1) {
        hs__od_buf_str(&s->b, ")");
    }

    hs_free(ph);
}


static void
hs__od_order(hs__od_sql_t *s)
{
    int                   desc;
    size_t                i;
    const hs__od_key_t   *k;

    for (i = 0; i < s->q->nkeys; i++) {
        k = &s->q->keys[i];
        desc = k->desc != s->q->backward;

        if (i) {
            hs__od_buf_str(&s->b, ", ");
        }

        hs__od_buf_str(&s->b, k->column);
        hs__od_buf_str(&s->b, desc ? " DESC" : " ASC");

        /* SQLite's default: NULLs first ascending, last descending */
        if (s->dialect == HS_DB_POSTGRES && !k->notnull) {
            hs__od_buf_str(&s->b, desc ? " NULLS LAST" : " NULLS FIRST");
        }
    }
}


hs_rc_t
hs_od_sql(const hs_od_query_t *q, hs_db_kind_t dialect, int *next_param,
    char **where_sql, char **order_sql, hs_dbv_t **params, size_t *nparams,
    hs_error_t *err)
{
    hs__od_sql_t  s;

    *where_sql = NULL;
    *order_sql = NULL;

    if (dialect != HS_DB_SQLITE && dialect != HS_DB_POSTGRES) {
        hs_error_set(err, "hs_od_sql: unknown dialect %d", (int) dialect);
        return HS_EINVAL;
    }

    if (*next_param < 1) {
        hs_error_set(err, "hs_od_sql: the first placeholder is $%d",
                     *next_param);
        return HS_EINVAL;
    }

    memset(&s, 0, sizeof(hs__od_sql_t));
    s.q = q;
    s.dialect = dialect;
    s.next = *next_param;
    s.params = *params;
    s.nparams = *nparams;
    s.cap = *nparams;

    hs__od_buf_str(&s.b, "");

    if (q->root >= 0) {
        hs__od_pred(&s, q->root, 0);
    }

    if (q->has_cursor) {
        if (q->root >= 0) {
            hs__od_buf_str(&s.b, " AND ");
        }

        hs__od_keyset(&s);
    }

    if (s.nomem || s.b.nomem) {
        goto nomem;
    }

    *where_sql = s.b.p;

    memset(&s.b, 0, sizeof(hs__od_buf_t));
    hs__od_buf_str(&s.b, "");
    hs__od_order(&s);

    if (s.b.nomem) {
        hs_free(*where_sql);
        *where_sql = NULL;
        goto nomem;
    }

    *order_sql = s.b.p;
    *params = s.params;
    *nparams = s.nparams;
    *next_param = s.next;

    return HS_OK;

nomem:

    hs_free(s.b.p);
    *params = s.params;
    hs_error_set(err, "hs_od_sql: out of memory");

    return HS_ENOMEM;
}
