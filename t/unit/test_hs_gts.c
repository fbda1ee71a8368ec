/*
 * hs_gts registry: registration rules (spec 9.3, 9.6, 9.11), instance
 * validation (OP#6), relationships (OP#7), compatibility (OP#8),
 * casting (OP#9), queries (OP#10), attributes (OP#11), derivation
 * (OP#12), traits (OP#13), the specification's examples loaded from
 * t/unit/data/gts in any order, and the operations API bodies.
 *
 * JSON in this file is written with single quotes, read by test_json().
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hs_gts.h"
#include "hs_tap.h"

#define TEST_BASE_EVENT                                                       \
    "{'$schema': 'https://json-schema.org/draft/2020-12/schema',"             \
    " '$id': 'gts://gts.x.core.events.type.v1~',"                             \
    " 'title': 'Base Event', 'type': 'object',"                               \
    " 'properties': {"                                                        \
    "   'id': {'type': 'string'},"                                            \
    "   'type': {'type': 'string'},"                                          \
    "   'timestamp': {'type': 'integer'},"                                    \
    "   'payload': {'type': 'object', 'additionalProperties': true}},"        \
    " 'required': ['id', 'type', 'timestamp', 'payload'],"                    \
    " 'additionalProperties': false}"

#define TEST_AUDIT_EVENT                                                      \
    "{'$schema': 'https://json-schema.org/draft/2020-12/schema',"             \
    " '$id': 'gts://gts.x.core.events.type.v1~x.core.audit.event.v1~',"       \
    " 'type': 'object',"                                                      \
    " 'allOf': [{'$ref': 'gts://gts.x.core.events.type.v1~'},"                \
    "  {'type': 'object', 'properties': {'payload': {"                        \
    "     'type': 'object', 'properties': {"                                  \
    "       'user_id': {'type': 'string'},"                                   \
    "       'user_agent': {'type': 'string'},"                                \
    "       'ip_address': {'type': 'string'},"                                \
    "       'data': {'type': 'object', 'additionalProperties': true}},"       \
    "     'required': ['user_id', 'user_agent', 'ip_address', 'data'],"       \
    "     'additionalProperties': false}},"                                   \
    "   'required': ['payload']}]}"

#define TEST_PURCHASE_ID                                                      \
    "gts.x.core.events.type.v1~x.core.audit.event.v1~"                        \
    "abc.app.store.purchase_audit_event.v1.2~"

#define TEST_PURCHASE_EVENT                                                   \
    "{'$schema': 'https://json-schema.org/draft/2020-12/schema',"             \
    " '$id': 'gts://" TEST_PURCHASE_ID "',"                                   \
    " 'type': 'object',"                                                      \
    " 'allOf': [{'$ref': 'gts://gts.x.core.events.type.v1~"                   \
    "x.core.audit.event.v1~'},"                                               \
    "  {'type': 'object', 'properties': {'payload': {"                        \
    "     'type': 'object', 'properties': {'data': {"                         \
    "       'type': 'object', 'properties': {"                                \
    "         'purchase_id': {'type': 'string'},"                             \
    "         'amount': {'type': 'number'},"                                  \
    "         'currency': {'type': 'string'},"                                \
    "         'price': {'type': 'number'}},"                                  \
    "       'required': ['purchase_id', 'amount', 'currency', 'price'],"      \
    "       'additionalProperties': false}}}},"                               \
    "   'required': ['payload']}]}"

/* the event of 5.2, with its payload as a format string ("%s") */
#define TEST_PURCHASE_INSTANCE                                                \
    "{'id': 'e81307e5-5ee8-4c0a-8d1f-bd98a65c517e',"                          \
    " 'type': '" TEST_PURCHASE_ID "',"                                        \
    " 'timestamp': 1743466200000000000,"                                      \
    " 'payload': {%s}}"

#define TEST_PURCHASE_PAYLOAD                                                 \
    "'user_id': '9c905ae1-f0f3-4cfb-aa07-5d9a86219abe',"                      \
    " 'user_agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',"             \
    " 'ip_address': '127.0.0.1',"                                             \
    " 'data': {'purchase_id': 'cats_drinking_bowl_42', 'amount': 2,"          \
    "          'currency': 'USD', 'price': 19.95}"


/* Reads JSON written with single quotes (none inside strings). */
static json_t *
test_json(const char *text)
{
    char          *s, *p;
    json_t        *js;
    json_error_t   jerr;

    s = strdup(text);
    for (p = s; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }

    js = json_loads(s, JSON_REJECT_DUPLICATES, &jerr);
    if (js == NULL) {
        diag("bad test JSON: %s: %s", s, jerr.text);
    }
    free(s);

    return js;
}


static hs_rc_t
test_add(hs_gts_registry_t *reg, const char *text, unsigned flags,
    hs_error_t *err)
{
    json_t   *js;
    hs_rc_t   rc;

    err->msg[0] = '\0';
    js = test_json(text);
    if (js == NULL) {
        return HS_ERROR;
    }

    rc = hs_gts_registry_add(reg, js, flags, NULL, err);
    json_decref(js);

    return rc;
}


static int
test_add_ok(hs_gts_registry_t *reg, const char *text, unsigned flags,
    const char *name)
{
    hs_error_t  err;

    if (!is_int(test_add(reg, text, flags, &err), HS_OK, "%s", name)) {
        diag("%s", err.msg);
        return 0;
    }

    return 1;
}


/* Adding text fails with want; the message contains each of the likes. */
static void
test_add_fails(hs_gts_registry_t *reg, const char *text, unsigned flags,
    hs_rc_t want, const char *like1, const char *like2, const char *name)
{
    size_t      n;
    hs_error_t  err;

    n = hs_gts_registry_count(reg);

    is_int(test_add(reg, text, flags, &err), want, "%s: rejected", name);
    if (like1 != NULL) {
        like_str(err.msg, like1, "%s: the message names it", name);
    }
    if (like2 != NULL) {
        like_str(err.msg, like2, "%s: the message gives the rule", name);
    }
    is_int(hs_gts_registry_count(reg), n, "%s: nothing added", name);
}


/* Validating id gives want; the message contains like (may be NULL). */
static void
test_validate(hs_gts_registry_t *reg, const char *id, hs_rc_t want,
    const char *like, const char *name)
{
    hs_error_t  err;

    err.msg[0] = '\0';
    if (!is_int(hs_gts_registry_validate(reg, id, &err), want, "%s", name)) {
        diag("%s", err.msg);
    }

    if (like != NULL) {
        like_str(err.msg, like, "%s: message", name);
    }
}


static hs_gts_registry_t *
test_event_registry(void)
{
    hs_gts_registry_t  *reg;

    reg = hs_gts_registry_create(NULL);
    test_add_ok(reg, TEST_BASE_EVENT, HS_GTS_VALIDATE, "5.2 base event");
    test_add_ok(reg, TEST_AUDIT_EVENT, HS_GTS_VALIDATE, "5.2 audit event");
    test_add_ok(reg, TEST_PURCHASE_EVENT, HS_GTS_VALIDATE,
                "5.2 purchase audit event");

    return reg;
}


static void
test_registry_basics(void)
{
    size_t                   n, next;
    json_t                  *js;
    hs_rc_t                  rc;
    hs_error_t               err;
    hs_gts_filter_t          f;
    hs_gts_registry_t       *reg;
    const hs_gts_entity_t   *e, *list[8];

    reg = test_event_registry();
    is_int(hs_gts_registry_count(reg), 3, "three schemas registered");

    e = hs_gts_registry_get(reg, "gts.x.core.events.type.v1~x.core.audit"
                            ".event.v1~");
    if (ok(e != NULL, "lookup by id")) {
        ok(e->is_type, "a schema");
        is_str(e->type_id, "gts.x.core.events.type.v1~",
               "its parent type");
        is_str(json_string_value(json_object_get(e->content, "$id")),
               "gts://gts.x.core.events.type.v1~x.core.audit.event.v1~",
               "the content is the document");
    }
    ok(hs_gts_registry_get(reg, "gts://gts.x.core.events.type.v1~") != NULL,
       "lookup with the gts:// prefix");
    ok(hs_gts_registry_get(reg, "gts.x.core.events.type.v2~") == NULL,
       "no such id");
    is_str(hs_gts_registry_get(reg, "gts.x.core.events.type.v1~")->type_id,
           NULL, "a base type has no parent");

    /* idempotent registration; other content under an id is a conflict */
    test_add_ok(reg, TEST_BASE_EVENT, HS_GTS_VALIDATE,
                "the same content again");
    is_int(hs_gts_registry_count(reg), 3, "registered once");
    test_add_fails(reg, "{'$schema': 'http://json-schema.org/draft-07/"
                   "schema#', '$id': 'gts://gts.x.core.events.type.v1~',"
                   " 'type': 'object'}", 0, HS_EEXIST,
                   "gts.x.core.events.type.v1~", "different content",
                   "other content under an id");

    /* the registry keeps its own copy */
    js = test_json("{'id': 'gts.x.core.events.type.v1~x.y._.z.v1',"
                   " 'name': 'before'}");
    hs_gts_registry_add(reg, js, 0, &e, &err);
    json_object_set_new(js, "name", json_string("after"));
    is_str(json_string_value(json_object_get(e->content, "name")), "before",
           "the caller's document can change after add");
    json_decref(js);

    /* list: filters and pages */
    memset(&f, 0, sizeof(f));
    f.is_type = 1;
    n = hs_gts_registry_list(reg, &f, 0, list, 8, &next, &rc, &err);
    is_int(n, 3, "list: schemas only");
    is_int(next, 4, "list: scanned to the end");

    f.is_type = 0;
    n = hs_gts_registry_list(reg, &f, 0, list, 8, NULL, NULL, NULL);
    ok(n == 1 && strcmp(list[0]->id, "gts.x.core.events.type.v1~x.y._.z.v1")
       == 0, "list: instances only");

    f.is_type = -1;
    f.pattern = "gts.x.core.events.type.v1~x.core.audit.*";
    n = hs_gts_registry_list(reg, &f, 0, list, 8, NULL, NULL, NULL);
    is_int(n, 2, "list: a wildcard pattern");

    f.pattern = NULL;
    f.vendor = "abc";
    n = hs_gts_registry_list(reg, &f, 0, list, 8, NULL, NULL, NULL);
    ok(n == 1 && strcmp(list[0]->id, TEST_PURCHASE_ID) == 0,
       "list: by the vendor of the entity's own segment");
    f.vendor = "x";
    f.package = "core";
    f.ns = "audit";
    n = hs_gts_registry_list(reg, &f, 0, list, 8, NULL, NULL, NULL);
    is_int(n, 1, "list: vendor, package and namespace");

    n = hs_gts_registry_list(reg, NULL, 0, list, 2, &next, NULL, NULL);
    is_int(n, 2, "list: a first page of 2");
    n = hs_gts_registry_list(reg, NULL, next, list, 2, &next, NULL, NULL);
    ok(n == 2 && strcmp(list[1]->id, "gts.x.core.events.type.v1~x.y._.z.v1")
       == 0, "list: the second page, in registration order");
    is_int(next, hs_gts_registry_count(reg), "list: done");

    memset(&f, 0, sizeof(f));
    f.is_type = -1;
    f.pattern = "gts.x.*.events";
    n = hs_gts_registry_list(reg, &f, 0, list, 8, NULL, &rc, &err);
    ok(n == 0 && rc == HS_EINVAL, "list: a bad pattern");

    /* removal; schemas compile again afterwards */
    is_int(hs_gts_registry_remove(reg, "gts.x.core.events.type.v1~x.y._.z"
                                  ".v1"), HS_OK, "remove");
    is_int(hs_gts_registry_remove(reg, "gts.x.core.events.type.v1~x.y._.z"
                                  ".v1"), HS_ENOTFOUND, "removed already");
    test_add_ok(reg, "{'$schema': 'http://json-schema.org/draft-07/schema#',"
                " '$id': 'gts://gts.x.other.ns.thing.v1~'}", 0,
                "an unrelated schema");
    is_int(hs_gts_registry_remove(reg, "gts.x.other.ns.thing.v1~"), HS_OK,
           "remove a schema");
    js = test_json("{'id': 'e81307e5-5ee8-4c0a-8d1f-bd98a65c517e',"
                   " 'type': '" TEST_PURCHASE_ID "',"
                   " 'timestamp': 1, 'payload': {" TEST_PURCHASE_PAYLOAD
                   "}}");
    is_int(hs_gts_registry_validate_doc(reg, js, &err), HS_OK,
           "validation after a schema was removed");
    json_decref(js);
    is_int(hs_gts_registry_count(reg), 3, "three left");

    hs_gts_registry_destroy(reg);
}


