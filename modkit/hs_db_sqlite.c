/*
 * The database layer, SQLite driver: one sqlite3 handle per connection
 * (SQLITE_OPEN_NOMUTEX: used by one thread), WAL, foreign keys, results
 * copied out of the statement.
 */

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#define HS_DB_DRIVER
#include "hs_db.h"


/*
 * What every run of a prepared statement needs, found once: the index of
 * each $n, and the result columns (names, which are booleans).
 */
typedef struct {
    int             *pidx;      /* [nparams] */
    size_t           cols;
    unsigned char   *is_bool;   /* [cols] */
    char            *names;     /* cols NUL-terminated names */
    size_t           names_len;
} hs__db_sqlite_meta_t;

typedef struct {
    hs_dbv_t  *cells;
    size_t     ncells;
    size_t     cap;
    char      *text;
    size_t     tlen;
    size_t     tcap;
} hs__db_sqlite_buf_t;


static void hs__db_sqlite_setup(void);
static hs_rc_t hs__db_sqlite_rc(int code);
static hs_rc_t hs__db_sqlite_error(sqlite3 *h, int code, const char *what,
    hs_error_t *err);
static hs_rc_t hs__db_sqlite_bind(sqlite3_stmt *stmt,
    const hs__db_sqlite_meta_t *m, const hs_dbv_t *params, size_t n,
    hs_error_t *err);
static hs__db_sqlite_meta_t *hs__db_sqlite_meta(sqlite3_stmt *stmt, int n);
static void hs__db_sqlite_meta_free(hs__db_sqlite_meta_t *m);
static hs_rc_t hs__db_sqlite_row(sqlite3_stmt *stmt, hs__db_sqlite_buf_t *b,
    const unsigned char *is_bool, size_t cols);
static hs_rc_t hs__db_sqlite_res_new(const hs__db_sqlite_meta_t *m,
    hs_db_res_t **res);


static pthread_once_t  hs__db_sqlite_once = PTHREAD_ONCE_INIT;


/*
 * Process-wide SQLite settings, before the library initializes: no memory
 * statistics, whose global mutex every allocation of every connection
 * would take (pool threads would queue on it). If the library was already
 * initialized by someone else, its settings stay as they are.
 */
static void
hs__db_sqlite_setup(void)
{
    (void) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void) sqlite3_initialize();
}


/* Maps an (extended) SQLite result code to hs_rc_t. */
static hs_rc_t
hs__db_sqlite_rc(int code)
{
    switch (code) {

    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return HS_EEXIST;

    case SQLITE_NOMEM:
        return HS_ENOMEM;
    }

    switch (code & 0xff) {

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return HS_EAGAIN;
    }

    return HS_ERROR;
}


static hs_rc_t
hs__db_sqlite_error(sqlite3 *h, int code, const char *what, hs_error_t *err)
{
    hs_error_set(err, "sqlite: %s: %s", what,
                 h ? sqlite3_errmsg(h) : sqlite3_errstr(code));

    return hs__db_sqlite_rc(code);
}


hs_rc_t
hs__db_sqlite_open(hs_db_t *db, hs_db_conn_t *c, hs_error_t *err)
{
    int       code;
    int       tries;
    char      sql[256];
    char     *msg;
    hs_rc_t   rc;
    sqlite3  *h;

    h = NULL;

    (void) pthread_once(&hs__db_sqlite_once, hs__db_sqlite_setup);

    code = sqlite3_open_v2(db->path, &h,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                           | SQLITE_OPEN_NOMUTEX, NULL);
    if (code != SQLITE_OK) {
        hs_error_set(err, "sqlite: cannot open \"%s\": %s", db->path,
                     h ? sqlite3_errmsg(h) : sqlite3_errstr(code));
        sqlite3_close(h);
        return hs__db_sqlite_rc(code);
    }

    sqlite3_extended_result_codes(h, 1);

    /* busy_timeout first: switching to WAL may wait for other openers */

    snprintf(sql, sizeof(sql),
             "PRAGMA busy_timeout = %d;"
             "PRAGMA journal_mode = WAL;"
             "PRAGMA foreign_keys = ON;"
             "PRAGMA synchronous = NORMAL;",
             db->opt.busy_timeout_ms);

    /*
     * Openers of a new file race to switch it to WAL; SQLite answers
     * SQLITE_BUSY at once (without the busy handler) to the loser of a
     * lock upgrade, so the setup is tried again within the busy timeout.
     */
    for (tries = 0; ; tries++) {
        msg = NULL;

        code = sqlite3_exec(h, sql, NULL, NULL, &msg);
        if ((code & 0xff) != SQLITE_BUSY
            || tries * 10 >= db->opt.busy_timeout_ms)
        {
            break;
        }

        sqlite3_free(msg);
        sqlite3_sleep(10);
    }

    if (code != SQLITE_OK) {
        hs_error_set(err, "sqlite: setting up \"%s\": %s", db->path,
                     msg ? msg : sqlite3_errstr(code));
        rc = hs__db_sqlite_rc(sqlite3_extended_errcode(h));
        sqlite3_free(msg);
        sqlite3_close(h);
        return rc == HS_OK ? HS_ERROR : rc;
    }

    c->handle = h;

    return HS_OK;
}


