/*
 * HyperSpot modules: the descriptor a module declares, and the registry
 * that orders modules by their dependencies and runs their lifecycle.
 *
 * Lifecycle (see docs/architecture.md for how it maps onto nginx hooks):
 *   configure  typed config from YAML and environment   (config time)
 *   init       module state, ClientHub publish/resolve   (config time)
 *   rest       REST operations declared (hs_api.h)        (config time)
 *   start      per worker process                        (init_process)
 *   stop       per worker, reverse order                 (exit_process)
 *   fini       per configuration cycle, reverse order    (cycle freed)
 * init and rest run under "nginx -t" too: they must not do I/O.
 */

#ifndef HS_MODULE_H
#define HS_MODULE_H

#include <time.h>
#include <jansson.h>
#include "hs_base.h"
#include "hs_config.h"
#include "hs_clienthub.h"
#include "hs_router.h"
#include "hs_api.h"

/* Bumped when hs_module_desc_t or hs_module_ctx_t change layout. */
#define HS_MODULE_ABI  4

#define HS_MODULE_MAX_DEPS  16

enum {
    HS_CAP_REST     = 0x01,   /* registers REST operations */
    HS_CAP_CLIENT   = 0x02,   /* publishes ClientHub clients */
    HS_CAP_WORKER   = 0x04,   /* has per-worker start/stop */
    HS_CAP_DB       = 0x08    /* uses the database */
};

typedef enum {
    HS_MODULE_REGISTERED = 0,
    HS_MODULE_CONFIGURED,
    HS_MODULE_INITIALIZED,
    HS_MODULE_RUNNING,
    HS_MODULE_STOPPED,
    HS_MODULE_FAILED
} hs_module_state_t;

typedef struct hs_module_ctx_s   hs_module_ctx_t;
typedef struct hs_registry_s     hs_registry_t;
typedef struct hs_db_s           hs_db_t;

typedef struct {
    uint32_t                  abi;           /* HS_MODULE_ABI */
    const char               *name;          /* snake_case, unique */
    const char               *version;       /* semver */
    const char               *description;
    const char *const        *deps;          /* NULL-terminated or NULL;
                                                "a|b": one of them at
                                                least (after each loaded
                                                one) */
    unsigned                  capabilities;  /* HS_CAP_* */
    const hs_config_field_t  *config;        /* may be NULL */
    size_t                    config_size;   /* sizeof the typed struct */

    hs_rc_t  (*init)(hs_module_ctx_t *ctx);
    hs_rc_t  (*rest)(hs_module_ctx_t *ctx, hs_api_t *api);
    hs_rc_t  (*start)(hs_module_ctx_t *ctx);
    void     (*stop)(hs_module_ctx_t *ctx);
    void     (*fini)(hs_module_ctx_t *ctx);
} hs_module_desc_t;

/* What a module's callbacks receive; one per module per cycle. */
struct hs_module_ctx_s {
    const hs_module_desc_t  *desc;
    const void              *config;     /* the typed config struct */
    void                    *data;       /* the module's own state */
    hs_clienthub_t          *hub;
    hs_db_t                 *db;         /* the cycle's database, or NULL */
    const hs_log_t          *log;
    hs_error_t              *err;        /* init/rest/start failure text */
    hs_module_state_t        state;
};

HS_API hs_registry_t *hs_registry_create(const hs_log_t *log);
/* The database every module's ctx->db points at (may be NULL). */
HS_API void hs_registry_set_db(hs_registry_t *reg, hs_db_t *db);
/* The names of the modules with HS_CAP_DB, in dependency order. */
HS_API size_t hs_registry_db_modules(const hs_registry_t *reg,
    const char **names, size_t max);
/* Runs fini of initialized modules (reverse order), then frees. */
HS_API void hs_registry_destroy(hs_registry_t *reg);

/* Fails on ABI mismatch, a bad name or version, or a duplicate name. */
HS_API hs_rc_t hs_registry_add(hs_registry_t *reg,
    const hs_module_desc_t *desc, const char *origin, hs_error_t *err);

/*
 * Orders modules so that every module comes after its dependencies
 * (registration order among independent ones). Fails on a missing
 * dependency or a cycle, naming the modules.
 */
HS_API hs_rc_t hs_registry_order(hs_registry_t *reg, hs_error_t *err);

/*
 * Applies the "modules" mapping of the YAML document (may be NULL) and
 * the environment to every module's typed config.
 */
HS_API hs_rc_t hs_registry_configure(hs_registry_t *reg,
    const hs_yaml_doc_t *doc, hs_getenv_pt getenv_fn, void *getenv_data,
    hs_error_t *err);

/* init for every module in order, then rest; fini on failure. */
HS_API hs_rc_t hs_registry_init(hs_registry_t *reg, hs_api_t *api,
    hs_error_t *err);

/* Per worker. start failures mark the module failed and return HS_ERROR. */
HS_API hs_rc_t hs_registry_start(hs_registry_t *reg, hs_error_t *err);
HS_API void hs_registry_stop(hs_registry_t *reg);

HS_API size_t hs_registry_count(const hs_registry_t *reg);
HS_API hs_module_ctx_t *hs_registry_module(const hs_registry_t *reg,
    size_t i);
HS_API hs_module_ctx_t *hs_registry_find(const hs_registry_t *reg,
    const char *name);
HS_API hs_clienthub_t *hs_registry_hub(const hs_registry_t *reg);
HS_API const char *hs_module_state_name(hs_module_state_t state);

/*
 * Health document: {"status", "timestamp", "modules": [{"name",
 * "version", "state"}]}; status is "healthy" when every module runs.
 */
HS_API json_t *hs_registry_health(const hs_registry_t *reg, time_t now);

/*
 * Announcements: HyperSpot modules announce themselves while nginx reads
 * its configuration; the core opens the announcement window for a cycle
 * before them and takes the list after them.
 */
HS_API void hs_announce_open(const void *cycle);
HS_API hs_rc_t hs_announce(const void *cycle, const hs_module_desc_t *desc,
    const char *origin, hs_error_t *err);
/* Closes the window; returns the announced descriptors in order. */
HS_API size_t hs_announce_take(const void *cycle,
    const hs_module_desc_t ***descs, const char ***origins);

#endif /* HS_MODULE_H */
