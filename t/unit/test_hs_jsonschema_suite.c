/*
 * The official JSON-Schema-Test-Suite (Debian package json-schema-test-suite)
 * against hs_jsonschema: every required draft-07 case, one TAP line per
 * file; at least 99% must pass. optional/ is run for information only.
 * The suite directory is $HS_JSON_SCHEMA_SUITE, default
 * /usr/share/json-schema-test-suite; its remotes/ are registered as
 * http://localhost:1234/<path>, as the suite expects.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hs_jsonschema.h"
#include "hs_tap.h"

#define TEST_SUITE_DEFAULT  "/usr/share/json-schema-test-suite"
#define TEST_REMOTE_BASE    "http://localhost:1234/"
#define TEST_PATH_MAX       1024

typedef struct {
    size_t  run;
    size_t  passed;
} test_count_t;


static json_t *
test_load(const char *path)
{
    size_t         flags;
    json_t        *js;
    json_error_t   jerr;

    flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL;

    js = json_load_file(path, flags, &jerr);
    if (js == NULL) {
        /* bignum.json has integers beyond 64 bits */
        js = json_load_file(path, flags | JSON_DECODE_INT_AS_REAL, &jerr);
    }

    if (js == NULL) {
        diag("cannot load %s: %s (line %d)", path, jerr.text, jerr.line);
    }

    return js;
}


/* Registers every remotes/ file under http://localhost:1234/<rel>. */
static int
test_register_remotes(hs_schema_registry_t *reg, const char *dir,
    const char *rel)
{
    int             n;
    DIR            *d;
    char            path[TEST_PATH_MAX], sub[TEST_PATH_MAX];
    char            uri[TEST_PATH_MAX];
    json_t         *js;
    size_t          len;
    hs_error_t      err;
    struct stat     st;
    struct dirent  *de;

    d = opendir(dir);
    if (d == NULL) {
        diag("cannot open %s", dir);
        return 0;
    }

    n = 0;

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        snprintf(sub, sizeof(sub), "%s%s", rel, de->d_name);

        if (stat(path, &st) != 0) {
            continue;
        }

        if (S_ISDIR(st.st_mode)) {
            strncat(sub, "/", sizeof(sub) - strlen(sub) - 1);
            n += test_register_remotes(reg, path, sub);
            continue;
        }

        len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0) {
            continue;
        }

        js = test_load(path);
        if (js == NULL) {
            continue;
        }

        snprintf(uri, sizeof(uri), "%s%s", TEST_REMOTE_BASE, sub);

        if (hs_schema_registry_add(reg, uri, js, &err) != HS_OK) {
            diag("cannot register %s: %s", uri, err.msg);

        } else {
            n++;
        }

        json_decref(js);
    }

    closedir(d);

    return n;
}


static int
test_json_file(const struct dirent *de)
{
    size_t  len;

    len = strlen(de->d_name);

    return len > 5 && strcmp(de->d_name + len - 5, ".json") == 0;
}


/*
 * Runs one test file; failing case descriptions go to fails (a buffer
 * of size bytes). Adds to *count.
 */
static void
test_run_file(hs_schema_registry_t *reg, const char *path,
    test_count_t *count, char *fails, size_t size)
{
    int                  expect, got, got_all;
    size_t               gi, ti, used;
    json_t              *doc, *group, *test;
    hs_error_t           err;
    hs_schema_t         *s;
    const char          *gdesc, *tdesc;
    hs_schema_errors_t   errs;

    used = strlen(fails);

    doc = test_load(path);
    if (doc == NULL) {
        snprintf(fails + used, size - used, "  (file not loaded)\n");
        count->run++;
        return;
    }

    json_array_foreach(doc, gi, group) {
        gdesc = json_string_value(json_object_get(group, "description"));

        err.msg[0] = '\0';
        s = hs_schema_compile(json_object_get(group, "schema"), reg, NULL,
                              &err);

        json_array_foreach(json_object_get(group, "tests"), ti, test) {
            tdesc = json_string_value(json_object_get(test,
                                                      "description"));
            expect = json_is_true(json_object_get(test, "valid"));
            count->run++;

            if (s == NULL) {
                used += snprintf(fails + used, size - used,
                                 "  %s / %s: compile failed: %s\n",
                                 gdesc, tdesc, err.msg);
                used = used < size ? used : size - 1;
                continue;
            }

            got = hs_schema_validate(s, json_object_get(test, "data"),
                                     NULL) == HS_OK;

            /* collecting every error must agree with stopping early */
            got_all = hs_schema_validate(s, json_object_get(test, "data"),
                                         &errs) == HS_OK;
            if (got_all != got || (errs.n == 0) != got_all) {
                used += snprintf(fails + used, size - used,
                                 "  %s / %s: result %d with errs=NULL, %d "
                                 "with %zu errors\n", gdesc, tdesc, got,
                                 got_all, errs.n);
                used = used < size ? used : size - 1;
                hs_schema_errors_release(&errs);
                continue;
            }
            hs_schema_errors_release(&errs);

            if (got != expect) {
                used += snprintf(fails + used, size - used,
                                 "  %s / %s: expected %s\n", gdesc, tdesc,
                                 expect ? "valid" : "invalid");
                used = used < size ? used : size - 1;
                continue;
            }

            count->passed++;
        }

        hs_schema_free(s);
    }

    json_decref(doc);
}


