/* assess.c — 环办〔2011〕22号 period and group evaluation; rules in assess.h. */
#include "water/assess.h"

#include <math.h>
#include <string.h>

const char *eco_water_grade_name(eco_water_grade_t g)
{
    static const char *const n[6] = {"", "优", "良好", "轻度污染", "中度污染", "重度污染"};
    return (int)g >= 0 && g <= ECO_WGRADE_HEAVY ? n[g] : "";
}

/* shares are compared after a tiny tolerance so 3/4*100 == 75 exactly counts */
#define EPS 1e-9

eco_water_grade_t eco_water_grade_by_share(double g, double d)
{
    if (!isfinite(g) || !isfinite(d)) return ECO_WGRADE_NONE;
    if (g >= 90 - EPS) return ECO_WGRADE_EXCELLENT;
    if (g >= 75 - EPS) return ECO_WGRADE_GOOD;
    if (d < 20 - EPS) return ECO_WGRADE_LIGHT;
    if (d < 40 - EPS) return ECO_WGRADE_MODERATE;
    return ECO_WGRADE_HEAVY;
}

eco_water_grade_t eco_water_grade_of_class(int cls)
{
    static const eco_water_grade_t g[7] = {ECO_WGRADE_NONE,  ECO_WGRADE_EXCELLENT, ECO_WGRADE_EXCELLENT,
                                           ECO_WGRADE_GOOD,  ECO_WGRADE_LIGHT,     ECO_WGRADE_MODERATE,
                                           ECO_WGRADE_HEAVY};
    return cls >= 0 && cls <= 6 ? g[cls] : ECO_WGRADE_NONE;
}

void eco_water_shares(const int counts[7], int share_min, int mean_class, eco_water_shares_t *out)
{
    memset(out, 0, sizeof *out);
    for (int c = 1; c <= 6; c++) out->n += counts[c];
    if (out->n <= 0) {
        out->share_1_3 = out->share_worse_v = NAN;
        for (int c = 1; c <= 6; c++) out->share[c] = NAN;
        out->grade = eco_water_grade_of_class(mean_class);
        return;
    }
    for (int c = 1; c <= 6; c++) out->share[c] = 100.0 * counts[c] / out->n;
    out->share_1_3 = 100.0 * (counts[1] + counts[2] + counts[3]) / out->n;
    out->share_worse_v = out->share[6];
    if (out->n >= share_min) {
        out->share_method = 1;
        out->grade = eco_water_grade_by_share(out->share_1_3, out->share_worse_v);
    } else {
        out->grade = eco_water_grade_of_class(mean_class);
    }
}

double eco_water_round(double v, int dec)
{
    if (!isfinite(v)) return v;
    double p = pow(10, dec);
    /* nudge to absorb binary representation error (93.44999... from 57/61) */
    return (v >= 0 ? floor(v * p + 0.5 + 1e-9) : -floor(-v * p + 0.5 + 1e-9)) / p;
}

void eco_water_acc_init(eco_water_acc_t *a) { memset(a, 0, sizeof *a); }

void eco_water_acc_add(eco_water_acc_t *a, const double v[ECO_W_NITEMS])
{
    for (int i = 0; i < ECO_W_NITEMS; i++) {
        if (!isfinite(v[i])) continue;
        a->sum[i] += i == ECO_W_PH ? pow(10, -v[i]) : v[i];
        a->n[i]++;
    }
}

void eco_water_acc_mean(const eco_water_acc_t *a, double v[ECO_W_NITEMS])
{
    for (int i = 0; i < ECO_W_NITEMS; i++) {
        if (!a->n[i]) {
            v[i] = NAN;
            continue;
        }
        double m = a->sum[i] / a->n[i];
        v[i] = i == ECO_W_PH ? -log10(m) : m;
    }
}

double eco_water_ph_mean(const double *ph, int n)
{
    double s = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(ph[i])) s += pow(10, -ph[i]), k++;
    return k ? -log10(s / k) : NAN;
}

double eco_water_below_dl(double dl, eco_water_dl_t rule)
{
    switch (rule) {
    case ECO_WDL_FULL: return dl;
    case ECO_WDL_ZERO: return 0;
    default: return dl / 2;
    }
}

eco_water_change_t eco_water_change(double g_now, double d_now, double g_base, double d_base)
{
    if (!isfinite(g_now) || !isfinite(d_now) || !isfinite(g_base) || !isfinite(d_base)) return ECO_WCHG_NONE;
    double x = (g_now - g_base) - (d_now - d_base);
    double ax = fabs(x);
    if (ax <= 10 + EPS) return ECO_WCHG_STABLE;
    if (ax <= 20 + EPS) return x > 0 ? ECO_WCHG_BETTER : ECO_WCHG_WORSE;
    return x > 0 ? ECO_WCHG_MUCH_BETTER : ECO_WCHG_MUCH_WORSE;
}

