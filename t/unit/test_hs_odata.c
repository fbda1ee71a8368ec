/*
 * hs_odata: $filter/$orderby/$select/limit/cursor parsing, the SQL for
 * both dialects, errors for malformed and hostile input, cursors, and the
 * SQL run for real on an in-memory SQLite database (and on PostgreSQL
 * when HS_TEST_PG_URL is set).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <libpq-fe.h>

#include "hs_odata.h"
#include "hs_tap.h"

#define T_FILTER  HS_OD_FILTER
#define T_SORT    HS_OD_SORT
#define T_SELECT  HS_OD_SELECT
#define T_NN      HS_OD_NOTNULL

#define T_ROWS    20
#define T_MAXIDS  64

static const hs_od_field_t  t_fields[] = {
    { "id", "id", HS_OD_INT, T_FILTER | T_SORT | T_SELECT | T_NN },
    { "name", "name", HS_OD_STRING, T_FILTER | T_SORT | T_SELECT | T_NN },
    { "email", "email", HS_OD_STRING, T_FILTER | T_SORT | T_SELECT },
    { "age", "age", HS_OD_INT, T_FILTER | T_SELECT },
    { "score", "score", HS_OD_NUMBER, T_FILTER | T_SORT | T_SELECT | T_NN },
    { "active", "active", HS_OD_BOOL, T_FILTER | T_SORT | T_NN },
    { "uid", "uid", HS_OD_UUID, T_FILTER | T_SORT | T_SELECT | T_NN },
    { "created_at", "created", HS_OD_DATETIME,
      T_FILTER | T_SORT | T_SELECT | T_NN },
    { "secret", "secret", HS_OD_STRING, 0 },
    { NULL, NULL, 0, 0 }
};

static const hs_od_field_t  t_bad_fields1[] = {
    { "bad name", "x", HS_OD_INT, T_FILTER },
    { NULL, NULL, 0, 0 }
};

static const hs_od_field_t  t_bad_fields2[] = {
    { "x", "x", HS_OD_INT, T_FILTER },
    { "y", "y", (hs_od_type_t) 99, T_FILTER },
    { NULL, NULL, 0, 0 }
};

static const unsigned char  t_key[] = "0123456789abcdef0123456789abcdef";
static const unsigned char  t_key2[] = "another key, another resource...";
#define T_KEYLEN  32

/* the test table */
typedef struct {
    int          id;
    const char  *name;
    const char  *email;            /* NULL: NULL */
    int          age;              /* -1: NULL */
    double       score;
    int          active;
    char         uid[40];
    char         created[32];
} t_row_t;

static t_row_t  t_rows[T_ROWS] = {
    { 1, "alice", "alice@example.com", 30, 4.5, 1, "", "" },
    { 2, "Alice", "ALICE@EXAMPLE.COM", 25, 3.0, 0, "", "" },
    { 3, "bob", NULL, 41, 2.25, 1, "", "" },
    { 4, "carol", "carol@example.org", -1, 5.0, 1, "", "" },
    { 5, "dave", "dave@example.com", 19, 1.5, 0, "", "" },
    { 6, "O'Brien", "obrien@example.com", 52, 3.75, 1, "", "" },
    { 7, "50%_off", "sale@example.com", 33, 0.5, 0, "", "" },
    { 8, "a_b", "ab@example.com", 28, 2.0, 1, "", "" },
    { 9, "axb", NULL, 28, 2.0, 0, "", "" },
    { 10, "star*glob", "star@example.com", 60, 4.0, 1, "", "" },
    { 11, "bob", "bob2@example.com", 41, 2.25, 0, "", "" },
    { 12, "eve", NULL, -1, 3.5, 1, "", "" },
    { 13, "frank", "frank@example.net", 37, -1.25, 0, "", "" },
    { 14, "grace", "grace@example.com", 29, 4.75, 1, "", "" },
    { 15, "heidi", "heidi@example.com", 45, 3.0, 1, "", "" },
    { 16, "ivan", NULL, 22, 1.0, 0, "", "" },
    { 17, "judy", "judy@example.com", 31, 2.5, 1, "", "" },
    { 18, "mallory", "mallory@evil.example", 66, 0.0, 0, "", "" },
    { 19, "trent", "trent@example.com", 39, 3.25, 1, "", "" },
    { 20, "bob", "bob3@example.com", -1, 2.25, 1, "", "" }
};

/* a database under test */
typedef struct {
    hs_db_kind_t   kind;
    sqlite3       *lite;
    PGconn        *pg;
} t_db_t;

/* a result: ncols values per row, text owned */
typedef struct {
    size_t         nrows;
    size_t         ncols;
    hs_dbv_t      *v;
} t_res_t;

typedef struct {
    int            ids[T_MAXIDS];
    size_t         n;
    char          *next;
    char          *prev;
} t_page_t;

/* sort keys of the expected order, computed in C */
enum { C_ID, C_NAME, C_EMAIL, C_SCORE, C_ACTIVE, C_UID, C_CREATED };

typedef struct {
    int   col;
    int   desc;
} t_sortkey_t;

typedef int (*t_pred_t)(const t_row_t *r);

typedef struct {
    const char   *filter;
    const char   *orderby;
    size_t        limit;
    t_pred_t      pred;          /* NULL: all rows */
    t_sortkey_t   keys[4];
    size_t        nkeys;
} t_paging_t;

static const t_sortkey_t  *t_cmp_keys;
static size_t              t_cmp_nkeys;


static void
t_init_rows(void)
{
    int  i, id;

    for (i = 0; i < T_ROWS; i++) {
        id = t_rows[i].id;
        snprintf(t_rows[i].uid, sizeof(t_rows[i].uid),
                 "%08x-1111-4aaa-8bbb-%012x", (unsigned) (id * 7919) % 65536,
                 (unsigned) id);
        snprintf(t_rows[i].created, sizeof(t_rows[i].created),
                 "2024-01-%02dT%02d:00:00.000Z", (id * 3) % 28 + 1, id % 24);
    }
}


static hs_od_query_t *
t_parse(const char *filter, const char *orderby, const char *select,
    const char *limit, const char *cursor, hs_problem_t **problem)
{
    return hs_od_parse(t_fields, "id", filter, orderby, select, limit,
                       cursor, NULL, t_key, T_KEYLEN, problem);
}


/* Parses, makes the SQL; where/order to free. NULL on failure. */
static hs_od_query_t *
t_sql(const char *filter, const char *orderby, const char *cursor,
    hs_db_kind_t kind, int first, char **where, char **order,
    hs_dbv_t **params, size_t *n)
{
    int             next;
    hs_rc_t         rc;
    hs_error_t      err;
    hs_problem_t   *p;
    hs_od_query_t  *q;

    *where = NULL;
    *order = NULL;
    *params = NULL;
    *n = 0;

    q = t_parse(filter, orderby, NULL, NULL, cursor, &p);
    if (q == NULL) {
        diag("parse failed: %s", p ? p->detail : "out of memory");
        hs_problem_free(p);
        return NULL;
    }

    next = first;
    rc = hs_od_sql(q, kind, &next, where, order, params, n, &err);
    if (rc != HS_OK) {
        diag("hs_od_sql: %s", err.msg);
        hs_od_free(q);
        return NULL;
    }

    if ((size_t) (next - first) != *n) {
        diag("next_param %d after %zu params", next, *n);
    }

    return q;
}


/* The WHERE and ORDER BY of a query on one dialect, asserted. */
static void
t_is_sql(const char *filter, const char *orderby, const char *cursor,
    hs_db_kind_t kind, const char *want_where, const char *want_order)
{
    char           *where, *order;
    size_t          n;
    hs_dbv_t       *params;
    hs_od_query_t  *q;
    const char     *dn;

    dn = (kind == HS_DB_SQLITE) ? "sqlite" : "postgres";

    q = t_sql(filter, orderby, cursor, kind, 1, &where, &order, &params, &n);

    if (!ok(q != NULL, "%s: %s parses", dn, filter ? filter : orderby)) {
        return;
    }

    is_str(where, want_where, "%s where: %s", dn,
           filter ? filter : "(cursor)");

    if (want_order != NULL) {
        is_str(order, want_order, "%s order: %s", dn,
               orderby ? orderby : "(default)");
    }

    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);
}


/* A filter must fail with a 400 whose detail contains want. */
static void
t_is_error(const char *filter, const char *orderby, const char *select,
    const char *limit, const char *cursor, const char *field,
    const char *want)
{
    json_t         *e;
    hs_problem_t   *p;
    hs_od_query_t  *q;

    p = NULL;
    q = t_parse(filter, orderby, select, limit, cursor, &p);

    if (!ok(q == NULL && p != NULL, "rejected: %s",
            want ? want : "(any)"))
    {
        hs_od_free(q);
        hs_problem_free(p);
        return;
    }

    ok(p->status == 400 && strcmp(p->code, "bad_request") == 0,
       "  400 bad_request");

    if (want != NULL) {
        like_str(p->detail, want, "  detail");
    }

    e = json_array_get(p->errors, 0);

    ok(e != NULL && strcmp(json_string_value(json_object_get(e, "field")),
                           field) == 0
       && strcmp(json_string_value(json_object_get(e, "message")),
                 p->detail) == 0
       && json_string_value(json_object_get(e, "code")) != NULL,
       "  errors[0] is about %s", field);

    hs_problem_free(p);
}


