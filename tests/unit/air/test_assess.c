/* test_assess.c — HJ 663 / GB 3095 assessment checked against the reference
 * notes (../shared/reference/air-standards.md), not against the code.
 *
 *   §4.2 percentile (k = 1 + (n-1)p, worked example 6.5), §4.7 composite index
 *   (worked example 3.057 -> 3.06), §1.5 validity (20 h per daily mean, 6 h per
 *   8-h mean, 27 days per month / 25 in February / 324 per year), §4.4 MDA8
 *   (windows ending 08:00..24:00, >= 14 valid windows unless above the limit),
 *   §4.6 good/moderate/heavy days, §1.2 limits by the day's edition, §4.5 region
 *   means. Engine convention (assess.h): hour index h = the hour STARTING at
 *   h:00, so the windows ending 08:00..24:00 are [0,8) .. [16,24).
 *
 * Documented choices of the project that the notes leave open, pinned here:
 *   - O3 daily max 1-h valid with >= 20 hours, or when above the 1-h limit 200;
 *   - a period needs 324 days for a calendar year, otherwise per month touched
 *     the covered days minus that month's allowance of missing days (31-27, ...);
 *   - missing policy AUTO: strict under 2012, HJ 633-2026 5.3.1 under 2026;
 *   - exceedance compares the daily value rounded to the reporting precision.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "air/assess.h"
#include "core/time.h"

#define ED12 (&eco_air_edition_2012)
#define ED26 (&eco_air_edition_2026)
#define NA ECO_AIR_NA
#define NM ECO_AIR_NOT_MONITORED

#define assert_near(a, b, eps)                                                                                    \
    do {                                                                                                          \
        double a_ = (a), b_ = (b);                                                                                \
        if (!(fabs(a_ - b_) <= (eps))) fail_msg("%s = %.10g, expected %.10g (eps %g)", #a, a_, b_, (double)(eps)); \
    } while (0)

#define DAY(y, m, d) eco_day_from_civil(y, m, d)

/* ---- series helpers ------------------------------------------------------ */

typedef struct {
    eco_air_series_t s;
    eco_air_day_t *days;
} fix_t;

/* low, harmless background: SO2 5, NO2 5, CO 0.2, O3 30, PM10 10, PM2.5 20 */
static const double background[ECO_POL_N] = {5, 5, 0.2, 30, 10, 20};

static void fix_init(fix_t *f, eco_day_t day0, int ndays)
{
    f->s.day0 = day0;
    f->s.ndays = ndays;
    for (int p = 0; p < ECO_POL_N; p++) {
        f->s.h[p] = malloc(sizeof(double) * (size_t)ndays * 24);
        assert_non_null(f->s.h[p]);
        for (int k = 0; k < ndays * 24; k++) f->s.h[p][k] = background[p];
    }
    f->days = calloc((size_t)ndays, sizeof *f->days);
    assert_non_null(f->days);
}

static void fix_free(fix_t *f)
{
    for (int p = 0; p < ECO_POL_N; p++) free(f->s.h[p]);
    free(f->days);
}

/* all 24 hours of day di */
static void set_day(fix_t *f, int di, eco_air_pol_t p, double v)
{
    for (int h = 0; h < 24; h++) f->s.h[p][di * 24 + h] = v;
}

static double *hours(fix_t *f, int di, eco_air_pol_t p) { return f->s.h[p] + di * 24; }

static void compute_days(fix_t *f, const eco_air_assess_opts_t *o)
{
    eco_air_days_compute(&f->s, o, f->days);
}

static void period(fix_t *f, eco_day_t from, eco_day_t to, const eco_air_assess_opts_t *o, eco_air_period_t *out)
{
    double *scratch = malloc(sizeof(double) * (size_t)(to - from + 1));
    assert_non_null(scratch);
    eco_air_period_compute(f->days, f->s.day0, f->s.ndays, from, to, o, scratch, out);
    free(scratch);
}

/* ---- §4.2 percentile ----------------------------------------------------- */

static void test_percentile_worked_example(void **state)
{
    (void)state;
    double v[] = {3, 4, 8, 2, 5, 4};
    /* sorted {2,3,4,4,5,8}, k = 1 + 5*0.9 = 5.5, 5 + (8-5)*0.5 = 6.5 */
    assert_near(eco_air_percentile(v, 6, 90), 6.5, 1e-12);
    /* sorted in place */
    assert_true(v[0] == 2 && v[1] == 3 && v[5] == 8);
}

static void test_percentile_integer_k(void **state)
{
    (void)state;
    double a[] = {50, 10, 40, 20, 30};
    assert_near(eco_air_percentile(a, 5, 50), 30, 0); /* k = 3 */
    assert_near(eco_air_percentile(a, 5, 25), 20, 0); /* k = 2 */
    assert_near(eco_air_percentile(a, 5, 100), 50, 0);
    assert_near(eco_air_percentile(a, 5, 0), 10, 0);

    double b[11];
    for (int i = 0; i < 11; i++) b[i] = (double)(110 - 10 * i); /* 110 .. 10 descending */
    assert_near(eco_air_percentile(b, 11, 90), 100, 0);           /* k = 10 -> X(10) */

    double c[31];
    for (int i = 0; i < 31; i++) c[i] = (double)((i * 17) % 31 + 1); /* permutation of 1..31 */
    assert_near(eco_air_percentile(c, 31, 90), 28, 0);               /* k = 28 */
    assert_near(eco_air_percentile(c, 31, 95), 29.5, 1e-12);         /* k = 29.5 */
    assert_near(eco_air_percentile(c, 31, 98), 30.4, 1e-12);         /* k = 30.4 */

    double d[21];
    for (int i = 0; i < 21; i++) d[i] = (double)(i * i);
    assert_near(eco_air_percentile(d, 21, 95), 361, 0); /* k = 20 -> X(20) = 19^2 */

    double one = 42;
    assert_near(eco_air_percentile(&one, 1, 98), 42, 0);
    assert_true(isnan(eco_air_percentile(&one, 0, 90)));

    /* the positions quoted in §4.2: n = 365 and n = 324 with X(i) = i */
    static double y[365];
    for (int i = 0; i < 365; i++) y[i] = (double)(365 - i);
    assert_near(eco_air_percentile(y, 365, 90), 328.6, 1e-9);
    assert_near(eco_air_percentile(y, 365, 95), 346.8, 1e-9);
    assert_near(eco_air_percentile(y, 365, 98), 357.72, 1e-9);
    for (int i = 0; i < 324; i++) y[i] = (double)(i + 1);
    assert_near(eco_air_percentile(y, 324, 90), 291.7, 1e-9);
    assert_near(eco_air_percentile(y, 324, 95), 307.85, 1e-9);
    assert_near(eco_air_percentile(y, 324, 98), 317.54, 1e-9);
}

