/* test_water.c — GB 3838-2002 single-sample classification checked against the
 * reference notes (../shared/reference/water-noise-standards.md §1.1, §2.3)
 * and against officially classified national data, not against the code.
 *
 * The limits below are transcribed again from the notes' Table 1, so a typo in
 * src/standards/water.c cannot be copied into the expectation. The golden set
 * ($ECO_SHARED_DIR/testdata/water/cnemc_auto_2021-04_golden.csv, 779 rows in
 * which the CNEMC class equals the README's recomputed class) must reproduce
 * every official class; the test skips when the shared folder is absent.
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
#include "standards/water.h"
#include "water/water.h"

#define R ECO_WB_RIVER
#define L ECO_WB_LAKE

/* notes §1.1, Table 1: (item, direction, Ⅰ..Ⅴ); lake TP separately */
typedef struct {
    eco_water_item_t it;
    int ge;
    double lim[5];
} ref_item_t;

static const ref_item_t REF[] = {
    {ECO_W_DO, 1, {7.5, 6, 5, 3, 2}},
    {ECO_W_CODMN, 0, {2, 4, 6, 10, 15}},
    {ECO_W_COD, 0, {15, 15, 20, 30, 40}},
    {ECO_W_BOD5, 0, {3, 3, 4, 6, 10}},
    {ECO_W_NH3N, 0, {0.15, 0.5, 1.0, 1.5, 2.0}},
    {ECO_W_TP, 0, {0.02, 0.1, 0.2, 0.3, 0.4}},
    {ECO_W_CU, 0, {0.01, 1.0, 1.0, 1.0, 1.0}},
    {ECO_W_ZN, 0, {0.05, 1.0, 1.0, 2.0, 2.0}},
    {ECO_W_F, 0, {1.0, 1.0, 1.0, 1.5, 1.5}},
    {ECO_W_SE, 0, {0.01, 0.01, 0.01, 0.02, 0.02}},
    {ECO_W_AS, 0, {0.05, 0.05, 0.05, 0.1, 0.1}},
    {ECO_W_HG, 0, {0.00005, 0.00005, 0.0001, 0.001, 0.001}},
    {ECO_W_CD, 0, {0.001, 0.005, 0.005, 0.005, 0.01}},
    {ECO_W_CR6, 0, {0.01, 0.05, 0.05, 0.05, 0.1}},
    {ECO_W_PB, 0, {0.01, 0.01, 0.05, 0.05, 0.1}},
    {ECO_W_CN, 0, {0.005, 0.05, 0.2, 0.2, 0.2}},
    {ECO_W_PHENOL, 0, {0.002, 0.002, 0.005, 0.01, 0.1}},
    {ECO_W_OIL, 0, {0.05, 0.05, 0.05, 0.5, 1.0}},
    {ECO_W_LAS, 0, {0.2, 0.2, 0.2, 0.3, 0.3}},
    {ECO_W_SULFIDE, 0, {0.05, 0.1, 0.2, 0.5, 1.0}},
    {ECO_W_FCOLI, 0, {200, 2000, 10000, 20000, 40000}},
};
static const ref_item_t REF_TP_LAKE = {ECO_W_TP, 0, {0.01, 0.025, 0.05, 0.1, 0.2}};
static const ref_item_t REF_TN_LAKE = {ECO_W_TN, 0, {0.2, 0.5, 1.0, 1.5, 2.0}};

/* best class whose limit the value meets (inclusive), else 6 */
static int ref_class(const ref_item_t *r, double v)
{
    for (int c = 0; c < 5; c++)
        if (r->ge ? v >= r->lim[c] : v <= r->lim[c]) return c + 1;
    return 6;
}

