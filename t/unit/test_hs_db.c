/*
 * The database layer against a real SQLite file (always) and PostgreSQL
 * (when HS_TEST_PG_URL is set, e.g. from t/lib/pg.sh start DIR): values
 * both ways, statement cache, transactions, error mapping, thread-local
 * connections, reconnection, unreachable servers.
 */

#define _GNU_SOURCE                   /* nftw() */

#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hs_db.h"
#include "hs_tap.h"


#define TEST_UTF8  "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 " \
                   "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x8e\x89"

static char  test_dir[64];
static char  test_table[64];
static char  test_sql[1024];


/* prints "ok N # SKIP why" */
static void
test_skip(const char *why)
{
    hs_tap_run++;
    printf("ok %d # SKIP %s\n", hs_tap_run, why);
    fflush(stdout);
}


static double
test_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


/* Formats SQL with the test's table name for every %s. */
static const char *
test_q(const char *fmt)
{
    const char  *t = test_table;

    snprintf(test_sql, sizeof(test_sql), fmt, t, t, t, t);

    return test_sql;
}


static hs_db_t *
test_db(const char *url, const hs_db_options_t *opt)
{
    hs_db_t     *db;
    hs_error_t   err;
    hs_dburl_t   u;

    if (hs_dburl_parse(url, &u, &err) != HS_OK) {
        diag("bad url %s: %s", url, err.msg);
        return NULL;
    }

    db = hs_db_create(&u, opt, &err);
    if (db == NULL) {
        diag("hs_db_create: %s", err.msg);
    }

    hs_dburl_release(&u);

    return db;
}


static hs_rc_t
test_exec(hs_db_conn_t *c, const char *sql, hs_error_t *err)
{
    return hs_db_exec(c, sql, NULL, 0, NULL, err);
}


/* the integer a "SELECT count(*) ..." answers, -1 on error */
static long long
test_count_sql(hs_db_conn_t *c, const char *sql)
{
    long long     n;
    hs_dbv_t      v;
    hs_error_t    err;
    hs_db_res_t  *r;

    if (hs_db_exec(c, sql, NULL, 0, &r, &err) != HS_OK) {
        diag("count: %s", err.msg);
        return -1;
    }

    n = (hs_db_res_get(r, 0, 0, &v) == HS_OK && v.type == HS_DBV_INT)
        ? v.i : -2;
    hs_db_res_free(r);

    return n;
}


/* count(*) of the test table */
static long long
test_count(hs_db_conn_t *c)
{
    return test_count_sql(c, test_q("SELECT count(*) FROM %s"));
}


static void
test_values(hs_db_conn_t *c, const char *label)
{
    hs_rc_t       rc;
    hs_dbv_t      p[6], v;
    hs_error_t    err;
    hs_db_res_t  *r;

    /* every type in */

    p[0] = hs_dbv_int(1);
    p[1] = hs_dbv_int(-9007199254740993LL);
    p[2] = hs_dbv_real(3.25);
    p[3] = hs_dbv_cstr(TEST_UTF8);
    p[4] = hs_dbv_bool(1);
    p[5] = hs_dbv_cstr("plain");

    rc = hs_db_exec(c, test_q("INSERT INTO %s (id, i, r, s, b, n) "
                              "VALUES ($1, $2, $3, $4, $5, $6)"),
                    p, 6, &r, &err);
    if (!is_int(rc, HS_OK, "%s: insert every type", label)) {
        diag("%s", err.msg);
        return;
    }

    is_int(hs_db_res_affected(r), 1, "%s: insert affected 1 row", label);
    is_int(hs_db_res_rows(r), 0, "%s: insert returns no rows", label);
    hs_db_res_free(r);

    p[0] = hs_dbv_int(2);
    p[1] = hs_dbv_null();
    p[2] = hs_dbv_null();
    p[3] = hs_dbv_null();
    p[4] = hs_dbv_bool(0);
    p[5] = hs_dbv_text(NULL, 0);       /* empty text, not NULL */

    rc = hs_db_exec(c, test_q("INSERT INTO %s (id, i, r, s, b, n) "
                              "VALUES ($1, $2, $3, $4, $5, $6)"),
                    p, 6, NULL, &err);
    is_int(rc, HS_OK, "%s: insert NULLs, false and empty text", label);

    /* every type out */

    p[0] = hs_dbv_int(1);

    rc = hs_db_exec(c, test_q("SELECT id, i, r, s, b, n FROM %s "
                              "WHERE id >= $1 ORDER BY id"),
                    p, 1, &r, &err);
    if (!is_int(rc, HS_OK, "%s: select", label)) {
        diag("%s", err.msg);
        return;
    }

    is_int(hs_db_res_rows(r), 2, "%s: 2 rows", label);
    is_int(hs_db_res_cols(r), 6, "%s: 6 columns", label);
    is_str(hs_db_res_name(r, 0), "id", "%s: column 0 name", label);
    is_str(hs_db_res_name(r, 5), "n", "%s: column 5 name", label);
    ok(hs_db_res_name(r, 6) == NULL, "%s: no column 6 name", label);
    is_int(hs_db_res_affected(r), 0, "%s: a select affects nothing", label);

    hs_db_res_get(r, 0, 1, &v);
    ok(v.type == HS_DBV_INT && v.i == -9007199254740993LL,
       "%s: 64-bit integer back", label);

    hs_db_res_get(r, 0, 2, &v);
    ok(v.type == HS_DBV_REAL && v.d == 3.25, "%s: real back", label);

    hs_db_res_get(r, 0, 3, &v);
    ok(v.type == HS_DBV_TEXT && v.len == strlen(TEST_UTF8)
       && memcmp(v.s, TEST_UTF8, v.len) == 0 && v.s[v.len] == '\0',
       "%s: UTF-8 text back, same bytes", label);

    hs_db_res_get(r, 0, 4, &v);
    ok(v.type == HS_DBV_BOOL && v.i == 1, "%s: bool true back", label);

    hs_db_res_get(r, 1, 1, &v);
    is_int(v.type, HS_DBV_NULL, "%s: NULL integer back", label);
    hs_db_res_get(r, 1, 2, &v);
    is_int(v.type, HS_DBV_NULL, "%s: NULL real back", label);
    hs_db_res_get(r, 1, 3, &v);
    is_int(v.type, HS_DBV_NULL, "%s: NULL text back", label);

    hs_db_res_get(r, 1, 4, &v);
    ok(v.type == HS_DBV_BOOL && v.i == 0, "%s: bool false back", label);

    hs_db_res_get(r, 1, 5, &v);
    ok(v.type == HS_DBV_TEXT && v.len == 0 && v.s != NULL,
       "%s: empty text back (not NULL)", label);

    is_int(hs_db_res_get(r, 2, 0, &v), HS_EINVAL, "%s: row out of range",
           label);
    is_int(hs_db_res_get(r, 0, 6, &v), HS_EINVAL, "%s: col out of range",
           label);
    hs_db_res_free(r);

    /* UTF-8 as a parameter in a predicate */

    p[0] = hs_dbv_cstr(TEST_UTF8);
    rc = hs_db_exec(c, test_q("SELECT id FROM %s WHERE s = $1"), p, 1, &r,
                    &err);
    ok(rc == HS_OK && hs_db_res_rows(r) == 1
       && hs_db_res_get(r, 0, 0, &v) == HS_OK && v.i == 1,
       "%s: UTF-8 parameter matches", label);
    hs_db_res_free(r);

    /* NULL parameter compared: no row */

    p[0] = hs_dbv_null();
    rc = hs_db_exec(c, test_q("SELECT id FROM %s WHERE s = $1"), p, 1, &r,
                    &err);
    ok(rc == HS_OK && hs_db_res_rows(r) == 0, "%s: = NULL matches nothing",
       label);
    hs_db_res_free(r);

    /* the same parameter twice, out of order */

    p[0] = hs_dbv_int(2);
    p[1] = hs_dbv_int(1);
    rc = hs_db_exec(c, test_q("SELECT id FROM %s WHERE id = $2 OR "
                              "(id = $1 AND $1 > $2) ORDER BY id"),
                    p, 2, &r, &err);
    is_int(hs_db_res_rows(r), 2, "%s: $2 before $1, $1 twice", label);
    hs_db_res_free(r);

    /* expressions */

    rc = hs_db_exec(c, "SELECT 1 + 1 AS two, 'x' AS x, NULL AS nada",
                    NULL, 0, &r, &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK
       && v.type == HS_DBV_INT && v.i == 2, "%s: computed integer", label);
    is_str(hs_db_res_name(r, 1), "x", "%s: alias as column name", label);
    hs_db_res_free(r);

    /* affected rows of UPDATE and DELETE */

    p[0] = hs_dbv_cstr("changed");
    rc = hs_db_exec(c, test_q("UPDATE %s SET n = $1"), p, 1, &r, &err);
    ok(rc == HS_OK && hs_db_res_affected(r) == 2, "%s: update affected 2",
       label);
    hs_db_res_free(r);

    p[0] = hs_dbv_int(12345);
    rc = hs_db_exec(c, test_q("DELETE FROM %s WHERE id = $1"), p, 1, &r,
                    &err);
    ok(rc == HS_OK && hs_db_res_affected(r) == 0, "%s: delete nothing: 0",
       label);
    hs_db_res_free(r);
}


