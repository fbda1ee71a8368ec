/* A small blocking HTTP/1.1 GET client for pool threads (hs_http.h). */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "hs_http.h"

#define HS__HTTP_HEAD_MAX  16384

typedef struct {
    int        fd;
    SSL_CTX   *ctx;
    SSL       *ssl;
    int64_t    deadline;        /* ms, CLOCK_MONOTONIC */
    char      *buf;             /* what was read */
    size_t     len;
    size_t     cap;
    size_t     max;
} hs__http_conn_t;


static int64_t
hs__http_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


hs_rc_t
hs_url_parse(const char *url, hs_url_t *u, hs_error_t *err)
{
    size_t       n;
    const char  *p, *host, *end, *colon;
    char        *e;
    long         port;

    memset(u, 0, sizeof(hs_url_t));

    if (strncmp(url, "http://", 7) == 0) {
        strcpy(u->scheme, "http");
        u->port = 80;
        p = url + 7;

    } else if (strncmp(url, "https://", 8) == 0) {
        strcpy(u->scheme, "https");
        u->port = 443;
        p = url + 8;

    } else {
        hs_error_set(err, "\"%s\": only http:// and https:// URLs", url);
        return HS_EINVAL;
    }

    host = p;
    end = p + strcspn(p, "/?#");

    if (memchr(host, '@', end - host) != NULL) {
        hs_error_set(err, "\"%s\": credentials in the URL are not "
                     "supported", url);
        return HS_EINVAL;
    }

    colon = memchr(host, ':', end - host);
    n = (colon ? colon : end) - host;

    if (n == 0 || n >= sizeof(u->host)) {
        hs_error_set(err, "\"%s\": no host, or a host too long", url);
        return HS_EINVAL;
    }

    memcpy(u->host, host, n);

    for (e = u->host; *e; e++) {
        if (!((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z')
              || (*e >= '0' && *e <= '9') || *e == '-' || *e == '.'))
        {
            hs_error_set(err, "\"%s\": invalid host name", url);
            return HS_EINVAL;
        }
    }

    if (colon != NULL) {
        errno = 0;
        port = strtol(colon + 1, &e, 10);
        if (e != end || e == colon + 1 || errno || port < 1 || port > 65535)
        {
            hs_error_set(err, "\"%s\": invalid port", url);
            return HS_EINVAL;
        }
        u->port = (unsigned) port;
    }

    if (*end == '#' || strchr(end, '#') != NULL) {
        hs_error_set(err, "\"%s\": a fragment has no place here", url);
        return HS_EINVAL;
    }

    if (*end == '\0') {
        strcpy(u->path, "/");

    } else if (*end == '?') {
        snprintf(u->path, sizeof(u->path), "/%s", end);

    } else {
        if (strlen(end) >= sizeof(u->path)) {
            hs_error_set(err, "\"%s\": the path is too long", url);
            return HS_EINVAL;
        }
        strcpy(u->path, end);
    }

    for (e = u->path; *e; e++) {
        if ((unsigned char) *e <= 0x20 || (unsigned char) *e >= 0x7f) {
            hs_error_set(err, "\"%s\": the path must be URL-encoded", url);
            return HS_EINVAL;
        }
    }

    return HS_OK;
}


/* Waits until fd is ready for events; 0, or -1 on timeout or error. */
static int
hs__http_wait(hs__http_conn_t *c, short events)
{
    int            n;
    int64_t        left;
    struct pollfd  pfd;

    for ( ;; ) {
        left = c->deadline - hs__http_now();
        if (left <= 0) {
            return -1;
        }

        pfd.fd = c->fd;
        pfd.events = events;
        pfd.revents = 0;

        n = poll(&pfd, 1, (int) left);

        if (n > 0) {
            return 0;
        }

        if (n == 0 || errno != EINTR) {
            return -1;
        }
    }
}


static hs_rc_t
hs__http_connect(hs__http_conn_t *c, const hs_url_t *u, hs_error_t *err)
{
    int               rc, soerr;
    char              port[8];
    socklen_t         slen;
    struct addrinfo   hints, *res, *ai;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%u", u->port);

    rc = getaddrinfo(u->host, port, &hints, &res);
    if (rc != 0) {
        hs_error_set(err, "cannot resolve \"%s\": %s", u->host,
                     gai_strerror(rc));
        return HS_EAGAIN;
    }

    for (ai = res; ai != NULL; ai = ai->ai_next) {
        c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK
                                      | SOCK_CLOEXEC, ai->ai_protocol);
        if (c->fd < 0) {
            continue;
        }

        if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }

        if (errno == EINPROGRESS && hs__http_wait(c, POLLOUT) == 0) {
            slen = sizeof(soerr);
            if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == 0
                && soerr == 0)
            {
                break;
            }
            errno = soerr;
        }

        close(c->fd);
        c->fd = -1;
    }

    freeaddrinfo(res);

    if (c->fd < 0) {
        hs_error_set(err, "cannot connect to %s:%u: %s", u->host, u->port,
                     hs__http_now() >= c->deadline ? "timed out"
                                                   : strerror(errno));
        return HS_EAGAIN;
    }

    return HS_OK;
}


