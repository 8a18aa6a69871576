/* aqi.h — IAQI and AQI exactly as HJ 633 (2012 and 2026) compute them.
 *
 * Why it is shaped this way: the national platform publishes integers and
 * officials compare ours with theirs to the last digit, so every rule that can
 * move a digit is explicit here — the ceiling of each IAQI, the 2026 GB/T 8170
 * rounding of inputs, the SO2 1-h and O3 8-h overflow rules, the cap at 500,
 * ties among primary pollutants, and the missing-data publication rule. The
 * functions are pure: arrays in, caller-owned results out, no I/O, no malloc.
 *
 * Missing values: NAN is "NA" (missing or invalid); -INFINITY is "/" (not
 * monitored under the monitoring plan). They stay distinct in results.
 */
#ifndef ECO_AIR_AQI_H
#define ECO_AIR_AQI_H

#include <math.h>
#include <stdint.h>

#include "core/time.h"
#include "standards/air.h"

#define ECO_AIR_NA ((double)NAN)
#define ECO_AIR_NOT_MONITORED (-(double)INFINITY)
static inline int eco_air_is_na(double v) { return isnan(v); }
static inline int eco_air_is_nm(double v) { return isinf(v) && v < 0; }
static inline int eco_air_is_value(double v) { return isfinite(v); }

/* IAQI codes besides 0..500 */
#define ECO_IAQI_NA (-1)   /* indicator missing or invalid */
#define ECO_IAQI_NM (-2)   /* not monitored ("/") */
#define ECO_IAQI_NONE (-3) /* not an indicator of this report */

typedef enum { ECO_AIR_REALTIME, ECO_AIR_DAILY } eco_air_mode_t;

/* When is an AQI with missing indicators published? */
typedef enum {
    ECO_MISSING_AUTO,     /* by edition: 2012 -> STRICT, 2026 -> HJ633_2026 (default) */
    ECO_MISSING_STRICT,   /* any NA indicator: no AQI */
    ECO_MISSING_HJ633,    /* HJ 633-2026 5.3.1: from the others, published only if > 100 */
    ECO_MISSING_PARTIAL   /* always from the indicators present */
} eco_air_missing_t;

/* result flags */
#define ECO_AQI_F_INCOMPLETE 0x01   /* some indicator NA */
#define ECO_AQI_F_CAPPED 0x02       /* some concentration above the table: IAQI 500 */
#define ECO_AQI_F_SO2_OVER 0x04     /* SO2 1-h > 800 rule applied */
#define ECO_AQI_F_O3_8H_OVER 0x08   /* O3 8-h > 800 rule applied */
#define ECO_AQI_F_WITHHELD 0x10     /* computed from partial data but not publishable */
#define ECO_AQI_F_FLOOR 0x20        /* raised to the edition's minimum AQI (1 in 2026) */

typedef struct eco_air_aqi {
    int16_t iaqi[ECO_AIR_NIND]; /* 0..500 or ECO_IAQI_* */
    int16_t aqi;                /* published AQI, or -1 when not publishable */
    int16_t aqi_partial;        /* max over available indicators (-1 if none) */
    uint8_t primary;            /* bit i set: indicator i is a primary pollutant */
    uint8_t flags;              /* ECO_AQI_F_* */
} eco_air_aqi_t;

/** Exact IAQI of concentration c on a table (linear interpolation); INFINITY
 *  above the last breakpoint; NAN for NA/negative input. */
double eco_air_iaqi_exact(const eco_air_bp_table_t *t, double c);
/** Ceiled IAQI capped at 500 (no overflow rules); ECO_IAQI_NA for bad input. */
int eco_air_iaqi(const eco_air_bp_table_t *t, double c);
/** Round per GB/T 8170 (half to even) to `decimals` places. */
double eco_round_half_even(double v, int decimals);

/* Input vector for one report, indexed by eco_air_ind_t:
 * REALTIME: SO2, NO2, CO, O3 are 1-h values, PM10/PM2.5 1-h values; O3_8H unused.
 * DAILY:    SO2, NO2, CO, PM10, PM2.5 daily means, O3_8H the daily max 8-h mean,
 *           O3 the daily max 1-h (used by the 2012 edition only).
 * so2_24h: SO2 24-h mean, only needed for the 2012 rule when SO2 1-h > 800
 *          (NAN if unknown: the SO2 IAQI is then NA). */
void eco_air_aqi_compute(const eco_air_edition_t *ed, eco_air_mode_t mode, const double c[ECO_AIR_NIND],
                         double so2_24h, eco_air_missing_t missing, eco_air_aqi_t *out);

/** Many rows at once, struct of arrays: cols[i] is indicator i's column (may be
 *  NULL: all NA), day[k] the day of row k for edition selection (ed == NULL:
 *  by date), so2_24h the SO2 24-h means for the 2012 SO2 1-h > 800 rule (may
 *  be NULL: NA) — the hot path of real-time AQI for a whole network. */
void eco_air_aqi_batch(const eco_air_edition_t *ed, eco_air_mode_t mode, size_t n, const eco_day_t *day,
                       const double *const cols[ECO_AIR_NIND], const double *so2_24h, eco_air_missing_t missing,
                       eco_air_aqi_t *out);

/** "PM10;PM2.5" into buf (empty when none). */
void eco_air_primary_str(uint8_t primary, char *buf, size_t n);

#endif