static void
t_is_param(const hs_dbv_t *v, hs_dbv_type_t type, long long i,
    const char *s, const char *name)
{
    if (type == HS_DBV_TEXT) {
        ok(v->type == HS_DBV_TEXT && v->len == strlen(s)
           && memcmp(v->s, s, v->len) == 0, "param %s = '%s'", name, s);

    } else if (type == HS_DBV_REAL) {
        ok(v->type == HS_DBV_REAL && v->d == (double) i / 1000,
           "param %s = %g", name, (double) i / 1000);

    } else {
        ok(v->type == type && v->i == i, "param %s = %lld (type %d)", name,
           i, (int) type);
    }
}


/* ---- parsing and SQL */

static void
t_operators(void)
{
    hs_db_kind_t  L, P;

    L = HS_DB_SQLITE;
    P = HS_DB_POSTGRES;

    diag("comparison operators, null, NOT pushed down");

    t_is_sql("name eq 'x'", NULL, NULL, L, "name = $1", "id ASC");
    t_is_sql("name ne 'x'", NULL, NULL, L, "name <> $1", NULL);
    t_is_sql("email ne 'x'", NULL, NULL, L, "(email <> $1 OR email IS NULL)",
             NULL);
    t_is_sql("age gt 5", NULL, NULL, L, "age > $1", NULL);
    t_is_sql("age ge 5", NULL, NULL, L, "age >= $1", NULL);
    t_is_sql("age lt 5", NULL, NULL, L, "age < $1", NULL);
    t_is_sql("age le 5", NULL, NULL, L, "age <= $1", NULL);
    t_is_sql("not (age gt 5)", NULL, NULL, L, "(age <= $1 OR age IS NULL)",
             NULL);
    t_is_sql("not age eq 5", NULL, NULL, L, "(age <> $1 OR age IS NULL)",
             NULL);
    t_is_sql("not (age ne 5)", NULL, NULL, L, "age = $1", NULL);
    t_is_sql("not not age lt 5", NULL, NULL, L, "age < $1", NULL);
    t_is_sql("email eq null", NULL, NULL, L, "email IS NULL", NULL);
    t_is_sql("email ne null", NULL, NULL, L, "email IS NOT NULL", NULL);
    t_is_sql("not (email eq null)", NULL, NULL, P, "email IS NOT NULL",
             NULL);
    t_is_sql("score ge -1.5e2", NULL, NULL, P, "score >= $1", NULL);
    t_is_sql("active eq true", NULL, NULL, P, "active = $1", NULL);

    diag("precedence: not > and > or, parentheses");

    t_is_sql("name eq 'a' or name eq 'b' and age gt 1", NULL, NULL, L,
             "(name = $1 OR (name = $2 AND age > $3))", NULL);
    t_is_sql("(name eq 'a' or name eq 'b') and age gt 1", NULL, NULL, L,
             "((name = $1 OR name = $2) AND age > $3)", NULL);
    t_is_sql("name eq 'a' and name eq 'b' or age gt 1", NULL, NULL, L,
             "((name = $1 AND name = $2) OR age > $3)", NULL);
    t_is_sql("not name eq 'a' and age gt 1", NULL, NULL, L,
             "(name <> $1 AND age > $2)", NULL);
    t_is_sql("not (name eq 'a' and age gt 1)", NULL, NULL, L,
             "(name <> $1 OR (age <= $2 OR age IS NULL))", NULL);
    t_is_sql("not (name eq 'a' or email eq null)", NULL, NULL, L,
             "(name <> $1 AND email IS NOT NULL)", NULL);

    diag("whitespace");

    t_is_sql("  name\teq\r\n'x'  and(age   gt 1)or(age lt 0) ", NULL, NULL,
             L, "((name = $1 AND age > $2) OR age < $3)", NULL);
    t_is_sql("contains( name ,  'x' )", NULL, NULL, L, "name GLOB $1",
             NULL);
    t_is_sql("   ", NULL, NULL, L, "", "id ASC");
}


static void
t_literals(void)
{
    char           *where, *order;
    size_t          n;
    hs_dbv_t       *params;
    hs_od_query_t  *q;

    diag("typed literals and their parameters");

    q = t_sql("name eq 'O''Brien' and age eq -42 and score lt 2.5 "
              "and score gt 3 and active eq false and uid eq "
              "0123ABCD-0000-4AAA-8bbb-00000000000F and created_at ge "
              "2024-01-02T03:04:05Z and created_at lt "
              "2024-03-01T01:30:00.5+02:00 and created_at ne "
              "2023-12-31T23:30:00-01:00 and age ne 9223372036854775807 "
              "and age ne -9223372036854775808",
              NULL, NULL, HS_DB_SQLITE, 1, &where, &order, &params, &n);

    if (!ok(q != NULL && n == 11, "11 literals")) {
        hs_free(where);
        hs_free(order);
        hs_free(params);
        hs_od_free(q);
        return;
    }

    t_is_param(&params[0], HS_DBV_TEXT, 0, "O'Brien", "string '' escape");
    t_is_param(&params[1], HS_DBV_INT, -42, NULL, "negative integer");
    t_is_param(&params[2], HS_DBV_REAL, 2500, NULL, "decimal");
    t_is_param(&params[3], HS_DBV_REAL, 3000, NULL,
               "integer for a number field");
    t_is_param(&params[4], HS_DBV_BOOL, 0, NULL, "false");
    t_is_param(&params[5], HS_DBV_TEXT, 0,
               "0123abcd-0000-4aaa-8bbb-00000000000f", "uuid lower-cased");
    t_is_param(&params[6], HS_DBV_TEXT, 0, "2024-01-02T03:04:05.000Z",
               "date-time Z");
    t_is_param(&params[7], HS_DBV_TEXT, 0, "2024-02-29T23:30:00.500Z",
               "date-time +02:00 to UTC, across a leap day");
    t_is_param(&params[8], HS_DBV_TEXT, 0, "2024-01-01T00:30:00.000Z",
               "date-time -01:00 to UTC, across a year");
    t_is_param(&params[9], HS_DBV_INT, INT64_MAX, NULL, "INT64_MAX");
    ok(params[10].type == HS_DBV_INT && params[10].i == INT64_MIN,
       "param INT64_MIN");

    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    q = t_sql("created_at eq 2024-01-02t03:04:05.123000000z", NULL, NULL,
              HS_DB_SQLITE, 1, &where, &order, &params, &n);
    ok(q != NULL && n == 1 && strcmp(params[0].s,
                                     "2024-01-02T03:04:05.123Z") == 0,
       "lower-case t and z, trailing zero nanoseconds");
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    q = t_sql("active eq true", NULL, NULL, HS_DB_SQLITE, 1, &where, &order,
              &params, &n);
    ok(q != NULL && n == 1 && params[0].type == HS_DBV_BOOL
       && params[0].i == 1, "true is HS_DBV_BOOL 1");
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    q = t_sql("name eq 'x''; DROP TABLE users; --'", NULL, NULL,
              HS_DB_SQLITE, 1, &where, &order, &params, &n);
    ok(q != NULL && n == 1 && strcmp(where, "name = $1") == 0
       && strcmp(params[0].s, "x'; DROP TABLE users; --") == 0,
       "an SQL fragment in balanced quotes is only a bound value");
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    q = t_sql("name eq 'héllo ✓'", NULL, NULL, HS_DB_SQLITE, 1, &where,
              &order, &params, &n);
    ok(q != NULL && n == 1 && strcmp(params[0].s, "héllo ✓") == 0,
       "UTF-8 in a string literal");
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);
}


static void
t_functions(void)
{
    char           *where, *order;
    size_t          n;
    hs_dbv_t       *params;
    hs_od_query_t  *q;

    diag("contains/startswith/endswith: GLOB (SQLite), LIKE (PostgreSQL)");

    q = t_sql("contains(name,'50%') or startswith(name,'a_b*[?') or "
              "endswith(email,'\\x')", NULL, NULL, HS_DB_SQLITE, 3, &where,
              &order, &params, &n);

    if (ok(q != NULL && n == 3, "sqlite: 3 patterns")) {
        is_str(where, "((name GLOB $3 OR name GLOB $4) OR email GLOB $5)",
               "sqlite where");
        t_is_param(&params[0], HS_DBV_TEXT, 0, "*50%*", "contains");
        t_is_param(&params[1], HS_DBV_TEXT, 0, "a_b[*][[][?]*",
                   "startswith, GLOB escapes");
        t_is_param(&params[2], HS_DBV_TEXT, 0, "*\\x", "endswith");
    }

    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    q = t_sql("contains(name,'50%') or startswith(name,'a_b*[?') or "
              "endswith(email,'\\x')", NULL, NULL, HS_DB_POSTGRES, 1, &where,
              &order, &params, &n);

    if (ok(q != NULL && n == 3, "postgres: 3 patterns")) {
        is_str(where, "((name LIKE $1 ESCAPE E'\\\\' OR name LIKE $2 ESCAPE "
               "E'\\\\') OR email LIKE $3 ESCAPE E'\\\\')", "postgres where");
        t_is_param(&params[0], HS_DBV_TEXT, 0, "%50\\%%", "contains");
        t_is_param(&params[1], HS_DBV_TEXT, 0, "a\\_b*[?%",
                   "startswith, LIKE escapes");
        t_is_param(&params[2], HS_DBV_TEXT, 0, "%\\\\x", "endswith");
    }

    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    t_is_sql("not contains(email,'x')", NULL, NULL, HS_DB_SQLITE,
             "(email NOT GLOB $1 OR email IS NULL)", NULL);
    t_is_sql("not contains(email,'x')", NULL, NULL, HS_DB_POSTGRES,
             "(email NOT LIKE $1 ESCAPE E'\\\\' OR email IS NULL)", NULL);
    t_is_sql("not startswith(name,'x')", NULL, NULL, HS_DB_POSTGRES,
             "name NOT LIKE $1 ESCAPE E'\\\\'", NULL);
}


