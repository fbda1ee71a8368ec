/*
 * REST handlers over the repository (hs_repo_call.h): a list operation
 * served from a call's query string on SQLite (default ordering, cursors
 * that keep their own ordering, bad queries), and repository results
 * mapped to problems, page settings as OData limits.
 */

#define _GNU_SOURCE                   /* nftw() */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"

#define TEST_TENANT  "aaaaaaaa-0000-4000-8000-000000000001"
#define TEST_OTHER   "bbbbbbbb-0000-4000-8000-000000000002"


static char  test_dir[64];
static int   test_log_errs;


static void
test_log_write(void *data, hs_log_level_t level, const char *msg)
{
    if (level == HS_LOG_ERR) {
        test_log_errs++;
    }
}


static const hs_log_t  test_log = { test_log_write, NULL };

static const hs_od_field_t  test_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },
    { "rank", "rank", HS_OD_INT, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  test_table = { "things", "thing", test_fields };

static const hs_od_limits_t  test_limits = { 10, 2, 0, 0, 0 };


/* A list call of the tenant with a query string; the caller frees it. */
static hs_call_t *
test_call(const char *tenant, const char *query)
{
    hs_call_t  *call;

    call = hs_call_new();
    hs_call_set_request(call, "GET", 3, "/t/v1/things", 12, query,
                        strlen(query), "rid-1", 5);
    hs_secctx_init(&call->sec, tenant, strlen(tenant), "someone", 7,
                   "test");
    call->module = "test";
    call->log = &test_log;

    return call;
}


/* The ranks of a list answer, "3,2" (and its next cursor). */
static void
test_ranks(hs_call_t *call, char *out, size_t size, char *next,
    size_t nsize)
{
    size_t        i, len;
    json_t       *doc, *items, *cur;

    out[0] = '\0';
    next[0] = '\0';

    /* the answer as it is sent */
    doc = call->out ? json_loadb(call->out, call->out_len, 0, NULL) : NULL;
    items = json_object_get(doc, "items");

    for (i = 0; i < json_array_size(items); i++) {
        len = strlen(out);
        snprintf(out + len, size - len, "%s%lld", i ? "," : "",
                 (long long) json_integer_value(
                     json_object_get(json_array_get(items, i), "rank")));
    }

    cur = json_object_get(json_object_get(doc, "page_info"), "next_cursor");
    if (json_is_string(cur)) {
        snprintf(next, nsize, "%s", json_string_value(cur));
    }

    json_decref(doc);
}


static void
test_list(hs_db_t *db)
{
    int           i;
    char          ranks[64], next[512], q[600];
    json_t       *v;
    hs_rc_t       rc;
    hs_call_t    *call;
    hs_error_t    err;
    hs_secctx_t   sec;

    hs_secctx_init(&sec, TEST_TENANT, strlen(TEST_TENANT), "someone", 7,
                   "test");

    for (i = 1; i <= 3; i++) {
        v = json_pack("{s:i}", "rank", i);
        rc = hs_repo_create(db, &sec, &test_table, v, NULL, &err);
        is_int(rc, HS_OK, "row %d created", i);
        json_decref(v);
    }

    /* no $orderby, no cursor: the default ordering */
    call = test_call(TEST_TENANT, "");
    rc = hs_repo_reply_list(call, db, &test_table, &test_limits,
                            "rank desc");
    is_int(rc, HS_OK, "list: HS_OK");
    is_int(call->status, 200, "list: 200");
    test_ranks(call, ranks, sizeof(ranks), next, sizeof(next));
    is_str(ranks, "3,2", "list: the default ordering, default page size");
    ok(next[0] != '\0', "list: a next cursor");
    hs_call_free(call);

    /* the cursor alone: it keeps the ordering it was issued for */
    snprintf(q, sizeof(q), "cursor=%s", next);
    call = test_call(TEST_TENANT, q);
    hs_repo_reply_list(call, db, &test_table, &test_limits, "rank desc");
    test_ranks(call, ranks, sizeof(ranks), next, sizeof(next));
    is_str(ranks, "1", "cursor: the rest, in the same order");
    hs_call_free(call);

    /* an explicit $orderby wins */
    call = test_call(TEST_TENANT, "%24orderby=rank%20asc&limit=3");
    hs_repo_reply_list(call, db, &test_table, &test_limits, "rank desc");
    test_ranks(call, ranks, sizeof(ranks), next, sizeof(next));
    is_str(ranks, "1,2,3", "$orderby given: it is used");
    hs_call_free(call);

    /* a $filter; NULL default: by id */
    call = test_call(TEST_TENANT, "%24filter=rank%20eq%202");
    hs_repo_reply_list(call, db, &test_table, &test_limits, NULL);
    test_ranks(call, ranks, sizeof(ranks), next, sizeof(next));
    is_str(ranks, "2", "$filter, no default ordering");
    hs_call_free(call);

    /* another tenant sees nothing */
    call = test_call(TEST_OTHER, "");
    hs_repo_reply_list(call, db, &test_table, &test_limits, "rank desc");
    test_ranks(call, ranks, sizeof(ranks), next, sizeof(next));
    is_str(ranks, "", "another tenant: an empty page");
    hs_call_free(call);

    /* a bad query is a 400 problem */
    call = test_call(TEST_TENANT, "%24filter=nope%20eq%201");
    rc = hs_repo_reply_list(call, db, &test_table, &test_limits, NULL);
    is_int(rc, HS_OK, "bad $filter: HS_OK");
    ok(call->problem != NULL && call->problem->status == 400,
       "bad $filter: a 400 problem");
    hs_call_free(call);

    call = test_call(TEST_TENANT, "limit=11");
    hs_repo_reply_list(call, db, &test_table, &test_limits, NULL);
    ok(call->problem != NULL && call->problem->status == 400,
       "limit over the maximum: 400");
    hs_call_free(call);
}


/* Every kind of cell: the text of a get is what the object dumps to. */
static const hs_od_field_t  test_kind_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_SELECT | HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },
    { "flag", "flag", HS_OD_BOOL, HS_OD_SELECT },
    { "score", "score", HS_OD_NUMBER, HS_OD_SORT | HS_OD_SELECT },
    { "count", "count", HS_OD_INT, HS_OD_FILTER | HS_OD_SORT },
    { "label", "label", HS_OD_STRING, HS_OD_SELECT },
    { "created_at", "created_at", HS_OD_DATETIME, 0 },
    { "updated_at", "updated_at", HS_OD_DATETIME, 0 },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  test_kinds = { "kinds", "kind", test_kind_fields };


