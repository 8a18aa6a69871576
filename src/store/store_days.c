/* store_days.c — the SQL of the air daily-value cache (see store_days.h).
 *
 * Why a file of its own: the cache is kept by the store but computed elsewhere
 * (src/brain/airdays.c through the engine, air/daycache.h); keeping its tables'
 * SQL here leaves store_sqlite.c with one migration entry and two accessors, so
 * work on the observation write path there does not collide with it. Nothing
 * here knows what the blobs hold.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "store/store_days.h"

static int fail(eco_store_t *s, eco_err_t *err, const char *what)
{
    sqlite3 *db = eco_store_sqlite_db(s);
    int rc = sqlite3_errcode(db);
    return eco_err_set(err, rc == SQLITE_NOMEM ? ECO_ENOMEM : ECO_EIO, "%s: daily-value cache: %s: %s",
                       eco_store_sqlite_path(s), what, sqlite3_errmsg(db));
}

static int prep(eco_store_t *s, const char *sql, sqlite3_stmt **st, eco_err_t *err, const char *what)
{
    if (sqlite3_prepare_v2(eco_store_sqlite_db(s), sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return fail(s, err, what);
    }
    return 0;
}

int eco_store_days_present(eco_store_t *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(eco_store_sqlite_db(s), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'airday_dirty'",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    int yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

int eco_store_days_meta(eco_store_t *s, const char *key, int64_t *val, eco_err_t *err)
{
    sqlite3_stmt *st;
    int r = prep(s, "SELECT value FROM airday_meta WHERE key = ?1", &st, err, "reading its state");
    if (r) return r;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *val = sqlite3_column_int64(st, 0);
        r = 1;
    } else if (rc != SQLITE_DONE) {
        r = fail(s, err, "reading its state");
    }
    sqlite3_finalize(st);
    return r;
}

int eco_store_days_meta_put(eco_store_t *s, const char *key, int64_t val, eco_err_t *err)
{
    sqlite3_stmt *st;
    int r = prep(s, "INSERT INTO airday_meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2", &st,
                 err, "writing its state");
    if (r) return r;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, val);
    if (sqlite3_step(st) != SQLITE_DONE) r = fail(s, err, "writing its state");
    sqlite3_finalize(st);
    return r;
}

int eco_store_days_dirty(eco_store_t *s, eco_day_t from, eco_day_t to, size_t max, eco_day_t *day, int64_t *gen,
                         size_t *n, eco_err_t *err)
{
    *n = 0;
    sqlite3_stmt *st;
    int r = prep(s, "SELECT day, n FROM airday_dirty WHERE day BETWEEN ?1 AND ?2 ORDER BY day", &st, err,
                 "reading the dirty days");
    if (r) return r;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc;
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        day[*n] = (eco_day_t)sqlite3_column_int64(st, 0);
        gen[*n] = sqlite3_column_int64(st, 1);
        (*n)++;
    }
    if (*n < max && rc != SQLITE_DONE) r = fail(s, err, "reading the dirty days");
    sqlite3_finalize(st);
    return r;
}

int eco_store_days_dirty_count(eco_store_t *s, eco_day_t from, eco_day_t to, long *n, eco_err_t *err)
{
    sqlite3_stmt *st;
    int r = prep(s, "SELECT count(*) FROM airday_dirty WHERE day BETWEEN ?1 AND ?2", &st, err, "counting the dirty days");
    if (r) return r;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    if (sqlite3_step(st) == SQLITE_ROW) *n = (long)sqlite3_column_int64(st, 0);
    else r = fail(s, err, "counting the dirty days");
    sqlite3_finalize(st);
    return r;
}

int eco_store_days_clean(eco_store_t *s, const eco_day_t *day, const int64_t *gen, size_t n, eco_err_t *err)
{
    sqlite3_stmt *st;
    int r = prep(s, "DELETE FROM airday_dirty WHERE day = ?1 AND n = ?2", &st, err, "clearing dirty days");
    for (size_t i = 0; !r && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, day[i]);
        sqlite3_bind_int64(st, 2, gen[i]);
        if (sqlite3_step(st) != SQLITE_DONE) r = fail(s, err, "clearing dirty days");
    }
    sqlite3_finalize(st);
    return r;
}

int eco_store_days_mark(eco_store_t *s, eco_day_t from, eco_day_t to, eco_err_t *err)
{
    sqlite3_stmt *st;
    int r = prep(s, "INSERT INTO airday_dirty(day, n) VALUES(?1, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1", &st, err,
                 "marking days dirty");
    for (eco_day_t d = from; !r && d <= to; d++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, d);
        if (sqlite3_step(st) != SQLITE_DONE) r = fail(s, err, "marking days dirty");
    }
    sqlite3_finalize(st);
    return r;
}

static eco_day_t day_of_t(int64_t t) { return (eco_day_t)(t / 86400 - (t % 86400 < 0)); }

int eco_store_days_span(eco_store_t *s, eco_day_t *first, eco_day_t *last, eco_err_t *err)
{
    *first = INT32_MAX;
    *last = INT32_MIN;
    /* two key probes per series: obs is ordered by (series, gran, t) */
    sqlite3_stmt *ids = NULL, *lo = NULL, *hi = NULL, *mon = NULL;
    int r = prep(s, "SELECT id FROM series", &ids, err, "listing series");
    if (!r) r = prep(s, "SELECT t FROM obs WHERE series = ?1 AND gran = 2 ORDER BY t LIMIT 1", &lo, err, "hour span");
    if (!r) r = prep(s, "SELECT t FROM obs WHERE series = ?1 AND gran = 2 ORDER BY t DESC LIMIT 1", &hi, err, "hour span");
    if (!r) r = prep(s, "SELECT min(month), max(month) FROM airday_has", &mon, err, "cache span");
    int rc;
    while (!r && (rc = sqlite3_step(ids)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(ids, 0);
        sqlite3_stmt *q[2] = {lo, hi};
        for (int e = 0; e < 2; e++) {
            sqlite3_reset(q[e]);
            sqlite3_bind_int64(q[e], 1, id);
            int rq = sqlite3_step(q[e]);
            if (rq == SQLITE_ROW) {
                eco_day_t d = day_of_t(sqlite3_column_int64(q[e], 0));
                if (d < *first) *first = d;
                if (d > *last) *last = d;
            } else if (rq != SQLITE_DONE) {
                r = fail(s, err, "reading the hour span");
            }
        }
    }
    if (!r && rc != SQLITE_DONE) r = fail(s, err, "listing series");
    if (!r && sqlite3_step(mon) == SQLITE_ROW && sqlite3_column_type(mon, 0) != SQLITE_NULL) {
        int m0 = sqlite3_column_int(mon, 0), m1 = sqlite3_column_int(mon, 1);
        eco_day_t d0 = eco_day_from_civil(m0 / 12, m0 % 12 + 1, 1);
        eco_day_t d1 = eco_day_from_civil(m1 / 12 + (m1 % 12 == 11), (m1 + 1) % 12 + 1, 1) - 1;
        if (d0 < *first) *first = d0;
        if (d1 > *last) *last = d1;
    }
    sqlite3_finalize(ids);
    sqlite3_finalize(lo);
    sqlite3_finalize(hi);
    sqlite3_finalize(mon);
    return r;
}

