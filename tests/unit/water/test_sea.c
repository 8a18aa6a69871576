/* test_sea.c — GB 3097-1997 classes and the HJ 442-2008 nearshore grade,
 * checked against the reference notes (water-noise-standards.md §6), not
 * against the code.
 *
 * - hand vectors: DO's ">" direction, pH ranges, 劣四类, item sets, points;
 * - every limit of the notes' §6.1 table, parsed at run time from
 *   $ECO_SHARED_DIR/reference/water-noise-standards.md (at and just past each);
 * - the published nearshore aggregates of
 *   $ECO_SHARED_DIR/testdata/water/published_aggregates.csv (national 2014 and
 *   2017, 渤海/黄海/东海/南海 2017): shares recomputed from counts and the grade
 *   from the shares must equal the published ones.
 * The file-based tests skip with a message when the shared folder is absent.
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
#include "standards/sea.h"
#include "water/sea.h"

static void fill_na(double *v)
{
    for (int i = 0; i < ECO_SEA_NITEMS; i++) v[i] = NAN;
}

static void test_hand_vectors(void **state)
{
    (void)state;
    /* DO: the standard writes "> 6 / 5 / 4 / 3": 6.0 is not Class 1 */
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, 6.01), 1);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, 6.0), 2);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, 5.0), 3);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, 4.0), 4);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, 3.01), 4);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, 3.0), 5);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, 0), 5);
    /* ≤ items, inclusive, and shared limits → better class */
    assert_int_equal(eco_sea_item_class(ECO_SEA_DIN, 0.20), 1);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DIN, 0.2001), 2);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DIN, 0.50), 4);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DIN, 0.5001), 5);
    assert_int_equal(eco_sea_item_class(ECO_SEA_PO4, 0.030), 2); /* Class 2 = Class 3 = 0.030 */
    assert_int_equal(eco_sea_item_class(ECO_SEA_PO4, 0.031), 4);
    assert_int_equal(eco_sea_item_class(ECO_SEA_OIL, 0.05), 1);
    assert_int_equal(eco_sea_item_class(ECO_SEA_OIL, 0.06), 3);
    assert_int_equal(eco_sea_item_class(ECO_SEA_COD, 5), 4);
    assert_int_equal(eco_sea_item_class(ECO_SEA_COD, 5.01), 5);
    /* pH: Classes 1–2 7.8–8.5, Classes 3–4 6.8–8.8, inclusive */
    const struct {
        double v;
        int c;
    } ph[] = {{7.8, 1}, {8.5, 1}, {8.1, 1}, {7.79, 3}, {8.51, 3}, {6.8, 3}, {8.8, 3}, {6.79, 5}, {8.81, 5}};
    for (size_t k = 0; k < sizeof ph / sizeof *ph; k++) assert_int_equal(eco_sea_item_class(ECO_SEA_PH, ph[k].v), ph[k].c);
    /* coliforms: no Class 4 requirement → never 劣四类 */
    assert_int_equal(eco_sea_item_class(ECO_SEA_TCOLI, 10000), 1);
    assert_int_equal(eco_sea_item_class(ECO_SEA_TCOLI, 1e9), 4);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, NAN), 0);
    assert_int_equal(eco_sea_item_class(ECO_SEA_DO, -1), 0);
    assert_true(isnan(eco_sea_multiple(ECO_SEA_DO, 2)));
    assert_true(fabs(eco_sea_multiple(ECO_SEA_DIN, 0.6) - 1.0) < 1e-12);
    /* names */
    assert_string_equal(eco_sea_class_name(5), "劣四类");
    assert_int_equal(eco_sea_class_parse("劣四类", strlen("劣四类")), 5);
    assert_int_equal(eco_sea_class_parse("二类", strlen("二类")), 2);
    assert_int_equal(eco_sea_item_find("无机氮", strlen("无机氮")), ECO_SEA_DIN);
}

