/* groundwater.c — GB/T 14848-2017 classification. See groundwater.h for the
 * rules and docs/groundwater-sea.md for the decisions behind them. */
#include "water/groundwater.h"

#include <stdio.h>
#include <string.h>

int eco_gw_item_class(int i, double v)
{
    if (i < 0 || i >= ECO_GW_NITEMS || !isfinite(v) || v < 0) return ECO_GWCLASS_NONE;
    const eco_gw_item_def_t *d = &eco_gw_items[i];
    switch (d->dir) {
    case ECO_GWDIR_PH:
        if (v >= 6.5 && v <= 8.5) return 1;
        if (v >= 5.5 && v <= 9.0) return 4;
        return 5;
    case ECO_GWDIR_ABSENT: return v > 0 ? 5 : 1;
    case ECO_GWDIR_RADIO:
        for (int c = 1; c <= 3; c++)
            if (v <= d->lim[c - 1]) return c;
        return 4;
    case ECO_GWDIR_LE:
        if (d->nd_class1 && v == 0) return 1;
        for (int c = d->nd_class1 ? 2 : 1; c <= 4; c++)
            if (v <= d->lim[c - 1]) return c;
        return 5;
    }
    return ECO_GWCLASS_NONE;
}

double eco_gw_multiple(int i, double v)
{
    if (i < 0 || i >= ECO_GW_NITEMS || !isfinite(v) || v < 0 || !eco_gw_items[i].has_multiple) return NAN;
    double s = eco_gw_items[i].lim[2];
    return s > 0 ? (v - s) / s : NAN;
}

void eco_gw_classify(const double *v, eco_gw_set_t set, eco_gw_result_t *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < ECO_GW_NITEMS; i++) {
        out->item_cls[i] = (int8_t)eco_gw_item_class(i, v[i]);
        if (!eco_gw_set_has(set, i) || !out->item_cls[i]) continue;
        eco_gw_set_add(&out->present, i);
        if (out->item_cls[i] > out->cls) out->cls = out->item_cls[i];
        if (out->item_cls[i] > 3) out->nover++;
    }
    for (int i = 0; i < ECO_GW_NITEMS; i++)
        if (eco_gw_set_has(out->present, i) && out->item_cls[i] == out->cls) eco_gw_set_add(&out->deciding, i);
}

char *eco_gw_items_str(eco_gw_set_t bits, char *buf, size_t n)
{
    size_t len = 0;
    if (n) buf[0] = 0;
    for (int i = 0; i < ECO_GW_NITEMS && len < n; i++) {
        if (!eco_gw_set_has(bits, i)) continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? ";" : "", eco_gw_items[i].name_zh);
        if (w < 0) break;
        len += (size_t)w;
    }
    return buf;
}

char *eco_gw_over_str(const eco_gw_result_t *r, const double *v, char *buf, size_t n)
{
    int idx[ECO_GW_NITEMS], k = 0;
    double m[ECO_GW_NITEMS];
    for (int i = 0; i < ECO_GW_NITEMS; i++) {
        if (!eco_gw_set_has(r->present, i) || r->item_cls[i] <= 3) continue;
        m[i] = eco_gw_multiple(i, v[i]);
        /* insertion sort: worse class first, then larger multiple, then table order */
        int j = k++;
        while (j > 0) {
            int p = idx[j - 1];
            int before = r->item_cls[i] != r->item_cls[p] ? r->item_cls[i] > r->item_cls[p]
                         : isfinite(m[i]) && (!isfinite(m[p]) || m[i] > m[p]);
            if (!before) break;
            idx[j] = p;
            j--;
        }
        idx[j] = i;
    }
    size_t len = 0;
    if (n) buf[0] = 0;
    for (int q = 0; q < k && len < n; q++) {
        int i = idx[q];
        int w = isfinite(m[i]) ? snprintf(buf + len, n - len, "%s%s(%s,%.2f)", q ? ";" : "", eco_gw_items[i].name_zh,
                                          eco_gw_class_name(r->item_cls[i]), m[i])
                               : snprintf(buf + len, n - len, "%s%s(%s)", q ? ";" : "", eco_gw_items[i].name_zh,
                                          eco_gw_class_name(r->item_cls[i]));
        if (w < 0) break;
        len += (size_t)w;
    }
    return buf;
}

void eco_gw_acc_init(eco_gw_acc_t *a)
{
    memset(a, 0, sizeof *a);
    a->ph = NAN;
}

void eco_gw_acc_add(eco_gw_acc_t *a, const double *v, eco_gw_set_t set)
{
    eco_gw_result_t r;
    eco_gw_classify(v, set, &r);
    a->nsamples++;
    if (r.cls > a->worst) a->worst = r.cls;
    for (int i = 0; i < ECO_GW_NITEMS; i++) {
        if (!r.item_cls[i]) continue;
        const eco_gw_item_def_t *d = &eco_gw_items[i];
        if (d->dir == ECO_GWDIR_PH) {
            if (r.item_cls[i] > a->ph_cls) {
                a->ph_cls = r.item_cls[i];
                a->ph = v[i];
            }
        } else if (d->dir == ECO_GWDIR_ABSENT) {
            if (v[i] > a->sum[i]) a->sum[i] = v[i];
        } else {
            a->sum[i] += v[i];
        }
        a->n[i]++;
    }
}

void eco_gw_acc_values(const eco_gw_acc_t *a, double *vout)
{
    for (int i = 0; i < ECO_GW_NITEMS; i++) {
        const eco_gw_item_def_t *d = &eco_gw_items[i];
        if (!a->n[i]) vout[i] = NAN;
        else if (d->dir == ECO_GWDIR_PH) vout[i] = a->ph;
        else if (d->dir == ECO_GWDIR_ABSENT) vout[i] = a->sum[i];
        else vout[i] = a->sum[i] / (double)a->n[i];
    }
}

int eco_gw_acc_class(const eco_gw_acc_t *a, eco_gw_point_rule_t rule, eco_gw_set_t set, eco_gw_result_t *out)
{
    if (rule == ECO_GW_POINT_WORST) {
        if (out) memset(out, 0, sizeof *out), out->cls = a->worst;
        return a->worst;
    }
    double v[ECO_GW_NITEMS];
    eco_gw_result_t r;
    eco_gw_acc_values(a, v);
    eco_gw_classify(v, set, &r);
    if (out) *out = r;
    return r.cls;
}

void eco_gw_shares(const int *cls, size_t n, eco_gw_shares_t *out)
{
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < n; k++) {
        int c = cls[k] >= 1 && cls[k] <= 5 ? cls[k] : 0;
        out->count[c]++;
        if (c) out->n++;
    }
    if (!out->n) return;
    for (int c = 1; c <= 5; c++) out->share[c] = 100.0 * (double)out->count[c] / (double)out->n;
    out->share_1_3 = 100.0 * (double)(out->count[1] + out->count[2] + out->count[3]) / (double)out->n;
}

int eco_gw_meets_v_target(const eco_gw_shares_t *s) { return s->n > 0 && s->share[5] <= ECO_GW_TARGET_V_SHARE; }
