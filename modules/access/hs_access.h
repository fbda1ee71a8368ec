/*
 * access: API keys and stored role assignments, per tenant.
 *
 *   hs_access.c        the descriptor, settings, operation table, gates
 *   hs_access_key.c    the key format, hashing, time stamps (nginx-free
 *                      and database-free: unit-tested)
 *   hs_access_keys.c   /access/v1/api-keys and the HS_GATE_AUTHENTICATE
 *                      gate that turns a presented key into a
 *                      SecurityCtx
 *   hs_access_roles.c  /access/v1/roles, /access/v1/role-assignments and
 *                      the HS_GATE_AUTHORIZE gate that adds a subject's
 *                      stored roles to every request
 */

#ifndef HS_ACCESS_H
#define HS_ACCESS_H

#include <hs_modkit.h>

#define HS_ACCESS_KEY_PREFIX     "hsk_"
#define HS_ACCESS_SECRET_BYTES   32
#define HS_ACCESS_SALT_BYTES     16
#define HS_ACCESS_HASH_BYTES     32
/* hsk_ + 32 hex (tenant) + _ + 32 hex (key id) + _ + 64 hex (secret) */
#define HS_ACCESS_KEY_LEN        (4 + 32 + 1 + 32 + 1                        \
                                  + 2 * HS_ACCESS_SECRET_BYTES)
#define HS_ACCESS_KEY_SUBJECT    "api_key:"  /* + the key's uuid */
#define HS_ACCESS_TIME_LEN       24          /* YYYY-MM-DDTHH:MM:SS.fffZ */

typedef struct {
    int64_t     max_page;          /* largest "limit" of a list */
    int64_t     default_page;      /* "limit" when none is given */
    int64_t     max_subject_roles; /* stored roles read per request */
} hs_access_conf_t;

typedef struct {
    hs_db_t                 *db;
    const hs_access_conf_t  *conf;
    hs_od_limits_t           limits;
} hs_access_t;

extern const hs_module_desc_t  hs_access_module_desc;

/* hs_access.c: shared by the handlers */
hs_rc_t hs_access_fail(hs_call_t *call, hs_rc_t rc, const hs_error_t *err,
    const char *what);
hs_rc_t hs_access_gate_fail(hs_call_t *call, hs_rc_t rc,
    const hs_error_t *err, const char *what);
hs_rc_t hs_access_list_page(hs_call_t *call, const hs_repo_table_t *t,
    hs_repo_page_t *page);
/* The caller's granted permissions, as a JSON array of names. */
json_t *hs_access_perm_names(const hs_rbac_t *rb, const uint64_t *perms);

/* hs_access_key.c */
typedef struct {
    char      tenant_id[HS_UUID_LEN + 1];
    char      id[HS_UUID_LEN + 1];
    char      key_id[33];          /* the id as 32 hex digits */
} hs_access_key_ref_t;

/*
 * A new key for a tenant and key id (uuids): key (HS_ACCESS_KEY_LEN + 1
 * bytes), a random salt and the salted hash of the key, both in hex
 * (2 * bytes + 1). HS_ERROR when the random generator fails.
 */
hs_rc_t hs_access_key_new(const char *tenant_id, const char *id, char *key,
    char *salt_hex, char *hash_hex);
/* Splits a presented key; HS_EINVAL when it is not of our format. */
hs_rc_t hs_access_key_parse(const char *key, size_t len,
    hs_access_key_ref_t *ref);
/* 1: HMAC-SHA-256(salt, key) equals hash (compared in constant time). */
int hs_access_key_matches(const char *key, size_t len, const char *salt_hex,
    const char *hash_hex);
/*
 * An RFC 3339 date-time as UTC text with milliseconds (the repository's
 * form, HS_ACCESS_TIME_LEN + 1 bytes); HS_EINVAL when malformed.
 */
hs_rc_t hs_access_time_normalize(const char *in, char *out);

/* hs_access_keys.c */
hs_rc_t hs_access_keys_create(hs_call_t *call);
hs_rc_t hs_access_keys_list(hs_call_t *call);
hs_rc_t hs_access_keys_get(hs_call_t *call);
hs_rc_t hs_access_keys_revoke(hs_call_t *call);
hs_rc_t hs_access_authenticate(hs_call_t *call, void *data);

/* hs_access_roles.c */
hs_rc_t hs_access_roles_list(hs_call_t *call);
hs_rc_t hs_access_assignments_create(hs_call_t *call);
hs_rc_t hs_access_assignments_list(hs_call_t *call);
hs_rc_t hs_access_assignments_get(hs_call_t *call);
hs_rc_t hs_access_assignments_delete(hs_call_t *call);
hs_rc_t hs_access_authorize(hs_call_t *call, void *data);

#endif /* HS_ACCESS_H */
