/*
 * RBAC: permission and pattern syntax, wildcard matching, roles compiled
 * against the permission table, grants into a SecurityCtx.
 */

#include <stdio.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"


static void
test_syntax(void)
{
    size_t  i;

    static const char *const  perms_ok[] = {
        "users:read", "a:b", "user_info.v1:write-all", "0:9"
    };
    static const char *const  perms_bad[] = {
        "", "users", ":read", "users:", "Users:read", "users:read:x",
        "users :read", "users:*", "*:read", "*", "us*ers:read",
        "users:r\xc3\xa9"
    };
    static const char *const  pats_ok[] = {
        "users:read", "users:*", "*:read", "*:*", "*"
    };
    static const char *const  pats_bad[] = {
        "", "**", "users", "*:", ":*", "u*:read", "users:re*", "*:*:*",
        "USERS:*"
    };

    for (i = 0; i < sizeof(perms_ok) / sizeof(perms_ok[0]); i++) {
        ok(hs_rbac_permission_valid(perms_ok[i], strlen(perms_ok[i])),
           "permission \"%s\"", perms_ok[i]);
    }

    for (i = 0; i < sizeof(perms_bad) / sizeof(perms_bad[0]); i++) {
        ok(!hs_rbac_permission_valid(perms_bad[i], strlen(perms_bad[i])),
           "not a permission: \"%s\"", perms_bad[i]);
    }

    for (i = 0; i < sizeof(pats_ok) / sizeof(pats_ok[0]); i++) {
        ok(hs_rbac_pattern_valid(pats_ok[i], strlen(pats_ok[i])),
           "pattern \"%s\"", pats_ok[i]);
    }

    for (i = 0; i < sizeof(pats_bad) / sizeof(pats_bad[0]); i++) {
        ok(!hs_rbac_pattern_valid(pats_bad[i], strlen(pats_bad[i])),
           "not a pattern: \"%s\"", pats_bad[i]);
    }

    ok(hs_rbac_role_valid("tenant_admin", 12), "role name");
    ok(!hs_rbac_role_valid("Tenant Admin", 12), "no spaces or capitals");
    ok(!hs_rbac_role_valid("", 0), "no empty role");
}


static void
test_match(void)
{
    struct {
        const char  *pattern;
        const char  *perm;
        int          match;
    } cases[] = {
        { "*", "users:read", 1 },
        { "*:*", "users:read", 1 },
        { "users:*", "users:read", 1 },
        { "users:*", "users:write", 1 },
        { "users:*", "user:read", 0 },
        { "users:*", "usersx:read", 0 },
        { "*:read", "cities:read", 1 },
        { "*:read", "cities:reader", 0 },
        { "*:read", "cities:rea", 0 },
        { "users:read", "users:read", 1 },
        { "users:read", "users:write", 0 },
        { "users:read", "users:readx", 0 },
        { "user:read", "users:read", 0 },
    };
    size_t  i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        is_int(hs_rbac_match(cases[i].pattern, strlen(cases[i].pattern),
                             cases[i].perm), cases[i].match,
               "\"%s\" %s \"%s\"", cases[i].pattern,
               cases[i].match ? "grants" : "does not grant", cases[i].perm);
    }
}