static void
test_registration_rules(void)
{
    hs_gts_registry_t  *reg;

    reg = test_event_registry();

    /* identifiers */
    test_add_fails(reg, "{'$schema': 'x', 'type': 'object'}", 0, HS_EINVAL,
                   "no \"$id\"", NULL, "a schema without $id");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts.x.a.b.c.v1~'}", 0,
                   HS_EINVAL, "gts.x.a.b.c.v1~", "gts://",
                   "9.1: a raw gts. $id");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.a.*'}", 0,
                   HS_EINVAL, "gts.x.a.*", "wildcard",
                   "9.1: a wildcard in $id");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.a.b.c.v1~"
                   "x.y._.z.v1'}", 0, HS_EINVAL, "gts.x.a.b.c.v1~x.y._.z.v1",
                   "not a type identifier", "11.1: an instance id in $id");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'https://example.com/a'}",
                   0, HS_EINVAL, "https://example.com/a", "gts://",
                   "11.1: a non-GTS schema");
    test_add_fails(reg, "{'name': 'x'}", 0, HS_EINVAL, "no id field", NULL,
                   "an instance without an id");
    test_add_fails(reg, "{'id': '7a1d2f34-5678-49ab-9012-abcdef123456'}", 0,
                   HS_EINVAL, "7a1d2f34-5678-49ab-9012-abcdef123456",
                   "cannot be determined", "an instance without a type");
    test_add_fails(reg, "[1, 2]", 0, HS_EINVAL, "JSON object", NULL,
                   "not an object");

    /* 9.1 and OP#7: "$ref" forms */
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.a.v1~',"
                   " 'allOf': [{'$ref': 'gts.x.t.ref.a.v1~'}]}", 0,
                   HS_EINVAL, "gts.x.t.ref.a.v1~", "\"gts://<type",
                   "a $ref with a raw gts. prefix");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.a.v1~',"
                   " 'allOf': [{'$ref': 'gts://gts.x.t.events.*.v1~'}]}", 0,
                   HS_EINVAL, "gts.x.t.ref.a.v1~", "wildcard",
                   "a $ref with a wildcard");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.a.v1~',"
                   " 'allOf': [{'$ref': 'https://example.com/base.json'}]}",
                   0, HS_EINVAL, "gts.x.t.ref.a.v1~", "local reference",
                   "a $ref to a non-GTS URI");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.a.v1~',"
                   " 'properties': {'p': {'$ref': 'gts://gts.x.bad-seg.ns"
                   ".type.v1~'}}}", 0, HS_EINVAL, "gts.x.t.ref.a.v1~",
                   "bad-seg", "a malformed GTS $ref");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.local.v1~',"
                " '$defs': {'Base': {'type': 'object'}},"
                " 'allOf': [{'$ref': '#/$defs/Base'}],"
                " 'properties': {'enum': {'enum': [{'$ref': 'not a ref'}]}}}",
                HS_GTS_VALIDATE, "local $refs; $ref-like data in enum");

    /* 9.6: broken x-gts-ref, rejected even without validation */
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.xref.a.v1~',"
                   " 'properties': {'id': {'type': 'string',"
                   " 'x-gts-ref': 'gts.x.y.z'}}}", 0, HS_EINVAL,
                   "gts.x.y.z", "x-gts-ref validation failed",
                   "x-gts-ref: a malformed identifier");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.xref.a.v1~',"
                   " 'properties': {'id': {'x-gts-ref': 'a.b.c'}}}", 0,
                   HS_EINVAL, "a.b.c", "x-gts-ref validation failed",
                   "x-gts-ref: neither an identifier nor a pointer");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.xref.a.v1~',"
                   " 'properties': {'some': {'const': 'a.b.c'},"
                   " 'id': {'x-gts-ref': '/properties/some/const'}}}", 0,
                   HS_EINVAL, "a.b.c", "not a GTS identifier",
                   "x-gts-ref: a pointer to a non-GTS value");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.xref.a.v1~',"
                   " 'properties': {'id': {'x-gts-ref': '/nowhere'}}}", 0,
                   HS_EINVAL, "/nowhere", "does not point",
                   "x-gts-ref: a pointer that leads nowhere");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.xref.a.v1~',"
                   " 'properties': {'a': {'x-gts-ref': '/properties/b'},"
                   " 'b': {'x-gts-ref': '/properties/a'}}}", 0, HS_EINVAL,
                   "/properties/", "pointers", "x-gts-ref: a pointer loop");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.xref.ok.v1~',"
                " 'properties': {'some': {'const': 'gts.x.t.xref.ok.v1~'},"
                " 'a': {'x-gts-ref': '/properties/some/const'},"
                " 'b': {'x-gts-ref': './$id'},"
                " 'c': {'x-gts-ref': '/properties/b'},"
                " 'd': {'x-gts-ref': 'gts.*'},"
                " 'e': {'x-gts-ref': 'gts.x.core.events.topic.v1~'}}}",
                HS_GTS_VALIDATE, "x-gts-ref: valid forms");

    /* 9.11.1 modifiers */
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.mod.a.v1~',"
                   " 'x-gts-final': 'yes'}", 0, HS_EINVAL,
                   "gts.x.t.mod.a.v1~", "must be a boolean",
                   "9.11.1: x-gts-final is a boolean");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.mod.a.v1~',"
                   " 'x-gts-abstract': 1}", 0, HS_EINVAL,
                   "gts.x.t.mod.a.v1~", "must be a boolean",
                   "9.11.1: x-gts-abstract is a boolean");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.mod.a.v1~',"
                   " 'x-gts-final': true, 'x-gts-abstract': true}", 0,
                   HS_EINVAL, "gts.x.t.mod.a.v1~", "both",
                   "9.11.1: not both");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.mod.b.v1~',"
                   " 'allOf': [{'x-gts-final': true}]}", HS_GTS_VALIDATE,
                   HS_EINVAL, "gts.x.t.mod.b.v1~", "top level",
                   "9.11.2: x-gts-final inside allOf");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.mod.c.v1~',"
                " 'x-gts-final': false, 'x-gts-abstract': false}",
                HS_GTS_VALIDATE, "9.11.1: false is no modifier");

    /* 9.3 and 9.11.5: validation on registration */
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.chain.a.v1~"
                   "x.t._.b.v1~'}", HS_GTS_VALIDATE, HS_EINVAL,
                   "gts.x.t.chain.a.v1~", "not registered",
                   "a derived type of an unknown base");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.b.v1~',"
                   " 'allOf': [{'$ref': 'gts://gts.x.t.nowhere.base.v1~'}]}",
                   HS_GTS_VALIDATE, HS_EINVAL, "gts.x.t.nowhere.base.v1~",
                   "broken reference", "a $ref to an unknown type");
    test_add_fails(reg, "{'id': 'gts.x.t.unknown.type.v1~x.y._.z.v1'}",
                   HS_GTS_VALIDATE, HS_EINVAL, "gts.x.t.unknown.type.v1~",
                   "not registered", "an instance of an unknown type");
    test_add_ok(reg, "{'id': 'gts.x.t.unknown.type.v1~x.y._.z.v1'}", 0,
                "the same without validation (rebuild at start)");

    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.abs.base.v1~',"
                " 'x-gts-abstract': true, 'type': 'object'}",
                HS_GTS_VALIDATE, "an abstract type");
    test_add_fails(reg, "{'id': 'gts.x.t.abs.base.v1~x.vendor._.some.v1'}",
                   HS_GTS_VALIDATE, HS_EINVAL,
                   "gts.x.t.abs.base.v1~x.vendor._.some.v1", "abstract",
                   "9.11.3: an instance of an abstract type");
    test_add_fails(reg, "{'id': 'gts.x.t.abs.base.v1~7a1d2f34-5678-49ab-"
                   "9012-abcdef123456'}", HS_GTS_VALIDATE, HS_EINVAL,
                   "gts.x.t.abs.base.v1~", "abstract",
                   "9.11.3: a combined anonymous instance of it");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.abs.base.v1~"
                "x.vendor._.order.v1~', 'allOf': [{'$ref': 'gts://gts.x.t."
                "abs.base.v1~'}]}", HS_GTS_VALIDATE,
                "9.11.3: deriving from an abstract type");
    test_add_ok(reg, "{'id': 'gts.x.t.abs.base.v1~x.vendor._.order.v1~"
                "x.vendor._.placed.v1'}", HS_GTS_VALIDATE,
                "9.11.3: an instance of the concrete derived type");

    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.fin.state.v1~',"
                " 'x-gts-final': true, 'type': 'object'}", HS_GTS_VALIDATE,
                "a final type");
    test_add_ok(reg, "{'id': 'gts.x.t.fin.state.v1~x.infra._.running.v1'}",
                HS_GTS_VALIDATE, "9.11.2: a final type has instances");
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.fin.state.v1~"
                   "x.y._.sub.v1~', 'allOf': [{'$ref': 'gts://gts.x.t.fin."
                   "state.v1~'}]}", HS_GTS_VALIDATE, HS_EINVAL,
                   "gts.x.t.fin.state.v1~", "final",
                   "9.11.2: extending a final type");
    ok(hs_gts_registry_get(reg, "gts.x.t.fin.state.v1~x.y._.sub.v1~") == NULL,
       "the rejected schema is not registered");

    /* 9.7.1 and 9.11.1: schema-only keywords in instances */
    test_add_fails(reg, "{'id': 'gts.x.t.fin.state.v1~x.infra._.paused.v1',"
                   " 'x-gts-traits': {}}", HS_GTS_VALIDATE, HS_EINVAL,
                   "x-gts-traits", "schema-only",
                   "x-gts-traits in an instance");
    test_add_fails(reg, "{'id': 'gts.x.t.fin.state.v1~x.infra._.paused.v1',"
                   " 'x-gts-final': true}", HS_GTS_VALIDATE, HS_EINVAL,
                   "x-gts-final", "schema-only", "x-gts-final in an instance");

    hs_gts_registry_destroy(reg);
}


