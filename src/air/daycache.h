/* daycache.h — the daily values of an air entity in the compact form the store keeps
 * (the daily-value cache of issue #6), and their encoding.
 *
 * Why: a year of every site's and region's daily values is a few tens of MB,
 * a year of their hours a few GB; the period statistics (eco_air_period_compute)
 * need of a day only its seven daily values, its valid hours per pollutant, its
 * daily AQI and its edition. A record keeps exactly these (the edition follows
 * from the basis and the date), so statistics from records are those from hours
 * to the last bit.
 *
 * A region's day depends on one thing beyond its sites' hours that day: an hour
 * where no site has a valid value and every site with data in the *range asked*
 * reported "/" is "not monitored", otherwise missing (HJ 663 regional means,
 * eco_air_region_finish). The range is not known when the day is cached, so a
 * region's entry holds `a`, the day when the sites with data that day are all
 * the region's sites with data in the range, and — only when that differs
 * (alt = 1) — `b`, the day when more sites have data in the range. Pure code,
 * no I/O.
 */
#ifndef ECO_AIR_DAYCACHE_H
#define ECO_AIR_DAYCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "air/assess.h"

typedef struct eco_air_dayrec {
    double v[ECO_AIR_NIND];    /* eco_air_day_t.v */
    int16_t aqi;               /* eco_air_day_t.aqi.aqi */
    uint8_t nhours[ECO_POL_N]; /* eco_air_day_t.nhours */
} eco_air_dayrec_t;

typedef struct eco_air_dayent {
    uint16_t nsites;           /* sites with data that day (1 for a site) */
    uint8_t alt;               /* b differs from a */
    eco_air_dayrec_t a, b;
} eco_air_dayent_t;

/* bytes of one encoded record and the most one month can take */
#define ECO_AIR_DAYREC_BYTES 64
#define ECO_AIR_DAYMONTH_MAX (4 + 31 * (3 + 2 * ECO_AIR_DAYREC_BYTES))

void eco_air_dayrec_set(eco_air_dayrec_t *r, const eco_air_day_t *d);
/** The day a record stands for, as eco_air_period_compute reads it (raw, flags, nwin and the AQI's
 *  details are not kept: NAN / 0). */
void eco_air_dayrec_get(const eco_air_dayrec_t *r, const eco_air_edition_t *ed, eco_air_day_t *d);

/** mask (4 bytes) and the entries ent[i] of the days whose bit i is set in it, into buf (at least
 *  ECO_AIR_DAYMONTH_MAX bytes), little-endian whatever the host; returns the length. */
size_t eco_air_daymonth_encode(const eco_air_dayent_t *ent, uint32_t mask, uint8_t *buf);
/** The reverse into *mask and ent[0..30] (entries of days not in the mask untouched). 0 or ECO_EPARSE. */
int eco_air_daymonth_decode(const uint8_t *buf, size_t n, uint32_t *mask, eco_air_dayent_t *ent);

#endif