static void
t_representative(void)
{
    char           *where, *order, *cur;
    size_t          n;
    hs_dbv_t       *params, keys[3];
    hs_od_query_t  *q;

    diag("representative queries, both dialects");

    t_is_sql("name eq 'bob' and (age gt 30 or email eq null)", NULL, NULL,
             HS_DB_SQLITE, "(name = $1 AND (age > $2 OR email IS NULL))",
             "id ASC");
    t_is_sql("name eq 'bob' and (age gt 30 or email eq null)", NULL, NULL,
             HS_DB_POSTGRES, "(name = $1 AND (age > $2 OR email IS NULL))",
             "id ASC");
    t_is_sql("not (contains(email,'50%') or startswith(name,'a_'))", NULL,
             NULL, HS_DB_SQLITE,
             "((email NOT GLOB $1 OR email IS NULL) AND name NOT GLOB $2)",
             NULL);
    t_is_sql("not (contains(email,'50%') or startswith(name,'a_'))", NULL,
             NULL, HS_DB_POSTGRES,
             "((email NOT LIKE $1 ESCAPE E'\\\\' OR email IS NULL) AND "
             "name NOT LIKE $2 ESCAPE E'\\\\')", NULL);
    t_is_sql(NULL, "email desc, name", NULL, HS_DB_SQLITE, "",
             "email DESC, name ASC, id ASC");
    t_is_sql(NULL, "email desc, name", NULL, HS_DB_POSTGRES, "",
             "email DESC NULLS LAST, name ASC, id ASC");
    t_is_sql(NULL, "email asc,created_at desc", NULL, HS_DB_POSTGRES, "",
             "email ASC NULLS FIRST, created DESC, id DESC");
    t_is_sql(NULL, "score desc, id asc, name", NULL, HS_DB_SQLITE, "",
             "score DESC, id ASC, name ASC");

    /* a cursor: email desc, score asc, then id asc */
    q = t_sql("name ne 'x'", "email desc, score asc", NULL, HS_DB_SQLITE, 1,
              &where, &order, &params, &n);
    if (!ok(q != NULL, "cursor query parses")) {
        return;
    }

    keys[0] = hs_dbv_cstr("x@y");
    keys[1] = hs_dbv_real(2.5);
    keys[2] = hs_dbv_int(7);

    cur = hs_od_cursor(q, 1, keys, 3, t_key, T_KEYLEN);
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    if (!ok(cur != NULL, "next cursor made")) {
        return;
    }

    t_is_sql("name ne 'x'", "email desc, score asc", cur, HS_DB_SQLITE,
             "name <> $1 AND ((email < $2 OR email IS NULL) OR "
             "(email = $2 AND score > $3) OR "
             "(email = $2 AND score = $3 AND id > $4))",
             "email DESC, score ASC, id ASC");
    t_is_sql("name ne 'x'", NULL, cur, HS_DB_POSTGRES,
             "name <> $1 AND ((email < $2 OR email IS NULL) OR "
             "(email = $2 AND score > $3) OR "
             "(email = $2 AND score = $3 AND id > $4))",
             "email DESC NULLS LAST, score ASC, id ASC");

    q = t_sql("name ne 'x'", NULL, cur, HS_DB_POSTGRES, 5, &where, &order,
              &params, &n);
    if (ok(q != NULL && n == 4, "4 params from $5")) {
        ok(strstr(where, "name <> $5 AND ((email < $6") != NULL,
           "numbered from $5");
        t_is_param(&params[0], HS_DBV_TEXT, 0, "x", "$5");
        t_is_param(&params[1], HS_DBV_TEXT, 0, "x@y", "$6 email");
        t_is_param(&params[2], HS_DBV_REAL, 2500, NULL, "$7 score");
        t_is_param(&params[3], HS_DBV_INT, 7, NULL, "$8 id");
        ok(hs_od_backward(q) == 0, "next cursor: forward");
    }

    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_free(cur);
    hs_od_free(q);

    /* the same, previous page, with a NULL email */
    q = t_sql(NULL, "email desc, score asc", NULL, HS_DB_SQLITE, 1, &where,
              &order, &params, &n);
    keys[0] = hs_dbv_null();
    cur = hs_od_cursor(q, 0, keys, 3, t_key, T_KEYLEN);
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    t_is_sql(NULL, "email desc,score", cur, HS_DB_SQLITE,
             "(email IS NOT NULL OR (email IS NULL AND score < $1) OR "
             "(email IS NULL AND score = $1 AND id < $2))",
             "email ASC, score DESC, id DESC");
    t_is_sql(NULL, NULL, cur, HS_DB_POSTGRES,
             "(email IS NOT NULL OR (email IS NULL AND score < $1) OR "
             "(email IS NULL AND score = $1 AND id < $2))",
             "email ASC NULLS FIRST, score DESC, id DESC");
    hs_free(cur);

    /* next page after a NULL email: descending, nothing is smaller */
    q = t_sql(NULL, "email desc, score asc", NULL, HS_DB_SQLITE, 1, &where,
              &order, &params, &n);
    cur = hs_od_cursor(q, 1, keys, 3, t_key, T_KEYLEN);
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);

    t_is_sql(NULL, NULL, cur, HS_DB_SQLITE,
             "((email IS NULL AND score > $1) OR "
             "(email IS NULL AND score = $1 AND id > $2))",
             "email DESC, score ASC, id ASC");
    hs_free(cur);
}


static void
t_select_limit(void)
{
    size_t               n;
    hs_problem_t        *p;
    hs_od_query_t       *q;
    hs_od_limits_t       lim;
    const char *const   *names;

    diag("$select and limit");

    q = t_parse(NULL, NULL, NULL, NULL, NULL, &p);
    if (ok(q != NULL, "nothing given")) {
        is_int(hs_od_limit(q), 25, "default limit 25");
        is_int(hs_od_selected(q, &names), 0, "no $select: all fields");
        ok(names == NULL, "no names");
        ok(hs_od_backward(q) == 0, "not backward");
    }
    hs_od_free(q);

    q = t_parse(NULL, NULL, " email , created_at", "200", "", &p);
    if (ok(q != NULL, "$select email,created_at; limit 200")) {
        n = hs_od_selected(q, &names);
        ok(n == 3 && strcmp(names[0], "id") == 0
           && strcmp(names[1], "email") == 0
           && strcmp(names[2], "created_at") == 0,
           "selected: id (always, first), email, created_at");
        is_int(hs_od_limit(q), 200, "limit 200");
    }
    hs_od_free(q);

    q = t_parse(NULL, NULL, "name,id", "1", NULL, &p);
    if (ok(q != NULL, "$select name,id")) {
        n = hs_od_selected(q, &names);
        ok(n == 2 && strcmp(names[0], "id") == 0
           && strcmp(names[1], "name") == 0, "id first, once");
        is_int(hs_od_limit(q), 1, "limit 1");
    }
    hs_od_free(q);

    memset(&lim, 0, sizeof(lim));
    lim.max_limit = 10;
    lim.default_limit = 50;

    q = hs_od_parse(t_fields, "id", NULL, NULL, NULL, NULL, NULL, &lim,
                    t_key, T_KEYLEN, &p);
    ok(q != NULL && hs_od_limit(q) == 10, "default_limit capped by "
       "max_limit");
    hs_od_free(q);

    q = hs_od_parse(t_fields, "id", NULL, NULL, NULL, "11", NULL, &lim,
                    t_key, T_KEYLEN, &p);
    ok(q == NULL && p != NULL && strcmp(p->detail, "limit must be 1..10")
       == 0, "custom max_limit in the message");
    hs_problem_free(p);

    q = hs_od_parse(t_bad_fields1, "id", NULL, NULL, NULL, NULL, NULL, NULL,
                    t_key, T_KEYLEN, &p);
    ok(q == NULL && p != NULL && p->status == 500,
       "a field name that is no identifier: 500");
    hs_problem_free(p);

    q = hs_od_parse(t_bad_fields2, "id", NULL, NULL, NULL, NULL, NULL, NULL,
                    t_key, T_KEYLEN, &p);
    ok(q == NULL && p != NULL && p->status == 500
       && strstr(p->detail, "entry 1 is invalid") != NULL,
       "an unknown field type: 500 naming the entry");
    hs_problem_free(p);
}


