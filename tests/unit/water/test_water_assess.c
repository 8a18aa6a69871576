/* test_water_assess.c — 环办〔2011〕22号 aggregation rules checked against the
 * reference notes (../shared/reference/water-noise-standards.md §2.2–§2.6, §3,
 * §4) and against officially published aggregates
 * ($ECO_SHARED_DIR/testdata/water/published_aggregates.csv): every published
 * share is recomputed from its counts and every published grade from its
 * shares. The aggregate test skips when the shared folder is absent.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"
#include "water/assess.h"

static void test_grade_edges(void **state)
{
    (void)state;
    /* notes §2.4: ≥ 90 优; 75 ≤ x < 90 良好; else 劣Ⅴ < 20 轻度, 20 ≤ 劣Ⅴ < 40 中度, ≥ 40 重度 */
    assert_int_equal(eco_water_grade_by_share(100, 0), ECO_WGRADE_EXCELLENT);
    assert_int_equal(eco_water_grade_by_share(90, 10), ECO_WGRADE_EXCELLENT);
    assert_int_equal(eco_water_grade_by_share(89.99, 0), ECO_WGRADE_GOOD);
    assert_int_equal(eco_water_grade_by_share(75, 25), ECO_WGRADE_GOOD);
    assert_int_equal(eco_water_grade_by_share(74.99, 0), ECO_WGRADE_LIGHT);
    assert_int_equal(eco_water_grade_by_share(74.99, 19.99), ECO_WGRADE_LIGHT);
    assert_int_equal(eco_water_grade_by_share(50, 20), ECO_WGRADE_MODERATE);
    assert_int_equal(eco_water_grade_by_share(50, 39.99), ECO_WGRADE_MODERATE);
    assert_int_equal(eco_water_grade_by_share(50, 40), ECO_WGRADE_HEAVY);
    assert_int_equal(eco_water_grade_by_share(0, 100), ECO_WGRADE_HEAVY);
    /* 劣Ⅴ does not matter when Ⅰ–Ⅲ ≥ 75 */
    assert_int_equal(eco_water_grade_by_share(80, 20), ECO_WGRADE_GOOD);
    assert_int_equal(eco_water_grade_by_share(NAN, 0), ECO_WGRADE_NONE);
    /* exact fractions reach the boundary: 3/4, 9/10, 1/5, 2/5 */
    int c34[7] = {0, 0, 0, 3, 0, 0, 1};
    eco_water_shares_t s;
    eco_water_shares(c34, 1, 0, &s);
    assert_int_equal(s.grade, ECO_WGRADE_GOOD);
    int c910[7] = {0, 9, 0, 0, 1, 0, 0};
    eco_water_shares(c910, 5, 0, &s);
    assert_int_equal(s.grade, ECO_WGRADE_EXCELLENT);
    int c15[7] = {0, 0, 2, 0, 2, 0, 1}; /* Ⅰ–Ⅲ 40 %, 劣Ⅴ 20 % */
    eco_water_shares(c15, 5, 0, &s);
    assert_int_equal(s.grade, ECO_WGRADE_MODERATE);
    int c25[7] = {0, 0, 0, 1, 2, 0, 2}; /* 20 %, 40 % */
    eco_water_shares(c25, 5, 0, &s);
    assert_int_equal(s.grade, ECO_WGRADE_HEAVY);
    assert_string_equal(eco_water_grade_name(ECO_WGRADE_LIGHT), "轻度污染");
}

static void test_small_count(void **state)
{
    (void)state;
    /* 4 sections: the class of the means decides, not the shares */
    int c[7] = {0, 0, 0, 3, 0, 0, 1};
    eco_water_shares_t s;
    eco_water_shares(c, ECO_WATER_SHARE_MIN_DEFAULT, 4, &s);
    assert_int_equal(s.n, 4);
    assert_false(s.share_method);
    assert_int_equal(s.grade, ECO_WGRADE_LIGHT); /* mean class Ⅳ */
    assert_true(fabs(s.share_1_3 - 75) < 1e-9);  /* shares still reported */
    eco_water_shares(c, ECO_WATER_SHARE_MIN_DEFAULT, 2, &s);
    assert_int_equal(s.grade, ECO_WGRADE_EXCELLENT);
    eco_water_shares(c, ECO_WATER_SHARE_MIN_DEFAULT, 0, &s);
    assert_int_equal(s.grade, ECO_WGRADE_NONE);
}

