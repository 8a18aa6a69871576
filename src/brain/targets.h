/* targets.h — is a target on track: value to date, projection, what the rest must achieve, status.
 *
 * Why pure arithmetic apart from the data: the people who answer for a plan
 * ask the same four questions of every target — where do we stand, where
 * will we end, what must the remaining months average, are we on track — and
 * the answers are formulas over a few numbers (the statistic to date, the
 * days elapsed and left, last years' same months, the base year's value).
 * Keeping them here, fed by whichever engine computes the statistic, makes
 * every formula testable by hand and the report's wording one place.
 *
 * Kinds of target:
 *   level   a mean-type statistic against a limit (PM2.5 < 26 µg/m³)
 *   ratio   a share of days or of sites (good days > 92 %; sections ≥ 94 % Class III+)
 *   count   a count of days against a cap, or a change of it against a base
 *           period (moderate-pollution days −20 % year on year)
 */
#ifndef ECO_BRAIN_TARGETS_H
#define ECO_BRAIN_TARGETS_H

#include "core/time.h"

typedef enum { ECO_CMP_LT, ECO_CMP_LE, ECO_CMP_GT, ECO_CMP_GE } eco_cmp_t;
typedef enum { ECO_TGT_LEVEL, ECO_TGT_RATIO, ECO_TGT_COUNT } eco_tgt_kind_t;
typedef enum { ECO_ST_MET, ECO_ST_ON_TRACK, ECO_ST_AT_RISK, ECO_ST_MISSED, ECO_ST_NO_DATA } eco_tgt_status_t;

typedef struct eco_tgt_in {
    eco_tgt_kind_t kind;
    eco_cmp_t cmp;
    double target;        /* level/ratio: the limit; count: the cap (already base × (1 + change)) */
    int days_total;       /* N: days in the period */
    int days_elapsed;     /* D: days up to the as-of date */
    int days_valid;       /* days to date with a valid daily value (completeness) */
    double to_date;       /* level: mean to date; ratio: % to date; count: days so far */
    double hist_rest;     /* last years' value over the remaining days (level: mean, ratio: %,
                             count: days), NAN when unknown: the projection then persists to_date */
    int decimals;         /* published precision of the statistic (compare as published) */
} eco_tgt_in_t;

typedef struct eco_tgt_out {
    eco_tgt_status_t status;
    double projected;     /* value expected at period end */
    double required;      /* level: mean the remaining days must stay under/over; ratio: % of the
                             remaining days that must be good; count: days still allowed (or needed)
                             — all against the bound the published value must meet (< 26 as an
                             integer: < 25.5); NAN if none */
    int feasible;         /* the requirement can still be met (0..100 %, a count >= 0, a mean >= 0) */
    char method[160];     /* how the projection was made, in words */
} eco_tgt_out_t;

/** The first of last year's dates that match the rest of this year (the day after as-of's date a year
 *  earlier; a 29 February as-of is taken as 28 February, so last year's rest starts on 1 March, and an
 *  as-of of 28 February in a year after a leap year leaves last year's 29 February in the rest).
 *  (eco_day_t of the year Y - 1; past 31 Dec of Y - 1 when as-of is the year's last day.) */
eco_day_t eco_tgt_rest_start(int Y, eco_day_t asof);

/** Evaluate one target. 0, or ECO_EINVAL (days out of range). */
int eco_tgt_eval(const eco_tgt_in_t *in, eco_tgt_out_t *out);

/** a op b, a (the statistic) rounded to `decimals` first, as published; b as given. */
int eco_cmp_holds(eco_cmp_t op, double a, double b, int decimals);
const char *eco_cmp_text(eco_cmp_t op);   /* "<", "≤", ">", "≥" */
int eco_cmp_parse(const char *s, eco_cmp_t *op);
const char *eco_tgt_status_name(eco_tgt_status_t s, int zh); /* "on track" / "按进度" ... */


/* ------------------------------------------------------------------ plans (target files) */

#define ECO_PLAN_MAX 64

typedef struct eco_target_def {
    char id[48];
    char title[160];
    char indicator[64];   /* "air.pm2_5_mean", "air.good_ratio", "air.days_moderate", "water.share_i_iii", ... */
    char scope[96];       /* "province" or an entity name at --by level ("杭州") */
    char level[16];       /* entity level of the scope: province (default), city, county, site */
    eco_cmp_t cmp;
    double value;         /* the limit (level/ratio), or the cap (count) */
    int has_value;
    double change_pct;    /* change target vs the previous year, e.g. -20 */
    int has_change;
    char basis[8];        /* "date" (default): each day's edition; "2012" / "2026": one edition for both years */
    char unit[24];
    int line;             /* where it was defined */
} eco_target_def_t;

typedef struct eco_plan {
    char name[160];
    int year;
    eco_target_def_t t[ECO_PLAN_MAX];
    int n;
} eco_plan_t;

/** Read a plan (docs/targets.md):
 *    [plan]         name, year
 *    [target ID]    title, indicator, scope, level, comparator (< <= > >=), value | change (-20%),
 *                   basis (date|2012|2026), unit
 *  0, or < 0 with msg naming file:line. */
int eco_plan_load(eco_plan_t *p, const char *path, char *msg, size_t n);

/* ------------------------------------------------------------------ the report of a plan */

