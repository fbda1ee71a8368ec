/*
 * hs_gts identifiers: validation and parsing (OP#1, OP#3; spec 2, 3.7,
 * 8, 10), wildcard matching (OP#4; spec 3.5, 3.6, 5.2, 10), UUIDs (OP#5;
 * spec 5.1) and identifier extraction from documents (OP#2; spec 9.1,
 * 11). The identifiers are the specification's own examples unless a
 * comment says otherwise.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_gts.h"
#include "hs_tap.h"


static json_t *
test_json(const char *text)
{
    json_t        *js;
    json_error_t   jerr;

    js = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (js == NULL) {
        diag("bad test JSON: %s: %s", text, jerr.text);
    }

    return js;
}


static hs_rc_t
test_parse(const char *s, unsigned flags, hs_gts_id_t *id, hs_error_t *err)
{
    err->msg[0] = '\0';

    return hs_gts_id_parse(s, strlen(s), flags, id, err);
}


static int
test_str(const hs_gts_str_t *s, const char *want)
{
    if (want == NULL) {
        return s->p == NULL;
    }

    return s->p != NULL && s->len == strlen(want)
           && memcmp(s->p, want, s->len) == 0;
}


static void
test_valid_ids(void)
{
    size_t       i;
    hs_gts_id_t  id;
    hs_error_t   err;
    static const char *const  valid[] = {
        /* 2.1 */
        "gts.x.core.events.type.v1~",
        "gts.x.core.events.type.v1.2~",
        "gts.x.idp.users.user.v1.0~",
        "gts.x.mq.events.topic.v1~",
        /* 2.2 */
        "gts.x.core.events.type.v1~ven.app._.custom_event.v1~",
        "gts.x.core.events.topic.v1~ven.app._.custom_event_topic.v1.2",
        /* 3.7 well-known and combined anonymous instances */
        "gts.x.core.events.topic.v1~x.commerce._.orders.v1.0",
        "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
        "7a1d2f34-5678-49ab-9012-abcdef123456",
        /* 5.2 */
        "gts.x.core.events.type.v1~x.core.audit.event.v1~"
        "abc.app.store.purchase_audit_event.v1.2~",
        /* 4.4.1 */
        "gts.x.core.db.connection_config.v1.1~",
        /* grammar corners: placeholders, zero versions, digits */
        "gts._._._._.v0~",
        "gts.a1.b2.c3.d4.v100.200~",
        "gts.x.pkg.ns.type.v0.0~",
        "gts.a.b.c.d.v1~e.f.g.h.v2~i.j.k.l.v3~",
        NULL
    };

    for (i = 0; valid[i] != NULL; i++) {
        if (!is_int(test_parse(valid[i], 0, &id, &err), HS_OK,
                    "OP#1 valid: %s", valid[i]))
        {
            diag("%s", err.msg);
        }
        ok(hs_gts_id_valid(valid[i]), "OP#1 hs_gts_id_valid: %s", valid[i]);
    }
}


