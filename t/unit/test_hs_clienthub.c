/* ClientHub: publish, resolve, versions, scopes, calls through tables. */

#include <stdio.h>
#include <string.h>

#include "hs_modkit.h"
#include "hs_tap.h"


/* A calculator API as a consumer compiled against v1.0 sees it. */
typedef struct {
    void   *self;
    int   (*add)(void *self, int a, int b);
    int   (*scale)(void *self, int a);
} test_calc_v1_0_t;

/* The same API at v1.1: one more function at the end. */
typedef struct {
    void   *self;
    int   (*add)(void *self, int a, int b);
    int   (*scale)(void *self, int a);
    int   (*neg)(void *self, int a);
} test_calc_v1_1_t;

typedef struct {
    int     factor;
    int     calls;
} test_calc_state_t;


static int
test_calc_add(void *self, int a, int b)
{
    ((test_calc_state_t *) self)->calls++;
    return a + b;
}


static int
test_calc_scale(void *self, int a)
{
    test_calc_state_t  *st = self;

    st->calls++;
    return a * st->factor;
}


static int
test_calc_neg(void *self, int a)
{
    ((test_calc_state_t *) self)->calls++;
    return -a;
}


static void
test_publish_resolve(void)
{
    hs_rc_t                  rc;
    hs_error_t               err;
    const void              *api;
    hs_clienthub_t          *hub;
    test_calc_state_t        st;
    test_calc_v1_1_t         table;
    const test_calc_v1_0_t  *v10;
    const test_calc_v1_1_t  *v11;

    hub = hs_clienthub_create();
    if (!ok(hub != NULL, "hub created")) {
        return;
    }

    st.factor = 3;
    st.calls = 0;
    table.self = &st;
    table.add = test_calc_add;
    table.scale = test_calc_scale;
    table.neg = test_calc_neg;

    rc = hs_clienthub_publish(hub, "calculator", "hs.calculator.api", 1, 1,
                              NULL, &table, sizeof(table), &err);
    is_int(rc, HS_OK, "publish hs.calculator.api v1.1");

    /* a v1.0 consumer: smaller table, lower minor */
    api = (const void *) 0x1;
    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 1, 0,
                              NULL, sizeof(test_calc_v1_0_t), &api, &err);
    is_int(rc, HS_OK, "v1.0 consumer resolves v1.1");
    ok(api == &table, "resolved the published table");

    v10 = api;
    if (v10 != NULL) {
        is_int(v10->add(v10->self, 2, 40), 42, "call add through the table");
        is_int(v10->scale(v10->self, 5), 15, "call scale (uses self)");
    }

    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 1, 1,
                              NULL, sizeof(test_calc_v1_1_t), &api, &err);
    is_int(rc, HS_OK, "v1.1 consumer resolves v1.1");
    v11 = api;
    if (v11 != NULL) {
        is_int(v11->neg(v11->self, 9), -9, "call the v1.1 function");
    }
    is_int(st.calls, 3, "the provider state saw 3 calls");

    /* errors */
    api = (const void *) 0x1;
    err.msg[0] = '\0';
    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 1, 2,
                              NULL, sizeof(test_calc_v1_0_t), &api, &err);
    is_int(rc, HS_EVERSION, "minor too low");
    ok(api == NULL, "api is NULL on failure");
    is_str(err.msg, "module \"gateway\" requires client \"hs.calculator.api\""
           " v1.2 or a later v1 minor, but module \"calculator\" publishes "
           "v1.1", "minor too low message");

    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 2, 0,
                              NULL, sizeof(test_calc_v1_0_t), &api, &err);
    is_int(rc, HS_EVERSION, "major too high");
    is_str(err.msg, "module \"gateway\" requires client \"hs.calculator.api\""
           " v2.0 or a later v2 minor, but module \"calculator\" publishes "
           "v1.1", "major mismatch message");

    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 0, 9,
                              NULL, sizeof(test_calc_v1_0_t), &api, &err);
    is_int(rc, HS_EVERSION, "major too low");
    like_str(err.msg, "publishes v1.1", "major too low names the version");

    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 1, 1,
                              NULL, sizeof(test_calc_v1_1_t) + 8, &api,
                              &err);
    is_int(rc, HS_EVERSION, "api table too small");
    ok(api == NULL, "api is NULL when the table is too small");
    {
        char  want[512];

        snprintf(want, sizeof(want), "module \"gateway\" requires client "
                 "\"hs.calculator.api\" v1.1 with a %zu-byte API table, but "
                 "module \"calculator\" publishes %zu bytes",
                 sizeof(test_calc_v1_1_t) + 8, sizeof(test_calc_v1_1_t));
        like_str(err.msg, want, "table size message names both sizes");
    }

    rc = hs_clienthub_resolve(hub, "gateway", "hs.nothing.api", 1, 0, NULL,
                              8, &api, &err);
    is_int(rc, HS_ENOTFOUND, "missing client");
    ok(api == NULL, "api is NULL when missing");
    is_str(err.msg, "module \"gateway\" requires client \"hs.nothing.api\" "
           "v1.0, which no loaded module publishes", "missing message");

    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator", 1, 0, NULL,
                              8, &api, &err);
    is_int(rc, HS_ENOTFOUND, "names are matched exactly (no prefix)");

    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 1, 0,
                              "tenant-a", 8, &api, &err);
    is_int(rc, HS_ENOTFOUND, "an unscoped client does not serve a scope");
    is_str(err.msg, "module \"gateway\" requires client \"hs.calculator.api\""
           " v1.0 scoped \"tenant-a\", which no loaded module publishes",
           "missing scoped message");

    /* duplicates */
    rc = hs_clienthub_publish(hub, "calculator2", "hs.calculator.api", 1, 5,
                              NULL, &table, sizeof(table), &err);
    is_int(rc, HS_EEXIST, "duplicate publish");
    is_str(err.msg, "module \"calculator2\" publishes client "
           "\"hs.calculator.api\", which module \"calculator\" already "
           "published", "duplicate names both providers");

    rc = hs_clienthub_resolve(hub, "gateway", "hs.calculator.api", 1, 0,
                              NULL, sizeof(test_calc_v1_0_t), &api, &err);
    is_int(rc, HS_OK, "the first publication stays");

    /* invalid publications */
    rc = hs_clienthub_publish(hub, "bad", NULL, 1, 0, NULL, &table,
                              sizeof(table), &err);
    is_int(rc, HS_EINVAL, "publish without a name");
    like_str(err.msg, "module \"bad\" publishes a client without a name",
             "no name message");
    rc = hs_clienthub_publish(hub, "bad", "", 1, 0, NULL, &table,
                              sizeof(table), &err);
    is_int(rc, HS_EINVAL, "publish with an empty name");
    rc = hs_clienthub_publish(hub, "bad", "x.api", 1, 0, NULL, NULL, 8,
                              &err);
    is_int(rc, HS_EINVAL, "publish without a table");
    like_str(err.msg, "or an API table", "no table message");
    rc = hs_clienthub_publish(hub, "bad", "x.api", 1, 0, NULL, &table, 0,
                              &err);
    is_int(rc, HS_EINVAL, "publish with a zero-size table");

    is_int(hs_clienthub_each(hub, NULL, NULL, NULL), 1,
           "only the one valid client is published");

    hs_clienthub_destroy(hub);
    hs_clienthub_destroy(NULL);
    ok(1, "destroy(NULL) is a no-op");
}


