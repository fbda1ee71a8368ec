/*
 * YAML loading (libyaml events to jansson values, with source positions)
 * and typed module configuration with environment overrides.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "hs_config.h"

#define HS__YAML_MAX_DEPTH  64
#define HS__PATH_MAX        512

struct hs_yaml_doc_s {
    json_t  *root;
    json_t  *marks;     /* path -> "line:column" */
    char    *name;
};

typedef struct {
    json_t  *node;
    char     path[HS__PATH_MAX];
    char         *key;       /* mapping: the key waiting for its value */
    yaml_mark_t   key_mark;  /* where that key is */
} hs__yaml_frame_t;


static int
hs__plain_is(const char *v, const char *const *words)
{
    for ( /* void */ ; *words; words++) {
        if (strcmp(v, *words) == 0) {
            return 1;
        }
    }

    return 0;
}


static size_t
hs__digits(const char *s, int base)
{
    size_t  n;
    char    c;

    for (n = 0; (c = s[n]) != '\0'; n++) {
        if (!((c >= '0' && c <= '9' && c - '0' < base)
              || (base == 16 && ((c >= 'a' && c <= 'f')
                                 || (c >= 'A' && c <= 'F')))))
        {
            break;
        }
    }

    return n;
}


/* YAML 1.2 core schema resolution of a plain scalar. */
static json_t *
hs__yaml_plain_scalar(const char *v, size_t len)
{
    static const char *const  nulls[] = { "", "~", "null", "Null", "NULL",
                                          NULL };
    static const char *const  trues[] = { "true", "True", "TRUE", NULL };
    static const char *const  falses[] = { "false", "False", "FALSE", NULL };
    char                     *end;
    size_t                    n, frac, exp;
    double                    d;
    long long                 ll;
    const char               *p, *q;

    if (hs__plain_is(v, nulls)) {
        return json_null();
    }

    if (hs__plain_is(v, trues)) {
        return json_true();
    }

    if (hs__plain_is(v, falses)) {
        return json_false();
    }

    /* 0o17, 0x1F: unsigned, digits of the base only */
    if (v[0] == '0' && (v[1] == 'o' || v[1] == 'x') && v[2] != '\0'
        && hs__digits(v + 2, v[1] == 'x' ? 16 : 8) == strlen(v + 2))
    {
        errno = 0;
        ll = strtoll(v + 2, &end, v[1] == 'x' ? 16 : 8);
        if (errno == 0) {
            return json_integer(ll);
        }
    }

    p = v;
    if (*p == '-' || *p == '+') {
        p++;
    }

    n = hs__digits(p, 10);

    /* [-+]?[0-9]+ */
    if (n > 0 && p[n] == '\0') {
        errno = 0;
        ll = strtoll(v, &end, 10);
        if (errno == 0) {
            return json_integer(ll);
        }

        /* beyond 64 bits: a number still, not a string */
        return json_real(strtod(v, NULL));
    }

    /* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
    q = p + n;
    frac = 0;
    if (*q == '.') {
        frac = hs__digits(q + 1, 10);
        q += 1 + frac;
    }

    if (n + frac > 0 && (*q == 'e' || *q == 'E')) {
        q++;
        if (*q == '-' || *q == '+') {
            q++;
        }
        exp = hs__digits(q, 10);
        q = exp ? q + exp : v;  /* an exponent needs digits */
    }

    if (n + frac > 0 && q != v && *q == '\0') {
        d = strtod(v, NULL);
        if (isfinite(d)) {
            return json_real(d);
        }
    }

    return json_stringn(v, len);
}


static void
hs__yaml_mark(hs_yaml_doc_t *doc, const char *path, const yaml_mark_t *m)
{
    char  buf[48];

    snprintf(buf, sizeof(buf), "%zu:%zu", m->line + 1, m->column + 1);
    json_object_set_new(doc->marks, path, json_string(buf));
}


