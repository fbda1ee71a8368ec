/*
 * audit: the audit trail. The API's audit sink stores every event the
 * core and the modules report, per tenant; tenant administrators read
 * their own tenant's events (GET only: nothing can change them through
 * the API).
 */

#ifndef HS_AUDIT_H
#define HS_AUDIT_H

#include <hs_modkit.h>

/*
 * The tenant of events that have none (credentials refused before a
 * tenant was known): no tenant can read it through the API.
 */
#define HS_AUDIT_NO_TENANT  "00000000-0000-0000-0000-000000000000"

typedef struct {
    hs_repo_page_conf_t     page;  /* max_page, default_page */
} hs_audit_conf_t;

typedef struct {
    hs_db_t                *db;
    const hs_log_t         *log;
    const hs_audit_conf_t  *conf;
    hs_od_limits_t          limits;
} hs_audit_t;

extern const hs_module_desc_t  hs_audit_module_desc;
extern const hs_repo_table_t   hs_audit_events;

/* hs_audit_store.c: the audit sink (hs_audit_pt), on pool threads */
hs_rc_t hs_audit_store(void *data, const hs_audit_event_t *ev);

/* hs_audit_rest.c */
hs_rc_t hs_audit_add_operations(hs_module_ctx_t *ctx, hs_api_t *api);

#endif /* HS_AUDIT_H */