static void
test_instances(void)
{
    json_t             *js;
    hs_error_t          err;
    hs_gts_registry_t  *reg;
    char                buf[2048];

    reg = test_event_registry();

    /* OP#6 on the 5.2 event: validated against the whole chain */
    snprintf(buf, sizeof(buf), TEST_PURCHASE_INSTANCE, TEST_PURCHASE_PAYLOAD);
    test_add_ok(reg, buf, HS_GTS_VALIDATE, "OP#6: the 5.2 event");
    test_validate(reg, "e81307e5-5ee8-4c0a-8d1f-bd98a65c517e", HS_OK, NULL,
                  "OP#6: an anonymous instance by its id");

    js = test_json("{'id': 'e81307e5-5ee8-4c0a-8d1f-bd98a65c517f',"
                   " 'type': '" TEST_PURCHASE_ID "', 'timestamp': 1,"
                   " 'payload': {" TEST_PURCHASE_PAYLOAD "}, 'extra': 1}");
    is_int(hs_gts_registry_validate_doc(reg, js, &err), HS_EINVAL,
           "OP#6: the base is closed");
    like_str(err.msg, "/extra", "OP#6: the message names the property");
    like_str(err.msg, TEST_PURCHASE_ID, "OP#6: and the type");
    json_decref(js);

    js = test_json("{'id': 'a', 'type': '" TEST_PURCHASE_ID "',"
                   " 'timestamp': 1, 'payload': {'user_id': 'u',"
                   " 'user_agent': 'a', 'ip_address': 'i', 'data': {}}}");
    is_int(hs_gts_registry_validate_doc(reg, js, &err), HS_EINVAL,
           "OP#6: the most derived level's constraints");
    like_str(err.msg, "/payload/data/purchase_id", "OP#6: a property of "
             "the leaf type is required");
    json_decref(js);

    js = test_json("{'id': 'a', 'type': '" TEST_PURCHASE_ID "',"
                   " 'timestamp': 1, 'payload': {'data': {"
                   " 'purchase_id': 'p', 'amount': 1, 'currency': 'c',"
                   " 'price': 1}}}");
    is_int(hs_gts_registry_validate_doc(reg, js, &err), HS_EINVAL,
           "OP#6: the middle level's constraints");
    like_str(err.msg, "/payload/user_id", "OP#6: the audit event's field");
    json_decref(js);

    js = test_json("{'id': 'a', 'type': 'gts.x.core.events.type.v1~x.core."
                   "audit.event.v1~zzz.app.store.missing.v1~'}");
    is_int(hs_gts_registry_validate_doc(reg, js, &err), HS_EINVAL,
           "OP#6: an unknown type");
    like_str(err.msg, "is not registered", "OP#6: the reason");
    json_decref(js);

    js = test_json("{'$schema': 'x', '$id': 'gts://gts.a.b.c.d.v1~'}");
    is_int(hs_gts_registry_validate_doc(reg, js, &err), HS_EINVAL,
           "OP#6: a schema is not an instance");
    json_decref(js);

    test_validate(reg, "gts.x.nothing.here.at.v1~", HS_ENOTFOUND,
                  "not registered", "OP#6: an id that is not registered");

    /* 9.6: x-gts-ref in instances, modules example style */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t._.capability"
                ".v1~', 'type': 'object', 'required': ['id'],"
                " 'properties': {'id': {'type': 'string', 'x-gts-ref': "
                "'/$id'}}}", HS_GTS_VALIDATE, "capability type");
    test_add_ok(reg, "{'id': 'gts.x.t._.capability.v1~x.vendor._.has_ws"
                ".v1'}", HS_GTS_VALIDATE, "a capability (./$id holds)");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t._.module.v1~',"
                " 'type': 'object', 'properties': {"
                " 'type': {'type': 'string', 'x-gts-ref': '/$id'},"
                " 'capabilities': {'type': 'array', 'items': {"
                "   'type': 'string',"
                "   'x-gts-ref': 'gts.x.t._.capability.v1~'}},"
                " 'anything': {'type': 'string', 'x-gts-ref': 'gts.*'}}}",
                HS_GTS_VALIDATE, "module type");
    test_add_ok(reg, "{'type': 'gts.x.t._.module.v1~',"
                " 'id': 'gts.x.t._.module.v1~x.vendor._.chat.v1',"
                " 'capabilities': ['gts.x.t._.capability.v1~x.vendor._.has_ws"
                ".v1'], 'anything': 'gts.q.r.s.t.v1~'}", HS_GTS_VALIDATE,
                "x-gts-ref: a module with a capability");
    test_add_fails(reg, "{'type': 'gts.x.t._.module.v1~',"
                   " 'id': 'gts.x.t._.module.v1~x.vendor._.chat2.v1',"
                   " 'capabilities': ['gts.y.other._.capability.v1~x.vendor."
                   "_.foo.v1']}", HS_GTS_VALIDATE, HS_EINVAL,
                   "/capabilities/0", "does not match x-gts-ref",
                   "x-gts-ref: a capability of another type");
    test_add_fails(reg, "{'type': 'gts.x.t._.wrong.v1~',"
                   " 'id': 'gts.x.t._.module.v1~x.vendor._.chat3.v1'}",
                   HS_GTS_VALIDATE, HS_EINVAL, "/type",
                   "does not match x-gts-ref \"gts.x.t._.module.v1~\"",
                   "x-gts-ref ./$id: the type field differs from $id");
    test_add_fails(reg, "{'id': 'gts.x.t._.module.v1~x.vendor._.chat4.v1',"
                   " 'anything': 'not-gts'}", HS_GTS_VALIDATE, HS_EINVAL,
                   "/anything", "must be a GTS identifier",
                   "x-gts-ref gts.*: any GTS identifier, nothing else");

    hs_gts_registry_destroy(reg);
}


static void
test_relationships(void)
{
    json_t             *g, *ents;
    hs_error_t          err;
    hs_gts_registry_t  *reg;
    char                buf[2048];

    reg = test_event_registry();
    snprintf(buf, sizeof(buf), TEST_PURCHASE_INSTANCE, TEST_PURCHASE_PAYLOAD);
    test_add_ok(reg, buf, 0, "OP#7: the 5.2 event");

    g = hs_gts_registry_relationships(reg, "e81307e5-5ee8-4c0a-8d1f-"
                                      "bd98a65c517e", &err);
    if (ok(g != NULL, "OP#7: graph of the event")) {
        ents = json_object_get(g, "entities");
        ok(json_is_true(json_object_get(g, "ok")), "OP#7: no broken refs");
        is_int(json_object_size(ents), 4, "OP#7: the event and 3 types");
        ok(json_object_get(ents, "gts.x.core.events.type.v1~") != NULL,
           "OP#7: the base is reached through the chain");
        is_str(json_string_value(json_object_get(json_array_get(
               json_object_get(json_object_get(ents, "e81307e5-5ee8-4c0a-"
               "8d1f-bd98a65c517e"), "refs"), 0), "via")), "type",
               "OP#7: an instance refers to its type");
        is_int(json_array_size(json_object_get(json_object_get(ents,
               "gts.x.core.events.type.v1~"), "refs")), 0,
               "OP#7: the base refers to nothing");
    }
    json_decref(g);

    /* broken references, registered without validation */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.test7.broken."
                "schema.v1.0~', 'allOf': [{'$ref': 'gts://gts.x.nonexistent"
                ".base.type.v1~'}, {'properties': {'topic': {'type': "
                "'string', 'x-gts-ref': 'gts.x.core.events.topic.v1~'}}}]}",
                0, "OP#7: a schema with a broken $ref");
    g = hs_gts_registry_relationships(reg, "gts.x.test7.broken.schema.v1.0~",
                                      &err);
    if (ok(g != NULL, "OP#7: graph of the broken schema")) {
        ok(json_is_false(json_object_get(g, "ok")), "OP#7: it is broken");
        is_str(json_string_value(json_object_get(json_array_get(
               json_object_get(g, "broken"), 0), "to")),
               "gts.x.nonexistent.base.type.v1~", "OP#7: the missing type");
        is_str(json_string_value(json_object_get(json_array_get(
               json_object_get(g, "broken"), 0), "via")), "$ref",
               "OP#7: through a $ref");
        is_int(json_array_size(json_object_get(g, "broken")), 1,
               "OP#7: a literal x-gts-ref type is a relationship, not a "
               "broken reference");
        ok(json_is_false(json_object_get(json_object_get(json_object_get(g,
           "entities"), "gts.x.core.events.topic.v1~"), "registered")),
           "OP#7: the x-gts-ref target is listed as not registered");
    }
    json_decref(g);
    test_validate(reg, "gts.x.test7.broken.schema.v1.0~", HS_EINVAL,
                  "broken reference", "OP#7: validation reports it");

    ok(hs_gts_registry_relationships(reg, "gts.x.none.none.none.v1~", &err)
       == NULL, "OP#7: not registered");

    /* cycles between GTS schemas */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.cyc.self.a.v1~',"
                " 'allOf': [{'$ref': 'gts://gts.x.cyc.self.a.v1~'}]}", 0,
                "a schema that refers to itself");
    test_validate(reg, "gts.x.cyc.self.a.v1~", HS_EINVAL, "cyclic",
                  "a self reference is a cycle");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.cyc.two.a.v1~',"
                " 'properties': {'b': {'$ref': 'gts://gts.x.cyc.two.b.v1~'}}}",
                0, "A refers to B");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.cyc.two.b.v1~',"
                " 'properties': {'a': {'$ref': 'gts://gts.x.cyc.two.a.v1~'}}}",
                0, "B refers to A");
    test_validate(reg, "gts.x.cyc.two.b.v1~", HS_EINVAL,
                  "gts.x.cyc.two.b.v1~ -> gts.x.cyc.two.a.v1~ -> "
                  "gts.x.cyc.two.b.v1~", "a two-schema cycle, named");

    hs_gts_registry_destroy(reg);
}


/* Registers base, then derived over it, and validates derived. */
static void
test_derive(const char *base_props, const char *derived_overlay,
    hs_rc_t want, const char *like, const char *name)
{
    hs_gts_registry_t  *reg;
    char                buf[2048];

    reg = hs_gts_registry_create(NULL);

    snprintf(buf, sizeof(buf), "{'$schema': 'x', '$id': 'gts://gts.x.d.base"
             ".item.v1~', 'type': 'object', %s}", base_props);
    test_add_ok(reg, buf, HS_GTS_VALIDATE, name);

    snprintf(buf, sizeof(buf), "{'$schema': 'x', '$id': 'gts://gts.x.d.base"
             ".item.v1~x.d._.derived.v1~', 'type': 'object', 'allOf': ["
             "{'$ref': 'gts://gts.x.d.base.item.v1~'}, %s]}",
             derived_overlay);
    test_add_ok(reg, buf, 0, name);

    test_validate(reg, "gts.x.d.base.item.v1~x.d._.derived.v1~", want, like,
                  name);

    hs_gts_registry_destroy(reg);
}


