/* rank.h — rankings and composite indices: who is ahead, with ties shared, by any index.
 *
 * Why pure functions over arrays: the same ranking is asked of cities by the
 * air composite index, of counties by a custom synergy index, of sections by
 * CWQI, monthly and quarterly; the rules (ties 并列, change rates, the
 * exemption of cities meeting every standard from the worsening list,
 * normalisation and weights of a custom index) are the same, so they live
 * once here, tested apart from any input format.
 */
#ifndef ECO_BRAIN_RANK_H
#define ECO_BRAIN_RANK_H

#include <stddef.h>

typedef enum { ECO_LOWER_IS_BETTER = 0, ECO_HIGHER_IS_BETTER = 1 } eco_rank_dir_t;

/** Competition ranking ("1224"): rank 1 is best; entities whose values are
 *  equal once rounded to `decimals` (the published precision; < 0 = exact)
 *  share the best rank of their group; a NAN value is unranked (rank 0).
 *  order_out (optional, n entries): indices sorted best first, unranked last,
 *  ties in input order. */
void eco_rank(const double *v, size_t n, eco_rank_dir_t dir, int decimals, int *rank_out, size_t *order_out);

/** Change rate in percent, (cur - prev) / prev * 100; NAN when either is
 *  missing or prev is 0. */
double eco_change_rate(double cur, double prev);

/** Ranking of change rates where an entity marked exempt[i] (e.g. a city
 *  meeting every grade-2 limit, 城市环境空气质量变化程度排名方案 2017) is not
 *  ranked when its change is a worsening (for dir: a rise when lower is
 *  better); it gets rank 0. exempt may be NULL. */
void eco_rank_change(const double *change, const unsigned char *exempt, size_t n, eco_rank_dir_t dir, int decimals,
                     int *rank_out);

/* ------------------------------------------------------------------ custom indices */

typedef enum {
    ECO_NORM_MINMAX = 0,     /* 0..100 across the entities ranked together */
    ECO_NORM_TARGET = 1,     /* 100 at or beyond the target, falling linearly to 0 at twice the distance */
    ECO_NORM_NONE = 2        /* the value itself (already a score) */
} eco_norm_t;

typedef enum {
    ECO_MISSING_REWEIGHT = 0, /* weights of the present indicators are scaled up to 1 (default) */
    ECO_MISSING_ZERO = 1,     /* a missing indicator scores 0 */
    ECO_MISSING_EXCLUDE = 2   /* an entity missing any indicator gets no score */
} eco_missing_t;

typedef struct eco_index_ind {
    char name[64];
    eco_rank_dir_t dir;
    eco_norm_t norm;
    double target;           /* ECO_NORM_TARGET */
    double weight;           /* within its group (> 0) */
    int group;               /* index into groups, 0 when there are none */
} eco_index_ind_t;

typedef struct eco_index_group {
    char name[64];
    double weight;           /* of the group in the total (> 0) */
} eco_index_group_t;

#define ECO_INDEX_MAX_IND 64
#define ECO_INDEX_MAX_GROUPS 16

typedef struct eco_index_def {
    char name[128];
    eco_index_ind_t ind[ECO_INDEX_MAX_IND];
    int nind;
    eco_index_group_t group[ECO_INDEX_MAX_GROUPS];
    int ngroups;             /* 0: one implicit group of weight 1 */
    eco_missing_t missing;
} eco_index_def_t;

/** Scores of n entities: values[e * nind + k] (NAN = missing) -> score[e]
 *  in 0..100 (NAN when not scored), and sub[e * nind + k] the normalised
 *  indicator scores if sub != NULL. 0, or ECO_EINVAL for a bad definition. */
int eco_index_score(const eco_index_def_t *d, const double *values, size_t n, double *score, double *sub);

/** Read an index definition from an INI file (docs/rank.md):
 *    [index]            name, missing = reweight|zero|exclude
 *    [group NAME]       weight
 *    [indicator NAME]   direction = lower|higher, normalise = minmax|target|none,
 *                       target, weight, group
 *  0, or < 0 with msg (n bytes) naming file:line. */
int eco_index_load(eco_index_def_t *d, const char *path, char *msg, size_t n);

/* ------------------------------------------------------------------ built-in air rankings */

#include "brain/targets.h" /* eco_tgt_source_t: statistics of entities over date ranges */

typedef enum {
    ECO_RIX_COMPOSITE = 0,        /* 综合指数, 2 decimals, lower is better; change: % vs a year earlier */
    ECO_RIX_COMPOSITE_CHANGE = 1, /* that change rate, 1 decimal, lower is better; entities meeting every
                                     grade-2 limit are not ranked when they worsened */
    ECO_RIX_PM25 = 2,             /* PM2.5 mean, integer µg/m³, lower is better; change in % */
    ECO_RIX_GOOD = 3,             /* good-day ratio in %, 1 decimal, higher is better; change in points */
    ECO_RIX_CWQI = 4              /* 城市水质指数 of surface-water sections (环办监测〔2017〕51号), 2 decimals,
                                     lower is better; a region's from its sections' item means per water
                                     type, weighted by section counts; change in % */
} eco_rank_index_t;

typedef struct eco_rank_index_info {
    const char *key;              /* "composite", "composite-change", "pm2_5", "good-days" */
    int decimals;                 /* of the value as published */
    eco_rank_dir_t dir;
    const char *zh, *en;          /* titles */
} eco_rank_index_info_t;

/** The built-in index named s: 0, or ECO_EINVAL (not one of the five). */
int eco_rank_index_parse(const char *s, eco_rank_index_t *out);
const eco_rank_index_info_t *eco_rank_index_info(eco_rank_index_t ix);

/** A ranking period: "YYYY", "YYYY-Qn" (q too), "YYYY-MM", or "FROM..TO" where each side is a date
 *  (YYYY-MM-DD) or one of the forms above (FROM its first day, TO its last). *range: the FROM..TO
 *  form. 0, or ECO_EINVAL (not a period, or TO before FROM). */
int eco_rank_period_parse(const char *s, eco_day_t *from, eco_day_t *to, int *range);

/** The same dates a year earlier (29 February: 28 February). */
eco_day_t eco_rank_year_before(eco_day_t d);

typedef struct eco_rank_row {
    char entity[96];
    double value;                 /* as published (rounded to the index's decimals); NAN: no valid value */
    double prev;                  /* a year earlier, as published (composite-change: the current composite) */
    double change;                /* % (good-days: points), 1 decimal; NAN without a previous value */
    int rank, change_rank;        /* 1 = best, ties shared; 0 unranked */
    int meets_all;                /* every grade-2 statistic valid and met */
    const char *edition;          /* the edition governing the period ("2012", "2026"; CWQI: "2002", GB 3838) */
} eco_rank_row_t;

/** The ranking of every entity of `level` (site|city|county|province) with data in [from, to] by a
 *  built-in index, statistics from src (basis: date|2012|2026), compared with the same dates a year
 *  earlier. Rows best first (ties: by name), unranked last; *rows is malloc'd (free it), *n may be 0.
 *  Entities without any data in the period are not listed. 0, ECO_ENOMEM or the source's error. */
int eco_rank_report(const eco_tgt_source_t *src, eco_rank_index_t ix, const char *level, const char *basis,
                    eco_day_t from, eco_day_t to, eco_rank_row_t **rows, size_t *n);

/** --top N: whether row i (of n, best first) is among the best N ranks (ties included) or the last N
 *  ranked places; unranked rows are dropped. top <= 0 keeps every row. */
int eco_rank_keep(const eco_rank_row_t *rows, size_t n, size_t i, int top);

#endif
