/*
 * Migrations against a real SQLite file (always) and PostgreSQL (when
 * HS_TEST_PG_URL is set): order, idempotence, status, changed and missing
 * files, bad file names, a failing migration, concurrent runs.
 *
 * Module and table names carry the process id, so the plain and the
 * sanitized binaries may share one PostgreSQL database.
 */

#define _GNU_SOURCE                   /* nftw() */

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hs_db.h"
#include "hs_migrate.h"
#include "hs_tap.h"


#define TEST_THREADS  4

static char             test_root[64];
static char             test_mroot[128];      /* one per dialect */
static char             test_ma[32], test_mb[32], test_mc[32], test_mx[32];

/* the injected logger (threads write to it) */
static pthread_mutex_t  test_log_lock = PTHREAD_MUTEX_INITIALIZER;
static char             test_log_text[8192];
static int              test_log_applied;


static void
test_skip(const char *why)
{
    hs_tap_run++;
    printf("ok %d # SKIP %s\n", hs_tap_run, why);
    fflush(stdout);
}


static void
test_log_write(void *data, hs_log_level_t level, const char *msg)
{
    size_t  len;

    pthread_mutex_lock(&test_log_lock);

    len = strlen(test_log_text);
    snprintf(test_log_text + len, sizeof(test_log_text) - len, "[%d] %s\n",
             (int) level, msg);

    if (level == HS_LOG_INFO && strstr(msg, " applied") != NULL
        && strncmp(msg, "migration ", 10) == 0)
    {
        test_log_applied++;
    }

    pthread_mutex_unlock(&test_log_lock);
}


static const hs_log_t  test_log = { test_log_write, NULL };


static void
test_log_reset(void)
{
    test_log_text[0] = '\0';
    test_log_applied = 0;
}


static hs_db_t *
test_db(const char *url)
{
    hs_db_t     *db;
    hs_error_t   err;
    hs_dburl_t   u;

    if (hs_dburl_parse(url, &u, &err) != HS_OK) {
        diag("bad url %s: %s", url, err.msg);
        return NULL;
    }

    db = hs_db_create(&u, NULL, &err);
    hs_dburl_release(&u);

    return db;
}


/* Writes root/module/dialect/name (creating directories). */
static void
test_write(const char *module, const char *dialect, const char *name,
    const char *text)
{
    char   path[512];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%s", test_mroot, module);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/%s", test_mroot, module, dialect);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/%s/%s", test_mroot, module, dialect,
             name);

    f = fopen(path, "w");
    if (f == NULL) {
        diag("cannot write %s: %s", path, strerror(errno));
        return;
    }

    fputs(text, f);
    fclose(f);
}


static void
test_unlink(const char *module, const char *dialect, const char *name)
{
    char  path[512];

    snprintf(path, sizeof(path), "%s/%s/%s/%s", test_mroot, module, dialect,
             name);
    unlink(path);
}


static void
test_sha256(const char *text, char *hex)
{
    unsigned int   i, n;
    unsigned char  md[EVP_MAX_MD_SIZE];

    EVP_Digest(text, strlen(text), md, &n, EVP_sha256(), NULL);

    for (i = 0; i < n; i++) {
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }
}


/* One integer from a query on the thread's connection; -1 on error. */
static long long
test_int(hs_db_t *db, const char *sql, const char *module)
{
    long long      n;
    hs_dbv_t       p[1], v;
    hs_error_t     err;
    hs_db_res_t   *r;
    hs_db_conn_t  *c;

    if (hs_db_conn_get(db, &c, &err) != HS_OK) {
        diag("%s", err.msg);
        return -1;
    }

    p[0] = hs_dbv_cstr(module ? module : "");

    if (hs_db_exec(c, sql, p, module ? 1 : 0, &r, &err) != HS_OK) {
        diag("%s: %s", sql, err.msg);
        return -1;
    }

    n = (hs_db_res_get(r, 0, 0, &v) == HS_OK && v.type == HS_DBV_INT)
        ? v.i : -2;
    hs_db_res_free(r);

    return n;
}


static long long
test_recorded(hs_db_t *db, const char *module)
{
    return test_int(db, "SELECT count(*) FROM hs_migrations "
                        "WHERE module = $1", module);
}


