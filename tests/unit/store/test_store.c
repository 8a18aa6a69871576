/* test_store.c — the store's promises: idempotent resends, revisions never overwrite,
 * the latest-value cache survives a reopen, refused data stays apart, the schema is versioned.
 * Also the server's settings file (a typo is an error naming file:line). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ingest/ingest.h"
#include "store/store.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/eco_store_test_XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static eco_store_t *open_rw(void)
{
    eco_store_t *s = NULL;
    eco_err_t err;
    eco_err_clear(&err);
    eco_store_opts_t o;
    eco_store_opts_default(&o);
    o.sync = ECO_SYNC_OFF;
    assert_int_equal(eco_store_open(&s, dir, &o, &err), 0);
    return s;
}

static eco_obs_t obs(const char *mn, const char *factor, eco_time_t t, const char *v, const char *fields)
{
    eco_obs_t o;
    memset(&o, 0, sizeof o);
    o.mn = mn;
    o.factor = factor;
    o.gran = ECO_GRAN_HOUR;
    o.t = t;
    o.value = atof(v);
    o.vtext = eco_slice_cstr(v);
    o.flag = eco_slice_cstr("N");
    o.fields = eco_slice_cstr(fields);
    o.notes = eco_slice_cstr("");
    o.received_ms = 1000;
    return o;
}

typedef struct rows {
    int n;
    char v[8][32];
    int rev[8];
} rows_t;

static int collect(void *ud, const eco_obs_row_t *r)
{
    rows_t *x = ud;
    if (x->n < 8) {
        snprintf(x->v[x->n], sizeof x->v[0], "%s", r->vtext);
        x->rev[x->n] = r->revisions;
    }
    x->n++;
    return 0;
}

static void test_upsert_semantics(void **state)
{
    (void)state;
    eco_store_t *s = open_rw();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_schema_version(s), 6);
    assert_int_equal(eco_store_device_register(s, "MN1", "pw", 1, &err), 1);
    assert_int_equal(eco_store_device_register(s, "MN1", "other", 2, &err), 0); /* existing: untouched */
    eco_time_t t = 1777593600;
    int out = -1;
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    eco_obs_t a = obs("MN1", "a34004", t, "35", "Avg=35;Flag=N");
    assert_int_equal(eco_store_obs_put(s, &a, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_NEW);
    assert_int_equal(eco_store_obs_put(s, &a, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_SAME);
    eco_obs_t b = obs("MN1", "a34004", t, "36", "Avg=36;Flag=N");
    assert_int_equal(eco_store_obs_put(s, &b, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_REVISED);
    eco_obs_t c = obs("MN1", "a34004", t, "36", "Avg=36;Min=30;Flag=N"); /* same value, another field changed */
    assert_int_equal(eco_store_obs_put(s, &c, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_REVISED);
    eco_obs_t d = obs("MN1", "a34004", t - 3600, "20", "Avg=20;Flag=N"); /* an earlier hour arrives late */
    assert_int_equal(eco_store_obs_put(s, &d, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_NEW);
    eco_obs_t u = obs("NOBODY", "a34004", t, "1", "Avg=1");
    assert_int_equal(eco_store_obs_put(s, &u, &out, &err), ECO_ENOENT); /* not in the catalogue */
    assert_non_null(strstr(err.msg, "NOBODY"));
    assert_int_equal(eco_store_tx_commit(s, &err), 0);

    rows_t r = {0};
    eco_obs_query_t q;
    eco_obs_query_init(&q);
    assert_int_equal(eco_store_obs_query(s, &q, collect, &r, &err), 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.v[0], "20"); /* ordered by time */
    assert_string_equal(r.v[1], "36");
    assert_int_equal(r.rev[1], 2);
    rows_t h = {0};
    assert_int_equal(eco_store_obs_history(s, "MN1", "a34004", ECO_GRAN_HOUR, t, collect, &h, &err), 0);
    assert_int_equal(h.n, 2); /* both earlier versions are kept, oldest first */
    assert_string_equal(h.v[0], "35");
    assert_string_equal(h.v[1], "36");
    eco_latest_t l;
    assert_int_equal(eco_store_latest(s, "MN1", "a34004", ECO_GRAN_HOUR, &l), 1);
    assert_int_equal(l.t, t); /* the late earlier hour does not replace the latest */
    assert_true(l.value == 36.0);
    assert_int_equal(eco_store_latest(s, "MN1", "a34004", ECO_GRAN_MINUTE, &l), 0);
    /* filters */
    eco_obs_query_init(&q);
    q.from = t;
    memset(&r, 0, sizeof r);
    assert_int_equal(eco_store_obs_query(s, &q, collect, &r, &err), 0);
    assert_int_equal(r.n, 1);
    q.from = INT64_MIN;
    q.mn = "MN2";
    memset(&r, 0, sizeof r);
    assert_int_equal(eco_store_obs_query(s, &q, collect, &r, &err), 0);
    assert_int_equal(r.n, 0);
    eco_store_close(s);

    /* reopen: the latest-value cache is rebuilt from the store */
    s = open_rw();
    assert_int_equal(eco_store_latest(s, "MN1", "a34004", ECO_GRAN_HOUR, &l), 1);
    assert_int_equal(l.t, t);
    assert_string_equal(l.flag, "N");
    eco_store_close(s);
}

static void test_outside_tx_and_quarantine(void **state)
{
    (void)state;
    eco_store_t *s = open_rw();
    eco_err_t err;
    eco_err_clear(&err);
    eco_device_t dv = {.mn = "MN9", .pw = "p", .profile = "tolerant", .site = "S1"};
    assert_int_equal(eco_store_device_put(s, &dv, &err), 0);
    eco_obs_t a = obs("MN9", "w01018", 1777593600, "12", "Avg=12");
    int out;
    assert_true(eco_store_obs_put(s, &a, &out, &err) < 0); /* writes need a transaction */
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    eco_quarantine_t q = {.received_ms = 5, .peer = "1.2.3.4:5", .mn = "X", .reason = "unknown MN",
                          .frame = eco_slice_cstr("QN=1;CN=2011")};
    assert_int_equal(eco_store_quarantine_put(s, &q, &err), 0);
    assert_int_equal(eco_store_tx_rollback(s), 0);
    eco_store_stats_t st;
    eco_store_stats(s, &st);
    eco_store_close(s);
    /* the rolled-back quarantine row is not there */
    char path[300];
    snprintf(path, sizeof path, "%s/ecobrain.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *stt;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM quarantine", -1, &stt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stt, 0), 0);
    sqlite3_finalize(stt);
    /* a store written by a newer ecobrain is refused, not damaged */
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    eco_store_t *s2 = NULL;
    eco_store_opts_t o;
    eco_store_opts_default(&o);
    assert_int_equal(eco_store_open(&s2, dir, &o, &err), ECO_EUNSUPPORTED);
    assert_null(s2);
    assert_non_null(strstr(err.msg, "99"));
}

/* a rolled-back transaction must leave no cached series id or latest value behind: SQLite
 * reuses the row id, and a stale cache would file f1's value under f2 (a review finding) */
static void test_rollback_leaves_no_cache(void **state)
{
    (void)state;
    eco_store_t *s = open_rw();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_device_register(s, "MNR", "p", 1, &err), 1);
    int out;
    eco_time_t t = 1777593600;
    eco_obs_t a = obs("MNR", "f1", t, "1.0", "Avg=1.0");
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    assert_int_equal(eco_store_obs_put(s, &a, &out, &err), 0);
    assert_int_equal(eco_store_tx_rollback(s), 0);
    eco_latest_t l;
    assert_int_equal(eco_store_latest(s, "MNR", "f1", ECO_GRAN_HOUR, &l), 0);
    eco_obs_t b = obs("MNR", "f2", t, "2.0", "Avg=2.0");
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    assert_int_equal(eco_store_obs_put(s, &b, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_NEW);
    assert_int_equal(eco_store_obs_put(s, &a, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_NEW);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    rows_t r = {0};
    eco_obs_query_t q;
    eco_obs_query_init(&q);
    q.factor = "f1";
    assert_int_equal(eco_store_obs_query(s, &q, collect, &r, &err), 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.v[0], "1.0");
    assert_int_equal(r.rev[0], 0);
    memset(&r, 0, sizeof r);
    q.factor = "f2";
    assert_int_equal(eco_store_obs_query(s, &q, collect, &r, &err), 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.v[0], "2.0");
    assert_int_equal(r.rev[0], 0);
    eco_store_close(s);
}

/* the server's background checkpoints really copy the WAL into the database while the store is open
 * (a connection that had read nothing took the file for a non-WAL one: every checkpoint was a no-op
 * and the WAL grew without bound under load) */
static void test_background_checkpoint(void **state)
{
    (void)state;
    eco_store_t *s = NULL;
    eco_err_t err;
    eco_err_clear(&err);
    eco_store_opts_t o;
    eco_store_opts_default(&o);
    o.sync = ECO_SYNC_OFF;
    o.background_checkpoint = 1;
    assert_int_equal(eco_store_open(&s, dir, &o, &err), 0);
    assert_int_equal(eco_store_device_register(s, "MN1", "pw", 1, &err), 1);
    char db[300];
    snprintf(db, sizeof db, "%s/ecobrain.db", dir);
    struct stat sb;
    assert_int_equal(stat(db, &sb), 0);
    off_t before = sb.st_size;
    char fields[600];
    memset(fields, 'x', sizeof fields - 1);
    fields[sizeof fields - 1] = 0;
    for (int b = 0; b < 20; b++) { /* ~2 MB of rows in 20 commits */
        assert_int_equal(eco_store_tx_begin(s, &err), 0);
        for (int i = 0; i < 200; i++) {
            eco_obs_t ob = obs("MN1", "a34004", (eco_time_t)(b * 200 + i) * 3600, "12.5", fields);
            int outcome;
            assert_int_equal(eco_store_obs_put(s, &ob, &outcome, &err), 0);
        }
        assert_int_equal(eco_store_tx_commit(s, &err), 0);
    }
    /* the checkpointer runs every 200 ms: within 10 s the database file has grown, the store still open */
    int grew = 0;
    for (int k = 0; k < 200 && !grew; k++) {
        assert_int_equal(stat(db, &sb), 0);
        grew = sb.st_size > before + 1000000;
        if (!grew) usleep(50000);
    }
    assert_true(grew);
    eco_store_close(s);
}

static void test_names(void **state)
{
    (void)state;
    eco_gran_t g;
    assert_int_equal(eco_gran_parse("hour", &g), 0);
    assert_int_equal(g, ECO_GRAN_HOUR);
    assert_int_equal(eco_gran_parse("2051", &g), 0);
    assert_int_equal(g, ECO_GRAN_MINUTE);
    assert_int_equal(eco_gran_parse("week", &g), ECO_EINVAL);
    assert_int_equal(eco_gran_of_cn(2031), ECO_GRAN_DAY);
    assert_int_equal(eco_gran_of_cn(2041), -1);
    eco_site_kind_t k;
    assert_int_equal(eco_site_kind_parse(eco_slice_cstr("地下水"), &k), 0);
    assert_int_equal(k, ECO_SITE_GROUNDWATER);
    assert_int_equal(eco_site_kind_parse(eco_slice_cstr("lake?"), &k), ECO_EINVAL);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_config(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/s.ini", dir);
    eco_ingest_cfg_t c;
    eco_err_t err;
    eco_ingest_cfg_default(&c);
    write_file(path, "[hj212]\nlisten = 127.0.0.1:7000\nframe_timeout_s = 5\nopen_registration = yes\n"
                     "[store]\nsync = normal\nbatch_rows = 100\n");
    assert_int_equal(eco_ingest_cfg_load(&c, path, &err), 0);
    assert_string_equal(c.hj212_host, "127.0.0.1");
    assert_int_equal(c.hj212_port, 7000);
    assert_int_equal(c.frame_timeout_s, 5);
    assert_int_equal(c.open_registration, 1);
    assert_int_equal(c.sync, ECO_SYNC_NORMAL);
    assert_int_equal(c.batch_rows, 100);
    write_file(path, "[hj212]\nframe_timeout_s = 5\nframe_timout_s = 6\n");
    assert_int_equal(eco_ingest_cfg_load(&c, path, &err), ECO_EPARSE);
    assert_non_null(strstr(err.msg, ":3:"));
    assert_non_null(strstr(err.msg, "frame_timout_s"));
    write_file(path, "[store]\nsync = sometimes\n");
    assert_int_equal(eco_ingest_cfg_load(&c, path, &err), ECO_EPARSE);
    assert_non_null(strstr(err.msg, "sometimes"));
    write_file(path, "[hj212]\nmax_connections = -1\n");
    assert_int_equal(eco_ingest_cfg_load(&c, path, &err), ECO_EPARSE);
    /* the ledger's settings: on with 24 quiet hours unless told otherwise */
    eco_ingest_cfg_default(&c);
    assert_int_equal(c.ledger, 1);
    assert_int_equal(c.ledger_quiet_h, 24);
    write_file(path, "[ledger]\nenabled = false\nquiet_hours = 6\n");
    assert_int_equal(eco_ingest_cfg_load(&c, path, &err), 0);
    assert_int_equal(c.ledger, 0);
    assert_int_equal(c.ledger_quiet_h, 6);
    write_file(path, "[ledger]\nquiet_hours = -1\n");
    assert_int_equal(eco_ingest_cfg_load(&c, path, &err), ECO_EPARSE);
    assert_non_null(strstr(err.msg, "quiet_hours"));
    write_file(path, "[ledger]\nquiet = 6\n");
    assert_int_equal(eco_ingest_cfg_load(&c, path, &err), ECO_EPARSE);
    assert_non_null(strstr(err.msg, "quiet"));
    char host[64];
    int port;
    assert_int_equal(eco_ingest_parse_addr(":6001", host, sizeof host, &port), 0);
    assert_string_equal(host, "0.0.0.0");
    assert_int_equal(port, 6001);
    assert_int_equal(eco_ingest_parse_addr("host:99999", host, sizeof host, &port), ECO_EINVAL);
}

/* ---- the recent tier (docs/ingest.md "The recent tier") */

#define TF 5  /* series */
#define TK 12 /* hours each */
static const eco_time_t T0 = 1777593600;
static char tval[TF][TK][16]; /* the value each key should read as */

static eco_store_t *open_tier(void)
{
    eco_store_t *s = NULL;
    eco_err_t err;
    eco_err_clear(&err);
    eco_store_opts_t o;
    eco_store_opts_default(&o);
    o.sync = ECO_SYNC_OFF;
    o.recent_tier = 1;
    assert_int_equal(eco_store_open(&s, dir, &o, &err), 0);
    return s;
}

static void put_one(eco_store_t *s, int f, int k, const char *v, int expect)
{
    char factor[8], fields[32];
    snprintf(factor, sizeof factor, "f%d", f);
    snprintf(fields, sizeof fields, "Avg=%s", v);
    eco_obs_t o = obs("MNT", factor, T0 + k * 3600, v, fields);
    eco_err_t err;
    eco_err_clear(&err);
    int out = -1;
    assert_int_equal(eco_store_obs_put(s, &o, &out, &err), 0);
    assert_int_equal(out, expect);
    if (expect != ECO_STORE_SAME) snprintf(tval[f][k], sizeof tval[f][k], "%s", v);
}

typedef struct seen {
    int n, bad, order;
    int count[TF][TK];
    char last[64];
} seen_t;

static int on_tier_row(void *ud, const eco_obs_row_t *r)
{
    seen_t *x = ud;
    int f = r->factor[1] - '0', k = (int)((r->t - T0) / 3600);
    char key[64];
    snprintf(key, sizeof key, "%s|%s|%d|%012lld", r->mn, r->factor, (int)r->gran, (long long)r->t);
    if (x->n && strcmp(x->last, key) >= 0) x->order++; /* (mn, factor, gran, t) strictly rising */
    snprintf(x->last, sizeof x->last, "%s", key);
    x->n++;
    if (f < 0 || f >= TF || k < 0 || k >= TK) return x->bad++, 0;
    x->count[f][k]++;
    if (strcmp(r->vtext, tval[f][k])) x->bad++;
    return 0;
}

static int on_tier_hour(void *ud, size_t k, eco_time_t t, const char *vtext, size_t vlen, const char *flag)
{
    (void)flag;
    seen_t *x = ud;
    int h = (int)((t - T0) / 3600);
    if (x->n && t <= (eco_time_t)atoll(x->last) && k == (size_t)x->order) x->bad++; /* time order per series */
    snprintf(x->last, sizeof x->last, "%lld", (long long)t);
    x->order = (int)k;
    x->n++;
    if (h < 0 || h >= TK || k >= TF || strlen(tval[k][h]) != vlen || memcmp(vtext, tval[k][h], vlen)) return x->bad++, 0;
    x->count[k][h]++;
    return 0;
}

/* every value read exactly once, as last written, by the export, the hour reads and completeness */
static int on_compl_count(void *ud, const eco_completeness_row_t *r)
{
    *(int *)ud += r->records;
    return 0;
}

static void check_reads(eco_store_t *s, int nkeys)
{
    eco_err_t err;
    eco_err_clear(&err);
    seen_t x;
    memset(&x, 0, sizeof x);
    eco_obs_query_t q;
    eco_obs_query_init(&q);
    assert_int_equal(eco_store_obs_query(s, &q, on_tier_row, &x, &err), 0);
    assert_int_equal(x.n, nkeys);
    assert_int_equal(x.bad, 0);
    assert_int_equal(x.order, 0);
    for (int f = 0; f < TF; f++)
        for (int k = 0; k < TK; k++) assert_int_equal(x.count[f][k], tval[f][k][0] ? 1 : 0);
    /* one series, time-major, one granularity (the API's shape) */
    memset(&x, 0, sizeof x);
    q.mn = "MNT";
    q.factor = "f2";
    q.gran = ECO_GRAN_HOUR;
    q.time_major = 1;
    q.lean = 1;
    assert_int_equal(eco_store_obs_query(s, &q, on_tier_row, &x, &err), 0);
    int n2 = 0;
    for (int k = 0; k < TK; k++) n2 += tval[2][k][0] ? 1 : 0;
    assert_int_equal(x.n, n2);
    assert_int_equal(x.bad, 0);
    memset(&x, 0, sizeof x); /* any granularity: the recent rows scanned for the series asked */
    q.gran = -1;
    q.time_major = 0;
    q.lean = 0;
    assert_int_equal(eco_store_obs_query(s, &q, on_tier_row, &x, &err), 0);
    assert_int_equal(x.n, n2);
    assert_int_equal(x.bad, 0);
    assert_int_equal(x.order, 0);
    /* the hour reads of the air grid and the targets */
    const char *mn[TF] = {"MNT", "MNT", "MNT", "MNT", "MNT"}, *fac[TF] = {"f0", "f1", "f2", "f3", "f4"};
    memset(&x, 0, sizeof x);
    assert_int_equal(eco_store_hour_values(s, mn, fac, TF, INT64_MIN, INT64_MAX, on_tier_hour, &x, &err), 0);
    assert_int_equal(x.n, nkeys);
    assert_int_equal(x.bad, 0);
    eco_time_t first, last;
    assert_int_equal(eco_store_hour_span(s, mn, fac, TF, INT64_MIN, INT64_MAX, &first, &last, &err), 0);
    int kmax = 0, hours = 0;
    for (int k = 0; k < TK; k++) {
        int any = 0;
        for (int f = 0; f < TF; f++) any |= tval[f][k][0] != 0;
        if (any) kmax = k, hours++;
    }
    assert_int_equal(first, T0);
    assert_int_equal(last, T0 + kmax * 3600);
    int records = 0;
    assert_int_equal(eco_store_completeness(s, "MNT", (eco_day_t)(T0 / 86400), (eco_day_t)(T0 / 86400) + 1,
                                            on_compl_count, &records, &err),
                     0);
    assert_int_equal(records, hours); /* distinct hours: each once however many tiers hold it */
}

static long count_sql(const char *sql)
{
    char path[300];
    snprintf(path, sizeof path, "%s/ecobrain.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void move_all(eco_store_t *s, long chunk)
{
    eco_err_t err;
    eco_err_clear(&err);
    for (int i = 0; i < 10000 && (eco_store_tier_pending(s) > 0 || eco_store_tier_moving(s)); i++)
        assert_true(eco_store_tier_step(s, chunk, &err) >= 0);
    assert_int_equal(eco_store_tier_pending(s), 0);
    assert_int_equal(eco_store_tier_moving(s), 0);
}

/* resends and revisions find a value in either tier; moves keep every value once; the latest-value
 * cache counts the recent tier */
static void test_tier_upsert_and_move(void **state)
{
    (void)state;
    memset(tval, 0, sizeof tval);
    eco_store_t *s = open_tier();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_device_register(s, "MNT", "p", 1, &err), 1);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    for (int k = 0; k < TK / 2; k++)
        for (int f = 0; f < TF; f++) put_one(s, f, k, "1.0", ECO_STORE_NEW);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    assert_int_equal(eco_store_tier_pending(s), TF * TK / 2);
    assert_int_equal(count_sql("SELECT count(*) FROM obs"), 0); /* all of it in the recent tier */
    check_reads(s, TF * TK / 2);
    move_all(s, 7);
    assert_int_equal(count_sql("SELECT count(*) FROM recent"), 0);
    assert_int_equal(count_sql("SELECT count(*) FROM obs"), TF * TK / 2);
    check_reads(s, TF * TK / 2);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    for (int k = TK / 2; k < TK; k++)
        for (int f = 0; f < TF; f++) put_one(s, f, k, "2.0", ECO_STORE_NEW);
    put_one(s, 1, 1, "1.0", ECO_STORE_SAME);    /* a resend of a moved value */
    put_one(s, 1, TK - 1, "2.0", ECO_STORE_SAME); /* a resend of a recent one */
    put_one(s, 2, 2, "3.0", ECO_STORE_REVISED); /* a revision in obs */
    put_one(s, 2, TK - 2, "3.0", ECO_STORE_REVISED); /* a revision in recent */
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    check_reads(s, TF * TK);
    rows_t h = {0};
    assert_int_equal(eco_store_obs_history(s, "MNT", "f2", ECO_GRAN_HOUR, T0 + (TK - 2) * 3600, collect, &h, &err), 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.v[0], "2.0");
    /* a rollback takes its values out of the tier's index too: the same key is new again */
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    eco_obs_t late = obs("MNT", "f0", T0 - 3600, "9", "Avg=9");
    int out;
    assert_int_equal(eco_store_obs_put(s, &late, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_NEW);
    assert_int_equal(eco_store_tx_rollback(s), 0);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    assert_int_equal(eco_store_obs_put(s, &late, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_NEW);
    assert_int_equal(eco_store_obs_put(s, &late, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_SAME);
    assert_int_equal(eco_store_tx_rollback(s), 0);
    eco_store_close(s);

    s = open_tier(); /* reopen: the index and the latest values come back from the recent tier */
    eco_latest_t l;
    assert_int_equal(eco_store_latest(s, "MNT", "f3", ECO_GRAN_HOUR, &l), 1);
    assert_int_equal(l.t, T0 + (TK - 1) * 3600);
    assert_int_equal(eco_store_tier_pending(s), TF * TK / 2);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    put_one(s, 4, TK - 1, "2.0", ECO_STORE_SAME);
    put_one(s, 4, TK - 1, "5.0", ECO_STORE_REVISED);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    move_all(s, 1000);
    check_reads(s, TF * TK);
    assert_int_equal(count_sql("SELECT count(*) FROM revision"), 3);
    eco_store_close(s);
    /* the tier off (the server's `tier = false`): values go straight to obs, still found in both */
    eco_store_t *p = open_rw();
    assert_int_equal(eco_store_tx_begin(p, &err), 0);
    put_one(p, 0, 0, "1.0", ECO_STORE_SAME);
    put_one(p, 0, 0, "7.0", ECO_STORE_REVISED);
    assert_int_equal(eco_store_tx_commit(p, &err), 0);
    check_reads(p, TF * TK);
    eco_store_close(p);
}

/* a move chunk asked to yield ends after the rows it has moved so far (a multiple of 1,024) and
 * commits them; one that is never asked moves its max_rows; every value stays readable once */
static int yield_calls, yield_after;
static int yield_cb(void *ud)
{
    (void)ud;
    return ++yield_calls > yield_after;
}

static void test_tier_yield(void **state)
{
    (void)state;
    eco_store_t *s = open_tier();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_device_register(s, "MNY", "p", 1, &err), 1);
    enum { N = 5000 };
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    for (int k = 0; k < N; k++) {
        eco_obs_t o = obs("MNY", "a34004", T0 + k * 60, "12", "Avg=12");
        o.gran = ECO_GRAN_MINUTE;
        int out = -1;
        assert_int_equal(eco_store_obs_put(s, &o, &out, &err), 0);
        assert_int_equal(out, ECO_STORE_NEW);
    }
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    /* the index resized with its keys in it: each is still found (a resend is SAME, not NEW) */
    assert_int_equal(eco_store_tier_reserve(s, 200000), 0);
    assert_int_equal(eco_store_tier_pending(s), N);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    for (int k = 0; k < N; k += 499) {
        eco_obs_t o = obs("MNY", "a34004", T0 + k * 60, "12", "Avg=12");
        o.gran = ECO_GRAN_MINUTE;
        int out = -1;
        assert_int_equal(eco_store_obs_put(s, &o, &out, &err), 0);
        assert_int_equal(out, ECO_STORE_SAME);
    }
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    eco_store_tier_yield(s, yield_cb, NULL);
    yield_calls = 0, yield_after = 1; /* "go on" once, then "stop" */
    assert_int_equal(eco_store_tier_step(s, 100000, &err), 2048);
    assert_int_equal(yield_calls, 2);
    assert_int_equal(count_sql("SELECT count(*) FROM obs"), 2048);
    assert_int_equal(count_sql("SELECT count(*) FROM obs_all"), N);
    yield_calls = 0, yield_after = 1000000; /* never stop: the chunk's own size ends it */
    assert_int_equal(eco_store_tier_step(s, 1500, &err), 1500);
    eco_store_tier_yield(s, NULL, NULL);
    assert_int_equal(eco_store_tier_step(s, 100000, &err), N - 2048 - 1500);
    assert_int_equal(count_sql("SELECT count(*) FROM obs"), N);
    assert_int_equal(count_sql("SELECT count(*) FROM obs_all"), N);
    /* the pass's deletes give way too: one slice of 4,096 ids, then the rest later */
    eco_store_tier_yield(s, yield_cb, NULL);
    yield_calls = 0, yield_after = 0;
    assert_int_equal(eco_store_tier_step(s, 100000, &err), 0);
    assert_int_equal(yield_calls, 1);
    assert_int_equal(count_sql("SELECT count(*) FROM recent"), N - 4096);
    assert_int_equal(count_sql("SELECT count(*) FROM obs_all"), N); /* each value still once */
    assert_int_equal(eco_store_tier_moving(s), 1);
    eco_store_tier_yield(s, NULL, NULL);
    move_all(s, 100000); /* the rest of the deletes */
    assert_int_equal(count_sql("SELECT count(*) FROM recent"), 0);
    eco_store_close(s);
}

/* kill -9 in the middle of a move, and a move stopped between chunks: every value is read exactly
 * once at every point, and the pass goes on where it stopped */
static void test_tier_interrupted_move(void **state)
{
    (void)state;
    memset(tval, 0, sizeof tval);
    eco_store_t *s = open_tier();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_device_register(s, "MNT", "p", 1, &err), 1);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    for (int k = 0; k < TK; k++)
        for (int f = 0; f < TF; f++) put_one(s, f, k, k % 2 ? "1.5" : "2.5", ECO_STORE_NEW);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    /* two chunks of a pass committed, then the store closed (a stop between chunks) */
    assert_int_equal(eco_store_tier_step(s, 10, &err), 10);
    assert_int_equal(eco_store_tier_step(s, 10, &err), 10);
    assert_int_equal(count_sql("SELECT count(*) FROM obs"), 20);
    assert_int_equal(count_sql("SELECT count(*) FROM recent"), TF * TK); /* moved rows stay until the pass ends */
    assert_int_equal(count_sql("SELECT count(*) FROM obs_all"), TF * TK);      /* the view: each value once */
    check_reads(s, TF * TK);
    /* mid-pass: a revision of a moved value goes to obs, of an unmoved one to recent */
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    put_one(s, 0, 0, "8.0", ECO_STORE_REVISED);
    put_one(s, 4, TK - 1, "8.0", ECO_STORE_REVISED);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    check_reads(s, TF * TK);
    eco_store_close(s);

    s = open_tier();
    check_reads(s, TF * TK);
    assert_int_equal(eco_store_tier_moving(s), 1); /* resumed from its watermark */
    assert_int_equal(eco_store_tier_pending(s), TF * TK - 20);
    /* a crash in the middle of a chunk: the child dies before its commit */
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        eco_store_tier_test_crash_after(s, 5);
        eco_store_tier_step(s, 10, &err);
        _exit(0); /* not reached */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 77);
    eco_store_close(s);
    assert_int_equal(count_sql("SELECT count(*) FROM obs"), 20); /* the chunk rolled back as a whole */

    s = open_tier();
    check_reads(s, TF * TK);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    put_one(s, 0, 0, "8.0", ECO_STORE_SAME);
    put_one(s, 3, 3, "1.5", ECO_STORE_SAME);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    move_all(s, 9);
    check_reads(s, TF * TK);
    assert_int_equal(count_sql("SELECT count(*) FROM obs"), TF * TK);
    assert_int_equal(count_sql("SELECT count(*) FROM recent"), 0);
    assert_int_equal(count_sql("SELECT upto FROM recent_moved"), 0);
    assert_int_equal(count_sql("SELECT count(*) FROM obs_all"), TF * TK);
    eco_store_close(s);
}

/* a version-5 store (before the recent tier) migrates: its values stay readable and resends are found */
static void test_tier_migrates_v4(void **state)
{
    (void)state;
    memset(tval, 0, sizeof tval);
    eco_store_t *p = open_rw();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_device_register(p, "MNT", "p", 1, &err), 1);
    assert_int_equal(eco_store_tx_begin(p, &err), 0);
    for (int f = 0; f < TF; f++) put_one(p, f, 0, "4.0", ECO_STORE_NEW);
    assert_int_equal(eco_store_tx_commit(p, &err), 0);
    eco_store_close(p);
    char path[300];
    snprintf(path, sizeof path, "%s/ecobrain.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP VIEW obs_all; DROP TABLE recent; DROP TABLE recent_moved; PRAGMA user_version=5", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    eco_store_opts_t ro;
    eco_store_opts_default(&ro);
    ro.readonly = 1;
    eco_store_t *s = NULL;
    assert_int_equal(eco_store_open(&s, dir, &ro, &err), 0); /* read-only: read as it is */
    seen_t x;
    memset(&x, 0, sizeof x);
    eco_obs_query_t q;
    eco_obs_query_init(&q);
    assert_int_equal(eco_store_obs_query(s, &q, on_tier_row, &x, &err), 0);
    assert_int_equal(x.n, TF);
    eco_store_close(s);
    s = open_tier();
    assert_int_equal(eco_store_schema_version(s), 6);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    put_one(s, 1, 0, "4.0", ECO_STORE_SAME);
    put_one(s, 1, 1, "4.0", ECO_STORE_NEW);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    assert_int_equal(count_sql("SELECT count(*) FROM recent"), 1);
    eco_store_close(s);
}

/* the daily-value cache's dirty days: a new or revised hour value bumps its day's counter once per
 * transaction, in either tier; a resend, a minute value and a rolled-back batch do not */
static long dirty_n(eco_time_t t)
{
    char q[128];
    snprintf(q, sizeof q, "SELECT coalesce((SELECT n FROM airday_dirty WHERE day = %lld), 0)",
             (long long)(t / 86400 - (t % 86400 < 0)));
    return count_sql(q);
}

static void dirty_days_case(eco_store_t *s)
{
    eco_err_t err;
    eco_err_clear(&err);
    eco_time_t t = 1767225600 + 3 * 3600; /* a day's fourth hour */
    long n0 = dirty_n(t);
    int out;
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    eco_obs_t a = obs("MND", "a34004", t, "30", "Avg=30"), b = obs("MND", "a34004", t + 3600, "31", "Avg=31");
    assert_int_equal(eco_store_obs_put(s, &a, &out, &err), 0);
    assert_int_equal(eco_store_obs_put(s, &b, &out, &err), 0);      /* same day, same transaction: once */
    eco_obs_t m = obs("MND", "a34004", t + 86400, "9", "Avg=9");
    m.gran = ECO_GRAN_MINUTE;                                         /* minutes do not feed the cache */
    assert_int_equal(eco_store_obs_put(s, &m, &out, &err), 0);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    assert_int_equal(dirty_n(t), n0 + 1);
    assert_int_equal(dirty_n(t + 86400), 0);
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    assert_int_equal(eco_store_obs_put(s, &a, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_SAME);                            /* a resend changes nothing */
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    assert_int_equal(dirty_n(t), n0 + 1);
    eco_obs_t a2 = obs("MND", "a34004", t, "35", "Avg=35");
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    assert_int_equal(eco_store_obs_put(s, &a2, &out, &err), 0);
    assert_int_equal(out, ECO_STORE_REVISED);                         /* a revision does */
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    assert_true(dirty_n(t) >= n0 + 2);
    long n1 = dirty_n(t);
    eco_obs_t c = obs("MND", "a34004", t + 7200, "33", "Avg=33");
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    assert_int_equal(eco_store_obs_put(s, &c, &out, &err), 0);
    assert_int_equal(eco_store_tx_rollback(s), 0);                    /* rolled back with its value */
    assert_int_equal(dirty_n(t), n1);
}

static void test_dirty_days(void **state)
{
    (void)state;
    eco_store_t *s = open_rw();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_device_register(s, "MND", "p", 1, &err), 1);
    dirty_days_case(s);
    eco_store_close(s);
}

static void test_dirty_days_tier(void **state)
{
    (void)state;
    eco_store_t *s = open_tier();
    eco_err_t err;
    eco_err_clear(&err);
    assert_int_equal(eco_store_device_register(s, "MND", "p", 1, &err), 1);
    dirty_days_case(s);
    assert_true(count_sql("SELECT count(*) FROM recent") > 0); /* the values went to the recent tier */
    eco_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upsert_semantics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_tx_and_quarantine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_no_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_background_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tier_upsert_and_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tier_interrupted_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tier_migrates_v4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tier_yield, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dirty_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dirty_days_tier, setup, teardown),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