static void
test_invalid_ids(void)
{
    size_t       i;
    char        *longid;
    hs_gts_id_t  id;
    hs_error_t   err;
    static const struct {
        const char  *id;
        const char  *why;
    } invalid[] = {
        /* 2.1: lower case only, tokens start with a letter or '_' */
        { "GTS.x.core.events.type.v1~", "start with \"gts.\"" },
        { "gts.X.core.events.type.v1~", "lower-case letter" },
        { "gts.x.core.events.type.V1~", "version" },
        { "gts.1vendor.core.events.type.v1~", "lower-case letter" },
        { "gts.x.core-events.events.type.v1~", "expected '.'" },
        { "x.core.events.type.v1~", "start with \"gts.\"" },
        /* 2.1/2.3: versions are 0 or without a leading zero, major.minor */
        { "gts.x.core.events.type.v01~", "leading zero" },
        { "gts.x.core.events.type.v1.01~", "leading zero" },
        { "gts.x.core.events.type.v1.2.3~", "too many version" },
        { "gts.x.core.events.type.v1.~", "minor version" },
        { "gts.x.core.events.type~", "v<major>" },
        { "gts.x.core.events.v1~", "v<major>" },
        /* 2.2 rule 3: the prefix appears once */
        { "gts.x.core.events.type.v1~gts.abc.app._.custom.v1~",
          "only once" },
        /* 3.7: a well-known instance needs a type segment before it */
        { "gts.x.core.events.topic.v1", "needs a type segment" },
        { "gts.x.core.events.type.v1.0~~", "lower-case letter" },
        /* 2.3: the UUID tail is lower-case hex */
        { "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
          "7A1D2F34-5678-49AB-9012-ABCDEF123456", "lower-case letter" },
        { "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
          "not-a-uuid", "expected '.'" },
        /* 2.3 note 5: no spacing */
        { " gts.x.core.events.type.v1~", "start with \"gts.\"" },
        { "gts.x.core.events.type.v1~ ", "lower-case letter" },
        /* 9.1: the URI form is not an identifier */
        { "gts://gts.x.core.events.type.v1~", "start with \"gts.\"" },
        /* 10: a wildcard makes a pattern, not an identifier */
        { "gts.x.core.events.type.v1~*", "wildcard is not allowed" },
        /*
         * 3.2 and 10: these derived segments of the sections' examples
         * have three tokens before the version; 2.3 asks for four
         */
        { "gts.x.core.events.type.v1~abc.events.order_placed.v1~",
          "v<major>" },
        { "gts.x.llm.chat.message.v1.0~x.llm.system_message.v1.0~",
          "v<major>" },
        { "", "empty" },
        { NULL, NULL }
    };

    for (i = 0; invalid[i].id != NULL; i++) {
        is_int(test_parse(invalid[i].id, 0, &id, &err), HS_EINVAL,
               "OP#1 invalid: '%s'", invalid[i].id);
        like_str(err.msg, invalid[i].why, "OP#1 reason for '%s'",
                 invalid[i].id);
        ok(!hs_gts_id_valid(invalid[i].id), "OP#1 hs_gts_id_valid('%s') "
           "is false", invalid[i].id);
    }

    /* 2: 1024 characters at most */
    longid = malloc(HS_GTS_ID_MAX + 2);
    memcpy(longid, "gts.x.core.events.", 18);
    memset(longid + 18, 'a', HS_GTS_ID_MAX + 2 - 18);
    memcpy(longid + HS_GTS_ID_MAX - 4, ".v1~", 5);
    is_int(test_parse(longid, 0, &id, &err), HS_OK,
           "OP#1: 1024 characters are allowed");
    memcpy(longid + HS_GTS_ID_MAX - 4, "a.v1~", 6);
    is_int(test_parse(longid, 0, &id, &err), HS_EINVAL,
           "OP#1: 1025 characters are not");
    like_str(err.msg, "longer than 1024", "OP#1: the length is the reason");
    free(longid);

    ok(!hs_gts_id_valid(NULL), "OP#1: NULL is not an identifier");
}


