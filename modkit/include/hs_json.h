/*
 * JSON text from jansson values, fast: what json_dumps() writes with
 * JSON_COMPACT | JSON_ENCODE_ANY, byte for byte (object members in
 * insertion order, strings as UTF-8 with only '"', '\\' and control
 * characters escaped, reals as "%.17g" with a ".0" when they would read
 * back as integers), into one buffer from hs_alloc().
 */

#ifndef HS_JSON_H
#define HS_JSON_H

#include <jansson.h>
#include "hs_base.h"

#define HS_JSON_MAX_DEPTH  2048

/*
 * The compact text of v, NUL-terminated, its length in *len (may be
 * NULL); free with hs_free(). NULL when out of memory or when v nests
 * deeper than HS_JSON_MAX_DEPTH (or refers to itself).
 */
HS_API char *hs_json_dump(const json_t *v, size_t *len);

#endif /* HS_JSON_H */
