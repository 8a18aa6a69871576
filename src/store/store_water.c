/* store_water.c — the store's water samples as the water targets' input.
 *
 * Why here: `targets report --data` and GET /api/v1/targets judge the water
 * targets (shares of sections, sources and wells) from what `serve` stored,
 * by the same rules as the CSV route (brain/targets.h, targets_water.c). A
 * sample is what one device reported for one hour (CN 2061 records — the
 * automatic water stations' 4-hourly and hourly data): the values of its
 * factors at that DataTime, each factor mapped to its GB 3838 or GB/T 14848
 * item through the catalogue (`factor add --item`) or the standards' defaults
 * (w21003 -> nh3n). Only devices at the catalogue's surface-water sections,
 * drinking-water sources, groundwater wells and sea points count; flagged values (data
 * flag other than N) and texts that are not numbers are missing, as for air.
 * A site's waterbody is a lake or reservoir when its catalogue `river` field
 * names one (is_lake), else a river (docs/targets.md).
 * Uses only the store's public interface; samples are read per device when
 * the report asks for them, one device's hours in memory at a time.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brain/targets.h"
#include "core/map.h"
#include "standards/factors.h"
#include "standards/groundwater.h"
#include "standards/sea.h"
#include "standards/water.h"
#include "store/grow.h"
#include "store/store.h"

typedef struct wdev {
    char *mn;
    size_t site;
} wdev_t;

typedef struct wfac {
    char *code;
    int item;      /* surface index, or -1 */
    int gitem;     /* groundwater index, or -1 */
    int sitem;     /* sea index, or -1 */
    int x;         /* Table 2 index, or -1 */
} wfac_t;

typedef struct wsrc {
    eco_store_t *st;
    eco_tgt_wsite_t *sites;
    char **strs;               /* every string the sites point to */
    size_t nstrs, capstrs;
    size_t nsites, capsites;
    eco_map_t site_map;
    wdev_t *devs;
    size_t ndevs, capdevs;
    wfac_t *facs;
    size_t nfacs, capfacs;
    int oom;
    eco_err_t err;
} wsrc_t;


static char *keep(wsrc_t *w, const char *s)
{
    char *d = eco_slice_dup(eco_slice_trim(eco_slice_cstr(s ? s : ""))); /* trimmed as the CSV route trims */
    if (!d) return NULL;
    GROW(w->strs, w->nstrs, w->capstrs, w->oom);
    if (w->oom) {
        free(d);
        return NULL;
    }
    w->strs[w->nstrs++] = d;
    return d;
}

/* the water body a section is on (the catalogue's `river` field) names a lake or reservoir: it ends
 * in 湖, 湖泊, 库 or 水库 (西湖, 千岛湖, 汤浦水库), or says lake / reservoir. The basin is not asked: a
 * river section in 太湖流域 is a river section. */
static int is_lake(const char *s)
{
    if (!s) return 0;
    eco_slice_t t = eco_slice_trim(eco_slice_cstr(s));
    static const char *const ends[] = {"湖", "库", "湖泊"};
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
        size_t n = strlen(ends[k]);
        if (t.len >= n && !memcmp(t.ptr + t.len - n, ends[k], n)) return 1;
    }
    for (size_t i = 0; i + 4 <= t.len; i++)
        if (!strncasecmp(t.ptr + i, "lake", 4)) return 1;
    for (size_t i = 0; i + 9 <= t.len; i++)
        if (!strncasecmp(t.ptr + i, "reservoir", 9)) return 1;
    return 0;
}

static int on_site(void *ud, const eco_site_t *s)
{
    wsrc_t *w = ud;
    eco_tgt_wkind_t k;
    if (s->kind == ECO_SITE_WATER) k = ECO_TGT_W_SURFACE;
    else if (s->kind == ECO_SITE_DRINKING) k = ECO_TGT_W_DRINKING;
    else if (s->kind == ECO_SITE_GROUNDWATER) k = ECO_TGT_W_GROUND;
    else if (s->kind == ECO_SITE_SEA) k = ECO_TGT_W_SEA;
    else return 0;
    GROW(w->sites, w->nsites, w->capsites, w->oom);
    if (w->oom) return 1;
    eco_tgt_wsite_t *x = &w->sites[w->nsites];
    memset(x, 0, sizeof *x);
    x->kind = k;
    x->lake = is_lake(s->river);
    x->code = keep(w, s->code);
    x->region[0] = keep(w, s->city);
    x->region[1] = keep(w, s->county);
    x->region[2] = keep(w, s->province);
    if (!x->code || !x->region[0] || !x->region[1] || !x->region[2] ||
        eco_map_put(&w->site_map, eco_slice_cstr(s->code)) < 0)
        return w->oom = 1;
    w->nsites++;
    return 0;
}

