/*
 * Plugins by GTS id: the cycle's plugin types and instances, kept in the
 * ClientHub and checked with a GTS registry of their own.
 */

#include <stdio.h>
#include <string.h>

#include "hs_gts.h"
#include "hs_router.h"

#define HS_PLUGIN_IMPL
#include "hs_plugin.h"

#define HS__PLUGIN_BASE_SCHEMA                                                \
    "{\"$id\": \"gts://" HS_PLUGIN_BASE_TYPE "\","                            \
    " \"$schema\": \"http://json-schema.org/draft-07/schema#\","              \
    " \"title\": \"HyperSpot plugin instance\","                              \
    " \"description\": \"A module that implements a gateway's interface; "    \
    "its ClientHub client is scoped by the instance id. Abstract: each "      \
    "interface derives its own plugin type.\","                               \
    " \"type\": \"object\", \"x-gts-abstract\": true,"                        \
    " \"required\": [\"id\", \"vendor\", \"priority\"],"                      \
    " \"properties\": {"                                                      \
    "  \"id\": {\"type\": \"string\", \"description\": \"the instance id\"}," \
    "  \"vendor\": {\"type\": \"string\", \"minLength\": 1},"                 \
    "  \"priority\": {\"type\": \"integer\","                                 \
    "                \"description\": \"the lowest is preferred\"},"         \
    "  \"properties\": {\"type\": \"object\"}"                                \
    " }}"

struct hs__plugins_s {
    hs_gts_registry_t   *reg;         /* base, types, instances */
    hs_plugin_info_t    *items;       /* the instances */
    size_t               n;
    size_t               cap;
};


void
hs__plugins_free(hs__plugins_t *pl)
{
    size_t  i;

    if (pl == NULL) {
        return;
    }

    for (i = 0; i < pl->n; i++) {
        hs_free((char *) pl->items[i].vendor);
        hs_free((char *) pl->items[i].provider);
        hs_free((char *) pl->items[i].type_id);
    }

    hs_free(pl->items);
    hs_gts_registry_destroy(pl->reg);
    hs_free(pl);
}


/* The hub's plugin registry, created with the base type on first use. */
static hs__plugins_t *
hs__plugins(hs_clienthub_t *hub, hs_error_t *err)
{
    json_t          *base;
    hs_rc_t          rc;
    hs__plugins_t  **slot, *pl;

    slot = hs__clienthub_plugins(hub);
    if (*slot != NULL) {
        return *slot;
    }

    pl = hs_calloc(1, sizeof(hs__plugins_t));
    if (pl == NULL) {
        hs_error_set(err, "out of memory");
        return NULL;
    }

    pl->reg = hs_gts_registry_create(NULL);
    base = json_loads(HS__PLUGIN_BASE_SCHEMA, 0, NULL);

    rc = pl->reg != NULL && base != NULL
         ? hs_gts_registry_add(pl->reg, base, HS_GTS_VALIDATE, NULL, err)
         : HS_ENOMEM;
    json_decref(base);

    if (rc != HS_OK) {
        if (rc == HS_ENOMEM) {
            hs_error_set(err, "out of memory");
        }
        hs__plugins_free(pl);
        return NULL;
    }

    *slot = pl;

    return pl;
}


hs_rc_t
hs_plugin_add_type(hs_clienthub_t *hub, const char *provider,
    const char *schema, hs_error_t *err)
{
    json_t            *doc;
    hs_rc_t            rc;
    hs_gts_id_t        id;
    json_error_t       jerr;
    hs__plugins_t     *pl;
    hs_gts_extract_t   x;

    pl = hs__plugins(hub, err);
    if (pl == NULL) {
        return HS_ENOMEM;
    }

    doc = json_loads(schema, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        hs_error_set(err, "module \"%s\": the plugin type schema is not "
                     "JSON: %s", provider, jerr.text);
        return HS_EINVAL;
    }

    if (hs_gts_extract(doc, NULL, &x) != HS_OK || !x.is_type
        || x.id == NULL
        || hs_gts_id_parse(x.id, strlen(x.id), 0, &id, NULL) != HS_OK
        || id.nsegs != 2
        || strncmp(x.id, HS_PLUGIN_BASE_TYPE,
                   sizeof(HS_PLUGIN_BASE_TYPE) - 1) != 0)
    {
        hs_error_set(err, "module \"%s\": a plugin type is a GTS type "
                     "schema with \"$id\": \"gts://%s<vendor>.<package>."
                     "<namespace>.<type>.v<N>~\"", provider,
                     HS_PLUGIN_BASE_TYPE);
        json_decref(doc);
        return HS_EINVAL;
    }

    rc = hs_gts_registry_add(pl->reg, doc, HS_GTS_VALIDATE, NULL, err);
    json_decref(doc);

    if (rc != HS_OK && rc != HS_ENOMEM) {
        char  msg[sizeof(err->msg)];

        snprintf(msg, sizeof(msg), "%s", err->msg);
        hs_error_set(err, "module \"%s\": plugin type: %s", provider, msg);
    }

    return rc;
}


static int
hs__plugin_cmp(const hs_plugin_info_t *a, const hs_plugin_info_t *b)
{
    if (a->priority != b->priority) {
        return a->priority < b->priority ? -1 : 1;
    }

    return strcmp(a->id, b->id);
}


