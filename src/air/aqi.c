/* aqi.c — HJ 633 IAQI/AQI (see aqi.h for the rules and why they are explicit). */
#include "air/aqi.h"

#include <pthread.h>
#include <string.h>

double eco_round_half_even(double v, int decimals)
{
    double scale = decimals == 0 ? 1.0 : decimals == 1 ? 10.0 : decimals == 2 ? 100.0 : pow(10.0, decimals);
    /* rint() rounds half to even in the default rounding mode; scaling first
     * absorbs the binary error of decimal inputs such as 2.45. A computed
     * mean whose exact value ends in 5 can still land a few ulps off the half
     * (24 hourly CO values averaging exactly 1.75 give 1.7499999999999998,
     * 1.85 gives 1.8500000000000003), and rint() would then round it the way
     * the noise points. GB/T 8170 rounds an exact 5 to even, so a value within
     * a relative 1e-11 of a half (far below any measured precision, far above
     * the error of a mean) is treated as that half. */
    double x = v * scale;
    double f = floor(x);
    double ax = fabs(x); /* not fmax(): a libm call on the hot path */
    if (fabs(x - f - 0.5) <= 1e-11 * (ax > 1.0 ? ax : 1.0)) return (f * 0.5 == floor(f * 0.5) ? f : f + 1.0) / scale;
    return rint(x) / scale;
}

double eco_air_iaqi_exact(const eco_air_bp_table_t *t, double c)
{
    if (!(c >= 0)) return NAN;
    int n = t->n;
    if (c > t->c[n - 1]) return INFINITY;
    int i = 1;
    while (c > t->c[i]) i++;
    return (t->iaqi[i] - t->iaqi[i - 1]) / (t->c[i] - t->c[i - 1]) * (c - t->c[i - 1]) + t->iaqi[i - 1];
}

/* Ceiling that ignores floating-point noise: 100.00000000001 is 100. */
static inline int ceil_iaqi(double x)
{
    double r = rint(x);
    if (fabs(x - r) < 1e-9) return (int)r;
    return (int)ceil(x);
}

int eco_air_iaqi(const eco_air_bp_table_t *t, double c)
{
    double x = eco_air_iaqi_exact(t, c);
    if (isnan(x)) return ECO_IAQI_NA;
    if (isinf(x)) return 500;
    return ceil_iaqi(x);
}

static inline double prep(const eco_air_edition_t *ed, double c, int decimals)
{
    return ed->round_inputs && isfinite(c) ? eco_round_half_even(c, decimals) : c;
}

/* Hot-path constants of the two built-in editions, derived once from their
 * tables (bench/bench_air.c: real-time AQI of a 2,000-site year spent its time
 * in the per-value division of the formula, the branchy segment search, the
 * libm ceiling and the out-of-line calls):
 *   slope[b][i] = (IAQI_i - IAQI_i-1) / (BP_i - BP_i-1), the very double the
 *               formula divides per value, so results stay bit-identical;
 *   lut[b][j]   = the IAQI of j / 10^decimals for every value at reporting
 *               precision up to the table's top (µg/m³ integers, CO 0.1
 *               mg/m³) — what the national platform publishes, so almost
 *               every real-time value is one load.
 * Other editions (none today) take the plain path. */
#define LUT_MAX 4000
typedef struct fast_tab {
    double slope[ECO_BP_N][8];
    int lut_n[ECO_BP_N]; /* entries of lut[b]; 0 when the table is too long */
    int16_t lut[ECO_BP_N][LUT_MAX];
} fast_tab_t;

static fast_tab_t fast_2012, fast_2026;
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;
static const int bp_decimals[ECO_BP_N] = {[ECO_BP_CO_24H] = 1, [ECO_BP_CO_1H] = 1};

/* IAQI of c, finite, >= 0 and not above the table: the segment found by
 * counting breakpoints below c (no data-dependent branch), ceil_iaqi() by
 * truncation (exact: 0 <= x <= 500). Same arithmetic, same order as
 * eco_air_iaqi(). */
static inline int iaqi_in_table(const eco_air_bp_table_t *t, const double *slope, double c)
{
    int i = 1;
    for (int k = 1; k < t->n - 1; k++) i += c > t->c[k];
    double x = slope[i] * (c - t->c[i - 1]) + t->iaqi[i - 1];
    int f = (int)x;
    return f + (x - f >= 1e-9);
}

