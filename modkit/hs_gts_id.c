/*
 * GTS identifiers: parsing and validation (OP#1, OP#3, spec 2 and 8),
 * wildcard matching (OP#4, spec 3.5, 3.6 and 10) and UUIDs (OP#5).
 *
 * The parser is a hand-written scanner over the grammar of spec 2.3; it
 * allocates nothing and reads every byte once.
 */

#include <string.h>

#include <openssl/evp.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

#define HS__GTS_PREFIX      "gts."
#define HS__GTS_PREFIX_LEN  4
#define HS__GTS_VER_MAX     2147483647L

/* uuid5(NAMESPACE_URL, "gts") */
static const unsigned char  hs__gts_ns[16] = {
    0x63, 0xb0, 0x62, 0x80, 0x5d, 0xd6, 0x51, 0x7d,
    0xab, 0xc6, 0x5a, 0x21, 0x27, 0xe8, 0x43, 0xc3
};

typedef struct {
    const char   *s;
    size_t        len;
    size_t        pos;
    unsigned      flags;
    hs_error_t   *err;
} hs__gts_scan_t;

/* 1: may start a token ([a-z_]), 2: may follow ([a-z0-9_]) */
static const unsigned char  hs__gts_tok[256] = {
    ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2,
    ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2, ['_'] = 3,
    ['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3, ['e'] = 3, ['f'] = 3,
    ['g'] = 3, ['h'] = 3, ['i'] = 3, ['j'] = 3, ['k'] = 3, ['l'] = 3,
    ['m'] = 3, ['n'] = 3, ['o'] = 3, ['p'] = 3, ['q'] = 3, ['r'] = 3,
    ['s'] = 3, ['t'] = 3, ['u'] = 3, ['v'] = 3, ['w'] = 3, ['x'] = 3,
    ['y'] = 3, ['z'] = 3
};

/* A '*' at the current position (the only case hs__gts_wild() takes). */
#define hs__gts_at_star(sc)                                                   \
    ((sc)->pos < (sc)->len && (sc)->s[(sc)->pos] == '*')


static int
hs__gts_fail(hs__gts_scan_t *sc, const char *what)
{
    hs_error_set(sc->err, "invalid GTS identifier \"%.*s\": %s at "
                 "position %zu", (int) (sc->len > 200 ? 200 : sc->len),
                 sc->s, what, sc->pos);

    return -1;
}


/* Takes the '*' at the current position, which ends a pattern: 1, -1. */
static int
hs__gts_wild(hs__gts_scan_t *sc, hs_gts_segment_t *seg, hs_gts_wild_t w)
{
    if (!(sc->flags & HS_GTS_ALLOW_WILDCARD)) {
        return hs__gts_fail(sc, "a wildcard is not allowed");
    }

    if (sc->pos + 1 != sc->len) {
        sc->pos++;
        return hs__gts_fail(sc, "the wildcard must end the pattern");
    }

    sc->pos++;
    seg->wildcard = w;

    return 1;
}


/* [a-z_][a-z0-9_]* */
static int
hs__gts_token(hs__gts_scan_t *sc, hs_gts_str_t *tok, const char *name)
{
    size_t  start;
    char    what[64];

    start = sc->pos;

    if (sc->pos >= sc->len) {
        snprintf(what, sizeof(what), "the %s is missing", name);
        return hs__gts_fail(sc, what);
    }

    if (!(hs__gts_tok[(unsigned char) sc->s[sc->pos]] & 1)) {
        snprintf(what, sizeof(what), "the %s must start with a lower-case "
                 "letter or '_'", name);
        return hs__gts_fail(sc, what);
    }

    for (sc->pos++; sc->pos < sc->len
                    && (hs__gts_tok[(unsigned char) sc->s[sc->pos]] & 2);
         sc->pos++)
    {
        /* void */
    }

    tok->p = sc->s + start;
    tok->len = sc->pos - start;

    return 0;
}


/* 0 | [1-9][0-9]* */
static int
hs__gts_number(hs__gts_scan_t *sc, long *out, const char *name)
{
    long  v;
    char  what[64];

    if (sc->pos >= sc->len || sc->s[sc->pos] < '0' || sc->s[sc->pos] > '9') {
        snprintf(what, sizeof(what), "the %s version must be a number",
                 name);
        return hs__gts_fail(sc, what);
    }

    if (sc->s[sc->pos] == '0' && sc->pos + 1 < sc->len
        && sc->s[sc->pos + 1] >= '0' && sc->s[sc->pos + 1] <= '9')
    {
        snprintf(what, sizeof(what), "the %s version has a leading zero",
                 name);
        return hs__gts_fail(sc, what);
    }

    v = 0;
    while (sc->pos < sc->len && sc->s[sc->pos] >= '0'
           && sc->s[sc->pos] <= '9')
    {
        v = v * 10 + (sc->s[sc->pos] - '0');
        if (v > HS__GTS_VER_MAX) {
            snprintf(what, sizeof(what), "the %s version is too large",
                     name);
            return hs__gts_fail(sc, what);
        }
        sc->pos++;
    }

    *out = v;

    return 0;
}


static int
hs__gts_is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}