typedef struct {
    char    seen[512];
    size_t  n;
} test_seen_t;


static void
test_each_fn(const hs_client_info_t *info, void *data)
{
    size_t        len;
    test_seen_t  *s;

    s = data;
    len = strlen(s->seen);
    snprintf(s->seen + len, sizeof(s->seen) - len, "%s%s@%s v%u.%u by %s "
             "(%zu)", len ? "; " : "", info->name,
             info->scope ? info->scope : "-", info->major, info->minor,
             info->provider, info->api_size);
    s->n++;
}


static void
test_scopes(void)
{
    int              a, b, c, u;
    size_t           n;
    hs_rc_t          rc;
    hs_error_t       err;
    const void      *api;
    hs_clienthub_t  *hub;
    test_seen_t      seen;

    hub = hs_clienthub_create();

    rc = hs_clienthub_publish(hub, "plugin_a", "hs.search.plugin", 1, 0,
                              "gts.plugin.a", &a, sizeof(a), &err);
    is_int(rc, HS_OK, "publish scope a");
    rc = hs_clienthub_publish(hub, "plugin_b", "hs.search.plugin", 1, 0,
                              "gts.plugin.b", &b, sizeof(b), &err);
    is_int(rc, HS_OK, "publish scope b under the same name");
    rc = hs_clienthub_publish(hub, "search", "hs.search.plugin", 1, 0, NULL,
                              &u, sizeof(u), &err);
    is_int(rc, HS_OK, "an unscoped client beside scoped ones");
    rc = hs_clienthub_publish(hub, "other", "hs.other.api", 2, 3, NULL, &c,
                              sizeof(c), &err);
    is_int(rc, HS_OK, "another interface");

    rc = hs_clienthub_publish(hub, "plugin_c", "hs.search.plugin", 1, 0,
                              "gts.plugin.a", &c, sizeof(c), &err);
    is_int(rc, HS_EEXIST, "duplicate in the same scope");
    is_str(err.msg, "module \"plugin_c\" publishes client "
           "\"hs.search.plugin\" scoped \"gts.plugin.a\", which module "
           "\"plugin_a\" already published", "scoped duplicate message");

    rc = hs_clienthub_resolve(hub, "search", "hs.search.plugin", 1, 0,
                              "gts.plugin.a", sizeof(int), &api, &err);
    ok(rc == HS_OK && api == &a, "resolve scope a");
    rc = hs_clienthub_resolve(hub, "search", "hs.search.plugin", 1, 0,
                              "gts.plugin.b", sizeof(int), &api, &err);
    ok(rc == HS_OK && api == &b, "resolve scope b");
    rc = hs_clienthub_resolve(hub, "search", "hs.search.plugin", 1, 0,
                              NULL, sizeof(int), &api, &err);
    ok(rc == HS_OK && api == &u, "resolve unscoped");
    rc = hs_clienthub_resolve(hub, "search", "hs.search.plugin", 1, 0,
                              "gts.plugin.z", sizeof(int), &api, &err);
    is_int(rc, HS_ENOTFOUND, "unknown scope");
    like_str(err.msg, "scoped \"gts.plugin.z\"", "message names the scope");
    rc = hs_clienthub_resolve(hub, "search", "hs.search.plugin", 1, 0,
                              "GTS.PLUGIN.A", sizeof(int), &api, &err);
    is_int(rc, HS_ENOTFOUND, "scopes are case-sensitive");

    /* each */
    is_int(hs_clienthub_each(hub, "hs.search.plugin", NULL, NULL), 3,
           "3 clients of hs.search.plugin (any scope)");
    is_int(hs_clienthub_each(hub, "hs.other.api", NULL, NULL), 1,
           "1 client of hs.other.api");
    is_int(hs_clienthub_each(hub, "hs.none", NULL, NULL), 0,
           "0 clients of an unknown interface");
    is_int(hs_clienthub_each(hub, NULL, NULL, NULL), 4,
           "NULL name: every client");

    memset(&seen, 0, sizeof(seen));
    n = hs_clienthub_each(hub, "hs.search.plugin", test_each_fn, &seen);
    is_int(n, 3, "each returns the count");
    is_int(seen.n, 3, "fn called 3 times");
    {
        char  want[512];

        snprintf(want, sizeof(want),
                 "hs.search.plugin@gts.plugin.a v1.0 by plugin_a (%zu); "
                 "hs.search.plugin@gts.plugin.b v1.0 by plugin_b (%zu); "
                 "hs.search.plugin@- v1.0 by search (%zu)",
                 sizeof(int), sizeof(int), sizeof(int));
        is_str(seen.seen, want, "each reports every client in order");
    }

    memset(&seen, 0, sizeof(seen));
    hs_clienthub_each(hub, "hs.other.api", test_each_fn, &seen);
    like_str(seen.seen, "hs.other.api@- v2.3 by other", "info of other");

    hs_clienthub_destroy(hub);
}