/* exactly 5 sections: the share method ("5个（含）以上", default); with a
 * minimum of 6 (the Shenzhen ">5" reading) the mean class decides */
static void test_share_min(void **state)
{
    (void)state;
    int c5[7] = {0, 0, 0, 4, 0, 0, 1};
    eco_water_shares_t s;
    eco_water_shares(c5, 5, 6, &s);
    assert_true(s.share_method);
    assert_int_equal(s.grade, ECO_WGRADE_GOOD);
    eco_water_shares(c5, 6, 6, &s);
    assert_false(s.share_method);
    assert_int_equal(s.grade, ECO_WGRADE_HEAVY); /* mean class 劣Ⅴ */
    int c0[7] = {0};
    eco_water_shares(c0, 5, 0, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.share_1_3));
    assert_int_equal(s.grade, ECO_WGRADE_NONE);
    for (int cls = 0; cls <= 6; cls++) {
        static const eco_water_grade_t want[7] = {ECO_WGRADE_NONE, ECO_WGRADE_EXCELLENT, ECO_WGRADE_EXCELLENT,
                                                  ECO_WGRADE_GOOD, ECO_WGRADE_LIGHT,     ECO_WGRADE_MODERATE,
                                                  ECO_WGRADE_HEAVY};
        assert_int_equal(eco_water_grade_of_class(cls), want[cls]);
    }
}

static void test_period_mean(void **state)
{
    (void)state;
    /* notes §2.2 (EQMDST test): pH {6.5, 7.9, 8.8, 9, 6.78, 8.87} → 7.08 (7.0803) */
    double ph[6] = {6.5, 7.9, 8.8, 9, 6.78, 8.87};
    assert_true(fabs(eco_water_ph_mean(ph, 6) - 7.0803) < 5e-4);
    double one = 7.4, nan1[2] = {NAN, 8};
    assert_true(fabs(eco_water_ph_mean(&one, 1) - 7.4) < 1e-12);
    assert_true(fabs(eco_water_ph_mean(nan1, 2) - 8) < 1e-12);
    assert_true(isnan(eco_water_ph_mean(nan1, 1)));

    eco_water_acc_t a;
    eco_water_acc_init(&a);
    for (int k = 0; k < 6; k++) {
        double v[ECO_W_NITEMS];
        for (int i = 0; i < ECO_W_NITEMS; i++) v[i] = NAN;
        v[ECO_W_PH] = ph[k];
        v[ECO_W_NH3N] = k < 3 ? 0.5 : 1.5; /* arithmetic mean 1.0 */
        if (k == 0) v[ECO_W_TP] = 0.3;      /* one sample only */
        eco_water_acc_add(&a, v);
    }
    double m[ECO_W_NITEMS];
    eco_water_acc_mean(&a, m);
    assert_true(fabs(m[ECO_W_PH] - 7.0803) < 5e-4);
    assert_true(fabs(m[ECO_W_NH3N] - 1.0) < 1e-12);
    assert_true(fabs(m[ECO_W_TP] - 0.3) < 1e-12);
    assert_true(isnan(m[ECO_W_DO]));
    /* the period class comes from the means: NH3-N 1.0 is Ⅲ although one sample was Ⅳ */
    eco_water_result_t r;
    eco_water_classify(m, ECO_WB_RIVER, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 4); /* TP 0.3 is Ⅳ */
    assert_int_equal(r.item_cls[ECO_W_NH3N], 3);
    assert_int_equal(r.item_cls[ECO_W_PH], 1);

    /* below the detection limit */
    assert_true(fabs(eco_water_below_dl(0.01, ECO_WDL_HALF) - 0.005) < 1e-15);
    assert_true(fabs(eco_water_below_dl(0.01, ECO_WDL_FULL) - 0.01) < 1e-15);
    assert_true(eco_water_below_dl(0.01, ECO_WDL_ZERO) == 0);
}

