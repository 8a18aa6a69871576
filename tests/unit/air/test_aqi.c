/* test_aqi.c — HJ 633 (2012 and 2026) IAQI/AQI checked against the reference
 * notes (../shared/reference/air-standards.md), not against the code.
 *
 * Expected values come from three places: the hand vectors of §7, published
 * platform values quoted in §2.1/§2.5/§3, and an independent re-implementation
 * of formula (1) below that works in exact integer arithmetic (hundredths of a
 * unit), so no floating-point shortcut of the engine can be copied into the
 * expectation. Where the notes leave a point open (AQI floor 1 in 2026, the
 * missing-data policy of 2012) the test pins the project's documented choice
 * and says so.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "air/aqi.h"
#include "core/time.h"
#include "standards/air.h"

#define ED12 (&eco_air_edition_2012)
#define ED26 (&eco_air_edition_2026)
#define RT ECO_AIR_REALTIME
#define DY ECO_AIR_DAILY
#define NA ECO_AIR_NA
#define NM ECO_AIR_NOT_MONITORED

#define assert_near(a, b, eps)                                                                                    \
    do {                                                                                                          \
        double a_ = (a), b_ = (b);                                                                                \
        if (!(fabs(a_ - b_) <= (eps))) fail_msg("%s = %.10g, expected %.10g (eps %g)", #a, a_, b_, (double)(eps)); \
    } while (0)

/* ---- independent reference (notes §2.1-§2.3) ----------------------------- */

typedef struct {
    const char *name;
    int n;
    long c100[8]; /* breakpoints in hundredths of µg/m³ (CO: of mg/m³) */
    int iaqi[8];
    int decimals; /* GB/T 8170 precision of the input in 2026 (CO 1, others 0) */
} ref_table_t;

#define R8(NAME, DEC, a, b, c, d, e, f, g, h)                                                       \
    {NAME, 8, {a * 100L, b * 100L, c * 100L, d * 100L, e * 100L, f * 100L, g * 100L, h * 100L},     \
     {0, 50, 100, 150, 200, 300, 400, 500}, DEC}

static const ref_table_t REF_SO2_24H = R8("SO2 24h", 0, 0, 50, 150, 475, 800, 1600, 2100, 2620);
static const ref_table_t REF_SO2_1H = {"SO2 1h", 5, {0, 15000, 50000, 65000, 80000}, {0, 50, 100, 150, 200}, 0};
static const ref_table_t REF_NO2_24H = R8("NO2 24h", 0, 0, 40, 80, 180, 280, 565, 750, 940);
static const ref_table_t REF_NO2_1H = R8("NO2 1h", 0, 0, 100, 200, 700, 1200, 2340, 3090, 3840);
static const ref_table_t REF_CO_24H = R8("CO 24h", 1, 0, 2, 4, 14, 24, 36, 48, 60);
static const ref_table_t REF_CO_1H = R8("CO 1h", 1, 0, 5, 10, 35, 60, 90, 120, 150);
static const ref_table_t REF_O3_1H = R8("O3 1h", 0, 0, 160, 200, 300, 400, 800, 1000, 1200);
static const ref_table_t REF_O3_8H = {"O3 8h", 6, {0, 10000, 16000, 21500, 26500, 80000}, {0, 50, 100, 150, 200, 300}, 0};
static const ref_table_t REF_PM10_12 = R8("PM10 2012", 0, 0, 50, 150, 250, 350, 420, 500, 600);
static const ref_table_t REF_PM25_12 = R8("PM2.5 2012", 0, 0, 35, 75, 115, 150, 250, 350, 500);
static const ref_table_t REF_PM10_26 = R8("PM10 2026", 0, 0, 50, 120, 250, 350, 420, 500, 600);
static const ref_table_t REF_PM25_26 = R8("PM2.5 2026", 0, 0, 35, 60, 115, 150, 250, 350, 500);

/* GB/T 8170 on an integer number of hundredths: round to 10^(2-decimals)
 * hundredths, exactly half -> the even neighbour. */
static long ref_round(long c100, int decimals)
{
    long unit = decimals == 1 ? 10 : 100, q = c100 / unit, r = c100 % unit;
    if (2 * r > unit || (2 * r == unit && (q & 1))) q++;
    return q * unit;
}

/* ceil(IAQI) of formula (1), exact: IAQI_Lo + ceil(dI * (C - BP_Lo) / dBP); 500 above the top */
static int ref_iaqi(const ref_table_t *t, long c100)
{
    if (c100 > t->c100[t->n - 1]) return 500;
    int i = 1;
    while (c100 > t->c100[i]) i++;
    long num = (long)(t->iaqi[i] - t->iaqi[i - 1]) * (c100 - t->c100[i - 1]);
    long den = t->c100[i] - t->c100[i - 1];
    return t->iaqi[i - 1] + (int)((num + den - 1) / den);
}

static int ref_iaqi_ed(const eco_air_edition_t *ed, const ref_table_t *t, long c100)
{
    return ref_iaqi(t, ed->round_inputs ? ref_round(c100, t->decimals) : c100);
}

/* ---- helpers ------------------------------------------------------------- */

static void fill(double c[ECO_AIR_NIND], double v)
{
    for (int i = 0; i < ECO_AIR_NIND; i++) c[i] = v;
}

/* AQI of a single indicator (everything else not monitored) */
static eco_air_aqi_t one(const eco_air_edition_t *ed, eco_air_mode_t mode, eco_air_ind_t ind, double v)
{
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;
    fill(c, NM);
    c[ind] = v;
    eco_air_aqi_compute(ed, mode, c, NA, ECO_MISSING_STRICT, &r);
    return r;
}

static int iaqi1(const eco_air_edition_t *ed, eco_air_mode_t mode, eco_air_ind_t ind, double v)
{
    return one(ed, mode, ind, v).iaqi[ind];
}

static int bit(eco_air_ind_t i) { return 1 << i; }

/* ---- §2.1 GB/T 8170 rounding --------------------------------------------- */

