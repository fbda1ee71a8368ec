/*
 * The database layer, PostgreSQL driver: one PGconn per connection,
 * named prepared statements (PQprepare once per connection), values in
 * text format, results kept as PGresult and converted by column type.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define HS_DB_DRIVER
#include "hs_db.h"


/* pg_type OIDs (catalog/pg_type_d.h, stable across versions) */
#define HS__PG_BOOLOID     16
#define HS__PG_INT8OID     20
#define HS__PG_INT2OID     21
#define HS__PG_INT4OID     23
#define HS__PG_FLOAT4OID   700
#define HS__PG_FLOAT8OID   701
#define HS__PG_NUMERICOID  1700


static void hs__db_pg_notice(void *arg, const PGresult *res);
static void hs__db_pg_trim(char *dst, size_t size, const char *msg);
static hs_rc_t hs__db_pg_result(hs_db_conn_t *c, PGresult *res,
    const char *what, hs_error_t *err);


/*
 * Notices ("relation already exists, skipping") are not for stderr. An
 * error that arrives while the session is idle comes here too: a FATAL
 * one (pg_terminate_backend, shutdown) means the session is over.
 */
static void
hs__db_pg_notice(void *arg, const PGresult *res)
{
    const char    *sev;
    hs_db_conn_t  *c;

    c = arg;
    sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);

    if (sev != NULL
        && (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0))
    {
        c->broken = 1;
    }
}


/* Copies a libpq message on one line, without the trailing newline. */
static void
hs__db_pg_trim(char *dst, size_t size, const char *msg)
{
    char    *d;
    size_t   len;

    snprintf(dst, size, "%s", msg ? msg : "");

    for (d = dst; *d; d++) {
        if (*d == '\n' || *d == '\t' || *d == '\r') {
            *d = ' ';
        }
    }

    len = strlen(dst);
    while (len > 0 && dst[len - 1] == ' ') {
        dst[--len] = '\0';
    }

    if (len == 0) {
        snprintf(dst, size, "unknown error");
    }
}


hs_rc_t
hs__db_pg_open(hs_db_t *db, hs_db_conn_t *c, hs_error_t *err)
{
    char     msg[768];
    PGconn  *pg;

    pg = PQconnectdbParams(db->keys, db->vals, 0);
    if (pg == NULL) {
        hs_error_set(err, "postgres: connecting to %s: out of memory",
                     db->redacted);
        return HS_ENOMEM;
    }

    if (PQstatus(pg) != CONNECTION_OK) {
        hs__db_pg_trim(msg, sizeof(msg), PQerrorMessage(pg));
        hs_error_set(err, "postgres: cannot connect to %s: %s",
                     db->redacted, msg);
        PQfinish(pg);
        return HS_EAGAIN;
    }

    PQsetNoticeReceiver(pg, hs__db_pg_notice, c);

    c->handle = pg;

    return HS_OK;
}


void
hs__db_pg_close(hs_db_conn_t *c)
{
    PQfinish(c->handle);
    c->handle = NULL;
}


/*
 * 0: the connection is known to be gone. An idle session has nothing to
 * read: a readable socket means the server closed it or sent a FATAL
 * error (pg_terminate_backend, shutdown), seen here without a query.
 */
int
hs__db_pg_alive(hs_db_conn_t *c)
{
    int            i, n;
    PGconn        *pg;
    struct pollfd  pfd;

    pg = c->handle;

    if (PQstatus(pg) != CONNECTION_OK) {
        return 0;
    }

    if (PQtransactionStatus(pg) != PQTRANS_IDLE) {
        return 1;
    }

    pfd.fd = PQsocket(pg);
    if (pfd.fd < 0) {
        return 0;
    }

    /* the error message first, then the end of the stream */

    for (i = 0; i < 8; i++) {
        pfd.events = POLLIN;
        pfd.revents = 0;

        do {
            n = poll(&pfd, 1, 0);
        } while (n < 0 && errno == EINTR);

        if (n <= 0) {
            break;
        }

        if (!PQconsumeInput(pg)) {
            return 0;
        }
    }

    return PQstatus(pg) == CONNECTION_OK && !c->broken;
}


/*
 * Checks a PGresult (freed here unless it is a success the caller keeps:
 * then HS_OK and res is still valid). Maps SQLSTATEs and lost
 * connections.
 */