/* ---- §1.5 daily means ---------------------------------------------------- */

static void test_daily_mean_20_hours(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2025, 5, 10), 3);
    /* day 0: PM2.5 20 valid hours of 40 and 4 missing -> valid mean 40 */
    set_day(&f, 0, ECO_POL_PM25, 40);
    for (int h = 0; h < 4; h++) hours(&f, 0, ECO_POL_PM25)[h * 5] = NA;
    /* day 1: 19 valid hours (mean 50) -> invalid */
    set_day(&f, 1, ECO_POL_PM25, 50);
    for (int h = 0; h < 5; h++) hours(&f, 1, ECO_POL_PM25)[h * 4 + 1] = NA;
    /* day 2: mixed values, 24 valid: mean of 0..23 = 11.5 */
    for (int h = 0; h < 24; h++) hours(&f, 2, ECO_POL_PM25)[h] = h;
    compute_days(&f, &o);

    assert_int_equal(f.days[0].nhours[ECO_POL_PM25], 20);
    assert_near(f.days[0].v[ECO_AIR_PM25], 40, 1e-12);
    assert_false(f.days[0].flags & ECO_DAY_FEW_HOURS);
    assert_int_equal(f.days[0].aqi.aqi, 57); /* 2012: PM2.5 40 -> 56.25 -> 57 */

    assert_int_equal(f.days[1].nhours[ECO_POL_PM25], 19);
    assert_true(isnan(f.days[1].v[ECO_AIR_PM25]));
    assert_near(f.days[1].raw[ECO_AIR_PM25], 50, 1e-12);
    assert_true(f.days[1].flags & ECO_DAY_FEW_HOURS);
    /* 2012 (AUTO = strict): no daily AQI with an invalid PM2.5 */
    assert_int_equal(f.days[1].aqi.aqi, -1);
    assert_true(f.days[1].flags & ECO_DAY_NO_AQI);
    assert_int_equal(f.days[1].aqi.iaqi[ECO_AIR_PM25], ECO_IAQI_NA);

    assert_near(f.days[2].v[ECO_AIR_PM25], 11.5, 1e-12);
    /* the other pollutants are plain means of the background */
    assert_near(f.days[0].v[ECO_AIR_SO2], 5, 1e-12);
    assert_near(f.days[0].v[ECO_AIR_CO], 0.2, 1e-12);
    assert_int_equal(f.days[0].nhours[ECO_POL_SO2], 24);
    assert_ptr_equal(f.days[0].ed, ED12);
    fix_free(&f);
}

static void test_daily_not_monitored(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2025, 5, 10), 2);
    set_day(&f, 0, ECO_POL_SO2, NM); /* "/" all day: not monitored, does not block the AQI */
    set_day(&f, 1, ECO_POL_SO2, NA); /* missing all day: blocks it (2012 strict) */
    compute_days(&f, &o);
    assert_true(eco_air_is_nm(f.days[0].v[ECO_AIR_SO2]));
    assert_int_equal(f.days[0].aqi.iaqi[ECO_AIR_SO2], ECO_IAQI_NM);
    assert_true(f.days[0].aqi.aqi >= 0);
    assert_true(eco_air_is_na(f.days[1].v[ECO_AIR_SO2]));
    assert_int_equal(f.days[1].aqi.iaqi[ECO_AIR_SO2], ECO_IAQI_NA);
    assert_int_equal(f.days[1].aqi.aqi, -1);
    fix_free(&f);
}

/* ---- §4.4 MDA8 ----------------------------------------------------------- */

static void test_mda8_window_alignment(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2025, 7, 1), 4);
    for (int d = 0; d < 4; d++) set_day(&f, d, ECO_POL_O3, 100);
    /* day 0: hours 17..23 very high: they belong to day 0's windows, never to day 1's */
    for (int h = 17; h < 24; h++) hours(&f, 0, ECO_POL_O3)[h] = 900;
    /* day 2: hour 0 (00:00-01:00) is in the window ending 08:00 */
    hours(&f, 2, ECO_POL_O3)[0] = 900;
    /* day 3: hour 23 (23:00-24:00) is in the window ending 24:00 */
    hours(&f, 3, ECO_POL_O3)[23] = 900;
    compute_days(&f, &o);

    /* day 0: best window [16,24) = (100 + 7*900)/8 = 800 */
    assert_near(f.days[0].v[ECO_AIR_O3_8H], 800, 1e-9);
    assert_int_equal(f.days[0].nwin, 17);
    /* day 1: the previous evening (windows ending 01:00..07:00) does not count */
    assert_near(f.days[1].v[ECO_AIR_O3_8H], 100, 1e-9);
    assert_near(f.days[1].v[ECO_AIR_O3], 100, 1e-9);
    assert_int_equal(f.days[1].nwin, 17);
    /* day 2: (900 + 7*100)/8 = 200 from the first window */
    assert_near(f.days[2].v[ECO_AIR_O3_8H], 200, 1e-9);
    /* day 3: the last window */
    assert_near(f.days[3].v[ECO_AIR_O3_8H], 200, 1e-9);
    assert_near(f.days[3].v[ECO_AIR_O3], 900, 0); /* daily max 1-h */
    fix_free(&f);
}