static hs_rc_t
hs__http_tls(hs__http_conn_t *c, const hs_url_t *u, const char *ca_file,
    hs_error_t *err)
{
    int            rc, e;
    long           vr;
    unsigned long  code;
    char           why[256];

    c->ctx = SSL_CTX_new(TLS_client_method());
    if (c->ctx == NULL) {
        hs_error_set(err, "SSL_CTX_new() failed");
        return HS_ERROR;
    }

    SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);

    if ((ca_file ? SSL_CTX_load_verify_locations(c->ctx, ca_file, NULL)
                 : SSL_CTX_set_default_verify_paths(c->ctx)) != 1)
    {
        hs_error_set(err, "cannot load the CA certificates%s%s",
                     ca_file ? " of " : "", ca_file ? ca_file : "");
        return HS_ERROR;
    }

    c->ssl = SSL_new(c->ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1
        || SSL_set_tlsext_host_name(c->ssl, u->host) != 1
        || SSL_set1_host(c->ssl, u->host) != 1)
    {
        hs_error_set(err, "cannot set up TLS for %s", u->host);
        return HS_ERROR;
    }

    for ( ;; ) {
        rc = SSL_connect(c->ssl);
        if (rc == 1) {
            return HS_OK;
        }

        e = SSL_get_error(c->ssl, rc);

        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (hs__http_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)
                != 0)
            {
                hs_error_set(err, "TLS handshake with %s timed out",
                             u->host);
                return HS_EAGAIN;
            }
            continue;
        }

        vr = SSL_get_verify_result(c->ssl);
        code = ERR_get_error();
        ERR_error_string_n(code, why, sizeof(why));

        hs_error_set(err, "TLS handshake with %s failed: %s", u->host,
                     vr != X509_V_OK ? X509_verify_cert_error_string(vr)
                                     : code ? why : "connection closed");
        ERR_clear_error();

        return vr != X509_V_OK ? HS_ERROR : HS_EAGAIN;
    }
}


static hs_rc_t
hs__http_send(hs__http_conn_t *c, const char *data, size_t len,
    hs_error_t *err)
{
    int      e;
    ssize_t  n;

    while (len > 0) {
        if (c->ssl != NULL) {
            n = SSL_write(c->ssl, data, (int) len);
            if (n <= 0) {
                e = SSL_get_error(c->ssl, (int) n);
                if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                    && hs__http_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN
                                                                : POLLOUT)
                       == 0)
                {
                    continue;
                }
                goto failed;
            }

        } else {
            n = send(c->fd, data, len, MSG_NOSIGNAL);
            if (n < 0) {
                if ((errno == EAGAIN || errno == EINTR)
                    && hs__http_wait(c, POLLOUT) == 0)
                {
                    continue;
                }
                goto failed;
            }
        }

        data += n;
        len -= (size_t) n;
    }

    return HS_OK;

