/* noise.h — GB 3096-2008 《声环境质量标准》 limits as data.
 *
 * Why data: the limits are a small table that every noise computation and the
 * CLI look up by zone; nothing else knows a number. Source: GB 3096-2008 §5.1
 * Table 1 as transcribed in ../shared/reference/water-noise-standards.md §7.1
 * (marked [M] there: well-known values, not contradicted anywhere).
 * Leq in dB(A); day 06:00-22:00, night 22:00-06:00 unless a county-level or
 * higher government redefines the split (see noise/noise.h for the config).
 */
#ifndef ECO_STANDARDS_NOISE_H
#define ECO_STANDARDS_NOISE_H

#include <stddef.h>

typedef enum { ECO_NZ_0, ECO_NZ_1, ECO_NZ_2, ECO_NZ_3, ECO_NZ_4A, ECO_NZ_4B, ECO_NZ_N } eco_noise_zone_t;
typedef enum { ECO_NP_DAY = 0, ECO_NP_NIGHT = 1 } eco_noise_period_t;

typedef struct eco_noise_limit {
    const char *key;     /* "0" "1" "2" "3" "4a" "4b" */
    const char *name_zh; /* "0类" ... */
    double day, night;   /* dB(A), Leq; a value equal to the limit complies */
} eco_noise_limit_t;

extern const eco_noise_limit_t eco_noise_limits[ECO_NZ_N];

/* GB 3096-2008 §5.3 / §5.4 (notes §7.1):
 *  - 4b limits (70/60) apply to new railway trunk lines whose EIA was approved
 *    on or after 2011-01-01; for existing trunk lines crossing urban areas the
 *    no-train background is held to 70 dB(A) day, 55 dB(A) night
 *    (ECO_NOISE_4B_EXISTING_*), which is the 4a pair.
 *  - sudden (burst) noise at night: Lmax may exceed the zone's night limit by
 *    at most ECO_NOISE_NIGHT_BURST_DB. */
#define ECO_NOISE_4B_EXISTING_DAY 70.0
#define ECO_NOISE_4B_EXISTING_NIGHT 55.0
#define ECO_NOISE_NIGHT_BURST_DB 15.0

/** Zone from text: "0" "1" "2" "3" "4a" "4b" (case-insensitive), optionally
 *  followed by "类" or prefixed "zone"; bare "4" is read as 4a (published
 *  tables say "4类" for 4a roadsides). -1 when unknown. */
int eco_noise_zone_parse(const char *s, size_t n);
/** Limit of a zone for a period (dB(A)); NAN for a bad zone. */
double eco_noise_limit(eco_noise_zone_t z, eco_noise_period_t p);

#endif
