/*
 * Global Type System (GTS): identifiers, extraction, matching, UUIDs and
 * an in-memory registry of GTS Type Schemas and instances with the
 * operations of the GTS specification (OP#1 - OP#13). docs/gts.md
 * describes each operation, the rules and the deviations from the
 * specification.
 *
 * Identifiers (no allocation, no registry):
 *
 *     hs_gts_id_t  id;
 *
 *     if (hs_gts_id_parse(s, strlen(s), 0, &id, &err) == HS_OK) {
 *         ... id.segs[0 .. id.nsegs - 1] ...
 *     }
 *
 * The registry: entities are added in any order without validation and
 * checked together afterwards, or added one by one with validation:
 *
 *     reg = hs_gts_registry_create(NULL);
 *     for (each persisted document doc) {
 *         hs_gts_registry_add(reg, doc, 0, NULL, &err);
 *     }
 *     nbad = hs_gts_registry_validate_all(reg, report_cb, data);
 *
 *     rc = hs_gts_registry_add(reg, doc, HS_GTS_VALIDATE, &ent, &err);
 *     HS_OK: added, or the same content was already registered;
 *     HS_EEXIST: the id is registered with other content;
 *     HS_EINVAL: rejected, err names the id and the rule.
 *
 * A registry is thread-agnostic and has no global state: the caller
 * serializes every call on one registry, lookups included (validation
 * compiles schemas lazily and caches them). After
 * hs_gts_registry_validate_all() every schema is compiled, and the calls
 * documented as "read-only once compiled" may then run concurrently as
 * long as nothing is added or removed.
 *
 * Documents given to the registry are copied; returned entities and
 * their content are borrowed and live until the entity is removed or the
 * registry destroyed. json_t results of hs_gts_op_*() and of the other
 * calls marked "new reference" belong to the caller.
 */

#ifndef HS_GTS_H
#define HS_GTS_H

#include <jansson.h>
#include "hs_base.h"

#define HS_GTS_ID_MAX        1024     /* characters of an identifier */
#define HS_GTS_MAX_SEGMENTS  32       /* segments of one chain */
#define HS_GTS_UUID_LEN      36

/* hs_gts_id_parse() flags */
#define HS_GTS_ALLOW_WILDCARD  0x01   /* accept a pattern ending with '*' */

/* hs_gts_registry_add() flags */
#define HS_GTS_VALIDATE        0x01   /* every rule, as on validate-entity */

/* Where the '*' of a pattern stands in its last segment. */
typedef enum {
    HS_GTS_WILD_NONE = 0,
    HS_GTS_WILD_VENDOR,      /* "gts.*", "...v1~*": any segment */
    HS_GTS_WILD_PACKAGE,     /* "gts.x.*" */
    HS_GTS_WILD_NAMESPACE,   /* "gts.x.pkg.*" */
    HS_GTS_WILD_TYPE,        /* "gts.x.pkg.ns.*" */
    HS_GTS_WILD_VERSION,     /* "gts.x.pkg.ns.type.*", "....type.v*" */
    HS_GTS_WILD_MINOR        /* "gts.x.pkg.ns.type.v1.*" */
} hs_gts_wild_t;

/* A part of a string that is not NUL-terminated at its end. */
typedef struct {
    const char  *p;
    size_t       len;
} hs_gts_str_t;

/* One segment of a chain; fields point into the parsed string. */
typedef struct {
    hs_gts_str_t    text;       /* the segment without its '~' */
    hs_gts_str_t    vendor;
    hs_gts_str_t    package;
    hs_gts_str_t    ns;         /* namespace */
    hs_gts_str_t    type;
    long            ver_major;  /* -1: not given (pattern) */
    long            ver_minor;  /* -1: not given */
    unsigned        is_type;    /* followed by '~' */
    unsigned        is_uuid;    /* the UUID tail of an anonymous instance */
    hs_gts_wild_t   wildcard;   /* only in the last segment of a pattern */
} hs_gts_segment_t;

/* A parsed identifier or pattern (OP#3). */
typedef struct {
    const char        *id;          /* the parsed string, not copied */
    size_t             len;
    size_t             type_len;    /* "gts.a~b~" of "gts.a~b~c": up to
                                       the last '~'; 0 when none */
    unsigned           nsegs;
    unsigned           is_type;     /* ends with '~' */
    unsigned           is_wildcard; /* a pattern ending with '*' */
    unsigned           is_anonymous;/* ends with a UUID */
    hs_gts_segment_t   segs[HS_GTS_MAX_SEGMENTS];
} hs_gts_id_t;