static void test_mda8_six_hours_per_window(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2025, 7, 1), 3);
    /* day 0: only hours 0..5 valid (6 hours) -> 1 window, mean of valid hours only */
    set_day(&f, 0, ECO_POL_O3, NA);
    for (int h = 0; h < 6; h++) hours(&f, 0, ECO_POL_O3)[h] = 100;
    /* day 1: only hours 0..4 valid (5 hours) -> no window */
    set_day(&f, 1, ECO_POL_O3, NA);
    for (int h = 0; h < 5; h++) hours(&f, 1, ECO_POL_O3)[h] = 300;
    /* day 2: every other hour missing -> each window has 4 valid hours -> none */
    set_day(&f, 2, ECO_POL_O3, 120);
    for (int h = 0; h < 24; h += 2) hours(&f, 2, ECO_POL_O3)[h] = NA;
    compute_days(&f, &o);

    assert_int_equal(f.days[0].nwin, 1);
    assert_near(f.days[0].raw[ECO_AIR_O3_8H], 100, 1e-9); /* 600/6, not 600/8 */
    assert_true(isnan(f.days[0].v[ECO_AIR_O3_8H]));       /* 1 < 14 windows and 100 <= 160 */
    assert_true(f.days[0].flags & ECO_DAY_FEW_WINDOWS);

    assert_int_equal(f.days[1].nwin, 0);
    assert_true(isnan(f.days[1].v[ECO_AIR_O3_8H]));
    assert_true(isnan(f.days[1].raw[ECO_AIR_O3_8H]));

    assert_int_equal(f.days[2].nwin, 0);
    assert_true(isnan(f.days[2].v[ECO_AIR_O3_8H]));
    fix_free(&f);
}

static void test_mda8_14_windows_and_limit(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    /* 2025-07-01.. (2012 rules) and 2026-07-01.. (2026 rules): same numbers */
    const eco_day_t starts[2] = {DAY(2025, 7, 1), DAY(2026, 7, 1)};
    for (int e = 0; e < 2; e++) {
        fix_t f;
        fix_init(&f, starts[e], 7);
        /* hours 0..k-1 valid -> k - 5 valid windows */
        const int k[7] = {19, 18, 18, 18, 24, 6, 18};
        const double v[7] = {150, 150, 161, 160, 150, 300, 160.4};
        for (int d = 0; d < 7; d++) {
            set_day(&f, d, ECO_POL_O3, NA);
            for (int h = 0; h < k[d]; h++) hours(&f, d, ECO_POL_O3)[h] = v[d];
        }
        compute_days(&f, &o);
        assert_ptr_equal(f.days[0].ed, e ? ED26 : ED12);
        /* 14 windows: valid */
        assert_int_equal(f.days[0].nwin, 14);
        assert_near(f.days[0].v[ECO_AIR_O3_8H], 150, 1e-9);
        assert_false(f.days[0].flags & (ECO_DAY_FEW_WINDOWS | ECO_DAY_MDA8_BY_LIMIT));
        /* 13 windows, 150 <= 160: invalid */
        assert_int_equal(f.days[1].nwin, 13);
        assert_true(isnan(f.days[1].v[ECO_AIR_O3_8H]));
        assert_near(f.days[1].raw[ECO_AIR_O3_8H], 150, 1e-9);
        assert_true(f.days[1].flags & ECO_DAY_FEW_WINDOWS);
        /* 13 windows, 161 > 160: still valid */
        assert_int_equal(f.days[2].nwin, 13);
        assert_near(f.days[2].v[ECO_AIR_O3_8H], 161, 1e-9);
        assert_true(f.days[2].flags & ECO_DAY_MDA8_BY_LIMIT);
        assert_false(f.days[2].flags & ECO_DAY_FEW_WINDOWS);
        /* 13 windows, exactly 160 is not above the limit */
        assert_true(isnan(f.days[3].v[ECO_AIR_O3_8H]));
        /* all 17 */
        assert_int_equal(f.days[4].nwin, 17);
        assert_near(f.days[4].v[ECO_AIR_O3_8H], 150, 1e-9);
        /* 1 window, far above the limit: valid */
        assert_int_equal(f.days[5].nwin, 1);
        assert_near(f.days[5].v[ECO_AIR_O3_8H], 300, 1e-9);
        assert_true(f.days[5].flags & ECO_DAY_MDA8_BY_LIMIT);
        /* 13 windows, 160.4 is published as 160: not above the limit */
        assert_true(isnan(f.days[6].v[ECO_AIR_O3_8H]));
        assert_true(f.days[6].flags & ECO_DAY_FEW_WINDOWS);
        fix_free(&f);
    }
}

static void test_o3_daily_max_1h(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2025, 7, 1), 3);
    /* 19 valid hours, max 150: invalid; max 201 (> 1-h limit 200): valid; 20 hours: valid */
    set_day(&f, 0, ECO_POL_O3, 150);
    set_day(&f, 1, ECO_POL_O3, 100);
    hours(&f, 1, ECO_POL_O3)[12] = 201;
    set_day(&f, 2, ECO_POL_O3, 150);
    for (int h = 0; h < 5; h++) hours(&f, 0, ECO_POL_O3)[h] = NA;
    for (int h = 0; h < 5; h++) hours(&f, 1, ECO_POL_O3)[h] = NA;
    for (int h = 0; h < 4; h++) hours(&f, 2, ECO_POL_O3)[h] = NA;
    compute_days(&f, &o);
    assert_true(isnan(f.days[0].v[ECO_AIR_O3]));
    assert_near(f.days[0].raw[ECO_AIR_O3], 150, 0);
    assert_near(f.days[1].v[ECO_AIR_O3], 201, 0);
    assert_near(f.days[2].v[ECO_AIR_O3], 150, 0);
    fix_free(&f);
}