static void
test_get_text(hs_db_t *db)
{
    int            i;
    char          *text, *dumped, id[64];
    size_t         len;
    json_t        *v, *row;
    hs_rc_t        rc;
    hs_call_t     *call;
    hs_error_t     err;
    hs_secctx_t    sec;
    hs_db_conn_t  *c;

    static const char *const  values[] = {
        "{\"flag\": true, \"score\": 2.5, \"count\": 7, \"label\": \"plain\"}",
        "{\"flag\": false, \"score\": 3, \"count\": -9007199254740991,"
        " \"label\": \"q\\\"uote \\\\ back\\nline\\t\\u0001 \\u00e9\\u65e5"
        "\\ud83c\\udf89 </script>\"}",
        "{\"flag\": null, \"score\": null, \"count\": null, \"label\": null}",
        "{\"score\": 1e300, \"count\": 0, \"label\": \"\"}",
        "{\"score\": -0.000001, \"label\": \"\\u007f\\u001f\"}"
    };

    hs_secctx_init(&sec, TEST_TENANT, strlen(TEST_TENANT), "someone", 7,
                   "test");

    for (i = 0; i < (int) hs_nelems(values); i++) {
        v = json_loads(values[i], 0, NULL);
        rc = hs_repo_create(db, &sec, &test_kinds, v, &row, &err);
        json_decref(v);
        if (!is_int(rc, HS_OK, "kinds %d: created: %s", i,
                    rc == HS_OK ? "ok" : err.msg))
        {
            continue;
        }

        snprintf(id, sizeof(id), "%s",
                 json_string_value(json_object_get(row, "id")));
        json_decref(row);

        rc = hs_repo_get(db, &sec, &test_kinds, id, &row, &err);
        dumped = rc == HS_OK ? hs_json_dump(row, NULL) : NULL;
        json_decref(row);

        rc = hs_repo_get_text(db, &sec, &test_kinds, id, &text, &len, &err);
        is_int(rc, HS_OK, "kinds %d: as text", i);
        ok(text != NULL && dumped != NULL && strcmp(text, dumped) == 0
           && len == strlen(dumped),
           "kinds %d: the text is the dumped object, byte for byte", i);
        if (text && dumped && strcmp(text, dumped) != 0) {
            diag("text:   %s", text);
            diag("dumped: %s", dumped);
        }
        hs_free(text);
        hs_free(dumped);

        /* the reply of a get operation */
        call = test_call(TEST_TENANT, "");
        rc = hs_repo_reply_get(call, db, &test_kinds, id);
        is_int(rc, HS_OK, "kinds %d: reply_get", i);
        is_int(call->status, 200, "kinds %d: 200", i);
        is_str(call->out_type, "application/json", "kinds %d: JSON", i);
        v = call->out ? json_loadb(call->out, call->out_len, 0, NULL) : NULL;
        is_str(json_string_value(json_object_get(v, "id")), id,
               "kinds %d: the row", i);
        json_decref(v);
        hs_call_free(call);

        /* another tenant's id is a missing one */
        call = test_call(TEST_OTHER, "");
        rc = hs_repo_reply_get(call, db, &test_kinds, id);
        ok(rc == HS_OK && call->problem != NULL
           && call->problem->status == 404 && call->out == NULL,
           "kinds %d: 404 in another tenant, nothing rendered", i);
        hs_call_free(call);
    }

    call = test_call(TEST_TENANT, "");
    rc = hs_repo_reply_get(call, db, &test_kinds, "not-a-uuid");
    ok(rc == HS_OK && call->problem != NULL && call->problem->status == 404,
       "reply_get: a malformed id is a 404");
    hs_call_free(call);

    /* lists: the text page is the dumped envelope, byte for byte */
    {
        static const struct {
            const char  *filter, *orderby, *select, *limit;
        } qs[] = {
            { NULL, NULL, NULL, "2" },
            { NULL, "count desc", "label,flag", "3" },
            { "count ne null", "score asc", "score", NULL },
            { NULL, NULL, "id", "10" }
        };

        char              *a, *bt, *cur;
        size_t             alen, blen, keylen;
        hs_problem_t      *p;
        hs_od_query_t     *q;
        hs_repo_page_t     pj, pt;
        const unsigned char *key;

        key = hs_cursor_key(&keylen);

        for (i = 0; i < (int) hs_nelems(qs); i++) {
            cur = NULL;

            for (int pass = 0; pass < 3; pass++) {
                p = NULL;
                q = hs_od_parse(test_kind_fields, "id", qs[i].filter,
                                cur ? NULL : qs[i].orderby, qs[i].select,
                                qs[i].limit, cur, &test_limits, key, keylen,
                                &p);
                if (!ok(q != NULL, "list %d.%d: query", i, pass)) {
                    diag("%s", p ? p->detail : "?");
                    hs_problem_free(p);
                    break;
                }

                rc = hs_repo_list(db, &sec, &test_kinds, q, cur != NULL, key,
                                  keylen, &pj, &err);
                is_int(rc, HS_OK, "list %d.%d: objects", i, pass);
                rc = hs_repo_list_text(db, &sec, &test_kinds, q, cur != NULL,
                                       key, keylen, &pt, &err);
                is_int(rc, HS_OK, "list %d.%d: text", i, pass);
                ok(pt.items == NULL && pt.items_text != NULL,
                   "list %d.%d: the rows as text only", i, pass);
                hs_od_free(q);

                v = hs_repo_page_json(&pj);
                a = hs_json_dump(v, &alen);
                json_decref(v);
                bt = hs_repo_page_text(&pt, &blen);
                ok(a != NULL && bt != NULL && alen == blen
                   && strcmp(a, bt) == 0,
                   "list %d.%d: the text page is the dumped envelope", i,
                   pass);
                if (a && bt && strcmp(a, bt) != 0) {
                    diag("text:   %s", bt);
                    diag("dumped: %s", a);
                }

                /* the text of a page of objects is the same */
                hs_free(bt);
                bt = hs_repo_page_text(&pj, &blen);
                ok(a != NULL && bt != NULL && strcmp(a, bt) == 0,
                   "list %d.%d: ... also from objects", i, pass);
                hs_free(a);
                hs_free(bt);

                hs_free(cur);
                cur = pj.next_cursor ? hs_strdup(pj.next_cursor) : NULL;
                hs_repo_page_release(&pj);
                hs_repo_page_release(&pt);

                if (cur == NULL) {
                    break;
                }
            }

            hs_free(cur);
        }
    }

    /* text that is not UTF-8 (written past the repository) is refused */
    if (hs_db_conn_get(db, &c, &err) == HS_OK) {
        rc = hs_db_exec(c, "INSERT INTO kinds (tenant_id, id, label,"
                        " created_at, updated_at) VALUES ('" TEST_TENANT "',"
                        " '0190a000-0000-7000-8000-0000000000ff',"
                        " CAST(X'61ff62' AS TEXT), 'x', 'x')", NULL, 0, NULL,
                        &err);
        is_int(rc, HS_OK, "a row with invalid UTF-8");
        rc = hs_repo_get_text(db, &sec, &test_kinds,
                              "0190a000-0000-7000-8000-0000000000ff", &text,
                              &len, &err);
        ok(rc != HS_OK && text == NULL, "...is not rendered as text");
        rc = hs_repo_get(db, &sec, &test_kinds,
                         "0190a000-0000-7000-8000-0000000000ff", &row, &err);
        ok(rc != HS_OK, "...nor as an object");
    }
}


