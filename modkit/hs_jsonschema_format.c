/*
 * JSON Schema "format" checkers: RFC 3339 dates and times, RFC 5321
 * e-mail addresses, RFC 1123 host names, IP addresses, RFC 3986 URIs and
 * RFC 3987 IRIs, RFC 6570 URI templates, RFC 6901 JSON pointers, UUIDs and
 * ECMA-262 regular expressions. Each takes len bytes of UTF-8 (not
 * NUL-terminated) and returns 1 when they are valid.
 */

#define PCRE2_CODE_UNIT_WIDTH  8

#include <pcre2.h>
#include <string.h>

#include "hs_jsonschema.h"

#define HS__FMT_ALPHA(c)  (((c) >= 'a' && (c) <= 'z')                        \
                           || ((c) >= 'A' && (c) <= 'Z'))
#define HS__FMT_DIGIT(c)  ((c) >= '0' && (c) <= '9')
#define HS__FMT_HEX(c)    (HS__FMT_DIGIT(c) || ((c) >= 'a' && (c) <= 'f')     \
                           || ((c) >= 'A' && (c) <= 'F'))

/* Character classes of RFC 3986 (bits of hs__fmt_uri_class[]). */
#define HS__FMT_PLAIN     0x01      /* unreserved and sub-delims */
#define HS__FMT_COLON     0x02
#define HS__FMT_AT        0x04
#define HS__FMT_SLASH     0x08
#define HS__FMT_QUESTION  0x10
#define HS__FMT_HASH      0x20
#define HS__FMT_PCHAR     (HS__FMT_COLON | HS__FMT_AT)

static int hs__fmt_date(const char *s, size_t len);
static int hs__fmt_time(const char *s, size_t len);
static int hs__fmt_date_time(const char *s, size_t len);
static int hs__fmt_duration(const char *s, size_t len);
static int hs__fmt_email(const char *s, size_t len);
static int hs__fmt_idn_email(const char *s, size_t len);
static int hs__fmt_hostname(const char *s, size_t len);
static int hs__fmt_idn_hostname(const char *s, size_t len);
static int hs__fmt_ipv4(const char *s, size_t len);
static int hs__fmt_ipv6(const char *s, size_t len);
static int hs__fmt_uri(const char *s, size_t len);
static int hs__fmt_uri_reference(const char *s, size_t len);
static int hs__fmt_iri(const char *s, size_t len);
static int hs__fmt_iri_reference(const char *s, size_t len);
static int hs__fmt_uri_template(const char *s, size_t len);
static int hs__fmt_uuid(const char *s, size_t len);
static int hs__fmt_json_pointer(const char *s, size_t len);
static int hs__fmt_relative_json_pointer(const char *s, size_t len);
static int hs__fmt_regex(const char *s, size_t len);

static const unsigned char  hs__fmt_uri_class[256] = {
    ['a' ... 'z'] = HS__FMT_PLAIN, ['A' ... 'Z'] = HS__FMT_PLAIN,
    ['0' ... '9'] = HS__FMT_PLAIN, ['-'] = HS__FMT_PLAIN,
    ['.'] = HS__FMT_PLAIN, ['_'] = HS__FMT_PLAIN, ['~'] = HS__FMT_PLAIN,
    ['!'] = HS__FMT_PLAIN, ['$'] = HS__FMT_PLAIN, ['&'] = HS__FMT_PLAIN,
    ['\''] = HS__FMT_PLAIN, ['('] = HS__FMT_PLAIN, [')'] = HS__FMT_PLAIN,
    ['*'] = HS__FMT_PLAIN, ['+'] = HS__FMT_PLAIN, [','] = HS__FMT_PLAIN,
    [';'] = HS__FMT_PLAIN, ['='] = HS__FMT_PLAIN,
    [':'] = HS__FMT_COLON, ['@'] = HS__FMT_AT, ['/'] = HS__FMT_SLASH,
    ['?'] = HS__FMT_QUESTION, ['#'] = HS__FMT_HASH
};

