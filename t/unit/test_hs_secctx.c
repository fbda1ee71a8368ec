/* SecurityCtx, uuids, timestamps and the cursor key. */

#include <stdio.h>
#include <string.h>

#include <hs_modkit.h>

#include "hs_tap.h"


static void
test_uuid(void)
{
    char         out[HS_UUID_LEN + 1], prev[HS_UUID_LEN + 1];
    int          i, ordered;
    const char  *good = "0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3";

    ok(hs_uuid_valid(good, strlen(good)), "upper-case uuid is valid");
    ok(!hs_uuid_valid(good, strlen(good) - 1), "one short is not");
    ok(!hs_uuid_valid("0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2dz", 36),
       "a non-hex digit is not");
    ok(!hs_uuid_valid("0a1b2c3d4e5f-4a6b-8c7d-8e9fa0b1c2d3-", 36),
       "misplaced dashes are not");
    ok(!hs_uuid_valid("x' OR '1'='1", 12), "SQL is not");
    ok(!hs_uuid_valid(NULL, 0), "NULL is not");

    is_int(hs_uuid_normalize(good, strlen(good), out), HS_OK, "normalize");
    is_str(out, "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3", "lower case");
    is_int(hs_uuid_normalize("nope", 4, out), HS_EINVAL,
           "normalize refuses a non-uuid");

    prev[0] = '\0';
    ordered = 1;

    for (i = 0; i < 200; i++) {
        hs_uuid_v7(out);

        if (!hs_uuid_valid(out, strlen(out)) || out[14] != '7'
            || strchr("89ab", out[19]) == NULL)
        {
            break;
        }

        /* the first 48 bits are milliseconds: never decreasing */
        if (prev[0] && strncmp(prev, out, 13) > 0) {
            ordered = 0;
        }

        memcpy(prev, out, sizeof(prev));
    }

    is_int(i, 200, "200 UUID v7s: valid, version 7, variant 10");
    ok(ordered, "time-ordered");
}


static void
test_secctx(void)
{
    hs_secctx_t  sec;
    const char  *t = "AAAAAAAA-0000-4000-8000-000000000001";
    const char  *s = "bbbbbbbb-0000-4000-8000-000000000002";

    is_int(hs_secctx_init(&sec, t, strlen(t), s, strlen(s), "dev"), HS_OK,
           "init");
    is_str(sec.tenant_id, "aaaaaaaa-0000-4000-8000-000000000001",
           "tenant normalized");
    is_str(sec.subject_id, s, "subject");
    is_str(sec.auth_method, "dev", "auth method");

    is_int(hs_secctx_init(&sec, "t", 1, s, strlen(s), "dev"), HS_EINVAL,
           "a bad tenant is refused");
    is_str(sec.tenant_id, "", "and leaves an empty context");

    is_int(hs_secctx_init(&sec, t, strlen(t), "BBBBBBBB-0000-4000-8000-"
                          "000000000002", 36, "jwt"), HS_OK, "uuid subject");
    is_str(sec.subject_id, s, "a uuid subject is stored in lower case");

    is_int(hs_secctx_init(&sec, t, strlen(t), "auth0|Ada", 9, "jwt"), HS_OK,
           "an opaque subject");
    is_str(sec.subject_id, "auth0|Ada", "kept as it is");
    is_int(sec.roles[0] == '\0' && sec.perms[0] == 0, 1,
           "no roles, no permissions");

    is_int(hs_secctx_init(&sec, t, strlen(t), "a b", 3, "jwt"), HS_EINVAL,
           "a subject with a space is refused");
    is_int(hs_secctx_init(&sec, t, strlen(t), "", 0, "jwt"), HS_EINVAL,
           "an empty subject is refused");
    is_int(hs_secctx_init(&sec, t, strlen(t), "x\ny", 3, "jwt"), HS_EINVAL,
           "a control character is refused");
    {
        char  big[HS_SUBJECT_MAX + 2];

        memset(big, 'x', sizeof(big));
        is_int(hs_secctx_init(&sec, t, strlen(t), big, HS_SUBJECT_MAX, "jwt"),
               HS_OK, "a subject of HS_SUBJECT_MAX bytes");
        is_int(hs_secctx_init(&sec, t, strlen(t), big, HS_SUBJECT_MAX + 1,
                              "jwt"), HS_EINVAL, "one more is refused");
    }
}


static void
test_time_and_key(void)
{
    char                  ts[40];
    size_t                n1, n2;
    const unsigned char  *k1, *k2;
    unsigned char         mine[32];

    hs_now_rfc3339(ts, sizeof(ts));
    ok(strlen(ts) == 24 && ts[4] == '-' && ts[10] == 'T' && ts[19] == '.'
       && ts[23] == 'Z', "RFC 3339 UTC with milliseconds: %s", ts);

    k1 = hs_cursor_key(&n1);
    k2 = hs_cursor_key(&n2);
    ok(n1 == 32 && k1 == k2 && memcmp(k1, k2, n1) == 0,
       "the cursor key is generated once");

    memset(mine, 7, sizeof(mine));
    hs_cursor_key_set(mine, sizeof(mine));
    k1 = hs_cursor_key(&n1);
    ok(n1 == 32 && memcmp(k1, mine, 32) == 0, "a key can be set");
}


int
main(void)
{
    test_uuid();
    test_secctx();
    test_time_and_key();

    return done_testing();
}