static void fast_fill(const eco_air_edition_t *ed, fast_tab_t *ft)
{
    for (int b = 0; b < ECO_BP_N; b++) {
        const eco_air_bp_table_t *t = &ed->bp[b];
        ft->slope[b][0] = 0;
        for (int i = 1; i < t->n; i++) ft->slope[b][i] = (t->iaqi[i] - t->iaqi[i - 1]) / (t->c[i] - t->c[i - 1]);
        double scale = bp_decimals[b] ? 10.0 : 1.0;
        int n = (int)(t->c[t->n - 1] * scale) + 1;
        ft->lut_n[b] = n <= LUT_MAX ? n : 0;
        for (int j = 0; j < ft->lut_n[b]; j++) ft->lut[b][j] = (int16_t)iaqi_in_table(t, ft->slope[b], j / scale);
    }
}

static void fast_init(void)
{
    fast_fill(&eco_air_edition_2012, &fast_2012);
    fast_fill(&eco_air_edition_2026, &fast_2026);
}

static const fast_tab_t *fast_for(const eco_air_edition_t *ed)
{
    pthread_once(&fast_once, fast_init);
    return ed == &eco_air_edition_2012 ? &fast_2012 : ed == &eco_air_edition_2026 ? &fast_2026 : NULL;
}

/* IAQI of one indicator, or an ECO_IAQI_* code; sets flags. */
static inline int one(const eco_air_edition_t *ed, const fast_tab_t *ft, eco_air_bp_id_t tab, double c, int decimals,
                      uint8_t *flags)
{
    if (ft) { /* a value at reporting precision within the table: look it up */
        double x = decimals ? c * 10.0 : c;
        if (x >= 0 && x < ft->lut_n[tab] && (double)(int)x == x && (!decimals || (int)x / 10.0 == c))
            return ft->lut[tab][(int)x];
    }
    if (eco_air_is_nm(c)) return ECO_IAQI_NM;
    if (!isfinite(c) || c < 0) return ECO_IAQI_NA;
    c = prep(ed, c, decimals);
    const eco_air_bp_table_t *t = &ed->bp[tab];
    if (c > t->c[t->n - 1]) {
        *flags |= ECO_AQI_F_CAPPED;
        return 500;
    }
    return ft ? iaqi_in_table(t, ft->slope[tab], c) : eco_air_iaqi(t, c);
}