static const struct {
    const char           *name;
    hs_schema_format_pt   check;
} hs__fmt_table[] = {
    { "date-time",              hs__fmt_date_time },
    { "date",                   hs__fmt_date },
    { "time",                   hs__fmt_time },
    { "duration",               hs__fmt_duration },
    { "email",                  hs__fmt_email },
    { "idn-email",              hs__fmt_idn_email },
    { "hostname",               hs__fmt_hostname },
    { "idn-hostname",           hs__fmt_idn_hostname },
    { "ipv4",                   hs__fmt_ipv4 },
    { "ipv6",                   hs__fmt_ipv6 },
    { "uri",                    hs__fmt_uri },
    { "uri-reference",          hs__fmt_uri_reference },
    { "iri",                    hs__fmt_iri },
    { "iri-reference",          hs__fmt_iri_reference },
    { "uri-template",           hs__fmt_uri_template },
    { "uuid",                   hs__fmt_uuid },
    { "json-pointer",           hs__fmt_json_pointer },
    { "relative-json-pointer",  hs__fmt_relative_json_pointer },
    { "regex",                  hs__fmt_regex },
    { NULL, NULL }
};


hs_schema_format_pt
hs_schema_format_checker(const char *name)
{
    size_t  i;

    if (name == NULL) {
        return NULL;
    }

    for (i = 0; hs__fmt_table[i].name != NULL; i++) {
        if (strcmp(hs__fmt_table[i].name, name) == 0) {
            return hs__fmt_table[i].check;
        }
    }

    return NULL;
}


