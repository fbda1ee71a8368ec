/*
 * JSON Schema: a schema is compiled into a graph of nodes (keywords
 * parsed, "$ref"s resolved to nodes, patterns compiled with PCRE2), then
 * instances are validated against the graph without allocating.
 *
 * Compilation: every document (the schema, registry entries, the built-in
 * meta-schema) is indexed by the URIs of its "$id"s and anchors; nodes are
 * memoized by the JSON value they come from, so a subschema is compiled
 * once however it is reached; "$ref" targets are queued rather than
 * compiled recursively, so a long chain of references cannot exhaust the
 * stack.
 */

#define PCRE2_CODE_UNIT_WIDTH  8

#include <float.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_jsonschema.h"

#define HS__JS_EVAL_MAX_DEPTH     512   /* nested evaluations ($ref loops) */
#define HS__JS_COMPILE_MAX_DEPTH  128   /* nesting of a schema document */
#define HS__JS_EQUAL_MAX_DEPTH    1024
#define HS__JS_MATCH_LIMIT        1000000
#define HS__JS_UNIQUE_PAIRWISE    32
#define HS__JS_CHUNK_SIZE         8192

#define HS__JS_DRAFT7             7
#define HS__JS_DRAFT2019          2019  /* 2019-09 and 2020-12 */

/* Instance types, as bits. */
#define HS__JS_T_NULL             0x01
#define HS__JS_T_BOOLEAN          0x02
#define HS__JS_T_OBJECT           0x04
#define HS__JS_T_ARRAY            0x08
#define HS__JS_T_NUMBER           0x10
#define HS__JS_T_STRING           0x20
#define HS__JS_T_INTEGER          0x40

/* Keywords a node has. */
#define HS__JS_K_FALSE            ((uint64_t) 1 << 0)
#define HS__JS_K_REF              ((uint64_t) 1 << 1)
#define HS__JS_K_TYPE             ((uint64_t) 1 << 2)
#define HS__JS_K_ENUM             ((uint64_t) 1 << 3)
#define HS__JS_K_CONST            ((uint64_t) 1 << 4)
#define HS__JS_K_ALLOF            ((uint64_t) 1 << 5)
#define HS__JS_K_ANYOF            ((uint64_t) 1 << 6)
#define HS__JS_K_ONEOF            ((uint64_t) 1 << 7)
#define HS__JS_K_NOT              ((uint64_t) 1 << 8)
#define HS__JS_K_IF               ((uint64_t) 1 << 9)
#define HS__JS_K_MULTIPLEOF       ((uint64_t) 1 << 10)
#define HS__JS_K_MAXIMUM          ((uint64_t) 1 << 11)
#define HS__JS_K_EXMAXIMUM        ((uint64_t) 1 << 12)
#define HS__JS_K_MINIMUM          ((uint64_t) 1 << 13)
#define HS__JS_K_EXMINIMUM        ((uint64_t) 1 << 14)
#define HS__JS_K_MAXLENGTH        ((uint64_t) 1 << 15)
#define HS__JS_K_MINLENGTH        ((uint64_t) 1 << 16)
#define HS__JS_K_PATTERN          ((uint64_t) 1 << 17)
#define HS__JS_K_FORMAT           ((uint64_t) 1 << 18)
#define HS__JS_K_ITEMS            ((uint64_t) 1 << 19)  /* every item */
#define HS__JS_K_TUPLE            ((uint64_t) 1 << 20)  /* positional */
#define HS__JS_K_ADDITEMS         ((uint64_t) 1 << 21)  /* after tuple */
#define HS__JS_K_MAXITEMS         ((uint64_t) 1 << 22)
#define HS__JS_K_MINITEMS         ((uint64_t) 1 << 23)
#define HS__JS_K_UNIQUE           ((uint64_t) 1 << 24)
#define HS__JS_K_CONTAINS         ((uint64_t) 1 << 25)
#define HS__JS_K_MAXPROPS         ((uint64_t) 1 << 26)
#define HS__JS_K_MINPROPS         ((uint64_t) 1 << 27)
#define HS__JS_K_REQUIRED         ((uint64_t) 1 << 28)
#define HS__JS_K_PROPS            ((uint64_t) 1 << 29)
#define HS__JS_K_PPROPS           ((uint64_t) 1 << 30)
#define HS__JS_K_ADDPROPS         ((uint64_t) 1 << 31)
#define HS__JS_K_DEPS             ((uint64_t) 1 << 32)
#define HS__JS_K_PROPNAMES        ((uint64_t) 1 << 33)
#define HS__JS_K_EXT              ((uint64_t) 1 << 34)  /* caller's */

#define HS__JS_G_ANY  (HS__JS_K_ENUM | HS__JS_K_CONST | HS__JS_K_ALLOF        \
                       | HS__JS_K_ANYOF | HS__JS_K_ONEOF | HS__JS_K_NOT       \
                       | HS__JS_K_IF)
#define HS__JS_G_NUM  (HS__JS_K_MULTIPLEOF | HS__JS_K_MAXIMUM                 \
                       | HS__JS_K_EXMAXIMUM | HS__JS_K_MINIMUM                \
                       | HS__JS_K_EXMINIMUM)
#define HS__JS_G_STR  (HS__JS_K_MAXLENGTH | HS__JS_K_MINLENGTH                \
                       | HS__JS_K_PATTERN | HS__JS_K_FORMAT)
#define HS__JS_G_ARR  (HS__JS_K_ITEMS | HS__JS_K_TUPLE | HS__JS_K_MAXITEMS    \
                       | HS__JS_K_MINITEMS | HS__JS_K_UNIQUE                  \
                       | HS__JS_K_CONTAINS)
#define HS__JS_G_OBJ  (HS__JS_K_MAXPROPS | HS__JS_K_MINPROPS                  \
                       | HS__JS_K_REQUIRED | HS__JS_K_PROPS | HS__JS_K_PPROPS \
                       | HS__JS_K_ADDPROPS | HS__JS_K_DEPS                    \
                       | HS__JS_K_PROPNAMES)
#define HS__JS_G_MEMBERS  (HS__JS_K_PROPS | HS__JS_K_PPROPS                   \
                           | HS__JS_K_ADDPROPS | HS__JS_K_PROPNAMES)

#define HS__JS_ALIGN(n)   (((n) + 15) & ~(size_t) 15)

typedef struct hs__js_node_s   hs__js_node_t;
typedef struct hs__js_chunk_s  hs__js_chunk_t;
typedef struct hs__js_held_s   hs__js_held_t;

/* A bump allocator: everything a compiled schema owns lives in one. */
struct hs__js_chunk_s {
    hs__js_chunk_t  *next;
    size_t           size;
    size_t           used;
};

#define HS__JS_CHUNK_HDR  HS__JS_ALIGN(sizeof(hs__js_chunk_t))

/* What a compiled schema releases besides its arena. */
struct hs__js_held_s {
    hs__js_held_t  *next;
    json_t         *json;
    pcre2_code     *re;
};

/* A number of the schema or the instance, exact for integers. */
typedef struct {
    double      d;
    json_int_t  i;
    int         is_int;
} hs__js_num_t;

/* A property name with its subschema ("properties", "required"). */
typedef struct {
    const char     *name;
    size_t          len;
    hs__js_node_t  *node;
    uint32_t        hash;
    unsigned        required;   /* also in "required" */
} hs__js_prop_t;

typedef struct {
    pcre2_code     *re;
    const char     *src;
    hs__js_node_t  *node;
} hs__js_pprop_t;

/* "dependencies", "dependentRequired", "dependentSchemas" entries. */
typedef struct {
    const char     *name;
    size_t          len;
    const char     *kw;
    hs__js_prop_t  *required;
    size_t          nrequired;
    hs__js_node_t  *node;
} hs__js_dep_t;

typedef struct {
    hs__js_node_t  **items;
    size_t           n;
} hs__js_list_t;

/* A caller-defined keyword of a node and its compiled argument. */
typedef struct {
    const hs_schema_keyword_t  *kw;
    json_t                     *arg;
} hs__js_ext_t;

struct hs__js_node_s {
    uint64_t              has;          /* HS__JS_K_* */
    unsigned              types;        /* HS__JS_T_* of "type" */
    const char           *path;         /* JSON pointer in its document */
    const char           *doc;          /* that document's URI; NULL: the
                                           compiled schema itself */
    const char           *kw;           /* for a false schema: the keyword
                                           that holds it */
    hs__js_node_t        *ref;

    json_t               *enum_values;
    hs__js_prop_t        *enum_strings; /* when every value is a string */
    size_t                nenum_strings;
    json_t               *const_value;
    hs__js_list_t         all_of;
    hs__js_list_t         any_of;
    hs__js_list_t         one_of;
    hs__js_node_t        *not_node;
    hs__js_node_t        *if_node;
    hs__js_node_t        *then_node;
    hs__js_node_t        *else_node;

    hs__js_num_t          multiple_of;
    hs__js_num_t          maximum;
    hs__js_num_t          exclusive_maximum;
    hs__js_num_t          minimum;
    hs__js_num_t          exclusive_minimum;

    size_t                max_length;
    size_t                min_length;
    pcre2_code           *pattern;
    const char           *pattern_src;
    hs_schema_format_pt   format;
    const char           *format_name;

    hs__js_list_t         tuple;
    hs__js_node_t        *items;        /* K_ITEMS: all; K_ADDITEMS: after
                                           the tuple */
    size_t                max_items;
    size_t                min_items;
    hs__js_node_t        *contains;
    size_t                min_contains;
    size_t                max_contains;

    size_t                max_properties;
    size_t                min_properties;
    hs__js_prop_t        *required;
    size_t                nrequired;
    hs__js_prop_t        *props;
    size_t                nprops;
    uint32_t             *prop_tab;     /* hash table: props index + 1 */
    uint32_t              prop_mask;
    unsigned              required_in_props;
    hs__js_pprop_t       *pprops;
    size_t                npprops;
    hs__js_node_t        *additional_properties;
    hs__js_dep_t         *deps;
    size_t                ndeps;
    hs__js_node_t        *property_names;
    hs__js_ext_t         *ext;
    size_t                next;
};

struct hs_schema_s {
    hs__js_node_t        *root;
    hs_schema_keyword_t  *keywords;     /* the caller's, copied */
    size_t                nkeywords;
    hs__js_chunk_t       *arena;
    hs__js_held_t        *held;
    pcre2_match_context  *mctx;
};

/* A schema resource: a document, a subschema with "$id", an anchor. */
typedef struct {
    const char  *uri;       /* absolute, without fragment (anchors: with) */
    const char  *base;      /* the base URI around it (before its "$id") */
    json_t      *json;
    json_t      *doc_json;  /* the document it is in */
    const char  *doc;       /* that document's URI, NULL: the schema */
    const char  *path;      /* JSON pointer of json in the document */
} hs__js_res_t;

typedef struct {
    hs__js_res_t  *items;
    size_t         n;
    size_t         cap;
} hs__js_index_t;

struct hs_schema_registry_s {
    hs__js_chunk_t  *arena;
    hs__js_index_t   index;
    json_t         **docs;
    size_t           ndocs;
    size_t           cap;
};

typedef struct {
    hs__js_chunk_t  **arena;
    hs__js_index_t   *index;
    json_t           *doc_json;
    const char       *doc;
    int               draft;
} hs__js_indexer_t;

/* Where a "$ref" leads; base is the one around json (before its "$id"). */
typedef struct {
    json_t      *json;
    const char  *base;
    const char  *doc;
    const char  *path;
} hs__js_loc_t;

typedef struct {
    hs__js_node_t  *node;
    hs__js_loc_t    loc;
} hs__js_pending_t;

typedef struct {
    const json_t   *json;
    hs__js_node_t  *node;
} hs__js_memo_t;

typedef struct {
    hs_schema_t            *s;
    hs_schema_registry_t   *reg;
    hs__js_chunk_t         *tmp;        /* compile-time strings */
    hs__js_index_t          index;      /* the schema and the built-ins */
    hs__js_memo_t          *memo;
    size_t                  nmemo;
    size_t                  memo_cap;   /* a power of two */
    hs__js_pending_t       *pending;
    size_t                  npending;
    size_t                  pending_cap;
    hs__js_node_t         **refs;       /* nodes with "$ref" */
    size_t                  nrefs;
    size_t                  refs_cap;
    pcre2_compile_context  *cctx;
    hs_schema_format_pt     regex_ok;
    json_t                 *root_json;  /* the compiled document */
    int                     draft;
    unsigned                depth;
    hs_error_t             *err;
} hs__js_compiler_t;

/* One step of the instance location. */
typedef struct {
    const char  *key;       /* NULL: an array index */
    size_t       n;         /* key length or index */
} hs__js_seg_t;

typedef struct {
    hs_schema_errors_t     *errs;       /* NULL: stop at the first failure */
    hs_schema_errors_t     *out;        /* the caller's */
    size_t                  cap;
    const hs_schema_t      *s;
    pcre2_general_context  *gctx;
    pcre2_match_data       *md;
    unsigned                depth;
    unsigned                nsegs;
    int                     nomem;
    int                     overflow;
    hs__js_seg_t            segs[HS_SCHEMA_MAX_DEPTH];
    size_t                  mdused;
    union {
        max_align_t         align;
        char                buf[512];
    } md_mem;                           /* PCRE2 match data of this call */
} hs__js_ctx_t;

static int hs__js_eval(hs__js_ctx_t *ctx, const hs__js_node_t *n,
    const json_t *inst);
static int hs__js_node_compile(hs__js_compiler_t *c, hs__js_node_t *n,
    json_t *js, const char *base);

static const struct {
    const char  *name;
    const char  *article;   /* for messages: "must be an integer" */
    unsigned     bit;
} hs__js_types[] = {
    { "null",     "null",        HS__JS_T_NULL },
    { "boolean",  "a boolean",   HS__JS_T_BOOLEAN },
    { "object",   "an object",   HS__JS_T_OBJECT },
    { "array",    "an array",    HS__JS_T_ARRAY },
    { "number",   "a number",    HS__JS_T_NUMBER },
    { "string",   "a string",    HS__JS_T_STRING },
    { "integer",  "an integer",  HS__JS_T_INTEGER },
    { NULL, NULL, 0 }
};

/* The draft-07 meta-schema (json-schema.org/draft-07/schema). */
#define HS__JS_META07_URI  "http://json-schema.org/draft-07/schema"

