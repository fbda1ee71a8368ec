/*
 * JWKS parsing and JWT verification.
 *
 * The header is checked first: the algorithm must be allowed by the policy
 * and belong to the family of the selected key, so "none" and HS/RS
 * confusion never reach a signature check. Signatures are checked with
 * OpenSSL against keys parsed once, when the key set is (RSA and EC keys
 * as EVP_PKEY, ES* signatures converted from JOSE r||s to DER; HMAC
 * compared in constant time); exp/nbf/iss/aud/required are checked here
 * too. (libjwt 1.10 would parse the PEM key through OpenSSL's decoders on
 * every call: close to a millisecond of event-loop time per new token.)
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <pthread.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "hs_jwt.h"


typedef enum {
    HS__JWK_OCT = 1,
    HS__JWK_RSA,
    HS__JWK_EC
} hs__jwk_family_t;

typedef struct {
    const char         *name;
    unsigned            bit;
    hs__jwk_family_t    family;
    const char         *crv;        /* EC only */
    const char         *md;         /* the digest */
    size_t              size;       /* EC: bytes of r and of s */
} hs__jwt_alg_t;

typedef struct {
    char               *kid;        /* NULL: no kid */
    hs__jwk_family_t    family;
    const char         *crv;        /* EC only, static string */
    char               *alg;        /* the JWK's "alg", or NULL */
    unsigned char      *key;        /* oct: the raw secret */
    size_t              key_len;
    EVP_PKEY           *pkey;       /* RSA, EC: the public key */
} hs__jwk_t;

struct hs_jwks_s {
    hs__jwk_t          *keys;
    size_t              nkeys;
};


static const hs__jwt_alg_t *hs__jwt_alg_find(const char *name);
static int hs__jwt_signature(const hs__jwt_alg_t *alg, const hs__jwk_t *key,
    const char *input, size_t len, const char *sig64, size_t sig64_len);
static const char *hs__jwk_family_name(hs__jwk_family_t family);
static unsigned char *hs__b64url_decode(const char *s, size_t len,
    size_t *out_len);
static json_t *hs__b64url_json(const char *s, size_t len, const char *what,
    hs_error_t *err);
static unsigned char *hs__jwk_member(json_t *jwk, const char *name,
    size_t index, size_t *out_len, hs_error_t *err);
static hs_rc_t hs__jwk_parse(json_t *jwk, size_t index, hs__jwk_t *key,
    hs_error_t *err);
static hs_rc_t hs__jwk_rsa(json_t *jwk, size_t index, hs__jwk_t *key,
    hs_error_t *err);
static hs_rc_t hs__jwk_ec(json_t *jwk, size_t index, hs__jwk_t *key,
    hs_error_t *err);
static hs_rc_t hs__jwk_keep(EVP_PKEY *pkey, size_t index, hs__jwk_t *key,
    hs_error_t *err);
static hs_rc_t hs__jwt_select_key(const hs_jwks_t *ks, json_t *header,
    const hs__jwt_alg_t *alg, const hs__jwk_t **key, hs_error_t *err);
static hs_rc_t hs__jwt_check_claims(json_t *claims,
    const hs_jwt_policy_t *policy, hs_error_t *err);
static hs_rc_t hs__jwt_time_claim(json_t *claims, const char *name,
    int64_t *value, int *present, hs_error_t *err);
static void hs__jwt_format_time(int64_t t, char *buf, size_t size);


static const hs__jwt_alg_t  hs__jwt_algs[] = {
    { "HS256", HS_JWT_HS256, HS__JWK_OCT, NULL, "SHA256", 0 },
    { "HS384", HS_JWT_HS384, HS__JWK_OCT, NULL, "SHA384", 0 },
    { "HS512", HS_JWT_HS512, HS__JWK_OCT, NULL, "SHA512", 0 },
    { "RS256", HS_JWT_RS256, HS__JWK_RSA, NULL, "SHA256", 0 },
    { "RS384", HS_JWT_RS384, HS__JWK_RSA, NULL, "SHA384", 0 },
    { "RS512", HS_JWT_RS512, HS__JWK_RSA, NULL, "SHA512", 0 },
    { "ES256", HS_JWT_ES256, HS__JWK_EC, "P-256", "SHA256", 32 },
    { "ES384", HS_JWT_ES384, HS__JWK_EC, "P-384", "SHA384", 48 },
    { NULL, 0, 0, NULL, NULL, 0 }
};

