/*
 * OData list queries: parsing $filter, $orderby, $select, limit and the
 * cursor into an hs_od_query_t (no I/O). SQL is made in hs_odata_sql.c,
 * cursors in hs_odata_cursor.c.
 */

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_ODATA_IMPL
#include "hs_odata.h"

#define HS__OD_MSG_SIZE      1024
#define HS__OD_LIST_MAX      400      /* bytes of a field list in messages */
#define HS__OD_NAME_SHOWN    64       /* bytes of a bad name shown */

typedef struct {
    hs_od_query_t  *q;
    const char     *s;
    size_t          len;
    size_t          pos;
    size_t          depth;
    size_t          terms;
    size_t          max_depth;
    size_t          max_terms;
    char           *msg;
    int             nomem;
    int             failed;
} hs__od_parser_t;

typedef struct {
    const char  *article;             /* "a string" */
    const char  *hint;                /* appended after "literal" */
} hs__od_type_name_t;


static void hs__od_msg(char *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int hs__od_fail(hs__od_parser_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int hs__od_fail_char(hs__od_parser_t *p, size_t pos);
static int hs__od_check_text(const char *what, const char *s, size_t len,
    size_t max_length, char *msg);
static size_t hs__od_utf8_valid(const unsigned char *s, size_t len);
static int hs__od_blank(const char *s);
static void hs__od_skip_ws(hs__od_parser_t *p);
static size_t hs__od_ident_len(const char *s, size_t len, size_t pos);
static int hs__od_is_delim(hs__od_parser_t *p, size_t pos);
static int hs__od_word(hs__od_parser_t *p, const char *word);
static const hs_od_field_t *hs__od_field_find(const hs_od_query_t *q,
    const char *name, size_t n);
static void hs__od_field_list(const hs_od_query_t *q, unsigned flag,
    char *out, size_t size);
static const hs_od_field_t *hs__od_field_lookup(hs__od_parser_t *p,
    const char *what, unsigned flag, const char *adjective, size_t start,
    size_t n);
static int hs__od_node_new(hs__od_parser_t *p, hs__od_node_kind_t kind,
    int left, int right);
static int hs__od_parse_or(hs__od_parser_t *p);
static int hs__od_parse_and(hs__od_parser_t *p);
static int hs__od_parse_unary(hs__od_parser_t *p);
static int hs__od_parse_cmp(hs__od_parser_t *p, size_t start, size_t n);
static int hs__od_parse_func(hs__od_parser_t *p, size_t start, size_t n);
static int hs__od_literal(hs__od_parser_t *p, hs__od_node_t *node,
    int allow_null);
static int hs__od_lit_string(hs__od_parser_t *p, hs__od_node_t *node);
static int hs__od_lit_int(hs__od_parser_t *p, hs__od_node_t *node);
static int hs__od_lit_number(hs__od_parser_t *p, hs__od_node_t *node);
static int hs__od_lit_uuid(hs__od_parser_t *p, hs__od_node_t *node);
static int hs__od_lit_datetime(hs__od_parser_t *p, hs__od_node_t *node);
static int hs__od_expected(hs__od_parser_t *p, const hs_od_field_t *f,
    size_t pos);
static int hs__od_end_literal(hs__od_parser_t *p, size_t end);
static int hs__od_patterns(hs__od_node_t *node);
static int64_t hs__od_days_from_civil(int64_t y, unsigned m, unsigned d);
static void hs__od_civil_from_days(int64_t z, int64_t *y, unsigned *m,
    unsigned *d);
static void hs__od_canon(const hs_od_query_t *q, int i, hs__od_buf_t *b);
static int hs__od_parse_filter(hs_od_query_t *q, const char *filter,
    const hs_od_limits_t *lim, char *msg, hs__od_buf_t *canon);
static int hs__od_parse_orderby(hs_od_query_t *q, const char *orderby,
    const hs_od_limits_t *lim, const hs_od_field_t **sort,
    unsigned char *desc, size_t *nsort, char *msg);
static int hs__od_parse_select(hs_od_query_t *q, const char *select,
    const hs_od_limits_t *lim, char *msg);
static int hs__od_parse_limit(hs_od_query_t *q, const char *limit,
    const hs_od_limits_t *lim, char *msg);
static int hs__od_make_keys(hs_od_query_t *q, const hs_od_field_t **sort,
    const unsigned char *desc, size_t nsort);
static int hs__od_use_cursor(hs_od_query_t *q, const char *cursor,
    const char *canon, int orderby_given, const unsigned char *key,
    size_t keylen, char *msg);
static int hs__od_problem_add(hs_problem_t **problem, const char *field,
    const char *code, const char *msg);


static const char  *hs__od_ops[] = { "eq", "ne", "gt", "ge", "lt", "le" };

static const char  *hs__od_funcs[] = {
    "contains", "startswith", "endswith"
};

static const hs__od_type_name_t  hs__od_type_names[] = {
    { "a string", "" },                                     /* STRING */
    { "an integer", "" },                                   /* INT */
    { "a number", "" },                                     /* NUMBER */
    { "a boolean", " (true or false)" },                    /* BOOL */
    { "a uuid", " (8-4-4-4-12 hex digits, unquoted)" },     /* UUID */
    { "a date-time", " (RFC 3339, unquoted, like 2024-01-02T03:04:05Z)" }
};


/* ---- small helpers shared with hs_odata_sql.c and hs_odata_cursor.c */

void
hs__od_buf_add(hs__od_buf_t *b, const char *s, size_t n)
{
    char    *p;
    size_t   cap;

    if (b->nomem) {
        return;
    }

    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap : 128;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }

        p = hs_realloc(b->p, cap);
        if (p == NULL) {
            b->nomem = 1;
            return;
        }

        b->p = p;
        b->cap = cap;
    }

    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}


void
hs__od_buf_str(hs__od_buf_t *b, const char *s)
{
    hs__od_buf_add(b, s, strlen(s));
}


void
hs__od_buf_printf(hs__od_buf_t *b, const char *fmt, ...)
{
    int      n;
    char     tmp[256];
    va_list  ap;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);

    if (n < 0 || (size_t) n >= sizeof(tmp)) {
        b->nomem = 1;          /* only short numbers are printed */
        return;
    }

    hs__od_buf_add(b, tmp, (size_t) n);
}


/* ---- messages */

static void
hs__od_msg(char *msg, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(msg, HS__OD_MSG_SIZE, fmt, ap);
    va_end(ap);
}