static int rows_each(eco_store_t *s, sqlite3_stmt *st, int blob, int level, int basis, eco_store_dayrow_cb cb, void *ud,
                     eco_err_t *err)
{
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_store_dayrow_t row;
        memset(&row, 0, sizeof row);
        row.level = level >= 0 ? level : sqlite3_column_int(st, 3);
        row.basis = basis;
        row.month = sqlite3_column_int(st, 0);
        row.entity = (const char *)sqlite3_column_text(st, 1);
        if (!row.entity) row.entity = "";
        if (blob) {
            row.blob = sqlite3_column_blob(st, 2);
            row.len = (size_t)sqlite3_column_bytes(st, 2);
            if (!row.blob) row.blob = "";
        } else {
            row.mask = (uint32_t)sqlite3_column_int64(st, 2);
        }
        if ((r = cb(ud, &row)) != 0) return r;
    }
    return rc == SQLITE_DONE ? 0 : fail(s, err, "reading cached days");
}

int eco_store_days_read(eco_store_t *s, int level, int basis, int mfrom, int mto, eco_store_dayrow_cb cb, void *ud,
                        eco_err_t *err)
{
    sqlite3_stmt *st;
    int r = prep(s,
                 "SELECT month, entity, days FROM airday WHERE level = ?1 AND basis = ?2 AND month BETWEEN ?3 AND ?4"
                 " ORDER BY month, entity",
                 &st, err, "reading cached days");
    if (r) return r;
    sqlite3_bind_int(st, 1, level);
    sqlite3_bind_int(st, 2, basis);
    sqlite3_bind_int(st, 3, mfrom);
    sqlite3_bind_int(st, 4, mto);
    r = rows_each(s, st, 1, level, basis, cb, ud, err);
    sqlite3_finalize(st);
    return r;
}

