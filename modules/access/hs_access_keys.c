/*
 * API keys: /access/v1/api-keys and the gate that accepts them.
 *
 * A key's row keeps its name, its creator, the permissions it grants
 * (fixed at creation: the names of the permissions its patterns matched,
 * all held by the creator), its optional expiry and, once revoked, when
 * and by whom. The key itself is shown once, in the answer to its
 * creation; the row keeps HMAC-SHA-256 of it with a per-key salt.
 *
 * A request with a key acts as the subject "api_key:<key id>" of the
 * key's tenant, with the key's permissions (and the roles stored for that
 * subject, if an administrator assigned any).
 */

#include <string.h>

#include <openssl/crypto.h>

#include <hs_modkit.h>

#include "hs_access.h"


/* Everything a client may see of a key, and filter or sort by. */
#define HS_ACCESS_KEY_FIELDS                                                  \
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT       \
      | HS_OD_NOTNULL },                                                      \
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },                   \
    { "name", "name", HS_OD_STRING,                                           \
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },             \
    { "created_by", "created_by", HS_OD_STRING,                               \
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },             \
    { "permissions", "permissions", HS_OD_STRING, HS_OD_SELECT },             \
    { "expires_at", "expires_at", HS_OD_DATETIME,                             \
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT },                             \
    { "revoked_at", "revoked_at", HS_OD_DATETIME,                             \
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT },                             \
    { "revoked_by", "revoked_by", HS_OD_STRING, HS_OD_FILTER | HS_OD_SELECT },\
    { "created_at", "created_at", HS_OD_DATETIME,                             \
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },             \
    { "updated_at", "updated_at", HS_OD_DATETIME,                             \
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL }

static const hs_od_field_t  hs_access_key_fields[] = {
    HS_ACCESS_KEY_FIELDS,
    { NULL, NULL, 0, 0 }
};

/* The same rows with the hash: for creation and the gate only. */
static const hs_od_field_t  hs_access_key_secret_fields[] = {
    HS_ACCESS_KEY_FIELDS,
    { "secret_hash", "secret_hash", HS_OD_STRING, 0 },
    { "salt", "salt", HS_OD_STRING, 0 },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  hs_access_keys = {
    "access_api_keys", "API key", hs_access_key_fields
};

static const hs_repo_table_t  hs_access_key_secrets = {
    "access_api_keys", "API key", hs_access_key_secret_fields
};


/* The stored permissions (JSON text) of a row as an array, in place. */
static hs_rc_t
hs_access_key_row(json_t *row)
{
    json_t      *v, *a;
    const char  *s;

    json_object_del(row, "secret_hash");
    json_object_del(row, "salt");

    v = json_object_get(row, "permissions");
    if (v == NULL) {
        return HS_OK;                   /* not $select-ed */
    }

    s = json_string_value(v);
    a = s ? json_loads(s, 0, NULL) : NULL;

    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }

    return a != NULL && json_object_set_new(row, "permissions", a) == 0
           ? HS_OK : HS_ENOMEM;
}


/* A 422 problem with one more field error (p may be NULL). */
static hs_problem_t *
hs_access_invalid(hs_problem_t *p, const char *field, const char *code,
    const char *message)
{
    if (p == NULL) {
        p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED, "the key's "
                           "permissions are not valid");
    }

    if (p != NULL) {
        hs_problem_add_error(p, field, code, message);
    }

    return p;
}


/*
 * What a new key grants: the permissions its patterns match, each held
 * by the caller, or everything the caller holds. HS_OK, with a problem
 * in the call when the patterns are refused.
 */