static void
test_cache(hs_db_conn_t *c, const char *label)
{
    int                  i;
    char                 sql[128];
    hs_rc_t              rc;
    hs_dbv_t             p[1];
    hs_error_t           err;
    hs_db_conn_stats_t   s0, s1, s2;

    hs_db_conn_stats(c, &s0);

    p[0] = hs_dbv_int(1);
    rc = hs_db_exec(c, test_q("SELECT s FROM %s WHERE id = $1 /* c */"), p,
                    1, NULL, &err);
    is_int(rc, HS_OK, "%s: cache: first run", label);
    hs_db_conn_stats(c, &s1);
    is_int(s1.prepared - s0.prepared, 1, "%s: first run prepares", label);

    p[0] = hs_dbv_int(2);
    rc = hs_db_exec(c, test_q("SELECT s FROM %s WHERE id = $1 /* c */"), p,
                    1, NULL, &err);
    is_int(rc, HS_OK, "%s: cache: second run", label);
    hs_db_conn_stats(c, &s2);
    is_int(s2.prepared - s1.prepared, 0,
           "%s: the same SQL again is not prepared again", label);
    is_int(s2.reused - s1.reused, 1, "%s: ... it reuses the statement",
           label);
    is_int(s2.id, s0.id, "%s: same connection", label);

    /* more statements than the cache holds: the oldest goes */

    for (i = 0; i < HS_DB_STMT_CACHE + 6; i++) {
        snprintf(sql, sizeof(sql), "SELECT %d AS n", i);
        if (hs_db_exec(c, sql, NULL, 0, NULL, &err) != HS_OK) {
            break;
        }
    }

    is_int(i, HS_DB_STMT_CACHE + 6, "%s: %d distinct statements run", label,
           i);
    hs_db_conn_stats(c, &s1);
    is_int(s1.cached, HS_DB_STMT_CACHE, "%s: the cache is full, not more",
           label);

    rc = hs_db_exec(c, "SELECT 0 AS n", NULL, 0, NULL, &err);
    hs_db_conn_stats(c, &s2);
    ok(rc == HS_OK && s2.prepared == s1.prepared + 1,
       "%s: an evicted statement is prepared again", label);

    rc = hs_db_exec(c, "SELECT 69 AS n", NULL, 0, NULL, &err);
    hs_db_conn_stats(c, &s1);
    ok(rc == HS_OK && s1.prepared == s2.prepared,
       "%s: a recent one is still cached", label);
}


