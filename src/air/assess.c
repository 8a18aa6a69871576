/* assess.c — HJ 663 assessment (see assess.h for the pipeline and conventions). */
#include "air/assess.h"

#include <stdlib.h>
#include <string.h>

void eco_air_assess_opts_default(eco_air_assess_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->edition = NULL;
    o->missing = ECO_MISSING_AUTO;
    for (int p = 0; p < ECO_POL_N; p++) o->ci_weight[p] = 1.0;
    o->ci_from_rounded = 1;
    o->moderate_from = 151;
    o->moderate_to = 200;
}

static const eco_air_edition_t *edition_of(const eco_air_assess_opts_t *o, eco_day_t d)
{
    return o->edition ? o->edition : eco_air_edition_for_day(d);
}

void eco_air_days_compute(const eco_air_series_t *s, const eco_air_assess_opts_t *o, eco_air_day_t *out)
{
    for (int di = 0; di < s->ndays; di++) {
        eco_air_day_t *dy = &out[di];
        eco_day_t day = s->day0 + di;
        const eco_air_edition_t *ed = edition_of(o, day);
        const eco_air_limits_t *lim = eco_air_limits_for(ed, day);
        size_t base = (size_t)di * 24;
        memset(dy, 0, sizeof *dy);
        dy->ed = ed;
        for (int i = 0; i < ECO_AIR_NIND; i++) dy->v[i] = dy->raw[i] = NAN;

        for (int p = 0; p < ECO_POL_N; p++) {
            const double *h = s->h[p] + base;
            double sum = 0, mx = -1;
            int n = 0, nm = 0;
            for (int k = 0; k < 24; k++) {
                double x = h[k];
                if (isfinite(x) && x >= 0) {
                    sum += x;
                    n++;
                    if (x > mx) mx = x;
                } else if (eco_air_is_nm(x)) {
                    nm++;
                }
            }
            dy->nhours[p] = (uint8_t)n;
            eco_air_ind_t ind = eco_air_pol_ind[p];
            if (nm == 24) {
                dy->v[ind] = dy->raw[ind] = ECO_AIR_NOT_MONITORED;
                if (p == ECO_POL_O3) dy->v[ECO_AIR_O3_8H] = dy->raw[ECO_AIR_O3_8H] = ECO_AIR_NOT_MONITORED;
                continue;
            }
            if (p == ECO_POL_O3) {
                /* daily max 1-h: same 20-hour rule as a daily mean, unless the
                 * hours seen already exceed the 1-h grade-2 limit */
                if (n) dy->raw[ECO_AIR_O3] = mx;
                if (n >= ed->min_hours_daily || (n && eco_round_half_even(mx, 0) > lim->hour1[ECO_POL_O3][1]))
                    dy->v[ECO_AIR_O3] = mx;
                else dy->flags |= ECO_DAY_FEW_HOURS;
                /* MDA8 over the windows ending first_end..24 */
                double best = -1;
                int nwin = 0;
                /* window sums from the valid hours with invalid ones as 0.0
                 * (bit-identical to skipping them: x + 0.0 == x) and window
                 * counts from a prefix count: 8 adds per window, no branches */
                double vz[24];
                int cnt[25];
                cnt[0] = 0;
                for (int k = 0; k < 24; k++) {
                    double x = h[k];
                    int ok = isfinite(x) && x >= 0;
                    vz[k] = ok ? x : 0.0;
                    cnt[k + 1] = cnt[k] + ok;
                }
                for (int end = ed->mda8_first_end; end <= 24; end++) {
                    int wn = cnt[end] - cnt[end - 8];
                    if (wn >= ed->min_hours_8h) {
                        const double *w = vz + end - 8;
                        double ws = w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
                        double m = ws / wn;
                        nwin++;
                        if (m > best) best = m;
                    }
                }
                dy->nwin = (uint8_t)nwin;
                if (nwin) {
                    dy->raw[ECO_AIR_O3_8H] = best;
                    if (nwin >= ed->mda8_min_windows) {
                        dy->v[ECO_AIR_O3_8H] = best;
                    } else if (eco_round_half_even(best, 0) > lim->o3_8h[1]) { /* as published */
                        dy->v[ECO_AIR_O3_8H] = best;
                        dy->flags |= ECO_DAY_MDA8_BY_LIMIT;
                    } else {
                        dy->flags |= ECO_DAY_FEW_WINDOWS;
                    }
                }
                continue;
            }
            if (n) dy->raw[ind] = sum / n;
            if (n >= ed->min_hours_daily) dy->v[ind] = sum / n;
            else dy->flags |= ECO_DAY_FEW_HOURS; /* none at all is fewer than 20 too */
        }
        eco_air_aqi_compute(ed, ECO_AIR_DAILY, dy->v, ECO_AIR_NA, o->missing, &dy->aqi);
        if (dy->aqi.aqi < 0) dy->flags |= ECO_DAY_NO_AQI;
    }
}

