/* Database URLs: sqlite:///path and postgres://..., redaction, errors. */

#include <stdio.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"


/* Expects url to fail with rc and a message containing want. */
static void
test_bad(const char *url, hs_rc_t rc, const char *want)
{
    hs_rc_t      got;
    hs_error_t   err;
    hs_dburl_t   u;

    memset(&u, 0x5a, sizeof(u));
    err.msg[0] = '\0';

    got = hs_dburl_parse(url, &u, &err);
    is_int(got, rc, "%s: rejected", url);
    like_str(err.msg, want, "%s: message says \"%s\"", url, want);
    ok(u.path == NULL && u.user == NULL && u.password == NULL
       && u.host == NULL && u.dbname == NULL && u.sslmode == NULL
       && u.redacted == NULL && u.port == 0,
       "%s: nothing left allocated in the result", url);
}


static void
test_sqlite(void)
{
    hs_rc_t     rc;
    hs_error_t  err;
    hs_dburl_t  u;

    rc = hs_dburl_parse("sqlite:///var/lib/hyperspot/main.db", &u, &err);
    is_int(rc, HS_OK, "sqlite absolute path");
    is_int(u.kind, HS_DB_SQLITE, "kind sqlite");
    is_str(hs_db_kind_name(u.kind), "sqlite", "kind name sqlite");
    is_str(u.path, "/var/lib/hyperspot/main.db", "sqlite path");
    is_str(u.redacted, "sqlite:///var/lib/hyperspot/main.db",
           "sqlite redacted is the URL");
    ok(u.user == NULL && u.password == NULL && u.host == NULL
       && u.dbname == NULL && u.sslmode == NULL && u.port == 0,
       "sqlite: no postgres fields");
    hs_dburl_release(&u);
    ok(u.path == NULL && u.redacted == NULL, "release clears the struct");
    hs_dburl_release(&u);
    ok(1, "release twice is harmless");

    rc = hs_dburl_parse("sqlite:///tmp/my%20data%2b1.db", &u, &err);
    is_int(rc, HS_OK, "sqlite path with %%-escapes");
    is_str(u.path, "/tmp/my data+1.db", "escapes decoded in the path");
    is_str(u.redacted, "sqlite:///tmp/my%20data%2b1.db",
           "redacted keeps the original text");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("sqlite:///x", &u, &err);
    is_int(rc, HS_OK, "shortest sqlite path");
    is_str(u.path, "/x", "path /x");
    hs_dburl_release(&u);

    test_bad("sqlite://relative/app.db", HS_EINVAL,
             "expected sqlite:///absolute/path/file.db");
    test_bad("sqlite://", HS_EINVAL, "expected sqlite:///absolute");
    test_bad("sqlite:///", HS_EINVAL, "expected sqlite:///absolute");
    test_bad("sqlite:///var/lib/", HS_EINVAL, "names a directory");
    test_bad("sqlite:///tmp/a.db?mode=ro", HS_EINVAL,
             "sqlite URLs take no query or fragment");
    test_bad("sqlite:///tmp/a.db#x", HS_EINVAL,
             "sqlite URLs take no query or fragment");
    test_bad("sqlite:///tmp/a%zz.db", HS_EINVAL, "bad %-escape");
    test_bad("sqlite:///tmp/a.db%2", HS_EINVAL, "bad %-escape");
    test_bad("sqlite:///tmp/a.db%", HS_EINVAL, "bad %-escape");
    test_bad("sqlite:///tmp/a%00.db", HS_EINVAL, "bad %-escape");
}