static void
test_txn(hs_db_conn_t *c, const char *label)
{
    hs_rc_t     rc;
    hs_dbv_t    p[2];
    hs_error_t  err;
    long long   n;

    n = test_count(c);

    ok(!hs_db_conn_in_txn(c), "%s: no transaction yet", label);
    rc = hs_db_begin(c, &err);
    is_int(rc, HS_OK, "%s: begin", label);
    ok(hs_db_conn_in_txn(c), "%s: in a transaction", label);

    p[0] = hs_dbv_int(10);
    p[1] = hs_dbv_cstr("rolled back");
    rc = hs_db_exec(c, test_q("INSERT INTO %s (id, s) VALUES ($1, $2)"), p,
                    2, NULL, &err);
    is_int(rc, HS_OK, "%s: insert in the transaction", label);
    is_int(test_count(c), n + 1, "%s: visible inside", label);

    rc = hs_db_rollback(c, &err);
    is_int(rc, HS_OK, "%s: rollback", label);
    ok(!hs_db_conn_in_txn(c), "%s: no transaction after rollback", label);
    is_int(test_count(c), n, "%s: the insert is gone", label);

    rc = hs_db_rollback(c, &err);
    is_int(rc, HS_OK, "%s: rollback without a transaction is harmless",
           label);

    rc = hs_db_begin(c, &err);
    p[1] = hs_dbv_cstr("committed");
    if (rc == HS_OK) {
        rc = hs_db_exec(c, test_q("INSERT INTO %s (id, s) VALUES ($1, $2)"),
                        p, 2, NULL, &err);
    }
    if (rc == HS_OK) {
        rc = hs_db_commit(c, &err);
    }
    is_int(rc, HS_OK, "%s: begin, insert, commit", label);
    is_int(test_count(c), n + 1, "%s: the insert stays", label);
}


static void
test_errors(hs_db_conn_t *c, const char *label)
{
    hs_rc_t     rc;
    hs_dbv_t    p[2];
    hs_error_t  err;

    /* unique and primary-key violations */

    p[0] = hs_dbv_int(77);
    p[1] = hs_dbv_cstr(TEST_UTF8);
    err.msg[0] = '\0';
    rc = hs_db_exec(c, test_q("INSERT INTO %s (id, s) VALUES ($1, $2)"), p,
                    2, NULL, &err);
    is_int(rc, HS_EEXIST, "%s: unique violation is HS_EEXIST", label);
    ok(err.msg[0] != '\0', "%s: with a message: %s", label, err.msg);

    p[0] = hs_dbv_int(1);
    p[1] = hs_dbv_cstr("another");
    rc = hs_db_exec(c, test_q("INSERT INTO %s (id, s) VALUES ($1, $2)"), p,
                    2, NULL, &err);
    is_int(rc, HS_EEXIST, "%s: primary-key violation is HS_EEXIST", label);

    /* the connection still works after an error */

    ok(test_count(c) > 0, "%s: still usable after errors", label);

    /* other errors */

    rc = hs_db_exec(c, "SELEC nonsense", NULL, 0, NULL, &err);
    is_int(rc, HS_ERROR, "%s: syntax error is HS_ERROR", label);
    like_str(err.msg, "SELEC", "%s: the message says where", label);

    rc = hs_db_exec(c, "SELECT * FROM hs_no_such_table", NULL, 0, NULL,
                    &err);
    is_int(rc, HS_ERROR, "%s: unknown table is HS_ERROR", label);
    like_str(err.msg, "hs_no_such_table", "%s: the message names it",
             label);

    p[0] = hs_dbv_int(1);
    rc = hs_db_exec(c, test_q("SELECT * FROM %s WHERE id = $1 AND s = $2"),
                    p, 1, NULL, &err);
    is_int(rc, HS_EINVAL, "%s: too few parameters is HS_EINVAL", label);
    like_str(err.msg, "takes 2 parameters, 1 given", "%s: message", label);

    rc = hs_db_exec(c, test_q("SELECT * FROM %s WHERE id = $1"), p, 2, NULL,
                    &err);
    is_int(rc, HS_EINVAL, "%s: too many parameters is HS_EINVAL", label);

    rc = hs_db_exec(c, "SELECT 1; SELECT 2", NULL, 0, NULL, &err);
    ok(rc != HS_OK, "%s: two statements in one exec are refused", label);

    rc = hs_db_exec(c, "SELECT 1 AS a; -- trailing comment", NULL, 0, NULL,
                    &err);
    is_int(rc, HS_OK, "%s: a trailing comment is fine", label);

    /* scripts */

    rc = hs_db_exec_script(c, test_q("UPDATE %s SET n = 'a' WHERE id = 1; "
                                     "UPDATE %s SET n = 'b' WHERE id = 2;"),
                           &err);
    is_int(rc, HS_OK, "%s: a script of two statements", label);

    rc = hs_db_exec_script(c, "SELEC 1", &err);
    is_int(rc, HS_ERROR, "%s: a bad script is HS_ERROR", label);
}


typedef struct {
    hs_db_t          *db;
    pthread_barrier_t *barrier;
    int               id;
    int               release;
    hs_rc_t           rc;
    hs_db_conn_t     *conn;
    uint64_t          conn_id;
    uint64_t          conn_id2;
    long long         backend;
    char              msg[1024];
} test_thread_t;