void
hs__db_sqlite_close(hs_db_conn_t *c)
{
    /* the cached statements are finalized by now; a shared read ends */
    sqlite3_finalize(c->share_begin);
    sqlite3_finalize(c->share_end);
    c->share_begin = NULL;
    c->share_end = NULL;
    c->shared_read = 0;

    sqlite3_close(c->handle);
    c->handle = NULL;
}


hs_rc_t
hs__db_sqlite_prepare(hs_db_conn_t *c, hs_db_stmt_t *st, hs_error_t *err)
{
    int            code, i, n;
    char           name[16];
    const char    *tail;
    sqlite3       *h;
    sqlite3_stmt  *stmt, *more;

    h = c->handle;
    stmt = NULL;

    code = sqlite3_prepare_v3(h, st->sql, -1, SQLITE_PREPARE_PERSISTENT,
                              &stmt, &tail);
    if (code != SQLITE_OK) {
        return hs__db_sqlite_error(h, sqlite3_extended_errcode(h),
                                   "prepare", err);
    }

    if (stmt == NULL) {
        hs_error_set(err, "sqlite: prepare: no statement in \"%s\"",
                     st->sql);
        return HS_EINVAL;
    }

    /* one statement only: what follows may be blanks and comments */

    more = NULL;

    if (tail != NULL && *tail != '\0') {
        code = sqlite3_prepare_v2(h, tail, -1, &more, NULL);
        sqlite3_finalize(more);

        if (code != SQLITE_OK || more != NULL) {
            sqlite3_finalize(stmt);
            hs_error_set(err, "sqlite: prepare: more than one statement in "
                         "\"%s\"", st->sql);
            return HS_EINVAL;
        }
    }

    /* $1..$n, each of them used */

    n = sqlite3_bind_parameter_count(stmt);

    for (i = 1; i <= n; i++) {
        snprintf(name, sizeof(name), "$%d", i);

        if (sqlite3_bind_parameter_index(stmt, name) == 0) {
            sqlite3_finalize(stmt);
            hs_error_set(err, "sqlite: prepare: parameters must be $1..$%d "
                         "(each used): \"%s\"", n, st->sql);
            return HS_EINVAL;
        }
    }

    st->meta = hs__db_sqlite_meta(stmt, n);
    if (st->meta == NULL) {
        sqlite3_finalize(stmt);
        hs_error_set(err, "sqlite: prepare: out of memory");
        return HS_ENOMEM;
    }

    st->nparams = n;
    st->stmt = stmt;

    return HS_OK;
}