static void
test_fail(void)
{
    int          i, errs;
    hs_rc_t      rc;
    hs_call_t   *call;
    hs_error_t   err;

    static const struct {
        hs_rc_t  rc;
        int      status;
    } cases[] = {
        { HS_ENOTFOUND, 404 }, { HS_EEXIST, 409 }, { HS_EAGAIN, 503 },
        { HS_EINVAL, 400 }
    };

    hs_error_set(&err, "the message");

    for (i = 0; i < (int) hs_nelems(cases); i++) {
        call = test_call(TEST_TENANT, "");
        rc = hs_repo_fail(call, cases[i].rc, &err, "thing");
        is_int(rc, HS_OK, "fail %d: HS_OK", cases[i].status);
        ok(call->problem != NULL && call->problem->status == cases[i].status,
           "fail: a %d problem", cases[i].status);
        hs_call_free(call);
    }

    call = test_call(TEST_TENANT, "");
    errs = test_log_errs;
    rc = hs_repo_fail(call, HS_ERROR, &err, "thing");
    is_int(rc, HS_ERROR, "other errors are returned (a 500)");
    ok(call->problem == NULL, "without a problem");
    is_int(test_log_errs, errs + 1, "and logged at error level");
    hs_call_free(call);
}


static void
test_page_limits(void)
{
    hs_rc_t              rc;
    hs_error_t           err;
    hs_od_limits_t       l;
    hs_repo_page_conf_t  conf;

    conf.max_page = 100;
    conf.default_page = 20;
    rc = hs_repo_page_limits(&conf, &l, &err);
    is_int(rc, HS_OK, "page limits");
    ok(l.max_limit == 100 && l.default_limit == 20 && l.max_length == 0,
       "page limits: from the settings, defaults for the rest");

    conf.default_page = 101;
    rc = hs_repo_page_limits(&conf, &l, &err);
    is_int(rc, HS_EINVAL, "default_page over max_page: HS_EINVAL");
    like_str(err.msg, "default_page (101) is larger than max_page (100)",
             "with a message");
}


