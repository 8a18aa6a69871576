/* test_air_tables.c — the versioned air-standard tables checked against the
 * reference notes (../shared/reference/air-standards.md), not against the code.
 *
 *   §1.1 GB 3095-2012 Table 1, §1.2 GB 3095-2026 Table 1 (transitional/final),
 *   §2.2 HJ 633-2012 Table 1, §2.3 HJ 633-2026 Table 3, §2.6 categories and
 *   colours, §0 switch day 2026-03-01 and the 2031-01-01 final limits,
 *   §1.5/§4.3/§4.4 validity numbers (20 h, 6 h, 14 windows, 27/25/324 days).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/time.h"
#include "standards/air.h"

#define N_IAQI8 8
static const double IAQI8[N_IAQI8] = {0, 50, 100, 150, 200, 300, 400, 500};

/* one expected table: n points, concentrations, IAQI */
typedef struct {
    eco_air_bp_id_t id;
    const char *what;
    int n;
    double c[8];
    double iaqi[8];
} exp_table_t;

#define E8(ID, ...) {ID, #ID, 8, {__VA_ARGS__}, {0, 50, 100, 150, 200, 300, 400, 500}}

/* HJ 633-2012 Table 1 (notes §2.2), column by column. */
static const exp_table_t t2012[] = {
    E8(ECO_BP_SO2_24H, 0, 50, 150, 475, 800, 1600, 2100, 2620),
    /* SO2 1-h ends at 800 -> 200 (note (2): above that, no IAQI from the 1-h value) */
    {ECO_BP_SO2_1H, "ECO_BP_SO2_1H", 5, {0, 150, 500, 650, 800}, {0, 50, 100, 150, 200}},
    E8(ECO_BP_NO2_24H, 0, 40, 80, 180, 280, 565, 750, 940),
    E8(ECO_BP_NO2_1H, 0, 100, 200, 700, 1200, 2340, 3090, 3840),
    E8(ECO_BP_PM10_24H, 0, 50, 150, 250, 350, 420, 500, 600),
    E8(ECO_BP_CO_24H, 0, 2, 4, 14, 24, 36, 48, 60),
    E8(ECO_BP_CO_1H, 0, 5, 10, 35, 60, 90, 120, 150),
    E8(ECO_BP_O3_1H, 0, 160, 200, 300, 400, 800, 1000, 1200),
    /* O3 8-h ends at 800 -> 300 (note (3)) */
    {ECO_BP_O3_8H, "ECO_BP_O3_8H", 6, {0, 100, 160, 215, 265, 800}, {0, 50, 100, 150, 200, 300}},
    E8(ECO_BP_PM25_24H, 0, 35, 75, 115, 150, 250, 350, 500),
};

/* HJ 633-2026 Table 3 (notes §2.3): only PM10 / PM2.5 IAQI-100 changed. */
static const exp_table_t t2026[] = {
    E8(ECO_BP_SO2_24H, 0, 50, 150, 475, 800, 1600, 2100, 2620),
    {ECO_BP_SO2_1H, "ECO_BP_SO2_1H", 5, {0, 150, 500, 650, 800}, {0, 50, 100, 150, 200}},
    E8(ECO_BP_NO2_24H, 0, 40, 80, 180, 280, 565, 750, 940),
    E8(ECO_BP_NO2_1H, 0, 100, 200, 700, 1200, 2340, 3090, 3840),
    E8(ECO_BP_CO_24H, 0, 2, 4, 14, 24, 36, 48, 60),
    E8(ECO_BP_CO_1H, 0, 5, 10, 35, 60, 90, 120, 150),
    {ECO_BP_O3_8H, "ECO_BP_O3_8H", 6, {0, 100, 160, 215, 265, 800}, {0, 50, 100, 150, 200, 300}},
    E8(ECO_BP_O3_1H, 0, 160, 200, 300, 400, 800, 1000, 1200),
    E8(ECO_BP_PM10_24H, 0, 50, 120, 250, 350, 420, 500, 600),
    E8(ECO_BP_PM25_24H, 0, 35, 60, 115, 150, 250, 350, 500),
};

