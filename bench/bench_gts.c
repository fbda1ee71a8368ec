/*
 * Build (from the top directory, one line): cc -O2 -Imodkit/include -o build/bench/bench_gts bench/bench_gts.c -Lbuild/modules -lhsmodkit -Wl,-rpath,$PWD/build/modules $(pkg-config --cflags --libs jansson)
 *
 * hs_gts micro-benchmark, one thread:
 *  - identifier validation (hs_gts_id_valid) and parsing into segments
 *    (hs_gts_id_parse) of a mix of type, chained, instance and
 *    anonymous identifiers, N times each (argv[1], default 2000000);
 *  - wildcard matching (hs_gts_match) of parsed identifiers;
 *  - validation of an instance of about 1 KB against a three-level type
 *    chain (base event ~ audit event ~ purchase event) held in a
 *    registry: hs_gts_registry_validate_doc(), which extracts the type
 *    from the instance, looks it up and validates against the whole
 *    chain, N / 10 times.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_gts.h"

static const char *const  bench_ids[] = {
    "gts.x.core.events.type.v1~",
    "gts.x.core.events.type.v1.2~",
    "gts.x.core.events.topic.v1~x.commerce._.orders.v1.0",
    "gts.x.core.events.type.v1~x.core.audit.event.v1~"
        "abc.app.store.purchase_audit_event.v1.2~",
    "gts.x.core.events.type.v1~x.commerce.orders.order_placed.v1.0~"
        "7a1d2f34-5678-49ab-9012-abcdef123456",
    "gts.x.core.modules.capability.v1~x.core.api.has_ws.v1",
    "gts.x.infra.compute.vm.v1~vmware.esxi._.vm.v1~",
    "gts.vendor_name.pkg_123.ns_abc.type_xyz.v10.5~",
    NULL
};

static const char  bench_base[] =
    "{\"$schema\": \"http://json-schema.org/draft-07/schema#\","
    " \"$id\": \"gts://gts.x.core.events.type.v1~\","
    " \"type\": \"object\","
    " \"required\": [\"id\", \"type\", \"tenantId\", \"occurredAt\","
    "                \"payload\"],"
    " \"properties\": {"
    "  \"id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"type\": {\"type\": \"string\", \"x-gts-ref\": \"/$id\"},"
    "  \"tenantId\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"userId\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"source\": {\"type\": \"string\", \"maxLength\": 256},"
    "  \"occurredAt\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"sequenceNumber\": {\"type\": \"integer\", \"minimum\": 0},"
    "  \"subject\": {\"type\": \"string\"},"
    "  \"subjectType\": {\"type\": \"string\", \"x-gts-ref\": \"gts.*\"},"
    "  \"payload\": {\"type\": \"object\"}},"
    " \"additionalProperties\": false}";

static const char  bench_audit[] =
    "{\"$schema\": \"http://json-schema.org/draft-07/schema#\","
    " \"$id\": \"gts://gts.x.core.events.type.v1~x.core.audit.event.v1~\","
    " \"type\": \"object\","
    " \"allOf\": [{\"$ref\": \"gts://gts.x.core.events.type.v1~\"},"
    "  {\"type\": \"object\", \"properties\": {\"payload\": {"
    "     \"type\": \"object\","
    "     \"required\": [\"user_id\", \"user_agent\", \"ip_address\","
    "                    \"data\"],"
    "     \"properties\": {"
    "       \"user_id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "       \"user_agent\": {\"type\": \"string\", \"maxLength\": 512},"
    "       \"ip_address\": {\"type\": \"string\", \"format\": \"ipv4\"},"
    "       \"data\": {\"type\": \"object\"}},"
    "     \"additionalProperties\": false}}}]}";

static const char  bench_purchase[] =
    "{\"$schema\": \"http://json-schema.org/draft-07/schema#\","
    " \"$id\": \"gts://gts.x.core.events.type.v1~x.core.audit.event.v1~"
    "abc.app.store.purchase_audit_event.v1.2~\","
    " \"type\": \"object\","
    " \"allOf\": [{\"$ref\": \"gts://gts.x.core.events.type.v1~"
    "x.core.audit.event.v1~\"},"
    "  {\"type\": \"object\", \"properties\": {\"payload\": {"
    "     \"type\": \"object\", \"properties\": {\"data\": {"
    "       \"type\": \"object\","
    "       \"required\": [\"purchase_id\", \"amount\", \"currency\","
    "                      \"price\", \"items\"],"
    "       \"properties\": {"
    "         \"purchase_id\": {\"type\": \"string\", \"minLength\": 1},"
    "         \"amount\": {\"type\": \"integer\", \"minimum\": 1},"
    "         \"currency\": {\"enum\": [\"USD\", \"EUR\", \"GBP\"]},"
    "         \"price\": {\"type\": \"number\", \"minimum\": 0},"
    "         \"coupon\": {\"type\": \"string\","
    "                      \"pattern\": \"^[A-Z0-9]{4,12}$\"},"
    "         \"items\": {\"type\": \"array\", \"maxItems\": 50,"
    "           \"items\": {\"type\": \"object\","
    "             \"required\": [\"sku\", \"qty\"],"
    "             \"properties\": {"
    "               \"sku\": {\"type\": \"string\","
    "                         \"pattern\": \"^SKU-[A-Z]+-[0-9]+$\"},"
    "               \"name\": {\"type\": \"string\", \"maxLength\": 128},"
    "               \"qty\": {\"type\": \"integer\", \"minimum\": 1},"
    "               \"price\": {\"type\": \"number\"}}}}},"
    "       \"additionalProperties\": false}}}}}]}";

static const char  bench_instance[] =
    "{\"id\": \"e81307e5-5ee8-4c0a-8d1f-bd98a65c517e\","
    " \"type\": \"gts.x.core.events.type.v1~x.core.audit.event.v1~"
    "abc.app.store.purchase_audit_event.v1.2~\","
    " \"tenantId\": \"11111111-2222-3333-4444-555555555555\","
    " \"userId\": \"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\","
    " \"source\": \"store-service@1.2.3\","
    " \"occurredAt\": \"2025-09-20T18:35:00Z\","
    " \"sequenceNumber\": 42,"
    " \"subject\": \"cats_drinking_bowl_42\","
    " \"subjectType\": \"gts.x.commerce.orders.order.v1.0~\","
    " \"payload\": {"
    "  \"user_id\": \"9c905ae1-f0f3-4cfb-aa07-5d9a86219abe\","
    "  \"user_agent\": \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\","
    "  \"ip_address\": \"127.0.0.1\","
    "  \"data\": {"
    "   \"purchase_id\": \"cats_drinking_bowl_42\", \"amount\": 2,"
    "   \"currency\": \"USD\", \"price\": 19.95, \"coupon\": \"SPRING2025\","
    "   \"items\": ["
    "    {\"sku\": \"SKU-BOWL-42\", \"name\": \"Drinking bowl, ceramic\","
    "     \"qty\": 1, \"price\": 12.5},"
    "    {\"sku\": \"SKU-MAT-7\", \"name\": \"Feeding mat\", \"qty\": 1,"
    "     \"price\": 4.95},"
    "    {\"sku\": \"SKU-TREAT-301\", \"name\": \"Salmon treats, 100 g\","
    "     \"qty\": 2, \"price\": 1.25}]}}}";


static double
bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


static void
bench_report(const char *what, double ns)
{
    printf("%-44s %8.1f ns  %12.0f per second\n", what, ns, 1e9 / ns);
}


int
main(int argc, char **argv)
{
    long                 n, i, k, sink;
    size_t               nids, lens[16];
    char                *dump;
    double               t0;
    json_t              *inst, *doc;
    hs_error_t           err;
    hs_gts_id_t          id, pat[3];
    json_error_t         jerr;
    hs_gts_registry_t   *reg;
    const char *const   *docs;
    static const char *const  schemas[] = {
        bench_base, bench_audit, bench_purchase, NULL
    };

    n = argc > 1 ? atol(argv[1]) : 2000000;
    if (n <= 0) {
        n = 2000000;
    }

    for (nids = 0; bench_ids[nids] != NULL; nids++) {
        lens[nids] = strlen(bench_ids[nids]);
        if (hs_gts_id_parse(bench_ids[nids], lens[nids], 0, &id, &err)
            != HS_OK)
        {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
    }

    printf("identifiers: %zu kinds (types, chains, instances, anonymous), "
           "%ld operations per figure\n", nids, n);

    sink = 0;

    t0 = bench_now();
    for (i = 0; i < n; i++) {
        sink += hs_gts_id_valid(bench_ids[i % nids]);
    }
    bench_report("id validation (hs_gts_id_valid)", (bench_now() - t0) / n);

    t0 = bench_now();
    for (i = 0; i < n; i++) {
        k = i % (long) nids;
        if (hs_gts_id_parse(bench_ids[k], lens[k], 0, &id, NULL) == HS_OK) {
            sink += id.nsegs;
        }
    }
    bench_report("id parsing into segments (hs_gts_id_parse)",
                 (bench_now() - t0) / n);

    hs_gts_id_parse("gts.x.core.events.type.v1~", 26, 0, &pat[0], NULL);
    hs_gts_id_parse("gts.x.core.events.type.v1~x.core.audit.event.v1~abc.*",
                    53, HS_GTS_ALLOW_WILDCARD, &pat[1], NULL);
    hs_gts_id_parse("gts.x.core.modules.*", 20, HS_GTS_ALLOW_WILDCARD,
                    &pat[2], NULL);

    t0 = bench_now();
    for (i = 0; i < n; i++) {
        k = i % (long) nids;
        hs_gts_id_parse(bench_ids[k], lens[k], 0, &id, NULL);
        sink += hs_gts_id_match(&pat[i % 3], &id);
    }
    bench_report("parse + wildcard match (hs_gts_id_match)",
                 (bench_now() - t0) / n);

    /* instance validation against a three-level chain */
    reg = hs_gts_registry_create(NULL);
    for (docs = schemas; *docs != NULL; docs++) {
        doc = json_loads(*docs, JSON_REJECT_DUPLICATES, &jerr);
        if (doc == NULL
            || hs_gts_registry_add(reg, doc, HS_GTS_VALIDATE, NULL, &err)
               != HS_OK)
        {
            fprintf(stderr, "schema: %s%s\n", doc ? "" : jerr.text,
                    doc ? err.msg : "");
            return 1;
        }
        json_decref(doc);
    }

    inst = json_loads(bench_instance, JSON_REJECT_DUPLICATES, &jerr);
    if (inst == NULL) {
        fprintf(stderr, "instance: %s\n", jerr.text);
        return 1;
    }

    if (hs_gts_registry_validate_doc(reg, inst, &err) != HS_OK) {
        fprintf(stderr, "instance: %s\n", err.msg);
        return 1;
    }

    dump = json_dumps(inst, JSON_COMPACT);
    printf("\ninstance: %zu bytes of JSON, type chain of 3 schemas, "
           "%ld validations\n", strlen(dump), n / 10);
    free(dump);

    n /= 10;
    if (n == 0) {
        n = 1;
    }

    t0 = bench_now();
    for (i = 0; i < n; i++) {
        if (hs_gts_registry_validate_doc(reg, inst, NULL) != HS_OK) {
            fprintf(stderr, "unexpected failure\n");
            return 1;
        }
    }
    bench_report("instance validation (validate_doc)",
                 (bench_now() - t0) / n);

    json_object_set_new(json_object_get(json_object_get(inst, "payload"),
                                        "data"),
                        "currency", json_string("JPY"));
    t0 = bench_now();
    for (i = 0; i < n; i++) {
        if (hs_gts_registry_validate_doc(reg, inst, NULL) != HS_EINVAL) {
            fprintf(stderr, "unexpected success\n");
            return 1;
        }
    }
    bench_report("invalid instance, rejected", (bench_now() - t0) / n);

    json_decref(inst);
    hs_gts_registry_destroy(reg);

    return sink == 0;
}
