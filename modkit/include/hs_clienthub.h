/*
 * ClientHub: typed clients published by one module and resolved by
 * another. A client is an API table (a struct of function pointers and a
 * self pointer) identified by an interface name and a version, optionally
 * scoped (for example by a plugin's GTS instance id).
 *
 * Compatibility: same major version, and the published minor version is
 * at least the one required; the published table is at least as large as
 * the table the caller was compiled against.
 */

#ifndef HS_CLIENTHUB_H
#define HS_CLIENTHUB_H

#include "hs_base.h"

typedef struct hs_clienthub_s  hs_clienthub_t;

typedef struct {
    const char  *name;      /* interface, e.g. "hs.calculator.api" */
    unsigned     major;
    unsigned     minor;
    const char  *scope;     /* NULL: unscoped */
    const char  *provider;  /* publishing module */
    const void  *api;
    size_t       api_size;
} hs_client_info_t;

HS_API hs_clienthub_t *hs_clienthub_create(void);
HS_API void hs_clienthub_destroy(hs_clienthub_t *hub);

HS_API hs_rc_t hs_clienthub_publish(hs_clienthub_t *hub,
    const char *provider, const char *name, unsigned major, unsigned minor,
    const char *scope, const void *api, size_t api_size, hs_error_t *err);

/*
 * Resolves a client for the module "consumer"; on failure err says what
 * was asked for and what is published instead.
 */
HS_API hs_rc_t hs_clienthub_resolve(hs_clienthub_t *hub,
    const char *consumer, const char *name, unsigned major,
    unsigned min_minor, const char *scope, size_t api_size,
    const void **api, hs_error_t *err);

/* Calls fn for each published client of the interface (any scope). */
HS_API size_t hs_clienthub_each(hs_clienthub_t *hub, const char *name,
    void (*fn)(const hs_client_info_t *info, void *data), void *data);

#endif /* HS_CLIENTHUB_H */