static void check_tables(const eco_air_edition_t *ed, const exp_table_t *exp, size_t nexp)
{
    int seen[ECO_BP_N] = {0};
    for (size_t k = 0; k < nexp; k++) {
        const exp_table_t *e = &exp[k];
        const eco_air_bp_table_t *t = &ed->bp[e->id];
        seen[e->id]++;
        if (t->n != e->n) fail_msg("%s %s: %d points, expected %d", ed->name, e->what, t->n, e->n);
        for (int i = 0; i < e->n; i++) {
            if (t->c[i] != e->c[i])
                fail_msg("%s %s point %d: C %g, expected %g", ed->name, e->what, i, t->c[i], e->c[i]);
            if (t->iaqi[i] != e->iaqi[i])
                fail_msg("%s %s point %d: IAQI %g, expected %g", ed->name, e->what, i, t->iaqi[i], e->iaqi[i]);
        }
        /* strictly increasing concentrations (a zero-width segment would divide by 0) */
        for (int i = 1; i < t->n; i++) assert_true(t->c[i] > t->c[i - 1]);
    }
    for (int id = 0; id < ECO_BP_N; id++) assert_int_equal(seen[id], 1); /* every table checked once */
}

static void test_hj633_2012_table1(void **state)
{
    (void)state;
    check_tables(&eco_air_edition_2012, t2012, sizeof t2012 / sizeof t2012[0]);
    /* the IAQI scale of an 8-point table is the standard one */
    for (int i = 0; i < N_IAQI8; i++) assert_true(eco_air_edition_2012.bp[ECO_BP_PM25_24H].iaqi[i] == IAQI8[i]);
}

static void test_hj633_2026_table3(void **state)
{
    (void)state;
    check_tables(&eco_air_edition_2026, t2026, sizeof t2026 / sizeof t2026[0]);
}

static void test_only_pm_changed_between_editions(void **state)
{
    (void)state;
    for (int id = 0; id < ECO_BP_N; id++) {
        const eco_air_bp_table_t *a = &eco_air_edition_2012.bp[id], *b = &eco_air_edition_2026.bp[id];
        int same = a->n == b->n;
        for (int i = 0; same && i < a->n; i++) same = a->c[i] == b->c[i] && a->iaqi[i] == b->iaqi[i];
        if (id == ECO_BP_PM10_24H || id == ECO_BP_PM25_24H) {
            assert_false(same);
            /* exactly one point differs: the IAQI-100 concentration */
            for (int i = 0; i < a->n; i++)
                if (i != 2) assert_true(a->c[i] == b->c[i]);
        } else {
            assert_true(same);
        }
    }
    assert_true(eco_air_edition_2012.bp[ECO_BP_PM10_24H].c[2] == 150);
    assert_true(eco_air_edition_2026.bp[ECO_BP_PM10_24H].c[2] == 120);
    assert_true(eco_air_edition_2012.bp[ECO_BP_PM25_24H].c[2] == 75);
    assert_true(eco_air_edition_2026.bp[ECO_BP_PM25_24H].c[2] == 60);
}

/* ---- GB 3095 limits ---------------------------------------------------- */

typedef struct {
    double annual[ECO_POL_N][2], daily[ECO_POL_N][2], hour1[ECO_POL_N][2], o3_8h[2];
} exp_limits_t;

#define NL NAN
/* order SO2 NO2 CO O3 PM10 PM2.5; [grade 1, grade 2] — notes §1.1 */
static const exp_limits_t L2012 = {
    .annual = {{20, 60}, {40, 40}, {NL, NL}, {NL, NL}, {40, 70}, {15, 35}},
    .daily = {{50, 150}, {80, 80}, {4, 4}, {NL, NL}, {50, 150}, {35, 75}},
    .hour1 = {{150, 500}, {200, 200}, {10, 10}, {160, 200}, {NL, NL}, {NL, NL}},
    .o3_8h = {100, 160},
};
/* notes §1.2, transitional columns (2026-03-01 .. 2030-12-31) */
static const exp_limits_t L2026T = {
    .annual = {{20, 60}, {40, 40}, {NL, NL}, {NL, NL}, {40, 60}, {15, 30}},
    .daily = {{50, 150}, {80, 80}, {4, 4}, {NL, NL}, {50, 120}, {35, 60}},
    .hour1 = {{150, 500}, {200, 200}, {10, 10}, {160, 200}, {NL, NL}, {NL, NL}},
    .o3_8h = {100, 160},
};
/* notes §1.2, final columns (from 2031-01-01) */
static const exp_limits_t L2026F = {
    .annual = {{20, 20}, {30, 30}, {NL, NL}, {NL, NL}, {20, 50}, {10, 25}},
    .daily = {{50, 50}, {50, 50}, {4, 4}, {NL, NL}, {50, 100}, {25, 50}},
    .hour1 = {{150, 150}, {200, 200}, {10, 10}, {160, 200}, {NL, NL}, {NL, NL}},
    .o3_8h = {100, 160},
};

