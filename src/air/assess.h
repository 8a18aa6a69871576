/* assess.h — HJ 663 assessment: from hourly series to daily values, daily AQI
 * and period statistics (means, percentiles, composite index, day counts).
 *
 * Why the pipeline is split in three pure steps (hours -> days -> periods):
 * each step has its own validity rules in GB 3095 Table 4 / HJ 663, analysts
 * ask for every step separately (a day's MDA8, a month's P90), and rankings
 * and targets reuse the daily records for many periods without recomputing
 * them. Nothing here reads files or allocates per value; callers own arrays.
 *
 * Hour convention inside the engine: index h of a series is the hour that
 * STARTS at day0 + h hours (Beijing time). Faces convert "hour-end" labels
 * ("08:00" = 07:00–08:00, the national platform's usage) before calling.
 * So a natural day is hours 0..23 and the 8-h windows ending 08:00..24:00
 * are the 17 windows [0,8) .. [16,24) of that day.
 */
#ifndef ECO_AIR_ASSESS_H
#define ECO_AIR_ASSESS_H

#include <stddef.h>

#include "air/aqi.h"

/* Hourly concentrations of one site or region: h[p][i] is pollutant p at hour i
 * (NAN missing, -INFINITY not monitored). ndays whole days from day0. */
typedef struct eco_air_series {
    eco_day_t day0;
    int ndays;
    double *h[ECO_POL_N];
} eco_air_series_t;

/* day-level invalidity reasons */
#define ECO_DAY_FEW_HOURS 0x01  /* some daily mean had < 20 valid hours */
#define ECO_DAY_FEW_WINDOWS 0x02 /* MDA8 from < 14 valid windows and not above the limit */
#define ECO_DAY_MDA8_BY_LIMIT 0x04 /* MDA8 valid only because it exceeds the limit */
#define ECO_DAY_NO_AQI 0x08      /* daily AQI not publishable */

typedef struct eco_air_day {
    double v[ECO_AIR_NIND];     /* daily means (SO2 NO2 CO PM10 PM2.5), O3 = max 1-h, O3_8H = MDA8;
                                   NAN when invalid, -INFINITY when not monitored */
    double raw[ECO_AIR_NIND];   /* the same before validity was applied (NAN if no data) */
    uint8_t nhours[ECO_POL_N];  /* valid hours */
    uint8_t nwin;               /* valid 8-h windows ending 08:00..24:00 */
    uint8_t flags;              /* ECO_DAY_* */
    const eco_air_edition_t *ed;
    eco_air_aqi_t aqi;          /* daily AQI */
} eco_air_day_t;

typedef struct eco_air_assess_opts {
    const eco_air_edition_t *edition; /* NULL: by the date of each day */
    eco_air_missing_t missing;
    /* composite index: weights per pollutant (SO2 NO2 CO O3 PM10 PM2.5 order
     * of eco_air_pol_t); all 1 = the unweighted index of the national ranking */
    double ci_weight[ECO_POL_N];
    int ci_from_rounded;   /* 1: from statistics rounded as published (default) */
    int moderate_from;     /* lower AQI bound of "moderate-pollution days" (151) */
    int moderate_to;       /* upper bound (200; 500 for "151 and above") */
} eco_air_assess_opts_t;

void eco_air_assess_opts_default(eco_air_assess_opts_t *o);

/** Daily values and daily AQI for every day of s (out has s->ndays entries). */
void eco_air_days_compute(const eco_air_series_t *s, const eco_air_assess_opts_t *o, eco_air_day_t *out);

/* statistic validity / reasons per indicator */
typedef struct eco_air_period {
    eco_day_t from, to;               /* inclusive */
    int days;                         /* calendar days */
    int required;                     /* valid daily values needed for a statistic */
    int days_with_data;
    long hours_expected;
    long hours_valid[ECO_POL_N];
    int nvalid[ECO_AIR_NIND];         /* valid daily values per indicator */
    double mean[ECO_AIR_NIND];        /* of valid daily values (NAN if none) */
    double pct[ECO_AIR_NIND];         /* SO2/NO2 P98, CO/PM P95, O3_8H P90; O3 1-h: NAN */
    double pct_p[ECO_AIR_NIND];       /* the percentile used (98, 95, 90) */
    unsigned valid;                   /* bit i: statistics of indicator i meet the day count */
    double composite;                 /* NAN unless all six statistics are valid */
    double ci_part[ECO_POL_N];        /* sub-index I_i = C_i / S_i (weighted) */
    int aqi_days;                     /* days with a published daily AQI */
    int good_days;                    /* AQI <= 100 */
    double good_ratio;                /* percent of aqi_days; NAN if none */
    int cat_days[6];                  /* per level 1..6 */
    int moderate_days;                /* per opts moderate_from..to */
    int heavy_days;                   /* AQI > 200 */
    int exceed_days[ECO_AIR_NIND];    /* daily value above its grade-2 24-h (1-h/MDA8) limit */
    double max_day[ECO_AIR_NIND];     /* highest valid daily value */
    double multiple[ECO_AIR_NIND];    /* (stat - limit)/limit for the period statistic, >= 0 */
    const eco_air_edition_t *ed;      /* edition governing the period (of its last day) */
    const eco_air_limits_t *lim;
} eco_air_period_t;

/** Days needed for a valid statistic over [from, to] under ed: 324 for a whole
 *  calendar year or any twelve consecutive months; otherwise per month touched, the covered days less the
 *  month's allowance of missing days (31-27, Feb 28-25 ...). */
int eco_air_required_days(const eco_air_edition_t *ed, eco_day_t from, eco_day_t to);

/** Statistics over days[from - day0 .. to - day0]; days outside the array are
 *  counted as missing. scratch: at least (to - from + 1) doubles. */
void eco_air_period_compute(const eco_air_day_t *days, eco_day_t day0, int ndays, eco_day_t from, eco_day_t to,
                            const eco_air_assess_opts_t *o, double *scratch, eco_air_period_t *out);

/** HJ 663 percentile: k = 1 + (n-1)p/100 on ascending values (sorted in place). */
double eco_air_percentile(double *v, size_t n, double p);

/* Region hourly series (HJ 663: a city's or county's hourly value is the
 * arithmetic mean of its assessment sites' valid hourly values). Accumulate
 * one site at a time so memory stays one series per region, not per site.
 * The caller owns every array: sum[p], cnt[p], nm[p] of ndays*24 entries. */
typedef struct eco_air_region_acc {
    eco_day_t day0;
    int ndays;
    double *sum[ECO_POL_N];
    uint16_t *cnt[ECO_POL_N]; /* sites with a valid value */
    uint16_t *nm[ECO_POL_N];  /* sites with "/" (not monitored) */
    int nsites;
} eco_air_region_acc_t;

/** Zero the accumulator's arrays (day0/ndays/pointers must be set). */
void eco_air_region_reset(eco_air_region_acc_t *acc);
/** Add one site's series (same day0/ndays). */
void eco_air_region_add(eco_air_region_acc_t *acc, const eco_air_series_t *site);
/** Write the region's hourly means into out (NAN where no site had a value,
 *  -INFINITY where every site had "/"); out->h[p] may be acc->sum[p]. */
void eco_air_region_finish(const eco_air_region_acc_t *acc, eco_air_series_t *out);

/** Reporting precision of an indicator: 1 for CO (mg/m³), 0 otherwise. */
static inline int eco_air_decimals(eco_air_ind_t i) { return i == ECO_AIR_CO ? 1 : 0; }

#endif
