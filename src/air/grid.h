/* grid.h — the hourly air values of many sites in arrays, and the HJ 663
 * statistics of sites and regions computed from them.
 *
 * Why: targets and rankings ask for the same few statistics (a province's
 * PM2.5 mean to date, its cities' good-day ratios, last year's remaining
 * months) over and over; reading the store into a CSV table and parsing it
 * again for every question took seconds. Here the values sit once in
 * per-site-hour arrays, each entity's daily values are computed once per
 * edition basis and kept, and any period's statistics come from those days
 * through the assessment engine (src/air/assess.c) — the figures are those of
 * `ecobrain air assess` on the same data, to the last bit.
 *
 * Filling: the caller (a face reading the store) hands over the stored rows
 * the way the hourly table of the export would read them: per site, its
 * devices in ascending MN (a later device's hour replaces an earlier one's
 * whole row, as a later CSV row does), each device's factors in ascending
 * code (a later factor of the same item replaces the earlier text). A row
 * with a text that is not a concentration (not a number, negative) is
 * dropped whole, as the CSV reader drops it. Nothing here does I/O.
 */
#ifndef ECO_AIR_GRID_H
#define ECO_AIR_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "air/assess.h"
#include "air/daycache.h"

typedef struct eco_air_grid_site {
    char *code;
    char *region[3];         /* city, county, province ("" when unknown), blanks trimmed */
    int has;                 /* at least one hour row */
} eco_air_grid_site_t;

typedef struct eco_air_grid_level eco_air_grid_level_t; /* entities of one level and their cached days */

typedef struct eco_air_grid {
    eco_day_t day0;
    int ndays;
    size_t nh;               /* ndays * 24; hour index i is day0 + i hours (hour start, Beijing) */
    size_t nsites;
    eco_air_grid_site_t *site;
    double *v;               /* v[(site * ECO_POL_N + pol) * nh + hour]; NAN missing, -INFINITY "/" */
    /* one device being added */
    size_t dsite;
    double *dv;              /* ECO_POL_N * nh */
    uint8_t *dstate;         /* per item-hour: 0 none, 1 value (dv), 2 not a concentration */
    uint8_t *drow;           /* per hour: the device has a row */
    uint8_t *hasday;         /* hasday[site * ndays + day]: the site has a row that day */
    eco_air_grid_level_t *lv[4]; /* site, city, county, province; built on first use */
    double *scratch;
    long dropped;            /* rows dropped (not a concentration) */
} eco_air_grid_t;

/** Arrays for nsites sites over ndays days from day0, every value missing. 0 or ECO_ENOMEM. */
int eco_air_grid_init(eco_air_grid_t *g, eco_day_t day0, int ndays, size_t nsites);
/** Name site i and its regions (NULL or "" = unknown). 0 or ECO_ENOMEM. */
int eco_air_grid_site(eco_air_grid_t *g, size_t i, const char *code, const char *city, const char *county,
                      const char *province);
void eco_air_grid_free(eco_air_grid_t *g);

/** Add one device's rows to site i: begin, every value of the device (its factors in ascending code,
 *  each in time order or not), end. pol: ECO_POL_*; t: the hour's start (HJ 212 DataTime); flag: the
 *  data flag (a value flagged other than "N" counts as missing). Times off the hour or outside the
 *  grid are ignored (the CSV reader skips them too). */
void eco_air_grid_dev_begin(eco_air_grid_t *g, size_t site);
void eco_air_grid_dev_value(eco_air_grid_t *g, int pol, int64_t t, const char *vtext, size_t vlen, const char *flag);
void eco_air_grid_dev_end(eco_air_grid_t *g);

/** A concentration as the hourly CSV reader takes it: "" NA - -- — null nan -> NAN; "/" -> -INFINITY
 *  (not monitored); a number >= 0. 0, ECO_ENUMBER or ECO_ERANGE (negative). Exact: the same double
 *  as strtod. */
int eco_air_conc_parse(const char *s, size_t n, double *out);

/* Levels: "site", "city", "county", "province". Bases: "date" (each day's edition), "2012", "2026". */

/** Statistics of `entity` at `level` over [from, to] (inclusive days); entity "province" also names
 *  the only entity of the level when there is exactly one. 1 found, 0 no such entity with data,
 *  ECO_EINVAL (level or basis), ECO_ENOMEM. */
int eco_air_grid_stat(eco_air_grid_t *g, const char *level, const char *basis, const char *entity, eco_day_t from,
                      eco_day_t to, eco_air_period_t *out);

typedef void (*eco_air_grid_cb)(void *ud, const char *entity, const eco_air_period_t *st);
/** Statistics of every entity with data at `level` over [from, to], entities in byte order of their
 *  names (as `air assess` lists them). 0, ECO_EINVAL, ECO_ENOMEM. */
int eco_air_grid_each(eco_air_grid_t *g, const char *level, const char *basis, eco_day_t from, eco_day_t to,
                      eco_air_grid_cb cb, void *ud);

/** Number of entities with data at `level` (building the level), or < 0. */
long eco_air_grid_count(eco_air_grid_t *g, const char *level);
/** Name of entity e (< count) at `level`, entities in byte order. */
const char *eco_air_grid_name(eco_air_grid_t *g, const char *level, size_t e);

/** The daily-value cache entries (air/daycache.h) of entity e at `level` for every day of the grid,
 *  under edition 2012 (e12[day]) and 2026 (e26[day]); present[day] = 1 when the entity has a row that
 *  day (entries of other days are left as they were). Region days are computed day by day from the
 *  sites with a row that day, which gives the figures of the whole-range route (see daycache.h for
 *  the one case that needs the second record). 0, ECO_EINVAL or ECO_ENOMEM. */
int eco_air_grid_dayents(eco_air_grid_t *g, const char *level, size_t e, eco_air_dayent_t *e12, eco_air_dayent_t *e26,
                         uint8_t *present);

#endif