static void test_round_half_even(void **state)
{
    (void)state;
    assert_near(eco_round_half_even(35.5, 0), 36, 0);
    assert_near(eco_round_half_even(34.5, 0), 34, 0);
    assert_near(eco_round_half_even(34.51, 0), 35, 0);
    assert_near(eco_round_half_even(34.49, 0), 34, 0);
    assert_near(eco_round_half_even(36.5, 0), 36, 0);
    assert_near(eco_round_half_even(0.5, 0), 0, 0);
    assert_near(eco_round_half_even(1.5, 0), 2, 0);
    assert_near(eco_round_half_even(2.45, 1), 2.4, 1e-12);
    assert_near(eco_round_half_even(2.35, 1), 2.4, 1e-12);
    assert_near(eco_round_half_even(2.25, 1), 2.2, 1e-12);
    assert_near(eco_round_half_even(2.251, 1), 2.3, 1e-12);
    assert_near(eco_round_half_even(0.15, 1), 0.2, 1e-12);
    assert_near(eco_round_half_even(0.25, 1), 0.2, 1e-12);
    assert_near(eco_round_half_even(1.05, 1), 1.0, 1e-12);
    assert_near(eco_round_half_even(3.057142857, 2), 3.06, 1e-12);
    /* computed means land a few ulps off an exact half; GB/T 8170 still sees the 5:
     * 24 hourly CO values averaging exactly 1.75 sum to 1.7499999999999998 in doubles */
    assert_near(eco_round_half_even(1.7499999999999998, 1), 1.8, 1e-12);
    assert_near(eco_round_half_even(1.8500000000000003, 1), 1.8, 1e-12);
    assert_near(eco_round_half_even(34.499999999999993, 0), 34, 0);
    assert_near(eco_round_half_even(35.500000000000007, 0), 36, 0);
    /* ... but a real difference is not a half */
    assert_near(eco_round_half_even(1.7499, 1), 1.7, 1e-12);
    assert_near(eco_round_half_even(1.8501, 1), 1.9, 1e-12);
    assert_near(eco_round_half_even(-2.5, 0), -2, 0);
    /* the reference agrees with itself on the same cases */
    assert_int_equal(ref_round(3550, 0), 3600);
    assert_int_equal(ref_round(3450, 0), 3400);
    assert_int_equal(ref_round(3451, 0), 3500);
    assert_int_equal(ref_round(245, 1), 240);
    assert_int_equal(ref_round(235, 1), 240);
    assert_int_equal(ref_round(225, 1), 220);
}

static void test_rounding_through_aqi_2026(void **state)
{
    (void)state;
    /* PM2.5 35.5 -> 36 -> 52 (2026); 2012 takes 35.5 unrounded -> 50.625 -> 51 (§7) */
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_PM25, 35.5), 52);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_PM25, 35.5), 51);
    /* 34.5 -> 34 -> 48.57 -> 49; 34.51 -> 35 -> 50 */
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_PM25, 34.5), 49);
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_PM25, 34.51), 50);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_PM25, 34.5), 50); /* 49.29 -> 50 */
    /* the same in the real-time report (PM 1-h on the daily table) */
    assert_int_equal(iaqi1(ED26, RT, ECO_AIR_PM25, 35.5), 52);
    assert_int_equal(iaqi1(ED26, RT, ECO_AIR_PM25, 34.5), 49);
    /* CO to 0.1 mg/m³: 2.45 -> 2.4 -> 60; 2.35 -> 2.4 -> 60; 2.25 -> 2.2 -> 55 */
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_CO, 2.45), 60);
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_CO, 2.35), 60);
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_CO, 2.25), 55);
    /* 2012: no input rounding: 2.45 -> 61.25 -> 62; 2.35 -> 58.75 -> 59; 2.25 -> 56.25 -> 57 */
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_CO, 2.45), 62);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_CO, 2.35), 59);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_CO, 2.25), 57);
    /* CO 1-h: 5.25 -> 5.2 -> 52 (2026); 52.5 -> 53 (2012) */
    assert_int_equal(iaqi1(ED26, RT, ECO_AIR_CO, 5.25), 52);
    assert_int_equal(iaqi1(ED12, RT, ECO_AIR_CO, 5.25), 53);
    /* NO2 1-h 100.5 -> 100 -> 50 (2026), 2012: 50.25 -> 51 */
    assert_int_equal(iaqi1(ED26, RT, ECO_AIR_NO2, 100.5), 50);
    assert_int_equal(iaqi1(ED12, RT, ECO_AIR_NO2, 100.5), 51);
    /* O3 8-h 160.5 -> 160 -> 100 (2026); 2012: 100.42 -> 101 */
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_O3_8H, 160.5), 100);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_O3_8H, 160.5), 101);
}

/* ---- §7 vectors ---------------------------------------------------------- */

typedef struct {
    eco_air_mode_t mode;
    eco_air_ind_t ind;
    eco_air_bp_id_t tab;
    double c;
    double exact12; /* NAN: not checked */
    int iaqi12;
    double exact26;
    int iaqi26;
} vec_t;

static const vec_t vec7[] = {
    {DY, ECO_AIR_PM25, ECO_BP_PM25_24H, 75, 100.0, 100, 113.6364, 114},
    {DY, ECO_AIR_PM25, ECO_BP_PM25_24H, 76, 101.25, 102, 114.5455, 115},
    {DY, ECO_AIR_PM25, ECO_BP_PM25_24H, 115, 150.0, 150, 150.0, 150},
    {DY, ECO_AIR_PM25, ECO_BP_PM25_24H, 127, 167.1429, 168, 167.1429, 168},
    {DY, ECO_AIR_PM25, ECO_BP_PM25_24H, 45, 62.5, 63, 70.0, 70},
    {DY, ECO_AIR_PM25, ECO_BP_PM25_24H, 60, 81.25, 82, 100.0, 100},
    {DY, ECO_AIR_PM25, ECO_BP_PM25_24H, 35.5, 50.625, 51, NAN, 52},
    {DY, ECO_AIR_PM10, ECO_BP_PM10_24H, 150, 100.0, 100, 111.5385, 112},
    {DY, ECO_AIR_PM10, ECO_BP_PM10_24H, 151, 100.5, 101, 111.9231, 112},
    {DY, ECO_AIR_PM10, ECO_BP_PM10_24H, 64, 57.0, 57, 60.0, 60},
    {DY, ECO_AIR_PM10, ECO_BP_PM10_24H, 589, 489.0, 489, 489.0, 489},
    {DY, ECO_AIR_SO2, ECO_BP_SO2_24H, 500, 153.8462, 154, 153.8462, 154},
    {RT, ECO_AIR_SO2, ECO_BP_SO2_1H, 650, 150, 150, 150, 150},
    {RT, ECO_AIR_NO2, ECO_BP_NO2_1H, 59, 29.5, 30, 29.5, 30},
    {DY, ECO_AIR_CO, ECO_BP_CO_24H, 2.5, 62.5, 63, 62.5, 63},
    {RT, ECO_AIR_CO, ECO_BP_CO_1H, 5.3, 53.0, 53, 53.0, 53},
    {RT, ECO_AIR_O3, ECO_BP_O3_1H, 233, 116.5, 117, 116.5, 117},
    {DY, ECO_AIR_O3_8H, ECO_BP_O3_8H, 150, 91.6667, 92, 91.6667, 92},
    {DY, ECO_AIR_O3_8H, ECO_BP_O3_8H, 161, 100.9091, 101, 100.9091, 101},
    {DY, ECO_AIR_O3_8H, ECO_BP_O3_8H, 300, 206.5421, 207, 206.5421, 207},
    /* the same PM values on the real-time report (PM 1-h on the daily table, §2.3/§3.1) */
    {RT, ECO_AIR_PM25, ECO_BP_PM25_24H, 127, 167.1429, 168, 167.1429, 168},
    {RT, ECO_AIR_PM25, ECO_BP_PM25_24H, 45, 62.5, 63, 70.0, 70},
    {RT, ECO_AIR_PM10, ECO_BP_PM10_24H, 589, 489.0, 489, 489.0, 489},
    /* platform values quoted in §2.1/§3.1 (2022, i.e. 2012 rules): PM2.5 100 -> 132,
     * 123 -> 162; 2026: 100 -> 136.36 -> 137 (new segment 60-115), 123 unchanged (115-150) */
    {RT, ECO_AIR_PM25, ECO_BP_PM25_24H, 100, 131.25, 132, 136.3636, 137},
    {RT, ECO_AIR_PM25, ECO_BP_PM25_24H, 123, 161.4286, 162, 161.4286, 162},
    /* aqi-hub's correct expectations (§6) */
    {RT, ECO_AIR_PM25, ECO_BP_PM25_24H, 250, 300, 300, 300, 300},
    {DY, ECO_AIR_PM10, ECO_BP_PM10_24H, 120, 85, 85, 100, 100},
    {DY, ECO_AIR_PM10, ECO_BP_PM10_24H, 350, 200, 200, 200, 200},
    {RT, ECO_AIR_NO2, ECO_BP_NO2_1H, 700, 150, 150, 150, 150},
    {RT, ECO_AIR_CO, ECO_BP_CO_1H, 35, 150, 150, 150, 150},
    {RT, ECO_AIR_O3, ECO_BP_O3_1H, 300, 150, 150, 150, 150},
    {DY, ECO_AIR_SO2, ECO_BP_SO2_24H, 150, 100, 100, 100, 100},
};