static void
test_postgres(void)
{
    size_t       i;
    char         url[256];
    hs_rc_t      rc;
    hs_error_t   err;
    hs_dburl_t   u;

    static const char *const  modes[] = { "disable", "allow", "prefer",
                                          "require", "verify-ca",
                                          "verify-full" };

    rc = hs_dburl_parse("postgres://hs:s3cret@db.example.com:5433/hyperspot"
                        "?sslmode=verify-full", &u, &err);
    if (!is_int(rc, HS_OK, "full postgres URL")) {
        diag("%s", err.msg);
    }
    is_int(u.kind, HS_DB_POSTGRES, "kind postgres");
    is_str(hs_db_kind_name(u.kind), "postgres", "kind name postgres");
    is_str(u.user, "hs", "user");
    is_str(u.password, "s3cret", "password");
    is_str(u.host, "db.example.com", "host");
    is_int(u.port, 5433, "port");
    is_str(u.dbname, "hyperspot", "dbname");
    is_str(u.sslmode, "verify-full", "sslmode");
    ok(u.path == NULL, "no sqlite path");
    is_str(u.redacted, "postgres://hs:***@db.example.com:5433/hyperspot"
           "?sslmode=verify-full", "password masked in redacted");
    ok(u.redacted != NULL && strstr(u.redacted, "s3cret") == NULL,
       "redacted does not contain the password");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgresql://localhost/app", &u, &err);
    is_int(rc, HS_OK, "postgresql:// scheme");
    is_int(u.kind, HS_DB_POSTGRES, "postgresql:// is postgres");
    ok(u.user == NULL && u.password == NULL, "no user, no password");
    is_str(u.host, "localhost", "host without port");
    is_int(u.port, 0, "default port is 0");
    is_str(u.dbname, "app", "dbname");
    ok(u.sslmode == NULL, "no sslmode: libpq default");
    is_str(u.redacted, "postgresql://localhost/app",
           "no password: redacted is the URL");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://reader@10.0.0.5:6432/reports", &u, &err);
    is_int(rc, HS_OK, "user without password");
    is_str(u.user, "reader", "user only");
    ok(u.password == NULL, "password NULL without ':'");
    is_str(u.host, "10.0.0.5", "IPv4 host");
    is_int(u.port, 6432, "port 6432");
    is_str(u.redacted, "postgres://reader@10.0.0.5:6432/reports",
           "redacted unchanged without password");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://us%65r:p%40ss%2Fw%3a@h/d%62", &u, &err);
    is_int(rc, HS_OK, "%%-escaped user, password and dbname");
    is_str(u.user, "user", "user decoded");
    is_str(u.password, "p@ss/w:", "password decoded (@, /, :)");
    is_str(u.dbname, "db", "dbname decoded");
    is_str(u.redacted, "postgres://us%65r:***@h/d%62",
           "escaped password masked");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://u:@h/db", &u, &err);
    is_int(rc, HS_OK, "empty password");
    is_str(u.password, "", "password is \"\"");
    is_str(u.redacted, "postgres://u:***@h/db", "empty password masked");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://u:pw@[::1]:5432/db", &u, &err);
    is_int(rc, HS_OK, "IPv6 host with port");
    is_str(u.host, "::1", "IPv6 host without brackets");
    is_int(u.port, 5432, "IPv6 port");
    is_str(u.redacted, "postgres://u:***@[::1]:5432/db", "IPv6 redacted");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://[fe80::1]/db", &u, &err);
    is_int(rc, HS_OK, "IPv6 host without port");
    is_str(u.host, "fe80::1", "IPv6 host");
    is_int(u.port, 0, "IPv6 default port");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://h:1/db", &u, &err);
    is_int(rc, HS_OK, "port 1");
    is_int(u.port, 1, "port 1 parsed");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://h:65535/db", &u, &err);
    is_int(rc, HS_OK, "port 65535");
    is_int(u.port, 65535, "port 65535 parsed");
    hs_dburl_release(&u);

    rc = hs_dburl_parse("postgres://h/db?", &u, &err);
    is_int(rc, HS_OK, "empty query");
    ok(u.sslmode == NULL, "empty query: no sslmode");
    hs_dburl_release(&u);

    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        snprintf(url, sizeof(url), "postgres://h/db?sslmode=%s", modes[i]);
        rc = hs_dburl_parse(url, &u, &err);
        is_int(rc, HS_OK, "sslmode=%s accepted", modes[i]);
        is_str(u.sslmode, modes[i], "sslmode=%s kept", modes[i]);
        hs_dburl_release(&u);
    }
}


