/*
 * The audit sink: every event becomes one row of audit_events in the
 * event's tenant (HS_AUDIT_NO_TENANT when it has none), written through
 * the tenant-scoped repository on the pool thread that reports it.
 */

#include <string.h>

#include <hs_modkit.h>

#include "hs_audit.h"

/* bytes kept of each text (longer ones are cut, at a character) */
#define HS_AUDIT_ACTION_MAX    64
#define HS_AUDIT_OUTCOME_MAX   16
#define HS_AUDIT_METHOD_MAX    16
#define HS_AUDIT_SOURCE_MAX    64
#define HS_AUDIT_RESOURCE_MAX  1024
#define HS_AUDIT_DETAIL_MAX    2048


static const hs_od_field_t  hs_audit_event_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },
    { "time", "event_time", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "action", "action", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "outcome", "outcome", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "subject_id", "subject_id", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT },
    { "auth_method", "auth_method", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SELECT },
    { "request_id", "request_id", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SELECT },
    { "source", "source", HS_OD_STRING, HS_OD_FILTER | HS_OD_SELECT },
    { "resource", "resource", HS_OD_STRING, HS_OD_FILTER | HS_OD_SELECT },
    { "detail", "detail", HS_OD_STRING, HS_OD_SELECT },
    { NULL, NULL, 0, 0 }
};

const hs_repo_table_t  hs_audit_events = {
    "audit_events", "audit event", hs_audit_event_fields
};


/*
 * s cut to max bytes into buf (max + 1 bytes), made valid UTF-8, as a
 * JSON string; JSON null for NULL.
 */
static json_t *
hs_audit_text(const char *s, char *buf, size_t max)
{
    size_t  n;

    if (s == NULL) {
        return json_null();
    }

    n = strlen(s);
    if (n > max) {
        n = max;
    }

    memcpy(buf, s, n);
    buf[n] = '\0';

    /* a character cut in two becomes '?' */
    hs_utf8_sanitize(buf);

    return json_string(buf);
}


/* The texts of an event: row field, member, bytes kept, default. */
static const struct {
    const char  *name;
    size_t       offset;
    size_t       max;
    const char  *none;
} hs_audit_texts[] = {
    { "action", offsetof(hs_audit_event_t, action),
      HS_AUDIT_ACTION_MAX, "unknown" },
    { "outcome", offsetof(hs_audit_event_t, outcome),
      HS_AUDIT_OUTCOME_MAX, "unknown" },
    { "subject_id", offsetof(hs_audit_event_t, subject_id),
      HS_SUBJECT_MAX, NULL },
    { "auth_method", offsetof(hs_audit_event_t, auth_method),
      HS_AUDIT_METHOD_MAX, NULL },
    { "request_id", offsetof(hs_audit_event_t, request_id),
      HS_REQUEST_ID_MAX, NULL },
    { "source", offsetof(hs_audit_event_t, source),
      HS_AUDIT_SOURCE_MAX, NULL },
    { "resource", offsetof(hs_audit_event_t, resource),
      HS_AUDIT_RESOURCE_MAX, NULL },
    { "detail", offsetof(hs_audit_event_t, detail),
      HS_AUDIT_DETAIL_MAX, NULL },
};


/* The row of an event (a new reference), or NULL without memory. */
static json_t *
hs_audit_row(const hs_audit_event_t *ev)
{
    char         now[40], buf[HS_AUDIT_DETAIL_MAX + 1];
    size_t       i;
    json_t      *row;
    const char  *s;

    hs_now_rfc3339(now, sizeof(now));

    row = json_object();

    if (row == NULL || json_object_set_new(row, "time", json_string(now))) {
        json_decref(row);
        return NULL;
    }

    for (i = 0; i < hs_nelems(hs_audit_texts); i++) {
        s = *(const char *const *) ((const char *) ev
                                    + hs_audit_texts[i].offset);

        if (s == NULL || s[0] == '\0') {
            s = hs_audit_texts[i].none;
        }

        if (json_object_set_new(row, hs_audit_texts[i].name,
                                hs_audit_text(s, buf,
                                              hs_audit_texts[i].max))
            != 0)
        {
            json_decref(row);
            return NULL;
        }
    }

    return row;
}


hs_rc_t
hs_audit_store(void *data, const hs_audit_event_t *ev)
{
    json_t       *row;
    hs_rc_t       rc;
    hs_error_t    err;
    hs_secctx_t   sec;
    const char   *tenant;
    hs_audit_t   *au = data;

    tenant = ev->tenant_id;

    if (tenant == NULL || !hs_uuid_valid(tenant, strlen(tenant))) {
        tenant = HS_AUDIT_NO_TENANT;
    }

    /* the repository writes as the event's tenant */
    if (hs_secctx_init(&sec, tenant, strlen(tenant), "audit",
                       sizeof("audit") - 1, "audit")
        != HS_OK)
    {
        return HS_EINVAL;
    }

    row = hs_audit_row(ev);
    if (row == NULL) {
        hs_log(au->log, HS_LOG_ERR, "audit: out of memory storing an event");
        return HS_ENOMEM;
    }

    rc = hs_repo_create(au->db, &sec, &hs_audit_events, row, NULL, &err);
    json_decref(row);

    if (rc != HS_OK) {
        /* the caller logs the event itself (hs_call.c) */
        hs_log(au->log, HS_LOG_ERR, "audit: storing event \"%s\" of "
               "request %s failed: %s", ev->action ? ev->action : "-",
               ev->request_id ? ev->request_id : "-", err.msg);
    }

    return rc;
}