static int on_dev(void *ud, const eco_device_t *d)
{
    wsrc_t *w = ud;
    int32_t s = eco_map_get(&w->site_map, eco_slice_cstr(d->site));
    if (s < 0) return 0;
    GROW(w->devs, w->ndevs, w->capdevs, w->oom);
    if (w->oom) return 1;
    if (!(w->devs[w->ndevs].mn = eco_slice_dup(eco_slice_cstr(d->mn)))) return w->oom = 1;
    w->devs[w->ndevs].site = (size_t)s;
    w->ndevs++;
    return 0;
}

static int on_fac(void *ud, const eco_factor_t *f)
{
    wsrc_t *w = ud;
    const char *item = *f->item ? f->item : eco_factor_default_item(f->code);
    if (!item) return 0;
    int it = eco_water_item_index(item), gi = eco_gw_item_find(item, strlen(item)),
        si = eco_sea_item_find(item, strlen(item)), x = -1;
    for (int k = 0; k < ECO_W_TABLE2_N; k++)
        if (!strcasecmp(item, eco_water_table2[k].key)) x = k;
    if (it < 0 && gi < 0 && si < 0 && x < 0) return 0;
    GROW(w->facs, w->nfacs, w->capfacs, w->oom);
    if (w->oom) return 1;
    wfac_t *r = &w->facs[w->nfacs];
    if (!(r->code = eco_slice_dup(eco_slice_cstr(f->code)))) return w->oom = 1;
    r->item = it;
    r->gitem = gi;
    r->sitem = si;
    r->x = x;
    w->nfacs++;
    return 0;
}

static int cmp_fac(const void *a, const void *b) { return strcmp(((const wfac_t *)a)->code, ((const wfac_t *)b)->code); }

/* ---- reading one device's samples
 *
 * The values come series by series (a device's factors in code order), each in time order; a sample
 * is every factor's value at one hour. They are kept as (hour, slot, value) triples in arrival order
 * and sorted by hour (stable), so memory follows the values read, not the length of the range. */

#define WSTRIDE (ECO_W_NITEMS + ECO_GW_NITEMS + ECO_W_TABLE2_N + ECO_SEA_NITEMS)
#define SEA_OFF (ECO_W_NITEMS + ECO_GW_NITEMS + ECO_W_TABLE2_N)

typedef struct wval {
    uint32_t h;       /* hour from the range's start */
    uint32_t seq;     /* arrival order: a later factor of the same item wins */
    int slot;
    double v;
} wval_t;

typedef struct dread {
    const wsrc_t *w;
    eco_time_t t0;
    size_t nh;
    wval_t *v;
    size_t n, cap;
    int oom;
} dread_t;

static int push(dread_t *d, uint32_t h, int slot, double v)
{
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 1024;
        wval_t *nv = realloc(d->v, nc * sizeof *nv);
        if (!nv) return d->oom = 1;
        d->v = nv;
        d->cap = nc;
    }
    d->v[d->n] = (wval_t){h, (uint32_t)d->n, slot, v};
    d->n++;
    return 0;
}

static int on_value(void *ud, size_t k, eco_time_t t, const char *vtext, size_t vlen, const char *flag)
{
    dread_t *d = ud;
    if (t < d->t0 || (t - d->t0) % ECO_HOUR_S) return 0;
    size_t h = (size_t)((t - d->t0) / ECO_HOUR_S);
    if (h >= d->nh) return 0;
    const wfac_t *f = &d->w->facs[k];
    double v = NAN;
    double x;
    if ((!flag[0] || !strcmp(flag, "N")) && eco_slice_to_double((eco_slice_t){vtext, vlen}, &x) == 0 && x >= 0) v = x;
    /* the record is there (a sample at this hour) even when this value is missing; a missing value
     * never replaces another factor's valid value of the same item */
    int r = push(d, (uint32_t)h, -1, NAN);
    if (!r && f->item >= 0) r = push(d, (uint32_t)h, f->item, v);
    if (!r && f->gitem >= 0) r = push(d, (uint32_t)h, ECO_W_NITEMS + f->gitem, v);
    if (!r && f->x >= 0) r = push(d, (uint32_t)h, ECO_W_NITEMS + ECO_GW_NITEMS + f->x, v);
    if (!r && f->sitem >= 0) r = push(d, (uint32_t)h, SEA_OFF + f->sitem, v);
    return r ? 1 : 0;
}

