/*
 * OData list queries: the opaque keyset cursor.
 *
 * The payload, all integers big-endian:
 *
 *     u8   version (1)
 *     u8   flags: 1 = backward (the page before the row)
 *     u16  number of $orderby keys, then per key:
 *          u16 index in the field table, u8 1 = desc
 *     16   digest: SHA-256 of the canonical $filter and $orderby
 *     u16  number of key values, then per value a tag and its bytes:
 *          'n' null, 'i' int64, 'r' IEEE double, 'b' u8 0/1,
 *          't' u16 length + UTF-8 bytes
 *     32   HMAC-SHA256 of everything before, with the caller's key
 *
 * sent as base64url without padding.
 */

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define HS_ODATA_IMPL
#include "hs_odata.h"

#define HS__OD_VERSION   1
#define HS__OD_MAC_LEN   32


static void hs__od_put16(hs__od_buf_t *b, unsigned v);
static void hs__od_put64(hs__od_buf_t *b, uint64_t v);
static int hs__od_mac(const unsigned char *data, size_t len,
    const unsigned char *key, size_t keylen, unsigned char *mac);
static char *hs__od_b64_encode(const unsigned char *data, size_t len);
static unsigned char *hs__od_b64_decode(const char *s, size_t *len);


static const char  hs__od_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


static void
hs__od_put16(hs__od_buf_t *b, unsigned v)
{
    char  c[2];

    c[0] = (char) (v >> 8);
    c[1] = (char) v;
    hs__od_buf_add(b, c, 2);
}


static void
hs__od_put64(hs__od_buf_t *b, uint64_t v)
{
    int   i;
    char  c[8];

    for (i = 0; i < 8; i++) {
        c[i] = (char) (v >> (56 - 8 * i));
    }

    hs__od_buf_add(b, c, 8);
}


static int
hs__od_mac(const unsigned char *data, size_t len, const unsigned char *key,
    size_t keylen, unsigned char *mac)
{
    unsigned int  n;

    if (key == NULL || keylen == 0 || keylen > 1024) {
        return -1;
    }

    n = 0;

    if (HMAC(EVP_sha256(), key, (int) keylen, data, len, mac, &n) == NULL
        || n != HS__OD_MAC_LEN)
    {
        return -1;
    }

    return 0;
}


static char *
hs__od_b64_encode(const unsigned char *data, size_t len)
{
    char      *out, *p;
    size_t     i;
    uint32_t   v;

    out = hs_alloc(len / 3 * 4 + 5);
    if (out == NULL) {
        return NULL;
    }

    p = out;

    for (i = 0; i + 3 <= len; i += 3) {
        v = (uint32_t) data[i] << 16 | (uint32_t) data[i + 1] << 8
            | data[i + 2];
        *p++ = hs__od_b64[v >> 18];
        *p++ = hs__od_b64[(v >> 12) & 63];
        *p++ = hs__od_b64[(v >> 6) & 63];
        *p++ = hs__od_b64[v & 63];
    }

    if (len - i == 1) {
        v = (uint32_t) data[i] << 16;
        *p++ = hs__od_b64[v >> 18];
        *p++ = hs__od_b64[(v >> 12) & 63];

    } else if (len - i == 2) {
        v = (uint32_t) data[i] << 16 | (uint32_t) data[i + 1] << 8;
        *p++ = hs__od_b64[v >> 18];
        *p++ = hs__od_b64[(v >> 12) & 63];
        *p++ = hs__od_b64[(v >> 6) & 63];
    }

    *p = '\0';

    return out;
}


/* Strict: the alphabet only, no padding, unused bits zero. */
static unsigned char *
hs__od_b64_decode(const char *s, size_t *len)
{
    int             d;
    size_t          n, i, o, bits;
    uint32_t        acc;
    unsigned char  *out;
    const char     *c;

    n = strlen(s);

    if (n == 0 || n > HS__OD_CURSOR_MAX || n % 4 == 1) {
        return NULL;
    }

    out = hs_alloc(n / 4 * 3 + 3);
    if (out == NULL) {
        return NULL;
    }

    acc = 0;
    bits = 0;
    o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '\0' || (c = strchr(hs__od_b64, s[i])) == NULL) {
            hs_free(out);
            return NULL;
        }

        d = (int) (c - hs__od_b64);
        acc = (acc << 6) | (uint32_t) d;
        bits += 6;

        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }

    if (acc != 0) {
        hs_free(out);
        return NULL;
    }

    *len = o;

    return out;
}