/* Attaches node to the container on top of the stack. */
static int
hs__yaml_attach(hs_yaml_doc_t *doc, hs__yaml_frame_t *top, json_t *node,
    char *path, const yaml_mark_t *mark, hs_error_t *err)
{
    if (json_is_array(top->node)) {
        snprintf(path, HS__PATH_MAX, "%s[%zu]", top->path,
                 json_array_size(top->node));
        hs__yaml_mark(doc, path, mark);
        return json_array_append(top->node, node);
    }

    if (top->key == NULL) {
        /* node is a key */
        if (!json_is_string(node)) {
            hs_error_set(err, "%s:%zu:%zu: mapping keys must be strings",
                         doc->name, mark->line + 1, mark->column + 1);
            return -1;
        }

        if (json_object_get(top->node, json_string_value(node)) != NULL) {
            hs_error_set(err, "%s:%zu:%zu: duplicate key \"%s\"",
                         doc->name, mark->line + 1, mark->column + 1,
                         json_string_value(node));
            return -1;
        }

        top->key = hs_strdup(json_string_value(node));
        top->key_mark = *mark;
        return top->key ? 0 : -1;
    }

    /* a mapping value is located by its key */
    snprintf(path, HS__PATH_MAX, "%s%s%s", top->path,
             top->path[0] ? "." : "", top->key);
    hs__yaml_mark(doc, path, &top->key_mark);

    if (json_object_set(top->node, top->key, node) != 0) {
        return -1;
    }

    hs_free(top->key);
    top->key = NULL;

    return 0;
}


static hs_yaml_doc_t *
hs__yaml_parse(yaml_parser_t *parser, const char *name, hs_error_t *err)
{
    int                done, ndocs, rc;
    char               path[HS__PATH_MAX];
    size_t             depth, i;
    json_t            *node;
    yaml_event_t       ev;
    hs_yaml_doc_t     *doc;
    hs__yaml_frame_t  *stack;

    doc = hs_calloc(1, sizeof(hs_yaml_doc_t));
    stack = hs_calloc(HS__YAML_MAX_DEPTH, sizeof(hs__yaml_frame_t));

    if (doc == NULL || stack == NULL) {
        hs_free(doc);
        hs_free(stack);
        hs_error_set(err, "out of memory");
        return NULL;
    }

    doc->name = hs_strdup(name);
    doc->marks = json_object();

    if (err != NULL) {
        err->msg[0] = '\0';
    }

    depth = 0;
    ndocs = 0;
    done = 0;
    rc = 0;

    while (!done && rc == 0) {

        if (!yaml_parser_parse(parser, &ev)) {
            if (parser->context != NULL) {
                hs_error_set(err, "%s:%zu:%zu: %s %s that starts at line "
                             "%zu, column %zu", name,
                             parser->problem_mark.line + 1,
                             parser->problem_mark.column + 1,
                             parser->problem ? parser->problem
                                             : "syntax error",
                             parser->context,
                             parser->context_mark.line + 1,
                             parser->context_mark.column + 1);

            } else {
                hs_error_set(err, "%s:%zu:%zu: %s", name,
                             parser->problem_mark.line + 1,
                             parser->problem_mark.column + 1,
                             parser->problem ? parser->problem
                                             : "syntax error");
            }
            rc = -1;
            break;
        }

        node = NULL;

        switch (ev.type) {

        case YAML_STREAM_END_EVENT:
            done = 1;
            break;

        case YAML_DOCUMENT_START_EVENT:
            if (++ndocs > 1) {
                hs_error_set(err, "%s:%zu: only one YAML document is "
                             "allowed", name, ev.start_mark.line + 1);
                rc = -1;
            }
            break;

        case YAML_ALIAS_EVENT:
            hs_error_set(err, "%s:%zu:%zu: YAML aliases are not supported",
                         name, ev.start_mark.line + 1,
                         ev.start_mark.column + 1);
            rc = -1;
            break;

        case YAML_SCALAR_EVENT:
            if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                && ev.data.scalar.tag == NULL)
            {
                node = hs__yaml_plain_scalar((char *) ev.data.scalar.value,
                                             ev.data.scalar.length);

            } else {
                node = json_stringn((char *) ev.data.scalar.value,
                                    ev.data.scalar.length);
            }

            if (node == NULL) {
                hs_error_set(err, "%s:%zu:%zu: scalar is not valid UTF-8",
                             name, ev.start_mark.line + 1,
                             ev.start_mark.column + 1);
                rc = -1;
                break;
            }

            if (depth == 0) {
                doc->root = node;
                node = NULL;
                break;
            }

            if (hs__yaml_attach(doc, &stack[depth - 1], node, path,
                                &ev.start_mark, err) != 0)
            {
                if (err != NULL && err->msg[0] == '\0') {
                    hs_error_set(err, "out of memory");
                }
                rc = -1;
            }

            json_decref(node);
            break;

        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth == HS__YAML_MAX_DEPTH) {
                hs_error_set(err, "%s:%zu: nesting deeper than %d levels",
                             name, ev.start_mark.line + 1,
                             HS__YAML_MAX_DEPTH);
                rc = -1;
                break;
            }

            node = ev.type == YAML_MAPPING_START_EVENT ? json_object()
                                                       : json_array();
            path[0] = '\0';

            if (depth > 0) {
                if (stack[depth - 1].key == NULL
                    && json_is_object(stack[depth - 1].node))
                {
                    hs_error_set(err, "%s:%zu:%zu: mapping keys must be "
                                 "strings", name, ev.start_mark.line + 1,
                                 ev.start_mark.column + 1);
                    json_decref(node);
                    rc = -1;
                    break;
                }

                if (hs__yaml_attach(doc, &stack[depth - 1], node, path,
                                    &ev.start_mark, err) != 0)
                {
                    json_decref(node);
                    rc = -1;
                    break;
                }

            } else {
                doc->root = json_incref(node);
            }

            stack[depth].node = node;   /* the container keeps a ref */
            json_decref(node);
            snprintf(stack[depth].path, HS__PATH_MAX, "%s", path);
            stack[depth].key = NULL;
            depth++;
            break;

        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            hs_free(stack[depth].key);
            stack[depth].key = NULL;
            break;

        default:
            break;
        }

        yaml_event_delete(&ev);
    }

    for (i = 0; i < depth; i++) {
        hs_free(stack[i].key);
    }

    hs_free(stack);

    if (rc != 0) {
        hs_yaml_free(doc);
        return NULL;
    }

    if (doc->root == NULL || json_is_null(doc->root)) {
        json_decref(doc->root);
        doc->root = json_object();
    }

    if (!json_is_object(doc->root)) {
        hs_error_set(err, "%s: the document must be a mapping", name);
        hs_yaml_free(doc);
        return NULL;
    }

    return doc;
}