static void check_item_edges(const ref_item_t *r, eco_water_body_t wb)
{
    for (int c = 0; c < 5; c++) {
        double s = r->lim[c];
        double better = r->ge ? s * (1 + 1e-9) : s * (1 - 1e-9);
        double worse = r->ge ? s * (1 - 1e-9) : s * (1 + 1e-9);
        int at = eco_water_item_class(r->it, s, wb);
        if (at != ref_class(r, s) || at > c + 1)
            fail_msg("%s = %g (limit of class %d): class %d, expected %d", eco_water_items[r->it].key, s, c + 1, at,
                     ref_class(r, s));
        assert_int_equal(eco_water_item_class(r->it, better, wb), ref_class(r, better));
        int w = eco_water_item_class(r->it, worse, wb);
        if (w != ref_class(r, worse) || w <= c + 1)
            fail_msg("%s = %.12g (just past class %d): class %d, expected %d", eco_water_items[r->it].key, worse,
                     c + 1, w, ref_class(r, worse));
        /* the table itself */
        assert_true(eco_water_limit(r->it, c + 1, wb) == s);
    }
}

static void test_every_boundary(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof REF / sizeof *REF; k++) {
        if (REF[k].it != ECO_W_TP) check_item_edges(&REF[k], L);
        check_item_edges(&REF[k], R);
    }
    check_item_edges(&REF_TP_LAKE, L);
    check_item_edges(&REF_TN_LAKE, L);
}

static void test_hand_vectors(void **state)
{
    (void)state;
    /* inclusive limits, both directions */
    assert_int_equal(eco_water_item_class(ECO_W_DO, 7.5, R), 1);
    assert_int_equal(eco_water_item_class(ECO_W_DO, 7.49, R), 2);
    assert_int_equal(eco_water_item_class(ECO_W_DO, 6.00, R), 2); /* 6.00 meets the Ⅱ limit: inclusive */
    assert_int_equal(eco_water_item_class(ECO_W_DO, 5.99, R), 3);
    assert_int_equal(eco_water_item_class(ECO_W_DO, 2.0, R), 5);
    assert_int_equal(eco_water_item_class(ECO_W_DO, 1.99, R), 6);
    assert_int_equal(eco_water_item_class(ECO_W_DO, 0, R), 6);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.300, R), 4); /* 王庄桥南 TP 0.300 */
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.301, R), 5);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.4, R), 5);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.401, R), 6);
    assert_int_equal(eco_water_item_class(ECO_W_NH3N, 0.15, R), 1);
    assert_int_equal(eco_water_item_class(ECO_W_NH3N, 0.151, R), 2);
    assert_int_equal(eco_water_item_class(ECO_W_NH3N, 2.83, R), 6);
    assert_int_equal(eco_water_item_class(ECO_W_CODMN, 0, R), 1);
    assert_int_equal(eco_water_item_class(ECO_W_COD, 15, R), 1); /* shared limit: the better class */
    assert_int_equal(eco_water_item_class(ECO_W_COD, 16, R), 3);
    assert_int_equal(eco_water_item_class(ECO_W_CU, 0.011, R), 2);
    assert_int_equal(eco_water_item_class(ECO_W_CU, 1.0, R), 2);
    assert_int_equal(eco_water_item_class(ECO_W_CU, 1.01, R), 6);
    /* river vs lake TP */
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.05, R), 2);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.05, L), 3);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.1, R), 2);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.1, L), 4);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.2, L), 5);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.21, L), 6);
    assert_int_equal(eco_water_item_class(ECO_W_TP, 0.21, R), 4);
    /* TN: lakes only; water temperature: no classes */
    assert_int_equal(eco_water_item_class(ECO_W_TN, 5.0, R), 0);
    assert_int_equal(eco_water_item_class(ECO_W_TN, 5.0, L), 6);
    assert_true(isnan(eco_water_limit(ECO_W_TN, 3, R)));
    assert_int_equal(eco_water_item_class(ECO_W_TEMP, 20, R), 0);
    /* missing / invalid */
    assert_int_equal(eco_water_item_class(ECO_W_TP, NAN, R), 0);
    assert_int_equal(eco_water_item_class(ECO_W_TP, -0.1, R), 0);
    assert_int_equal(eco_water_item_class(ECO_W_TP, INFINITY, R), 0);
}