static int
hs__od_fail(hs__od_parser_t *p, const char *fmt, ...)
{
    size_t   n;
    va_list  ap;

    if (p->failed) {
        return -1;
    }

    p->failed = 1;
    n = (size_t) snprintf(p->msg, HS__OD_MSG_SIZE, "$filter: ");

    va_start(ap, fmt);
    vsnprintf(p->msg + n, HS__OD_MSG_SIZE - n, fmt, ap);
    va_end(ap);

    return -1;
}


static int
hs__od_fail_char(hs__od_parser_t *p, size_t pos)
{
    unsigned char  c;

    if (pos >= p->len) {
        return hs__od_fail(p, "unexpected end of input");
    }

    c = (unsigned char) p->s[pos];

    if (c > 0x20 && c < 0x7f) {
        return hs__od_fail(p, "unexpected character \"%c\" at position %zu",
                           c, pos);
    }

    return hs__od_fail(p, "unexpected character at position %zu", pos);
}


static int
hs__od_problem_add(hs_problem_t **problem, const char *field,
    const char *code, const char *msg)
{
    if (*problem == NULL) {
        *problem = hs_problem_new(HS_PROBLEM_BAD_REQUEST, "%s", msg);
        if (*problem == NULL) {
            return -2;
        }
    }

    if (hs_problem_add_error(*problem, field, code, msg) != HS_OK) {
        return -2;
    }

    return 0;
}


/* ---- text checks */

/* The length of the valid UTF-8 prefix of s (len when all valid). */
static size_t
hs__od_utf8_valid(const unsigned char *s, size_t len)
{
    size_t    i, n, k;
    uint32_t  cp, min;

    i = 0;

    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }

        if ((s[i] & 0xe0) == 0xc0) {
            n = 1; cp = s[i] & 0x1f; min = 0x80;

        } else if ((s[i] & 0xf0) == 0xe0) {
            n = 2; cp = s[i] & 0x0f; min = 0x800;

        } else if ((s[i] & 0xf8) == 0xf0) {
            n = 3; cp = s[i] & 0x07; min = 0x10000;

        } else {
            return i;
        }

        if (len - i <= n) {
            return i;
        }

        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return i;
            }

            cp = (cp << 6) | (s[i + k] & 0x3f);
        }

        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return i;
        }

        i += n + 1;
    }

    return len;
}


/*
 * Length, UTF-8 and control characters (tab, CR and LF are whitespace) of
 * a query parameter; 0 or -1 with msg.
 */
static int
hs__od_check_text(const char *what, const char *s, size_t len,
    size_t max_length, char *msg)
{
    size_t         i;
    unsigned char  c;

    if (len > max_length) {
        hs__od_msg(msg, "%s: too long (%zu bytes, at most %zu)", what, len,
                   max_length);
        return -1;
    }

    i = hs__od_utf8_valid((const unsigned char *) s, len);
    if (i < len) {
        hs__od_msg(msg, "%s: invalid UTF-8 at position %zu", what, i);
        return -1;
    }

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
            hs__od_msg(msg, "%s: control character at position %zu", what,
                       i);
            return -1;
        }
    }

    return 0;
}


static int
hs__od_blank(const char *s)
{
    for ( /* void */ ; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
            return 0;
        }
    }

    return 1;
}


/* ---- tokens */

static void
hs__od_skip_ws(hs__od_parser_t *p)
{
    char  c;

    while (p->pos < p->len) {
        c = p->s[p->pos];

        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            return;
        }

        p->pos++;
    }
}


/* The length of the identifier [A-Za-z_][A-Za-z0-9_]* at pos, or 0. */
static size_t
hs__od_ident_len(const char *s, size_t len, size_t pos)
{
    size_t  i;

    if (pos >= len || !(isalpha((unsigned char) s[pos]) || s[pos] == '_')
        || (unsigned char) s[pos] >= 0x80)
    {
        return 0;
    }

    for (i = pos + 1; i < len; i++) {
        if ((unsigned char) s[i] >= 0x80
            || !(isalnum((unsigned char) s[i]) || s[i] == '_'))
        {
            break;
        }
    }

    return i - pos;
}


/* What may follow a literal: the end, whitespace or ")". */
static int
hs__od_is_delim(hs__od_parser_t *p, size_t pos)
{
    char  c;

    if (pos >= p->len) {
        return 1;
    }

    c = p->s[pos];

    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ')';
}


/* 1: the identifier at pos is exactly word. */
static int
hs__od_word(hs__od_parser_t *p, const char *word)
{
    size_t  n;

    n = hs__od_ident_len(p->s, p->len, p->pos);

    return n == strlen(word) && memcmp(p->s + p->pos, word, n) == 0;
}


/* ---- fields */

static const hs_od_field_t *
hs__od_field_find(const hs_od_query_t *q, const char *name, size_t n)
{
    size_t  i;

    for (i = 0; i < q->nfields; i++) {
        if (strlen(q->fields[i].name) == n
            && memcmp(q->fields[i].name, name, n) == 0)
        {
            return &q->fields[i];
        }
    }

    return NULL;
}


/* "a, b, c" of the fields with flag, cut with ", ..." when long. */
static void
hs__od_field_list(const hs_od_query_t *q, unsigned flag, char *out,
    size_t size)
{
    size_t  i, len, n;

    len = 0;
    out[0] = '\0';

    for (i = 0; i < q->nfields; i++) {
        if (!(q->fields[i].flags & flag)) {
            continue;
        }

        n = strlen(q->fields[i].name);

        if (len + n + 8 > size || len + n > HS__OD_LIST_MAX) {
            snprintf(out + len, size - len, "%s...", len ? ", " : "");
            return;
        }

        len += (size_t) snprintf(out + len, size - len, "%s%s",
                                 len ? ", " : "", q->fields[i].name);
    }

    if (len == 0) {
        snprintf(out, size, "none");
    }
}


/*
 * The field named by s[start, start + n) that has flag, or NULL with an
 * error message.
 */
static const hs_od_field_t *
hs__od_field_lookup(hs__od_parser_t *p, const char *what, unsigned flag,
    const char *adjective, size_t start, size_t n)
{
    char                  list[HS__OD_LIST_MAX + 16];
    const hs_od_field_t  *f;

    f = hs__od_field_find(p->q, p->s + start, n);

    if (f != NULL && (f->flags & flag)) {
        return f;
    }

    if (!p->failed) {
        p->failed = 1;
        hs__od_field_list(p->q, flag, list, sizeof(list));

        hs__od_msg(p->msg, "%s: %s \"%.*s\"%s at position %zu (%s: %s)",
                   what, f ? "field" : "unknown field",
                   (int) (n > HS__OD_NAME_SHOWN ? HS__OD_NAME_SHOWN : n),
                   p->s + start,
                   f ? (flag == HS_OD_FILTER ? " is not filterable"
                        : flag == HS_OD_SORT ? " is not sortable"
                        : " is not selectable")
                     : "",
                   start, adjective, list);
    }

    return NULL;
}