static void
test_patterns(void)
{
    size_t       i;
    hs_gts_id_t  id;
    hs_error_t   err;
    static const struct {
        const char     *p;
        hs_gts_wild_t   w;
    } valid[] = {
        /* 10 */
        { "gts.x.llm.chat.message.*", HS_GTS_WILD_VERSION },
        { "gts.x.llm.chat.message.v1.*", HS_GTS_WILD_MINOR },
        { "gts.x.llm.chat.message.v1~*", HS_GTS_WILD_VENDOR },
        { "gts.x.llm.chat.message.v*", HS_GTS_WILD_VERSION },
        /* 1.3 and 3.5 */
        { "gts.myvendor.accounting.*", HS_GTS_WILD_NAMESPACE },
        { "gts.x.core.events.type.v1~x.core._.audit_event.v1~xyz.*",
          HS_GTS_WILD_PACKAGE },
        { "gts.*", HS_GTS_WILD_VENDOR },
        { "gts.x.*", HS_GTS_WILD_PACKAGE },
        { "gts.x.pkg.ns.*", HS_GTS_WILD_TYPE },
        { NULL, HS_GTS_WILD_NONE }
    };
    static const char *const  invalid[] = {
        "gts.x.llm.chat.msg*",              /* 10 rule 4 */
        "gts.x.llm.chat.message.v*~*",      /* 10 rule 1 */
        "gts.x.*.events.type.v1~",          /* 10 rule 2 */
        "gts.a.b.c.d.v1~a*",
        "gts.a.b.c.*.v1~a.*",
        "gts*",
        NULL
    };

    for (i = 0; valid[i].p != NULL; i++) {
        is_int(test_parse(valid[i].p, HS_GTS_ALLOW_WILDCARD, &id, &err),
               HS_OK, "pattern: %s", valid[i].p);
        ok(id.is_wildcard, "pattern: %s is a wildcard", valid[i].p);
        is_int(id.segs[id.nsegs - 1].wildcard, valid[i].w,
               "pattern: where the '*' of %s stands", valid[i].p);
        is_int(test_parse(valid[i].p, 0, &id, &err), HS_EINVAL,
               "pattern: %s is not an identifier", valid[i].p);
    }

    for (i = 0; invalid[i] != NULL; i++) {
        is_int(test_parse(invalid[i], HS_GTS_ALLOW_WILDCARD, &id, &err),
               HS_EINVAL, "invalid pattern: %s", invalid[i]);
    }

    test_parse("gts.x.llm.chat.message.v*~*", HS_GTS_ALLOW_WILDCARD, &id,
               &err);
    like_str(err.msg, "must end the pattern", "two wildcards: the reason");
    test_parse("gts.x.llm.chat.msg*", HS_GTS_ALLOW_WILDCARD, &id, &err);
    like_str(err.msg, "must start a token", "a partial token: the reason");
}


