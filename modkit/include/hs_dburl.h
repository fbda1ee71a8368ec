/*
 * Database URLs: "sqlite:///absolute/path/file.db" (the embedded
 * default) and "postgres://user:password@host:port/dbname?sslmode=...".
 */

#ifndef HS_DBURL_H
#define HS_DBURL_H

#include "hs_base.h"

typedef enum {
    HS_DB_SQLITE = 1,
    HS_DB_POSTGRES
} hs_db_kind_t;

typedef struct {
    hs_db_kind_t  kind;
    char         *path;       /* sqlite: file path */
    char         *user;       /* postgres */
    char         *password;
    char         *host;
    unsigned      port;       /* 0: default */
    char         *dbname;
    char         *sslmode;    /* NULL: libpq default */
    char         *redacted;   /* the URL with the password masked */
} hs_dburl_t;

HS_API hs_rc_t hs_dburl_parse(const char *url, hs_dburl_t *out,
    hs_error_t *err);
HS_API void hs_dburl_release(hs_dburl_t *u);
HS_API const char *hs_db_kind_name(hs_db_kind_t kind);

#endif /* HS_DBURL_H */
