/*
 * OData-style list queries: $filter, $orderby, $select, limit and an
 * opaque keyset cursor, turned into SQL for SQLite and PostgreSQL.
 *
 * A resource declares its queryable fields in a table; hs_od_parse()
 * checks the request's query parameters against it (pure, no I/O) and
 * either returns a parsed query or a 400 problem saying what is wrong and
 * where. hs_od_sql() then gives a WHERE condition and an ORDER BY list;
 * field names only select entries of the table (the SQL gets the table's
 * trusted column names), literals only ever become bound parameters.
 *
 * $filter grammar (keywords and functions lower case, as in OData):
 *
 *     expr     = and *( "or" and )
 *     and      = unary *( "and" unary )
 *     unary    = "not" unary / "(" expr ")" / function / comparison
 *     function = ( "contains" / "startswith" / "endswith" )
 *                "(" field "," string ")"                  string fields
 *     comparison = field ( "eq" / "ne" / "gt" / "ge" / "lt" / "le" )
 *                  literal
 *     literal  = null (eq and ne only) / 'string' ('' is a quote) /
 *                integer / decimal (number fields: 1, -2.5, 1e3) /
 *                true / false / uuid (bare 8-4-4-4-12 hex) /
 *                date-time (bare RFC 3339: 2024-01-02T03:04:05Z,
 *                2024-01-02T05:04:05.25+02:00)
 *
 * Semantics are two-valued, as in OData: a comparison with a NULL column
 * is false except "ne", which is true (so "not (age gt 5)" and
 * "age ne 5" include the rows where age is NULL).
 *
 * How the resource stores values (the SQL compares them as such):
 *   HS_OD_STRING    text; on PostgreSQL with COLLATE "C" (or a C-locale
 *                   database) so that ordering and comparisons are the
 *                   byte order SQLite uses. contains/startswith/endswith
 *                   are case-sensitive on both: GLOB on SQLite, LIKE with
 *                   ESCAPE E'\\' on PostgreSQL.
 *   HS_OD_INT       integer columns.
 *   HS_OD_NUMBER    REAL (SQLite) / double precision (PostgreSQL).
 *   HS_OD_BOOL      0/1 integers (SQLite) / boolean (PostgreSQL).
 *   HS_OD_UUID      lower-case text (or the uuid type on PostgreSQL).
 *   HS_OD_DATETIME  UTC text of exactly 'YYYY-MM-DDTHH:MM:SS.fffZ' (always
 *                   three fraction digits: only a fixed width compares
 *                   correctly as text). Literals are normalized to that
 *                   form; a literal finer than a millisecond is refused.
 *
 * Sorting and paging: the order is total because the id column is always
 * the last key (its direction is that of the last $orderby key). NULLs of
 * a nullable sort field sort as the smallest value on both dialects
 * (first ascending, last descending); HS_OD_NOTNULL lets the SQL omit the
 * NULL handling (and lets PostgreSQL use a plain index). The id column
 * must be unique and NOT NULL.
 *
 * Listing a page:
 *
 *     q = hs_od_parse(fields, "id", filter, orderby, select, limit,
 *                     cursor, &limits, key, keylen, &problem);
 *     n = 2;                        after the caller's own $1 (tenant)
 *     hs_od_sql(q, kind, &n, &where, &order, &params, &nparams, &err);
 *     SELECT ... WHERE tenant_id = $1 [AND <where>] ORDER BY <order>
 *         LIMIT <hs_od_limit(q) + 1>
 *     more = rows > limit; keep the first limit rows;
 *     if hs_od_backward(q): reverse the kept rows, and
 *         prev_cursor = more ? hs_od_cursor(q, 0, keys of first row) : null
 *         next_cursor = rows ? hs_od_cursor(q, 1, keys of last row) : null
 *     else
 *         next_cursor = more ? hs_od_cursor(q, 1, keys of last row) : null
 *         prev_cursor = (cursor given && rows)
 *                       ? hs_od_cursor(q, 0, keys of first row) : null
 *     {"items": [...], "page_info": {"next_cursor", "prev_cursor",
 *                                    "limit": hs_od_limit(q)}}
 *
 * where "keys of a row" are the row's values of hs_od_keys() columns.
 *
 * Cursors: base64url (no padding) of a version, the direction, the
 * $orderby keys, a digest of the canonical $filter and $orderby, the
 * row's key values, and an HMAC-SHA256 of all that with the caller's key
 * (use one key per resource). A cursor alone carries its $orderby; the
 * $filter must be sent again with it, and a $filter or $orderby sent with
 * a cursor must be the one it was issued for. $select and limit may
 * change between pages.
 */

#ifndef HS_ODATA_H
#define HS_ODATA_H

#include "hs_base.h"
#include "hs_problem.h"
#include "hs_dbvalue.h"
#include "hs_dburl.h"

typedef enum {
    HS_OD_STRING,
    HS_OD_INT,
    HS_OD_NUMBER,
    HS_OD_BOOL,
    HS_OD_UUID,
    HS_OD_DATETIME
} hs_od_type_t;

