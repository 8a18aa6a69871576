/* test_targets.c — projections, requirements and statuses computed by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "brain/targets.h"
#include "core/error.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_level(void **state)
{
    (void)state;
    /* PM2.5 < 26 over 2023 (365 days); 181 days at 30 */
    eco_tgt_in_t in = {ECO_TGT_LEVEL, ECO_CMP_LT, 26, 365, 181, 181, 30, NAN, 0};
    eco_tgt_out_t o;
    assert_int_equal(eco_tgt_eval(&in, &o), 0);
    /* "< 26" published as an integer: the year's mean must stay below 25.5 */
    NEAR(o.required, (25.5 * 365 - 30.0 * 181) / 184); /* 21.07... */
    NEAR(o.projected, 30);                              /* persisted */
    assert_int_equal(o.status, ECO_ST_AT_RISK);
    in.hist_rest = 20; /* last year's July-December averaged 20 */
    eco_tgt_eval(&in, &o);
    NEAR(o.projected, (30.0 * 181 + 20.0 * 184) / 365); /* 24.96 */
    assert_int_equal(o.status, ECO_ST_ON_TRACK);
    in.to_date = 60; /* required mean below zero: impossible */
    eco_tgt_eval(&in, &o);
    assert_true(o.required < 0);
    assert_int_equal(o.status, ECO_ST_MISSED);
    /* a leap year: N = 366 */
    eco_tgt_in_t leap = {ECO_TGT_LEVEL, ECO_CMP_LT, 26, 366, 182, 182, 25, NAN, 0};
    eco_tgt_eval(&leap, &o);
    NEAR(o.required, (25.5 * 366 - 25.0 * 182) / 184);
    /* the year over: compared as published (25.6 -> 26, not < 26) */
    eco_tgt_in_t done = {ECO_TGT_LEVEL, ECO_CMP_LT, 26, 365, 365, 365, 25.6, NAN, 0};
    eco_tgt_eval(&done, &o);
    assert_int_equal(o.status, ECO_ST_MISSED);
    done.to_date = 25.4;
    eco_tgt_eval(&done, &o);
    assert_int_equal(o.status, ECO_ST_MET);
}

static void test_ratio(void **state)
{
    (void)state;
    /* good days > 92 %; 88 % of the first 181 days */
    eco_tgt_in_t in = {ECO_TGT_RATIO, ECO_CMP_GT, 92, 365, 181, 181, 88, NAN, 1};
    eco_tgt_out_t o;
    eco_tgt_eval(&in, &o);
    /* "> 92" with one decimal: at least 92.05 % unrounded */
    NEAR(o.required, (92.05 * 365 / 100 - 88.0 * 181 / 100) / 184 * 100); /* 96.03 % */
    assert_true(o.feasible);
    assert_int_equal(o.status, ECO_ST_AT_RISK);
    in.hist_rest = 97;
    eco_tgt_eval(&in, &o);
    NEAR(o.projected, (88.0 * 181 + 97.0 * 184) / 365);
    assert_int_equal(o.status, ECO_ST_ON_TRACK);
    in.to_date = 80; /* needs 103.8 % of the rest: impossible */
    eco_tgt_eval(&in, &o);
    assert_true(o.required > 100);
    assert_int_equal(o.status, ECO_ST_MISSED);
}

