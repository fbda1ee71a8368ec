/*
 * The database layer, common part: databases, thread-local connections,
 * the per-connection statement cache, results. The drivers are
 * hs_db_sqlite.c and hs_db_pg.c.
 */

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define HS_DB_DRIVER
#include "hs_db.h"


static void hs__db_key_create(void);
static void hs__db_key_destructor(void *p);
static void hs__db_fini(void) __attribute__((destructor));
static hs_rc_t hs__db_conn_init(hs_db_t *db, hs_db_conn_t **conn,
    hs_error_t *err);
static void hs__db_thread_set(hs_db_conn_t *c);
static void hs__db_fork_count(void);
static void hs__db_fork_watch(void);
static uint32_t hs__db_hash(const char *s);
static hs_rc_t hs__db_stmt_get(hs_db_conn_t *c, const char *sql,
    hs_db_stmt_t **stmt, hs_error_t *err);


static uint64_t                 hs__db_generation;
static uint64_t                 hs__db_conn_serial;

/*
 * Forks this process went through (a pthread_atfork() child handler
 * counts them): a connection opened before the last fork belongs to the
 * parent. Cheaper than getpid() on every call.
 */
static uint64_t                 hs__db_forks;
static pthread_once_t           hs__db_fork_once = PTHREAD_ONCE_INIT;

/* Set between hs_db_thread_batch_begin() and hs_db_thread_batch_end(). */
static __thread int             hs__db_thread_batch;

/* The calling thread's connection (to one database at a time). */
static __thread hs_db_conn_t   *hs__db_thread_conn;

/* Closes a thread's connection when the thread exits. */
static pthread_key_t            hs__db_key;
static pthread_once_t           hs__db_key_once = PTHREAD_ONCE_INIT;
static int                      hs__db_key_ok;


hs_db_t *
hs_db_create(const hs_dburl_t *url, const hs_db_options_t *opt,
    hs_error_t *err)
{
    int               k, s;
    hs_db_t          *db;
    hs_db_options_t   def = HS_DB_OPTIONS_DEFAULT;

    if (url == NULL
        || (url->kind != HS_DB_SQLITE && url->kind != HS_DB_POSTGRES))
    {
        hs_error_set(err, "hs_db_create: no database URL");
        return NULL;
    }

    if (opt == NULL) {
        opt = &def;
    }

    if (opt->busy_timeout_ms < 0 || opt->connect_timeout_s < 1
        || opt->statement_timeout_ms < 0)
    {
        hs_error_set(err, "hs_db_create: bad options (busy_timeout_ms %d, "
                     "connect_timeout_s %d, statement_timeout_ms %d)",
                     opt->busy_timeout_ms, opt->connect_timeout_s,
                     opt->statement_timeout_ms);
        return NULL;
    }

    if (url->kind == HS_DB_SQLITE && url->path == NULL) {
        hs_error_set(err, "hs_db_create: sqlite URL without a path");
        return NULL;
    }

    db = hs_calloc(1, sizeof(hs_db_t));
    if (db == NULL) {
        goto nomem;
    }

    db->kind = url->kind;
    db->opt = *opt;
    db->generation = __atomic_add_fetch(&hs__db_generation, 1,
                                        __ATOMIC_RELAXED);

    db->redacted = hs_strdup(url->redacted ? url->redacted
                             : hs_db_kind_name(url->kind));
    if (db->redacted == NULL) {
        goto nomem;
    }

    if (db->kind == HS_DB_SQLITE) {
        db->path = hs_strdup(url->path);
        if (db->path == NULL) {
            goto nomem;
        }

        return db;
    }

    /* PostgreSQL: the PQconnectdbParams() arrays, built once */

    k = 0;
    s = 0;

#define hs__db_kv(key, val)                                                   \
    if ((val) != NULL) {                                                      \
        db->strs[s] = hs_strdup(val);                                         \
        if (db->strs[s] == NULL) {                                            \
            goto nomem;                                                       \
        }                                                                     \
        db->keys[k] = (key);                                                  \
        db->vals[k++] = db->strs[s++];                                        \
    }

    hs__db_kv("host", url->host);
    hs__db_kv("user", url->user);
    hs__db_kv("password", url->password);
    hs__db_kv("dbname", url->dbname);
    hs__db_kv("sslmode", url->sslmode);

#undef hs__db_kv

    if (url->port != 0) {
        snprintf(db->port, sizeof(db->port), "%u", url->port);
        db->keys[k] = "port";
        db->vals[k++] = db->port;
    }

    snprintf(db->connect_timeout, sizeof(db->connect_timeout), "%d",
             opt->connect_timeout_s);
    db->keys[k] = "connect_timeout";
    db->vals[k++] = db->connect_timeout;

    if (opt->statement_timeout_ms > 0) {
        snprintf(db->options, sizeof(db->options),
                 "-c statement_timeout=%d", opt->statement_timeout_ms);
        db->keys[k] = "options";
        db->vals[k++] = db->options;
    }

    db->keys[k] = "application_name";
    db->vals[k++] = "hyperspot";
    db->keys[k] = "client_encoding";
    db->vals[k++] = "UTF8";
    db->keys[k] = NULL;
    db->vals[k] = NULL;

    return db;

nomem:

    hs_db_destroy(db);
    hs_error_set(err, "hs_db_create: out of memory");

    return NULL;
}


