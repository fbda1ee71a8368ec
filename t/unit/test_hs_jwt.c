/*
 * hs_jwt: JWKS parsing and JWT verification.  Tokens are minted here with
 * OpenSSL directly (HMAC, EVP_DigestSign), independently of libjwt.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "hs_jwt.h"
#include "hs_tap.h"

/* 2026-01-01T00:00:00Z */
#define NOW  1767225600LL

#define T_HS  1
#define T_RS  2
#define T_ES  3

static EVP_PKEY       *rsa_key;
static EVP_PKEY       *ec_key;
static char           *rsa_pem;
static const char      hs_secret[] = "0123456789abcdef0123456789abcdef";


static char *
b64url(const unsigned char *p, size_t len)
{
    static const char  tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char      *out, *o;
    size_t     i;
    uint32_t   v;

    out = malloc(len / 3 * 4 + 5);
    o = out;

    for (i = 0; i + 2 < len; i += 3) {
        v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];
        *o++ = tab[(v >> 6) & 63];
        *o++ = tab[v & 63];
    }

    if (len - i == 1) {
        v = (uint32_t) p[i] << 16;
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];

    } else if (len - i == 2) {
        v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8;
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];
        *o++ = tab[(v >> 6) & 63];
    }

    *o = '\0';

    return out;
}


static char *
b64url_str(const char *s)
{
    return b64url((const unsigned char *) s, strlen(s));
}


static char *
bn_b64url(const BIGNUM *bn, int pad)
{
    int             n;
    char           *s;
    unsigned char   buf[512];

    n = pad ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
    s = b64url(buf, (size_t) n);

    return s;
}


/* Signs "header.payload" and returns the compact token (malloc'ed). */

static char *
mint_key(const char *header, const char *payload, int type,
    const unsigned char *secret, size_t secret_len)
{
    char            *h, *p, *input, *sig, *tok;
    size_t           len, siglen;
    unsigned int     maclen;
    EVP_MD_CTX      *md;
    ECDSA_SIG       *es;
    const BIGNUM    *r, *s;
    unsigned char    buf[1024], raw[64];
    const unsigned char  *q;

    h = b64url_str(header);
    p = b64url_str(payload);
    len = strlen(h) + strlen(p) + 2;
    input = malloc(len);
    snprintf(input, len, "%s.%s", h, p);
    free(h);
    free(p);

    siglen = sizeof(buf);

    if (type == T_HS) {
        HMAC(EVP_sha256(), secret, (int) secret_len,
             (unsigned char *) input, strlen(input), buf, &maclen);
        siglen = maclen;

    } else {
        md = EVP_MD_CTX_new();
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
                           type == T_RS ? rsa_key : ec_key);
        EVP_DigestSign(md, buf, &siglen, (unsigned char *) input,
                       strlen(input));
        EVP_MD_CTX_free(md);

        if (type == T_ES) {
            /* DER ECDSA-Sig-Value -> JWS raw r || s */
            q = buf;
            es = d2i_ECDSA_SIG(NULL, &q, (long) siglen);
            ECDSA_SIG_get0(es, &r, &s);
            BN_bn2binpad(r, raw, 32);
            BN_bn2binpad(s, raw + 32, 32);
            ECDSA_SIG_free(es);
            memcpy(buf, raw, 64);
            siglen = 64;
        }
    }

    sig = b64url(buf, siglen);
    len = strlen(input) + strlen(sig) + 2;
    tok = malloc(len);
    snprintf(tok, len, "%s.%s", input, sig);
    free(input);
    free(sig);

    return tok;
}


static char *
mint(const char *header, const char *payload, int type)
{
    return mint_key(header, payload, type, (const unsigned char *) hs_secret,
                    sizeof(hs_secret) - 1);
}


