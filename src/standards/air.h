/* air.h — the ambient-air standards as versioned data.
 *
 * Why data and not code: GB 3095, HJ 633 and HJ 663 were all replaced on
 * 2026-03-01 and GB 3095-2026 tightens its limits again on 2031-01-01. Every
 * engine asks "which rules govern a value measured on day D?" and gets a
 * pointer to a const table; nothing else in the code base knows a breakpoint.
 * Forcing an edition (--edition 2012|2026) is just picking another table, so a
 * year can be recomputed on one basis for a like-for-like comparison.
 *
 * Sources and open points: docs/standards.md (built from
 * ../shared/reference/air-standards.md).
 */
#ifndef ECO_STANDARDS_AIR_H
#define ECO_STANDARDS_AIR_H

#include "core/time.h"

/* The indicators an AQI can be built from. O3 is the 1-h value (real-time) or
 * the daily maximum 1-h value (2012 daily report); O3_8H the 8-h moving mean's
 * daily maximum (MDA8). */
typedef enum {
    ECO_AIR_SO2,
    ECO_AIR_NO2,
    ECO_AIR_CO,
    ECO_AIR_O3,
    ECO_AIR_O3_8H,
    ECO_AIR_PM10,
    ECO_AIR_PM25,
    ECO_AIR_NIND
} eco_air_ind_t;

/* The six pollutants measured hourly (O3_8H is derived). Index into hourly arrays. */
typedef enum { ECO_POL_SO2, ECO_POL_NO2, ECO_POL_CO, ECO_POL_O3, ECO_POL_PM10, ECO_POL_PM25, ECO_POL_N } eco_air_pol_t;

/** "SO2" "NO2" "CO" "O3" "O3_8h" "PM10" "PM2.5" — the names used in CSV output. */
extern const char *const eco_air_ind_name[ECO_AIR_NIND];
/** column keys: "so2" "no2" "co" "o3" "o3_8h" "pm10" "pm2_5" */
extern const char *const eco_air_ind_key[ECO_AIR_NIND];
extern const char *const eco_air_pol_key[ECO_POL_N];
/** indicator of each hourly pollutant (PM2.5 -> ECO_AIR_PM25 ...) */
extern const eco_air_ind_t eco_air_pol_ind[ECO_POL_N];

/* Breakpoint tables of HJ 633. */
typedef enum {
    ECO_BP_SO2_24H,
    ECO_BP_SO2_1H,
    ECO_BP_NO2_24H,
    ECO_BP_NO2_1H,
    ECO_BP_CO_24H,
    ECO_BP_CO_1H,
    ECO_BP_O3_1H,
    ECO_BP_O3_8H,
    ECO_BP_PM10_24H,
    ECO_BP_PM25_24H,
    ECO_BP_N
} eco_air_bp_id_t;

typedef struct eco_air_bp_table {
    int n;           /* number of points, first is (0, 0) */
    double c[8];     /* concentration breakpoints (µg/m³; CO mg/m³) */
    double iaqi[8];  /* IAQI at each breakpoint */
} eco_air_bp_table_t;

/* One AQI category (级别) row of HJ 633 Table 1/2. */
typedef struct eco_air_category {
    int lo, hi;             /* AQI range, inclusive */
    const char *level_zh;   /* 一级 */
    const char *name_zh;    /* 优 */
    const char *name_en;    /* Excellent */
    const char *colour_zh;  /* 绿色 */
    const char *colour_hex; /* #00E400 */
    const char *health_zh, *advice_zh;
    const char *health_en, *advice_en;
} eco_air_category_t;

/* What to do with an indicator above the last breakpoint of its table. */
typedef enum {
    ECO_OVER_USE_24H, /* SO2 1-h > 800 (2012): report the IAQI of the 24-h mean */
    ECO_OVER_USE_1H,  /* O3 8-h > 800 (2012): report the IAQI of the 1-h value */
    ECO_OVER_FIXED    /* 2026: a fixed IAQI (200 for SO2, 300 for O3) */
} eco_air_over_rule_t;

/* An edition of HJ 633 (AQI) paired with the HJ 663 edition (assessment) that
 * came into force with it. */
typedef struct eco_air_edition {
    const char *name;  /* "2012" or "2026" — what --edition takes */
    const char *hj633, *hj663, *gb3095;
    eco_day_t from, to; /* days in force, inclusive (to = INT32_MAX: open) */
    eco_air_bp_table_t bp[ECO_BP_N];
    int round_inputs;   /* GB/T 8170 rounding of concentrations before IAQI (2026) */
    eco_air_over_rule_t so2_1h_over, o3_8h_over;
    int so2_1h_over_iaqi, o3_8h_over_iaqi; /* for ECO_OVER_FIXED */
    int aqi_min;        /* lowest AQI published (0 in 2012; 1 in 2026: "1～500") */
    int daily_o3_1h;    /* daily report includes O3 daily max 1-h (2012) */
    eco_air_category_t cat[6];
    /* HJ 633-2026 Table 2: sensitive groups when a pollutant's IAQI > 100, by
     * eco_air_pol_t (NULL in 2012, which has no such table) */
    const char *sensitive_zh[ECO_POL_N];
    /* HJ 663 assessment rules */
    int min_hours_daily;   /* ≥ 20 valid hours per daily mean */
    int min_hours_8h;      /* ≥ 6 valid hours per 8-h mean */
    int mda8_first_end;    /* first 8-h window ends at 08:00 */
    int mda8_min_windows;  /* ≥ 14 valid windows, else valid only above the limit */
    int min_days_month, min_days_feb, min_days_year; /* 27, 25, 324 */
} eco_air_edition_t;

/* GB 3095 concentration limits in force on a day (2012; 2026 transitional to
 * 2030-12-31; 2026 final from 2031-01-01). Index [pollutant][grade-1]. NAN
 * where the standard sets no limit (CO annual, O3 annual). */
typedef struct eco_air_limits {
    const char *name; /* "GB 3095-2012", "GB 3095-2026 transitional", "GB 3095-2026" */
    eco_day_t from, to;
    double annual[ECO_POL_N][2];
    double daily[ECO_POL_N][2];
    double hour1[ECO_POL_N][2];
    double o3_8h[2];
} eco_air_limits_t;

extern const eco_air_edition_t eco_air_edition_2012, eco_air_edition_2026;

/** The edition governing data of day d. Never NULL (2012 rules before 2026-03-01). */
const eco_air_edition_t *eco_air_edition_for_day(eco_day_t d);
/** "2012" or "2026" (also "2013"); NULL when unknown. */
const eco_air_edition_t *eco_air_edition_by_name(const char *name);
/** GB 3095 limits for day d under edition ed (a forced 2012 keeps the 2012 limits
 *  even after 2026; a forced 2026 uses its transitional limits before 2031). */
const eco_air_limits_t *eco_air_limits_for(const eco_air_edition_t *ed, eco_day_t d);
/** The switch day of the 2026 editions (2026-03-01). */
eco_day_t eco_air_switch_day(void);
/** Category row for an AQI (NULL for aqi < 0). */
const eco_air_category_t *eco_air_category(const eco_air_edition_t *ed, int aqi);
/** 1..6 for an AQI (0 for aqi < 0). */
int eco_air_level(int aqi);

#endif