/* ---- $filter */

static int
hs__od_node_new(hs__od_parser_t *p, hs__od_node_kind_t kind, int left,
    int right)
{
    size_t          cap;
    hs_od_query_t  *q;
    hs__od_node_t  *nodes, *node;

    q = p->q;

    if (q->nnodes == q->cap) {
        cap = q->cap ? q->cap * 2 : 16;

        nodes = hs_realloc(q->nodes, cap * sizeof(hs__od_node_t));
        if (nodes == NULL) {
            p->nomem = 1;
            return hs__od_fail(p, "out of memory");
        }

        q->nodes = nodes;
        q->cap = cap;
    }

    node = &q->nodes[q->nnodes];
    memset(node, 0, sizeof(hs__od_node_t));
    node->kind = kind;
    node->left = left;
    node->right = right;
    node->val = hs_dbv_null();

    return (int) q->nnodes++;
}


static int
hs__od_parse_or(hs__od_parser_t *p)
{
    int  left, right;

    left = hs__od_parse_and(p);

    while (left >= 0) {
        hs__od_skip_ws(p);

        if (!hs__od_word(p, "or")) {
            break;
        }

        p->pos += 2;

        right = hs__od_parse_and(p);
        if (right < 0) {
            return -1;
        }

        left = hs__od_node_new(p, HS__OD_OR, left, right);
    }

    return left;
}


static int
hs__od_parse_and(hs__od_parser_t *p)
{
    int  left, right;

    left = hs__od_parse_unary(p);

    while (left >= 0) {
        hs__od_skip_ws(p);

        if (!hs__od_word(p, "and")) {
            break;
        }

        p->pos += 3;

        right = hs__od_parse_unary(p);
        if (right < 0) {
            return -1;
        }

        left = hs__od_node_new(p, HS__OD_AND, left, right);
    }

    return left;
}


static int
hs__od_parse_unary(hs__od_parser_t *p)
{
    int     node;
    size_t  start, n;

    hs__od_skip_ws(p);

    if (p->pos >= p->len) {
        return hs__od_fail(p, "unexpected end of input");
    }

    if (p->s[p->pos] == '(' || hs__od_word(p, "not")) {
        if (++p->depth > p->max_depth) {
            return hs__od_fail(p, "nesting deeper than %zu at position %zu",
                               p->max_depth, p->pos);
        }

        if (p->s[p->pos] != '(') {
            p->pos += 3;

            node = hs__od_parse_unary(p);
            if (node < 0) {
                return -1;
            }

            p->depth--;

            return hs__od_node_new(p, HS__OD_NOT, node, -1);
        }

        p->pos++;

        node = hs__od_parse_or(p);
        if (node < 0) {
            return -1;
        }

        hs__od_skip_ws(p);

        if (p->pos >= p->len) {
            return hs__od_fail(p, "unexpected end of input (expected \")\")");
        }

        if (p->s[p->pos] != ')') {
            if (hs__od_ident_len(p->s, p->len, p->pos)) {
                return hs__od_fail(p, "expected \"and\", \"or\" or \")\" at "
                                   "position %zu", p->pos);
            }

            return hs__od_fail_char(p, p->pos);
        }

        p->pos++;
        p->depth--;

        return node;
    }

    start = p->pos;
    n = hs__od_ident_len(p->s, p->len, start);

    if (n == 0) {
        if (p->s[start] == '\'' || p->s[start] == '-'
            || isdigit((unsigned char) p->s[start]))
        {
            return hs__od_fail(p, "expected a field name at position %zu "
                               "(a literal goes on the right)", start);
        }

        return hs__od_fail_char(p, start);
    }

    if (++p->terms > p->max_terms) {
        return hs__od_fail(p, "more than %zu terms at position %zu",
                           p->max_terms, start);
    }

    p->pos += n;
    hs__od_skip_ws(p);

    if (p->pos < p->len && p->s[p->pos] == '(') {
        return hs__od_parse_func(p, start, n);
    }

    return hs__od_parse_cmp(p, start, n);
}


/* field op literal; p->pos is after the field and whitespace */
static int
hs__od_parse_cmp(hs__od_parser_t *p, size_t start, size_t n)
{
    int                   i, node;
    size_t                m;
    const hs_od_field_t  *f;

    f = hs__od_field_lookup(p, "$filter", HS_OD_FILTER, "filterable", start,
                            n);
    if (f == NULL) {
        return -1;
    }

    if (p->pos >= p->len) {
        return hs__od_fail(p, "unexpected end of input (expected an "
                           "operator after \"%s\")", f->name);
    }

    m = hs__od_ident_len(p->s, p->len, p->pos);

    for (i = 0; m == 2 && i < 6; i++) {
        if (memcmp(p->s + p->pos, hs__od_ops[i], 2) == 0) {
            break;
        }
    }

    if (m != 2 || i == 6) {
        return hs__od_fail(p, "expected an operator (eq, ne, gt, ge, lt, le) "
                           "after \"%s\" at position %zu", f->name, p->pos);
    }

    p->pos += 2;

    node = hs__od_node_new(p, HS__OD_CMP, -1, -1);
    if (node < 0) {
        return -1;
    }

    p->q->nodes[node].op = i;
    p->q->nodes[node].field = f;

    if (hs__od_literal(p, &p->q->nodes[node],
                       i == HS__OD_EQ || i == HS__OD_NE) != 0)
    {
        return -1;
    }

    return node;
}


