/* factors.c — see factors.h. Codes from HJ 212-2017 Appendix B (B.1 water, B.2 gas). */
#include <string.h>

#include "standards/factors.h"

static const struct {
    const char *code, *item;
} map[] = {
    /* ambient air (GB 3095 / HJ 633 items) */
    {"a34004", "pm2_5"}, {"a34002", "pm10"}, {"a21026", "so2"}, {"a21004", "no2"}, {"a05024", "o3"}, {"a21005", "co"},
    /* flue gas (emission items) */
    {"a21002", "nox"}, {"a34013", "particulate"}, {"a19001", "o2"}, {"a01012", "flue_temp"}, {"a00000", "flue_flow"},
    /* water (GB 3838 items; effluent uses the same keys) */
    {"w01010", "temp"}, {"w01001", "ph"}, {"w01009", "do"}, {"w01019", "codmn"}, {"w01018", "cod"},
    {"w01017", "bod5"}, {"w21003", "nh3n"}, {"w21011", "tp"}, {"w21001", "tn"}, {"w20122", "cu"},
    {"w20138", "cu"}, {"w20123", "zn"}, {"w20139", "zn"}, {"w20144", "pb"}, {"w00000", "flow"},
};

const char *eco_factor_default_item(const char *code)
{
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i].code, code)) return map[i].item;
    return NULL;
}
