/* test_store.c — the store's promises: idempotent resends, revisions never overwrite,
 * the latest-value cache survives a reopen, refused data stays apart, the schema is versioned.
 * Also the server's settings file (a typo is an error naming file:line). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
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
    assert_int_equal(eco_store_schema_version(s), 5);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upsert_semantics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_tx_and_quarantine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_no_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_background_checkpoint, setup, teardown),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