int eco_store_days_has(eco_store_t *s, int level, int mfrom, int mto, eco_store_dayrow_cb cb, void *ud, eco_err_t *err)
{
    sqlite3_stmt *st;
    int r = prep(s,
                 level >= 0 ? "SELECT month, entity, mask, level FROM airday_has WHERE level = ?1 AND month BETWEEN ?2 AND ?3"
                              " ORDER BY month, entity"
                            : "SELECT month, entity, mask, level FROM airday_has WHERE month BETWEEN ?2 AND ?3",
                 &st, err, "reading cached presence");
    if (r) return r;
    if (level >= 0) sqlite3_bind_int(st, 1, level);
    sqlite3_bind_int(st, 2, mfrom);
    sqlite3_bind_int(st, 3, mto);
    r = rows_each(s, st, 0, level, 0, cb, ud, err);
    sqlite3_finalize(st);
    return r;
}

int eco_store_days_write(eco_store_t *s, const eco_store_dayrow_t *rows, size_t n, eco_err_t *err)
{
    static const char *const sql[4] = {
        "INSERT INTO airday(level, basis, month, entity, days) VALUES(?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT(level, basis, month, entity) DO UPDATE SET days = ?5",
        "DELETE FROM airday WHERE level = ?1 AND basis = ?2 AND month = ?3 AND entity = ?4",
        "INSERT INTO airday_has(level, month, entity, mask) VALUES(?1, ?3, ?4, ?5)"
        " ON CONFLICT(level, month, entity) DO UPDATE SET mask = ?5",
        "DELETE FROM airday_has WHERE level = ?1 AND month = ?3 AND entity = ?4"};
    sqlite3_stmt *st[4] = {NULL, NULL, NULL, NULL};
    int r = 0;
    for (int i = 0; i < 4 && !r; i++) r = prep(s, sql[i], &st[i], err, "writing cached days");
    for (size_t i = 0; !r && i < n; i++) {
        const eco_store_dayrow_t *w = &rows[i];
        int k = w->blob ? (w->len ? 0 : 1) : (w->mask ? 2 : 3);
        sqlite3_stmt *q = st[k];
        sqlite3_reset(q);
        sqlite3_bind_int(q, 1, w->level);
        if (k < 2) sqlite3_bind_int(q, 2, w->basis);
        sqlite3_bind_int(q, 3, w->month);
        sqlite3_bind_text(q, 4, w->entity, -1, SQLITE_STATIC);
        if (k == 0) sqlite3_bind_blob(q, 5, w->blob, (int)w->len, SQLITE_STATIC);
        if (k == 2) sqlite3_bind_int64(q, 5, w->mask);
        if (sqlite3_step(q) != SQLITE_DONE) r = fail(s, err, "writing cached days");
    }
    for (int i = 0; i < 4; i++) sqlite3_finalize(st[i]);
    return r;
}

int eco_store_days_snapshot(eco_store_t *s, eco_err_t *err)
{
    sqlite3 *db = eco_store_sqlite_db(s);
    if (!sqlite3_get_autocommit(db)) return 0; /* inside the caller's transaction already */
    /* a deferred transaction takes its snapshot at the first read */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) return fail(s, err, "starting a read");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM airday_meta", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    return 1;
}

void eco_store_days_snapshot_end(eco_store_t *s)
{
    sqlite3 *db = eco_store_sqlite_db(s);
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}