static const char  hs__js_meta07[] =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
    "\"$id\":\"http://json-schema.org/draft-07/schema#\","
    "\"title\":\"Core schema meta-schema\","
    "\"definitions\":{"
      "\"schemaArray\":{\"type\":\"array\",\"minItems\":1,"
        "\"items\":{\"$ref\":\"#\"}},"
      "\"nonNegativeInteger\":{\"type\":\"integer\",\"minimum\":0},"
      "\"nonNegativeIntegerDefault0\":{\"allOf\":["
        "{\"$ref\":\"#/definitions/nonNegativeInteger\"},{\"default\":0}]},"
      "\"simpleTypes\":{\"enum\":[\"array\",\"boolean\",\"integer\","
        "\"null\",\"number\",\"object\",\"string\"]},"
      "\"stringArray\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
        "\"uniqueItems\":true,\"default\":[]}},"
    "\"type\":[\"object\",\"boolean\"],"
    "\"properties\":{"
      "\"$id\":{\"type\":\"string\",\"format\":\"uri-reference\"},"
      "\"$schema\":{\"type\":\"string\",\"format\":\"uri\"},"
      "\"$ref\":{\"type\":\"string\",\"format\":\"uri-reference\"},"
      "\"$comment\":{\"type\":\"string\"},"
      "\"title\":{\"type\":\"string\"},"
      "\"description\":{\"type\":\"string\"},"
      "\"default\":true,"
      "\"readOnly\":{\"type\":\"boolean\",\"default\":false},"
      "\"writeOnly\":{\"type\":\"boolean\",\"default\":false},"
      "\"examples\":{\"type\":\"array\",\"items\":true},"
      "\"multipleOf\":{\"type\":\"number\",\"exclusiveMinimum\":0},"
      "\"maximum\":{\"type\":\"number\"},"
      "\"exclusiveMaximum\":{\"type\":\"number\"},"
      "\"minimum\":{\"type\":\"number\"},"
      "\"exclusiveMinimum\":{\"type\":\"number\"},"
      "\"maxLength\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},"
      "\"minLength\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},"
      "\"pattern\":{\"type\":\"string\",\"format\":\"regex\"},"
      "\"additionalItems\":{\"$ref\":\"#\"},"
      "\"items\":{\"anyOf\":[{\"$ref\":\"#\"},"
        "{\"$ref\":\"#/definitions/schemaArray\"}],\"default\":true},"
      "\"maxItems\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},"
      "\"minItems\":{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},"
      "\"uniqueItems\":{\"type\":\"boolean\",\"default\":false},"
      "\"contains\":{\"$ref\":\"#\"},"
      "\"maxProperties\":{\"$ref\":\"#/definitions/nonNegativeInteger\"},"
      "\"minProperties\":"
        "{\"$ref\":\"#/definitions/nonNegativeIntegerDefault0\"},"
      "\"required\":{\"$ref\":\"#/definitions/stringArray\"},"
      "\"additionalProperties\":{\"$ref\":\"#\"},"
      "\"definitions\":{\"type\":\"object\","
        "\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},"
      "\"properties\":{\"type\":\"object\","
        "\"additionalProperties\":{\"$ref\":\"#\"},\"default\":{}},"
      "\"patternProperties\":{\"type\":\"object\","
        "\"additionalProperties\":{\"$ref\":\"#\"},"
        "\"propertyNames\":{\"format\":\"regex\"},\"default\":{}},"
      "\"dependencies\":{\"type\":\"object\",\"additionalProperties\":"
        "{\"anyOf\":[{\"$ref\":\"#\"},"
        "{\"$ref\":\"#/definitions/stringArray\"}]}},"
      "\"propertyNames\":{\"$ref\":\"#\"},"
      "\"const\":true,"
      "\"enum\":{\"type\":\"array\",\"items\":true},"
      "\"type\":{\"anyOf\":[{\"$ref\":\"#/definitions/simpleTypes\"},"
        "{\"type\":\"array\","
        "\"items\":{\"$ref\":\"#/definitions/simpleTypes\"},"
        "\"minItems\":1,\"uniqueItems\":true}]},"
      "\"format\":{\"type\":\"string\"},"
      "\"contentMediaType\":{\"type\":\"string\"},"
      "\"contentEncoding\":{\"type\":\"string\"},"
      "\"if\":{\"$ref\":\"#\"},"
      "\"then\":{\"$ref\":\"#\"},"
      "\"else\":{\"$ref\":\"#\"},"
      "\"allOf\":{\"$ref\":\"#/definitions/schemaArray\"},"
      "\"anyOf\":{\"$ref\":\"#/definitions/schemaArray\"},"
      "\"oneOf\":{\"$ref\":\"#/definitions/schemaArray\"},"
      "\"not\":{\"$ref\":\"#\"}},"
    "\"default\":true}";

/* Keywords whose value is one subschema, a list, or a map of them. */
static const char *const  hs__js_kw_schema[] = {
    "additionalItems", "additionalProperties", "contains", "propertyNames",
    "if", "then", "else", "not", "items", "unevaluatedItems",
    "unevaluatedProperties", "contentSchema", NULL
};

static const char *const  hs__js_kw_list[] = {
    "items", "allOf", "anyOf", "oneOf", "prefixItems", NULL
};

static const char *const  hs__js_kw_map[] = {
    "properties", "patternProperties", "definitions", "$defs",
    "dependentSchemas", "dependencies", NULL
};


/* Arena */

static void *
hs__js_palloc(hs__js_chunk_t **arena, size_t size)
{
    size_t           want;
    char            *p;
    hs__js_chunk_t  *ch;

    size = HS__JS_ALIGN(size ? size : 1);
    ch = *arena;

    if (ch == NULL || ch->size - ch->used < size) {
        want = size > HS__JS_CHUNK_SIZE / 2 ? size : HS__JS_CHUNK_SIZE;

        ch = hs_alloc(HS__JS_CHUNK_HDR + want);
        if (ch == NULL) {
            return NULL;
        }

        ch->size = want;
        ch->used = 0;

        if (*arena != NULL && want != HS__JS_CHUNK_SIZE) {
            /* a big block: keep the current chunk in front */
            ch->next = (*arena)->next;
            (*arena)->next = ch;

        } else {
            ch->next = *arena;
            *arena = ch;
        }
    }

    p = (char *) ch + HS__JS_CHUNK_HDR + ch->used;
    ch->used += size;
    memset(p, 0, size);

    return p;
}


static char *
hs__js_pstrndup(hs__js_chunk_t **arena, const char *s, size_t n)
{
    char  *p;

    p = hs__js_palloc(arena, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }

    return p;
}


static void
hs__js_arena_free(hs__js_chunk_t *ch)
{
    hs__js_chunk_t  *next;

    for ( /* void */ ; ch != NULL; ch = next) {
        next = ch->next;
        hs_free(ch);
    }
}


/* URIs (RFC 3986 section 5) */

typedef struct {
    const char  *scheme;        /* NULL: undefined */
    size_t       scheme_len;
    const char  *auth;          /* NULL: undefined */
    size_t       auth_len;
    const char  *path;
    size_t       path_len;
    const char  *query;         /* NULL: undefined */
    size_t       query_len;
    const char  *frag;          /* NULL: undefined */
    size_t       frag_len;
} hs__js_uri_t;


static void
hs__js_uri_parse(const char *s, hs__js_uri_t *u)
{
    const char  *p, *q;

    memset(u, 0, sizeof(hs__js_uri_t));
    p = s;

    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
        for (q = p + 1; (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')
                        || (*q >= '0' && *q <= '9') || *q == '+' || *q == '-'
                        || *q == '.'; q++)
        {
            /* void */
        }

        if (*q == ':') {
            u->scheme = p;
            u->scheme_len = q - p;
            p = q + 1;
        }
    }

    if (p[0] == '/' && p[1] == '/') {
        p += 2;
        for (q = p; *q && *q != '/' && *q != '?' && *q != '#'; q++) {
            /* void */
        }
        u->auth = p;
        u->auth_len = q - p;
        p = q;
    }

    for (q = p; *q && *q != '?' && *q != '#'; q++) {
        /* void */
    }
    u->path = p;
    u->path_len = q - p;
    p = q;

    if (*p == '?') {
        p++;
        for (q = p; *q && *q != '#'; q++) {
            /* void */
        }
        u->query = p;
        u->query_len = q - p;
        p = q;
    }

    if (*p == '#') {
        u->frag = p + 1;
        u->frag_len = strlen(p + 1);
    }
}


/* RFC 3986 5.2.4 on in (NUL-terminated, modified); appends to out. */
static size_t
hs__js_uri_remove_dots(char *in, char *out)
{
    char    *p, *slash;
    size_t   n;

    n = 0;
    p = in;

    while (*p) {
        if (strncmp(p, "../", 3) == 0) {
            p += 3;

        } else if (strncmp(p, "./", 2) == 0) {
            p += 2;

        } else if (strncmp(p, "/./", 3) == 0) {
            p += 2;

        } else if (strcmp(p, "/.") == 0) {
            p[1] = '\0';

        } else if (strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0) {
            if (p[3] == '\0') {
                p[1] = '\0';
            } else {
                p += 3;
            }

            out[n] = '\0';
            slash = strrchr(out, '/');
            n = slash ? (size_t) (slash - out) : 0;

        } else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
            break;

        } else {
            do {
                out[n++] = *p++;
            } while (*p && *p != '/');
        }
    }

    out[n] = '\0';

    return n;
}


/* The target URI of ref against base (RFC 3986 5.2.2), in arena. */
static char *
hs__js_uri_resolve(hs__js_chunk_t **arena, const char *base, const char *ref)
{
    char          *out, *in, *path, *o;
    size_t         size, n;
    hs__js_uri_t   b, r;
    const char    *auth, *query, *scheme;
    size_t         auth_len, query_len, scheme_len;
    int            has_auth;

    hs__js_uri_parse(base, &b);
    hs__js_uri_parse(ref, &r);

    size = strlen(base) + strlen(ref) + 8;
    out = hs__js_palloc(arena, size);
    in = hs__js_palloc(arena, size);
    path = hs__js_palloc(arena, size);
    if (out == NULL || in == NULL || path == NULL) {
        return NULL;
    }

    scheme = r.scheme ? r.scheme : b.scheme;
    scheme_len = r.scheme ? r.scheme_len : b.scheme_len;

    if (r.scheme != NULL || r.auth != NULL) {
        has_auth = (r.auth != NULL);
        auth = r.auth;
        auth_len = r.auth_len;
        memcpy(in, r.path, r.path_len);
        in[r.path_len] = '\0';
        hs__js_uri_remove_dots(in, path);
        query = r.query;
        query_len = r.query_len;

    } else {
        has_auth = (b.auth != NULL);
        auth = b.auth;
        auth_len = b.auth_len;

        if (r.path_len == 0) {
            memcpy(path, b.path, b.path_len);
            path[b.path_len] = '\0';
            query = r.query ? r.query : b.query;
            query_len = r.query ? r.query_len : b.query_len;

        } else {
            if (r.path[0] == '/') {
                memcpy(in, r.path, r.path_len);
                in[r.path_len] = '\0';

            } else {
                n = 0;
                if (b.auth != NULL && b.path_len == 0) {
                    in[n++] = '/';

                } else {
                    for (n = b.path_len; n > 0 && b.path[n - 1] != '/'; n--) {
                        /* void */
                    }
                    memcpy(in, b.path, n);
                }
                memcpy(in + n, r.path, r.path_len);
                in[n + r.path_len] = '\0';
            }

            hs__js_uri_remove_dots(in, path);
            query = r.query;
            query_len = r.query_len;
        }
    }

    o = out;

    if (scheme != NULL) {
        memcpy(o, scheme, scheme_len);
        o += scheme_len;
        *o++ = ':';
    }

    if (has_auth) {
        *o++ = '/';
        *o++ = '/';
        memcpy(o, auth, auth_len);
        o += auth_len;
    }

    n = strlen(path);
    memcpy(o, path, n);
    o += n;

    if (query != NULL) {
        *o++ = '?';
        memcpy(o, query, query_len);
        o += query_len;
    }

    if (r.frag != NULL) {
        *o++ = '#';
        memcpy(o, r.frag, r.frag_len);
        o += r.frag_len;
    }

    *o = '\0';

    return out;
}


/* uri without its fragment, in arena. */
static char *
hs__js_uri_strip(hs__js_chunk_t **arena, const char *uri)
{
    const char  *hash;

    hash = strchr(uri, '#');

    return hs__js_pstrndup(arena, uri, hash ? (size_t) (hash - uri)
                                            : strlen(uri));
}


/* JSON pointers */

/* Length of key escaped as a JSON pointer token (~0, ~1). */
static size_t
hs__js_escaped_len(const char *key, size_t len)
{
    size_t  i, n;

    n = len;
    for (i = 0; i < len; i++) {
        if (key[i] == '~' || key[i] == '/') {
            n++;
        }
    }

    return n;
}


static char *
hs__js_escape(char *o, const char *key, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (key[i] == '~') {
            *o++ = '~';
            *o++ = '0';

        } else if (key[i] == '/') {
            *o++ = '~';
            *o++ = '1';

        } else {
            *o++ = key[i];
        }
    }

    return o;
}


/* path + "/" + escaped key, in arena. */
static char *
hs__js_path_join(hs__js_chunk_t **arena, const char *path, const char *key,
    size_t len)
{
    char    *p, *o;
    size_t   plen;

    plen = strlen(path);
    p = hs__js_palloc(arena, plen + 2 + hs__js_escaped_len(key, len));
    if (p == NULL) {
        return NULL;
    }

    memcpy(p, path, plen);
    o = p + plen;
    *o++ = '/';
    o = hs__js_escape(o, key, len);
    *o = '\0';

    return p;
}


static char *
hs__js_path_index(hs__js_chunk_t **arena, const char *path, size_t i)
{
    char  buf[32];

    snprintf(buf, sizeof(buf), "%zu", i);

    return hs__js_path_join(arena, path, buf, strlen(buf));
}


/* Compilation: errors */

static int
hs__js_cerror(hs__js_compiler_t *c, const char *doc, const char *path,
    const char *kw, const char *fmt, ...)
{
    char     msg[768];
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    hs_error_set(c->err, "schema at %s#%s%s%s: %s", doc ? doc : "", path,
                 kw ? "/" : "", kw ? kw : "", msg);

    return -1;
}


static int
hs__js_nomem(hs__js_compiler_t *c)
{
    hs_error_set(c->err, "out of memory compiling a schema");
    return -1;
}


/* Compilation: the resource index */

static int
hs__js_index_add(hs__js_index_t *ix, const hs__js_res_t *res)
{
    size_t         i, cap;
    hs__js_res_t  *items;

    for (i = 0; i < ix->n; i++) {
        if (strcmp(ix->items[i].uri, res->uri) == 0) {
            return 0;           /* the first one wins */
        }
    }

    if (ix->n == ix->cap) {
        cap = ix->cap ? ix->cap * 2 : 16;
        items = hs_realloc(ix->items, cap * sizeof(hs__js_res_t));
        if (items == NULL) {
            return -1;
        }
        ix->items = items;
        ix->cap = cap;
    }

    ix->items[ix->n++] = *res;

    return 0;
}


static const hs__js_res_t *
hs__js_index_find(const hs__js_index_t *ix, const char *uri)
{
    size_t  i;

    for (i = 0; i < ix->n; i++) {
        if (strcmp(ix->items[i].uri, uri) == 0) {
            return &ix->items[i];
        }
    }

    return NULL;
}