static void
test_postgres_errors(void)
{
    /* scheme */
    test_bad("mysql://u:p@h/db", HS_EINVAL,
             "the scheme must be sqlite:// or postgres://");
    test_bad("", HS_EINVAL, "the scheme must be");
    test_bad("/var/lib/app.db", HS_EINVAL, "the scheme must be");
    test_bad("Postgres://h/db", HS_EINVAL, "the scheme must be");
    test_bad("postgres:/h/db", HS_EINVAL, "the scheme must be");
    test_bad("sqlite:/tmp/x.db", HS_EINVAL, "the scheme must be");

    /* port */
    test_bad("postgres://h:0/db", HS_EINVAL, "the port must be 1..65535");
    test_bad("postgres://h:65536/db", HS_EINVAL, "the port must be 1..65535");
    test_bad("postgres://h:99999999999999999999/db", HS_EINVAL,
             "the port must be 1..65535");
    test_bad("postgres://h:-5/db", HS_EINVAL, "the port must be 1..65535");
    test_bad("postgres://h:pg/db", HS_EINVAL, "the port must be 1..65535");
    test_bad("postgres://h:/db", HS_EINVAL, "the port must be 1..65535");
    test_bad("postgres://h:54x/db", HS_EINVAL, "the port must be 1..65535");
    test_bad("postgres://[::1]:0/db", HS_EINVAL, "the port must be");

    /* host */
    test_bad("postgres:///db", HS_EINVAL, "no host");
    test_bad("postgres://u:p@/db", HS_EINVAL, "no host");
    test_bad("postgres://:5432/db", HS_EINVAL, "no host");
    test_bad("postgres://[::1/db", HS_EINVAL, "bad [IPv6] host");
    test_bad("postgres://[]/db", HS_EINVAL, "no host");
    test_bad("postgres://u:p@[::1]junk/db", HS_EINVAL, "bad [IPv6] host");
    test_bad("postgres://h: 5432/db", HS_EINVAL, "the port must be");
    test_bad("postgres://h:+5432/db", HS_EINVAL, "the port must be");
    test_bad("postgres://h/db?sslmode=disable&sslmode=require", HS_EINVAL,
             "sslmode is given twice");

    /* messages never quote the password */
    test_bad("postgres://u:topsecret@h:99999/db", HS_EINVAL,
             "\"postgres://u:***@h:99999/db\": the port must be");
    test_bad("postgres://u:topsecret@h/db?x=1", HS_EINVAL,
             "\"postgres://u:***@h/db?x=1\": unknown parameter");

    /* database name */
    test_bad("postgres://h", HS_EINVAL, "no database name");
    test_bad("postgres://u:p@h:5432", HS_EINVAL, "no database name");
    test_bad("postgres://h?sslmode=require", HS_EINVAL, "no database name");
    test_bad("postgres://h?x=/db", HS_EINVAL, "no database name");
    test_bad("postgres://h/", HS_EINVAL, "bad database name");
    test_bad("postgres://h/?sslmode=require", HS_EINVAL,
             "bad database name");
    test_bad("postgres://h/a/b", HS_EINVAL, "bad database name");
    test_bad("postgres://h/a%2Fb", HS_EINVAL, "bad database name");
    test_bad("postgres://h/db%q1", HS_EINVAL, "bad database name");

    /* query parameters */
    test_bad("postgres://h/db?sslmode=bogus", HS_EINVAL,
             "sslmode must be one of disable, allow, prefer, require, "
             "verify-ca, verify-full");
    test_bad("postgres://h/db?sslmode=REQUIRE", HS_EINVAL,
             "sslmode must be one of");
    test_bad("postgres://h/db?connect_timeout=5", HS_EINVAL,
             "unknown parameter \"connect_timeout=5\" (supported: sslmode)");
    test_bad("postgres://h/db?sslmode=require&application_name=x",
             HS_EINVAL, "unknown parameter \"application_name=x\"");
    test_bad("postgres://h/db?sslmode", HS_EINVAL,
             "unknown parameter \"sslmode\"");

    /* %-escapes in the credentials */
    test_bad("postgres://u%zz:p@h/db", HS_EINVAL,
             "bad %-escape in the user or password");
    test_bad("postgres://u:p%4@h/db", HS_EINVAL,
             "bad %-escape in the user or password");
    test_bad("postgres://u:p%00@h/db", HS_EINVAL,
             "bad %-escape in the user or password");
}


int
main(void)
{
    test_sqlite();
    test_postgres();
    test_postgres_errors();

    return done_testing();
}