/* 1: the table exists. */
static int
test_table(hs_db_t *db, const char *table)
{
    char  sql[256];

    if (hs_db_kind(db) == HS_DB_SQLITE) {
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master "
                 "WHERE type = 'table' AND name = '%s'", table);

    } else {
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_tables "
                 "WHERE schemaname = current_schema() "
                 "AND tablename = '%s'", table);
    }

    return test_int(db, sql, NULL) == 1;
}


/* The status object for module/version, borrowed; NULL when absent. */
static json_t *
test_status_of(json_t *st, const char *module, int version)
{
    size_t   i;
    json_t  *o;

    json_array_foreach(st, i, o) {
        if (strcmp(json_string_value(json_object_get(o, "module")), module)
            == 0
            && json_integer_value(json_object_get(o, "version")) == version)
        {
            return o;
        }
    }

    return NULL;
}


static const char *
test_state(json_t *st, const char *module, int version)
{
    json_t  *o;

    o = test_status_of(st, module, version);

    return o ? json_string_value(json_object_get(o, "state")) : NULL;
}


typedef struct {
    hs_db_t            *db;
    pthread_barrier_t  *barrier;
    const char         *const *modules;
    size_t              n;
    hs_rc_t             rc;
    char                msg[1024];
} test_run_t;


static void *
test_run_thread(void *arg)
{
    hs_error_t   err;
    test_run_t  *t;

    t = arg;

    pthread_barrier_wait(t->barrier);

    t->rc = hs_migrate_run(t->db, test_mroot, t->modules, t->n, &test_log,
                           &err);
    if (t->rc != HS_OK) {
        snprintf(t->msg, sizeof(t->msg), "%s", err.msg);
    }

    return NULL;
}


static void
test_concurrent(hs_db_t *db, const char *d, const char *label)
{
    int                 i;
    char                sql[256], name[32];
    pthread_t           tid[TEST_THREADS];
    test_run_t          t[TEST_THREADS];
    pthread_barrier_t   barrier;
    const char         *mods[1];

    /* 0001 creates a table, 0002..0006 each add one row */

    snprintf(sql, sizeof(sql), "CREATE TABLE %s_runs (v INTEGER);\n",
             test_mx);
    test_write(test_mx, d, "0001_runs.sql", sql);

    for (i = 2; i <= 6; i++) {
        snprintf(name, sizeof(name), "%04d_row.sql", i);
        snprintf(sql, sizeof(sql), "INSERT INTO %s_runs (v) VALUES (%d);\n",
                 test_mx, i);
        test_write(test_mx, d, name, sql);
    }

    mods[0] = test_mx;
    test_log_reset();

    pthread_barrier_init(&barrier, NULL, TEST_THREADS);

    for (i = 0; i < TEST_THREADS; i++) {
        memset(&t[i], 0, sizeof(test_run_t));
        t[i].db = db;
        t[i].barrier = &barrier;
        t[i].modules = mods;
        t[i].n = 1;
        pthread_create(&tid[i], NULL, test_run_thread, &t[i]);
    }

    for (i = 0; i < TEST_THREADS; i++) {
        pthread_join(tid[i], NULL);
    }

    pthread_barrier_destroy(&barrier);

    for (i = 0; i < TEST_THREADS; i++) {
        if (!is_int(t[i].rc, HS_OK, "%s: concurrent run %d", label, i + 1)) {
            diag("%s", t[i].msg);
        }
    }

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s_runs", test_mx);
    is_int(test_int(db, sql, NULL), 5,
           "%s: %d runs at once: each row inserted once", label,
           TEST_THREADS);
    is_int(test_recorded(db, test_mx), 6, "%s: 6 migrations recorded",
           label);
    is_int(test_log_applied, 6, "%s: 6 applied in all the logs", label);
}