static void test_vectors_section7(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof vec7 / sizeof vec7[0]; k++) {
        const vec_t *v = &vec7[k];
        const eco_air_edition_t *eds[2] = {ED12, ED26};
        const int exp[2] = {v->iaqi12, v->iaqi26};
        const double ex[2] = {v->exact12, v->exact26};
        for (int e = 0; e < 2; e++) {
            eco_air_aqi_t r = one(eds[e], v->mode, v->ind, v->c);
            if (r.iaqi[v->ind] != exp[e])
                fail_msg("%s %s %s %g: IAQI %d, expected %d", eds[e]->name, v->mode == RT ? "realtime" : "daily",
                         eco_air_ind_name[v->ind], v->c, r.iaqi[v->ind], exp[e]);
            assert_int_equal(r.aqi, exp[e]);
            assert_int_equal(r.primary, exp[e] > 50 ? bit(v->ind) : 0);
            if (!isnan(ex[e])) assert_near(eco_air_iaqi_exact(&eds[e]->bp[v->tab], v->c), ex[e], 5e-5);
            /* the table-level function agrees (these inputs need no rounding) */
            if (!isnan(ex[e])) assert_int_equal(eco_air_iaqi(&eds[e]->bp[v->tab], v->c), exp[e]);
        }
    }
}

static void test_ceiling_not_rounding(void **state)
{
    (void)state;
    /* 167.14 -> 168 (round-half-up would give 167); 161.43 -> 162; 29.5 -> 30; 100.5 -> 101 */
    assert_int_equal(iaqi1(ED12, RT, ECO_AIR_PM25, 127), 168);
    assert_int_equal(iaqi1(ED26, RT, ECO_AIR_PM25, 127), 168);
    assert_int_equal(iaqi1(ED12, RT, ECO_AIR_PM25, 123), 162);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_PM10, 151), 101);
    /* 0.01 above an exact integer still goes up (2012 takes inputs as given) */
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_PM25, 75.01), 101);
    /* exact integers stay (no spurious +1 from binary noise) */
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_PM25, 115), 150);
    assert_int_equal(iaqi1(ED26, DY, ECO_AIR_PM25, 60), 100);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_CO, 2.4), 60);
    assert_int_equal(iaqi1(ED12, RT, ECO_AIR_CO, 0.3), 3);
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_NO2, 0.8), 1);
}

/* ---- every breakpoint edge, both editions, from formula (1) ---------------- */

typedef struct {
    eco_air_mode_t mode;
    eco_air_ind_t ind;
    const ref_table_t *t12, *t26; /* NULL: not an indicator of this edition/mode */
    int over_rule;                /* above the top: the SO2/O3 8-h rules, tested separately */
} edge_case_t;

static const edge_case_t edges[] = {
    {DY, ECO_AIR_SO2, &REF_SO2_24H, &REF_SO2_24H, 0},
    {RT, ECO_AIR_SO2, &REF_SO2_1H, &REF_SO2_1H, 1},
    {DY, ECO_AIR_NO2, &REF_NO2_24H, &REF_NO2_24H, 0},
    {RT, ECO_AIR_NO2, &REF_NO2_1H, &REF_NO2_1H, 0},
    {DY, ECO_AIR_CO, &REF_CO_24H, &REF_CO_24H, 0},
    {RT, ECO_AIR_CO, &REF_CO_1H, &REF_CO_1H, 0},
    {RT, ECO_AIR_O3, &REF_O3_1H, &REF_O3_1H, 0},
    {DY, ECO_AIR_O3, &REF_O3_1H, NULL, 0}, /* daily max 1-h: 2012 only */
    {DY, ECO_AIR_O3_8H, &REF_O3_8H, &REF_O3_8H, 1},
    {DY, ECO_AIR_PM10, &REF_PM10_12, &REF_PM10_26, 0},
    {RT, ECO_AIR_PM10, &REF_PM10_12, &REF_PM10_26, 0},
    {DY, ECO_AIR_PM25, &REF_PM25_12, &REF_PM25_26, 0},
    {RT, ECO_AIR_PM25, &REF_PM25_12, &REF_PM25_26, 0},
};

static int edge_checks;