enum {
    HS_OD_FILTER = 1,        /* may appear in $filter */
    HS_OD_SORT = 2,          /* may appear in $orderby */
    HS_OD_SELECT = 4,        /* may appear in $select */
    HS_OD_NOTNULL = 8        /* the column is NOT NULL (simpler SQL) */
};

/* One queryable field; a table of them ends with name == NULL. */
typedef struct {
    const char    *name;     /* JSON field name, [A-Za-z_][A-Za-z0-9_]* */
    const char    *column;   /* SQL column or expression (trusted) */
    hs_od_type_t   type;
    unsigned       flags;
} hs_od_field_t;

/* Zero members take the defaults in brackets. */
typedef struct {
    size_t  max_limit;       /* [200] */
    size_t  default_limit;   /* [25], at most max_limit */
    size_t  max_length;      /* [2048] bytes of $filter, $orderby,
                                $select each */
    size_t  max_depth;       /* [16] nesting of "(" and "not" */
    size_t  max_terms;       /* [64] comparisons and functions */
} hs_od_limits_t;

typedef struct hs_od_query_s  hs_od_query_t;

/*
 * Parses the query parameters; each of filter, orderby, select, limit and
 * cursor may be NULL (absent) and is already %-decoded; an empty or blank
 * $filter, $orderby, $select or cursor counts as absent. fields and
 * id_column (NULL: "id") are borrowed: they must outlive the query
 * (static tables). limits may be NULL. key/keylen verify the cursor.
 *
 * Returns the query, or NULL with *problem set: a 400 with one "errors"
 * entry per bad parameter (field "$filter", "$orderby", "$select",
 * "limit" or "cursor"; code "invalid_filter", ...). NULL with *problem
 * NULL means out of memory.
 */
HS_API hs_od_query_t *hs_od_parse(const hs_od_field_t *fields,
    const char *id_column, const char *filter, const char *orderby,
    const char *select, const char *limit, const char *cursor,
    const hs_od_limits_t *limits, const unsigned char *key, size_t keylen,
    hs_problem_t **problem);

HS_API void hs_od_free(hs_od_query_t *q);

/*
 * The SQL of the query for a dialect.
 *
 * *where_sql: the $filter AND the cursor's keyset condition, "" when
 * there is neither; it never needs parentheses around it to be ANDed with
 * the caller's own conditions. *order_sql: "col ASC, ..., id ASC" (no
 * "ORDER BY"). Both are NUL-terminated, to free with hs_free().
 *
 * Placeholders are $k from *next_param upward (it is advanced); their
 * values are appended to *params (NULL or an hs_alloc()ed array of
 * *nparams values, grown with hs_realloc()), in placeholder order, so
 * *params[k - 1] is $k when the caller's own parameters come first. Text
 * values point into q: q must outlive the statement's execution.
 *
 * On failure (HS_ENOMEM, HS_EINVAL with a message in err) *where_sql and
 * *order_sql are NULL, *next_param and *nparams are unchanged and *params
 * is still the caller's to free.
 */
HS_API hs_rc_t hs_od_sql(const hs_od_query_t *q, hs_db_kind_t dialect,
    int *next_param, char **where_sql, char **order_sql, hs_dbv_t **params,
    size_t *nparams, hs_error_t *err);

/* The page size; fetch hs_od_limit(q) + 1 rows to know whether more exist. */
HS_API size_t hs_od_limit(const hs_od_query_t *q);

/* 1: the cursor asks for the previous page; reverse the rows fetched. */
HS_API int hs_od_backward(const hs_od_query_t *q);

/*
 * The $select list (names from the field table, borrowed); 0 and NULL
 * when $select is absent (all fields). The field whose column is the id
 * column, if the table has one, is always included, first unless listed.
 */
HS_API size_t hs_od_selected(const hs_od_query_t *q,
    const char *const **names);

/*
 * The sort key columns in order: the $orderby columns, then the id column
 * (unless $orderby already has it). Read these from the first and last
 * rows of a page for hs_od_cursor().
 */
HS_API size_t hs_od_keys(const hs_od_query_t *q,
    const char *const **columns);

/*
 * A cursor for the page after the last row (next = 1) or before the first
 * row (next = 0) of the page just read; keys are that row's values of the
 * hs_od_keys() columns, as read from the database (bools may come as 0/1
 * integers, whole numbers as integers). Returns a NUL-terminated string to
 * free with hs_free(), or NULL (out of memory, nkeys or a value's type
 * does not fit, no key).
 */
HS_API char *hs_od_cursor(const hs_od_query_t *q, int next,
    const hs_dbv_t *keys, size_t nkeys, const unsigned char *key,
    size_t keylen);


#ifdef HS_ODATA_IMPL
/* ---- shared by the hs_odata*.c files only (not exported) ---- */

#define HS__OD_DIGEST_LEN   16
#define HS__OD_CURSOR_MAX   8192          /* characters of a cursor */

typedef enum {
    HS__OD_AND = 1,
    HS__OD_OR,
    HS__OD_NOT,
    HS__OD_CMP,
    HS__OD_FUNC
} hs__od_node_kind_t;

