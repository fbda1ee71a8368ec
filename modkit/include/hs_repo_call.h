/*
 * REST handlers over the tenant-scoped repository (hs_repo.h): a
 * resource's list operation served from the call's OData query
 * parameters, and the problems that repository results answer.
 */

#ifndef HS_REPO_CALL_H
#define HS_REPO_CALL_H

#include <stddef.h>

#include "hs_base.h"
#include "hs_call.h"
#include "hs_config.h"
#include "hs_repo.h"

/* The page sizes of a module's lists, as two of its settings. */
typedef struct {
    int64_t  max_page;                /* largest "limit" */
    int64_t  default_page;            /* "limit" when none is given */
} hs_repo_page_conf_t;

/*
 * The settings max_page (default 200) and default_page (default 50), both
 * 1..1000, of an hs_repo_page_conf_t member of the module's config type.
 */
#define HS_REPO_PAGE_CONFIG(type, member)                                     \
    { "max_page", HS_CFG_INT, offsetof(type, member.max_page), "200",         \
      1, 1000, "Largest page a list may ask for (limit)" },                   \
    { "default_page", HS_CFG_INT, offsetof(type, member.default_page),        \
      "50", 1, 1000, "Page size when a list gives no limit" }

/*
 * Limits of OData lists from the page settings (and the defaults of
 * hs_od_limits_t for the rest); HS_EINVAL with a message when
 * default_page is larger than max_page.
 */
HS_API hs_rc_t hs_repo_page_limits(const hs_repo_page_conf_t *conf,
    hs_od_limits_t *limits, hs_error_t *err);

/*
 * The JSON Schema of a list answer, {"items": [...], "page_info":
 * {"next_cursor", "prev_cursor", "limit"}}, with items as described.
 */
#define HS_REPO_PAGE_SCHEMA(items_description)                                \
    "{\"type\": \"object\","                                                  \
    " \"required\": [\"items\", \"page_info\"],"                              \
    " \"properties\": {"                                                      \
    "  \"items\": {\"type\": \"array\","                                      \
    "            \"items\": {\"type\": \"object\"},"                          \
    "            \"description\": \"" items_description "\"},"                \
    "  \"page_info\": {\"type\": \"object\","                                 \
    "   \"required\": [\"limit\"],"                                           \
    "   \"properties\": {"                                                    \
    "    \"next_cursor\": {\"type\": [\"string\", \"null\"]},"                \
    "    \"prev_cursor\": {\"type\": [\"string\", \"null\"]},"                \
    "    \"limit\": {\"type\": \"integer\"}"                                  \
    "   }}"                                                                   \
    " }}"

/*
 * The query parameters of a list operation (an hs_param_t table with its
 * end), with what its $filter and $orderby take; their values are
 * checked by the OData parser (400 with the position of the mistake).
 */
#define HS_REPO_LIST_PARAMS(filter_description, orderby_description)          \
    { "$filter", "query", 0, "{\"type\": \"string\"}",                        \
      filter_description },                                                   \
    { "$orderby", "query", 0, "{\"type\": \"string\"}",                       \
      orderby_description },                                                  \
    { "$select", "query", 0, "{\"type\": \"string\"}",                        \
      "Fields to return" },                                                   \
    { "limit", "query", 0, "{\"type\": \"string\"}", "Page size" },           \
    { "cursor", "query", 0, "{\"type\": \"string\"}",                         \
      "next_cursor or prev_cursor of a previous page" },                      \
    { NULL, NULL, 0, NULL, NULL }

/*
 * Answers a list operation: $filter, $orderby, $select, limit and cursor
 * from call->query, a page of t's rows in the caller's tenant, 200 with
 * the list envelope; a bad query is a 400 problem. default_orderby
 * (NULL: by id) applies when neither $orderby nor a cursor is given (a
 * cursor carries the ordering it was issued for).
 */
HS_API hs_rc_t hs_repo_reply_list(hs_call_t *call, hs_db_t *db,
    const hs_repo_table_t *t, const hs_od_limits_t *limits,
    const char *default_orderby);

/*
 * The same page, for a handler that changes its rows before it answers:
 * HS_OK with *page filled (release it), or with call->problem set (a bad
 * query, a repository failure) and *page empty.
 */
HS_API hs_rc_t hs_repo_call_page(hs_call_t *call, hs_db_t *db,
    const hs_repo_table_t *t, const hs_od_limits_t *limits,
    const char *default_orderby, hs_repo_page_t *page);

/*
 * Answers a get operation: the row id of t in the caller's tenant, 200
 * with the row rendered as it is read (hs_repo_get_text); 404 when the
 * tenant has no such row, or a problem from hs_repo_fail().
 */
HS_API hs_rc_t hs_repo_reply_get(hs_call_t *call, hs_db_t *db,
    const hs_repo_table_t *t, const char *id);

/*
 * The problem of a repository result: HS_ENOTFOUND 404 ("no such
 * <what>"), HS_EEXIST 409, HS_EAGAIN 503, HS_EINVAL 400. Anything else is
 * logged at error level with the call's module and request id and
 * returned, so that the call answers 500.
 */
HS_API hs_rc_t hs_repo_fail(hs_call_t *call, hs_rc_t rc,
    const hs_error_t *err, const char *what);

#endif /* HS_REPO_CALL_H */