/*
 * OP#1/OP#3: parses s (len bytes, no trailing NUL needed) into id.
 * HS_EINVAL with the reason in err when s is not a GTS identifier (or a
 * pattern, with HS_GTS_ALLOW_WILDCARD). Allocates nothing.
 */
HS_API hs_rc_t hs_gts_id_parse(const char *s, size_t len, unsigned flags,
    hs_gts_id_t *id, hs_error_t *err);

/* 1 when s is a GTS identifier (no wildcard), else 0. */
HS_API int hs_gts_id_valid(const char *s);

/*
 * OP#4: 1 when candidate is covered by pattern, 0 when not. pattern is
 * an identifier or a pattern; an identifier ending with '~' also covers
 * every type derived from it and their instances; a segment without a
 * minor version covers every minor version. candidate may be a pattern
 * too: it matches when everything it can name is covered.
 */
HS_API int hs_gts_id_match(const hs_gts_id_t *pattern,
    const hs_gts_id_t *candidate);

/* OP#4 on strings: HS_OK with *match set, HS_EINVAL for a bad input. */
HS_API hs_rc_t hs_gts_match(const char *pattern, const char *candidate,
    int *match, hs_error_t *err);

/*
 * OP#5: the UUID v5 of identifier id in the GTS namespace
 * (uuid5(uuid5(NAMESPACE_URL, "gts"), id)), lower case, into out.
 * HS_EINVAL when id is not a GTS identifier.
 */
HS_API hs_rc_t hs_gts_uuid(const char *id, char out[HS_GTS_UUID_LEN + 1],
    hs_error_t *err);

/*
 * The same UUID v5 for any string (an anonymous instance id, which need
 * not be a GTS identifier); fails only when hashing does.
 */
HS_API hs_rc_t hs_gts_uuid5(const char *s, char out[HS_GTS_UUID_LEN + 1],
    hs_error_t *err);

/*
 * Field names where instances keep their id and their type, in priority
 * order, NULL-terminated; NULL members select the defaults:
 * "id", "$id", "gtsId", "gts_id" and "type", "gtsType", "gts_type",
 * "gtsTid", "schema".
 */
typedef struct {
    const char *const  *id_fields;
    const char *const  *type_fields;
} hs_gts_config_t;

/* OP#2: what identifies a JSON document. */
typedef struct {
    const char  *id;            /* NULL: none; "gts://" stripped */
    const char  *type_id;       /* a GTS Type Identifier or NULL */
    const char  *id_field;      /* the field id came from, or NULL */
    const char  *type_id_field; /* the field type_id came from, or NULL */
    const char  *meta_schema;   /* the "$schema" value, or NULL */
    int          is_type;       /* a schema (has "$schema") */
    int          is_gts;        /* id is a GTS identifier (schemas: a
                                   type id), or an anonymous instance
                                   has a GTS type */
    char         buf[HS_GTS_ID_MAX + 1];
} hs_gts_extract_t;

/*
 * OP#2 (spec 11.1): extracts id and type_id from doc. Strings point into
 * doc or into out->buf. HS_EINVAL when doc is not an object.
 */
HS_API hs_rc_t hs_gts_extract(const json_t *doc, const hs_gts_config_t *cfg,
    hs_gts_extract_t *out);


/* The registry */

typedef struct hs_gts_registry_s  hs_gts_registry_t;

/* A registered schema or instance (read-only for the caller). */
typedef struct {
    const char  *id;            /* the key: a GTS identifier, or the id
                                   of an anonymous instance */
    const char  *type_id;       /* schemas: the parent type (NULL for a
                                   base type); instances: their type */
    json_t      *content;       /* the registered document */
    const char  *id_field;
    const char  *type_id_field;
    unsigned     is_type;       /* a GTS Type Schema */
    unsigned     is_abstract;   /* "x-gts-abstract": true */
    unsigned     is_final;      /* "x-gts-final": true */
} hs_gts_entity_t;

/* Filter of hs_gts_registry_list(); zero (NULL, -1) members match all. */
typedef struct {
    const char  *pattern;       /* OP#4 pattern or identifier */
    int          is_type;       /* 1 schemas, 0 instances, -1 both */
    const char  *vendor;        /* of the entity's own (last named) */
    const char  *package;       /*   segment */
    const char  *ns;
} hs_gts_filter_t;

typedef void (*hs_gts_report_pt)(void *data, const char *id,
    const char *msg);

HS_API hs_gts_registry_t *hs_gts_registry_create(const hs_gts_config_t *cfg);
HS_API void hs_gts_registry_destroy(hs_gts_registry_t *reg);

