/*
 * types_registry: the worker's registry and its persistence.
 *
 * Tables (migrations/types_registry/), under the platform tenant:
 *   types_registry_entities  one row per entity: its DTO uuid, GTS id,
 *                            kind and content (JSON text)
 *   types_registry_state     one row: the generation counter
 *
 * A registration adds the entity to the worker's registry (with every
 * check and validation), then the registry's add hook inserts the row
 * and increments the generation. Every request first reads the
 * generation (one indexed row); when it is not the one the worker's copy
 * was built at, the copy is rebuilt from the rows (plus the cycle's
 * plugin entities) and swapped in. A copy is built at the generation
 * read before its rows, so it holds at least what that generation
 * counts; a registration that inserted but did not yet increment is
 * seen at the next increment.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_types_registry.h"

#define HS_TYPES_REGISTRY_PAGE  "500"

static const hs_od_field_t  hs_types_registry_entity_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_SORT | HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, 0 },
    { "gts_id", "gts_id", HS_OD_STRING, HS_OD_NOTNULL },
    { "is_type", "is_type", HS_OD_BOOL, HS_OD_NOTNULL },
    { "content", "content", HS_OD_STRING, HS_OD_NOTNULL },
    { "created_at", "created_at", HS_OD_DATETIME, HS_OD_SORT | HS_OD_NOTNULL },
    { "updated_at", "updated_at", HS_OD_DATETIME, HS_OD_NOTNULL },
    { NULL, NULL, 0, 0 }
};

static const hs_od_field_t  hs_types_registry_state_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, 0 },
    { "generation", "generation", HS_OD_INT, HS_OD_NOTNULL },
    { "created_at", "created_at", HS_OD_DATETIME, HS_OD_NOTNULL },
    { "updated_at", "updated_at", HS_OD_DATETIME, HS_OD_NOTNULL },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  hs_types_registry_entities = {
    "types_registry_entities", "entity", hs_types_registry_entity_fields
};

static const hs_repo_table_t  hs_types_registry_state = {
    "types_registry_state", "state", hs_types_registry_state_fields
};


static hs_rc_t hs_types_registry_persist(void *data,
    const hs_gts_entity_t *e, hs_error_t *err);


void
hs_types_registry_uuid(const char *id, char *out)
{
    hs_error_t  err;

    if (hs_gts_uuid(id, out, &err) != HS_OK
        && hs_gts_uuid5(id, out, &err) != HS_OK)
    {
        /* hashing failed: the nil uuid, never a stored entity's */
        snprintf(out, HS_UUID_LEN + 1, "%s", HS_PLATFORM_TENANT_ID);
    }
}


hs_rc_t
hs_types_registry_unavailable(hs_call_t *call, hs_rc_t rc,
    const hs_error_t *err)
{
    if (rc == HS_EAGAIN) {
        return hs_call_fail(call, hs_problem_new(
                   HS_PROBLEM_SERVICE_UNAVAILABLE,
                   "the database is unavailable; retry later"));
    }

    hs_log(call->log, HS_LOG_ERR, "types_registry: %s (request id %s)",
           err->msg, call->request_id);

    return rc == HS_OK ? HS_ERROR : rc;
}


static hs_rc_t
hs_types_registry_generation(hs_types_registry_t *tr, int64_t *gen,
    hs_error_t *err)
{
    json_t   *row;
    hs_rc_t   rc;

    rc = hs_repo_get(tr->db, &tr->sec, &hs_types_registry_state,
                     HS_PLATFORM_TENANT_ID, &row, err);
    if (rc != HS_OK) {
        if (rc == HS_ENOTFOUND) {
            hs_error_set(err, "the generation row of types_registry_state "
                         "is missing (migration 0001)");
            rc = HS_ERROR;
        }
        return rc;
    }

    *gen = json_integer_value(json_object_get(row, "generation"));
    json_decref(row);

    return HS_OK;
}


