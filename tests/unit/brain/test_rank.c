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
#include "standards/water.h"

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

/* ------------------------------------------------------------------ the built-in report over a source */

typedef struct fake {
    const char *name[4];
    eco_air_period_t cur[4], prev[4];
    eco_day_t from;
} fake_t;

static int fake_stat(void *ud, const char *level, const char *basis, const char *entity, eco_day_t from, eco_day_t to,
                     eco_air_period_t *out)
{
    fake_t *f = ud;
    (void)level, (void)basis, (void)to;
    for (int i = 0; i < 4; i++)
        if (!strcmp(entity, f->name[i])) {
            *out = from == f->from ? f->cur[i] : f->prev[i];
            return 1;
        }
    return 0;
}

static int fake_each(void *ud, const char *level, const char *basis, eco_day_t from, eco_day_t to, eco_tgt_ent_cb cb,
                     void *cbud)
{
    fake_t *f = ud;
    (void)level, (void)basis, (void)to;
    for (int i = 0; i < 4; i++) cb(cbud, f->name[i], from == f->from ? &f->cur[i] : &f->prev[i]);
    return 0;
}

static eco_air_period_t per(double ci, double good, double pm, int meets)
{
    eco_air_period_t p;
    memset(&p, 0, sizeof p);
    p.days_with_data = 30;
    p.composite = ci;
    p.good_ratio = good;
    p.mean[ECO_AIR_PM25] = pm;
    static const eco_air_ind_t six[] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_CO, ECO_AIR_PM10, ECO_AIR_PM25, ECO_AIR_O3_8H};
    for (int i = 0; i < 6; i++) {
        p.valid |= 1u << six[i];
        p.multiple[six[i]] = meets ? 0 : 0.1;
    }
    return p;
}

static void test_report(void **state)
{
    (void)state;
    fake_t f;
    memset(&f, 0, sizeof f);
    f.from = eco_day_from_civil(2025, 5, 1);
    f.name[0] = "A", f.name[1] = "B", f.name[2] = "C", f.name[3] = "D";
    /* A improved 4.00 -> 3.00 (-25 %); B worsened 3.00 -> 3.30 (+10 %); C met every limit and worsened
     * 3.10 -> 3.30 (+6.45 -> 6.5 %); D has no data in the period (not listed) */
    f.cur[0] = per(3.0, 90.0, 30.4, 0), f.prev[0] = per(4.0, 85.0, 40, 0);
    f.cur[1] = per(3.3, 80.0, 35, 0), f.prev[1] = per(3.0, 80.0, 35, 0);
    f.cur[2] = per(3.3, 95.0, 25, 1), f.prev[2] = per(3.1, 96.0, 25, 1);
    f.cur[3] = per(NAN, NAN, NAN, 0), f.cur[3].days_with_data = 0;
    eco_tgt_source_t src = {.ud = &f, .stat = fake_stat, .each = fake_each};
    eco_day_t to = eco_day_from_civil(2025, 5, 31);
    eco_rank_row_t *r;
    size_t n;
    assert_int_equal(eco_rank_report(&src, ECO_RIX_COMPOSITE, "city", "date", f.from, to, &r, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].entity, "A");
    assert_int_equal(r[0].rank, 1);
    assert_true(r[0].change == -25.0 && r[0].prev == 4.0);
    assert_string_equal(r[1].entity, "B"); /* B and C tie at 3.30: rank 2, by name */
    assert_int_equal(r[1].rank, 2);
    assert_int_equal(r[2].rank, 2);
    assert_true(r[1].change == 10.0 && r[2].change == 6.5);
    assert_int_equal(r[0].change_rank, 1);
    assert_int_equal(r[2].change_rank, 2); /* C's 6.5 % before B's 10 % */
    assert_int_equal(r[1].change_rank, 3);
    assert_true(r[2].meets_all && !r[1].meets_all);
    free(r);
    /* the change ranking: C (meets every limit, worsened) is left out */
    assert_int_equal(eco_rank_report(&src, ECO_RIX_COMPOSITE_CHANGE, "city", "date", f.from, to, &r, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].entity, "A");
    assert_true(r[0].value == -25.0 && r[0].prev == 3.0 && r[0].rank == 1);
    assert_string_equal(r[1].entity, "B");
    assert_int_equal(r[1].rank, 2);
    assert_string_equal(r[2].entity, "C");
    assert_int_equal(r[2].rank, 0);
    free(r);
    /* good days: higher is better, change in points; PM2.5: integers */
    assert_int_equal(eco_rank_report(&src, ECO_RIX_GOOD, "city", "date", f.from, to, &r, &n), 0);
    assert_string_equal(r[0].entity, "C");
    assert_true(r[0].change == -1.0 && r[1].change == 5.0 && r[2].rank == 3);
    free(r);
    assert_int_equal(eco_rank_report(&src, ECO_RIX_PM25, "city", "date", f.from, to, &r, &n), 0);
    assert_string_equal(r[0].entity, "C");
    assert_true(r[1].value == 30.0 && r[1].change == -25.0); /* 30.4 -> 30, vs 40 */
    free(r);
    /* --top 1 over ranks 1, 2, 2, 4 and an unranked row: the first and the last ranked */
    eco_rank_row_t t[5];
    memset(t, 0, sizeof t);
    int rk[5] = {1, 2, 2, 4, 0};
    for (int i = 0; i < 5; i++) t[i].rank = rk[i];
    assert_true(eco_rank_keep(t, 5, 0, 1) && !eco_rank_keep(t, 5, 1, 1) && !eco_rank_keep(t, 5, 2, 1));
    assert_true(eco_rank_keep(t, 5, 3, 1) && !eco_rank_keep(t, 5, 4, 1) && eco_rank_keep(t, 5, 4, 0));
}

