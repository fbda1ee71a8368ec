/*
 * The tenant hierarchy scope of the repository (hs_repo.h) against a real
 * SQLite file (always) and PostgreSQL (when HS_TEST_PG_URL is set): what
 * each tenant of a small tree sees and manages, the self-managed
 * barrier, children created only under managed parents, hierarchy
 * columns the caller cannot change, lists below a tenant, conditional
 * updates, and a caller whose tenant has no row.
 *
 *   R (root)
 *   +-- A
 *   |   +-- A1
 *   |   +-- S  (self-managed)
 *   |       +-- S1
 *   |           +-- S2
 *   +-- B
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_db.h"
#include "hs_repo.h"
#include "hs_tap.h"

#define TEST_R   "00000000-0000-4000-8000-000000000001"
#define TEST_A   "00000000-0000-4000-8000-0000000000a0"
#define TEST_A1  "00000000-0000-4000-8000-0000000000a1"
#define TEST_S   "00000000-0000-4000-8000-0000000000c0"
#define TEST_S1  "00000000-0000-4000-8000-0000000000c1"
#define TEST_S2  "00000000-0000-4000-8000-0000000000c2"
#define TEST_B   "00000000-0000-4000-8000-0000000000b0"
#define TEST_X   "00000000-0000-4000-8000-0000000000ff"

static char  test_tenants[64];

static const hs_od_field_t  test_tenant_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT },
    { "parent_id", "parent_id", HS_OD_UUID, HS_OD_SELECT },
    { "name", "name", HS_OD_STRING, HS_OD_FILTER | HS_OD_SORT },
    { "status", "status", HS_OD_STRING, HS_OD_FILTER },
    { "self_managed", "self_managed", HS_OD_BOOL, HS_OD_FILTER },
    { "path", "path", HS_OD_STRING, 0 },
    { "depth", "depth", HS_OD_INT, 0 },
    { NULL, NULL, 0, 0 }
};

static hs_repo_tree_t   test_tree = {
    { test_tenants, "tenant", test_tenant_fields },
    "parent_id", "path", "barrier_path", "self_managed", "depth"
};

/* the same table in the plain tenant scope */
#define test_t  test_tree.table


static hs_secctx_t *
test_sec(const char *tenant)
{
    static hs_secctx_t  sec;

    hs_secctx_init(&sec, tenant, strlen(tenant), "tester", 6, "dev");

    return &sec;
}


/* Creates a child of parent as the tenant "as"; the rc. */
static hs_rc_t
test_child(hs_db_t *db, const char *as, const char *parent, const char *id,
    int self_managed, const char *status)
{
    json_t      *v, *row;
    hs_rc_t      rc;
    hs_error_t   err;

    v = json_pack("{s:s, s:s, s:b, s:s}", "id", id, "name", id,
                  "self_managed", self_managed, "status", status);
    row = NULL;

    rc = hs_repo_tree_create(db, test_sec(as), &test_tree, parent, "status",
                             "active", v, &row, &err);
    json_decref(v);
    json_decref(row);

    return rc;
}


static int
test_sees(hs_db_t *db, const char *as, const char *id)
{
    hs_error_t  err;

    return hs_repo_tree_get(db, test_sec(as), &test_tree, id, NULL, &err)
           == HS_OK;
}


/* The ids below under, as "id,id,..." ordered by id. */
static const char *
test_below(hs_db_t *db, const char *as, const char *under, int children)
{
    static char     out[512];
    size_t          i;
    hs_rc_t         rc;
    hs_error_t      err;
    hs_problem_t   *p;
    hs_od_query_t  *q;
    hs_repo_page_t  page;
    const unsigned char  key[4] = "key";

    p = NULL;
    q = hs_od_parse(test_tenant_fields, "id", NULL, "id asc", NULL, "50",
                    NULL, NULL, key, sizeof(key), &p);
    if (q == NULL) {
        hs_problem_free(p);
        return "(parse)";
    }

    rc = hs_repo_tree_list(db, test_sec(as), &test_tree, under, children, q, 0,
                           key, sizeof(key), &page, &err);
    hs_od_free(q);

    if (rc != HS_OK) {
        snprintf(out, sizeof(out), "(rc %d: %s)", rc, err.msg);
        return out;
    }

    out[0] = '\0';

    for (i = 0; i < json_array_size(page.items); i++) {
        /* the last two hex digits name a test tenant */
        snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
                 i ? "," : "",
                 json_string_value(json_object_get(
                     json_array_get(page.items, i), "id")) + 34);
    }

    hs_repo_page_release(&page);

    return out;
}


