/*
 * The access module's nginx-free pieces: the API key format and its
 * salted hash, date-time normalisation; and the repository lookup its
 * authorization gate uses (hs_repo_find_by) against a SQLite file.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_tap.h"

/* the module's own file, compiled in: it needs only modkit and OpenSSL */
#include "../../modules/access/hs_access_key.c"


#define T_TENANT  "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define T_ID      "0190ffee-0000-7000-8000-00000000abcd"


static void
test_key_roundtrip(void)
{
    char                 key[HS_ACCESS_KEY_LEN + 1];
    char                 key2[HS_ACCESS_KEY_LEN + 1];
    char                 salt[2 * HS_ACCESS_SALT_BYTES + 1];
    char                 hash[2 * HS_ACCESS_HASH_BYTES + 1];
    char                 salt2[2 * HS_ACCESS_SALT_BYTES + 1];
    char                 hash2[2 * HS_ACCESS_HASH_BYTES + 1];
    char                 bad[HS_ACCESS_KEY_LEN + 1];
    hs_access_key_ref_t  ref;

    ok(hs_access_key_new(T_TENANT, T_ID, key, salt, hash) == HS_OK,
       "a new key");
    is_int(strlen(key), HS_ACCESS_KEY_LEN, "of the documented length");
    ok(strncmp(key, "hsk_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b_"
                    "0190ffee000070008000" "00000000abcd_", 70) == 0,
       "hsk_<tenant>_<id>_ then the secret");
    is_int(strlen(salt), 32, "a 16-byte salt in hex");
    is_int(strlen(hash), 64, "a 32-byte hash in hex");

    ok(hs_access_key_parse(key, strlen(key), &ref) == HS_OK, "it parses");
    is_str(ref.tenant_id, T_TENANT, "to its tenant");
    is_str(ref.id, T_ID, "and its id");
    is_str(ref.key_id, "0190ffee000070008000" "00000000abcd",
           "and the compact id");

    ok(hs_access_key_matches(key, strlen(key), salt, hash), "it matches");

    ok(hs_access_key_new(T_TENANT, T_ID, key2, salt2, hash2) == HS_OK,
       "another key for the same id");
    ok(strcmp(key, key2) != 0 && strcmp(salt, salt2) != 0
       && strcmp(hash, hash2) != 0, "with another secret, salt and hash");
    ok(!hs_access_key_matches(key2, strlen(key2), salt, hash),
       "which does not match the first hash");
    ok(!hs_access_key_matches(key, strlen(key), salt2, hash),
       "nor does the first key with another salt");

    memcpy(bad, key, sizeof(bad));
    bad[HS_ACCESS_KEY_LEN - 1] = bad[HS_ACCESS_KEY_LEN - 1] == '0'
                                 ? '1' : '0';
    ok(hs_access_key_parse(bad, strlen(bad), &ref) == HS_OK
       && !hs_access_key_matches(bad, strlen(bad), salt, hash),
       "one secret digit changed: well-formed, no match");
    ok(!hs_access_key_matches(key, strlen(key) - 1, salt, hash),
       "a truncated key does not match");
    ok(!hs_access_key_matches(key, strlen(key), "zz", hash),
       "a malformed stored salt matches nothing");
    ok(!hs_access_key_matches(key, strlen(key), salt, NULL),
       "nor a missing hash");
}


