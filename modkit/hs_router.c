/*
 * The router: a trie of path segments. Literal children are sorted at
 * freeze time and found by binary search; a node has at most one
 * parameter child. Each node lists the methods routed at it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_router.h"

typedef struct hs__rnode_s  hs__rnode_t;

typedef struct {
    char         method[8];
    hs_route_t   route;         /* copy; strings owned by the router */
    char        *module;
    void        *data;
    void        *op;
    char        *pnames[HS_ROUTE_MAX_PARAMS];
    size_t       nparams;
    size_t       seq;           /* declaration order */
} hs__rentry_t;

struct hs__rnode_s {
    char           *seg;        /* literal segment */
    size_t          seg_len;
    hs__rnode_t   **kids;       /* literal children */
    size_t          nkids;
    size_t          kids_cap;
    hs__rnode_t    *param;      /* "{name}" child */
    hs__rentry_t  **entries;    /* routes ending here, one per method */
    size_t          nentries;
};

struct hs_router_s {
    hs__rnode_t     root;
    size_t          count;
    int             frozen;
};

static const char *const  hs__methods[] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", NULL
};


hs_router_t *
hs_router_create(void)
{
    return hs_calloc(1, sizeof(hs_router_t));
}


static void
hs__rentry_free(hs__rentry_t *e)
{
    size_t  i;

    for (i = 0; i < e->nparams; i++) {
        hs_free(e->pnames[i]);
    }

    hs_free((char *) e->route.path);
    hs_free((char *) e->route.operation_id);
    hs_free((char *) e->route.summary);
    hs_free(e->module);
    hs_free(e);
}


static void
hs__rnode_free(hs__rnode_t *n, int self)
{
    size_t  i;

    for (i = 0; i < n->nkids; i++) {
        hs__rnode_free(n->kids[i], 1);
    }

    if (n->param != NULL) {
        hs__rnode_free(n->param, 1);
    }

    for (i = 0; i < n->nentries; i++) {
        hs__rentry_free(n->entries[i]);
    }

    hs_free(n->kids);
    hs_free(n->entries);
    hs_free(n->seg);

    if (self) {
        hs_free(n);
    }
}


void
hs_router_destroy(hs_router_t *router)
{
    if (router == NULL) {
        return;
    }

    hs__rnode_free(&router->root, 0);
    hs_free(router);
}