static void
t_errors(void)
{
    char  big[4096];

    diag("malformed and hostile input: 400 problems");

#define F(filter, want) \
    t_is_error(filter, NULL, NULL, NULL, NULL, "$filter", want)

    F("emial eq 'x'", "$filter: unknown field \"emial\" at position 0 "
      "(filterable: id, name, email, age, score, active, uid, created_at)");
    F("email eq 5", "$filter: expected a string literal for \"email\" at "
      "position 9");
    F("name eq", "$filter: unexpected end of input");
    F("name eq ", "$filter: unexpected end of input (expected a string "
      "literal for \"name\")");
    F("age eq 'x'", "expected an integer literal for \"age\" at position 7");
    F("age eq 1.5", "expected an integer literal for \"age\" at position 7");
    F("age eq 5x", "unexpected character \"x\" at position 8");
    F("age eq -", "expected an integer literal for \"age\"");
    F("age eq 99999999999999999999", "integer out of range at position 7");
    F("age eq 9223372036854775808", "integer out of range at position 7");
    F("score eq 1.", "expected a number literal for \"score\" at position 9");
    F("score eq .5", "expected a number literal for \"score\"");
    F("score eq 1e999", "number out of range at position 9");
    F("active eq 'x'", "expected a boolean literal (true or false) for "
      "\"active\" at position 10");
    F("active eq 1", "expected a boolean literal");
    F("active eq True", "expected a boolean literal");
    F("uid eq 'x'", "expected a uuid literal");
    F("uid eq 0123abcd-0000-4aaa-8bbb-00000000000", "expected a uuid");
    F("uid eq 0123abcd-0000-4aaa-8bbb-00000000000fa", "expected a uuid");
    F("uid eq 0123abcg-0000-4aaa-8bbb-00000000000f", "expected a uuid");
    F("uid eq '0123abcd-0000-4aaa-8bbb-00000000000f'", "expected a uuid");
    F("created_at gt 2024-13-01T00:00:00Z", "invalid date-time at "
      "position 14");
    F("created_at gt 2023-02-29T00:00:00Z", "invalid date-time");
    F("created_at gt 2024-01-01T24:00:00Z", "invalid date-time");
    F("created_at gt 2024-01-01", "expected a date-time literal (RFC 3339");
    F("created_at gt 2024-01-01T00:00:00", "expected a date-time literal");
    F("created_at gt '2024-01-01T00:00:00Z'", "expected a date-time");
    F("created_at gt 2024-01-01T00:00:00.0001Z", "date-time finer than a "
      "millisecond at position 14");
    F("created_at gt 0000-01-01T00:30:00+01:00", "date-time out of range");
    F("name eq x; DROP TABLE users; --", "$filter: expected a string "
      "literal for \"name\" at position 8");
    F("name eq 'x'; DROP TABLE users; --", "$filter: unexpected character "
      "\";\" at position 11");
    F("name eq 'x' --", "unexpected character \"-\" at position 12");
    F("name eq 'x", "unterminated string literal starting at position 8");
    F("name eq 'it''s", "unterminated string literal");
    F("(name eq 'x'", "unexpected end of input (expected \")\")");
    F("(name eq 'x' name eq 'y')", "expected \"and\", \"or\" or \")\" at "
      "position 13");
    F("name eq 'x')", "unbalanced \")\" at position 11");
    F("name eq 'x' and", "$filter: unexpected end of input");
    F("name eq 'x' or ", "$filter: unexpected end of input");
    F("name eq 'x' name eq 'y'", "expected \"and\" or \"or\" at position 12");
    F("name eq 'x' AND age eq 1", "expected \"and\" or \"or\" at position 12");
    F("name eq 'x'and age eq 1", "unexpected character \"a\" at position "
      "11");
    F("name like 'x'", "expected an operator (eq, ne, gt, ge, lt, le) after "
      "\"name\" at position 5");
    F("name EQ 'x'", "expected an operator");
    F("name", "unexpected end of input (expected an operator after "
      "\"name\")");
    F("Name eq 'x'", "unknown field \"Name\" at position 0");
    F("secret eq 'x'", "field \"secret\" is not filterable at position 0");
    F("'x' eq name", "expected a field name at position 0 (a literal goes "
      "on the right)");
    F("5 eq age", "expected a field name at position 0");
    F("tolower(name) eq 'x'", "unknown function \"tolower\" at position 0");
    F("Contains(name,'x')", "unknown function \"Contains\"");
    F("contains(age,'1')", "contains() needs a string field, \"age\" is not "
      "one at position 9");
    F("contains(name 'x')", "expected \",\" at position 14");
    F("contains(name,'x'", "unexpected end of input (expected \")\")");
    F("contains(name,'x' and", "expected \")\" at position 18");
    F("contains(name,x)", "expected a string literal for \"name\" at "
      "position 14");
    F("contains(name,null)", "null can only be compared with eq or ne");
    F("contains('x',name)", "expected a field name at position 9");
    F("contains(bogus,'x')", "unknown field \"bogus\" at position 9");
    F("age gt null", "null can only be compared with eq or ne, at position "
      "7");
    F("not", "$filter: unexpected end of input");
    F("()", "unexpected character \")\" at position 1");
    F("name eq 'a\001b'", "$filter: control character at position 10");
    F("name eq 'a\x7f'", "$filter: control character at position 10");
    F("name eq '\xc3\x28'", "$filter: invalid UTF-8 at position 9");
    F("name eq '\xc0\xaf'", "$filter: invalid UTF-8 at position 9");
    F("name eq '\xed\xa0\x80'", "$filter: invalid UTF-8 at position 9");
    F("name eq '\xf4\x90\x80\x80'", "$filter: invalid UTF-8 at position 9");
    F("name eq 'x\xe2\x82'", "$filter: invalid UTF-8 at position 10");
    F("nämé eq 'x'", "unexpected character at position 1");
    F("name eq 'x' ; ", "unexpected character \";\" at position 12");
    F("name eq 'x' or 1=1", "expected a field name at position 15");
    F("name eq ''||'x'", "unexpected character \"|\" at position 10");
    F("name eq $1", "expected a string literal");
    F("name/first eq 'x'", "expected an operator");
    F("name eq 'x' and not", "unexpected end of input");
    F("notname eq 'x'", "unknown field \"notname\"");

#undef F

    /* a blank $filter is no filter */
    t_is_sql(" \t ", NULL, NULL, HS_DB_SQLITE, "", "id ASC");

    diag("$orderby, $select, limit, cursor errors");

#define O(orderby, want) \
    t_is_error(NULL, orderby, NULL, NULL, NULL, "$orderby", want)

    O("age", "$orderby: field \"age\" is not sortable at position 0 "
      "(sortable: id, name, email, score, active, uid, created_at)");
    O("nmae", "$orderby: unknown field \"nmae\" at position 0");
    O("name asc, name desc", "$orderby: field \"name\" appears twice, at "
      "position 10");
    O("name up", "$orderby: expected \"asc\" or \"desc\" at position 5");
    O("name DESC", "expected \"asc\" or \"desc\"");
    O("name,", "$orderby: expected a field name at position 5");
    O(",name", "$orderby: expected a field name at position 0");
    O("name desc asc", "$orderby: expected \",\" or the end at position 10");
    O("name; DROP TABLE x", "expected \",\" or the end at position 4");
    O("name\001", "$orderby: control character at position 4");

#undef O

#define S(select, want) \
    t_is_error(NULL, NULL, select, NULL, NULL, "$select", want)

    S("name,bogus", "$select: unknown field \"bogus\" at position 5 "
      "(selectable: id, name, email, age, score, uid, created_at)");
    S("name,name", "$select: field \"name\" appears twice, at position 5");
    S("id,name,id", "$select: field \"id\" appears twice, at position 8");
    S("active", "$select: field \"active\" is not selectable");
    S("name,", "$select: expected a field name at position 5");
    S("name email", "$select: expected \",\" or the end at position 5");

#undef S

#define L(limit) \
    t_is_error(NULL, NULL, NULL, limit, NULL, "limit", "limit must be 1..200")

    L("0");
    L("201");
    L("abc");
    L("");
    L("-1");
    L("+5");
    L(" 5");
    L("10x");
    L("1.5");
    L("99999999999999999999999999999999");

#undef L

#define C(cursor) \
    t_is_error(NULL, NULL, NULL, NULL, cursor, "cursor", \
               "cursor is invalid or was issued for another query")

    C("x");
    C("garbage!");
    C("AAAA");
    C("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    C("AAAA====");

#undef C

    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    t_is_error(NULL, NULL, NULL, NULL, big, "cursor",
               "cursor is invalid");

    diag("several bad parameters: one errors entry each");
    {
        hs_problem_t   *p;
        hs_od_query_t  *q;

        q = t_parse("bad eq 1", "age", "bogus", "0", NULL, &p);
        ok(q == NULL && p != NULL && json_array_size(p->errors) == 4,
           "4 errors entries");
        like_str(p ? p->detail : NULL, "limit must be 1..200",
                 "detail: the first one");
        hs_problem_free(p);
    }
}


static void
t_limits(void)
{
    char            *s;
    size_t           i, len;
    hs_problem_t    *p;
    hs_od_query_t   *q;
    hs_od_limits_t   lim;

    diag("limits: length, depth, terms");

    s = malloc(1 << 20);
    if (s == NULL) {
        return;
    }

    /* length: 2048 passes, 2049 does not */
    memcpy(s, "name eq '", 9);
    memset(s + 9, 'x', 2048 - 10);
    s[2047] = '\'';
    s[2048] = '\0';
    q = t_parse(s, NULL, NULL, NULL, NULL, &p);
    ok(q != NULL, "2048 bytes");
    hs_od_free(q);
    hs_problem_free(p);

    memcpy(s + 2047, "x'", 3);
    t_is_error(s, NULL, NULL, NULL, NULL, "$filter",
               "$filter: too long (2049 bytes, at most 2048)");
    t_is_error(NULL, s, NULL, NULL, NULL, "$orderby", "$orderby: too long");

    /* depth: 16 parentheses pass, 17 do not */
    len = 0;
    for (i = 0; i < 16; i++) {
        s[len++] = '(';
    }
    len += (size_t) sprintf(s + len, "age eq 1");
    for (i = 0; i < 16; i++) {
        s[len++] = ')';
    }
    s[len] = '\0';
    q = t_parse(s, NULL, NULL, NULL, NULL, &p);
    ok(q != NULL, "16 levels of parentheses");
    hs_od_free(q);
    hs_problem_free(p);

    len = 0;
    for (i = 0; i < 17; i++) {
        s[len++] = '(';
    }
    len += (size_t) sprintf(s + len, "age eq 1");
    for (i = 0; i < 17; i++) {
        s[len++] = ')';
    }
    s[len] = '\0';
    t_is_error(s, NULL, NULL, NULL, NULL, "$filter",
               "$filter: nesting deeper than 16 at position 16");

    len = 0;
    for (i = 0; i < 17; i++) {
        len += (size_t) sprintf(s + len, "not ");
    }
    sprintf(s + len, "age eq 1");
    t_is_error(s, NULL, NULL, NULL, NULL, "$filter",
               "$filter: nesting deeper than 16 at position 64");

    /* a megabyte of "(" with a generous max_length: no stack overflow */
    memset(&lim, 0, sizeof(lim));
    lim.max_length = 1 << 20;
    memset(s, '(', (1 << 20) - 1);
    s[(1 << 20) - 1] = '\0';
    q = hs_od_parse(t_fields, "id", s, NULL, NULL, NULL, NULL, &lim, t_key,
                    T_KEYLEN, &p);
    ok(q == NULL && p != NULL && strstr(p->detail, "nesting deeper than 16")
       != NULL, "a megabyte of \"(\": nesting error, no crash");
    hs_problem_free(p);

    /* terms: 64 pass, 65 do not */
    len = 0;
    for (i = 0; i < 64; i++) {
        len += (size_t) sprintf(s + len, "%sage eq %zu", i ? " or " : "", i);
    }
    q = t_parse(s, NULL, NULL, NULL, NULL, &p);
    ok(q != NULL, "64 terms");
    hs_od_free(q);
    hs_problem_free(p);

    sprintf(s + len, " or age eq 64");
    t_is_error(s, NULL, NULL, NULL, NULL, "$filter",
               "$filter: more than 64 terms at position");

    /* many terms with a generous limit (recursion is that deep) */
    lim.max_terms = 2000;
    len = 0;
    for (i = 0; i < 2000; i++) {
        len += (size_t) sprintf(s + len, "%sage eq %zu", i ? " and " : "",
                                i);
    }
    q = hs_od_parse(t_fields, "id", s, NULL, NULL, NULL, NULL, &lim, t_key,
                    T_KEYLEN, &p);
    ok(q != NULL, "2000 terms with max_terms 2000 (%zu bytes)", len);
    if (q != NULL) {
        char        *where, *order;
        int          next;
        size_t       n;
        hs_dbv_t    *params;
        hs_error_t   err;

        next = 1;
        params = NULL;
        n = 0;
        ok(hs_od_sql(q, HS_DB_SQLITE, &next, &where, &order, &params, &n,
                     &err) == HS_OK && n == 2000 && next == 2001,
           "  and its SQL: 2000 parameters");
        hs_free(where);
        hs_free(order);
        hs_free(params);
    }
    hs_od_free(q);
    hs_problem_free(p);

    free(s);
}


/* ---- cursors */

static char *
t_cursor_of(const char *filter, const char *orderby, int next,
    const hs_dbv_t *keys, size_t nkeys, const unsigned char *key)
{
    char           *c;
    hs_problem_t   *p;
    hs_od_query_t  *q;

    q = t_parse(filter, orderby, NULL, NULL, NULL, &p);
    if (q == NULL) {
        hs_problem_free(p);
        return NULL;
    }

    c = hs_od_cursor(q, next, keys, nkeys, key, T_KEYLEN);
    hs_od_free(q);

    return c;
}


static int
t_cursor_ok(const char *filter, const char *orderby, const char *cursor,
    const unsigned char *key)
{
    hs_problem_t   *p;
    hs_od_query_t  *q;
    int             good;

    q = hs_od_parse(t_fields, "id", filter, orderby, NULL, NULL, cursor,
                    NULL, key, T_KEYLEN, &p);

    good = (q != NULL);

    if (!good && (p == NULL || p->status != 400
                  || strstr(p->detail, "cursor is invalid or was issued "
                            "for another query") == NULL))
    {
        diag("unexpected problem: %s", p ? p->detail : "out of memory");
        good = -1;
    }

    hs_od_free(q);
    hs_problem_free(p);

    return good;
}


static void
t_cursors(void)
{
    int             bad, i;
    char           *c, *c2, *t;
    size_t          len, n;
    hs_dbv_t        keys[3], *params;
    hs_problem_t   *p;
    hs_od_query_t  *q;
    const char     *const *cols;
    char           *where, *order;

    diag("cursors: round trip, tampering");

    keys[0] = hs_dbv_text("bob", 3);
    keys[1] = hs_dbv_int(11);

    c = t_cursor_of("age gt 1", "name desc", 1, keys, 2, t_key);
    if (!ok(c != NULL, "cursor made: %s", c ? c : "")) {
        return;
    }

    ok(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
              "0123456789-_") == strlen(c), "base64url text");

    q = t_parse(" age  gt 1 ", NULL, NULL, "5", c, &p);
    if (ok(q != NULL, "cursor alone, same $filter (other spacing)")) {
        n = hs_od_keys(q, &cols);
        ok(n == 2 && strcmp(cols[0], "name") == 0
           && strcmp(cols[1], "id") == 0, "its $orderby: name, then id");
        ok(hs_od_backward(q) == 0 && hs_od_limit(q) == 5, "forward, limit 5");
    }
    hs_od_free(q);

    is_int(t_cursor_ok("age gt 1", "name desc", c, t_key), 1,
           "with the same $orderby");
    is_int(t_cursor_ok("age gt 1", "name desc, id desc", c, t_key), 1,
           "with its $orderby spelled out (id desc last): accepted");
    is_int(t_cursor_ok("age gt 1", "name desc, score", c, t_key), 0,
           "with another $orderby: rejected");
    is_int(t_cursor_ok("age gt 1", "score", c, t_key), 0,
           "with yet another $orderby: rejected");
    is_int(t_cursor_ok("age gt 1", "name asc", c, t_key), 0,
           "with the opposite direction: rejected");
    is_int(t_cursor_ok("age gt 2", NULL, c, t_key), 0,
           "with another $filter: rejected");
    is_int(t_cursor_ok(NULL, NULL, c, t_key), 0,
           "without its $filter: rejected");
    is_int(t_cursor_ok("age gt 1", NULL, c, t_key2), 0,
           "another key: rejected");

    q = hs_od_parse(t_fields, "id", "age gt 1", NULL, NULL, NULL, c, NULL,
                    NULL, 0, &p);
    ok(q == NULL && p != NULL, "no key: rejected");
    hs_problem_free(p);

    q = hs_od_parse(t_fields, "uid", "age gt 1", NULL, NULL, NULL, c, NULL,
                    t_key, T_KEYLEN, &p);
    ok(q == NULL && p != NULL, "another id column: rejected");
    hs_problem_free(p);

    /* every single character changed */
    len = strlen(c);
    t = hs_strdup(c);
    bad = 0;

    for (i = 0; i < (int) len; i++) {
        t[i] = (c[i] == 'A') ? 'B' : 'A';
        bad += (t_cursor_ok("age gt 1", NULL, t, t_key) != 0);
        t[i] = c[i];
    }

    is_int(bad, 0, "each of %zu characters changed: all rejected", len);

    /* truncated, extended */
    bad = 0;

    for (i = 1; i < (int) len; i++) {
        t[len - i] = '\0';
        bad += (t_cursor_ok("age gt 1", NULL, t, t_key) != 0);
        t[len - i] = c[len - i];
    }

    is_int(bad, 0, "truncated by 1..%zu characters: all rejected", len - 1);

    c2 = malloc(len + 3);
    snprintf(c2, len + 3, "%sAA", c);
    is_int(t_cursor_ok("age gt 1", NULL, c2, t_key), 0, "extended: rejected");
    snprintf(c2, len + 3, "%s=", c);
    is_int(t_cursor_ok("age gt 1", NULL, c2, t_key), 0, "padded: rejected");
    free(c2);
    hs_free(t);

    /* swapped between two queries */
    keys[0] = hs_dbv_int(3);
    c2 = t_cursor_of("name eq 'bob'", NULL, 1, keys, 1, t_key);
    ok(c2 != NULL, "a cursor of another query");
    is_int(t_cursor_ok("name eq 'bob'", NULL, c2, t_key), 1,
           "  valid for its own");
    is_int(t_cursor_ok("age gt 1", NULL, c2, t_key), 0,
           "  rejected for the first query");
    is_int(t_cursor_ok("name eq 'bob'", NULL, c, t_key), 0,
           "  and the first one for it");
    is_int(t_cursor_ok("name eq 'bob' ", "id", c2, t_key), 1,
           "  $orderby id is the default order");
    hs_free(c2);
    hs_free(c);

    /* previous page; key types */
    keys[0] = hs_dbv_int(1);            /* active as 0/1 from SQLite */
    keys[1] = hs_dbv_int(3);            /* score as a whole number */
    keys[2] = hs_dbv_int(12);
    c = t_cursor_of(NULL, "active desc, score", 0, keys, 3, t_key);
    ok(c != NULL, "prev cursor with an integer bool and score");

    q = t_sql(NULL, NULL, c, HS_DB_POSTGRES, 1, &where, &order, &params, &n);
    if (ok(q != NULL && n == 3, "prev cursor parses")) {
        ok(hs_od_backward(q) == 1, "backward");
        is_str(where, "(active > $1 OR (active = $1 AND score < $2) OR "
               "(active = $1 AND score = $2 AND id < $3))", "prev keyset");
        is_str(order, "active ASC, score DESC, id DESC", "reversed order");
        t_is_param(&params[0], HS_DBV_BOOL, 1, NULL, "bool normalized");
        t_is_param(&params[1], HS_DBV_REAL, 3000, NULL, "real normalized");
        t_is_param(&params[2], HS_DBV_INT, 12, NULL, "id");
    }
    hs_free(where);
    hs_free(order);
    hs_free(params);
    hs_od_free(q);
    hs_free(c);

    /* values that do not fit */
    keys[0] = hs_dbv_cstr("x");
    keys[1] = hs_dbv_int(1);
    ok(t_cursor_of(NULL, "score", 1, keys, 2, t_key) == NULL,
       "text for a number key: no cursor");
    ok(t_cursor_of(NULL, "score", 1, keys, 1, t_key) == NULL,
       "too few keys: no cursor");
    keys[0] = hs_dbv_null();
    ok(t_cursor_of(NULL, "name", 1, keys, 2, t_key) == NULL,
       "NULL for a NOT NULL key: no cursor");
    keys[0] = hs_dbv_cstr("x");
    keys[1] = hs_dbv_null();
    ok(t_cursor_of(NULL, "email", 1, keys, 2, t_key) == NULL,
       "NULL id: no cursor");
    keys[0] = hs_dbv_null();
    keys[1] = hs_dbv_int(4);
    c = t_cursor_of(NULL, "email", 1, keys, 2, t_key);
    ok(c != NULL, "NULL for a nullable key: a cursor");
    hs_free(c);
    keys[0] = hs_dbv_int(4);
    ok(t_cursor_of(NULL, NULL, 1, keys, 1, NULL) == NULL, "no key: no cursor");
}