void
hs_db_destroy(hs_db_t *db)
{
    size_t  i;

    if (db == NULL) {
        return;
    }

    for (i = 0; i < sizeof(db->strs) / sizeof(db->strs[0]); i++) {
        hs_free(db->strs[i]);
    }

    hs_free(db->path);
    hs_free(db->redacted);
    hs_free(db);
}


hs_db_kind_t
hs_db_kind(const hs_db_t *db)
{
    return db->kind;
}


const char *
hs_db_url(const hs_db_t *db)
{
    return db->redacted;
}


static void
hs__db_key_create(void)
{
    hs__db_key_ok = (pthread_key_create(&hs__db_key, hs__db_key_destructor)
                     == 0);
}


static void
hs__db_key_destructor(void *p)
{
    hs_db_conn_t  *c;

    c = p;

    if (c == hs__db_thread_conn) {
        hs__db_thread_conn = NULL;
    }

    hs_db_conn_close(c);
}


/*
 * When the library is unloaded the destructor above would be gone: a
 * thread exiting later would call into unmapped code.
 */
static void
hs__db_fini(void)
{
    if (hs__db_key_ok) {
        hs__db_key_ok = 0;
        pthread_key_delete(hs__db_key);
    }
}


static void
hs__db_fork_count(void)
{
    hs__db_forks++;
}


static void
hs__db_fork_watch(void)
{
    /* unregistered by glibc when the library is unloaded */
    (void) pthread_atfork(NULL, NULL, hs__db_fork_count);
}


static void
hs__db_thread_set(hs_db_conn_t *c)
{
    hs__db_thread_conn = c;

    pthread_once(&hs__db_key_once, hs__db_key_create);

    if (hs__db_key_ok) {
        (void) pthread_setspecific(hs__db_key, c);
    }
}


static hs_rc_t
hs__db_conn_init(hs_db_t *db, hs_db_conn_t **conn, hs_error_t *err)
{
    hs_rc_t        rc;
    hs_db_conn_t  *c;

    *conn = NULL;

    c = hs_calloc(1, sizeof(hs_db_conn_t));
    if (c == NULL) {
        hs_error_set(err, "database connection: out of memory");
        return HS_ENOMEM;
    }

    c->kind = db->kind;
    c->generation = db->generation;
    (void) pthread_once(&hs__db_fork_once, hs__db_fork_watch);
    c->forks = hs__db_forks;
    c->id = __atomic_add_fetch(&hs__db_conn_serial, 1, __ATOMIC_RELAXED);

    if (db->kind == HS_DB_SQLITE) {
        rc = hs__db_sqlite_open(db, c, err);

    } else {
        rc = hs__db_pg_open(db, c, err);
    }

    if (rc != HS_OK) {
        hs_free(c);
        return rc;
    }

    *conn = c;

    return HS_OK;
}


hs_rc_t
hs_db_conn_open(hs_db_t *db, hs_db_conn_t **conn, hs_error_t *err)
{
    return hs__db_conn_init(db, conn, err);
}


void
hs_db_conn_close(hs_db_conn_t *c)
{
    size_t  i;

    if (c == NULL) {
        return;
    }

    for (i = 0; i < HS_DB_STMT_CACHE; i++) {
        if (c->stmts[i].sql == NULL) {
            continue;
        }

        if (c->kind == HS_DB_SQLITE) {
            hs__db_sqlite_unprepare(c, &c->stmts[i]);
        }

        /* PostgreSQL: the server drops prepared statements with the session */

        hs_free(c->stmts[i].sql);
    }

    if (c->kind == HS_DB_SQLITE) {
        hs__db_sqlite_close(c);

    } else {
        hs__db_pg_close(c);
    }

    hs_free(c);
}