static int
test_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}


int
main(void)
{
    char           url[256];
    hs_db_t       *db;
    hs_error_t     err;
    hs_dburl_t     u;
    hs_db_conn_t  *c;

    snprintf(test_dir, sizeof(test_dir), "/tmp/hs_test_repo_call_XXXXXX");
    if (mkdtemp(test_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }

    snprintf(url, sizeof(url), "sqlite://%s/test.db", test_dir);

    if (hs_dburl_parse(url, &u, &err) != HS_OK) {
        diag("bad url %s: %s", url, err.msg);
        return 1;
    }

    db = hs_db_create(&u, NULL, &err);
    hs_dburl_release(&u);

    if (!ok(db != NULL, "sqlite database")
        || !ok(hs_db_conn_get(db, &c, &err) == HS_OK, "connection")
        || !ok(hs_db_exec(c, "CREATE TABLE things (tenant_id TEXT NOT NULL,"
                          " id TEXT NOT NULL, rank INTEGER NOT NULL,"
                          " created_at TEXT NOT NULL,"
                          " updated_at TEXT NOT NULL,"
                          " PRIMARY KEY (tenant_id, id))", NULL, 0, NULL,
                          &err) == HS_OK, "table"))
    {
        diag("%s", err.msg);
        return done_testing();
    }

    test_list(db);

    if (ok(hs_db_exec(c, "CREATE TABLE kinds (tenant_id TEXT NOT NULL,"
                      " id TEXT NOT NULL, flag BOOLEAN, score REAL,"
                      " count INTEGER, label TEXT,"
                      " created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
                      " PRIMARY KEY (tenant_id, id))", NULL, 0, NULL, &err)
           == HS_OK, "table kinds"))
    {
        test_get_text(db);
    }
    test_fail();
    test_page_limits();

    hs_db_thread_release();
    hs_db_destroy(db);
    nftw(test_dir, test_rm, 16, FTW_DEPTH | FTW_PHYS);

    return done_testing();
}
