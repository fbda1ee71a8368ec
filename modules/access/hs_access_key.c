/*
 * API keys: the format, the salted hash, and date-time normalisation.
 * No database and no nginx here.
 *
 * A key is "hsk_<tenant>_<key id>_<secret>": the tenant's uuid and the
 * key's uuid as 32 lower-case hex digits each (no dashes) and 32 random
 * bytes in hex. The tenant and id let the gate find the key's row with a
 * tenant-scoped lookup; only HMAC-SHA-256 of the whole key, keyed with a
 * per-key random salt, is stored.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "hs_access.h"


static const char  hs_access_hex[] = "0123456789abcdef";


static void
hs_access_hex_encode(const unsigned char *in, size_t n, char *out)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hs_access_hex[in[i] >> 4];
        out[2 * i + 1] = hs_access_hex[in[i] & 0x0f];
    }

    out[2 * n] = '\0';
}


static int
hs_access_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


/* n bytes from 2n lower-case hex digits; -1 when s is not that. */
static int
hs_access_hex_decode(const char *s, unsigned char *out, size_t n)
{
    int     h, l;
    size_t  i;

    if (strlen(s) != 2 * n) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        h = hs_access_hex_digit(s[2 * i]);
        l = hs_access_hex_digit(s[2 * i + 1]);

        if (h < 0 || l < 0) {
            return -1;
        }

        out[i] = (unsigned char) (h << 4 | l);
    }

    return 0;
}


/* A uuid (lower case) as 32 hex digits. */
static void
hs_access_uuid_compact(const char *uuid, char *out)
{
    size_t  i, n;

    for (i = 0, n = 0; uuid[i]; i++) {
        if (uuid[i] != '-') {
            out[n++] = uuid[i];
        }
    }

    out[n] = '\0';
}


/* 32 lower-case hex digits as a uuid; -1 when they are not that. */
static int
hs_access_uuid_expand(const char *s, char *out)
{
    size_t  i, n;

    for (i = 0, n = 0; i < 32; i++) {
        if (hs_access_hex_digit(s[i]) < 0) {
            return -1;
        }

        if (i == 8 || i == 12 || i == 16 || i == 20) {
            out[n++] = '-';
        }

        out[n++] = s[i];
    }

    out[n] = '\0';

    return 0;
}


static int
hs_access_hmac(const unsigned char *salt, const char *key, size_t len,
    unsigned char *mac)
{
    unsigned int  n;

    n = 0;

    return HMAC(EVP_sha256(), salt, HS_ACCESS_SALT_BYTES,
                (const unsigned char *) key, len, mac, &n) != NULL
           && n == HS_ACCESS_HASH_BYTES ? 0 : -1;
}


hs_rc_t
hs_access_key_new(const char *tenant_id, const char *id, char *key,
    char *salt_hex, char *hash_hex)
{
    char           t[33], k[33], secret[2 * HS_ACCESS_SECRET_BYTES + 1];
    unsigned char  rnd[HS_ACCESS_SECRET_BYTES], salt[HS_ACCESS_SALT_BYTES];
    unsigned char  mac[HS_ACCESS_HASH_BYTES];

    if (RAND_bytes(rnd, sizeof(rnd)) != 1
        || RAND_bytes(salt, sizeof(salt)) != 1)
    {
        return HS_ERROR;
    }

    hs_access_uuid_compact(tenant_id, t);
    hs_access_uuid_compact(id, k);
    hs_access_hex_encode(rnd, sizeof(rnd), secret);
    OPENSSL_cleanse(rnd, sizeof(rnd));

    snprintf(key, HS_ACCESS_KEY_LEN + 1, HS_ACCESS_KEY_PREFIX "%s_%s_%s", t,
             k, secret);
    OPENSSL_cleanse(secret, sizeof(secret));

    if (strlen(key) != HS_ACCESS_KEY_LEN
        || hs_access_hmac(salt, key, HS_ACCESS_KEY_LEN, mac) != 0)
    {
        return HS_ERROR;
    }

    hs_access_hex_encode(salt, sizeof(salt), salt_hex);
    hs_access_hex_encode(mac, sizeof(mac), hash_hex);

    return HS_OK;
}