static char *
make_jwks(void)
{
    char    *n, *e, *x, *y, *k, *out;
    BIGNUM  *bn_n, *bn_e, *bn_x, *bn_y;
    size_t   len;

    bn_n = bn_e = bn_x = bn_y = NULL;
    EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_N, &bn_n);
    EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_E, &bn_e);
    EVP_PKEY_get_bn_param(ec_key, OSSL_PKEY_PARAM_EC_PUB_X, &bn_x);
    EVP_PKEY_get_bn_param(ec_key, OSSL_PKEY_PARAM_EC_PUB_Y, &bn_y);

    n = bn_b64url(bn_n, 0);
    e = bn_b64url(bn_e, 0);
    x = bn_b64url(bn_x, 32);
    y = bn_b64url(bn_y, 32);
    k = b64url_str(hs_secret);

    len = 2 * (strlen(n) + strlen(e)) + strlen(x) + strlen(y) + strlen(k)
          + 512;
    out = malloc(len);
    snprintf(out, len,
             "{\"keys\":["
             "{\"kty\":\"RSA\",\"kid\":\"rsa1\",\"use\":\"sig\","
             "\"n\":\"%s\",\"e\":\"%s\"},"
             "{\"kty\":\"EC\",\"kid\":\"ec1\",\"crv\":\"P-256\","
             "\"x\":\"%s\",\"y\":\"%s\"},"
             "{\"kty\":\"oct\",\"kid\":\"hs1\",\"k\":\"%s\"},"
             "{\"kty\":\"RSA\",\"kid\":\"enc1\",\"use\":\"enc\","
             "\"n\":\"%s\",\"e\":\"%s\"}"
             "]}", n, e, x, y, k, n, e);

    free(n);
    free(e);
    free(x);
    free(y);
    free(k);
    BN_free(bn_n);
    BN_free(bn_e);
    BN_free(bn_x);
    BN_free(bn_y);

    return out;
}


static char *
make_rsa_only_jwks(void)
{
    char    *n, *e, *out;
    BIGNUM  *bn_n, *bn_e;
    size_t   len;

    bn_n = bn_e = NULL;
    EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_N, &bn_n);
    EVP_PKEY_get_bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_E, &bn_e);
    n = bn_b64url(bn_n, 0);
    e = bn_b64url(bn_e, 0);

    len = strlen(n) + strlen(e) + 128;
    out = malloc(len);
    snprintf(out, len, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"rsa1\","
             "\"n\":\"%s\",\"e\":\"%s\"}]}", n, e);

    free(n);
    free(e);
    BN_free(bn_n);
    BN_free(bn_e);

    return out;
}


static hs_rc_t
verify(const char *tok, const hs_jwks_t *ks, const hs_jwt_policy_t *pol,
    json_t **claims, hs_error_t *err)
{
    err->msg[0] = '\0';

    return hs_jwt_verify(tok, strlen(tok), ks, pol, claims, err);
}


/* Verifies a freshly minted token; frees it; returns the rc. */

static hs_rc_t
check(const char *header, const char *payload, int type, const hs_jwks_t *ks,
    const hs_jwt_policy_t *pol, hs_error_t *err)
{
    char     *tok;
    json_t   *claims;
    hs_rc_t   rc;

    tok = mint(header, payload, type);
    claims = NULL;
    rc = verify(tok, ks, pol, &claims, err);
    free(tok);

    if (rc == HS_OK && claims == NULL) {
        rc = HS_ERROR;
    }

    if (rc != HS_OK && claims != NULL) {
        rc = HS_ERROR;
    }

    json_decref(claims);

    return rc;
}


static void
test_valid(const hs_jwks_t *ks, const hs_jwt_policy_t *pol)
{
    char        *tok;
    json_t      *claims;
    hs_rc_t      rc;
    hs_error_t   err;
    static const char  payload[] =
        "{\"sub\":\"alice\",\"iss\":\"https://idp\",\"aud\":\"api\","
        "\"exp\":1767229200,\"nbf\":1767225000}";

    tok = mint("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa1\"}",
               payload, T_RS);
    claims = NULL;
    rc = verify(tok, ks, pol, &claims, &err);
    is_int(rc, HS_OK, "RS256 verifies (%s)", err.msg);
    is_str(json_string_value(json_object_get(claims, "sub")), "alice",
           "RS256 claims returned");
    json_decref(claims);
    free(tok);

    tok = mint("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"ec1\"}",
               payload, T_ES);
    claims = NULL;
    rc = verify(tok, ks, pol, &claims, &err);
    is_int(rc, HS_OK, "ES256 verifies (%s)", err.msg);
    is_str(json_string_value(json_object_get(claims, "sub")), "alice",
           "ES256 claims returned");
    json_decref(claims);
    free(tok);

    tok = mint("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"hs1\"}",
               payload, T_HS);
    claims = NULL;
    rc = verify(tok, ks, pol, &claims, &err);
    is_int(rc, HS_OK, "HS256 verifies (%s)", err.msg);
    is_str(json_string_value(json_object_get(claims, "iss")), "https://idp",
           "HS256 claims returned");
    json_decref(claims);

    rc = hs_jwt_verify(tok, strlen(tok), ks, pol, NULL, &err);
    is_int(rc, HS_OK, "claims pointer may be NULL");
    free(tok);

    is_int(check("{\"alg\":\"RS256\"}", payload, T_RS, ks, pol, &err), HS_OK,
           "RS256 without kid: the only RSA key is used (%s)", err.msg);
    is_int(check("{\"alg\":\"ES256\"}", payload, T_ES, ks, pol, &err), HS_OK,
           "ES256 without kid: the only EC key is used (%s)", err.msg);
}


