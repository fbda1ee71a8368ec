/*
 * Global Type System (GTS): identifiers, extraction, matching and UUIDs
 * (OP#1 - OP#5 of the GTS specification).
 *
 * Identifiers (no allocation, no registry):
 *
 *     hs_gts_id_t  id;
 *
 *     if (hs_gts_id_parse(s, strlen(s), 0, &id, &err) == HS_OK) {
 *         ... id.segs[0 .. id.nsegs - 1] ...
 *     }
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


#ifdef HS_GTS_IMPL
/* ---- shared by the hs_gts*.c files only (not exported) ---- */

#define HS__GTS_URI_PREFIX      "gts://"
#define HS__GTS_URI_PREFIX_LEN  6

/* hs_gts_id.c */
int hs__gts_same_but_minor(const hs_gts_id_t *a, const hs_gts_id_t *b);
const char *hs__gts_strip_uri(const char *s);

#endif /* HS_GTS_IMPL */

#endif /* HS_GTS_H */