static void
test_derivation(void)
{
    hs_gts_registry_t  *reg;

    /* 3.1: what a derived schema may and may not do */
    test_derive("'properties': {'name': {'type': 'string', 'maxLength': 100}}",
                "{'properties': {'name': {'type': 'string', "
                "'maxLength': 50}}}", HS_OK, NULL,
                "OP#12: tightening maxLength");
    test_derive("'properties': {'s': {'enum': ['a', 'b', 'c']}}",
                "{'properties': {'s': {'enum': ['a', 'b']}}}", HS_OK, NULL,
                "OP#12: narrowing an enum");
    test_derive("'properties': {'n': {'type': 'integer', 'minimum': 0}}",
                "{'properties': {'n': {'type': 'integer', 'minimum': 10}}}",
                HS_OK, NULL, "OP#12: increasing a minimum");
    test_derive("'properties': {'payload': {'type': 'object'}}",
                "{'properties': {'payload': {'type': 'object', 'properties':"
                " {'orderId': {'type': 'string'}}, 'required': ['orderId'],"
                " 'additionalProperties': false}}}", HS_OK, NULL,
                "OP#12: specifying an open nested object");
    test_derive("'properties': {'id': {'type': 'string'}}",
                "{'properties': {'extra': {'type': 'string'}}}", HS_OK, NULL,
                "OP#12: a new property in an open model");
    test_derive("'properties': {'id': {'type': 'string'}},"
                " 'additionalProperties': false",
                "{'properties': {'id': {'type': 'string'}}}", HS_OK, NULL,
                "OP#12: an overlay that leaves additionalProperties out "
                "keeps the base's");
    test_derive("'properties': {'n': {'type': 'number'}}",
                "{'properties': {'n': {'type': 'integer'}}}", HS_OK, NULL,
                "OP#12: number narrowed to integer");
    test_derive("'properties': {'s': {'type': 'string', 'maxLength': 5}}",
                "{'properties': {'s': {'const': 'abc'}}}", HS_OK, NULL,
                "OP#12: a const that satisfies the base");
    test_derive("'properties': {'id': {'type': 'string'}},"
                " 'required': ['id']",
                "{'required': []}", HS_OK, NULL,
                "OP#12: required lists are a union");

    test_derive("'properties': {'id': {'type': 'string'}},"
                " 'additionalProperties': false",
                "{'properties': {'tier': {'type': 'string'}}}", HS_EINVAL,
                "/properties/tier", "OP#12: a new property in a closed "
                "model (3.1)");
    test_derive("'properties': {'profile': {'type': 'object',"
                " 'properties': {'name': {'type': 'string'}},"
                " 'additionalProperties': false}}",
                "{'properties': {'profile': {'type': 'object', 'properties':"
                " {'nickname': {'type': 'string'}}}}}", HS_EINVAL,
                "/properties/profile/properties/nickname",
                "OP#12: a new property in a closed nested object");
    test_derive("'properties': {'id': {'type': 'string'}},"
                " 'additionalProperties': false",
                "{'additionalProperties': true}", HS_EINVAL,
                "additionalProperties", "OP#12: reopening a closed model");
    test_derive("'properties': {'name': {'type': 'string', 'maxLength': 50}}",
                "{'properties': {'name': {'type': 'string', "
                "'maxLength': 100}}}", HS_EINVAL, "maxLength",
                "OP#12: loosening maxLength");
    test_derive("'properties': {'name': {'type': 'string', 'maxLength': 50}}",
                "{'properties': {'name': {'type': 'string'}}}", HS_EINVAL,
                "maxLength", "OP#12: dropping a constraint");
    test_derive("'properties': {'s': {'enum': ['a', 'b']}}",
                "{'properties': {'s': {'enum': ['a', 'd']}}}", HS_EINVAL,
                "\"d\"", "OP#12: an enum value the base does not allow");
    test_derive("'properties': {'n': {'type': 'integer'}}",
                "{'properties': {'n': {'type': 'number'}}}", HS_EINVAL,
                "type", "OP#12: integer widened to number");
    test_derive("'properties': {'name': {'type': 'string'}},"
                " 'required': ['name']",
                "{'properties': {'name': {'type': ['string', 'null']}}}",
                HS_EINVAL, "null", "OP#12: a required property made "
                "nullable");
    test_derive("'properties': {'n': {'type': 'integer', 'minimum': 42}}",
                "{'properties': {'n': {'type': 'integer', 'const': 32}}}",
                HS_EINVAL, "32", "OP#12: a const below the base's minimum");
    test_derive("'properties': {'s': {'type': 'string', "
                "'pattern': '^[a-z]+$'}}",
                "{'properties': {'s': {'type': 'string', "
                "'pattern': '^[0-9]+$'}}}", HS_EINVAL, "pattern",
                "OP#12: another pattern");
    test_derive("'properties': {'t': {'type': 'array', 'items': {'type': "
                "'string', 'maxLength': 50}}}",
                "{'properties': {'t': {'type': 'array'}}}", HS_EINVAL,
                "items", "OP#12: dropping items");
    test_derive("'properties': {'u': {'oneOf': [{'type': 'string'},"
                " {'type': 'integer'}]}}",
                "{'properties': {'u': {'type': 'string'}}}", HS_EINVAL,
                "oneOf", "OP#12: a keyword that is not modelled must stay");

    /* 3 levels: each derived type against its own base */
    reg = hs_gts_registry_create(NULL);
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.d.score.item.v1~',"
                " 'type': 'object', 'properties': {'points': {'type': "
                "'integer', 'maximum': 1000}}}", 0, "3 levels: base");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.d.score.item.v1~"
                "x.d._.l2.v1~', 'allOf': [{'$ref': 'gts://gts.x.d.score.item"
                ".v1~'}, {'properties': {'points': {'type': 'integer',"
                " 'maximum': 500}}}]}", 0, "3 levels: L2 tightens");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.d.score.item.v1~"
                "x.d._.l2.v1~x.d._.l3.v1~', 'allOf': [{'$ref': 'gts://gts.x.d"
                ".score.item.v1~x.d._.l2.v1~'}, {'properties': {'points':"
                " {'type': 'integer', 'maximum': 800}}}]}", 0,
                "3 levels: L3 loosens L2");
    test_validate(reg, "gts.x.d.score.item.v1~x.d._.l2.v1~", HS_OK, NULL,
                  "OP#12: L2 is valid");
    test_validate(reg, "gts.x.d.score.item.v1~x.d._.l2.v1~x.d._.l3.v1~",
                  HS_EINVAL, "\"maximum\": 500",
                  "OP#12: L3 breaks L2's constraint");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.d.score.item.v1~"
                "x.d._.w2.v1~', 'allOf': [{'$ref': 'gts://gts.x.d.score.item"
                ".v1~'}, {'properties': {'points': {'type': 'number'}}}]}",
                0, "3 levels: W2 widens to number");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.d.score.item.v1~"
                "x.d._.w2.v1~x.d._.w3.v1~', 'allOf': [{'$ref': 'gts://gts.x."
                "d.score.item.v1~x.d._.w2.v1~'}, {'properties': {'points':"
                " {'type': 'integer', 'maximum': 10}}}]}", 0,
                "3 levels: W3 narrows back");
    test_validate(reg, "gts.x.d.score.item.v1~x.d._.w2.v1~x.d._.w3.v1~",
                  HS_EINVAL, "gts.x.d.score.item.v1~x.d._.w2.v1~ is not "
                  "compatible with its base gts.x.d.score.item.v1~",
                  "OP#12: a chain with a bad middle link fails");

    /* 9.11.2: final anywhere in the chain */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.d.score.item.v1~"
                "x.d._.f2.v1~', 'x-gts-final': true, 'allOf': [{'$ref': "
                "'gts://gts.x.d.score.item.v1~'}]}", HS_GTS_VALIDATE,
                "a final derived type");
    test_validate(reg, "gts.x.d.score.item.v1~x.d._.f2.v1~", HS_OK, NULL,
                  "9.11.2: a final type itself is valid");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.d.score.item.v1~"
                "x.d._.f2.v1~x.d._.f3.v1~', 'allOf': [{'$ref': 'gts://gts.x."
                "d.score.item.v1~x.d._.f2.v1~'}]}", 0, "below the final");
    test_validate(reg, "gts.x.d.score.item.v1~x.d._.f2.v1~x.d._.f3.v1~",
                  HS_EINVAL, "is final", "9.11.2: mid-chain final");
    test_validate(reg, "gts.x.d.score.item.v1~x.d._.l2.v1~", HS_OK, NULL,
                  "9.11.2: a sibling of the final type is unaffected");

    hs_gts_registry_destroy(reg);

    /* 5.2: the whole chain is a valid derivation */
    reg = test_event_registry();
    test_validate(reg, TEST_PURCHASE_ID, HS_OK, NULL,
                  "OP#12: the 5.2 chain");
    hs_gts_registry_destroy(reg);
}


