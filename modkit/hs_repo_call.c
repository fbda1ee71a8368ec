/* REST handlers over the tenant-scoped repository. */

#include <string.h>

#include "hs_repo_call.h"


hs_rc_t
hs_repo_page_limits(const hs_repo_page_conf_t *conf, hs_od_limits_t *limits,
    hs_error_t *err)
{
    memset(limits, 0, sizeof(hs_od_limits_t));

    if (conf->default_page > conf->max_page) {
        hs_error_set(err, "default_page (%lld) is larger than max_page "
                     "(%lld)", (long long) conf->default_page,
                     (long long) conf->max_page);
        return HS_EINVAL;
    }

    limits->max_limit = (size_t) conf->max_page;
    limits->default_limit = (size_t) conf->default_page;

    return HS_OK;
}


hs_rc_t
hs_repo_fail(hs_call_t *call, hs_rc_t rc, const hs_error_t *err,
    const char *what)
{
    switch (rc) {

    case HS_ENOTFOUND:
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_NOT_FOUND,
                                                 "no such %s", what));

    case HS_EEXIST:
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                                                 "%s", err->msg));

    case HS_EAGAIN:
        return hs_call_fail(call, hs_problem_new(
                   HS_PROBLEM_SERVICE_UNAVAILABLE,
                   "the database is unavailable; retry later"));

    case HS_EINVAL:
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_BAD_REQUEST,
                                                 "%s", err->msg));

    default:
        hs_log(call->log, HS_LOG_ERR, "%s: %s (request id %s)",
               call->module ? call->module : "repository", err->msg,
               call->request_id);
        return rc != HS_OK ? rc : HS_ERROR;
    }
}


hs_rc_t
hs_repo_reply_get(hs_call_t *call, hs_db_t *db, const hs_repo_table_t *t,
    const char *id)
{
    char        *text;
    size_t       len;
    hs_rc_t      rc;
    hs_error_t   err;

    rc = hs_repo_get_text(db, &call->sec, t, id, &text, &len, &err);
    if (rc != HS_OK) {
        return hs_repo_fail(call, rc, &err, t->resource);
    }

    return hs_call_reply_text(call, 200, text, len);
}


/* hs_repo_call_page(), the rows as objects or (as_text) as JSON text */
static hs_rc_t
hs__repo_call_page(hs_call_t *call, hs_db_t *db, const hs_repo_table_t *t,
    const hs_od_limits_t *limits, const char *default_orderby, int as_text,
    hs_repo_page_t *page)
{
    char                 *buf;
    size_t                size, keylen;
    hs_rc_t               rc;
    hs_error_t            err;
    const char           *cur, *order;
    hs_problem_t         *p;
    hs_od_query_t        *q;
    const unsigned char  *key;

    memset(page, 0, sizeof(hs_repo_page_t));

    key = hs_cursor_key(&keylen);
    p = NULL;

    /* a decoded value is never longer than the query string */
    size = strlen(call->query) + 1;
    buf = hs_alloc(5 * size);
    if (buf == NULL) {
        return HS_ENOMEM;
    }

    cur = hs_call_query(call, "cursor", buf, size);
    order = hs_call_query(call, "$orderby", buf + 2 * size, size);

    if ((order == NULL || order[0] == '\0') && (cur == NULL || cur[0] == '\0'))
    {
        order = default_orderby;
    }

    q = hs_od_parse(t->fields, "id",
                    hs_call_query(call, "$filter", buf + size, size),
                    order,
                    hs_call_query(call, "$select", buf + 3 * size, size),
                    hs_call_query(call, "limit", buf + 4 * size, size),
                    cur, limits, key, keylen, &p);
    if (q == NULL) {
        hs_free(buf);
        return p != NULL ? hs_call_fail(call, p) : HS_ENOMEM;
    }

    if (as_text) {
        rc = hs_repo_list_text(db, &call->sec, t, q, cur != NULL && cur[0],
                               key, keylen, page, &err);

    } else {
        rc = hs_repo_list(db, &call->sec, t, q, cur != NULL && cur[0], key,
                          keylen, page, &err);
    }
    hs_od_free(q);
    hs_free(buf);

    if (rc != HS_OK) {
        memset(page, 0, sizeof(hs_repo_page_t));
        return hs_repo_fail(call, rc, &err, t->resource);
    }

    return HS_OK;
}


hs_rc_t
hs_repo_reply_list(hs_call_t *call, hs_db_t *db, const hs_repo_table_t *t,
    const hs_od_limits_t *limits, const char *default_orderby)
{
    char            *text;
    size_t           len;
    hs_rc_t          rc;
    hs_repo_page_t   page;

    rc = hs__repo_call_page(call, db, t, limits, default_orderby, 1, &page);
    if (rc != HS_OK || call->problem != NULL) {
        return rc;
    }

    text = hs_repo_page_text(&page, &len);
    hs_repo_page_release(&page);

    return hs_call_reply_text(call, 200, text, len);
}


hs_rc_t
hs_repo_call_page(hs_call_t *call, hs_db_t *db, const hs_repo_table_t *t,
    const hs_od_limits_t *limits, const char *default_orderby,
    hs_repo_page_t *page)
{
    return hs__repo_call_page(call, db, t, limits, default_orderby, 0, page);
}
