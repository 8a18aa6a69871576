/* test_gaps.c — missing records: found, filled by late records, requested in chunks, retried, abandoned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest/gaps.h"

static const eco_time_t H = 3600, T0 = 1777593600; /* an hour, 2026-05-01 00:00 */

static void test_hour_gap_found_and_filled(void **state)
{
    (void)state;
    eco_gaps_policy_t p;
    eco_gaps_policy_default(&p);
    eco_gaps_t g;
    eco_gaps_init(&g, 3600);
    eco_gaps_record(&g, T0, 0, &p);
    eco_gaps_record(&g, T0 + H, 0, &p);
    assert_int_equal(g.n, 0);
    eco_gaps_record(&g, T0 + 5 * H, 1000, &p); /* 02:00, 03:00, 04:00 missing */
    assert_int_equal(g.n, 1);
    assert_int_equal(g.g[0].begin, T0 + 2 * H);
    assert_int_equal(g.g[0].end, T0 + 4 * H);
    eco_time_t b, e;
    assert_int_equal(eco_gaps_due(&g, 1000 + p.grace_ms - 1, &p, &b, &e), 0); /* grace period */
    assert_int_equal(eco_gaps_due(&g, 1000 + p.grace_ms, &p, &b, &e), 1);
    assert_int_equal(b, T0 + 2 * H);
    assert_int_equal(e, T0 + 4 * H);
    assert_int_equal(eco_gaps_due(&g, 1000 + p.grace_ms + 1, &p, &b, &e), 0); /* not again before retry */
    eco_gaps_record(&g, T0 + 3 * H, 5000, &p); /* the middle arrives: split */
    assert_int_equal(g.n, 2);
    eco_gaps_record(&g, T0 + 2 * H, 5000, &p);
    eco_gaps_record(&g, T0 + 4 * H, 5000, &p);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.found, 1);
    assert_int_equal(g.filled, 3);
    eco_gaps_record(&g, T0 + 5 * H, 5000, &p); /* a resend changes nothing */
    assert_int_equal(g.n, 0);
}

static void test_minute_interval_learnt(void **state)
{
    (void)state;
    eco_gaps_policy_t p;
    eco_gaps_policy_default(&p);
    eco_gaps_t g;
    eco_gaps_init(&g, 0);
    /* a device with 10-minute "minute" data: no gaps while it keeps its interval */
    for (int i = 0; i < 6; i++) eco_gaps_record(&g, T0 + i * 600, 0, &p);
    assert_int_equal(g.step, 600);
    assert_int_equal(g.n, 0);
    eco_gaps_record(&g, T0 + 9 * 600, 0, &p); /* two records missing */
    assert_int_equal(g.n, 1);
    assert_int_equal(g.g[0].begin, T0 + 6 * 600);
    assert_int_equal(g.g[0].end, T0 + 8 * 600);
}

static void test_chunks_retries_abandon(void **state)
{
    (void)state;
    eco_gaps_policy_t p;
    eco_gaps_policy_default(&p);
    p.grace_ms = 0;
    p.retry_ms = 10;
    p.max_tries = 2;
    p.max_records = 24;
    eco_gaps_t g;
    eco_gaps_init(&g, 3600);
    eco_gaps_record(&g, T0, 0, &p);
    eco_gaps_record(&g, T0 + 100 * H, 0, &p); /* 99 hours missing: asked for 24 at a time */
    eco_time_t b, e;
    assert_int_equal(eco_gaps_due(&g, 0, &p, &b, &e), 1);
    assert_int_equal(b, T0 + H);
    assert_int_equal(e, T0 + 24 * H);
    assert_int_equal(eco_gaps_due(&g, 10, &p, &b, &e), 1); /* no answer: retried */
    assert_int_equal(eco_gaps_due(&g, 20, &p, &b, &e), 0); /* tries exhausted: abandoned */
    assert_int_equal(g.n, 0);
    assert_int_equal(g.abandoned, 1);
    /* bounded: more gaps than slots drops the oldest, counted */
    eco_gaps_init(&g, 3600);
    eco_gaps_record(&g, T0, 0, &p);
    for (int i = 1; i <= ECO_GAPS_MAX + 2; i++) eco_gaps_record(&g, T0 + 2 * i * H, 0, &p);
    assert_int_equal(g.n, ECO_GAPS_MAX);
    assert_int_equal(g.untracked, 2);
    assert_int_equal(g.g[ECO_GAPS_MAX - 1].begin, T0 + (2 * (ECO_GAPS_MAX + 2) - 1) * H);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hour_gap_found_and_filled),
        cmocka_unit_test(test_minute_interval_learnt),
        cmocka_unit_test(test_chunks_retries_abandon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
