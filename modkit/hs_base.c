/* modkit basics: errors, the injected allocator, the injected logger. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_base.h"

static hs_allocator_t  hs__allocator = { malloc, realloc, free };


/*
 * libhsmodkit.so is never unloaded once loaded. nginx dlclose()s modules
 * when a cycle is freed (on reload, and when a worker exits) while
 * thread-pool threads may still be running modkit code (a thread's
 * database connection is closed by its thread-exit destructor), and the
 * process-wide state (the cursor key) must outlive reloads.
 */
__attribute__((constructor))
static void
hs__pin(void)
{
    Dl_info  dl;

    if (dladdr((void *) hs__pin, &dl) != 0 && dl.dli_fname != NULL) {
        (void) dlopen(dl.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    }
}


void
hs_error_set(hs_error_t *err, const char *fmt, ...)
{
    va_list  ap;

    if (err == NULL) {
        return;
    }

    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}


void
hs_set_allocator(const hs_allocator_t *a)
{
    if (a == NULL) {
        hs__allocator.alloc = malloc;
        hs__allocator.realloc = realloc;
        hs__allocator.free = free;
        return;
    }

    hs__allocator = *a;
}


void *
hs_alloc(size_t size)
{
    return hs__allocator.alloc(size ? size : 1);
}


void *
hs_calloc(size_t n, size_t size)
{
    void  *p;

    if (size != 0 && n > SIZE_MAX / size) {
        return NULL;
    }

    p = hs_alloc(n * size);
    if (p != NULL) {
        memset(p, 0, n * size);
    }

    return p;
}


void *
hs_realloc(void *p, size_t size)
{
    return hs__allocator.realloc(p, size ? size : 1);
}


void
hs_free(void *p)
{
    if (p != NULL) {
        hs__allocator.free(p);
    }
}


char *
hs_strndup(const char *s, size_t n)
{
    char  *p;

    p = hs_alloc(n + 1);
    if (p == NULL) {
        return NULL;
    }

    memcpy(p, s, n);
    p[n] = '\0';

    return p;
}


char *
hs_strdup(const char *s)
{
    return s ? hs_strndup(s, strlen(s)) : NULL;
}


void
hs_log(const hs_log_t *log, hs_log_level_t level, const char *fmt, ...)
{
    char     buf[2048];
    va_list  ap;

    if (log == NULL || log->write == NULL) {
        return;
    }

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    log->write(log->data, level, buf);
}


int
hs_utf8_valid(const char *s, size_t len)
{
    size_t          i, n, k;
    uint32_t        cp;
    uint64_t        w;
    const uint8_t  *p = (const uint8_t *) s;

    i = 0;

    while (i < len) {
        /* ASCII, eight bytes at a time */
        if (i + 8 <= len) {
            memcpy(&w, p + i, 8);
            if ((w & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }

        if (p[i] < 0x80) {
            i++;
            continue;
        }

        if (p[i] >= 0xc2 && p[i] <= 0xdf) {
            n = 1; cp = p[i] & 0x1f;

        } else if (p[i] >= 0xe0 && p[i] <= 0xef) {
            n = 2; cp = p[i] & 0x0f;

        } else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
            n = 3; cp = p[i] & 0x07;

        } else {
            return 0;
        }

        if (i + n >= len) {
            return 0;               /* cut short */
        }

        for (k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }

        if ((n == 2 && cp < 0x800)
            || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
            || (cp >= 0xd800 && cp <= 0xdfff))
        {
            return 0;
        }

        i += n + 1;
    }

    return 1;
}


void
hs_utf8_sanitize(char *s)
{
    unsigned char  *p, c;
    size_t          n, i;
    uint32_t        cp;

    p = (unsigned char *) s;

    while (*p) {
        c = *p;

        if (c < 0x80) {
            p++;
            continue;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            n = 1; cp = c & 0x1f;

        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2; cp = c & 0x0f;

        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3; cp = c & 0x07;

        } else {
            *p++ = '?';
            continue;
        }

        for (i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3f);
        }

        if (i <= n
            || (n == 2 && cp < 0x800)
            || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
            || (cp >= 0xd800 && cp <= 0xdfff))
        {
            *p++ = '?';
            continue;
        }

        p += n + 1;
    }
}
