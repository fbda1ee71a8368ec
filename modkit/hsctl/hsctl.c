/*
 * hsctl: HyperSpot's command-line tool.
 *
 *   hsctl openapi -c nginx.conf [-p prefix]
 *   hsctl openapi [-m modules-dir] [-y hyperspot.yaml] module...
 *       print the OpenAPI document of a configuration without starting
 *       nginx (the modules' descriptors are read from their .so files)
 *
 *   hsctl migrate -c nginx.conf [-p prefix] [--status]
 *   hsctl migrate [-m dir] [-d url] [-M migrations] [--status] module...
 *       apply the pending migrations of the database modules, or list
 *       every migration with its state
 *
 *   hsctl schema validate SCHEMA.json INSTANCE.json
 *       exit 0: valid; 1: invalid (violations printed); 2: bad input
 */

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hs_modkit.h>

#define HSCTL_MAX_MODULES  64

typedef const hs_module_desc_t *(*hsctl_descriptor_pt)(void);

typedef struct {
    char                     *paths[HSCTL_MAX_MODULES];
    size_t                    n;
    const hs_module_desc_t   *descs[HSCTL_MAX_MODULES];
    const char               *origins[HSCTL_MAX_MODULES];
    void                     *handles[HSCTL_MAX_MODULES];
    char                     *yaml;
    char                     *database;
    char                     *migrations;
} hsctl_conf_t;


static void
hsctl_usage(FILE *f)
{
    fprintf(f,
        "usage:\n"
        "  hsctl openapi -c NGINX.CONF [-p PREFIX]\n"
        "  hsctl openapi [-m MODULES-DIR] [-y HYPERSPOT.YAML] MODULE...\n"
        "  hsctl migrate -c NGINX.CONF [-p PREFIX] [--status]\n"
        "  hsctl migrate [-m MODULES-DIR] [-d DATABASE-URL] "
        "[-M MIGRATIONS-DIR]\n"
        "                [--status] MODULE...\n"
        "  hsctl schema validate SCHEMA.json INSTANCE.json\n");
}


static void
hsctl_log(void *data, hs_log_level_t level, const char *msg)
{
    fprintf(stderr, "hsctl: %s\n", msg);
}


/* "x" relative to dir, unless absolute. */
static char *
hsctl_path(const char *dir, const char *x)
{
    char  buf[PATH_MAX];

    if (x[0] == '/' || dir == NULL) {
        return strdup(x);
    }

    snprintf(buf, sizeof(buf), "%s/%s", dir, x);

    return strdup(buf);
}


/*
 * The load_module and hyperspot_config lines of an nginx.conf (the
 * simple, one-directive-per-line form of conf/nginx.conf).
 */
static int
hsctl_read_nginx_conf(const char *conf, const char *prefix, hsctl_conf_t *c)
{
    char   line[4096], arg[PATH_MAX], dir[PATH_MAX], *p, *e;
    FILE  *f;

    f = fopen(conf, "r");
    if (f == NULL) {
        fprintf(stderr, "hsctl: cannot open \"%s\": %s\n", conf,
                strerror(errno));
        return -1;
    }

    if (prefix == NULL) {
        snprintf(dir, sizeof(dir), "%s", conf);
        prefix = dirname(dir);
    }

    while (fgets(line, sizeof(line), f) != NULL) {
        p = line + strspn(line, " \t");

        if (strncmp(p, "load_module", 11) != 0
            && strncmp(p, "hyperspot_config ", 17) != 0
            && strncmp(p, "hyperspot_database ", 19) != 0
            && strncmp(p, "hyperspot_migrations ", 21) != 0)
        {
            continue;
        }

        e = p + strcspn(p, " \t");
        if (sscanf(e, " %4095[^; \t\n]", arg) != 1) {
            continue;
        }

        if (strncmp(p, "hyperspot_config", 16) == 0) {
            free(c->yaml);
            c->yaml = hsctl_path(prefix, arg);
            continue;
        }

        if (strncmp(p, "hyperspot_database", 18) == 0) {
            free(c->database);
            c->database = strdup(arg);
            continue;
        }

        if (strncmp(p, "hyperspot_migrations", 20) == 0) {
            free(c->migrations);
            c->migrations = hsctl_path(prefix, arg);
            continue;
        }

        /* the core is not loaded: hsctl plays its part */
        if (strstr(arg, "ngx_http_hyperspot_module.so") != NULL) {
            continue;
        }

        if (c->n == HSCTL_MAX_MODULES) {
            fprintf(stderr, "hsctl: too many modules\n");
            fclose(f);
            return -1;
        }

        c->paths[c->n++] = hsctl_path(prefix, arg);
    }

    fclose(f);

    return 0;
}