static void
test_alg(const hs_jwks_t *ks, const hs_jwt_policy_t *pol)
{
    char              *h, *p, *tok, *rs_only;
    size_t             len;
    hs_rc_t            rc;
    hs_jwks_t         *ks1;
    hs_error_t         err;
    hs_jwt_policy_t    rs_pol;
    static const char  payload[] = "{\"sub\":\"alice\"}";

    /* alg none, with and without a signature */
    h = b64url_str("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    p = b64url_str(payload);
    len = strlen(h) + strlen(p) + 16;
    tok = malloc(len);

    snprintf(tok, len, "%s.%s.", h, p);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL, "alg none rejected");
    like_str(err.msg, "alg none is not allowed", "alg none message");

    snprintf(tok, len, "%s.%s.AAAA", h, p);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "alg none with a signature rejected");
    free(h);

    h = b64url_str("{\"alg\":\"NONE\",\"kid\":\"hs1\"}");
    snprintf(tok, len, "%s.%s.", h, p);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "alg NONE rejected");
    like_str(err.msg, "alg none is not allowed", "alg NONE message");
    free(h);
    free(p);
    free(tok);

    /* HS/RS confusion: HS256 with the RSA public key PEM as the secret */
    tok = mint_key("{\"alg\":\"HS256\",\"kid\":\"rsa1\"}", payload, T_HS,
                   (unsigned char *) rsa_pem, strlen(rsa_pem));
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "HS256 signed with the RSA PEM, kid of the RSA key: rejected");
    like_str(err.msg, "does not fit key \"rsa1\" of kty RSA",
             "confusion message");
    free(tok);

    tok = mint_key("{\"alg\":\"HS256\"}", payload, T_HS,
                   (unsigned char *) rsa_pem, strlen(rsa_pem));
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "HS256 signed with the RSA PEM, no kid: rejected");
    like_str(err.msg, "signature verification failed",
             "only the oct key is tried");

    rs_only = make_rsa_only_jwks();
    ks1 = hs_jwks_parse(rs_only, strlen(rs_only), &err);
    ok(ks1 != NULL, "RSA-only key set parses");
    rc = verify(tok, ks1, pol, NULL, &err);
    ok(rc != HS_OK, "HS256 against an RSA-only set, no kid: rejected");
    like_str(err.msg, "no oct key for alg HS256", "no oct key message");
    free(tok);

    tok = mint_key("{\"alg\":\"HS256\",\"kid\":\"rsa1\"}", payload, T_HS,
                   (unsigned char *) rsa_pem, strlen(rsa_pem));
    is_int(verify(tok, ks1, pol, NULL, &err), HS_EINVAL,
           "HS256 against an RSA-only set, kid: rejected");
    free(tok);
    hs_jwks_free(ks1);
    free(rs_only);

    /* ES256 token naming the RSA key */
    is_int(check("{\"alg\":\"ES256\",\"kid\":\"rsa1\"}", payload, T_ES, ks,
                 pol, &err), HS_EINVAL, "ES256 with an RSA kid rejected");

    /* alg not in the policy */
    rs_pol = *pol;
    rs_pol.algs = HS_JWT_RS256;

    is_int(check("{\"alg\":\"HS256\",\"kid\":\"hs1\"}", payload, T_HS, ks,
                 &rs_pol, &err), HS_EINVAL, "HS256 not in policy rejected");
    like_str(err.msg, "alg HS256 is not allowed", "not allowed message");

    is_int(check("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}", payload, T_RS, ks,
                 &rs_pol, &err), HS_OK, "RS256 in policy passes");

    is_int(check("{\"alg\":\"XS999\",\"kid\":\"hs1\"}", payload, T_HS, ks,
                 pol, &err), HS_EINVAL, "unknown alg rejected");
    like_str(err.msg, "is not supported", "unknown alg message");

    is_int(check("{\"kid\":\"hs1\"}", payload, T_HS, ks, pol, &err),
           HS_EINVAL, "missing alg rejected");

    is_int(check("{\"alg\":\"HS256\",\"kid\":\"hs1\",\"crit\":[\"x\"]}",
                 payload, T_HS, ks, pol, &err), HS_EINVAL,
           "crit header rejected");

    /* unknown kid */
    is_int(check("{\"alg\":\"RS256\",\"kid\":\"nope\"}", payload, T_RS, ks,
                 pol, &err), HS_ENOTFOUND, "unknown kid: HS_ENOTFOUND");
    like_str(err.msg, "unknown kid \"nope\"", "unknown kid message");

    is_int(check("{\"alg\":\"RS256\",\"kid\":7}", payload, T_RS, ks,
                 pol, &err), HS_EINVAL, "non-string kid rejected");
}


