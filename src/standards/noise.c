/* noise.c — GB 3096-2008 Table 1 (notes §7.1). */
#include "standards/noise.h"

#include <math.h>
#include <string.h>

const eco_noise_limit_t eco_noise_limits[ECO_NZ_N] = {
    [ECO_NZ_0] = {"0", "0类", 50, 40},   [ECO_NZ_1] = {"1", "1类", 55, 45},
    [ECO_NZ_2] = {"2", "2类", 60, 50},   [ECO_NZ_3] = {"3", "3类", 65, 55},
    [ECO_NZ_4A] = {"4a", "4a类", 70, 55}, [ECO_NZ_4B] = {"4b", "4b类", 70, 60},
};

int eco_noise_zone_parse(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n >= 4 && (s[0] | 32) == 'z' && (s[1] | 32) == 'o' && (s[2] | 32) == 'n' && (s[3] | 32) == 'e') {
        s += 4, n -= 4;
        while (n && (*s == ' ' || *s == '_' || *s == '-')) s++, n--;
    }
    if (n >= 3 && !memcmp(s + n - 3, "类", 3)) n -= 3;
    if (n == 1 && s[0] >= '0' && s[0] <= '3') return ECO_NZ_0 + (s[0] - '0');
    if (n == 1 && s[0] == '4') return ECO_NZ_4A;
    if (n == 2 && s[0] == '4' && (s[1] | 32) == 'a') return ECO_NZ_4A;
    if (n == 2 && s[0] == '4' && (s[1] | 32) == 'b') return ECO_NZ_4B;
    return -1;
}

double eco_noise_limit(eco_noise_zone_t z, eco_noise_period_t p)
{
    if ((int)z < 0 || z >= ECO_NZ_N) return NAN;
    return p == ECO_NP_NIGHT ? eco_noise_limits[z].night : eco_noise_limits[z].day;
}