/* EC curves: JWK name, OpenSSL group name, coordinate size. */
static const struct {
    const char  *crv;
    const char  *group;
    size_t       size;
} hs__jwk_curves[] = {
    { "P-256", "prime256v1", 32 },
    { "P-384", "secp384r1", 48 },
    { NULL, NULL, 0 }
};


hs_jwks_t *
hs_jwks_parse(const char *json, size_t len, hs_error_t *err)
{
    size_t         i, n;
    json_t        *root, *keys, *jwk, *use;
    hs_jwks_t     *ks;
    json_error_t   jerr;

    if (json == NULL) {
        hs_error_set(err, "jwks: no input");
        return NULL;
    }

    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        hs_error_set(err, "jwks: invalid JSON at line %d: %s", jerr.line,
                     jerr.text);
        return NULL;
    }

    keys = json_object_get(root, "keys");
    if (!json_is_array(keys)) {
        hs_error_set(err, "jwks: \"keys\" must be an array");
        json_decref(root);
        return NULL;
    }

    ks = hs_calloc(1, sizeof(hs_jwks_t));
    if (ks == NULL) {
        hs_error_set(err, "jwks: out of memory");
        json_decref(root);
        return NULL;
    }

    n = json_array_size(keys);

    if (n > 0) {
        ks->keys = hs_calloc(n, sizeof(hs__jwk_t));
        if (ks->keys == NULL) {
            hs_error_set(err, "jwks: out of memory");
            goto failed;
        }
    }

    json_array_foreach(keys, i, jwk) {
        if (!json_is_object(jwk)) {
            hs_error_set(err, "jwks: key %zu is not an object", i);
            goto failed;
        }

        use = json_object_get(jwk, "use");
        if (use != NULL
            && (!json_is_string(use)
                || strcmp(json_string_value(use), "sig") != 0))
        {
            continue;       /* an encryption key: not for signatures */
        }

        if (hs__jwk_parse(jwk, i, &ks->keys[ks->nkeys], err) != HS_OK) {
            ks->nkeys++;        /* hs_jwks_free() frees the partial key */
            goto failed;
        }

        ks->nkeys++;
    }

    json_decref(root);

    return ks;

failed:

    json_decref(root);
    hs_jwks_free(ks);

    return NULL;
}


void
hs_jwks_free(hs_jwks_t *ks)
{
    size_t  i;

    if (ks == NULL) {
        return;
    }

    for (i = 0; i < ks->nkeys; i++) {
        hs_free(ks->keys[i].kid);
        hs_free(ks->keys[i].alg);

        if (ks->keys[i].key != NULL) {
            OPENSSL_cleanse(ks->keys[i].key, ks->keys[i].key_len);
            hs_free(ks->keys[i].key);
        }

        EVP_PKEY_free(ks->keys[i].pkey);
    }

    hs_free(ks->keys);
    hs_free(ks);
}


size_t
hs_jwks_count(const hs_jwks_t *ks)
{
    return ks ? ks->nkeys : 0;
}