static void check_edges(const eco_air_edition_t *ed, const edge_case_t *e, const ref_table_t *t)
{
    static const long d_int[] = {-100, -10, -1, 0, 1, 10, 100};     /* ±1, ±0.1, ±0.01 */
    for (int b = 0; b < t->n; b++) {
        for (size_t k = 0; k < sizeof d_int / sizeof d_int[0]; k++) {
            long c100 = t->c100[b] + d_int[k];
            if (c100 < 0) continue;
            long top = t->c100[t->n - 1];
            long eff = ed->round_inputs ? ref_round(c100, t->decimals) : c100;
            if (e->over_rule && eff > top) continue;
            int exp = ref_iaqi_ed(ed, t, c100);
            double c = (double)c100 / 100.0;
            eco_air_aqi_t r = one(ed, e->mode, e->ind, c);
            edge_checks++;
            if (r.iaqi[e->ind] != exp)
                fail_msg("%s %s %s C=%.2f: IAQI %d, expected %d", ed->name, e->mode == RT ? "realtime" : "daily",
                         t->name, c, r.iaqi[e->ind], exp);
            int pub = exp < ed->aqi_min ? ed->aqi_min : exp;
            if (r.aqi != pub) fail_msg("%s %s C=%.2f: AQI %d, expected %d", ed->name, t->name, c, r.aqi, pub);
            if (r.primary != (exp > 50 ? bit(e->ind) : 0))
                fail_msg("%s %s C=%.2f: primary 0x%x", ed->name, t->name, c, r.primary);
            if (eff > top) assert_true(r.flags & ECO_AQI_F_CAPPED);
            else assert_false(r.flags & ECO_AQI_F_CAPPED);
            /* without input rounding the table-level functions agree as well */
            if (!ed->round_inputs) {
                eco_air_bp_id_t id;
                switch (e->ind) {
                case ECO_AIR_SO2: id = e->mode == RT ? ECO_BP_SO2_1H : ECO_BP_SO2_24H; break;
                case ECO_AIR_NO2: id = e->mode == RT ? ECO_BP_NO2_1H : ECO_BP_NO2_24H; break;
                case ECO_AIR_CO: id = e->mode == RT ? ECO_BP_CO_1H : ECO_BP_CO_24H; break;
                case ECO_AIR_O3: id = ECO_BP_O3_1H; break;
                case ECO_AIR_O3_8H: id = ECO_BP_O3_8H; break;
                case ECO_AIR_PM10: id = ECO_BP_PM10_24H; break;
                default: id = ECO_BP_PM25_24H; break;
                }
                assert_int_equal(eco_air_iaqi(&ed->bp[id], c), exp);
                if (eff <= top) {
                    /* exact value = formula (1) in doubles, well within 1e-9 */
                    int i = 1;
                    while (c100 > t->c100[i]) i++;
                    double x = t->iaqi[i - 1] + (double)(t->iaqi[i] - t->iaqi[i - 1]) *
                                                    (double)(c100 - t->c100[i - 1]) /
                                                    (double)(t->c100[i] - t->c100[i - 1]);
                    assert_near(eco_air_iaqi_exact(&ed->bp[id], c), x, 1e-9);
                } else {
                    assert_true(isinf(eco_air_iaqi_exact(&ed->bp[id], c)));
                }
            }
        }
    }
}

static void test_breakpoint_edges_2012(void **state)
{
    (void)state;
    edge_checks = 0;
    for (size_t k = 0; k < sizeof edges / sizeof edges[0]; k++)
        if (edges[k].t12) check_edges(ED12, &edges[k], edges[k].t12);
    assert_true(edge_checks > 400);
}

static void test_breakpoint_edges_2026(void **state)
{
    (void)state;
    edge_checks = 0;
    for (size_t k = 0; k < sizeof edges / sizeof edges[0]; k++)
        if (edges[k].t26) check_edges(ED26, &edges[k], edges[k].t26);
    assert_true(edge_checks > 400);
}

static void test_sweep_against_reference(void **state)
{
    (void)state;
    /* every tenth of a unit from 0 to past the top, PM2.5 and CO 1-h, both editions */
    for (long c100 = 0; c100 <= 52000; c100 += 10) {
        double c = (double)c100 / 100.0;
        assert_int_equal(iaqi1(ED12, DY, ECO_AIR_PM25, c), ref_iaqi_ed(ED12, &REF_PM25_12, c100));
        assert_int_equal(iaqi1(ED26, DY, ECO_AIR_PM25, c), ref_iaqi_ed(ED26, &REF_PM25_26, c100));
    }
    for (long c100 = 0; c100 <= 16000; c100 += 1) {
        double c = (double)c100 / 100.0;
        assert_int_equal(iaqi1(ED12, RT, ECO_AIR_CO, c), ref_iaqi_ed(ED12, &REF_CO_1H, c100));
        assert_int_equal(iaqi1(ED26, RT, ECO_AIR_CO, c), ref_iaqi_ed(ED26, &REF_CO_1H, c100));
    }
}

/* ---- overflow rules and the cap ------------------------------------------ */

static void test_so2_1h_over_800(void **state)
{
    (void)state;
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;
    fill(c, NM);

    /* 2012: SO2 1-h 801 -> the IAQI of the SO2 24-h mean (500 -> 154) */
    c[ECO_AIR_SO2] = 801;
    eco_air_aqi_compute(ED12, RT, c, 500, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 154);
    assert_int_equal(r.aqi, 154);
    assert_true(r.flags & ECO_AQI_F_SO2_OVER);
    assert_int_equal(r.primary, bit(ECO_AIR_SO2));
    eco_air_aqi_compute(ED12, RT, c, 100, ECO_MISSING_STRICT, &r); /* 24-h 100 -> 75 */
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 75);
    c[ECO_AIR_SO2] = 5000;
    eco_air_aqi_compute(ED12, RT, c, 475, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 150);

    /* 2012 without the 24-h mean: SO2 IAQI NA, the AQI not published under the strict rule */
    c[ECO_AIR_SO2] = 801;
    c[ECO_AIR_PM25] = 45;
    eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], ECO_IAQI_NA);
    assert_true(r.flags & ECO_AQI_F_SO2_OVER);
    assert_true(r.flags & ECO_AQI_F_INCOMPLETE);
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.aqi_partial, 63);
    c[ECO_AIR_PM25] = NM;

    /* exactly 800 is still on the 1-h table: 200 in both editions, no rule applied */
    c[ECO_AIR_SO2] = 800;
    eco_air_aqi_compute(ED12, RT, c, 500, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 200);
    assert_false(r.flags & ECO_AQI_F_SO2_OVER);
    eco_air_aqi_compute(ED26, RT, c, 500, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 200);
    assert_false(r.flags & ECO_AQI_F_SO2_OVER);

    /* 2026: SO2 1-h > 800 -> IAQI 200, the 24-h mean is irrelevant */
    const double over[] = {801, 1600, 5000};
    for (size_t k = 0; k < 3; k++) {
        c[ECO_AIR_SO2] = over[k];
        eco_air_aqi_compute(ED26, RT, c, 2000, ECO_MISSING_STRICT, &r);
        assert_int_equal(r.iaqi[ECO_AIR_SO2], 200);
        assert_true(r.flags & ECO_AQI_F_SO2_OVER);
        assert_false(r.flags & ECO_AQI_F_CAPPED);
        eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_STRICT, &r);
        assert_int_equal(r.iaqi[ECO_AIR_SO2], 200);
        assert_int_equal(r.aqi, 200);
    }
    /* 2026 rounds first: 800.4 -> 800 -> 200 from the table */
    c[ECO_AIR_SO2] = 800.4;
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 200);

    /* the daily report uses the 24-h table: SO2 801 is 200.6 -> 201, no 1-h rule */
    fill(c, NM);
    c[ECO_AIR_SO2] = 801;
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 201);
    assert_false(r.flags & ECO_AQI_F_SO2_OVER);
    eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 201);
}