const char *eco_water_change_name(eco_water_change_t c)
{
    static const char *const n[6] = {"", "无明显变化", "有所好转", "有所变差", "明显好转", "明显变差"};
    return (int)c >= 0 && c <= ECO_WCHG_MUCH_WORSE ? n[c] : "";
}

int eco_water_source_compliant(int basic_class, int n_extra_exceeding)
{
    if (basic_class < 1 || basic_class > 6) return -1;
    return basic_class <= 3 && n_extra_exceeding == 0;
}

double eco_water_rate(double part, double total)
{
    if (!(total > 0) || !isfinite(part)) return NAN;
    return 100.0 * part / total;
}

static const double tli_r2[ECO_TLI_N] = {1, 0.7056, 0.6724, 0.6889, 0.6889};

double eco_water_tli_component(eco_tli_param_t p, double v)
{
    if (!isfinite(v) || v <= 0) return NAN;
    double l = log(v);
    switch (p) {
    case ECO_TLI_CHLA: return 10 * (2.5 + 1.086 * l);
    case ECO_TLI_TP: return 10 * (9.436 + 1.624 * l);
    case ECO_TLI_TN: return 10 * (5.453 + 1.694 * l);
    case ECO_TLI_SD: return 10 * (5.118 - 1.94 * l);
    case ECO_TLI_CODMN: return 10 * (0.109 + 2.661 * l);
    default: return NAN;
    }
}

double eco_water_tli(const double v[ECO_TLI_N])
{
    double s = 0, w = 0;
    if (!isfinite(eco_water_tli_component(ECO_TLI_CHLA, v[ECO_TLI_CHLA]))) return NAN;
    for (int p = 0; p < ECO_TLI_N; p++) {
        double t = eco_water_tli_component((eco_tli_param_t)p, v[p]);
        if (!isfinite(t)) continue;
        s += tli_r2[p] * t;
        w += tli_r2[p];
    }
    return s / w;
}

const char *eco_water_tli_class(double t)
{
    if (!isfinite(t)) return "";
    if (t < 30) return "贫营养";
    if (t <= 50) return "中营养";
    if (t <= 60) return "轻度富营养";
    if (t <= 70) return "中度富营养";
    return "重度富营养";
}

double eco_water_cwqi_item(eco_water_item_t it, double c, eco_water_body_t wb)
{
    if (!isfinite(c) || c < 0) return NAN;
    if (it == ECO_W_PH) return c <= 7 ? (7 - c) / (7 - 6.0) : (c - 7) / (9.0 - 7);
    if (it == ECO_W_DO) return c > 0 ? 5 / c : NAN;
    double s = eco_water_limit(it, 3, wb);
    if (!isfinite(s) || s <= 0) return NAN;
    return c / s;
}

double eco_water_cwqi(const double v[ECO_W_NITEMS], eco_water_body_t wb, uint32_t set)
{
    double s = 0;
    int n = 0;
    for (int i = 0; i < ECO_W_NITEMS; i++) {
        if (!(set & ECO_WBIT(i))) continue;
        double x = eco_water_cwqi_item((eco_water_item_t)i, v[i], wb);
        if (isfinite(x)) s += x, n++;
    }
    return n ? s : NAN;
}

void eco_water_cwqi_acc_init(eco_water_cwqi_acc_t *a)
{
    eco_water_acc_init(&a->t[0]);
    eco_water_acc_init(&a->t[1]);
    a->m[0] = a->m[1] = 0;
}

void eco_water_cwqi_acc_add(eco_water_cwqi_acc_t *a, const double mean[ECO_W_NITEMS], eco_water_body_t wb)
{
    int k = wb == ECO_WB_LAKE;
    eco_water_acc_add(&a->t[k], mean);
    a->m[k]++;
}

double eco_water_cwqi_acc_value(const eco_water_cwqi_acc_t *a, uint32_t set)
{
    double s = 0;
    int m = 0;
    for (int k = 0; k < 2; k++) {
        if (!a->m[k]) continue;
        double v[ECO_W_NITEMS];
        eco_water_acc_mean(&a->t[k], v);
        double c = eco_water_cwqi(v, k ? ECO_WB_LAKE : ECO_WB_RIVER, set);
        if (!isfinite(c)) continue;
        s += c * a->m[k];
        m += a->m[k];
    }
    return m ? s / m : NAN;
}