static void
test_traits(void)
{
    json_t             *t;
    hs_error_t          err;
    hs_gts_registry_t  *reg;

    reg = hs_gts_registry_create(NULL);

    /* 9.7.2 inline trait schema, 9.7.3 values, 9.7.4 both in one */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.type"
                ".v1~', 'type': 'object', 'x-gts-traits-schema': {"
                " 'type': 'object', 'additionalProperties': false,"
                " 'properties': {"
                "  'topicRef': {'type': 'string',"
                "   'x-gts-ref': 'gts.x.core.events.topic.v1~',"
                "   'default': 'gts.x.core.events.topic.v1~x.core._.default"
                ".v1'},"
                "  'retention': {'type': 'string', 'default': 'P30D'}}}}",
                HS_GTS_VALIDATE, "9.7.2: trait schema");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.type"
                ".v1~x.commerce.orders.order_placed.v1.0~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.type.v1~'},"
                " {'x-gts-traits': {"
                "   'topicRef': 'gts.x.core.events.topic.v1~x.commerce._."
                "orders.v1', 'retention': 'P90D'}}]}", HS_GTS_VALIDATE,
                "9.7.3: trait values");
    t = hs_gts_registry_traits(reg, "gts.x.core.events.type.v1~x.commerce."
                               "orders.order_placed.v1.0~", &err);
    is_str(json_string_value(json_object_get(t, "retention")), "P90D",
           "OP#13: the effective traits have the derived value");
    json_decref(t);

    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.type"
                ".v1~x.core.audit.event.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.type.v1~'},"
                " {'x-gts-traits-schema': {'type': 'object', 'properties': {"
                "   'auditRetention': {'type': 'string', "
                "'default': 'P365D'}}},"
                "  'x-gts-traits': {'topicRef': "
                "'gts.x.core.events.topic.v1~x.core._.audit.v1'}}]}", 0,
                "9.7.4: both keywords");
    test_validate(reg, "gts.x.core.events.type.v1~x.core.audit.event.v1~",
                  HS_EINVAL, "auditRetention",
                  "9.7.5: the base's closed trait schema rejects the new "
                  "trait (standard allOf)");

    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~', 'type': 'object', 'x-gts-traits-schema': {"
                " 'type': 'object', 'properties': {"
                "  'topicRef': {'type': 'string'},"
                "  'retention': {'type': 'string', 'default': 'P30D'}}}}",
                0, "an open trait schema");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~x.core.audit.event.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.open.v1~'},"
                " {'x-gts-traits-schema': {'type': 'object', 'properties': {"
                "   'auditRetention': {'type': 'string', "
                "'default': 'P365D'}}},"
                "  'x-gts-traits': {'topicRef': 'audit'}}]}", 0,
                "9.7.4: both keywords, open base");
    test_validate(reg, "gts.x.core.events.open.v1~x.core.audit.event.v1~",
                  HS_OK, NULL, "9.7.4: valid");
    t = hs_gts_registry_traits(reg, "gts.x.core.events.open.v1~x.core.audit"
                               ".event.v1~", &err);
    ok(t != NULL && json_object_size(t) == 3, "OP#13: values and defaults "
       "merged");
    is_str(json_string_value(json_object_get(t, "auditRetention")), "P365D",
           "OP#13: the mid-level default");
    is_str(json_string_value(json_object_get(t, "retention")), "P30D",
           "OP#13: the base default");
    json_decref(t);

    /* 9.7.5: immutable values and defaults */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~x.core.audit.event.v1~x.app._.notify.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.open.v1~x.core.audit"
                ".event.v1~'}, {'x-gts-traits': {'topicRef': 'other'}}]}", 0,
                "a leaf that overrides a set trait");
    test_validate(reg, "gts.x.core.events.open.v1~x.core.audit.event.v1~"
                  "x.app._.notify.v1~", HS_EINVAL, "immutable",
                  "9.7.5: a trait value set by an ancestor cannot change");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~x.core.audit.event.v1~x.app._.same.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.open.v1~x.core.audit"
                ".event.v1~'}, {'x-gts-traits': {'topicRef': 'audit'}}]}", 0,
                "a leaf that restates a set trait");
    test_validate(reg, "gts.x.core.events.open.v1~x.core.audit.event.v1~"
                  "x.app._.same.v1~", HS_OK, NULL,
                  "9.7.5: the same value is allowed");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~x.app._.redefault.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.open.v1~'},"
                " {'x-gts-traits-schema': {'type': 'object', 'properties': {"
                "   'retention': {'type': 'string', 'default': 'P90D'}}},"
                "  'x-gts-traits': {'topicRef': 't'}}]}", 0,
                "a changed default");
    test_validate(reg, "gts.x.core.events.open.v1~x.app._.redefault.v1~",
                  HS_EINVAL, "default of trait \"retention\"",
                  "9.7.5: a default declared by an ancestor cannot change");

    /* completeness and constraints */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~x.app._.missing.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.open.v1~'}]}", 0,
                "a leaf without topicRef");
    test_validate(reg, "gts.x.core.events.open.v1~x.app._.missing.v1~",
                  HS_EINVAL, "\"topicRef\" is not resolved",
                  "9.7.5: a trait without a value or default");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~x.app._.wrongtype.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.open.v1~'},"
                " {'x-gts-traits': {'topicRef': 42}}]}", 0,
                "a trait of the wrong type");
    test_validate(reg, "gts.x.core.events.open.v1~x.app._.wrongtype.v1~",
                  HS_EINVAL, "/topicRef", "9.7.5: trait values are "
                  "validated");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.type"
                ".v1~x.app._.badref.v1~', 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.type.v1~'},"
                " {'x-gts-traits': {'topicRef': 'gts.x.other.topic.t.v1~'}}]}",
                0, "a trait against its x-gts-ref");
    test_validate(reg, "gts.x.core.events.type.v1~x.app._.badref.v1~",
                  HS_EINVAL, "x-gts-ref", "9.7: x-gts-ref in trait schemas");

    /* 9.11.4: abstract and final types */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.open"
                ".v1~x.app._.abs.v1~', 'x-gts-abstract': true, 'allOf': ["
                " {'$ref': 'gts://gts.x.core.events.open.v1~'}]}", 0,
                "an abstract type with unresolved traits");
    test_validate(reg, "gts.x.core.events.open.v1~x.app._.abs.v1~", HS_OK,
                  NULL, "9.11.4: abstract types need not resolve traits");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.fin.traits.v1~',"
                " 'x-gts-final': true, 'x-gts-traits-schema': {'type': "
                "'object', 'properties': {'ttl': {'type': 'integer'}}}}", 0,
                "a final base type with an unresolved trait");
    test_validate(reg, "gts.x.t.fin.traits.v1~", HS_EINVAL, "\"ttl\"",
                  "9.11.4: final types resolve their traits");

    /* keyword forms */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.notobj.a.v1~',"
                " 'x-gts-traits-schema': {'type': 'integer'}}", 0,
                "a trait schema that is not an object");
    test_validate(reg, "gts.x.t.notobj.a.v1~", HS_EINVAL, "\"type\": "
                  "\"object\"", "9.7.1: trait schemas are objects");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.noschema.a.v1~',"
                " 'type': 'object'}", 0, "a base without a trait schema");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.noschema.a.v1~"
                "x.y._.z.v1~', 'allOf': [{'$ref': 'gts://gts.x.t.noschema.a"
                ".v1~'}, {'x-gts-traits': {'a': 1}}]}", 0,
                "traits without a trait schema");
    test_validate(reg, "gts.x.t.noschema.a.v1~x.y._.z.v1~", HS_EINVAL,
                  "without an \"x-gts-traits-schema\"",
                  "9.7: values need a trait schema");

    /* 9.7.2: reusable trait schemas by $ref, with their defaults */
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.traits."
                "retention.v1~', 'type': 'object', 'properties': {"
                " 'retention': {'type': 'string', 'default': 'P30D'}}}", 0,
                "9.7.2: RetentionTrait");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.traits.topic"
                ".v1~', 'type': 'object', 'properties': {"
                " 'topicRef': {'type': 'string',"
                "  'x-gts-ref': 'gts.x.core.events.topic.v1~'}}}", 0,
                "9.7.2: TopicTrait");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.traits.v1~',"
                " 'type': 'object', 'x-gts-traits-schema': {'type': 'object',"
                " 'allOf': [{'$ref': 'gts://gts.x.core.traits.retention.v1~'},"
                " {'$ref': 'gts://gts.x.core.traits.topic.v1~'}]}}", 0,
                "9.7.2: a composed trait schema");
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.traits.v1~"
                "x.y._.leaf.v1~', 'allOf': [{'$ref': 'gts://gts.x.t.ref.traits"
                ".v1~'}, {'x-gts-traits': {'topicRef': "
                "'gts.x.core.events.topic.v1~x.y._.orders.v1'}}]}",
                HS_GTS_VALIDATE, "9.7.2: a leaf of it");
    t = hs_gts_registry_traits(reg, "gts.x.t.ref.traits.v1~x.y._.leaf.v1~",
                               &err);
    is_str(json_string_value(json_object_get(t, "retention")), "P30D",
           "OP#13: a default from a $ref'd trait schema");
    json_decref(t);
    test_add_fails(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t.ref.traits"
                   ".v1~x.y._.leaf2.v1~', 'allOf': [{'$ref': 'gts://gts.x.t."
                   "ref.traits.v1~'}]}", HS_GTS_VALIDATE, HS_EINVAL,
                   "\"topicRef\" is not resolved", NULL,
                   "9.7.2: a leaf missing a $ref'd trait");

    hs_gts_registry_destroy(reg);
}


/* OP#8 between two versions given as property/required JSON. */
static void
test_compat_one(const char *v10, const char *v11, int backward, int forward,
    const char *why_back, const char *name)
{
    hs_rc_t             rc;
    hs_error_t          err;
    hs_gts_compat_t     c;
    hs_gts_registry_t  *reg;
    char                buf[2048];
    char               *dump;

    reg = hs_gts_registry_create(NULL);
    snprintf(buf, sizeof(buf), "{'$schema': 'x', '$id': 'gts://gts.x.c.t"
             ".item.v1.0~', 'type': 'object', %s}", v10);
    test_add_ok(reg, buf, HS_GTS_VALIDATE, name);
    snprintf(buf, sizeof(buf), "{'$schema': 'x', '$id': 'gts://gts.x.c.t"
             ".item.v1.1~', 'type': 'object', %s}", v11);
    test_add_ok(reg, buf, HS_GTS_VALIDATE, name);

    rc = hs_gts_registry_compat(reg, "gts.x.c.t.item.v1.0~",
                                "gts.x.c.t.item.v1.1~", &c, &err);
    if (is_int(rc, HS_OK, "OP#8 %s: compared", name)) {
        is_int(c.backward, backward, "OP#8 %s: backward", name);
        is_int(c.forward, forward, "OP#8 %s: forward", name);
        is_int(c.full, backward && forward, "OP#8 %s: full", name);
        ok(json_array_size(c.backward_errors) == 0 ? backward : !backward,
           "OP#8 %s: reasons only when not backward", name);
        if (why_back != NULL) {
            dump = json_dumps(c.backward_errors, 0);
            like_str(dump, why_back, "OP#8 %s: the reason", name);
            free(dump);
        }
    }
    hs_gts_compat_release(&c);
    hs_gts_registry_destroy(reg);
}


static void
test_compat(void)
{
    size_t              i, k, len;
    hs_rc_t             rc;
    hs_error_t          err;
    hs_gts_compat_t     c;
    hs_gts_registry_t  *reg;
    char                deep[4096];

    /* 4.4.1: forward only */
    test_compat_one("'required': ['host', 'port', 'database'],"
                    " 'properties': {'host': {'type': 'string'},"
                    " 'port': {'type': 'integer', 'minimum': 1, "
                    "'maximum': 65535}, 'database': {'type': 'string'},"
                    " 'timeout': {'type': 'integer', 'minimum': 1,"
                    " 'default': 30}}, 'additionalProperties': false",
                    "'required': ['host', 'port', 'database', 'timeout'],"
                    " 'properties': {'host': {'type': 'string'},"
                    " 'port': {'type': 'integer', 'minimum': 1, "
                    "'maximum': 65535}, 'database': {'type': 'string'},"
                    " 'timeout': {'type': 'integer', 'minimum': 1}},"
                    " 'additionalProperties': false", 0, 1,
                    "\\\"timeout\\\" is required",
                    "4.4.1 optional field made required");

    /* 4.3 table rows, by the definitions of 4.1 */
    test_compat_one("'properties': {'a': {'type': 'string'}},"
                    " 'additionalProperties': false",
                    "'properties': {'a': {'type': 'string'}, 'b': {'type': "
                    "'string'}}, 'additionalProperties': false", 1, 0, NULL,
                    "adding an optional property, closed model");
    test_compat_one("'properties': {'a': {'type': 'string'}}",
                    "'properties': {'a': {'type': 'string'}, 'b': {'type': "
                    "'string', 'default': 'x'}}", 1, 1, NULL,
                    "adding an optional property, open model");
    test_compat_one("'properties': {'a': {'type': 'string'}, 'b': {'type': "
                    "'string'}}", "'properties': {'a': {'type': 'string'}}",
                    1, 1, NULL, "removing an optional property, open model");
    test_compat_one("'properties': {'a': {'type': 'string'}, 'b': {'type': "
                    "'string'}}, 'additionalProperties': false",
                    "'properties': {'a': {'type': 'string'}},"
                    " 'additionalProperties': false", 0, 1,
                    "/properties/b", "removing an optional property, closed "
                    "model");
    test_compat_one("'properties': {'a': {'type': 'string'}},"
                    " 'required': ['a']",
                    "'properties': {'a': {'type': 'string'}}", 1, 0, NULL,
                    "changing required to optional");
    test_compat_one("'properties': {'a': {'type': 'integer'}}",
                    "'properties': {'a': {'type': 'number'}}", 1, 0, NULL,
                    "widening integer to number");
    test_compat_one("'properties': {'q': {'type': 'integer', 'maximum': "
                    "1000}}", "'properties': {'q': {'type': 'integer', "
                    "'maximum': 100}}", 0, 1, "\\\"maximum\\\": 100",
                    "tightening a maximum");
    test_compat_one("'properties': {'n': {'type': 'string', 'minLength': 3,"
                    " 'maxLength': 50}}", "'properties': {'n': {'type': "
                    "'string', 'minLength': 1, 'maxLength': 100}}", 1, 0,
                    NULL, "relaxing string lengths");
    test_compat_one("'required': ['a'], 'properties': {'a': {'type': "
                    "'string'}}", "'required': ['a', 'b'], 'properties': "
                    "{'a': {'type': 'string'}, 'b': {'type': 'string'}}", 0,
                    1, "\\\"b\\\" is required",
                    "adding a required property, open model");
    test_compat_one("'properties': {'c': {'type': 'number'}}",
                    "'properties': {'c': {'type': 'string'}}", 0, 0,
                    "/properties/c", "changing a property's type");
    test_compat_one("'required': ['a'], 'properties': {'a': {'type': "
                    "'string'}}, 'additionalProperties': false",
                    "'required': ['b'], 'properties': {'b': {'type': "
                    "'string'}}, 'additionalProperties': false", 0, 0, NULL,
                    "renaming a property");
    /*
     * 4.3 marks "adding a new enum value" as forward compatible only,
     * against its own note and the definitions of 4.1: the old data's
     * values stay valid for the new consumer (backward), while the old
     * consumer rejects the new value (not forward). See docs/gts.md.
     */
    test_compat_one("'properties': {'s': {'enum': ['active', 'inactive']}}",
                    "'properties': {'s': {'enum': ['active', 'inactive', "
                    "'pending']}}", 1, 0, NULL, "adding an enum value");
    test_compat_one("'properties': {'o': {'type': 'object', 'properties': "
                    "{'x': {'type': 'string'}}}}", "'properties': {'o': "
                    "{'type': 'object', 'properties': {'x': {'type': "
                    "'string'}, 'y': {'type': 'string'}}}}", 1, 1, NULL,
                    "a nested optional property, open model");
    test_compat_one("'properties': {'l': {'type': 'array', 'items': {"
                    "'type': 'object', 'required': ['id'], 'properties': {"
                    "'id': {'type': 'string'}}}}}", "'properties': {'l': "
                    "{'type': 'array', 'items': {'type': 'object', "
                    "'required': ['id'], 'properties': {'id': {'type': "
                    "'string'}, 'label': {'type': 'string'}}}}}", 1, 1, NULL,
                    "an optional property of array items");

    /* 4.4.2 and 4.4.3 on the base event of 4.4.2 */
    reg = hs_gts_registry_create(NULL);
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.core.events.type"
                ".v1~', 'type': 'object', 'required': ['id', 'type', "
                "'timestamp'], 'properties': {'id': {'type': 'string'},"
                " 'type': {'type': 'string'}, 'timestamp': {'type': "
                "'integer'}, 'payload': {'type': 'object', "
                "'additionalProperties': true}}, 'additionalProperties': "
                "false}", HS_GTS_VALIDATE, "4.4.2 base event");