static void
test_signature(const hs_jwks_t *ks, const hs_jwt_policy_t *pol)
{
    int                 i;
    char               *tok, *sig;
    hs_error_t          err;
    static const char  *hdr[] = {
        "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
        "{\"alg\":\"ES256\",\"kid\":\"ec1\"}",
        "{\"alg\":\"HS256\",\"kid\":\"hs1\"}"
    };
    static const int    type[] = { T_RS, T_ES, T_HS };

    for (i = 0; i < 3; i++) {
        tok = mint(hdr[i], "{\"sub\":\"alice\"}", type[i]);
        sig = strrchr(tok, '.') + 5;
        *sig = (*sig == 'A') ? 'B' : 'A';
        is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
               "%s: flipped signature byte rejected", hdr[i]);
        like_str(err.msg, "signature verification failed",
                 "flipped signature message");
        free(tok);

        /* a changed payload under the original signature */
        tok = mint(hdr[i], "{\"sub\":\"alice\"}", type[i]);
        sig = strchr(tok, '.') + 2;
        *sig = (*sig == 'A') ? 'B' : 'A';
        ok(verify(tok, ks, pol, NULL, &err) != HS_OK,
           "%s: changed payload rejected", hdr[i]);
        free(tok);
    }

    /* an ES256 signature of the wrong size */
    tok = mint(hdr[1], "{\"sub\":\"alice\"}", T_ES);
    sig = strrchr(tok, '.') + 1;
    strcpy(sig, "AAAA");
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "short ES256 signature rejected");
    free(tok);
}