static void *
test_thread(void *arg)
{
    hs_rc_t             rc;
    hs_dbv_t            p[2], v;
    hs_error_t          err;
    hs_db_res_t        *r;
    hs_db_conn_t       *c, *c2;
    test_thread_t      *t;
    hs_db_conn_stats_t  st;

    t = arg;

    rc = hs_db_conn_get(t->db, &c, &err);
    if (rc != HS_OK) {
        t->rc = rc;
        snprintf(t->msg, sizeof(t->msg), "get: %s", err.msg);
        pthread_barrier_wait(t->barrier);
        return NULL;
    }

    t->conn = c;
    hs_db_conn_stats(c, &st);
    t->conn_id = st.id;

    /* both threads hold their connection at the same time */
    pthread_barrier_wait(t->barrier);

    p[0] = hs_dbv_int(1000 + t->id);
    p[1] = hs_dbv_cstr(t->id == 1 ? "thread one" : "thread two");

    rc = hs_db_exec(c, test_q("INSERT INTO %s (id, s) VALUES ($1, $2)"), p,
                    2, NULL, &err);

    if (rc == HS_OK) {
        rc = hs_db_exec(c, hs_db_conn_kind(c) == HS_DB_POSTGRES
                           ? "SELECT pg_backend_pid()" : "SELECT 0",
                        NULL, 0, &r, &err);
        if (rc == HS_OK) {
            hs_db_res_get(r, 0, 0, &v);
            t->backend = v.i;
            hs_db_res_free(r);
        }
    }

    if (rc == HS_OK) {
        rc = hs_db_conn_get(t->db, &c2, &err);
        if (rc == HS_OK) {
            hs_db_conn_stats(c2, &st);
            t->conn_id2 = st.id;
        }
    }

    t->rc = rc;
    if (rc != HS_OK) {
        snprintf(t->msg, sizeof(t->msg), "%s", err.msg);
    }

    /* the other thread's connection is closed by the key destructor */
    if (t->release) {
        hs_db_thread_release();
    }

    return NULL;
}


static void
test_threads(hs_db_t *db, hs_db_conn_t *mine, const char *label)
{
    int                i;
    hs_rc_t            rc;
    hs_dbv_t           p[1];
    hs_error_t         err;
    pthread_t          tid[2];
    hs_db_res_t       *r;
    test_thread_t      t[2];
    pthread_barrier_t  barrier;

    pthread_barrier_init(&barrier, NULL, 2);
    memset(t, 0, sizeof(t));

    for (i = 0; i < 2; i++) {
        t[i].db = db;
        t[i].barrier = &barrier;
        t[i].id = i + 1;
        t[i].release = (i == 0);
        pthread_create(&tid[i], NULL, test_thread, &t[i]);
    }

    for (i = 0; i < 2; i++) {
        pthread_join(tid[i], NULL);
    }

    pthread_barrier_destroy(&barrier);

    for (i = 0; i < 2; i++) {
        if (!is_int(t[i].rc, HS_OK, "%s: thread %d works on its connection",
                    label, i + 1))
        {
            diag("%s", t[i].msg);
        }

        is_int(t[i].conn_id2, t[i].conn_id,
               "%s: thread %d gets the same connection twice", label, i + 1);
        ok(t[i].conn != mine, "%s: thread %d's is not the main thread's",
           label, i + 1);
    }

    ok(t[0].conn_id != t[1].conn_id,
       "%s: two threads, two connections", label);

    if (hs_db_kind(db) == HS_DB_POSTGRES) {
        ok(t[0].backend != t[1].backend && t[0].backend > 0,
           "%s: two server sessions (pids %lld, %lld)", label, t[0].backend,
           t[1].backend);
    }

    p[0] = hs_dbv_int(1000);
    rc = hs_db_exec(mine, test_q("SELECT id FROM %s WHERE id > $1"), p, 1,
                    &r, &err);
    ok(rc == HS_OK && hs_db_res_rows(r) == 2,
       "%s: both threads' rows are there", label);
    hs_db_res_free(r);
}


/* Another hs_db_t (a reload) replaces the thread's connection. */
static void
test_generations(const char *url, const char *label)
{
    hs_rc_t             rc;
    hs_db_t            *db1, *db2;
    hs_error_t          err;
    hs_db_conn_t       *c;
    hs_db_conn_stats_t  s1, s2, s3;

    db1 = test_db(url, NULL);
    db2 = test_db(url, NULL);
    if (db1 == NULL || db2 == NULL) {
        ok(0, "%s: two databases", label);
        hs_db_destroy(db1);
        hs_db_destroy(db2);
        return;
    }

    rc = hs_db_conn_get(db1, &c, &err);
    is_int(rc, HS_OK, "%s: connection to db1", label);
    hs_db_conn_stats(c, &s1);

    rc = hs_db_conn_get(db1, &c, &err);
    hs_db_conn_stats(c, &s2);
    ok(rc == HS_OK && s2.id == s1.id, "%s: db1 again: the same", label);

    /* db1 goes away (the old cycle), its connection is stale */
    hs_db_destroy(db1);

    rc = hs_db_conn_get(db2, &c, &err);
    hs_db_conn_stats(c, &s3);
    ok(rc == HS_OK && s3.id != s1.id,
       "%s: db2 (same URL): a new connection", label);
    ok(rc == HS_OK && hs_db_exec(c, "SELECT 1", NULL, 0, NULL, &err)
                      == HS_OK, "%s: ... that works", label);

    hs_db_destroy(db2);
    hs_db_thread_release();
    ok(1, "%s: released", label);
}


static void
test_dialect(const char *url, const char *label)
{
    hs_rc_t        rc;
    hs_db_t       *db;
    hs_error_t     err;
    hs_db_conn_t  *c;

    db = test_db(url, NULL);
    if (!ok(db != NULL, "%s: hs_db_create", label)) {
        return;
    }

    rc = hs_db_conn_get(db, &c, &err);
    if (!is_int(rc, HS_OK, "%s: connection", label)) {
        diag("%s", err.msg);
        hs_db_destroy(db);
        return;
    }

    snprintf(test_table, sizeof(test_table), "t_hs_db_%d", (int) getpid());

    test_exec(c, test_q("DROP TABLE IF EXISTS %s"), &err);

    rc = test_exec(c, test_q(hs_db_kind(db) == HS_DB_SQLITE
                             ? "CREATE TABLE %s (id INTEGER PRIMARY KEY, "
                               "i INTEGER, r REAL, s TEXT UNIQUE, "
                               "b BOOLEAN, n TEXT)"
                             : "CREATE TABLE %s (id BIGINT PRIMARY KEY, "
                               "i BIGINT, r DOUBLE PRECISION, s TEXT UNIQUE, "
                               "b BOOLEAN, n TEXT)"), &err);
    if (!is_int(rc, HS_OK, "%s: create table", label)) {
        diag("%s", err.msg);
    }

    test_values(c, label);
    test_cache(c, label);
    test_txn(c, label);
    test_errors(c, label);
    test_threads(db, c, label);

    test_exec(c, test_q("DROP TABLE %s"), &err);

    hs_db_destroy(db);
    hs_db_thread_release();

    test_generations(url, label);
}