/* Exactly n digits at s, as a number in *out. */
static int
hs__fmt_num(const char *s, size_t n, int *out)
{
    size_t  i;
    int     v;

    v = 0;

    for (i = 0; i < n; i++) {
        if (!HS__FMT_DIGIT(s[i])) {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }

    *out = v;

    return 1;
}


static int
hs__fmt_mdays(int year, int month)
{
    static const int  days[12] = { 31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31 };

    if (month == 2
        && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
    {
        return 29;
    }

    return days[month - 1];
}


/* RFC 3339 full-date: YYYY-MM-DD. */
static int
hs__fmt_date(const char *s, size_t len)
{
    int  y, m, d;

    if (len != 10 || s[4] != '-' || s[7] != '-'
        || !hs__fmt_num(s, 4, &y) || !hs__fmt_num(s + 5, 2, &m)
        || !hs__fmt_num(s + 8, 2, &d))
    {
        return 0;
    }

    return m >= 1 && m <= 12 && d >= 1 && d <= hs__fmt_mdays(y, m);
}


/*
 * RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second
 * (SS 60) only at 23:59 UTC.
 */
static int
hs__fmt_time(const char *s, size_t len)
{
    int     h, m, sec, oh, om, utc;
    size_t  i;

    if (len < 9 || s[2] != ':' || s[5] != ':'
        || !hs__fmt_num(s, 2, &h) || !hs__fmt_num(s + 3, 2, &m)
        || !hs__fmt_num(s + 6, 2, &sec))
    {
        return 0;
    }

    if (h > 23 || m > 59 || sec > 60) {
        return 0;
    }

    i = 8;

    if (s[i] == '.') {
        i++;
        if (i >= len || !HS__FMT_DIGIT(s[i])) {
            return 0;
        }
        while (i < len && HS__FMT_DIGIT(s[i])) {
            i++;
        }
    }

    if (i >= len) {
        return 0;
    }

    oh = 0;
    om = 0;

    if (s[i] == 'Z' || s[i] == 'z') {
        if (i + 1 != len) {
            return 0;
        }

    } else if (s[i] == '+' || s[i] == '-') {
        if (len - i != 6 || s[i + 3] != ':'
            || !hs__fmt_num(s + i + 1, 2, &oh)
            || !hs__fmt_num(s + i + 4, 2, &om)
            || oh > 23 || om > 59)
        {
            return 0;
        }

        if (s[i] == '-') {
            oh = -oh;
            om = -om;
        }

    } else {
        return 0;
    }

    if (sec == 60) {
        utc = ((h * 60 + m - oh * 60 - om) % 1440 + 1440) % 1440;
        if (utc != 23 * 60 + 59) {
            return 0;
        }
    }

    return 1;
}


static int
hs__fmt_date_time(const char *s, size_t len)
{
    return len > 11 && (s[10] == 'T' || s[10] == 't')
           && hs__fmt_date(s, 10) && hs__fmt_time(s + 11, len - 11);
}


/*
 * Digits and unit letters from units (in order, without gaps) at s[*i];
 * returns how many were read, -1 on a syntax error.
 */
static int
hs__fmt_duration_units(const char *s, size_t len, size_t *i,
    const char *units)
{
    int          n;
    size_t       j;
    const char  *u, *next;

    n = 0;
    next = NULL;

    while (*i < len && HS__FMT_DIGIT(s[*i])) {
        j = *i;
        while (j < len && HS__FMT_DIGIT(s[j])) {
            j++;
        }

        if (j == len) {
            return -1;
        }

        u = strchr(units, s[j]);
        if (u == NULL || (next != NULL && u != next)) {
            return -1;
        }

        next = u + 1;
        *i = j + 1;
        n++;
    }

    return n;
}


/* RFC 3339 appendix A duration: P1Y2M3DT4H5M6S, P2W. */
static int
hs__fmt_duration(const char *s, size_t len)
{
    int     n, t;
    size_t  i, j;

    if (len < 3 || s[0] != 'P') {
        return 0;
    }

    j = 1;
    while (j < len && HS__FMT_DIGIT(s[j])) {
        j++;
    }

    if (j > 1 && j + 1 == len && s[j] == 'W') {
        return 1;
    }

    i = 1;
    n = hs__fmt_duration_units(s, len, &i, "YMD");
    if (n < 0) {
        return 0;
    }

    if (i < len) {
        if (s[i] != 'T') {
            return 0;
        }
        i++;
        t = hs__fmt_duration_units(s, len, &i, "HMS");
        if (t <= 0 || i != len) {
            return 0;
        }
        n += t;
    }

    return n > 0;
}


/* Decodes one UTF-8 sequence at s[*i]; -1 when it is malformed. */
static long
hs__fmt_utf8(const char *s, size_t len, size_t *i)
{
    long            cp;
    size_t          n, k;
    unsigned char   c;

    c = (unsigned char) s[*i];

    if (c < 0x80) {
        (*i)++;
        return c;
    }

    if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        cp = c & 0x07;

    } else if (c >= 0xe0) {
        n = 2;
        cp = c & 0x0f;

    } else if (c >= 0xc2 && c < 0xe0) {
        n = 1;
        cp = c & 0x1f;

    } else {
        return -1;
    }

    if (*i + n >= len) {
        return -1;
    }

    for (k = 1; k <= n; k++) {
        c = (unsigned char) s[*i + k];
        if ((c & 0xc0) != 0x80) {
            return -1;
        }
        cp = (cp << 6) | (c & 0x3f);
    }

    if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
        || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
    {
        return -1;
    }

    *i += n + 1;

    return cp;
}


static int
hs__fmt_ldh_label(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-') {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!HS__FMT_ALPHA(s[i]) && !HS__FMT_DIGIT(s[i]) && s[i] != '-') {
            return 0;
        }
    }

    return 1;
}


/* RFC 1123 host name: dot-separated LDH labels of 1..63, 253 at most. */
static int
hs__fmt_hostname(const char *s, size_t len)
{
    size_t  i, start;

    if (len == 0 || len > 253) {
        return 0;
    }

    start = 0;

    for (i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (!hs__fmt_ldh_label(s + start, i - start)) {
                return 0;
            }
            start = i + 1;
        }
    }

    return 1;
}


