/*
 * Schema migrations: <root>/<module>/<dialect>/NNNN_<name>.sql applied in
 * module order, each in its own transaction with its hs_migrations row.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "hs_migrate.h"


typedef struct {
    int        version;
    char      *name;             /* "0001_init.sql" */
    char      *sql;
    char       checksum[65];
} hs__mig_file_t;

typedef struct {
    const char       *module;
    char             *dir;
    hs__mig_file_t   *files;
    size_t            nfiles;
} hs__mig_module_t;

typedef struct {
    char      *module;
    int        version;
    char      *name;
    char      *checksum;
    char      *applied_at;
} hs__mig_rec_t;

typedef struct {
    hs__mig_module_t  *mods;
    size_t             nmods;
    hs__mig_rec_t     *recs;
    size_t             nrecs;
} hs__mig_t;


static int hs__mig_name_ok(const char *s, size_t len);
static int hs__mig_file_cmp(const void *a, const void *b);
static hs_rc_t hs__mig_read(const char *path, char **data, size_t *len,
    hs_error_t *err);
static void hs__mig_sha256(const char *data, size_t len, char *hex);
static hs_rc_t hs__mig_scan(hs__mig_module_t *m, const char *root,
    const char *dialect, hs_error_t *err);
static hs_rc_t hs__mig_scan_all(hs__mig_t *mig, const char *root,
    const char *const *modules, size_t n, const char *dialect,
    hs_error_t *err);
static hs_rc_t hs__mig_table_exists(hs_db_conn_t *c, int *exists,
    hs_error_t *err);
static hs_rc_t hs__mig_load(hs__mig_t *mig, hs_db_conn_t *c,
    hs_error_t *err);
static void hs__mig_release(hs__mig_t *mig);
static hs__mig_rec_t *hs__mig_rec_find(hs__mig_t *mig, const char *module,
    int version);
static hs__mig_file_t *hs__mig_file_find(hs__mig_module_t *m, int version);
static hs_rc_t hs__mig_verify(hs__mig_t *mig, hs_error_t *err);
static hs_rc_t hs__mig_apply(hs_db_conn_t *c, hs__mig_module_t *m,
    hs__mig_file_t *f, const char *dialect, const hs_log_t *log,
    int *applied, hs_error_t *err);
static void hs__mig_now(char *buf, size_t size);
static hs_rc_t hs__mig_dbv_str(hs_db_res_t *r, size_t row, size_t col,
    char **out);


#define HS__MIG_CREATE                                                        \
    "CREATE TABLE IF NOT EXISTS hs_migrations ("                              \
    "module TEXT NOT NULL, "                                                  \
    "version INTEGER NOT NULL, "                                              \
    "name TEXT NOT NULL, "                                                    \
    "checksum TEXT NOT NULL, "                                                \
    "applied_at TEXT NOT NULL, "                                              \
    "PRIMARY KEY (module, version))"


/* Letters, digits, '_' and '-'; not empty. */
static int
hs__mig_name_ok(const char *s, size_t len)
{
    size_t  i;

    if (len == 0) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
        {
            return 0;
        }
    }

    return 1;
}


static int
hs__mig_file_cmp(const void *a, const void *b)
{
    const hs__mig_file_t  *fa = a, *fb = b;

    if (fa->version != fb->version) {
        return fa->version < fb->version ? -1 : 1;
    }

    return strcmp(fa->name, fb->name);
}


/* The whole file, NUL-terminated; a NUL byte inside is an error. */
static hs_rc_t
hs__mig_read(const char *path, char **data, size_t *len, hs_error_t *err)
{
    char    *buf, *p;
    FILE    *f;
    size_t   n, size, cap;

    *data = NULL;
    *len = 0;

    f = fopen(path, "rb");
    if (f == NULL) {
        hs_error_set(err, "cannot open \"%s\": %s", path, strerror(errno));
        return HS_ERROR;
    }

    cap = 4096;
    size = 0;
    buf = hs_alloc(cap);

    for ( ;; ) {
        if (buf == NULL) {
            fclose(f);
            hs_error_set(err, "reading \"%s\": out of memory", path);
            return HS_ENOMEM;
        }

        n = fread(buf + size, 1, cap - size - 1, f);
        size += n;

        if (size < cap - 1) {
            break;
        }

        cap *= 2;
        p = hs_realloc(buf, cap);
        if (p == NULL) {
            hs_free(buf);
        }
        buf = p;
    }

    if (ferror(f)) {
        hs_error_set(err, "cannot read \"%s\": %s", path, strerror(errno));
        fclose(f);
        hs_free(buf);
        return HS_ERROR;
    }

    fclose(f);
    buf[size] = '\0';

    if (memchr(buf, '\0', size) != NULL) {
        hs_error_set(err, "\"%s\" contains a NUL byte", path);
        hs_free(buf);
        return HS_ERROR;
    }

    *data = buf;
    *len = size;

    return HS_OK;
}


