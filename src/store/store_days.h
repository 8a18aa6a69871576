/* store_days.h — the daily-value cache of the air assessment, as the store keeps it.
 *
 * Why a cache at all: `targets report --data`, `rank --data` and the API's targets, rankings and
 * assessments need every air entity's daily values over up to two years; recomputing them from
 * ~76 M stored hour values per question took tens of seconds. The days are computed by the engine
 * (air/daycache.h) in src/brain/airdays.c and only kept here: the store never computes a standard.
 *
 * Tables (schema v5, migration in store_sqlite.c):
 *   airday(level, basis, month, entity, days)    one month of one entity's days under one edition
 *                                                (basis 0 = 2012, 1 = 2026): an opaque blob
 *   airday_has(level, month, entity, mask)       bit d-1 of mask: the entity has data on day d
 *   airday_dirty(day, n)                         days whose hour values changed since the cache
 *                                                was written; n counts the changes (obs_put bumps
 *                                                it once per day and transaction that stores a new
 *                                                or revised hour value; triggers on obs, for hand
 *                                                edits, on update and delete — v6 dropped the
 *                                                insert trigger, which every insert paid)
 *   airday_meta(key, value)                      "fingerprint" of the catalogue the cache was
 *                                                computed under; "built" once a full build started
 * Months are numbered y*12 + (m-1); days as core/time.h (days since 1970-01-01, Beijing).
 */
#ifndef ECO_STORE_DAYS_H
#define ECO_STORE_DAYS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* migration 4 -> 5 (one entry of migrations[] in store_sqlite.c). The triggers mark a day dirty in the
 * transaction that inserts, revises or deletes an hour value (gran 2) of any series; the ingest code
 * is untouched. floor(t / 86400) in integers: t / 86400 - (t % 86400 < 0). */
#define ECO_STORE_DAYS_SCHEMA                                                                                       \
    "CREATE TABLE airday(level INTEGER NOT NULL, basis INTEGER NOT NULL, month INTEGER NOT NULL,"                  \
    " entity TEXT NOT NULL, days BLOB NOT NULL, PRIMARY KEY(level, basis, month, entity)) WITHOUT ROWID;"         \
    "CREATE TABLE airday_has(level INTEGER NOT NULL, month INTEGER NOT NULL, entity TEXT NOT NULL,"               \
    " mask INTEGER NOT NULL, PRIMARY KEY(level, month, entity)) WITHOUT ROWID;"                                   \
    "CREATE TABLE airday_dirty(day INTEGER PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"                       \
    "CREATE TABLE airday_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"                                     \
    "CREATE TRIGGER airday_obs_insert AFTER INSERT ON obs WHEN NEW.gran = 2 BEGIN"                                \
    " INSERT INTO airday_dirty(day, n) VALUES(NEW.t / 86400 - (NEW.t % 86400 < 0), 1)"                            \
    " ON CONFLICT(day) DO UPDATE SET n = n + 1; END;"                                                              \
    "CREATE TRIGGER airday_obs_update AFTER UPDATE ON obs WHEN NEW.gran = 2 OR OLD.gran = 2 BEGIN"                \
    " INSERT INTO airday_dirty(day, n) VALUES(NEW.t / 86400 - (NEW.t % 86400 < 0), 1)"                            \
    " ON CONFLICT(day) DO UPDATE SET n = n + 1;"                                                                   \
    " INSERT INTO airday_dirty(day, n) VALUES(OLD.t / 86400 - (OLD.t % 86400 < 0), 1)"                            \
    " ON CONFLICT(day) DO UPDATE SET n = n + 1; END;"                                                              \
    "CREATE TRIGGER airday_obs_delete AFTER DELETE ON obs WHEN OLD.gran = 2 BEGIN"                                \
    " INSERT INTO airday_dirty(day, n) VALUES(OLD.t / 86400 - (OLD.t % 86400 < 0), 1)"                            \
    " ON CONFLICT(day) DO UPDATE SET n = n + 1; END;"

typedef struct eco_store_dayrow {
    int level;               /* 0 site, 1 city, 2 county, 3 province */
    int basis;               /* 0 edition 2012, 1 edition 2026 (airday only) */
    int month;               /* y*12 + (m-1) */
    const char *entity;
    uint32_t mask;           /* airday_has: days with data (bit d-1) */
    const void *blob;        /* airday: the encoded days; NULL for airday_has rows */
    size_t len;
} eco_store_dayrow_t;

typedef int (*eco_store_dayrow_cb)(void *ud, const eco_store_dayrow_t *r); /* non-zero stops */

/** Whether the store has the cache tables: 1 yes, 0 no (a read-only store older than v5). */
int eco_store_days_present(eco_store_t *s);
/** A value of airday_meta: 1 found (*val), 0 not, < 0 error. */
int eco_store_days_meta(eco_store_t *s, const char *key, int64_t *val, eco_err_t *err);
int eco_store_days_meta_put(eco_store_t *s, const char *key, int64_t val, eco_err_t *err);

/** Dirty days within [from, to], ascending, at most max: day[i] and its change count gen[i]. */
int eco_store_days_dirty(eco_store_t *s, eco_day_t from, eco_day_t to, size_t max, eco_day_t *day, int64_t *gen,
                         size_t *n, eco_err_t *err);
/** Number of dirty days within [from, to]. */
int eco_store_days_dirty_count(eco_store_t *s, eco_day_t from, eco_day_t to, long *n, eco_err_t *err);
/** Forget the marks of day[i] whose count is still gen[i] (a change since keeps the day dirty). */
int eco_store_days_clean(eco_store_t *s, const eco_day_t *day, const int64_t *gen, size_t n, eco_err_t *err);
/** Mark every day of [from, to] dirty. */
int eco_store_days_mark(eco_store_t *s, eco_day_t from, eco_day_t to, eco_err_t *err);
/** The first and last day holding hour values or cache rows; *first > *last when none. */
int eco_store_days_span(eco_store_t *s, eco_day_t *first, eco_day_t *last, eco_err_t *err);

/** airday rows of (level, basis) with month in [mfrom, mto], by month then entity. */
int eco_store_days_read(eco_store_t *s, int level, int basis, int mfrom, int mto, eco_store_dayrow_cb cb, void *ud,
                        eco_err_t *err);
/** airday_has rows of level with month in [mfrom, mto] (level < 0: every level). */
int eco_store_days_has(eco_store_t *s, int level, int mfrom, int mto, eco_store_dayrow_cb cb, void *ud, eco_err_t *err);
/** Write rows (inside the caller's transaction): blob != NULL an airday row (len 0 deletes it),
 *  blob == NULL an airday_has row (mask 0 deletes it). */
int eco_store_days_write(eco_store_t *s, const eco_store_dayrow_t *rows, size_t n, eco_err_t *err);

/** A read snapshot over several calls (BEGIN ... COMMIT on the handle's connection): 1 begun (end it
 *  with eco_store_days_snapshot_end), 0 a transaction was already open (nothing to end), < 0 error. */
int eco_store_days_snapshot(eco_store_t *s, eco_err_t *err);
void eco_store_days_snapshot_end(eco_store_t *s);

/* for store_days.c: the SQLite connection and the file's path (store_sqlite.c) */
struct sqlite3;
struct sqlite3 *eco_store_sqlite_db(eco_store_t *s);
const char *eco_store_sqlite_path(const eco_store_t *s);

#endif
