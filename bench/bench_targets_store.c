/* bench_targets_store.c — builds the store that `targets report --data` is timed on.
 *
 * Issue #6: the target report for 30 targets over 2,000 sites × 1 year from the store. This writes
 * a store of N ambient-air sites in 11 cities of one province, one device each, and a year of hour
 * records (CN 2061) of the six pollutants (2017 codes), 3 % missing, values as devices send them
 * ("35.2", CO "0.84"), flag N. The catalogue goes through the store API; the 105 M observations are
 * inserted with plain SQL in key order into the store's own tables (the server's durable path would
 * take far longer and is benchmarked elsewhere), then the store is opened once more through the API
 * so that it is checked. Synthetic values: seasonal, diurnal and per-site, seeded.
 *
 *   bench_targets_store --dir DIR [--sites 2000] [--year 2025]
 */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static uint64_t rng = 20251231;
static double unit(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static int die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_targets_store: %s: %s\n", what, msg);
    return 1;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    int nsites = 2000, year = 2025;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--sites")) nsites = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--year")) year = atoi(argv[i + 1]);
    }
    if (!dir || nsites <= 0) return die("usage", "--dir DIR [--sites N] [--year Y]");
    static const char *const cities[11] = {"杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市",
                                           "金华市", "衢州市", "舟山市", "台州市", "丽水市"};
    static const char *const codes[6] = {"a21026", "a21004", "a21005", "a05024", "a34002", "a34004"};
    eco_store_t *st;
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.sync = ECO_SYNC_OFF;
    eco_err_t err;
    eco_err_clear(&err);
    if (eco_store_open(&st, dir, &so, &err) < 0) return die(dir, err.msg);
    if (eco_store_tx_begin(st, &err) < 0) return die("tx", err.msg);
    for (int i = 0; i < nsites; i++) {
        char code[32], name[32], county[48], mn[32];
        snprintf(code, sizeof code, "B%04d", i);
        snprintf(name, sizeof name, "站点%d", i);
        snprintf(county, sizeof county, "%s第%d区", cities[i % 11], i % 7);
        snprintf(mn, sizeof mn, "BENCHA%08d", i);
        eco_site_t s = {code, ECO_SITE_AIR, name, "浙江省", cities[i % 11], county, "", "", NAN, NAN, ""};
        eco_device_t d = {mn, "123456", "2017", "", "strict", code, 0, 0};
        if (eco_store_site_put(st, &s, &err) < 0 || eco_store_device_put(st, &d, &err) < 0) return die("catalogue", err.msg);
    }
    if (eco_store_tx_commit(st, &err) < 0) return die("commit", err.msg);
    eco_store_close(st);

    char path[1024];
    snprintf(path, sizeof path, "%s/ecobrain.db", dir);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) return die(path, sqlite3_errmsg(db));
    sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *sser, *sobs;
    if (sqlite3_prepare_v2(db, "INSERT INTO series(id, device, factor) SELECT ?1, id, ?3 FROM device WHERE mn = ?2", -1,
                           &sser, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO obs(series, gran, t, value, vtext, flag, fields, notes, received_ms)"
                           " VALUES (?1, 2, ?2, ?3, ?4, 'N', ?5, '', ?6)",
                           -1, &sobs, NULL) != SQLITE_OK)
        return die("prepare", sqlite3_errmsg(db));
    /* per pollutant: base level, seasonal amplitude (winter high; O3 summer high), diurnal amplitude */
    static const double base[6] = {8, 30, 0.7, 90, 60, 32}, seas[6] = {3, 10, 0.25, -40, 25, 18},
                        diur[6] = {2, 12, 0.2, 45, 10, 6};
    int ndays = (year % 4 == 0 && (year % 100 || year % 400 == 0)) ? 366 : 365;
    int64_t t0 = (int64_t)eco_day_from_civil(year, 1, 1) * 86400;
    long rows = 0;
    for (int i = 0; i < nsites; i++) {
        char mn[32];
        snprintf(mn, sizeof mn, "BENCHA%08d", i);
        double site_f = 0.7 + 0.6 * unit();
        for (int p = 0; p < 6; p++) {
            int64_t sid = (int64_t)i * 6 + p + 1;
            sqlite3_reset(sser);
            sqlite3_bind_int64(sser, 1, sid);
            sqlite3_bind_text(sser, 2, mn, -1, SQLITE_STATIC);
            sqlite3_bind_text(sser, 3, codes[p], -1, SQLITE_STATIC);
            if (sqlite3_step(sser) != SQLITE_DONE) return die("series", sqlite3_errmsg(db));
            for (int h = 0; h < ndays * 24; h++) {
                if (unit() < 0.03) continue;
                double d = h / 24.0, hr = h % 24;
                double v = site_f * (base[p] + seas[p] * cos(2 * M_PI * (d - 15) / 365.0)) +
                           diur[p] * sin(2 * M_PI * (hr - 9) / 24.0) * (p == 3 ? 1 : -0.5);
                v *= 0.6 + 0.8 * unit();
                if (unit() < 0.01 && p >= 4) v *= 3.5; /* episodes */
                if (v < 0) v = 0;
                char txt[32], fields[48];
                snprintf(txt, sizeof txt, p == 2 ? "%.2f" : "%.1f", v);
                snprintf(fields, sizeof fields, "Avg=%s;Flag=N", txt);
                sqlite3_reset(sobs);
                sqlite3_bind_int64(sobs, 1, sid);
                sqlite3_bind_int64(sobs, 2, t0 + (int64_t)h * 3600);
                sqlite3_bind_double(sobs, 3, strtod(txt, NULL));
                sqlite3_bind_text(sobs, 4, txt, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(sobs, 5, fields, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(sobs, 6, (t0 + (int64_t)h * 3600 + 3600 - 8 * 3600) * 1000 + 5000);
                if (sqlite3_step(sobs) != SQLITE_DONE) return die("obs", sqlite3_errmsg(db));
                rows++;
            }
        }
        if (i % 100 == 99) {
            sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL);
            fprintf(stderr, "\r%d/%d sites", i + 1, nsites);
        }
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(sser);
    sqlite3_finalize(sobs);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_close(db);
    so.readonly = 1;
    so.create = 0;
    if (eco_store_open(&st, dir, &so, &err) < 0) return die(dir, err.msg);
    eco_store_close(st);
    fprintf(stderr, "\n%ld hour values of %d sites written to %s\n", rows, nsites, dir);
    printf("brain_targets_store\tvalues\t%ld\tvalues\n", rows);
    return 0;
}