static void test_o3_8h_over_800(void **state)
{
    (void)state;
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;
    fill(c, NM);

    /* 2012 daily: O3 8-h 900 -> the IAQI of the O3 1-h value (233 -> 117) */
    c[ECO_AIR_O3_8H] = 900;
    c[ECO_AIR_O3] = 233;
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_O3_8H], 117);
    assert_int_equal(r.iaqi[ECO_AIR_O3], 117);
    assert_int_equal(r.aqi, 117);
    assert_true(r.flags & ECO_AQI_F_O3_8H_OVER);
    /* documented choice: O3 is named once as primary pollutant (the 1-h indicator) */
    assert_int_equal(r.primary, bit(ECO_AIR_O3));
    char buf[64];
    eco_air_primary_str(r.primary, buf, sizeof buf);
    assert_string_equal(buf, "O3");

    c[ECO_AIR_O3] = 1000; /* -> 400 */
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_O3_8H], 400);
    assert_int_equal(r.aqi, 400);

    /* without the 1-h value the O3 8-h IAQI is NA */
    c[ECO_AIR_O3] = NA;
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_O3_8H], ECO_IAQI_NA);
    assert_int_equal(r.aqi, -1);

    /* exactly 800: 300 from the 8-h table in both editions */
    c[ECO_AIR_O3_8H] = 800;
    c[ECO_AIR_O3] = 233;
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_O3_8H], 300);
    assert_false(r.flags & ECO_AQI_F_O3_8H_OVER);
    eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_O3_8H], 300);

    /* 2026 daily: O3 8-h > 800 -> IAQI 300, whatever the 1-h value */
    const double over[] = {801, 900, 2000};
    for (size_t k = 0; k < 3; k++) {
        c[ECO_AIR_O3_8H] = over[k];
        c[ECO_AIR_O3] = 1100;
        eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
        assert_int_equal(r.iaqi[ECO_AIR_O3_8H], 300);
        assert_int_equal(r.iaqi[ECO_AIR_O3], ECO_IAQI_NONE);
        assert_int_equal(r.aqi, 300);
        assert_true(r.flags & ECO_AQI_F_O3_8H_OVER);
        assert_int_equal(r.primary, bit(ECO_AIR_O3_8H));
    }
}

static void test_cap_at_500(void **state)
{
    (void)state;
    const eco_air_edition_t *eds[2] = {ED12, ED26};
    for (int e = 0; e < 2; e++) {
        for (int m = 0; m < 2; m++) {
            eco_air_mode_t mode = m ? RT : DY;
            eco_air_aqi_t r = one(eds[e], mode, ECO_AIR_PM10, 1153); /* 2023-04-11 dust: 500 */
            assert_int_equal(r.iaqi[ECO_AIR_PM10], 500);
            assert_int_equal(r.aqi, 500);
            assert_true(r.flags & ECO_AQI_F_CAPPED);
            assert_int_equal(r.primary, bit(ECO_AIR_PM10));
            r = one(eds[e], mode, ECO_AIR_PM10, 600); /* the top itself: 500 exactly, not capped */
            assert_int_equal(r.aqi, 500);
            assert_false(r.flags & ECO_AQI_F_CAPPED);
            r = one(eds[e], mode, ECO_AIR_PM25, 501);
            assert_int_equal(r.aqi, 500);
            assert_true(r.flags & ECO_AQI_F_CAPPED);
        }
        assert_int_equal(iaqi1(eds[e], RT, ECO_AIR_NO2, 3841), 500);
        assert_int_equal(iaqi1(eds[e], DY, ECO_AIR_CO, 61), 500);
        assert_int_equal(iaqi1(eds[e], RT, ECO_AIR_O3, 1500), 500);
        assert_int_equal(iaqi1(eds[e], DY, ECO_AIR_SO2, 9999), 500);
        assert_int_equal(eco_air_iaqi(&eds[e]->bp[ECO_BP_PM10_24H], 1153), 500);
        assert_true(isinf(eco_air_iaqi_exact(&eds[e]->bp[ECO_BP_PM10_24H], 1153)));
    }
    /* 2012 daily O3 1-h max above 1200 */
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_O3, 1201), 500);
}

/* ---- primary pollutants -------------------------------------------------- */

static void test_primary_pollutants(void **state)
{
    (void)state;
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;
    char buf[64];

    /* §2.5: 2022-01-01 1041A, PM10 94 -> 72.0 and PM2.5 52 -> 71.25 -> 72: both listed */
    fill(c, NM);
    c[ECO_AIR_PM10] = 94;
    c[ECO_AIR_PM25] = 52;
    c[ECO_AIR_NO2] = 59; /* 30 */
    eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_PM10], 72);
    assert_int_equal(r.iaqi[ECO_AIR_PM25], 72);
    assert_int_equal(r.aqi, 72);
    assert_int_equal(r.primary, bit(ECO_AIR_PM10) | bit(ECO_AIR_PM25));
    eco_air_primary_str(r.primary, buf, sizeof buf);
    assert_string_equal(buf, "PM10;PM2.5");
    /* the same numbers in 2026 are no tie: PM10 94 -> 81.43 -> 82, PM2.5 52 -> 84 */
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_PM10], 82);
    assert_int_equal(r.iaqi[ECO_AIR_PM25], 84);
    assert_int_equal(r.primary, bit(ECO_AIR_PM25));
    eco_air_primary_str(r.primary, buf, sizeof buf);
    assert_string_equal(buf, "PM2.5");

    /* 2026 daily tie at 100: PM10 120 and PM2.5 60; O3 8-h 160 too -> three */
    fill(c, NM);
    c[ECO_AIR_PM10] = 120;
    c[ECO_AIR_PM25] = 60;
    c[ECO_AIR_O3_8H] = 160;
    c[ECO_AIR_SO2] = 10;
    eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 100);
    assert_int_equal(r.primary, bit(ECO_AIR_PM10) | bit(ECO_AIR_PM25) | bit(ECO_AIR_O3_8H));
    eco_air_primary_str(r.primary, buf, sizeof buf);
    assert_string_equal(buf, "O3_8h;PM10;PM2.5");
    /* a too-small buffer never overflows */
    eco_air_primary_str(r.primary, buf, 4);
    assert_true(strlen(buf) < 4);

    /* no primary pollutant when AQI <= 50, even with a tie at 50 */
    fill(c, NM);
    c[ECO_AIR_PM25] = 35; /* 50 */
    c[ECO_AIR_PM10] = 50; /* 50 */
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 50);
    assert_int_equal(r.primary, 0);
    eco_air_primary_str(r.primary, buf, sizeof buf);
    assert_string_equal(buf, "");
    /* 51 has one */
    c[ECO_AIR_PM10] = 51; /* 50.5 -> 51 */
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 51);
    assert_int_equal(r.primary, bit(ECO_AIR_PM10));

    /* the comparison is on ceiled IAQIs: CO 1-h 5.3 -> 53.0, O3 1-h 162 -> 52.5 -> 53 */
    fill(c, NM);
    c[ECO_AIR_CO] = 5.3;
    c[ECO_AIR_O3] = 162;
    eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 53);
    assert_int_equal(r.primary, bit(ECO_AIR_CO) | bit(ECO_AIR_O3));

    /* 2012 daily with the O3 1-h max as primary pollutant */
    fill(c, NM);
    c[ECO_AIR_O3] = 233;   /* 117 */
    c[ECO_AIR_O3_8H] = 150; /* 92 */
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 117);
    assert_int_equal(r.primary, bit(ECO_AIR_O3));
    /* 2026 daily ignores the 1-h max: AQI from MDA8 only */
    eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 92);
    assert_int_equal(r.primary, bit(ECO_AIR_O3_8H));
}