/* func(field, 'text'); p->pos is at "(" */
static int
hs__od_parse_func(hs__od_parser_t *p, size_t start, size_t n)
{
    int                   i, node;
    size_t                fstart, fn;
    hs__od_node_t        *nd;
    const hs_od_field_t  *f;

    for (i = 0; i < 3; i++) {
        if (strlen(hs__od_funcs[i]) == n
            && memcmp(p->s + start, hs__od_funcs[i], n) == 0)
        {
            break;
        }
    }

    if (i == 3) {
        return hs__od_fail(p, "unknown function \"%.*s\" at position %zu "
                           "(functions: contains, startswith, endswith)",
                           (int) (n > HS__OD_NAME_SHOWN ? HS__OD_NAME_SHOWN
                                                        : n),
                           p->s + start, start);
    }

    p->pos++;
    hs__od_skip_ws(p);

    fstart = p->pos;
    fn = hs__od_ident_len(p->s, p->len, fstart);

    if (fn == 0) {
        if (fstart >= p->len) {
            return hs__od_fail(p, "unexpected end of input");
        }

        return hs__od_fail(p, "expected a field name at position %zu",
                           fstart);
    }

    f = hs__od_field_lookup(p, "$filter", HS_OD_FILTER, "filterable", fstart,
                            fn);
    if (f == NULL) {
        return -1;
    }

    if (f->type != HS_OD_STRING) {
        return hs__od_fail(p, "%s() needs a string field, \"%s\" is not one "
                           "at position %zu", hs__od_funcs[i], f->name,
                           fstart);
    }

    p->pos += fn;
    hs__od_skip_ws(p);

    if (p->pos >= p->len) {
        return hs__od_fail(p, "unexpected end of input");
    }

    if (p->s[p->pos] != ',') {
        return hs__od_fail(p, "expected \",\" at position %zu", p->pos);
    }

    p->pos++;

    node = hs__od_node_new(p, HS__OD_FUNC, -1, -1);
    if (node < 0) {
        return -1;
    }

    nd = &p->q->nodes[node];
    nd->op = i;
    nd->field = f;

    if (hs__od_literal(p, nd, 0) != 0) {
        return -1;
    }

    hs__od_skip_ws(p);

    if (p->pos >= p->len) {
        return hs__od_fail(p, "unexpected end of input (expected \")\")");
    }

    if (p->s[p->pos] != ')') {
        return hs__od_fail(p, "expected \")\" at position %zu", p->pos);
    }

    p->pos++;

    if (hs__od_patterns(nd) != 0) {
        p->nomem = 1;
        return hs__od_fail(p, "out of memory");
    }

    return node;
}


static int
hs__od_expected(hs__od_parser_t *p, const hs_od_field_t *f, size_t pos)
{
    if (pos >= p->len) {
        return hs__od_fail(p, "unexpected end of input (expected %s literal "
                           "for \"%s\")",
                           hs__od_type_names[f->type].article, f->name);
    }

    return hs__od_fail(p, "expected %s literal%s for \"%s\" at position %zu",
                       hs__od_type_names[f->type].article,
                       hs__od_type_names[f->type].hint, f->name, pos);
}


/* The literal ends at end: check what follows, move there. */
static int
hs__od_end_literal(hs__od_parser_t *p, size_t end)
{
    if (!hs__od_is_delim(p, end)) {
        return hs__od_fail_char(p, end);
    }

    p->pos = end;

    return 0;
}


/* The literal at p->pos (after whitespace) for node->field. */
static int
hs__od_literal(hs__od_parser_t *p, hs__od_node_t *node, int allow_null)
{
    size_t  n;

    hs__od_skip_ws(p);

    n = hs__od_ident_len(p->s, p->len, p->pos);

    if (n == 4 && memcmp(p->s + p->pos, "null", 4) == 0) {
        if (!allow_null) {
            return hs__od_fail(p, "null can only be compared with eq or ne, "
                               "at position %zu", p->pos);
        }

        node->val = hs_dbv_null();

        return hs__od_end_literal(p, p->pos + 4);
    }

    switch (node->field->type) {

    case HS_OD_STRING:
        return hs__od_lit_string(p, node);

    case HS_OD_INT:
        return hs__od_lit_int(p, node);

    case HS_OD_NUMBER:
        return hs__od_lit_number(p, node);

    case HS_OD_BOOL:
        if (n == 4 && memcmp(p->s + p->pos, "true", 4) == 0) {
            node->val = hs_dbv_bool(1);
            return hs__od_end_literal(p, p->pos + 4);
        }

        if (n == 5 && memcmp(p->s + p->pos, "false", 5) == 0) {
            node->val = hs_dbv_bool(0);
            return hs__od_end_literal(p, p->pos + 5);
        }

        return hs__od_expected(p, node->field, p->pos);

    case HS_OD_UUID:
        return hs__od_lit_uuid(p, node);

    case HS_OD_DATETIME:
        return hs__od_lit_datetime(p, node);
    }

    return hs__od_fail(p, "field \"%s\" has an unknown type",
                       node->field->name);
}


static int
hs__od_lit_string(hs__od_parser_t *p, hs__od_node_t *node)
{
    char           *t;
    size_t          i, n;
    unsigned char   c;

    if (p->pos >= p->len || p->s[p->pos] != '\'') {
        return hs__od_expected(p, node->field, p->pos);
    }

    t = hs_alloc(p->len - p->pos);
    if (t == NULL) {
        p->nomem = 1;
        return hs__od_fail(p, "out of memory");
    }

    node->text = t;
    n = 0;

    for (i = p->pos + 1; i < p->len; i++) {
        c = (unsigned char) p->s[i];

        if (c == '\'') {
            if (i + 1 < p->len && p->s[i + 1] == '\'') {
                t[n++] = '\'';
                i++;
                continue;
            }

            t[n] = '\0';
            node->val = hs_dbv_text(t, n);

            return hs__od_end_literal(p, i + 1);
        }

        if (c < 0x20 || c == 0x7f) {
            return hs__od_fail(p, "control character in a string literal at "
                               "position %zu", i);
        }

        t[n++] = (char) c;
    }

    return hs__od_fail(p, "unterminated string literal starting at "
                       "position %zu", p->pos);
}


static int
hs__od_lit_int(hs__od_parser_t *p, hs__od_node_t *node)
{
    int       neg;
    size_t    i;
    uint64_t  v, max;

    i = p->pos;
    neg = (i < p->len && p->s[i] == '-');
    i += neg;

    if (i >= p->len || !isdigit((unsigned char) p->s[i])) {
        return hs__od_expected(p, node->field, p->pos);
    }

    max = neg ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX;
    v = 0;

    for ( /* void */ ; i < p->len && isdigit((unsigned char) p->s[i]); i++) {
        if (v > (max - (uint64_t) (p->s[i] - '0')) / 10) {
            return hs__od_fail(p, "integer out of range at position %zu",
                               p->pos);
        }

        v = v * 10 + (uint64_t) (p->s[i] - '0');
    }

    if (i < p->len && (p->s[i] == '.' || p->s[i] == 'e' || p->s[i] == 'E')) {
        return hs__od_expected(p, node->field, p->pos);
    }

    if (neg) {
        node->val = hs_dbv_int(v == (uint64_t) INT64_MAX + 1
                               ? INT64_MIN : -(int64_t) v);

    } else {
        node->val = hs_dbv_int((int64_t) v);
    }

    return hs__od_end_literal(p, i);
}


