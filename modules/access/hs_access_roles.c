/*
 * Roles: the defined roles (security.roles), the roles stored for
 * subjects of a tenant, and the gate that adds those to every request.
 *
 * A request holds the union of what its credentials grant (a token's
 * roles and permissions claims, a key's permissions) and the roles
 * stored for its tenant and subject. Stored roles are read on every
 * request, so an assignment counts from the next request on and its
 * removal takes effect at once, in every worker; a token's own roles
 * last until the token expires.
 *
 * Nobody hands out more than they hold: a role may be assigned (or its
 * assignment removed) only by a caller holding every permission the role
 * grants.
 */

#include <string.h>

#include <hs_modkit.h>

#include "hs_access.h"


static const hs_od_field_t  hs_access_assignment_fields[] = {
    { "id", "id", HS_OD_UUID, HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT
      | HS_OD_NOTNULL },
    { "tenant_id", "tenant_id", HS_OD_UUID, HS_OD_SELECT },
    { "subject_id", "subject_id", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "role", "role", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "created_by", "created_by", HS_OD_STRING,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "created_at", "created_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { "updated_at", "updated_at", HS_OD_DATETIME,
      HS_OD_FILTER | HS_OD_SORT | HS_OD_SELECT | HS_OD_NOTNULL },
    { NULL, NULL, 0, 0 }
};

static const hs_repo_table_t  hs_access_assignments = {
    "access_role_assignments", "role assignment", hs_access_assignment_fields
};


/*
 * Whether the caller may hand out (or take back) role: it must hold
 * every permission the role grants. 1: yes; 0: the call has a 403.
 */
static int
hs_access_may_manage(hs_call_t *call, const hs_rbac_t *rb, const char *role,
    const char *action, const char *subject)
{
    int           any;
    char         *text;
    size_t        w;
    json_t       *names;
    hs_secctx_t   r;

    memset(&r, 0, sizeof(hs_secctx_t));

    /* a role no longer defined grants nothing: anyone may remove it */
    hs_rbac_grant_role(rb, &r, role, strlen(role));

    for (w = 0, any = 0; w < HS_SEC_PERM_WORDS; w++) {
        r.perms[w] &= ~call->sec.perms[w];
        any |= r.perms[w] != 0;
    }

    if (!any) {
        return 1;
    }

    names = hs_access_perm_names(rb, r.perms);
    text = names ? hs_json_dump(names, NULL) : NULL;
    json_decref(names);

    hs_call_audit(call, action, "denied", NULL, "role %s of subject %s "
                  "grants %s, which the caller does not hold", role,
                  subject, text ? text : "permissions");
    hs_call_fail(call, hs_problem_new(HS_PROBLEM_FORBIDDEN, "role %s grants"
                                      " permissions you do not hold: %s",
                                      role, text ? text : "(several)"));
    hs_free(text);

    return 0;
}


/* ---------------------------------------------------------- handlers */

hs_rc_t
hs_access_roles_list(hs_call_t *call)
{
    json_t  *roles;

    roles = hs_rbac_roles_json(hs_api_rbac(call->api));

    return roles ? hs_call_reply(call, 200, roles) : HS_ENOMEM;
}


