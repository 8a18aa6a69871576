/* aqi.c — HJ 633 IAQI/AQI (see aqi.h for the rules and why they are explicit). */
#include "air/aqi.h"

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
    if (fabs(x - f - 0.5) <= 1e-11 * fmax(1.0, fabs(x))) return (f * 0.5 == floor(f * 0.5) ? f : f + 1.0) / scale;
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

/* IAQI of one indicator, or an ECO_IAQI_* code; sets flags. */
static int one(const eco_air_edition_t *ed, eco_air_bp_id_t tab, double c, int decimals, uint8_t *flags)
{
    if (eco_air_is_nm(c)) return ECO_IAQI_NM;
    if (!isfinite(c) || c < 0) return ECO_IAQI_NA;
    c = prep(ed, c, decimals);
    const eco_air_bp_table_t *t = &ed->bp[tab];
    if (c > t->c[t->n - 1]) {
        *flags |= ECO_AQI_F_CAPPED;
        return 500;
    }
    return eco_air_iaqi(t, c);
}

void eco_air_aqi_compute(const eco_air_edition_t *ed, eco_air_mode_t mode, const double c[ECO_AIR_NIND],
                         double so2_24h, eco_air_missing_t missing, eco_air_aqi_t *out)
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
                iq[ECO_AIR_SO2] = (int16_t)one(ed, ECO_BP_SO2_24H, so2_24h, 0, &flags);
        } else {
            iq[ECO_AIR_SO2] = (int16_t)one(ed, ECO_BP_SO2_1H, v, 0, &flags);
        }
        iq[ECO_AIR_NO2] = (int16_t)one(ed, ECO_BP_NO2_1H, c[ECO_AIR_NO2], 0, &flags);
        iq[ECO_AIR_CO] = (int16_t)one(ed, ECO_BP_CO_1H, c[ECO_AIR_CO], 1, &flags);
        iq[ECO_AIR_O3] = (int16_t)one(ed, ECO_BP_O3_1H, c[ECO_AIR_O3], 0, &flags);
    } else {
        iq[ECO_AIR_SO2] = (int16_t)one(ed, ECO_BP_SO2_24H, c[ECO_AIR_SO2], 0, &flags);
        iq[ECO_AIR_NO2] = (int16_t)one(ed, ECO_BP_NO2_24H, c[ECO_AIR_NO2], 0, &flags);
        iq[ECO_AIR_CO] = (int16_t)one(ed, ECO_BP_CO_24H, c[ECO_AIR_CO], 1, &flags);
        if (ed->daily_o3_1h) iq[ECO_AIR_O3] = (int16_t)one(ed, ECO_BP_O3_1H, c[ECO_AIR_O3], 0, &flags);
        double v = c[ECO_AIR_O3_8H];
        if (isfinite(v) && v >= 0 && prep(ed, v, 0) > ed->bp[ECO_BP_O3_8H].c[ed->bp[ECO_BP_O3_8H].n - 1]) {
            flags |= ECO_AQI_F_O3_8H_OVER;
            if (ed->o3_8h_over == ECO_OVER_FIXED)
                iq[ECO_AIR_O3_8H] = (int16_t)ed->o3_8h_over_iaqi;
            else /* 2012: the O3 IAQI is reported from the 1-h value */
                iq[ECO_AIR_O3_8H] = (int16_t)one(ed, ECO_BP_O3_1H, c[ECO_AIR_O3], 0, &flags);
        } else {
            iq[ECO_AIR_O3_8H] = (int16_t)one(ed, ECO_BP_O3_8H, v, 0, &flags);
        }
    }
    iq[ECO_AIR_PM10] = (int16_t)one(ed, ECO_BP_PM10_24H, c[ECO_AIR_PM10], 0, &flags);
    iq[ECO_AIR_PM25] = (int16_t)one(ed, ECO_BP_PM25_24H, c[ECO_AIR_PM25], 0, &flags);

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

void eco_air_aqi_batch(const eco_air_edition_t *ed, eco_air_mode_t mode, size_t n, const eco_day_t *day,
                       const double *const cols[ECO_AIR_NIND], const double *so2_24h, eco_air_missing_t missing,
                       eco_air_aqi_t *out)
{
    eco_day_t sw = eco_air_switch_day();
    for (size_t k = 0; k < n; k++) {
        double c[ECO_AIR_NIND];
        for (int i = 0; i < ECO_AIR_NIND; i++) c[i] = cols[i] ? cols[i][k] : ECO_AIR_NA;
        const eco_air_edition_t *e = ed ? ed : (day[k] >= sw ? &eco_air_edition_2026 : &eco_air_edition_2012);
        eco_air_aqi_compute(e, mode, c, so2_24h ? so2_24h[k] : ECO_AIR_NA, missing, &out[k]);
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
