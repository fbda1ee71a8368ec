/*
 * REST handlers over the tenant-scoped repository (hs_repo.h): a
 * resource's list operation served from the call's OData query
 * parameters, and the problems that repository results answer.
 */

#ifndef HS_REPO_CALL_H
#define HS_REPO_CALL_H

#include "hs_base.h"
#include "hs_call.h"
#include "hs_repo.h"

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
 * The problem of a repository result: HS_ENOTFOUND 404 ("no such
 * <what>"), HS_EEXIST 409, HS_EAGAIN 503, HS_EINVAL 400. Anything else is
 * logged at error level with the call's module and request id and
 * returned, so that the call answers 500.
 */
HS_API hs_rc_t hs_repo_fail(hs_call_t *call, hs_rc_t rc,
    const hs_error_t *err, const char *what);

#endif /* HS_REPO_CALL_H */