/*
 * Adds a copy of doc (a schema when it has "$schema", else an instance).
 * Always checked: the id (a schema's "$id" must be "gts://" and a type
 * identifier; an instance needs an id and a GTS type), "x-gts-final" and
 * "x-gts-abstract" (booleans, not both), every "$ref" ("#..." or
 * "gts://" and an identifier) and every "x-gts-ref" (a GTS identifier,
 * a pattern or a pointer into the schema that leads to one). With
 * HS_GTS_VALIDATE also everything hs_gts_registry_validate() checks; the
 * entity is then not added when that fails. *ent (may be NULL) is the
 * registered entity.
 */
HS_API hs_rc_t hs_gts_registry_add(hs_gts_registry_t *reg, const json_t *doc,
    unsigned flags, const hs_gts_entity_t **ent, hs_error_t *err);

/*
 * fn (NULL: none) is called by hs_gts_registry_add() for each entity it
 * newly adds, after its checks and validation, e.g. to persist it; an
 * error return (with err set) removes the entity again and is what
 * hs_gts_registry_add() returns. Content registered already (the
 * idempotent case) does not call it.
 */
typedef hs_rc_t (*hs_gts_added_pt)(void *data, const hs_gts_entity_t *ent,
    hs_error_t *err);

HS_API void hs_gts_registry_on_add(hs_gts_registry_t *reg,
    hs_gts_added_pt fn, void *data);

/* HS_OK or HS_ENOTFOUND. Compiled schemas are rebuilt when needed. */
HS_API hs_rc_t hs_gts_registry_remove(hs_gts_registry_t *reg,
    const char *id);

/* The entity with id (a "gts://" prefix is ignored), or NULL. */
HS_API const hs_gts_entity_t *hs_gts_registry_get(hs_gts_registry_t *reg,
    const char *id);

HS_API size_t hs_gts_registry_count(const hs_gts_registry_t *reg);

/*
 * Up to max entities matching f (NULL: all) in registration order,
 * starting at position start; *next (may be NULL) is where the next call
 * continues (hs_gts_registry_count() when done). HS_EINVAL in *rc (may
 * be NULL) for a bad pattern. Read-only.
 */
HS_API size_t hs_gts_registry_list(hs_gts_registry_t *reg,
    const hs_gts_filter_t *f, size_t start, const hs_gts_entity_t **out,
    size_t max, size_t *next, hs_rc_t *rc, hs_error_t *err);

/*
 * OP#6/OP#12/OP#13: validates the registered entity id with every rule:
 * an instance against its type (registered, a schema, not abstract, no
 * schema-only keywords in the instance, "x-gts-ref" values); a schema:
 * its chain (every base registered and not final), "$ref" targets
 * registered, no "$ref" cycle between GTS schemas, modifiers at the top
 * level, a valid JSON Schema, each derived schema in the chain
 * compatible with its base (OP#12) and its traits (OP#13).
 * HS_OK, HS_EINVAL (err says why), HS_ENOTFOUND.
 */
HS_API hs_rc_t hs_gts_registry_validate(hs_gts_registry_t *reg,
    const char *id, hs_error_t *err);

/*
 * Validates an instance document that need not be registered against
 * its registered type (OP#6). Read-only once compiled.
 */
HS_API hs_rc_t hs_gts_registry_validate_doc(hs_gts_registry_t *reg,
    const json_t *doc, hs_error_t *err);

/*
 * Validates every entity; report (may be NULL) is called for each one
 * that fails. Returns the number of failures. Compiles every schema.
 */
HS_API size_t hs_gts_registry_validate_all(hs_gts_registry_t *reg,
    hs_gts_report_pt report, void *data);

/*
 * OP#13: the effective traits of type id (x-gts-traits of its chain and
 * the defaults of the trait schemas), a new reference, or NULL with err.
 */
HS_API json_t *hs_gts_registry_traits(hs_gts_registry_t *reg,
    const char *id, hs_error_t *err);

/*
 * OP#8: minor-version compatibility of two registered types that differ
 * only in minor versions. backward: the new schema accepts every
 * instance of the old one; forward: the old one accepts every instance
 * of the new one; full: both. The reasons are new arrays of strings.
 */
typedef struct {
    int      backward;
    int      forward;
    int      full;
    json_t  *backward_errors;
    json_t  *forward_errors;
} hs_gts_compat_t;

HS_API hs_rc_t hs_gts_registry_compat(hs_gts_registry_t *reg,
    const char *old_id, const char *new_id, hs_gts_compat_t *out,
    hs_error_t *err);