hs_rc_t
hs_db_conn_get(hs_db_t *db, hs_db_conn_t **conn, hs_error_t *err)
{
    hs_rc_t        rc;
    hs_db_conn_t  *c;

    c = hs__db_thread_conn;

    if (c != NULL) {

        if (c->forks != hs__db_forks) {
            /*
             * inherited through fork(): the parent still uses the socket
             * or the file locks, so it is abandoned, not closed
             */
            hs__db_thread_set(NULL);
            c = NULL;

        } else if (c->generation != db->generation || c->broken
                   || (c->kind == HS_DB_POSTGRES && !hs__db_pg_alive(c)))
        {
            hs__db_thread_set(NULL);
            hs_db_conn_close(c);
            c = NULL;

        } else {
            *conn = c;
            return HS_OK;
        }
    }

    rc = hs__db_conn_init(db, &c, err);
    if (rc != HS_OK) {
        *conn = NULL;
        return rc;
    }

    hs__db_thread_set(c);
    *conn = c;

    return HS_OK;
}


void
hs_db_thread_release(void)
{
    hs_db_conn_t  *c;

    c = hs__db_thread_conn;
    if (c == NULL) {
        return;
    }

    hs__db_thread_set(NULL);

    if (c->forks == hs__db_forks) {
        hs_db_conn_close(c);
    }
}


void
hs_db_thread_batch_begin(void)
{
    hs__db_thread_batch = 1;
}


void
hs_db_thread_batch_end(void)
{
    hs_db_conn_t  *c;

    hs__db_thread_batch = 0;

    c = hs__db_thread_conn;

    if (c != NULL && c->shared_read) {
        hs__db_sqlite_share_end(c);
    }
}


hs_db_kind_t
hs_db_conn_kind(const hs_db_conn_t *c)
{
    return c->kind;
}


void
hs_db_conn_stats(const hs_db_conn_t *c, hs_db_conn_stats_t *st)
{
    st->id = c->id;
    st->prepared = c->prepared;
    st->reused = c->reused;
    st->cached = c->nstmts;
}


/* FNV-1a */
static uint32_t
hs__db_hash(const char *s)
{
    uint32_t  h;

    for (h = 2166136261u; *s; s++) {
        h = (h ^ (unsigned char) *s) * 16777619u;
    }

    return h;
}


/* The cached statement for sql, prepared now if needed. */
static hs_rc_t
hs__db_stmt_get(hs_db_conn_t *c, const char *sql, hs_db_stmt_t **stmt,
    hs_error_t *err)
{
    size_t         i;
    hs_rc_t        rc;
    uint32_t       h;
    hs_db_stmt_t  *st, *free_slot, *lru, fresh;

    h = hs__db_hash(sql);
    free_slot = NULL;
    lru = NULL;

    for (i = 0; i < HS_DB_STMT_CACHE; i++) {
        st = &c->stmts[i];

        if (st->sql == NULL) {
            if (free_slot == NULL) {
                free_slot = st;
            }
            continue;
        }

        if (st->hash == h && strcmp(st->sql, sql) == 0) {
            st->used = ++c->tick;
            c->reused++;
            *stmt = st;
            return HS_OK;
        }

        if (lru == NULL || st->used < lru->used) {
            lru = st;
        }
    }

    memset(&fresh, 0, sizeof(hs_db_stmt_t));

    fresh.sql = hs_strdup(sql);
    if (fresh.sql == NULL) {
        hs_error_set(err, "prepare: out of memory");
        return HS_ENOMEM;
    }

    fresh.hash = h;

    if (c->kind == HS_DB_SQLITE) {
        rc = hs__db_sqlite_prepare(c, &fresh, err);

    } else {
        snprintf(fresh.name, sizeof(fresh.name), "hs_%u", ++c->next_name);
        rc = hs__db_pg_prepare(c, &fresh, err);
    }

    if (rc != HS_OK) {
        hs_free(fresh.sql);
        return rc;
    }

    c->prepared++;

    /* evicted only once the new one is prepared */

    if (free_slot == NULL) {
        free_slot = lru;

        if (c->kind == HS_DB_SQLITE) {
            hs__db_sqlite_unprepare(c, free_slot);

        } else {
            hs__db_pg_unprepare(c, free_slot);
        }

        hs_free(free_slot->sql);

    } else {
        c->nstmts++;
    }

    fresh.used = ++c->tick;
    *free_slot = fresh;
    *stmt = free_slot;

    return HS_OK;
}