#include <stddef.h>
#include <stdint.h>

#include "air/assess.h"

/* Where the statistics come from: the hourly CSV through the assessment (the CLI's --input) or the
 * store's values in arrays (air/grid.h). level: province|city|county|site; basis: date|2012|2026. */
typedef void (*eco_tgt_ent_cb)(void *ud, const char *entity, const eco_air_period_t *st);
/* Water, groundwater and drinking-water-source targets (targets_water.c) read samples: one row of item
 * values of one site at one time, as `water assess` and `groundwater assess` read them. */
typedef enum { ECO_TGT_W_SURFACE, ECO_TGT_W_DRINKING, ECO_TGT_W_GROUND, ECO_TGT_W_SEA, ECO_TGT_W_NKINDS } eco_tgt_wkind_t;

typedef struct eco_tgt_wsite {
    const char *code;
    const char *region[3];    /* city, county, province ("" when unknown) */
    eco_tgt_wkind_t kind;
    int lake;                 /* 1: lake or reservoir (GB 3838's lake column for TP; CWQI's lake TP) */
} eco_tgt_wsite_t;

typedef struct eco_tgt_wsample {
    size_t site;              /* index into the source's wsites */
    eco_day_t day;
    const double *v;          /* surface, drinking: ECO_W_NITEMS values; groundwater: ECO_GW_NITEMS; sea: ECO_SEA_NITEMS;
                                 NAN missing */
    const double *x;          /* drinking: ECO_W_TABLE2_N GB 3838 Table 2 values (NAN missing), or NULL */
} eco_tgt_wsample_t;
typedef int (*eco_tgt_wsample_cb)(void *ud, const eco_tgt_wsample_t *s); /* non-zero stops */

typedef struct eco_tgt_source {
    void *ud;
    /** 1 found (out set), 0 no such entity, < 0 error (stops the report). Entity "province" also
     *  names the only entity of the level. */
    int (*stat)(void *ud, const char *level, const char *basis, const char *entity, eco_day_t from, eco_day_t to,
                eco_air_period_t *out);
    /** Every entity of the level, in byte order of names. 0 or < 0. */
    int (*each)(void *ud, const char *level, const char *basis, eco_day_t from, eco_day_t to, eco_tgt_ent_cb cb,
                void *cbud);
    /* water (NULL wsamples: no water input; water targets are "not evaluated") */
    void *wud;
    const eco_tgt_wsite_t *wsites;
    size_t nwsites;
    uint32_t wset;            /* surface/drinking items the input has (bit i = eco_water_item_t i) */
    uint64_t gwset[2];        /* groundwater items the input has (eco_gw_set_t words) */
    uint32_t seaset;          /* sea items the input has (bit i = eco_sea_item_t i) */
    /** Every sample with from <= day <= to, in any order. 0, or < 0 (stops the report). */
    int (*wsamples)(void *wud, eco_day_t from, eco_day_t to, eco_tgt_wsample_cb cb, void *cbud);
} eco_tgt_source_t;

typedef struct eco_tgt_row {
    const eco_target_def_t *def;
    const char *key;            /* met on_track at_risk missed no_data not_evaluated no_base */
    const char *status;         /* in the report's language */
    int decimals;               /* of the statistic */
    double value;               /* to date (NAN none) */
    double target;              /* the limit (a change target: base × (1 + change)); NAN when unknown */
    double projected, required; /* NAN when none */
    double completeness;        /* % of the days elapsed with a valid daily value; NAN when not evaluated */
    const char *unit;
    char goal[96], to_date[48], compl_txt[24], proj[48], req[64], reason[512], furthest[256];
} eco_tgt_row_t;

/* Water indicators (targets_water.c): water.share_i_iii, water.share_worse_v (surface sections),
 * drinking.compliance (sources), groundwater.share_v, groundwater.share_i_iii (wells), sea.share_i_ii
 * (nearshore points). */
int eco_tgt_is_water(const char *indicator);
typedef struct eco_tgt_wstate eco_tgt_wstate_t;
/** Read the source's samples of [last year's 1 Jan, asof] once into per-site period accumulators.
 *  *out NULL when the source has no water input. 0, ECO_ENOMEM or the source's error. */
int eco_tgt_water_load(const eco_tgt_source_t *src, int year, eco_day_t asof, eco_tgt_wstate_t **out);
void eco_tgt_water_free(eco_tgt_wstate_t *w);
/** Fill one row of a water target (w may be NULL: not evaluated). */
void eco_tgt_water_row(const eco_tgt_wstate_t *w, const eco_target_def_t *td, int zh, int N, int D, eco_tgt_row_t *row);

/** Evaluate every target of the plan as of `asof` (clamped to the plan's year; before it: ECO_ERANGE).
 *  rows: plan->n entries. *N, *D: days in the year and elapsed. zh: reason texts in Chinese. 0, or the
 *  source's error. Indicators: air.pm2_5_mean, air.pm10_mean, air.o3_8h_p90, air.composite,
 *  air.good_ratio, air.days_moderate, air.days_heavy; others are "not evaluated". */
int eco_tgt_report(const eco_plan_t *plan, eco_day_t asof, int zh, const eco_tgt_source_t *src, eco_tgt_row_t *rows,
                   int *N, int *D);

#endif
