/* airdays.h — the air daily-value cache: kept fresh from the store's hours, and read as the
 * statistics source of targets, rankings and assessments (issue #6).
 *
 * Why: computing every entity's daily values from ~76 M stored hours took tens of seconds per
 * report; the days change only where hours change. Data flow: wire → store (hours; the store's write
 * path marks the days they touch dirty, store_days.h) → eco_airdays_refresh (this module: dirty days' hours →
 * engine, air/grid.h → records, air/daycache.h → the store's cache) → eco_airdays_open (cached days
 * plus the dirty days recomputed from hours on the fly → period statistics, eco_air_period_compute)
 * → API/CLI. The figures are those of the hour route to the last bit; when the cache cannot give
 * them (never built, the catalogue changed since, many dirty days) the source reads the hours as
 * before (eco_store_air_grid) and says so in eco_airdays_route().
 *
 * This is the one module here that does I/O (through the store's interface only); the standards
 * are computed by the engines it calls.
 */
#ifndef ECO_BRAIN_AIRDAYS_H
#define ECO_BRAIN_AIRDAYS_H

#include "brain/targets.h"
#include "store/store.h"

typedef struct eco_airdays_stats {
    long days;               /* dirty days recomputed */
    long rows;               /* cache rows written */
    int rebuilt;             /* a full rebuild was started (first build or a catalogue change) */
} eco_airdays_stats_t;

/** Recompute the dirty days (at most max_days; <= 0 all), a month per transaction, on a writable
 *  store. Starts a full rebuild (every day dirty) when the cache was never built, when its catalogue
 *  fingerprint differs from the catalogue's, or when full is set. 0 or < 0 with err. */
int eco_airdays_refresh(eco_store_t *st, long max_days, int full, eco_airdays_stats_t *stats, eco_err_t *err);

/** The cache's state: built (0/1), fingerprint current (0/1), dirty days, cached entity-months. */
typedef struct eco_airdays_status {
    int present, built, current;
    long dirty, rows;
} eco_airdays_status_t;
int eco_airdays_status(eco_store_t *st, eco_airdays_status_t *out, eco_err_t *err);

typedef struct eco_airdays eco_airdays_t;

/** The statistics source over the days [from, to] (what eco_store_air_grid over those days would
 *  give). st must stay open until eco_airdays_close. 0, ECO_ENODATA (no hourly air data in the range),
 *  or < 0 with err. */
int eco_airdays_open(eco_airdays_t **out, eco_store_t *st, eco_day_t from, eco_day_t to, eco_err_t *err);
eco_tgt_source_t eco_airdays_source(eco_airdays_t *a);
/** "cache" (cached days, n recomputed dirty days) or "hours" (and why). */
const char *eco_airdays_route(const eco_airdays_t *a);
void eco_airdays_close(eco_airdays_t *a);

/** More dirty days in a range than this and the source reads the range's hours instead. */
#define ECO_AIRDAYS_MAX_DIRTY 62

#endif