hs_rc_t
hs_access_assignments_create(hs_call_t *call)
{
    char              subject[HS_SUBJECT_MAX + 1];
    json_t           *body, *values, *row;
    size_t            len;
    hs_rc_t           rc;
    hs_error_t        err;
    const char       *s, *role;
    hs_problem_t     *p;
    const hs_rbac_t  *rb;
    hs_access_t      *ac = call->module_data;

    body = hs_call_json(call);
    rb = hs_api_rbac(call->api);

    s = json_string_value(json_object_get(body, "subject_id"));
    len = json_string_length(json_object_get(body, "subject_id"));
    role = json_string_value(json_object_get(body, "role"));

    if (!hs_subject_valid(s, len)) {
        p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED, "subject_id is not"
                           " a subject id");
        if (p != NULL) {
            hs_problem_add_error(p, "subject_id", "pattern", "must be 1 to "
                                 "128 printable ASCII characters");
        }

        return hs_call_fail(call, p);
    }

    /* stored as a SecurityCtx holds it: uuids in lower case */
    if (hs_uuid_normalize(s, len, subject) != HS_OK) {
        memcpy(subject, s, len);
        subject[len] = '\0';
    }

    if (!hs_rbac_has_role(rb, role, strlen(role))) {
        p = hs_problem_new(HS_PROBLEM_VALIDATION_FAILED, "role %s is not "
                           "defined (security.roles)", role);
        if (p != NULL) {
            hs_problem_add_error(p, "role", "enum", "must be a defined "
                                 "role (GET /access/v1/roles)");
        }

        return hs_call_fail(call, p);
    }

    if (!hs_access_may_manage(call, rb, role, "role.assigned", subject)) {
        return HS_OK;
    }

    values = json_pack("{s:s, s:s, s:s}", "subject_id", subject,
                       "role", role, "created_by", call->sec.subject_id);
    if (values == NULL) {
        return HS_ENOMEM;
    }

    rc = hs_repo_create(ac->db, &call->sec, &hs_access_assignments, values,
                        &row, &err);
    json_decref(values);

    if (rc == HS_EEXIST) {
        return hs_call_fail(call, hs_problem_new(HS_PROBLEM_CONFLICT,
                   "subject %s has role %s already", subject, role));
    }

    if (rc != HS_OK) {
        return hs_access_fail(call, rc, &err, "role assignment");
    }

    s = json_string_value(json_object_get(row, "id"));

    hs_call_audit(call, "role.assigned", "success", s, "role %s to subject "
                  "%s", role, subject);
    hs_call_set_location(call, "%s/%s", call->path, s);

    return hs_call_reply(call, 201, row);
}


hs_rc_t
hs_access_assignments_list(hs_call_t *call)
{
    hs_access_t  *ac = call->module_data;

    return hs_repo_reply_list(call, ac->db, &hs_access_assignments,
                              &ac->limits, NULL);
}


hs_rc_t
hs_access_assignments_get(hs_call_t *call)
{
    json_t       *row;
    hs_rc_t       rc;
    hs_error_t    err;
    hs_access_t  *ac = call->module_data;

    rc = hs_repo_get(ac->db, &call->sec, &hs_access_assignments,
                     hs_call_param(call, "id"), &row, &err);
    if (rc != HS_OK) {
        return hs_access_fail(call, rc, &err, "role assignment");
    }

    return hs_call_reply(call, 200, row);
}


hs_rc_t
hs_access_assignments_delete(hs_call_t *call)
{
    json_t       *row;
    hs_rc_t       rc;
    hs_error_t    err;
    const char   *id, *role, *subject;
    hs_access_t  *ac = call->module_data;

    id = hs_call_param(call, "id");

    rc = hs_repo_get(ac->db, &call->sec, &hs_access_assignments, id, &row,
                     &err);
    if (rc != HS_OK) {
        return hs_access_fail(call, rc, &err, "role assignment");
    }

    role = json_string_value(json_object_get(row, "role"));
    subject = json_string_value(json_object_get(row, "subject_id"));

    if (role == NULL || subject == NULL) {
        json_decref(row);
        return HS_ERROR;
    }

    if (!hs_access_may_manage(call, hs_api_rbac(call->api), role,
                              "role.unassigned", subject))
    {
        json_decref(row);
        return HS_OK;
    }

    rc = hs_repo_delete(ac->db, &call->sec, &hs_access_assignments, id,
                        &err);

    if (rc == HS_OK) {
        hs_call_audit(call, "role.unassigned", "success", id, "role %s of "
                      "subject %s", role, subject);
    }

    json_decref(row);

    if (rc != HS_OK) {
        return hs_access_fail(call, rc, &err, "role assignment");
    }

    return hs_call_reply(call, 204, NULL);
}


/* -------------------------------------------------------------- gate */

/* HS_GATE_AUTHORIZE: the stored roles of (tenant, subject). */
hs_rc_t
hs_access_authorize(hs_call_t *call, void *data)
{
    size_t            i;
    json_t           *rows, *row, *role;
    hs_rc_t           rc;
    hs_error_t        err;
    const hs_rbac_t  *rb;
    hs_access_t      *ac = data;

    rc = hs_repo_find_by(ac->db, &call->sec, &hs_access_assignments,
                         "subject_id", call->sec.subject_id,
                         (size_t) ac->conf->max_subject_roles, &rows, &err);
    if (rc != HS_OK) {
        return hs_access_gate_fail(call, rc, &err, "stored roles");
    }

    rb = hs_api_rbac(call->api);

    json_array_foreach(rows, i, row) {
        role = json_object_get(row, "role");
        hs_rbac_grant_role(rb, &call->sec, json_string_value(role),
                           json_string_length(role));
    }

    json_decref(rows);

    return HS_OK;
}