static void test_daily_aqi_by_edition(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2026, 2, 28), 2);
    /* O3 100 all day with one hour at 400: 1-h max 400, MDA8 (400 + 7*100)/8 = 137.5 */
    for (int d = 0; d < 2; d++) {
        set_day(&f, d, ECO_POL_O3, 100);
        hours(&f, d, ECO_POL_O3)[12] = 400;
    }
    compute_days(&f, &o);
    /* 2026-02-28, 2012 rules: 7 indicators; O3 1-h 400 -> 200 decides */
    assert_ptr_equal(f.days[0].ed, ED12);
    assert_int_equal(f.days[0].aqi.iaqi[ECO_AIR_O3], 200);
    assert_int_equal(f.days[0].aqi.iaqi[ECO_AIR_O3_8H], 82); /* 81.25 -> 82 */
    assert_int_equal(f.days[0].aqi.aqi, 200);
    assert_int_equal(f.days[0].aqi.primary, 1 << ECO_AIR_O3);
    /* 2026-03-01, 2026 rules: 6 indicators; MDA8 137.5 -> 138 (half-even) -> 81.67 -> 82 */
    assert_ptr_equal(f.days[1].ed, ED26);
    assert_int_equal(f.days[1].aqi.iaqi[ECO_AIR_O3], ECO_IAQI_NONE);
    assert_int_equal(f.days[1].aqi.aqi, 82);
    assert_int_equal(f.days[1].aqi.primary, 1 << ECO_AIR_O3_8H);

    /* forced edition */
    o.edition = ED26;
    compute_days(&f, &o);
    assert_ptr_equal(f.days[0].ed, ED26);
    assert_int_equal(f.days[0].aqi.aqi, 82);
    fix_free(&f);
}

static void test_daily_missing_policy_2026(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2026, 4, 1), 2);
    /* PM10 invalid on both days; day 0 others <= 100, day 1 PM2.5 127 -> 168 */
    set_day(&f, 0, ECO_POL_PM10, NA);
    set_day(&f, 1, ECO_POL_PM10, NA);
    set_day(&f, 1, ECO_POL_PM25, 127);
    compute_days(&f, &o); /* AUTO under 2026 = HJ 633-2026 5.3.1 */
    assert_int_equal(f.days[0].aqi.aqi, -1);
    assert_int_equal(f.days[0].aqi.aqi_partial, 29); /* PM2.5 20 -> 28.57 -> 29 */
    assert_true(f.days[0].flags & ECO_DAY_NO_AQI);
    assert_int_equal(f.days[1].aqi.aqi, 168);
    assert_false(f.days[1].flags & ECO_DAY_NO_AQI);
    o.missing = ECO_MISSING_STRICT;
    compute_days(&f, &o);
    assert_int_equal(f.days[1].aqi.aqi, -1);
    o.missing = ECO_MISSING_PARTIAL;
    compute_days(&f, &o);
    assert_int_equal(f.days[0].aqi.aqi, 29);
    fix_free(&f);
}

static void test_daily_mean_rounding_2026(void **state)
{
    (void)state;
    /* HJ 633-2026 4.2.2: the daily means are rounded per GB/T 8170 before IAQI.
     * These hourly CO values (tenths of mg/m³) average exactly 1.75 and 1.85;
     * summed in doubles they give 1.7499999999999998 and 1.8500000000000003.
     * Exact 5 -> even: both round to 1.8 -> IAQI 45 (not 1.7 -> 43 or 1.9 -> 48). */
    static const int co175[24] = {23, 3, 29, 28, 25, 32, 12, 23, 30, 17, 26, 3, 7, 13, 3, 2, 2, 2, 3, 20, 32, 38, 33, 14};
    static const int co185[24] = {16, 5, 38, 8, 34, 5, 23, 36, 36, 2, 17, 2, 21, 30, 2, 14, 13, 25, 26, 27, 10, 13, 32, 9};
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2026, 4, 1), 3);
    for (int h = 0; h < 24; h++) {
        hours(&f, 0, ECO_POL_CO)[h] = co175[h] / 10.0;
        hours(&f, 1, ECO_POL_CO)[h] = co185[h] / 10.0;
        hours(&f, 2, ECO_POL_PM25)[h] = h < 12 ? 34 : 35; /* integer hours: mean exactly 34.5 */
    }
    compute_days(&f, &o);
    assert_near(f.days[0].v[ECO_AIR_CO], 1.75, 1e-12);
    assert_near(f.days[1].v[ECO_AIR_CO], 1.85, 1e-12);
    assert_int_equal(f.days[0].aqi.iaqi[ECO_AIR_CO], 45);
    assert_int_equal(f.days[1].aqi.iaqi[ECO_AIR_CO], 45);
    assert_int_equal(f.days[2].aqi.iaqi[ECO_AIR_PM25], 49); /* 34.5 -> 34 -> 48.57 -> 49 */
    /* 2012 takes the means unrounded: 43.75 -> 44, 46.25 -> 47, PM2.5 34.5 -> 49.29 -> 50 */
    o.edition = ED12;
    compute_days(&f, &o);
    assert_int_equal(f.days[0].aqi.iaqi[ECO_AIR_CO], 44);
    assert_int_equal(f.days[1].aqi.iaqi[ECO_AIR_CO], 47);
    assert_int_equal(f.days[2].aqi.iaqi[ECO_AIR_PM25], 50);
    fix_free(&f);
}

/* ---- §1.5 / §4.3 period validity ----------------------------------------- */