/* 8-4-4-4-12 lower-case hex digits at s. */
static int
hs__gts_is_uuid(const char *s, size_t len)
{
    size_t  i;

    if (len != HS_GTS_UUID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                return 0;
            }

        } else if (!hs__gts_is_hex(s[i])) {
            return 0;
        }
    }

    return 1;
}


/*
 * vendor.package.namespace.type.vMAJOR[.MINOR], or a pattern prefix of
 * one ending with '*'. 1: a wildcard ended it; 0: done; -1: error.
 */
static int
hs__gts_segment(hs__gts_scan_t *sc, hs_gts_segment_t *seg, int relative)
{
    int            rc;
    unsigned       i;
    size_t         start;
    hs_gts_str_t  *toks[4];
    static const char *const  names[4] = {
        "vendor", "package", "namespace", "type"
    };

    toks[0] = &seg->vendor;
    toks[1] = &seg->package;
    toks[2] = &seg->ns;
    toks[3] = &seg->type;

    seg->vendor.p = NULL;
    seg->package.p = NULL;
    seg->ns.p = NULL;
    seg->type.p = NULL;
    seg->vendor.len = seg->package.len = seg->ns.len = seg->type.len = 0;
    seg->ver_major = -1;
    seg->ver_minor = -1;
    seg->is_type = 0;
    seg->is_uuid = 0;
    seg->wildcard = HS_GTS_WILD_NONE;
    start = sc->pos;

    for (i = 0; i < 4; i++) {
        if (hs__gts_at_star(sc)) {
            rc = hs__gts_wild(sc, seg,
                              (hs_gts_wild_t) (HS_GTS_WILD_VENDOR + i));
            goto wild;
        }

        if (hs__gts_token(sc, toks[i], names[i]) != 0) {
            return -1;
        }

        if (sc->pos < sc->len && sc->s[sc->pos] == '*') {
            return hs__gts_fail(sc, "a wildcard must start a token");
        }

        if (i == 0 && relative && seg->vendor.len == 3
            && memcmp(seg->vendor.p, "gts", 3) == 0)
        {
            return hs__gts_fail(sc, "the \"gts.\" prefix appears only once, "
                                "at the start");
        }

        if (sc->pos >= sc->len || sc->s[sc->pos] != '.') {
            return hs__gts_fail(sc, i < 3 ? "expected '.' after a token"
                                          : "expected \".v<major>\"");
        }
        sc->pos++;
    }

    if (hs__gts_at_star(sc)) {
        rc = hs__gts_wild(sc, seg, HS_GTS_WILD_VERSION);
        goto wild;
    }

    if (sc->pos >= sc->len || sc->s[sc->pos] != 'v') {
        return hs__gts_fail(sc, "expected the version \"v<major>\"");
    }
    sc->pos++;

    if (hs__gts_at_star(sc)) {
        rc = hs__gts_wild(sc, seg, HS_GTS_WILD_VERSION);
        goto wild;
    }

    if (hs__gts_number(sc, &seg->ver_major, "major") != 0) {
        return -1;
    }

    if (sc->pos < sc->len && sc->s[sc->pos] == '.') {
        sc->pos++;

        if (hs__gts_at_star(sc)) {
            rc = hs__gts_wild(sc, seg, HS_GTS_WILD_MINOR);
            goto wild;
        }

        if (hs__gts_number(sc, &seg->ver_minor, "minor") != 0) {
            return -1;
        }
    }

    seg->text.p = sc->s + start;
    seg->text.len = sc->pos - start;

    if (sc->pos < sc->len && sc->s[sc->pos] != '~') {
        return hs__gts_fail(sc, sc->s[sc->pos] == '.'
                                ? "too many version components"
                                : "unexpected character after the version");
    }

    return 0;

wild:

    if (rc < 0) {
        return -1;
    }

    seg->text.p = sc->s + start;
    seg->text.len = sc->pos - start;

    return 1;
}