static void test_change(void **state)
{
    (void)state;
    assert_int_equal(eco_water_change(80, 5, 70, 5), ECO_WCHG_STABLE);   /* +10: ≤ 10 */
    assert_int_equal(eco_water_change(80, 5, 69.9, 5), ECO_WCHG_BETTER); /* 10.1 */
    assert_int_equal(eco_water_change(80, 0, 70, 10), ECO_WCHG_BETTER);  /* 20 */
    assert_int_equal(eco_water_change(81, 0, 70, 10), ECO_WCHG_MUCH_BETTER);
    assert_int_equal(eco_water_change(70, 10, 80, 0), ECO_WCHG_WORSE);
    assert_int_equal(eco_water_change(60, 10, 80, 0), ECO_WCHG_MUCH_WORSE);
    assert_int_equal(eco_water_change(NAN, 0, 1, 1), ECO_WCHG_NONE);
    assert_string_equal(eco_water_change_name(ECO_WCHG_STABLE), "无明显变化");
}

static void test_tli_cwqi_sources(void **state)
{
    (void)state;
    /* notes §2.5 worked example: Chla 10, TP 0.05, TN 1.0, SD 1.0, CODMn 4 → 48.018 中营养 */
    double v[ECO_TLI_N] = {10, 0.05, 1.0, 1.0, 4};
    assert_true(fabs(eco_water_tli_component(ECO_TLI_CHLA, 10) - 50.006) < 1e-3);
    assert_true(fabs(eco_water_tli_component(ECO_TLI_CODMN, 4) - 37.979) < 1e-3);
    assert_true(fabs(eco_water_tli(v) - 48.018) < 1e-3);
    assert_string_equal(eco_water_tli_class(eco_water_tli(v)), "中营养");
    assert_string_equal(eco_water_tli_class(29.99), "贫营养");
    assert_string_equal(eco_water_tli_class(30), "中营养");
    assert_string_equal(eco_water_tli_class(50), "中营养");
    assert_string_equal(eco_water_tli_class(50.01), "轻度富营养");
    assert_string_equal(eco_water_tli_class(60), "轻度富营养");
    assert_string_equal(eco_water_tli_class(70), "中度富营养");
    assert_string_equal(eco_water_tli_class(70.01), "重度富营养");
    v[ECO_TLI_CHLA] = NAN;
    assert_true(isnan(eco_water_tli(v)));

    /* CWQI §3: C/C_Ⅲ, DO 5/C, pH (7−pH)/1 or (pH−7)/2, lake TP 0.05 */
    assert_true(fabs(eco_water_cwqi_item(ECO_W_PH, 6.5, ECO_WB_RIVER) - 0.5) < 1e-12);
    assert_true(fabs(eco_water_cwqi_item(ECO_W_PH, 8, ECO_WB_RIVER) - 0.5) < 1e-12);
    assert_true(fabs(eco_water_cwqi_item(ECO_W_DO, 10, ECO_WB_RIVER) - 0.5) < 1e-12);
    assert_true(fabs(eco_water_cwqi_item(ECO_W_TP, 0.1, ECO_WB_LAKE) - 2) < 1e-12);
    assert_true(fabs(eco_water_cwqi_item(ECO_W_NH3N, 0.5, ECO_WB_RIVER) - 0.5) < 1e-12);
    double w[ECO_W_NITEMS];
    for (int i = 0; i < ECO_W_NITEMS; i++) w[i] = NAN;
    w[ECO_W_PH] = 8, w[ECO_W_DO] = 10, w[ECO_W_NH3N] = 0.5, w[ECO_W_TP] = 0.1;
    assert_true(fabs(eco_water_cwqi(w, ECO_WB_RIVER, eco_water_set_auto5) - 2.0) < 1e-12);

    /* §4 drinking-water sources */
    assert_int_equal(eco_water_source_compliant(3, 0), 1);
    assert_int_equal(eco_water_source_compliant(2, 1), 0);
    assert_int_equal(eco_water_source_compliant(4, 0), 0);
    assert_int_equal(eco_water_source_compliant(0, 0), -1);
    /* Quzhou: 1057.3 of 1057.3 (万吨) by volume → 100 % */
    assert_true(fabs(eco_water_rate(1057.3, 1057.3) - 100) < 1e-12);
    assert_true(isnan(eco_water_rate(1, 0)));
}

