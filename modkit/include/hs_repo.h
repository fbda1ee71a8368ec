/*
 * The tenant-scoped query API: the only way module code reaches the
 * database. Every call takes the request's SecurityCtx; selects, updates
 * and deletes always carry "tenant_id = <the context's tenant>" (the
 * hs_repo_tree_*() calls: the subtree predicate described below),
 * inserts are stamped with it. Module code never writes SQL: a table is
 * declared as data (hs_repo_table_t), rows travel as JSON objects keyed
 * by the declared field names, and lists take a parsed OData query.
 *
 * Every table has the columns id (uuid, text), tenant_id (uuid, text),
 * created_at and updated_at (RFC 3339 UTC text, see hs_now_rfc3339()),
 * managed here, with the primary key (tenant_id, id). Declare them in the
 * field table under these names (to expose, filter and sort them) with
 * columns of the same names.
 *
 * Return codes: HS_OK; HS_ENOTFOUND (no such row in this tenant: another
 * tenant's ids look exactly like missing ones); HS_EEXIST (a unique
 * constraint); HS_EAGAIN (the database is unavailable: answer 503);
 * HS_EINVAL (a value does not fit its field); HS_ERROR.
 */

#ifndef HS_REPO_H
#define HS_REPO_H

#include <jansson.h>
#include "hs_base.h"
#include "hs_db.h"
#include "hs_odata.h"
#include "hs_secctx.h"

typedef struct {
    const char           *table;      /* SQL table name (trusted) */
    const char           *resource;   /* "user": for messages */
    const hs_od_field_t  *fields;     /* every exposed field */
} hs_repo_table_t;

/*
 * The tenant hierarchy scope. A hierarchy table holds one row per tenant:
 * its id is the tenant's id, and its tenant_id is that same id (a tenant
 * owns its own row, so the plain tenant scope of the calls above sees
 * exactly the caller's own row). Besides the managed columns it has
 *
 *   parent   the parent's id; NULL for the root (one root per table)
 *   path     the materialized path "/<root id>/.../<own id>/"
 *   gate     the path of the nearest self-managed strict ancestor, ""
 *            when there is none
 *   barrier  boolean: the tenant is self-managed
 *   depth    integer: 0 for the root
 *
 * all set by hs_repo_tree_create*() and never changed afterwards
 * (updates skip them). The table needs UNIQUE (id) and UNIQUE (path);
 * on PostgreSQL path and gate are COLLATE "C".
 *
 * For a caller whose tenant is C, a tenant X is
 *
 *   visible  X is C or lies below C, and no self-managed tenant lies
 *            strictly between C and X (a self-managed tenant's own row
 *            is visible from above, nothing below it is);
 *   managed  visible, and X is C or X is not self-managed.
 *
 * The hs_repo_tree_*() calls are scoped by visibility instead of
 * "tenant_id = C". The predicate is computed inside each statement from
 * C's own row: a caller whose tenant has no row sees nothing.
 */
typedef struct {
    hs_repo_table_t   table;      /* the hierarchy table and its fields */
    const char       *parent;     /* column names, as above */
    const char       *path;
    const char       *gate;
    const char       *barrier;
    const char       *depth;
} hs_repo_tree_t;

typedef struct {
    json_t  *items;                   /* array of rows */
    char    *items_text;              /* or, from hs_repo_list_text(), the
                                         array as JSON text */
    size_t   items_len;
    char    *next_cursor;             /* NULL: no next page */
    char    *prev_cursor;             /* NULL: no previous page */
    size_t   limit;
} hs_repo_page_t;

HS_API hs_rc_t hs_repo_get(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, json_t **row,
    hs_error_t *err);

/*
 * hs_repo_get, the row as JSON text: what hs_json_dump() writes of the
 * object hs_repo_get() makes, without making it. *text is hs_alloc'ed.
 */
HS_API hs_rc_t hs_repo_get_text(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, char **text, size_t *len,
    hs_error_t *err);

/* The first row whose field equals value (text), in the tenant. */
HS_API hs_rc_t hs_repo_get_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    json_t **row, hs_error_t *err);

/*
 * Every row whose field equals value (text), in the tenant, by id, at
 * most max of them: *rows is a new JSON array (HS_OK with an empty one
 * when nothing matches). For a module's own lookups (the roles of a
 * subject), not for lists a client pages through (hs_repo_list).
 */
HS_API hs_rc_t hs_repo_find_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    size_t max, json_t **rows, hs_error_t *err);