static void test_sample_and_point(void **state)
{
    (void)state;
    double v[ECO_SEA_NITEMS];
    fill_na(v);
    eco_sea_result_t r;
    eco_sea_classify(v, eco_sea_set_nearshore, &r);
    assert_int_equal(r.cls, 0);
    v[ECO_SEA_PH] = 8.1;
    v[ECO_SEA_DO] = 6.5;
    v[ECO_SEA_DIN] = 0.35;   /* 三类 */
    v[ECO_SEA_PO4] = 0.040;  /* 四类 */
    v[ECO_SEA_TCOLI] = 20000; /* 四类, but not evaluated nearshore */
    eco_sea_classify(v, eco_sea_set_nearshore, &r);
    assert_int_equal(r.cls, 4);
    char buf[256];
    assert_string_equal(eco_sea_items_str(r.deciding, buf, sizeof buf), "活性磷酸盐");
    assert_string_equal(eco_sea_over_str(&r, v, buf, sizeof buf), "活性磷酸盐(四类,0.33);无机氮(三类,0.17)");
    assert_false(r.present & ECO_SEABIT(ECO_SEA_TCOLI));
    assert_false(eco_sea_set_nearshore & ECO_SEABIT(ECO_SEA_FCOLI));
    v[ECO_SEA_PO4] = 0.01;
    eco_sea_classify(v, eco_sea_set_all, &r);
    assert_int_equal(r.cls, 4);
    assert_true(r.deciding & ECO_SEABIT(ECO_SEA_TCOLI));
    eco_sea_classify(v, eco_sea_set_key, &r);
    assert_int_equal(r.cls, 3);

    /* a point over two rounds: DIN 0.15 and 0.55 → mean 0.35 三类; worst 劣四类 */
    double a[ECO_SEA_NITEMS], b[ECO_SEA_NITEMS];
    fill_na(a);
    fill_na(b);
    a[ECO_SEA_DIN] = 0.15;
    b[ECO_SEA_DIN] = 0.55;
    eco_sea_acc_t acc;
    eco_sea_acc_init(&acc);
    eco_sea_acc_add(&acc, a, eco_sea_set_nearshore);
    eco_sea_acc_add(&acc, b, eco_sea_set_nearshore);
    assert_int_equal(eco_sea_acc_class(&acc, ECO_SEA_POINT_MEAN, eco_sea_set_nearshore, NULL), 3);
    assert_int_equal(eco_sea_acc_class(&acc, ECO_SEA_POINT_WORST, eco_sea_set_nearshore, NULL), 5);
}

static eco_sea_grade_t grade_of(double s1, double s2, double s5, double thr)
{
    double w[6] = {0, s1, s2, 100 - s1 - s2 - s5, 0, s5};
    eco_sea_shares_t s;
    eco_sea_shares_from(w, &s);
    return eco_sea_grade(&s, thr);
}

static void test_grade_boundaries(void **state)
{
    (void)state;
    const double T = ECO_SEA_VERY_POOR_DEFAULT;
    assert_int_equal(grade_of(60, 30, 0, T), ECO_SEA_GRADE_EXCELLENT);   /* both bounds inclusive */
    assert_int_equal(grade_of(59.9, 40, 0, T), ECO_SEA_GRADE_GOOD);      /* Class 1 < 60 */
    assert_int_equal(grade_of(70, 19.9, 0, T), ECO_SEA_GRADE_GOOD);      /* 1+2 < 90 */
    assert_int_equal(grade_of(40, 40, 20, T), ECO_SEA_GRADE_GOOD);       /* 1+2 = 80 */
    assert_int_equal(grade_of(40, 39.9, 0, T), ECO_SEA_GRADE_FAIR);
    assert_int_equal(grade_of(30, 30, 29.9, T), ECO_SEA_GRADE_FAIR);     /* 1+2 = 60, 劣四 < 30 */
    assert_int_equal(grade_of(30, 30, 30, T), ECO_SEA_GRADE_POOR);       /* 劣四 = 30 */
    assert_int_equal(grade_of(30, 29.9, 0, T), ECO_SEA_GRADE_POOR);
    assert_int_equal(grade_of(10, 20, 39.9, T), ECO_SEA_GRADE_POOR);
    assert_int_equal(grade_of(10, 20, 40, T), ECO_SEA_GRADE_VERY_POOR);  /* default threshold inclusive */
    assert_int_equal(grade_of(15.9, 31.0, 31.0, T), ECO_SEA_GRADE_POOR); /* 东海 2017 */
    assert_int_equal(grade_of(15.9, 31.0, 31.0, 31), ECO_SEA_GRADE_VERY_POOR); /* why 30 % cannot be right */
    eco_sea_shares_t s;
    eco_sea_shares(NULL, NULL, 0, &s);
    assert_int_equal(eco_sea_grade(&s, T), ECO_SEA_GRADE_NONE);
    assert_string_equal(eco_sea_grade_name(ECO_SEA_GRADE_FAIR), "一般");
    assert_string_equal(eco_sea_grade_name(ECO_SEA_GRADE_VERY_POOR), "极差");
    /* area weights (the 十四五 form) */
    int c[3] = {1, 2, 5};
    double w[3] = {10, 30, 60};
    eco_sea_shares(c, w, 3, &s);
    assert_true(fabs(s.share_1_2 - 40) < 1e-12);
    assert_true(fabs(s.share[5] - 60) < 1e-12);
}

