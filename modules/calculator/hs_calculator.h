#ifndef HS_CALCULATOR_H
#define HS_CALCULATOR_H

#include <hs_modkit.h>

extern const hs_module_desc_t  hs_calculator_module_desc;

#endif /* HS_CALCULATOR_H */