int
hs__od_digest(const hs_od_query_t *q, const char *canonical_filter,
    unsigned char *out)
{
    int            rc;
    size_t         i;
    unsigned int   n;
    hs__od_buf_t   b;
    unsigned char  md[EVP_MAX_MD_SIZE];

    memset(&b, 0, sizeof(hs__od_buf_t));

    hs__od_buf_str(&b, "hs-odata-1\n");
    hs__od_buf_str(&b, q->id_column);
    hs__od_buf_str(&b, "\n");
    hs__od_buf_str(&b, canonical_filter ? canonical_filter : "");
    hs__od_buf_str(&b, "\n");

    for (i = 0; i < q->nkeys; i++) {
        hs__od_buf_str(&b, q->keys[i].field ? q->keys[i].field->name : "");
        hs__od_buf_str(&b, "=");
        hs__od_buf_str(&b, q->keys[i].column);
        hs__od_buf_str(&b, q->keys[i].desc ? " desc," : " asc,");
    }

    if (b.nomem) {
        hs_free(b.p);
        return -2;
    }

    n = 0;
    rc = EVP_Digest(b.p, b.len, md, &n, EVP_sha256(), NULL);
    hs_free(b.p);

    if (rc != 1 || n < HS__OD_DIGEST_LEN) {
        return -2;
    }

    memcpy(out, md, HS__OD_DIGEST_LEN);

    return 0;
}


int
hs__od_key_value(const hs__od_key_t *k, const hs_dbv_t *in, hs_dbv_t *out)
{
    hs_dbv_t  v;

    v = *in;

    if (v.type == HS_DBV_NULL) {
        if (k->notnull) {
            return -1;
        }

        *out = v;
        return 0;
    }

    if (k->field == NULL) {
        /* the id without a field entry: integer or text */
        if (v.type != HS_DBV_INT && v.type != HS_DBV_TEXT) {
            return -1;
        }

    } else {
        switch (k->field->type) {

        case HS_OD_STRING:
        case HS_OD_UUID:
        case HS_OD_DATETIME:
            if (v.type != HS_DBV_TEXT) {
                return -1;
            }
            break;

        case HS_OD_INT:
            if (v.type != HS_DBV_INT) {
                return -1;
            }
            break;

        case HS_OD_NUMBER:
            if (v.type == HS_DBV_INT) {
                v = hs_dbv_real((double) v.i);

            } else if (v.type != HS_DBV_REAL) {
                return -1;
            }
            break;

        case HS_OD_BOOL:
            if (v.type == HS_DBV_INT) {
                v = hs_dbv_bool(v.i);

            } else if (v.type != HS_DBV_BOOL) {
                return -1;
            }
            break;

        default:
            return -1;
        }
    }

    if (v.type == HS_DBV_TEXT && (v.len > 0xffff || (v.s == NULL && v.len)))
    {
        return -1;
    }

    *out = v;

    return 0;
}


char *
hs_od_cursor(const hs_od_query_t *q, int next, const hs_dbv_t *keys,
    size_t nkeys, const unsigned char *key, size_t keylen)
{
    char           *out;
    size_t          i;
    uint64_t        bits;
    hs_dbv_t        v;
    hs__od_buf_t    b;
    unsigned char   mac[HS__OD_MAC_LEN];

    if (q == NULL || nkeys != q->nkeys || (nkeys > 0 && keys == NULL)
        || key == NULL || keylen == 0)
    {
        return NULL;
    }

    memset(&b, 0, sizeof(hs__od_buf_t));

    hs__od_buf_add(&b, next ? "\1\0" : "\1\1", 2);
    hs__od_put16(&b, (unsigned) q->nsort);

    for (i = 0; i < q->nsort; i++) {
        hs__od_put16(&b, (unsigned) (q->keys[i].field - q->fields));
        hs__od_buf_add(&b, q->keys[i].desc ? "\1" : "\0", 1);
    }

    hs__od_buf_add(&b, (const char *) q->digest, HS__OD_DIGEST_LEN);
    hs__od_put16(&b, (unsigned) nkeys);

    for (i = 0; i < nkeys; i++) {
        if (hs__od_key_value(&q->keys[i], &keys[i], &v) != 0) {
            hs_free(b.p);
            return NULL;
        }

        switch (v.type) {

        case HS_DBV_NULL:
            hs__od_buf_add(&b, "n", 1);
            break;

        case HS_DBV_INT:
            hs__od_buf_add(&b, "i", 1);
            hs__od_put64(&b, (uint64_t) v.i);
            break;

        case HS_DBV_REAL:
            hs__od_buf_add(&b, "r", 1);
            memcpy(&bits, &v.d, sizeof(bits));
            hs__od_put64(&b, bits);
            break;

        case HS_DBV_BOOL:
            hs__od_buf_add(&b, v.i ? "b\1" : "b\0", 2);
            break;

        case HS_DBV_TEXT:
            hs__od_buf_add(&b, "t", 1);
            hs__od_put16(&b, (unsigned) v.len);
            if (v.len) {
                hs__od_buf_add(&b, v.s, v.len);
            }
            break;
        }
    }

    if (b.nomem
        || hs__od_mac((unsigned char *) b.p, b.len, key, keylen, mac) != 0)
    {
        hs_free(b.p);
        return NULL;
    }

    hs__od_buf_add(&b, (const char *) mac, HS__OD_MAC_LEN);

    out = b.nomem ? NULL : hs__od_b64_encode((unsigned char *) b.p, b.len);
    hs_free(b.p);

    return out;
}