static void test_required_days(void **state)
{
    (void)state;
    const eco_air_edition_t *eds[2] = {ED12, ED26};
    for (int e = 0; e < 2; e++) {
        const eco_air_edition_t *ed = eds[e];
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 1, 1), DAY(2025, 1, 31)), 27);  /* 31-day month */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 2, 1), DAY(2025, 2, 28)), 25);  /* February */
        assert_int_equal(eco_air_required_days(ed, DAY(2024, 2, 1), DAY(2024, 2, 29)), 25);  /* leap February */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 4, 1), DAY(2025, 4, 30)), 27);  /* 30-day month */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 1, 1), DAY(2025, 12, 31)), 324); /* year */
        assert_int_equal(eco_air_required_days(ed, DAY(2024, 1, 1), DAY(2024, 12, 31)), 324); /* leap year */
        assert_int_equal(eco_air_required_days(ed, DAY(2027, 1, 1), DAY(2027, 12, 31)), 324);
        /* twelve consecutive months are a (rolling) year too */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 3, 1), DAY(2026, 2, 28)), 324);
        assert_int_equal(eco_air_required_days(ed, DAY(2024, 2, 29), DAY(2025, 2, 28)), 324);
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 7, 15), DAY(2026, 7, 14)), 324);
        /* quarters: sum of the months */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 1, 1), DAY(2025, 3, 31)), 27 + 25 + 27);
        assert_int_equal(eco_air_required_days(ed, DAY(2024, 1, 1), DAY(2024, 3, 31)), 27 + 25 + 27);
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 4, 1), DAY(2025, 6, 30)), 81);
        /* custom range (documented choice): Jan 10-31 = 22 days - 4 allowed; Feb 1-10 = 10 - 3 */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 1, 10), DAY(2025, 2, 10)), 18 + 7);
        /* partial month: 15 days of a 31-day month, 4 may be missing */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 3, 1), DAY(2025, 3, 15)), 11);
        /* fewer days than the allowance: none required */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 3, 1), DAY(2025, 3, 3)), 0);
        /* a leap-February part: 10 days, 4 may be missing */
        assert_int_equal(eco_air_required_days(ed, DAY(2024, 2, 1), DAY(2024, 2, 10)), 6);
        /* one day short of a calendar year is not a calendar year: months summed (Dec 30 - 4) */
        assert_int_equal(eco_air_required_days(ed, DAY(2025, 1, 1), DAY(2025, 12, 30)), 25 + 10 * 27 + 26);
    }
}

static void test_month_26_vs_27_valid_days(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2025, 7, 1), 31);
    for (int d = 0; d < 31; d++) set_day(&f, d, ECO_POL_PM25, 30);
    for (int d = 0; d < 4; d++) set_day(&f, d * 7, ECO_POL_PM25, NA); /* 27 valid */
    compute_days(&f, &o);
    eco_air_period_t p;
    period(&f, DAY(2025, 7, 1), DAY(2025, 7, 31), &o, &p);
    assert_int_equal(p.days, 31);
    assert_int_equal(p.required, 27);
    assert_int_equal(p.nvalid[ECO_AIR_PM25], 27);
    assert_true(p.valid & (1u << ECO_AIR_PM25));
    assert_near(p.mean[ECO_AIR_PM25], 30, 1e-12);
    assert_int_equal(p.nvalid[ECO_AIR_SO2], 31);
    assert_true(p.valid & (1u << ECO_AIR_SO2));

    set_day(&f, 30, ECO_POL_PM25, NA); /* 26 valid */
    compute_days(&f, &o);
    period(&f, DAY(2025, 7, 1), DAY(2025, 7, 31), &o, &p);
    assert_int_equal(p.nvalid[ECO_AIR_PM25], 26);
    assert_false(p.valid & (1u << ECO_AIR_PM25));
    assert_near(p.mean[ECO_AIR_PM25], 30, 1e-12); /* still reported, just not valid */
    assert_true(isnan(p.composite));             /* an invalid PM2.5 statistic: no composite index */
    assert_true(isnan(p.ci_part[ECO_POL_PM25]));
    fix_free(&f);

    /* February 2025: 25 valid is enough, 24 is not */
    fix_init(&f, DAY(2025, 2, 1), 28);
    for (int d = 0; d < 3; d++) set_day(&f, d, ECO_POL_NO2, NA);
    compute_days(&f, &o);
    period(&f, DAY(2025, 2, 1), DAY(2025, 2, 28), &o, &p);
    assert_int_equal(p.required, 25);
    assert_int_equal(p.nvalid[ECO_AIR_NO2], 25);
    assert_true(p.valid & (1u << ECO_AIR_NO2));
    set_day(&f, 27, ECO_POL_NO2, NA);
    compute_days(&f, &o);
    period(&f, DAY(2025, 2, 1), DAY(2025, 2, 28), &o, &p);
    assert_int_equal(p.nvalid[ECO_AIR_NO2], 24);
    assert_false(p.valid & (1u << ECO_AIR_NO2));
    fix_free(&f);

    /* days outside the array count as missing: July of which only 26 days are held */
    fix_init(&f, DAY(2025, 7, 6), 26);
    compute_days(&f, &o);
    period(&f, DAY(2025, 7, 1), DAY(2025, 7, 31), &o, &p);
    assert_int_equal(p.nvalid[ECO_AIR_SO2], 26);
    assert_false(p.valid & (1u << ECO_AIR_SO2));
    assert_int_equal(p.days_with_data, 26);
    fix_free(&f);
}

/* ---- §4.7 composite index ------------------------------------------------ */