static int
hs__js_is_in(const char *const *list, const char *name)
{
    for ( /* void */ ; *list != NULL; list++) {
        if (strcmp(*list, name) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
hs__js_index_res(hs__js_indexer_t *ixr, const char *uri, const char *base,
    json_t *js, const char *path)
{
    hs__js_res_t  res;

    res.uri = uri;
    res.base = base;
    res.json = js;
    res.doc_json = ixr->doc_json;
    res.doc = ixr->doc;
    res.path = path;

    return hs__js_index_add(ixr->index, &res);
}


/* Records the "$id"s and anchors of js and of its subschemas. */
static int
hs__js_index_walk(hs__js_indexer_t *ixr, json_t *js, const char *base,
    const char *path, unsigned depth)
{
    json_t      *id, *ref, *anchor, *v, *item;
    const char  *key, *k2, *s, *kpath, *ipath, *outer;
    char        *uri;
    size_t       i;

    if (!json_is_object(js) || depth > HS__JS_COMPILE_MAX_DEPTH) {
        return 0;
    }

    outer = base;

    id = json_object_get(js, "$id");
    ref = json_object_get(js, "$ref");

    if (json_is_string(id) && (ref == NULL || ixr->draft != HS__JS_DRAFT7)) {
        s = json_string_value(id);
        uri = hs__js_uri_resolve(ixr->arena, base, s);
        if (uri == NULL) {
            return -1;
        }

        if (s[0] == '#') {
            if (s[1] != '\0'
                && hs__js_index_res(ixr, uri, outer, js, path) != 0)
            {
                return -1;
            }

        } else {
            if (strchr(uri, '#') != NULL && strchr(uri, '#')[1] != '\0'
                && hs__js_index_res(ixr, uri, outer, js, path) != 0)
            {
                return -1;
            }

            base = hs__js_uri_strip(ixr->arena, uri);
            if (base == NULL
                || hs__js_index_res(ixr, base, outer, js, path) != 0)
            {
                return -1;
            }
        }
    }

    anchor = json_object_get(js, "$anchor");
    if (json_is_string(anchor)) {
        uri = hs__js_palloc(ixr->arena, strlen(base)
                                        + json_string_length(anchor) + 2);
        if (uri == NULL) {
            return -1;
        }
        sprintf(uri, "%s#%s", base, json_string_value(anchor));

        if (hs__js_index_res(ixr, uri, outer, js, path) != 0) {
            return -1;
        }
    }

    json_object_foreach(js, key, v) {
        if (!hs__js_is_in(hs__js_kw_schema, key)
            && !hs__js_is_in(hs__js_kw_list, key)
            && !hs__js_is_in(hs__js_kw_map, key))
        {
            continue;
        }

        kpath = hs__js_path_join(ixr->arena, path, key, strlen(key));
        if (kpath == NULL) {
            return -1;
        }

        if (json_is_array(v) && hs__js_is_in(hs__js_kw_list, key)) {
            json_array_foreach(v, i, item) {
                ipath = hs__js_path_index(ixr->arena, kpath, i);
                if (ipath == NULL
                    || hs__js_index_walk(ixr, item, base, ipath, depth + 1)
                       != 0)
                {
                    return -1;
                }
            }

        } else if (json_is_object(v) && hs__js_is_in(hs__js_kw_map, key)) {
            json_object_foreach(v, k2, item) {
                ipath = hs__js_path_join(ixr->arena, kpath, k2, strlen(k2));
                if (ipath == NULL
                    || hs__js_index_walk(ixr, item, base, ipath, depth + 1)
                       != 0)
                {
                    return -1;
                }
            }

        } else if (hs__js_is_in(hs__js_kw_schema, key)) {
            if (hs__js_index_walk(ixr, v, base, kpath, depth + 1) != 0) {
                return -1;
            }
        }
    }

    return 0;
}


static int
hs__js_draft_of(json_t *js)
{
    const char  *s;

    s = json_string_value(json_object_get(js, "$schema"));
    if (s != NULL && (strstr(s, "2019-09") || strstr(s, "2020-12"))) {
        return HS__JS_DRAFT2019;
    }

    return HS__JS_DRAFT7;
}


/* Indexes document js under uri (doc: NULL for the compiled schema). */
static int
hs__js_index_doc(hs__js_chunk_t **arena, hs__js_index_t *ix, json_t *js,
    const char *uri, const char *doc, int draft)
{
    hs__js_indexer_t  ixr;

    ixr.arena = arena;
    ixr.index = ix;
    ixr.doc_json = js;
    ixr.doc = doc;
    ixr.draft = draft;

    if (hs__js_index_res(&ixr, uri, uri, js, "") != 0) {
        return -1;
    }

    return hs__js_index_walk(&ixr, js, uri, "", 0);
}


/* Registry */

hs_schema_registry_t *
hs_schema_registry_create(void)
{
    return hs_calloc(1, sizeof(hs_schema_registry_t));
}


hs_rc_t
hs_schema_registry_add(hs_schema_registry_t *reg, const char *uri,
    json_t *schema, hs_error_t *err)
{
    char     *u;
    size_t    cap, n;
    json_t  **docs;

    if (reg == NULL || uri == NULL || schema == NULL
        || (!json_is_object(schema) && !json_is_boolean(schema)))
    {
        hs_error_set(err, "a schema must be an object or a boolean");
        return HS_EINVAL;
    }

    u = hs__js_uri_strip(&reg->arena, uri);
    if (u == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    if (strchr(uri, '#') != NULL && strchr(uri, '#')[1] != '\0') {
        hs_error_set(err, "schema URI \"%s\" has a fragment", uri);
        return HS_EINVAL;
    }

    if (hs__js_index_find(&reg->index, u) != NULL) {
        hs_error_set(err, "schema URI \"%s\" is already registered", u);
        return HS_EEXIST;
    }

    if (reg->ndocs == reg->cap) {
        cap = reg->cap ? reg->cap * 2 : 8;
        docs = hs_realloc(reg->docs, cap * sizeof(json_t *));
        if (docs == NULL) {
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }
        reg->docs = docs;
        reg->cap = cap;
    }

    n = reg->index.n;

    if (hs__js_index_doc(&reg->arena, &reg->index, schema, u, u,
                         hs__js_draft_of(schema)) != 0)
    {
        reg->index.n = n;
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    reg->docs[reg->ndocs++] = json_incref(schema);

    return HS_OK;
}


void
hs_schema_registry_destroy(hs_schema_registry_t *reg)
{
    size_t  i;

    if (reg == NULL) {
        return;
    }

    for (i = 0; i < reg->ndocs; i++) {
        json_decref(reg->docs[i]);
    }

    hs_free(reg->docs);
    hs_free(reg->index.items);
    hs__js_arena_free(reg->arena);
    hs_free(reg);
}


/* Compilation: keeping documents and regexes alive */

static int
hs__js_hold(hs__js_compiler_t *c, json_t *json, pcre2_code *re)
{
    hs__js_held_t  *h;

    if (json != NULL) {
        for (h = c->s->held; h != NULL; h = h->next) {
            if (h->json == json) {
                return 0;
            }
        }
    }

    h = hs__js_palloc(&c->s->arena, sizeof(hs__js_held_t));
    if (h == NULL) {
        return -1;
    }

    h->json = json ? json_incref(json) : NULL;
    h->re = re;
    h->next = c->s->held;
    c->s->held = h;

    return 0;
}


/* Compilation: nodes memoized by their JSON value */

static uintptr_t
hs__js_memo_hash(const json_t *js)
{
    return ((uintptr_t) js >> 4) * (uintptr_t) 0x9e3779b97f4a7c15ULL;
}


static hs__js_node_t *
hs__js_memo_find(hs__js_compiler_t *c, const json_t *js)
{
    size_t  i;

    if (c->memo_cap == 0) {
        return NULL;
    }

    for (i = hs__js_memo_hash(js) & (c->memo_cap - 1);
         c->memo[i].json != NULL;
         i = (i + 1) & (c->memo_cap - 1))
    {
        if (c->memo[i].json == js) {
            return c->memo[i].node;
        }
    }

    return NULL;
}


static int
hs__js_memo_add(hs__js_compiler_t *c, const json_t *js, hs__js_node_t *n)
{
    size_t          i, j, cap;
    hs__js_memo_t  *memo;

    if ((c->nmemo + 1) * 2 > c->memo_cap) {
        cap = c->memo_cap ? c->memo_cap * 2 : 64;
        memo = hs_calloc(cap, sizeof(hs__js_memo_t));
        if (memo == NULL) {
            return -1;
        }

        for (i = 0; i < c->memo_cap; i++) {
            if (c->memo[i].json == NULL) {
                continue;
            }
            for (j = hs__js_memo_hash(c->memo[i].json) & (cap - 1);
                 memo[j].json != NULL;
                 j = (j + 1) & (cap - 1))
            {
                /* void */
            }
            memo[j] = c->memo[i];
        }

        hs_free(c->memo);
        c->memo = memo;
        c->memo_cap = cap;
    }

    for (i = hs__js_memo_hash(js) & (c->memo_cap - 1);
         c->memo[i].json != NULL;
         i = (i + 1) & (c->memo_cap - 1))
    {
        /* void */
    }

    c->memo[i].json = js;
    c->memo[i].node = n;
    c->nmemo++;

    return 0;
}


/*
 * The node for the schema at loc: a new one for a boolean, the memoized
 * one for an object seen before, else a new one compiled now or, with
 * defer, queued (for "$ref" targets).
 */
static hs__js_node_t *
hs__js_node_get(hs__js_compiler_t *c, const hs__js_loc_t *loc,
    const char *kw, int defer)
{
    size_t             cap;
    hs__js_node_t     *n;
    hs__js_pending_t  *p;

    if (!json_is_object(loc->json) && !json_is_boolean(loc->json)) {
        hs__js_cerror(c, loc->doc, loc->path, NULL,
                      "a schema must be an object or a boolean");
        return NULL;
    }

    if (json_is_object(loc->json)) {
        n = hs__js_memo_find(c, loc->json);
        if (n != NULL) {
            return n;
        }
    }

    n = hs__js_palloc(&c->s->arena, sizeof(hs__js_node_t));
    if (n == NULL) {
        hs__js_nomem(c);
        return NULL;
    }

    n->path = loc->path;
    n->doc = loc->doc;
    n->kw = kw;

    if (json_is_boolean(loc->json)) {
        n->has = json_is_true(loc->json) ? 0 : HS__JS_K_FALSE;
        return n;
    }

    if (hs__js_memo_add(c, loc->json, n) != 0) {
        hs__js_nomem(c);
        return NULL;
    }

    if (defer) {
        if (c->npending == c->pending_cap) {
            cap = c->pending_cap ? c->pending_cap * 2 : 16;
            p = hs_realloc(c->pending, cap * sizeof(hs__js_pending_t));
            if (p == NULL) {
                hs__js_nomem(c);
                return NULL;
            }
            c->pending = p;
            c->pending_cap = cap;
        }

        c->pending[c->npending].node = n;
        c->pending[c->npending].loc = *loc;
        c->npending++;

        return n;
    }

    if (hs__js_node_compile(c, n, loc->json, loc->base) != 0) {
        return NULL;
    }

    return n;
}


/* Compilation: "$ref" */

static int
hs__js_hexval(int ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}


/* Decodes %XX escapes in place; -1 on a bad one. */
static int
hs__js_pct_decode(char *s)
{
    char  *o;
    int    hi, lo;

    for (o = s; *s; s++) {
        if (*s != '%') {
            *o++ = *s;
            continue;
        }

        hi = hs__js_hexval((unsigned char) s[1]);
        lo = hi < 0 ? -1 : hs__js_hexval((unsigned char) s[2]);
        if (lo < 0 || (hi == 0 && lo == 0)) {
            return -1;
        }

        *o++ = (char) (hi * 16 + lo);
        s += 2;
    }

    *o = '\0';

    return 0;
}


/* The subschema at JSON pointer ptr (decoded) from the resource res. */
static int
hs__js_pointer_walk(hs__js_compiler_t *c, const hs__js_node_t *n,
    const char *ref, const hs__js_res_t *res, const char *ptr,
    hs__js_loc_t *loc)
{
    json_t      *cur, *next, *id;
    char        *tok, *o, *end;
    const char  *p, *q, *base, *path;
    size_t       len, idx;

    cur = res->json;
    base = res->base;
    path = hs__js_pstrndup(&c->s->arena, res->path, strlen(res->path));
    if (path == NULL) {
        return hs__js_nomem(c);
    }

    for (p = ptr; *p == '/'; p = q) {
        /* the base inside cur, around its child */
        id = json_object_get(cur, "$id");
        if (json_is_string(id) && json_string_value(id)[0] != '#'
            && (c->draft != HS__JS_DRAFT7
                || json_object_get(cur, "$ref") == NULL))
        {
            base = hs__js_uri_resolve(&c->tmp, base, json_string_value(id));
            base = base ? hs__js_uri_strip(&c->tmp, base) : NULL;
            if (base == NULL) {
                return hs__js_nomem(c);
            }
        }

        p++;
        q = strchr(p, '/');
        if (q == NULL) {
            q = p + strlen(p);
        }
        len = q - p;

        tok = hs__js_palloc(&c->tmp, len + 1);
        if (tok == NULL) {
            return hs__js_nomem(c);
        }

        for (o = tok; p < q; p++) {
            if (*p != '~') {
                *o++ = *p;
                continue;
            }

            p++;
            if (p == q || (*p != '0' && *p != '1')) {
                return hs__js_cerror(c, n->doc, n->path, "$ref",
                                     "bad ~ escape in \"%s\"", ref);
            }
            *o++ = (*p == '0') ? '~' : '/';
        }
        *o = '\0';

        next = NULL;

        if (json_is_object(cur)) {
            next = json_object_getn(cur, tok, o - tok);

        } else if (json_is_array(cur) && tok[0] >= '0' && tok[0] <= '9'
                   && (tok[0] != '0' || tok[1] == '\0'))
        {
            idx = strtoul(tok, &end, 10);
            if (*end == '\0') {
                next = json_array_get(cur, idx);
            }
        }

        if (next == NULL) {
            return hs__js_cerror(c, n->doc, n->path, "$ref",
                                 "cannot resolve \"%s\": no \"%s\" in %s#%s",
                                 ref, tok, res->uri, path);
        }

        path = hs__js_path_join(&c->s->arena, path, tok, o - tok);
        if (path == NULL) {
            return hs__js_nomem(c);
        }

        cur = next;
    }

    if (*p != '\0') {
        return hs__js_cerror(c, n->doc, n->path, "$ref",
                             "cannot resolve \"%s\": bad JSON pointer", ref);
    }

    loc->json = cur;
    loc->base = base;
    loc->path = path;

    return 0;
}


static const hs__js_res_t *
hs__js_res_find(hs__js_compiler_t *c, const char *uri)
{
    json_t              *meta;
    const hs__js_res_t  *res;

    res = hs__js_index_find(&c->index, uri);
    if (res == NULL && c->reg != NULL) {
        res = hs__js_index_find(&c->reg->index, uri);
    }

    if (res == NULL && strcmp(uri, HS__JS_META07_URI) == 0) {
        meta = json_loads(hs__js_meta07, 0, NULL);
        if (meta == NULL) {
            return NULL;
        }

        if (hs__js_hold(c, meta, NULL) != 0
            || hs__js_index_doc(&c->tmp, &c->index, meta,
                                HS__JS_META07_URI, HS__JS_META07_URI,
                                HS__JS_DRAFT7) != 0)
        {
            json_decref(meta);
            return NULL;
        }

        json_decref(meta);
        res = hs__js_index_find(&c->index, uri);
    }

    return res;
}


/* Resolves ref (the "$ref" of n, with base URI base) to a location. */
static int
hs__js_resolve(hs__js_compiler_t *c, const hs__js_node_t *n,
    const char *base, const char *ref, hs__js_loc_t *loc)
{
    char                *abs, *doc, *frag, *hash;
    const hs__js_res_t  *res;

    abs = hs__js_uri_resolve(&c->tmp, base, ref);
    if (abs == NULL) {
        return hs__js_nomem(c);
    }

    hash = strchr(abs, '#');
    frag = hash ? hash + 1 : NULL;

    if (frag != NULL && hs__js_pct_decode(frag) != 0) {
        return hs__js_cerror(c, n->doc, n->path, "$ref",
                             "bad %%-escape in \"%s\"", ref);
    }

    if (frag != NULL && frag[0] != '\0' && frag[0] != '/') {
        /* a plain-name fragment: an anchor */
        res = hs__js_index_find(&c->index, abs);
        if (res == NULL && c->reg != NULL) {
            res = hs__js_index_find(&c->reg->index, abs);
        }

        if (res == NULL) {
            return hs__js_cerror(c, n->doc, n->path, "$ref",
                                 "cannot resolve \"%s\" (%s)", ref, abs);
        }

        frag = "";

    } else {
        doc = hs__js_pstrndup(&c->tmp, abs, hash ? (size_t) (hash - abs)
                                                 : strlen(abs));
        if (doc == NULL) {
            return hs__js_nomem(c);
        }

        res = hs__js_res_find(c, doc);
        if (res == NULL) {
            return hs__js_cerror(c, n->doc, n->path, "$ref",
                                 "cannot resolve \"%s\": no schema \"%s\"%s",
                                 ref, doc, c->reg ? " in the registry" : "");
        }

        if (frag == NULL) {
            frag = "";
        }
    }

    if (res->doc != NULL && hs__js_hold(c, res->doc_json, NULL) != 0) {
        return hs__js_nomem(c);
    }

    loc->doc = NULL;
    if (res->doc != NULL) {
        loc->doc = hs__js_pstrndup(&c->s->arena, res->doc, strlen(res->doc));
        if (loc->doc == NULL) {
            return hs__js_nomem(c);
        }
    }

    return hs__js_pointer_walk(c, n, ref, res, frag, loc);
}


/* Compilation: keywords */

static int
hs__js_list_add(hs__js_compiler_t *c, hs__js_node_t ***items, size_t *n,
    size_t *cap, hs__js_node_t *node)
{
    size_t           ncap;
    hs__js_node_t  **p;

    if (*n == *cap) {
        ncap = *cap ? *cap * 2 : 16;
        p = hs_realloc(*items, ncap * sizeof(hs__js_node_t *));
        if (p == NULL) {
            return hs__js_nomem(c);
        }
        *items = p;
        *cap = ncap;
    }

    (*items)[(*n)++] = node;

    return 0;
}


/* Compiles the subschema js under key kw of n (path: n's path + sub). */
static hs__js_node_t *
hs__js_sub(hs__js_compiler_t *c, const hs__js_node_t *n, json_t *js,
    const char *base, const char *path, const char *kw)
{
    hs__js_loc_t  loc;

    if (path == NULL) {
        hs__js_nomem(c);
        return NULL;
    }

    loc.json = js;
    loc.base = base;
    loc.doc = n->doc;
    loc.path = path;

    return hs__js_node_get(c, &loc, kw, 0);
}


static hs__js_node_t *
hs__js_sub_kw(hs__js_compiler_t *c, const hs__js_node_t *n, json_t *obj,
    const char *base, const char *kw)
{
    return hs__js_sub(c, n, json_object_get(obj, kw), base,
                      hs__js_path_join(&c->s->arena, n->path, kw,
                                       strlen(kw)), kw);
}


/* A non-empty array of subschemas. */
static int
hs__js_sub_list(hs__js_compiler_t *c, const hs__js_node_t *n, json_t *obj,
    const char *base, const char *kw, int empty_ok, hs__js_list_t *list)
{
    json_t      *v, *item;
    size_t       i;
    const char  *path;

    v = json_object_get(obj, kw);

    if (!json_is_array(v) || (!empty_ok && json_array_size(v) == 0)) {
        return hs__js_cerror(c, n->doc, n->path, kw,
                             empty_ok ? "must be an array of schemas"
                                      : "must be a non-empty array of "
                                        "schemas");
    }

    path = hs__js_path_join(&c->s->arena, n->path, kw, strlen(kw));
    list->n = json_array_size(v);
    list->items = hs__js_palloc(&c->s->arena,
                                list->n * sizeof(hs__js_node_t *));
    if (path == NULL || list->items == NULL) {
        return hs__js_nomem(c);
    }

    json_array_foreach(v, i, item) {
        list->items[i] = hs__js_sub(c, n, item, base,
                                    hs__js_path_index(&c->s->arena, path, i),
                                    kw);
        if (list->items[i] == NULL) {
            return -1;
        }
    }

    return 0;
}


/* A non-negative integer keyword: 1 present, 0 absent, -1 bad. */
static int
hs__js_get_count(hs__js_compiler_t *c, const hs__js_node_t *n, json_t *obj,
    const char *kw, size_t *out)
{
    json_t  *v;
    double   d;

    v = json_object_get(obj, kw);
    if (v == NULL) {
        return 0;
    }

    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (size_t) json_integer_value(v);
        return 1;
    }

    if (json_is_real(v)) {
        d = json_real_value(v);
        if (d >= 0 && d == floor(d)) {
            *out = d >= 1.8e19 ? SIZE_MAX : (size_t) d;
            return 1;
        }
    }

    return hs__js_cerror(c, n->doc, n->path, kw,
                         "must be a non-negative integer");
}


/* A number keyword: 1 present, 0 absent, -1 bad. */
static int
hs__js_get_number(hs__js_compiler_t *c, const hs__js_node_t *n,
    json_t *obj, const char *kw, hs__js_num_t *out)
{
    json_t  *v;

    v = json_object_get(obj, kw);
    if (v == NULL) {
        return 0;
    }

    if (json_is_integer(v)) {
        out->is_int = 1;
        out->i = json_integer_value(v);
        out->d = (double) out->i;
        return 1;
    }

    if (json_is_real(v)) {
        out->is_int = 0;
        out->i = 0;
        out->d = json_real_value(v);
        return 1;
    }

    return hs__js_cerror(c, n->doc, n->path, kw, "must be a number");
}


static pcre2_code *
hs__js_regex(hs__js_compiler_t *c, const hs__js_node_t *n, const char *kw,
    const char *src, size_t len)
{
    int          errcode;
    char         msg[256];
    PCRE2_SIZE   erroff;
    pcre2_code  *re;

    re = pcre2_compile((PCRE2_SPTR) src, len,
                       PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX
                       | PCRE2_ALLOW_EMPTY_CLASS,
                       &errcode, &erroff, c->cctx);
    if (re == NULL) {
        pcre2_get_error_message(errcode, (PCRE2_UCHAR *) msg, sizeof(msg));
        hs__js_cerror(c, n->doc, n->path, kw,
                      "bad regular expression \"%s\" at offset %zu: %s",
                      src, (size_t) erroff, msg);
        return NULL;
    }

    if (hs__js_hold(c, NULL, re) != 0) {
        pcre2_code_free(re);
        hs__js_nomem(c);
        return NULL;
    }

    if (c->regex_ok != NULL && !c->regex_ok(src, len)) {
        hs__js_cerror(c, n->doc, n->path, kw,
                      "\"%s\" is not an ECMA-262 regular expression", src);
        return NULL;
    }

    (void) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);

    return re;
}


/* A hash of the length and the first and last 8 bytes: cheap, and the
 * table compares names anyway. */
static uint32_t
hs__js_key_hash(const char *key, size_t len)
{
    uint32_t  x, y;
    uint64_t  a, b;

    if (len >= 8) {
        memcpy(&a, key, 8);
        memcpy(&b, key + len - 8, 8);

    } else if (len >= 4) {
        memcpy(&x, key, 4);
        memcpy(&y, key + len - 4, 4);
        a = x;
        b = y;

    } else {
        a = len ? (unsigned char) key[0] : 0;
        b = len ? ((unsigned char) key[len / 2] << 8)
                  | (unsigned char) key[len - 1] : 0;
    }

    a = (a * 0x9e3779b97f4a7c15ULL) ^ b ^ len;
    a *= 0xc2b2ae3d27d4eb4fULL;

    return (uint32_t) (a >> 32);
}


static hs__js_prop_t *
hs__js_prop_find(const hs__js_node_t *n, const char *key, size_t len)
{
    uint32_t        h, i, k;
    hs__js_prop_t  *p;

    h = hs__js_key_hash(key, len);

    for (i = h & n->prop_mask; (k = n->prop_tab[i]) != 0;
         i = (i + 1) & n->prop_mask)
    {
        p = &n->props[k - 1];
        if (p->hash == h && p->len == len
            && memcmp(p->name, key, len) == 0)
        {
            return p;
        }
    }

    return NULL;
}


/* An array of strings ("required", dependencies): names in *out. */
static int
hs__js_get_names(hs__js_compiler_t *c, const hs__js_node_t *n, json_t *v,
    const char *kw, hs__js_prop_t **out, size_t *nout)
{
    json_t  *item;
    size_t   i;

    if (!json_is_array(v)) {
        return hs__js_cerror(c, n->doc, n->path, kw,
                             "must be an array of strings");
    }

    *nout = json_array_size(v);
    *out = hs__js_palloc(&c->s->arena, *nout * sizeof(hs__js_prop_t));
    if (*out == NULL) {
        return hs__js_nomem(c);
    }

    json_array_foreach(v, i, item) {
        if (!json_is_string(item)) {
            return hs__js_cerror(c, n->doc, n->path, kw,
                                 "must be an array of strings "
                                 "(item %zu is not a string)", i);
        }

        (*out)[i].len = json_string_length(item);
        (*out)[i].name = hs__js_pstrndup(&c->s->arena,
                                         json_string_value(item),
                                         (*out)[i].len);
        if ((*out)[i].name == NULL) {
            return hs__js_nomem(c);
        }
    }

    return 0;
}


static int
hs__js_compile_type(hs__js_compiler_t *c, hs__js_node_t *n, json_t *v)
{
    size_t       i, k, count;
    const char  *name;

    if (json_is_string(v)) {
        count = 1;

    } else if (json_is_array(v) && json_array_size(v) > 0) {
        count = json_array_size(v);

    } else {
        return hs__js_cerror(c, n->doc, n->path, "type",
                             "must be a type name or a non-empty array of "
                             "type names");
    }

    for (i = 0; i < count; i++) {
        name = json_string_value(json_is_string(v) ? v
                                                   : json_array_get(v, i));
        if (name == NULL) {
            return hs__js_cerror(c, n->doc, n->path, "type",
                                 "type names must be strings");
        }

        for (k = 0; hs__js_types[k].name != NULL; k++) {
            if (strcmp(hs__js_types[k].name, name) == 0) {
                break;
            }
        }

        if (hs__js_types[k].name == NULL) {
            return hs__js_cerror(c, n->doc, n->path, "type",
                                 "unknown type \"%s\"", name);
        }

        n->types |= hs__js_types[k].bit;
    }

    n->has |= HS__JS_K_TYPE;

    return 0;
}


static int
hs__js_compile_number(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js)
{
    int  rc;

    rc = hs__js_get_number(c, n, js, "multipleOf", &n->multiple_of);
    if (rc < 0) {
        return -1;
    }

    if (rc > 0) {
        if (n->multiple_of.d <= 0) {
            return hs__js_cerror(c, n->doc, n->path, "multipleOf",
                                 "must be greater than 0");
        }
        n->has |= HS__JS_K_MULTIPLEOF;
    }

    if ((rc = hs__js_get_number(c, n, js, "maximum", &n->maximum)) < 0) {
        return -1;
    }
    n->has |= rc ? HS__JS_K_MAXIMUM : 0;

    rc = hs__js_get_number(c, n, js, "exclusiveMaximum",
                           &n->exclusive_maximum);
    if (rc < 0) {
        return -1;
    }
    n->has |= rc ? HS__JS_K_EXMAXIMUM : 0;

    if ((rc = hs__js_get_number(c, n, js, "minimum", &n->minimum)) < 0) {
        return -1;
    }
    n->has |= rc ? HS__JS_K_MINIMUM : 0;

    rc = hs__js_get_number(c, n, js, "exclusiveMinimum",
                           &n->exclusive_minimum);
    if (rc < 0) {
        return -1;
    }
    n->has |= rc ? HS__JS_K_EXMINIMUM : 0;

    return 0;
}


static int
hs__js_compile_string(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js)
{
    int      rc;
    json_t  *v;

    if ((rc = hs__js_get_count(c, n, js, "maxLength", &n->max_length)) < 0) {
        return -1;
    }
    n->has |= rc ? HS__JS_K_MAXLENGTH : 0;

    if ((rc = hs__js_get_count(c, n, js, "minLength", &n->min_length)) < 0) {
        return -1;
    }
    n->has |= (rc && n->min_length > 0) ? HS__JS_K_MINLENGTH : 0;

    v = json_object_get(js, "pattern");
    if (v != NULL) {
        if (!json_is_string(v)) {
            return hs__js_cerror(c, n->doc, n->path, "pattern",
                                 "must be a string");
        }

        n->pattern_src = hs__js_pstrndup(&c->s->arena, json_string_value(v),
                                         json_string_length(v));
        if (n->pattern_src == NULL) {
            return hs__js_nomem(c);
        }

        n->pattern = hs__js_regex(c, n, "pattern", n->pattern_src,
                                  json_string_length(v));
        if (n->pattern == NULL) {
            return -1;
        }
        n->has |= HS__JS_K_PATTERN;
    }

    v = json_object_get(js, "format");
    if (v != NULL) {
        if (!json_is_string(v)) {
            return hs__js_cerror(c, n->doc, n->path, "format",
                                 "must be a string");
        }

        /* unknown formats are annotations */
        n->format = hs_schema_format_checker(json_string_value(v));
        if (n->format != NULL) {
            n->format_name = hs__js_pstrndup(&c->s->arena,
                                             json_string_value(v),
                                             json_string_length(v));
            if (n->format_name == NULL) {
                return hs__js_nomem(c);
            }
            n->has |= HS__JS_K_FORMAT;
        }
    }

    return 0;
}


static int
hs__js_compile_array(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    int      rc;
    json_t  *v, *items, *prefix;

    prefix = json_object_get(js, "prefixItems");
    items = json_object_get(js, "items");

    if (prefix != NULL) {
        if (hs__js_sub_list(c, n, js, base, "prefixItems", 1, &n->tuple)
            != 0)
        {
            return -1;
        }
        n->has |= HS__JS_K_TUPLE;

        if (items != NULL) {
            if (json_is_array(items)) {
                return hs__js_cerror(c, n->doc, n->path, "items",
                                     "must be a schema with prefixItems");
            }
            n->items = hs__js_sub_kw(c, n, js, base, "items");
            if (n->items == NULL) {
                return -1;
            }
            n->has |= HS__JS_K_ADDITEMS;
        }

    } else if (json_is_array(items)) {
        if (hs__js_sub_list(c, n, js, base, "items", 1, &n->tuple) != 0) {
            return -1;
        }
        n->has |= HS__JS_K_TUPLE;

        if (json_object_get(js, "additionalItems") != NULL) {
            n->items = hs__js_sub_kw(c, n, js, base, "additionalItems");
            if (n->items == NULL) {
                return -1;
            }
            n->has |= HS__JS_K_ADDITEMS;
        }

    } else if (items != NULL) {
        n->items = hs__js_sub_kw(c, n, js, base, "items");
        if (n->items == NULL) {
            return -1;
        }
        n->has |= n->items->has ? HS__JS_K_ITEMS : 0;
    }

    if ((rc = hs__js_get_count(c, n, js, "maxItems", &n->max_items)) < 0) {
        return -1;
    }
    n->has |= rc ? HS__JS_K_MAXITEMS : 0;

    if ((rc = hs__js_get_count(c, n, js, "minItems", &n->min_items)) < 0) {
        return -1;
    }
    n->has |= (rc && n->min_items > 0) ? HS__JS_K_MINITEMS : 0;

    v = json_object_get(js, "uniqueItems");
    if (v != NULL) {
        if (!json_is_boolean(v)) {
            return hs__js_cerror(c, n->doc, n->path, "uniqueItems",
                                 "must be a boolean");
        }
        n->has |= json_is_true(v) ? HS__JS_K_UNIQUE : 0;
    }

    if (json_object_get(js, "contains") != NULL) {
        n->contains = hs__js_sub_kw(c, n, js, base, "contains");
        if (n->contains == NULL) {
            return -1;
        }

        n->min_contains = 1;
        n->max_contains = SIZE_MAX;

        if (c->draft != HS__JS_DRAFT7) {
            if (hs__js_get_count(c, n, js, "minContains", &n->min_contains)
                < 0
                || hs__js_get_count(c, n, js, "maxContains",
                                    &n->max_contains) < 0)
            {
                return -1;
            }
        }

        n->has |= HS__JS_K_CONTAINS;
    }

    return 0;
}


static int
hs__js_compile_props(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    size_t       i, k, len, size;
    json_t      *v, *props;
    const char  *key, *path;

    props = json_object_get(js, "properties");
    if (props == NULL) {
        return 0;
    }

    if (!json_is_object(props)) {
        return hs__js_cerror(c, n->doc, n->path, "properties",
                             "must be an object of schemas");
    }

    path = hs__js_path_join(&c->s->arena, n->path, "properties", 10);
    n->props = hs__js_palloc(&c->s->arena, json_object_size(props)
                                           * sizeof(hs__js_prop_t));
    if (path == NULL || n->props == NULL) {
        return hs__js_nomem(c);
    }

    i = 0;

    json_object_keylen_foreach(props, key, len, v) {
        n->props[i].len = len;
        n->props[i].name = hs__js_pstrndup(&c->s->arena, key, len);
        if (n->props[i].name == NULL) {
            return hs__js_nomem(c);
        }

        n->props[i].node = hs__js_sub(c, n, v, base,
                                      hs__js_path_join(&c->s->arena, path,
                                                       key, len),
                                      "properties");
        if (n->props[i].node == NULL) {
            return -1;
        }
        i++;
    }

    n->nprops = i;

    for (size = 4; size < n->nprops * 2; size *= 2) {
        /* void */
    }

    n->prop_tab = hs__js_palloc(&c->s->arena, size * sizeof(uint32_t));
    if (n->prop_tab == NULL) {
        return hs__js_nomem(c);
    }
    n->prop_mask = size - 1;

    for (i = 0; i < n->nprops; i++) {
        n->props[i].hash = hs__js_key_hash(n->props[i].name, n->props[i].len);

        for (k = n->props[i].hash & n->prop_mask; n->prop_tab[k] != 0;
             k = (k + 1) & n->prop_mask)
        {
            /* void */
        }
        n->prop_tab[k] = i + 1;
    }

    n->has |= HS__JS_K_PROPS;

    return 0;
}


static int
hs__js_compile_pprops(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    size_t           i, len;
    json_t          *v, *pp;
    const char      *key, *path;
    hs__js_pprop_t  *p;

    pp = json_object_get(js, "patternProperties");
    if (pp == NULL) {
        return 0;
    }

    if (!json_is_object(pp)) {
        return hs__js_cerror(c, n->doc, n->path, "patternProperties",
                             "must be an object of schemas");
    }

    path = hs__js_path_join(&c->s->arena, n->path, "patternProperties", 17);
    n->pprops = hs__js_palloc(&c->s->arena, json_object_size(pp)
                                            * sizeof(hs__js_pprop_t));
    if (path == NULL || n->pprops == NULL) {
        return hs__js_nomem(c);
    }

    i = 0;

    json_object_keylen_foreach(pp, key, len, v) {
        p = &n->pprops[i];
        p->src = hs__js_pstrndup(&c->s->arena, key, len);
        if (p->src == NULL) {
            return hs__js_nomem(c);
        }

        p->re = hs__js_regex(c, n, "patternProperties", p->src, len);
        if (p->re == NULL) {
            return -1;
        }

        p->node = hs__js_sub(c, n, v, base,
                             hs__js_path_join(&c->s->arena, path, key, len),
                             "patternProperties");
        if (p->node == NULL) {
            return -1;
        }
        i++;
    }

    n->npprops = i;
    n->has |= HS__JS_K_PPROPS;

    return 0;
}


/* "dependencies" (draft-07), "dependentRequired", "dependentSchemas". */
static int
hs__js_compile_deps(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    static const char *const  kws[] = { "dependencies", "dependentRequired",
                                        "dependentSchemas" };
    size_t                    total, i, k, len;
    json_t                   *v, *d;
    const char               *key, *path;
    hs__js_dep_t             *dep;

    total = 0;
    for (k = 0; k < 3; k++) {
        d = json_object_get(js, kws[k]);
        if (d == NULL) {
            continue;
        }
        if (!json_is_object(d)) {
            return hs__js_cerror(c, n->doc, n->path, kws[k],
                                 "must be an object");
        }
        total += json_object_size(d);
    }

    if (total == 0) {
        return 0;
    }

    n->deps = hs__js_palloc(&c->s->arena, total * sizeof(hs__js_dep_t));
    if (n->deps == NULL) {
        return hs__js_nomem(c);
    }

    i = 0;

    for (k = 0; k < 3; k++) {
        d = json_object_get(js, kws[k]);
        if (d == NULL) {
            continue;
        }

        path = hs__js_path_join(&c->s->arena, n->path, kws[k],
                                strlen(kws[k]));
        if (path == NULL) {
            return hs__js_nomem(c);
        }

        json_object_keylen_foreach(d, key, len, v) {
            dep = &n->deps[i++];
            dep->kw = kws[k];
            dep->len = len;
            dep->name = hs__js_pstrndup(&c->s->arena, key, len);
            if (dep->name == NULL) {
                return hs__js_nomem(c);
            }

            if (k != 2 && json_is_array(v)) {
                if (hs__js_get_names(c, n, v, kws[k], &dep->required,
                                     &dep->nrequired) != 0)
                {
                    return -1;
                }
                continue;
            }

            if (k == 1) {
                return hs__js_cerror(c, n->doc, path, key,
                                     "must be an array of strings");
            }

            dep->node = hs__js_sub(c, n, v, base,
                                   hs__js_path_join(&c->s->arena, path, key,
                                                    len),
                                   kws[k]);
            if (dep->node == NULL) {
                return -1;
            }
        }
    }

    n->ndeps = i;
    n->has |= HS__JS_K_DEPS;

    return 0;
}


static int
hs__js_compile_object(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    int             rc;
    size_t          i, marked;
    json_t         *v;
    hs__js_prop_t  *p;

    rc = hs__js_get_count(c, n, js, "maxProperties", &n->max_properties);
    if (rc < 0) {
        return -1;
    }
    n->has |= rc ? HS__JS_K_MAXPROPS : 0;

    rc = hs__js_get_count(c, n, js, "minProperties", &n->min_properties);
    if (rc < 0) {
        return -1;
    }
    n->has |= (rc && n->min_properties > 0) ? HS__JS_K_MINPROPS : 0;

    v = json_object_get(js, "required");
    if (v != NULL) {
        if (hs__js_get_names(c, n, v, "required", &n->required,
                             &n->nrequired) != 0)
        {
            return -1;
        }
        n->has |= n->nrequired ? HS__JS_K_REQUIRED : 0;
    }

    if (hs__js_compile_props(c, n, js, base) != 0
        || hs__js_compile_pprops(c, n, js, base) != 0
        || hs__js_compile_deps(c, n, js, base) != 0)
    {
        return -1;
    }

    /* required properties that are in "properties" are counted as the
     * members are visited rather than looked up */
    if ((n->has & HS__JS_K_REQUIRED) && (n->has & HS__JS_K_PROPS)) {
        marked = 0;

        for (i = 0; i < n->nrequired; i++) {
            p = hs__js_prop_find(n, n->required[i].name, n->required[i].len);
            if (p == NULL) {
                break;
            }
            if (!p->required) {
                p->required = 1;
                marked++;
            }
        }

        n->required_in_props = (i == n->nrequired && marked == i);
    }

    if (json_object_get(js, "additionalProperties") != NULL) {
        n->additional_properties = hs__js_sub_kw(c, n, js, base,
                                                 "additionalProperties");
        if (n->additional_properties == NULL) {
            return -1;
        }
        n->has |= n->additional_properties->has ? HS__JS_K_ADDPROPS : 0;
    }

    if (json_object_get(js, "propertyNames") != NULL) {
        n->property_names = hs__js_sub_kw(c, n, js, base, "propertyNames");
        if (n->property_names == NULL) {
            return -1;
        }
        n->has |= n->property_names->has ? HS__JS_K_PROPNAMES : 0;
    }

    return 0;
}


static int
hs__js_compile_logic(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    size_t   i;
    json_t  *v, *item;

    v = json_object_get(js, "enum");
    if (v != NULL) {
        if (!json_is_array(v)) {
            return hs__js_cerror(c, n->doc, n->path, "enum",
                                 "must be an array");
        }
        n->enum_values = v;
        n->has |= HS__JS_K_ENUM;

        json_array_foreach(v, i, item) {
            if (!json_is_string(item)) {
                break;
            }
        }

        if (i == json_array_size(v)) {
            n->nenum_strings = i;
            n->enum_strings = hs__js_palloc(&c->s->arena,
                                            i * sizeof(hs__js_prop_t));
            if (n->enum_strings == NULL) {
                return hs__js_nomem(c);
            }

            json_array_foreach(v, i, item) {
                n->enum_strings[i].name = json_string_value(item);
                n->enum_strings[i].len = json_string_length(item);
            }
        }
    }

    v = json_object_get(js, "const");
    if (v != NULL) {
        n->const_value = v;
        n->has |= HS__JS_K_CONST;
    }

    if (json_object_get(js, "allOf") != NULL) {
        if (hs__js_sub_list(c, n, js, base, "allOf", 0, &n->all_of) != 0) {
            return -1;
        }
        n->has |= HS__JS_K_ALLOF;
    }

    if (json_object_get(js, "anyOf") != NULL) {
        if (hs__js_sub_list(c, n, js, base, "anyOf", 0, &n->any_of) != 0) {
            return -1;
        }
        n->has |= HS__JS_K_ANYOF;
    }

    if (json_object_get(js, "oneOf") != NULL) {
        if (hs__js_sub_list(c, n, js, base, "oneOf", 0, &n->one_of) != 0) {
            return -1;
        }
        n->has |= HS__JS_K_ONEOF;
    }

    if (json_object_get(js, "not") != NULL) {
        n->not_node = hs__js_sub_kw(c, n, js, base, "not");
        if (n->not_node == NULL) {
            return -1;
        }
        n->has |= HS__JS_K_NOT;
    }

    if (json_object_get(js, "then") != NULL) {
        n->then_node = hs__js_sub_kw(c, n, js, base, "then");
        if (n->then_node == NULL) {
            return -1;
        }
    }

    if (json_object_get(js, "else") != NULL) {
        n->else_node = hs__js_sub_kw(c, n, js, base, "else");
        if (n->else_node == NULL) {
            return -1;
        }
    }

    if (json_object_get(js, "if") != NULL) {
        n->if_node = hs__js_sub_kw(c, n, js, base, "if");
        if (n->if_node == NULL) {
            return -1;
        }
        if (n->then_node != NULL || n->else_node != NULL) {
            n->has |= HS__JS_K_IF;
        }
    }

    return 0;
}


/* "definitions" and "$defs": compiled so that their errors show now. */
static int
hs__js_compile_defs(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base, const char *kw)
{
    size_t       len;
    json_t      *defs, *v;
    const char  *key, *path;

    defs = json_object_get(js, kw);
    if (defs == NULL) {
        return 0;
    }

    if (!json_is_object(defs)) {
        return hs__js_cerror(c, n->doc, n->path, kw,
                             "must be an object of schemas");
    }

    path = hs__js_path_join(&c->s->arena, n->path, kw, strlen(kw));
    if (path == NULL) {
        return hs__js_nomem(c);
    }

    json_object_keylen_foreach(defs, key, len, v) {
        if (hs__js_sub(c, n, v, base,
                       hs__js_path_join(&c->s->arena, path, key, len), kw)
            == NULL)
        {
            return -1;
        }
    }

    return 0;
}


/* The document node n is in: the compiled schema or a registered one. */
static json_t *
hs__js_doc_json(hs__js_compiler_t *c, const hs__js_node_t *n)
{
    const hs__js_res_t  *res;

    if (n->doc == NULL) {
        return c->root_json;
    }

    res = hs__js_res_find(c, n->doc);

    return res ? res->doc_json : NULL;
}


/* The caller-defined keywords of n. */
static int
hs__js_compile_ext(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js)
{
    size_t                      i, k;
    json_t                     *v, *arg;
    hs_error_t                  kerr;
    const hs_schema_keyword_t  *kw;

    k = 0;

    for (i = 0; i < c->s->nkeywords; i++) {
        if (json_object_get(js, c->s->keywords[i].name) != NULL) {
            k++;
        }
    }

    if (k == 0) {
        return 0;
    }

    n->ext = hs__js_palloc(&c->s->arena, k * sizeof(hs__js_ext_t));
    if (n->ext == NULL) {
        return hs__js_nomem(c);
    }

    for (i = 0; i < c->s->nkeywords; i++) {
        kw = &c->s->keywords[i];
        v = json_object_get(js, kw->name);
        if (v == NULL) {
            continue;
        }

        kerr.msg[0] = '\0';
        arg = kw->compile(kw->data, v, hs__js_doc_json(c, n), n->path, &kerr);
        if (arg == NULL) {
            return hs__js_cerror(c, n->doc, n->path, kw->name, "%s",
                                 kerr.msg[0] ? kerr.msg : "is not valid");
        }

        if (hs__js_hold(c, arg, NULL) != 0) {
            json_decref(arg);
            return hs__js_nomem(c);
        }
        json_decref(arg);       /* held by the compiled schema */

        n->ext[n->next].kw = kw;
        n->ext[n->next].arg = arg;
        n->next++;
    }

    n->has |= HS__JS_K_EXT;

    return 0;
}


static int
hs__js_node_keywords(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    static const char *const  unsupported[] = {
        "$dynamicRef", "$recursiveRef", "unevaluatedItems",
        "unevaluatedProperties", NULL
    };
    size_t                    i;
    json_t                   *id, *ref, *v;
    const char               *s;
    hs__js_loc_t              loc;

    id = json_object_get(js, "$id");
    ref = json_object_get(js, "$ref");

    if (id != NULL) {
        if (!json_is_string(id)) {
            return hs__js_cerror(c, n->doc, n->path, "$id",
                                 "must be a string");
        }

        s = json_string_value(id);
        if (s[0] != '#' && (ref == NULL || c->draft != HS__JS_DRAFT7)) {
            base = hs__js_uri_resolve(&c->tmp, base, s);
            base = base ? hs__js_uri_strip(&c->tmp, base) : NULL;
            if (base == NULL) {
                return hs__js_nomem(c);
            }
        }
    }

    if (ref != NULL) {
        if (!json_is_string(ref)) {
            return hs__js_cerror(c, n->doc, n->path, "$ref",
                                 "must be a string");
        }

        if (hs__js_resolve(c, n, base, json_string_value(ref), &loc) != 0) {
            return -1;
        }

        n->ref = hs__js_node_get(c, &loc, "false", 1);
        if (n->ref == NULL) {
            return -1;
        }

        n->has |= HS__JS_K_REF;

        if (hs__js_list_add(c, &c->refs, &c->nrefs, &c->refs_cap, n) != 0) {
            return -1;
        }

        if (c->draft == HS__JS_DRAFT7) {
            return 0;           /* siblings of "$ref" are ignored */
        }
    }

    if (c->draft != HS__JS_DRAFT7) {
        for (i = 0; unsupported[i] != NULL; i++) {
            if (json_object_get(js, unsupported[i]) != NULL) {
                return hs__js_cerror(c, n->doc, n->path, unsupported[i],
                                     "is not supported");
            }
        }
    }

    v = json_object_get(js, "type");
    if (v != NULL && hs__js_compile_type(c, n, v) != 0) {
        return -1;
    }

    if (hs__js_compile_logic(c, n, js, base) != 0
        || hs__js_compile_number(c, n, js) != 0
        || hs__js_compile_string(c, n, js) != 0
        || hs__js_compile_array(c, n, js, base) != 0
        || hs__js_compile_object(c, n, js, base) != 0
        || hs__js_compile_defs(c, n, js, base, "definitions") != 0
        || hs__js_compile_defs(c, n, js, base, "$defs") != 0
        || hs__js_compile_ext(c, n, js) != 0)
    {
        return -1;
    }

    return 0;
}


static int
hs__js_node_compile(hs__js_compiler_t *c, hs__js_node_t *n, json_t *js,
    const char *base)
{
    int  rc;

    if (c->depth >= HS__JS_COMPILE_MAX_DEPTH) {
        return hs__js_cerror(c, n->doc, n->path, NULL,
                             "schema nested more than %d levels deep",
                             HS__JS_COMPILE_MAX_DEPTH);
    }

    c->depth++;
    rc = hs__js_node_keywords(c, n, js, base);
    c->depth--;

    return rc;
}


/* A chain of nodes that are only "$ref" must end. */
static int
hs__js_check_ref_cycles(hs__js_compiler_t *c)
{
    size_t                i, steps;
    const hs__js_node_t  *x;

    for (i = 0; i < c->nrefs; i++) {
        x = c->refs[i];

        for (steps = 0; x->has == HS__JS_K_REF; steps++) {
            if (steps > c->nrefs) {
                return hs__js_cerror(c, c->refs[i]->doc, c->refs[i]->path,
                                     "$ref", "\"$ref\" loop");
            }
            x = x->ref;
        }
    }

    return 0;
}


void
hs_schema_free(hs_schema_t *s)
{
    hs__js_held_t  *h;

    if (s == NULL) {
        return;
    }

    for (h = s->held; h != NULL; h = h->next) {
        if (h->json != NULL) {
            json_decref(h->json);
        }
        if (h->re != NULL) {
            pcre2_code_free(h->re);
        }
    }

    if (s->mctx != NULL) {
        pcre2_match_context_free(s->mctx);
    }

    hs__js_arena_free(s->arena);
    hs_free(s);
}


hs_schema_t *
hs_schema_compile(json_t *schema, hs_schema_registry_t *reg,
    const char *base_uri, hs_error_t *err)
{
    return hs_schema_compile_ex(schema, reg, base_uri, NULL, err);
}


hs_schema_t *
hs_schema_compile_ex(json_t *schema, hs_schema_registry_t *reg,
    const char *base_uri, const hs_schema_options_t *opts, hs_error_t *err)
{
    int                 rc;
    size_t              i;
    char               *base;
    hs__js_loc_t        loc;
    hs__js_pending_t    p;
    hs__js_compiler_t   c;

    if (schema == NULL || (!json_is_object(schema)
                           && !json_is_boolean(schema)))
    {
        hs_error_set(err, "schema at #: a schema must be an object or a "
                     "boolean");
        return NULL;
    }

    memset(&c, 0, sizeof(c));
    c.reg = reg;
    c.err = err;
    c.root_json = schema;
    c.draft = hs__js_draft_of(schema);
    c.regex_ok = hs_schema_format_checker("regex");

    c.s = hs_calloc(1, sizeof(hs_schema_t));
    if (c.s == NULL) {
        hs_error_set(err, "out of memory compiling a schema");
        return NULL;
    }

    rc = -1;

    c.cctx = pcre2_compile_context_create(NULL);
    c.s->mctx = pcre2_match_context_create(NULL);
    if (c.cctx == NULL || c.s->mctx == NULL) {
        hs__js_nomem(&c);
        goto done;
    }

    if (opts != NULL && opts->nkeywords > 0) {
        c.s->keywords = hs__js_palloc(&c.s->arena, opts->nkeywords
                                      * sizeof(hs_schema_keyword_t));
        if (c.s->keywords == NULL) {
            hs__js_nomem(&c);
            goto done;
        }

        for (i = 0; i < opts->nkeywords; i++) {
            c.s->keywords[i] = opts->keywords[i];
            c.s->keywords[i].name = hs__js_pstrndup(&c.s->arena,
                                        opts->keywords[i].name,
                                        strlen(opts->keywords[i].name));
            if (c.s->keywords[i].name == NULL) {
                hs__js_nomem(&c);
                goto done;
            }
        }

        c.s->nkeywords = opts->nkeywords;
    }

    pcre2_set_compile_extra_options(c.cctx, PCRE2_EXTRA_ALT_BSUX);
    pcre2_set_newline(c.cctx, PCRE2_NEWLINE_ANYCRLF);
    pcre2_set_match_limit(c.s->mctx, HS__JS_MATCH_LIMIT);

    base = hs__js_uri_strip(&c.tmp, base_uri ? base_uri : "");
    if (base == NULL
        || hs__js_hold(&c, schema, NULL) != 0
        || hs__js_index_doc(&c.tmp, &c.index, schema, base, NULL,
                            c.draft) != 0)
    {
        hs__js_nomem(&c);
        goto done;
    }

    loc.json = schema;
    loc.base = base;
    loc.doc = NULL;
    loc.path = "";

    c.s->root = hs__js_node_get(&c, &loc, "false", 0);
    if (c.s->root == NULL) {
        goto done;
    }

    while (c.npending > 0) {
        p = c.pending[--c.npending];
        if (hs__js_node_compile(&c, p.node, p.loc.json, p.loc.base) != 0) {
            goto done;
        }
    }

    if (hs__js_check_ref_cycles(&c) != 0) {
        goto done;
    }

    rc = 0;

done:

    if (c.cctx != NULL) {
        pcre2_compile_context_free(c.cctx);
    }

    hs_free(c.memo);
    hs_free(c.pending);
    hs_free(c.refs);
    hs_free(c.index.items);
    hs__js_arena_free(c.tmp);

    if (rc != 0) {
        hs_schema_free(c.s);
        return NULL;
    }

    return c.s;
}


/* Validation: helpers */

/*
 * PCRE2 allocations of one validation: the match data (and the general
 * context) come from a buffer in the context, on the caller's stack; the
 * interpreter's backtracking frames (without JIT) from the heap.
 */
static void *
hs__js_md_alloc(PCRE2_SIZE size, void *data)
{
    char          *p;
    hs__js_ctx_t  *ctx;

    ctx = data;
    size = HS__JS_ALIGN(size);

    if (size <= sizeof(ctx->md_mem.buf) - ctx->mdused) {
        p = ctx->md_mem.buf + ctx->mdused;
        ctx->mdused += size;
        return p;
    }

    return hs_alloc(size);
}


static void
hs__js_md_free(void *p, void *data)
{
    hs__js_ctx_t  *ctx;

    ctx = data;

    if ((char *) p < ctx->md_mem.buf
        || (char *) p >= ctx->md_mem.buf + sizeof(ctx->md_mem.buf))
    {
        hs_free(p);
    }
}


/* 1 match, 0 no match, -1 error (match limit, out of memory). */
static int
hs__js_match(hs__js_ctx_t *ctx, const pcre2_code *re, const char *s,
    size_t len)
{
    int  rc;

    if (ctx->md == NULL) {
        ctx->gctx = pcre2_general_context_create(hs__js_md_alloc,
                                                 hs__js_md_free, ctx);
        ctx->md = ctx->gctx ? pcre2_match_data_create(1, ctx->gctx) : NULL;
        if (ctx->md == NULL) {
            ctx->nomem = 1;
            return -1;
        }
    }

    rc = pcre2_match(re, (PCRE2_SPTR) s, len, 0, 0, ctx->md, ctx->s->mctx);
    if (rc >= 0) {
        return 1;
    }

    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}


static void
hs__js_num_get(const json_t *v, hs__js_num_t *n)
{
    if (json_is_integer(v)) {
        n->is_int = 1;
        n->i = json_integer_value(v);
        n->d = (double) n->i;

    } else {
        n->is_int = 0;
        n->i = 0;
        n->d = json_real_value(v);
    }
}


static int
hs__js_cmp_int_real(json_int_t i, double d)
{
    double      t;
    json_int_t  ti;

    if (d >= 9223372036854775808.0) {
        return -1;
    }

    if (d < -9223372036854775808.0) {
        return 1;
    }

    t = trunc(d);
    ti = (json_int_t) t;

    if (i != ti) {
        return i < ti ? -1 : 1;
    }

    return (d > t) ? -1 : (d < t) ? 1 : 0;
}


static int
hs__js_num_cmp(const hs__js_num_t *a, const hs__js_num_t *b)
{
    if (a->is_int && b->is_int) {
        return (a->i > b->i) - (a->i < b->i);
    }

    if (!a->is_int && !b->is_int) {
        return (a->d > b->d) - (a->d < b->d);
    }

    if (a->is_int) {
        return hs__js_cmp_int_real(a->i, b->d);
    }

    return -hs__js_cmp_int_real(b->i, a->d);
}


static int
hs__js_multiple(const hs__js_num_t *v, const hs__js_num_t *m)
{
    double  q;

    if (v->is_int && m->is_int) {
        return v->i % m->i == 0;
    }

    q = v->d / m->d;
    if (!isfinite(q)) {
        return fmod(v->d, m->d) == 0.0;     /* the quotient overflows */
    }

    return fabs(q - round(q)) <= fmax(1.0, fabs(q)) * 8 * DBL_EPSILON;
}


static const char *
hs__js_num_str(const hs__js_num_t *n, char *buf, size_t size)
{
    if (n->is_int) {
        snprintf(buf, size, "%lld", (long long) n->i);
    } else {
        snprintf(buf, size, "%.17g", n->d);
    }

    return buf;
}


/* JSON equality: numbers by value (1 == 1.0), objects unordered. */
static int
hs__js_equal(const json_t *a, const json_t *b, unsigned depth)
{
    void          *it;
    size_t         i, n, klen;
    json_t        *bv;
    json_type      ta, tb;
    const char    *key;
    hs__js_num_t   na, nb;

    if (a == b) {
        return 1;
    }

    ta = json_typeof(a);
    tb = json_typeof(b);

    if ((ta == JSON_INTEGER || ta == JSON_REAL)
        && (tb == JSON_INTEGER || tb == JSON_REAL))
    {
        hs__js_num_get(a, &na);
        hs__js_num_get(b, &nb);
        return hs__js_num_cmp(&na, &nb) == 0;
    }

    if (ta != tb || depth > HS__JS_EQUAL_MAX_DEPTH) {
        return 0;
    }

    switch (ta) {

    case JSON_STRING:
        return json_string_length(a) == json_string_length(b)
               && memcmp(json_string_value(a), json_string_value(b),
                         json_string_length(a)) == 0;

    case JSON_ARRAY:
        n = json_array_size(a);
        if (n != json_array_size(b)) {
            return 0;
        }

        for (i = 0; i < n; i++) {
            if (!hs__js_equal(json_array_get(a, i), json_array_get(b, i),
                              depth + 1))
            {
                return 0;
            }
        }

        return 1;

    case JSON_OBJECT:
        if (json_object_size(a) != json_object_size(b)) {
            return 0;
        }

        for (it = json_object_iter((json_t *) a); it != NULL;
             it = json_object_iter_next((json_t *) a, it))
        {
            key = json_object_iter_key(it);
            klen = json_object_iter_key_len(it);
            bv = json_object_getn(b, key, klen);

            if (bv == NULL
                || !hs__js_equal(json_object_iter_value(it), bv, depth + 1))
            {
                return 0;
            }
        }

        return 1;

    default:
        return 1;           /* true, false, null */
    }
}


static uint64_t
hs__js_mix(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;

    return h;
}


static uint64_t
hs__js_hash_bytes(const char *s, size_t len)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;
    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char) s[i]) * 0x100000001b3ULL;
    }

    return h;
}