static int
hs__od_lit_number(hs__od_parser_t *p, hs__od_node_t *node)
{
    char    buf[64];
    double  d;
    size_t  i, digits;

    i = p->pos;

    if (i < p->len && p->s[i] == '-') {
        i++;
    }

    for (digits = 0; i < p->len && isdigit((unsigned char) p->s[i]); i++) {
        digits++;
    }

    if (digits == 0) {
        return hs__od_expected(p, node->field, p->pos);
    }

    if (i < p->len && p->s[i] == '.') {
        i++;

        for (digits = 0; i < p->len && isdigit((unsigned char) p->s[i]); i++)
        {
            digits++;
        }

        if (digits == 0) {
            return hs__od_expected(p, node->field, p->pos);
        }
    }

    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        i++;

        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-')) {
            i++;
        }

        for (digits = 0; i < p->len && isdigit((unsigned char) p->s[i]); i++)
        {
            digits++;
        }

        if (digits == 0) {
            return hs__od_expected(p, node->field, p->pos);
        }
    }

    if (i - p->pos >= sizeof(buf)) {
        return hs__od_fail(p, "number too long at position %zu", p->pos);
    }

    memcpy(buf, p->s + p->pos, i - p->pos);
    buf[i - p->pos] = '\0';

    d = strtod(buf, NULL);

    if (!isfinite(d)) {
        return hs__od_fail(p, "number out of range at position %zu", p->pos);
    }

    node->val = hs_dbv_real(d);

    return hs__od_end_literal(p, i);
}


static int
hs__od_lit_uuid(hs__od_parser_t *p, hs__od_node_t *node)
{
    char    *t;
    size_t   i;
    char     c;

    if (p->len - p->pos < 36) {
        return hs__od_expected(p, node->field, p->pos);
    }

    for (i = 0; i < 36; i++) {
        c = p->s[p->pos + i];

        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') {
                return hs__od_expected(p, node->field, p->pos);
            }

        } else if (!isxdigit((unsigned char) c)) {
            return hs__od_expected(p, node->field, p->pos);
        }
    }

    if (!hs__od_is_delim(p, p->pos + 36)) {
        return hs__od_expected(p, node->field, p->pos);
    }

    t = hs_alloc(37);
    if (t == NULL) {
        p->nomem = 1;
        return hs__od_fail(p, "out of memory");
    }

    for (i = 0; i < 36; i++) {
        t[i] = (char) tolower((unsigned char) p->s[p->pos + i]);
    }

    t[36] = '\0';
    node->text = t;
    node->val = hs_dbv_text(t, 36);

    return hs__od_end_literal(p, p->pos + 36);
}


/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
hs__od_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t   era;
    unsigned  yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t) doe - 719468;
}


static void
hs__od_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t   era;
    unsigned  doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned) (z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t) yoe + era * 400 + (*m <= 2);
}


/*
 * YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM), normalized to UTC
 * 'YYYY-MM-DDTHH:MM:SS.fffZ'.
 */
static int
hs__od_lit_datetime(hs__od_parser_t *p, hs__od_node_t *node)
{
    int             v[8], sign, ms;
    char           *t;
    size_t          i, k, start;
    int64_t         days, secs, year;
    unsigned        mon, day;
    const char     *s;
    static const char  pattern[] = "dddd-dd-ddTdd:dd:dd";
    static const int   mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
                                   30, 31 };

    s = p->s;
    start = p->pos;

    if (p->len - start < sizeof(pattern) - 1) {
        return hs__od_expected(p, node->field, start);
    }

    for (i = 0; i < sizeof(pattern) - 1; i++) {
        if (pattern[i] == 'd' ? !isdigit((unsigned char) s[start + i])
            : pattern[i] == 'T' ? (s[start + i] != 'T' && s[start + i] != 't')
            : s[start + i] != pattern[i])
        {
            return hs__od_expected(p, node->field, start);
        }
    }

    /* year month day hour minute second */
    v[0] = atoi(s + start);
    v[1] = (s[start + 5] - '0') * 10 + (s[start + 6] - '0');
    v[2] = (s[start + 8] - '0') * 10 + (s[start + 9] - '0');
    v[3] = (s[start + 11] - '0') * 10 + (s[start + 12] - '0');
    v[4] = (s[start + 14] - '0') * 10 + (s[start + 15] - '0');
    v[5] = (s[start + 17] - '0') * 10 + (s[start + 18] - '0');

    i = start + sizeof(pattern) - 1;
    ms = 0;

    if (i < p->len && s[i] == '.') {
        i++;

        for (k = 0; i < p->len && isdigit((unsigned char) s[i]); i++, k++) {
            if (k < 3) {
                ms = ms * 10 + (s[i] - '0');

            } else if (s[i] != '0') {
                return hs__od_fail(p, "date-time finer than a millisecond "
                                   "at position %zu", start);
            }
        }

        if (k == 0 || k > 9) {
            return hs__od_expected(p, node->field, start);
        }

        for ( /* void */ ; k < 3; k++) {
            ms *= 10;
        }
    }

    /* the offset in minutes */
    if (i < p->len && (s[i] == 'Z' || s[i] == 'z')) {
        v[6] = 0;
        v[7] = 0;
        sign = 0;
        i++;

    } else if (i + 6 <= p->len && (s[i] == '+' || s[i] == '-')
               && isdigit((unsigned char) s[i + 1])
               && isdigit((unsigned char) s[i + 2]) && s[i + 3] == ':'
               && isdigit((unsigned char) s[i + 4])
               && isdigit((unsigned char) s[i + 5]))
    {
        sign = (s[i] == '-') ? -1 : 1;
        v[6] = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
        v[7] = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
        i += 6;

    } else {
        return hs__od_expected(p, node->field, start);
    }

    if (!hs__od_is_delim(p, i)) {
        return hs__od_expected(p, node->field, start);
    }

    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1]
        || (v[1] == 2 && v[2] == 29
            && !((v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0))
        || v[3] > 23 || v[4] > 59 || v[5] > 59 || v[6] > 23 || v[7] > 59)
    {
        return hs__od_fail(p, "invalid date-time at position %zu", start);
    }

    days = hs__od_days_from_civil(v[0], (unsigned) v[1], (unsigned) v[2]);
    secs = days * 86400 + v[3] * 3600 + v[4] * 60 + v[5]
           - sign * (v[6] * 3600 + v[7] * 60);

    days = (secs >= 0 ? secs : secs - 86399) / 86400;
    secs -= days * 86400;
    hs__od_civil_from_days(days, &year, &mon, &day);

    if (year < 0 || year > 9999) {
        return hs__od_fail(p, "date-time out of range at position %zu",
                           start);
    }

    t = hs_alloc(32);
    if (t == NULL) {
        p->nomem = 1;
        return hs__od_fail(p, "out of memory");
    }

    snprintf(t, 32, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", (int) year, mon,
             day, (int) (secs / 3600), (int) (secs / 60 % 60),
             (int) (secs % 60), ms);

    node->text = t;
    node->val = hs_dbv_text(t, strlen(t));

    return hs__od_end_literal(p, i);
}