#define TEST_REQ(minor, extra)                                                \
    "{'$schema': 'x', '$id': 'gts://gts.x.core.events.type.v1~x.api.users"    \
    ".create_request.v1." minor "~', 'type': 'object', 'allOf': ["            \
    "{'$ref': 'gts://gts.x.core.events.type.v1~'}, {'properties': {"          \
    "'payload': {'type': 'object', 'required': ['email', 'name'],"            \
    " 'properties': {'email': {'type': 'string', 'format': 'email'},"         \
    " 'name': {'type': 'string'}" extra "}, 'additionalProperties': "         \
    "false}}}]}"
    test_add_ok(reg, TEST_REQ("0", ""), HS_GTS_VALIDATE, "4.4.2 v1.0");
    test_add_ok(reg, TEST_REQ("1", ", 'phoneNumber': {'type': 'string'}"),
                HS_GTS_VALIDATE, "4.4.2 v1.1");
    rc = hs_gts_registry_compat(reg, "gts.x.core.events.type.v1~x.api.users."
                                "create_request.v1.0~", "gts.x.core.events"
                                ".type.v1~x.api.users.create_request.v1.1~",
                                &c, &err);
    ok(rc == HS_OK && c.backward && !c.forward && !c.full,
       "OP#8 4.4.2: backward, not forward (closed payload)");
    hs_gts_compat_release(&c);

#define TEST_ORD(minor, extra)                                                \
    "{'$schema': 'x', '$id': 'gts://gts.x.core.events.type.v1~x.commerce"     \
    ".orders.order_placed.v1." minor "~', 'type': 'object', 'allOf': ["       \
    "{'$ref': 'gts://gts.x.core.events.type.v1~'}, {'properties': {"          \
    "'type': {'const': 'gts.x.core.events.type.v1~x.commerce.orders."         \
    "order_placed.v1." minor "~'},"                                           \
    "'payload': {'type': 'object', 'required': ['orderId', 'customerId',"     \
    " 'totalAmount'], 'properties': {'orderId': {'type': 'string'},"          \
    " 'customerId': {'type': 'string'}, 'totalAmount': {'type': 'number'}"    \
    extra "}, 'additionalProperties': true}}}]}"
    test_add_ok(reg, TEST_ORD("0", ""), HS_GTS_VALIDATE, "4.4.3 v1.0");
    test_add_ok(reg, TEST_ORD("1", ", 'currency': {'type': 'string', "
                "'default': 'USD'}"), HS_GTS_VALIDATE, "4.4.3 v1.1");
    rc = hs_gts_registry_compat(reg, "gts.x.core.events.type.v1~x.commerce."
                                "orders.order_placed.v1.0~", "gts.x.core."
                                "events.type.v1~x.commerce.orders.order_"
                                "placed.v1.1~", &c, &err);
    ok(rc == HS_OK && c.backward && c.forward && c.full,
       "OP#8 4.4.3: fully compatible, including the type const that "
       "moved from v1.0 to v1.1 (the note of 4.4.3)");
    hs_gts_compat_release(&c);

    rc = hs_gts_registry_compat(reg, "gts.x.core.events.type.v1~",
                                "gts.x.core.events.type.v1~x.commerce."
                                "orders.order_placed.v1.1~", &c, &err);
    is_int(rc, HS_EINVAL, "OP#8: a base and a derived type are not versions");
    like_str(err.msg, "not versions of one type", "OP#8: the reason");
    hs_gts_compat_release(&c);
    rc = hs_gts_registry_compat(reg, "gts.x.core.events.type.v1~",
                                "gts.x.core.events.type.v9~", &c, &err);
    is_int(rc, HS_EINVAL, "OP#8: an unknown type");
    hs_gts_compat_release(&c);
    hs_gts_registry_destroy(reg);

    /* five documents of 60 levels each, chained by "$ref"s */
    reg = hs_gts_registry_create(NULL);
    for (i = 0; i < 5; i++) {
        len = (size_t) snprintf(deep, sizeof(deep), "{'$schema': 'x', "
                                "'$id': 'gts://gts.x.deep.d%zu.t.v1~', "
                                "'type': 'object'", i);
        for (k = 0; k < 60; k++) {
            len += (size_t) snprintf(deep + len, sizeof(deep) - len,
                                     ", 'properties': {'p': {'type': "
                                     "'object'");
        }
        if (i < 4) {
            len += (size_t) snprintf(deep + len, sizeof(deep) - len,
                                     ", 'allOf': [{'$ref': 'gts://gts.x."
                                     "deep.d%zu.t.v1~'}]", i + 1);
        }
        for (k = 0; k < 60; k++) {
            len += (size_t) snprintf(deep + len, sizeof(deep) - len, "}}");
        }
        snprintf(deep + len, sizeof(deep) - len, "}");
        test_add_ok(reg, deep, 0, "a 60-level document");
    }
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.deep.d0.t.v1.1~',"
                " 'allOf': [{'$ref': 'gts://gts.x.deep.d0.t.v1~'}]}", 0,
                "a version of the first one");
    rc = hs_gts_registry_compat(reg, "gts.x.deep.d0.t.v1~",
                                "gts.x.deep.d0.t.v1.1~", &c, &err);
    is_int(rc, HS_EINVAL, "OP#8: 300 levels once the $refs are followed");
    like_str(err.msg, "nests more than 256 levels", "OP#8: the reason");
    hs_gts_compat_release(&c);
    hs_gts_registry_destroy(reg);
#undef TEST_REQ
#undef TEST_ORD
}


static void
test_cast(void)
{
    json_t             *r, *ce;
    hs_error_t          err;
    hs_gts_registry_t  *reg;

    reg = hs_gts_registry_create(NULL);
    test_add_ok(reg, "{'$schema': 'x', '$id': 'gts://gts.x.t9.events.type"
                ".v1~', 'type': 'object', 'required': ['id', 'type'],"
                " 'properties': {'id': {'type': 'string'}, 'type': {'type':"
                " 'string'}, 'payload': {'type': 'object'}},"
                " 'additionalProperties': false}", HS_GTS_VALIDATE,
                "OP#9 base");
#define TEST_EV(minor, extra, ap)                                             \
    "{'$schema': 'x', '$id': 'gts://gts.x.t9.events.type.v1~x.commerce."      \
    "orders.order_placed.v1." minor "~', 'type': 'object', 'allOf': ["        \
    "{'$ref': 'gts://gts.x.t9.events.type.v1~'}, {'properties': {"            \
    "'type': {'const': 'gts.x.t9.events.type.v1~x.commerce.orders."           \
    "order_placed.v1." minor "~'},"                                           \
    "'payload': {'type': 'object', 'required': ['orderId'],"                  \
    " 'properties': {'orderId': {'type': 'string'}" extra "},"                \
    " 'additionalProperties': " ap "}}}]}"
    test_add_ok(reg, TEST_EV("0", "", "false"), HS_GTS_VALIDATE, "OP#9 v1.0");
    test_add_ok(reg, TEST_EV("1", ", 'new_field_in_v1_1': {'type': "
                "'string', 'default': 'some_value'}", "false"),
                HS_GTS_VALIDATE, "OP#9 v1.1");
    test_add_ok(reg, "{'type': 'gts.x.t9.events.type.v1~x.commerce.orders."
                "order_placed.v1.0~', 'id': 'gts.x.t9.events.type.v1~x."
                "commerce.orders.order_placed.v1.0~x.y.some.instance.v1.0',"
                " 'payload': {'orderId': 'o-1'}}", HS_GTS_VALIDATE,
                "OP#9 a v1.0 instance");
    test_add_ok(reg, "{'type': 'gts.x.t9.events.type.v1~x.commerce.orders."
                "order_placed.v1.1~', 'id': '8b2e3f45-6789-50bc-0123-"
                "bcdef234567', 'payload': {'orderId': 'o-2', "
                "'new_field_in_v1_1': 'v'}}", HS_GTS_VALIDATE,
                "OP#9 a v1.1 instance");

    r = hs_gts_registry_cast(reg, "gts.x.t9.events.type.v1~x.commerce."
                             "orders.order_placed.v1.0~x.y.some.instance"
                             ".v1.0", "gts.x.t9.events.type.v1~x.commerce."
                             "orders.order_placed.v1.1~", &err);
    if (ok(r != NULL, "OP#9: up-cast v1.0 to v1.1")) {
        ce = json_object_get(r, "casted_entity");
        is_str(json_string_value(json_object_get(json_object_get(ce,
               "payload"), "new_field_in_v1_1")), "some_value",
               "OP#9: the new default is filled in");
        is_str(json_string_value(json_object_get(ce, "type")),
               "gts.x.t9.events.type.v1~x.commerce.orders.order_placed"
               ".v1.1~", "OP#9: the type field moves to v1.1");
        is_str(json_string_value(json_object_get(ce, "id")),
               "gts.x.t9.events.type.v1~x.commerce.orders.order_placed"
               ".v1.1~x.y.some.instance.v1.0",
               "OP#9: so does the type part of the chained id");
        is_str(json_string_value(json_object_get(r, "direction")), "up",
               "OP#9: direction up");
        is_str(json_string_value(json_array_get(json_object_get(r,
               "added_properties"), 0)), "/payload/new_field_in_v1_1",
               "OP#9: the added property is listed");
        ok(json_is_true(json_object_get(r, "is_backward_compatible")),
           "OP#9: v1.1 reads v1.0 data");
    }
    json_decref(r);

    r = hs_gts_registry_cast(reg, "8b2e3f45-6789-50bc-0123-bcdef234567",
                             "gts.x.t9.events.type.v1~x.commerce.orders."
                             "order_placed.v1.0~", &err);
    if (ok(r != NULL, "OP#9: down-cast v1.1 to v1.0")) {
        ce = json_object_get(r, "casted_entity");
        ok(json_object_get(json_object_get(ce, "payload"),
                           "new_field_in_v1_1") == NULL,
           "OP#9: a property the closed v1.0 payload rejects is removed");
        is_str(json_string_value(json_array_get(json_object_get(r,
               "removed_properties"), 0)), "/payload/new_field_in_v1_1",
               "OP#9: and listed");
        is_str(json_string_value(json_object_get(r, "direction")), "down",
               "OP#9: direction down");
        ok(json_is_false(json_object_get(r, "is_backward_compatible"))
           && json_array_size(json_object_get(r, "incompatibility_reasons"))
              > 0, "OP#9: v1.0 does not read every v1.1 instance; why");
    }
    json_decref(r);

    ok(hs_gts_registry_cast(reg, "gts.x.t9.events.type.v1~x.commerce.orders."
                            "order_placed.v1.0~", "gts.x.t9.events.type.v1~"
                            "x.commerce.orders.order_placed.v1.1~", &err)
       == NULL, "OP#9: a schema cannot be cast");
    like_str(err.msg, "must be an instance", "OP#9: the reason");
    ok(hs_gts_registry_cast(reg, "8b2e3f45-6789-50bc-0123-bcdef234567",
                            "gts.x.t9.events.type.v1~", &err) == NULL,
       "OP#9: not another version of the type");
    like_str(err.msg, "not versions of one type", "OP#9: that reason");

    hs_gts_registry_destroy(reg);
#undef TEST_EV
}