/*
 * Inserts values (declared fields only; "id" optional: a UUID v7 is
 * generated; tenant_id, created_at, updated_at are set here).
 */
HS_API hs_rc_t hs_repo_create(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const json_t *values, json_t **row,
    hs_error_t *err);

/* Partial update: only the fields present in changes. */
HS_API hs_rc_t hs_repo_update(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, const json_t *changes,
    json_t **row, hs_error_t *err);

/* Creates or replaces the row whose field equals value; *created says. */
HS_API hs_rc_t hs_repo_put_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    const json_t *values, json_t **row, int *created, hs_error_t *err);

/*
 * Adds delta to the integer field of row id in one statement (a counter
 * that concurrent writers share, e.g. a generation number); *value (may
 * be NULL) is the field's new value. HS_ENOTFOUND: no such row.
 */
HS_API hs_rc_t hs_repo_incr(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, const char *field,
    int64_t delta, int64_t *value, hs_error_t *err);

HS_API hs_rc_t hs_repo_delete(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *id, hs_error_t *err);

HS_API hs_rc_t hs_repo_delete_by(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const char *field, const char *value,
    hs_error_t *err);

/*
 * A page of rows matching the parsed OData query, in the tenant;
 * from_cursor: the request came with a cursor (so a previous page
 * exists). key signs the page's cursors.
 */
HS_API hs_rc_t hs_repo_list(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const hs_od_query_t *q, int from_cursor,
    const unsigned char *key, size_t keylen, hs_repo_page_t *page,
    hs_error_t *err);
/*
 * hs_repo_list, the rows rendered as they are read: page->items_text
 * holds the array as JSON text (what hs_json_dump() writes of the items
 * hs_repo_list() makes) and page->items is NULL.
 */
HS_API hs_rc_t hs_repo_list_text(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_table_t *t, const hs_od_query_t *q, int from_cursor,
    const unsigned char *key, size_t keylen, hs_repo_page_t *page,
    hs_error_t *err);
HS_API void hs_repo_page_release(hs_repo_page_t *page);

/*
 * The hierarchy scope (hs_repo_tree_t).
 *
 * hs_repo_tree_get(): a tenant visible to the caller.
 *
 * hs_repo_tree_create() inserts a child of parent, a tenant the caller
 * manages, whose field match_field (NULL: no condition) equals
 * match_value ("status" = "active"), all checked inside the insert;
 * values as for hs_repo_create(), the barrier field among them.
 * HS_ENOTFOUND when there is no such parent for the caller.
 *
 * hs_repo_tree_create_root() inserts the root, as the tenant of sec
 * (which becomes its id); HS_EEXIST when the table has a root already.
 *
 * hs_repo_tree_update_if(): a partial update of a visible tenant whose
 * field still equals expected (text); HS_ENOTFOUND otherwise.
 *
 * hs_repo_tree_list() lists the tenants visible to the caller strictly
 * below under (its children only, with children = 1), a tenant the
 * caller manages (else the page is empty).
 */
HS_API hs_rc_t hs_repo_tree_get(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *id, json_t **row, hs_error_t *err);
HS_API hs_rc_t hs_repo_tree_create(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *parent, const char *match_field,
    const char *match_value, const json_t *values, json_t **row,
    hs_error_t *err);
HS_API hs_rc_t hs_repo_tree_create_root(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const json_t *values, json_t **row,
    hs_error_t *err);
HS_API hs_rc_t hs_repo_tree_update_if(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *id, const char *field,
    const char *expected, const json_t *changes, json_t **row,
    hs_error_t *err);
HS_API hs_rc_t hs_repo_tree_list(hs_db_t *db, const hs_secctx_t *sec,
    const hs_repo_tree_t *h, const char *under, int children,
    const hs_od_query_t *q, int from_cursor, const unsigned char *key,
    size_t keylen, hs_repo_page_t *page, hs_error_t *err);

/* {"items": [...], "page_info": {"next_cursor", "prev_cursor", "limit"}} */
HS_API json_t *hs_repo_page_json(hs_repo_page_t *page);

/*
 * The same envelope as JSON text (what hs_json_dump() writes of
 * hs_repo_page_json()), from items or items_text; hs_alloc'ed, NULL when
 * out of memory.
 */
HS_API char *hs_repo_page_text(const hs_repo_page_t *page, size_t *len);

#endif /* HS_REPO_H */