/* A hash consistent with hs__js_equal(). */
static uint64_t
hs__js_hash(const json_t *v, unsigned depth)
{
    void      *it;
    double     d;
    size_t     i;
    uint64_t   h, bits;

    if (depth > HS__JS_EQUAL_MAX_DEPTH) {
        return 0;
    }

    switch (json_typeof(v)) {

    case JSON_OBJECT:
        h = 0x0b;
        for (it = json_object_iter((json_t *) v); it != NULL;
             it = json_object_iter_next((json_t *) v, it))
        {
            h += hs__js_mix(hs__js_hash_bytes(json_object_iter_key(it),
                                          json_object_iter_key_len(it))
                            ^ hs__js_hash(json_object_iter_value(it),
                                          depth + 1));
        }
        return h;

    case JSON_ARRAY:
        h = 0x0a;
        for (i = 0; i < json_array_size(v); i++) {
            h = hs__js_mix(h ^ hs__js_hash(json_array_get(v, i), depth + 1));
        }
        return h;

    case JSON_STRING:
        return hs__js_hash_bytes(json_string_value(v), json_string_length(v));

    case JSON_INTEGER:
        return hs__js_mix((uint64_t) json_integer_value(v) ^ 0x1234);

    case JSON_REAL:
        d = json_real_value(v);
        if (d == trunc(d) && d >= -9223372036854775808.0
            && d < 9223372036854775808.0)
        {
            return hs__js_mix((uint64_t) (json_int_t) d ^ 0x1234);
        }
        memcpy(&bits, &d, sizeof(bits));
        return hs__js_mix(bits);

    case JSON_TRUE:
        return 1;

    case JSON_FALSE:
        return 2;

    default:
        return 3;
    }
}


