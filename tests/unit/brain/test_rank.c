/* test_rank.c — rankings with ties, change rates and their exemption, custom indices
 * (min-max and target normalisation, weights, groups, missing values), the definition file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "brain/rank.h"
#include "core/error.h"

static void test_ties_and_direction(void **state)
{
    (void)state;
    /* composite indices as published with 2 decimals: 3.061 and 3.058 are both 3.06 -> tie */
    double ci[] = {4.48, 3.061, 3.058, NAN, 2.90};
    int rk[5];
    size_t ord[5];
    eco_rank(ci, 5, ECO_LOWER_IS_BETTER, 2, rk, ord);
    assert_int_equal(rk[4], 1);
    assert_int_equal(rk[1], 2);
    assert_int_equal(rk[2], 2); /* shared */
    assert_int_equal(rk[0], 4); /* competition ranking: 1, 2, 2, 4 */
    assert_int_equal(rk[3], 0); /* no value: unranked */
    assert_int_equal(ord[0], 4);
    assert_int_equal(ord[1], 1); /* ties keep input order */
    assert_int_equal(ord[4], 3); /* unranked last */
    eco_rank(ci, 5, ECO_LOWER_IS_BETTER, -1, rk, NULL); /* exact: no tie */
    assert_int_equal(rk[2], 2);
    assert_int_equal(rk[1], 3);
    double good[] = {91.5, 95.0, 95.0, 80.2};
    eco_rank(good, 4, ECO_HIGHER_IS_BETTER, 1, rk, NULL);
    assert_int_equal(rk[1], 1);
    assert_int_equal(rk[2], 1);
    assert_int_equal(rk[0], 3);
    assert_int_equal(rk[3], 4);
}

static void test_change(void **state)
{
    (void)state;
    assert_true(fabs(eco_change_rate(3.0, 4.0) - -25.0) < 1e-12);
    assert_true(isnan(eco_change_rate(3.0, 0)));
    assert_true(isnan(eco_change_rate(NAN, 2)));
    /* change of the composite index: a fall is an improvement; city 2 meets every standard and
     * worsened: not in the ranking; city 3 meets every standard and improved: ranked */
    double ch[] = {-10.0, 5.0, 8.0, -12.5, 2.0};
    unsigned char ex[] = {0, 0, 1, 1, 0};
    int rk[5];
    eco_rank_change(ch, ex, 5, ECO_LOWER_IS_BETTER, 1, rk);
    assert_int_equal(rk[3], 1);
    assert_int_equal(rk[0], 2);
    assert_int_equal(rk[4], 3);
    assert_int_equal(rk[1], 4);
    assert_int_equal(rk[2], 0);
}

static eco_index_def_t two_indicators(void)
{
    eco_index_def_t d;
    memset(&d, 0, sizeof d);
    d.nind = 2;
    snprintf(d.ind[0].name, sizeof d.ind[0].name, "pm2_5");
    d.ind[0].dir = ECO_LOWER_IS_BETTER;
    d.ind[0].norm = ECO_NORM_MINMAX;
    d.ind[0].weight = 3;
    snprintf(d.ind[1].name, sizeof d.ind[1].name, "green");
    d.ind[1].dir = ECO_HIGHER_IS_BETTER;
    d.ind[1].norm = ECO_NORM_TARGET;
    d.ind[1].target = 40;
    d.ind[1].weight = 1;
    return d;
}