/*
 * The patterns of a function's text: LIKE with "\" escaping "%", "_" and
 * "\" (PostgreSQL); GLOB with "*", "?" and "[" in brackets (SQLite).
 */
static int
hs__od_patterns(hs__od_node_t *node)
{
    char        *like, *glob;
    size_t       i, l, g;
    const char  *s;

    s = node->val.s;

    like = hs_alloc(node->val.len * 2 + 3);
    glob = hs_alloc(node->val.len * 3 + 3);

    if (like == NULL || glob == NULL) {
        hs_free(like);
        hs_free(glob);
        return -1;
    }

    l = 0;
    g = 0;

    if (node->op != HS__OD_STARTSWITH) {
        like[l++] = '%';
        glob[g++] = '*';
    }

    for (i = 0; i < node->val.len; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\') {
            like[l++] = '\\';
        }

        like[l++] = s[i];

        if (s[i] == '*' || s[i] == '?' || s[i] == '[') {
            glob[g++] = '[';
            glob[g++] = s[i];
            glob[g++] = ']';

        } else {
            glob[g++] = s[i];
        }
    }

    if (node->op != HS__OD_ENDSWITH) {
        like[l++] = '%';
        glob[g++] = '*';
    }

    like[l] = '\0';
    glob[g] = '\0';
    node->like = like;
    node->glob = glob;

    return 0;
}


/* The canonical text of node i, for the cursor digest. */
static void
hs__od_canon(const hs_od_query_t *q, int i, hs__od_buf_t *b)
{
    size_t                k;
    const hs__od_node_t  *n;

    n = &q->nodes[i];

    switch (n->kind) {

    case HS__OD_AND:
    case HS__OD_OR:
        hs__od_buf_str(b, "(");
        hs__od_canon(q, n->left, b);
        hs__od_buf_str(b, n->kind == HS__OD_AND ? " and " : " or ");
        hs__od_canon(q, n->right, b);
        hs__od_buf_str(b, ")");
        return;

    case HS__OD_NOT:
        hs__od_buf_str(b, "not(");
        hs__od_canon(q, n->left, b);
        hs__od_buf_str(b, ")");
        return;

    case HS__OD_FUNC:
        hs__od_buf_str(b, hs__od_funcs[n->op]);
        hs__od_buf_str(b, "(");
        hs__od_buf_str(b, n->field->name);
        hs__od_buf_str(b, ",");
        break;

    case HS__OD_CMP:
        hs__od_buf_str(b, n->field->name);
        hs__od_buf_str(b, " ");
        hs__od_buf_str(b, hs__od_ops[n->op]);
        hs__od_buf_str(b, " ");
        break;
    }

    switch (n->val.type) {

    case HS_DBV_NULL:
        hs__od_buf_str(b, "null");
        break;

    case HS_DBV_INT:
        hs__od_buf_printf(b, "%lld", (long long) n->val.i);
        break;

    case HS_DBV_REAL:
        hs__od_buf_printf(b, "%.17g", n->val.d);
        break;

    case HS_DBV_BOOL:
        hs__od_buf_str(b, n->val.i ? "true" : "false");
        break;

    case HS_DBV_TEXT:
        if (n->field->type != HS_OD_STRING) {
            hs__od_buf_add(b, n->val.s, n->val.len);
            break;
        }

        hs__od_buf_str(b, "'");

        for (k = 0; k < n->val.len; k++) {
            hs__od_buf_add(b, n->val.s + k, 1);

            if (n->val.s[k] == '\'') {
                hs__od_buf_str(b, "'");
            }
        }

        hs__od_buf_str(b, "'");
        break;
    }

    if (n->kind == HS__OD_FUNC) {
        hs__od_buf_str(b, ")");
    }
}


/* 0, -1 (msg) or -2 (out of memory); canon gets the canonical text. */
static int
hs__od_parse_filter(hs_od_query_t *q, const char *filter,
    const hs_od_limits_t *lim, char *msg, hs__od_buf_t *canon)
{
    hs__od_parser_t  p;

    memset(&p, 0, sizeof(hs__od_parser_t));
    p.q = q;
    p.s = filter;
    p.len = strlen(filter);
    p.max_depth = lim->max_depth;
    p.max_terms = lim->max_terms;
    p.msg = msg;

    if (hs__od_check_text("$filter", filter, p.len, lim->max_length, msg)
        != 0)
    {
        return -1;
    }

    q->root = hs__od_parse_or(&p);

    if (q->root >= 0) {
        hs__od_skip_ws(&p);

        if (p.pos < p.len) {
            if (p.s[p.pos] == ')') {
                hs__od_fail(&p, "unbalanced \")\" at position %zu", p.pos);

            } else if (hs__od_ident_len(p.s, p.len, p.pos)) {
                hs__od_fail(&p, "expected \"and\" or \"or\" at position %zu",
                            p.pos);

            } else {
                hs__od_fail_char(&p, p.pos);
            }

            q->root = -1;
        }
    }

    if (p.nomem) {
        return -2;
    }

    if (q->root < 0) {
        return -1;
    }

    hs__od_canon(q, q->root, canon);

    return canon->nomem ? -2 : 0;
}


/* ---- $orderby, $select, limit */