hs_rc_t
hs_gts_id_parse(const char *s, size_t len, unsigned flags, hs_gts_id_t *id,
    hs_error_t *err)
{
    int                rc;
    hs__gts_scan_t     sc;
    hs_gts_segment_t  *seg;

    sc.s = s;
    sc.len = len;
    sc.pos = 0;
    sc.flags = flags;
    sc.err = err;

    id->id = s;
    id->len = len;
    id->nsegs = 0;
    id->type_len = 0;
    id->is_type = 0;
    id->is_wildcard = 0;
    id->is_anonymous = 0;

    if (s == NULL || len == 0) {
        hs_error_set(err, "invalid GTS identifier: it is empty");
        return HS_EINVAL;
    }

    if (len > HS_GTS_ID_MAX) {
        hs_error_set(err, "invalid GTS identifier: longer than %d "
                     "characters", HS_GTS_ID_MAX);
        return HS_EINVAL;
    }

    if (len < HS__GTS_PREFIX_LEN
        || memcmp(s, HS__GTS_PREFIX, HS__GTS_PREFIX_LEN) != 0)
    {
        hs__gts_fail(&sc, "it must start with \"gts.\"");
        return HS_EINVAL;
    }

    sc.pos = HS__GTS_PREFIX_LEN;

    for ( ;; ) {
        if (id->nsegs == HS_GTS_MAX_SEGMENTS) {
            hs__gts_fail(&sc, "the chain has too many segments");
            return HS_EINVAL;
        }

        seg = &id->segs[id->nsegs];

        /* the UUID tail of a combined anonymous instance */
        if (id->nsegs > 0 && hs__gts_is_uuid(s + sc.pos, len - sc.pos)) {
            memset(seg, 0, sizeof(*seg));
            seg->ver_major = -1;
            seg->ver_minor = -1;
            seg->text.p = s + sc.pos;
            seg->text.len = HS_GTS_UUID_LEN;
            seg->is_uuid = 1;
            id->nsegs++;
            id->is_anonymous = 1;
            return HS_OK;
        }

        rc = hs__gts_segment(&sc, seg, id->nsegs > 0);
        if (rc < 0) {
            return HS_EINVAL;
        }

        id->nsegs++;

        if (rc == 1) {
            id->is_wildcard = 1;
            return HS_OK;
        }

        if (sc.pos == len) {
            break;
        }

        /* '~' */
        seg->is_type = 1;
        sc.pos++;
        id->type_len = sc.pos;

        if (sc.pos == len) {
            id->is_type = 1;
            return HS_OK;
        }
    }

    if (id->nsegs == 1) {
        hs_error_set(err, "invalid GTS identifier \"%.*s\": a type "
                     "identifier must end with '~' and an instance "
                     "identifier needs a type segment before it "
                     "(\"<type>~<instance>\")", (int) len, s);
        return HS_EINVAL;
    }

    return HS_OK;
}


int
hs_gts_id_valid(const char *s)
{
    hs_gts_id_t  id;

    return s != NULL && hs_gts_id_parse(s, strlen(s), 0, &id, NULL) == HS_OK;
}


static int
hs__gts_str_eq(const hs_gts_str_t *a, const hs_gts_str_t *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}


/* A candidate's wildcard position, as a rank comparable with others. */
static unsigned
hs__gts_rank(const hs_gts_segment_t *s)
{
    return s->wildcard == HS_GTS_WILD_NONE ? 100 : (unsigned) s->wildcard;
}


