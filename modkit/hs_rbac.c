/* Role-based access control: permission table, roles, grants (hs_rbac.h). */

#include <string.h>

#include "hs_rbac.h"

#define HS__RBAC_MAX_ROLES  256

typedef struct {
    char      *name;
    json_t    *patterns;                   /* array of strings */
    uint64_t   bits[HS_SEC_PERM_WORDS];
} hs__role_t;

struct hs_rbac_s {
    char        *perms[HS_RBAC_MAX_PERMS];
    size_t       nperms;
    hs__role_t   roles[HS__RBAC_MAX_ROLES];
    size_t       nroles;
    int          finished;
};


static int
hs__rbac_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-' || c == '.';
}


/* 1: s[0..len) is 1..HS_RBAC_NAME_MAX name characters. */
static int
hs__rbac_word(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > HS_RBAC_NAME_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!hs__rbac_char(s[i])) {
            return 0;
        }
    }

    return 1;
}


/* Splits "a:b" at its colon: the length of a, or -1 when there is none. */
static int
hs__rbac_colon(const char *s, size_t len)
{
    const char  *c;

    c = memchr(s, ':', len);

    return c ? (int) (c - s) : -1;
}


int
hs_rbac_permission_valid(const char *s, size_t len)
{
    int  c;

    if (s == NULL) {
        return 0;
    }

    c = hs__rbac_colon(s, len);

    return c > 0 && hs__rbac_word(s, c)
           && hs__rbac_word(s + c + 1, len - c - 1);
}


int
hs_rbac_pattern_valid(const char *s, size_t len)
{
    int  c;

    if (s == NULL) {
        return 0;
    }

    if (len == 1 && s[0] == '*') {
        return 1;
    }

    c = hs__rbac_colon(s, len);
    if (c <= 0) {
        return 0;
    }

    return ((c == 1 && s[0] == '*') || hs__rbac_word(s, c))
           && ((len - c - 1 == 1 && s[c + 1] == '*')
               || hs__rbac_word(s + c + 1, len - c - 1));
}


int
hs_rbac_role_valid(const char *s, size_t len)
{
    return s != NULL && hs__rbac_word(s, len);
}


int
hs_rbac_match(const char *pattern, size_t len, const char *perm)
{
    int          c, pc;
    size_t       plen;

    if (len == 1 && pattern[0] == '*') {
        return 1;
    }

    plen = strlen(perm);
    c = hs__rbac_colon(pattern, len);
    pc = hs__rbac_colon(perm, plen);

    if (c <= 0 || pc <= 0) {
        return 0;
    }

    if (!(c == 1 && pattern[0] == '*')
        && (c != pc || memcmp(pattern, perm, c) != 0))
    {
        return 0;
    }

    if (len - c - 1 == 1 && pattern[c + 1] == '*') {
        return 1;
    }

    return len - c == plen - pc
           && memcmp(pattern + c + 1, perm + pc + 1, len - c - 1) == 0;
}


hs_rbac_t *
hs_rbac_create(void)
{
    return hs_calloc(1, sizeof(hs_rbac_t));
}


void
hs_rbac_destroy(hs_rbac_t *rb)
{
    size_t  i;

    if (rb == NULL) {
        return;
    }

    for (i = 0; i < rb->nperms; i++) {
        hs_free(rb->perms[i]);
    }

    for (i = 0; i < rb->nroles; i++) {
        hs_free(rb->roles[i].name);
        json_decref(rb->roles[i].patterns);
    }

    hs_free(rb);
}


