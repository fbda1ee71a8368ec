/*
 * Configuration: YAML loading with positions, typed module settings with
 * environment overrides, and the registry's "modules" section.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_modkit.h"
#include "hs_tap.h"


/* ------------------------------------------------------------ helpers */

static hs_yaml_doc_t *
test_load(const char *text, hs_error_t *err)
{
    err->msg[0] = '\0';
    return hs_yaml_load_string(text, strlen(text), "app.yaml", err);
}


/* Loads text, which must fail with a message containing want. */
static void
test_load_fails(const char *text, const char *want, const char *what)
{
    hs_error_t      err;
    hs_yaml_doc_t  *doc;

    doc = test_load(text, &err);
    ok(doc == NULL, "%s: rejected", what);
    like_str(err.msg, want, "%s: message", what);
    hs_yaml_free(doc);
}


/* 1 when msg starts with "app.yaml:<line>:<col>: " */
static int
test_has_position(const char *msg, int *line, int *col)
{
    int  n;

    n = 0;
    if (sscanf(msg, "app.yaml:%d:%d: %n", line, col, &n) != 2 || n == 0) {
        return 0;
    }

    return *line > 0 && *col > 0;
}


/* The injected environment: "NAME=value" strings, NULL-terminated. */
typedef struct {
    const char *const  *vars;
    char                asked[1024];
} test_env_t;


static const char *
test_getenv(void *data, const char *name)
{
    size_t              len, n;
    test_env_t         *env;
    const char *const  *v;

    env = data;

    len = strlen(env->asked);
    snprintf(env->asked + len, sizeof(env->asked) - len, "%s%s",
             len ? " " : "", name);

    n = strlen(name);
    for (v = env->vars; v && *v; v++) {
        if (strncmp(*v, name, n) == 0 && (*v)[n] == '=') {
            return *v + n + 1;
        }
    }

    return NULL;
}


/* ------------------------------------------------------------ YAML */

