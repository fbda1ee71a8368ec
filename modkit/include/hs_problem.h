/*
 * RFC 9457 problem details.
 *
 * HS_PROBLEM_KINDS is the one table of the platform's problem kinds: it
 * generates the enum, the HTTP status, the title and the machine-readable
 * code (which is also the last segment of the problem type URI).
 * Modules add their own kinds with hs_problem_custom().
 */

#ifndef HS_PROBLEM_H
#define HS_PROBLEM_H

#include <jansson.h>
#include "hs_base.h"

#define HS_PROBLEM_TYPE_BASE  "https://errors.hyperspot.com/"

/*     kind                    status  title                      code */
#define HS_PROBLEM_KINDS(X)                                                   \
    X(BAD_REQUEST,             400, "Bad Request",            "bad_request")  \
    X(INVALID_JSON,            400, "Invalid JSON",           "invalid_json") \
    X(UNAUTHORIZED,            401, "Unauthorized",           "unauthorized") \
    X(FORBIDDEN,               403, "Forbidden",              "forbidden")    \
    X(NOT_FOUND,               404, "Not Found",              "not_found")    \
    X(METHOD_NOT_ALLOWED,      405, "Method Not Allowed",                     \
      "method_not_allowed")                                                   \
    X(NOT_ACCEPTABLE,          406, "Not Acceptable",      "not_acceptable")  \
    X(REQUEST_TIMEOUT,         408, "Request Timeout",    "request_timeout")  \
    X(CONFLICT,                409, "Conflict",               "conflict")     \
    X(LENGTH_REQUIRED,         411, "Length Required",    "length_required")  \
    X(PRECONDITION_FAILED,     412, "Precondition Failed",                    \
      "precondition_failed")                                                  \
    X(PAYLOAD_TOO_LARGE,       413, "Payload Too Large",                      \
      "payload_too_large")                                                    \
    X(URI_TOO_LONG,            414, "URI Too Long",           "uri_too_long") \
    X(UNSUPPORTED_MEDIA_TYPE,  415, "Unsupported Media Type",                 \
      "unsupported_media_type")                                               \
    X(RANGE_NOT_SATISFIABLE,   416, "Range Not Satisfiable",                  \
      "range_not_satisfiable")                                                \
    X(VALIDATION_FAILED,       422, "Validation Failed",                      \
      "validation_failed")                                                    \
    X(TOO_MANY_REQUESTS,       429, "Too Many Requests",                      \
      "too_many_requests")                                                    \
    X(HEADERS_TOO_LARGE,       431, "Request Header Fields Too Large",         \
      "headers_too_large")                                                    \
    X(INTERNAL,                500, "Internal Server Error",                  \
      "internal_error")                                                       \
    X(NOT_IMPLEMENTED,         501, "Not Implemented",    "not_implemented")  \
    X(BAD_GATEWAY,             502, "Bad Gateway",            "bad_gateway")  \
    X(SERVICE_UNAVAILABLE,     503, "Service Unavailable",                    \
      "service_unavailable")                                                  \
    X(GATEWAY_TIMEOUT,         504, "Gateway Timeout",    "gateway_timeout")

typedef enum {
#define HS__PROBLEM_ENUM(kind, status, title, code)  HS_PROBLEM_##kind,
    HS_PROBLEM_KINDS(HS__PROBLEM_ENUM)
#undef HS__PROBLEM_ENUM
    HS_PROBLEM_KIND_COUNT
} hs_problem_kind_t;

/*
 * A problem under construction. Strings are owned by the problem;
 * errors is a jansson array of {"field", "message", "code"} objects.
 */
typedef struct {
    int      status;
    char    *title;
    char    *code;
    char    *detail;
    json_t  *errors;
    json_t  *members;     /* extension members (RFC 9457 3.2), or NULL */
} hs_problem_t;

HS_API int hs_problem_kind_status(hs_problem_kind_t kind);
HS_API const char *hs_problem_kind_title(hs_problem_kind_t kind);
HS_API const char *hs_problem_kind_code(hs_problem_kind_t kind);

/* The platform kind for an HTTP status (INTERNAL when unknown). */
HS_API hs_problem_kind_t hs_problem_kind_by_status(int status);

HS_API hs_problem_t *hs_problem_new(hs_problem_kind_t kind,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));
HS_API hs_problem_t *hs_problem_vnew(hs_problem_kind_t kind,
    const char *fmt, va_list ap);
/* A module-defined kind: own status, title and code. */
HS_API hs_problem_t *hs_problem_custom(int status, const char *title,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
HS_API hs_rc_t hs_problem_add_error(hs_problem_t *p, const char *field,
    const char *code, const char *message);
/*
 * Adds an extension member (RFC 9457 section 3.2) to the rendered
 * document; value is stolen. The standard members (type, title, status,
 * detail, instance, code, trace_id, errors) cannot be replaced.
 */
HS_API hs_rc_t hs_problem_set_member(hs_problem_t *p, const char *name,
    json_t *value);
HS_API void hs_problem_free(hs_problem_t *p);

/*
 * Renders the problem as a JSON document. instance and trace_id may be
 * NULL. Returns a NUL-terminated string to free with hs_free(), or NULL.
 */
HS_API char *hs_problem_render(const hs_problem_t *p, const char *instance,
    const char *trace_id, size_t *len);

#endif /* HS_PROBLEM_H */
