#ifndef HS_CALCULATOR_ALT_H
#define HS_CALCULATOR_ALT_H

#include <hs_modkit.h>

extern const hs_module_desc_t  hs_calculator_alt_module_desc;

#endif /* HS_CALCULATOR_ALT_H */