static void
hs__mig_sha256(const char *data, size_t len, char *hex)
{
    size_t         i;
    unsigned int   mdlen;
    unsigned char  md[EVP_MAX_MD_SIZE];

    mdlen = 0;

    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1) {
        mdlen = 0;
    }

    for (i = 0; i < mdlen && i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }

    hex[2 * i] = '\0';
}


/* The migration files of one module, sorted, contiguous from 0001. */
static hs_rc_t
hs__mig_scan(hs__mig_module_t *m, const char *root, const char *dialect,
    hs_error_t *err)
{
    int              i;
    DIR             *d;
    char             path[4096];
    void            *p;
    size_t           len, cap, k, sqllen;
    hs_rc_t          rc;
    const char      *name;
    struct dirent   *de;
    hs__mig_file_t  *f;

    if (!hs__mig_name_ok(m->module, strlen(m->module))) {
        hs_error_set(err, "migrations: bad module name \"%s\"", m->module);
        return HS_EINVAL;
    }

    snprintf(path, sizeof(path), "%s/%s/%s", root, m->module, dialect);

    m->dir = hs_strdup(path);
    if (m->dir == NULL) {
        hs_error_set(err, "migrations: out of memory");
        return HS_ENOMEM;
    }

    d = opendir(path);
    if (d == NULL) {
        if (errno == ENOENT) {
            return HS_OK;             /* no migrations */
        }

        hs_error_set(err, "migrations of module \"%s\": cannot open "
                     "\"%s\": %s", m->module, path, strerror(errno));
        return HS_ERROR;
    }

    cap = 0;
    rc = HS_OK;

    while ((de = readdir(d)) != NULL) {
        name = de->d_name;
        len = strlen(name);

        if (len < 4 || strcmp(name + len - 4, ".sql") != 0) {
            continue;
        }

        for (i = 0; i < 4; i++) {
            if (name[i] < '0' || name[i] > '9') {
                break;
            }
        }

        if (i < 4 || len < 10 || name[4] != '_'
            || !hs__mig_name_ok(name + 5, len - 9)
            || atoi(name) < 1)
        {
            hs_error_set(err, "migrations of module \"%s\": bad file name "
                         "\"%s/%s\" (expected NNNN_name.sql, NNNN from "
                         "0001)", m->module, path, name);
            rc = HS_EINVAL;
            break;
        }

        if (m->nfiles == cap) {
            cap = cap ? cap * 2 : 8;
            p = hs_realloc(m->files, cap * sizeof(hs__mig_file_t));
            if (p == NULL) {
                hs_error_set(err, "migrations: out of memory");
                rc = HS_ENOMEM;
                break;
            }
            m->files = p;
        }

        f = &m->files[m->nfiles];
        memset(f, 0, sizeof(hs__mig_file_t));

        f->name = hs_strdup(name);
        if (f->name == NULL) {
            hs_error_set(err, "migrations: out of memory");
            rc = HS_ENOMEM;
            break;
        }

        f->version = atoi(name);
        m->nfiles++;
    }

    closedir(d);

    if (rc != HS_OK) {
        return rc;
    }

    if (m->nfiles > 1) {
        qsort(m->files, m->nfiles, sizeof(hs__mig_file_t), hs__mig_file_cmp);
    }

    for (k = 0; k < m->nfiles; k++) {
        f = &m->files[k];

        if (k > 0 && f->version == m->files[k - 1].version) {
            hs_error_set(err, "migrations of module \"%s\": version %04d "
                         "twice in \"%s\": %s and %s", m->module, f->version,
                         path, m->files[k - 1].name, f->name);
            return HS_EINVAL;
        }

        if (f->version != (int) k + 1) {
            hs_error_set(err, "migrations of module \"%s\": version %04d is "
                         "missing in \"%s\" (found %s)", m->module,
                         (int) k + 1, path, f->name);
            return HS_EINVAL;
        }
    }

    for (k = 0; k < m->nfiles; k++) {
        f = &m->files[k];

        snprintf(path, sizeof(path), "%s/%s", m->dir, f->name);

        rc = hs__mig_read(path, &f->sql, &sqllen, err);
        if (rc != HS_OK) {
            return rc;
        }

        hs__mig_sha256(f->sql, sqllen, f->checksum);
    }

    return HS_OK;
}