static void
test_sqlite_only(const char *url)
{
    hs_rc_t           rc;
    hs_db_t          *db, *bad;
    hs_dbv_t          v;
    hs_error_t        err;
    hs_db_res_t      *r;
    hs_db_conn_t     *c, *other;
    hs_db_options_t   opt = HS_DB_OPTIONS_DEFAULT;
    double            t0;

    /* a short busy timeout: a writer elsewhere makes BEGIN IMMEDIATE fail */

    opt.busy_timeout_ms = 200;
    db = test_db(url, &opt);
    if (!ok(db != NULL, "sqlite: db with a 200 ms busy timeout")) {
        return;
    }

    rc = hs_db_conn_get(db, &c, &err);
    is_int(rc, HS_OK, "sqlite: thread connection");

    rc = hs_db_exec(c, "PRAGMA journal_mode", NULL, 0, &r, &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK
       && v.type == HS_DBV_TEXT && v.len == 3 && memcmp(v.s, "wal", 3) == 0,
       "sqlite: journal_mode is WAL");
    hs_db_res_free(r);

    rc = hs_db_exec(c, "PRAGMA foreign_keys", NULL, 0, &r, &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK && v.i == 1,
       "sqlite: foreign_keys is on");
    hs_db_res_free(r);

    rc = hs_db_exec(c, "PRAGMA synchronous", NULL, 0, &r, &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK && v.i == 1,
       "sqlite: synchronous is NORMAL");
    hs_db_res_free(r);

    rc = hs_db_exec(c, "PRAGMA busy_timeout", NULL, 0, &r, &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK && v.i == 200,
       "sqlite: busy_timeout from the options");
    hs_db_res_free(r);

    rc = hs_db_conn_open(db, &other, &err);
    is_int(rc, HS_OK, "sqlite: a private second connection");

    if (rc == HS_OK) {
        rc = hs_db_begin(other, &err);
        is_int(rc, HS_OK, "sqlite: the other one takes the write lock");

        t0 = test_now();
        rc = hs_db_begin(c, &err);
        is_int(rc, HS_EAGAIN, "sqlite: BEGIN IMMEDIATE while another writes "
               "is HS_EAGAIN after the busy timeout");
        ok(test_now() - t0 >= 0.15, "sqlite: ... after waiting");
        like_str(err.msg, "locked", "sqlite: ... message: %s", err.msg);

        hs_db_rollback(other, &err);
        hs_db_conn_close(other);

        rc = hs_db_begin(c, &err);
        is_int(rc, HS_OK, "sqlite: once it is gone, BEGIN works");
        hs_db_rollback(c, &err);
    }

    hs_db_destroy(db);
    hs_db_thread_release();

    /* a file that cannot be opened */

    bad = test_db("sqlite:///nonexistent-hs-dir/sub/x.db", NULL);
    rc = hs_db_conn_get(bad, &c, &err);
    is_int(rc, HS_ERROR, "sqlite: unopenable file is HS_ERROR");
    like_str(err.msg, "/nonexistent-hs-dir/sub/x.db",
             "sqlite: the message names the file");
    hs_db_destroy(bad);
}


/* Values of PostgreSQL types that SQLite does not have. */
static void
test_pg_types(hs_db_conn_t *c)
{
    hs_rc_t       rc;
    hs_dbv_t      v, p[3];
    hs_error_t    err;
    hs_db_res_t  *r;

    rc = hs_db_exec(c, "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, "
                       "2.5::float8, 12.125::numeric, true, "
                       "'0190a5a5-0000-7000-8000-000000000001'::uuid, "
                       "'2025-01-31T12:00:00Z'::timestamptz, 'x'::varchar",
                    NULL, 0, &r, &err);
    if (!is_int(rc, HS_OK, "pg: select of many types")) {
        diag("%s", err.msg);
        return;
    }

    hs_db_res_get(r, 0, 0, &v);
    ok(v.type == HS_DBV_INT && v.i == 1, "pg: int2 -> INT");
    hs_db_res_get(r, 0, 1, &v);
    ok(v.type == HS_DBV_INT && v.i == 2, "pg: int4 -> INT");
    hs_db_res_get(r, 0, 2, &v);
    ok(v.type == HS_DBV_INT && v.i == 3, "pg: int8 -> INT");
    hs_db_res_get(r, 0, 3, &v);
    ok(v.type == HS_DBV_REAL && v.d == 1.5, "pg: float4 -> REAL");
    hs_db_res_get(r, 0, 4, &v);
    ok(v.type == HS_DBV_REAL && v.d == 2.5, "pg: float8 -> REAL");
    hs_db_res_get(r, 0, 5, &v);
    ok(v.type == HS_DBV_REAL && v.d == 12.125, "pg: numeric -> REAL");
    hs_db_res_get(r, 0, 6, &v);
    ok(v.type == HS_DBV_BOOL && v.i == 1, "pg: bool -> BOOL");
    hs_db_res_get(r, 0, 7, &v);
    ok(v.type == HS_DBV_TEXT && v.len == 36, "pg: uuid -> TEXT");
    hs_db_res_get(r, 0, 8, &v);
    ok(v.type == HS_DBV_TEXT && v.len > 0, "pg: timestamptz -> TEXT");
    hs_db_res_get(r, 0, 9, &v);
    ok(v.type == HS_DBV_TEXT && v.len == 1 && v.s[0] == 'x',
       "pg: varchar -> TEXT");
    hs_db_res_free(r);

    /* parameters take the type the statement gives them */

    p[0] = hs_dbv_cstr("0190a5a5-0000-7000-8000-000000000001");
    p[1] = hs_dbv_real(0.1);
    p[2] = hs_dbv_bool(0);
    rc = hs_db_exec(c, "SELECT $1::uuid = "
                       "'0190a5a5-0000-7000-8000-000000000001'::uuid, "
                       "$2::float8, $3::bool", p, 3, &r, &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK
       && v.type == HS_DBV_BOOL && v.i == 1, "pg: text parameter as uuid");
    ok(rc == HS_OK && hs_db_res_get(r, 0, 1, &v) == HS_OK && v.d == 0.1,
       "pg: real parameter round-trips exactly");
    ok(rc == HS_OK && hs_db_res_get(r, 0, 2, &v) == HS_OK
       && v.type == HS_DBV_BOOL && v.i == 0, "pg: bool parameter");
    hs_db_res_free(r);

    /* an aborted transaction does not commit */

    rc = hs_db_begin(c, &err);
    if (rc == HS_OK) {
        hs_db_exec(c, "SELEC broken", NULL, 0, NULL, &err);
        rc = hs_db_exec(c, "SELECT 1", NULL, 0, NULL, &err);
        is_int(rc, HS_ERROR, "pg: statements in an aborted transaction fail");
        rc = hs_db_commit(c, &err);
        is_int(rc, HS_ERROR, "pg: commit of an aborted transaction fails");
        like_str(err.msg, "rolled back", "pg: ... and says so");
        ok(!hs_db_conn_in_txn(c), "pg: no transaction afterwards");
    }
}