static unsigned long
hs__fmt_puny_adapt(unsigned long delta, unsigned long points, int first)
{
    unsigned long  k;

    delta = first ? delta / 700 : delta / 2;
    delta += delta / points;

    for (k = 0; delta > ((36 - 1) * 26) / 2; k += 36) {
        delta /= 36 - 1;
    }

    return k + (36 * delta) / (delta + 38);
}


/* Length of the RFC 3492 Punycode encoding of n code points. */
static size_t
hs__fmt_puny_len(const long *cps, size_t n)
{
    size_t         out, i;
    unsigned long  cur, delta, bias, h, b, m, q, k, t;

    b = 0;
    for (i = 0; i < n; i++) {
        if (cps[i] < 0x80) {
            b++;
        }
    }

    out = b + (b > 0);
    cur = 0x80;
    delta = 0;
    bias = 72;
    h = b;

    while (h < n) {
        m = (unsigned long) -1;
        for (i = 0; i < n; i++) {
            if ((unsigned long) cps[i] >= cur && (unsigned long) cps[i] < m) {
                m = (unsigned long) cps[i];
            }
        }

        delta += (m - cur) * (h + 1);
        cur = m;

        for (i = 0; i < n; i++) {
            if ((unsigned long) cps[i] < cur) {
                delta++;
            }

            if ((unsigned long) cps[i] == cur) {
                q = delta;
                for (k = 36; /* void */ ; k += 36) {
                    t = k <= bias ? 1 : (k >= bias + 26 ? 26 : k - bias);
                    if (q < t) {
                        break;
                    }
                    out++;
                    q = (q - t) / (36 - t);
                }
                out++;
                bias = hs__fmt_puny_adapt(delta, h + 1, h == b);
                delta = 0;
                h++;
            }
        }

        delta++;
        cur++;
    }

    return out;
}


/* Combining marks may not start an IDN label (RFC 5891 5.4). */
static int
hs__fmt_combining(long cp)
{
    return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x0483 && cp <= 0x0489)
           || (cp >= 0x0591 && cp <= 0x05bd) || (cp >= 0x0610 && cp <= 0x061a)
           || (cp >= 0x064b && cp <= 0x065f) || (cp >= 0x0900 && cp <= 0x0903)
           || (cp >= 0x093a && cp <= 0x094f) || (cp >= 0x1ab0 && cp <= 0x1aff)
           || (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff)
           || (cp >= 0x302a && cp <= 0x302f) || (cp >= 0x3099 && cp <= 0x309a)
           || (cp >= 0xfe20 && cp <= 0xfe2f);
}


/*
 * IDNA host name: labels separated by '.', U+3002, U+FF0E or U+FF61;
 * ASCII labels as in hostname; other labels without ASCII other than
 * letters, digits and '-', not starting with a combining mark, without
 * the disallowed U+302E/U+302F, and at most 63 bytes as A-labels.
 * (A subset of IDNA2008: the Unicode tables are not checked.)
 */
static int
hs__fmt_idn_hostname(const char *s, size_t len)
{
    long    cp, ch, cps[256];
    size_t  i, k, n, start, total;
    int     ascii;

    if (len == 0) {
        return 0;
    }

    i = 0;
    total = 0;

    for ( ;; ) {
        n = 0;
        ascii = 1;
        start = i;

        for ( ;; ) {
            if (i == len) {
                cp = -2;
                break;
            }

            cp = hs__fmt_utf8(s, len, &i);
            if (cp < 0) {
                return 0;
            }

            if (cp == '.' || cp == 0x3002 || cp == 0xff0e || cp == 0xff61) {
                break;
            }

            if (n == sizeof(cps) / sizeof(cps[0])) {
                return 0;
            }

            if (cp >= 0x80) {
                ascii = 0;
            }
            cps[n++] = cp;
        }

        if (n == 0) {
            return 0;
        }

        if (ascii) {
            if (!hs__fmt_ldh_label(s + start, n)) {
                return 0;
            }
            total += n + 1;

        } else {
            if (hs__fmt_combining(cps[0]) || cps[0] == '-'
                || cps[n - 1] == '-')
            {
                return 0;
            }

            for (k = 0; k < n; k++) {
                ch = cps[k];
                if ((ch < 0x80 && !HS__FMT_ALPHA(ch) && !HS__FMT_DIGIT(ch)
                     && ch != '-')
                    || ch == 0x302e || ch == 0x302f)
                {
                    return 0;
                }
            }

            n = 4 + hs__fmt_puny_len(cps, n);
            if (n > 63) {
                return 0;
            }
            total += n + 1;
        }

        if (cp == -2) {
            break;
        }
    }

    return total - 1 <= 253;
}