static void
test_dialect(const char *url, const char *label)
{
    char            sql[512], sum[65];
    size_t          i;
    json_t         *st, *o;
    hs_rc_t         rc;
    hs_db_t        *db;
    hs_error_t      err;
    const char     *d, *mods[3], *amods[1], *cmods[1], *p;
    const char     *s1a, *s2a, *s1b;
    char            buf[3][512];

    db = test_db(url);
    if (!ok(db != NULL, "%s: hs_db_create", label)) {
        return;
    }

    d = hs_db_kind_name(hs_db_kind(db));

    snprintf(test_mroot, sizeof(test_mroot), "%s/%s", test_root, label);
    mkdir(test_mroot, 0755);

    snprintf(test_ma, sizeof(test_ma), "ma%d", (int) getpid());
    snprintf(test_mb, sizeof(test_mb), "mb%d", (int) getpid());
    snprintf(test_mc, sizeof(test_mc), "mc%d", (int) getpid());
    snprintf(test_mx, sizeof(test_mx), "mx%d", (int) getpid());

    /* a depends on nothing, b references a's table */

    snprintf(buf[0], sizeof(buf[0]),
             "-- the items\n"
             "CREATE TABLE %s_items (id INTEGER PRIMARY KEY, name TEXT);\n",
             test_ma);
    snprintf(buf[1], sizeof(buf[1]),
             "INSERT INTO %s_items (id, name) VALUES (1, 'one');\n"
             "INSERT INTO %s_items (id, name) VALUES (2, 'two');\n",
             test_ma, test_ma);
    snprintf(buf[2], sizeof(buf[2]),
             "CREATE TABLE %s_refs (id INTEGER PRIMARY KEY,\n"
             "    item INTEGER NOT NULL REFERENCES %s_items (id));\n",
             test_mb, test_ma);
    s1a = buf[0];
    s2a = buf[1];
    s1b = buf[2];

    test_write(test_ma, d, "0001_init.sql", s1a);
    test_write(test_ma, d, "0002_seed.sql", s2a);
    test_write(test_ma, d, "README.txt", "not a migration\n");
    test_write(test_mb, d, "0001_refs.sql", s1b);

    /* the other dialect's files are not looked at */
    test_write(test_ma, hs_db_kind(db) == HS_DB_SQLITE ? "postgres"
                                                        : "sqlite",
               "0001_other.sql", "THIS IS NOT SQL");

    mods[0] = test_ma;
    mods[1] = "nomigrations";       /* no directory: nothing to do */
    mods[2] = test_mb;

    /* status before anything: pending */

    rc = hs_migrate_status(db, test_mroot, mods, 3, &st, &err);
    if (is_int(rc, HS_OK, "%s: status before the first run", label)) {
        is_int(json_array_size(st), 3, "%s: 3 migrations listed", label);
        is_str(test_state(st, test_ma, 1), "pending", "%s: a 0001 pending",
               label);
        json_decref(st);

    } else {
        diag("%s", err.msg);
    }

    /* the first run applies all, in order */

    test_log_reset();
    rc = hs_migrate_run(db, test_mroot, mods, 3, &test_log, &err);
    if (!is_int(rc, HS_OK, "%s: first run", label)) {
        diag("%s", err.msg);
    }

    is_int(test_log_applied, 3, "%s: 3 applied", label);
    p = strstr(test_log_text, "0001_init.sql");
    ok(p != NULL && strstr(p, "0002_seed.sql") != NULL
       && strstr(strstr(p, "0002_seed.sql"), "0001_refs.sql") != NULL,
       "%s: in module order, then version order", label);
    like_str(test_log_text, "[3] migration ", "%s: logged at INFO", label);

    ok(test_table(db, "placeholder") == 0, "%s: (table probe works)",
       label);
    snprintf(sql, sizeof(sql), "%s_refs", test_mb);
    ok(test_table(db, sql), "%s: b's table exists", label);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s_items", test_ma);
    is_int(test_int(db, sql, NULL), 2, "%s: multi-statement file ran",
           label);

    is_int(test_recorded(db, test_ma), 2, "%s: a: 2 recorded", label);
    is_int(test_recorded(db, test_mb), 1, "%s: b: 1 recorded", label);

    /* what is recorded */

    rc = hs_migrate_status(db, test_mroot, mods, 3, &st, &err);
    if (is_int(rc, HS_OK, "%s: status after the run", label)) {
        is_int(json_array_size(st), 3, "%s: 3 migrations listed", label);

        json_array_foreach(st, i, o) {
            is_str(json_string_value(json_object_get(o, "state")),
                   "applied", "%s: status %zu applied", label, i);
        }

        o = test_status_of(st, test_ma, 2);
        test_sha256(s2a, sum);
        is_str(json_string_value(json_object_get(o, "checksum")), sum,
               "%s: checksum is the sha256 of the file", label);
        is_str(json_string_value(json_object_get(o, "name")),
               "0002_seed.sql", "%s: name is the file name", label);
        ok(json_is_true(json_object_get(o, "applied")), "%s: applied true",
           label);
        p = json_string_value(json_object_get(o, "applied_at"));
        ok(p != NULL && strlen(p) == 20 && p[4] == '-' && p[10] == 'T'
           && p[19] == 'Z', "%s: applied_at is RFC 3339 UTC: %s", label,
           p ? p : "(null)");

        o = test_status_of(st, test_mb, 1);
        is_int(json_integer_value(json_object_get(o, "version")), 1,
               "%s: b's version", label);
        json_decref(st);

    } else {
        diag("%s", err.msg);
    }

    /* idempotent */

    test_log_reset();
    rc = hs_migrate_run(db, test_mroot, mods, 3, &test_log, &err);
    is_int(rc, HS_OK, "%s: second run", label);
    is_int(test_log_applied, 0, "%s: applies nothing", label);
    is_int(test_recorded(db, test_ma), 2, "%s: still 2 recorded", label);

    /* a new file: only it is applied */

    snprintf(sql, sizeof(sql), "ALTER TABLE %s_items ADD COLUMN note TEXT;\n",
             test_ma);
    test_write(test_ma, d, "0003_note.sql", sql);

    rc = hs_migrate_status(db, test_mroot, mods, 3, &st, &err);
    is_str(rc == HS_OK ? test_state(st, test_ma, 3) : NULL, "pending",
           "%s: a new file is pending", label);
    json_decref(st);

    test_log_reset();
    rc = hs_migrate_run(db, test_mroot, mods, 3, &test_log, &err);
    is_int(rc, HS_OK, "%s: run with a new file", label);
    is_int(test_log_applied, 1, "%s: applies just it", label);
    like_str(test_log_text, "0003_note.sql", "%s: ... 0003", label);

    /* a failing migration leaves the schema as it was, unrecorded */

    snprintf(sql, sizeof(sql),
             "CREATE TABLE %s_partial (x INTEGER);\n"
             "INSERT INTO %s_partial (x) VALUES (1);\n"
             "INSERT INTO hs_no_such_table (x) VALUES (1);\n",
             test_ma, test_ma);
    test_write(test_ma, d, "0004_bad.sql", sql);

    test_log_reset();
    rc = hs_migrate_run(db, test_mroot, mods, 3, &test_log, &err);
    is_int(rc, HS_ERROR, "%s: a failing migration fails the run", label);
    like_str(err.msg, test_ma, "%s: the error names the module", label);
    like_str(err.msg, "0004_bad.sql", "%s: ... the file", label);
    like_str(err.msg, "hs_no_such_table", "%s: ... the database's message",
             label);
    snprintf(sql, sizeof(sql), "%s_partial", test_ma);
    ok(!test_table(db, sql), "%s: its first statement is rolled back",
       label);
    is_int(test_recorded(db, test_ma), 3, "%s: it is not recorded", label);
    is_int(test_log_applied, 0, "%s: nothing logged as applied", label);

    snprintf(sql, sizeof(sql),
             "CREATE TABLE %s_partial (x INTEGER);\n"
             "INSERT INTO %s_partial (x) VALUES (1);\n",
             test_ma, test_ma);
    test_write(test_ma, d, "0004_bad.sql", sql);
    rc = hs_migrate_run(db, test_mroot, mods, 3, NULL, &err);
    is_int(rc, HS_OK, "%s: fixed, it applies (no logger is fine)", label);
    snprintf(sql, sizeof(sql), "%s_partial", test_ma);
    ok(test_table(db, sql), "%s: ... its table exists now", label);

    /* a changed file stops everything, pending ones included */

    test_write(test_mb, d, "0002_more.sql", "CREATE TABLE hs_never (x INT);");
    snprintf(sql, sizeof(sql), "%s-- edited after it was applied\n", s2a);
    test_write(test_ma, d, "0002_seed.sql", sql);

    test_log_reset();
    rc = hs_migrate_run(db, test_mroot, mods, 3, &test_log, &err);
    is_int(rc, HS_ERROR, "%s: a changed file fails the run", label);
    like_str(err.msg, test_ma, "%s: names the module", label);
    like_str(err.msg, "0002", "%s: ... the version", label);
    like_str(err.msg, "0002_seed.sql", "%s: ... the file", label);
    like_str(err.msg, "changed", "%s: ... says changed: %s", label,
             err.msg);
    ok(!test_table(db, "hs_never"), "%s: nothing else is applied", label);
    is_int(test_recorded(db, test_mb), 1, "%s: b/0002 not recorded", label);

    rc = hs_migrate_status(db, test_mroot, mods, 3, &st, &err);
    if (is_int(rc, HS_OK, "%s: status with a changed file", label)) {
        is_str(test_state(st, test_ma, 2), "changed", "%s: state changed",
               label);
        test_sha256(s2a, sum);
        is_str(json_string_value(json_object_get(
                   test_status_of(st, test_ma, 2), "recorded_checksum")),
               sum, "%s: with the recorded checksum", label);
        is_str(test_state(st, test_mb, 2), "pending", "%s: b/0002 pending",
               label);
        json_decref(st);
    }

    test_write(test_ma, d, "0002_seed.sql", s2a);
    test_unlink(test_mb, d, "0002_more.sql");

    /* an applied file that is gone */

    test_unlink(test_mb, d, "0001_refs.sql");

    rc = hs_migrate_run(db, test_mroot, mods, 3, &test_log, &err);
    is_int(rc, HS_ERROR, "%s: a missing file fails the run", label);
    like_str(err.msg, test_mb, "%s: names the module", label);
    like_str(err.msg, "0001", "%s: ... the version", label);
    like_str(err.msg, "0001_refs.sql", "%s: ... the file", label);
    like_str(err.msg, "missing", "%s: ... says missing: %s", label,
             err.msg);

    rc = hs_migrate_status(db, test_mroot, mods, 3, &st, &err);
    is_str(rc == HS_OK ? test_state(st, test_mb, 1) : NULL, "missing",
           "%s: status says missing", label);
    json_decref(st);

    test_write(test_mb, d, "0001_refs.sql", s1b);

    /* bad directories */

    amods[0] = test_ma;

    test_write(test_ma, d, "1_short.sql", "SELECT 1;");
    rc = hs_migrate_run(db, test_mroot, amods, 1, &test_log, &err);
    is_int(rc, HS_EINVAL, "%s: a bad file name fails", label);
    like_str(err.msg, "1_short.sql", "%s: ... named: %s", label, err.msg);
    rc = hs_migrate_status(db, test_mroot, amods, 1, &st, &err);
    is_int(rc, HS_EINVAL, "%s: status fails on it too", label);
    test_unlink(test_ma, d, "1_short.sql");

    test_write(test_ma, d, "0005_has space.sql", "SELECT 1;");
    rc = hs_migrate_run(db, test_mroot, amods, 1, &test_log, &err);
    is_int(rc, HS_EINVAL, "%s: a name with a space fails", label);
    like_str(err.msg, "0005_has space.sql", "%s: ... named", label);
    test_unlink(test_ma, d, "0005_has space.sql");

    test_write(test_ma, d, "0007_gap.sql", "SELECT 1;");
    rc = hs_migrate_run(db, test_mroot, amods, 1, &test_log, &err);
    is_int(rc, HS_EINVAL, "%s: a gap in versions fails", label);
    like_str(err.msg, "0005", "%s: ... the missing version: %s", label,
             err.msg);
    test_unlink(test_ma, d, "0007_gap.sql");

    test_write(test_ma, d, "0003_twice.sql", "SELECT 1;");
    rc = hs_migrate_run(db, test_mroot, amods, 1, &test_log, &err);
    is_int(rc, HS_EINVAL, "%s: a version twice fails", label);
    like_str(err.msg, "0003_twice.sql", "%s: ... both named: %s", label,
             err.msg);
    test_unlink(test_ma, d, "0003_twice.sql");

    amods[0] = "../etc";
    rc = hs_migrate_run(db, test_mroot, amods, 1, &test_log, &err);
    is_int(rc, HS_EINVAL, "%s: a module name with a slash fails", label);

    is_int(test_recorded(db, test_ma), 4, "%s: all that applied nothing",
           label);

    /* a file that ends the transaction itself is refused */

    cmods[0] = test_mc;
    snprintf(sql, sizeof(sql), "CREATE TABLE %s_t (x INTEGER);\nCOMMIT;\n",
             test_mc);
    test_write(test_mc, d, "0001_commit.sql", sql);
    rc = hs_migrate_run(db, test_mroot, cmods, 1, &test_log, &err);
    is_int(rc, HS_ERROR, "%s: COMMIT inside a file is refused", label);
    like_str(err.msg, "BEGIN/COMMIT", "%s: ... saying why", label);
    is_int(test_recorded(db, test_mc), 0, "%s: ... not recorded", label);

    /* several runs at once */

    test_concurrent(db, d, label);

    /* clean up (PostgreSQL keeps the tables between runs) */

    snprintf(sql, sizeof(sql),
             "DROP TABLE IF EXISTS %s_refs; DROP TABLE IF EXISTS %s_items; "
             "DROP TABLE IF EXISTS %s_partial; DROP TABLE IF EXISTS %s_t; "
             "DROP TABLE IF EXISTS %s_runs",
             test_mb, test_ma, test_ma, test_mc, test_mx);
    {
        hs_db_conn_t  *c;
        hs_dbv_t       v[4];

        if (hs_db_conn_get(db, &c, &err) == HS_OK) {
            rc = hs_db_exec_script(c, sql, &err);
            v[0] = hs_dbv_cstr(test_ma);
            v[1] = hs_dbv_cstr(test_mb);
            v[2] = hs_dbv_cstr(test_mc);
            v[3] = hs_dbv_cstr(test_mx);
            if (rc == HS_OK) {
                rc = hs_db_exec(c, "DELETE FROM hs_migrations WHERE module "
                                   "IN ($1, $2, $3, $4)", v, 4, NULL, &err);
            }
            is_int(rc, HS_OK, "%s: cleaned up", label);
        }
    }

    hs_db_destroy(db);
    hs_db_thread_release();
}