typedef struct {
    uint64_t  h;
    size_t    i;
} hs__js_hashed_t;


static int
hs__js_hashed_cmp(const void *a, const void *b)
{
    const hs__js_hashed_t  *ha, *hb;

    ha = a;
    hb = b;

    if (ha->h != hb->h) {
        return ha->h < hb->h ? -1 : 1;
    }

    return (ha->i > hb->i) - (ha->i < hb->i);
}


/* 1 when the items are unique, else 0 with the first pair in *a, *b. */
static int
hs__js_unique(hs__js_ctx_t *ctx, const json_t *arr, size_t *a, size_t *b)
{
    size_t            i, j, k, m, n;
    hs__js_hashed_t  *hs;

    n = json_array_size(arr);

    if (n <= HS__JS_UNIQUE_PAIRWISE) {
        for (i = 0; i < n; i++) {
            for (j = i + 1; j < n; j++) {
                if (hs__js_equal(json_array_get(arr, i),
                                 json_array_get(arr, j), 0))
                {
                    *a = i;
                    *b = j;
                    return 0;
                }
            }
        }
        return 1;
    }

    hs = hs_alloc(n * sizeof(hs__js_hashed_t));
    if (hs == NULL) {
        ctx->nomem = 1;
        return 0;
    }

    for (i = 0; i < n; i++) {
        hs[i].h = hs__js_hash(json_array_get(arr, i), 0);
        hs[i].i = i;
    }

    qsort(hs, n, sizeof(hs__js_hashed_t), hs__js_hashed_cmp);

    for (i = 0; i < n; i = k) {
        for (k = i + 1; k < n && hs[k].h == hs[i].h; k++) {
            /* void */
        }

        for (j = i; j < k; j++) {
            for (m = j + 1; m < k; m++) {
                if (hs__js_equal(json_array_get(arr, hs[j].i),
                                 json_array_get(arr, hs[m].i), 0))
                {
                    *a = hs[j].i;
                    *b = hs[m].i;
                    hs_free(hs);
                    return 0;
                }
            }
        }
    }

    hs_free(hs);

    return 1;
}


