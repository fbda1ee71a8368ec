/* The module registry: order, configure, lifecycle, health, announcements. */

#include <stdio.h>
#include <string.h>

#include "hs_module.h"

#define HS__DEP_MAX  256          /* bytes of one dependency entry */
#define HS__CAP_ALL  (HS_CAP_REST | HS_CAP_CLIENT | HS_CAP_WORKER | HS_CAP_DB)

static const struct {
    unsigned     cap;
    const char  *name;
} hs__caps[] = {
    { HS_CAP_REST, "rest" },
    { HS_CAP_CLIENT, "client" },
    { HS_CAP_WORKER, "worker" },
    { HS_CAP_DB, "db" },
};

typedef struct {
    hs_module_ctx_t   ctx;
    void             *config;       /* the typed struct */
    char             *origin;       /* nginx module that announced it */
    hs_error_t        err;
    int               mark;         /* ordering: 0 new, 1 visiting, 2 done */
} hs__module_t;

struct hs_registry_s {
    hs__module_t    **mods;
    size_t            n;
    size_t            cap;
    hs_clienthub_t   *hub;
    hs_db_t          *db;
    const hs_log_t   *log;
    size_t            initialized;  /* how many ran init */
};


static int
hs__name_ok(const char *name)
{
    const char  *p;

    if (name == NULL || name[0] < 'a' || name[0] > 'z') {
        return 0;
    }

    for (p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
              || *p == '_'))
        {
            return 0;
        }
    }

    return p - name <= 64;
}


static int
hs__version_ok(const char *v)
{
    int          dots, digits;
    const char  *p;

    if (v == NULL) {
        return 0;
    }

    dots = 0;
    digits = 0;

    for (p = v; *p && *p != '-' && *p != '+'; p++) {
        if (*p == '.') {
            if (digits == 0) {
                return 0;
            }
            dots++;
            digits = 0;

        } else if (*p >= '0' && *p <= '9') {
            if (digits == 1 && p[-1] == '0') {
                return 0;           /* no leading zeros */
            }
            digits++;

        } else {
            return 0;
        }
    }

    return dots == 2 && digits > 0;
}


hs_registry_t *
hs_registry_create(const hs_log_t *log)
{
    hs_registry_t  *reg;

    reg = hs_calloc(1, sizeof(hs_registry_t));
    if (reg == NULL) {
        return NULL;
    }

    reg->hub = hs_clienthub_create();
    if (reg->hub == NULL) {
        hs_free(reg);
        return NULL;
    }

    reg->log = log;

    return reg;
}


static void
hs__registry_fini(hs_registry_t *reg)
{
    size_t         i;
    hs__module_t  *m;

    for (i = reg->initialized; i > 0; i--) {
        m = reg->mods[i - 1];

        if (m->ctx.desc->fini != NULL) {
            m->ctx.desc->fini(&m->ctx);
        }

        m->ctx.data = NULL;

        if (m->ctx.state != HS_MODULE_FAILED) {
            m->ctx.state = HS_MODULE_CONFIGURED;
        }
    }

    reg->initialized = 0;
}


void
hs_registry_destroy(hs_registry_t *reg)
{
    size_t         i;
    hs__module_t  *m;

    if (reg == NULL) {
        return;
    }

    hs__registry_fini(reg);

    for (i = 0; i < reg->n; i++) {
        m = reg->mods[i];

        if (m->config != NULL) {
            hs_config_release(m->ctx.desc->config, m->config);
            hs_free(m->config);
        }

        hs_free(m->origin);
        hs_free(m);
    }

    hs_free(reg->mods);
    hs_clienthub_destroy(reg->hub);
    hs_free(reg);
}


void
hs_registry_set_db(hs_registry_t *reg, hs_db_t *db)
{
    size_t  i;

    reg->db = db;

    for (i = 0; i < reg->n; i++) {
        reg->mods[i]->ctx.db = db;
    }
}


size_t
hs_registry_db_modules(const hs_registry_t *reg, const char **names,
    size_t max)
{
    size_t  i, n;

    for (i = 0, n = 0; i < reg->n && n < max; i++) {
        if (reg->mods[i]->ctx.desc->capabilities & HS_CAP_DB) {
            names[n++] = reg->mods[i]->ctx.desc->name;
        }
    }

    return n;
}


