/*
 * Build (from the top directory, one line): cc -O2 -Imodkit/include -o build/bench_jsonschema bench/bench_jsonschema.c modkit/hs_base.c modkit/hs_jsonschema.c modkit/hs_jsonschema_format.c $(pkg-config --cflags --libs jansson libpcre2-8) -lm
 *
 * hs_jsonschema micro-benchmark: a user record of about 1 KB (strings,
 * formats, patterns, enums, a nested object, an array of objects) is
 * validated against a compiled schema N times (argv[1], default 200000);
 * prints ns per validation for a valid instance, for an invalid one
 * stopping at the first violation, and for the invalid one collecting
 * every violation.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_jsonschema.h"

static const char  bench_schema[] =
    "{"
    " \"$schema\": \"http://json-schema.org/draft-07/schema#\","
    " \"type\": \"object\","
    " \"required\": [\"id\", \"username\", \"email\", \"name\", \"status\","
    "               \"created_at\", \"address\", \"phones\"],"
    " \"additionalProperties\": false,"
    " \"properties\": {"
    "  \"id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"tenant_id\": {\"type\": \"string\", \"format\": \"uuid\"},"
    "  \"username\": {\"type\": \"string\", \"minLength\": 3,"
    "                 \"maxLength\": 32,"
    "                 \"pattern\": \"^[a-z][a-z0-9_.-]*$\"},"
    "  \"email\": {\"type\": \"string\", \"format\": \"email\","
    "              \"maxLength\": 254},"
    "  \"name\": {\"type\": \"object\", \"required\": [\"first\", \"last\"],"
    "             \"additionalProperties\": false,"
    "             \"properties\": {"
    "               \"first\": {\"type\": \"string\", \"minLength\": 1,"
    "                           \"maxLength\": 64},"
    "               \"middle\": {\"type\": [\"string\", \"null\"]},"
    "               \"last\": {\"type\": \"string\", \"minLength\": 1,"
    "                          \"maxLength\": 64}}},"
    "  \"age\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 150},"
    "  \"status\": {\"enum\": [\"active\", \"suspended\", \"deleted\"]},"
    "  \"roles\": {\"type\": \"array\", \"minItems\": 1,"
    "              \"uniqueItems\": true,"
    "              \"items\": {\"enum\": [\"admin\", \"editor\", \"viewer\","
    "                                    \"billing\"]}},"
    "  \"created_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"updated_at\": {\"type\": \"string\", \"format\": \"date-time\"},"
    "  \"homepage\": {\"type\": \"string\", \"format\": \"uri\"},"
    "  \"last_ip\": {\"type\": \"string\", \"format\": \"ipv4\"},"
    "  \"score\": {\"type\": \"number\", \"minimum\": 0,"
    "              \"exclusiveMaximum\": 100, \"multipleOf\": 0.5},"
    "  \"address\": {\"$ref\": \"#/definitions/address\"},"
    "  \"phones\": {\"type\": \"array\", \"maxItems\": 5,"
    "               \"items\": {\"$ref\": \"#/definitions/phone\"}},"
    "  \"tags\": {\"type\": \"array\", \"uniqueItems\": true,"
    "             \"items\": {\"type\": \"string\", \"maxLength\": 24}},"
    "  \"preferences\": {\"type\": \"object\","
    "                    \"properties\": {"
    "                      \"language\": {\"type\": \"string\","
    "                         \"pattern\": \"^[a-z]{2}(-[A-Z]{2})?$\"},"
    "                      \"newsletter\": {\"type\": \"boolean\"},"
    "                      \"theme\": {\"enum\": [\"light\", \"dark\"]}},"
    "                    \"additionalProperties\": {\"type\": [\"string\","
    "                                               \"boolean\", \"number\"]}}"
    " },"
    " \"definitions\": {"
    "  \"address\": {\"type\": \"object\","
    "                \"required\": [\"street\", \"city\", \"country\"],"
    "                \"properties\": {"
    "                  \"street\": {\"type\": \"string\", \"maxLength\": 128},"
    "                  \"city\": {\"type\": \"string\", \"maxLength\": 64},"
    "                  \"postal_code\": {\"type\": \"string\","
    "                                    \"pattern\": \"^[0-9A-Z -]{3,10}$\"},"
    "                  \"country\": {\"enum\": [\"US\", \"DE\", \"FR\","
    "                                          \"GB\","
    "                                          \"NL\", \"JP\"]}}},"
    "  \"phone\": {\"type\": \"object\", \"required\": [\"type\", \"number\"],"
    "              \"properties\": {"
    "                \"type\": {\"enum\": [\"mobile\", \"home\", \"work\"]},"
    "                \"number\": {\"type\": \"string\","
    "                             \"pattern\": \"^\\\\+[0-9]{7,15}$\"}}}"
    " }"
    "}";

static const char  bench_valid[] =
    "{"
    " \"id\": \"2eb8aa08-aa98-11ea-b4aa-73b441d16380\","
    " \"tenant_id\": \"0c2f1f5e-6f0b-4c59-9a8e-0d0a7d5e1c11\","
    " \"username\": \"jane.doe_42\","
    " \"email\": \"jane.doe@example.com\","
    " \"name\": {\"first\": \"Jane\", \"middle\": null, \"last\": \"Doe\"},"
    " \"age\": 37,"
    " \"status\": \"active\","
    " \"roles\": [\"admin\", \"editor\", \"billing\"],"
    " \"created_at\": \"2023-04-01T09:30:00Z\","
    " \"updated_at\": \"2024-11-15T17:45:12.250+01:00\","
    " \"homepage\": \"https://jane.example.com/about?lang=en#top\","
    " \"last_ip\": \"192.168.10.42\","
    " \"score\": 87.5,"
    " \"address\": {\"street\": \"221B Baker Street\", \"city\": \"London\","
    "               \"postal_code\": \"NW1 6XE\", \"country\": \"GB\"},"
    " \"phones\": [{\"type\": \"mobile\", \"number\": \"+447700900123\"},"
    "              {\"type\": \"work\", \"number\": \"+442079460000\"}],"
    " \"tags\": [\"vip\", \"beta-tester\", \"newsletter\", \"early-adopter\"],"
    " \"preferences\": {\"language\": \"en-GB\", \"newsletter\": true,"
    "                   \"theme\": \"dark\", \"timezone\": \"Europe/London\","
    "                   \"items_per_page\": 50}"
    "}";

/* the same record with five violations */
static const char  bench_invalid[] =
    "{"
    " \"id\": \"2eb8aa08-aa98-11ea-b4aa-73b441d16380\","
    " \"tenant_id\": \"0c2f1f5e-6f0b-4c59-9a8e-0d0a7d5e1c11\","
    " \"username\": \"Jane Doe\","
    " \"email\": \"jane.doe@example.com\","
    " \"name\": {\"first\": \"Jane\", \"middle\": null, \"last\": \"Doe\"},"
    " \"age\": 37,"
    " \"status\": \"active\","
    " \"roles\": [\"admin\", \"editor\", \"billing\"],"
    " \"created_at\": \"2023-04-01T09:30:00Z\","
    " \"updated_at\": \"2024-11-15T17:45:12.250+01:00\","
    " \"homepage\": \"https://jane.example.com/about?lang=en#top\","
    " \"last_ip\": \"192.168.10.420\","
    " \"score\": 87.5,"
    " \"address\": {\"street\": \"221B Baker Street\", \"city\": \"London\","
    "               \"postal_code\": \"NW1 6XE\", \"country\": \"UK\"},"
    " \"phones\": [{\"type\": \"mobile\", \"number\": \"+447700900123\"},"
    "              {\"type\": \"fax\", \"number\": \"2079460000\"}],"
    " \"tags\": [\"vip\", \"beta-tester\", \"newsletter\", \"early-adopter\"],"
    " \"preferences\": {\"language\": \"en-GB\", \"newsletter\": true,"
    "                   \"theme\": \"dark\", \"timezone\": \"Europe/London\","
    "                   \"items_per_page\": 50}"
    "}";


