/* noise.h — environmental-noise arithmetic (GB 3096-2008 §3, HJ 640-2012).
 *
 * Pure functions on caller-owned arrays; NAN = missing and is skipped.
 * Decibels are averaged as energy, never arithmetically: Leq =
 * 10·lg(mean 10^(0.1·L)). Sources: ../shared/reference/water-noise-standards.md
 * §7.2 (computations) and §7.3 (function-zone compliance in point-times).
 */
#ifndef ECO_NOISE_NOISE_H
#define ECO_NOISE_NOISE_H

#include <stddef.h>

#include "core/time.h"
#include "standards/noise.h"

/** Energy mean of n levels (NAN skipped); NAN when none is valid. */
double eco_noise_leq(const double *L, size_t n);
/** Energy mean weighted by durations w (> 0; NAN level or w <= 0 skipped). */
double eco_noise_leq_w(const double *L, const double *w, size_t n);
/** Ldn = 10·lg{[Hd·10^(0.1·Ld) + Hn·10^(0.1·(Ln+10))]/24} with Hd day hours
 *  (16 by default) and Hn = 24 - Hd. NAN if either is NAN. */
double eco_noise_ldn_h(double ld, double ln, double day_hours);
static inline double eco_noise_ldn(double ld, double ln) { return eco_noise_ldn_h(ld, ln, 16.0); }

/** Statistical level L_p (p in 1..99: L10, L50, L90): the level exceeded for
 *  p % of the time. Convention (notes §7.2): sort the valid samples in
 *  descending order and take the k-th value, k = ceil(p/100·N), at least 1
 *  (200 samples: L10 = 20th, L50 = 100th, L90 = 180th). scratch holds n
 *  doubles and must not overlap L. NAN when no valid sample. */
double eco_noise_percentile(const double *L, size_t n, double p, double *scratch);

/** Day/night split, seconds since midnight. Default 06:00 / 22:00. */
typedef struct eco_noise_cfg {
    int day_start_s, night_start_s; /* 0 <= day_start < night_start < 86400 */
} eco_noise_cfg_t;
#define ECO_NOISE_CFG_DEFAULT ((eco_noise_cfg_t){6 * 3600, 22 * 3600})

/** Period of an interval starting at t (a sample is labelled by its start). */
eco_noise_period_t eco_noise_period_of(eco_time_t t, const eco_noise_cfg_t *cfg);
/** The day whose day or night session contains t: the night from 22:00 on D
 *  to 06:00 on D+1 belongs to D. */
eco_day_t eco_noise_session_day(eco_time_t t, const eco_noise_cfg_t *cfg);
static inline double eco_noise_day_hours(const eco_noise_cfg_t *cfg)
{
    return (cfg->night_start_s - cfg->day_start_s) / 3600.0;
}

/** Round to 0.1 dB (half away from zero), as levels are reported. */
double eco_noise_round1(double v);
/** 1 if level (rounded to 0.1 dB) <= the zone's limit for the period (equality
 *  complies), 0 if above, -1 if level is NAN or zone bad. */
int eco_noise_complies(double level, eco_noise_zone_t z, eco_noise_period_t p);

/** Point-time tally per zone and period (HJ 640: 达标点次/监测点次). */
typedef struct eco_noise_tally {
    long n[ECO_NZ_N][2], ok[ECO_NZ_N][2];
} eco_noise_tally_t;
void eco_noise_tally_add(eco_noise_tally_t *t, eco_noise_zone_t z, eco_noise_period_t p, int complies);
/** Compliance rate in % (ok/n·100), NAN when n == 0. */
double eco_noise_rate(long ok, long n);

#endif
