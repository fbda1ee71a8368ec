/*
 * Plugins by GTS id.
 *
 * A plugin is a module that implements an interface another module (a
 * gateway) defines. The gateway's interface has a plugin type, a GTS
 * type derived from HS_PLUGIN_BASE_TYPE; each plugin module registers an
 * instance of it (a GTS instance id under that type, its vendor, its
 * priority and free-form properties) and publishes its ClientHub client
 * scoped by that instance id. The gateway lists the instances of its
 * plugin type, selects one (hs_plugin_select()) and resolves the client
 * of that scope.
 *
 * The registry of plugins lives in the cycle's ClientHub: it is filled
 * in init (at configuration time, no database), read-only afterwards,
 * and holds GTS documents validated with modkit's GTS registry: the
 * base type, each plugin type (idempotent for the same schema) and the
 * instances, checked against their types. The types_registry module
 * serves them with the registered entities.
 *
 *     init of a plugin module:
 *         hs_plugin_add_type(ctx->hub, name, MY_PLUGIN_TYPE_SCHEMA, err);
 *         hs_plugin_register(ctx->hub, name, MY_INSTANCE_ID, "acme", 10,
 *                            "{\"region\": \"eu\"}", err);
 *         hs_clienthub_publish(ctx->hub, name, MY_API_NAME, 1, 0,
 *                              MY_INSTANCE_ID, &api, sizeof(api), err);
 *
 *     init of the gateway (its dependencies name the plugin modules as
 *     alternatives, "plugin_a|plugin_b", so that they initialize first):
 *         p = hs_plugin_select(ctx->hub, MY_PLUGIN_TYPE, conf->vendor,
 *                              &preferred);
 *         hs_clienthub_resolve(ctx->hub, name, MY_API_NAME, 1, 0, p->id,
 *                              sizeof(api), &api, err);
 */

#ifndef HS_PLUGIN_H
#define HS_PLUGIN_H

#include <jansson.h>
#include "hs_base.h"
#include "hs_clienthub.h"

/* The abstract base of every plugin type. */
#define HS_PLUGIN_BASE_TYPE  "gts.x.core.modkit.plugin.v1~"

typedef struct {
    const char    *id;          /* the GTS instance id */
    const char    *type_id;     /* its plugin type */
    const char    *vendor;
    int64_t        priority;    /* the lowest is preferred */
    const char    *provider;    /* the module that registered it */
    const json_t  *content;     /* the instance document: id, vendor,
                                   priority, properties */
} hs_plugin_info_t;

/*
 * Registers a plugin type: schema is a GTS type schema (JSON text) whose
 * "$id" is "gts://" HS_PLUGIN_BASE_TYPE followed by one more segment,
 * and which must validate as a type derived from the base. Registering
 * the same schema again is a no-op; another schema under the same id is
 * HS_EEXIST.
 */
HS_API hs_rc_t hs_plugin_add_type(hs_clienthub_t *hub, const char *provider,
    const char *schema, hs_error_t *err);

/*
 * Registers a plugin instance of module provider: id is a GTS instance
 * id whose type (id without its last segment) is a registered plugin
 * type; vendor is not empty; properties is a JSON object (text) or NULL.
 * The instance must validate against its type. HS_EEXIST when id is
 * registered already.
 */
HS_API hs_rc_t hs_plugin_register(hs_clienthub_t *hub, const char *provider,
    const char *id, const char *vendor, int64_t priority,
    const char *properties, hs_error_t *err);

/*
 * The instances of plugin type type_id, by priority (then id); up to max
 * into out. Returns how many there are (which may exceed max).
 */
HS_API size_t hs_plugin_list(hs_clienthub_t *hub, const char *type_id,
    const hs_plugin_info_t **out, size_t max);

/*
 * The instance of type_id to use: the one of vendor with the lowest
 * priority; when vendor has none (or vendor is NULL or ""), the one with
 * the lowest priority of any vendor. *preferred (may be NULL) is 1 when
 * it is vendor's. NULL when type_id has no instance.
 */
HS_API const hs_plugin_info_t *hs_plugin_select(hs_clienthub_t *hub,
    const char *type_id, const char *vendor, int *preferred);

/*
 * Every plugin document (the base type, the plugin types, then the
 * instances, each in registration order): fn is called with each.
 * Returns their number.
 */
HS_API size_t hs_plugin_each_entity(hs_clienthub_t *hub,
    void (*fn)(void *data, const json_t *doc), void *data);


#ifdef HS_PLUGIN_IMPL
/* ---- between hs_clienthub.c and hs_plugin.c (not exported) ---- */

typedef struct hs__plugins_s  hs__plugins_t;

hs__plugins_t **hs__clienthub_plugins(hs_clienthub_t *hub);
void hs__plugins_free(hs__plugins_t *pl);

#endif /* HS_PLUGIN_IMPL */

#endif /* HS_PLUGIN_H */