static hs_rc_t
hs__db_pg_result(hs_db_conn_t *c, PGresult *res, const char *what,
    hs_error_t *err)
{
    char            msg[768];
    hs_rc_t         rc;
    PGconn         *pg;
    const char     *state, *primary;
    ExecStatusType  st;

    pg = c->handle;
    st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK
        || st == PGRES_EMPTY_QUERY)
    {
        return HS_OK;
    }

    state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

    if (primary != NULL) {
        hs__db_pg_trim(msg, sizeof(msg), primary);

    } else if (res != NULL && PQresultErrorMessage(res)[0] != '\0') {
        hs__db_pg_trim(msg, sizeof(msg), PQresultErrorMessage(res));

    } else {
        hs__db_pg_trim(msg, sizeof(msg), PQerrorMessage(pg));
    }

    if (state != NULL && (strcmp(state, "23505") == 0
                          || strcmp(state, "23503") == 0))
    {
        rc = HS_EEXIST;

    } else if (state != NULL
               && (strncmp(state, "08", 2) == 0
                   || strncmp(state, "53", 2) == 0
                   || strcmp(state, "57P01") == 0
                   || strcmp(state, "57P02") == 0
                   || strcmp(state, "57P03") == 0))
    {
        rc = HS_EAGAIN;

    } else if (state == NULL && PQstatus(pg) != CONNECTION_OK) {
        rc = HS_EAGAIN;

    } else {
        rc = HS_ERROR;
    }

    if (PQstatus(pg) != CONNECTION_OK) {
        /* closed and reopened by the next hs_db_conn_get() */
        c->broken = 1;
        rc = HS_EAGAIN;
    }

    if (state != NULL) {
        hs_error_set(err, "postgres: %s: %s (SQLSTATE %s)", what, msg,
                     state);
    } else {
        hs_error_set(err, "postgres: %s: %s", what, msg);
    }

    PQclear(res);

    return rc;
}


hs_rc_t
hs__db_pg_prepare(hs_db_conn_t *c, hs_db_stmt_t *st, hs_error_t *err)
{
    hs_rc_t    rc;
    PGconn    *pg;
    PGresult  *res;

    pg = c->handle;

    res = PQprepare(pg, st->name, st->sql, 0, NULL);

    rc = hs__db_pg_result(c, res, "prepare", err);
    if (rc != HS_OK) {
        return rc;
    }

    PQclear(res);

    res = PQdescribePrepared(pg, st->name);

    rc = hs__db_pg_result(c, res, "describe", err);
    if (rc != HS_OK) {
        return rc;
    }

    st->nparams = PQnparams(res);
    PQclear(res);

    return HS_OK;
}


void
hs__db_pg_unprepare(hs_db_conn_t *c, hs_db_stmt_t *st)
{
    char       sql[64];
    PGresult  *res;

    /* fails harmlessly in an aborted transaction: the name is not reused */

    snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);

    res = PQexec(c->handle, sql);
    PQclear(res);
}