static void test_index_scores(void **state)
{
    (void)state;
    eco_index_def_t d = two_indicators();
    /* pm2_5 20..40 (min-max, lower better); green vs target 40 (higher better) */
    double v[] = {20, 40,   /* best pm, meets target:   100*3 + 100*1 -> 100 */
                  40, 30,   /* worst pm, 25 % short: 0*3 + 75*1 -> 18.75 */
                  30, NAN}; /* middle pm, green missing */
    double sc[3], sub[6];
    assert_int_equal(eco_index_score(&d, v, 3, sc, sub), 0);
    assert_true(fabs(sc[0] - 100) < 1e-9);
    assert_true(fabs(sub[3] - 75) < 1e-9);
    assert_true(fabs(sc[1] - 18.75) < 1e-9);
    assert_true(fabs(sc[2] - 50) < 1e-9); /* reweighted: pm alone, 50 */
    d.missing = ECO_MISSING_ZERO;
    assert_int_equal(eco_index_score(&d, v, 3, sc, NULL), 0);
    assert_true(fabs(sc[2] - 37.5) < 1e-9); /* (50*3 + 0*1) / 4 */
    d.missing = ECO_MISSING_EXCLUDE;
    assert_int_equal(eco_index_score(&d, v, 3, sc, NULL), 0);
    assert_true(isnan(sc[2]));
    /* groups: the groups' weights decide, not the indicators' across groups */
    d.missing = ECO_MISSING_REWEIGHT;
    d.ngroups = 2;
    snprintf(d.group[0].name, sizeof d.group[0].name, "减污");
    d.group[0].weight = 1;
    snprintf(d.group[1].name, sizeof d.group[1].name, "扩绿");
    d.group[1].weight = 3;
    d.ind[1].group = 1;
    assert_int_equal(eco_index_score(&d, v, 3, sc, NULL), 0);
    assert_true(fabs(sc[1] - (0 * 1 + 75 * 3) / 4.0) < 1e-9);
    d.ind[1].weight = 0; /* a zero weight is a definition error */
    assert_int_equal(eco_index_score(&d, v, 3, sc, NULL), ECO_EINVAL);
}

static void test_index_file(void **state)
{
    (void)state;
    char path[] = "/tmp/eco_index_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("[index]\nname = 减污降碳协同指数\nmissing = zero\n"
          "[group 减污]\nweight = 0.6\n[group 降碳]\nweight = 0.4\n"
          "[indicator pm2_5]\ngroup = 减污\ndirection = lower\nnormalise = target\ntarget = 26\n"
          "[indicator co2_per_gdp]\ngroup = 降碳\ndirection = lower\nweight = 2\n",
          f);
    fclose(f);
    eco_index_def_t d;
    char msg[256];
    assert_int_equal(eco_index_load(&d, path, msg, sizeof msg), 0);
    assert_string_equal(d.name, "减污降碳协同指数");
    assert_int_equal(d.nind, 2);
    assert_int_equal(d.ngroups, 2);
    assert_int_equal(d.missing, ECO_MISSING_ZERO);
    assert_int_equal(d.ind[0].norm, ECO_NORM_TARGET);
    assert_true(d.ind[0].target == 26);
    assert_int_equal(d.ind[1].group, 1);
    assert_true(d.ind[1].weight == 2);
    f = fopen(path, "w");
    fputs("[index]\nname = x\n[indicator a]\ndirection = lower\nwieght = 2\n", f);
    fclose(f);
    assert_int_equal(eco_index_load(&d, path, msg, sizeof msg), ECO_EPARSE);
    assert_non_null(strstr(msg, ":5:"));
    assert_non_null(strstr(msg, "wieght"));
    /* two errors: the message is the first line's, as the line number is */
    f = fopen(path, "w");
    fputs("[index]\nname = x\nmissing = bogus\n[indicator a]\ndirection = sideways\n", f);
    fclose(f);
    assert_int_equal(eco_index_load(&d, path, msg, sizeof msg), ECO_EPARSE);
    assert_non_null(strstr(msg, ":3:"));
    assert_non_null(strstr(msg, "bogus"));
    f = fopen(path, "w");
    fputs("[group g]\nweight = 1\n[indicator a]\ngroup = h\n", f);
    fclose(f);
    assert_int_equal(eco_index_load(&d, path, msg, sizeof msg), ECO_EPARSE);
    assert_non_null(strstr(msg, "no [group h]"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ties_and_direction),
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_index_scores),
        cmocka_unit_test(test_index_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