hs_yaml_doc_t *
hs_yaml_load_string(const char *text, size_t len, const char *name,
    hs_error_t *err)
{
    hs_yaml_doc_t  *doc;
    yaml_parser_t   parser;

    if (!yaml_parser_initialize(&parser)) {
        hs_error_set(err, "yaml_parser_initialize() failed");
        return NULL;
    }

    yaml_parser_set_input_string(&parser, (const unsigned char *) text, len);
    doc = hs__yaml_parse(&parser, name, err);
    yaml_parser_delete(&parser);

    return doc;
}


hs_yaml_doc_t *
hs_yaml_load_file(const char *path, hs_error_t *err)
{
    FILE           *f;
    hs_yaml_doc_t  *doc;
    yaml_parser_t   parser;

    f = fopen(path, "r");
    if (f == NULL) {
        hs_error_set(err, "cannot open \"%s\": %s", path, strerror(errno));
        return NULL;
    }

    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        hs_error_set(err, "yaml_parser_initialize() failed");
        return NULL;
    }

    yaml_parser_set_input_file(&parser, f);
    doc = hs__yaml_parse(&parser, path, err);
    yaml_parser_delete(&parser);
    fclose(f);

    return doc;
}


json_t *
hs_yaml_root(const hs_yaml_doc_t *doc)
{
    return doc->root;
}


const char *
hs_yaml_where(const hs_yaml_doc_t *doc, const char *path, char *buf,
    size_t size)
{
    json_t  *m;

    if (doc == NULL) {
        snprintf(buf, size, "configuration");
        return buf;
    }

    m = json_object_get(doc->marks, path);
    if (m != NULL) {
        snprintf(buf, size, "%s:%s", doc->name, json_string_value(m));

    } else {
        snprintf(buf, size, "%s", doc->name);
    }

    return buf;
}


void
hs_yaml_free(hs_yaml_doc_t *doc)
{
    if (doc == NULL) {
        return;
    }

    json_decref(doc->root);
    json_decref(doc->marks);
    hs_free(doc->name);
    hs_free(doc);
}


void
hs_config_env_name(const char *module, const char *field, char *buf,
    size_t size)
{
    size_t       n;
    const char  *p;

    snprintf(buf, size, "HYPERSPOT_%s__%s", module, field);

    for (n = 0, p = buf; *p && n < size; p++, n++) {
        if (buf[n] == '-' || buf[n] == '.') {
            buf[n] = '_';

        } else {
            buf[n] = (char) toupper((unsigned char) buf[n]);
        }
    }
}


