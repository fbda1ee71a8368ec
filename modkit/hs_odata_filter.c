/*
 * OData list queries: the $filter parser. A recursive descent over
 *
 *     or -> and -> unary ("not", "(", function, comparison)
 *
 * bounded by max_depth ("(" and "not") and max_terms; literals are read
 * by the type of the field they are compared with.
 */

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_ODATA_IMPL
#include "hs_odata.h"

typedef struct {
    const char  *article;             /* "a string" */
    const char  *hint;                /* appended after "literal" */
} hs__od_type_name_t;


static int hs__od_is_delim(hs__od_parser_t *p, size_t pos);
static int hs__od_word(hs__od_parser_t *p, const char *word);
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


/* 1: the identifier at pos is exactly word. */
static int
hs__od_word(hs__od_parser_t *p, const char *word)
{
    size_t  n;

    n = hs__od_ident_len(p->s, p->len, p->pos);

    return n == strlen(word) && memcmp(p->s + p->pos, word, n) == 0;
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

    if (start + n < p->len && (unsigned char) p->s[start + n] >= 0x80) {
        return hs__od_fail_char(p, start + n);
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
int
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