/* Dotted-quad IPv4: four decimal octets, no leading zeros. */
static int
hs__fmt_ipv4(const char *s, size_t len)
{
    int     parts, v;
    size_t  i, start;

    parts = 0;
    i = 0;

    for ( ;; ) {
        start = i;
        v = 0;

        while (i < len && HS__FMT_DIGIT(s[i])) {
            v = v * 10 + (s[i] - '0');
            i++;
            if (i - start > 3) {
                return 0;
            }
        }

        if (i == start || v > 255 || (s[start] == '0' && i - start > 1)) {
            return 0;
        }

        parts++;

        if (i == len) {
            break;
        }

        if (s[i] != '.' || parts == 4) {
            return 0;
        }
        i++;
    }

    return parts == 4;
}


/* RFC 4291 text form, with an optional dotted-quad tail, no zone. */
static int
hs__fmt_ipv6(const char *s, size_t len)
{
    int     groups, dbl;
    size_t  i, j;

    groups = 0;
    dbl = 0;
    i = 0;

    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        dbl = 1;
        i = 2;
        if (i == len) {
            return 1;
        }

    } else if (len == 0 || s[0] == ':') {
        return 0;
    }

    while (i < len) {
        j = i;
        while (j < len && HS__FMT_HEX(s[j])) {
            j++;
        }

        if (j < len && s[j] == '.') {
            if (!hs__fmt_ipv4(s + i, len - i)) {
                return 0;
            }
            groups += 2;
            break;
        }

        if (j == i || j - i > 4) {
            return 0;
        }

        groups++;
        i = j;

        if (i == len) {
            break;
        }

        if (s[i] != ':') {
            return 0;
        }
        i++;

        if (i < len && s[i] == ':') {
            if (dbl) {
                return 0;
            }
            dbl = 1;
            i++;

        } else if (i == len) {
            return 0;
        }
    }

    return dbl ? groups <= 7 : groups == 8;
}


static int
hs__fmt_atext(unsigned char c, int intl)
{
    return HS__FMT_ALPHA(c) || HS__FMT_DIGIT(c)
           || (c >= 0x21 && c < 0x7f && strchr("!#$%&'*+-/=?^_`{|}~", c))
           || (intl && c >= 0x80);
}


/*
 * RFC 5321 Mailbox: a dot-atom or quoted local part, '@', a host name or
 * an address literal. intl allows UTF-8 (RFC 6531).
 */
static int
hs__fmt_mailbox(const char *s, size_t len, int intl)
{
    size_t       at, i;
    const char  *d;
    size_t       dlen;

    at = len;
    while (at > 0 && s[at - 1] != '@') {
        at--;
    }

    if (at <= 1 || at == len) {
        return 0;
    }
    at--;   /* the '@' */

    if (at > 64 && !intl) {
        return 0;
    }

    if (s[0] == '"') {
        if (at < 2 || s[at - 1] != '"') {
            return 0;
        }

        for (i = 1; i < at - 1; i++) {
            if (s[i] == '\\') {
                i++;
                if (i >= at - 1) {
                    return 0;
                }
                continue;
            }

            if (s[i] == '"' || ((unsigned char) s[i] < 0x20)
                || (!intl && (unsigned char) s[i] >= 0x7f))
            {
                return 0;
            }
        }

    } else {
        if (s[0] == '.' || s[at - 1] == '.') {
            return 0;
        }

        for (i = 0; i < at; i++) {
            if (s[i] == '.') {
                if (s[i + 1] == '.') {
                    return 0;
                }
                continue;
            }

            if (!hs__fmt_atext((unsigned char) s[i], intl)) {
                return 0;
            }
        }
    }

    d = s + at + 1;
    dlen = len - at - 1;

    if (d[0] == '[') {
        if (dlen < 3 || d[dlen - 1] != ']') {
            return 0;
        }

        if (dlen > 6 && memcmp(d + 1, "IPv6:", 5) == 0) {
            return hs__fmt_ipv6(d + 6, dlen - 7);
        }

        return hs__fmt_ipv4(d + 1, dlen - 2);
    }

    return intl ? hs__fmt_idn_hostname(d, dlen) : hs__fmt_hostname(d, dlen);
}