static unsigned
hs__js_type_of(const json_t *v)
{
    double  d;

    switch (json_typeof(v)) {

    case JSON_OBJECT:
        return HS__JS_T_OBJECT;

    case JSON_ARRAY:
        return HS__JS_T_ARRAY;

    case JSON_STRING:
        return HS__JS_T_STRING;

    case JSON_INTEGER:
        return HS__JS_T_INTEGER | HS__JS_T_NUMBER;

    case JSON_REAL:
        d = json_real_value(v);
        return d == floor(d) ? HS__JS_T_INTEGER | HS__JS_T_NUMBER
                             : HS__JS_T_NUMBER;

    case JSON_TRUE:
    case JSON_FALSE:
        return HS__JS_T_BOOLEAN;

    default:
        return HS__JS_T_NULL;
    }
}


static size_t
hs__js_utf8_len(const char *s, size_t len)
{
    size_t  i, n;

    n = 0;
    for (i = 0; i < len; i++) {
        n += ((unsigned char) s[i] & 0xc0) != 0x80;
    }

    return n;
}


/* Validation: errors */

/* Appends a violation (when errors are collected); returns -1. */
static int
hs__js_record(hs__js_ctx_t *ctx, hs_schema_errors_t *errs,
    const hs__js_node_t *n, const char *kw, const char *extra,
    size_t extra_len, const char *msg)
{
    char               *p, *o;
    size_t              len, i, cap;
    char                num[32];
    hs_schema_error_t   e, *items;

    memset(&e, 0, sizeof(e));

    /* the instance pointer */
    len = 0;
    for (i = 0; i < ctx->nsegs; i++) {
        if (ctx->segs[i].key != NULL) {
            len += 1 + hs__js_escaped_len(ctx->segs[i].key, ctx->segs[i].n);
        } else {
            len += 1 + snprintf(num, sizeof(num), "%zu", ctx->segs[i].n);
        }
    }
    if (extra != NULL) {
        len += 1 + hs__js_escaped_len(extra, extra_len);
    }

    e.pointer = hs_alloc(len + 1);
    if (e.pointer == NULL) {
        goto nomem;
    }

    o = e.pointer;
    for (i = 0; i < ctx->nsegs; i++) {
        *o++ = '/';
        if (ctx->segs[i].key != NULL) {
            o = hs__js_escape(o, ctx->segs[i].key, ctx->segs[i].n);
        } else {
            o += sprintf(o, "%zu", ctx->segs[i].n);
        }
    }
    if (extra != NULL) {
        *o++ = '/';
        o = hs__js_escape(o, extra, extra_len);
    }
    *o = '\0';

    /* the schema path; a false schema is its own location */
    len = strlen(n->path) + strlen(kw) + 2
          + (n->doc ? strlen(n->doc) + 1 : 0);
    e.schema_path = hs_alloc(len);
    if (e.schema_path == NULL) {
        goto nomem;
    }

    p = e.schema_path;
    if (n->doc != NULL) {
        p += sprintf(p, "%s#", n->doc);
    }
    if (n->has & HS__JS_K_FALSE) {
        strcpy(p, n->path);
    } else {
        sprintf(p, "%s/%s", n->path, kw);
    }

    e.keyword = hs_strdup(kw);
    e.message = hs_strdup(msg);
    if (e.keyword == NULL || e.message == NULL) {
        goto nomem;
    }

    if (errs->n == ctx->cap) {
        cap = ctx->cap ? ctx->cap * 2 : 8;
        items = hs_realloc(errs->items, cap * sizeof(hs_schema_error_t));
        if (items == NULL) {
            goto nomem;
        }
        errs->items = items;
        ctx->cap = cap;
    }

    errs->items[errs->n++] = e;

    return -1;

nomem:

    hs_free(e.pointer);
    hs_free(e.schema_path);
    hs_free(e.keyword);
    hs_free(e.message);
    ctx->nomem = 1;
    ctx->errs = NULL;

    return -1;
}