static void
test_unavailable(void)
{
    hs_rc_t      rc;
    hs_db_t     *db;
    json_t      *st;
    hs_error_t   err;
    const char  *mods[1] = { "x" };

    db = test_db("postgres://hs:hs@127.0.0.1:1/x");

    rc = hs_migrate_run(db, test_mroot, mods, 1, NULL, &err);
    is_int(rc, HS_EAGAIN, "unreachable PostgreSQL: run is HS_EAGAIN");
    like_str(err.msg, "cannot connect", "... message: %s", err.msg);

    rc = hs_migrate_status(db, test_mroot, mods, 1, &st, &err);
    is_int(rc, HS_EAGAIN, "... status too");
    ok(st == NULL, "... no status");

    hs_db_destroy(db);
}


static int
test_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}


int
main(void)
{
    char         url[256];
    hs_db_t     *db;
    const char  *pg;

    snprintf(test_root, sizeof(test_root), "/tmp/hs_test_migrate_XXXXXX");
    if (mkdtemp(test_root) == NULL) {
        perror("mkdtemp");
        return 1;
    }

    snprintf(url, sizeof(url), "sqlite://%s/test.db", test_root);
    test_dialect(url, "sqlite");

    /* workers starting at once on a database file that does not exist */
    snprintf(url, sizeof(url), "sqlite://%s/fresh.db", test_root);
    db = test_db(url);
    test_concurrent(db, "sqlite", "sqlite, new file");
    hs_db_destroy(db);
    hs_db_thread_release();

    test_unavailable();

    pg = getenv("HS_TEST_PG_URL");
    if (pg != NULL && pg[0] != '\0') {
        test_dialect(pg, "pg");

    } else {
        test_skip("PostgreSQL: HS_TEST_PG_URL is not set "
                  "(t/lib/pg.sh start DIR prints one)");
    }

    nftw(test_root, test_rm, 16, FTW_DEPTH | FTW_PHYS);

    return done_testing();
}