/* pg_terminate_backend() from another connection, then reconnection. */
static void
test_pg_reconnect(hs_db_t *db)
{
    hs_rc_t         rc;
    hs_dbv_t        v, p[1];
    hs_error_t      err;
    hs_db_res_t    *r;
    hs_db_conn_t   *c, *killer;
    long long       pid, pid2;

    rc = hs_db_conn_open(db, &killer, &err);
    if (!is_int(rc, HS_OK, "pg: a second connection")) {
        return;
    }

    /* 1: terminated while idle: the next get notices and reconnects */

    rc = hs_db_conn_get(db, &c, &err);
    rc = hs_db_exec(c, "SELECT pg_backend_pid()", NULL, 0, &r, &err);
    hs_db_res_get(r, 0, 0, &v);
    pid = v.i;
    hs_db_res_free(r);

    p[0] = hs_dbv_int(pid);
    rc = hs_db_exec(killer, "SELECT pg_terminate_backend($1::int, 10000)", p,
                    1, &r, &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK && v.i == 1,
       "pg: backend %lld terminated", pid);
    hs_db_res_free(r);

    rc = hs_db_conn_get(db, &c, &err);
    is_int(rc, HS_OK, "pg: get after the termination");
    rc = hs_db_exec(c, "SELECT pg_backend_pid()", NULL, 0, &r, &err);
    pid2 = (rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK) ? v.i : 0;
    hs_db_res_free(r);
    ok(rc == HS_OK && pid2 != pid && pid2 > 0,
       "pg: a new session answers (pid %lld)", pid2);

    /* 2: terminated between get and exec: HS_EAGAIN, then reconnected */

    p[0] = hs_dbv_int(pid2);
    rc = hs_db_exec(killer, "SELECT pg_terminate_backend($1::int, 10000)", p,
                    1, NULL, &err);
    is_int(rc, HS_OK, "pg: terminated again");

    rc = hs_db_exec(c, "SELECT pg_backend_pid()", NULL, 0, &r, &err);
    is_int(rc, HS_EAGAIN, "pg: a query on the lost connection is HS_EAGAIN");
    diag("%s", err.msg);
    hs_db_res_free(r);

    rc = hs_db_exec(c, "SELECT 1", NULL, 0, NULL, &err);
    is_int(rc, HS_EAGAIN, "pg: ... and stays so until the next get");

    rc = hs_db_conn_get(db, &c, &err);
    is_int(rc, HS_OK, "pg: the next get reconnects");
    rc = hs_db_exec(c, "SELECT pg_backend_pid()", NULL, 0, &r, &err);
    pid = (rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK) ? v.i : 0;
    hs_db_res_free(r);
    ok(rc == HS_OK && pid != pid2 && pid > 0,
       "pg: ... to a new session (pid %lld)", pid);

    /* 3: terminated inside a transaction */

    rc = hs_db_begin(c, &err);
    p[0] = hs_dbv_int(pid);
    hs_db_exec(killer, "SELECT pg_terminate_backend($1::int, 10000)", p, 1,
               NULL, &err);
    rc = hs_db_exec(c, "SELECT 1", NULL, 0, NULL, &err);
    is_int(rc, HS_EAGAIN, "pg: lost inside a transaction: HS_EAGAIN");
    is_int(hs_db_rollback(c, &err), HS_OK, "pg: rollback of it is harmless");
    rc = hs_db_conn_get(db, &c, &err);
    ok(rc == HS_OK && hs_db_exec(c, "SELECT 1", NULL, 0, NULL, &err)
                      == HS_OK, "pg: reconnected again");

    hs_db_conn_close(killer);
}


static void
test_pg_only(const char *url)
{
    char             bad[512];
    const char      *at;
    hs_rc_t          rc;
    hs_db_t         *db;
    hs_error_t       err;
    hs_db_conn_t    *c;
    hs_db_options_t  opt = HS_DB_OPTIONS_DEFAULT;

    opt.statement_timeout_ms = 300;
    db = test_db(url, &opt);
    if (!ok(db != NULL, "pg: db with a 300 ms statement timeout")) {
        return;
    }

    rc = hs_db_conn_get(db, &c, &err);
    if (!is_int(rc, HS_OK, "pg: connection")) {
        diag("%s", err.msg);
        hs_db_destroy(db);
        return;
    }

    test_pg_types(c);

    rc = hs_db_exec(c, "SELECT pg_sleep(2)", NULL, 0, NULL, &err);
    is_int(rc, HS_ERROR, "pg: statement_timeout cancels a long statement");
    like_str(err.msg, "57014", "pg: ... SQLSTATE 57014");

    rc = hs_db_exec(c, "SELECT current_setting('application_name')", NULL, 0,
                    NULL, &err);
    is_int(rc, HS_OK, "pg: still usable after the timeout");

    test_pg_reconnect(db);

    hs_db_destroy(db);
    hs_db_thread_release();

    /* a wrong password: HS_EAGAIN, the password not in the message */

    at = strchr(url + strlen("postgres://"), '@');
    if (at != NULL) {
        snprintf(bad, sizeof(bad), "postgres://hs:Wr0ngSecret%s", at);
        db = test_db(bad, NULL);
        rc = hs_db_conn_get(db, &c, &err);
        is_int(rc, HS_EAGAIN, "pg: wrong password is HS_EAGAIN");
        ok(strstr(err.msg, "Wr0ngSecret") == NULL,
           "pg: the message has no password: %s", err.msg);
        like_str(err.msg, "password authentication failed",
                 "pg: ... and says why");
        hs_db_destroy(db);
    }
}


