/*
 * SecurityCtx: who makes a request, built once per request on the event
 * loop and immutable afterwards. Every service and every database call
 * takes it; the tenant-scoped query API (hs_repo.h) adds its tenant to
 * every statement.
 */

#ifndef HS_SECCTX_H
#define HS_SECCTX_H

#include "hs_base.h"

#define HS_UUID_LEN          36
#define HS_SUBJECT_MAX       128    /* bytes of a subject id */
#define HS_SEC_ROLES_MAX     255    /* bytes of the role list */
#define HS_SEC_PERM_WORDS    4      /* 256 permissions (hs_rbac.h) */

typedef struct {
    char      tenant_id[HS_UUID_LEN + 1];   /* lower-case uuid */
    char      subject_id[HS_SUBJECT_MAX + 1];  /* a uuid in lower case, or
                                                 the token's opaque "sub" */
    char      auth_method[16];              /* "dev", "jwt", "api_key" */
    char      key_id[33];                   /* the API key, "api_key" */
    char      roles[HS_SEC_ROLES_MAX + 1];  /* granted roles,
                                               comma-separated */
    uint64_t  perms[HS_SEC_PERM_WORDS];     /* granted permissions: bits
                                               of the cycle's permission
                                               table (hs_rbac.h) */
} hs_secctx_t;

/*
 * The platform tenant: data that belongs to no customer tenant (the GTS
 * types registry) is kept under the nil UUID, which tenant ids (v4, v7)
 * never are. A module reaches it with its own context
 * (hs_secctx_platform()), never with a request's.
 */
#define HS_PLATFORM_TENANT_ID  "00000000-0000-0000-0000-000000000000"

/* 1: s (len bytes) is a uuid 8-4-4-4-12 of hex digits (any case). */
HS_API int hs_uuid_valid(const char *s, size_t len);

/* Copies a valid uuid in lower case into out (HS_UUID_LEN + 1 bytes). */
HS_API hs_rc_t hs_uuid_normalize(const char *s, size_t len, char *out);

/* A new time-ordered UUID (RFC 9562 version 7), lower case. */
HS_API void hs_uuid_v7(char *out);

/* The current time as RFC 3339 UTC with milliseconds. */
HS_API void hs_now_rfc3339(char *out, size_t size);

/*
 * The process-wide key that signs list cursors (HMAC): set once by the
 * core in the master, so every worker (and every reload) accepts the
 * cursors of the others; 32 random bytes when never set.
 */
HS_API void hs_cursor_key_set(const unsigned char *key, size_t len);
HS_API const unsigned char *hs_cursor_key(size_t *len);

/*
 * A context for a tenant (a uuid) and a subject (a uuid, stored in lower
 * case, or any other 1..HS_SUBJECT_MAX printable ASCII characters), with
 * no roles or permissions yet. HS_EINVAL when either is malformed.
 */
HS_API hs_rc_t hs_secctx_init(hs_secctx_t *sec, const char *tenant,
    size_t tenant_len, const char *subject, size_t subject_len,
    const char *auth_method);

/*
 * A context for the platform tenant, acting as subject (a module name),
 * auth_method "internal"; no roles or permissions.
 */
HS_API hs_rc_t hs_secctx_platform(hs_secctx_t *sec, const char *subject);

/* 1: s (len bytes) may be a subject id (see hs_secctx_init()). */
HS_API int hs_subject_valid(const char *s, size_t len);

#endif /* HS_SECCTX_H */