static int
hsctl_load(hsctl_conf_t *c)
{
    size_t               i;
    const char          *base;
    hsctl_descriptor_pt  fn;

    for (i = 0; i < c->n; i++) {
        /* nginx's symbols stay unresolved: only the descriptor is used */
        c->handles[i] = dlopen(c->paths[i], RTLD_LAZY | RTLD_LOCAL);
        if (c->handles[i] == NULL) {
            fprintf(stderr, "hsctl: %s\n", dlerror());
            return -1;
        }

        fn = (hsctl_descriptor_pt) dlsym(c->handles[i],
                                         "hs_module_descriptor");
        if (fn == NULL) {
            fprintf(stderr, "hsctl: \"%s\" is not a HyperSpot module\n",
                    c->paths[i]);
            return -1;
        }

        c->descs[i] = fn();

        base = strrchr(c->paths[i], '/');
        c->origins[i] = base ? base + 1 : c->paths[i];
    }

    return 0;
}


static void
hsctl_release(hsctl_conf_t *c)
{
    size_t  i;

    for (i = 0; i < c->n; i++) {
        free(c->paths[i]);
    }

    free(c->yaml);
    free(c->database);
    free(c->migrations);
}


/*
 * The common options of openapi and migrate: either -c nginx.conf, or a
 * module list with -m/-y/-d/-M. *status is set by --status.
 */
static int
hsctl_configure(int argc, char **argv, hsctl_conf_t *c, int *status)
{
    int     i, opt;
    char    self[PATH_MAX], path[PATH_MAX], *conf, *prefix, *mdir;
    size_t  k;
    ssize_t n;

    conf = NULL;
    prefix = NULL;
    mdir = NULL;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--status") == 0) {
            if (status == NULL) {
                hsctl_usage(stderr);
                return 2;
            }
            *status = 1;
            memmove(&argv[i], &argv[i + 1], (argc - i) * sizeof(char *));
            argc--;
            i--;
        }
    }

    optind = 1;
    while ((opt = getopt(argc, argv, "c:p:m:y:d:M:h")) != -1) {
        switch (opt) {
        case 'c': conf = optarg; break;
        case 'p': prefix = optarg; break;
        case 'm': mdir = optarg; break;
        case 'y': free(c->yaml); c->yaml = strdup(optarg); break;
        case 'd': free(c->database); c->database = strdup(optarg); break;
        case 'M': free(c->migrations); c->migrations = strdup(optarg); break;
        default:
            hsctl_usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? -1 : 2;
        }
    }

    if (mdir == NULL) {
        /* build/bin/hsctl -> build/modules */
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        self[n > 0 ? n : 0] = '\0';
        snprintf(path, sizeof(path), "%s/../modules", dirname(self));
        mdir = path;
    }

    if (conf != NULL) {
        if (optind < argc) {
            hsctl_usage(stderr);
            return 2;
        }

        if (hsctl_read_nginx_conf(conf, prefix, c) != 0) {
            return 2;
        }

    } else {
        if (optind == argc) {
            hsctl_usage(stderr);
            return 2;
        }

        for (k = 0; optind < argc && k < HSCTL_MAX_MODULES; optind++, k++) {
            char  file[PATH_MAX];

            snprintf(file, sizeof(file), "%s/ngx_http_hs_%s_module.so", mdir,
                     argv[optind]);
            c->paths[c->n++] = strdup(file);
        }
    }

    if (c->migrations == NULL) {
        snprintf(self, sizeof(self), "%s/migrations", mdir);
        c->migrations = strdup(self);
    }

    return hsctl_load(c) == 0 ? 0 : 2;
}