static hs__db_sqlite_meta_t *
hs__db_sqlite_meta(sqlite3_stmt *stmt, int n)
{
    int                    i, cols;
    char                   name[16], *p;
    size_t                 len;
    const char            *cn, *decl;
    hs__db_sqlite_meta_t  *m;

    m = hs_calloc(1, sizeof(hs__db_sqlite_meta_t));
    if (m == NULL) {
        return NULL;
    }

    cols = sqlite3_column_count(stmt);
    m->cols = (size_t) cols;

    m->pidx = hs_calloc(n ? n : 1, sizeof(int));
    m->is_bool = hs_calloc(cols ? cols : 1, 1);

    for (i = 0, len = 0; i < cols; i++) {
        cn = sqlite3_column_name(stmt, i);
        len += (cn ? strlen(cn) : 0) + 1;
    }

    m->names = hs_alloc(len ? len : 1);
    m->names_len = len;

    if (m->pidx == NULL || m->is_bool == NULL || m->names == NULL) {
        hs__db_sqlite_meta_free(m);
        return NULL;
    }

    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "$%d", i + 1);
        m->pidx[i] = sqlite3_bind_parameter_index(stmt, name);
    }

    for (i = 0, p = m->names; i < cols; i++) {
        cn = sqlite3_column_name(stmt, i);
        len = cn ? strlen(cn) : 0;
        memcpy(p, cn ? cn : "", len + 1);
        p += len + 1;

        decl = sqlite3_column_decltype(stmt, i);
        m->is_bool[i] = (decl != NULL
                         && (strcasecmp(decl, "BOOL") == 0
                             || strcasecmp(decl, "BOOLEAN") == 0));
    }

    return m;
}


static void
hs__db_sqlite_meta_free(hs__db_sqlite_meta_t *m)
{
    if (m == NULL) {
        return;
    }

    hs_free(m->pidx);
    hs_free(m->is_bool);
    hs_free(m->names);
    hs_free(m);
}


void
hs__db_sqlite_unprepare(hs_db_conn_t *c, hs_db_stmt_t *st)
{
    sqlite3_finalize(st->stmt);
    st->stmt = NULL;
    hs__db_sqlite_meta_free(st->meta);
    st->meta = NULL;
}


static hs_rc_t
hs__db_sqlite_bind(sqlite3_stmt *stmt, const hs__db_sqlite_meta_t *m,
    const hs_dbv_t *params, size_t n, hs_error_t *err)
{
    int          code, idx;
    size_t       i;
    const char  *s;

    for (i = 0; i < n; i++) {
        idx = m->pidx[i];

        switch (params[i].type) {

        case HS_DBV_NULL:
            code = sqlite3_bind_null(stmt, idx);
            break;

        case HS_DBV_INT:
            code = sqlite3_bind_int64(stmt, idx, params[i].i);
            break;

        case HS_DBV_BOOL:
            code = sqlite3_bind_int64(stmt, idx, params[i].i != 0);
            break;

        case HS_DBV_REAL:
            code = sqlite3_bind_double(stmt, idx, params[i].d);
            break;

        case HS_DBV_TEXT:
            /* a NULL pointer would bind SQL NULL */
            s = params[i].s ? params[i].s : "";
            code = sqlite3_bind_text64(stmt, idx, s, params[i].len,
                                       SQLITE_STATIC, SQLITE_UTF8);
            break;

        default:
            hs_error_set(err, "sqlite: parameter $%zu: unknown type %d",
                         i + 1, (int) params[i].type);
            return HS_EINVAL;
        }

        if (code != SQLITE_OK) {
            hs_error_set(err, "sqlite: binding $%zu: %s", i + 1,
                         sqlite3_errstr(code));
            return hs__db_sqlite_rc(code) == HS_ENOMEM ? HS_ENOMEM
                                                       : HS_EINVAL;
        }
    }

    return HS_OK;
}


static hs_rc_t
hs__db_sqlite_res_new(const hs__db_sqlite_meta_t *m, hs_db_res_t **res)
{
    char         *p;
    size_t        i;
    hs_db_res_t  *r;

    r = hs_calloc(1, sizeof(hs_db_res_t));
    if (r == NULL) {
        return HS_ENOMEM;
    }

    r->kind = HS_DB_SQLITE;
    r->cols = m->cols;

    *res = r;

    if (m->cols == 0) {
        return HS_OK;
    }

    /* the pointers, then the names, in one block */
    r->names = hs_alloc(m->cols * sizeof(char *) + m->names_len);
    if (r->names == NULL) {
        return HS_ENOMEM;
    }

    p = memcpy((char *) (r->names + m->cols), m->names, m->names_len);

    for (i = 0; i < m->cols; i++) {
        r->names[i] = p;
        p += strlen(p) + 1;
    }

    return HS_OK;
}


