/* Database URL parsing: sqlite:///path and postgres://... */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_dburl.h"


const char *
hs_db_kind_name(hs_db_kind_t kind)
{
    return kind == HS_DB_SQLITE ? "sqlite"
           : kind == HS_DB_POSTGRES ? "postgres" : "unknown";
}


void
hs_dburl_release(hs_dburl_t *u)
{
    hs_free(u->path);
    hs_free(u->user);
    hs_free(u->password);
    hs_free(u->host);
    hs_free(u->dbname);
    hs_free(u->sslmode);
    hs_free(u->redacted);
    memset(u, 0, sizeof(hs_dburl_t));
}


static int
hs__hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


/* Percent-decodes s[0..len) into a new string; NULL on a bad escape. */
static char *
hs__pct_decode(const char *s, size_t len)
{
    char    *out, *d;
    size_t   i;
    int      h, l;

    out = hs_alloc(len + 1);
    if (out == NULL) {
        return NULL;
    }

    for (i = 0, d = out; i < len; i++) {
        if (s[i] == '%') {
            if (i + 2 >= len) {
                hs_free(out);
                return NULL;
            }
            h = hs__hex(s[i + 1]);
            l = hs__hex(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                hs_free(out);
                return NULL;
            }
            *d++ = (char) (h << 4 | l);
            i += 2;

        } else {
            *d++ = s[i];
        }
    }

    *d = '\0';

    return out;
}


/* The URL with any password replaced by "***", for messages. */
static const char *
hs__dburl_mask(const char *url, char *buf, size_t size)
{
    const char  *rest, *at, *colon, *slash;

    rest = strstr(url, "://");
    if (rest == NULL) {
        return url;
    }

    rest += 3;
    slash = strchr(rest, '/');
    at = strchr(rest, '@');

    if (at == NULL || (slash != NULL && at > slash)) {
        return url;
    }

    colon = memchr(rest, ':', at - rest);
    if (colon == NULL) {
        return url;
    }

    snprintf(buf, size, "%.*s:***%s", (int) (colon - url), url, at);

    return buf;
}


static hs_rc_t
hs__dburl_sqlite(const char *url, hs_dburl_t *out, hs_error_t *err)
{
    const char  *p;

    p = url + sizeof("sqlite://") - 1;

    if (*p != '/' || p[1] == '\0') {
        hs_error_set(err, "invalid database URL \"%s\": expected "
                     "sqlite:///absolute/path/file.db", url);
        return HS_EINVAL;
    }

    if (strchr(p, '?') != NULL || strchr(p, '#') != NULL) {
        hs_error_set(err, "invalid database URL \"%s\": sqlite URLs take no "
                     "query or fragment", url);
        return HS_EINVAL;
    }

    if (p[strlen(p) - 1] == '/') {
        hs_error_set(err, "invalid database URL \"%s\": the path names a "
                     "directory, not a database file", url);
        return HS_EINVAL;
    }

    out->kind = HS_DB_SQLITE;
    out->path = hs__pct_decode(p, strlen(p));
    out->redacted = hs_strdup(url);

    if (out->path == NULL) {
        hs_error_set(err, "invalid database URL \"%s\": bad %%-escape", url);
        return HS_EINVAL;
    }

    return out->redacted ? HS_OK : HS_ENOMEM;
}


