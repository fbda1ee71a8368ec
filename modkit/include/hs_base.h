/*
 * HyperSpot modkit: basic types shared by every modkit header.
 *
 * modkit is nginx-free: it is built as libhsmodkit.so and used by the core
 * module, by every HyperSpot module and by the unit tests.
 */

#ifndef HS_BASE_H
#define HS_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define HS_API  __attribute__((visibility("default")))

#define HS_MODKIT_VERSION  "0.1.0"

/* Return codes of modkit calls. */
typedef enum {
    HS_OK = 0,
    HS_ERROR = -1,      /* failure, message in hs_error_t */
    HS_ENOMEM = -2,
    HS_ENOTFOUND = -3,
    HS_EINVAL = -4,
    HS_EEXIST = -5,
    HS_EMETHOD = -6,    /* path known, method not */
    HS_EVERSION = -7,
    HS_EOVERFLOW = -8,
    HS_EAGAIN = -9
} hs_rc_t;

/*
 * A human-readable error message filled by calls that can fail at
 * configuration time; the caller owns it (usually on the stack).
 */
typedef struct {
    char  msg[1024];
} hs_error_t;

HS_API void hs_error_set(hs_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Allocator injected into modkit; defaults to the libc allocator. */
typedef struct {
    void  *(*alloc)(size_t size);
    void  *(*realloc)(void *p, size_t size);
    void   (*free)(void *p);
} hs_allocator_t;

HS_API void hs_set_allocator(const hs_allocator_t *a);
HS_API void *hs_alloc(size_t size);
HS_API void *hs_calloc(size_t n, size_t size);
HS_API void *hs_realloc(void *p, size_t size);
HS_API void hs_free(void *p);
HS_API char *hs_strdup(const char *s);
HS_API char *hs_strndup(const char *s, size_t n);

/* 1: s[0..len) is valid UTF-8 (NUL bytes allowed). */
HS_API int hs_utf8_valid(const char *s, size_t len);

/* Replaces bytes that are not valid UTF-8 with '?', in place. */
HS_API void hs_utf8_sanitize(char *s);

/* Logger injected by the caller (nginx glue or a unit test). */
typedef enum {
    HS_LOG_ERR = 1,
    HS_LOG_WARN,
    HS_LOG_INFO,
    HS_LOG_DEBUG
} hs_log_level_t;

typedef struct {
    void  (*write)(void *data, hs_log_level_t level, const char *msg);
    void   *data;
} hs_log_t;

HS_API void hs_log(const hs_log_t *log, hs_log_level_t level,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* HS_BASE_H */
