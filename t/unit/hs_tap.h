/*
 * hs_tap.h: a tiny header-only TAP producer for the modkit unit tests.
 *
 *     ok(cond, fmt, ...)           passes when cond is true
 *     is_int(got, want, fmt, ...)  integers (compared as long long)
 *     is_str(got, want, fmt, ...)  strings, NULL-safe (NULL == NULL)
 *     like_str(hay, needle, fmt, ...)  hay contains needle (NULL fails)
 *     diag(fmt, ...)               a "# ..." line
 *     return done_testing();       prints the plan and a summary line,
 *                                  returns the exit code
 *
 * Every check returns 1 when it passed, so a test can stop early:
 * "if (!ok(p != NULL, "...")) return;".  Failures print "# ..."
 * diagnostics on stdout, as TAP wants.
 */

#ifndef HS_TAP_H
#define HS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HS_TAP_UNUSED  __attribute__((unused))

static int  hs_tap_run;
static int  hs_tap_failed;


/* Prints s as "#   <label>s" lines, one per line of s. */
static HS_TAP_UNUSED void
hs_tap_diag_text(const char *label, const char *s)
{
    const char  *nl;

    if (s == NULL) {
        printf("#   %sNULL\n", label);
        return;
    }

    for ( ;; ) {
        nl = strchr(s, '\n');
        if (nl == NULL) {
            printf("#   %s'%s'\n", label, s);
            return;
        }

        printf("#   %s'%.*s'\n", label, (int) (nl - s), s);
        label = "  ";
        s = nl + 1;
    }
}


/* Prints "ok N - name" or "not ok N - name"; name is kept on one line. */
static HS_TAP_UNUSED int
hs_tap_vresult(int pass, const char *file, int line, const char *fmt,
    va_list ap)
{
    char    name[512];
    char   *p;

    vsnprintf(name, sizeof(name), fmt, ap);

    for (p = name; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';

        } else if (*p == '#') {
            *p = '_';           /* '#' would start a TAP directive */
        }
    }

    hs_tap_run++;

    if (pass) {
        printf("ok %d - %s\n", hs_tap_run, name);

    } else {
        hs_tap_failed++;
        printf("not ok %d - %s\n", hs_tap_run, name);
        printf("#   Failed test at %s line %d.\n", file, line);
    }

    fflush(stdout);

    return pass;
}


static HS_TAP_UNUSED __attribute__((format(printf, 4, 5))) int
hs_tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    pass = hs_tap_vresult(pass, file, line, fmt, ap);
    va_end(ap);

    return pass;
}


static HS_TAP_UNUSED __attribute__((format(printf, 5, 6))) int
hs_tap_is_int(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
    int      pass;
    va_list  ap;

    va_start(ap, fmt);
    pass = hs_tap_vresult(got == want, file, line, fmt, ap);
    va_end(ap);

    if (!pass) {
        printf("#          got: %lld\n", got);
        printf("#     expected: %lld\n", want);
    }

    return pass;
}


static HS_TAP_UNUSED __attribute__((format(printf, 5, 6))) int
hs_tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
    int      pass;
    va_list  ap;

    if (got == NULL || want == NULL) {
        pass = (got == want);

    } else {
        pass = (strcmp(got, want) == 0);
    }

    va_start(ap, fmt);
    pass = hs_tap_vresult(pass, file, line, fmt, ap);
    va_end(ap);

    if (!pass) {
        hs_tap_diag_text("       got: ", got);
        hs_tap_diag_text("  expected: ", want);
    }

    return pass;
}


static HS_TAP_UNUSED __attribute__((format(printf, 5, 6))) int
hs_tap_like_str(const char *hay, const char *needle, const char *file,
    int line, const char *fmt, ...)
{
    int      pass;
    va_list  ap;

    pass = (hay != NULL && needle != NULL && strstr(hay, needle) != NULL);

    va_start(ap, fmt);
    pass = hs_tap_vresult(pass, file, line, fmt, ap);
    va_end(ap);

    if (!pass) {
        hs_tap_diag_text("                  ", hay);
        hs_tap_diag_text("  does not contain ", needle);
    }

    return pass;
}


static HS_TAP_UNUSED __attribute__((format(printf, 1, 2))) void
hs_tap_diag(const char *fmt, ...)
{
    char     buf[2048], *s, *nl;
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    for (s = buf; s != NULL; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        printf("# %s\n", s);
    }

    fflush(stdout);
}


static HS_TAP_UNUSED int
hs_tap_done(void)
{
    printf("1..%d\n", hs_tap_run);
    printf("# %d passed, %d failed\n", hs_tap_run - hs_tap_failed,
           hs_tap_failed);
    fflush(stdout);

    return hs_tap_failed ? 1 : 0;
}


#define ok(cond, ...)                                                         \
    hs_tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                \
    hs_tap_is_int((long long) (got), (long long) (want), __FILE__, __LINE__, \
                  __VA_ARGS__)

#define is_str(got, want, ...)                                                \
    hs_tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

#define like_str(hay, needle, ...)                                            \
    hs_tap_like_str((hay), (needle), __FILE__, __LINE__, __VA_ARGS__)

#define diag(...)      hs_tap_diag(__VA_ARGS__)
#define done_testing() hs_tap_done()

#endif /* HS_TAP_H */