/* ---- the real databases */

static void
t_res_free(t_res_t *r)
{
    size_t  i;

    for (i = 0; i < r->nrows * r->ncols; i++) {
        if (r->v[i].type == HS_DBV_TEXT) {
            free((char *) r->v[i].s);
        }
    }

    free(r->v);
    memset(r, 0, sizeof(t_res_t));
}


static int
t_lite_query(sqlite3 *db, const char *sql, const hs_dbv_t *params, size_t n,
    t_res_t *res)
{
    int            rc, idx;
    char           name[16], *s;
    size_t         i, cap;
    hs_dbv_t      *v;
    sqlite3_stmt  *st;

    memset(res, 0, sizeof(t_res_t));

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        diag("sqlite prepare: %s: %s", sqlite3_errmsg(db), sql);
        return -1;
    }

    if ((size_t) sqlite3_bind_parameter_count(st) != n) {
        diag("sqlite: %d placeholders, %zu params: %s",
             sqlite3_bind_parameter_count(st), n, sql);
        sqlite3_finalize(st);
        return -1;
    }

    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "$%zu", i + 1);
        idx = sqlite3_bind_parameter_index(st, name);

        if (idx == 0) {
            diag("sqlite: no %s in %s", name, sql);
            sqlite3_finalize(st);
            return -1;
        }

        switch (params[i].type) {
        case HS_DBV_NULL:
            rc = sqlite3_bind_null(st, idx);
            break;
        case HS_DBV_INT:
        case HS_DBV_BOOL:
            rc = sqlite3_bind_int64(st, idx, params[i].i);
            break;
        case HS_DBV_REAL:
            rc = sqlite3_bind_double(st, idx, params[i].d);
            break;
        default:
            rc = sqlite3_bind_text(st, idx, params[i].s, (int) params[i].len,
                                   SQLITE_TRANSIENT);
            break;
        }

        if (rc != SQLITE_OK) {
            sqlite3_finalize(st);
            return -1;
        }
    }

    res->ncols = (size_t) sqlite3_column_count(st);
    cap = 0;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((res->nrows + 1) * res->ncols > cap) {
            cap = cap ? cap * 2 : 64 * res->ncols;
            res->v = realloc(res->v, cap * sizeof(hs_dbv_t));
        }

        for (i = 0; i < res->ncols; i++) {
            v = &res->v[res->nrows * res->ncols + i];

            switch (sqlite3_column_type(st, (int) i)) {
            case SQLITE_NULL:
                *v = hs_dbv_null();
                break;
            case SQLITE_INTEGER:
                *v = hs_dbv_int(sqlite3_column_int64(st, (int) i));
                break;
            case SQLITE_FLOAT:
                *v = hs_dbv_real(sqlite3_column_double(st, (int) i));
                break;
            default:
                s = strdup((const char *) sqlite3_column_text(st, (int) i));
                *v = hs_dbv_cstr(s);
                break;
            }
        }

        res->nrows++;
    }

    sqlite3_finalize(st);

    if (rc != SQLITE_DONE) {
        diag("sqlite step: %s", sqlite3_errmsg(db));
        t_res_free(res);
        return -1;
    }

    return 0;
}