static hs_rc_t
hs__mig_scan_all(hs__mig_t *mig, const char *root,
    const char *const *modules, size_t n, const char *dialect,
    hs_error_t *err)
{
    size_t   i;
    hs_rc_t  rc;

    if (root == NULL || (n > 0 && modules == NULL)) {
        hs_error_set(err, "migrations: no directory");
        return HS_EINVAL;
    }

    mig->mods = hs_calloc(n ? n : 1, sizeof(hs__mig_module_t));
    if (mig->mods == NULL) {
        hs_error_set(err, "migrations: out of memory");
        return HS_ENOMEM;
    }

    for (i = 0; i < n; i++) {
        mig->mods[i].module = modules[i];
        mig->nmods++;

        rc = hs__mig_scan(&mig->mods[i], root, dialect, err);
        if (rc != HS_OK) {
            return rc;
        }
    }

    return HS_OK;
}


static hs_rc_t
hs__mig_table_exists(hs_db_conn_t *c, int *exists, hs_error_t *err)
{
    hs_rc_t       rc;
    hs_dbv_t      v;
    hs_db_res_t  *r;

    rc = hs_db_exec(c, hs_db_conn_kind(c) == HS_DB_SQLITE
                       ? "SELECT count(*) FROM sqlite_master "
                         "WHERE type = 'table' AND name = 'hs_migrations'"
                       : "SELECT to_regclass('hs_migrations') IS NOT NULL",
                    NULL, 0, &r, err);
    if (rc != HS_OK) {
        return rc;
    }

    *exists = (hs_db_res_get(r, 0, 0, &v) == HS_OK && v.i != 0);

    hs_db_res_free(r);

    return HS_OK;
}


/* A copy of a text (or NULL) cell. */
static hs_rc_t
hs__mig_dbv_str(hs_db_res_t *r, size_t row, size_t col, char **out)
{
    hs_dbv_t  v;

    *out = NULL;

    if (hs_db_res_get(r, row, col, &v) != HS_OK || v.type != HS_DBV_TEXT) {
        return HS_OK;
    }

    *out = hs_strndup(v.s, v.len);

    return *out ? HS_OK : HS_ENOMEM;
}


/* The recorded migrations. */
static hs_rc_t
hs__mig_load(hs__mig_t *mig, hs_db_conn_t *c, hs_error_t *err)
{
    size_t          i, rows;
    hs_rc_t         rc;
    hs_dbv_t        v;
    hs_db_res_t    *r;
    hs__mig_rec_t  *rec;

    rc = hs_db_exec(c, "SELECT module, version, name, checksum, applied_at "
                       "FROM hs_migrations ORDER BY module, version",
                    NULL, 0, &r, err);
    if (rc != HS_OK) {
        return rc;
    }

    rows = hs_db_res_rows(r);

    mig->recs = hs_calloc(rows ? rows : 1, sizeof(hs__mig_rec_t));
    if (mig->recs == NULL) {
        hs_db_res_free(r);
        hs_error_set(err, "migrations: out of memory");
        return HS_ENOMEM;
    }

    for (i = 0; i < rows; i++) {
        rec = &mig->recs[i];
        mig->nrecs++;

        rc = hs__mig_dbv_str(r, i, 0, &rec->module);
        if (rc == HS_OK) {
            rc = hs__mig_dbv_str(r, i, 2, &rec->name);
        }
        if (rc == HS_OK) {
            rc = hs__mig_dbv_str(r, i, 3, &rec->checksum);
        }
        if (rc == HS_OK) {
            rc = hs__mig_dbv_str(r, i, 4, &rec->applied_at);
        }

        if (rc != HS_OK) {
            hs_db_res_free(r);
            hs_error_set(err, "migrations: out of memory");
            return rc;
        }

        hs_db_res_get(r, i, 1, &v);
        rec->version = (int) v.i;
    }

    hs_db_res_free(r);

    return HS_OK;
}