/* Appends the current row; text offsets are fixed up at the end. */
static hs_rc_t
hs__db_sqlite_row(sqlite3_stmt *stmt, hs__db_sqlite_buf_t *b,
    const unsigned char *is_bool, size_t cols)
{
    int          i;
    void        *p;
    size_t       need, cap, len;
    hs_dbv_t    *v;
    const void  *bytes;

    if (b->ncells + cols > b->cap) {
        cap = b->cap ? b->cap * 2 : cols;
        while (cap < b->ncells + cols) {
            cap *= 2;
        }

        p = hs_realloc(b->cells, cap * sizeof(hs_dbv_t));
        if (p == NULL) {
            return HS_ENOMEM;
        }

        b->cells = p;
        b->cap = cap;
    }

    for (i = 0; i < (int) cols; i++) {
        v = &b->cells[b->ncells++];
        *v = hs_dbv_null();

        switch (sqlite3_column_type(stmt, i)) {

        case SQLITE_INTEGER:
            v->type = is_bool[i] ? HS_DBV_BOOL : HS_DBV_INT;
            v->i = sqlite3_column_int64(stmt, i);
            if (is_bool[i]) {
                v->i = (v->i != 0);
            }
            break;

        case SQLITE_FLOAT:
            v->type = HS_DBV_REAL;
            v->d = sqlite3_column_double(stmt, i);
            break;

        case SQLITE_TEXT:
        case SQLITE_BLOB:
            if (sqlite3_column_type(stmt, i) == SQLITE_TEXT) {
                bytes = sqlite3_column_text(stmt, i);
            } else {
                bytes = sqlite3_column_blob(stmt, i);
            }

            len = sqlite3_column_bytes(stmt, i);

            need = b->tlen + len + 1;
            if (need > b->tcap) {
                cap = b->tcap ? b->tcap * 2 : 256;
                while (cap < need) {
                    cap *= 2;
                }

                p = hs_realloc(b->text, cap);
                if (p == NULL) {
                    return HS_ENOMEM;
                }

                b->text = p;
                b->tcap = cap;
            }

            if (len > 0) {
                memcpy(b->text + b->tlen, bytes, len);
            }

            b->text[b->tlen + len] = '\0';

            v->type = HS_DBV_TEXT;
            v->i = (int64_t) b->tlen;        /* an offset for now */
            v->len = len;
            b->tlen = need;
            break;

        default:
            break;
        }
    }

    return HS_OK;
}


hs_rc_t
hs__db_sqlite_exec(hs_db_conn_t *c, hs_db_stmt_t *st, const hs_dbv_t *params,
    size_t n, hs_db_res_t **res, hs_error_t *err)
{
    int                   code;
    size_t                i;
    hs_rc_t               rc;
    sqlite3              *h;
    sqlite3_int64         total;
    hs_db_res_t          *r;
    sqlite3_stmt         *stmt;
    hs__db_sqlite_meta_t *m;
    hs__db_sqlite_buf_t   b;

    h = c->handle;
    stmt = st->stmt;
    r = NULL;
    memset(&b, 0, sizeof(b));

    /* SQLite prepares a statement again when the schema changed */
    m = st->meta;
    if ((size_t) sqlite3_column_count(stmt) != m->cols) {
        m = hs__db_sqlite_meta(stmt, st->nparams);
        if (m == NULL) {
            hs_error_set(err, "sqlite: out of memory");
            return HS_ENOMEM;
        }
        hs__db_sqlite_meta_free(st->meta);
        st->meta = m;
    }

    rc = hs__db_sqlite_bind(stmt, m, params, n, err);
    if (rc != HS_OK) {
        goto done;
    }

    if (res != NULL) {
        rc = hs__db_sqlite_res_new(m, &r);
        if (rc != HS_OK) {
            hs_error_set(err, "sqlite: out of memory");
            goto done;
        }
    }

    total = sqlite3_total_changes64(h);

    for ( ;; ) {
        code = sqlite3_step(stmt);

        if (code == SQLITE_ROW) {
            if (r == NULL || r->cols == 0) {
                continue;
            }

            rc = hs__db_sqlite_row(stmt, &b, m->is_bool, r->cols);
            if (rc != HS_OK) {
                hs_error_set(err, "sqlite: out of memory");
                goto done;
            }

            r->rows++;
            continue;
        }

        if (code == SQLITE_DONE) {
            break;
        }

        rc = hs__db_sqlite_error(h, code, "exec", err);
        goto done;
    }

    if (r != NULL) {
        /* only INSERT/UPDATE/DELETE change the total */
        r->affected = (sqlite3_total_changes64(h) != total)
                      ? sqlite3_changes64(h) : 0;

        for (i = 0; i < b.ncells; i++) {
            if (b.cells[i].type == HS_DBV_TEXT) {
                b.cells[i].s = b.text + b.cells[i].i;
                b.cells[i].i = 0;
            }
        }

        r->cells = b.cells;
        r->text = b.text;
        b.cells = NULL;
        b.text = NULL;

        *res = r;
        r = NULL;
    }

    rc = HS_OK;

done:

    /* releases the read snapshot and the caller's text */
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);

    hs_free(b.cells);
    hs_free(b.text);
    hs_db_res_free(r);

    return rc;
}