int
hs__od_cursor_decode(const hs_od_query_t *q, const char *text,
    const unsigned char *key, size_t keylen, hs__od_cursor_t *c)
{
    size_t          len, pos, i, n, idx;
    uint64_t        u;
    unsigned char  *d, mac[HS__OD_MAC_LEN];

    memset(c, 0, sizeof(hs__od_cursor_t));

    d = hs__od_b64_decode(text, &len);
    if (d == NULL) {
        return -1;
    }

    c->buf = d;

    if (len < 2 + 2 + HS__OD_DIGEST_LEN + 2 + HS__OD_MAC_LEN
        || hs__od_mac(d, len - HS__OD_MAC_LEN, key, keylen, mac) != 0
        || CRYPTO_memcmp(mac, d + len - HS__OD_MAC_LEN, HS__OD_MAC_LEN) != 0)
    {
        goto invalid;
    }

    len -= HS__OD_MAC_LEN;

    /* authentic from here on, yet checked as carefully */

    if (d[0] != HS__OD_VERSION || d[1] > 1) {
        goto invalid;
    }

    c->backward = d[1];
    c->nsort = (size_t) d[2] << 8 | d[3];
    pos = 4;

    if (c->nsort > q->nfields || len - pos < c->nsort * 3) {
        goto invalid;
    }

    c->sort = hs_calloc(c->nsort + 1, sizeof(const hs_od_field_t *));
    c->desc = hs_calloc(c->nsort + 1, 1);

    if (c->sort == NULL || c->desc == NULL) {
        hs__od_cursor_release(c);
        return -2;
    }

    for (i = 0; i < c->nsort; i++) {
        idx = (size_t) d[pos] << 8 | d[pos + 1];

        if (idx >= q->nfields || !(q->fields[idx].flags & HS_OD_SORT)
            || d[pos + 2] > 1)
        {
            goto invalid;
        }

        c->sort[i] = &q->fields[idx];
        c->desc[i] = d[pos + 2];
        pos += 3;
    }

    if (len - pos < HS__OD_DIGEST_LEN + 2) {
        goto invalid;
    }

    memcpy(c->digest, d + pos, HS__OD_DIGEST_LEN);
    pos += HS__OD_DIGEST_LEN;

    c->nvals = (size_t) d[pos] << 8 | d[pos + 1];
    pos += 2;

    if (c->nvals > c->nsort + 1) {
        goto invalid;
    }

    c->vals = hs_calloc(c->nvals + 1, sizeof(hs_dbv_t));
    if (c->vals == NULL) {
        hs__od_cursor_release(c);
        return -2;
    }

    for (i = 0; i < c->nvals; i++) {
        if (pos >= len) {
            goto invalid;
        }

        switch (d[pos++]) {

        case 'n':
            c->vals[i] = hs_dbv_null();
            break;

        case 'i':
        case 'r':
            if (len - pos < 8) {
                goto invalid;
            }

            for (u = 0, n = 0; n < 8; n++) {
                u = u << 8 | d[pos + n];
            }

            if (d[pos - 1] == 'i') {
                c->vals[i] = hs_dbv_int((int64_t) u);

            } else {
                c->vals[i] = hs_dbv_real(0);
                memcpy(&c->vals[i].d, &u, sizeof(u));
            }

            pos += 8;
            break;

        case 'b':
            if (len - pos < 1 || d[pos] > 1) {
                goto invalid;
            }

            c->vals[i] = hs_dbv_bool(d[pos]);
            pos++;
            break;

        case 't':
            if (len - pos < 2) {
                goto invalid;
            }

            n = (size_t) d[pos] << 8 | d[pos + 1];
            pos += 2;

            if (len - pos < n) {
                goto invalid;
            }

            c->vals[i] = hs_dbv_text((const char *) d + pos, n);
            pos += n;
            break;

        default:
            goto invalid;
        }
    }

    if (pos != len) {
        goto invalid;
    }

    return 0;

invalid:

    hs__od_cursor_release(c);

    return -1;
}


void
hs__od_cursor_release(hs__od_cursor_t *c)
{
    hs_free(c->sort);
    hs_free(c->desc);
    hs_free(c->vals);
    hs_free(c->buf);
    memset(c, 0, sizeof(hs__od_cursor_t));
}