static hs_gts_registry_t *
test_query_registry(void)
{
    hs_gts_registry_t  *reg;

    reg = hs_gts_registry_create(NULL);
    test_add_ok(reg, "{'id': 'gts.x.t10.query.event.v1.0~a.b.c.d.v1',"
                " 'status': 'active', 'category': 'order', 'n': 5,"
                " 'ref': {'topic': 'gts.x.core.events.topic.v1~abc.app._.t"
                ".v1'}}", 0, "OP#10 entity 1");
    test_add_ok(reg, "{'id': 'gts.x.t10.query.event.v1.1~a.b.c.d.v2',"
                " 'status': 'inactive', 'category': 'payment'}", 0,
                "OP#10 entity 2");
    test_add_ok(reg, "{'id': 'gts.x.t10.query.event.v2.2~a.b.c.d.v1~a.b.c.d"
                ".v2', 'status': 'active', 'category': 'email'}", 0,
                "OP#10 entity 3");
    test_add_ok(reg, "{'id': 'gts.x.t10.other.notification.v1.0~a.b.c.d.v1',"
                " 'status': 'some', 'category': 'email'}", 0,
                "OP#10 entity 4");
    test_add_ok(reg, "{'id': 'gts.x.t10_2.commerce.order.v2.0~a.b.c.d.v1',"
                " 'status': 'active', 'category': 'order'}", 0,
                "OP#10 entity 5");
    test_add_ok(reg, "{'id': '7a1d2f34-5678-49ab-9012-abcdef123456',"
                " 'type': 'gts.x.t10.query.event.v1.0~', 'status': 'active',"
                " 'category': 'anon'}", 0, "OP#10 an anonymous instance");

    return reg;
}


static size_t
test_query_n(hs_gts_registry_t *reg, const char *expr, size_t limit)
{
    size_t      n;
    json_t     *r;
    hs_error_t  err;

    r = hs_gts_registry_query(reg, expr, limit, &err);
    if (r == NULL) {
        diag("query %s: %s", expr, err.msg);
        return (size_t) -1;
    }

    n = json_array_size(r);
    json_decref(r);

    return n;
}


static void
test_query(void)
{
    size_t              i;
    hs_error_t          err;
    hs_gts_registry_t  *reg;
    static const struct {
        const char  *expr;
        size_t       limit;
        size_t       n;
    } cases[] = {
        { "gts.x.t10.query.event.v1.0~a.b.c.d.v1", 0, 1 },
        { "gts.x.t10.*", 0, 5 },
        { "gts.x.t10.*", 2, 2 },
        { "gts.x.t10.query.*", 0, 4 },
        { "gts.x.t10.query.event.v2.*", 0, 1 },
        { "gts.x.t10.query.event.v1.1~*", 0, 1 },
        { "gts.x.t10.query.event.v1.0~", 0, 2 },
        { "gts.x.t10.*[status=active]", 0, 3 },
        { "gts.x.t10.*[status=active, category=order]", 0, 1 },
        { "gts.x.t10.*[status=\"active\", category=\"order\"]", 0, 1 },
        { "gts.x.t10.*[status=active, category=*]", 0, 3 },
        { "gts.x.t10.*[n=5]", 0, 1 },
        { "gts.x.t10.*[ref.topic=\"gts.x.core.events.topic.v1~abc.*\"]", 0,
          1 },
        { "gts.x.t10.*[ref.topic=\"gts.x.core.events.topic.v1~xyz.*\"]", 0,
          0 },
        { "gts.x.t10.*[status=nonexisting, category=order]", 0, 0 },
        { "gts.nonexistent.*", 0, 0 },
        { NULL, 0, 0 }
    };
    static const char *const  bad[] = {
        "gts.x.t10.query",
        "gts.x.t10..query.v1",
        "gtsa.x.t10._.query.v1~a.b.c.d",
        "gts.x.t10.*~[status=active]",
        "gts.x.t10.*[status=active",
        "gts.x.t10.*[status]",
        "gts.x.t10.*[=x]",
        "gts.x.t10.*[a=\"x]",
        "",
        NULL
    };

    reg = test_query_registry();

    for (i = 0; cases[i].expr != NULL; i++) {
        is_int(test_query_n(reg, cases[i].expr, cases[i].limit), cases[i].n,
               "OP#10: %s (limit %zu)", cases[i].expr, cases[i].limit);
    }

    for (i = 0; bad[i] != NULL; i++) {
        ok(hs_gts_registry_query(reg, bad[i], 0, &err) == NULL,
           "OP#10: invalid query '%s'", bad[i]);
        like_str(err.msg, "Invalid query", "OP#10: '%s' says so", bad[i]);
    }

    hs_gts_registry_destroy(reg);
}


static void
test_attr(void)
{
    json_t             *v, *doc;
    hs_rc_t             rc;
    hs_error_t          err;
    hs_gts_registry_t  *reg;

    reg = hs_gts_registry_create(NULL);
    test_add_ok(reg, "{'id': 'gts.x.core.events.topic.v1~x.commerce._.orders"
                ".v1.0', 'name': 'orders', 'partitions': 16,"
                " 'dedup': {'strategy': 'by-key', 'keyPaths': "
                "['/payload/orderId', '/k']},"
                " 'records': [{'meta': {'tags': ['a', 'b']}}], 'on': true}",
                0, "OP#11 topic");

    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "name", &rc, &err);
    is_str(json_string_value(v), "orders", "OP#11: a top-level attribute");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "dedup.strategy", &rc, &err);
    is_str(json_string_value(v), "by-key", "OP#11: a nested attribute");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "dedup.keyPaths[1]", &rc, &err);
    is_str(json_string_value(v), "/k", "OP#11: an array element");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "records[0].meta.tags[1]", &rc,
                             &err);
    is_str(json_string_value(v), "b", "OP#11: arrays and objects mixed");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "partitions", &rc, &err);
    is_int(json_integer_value(v), 16, "OP#11: a number");

    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "dedup.window", &rc, &err);
    ok(v == NULL && rc == HS_ENOTFOUND, "OP#11: a missing attribute");
    like_str(err.msg, "dedup.window", "OP#11: named");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "dedup.keyPaths[9]", &rc, &err);
    ok(v == NULL && rc == HS_ENOTFOUND, "OP#11: an index past the end");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "dedup..x", &rc, &err);
    ok(v == NULL && rc == HS_EINVAL, "OP#11: an empty name");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.commerce._."
                             "orders.v1.0", "records[x]", &rc, &err);
    ok(v == NULL && rc == HS_EINVAL, "OP#11: a bad index");
    v = hs_gts_registry_attr(reg, "gts.x.core.events.topic.v1~x.none._.x.v1",
                             "name", &rc, &err);
    ok(v == NULL && rc == HS_ENOTFOUND, "OP#11: no such entity");

    doc = test_json("[{'a': 1}]");
    v = hs_gts_attr_get(doc, "[0].a", &rc, &err);
    is_int(json_integer_value(v), 1, "OP#11: a path that starts with an "
           "index");
    json_decref(doc);

    hs_gts_registry_destroy(reg);
}


/* The specification's examples (t/unit/data/gts) */

typedef struct {
    char   **paths;
    size_t   n;
    size_t   cap;
} test_files_t;


static void
test_files_walk(test_files_t *tf, const char *dir)
{
    DIR            *d;
    size_t          len;
    char            path[1024];
    struct stat     st;
    struct dirent  *de;

    d = opendir(dir);
    if (d == NULL) {
        return;
    }

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0) {
            continue;
        }

        if (S_ISDIR(st.st_mode)) {
            test_files_walk(tf, path);
            continue;
        }

        len = strlen(path);
        if (len < 5 || strcmp(path + len - 5, ".json") != 0) {
            continue;
        }

        if (tf->n == tf->cap) {
            tf->cap = tf->cap ? tf->cap * 2 : 64;
            tf->paths = realloc(tf->paths, tf->cap * sizeof(char *));
        }
        tf->paths[tf->n++] = strdup(path);
    }

    closedir(d);
}


static int
test_cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


typedef struct {
    json_t  *bad;
} test_report_t;


static void
test_report(void *data, const char *id, const char *msg)
{
    test_report_t  *r;

    r = data;
    json_object_set_new(r->bad, id, json_string(msg));
}


/* Loads the files in the given order; returns id -> failure. */
static json_t *
test_load_examples(test_files_t *tf, int reverse, size_t *count)
{
    size_t              i, k, j;
    json_t             *js, *v;
    hs_error_t          err;
    json_error_t        jerr;
    test_report_t       r;
    hs_gts_registry_t  *reg;

    reg = hs_gts_registry_create(NULL);
    r.bad = json_object();

    for (k = 0; k < tf->n; k++) {
        i = reverse ? tf->n - 1 - k : k;
        js = json_load_file(tf->paths[i], JSON_REJECT_DUPLICATES, &jerr);
        if (js == NULL) {
            json_object_set_new(r.bad, tf->paths[i], json_string(jerr.text));
            continue;
        }

        if (!json_is_array(js)) {
            v = js;
            js = json_pack("[o]", v);
        }

        json_array_foreach(js, j, v) {
            if (hs_gts_registry_add(reg, v, 0, NULL, &err) != HS_OK) {
                json_object_set_new(r.bad, tf->paths[i],
                                    json_string(err.msg));
            }
        }
        json_decref(js);
    }

    *count = hs_gts_registry_count(reg);
    hs_gts_registry_validate_all(reg, test_report, &r);

    /* everything is compiled now: the 5.2-like chain of the examples */
    js = test_json("{'type': 'gts.x.core.events.type.v1~x.commerce.orders."
                   "order_placed.v1.0~', 'id': '7a1d2f34-5678-49ab-9012-"
                   "abcdef123456', 'tenantId': '11111111-2222-3333-4444-"
                   "555555555555', 'occurredAt': '2025-09-20T18:35:00Z',"
                   " 'subjectType': 'gts.x.commerce.orders.order.v1.0~',"
                   " 'payload': {'orderId': 'af0e3c1b-8f1e-4a27-9a9b-b7b9b70c"
                   "1f01', 'customerId': '0f2e4a9b-1c3d-4e5f-8a9b-0c1d2e3f4a"
                   "5b', 'totalAmount': 1, 'items': []}}");
    if (hs_gts_registry_validate_doc(reg, js, &err) != HS_OK) {
        json_object_set_new(r.bad, "(order_placed event)",
                            json_string(err.msg));
    }
    json_decref(js);

    hs_gts_registry_destroy(reg);

    return r.bad;
}


