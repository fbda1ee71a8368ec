/*
 * Module configuration: the YAML file's modules.<name>.config section,
 * overridden by HYPERSPOT_<MODULE>__<FIELD> environment variables, is
 * checked against the fields a module declares and written into the
 * module's typed config struct.
 */

#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <jansson.h>
#include "hs_base.h"

typedef enum {
    HS_CFG_BOOL = 1,    /* int: 0 or 1 */
    HS_CFG_INT,         /* int64_t, bounds min..max */
    HS_CFG_DOUBLE,      /* double */
    HS_CFG_STRING       /* char *, length bounds min..max (max 0: none) */
} hs_cfg_type_t;

typedef struct {
    const char     *name;        /* snake_case key; NULL ends the table */
    hs_cfg_type_t   type;
    size_t          offset;      /* offsetof() in the module's struct */
    const char     *def;         /* default as text; NULL: required */
    int64_t         min;
    int64_t         max;
    const char     *description;
} hs_config_field_t;

#define HS_CONFIG_FIELD_END  { NULL, 0, 0, NULL, 0, 0, NULL }

/*
 * A loaded YAML document as JSON values, with the source position of
 * every node: paths look like "modules.calculator.config.precision".
 */
typedef struct hs_yaml_doc_s  hs_yaml_doc_t;

HS_API hs_yaml_doc_t *hs_yaml_load_file(const char *path, hs_error_t *err);
HS_API hs_yaml_doc_t *hs_yaml_load_string(const char *text, size_t len,
    const char *name, hs_error_t *err);
HS_API json_t *hs_yaml_root(const hs_yaml_doc_t *doc);
/* "file:line:column" of a node path, or the file name alone. */
HS_API const char *hs_yaml_where(const hs_yaml_doc_t *doc, const char *path,
    char *buf, size_t size);
HS_API void hs_yaml_free(hs_yaml_doc_t *doc);

/* Environment lookup, injectable for tests (default: getenv). */
typedef const char *(*hs_getenv_pt)(void *data, const char *name);

/*
 * The environment variable that overrides a field:
 * HYPERSPOT_<MODULE>__<FIELD>, upper case, '-' and '.' become '_'.
 */
HS_API void hs_config_env_name(const char *module, const char *field,
    char *buf, size_t size);

/*
 * Fills the typed struct at dst (all fields, defaults first) from the
 * section (a JSON object or NULL) and the environment. Unknown keys,
 * wrong types, out-of-range values and missing required fields fail
 * with a message naming the module, field and source position.
 * Strings are allocated with hs_alloc(); hs_config_release() frees them.
 */
HS_API hs_rc_t hs_config_apply(const char *module,
    const hs_config_field_t *fields, void *dst, const json_t *section,
    const hs_yaml_doc_t *doc, const char *path, hs_getenv_pt getenv_fn,
    void *getenv_data, hs_error_t *err);
HS_API void hs_config_release(const hs_config_field_t *fields, void *dst);

#endif /* HS_CONFIG_H */
