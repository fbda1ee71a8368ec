#ifndef HS_TESTKIT_H
#define HS_TESTKIT_H

#include <hs_modkit.h>

extern const hs_module_desc_t  hs_testkit_module_desc;

#endif /* HS_TESTKIT_H */