/* The database of the configuration; a placeholder when it names none. */
static hs_db_t *
hsctl_db(hsctl_conf_t *c, int required, hs_dburl_t *url)
{
    hs_db_t     *db;
    hs_error_t   err;

    if (c->database == NULL) {
        if (required) {
            fprintf(stderr, "hsctl: no database: give -d URL or a "
                    "configuration with hyperspot_database\n");
            return NULL;
        }

        /* openapi never connects: modules only keep the pointer */
        c->database = strdup("sqlite:///dev/null/hsctl-unused.db");
    }

    if (hs_dburl_parse(c->database, url, &err) != HS_OK) {
        fprintf(stderr, "hsctl: %s\n", err.msg);
        return NULL;
    }

    db = hs_db_create(url, NULL, &err);
    if (db == NULL) {
        fprintf(stderr, "hsctl: %s\n", err.msg);
    }

    return db;
}


static int
hsctl_openapi(int argc, char **argv)
{
    int                  rc;
    size_t               len;
    hs_log_t             log;
    hs_db_t             *db;
    hs_dburl_t           url;
    hs_error_t           err;
    hsctl_conf_t         c;
    hs_platform_t        pf;
    const char          *doc;
    hs_platform_conf_t   pc;

    memset(&c, 0, sizeof(c));

    rc = hsctl_configure(argc, argv, &c, NULL);
    if (rc != 0) {
        hsctl_release(&c);
        return rc < 0 ? 0 : rc;
    }

    db = hsctl_db(&c, 0, &url);
    if (db == NULL) {
        hsctl_release(&c);
        return 2;
    }

    log.write = hsctl_log;
    log.data = NULL;

    memset(&pc, 0, sizeof(pc));
    pc.descs = c.descs;
    pc.origins = c.origins;
    pc.n = c.n;
    pc.yaml_path = c.yaml;
    pc.log = &log;
    pc.db = db;

    rc = 0;

    if (hs_platform_build(&pf, &pc, &err) != HS_OK) {
        fprintf(stderr, "hsctl: %s\n", err.msg);
        rc = 1;

    } else {
        doc = hs_api_openapi(pf.api, &len);
        rc = fwrite(doc, 1, len, stdout) == len && fputc('\n', stdout) != EOF
             ? 0 : 2;
        hs_platform_release(&pf);
    }

    hs_db_destroy(db);
    hs_dburl_release(&url);
    hsctl_release(&c);

    return rc;
}


static int
hsctl_migrate(int argc, char **argv)
{
    int             rc, status;
    size_t          i, n;
    json_t         *rows, *row;
    hs_log_t        log;
    hs_db_t        *db;
    hs_dburl_t      url;
    hs_error_t      err;
    hsctl_conf_t    c;
    hs_registry_t  *reg;
    const char     *names[HSCTL_MAX_MODULES];

    memset(&c, 0, sizeof(c));
    status = 0;

    rc = hsctl_configure(argc, argv, &c, &status);
    if (rc != 0) {
        hsctl_release(&c);
        return rc < 0 ? 0 : rc;
    }

    db = hsctl_db(&c, 1, &url);
    if (db == NULL) {
        hsctl_release(&c);
        return 2;
    }

    log.write = hsctl_log;
    log.data = NULL;

    /* the database modules, in dependency order */
    reg = hs_registry_create(&log);
    rc = reg ? 0 : 2;

    for (i = 0; rc == 0 && i < c.n; i++) {
        if (hs_registry_add(reg, c.descs[i], c.origins[i], &err) != HS_OK) {
            fprintf(stderr, "hsctl: %s\n", err.msg);
            rc = 1;
        }
    }

    if (rc == 0 && hs_registry_order(reg, &err) != HS_OK) {
        fprintf(stderr, "hsctl: %s\n", err.msg);
        rc = 1;
    }

    n = rc == 0 ? hs_registry_db_modules(reg, names, HSCTL_MAX_MODULES) : 0;

    if (rc == 0 && status) {
        if (hs_migrate_status(db, c.migrations, names, n, &rows, &err)
            != HS_OK)
        {
            fprintf(stderr, "hsctl: %s\n", err.msg);
            rc = 1;

        } else {
            printf("%-20s %-8s %-32s %-8s %s\n", "MODULE", "VERSION",
                   "FILE", "STATE", "APPLIED AT");

            json_array_foreach(rows, i, row) {
                printf("%-20s %04d     %-32s %-8s %s\n",
                       json_string_value(json_object_get(row, "module")),
                       (int) json_integer_value(json_object_get(row,
                                                                "version")),
                       json_string_value(json_object_get(row, "name")),
                       json_string_value(json_object_get(row, "state")),
                       json_string_value(json_object_get(row, "applied_at"))
                       ? json_string_value(json_object_get(row,
                                                           "applied_at"))
                       : "-");
            }

            json_decref(rows);
        }

    } else if (rc == 0) {
        if (hs_migrate_run(db, c.migrations, names, n, &log, &err)
            != HS_OK)
        {
            fprintf(stderr, "hsctl: %s\n", err.msg);
            rc = 1;

        } else {
            printf("migrations of %zu module%s are up to date (%s)\n", n,
                   n == 1 ? "" : "s", hs_db_url(db));
        }
    }

    hs_registry_destroy(reg);
    hs_db_thread_release();
    hs_db_destroy(db);
    hs_dburl_release(&url);
    hsctl_release(&c);

    return rc;
}