static void
test_schema(hs_db_t *db, const char *label)
{
    char           sql[2048];
    hs_error_t     err;
    hs_db_conn_t  *c;

    if (hs_db_conn_get(db, &c, &err) != HS_OK) {
        diag("%s: connect: %s", label, err.msg);
        return;
    }

    snprintf(sql, sizeof(sql),
             "DROP TABLE IF EXISTS %s;"
             "CREATE TABLE %s (tenant_id TEXT NOT NULL, id TEXT NOT NULL,"
             " parent_id TEXT, name TEXT NOT NULL, status TEXT NOT NULL,"
             " self_managed BOOLEAN NOT NULL DEFAULT FALSE,"
             " path TEXT NOT NULL, barrier_path TEXT NOT NULL,"
             " depth INTEGER NOT NULL, created_at TEXT NOT NULL,"
             " updated_at TEXT NOT NULL, PRIMARY KEY (tenant_id, id),"
             " UNIQUE (id), UNIQUE (path));"
             "CREATE UNIQUE INDEX %s_root ON %s (depth) WHERE depth = 0",
             test_tenants, test_tenants, test_tenants, test_tenants);

    if (!ok(hs_db_exec_script(c, sql, &err) == HS_OK, "%s: schema", label)) {
        diag("%s", err.msg);
    }
}


static void
test_drop(hs_db_t *db)
{
    char           sql[256];
    hs_error_t     err;
    hs_db_conn_t  *c;

    if (hs_db_conn_get(db, &c, &err) == HS_OK) {
        snprintf(sql, sizeof(sql), "DROP TABLE %s", test_tenants);
        hs_db_exec_script(c, sql, &err);
    }
}


