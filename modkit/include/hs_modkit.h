/* HyperSpot modkit: everything a module needs. */

#ifndef HS_MODKIT_H
#define HS_MODKIT_H

#include "hs_base.h"
#include "hs_problem.h"
#include "hs_json.h"
#include "hs_config.h"
#include "hs_clienthub.h"
#include "hs_router.h"
#include "hs_jsonschema.h"
#include "hs_api.h"
#include "hs_call.h"
#include "hs_module.h"
#include "hs_platform.h"
#include "hs_dburl.h"
#include "hs_dbvalue.h"
#include "hs_db.h"
#include "hs_migrate.h"
#include "hs_secctx.h"
#include "hs_rbac.h"
#include "hs_jwt.h"
#include "hs_http.h"
#include "hs_odata.h"
#include "hs_repo.h"
#include "hs_repo_call.h"
#include "hs_gts.h"
#include "hs_plugin.h"

#endif /* HS_MODKIT_H */