static void test_count(void **state)
{
    (void)state;
    /* moderate days -20 % on 10 last year: at most 8; 5 so far */
    eco_tgt_in_t in = {ECO_TGT_COUNT, ECO_CMP_LE, 10 * 0.8, 365, 181, 181, 5, 2, 0};
    eco_tgt_out_t o;
    eco_tgt_eval(&in, &o);
    NEAR(o.required, 3);
    NEAR(o.projected, 7);
    assert_int_equal(o.status, ECO_ST_ON_TRACK);
    in.hist_rest = 4;
    eco_tgt_eval(&in, &o);
    assert_int_equal(o.status, ECO_ST_AT_RISK);
    in.to_date = 9;
    eco_tgt_eval(&in, &o);
    assert_int_equal(o.status, ECO_ST_MISSED);
    in.hist_rest = NAN; /* persisted at the rate so far */
    in.to_date = 2;
    eco_tgt_eval(&in, &o);
    NEAR(o.projected, 2 + 2.0 / 181 * 184);
    eco_tgt_in_t none = {ECO_TGT_COUNT, ECO_CMP_LE, 8, 365, 10, 0, NAN, NAN, 0};
    eco_tgt_eval(&none, &o);
    assert_int_equal(o.status, ECO_ST_NO_DATA);
    eco_tgt_in_t bad = {ECO_TGT_COUNT, ECO_CMP_LE, 8, 365, 400, 0, 1, NAN, 0};
    assert_int_equal(eco_tgt_eval(&bad, &o), ECO_EINVAL);
    /* a cap off the grid is not rounded: -20 % of 12 is 9.6, so 10 days miss it (a review finding) */
    eco_tgt_in_t cap = {ECO_TGT_COUNT, ECO_CMP_LE, 12 * 0.8, 365, 365, 365, 10, NAN, 0};
    eco_tgt_eval(&cap, &o);
    assert_int_equal(o.status, ECO_ST_MISSED);
    cap.to_date = 9;
    eco_tgt_eval(&cap, &o);
    assert_int_equal(o.status, ECO_ST_MET);
    /* "> 10" days with none so far and 10 days left: impossible */
    eco_tgt_in_t gt = {ECO_TGT_COUNT, ECO_CMP_GT, 10, 365, 355, 355, 0, NAN, 0};
    eco_tgt_eval(&gt, &o);
    NEAR(o.required, 11);
    assert_int_equal(o.status, ECO_ST_MISSED);
}

static void test_plan_file(void **state)
{
    (void)state;
    char path[] = "/tmp/eco_plan_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("[plan]\nname = p\nyear = 2023\n[target a]\nindicator = air.pm2_5_mean\ncomparator = <\nvalue = 26\n"
          "[target b]\nindicator = air.days_moderate\nchange = -20%\nbasis = 2026\n",
          f);
    fclose(f);
    eco_plan_t p;
    char msg[256];
    assert_int_equal(eco_plan_load(&p, path, msg, sizeof msg), 0);
    assert_int_equal(p.year, 2023);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.t[0].cmp, ECO_CMP_LT);
    assert_true(p.t[1].has_change && p.t[1].change_pct == -20);
    assert_string_equal(p.t[1].basis, "2026");
    assert_string_equal(p.t[0].scope, "province");
    f = fopen(path, "w");
    fputs("[plan]\nyear = 2023\n[target a]\nindicator = x\nvalue = 1\nchange = -5%\n", f);
    fclose(f);
    assert_int_equal(eco_plan_load(&p, path, msg, sizeof msg), ECO_EPARSE);
    assert_non_null(strstr(msg, "not both"));
    f = fopen(path, "w");
    fputs("[plan]\nyear = 2023\n[target a]\nindicator = x\ncomparator = =<\n", f);
    fclose(f);
    assert_int_equal(eco_plan_load(&p, path, msg, sizeof msg), ECO_EPARSE);
    assert_non_null(strstr(msg, ":5:"));
    unlink(path);
}

/* last year's dates matching the rest of the year: the day after as-of's date a year earlier */
static void test_rest_start(void **state)
{
    (void)state;
    /* 30 June 2026: last year's rest from 1 July 2025 */
    assert_int_equal(eco_tgt_rest_start(2026, eco_day_from_civil(2026, 6, 30)), eco_day_from_civil(2025, 7, 1));
    /* 28 Feb 2024 (leap year): 28 Feb 2023 is elapsed this year, the rest starts on 1 March */
    assert_int_equal(eco_tgt_rest_start(2024, eco_day_from_civil(2024, 2, 28)), eco_day_from_civil(2023, 3, 1));
    /* 29 Feb 2024: taken as 28 Feb 2023 */
    assert_int_equal(eco_tgt_rest_start(2024, eco_day_from_civil(2024, 2, 29)), eco_day_from_civil(2023, 3, 1));
    /* 28 Feb 2025: last year's 29 Feb 2024 belongs to the rest */
    assert_int_equal(eco_tgt_rest_start(2025, eco_day_from_civil(2025, 2, 28)), eco_day_from_civil(2024, 2, 29));
    /* 31 Dec: nothing remains (past last year's end) */
    assert_int_equal(eco_tgt_rest_start(2026, eco_day_from_civil(2026, 12, 31)), eco_day_from_civil(2026, 1, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level),
        cmocka_unit_test(test_ratio),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_plan_file),
        cmocka_unit_test(test_rest_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