hs_rc_t
hs_jwt_verify(const char *token, size_t len, const hs_jwks_t *ks,
    const hs_jwt_policy_t *policy, json_t **claims, hs_error_t *err)
{
    size_t                i, dots[2], ndots;
    json_t               *header, *payload, *v;
    hs_rc_t               hrc;
    const char           *name;
    const hs__jwk_t      *key;
    const hs__jwt_alg_t  *alg;

    if (claims != NULL) {
        *claims = NULL;
    }

    if (ks == NULL || policy == NULL) {
        hs_error_set(err, "jwt: no key set or no policy");
        return HS_EINVAL;
    }

    if (token == NULL || len == 0) {
        hs_error_set(err, "jwt: empty token");
        return HS_EINVAL;
    }

    if (len > HS_JWT_MAX_TOKEN) {
        hs_error_set(err, "jwt: token is too large (%zu bytes, at most %d)",
                     len, HS_JWT_MAX_TOKEN);
        return HS_EINVAL;
    }

    /* three base64url parts; the signature may be empty only for "none" */

    ndots = 0;

    for (i = 0; i < len; i++) {
        unsigned char  c = (unsigned char) token[i];

        if (c == '.') {
            if (ndots == 2) {
                hs_error_set(err, "jwt: token has more than three parts");
                return HS_EINVAL;
            }
            dots[ndots++] = i;
            continue;
        }

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        {
            hs_error_set(err, "jwt: invalid character at offset %zu", i);
            return HS_EINVAL;
        }
    }

    if (ndots != 2) {
        hs_error_set(err, "jwt: token must have three parts, has %zu",
                     ndots + 1);
        return HS_EINVAL;
    }

    if (dots[0] == 0 || dots[1] == dots[0] + 1) {
        hs_error_set(err, "jwt: empty %s", dots[0] == 0 ? "header"
                                                         : "payload");
        return HS_EINVAL;
    }

    /* the header, before any signature check */

    header = hs__b64url_json(token, dots[0], "header", err);
    if (header == NULL) {
        return HS_EINVAL;
    }

    v = json_object_get(header, "alg");
    if (!json_is_string(v)) {
        hs_error_set(err, "jwt: header has no \"alg\" string");
        json_decref(header);
        return HS_EINVAL;
    }

    name = json_string_value(v);

    if (strcasecmp(name, "none") == 0) {
        hs_error_set(err, "jwt: alg none is not allowed");
        json_decref(header);
        return HS_EINVAL;
    }

    alg = hs__jwt_alg_find(name);
    if (alg == NULL) {
        hs_error_set(err, "jwt: alg \"%.64s\" is not supported", name);
        json_decref(header);
        return HS_EINVAL;
    }

    if ((policy->algs & alg->bit) == 0) {
        hs_error_set(err, "jwt: alg %s is not allowed", alg->name);
        json_decref(header);
        return HS_EINVAL;
    }

    if (json_object_get(header, "crit") != NULL) {
        hs_error_set(err, "jwt: header \"crit\" is not supported");
        json_decref(header);
        return HS_EINVAL;
    }

    key = NULL;
    hrc = hs__jwt_select_key(ks, header, alg, &key, err);

    json_decref(header);

    if (hrc != HS_OK) {
        return hrc;
    }

    if (dots[1] + 1 == len) {
        hs_error_set(err, "jwt: empty signature");
        return HS_EINVAL;
    }

    /*
     * the payload is parsed before the signature is checked, for a precise
     * message; it is trusted only after the check
     */

    payload = hs__b64url_json(token + dots[0] + 1, dots[1] - dots[0] - 1,
                              "payload", err);
    if (payload == NULL) {
        return HS_EINVAL;
    }

    /* the signature, with the key and algorithm pinned above */

    if (!hs__jwt_signature(alg, key, token, dots[1], token + dots[1] + 1,
                           len - dots[1] - 1))
    {
        hs_error_set(err, "jwt: signature verification failed");
        json_decref(payload);
        return HS_EINVAL;
    }

    /* the claims, trusted now */

    hrc = hs__jwt_check_claims(payload, policy, err);
    if (hrc != HS_OK) {
        json_decref(payload);
        return hrc;
    }

    if (claims != NULL) {
        *claims = payload;

    } else {
        json_decref(payload);
    }

    return HS_OK;
}


static pthread_once_t  hs__jwt_md_once = PTHREAD_ONCE_INIT;
static EVP_MD         *hs__jwt_mds[3];     /* SHA256, SHA384, SHA512 */


static void
hs__jwt_md_fetch(void)
{
    hs__jwt_mds[0] = EVP_MD_fetch(NULL, "SHA256", NULL);
    hs__jwt_mds[1] = EVP_MD_fetch(NULL, "SHA384", NULL);
    hs__jwt_mds[2] = EVP_MD_fetch(NULL, "SHA512", NULL);
}


/* The digest of an algorithm, fetched once for the process. */
static const EVP_MD *
hs__jwt_md(const hs__jwt_alg_t *alg)
{
    (void) pthread_once(&hs__jwt_md_once, hs__jwt_md_fetch);

    return hs__jwt_mds[strcmp(alg->md, "SHA256") == 0 ? 0
                       : strcmp(alg->md, "SHA384") == 0 ? 1 : 2];
}


/*
 * 1: the base64url signature sig64 signs input[0..len) with key under
 * alg. ES* signatures are r || s (RFC 7518 3.4), converted to DER for
 * OpenSSL; HMAC is compared in constant time.
 */