/* ---- missing data --------------------------------------------------------- */

static void test_missing_policies(void **state)
{
    (void)state;
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;

    /* real-time, SO2 missing, the others give 168 (PM2.5 127) */
    fill(c, NA);
    c[ECO_AIR_O3_8H] = NA; /* not an indicator of the real-time report: never counts */
    c[ECO_AIR_NO2] = 59;
    c[ECO_AIR_CO] = 0.8;
    c[ECO_AIR_O3] = 60;
    c[ECO_AIR_PM10] = 150;
    c[ECO_AIR_PM25] = 127;
    const eco_air_edition_t *eds[2] = {ED12, ED26};
    for (int e = 0; e < 2; e++) {
        eco_air_aqi_compute(eds[e], RT, c, NA, ECO_MISSING_STRICT, &r);
        assert_int_equal(r.iaqi[ECO_AIR_SO2], ECO_IAQI_NA);
        assert_int_equal(r.aqi, -1);
        assert_int_equal(r.aqi_partial, 168);
        assert_int_equal(r.primary, 0);
        assert_true(r.flags & ECO_AQI_F_INCOMPLETE);
        assert_true(r.flags & ECO_AQI_F_WITHHELD);

        eco_air_aqi_compute(eds[e], RT, c, NA, ECO_MISSING_HJ633, &r); /* > 100: published */
        assert_int_equal(r.aqi, 168);
        assert_int_equal(r.primary, bit(ECO_AIR_PM25));
        assert_true(r.flags & ECO_AQI_F_INCOMPLETE);
        assert_false(r.flags & ECO_AQI_F_WITHHELD);

        eco_air_aqi_compute(eds[e], RT, c, NA, ECO_MISSING_PARTIAL, &r);
        assert_int_equal(r.aqi, 168);
        assert_true(r.flags & ECO_AQI_F_INCOMPLETE);
    }
    /* AUTO: 2012 -> strict (documented choice); 2026 -> HJ 633-2026 5.3.1 */
    eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_AUTO, &r);
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.aqi_partial, 168);
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_AUTO, &r);
    assert_int_equal(r.aqi, 168);

    /* others give <= 100: HJ 633-2026 publishes only the IAQIs (AQI NA) */
    c[ECO_AIR_PM10] = 50;
    c[ECO_AIR_PM25] = 45; /* 2026: 70; 2012: 63 */
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_HJ633, &r);
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.aqi_partial, 70);
    assert_int_equal(r.iaqi[ECO_AIR_PM25], 70); /* the IAQIs are still there */
    assert_true(r.flags & ECO_AQI_F_WITHHELD);
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_AUTO, &r);
    assert_int_equal(r.aqi, -1);
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_PARTIAL, &r);
    assert_int_equal(r.aqi, 70);
    assert_int_equal(r.primary, bit(ECO_AIR_PM25));
    eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_PARTIAL, &r);
    assert_int_equal(r.aqi, 63);

    /* the boundary of 5.3.1: exactly 100 is not published, 101 is */
    c[ECO_AIR_PM25] = 60; /* 2026: 100 */
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_HJ633, &r);
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.aqi_partial, 100);
    c[ECO_AIR_PM25] = 61; /* 100.91 -> 101 */
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_HJ633, &r);
    assert_int_equal(r.aqi, 101);

    /* nothing available at all */
    fill(c, NA);
    for (int e = 0; e < 2; e++) {
        eco_air_aqi_compute(eds[e], RT, c, NA, ECO_MISSING_PARTIAL, &r);
        assert_int_equal(r.aqi, -1);
        assert_int_equal(r.aqi_partial, -1);
        for (int i = 0; i < ECO_AIR_NIND; i++)
            if (i != ECO_AIR_O3_8H) assert_int_equal(r.iaqi[i], ECO_IAQI_NA);
    }
    /* a negative concentration is invalid (NA), not 0 */
    assert_int_equal(iaqi1(ED12, DY, ECO_AIR_PM25, -1), ECO_IAQI_NA);
    assert_int_equal(eco_air_iaqi(&ED12->bp[ECO_BP_PM25_24H], -1), ECO_IAQI_NA);
    assert_true(isnan(eco_air_iaqi_exact(&ED12->bp[ECO_BP_PM25_24H], NAN)));
}

static void test_not_monitored_vs_missing(void **state)
{
    (void)state;
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;
    const eco_air_edition_t *eds[2] = {ED12, ED26};

    /* §3.3 1957A: SO2 and CO "/" (not monitored), the rest give 130: published,
     * even under the strict policy; "/" never blocks publication */
    fill(c, NA);
    c[ECO_AIR_SO2] = NM;
    c[ECO_AIR_CO] = NM;
    c[ECO_AIR_NO2] = 40;
    c[ECO_AIR_O3] = 50;
    c[ECO_AIR_PM10] = 70;
    c[ECO_AIR_PM25] = 99; /* 2012: 130; 2026: 50/55*39 + 100 = 135.45 -> 136 */
    for (int e = 0; e < 2; e++) {
        const eco_air_missing_t pol[4] = {ECO_MISSING_AUTO, ECO_MISSING_STRICT, ECO_MISSING_HJ633, ECO_MISSING_PARTIAL};
        for (int p = 0; p < 4; p++) {
            eco_air_aqi_compute(eds[e], RT, c, NA, pol[p], &r);
            assert_int_equal(r.iaqi[ECO_AIR_SO2], ECO_IAQI_NM);
            assert_int_equal(r.iaqi[ECO_AIR_CO], ECO_IAQI_NM);
            assert_int_equal(r.aqi, e == 0 ? 130 : 136);
            assert_false(r.flags & ECO_AQI_F_INCOMPLETE);
            assert_false(r.flags & ECO_AQI_F_WITHHELD);
        }
    }
    /* a low AQI with "/" is published as well (HJ 633-2026 5.3.2) */
    c[ECO_AIR_PM25] = 20;
    c[ECO_AIR_PM10] = 20;
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_AUTO, &r);
    assert_int_equal(r.aqi, 29); /* PM2.5 20 -> 28.57 -> 29 */
    /* NA and "/" together: the NA decides */
    c[ECO_AIR_NO2] = NA;
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_AUTO, &r);
    assert_int_equal(r.iaqi[ECO_AIR_NO2], ECO_IAQI_NA);
    assert_int_equal(r.iaqi[ECO_AIR_SO2], ECO_IAQI_NM);
    assert_int_equal(r.aqi, -1);
    assert_true(r.flags & ECO_AQI_F_INCOMPLETE);
    /* everything "/": nothing to publish, but not "incomplete" either */
    fill(c, NM);
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, -1);
    assert_int_equal(r.aqi_partial, -1);
    assert_false(r.flags & ECO_AQI_F_INCOMPLETE);
    for (int i = 0; i < ECO_AIR_NIND; i++)
        if (i != ECO_AIR_O3_8H) assert_int_equal(r.iaqi[i], ECO_IAQI_NM);
    /* the codes are distinct */
    assert_true(ECO_IAQI_NA != ECO_IAQI_NM && ECO_IAQI_NA != ECO_IAQI_NONE && ECO_IAQI_NM != ECO_IAQI_NONE);
    assert_true(eco_air_is_na(NA) && !eco_air_is_nm(NA) && !eco_air_is_value(NA));
    assert_true(eco_air_is_nm(NM) && !eco_air_is_na(NM) && !eco_air_is_value(NM));
    assert_true(eco_air_is_value(0.0) && !eco_air_is_value(INFINITY));
}