static void
test_yaml_scalars(void)
{
    json_t         *root;
    hs_error_t      err;
    hs_yaml_doc_t  *doc;

    static const char  text[] =
        "int: 42\n"
        "neg: -7\n"
        "plus: +12\n"
        "zero: 0\n"
        "lead0: 012\n"
        "big: 9007199254740993\n"
        "hex: 0x1F\n"
        "oct: 0o17\n"
        "float: 3.5\n"
        "negf: -0.25\n"
        "exp: 1e3\n"
        "exp2: 2.5E-2\n"
        "dot: .5\n"
        "trail: 1.\n"
        "t1: true\n"
        "t2: True\n"
        "t3: TRUE\n"
        "f1: false\n"
        "f2: False\n"
        "f3: FALSE\n"
        "n1: null\n"
        "n2: Null\n"
        "n3: NULL\n"
        "n4: ~\n"
        "n5:\n"
        "s: hello world\n"
        "yes: yes\n"
        "no: no\n"
        "on: on\n"
        "off: off\n"
        "tRUE: tRUE\n"
        "nul: nULL\n"
        "ver: 1.2.3\n"
        "time: 12:30\n"
        "under: 1_000\n"
        "q1: \"42\"\n"
        "q2: 'true'\n"
        "q3: \"null\"\n"
        "q4: ''\n"
        "q5: \"3.5\"\n"
        "tag: !!str 17\n"
        "lit: |\n"
        "  line one\n"
        "  line two\n"
        "fold: >-\n"
        "  a\n"
        "  b\n"
        "esc: \"tab\\there \\u00e9\"\n"
        "utf8: caf\xc3\xa9\n";

    doc = test_load(text, &err);
    if (!ok(doc != NULL, "scalars document loads")) {
        diag("%s", err.msg);
        return;
    }

    root = hs_yaml_root(doc);

#define TEST_INT(key, v)                                                      \
    ok(json_is_integer(json_object_get(root, key))                            \
       && json_integer_value(json_object_get(root, key)) == (v),             \
       "%s is the integer %lld", key, (long long) (v))
#define TEST_REAL(key, v)                                                     \
    ok(json_is_real(json_object_get(root, key))                               \
       && json_real_value(json_object_get(root, key)) == (v),                \
       "%s is the float %g", key, (double) (v))
#define TEST_TYPE(key, t)                                                     \
    is_int(json_typeof(json_object_get(root, key)), t, "%s is a %s", key, #t)
#define TEST_STR(key, v)                                                      \
    is_str(json_string_value(json_object_get(root, key)), v,                 \
           "%s is a string", key)

    TEST_INT("int", 42);
    TEST_INT("neg", -7);
    TEST_INT("plus", 12);
    TEST_INT("zero", 0);
    TEST_INT("lead0", 12);
    TEST_INT("big", 9007199254740993LL);
    TEST_INT("hex", 31);
    TEST_INT("oct", 15);
    TEST_REAL("float", 3.5);
    TEST_REAL("negf", -0.25);
    TEST_REAL("exp", 1000.0);
    TEST_REAL("exp2", 0.025);
    TEST_REAL("dot", 0.5);
    TEST_REAL("trail", 1.0);
    TEST_TYPE("t1", JSON_TRUE);
    TEST_TYPE("t2", JSON_TRUE);
    TEST_TYPE("t3", JSON_TRUE);
    TEST_TYPE("f1", JSON_FALSE);
    TEST_TYPE("f2", JSON_FALSE);
    TEST_TYPE("f3", JSON_FALSE);
    TEST_TYPE("n1", JSON_NULL);
    TEST_TYPE("n2", JSON_NULL);
    TEST_TYPE("n3", JSON_NULL);
    TEST_TYPE("n4", JSON_NULL);
    TEST_TYPE("n5", JSON_NULL);
    TEST_STR("s", "hello world");
    TEST_STR("yes", "yes");             /* YAML 1.1 booleans are strings */
    TEST_STR("no", "no");
    TEST_STR("on", "on");
    TEST_STR("off", "off");
    TEST_STR("tRUE", "tRUE");
    TEST_STR("nul", "nULL");
    TEST_STR("ver", "1.2.3");
    TEST_STR("time", "12:30");          /* no sexagesimal numbers */
    TEST_STR("under", "1_000");
    TEST_STR("q1", "42");
    TEST_STR("q2", "true");
    TEST_STR("q3", "null");
    TEST_STR("q4", "");
    TEST_STR("q5", "3.5");
    TEST_STR("tag", "17");
    TEST_STR("lit", "line one\nline two\n");
    TEST_STR("fold", "a b");
    TEST_STR("esc", "tab\there \xc3\xa9");
    TEST_STR("utf8", "caf\xc3\xa9");

#undef TEST_INT
#undef TEST_REAL
#undef TEST_TYPE
#undef TEST_STR

    is_int(json_object_size(root), 45, "45 keys");

    hs_yaml_free(doc);
}


/* Plain scalars that look numeric but are not, per YAML 1.2 core. */
static void
test_yaml_numeric_edges(void)
{
    size_t          i;
    json_t         *v;
    hs_error_t      err;
    hs_yaml_doc_t  *doc;

    static const char *const  strings[] = {
        "0x", "0o", "0x-5", "-0x10", "0x 5", "0x1p3", "0o8", "1e", "1e+",
        "+", ".", "1.2.3", "0x1G", NULL
    };

    for (i = 0; strings[i]; i++) {
        char  text[64];

        snprintf(text, sizeof(text), "v: %s\n", strings[i]);
        doc = test_load(text, &err);
        v = doc ? json_object_get(hs_yaml_root(doc), "v") : NULL;
        ok(json_is_string(v), "\"%s\" is a string", strings[i]);
        hs_yaml_free(doc);
    }

    doc = test_load("v: 99999999999999999999\n", &err);
    v = doc ? json_object_get(hs_yaml_root(doc), "v") : NULL;
    ok(json_is_real(v), "an integer beyond 64 bits is a number");
    hs_yaml_free(doc);

    ok(hs_yaml_load_string("a: 1\na: 2\n", 10, "t", NULL) == NULL,
       "a failing load with a NULL err does not crash");
}


static void
test_yaml_structure(void)
{
    char            buf[256];
    json_t         *root, *a, *l;
    hs_error_t      err;
    hs_yaml_doc_t  *doc;

    static const char  text[] =
        "# a comment\n"
        "a:\n"
        "  b:\n"
        "    c: 1\n"
        "  list:\n"
        "    - x\n"
        "    - 2\n"
        "    - {k: v, n: [1, 2]}\n"
        "    - - nested\n"
        "  empty_map: {}\n"
        "  empty_list: []\n"
        "top: \"t\"\n";

    doc = test_load(text, &err);
    if (!ok(doc != NULL, "nested document loads")) {
        diag("%s", err.msg);
        return;
    }

    root = hs_yaml_root(doc);
    a = json_object_get(root, "a");
    l = json_object_get(a, "list");

    ok(json_is_object(a), "a is a mapping");
    is_int(json_integer_value(json_object_get(json_object_get(a, "b"), "c")),
           1, "a.b.c = 1");
    ok(json_is_array(l) && json_array_size(l) == 4, "a.list has 4 items");
    is_str(json_string_value(json_array_get(l, 0)), "x", "a.list[0]");
    is_int(json_integer_value(json_array_get(l, 1)), 2, "a.list[1]");
    is_str(json_string_value(json_object_get(json_array_get(l, 2), "k")),
           "v", "a.list[2].k (flow mapping)");
    is_int(json_array_size(json_object_get(json_array_get(l, 2), "n")), 2,
           "a.list[2].n (flow sequence)");
    is_str(json_string_value(json_array_get(json_array_get(l, 3), 0)),
           "nested", "a.list[3][0]");
    ok(json_is_object(json_object_get(a, "empty_map"))
       && json_object_size(json_object_get(a, "empty_map")) == 0,
       "empty flow mapping");
    ok(json_is_array(json_object_get(a, "empty_list"))
       && json_array_size(json_object_get(a, "empty_list")) == 0,
       "empty flow sequence");

    /* key order is the document order */
    {
        const char  *key;
        json_t      *v;
        char         keys[128];
        size_t       len;

        keys[0] = '\0';
        json_object_foreach(a, key, v) {
            len = strlen(keys);
            snprintf(keys + len, sizeof(keys) - len, "%s%s", len ? "," : "",
                     key);
        }
        is_str(keys, "b,list,empty_map,empty_list", "document key order");
    }

    /* positions: mapping values are located by their key */
    is_str(hs_yaml_where(doc, "a", buf, sizeof(buf)), "app.yaml:2:1",
           "where a");
    is_str(hs_yaml_where(doc, "a.b", buf, sizeof(buf)), "app.yaml:3:3",
           "where a.b");
    is_str(hs_yaml_where(doc, "a.b.c", buf, sizeof(buf)), "app.yaml:4:5",
           "where a.b.c");
    is_str(hs_yaml_where(doc, "a.list", buf, sizeof(buf)), "app.yaml:5:3",
           "where a.list");
    is_str(hs_yaml_where(doc, "a.list[0]", buf, sizeof(buf)),
           "app.yaml:6:7", "where a.list[0]");
    is_str(hs_yaml_where(doc, "a.list[1]", buf, sizeof(buf)),
           "app.yaml:7:7", "where a.list[1]");
    is_str(hs_yaml_where(doc, "a.list[2]", buf, sizeof(buf)),
           "app.yaml:8:7", "where a.list[2]");
    is_str(hs_yaml_where(doc, "a.list[2].n", buf, sizeof(buf)),
           "app.yaml:8:14", "where a.list[2].n");
    is_str(hs_yaml_where(doc, "a.list[2].n[1]", buf, sizeof(buf)),
           "app.yaml:8:21", "where a.list[2].n[1]");
    is_str(hs_yaml_where(doc, "a.list[3][0]", buf, sizeof(buf)),
           "app.yaml:9:9", "where a.list[3][0]");
    is_str(hs_yaml_where(doc, "top", buf, sizeof(buf)), "app.yaml:12:1",
           "where top");
    is_str(hs_yaml_where(doc, "a.nope", buf, sizeof(buf)), "app.yaml",
           "unknown path: the file name alone");
    is_str(hs_yaml_where(NULL, "a", buf, sizeof(buf)), "configuration",
           "no document: \"configuration\"");
    is_str(hs_yaml_where(doc, "a.list[2].n[1]", buf, 12), "app.yaml:8:",
           "where truncates to the buffer");

    hs_yaml_free(doc);
}


static void
test_yaml_errors(void)
{
    int             line, col, i;
    char            deep[400];
    size_t          n;
    hs_error_t      err;
    hs_yaml_doc_t  *doc;

    test_load_fails("a: 1\nb: 2\na: 3\n",
                    "app.yaml:3:1: duplicate key \"a\"", "duplicate key");
    test_load_fails("m:\n  x: 1\n  y: 2\n  x: 3\n",
                    "app.yaml:4:3: duplicate key \"x\"",
                    "nested duplicate key");
    test_load_fails("m: {a: 1, a: 2}\n", "duplicate key \"a\"",
                    "duplicate key in a flow mapping");
    test_load_fails("a: 1\n\"a\": 2\n", "duplicate key \"a\"",
                    "duplicate key, quoted");

    test_load_fails("base: &b 1\nother: *b\n",
                    "app.yaml:2:8: YAML aliases are not supported",
                    "alias");
    test_load_fails("base: &b {x: 1}\nother:\n  <<: *b\n",
                    "YAML aliases are not supported", "merge key alias");

    test_load_fails("a: 1\n---\nb: 2\n",
                    "app.yaml:2: only one YAML document is allowed",
                    "two documents");
    test_load_fails("---\na: 1\n...\n---\nb: 2\n",
                    "app.yaml:4: only one YAML document is allowed",
                    "two explicit documents");

    test_load_fails("- a\n- b\n", "app.yaml: the document must be a mapping",
                    "sequence root");
    test_load_fails("just text\n", "the document must be a mapping",
                    "scalar root");
    test_load_fails("42\n", "the document must be a mapping",
                    "number root");

    test_load_fails("1: one\n", "app.yaml:1:1: mapping keys must be strings",
                    "integer key");
    test_load_fails("a:\n  true: x\n", "app.yaml:2:3: mapping keys must be "
                    "strings", "boolean key");
    test_load_fails("? [a, b]\n: 1\n", "mapping keys must be strings",
                    "sequence key");
    test_load_fails("? {a: 1}\n: 1\n", "mapping keys must be strings",
                    "mapping key");

    /* syntax errors carry file:line:col */
    doc = test_load("a: [1, 2\nb: 3\n", &err);
    ok(doc == NULL, "unclosed flow sequence rejected");
    ok(test_has_position(err.msg, &line, &col),
       "syntax error has file:line:col: %s", err.msg);
    like_str(err.msg, "that starts at line 1, column 4",
             "syntax error names where the context starts");

    doc = test_load("a: 1\n  b: 2\n", &err);
    ok(doc == NULL, "bad indentation rejected");
    ok(test_has_position(err.msg, &line, &col) && line == 2,
       "bad indentation at line 2: %s", err.msg);

    doc = test_load("a: \"unterminated\n", &err);
    ok(doc == NULL, "unterminated quote rejected");
    ok(test_has_position(err.msg, &line, &col), "has position: %s", err.msg);

    doc = test_load("a:\tb: c\n", &err);
    ok(doc == NULL, "mapping value on the same line rejected");
    ok(test_has_position(err.msg, &line, &col) && line == 1,
       "position on line 1: %s", err.msg);

    doc = test_load("a: \xff\xfe\n", &err);
    ok(doc == NULL, "invalid UTF-8 rejected");
    like_str(err.msg, "app.yaml:", "invalid UTF-8 names the file");

    /* nesting limit */
    n = (size_t) snprintf(deep, sizeof(deep), "a: ");
    for (i = 0; i < 70; i++) {
        deep[n++] = '[';
    }
    for (i = 0; i < 70; i++) {
        deep[n++] = ']';
    }
    deep[n++] = '\n';
    deep[n] = '\0';
    test_load_fails(deep, "nesting deeper than 64 levels", "deep nesting");

    n = (size_t) snprintf(deep, sizeof(deep), "a: ");
    for (i = 0; i < 63; i++) {
        deep[n++] = '[';
    }
    for (i = 0; i < 63; i++) {
        deep[n++] = ']';
    }
    deep[n] = '\0';
    doc = test_load(deep, &err);
    ok(doc != NULL, "64 levels (root + 63) are fine");
    hs_yaml_free(doc);
}


static void
test_yaml_empty(void)
{
    size_t          i;
    hs_error_t      err;
    hs_yaml_doc_t  *doc;

    static const char *const  empties[] = {
        "", "\n", "# only a comment\n", "---\n", "--- ~\n", "~\n",
        "null\n", "---\n...\n", "{}\n"
    };

    for (i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
        doc = test_load(empties[i], &err);
        ok(doc != NULL && json_is_object(hs_yaml_root(doc))
           && json_object_size(hs_yaml_root(doc)) == 0,
           "empty document %zu gives an empty mapping", i);
        hs_yaml_free(doc);
    }
}


static void
test_yaml_file(void)
{
    int             fd;
    char            path[64], buf[128], want[128];
    FILE           *f;
    hs_error_t      err;
    hs_yaml_doc_t  *doc;

    snprintf(path, sizeof(path), "/tmp/hs_unit_config_XXXXXX");
    fd = mkstemp(path);
    if (!ok(fd >= 0, "temporary file")) {
        return;
    }

    f = fdopen(fd, "w");
    fputs("modules:\n  calculator:\n    config:\n      precision: 4\n", f);
    fclose(f);

    doc = hs_yaml_load_file(path, &err);
    ok(doc != NULL, "load_file");
    if (doc != NULL) {
        is_int(json_integer_value(json_object_get(json_object_get(
                   json_object_get(json_object_get(hs_yaml_root(doc),
                                                   "modules"),
                                   "calculator"), "config"), "precision")),
               4, "file content read");
        snprintf(want, sizeof(want), "%s:4:7", path);
        is_str(hs_yaml_where(doc, "modules.calculator.config.precision", buf,
                             sizeof(buf)), want,
               "positions name the file path");
        hs_yaml_free(doc);
    }

    f = fopen(path, "w");
    fputs("modules:\n  x: 1\n  x: 2\n", f);
    fclose(f);
    doc = hs_yaml_load_file(path, &err);
    ok(doc == NULL, "file with a duplicate key rejected");
    snprintf(want, sizeof(want), "%s:3:3: duplicate key \"x\"", path);
    is_str(err.msg, want, "file errors name the path");

    unlink(path);

    doc = hs_yaml_load_file(path, &err);
    ok(doc == NULL, "missing file");
    snprintf(want, sizeof(want), "cannot open \"%s\": No such file or "
             "directory", path);
    is_str(err.msg, want, "missing file message");
}


/* ------------------------------------------------------------ apply */

typedef struct {
    int       enabled;
    int64_t   workers;
    double    ratio;
    char     *name;
    char     *token;
    int64_t   offset;
    char     *note;
} test_cfg_t;

static const hs_config_field_t  test_fields[] = {
    { "enabled", HS_CFG_BOOL, offsetof(test_cfg_t, enabled), "true", 0, 0,
      "serve requests" },
    { "workers", HS_CFG_INT, offsetof(test_cfg_t, workers), "4", 1, 64,
      "worker count" },
    { "ratio", HS_CFG_DOUBLE, offsetof(test_cfg_t, ratio), "0.5", 0, 1,
      "a fraction" },
    { "name", HS_CFG_STRING, offsetof(test_cfg_t, name), "svc", 1, 16,
      "display name" },
    { "token", HS_CFG_STRING, offsetof(test_cfg_t, token), NULL, 0, 0,
      "required secret" },
    { "offset", HS_CFG_INT, offsetof(test_cfg_t, offset), "-5", 0, 0,
      "unbounded" },
    { "note", HS_CFG_STRING, offsetof(test_cfg_t, note), "", 0, 0,
      "unbounded string" },
    HS_CONFIG_FIELD_END
};

#define TEST_PREFIX  "modules:\n  demo:\n    config:\n"


/*
 * Applies the config lines (after TEST_PREFIX, so the first setting is
 * on line 4, column 7) with the environment vars to cfg.
 */
static hs_rc_t
test_apply(const char *lines, const char *const *vars, test_cfg_t *cfg,
    hs_error_t *err, char *asked, size_t asked_size)
{
    char            text[2048];
    json_t         *sect;
    hs_rc_t         rc;
    test_env_t      env;
    hs_yaml_doc_t  *doc;

    memset(&env, 0, sizeof(env));
    env.vars = vars;
    err->msg[0] = '\0';

    doc = NULL;
    sect = NULL;

    if (lines != NULL) {
        snprintf(text, sizeof(text), "%s%s", TEST_PREFIX, lines);
        doc = test_load(text, err);
        if (doc == NULL) {
            diag("YAML: %s", err->msg);
            return HS_ERROR;
        }

        sect = json_object_get(json_object_get(json_object_get(
                   hs_yaml_root(doc), "modules"), "demo"), "config");
    }

    rc = hs_config_apply("demo", test_fields, cfg, sect, doc,
                         "modules.demo.config", test_getenv, &env, err);

    if (asked != NULL) {
        snprintf(asked, asked_size, "%s", env.asked);
    }

    hs_yaml_free(doc);

    return rc;
}


/* Expects the config lines (and env) to fail with exactly want. */
static void
test_apply_fails(const char *lines, const char *const *vars,
    const char *want, const char *what)
{
    hs_rc_t     rc;
    hs_error_t  err;
    test_cfg_t  cfg;

    memset(&cfg, 0, sizeof(cfg));
    rc = test_apply(lines, vars, &cfg, &err, NULL, 0);
    is_int(rc, HS_EINVAL, "%s: rejected", what);
    is_str(err.msg, want, "%s: message", what);
    hs_config_release(test_fields, &cfg);
}


static void
test_apply_defaults(void)
{
    char        asked[1024];
    hs_rc_t     rc;
    hs_error_t  err;
    test_cfg_t  cfg;

    static const char *const  env[] = { "HYPERSPOT_DEMO__TOKEN=t0k", NULL };

    memset(&cfg, 0, sizeof(cfg));
    rc = test_apply(NULL, env, &cfg, &err, asked, sizeof(asked));
    if (!is_int(rc, HS_OK, "defaults + env token")) {
        diag("%s", err.msg);
    }
    is_int(cfg.enabled, 1, "enabled default true");
    is_int(cfg.workers, 4, "workers default 4");
    ok(cfg.ratio == 0.5, "ratio default 0.5");
    is_str(cfg.name, "svc", "name default");
    is_str(cfg.token, "t0k", "token from the environment");
    is_int(cfg.offset, -5, "negative default");
    is_str(cfg.note, "", "empty string default");
    is_str(asked, "HYPERSPOT_DEMO__ENABLED HYPERSPOT_DEMO__WORKERS "
           "HYPERSPOT_DEMO__RATIO HYPERSPOT_DEMO__NAME HYPERSPOT_DEMO__TOKEN "
           "HYPERSPOT_DEMO__OFFSET HYPERSPOT_DEMO__NOTE",
           "every field's variable is looked up");

    /* release frees the strings and clears the pointers */
    hs_config_release(test_fields, &cfg);
    ok(cfg.name == NULL && cfg.token == NULL && cfg.note == NULL,
       "release clears string fields");
    is_int(cfg.workers, 4, "release leaves other fields");
    hs_config_release(test_fields, &cfg);
    ok(1, "release twice is harmless");

    /* an empty section is the same as none */
    memset(&cfg, 0, sizeof(cfg));
    rc = test_apply("      {}\n", env, &cfg, &err, NULL, 0);
    is_int(rc, HS_OK, "empty mapping section");
    hs_config_release(test_fields, &cfg);

    memset(&cfg, 0, sizeof(cfg));
    rc = test_apply("", env, &cfg, &err, NULL, 0);
    is_int(rc, HS_OK, "null section (config:)");
    is_int(cfg.workers, 4, "null section: defaults");
    hs_config_release(test_fields, &cfg);

    /* required */
    test_apply_fails(NULL, NULL,
                     "configuration: modules.demo.config.token is required "
                     "by module \"demo\" (or set HYPERSPOT_DEMO__TOKEN)",
                     "required field, no document");
    test_apply_fails("      workers: 2\n", NULL,
                     "app.yaml:3:5: modules.demo.config.token is required "
                     "by module \"demo\" (or set HYPERSPOT_DEMO__TOKEN)",
                     "required field missing from the section");
    test_apply_fails("", NULL,
                     "app.yaml:3:5: modules.demo.config.token is required "
                     "by module \"demo\" (or set HYPERSPOT_DEMO__TOKEN)",
                     "required field, null section");

    /* a default that does not parse is a module bug */
    {
        test_cfg_t                cfg2;
        static const hs_config_field_t  bad[] = {
            { "workers", HS_CFG_INT, offsetof(test_cfg_t, workers), "four",
              0, 0, NULL },
            HS_CONFIG_FIELD_END
        };

        memset(&cfg2, 0, sizeof(cfg2));
        rc = hs_config_apply("demo", bad, &cfg2, NULL, NULL, "m", test_getenv,
                             &(test_env_t) { NULL, "" }, &err);
        is_int(rc, HS_EINVAL, "invalid default rejected");
        is_str(err.msg, "module \"demo\": default of \"workers\" is invalid: "
               "expected an integer, got \"four\"", "invalid default message");
    }

    /* no fields at all */
    {
        static const hs_config_field_t  none[] = { HS_CONFIG_FIELD_END };

        rc = hs_config_apply("demo", none, &cfg, NULL, NULL, "m", NULL, NULL,
                             &err);
        is_int(rc, HS_OK, "a module without fields");
    }
}


static void
test_apply_yaml(void)
{
    hs_rc_t     rc;
    hs_error_t  err;
    test_cfg_t  cfg;

    memset(&cfg, 0, sizeof(cfg));
    rc = test_apply("      enabled: false\n"
                    "      workers: 64\n"
                    "      ratio: 0.25\n"
                    "      name: sixteen-chars-ab\n"
                    "      token: \"s3cr3t\"\n"
                    "      offset: -9000000000\n"
                    "      note: \"\"\n",
                    NULL, &cfg, &err, NULL, 0);
    if (!is_int(rc, HS_OK, "every field from YAML")) {
        diag("%s", err.msg);
    }
    is_int(cfg.enabled, 0, "enabled false");
    is_int(cfg.workers, 64, "workers at the upper bound");
    ok(cfg.ratio == 0.25, "ratio 0.25");
    is_str(cfg.name, "sixteen-chars-ab", "name at the length bound");
    is_str(cfg.token, "s3cr3t", "token");
    is_int(cfg.offset, -9000000000LL, "unbounded int64");
    is_str(cfg.note, "", "empty unbounded string");

    /* applying again replaces (and frees) the strings */
    rc = test_apply("      workers: 1\n      ratio: 1\n      name: x\n"
                    "      token: t2\n      enabled: true\n",
                    NULL, &cfg, &err, NULL, 0);
    is_int(rc, HS_OK, "second apply over the same struct");
    is_int(cfg.workers, 1, "workers at the lower bound");
    ok(cfg.ratio == 1.0, "an integer is a valid double");
    is_str(cfg.name, "x", "name replaced");
    is_str(cfg.token, "t2", "token replaced");
    is_int(cfg.enabled, 1, "enabled true");
    is_str(cfg.note, "", "note back to its default");
    hs_config_release(test_fields, &cfg);

    memset(&cfg, 0, sizeof(cfg));
    rc = test_apply("      token: 'x'\n      ratio: 0\n", NULL, &cfg, &err,
                    NULL, 0);
    is_int(rc, HS_OK, "ratio 0 (lower bound)");
    ok(cfg.ratio == 0.0, "ratio 0");
    hs_config_release(test_fields, &cfg);

    /* type mismatches: positions point at the key */
    test_apply_fails("      token: x\n      workers: \"8\"\n", NULL,
                     "app.yaml:5:7: modules.demo.config.workers: expected an "
                     "integer, got a string", "quoted integer");
    test_apply_fails("      workers: 2.5\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: expected an "
                     "integer, got a number", "float for an integer");
    test_apply_fails("      workers: true\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: expected an "
                     "integer, got a boolean", "boolean for an integer");
    test_apply_fails("      workers:\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: expected an "
                     "integer, got null", "null for an integer");
    test_apply_fails("      workers: [1]\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: expected an "
                     "integer, got a sequence", "sequence for an integer");
    test_apply_fails("      workers: {n: 1}\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: expected an "
                     "integer, got a mapping", "mapping for an integer");
    test_apply_fails("        enabled: 1\n", NULL,
                     "app.yaml:4:9: modules.demo.config.enabled: expected a "
                     "boolean, got an integer", "integer for a boolean");
    test_apply_fails("      enabled: yes\n", NULL,
                     "app.yaml:4:7: modules.demo.config.enabled: expected a "
                     "boolean, got a string", "yes is not a boolean");
    test_apply_fails("      ratio: \"0.5\"\n", NULL,
                     "app.yaml:4:7: modules.demo.config.ratio: expected a "
                     "number, got a string", "quoted number");
    test_apply_fails("      name: 5\n", NULL,
                     "app.yaml:4:7: modules.demo.config.name: expected a "
                     "string, got an integer", "integer for a string");
    test_apply_fails("      name: [a]\n", NULL,
                     "app.yaml:4:7: modules.demo.config.name: expected a "
                     "string, got a sequence", "sequence for a string");

    /* ranges */
    test_apply_fails("      workers: 0\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: 0 is out of "
                     "range 1..64", "integer below the range");
    test_apply_fails("      workers: 65\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: 65 is out of "
                     "range 1..64", "integer above the range");
    test_apply_fails("      workers: -1\n", NULL,
                     "app.yaml:4:7: modules.demo.config.workers: -1 is out of "
                     "range 1..64", "negative integer");
    test_apply_fails("      ratio: 1.5\n", NULL,
                     "app.yaml:4:7: modules.demo.config.ratio: 1.5 is out of "
                     "range 0..1", "double above the range");
    test_apply_fails("      ratio: -0.1\n", NULL,
                     "app.yaml:4:7: modules.demo.config.ratio: -0.1 is out of "
                     "range 0..1", "double below the range");
    test_apply_fails("      name: ''\n", NULL,
                     "app.yaml:4:7: modules.demo.config.name: length 0 is out "
                     "of range 1..16", "string too short");
    test_apply_fails("      name: seventeen-chars-a\n", NULL,
                     "app.yaml:4:7: modules.demo.config.name: length 17 is "
                     "out of range 1..16", "string too long");

    /* unknown keys and bad sections */
    test_apply_fails("      token: x\n      colour: red\n", NULL,
                     "app.yaml:5:7: modules.demo.config.colour: unknown "
                     "setting of module \"demo\" (known: enabled, workers, "
                     "ratio, name, token, offset, note)", "unknown key");
    test_apply_fails("      Workers: 2\n", NULL,
                     "app.yaml:4:7: modules.demo.config.Workers: unknown "
                     "setting of module \"demo\" (known: enabled, workers, "
                     "ratio, name, token, offset, note)",
                     "keys are case-sensitive");
    test_apply_fails("      - workers\n", NULL,
                     "app.yaml:3:5: modules.demo.config: expected a mapping, "
                     "got a sequence", "sequence section");
    test_apply_fails("      5\n", NULL,
                     "app.yaml:3:5: modules.demo.config: expected a mapping, "
                     "got an integer", "scalar section");
}


static void
test_apply_env(void)
{
    char        asked[1024];
    hs_rc_t     rc;
    hs_error_t  err;
    test_cfg_t  cfg;

    static const char *const  env[] = {
        "HYPERSPOT_DEMO__WORKERS=16",
        "HYPERSPOT_DEMO__ENABLED=off",
        "HYPERSPOT_DEMO__RATIO=0.75",
        "HYPERSPOT_DEMO__NAME=from-env",
        "HYPERSPOT_DEMO__TOKEN=",
        "HYPERSPOT_DEMO__OFFSET=-42",
        "hyperspot_demo__note=lower case is another variable",
        NULL
    };

    memset(&cfg, 0, sizeof(cfg));
    rc = test_apply("      workers: 8\n      enabled: true\n"
                    "      name: from-yaml\n      token: yaml-token\n",
                    env, &cfg, &err, asked, sizeof(asked));
    if (!is_int(rc, HS_OK, "YAML + environment")) {
        diag("%s", err.msg);
    }
    is_int(cfg.workers, 16, "env beats YAML (int)");
    is_int(cfg.enabled, 0, "env beats YAML (bool off)");
    ok(cfg.ratio == 0.75, "env beats the default (double)");
    is_str(cfg.name, "from-env", "env beats YAML (string)");
    is_str(cfg.token, "", "an empty variable is an empty string");
    is_int(cfg.offset, -42, "env negative int");
    is_str(cfg.note, "", "variable names are upper case");
    hs_config_release(test_fields, &cfg);

    /* every boolean spelling */
    {
        size_t  i;

        static const struct {
            const char  *text;
            int          v;
        } bools[] = {
            { "true", 1 }, { "1", 1 }, { "yes", 1 }, { "on", 1 },
            { "false", 0 }, { "0", 0 }, { "no", 0 }, { "off", 0 }
        };

        for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
            char         var[64];
            const char  *vars[3];

            snprintf(var, sizeof(var), "HYPERSPOT_DEMO__ENABLED=%s",
                     bools[i].text);
            vars[0] = var;
            vars[1] = "HYPERSPOT_DEMO__TOKEN=t";
            vars[2] = NULL;

            memset(&cfg, 0, sizeof(cfg));
            cfg.enabled = 7;
            rc = test_apply(NULL, vars, &cfg, &err, NULL, 0);
            ok(rc == HS_OK && cfg.enabled == bools[i].v,
               "env boolean \"%s\" is %d", bools[i].text, bools[i].v);
            hs_config_release(test_fields, &cfg);
        }
    }

    /* bad values name the variable */
    {
        static const char *const  e1[] = { "HYPERSPOT_DEMO__WORKERS=many",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e2[] = { "HYPERSPOT_DEMO__WORKERS=8x",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e3[] = { "HYPERSPOT_DEMO__WORKERS=",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e4[] = { "HYPERSPOT_DEMO__WORKERS=100",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e5[] = { "HYPERSPOT_DEMO__ENABLED=maybe",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e6[] = { "HYPERSPOT_DEMO__RATIO=nan",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e7[] = { "HYPERSPOT_DEMO__RATIO=1e999",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e8[] = { "HYPERSPOT_DEMO__RATIO=2",
                                           "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e9[] = {
            "HYPERSPOT_DEMO__WORKERS=99999999999999999999",
            "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e10[] = { "HYPERSPOT_DEMO__NAME=",
                                            "HYPERSPOT_DEMO__TOKEN=t", NULL };
        static const char *const  e11[] = { "HYPERSPOT_DEMO__ENABLED=TRUE",
                                            "HYPERSPOT_DEMO__TOKEN=t", NULL };

        test_apply_fails(NULL, e1, "environment variable "
                         "HYPERSPOT_DEMO__WORKERS: expected an integer, got "
                         "\"many\"", "env: word for an integer");
        test_apply_fails(NULL, e2, "environment variable "
                         "HYPERSPOT_DEMO__WORKERS: expected an integer, got "
                         "\"8x\"", "env: trailing garbage");
        test_apply_fails(NULL, e3, "environment variable "
                         "HYPERSPOT_DEMO__WORKERS: expected an integer, got "
                         "\"\"", "env: empty integer");
        test_apply_fails(NULL, e4, "environment variable "
                         "HYPERSPOT_DEMO__WORKERS: 100 is out of range 1..64",
                         "env: out of range");
        test_apply_fails(NULL, e5, "environment variable "
                         "HYPERSPOT_DEMO__ENABLED: expected a boolean "
                         "(true/false), got \"maybe\"", "env: bad boolean");
        test_apply_fails(NULL, e6, "environment variable "
                         "HYPERSPOT_DEMO__RATIO: expected a number, got "
                         "\"nan\"", "env: nan");
        test_apply_fails(NULL, e7, "environment variable "
                         "HYPERSPOT_DEMO__RATIO: expected a number, got "
                         "\"1e999\"", "env: overflowing double");
        test_apply_fails(NULL, e8, "environment variable "
                         "HYPERSPOT_DEMO__RATIO: 2 is out of range 0..1",
                         "env: double out of range");
        test_apply_fails(NULL, e9, "environment variable "
                         "HYPERSPOT_DEMO__WORKERS: expected an integer, got "
                         "\"99999999999999999999\"", "env: int64 overflow");
        test_apply_fails(NULL, e10, "environment variable "
                         "HYPERSPOT_DEMO__NAME: length 0 is out of range "
                         "1..16", "env: string too short");
        test_apply_fails(NULL, e11, "environment variable "
                         "HYPERSPOT_DEMO__ENABLED: expected a boolean "
                         "(true/false), got \"TRUE\"",
                         "env: booleans are lower case");
    }

    /* the env is consulted even when YAML is wrong-free but env is bad */
    {
        static const char *const  e[] = { "HYPERSPOT_DEMO__WORKERS=abc",
                                          NULL };

        test_apply_fails("      workers: 3\n      token: t\n", e,
                         "environment variable HYPERSPOT_DEMO__WORKERS: "
                         "expected an integer, got \"abc\"",
                         "env error with a valid YAML value");
    }

    /* the process environment by default */
    {
        test_cfg_t  c;

        static const hs_config_field_t  f[] = {
            { "max_conn", HS_CFG_INT, offsetof(test_cfg_t, workers), "1",
              0, 0, NULL },
            HS_CONFIG_FIELD_END
        };

        setenv("HYPERSPOT_USERS_INFO__MAX_CONN", "77", 1);
        memset(&c, 0, sizeof(c));
        rc = hs_config_apply("users-info", f, &c, NULL, NULL, "m", NULL,
                             NULL, &err);
        is_int(rc, HS_OK, "apply with getenv()");
        is_int(c.workers, 77, "process environment used by default");
        unsetenv("HYPERSPOT_USERS_INFO__MAX_CONN");
    }

    /* module names with '-' map to '_' in the variable */
    {
        static const char *const  e[] = {
            "HYPERSPOT_USERS_INFO__TOKEN=ok", NULL };
        test_env_t  envd;
        test_cfg_t  c;

        memset(&envd, 0, sizeof(envd));
        envd.vars = e;
        memset(&c, 0, sizeof(c));
        rc = hs_config_apply("users-info", test_fields, &c, NULL, NULL,
                             "modules.users-info.config", test_getenv, &envd,
                             &err);
        is_int(rc, HS_OK, "module with '-' reads its variables");
        is_str(c.token, "ok", "HYPERSPOT_USERS_INFO__TOKEN");
        like_str(envd.asked, "HYPERSPOT_USERS_INFO__ENABLED",
                 "variable for a dashed module name");
        hs_config_release(test_fields, &c);
    }
}


static void
test_env_names(void)
{
    char  buf[128];

    hs_config_env_name("calculator", "precision", buf, sizeof(buf));
    is_str(buf, "HYPERSPOT_CALCULATOR__PRECISION", "simple name");

    hs_config_env_name("users-info", "max-conn", buf, sizeof(buf));
    is_str(buf, "HYPERSPOT_USERS_INFO__MAX_CONN", "'-' becomes '_'");

    hs_config_env_name("users_info", "db.pool.size", buf, sizeof(buf));
    is_str(buf, "HYPERSPOT_USERS_INFO__DB_POOL_SIZE", "'.' becomes '_'");

    hs_config_env_name("MyMod", "someField2", buf, sizeof(buf));
    is_str(buf, "HYPERSPOT_MYMOD__SOMEFIELD2", "upper case, digits kept");

    hs_config_env_name("a", "b", buf, 12);
    is_str(buf, "HYPERSPOT_A", "truncated to the buffer");
}


/* ------------------------------------------------------------ registry */

typedef struct {
    int64_t   precision;
    char     *label;
} test_demo_cfg_t;

static const hs_config_field_t  test_demo_fields[] = {
    { "precision", HS_CFG_INT, offsetof(test_demo_cfg_t, precision), "2",
      0, 10, NULL },
    { "label", HS_CFG_STRING, offsetof(test_demo_cfg_t, label), "calc", 0,
      0, NULL },
    HS_CONFIG_FIELD_END
};

static const hs_module_desc_t  test_demo_desc = {
    HS_MODULE_ABI, "demo", "1.0.0", "configurable", NULL, 0,
    test_demo_fields, sizeof(test_demo_cfg_t), NULL, NULL, NULL, NULL, NULL
};

static const hs_module_desc_t  test_plain_desc = {
    HS_MODULE_ABI, "plain", "1.0.0", "no settings", NULL, 0,
    NULL, 0, NULL, NULL, NULL, NULL, NULL
};


static hs_registry_t *
test_registry(void)
{
    hs_error_t      err;
    hs_registry_t  *reg;

    reg = hs_registry_create(NULL);
    if (reg == NULL
        || hs_registry_add(reg, &test_demo_desc, "ngx_http_hs_demo_module",
                           &err) != HS_OK
        || hs_registry_add(reg, &test_plain_desc, "ngx_http_hs_plain_module",
                           &err) != HS_OK)
    {
        hs_registry_destroy(reg);
        return NULL;
    }

    return reg;
}


/* Configures a fresh registry from text; returns rc, message in err. */
static hs_rc_t
test_configure(const char *text, const char *const *vars, hs_error_t *err,
    int64_t *precision, char *label, size_t label_size)
{
    hs_rc_t                 rc;
    test_env_t              env;
    hs_registry_t          *reg;
    hs_yaml_doc_t          *doc;
    hs_module_ctx_t        *ctx;
    const test_demo_cfg_t  *cfg;

    reg = test_registry();
    if (reg == NULL) {
        hs_error_set(err, "registry setup failed");
        return HS_ERROR;
    }

    doc = NULL;
    if (text != NULL) {
        doc = test_load(text, err);
        if (doc == NULL) {
            hs_registry_destroy(reg);
            return HS_ERROR;
        }
    }

    memset(&env, 0, sizeof(env));
    env.vars = vars;
    err->msg[0] = '\0';

    rc = hs_registry_configure(reg, doc, test_getenv, &env, err);

    ctx = hs_registry_find(reg, "demo");
    cfg = ctx ? ctx->config : NULL;
    if (rc == HS_OK && cfg != NULL) {
        if (precision != NULL) {
            *precision = cfg->precision;
        }
        if (label != NULL) {
            snprintf(label, label_size, "%s", cfg->label ? cfg->label : "");
        }

        ok(ctx->state == HS_MODULE_CONFIGURED
           && hs_registry_find(reg, "plain")->state == HS_MODULE_CONFIGURED,
           "configured modules are in state configured");
    }

    hs_yaml_free(doc);
    hs_registry_destroy(reg);    /* frees config strings */

    return rc;
}


static void
test_registry_configure(void)
{
    char        label[64];
    int64_t     precision;
    hs_rc_t     rc;
    hs_error_t  err;

    static const char *const  env[] = { "HYPERSPOT_DEMO__LABEL=env-label",
                                        NULL };

    precision = -1;
    rc = test_configure(NULL, NULL, &err, &precision, label, sizeof(label));
    is_int(rc, HS_OK, "configure without a document");
    is_int(precision, 2, "default precision");
    is_str(label, "calc", "default label");

    rc = test_configure("modules:\n  demo:\n    config:\n"
                        "      precision: 7\n      label: yaml\n",
                        env, &err, &precision, label, sizeof(label));
    if (!is_int(rc, HS_OK, "configure from YAML + env")) {
        diag("%s", err.msg);
    }
    is_int(precision, 7, "precision from YAML");
    is_str(label, "env-label", "label from the environment");

    rc = test_configure("modules:\n  demo:\n  plain:\n    config: {}\n",
                        NULL, &err, &precision, NULL, 0);
    is_int(rc, HS_OK, "null module section and empty config");
    is_int(precision, 2, "null module section: defaults");

    rc = test_configure("modules:\n  plain:\n    config:\n", NULL, &err,
                        NULL, NULL, 0);
    is_int(rc, HS_OK, "null config for a module without settings");

    rc = test_configure("modules:\n", NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_OK, "modules: null");

    rc = test_configure("", NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_OK, "empty document");

    rc = test_configure("modules:\n  demo:\n    config:\n"
                        "      precision: 11\n", NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "out of range through the registry");
    is_str(err.msg, "app.yaml:4:7: modules.demo.config.precision: 11 is out "
           "of range 0..10", "registry passes positions through");

    rc = test_configure("modules:\n  demo:\n    config: {}\n  ghost:\n"
                        "    config: {}\n", NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "unknown module");
    is_str(err.msg, "app.yaml:4:3: modules.ghost: no hyperspot module "
           "\"ghost\" is loaded (loaded: demo, plain)",
           "unknown module lists the loaded ones");

    rc = test_configure("modules:\n  demo:\n    confg:\n      precision: 1\n",
                        NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "unknown key beside config");
    is_str(err.msg, "app.yaml:3:5: modules.demo.confg: unknown key (module "
           "sections take \"config\")", "unknown key beside config message");

    rc = test_configure("modules:\n  plain:\n    config:\n      x: 1\n",
                        NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "settings for a module without settings");
    is_str(err.msg, "app.yaml:3:5: modules.plain.config: module \"plain\" "
           "takes no settings", "takes no settings message");

    rc = test_configure("modules:\n  plain:\n    config: 3\n",
                        NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "scalar config for a module without settings");
    like_str(err.msg, "takes no settings", "scalar config message");

    rc = test_configure("modules:\n  demo:\n    config: {}\n"
                        "server:\n  port: 80\n", NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "unknown top-level key");
    is_str(err.msg, "app.yaml:4:1: unknown top-level key \"server\" "
           "(known: modules, openapi, security)", "unknown top-level key message");

    rc = test_configure("modules: [demo]\n", NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "modules is a sequence");
    is_str(err.msg, "app.yaml:1:1: \"modules\" must be a mapping of module "
           "names", "modules must be a mapping");

    rc = test_configure("modules:\n  demo: 5\n", NULL, &err, NULL, NULL, 0);
    is_int(rc, HS_EINVAL, "module section is a scalar");
    is_str(err.msg, "app.yaml:2:3: modules.demo must be a mapping with a "
           "\"config\" key", "module section must be a mapping");

    {
        static const char *const  bad[] = { "HYPERSPOT_DEMO__PRECISION=x",
                                            NULL };

        rc = test_configure(NULL, bad, &err, NULL, NULL, 0);
        is_int(rc, HS_EINVAL, "bad env through the registry");
        is_str(err.msg, "environment variable HYPERSPOT_DEMO__PRECISION: "
               "expected an integer, got \"x\"", "env message via registry");
    }

    /* an empty registry lists no modules */
    {
        hs_registry_t  *reg;
        hs_yaml_doc_t  *doc;

        reg = hs_registry_create(NULL);
        doc = test_load("modules:\n  demo: {}\n", &err);
        rc = hs_registry_configure(reg, doc, NULL, NULL, &err);
        is_int(rc, HS_EINVAL, "module in an empty registry");
        like_str(err.msg, "(loaded: none)", "empty registry: loaded none");
        hs_yaml_free(doc);
        hs_registry_destroy(reg);
    }
}


int
main(void)
{
    test_yaml_scalars();
    test_yaml_numeric_edges();
    test_yaml_structure();
    test_yaml_errors();
    test_yaml_empty();
    test_yaml_file();
    test_env_names();
    test_apply_defaults();
    test_apply_yaml();
    test_apply_env();
    test_registry_configure();

    return done_testing();
}
