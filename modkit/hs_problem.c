/* RFC 9457 problem details: construction and rendering. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_problem.h"
#include "hs_json.h"

typedef struct {
    int          status;
    const char  *title;
    const char  *code;
} hs__problem_kind_t;

static const hs__problem_kind_t  hs__problem_kinds[] = {
#define HS__PROBLEM_ROW(kind, status, title, code)  { status, title, code },
    HS_PROBLEM_KINDS(HS__PROBLEM_ROW)
#undef HS__PROBLEM_ROW
};


int
hs_problem_kind_status(hs_problem_kind_t kind)
{
    return kind < HS_PROBLEM_KIND_COUNT ? hs__problem_kinds[kind].status
                                        : 500;
}


const char *
hs_problem_kind_title(hs_problem_kind_t kind)
{
    return kind < HS_PROBLEM_KIND_COUNT ? hs__problem_kinds[kind].title
                                        : "Internal Server Error";
}


const char *
hs_problem_kind_code(hs_problem_kind_t kind)
{
    return kind < HS_PROBLEM_KIND_COUNT ? hs__problem_kinds[kind].code
                                        : "internal_error";
}


hs_problem_kind_t
hs_problem_kind_by_status(int status)
{
    size_t  i;

    /* the first kind with this status is its generic one */
    for (i = 0; i < HS_PROBLEM_KIND_COUNT; i++) {
        if (hs__problem_kinds[i].status == status) {
            return (hs_problem_kind_t) i;
        }
    }

    if (status >= 400 && status < 500) {
        return HS_PROBLEM_BAD_REQUEST;
    }

    return HS_PROBLEM_INTERNAL;
}


static hs_problem_t *
hs__problem_make(int status, const char *title, const char *code,
    const char *fmt, va_list ap)
{
    char           buf[2048];
    hs_problem_t  *p;

    p = hs_calloc(1, sizeof(hs_problem_t));
    if (p == NULL) {
        return NULL;
    }

    if (fmt != NULL) {
        vsnprintf(buf, sizeof(buf), fmt, ap);

    } else {
        buf[0] = '\0';
    }

    p->status = status;
    p->title = hs_strdup(title);
    p->code = hs_strdup(code);
    p->detail = hs_strdup(buf);

    if (p->detail != NULL) {
        hs_utf8_sanitize(p->detail);
    }

    if (p->title == NULL || p->code == NULL || p->detail == NULL) {
        hs_problem_free(p);
        return NULL;
    }

    return p;
}


hs_problem_t *
hs_problem_vnew(hs_problem_kind_t kind, const char *fmt, va_list ap)
{
    return hs__problem_make(hs_problem_kind_status(kind),
                            hs_problem_kind_title(kind),
                            hs_problem_kind_code(kind), fmt, ap);
}


hs_problem_t *
hs_problem_new(hs_problem_kind_t kind, const char *fmt, ...)
{
    va_list        ap;
    hs_problem_t  *p;

    va_start(ap, fmt);
    p = hs_problem_vnew(kind, fmt, ap);
    va_end(ap);

    return p;
}


hs_problem_t *
hs_problem_custom(int status, const char *title, const char *code,
    const char *fmt, ...)
{
    va_list        ap;
    hs_problem_t  *p;

    va_start(ap, fmt);
    p = hs__problem_make(status, title, code, fmt, ap);
    va_end(ap);

    return p;
}


hs_rc_t
hs_problem_add_error(hs_problem_t *p, const char *field, const char *code,
    const char *message)
{
    json_t  *e;

    if (p->errors == NULL) {
        p->errors = json_array();
        if (p->errors == NULL) {
            return HS_ENOMEM;
        }
    }

    e = json_pack("{s:s, s:s}", "field", field ? field : "",
                  "message", message ? message : "");
    if (e == NULL) {
        return HS_ENOMEM;
    }

    if (code != NULL && json_object_set_new(e, "code", json_string(code))) {
        json_decref(e);
        return HS_ENOMEM;
    }

    return json_array_append_new(p->errors, e) == 0 ? HS_OK : HS_ENOMEM;
}


hs_rc_t
hs_problem_set_member(hs_problem_t *p, const char *name, json_t *value)
{
    static const char *const  std[] = {
        "type", "title", "status", "detail", "instance", "code", "trace_id",
        "errors", NULL
    };
    const char *const  *s;

    for (s = std; *s; s++) {
        if (strcmp(name, *s) == 0) {
            json_decref(value);
            return HS_EINVAL;
        }
    }

    if (p->members == NULL) {
        p->members = json_object();
    }

    if (p->members == NULL) {
        json_decref(value);
        return HS_ENOMEM;
    }

    /* json_object_set_new() steals value, even when it fails */
    return value != NULL && json_object_set_new(p->members, name, value) == 0
           ? HS_OK : HS_ENOMEM;
}


void
hs_problem_free(hs_problem_t *p)
{
    if (p == NULL) {
        return;
    }

    json_decref(p->members);

    hs_free(p->title);
    hs_free(p->code);
    hs_free(p->detail);
    json_decref(p->errors);
    hs_free(p);
}


char *
hs_problem_render(const hs_problem_t *p, const char *instance,
    const char *trace_id, size_t *len)
{
    char    type[256], inst[2048], *out;
    json_t  *doc;

    snprintf(type, sizeof(type), "%s%s", HS_PROBLEM_TYPE_BASE, p->code);
    snprintf(inst, sizeof(inst), "%s", instance ? instance : "");
    hs_utf8_sanitize(inst);

    doc = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}",
                    "type", type,
                    "title", p->title,
                    "status", p->status,
                    "detail", p->detail ? p->detail : "",
                    "instance", inst,
                    "code", p->code);
    if (doc == NULL) {
        return NULL;
    }

    if (trace_id != NULL && trace_id[0] != '\0') {
        json_object_set_new(doc, "trace_id", json_string(trace_id));
    }

    if (p->errors != NULL && json_array_size(p->errors) > 0) {
        json_object_set(doc, "errors", p->errors);
    }

    if (p->members != NULL) {
        json_object_update_missing(doc, p->members);
    }

    out = hs_json_dump(doc, len);
    json_decref(doc);

    return out;
}