/* ---- published aggregates */

/* "I-III=57; IV=3; V=0; 劣V=1" → nonzero counts in order, and the 劣Ⅴ count */
static int parse_counts(const char *s, int *cnt, int *keys_worse, int max)
{
    int n = 0;
    while (*s && n < max) {
        const char *eq = strchr(s, '=');
        if (!eq) break;
        const char *semi = strchr(s, ';');
        if (semi && semi < eq) return -1;
        int c = atoi(eq + 1);
        const char *lw = strstr(s, "劣");
        keys_worse[n] = lw && lw < eq;
        if (c > 0) cnt[n++] = c;
        else keys_worse[n] = 0;
        s = semi ? semi + 1 : eq + strlen(eq);
    }
    return n;
}

/* percentages "93.4%" in order */
static int parse_pcts(const char *s, double *p, int max)
{
    int n = 0;
    for (const char *q = strchr(s, '%'); q && n < max; q = strchr(q + 1, '%')) {
        const char *b = q;
        while (b > s && ((b[-1] >= '0' && b[-1] <= '9') || b[-1] == '.')) b--;
        if (b < q) p[n++] = atof(b);
    }
    return n;
}

/* 51号: a city's CWQI from the item means per water type over its sections, weighted by their counts —
 * not the mean of the sections' CWQIs (they differ where an item is not linear: DO is 5/C) */
static void test_city_cwqi(void **state)
{
    (void)state;
    double a[ECO_W_NITEMS], b[ECO_W_NITEMS], c[ECO_W_NITEMS];
    for (int i = 0; i < ECO_W_NITEMS; i++) a[i] = b[i] = c[i] = NAN;
    uint32_t set = ECO_WBIT(ECO_W_DO) | ECO_WBIT(ECO_W_NH3N) | ECO_WBIT(ECO_W_TP);
    a[ECO_W_DO] = 4, a[ECO_W_NH3N] = 0.5, a[ECO_W_TP] = 0.1;   /* river: 1.25 + 0.5 + 0.5 */
    b[ECO_W_DO] = 8, b[ECO_W_NH3N] = 1.5, b[ECO_W_TP] = 0.3;   /* river: 0.625 + 1.5 + 1.5 */
    c[ECO_W_DO] = 5, c[ECO_W_NH3N] = 1.0, c[ECO_W_TP] = 0.05;  /* lake (TP vs 0.05): 1 + 1 + 1 */
    eco_water_cwqi_acc_t q;
    eco_water_cwqi_acc_init(&q);
    assert_true(isnan(eco_water_cwqi_acc_value(&q, set)));
    eco_water_cwqi_acc_add(&q, a, ECO_WB_RIVER);
    eco_water_cwqi_acc_add(&q, b, ECO_WB_RIVER);
    /* river means DO 6, NH3-N 1.0, TP 0.2: 5/6 + 1 + 1 = 2.8333..., not (2.25 + 3.625) / 2 = 2.9375 */
    assert_true(fabs(eco_water_cwqi_acc_value(&q, set) - (5.0 / 6 + 2)) < 1e-12);
    eco_water_cwqi_acc_add(&q, c, ECO_WB_LAKE);
    /* (2.8333 * 2 + 3 * 1) / 3 */
    assert_true(fabs(eco_water_cwqi_acc_value(&q, set) - ((5.0 / 6 + 2) * 2 + 3) / 3) < 1e-12);
}