static __attribute__((format(printf, 6, 7))) int
hs__js_fail(hs__js_ctx_t *ctx, const hs__js_node_t *n, const char *kw,
    const char *extra, size_t extra_len, const char *fmt, ...)
{
    char     msg[512];
    va_list  ap;

    if (ctx->errs == NULL) {
        return -1;
    }

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    return hs__js_record(ctx, ctx->errs, n, kw, extra, extra_len, msg);
}


/* A limit was hit: the instance is invalid whatever the context. */
static int
hs__js_overflow(hs__js_ctx_t *ctx, const hs__js_node_t *n, const char *kw,
    const char *msg)
{
    if (!ctx->overflow && ctx->out != NULL && !ctx->nomem) {
        hs__js_record(ctx, ctx->out, n, kw, NULL, 0, msg);
    }

    ctx->overflow = 1;

    return -1;
}


static int
hs__js_fail_type(hs__js_ctx_t *ctx, const hs__js_node_t *n)
{
    char    buf[128];
    size_t  k, len;

    if (ctx->errs == NULL) {
        return -1;
    }

    buf[0] = '\0';
    len = 0;

    for (k = 0; hs__js_types[k].name != NULL; k++) {
        if (n->types == hs__js_types[k].bit) {
            return hs__js_fail(ctx, n, "type", NULL, 0, "must be %s",
                               hs__js_types[k].article);
        }

        if (n->types & hs__js_types[k].bit) {
            len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
                            len ? ", " : "", hs__js_types[k].name);
        }
    }

    return hs__js_fail(ctx, n, "type", NULL, 0, "must be one of the types %s",
                       buf);
}


/* Validation: keywords */

static int
hs__js_eval_child(hs__js_ctx_t *ctx, const hs__js_node_t *n,
    const json_t *inst, const char *key, size_t kn)
{
    int  rc;

    if (n->has == 0) {
        return 0;
    }

    if (ctx->nsegs >= HS_SCHEMA_MAX_DEPTH) {
        return hs__js_overflow(ctx, n, "depth", "the instance is nested too "
                               "deeply to be validated");
    }

    ctx->segs[ctx->nsegs].key = key;
    ctx->segs[ctx->nsegs].n = kn;
    ctx->nsegs++;

    rc = hs__js_eval(ctx, n, inst);

    ctx->nsegs--;

    return rc;
}


