/*
 * OData list queries: the API, $orderby, $select, limit, the use of a
 * cursor, and the helpers of the parsers. The $filter parser is in
 * hs_odata_filter.c, the SQL in hs_odata_sql.c, cursors in
 * hs_odata_cursor.c.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_ODATA_IMPL
#include "hs_odata.h"

#define HS__OD_LIST_MAX      400      /* bytes of a field list in messages */


static void hs__od_msg(char *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static size_t hs__od_utf8_valid(const unsigned char *s, size_t len);
static int hs__od_blank(const char *s);
static const hs_od_field_t *hs__od_field_find(const hs_od_query_t *q,
    const char *name, size_t n);
static void hs__od_field_list(const hs_od_query_t *q, unsigned flag,
    char *out, size_t size);
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


/* ---- string building, for all the hs_odata*.c files */

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


int
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


int
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
int
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

void
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
size_t
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
const hs_od_field_t *
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
    const hs_od_field_t   *f, **sort;

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
        f = &fields[q->nfields];

        /* a programming error: answered with a 500 */
        if (f->column == NULL || f->column[0] == '\0'
            || (unsigned) f->type > HS_OD_DATETIME || q->nfields >= 0xffff
            || hs__od_ident_len(f->name, strlen(f->name), 0)
               != strlen(f->name))
        {
            *problem = hs_problem_new(HS_PROBLEM_INTERNAL, "hs_od_parse: "
                                      "field table entry %zu is invalid",
                                      q->nfields);
            hs_od_free(q);
            return NULL;
        }

        if (q->id_field == NULL && strcmp(f->column, q->id_column) == 0) {
            q->id_field = f;
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
