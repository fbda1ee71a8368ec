#ifndef HS_CALCULATOR_GATEWAY_H
#define HS_CALCULATOR_GATEWAY_H

#include <hs_modkit.h>

extern const hs_module_desc_t  hs_calculator_gateway_module_desc;

#endif /* HS_CALCULATOR_GATEWAY_H */