static void
test_key_parse_refusals(void)
{
    char                 k[HS_ACCESS_KEY_LEN + 2], save;
    size_t               i;
    hs_access_key_ref_t  ref;

    static const size_t  pos[] = { 0, 3, 4, 35, 36, 69, 70, 133 };

    memset(k, 'a', HS_ACCESS_KEY_LEN);
    memcpy(k, "hsk_", 4);
    k[36] = '_';
    k[69] = '_';
    k[HS_ACCESS_KEY_LEN] = '\0';

    ok(hs_access_key_parse(k, strlen(k), &ref) == HS_OK, "a well-formed key");

    for (i = 0; i < hs_nelems(pos); i++) {
        save = k[pos[i]];
        k[pos[i]] = pos[i] == 36 || pos[i] == 69 ? 'a' : 'G';
        ok(hs_access_key_parse(k, strlen(k), &ref) == HS_EINVAL,
           "refused with position %zu changed", pos[i]);
        k[pos[i]] = save;
    }

    k[40] = 'A';
    ok(hs_access_key_parse(k, strlen(k), &ref) == HS_EINVAL,
       "upper-case hex is not our format");
    k[40] = 'a';

    ok(hs_access_key_parse(k, strlen(k) - 1, &ref) == HS_EINVAL,
       "too short");
    k[HS_ACCESS_KEY_LEN] = 'a';
    k[HS_ACCESS_KEY_LEN + 1] = '\0';
    ok(hs_access_key_parse(k, strlen(k), &ref) == HS_EINVAL, "too long");
    ok(hs_access_key_parse("", 0, &ref) == HS_EINVAL, "empty");
}


static void
test_time(void)
{
    char    out[HS_ACCESS_TIME_LEN + 1];
    size_t  i;

    static const struct {
        const char  *in;
        const char  *want;
    } good[] = {
        { "2030-01-02T03:04:05Z", "2030-01-02T03:04:05.000Z" },
        { "2030-01-02t03:04:05.5z", "2030-01-02T03:04:05.500Z" },
        { "2030-01-02T03:04:05.123456Z", "2030-01-02T03:04:05.123Z" },
        { "2030-01-02T01:00:00+02:00", "2030-01-01T23:00:00.000Z" },
        { "2030-12-31T23:30:00-01:00", "2031-01-01T00:30:00.000Z" },
        { "2032-02-29T12:00:00Z", "2032-02-29T12:00:00.000Z" },
    };

    static const char  *bad[] = {
        "2030-01-02", "2030-01-02T03:04Z", "2030-01-02T03:04:05",
        "2030-13-02T03:04:05Z", "2030-01-02T24:04:05Z",
        "2030-01-02T03:04:05.Z", "2030-01-02T03:04:05Z junk",
        "2030-01-02T03:04:05+0200", "1969-12-31T23:59:59Z", "",
    };

    for (i = 0; i < hs_nelems(good); i++) {
        memset(out, 0, sizeof(out));
        ok(hs_access_time_normalize(good[i].in, out) == HS_OK,
           "date-time %s", good[i].in);
        is_str(out, good[i].want, "is %s", good[i].want);
    }

    for (i = 0; i < hs_nelems(bad); i++) {
        ok(hs_access_time_normalize(bad[i], out) == HS_EINVAL,
           "refused: \"%s\"", bad[i]);
    }
}


/* ------------------------------------------------- hs_repo_find_by */

static const hs_od_field_t  test_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_SELECT },
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },
    { "subject_id", "subject_id", HS_OD_STRING, HS_OD_SELECT },
    { "role", "role", HS_OD_STRING, HS_OD_SELECT },
    { "created_at", "created_at", HS_OD_DATETIME, HS_OD_SELECT },
    { "updated_at", "updated_at", HS_OD_DATETIME, HS_OD_SELECT },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  test_table = {
    "t_roles", "role", test_fields
};


static void
test_add(hs_db_t *db, const hs_secctx_t *sec, const char *subject,
    const char *role)
{
    json_t      *v;
    hs_error_t   err;

    v = json_pack("{s:s, s:s}", "subject_id", subject, "role", role);
    ok(hs_repo_create(db, sec, &test_table, v, NULL, &err) == HS_OK,
       "row %s %s", subject, role);
    json_decref(v);
}


static const char *
test_id(const json_t *rows, size_t i)
{
    const char  *s;

    s = json_string_value(json_object_get(json_array_get(rows, i), "id"));

    return s ? s : "";
}