static void
test_many(void)
{
    char             name[32], provider[32];
    size_t           i, bad;
    hs_rc_t          rc;
    hs_error_t       err;
    const void      *api;
    hs_clienthub_t  *hub;
    static int       tables[100];

    hub = hs_clienthub_create();
    bad = 0;

    /* names and providers are copied: the buffers are reused */
    for (i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "hs.api%zu", i);
        snprintf(provider, sizeof(provider), "mod%zu", i);
        if (hs_clienthub_publish(hub, provider, name, 1, (unsigned) i,
                                 i % 2 ? name : NULL, &tables[i],
                                 sizeof(int), &err) != HS_OK)
        {
            bad++;
        }
    }
    is_int(bad, 0, "100 clients published (table grows)");

    bad = 0;
    for (i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "hs.api%zu", i);
        rc = hs_clienthub_resolve(hub, "consumer", name, 1, (unsigned) i,
                                  i % 2 ? name : NULL, sizeof(int), &api,
                                  &err);
        if (rc != HS_OK || api != &tables[i]) {
            bad++;
        }
    }
    is_int(bad, 0, "each of the 100 resolves to its own table");

    rc = hs_clienthub_resolve(hub, "consumer", "hs.api7", 1, 0, "hs.api7",
                              sizeof(int), &api, &err);
    is_int(rc, HS_OK, "copied scope string matches");
    rc = hs_clienthub_resolve(hub, "consumer", "hs.api7", 1, 8, "hs.api7",
                              sizeof(int), &api, &err);
    is_int(rc, HS_EVERSION, "v1.7 does not satisfy v1.8");
    like_str(err.msg, "module \"mod7\" publishes v1.7",
             "copied provider name in the message");

    is_int(hs_clienthub_each(hub, NULL, NULL, NULL), 100, "100 in all");

    hs_clienthub_destroy(hub);
}


