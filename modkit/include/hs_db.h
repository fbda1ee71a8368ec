/*
 * The database layer: SQLite (embedded default) and PostgreSQL behind one
 * small API.
 *
 * An hs_db_t is the database of one configuration cycle: hs_db_create()
 * only copies the parsed URL and the options (no I/O: safe under nginx -t
 * and in the master). Connections are opened lazily, one per thread
 * (nginx thread-pool threads, never the event loop), and never shared
 * between threads or carried across fork().
 *
 * Module code never runs SQL itself: it goes through the tenant-scoped
 * API (hs_repo.h). Only hs_db_create/destroy/kind/url,
 * hs_db_thread_release and hs_db_thread_batch_begin/end are exported
 * from libhsmodkit.so; the rest of this header is modkit's own (hidden
 * visibility).
 *
 * SQL text uses $1..$n placeholders in both dialects. Statements are
 * prepared once per connection and kept in a small LRU cache keyed by the
 * SQL text. Results are fully materialized.
 *
 * Return codes of the calls that touch the database:
 *   HS_OK
 *   HS_EEXIST   a unique, primary-key or foreign-key constraint was
 *               violated: the request conflicts with existing data (409)
 *   HS_EAGAIN   the database is unavailable or busy: connection refused,
 *               lost or timed out, PostgreSQL SQLSTATE class 08 and 53,
 *               57P01..57P03; SQLite busy/locked after the busy timeout.
 *               Answer 503.
 *   HS_EINVAL   the call itself is wrong (parameter count, index, ...)
 *   HS_ENOMEM
 *   HS_ERROR    anything else (syntax, other constraints, ...)
 * Messages go to hs_error_t and never contain the password.
 */

#ifndef HS_DB_H
#define HS_DB_H

#include "hs_base.h"
#include "hs_dburl.h"
#include "hs_dbvalue.h"

typedef struct hs_db_s       hs_db_t;        /* one configuration cycle */
typedef struct hs_db_conn_s  hs_db_conn_t;   /* used by one thread only */
typedef struct hs_db_res_s   hs_db_res_t;    /* a result set */

typedef struct {
    int   busy_timeout_ms;       /* SQLite busy timeout (default 5000) */
    int   connect_timeout_s;     /* PostgreSQL connect_timeout (default 3,
                                    at least 1: libpq rounds 1 up to 2) */
    int   statement_timeout_ms;  /* PostgreSQL statement_timeout (default
                                    30000), 0 = none */
} hs_db_options_t;

/* Start from this and change what differs. */
#define HS_DB_OPTIONS_DEFAULT  { 5000, 3, 30000 }


/*
 * Copies url and opt (NULL: the defaults). No I/O. Each hs_db_t gets a
 * process-unique generation number that ties thread connections to it.
 */
HS_API hs_db_t *hs_db_create(const hs_dburl_t *url,
    const hs_db_options_t *opt, hs_error_t *err);

/*
 * Frees db. Connections that threads opened to it are not reachable from
 * here: each is closed when its thread next asks for a connection (to any
 * database), calls hs_db_thread_release(), or exits.
 */
HS_API void hs_db_destroy(hs_db_t *db);

HS_API hs_db_kind_t hs_db_kind(const hs_db_t *db);

/* The URL with the password masked, for messages. */
HS_API const char *hs_db_url(const hs_db_t *db);

/*
 * Closes the calling thread's connection, whichever database it belongs
 * to. The last connection of a thread otherwise stays open until the
 * thread exits (a thread-specific destructor closes it) or reconnects.
 */
HS_API void hs_db_thread_release(void);

/*
 * A batch of calls on the calling thread (the core runs the calls that
 * reach one pool task between these two). Inside a batch, the read-only
 * statements that the thread's SQLite connection runs outside a
 * transaction share one read transaction, so they take the WAL read lock
 * (a mutex and two fcntl() calls) once instead of once each, and they
 * read one snapshot, taken when the first of them runs. A statement that
 * writes, hs_db_begin() and every script end the shared read transaction
 * first, so a write never runs on an old snapshot and what a call writes
 * is seen by the statements after it. hs_db_thread_batch_end() ends it.
 * PostgreSQL connections are not affected.
 */