static FILE *open_shared(const char *rel, char *path, size_t n)
{
    const char *dir = getenv("ECO_SHARED_DIR");
    snprintf(path, n, "%s/%s", dir ? dir : "../shared", rel);
    FILE *f = fopen(path, "rb");
    if (!f) print_message("SKIP: %s not readable (ECO_SHARED_DIR=%s)\n", path, dir ? dir : "(unset)");
    return f;
}

/* leading number of a cell, "—" = no requirement (INFINITY), else NAN */
static double lead_num(const char *s)
{
    while (*s == ' ') s++;
    if (!strncmp(s, "—", strlen("—"))) return INFINITY;
    char *end;
    double v = strtod(s, &end);
    return end == s ? NAN : v;
}

static void test_limits_from_notes(void **state)
{
    (void)state;
    char path[1024], line[4096];
    FILE *f = open_shared("reference/water-noise-standards.md", path, sizeof path);
    if (!f) skip();
    int in = 0, matched = 0, checked = 0;
    int seen[ECO_SEA_NITEMS] = {0};
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "### 6.1", 7)) in = 1;
        else if (!strncmp(line, "### ", 4) || !strncmp(line, "## ", 3)) in = 0;
        if (!in || line[0] != '|') continue;
        char *cells[8];
        int n = 0;
        char *p = line + 1;
        while (n < 8) {
            char *e = strchr(p, '|');
            if (!e) break;
            *e = 0;
            cells[n++] = p;
            p = e + 1;
        }
        if (n < 5) continue;
        const char *name = cells[0];
        while (*name == ' ') name++;
        int it = -1;
        for (int i = 0; i < ECO_SEA_NITEMS; i++) {
            size_t l = strlen(eco_sea_items[i].name_zh);
            if (!strncmp(name, eco_sea_items[i].name_zh, l) && strchr(" ,(", name[l])) it = i;
        }
        if (it < 0 || it == ECO_SEA_PH) continue; /* header, 悬浮物质, 水温, radionuclides; pH by hand */
        double L[4];
        for (int c = 0; c < 4; c++) {
            L[c] = lead_num(cells[1 + c]);
            assert_false(isnan(L[c]));
        }
        const eco_sea_item_def_t *d = &eco_sea_items[it];
        int gt = strstr(cells[0], ">") != NULL;
        assert_int_equal(d->dir, gt ? ECO_SEADIR_GT : ECO_SEADIR_LE);
        for (int c = 0; c < 4; c++) {
            if (!isfinite(L[c])) {
                assert_true(isinf(d->lim[c]));
                continue;
            }
            double probe[2] = {L[c], gt ? nextafter(L[c], -INFINITY) * (1 - 1e-9) : L[c] * (1 + 1e-9) + 1e-300};
            for (int k = 0; k < 2; k++) {
                int want = 5;
                for (int q = 1; q <= 4; q++)
                    if (gt ? probe[k] > L[q - 1] : probe[k] <= L[q - 1]) {
                        want = q;
                        break;
                    }
                if (eco_sea_item_class((eco_sea_item_t)it, probe[k]) != want)
                    fail_msg("%s at %.10g: class %d, want %d", d->key, probe[k],
                             eco_sea_item_class((eco_sea_item_t)it, probe[k]), want);
                checked++;
            }
        }
        seen[it] = 1;
        matched++;
    }
    fclose(f);
    print_message("notes §6.1: %d items matched, %d boundary values checked\n", matched, checked);
    assert_int_equal(matched, ECO_SEA_NITEMS - 1);
    for (int i = 1; i < ECO_SEA_NITEMS; i++)
        if (!seen[i]) fail_msg("item %s not in the notes' table", eco_sea_items[i].key);
}

static int col_of(const eco_csv_t *c, const char *name)
{
    for (size_t k = 0; k < eco_csv_nfields(c); k++)
        if (eco_slice_eq(eco_csv_field(c, k), name)) return (int)k;
    fail_msg("no column %s", name);
    return -1;
}

/* the number after label in "一类 34.5; 二类 33.3; ..." */
static double share_after(const char *s, const char *label)
{
    const char *p = strstr(s, label);
    if (!p) fail_msg("no '%s' in '%s'", label, s);
    return strtod(p + strlen(label), NULL);
}

