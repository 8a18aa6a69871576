/* sea.c — GB 3097-1997 classes and the HJ 442-2008 nearshore grade. See sea.h
 * for the rules and docs/groundwater-sea.md for the decisions. */
#include "water/sea.h"

#include <stdio.h>
#include <string.h>

int eco_sea_item_class(eco_sea_item_t it, double v)
{
    if ((int)it < 0 || it >= ECO_SEA_NITEMS || !isfinite(v) || v < 0) return ECO_SEACLASS_NONE;
    const eco_sea_item_def_t *d = &eco_sea_items[it];
    for (int c = 1; c <= 4; c++) {
        double s = d->lim[c - 1];
        int ok = d->dir == ECO_SEADIR_LE ? v <= s : d->dir == ECO_SEADIR_GT ? v > s : v >= s && v <= d->hi[c - 1];
        if (ok) return c;
    }
    return ECO_SEACLASS_WORSE_4;
}

double eco_sea_multiple(eco_sea_item_t it, double v)
{
    if ((int)it < 0 || it >= ECO_SEA_NITEMS || !isfinite(v) || v < 0 || !eco_sea_items[it].has_multiple) return NAN;
    double s = eco_sea_items[it].lim[1];
    return s > 0 && isfinite(s) ? (v - s) / s : NAN;
}

void eco_sea_classify(const double v[ECO_SEA_NITEMS], uint32_t set, eco_sea_result_t *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < ECO_SEA_NITEMS; i++) {
        out->item_cls[i] = (int8_t)eco_sea_item_class((eco_sea_item_t)i, v[i]);
        if (!(set & ECO_SEABIT(i)) || !out->item_cls[i]) continue;
        out->present |= ECO_SEABIT(i);
        if (out->item_cls[i] > out->cls) out->cls = out->item_cls[i];
    }
    for (int i = 0; i < ECO_SEA_NITEMS; i++)
        if ((out->present & ECO_SEABIT(i)) && out->item_cls[i] == out->cls) out->deciding |= ECO_SEABIT(i);
}

char *eco_sea_items_str(uint32_t bits, char *buf, size_t n)
{
    size_t len = 0;
    if (n) buf[0] = 0;
    for (int i = 0; i < ECO_SEA_NITEMS && len < n; i++) {
        if (!(bits & ECO_SEABIT(i))) continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? ";" : "", eco_sea_items[i].name_zh);
        if (w < 0) break;
        len += (size_t)w;
    }
    return buf;
}

char *eco_sea_over_str(const eco_sea_result_t *r, const double v[ECO_SEA_NITEMS], char *buf, size_t n)
{
    size_t len = 0;
    if (n) buf[0] = 0;
    for (int c = 5; c >= 3; c--)
        for (int i = 0; i < ECO_SEA_NITEMS && len < n; i++) {
            if (!(r->present & ECO_SEABIT(i)) || r->item_cls[i] != c) continue;
            double m = eco_sea_multiple((eco_sea_item_t)i, v[i]);
            int w = isfinite(m) ? snprintf(buf + len, n - len, "%s%s(%s,%.2f)", len ? ";" : "", eco_sea_items[i].name_zh,
                                           eco_sea_class_name(c), m)
                                : snprintf(buf + len, n - len, "%s%s(%s)", len ? ";" : "", eco_sea_items[i].name_zh,
                                           eco_sea_class_name(c));
            if (w < 0) return buf;
            len += (size_t)w;
        }
    return buf;
}

void eco_sea_acc_init(eco_sea_acc_t *a) { memset(a, 0, sizeof *a); }

void eco_sea_acc_add(eco_sea_acc_t *a, const double v[ECO_SEA_NITEMS], uint32_t set)
{
    eco_sea_result_t r;
    eco_sea_classify(v, set, &r);
    a->nsamples++;
    if (r.cls > a->worst) a->worst = r.cls;
    for (int i = 0; i < ECO_SEA_NITEMS; i++)
        if (r.item_cls[i]) {
            a->sum[i] += v[i];
            a->n[i]++;
        }
}

int eco_sea_acc_class(const eco_sea_acc_t *a, eco_sea_point_rule_t rule, uint32_t set, eco_sea_result_t *out)
{
    double v[ECO_SEA_NITEMS];
    for (int i = 0; i < ECO_SEA_NITEMS; i++) v[i] = a->n[i] ? a->sum[i] / (double)a->n[i] : NAN;
    eco_sea_result_t r;
    eco_sea_classify(v, set, &r);
    if (rule == ECO_SEA_POINT_WORST) r.cls = a->worst;
    if (out) *out = r;
    return r.cls;
}

void eco_sea_shares_from(const double w[6], eco_sea_shares_t *out)
{
    memset(out, 0, sizeof *out);
    out->w[0] = w[0];
    for (int c = 1; c <= 5; c++) {
        out->w[c] = w[c];
        out->n += w[c];
    }
    if (out->n <= 0) return;
    for (int c = 1; c <= 5; c++) out->share[c] = 100.0 * out->w[c] / out->n;
    out->share_1_2 = 100.0 * (out->w[1] + out->w[2]) / out->n;
}

void eco_sea_shares(const int *cls, const double *weight, size_t n, eco_sea_shares_t *out)
{
    double w[6] = {0};
    for (size_t k = 0; k < n; k++) {
        int c = cls[k] >= 1 && cls[k] <= 5 ? cls[k] : 0;
        w[c] += weight ? weight[k] : 1.0;
    }
    eco_sea_shares_from(w, out);
}

eco_sea_grade_t eco_sea_grade(const eco_sea_shares_t *s, double very_poor)
{
    if (s->n <= 0) return ECO_SEA_GRADE_NONE;
    /* a small tolerance: shares are computed in floating point (e.g. 0.1 + 0.2) */
    double s1 = s->share[1], s12 = s->share_1_2, s5 = s->share[5];
    const double e = 1e-9;
    if (s1 >= 60 - e && s12 >= 90 - e) return ECO_SEA_GRADE_EXCELLENT;
    if (s12 >= 80 - e) return ECO_SEA_GRADE_GOOD;
    if (s12 >= 60 - e && s5 < 30 - e) return ECO_SEA_GRADE_FAIR;
    if (s5 >= very_poor - e) return ECO_SEA_GRADE_VERY_POOR;
    return ECO_SEA_GRADE_POOR;
}