typedef enum {
    HS__OD_EQ = 0,
    HS__OD_NE,
    HS__OD_GT,
    HS__OD_GE,
    HS__OD_LT,
    HS__OD_LE
} hs__od_op_t;

typedef enum {
    HS__OD_CONTAINS = 0,
    HS__OD_STARTSWITH,
    HS__OD_ENDSWITH
} hs__od_func_t;

typedef struct {
    hs__od_node_kind_t    kind;
    int                   op;         /* hs__od_op_t or hs__od_func_t */
    int                   left;       /* node indexes, -1: none */
    int                   right;
    const hs_od_field_t  *field;      /* CMP, FUNC */
    hs_dbv_t              val;        /* HS_DBV_NULL: the null literal */
    char                 *text;       /* owned text of val */
    char                 *like;       /* FUNC: LIKE pattern (PostgreSQL) */
    char                 *glob;       /* FUNC: GLOB pattern (SQLite) */
} hs__od_node_t;

typedef struct {
    const char           *column;
    const hs_od_field_t  *field;      /* NULL: the id without a field */
    int                   desc;
    int                   notnull;
} hs__od_key_t;

struct hs_od_query_s {
    const hs_od_field_t  *fields;
    size_t                nfields;
    const char           *id_column;
    const hs_od_field_t  *id_field;   /* the entry of id_column or NULL */

    hs__od_node_t        *nodes;
    size_t                nnodes;
    size_t                cap;
    int                   root;       /* -1: no $filter */

    size_t                nsort;      /* explicit $orderby keys */
    hs__od_key_t         *keys;       /* those, then maybe the id */
    size_t                nkeys;
    const char          **key_columns;

    const char          **select;
    size_t                nselect;

    size_t                limit;

    int                   has_cursor;
    int                   backward;
    hs_dbv_t             *cvals;      /* the cursor's key values */
    unsigned char        *cbuf;       /* the cursor's payload */

    unsigned char         digest[HS__OD_DIGEST_LEN];
};

/* A growing NUL-terminated string; nomem sticks. */
typedef struct {
    char    *p;
    size_t   len;
    size_t   cap;
    int      nomem;
} hs__od_buf_t;

void hs__od_buf_add(hs__od_buf_t *b, const char *s, size_t n);
void hs__od_buf_str(hs__od_buf_t *b, const char *s);
void hs__od_buf_printf(hs__od_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define HS__OD_MSG_SIZE     1024          /* an error message */
#define HS__OD_NAME_SHOWN   64            /* bytes of a bad name shown */

/* The state of the $filter, $orderby and $select parsers. */
typedef struct {
    hs_od_query_t  *q;
    const char     *s;
    size_t          len;
    size_t          pos;
    size_t          depth;
    size_t          terms;
    size_t          max_depth;
    size_t          max_terms;
    char           *msg;          /* HS__OD_MSG_SIZE bytes */
    int             nomem;
    int             failed;
} hs__od_parser_t;

/* hs_odata.c: the first failure sets msg ("$filter: ..."); -1 */
int hs__od_fail(hs__od_parser_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int hs__od_fail_char(hs__od_parser_t *p, size_t pos);
int hs__od_check_text(const char *what, const char *s, size_t len,
    size_t max_length, char *msg);
void hs__od_skip_ws(hs__od_parser_t *p);
size_t hs__od_ident_len(const char *s, size_t len, size_t pos);
const hs_od_field_t *hs__od_field_lookup(hs__od_parser_t *p,
    const char *what, unsigned flag, const char *adjective, size_t start,
    size_t n);

/*
 * hs_odata_filter.c: 0, -1 (msg) or -2 (out of memory); q->root and
 * q->nodes get the tree, canon its canonical text.
 */
int hs__od_parse_filter(hs_od_query_t *q, const char *filter,
    const hs_od_limits_t *lim, char *msg, hs__od_buf_t *canon);

/* A decoded, authenticated cursor (hs_odata_cursor.c). */
typedef struct {
    int                    backward;
    size_t                 nsort;
    const hs_od_field_t  **sort;      /* nsort, owned array */
    unsigned char         *desc;      /* nsort, owned array */
    unsigned char          digest[HS__OD_DIGEST_LEN];
    size_t                 nvals;
    hs_dbv_t              *vals;      /* owned; text points into buf */
    unsigned char         *buf;       /* owned */
} hs__od_cursor_t;

/* 0: done, -1: invalid, -2: out of memory */
int hs__od_cursor_decode(const hs_od_query_t *q, const char *text,
    const unsigned char *key, size_t keylen, hs__od_cursor_t *c);
void hs__od_cursor_release(hs__od_cursor_t *c);

/* The digest of the canonical $filter text and q's keys; 0 or -2. */
int hs__od_digest(const hs_od_query_t *q, const char *canonical_filter,
    unsigned char *out);

/* A row's key value checked and normalized for key k; 0 or -1. */
int hs__od_key_value(const hs__od_key_t *k, const hs_dbv_t *in,
    hs_dbv_t *out);

#endif /* HS_ODATA_IMPL */

#endif /* HS_ODATA_H */
