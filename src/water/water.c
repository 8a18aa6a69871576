/* water.c — single-factor classification per GB 3838-2002 and 环办〔2011〕22号.
 * See water.h for the rules and docs/water.md for the evidence behind them. */
#include "water/water.h"

#include <stdio.h>
#include <string.h>

int eco_water_item_class(eco_water_item_t it, double v, eco_water_body_t wb)
{
    if ((int)it < 0 || it >= ECO_W_NITEMS || !isfinite(v) || v < 0) return ECO_WCLASS_NONE;
    const eco_water_item_def_t *d = &eco_water_items[it];
    switch (d->dir) {
    case ECO_WDIR_RANGE: return v >= d->lim[0] && v <= d->lim[1] ? 1 : ECO_WCLASS_WORSE_V;
    case ECO_WDIR_LE:
    case ECO_WDIR_GE:
        if (d->lake_only && wb != ECO_WB_LAKE) return ECO_WCLASS_NONE;
        for (int c = 1; c <= 5; c++) {
            double s = eco_water_limit(it, c, wb);
            if (d->dir == ECO_WDIR_LE ? v <= s : v >= s) return c;
        }
        return ECO_WCLASS_WORSE_V;
    default: return ECO_WCLASS_NONE;
    }
}

double eco_water_multiple(eco_water_item_t it, double v, eco_water_body_t wb)
{
    if ((int)it < 0 || it >= ECO_W_NITEMS || !isfinite(v) || v < 0) return NAN;
    if (!eco_water_items[it].has_multiple) return NAN;
    double s = eco_water_limit(it, 3, wb);
    if (!isfinite(s) || s <= 0) return NAN;
    return (v - s) / s;
}

/* a ranks before b as a main pollutant */
static int main_before(const eco_water_result_t *r, int a, int b)
{
    if (r->item_cls[a] != r->item_cls[b]) return r->item_cls[a] > r->item_cls[b];
    double ma = r->multiple[a], mb = r->multiple[b];
    if (isfinite(ma) != isfinite(mb)) return isfinite(ma); /* a multiple beats none */
    if (isfinite(ma) && ma != mb) return ma > mb;
    return a < b; /* table order */
}

void eco_water_classify(const double v[ECO_W_NITEMS], eco_water_body_t wb, uint32_t set, eco_water_result_t *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < ECO_W_NITEMS; i++) {
        out->item_cls[i] = (int8_t)eco_water_item_class((eco_water_item_t)i, v[i], wb);
        out->multiple[i] = eco_water_multiple((eco_water_item_t)i, v[i], wb);
        if (!(set & ECO_WBIT(i)) || !out->item_cls[i]) continue;
        out->present |= ECO_WBIT(i);
        if (out->item_cls[i] > out->cls) out->cls = out->item_cls[i];
    }
    for (int i = 0; i < ECO_W_NITEMS; i++)
        if ((out->present & ECO_WBIT(i)) && out->item_cls[i] == out->cls) out->deciding |= ECO_WBIT(i);
    if (out->cls <= 3) return;
    /* insertion into a top-three list */
    for (int i = 0; i < ECO_W_NITEMS; i++) {
        if (!(out->present & ECO_WBIT(i)) || out->item_cls[i] <= 3) continue;
        int k = out->nmain < 3 ? out->nmain++ : 3;
        if (k == 3 && !main_before(out, i, out->main[2])) continue;
        if (k == 3) k = 2;
        while (k > 0 && main_before(out, i, out->main[k - 1])) {
            out->main[k] = out->main[k - 1];
            k--;
        }
        out->main[k] = (int8_t)i;
    }
}

char *eco_water_main_str(const eco_water_result_t *r, char *buf, unsigned long n)
{
    size_t len = 0;
    if (n) buf[0] = 0;
    for (int k = 0; k < r->nmain && len < n; k++) {
        int i = r->main[k];
        int w;
        if (isfinite(r->multiple[i]))
            w = snprintf(buf + len, n - len, "%s%s(%.2f)", k ? ";" : "", eco_water_items[i].name_zh, r->multiple[i]);
        else w = snprintf(buf + len, n - len, "%s%s", k ? ";" : "", eco_water_items[i].name_zh);
        if (w < 0) break;
        len += (size_t)w;
    }
    return buf;
}

char *eco_water_items_str(uint32_t bits, char *buf, unsigned long n)
{
    size_t len = 0;
    if (n) buf[0] = 0;
    for (int i = 0; i < ECO_W_NITEMS && len < n; i++) {
        if (!(bits & ECO_WBIT(i))) continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? ";" : "", eco_water_items[i].name_zh);
        if (w < 0) break;
        len += (size_t)w;
    }
    return buf;
}