static void
test_parsing(void)
{
    hs_gts_id_t              id;
    hs_error_t               err;
    const hs_gts_segment_t  *s;
    const char              *p;

    /* 5.2: a type derived twice */
    p = "gts.x.core.events.type.v1~x.core.audit.event.v1~"
        "abc.app.store.purchase_audit_event.v1.2~";
    if (!is_int(test_parse(p, 0, &id, &err), HS_OK, "OP#3: parse %s", p)) {
        return;
    }

    is_int(id.nsegs, 3, "OP#3: three segments");
    ok(id.is_type, "OP#3: a type (trailing '~')");
    ok(!id.is_anonymous && !id.is_wildcard, "OP#3: not anonymous, no "
       "wildcard");
    is_int(id.type_len, strlen(p), "OP#3: the type part is all of it");

    s = &id.segs[0];
    ok(test_str(&s->vendor, "x") && test_str(&s->package, "core")
       && test_str(&s->ns, "events") && test_str(&s->type, "type"),
       "OP#3: base segment x.core.events.type");
    is_int(s->ver_major, 1, "OP#3: base major 1");
    is_int(s->ver_minor, -1, "OP#3: base minor absent");
    ok(test_str(&s->text, "x.core.events.type.v1"), "OP#3: segment text");
    ok(s->is_type, "OP#3: the base is a type");

    s = &id.segs[2];
    ok(test_str(&s->vendor, "abc") && test_str(&s->package, "app")
       && test_str(&s->ns, "store")
       && test_str(&s->type, "purchase_audit_event"),
       "OP#3: vendor ABC's segment");
    is_int(s->ver_major, 1, "OP#3: major 1");
    is_int(s->ver_minor, 2, "OP#3: minor 2");

    /* 2.2: an instance conforming to a type */
    p = "gts.x.core.events.topic.v1~ven.app._.custom_event_topic.v1.2";
    test_parse(p, 0, &id, &err);
    ok(!id.is_type, "OP#3: an instance (no trailing '~')");
    is_int(id.type_len, strlen("gts.x.core.events.topic.v1~"),
           "OP#3: its type is gts.x.core.events.topic.v1~");
    ok(test_str(&id.segs[1].ns, "_"), "OP#3: namespace placeholder '_'");
    ok(!id.segs[1].is_type, "OP#3: the instance segment is not a type");

    /* 3.7: combined anonymous instance */
    p = "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
        "7a1d2f34-5678-49ab-9012-abcdef123456";
    test_parse(p, 0, &id, &err);
    ok(id.is_anonymous && !id.is_type, "OP#3: combined anonymous instance");
    is_int(id.nsegs, 3, "OP#3: two type segments and the UUID");
    ok(id.segs[2].is_uuid
       && test_str(&id.segs[2].text, "7a1d2f34-5678-49ab-9012-abcdef123456"),
       "OP#3: the UUID tail");
    is_int(id.type_len, strlen(p) - HS_GTS_UUID_LEN,
           "OP#3: the type is the prefix up to the last '~'");
    is_int(id.segs[1].ver_minor, 0, "OP#3: minor 0 is kept as 0");

    /* a pattern keeps what precedes its '*' */
    test_parse("gts.x.llm.chat.message.v1.*", HS_GTS_ALLOW_WILDCARD, &id,
               &err);
    is_int(id.segs[0].ver_major, 1, "OP#3: pattern major");
    is_int(id.segs[0].ver_minor, -1, "OP#3: pattern minor not given");

    /* the string need not end with a NUL */
    p = "gts.x.core.events.type.v1~trailing";
    is_int(hs_gts_id_parse(p, strlen("gts.x.core.events.type.v1~"), 0, &id,
                           &err), HS_OK, "OP#3: length-bounded input");
}


static int
test_match(const char *pattern, const char *candidate)
{
    int         m;
    hs_error_t  err;

    if (hs_gts_match(pattern, candidate, &m, &err) != HS_OK) {
        diag("match %s %s: %s", pattern, candidate, err.msg);
        return -1;
    }

    return m;
}


