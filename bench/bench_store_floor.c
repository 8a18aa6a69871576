/* bench_store_floor.c — the floor for the ingestion benchmark: bare SQLite inserts.
 *
 * Why: issue #4 asks the server's durable values/s to be compared with "the
 * same insert load done by a bare sqlite3 program with one big transaction".
 * This program is that floor: the obs table of the store's schema (WITHOUT
 * ROWID, primary key series/gran/t), WAL, synchronous=FULL, one prepared
 * INSERT, rows shaped like the simulator's (6 factors a device, minute
 * records, value text, flag, fields text), all in one transaction. No
 * network, no parsing, no revision check, no acknowledgements.
 *
 *   bench_store_floor --rows N --dir DIR [--series S] [--batch B] [--sync full|normal|off] [--name NAME]
 *                     [--cache-mb M]   (default 256, the server's default)
 * prints: rows, seconds, rows/s (tab-separated "name metric value unit" lines).
 * --batch B commits every B rows (default: one transaction) — with --sync this
 * measures what durability costs per group commit (docs/ingest.md).
 * --gran G stores granularity G (default 1, minute; 2 = hour); --airday-triggers adds the store's
 * daily-value cache tables and the triggers that mark a day dirty on every hour value (schema v5,
 * src/store/store_days.h): run with --gran 2 with and without it for what the marking costs.
 * FLOOR_TIME_MAJOR=1 (experiment) keys the rows (gran, t, series) instead;
 * FLOOR_TIME_MAJOR=2 adds an index on (series, gran, t). docs/ingest.md has the figures.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_days.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long rows = 1000000, series = 60000, batch = 0, cache_mb = 256, gran = 1;
    int triggers = 0;
    const char *dir = "/tmp", *sync = "full", *name = "ingest_floor";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rows")) rows = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--series")) series = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--batch")) batch = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--sync")) sync = argv[i + 1];
        else if (!strcmp(argv[i], "--name")) name = argv[i + 1];
        else if (!strcmp(argv[i], "--cache-mb")) cache_mb = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--gran")) gran = atol(argv[i + 1]);
    }
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--airday-triggers")) triggers = 1;
    char path[1024];
    snprintf(path, sizeof path, "%s/floor.db", dir);
    remove(path);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) return 1;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", sync);
    sqlite3_exec(db, pragma, NULL, NULL, NULL);
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%ld", cache_mb * 1024);
    sqlite3_exec(db, pragma, NULL, NULL, NULL);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
                     "CREATE TABLE obs(series INTEGER NOT NULL, gran INTEGER NOT NULL, t INTEGER NOT NULL, value REAL,"
                     " vtext TEXT NOT NULL, flag TEXT NOT NULL, fields TEXT NOT NULL, notes TEXT NOT NULL,"
                     " received_ms INTEGER NOT NULL, rev INTEGER NOT NULL DEFAULT 0,"
                     " PRIMARY KEY(series, gran, t)) WITHOUT ROWID;",
                 NULL, NULL, NULL);
    if (getenv("FLOOR_TIME_MAJOR")) { /* experiment: time-clustered rows (+ a series index with =2) */
        sqlite3_exec(db, "DROP TABLE obs; CREATE TABLE obs(series INTEGER NOT NULL, gran INTEGER NOT NULL, t INTEGER NOT NULL,"
                         " value REAL, vtext TEXT NOT NULL, flag TEXT NOT NULL, fields TEXT NOT NULL, notes TEXT NOT NULL,"
                         " received_ms INTEGER NOT NULL, rev INTEGER NOT NULL DEFAULT 0,"
                         " PRIMARY KEY(gran, t, series)) WITHOUT ROWID;", NULL, NULL, NULL);
        if (!strcmp(getenv("FLOOR_TIME_MAJOR"), "2")) sqlite3_exec(db, "CREATE INDEX obs_series ON obs(series, gran, t)", NULL, NULL, NULL);
    }
    if (triggers && sqlite3_exec(db, ECO_STORE_DAYS_SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "airday schema: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO obs(series,gran,t,value,vtext,flag,fields,notes,received_ms) "
                           "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", -1, &st, NULL);
    double t0 = now_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    char vtext[32], fields[96];
    for (long i = 0; i < rows; i++) {
        long s = i % series, k = i / series; /* arrival order: every series at minute k, then k+1 */
        if (getenv("FLOOR_SORTED")) { long per = rows / series + 1; s = i / per; k = i % per; }
        double v = 20.0 + (double)(i % 977) / 10.0;
        int vl = snprintf(vtext, sizeof vtext, "%.1f", v);
        int fl = snprintf(fields, sizeof fields, "Min=%.1f;Avg=%.1f;Max=%.1f;Flag=N", v * 0.9, v, v * 1.2);
        sqlite3_bind_int64(st, 1, s + 1);
        sqlite3_bind_int(st, 2, (int)gran);
        sqlite3_bind_int64(st, 3, 1777593600 + k * (gran == 2 ? 3600 : 60));
        sqlite3_bind_double(st, 4, v);
        sqlite3_bind_text(st, 5, vtext, vl, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, "N", 1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, fields, fl, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, "", 0, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, 1777593600000LL + i);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "insert failed: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(st);
        if (batch > 0 && (i + 1) % batch == 0) {
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        }
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double dt = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    remove(path);
    printf("%s\trows\t%ld\trows\n", name, rows);
    printf("%s\tseconds\t%.3f\ts\n", name, dt);
    printf("%s\tvalues_per_s\t%.0f\tvalues/s\n", name, rows / dt);
    return 0;
}