static int
hs__js_eval_number(hs__js_ctx_t *ctx, const hs__js_node_t *n,
    const json_t *inst)
{
    int           bad;
    char          buf[40];
    uint64_t      has;
    hs__js_num_t  v;

    has = n->has;
    bad = 0;
    hs__js_num_get(inst, &v);

    if ((has & HS__JS_K_MULTIPLEOF) && !hs__js_multiple(&v, &n->multiple_of))
    {
        bad = hs__js_fail(ctx, n, "multipleOf", NULL, 0,
                          "must be a multiple of %s",
                          hs__js_num_str(&n->multiple_of, buf, sizeof(buf)));
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if ((has & HS__JS_K_MAXIMUM) && hs__js_num_cmp(&v, &n->maximum) > 0) {
        bad = hs__js_fail(ctx, n, "maximum", NULL, 0, "must be <= %s",
                          hs__js_num_str(&n->maximum, buf, sizeof(buf)));
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if ((has & HS__JS_K_EXMAXIMUM)
        && hs__js_num_cmp(&v, &n->exclusive_maximum) >= 0)
    {
        bad = hs__js_fail(ctx, n, "exclusiveMaximum", NULL, 0,
                          "must be < %s",
                          hs__js_num_str(&n->exclusive_maximum, buf,
                                         sizeof(buf)));
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if ((has & HS__JS_K_MINIMUM) && hs__js_num_cmp(&v, &n->minimum) < 0) {
        bad = hs__js_fail(ctx, n, "minimum", NULL, 0, "must be >= %s",
                          hs__js_num_str(&n->minimum, buf, sizeof(buf)));
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if ((has & HS__JS_K_EXMINIMUM)
        && hs__js_num_cmp(&v, &n->exclusive_minimum) <= 0)
    {
        bad = hs__js_fail(ctx, n, "exclusiveMinimum", NULL, 0,
                          "must be > %s",
                          hs__js_num_str(&n->exclusive_minimum, buf,
                                         sizeof(buf)));
    }

    return bad;
}


/*
 * String keywords on s (len bytes); extra names the location for
 * property names ("propertyNames"), NULL for the instance itself.
 */
static int
hs__js_eval_string(hs__js_ctx_t *ctx, const hs__js_node_t *n, const char *s,
    size_t len)
{
    int       bad, m;
    size_t    cp;
    uint64_t  has;

    has = n->has;
    bad = 0;
    cp = (size_t) -1;

    if ((has & HS__JS_K_MAXLENGTH) && len > n->max_length) {
        cp = hs__js_utf8_len(s, len);
        if (cp > n->max_length) {
            bad = hs__js_fail(ctx, n, "maxLength", NULL, 0,
                              "must be at most %zu characters long",
                              n->max_length);
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if ((has & HS__JS_K_MINLENGTH) && len / 4 < n->min_length) {
        if (cp == (size_t) -1) {
            cp = hs__js_utf8_len(s, len);
        }
        if (cp < n->min_length) {
            bad = hs__js_fail(ctx, n, "minLength", NULL, 0,
                              "must be at least %zu characters long",
                              n->min_length);
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if (has & HS__JS_K_PATTERN) {
        m = hs__js_match(ctx, n->pattern, s, len);
        if (m != 1) {
            bad = hs__js_fail(ctx, n, "pattern", NULL, 0,
                              m == 0 ? "must match the pattern \"%s\""
                                     : "cannot be matched against the "
                                       "pattern \"%s\" (match limit)",
                              n->pattern_src);
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if ((has & HS__JS_K_FORMAT) && !n->format(s, len)) {
        bad = hs__js_fail(ctx, n, "format", NULL, 0, "must be a valid %s",
                          n->format_name);
    }

    return bad;
}


static int
hs__js_eval_array(hs__js_ctx_t *ctx, const hs__js_node_t *n,
    const json_t *inst)
{
    int                   bad;
    size_t                i, size, a, b, count;
    uint64_t              has;
    hs_schema_errors_t   *saved;

    has = n->has;
    bad = 0;
    size = json_array_size(inst);

    if ((has & HS__JS_K_MAXITEMS) && size > n->max_items) {
        bad = hs__js_fail(ctx, n, "maxItems", NULL, 0,
                          "must have at most %zu items", n->max_items);
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if ((has & HS__JS_K_MINITEMS) && size < n->min_items) {
        bad = hs__js_fail(ctx, n, "minItems", NULL, 0,
                          "must have at least %zu items", n->min_items);
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if (has & HS__JS_K_ITEMS) {
        for (i = 0; i < size; i++) {
            if (hs__js_eval_child(ctx, n->items, json_array_get(inst, i),
                                  NULL, i) != 0)
            {
                bad = -1;
                if (ctx->errs == NULL) {
                    return -1;
                }
            }
        }

    } else if (has & HS__JS_K_TUPLE) {
        for (i = 0; i < size; i++) {
            if (i >= n->tuple.n && !(has & HS__JS_K_ADDITEMS)) {
                break;
            }

            if (hs__js_eval_child(ctx, i < n->tuple.n ? n->tuple.items[i]
                                                      : n->items,
                                  json_array_get(inst, i), NULL, i) != 0)
            {
                bad = -1;
                if (ctx->errs == NULL) {
                    return -1;
                }
            }
        }
    }

    if ((has & HS__JS_K_UNIQUE) && size > 1
        && !hs__js_unique(ctx, inst, &a, &b))
    {
        if (ctx->nomem) {
            return -1;
        }

        bad = hs__js_fail(ctx, n, "uniqueItems", NULL, 0,
                          "must not contain duplicates (items %zu and %zu "
                          "are equal)", a, b);
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if (has & HS__JS_K_CONTAINS) {
        saved = ctx->errs;
        ctx->errs = NULL;
        count = 0;

        for (i = 0; i < size; i++) {
            if (hs__js_eval_child(ctx, n->contains, json_array_get(inst, i),
                                  NULL, i) == 0)
            {
                count++;
                if (count > n->max_contains
                    || (count >= n->min_contains
                        && n->max_contains == SIZE_MAX))
                {
                    break;
                }
            }

            if (ctx->overflow) {
                break;
            }
        }

        ctx->errs = saved;

        if (ctx->overflow) {
            return -1;
        }

        if (count < n->min_contains) {
            bad = n->min_contains == 1
                  ? hs__js_fail(ctx, n, "contains", NULL, 0,
                                "must contain an item valid against "
                                "\"contains\"")
                  : hs__js_fail(ctx, n, "minContains", NULL, 0,
                                "must contain at least %zu items valid "
                                "against \"contains\"", n->min_contains);

        } else if (count > n->max_contains) {
            bad = hs__js_fail(ctx, n, "maxContains", NULL, 0,
                              "must contain at most %zu items valid "
                              "against \"contains\"", n->max_contains);
        }
    }

    return bad;
}


/* "propertyNames" for one key. */
static int
hs__js_eval_name(hs__js_ctx_t *ctx, const hs__js_node_t *n, const char *key,
    size_t len)
{
    int                   rc;
    json_t               *tmp;
    const hs__js_node_t  *pn;
    hs_schema_errors_t   *saved;

    pn = n->property_names;
    saved = ctx->errs;
    ctx->errs = NULL;

    if ((pn->has & ~(HS__JS_K_TYPE | HS__JS_G_STR | HS__JS_K_FALSE)) == 0) {
        /* the usual case, without a temporary string */
        if (pn->has & HS__JS_K_FALSE) {
            rc = -1;

        } else if ((pn->has & HS__JS_K_TYPE)
                   && !(pn->types & HS__JS_T_STRING))
        {
            rc = -1;

        } else {
            rc = hs__js_eval_string(ctx, pn, key, len);
        }

    } else {
        tmp = json_stringn(key, len);
        if (tmp == NULL) {
            ctx->errs = saved;
            ctx->nomem = 1;
            return -1;
        }

        rc = hs__js_eval(ctx, pn, tmp);
        json_decref(tmp);
    }

    ctx->errs = saved;

    if (rc == 0 || ctx->overflow) {
        return rc;
    }

    return hs__js_fail(ctx, n, "propertyNames", key, len,
                       "is not a valid property name");
}


static int
hs__js_eval_object(hs__js_ctx_t *ctx, const hs__js_node_t *n,
    const json_t *inst)
{
    int                    bad, matched, m;
    void                  *it;
    size_t                 i, j, size, len, found;
    json_t                *v;
    uint64_t               has;
    const char            *key;
    const hs__js_dep_t    *dep;
    const hs__js_prop_t   *p;

    has = n->has;
    bad = 0;
    size = json_object_size(inst);

    if ((has & HS__JS_K_MAXPROPS) && size > n->max_properties) {
        bad = hs__js_fail(ctx, n, "maxProperties", NULL, 0,
                          "must have at most %zu properties",
                          n->max_properties);
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if ((has & HS__JS_K_MINPROPS) && size < n->min_properties) {
        bad = hs__js_fail(ctx, n, "minProperties", NULL, 0,
                          "must have at least %zu properties",
                          n->min_properties);
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if ((has & HS__JS_K_REQUIRED) && !n->required_in_props) {
        for (i = 0; i < n->nrequired; i++) {
            p = &n->required[i];
            if (json_object_getn(inst, p->name, p->len) == NULL) {
                bad = hs__js_fail(ctx, n, "required", p->name, p->len,
                                  "is required");
                if (ctx->errs == NULL) {
                    return -1;
                }
            }
        }
    }

    if (has & HS__JS_K_DEPS) {
        for (i = 0; i < n->ndeps; i++) {
            dep = &n->deps[i];
            if (json_object_getn(inst, dep->name, dep->len) == NULL) {
                continue;
            }

            if (dep->node == NULL) {
                for (j = 0; j < dep->nrequired; j++) {
                    p = &dep->required[j];
                    if (json_object_getn(inst, p->name, p->len) != NULL) {
                        continue;
                    }

                    bad = hs__js_fail(ctx, n, dep->kw, p->name, p->len,
                                      "is required when \"%s\" is present",
                                      dep->name);
                    if (ctx->errs == NULL) {
                        return -1;
                    }
                }

            } else if (hs__js_eval(ctx, dep->node, inst) != 0) {
                bad = -1;
                if (ctx->errs == NULL) {
                    return -1;
                }
            }
        }
    }

    if (!(has & HS__JS_G_MEMBERS)) {
        return bad;
    }

    found = 0;

    for (it = json_object_iter((json_t *) inst); it != NULL;
         it = json_object_iter_next((json_t *) inst, it))
    {
        key = json_object_iter_key(it);
        len = json_object_iter_key_len(it);
        v = json_object_iter_value(it);
        matched = 0;

        if (has & HS__JS_K_PROPS) {
            p = hs__js_prop_find(n, key, len);
            if (p != NULL) {
                matched = 1;
                found += p->required;
                if (hs__js_eval_child(ctx, p->node, v, key, len) != 0) {
                    bad = -1;
                    if (ctx->errs == NULL) {
                        return -1;
                    }
                }
            }
        }

        if (has & HS__JS_K_PPROPS) {
            for (i = 0; i < n->npprops; i++) {
                m = hs__js_match(ctx, n->pprops[i].re, key, len);
                if (m < 0 && ctx->nomem) {
                    return -1;
                }

                if (m <= 0) {
                    continue;
                }

                matched = 1;
                if (hs__js_eval_child(ctx, n->pprops[i].node, v, key, len)
                    != 0)
                {
                    bad = -1;
                    if (ctx->errs == NULL) {
                        return -1;
                    }
                }
            }
        }

        if ((has & HS__JS_K_ADDPROPS) && !matched) {
            if (hs__js_eval_child(ctx, n->additional_properties, v, key, len)
                != 0)
            {
                bad = -1;
                if (ctx->errs == NULL) {
                    return -1;
                }
            }
        }

        if ((has & HS__JS_K_PROPNAMES)
            && hs__js_eval_name(ctx, n, key, len) != 0)
        {
            bad = -1;
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if ((has & HS__JS_K_REQUIRED) && n->required_in_props
        && found != n->nrequired)
    {
        for (i = 0; i < n->nrequired; i++) {
            p = &n->required[i];
            if (json_object_getn(inst, p->name, p->len) == NULL) {
                bad = hs__js_fail(ctx, n, "required", p->name, p->len,
                                  "is required");
                if (ctx->errs == NULL) {
                    return -1;
                }
            }
        }
    }

    return bad;
}


/* Applicators on the instance itself; sub-results are quiet but for
 * allOf, then and else, whose violations are the instance's. */
static int
hs__js_eval_logic(hs__js_ctx_t *ctx, const hs__js_node_t *n,
    const json_t *inst)
{
    int                  bad, rc;
    size_t               i, count, first, len;
    uint64_t             has;
    const char          *s;
    hs_schema_errors_t  *saved;

    has = n->has;
    bad = 0;

    if ((has & HS__JS_K_ENUM) && n->enum_strings != NULL) {
        s = json_string_value(inst);
        len = json_string_length(inst);

        for (i = 0; s != NULL && i < n->nenum_strings; i++) {
            if (n->enum_strings[i].len == len
                && memcmp(n->enum_strings[i].name, s, len) == 0)
            {
                break;
            }
        }

        if (s == NULL || i == n->nenum_strings) {
            bad = hs__js_fail(ctx, n, "enum", NULL, 0,
                              "must be one of the allowed values");
            if (ctx->errs == NULL) {
                return -1;
            }
        }

    } else if (has & HS__JS_K_ENUM) {
        for (i = 0; i < json_array_size(n->enum_values); i++) {
            if (hs__js_equal(inst, json_array_get(n->enum_values, i), 0)) {
                break;
            }
        }

        if (i == json_array_size(n->enum_values)) {
            bad = hs__js_fail(ctx, n, "enum", NULL, 0,
                              "must be one of the allowed values");
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if ((has & HS__JS_K_CONST) && !hs__js_equal(inst, n->const_value, 0)) {
        bad = hs__js_fail(ctx, n, "const", NULL, 0,
                          "must be equal to the constant");
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    if (has & HS__JS_K_ALLOF) {
        for (i = 0; i < n->all_of.n; i++) {
            if (hs__js_eval(ctx, n->all_of.items[i], inst) != 0) {
                bad = -1;
                if (ctx->errs == NULL) {
                    return -1;
                }
            }
        }
    }

    saved = ctx->errs;

    if (has & HS__JS_K_ANYOF) {
        ctx->errs = NULL;
        rc = -1;

        for (i = 0; i < n->any_of.n && rc != 0 && !ctx->overflow; i++) {
            rc = hs__js_eval(ctx, n->any_of.items[i], inst);
        }

        ctx->errs = saved;

        if (ctx->overflow) {
            return -1;
        }

        if (rc != 0) {
            bad = hs__js_fail(ctx, n, "anyOf", NULL, 0,
                              "must be valid against at least one of the "
                              "\"anyOf\" schemas");
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if (has & HS__JS_K_ONEOF) {
        ctx->errs = NULL;
        count = 0;
        first = 0;

        for (i = 0; i < n->one_of.n && count < 2 && !ctx->overflow; i++) {
            if (hs__js_eval(ctx, n->one_of.items[i], inst) == 0) {
                if (count++ == 0) {
                    first = i;
                }
            }
        }

        ctx->errs = saved;

        if (ctx->overflow) {
            return -1;
        }

        if (count != 1) {
            bad = count == 0
                  ? hs__js_fail(ctx, n, "oneOf", NULL, 0,
                                "must be valid against exactly one of the "
                                "\"oneOf\" schemas (it matches none)")
                  : hs__js_fail(ctx, n, "oneOf", NULL, 0,
                                "must be valid against exactly one of the "
                                "\"oneOf\" schemas (it matches %zu and %zu)",
                                first, i - 1);
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if (has & HS__JS_K_NOT) {
        ctx->errs = NULL;
        rc = hs__js_eval(ctx, n->not_node, inst);
        ctx->errs = saved;

        if (ctx->overflow) {
            return -1;
        }

        if (rc == 0) {
            bad = hs__js_fail(ctx, n, "not", NULL, 0,
                              "must not be valid against the \"not\" schema");
            if (ctx->errs == NULL) {
                return -1;
            }
        }
    }

    if (has & HS__JS_K_IF) {
        ctx->errs = NULL;
        rc = hs__js_eval(ctx, n->if_node, inst);
        ctx->errs = saved;

        if (ctx->overflow) {
            return -1;
        }

        if (rc == 0) {
            if (n->then_node != NULL
                && hs__js_eval(ctx, n->then_node, inst) != 0)
            {
                bad = -1;
            }

        } else if (n->else_node != NULL
                   && hs__js_eval(ctx, n->else_node, inst) != 0)
        {
            bad = -1;
        }
    }

    return bad;
}


static int
hs__js_eval_ext(hs__js_ctx_t *ctx, const hs__js_node_t *n,
    const json_t *inst)
{
    int     bad;
    char    msg[256];
    size_t  i;

    bad = 0;

    for (i = 0; i < n->next; i++) {
        msg[0] = '\0';
        if (n->ext[i].kw->validate(n->ext[i].kw->data, n->ext[i].arg, inst,
                                   msg, sizeof(msg)))
        {
            continue;
        }

        bad = hs__js_fail(ctx, n, n->ext[i].kw->name, NULL, 0, "%s",
                          msg[0] ? msg : "is not valid");
        if (ctx->errs == NULL) {
            return -1;
        }
    }

    return bad;
}


static int
hs__js_eval(hs__js_ctx_t *ctx, const hs__js_node_t *n, const json_t *inst)
{
    int       bad;
    uint64_t  has;

    has = n->has;

    if (has == 0) {
        return 0;
    }

    if (ctx->overflow) {
        return -1;
    }

    if (has & HS__JS_K_FALSE) {
        return hs__js_fail(ctx, n, n->kw, NULL, 0, "is not allowed");
    }

    if (ctx->depth >= HS__JS_EVAL_MAX_DEPTH) {
        return hs__js_overflow(ctx, n, "$ref", "the schema recurses too "
                               "deeply (a \"$ref\" loop?)");
    }

    ctx->depth++;
    bad = 0;

    if ((has & HS__JS_K_REF) && hs__js_eval(ctx, n->ref, inst) != 0) {
        bad = -1;
        if (ctx->errs == NULL) {
            goto done;
        }
    }

    if ((has & HS__JS_K_TYPE) && !(hs__js_type_of(inst) & n->types)) {
        bad = hs__js_fail_type(ctx, n);
        if (ctx->errs == NULL) {
            goto done;
        }
    }

    if ((has & HS__JS_G_ANY) && hs__js_eval_logic(ctx, n, inst) != 0) {
        bad = -1;
        if (ctx->errs == NULL) {
            goto done;
        }
    }

    switch (json_typeof(inst)) {

    case JSON_OBJECT:
        if ((has & HS__JS_G_OBJ) && hs__js_eval_object(ctx, n, inst) != 0) {
            bad = -1;
        }
        break;

    case JSON_ARRAY:
        if ((has & HS__JS_G_ARR) && hs__js_eval_array(ctx, n, inst) != 0) {
            bad = -1;
        }
        break;

    case JSON_STRING:
        if ((has & HS__JS_G_STR)
            && hs__js_eval_string(ctx, n, json_string_value(inst),
                                  json_string_length(inst)) != 0)
        {
            bad = -1;
        }
        break;

    case JSON_INTEGER:
    case JSON_REAL:
        if ((has & HS__JS_G_NUM) && hs__js_eval_number(ctx, n, inst) != 0) {
            bad = -1;
        }
        break;

    default:
        break;
    }

    if ((has & HS__JS_K_EXT) && hs__js_eval_ext(ctx, n, inst) != 0) {
        bad = -1;
    }

done:

    ctx->depth--;

    return bad;
}


hs_rc_t
hs_schema_validate(const hs_schema_t *s, const json_t *instance,
    hs_schema_errors_t *errs)
{
    int           rc;
    hs__js_ctx_t  ctx;

    if (errs != NULL) {
        errs->n = 0;
        errs->items = NULL;
    }

    if (s == NULL || instance == NULL) {
        return HS_EINVAL;
    }

    ctx.errs = errs;
    ctx.out = errs;
    ctx.cap = 0;
    ctx.s = s;
    ctx.md = NULL;
    ctx.gctx = NULL;
    ctx.mdused = 0;
    ctx.depth = 0;
    ctx.nsegs = 0;
    ctx.nomem = 0;
    ctx.overflow = 0;

    rc = hs__js_eval(&ctx, s->root, instance);

    if (ctx.md != NULL) {
        pcre2_match_data_free(ctx.md);
    }

    if (ctx.gctx != NULL) {
        pcre2_general_context_free(ctx.gctx);
    }

    if (ctx.nomem) {
        hs_schema_errors_release(errs);
        return HS_ENOMEM;
    }

    return rc == 0 ? HS_OK : HS_EINVAL;
}


void
hs_schema_errors_release(hs_schema_errors_t *errs)
{
    size_t  i;

    if (errs == NULL) {
        return;
    }

    for (i = 0; i < errs->n; i++) {
        hs_free(errs->items[i].pointer);
        hs_free(errs->items[i].keyword);
        hs_free(errs->items[i].schema_path);
        hs_free(errs->items[i].message);
    }

    hs_free(errs->items);
    errs->items = NULL;
    errs->n = 0;
}