HS_API void hs_gts_compat_release(hs_gts_compat_t *c);

/*
 * OP#9: casts registered instance instance_id to type to_id (another
 * minor version of its type). The result (a new reference) has
 * "from_id", "to_id", "old", "new", "direction" ("up", "down", "none"),
 * "added_properties", "removed_properties", "changed_properties",
 * "is_backward_compatible", "is_forward_compatible",
 * "is_fully_compatible", "incompatibility_reasons" and "casted_entity";
 * NULL with err when the cast is not possible or its result does not
 * validate against to_id.
 */
HS_API json_t *hs_gts_registry_cast(hs_gts_registry_t *reg,
    const char *instance_id, const char *to_id, hs_error_t *err);

/*
 * OP#7: the graph of id's references (its chain, "$ref"s, an instance's
 * type, literal "x-gts-ref" types), followed recursively: a new
 * {"id", "ok", "entities": {id: {"is_type", "registered", "refs":
 * [{"id", "via"}]}}, "broken": [{"from", "to", "via"}]}; "ok" is false
 * when a chain base, a "$ref" or an instance's type is not registered.
 * NULL with err when id is not registered.
 */
HS_API json_t *hs_gts_registry_relationships(hs_gts_registry_t *reg,
    const char *id, hs_error_t *err);

/*
 * OP#10: entities matching expr, "<id or pattern>[name=value, ...]", at
 * most limit of them (0: no limit): a new array of their contents.
 * NULL with "Invalid query: ..." in err for a bad expression.
 * Read-only.
 */
HS_API json_t *hs_gts_registry_query(hs_gts_registry_t *reg,
    const char *expr, size_t limit, hs_error_t *err);

/*
 * OP#11: the value at path ("a.b[2].c") of registered entity id, a
 * borrowed reference, or NULL (HS_ENOTFOUND in *rc for a missing entity
 * or attribute, HS_EINVAL for a bad path). Read-only.
 */
HS_API json_t *hs_gts_registry_attr(hs_gts_registry_t *reg, const char *id,
    const char *path, hs_rc_t *rc, hs_error_t *err);

/* OP#11 on any document. */
HS_API json_t *hs_gts_attr_get(json_t *doc, const char *path, hs_rc_t *rc,
    hs_error_t *err);


/*
 * The GTS operations API (spec 9.5): each call returns the response body
 * of one operation as a new reference (NULL only when out of memory),
 * with "error" set when the operation failed. *rc (may be NULL) is the
 * modkit code behind it, for the HTTP status (HS_EINVAL 422, HS_EEXIST
 * 409, HS_ENOTFOUND 404).
 */
HS_API json_t *hs_gts_op_validate_id(const char *id);
HS_API json_t *hs_gts_op_parse_id(const char *id);
HS_API json_t *hs_gts_op_extract_id(const json_t *doc,
    const hs_gts_config_t *cfg);
HS_API json_t *hs_gts_op_match_id_pattern(const char *candidate,
    const char *pattern);
HS_API json_t *hs_gts_op_uuid(const char *id);
HS_API json_t *hs_gts_op_add_entity(hs_gts_registry_t *reg,
    const json_t *doc, int validate, hs_rc_t *rc);
HS_API json_t *hs_gts_op_add_entities(hs_gts_registry_t *reg,
    const json_t *docs, int validate, hs_rc_t *rc);
HS_API json_t *hs_gts_op_add_type_schema(hs_gts_registry_t *reg,
    const char *type_id, const json_t *schema, int validate, hs_rc_t *rc);
HS_API json_t *hs_gts_op_get_entity(hs_gts_registry_t *reg, const char *id,
    hs_rc_t *rc);
HS_API json_t *hs_gts_op_list_entities(hs_gts_registry_t *reg, size_t limit);
HS_API json_t *hs_gts_op_validate_instance(hs_gts_registry_t *reg,
    const char *instance_id, hs_rc_t *rc);
HS_API json_t *hs_gts_op_validate_type_schema(hs_gts_registry_t *reg,
    const char *type_id, hs_rc_t *rc);
HS_API json_t *hs_gts_op_validate_entity(hs_gts_registry_t *reg,
    const char *entity_id, hs_rc_t *rc);
HS_API json_t *hs_gts_op_resolve_relationships(hs_gts_registry_t *reg,
    const char *id, hs_rc_t *rc);
HS_API json_t *hs_gts_op_compatibility(hs_gts_registry_t *reg,
    const char *old_type_id, const char *new_type_id, hs_rc_t *rc);
