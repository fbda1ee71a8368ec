/*
 * Role-based access control: the permission table of a cycle and the
 * roles that grant permissions.
 *
 * A permission is "resource:action" (lower case letters, digits, '_',
 * '-' and '.'; "users:read"). The table holds every permission that an
 * operation declares as its access rule, and those modules add for their
 * own checks. A role grants patterns: a permission, "resource:*",
 * "*:action" or "*" (everything). Patterns are matched against the table
 * once, when the table is finished, so that a SecurityCtx carries its
 * permissions as bits (hs_secctx_t.perms) and a check is a bit test.
 *
 * Roles come from the "security.roles" mapping of the YAML file
 * (docs/security.md). A table is read-only once finished: any thread may
 * use it.
 */

#ifndef HS_RBAC_H
#define HS_RBAC_H

#include <jansson.h>
#include "hs_base.h"
#include "hs_secctx.h"

#define HS_RBAC_MAX_PERMS  (HS_SEC_PERM_WORDS * 64)
#define HS_RBAC_NAME_MAX   64      /* bytes of a role or permission part */

typedef struct hs_rbac_s  hs_rbac_t;

HS_API hs_rbac_t *hs_rbac_create(void);
HS_API void hs_rbac_destroy(hs_rbac_t *rb);

/* 1: "resource:action". */
HS_API int hs_rbac_permission_valid(const char *s, size_t len);
/* 1: a permission, "resource:*", "*:action", "*:*" or "*". */
HS_API int hs_rbac_pattern_valid(const char *s, size_t len);
/* 1: a role name: 1..64 of [a-z0-9_.-]. */
HS_API int hs_rbac_role_valid(const char *s, size_t len);
/* 1: pattern (valid) grants perm. */
HS_API int hs_rbac_match(const char *pattern, size_t len, const char *perm);

/* Adds a permission to the table (again: no change). */
HS_API hs_rc_t hs_rbac_add_permission(hs_rbac_t *rb, const char *perm,
    hs_error_t *err);

/* Defines a role by its patterns (a JSON array of strings). */
HS_API hs_rc_t hs_rbac_add_role(hs_rbac_t *rb, const char *name,
    const json_t *patterns, hs_error_t *err);

/* Matches every role against the table; no additions afterwards. */
HS_API hs_rc_t hs_rbac_finish(hs_rbac_t *rb, hs_error_t *err);

/* The permission's bit, or -1 when the table does not have it. */
HS_API int hs_rbac_index(const hs_rbac_t *rb, const char *perm);
HS_API size_t hs_rbac_count(const hs_rbac_t *rb);
HS_API const char *hs_rbac_permission(const hs_rbac_t *rb, size_t i);

/* 1: the role is defined. */
HS_API int hs_rbac_has_role(const hs_rbac_t *rb, const char *role,
    size_t len);

/*
 * Grants a defined role (its permissions, and its name in sec->roles):
 * 1; an unknown role grants nothing: 0.
 */
HS_API int hs_rbac_grant_role(const hs_rbac_t *rb, hs_secctx_t *sec,
    const char *role, size_t len);

/* Grants what a pattern matches in the table; 0 for an invalid one. */
HS_API int hs_rbac_grant_pattern(const hs_rbac_t *rb, hs_secctx_t *sec,
    const char *pattern, size_t len);

/* 1: sec holds permission bit i. */
HS_API int hs_secctx_has(const hs_secctx_t *sec, int i);

/* 1: sec holds perm (which must be in the table). */
HS_API int hs_rbac_allows(const hs_rbac_t *rb, const hs_secctx_t *sec,
    const char *perm);

/* {"roles": [{"name", "permissions": [patterns], "grants": [perms]}]} */
HS_API json_t *hs_rbac_roles_json(const hs_rbac_t *rb);

#endif /* HS_RBAC_H */