static int
hs__od_parse_orderby(hs_od_query_t *q, const char *orderby,
    const hs_od_limits_t *lim, const hs_od_field_t **sort,
    unsigned char *desc, size_t *nsort, char *msg)
{
    size_t                i, n, start;
    hs__od_parser_t       p;
    const hs_od_field_t  *f;

    memset(&p, 0, sizeof(hs__od_parser_t));
    p.q = q;
    p.s = orderby;
    p.len = strlen(orderby);
    p.msg = msg;
    *nsort = 0;

    if (hs__od_check_text("$orderby", orderby, p.len, lim->max_length, msg)
        != 0)
    {
        return -1;
    }

    for ( ;; ) {
        hs__od_skip_ws(&p);

        start = p.pos;
        n = hs__od_ident_len(p.s, p.len, start);

        if (n == 0) {
            hs__od_msg(msg, "$orderby: expected a field name at position %zu",
                       start);
            return -1;
        }

        f = hs__od_field_lookup(&p, "$orderby", HS_OD_SORT, "sortable", start,
                                n);
        if (f == NULL) {
            return -1;
        }

        for (i = 0; i < *nsort; i++) {
            if (sort[i] == f) {
                hs__od_msg(msg, "$orderby: field \"%s\" appears twice, at "
                           "position %zu", f->name, start);
                return -1;
            }
        }

        p.pos += n;
        hs__od_skip_ws(&p);

        sort[*nsort] = f;
        desc[*nsort] = 0;

        n = hs__od_ident_len(p.s, p.len, p.pos);

        if (n == 4 && memcmp(p.s + p.pos, "desc", 4) == 0) {
            desc[*nsort] = 1;

        } else if (n != 0 && !(n == 3 && memcmp(p.s + p.pos, "asc", 3) == 0))
        {
            hs__od_msg(msg, "$orderby: expected \"asc\" or \"desc\" at "
                       "position %zu", p.pos);
            return -1;
        }

        (*nsort)++;
        p.pos += n;
        hs__od_skip_ws(&p);

        if (p.pos >= p.len) {
            return 0;
        }

        if (p.s[p.pos] != ',') {
            hs__od_msg(msg, "$orderby: expected \",\" or the end at position "
                       "%zu", p.pos);
            return -1;
        }

        p.pos++;
    }
}


static int
hs__od_parse_select(hs_od_query_t *q, const char *select,
    const hs_od_limits_t *lim, char *msg)
{
    int                   seen_id;
    size_t                i, n, start;
    hs__od_parser_t       p;
    const hs_od_field_t  *f;

    memset(&p, 0, sizeof(hs__od_parser_t));
    p.q = q;
    p.s = select;
    p.len = strlen(select);
    p.msg = msg;

    if (hs__od_check_text("$select", select, p.len, lim->max_length, msg)
        != 0)
    {
        return -1;
    }

    q->select = hs_calloc(q->nfields + 1, sizeof(const char *));
    if (q->select == NULL) {
        return -2;
    }

    seen_id = 0;

    if (q->id_field != NULL) {
        q->select[q->nselect++] = q->id_field->name;
    }

    for ( ;; ) {
        hs__od_skip_ws(&p);

        start = p.pos;
        n = hs__od_ident_len(p.s, p.len, start);

        if (n == 0) {
            hs__od_msg(msg, "$select: expected a field name at position %zu",
                       start);
            return -1;
        }

        f = hs__od_field_find(q, p.s + start, n);

        if (f == NULL || (f != q->id_field && !(f->flags & HS_OD_SELECT))) {
            hs__od_field_lookup(&p, "$select", HS_OD_SELECT, "selectable",
                                start, n);
            return -1;
        }

        /* the id is always there, first */
        for (i = (f == q->id_field) ? 0 : 1; i < q->nselect; i++) {
            if (q->select[i] == f->name) {
                if (f == q->id_field && !seen_id) {
                    break;
                }

                hs__od_msg(msg, "$select: field \"%s\" appears twice, at "
                           "position %zu", f->name, start);
                return -1;
            }
        }

        if (f == q->id_field) {
            seen_id = 1;

        } else {
            q->select[q->nselect++] = f->name;
        }

        p.pos += n;
        hs__od_skip_ws(&p);

        if (p.pos >= p.len) {
            return 0;
        }

        if (p.s[p.pos] != ',') {
            hs__od_msg(msg, "$select: expected \",\" or the end at position "
                       "%zu", p.pos);
            return -1;
        }

        p.pos++;
    }
}


static int
hs__od_parse_limit(hs_od_query_t *q, const char *limit,
    const hs_od_limits_t *lim, char *msg)
{
    size_t       v;
    const char  *s;

    v = 0;

    for (s = limit; *s >= '0' && *s <= '9'; s++) {
        if (v > lim->max_limit) {
            break;
        }

        v = v * 10 + (size_t) (*s - '0');
    }

    if (s == limit || *s != '\0' || v < 1 || v > lim->max_limit) {
        hs__od_msg(msg, "limit must be 1..%zu", lim->max_limit);
        return -1;
    }

    q->limit = v;

    return 0;
}


/* ---- keys, cursor */

static int
hs__od_make_keys(hs_od_query_t *q, const hs_od_field_t **sort,
    const unsigned char *desc, size_t nsort)
{
    size_t         i;
    int            has_id;
    hs__od_key_t  *k;

    has_id = 0;

    for (i = 0; i < nsort; i++) {
        if (strcmp(sort[i]->column, q->id_column) == 0) {
            has_id = 1;
        }
    }

    q->nsort = nsort;
    q->nkeys = nsort + !has_id;
    q->keys = hs_calloc(q->nkeys, sizeof(hs__od_key_t));
    q->key_columns = hs_calloc(q->nkeys, sizeof(const char *));

    if (q->keys == NULL || q->key_columns == NULL) {
        return -2;
    }

    for (i = 0; i < nsort; i++) {
        k = &q->keys[i];
        k->column = sort[i]->column;
        k->field = sort[i];
        k->desc = desc[i];
        k->notnull = (sort[i]->flags & HS_OD_NOTNULL)
                     || strcmp(sort[i]->column, q->id_column) == 0;
        q->key_columns[i] = k->column;
    }

    if (!has_id) {
        k = &q->keys[nsort];
        k->column = q->id_column;
        k->field = q->id_field;
        k->desc = nsort ? desc[nsort - 1] : 0;
        k->notnull = 1;
        q->key_columns[nsort] = k->column;
    }

    return 0;
}


/*
 * Decodes the cursor, takes its $orderby when none was given, checks that
 * the query is the one it was issued for. 0, -1 (msg) or -2.
 */
static int
hs__od_use_cursor(hs_od_query_t *q, const char *cursor, const char *canon,
    int orderby_given, const unsigned char *key, size_t keylen, char *msg)
{
    int              rc;
    size_t           i;
    hs__od_cursor_t  c;
    unsigned char    digest[HS__OD_DIGEST_LEN];

    rc = hs__od_cursor_decode(q, cursor, key, keylen, &c);

    if (rc == -2) {
        return -2;
    }

    if (rc != 0) {
        hs__od_msg(msg, "cursor is invalid or was issued for another query");
        return -1;
    }

    if (!orderby_given) {
        rc = hs__od_make_keys(q, c.sort, c.desc, c.nsort);
        if (rc != 0) {
            hs__od_cursor_release(&c);
            return rc;
        }
    }

    if (hs__od_digest(q, canon, digest) != 0) {
        hs__od_cursor_release(&c);
        return -2;
    }

    if (memcmp(digest, c.digest, HS__OD_DIGEST_LEN) != 0) {
        hs__od_cursor_release(&c);
        hs__od_msg(msg, "cursor is invalid or was issued for another query "
                   "(send the $filter of the first page with it, and the "
                   "same $orderby or none)");
        return -1;
    }

    rc = (c.nvals == q->nkeys) ? 0 : -1;

    for (i = 0; rc == 0 && i < c.nvals; i++) {
        rc = hs__od_key_value(&q->keys[i], &c.vals[i], &c.vals[i]);
    }

    if (rc != 0) {
        hs__od_cursor_release(&c);
        hs__od_msg(msg, "cursor is invalid or was issued for another query");
        return -1;
    }

    q->has_cursor = 1;
    q->backward = c.backward;
    q->cvals = c.vals;
    q->cbuf = c.buf;
    c.vals = NULL;
    c.buf = NULL;
    hs__od_cursor_release(&c);

    return 0;
}


