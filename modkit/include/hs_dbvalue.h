/*
 * Values bound to and read from SQL statements, the same for SQLite and
 * PostgreSQL. Text is UTF-8 and not NUL-terminated unless said so; the
 * pointer is borrowed (from the caller when binding, from the result set
 * when reading).
 */

#ifndef HS_DBVALUE_H
#define HS_DBVALUE_H

#include "hs_base.h"

typedef enum {
    HS_DBV_NULL = 0,
    HS_DBV_INT,           /* int64_t i */
    HS_DBV_REAL,          /* double d */
    HS_DBV_TEXT,          /* s, len (uuids and RFC 3339 times are text) */
    HS_DBV_BOOL           /* i: 0 or 1 */
} hs_dbv_type_t;

typedef struct {
    hs_dbv_type_t   type;
    int64_t         i;
    double          d;
    const char     *s;
    size_t          len;
} hs_dbv_t;

#define hs_dbv_null()        ((hs_dbv_t) { HS_DBV_NULL, 0, 0, NULL, 0 })
#define hs_dbv_int(v)        ((hs_dbv_t) { HS_DBV_INT, (v), 0, NULL, 0 })
#define hs_dbv_real(v)       ((hs_dbv_t) { HS_DBV_REAL, 0, (v), NULL, 0 })
#define hs_dbv_bool(v)       ((hs_dbv_t) { HS_DBV_BOOL, !!(v), 0, NULL, 0 })
#define hs_dbv_text(p, n)    ((hs_dbv_t) { HS_DBV_TEXT, 0, 0, (p), (n) })
#define hs_dbv_cstr(p)       hs_dbv_text((p), strlen(p))

#endif /* HS_DBVALUE_H */
