/*
 * A small blocking HTTP/1.1 client for pool threads: GET of a document
 * (a JWKS, a discovery document) over http or https. It resolves, connects
 * and reads within one deadline, follows no redirects, accepts
 * Content-Length, chunked and close-delimited bodies up to a size limit,
 * and verifies https peers (certificate chain and host name) against the
 * system's CA store or a given CA file.
 */

#ifndef HS_HTTP_H
#define HS_HTTP_H

#include "hs_base.h"

typedef struct {
    char      scheme[8];       /* "http" or "https" */
    char      host[256];
    unsigned  port;
    char      path[2048];      /* with the query, at least "/" */
} hs_url_t;

/* Parses http[s]://host[:port][/path]; HS_EINVAL with err on a bad URL. */
HS_API hs_rc_t hs_url_parse(const char *url, hs_url_t *u, hs_error_t *err);

typedef struct {
    int           timeout_ms;   /* the whole exchange */
    size_t        max_body;     /* larger bodies fail */
    const char   *ca_file;      /* NULL: the system's CA store */
    const char   *accept;       /* Accept header, NULL: application/json */
} hs_http_options_t;

/*
 * GETs url; on HS_OK *status is the response status and *body (hs_free,
 * NUL-terminated, *len bytes) its body, whatever the status. HS_EAGAIN:
 * the server could not be reached or did not answer in time; HS_ERROR: a
 * malformed or oversized response or a failed TLS verification; err says
 * what happened.
 */
HS_API hs_rc_t hs_http_get(const char *url, const hs_http_options_t *opt,
    int *status, char **body, size_t *len, hs_error_t *err);

#endif /* HS_HTTP_H */