hs_rc_t
hs_access_key_parse(const char *key, size_t len, hs_access_key_ref_t *ref)
{
    size_t  i;

    static const size_t  pre = sizeof(HS_ACCESS_KEY_PREFIX) - 1;

    if (len != HS_ACCESS_KEY_LEN
        || memcmp(key, HS_ACCESS_KEY_PREFIX, pre) != 0
        || key[pre + 32] != '_' || key[pre + 65] != '_')
    {
        return HS_EINVAL;
    }

    for (i = pre + 66; i < len; i++) {
        if (hs_access_hex_digit(key[i]) < 0) {
            return HS_EINVAL;
        }
    }

    if (hs_access_uuid_expand(key + pre, ref->tenant_id) != 0
        || hs_access_uuid_expand(key + pre + 33, ref->id) != 0)
    {
        return HS_EINVAL;
    }

    memcpy(ref->key_id, key + pre + 33, 32);
    ref->key_id[32] = '\0';

    return HS_OK;
}


int
hs_access_key_matches(const char *key, size_t len, const char *salt_hex,
    const char *hash_hex)
{
    unsigned char  salt[HS_ACCESS_SALT_BYTES], want[HS_ACCESS_HASH_BYTES];
    unsigned char  mac[HS_ACCESS_HASH_BYTES];

    if (salt_hex == NULL || hash_hex == NULL
        || hs_access_hex_decode(salt_hex, salt, sizeof(salt)) != 0
        || hs_access_hex_decode(hash_hex, want, sizeof(want)) != 0
        || hs_access_hmac(salt, key, len, mac) != 0)
    {
        return 0;
    }

    return CRYPTO_memcmp(mac, want, sizeof(mac)) == 0;
}


/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
hs_access_days(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


hs_rc_t
hs_access_time_normalize(const char *in, char *out)
{
    int         y, mo, d, h, mi, s, oh, om, sign, ms, k, n;
    char        buf[96];
    time_t      t;
    struct tm   tm;
    const char *p;

    n = 0;

    if (sscanf(in, "%4d-%2d-%2d%*1[Tt]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
               &s, &n) != 6 || n != 19)
    {
        return HS_EINVAL;
    }

    p = in + n;
    ms = 0;

    if (*p == '.') {
        for (p++, k = 0; *p >= '0' && *p <= '9'; p++, k++) {
            if (k < 3) {
                ms = ms * 10 + (*p - '0');
            }
        }

        if (k == 0) {
            return HS_EINVAL;
        }

        for ( /* void */ ; k < 3; k++) {
            ms *= 10;
        }
    }

    oh = 0;
    om = 0;
    sign = 0;

    if (*p == 'Z' || *p == 'z') {
        p++;

    } else if ((*p == '+' || *p == '-')
               && sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5)
    {
        sign = *p == '-' ? -1 : 1;
        p += 6;

    } else {
        return HS_EINVAL;
    }

    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23
        || mi > 59 || s > 60 || oh > 23 || om > 59)
    {
        return HS_EINVAL;
    }

    t = (time_t) (hs_access_days(y, mo, d) * 86400 + h * 3600 + mi * 60
                  + (s == 60 ? 59 : s) - sign * (oh * 3600 + om * 60));

    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999
        || tm.tm_year + 1900 < 1970)
    {
        return HS_EINVAL;
    }

    /* every value is in range: exactly HS_ACCESS_TIME_LEN characters */
    n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, ms);
    if (n != HS_ACCESS_TIME_LEN) {
        return HS_EINVAL;
    }

    memcpy(out, buf, HS_ACCESS_TIME_LEN + 1);

    return HS_OK;
}
