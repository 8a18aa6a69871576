/* radiation.h — ambient γ dose rate (nGy/h) against a station's background.
 *
 * Pure functions, caller-owned arrays, NAN = missing. The rules and their
 * (non-official) defaults are in standards/radiation.h and
 * docs/noise-radiation.md.
 */
#ifndef ECO_RADIATION_RADIATION_H
#define ECO_RADIATION_RADIATION_H

#include <math.h>
#include <stddef.h>

typedef enum { ECO_RAD_BG_SD, ECO_RAD_BG_MINMAX } eco_rad_bg_method_t;

typedef struct eco_rad_bg {
    long n;               /* valid baseline readings */
    double mean, sd;      /* sd: sample (n-1) standard deviation; NAN if n < 2 */
    double min, max;
    double lo, hi;        /* background range */
} eco_rad_bg_t;

/** Background of the valid values: SD → mean ± k·sd (needs n >= 2), MINMAX →
 *  min..max (needs n >= 1). 0, or ECO_ENODATA (out has NAN bounds). */
int eco_rad_background(const double *v, size_t n, eco_rad_bg_method_t m, double k, eco_rad_bg_t *out);
/** A given range (e.g. a published 本底范围). */
void eco_rad_background_fixed(double lo, double hi, eco_rad_bg_t *out);

typedef struct eco_rad_levels {
    double above, investigate, alarm; /* a reading strictly greater trips the level */
} eco_rad_levels_t;

/** Levels from a background: above = hi, investigate = inv_ratio·hi,
 *  alarm = alarm_ratio·hi; a finite abs_inv / abs_alarm replaces the ratio. */
void eco_rad_levels(const eco_rad_bg_t *bg, double inv_ratio, double alarm_ratio, double abs_inv, double abs_alarm,
                    eco_rad_levels_t *out);

typedef enum { ECO_RAD_NA = -1, ECO_RAD_NORMAL, ECO_RAD_ABOVE, ECO_RAD_INVESTIGATE, ECO_RAD_ALARM } eco_rad_flag_t;
/** "normal" "above_background" "investigate" "alarm" ("" for NA) */
const char *eco_rad_flag_name(eco_rad_flag_t f);
/** Highest level strictly exceeded; NA for NAN readings or NAN levels. */
eco_rad_flag_t eco_rad_classify(double v, const eco_rad_levels_t *lv);

/** Running statistics: count, mean, min, max (NAN skipped). */
typedef struct eco_rad_stats {
    long n;
    double sum, min, max;
} eco_rad_stats_t;
void eco_rad_stats_init(eco_rad_stats_t *s);
void eco_rad_stats_add(eco_rad_stats_t *s, double v);
static inline double eco_rad_stats_mean(const eco_rad_stats_t *s) { return s->n ? s->sum / (double)s->n : NAN; }

#endif
