/* noise.c — see noise.h. */
#include "noise/noise.h"

#include <math.h>
#include <stdlib.h>

double eco_noise_leq(const double *L, size_t n)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(L[i])) continue;
        s += pow(10.0, 0.1 * L[i]);
        k++;
    }
    return k ? 10.0 * log10(s / (double)k) : NAN;
}

double eco_noise_leq_w(const double *L, const double *w, size_t n)
{
    double s = 0, W = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(L[i]) || !(w[i] > 0)) continue;
        s += w[i] * pow(10.0, 0.1 * L[i]);
        W += w[i];
    }
    return W > 0 ? 10.0 * log10(s / W) : NAN;
}

double eco_noise_ldn_h(double ld, double ln, double hd)
{
    if (isnan(ld) || isnan(ln)) return NAN;
    double hn = 24.0 - hd;
    return 10.0 * log10((hd * pow(10.0, 0.1 * ld) + hn * pow(10.0, 0.1 * (ln + 10.0))) / 24.0);
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

double eco_noise_percentile(const double *L, size_t n, double p, double *scratch)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(L[i])) scratch[k++] = L[i];
    if (!k) return NAN;
    qsort(scratch, k, sizeof *scratch, cmp_desc);
    /* k = ceil(p/100·N); the epsilon keeps 0.1·200 = 20.000000000000004 at 20 */
    double x = p / 100.0 * (double)k;
    size_t r = (size_t)ceil(x - 1e-9);
    if (r < 1) r = 1;
    if (r > k) r = k;
    return scratch[r - 1];
}

eco_noise_period_t eco_noise_period_of(eco_time_t t, const eco_noise_cfg_t *cfg)
{
    int s = eco_time_sod(t);
    return (s >= cfg->day_start_s && s < cfg->night_start_s) ? ECO_NP_DAY : ECO_NP_NIGHT;
}

eco_day_t eco_noise_session_day(eco_time_t t, const eco_noise_cfg_t *cfg)
{
    eco_day_t d = eco_time_day(t);
    return eco_time_sod(t) < cfg->day_start_s ? d - 1 : d;
}

double eco_noise_round1(double v)
{
    return isfinite(v) ? round(v * 10.0 + (v >= 0 ? 1e-9 : -1e-9)) / 10.0 : v;
}

int eco_noise_complies(double level, eco_noise_zone_t z, eco_noise_period_t p)
{
    double lim = eco_noise_limit(z, p);
    if (isnan(level) || isnan(lim)) return -1;
    return eco_noise_round1(level) <= lim;
}

void eco_noise_tally_add(eco_noise_tally_t *t, eco_noise_zone_t z, eco_noise_period_t p, int complies)
{
    if ((int)z < 0 || z >= ECO_NZ_N || complies < 0) return;
    t->n[z][p]++;
    if (complies) t->ok[z][p]++;
}

double eco_noise_rate(long ok, long n)
{
    return n > 0 ? 100.0 * (double)ok / (double)n : NAN;
}