hs_rc_t
hs__db_pg_exec(hs_db_conn_t *c, hs_db_stmt_t *st, const hs_dbv_t *params,
    size_t n, hs_db_res_t **res, hs_error_t *err)
{
    char          *p, *buf, stack[1024];
    size_t         i, size;
    hs_rc_t        rc;
    PGresult      *pr;
    hs_db_res_t   *r;
    const char    *vals_stack[16], **vals;
    const char    *tuples;

    /* text format: every value a NUL-terminated string */

    size = 0;

    for (i = 0; i < n; i++) {
        size += (params[i].type == HS_DBV_TEXT) ? params[i].len + 1 : 32;
    }

    buf = (size <= sizeof(stack)) ? stack : hs_alloc(size);
    vals = (n <= 16) ? vals_stack : hs_calloc(n, sizeof(char *));

    if (buf == NULL || vals == NULL) {
        hs_error_set(err, "postgres: out of memory");
        rc = HS_ENOMEM;
        goto done;
    }

    p = buf;

    for (i = 0; i < n; i++) {
        vals[i] = p;

        switch (params[i].type) {

        case HS_DBV_NULL:
            vals[i] = NULL;
            break;

        case HS_DBV_INT:
            p += snprintf(p, 32, "%lld", (long long) params[i].i) + 1;
            break;

        case HS_DBV_BOOL:
            p += snprintf(p, 32, "%s", params[i].i ? "t" : "f") + 1;
            break;

        case HS_DBV_REAL:
            p += snprintf(p, 32, "%.17g", params[i].d) + 1;
            break;

        case HS_DBV_TEXT:
            if (params[i].len > 0) {
                if (memchr(params[i].s, '\0', params[i].len) != NULL) {
                    hs_error_set(err, "postgres: parameter $%zu: text "
                                 "contains a NUL byte", i + 1);
                    rc = HS_EINVAL;
                    goto done;
                }

                memcpy(p, params[i].s, params[i].len);
            }

            p[params[i].len] = '\0';
            p += params[i].len + 1;
            break;

        default:
            hs_error_set(err, "postgres: parameter $%zu: unknown type %d",
                         i + 1, (int) params[i].type);
            rc = HS_EINVAL;
            goto done;
        }
    }

    pr = PQexecPrepared(c->handle, st->name, (int) n, n ? vals : NULL,
                        NULL, NULL, 0);

    rc = hs__db_pg_result(c, pr, "exec", err);
    if (rc != HS_OK) {
        goto done;
    }

    if (res == NULL) {
        PQclear(pr);
        goto done;
    }

    r = hs_calloc(1, sizeof(hs_db_res_t));
    if (r == NULL) {
        PQclear(pr);
        hs_error_set(err, "postgres: out of memory");
        rc = HS_ENOMEM;
        goto done;
    }

    r->kind = HS_DB_POSTGRES;
    r->pg = pr;
    r->rows = PQntuples(pr);
    r->cols = PQnfields(pr);

    tuples = PQcmdTuples(pr);
    r->affected = (tuples[0] != '\0'
                   && (strncmp(PQcmdStatus(pr), "INSERT", 6) == 0
                       || strncmp(PQcmdStatus(pr), "UPDATE", 6) == 0
                       || strncmp(PQcmdStatus(pr), "DELETE", 6) == 0
                       || strncmp(PQcmdStatus(pr), "MERGE", 5) == 0))
                  ? strtoll(tuples, NULL, 10) : 0;

    *res = r;

done:

    if (buf != stack) {
        hs_free(buf);
    }

    if (vals != vals_stack) {
        hs_free(vals);
    }

    return rc;
}


/*
 * Simple query protocol: several statements allowed. commit: the command
 * is a COMMIT, whose tag is ROLLBACK when the transaction had failed.
 */
hs_rc_t
hs__db_pg_script(hs_db_conn_t *c, const char *sql, int commit,
    hs_error_t *err)
{
    hs_rc_t    rc;
    PGresult  *res;

    res = PQexec(c->handle, sql);

    rc = hs__db_pg_result(c, res, commit ? "commit" : "exec", err);
    if (rc != HS_OK) {
        return rc;
    }

    if (commit && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        hs_error_set(err, "postgres: commit: the transaction had failed "
                     "and was rolled back");
        rc = HS_ERROR;
    }

    PQclear(res);

    return rc;
}


int
hs__db_pg_in_txn(hs_db_conn_t *c)
{
    PGTransactionStatusType  t;

    t = PQtransactionStatus(c->handle);

    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR
           || t == PQTRANS_ACTIVE;
}


hs_rc_t
hs__db_pg_get(const hs_db_res_t *r, size_t row, size_t col, hs_dbv_t *out)
{
    char        *v;
    PGresult    *pr;

    pr = r->pg;

    if (PQgetisnull(pr, (int) row, (int) col)) {
        return HS_OK;
    }

    v = PQgetvalue(pr, (int) row, (int) col);

    switch (PQftype(pr, (int) col)) {

    case HS__PG_INT2OID:
    case HS__PG_INT4OID:
    case HS__PG_INT8OID:
        out->type = HS_DBV_INT;
        out->i = strtoll(v, NULL, 10);
        break;

    case HS__PG_FLOAT4OID:
    case HS__PG_FLOAT8OID:
    case HS__PG_NUMERICOID:
        out->type = HS_DBV_REAL;
        out->d = strtod(v, NULL);
        break;

    case HS__PG_BOOLOID:
        out->type = HS_DBV_BOOL;
        out->i = (v[0] == 't');
        break;

    default:
        out->type = HS_DBV_TEXT;
        out->s = v;
        out->len = PQgetlength(pr, (int) row, (int) col);
        break;
    }

    return HS_OK;
}


const char *
hs__db_pg_name(const hs_db_res_t *r, size_t col)
{
    return PQfname(r->pg, (int) col);
}


void
hs__db_pg_res_free(hs_db_res_t *r)
{
    PQclear(r->pg);
}