static void
test_claims(const hs_jwks_t *ks, const hs_jwt_policy_t *pol)
{
    hs_error_t         err;
    hs_jwt_policy_t    p;
    static const char *req[] = { "sub", "tenant", NULL };
    static const char  h[] = "{\"alg\":\"HS256\",\"kid\":\"hs1\"}";

    p = *pol;

    /* exp */
    is_int(check(h, "{\"exp\":1767225590}", T_HS, ks, &p, &err), HS_EINVAL,
           "expired 10 s ago rejected");
    is_str(err.msg, "jwt: token expired at 2025-12-31T23:59:50Z",
           "expired message");
    is_int(check(h, "{\"exp\":1767225600}", T_HS, ks, &p, &err), HS_EINVAL,
           "exp == now rejected");
    is_int(check(h, "{\"exp\":1767225601}", T_HS, ks, &p, &err), HS_OK,
           "exp == now + 1 accepted");
    is_int(check(h, "{\"exp\":1767225600.5}", T_HS, ks, &p, &err), HS_EINVAL,
           "real exp == now rejected");
    is_int(check(h, "{\"exp\":\"tomorrow\"}", T_HS, ks, &p, &err), HS_EINVAL,
           "string exp rejected");
    like_str(err.msg, "not a NumericDate", "string exp message");

    p.leeway = 30;
    is_int(check(h, "{\"exp\":1767225590}", T_HS, ks, &p, &err), HS_OK,
           "expired 10 s ago, leeway 30: accepted");
    is_int(check(h, "{\"exp\":1767225570}", T_HS, ks, &p, &err), HS_EINVAL,
           "expired 30 s ago, leeway 30: rejected");
    is_int(check(h, "{\"exp\":9223372036854775807}", T_HS, ks, &p, &err),
           HS_OK, "huge exp with leeway does not overflow");

    /* nbf */
    p.leeway = 0;
    is_int(check(h, "{\"nbf\":1767225610}", T_HS, ks, &p, &err), HS_EINVAL,
           "nbf in 10 s rejected");
    is_str(err.msg, "jwt: token is not valid before 2026-01-01T00:00:10Z",
           "nbf message");
    is_int(check(h, "{\"nbf\":1767225600}", T_HS, ks, &p, &err), HS_OK,
           "nbf == now accepted");
    p.leeway = 30;
    is_int(check(h, "{\"nbf\":1767225610}", T_HS, ks, &p, &err), HS_OK,
           "nbf in 10 s, leeway 30: accepted");
    is_int(check(h, "{\"nbf\":1767225631}", T_HS, ks, &p, &err), HS_EINVAL,
           "nbf in 31 s, leeway 30: rejected");
    p.leeway = 0;

    /* iss */
    p.issuer = "https://idp";
    is_int(check(h, "{\"iss\":\"https://idp\"}", T_HS, ks, &p, &err), HS_OK,
           "right iss accepted");
    is_int(check(h, "{\"iss\":\"https://evil\"}", T_HS, ks, &p, &err),
           HS_EINVAL, "wrong iss rejected");
    like_str(err.msg, "issuer \"https://evil\" is not \"https://idp\"",
             "wrong iss message");
    is_int(check(h, "{\"sub\":\"x\"}", T_HS, ks, &p, &err), HS_EINVAL,
           "missing iss rejected");
    p.issuer = NULL;

    /* aud */
    p.audience = "api";
    is_int(check(h, "{\"aud\":\"api\"}", T_HS, ks, &p, &err), HS_OK,
           "aud string accepted");
    is_int(check(h, "{\"aud\":\"web\"}", T_HS, ks, &p, &err), HS_EINVAL,
           "wrong aud string rejected");
    like_str(err.msg, "audience \"web\" is not \"api\"", "wrong aud message");
    is_int(check(h, "{\"aud\":[\"web\",\"api\"]}", T_HS, ks, &p, &err),
           HS_OK, "aud array containing it accepted");
    is_int(check(h, "{\"aud\":[\"web\",1,\"apix\"]}", T_HS, ks, &p, &err),
           HS_EINVAL, "aud array without it rejected");
    like_str(err.msg, "audience does not include \"api\"",
             "aud array message");
    is_int(check(h, "{\"aud\":[]}", T_HS, ks, &p, &err), HS_EINVAL,
           "empty aud array rejected");
    is_int(check(h, "{\"sub\":\"x\"}", T_HS, ks, &p, &err), HS_EINVAL,
           "missing aud rejected");
    p.audience = NULL;

    /* required */
    p.required = req;
    is_int(check(h, "{\"sub\":\"x\",\"tenant\":\"t\"}", T_HS, ks, &p, &err),
           HS_OK, "required claims present accepted");
    is_int(check(h, "{\"sub\":\"x\"}", T_HS, ks, &p, &err), HS_EINVAL,
           "missing required claim rejected");
    like_str(err.msg, "no \"tenant\" claim", "missing claim message");

    /* now = 0 means the wall clock */
    p.required = NULL;
    p.now = 0;
    is_int(check(h, "{\"exp\":1000}", T_HS, ks, &p, &err), HS_EINVAL,
           "now 0: wall clock, exp in 1970 rejected");
    is_int(check(h, "{\"exp\":32503680000}", T_HS, ks, &p, &err), HS_OK,
           "now 0: wall clock, exp in 3000 accepted");

    /* duplicate claim names and non-object payloads */
    p.now = NOW;
    is_int(check(h, "{\"sub\":\"a\",\"sub\":\"b\"}", T_HS, ks, &p, &err),
           HS_EINVAL, "duplicate claim rejected");
    is_int(check(h, "[1,2]", T_HS, ks, &p, &err), HS_EINVAL,
           "array payload rejected");
    like_str(err.msg, "payload is not a JSON object", "array payload message");
}