static void build_composite_month(fix_t *f)
{
    /* July 2025 (2012 rules), 31 days. Statistics to hit:
     *  SO2 mean 9, NO2 mean 15, PM10 mean 39, PM2.5 mean 21,
     *  CO P95 0.7 (k = 1 + 30*0.95 = 29.5: X29 = 0.6, X30 = 0.8),
     *  O3 MDA8 P90 192 (k = 1 + 30*0.9 = 28: X28 = 192). */
    fix_init(f, DAY(2025, 7, 1), 31);
    for (int d = 0; d < 31; d++) {
        /* SO2: 9 every day except 4 on day 4 and 14 on day 5 (mean still 9) */
        set_day(f, d, ECO_POL_SO2, d == 4 ? 4 : d == 5 ? 14 : 9);
        set_day(f, d, ECO_POL_NO2, 15);
        /* PM10: 15 x 29 + 15 x 49 + 39 = 1209 = 31 x 39; PM2.5: 15 x 11 + 15 x 31 + 21 = 651 = 31 x 21 */
        set_day(f, d, ECO_POL_PM10, d < 15 ? 29 : d < 30 ? 49 : 39);
        set_day(f, d, ECO_POL_PM25, d < 15 ? 11 : d < 30 ? 31 : 21);
        /* CO: 28 x 0.5, then 0.6, 0.8, 1.2 */
        set_day(f, d, ECO_POL_CO, d == 3 ? 0.6 : d == 17 ? 0.8 : d == 25 ? 1.2 : 0.5);
        /* O3 (constant per day, so MDA8 = the value): 27 x 120, 192, 3 x 230 */
        set_day(f, d, ECO_POL_O3, d == 8 ? 192 : (d == 1 || d == 12 || d == 29) ? 230 : 120);
    }
}

static void test_composite_worked_example(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    build_composite_month(&f);
    compute_days(&f, &o);
    eco_air_period_t p;
    period(&f, DAY(2025, 7, 1), DAY(2025, 7, 31), &o, &p);

    assert_ptr_equal(p.ed, ED12);
    assert_near(p.mean[ECO_AIR_SO2], 9, 1e-9);
    assert_near(p.mean[ECO_AIR_NO2], 15, 1e-9);
    assert_near(p.mean[ECO_AIR_PM10], 39, 1e-9);
    assert_near(p.mean[ECO_AIR_PM25], 21, 1e-9);
    assert_near(p.pct[ECO_AIR_CO], 0.7, 1e-9);
    assert_near(p.pct[ECO_AIR_O3_8H], 192, 1e-9);
    assert_near(p.pct_p[ECO_AIR_CO], 95, 0);
    assert_near(p.pct_p[ECO_AIR_O3_8H], 90, 0);
    assert_near(p.pct_p[ECO_AIR_SO2], 98, 0);
    assert_near(p.pct_p[ECO_AIR_NO2], 98, 0);
    assert_near(p.pct_p[ECO_AIR_PM10], 95, 0);
    assert_near(p.pct_p[ECO_AIR_PM25], 95, 0);
    /* 2012 grade-2 limits: annual SO2 60, NO2 40, PM10 70, PM2.5 35; CO 24-h 4; O3 MDA8 160 */
    assert_near(p.ci_part[ECO_POL_SO2], 9.0 / 60, 1e-12);
    assert_near(p.ci_part[ECO_POL_NO2], 15.0 / 40, 1e-12);
    assert_near(p.ci_part[ECO_POL_PM10], 39.0 / 70, 1e-12);
    assert_near(p.ci_part[ECO_POL_PM25], 21.0 / 35, 1e-12);
    assert_near(p.ci_part[ECO_POL_CO], 0.7 / 4, 1e-12);
    assert_near(p.ci_part[ECO_POL_O3], 192.0 / 160, 1e-12);
    /* 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.0571... -> 3.06 */
    assert_near(p.composite, 3.057142857142857, 1e-9);
    assert_near(eco_round_half_even(p.composite, 2), 3.06, 1e-12);

    /* configurable weights (documented option; the 2026 weighting is UNVERIFIED): PM2.5 x3 */
    o.ci_weight[ECO_POL_PM25] = 3;
    period(&f, DAY(2025, 7, 1), DAY(2025, 7, 31), &o, &p);
    assert_near(p.composite, 3.057142857142857 + 2 * 0.6, 1e-9);

    /* one invalid statistic (O3 with 26 valid MDA8 days): no composite */
    eco_air_assess_opts_default(&o);
    for (int d = 20; d < 25; d++) set_day(&f, d, ECO_POL_O3, NA);
    compute_days(&f, &o);
    period(&f, DAY(2025, 7, 1), DAY(2025, 7, 31), &o, &p);
    assert_int_equal(p.nvalid[ECO_AIR_O3_8H], 26);
    assert_true(isnan(p.composite));
    fix_free(&f);
}

/* ---- §4.6 day counts ----------------------------------------------------- */

static void test_day_counts(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    fix_init(&f, DAY(2025, 6, 1), 30);
    /* PM2.5 daily values and their 2012 AQI */
    static const struct {
        double pm25;
        int aqi;
    } v[] = {
        {20, 29},   {35, 50},   {36, 52},   {75, 100},  {76, 102},  {115, 150},
        {116, 152}, {150, 200}, {151, 201}, {250, 300}, {251, 301}, {500, 500},
    };
    const int nv = (int)(sizeof v / sizeof v[0]);
    for (int d = 0; d < nv; d++) set_day(&f, d, ECO_POL_PM25, v[d].pm25);
    set_day(&f, nv, ECO_POL_PM25, NA); /* one day without a daily AQI */
    /* the remaining 17 days keep the background PM2.5 20 -> 29 */
    compute_days(&f, &o);
    for (int d = 0; d < nv; d++) assert_int_equal(f.days[d].aqi.aqi, v[d].aqi);
    assert_int_equal(f.days[nv].aqi.aqi, -1);

    eco_air_period_t p;
    period(&f, DAY(2025, 6, 1), DAY(2025, 6, 30), &o, &p);
    assert_int_equal(p.aqi_days, 29);
    /* levels: 1: 29,50 + 17 background; 2: 52,100; 3: 102,150; 4: 152,200; 5: 201,300; 6: 301,500 */
    assert_int_equal(p.cat_days[0], 19);
    assert_int_equal(p.cat_days[1], 2);
    assert_int_equal(p.cat_days[2], 2);
    assert_int_equal(p.cat_days[3], 2);
    assert_int_equal(p.cat_days[4], 2);
    assert_int_equal(p.cat_days[5], 2);
    assert_int_equal(p.good_days, 21);
    assert_near(p.good_ratio, 100.0 * 21 / 29, 1e-9);
    assert_int_equal(p.moderate_days, 2); /* 151..200 by default */
    assert_int_equal(p.heavy_days, 4);    /* > 200 */
    assert_near(p.max_day[ECO_AIR_PM25], 500, 1e-9);

    /* "moderate" as 151 and above */
    o.moderate_from = 151;
    o.moderate_to = 500;
    period(&f, DAY(2025, 6, 1), DAY(2025, 6, 30), &o, &p);
    assert_int_equal(p.moderate_days, 6);

    /* a period without any published day */
    eco_air_assess_opts_default(&o);
    period(&f, DAY(2025, 6, 13), DAY(2025, 6, 13), &o, &p);
    assert_int_equal(p.aqi_days, 0);
    assert_true(isnan(p.good_ratio));
    fix_free(&f);
}