static void test_ph_range(void **state)
{
    (void)state;
    assert_int_equal(eco_water_item_class(ECO_W_PH, 6.0, R), 1);
    assert_int_equal(eco_water_item_class(ECO_W_PH, 9.0, R), 1);
    assert_int_equal(eco_water_item_class(ECO_W_PH, 7.5, L), 1);
    assert_int_equal(eco_water_item_class(ECO_W_PH, 5.99, R), 6);
    assert_int_equal(eco_water_item_class(ECO_W_PH, 9.01, R), 6);
    assert_int_equal(eco_water_item_class(ECO_W_PH, 9.17, L), 6); /* 滇池 海口西 */
    assert_true(isnan(eco_water_multiple(ECO_W_PH, 9.5, R)));
    assert_true(isnan(eco_water_multiple(ECO_W_DO, 1, R)));
}

static void fill_na(double v[ECO_W_NITEMS])
{
    for (int i = 0; i < ECO_W_NITEMS; i++) v[i] = NAN;
}

static void test_sample(void **state)
{
    (void)state;
    double v[ECO_W_NITEMS];
    eco_water_result_t r;
    char buf[256];

    /* nothing present */
    fill_na(v);
    eco_water_classify(v, R, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 0);
    assert_int_equal(r.deciding, 0);
    assert_int_equal(r.nmain, 0);

    /* worst over items present; TN, temperature do not decide under auto5 */
    v[ECO_W_PH] = 7.8, v[ECO_W_DO] = 8.1, v[ECO_W_CODMN] = 3.5, v[ECO_W_NH3N] = 0.2, v[ECO_W_TP] = 0.08;
    v[ECO_W_TN] = 9.0, v[ECO_W_TEMP] = 25;
    eco_water_classify(v, R, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 2);
    assert_int_equal(r.deciding, ECO_WBIT(ECO_W_CODMN) | ECO_WBIT(ECO_W_NH3N) | ECO_WBIT(ECO_W_TP));
    assert_string_equal(eco_water_items_str(r.deciding, buf, sizeof buf), "高锰酸盐指数;氨氮;总磷");
    assert_int_equal(r.nmain, 0);
    /* the same sample at a lake: TP 0.08 is Ⅳ */
    eco_water_classify(v, L, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 4);
    assert_int_equal(r.deciding, ECO_WBIT(ECO_W_TP));
    assert_int_equal(r.item_cls[ECO_W_TN], 6); /* classed, but not deciding */
    assert_int_equal(r.nmain, 1);
    assert_string_equal(eco_water_main_str(&r, buf, sizeof buf), "总磷(0.60)");

    /* a missing item is skipped */
    v[ECO_W_TP] = NAN;
    eco_water_classify(v, L, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 2);
    assert_int_equal(r.present & ECO_WBIT(ECO_W_TP), 0);

    /* pH outside the range: 劣Ⅴ decided by pH alone */
    fill_na(v);
    v[ECO_W_PH] = 9.28, v[ECO_W_DO] = 9.58, v[ECO_W_CODMN] = 1.84, v[ECO_W_NH3N] = 0.068, v[ECO_W_TP] = 0.067;
    eco_water_classify(v, R, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 6);
    assert_string_equal(eco_water_class_name(r.cls), "劣Ⅴ");
    assert_int_equal(r.deciding, ECO_WBIT(ECO_W_PH));
    assert_string_equal(eco_water_main_str(&r, buf, sizeof buf), "pH");

    /* routine 21: COD decides; TN never does */
    fill_na(v);
    v[ECO_W_COD] = 32, v[ECO_W_TN] = 5, v[ECO_W_FCOLI] = 50000;
    eco_water_classify(v, L, eco_water_set_routine21, &r);
    assert_int_equal(r.cls, 5);
    eco_water_classify(v, L, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 0);
}

