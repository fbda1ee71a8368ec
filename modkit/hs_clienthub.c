/* ClientHub: typed inter-module clients. */

#include <string.h>

#include "hs_clienthub.h"

#define HS_PLUGIN_IMPL
#include "hs_plugin.h"

struct hs_clienthub_s {
    hs_client_info_t  *clients;
    size_t             n;
    size_t             cap;
    hs__plugins_t     *plugins;     /* hs_plugin.c, created on first use */
};


hs_clienthub_t *
hs_clienthub_create(void)
{
    return hs_calloc(1, sizeof(hs_clienthub_t));
}


void
hs_clienthub_destroy(hs_clienthub_t *hub)
{
    size_t  i;

    if (hub == NULL) {
        return;
    }

    for (i = 0; i < hub->n; i++) {
        hs_free((char *) hub->clients[i].name);
        hs_free((char *) hub->clients[i].scope);
        hs_free((char *) hub->clients[i].provider);
    }

    hs__plugins_free(hub->plugins);
    hs_free(hub->clients);
    hs_free(hub);
}


hs__plugins_t **
hs__clienthub_plugins(hs_clienthub_t *hub)
{
    return &hub->plugins;
}


static int
hs__scope_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }

    return strcmp(a, b) == 0;
}


static hs_client_info_t *
hs__clienthub_find(hs_clienthub_t *hub, const char *name, const char *scope)
{
    size_t  i;

    for (i = 0; i < hub->n; i++) {
        if (strcmp(hub->clients[i].name, name) == 0
            && hs__scope_eq(hub->clients[i].scope, scope))
        {
            return &hub->clients[i];
        }
    }

    return NULL;
}


hs_rc_t
hs_clienthub_publish(hs_clienthub_t *hub, const char *provider,
    const char *name, unsigned major, unsigned minor, const char *scope,
    const void *api, size_t api_size, hs_error_t *err)
{
    hs_client_info_t  *c, *n;

    if (name == NULL || name[0] == '\0' || api == NULL || api_size == 0) {
        hs_error_set(err, "module \"%s\" publishes a client without a name "
                     "or an API table", provider);
        return HS_EINVAL;
    }

    c = hs__clienthub_find(hub, name, scope);
    if (c != NULL) {
        hs_error_set(err, "module \"%s\" publishes client \"%s\"%s%s%s, "
                     "which module \"%s\" already published",
                     provider, name, scope ? " scoped \"" : "",
                     scope ? scope : "", scope ? "\"" : "", c->provider);
        return HS_EEXIST;
    }

    if (hub->n == hub->cap) {
        n = hs_realloc(hub->clients,
                       (hub->cap ? hub->cap * 2 : 8) * sizeof(*n));
        if (n == NULL) {
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }

        hub->clients = n;
        hub->cap = hub->cap ? hub->cap * 2 : 8;
    }

    c = &hub->clients[hub->n];
    memset(c, 0, sizeof(*c));

    c->name = hs_strdup(name);
    c->scope = scope ? hs_strdup(scope) : NULL;
    c->provider = hs_strdup(provider);
    c->major = major;
    c->minor = minor;
    c->api = api;
    c->api_size = api_size;

    if (c->name == NULL || (scope && c->scope == NULL)
        || c->provider == NULL)
    {
        hs_free((char *) c->name);
        hs_free((char *) c->scope);
        hs_free((char *) c->provider);
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    hub->n++;

    return HS_OK;
}


hs_rc_t
hs_clienthub_resolve(hs_clienthub_t *hub, const char *consumer,
    const char *name, unsigned major, unsigned min_minor, const char *scope,
    size_t api_size, const void **api, hs_error_t *err)
{
    hs_client_info_t  *c;

    *api = NULL;

    c = hs__clienthub_find(hub, name, scope);

    if (c == NULL) {
        hs_error_set(err, "module \"%s\" requires client \"%s\" v%u.%u%s%s%s,"
                     " which no loaded module publishes",
                     consumer, name, major, min_minor,
                     scope ? " scoped \"" : "", scope ? scope : "",
                     scope ? "\"" : "");
        return HS_ENOTFOUND;
    }

    if (c->major != major || c->minor < min_minor) {
        hs_error_set(err, "module \"%s\" requires client \"%s\" v%u.%u or a "
                     "later v%u minor, but module \"%s\" publishes v%u.%u",
                     consumer, name, major, min_minor, major, c->provider,
                     c->major, c->minor);
        return HS_EVERSION;
    }

    if (c->api_size < api_size) {
        hs_error_set(err, "module \"%s\" requires client \"%s\" v%u.%u with a "
                     "%zu-byte API table, but module \"%s\" publishes %zu "
                     "bytes: rebuild the modules against one API header",
                     consumer, name, major, min_minor, api_size,
                     c->provider, c->api_size);
        return HS_EVERSION;
    }

    *api = c->api;

    return HS_OK;
}


size_t
hs_clienthub_each(hs_clienthub_t *hub, const char *name,
    void (*fn)(const hs_client_info_t *info, void *data), void *data)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < hub->n; i++) {
        if (name == NULL || strcmp(hub->clients[i].name, name) == 0) {
            if (fn != NULL) {
                fn(&hub->clients[i], data);
            }
            n++;
        }
    }

    return n;
}