static void test_periods(void **state)
{
    (void)state;
    eco_day_t f, t;
    int range;
    assert_int_equal(eco_rank_period_parse("2025-Q1", &f, &t, &range), 0);
    assert_true(f == eco_day_from_civil(2025, 1, 1) && t == eco_day_from_civil(2025, 3, 31) && !range);
    assert_int_equal(eco_rank_period_parse("2024-q4", &f, &t, &range), 0);
    assert_true(f == eco_day_from_civil(2024, 10, 1) && t == eco_day_from_civil(2024, 12, 31));
    assert_int_equal(eco_rank_period_parse("2024-02", &f, &t, &range), 0);
    assert_true(t == eco_day_from_civil(2024, 2, 29));
    assert_int_equal(eco_rank_period_parse("2025", &f, &t, &range), 0);
    assert_true(f == eco_day_from_civil(2025, 1, 1) && t == eco_day_from_civil(2025, 12, 31));
    assert_int_equal(eco_rank_period_parse("2025-01..2025-Q2", &f, &t, &range), 0);
    assert_true(f == eco_day_from_civil(2025, 1, 1) && t == eco_day_from_civil(2025, 6, 30) && range);
    assert_int_equal(eco_rank_period_parse("2025-03-02..2025-03-09", &f, &t, &range), 0);
    assert_true(f == eco_day_from_civil(2025, 3, 2) && t == eco_day_from_civil(2025, 3, 9));
    const char *bad[] = {"2025-13", "2025-Q5", "2025-1", "25", "2025-02-30", "2025-01-02..2025-01-01", "2025..", "x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(eco_rank_period_parse(bad[i], &f, &t, &range), ECO_EINVAL);
    assert_true(eco_rank_year_before(eco_day_from_civil(2024, 2, 29)) == eco_day_from_civil(2023, 2, 28));
    eco_rank_index_t ix;
    assert_int_equal(eco_rank_index_parse("good-days", &ix), 0);
    assert_int_equal(ix, ECO_RIX_GOOD);
    assert_int_equal(eco_rank_index_parse("aqi", &ix), ECO_EINVAL);
}

/* CWQI ranking over a water source: sections (CWQI of their period means), a city by 51号 (item means
 * over its sections), ties, the change against a year earlier */
typedef struct wfake {
    eco_tgt_wsite_t site[4];
    double v[6][ECO_W_NITEMS];
    size_t vsite[6];
    eco_day_t vday[6];
} wfake_t;

static int wfake_samples(void *ud, eco_day_t from, eco_day_t to, eco_tgt_wsample_cb cb, void *cbud)
{
    wfake_t *f = ud;
    for (int i = 0; i < 6; i++)
        if (f->vday[i] >= from && f->vday[i] <= to) {
            eco_tgt_wsample_t s = {f->vsite[i], f->vday[i], f->v[i], NULL};
            if (cb(cbud, &s)) break;
        }
    return 0;
}

static void test_cwqi(void **state)
{
    (void)state;
    wfake_t f;
    memset(&f, 0, sizeof f);
    const char *codes[4] = {"A", "B", "C", "W"};
    const char *cities[4] = {"X市", "X市", "Y市", "Y市"};
    for (int i = 0; i < 4; i++) {
        f.site[i].code = codes[i];
        f.site[i].region[0] = cities[i];
        f.site[i].region[1] = f.site[i].region[2] = "";
        f.site[i].kind = i == 3 ? ECO_TGT_W_GROUND : ECO_TGT_W_SURFACE; /* a well: not ranked by CWQI */
    }
    for (int k = 0; k < 6; k++)
        for (int i = 0; i < ECO_W_NITEMS; i++) f.v[k][i] = NAN;
    eco_day_t may = eco_day_from_civil(2025, 5, 10), may24 = eco_day_from_civil(2024, 5, 10);
    /* A: DO 4, NH3-N 0.5 -> 1.25 + 0.5 = 1.75; B: DO 8, NH3-N 1.5 -> 0.625 + 1.5 = 2.125;
     * city X by 51号: DO 6, NH3-N 1.0 -> 0.8333 + 1 = 1.83 (the mean of A and B would be 1.94) */
    f.v[0][ECO_W_DO] = 4, f.v[0][ECO_W_NH3N] = 0.5, f.vsite[0] = 0, f.vday[0] = may;
    f.v[1][ECO_W_DO] = 8, f.v[1][ECO_W_NH3N] = 1.5, f.vsite[1] = 1, f.vday[1] = may;
    /* C: DO 5, NH3-N 0.75 -> 1.75, tied with A at 2 decimals */
    f.v[2][ECO_W_DO] = 5, f.v[2][ECO_W_NH3N] = 0.75, f.vsite[2] = 2, f.vday[2] = may;
    /* A a year earlier: DO 5, NH3-N 1.0 -> 2.00: change (1.75 - 2.00) / 2.00 = -12.5 % */
    f.v[3][ECO_W_DO] = 5, f.v[3][ECO_W_NH3N] = 1.0, f.vsite[3] = 0, f.vday[3] = may24;
    f.v[4][ECO_W_DO] = 1, f.v[4][ECO_W_NH3N] = 9, f.vsite[4] = 3, f.vday[4] = may; /* the well */
    f.vday[5] = eco_day_from_civil(2000, 1, 1);
    eco_tgt_source_t src = {0};
    src.wud = &f;
    src.wsites = f.site;
    src.nwsites = 4;
    src.wset = ECO_WBIT(ECO_W_DO) | ECO_WBIT(ECO_W_NH3N);
    src.wsamples = wfake_samples;
    eco_rank_row_t *r;
    size_t n;
    eco_day_t from = eco_day_from_civil(2025, 5, 1), to = eco_day_from_civil(2025, 5, 31);
    assert_int_equal(eco_rank_report(&src, ECO_RIX_CWQI, "site", "date", from, to, &r, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].entity, "A"); /* ties: by name */
    assert_string_equal(r[1].entity, "C");
    assert_string_equal(r[2].entity, "B");
    assert_int_equal(r[0].rank, 1);
    assert_int_equal(r[1].rank, 1);
    assert_int_equal(r[2].rank, 3);
    assert_true(fabs(r[0].value - 1.75) < 1e-9 && fabs(r[2].value - 2.13) < 1e-9);
    assert_true(fabs(r[0].prev - 2.0) < 1e-9 && fabs(r[0].change - -12.5) < 1e-9);
    assert_true(isnan(r[1].prev) && isnan(r[1].change));
    free(r);
    assert_int_equal(eco_rank_report(&src, ECO_RIX_CWQI, "city", "date", from, to, &r, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].entity, "Y市");
    assert_true(fabs(r[0].value - 1.75) < 1e-9);
    assert_string_equal(r[1].entity, "X市");
    assert_true(fabs(r[1].value - 1.83) < 1e-9);
    free(r);
    /* no water input: an error, not an empty ranking */
    src.wsamples = NULL;
    assert_int_equal(eco_rank_report(&src, ECO_RIX_CWQI, "city", "date", from, to, &r, &n), ECO_ENODATA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ties_and_direction),
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_index_scores),
        cmocka_unit_test(test_index_file),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_cwqi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