static void
test_suite(hs_db_t *db, const char *label)
{
    json_t      *v, *row;
    hs_rc_t      rc;
    hs_error_t   err;

    test_schema(db, label);

    /* the root, once */
    v = json_pack("{s:s, s:s, s:b}", "name", "root", "status", "active",
                  "self_managed", 0);
    row = NULL;
    rc = hs_repo_tree_create_root(db, test_sec(TEST_R), &test_tree, v, &row,
                                  &err);
    if (!is_int(rc, HS_OK, "%s: root created", label)) {
        diag("%s", err.msg);
    }
    is_str(json_string_value(json_object_get(row, "path")),
           "/" TEST_R "/", "%s: root path", label);
    ok(json_is_null(json_object_get(row, "parent_id")),
       "%s: root has no parent", label);
    json_decref(row);
    rc = hs_repo_tree_create_root(db, test_sec(TEST_X), &test_tree, v, NULL,
                                  &err);
    is_int(rc, HS_EEXIST, "%s: a second root is refused", label);
    rc = hs_repo_tree_create_root(db, test_sec(TEST_R), &test_tree, v, NULL,
                                  &err);
    is_int(rc, HS_EEXIST, "%s: the root again is refused", label);
    json_decref(v);

    /* the tree */
    is_int(test_child(db, TEST_R, TEST_R, TEST_A, 0, "active"), HS_OK,
           "%s: R creates A", label);
    is_int(test_child(db, TEST_R, TEST_R, TEST_B, 0, "active"), HS_OK,
           "%s: R creates B", label);
    is_int(test_child(db, TEST_R, TEST_A, TEST_A1, 0, "active"), HS_OK,
           "%s: R creates A1 below A", label);
    is_int(test_child(db, TEST_A, TEST_A, TEST_S, 1, "active"), HS_OK,
           "%s: A creates the self-managed S", label);
    is_int(test_child(db, TEST_A, TEST_S, TEST_S1, 0, "active"),
           HS_ENOTFOUND, "%s: A may not create below S", label);
    is_int(test_child(db, TEST_R, TEST_S, TEST_S1, 0, "active"),
           HS_ENOTFOUND, "%s: nor may R", label);
    is_int(test_child(db, TEST_S, TEST_S, TEST_S1, 0, "active"), HS_OK,
           "%s: S creates S1", label);
    is_int(test_child(db, TEST_S, TEST_S1, TEST_S2, 0, "active"), HS_OK,
           "%s: S creates S2 below S1", label);
    is_int(test_child(db, TEST_A1, TEST_A, TEST_X, 0, "active"),
           HS_ENOTFOUND, "%s: A1 may not create beside itself", label);
    is_int(test_child(db, TEST_X, TEST_R, TEST_X, 0, "active"),
           HS_ENOTFOUND, "%s: an unregistered tenant creates nothing",
           label);

    /* what each one sees */
    ok(test_sees(db, TEST_R, TEST_R) && test_sees(db, TEST_R, TEST_A)
       && test_sees(db, TEST_R, TEST_A1) && test_sees(db, TEST_R, TEST_B),
       "%s: R sees itself, A, A1, B", label);
    ok(test_sees(db, TEST_R, TEST_S) && test_sees(db, TEST_A, TEST_S),
       "%s: R and A see the barrier's own row", label);
    ok(!test_sees(db, TEST_R, TEST_S1) && !test_sees(db, TEST_A, TEST_S1)
       && !test_sees(db, TEST_A, TEST_S2),
       "%s: nothing below the barrier", label);
    ok(!test_sees(db, TEST_A, TEST_R) && !test_sees(db, TEST_A, TEST_B),
       "%s: A sees neither its parent nor its sibling", label);
    ok(test_sees(db, TEST_S, TEST_S) && test_sees(db, TEST_S, TEST_S2)
       && !test_sees(db, TEST_S, TEST_A),
       "%s: S sees its own subtree only", label);
    ok(test_sees(db, TEST_S1, TEST_S2) && !test_sees(db, TEST_S1, TEST_S),
       "%s: S1 sees below itself, not its parent", label);
    ok(!test_sees(db, TEST_X, TEST_R) && !test_sees(db, TEST_X, TEST_X),
       "%s: an unregistered tenant sees nothing", label);
    ok(!test_sees(db, TEST_R, "not-a-uuid"), "%s: a malformed id", label);

    /* lists below a tenant */
    is_str(test_below(db, TEST_R, TEST_R, 0), "a0,a1,b0,c0",
           "%s: R's descendants stop at the barrier", label);
    is_str(test_below(db, TEST_R, TEST_R, 1), "a0,b0",
           "%s: R's children", label);
    is_str(test_below(db, TEST_A, TEST_A, 0), "a1,c0",
           "%s: A's descendants", label);
    is_str(test_below(db, TEST_A, TEST_S, 0), "",
           "%s: A lists nothing below S", label);
    is_str(test_below(db, TEST_S, TEST_S, 0), "c1,c2",
           "%s: S lists its own", label);
    is_str(test_below(db, TEST_A, TEST_R, 0), "",
           "%s: A lists nothing below R", label);
    is_str(test_below(db, TEST_B, TEST_B, 0), "",
           "%s: B has no descendants", label);

    /* updates: in scope only, hierarchy columns untouched */
    v = json_pack("{s:s, s:s, s:s, s:b, s:i}", "name", "renamed",
                  "path", "/evil/", "parent_id", TEST_B, "self_managed", 0,
                  "depth", 7);
    row = NULL;
    rc = hs_repo_tree_update_if(db, test_sec(TEST_A), &test_tree, TEST_S,
                                "status", "active", v, &row, &err);
    is_int(rc, HS_OK, "%s: A renames the barrier", label);
    is_str(json_string_value(json_object_get(row, "name")), "renamed",
           "%s: renamed", label);
    is_str(json_string_value(json_object_get(row, "path")),
           "/" TEST_R "/" TEST_A "/" TEST_S "/", "%s: path kept", label);
    is_str(json_string_value(json_object_get(row, "parent_id")), TEST_A,
           "%s: parent kept", label);
    ok(json_is_true(json_object_get(row, "self_managed")),
       "%s: self_managed kept", label);
    is_int(json_integer_value(json_object_get(row, "depth")), 2,
           "%s: depth kept", label);
    json_decref(row);
    rc = hs_repo_tree_update_if(db, test_sec(TEST_A), &test_tree, TEST_S1,
                                "status", "active", v, NULL, &err);
    is_int(rc, HS_ENOTFOUND, "%s: A cannot update below the barrier",
           label);
    rc = hs_repo_tree_update_if(db, test_sec(TEST_A1), &test_tree, TEST_A,
                                "status", "active", v, NULL, &err);
    is_int(rc, HS_ENOTFOUND, "%s: A1 cannot update its parent", label);
    json_decref(v);
    ok(!test_sees(db, TEST_A, TEST_S1), "%s: S1 still hidden from A", label);

    v = json_pack("{s:s}", "status", "suspended");
    rc = hs_repo_tree_update_if(db, test_sec(TEST_R), &test_tree, TEST_B,
                                "status", "deleted", v, NULL, &err);
    is_int(rc, HS_ENOTFOUND, "%s: update_if with another value", label);
    rc = hs_repo_tree_update_if(db, test_sec(TEST_R), &test_tree, TEST_B,
                                "status", "active", v, NULL, &err);
    is_int(rc, HS_OK, "%s: update_if with the current value", label);
    json_decref(v);
    is_int(test_child(db, TEST_R, TEST_B, TEST_X, 0, "active"),
           HS_ENOTFOUND, "%s: no child below a parent that does not match",
           label);

    /* the plain tenant scope: a tenant's own row only */
    rc = hs_repo_get(db, test_sec(TEST_S), &test_t, TEST_S, NULL, &err);
    is_int(rc, HS_OK, "%s: plain scope: S reads its own row", label);
    rc = hs_repo_get(db, test_sec(TEST_S), &test_t, TEST_S1, NULL, &err);
    is_int(rc, HS_ENOTFOUND, "%s: plain scope: and no other", label);
    rc = hs_repo_delete(db, test_sec(TEST_A), &test_t, TEST_S2, &err);
    is_int(rc, HS_ENOTFOUND, "%s: A cannot delete S2", label);
    ok(test_sees(db, TEST_S, TEST_S2), "%s: S2 is still there", label);

    test_drop(db);
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


int
main(void)
{
    char         dir[64], url[128];
    hs_db_t     *db;
    const char  *pg;

    snprintf(test_tenants, sizeof(test_tenants), "t_tree_%d", (int) getpid());

    snprintf(dir, sizeof(dir), "/tmp/hs-repo-tree-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        printf("Bail out! mkdtemp failed\n");
        return 1;
    }

    snprintf(url, sizeof(url), "sqlite://%s/t.db", dir);
    db = test_db(url);
    if (ok(db != NULL, "sqlite: database")) {
        test_suite(db, "sqlite");
        hs_db_thread_release();
        hs_db_destroy(db);
    }

    snprintf(url, sizeof(url), "%s/t.db", dir);
    unlink(url);
    snprintf(url, sizeof(url), "%s/t.db-wal", dir);
    unlink(url);
    snprintf(url, sizeof(url), "%s/t.db-shm", dir);
    unlink(url);
    rmdir(dir);

    pg = getenv("HS_TEST_PG_URL");
    if (pg != NULL && pg[0] != '\0') {
        db = test_db(pg);
        if (ok(db != NULL, "postgres: database")) {
            test_suite(db, "postgres");
            hs_db_thread_release();
            hs_db_destroy(db);
        }

    } else {
        diag("HS_TEST_PG_URL is not set: PostgreSQL part skipped");
    }

    return done_testing();
}