int eco_air_required_days(const eco_air_edition_t *ed, eco_day_t from, eco_day_t to)
{
    int y1, m1, d1;
    eco_day_to_civil(from, &y1, &m1, &d1);
    /* a calendar year, or any twelve consecutive months (a rolling year);
     * days_from_civil carries 29 Feb of a common year to 1 Mar */
    if (to + 1 == eco_day_from_civil(y1 + 1, m1, d1)) return ed->min_days_year;
    int req = 0;
    eco_day_t d = from;
    while (d <= to) {
        int y, m, dd;
        eco_day_to_civil(d, &y, &m, &dd);
        int mdays = eco_days_in_month(y, m);
        eco_day_t mend = d + (mdays - dd);
        if (mend > to) mend = to;
        int covered = (int)(mend - d + 1);
        int allowance = mdays - (m == 2 ? ed->min_days_feb : ed->min_days_month);
        if (covered > allowance) req += covered - allowance;
        d = mend + 1;
    }
    return req;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* k-th smallest (0-based) of v[0..n) by quickselect (median of three),
 * reordering v. The period statistics need two order statistics per
 * percentile, not a sorted array: bench/bench_air.c spent ~40 % of the
 * assessment of a 2,000-site year in qsort() and its comparator calls. */
static double select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < piv) i++;
            while (v[j] > piv) j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return v[k];
    }
    return v[k];
}

/* eco_air_percentile() without the sort: the same two order statistics and
 * the same arithmetic, so the same double. */
static double percentile_select(double *v, size_t n, double p)
{
    if (n == 0) return NAN;
    double k = 1.0 + (double)(n - 1) * p / 100.0;
    size_t s = (size_t)k;
    double frac = k - (double)s;
    if (s >= n) return select_kth(v, n, n - 1);
    double lo = select_kth(v, n, s - 1);
    if (frac < 1e-12) return lo;
    double hi = v[s]; /* v[s..n) now holds the values above the (s-1)-th */
    for (size_t i = s + 1; i < n; i++)
        if (v[i] < hi) hi = v[i];
    return lo + (hi - lo) * frac;
}

double eco_air_percentile(double *v, size_t n, double p)
{
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double k = 1.0 + (double)(n - 1) * p / 100.0;
    size_t s = (size_t)k;
    double frac = k - (double)s;
    if (s >= n) return v[n - 1];
    if (frac < 1e-12) return v[s - 1];
    return v[s - 1] + (v[s] - v[s - 1]) * frac;
}

static const double pct_of[ECO_AIR_NIND] = {
    [ECO_AIR_SO2] = 98, [ECO_AIR_NO2] = 98, [ECO_AIR_CO] = 95, [ECO_AIR_O3] = 0,
    [ECO_AIR_O3_8H] = 90, [ECO_AIR_PM10] = 95, [ECO_AIR_PM25] = 95,
};

