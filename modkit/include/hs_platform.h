/*
 * A whole platform cycle from module descriptors: registry, dependency
 * order, configuration (YAML file + environment), the core's built-in
 * operations, module init and REST declarations, and the finished API.
 * The nginx core and hsctl build it the same way.
 */

#ifndef HS_PLATFORM_H
#define HS_PLATFORM_H

#include "hs_base.h"
#include "hs_config.h"
#include "hs_module.h"
#include "hs_api.h"

typedef struct {
    hs_registry_t   *registry;
    hs_api_t        *api;
} hs_platform_t;

/* Adds the built-in operations (data: what the caller serves them with). */
typedef hs_rc_t (*hs_builtins_pt)(hs_api_t *api, void *data,
    hs_error_t *err);

typedef struct {
    const hs_module_desc_t *const  *descs;
    const char *const              *origins;    /* nginx module names */
    size_t                          n;
    const char                     *yaml_path;  /* NULL: no file */
    hs_getenv_pt                    getenv_fn;  /* NULL: getenv() */
    void                           *getenv_data;
    hs_builtins_pt                  builtins;   /* NULL: declarations only */
    void                           *builtins_data;
    const hs_log_t                 *log;
    hs_db_t                        *db;         /* NULL: no database */
} hs_platform_conf_t;

/*
 * On failure err names what failed (module, file and line, operation)
 * and the platform is released.
 */
HS_API hs_rc_t hs_platform_build(hs_platform_t *pf,
    const hs_platform_conf_t *conf, hs_error_t *err);
HS_API void hs_platform_release(hs_platform_t *pf);

#endif /* HS_PLATFORM_H */