failed:

    hs_error_set(err, "sending the request failed%s",
                 hs__http_now() >= c->deadline ? ": timed out" : "");
    return HS_EAGAIN;
}


/* Reads more into c->buf: bytes read, 0 at the end, -1 on failure. */
static ssize_t
hs__http_recv(hs__http_conn_t *c)
{
    int      e;
    char    *p;
    ssize_t  n;
    size_t   cap;

    if (c->len + 4096 + 1 > c->cap) {
        cap = c->cap ? c->cap * 2 : 8192;
        p = hs_realloc(c->buf, cap);
        if (p == NULL) {
            return -1;
        }
        c->buf = p;
        c->cap = cap;
    }

    for ( ;; ) {
        if (c->ssl != NULL) {
            n = SSL_read(c->ssl, c->buf + c->len, (int) (c->cap - c->len - 1));
            if (n > 0) {
                break;
            }

            e = SSL_get_error(c->ssl, (int) n);
            if (e == SSL_ERROR_ZERO_RETURN) {
                return 0;
            }
            if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                && hs__http_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN
                                                            : POLLOUT) == 0)
            {
                continue;
            }
            /* a peer that closes without close_notify ends the body */
            if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
                return 0;
            }
            ERR_clear_error();
            return -1;
        }

        n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
        if (n >= 0) {
            break;
        }

        if ((errno == EAGAIN || errno == EINTR) && hs__http_wait(c, POLLIN)
            == 0)
        {
            continue;
        }

        return -1;
    }

    c->len += (size_t) n;
    c->buf[c->len] = '\0';

    return n;
}


/* Decodes a chunked body in place: its length, or -1 when malformed or
   incomplete. */
static ssize_t
hs__http_dechunk(char *p, size_t len)
{
    char    *end, *out, *e;
    size_t   n;

    end = p + len;
    out = p;

    for ( ;; ) {
        e = memchr(p, '\n', end - p);
        if (e == NULL) {
            return -1;
        }

        if (!isxdigit((unsigned char) p[0])) {
            return -1;
        }

        errno = 0;
        n = strtoul(p, NULL, 16);
        if (errno) {
            return -1;
        }

        p = e + 1;

        if (n == 0) {
            return out - (end - len);
        }

        if ((size_t) (end - p) < n + 2) {
            return -1;
        }

        memmove(out, p, n);
        out += n;
        p += n;

        if (*p == '\r') {
            p++;
        }
        if (*p != '\n') {
            return -1;
        }
        p++;
    }
}