/*
 * Compares a pattern segment with a candidate segment: 1 when the
 * candidate is covered, 0 when not.
 */
static int
hs__gts_seg_match(const hs_gts_segment_t *p, const hs_gts_segment_t *c)
{
    unsigned              i, stop;
    const hs_gts_str_t   *pt[4], *ct[4];

    if (p->is_uuid || c->is_uuid) {
        return p->is_uuid && c->is_uuid && hs__gts_str_eq(&p->text, &c->text);
    }

    pt[0] = &p->vendor; pt[1] = &p->package; pt[2] = &p->ns; pt[3] = &p->type;
    ct[0] = &c->vendor; ct[1] = &c->package; ct[2] = &c->ns; ct[3] = &c->type;

    /* the candidate is broader than the pattern from here on */
    if (hs__gts_rank(c) < hs__gts_rank(p)) {
        return 0;
    }

    stop = p->wildcard != HS_GTS_WILD_NONE && p->wildcard <= HS_GTS_WILD_TYPE
           ? (unsigned) (p->wildcard - HS_GTS_WILD_VENDOR) : 4;

    for (i = 0; i < stop; i++) {
        if (!hs__gts_str_eq(pt[i], ct[i])) {
            return 0;
        }
    }

    if (p->wildcard != HS_GTS_WILD_NONE && p->wildcard <= HS_GTS_WILD_VERSION)
    {
        return 1;
    }

    if (c->ver_major != p->ver_major) {
        return 0;
    }

    if (p->wildcard == HS_GTS_WILD_MINOR || p->ver_minor < 0) {
        return 1;
    }

    return c->wildcard != HS_GTS_WILD_MINOR && c->ver_minor == p->ver_minor;
}


int
hs_gts_id_match(const hs_gts_id_t *pattern, const hs_gts_id_t *candidate)
{
    unsigned                 i;
    const hs_gts_segment_t  *p, *c;

    for (i = 0; i < pattern->nsegs; i++) {
        p = &pattern->segs[i];

        if (i >= candidate->nsegs) {
            /* "...v1~*" needs a segment after the '~' */
            return 0;
        }

        c = &candidate->segs[i];

        if (p->wildcard == HS_GTS_WILD_VENDOR) {
            /* any segment here and after it */
            return 1;
        }

        if (!hs__gts_seg_match(p, c)) {
            return 0;
        }

        if (p->wildcard != HS_GTS_WILD_NONE) {
            return 1;
        }

        /* a type segment and an instance segment name different things */
        if (p->is_type != c->is_type) {
            return 0;
        }
    }

    if (pattern->is_type) {
        /* a type covers the types derived from it and their instances */
        return 1;
    }

    return candidate->nsegs == pattern->nsegs;
}


hs_rc_t
hs_gts_match(const char *pattern, const char *candidate, int *match,
    hs_error_t *err)
{
    hs_gts_id_t  p, c;

    *match = 0;

    if (pattern == NULL || candidate == NULL) {
        hs_error_set(err, "invalid GTS identifier: it is empty");
        return HS_EINVAL;
    }

    if (hs_gts_id_parse(pattern, strlen(pattern), HS_GTS_ALLOW_WILDCARD, &p,
                        err) != HS_OK)
    {
        return HS_EINVAL;
    }

    if (hs_gts_id_parse(candidate, strlen(candidate), HS_GTS_ALLOW_WILDCARD,
                        &c, err) != HS_OK)
    {
        return HS_EINVAL;
    }

    *match = hs_gts_id_match(&p, &c);

    return HS_OK;
}


/* 1 when a and b are the same chain but for minor versions. */
int
hs__gts_same_but_minor(const hs_gts_id_t *a, const hs_gts_id_t *b)
{
    unsigned                 i;
    const hs_gts_segment_t  *x, *y;

    if (a->nsegs != b->nsegs || a->is_type != b->is_type
        || a->is_wildcard || b->is_wildcard)
    {
        return 0;
    }

    for (i = 0; i < a->nsegs; i++) {
        x = &a->segs[i];
        y = &b->segs[i];

        if (x->is_uuid || y->is_uuid) {
            if (!(x->is_uuid && y->is_uuid
                  && hs__gts_str_eq(&x->text, &y->text)))
            {
                return 0;
            }
            continue;
        }

        if (!hs__gts_str_eq(&x->vendor, &y->vendor)
            || !hs__gts_str_eq(&x->package, &y->package)
            || !hs__gts_str_eq(&x->ns, &y->ns)
            || !hs__gts_str_eq(&x->type, &y->type)
            || x->ver_major != y->ver_major)
        {
            return 0;
        }
    }

    return 1;
}