static int
t_pg_query(PGconn *pg, const char *sql, const hs_dbv_t *params, size_t n,
    t_res_t *res)
{
    int              r, c;
    char           **vals, *s;
    size_t           i;
    hs_dbv_t        *v;
    PGresult        *pr;

    memset(res, 0, sizeof(t_res_t));

    vals = calloc(n + 1, sizeof(char *));

    for (i = 0; i < n; i++) {
        s = malloc(params[i].type == HS_DBV_TEXT ? params[i].len + 1 : 32);

        switch (params[i].type) {
        case HS_DBV_NULL:
            free(s);
            s = NULL;
            break;
        case HS_DBV_INT:
            snprintf(s, 32, "%lld", (long long) params[i].i);
            break;
        case HS_DBV_BOOL:
            snprintf(s, 32, "%s", params[i].i ? "t" : "f");
            break;
        case HS_DBV_REAL:
            snprintf(s, 32, "%.17g", params[i].d);
            break;
        default:
            memcpy(s, params[i].s, params[i].len);
            s[params[i].len] = '\0';
            break;
        }

        vals[i] = s;
    }

    pr = PQexecParams(pg, sql, (int) n, NULL, (const char *const *) vals,
                      NULL, NULL, 0);

    for (i = 0; i < n; i++) {
        free(vals[i]);
    }

    free(vals);

    if (PQresultStatus(pr) != PGRES_TUPLES_OK
        && PQresultStatus(pr) != PGRES_COMMAND_OK)
    {
        diag("postgres: %s: %s", PQresultErrorMessage(pr), sql);
        PQclear(pr);
        return -1;
    }

    res->nrows = (size_t) PQntuples(pr);
    res->ncols = (size_t) PQnfields(pr);
    res->v = calloc(res->nrows * res->ncols + 1, sizeof(hs_dbv_t));

    for (r = 0; r < PQntuples(pr); r++) {
        for (c = 0; c < PQnfields(pr); c++) {
            v = &res->v[(size_t) r * res->ncols + (size_t) c];
            s = PQgetvalue(pr, r, c);

            if (PQgetisnull(pr, r, c)) {
                *v = hs_dbv_null();
                continue;
            }

            switch (PQftype(pr, c)) {
            case 20:                    /* int8 */
            case 21:                    /* int2 */
            case 23:                    /* int4 */
                *v = hs_dbv_int(strtoll(s, NULL, 10));
                break;
            case 700:                   /* float4 */
            case 701:                   /* float8 */
                *v = hs_dbv_real(strtod(s, NULL));
                break;
            case 16:                    /* bool */
                *v = hs_dbv_bool(s[0] == 't');
                break;
            default:
                s = strdup(s);          /* hs_dbv_cstr() evaluates twice */
                *v = hs_dbv_cstr(s);
                break;
            }
        }
    }

    PQclear(pr);

    return 0;
}


