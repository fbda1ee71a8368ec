/*
 * JWT (compact JWS) verification against a JWKS key set.
 *
 * hs_jwt_verify() is the only code in HyperSpot that verifies tokens: it
 * checks the header first (algorithm pinned by the policy, "none"
 * rejected, key family bound to the algorithm), checks the
 * signature with OpenSSL against keys parsed once, then checks
 * exp/nbf/iss/aud and the required claims.
 *
 * A key set is read-only after hs_jwks_parse(): any number of threads may
 * verify with one hs_jwks_t at the same time.
 */

#ifndef HS_JWT_H
#define HS_JWT_H

#include <jansson.h>

#include "hs_base.h"

/* Algorithms a policy allows (bit set). */
#define HS_JWT_HS256  0x0001
#define HS_JWT_HS384  0x0002
#define HS_JWT_HS512  0x0004
#define HS_JWT_RS256  0x0010
#define HS_JWT_RS384  0x0020
#define HS_JWT_RS512  0x0040
#define HS_JWT_ES256  0x0100
#define HS_JWT_ES384  0x0200

/* The HS_JWT_* bit of an algorithm name ("RS256"), 0 when unknown. */
HS_API unsigned hs_jwt_alg_bit(const char *name);

/*
 * The "kid" of a token's header, unverified (to decide whether a key set
 * refresh may help): HS_OK, HS_ENOTFOUND (none, or longer than size - 1),
 * HS_EINVAL (no readable header).
 */
HS_API hs_rc_t hs_jwt_kid(const char *token, size_t len, char *kid,
    size_t size);

/* Tokens longer than this are rejected before any decoding. */
#define HS_JWT_MAX_TOKEN  16384

/* A key set: kid -> key (PEM or raw secret) with its algorithm family. */
typedef struct hs_jwks_s  hs_jwks_t;

/*
 * Parses an RFC 7517 JWK Set: RSA (n, e), EC P-256/P-384 (crv, x, y) and
 * oct (k) keys; public keys become OpenSSL keys once, here.  Keys with
 * "use" other than "sig" are skipped.
 */
HS_API hs_jwks_t *hs_jwks_parse(const char *json, size_t len,
    hs_error_t *err);
HS_API void hs_jwks_free(hs_jwks_t *ks);
HS_API size_t hs_jwks_count(const hs_jwks_t *ks);

typedef struct {
    unsigned             algs;      /* HS_JWT_* bits allowed */
    const char          *issuer;    /* NULL: not checked */
    const char          *audience;  /* NULL: not checked; "aud" may be a
                                       string or an array of strings */
    int64_t              leeway;    /* seconds, for exp and nbf */
    int64_t              now;       /* 0: time(NULL) */
    const char *const   *required;  /* NULL-terminated claim names, or NULL */
} hs_jwt_policy_t;

/*
 * Verifies a compact JWS against the key set and the policy; on success
 * *claims (if claims is not NULL) is a new reference to the payload object.
 * Returns HS_ENOTFOUND for an unknown kid (the caller may refresh the key
 * set), HS_EINVAL for every other rejection, HS_ENOMEM; err says why.
 */
HS_API hs_rc_t hs_jwt_verify(const char *token, size_t len,
    const hs_jwks_t *ks, const hs_jwt_policy_t *policy, json_t **claims,
    hs_error_t *err);

#endif /* HS_JWT_H */