static void test_exceedance_by_day_edition(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    fix_t f;
    /* 2026-02-26 .. 2026-03-03: PM2.5 daily 70 and PM10 130 every day */
    fix_init(&f, DAY(2026, 2, 26), 6);
    for (int d = 0; d < 6; d++) {
        set_day(&f, d, ECO_POL_PM25, 70);
        set_day(&f, d, ECO_POL_PM10, 130);
    }
    set_day(&f, 0, ECO_POL_PM25, 75); /* equal to the 2012 limit: not an exceedance */
    set_day(&f, 1, ECO_POL_PM25, 76); /* above it */
    compute_days(&f, &o);
    eco_air_period_t p;
    period(&f, DAY(2026, 2, 26), DAY(2026, 3, 3), &o, &p);
    /* 2012 days (02-26..02-28): limit 75 -> only 76; 2026 days (03-01..03-03): limit 60 -> all 3 */
    assert_int_equal(p.exceed_days[ECO_AIR_PM25], 1 + 3);
    /* PM10 130: 2012 limit 150 no; 2026 transitional 120 yes */
    assert_int_equal(p.exceed_days[ECO_AIR_PM10], 3);
    assert_int_equal(p.exceed_days[ECO_AIR_SO2], 0);
    /* the period's edition and limits are those of its last day */
    assert_ptr_equal(p.ed, ED26);
    assert_near(p.lim->daily[ECO_POL_PM25][1], 60, 0);

    /* the same days forced to 2012: only 76 exceeds, PM10 never */
    o.edition = ED12;
    compute_days(&f, &o);
    period(&f, DAY(2026, 2, 26), DAY(2026, 3, 3), &o, &p);
    assert_int_equal(p.exceed_days[ECO_AIR_PM25], 1);
    assert_int_equal(p.exceed_days[ECO_AIR_PM10], 0);
    assert_ptr_equal(p.ed, ED12);
    fix_free(&f);

    /* 2031 final limits: PM2.5 daily 50; NO2 daily 50 */
    eco_air_assess_opts_default(&o);
    fix_init(&f, DAY(2030, 12, 31), 2);
    for (int d = 0; d < 2; d++) {
        set_day(&f, d, ECO_POL_PM25, 55);
        set_day(&f, d, ECO_POL_NO2, 60);
    }
    compute_days(&f, &o);
    period(&f, DAY(2030, 12, 31), DAY(2031, 1, 1), &o, &p);
    assert_int_equal(p.exceed_days[ECO_AIR_PM25], 1); /* 55 > 50 only on 2031-01-01 */
    assert_int_equal(p.exceed_days[ECO_AIR_NO2], 1);  /* 60 > 50 only on 2031-01-01 (80 before) */
    fix_free(&f);

    /* O3: MDA8 against 160, daily max 1-h against 200 (2025 day) */
    fix_init(&f, DAY(2025, 8, 1), 2);
    set_day(&f, 0, ECO_POL_O3, 170); /* MDA8 170 > 160, 1-h 170 <= 200 */
    set_day(&f, 1, ECO_POL_O3, 100);
    hours(&f, 1, ECO_POL_O3)[12] = 250; /* 1-h 250 > 200, MDA8 118.75 */
    compute_days(&f, &o);
    period(&f, DAY(2025, 8, 1), DAY(2025, 8, 2), &o, &p);
    assert_int_equal(p.exceed_days[ECO_AIR_O3_8H], 1);
    assert_int_equal(p.exceed_days[ECO_AIR_O3], 1);
    /* documented choice: compared as published (rounded): 75.4 -> 75 is not above 75 */
    fix_free(&f);
    fix_init(&f, DAY(2025, 8, 1), 1);
    set_day(&f, 0, ECO_POL_PM25, 75.4);
    compute_days(&f, &o);
    period(&f, DAY(2025, 8, 1), DAY(2025, 8, 1), &o, &p);
    assert_int_equal(p.exceed_days[ECO_AIR_PM25], 0);
    fix_free(&f);
}

/* ---- §4.5 region accumulator --------------------------------------------- */