/* Runs BEGIN or COMMIT of a shared read; 0 on success. */
static int
hs__db_sqlite_share_step(hs_db_conn_t *c, void **slot, const char *sql)
{
    int            code;
    sqlite3_stmt  *stmt;

    stmt = *slot;

    if (stmt == NULL) {
        code = sqlite3_prepare_v3(c->handle, sql, -1,
                                  SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
        if (code != SQLITE_OK) {
            return -1;
        }

        *slot = stmt;
    }

    code = sqlite3_step(stmt);
    sqlite3_reset(stmt);

    return code == SQLITE_DONE ? 0 : -1;
}


/*
 * Before st runs (hs_db_thread_batch_begin() in hs_db.h): in a batch, a
 * read-only statement outside a transaction opens the shared read
 * transaction; a statement that writes closes it. Failing to open it is
 * not an error: the statement then runs on its own.
 */
void
hs__db_sqlite_share(hs_db_conn_t *c, hs_db_stmt_t *st, int batch)
{
    if (c->shared_read) {
        if (!sqlite3_stmt_readonly(st->stmt)) {
            hs__db_sqlite_share_end(c);
        }

        return;
    }

    if (batch && sqlite3_stmt_readonly(st->stmt)
        && sqlite3_get_autocommit(c->handle)
        && hs__db_sqlite_share_step(c, &c->share_begin, "BEGIN") == 0)
    {
        c->shared_read = 1;
    }
}


void
hs__db_sqlite_share_end(hs_db_conn_t *c)
{
    c->shared_read = 0;

    if (sqlite3_get_autocommit(c->handle)) {
        return;
    }

    if (hs__db_sqlite_share_step(c, &c->share_end, "COMMIT") != 0) {
        /* a read-only transaction: nothing is lost */
        (void) sqlite3_exec(c->handle, "ROLLBACK", NULL, NULL, NULL);
    }
}


hs_rc_t
hs__db_sqlite_script(hs_db_conn_t *c, const char *sql, hs_error_t *err)
{
    int       code;
    char     *msg;
    hs_rc_t   rc;
    sqlite3  *h;

    h = c->handle;
    msg = NULL;

    if (c->shared_read) {
        hs__db_sqlite_share_end(c);
    }

    code = sqlite3_exec(h, sql, NULL, NULL, &msg);
    if (code == SQLITE_OK) {
        return HS_OK;
    }

    hs_error_set(err, "sqlite: %s", msg ? msg : sqlite3_errstr(code));
    sqlite3_free(msg);

    rc = hs__db_sqlite_rc(sqlite3_extended_errcode(h));

    return rc == HS_OK ? HS_ERROR : rc;
}


int
hs__db_sqlite_in_txn(hs_db_conn_t *c)
{
    /* a batch's shared read is not the caller's transaction */
    return !c->shared_read && !sqlite3_get_autocommit(c->handle);
}


hs_rc_t
hs__db_sqlite_get(const hs_db_res_t *r, size_t row, size_t col,
    hs_dbv_t *out)
{
    *out = r->cells[row * r->cols + col];

    return HS_OK;
}


void
hs__db_sqlite_res_free(hs_db_res_t *r)
{
    hs_free(r->names);
    hs_free(r->cells);
    hs_free(r->text);
}