static hs_rc_t
hs_access_key_grants(hs_call_t *call, const hs_rbac_t *rb,
    const json_t *patterns, uint64_t *grants)
{
    int            any;
    char           field[48];
    char          *text;
    size_t         i, w;
    json_t        *item, *names;
    uint64_t       lack[HS_SEC_PERM_WORDS];
    hs_secctx_t    one;
    hs_problem_t  *p;

    if (patterns == NULL) {
        memcpy(grants, call->sec.perms, sizeof(call->sec.perms));
        return HS_OK;
    }

    memset(grants, 0, sizeof(call->sec.perms));
    memset(lack, 0, sizeof(lack));
    p = NULL;

    json_array_foreach(patterns, i, item) {
        memset(&one, 0, sizeof(hs_secctx_t));
        snprintf(field, sizeof(field), "permissions.%zu", i);

        if (!hs_rbac_grant_pattern(rb, &one, json_string_value(item),
                                   json_string_length(item)))
        {
            p = hs_access_invalid(p, field, "pattern", "must be "
                                  "resource:action, resource:*, *:action "
                                  "or *");
            continue;
        }

        for (w = 0, any = 0; w < HS_SEC_PERM_WORDS; w++) {
            grants[w] |= one.perms[w];
            lack[w] |= one.perms[w] & ~call->sec.perms[w];
            any |= one.perms[w] != 0;
        }

        if (!any) {
            p = hs_access_invalid(p, field, "unknown", "matches no "
                                  "permission of this platform");
        }
    }

    if (p != NULL) {
        return hs_call_fail(call, p);
    }

    for (w = 0, any = 0; w < HS_SEC_PERM_WORDS; w++) {
        any |= lack[w] != 0;
    }

    if (!any) {
        return HS_OK;
    }

    /* a key never grants more than its creator holds */
    names = hs_access_perm_names(rb, lack);
    text = names ? hs_json_dump(names, NULL) : NULL;
    json_decref(names);

    hs_call_audit(call, "api_key.created", "denied", NULL, "the key would "
                  "grant %s, which the creator does not hold",
                  text ? text : "permissions");
    hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN, "a key cannot "
                                      "grant permissions its creator does "
                                      "not hold: %s",
                                      text ? text : "(several)"));
    hs_free(text);

    return HS_OK;
}


/* ---------------------------------------------------------- handlers */

hs_rc_t
hs_access_keys_create(hs_call_t *call)
{
    char              id[HS_UUID_LEN + 1], now[40];
    char              expires[HS_ACCESS_TIME_LEN + 1];
    char              key[HS_ACCESS_KEY_LEN + 1];
    char              salt[2 * HS_ACCESS_SALT_BYTES + 1];
    char              hash[2 * HS_ACCESS_HASH_BYTES + 1];
    char             *perms;
    json_t           *body, *v, *names, *values, *row;
    hs_rc_t           rc;
    uint64_t          grants[HS_SEC_PERM_WORDS];
    hs_error_t        err;
    hs_problem_t     *p;
    const hs_rbac_t  *rb;
    hs_access_t      *ac = call->module_data;

    body = hs_call_json(call);
    rb = hs_api_rbac(call->api);

    if (strcmp(call->sec.auth_method, "api_key") == 0) {
        hs_call_audit(call, "api_key.created", "denied", NULL, "an API key "
                      "may not create API keys");
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN,
                   "API keys are created with a user's credentials, not "
                   "with another API key"));
    }

    rc = hs_access_key_grants(call, rb, json_object_get(body, "permissions"),
                              grants);
    if (rc != HS_OK || call->problem != NULL) {
        return rc;
    }

    v = json_object_get(body, "expires_at");
    expires[0] = '\0';

    if (json_is_string(v)) {
        hs_now_rfc3339(now, sizeof(now));

        if (hs_access_time_normalize(json_string_value(v), expires) != HS_OK
            || strcmp(expires, now) <= 0)
        {
            p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED, "expires_at "
                               "must be a date-time in the future");
            if (p != NULL) {
                hs_problem_add_error(p, "expires_at", "future", "must be "
                                     "in the future");
            }

            return hs_call_fail(call, p);
        }
    }

    names = hs_access_perm_names(rb, grants);
    perms = names ? hs_json_dump(names, NULL) : NULL;
    json_decref(names);

    hs_uuid_v7(id);

    if (perms == NULL
        || hs_access_key_new(call->sec.tenant_id, id, key, salt, hash)
           != HS_OK)
    {
        hs_free(perms);
        hs_log(call->log, HS_LOG_ERR, "access: a new API key could not be "
               "made (random generator or out of memory)");
        return HS_ERROR;
    }

    values = json_pack("{s:s, s:O, s:s, s:s, s:s*, s:s, s:s}",
                       "id", id, "name", json_object_get(body, "name"),
                       "created_by", call->sec.subject_id,
                       "permissions", perms,
                       "expires_at", expires[0] ? expires : NULL,
                       "secret_hash", hash, "salt", salt);
    hs_free(perms);

    row = NULL;
    rc = values ? hs_repo_create(ac->db, &call->sec, &hs_access_key_secrets,
                                 values, &row, &err)
                : HS_ENOMEM;
    json_decref(values);

    if (rc != HS_OK) {
        OPENSSL_cleanse(key, sizeof(key));
        return rc == HS_ENOMEM ? rc : hs_access_fail(call, rc, &err,
                                                     "API key");
    }

    rc = hs_access_key_row(row);
    if (rc == HS_OK && json_object_set_new(row, "key", json_string(key))
                       != 0)
    {
        rc = HS_ENOMEM;
    }

    OPENSSL_cleanse(key, sizeof(key));

    if (rc != HS_OK) {
        json_decref(row);
        return rc;
    }

    hs_call_audit(call, "api_key.created", "success", id, "API key \"%s\" "
                  "expiring %s", json_string_value(json_object_get(row,
                                                                   "name")),
                  expires[0] ? expires : "never");
    hs_call_set_location(call, "%s/%s", call->path, id);

    return hs_call_reply(call, 201, row);
}