/* daily limit (grade 2) that a daily value of indicator i is compared with */
static double daily_limit(const eco_air_limits_t *lim, eco_air_ind_t i)
{
    switch (i) {
    case ECO_AIR_SO2: return lim->daily[ECO_POL_SO2][1];
    case ECO_AIR_NO2: return lim->daily[ECO_POL_NO2][1];
    case ECO_AIR_CO: return lim->daily[ECO_POL_CO][1];
    case ECO_AIR_O3: return lim->hour1[ECO_POL_O3][1];
    case ECO_AIR_O3_8H: return lim->o3_8h[1];
    case ECO_AIR_PM10: return lim->daily[ECO_POL_PM10][1];
    case ECO_AIR_PM25: return lim->daily[ECO_POL_PM25][1];
    default: return NAN;
    }
}

void eco_air_period_compute(const eco_air_day_t *days, eco_day_t day0, int ndays, eco_day_t from, eco_day_t to,
                            const eco_air_assess_opts_t *o, double *scratch, eco_air_period_t *out)
{
    memset(out, 0, sizeof *out);
    out->from = from;
    out->to = to;
    out->days = (int)(to - from + 1);
    out->ed = edition_of(o, to);
    out->lim = eco_air_limits_for(out->ed, to);
    out->required = eco_air_required_days(out->ed, from, to);
    out->hours_expected = (long)out->days * 24;
    for (int i = 0; i < ECO_AIR_NIND; i++) {
        out->mean[i] = out->pct[i] = out->max_day[i] = out->multiple[i] = NAN;
        out->pct_p[i] = pct_of[i];
    }
    out->composite = out->good_ratio = NAN;

    for (eco_day_t d = from; d <= to; d++) {
        if (d < day0 || d >= day0 + ndays) continue;
        const eco_air_day_t *dy = &days[d - day0];
        int any = 0;
        for (int p = 0; p < ECO_POL_N; p++) {
            out->hours_valid[p] += dy->nhours[p];
            any |= dy->nhours[p] > 0;
        }
        out->days_with_data += any;
        if (dy->aqi.aqi >= 0) {
            int lvl = eco_air_level(dy->aqi.aqi);
            out->aqi_days++;
            out->cat_days[lvl - 1]++;
            if (dy->aqi.aqi <= 100) out->good_days++;
            if (dy->aqi.aqi > 200) out->heavy_days++;
            if (dy->aqi.aqi >= o->moderate_from && dy->aqi.aqi <= o->moderate_to) out->moderate_days++;
        }
        const eco_air_limits_t *dlim = eco_air_limits_for(dy->ed, d);
        for (int i = 0; i < ECO_AIR_NIND; i++) {
            double x = dy->v[i];
            if (!isfinite(x)) continue;
            double lim = daily_limit(dlim, (eco_air_ind_t)i);
            /* compare as published: rounded to the reporting precision */
            /* rounding moves x by at most half a unit: round only near the limit */
            double half = i == ECO_AIR_CO ? 0.06 : 0.6;
            if (x > lim + half || (x >= lim - half && eco_round_half_even(x, eco_air_decimals((eco_air_ind_t)i)) > lim))
                out->exceed_days[i]++;
            if (!(x <= out->max_day[i])) out->max_day[i] = x;
        }
    }
    if (out->aqi_days) out->good_ratio = 100.0 * out->good_days / out->aqi_days;

    for (int i = 0; i < ECO_AIR_NIND; i++) {
        size_t n = 0;
        double sum = 0;
        for (eco_day_t d = from; d <= to; d++) {
            if (d < day0 || d >= day0 + ndays) continue;
            double x = days[d - day0].v[i];
            if (isfinite(x)) {
                scratch[n++] = x;
                sum += x;
            }
        }
        out->nvalid[i] = (int)n;
        if (!n) continue;
        out->mean[i] = sum / (double)n;
        if (pct_of[i] > 0) out->pct[i] = percentile_select(scratch, n, pct_of[i]);
        if ((int)n >= out->required) out->valid |= 1u << i;
    }

    /* exceedance multiple of the period statistic: annual mean against the
     * annual limit where one exists, else the percentile against the daily limit */
    const eco_air_limits_t *lim = out->lim;
    for (int p = 0; p < ECO_POL_N; p++) {
        eco_air_ind_t i = p == ECO_POL_O3 ? ECO_AIR_O3_8H : eco_air_pol_ind[p];
        double stat, s;
        if (isfinite(lim->annual[p][1])) {
            stat = out->mean[i];
            s = lim->annual[p][1];
        } else {
            stat = out->pct[i];
            s = daily_limit(lim, i);
        }
        if (isfinite(stat)) {
            double r = eco_round_half_even(stat, eco_air_decimals(i));
            out->multiple[i] = r > s ? (r - s) / s : 0;
        }
    }

    /* composite index: SO2 NO2 PM10 PM2.5 means over annual limits, CO P95 over
     * the 24-h limit, O3 MDA8 P90 over the MDA8 limit */
    double ci = 0;
    int ok = 1;
    for (int p = 0; p < ECO_POL_N; p++) {
        eco_air_ind_t i;
        double c, s;
        if (p == ECO_POL_CO) {
            i = ECO_AIR_CO;
            c = out->pct[i];
            s = lim->daily[ECO_POL_CO][1];
        } else if (p == ECO_POL_O3) {
            i = ECO_AIR_O3_8H;
            c = out->pct[i];
            s = lim->o3_8h[1];
        } else {
            i = eco_air_pol_ind[p];
            c = out->mean[i];
            s = lim->annual[p][1];
        }
        if (!(out->valid & (1u << i)) || !isfinite(c)) {
            ok = 0;
            out->ci_part[p] = NAN;
            continue;
        }
        if (o->ci_from_rounded) c = eco_round_half_even(c, eco_air_decimals(i));
        out->ci_part[p] = o->ci_weight[p] * c / s;
        ci += out->ci_part[p];
    }
    if (ok) out->composite = ci;
}