/* A server that accepts TCP but never answers: connect_timeout. */
static void
test_pg_unreachable(void)
{
    int                  fd;
    char                 url[128];
    double               t0, dt;
    hs_rc_t              rc;
    hs_db_t             *db;
    socklen_t            len;
    hs_error_t           err;
    hs_db_conn_t        *c;
    struct sockaddr_in   sin;
    hs_db_options_t      opt = HS_DB_OPTIONS_DEFAULT;

    db = test_db("postgres://hs:S3cretPw@127.0.0.1:1/x", NULL);
    if (!ok(db != NULL, "pg: db on port 1 (no I/O yet)")) {
        return;
    }

    t0 = test_now();
    rc = hs_db_conn_get(db, &c, &err);
    dt = test_now() - t0;
    is_int(rc, HS_EAGAIN, "pg: connection refused is HS_EAGAIN");
    ok(c == NULL, "pg: no connection");
    ok(dt < 3.5, "pg: ... within connect_timeout (%.3f s)", dt);
    like_str(err.msg, "127.0.0.1", "pg: the message names the server: %s",
             err.msg);
    ok(strstr(err.msg, "S3cretPw") == NULL, "pg: ... not the password");

    rc = hs_db_conn_get(db, &c, &err);
    is_int(rc, HS_EAGAIN, "pg: and again (no broken connection cached)");
    hs_db_destroy(db);

    /* accepts (the kernel does) but never answers */

    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(sin);

    if (fd < 0 || bind(fd, (struct sockaddr *) &sin, sizeof(sin)) != 0
        || listen(fd, 8) != 0
        || getsockname(fd, (struct sockaddr *) &sin, &len) != 0)
    {
        ok(0, "pg: a silent listener: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return;
    }

    snprintf(url, sizeof(url), "postgres://hs:hs@127.0.0.1:%d/x",
             ntohs(sin.sin_port));

    opt.connect_timeout_s = 2;
    db = test_db(url, &opt);

    t0 = test_now();
    rc = hs_db_conn_get(db, &c, &err);
    dt = test_now() - t0;
    is_int(rc, HS_EAGAIN, "pg: a silent server is HS_EAGAIN");
    ok(dt >= 1.0 && dt < 10.0, "pg: ... after connect_timeout (%.3f s)", dt);
    like_str(err.msg, "timeout", "pg: ... message: %s", err.msg);

    hs_db_destroy(db);
    close(fd);
}


static void
test_create(void)
{
    hs_db_t          *db;
    hs_error_t        err;
    hs_dburl_t        u;
    hs_db_options_t   opt = HS_DB_OPTIONS_DEFAULT;

    db = hs_db_create(NULL, NULL, &err);
    ok(db == NULL, "create without a URL fails");
    like_str(err.msg, "no database URL", "... message");

    hs_dburl_parse("postgres://u:p@h:5/d?sslmode=disable", &u, &err);

    opt.connect_timeout_s = 0;
    db = hs_db_create(&u, &opt, &err);
    ok(db == NULL, "connect_timeout_s 0 is refused (libpq: forever)");
    like_str(err.msg, "connect_timeout_s 0", "... message");

    db = hs_db_create(&u, NULL, &err);
    hs_dburl_release(&u);
    ok(db != NULL, "create postgres: no I/O");
    is_int(hs_db_kind(db), HS_DB_POSTGRES, "kind postgres");
    is_str(hs_db_url(db), "postgres://u:***@h:5/d?sslmode=disable",
           "redacted URL kept");
    hs_db_destroy(db);

    hs_dburl_parse("sqlite:///nonexistent-hs-dir/x.db", &u, &err);
    db = hs_db_create(&u, NULL, &err);
    hs_dburl_release(&u);
    ok(db != NULL, "create sqlite on a missing directory: no I/O yet");
    is_int(hs_db_kind(db), HS_DB_SQLITE, "kind sqlite");
    hs_db_destroy(db);

    hs_db_destroy(NULL);
    hs_db_thread_release();
    ok(1, "destroy(NULL) and release without a connection are harmless");
}


static int
test_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

/* count(*) of the batch test's table */
static long long
test_count_t(hs_db_conn_t *c)
{
    return test_count_sql(c, "SELECT count(*) FROM batch_t");
}


/*
 * Batches (hs_db_thread_batch_begin): reads share one snapshot, a write
 * or a transaction ends it, the end of the batch releases it.
 */
static void
test_sqlite_batch(const char *url)
{
    hs_rc_t        rc;
    hs_db_t       *db;
    hs_dbv_t       v;
    hs_error_t     err;
    hs_db_res_t   *r;
    hs_db_conn_t  *c, *other;

    db = test_db(url, NULL);
    if (!ok(db != NULL, "batch: db")) {
        return;
    }

    if (hs_db_conn_get(db, &c, &err) != HS_OK
        || hs_db_conn_open(db, &other, &err) != HS_OK)
    {
        ok(0, "batch: connections: %s", err.msg);
        hs_db_destroy(db);
        return;
    }

    rc = test_exec(c, "CREATE TABLE batch_t (id INTEGER PRIMARY KEY)", &err);
    is_int(rc, HS_OK, "batch: table");
    test_exec(c, "INSERT INTO batch_t (id) VALUES (1)", &err);

    /* outside a batch every read sees the latest commit */
    is_int(test_count_t(c), 1, "batch: no batch, 1 row");
    test_exec(other, "INSERT INTO batch_t (id) VALUES (2)", &err);
    is_int(test_count_t(c), 2, "batch: no batch, another connection's "
           "insert is seen at once");

    hs_db_thread_batch_begin();

    is_int(test_count_t(c), 2, "batch: first read, 2 rows");
    is_int(hs_db_conn_in_txn(c), 0, "batch: the shared read is not "
           "reported as the caller's transaction");
    rc = hs_db_rollback(c, &err);
    is_int(rc, HS_OK, "batch: a rollback without a transaction is harmless");

    rc = test_exec(other, "INSERT INTO batch_t (id) VALUES (3)", &err);
    is_int(rc, HS_OK, "batch: another connection writes meanwhile "
           "(readers do not block writers)");
    is_int(test_count_t(c), 2, "batch: the second read shares the first "
           "one's snapshot");

    rc = test_exec(c, "INSERT INTO batch_t (id) VALUES (4)", &err);
    is_int(rc, HS_OK, "batch: a write ends the shared read: %s",
           rc == HS_OK ? "ok" : err.msg);
    is_int(test_count_t(c), 4, "batch: reads after it see every commit, "
           "its own included");

    rc = test_exec(other, "INSERT INTO batch_t (id) VALUES (5)", &err);
    is_int(test_count_t(c), 4, "batch: a new shared snapshot after the "
           "write");

    rc = hs_db_begin(c, &err);
    is_int(rc, HS_OK, "batch: BEGIN IMMEDIATE inside a batch: %s",
           rc == HS_OK ? "ok" : err.msg);
    is_int(hs_db_conn_in_txn(c), 1, "batch: ... is the caller's "
           "transaction");
    is_int(test_count_t(c), 5, "batch: ... and reads the latest commit");
    test_exec(c, "INSERT INTO batch_t (id) VALUES (6)", &err);
    rc = hs_db_rollback(c, &err);
    is_int(rc, HS_OK, "batch: rollback of the caller's transaction");
    is_int(hs_db_conn_in_txn(c), 0, "batch: ... ended");
    is_int(test_count_t(other), 5, "batch: ... and its insert is gone");

    hs_db_thread_batch_end();

    is_int(hs_db_conn_in_txn(c), 0, "batch: ended, no transaction left");
    test_exec(other, "INSERT INTO batch_t (id) VALUES (7)", &err);
    is_int(test_count_t(c), 6, "batch: after the batch, the latest commit "
           "again");

    /* a batch that ends inside its shared read releases the read lock */
    hs_db_thread_batch_begin();
    is_int(test_count_t(c), 6, "batch: a read in a second batch");
    hs_db_thread_batch_end();
    rc = hs_db_exec(other, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0, &r,
                    &err);
    ok(rc == HS_OK && hs_db_res_get(r, 0, 0, &v) == HS_OK && v.i == 0,
       "batch: a checkpoint after the batch is not kept busy by a reader");
    hs_db_res_free(r);
    test_exec(other, "INSERT INTO batch_t (id) VALUES (8)", &err);
    is_int(test_count_t(c), 7, "batch: ... and the reader sees the "
           "write after it");

    /* a private connection never shares */
    hs_db_thread_batch_begin();
    is_int(test_count_t(other), 7, "batch: private connection reads");
    test_exec(c, "INSERT INTO batch_t (id) VALUES (9)", &err);
    is_int(test_count_t(other), 8, "batch: ... each read on its own");
    hs_db_thread_batch_end();

    test_exec(c, "DROP TABLE batch_t", &err);
    hs_db_conn_close(other);
    hs_db_destroy(db);
    hs_db_thread_release();
}


/* A thread's connection is not carried into a child process. */
static void
test_sqlite_fork(const char *url)
{
    int                  status;
    pid_t                pid;
    hs_db_t             *db;
    hs_error_t           err;
    hs_db_conn_t        *c, *cc;
    hs_db_conn_stats_t   st, cst;

    db = test_db(url, NULL);
    if (db == NULL || hs_db_conn_get(db, &c, &err) != HS_OK) {
        ok(0, "fork: thread connection");
        hs_db_destroy(db);
        return;
    }

    hs_db_conn_stats(c, &st);

    fflush(stdout);
    pid = fork();

    if (pid == 0) {
        /* the child: a new connection, the parent's is abandoned */
        if (hs_db_conn_get(db, &cc, &err) != HS_OK) {
            _exit(2);
        }

        hs_db_conn_stats(cc, &cst);
        _exit(cst.id != st.id && test_exec(cc, "SELECT 1", &err) == HS_OK
              ? 0 : 3);
    }

    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
       && WEXITSTATUS(status) == 0,
       "fork: the child opens a connection of its own and uses it");

    ok(hs_db_conn_get(db, &cc, &err) == HS_OK && cc == c,
       "fork: the parent keeps its connection");

    hs_db_destroy(db);
    hs_db_thread_release();
}


int
main(void)
{
    char         url[256];
    const char  *pg;

    snprintf(test_dir, sizeof(test_dir), "/tmp/hs_test_db_XXXXXX");
    if (mkdtemp(test_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }

    test_create();

    snprintf(url, sizeof(url), "sqlite://%s/test.db", test_dir);
    test_dialect(url, "sqlite");
    test_sqlite_only(url);
    test_sqlite_batch(url);
    test_sqlite_fork(url);

    test_pg_unreachable();

    pg = getenv("HS_TEST_PG_URL");
    if (pg != NULL && pg[0] != '\0') {
        test_dialect(pg, "pg");
        test_pg_only(pg);

    } else {
        test_skip("PostgreSQL: HS_TEST_PG_URL is not set "
                  "(t/lib/pg.sh start DIR prints one)");
    }

    nftw(test_dir, test_rm, 16, FTW_DEPTH | FTW_PHYS);

    return done_testing();
}
