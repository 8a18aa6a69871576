/* radiation.c — sources of the radiation defaults (see radiation.h). */
#include "standards/radiation.h"

const char *const eco_rad_sources =
    "HJ 1157-2021 (γ dose rate, nGy/h); HJ 61-2021; background range per notes §8 "
    "(no official investigation/alarm level; ratios are ecobrain defaults)";