static int
t_query(t_db_t *db, const char *sql, const hs_dbv_t *params, size_t n,
    t_res_t *res)
{
    if (db->kind == HS_DB_SQLITE) {
        return t_lite_query(db->lite, sql, params, n, res);
    }

    return t_pg_query(db->pg, sql, params, n, res);
}


static int
t_exec(t_db_t *db, const char *sql, const hs_dbv_t *params, size_t n)
{
    int      rc;
    t_res_t  res;

    rc = t_query(db, sql, params, n, &res);
    t_res_free(&res);

    return rc;
}


static int
t_load(t_db_t *db)
{
    int        i;
    char       age[16];
    hs_dbv_t   v[8];
    t_row_t   *r;

    if (db->kind == HS_DB_SQLITE) {
        if (t_exec(db, "CREATE TABLE od_t (id INTEGER PRIMARY KEY, "
                   "name TEXT NOT NULL, email TEXT, age INTEGER, "
                   "score REAL NOT NULL, active INTEGER NOT NULL, "
                   "uid TEXT NOT NULL, created TEXT NOT NULL, secret TEXT)",
                   NULL, 0) != 0)
        {
            return -1;
        }

    } else {
        if (t_exec(db, "CREATE TEMP TABLE od_t (id integer PRIMARY KEY, "
                   "name text COLLATE \"C\" NOT NULL, "
                   "email text COLLATE \"C\", age integer, "
                   "score double precision NOT NULL, active boolean NOT NULL, "
                   "uid uuid NOT NULL, created text COLLATE \"C\" NOT NULL, "
                   "secret text)", NULL, 0) != 0)
        {
            return -1;
        }
    }

    for (i = 0; i < T_ROWS; i++) {
        r = &t_rows[i];
        snprintf(age, sizeof(age), "%d", r->age);
        v[0] = hs_dbv_int(r->id);
        v[1] = hs_dbv_cstr(r->name);
        v[2] = r->email ? hs_dbv_cstr(r->email) : hs_dbv_null();
        v[3] = r->age >= 0 ? hs_dbv_int(r->age) : hs_dbv_null();
        v[4] = hs_dbv_real(r->score);
        v[5] = hs_dbv_bool(r->active);
        v[6] = hs_dbv_cstr(r->uid);
        v[7] = hs_dbv_cstr(r->created);

        if (t_exec(db, "INSERT INTO od_t (id, name, email, age, score, "
                   "active, uid, created) VALUES ($1, $2, $3, $4, $5, $6, "
                   "$7, $8)", v, 8) != 0)
        {
            return -1;
        }
    }

    return 0;
}


/*
 * Reads one page the way a resource does (see hs_odata.h). 0, or -1 with
 * a diagnostic.
 */
static int
t_fetch(t_db_t *db, const char *filter, const char *orderby,
    const char *cursor, size_t limit, t_page_t *pg)
{
    int                  next, more, back, rc;
    char                 sql[4096], lim[16], *where, *order;
    size_t               i, j, nparams, ncols, nrows;
    hs_dbv_t            *params;
    hs_error_t           err;
    hs_problem_t        *p;
    hs_od_query_t       *q;
    t_res_t              res;
    const char *const   *cols;
    const hs_dbv_t      *row;

    memset(pg, 0, sizeof(t_page_t));
    snprintf(lim, sizeof(lim), "%zu", limit);

    q = t_parse(filter, orderby, NULL, lim, cursor, &p);
    if (q == NULL) {
        diag("parse: %s", p ? p->detail : "out of memory");
        hs_problem_free(p);
        return -1;
    }

    next = 1;
    params = NULL;
    nparams = 0;

    if (hs_od_sql(q, db->kind, &next, &where, &order, &params, &nparams,
                  &err) != HS_OK)
    {
        diag("hs_od_sql: %s", err.msg);
        hs_od_free(q);
        return -1;
    }

    ncols = hs_od_keys(q, &cols);

    i = (size_t) snprintf(sql, sizeof(sql), "SELECT id");
    for (j = 0; j < ncols; j++) {
        i += (size_t) snprintf(sql + i, sizeof(sql) - i, ", %s", cols[j]);
    }
    i += (size_t) snprintf(sql + i, sizeof(sql) - i, " FROM od_t%s%s "
                           "ORDER BY %s LIMIT %zu", where[0] ? " WHERE " : "",
                           where, order, hs_od_limit(q) + 1);

    rc = t_query(db, sql, params, nparams, &res);

    hs_free(where);
    hs_free(order);
    hs_free(params);

    if (rc != 0) {
        hs_od_free(q);
        return -1;
    }

    more = res.nrows > limit;
    nrows = more ? limit : res.nrows;
    back = hs_od_backward(q);

    for (i = 0; i < nrows && i < T_MAXIDS; i++) {
        j = back ? nrows - 1 - i : i;
        pg->ids[i] = (int) res.v[j * res.ncols].i;
    }

    pg->n = nrows;

    if (nrows > 0) {
        /* the first and last rows, in page order */
        row = &res.v[(back ? nrows - 1 : 0) * res.ncols + 1];
        if (back ? more : cursor != NULL) {
            pg->prev = hs_od_cursor(q, 0, row, ncols, t_key, T_KEYLEN);
        }

        row = &res.v[(back ? 0 : nrows - 1) * res.ncols + 1];
        if (back ? 1 : more) {
            pg->next = hs_od_cursor(q, 1, row, ncols, t_key, T_KEYLEN);
        }
    }

    t_res_free(&res);
    hs_od_free(q);

    return 0;
}


static void
t_page_free(t_page_t *pg)
{
    hs_free(pg->next);
    hs_free(pg->prev);
    pg->next = NULL;
    pg->prev = NULL;
}


/* ids of a filter in the default order, as "1,2,3" */
static char *
t_ids(t_db_t *db, const char *filter, char *out, size_t size)
{
    size_t    i, len;
    t_page_t  pg;

    if (t_fetch(db, filter, NULL, NULL, 200, &pg) != 0) {
        snprintf(out, size, "error");
        return out;
    }

    len = 0;
    out[0] = '\0';

    for (i = 0; i < pg.n; i++) {
        len += (size_t) snprintf(out + len, size - len, "%s%d", i ? "," : "",
                                 pg.ids[i]);
    }

    t_page_free(&pg);

    return out;
}


static int t_pred_age_ne_28(const t_row_t *r) { return r->age != 28; }
static int t_pred_active(const t_row_t *r) { return r->active; }
static int t_pred_email(const t_row_t *r) { return r->email != NULL; }


static int
t_cmp_rows(const void *a, const void *b)
{
    int             c, desc;
    size_t          i;
    const t_row_t  *x, *y;

    x = a;
    y = b;
    desc = 0;

    for (i = 0; i < t_cmp_nkeys; i++) {
        desc = t_cmp_keys[i].desc;

        switch (t_cmp_keys[i].col) {
        case C_ID:
            c = (x->id > y->id) - (x->id < y->id);
            break;
        case C_NAME:
            c = strcmp(x->name, y->name);
            break;
        case C_EMAIL:
            /* NULL is the smallest */
            c = (x->email == NULL || y->email == NULL)
                ? (x->email != NULL) - (y->email != NULL)
                : strcmp(x->email, y->email);
            break;
        case C_SCORE:
            c = (x->score > y->score) - (x->score < y->score);
            break;
        case C_ACTIVE:
            c = x->active - y->active;
            break;
        case C_UID:
            c = strcmp(x->uid, y->uid);
            break;
        default:
            c = strcmp(x->created, y->created);
            break;
        }

        c = (c > 0) - (c < 0);

        if (c != 0) {
            return desc ? -c : c;
        }
    }

    c = (x->id > y->id) - (x->id < y->id);

    return desc ? -c : c;
}


static const t_paging_t  t_pagings[] = {
    { NULL, NULL, 3, NULL, { { C_ID, 0 } }, 0 },
    { NULL, "name", 3, NULL, { { C_NAME, 0 } }, 1 },
    { NULL, "email desc", 3, NULL, { { C_EMAIL, 1 } }, 1 },
    { "age ne 28", "email asc", 4, t_pred_age_ne_28, { { C_EMAIL, 0 } }, 1 },
    { NULL, "active desc, score asc", 4, NULL,
      { { C_ACTIVE, 1 }, { C_SCORE, 0 } }, 2 },
    { "active eq true", "created_at desc", 5, t_pred_active,
      { { C_CREATED, 1 } }, 1 },
    { NULL, "uid", 6, NULL, { { C_UID, 0 } }, 1 },
    { "email ne null", "score desc, name", 2, t_pred_email,
      { { C_SCORE, 1 }, { C_NAME, 0 } }, 2 },
    { NULL, "email, score desc", 1, NULL,
      { { C_EMAIL, 0 }, { C_SCORE, 1 } }, 2 },
    { NULL, "id desc", 7, NULL, { { C_ID, 1 } }, 1 }
};