/* ---- API */

hs_od_query_t *
hs_od_parse(const hs_od_field_t *fields, const char *id_column,
    const char *filter, const char *orderby, const char *select,
    const char *limit, const char *cursor, const hs_od_limits_t *limits,
    const unsigned char *key, size_t keylen, hs_problem_t **problem)
{
    int                    rc, bad;
    char                   msg[HS__OD_MSG_SIZE];
    size_t                 nsort;
    unsigned char         *desc;
    hs_od_limits_t         lim;
    hs_od_query_t         *q;
    hs__od_buf_t           canon;
    const hs_od_field_t  **sort;

    *problem = NULL;

    if (fields == NULL) {
        *problem = hs_problem_new(HS_PROBLEM_INTERNAL,
                                  "hs_od_parse: no field table");
        return NULL;
    }

    lim.max_limit = (limits && limits->max_limit) ? limits->max_limit : 200;
    lim.default_limit = (limits && limits->default_limit)
                        ? limits->default_limit : 25;
    lim.max_length = (limits && limits->max_length) ? limits->max_length
                                                     : 2048;
    lim.max_depth = (limits && limits->max_depth) ? limits->max_depth : 16;
    lim.max_terms = (limits && limits->max_terms) ? limits->max_terms : 64;

    if (lim.default_limit > lim.max_limit) {
        lim.default_limit = lim.max_limit;
    }

    q = hs_calloc(1, sizeof(hs_od_query_t));
    if (q == NULL) {
        return NULL;
    }

    q->fields = fields;
    q->id_column = id_column ? id_column : "id";
    q->root = -1;
    q->limit = lim.default_limit;

    for (q->nfields = 0; fields[q->nfields].name != NULL; q->nfields++) {
        if (q->id_field == NULL && fields[q->nfields].column != NULL
            && strcmp(fields[q->nfields].column, q->id_column) == 0)
        {
            q->id_field = &fields[q->nfields];
        }
    }

    memset(&canon, 0, sizeof(hs__od_buf_t));
    hs__od_buf_str(&canon, "");

    sort = hs_calloc(q->nfields + 1, sizeof(const hs_od_field_t *));
    desc = hs_calloc(q->nfields + 1, 1);
    nsort = 0;
    bad = 0;

    if (sort == NULL || desc == NULL || canon.nomem) {
        goto nomem;
    }

    if (limit != NULL) {
        if (hs__od_parse_limit(q, limit, &lim, msg) != 0) {
            bad = 1;
            if (hs__od_problem_add(problem, "limit", "invalid_limit", msg)) {
                goto nomem;
            }
        }
    }

    if (filter != NULL && !hs__od_blank(filter)) {
        rc = hs__od_parse_filter(q, filter, &lim, msg, &canon);

        if (rc == -2) {
            goto nomem;
        }

        if (rc != 0) {
            bad = 1;
            if (hs__od_problem_add(problem, "$filter", "invalid_filter",
                                   msg))
            {
                goto nomem;
            }
        }
    }

    if (orderby != NULL && !hs__od_blank(orderby)) {
        if (hs__od_parse_orderby(q, orderby, &lim, sort, desc, &nsort, msg)
            != 0)
        {
            bad = 1;
            if (hs__od_problem_add(problem, "$orderby", "invalid_orderby",
                                   msg))
            {
                goto nomem;
            }
        }

    } else {
        orderby = NULL;
    }

    if (select != NULL && !hs__od_blank(select)) {
        rc = hs__od_parse_select(q, select, &lim, msg);

        if (rc == -2) {
            goto nomem;
        }

        if (rc != 0) {
            bad = 1;
            if (hs__od_problem_add(problem, "$select", "invalid_select",
                                   msg))
            {
                goto nomem;
            }
        }
    }

    if (bad) {
        goto failed;
    }

    if (orderby != NULL || cursor == NULL || hs__od_blank(cursor)) {
        if (hs__od_make_keys(q, sort, desc, nsort) != 0) {
            goto nomem;
        }
    }

    if (cursor != NULL && !hs__od_blank(cursor)) {
        rc = hs__od_use_cursor(q, cursor, canon.p, orderby != NULL, key,
                               keylen, msg);

        if (rc == -2) {
            goto nomem;
        }

        if (rc != 0) {
            if (hs__od_problem_add(problem, "cursor", "invalid_cursor", msg))
            {
                goto nomem;
            }

            goto failed;
        }
    }

    if (hs__od_digest(q, canon.p, q->digest) != 0) {
        goto nomem;
    }

    hs_free(canon.p);
    hs_free(sort);
    hs_free(desc);

    return q;

nomem:

    hs_problem_free(*problem);
    *problem = NULL;

failed:

    hs_free(canon.p);
    hs_free(sort);
    hs_free(desc);
    hs_od_free(q);

    return NULL;
}


void
hs_od_free(hs_od_query_t *q)
{
    size_t  i;

    if (q == NULL) {
        return;
    }

    for (i = 0; i < q->nnodes; i++) {
        hs_free(q->nodes[i].text);
        hs_free(q->nodes[i].like);
        hs_free(q->nodes[i].glob);
    }

    hs_free(q->nodes);
    hs_free(q->keys);
    hs_free(q->key_columns);
    hs_free(q->select);
    hs_free(q->cvals);
    hs_free(q->cbuf);
    hs_free(q);
}


size_t
hs_od_limit(const hs_od_query_t *q)
{
    return q->limit;
}


int
hs_od_backward(const hs_od_query_t *q)
{
    return q->backward;
}


size_t
hs_od_selected(const hs_od_query_t *q, const char *const **names)
{
    *names = q->nselect ? q->select : NULL;

    return q->nselect;
}


size_t
hs_od_keys(const hs_od_query_t *q, const char *const **columns)
{
    *columns = q->key_columns;

    return q->nkeys;
}