static void
hs__mig_release(hs__mig_t *mig)
{
    size_t  i, k;

    for (i = 0; i < mig->nmods; i++) {
        for (k = 0; k < mig->mods[i].nfiles; k++) {
            hs_free(mig->mods[i].files[k].name);
            hs_free(mig->mods[i].files[k].sql);
        }

        hs_free(mig->mods[i].files);
        hs_free(mig->mods[i].dir);
    }

    hs_free(mig->mods);

    for (i = 0; i < mig->nrecs; i++) {
        hs_free(mig->recs[i].module);
        hs_free(mig->recs[i].name);
        hs_free(mig->recs[i].checksum);
        hs_free(mig->recs[i].applied_at);
    }

    hs_free(mig->recs);
    memset(mig, 0, sizeof(hs__mig_t));
}


static hs__mig_rec_t *
hs__mig_rec_find(hs__mig_t *mig, const char *module, int version)
{
    size_t  i;

    for (i = 0; i < mig->nrecs; i++) {
        if (mig->recs[i].version == version && mig->recs[i].module != NULL
            && strcmp(mig->recs[i].module, module) == 0)
        {
            return &mig->recs[i];
        }
    }

    return NULL;
}


static hs__mig_file_t *
hs__mig_file_find(hs__mig_module_t *m, int version)
{
    /* contiguous from 1 */
    if (version >= 1 && (size_t) version <= m->nfiles) {
        return &m->files[version - 1];
    }

    return NULL;
}


/* Every recorded migration of the given modules has its file, unchanged. */
static hs_rc_t
hs__mig_verify(hs__mig_t *mig, hs_error_t *err)
{
    size_t             i, k;
    hs__mig_rec_t     *rec;
    hs__mig_file_t    *f;
    hs__mig_module_t  *m;

    for (i = 0; i < mig->nmods; i++) {
        m = &mig->mods[i];

        for (k = 0; k < mig->nrecs; k++) {
            rec = &mig->recs[k];

            if (rec->module == NULL || strcmp(rec->module, m->module) != 0) {
                continue;
            }

            f = hs__mig_file_find(m, rec->version);

            if (f == NULL) {
                hs_error_set(err, "migration %s %04d (%s) was applied but "
                             "its file is missing from \"%s\"; nothing was "
                             "applied", m->module, rec->version,
                             rec->name ? rec->name : "?", m->dir);
                return HS_ERROR;
            }

            if (rec->checksum == NULL
                || strcmp(rec->checksum, f->checksum) != 0)
            {
                hs_error_set(err, "migration %s %04d: \"%s/%s\" changed "
                             "since it was applied (sha256 %s, applied %s); "
                             "nothing was applied", m->module, rec->version,
                             m->dir, f->name, f->checksum,
                             rec->checksum ? rec->checksum : "?");
                return HS_ERROR;
            }
        }
    }

    return HS_OK;
}


static void
hs__mig_now(char *buf, size_t size)
{
    time_t     now;
    struct tm  tm;

    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}


/*
 * One migration in its own transaction with its record; *applied is 0
 * when another process applied it meanwhile.
 */