static int cmp_wval(const void *a, const void *b)
{
    const wval_t *x = a, *y = b;
    if (x->h != y->h) return x->h < y->h ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int wsamples(void *ud, eco_day_t from, eco_day_t to, eco_tgt_wsample_cb cb, void *cbud)
{
    wsrc_t *w = ud;
    if (to < from || !w->ndevs || !w->nfacs) return 0;
    dread_t d = {w, (eco_time_t)from * ECO_DAY_S, (size_t)(to - from + 1) * 24, NULL, 0, 0, 0};
    double row[WSTRIDE];
    const char **mn = malloc(w->nfacs * sizeof *mn), **fac = malloc(w->nfacs * sizeof *fac);
    int r = 0;
    if (!mn || !fac) r = ECO_ENOMEM;
    for (size_t f = 0; !r && f < w->nfacs; f++) fac[f] = w->facs[f].code;
    for (size_t i = 0; !r && i < w->ndevs; i++) {
        d.n = 0;
        for (size_t f = 0; f < w->nfacs; f++) mn[f] = w->devs[i].mn;
        r = eco_store_hour_values(w->st, mn, fac, w->nfacs, d.t0, (eco_time_t)(to + 1) * ECO_DAY_S - 1, on_value, &d,
                                  &w->err);
        if (d.oom) r = eco_err_set(&w->err, ECO_ENOMEM, "out of memory reading the water samples of %s", w->devs[i].mn);
        if (r) break;
        if (d.n) qsort(d.v, d.n, sizeof *d.v, cmp_wval);
        int stop = 0;
        for (size_t a = 0; a < d.n && !stop;) {
            size_t b = a;
            for (size_t k = 0; k < WSTRIDE; k++) row[k] = NAN;
            for (; b < d.n && d.v[b].h == d.v[a].h; b++)
                if (d.v[b].slot >= 0 && isfinite(d.v[b].v)) row[d.v[b].slot] = d.v[b].v;
            eco_tgt_wsample_t s = {w->devs[i].site, from + (eco_day_t)(d.v[a].h / 24), row,
                                   row + ECO_W_NITEMS + ECO_GW_NITEMS};
            if (w->sites[s.site].kind == ECO_TGT_W_GROUND) s.v = row + ECO_W_NITEMS, s.x = NULL;
            if (w->sites[s.site].kind == ECO_TGT_W_SEA) s.v = row + SEA_OFF, s.x = NULL;
            stop = cb(cbud, &s);
            a = b;
        }
        if (stop) break;
    }
    free(d.v);
    free(mn);
    free(fac);
    return r;
}

void eco_store_water_source_free(eco_tgt_source_t *src)
{
    wsrc_t *w = src->wud;
    if (!w) return;
    for (size_t i = 0; i < w->nstrs; i++) free(w->strs[i]);
    for (size_t i = 0; i < w->ndevs; i++) free(w->devs[i].mn);
    for (size_t i = 0; i < w->nfacs; i++) free(w->facs[i].code);
    free(w->strs);
    free(w->sites);
    free(w->devs);
    free(w->facs);
    eco_map_free(&w->site_map);
    free(w);
    src->wud = NULL;
    src->wsamples = NULL;
    src->wsites = NULL;
    src->nwsites = 0;
}

int eco_store_water_source(eco_store_t *s, eco_tgt_source_t *src, eco_err_t *err)
{
    wsrc_t *w = calloc(1, sizeof *w);
    if (!w) return eco_err_set(err, ECO_ENOMEM, "out of memory");
    w->st = s;
    eco_map_init(&w->site_map);
    src->wud = w;
    int r = eco_store_site_each(s, on_site, w, err);
    if (!r) r = eco_store_device_each(s, on_dev, w, err);
    if (!r) r = eco_store_factor_each(s, on_fac, w, err);
    if (!r && w->oom) r = eco_err_set(err, ECO_ENOMEM, "out of memory reading the catalogue");
    if (r) {
        eco_store_water_source_free(src);
        return r;
    }
    if (w->nfacs) qsort(w->facs, w->nfacs, sizeof *w->facs, cmp_fac);
    src->wsites = w->sites;
    src->nwsites = w->nsites;
    src->wset = 0;
    src->gwset[0] = src->gwset[1] = 0;
    src->seaset = 0;
    for (size_t f = 0; f < w->nfacs; f++) {
        if (w->facs[f].item >= 0) src->wset |= ECO_WBIT(w->facs[f].item);
        if (w->facs[f].gitem >= 0) src->gwset[w->facs[f].gitem >> 6] |= UINT64_C(1) << (w->facs[f].gitem & 63);
        if (w->facs[f].sitem >= 0) src->seaset |= ECO_SEABIT(w->facs[f].sitem);
    }
    src->wsamples = wsamples;
    return 0;
}

const char *eco_store_water_error(const eco_tgt_source_t *src)
{
    const wsrc_t *w = src->wud;
    return w ? w->err.msg : "";
}