static void
test_examples(void)
{
    size_t         i, n1, n2;
    char          *dump;
    json_t        *bad1, *bad2;
    const char    *dir, *msg;
    test_files_t   tf;
    static const char *const  dirs[] = {
        "t/unit/data/gts", "data/gts", "../../t/unit/data/gts", NULL
    };

    dir = getenv("HS_TEST_GTS_DATA");
    for (i = 0; dir == NULL && dirs[i] != NULL; i++) {
        if (access(dirs[i], R_OK) == 0) {
            dir = dirs[i];
        }
    }

    memset(&tf, 0, sizeof(tf));
    if (dir != NULL) {
        test_files_walk(&tf, dir);
    }

    if (!ok(tf.n >= 30, "examples: %zu JSON files found in %s", tf.n,
            dir ? dir : "(t/unit/data/gts not found)"))
    {
        return;
    }

    qsort(tf.paths, tf.n, sizeof(char *), test_cmp_path);

    bad1 = test_load_examples(&tf, 0, &n1);
    bad2 = test_load_examples(&tf, 1, &n2);

    is_int(n1, 57, "examples: 57 entities registered");
    is_int(n2, n1, "examples: the same in reverse order");
    ok(json_equal(bad1, bad2), "examples: the same failures in either "
       "order");

    /*
     * The failures are the examples' own: the vm_state type requires
     * "gtsId" while its nine instances carry "id", and the derived
     * type_combined event never sets the "topicRef" trait, which has no
     * default.
     */
    is_int(json_object_size(bad1), 10, "examples: 10 entities fail");
    msg = json_string_value(json_object_get(bad1,
              "gts.x.infra.compute.vm_state.v1~x.infra._.running.v1"));
    like_str(msg, "/gtsId: is required", "examples: vm_state instances "
             "lack gtsId");
    msg = json_string_value(json_object_get(bad1,
              "gts.x.core.events.type_combined.v1~x.commerce.orders."
              "order_placed.v1.0~"));
    like_str(msg, "\"topicRef\" is not resolved", "examples: type_combined "
             "leaves topicRef unresolved");
    ok(json_object_get(bad1, "(order_placed event)") == NULL,
       "examples: an order_placed event validates against the chain");

    if (json_object_size(bad1) != 10) {
        dump = json_dumps(bad1, JSON_INDENT(1));
        diag("%s", dump);
        free(dump);
    }

    json_decref(bad1);
    json_decref(bad2);

    for (i = 0; i < tf.n; i++) {
        free(tf.paths[i]);
    }
    free(tf.paths);
}


/* The operations API bodies */

static void
test_ops(void)
{
    json_t             *r, *js;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    r = hs_gts_op_validate_id("gts.a.b.c.d.v1~a.*");
    ok(json_is_true(json_object_get(r, "valid"))
       && json_is_true(json_object_get(r, "is_wildcard")),
       "op validate-id: a pattern is valid and a wildcard");
    is_str(json_string_value(json_object_get(r, "error")), "",
           "op validate-id: no error");
    json_decref(r);
    r = hs_gts_op_validate_id("gts.a.b.c.d.v1~a*");
    ok(json_is_false(json_object_get(r, "valid"))
       && json_string_length(json_object_get(r, "error")) > 0,
       "op validate-id: invalid, with the error");
    json_decref(r);

    r = hs_gts_op_parse_id("gts.x.test3.events.type.v1~abc.app._.custom"
                           ".v1~abc.app._.instance.v1.0");
    ok(json_is_true(json_object_get(r, "ok"))
       && json_is_false(json_object_get(r, "is_type")), "op parse-id: ok");
    js = json_object_get(r, "segments");
    is_int(json_array_size(js), 3, "op parse-id: three segments");
    is_str(json_string_value(json_object_get(json_array_get(js, 1),
           "namespace")), "_", "op parse-id: namespace");
    ok(json_is_null(json_object_get(json_array_get(js, 1), "ver_minor")),
       "op parse-id: an absent minor version is null");
    is_int(json_integer_value(json_object_get(json_array_get(js, 2),
           "ver_minor")), 0, "op parse-id: minor 0");
    ok(json_is_false(json_object_get(json_array_get(js, 2), "is_type")),
       "op parse-id: the instance segment");
    json_decref(r);

    js = test_json("{'id': 'gts.x.test2.api.endpoint.v0.1',"
                   " 'schema': 'gts.x.test2.api.endpoint.v0~'}");
    r = hs_gts_op_extract_id(js, NULL);
    is_str(json_string_value(json_object_get(r, "type_id")),
           "gts.x.test2.api.endpoint.v0~", "op extract-id: type_id");
    is_str(json_string_value(json_object_get(r, "selected_type_id_field")),
           "schema", "op extract-id: the legacy schema field");
    json_decref(r);
    json_decref(js);

    r = hs_gts_op_match_id_pattern("gts.x.pkg.ns.type.v1.5~",
                                   "gts.x.pkg.ns.type.v1~");
    ok(json_is_true(json_object_get(r, "match")), "op match-id-pattern");
    json_decref(r);
    r = hs_gts_op_uuid("gts.x.core.events.type.v1~");
    is_str(json_string_value(json_object_get(r, "uuid")),
           "914ba16d-39d5-518b-9800-490e2144bf98", "op uuid");
    json_decref(r);

    reg = hs_gts_registry_create(NULL);

    js = test_json(TEST_BASE_EVENT);
    r = hs_gts_op_add_entity(reg, js, 1, &rc);
    ok(rc == HS_OK && json_is_true(json_object_get(r, "ok")),
       "op add entity");
    json_decref(r);
    json_object_set_new(js, "title", json_string("changed"));
    r = hs_gts_op_add_entity(reg, js, 1, &rc);
    ok(rc == HS_EEXIST && json_is_false(json_object_get(r, "ok")),
       "op add entity: a conflict is HS_EEXIST (409)");
    json_decref(r);
    json_decref(js);

    js = test_json("[" TEST_AUDIT_EVENT ", {'id': 'x'}]");
    r = hs_gts_op_add_entities(reg, js, 1, &rc);
    ok(rc == HS_EINVAL && json_array_size(json_object_get(r, "registered"))
       == 1 && json_array_size(json_object_get(r, "errors")) == 1,
       "op add entities: one of two registered");
    is_int(json_integer_value(json_object_get(json_array_get(
           json_object_get(r, "errors"), 0), "index")), 1,
           "op add entities: the failure's index");
    json_decref(r);
    json_decref(js);

    js = test_json("{'type': 'object', 'properties': {'n': {'type': "
                   "'integer'}}}");
    r = hs_gts_op_add_type_schema(reg, "gts.x.ops.thing.item.v1~", js, 1,
                                  &rc);
    ok(rc == HS_OK, "op type-schemas: registered under type_id");
    json_decref(r);
    r = hs_gts_op_add_type_schema(reg, "gts.x.ops.thing.other.v1~", js, 1,
                                  &rc);
    ok(rc == HS_OK && json_object_get(js, "$id") == NULL,
       "op type-schemas: the caller's schema is not changed");
    json_decref(r);
    json_decref(js);
    js = test_json("{'$id': 'gts://gts.a.b.c.d.v1~', 'type': 'object'}");
    r = hs_gts_op_add_type_schema(reg, "gts.a.b.c.e.v1~", js, 1, &rc);
    ok(rc == HS_EINVAL, "op type-schemas: a $id that differs from type_id");
    is_str(json_string_value(json_object_get(r, "error")),
           "the schema's \"$id\" differs from type_id gts.a.b.c.e.v1~",
           "op type-schemas: the error names type_id");
    json_decref(r);
    json_decref(js);

    r = hs_gts_op_get_entity(reg, "gts.x.ops.thing.item.v1~", &rc);
    is_str(json_string_value(json_object_get(json_object_get(r, "content"),
           "$schema")), "http://json-schema.org/draft-07/schema#",
           "op get entity: $schema was added");
    is_str(json_string_value(json_object_get(json_object_get(r, "content"),
           "$id")), "gts://gts.x.ops.thing.item.v1~",
           "op get entity: $id was added");
    json_decref(r);
    r = hs_gts_op_get_entity(reg, "gts.none.none.none.none.v1~", &rc);
    ok(rc == HS_ENOTFOUND, "op get entity: not found");
    is_str(json_string_value(json_object_get(r, "error")),
           "gts.none.none.none.none.v1~ is not registered",
           "op get entity: the error names the id");
    json_decref(r);

    r = hs_gts_op_list_entities(reg, 2);
    ok(json_integer_value(json_object_get(r, "count")) == 2
       && json_integer_value(json_object_get(r, "total")) == 4
       && json_array_size(json_object_get(r, "entities")) == 2,
       "op entities: a limited list");
    json_decref(r);

    r = hs_gts_op_validate_type_schema(reg, "gts.x.core.events.type.v1~x.core"
                                       ".audit.event.v1~", &rc);
    ok(rc == HS_OK && json_is_true(json_object_get(r, "ok")),
       "op validate-type-schema");
    json_decref(r);
    r = hs_gts_op_validate_instance(reg, "gts.x.core.events.type.v1~", &rc);
    ok(rc == HS_EINVAL && json_is_false(json_object_get(r, "ok")),
       "op validate-instance: a schema is not an instance");
    json_decref(r);
    r = hs_gts_op_validate_entity(reg, "gts.x.core.events.type.v1~", &rc);
    is_str(json_string_value(json_object_get(r, "entity_type")), "schema",
           "op validate-entity: entity_type");
    json_decref(r);
    r = hs_gts_op_validate_entity(reg, "gts.q.q.q.q.v1~", &rc);
    ok(rc == HS_ENOTFOUND && json_is_false(json_object_get(r, "ok")),
       "op validate-entity: not found");
    json_decref(r);

    r = hs_gts_op_resolve_relationships(reg, "gts.x.core.events.type.v1~"
                                        "x.core.audit.event.v1~", &rc);
    ok(rc == HS_OK && json_is_true(json_object_get(r, "ok")),
       "op resolve-relationships");
    json_decref(r);

    r = hs_gts_op_compatibility(reg, "gts.x.core.events.type.v1~",
                                "gts.x.core.events.type.v1~", &rc);
    ok(rc == HS_OK && json_is_true(json_object_get(r,
       "is_fully_compatible")), "op compatibility: a type with itself");
    json_decref(r);
    r = hs_gts_op_compatibility(reg, "gts.x.core.events.type.v1~",
                                "gts.x.ops.thing.item.v1~", &rc);
    ok(rc == HS_EINVAL && json_string_length(json_object_get(r, "error")),
       "op compatibility: an error");
    json_decref(r);

    r = hs_gts_op_cast(reg, "gts.x.core.events.type.v1~",
                       "gts.x.core.events.type.v1~", &rc);
    ok(rc == HS_EINVAL && json_is_null(json_object_get(r, "casted_entity")),
       "op cast: an error");
    json_decref(r);

    r = hs_gts_op_query(reg, "gts.x.core.*", 1, &rc);
    ok(rc == HS_OK && json_integer_value(json_object_get(r, "count")) == 1
       && json_integer_value(json_object_get(r, "limit")) == 1,
       "op query: limited");
    json_decref(r);
    r = hs_gts_op_query(reg, "gts.x.t10.*~[status=active]", 0, &rc);
    ok(rc == HS_EINVAL && strncmp(json_string_value(json_object_get(r,
       "error")), "Invalid query", 13) == 0, "op query: invalid");
    json_decref(r);

    r = hs_gts_op_attr(reg, "gts.x.core.events.type.v1~@title", &rc);
    ok(json_is_true(json_object_get(r, "resolved")), "op attr: resolved");
    is_str(json_string_value(json_object_get(r, "value")), "Base Event",
           "op attr: the value");
    json_decref(r);
    r = hs_gts_op_attr(reg, "gts.x.core.events.type.v1~", &rc);
    ok(json_is_false(json_object_get(r, "resolved")) && rc == HS_EINVAL,
       "op attr: no '@'");
    json_decref(r);
    r = hs_gts_op_attr(reg, "gts.x.core.events.type.v1~@nothing", &rc);
    ok(json_is_false(json_object_get(r, "resolved"))
       && json_is_null(json_object_get(r, "value")) && rc == HS_ENOTFOUND,
       "op attr: not found");
    json_decref(r);

    hs_gts_registry_destroy(reg);
}


int
main(void)
{
    test_registry_basics();
    test_registration_rules();
    test_instances();
    test_relationships();
    test_derivation();
    test_traits();
    test_compat();
    test_cast();
    test_query();
    test_attr();
    test_examples();
    test_ops();

    return done_testing();
}