static int
hs__fmt_email(const char *s, size_t len)
{
    return hs__fmt_mailbox(s, len, 0);
}


static int
hs__fmt_idn_email(const char *s, size_t len)
{
    return hs__fmt_mailbox(s, len, 1);
}


/* One character (or %XX) of a class: plain characters and extra. */
static int
hs__fmt_uri_char(const char *s, size_t len, size_t *i, unsigned extra,
    int iri)
{
    unsigned char  c;

    c = (unsigned char) s[*i];

    if ((hs__fmt_uri_class[c] & (HS__FMT_PLAIN | extra)) || (iri && c >= 0x80))
    {
        (*i)++;
        return 1;
    }

    if (c == '%' && *i + 2 < len
        && HS__FMT_HEX(s[*i + 1]) && HS__FMT_HEX(s[*i + 2]))
    {
        *i += 3;
        return 1;
    }

    return 0;
}


/* Reads characters of a URI part until one of the class stop or the end. */
static int
hs__fmt_uri_part(const char *s, size_t len, size_t *i, unsigned stop,
    unsigned extra, int iri)
{
    while (*i < len
           && !(hs__fmt_uri_class[(unsigned char) s[*i]] & stop))
    {
        if (!hs__fmt_uri_char(s, len, i, extra, iri)) {
            return 0;
        }
    }

    return 1;
}


/* RFC 3986 authority: [userinfo@]host[:port]. */
static int
hs__fmt_uri_authority(const char *s, size_t len, int iri)
{
    size_t  i, at, end, j;

    at = len;
    for (i = 0; i < len; i++) {
        if (s[i] == '@') {
            at = i;
        }
    }

    i = 0;

    if (at != len) {
        if (!hs__fmt_uri_part(s, at, &i, 0, HS__FMT_COLON, iri)) {
            return 0;
        }
        i = at + 1;
    }

    if (i < len && s[i] == '[') {
        end = i;
        while (end < len && s[end] != ']') {
            end++;
        }

        if (end == len) {
            return 0;
        }

        if (s[i + 1] == 'v' || s[i + 1] == 'V') {
            j = i + 2;
            while (j < end && HS__FMT_HEX(s[j])) {
                j++;
            }
            if (j == i + 2 || j >= end || s[j] != '.' || j + 1 == end) {
                return 0;
            }
            j++;
            if (!hs__fmt_uri_part(s, end, &j, 0, HS__FMT_COLON, 0)) {
                return 0;
            }

        } else if (!hs__fmt_ipv6(s + i + 1, end - i - 1)) {
            return 0;
        }

        i = end + 1;

    } else if (!hs__fmt_uri_part(s, len, &i, HS__FMT_COLON, 0, iri)) {
        return 0;
    }

    if (i < len) {
        if (s[i] != ':') {
            return 0;
        }
        for (i++; i < len; i++) {
            if (!HS__FMT_DIGIT(s[i])) {
                return 0;
            }
        }
    }

    return 1;
}