static void
test_malformed(const hs_jwks_t *ks, const hs_jwt_policy_t *pol)
{
    char               *tok, *big, *h, *p;
    size_t              len;
    hs_error_t          err;

    is_int(verify("abc", ks, pol, NULL, &err), HS_EINVAL, "one part rejected");
    like_str(err.msg, "three parts", "one part message");
    is_int(verify("abc.def", ks, pol, NULL, &err), HS_EINVAL,
           "two parts rejected");
    is_int(verify("abc.def.ghi.jkl", ks, pol, NULL, &err), HS_EINVAL,
           "four parts rejected");
    is_int(verify("ab+c.def.ghi", ks, pol, NULL, &err), HS_EINVAL,
           "standard base64 character rejected");
    is_int(verify("abc=.def.ghi", ks, pol, NULL, &err), HS_EINVAL,
           "padding rejected");
    is_int(verify(".def.ghi", ks, pol, NULL, &err), HS_EINVAL,
           "empty header rejected");
    is_int(verify("abc..ghi", ks, pol, NULL, &err), HS_EINVAL,
           "empty payload rejected");
    is_int(hs_jwt_verify("", 0, ks, pol, NULL, &err), HS_EINVAL,
           "empty token rejected");
    is_int(hs_jwt_verify("a.b.c\0d", 7, ks, pol, NULL, &err), HS_EINVAL,
           "embedded NUL rejected");
    is_int(verify("abcde.def.ghi", ks, pol, NULL, &err), HS_EINVAL,
           "header of impossible base64 length rejected");
    like_str(err.msg, "header is not valid base64url", "base64 message");

    h = b64url_str("not json");
    p = b64url_str("{}");
    len = 256;
    tok = malloc(len);
    snprintf(tok, len, "%s.%s.AAAA", h, p);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "header not JSON rejected");
    like_str(err.msg, "header is not valid JSON", "header JSON message");
    free(h);

    h = b64url_str("[\"HS256\"]");
    snprintf(tok, len, "%s.%s.AAAA", h, p);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "header array rejected");
    free(h);

    h = b64url_str("{\"alg\":\"HS256\",\"alg\":\"none\"}");
    snprintf(tok, len, "%s.%s.AAAA", h, p);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "duplicate alg in header rejected");
    free(h);

    h = b64url_str("{\"alg\":\"HS256\",\"kid\":\"hs1\"}");
    snprintf(tok, len, "%s.%s.", h, p);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "empty signature rejected");
    like_str(err.msg, "empty signature", "empty signature message");
    free(h);
    free(p);
    free(tok);

    /* payload that is not base64url JSON, correctly signed */
    tok = mint("{\"alg\":\"HS256\",\"kid\":\"hs1\"}", "not json", T_HS);
    is_int(verify(tok, ks, pol, NULL, &err), HS_EINVAL,
           "signed non-JSON payload rejected");
    like_str(err.msg, "payload is not valid JSON", "payload JSON message");
    free(tok);

    big = malloc(HS_JWT_MAX_TOKEN + 2);
    memset(big, 'A', HS_JWT_MAX_TOKEN + 1);
    big[10] = '.';
    big[20] = '.';
    big[HS_JWT_MAX_TOKEN + 1] = '\0';
    is_int(verify(big, ks, pol, NULL, &err), HS_EINVAL,
           "oversized token rejected");
    like_str(err.msg, "too large", "oversized message");
    free(big);

    is_int(hs_jwt_verify("a.b.c", 5, NULL, pol, NULL, &err), HS_EINVAL,
           "NULL key set rejected");
    is_int(hs_jwt_verify("a.b.c", 5, ks, NULL, NULL, &err), HS_EINVAL,
           "NULL policy rejected");
}


