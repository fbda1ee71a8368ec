/*
 * types_registry: the GTS types registry of the platform.
 *
 *   hs_types_registry.c        descriptor, settings, init/rest/fini
 *   hs_types_registry_store.c  the worker's registry, persistence,
 *                              consistency across workers
 *   hs_types_registry_rest.c   HyperSpot's /types-registry/v1 API
 *   hs_types_registry_ops.c    the GTS operations API (spec 9.5)
 *
 * Every worker keeps the whole registry in memory (modkit's GTS
 * registry, hs_gts.h), guarded by a read-write lock: its pool threads
 * read it together and registrations take it alone. The entities are
 * stored in the database under the platform tenant; a generation
 * counter, incremented by every registration, tells each request
 * whether another worker (or host) registered something since this
 * worker loaded its copy, and the copy is then rebuilt.
 */

#ifndef HS_TYPES_REGISTRY_H
#define HS_TYPES_REGISTRY_H

#include <pthread.h>

#include <hs_modkit.h>

typedef struct {
    int       ops_api;              /* serve the GTS operations API */
    char     *ops_prefix;           /* its path prefix, e.g. "/gts" */
    char     *ops_read_access;      /* access rule of its reads */
    char     *ops_write_access;     /* and of its registrations */
    int64_t   max_entities;         /* per registration request */
} hs_types_registry_conf_t;

typedef struct {
    pthread_rwlock_t                 lock;
    hs_gts_registry_t               *reg;         /* NULL: not loaded */
    int64_t                          generation;  /* of reg */
    hs_db_t                         *db;
    hs_clienthub_t                  *hub;         /* plugins */
    const hs_log_t                  *log;
    hs_secctx_t                      sec;         /* the platform tenant */
    const hs_types_registry_conf_t  *conf;
    hs_route_t                      *ops;         /* the operations API */
    size_t                           nops;
    char                            *ops_paths;
} hs_types_registry_t;

extern const hs_module_desc_t  hs_types_registry_module_desc;

/* hs_types_registry_store.c */

/*
 * Brings the worker's registry up to date with the database (a reload
 * when another worker registered since); then takes the lock, shared
 * (write 0) or exclusive (write 1). HS_EAGAIN: the database is
 * unavailable (no lock is held then).
 */
hs_rc_t hs_types_registry_acquire(hs_types_registry_t *tr, int write,
    hs_error_t *err);
void hs_types_registry_release(hs_types_registry_t *tr);

/*
 * The DTO's deterministic UUID of an entity id: OP#5 for a GTS
 * identifier, the same UUID v5 of the string for an anonymous id.
 */
void hs_types_registry_uuid(const char *id, char *out);

/* A 503 or 500 problem for an acquire/registration failure. */
hs_rc_t hs_types_registry_unavailable(hs_call_t *call, hs_rc_t rc,
    const hs_error_t *err);

/* hs_types_registry_rest.c and hs_types_registry_ops.c */
hs_rc_t hs_types_registry_rest_add(hs_module_ctx_t *ctx, hs_api_t *api);
hs_rc_t hs_types_registry_ops_build(hs_types_registry_t *tr,
    hs_error_t *err);
void hs_types_registry_ops_free(hs_types_registry_t *tr);

#endif /* HS_TYPES_REGISTRY_H */