static double
bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


/* ns per validation of inst; collect: with an error list. */
static double
bench_run(const hs_schema_t *s, const json_t *inst, long n, int collect,
    hs_rc_t want)
{
    long                i;
    double              t0;
    hs_rc_t             rc;
    hs_schema_errors_t  errs;

    t0 = bench_now();

    for (i = 0; i < n; i++) {
        rc = hs_schema_validate(s, inst, collect ? &errs : NULL);
        if (collect) {
            hs_schema_errors_release(&errs);
        }

        if (rc != want) {
            fprintf(stderr, "unexpected result %d\n", rc);
            exit(1);
        }
    }

    return (bench_now() - t0) / n;
}


int
main(int argc, char **argv)
{
    long                 n;
    size_t               i;
    char                *dump;
    json_t              *schema, *valid, *invalid;
    hs_error_t           err;
    hs_schema_t         *s;
    json_error_t         jerr;
    hs_schema_errors_t   errs;

    n = argc > 1 ? atol(argv[1]) : 200000;
    if (n <= 0) {
        n = 200000;
    }

    schema = json_loads(bench_schema, 0, &jerr);
    valid = json_loads(bench_valid, 0, &jerr);
    invalid = json_loads(bench_invalid, 0, &jerr);
    if (schema == NULL || valid == NULL || invalid == NULL) {
        fprintf(stderr, "bad JSON: %s\n", jerr.text);
        return 1;
    }

    s = hs_schema_compile(schema, NULL, NULL, &err);
    if (s == NULL) {
        fprintf(stderr, "compile: %s\n", err.msg);
        return 1;
    }

    dump = json_dumps(valid, JSON_COMPACT);
    printf("instance: %zu bytes of JSON; %ld validations per figure\n",
           strlen(dump), n);
    free(dump);

    if (hs_schema_validate(s, invalid, &errs) != HS_EINVAL) {
        fprintf(stderr, "the invalid instance validates\n");
        return 1;
    }

    printf("invalid instance: %zu violations\n", errs.n);
    for (i = 0; i < errs.n; i++) {
        printf("  %s: %s (%s)\n", errs.items[i].pointer,
               errs.items[i].message, errs.items[i].keyword);
    }
    hs_schema_errors_release(&errs);

    /* warm up */
    bench_run(s, valid, n / 10 + 1, 0, HS_OK);

    printf("valid:                          %8.1f ns/validation\n",
           bench_run(s, valid, n, 0, HS_OK));
    printf("invalid, stop at first:         %8.1f ns/validation\n",
           bench_run(s, invalid, n, 0, HS_EINVAL));
    printf("invalid, every violation listed: %7.1f ns/validation\n",
           bench_run(s, invalid, n, 1, HS_EINVAL));

    hs_schema_free(s);
    json_decref(schema);
    json_decref(valid);
    json_decref(invalid);

    return 0;
}