static int
hs__jwt_signature(const hs__jwt_alg_t *alg, const hs__jwk_t *key,
    const char *input, size_t len, const char *sig64, size_t sig64_len)
{
    int              ok;
    size_t           siglen, maclen, derlen;
    BIGNUM          *r, *s;
    ECDSA_SIG       *es;
    EVP_MD_CTX      *ctx;
    const EVP_MD    *md;
    unsigned char   *sig, *der, *p, mac[EVP_MAX_MD_SIZE];

    md = hs__jwt_md(alg);
    if (md == NULL) {
        return 0;
    }

    sig = hs__b64url_decode(sig64, sig64_len, &siglen);
    if (sig == NULL) {
        return 0;
    }

    ok = 0;
    der = NULL;

    if (alg->family == HS__JWK_OCT) {
        maclen = 0;

        if (key->key != NULL
            && EVP_Q_mac(NULL, "HMAC", NULL, alg->md, NULL, key->key,
                         key->key_len, (const unsigned char *) input, len,
                         mac, sizeof(mac), &maclen) != NULL
            && maclen == siglen)
        {
            ok = CRYPTO_memcmp(mac, sig, siglen) == 0;
        }

        OPENSSL_cleanse(mac, sizeof(mac));
        hs_free(sig);

        return ok;
    }

    if (key->pkey == NULL) {
        hs_free(sig);
        return 0;
    }

    p = sig;

    if (alg->family == HS__JWK_EC) {
        if (siglen != 2 * alg->size) {
            hs_free(sig);
            return 0;
        }

        es = ECDSA_SIG_new();
        r = BN_bin2bn(sig, (int) alg->size, NULL);
        s = BN_bin2bn(sig + alg->size, (int) alg->size, NULL);

        if (es == NULL || r == NULL || s == NULL
            || ECDSA_SIG_set0(es, r, s) != 1)
        {
            BN_free(r);
            BN_free(s);
            ECDSA_SIG_free(es);
            hs_free(sig);
            return 0;
        }

        derlen = 0;
        der = NULL;
        derlen = (size_t) i2d_ECDSA_SIG(es, &der);
        ECDSA_SIG_free(es);

        if (der == NULL || (int) derlen <= 0) {
            OPENSSL_free(der);
            hs_free(sig);
            return 0;
        }

        p = der;
        siglen = derlen;
    }

    ctx = EVP_MD_CTX_new();

    if (ctx != NULL
        && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key->pkey) == 1)
    {
        ok = EVP_DigestVerify(ctx, p, siglen, (const unsigned char *) input,
                              len) == 1;
    }

    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    hs_free(sig);

    return ok;
}


static const hs__jwt_alg_t *
hs__jwt_alg_find(const char *name)
{
    const hs__jwt_alg_t  *a;

    for (a = hs__jwt_algs; a->name != NULL; a++) {
        if (strcmp(a->name, name) == 0) {
            return a;
        }
    }

    return NULL;
}


hs_rc_t
hs_jwt_kid(const char *token, size_t len, char *kid, size_t size)
{
    json_t       *header, *k;
    hs_rc_t       rc;
    hs_error_t    err;
    const char   *dot;

    kid[0] = '\0';

    dot = len <= HS_JWT_MAX_TOKEN ? memchr(token, '.', len) : NULL;
    if (dot == NULL) {
        return HS_EINVAL;
    }

    header = hs__b64url_json(token, dot - token, "header", &err);
    if (header == NULL) {
        return HS_EINVAL;
    }

    k = json_object_get(header, "kid");
    rc = HS_ENOTFOUND;

    if (json_is_string(k) && json_string_length(k) < size) {
        memcpy(kid, json_string_value(k), json_string_length(k) + 1);
        rc = HS_OK;
    }

    json_decref(header);

    return rc;
}


unsigned
hs_jwt_alg_bit(const char *name)
{
    const hs__jwt_alg_t  *a;

    a = name ? hs__jwt_alg_find(name) : NULL;

    return a ? a->bit : 0;
}


static const char *
hs__jwk_family_name(hs__jwk_family_t family)
{
    switch (family) {
    case HS__JWK_OCT:
        return "oct";
    case HS__JWK_RSA:
        return "RSA";
    case HS__JWK_EC:
        return "EC";
    }

    return "unknown";
}