static void
test_matching(void)
{
    size_t       i, j;
    int          m;
    hs_error_t   err;
    /*
     * 10, with a namespace token added to the derived segments (the
     * section's identifiers have three tokens, which 2.3 does not allow)
     */
    static const char *const  ids[] = {
        "gts.x.llm.chat.message.v1.0~",
        "gts.x.llm.chat.message.v1.0~x.llm._.system_message.v1.0~",
        "gts.x.llm.chat.message.v1.1~",
        "gts.x.llm.chat.message.v1.1~x.llm._.user_message.v1.1~",
    };
    static const struct {
        const char  *pattern;
        int          want[4];
    } sec10[] = {
        { "gts.x.llm.chat.message.*", { 1, 1, 1, 1 } },
        { "gts.x.llm.chat.message.v1.*", { 1, 1, 1, 1 } },
        { "gts.x.llm.chat.message.v1~*", { 0, 1, 0, 1 } },
        { "gts.x.llm.chat.message.v1.0~*", { 0, 1, 0, 0 } },
        { NULL, { 0 } }
    };
    static const struct {
        const char  *pattern;
        const char  *candidate;
        int          want;
        const char  *why;
    } cases[] = {
        /* 10, minor version matching */
        { "gts.vendor.pkg.ns.type.v0.1~*", "gts.vendor.pkg.ns.type.v0.1~",
          0, "nothing follows the '~' (10 lists this as a match; see "
          "docs/gts.md)" },
        { "gts.vendor.pkg.ns.type.v0~*", "gts.vendor.pkg.ns.type.v0~",
          0, "the same, without a minor version" },
        { "gts.vendor.pkg.ns.type.v0~*", "gts.vendor.pkg.ns.type.v0.1~",
          0, "v0~* asks for a derived segment, as in the v1~* example" },
        { "gts.vendor.pkg.ns.type.v0~*",
          "gts.vendor.pkg.ns.type.v0.1~a.b.c.d.v1", 1,
          "v0~* covers what derives from any v0.x" },
        { "gts.vendor.pkg.ns.type.v0~abc.*", "gts.vendor.pkg.ns.type.v0.1~",
          0, "v0~abc.* does not match any v0.x" },
        { "gts.vendor.pkg.ns.type.v0.1~*",
          "gts.vendor.pkg.ns.type.v0.2~a.b.c.d.v1", 0,
          "different minor versions" },
        { "gts.vendor.pkg.ns.type.v0~*",
          "gts.vendor.pkg.ns.type.v1.0~a.b.c.d.v1", 0,
          "different major versions" },
        { "gts.vendor.pkg.ns.type.v0~", "gts.vendor.pkg.ns.type.v0.1~", 1,
          "no minor version: any minor version" },
        { "gts.vendor.pkg.ns.type.v0.1~", "gts.vendor.pkg.ns.type.v0~", 0,
          "a minor version asks for that minor version" },
        /* 3.6, implicit derived-type coverage */
        { "gts.a.b.c.d.v1~", "gts.a.b.c.d.v1~w.x.y.z.v1", 1,
          "a base type covers its instances" },
        { "gts.a.b.c.d.v1~*", "gts.a.b.c.d.v1~w.x.y.z.v1", 1, "~*" },
        { "gts.a.b.c.d.v1~w.*", "gts.a.b.c.d.v1~w.x.y.z.v1", 1, "~w.*" },
        { "gts.a.b.c.d.v1~x.*", "gts.a.b.c.d.v1~w.x.y.z.v1", 0, "~x.*" },
        /* 5.2, authorization of vendor ABC's event */
        { "gts.x.core.events.type.v1~x.core.audit.event.v1~abc.app.*",
          "gts.x.core.events.type.v1~x.core.audit.event.v1~"
          "abc.app.store.purchase_audit_event.v1.2~", 1, "ABC's app" },
        { "gts.x.core.events.type.v1~x.core.audit.event.v1~abc.*",
          "gts.x.core.events.type.v1~x.core.audit.event.v1~"
          "abc.app.store.purchase_audit_event.v1.2~", 1, "vendor ABC" },
        { "gts.x.core.events.type.v1~x.core.audit.event.v1~xyz.*",
          "gts.x.core.events.type.v1~x.core.audit.event.v1~"
          "abc.app.store.purchase_audit_event.v1.2~", 0, "vendor XYZ" },
        /* 1.3 */
        { "gts.myvendor.accounting.*",
          "gts.myvendor.accounting.ledger.entry.v1~", 1, "a package" },
        { "gts.myvendor.accounting.*",
          "gts.myvendor.billing.ledger.entry.v1~", 0, "another package" },
        /* type and instance segments name different things */
        { "gts.a.b.c.d.v1~w.x.y.z.v1~", "gts.a.b.c.d.v1~w.x.y.z.v1", 0,
          "a type does not cover a same-named instance" },
        { "gts.a.b.c.d.v1~w.x.y.z.v1", "gts.a.b.c.d.v1~w.x.y.z.v1~", 0,
          "an instance does not cover a same-named type" },
        { "gts.a.b.c.d.v1~w.x.y.z.v1", "gts.a.b.c.d.v1~w.x.y.z.v1", 1,
          "an identifier covers itself" },
        /* combined anonymous instances */
        { "gts.x.core.events.type.v1~",
          "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
          "7a1d2f34-5678-49ab-9012-abcdef123456", 1, "anonymous by type" },
        { "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
          "7a1d2f34-5678-49ab-9012-abcdef123456",
          "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
          "7a1d2f34-5678-49ab-9012-abcdef123457", 0, "another UUID" },
        /* a candidate pattern is covered when all it names is */
        { "gts.vendor.*", "gts.vendor.pkg.*", 1, "a narrower pattern" },
        { "gts.vendor.pkg.*", "gts.vendor.*", 0, "a broader pattern" },
        { "gts.a.b.c.d.v1~", "gts.a.b.c.d.v1.0~a.b.*", 1,
          "derived types of a minor version" },
        { "gts.a.b.c.d.v1.1~*", "gts.a.b.c.d.v1~a.b.c.d.*", 0,
          "any minor version is broader than v1.1" },
        { "gts.*", "gts.*", 1, "everything covers everything" },
        { NULL, NULL, 0, NULL }
    };

    for (i = 0; sec10[i].pattern != NULL; i++) {
        for (j = 0; j < 4; j++) {
            is_int(test_match(sec10[i].pattern, ids[j]), sec10[i].want[j],
                   "OP#4 section 10: %s vs %s", sec10[i].pattern, ids[j]);
        }
    }

    for (i = 0; cases[i].pattern != NULL; i++) {
        is_int(test_match(cases[i].pattern, cases[i].candidate),
               cases[i].want, "OP#4 %s vs %s: %s", cases[i].pattern,
               cases[i].candidate, cases[i].why);
    }

    is_int(hs_gts_match("gts.x.llm.chat.msg*", "gts.x.llm.chat.msg.a.v1~",
                        &m, &err), HS_EINVAL, "OP#4: a bad pattern");
    ok(m == 0, "OP#4: no match with a bad pattern");
    is_int(hs_gts_match("gts.vendor.*", "gts.vendor.pkg.ns.type.v1~a*", &m,
                        &err), HS_EINVAL, "OP#4: a bad candidate");
    is_int(hs_gts_match("GTS.vendor.pkg.ns.type.v0.*",
                        "gts.vendor.pkg.ns.type.v0~", &m, &err), HS_EINVAL,
           "OP#4: an upper-case pattern");
    is_int(hs_gts_match(NULL, "gts.vendor.pkg.ns.type.v0~", &m, &err),
           HS_EINVAL, "OP#4: NULL");
}