hs_rc_t
hs_plugin_register(hs_clienthub_t *hub, const char *provider,
    const char *id, const char *vendor, int64_t priority,
    const char *properties, hs_error_t *err)
{
    char                    msg[sizeof(err->msg)];
    json_t                 *doc, *props;
    size_t                  i, cap;
    hs_rc_t                 rc;
    hs_gts_id_t             p;
    json_error_t            jerr;
    hs__plugins_t          *pl;
    hs_plugin_info_t       *it, *items;
    const hs_gts_entity_t  *e;

    pl = hs__plugins(hub, err);
    if (pl == NULL) {
        return HS_ENOMEM;
    }

    if (id == NULL || hs_gts_id_parse(id, strlen(id), 0, &p, err) != HS_OK
        || p.is_type || p.nsegs < 3)
    {
        hs_error_set(err, "module \"%s\": plugin instance \"%s\" is not a "
                     "GTS instance id under a plugin type (%s<type>~"
                     "<instance>)", provider, id ? id : "",
                     HS_PLUGIN_BASE_TYPE);
        return HS_EINVAL;
    }

    if (vendor == NULL || vendor[0] == '\0') {
        hs_error_set(err, "module \"%s\": plugin instance %s has no vendor",
                     provider, id);
        return HS_EINVAL;
    }

    props = NULL;
    if (properties != NULL) {
        props = json_loads(properties, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(props)) {
            json_decref(props);
            hs_error_set(err, "module \"%s\": the properties of plugin "
                         "instance %s are not a JSON object", provider, id);
            return HS_EINVAL;
        }
    }

    doc = json_pack("{s:s, s:s, s:I, s:o}", "id", id, "vendor", vendor,
                    "priority", (json_int_t) priority,
                    "properties", props ? props : json_object());
    if (doc == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    if (hs_gts_registry_get(pl->reg, id) != NULL) {
        json_decref(doc);
        hs_error_set(err, "module \"%s\": plugin instance %s is registered "
                     "already", provider, id);
        return HS_EEXIST;
    }

    rc = hs_gts_registry_add(pl->reg, doc, HS_GTS_VALIDATE, &e, err);
    json_decref(doc);

    if (rc != HS_OK) {
        snprintf(msg, sizeof(msg), "%s", err->msg);
        hs_error_set(err, "module \"%s\": plugin instance: %s", provider,
                     msg);
        return rc;
    }

    if (pl->n == pl->cap) {
        cap = pl->cap ? pl->cap * 2 : 8;
        items = hs_realloc(pl->items, cap * sizeof(hs_plugin_info_t));
        if (items == NULL) {
            (void) hs_gts_registry_remove(pl->reg, id);
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }

        pl->items = items;
        pl->cap = cap;
    }

    it = &pl->items[pl->n];
    it->id = e->id;
    it->content = e->content;
    it->priority = priority;
    it->vendor = hs_strdup(vendor);
    it->provider = hs_strdup(provider);
    it->type_id = hs_strdup(e->type_id);

    if (it->vendor == NULL || it->provider == NULL || it->type_id == NULL) {
        hs_free((char *) it->vendor);
        hs_free((char *) it->provider);
        hs_free((char *) it->type_id);
        (void) hs_gts_registry_remove(pl->reg, id);
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    /* kept sorted by priority, then id */
    for (i = pl->n; i > 0 && hs__plugin_cmp(it, &pl->items[i - 1]) < 0; i--)
    {
        /* void */
    }

    if (i < pl->n) {
        hs_plugin_info_t  t = *it;

        memmove(&pl->items[i + 1], &pl->items[i],
                (pl->n - i) * sizeof(hs_plugin_info_t));
        pl->items[i] = t;
    }

    pl->n++;

    return HS_OK;
}


size_t
hs_plugin_list(hs_clienthub_t *hub, const char *type_id,
    const hs_plugin_info_t **out, size_t max)
{
    size_t          i, n;
    hs__plugins_t  *pl;

    pl = *hs__clienthub_plugins(hub);
    if (pl == NULL || type_id == NULL) {
        return 0;
    }

    for (i = 0, n = 0; i < pl->n; i++) {
        if (strcmp(pl->items[i].type_id, type_id) == 0) {
            if (n < max) {
                out[n] = &pl->items[i];
            }
            n++;
        }
    }

    return n;
}


const hs_plugin_info_t *
hs_plugin_select(hs_clienthub_t *hub, const char *type_id,
    const char *vendor, int *preferred)
{
    size_t                   i;
    hs__plugins_t           *pl;
    const hs_plugin_info_t  *any;

    if (preferred != NULL) {
        *preferred = 0;
    }

    pl = *hs__clienthub_plugins(hub);
    if (pl == NULL || type_id == NULL) {
        return NULL;
    }

    any = NULL;

    /* items are sorted: the first match of each kind is the best */
    for (i = 0; i < pl->n; i++) {
        if (strcmp(pl->items[i].type_id, type_id) != 0) {
            continue;
        }

        if (vendor != NULL && vendor[0] != '\0'
            && strcmp(pl->items[i].vendor, vendor) == 0)
        {
            if (preferred != NULL) {
                *preferred = 1;
            }
            return &pl->items[i];
        }

        if (any == NULL) {
            any = &pl->items[i];
        }
    }

    return any;
}


size_t
hs_plugin_each_entity(hs_clienthub_t *hub,
    void (*fn)(void *data, const json_t *doc), void *data)
{
    size_t                   j, n, k, next, total;
    hs_gts_filter_t          f;
    hs__plugins_t           *pl;
    const hs_gts_entity_t   *e[64];

    pl = *hs__clienthub_plugins(hub);
    if (pl == NULL) {
        return 0;
    }

    memset(&f, 0, sizeof(f));
    total = 0;

    /* the types first, so that a registry can validate as it adds */
    for (k = 0; k < 2; k++) {
        f.is_type = k == 0;
        next = 0;

        do {
            n = hs_gts_registry_list(pl->reg, &f, next, e, hs_nelems(e),
                                     &next, NULL, NULL);
            for (j = 0; j < n; j++) {
                fn(data, e[j]->content);
            }
            total += n;

        } while (next < hs_gts_registry_count(pl->reg));
    }

    return total;
}