hs_rc_t
hs_rbac_add_permission(hs_rbac_t *rb, const char *perm, hs_error_t *err)
{
    if (perm == NULL || !hs_rbac_permission_valid(perm, strlen(perm))) {
        hs_error_set(err, "\"%s\" is not a permission (resource:action, "
                     "lower case)", perm ? perm : "");
        return HS_EINVAL;
    }

    if (hs_rbac_index(rb, perm) >= 0) {
        return HS_OK;
    }

    if (rb->finished) {
        hs_error_set(err, "permission \"%s\" added after the table was "
                     "finished", perm);
        return HS_EINVAL;
    }

    if (rb->nperms == HS_RBAC_MAX_PERMS) {
        hs_error_set(err, "more than %d permissions", HS_RBAC_MAX_PERMS);
        return HS_EOVERFLOW;
    }

    rb->perms[rb->nperms] = hs_strdup(perm);
    if (rb->perms[rb->nperms] == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    rb->nperms++;

    return HS_OK;
}


hs_rc_t
hs_rbac_add_role(hs_rbac_t *rb, const char *name, const json_t *patterns,
    hs_error_t *err)
{
    size_t       i;
    json_t      *p;
    hs__role_t  *r;

    if (name == NULL || !hs_rbac_role_valid(name, strlen(name))) {
        hs_error_set(err, "\"%s\" is not a role name (1 to %d of a-z, 0-9, "
                     "'_', '-', '.')", name ? name : "", HS_RBAC_NAME_MAX);
        return HS_EINVAL;
    }

    if (hs_rbac_has_role(rb, name, strlen(name))) {
        hs_error_set(err, "role \"%s\" is defined twice", name);
        return HS_EEXIST;
    }

    if (!json_is_array(patterns)) {
        hs_error_set(err, "role \"%s\": expected a list of permissions",
                     name);
        return HS_EINVAL;
    }

    json_array_foreach(patterns, i, p) {
        if (!json_is_string(p)
            || !hs_rbac_pattern_valid(json_string_value(p),
                                      json_string_length(p)))
        {
            hs_error_set(err, "role \"%s\": item %zu is not a permission "
                         "pattern (resource:action, resource:*, *:action "
                         "or *)", name, i + 1);
            return HS_EINVAL;
        }
    }

    if (rb->finished || rb->nroles == HS__RBAC_MAX_ROLES) {
        hs_error_set(err, "role \"%s\": %s", name, rb->finished
                     ? "added after the table was finished"
                     : "too many roles");
        return HS_EOVERFLOW;
    }

    r = &rb->roles[rb->nroles];
    r->name = hs_strdup(name);
    if (r->name == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    r->patterns = json_incref((json_t *) patterns);
    rb->nroles++;

    return HS_OK;
}


/* Sets in bits what the pattern matches in the table. */
static void
hs__rbac_bits(const hs_rbac_t *rb, const char *pattern, size_t len,
    uint64_t *bits)
{
    size_t  i;

    for (i = 0; i < rb->nperms; i++) {
        if (hs_rbac_match(pattern, len, rb->perms[i])) {
            bits[i / 64] |= (uint64_t) 1 << (i % 64);
        }
    }
}


hs_rc_t
hs_rbac_finish(hs_rbac_t *rb, hs_error_t *err)
{
    size_t       i, j;
    json_t      *p;
    hs__role_t  *r;

    for (i = 0; i < rb->nroles; i++) {
        r = &rb->roles[i];
        memset(r->bits, 0, sizeof(r->bits));

        json_array_foreach(r->patterns, j, p) {
            hs__rbac_bits(rb, json_string_value(p), json_string_length(p),
                          r->bits);
        }
    }

    rb->finished = 1;

    return HS_OK;
}


int
hs_rbac_index(const hs_rbac_t *rb, const char *perm)
{
    size_t  i;

    for (i = 0; i < rb->nperms; i++) {
        if (strcmp(rb->perms[i], perm) == 0) {
            return (int) i;
        }
    }

    return -1;
}


size_t
hs_rbac_count(const hs_rbac_t *rb)
{
    return rb->nperms;
}


const char *
hs_rbac_permission(const hs_rbac_t *rb, size_t i)
{
    return i < rb->nperms ? rb->perms[i] : NULL;
}


static const hs__role_t *
hs__rbac_role(const hs_rbac_t *rb, const char *role, size_t len)
{
    size_t  i;

    for (i = 0; i < rb->nroles; i++) {
        if (strlen(rb->roles[i].name) == len
            && memcmp(rb->roles[i].name, role, len) == 0)
        {
            return &rb->roles[i];
        }
    }

    return NULL;
}


int
hs_rbac_has_role(const hs_rbac_t *rb, const char *role, size_t len)
{
    return hs__rbac_role(rb, role, len) != NULL;
}


/* Appends name to sec->roles unless it is there or does not fit. */
static void
hs__rbac_note_role(hs_secctx_t *sec, const char *name, size_t len)
{
    size_t       have;
    const char  *p, *e;

    for (p = sec->roles; *p; p = *e ? e + 1 : e) {
        e = strchr(p, ',');
        if (e == NULL) {
            e = p + strlen(p);
        }

        if ((size_t) (e - p) == len && memcmp(p, name, len) == 0) {
            return;
        }
    }

    have = strlen(sec->roles);
    if (have + (have ? 1 : 0) + len > HS_SEC_ROLES_MAX) {
        return;
    }

    if (have) {
        sec->roles[have++] = ',';
    }

    memcpy(sec->roles + have, name, len);
    sec->roles[have + len] = '\0';
}


int
hs_rbac_grant_role(const hs_rbac_t *rb, hs_secctx_t *sec, const char *role,
    size_t len)
{
    size_t             i;
    const hs__role_t  *r;

    r = hs__rbac_role(rb, role, len);
    if (r == NULL) {
        return 0;
    }

    for (i = 0; i < HS_SEC_PERM_WORDS; i++) {
        sec->perms[i] |= r->bits[i];
    }

    hs__rbac_note_role(sec, role, len);

    return 1;
}


int
hs_rbac_grant_pattern(const hs_rbac_t *rb, hs_secctx_t *sec,
    const char *pattern, size_t len)
{
    if (!hs_rbac_pattern_valid(pattern, len)) {
        return 0;
    }

    hs__rbac_bits(rb, pattern, len, sec->perms);

    return 1;
}


int
hs_secctx_has(const hs_secctx_t *sec, int i)
{
    if (i < 0 || i >= HS_RBAC_MAX_PERMS) {
        return 0;
    }

    return (sec->perms[i / 64] >> (i % 64)) & 1;
}


int
hs_rbac_allows(const hs_rbac_t *rb, const hs_secctx_t *sec, const char *perm)
{
    return hs_secctx_has(sec, hs_rbac_index(rb, perm));
}


json_t *
hs_rbac_roles_json(const hs_rbac_t *rb)
{
    size_t             i, j;
    json_t            *roles, *grants;
    const hs__role_t  *r;

    roles = json_array();

    for (i = 0; roles != NULL && i < rb->nroles; i++) {
        r = &rb->roles[i];
        grants = json_array();

        for (j = 0; grants != NULL && j < rb->nperms; j++) {
            if ((r->bits[j / 64] >> (j % 64)) & 1) {
                json_array_append_new(grants, json_string(rb->perms[j]));
            }
        }

        if (grants == NULL
            || json_array_append_new(roles,
                   json_pack("{s:s, s:O, s:o}", "name", r->name,
                             "permissions", r->patterns, "grants", grants))
               != 0)
        {
            json_decref(roles);
            return NULL;
        }
    }

    return roles ? json_pack("{s:o}", "roles", roles) : NULL;
}