/* Strict base64url without padding; the result is NUL-terminated. */

static unsigned char *
hs__b64url_decode(const char *s, size_t len, size_t *out_len)
{
    int             v;
    size_t          i, n;
    uint32_t        acc;
    unsigned        bits;
    unsigned char   c, *out;

    if (len % 4 == 1) {
        return NULL;
    }

    out = hs_alloc(len / 4 * 3 + 3);
    if (out == NULL) {
        return NULL;
    }

    acc = 0;
    bits = 0;
    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if (c >= 'A' && c <= 'Z') {
            v = c - 'A';

        } else if (c >= 'a' && c <= 'z') {
            v = c - 'a' + 26;

        } else if (c >= '0' && c <= '9') {
            v = c - '0' + 52;

        } else if (c == '-') {
            v = 62;

        } else if (c == '_') {
            v = 63;

        } else {
            hs_free(out);
            return NULL;
        }

        acc = (acc << 6) | (uint32_t) v;
        bits += 6;

        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }

    if (acc != 0) {             /* non-canonical trailing bits */
        hs_free(out);
        return NULL;
    }

    out[n] = '\0';
    *out_len = n;

    return out;
}


static json_t *
hs__b64url_json(const char *s, size_t len, const char *what,
    hs_error_t *err)
{
    size_t          n;
    json_t         *json;
    json_error_t    jerr;
    unsigned char  *buf;

    buf = hs__b64url_decode(s, len, &n);
    if (buf == NULL) {
        hs_error_set(err, "jwt: %s is not valid base64url", what);
        return NULL;
    }

    json = json_loadb((const char *) buf, n, JSON_REJECT_DUPLICATES, &jerr);
    hs_free(buf);

    if (json == NULL) {
        hs_error_set(err, "jwt: %s is not valid JSON: %s", what, jerr.text);
        return NULL;
    }

    if (!json_is_object(json)) {
        hs_error_set(err, "jwt: %s is not a JSON object", what);
        json_decref(json);
        return NULL;
    }

    return json;
}


/* A required base64url string member of a JWK, decoded. */

static unsigned char *
hs__jwk_member(json_t *jwk, const char *name, size_t index, size_t *out_len,
    hs_error_t *err)
{
    json_t         *v;
    const char     *s;
    unsigned char  *buf;

    v = json_object_get(jwk, name);
    if (!json_is_string(v)) {
        hs_error_set(err, "jwks: key %zu has no \"%s\" string", index, name);
        return NULL;
    }

    s = json_string_value(v);

    buf = hs__b64url_decode(s, json_string_length(v), out_len);
    if (buf == NULL || *out_len == 0) {
        hs_error_set(err, "jwks: key %zu: \"%s\" is not valid base64url",
                     index, name);
        hs_free(buf);
        return NULL;
    }

    return buf;
}


static hs_rc_t
hs__jwk_parse(json_t *jwk, size_t index, hs__jwk_t *key, hs_error_t *err)
{
    json_t               *v;
    hs_rc_t               rc;
    const char           *kty;
    const hs__jwt_alg_t  *alg;

    v = json_object_get(jwk, "kty");
    if (!json_is_string(v)) {
        hs_error_set(err, "jwks: key %zu has no \"kty\" string", index);
        return HS_EINVAL;
    }

    kty = json_string_value(v);

    v = json_object_get(jwk, "kid");
    if (v != NULL) {
        if (!json_is_string(v)) {
            hs_error_set(err, "jwks: key %zu: \"kid\" is not a string", index);
            return HS_EINVAL;
        }

        key->kid = hs_strdup(json_string_value(v));
        if (key->kid == NULL) {
            hs_error_set(err, "jwks: out of memory");
            return HS_ENOMEM;
        }
    }

    if (strcmp(kty, "RSA") == 0) {
        key->family = HS__JWK_RSA;
        rc = hs__jwk_rsa(jwk, index, key, err);

    } else if (strcmp(kty, "EC") == 0) {
        key->family = HS__JWK_EC;
        rc = hs__jwk_ec(jwk, index, key, err);

    } else if (strcmp(kty, "oct") == 0) {
        key->family = HS__JWK_OCT;
        key->key = hs__jwk_member(jwk, "k", index, &key->key_len, err);
        rc = key->key ? HS_OK : HS_EINVAL;

    } else {
        hs_error_set(err, "jwks: key %zu has unknown kty \"%.32s\"", index,
                     kty);
        rc = HS_EINVAL;
    }

    if (rc != HS_OK) {
        return rc;
    }

    v = json_object_get(jwk, "alg");
    if (v != NULL) {
        if (!json_is_string(v)) {
            hs_error_set(err, "jwks: key %zu: \"alg\" is not a string", index);
            return HS_EINVAL;
        }

        alg = hs__jwt_alg_find(json_string_value(v));
        if (alg == NULL || alg->family != key->family
            || (alg->crv != NULL && strcmp(alg->crv, key->crv) != 0))
        {
            hs_error_set(err, "jwks: key %zu: alg \"%.32s\" does not fit "
                         "kty %s", index, json_string_value(v), kty);
            return HS_EINVAL;
        }

        key->alg = hs_strdup(alg->name);
        if (key->alg == NULL) {
            hs_error_set(err, "jwks: out of memory");
            return HS_ENOMEM;
        }
    }

    return HS_OK;
}