/* Runs every *.json of dir; with tap, one TAP line per file. */
static void
test_run_dir(hs_schema_registry_t *reg, const char *dir, const char *label,
    int tap, test_count_t *total)
{
    int              n, i;
    char             path[TEST_PATH_MAX];
    char            *fails;
    test_count_t     count;
    struct dirent  **list;

    n = scandir(dir, &list, test_json_file, alphasort);
    if (n < 0) {
        if (tap) {
            ok(0, "%s: cannot read %s", label, dir);
        } else {
            diag("%s: cannot read %s", label, dir);
        }
        return;
    }

    fails = malloc(65536);
    if (fails == NULL) {
        abort();
    }

    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
        count.run = 0;
        count.passed = 0;
        fails[0] = '\0';

        test_run_file(reg, path, &count, fails, 65536);

        total->run += count.run;
        total->passed += count.passed;

        if (tap) {
            ok(count.passed == count.run, "%s/%s: %zu/%zu", label,
               list[i]->d_name, count.passed, count.run);

        } else {
            diag("%s/%s: %zu/%zu", label, list[i]->d_name, count.passed,
                 count.run);
        }

        if (fails[0] != '\0') {
            fails[strlen(fails) - 1] = '\0';
            diag("%s", fails);
        }

        free(list[i]);
    }

    free(list);
    free(fails);
}


int
main(void)
{
    int                    nremotes;
    char                   dir[TEST_PATH_MAX];
    const char            *suite;
    test_count_t           req, fmt, other;
    hs_schema_registry_t  *reg;

    suite = getenv("HS_JSON_SCHEMA_SUITE");
    if (suite == NULL || suite[0] == '\0') {
        suite = TEST_SUITE_DEFAULT;
    }

    reg = hs_schema_registry_create();
    if (!ok(reg != NULL, "registry created")) {
        return done_testing();
    }

    snprintf(dir, sizeof(dir), "%s/remotes", suite);
    nremotes = test_register_remotes(reg, dir, "");
    ok(nremotes > 0, "%d remote schemas registered from %s", nremotes, dir);

    memset(&req, 0, sizeof(req));
    memset(&fmt, 0, sizeof(fmt));
    memset(&other, 0, sizeof(other));

    snprintf(dir, sizeof(dir), "%s/tests/draft7", suite);
    test_run_dir(reg, dir, "draft7", 1, &req);

    diag("draft7 required: %zu/%zu passed (%.1f%%)", req.passed, req.run,
         req.run ? 100.0 * req.passed / req.run : 0.0);

    ok(req.run > 0 && req.passed * 100 >= req.run * 99,
       "draft7 required: at least 99%% pass");

    snprintf(dir, sizeof(dir), "%s/tests/draft7/optional/format", suite);
    test_run_dir(reg, dir, "draft7/optional/format", 0, &fmt);
    diag("draft7 optional/format: %zu/%zu passed (information only)",
         fmt.passed, fmt.run);

    snprintf(dir, sizeof(dir), "%s/tests/draft7/optional", suite);
    test_run_dir(reg, dir, "draft7/optional", 0, &other);
    diag("draft7 optional (other): %zu/%zu passed (information only)",
         other.passed, other.run);

    hs_schema_registry_destroy(reg);

    return done_testing();
}