static void
test_find_by(void)
{
    char           dir[] = "/tmp/hs-access-XXXXXX", path[128], url[160];
    json_t        *rows;
    hs_db_t       *db;
    hs_error_t     err;
    hs_dburl_t     u;
    hs_secctx_t    t1, t2;
    hs_db_conn_t  *c;

    if (!ok(mkdtemp(dir) != NULL, "a scratch directory")) {
        return;
    }

    snprintf(path, sizeof(path), "%s/t.db", dir);
    snprintf(url, sizeof(url), "sqlite://%s", path);

    if (!ok(hs_dburl_parse(url, &u, &err) == HS_OK, "url")) {
        return;
    }

    db = hs_db_create(&u, NULL, &err);
    hs_dburl_release(&u);

    if (!ok(db != NULL && hs_db_conn_get(db, &c, &err) == HS_OK,
            "a database"))
    {
        return;
    }

    ok(hs_db_exec(c, "CREATE TABLE t_roles (tenant_id TEXT NOT NULL, "
                     "id TEXT NOT NULL, subject_id TEXT NOT NULL, "
                     "role TEXT NOT NULL, created_at TEXT NOT NULL, "
                     "updated_at TEXT NOT NULL, "
                     "PRIMARY KEY (tenant_id, id))", NULL, 0, NULL, &err)
       == HS_OK, "a table");

    hs_secctx_init(&t1, T_TENANT, HS_UUID_LEN, "alice", 5, "jwt");
    hs_secctx_init(&t2, T_ID, HS_UUID_LEN, "alice", 5, "jwt");

    test_add(db, &t1, "alice", "viewer");
    test_add(db, &t1, "alice", "editor");
    test_add(db, &t1, "alice", "auditor");
    test_add(db, &t1, "bob", "admin");
    test_add(db, &t2, "alice", "admin");

    ok(hs_repo_find_by(db, &t1, &test_table, "subject_id", "alice", 10,
                       &rows, &err) == HS_OK, "find alice in tenant 1");
    is_int(json_array_size(rows), 3, "her three roles, not tenant 2's");
    ok(strcmp(test_id(rows, 0), test_id(rows, 1)) < 0
       && strcmp(test_id(rows, 1), test_id(rows, 2)) < 0, "in id order");
    json_decref(rows);

    ok(hs_repo_find_by(db, &t1, &test_table, "subject_id", "alice", 2,
                       &rows, &err) == HS_OK, "at most 2");
    is_int(json_array_size(rows), 2, "two");
    json_decref(rows);

    ok(hs_repo_find_by(db, &t2, &test_table, "subject_id", "alice", 10,
                       &rows, &err) == HS_OK, "alice in tenant 2");
    is_int(json_array_size(rows), 1, "one role");
    json_decref(rows);

    ok(hs_repo_find_by(db, &t1, &test_table, "subject_id", "carol", 10,
                       &rows, &err) == HS_OK && json_array_size(rows) == 0,
       "nobody: an empty array");
    json_decref(rows);

    ok(hs_repo_find_by(db, &t1, &test_table, "id", "not-a-uuid", 10,
                       &rows, &err) == HS_OK && json_array_size(rows) == 0,
       "a value its field cannot hold: an empty array");
    json_decref(rows);

    rows = NULL;
    ok(hs_repo_find_by(db, &t1, &test_table, "nope", "x", 10, &rows, &err)
       == HS_EINVAL && rows == NULL, "an undeclared field: HS_EINVAL");

    hs_db_thread_release();
    hs_db_destroy(db);
    unlink(path);
    snprintf(path, sizeof(path), "%s/t.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/t.db-shm", dir);
    unlink(path);
    rmdir(dir);
}


int
main(void)
{
    test_key_roundtrip();
    test_key_parse_refusals();
    test_time();
    test_find_by();

    return done_testing();
}