static void
test_uuids(void)
{
    hs_error_t  err;
    char        u[HS_GTS_UUID_LEN + 1], v[HS_GTS_UUID_LEN + 1];

    /*
     * 5.1: uuid5(uuid5(NAMESPACE_URL, "gts"), id); the figures come from
     * Python's uuid module running the section's snippet
     */
    is_int(hs_gts_uuid("gts.x.core.events.type.v1~", u, &err), HS_OK,
           "OP#5: a type");
    is_str(u, "914ba16d-39d5-518b-9800-490e2144bf98", "OP#5: type UUID");

    is_int(hs_gts_uuid("gts.x.core.events.type.v1~abc.app._.custom_event"
                       ".v1.2", u, &err), HS_OK, "OP#5: an instance");
    is_str(u, "7b97631e-3649-5131-a761-cb6067e27e5f", "OP#5: instance UUID");

    hs_gts_uuid("gts.x.core.events.type.v1.1~", v, &err);
    ok(strcmp(u, v) != 0, "OP#5: different ids, different UUIDs");
    ok(v[14] == '5' && strchr("89ab", v[19]) != NULL,
       "OP#5: version 5, RFC 4122 variant");

    is_int(hs_gts_uuid("gts.x.core.events.type", u, &err), HS_EINVAL,
           "OP#5: not an identifier");
    is_str(u, "", "OP#5: no UUID for it");
    is_int(hs_gts_uuid("gts.x.core.*", u, &err), HS_EINVAL,
           "OP#5: a pattern has no UUID");
    is_int(hs_gts_uuid(NULL, u, &err), HS_EINVAL, "OP#5: NULL");
}


