/* SecurityCtx, uuids and timestamps. */

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "hs_secctx.h"


int
hs_uuid_valid(const char *s, size_t len)
{
    size_t  i;
    char    c;

    if (s == NULL || len != HS_UUID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') {
                return 0;
            }
            continue;
        }

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')))
        {
            return 0;
        }
    }

    return 1;
}


hs_rc_t
hs_uuid_normalize(const char *s, size_t len, char *out)
{
    size_t  i;

    if (!hs_uuid_valid(s, len)) {
        return HS_EINVAL;
    }

    for (i = 0; i < len; i++) {
        out[i] = (s[i] >= 'A' && s[i] <= 'F') ? s[i] + ('a' - 'A') : s[i];
    }

    out[len] = '\0';

    return HS_OK;
}


void
hs_uuid_v7(char *out)
{
    uint8_t          b[16];
    uint64_t         ms;
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ms = (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;

    if (getrandom(b + 6, 10, 0) != 10) {
        /* no entropy: still unique enough within this process */
        memset(b + 6, 0, 10);
        memcpy(b + 6, &ts.tv_nsec, sizeof(ts.tv_nsec) < 10
                                   ? sizeof(ts.tv_nsec) : 10);
    }

    b[0] = (uint8_t) (ms >> 40);
    b[1] = (uint8_t) (ms >> 32);
    b[2] = (uint8_t) (ms >> 24);
    b[3] = (uint8_t) (ms >> 16);
    b[4] = (uint8_t) (ms >> 8);
    b[5] = (uint8_t) ms;
    b[6] = (uint8_t) (0x70 | (b[6] & 0x0f));       /* version 7 */
    b[8] = (uint8_t) (0x80 | (b[8] & 0x3f));       /* variant 10 */

    snprintf(out, HS_UUID_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
             b[10], b[11], b[12], b[13], b[14], b[15]);
}


void
hs_now_rfc3339(char *out, size_t size)
{
    char             buf[32];
    struct tm        tm;
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);

    snprintf(out, size, "%s.%03ldZ", buf, ts.tv_nsec / 1000000);
}


hs_rc_t
hs_secctx_init(hs_secctx_t *sec, const char *tenant, size_t tenant_len,
    const char *subject, size_t subject_len, const char *auth_method)
{
    memset(sec, 0, sizeof(hs_secctx_t));

    if (hs_uuid_normalize(tenant, tenant_len, sec->tenant_id) != HS_OK
        || !hs_subject_valid(subject, subject_len))
    {
        memset(sec, 0, sizeof(hs_secctx_t));
        return HS_EINVAL;
    }

    if (hs_uuid_normalize(subject, subject_len, sec->subject_id) != HS_OK) {
        memcpy(sec->subject_id, subject, subject_len);
        sec->subject_id[subject_len] = '\0';
    }

    snprintf(sec->auth_method, sizeof(sec->auth_method), "%s", auth_method);

    return HS_OK;
}


hs_rc_t
hs_secctx_platform(hs_secctx_t *sec, const char *subject)
{
    return hs_secctx_init(sec, HS_PLATFORM_TENANT_ID,
                          sizeof(HS_PLATFORM_TENANT_ID) - 1, subject,
                          subject ? strlen(subject) : 0, "internal");
}


int
hs_subject_valid(const char *s, size_t len)
{
    size_t  i;

    if (s == NULL || len == 0 || len > HS_SUBJECT_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] < 0x21 || (unsigned char) s[i] > 0x7e) {
            return 0;
        }
    }

    return 1;
}


static unsigned char  hs__cursor_key[32];
static int            hs__cursor_key_set;


void
hs_cursor_key_set(const unsigned char *key, size_t len)
{
    unsigned char  k[32];

    memset(k, 0, sizeof(k));
    memcpy(k, key, len < sizeof(k) ? len : sizeof(k));
    memcpy(hs__cursor_key, k, sizeof(k));
    hs__cursor_key_set = 1;
}


const unsigned char *
hs_cursor_key(size_t *len)
{
    if (!hs__cursor_key_set) {
        if (getrandom(hs__cursor_key, sizeof(hs__cursor_key), 0)
            != (ssize_t) sizeof(hs__cursor_key))
        {
            char  u[HS_UUID_LEN + 1];

            hs_uuid_v7(u);
            memcpy(hs__cursor_key, u, sizeof(hs__cursor_key));
        }
        hs__cursor_key_set = 1;
    }

    *len = sizeof(hs__cursor_key);

    return hs__cursor_key;
}