static void test_region_mean(void **state)
{
    (void)state;
    enum { NS = 3, NH = 24 };
    eco_air_series_t site[NS];
    static double data[NS][ECO_POL_N][NH];
    for (int s = 0; s < NS; s++) {
        site[s].day0 = DAY(2025, 1, 1);
        site[s].ndays = 1;
        for (int p = 0; p < ECO_POL_N; p++) {
            for (int h = 0; h < NH; h++) data[s][p][h] = 10.0 * (s + 1); /* 10, 20, 30 */
            site[s].h[p] = data[s][p];
        }
    }
    const int P = ECO_POL_PM25;
    /* hour 1: one site missing -> mean of the other two */
    data[2][P][1] = NA;
    /* hour 2: all missing -> NA */
    data[0][P][2] = data[1][P][2] = data[2][P][2] = NA;
    /* hour 3: all "/" -> not monitored */
    data[0][P][3] = data[1][P][3] = data[2][P][3] = NM;
    /* hour 4: "/" and NA -> NA */
    data[0][P][4] = NM;
    data[1][P][4] = NA;
    data[2][P][4] = NM;
    /* hour 5: "/" at two sites, one value -> that value */
    data[0][P][5] = NM;
    data[1][P][5] = 25;
    data[2][P][5] = NM;
    /* hour 6: a negative value is invalid */
    data[0][P][6] = -5;

    double sum[ECO_POL_N][NH];
    uint16_t cnt[ECO_POL_N][NH], nm[ECO_POL_N][NH];
    eco_air_region_acc_t acc;
    acc.day0 = DAY(2025, 1, 1);
    acc.ndays = 1;
    for (int p = 0; p < ECO_POL_N; p++) {
        acc.sum[p] = sum[p];
        acc.cnt[p] = cnt[p];
        acc.nm[p] = nm[p];
        for (int h = 0; h < NH; h++) sum[p][h] = 777, cnt[p][h] = 7, nm[p][h] = 7; /* reset must clear */
    }
    acc.nsites = 9;
    eco_air_region_reset(&acc);
    assert_int_equal(acc.nsites, 0);
    for (int s = 0; s < NS; s++) eco_air_region_add(&acc, &site[s]);
    assert_int_equal(acc.nsites, 3);

    static double outbuf[ECO_POL_N][NH];
    eco_air_series_t out;
    for (int p = 0; p < ECO_POL_N; p++) out.h[p] = outbuf[p];
    eco_air_region_finish(&acc, &out);
    assert_int_equal(out.day0, DAY(2025, 1, 1));
    assert_int_equal(out.ndays, 1);
    assert_near(out.h[P][0], 20, 1e-12);
    assert_near(out.h[P][1], 15, 1e-12);
    assert_true(eco_air_is_na(out.h[P][2]));
    assert_true(eco_air_is_nm(out.h[P][3]));
    assert_true(eco_air_is_na(out.h[P][4]));
    assert_near(out.h[P][5], 25, 1e-12);
    assert_near(out.h[P][6], 25, 1e-12);
    assert_near(out.h[ECO_POL_SO2][2], 20, 1e-12); /* other pollutants untouched */

    /* in place: the output may be the sum arrays */
    eco_air_series_t inplace;
    for (int p = 0; p < ECO_POL_N; p++) inplace.h[p] = acc.sum[p];
    eco_air_region_finish(&acc, &inplace);
    assert_near(inplace.h[P][1], 15, 1e-12);
    assert_true(eco_air_is_nm(inplace.h[P][3]));

    /* a region without any site: NA everywhere */
    eco_air_region_reset(&acc);
    eco_air_region_finish(&acc, &out);
    assert_true(eco_air_is_na(out.h[P][0]));
}

static void test_opts_default(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    memset(&o, 0x5a, sizeof o);
    eco_air_assess_opts_default(&o);
    assert_null(o.edition);
    assert_int_equal(o.missing, ECO_MISSING_AUTO);
    for (int p = 0; p < ECO_POL_N; p++) assert_near(o.ci_weight[p], 1, 0);
    assert_int_equal(o.moderate_from, 151);
    assert_int_equal(o.moderate_to, 200);
    assert_int_equal(o.ci_from_rounded, 1);
}

/* the period statistics select order statistics without sorting: they must
 * equal eco_air_percentile() (which sorts) on any data, ties included */
static void test_period_percentiles_match_sort(void **state)
{
    (void)state;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    uint64_t seed = 12345;
    for (int trial = 0; trial < 200; trial++) {
        int ndays = 1 + trial % 60;
        eco_air_day_t *days = calloc((size_t)ndays, sizeof *days);
        double *scratch = malloc((size_t)ndays * sizeof *scratch), *copy = malloc((size_t)ndays * sizeof *copy);
        assert_non_null(days);
        for (int d = 0; d < ndays; d++) {
            days[d].ed = ED12;
            days[d].aqi.aqi = -1;
            for (int i = 0; i < ECO_AIR_NIND; i++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                /* few distinct values so that ties are common */
                days[d].v[i] = (trial % 3 == 0) ? (double)((seed >> 33) % 7) : (double)((seed >> 20) % 100000) / 100.0;
            }
        }
        eco_air_period_t p;
        eco_air_period_compute(days, DAY(2025, 1, 1), ndays, DAY(2025, 1, 1), DAY(2025, 1, 1) + ndays - 1, &o, scratch, &p);
        static const eco_air_ind_t inds[] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_CO, ECO_AIR_O3_8H, ECO_AIR_PM10, ECO_AIR_PM25};
        for (size_t k = 0; k < sizeof inds / sizeof *inds; k++) {
            for (int d = 0; d < ndays; d++) copy[d] = days[d].v[inds[k]];
            double want = eco_air_percentile(copy, (size_t)ndays, p.pct_p[inds[k]]);
            assert_true(p.pct[inds[k]] == want);
        }
        free(days);
        free(scratch);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentile_worked_example),
        cmocka_unit_test(test_percentile_integer_k),
        cmocka_unit_test(test_daily_mean_20_hours),
        cmocka_unit_test(test_daily_not_monitored),
        cmocka_unit_test(test_mda8_window_alignment),
        cmocka_unit_test(test_mda8_six_hours_per_window),
        cmocka_unit_test(test_mda8_14_windows_and_limit),
        cmocka_unit_test(test_o3_daily_max_1h),
        cmocka_unit_test(test_daily_aqi_by_edition),
        cmocka_unit_test(test_daily_missing_policy_2026),
        cmocka_unit_test(test_daily_mean_rounding_2026),
        cmocka_unit_test(test_required_days),
        cmocka_unit_test(test_month_26_vs_27_valid_days),
        cmocka_unit_test(test_composite_worked_example),
        cmocka_unit_test(test_day_counts),
        cmocka_unit_test(test_exceedance_by_day_edition),
        cmocka_unit_test(test_region_mean),
        cmocka_unit_test(test_opts_default),
        cmocka_unit_test(test_period_percentiles_match_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