static int same_limit(double got, double exp)
{
    if (isnan(exp)) return isnan(got);
    return got == exp;
}

static void check_limits(const eco_air_limits_t *l, const exp_limits_t *e, const char *what)
{
    assert_non_null(l);
    for (int p = 0; p < ECO_POL_N; p++)
        for (int g = 0; g < 2; g++) {
            if (!same_limit(l->annual[p][g], e->annual[p][g]))
                fail_msg("%s annual %s G%d: %g expected %g", what, eco_air_pol_key[p], g + 1, l->annual[p][g],
                         e->annual[p][g]);
            if (!same_limit(l->daily[p][g], e->daily[p][g]))
                fail_msg("%s daily %s G%d: %g expected %g", what, eco_air_pol_key[p], g + 1, l->daily[p][g],
                         e->daily[p][g]);
            if (!same_limit(l->hour1[p][g], e->hour1[p][g]))
                fail_msg("%s 1-h %s G%d: %g expected %g", what, eco_air_pol_key[p], g + 1, l->hour1[p][g],
                         e->hour1[p][g]);
        }
    for (int g = 0; g < 2; g++)
        if (!same_limit(l->o3_8h[g], e->o3_8h[g]))
            fail_msg("%s O3 MDA8 G%d: %g expected %g", what, g + 1, l->o3_8h[g], e->o3_8h[g]);
}

static const eco_air_limits_t *limits_on(int y, int m, int d)
{
    eco_day_t day = eco_day_from_civil(y, m, d);
    return eco_air_limits_for(eco_air_edition_for_day(day), day);
}

static void test_gb3095_limits_by_date(void **state)
{
    (void)state;
    check_limits(limits_on(2013, 1, 1), &L2012, "2013-01-01");
    check_limits(limits_on(2026, 2, 28), &L2012, "2026-02-28");
    check_limits(limits_on(2026, 3, 1), &L2026T, "2026-03-01");
    check_limits(limits_on(2028, 2, 29), &L2026T, "2028-02-29");
    check_limits(limits_on(2030, 12, 31), &L2026T, "2030-12-31");
    check_limits(limits_on(2031, 1, 1), &L2026F, "2031-01-01");
    check_limits(limits_on(2040, 6, 1), &L2026F, "2040-06-01");

    /* three distinct limit sets */
    assert_ptr_not_equal(limits_on(2026, 2, 28), limits_on(2026, 3, 1));
    assert_ptr_not_equal(limits_on(2030, 12, 31), limits_on(2031, 1, 1));
    assert_ptr_equal(limits_on(2026, 3, 1), limits_on(2030, 12, 31));
}

static void test_gb3095_limits_forced_edition(void **state)
{
    (void)state;
    /* a forced 2012 keeps the 2012 limits after 2026 and after 2031 */
    check_limits(eco_air_limits_for(&eco_air_edition_2012, eco_day_from_civil(2026, 6, 1)), &L2012, "forced 2012/2026");
    check_limits(eco_air_limits_for(&eco_air_edition_2012, eco_day_from_civil(2032, 6, 1)), &L2012, "forced 2012/2032");
    /* a forced 2026 uses its transitional limits before 2031 (also before the switch) */
    check_limits(eco_air_limits_for(&eco_air_edition_2026, eco_day_from_civil(2025, 6, 1)), &L2026T, "forced 2026/2025");
    check_limits(eco_air_limits_for(&eco_air_edition_2026, eco_day_from_civil(2030, 12, 31)), &L2026T,
                 "forced 2026/2030-12-31");
    check_limits(eco_air_limits_for(&eco_air_edition_2026, eco_day_from_civil(2031, 1, 1)), &L2026F,
                 "forced 2026/2031-01-01");
}