static void test_published_aggregates(void **state)
{
    (void)state;
    const char *dir = getenv("ECO_SHARED_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/testdata/water/published_aggregates.csv", dir ? dir : "../shared");
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_message("SKIP: %s not readable (ECO_SHARED_DIR=%s)\n", path, dir ? dir : "(unset)");
        skip();
    }
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_file(&c, f, path);
    assert_int_equal(eco_csv_next(&c, &err), 1); /* header */
    int checked_counts = 0, checked_grades = 0, checked_shares_only = 0;
    char dom[64], nunits[32], counts[512], pub[512], period[64];
    while (eco_csv_next(&c, &err) == 1) {
#define GET(i, b)                                                                                                      \
    do {                                                                                                               \
        eco_slice_t x_ = eco_csv_field(&c, i);                                                                         \
        snprintf(b, sizeof b, "%.*s", (int)x_.len, x_.ptr);                                                            \
    } while (0)
        GET(0, dom);
        GET(2, period);
        GET(3, nunits);
        GET(4, counts);
        GET(5, pub);
        if (strcmp(dom, "surface_water") && strcmp(dom, "drinking_water")) continue;
        int n = atoi(nunits);
        int cnt[8], worse[8] = {0};
        double pct[8];
        int nc = strchr(counts, '=') ? parse_counts(counts, cnt, worse, 8) : 0;
        int np = parse_pcts(pub, pct, 8);
        const char *grade_txt = strstr(pub, "总体为");
        if (nc > 0 && n > 0) {
            /* every published share from its count, rounded to 0.1 */
            int sum = 0, n_worse = 0;
            for (int k = 0; k < nc; k++) sum += cnt[k], n_worse += worse[k] ? cnt[k] : 0;
            assert_int_equal(sum, n);
            assert_int_equal(np, nc);
            for (int k = 0; k < nc; k++) {
                double got = eco_water_round(eco_water_rate(cnt[k], n), 1);
                if (fabs(got - pct[k]) > 1e-9)
                    fail_msg("%s %s: %d/%d = %.1f %%, published %.1f %%", dom, period, cnt[k], n, got, pct[k]);
            }
            checked_counts++;
            if (grade_txt && !strcmp(dom, "surface_water")) {
                /* the first count is Ⅰ–Ⅲ in every surface row */
                int cls[7] = {0};
                cls[3] = cnt[0];
                cls[6] = n_worse;
                cls[4] = n - cnt[0] - n_worse; /* Ⅳ/Ⅴ: only the Ⅰ–Ⅲ and 劣Ⅴ shares matter */
                eco_water_shares_t s;
                /* the bulletins grade point sets by shares at any count (4 lake points → 良好) */
                eco_water_shares(cls, 1, 0, &s);
                const char *want = grade_txt + strlen("总体为");
                const char *got = eco_water_grade_name(s.grade);
                if (strncmp(want, got, strlen(got)) || !*got)
                    fail_msg("%s %s: grade %s from %.1f %% / %.1f %%, published %s", dom, period, got, s.share_1_3,
                             s.share_worse_v, want);
                print_message("%s %s: n=%d I-III %.1f %% 劣V %.1f %% -> %s (published: %.*s)\n", dom, period, n,
                              eco_water_round(s.share_1_3, 1), eco_water_round(s.share_worse_v, 1), got,
                              (int)strlen(got), want);
                checked_grades++;
            }
        } else if (!strcmp(dom, "surface_water") && strstr(counts, "I-III ") && strstr(counts, "劣V ")) {
            /* shares only (national 2022, 2023): the 22号 grade they imply */
            double g = atof(strstr(counts, "I-III ") + strlen("I-III ")), d = atof(strstr(counts, "劣V ") + strlen("劣V "));
            eco_water_grade_t gr = eco_water_grade_by_share(g, d);
            print_message("%s %s: I-III %.1f %% 劣V %.1f %% -> %s (no published grade)\n", dom, period, g, d,
                          eco_water_grade_name(gr));
            assert_int_equal(gr, ECO_WGRADE_GOOD); /* 87.9 and 89.4: 75 ≤ x < 90 */
            checked_shares_only++;
        } else {
            print_message("not checked (no counts): %s %s\n", dom, period);
        }
    }
    eco_csv_close(&c);
    fclose(f);
    print_message("published aggregates: %d rows' shares recomputed from counts, %d grades, %d share-only rows\n",
                  checked_counts, checked_grades, checked_shares_only);
    assert_int_equal(checked_counts, 6);
    assert_int_equal(checked_grades, 5);
    assert_int_equal(checked_shares_only, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grade_edges),  cmocka_unit_test(test_small_count), cmocka_unit_test(test_share_min),
        cmocka_unit_test(test_period_mean),  cmocka_unit_test(test_change),
        cmocka_unit_test(test_tli_cwqi_sources), cmocka_unit_test(test_city_cwqi), cmocka_unit_test(test_published_aggregates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