static json_t *
hsctl_read_json(const char *file)
{
    json_t        *j;
    json_error_t   jerr;

    j = json_load_file(file, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                       &jerr);
    if (j == NULL) {
        fprintf(stderr, "hsctl: %s:%d:%d: %s\n", file, jerr.line,
                jerr.column, jerr.text);
    }

    return j;
}


static int
hsctl_schema(int argc, char **argv)
{
    int                  rc;
    char                 uri[PATH_MAX + 16], real[PATH_MAX];
    size_t               i;
    json_t              *schema, *instance;
    hs_error_t           err;
    hs_schema_t         *s;
    hs_schema_errors_t   errs;

    if (argc != 4 || strcmp(argv[1], "validate") != 0) {
        hsctl_usage(stderr);
        return 2;
    }

    schema = hsctl_read_json(argv[2]);
    instance = schema ? hsctl_read_json(argv[3]) : NULL;

    if (schema == NULL || instance == NULL) {
        json_decref(schema);
        return 2;
    }

    snprintf(uri, sizeof(uri), "file://%s",
             realpath(argv[2], real) ? real : argv[2]);

    s = hs_schema_compile(schema, NULL, uri, &err);
    if (s == NULL) {
        fprintf(stderr, "hsctl: %s: invalid schema: %s\n", argv[2],
                err.msg);
        json_decref(schema);
        json_decref(instance);
        return 2;
    }

    rc = 0;

    switch (hs_schema_validate(s, instance, &errs)) {

    case HS_OK:
        printf("%s: valid\n", argv[3]);
        break;

    case HS_EINVAL:
        for (i = 0; i < errs.n; i++) {
            printf("%s: %s: %s (%s at %s)\n", argv[3],
                   errs.items[i].pointer[0] ? errs.items[i].pointer : "/",
                   errs.items[i].message, errs.items[i].keyword,
                   errs.items[i].schema_path);
        }
        hs_schema_errors_release(&errs);
        rc = 1;
        break;

    default:
        fprintf(stderr, "hsctl: out of memory\n");
        rc = 2;
    }

    hs_schema_free(s);
    json_decref(schema);
    json_decref(instance);

    return rc;
}


int
main(int argc, char **argv)
{
    if (argc < 2) {
        hsctl_usage(stderr);
        return 2;
    }

    if (strcmp(argv[1], "openapi") == 0) {
        return hsctl_openapi(argc - 1, argv + 1);
    }

    if (strcmp(argv[1], "migrate") == 0) {
        return hsctl_migrate(argc - 1, argv + 1);
    }

    if (strcmp(argv[1], "schema") == 0) {
        return hsctl_schema(argc - 1, argv + 1);
    }

    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0
        || strcmp(argv[1], "-h") == 0)
    {
        hsctl_usage(stdout);
        return 0;
    }

    fprintf(stderr, "hsctl: unknown command \"%s\"\n", argv[1]);
    hsctl_usage(stderr);

    return 2;
}