static inline void compute_row(const eco_air_edition_t *ed, const fast_tab_t *ft, eco_air_mode_t mode,
                               const double c[ECO_AIR_NIND], double so2_24h, eco_air_missing_t missing,
                               eco_air_aqi_t *out)
{
    uint8_t flags = 0;
    int16_t *iq = out->iaqi;
    int rt = mode == ECO_AIR_REALTIME;

    for (int i = 0; i < ECO_AIR_NIND; i++) iq[i] = ECO_IAQI_NONE;

    /* SO2 */
    if (rt) {
        double v = c[ECO_AIR_SO2];
        if (isfinite(v) && v >= 0 && prep(ed, v, 0) > ed->bp[ECO_BP_SO2_1H].c[ed->bp[ECO_BP_SO2_1H].n - 1]) {
            flags |= ECO_AQI_F_SO2_OVER;
            if (ed->so2_1h_over == ECO_OVER_FIXED)
                iq[ECO_AIR_SO2] = (int16_t)ed->so2_1h_over_iaqi;
            else
                iq[ECO_AIR_SO2] = (int16_t)one(ed, ft, ECO_BP_SO2_24H, so2_24h, 0, &flags);
        } else {
            iq[ECO_AIR_SO2] = (int16_t)one(ed, ft, ECO_BP_SO2_1H, v, 0, &flags);
        }
        iq[ECO_AIR_NO2] = (int16_t)one(ed, ft, ECO_BP_NO2_1H, c[ECO_AIR_NO2], 0, &flags);
        iq[ECO_AIR_CO] = (int16_t)one(ed, ft, ECO_BP_CO_1H, c[ECO_AIR_CO], 1, &flags);
        iq[ECO_AIR_O3] = (int16_t)one(ed, ft, ECO_BP_O3_1H, c[ECO_AIR_O3], 0, &flags);
    } else {
        iq[ECO_AIR_SO2] = (int16_t)one(ed, ft, ECO_BP_SO2_24H, c[ECO_AIR_SO2], 0, &flags);
        iq[ECO_AIR_NO2] = (int16_t)one(ed, ft, ECO_BP_NO2_24H, c[ECO_AIR_NO2], 0, &flags);
        iq[ECO_AIR_CO] = (int16_t)one(ed, ft, ECO_BP_CO_24H, c[ECO_AIR_CO], 1, &flags);
        if (ed->daily_o3_1h) iq[ECO_AIR_O3] = (int16_t)one(ed, ft, ECO_BP_O3_1H, c[ECO_AIR_O3], 0, &flags);
        double v = c[ECO_AIR_O3_8H];
        if (isfinite(v) && v >= 0 && prep(ed, v, 0) > ed->bp[ECO_BP_O3_8H].c[ed->bp[ECO_BP_O3_8H].n - 1]) {
            flags |= ECO_AQI_F_O3_8H_OVER;
            if (ed->o3_8h_over == ECO_OVER_FIXED)
                iq[ECO_AIR_O3_8H] = (int16_t)ed->o3_8h_over_iaqi;
            else /* 2012: the O3 IAQI is reported from the 1-h value */
                iq[ECO_AIR_O3_8H] = (int16_t)one(ed, ft, ECO_BP_O3_1H, c[ECO_AIR_O3], 0, &flags);
        } else {
            iq[ECO_AIR_O3_8H] = (int16_t)one(ed, ft, ECO_BP_O3_8H, v, 0, &flags);
        }
    }
    iq[ECO_AIR_PM10] = (int16_t)one(ed, ft, ECO_BP_PM10_24H, c[ECO_AIR_PM10], 0, &flags);
    iq[ECO_AIR_PM25] = (int16_t)one(ed, ft, ECO_BP_PM25_24H, c[ECO_AIR_PM25], 0, &flags);

    int best = -1, na = 0;
    for (int i = 0; i < ECO_AIR_NIND; i++) {
        if (iq[i] == ECO_IAQI_NA) na = 1;
        if (iq[i] > best) best = iq[i];
    }
    uint8_t prim = 0;
    if (best > 50)
        for (int i = 0; i < ECO_AIR_NIND; i++)
            if (iq[i] == best) prim |= (uint8_t)(1u << i);
    /* the 2012 O3 8-h > 800 substitute repeats the 1-h IAQI: name O3 once */
    if ((flags & ECO_AQI_F_O3_8H_OVER) && ed->o3_8h_over == ECO_OVER_USE_1H && (prim & (1u << ECO_AIR_O3)))
        prim &= (uint8_t)~(1u << ECO_AIR_O3_8H);
    if (best >= 0 && best < ed->aqi_min) {
        best = ed->aqi_min;
        flags |= ECO_AQI_F_FLOOR;
    }
    out->aqi_partial = (int16_t)best;
    out->primary = prim;

    int publish = best >= 0;
    if (na) {
        flags |= ECO_AQI_F_INCOMPLETE;
        if (missing == ECO_MISSING_AUTO) missing = ed->round_inputs ? ECO_MISSING_HJ633 : ECO_MISSING_STRICT;
        if (missing == ECO_MISSING_STRICT) publish = 0;
        else if (missing == ECO_MISSING_HJ633) publish = best > 100;
    }
    if (!publish && best >= 0) flags |= ECO_AQI_F_WITHHELD;
    out->aqi = (int16_t)(publish ? best : -1);
    if (!publish) out->primary = 0;
    out->flags = flags;
}

void eco_air_aqi_compute(const eco_air_edition_t *ed, eco_air_mode_t mode, const double c[ECO_AIR_NIND],
                         double so2_24h, eco_air_missing_t missing, eco_air_aqi_t *out)
{
    compute_row(ed, fast_for(ed), mode, c, so2_24h, missing, out);
}

void eco_air_aqi_batch(const eco_air_edition_t *ed, eco_air_mode_t mode, size_t n, const eco_day_t *day,
                       const double *const cols[ECO_AIR_NIND], const double *so2_24h, eco_air_missing_t missing,
                       eco_air_aqi_t *out)
{
    eco_day_t sw = eco_air_switch_day();
    const fast_tab_t *ft = fast_for(ed), *f12 = fast_for(&eco_air_edition_2012), *f26 = fast_for(&eco_air_edition_2026);
    for (size_t k = 0; k < n; k++) {
        double c[ECO_AIR_NIND];
        for (int i = 0; i < ECO_AIR_NIND; i++) c[i] = cols[i] ? cols[i][k] : ECO_AIR_NA;
        int is_new = !ed && day[k] >= sw;
        const eco_air_edition_t *e = ed ? ed : is_new ? &eco_air_edition_2026 : &eco_air_edition_2012;
        compute_row(e, ed ? ft : is_new ? f26 : f12, mode, c, so2_24h ? so2_24h[k] : ECO_AIR_NA, missing, &out[k]);
    }
}

void eco_air_primary_str(uint8_t primary, char *buf, size_t n)
{
    size_t len = 0;
    if (n) buf[0] = '\0';
    for (int i = 0; i < ECO_AIR_NIND; i++) {
        if (!(primary & (1u << i))) continue;
        const char *nm = eco_air_ind_name[i];
        size_t l = strlen(nm);
        if (len + l + 2 > n) break;
        if (len) buf[len++] = ';';
        memcpy(buf + len, nm, l + 1);
        len += l;
    }
}
