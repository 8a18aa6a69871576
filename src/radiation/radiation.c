/* radiation.c — see radiation.h. */
#include "radiation/radiation.h"

#include <math.h>

#include "core/error.h"

int eco_rad_background(const double *v, size_t n, eco_rad_bg_method_t m, double k, eco_rad_bg_t *out)
{
    long c = 0;
    double mean = 0, m2 = 0, mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) continue;
        c++;
        double d = v[i] - mean;
        mean += d / (double)c;
        m2 += d * (v[i] - mean);
        if (v[i] < mn) mn = v[i];
        if (v[i] > mx) mx = v[i];
    }
    out->n = c;
    out->mean = c ? mean : NAN;
    out->sd = c >= 2 ? sqrt(m2 / (double)(c - 1)) : NAN;
    out->min = c ? mn : NAN;
    out->max = c ? mx : NAN;
    out->lo = out->hi = NAN;
    if (m == ECO_RAD_BG_MINMAX) {
        if (!c) return ECO_ENODATA;
        out->lo = mn;
        out->hi = mx;
        return 0;
    }
    if (c < 2) return ECO_ENODATA;
    out->lo = mean - k * out->sd;
    out->hi = mean + k * out->sd;
    return 0;
}

void eco_rad_background_fixed(double lo, double hi, eco_rad_bg_t *out)
{
    out->n = 0;
    out->mean = out->sd = out->min = out->max = NAN;
    out->lo = lo;
    out->hi = hi;
}

void eco_rad_levels(const eco_rad_bg_t *bg, double inv_ratio, double alarm_ratio, double abs_inv, double abs_alarm,
                    eco_rad_levels_t *out)
{
    out->above = bg->hi;
    out->investigate = isfinite(abs_inv) ? abs_inv : inv_ratio * bg->hi;
    out->alarm = isfinite(abs_alarm) ? abs_alarm : alarm_ratio * bg->hi;
}

const char *eco_rad_flag_name(eco_rad_flag_t f)
{
    switch (f) {
    case ECO_RAD_NORMAL: return "normal";
    case ECO_RAD_ABOVE: return "above_background";
    case ECO_RAD_INVESTIGATE: return "investigate";
    case ECO_RAD_ALARM: return "alarm";
    default: return "";
    }
}

eco_rad_flag_t eco_rad_classify(double v, const eco_rad_levels_t *lv)
{
    if (isnan(v) || isnan(lv->above)) return ECO_RAD_NA;
    if (v > lv->alarm) return ECO_RAD_ALARM;
    if (v > lv->investigate) return ECO_RAD_INVESTIGATE;
    if (v > lv->above) return ECO_RAD_ABOVE;
    return ECO_RAD_NORMAL;
}

void eco_rad_stats_init(eco_rad_stats_t *s)
{
    s->n = 0;
    s->sum = 0;
    s->min = NAN;
    s->max = NAN;
}

void eco_rad_stats_add(eco_rad_stats_t *s, double v)
{
    if (isnan(v)) return;
    if (!s->n || v < s->min) s->min = v;
    if (!s->n || v > s->max) s->max = v;
    s->sum += v;
    s->n++;
}