/* RFC 3986 URI (need_scheme) or URI-reference; RFC 3987 with iri. */
static int
hs__fmt_uri_any(const char *s, size_t len, int need_scheme, int iri)
{
    size_t  i, j;
    int     scheme;

    i = 0;
    scheme = 0;

    if (len > 0 && HS__FMT_ALPHA(s[0])) {
        j = 1;
        while (j < len && (HS__FMT_ALPHA(s[j]) || HS__FMT_DIGIT(s[j])
                           || s[j] == '+' || s[j] == '-' || s[j] == '.'))
        {
            j++;
        }

        if (j < len && s[j] == ':') {
            scheme = 1;
            i = j + 1;
        }
    }

    if (need_scheme && !scheme) {
        return 0;
    }

    if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        i += 2;
        j = i;
        while (j < len && s[j] != '/' && s[j] != '?' && s[j] != '#') {
            j++;
        }

        if (!hs__fmt_uri_authority(s + i, j - i, iri)) {
            return 0;
        }
        i = j;

    } else if (!scheme) {
        /* path-noscheme: no ':' in the first segment */
        for (j = i; j < len && s[j] != '/' && s[j] != '?' && s[j] != '#';
             j++)
        {
            if (s[j] == ':') {
                return 0;
            }
        }
    }

    if (!hs__fmt_uri_part(s, len, &i, HS__FMT_QUESTION | HS__FMT_HASH,
                          HS__FMT_PCHAR | HS__FMT_SLASH, iri))
    {
        return 0;
    }

    if (i < len && s[i] == '?') {
        i++;
        if (!hs__fmt_uri_part(s, len, &i, HS__FMT_HASH,
                              HS__FMT_PCHAR | HS__FMT_SLASH
                              | HS__FMT_QUESTION, iri))
        {
            return 0;
        }
    }

    if (i < len && s[i] == '#') {
        i++;
        if (!hs__fmt_uri_part(s, len, &i, 0,
                              HS__FMT_PCHAR | HS__FMT_SLASH
                              | HS__FMT_QUESTION, iri))
        {
            return 0;
        }
    }

    return i == len;
}


static int
hs__fmt_uri(const char *s, size_t len)
{
    return hs__fmt_uri_any(s, len, 1, 0);
}


static int
hs__fmt_uri_reference(const char *s, size_t len)
{
    return hs__fmt_uri_any(s, len, 0, 0);
}


static int
hs__fmt_iri(const char *s, size_t len)
{
    return hs__fmt_uri_any(s, len, 1, 1);
}


static int
hs__fmt_iri_reference(const char *s, size_t len)
{
    return hs__fmt_uri_any(s, len, 0, 1);
}


/* RFC 6570 level 4 template (an apostrophe allowed, as in its errata). */
static int
hs__fmt_uri_template(const char *s, size_t len)
{
    size_t         i, end, digits;
    unsigned char  c;

    for (i = 0; i < len; /* void */ ) {
        c = (unsigned char) s[i];

        if (c == '}') {
            return 0;
        }

        if (c != '{') {
            if (c <= 0x20 || c == 0x7f
                || strchr("\"<>\\^`|", c) != NULL)
            {
                return 0;
            }

            if (c == '%') {
                if (i + 2 >= len || !HS__FMT_HEX(s[i + 1])
                    || !HS__FMT_HEX(s[i + 2]))
                {
                    return 0;
                }
                i += 3;
                continue;
            }

            i++;
            continue;
        }

        end = i + 1;
        while (end < len && s[end] != '}') {
            end++;
        }

        if (end == len) {
            return 0;
        }

        i++;
        if (i < end && strchr("+#./;?&=,!@|", s[i]) != NULL) {
            i++;
        }

        /* variable-list */
        for ( ;; ) {
            if (i == end) {
                return 0;
            }

            /* varname */
            for ( ;; ) {
                if (s[i] == '%') {
                    if (i + 2 >= end || !HS__FMT_HEX(s[i + 1])
                        || !HS__FMT_HEX(s[i + 2]))
                    {
                        return 0;
                    }
                    i += 3;

                } else if (HS__FMT_ALPHA(s[i]) || HS__FMT_DIGIT(s[i])
                           || s[i] == '_')
                {
                    i++;

                } else {
                    return 0;
                }

                if (i < end && s[i] == '.' && i + 1 < end) {
                    i++;
                    continue;
                }

                if (i == end || s[i] == ',' || s[i] == ':' || s[i] == '*') {
                    break;
                }
            }

            if (i < end && s[i] == ':') {
                i++;
                digits = 0;
                while (i < end && HS__FMT_DIGIT(s[i])) {
                    if (digits == 0 && s[i] == '0') {
                        return 0;
                    }
                    i++;
                    digits++;
                }
                if (digits == 0 || digits > 4) {
                    return 0;
                }

            } else if (i < end && s[i] == '*') {
                i++;
            }

            if (i == end) {
                break;
            }

            if (s[i] != ',') {
                return 0;
            }
            i++;
        }

        i = end + 1;
    }

    return 1;
}