static const char *
hs__json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:  return "a mapping";
    case JSON_ARRAY:   return "a sequence";
    case JSON_STRING:  return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL:    return "a number";
    case JSON_TRUE:
    case JSON_FALSE:   return "a boolean";
    default:           return "null";
    }
}


static const char *
hs__cfg_type_name(hs_cfg_type_t t)
{
    switch (t) {
    case HS_CFG_BOOL:   return "a boolean";
    case HS_CFG_INT:    return "an integer";
    case HS_CFG_DOUBLE: return "a number";
    default:            return "a string";
    }
}


/* Checks bounds and stores; msg gets the reason on failure. */
static int
hs__cfg_store(const hs_config_field_t *f, void *dst, int b, int64_t i,
    double d, const char *s, char *msg, size_t msize)
{
    char    *copy, **sp;
    size_t   len;

    switch (f->type) {

    case HS_CFG_BOOL:
        *(int *) ((char *) dst + f->offset) = b;
        return 0;

    case HS_CFG_INT:
        if ((f->min != 0 || f->max != 0) && (i < f->min || i > f->max)) {
            snprintf(msg, msize, "%lld is out of range %lld..%lld",
                     (long long) i, (long long) f->min, (long long) f->max);
            return -1;
        }
        *(int64_t *) ((char *) dst + f->offset) = i;
        return 0;

    case HS_CFG_DOUBLE:
        if ((f->min != 0 || f->max != 0)
            && (d < (double) f->min || d > (double) f->max))
        {
            snprintf(msg, msize, "%g is out of range %lld..%lld", d,
                     (long long) f->min, (long long) f->max);
            return -1;
        }
        *(double *) ((char *) dst + f->offset) = d;
        return 0;

    case HS_CFG_STRING:
        len = strlen(s);
        if ((f->min > 0 && len < (size_t) f->min)
            || (f->max > 0 && len > (size_t) f->max))
        {
            snprintf(msg, msize, "length %zu is out of range %lld..%lld",
                     len, (long long) f->min, (long long) f->max);
            return -1;
        }

        copy = hs_strdup(s);
        if (copy == NULL) {
            snprintf(msg, msize, "out of memory");
            return -1;
        }

        sp = (char **) ((char *) dst + f->offset);
        hs_free(*sp);
        *sp = copy;
        return 0;
    }

    snprintf(msg, msize, "unknown field type");
    return -1;
}


/* Text (a default or an environment value) to a typed value. */
static int
hs__cfg_from_text(const hs_config_field_t *f, void *dst, const char *text,
    char *msg, size_t msize)
{
    char       *end;
    double      d;
    long long   ll;

    switch (f->type) {

    case HS_CFG_BOOL:
        if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0
            || strcmp(text, "yes") == 0 || strcmp(text, "on") == 0)
        {
            return hs__cfg_store(f, dst, 1, 0, 0, NULL, msg, msize);
        }

        if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0
            || strcmp(text, "no") == 0 || strcmp(text, "off") == 0)
        {
            return hs__cfg_store(f, dst, 0, 0, 0, NULL, msg, msize);
        }

        snprintf(msg, msize, "expected a boolean (true/false), got \"%s\"",
                 text);
        return -1;

    case HS_CFG_INT:
        errno = 0;
        ll = strtoll(text, &end, 10);
        if (text[0] == '\0' || *end != '\0' || errno != 0) {
            snprintf(msg, msize, "expected an integer, got \"%s\"", text);
            return -1;
        }
        return hs__cfg_store(f, dst, 0, ll, 0, NULL, msg, msize);

    case HS_CFG_DOUBLE:
        errno = 0;
        d = strtod(text, &end);
        if (text[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(d)) {
            snprintf(msg, msize, "expected a number, got \"%s\"", text);
            return -1;
        }
        return hs__cfg_store(f, dst, 0, 0, d, NULL, msg, msize);

    case HS_CFG_STRING:
        return hs__cfg_store(f, dst, 0, 0, 0, text, msg, msize);
    }

    snprintf(msg, msize, "unknown field type");
    return -1;
}