#define TEST_PTYPE  HS_PLUGIN_BASE_TYPE "x.test.api.plugin.v1~"
#define TEST_PSCHEMA                                                          \
    "{\"$id\": \"gts://" TEST_PTYPE "\","                                     \
    " \"$schema\": \"http://json-schema.org/draft-07/schema#\","              \
    " \"type\": \"object\","                                                 \
    " \"allOf\": [{\"$ref\": \"gts://" HS_PLUGIN_BASE_TYPE "\"},"             \
    "  {\"properties\": {\"priority\": {\"type\": \"integer\","              \
    "                                \"maximum\": 100}}}]}"


static void
test_count_doc(void *data, const json_t *doc)
{
    (*(int *) data)++;
    (void) doc;
}


/* Plugins by GTS id: types, instances, selection. */
static void
test_plugins(void)
{
    int                      preferred, docs;
    size_t                   n;
    hs_rc_t                  rc;
    hs_error_t               err;
    hs_clienthub_t          *hub;
    const hs_plugin_info_t  *p, *all[4];

    hub = hs_clienthub_create();

    ok(hs_plugin_select(hub, TEST_PTYPE, "a", &preferred) == NULL
       && !preferred, "plugins: none registered");

    rc = hs_plugin_register(hub, "m1", TEST_PTYPE "a.x._.one.v1", "a", 5,
                            "{}", &err);
    is_int(rc, HS_EINVAL, "plugins: an instance of an unknown type");

    rc = hs_plugin_add_type(hub, "m1", TEST_PSCHEMA, &err);
    is_int(rc, HS_OK, "plugins: a plugin type");
    rc = hs_plugin_add_type(hub, "m2", TEST_PSCHEMA, &err);
    is_int(rc, HS_OK, "plugins: the same type again");
    rc = hs_plugin_add_type(hub, "m2", "{\"$id\": \"gts://" TEST_PTYPE "\","
                            " \"$schema\": \"http://json-schema.org/"
                            "draft-07/schema#\", \"title\": \"x\"}", &err);
    is_int(rc, HS_EEXIST, "plugins: another schema under the type id");
    rc = hs_plugin_add_type(hub, "m3", "{\"$id\": \"gts://gts.x.a.b.c.v1~\","
                            " \"$schema\": \"http://json-schema.org/"
                            "draft-07/schema#\"}", &err);
    is_int(rc, HS_EINVAL, "plugins: a type not under the base");
    like_str(err.msg, "module \"m3\"", "plugins: the message names the module");

    rc = hs_plugin_register(hub, "m1", TEST_PTYPE "a.x._.one.v1", "a", 5,
                            "{\"k\": 1}", &err);
    is_int(rc, HS_OK, "plugins: instance a/5");
    rc = hs_plugin_register(hub, "m2", TEST_PTYPE "b.x._.two.v1", "b", 1,
                            "{}", &err);
    is_int(rc, HS_OK, "plugins: instance b/1");
    rc = hs_plugin_register(hub, "m3", TEST_PTYPE "a.x._.three.v1", "a", 2,
                            "{}", &err);
    is_int(rc, HS_OK, "plugins: instance a/2");
    rc = hs_plugin_register(hub, "m4", TEST_PTYPE "a.x._.three.v1", "a", 2,
                            "{}", &err);
    is_int(rc, HS_EEXIST, "plugins: an id registered twice");
    rc = hs_plugin_register(hub, "m4", TEST_PTYPE "c.x._.four.v1", "c", 500,
                            NULL, &err);
    is_int(rc, HS_EINVAL, "plugins: the type's own rule (priority 100 at most)");
    like_str(err.msg, "priority", "plugins: the message names the property");
    rc = hs_plugin_register(hub, "m4", TEST_PTYPE "c.x._.four.v1", "", 2,
                            "{}", &err);
    is_int(rc, HS_EINVAL, "plugins: no vendor");
    rc = hs_plugin_register(hub, "m4", TEST_PTYPE, "c", 2, "{}", &err);
    is_int(rc, HS_EINVAL, "plugins: a type id is not an instance");
    rc = hs_plugin_register(hub, "m4", TEST_PTYPE "c.x._.five.v1", "c", 2,
                            "[1]", &err);
    is_int(rc, HS_EINVAL, "plugins: properties not an object");

    n = hs_plugin_list(hub, TEST_PTYPE, all, 4);
    is_int(n, 3, "plugins: three instances");
    ok(n == 3 && all[0]->priority == 1 && all[1]->priority == 2
       && all[2]->priority == 5, "plugins: by priority");

    p = hs_plugin_select(hub, TEST_PTYPE, "a", &preferred);
    is_str(p ? p->id : NULL, TEST_PTYPE "a.x._.three.v1",
           "plugins: the vendor's lowest priority");
    ok(preferred, "plugins: preferred");
    is_str(p ? p->provider : NULL, "m3", "plugins: its provider");

    p = hs_plugin_select(hub, TEST_PTYPE, "z", &preferred);
    is_str(p ? p->id : NULL, TEST_PTYPE "b.x._.two.v1",
           "plugins: an absent vendor: the lowest priority");
    ok(!preferred, "plugins: not preferred");
    p = hs_plugin_select(hub, TEST_PTYPE, NULL, NULL);
    is_str(p ? p->vendor : NULL, "b", "plugins: no vendor given");
    ok(hs_plugin_select(hub, HS_PLUGIN_BASE_TYPE "x.other.api.plugin.v1~",
                        "a", NULL) == NULL, "plugins: another type has none");

    p = hs_plugin_select(hub, TEST_PTYPE, "a", NULL);
    is_int(json_integer_value(json_object_get(json_object_get(
           hs_plugin_list(hub, TEST_PTYPE, all, 4) ? all[2]->content : NULL,
           "properties"), "k")), 1, "plugins: the instance document");

    docs = 0;
    n = hs_plugin_each_entity(hub, test_count_doc, &docs);
    ok(n == 5 && docs == 5, "plugins: base, type and three instances");

    hs_clienthub_destroy(hub);
}


int
main(void)
{
    test_publish_resolve();
    test_scopes();
    test_many();
    test_plugins();

    return done_testing();
}