/* ---- indicator sets ------------------------------------------------------ */

static void test_realtime_tables(void **state)
{
    (void)state;
    const eco_air_edition_t *eds[2] = {ED12, ED26};
    for (int e = 0; e < 2; e++) {
        const eco_air_edition_t *ed = eds[e];
        /* SO2/NO2/CO/O3 on their 1-h tables in the real-time report, 24-h tables in the daily one */
        assert_int_equal(iaqi1(ed, RT, ECO_AIR_SO2, 150), 50);
        assert_int_equal(iaqi1(ed, DY, ECO_AIR_SO2, 150), 100);
        assert_int_equal(iaqi1(ed, RT, ECO_AIR_NO2, 100), 50);
        assert_int_equal(iaqi1(ed, DY, ECO_AIR_NO2, 100), 110);
        assert_int_equal(iaqi1(ed, RT, ECO_AIR_CO, 5), 50);
        assert_int_equal(iaqi1(ed, DY, ECO_AIR_CO, 5), 105);
        assert_int_equal(iaqi1(ed, RT, ECO_AIR_O3, 160), 50);
        /* PM 1-h on the daily table */
        assert_int_equal(iaqi1(ed, RT, ECO_AIR_PM10, 50), 50);
        assert_int_equal(iaqi1(ed, RT, ECO_AIR_PM25, 35), 50);
        assert_int_equal(iaqi1(ed, RT, ECO_AIR_PM25, 115), 150);

        /* the real-time report has 6 indicators: O3 8-h is not one of them */
        double c[ECO_AIR_NIND];
        eco_air_aqi_t r;
        fill(c, 10);
        c[ECO_AIR_O3_8H] = 900;
        eco_air_aqi_compute(ed, RT, c, NA, ECO_MISSING_STRICT, &r);
        assert_int_equal(r.iaqi[ECO_AIR_O3_8H], ECO_IAQI_NONE);
        assert_false(r.flags & ECO_AQI_F_O3_8H_OVER);
        int n = 0;
        for (int i = 0; i < ECO_AIR_NIND; i++) n += r.iaqi[i] != ECO_IAQI_NONE;
        assert_int_equal(n, 6);
        /* NO2 10 (1-h) -> 5; SO2 10 -> 3.33 -> 4; CO 10 -> 100; O3 10 -> 3.125 -> 4; PM10 10 -> 10; PM2.5 -> 14.29 -> 15 */
        assert_int_equal(r.iaqi[ECO_AIR_NO2], 5);
        assert_int_equal(r.iaqi[ECO_AIR_SO2], 4);
        assert_int_equal(r.iaqi[ECO_AIR_CO], 100);
        assert_int_equal(r.iaqi[ECO_AIR_O3], 4);
        assert_int_equal(r.iaqi[ECO_AIR_PM10], 10);
        assert_int_equal(r.iaqi[ECO_AIR_PM25], 15);
        assert_int_equal(r.aqi, 100);
        assert_int_equal(r.primary, bit(ECO_AIR_CO));
        /* an O3 8-h NA in real time does not make the AQI incomplete */
        c[ECO_AIR_O3_8H] = NA;
        eco_air_aqi_compute(ed, RT, c, NA, ECO_MISSING_STRICT, &r);
        assert_int_equal(r.aqi, 100);
        assert_false(r.flags & ECO_AQI_F_INCOMPLETE);
    }
}

static void test_daily_indicator_sets(void **state)
{
    (void)state;
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;
    fill(c, 10);
    c[ECO_AIR_CO] = 1;
    /* 2012 daily: 7 indicators including the O3 daily max 1-h */
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    for (int i = 0; i < ECO_AIR_NIND; i++) assert_true(r.iaqi[i] >= 0);
    assert_int_equal(r.iaqi[ECO_AIR_O3], 4);    /* 1-h table */
    assert_int_equal(r.iaqi[ECO_AIR_O3_8H], 5); /* 8-h table */
    assert_int_equal(r.iaqi[ECO_AIR_SO2], 10);  /* 24-h table */
    assert_int_equal(r.iaqi[ECO_AIR_NO2], 13);  /* 12.5 -> 13 */
    assert_int_equal(r.iaqi[ECO_AIR_CO], 25);
    assert_int_equal(r.aqi, 25);
    /* a missing O3 1-h max makes the 2012 daily AQI incomplete */
    c[ECO_AIR_O3] = NA;
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_O3], ECO_IAQI_NA);
    assert_int_equal(r.aqi, -1);

    /* 2026 daily: 6 indicators; the O3 1-h value is not one of them */
    eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
    int n = 0;
    for (int i = 0; i < ECO_AIR_NIND; i++) n += r.iaqi[i] != ECO_IAQI_NONE;
    assert_int_equal(n, 6);
    assert_int_equal(r.iaqi[ECO_AIR_O3], ECO_IAQI_NONE);
    assert_int_equal(r.aqi, 25);
    assert_false(r.flags & ECO_AQI_F_INCOMPLETE);
    c[ECO_AIR_O3] = 1000; /* would be 400 under 2012 */
    eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 25);
    eco_air_aqi_compute(ED12, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 400);
}