/* hs_plugin_each_entity() callback: the cycle's plugin entities. */
static void
hs_types_registry_add_plugin(void *data, const json_t *doc)
{
    (void) hs_gts_registry_add(data, doc, 0, NULL, NULL);
}


static void
hs_types_registry_report(void *data, const char *id, const char *msg)
{
    hs_types_registry_t  *tr = data;

    /* registered without validation through the operations API */
    hs_log(tr->log, HS_LOG_DEBUG, "types_registry: %s does not validate: "
           "%s", id, msg);
}


/* One page of rows into reg; *cursor is the next page's or NULL. */
static hs_rc_t
hs_types_registry_load_page(hs_types_registry_t *tr, hs_gts_registry_t *reg,
    char **cursor, hs_error_t *err)
{
    size_t                i, keylen;
    json_t               *row, *doc;
    hs_rc_t               rc;
    hs_error_t            aerr;
    hs_problem_t         *p;
    hs_od_query_t        *q;
    hs_repo_page_t        page;
    const char           *text;
    const unsigned char  *key;
    hs_od_limits_t        lim;

    memset(&lim, 0, sizeof(lim));
    lim.max_limit = 1000;

    key = hs_cursor_key(&keylen);
    p = NULL;

    q = hs_od_parse(hs_types_registry_entity_fields, "id", NULL,
                    "created_at", NULL, HS_TYPES_REGISTRY_PAGE, *cursor,
                    &lim, key, keylen, &p);
    if (q == NULL) {
        hs_error_set(err, "types_registry: %s",
                     p && p->detail ? p->detail : "out of memory");
        hs_problem_free(p);
        return HS_ERROR;
    }

    rc = hs_repo_list(tr->db, &tr->sec, &hs_types_registry_entities, q,
                      *cursor != NULL, key, keylen, &page, err);
    hs_od_free(q);
    hs_free(*cursor);
    *cursor = NULL;

    if (rc != HS_OK) {
        return rc;
    }

    json_array_foreach(page.items, i, row) {
        text = json_string_value(json_object_get(row, "content"));
        doc = text ? json_loads(text, 0, NULL) : NULL;

        if (doc == NULL || hs_gts_registry_add(reg, doc, 0, NULL, &aerr)
                           != HS_OK)
        {
            hs_log(tr->log, HS_LOG_WARN, "types_registry: stored entity "
                   "%s is skipped: %s",
                   json_string_value(json_object_get(row, "gts_id")),
                   doc ? aerr.msg : "its content is not JSON");
        }

        json_decref(doc);
    }

    if (page.next_cursor != NULL) {
        *cursor = hs_strdup(page.next_cursor);
        rc = *cursor ? HS_OK : HS_ENOMEM;
    }

    hs_repo_page_release(&page);

    return rc;
}