static hs_rc_t
hs__mig_apply(hs_db_conn_t *c, hs__mig_module_t *m, hs__mig_file_t *f,
    const char *dialect, const hs_log_t *log, int *applied, hs_error_t *err)
{
    char          now[32];
    hs_rc_t       rc;
    hs_dbv_t      p[5], v;
    hs_error_t    e;
    hs_db_res_t  *r;

    *applied = 0;

    rc = hs_db_begin(c, &e);
    if (rc != HS_OK) {
        hs_error_set(err, "migration %s/%s/%s: %s", m->module, dialect,
                     f->name, e.msg);
        return rc;
    }

    /* SQLite: others may have applied it since we looked */

    p[0] = hs_dbv_cstr(m->module);
    p[1] = hs_dbv_int(f->version);

    rc = hs_db_exec(c, "SELECT checksum FROM hs_migrations "
                       "WHERE module = $1 AND version = $2",
                    p, 2, &r, &e);
    if (rc != HS_OK) {
        goto failed;
    }

    if (hs_db_res_rows(r) > 0) {
        hs_db_res_get(r, 0, 0, &v);

        if (v.type != HS_DBV_TEXT || v.len != strlen(f->checksum)
            || memcmp(v.s, f->checksum, v.len) != 0)
        {
            hs_db_res_free(r);
            hs_db_rollback(c, &e);
            hs_error_set(err, "migration %s %04d: \"%s/%s\" differs from "
                         "what another process applied", m->module,
                         f->version, m->dir, f->name);
            return HS_ERROR;
        }

        hs_db_res_free(r);

        return hs_db_commit(c, err);
    }

    hs_db_res_free(r);

    rc = hs_db_exec_script(c, f->sql, &e);
    if (rc != HS_OK) {
        goto failed;
    }

    if (!hs_db_conn_in_txn(c)) {
        /* the file ended our transaction: it is applied, unrecorded */
        hs_error_set(err, "migration %s/%s/%s ends the transaction it runs "
                     "in (remove BEGIN/COMMIT from the file); it is NOT "
                     "recorded", m->module, dialect, f->name);
        return HS_ERROR;
    }

    hs__mig_now(now, sizeof(now));

    p[2] = hs_dbv_cstr(f->name);
    p[3] = hs_dbv_cstr(f->checksum);
    p[4] = hs_dbv_cstr(now);

    rc = hs_db_exec(c, "INSERT INTO hs_migrations "
                       "(module, version, name, checksum, applied_at) "
                       "VALUES ($1, $2, $3, $4, $5)",
                    p, 5, NULL, &e);
    if (rc != HS_OK) {
        goto failed;
    }

    rc = hs_db_commit(c, &e);
    if (rc != HS_OK) {
        goto failed;
    }

    *applied = 1;

    hs_log(log, HS_LOG_INFO, "migration %s/%s/%s applied", m->module,
           dialect, f->name);

    return HS_OK;

failed:

    hs_error_set(err, "migration %s/%s/%s failed: %s", m->module, dialect,
                 f->name, e.msg);

    hs_db_rollback(c, &e);

    return rc == HS_EEXIST ? HS_ERROR : rc;
}


hs_rc_t
hs_migrate_run(hs_db_t *db, const char *root, const char *const *modules,
    size_t n, const hs_log_t *log, hs_error_t *err)
{
    int            locked, applied;
    size_t         i, k, count;
    hs_rc_t        rc;
    hs_error_t     e;
    hs__mig_t      mig;
    const char    *dialect;
    hs_db_conn_t  *c;

    memset(&mig, 0, sizeof(hs__mig_t));
    c = NULL;
    locked = 0;
    count = 0;

    dialect = hs_db_kind_name(hs_db_kind(db));

    rc = hs__mig_scan_all(&mig, root, modules, n, dialect, err);
    if (rc != HS_OK) {
        goto done;
    }

    rc = hs_db_conn_open(db, &c, err);
    if (rc != HS_OK) {
        goto done;
    }

    if (hs_db_kind(db) == HS_DB_POSTGRES) {
        rc = hs_db_exec_script(c, "SET statement_timeout = 0; "
                               "SELECT pg_advisory_lock("
                               HS_MIGRATE_PG_LOCK_KEY ")", &e);
        if (rc != HS_OK) {
            hs_error_set(err, "migrations: taking the lock: %s", e.msg);
            goto done;
        }

        locked = 1;
    }

    /* under the lock (PostgreSQL): what is applied is settled now */

    rc = hs_db_exec_script(c, HS__MIG_CREATE, &e);
    if (rc != HS_OK) {
        hs_error_set(err, "migrations: creating hs_migrations: %s", e.msg);
        goto done;
    }

    rc = hs__mig_load(&mig, c, &e);
    if (rc != HS_OK) {
        hs_error_set(err, "migrations: reading hs_migrations: %s", e.msg);
        goto done;
    }

    rc = hs__mig_verify(&mig, err);
    if (rc != HS_OK) {
        goto done;
    }

    for (i = 0; i < mig.nmods; i++) {
        for (k = 0; k < mig.mods[i].nfiles; k++) {
            if (hs__mig_rec_find(&mig, mig.mods[i].module, (int) k + 1)) {
                continue;
            }

            rc = hs__mig_apply(c, &mig.mods[i], &mig.mods[i].files[k],
                               dialect, log, &applied, err);
            if (rc != HS_OK) {
                goto done;
            }

            count += applied;
        }
    }

    if (count > 0) {
        hs_log(log, HS_LOG_INFO, "migrations: %zu applied to %s", count,
               hs_db_url(db));
    }

    rc = HS_OK;

done:

    if (c != NULL) {
        if (locked) {
            (void) hs_db_exec_script(c, "SELECT pg_advisory_unlock("
                                     HS_MIGRATE_PG_LOCK_KEY ")", &e);
        }

        hs_db_conn_close(c);
    }

    hs__mig_release(&mig);

    return rc;
}