/* Extracts from text; checks id, type_id and the fields. */
static void
test_extract_one(const char *text, const hs_gts_config_t *cfg, int is_type,
    int is_gts, const char *id, const char *type_id, const char *id_field,
    const char *type_field, const char *name)
{
    json_t            *js;
    hs_gts_extract_t   x;

    js = test_json(text);
    if (!is_int(hs_gts_extract(js, cfg, &x), HS_OK, "OP#2 %s: extract",
                name))
    {
        json_decref(js);
        return;
    }

    is_int(x.is_type, is_type, "OP#2 %s: is_type", name);
    is_int(x.is_gts, is_gts, "OP#2 %s: is_gts", name);
    is_str(x.id, id, "OP#2 %s: id", name);
    is_str(x.type_id, type_id, "OP#2 %s: type_id", name);
    is_str(x.id_field, id_field, "OP#2 %s: id field", name);
    is_str(x.type_id_field, type_field, "OP#2 %s: type field", name);

    json_decref(js);
}


static void
test_extraction(void)
{
    json_t            *js;
    hs_gts_extract_t   x;
    hs_gts_config_t    cfg;
    static const char *const  idf[] = { "uid", NULL };
    static const char *const  tf[] = { "kind", NULL };

    /* 11.1 rule C, the five categories */
    test_extract_one("{\"$schema\": \"http://json-schema.org/draft-07/"
                     "schema#\", \"$id\": \"gts://gts.x.core.events.type"
                     ".v1~\", \"type\": \"object\"}", NULL, 1, 1,
                     "gts.x.core.events.type.v1~", NULL, "$id", NULL,
                     "GTS type schema (rule B strips gts://)");
    test_extract_one("{\"$schema\": \"http://json-schema.org/draft-07/"
                     "schema#\", \"$id\": \"https://example.com/schemas/"
                     "order.json\", \"type\": \"object\"}", NULL, 1, 0,
                     "https://example.com/schemas/order.json", NULL, "$id",
                     NULL, "non-GTS schema");
    test_extract_one("{\"id\": \"123\", \"payload\": {\"foo\": \"bar\"}}",
                     NULL, 0, 0, "123", NULL, "id", NULL,
                     "instance of an unknown schema");
    test_extract_one("{\"id\": \"gts.x.core.events.topic.v1~x.commerce._."
                     "orders.v1.0\", \"name\": \"orders\"}", NULL, 0, 1,
                     "gts.x.core.events.topic.v1~x.commerce._.orders.v1.0",
                     "gts.x.core.events.topic.v1~", "id", "id",
                     "well-known instance");
    test_extract_one("{\"id\": \"7a1d2f34-5678-49ab-9012-abcdef123456\","
                     " \"type\": \"gts.x.core.events.type.v1~x.commerce."
                     "orders.order_placed.v1.0~\", \"occurredAt\": "
                     "\"2025-09-20T18:35:00Z\"}", NULL, 0, 1,
                     "7a1d2f34-5678-49ab-9012-abcdef123456",
                     "gts.x.core.events.type.v1~x.commerce.orders."
                     "order_placed.v1.0~", "id", "type",
                     "anonymous instance");

    /* 11.1 type_id semantics: a derived schema's parent; $schema never */
    test_extract_one("{\"$schema\": \"https://json-schema.org/draft/2020-12/"
                     "schema\", \"$id\": \"gts://gts.x.core.events.type.v1~"
                     "x.core.audit.event.v1~abc.app.store.purchase_audit_"
                     "event.v1.2~\"}", NULL, 1, 1,
                     "gts.x.core.events.type.v1~x.core.audit.event.v1~"
                     "abc.app.store.purchase_audit_event.v1.2~",
                     "gts.x.core.events.type.v1~x.core.audit.event.v1~",
                     "$id", "$id", "derived schema (5.2)");
    test_extract_one("{\"$schema\": \"http://json-schema.org/draft-07/"
                     "schema#\", \"type\": \"object\"}", NULL, 1, 0, NULL,
                     NULL, NULL, NULL, "schema without $id");
    test_extract_one("{\"$schema\": \"x\", \"$id\": \"gts.x.core.events."
                     "type.v1~\"}", NULL, 1, 0, "gts.x.core.events.type.v1~",
                     NULL, "$id", NULL, "raw gts. in $id (9.1) is not GTS");

    /* 3.7 combined anonymous instance: the type is the id's prefix */
    test_extract_one("{\"id\": \"gts.x.core.events.type.v1~x.commerce.orders"
                     ".order_placed.v1.0~7a1d2f34-5678-49ab-9012-abcdef"
                     "123456\", \"type\": \"gts.other.pkg.ns.type.v1~\"}",
                     NULL, 0, 1,
                     "gts.x.core.events.type.v1~x.commerce.orders."
                     "order_placed.v1.0~7a1d2f34-5678-49ab-9012-abcdef123456",
                     "gts.x.core.events.type.v1~x.commerce.orders."
                     "order_placed.v1.0~", "id", "id",
                     "combined anonymous instance, type field ignored");

    /* 11.1: a chained id takes priority over the type field */
    test_extract_one("{\"id\": \"gts.x.core.events.type.v1~x.core.audit."
                     "event.v1~x.marketplace.orders.purchase.v1\","
                     " \"type\": \"gts.different.schema.type.type.v1~\"}",
                     NULL, 0, 1,
                     "gts.x.core.events.type.v1~x.core.audit.event.v1~"
                     "x.marketplace.orders.purchase.v1",
                     "gts.x.core.events.type.v1~x.core.audit.event.v1~",
                     "id", "id", "chain before type field");

    /* 3.7 and 9.1 aliases: gtsId / gts_type */
    test_extract_one("{\"gtsId\": \"gts.x.core.events.topic.v1~x.core.idp."
                     "contacts.v1\"}", NULL, 0, 1,
                     "gts.x.core.events.topic.v1~x.core.idp.contacts.v1",
                     "gts.x.core.events.topic.v1~", "gtsId", "gtsId",
                     "gtsId alias");
    test_extract_one("{\"id\": \"42\", \"gts_type\": \"gts.x.core.events."
                     "type.v1~\"}", NULL, 0, 1, "42",
                     "gts.x.core.events.type.v1~", "id", "gts_type",
                     "gts_type alias");

    /* a GTS id in a later id field wins over an opaque one */
    test_extract_one("{\"id\": \"7a1d2f34-5678-49ab-9012-abcdef123456\","
                     " \"$id\": \"gts://gts.x.core.events.type.v1~x.y._.z"
                     ".v1\"}", NULL, 0, 1, "gts.x.core.events.type.v1~x.y._."
                     "z.v1", "gts.x.core.events.type.v1~", "$id", "$id",
                     "GTS id field before an opaque one");

    /* a type field must hold a type identifier */
    test_extract_one("{\"id\": \"42\", \"type\": \"gts.x.core.events.topic.v1"
                     "~x.core.idp.contacts.v1\"}", NULL, 0, 0, "42", NULL,
                     "id", NULL, "an instance id in the type field");

    /* 11.1: the field names are configuration */
    cfg.id_fields = idf;
    cfg.type_fields = tf;
    test_extract_one("{\"uid\": \"7\", \"kind\": \"gts.x.a.b.c.v1~\","
                     " \"type\": \"gts.x.y.z.w.v1~\"}", &cfg, 0, 1, "7",
                     "gts.x.a.b.c.v1~", "uid", "kind", "configured fields");

    js = json_array();
    is_int(hs_gts_extract(js, NULL, &x), HS_EINVAL, "OP#2: not an object");
    json_decref(js);
}


int
main(void)
{
    test_valid_ids();
    test_invalid_ids();
    test_patterns();
    test_parsing();
    test_matching();
    test_uuids();
    test_extraction();

    return done_testing();
}