static void
test_jwks_errors(void)
{
    hs_jwks_t   *ks;
    hs_error_t   err;
    size_t       i;
    static const struct {
        const char  *json;
        const char  *msg;
    } cases[] = {
        { "{\"keys\":[", "invalid JSON" },
        { "{\"keys\":{}}", "\"keys\" must be an array" },
        { "{\"keys\":[1]}", "key 0 is not an object" },
        { "{\"keys\":[{\"kid\":\"a\"}]}", "key 0 has no \"kty\"" },
        { "{\"keys\":[{\"kty\":\"OKP\",\"kid\":\"a\"}]}",
          "key 0 has unknown kty \"OKP\"" },
        { "{\"keys\":[{\"kty\":\"RSA\",\"e\":\"AQAB\"}]}",
          "key 0 has no \"n\" string" },
        { "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\"}]}",
          "key 0 has no \"e\" string" },
        { "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
          "too small" },
        { "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"A+B\",\"e\":\"AQAB\"}]}",
          "\"n\" is not valid base64url" },
        { "{\"keys\":[{\"kty\":\"oct\",\"k\":\"\"}]}",
          "\"k\" is not valid base64url" },
        { "{\"keys\":[{\"kty\":\"oct\"}]}", "no \"k\" string" },
        { "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-999\",\"x\":\"AA\","
          "\"y\":\"AA\"}]}", "unsupported crv \"P-999\"" },
        { "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\","
          "\"y\":\"AAAA\"}]}", "must be 32 bytes" },
        { "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
          "\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
          "\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}]}",
          "invalid EC key" },
        { "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\",\"alg\":\"RS256\"}]}",
          "does not fit kty oct" },
        { "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\",\"kid\":5}]}",
          "\"kid\" is not a string" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err.msg[0] = '\0';
        ks = hs_jwks_parse(cases[i].json, strlen(cases[i].json), &err);
        ok(ks == NULL, "jwks %zu rejected", i);
        like_str(err.msg, cases[i].msg, "jwks %zu message", i);
        hs_jwks_free(ks);
    }

    ks = hs_jwks_parse("{\"keys\":[]}", 11, &err);
    ok(ks != NULL && hs_jwks_count(ks) == 0, "empty key set parses");
    hs_jwks_free(ks);
}


typedef struct {
    const hs_jwks_t        *ks;
    const hs_jwt_policy_t  *pol;
    char                   *tok[3];
    int                     passed;
} thread_arg_t;


static void *
thread_verify(void *data)
{
    int            i;
    json_t        *claims;
    hs_error_t     err;
    thread_arg_t  *a = data;

    for (i = 0; i < 60; i++) {
        claims = NULL;

        if (hs_jwt_verify(a->tok[i % 3], strlen(a->tok[i % 3]), a->ks,
                          a->pol, &claims, &err) == HS_OK
            && json_is_object(claims))
        {
            a->passed++;
        }

        json_decref(claims);
    }

    return NULL;
}


/* One read-only key set shared by concurrent verifications. */

static void
test_threads(const hs_jwks_t *ks, const hs_jwt_policy_t *pol)
{
    int            i, j, passed;
    pthread_t      th[4];
    thread_arg_t   args[4];

    for (i = 0; i < 4; i++) {
        args[i].ks = ks;
        args[i].pol = pol;
        args[i].passed = 0;
        args[i].tok[0] = mint("{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
                              "{\"sub\":\"t\"}", T_RS);
        args[i].tok[1] = mint("{\"alg\":\"ES256\",\"kid\":\"ec1\"}",
                              "{\"sub\":\"t\"}", T_ES);
        args[i].tok[2] = mint("{\"alg\":\"HS256\",\"kid\":\"hs1\"}",
                              "{\"sub\":\"t\"}", T_HS);
        pthread_create(&th[i], NULL, thread_verify, &args[i]);
    }

    passed = 0;

    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        passed += args[i].passed;

        for (j = 0; j < 3; j++) {
            free(args[i].tok[j]);
        }
    }

    is_int(passed, 4 * 60, "4 threads x 60 verifications with one key set");
}


int
main(void)
{
    char             *jwks;
    BIO              *bio;
    long              n;
    char             *data;
    hs_jwks_t        *ks;
    hs_error_t        err;
    hs_jwt_policy_t   pol;

    rsa_key = EVP_RSA_gen(2048);
    ec_key = EVP_EC_gen("P-256");

    if (!ok(rsa_key != NULL && ec_key != NULL, "test keys generated")) {
        return done_testing();
    }

    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, rsa_key);
    n = BIO_get_mem_data(bio, &data);
    rsa_pem = strndup(data, (size_t) n);
    BIO_free(bio);

    jwks = make_jwks();
    ks = hs_jwks_parse(jwks, strlen(jwks), &err);
    free(jwks);

    if (!ok(ks != NULL, "jwks parses (%s)", ks ? "" : err.msg)) {
        return done_testing();
    }

    is_int(hs_jwks_count(ks), 3, "3 signing keys, the enc key skipped");

    memset(&pol, 0, sizeof(pol));
    pol.algs = HS_JWT_RS256 | HS_JWT_ES256 | HS_JWT_HS256;
    pol.now = NOW;

    test_valid(ks, &pol);
    test_alg(ks, &pol);
    test_signature(ks, &pol);
    test_claims(ks, &pol);
    test_malformed(ks, &pol);
    test_jwks_errors();
    test_threads(ks, &pol);

    hs_jwks_free(ks);
    free(rsa_pem);
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(ec_key);

    return done_testing();
}