hs_rc_t
hs_migrate_status(hs_db_t *db, const char *root, const char *const *modules,
    size_t n, json_t **status, hs_error_t *err)
{
    int                exists;
    size_t             i, k;
    json_t            *arr, *o;
    hs_rc_t            rc;
    hs_error_t         e;
    hs__mig_t          mig;
    hs_db_conn_t      *c;
    hs__mig_rec_t     *rec;
    hs__mig_file_t    *f;
    hs__mig_module_t  *m;

    memset(&mig, 0, sizeof(hs__mig_t));
    c = NULL;
    arr = NULL;
    *status = NULL;

    rc = hs__mig_scan_all(&mig, root, modules, n,
                          hs_db_kind_name(hs_db_kind(db)), err);
    if (rc != HS_OK) {
        goto done;
    }

    rc = hs_db_conn_open(db, &c, err);
    if (rc != HS_OK) {
        goto done;
    }

    rc = hs__mig_table_exists(c, &exists, &e);
    if (rc == HS_OK && exists) {
        rc = hs__mig_load(&mig, c, &e);
    }

    if (rc != HS_OK) {
        hs_error_set(err, "migrations: reading hs_migrations: %s", e.msg);
        goto done;
    }

    arr = json_array();
    if (arr == NULL) {
        goto nomem;
    }

    for (i = 0; i < mig.nmods; i++) {
        m = &mig.mods[i];

        for (k = 0; k < m->nfiles; k++) {
            f = &m->files[k];
            rec = hs__mig_rec_find(&mig, m->module, f->version);

            o = json_pack("{s:s, s:i, s:s, s:s, s:b, s:o, s:s}",
                          "module", m->module,
                          "version", f->version,
                          "name", f->name,
                          "checksum", f->checksum,
                          "applied", rec != NULL,
                          "applied_at", (rec && rec->applied_at)
                                        ? json_string(rec->applied_at)
                                        : json_null(),
                          "state", rec == NULL ? "pending"
                                   : (rec->checksum
                                      && strcmp(rec->checksum, f->checksum)
                                         == 0) ? "applied" : "changed");
            if (o == NULL) {
                goto nomem;
            }

            if (rec != NULL && (rec->checksum == NULL
                                || strcmp(rec->checksum, f->checksum) != 0))
            {
                json_object_set_new(o, "recorded_checksum",
                                    rec->checksum
                                    ? json_string(rec->checksum)
                                    : json_null());
            }

            if (json_array_append_new(arr, o) != 0) {
                goto nomem;
            }
        }

        /* applied, but the file is gone */

        for (k = 0; k < mig.nrecs; k++) {
            rec = &mig.recs[k];

            if (rec->module == NULL || strcmp(rec->module, m->module) != 0
                || hs__mig_file_find(m, rec->version) != NULL)
            {
                continue;
            }

            o = json_pack("{s:s, s:i, s:s?, s:s?, s:b, s:s?, s:s}",
                          "module", m->module,
                          "version", rec->version,
                          "name", rec->name,
                          "checksum", rec->checksum,
                          "applied", 1,
                          "applied_at", rec->applied_at,
                          "state", "missing");
            if (o == NULL || json_array_append_new(arr, o) != 0) {
                goto nomem;
            }
        }
    }

    *status = arr;
    arr = NULL;
    rc = HS_OK;
    goto done;

nomem:

    hs_error_set(err, "migrations: out of memory");
    rc = HS_ENOMEM;

done:

    json_decref(arr);
    hs_db_conn_close(c);
    hs__mig_release(&mig);

    return rc;
}
