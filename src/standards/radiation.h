/* radiation.h — defaults for judging ambient γ dose rate (nGy/h).
 *
 * Why these are defaults and not a standard: no official numeric
 * investigation or alarm level was found (notes
 * ../shared/reference/water-noise-standards.md §8 and §11.11). Published
 * practice (e.g. Guangzhou automatic station, 2013) judges a reading against
 * the station's local background fluctuation range (本底涨落范围); the notes
 * recommend that check as the default and call mean + 3σ of a historical
 * baseline "a common engineering choice but not an official rule". So:
 *   background range  = mean ± k·sd of the baseline (k = 3), or min..max, or a
 *                       range given by the operator (a published 本底范围);
 *   above background  = reading > upper bound of the range;
 *   investigation     = reading > ECO_RAD_INVESTIGATE_RATIO × upper bound;
 *   alarm             = reading > ECO_RAD_ALARM_RATIO × upper bound.
 * The two ratios are ecobrain conventions (configurable, or replaced by
 * absolute levels per run), not taken from HJ 61-2021 / HJ 1157-2021.
 */
#ifndef ECO_STANDARDS_RADIATION_H
#define ECO_STANDARDS_RADIATION_H

#define ECO_RAD_DEFAULT_K 3.0
#define ECO_RAD_INVESTIGATE_RATIO 1.5
#define ECO_RAD_ALARM_RATIO 2.0

/* Guangzhou automatic station, 2013-12-19 09:00 .. 12-20 09:00 (notes §8,
 * published_aggregates.csv): readings 105.9-109.0 nGy/h, mean 107.4, judged
 * 正常水平 against the local reference background 69.3-266.9 nGy/h. */
#define ECO_RAD_GZ2013_BG_LO 69.3
#define ECO_RAD_GZ2013_BG_HI 266.9

extern const char *const eco_rad_sources;

#endif