static int
hs__cfg_from_json(const hs_config_field_t *f, void *dst, const json_t *v,
    char *msg, size_t msize)
{
    switch (f->type) {

    case HS_CFG_BOOL:
        if (json_is_boolean(v)) {
            return hs__cfg_store(f, dst, json_is_true(v), 0, 0, NULL,
                                 msg, msize);
        }
        break;

    case HS_CFG_INT:
        if (json_is_integer(v)) {
            return hs__cfg_store(f, dst, 0, json_integer_value(v), 0, NULL,
                                 msg, msize);
        }
        break;

    case HS_CFG_DOUBLE:
        if (json_is_number(v)) {
            return hs__cfg_store(f, dst, 0, 0, json_number_value(v), NULL,
                                 msg, msize);
        }
        break;

    case HS_CFG_STRING:
        if (json_is_string(v)) {
            return hs__cfg_store(f, dst, 0, 0, 0, json_string_value(v),
                                 msg, msize);
        }
        break;
    }

    snprintf(msg, msize, "expected %s, got %s", hs__cfg_type_name(f->type),
             hs__json_kind(v));
    return -1;
}


static const hs_config_field_t *
hs__cfg_field(const hs_config_field_t *fields, const char *name)
{
    for ( /* void */ ; fields && fields->name; fields++) {
        if (strcmp(fields->name, name) == 0) {
            return fields;
        }
    }

    return NULL;
}


hs_rc_t
hs_config_apply(const char *module, const hs_config_field_t *fields,
    void *dst, const json_t *section, const hs_yaml_doc_t *doc,
    const char *path, hs_getenv_pt getenv_fn, void *getenv_data,
    hs_error_t *err)
{
    char                      msg[512], where[HS__PATH_MAX + 64];
    char                      fpath[HS__PATH_MAX], env[256], known[512];
    size_t                    n;
    json_t                   *v;
    const char               *key, *text;
    const hs_config_field_t  *f;

    /* defaults first */
    for (f = fields; f && f->name; f++) {
        if (f->def != NULL
            && hs__cfg_from_text(f, dst, f->def, msg, sizeof(msg)) != 0)
        {
            hs_error_set(err, "module \"%s\": default of \"%s\" is invalid: "
                         "%s", module, f->name, msg);
            return HS_EINVAL;
        }
    }

    if (section != NULL && !json_is_null(section)) {

        if (!json_is_object(section)) {
            hs_error_set(err, "%s: %s: expected a mapping, got %s",
                         hs_yaml_where(doc, path, where, sizeof(where)),
                         path, hs__json_kind(section));
            return HS_EINVAL;
        }

        json_object_foreach((json_t *) section, key, v) {
            snprintf(fpath, sizeof(fpath), "%s.%s", path, key);
            f = hs__cfg_field(fields, key);

            if (f == NULL) {
                known[0] = '\0';
                n = 0;
                for (f = fields; f && f->name; f++) {
                    n += snprintf(known + n, n < sizeof(known)
                                  ? sizeof(known) - n : 0, "%s%s",
                                  n ? ", " : "", f->name);
                }

                hs_error_set(err, "%s: %s: unknown setting of module \"%s\""
                             " (known: %s)",
                             hs_yaml_where(doc, fpath, where, sizeof(where)),
                             fpath, module, n ? known : "none");
                return HS_EINVAL;
            }

            if (hs__cfg_from_json(f, dst, v, msg, sizeof(msg)) != 0) {
                hs_error_set(err, "%s: %s: %s",
                             hs_yaml_where(doc, fpath, where, sizeof(where)),
                             fpath, msg);
                return HS_EINVAL;
            }
        }
    }

    /* the environment wins over YAML */
    for (f = fields; f && f->name; f++) {
        hs_config_env_name(module, f->name, env, sizeof(env));
        text = getenv_fn ? getenv_fn(getenv_data, env) : getenv(env);

        if (text != NULL
            && hs__cfg_from_text(f, dst, text, msg, sizeof(msg)) != 0)
        {
            hs_error_set(err, "environment variable %s: %s", env, msg);
            return HS_EINVAL;
        }

        if (text == NULL && f->def == NULL
            && (section == NULL || !json_is_object(section)
                || json_object_get(section, f->name) == NULL))
        {
            hs_error_set(err, "%s: %s.%s is required by module \"%s\" "
                         "(or set %s)",
                         hs_yaml_where(doc, path, where, sizeof(where)),
                         path, f->name, module, env);
            return HS_EINVAL;
        }
    }

    return HS_OK;
}


void
hs_config_release(const hs_config_field_t *fields, void *dst)
{
    char  **sp;

    for ( /* void */ ; fields && fields->name; fields++) {
        if (fields->type == HS_CFG_STRING) {
            sp = (char **) ((char *) dst + fields->offset);
            hs_free(*sp);
            *sp = NULL;
        }
    }
}