static void test_limit_periods_are_the_civil_days(void **state)
{
    (void)state;
    /* the DAY_ constants of air.c seen through the public tables */
    eco_day_t d260228 = eco_day_from_civil(2026, 2, 28), d260301 = eco_day_from_civil(2026, 3, 1);
    eco_day_t d301231 = eco_day_from_civil(2030, 12, 31), d310101 = eco_day_from_civil(2031, 1, 1);
    assert_int_equal(d260301, d260228 + 1);
    assert_int_equal(d310101, d301231 + 1);

    assert_int_equal(eco_air_switch_day(), d260301);
    assert_int_equal(eco_air_edition_2026.from, d260301);
    assert_int_equal(eco_air_edition_2012.to, d260228);
    assert_int_equal(eco_air_edition_2026.to, INT32_MAX);

    const eco_air_limits_t *l12 = eco_air_limits_for(&eco_air_edition_2012, d260228);
    const eco_air_limits_t *lt = eco_air_limits_for(&eco_air_edition_2026, d260301);
    const eco_air_limits_t *lf = eco_air_limits_for(&eco_air_edition_2026, d310101);
    assert_int_equal(l12->to, d260228);
    assert_int_equal(lt->from, d260301);
    assert_int_equal(lt->to, d301231);
    assert_int_equal(lf->from, d310101);
    assert_int_equal(lf->to, INT32_MAX);

    /* the literal values, so that a wrong eco_day_from_civil cannot hide a wrong constant */
    assert_int_equal(d260301, 20513);
    assert_int_equal(d260228, 20512);
    assert_int_equal(d301231, 22279);
    assert_int_equal(d310101, 22280);
    assert_int_equal(eco_day_from_civil(1970, 1, 1), 0);
    assert_int_equal(eco_day_from_civil(2000, 3, 1), 11017);
}

static void test_edition_by_day(void **state)
{
    (void)state;
    assert_ptr_equal(eco_air_edition_for_day(eco_day_from_civil(2026, 2, 28)), &eco_air_edition_2012);
    assert_ptr_equal(eco_air_edition_for_day(eco_day_from_civil(2026, 3, 1)), &eco_air_edition_2026);
    assert_ptr_equal(eco_air_edition_for_day(eco_day_from_civil(2013, 1, 1)), &eco_air_edition_2012);
    assert_ptr_equal(eco_air_edition_for_day(eco_day_from_civil(1990, 1, 1)), &eco_air_edition_2012);
    assert_ptr_equal(eco_air_edition_for_day(eco_day_from_civil(2031, 1, 1)), &eco_air_edition_2026);
    assert_ptr_equal(eco_air_edition_for_day(eco_day_from_civil(2099, 12, 31)), &eco_air_edition_2026);
    /* the edition's own validity range agrees with the selector */
    for (eco_day_t d = eco_day_from_civil(2026, 2, 20); d <= eco_day_from_civil(2026, 3, 10); d++) {
        const eco_air_edition_t *ed = eco_air_edition_for_day(d);
        assert_true(d >= ed->from && d <= ed->to);
    }
    assert_string_equal(eco_air_edition_2012.hj633, "HJ 633-2012");
    assert_string_equal(eco_air_edition_2012.hj663, "HJ 663-2013");
    assert_string_equal(eco_air_edition_2026.hj633, "HJ 633-2026");
    assert_string_equal(eco_air_edition_2026.hj663, "HJ 663-2026");
}

static void test_edition_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(eco_air_edition_by_name("2012"), &eco_air_edition_2012);
    assert_ptr_equal(eco_air_edition_by_name("2013"), &eco_air_edition_2012); /* HJ 663-2013 */
    assert_ptr_equal(eco_air_edition_by_name("2026"), &eco_air_edition_2026);
    assert_null(eco_air_edition_by_name("2018"));
    assert_null(eco_air_edition_by_name(""));
    assert_null(eco_air_edition_by_name("20122"));
    assert_null(eco_air_edition_by_name(NULL));
    assert_string_equal(eco_air_edition_2012.name, "2012");
    assert_string_equal(eco_air_edition_2026.name, "2026");
}