static void
test_roles(void)
{
    int           ir, iw, ic, ia;
    json_t       *pats, *doc;
    hs_rbac_t    *rb;
    hs_error_t    err;
    hs_secctx_t   sec;
    const char   *t = "aaaaaaaa-0000-4000-8000-000000000001";

    rb = hs_rbac_create();

    is_int(hs_rbac_add_permission(rb, "users:read", &err), HS_OK, "add");
    is_int(hs_rbac_add_permission(rb, "users:write", &err), HS_OK, "add");
    is_int(hs_rbac_add_permission(rb, "cities:read", &err), HS_OK, "add");
    is_int(hs_rbac_add_permission(rb, "users:read", &err), HS_OK,
           "adding again is no change");
    is_int(hs_rbac_count(rb), 3, "three permissions");
    is_int(hs_rbac_add_permission(rb, "users:*", &err), HS_EINVAL,
           "a pattern is not a permission");
    like_str(err.msg, "\"users:*\" is not a permission", "message");

    pats = json_pack("[s, s]", "users:*", "*:read");
    is_int(hs_rbac_add_role(rb, "editor", pats, &err), HS_OK, "role");
    is_int(hs_rbac_add_role(rb, "editor", pats, &err), HS_EEXIST,
           "a role is defined once");
    json_decref(pats);

    pats = json_pack("[s]", "*");
    is_int(hs_rbac_add_role(rb, "admin", pats, &err), HS_OK, "admin");
    json_decref(pats);

    pats = json_pack("[s, i]", "users:read", 3);
    is_int(hs_rbac_add_role(rb, "broken", pats, &err), HS_EINVAL,
           "a non-string pattern");
    like_str(err.msg, "item 2 is not a permission pattern", "names the item");
    json_decref(pats);

    pats = json_pack("{}");
    is_int(hs_rbac_add_role(rb, "broken", pats, &err), HS_EINVAL,
           "not a list");
    json_decref(pats);

    pats = json_pack("[s]", "audit:read");
    is_int(hs_rbac_add_role(rb, "auditor", pats, &err), HS_OK,
           "a role may grant what no operation declares yet");
    json_decref(pats);

    /* permissions added after the roles still count for them */
    is_int(hs_rbac_add_permission(rb, "audit:read", &err), HS_OK, "add");
    is_int(hs_rbac_finish(rb, &err), HS_OK, "finish");
    is_int(hs_rbac_add_permission(rb, "late:read", &err), HS_EINVAL,
           "no permission after finish");

    ir = hs_rbac_index(rb, "users:read");
    iw = hs_rbac_index(rb, "users:write");
    ic = hs_rbac_index(rb, "cities:read");
    ia = hs_rbac_index(rb, "audit:read");
    ok(ir >= 0 && iw >= 0 && ic >= 0 && ia >= 0, "indexes");
    is_int(hs_rbac_index(rb, "nope:read"), -1, "unknown permission: -1");

    hs_secctx_init(&sec, t, strlen(t), "s", 1, "jwt");
    ok(!hs_secctx_has(&sec, ir), "nothing granted yet");
    is_int(hs_rbac_grant_role(rb, &sec, "nobody", 6), 0,
           "an unknown role grants nothing");
    is_str(sec.roles, "", "and is not listed");

    is_int(hs_rbac_grant_role(rb, &sec, "editor", 6), 1, "editor");
    ok(hs_secctx_has(&sec, ir) && hs_secctx_has(&sec, iw)
       && hs_secctx_has(&sec, ic) && hs_secctx_has(&sec, ia),
       "users:* and *:read");
    is_str(sec.roles, "editor", "listed");
    hs_rbac_grant_role(rb, &sec, "editor", 6);
    is_str(sec.roles, "editor", "listed once");
    hs_rbac_grant_role(rb, &sec, "auditor", 7);
    is_str(sec.roles, "editor,auditor", "comma-separated");

    hs_secctx_init(&sec, t, strlen(t), "s", 1, "jwt");
    is_int(hs_rbac_grant_pattern(rb, &sec, "cities:read", 11), 1, "pattern");
    ok(hs_rbac_allows(rb, &sec, "cities:read")
       && !hs_rbac_allows(rb, &sec, "users:read")
       && !hs_rbac_allows(rb, &sec, "unknown:read"),
       "a direct permission grants that one only");
    is_int(hs_rbac_grant_pattern(rb, &sec, "bad pattern", 11), 0,
           "an invalid pattern grants nothing");
    ok(!hs_secctx_has(&sec, -1) && !hs_secctx_has(&sec, 100000),
       "out-of-range bits are never held");

    hs_secctx_init(&sec, t, strlen(t), "s", 1, "jwt");
    hs_rbac_grant_role(rb, &sec, "admin", 5);
    ok(hs_secctx_has(&sec, ir) && hs_secctx_has(&sec, ia), "admin: all");

    doc = hs_rbac_roles_json(rb);
    ok(doc != NULL && json_array_size(json_object_get(doc, "roles")) == 3,
       "roles document lists three roles");
    is_str(json_string_value(json_array_get(json_object_get(
               json_array_get(json_object_get(doc, "roles"), 2), "grants"),
               0)), "audit:read", "auditor grants audit:read");
    json_decref(doc);

    hs_rbac_destroy(rb);
}


int
main(void)
{
    test_syntax();
    test_match();
    test_roles();

    return done_testing();
}