static hs_rc_t
hs__jwk_rsa(json_t *jwk, size_t index, hs__jwk_t *key, hs_error_t *err)
{
    size_t           nlen, elen;
    BIGNUM          *n, *e;
    hs_rc_t          rc;
    EVP_PKEY        *pkey;
    OSSL_PARAM      *params;
    EVP_PKEY_CTX    *ctx;
    unsigned char   *nbuf, *ebuf;
    OSSL_PARAM_BLD  *bld;

    nbuf = hs__jwk_member(jwk, "n", index, &nlen, err);
    if (nbuf == NULL) {
        return HS_EINVAL;
    }

    ebuf = hs__jwk_member(jwk, "e", index, &elen, err);
    if (ebuf == NULL) {
        hs_free(nbuf);
        return HS_EINVAL;
    }

    rc = HS_EINVAL;
    n = BN_bin2bn(nbuf, (int) nlen, NULL);
    e = BN_bin2bn(ebuf, (int) elen, NULL);
    bld = OSSL_PARAM_BLD_new();
    params = NULL;
    ctx = NULL;
    pkey = NULL;

    hs_free(nbuf);
    hs_free(ebuf);

    if (n == NULL || e == NULL || bld == NULL) {
        hs_error_set(err, "jwks: key %zu: out of memory", index);
        rc = HS_ENOMEM;
        goto done;
    }

    if (BN_num_bits(n) < 2048) {
        hs_error_set(err, "jwks: key %zu: RSA modulus of %d bits is too "
                     "small", index, BN_num_bits(n));
        goto done;
    }

    if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)
        || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL
        || (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL
        || EVP_PKEY_fromdata_init(ctx) <= 0
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    {
        hs_error_set(err, "jwks: key %zu: invalid RSA key", index);
        goto done;
    }

    rc = hs__jwk_keep(pkey, index, key, err);

done:

    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);

    return rc;
}


