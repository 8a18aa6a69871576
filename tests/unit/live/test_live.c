/* test_live.c — the live table and its event ring (src/live): what the HTTP face reads while the
 * ingest writer publishes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/error.h"
#include "live/live.h"

static eco_live_val_t val(eco_time_t t, double v, const char *flag)
{
    eco_live_val_t x;
    memset(&x, 0, sizeof x);
    x.t = t;
    x.value = v;
    snprintf(x.flag, sizeof x.flag, "%s", flag);
    return x;
}

typedef struct seen {
    int rows, hour_rows;
    char site[32];
} seen_t;

static int on_row(void *ud, const eco_live_row_t *r)
{
    seen_t *s = ud;
    s->rows++;
    if (r->val[2]) s->hour_rows++;
    if (!strcmp(r->mn, "M1") && !strcmp(r->factor, "a34004")) snprintf(s->site, sizeof s->site, "%s", r->site);
    return 0;
}

static void test_table(void **state)
{
    (void)state;
    eco_live_t *l = eco_live_new(16, 256);
    assert_non_null(l);
    eco_live_val_t v = val(3600, 35, "N");
    eco_live_write_begin(l);
    assert_int_equal(eco_live_put(l, "M1", "a34004", 2, &v), 1);
    v = val(0, 30, "N"); /* older: not taken */
    assert_int_equal(eco_live_put(l, "M1", "a34004", 2, &v), 0);
    v = val(3600, 35, "N"); /* the same: no change */
    assert_int_equal(eco_live_put(l, "M1", "a34004", 2, &v), 0);
    v = val(3600, 36, "N"); /* the same hour revised: taken */
    assert_int_equal(eco_live_put(l, "M1", "a34004", 2, &v), 1);
    v = val(60, 12, "N");
    assert_int_equal(eco_live_put(l, "M1", "a34002", 1, &v), 1);
    assert_int_equal(eco_live_put(l, "M1", "a34002", 9, &v), ECO_EINVAL);
    assert_int_equal(eco_live_site_put(l, "M1", "S1"), 0);
    assert_string_equal(eco_live_site_of(l, "M1"), "S1");
    assert_string_equal(eco_live_site_of(l, "M9"), "");
    eco_live_write_end(l);
    assert_int_equal(eco_live_version(l), 3);
    assert_int_equal(eco_live_series(l), 2);
    eco_live_val_t got;
    assert_int_equal(eco_live_get(l, "M1", "a34004", 2, &got), 1);
    assert_true(got.value == 36 && got.t == 3600 && !strcmp(got.flag, "N"));
    assert_int_equal(eco_live_get(l, "M1", "a34004", 1, &got), 0);
    seen_t s = {0};
    eco_live_each(l, on_row, &s);
    assert_int_equal(s.rows, 2);
    assert_int_equal(s.hour_rows, 1);
    assert_string_equal(s.site, "S1");
    eco_live_free(l);
}

static void test_ring(void **state)
{
    (void)state;
    eco_live_t *l = eco_live_new(4, 32);
    char buf[64];
    size_t n;
    eco_live_ev_t type;
    assert_int_equal(eco_live_head(l), 0);
    assert_int_equal(eco_live_wait(l, 0, 10), 0); /* nothing: times out */
    for (int i = 1; i <= 6; i++) {
        char js[16];
        snprintf(js, sizeof js, "{\"n\":%d}", i);
        assert_int_equal(eco_live_event(l, ECO_LIVE_EV_VALUE, js, strlen(js)), (uint64_t)i);
    }
    assert_int_equal(eco_live_head(l), 6);
    assert_int_equal(eco_live_tail(l), 3);              /* 4 slots: 3..6 are kept */
    assert_int_equal(eco_live_read(l, 2, &type, buf, sizeof buf, &n), ECO_ENOENT); /* lagged */
    assert_int_equal(eco_live_read(l, 7, &type, buf, sizeof buf, &n), ECO_ENOENT); /* not yet */
    assert_int_equal(eco_live_read(l, 5, &type, buf, sizeof buf, &n), 0);
    assert_string_equal(buf, "{\"n\":5}");
    assert_int_equal(eco_live_read(l, 5, &type, buf, 4, &n), ECO_ERANGE);
    assert_int_equal(eco_live_wait(l, 5, 10), 1);
    /* too long for a slot: not queued, counted */
    char big[40];
    memset(big, 'x', sizeof big);
    assert_int_equal(eco_live_event(l, ECO_LIVE_EV_ALERT, big, sizeof big), 0);
    eco_live_counters_t c;
    eco_live_get_counters(l, &c);
    assert_int_equal(c.events_dropped, 1);
    assert_int_equal(eco_live_head(l), 6);
    /* minute-value subscribers */
    assert_int_equal(eco_live_fine_wanted(l), 0);
    eco_live_fine_add(l, 1);
    assert_int_equal(eco_live_fine_wanted(l), 1);
    eco_live_fine_add(l, -1);
    assert_int_equal(eco_live_fine_wanted(l), 0);
    eco_live_close(l);
    assert_int_equal(eco_live_wait(l, 6, 1000), ECO_ECANCELED);
    eco_live_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table), cmocka_unit_test(test_ring)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