hs_rc_t
hs_access_keys_list(hs_call_t *call)
{
    size_t          i;
    json_t         *row;
    hs_rc_t         rc;
    hs_repo_page_t  page;

    rc = hs_access_list_page(call, &hs_access_keys, &page);
    if (rc != HS_OK || call->problem != NULL) {
        return rc;
    }

    json_array_foreach(page.items, i, row) {
        if (hs_access_key_row(row) != HS_OK) {
            hs_repo_page_release(&page);
            return HS_ENOMEM;
        }
    }

    rc = hs_call_reply(call, 200, hs_repo_page_json(&page));
    hs_repo_page_release(&page);

    return rc;
}


hs_rc_t
hs_access_keys_get(hs_call_t *call)
{
    json_t       *row;
    hs_rc_t       rc;
    hs_error_t    err;
    hs_access_t  *ac = call->module_data;

    rc = hs_repo_get(ac->db, &call->sec, &hs_access_keys,
                     hs_call_param(call, "id"), &row, &err);
    if (rc != HS_OK) {
        return hs_access_fail(call, rc, &err, "API key");
    }

    if (hs_access_key_row(row) != HS_OK) {
        json_decref(row);
        return HS_ENOMEM;
    }

    return hs_call_reply(call, 200, row);
}


hs_rc_t
hs_access_keys_revoke(hs_call_t *call)
{
    char          now[40];
    json_t       *row, *changes;
    hs_rc_t       rc;
    hs_error_t    err;
    const char   *id;
    hs_access_t  *ac = call->module_data;

    id = hs_call_param(call, "id");

    rc = hs_repo_get(ac->db, &call->sec, &hs_access_keys, id, &row, &err);
    if (rc != HS_OK) {
        return hs_access_fail(call, rc, &err, "API key");
    }

    if (json_is_string(json_object_get(row, "revoked_at"))) {
        json_decref(row);
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                                                 "the API key is revoked "
                                                 "already"));
    }

    json_decref(row);
    hs_now_rfc3339(now, sizeof(now));

    changes = json_pack("{s:s, s:s}", "revoked_at", now,
                        "revoked_by", call->sec.subject_id);
    if (changes == NULL) {
        return HS_ENOMEM;
    }

    rc = hs_repo_update(ac->db, &call->sec, &hs_access_keys, id, changes,
                        NULL, &err);
    json_decref(changes);

    if (rc != HS_OK) {
        return hs_access_fail(call, rc, &err, "API key");
    }

    hs_call_audit(call, "api_key.revoked", "success", id, "API key revoked");

    return hs_call_reply(call, 204, NULL);
}


