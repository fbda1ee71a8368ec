/*
 * JSON Schema validation (draft-07, with the 2019-09/2020-12 keywords
 * $defs, $anchor, dependentRequired, dependentSchemas, prefixItems,
 * minContains and maxContains).
 *
 * A schema is compiled once (keywords parsed, $ref resolved, regexes
 * compiled with PCRE2, JIT where available) and is then read-only: any
 * number of threads may validate with one compiled schema at once.
 * Validation allocates nothing unless it reports errors, except for
 * "uniqueItems" on arrays of more than 32 items and "propertyNames"
 * subschemas that are more than string keywords.
 *
 * Limits: instances are followed HS_SCHEMA_MAX_DEPTH levels deep and
 * schemas 512 evaluations deep ("$ref" loops) before validation fails
 * with keyword "depth" or "$ref"; schema documents nest 128 levels at
 * most; a regex match gives up (and fails) after 10^6 backtracking steps.
 * Patterns are ECMA-262 compiled by PCRE2 with PCRE-only syntax rejected;
 * "\s" matches ASCII white space only.
 *
 *     hs_schema_t         *s;
 *     hs_schema_errors_t   errs;
 *
 *     s = hs_schema_compile(schema_json, NULL, NULL, &err);
 *     if (hs_schema_validate(s, body, &errs) == HS_EINVAL) {
 *         ... errs.items[0 .. errs.n - 1] ...
 *         hs_schema_errors_release(&errs);
 *     }
 *     hs_schema_free(s);
 *
 * Draft-07 rules: "$ref" makes its sibling keywords ignored; a root
 * "$schema" naming 2019-09 or 2020-12 makes them apply, as in those drafts.
 * Unknown keywords and unknown formats are annotations and are ignored.
 */

#ifndef HS_JSONSCHEMA_H
#define HS_JSONSCHEMA_H

#include <jansson.h>
#include "hs_base.h"

/* Instance nesting that validation follows before it reports an error. */
#define HS_SCHEMA_MAX_DEPTH  64

/* Schemas by absolute URI, for remote "$ref"s. Not thread-safe to add to. */
typedef struct hs_schema_registry_s  hs_schema_registry_t;

/* A compiled schema. */
typedef struct hs_schema_s  hs_schema_t;

/* One violation; the strings are owned by the hs_schema_errors_t. */
typedef struct {
    char  *pointer;      /* RFC 6901 pointer of the instance location, ""
                            for the root; for "required" and
                            "additionalProperties" it names the property */
    char  *keyword;      /* "type", "required", "maxLength", ... */
    char  *schema_path;  /* RFC 6901 pointer of the keyword in the schema,
                            e.g. "/properties/a/type"; "uri#/pointer" when
                            the keyword is in another document */
    char  *message;      /* "must be an integer", "is required", ... */
} hs_schema_error_t;

typedef struct {
    size_t              n;
    hs_schema_error_t  *items;
} hs_schema_errors_t;

HS_API hs_schema_registry_t *hs_schema_registry_create(void);

/*
 * Registers schema under uri (an absolute URI; an empty fragment is
 * dropped); subschemas with "$id" become reachable by their own URIs.
 * The registry takes its own reference to schema; the caller keeps its
 * reference and must not modify schema afterwards.
 * HS_EEXIST when uri is taken, HS_EINVAL for a bad uri or schema.
 */
HS_API hs_rc_t hs_schema_registry_add(hs_schema_registry_t *reg,
    const char *uri, json_t *schema, hs_error_t *err);

/* Compiled schemas stay valid after their registry is destroyed. */
HS_API void hs_schema_registry_destroy(hs_schema_registry_t *reg);

/*
 * Compiles schema (an object or a boolean). reg (for remote "$ref"s) and
 * base_uri (the schema's retrieval URI) may be NULL; the draft-07
 * meta-schema is built in. The compiled schema keeps references to the
 * documents it uses; they must not be modified while it lives.
 * Returns NULL with a message naming the schema path in err when the
 * schema is invalid or a "$ref" cannot be resolved.
 */
HS_API hs_schema_t *hs_schema_compile(json_t *schema,
    hs_schema_registry_t *reg, const char *base_uri, hs_error_t *err);

/*
 * A keyword the caller adds to the validator (an "x-..." vocabulary
 * keyword). compile() is called for every schema object that has it,
 * with the keyword's value, the root of the document the object is in
 * and the object's JSON pointer there; it returns a new reference to the
 * argument validate() will receive, or NULL with a message in err (the
 * schema then does not compile). validate() returns 1 when instance
 * passes, else 0 with a message in msg (size bytes). data is passed to
 * both and must outlive the compiled schema.
 */
typedef struct {
    const char  *name;
    json_t     *(*compile)(void *data, json_t *value, json_t *doc,
                           const char *path, hs_error_t *err);
    int         (*validate)(void *data, const json_t *arg,
                            const json_t *instance, char *msg, size_t size);
    void        *data;
} hs_schema_keyword_t;

typedef struct {
    const hs_schema_keyword_t  *keywords;
    size_t                      nkeywords;
} hs_schema_options_t;

/* hs_schema_compile() with caller-defined keywords (opts may be NULL). */
HS_API hs_schema_t *hs_schema_compile_ex(json_t *schema,
    hs_schema_registry_t *reg, const char *base_uri,
    const hs_schema_options_t *opts, hs_error_t *err);

HS_API void hs_schema_free(hs_schema_t *s);

/*
 * HS_OK: valid. HS_EINVAL: invalid; with errs != NULL, errs is
 * overwritten with every violation (release it afterwards), with
 * errs == NULL validation stops at the first violation. HS_ENOMEM: out
 * of memory while reporting (errs is then empty).
 */
HS_API hs_rc_t hs_schema_validate(const hs_schema_t *s,
    const json_t *instance, hs_schema_errors_t *errs);

HS_API void hs_schema_errors_release(hs_schema_errors_t *errs);

/*
 * Format checkers, also usable without a schema: returns 1 when s (len
 * bytes of UTF-8) is valid. hs_schema_format_checker() returns NULL for
 * a format it does not know ("date-time", "date", "time", "duration",
 * "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6",
 * "uri", "uri-reference", "iri", "iri-reference", "uri-template",
 * "uuid", "json-pointer", "relative-json-pointer", "regex").
 */
typedef int (*hs_schema_format_pt)(const char *s, size_t len);

HS_API hs_schema_format_pt hs_schema_format_checker(const char *name);

#endif /* HS_JSONSCHEMA_H */