HS_API void hs_db_thread_batch_begin(void);
HS_API void hs_db_thread_batch_end(void);


/* ---- modkit-internal from here on (not exported) ---- */

/*
 * The calling thread's connection to db, opened on first use and kept in
 * thread-local storage. A cached connection to another hs_db_t (another
 * generation), a connection that failed (PostgreSQL connection lost) or
 * one inherited through fork() is replaced. An unreachable PostgreSQL
 * gives HS_EAGAIN within connect_timeout.
 *
 * The pointer stays valid until this thread calls hs_db_conn_get() again
 * or hs_db_thread_release(): get it once per task, never keep it.
 */
hs_rc_t hs_db_conn_get(hs_db_t *db, hs_db_conn_t **conn, hs_error_t *err);

/*
 * A private connection, not cached in the thread (migrations, tools);
 * close it with hs_db_conn_close() on the thread that opened it.
 */
hs_rc_t hs_db_conn_open(hs_db_t *db, hs_db_conn_t **conn, hs_error_t *err);
void hs_db_conn_close(hs_db_conn_t *c);

hs_db_kind_t hs_db_conn_kind(const hs_db_conn_t *c);

/*
 * Runs one statement with params[0..n) bound to $1..$n. res (may be NULL)
 * receives the materialized result, freed with hs_db_res_free(); text
 * values point into it.
 */
hs_rc_t hs_db_exec(hs_db_conn_t *c, const char *sql, const hs_dbv_t *params,
    size_t n, hs_db_res_t **res, hs_error_t *err);

/*
 * Runs several statements separated by ';' with no parameters and no
 * statement cache (SQLite: sqlite3_exec; PostgreSQL: the simple query
 * protocol). Used for migration files.
 */
hs_rc_t hs_db_exec_script(hs_db_conn_t *c, const char *sql,
    hs_error_t *err);

size_t hs_db_res_rows(const hs_db_res_t *r);
size_t hs_db_res_cols(const hs_db_res_t *r);
const char *hs_db_res_name(const hs_db_res_t *r, size_t col);

/*
 * Typed read of one cell. PostgreSQL by the column type: int2/4/8 -> INT,
 * float4/8 and numeric -> REAL, bool -> BOOL, anything else TEXT. SQLite
 * by the stored type (integer -> INT, or BOOL when the column is declared
 * BOOL/BOOLEAN; real -> REAL; text and blob -> TEXT). NULL -> NULL.
 */
hs_rc_t hs_db_res_get(const hs_db_res_t *r, size_t row, size_t col,
    hs_dbv_t *out);

/* Rows changed by INSERT/UPDATE/DELETE, 0 for anything else. */
int64_t hs_db_res_affected(const hs_db_res_t *r);
void hs_db_res_free(hs_db_res_t *r);

/* SQLite: BEGIN IMMEDIATE (waits busy_timeout for the write lock). */
hs_rc_t hs_db_begin(hs_db_conn_t *c, hs_error_t *err);

/* PostgreSQL: committing an aborted transaction is an HS_ERROR. */
hs_rc_t hs_db_commit(hs_db_conn_t *c, hs_error_t *err);

/* Harmless without a transaction. */
hs_rc_t hs_db_rollback(hs_db_conn_t *c, hs_error_t *err);

/* 1: a transaction is open on c. */
int hs_db_conn_in_txn(hs_db_conn_t *c);

/* Prepared statements kept per connection (LRU). */
#define HS_DB_STMT_CACHE  64

/* Counters of a connection, for tests and diagnostics. */
typedef struct {
    uint64_t  id;          /* process-unique serial of this connection */
    uint64_t  prepared;    /* statements prepared on it */
    uint64_t  reused;      /* executions that found a prepared statement */
    size_t    cached;      /* statements in the cache now */
} hs_db_conn_stats_t;

void hs_db_conn_stats(const hs_db_conn_t *c, hs_db_conn_stats_t *st);


#ifdef HS_DB_DRIVER
/*
 * The driver interface: hs_db.c (common part), hs_db_sqlite.c and
 * hs_db_pg.c only.
 */

#include <sys/types.h>

typedef struct {
    char      *sql;          /* NULL: a free slot */
    uint32_t   hash;
    uint64_t   used;         /* LRU tick */
    int        nparams;
    void      *stmt;         /* sqlite3_stmt * */
    void      *meta;         /* sqlite: what each run needs of it */
    char       name[24];     /* PostgreSQL prepared statement name */
} hs_db_stmt_t;