/* -------------------------------------------------------------- gate */

/* Spent on keys without a row, so that they take as long as the others. */
static const char  hs_access_dummy_salt[] =
    "00000000000000000000000000000000";
static const char  hs_access_dummy_hash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";


/*
 * HS_GATE_AUTHENTICATE: a key presented in the API key header becomes
 * the SecurityCtx. Every refusal (not our format, no such key in that
 * tenant, wrong secret, revoked, expired) is the same 401; the reason
 * goes to the audit trail only.
 */
hs_rc_t
hs_access_authenticate(hs_call_t *call, void *data)
{
    char                 subject[sizeof(HS_ACCESS_KEY_SUBJECT)
                                 + HS_UUID_LEN];
    char                 now[40];
    size_t               len, i;
    json_t              *row, *perms, *item;
    hs_rc_t              rc;
    hs_error_t           err;
    hs_secctx_t          sec;
    const char          *why, *v, *salt, *hash;
    const hs_rbac_t     *rb;
    hs_access_key_ref_t  ref;
    hs_access_t         *ac = data;

    if (call->api_key == NULL) {
        return HS_OK;
    }

    len = strlen(call->api_key);
    row = NULL;

    if (hs_access_key_parse(call->api_key, len, &ref) != HS_OK) {
        ref.key_id[0] = '\0';
        ref.tenant_id[0] = '\0';
        why = "not an API key of this platform";
        goto refuse;
    }

    snprintf(subject, sizeof(subject), HS_ACCESS_KEY_SUBJECT "%s", ref.id);

    if (hs_secctx_init(&sec, ref.tenant_id, HS_UUID_LEN, subject,
                       strlen(subject), "api_key")
        != HS_OK)
    {
        why = "malformed tenant or key id";
        goto refuse;
    }

    rc = hs_repo_get(ac->db, &sec, &hs_access_key_secrets, ref.id, &row,
                     &err);

    if (rc == HS_ENOTFOUND) {
        (void) hs_access_key_matches(call->api_key, len,
                                     hs_access_dummy_salt,
                                     hs_access_dummy_hash);
        why = "no such key in the tenant";
        goto refuse;
    }

    if (rc != HS_OK) {
        return hs_access_gate_fail(call, rc, &err, "an API key");
    }

    salt = json_string_value(json_object_get(row, "salt"));
    hash = json_string_value(json_object_get(row, "secret_hash"));

    if (!hs_access_key_matches(call->api_key, len, salt, hash)) {
        why = "wrong secret";
        goto refuse;
    }

    if (json_is_string(json_object_get(row, "revoked_at"))) {
        why = "revoked";
        goto refuse;
    }

    hs_now_rfc3339(now, sizeof(now));
    v = json_string_value(json_object_get(row, "expires_at"));

    if (v != NULL && strcmp(v, now) <= 0) {
        why = "expired";
        goto refuse;
    }

    rb = hs_api_rbac(call->api);
    v = json_string_value(json_object_get(row, "permissions"));
    perms = v ? json_loads(v, 0, NULL) : NULL;

    json_array_foreach(perms, i, item) {
        hs_rbac_grant_pattern(rb, &sec, json_string_value(item),
                              json_string_length(item));
    }

    json_decref(perms);
    json_decref(row);

    memcpy(sec.key_id, ref.key_id, sizeof(sec.key_id));
    call->sec = sec;

    return HS_OK;

refuse:

    json_decref(row);

    hs_call_audit(call, "api_key.rejected", "failure",
                  ref.key_id[0] ? ref.key_id : NULL, "%s (tenant %s)", why,
                  ref.tenant_id[0] ? ref.tenant_id : "-");

    return hs_call_fail(call, hs_problem_new(HS_PROBLEM_UNAUTHORIZED,
                                             "the API key is not valid"));
}