HS_API json_t *hs_gts_op_cast(hs_gts_registry_t *reg,
    const char *instance_id, const char *to_type_id, hs_rc_t *rc);
HS_API json_t *hs_gts_op_query(hs_gts_registry_t *reg, const char *expr,
    size_t limit, hs_rc_t *rc);
HS_API json_t *hs_gts_op_attr(hs_gts_registry_t *reg,
    const char *gts_with_path, hs_rc_t *rc);


#ifdef HS_GTS_IMPL
/* ---- shared by the hs_gts*.c files only (not exported) ---- */

#include "hs_jsonschema.h"

#define HS__GTS_URI_PREFIX      "gts://"
#define HS__GTS_URI_PREFIX_LEN  6
#define HS__GTS_MAX_DEPTH       64      /* nesting followed in schemas */

typedef struct hs__gts_ent_s  hs__gts_ent_t;

struct hs__gts_ent_s {
    hs_gts_entity_t   pub;
    char             *id;
    char             *type_id;
    json_t           *content;
    hs_schema_t      *compiled;         /* schemas, compiled lazily */
};

struct hs_gts_registry_s {
    hs__gts_ent_t          **ents;      /* in registration order */
    size_t                   n;
    size_t                   cap;
    uint32_t                *tab;       /* open addressing: index + 1 */
    size_t                   tab_mask;
    hs_schema_registry_t    *sreg;      /* every schema as gts://<id> */
    int                      sreg_stale;
    char                   **id_fields;
    char                   **type_fields;
    hs_gts_config_t          cfg;
    hs_schema_keyword_t      xref;      /* the "x-gts-ref" keyword */
    hs_schema_options_t      sopts;
    hs_gts_added_pt          on_add;
    void                    *on_add_data;
};

/* Modes of hs__gts_flatten(). */
#define HS__GTS_FOLD_INTERSECT  0       /* what instances must satisfy */
#define HS__GTS_FOLD_DECLARED   1       /* a restated property replaces
                                           the inherited one (OP#12) */

/* hs_gts_id.c */
int hs__gts_same_but_minor(const hs_gts_id_t *a, const hs_gts_id_t *b);
void hs__gts_prefix(const hs_gts_id_t *id, unsigned k, char *out);
hs_rc_t hs__gts_versions(const char *a, const char *b, hs_gts_id_t *pa,
    hs_gts_id_t *pb, hs_error_t *err);
const char *hs__gts_strip_uri(const char *s);

/* hs_gts_registry.c */
typedef int (*hs__gts_walk_pt)(void *data, json_t *schema);

int hs__gts_walk(json_t *js, hs__gts_walk_pt cb, void *data,
    unsigned depth);
int hs__gts_ref_target(const char *s, char *out, size_t size,
    hs_error_t *err);
hs__gts_ent_t *hs__gts_find(hs_gts_registry_t *reg, const char *id);
hs_rc_t hs__gts_sreg_ready(hs_gts_registry_t *reg, hs_error_t *err);
hs_schema_t *hs__gts_compiled(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    hs_error_t *err);
hs_rc_t hs__gts_validate_json(hs_gts_registry_t *reg, const hs_schema_t *s,
    const json_t *inst, const char *what, hs_error_t *err);
json_t *hs__gts_pointer(json_t *doc, const char *ptr);
hs_rc_t hs__gts_xref_resolve(json_t *doc, json_t *value, char *out,
    size_t size, hs_error_t *err);
hs_rc_t hs__gts_type_of(hs_gts_registry_t *reg, const char *type_id,
    const char *what, hs__gts_ent_t **out, hs_error_t *err);

/* hs_gts_compat.c */
json_t *hs__gts_flatten(hs_gts_registry_t *reg, json_t *doc,
    const char *doc_id, json_t *schema, int mode, json_t *errors,
    hs_error_t *err);
json_t *hs__gts_flatten_type(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    int mode, json_t *errors, hs_error_t *err);
int hs__gts_included(hs_gts_registry_t *reg, const json_t *a,
    const json_t *b, int compat, const char *path, json_t *reasons);
hs_rc_t hs__gts_check_derivation(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    hs_error_t *err);

/* hs_gts_traits.c */
hs_rc_t hs__gts_check_traits(hs_gts_registry_t *reg, hs__gts_ent_t *e,
    json_t **traits, hs_error_t *err);

/* hs_gts_query.c */
hs_rc_t hs__gts_path_get(json_t *doc, const char *path, json_t **out,
    hs_error_t *err);

#endif /* HS_GTS_IMPL */

#endif /* HS_GTS_H */
