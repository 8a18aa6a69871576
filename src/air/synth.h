/* synth.h — deterministic synthetic hourly air-quality data (benchmarks, demos, tests).
 *
 * Why it exists: national monitoring data cannot be shipped with the code, yet
 * the benchmark needs a year of a 2,000-site network, `ecobrain air synth` and
 * the demo need plausible data, and tests need reproducible inputs that hold the
 * awkward parts of real data — missing hours, multi-hour outages, winter PM
 * episodes above the limits, spring dust above the top breakpoint, summer O3
 * afternoons. Generation is a pure function of (options, site index): the same
 * numbers on every run, one site at a time in any order (or in parallel), no
 * I/O and no allocation — the caller owns every array.
 *
 * What the data look like (all knobs are internal constants; only the options
 * below are public):
 *   - sites are grouped into cities (sites_per_city consecutive sites), cities
 *     into provinces (10 cities); a city has a latitude (north/south: heating
 *     season, dust), base levels and day-to-day "weather" shared by its sites;
 *     each site has its own multipliers (traffic / background / urban) and noise;
 *   - per pollutant a lognormal level: base x seasonal cycle (PM, SO2, NO2, CO
 *     high in winter; O3 high in early summer) x diurnal cycle (O3 peak
 *     mid-afternoon, NO2/CO rush-hour peaks at 08 and 20, PM night-time high)
 *     x multi-day episodes (PM builds up 2-7 days, then clears) x hourly AR(1)
 *     noise (city-shared + site-own);
 *   - spring dust storms in northern inland cities (PM10 up to > 600 µg/m³);
 *   - missing values (NAN): about opts.missing of all values, split between
 *     whole-station outages (2-36 h, 30 %), single-analyser outages (6-54 h,
 *     10 %) and isolated hours (60 %); with the default 3 % about 4 % of the
 *     site-days miss some daily value (< 20 valid hours). "Not monitored"
 *     (-INFINITY) is never generated.
 *
 * Units and precision as the national platform publishes them: µg/m³ integers
 * (SO2 NO2 O3 PM10 PM2.5), CO mg/m³ with one decimal. Every value is the double
 * nearest its decimal text, so writing "%.0f"/"%.1f" and parsing back with
 * strtod gives the identical double.
 *
 * Hour convention: index h of a series is the hour STARTING day0 + h hours
 * (Beijing time), as in assess.h. CSV writers label it with its END
 * ("08:00" = 07:00-08:00).
 *
 * Determinism: identical output for identical options with the same libm; a
 * different libm may move an exp()/log() result by one ulp and, very rarely,
 * one rounded value by one unit.
 */
#ifndef ECO_AIR_SYNTH_H
#define ECO_AIR_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "air/assess.h"

typedef struct eco_air_synth_opts {
    uint64_t seed;      /* same seed, same data (default 2026) */
    int nsites;         /* sites in the network (default 2000) */
    int sites_per_city; /* consecutive sites per city; the last city may be smaller (default 10) */
    eco_day_t day0;     /* first day (default 2026-01-01, so a year crosses the 2026-03-01 switch) */
    int ndays;          /* whole days (default 365) */
    double missing;     /* target fraction of NA values, 0..0.5 (default 0.03) */
} eco_air_synth_opts_t;

/* Where a site is and what it is called: the columns of a sites file
 * (site,city,county,province,name,lon,lat). ASCII only. */
typedef struct eco_air_synth_site_info {
    char site[16];     /* "S0001" (1-based, at least 4 digits) */
    char city[16];     /* "C001"  (1-based, at least 3 digits) */
    char county[32];   /* "C001-K2": 3 sites per county */
    char province[16]; /* "P01": 10 cities per province */
    char name[32];     /* "Synthetic site 0001" */
    double lon, lat;   /* WGS-84 degrees, inside mainland China's bounding box */
} eco_air_synth_site_info_t;

void eco_air_synth_opts_default(eco_air_synth_opts_t *o);

/** 0, or ECO_EINVAL when an option is out of range (nsites < 1,
 *  sites_per_city < 1, ndays < 1 or > 36600, missing outside 0..0.5). */
int eco_air_synth_check(const eco_air_synth_opts_t *o);

/** Number of cities (ceil(nsites / sites_per_city)). */
int eco_air_synth_ncities(const eco_air_synth_opts_t *o);

/** City index (0-based) of a site (0-based). */
int eco_air_synth_city_of(const eco_air_synth_opts_t *o, int site);

/** "S0001" for site 0; buf >= 12 bytes. */
void eco_air_synth_site_id(int site, char *buf, size_t n);

/** "C001" for city 0; buf >= 12 bytes. */
void eco_air_synth_city_id(int city, char *buf, size_t n);

/** Identity and location of a site. 0 or ECO_EINVAL (bad options or site). */
int eco_air_synth_site_info(const eco_air_synth_opts_t *o, int site, eco_air_synth_site_info_t *out);

/** Fill one site's hourly series: out->h[p] are caller-owned arrays of
 *  o->ndays * 24 doubles (all six must be non-NULL); out->day0 and out->ndays
 *  are set from o. Pure: depends only on *o and site.
 *  0, or ECO_EINVAL (bad options, site outside 0..nsites-1, NULL array). */
int eco_air_synth_site(const eco_air_synth_opts_t *o, int site, eco_air_series_t *out);

#endif