static int
hs__fmt_uuid(const char *s, size_t len)
{
    size_t  i;

    if (len != 36) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                return 0;
            }

        } else if (!HS__FMT_HEX(s[i])) {
            return 0;
        }
    }

    return 1;
}


static int
hs__fmt_json_pointer(const char *s, size_t len)
{
    size_t  i;

    if (len > 0 && s[0] != '/') {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (s[i] == '~') {
            if (i + 1 == len || (s[i + 1] != '0' && s[i + 1] != '1')) {
                return 0;
            }
            i++;
        }
    }

    return 1;
}


static int
hs__fmt_relative_json_pointer(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len && HS__FMT_DIGIT(s[i]); i++) {
        /* void */
    }

    if (i == 0 || (s[0] == '0' && i > 1)) {
        return 0;
    }

    if (i == len || (s[i] == '#' && i + 1 == len)) {
        return 1;
    }

    return hs__fmt_json_pointer(s + i, len - i);
}


/*
 * PCRE2 accepts more than ECMA-262: rejects the escapes and group kinds
 * that ECMA-262 (with the "u" flag) does not have, such as \Z, \A, \h,
 * (?i) and (?>...).
 */
static int
hs__fmt_regex_ecma(const char *s, size_t len)
{
    size_t         i;
    int            in_class;
    unsigned char  c;

    in_class = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if (c == '\\') {
            if (i + 1 == len) {
                return 0;
            }

            c = (unsigned char) s[++i];
            if (HS__FMT_ALPHA(c) && strchr("bBdDwWsSfnrtvcxukpP", c) == NULL)
            {
                return 0;
            }
            continue;
        }

        if (in_class) {
            if (c == ']') {
                in_class = 0;
            }
            continue;
        }

        if (c == '[') {
            in_class = 1;
            continue;
        }

        if (c == '(' && i + 1 < len && s[i + 1] == '?') {
            if (i + 2 == len) {
                return 0;
            }

            c = (unsigned char) s[i + 2];
            if (c != ':' && c != '=' && c != '!'
                && !(c == '<' && i + 3 < len))
            {
                return 0;
            }
        }
    }

    return 1;
}


static int
hs__fmt_regex(const char *s, size_t len)
{
    int                     errcode;
    PCRE2_SIZE              erroff;
    pcre2_code             *re;
    pcre2_compile_context  *cctx;

    if (!hs__fmt_regex_ecma(s, len)) {
        return 0;
    }

    cctx = pcre2_compile_context_create(NULL);
    if (cctx == NULL) {
        return 0;
    }

    pcre2_set_compile_extra_options(cctx, PCRE2_EXTRA_ALT_BSUX);

    re = pcre2_compile((PCRE2_SPTR) s, len,
                       PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX
                       | PCRE2_ALLOW_EMPTY_CLASS,
                       &errcode, &erroff, cctx);
    pcre2_compile_context_free(cctx);

    if (re == NULL) {
        return 0;
    }

    pcre2_code_free(re);

    return 1;
}