static hs_rc_t
hs__jwk_ec(json_t *jwk, size_t index, hs__jwk_t *key, hs_error_t *err)
{
    size_t           i, xlen, ylen;
    json_t          *v;
    hs_rc_t          rc;
    EVP_PKEY        *pkey;
    OSSL_PARAM      *params;
    const char      *crv;
    EVP_PKEY_CTX    *ctx;
    unsigned char   *x, *y, point[1 + 2 * 48];
    OSSL_PARAM_BLD  *bld;

    v = json_object_get(jwk, "crv");
    if (!json_is_string(v)) {
        hs_error_set(err, "jwks: key %zu has no \"crv\" string", index);
        return HS_EINVAL;
    }

    crv = json_string_value(v);

    for (i = 0; hs__jwk_curves[i].crv != NULL; i++) {
        if (strcmp(hs__jwk_curves[i].crv, crv) == 0) {
            break;
        }
    }

    if (hs__jwk_curves[i].crv == NULL) {
        hs_error_set(err, "jwks: key %zu has unsupported crv \"%.32s\"",
                     index, crv);
        return HS_EINVAL;
    }

    key->crv = hs__jwk_curves[i].crv;

    x = hs__jwk_member(jwk, "x", index, &xlen, err);
    if (x == NULL) {
        return HS_EINVAL;
    }

    y = hs__jwk_member(jwk, "y", index, &ylen, err);
    if (y == NULL) {
        hs_free(x);
        return HS_EINVAL;
    }

    if (xlen != hs__jwk_curves[i].size || ylen != hs__jwk_curves[i].size) {
        hs_error_set(err, "jwks: key %zu: x and y must be %zu bytes for %s",
                     index, hs__jwk_curves[i].size, key->crv);
        hs_free(x);
        hs_free(y);
        return HS_EINVAL;
    }

    point[0] = 0x04;
    memcpy(point + 1, x, xlen);
    memcpy(point + 1 + xlen, y, ylen);

    hs_free(x);
    hs_free(y);

    rc = HS_EINVAL;
    params = NULL;
    ctx = NULL;
    pkey = NULL;

    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) {
        hs_error_set(err, "jwks: key %zu: out of memory", index);
        return HS_ENOMEM;
    }

    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                         hs__jwk_curves[i].group, 0)
        || !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                             point, 1 + xlen + ylen)
        || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL
        || (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL
        || EVP_PKEY_fromdata_init(ctx) <= 0
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    {
        hs_error_set(err, "jwks: key %zu: invalid EC key (point not on %s?)",
                     index, key->crv);
        goto done;
    }

    rc = hs__jwk_keep(pkey, index, key, err);

done:

    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);

    return rc;
}


/* Keeps the public key (a reference of its own). */
static hs_rc_t
hs__jwk_keep(EVP_PKEY *pkey, size_t index, hs__jwk_t *key, hs_error_t *err)
{
    if (EVP_PKEY_up_ref(pkey) != 1) {
        hs_error_set(err, "jwks: key %zu: EVP_PKEY_up_ref() failed", index);
        return HS_ERROR;
    }

    key->pkey = pkey;

    return HS_OK;
}


static hs_rc_t
hs__jwt_select_key(const hs_jwks_t *ks, json_t *header,
    const hs__jwt_alg_t *alg, const hs__jwk_t **key, hs_error_t *err)
{
    size_t            i, n;
    json_t           *v;
    const char       *kid;
    const hs__jwk_t  *k, *found;

    v = json_object_get(header, "kid");

    if (v != NULL) {
        if (!json_is_string(v)) {
            hs_error_set(err, "jwt: header \"kid\" is not a string");
            return HS_EINVAL;
        }

        kid = json_string_value(v);
        found = NULL;

        for (i = 0; i < ks->nkeys; i++) {
            if (ks->keys[i].kid != NULL && strcmp(ks->keys[i].kid, kid) == 0)
            {
                found = &ks->keys[i];
                break;
            }
        }

        if (found == NULL) {
            hs_error_set(err, "jwt: unknown kid \"%.128s\"", kid);
            return HS_ENOTFOUND;
        }

        if (found->family != alg->family) {
            hs_error_set(err, "jwt: alg %s does not fit key \"%.128s\" of "
                         "kty %s", alg->name, kid,
                         hs__jwk_family_name(found->family));
            return HS_EINVAL;
        }

    } else {
        found = NULL;
        n = 0;

        for (i = 0; i < ks->nkeys; i++) {
            if (ks->keys[i].family == alg->family) {
                found = &ks->keys[i];
                n++;
            }
        }

        if (n == 0) {
            hs_error_set(err, "jwt: no kid and no %s key for alg %s",
                         hs__jwk_family_name(alg->family), alg->name);
            return HS_ENOTFOUND;
        }

        if (n > 1) {
            hs_error_set(err, "jwt: no kid and %zu %s keys for alg %s",
                         n, hs__jwk_family_name(alg->family), alg->name);
            return HS_EINVAL;
        }

        kid = "";
    }

    k = found;

    if (alg->crv != NULL && strcmp(alg->crv, k->crv) != 0) {
        hs_error_set(err, "jwt: alg %s does not fit key \"%.128s\" on %s",
                     alg->name, kid, k->crv);
        return HS_EINVAL;
    }

    if (k->alg != NULL && strcmp(k->alg, alg->name) != 0) {
        hs_error_set(err, "jwt: alg %s does not fit key \"%.128s\" for %s",
                     alg->name, kid, k->alg);
        return HS_EINVAL;
    }

    *key = k;

    return HS_OK;
}