void eco_air_region_reset(eco_air_region_acc_t *acc)
{
    size_t nh = (size_t)acc->ndays * 24;
    for (int p = 0; p < ECO_POL_N; p++) {
        memset(acc->sum[p], 0, nh * sizeof *acc->sum[p]);
        memset(acc->cnt[p], 0, nh * sizeof *acc->cnt[p]);
        memset(acc->nm[p], 0, nh * sizeof *acc->nm[p]);
    }
    acc->nsites = 0;
}

void eco_air_region_add(eco_air_region_acc_t *acc, const eco_air_series_t *site)
{
    size_t nh = (size_t)acc->ndays * 24;
    for (int p = 0; p < ECO_POL_N; p++) {
        const double *src = site->h[p];
        double *sum = acc->sum[p];
        uint16_t *cnt = acc->cnt[p], *nm = acc->nm[p];
        for (size_t k = 0; k < nh; k++) {
            double x = src[k];
            if (isfinite(x) && x >= 0) {
                sum[k] += x;
                cnt[k]++;
            } else if (eco_air_is_nm(x)) {
                nm[k]++;
            }
        }
    }
    acc->nsites++;
}

void eco_air_region_finish(const eco_air_region_acc_t *acc, eco_air_series_t *out)
{
    size_t nh = (size_t)acc->ndays * 24;
    out->day0 = acc->day0;
    out->ndays = acc->ndays;
    for (int p = 0; p < ECO_POL_N; p++) {
        for (size_t k = 0; k < nh; k++) {
            unsigned c = acc->cnt[p][k];
            out->h[p][k] = c ? acc->sum[p][k] / c
                             : (acc->nsites && acc->nm[p][k] == acc->nsites ? ECO_AIR_NOT_MONITORED : ECO_AIR_NA);
        }
    }
}
