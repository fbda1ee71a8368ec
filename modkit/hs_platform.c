/* A platform cycle: registry + configuration + API, in lifecycle order. */

#include <string.h>

#include "hs_platform.h"
#include "hs_rbac.h"


/* The "openapi" section of the YAML file: title, version, description. */
static hs_rc_t
hs__platform_info(const hs_yaml_doc_t *doc, hs_api_info_t *info,
    hs_error_t *err)
{
    char         where[600], path[128];
    json_t      *sect, *v;
    const char  *key;

    memset(info, 0, sizeof(hs_api_info_t));

    sect = doc ? json_object_get(hs_yaml_root(doc), "openapi") : NULL;
    if (sect == NULL || json_is_null(sect)) {
        return HS_OK;
    }

    if (!json_is_object(sect)) {
        hs_error_set(err, "%s: openapi must be a mapping of title, version "
                     "and description",
                     hs_yaml_where(doc, "openapi", where, sizeof(where)));
        return HS_EINVAL;
    }

    json_object_foreach(sect, key, v) {
        snprintf(path, sizeof(path), "openapi.%s", key);

        if (strcmp(key, "title") != 0 && strcmp(key, "version") != 0
            && strcmp(key, "description") != 0)
        {
            hs_error_set(err, "%s: %s: unknown key (known: title, version, "
                         "description)",
                         hs_yaml_where(doc, path, where, sizeof(where)),
                         path);
            return HS_EINVAL;
        }

        if (!json_is_string(v) || json_string_length(v) == 0) {
            hs_error_set(err, "%s: %s: expected a non-empty string",
                         hs_yaml_where(doc, path, where, sizeof(where)),
                         path);
            return HS_EINVAL;
        }
    }

    info->title = json_string_value(json_object_get(sect, "title"));
    info->version = json_string_value(json_object_get(sect, "version"));
    info->description = json_string_value(json_object_get(sect,
                                                          "description"));

    return HS_OK;
}


/*
 * The "security" section: roles, a mapping of role names to lists of
 * permission patterns (hs_rbac.h).
 */
static hs_rc_t
hs__platform_roles(const hs_yaml_doc_t *doc, hs_api_t *api, hs_error_t *err)
{
    char         where[600], path[160];
    json_t      *sect, *roles, *v;
    hs_rc_t      rc;
    hs_error_t   e;
    const char  *key;

    sect = doc ? json_object_get(hs_yaml_root(doc), "security") : NULL;
    if (sect == NULL || json_is_null(sect)) {
        return HS_OK;
    }

    if (!json_is_object(sect)) {
        hs_error_set(err, "%s: security must be a mapping (roles)",
                     hs_yaml_where(doc, "security", where, sizeof(where)));
        return HS_EINVAL;
    }

    json_object_foreach(sect, key, v) {
        if (strcmp(key, "roles") != 0) {
            snprintf(path, sizeof(path), "security.%s", key);
            hs_error_set(err, "%s: %s: unknown key (known: roles)",
                         hs_yaml_where(doc, path, where, sizeof(where)),
                         path);
            return HS_EINVAL;
        }
    }

    roles = json_object_get(sect, "roles");
    if (roles == NULL || json_is_null(roles)) {
        return HS_OK;
    }

    if (!json_is_object(roles)) {
        hs_error_set(err, "%s: security.roles must map role names to lists"
                     " of permissions",
                     hs_yaml_where(doc, "security.roles", where,
                                   sizeof(where)));
        return HS_EINVAL;
    }

    json_object_foreach(roles, key, v) {
        snprintf(path, sizeof(path), "security.roles.%s", key);

        rc = hs_rbac_add_role(hs_api_rbac(api), key, v, &e);
        if (rc != HS_OK) {
            hs_error_set(err, "%s: %s: %s",
                         hs_yaml_where(doc, path, where, sizeof(where)),
                         path, e.msg);
            return HS_EINVAL;
        }
    }

    return HS_OK;
}


static hs_rc_t
hs__platform_builtins(hs_api_t *api, void *data, hs_error_t *err)
{
    size_t             n;
    const hs_route_t  *ops;

    ops = hs_api_builtin_operations(&n);

    return hs_api_add_operations(api, "hyperspot", ops, n, data, err);
}


hs_rc_t
hs_platform_build(hs_platform_t *pf, const hs_platform_conf_t *conf,
    hs_error_t *err)
{
    size_t          i;
    hs_rc_t         rc;
    hs_api_info_t   info;
    hs_yaml_doc_t  *doc;

    memset(pf, 0, sizeof(hs_platform_t));
    doc = NULL;

    pf->registry = hs_registry_create(conf->log);
    pf->api = hs_api_create();

    if (pf->registry == NULL || pf->api == NULL) {
        hs_error_set(err, "out of memory");
        rc = HS_ENOMEM;
        goto failed;
    }

    for (i = 0; i < conf->n; i++) {
        rc = hs_registry_add(pf->registry, conf->descs[i],
                             conf->origins[i], err);
        if (rc != HS_OK) {
            goto failed;
        }
    }

    hs_registry_set_db(pf->registry, conf->db);

    rc = hs_registry_order(pf->registry, err);
    if (rc != HS_OK) {
        goto failed;
    }

    if (conf->yaml_path != NULL) {
        doc = hs_yaml_load_file(conf->yaml_path, err);
        if (doc == NULL) {
            rc = HS_EINVAL;
            goto failed;
        }
    }

    rc = hs_registry_configure(pf->registry, doc, conf->getenv_fn,
                               conf->getenv_data, err);
    if (rc != HS_OK) {
        goto failed;
    }

    rc = hs__platform_info(doc, &info, err);
    if (rc != HS_OK) {
        goto failed;
    }

    rc = (conf->builtins ? conf->builtins : hs__platform_builtins)
             (pf->api, conf->builtins_data, err);
    if (rc != HS_OK) {
        goto failed;
    }

    rc = hs_registry_init(pf->registry, pf->api, err);
    if (rc != HS_OK) {
        goto failed;
    }

    rc = hs__platform_roles(doc, pf->api, err);
    if (rc != HS_OK) {
        goto failed;
    }

    rc = hs_api_finish(pf->api, &info, err);
    if (rc != HS_OK) {
        goto failed;
    }

    hs_yaml_free(doc);

    return HS_OK;

failed:

    hs_yaml_free(doc);
    hs_platform_release(pf);

    return rc;
}


void
hs_platform_release(hs_platform_t *pf)
{
    /* modules' fini first: their state may point into the API */
    hs_registry_destroy(pf->registry);
    hs_api_destroy(pf->api);

    pf->registry = NULL;
    pf->api = NULL;
}