/*
 * The first k segments of parsed id with their '~' ("gts.a~b~" for k 2),
 * into out (HS_GTS_ID_MAX + 1 bytes).
 */
void
hs__gts_prefix(const hs_gts_id_t *id, unsigned k, char *out)
{
    size_t                   n;
    const hs_gts_segment_t  *s;

    s = &id->segs[k - 1];
    n = (size_t) (s->text.p + s->text.len - id->id) + 1;

    memcpy(out, id->id, n);
    out[n] = '\0';
}


/*
 * Parses type identifiers a and b into pa and pb: HS_OK when they name
 * versions of one type (only minor versions differ), else HS_EINVAL.
 */
hs_rc_t
hs__gts_versions(const char *a, const char *b, hs_gts_id_t *pa,
    hs_gts_id_t *pb, hs_error_t *err)
{
    if (hs_gts_id_parse(a, strlen(a), 0, pa, err) != HS_OK
        || hs_gts_id_parse(b, strlen(b), 0, pb, err) != HS_OK)
    {
        return HS_EINVAL;
    }

    if (!hs__gts_same_but_minor(pa, pb)) {
        hs_error_set(err, "%s and %s are not versions of one type (only "
                     "minor versions may differ)", a, b);
        return HS_EINVAL;
    }

    return HS_OK;
}


/* s without a leading "gts://". */
const char *
hs__gts_strip_uri(const char *s)
{
    if (s != NULL
        && strncmp(s, HS__GTS_URI_PREFIX, HS__GTS_URI_PREFIX_LEN) == 0)
    {
        return s + HS__GTS_URI_PREFIX_LEN;
    }

    return s;
}


hs_rc_t
hs_gts_uuid(const char *id, char out[HS_GTS_UUID_LEN + 1], hs_error_t *err)
{
    hs_gts_id_t  parsed;

    out[0] = '\0';

    if (id == NULL) {
        hs_error_set(err, "invalid GTS identifier: it is empty");
        return HS_EINVAL;
    }

    if (hs_gts_id_parse(id, strlen(id), 0, &parsed, err) != HS_OK) {
        return HS_EINVAL;
    }

    return hs_gts_uuid5(id, out, err);
}


hs_rc_t
hs_gts_uuid5(const char *id, char out[HS_GTS_UUID_LEN + 1], hs_error_t *err)
{
    size_t           i, o;
    unsigned         mdlen;
    EVP_MD_CTX      *md;
    unsigned char    h[EVP_MAX_MD_SIZE];
    static const char  hex[] = "0123456789abcdef";

    out[0] = '\0';

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        hs_error_set(err, "EVP_MD_CTX_new() failed");
        return HS_ENOMEM;
    }

    if (EVP_DigestInit_ex(md, EVP_sha1(), NULL) != 1
        || EVP_DigestUpdate(md, hs__gts_ns, sizeof(hs__gts_ns)) != 1
        || EVP_DigestUpdate(md, id, strlen(id)) != 1
        || EVP_DigestFinal_ex(md, h, &mdlen) != 1)
    {
        EVP_MD_CTX_free(md);
        hs_error_set(err, "SHA-1 failed");
        return HS_ERROR;
    }

    EVP_MD_CTX_free(md);

    h[6] = (unsigned char) ((h[6] & 0x0f) | 0x50);      /* version 5 */
    h[8] = (unsigned char) ((h[8] & 0x3f) | 0x80);      /* RFC 4122 */

    for (i = 0, o = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[h[i] >> 4];
        out[o++] = hex[h[i] & 0x0f];
    }
    out[o] = '\0';

    return HS_OK;
}