static hs_rc_t
hs__dburl_postgres(const char *full, const char *rest, hs_dburl_t *out,
    hs_error_t *err)
{
    char                     *endp, masked[1024];
    long                      port;
    size_t                    n;
    const char               *url, *at, *host, *hend, *colon, *slash, *q;
    const char               *db, *kv, *e, *p;
    const char *const        *m;
    static const char *const  modes[] = { "disable", "allow", "prefer",
                                          "require", "verify-ca",
                                          "verify-full", NULL };

    /* messages quote the URL without its password */
    url = hs__dburl_mask(full, masked, sizeof(masked));

    out->kind = HS_DB_POSTGRES;

    slash = strchr(rest, '/');
    q = strchr(rest, '?');
    if (slash == NULL || (q != NULL && q < slash)) {
        hs_error_set(err, "invalid database URL \"%s\": no database name "
                     "(postgres://user:password@host:port/dbname)", url);
        return HS_EINVAL;
    }

    at = memchr(rest, '@', slash - rest);
    host = at ? at + 1 : rest;

    if (at != NULL) {
        colon = memchr(rest, ':', at - rest);
        out->user = hs__pct_decode(rest, (colon ? colon : at) - rest);
        if (colon != NULL) {
            out->password = hs__pct_decode(colon + 1, at - colon - 1);
        }

        if (out->user == NULL || (colon && out->password == NULL)) {
            hs_error_set(err, "invalid database URL \"%s\": bad %%-escape "
                         "in the user or password", url);
            return HS_EINVAL;
        }
    }

    if (*host == '[') {
        hend = memchr(host, ']', slash - host);
        if (hend == NULL || (hend + 1 != slash && hend[1] != ':')) {
            hs_error_set(err, "invalid database URL \"%s\": bad [IPv6] "
                         "host", url);
            return HS_EINVAL;
        }
        out->host = hs_strndup(host + 1, hend - host - 1);
        colon = hend + 1 != slash ? hend + 1 : NULL;

    } else {
        colon = memchr(host, ':', slash - host);
        out->host = hs_strndup(host, (colon ? colon : slash) - host);
    }

    if (out->host == NULL || out->host[0] == '\0') {
        hs_error_set(err, "invalid database URL \"%s\": no host", url);
        return HS_EINVAL;
    }

    if (colon != NULL) {
        for (p = colon + 1; p < slash; p++) {
            if (*p < '0' || *p > '9') {
                break;
            }
        }

        port = strtol(colon + 1, &endp, 10);
        if (p != slash || endp != slash || port < 1 || port > 65535) {
            hs_error_set(err, "invalid database URL \"%s\": the port must "
                         "be 1..65535", url);
            return HS_EINVAL;
        }
        out->port = (unsigned) port;
    }

    db = slash + 1;
    e = q ? q : db + strlen(db);
    out->dbname = hs__pct_decode(db, e - db);
    if (out->dbname == NULL || out->dbname[0] == '\0'
        || strchr(out->dbname, '/') != NULL)
    {
        hs_error_set(err, "invalid database URL \"%s\": bad database name",
                     url);
        return HS_EINVAL;
    }

    for (kv = q ? q + 1 : NULL; kv != NULL && *kv; kv = e ? e + 1 : NULL) {
        e = strchr(kv, '&');
        n = e ? (size_t) (e - kv) : strlen(kv);

        if (n <= sizeof("sslmode=") - 1
            || strncmp(kv, "sslmode=", sizeof("sslmode=") - 1) != 0)
        {
            hs_error_set(err, "invalid database URL \"%s\": unknown "
                         "parameter \"%.*s\" (supported: sslmode)", url,
                         (int) n, kv);
            return HS_EINVAL;
        }

        if (out->sslmode != NULL) {
            hs_error_set(err, "invalid database URL \"%s\": sslmode is "
                         "given twice", url);
            return HS_EINVAL;
        }

        out->sslmode = hs_strndup(kv + 8, n - 8);
        for (m = modes; *m; m++) {
            if (out->sslmode && strcmp(*m, out->sslmode) == 0) {
                break;
            }
        }

        if (*m == NULL) {
            hs_error_set(err, "invalid database URL \"%s\": sslmode must "
                         "be one of disable, allow, prefer, require, "
                         "verify-ca, verify-full", url);
            return HS_EINVAL;
        }

        if (e == NULL) {
            break;
        }
    }

    out->redacted = hs_strdup(url);

    return out->redacted ? HS_OK : HS_ENOMEM;
}


hs_rc_t
hs_dburl_parse(const char *url, hs_dburl_t *out, hs_error_t *err)
{
    hs_rc_t  rc;

    memset(out, 0, sizeof(hs_dburl_t));

    if (strncmp(url, "sqlite://", sizeof("sqlite://") - 1) == 0) {
        rc = hs__dburl_sqlite(url, out, err);

    } else if (strncmp(url, "postgres://", sizeof("postgres://") - 1) == 0) {
        rc = hs__dburl_postgres(url, url + sizeof("postgres://") - 1, out,
                                err);

    } else if (strncmp(url, "postgresql://", sizeof("postgresql://") - 1)
               == 0)
    {
        rc = hs__dburl_postgres(url, url + sizeof("postgresql://") - 1, out,
                                err);

    } else {
        hs_error_set(err, "invalid database URL \"%s\": the scheme must be "
                     "sqlite:// or postgres://", url);
        rc = HS_EINVAL;
    }

    if (rc != HS_OK) {
        hs_dburl_release(out);
    }

    return rc;
}
