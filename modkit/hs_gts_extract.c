/*
 * GTS: identifiers of JSON documents (OP#2, spec 11.1).
 *
 * A document with "$schema" is a schema, identified by "$id"
 * ("gts://<type id>"); its type_id is the parent type of a derived
 * schema. Otherwise it is an instance: the first id field holding a GTS
 * identifier wins (else the first id field that is a string, an
 * anonymous id); a chained id gives the type (the chain before the last
 * '~') and always takes priority over the type fields, which are read
 * only for anonymous instances.
 */

#include <string.h>

#define HS_GTS_IMPL
#include "hs_gts.h"

static const char *const  hs__gts_id_fields[] = {
    "id", "$id", "gtsId", "gts_id", NULL
};

static const char *const  hs__gts_type_fields[] = {
    "type", "gtsType", "gts_type", "gtsTid", "schema", NULL
};


static void
hs__gts_extract_schema(const json_t *doc, hs_gts_extract_t *out)
{
    const char   *s;
    hs_gts_id_t   id;

    s = json_string_value(json_object_get(doc, "$id"));
    if (s == NULL) {
        return;
    }

    out->id_field = "$id";

    if (strncmp(s, HS__GTS_URI_PREFIX, HS__GTS_URI_PREFIX_LEN) != 0) {
        out->id = s;                /* a non-GTS schema */
        return;
    }

    s += HS__GTS_URI_PREFIX_LEN;
    out->id = s;

    if (hs_gts_id_parse(s, strlen(s), 0, &id, NULL) != HS_OK
        || !id.is_type)
    {
        return;
    }

    out->is_gts = 1;

    if (id.nsegs > 1) {
        /* a derived type: its parent is the chain before it */
        hs__gts_prefix(&id, id.nsegs - 1, out->buf);
        out->type_id = out->buf;
        out->type_id_field = "$id";
    }
}


static void
hs__gts_extract_instance(const json_t *doc, const char *const *idf,
    const char *const *tf, hs_gts_extract_t *out)
{
    size_t        i;
    const char   *s, *v;
    hs_gts_id_t   id;

    for (i = 0; idf[i] != NULL; i++) {
        s = json_string_value(json_object_get(doc, idf[i]));
        if (s == NULL) {
            continue;
        }

        v = hs__gts_strip_uri(s);
        if (hs_gts_id_parse(v, strlen(v), 0, &id, NULL) == HS_OK) {
            out->id = v;
            out->id_field = idf[i];
            out->is_gts = 1;
            break;
        }

        if (out->id == NULL) {
            out->id = s;            /* anonymous, unless a GTS id follows */
            out->id_field = idf[i];
        }
    }

    if (out->is_gts && !id.is_type) {
        /* a chained instance id: the chain is the type */
        hs__gts_prefix(&id, id.nsegs - 1, out->buf);
        out->type_id = out->buf;
        out->type_id_field = out->id_field;
        return;
    }

    for (i = 0; tf[i] != NULL; i++) {
        s = json_string_value(json_object_get(doc, tf[i]));
        if (s == NULL) {
            continue;
        }

        v = hs__gts_strip_uri(s);
        if (hs_gts_id_parse(v, strlen(v), 0, &id, NULL) == HS_OK
            && id.is_type)
        {
            out->type_id = v;
            out->type_id_field = tf[i];
            out->is_gts = 1;
            return;
        }
    }
}


hs_rc_t
hs_gts_extract(const json_t *doc, const hs_gts_config_t *cfg,
    hs_gts_extract_t *out)
{
    json_t             *schema;
    const char *const  *idf, *const *tf;

    memset(out, 0, offsetof(hs_gts_extract_t, buf));
    out->buf[0] = '\0';

    if (!json_is_object(doc)) {
        return HS_EINVAL;
    }

    idf = cfg && cfg->id_fields ? cfg->id_fields : hs__gts_id_fields;
    tf = cfg && cfg->type_fields ? cfg->type_fields : hs__gts_type_fields;

    schema = json_object_get(doc, "$schema");
    if (schema != NULL) {
        out->is_type = 1;
        out->meta_schema = json_string_value(schema);
        hs__gts_extract_schema(doc, out);
        return HS_OK;
    }

    hs__gts_extract_instance(doc, idf, tf, out);

    return HS_OK;
}
