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
 *
 * The two-tier layout (issue #4, docs/ingest.md "The recent tier"):
 *   --tier same|attached   rows are appended to a rowid table `recent` (in the same file, or in a
 *                          second file attached with its own WAL) and moved into obs in batches
 *   --move M               rows per move (default 1,000,000): INSERT INTO obs SELECT ... FROM recent
 *                          ORDER BY series, gran, t, then DELETE the moved rows from recent
 *   --recent-index 1       an index on recent(series, gran, t), as reads of the recent rows would need
 * and, for every layout, --shuffle 1: devices send in a scrambled order within a minute (as 10,000
 * connections do), not series 1..S in turn. With --tier the figures are the total (appends and moves)
 * and, apart, the appends' and the moves' own rates.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
    long rows = 1000000, series = 60000, batch = 0, cache_mb = 256, move = 1000000, recent_index = 0, shuffle = 0,
         gran = 1;
    int triggers = 0;
    const char *dir = "/tmp", *sync = "full", *name = "ingest_floor", *tier = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rows")) rows = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--series")) series = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--batch")) batch = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--sync")) sync = argv[i + 1];
        else if (!strcmp(argv[i], "--name")) name = argv[i + 1];
        else if (!strcmp(argv[i], "--cache-mb")) cache_mb = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--tier")) tier = argv[i + 1];
        else if (!strcmp(argv[i], "--move")) move = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--recent-index")) recent_index = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--shuffle")) shuffle = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--gran")) gran = atol(argv[i + 1]);
    }
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--airday-triggers")) triggers = 1;
    if (tier && strcmp(tier, "same") && strcmp(tier, "attached")) {
        fprintf(stderr, "--tier same|attached\n");
        return 2;
    }
    char path[1024], rpath[1024], wal[1100];
    snprintf(path, sizeof path, "%s/floor.db", dir);
    snprintf(rpath, sizeof rpath, "%s/floor-recent.db", dir);
    remove(path);
    remove(rpath);
    snprintf(wal, sizeof wal, "%s-wal", path);
    remove(wal);
    snprintf(wal, sizeof wal, "%s-wal", rpath);
    remove(wal);
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
    const char *rt = "recent"; /* the recent table's qualified name */
    if (tier) {
        char sql[1400];
        if (!strcmp(tier, "attached")) {
            snprintf(sql, sizeof sql, "ATTACH '%s' AS r; PRAGMA r.journal_mode=WAL; PRAGMA r.synchronous=%s", rpath, sync);
            if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) return fprintf(stderr, "%s\n", sqlite3_errmsg(db)), 1;
            rt = "r.recent";
        }
        snprintf(sql, sizeof sql, "CREATE TABLE %s(series INTEGER NOT NULL, gran INTEGER NOT NULL, t INTEGER NOT NULL,"
                 " value REAL, vtext TEXT NOT NULL, flag TEXT NOT NULL, fields TEXT NOT NULL, notes TEXT NOT NULL,"
                 " received_ms INTEGER NOT NULL)", rt);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
        if (recent_index) {
            snprintf(sql, sizeof sql, "CREATE INDEX %s_key ON recent(series, gran, t)", rt);
            sqlite3_exec(db, sql, NULL, NULL, NULL);
        }
    }
    char ins[512], mv[600], del[200];
    snprintf(ins, sizeof ins, "INSERT INTO %s(series,gran,t,value,vtext,flag,fields,notes,received_ms) "
                              "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", tier ? rt : "obs");
    snprintf(mv, sizeof mv, "INSERT INTO obs(series,gran,t,value,vtext,flag,fields,notes,received_ms) "
             "SELECT series,gran,t,value,vtext,flag,fields,notes,received_ms FROM %s WHERE rowid <= ?1 "
             "ORDER BY series, gran, t ON CONFLICT DO NOTHING", rt);
    snprintf(del, sizeof del, "DELETE FROM %s WHERE rowid <= ?1", rt);
    sqlite3_stmt *st, *mvst = NULL, *delst = NULL;
    if (sqlite3_prepare_v2(db, ins, -1, &st, NULL) != SQLITE_OK ||
        (tier && (sqlite3_prepare_v2(db, mv, -1, &mvst, NULL) != SQLITE_OK ||
                  sqlite3_prepare_v2(db, del, -1, &delst, NULL) != SQLITE_OK)))
        return fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db)), 1;
    double move_s = 0;
    long moved = 0, since_move = 0, moves = 0;
    long ndev = series / 6 > 0 ? series / 6 : 1;
    double t0 = now_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    char vtext[32], fields[96];
    for (long i = 0; i < rows; i++) {
        long s = i % series, k = i / series; /* arrival order: every series at minute k, then k+1 */
        if (getenv("FLOOR_SORTED")) { long per = rows / series + 1; s = i / per; k = i % per; }
        if (shuffle) s = ((s / 6) * 7919 % ndev) * 6 + s % 6; /* devices in a scrambled order */
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
            since_move += batch;
            if (tier && since_move >= move) { /* the mover: everything appended so far, sorted, into obs */
                double m0 = now_s();
                sqlite3_int64 upto = sqlite3_last_insert_rowid(db);
                /* attached: two commits (obs, then the delete in the recent file), as the store does */
                sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
                sqlite3_bind_int64(mvst, 1, upto);
                if (sqlite3_step(mvst) != SQLITE_DONE) return fprintf(stderr, "move: %s\n", sqlite3_errmsg(db)), 1;
                sqlite3_reset(mvst);
                if (!strcmp(tier, "attached")) {
                    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
                    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
                }
                sqlite3_bind_int64(delst, 1, upto);
                sqlite3_step(delst);
                sqlite3_reset(delst);
                sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
                move_s += now_s() - m0;
                moved += since_move;
                moves++;
                since_move = 0;
            }
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        }
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double dt = now_s() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    sqlite3_finalize(st);
    sqlite3_close(db);
    remove(path);
    remove(rpath);
    printf("%s\trows\t%ld\trows\n", name, rows);
    printf("%s\tcpu_seconds\t%.3f\ts\n", name, cpu);
    if (tier) {
        printf("%s\tmoves\t%ld\tmoves\n", name, moves);
        printf("%s\tappend_values_per_s\t%.0f\tvalues/s\n", name, rows / (dt - move_s));
        printf("%s\tmove_values_per_s\t%.0f\tvalues/s\n", name, moved / (move_s > 0 ? move_s : 1));
    }
    printf("%s\tseconds\t%.3f\ts\n", name, dt);
    printf("%s\tvalues_per_s\t%.0f\tvalues/s\n", name, rows / dt);
    return 0;
}