hs_rc_t
hs_db_exec(hs_db_conn_t *c, const char *sql, const hs_dbv_t *params,
    size_t n, hs_db_res_t **res, hs_error_t *err)
{
    hs_rc_t        rc;
    hs_db_stmt_t  *st;

    if (res != NULL) {
        *res = NULL;
    }

    if (c == NULL || sql == NULL || (n > 0 && params == NULL)) {
        hs_error_set(err, "hs_db_exec: bad arguments");
        return HS_EINVAL;
    }

    if (c->broken) {
        hs_error_set(err, "the database connection was lost");
        return HS_EAGAIN;
    }

    rc = hs__db_stmt_get(c, sql, &st, err);
    if (rc != HS_OK) {
        return rc;
    }

    if ((size_t) st->nparams != n) {
        hs_error_set(err, "the statement takes %d parameters, %zu given: %s",
                     st->nparams, n, sql);
        return HS_EINVAL;
    }

    if (c->kind == HS_DB_SQLITE) {
        hs__db_sqlite_share(c, st, hs__db_thread_batch
                                   && c == hs__db_thread_conn);
        return hs__db_sqlite_exec(c, st, params, n, res, err);
    }

    return hs__db_pg_exec(c, st, params, n, res, err);
}


hs_rc_t
hs_db_exec_script(hs_db_conn_t *c, const char *sql, hs_error_t *err)
{
    if (c->broken) {
        hs_error_set(err, "the database connection was lost");
        return HS_EAGAIN;
    }

    if (c->kind == HS_DB_SQLITE) {
        return hs__db_sqlite_script(c, sql, err);
    }

    return hs__db_pg_script(c, sql, 0, err);
}


hs_rc_t
hs_db_begin(hs_db_conn_t *c, hs_error_t *err)
{
    return hs_db_exec_script(c, c->kind == HS_DB_SQLITE ? "BEGIN IMMEDIATE"
                                                        : "BEGIN", err);
}


hs_rc_t
hs_db_commit(hs_db_conn_t *c, hs_error_t *err)
{
    if (c->broken) {
        hs_error_set(err, "the database connection was lost");
        return HS_EAGAIN;
    }

    if (c->kind == HS_DB_SQLITE) {
        return hs__db_sqlite_script(c, "COMMIT", err);
    }

    return hs__db_pg_script(c, "COMMIT", 1, err);
}


hs_rc_t
hs_db_rollback(hs_db_conn_t *c, hs_error_t *err)
{
    if (c->broken) {
        /* the server rolled it back when the session ended */
        return HS_OK;
    }

    if (!hs_db_conn_in_txn(c)) {
        return HS_OK;
    }

    return hs_db_exec_script(c, "ROLLBACK", err);
}


int
hs_db_conn_in_txn(hs_db_conn_t *c)
{
    if (c->broken) {
        return 0;
    }

    if (c->kind == HS_DB_SQLITE) {
        return hs__db_sqlite_in_txn(c);
    }

    return hs__db_pg_in_txn(c);
}


size_t
hs_db_res_rows(const hs_db_res_t *r)
{
    return r ? r->rows : 0;
}


size_t
hs_db_res_cols(const hs_db_res_t *r)
{
    return r ? r->cols : 0;
}


const char *
hs_db_res_name(const hs_db_res_t *r, size_t col)
{
    if (r == NULL || col >= r->cols) {
        return NULL;
    }

    if (r->kind == HS_DB_SQLITE) {
        return r->names[col];
    }

    return hs__db_pg_name(r, col);
}


hs_rc_t
hs_db_res_get(const hs_db_res_t *r, size_t row, size_t col, hs_dbv_t *out)
{
    *out = hs_dbv_null();

    if (r == NULL || row >= r->rows || col >= r->cols) {
        return HS_EINVAL;
    }

    if (r->kind == HS_DB_SQLITE) {
        return hs__db_sqlite_get(r, row, col, out);
    }

    return hs__db_pg_get(r, row, col, out);
}


int64_t
hs_db_res_affected(const hs_db_res_t *r)
{
    return r ? r->affected : 0;
}


void
hs_db_res_free(hs_db_res_t *r)
{
    if (r == NULL) {
        return;
    }

    if (r->kind == HS_DB_SQLITE) {
        hs__db_sqlite_res_free(r);

    } else {
        hs__db_pg_res_free(r);
    }

    hs_free(r);
}