static void test_edition_rules(void **state)
{
    (void)state;
    const eco_air_edition_t *a = &eco_air_edition_2012, *b = &eco_air_edition_2026;
    /* §2.1: only 2026 rounds inputs (GB/T 8170) */
    assert_int_equal(a->round_inputs, 0);
    assert_int_equal(b->round_inputs, 1);
    /* §2.2 notes (2)(3) and §2.3 (b)(c) */
    assert_int_equal(a->so2_1h_over, ECO_OVER_USE_24H);
    assert_int_equal(a->o3_8h_over, ECO_OVER_USE_1H);
    assert_int_equal(b->so2_1h_over, ECO_OVER_FIXED);
    assert_int_equal(b->so2_1h_over_iaqi, 200);
    assert_int_equal(b->o3_8h_over, ECO_OVER_FIXED);
    assert_int_equal(b->o3_8h_over_iaqi, 300);
    /* §2.3: AQI range 0-500 (2012), 1-500 (2026; floor 1 is the project's documented choice) */
    assert_int_equal(a->aqi_min, 0);
    assert_int_equal(b->aqi_min, 1);
    /* §2.4: daily O3 1-h max only in 2012 */
    assert_int_equal(a->daily_o3_1h, 1);
    assert_int_equal(b->daily_o3_1h, 0);
    /* §1.5, §4.3, §4.4: same validity numbers in both HJ 663 editions */
    const eco_air_edition_t *eds[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(eds[i]->min_hours_daily, 20);
        assert_int_equal(eds[i]->min_hours_8h, 6);
        assert_int_equal(eds[i]->mda8_first_end, 8);
        assert_int_equal(eds[i]->mda8_min_windows, 14);
        assert_int_equal(eds[i]->min_days_month, 27);
        assert_int_equal(eds[i]->min_days_feb, 25);
        assert_int_equal(eds[i]->min_days_year, 324);
    }
}

/* ---- categories, colours, levels (§2.6) --------------------------------- */

typedef struct {
    int lo, hi;
    const char *level, *name, *colour, *hex;
} exp_cat_t;

static const exp_cat_t cats2012[6] = {
    {0, 50, "一级", "优", "绿色", "#00E400"},          {51, 100, "二级", "良", "黄色", "#FFFF00"},
    {101, 150, "三级", "轻度污染", "橙色", "#FF7E00"}, {151, 200, "四级", "中度污染", "红色", "#FF0000"},
    {201, 300, "五级", "重度污染", "紫色", "#99004C"}, {301, 500, "六级", "严重污染", "褐红色", "#7E0023"},
};

static const char *const health2012[6] = {
    "空气质量令人满意，基本无空气污染",
    "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
    "易感人群症状有轻度加剧，健康人群出现刺激症状",
    "进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响",
    "心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
    "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
};
static const char *const advice2012[6] = {
    "各类人群可正常活动",
    "极少数异常敏感人群应减少户外活动",
    "儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
    "儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻练，一般人群适量减少户外运动",
    "儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动",
    "儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
};
static const char *const health2026[6] = {
    "空气质量令人满意，基本无空气污染",
    "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
    "敏感人群症状有轻度加剧，健康人群出现刺激症状",
    "进一步加剧敏感人群症状，可能对健康人群心血管系统、呼吸系统有影响",
    "心血管系统和呼吸系统患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
    "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
};
static const char *const advice2026[6] = {
    "各类人群可正常活动",
    "极少数异常敏感人群应减少户外活动",
    "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
    "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动",
    "青少年儿童、老年人和心血管系统疾病、呼吸系统疾病患者应停留在室内，停止户外运动，一般人群减少户外运动",
    "青少年儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
};

static void check_cats(const eco_air_edition_t *ed, int lo1, const char *const *health, const char *const *advice)
{
    for (int i = 0; i < 6; i++) {
        const eco_air_category_t *c = &ed->cat[i];
        const exp_cat_t *e = &cats2012[i];
        assert_int_equal(c->lo, i == 0 ? lo1 : e->lo);
        assert_int_equal(c->hi, e->hi);
        assert_string_equal(c->level_zh, e->level);
        assert_string_equal(c->name_zh, e->name);
        assert_string_equal(c->colour_zh, e->colour);
        assert_string_equal(c->colour_hex, e->hex);
        assert_string_equal(c->health_zh, health[i]);
        assert_string_equal(c->advice_zh, advice[i]);
        assert_non_null(c->name_en);
        assert_non_null(c->health_en);
        assert_non_null(c->advice_en);
        /* contiguous ranges */
        if (i) assert_int_equal(c->lo, ed->cat[i - 1].hi + 1);
    }
}

static void test_categories_2012(void **state)
{
    (void)state;
    check_cats(&eco_air_edition_2012, 0, health2012, advice2012);
}

static void test_categories_2026(void **state)
{
    (void)state;
    check_cats(&eco_air_edition_2026, 1, health2026, advice2026); /* "1～50" */
}