hs_rc_t
hs_http_get(const char *url, const hs_http_options_t *opt, int *status,
    char **body, size_t *len, hs_error_t *err)
{
    int               chunked, code;
    char              req[4096], hostport[300], *head_end, *h, *line, *e;
    size_t            head_len, want, blen;
    ssize_t           n, dl;
    hs_rc_t           rc;
    hs_url_t          u;
    hs__http_conn_t   c;

    *body = NULL;
    *len = 0;

    rc = hs_url_parse(url, &u, err);
    if (rc != HS_OK) {
        return rc;
    }

    memset(&c, 0, sizeof(c));
    c.fd = -1;
    c.deadline = hs__http_now() + (opt->timeout_ms > 0 ? opt->timeout_ms
                                                        : 5000);
    c.max = opt->max_body;

    rc = hs__http_connect(&c, &u, err);

    if (rc == HS_OK && strcmp(u.scheme, "https") == 0) {
        rc = hs__http_tls(&c, &u, opt->ca_file, err);
    }

    if (rc != HS_OK) {
        goto done;
    }

    if ((u.port == 80 && u.scheme[4] == '\0')
        || (u.port == 443 && u.scheme[4] == 's'))
    {
        snprintf(hostport, sizeof(hostport), "%s", u.host);
    } else {
        snprintf(hostport, sizeof(hostport), "%s:%u", u.host, u.port);
    }

    n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
                 "Accept: %s\r\nUser-Agent: hyperspot\r\n"
                 "Connection: close\r\n\r\n", u.path, hostport,
                 opt->accept ? opt->accept : "application/json");
    if (n < 0 || (size_t) n >= sizeof(req)) {
        hs_error_set(err, "the request is too long");
        rc = HS_ERROR;
        goto done;
    }

    rc = hs__http_send(&c, req, (size_t) n, err);
    if (rc != HS_OK) {
        goto done;
    }

    /* the head */
    head_end = NULL;

    while (head_end == NULL) {
        n = hs__http_recv(&c);
        if (n <= 0) {
            hs_error_set(err, "%s before the response head was read",
                         n == 0 ? "connection closed"
                         : hs__http_now() >= c.deadline ? "timed out"
                                                        : "read failed");
            rc = n == 0 ? HS_ERROR : HS_EAGAIN;
            goto done;
        }

        head_end = strstr(c.buf, "\r\n\r\n");

        if (head_end == NULL && c.len > HS__HTTP_HEAD_MAX) {
            hs_error_set(err, "the response head is larger than %d bytes",
                         HS__HTTP_HEAD_MAX);
            rc = HS_ERROR;
            goto done;
        }
    }

    head_len = (size_t) (head_end - c.buf) + 4;

    if (sscanf(c.buf, "HTTP/1.%*1d %3d", &code) != 1
        || code < 100 || code > 599)
    {
        hs_error_set(err, "not an HTTP/1.x response");
        rc = HS_ERROR;
        goto done;
    }

    chunked = 0;
    want = (size_t) -1;

    *head_end = '\0';

    for (line = strstr(c.buf, "\r\n"); line != NULL; line = e) {
        line += 2;
        e = strstr(line, "\r\n");

        h = strchr(line, ':');
        if (h == NULL) {
            continue;
        }

        for (h++; *h == ' ' || *h == '\t'; h++) { /* void */ }

        if (strncasecmp(line, "Content-Length:", 15) == 0) {
            want = strtoul(h, NULL, 10);

        } else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0
                   && strncasecmp(h, "chunked", 7) == 0)
        {
            chunked = 1;
        }
    }

    /* the body, up to the limit */
    for ( ;; ) {
        blen = c.len - head_len;

        if (!chunked && want != (size_t) -1 && blen >= want) {
            break;
        }

        if (blen > c.max + (chunked ? 4096 : 0)) {
            hs_error_set(err, "the response body is larger than %zu bytes",
                         c.max);
            rc = HS_ERROR;
            goto done;
        }

        n = hs__http_recv(&c);

        if (n == 0) {
            if (!chunked && want != (size_t) -1) {
                hs_error_set(err, "connection closed after %zu of %zu "
                             "body bytes", blen, want);
                rc = HS_ERROR;
                goto done;
            }
            break;
        }

        if (n < 0) {
            hs_error_set(err, "%s while reading the body",
                         hs__http_now() >= c.deadline ? "timed out"
                                                      : "read failed");
            rc = HS_EAGAIN;
            goto done;
        }
    }

    blen = c.len - head_len;

    if (chunked) {
        dl = hs__http_dechunk(c.buf + head_len, blen);
        if (dl < 0) {
            hs_error_set(err, "malformed chunked body");
            rc = HS_ERROR;
            goto done;
        }
        blen = (size_t) dl;

    } else if (want != (size_t) -1) {
        blen = want;
    }

    if (blen > c.max) {
        hs_error_set(err, "the response body is larger than %zu bytes",
                     c.max);
        rc = HS_ERROR;
        goto done;
    }

    *body = hs_alloc(blen + 1);
    if (*body == NULL) {
        hs_error_set(err, "out of memory");
        rc = HS_ENOMEM;
        goto done;
    }

    memcpy(*body, c.buf + head_len, blen);
    (*body)[blen] = '\0';
    *len = blen;
    *status = code;
    rc = HS_OK;

done:

    if (c.ssl != NULL) {
        SSL_free(c.ssl);
    }

    if (c.ctx != NULL) {
        SSL_CTX_free(c.ctx);
    }

    if (c.fd >= 0) {
        close(c.fd);
    }

    hs_free(c.buf);

    return rc;
}