struct hs_db_s {
    hs_db_kind_t      kind;
    uint64_t          generation;
    hs_db_options_t   opt;
    char             *redacted;
    char             *path;                /* sqlite */

    const char       *keys[16];            /* postgres conninfo */
    const char       *vals[16];
    char             *strs[8];             /* owned values of vals */
    char              port[16];
    char              connect_timeout[16];
    char              options[64];
};

struct hs_db_conn_s {
    hs_db_kind_t      kind;
    uint64_t          generation;          /* of its hs_db_t */
    uint64_t          id;
    uint64_t          forks;               /* of the process when opened */
    unsigned          broken:1;            /* reopen on the next get */
    unsigned          shared_read:1;       /* sqlite: in a batch's read
                                              transaction */
    void             *share_begin;         /* sqlite3_stmt *: BEGIN */
    void             *share_end;           /* sqlite3_stmt *: COMMIT */
    void             *handle;              /* sqlite3 *, PGconn * */

    hs_db_stmt_t      stmts[HS_DB_STMT_CACHE];
    size_t            nstmts;
    uint64_t          tick;
    unsigned          next_name;
    uint64_t          prepared;
    uint64_t          reused;
};

struct hs_db_res_s {
    hs_db_kind_t      kind;
    size_t            rows;
    size_t            cols;
    int64_t           affected;
    void             *pg;                  /* PGresult * */
    char            **names;               /* sqlite: cols names (one
                                              block with the names) */
    hs_dbv_t         *cells;               /* sqlite: rows * cols */
    char             *text;                /* sqlite: text of the cells */
};

hs_rc_t hs__db_sqlite_open(hs_db_t *db, hs_db_conn_t *c, hs_error_t *err);
void hs__db_sqlite_close(hs_db_conn_t *c);
hs_rc_t hs__db_sqlite_prepare(hs_db_conn_t *c, hs_db_stmt_t *st,
    hs_error_t *err);
void hs__db_sqlite_unprepare(hs_db_conn_t *c, hs_db_stmt_t *st);
hs_rc_t hs__db_sqlite_exec(hs_db_conn_t *c, hs_db_stmt_t *st,
    const hs_dbv_t *params, size_t n, hs_db_res_t **res, hs_error_t *err);
hs_rc_t hs__db_sqlite_script(hs_db_conn_t *c, const char *sql,
    hs_error_t *err);
int hs__db_sqlite_in_txn(hs_db_conn_t *c);
void hs__db_sqlite_share(hs_db_conn_t *c, hs_db_stmt_t *st, int batch);
void hs__db_sqlite_share_end(hs_db_conn_t *c);
hs_rc_t hs__db_sqlite_get(const hs_db_res_t *r, size_t row, size_t col,
    hs_dbv_t *out);
void hs__db_sqlite_res_free(hs_db_res_t *r);

hs_rc_t hs__db_pg_open(hs_db_t *db, hs_db_conn_t *c, hs_error_t *err);
void hs__db_pg_close(hs_db_conn_t *c);
int hs__db_pg_alive(hs_db_conn_t *c);
hs_rc_t hs__db_pg_prepare(hs_db_conn_t *c, hs_db_stmt_t *st,
    hs_error_t *err);
void hs__db_pg_unprepare(hs_db_conn_t *c, hs_db_stmt_t *st);
hs_rc_t hs__db_pg_exec(hs_db_conn_t *c, hs_db_stmt_t *st,
    const hs_dbv_t *params, size_t n, hs_db_res_t **res, hs_error_t *err);
hs_rc_t hs__db_pg_script(hs_db_conn_t *c, const char *sql, int commit,
    hs_error_t *err);
int hs__db_pg_in_txn(hs_db_conn_t *c);
hs_rc_t hs__db_pg_get(const hs_db_res_t *r, size_t row, size_t col,
    hs_dbv_t *out);
const char *hs__db_pg_name(const hs_db_res_t *r, size_t col);
void hs__db_pg_res_free(hs_db_res_t *r);

#endif /* HS_DB_DRIVER */

#endif /* HS_DB_H */