static void test_levels_and_boundaries(void **state)
{
    (void)state;
    static const struct {
        int aqi, level;
    } v[] = {
        {0, 1},   {1, 1},   {50, 1},  {51, 2},  {100, 2}, {101, 3}, {150, 3}, {151, 4},
        {200, 4}, {201, 5}, {300, 5}, {301, 6}, {499, 6}, {500, 6},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (eco_air_level(v[i].aqi) != v[i].level)
            fail_msg("level(%d) = %d, expected %d", v[i].aqi, eco_air_level(v[i].aqi), v[i].level);
        const eco_air_category_t *c12 = eco_air_category(&eco_air_edition_2012, v[i].aqi);
        const eco_air_category_t *c26 = eco_air_category(&eco_air_edition_2026, v[i].aqi);
        assert_ptr_equal(c12, &eco_air_edition_2012.cat[v[i].level - 1]);
        assert_ptr_equal(c26, &eco_air_edition_2026.cat[v[i].level - 1]);
        /* the row's own range holds the AQI (2026: except 0, which the 1-500 range excludes) */
        assert_true(v[i].aqi >= c12->lo && v[i].aqi <= c12->hi);
        if (v[i].aqi >= 1) assert_true(v[i].aqi >= c26->lo && v[i].aqi <= c26->hi);
    }
    /* AQI 0 is level 1 (优) in 2012 */
    assert_string_equal(eco_air_category(&eco_air_edition_2012, 0)->name_zh, "优");
    assert_string_equal(eco_air_category(&eco_air_edition_2012, 50)->colour_hex, "#00E400");
    assert_string_equal(eco_air_category(&eco_air_edition_2012, 51)->colour_hex, "#FFFF00");
    assert_string_equal(eco_air_category(&eco_air_edition_2026, 150)->name_zh, "轻度污染");
    assert_string_equal(eco_air_category(&eco_air_edition_2026, 151)->name_zh, "中度污染");
    assert_string_equal(eco_air_category(&eco_air_edition_2026, 200)->colour_zh, "红色");
    assert_string_equal(eco_air_category(&eco_air_edition_2026, 201)->colour_zh, "紫色");
    assert_string_equal(eco_air_category(&eco_air_edition_2026, 300)->name_zh, "重度污染");
    assert_string_equal(eco_air_category(&eco_air_edition_2026, 301)->name_zh, "严重污染");
    /* no category for the "not publishable" codes */
    assert_int_equal(eco_air_level(-1), 0);
    assert_null(eco_air_category(&eco_air_edition_2012, -1));
    assert_null(eco_air_category(&eco_air_edition_2026, -1));
}

static void test_names_and_keys(void **state)
{
    (void)state;
    static const char *const names[ECO_AIR_NIND] = {"SO2", "NO2", "CO", "O3", "O3_8h", "PM10", "PM2.5"};
    static const char *const keys[ECO_AIR_NIND] = {"so2", "no2", "co", "o3", "o3_8h", "pm10", "pm2_5"};
    for (int i = 0; i < ECO_AIR_NIND; i++) {
        assert_string_equal(eco_air_ind_name[i], names[i]);
        assert_string_equal(eco_air_ind_key[i], keys[i]);
    }
    static const eco_air_ind_t pi[ECO_POL_N] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_CO, ECO_AIR_O3, ECO_AIR_PM10, ECO_AIR_PM25};
    for (int p = 0; p < ECO_POL_N; p++) {
        assert_int_equal(eco_air_pol_ind[p], pi[p]);
        assert_string_equal(eco_air_pol_key[p], eco_air_ind_key[pi[p]]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hj633_2012_table1),
        cmocka_unit_test(test_hj633_2026_table3),
        cmocka_unit_test(test_only_pm_changed_between_editions),
        cmocka_unit_test(test_gb3095_limits_by_date),
        cmocka_unit_test(test_gb3095_limits_forced_edition),
        cmocka_unit_test(test_limit_periods_are_the_civil_days),
        cmocka_unit_test(test_edition_by_day),
        cmocka_unit_test(test_edition_by_name),
        cmocka_unit_test(test_edition_rules),
        cmocka_unit_test(test_categories_2012),
        cmocka_unit_test(test_categories_2026),
        cmocka_unit_test(test_levels_and_boundaries),
        cmocka_unit_test(test_names_and_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