hs_rc_t
hs_registry_add(hs_registry_t *reg, const hs_module_desc_t *desc,
    const char *origin, hs_error_t *err)
{
    size_t          i, ndeps;
    hs__module_t   *m, **mods;

    if (desc->abi != HS_MODULE_ABI) {
        hs_error_set(err, "hyperspot module \"%s\" (%s) was built for module "
                     "ABI %u, the core speaks ABI %u: rebuild it",
                     desc->name ? desc->name : "?", origin, desc->abi,
                     (unsigned) HS_MODULE_ABI);
        return HS_EVERSION;
    }

    if (!hs__name_ok(desc->name)) {
        hs_error_set(err, "hyperspot module in %s has an invalid name \"%s\""
                     " (lower-case letters, digits and '_', at most 64)",
                     origin, desc->name ? desc->name : "");
        return HS_EINVAL;
    }

    if (!hs__version_ok(desc->version)) {
        hs_error_set(err, "hyperspot module \"%s\" has an invalid version "
                     "\"%s\" (expected MAJOR.MINOR.PATCH)", desc->name,
                     desc->version ? desc->version : "");
        return HS_EINVAL;
    }

    if (desc->capabilities & ~(unsigned) HS__CAP_ALL) {
        hs_error_set(err, "hyperspot module \"%s\" declares unknown "
                     "capabilities 0x%x", desc->name,
                     desc->capabilities & ~(unsigned) HS__CAP_ALL);
        return HS_EINVAL;
    }

    if ((desc->rest != NULL) != ((desc->capabilities & HS_CAP_REST) != 0)) {
        hs_error_set(err, "hyperspot module \"%s\" %s", desc->name,
                     desc->rest ? "has a rest callback but does not declare "
                                  "HS_CAP_REST"
                                : "declares HS_CAP_REST without a rest "
                                  "callback");
        return HS_EINVAL;
    }

    if ((desc->start != NULL || desc->stop != NULL)
        && !(desc->capabilities & HS_CAP_WORKER))
    {
        hs_error_set(err, "hyperspot module \"%s\" has start/stop "
                     "callbacks but does not declare HS_CAP_WORKER",
                     desc->name);
        return HS_EINVAL;
    }

    if ((desc->config != NULL) != (desc->config_size > 0)) {
        hs_error_set(err, "hyperspot module \"%s\" declares %s",
                     desc->name, desc->config ? "settings without a config "
                                                "struct size"
                                              : "a config struct without "
                                                "settings");
        return HS_EINVAL;
    }

    ndeps = 0;
    while (desc->deps && desc->deps[ndeps]) {
        ndeps++;
    }

    if (ndeps > HS_MODULE_MAX_DEPS) {
        hs_error_set(err, "hyperspot module \"%s\" declares %zu dependencies,"
                     " at most %d are allowed", desc->name, ndeps,
                     HS_MODULE_MAX_DEPS);
        return HS_EINVAL;
    }

    for (i = 0; i < reg->n; i++) {
        if (strcmp(reg->mods[i]->ctx.desc->name, desc->name) == 0) {
            hs_error_set(err, "two hyperspot modules are named \"%s\": %s "
                         "and %s", desc->name, reg->mods[i]->origin,
                         origin);
            return HS_EEXIST;
        }
    }

    if (reg->n == reg->cap) {
        mods = hs_realloc(reg->mods,
                          (reg->cap ? reg->cap * 2 : 8) * sizeof(*mods));
        if (mods == NULL) {
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }

        reg->mods = mods;
        reg->cap = reg->cap ? reg->cap * 2 : 8;
    }

    m = hs_calloc(1, sizeof(hs__module_t));
    if (m == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    m->origin = hs_strdup(origin);
    if (desc->config_size > 0) {
        m->config = hs_calloc(1, desc->config_size);
    }

    if (m->origin == NULL || (desc->config_size > 0 && m->config == NULL)) {
        hs_free(m->origin);
        hs_free(m);
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    m->ctx.desc = desc;
    m->ctx.config = m->config;
    m->ctx.hub = reg->hub;
    m->ctx.db = reg->db;
    m->ctx.log = reg->log;
    m->ctx.err = &m->err;
    m->ctx.state = HS_MODULE_REGISTERED;

    reg->mods[reg->n++] = m;

    return HS_OK;
}


static hs__module_t *
hs__registry_get(const hs_registry_t *reg, const char *name)
{
    size_t  i;

    for (i = 0; i < reg->n; i++) {
        if (strcmp(reg->mods[i]->ctx.desc->name, name) == 0) {
            return reg->mods[i];
        }
    }

    return NULL;
}


static hs_rc_t hs__registry_visit(hs_registry_t *reg, hs__module_t *m,
    hs__module_t **out, size_t *nout, hs__module_t **path, size_t depth,
    hs_error_t *err);


/*
 * One entry of m's dependencies: a module name, or alternatives
 * "a|b|c" (plugins of a gateway): every loaded one comes first, and at
 * least one must be loaded.
 */
static hs_rc_t
hs__registry_visit_dep(hs_registry_t *reg, hs__module_t *m, const char *dep,
    hs__module_t **out, size_t *nout, hs__module_t **path, size_t depth,
    hs_error_t *err)
{
    char           name[HS__DEP_MAX], others[HS__DEP_MAX + 32];
    size_t         len, found, o;
    hs_rc_t        rc;
    const char    *p, *e;
    hs__module_t  *d;

    found = 0;
    o = 0;
    others[0] = '\0';

    for (p = dep; ; p = e + 1) {
        e = strchr(p, '|');
        len = e ? (size_t) (e - p) : strlen(p);

        if (len >= sizeof(name)) {
            len = sizeof(name) - 1;
        }

        memcpy(name, p, len);
        name[len] = '\0';

        d = hs__registry_get(reg, name);

        if (d != NULL) {
            found++;
            rc = hs__registry_visit(reg, d, out, nout, path, depth + 1, err);
            if (rc != HS_OK) {
                return rc;
            }

        } else if (p != dep) {
            o += snprintf(others + o, o < sizeof(others)
                          ? sizeof(others) - o : 0, "%s\"%s\"",
                          o ? ", " : "", name);
        }

        if (e == NULL) {
            break;
        }
    }

    if (found > 0) {
        return HS_OK;
    }

    len = strcspn(dep, "|");

    if (dep[len] == '\0') {
        hs_error_set(err, "hyperspot module \"%s\" depends on \"%s\", "
                     "which is not loaded (add its load_module line)",
                     m->ctx.desc->name, dep);

    } else {
        hs_error_set(err, "hyperspot module \"%s\" depends on \"%.*s\", "
                     "which is not loaded, nor is any alternative (%s): "
                     "add a load_module line for one of them",
                     m->ctx.desc->name, (int) len, dep, others);
    }

    return HS_ENOTFOUND;
}


/* Depth-first visit; path holds the chain for cycle messages. */
static hs_rc_t
hs__registry_visit(hs_registry_t *reg, hs__module_t *m, hs__module_t **out,
    size_t *nout, hs__module_t **path, size_t depth, hs_error_t *err)
{
    char                 chain[768];
    size_t               i, k, len;
    hs_rc_t              rc;
    const char *const   *d;

    if (m->mark == 2) {
        return HS_OK;
    }

    path[depth] = m;

    if (m->mark == 1) {
        /* the cycle starts where m was first entered */
        for (k = 0; path[k] != m; k++) { /* void */ }

        len = 0;
        chain[0] = '\0';
        for (i = k; i <= depth; i++) {
            len += snprintf(chain + len, len < sizeof(chain)
                            ? sizeof(chain) - len : 0, "%s%s",
                            i > k ? " -> " : "", path[i]->ctx.desc->name);
        }

        hs_error_set(err, "hyperspot module dependency cycle: %s", chain);
        return HS_ERROR;
    }

    m->mark = 1;

    for (d = m->ctx.desc->deps; d && *d; d++) {
        rc = hs__registry_visit_dep(reg, m, *d, out, nout, path, depth, err);
        if (rc != HS_OK) {
            return rc;
        }
    }

    m->mark = 2;
    out[(*nout)++] = m;

    return HS_OK;
}


hs_rc_t
hs_registry_order(hs_registry_t *reg, hs_error_t *err)
{
    size_t          i, nout;
    hs_rc_t         rc;
    hs__module_t  **out, **path;

    if (reg->n == 0) {
        return HS_OK;
    }

    out = hs_calloc(reg->n, sizeof(*out));
    path = hs_calloc(reg->n + 1, sizeof(*path));

    if (out == NULL || path == NULL) {
        hs_free(out);
        hs_free(path);
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    for (i = 0; i < reg->n; i++) {
        reg->mods[i]->mark = 0;
    }

    nout = 0;
    rc = HS_OK;

    for (i = 0; i < reg->n && rc == HS_OK; i++) {
        rc = hs__registry_visit(reg, reg->mods[i], out, &nout, path, 0, err);
    }

    if (rc == HS_OK) {
        memcpy(reg->mods, out, reg->n * sizeof(*out));
    }

    hs_free(out);
    hs_free(path);

    return rc;
}


hs_rc_t
hs_registry_configure(hs_registry_t *reg, const hs_yaml_doc_t *doc,
    hs_getenv_pt getenv_fn, void *getenv_data, hs_error_t *err)
{
    char           where[600], path[256], names[512];
    size_t         i, n;
    json_t        *root, *mods, *sect, *v;
    hs_rc_t        rc;
    const char    *key, *k2;
    hs__module_t  *m;

    root = doc ? hs_yaml_root(doc) : NULL;
    mods = NULL;

    if (root != NULL) {
        json_object_foreach(root, key, v) {
            if (strcmp(key, "modules") != 0 && strcmp(key, "openapi") != 0
                && strcmp(key, "security") != 0)
            {
                hs_error_set(err, "%s: unknown top-level key \"%s\" "
                             "(known: modules, openapi, security)",
                             hs_yaml_where(doc, key, where, sizeof(where)),
                             key);
                return HS_EINVAL;
            }
        }

        mods = json_object_get(root, "modules");

        if (mods != NULL && !json_is_null(mods) && !json_is_object(mods)) {
            hs_error_set(err, "%s: \"modules\" must be a mapping of module "
                         "names", hs_yaml_where(doc, "modules", where,
                                                sizeof(where)));
            return HS_EINVAL;
        }

        if (json_is_null(mods)) {
            mods = NULL;
        }
    }

    if (mods != NULL) {
        json_object_foreach(mods, key, v) {
            snprintf(path, sizeof(path), "modules.%s", key);

            if (hs__registry_get(reg, key) == NULL) {
                n = 0;
                names[0] = '\0';
                for (i = 0; i < reg->n; i++) {
                    n += snprintf(names + n, n < sizeof(names)
                                  ? sizeof(names) - n : 0, "%s%s",
                                  i ? ", " : "", reg->mods[i]->ctx.desc->name);
                }

                hs_error_set(err, "%s: %s: no hyperspot module \"%s\" is "
                             "loaded (loaded: %s)",
                             hs_yaml_where(doc, path, where, sizeof(where)),
                             path, key, n ? names : "none");
                return HS_EINVAL;
            }

            if (json_is_null(v)) {
                continue;
            }

            if (!json_is_object(v)) {
                hs_error_set(err, "%s: %s must be a mapping with a \"config\""
                             " key", hs_yaml_where(doc, path, where,
                                                   sizeof(where)), path);
                return HS_EINVAL;
            }

            json_object_foreach(v, k2, sect) {
                if (strcmp(k2, "config") != 0) {
                    snprintf(path, sizeof(path), "modules.%s.%s", key, k2);
                    hs_error_set(err, "%s: %s: unknown key (module sections "
                                 "take \"config\")",
                                 hs_yaml_where(doc, path, where,
                                               sizeof(where)), path);
                    return HS_EINVAL;
                }
            }
        }
    }

    for (i = 0; i < reg->n; i++) {
        m = reg->mods[i];
        sect = NULL;

        if (mods != NULL) {
            v = json_object_get(mods, m->ctx.desc->name);
            sect = json_is_object(v) ? json_object_get(v, "config") : NULL;
        }

        snprintf(path, sizeof(path), "modules.%s.config", m->ctx.desc->name);

        if (sect != NULL && m->ctx.desc->config == NULL
            && !json_is_null(sect)
            && !(json_is_object(sect) && json_object_size(sect) == 0))
        {
            hs_error_set(err, "%s: %s: module \"%s\" takes no settings",
                         hs_yaml_where(doc, path, where, sizeof(where)),
                         path, m->ctx.desc->name);
            return HS_EINVAL;
        }

        if (m->ctx.desc->config != NULL) {
            rc = hs_config_apply(m->ctx.desc->name, m->ctx.desc->config,
                                 m->config, sect, doc, path, getenv_fn,
                                 getenv_data, err);
            if (rc != HS_OK) {
                return rc;
            }
        }

        m->ctx.state = HS_MODULE_CONFIGURED;
    }

    return HS_OK;
}


hs_rc_t
hs_registry_init(hs_registry_t *reg, hs_api_t *api, hs_error_t *err)
{
    size_t         i;
    hs_rc_t        rc;
    hs__module_t  *m;

    for (i = 0; i < reg->n; i++) {
        m = reg->mods[i];
        m->err.msg[0] = '\0';

        rc = m->ctx.desc->init ? m->ctx.desc->init(&m->ctx) : HS_OK;

        /* a failed init cleans up after itself; fini is not called */
        if (rc != HS_OK) {
            m->ctx.state = HS_MODULE_FAILED;
            hs_error_set(err, "hyperspot module \"%s\" failed to "
                         "initialize: %s", m->ctx.desc->name,
                         m->err.msg[0] ? m->err.msg : "init returned an error");
            hs__registry_fini(reg);
            return rc;
        }

        reg->initialized = i + 1;
        m->ctx.state = HS_MODULE_INITIALIZED;
    }

    for (i = 0; i < reg->n; i++) {
        m = reg->mods[i];
        m->err.msg[0] = '\0';

        if (m->ctx.desc->rest == NULL) {
            continue;
        }

        rc = m->ctx.desc->rest(&m->ctx, api);

        if (rc != HS_OK) {
            m->ctx.state = HS_MODULE_FAILED;
            hs_error_set(err, "hyperspot module \"%s\" failed to register its"
                         " REST operations: %s", m->ctx.desc->name,
                         m->err.msg[0] ? m->err.msg : "rest returned an error");
            hs__registry_fini(reg);
            return rc;
        }
    }

    return HS_OK;
}


hs_rc_t
hs_registry_start(hs_registry_t *reg, hs_error_t *err)
{
    size_t         i;
    hs_rc_t        rc, ret;
    hs__module_t  *m;

    ret = HS_OK;

    for (i = 0; i < reg->n; i++) {
        m = reg->mods[i];

        if (m->ctx.state != HS_MODULE_INITIALIZED) {
            continue;
        }

        m->err.msg[0] = '\0';
        rc = m->ctx.desc->start ? m->ctx.desc->start(&m->ctx) : HS_OK;

        if (rc != HS_OK) {
            m->ctx.state = HS_MODULE_FAILED;
            if (ret == HS_OK) {
                hs_error_set(err, "hyperspot module \"%s\" failed to start: "
                             "%s", m->ctx.desc->name,
                             m->err.msg[0] ? m->err.msg
                                           : "start returned an error");
                ret = rc;
            }
            continue;
        }

        m->ctx.state = HS_MODULE_RUNNING;
    }

    return ret;
}


void
hs_registry_stop(hs_registry_t *reg)
{
    size_t         i;
    hs__module_t  *m;

    for (i = reg->n; i > 0; i--) {
        m = reg->mods[i - 1];

        if (m->ctx.state != HS_MODULE_RUNNING) {
            continue;
        }

        if (m->ctx.desc->stop != NULL) {
            m->ctx.desc->stop(&m->ctx);
        }

        m->ctx.state = HS_MODULE_STOPPED;
    }
}


size_t
hs_registry_count(const hs_registry_t *reg)
{
    return reg->n;
}


hs_module_ctx_t *
hs_registry_module(const hs_registry_t *reg, size_t i)
{
    return i < reg->n ? &reg->mods[i]->ctx : NULL;
}


hs_module_ctx_t *
hs_registry_find(const hs_registry_t *reg, const char *name)
{
    hs__module_t  *m;

    m = hs__registry_get(reg, name);

    return m ? &m->ctx : NULL;
}


hs_clienthub_t *
hs_registry_hub(const hs_registry_t *reg)
{
    return reg->hub;
}


const char *
hs_module_state_name(hs_module_state_t state)
{
    switch (state) {
    case HS_MODULE_REGISTERED:  return "registered";
    case HS_MODULE_CONFIGURED:  return "configured";
    case HS_MODULE_INITIALIZED: return "initialized";
    case HS_MODULE_RUNNING:     return "running";
    case HS_MODULE_STOPPED:     return "stopped";
    default:                    return "failed";
    }
}


json_t *
hs_registry_health(const hs_registry_t *reg, time_t now)
{
    char        ts[32];
    size_t      i, k;
    json_t     *doc, *mods, *m, *caps;
    struct tm   tm;
    int         healthy;

    mods = json_array();
    if (mods == NULL) {
        return NULL;
    }

    healthy = 1;

    for (i = 0; i < reg->n; i++) {
        caps = json_array();
        for (k = 0; caps && k < sizeof(hs__caps) / sizeof(hs__caps[0]); k++)
        {
            if (reg->mods[i]->ctx.desc->capabilities & hs__caps[k].cap) {
                json_array_append_new(caps, json_string(hs__caps[k].name));
            }
        }

        m = json_pack("{s:s, s:s, s:s, s:o?}",
                      "name", reg->mods[i]->ctx.desc->name,
                      "version", reg->mods[i]->ctx.desc->version,
                      "state",
                      hs_module_state_name(reg->mods[i]->ctx.state),
                      "capabilities", caps);

        if (m == NULL || json_array_append_new(mods, m) != 0) {
            json_decref(mods);
            return NULL;
        }

        if (reg->mods[i]->ctx.state != HS_MODULE_RUNNING) {
            healthy = 0;
        }
    }

    gmtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);

    doc = json_pack("{s:s, s:s, s:o}",
                    "status", healthy ? "healthy" : "unhealthy",
                    "timestamp", ts,
                    "modules", mods);

    return doc;
}


/* Announcements (the only process-wide state in modkit). */

static const void               *hs__ann_cycle;
static const hs_module_desc_t  **hs__ann_descs;
static const char              **hs__ann_origins;
static size_t                    hs__ann_n;
static size_t                    hs__ann_cap;


void
hs_announce_open(const void *cycle)
{
    hs__ann_cycle = cycle;
    hs__ann_n = 0;
}


hs_rc_t
hs_announce(const void *cycle, const hs_module_desc_t *desc,
    const char *origin, hs_error_t *err)
{
    size_t                    cap;
    const char              **o;
    const hs_module_desc_t  **d;

    if (cycle == NULL || cycle != hs__ann_cycle) {
        hs_error_set(err, "hyperspot module \"%s\" (%s) is loaded before the"
                     " core module ngx_http_hyperspot_module, or the core is "
                     "not loaded: put the core's load_module line first",
                     desc->name ? desc->name : "?", origin);
        return HS_ERROR;
    }

    if (hs__ann_n == hs__ann_cap) {
        cap = hs__ann_cap ? hs__ann_cap * 2 : 16;
        d = hs_realloc(hs__ann_descs, cap * sizeof(*d));
        if (d == NULL) {
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }
        hs__ann_descs = d;

        o = hs_realloc(hs__ann_origins, cap * sizeof(*o));
        if (o == NULL) {
            hs_error_set(err, "out of memory");
            return HS_ENOMEM;
        }
        hs__ann_origins = o;
        hs__ann_cap = cap;
    }

    hs__ann_descs[hs__ann_n] = desc;
    hs__ann_origins[hs__ann_n] = origin;
    hs__ann_n++;

    return HS_OK;
}


size_t
hs_announce_take(const void *cycle, const hs_module_desc_t ***descs,
    const char ***origins)
{
    size_t  n;

    if (cycle != hs__ann_cycle) {
        *descs = NULL;
        *origins = NULL;
        return 0;
    }

    n = hs__ann_n;
    *descs = hs__ann_descs;
    *origins = hs__ann_origins;

    hs__ann_cycle = NULL;

    return n;
}