static void test_multiples_and_main(void **state)
{
    (void)state;
    /* (C - S_III) / S_III */
    assert_float_equal(eco_water_multiple(ECO_W_TP, 0.29, R), 0.45, 1e-12);
    assert_float_equal(eco_water_multiple(ECO_W_TP, 0.29, L), 4.8, 1e-12);
    assert_float_equal(eco_water_multiple(ECO_W_NH3N, 1.2, R), 0.2, 1e-12);
    assert_float_equal(eco_water_multiple(ECO_W_CODMN, 3, R), -0.5, 1e-12);
    assert_float_equal(eco_water_multiple(ECO_W_HG, 0.0003, R), 2.0, 1e-9);
    assert_true(isnan(eco_water_multiple(ECO_W_TN, 2, R)));
    assert_float_equal(eco_water_multiple(ECO_W_TN, 2, L), 1.0, 1e-12);
    assert_true(isnan(eco_water_multiple(ECO_W_TEMP, 30, R)));
    assert_true(isnan(eco_water_multiple(ECO_W_TP, NAN, R)));

    double v[ECO_W_NITEMS];
    eco_water_result_t r;
    char buf[256];
    fill_na(v);
    /* Ⅳ: TP 0.29 (0.45), NH3-N 1.2 (0.20) */
    v[ECO_W_PH] = 7, v[ECO_W_DO] = 6.5, v[ECO_W_CODMN] = 5, v[ECO_W_NH3N] = 1.2, v[ECO_W_TP] = 0.29;
    eco_water_classify(v, R, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 4);
    assert_string_equal(eco_water_main_str(&r, buf, sizeof buf), "总磷(0.45);氨氮(0.20)");

    /* top three among four over Ⅲ; class first, then the multiple */
    fill_na(v);
    v[ECO_W_COD] = 35;        /* Ⅴ, 0.75 */
    v[ECO_W_NH3N] = 1.9;      /* Ⅴ, 0.90 */
    v[ECO_W_TP] = 0.5;        /* 劣Ⅴ, 1.50 */
    v[ECO_W_CODMN] = 9;       /* Ⅳ, 0.50 */
    v[ECO_W_BOD5] = 5;        /* Ⅳ, 0.25 */
    v[ECO_W_PB] = 0.01;       /* Ⅰ */
    eco_water_classify(v, R, eco_water_set_routine21, &r);
    assert_int_equal(r.cls, 6);
    assert_int_equal(r.nmain, 3);
    assert_int_equal(r.main[0], ECO_W_TP);
    assert_int_equal(r.main[1], ECO_W_NH3N);
    assert_int_equal(r.main[2], ECO_W_COD);
    assert_string_equal(eco_water_main_str(&r, buf, sizeof buf), "总磷(1.50);氨氮(0.90);化学需氧量(0.75)");

    /* DO worse than Ⅲ has no multiple but is a main pollutant */
    fill_na(v);
    v[ECO_W_DO] = 2.5, v[ECO_W_CODMN] = 8;
    eco_water_classify(v, R, eco_water_set_auto5, &r);
    assert_int_equal(r.cls, 5);
    assert_string_equal(eco_water_main_str(&r, buf, sizeof buf), "溶解氧;高锰酸盐指数(0.33)");
}