static void test_published_aggregates(void **state)
{
    (void)state;
    char path[1024];
    FILE *f = open_shared("testdata/water/published_aggregates.csv", path, sizeof path);
    if (!f) skip();
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_file(&c, f, path);
    assert_int_equal(eco_csv_next(&c, &err), 1);
    int c_dom = col_of(&c, "domain"), c_scope = col_of(&c, "scope"), c_n = col_of(&c, "n_units"),
        c_counts = col_of(&c, "counts_or_shares"), c_pub = col_of(&c, "published_result"),
        c_der = col_of(&c, "derivation_check");
    int rows = 0, area_points = 0;
    while (eco_csv_next(&c, &err) == 1) {
        if (!eco_slice_eq(eco_csv_field(&c, (size_t)c_dom), "nearshore_sea")) continue;
        char counts[512], pub[256], der[256], scope[256];
        eco_slice_t s;
#define COPY(dst, col) s = eco_csv_field(&c, (size_t)(col)), snprintf(dst, sizeof dst, "%.*s", (int)s.len, s.ptr)
        COPY(counts, c_counts);
        COPY(pub, c_pub);
        COPY(der, c_der);
        COPY(scope, c_scope);
        double pubshare[6] = {0, share_after(counts, "一类"), share_after(counts, "二类"), share_after(counts, "三类"),
                              share_after(counts, "四类"), share_after(counts, "劣四")};
        assert_true(fabs(pubshare[1] + pubshare[2] + pubshare[3] + pubshare[4] + pubshare[5] - 100) <= 0.25);
        /* counts: from n when given (417 points in 2017); else the smallest n whose integer
         * counts reproduce every published one-decimal share (the sea areas' point counts) */
        s = eco_csv_field(&c, (size_t)c_n);
        double n = 0;
        if (s.len) assert_int_equal(eco_slice_to_double(s, &n), 0);
        for (int cand = 1; n <= 0 && cand <= 1000; cand++) {
            long sum = 0;
            int ok = 1;
            for (int q = 1; q <= 5 && ok; q++) {
                long k = lround(pubshare[q] * cand / 100);
                sum += k;
                ok = fabs(100.0 * (double)k / cand - pubshare[q]) <= 0.05 + 1e-9;
            }
            if (ok && sum == cand) n = cand;
        }
        if (n <= 0) fail_msg("%s: no point count up to 1000 reproduces the shares", scope);
        int npts = 0, *cls = malloc((size_t)n * sizeof *cls);
        assert_non_null(cls);
        for (int q = 1; q <= 5; q++) {
            long k = lround(pubshare[q] * n / 100);
            for (long j = 0; j < k && npts < (int)n; j++) cls[npts++] = q;
        }
        assert_int_equal(npts, (int)n);
        if (strncmp(scope, "全国", strlen("全国"))) area_points += npts; /* the four 2017 sea areas */
        eco_sea_shares_t sh;
        eco_sea_shares(cls, NULL, (size_t)npts, &sh);
        free(cls);
        for (int q = 1; q <= 5; q++)
            if (fabs(sh.share[q] - pubshare[q]) > 0.05 + 1e-9)
                fail_msg("%s class %d: recomputed %.3f, published %.1f", scope, q, sh.share[q], pubshare[q]);
        /* the published Class 1+2 share is the sum of the rounded shares */
        double pub12 = strtod(strpbrk(der, "0123456789"), NULL);
        assert_true(fabs(pubshare[1] + pubshare[2] - pub12) < 1e-9);
        assert_true(fabs(sh.share_1_2 - pub12) <= 0.1 + 1e-9);
        const char *want = strstr(pub, "极差") ? "极差" : strstr(pub, "一般") ? "一般"
                           : strstr(pub, "良好")                           ? "良好"
                           : strstr(pub, "差")                             ? "差"
                           : strstr(pub, "优")                             ? "优"
                                                                           : "?";
        const char *got = eco_sea_grade_name(eco_sea_grade(&sh, ECO_SEA_VERY_POOR_DEFAULT));
        print_message("%s: %d points, 1+2 %.1f %% (published %.1f), 劣四 %.1f %%, grade %s (published %s)\n",
                      scope, npts, sh.share_1_2, pub12, sh.share[5], got, want);
        assert_string_equal(got, want);
        /* and from the published shares directly */
        eco_sea_shares_from(pubshare, &sh);
        assert_string_equal(eco_sea_grade_name(eco_sea_grade(&sh, ECO_SEA_VERY_POOR_DEFAULT)), want);
        rows++;
    }
    eco_csv_close(&c);
    fclose(f);
    assert_int_equal(rows, 6);
    /* the point counts inferred for 渤海, 黄海, 东海 and 南海 add up to the national 417 */
    print_message("sea areas: %d points in all (national 2017: 417)\n", area_points);
    assert_int_equal(area_points, 417);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_vectors),       cmocka_unit_test(test_sample_and_point),
        cmocka_unit_test(test_grade_boundaries),   cmocka_unit_test(test_limits_from_notes),
        cmocka_unit_test(test_published_aggregates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