/* A registry of the plugin entities and every stored entity. */
static hs_rc_t
hs_types_registry_build(hs_types_registry_t *tr, hs_gts_registry_t **out,
    hs_error_t *err)
{
    char               *cursor;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    reg = hs_gts_registry_create(NULL);
    if (reg == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    hs_plugin_each_entity(tr->hub, hs_types_registry_add_plugin, reg);

    cursor = NULL;

    do {
        rc = hs_types_registry_load_page(tr, reg, &cursor, err);
    } while (rc == HS_OK && cursor != NULL);

    if (rc != HS_OK) {
        hs_free(cursor);
        hs_gts_registry_destroy(reg);
        return rc;
    }

    /* compiles every schema: reads need no exclusive lock afterwards */
    hs_gts_registry_validate_all(reg, hs_types_registry_report, tr);
    hs_gts_registry_on_add(reg, hs_types_registry_persist, tr);

    *out = reg;

    return HS_OK;
}


hs_rc_t
hs_types_registry_acquire(hs_types_registry_t *tr, int write,
    hs_error_t *err)
{
    int64_t             gen, have;
    hs_rc_t             rc;
    hs_gts_registry_t  *reg;

    rc = hs_types_registry_generation(tr, &gen, err);
    if (rc != HS_OK) {
        return rc;
    }

    pthread_rwlock_rdlock(&tr->lock);
    have = tr->reg != NULL ? tr->generation : -1;
    pthread_rwlock_unlock(&tr->lock);

    if (have < gen) {
        /* built without the lock: readers go on meanwhile */
        rc = hs_types_registry_build(tr, &reg, err);
        if (rc != HS_OK) {
            return rc;
        }

        pthread_rwlock_wrlock(&tr->lock);

        if (tr->reg == NULL || tr->generation < gen) {
            hs_gts_registry_destroy(tr->reg);
            tr->reg = reg;
            tr->generation = gen;
            reg = NULL;
        }

        pthread_rwlock_unlock(&tr->lock);
        hs_gts_registry_destroy(reg);
    }

    if (write) {
        pthread_rwlock_wrlock(&tr->lock);
    } else {
        pthread_rwlock_rdlock(&tr->lock);
    }

    return HS_OK;
}


void
hs_types_registry_release(hs_types_registry_t *tr)
{
    pthread_rwlock_unlock(&tr->lock);
}


/*
 * Increments the generation. When the worker's copy holds what was just
 * stored (current) and the generation moved by this increment only, the
 * copy is up to date at the new generation.
 */
static void
hs_types_registry_bump(hs_types_registry_t *tr, int current)
{
    int64_t     gen;
    hs_error_t  err;

    if (hs_repo_incr(tr->db, &tr->sec, &hs_types_registry_state,
                     HS_PLATFORM_TENANT_ID, "generation", 1, &gen, &err)
        != HS_OK)
    {
        /* the row is stored: the next registration makes it visible */
        hs_log(tr->log, HS_LOG_ERR, "types_registry: the generation was "
               "not incremented: %s", err.msg);
        return;
    }

    if (current && gen == tr->generation + 1) {
        tr->generation = gen;
    }
}


/* The registry's add hook (under the exclusive lock): store e. */
static hs_rc_t
hs_types_registry_persist(void *data, const hs_gts_entity_t *e,
    hs_error_t *err)
{
    char                  uuid[HS_UUID_LEN + 1], *text;
    json_t               *row, *stored;
    hs_rc_t               rc;
    const char           *s;
    hs_types_registry_t  *tr = data;

    text = json_dumps(e->content, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    hs_types_registry_uuid(e->id, uuid);

    row = json_pack("{s:s, s:s, s:b, s:s}", "id", uuid, "gts_id", e->id,
                    "is_type", e->is_type, "content", text);
    free(text);

    if (row == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    rc = hs_repo_create(tr->db, &tr->sec, &hs_types_registry_entities, row,
                        NULL, err);
    json_decref(row);

    if (rc != HS_EEXIST) {
        if (rc == HS_OK) {
            hs_types_registry_bump(tr, 1);
        }
        return rc;
    }

    /* another worker stored the id since this one loaded its copy */
    rc = hs_repo_get_by(tr->db, &tr->sec, &hs_types_registry_entities,
                        "gts_id", e->id, &row, err);
    if (rc != HS_OK) {
        return rc == HS_ENOTFOUND ? HS_EEXIST : rc;
    }

    s = json_string_value(json_object_get(row, "content"));
    stored = s ? json_loads(s, 0, NULL) : NULL;
    rc = stored != NULL && json_equal(stored, e->content) ? HS_OK : HS_EEXIST;

    json_decref(stored);
    json_decref(row);

    /*
     * Either way the other worker's row becomes visible to every worker
     * even if that worker stopped before it incremented; this copy holds
     * the row only when the contents are the same.
     */
    hs_types_registry_bump(tr, rc == HS_OK);

    if (rc == HS_EEXIST) {
        hs_error_set(err, "%s is already registered with different content",
                     e->id);
    }

    return rc;
}