static hs_rc_t
hs__jwt_check_claims(json_t *claims, const hs_jwt_policy_t *policy,
    hs_error_t *err)
{
    int                 present;
    char                tbuf[64];
    size_t              i;
    json_t             *v, *a;
    int64_t             now, leeway, t, limit;
    const char         *s;
    const char *const  *req;

    now = policy->now ? policy->now : (int64_t) time(NULL);
    leeway = policy->leeway > 0 ? policy->leeway : 0;

    if (hs__jwt_time_claim(claims, "exp", &t, &present, err) != HS_OK) {
        return HS_EINVAL;
    }

    if (present) {
        if (__builtin_add_overflow(t, leeway, &limit)) {
            limit = INT64_MAX;
        }

        if (now >= limit) {
            hs__jwt_format_time(t, tbuf, sizeof(tbuf));
            hs_error_set(err, "jwt: token expired at %s", tbuf);
            return HS_EINVAL;
        }
    }

    if (hs__jwt_time_claim(claims, "nbf", &t, &present, err) != HS_OK) {
        return HS_EINVAL;
    }

    if (present) {
        if (__builtin_add_overflow(now, leeway, &limit)) {
            limit = INT64_MAX;
        }

        if (limit < t) {
            hs__jwt_format_time(t, tbuf, sizeof(tbuf));
            hs_error_set(err, "jwt: token is not valid before %s", tbuf);
            return HS_EINVAL;
        }
    }

    if (policy->issuer != NULL) {
        v = json_object_get(claims, "iss");

        if (!json_is_string(v)) {
            hs_error_set(err, "jwt: token has no \"iss\" string");
            return HS_EINVAL;
        }

        if (strcmp(json_string_value(v), policy->issuer) != 0) {
            hs_error_set(err, "jwt: issuer \"%.128s\" is not \"%.128s\"",
                         json_string_value(v), policy->issuer);
            return HS_EINVAL;
        }
    }

    if (policy->audience != NULL) {
        v = json_object_get(claims, "aud");

        if (json_is_string(v)) {
            if (strcmp(json_string_value(v), policy->audience) != 0) {
                hs_error_set(err, "jwt: audience \"%.128s\" is not "
                             "\"%.128s\"", json_string_value(v),
                             policy->audience);
                return HS_EINVAL;
            }

        } else if (json_is_array(v)) {
            json_array_foreach(v, i, a) {
                s = json_string_value(a);

                if (s != NULL && strcmp(s, policy->audience) == 0) {
                    break;
                }
            }

            if (i == json_array_size(v)) {
                hs_error_set(err, "jwt: audience does not include "
                             "\"%.128s\"", policy->audience);
                return HS_EINVAL;
            }

        } else {
            hs_error_set(err, "jwt: token has no \"aud\" string or array");
            return HS_EINVAL;
        }
    }

    if (policy->required != NULL) {
        for (req = policy->required; *req != NULL; req++) {
            if (json_object_get(claims, *req) == NULL) {
                hs_error_set(err, "jwt: token has no \"%.128s\" claim", *req);
                return HS_EINVAL;
            }
        }
    }

    return HS_OK;
}


/* A NumericDate claim: an integer or a real number of seconds. */

static hs_rc_t
hs__jwt_time_claim(json_t *claims, const char *name, int64_t *value,
    int *present, hs_error_t *err)
{
    double   d;
    json_t  *v;

    v = json_object_get(claims, name);

    *present = (v != NULL);

    if (v == NULL) {
        return HS_OK;
    }

    if (json_is_integer(v)) {
        *value = (int64_t) json_integer_value(v);
        return HS_OK;
    }

    if (json_is_real(v)) {
        d = json_real_value(v);

        if (d > -9.2e18 && d < 9.2e18) {
            *value = (int64_t) d;
            return HS_OK;
        }
    }

    hs_error_set(err, "jwt: claim \"%s\" is not a NumericDate", name);

    return HS_EINVAL;
}


static void
hs__jwt_format_time(int64_t t, char *buf, size_t size)
{
    time_t     tt;
    struct tm  tm;

    tt = (time_t) t;

    if ((int64_t) tt != t || gmtime_r(&tt, &tm) == NULL
        || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    {
        snprintf(buf, size, "%lld", (long long) t);
    }
}