static void test_names_and_sets(void **state)
{
    (void)state;
    static const char *const names[] = {"", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"};
    for (int c = 1; c <= 6; c++) {
        assert_string_equal(eco_water_class_name(c), names[c]);
        assert_int_equal(eco_water_class_parse(names[c], strlen(names[c])), c);
    }
    assert_string_equal(eco_water_class_name(0), "");
    assert_int_equal(eco_water_class_parse("*", 1), 0);
    assert_int_equal(eco_water_class_parse("III", 3), 3);
    assert_int_equal(eco_water_class_parse("劣V", strlen("劣V")), 6);
    assert_int_equal(eco_water_class_parse("Ⅲ类", strlen("Ⅲ类")), 3);
    assert_int_equal(eco_water_class_parse("劣Ⅲ", strlen("劣Ⅲ")), 0);
    assert_string_equal(eco_water_class_status(6), "重度污染");
    /* item sets: 5 and 21 */
    assert_int_equal(__builtin_popcount(eco_water_set_auto5), 5);
    assert_int_equal(__builtin_popcount(eco_water_set_routine21), 21);
    assert_int_equal(eco_water_set_routine21 & ECO_WBIT(ECO_W_TN), 0);
    assert_int_equal(eco_water_set_routine21 & ECO_WBIT(ECO_W_FCOLI), 0);
    assert_int_equal(eco_water_set_routine21 & ECO_WBIT(ECO_W_TEMP), 0);
    assert_int_equal(eco_water_item_index("NH3N"), ECO_W_NH3N);
    assert_null(eco_water_item_by_key("nosuch"));
}

/* ---- golden CNEMC rows ---------------------------------------------------- */

static int find_col(const eco_csv_t *c, const char *name)
{
    for (size_t i = 0; i < eco_csv_nfields(c); i++)
        if (eco_slice_eq(eco_csv_field(c, i), name)) return (int)i;
    return -1;
}

static double cell(const eco_csv_t *c, int col)
{
    eco_slice_t s = eco_csv_field(c, (size_t)col);
    double v;
    if (eco_slice_eq(s, "*") || eco_slice_eq(s, "--") || s.len == 0) return NAN;
    if (eco_slice_to_double(s, &v)) fail_msg("not a number: %.*s", (int)s.len, s.ptr);
    return v;
}

static void test_golden(void **state)
{
    (void)state;
    const char *dir = getenv("ECO_SHARED_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/testdata/water/cnemc_auto_2021-04_golden.csv", dir ? dir : "../shared");
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_message("SKIP: %s not readable (ECO_SHARED_DIR=%s)\n", path, dir ? dir : "(unset)");
        skip();
    }
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_file(&c, f, path);
    assert_int_equal(eco_csv_next(&c, &err), 1);
    int c_off = find_col(&c, "水质类别"), c_wb = find_col(&c, "inferred_waterbody");
    int c_item[5] = {find_col(&c, "pH(无量纲)"), find_col(&c, "溶解氧(mg/L)"), find_col(&c, "高锰酸盐指数(mg/L)"),
                     find_col(&c, "氨氮(mg/L)"), find_col(&c, "总磷(mg/L)")};
    const eco_water_item_t items[5] = {ECO_W_PH, ECO_W_DO, ECO_W_CODMN, ECO_W_NH3N, ECO_W_TP};
    assert_true(c_off >= 0 && c_wb >= 0);
    for (int k = 0; k < 5; k++) assert_true(c_item[k] >= 0);
    int n = 0, ok = 0, lakes = 0, worse = 0;
    while (eco_csv_next(&c, &err) == 1) {
        double v[ECO_W_NITEMS];
        fill_na(v);
        for (int k = 0; k < 5; k++) v[items[k]] = cell(&c, c_item[k]);
        eco_slice_t wbs = eco_csv_field(&c, (size_t)c_wb);
        eco_water_body_t wb = eco_slice_eq(wbs, "lake") || eco_slice_eq(wbs, "lake?") ? L : R;
        eco_slice_t o = eco_csv_field(&c, (size_t)c_off);
        int official = eco_water_class_parse(o.ptr, o.len);
        eco_water_result_t r;
        eco_water_classify(v, wb, eco_water_set_auto5, &r);
        n++;
        lakes += wb == L;
        worse += official == 6;
        if (r.cls == official) ok++;
        else
            print_error("line %zu: class %s, official %.*s\n", eco_csv_line(&c), eco_water_class_name(r.cls),
                        (int)o.len, o.ptr);
    }
    eco_csv_close(&c);
    fclose(f);
    print_message("golden: %d/%d rows reproduce the official class (%d lake rows, %d 劣Ⅴ)\n", ok, n, lakes, worse);
    assert_int_equal(n, 779);
    assert_int_equal(ok, n);
    assert_true(lakes > 0 && worse > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_boundary), cmocka_unit_test(test_hand_vectors),
        cmocka_unit_test(test_ph_range),       cmocka_unit_test(test_sample),
        cmocka_unit_test(test_multiples_and_main), cmocka_unit_test(test_names_and_sets),
        cmocka_unit_test(test_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