/* Pages through a listing both ways; 1 when all is as expected. */
static int
t_paging(t_db_t *db, const t_paging_t *t, const char *dn)
{
    int        rc;
    char      *cursor;
    size_t     i, j, n, npages, total;
    t_row_t    rows[T_ROWS];
    t_page_t   pages[T_ROWS + 2], pg, bp, fw;

    /* the expected order */
    n = 0;
    for (i = 0; i < T_ROWS; i++) {
        if (t->pred == NULL || t->pred(&t_rows[i])) {
            rows[n++] = t_rows[i];
        }
    }

    t_cmp_keys = t->keys;
    t_cmp_nkeys = t->nkeys;
    qsort(rows, n, sizeof(t_row_t), t_cmp_rows);

    /* forward */
    rc = 1;
    npages = 0;
    total = 0;
    cursor = NULL;

    for ( ;; ) {
        if (npages == T_ROWS + 1
            || t_fetch(db, t->filter, cursor ? NULL : t->orderby, cursor,
                       t->limit, &pages[npages]) != 0)
        {
            diag("%s: forward page %zu failed", dn, npages);
            rc = 0;
            break;
        }

        pg = pages[npages++];

        for (i = 0; i < pg.n; i++, total++) {
            if (total >= n || pg.ids[i] != rows[total].id) {
                diag("%s: page %zu row %zu: id %d, expected %d", dn,
                     npages - 1, i, pg.ids[i],
                     total < n ? rows[total].id : -1);
                rc = 0;
            }
        }

        if (pg.n < t->limit && pg.next != NULL) {
            diag("%s: a short page with a next cursor", dn);
            rc = 0;
        }

        if (pg.next == NULL) {
            break;
        }

        cursor = pg.next;
    }

    if (total != n) {
        diag("%s: %zu rows paged, %zu expected", dn, total, n);
        rc = 0;
    }

    if (npages > 0 && (pages[0].prev != NULL
                       || (npages > 1 && pages[npages - 1].prev == NULL)))
    {
        diag("%s: prev cursors: none on the first page, one on the others",
             dn);
        rc = 0;
    }

    /* backward from the last page */
    memset(&pg, 0, sizeof(t_page_t));
    j = npages - 1;
    cursor = (npages > 0) ? pages[j].prev : NULL;

    while (rc && cursor != NULL) {
        if (j == 0 || t_fetch(db, t->filter, NULL, cursor, t->limit, &bp)
                      != 0)
        {
            diag("%s: backward page %zu failed", dn, j);
            rc = 0;
            break;
        }

        t_page_free(&pg);       /* its prev cursor was just used */
        pg = bp;
        j--;

        if (pg.n != pages[j].n
            || memcmp(pg.ids, pages[j].ids, pg.n * sizeof(int)) != 0)
        {
            diag("%s: backward page %zu differs", dn, j);
            rc = 0;
        }

        if ((pg.prev == NULL) != (j == 0)) {
            diag("%s: backward page %zu: prev cursor %s", dn, j,
                 pg.prev ? "on the first page" : "missing");
            rc = 0;
        }

        /* the next cursor of a backward page leads forward again */
        if (pg.next == NULL
            || t_fetch(db, t->filter, NULL, pg.next, t->limit, &fw) != 0)
        {
            diag("%s: backward page %zu: no next cursor", dn, j);
            rc = 0;

        } else {
            if (fw.n != pages[j + 1].n
                || memcmp(fw.ids, pages[j + 1].ids, fw.n * sizeof(int)) != 0)
            {
                diag("%s: next from backward page %zu differs", dn, j);
                rc = 0;
            }

            t_page_free(&fw);
        }

        cursor = pg.prev;
    }

    t_page_free(&pg);

    if (rc && npages > 0 && j != 0) {
        diag("%s: backward stopped at page %zu", dn, j);
        rc = 0;
    }

    for (i = 0; i < npages; i++) {
        t_page_free(&pages[i]);
    }

    return rc;
}


static void
t_run_db(t_db_t *db, const char *dn)
{
    char    buf[512], uidf[128], want[128];
    size_t  i, len;

    if (!ok(t_load(db) == 0, "%s: table with %d rows", dn, T_ROWS)) {
        return;
    }

#define ID(filter, want) \
    is_str(t_ids(db, filter, buf, sizeof(buf)), want, "%s: %s", dn, filter)

    ID("name eq 'bob'", "3,11,20");
    ID("name eq 'Alice'", "2");
    ID("startswith(name,'A')", "2");
    ID("contains(name,'li')", "1,2");
    ID("contains(name,'_')", "7,8");
    ID("contains(name,'%')", "7");
    ID("contains(name,'*')", "10");
    ID("endswith(name,'b')", "3,8,9,10,11,20");
    ID("endswith(email,'.com')", "1,5,6,7,8,10,11,14,15,17,19,20");
    ID("not endswith(email,'.com')", "2,3,4,9,12,13,16,18");
    ID("contains(name,'')", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,"
       "19,20");
    ID("email eq null", "3,9,12,16");
    ID("email ne null and age ge 40", "6,10,11,15,18");
    ID("not (age gt 30)", "1,2,4,5,8,9,12,14,16,20");
    ID("age ne 28", "1,2,3,4,5,6,7,10,11,12,13,14,15,16,17,18,19,20");
    ID("not (age ne 28)", "8,9");
    ID("active eq true and score gt 3", "1,4,6,10,12,14,19");
    ID("active eq false", "2,5,7,9,11,13,16,18");
    ID("name eq 'O''Brien'", "6");
    ID("name eq 'x''; DROP TABLE od_t; --'", "");
    ID("created_at ge 2024-01-20T00:00:00Z and created_at lt "
       "2024-01-25T02:00:00+02:00", "7,16,17");
    ID("created_at gt 2024-01-27T18:00:00.000Z", "9");
    ID("score le -1", "13");
    ID("score eq 2.25", "3,11,20");
    ID("score ge 4.5 or score lt 0.5", "1,4,13,14,18");
    ID("(name eq 'bob' or name eq 'eve') and not (email eq null)", "11,20");
    ID("not (name eq 'bob' or name gt 'f')", "1,2,4,5,6,7,8,9,12");
    ID("id ge 18 or id le 2", "1,2,18,19,20");

    snprintf(uidf, sizeof(uidf), "uid eq %s", t_rows[4].uid);
    for (i = 7; uidf[i]; i++) {
        if (uidf[i] >= 'a' && uidf[i] <= 'f') {
            uidf[i] = (char) (uidf[i] - 'a' + 'A');
        }
    }
    ID(uidf, "5");

    /* uuids compare as text: the expected ids computed here */
    snprintf(uidf, sizeof(uidf), "uid gt %s and uid le %s", t_rows[0].uid,
             t_rows[1].uid);
    len = 0;
    want[0] = '\0';
    for (i = 0; i < T_ROWS; i++) {
        if (strcmp(t_rows[i].uid, t_rows[0].uid) > 0
            && strcmp(t_rows[i].uid, t_rows[1].uid) <= 0)
        {
            len += (size_t) snprintf(want + len, sizeof(want) - len, "%s%d",
                                     len ? "," : "", t_rows[i].id);
        }
    }
    ID(uidf, want);

#undef ID

    for (i = 0; i < sizeof(t_pagings) / sizeof(t_pagings[0]); i++) {
        ok(t_paging(db, &t_pagings[i], dn),
           "%s: paging %s%s%s by %s, limit %zu: every row once, back too",
           dn, t_pagings[i].filter ? "\"" : "",
           t_pagings[i].filter ? t_pagings[i].filter : "all",
           t_pagings[i].filter ? "\"" : "",
           t_pagings[i].orderby ? t_pagings[i].orderby : "id",
           t_pagings[i].limit);
    }

    /* still there after all those filters */
    is_str(t_ids(db, "id le 20", buf, sizeof(buf)),
           "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20",
           "%s: the table is intact", dn);
}


static void
t_sqlite(void)
{
    t_db_t  db;

    diag("the SQL on SQLite (in memory)");

    memset(&db, 0, sizeof(db));
    db.kind = HS_DB_SQLITE;

    if (!ok(sqlite3_open(":memory:", &db.lite) == SQLITE_OK, "sqlite open"))
    {
        return;
    }

    t_run_db(&db, "sqlite");

    sqlite3_close(db.lite);
}


static void
t_postgres(void)
{
    t_db_t       db;
    const char  *url;

    url = getenv("HS_TEST_PG_URL");

    if (url == NULL || url[0] == '\0') {
        printf("ok %d # skip HS_TEST_PG_URL is not set: PostgreSQL part "
               "not run\n", ++hs_tap_run);
        return;
    }

    diag("the SQL on PostgreSQL");

    memset(&db, 0, sizeof(db));
    db.kind = HS_DB_POSTGRES;
    db.pg = PQconnectdb(url);

    if (!ok(PQstatus(db.pg) == CONNECTION_OK, "postgres connect: %s",
            PQerrorMessage(db.pg)))
    {
        PQfinish(db.pg);
        return;
    }

    t_run_db(&db, "postgres");

    PQfinish(db.pg);
}


int
main(void)
{
    t_init_rows();

    t_operators();
    t_literals();
    t_functions();
    t_representative();
    t_select_limit();
    t_errors();
    t_limits();
    t_cursors();
    t_sqlite();
    t_postgres();

    return done_testing();
}