static int
hs__method_known(const char *m)
{
    const char *const  *p;

    for (p = hs__methods; *p; p++) {
        if (strcmp(*p, m) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
hs__seg_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
           || c == '~';
}


static hs__rnode_t *
hs__rnode_child(hs__rnode_t *n, const char *seg, size_t len, int param)
{
    size_t        i, cap;
    hs__rnode_t  *k, **kids;

    if (param) {
        if (n->param == NULL) {
            n->param = hs_calloc(1, sizeof(hs__rnode_t));
        }
        return n->param;
    }

    for (i = 0; i < n->nkids; i++) {
        k = n->kids[i];
        if (k->seg_len == len && memcmp(k->seg, seg, len) == 0) {
            return k;
        }
    }

    if (n->nkids == n->kids_cap) {
        cap = n->kids_cap ? n->kids_cap * 2 : 4;
        kids = hs_realloc(n->kids, cap * sizeof(*kids));
        if (kids == NULL) {
            return NULL;
        }
        n->kids = kids;
        n->kids_cap = cap;
    }

    k = hs_calloc(1, sizeof(hs__rnode_t));
    if (k == NULL) {
        return NULL;
    }

    k->seg = hs_strndup(seg, len);
    if (k->seg == NULL) {
        hs_free(k);
        return NULL;
    }
    k->seg_len = len;

    n->kids[n->nkids++] = k;

    return k;
}


hs_rc_t
hs_router_add(hs_router_t *router, const char *module,
    const hs_route_t *route, void *data, hs_error_t *err)
{
    return hs_router_add_ex(router, module, route, data, NULL, err);
}


hs_rc_t
hs_router_add_ex(hs_router_t *router, const char *module,
    const hs_route_t *route, void *data, void *op, hs_error_t *err)
{
    size_t          len, i, j;
    const char     *p, *seg, *path;
    hs__rnode_t    *node;
    hs__rentry_t   *e, **entries;

    path = route->path;

    if (route->method == NULL || !hs__method_known(route->method)) {
        hs_error_set(err, "module \"%s\": route %s has an unknown method "
                     "\"%s\"", module, path ? path : "?",
                     route->method ? route->method : "");
        return HS_EINVAL;
    }

    if (path == NULL || path[0] != '/') {
        hs_error_set(err, "module \"%s\": route %s \"%s\": the path must "
                     "start with '/'", module, route->method,
                     path ? path : "");
        return HS_EINVAL;
    }

    if (route->handler == NULL && !(route->flags & HS_ROUTE_EVENT_LOOP)) {
        hs_error_set(err, "module \"%s\": route %s %s has no handler",
                     module, route->method, path);
        return HS_EINVAL;
    }

    if (router->frozen) {
        hs_error_set(err, "module \"%s\": route %s %s added after the router"
                     " was built", module, route->method, path);
        return HS_ERROR;
    }

    e = hs_calloc(1, sizeof(hs__rentry_t));
    if (e == NULL) {
        hs_error_set(err, "out of memory");
        return HS_ENOMEM;
    }

    node = &router->root;
    p = path + 1;

    while (*p != '\0') {
        seg = p;
        while (*p && *p != '/') {
            p++;
        }
        len = p - seg;

        if (len == 0) {
            hs_error_set(err, "module \"%s\": route %s %s has an empty "
                         "path segment", module, route->method, path);
            goto failed;
        }

        if (seg[0] == '{') {
            if (len < 3 || seg[len - 1] != '}') {
                hs_error_set(err, "module \"%s\": route %s %s: a parameter "
                             "must be a whole segment \"{name}\"", module,
                             route->method, path);
                goto failed;
            }

            for (i = 1; i < len - 1; i++) {
                if (!((seg[i] >= 'a' && seg[i] <= 'z') || seg[i] == '_'
                      || (i > 1 && seg[i] >= '0' && seg[i] <= '9')))
                {
                    hs_error_set(err, "module \"%s\": route %s %s: parameter"
                                 " names are snake_case", module,
                                 route->method, path);
                    goto failed;
                }
            }

            if (e->nparams == HS_ROUTE_MAX_PARAMS) {
                hs_error_set(err, "module \"%s\": route %s %s has more than "
                             "%d parameters", module, route->method, path,
                             HS_ROUTE_MAX_PARAMS);
                goto failed;
            }

            for (j = 0; j < e->nparams; j++) {
                if (strlen(e->pnames[j]) == len - 2
                    && memcmp(e->pnames[j], seg + 1, len - 2) == 0)
                {
                    hs_error_set(err, "module \"%s\": route %s %s repeats "
                                 "parameter \"%.*s\"", module, route->method,
                                 path, (int) (len - 2), seg + 1);
                    goto failed;
                }
            }

            e->pnames[e->nparams] = hs_strndup(seg + 1, len - 2);
            if (e->pnames[e->nparams] == NULL) {
                goto nomem;
            }
            e->nparams++;

            node = hs__rnode_child(node, seg, len, 1);

        } else {
            for (i = 0; i < len; i++) {
                if (!hs__seg_char_ok(seg[i])) {
                    hs_error_set(err, "module \"%s\": route %s %s: character"
                                 " '%c' is not allowed in a path", module,
                                 route->method, path, seg[i]);
                    goto failed;
                }
            }

            node = hs__rnode_child(node, seg, len, 0);
        }

        if (node == NULL) {
            goto nomem;
        }

        if (*p == '/') {
            p++;
            if (*p == '\0') {
                hs_error_set(err, "module \"%s\": route %s %s ends with '/'",
                             module, route->method, path);
                goto failed;
            }
        }
    }

    for (i = 0; i < node->nentries; i++) {
        if (strcmp(node->entries[i]->method, route->method) == 0) {
            hs_error_set(err, "module \"%s\": route %s %s is already declared"
                         " by module \"%s\" (as %s)", module, route->method,
                         path, node->entries[i]->module,
                         node->entries[i]->route.path);
            goto failed;
        }
    }

    entries = hs_realloc(node->entries,
                         (node->nentries + 1) * sizeof(*entries));
    if (entries == NULL) {
        goto nomem;
    }
    node->entries = entries;

    snprintf(e->method, sizeof(e->method), "%s", route->method);
    e->route = *route;
    e->route.method = e->method;
    e->route.path = hs_strdup(path);
    e->route.operation_id = route->operation_id
                            ? hs_strdup(route->operation_id) : NULL;
    e->route.summary = route->summary ? hs_strdup(route->summary) : NULL;
    e->module = hs_strdup(module);
    e->data = data;
    e->op = op;
    e->seq = router->count;

    if (e->route.path == NULL || e->module == NULL
        || (route->operation_id && e->route.operation_id == NULL)
        || (route->summary && e->route.summary == NULL))
    {
        goto nomem;
    }

    node->entries[node->nentries++] = e;
    router->count++;

    return HS_OK;

nomem:

    hs_error_set(err, "out of memory");

failed:

    hs__rentry_free(e);
    return HS_ERROR;
}


static int
hs__rnode_cmp(const void *a, const void *b)
{
    const hs__rnode_t  *x = *(hs__rnode_t *const *) a;
    const hs__rnode_t  *y = *(hs__rnode_t *const *) b;
    size_t              n;
    int                 rc;

    n = x->seg_len < y->seg_len ? x->seg_len : y->seg_len;
    rc = memcmp(x->seg, y->seg, n);

    if (rc != 0) {
        return rc;
    }

    return x->seg_len < y->seg_len ? -1 : x->seg_len > y->seg_len;
}


static void
hs__rnode_freeze(hs__rnode_t *n)
{
    size_t  i;

    if (n->nkids > 1) {
        qsort(n->kids, n->nkids, sizeof(*n->kids), hs__rnode_cmp);
    }

    for (i = 0; i < n->nkids; i++) {
        hs__rnode_freeze(n->kids[i]);
    }

    if (n->param != NULL) {
        hs__rnode_freeze(n->param);
    }
}


void
hs_router_freeze(hs_router_t *router)
{
    hs__rnode_freeze(&router->root);
    router->frozen = 1;
}


size_t
hs_router_count(const hs_router_t *router)
{
    return router->count;
}


static hs__rnode_t *
hs__rnode_find(const hs__rnode_t *n, const char *seg, size_t len)
{
    size_t        lo, hi, mid, k;
    int           rc;
    hs__rnode_t  *c;

    lo = 0;
    hi = n->nkids;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        c = n->kids[mid];

        k = c->seg_len < len ? c->seg_len : len;
        rc = memcmp(c->seg, seg, k);
        if (rc == 0) {
            rc = c->seg_len < len ? -1 : c->seg_len > len;
        }

        if (rc == 0) {
            return c;
        }

        if (rc < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


/* Literal segments win over parameters; backtracks when a literal dead-ends. */
static const hs__rnode_t *
hs__rnode_match(const hs__rnode_t *n, const char *p, const char *end,
    hs_route_match_t *m, size_t depth)
{
    size_t              len;
    const char         *seg;
    const hs__rnode_t  *c, *r;

    if (p == end) {
        return n->nentries > 0 ? n : NULL;
    }

    /* p points after a '/' */
    seg = p;
    while (p < end && *p != '/') {
        p++;
    }
    len = p - seg;

    if (len == 0 || (p < end && p + 1 == end)) {
        return NULL;            /* "//" or a trailing '/' */
    }

    if (p < end) {
        p++;
    }

    c = hs__rnode_find(n, seg, len);
    if (c != NULL) {
        r = hs__rnode_match(c, p, end, m, depth);
        if (r != NULL) {
            return r;
        }
    }

    if (n->param != NULL && depth < HS_ROUTE_MAX_PARAMS) {
        r = hs__rnode_match(n->param, p, end, m, depth + 1);
        if (r != NULL) {
            m->params[depth].value = seg;
            m->params[depth].len = len;
            return r;
        }
    }

    return NULL;
}


hs_rc_t
hs_router_match(const hs_router_t *router, const char *method,
    size_t method_len, const char *path, size_t path_len,
    hs_route_match_t *m)
{
    int                  head;
    size_t               i, n;
    const hs__rnode_t   *node;
    const hs__rentry_t  *e, *get;

    memset(m, 0, sizeof(hs_route_match_t));

    if (path_len == 0 || path[0] != '/') {
        return HS_ENOTFOUND;
    }

    node = hs__rnode_match(&router->root, path + 1, path + path_len, m, 0);
    if (node == NULL) {
        return HS_ENOTFOUND;
    }

    get = NULL;

    for (i = 0; i < node->nentries; i++) {
        e = node->entries[i];

        if (strlen(e->method) == method_len
            && memcmp(e->method, method, method_len) == 0)
        {
            break;
        }

        if (strcmp(e->method, "GET") == 0) {
            get = e;
        }
    }

    if (i == node->nentries) {
        if (get != NULL && method_len == 4 && memcmp(method, "HEAD", 4) == 0)
        {
            e = get;

        } else {
            head = 0;
            for (i = 0; i < node->nentries; i++) {
                head |= strcmp(node->entries[i]->method, "HEAD") == 0;
            }

            n = 0;
            for (i = 0; i < node->nentries; i++) {
                n += snprintf(m->allow + n, n < sizeof(m->allow)
                              ? sizeof(m->allow) - n : 0, "%s%s",
                              i ? ", " : "", node->entries[i]->method);
                if (!head && strcmp(node->entries[i]->method, "GET") == 0) {
                    n += snprintf(m->allow + n, n < sizeof(m->allow)
                                  ? sizeof(m->allow) - n : 0, ", HEAD");
                }
            }
            return HS_EMETHOD;
        }
    }

    m->route = &e->route;
    m->module = e->module;
    m->data = e->data;
    m->op = e->op;
    m->nparams = e->nparams;

    for (i = 0; i < e->nparams; i++) {
        m->params[i].name = e->pnames[i];
        m->params[i].name_len = strlen(e->pnames[i]);
    }

    return HS_OK;
}


static void
hs__rnode_collect(const hs__rnode_t *n, const hs__rentry_t **out)
{
    size_t  i;

    for (i = 0; i < n->nentries; i++) {
        out[n->entries[i]->seq] = n->entries[i];
    }

    for (i = 0; i < n->nkids; i++) {
        hs__rnode_collect(n->kids[i], out);
    }

    if (n->param != NULL) {
        hs__rnode_collect(n->param, out);
    }
}


void
hs_router_each(const hs_router_t *router,
    void (*fn)(const hs_route_t *route, const char *module, void *op,
    void *data), void *data)
{
    size_t                i;
    const hs__rentry_t  **all;

    if (router->count == 0) {
        return;
    }

    all = hs_calloc(router->count, sizeof(*all));
    if (all == NULL) {
        return;
    }

    hs__rnode_collect(&router->root, all);

    for (i = 0; i < router->count; i++) {
        if (all[i] != NULL) {
            fn(&all[i]->route, all[i]->module, all[i]->op, data);
        }
    }

    hs_free(all);
}