static void test_aqi_floor(void **state)
{
    (void)state;
    double c[ECO_AIR_NIND];
    eco_air_aqi_t r;
    fill(c, 0);
    /* 2012: AQI 0 is a valid "优" value */
    eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 0);
    assert_false(r.flags & ECO_AQI_F_FLOOR);
    assert_int_equal(eco_air_level(r.aqi), 1);
    /* 2026: range 1-500 (UNRESOLVED in the notes; documented choice: floor at 1) */
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 1);
    assert_true(r.flags & ECO_AQI_F_FLOOR);
    for (int i = 0; i < ECO_AIR_NIND; i++)
        if (i != ECO_AIR_O3_8H) assert_int_equal(r.iaqi[i], 0); /* IAQIs are not floored */
    assert_int_equal(r.primary, 0);
    eco_air_aqi_compute(ED26, DY, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 1);
    /* 0.4 µg/m³ rounds to 0 in 2026 */
    fill(c, NM);
    c[ECO_AIR_PM25] = 0.4;
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.iaqi[ECO_AIR_PM25], 0);
    assert_int_equal(r.aqi, 1);
    eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 1); /* 0.57 -> 1 */
    assert_false(r.flags & ECO_AQI_F_FLOOR);
    /* anything that is already >= 1 is untouched */
    c[ECO_AIR_PM25] = 1;
    eco_air_aqi_compute(ED26, RT, c, NA, ECO_MISSING_STRICT, &r);
    assert_int_equal(r.aqi, 2); /* 1.43 -> 2 */
    assert_false(r.flags & ECO_AQI_F_FLOOR);
}

/* ---- batch --------------------------------------------------------------- */

static uint32_t lcg = 12345;
static double rnd(void)
{
    lcg = lcg * 1103515245u + 12345u;
    return (double)((lcg >> 8) & 0xFFFF) / 65536.0;
}

static int same_aqi(const eco_air_aqi_t *a, const eco_air_aqi_t *b)
{
    if (memcmp(a->iaqi, b->iaqi, sizeof a->iaqi)) return 0;
    return a->aqi == b->aqi && a->aqi_partial == b->aqi_partial && a->primary == b->primary && a->flags == b->flags;
}

#define NB 480

static void test_batch_matches_compute(void **state)
{
    (void)state;
    static double col[ECO_AIR_NIND][NB];
    static eco_day_t day[NB];
    static eco_air_aqi_t out[NB];
    static const double scale[ECO_AIR_NIND] = {300, 400, 8, 400, 400, 600, 300};
    const double *cols[ECO_AIR_NIND];
    eco_day_t d0 = eco_day_from_civil(2026, 2, 26);
    int n12 = 0, n26 = 0, ndiff = 0;

    for (int k = 0; k < NB; k++) {
        day[k] = d0 + k / 60; /* 2026-02-26 .. 2026-03-05 */
        for (int i = 0; i < ECO_AIR_NIND; i++) {
            double u = rnd();
            col[i][k] = u < 0.04 ? NA : u < 0.06 ? NM : floor(rnd() * scale[i] * 10) / 10;
        }
    }
    /* fixed rows straddling the switch: PM2.5 45 -> 63 on 02-28, 70 on 03-01 */
    int k28 = 2 * 60, k01 = 3 * 60;
    assert_int_equal(day[k28], eco_day_from_civil(2026, 2, 28));
    assert_int_equal(day[k01], eco_day_from_civil(2026, 3, 1));
    for (int i = 0; i < ECO_AIR_NIND; i++) col[i][k28] = col[i][k01] = NM;
    col[ECO_AIR_PM25][k28] = col[ECO_AIR_PM25][k01] = 45;

    for (int i = 0; i < ECO_AIR_NIND; i++) cols[i] = col[i];
    const eco_air_missing_t pol[3] = {ECO_MISSING_AUTO, ECO_MISSING_STRICT, ECO_MISSING_PARTIAL};
    for (int m = 0; m < 2; m++) {
        eco_air_mode_t mode = m ? DY : RT;
        for (int p = 0; p < 3; p++) {
            eco_air_aqi_batch(NULL, mode, NB, day, cols, NULL, pol[p], out);
            for (int k = 0; k < NB; k++) {
                double c[ECO_AIR_NIND];
                eco_air_aqi_t r;
                for (int i = 0; i < ECO_AIR_NIND; i++) c[i] = col[i][k];
                const eco_air_edition_t *ed = eco_air_edition_for_day(day[k]);
                eco_air_aqi_compute(ed, mode, c, NA, pol[p], &r);
                if (!same_aqi(&r, &out[k])) fail_msg("row %d (mode %d, policy %d) differs", k, m, p);
                if (ed == ED12) n12++;
                else n26++;
                /* and the other edition would have given something else at least sometimes */
                eco_air_aqi_t o;
                eco_air_aqi_compute(ed == ED12 ? ED26 : ED12, mode, c, NA, pol[p], &o);
                ndiff += !same_aqi(&o, &out[k]);
            }
            assert_int_equal(out[k28].aqi, 63);
            assert_int_equal(out[k01].aqi, 70);
        }
    }
    assert_true(n12 > 0 && n26 > 0);
    assert_true(ndiff > 0);

    /* a forced edition ignores the days (day may even be NULL) */
    eco_air_aqi_batch(ED12, RT, NB, NULL, cols, NULL, ECO_MISSING_PARTIAL, out);
    assert_int_equal(out[k01].aqi, 63);
    for (int k = 0; k < NB; k++) {
        double c[ECO_AIR_NIND];
        eco_air_aqi_t r;
        for (int i = 0; i < ECO_AIR_NIND; i++) c[i] = col[i][k];
        eco_air_aqi_compute(ED12, RT, c, NA, ECO_MISSING_PARTIAL, &r);
        assert_true(same_aqi(&r, &out[k]));
    }
    eco_air_aqi_batch(ED26, RT, NB, day, cols, NULL, ECO_MISSING_PARTIAL, out);
    assert_int_equal(out[k28].aqi, 70);

    /* a NULL column is all NA */
    cols[ECO_AIR_SO2] = NULL;
    eco_air_aqi_batch(NULL, RT, NB, day, cols, NULL, ECO_MISSING_STRICT, out);
    for (int k = 0; k < NB; k++) {
        assert_int_equal(out[k].iaqi[ECO_AIR_SO2], ECO_IAQI_NA);
        assert_int_equal(out[k].aqi, -1);
    }
    eco_air_aqi_batch(NULL, RT, NB, day, cols, NULL, ECO_MISSING_PARTIAL, out);
    assert_int_equal(out[k01].aqi, 70);
    assert_int_equal(out[k01].iaqi[ECO_AIR_SO2], ECO_IAQI_NA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_half_even),
        cmocka_unit_test(test_rounding_through_aqi_2026),
        cmocka_unit_test(test_vectors_section7),
        cmocka_unit_test(test_ceiling_not_rounding),
        cmocka_unit_test(test_breakpoint_edges_2012),
        cmocka_unit_test(test_breakpoint_edges_2026),
        cmocka_unit_test(test_sweep_against_reference),
        cmocka_unit_test(test_so2_1h_over_800),
        cmocka_unit_test(test_o3_8h_over_800),
        cmocka_unit_test(test_cap_at_500),
        cmocka_unit_test(test_primary_pollutants),
        cmocka_unit_test(test_missing_policies),
        cmocka_unit_test(test_not_monitored_vs_missing),
        cmocka_unit_test(test_realtime_tables),
        cmocka_unit_test(test_daily_indicator_sets),
        cmocka_unit_test(test_aqi_floor),
        cmocka_unit_test(test_batch_matches_compute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
