/* store_air.c — the store's hourly air values into per-site-hour arrays (air/grid.h).
 *
 * Why here and not through the export: `targets report --data` and the API's
 * targets and rankings need a year or two of every air site's hours; writing
 * them as CSV and parsing them back took seconds. This reads the catalogue
 * (air sites, their devices, the factors whose item is an air pollutant) and
 * then each series' hour values by one range scan of the observations' key,
 * straight into the arrays, with exactly the rules the CSV route applies (see
 * grid.h): only devices at ambient-air sites, a site's devices in MN order, a
 * device's factors in code order, flagged values missing. Uses only the
 * store's public interface.
 */
#include <stdlib.h>
#include <string.h>

#include "air/grid.h"
#include "core/map.h"
#include "standards/factors.h"
#include "store/grow.h"
#include "store/store.h"

typedef struct site_row {
    char *code, *city, *county, *province;
} site_row_t;

typedef struct dev_row {
    char *mn;
    size_t site;
} dev_row_t;

typedef struct fac_row {
    char *code;
    int pol;
} fac_row_t;

typedef struct load {
    site_row_t *sites;
    size_t nsites, capsites;
    eco_map_t site_map;
    dev_row_t *devs;
    size_t ndevs, capdevs;
    fac_row_t *facs;
    size_t nfacs, capfacs;
    int oom;
    /* the read */
    eco_air_grid_t *g;
    size_t *dev_of, *pol_of; /* per series asked */
    size_t cur_dev;
    int open;
} load_t;

static char *dup(const char *s) { return eco_slice_dup(eco_slice_cstr(s ? s : "")); }


static int on_site(void *ud, const eco_site_t *s)
{
    load_t *l = ud;
    if (s->kind != ECO_SITE_AIR) return 0;
    GROW(l->sites, l->nsites, l->capsites, l->oom);
    if (l->oom) return 1;
    site_row_t *r = &l->sites[l->nsites];
    r->code = dup(s->code);
    r->city = dup(s->city);
    r->county = dup(s->county);
    r->province = dup(s->province);
    if (!r->code || !r->city || !r->county || !r->province || eco_map_put(&l->site_map, eco_slice_cstr(s->code)) < 0)
        return l->oom = 1;
    l->nsites++;
    return 0;
}

static int on_dev(void *ud, const eco_device_t *d)
{
    load_t *l = ud;
    int32_t s = eco_map_get(&l->site_map, eco_slice_cstr(d->site));
    if (s < 0) return 0; /* not at an ambient-air site (an outlet's flue-gas SO2 has the same code) */
    GROW(l->devs, l->ndevs, l->capdevs, l->oom);
    if (l->oom) return 1;
    l->devs[l->ndevs].mn = dup(d->mn);
    l->devs[l->ndevs].site = (size_t)s;
    if (!l->devs[l->ndevs].mn) return l->oom = 1;
    l->ndevs++;
    return 0;
}

static int on_fac(void *ud, const eco_factor_t *f)
{
    load_t *l = ud;
    const char *item = *f->item ? f->item : eco_factor_default_item(f->code);
    if (!item) return 0;
    for (int p = 0; p < ECO_POL_N; p++)
        if (!strcmp(item, eco_air_pol_key[p])) {
            GROW(l->facs, l->nfacs, l->capfacs, l->oom);
            if (l->oom) return 1;
            l->facs[l->nfacs].code = dup(f->code);
            l->facs[l->nfacs].pol = p;
            if (!l->facs[l->nfacs].code) return l->oom = 1;
            l->nfacs++;
        }
    return 0;
}

static int cmp_dev(const void *a, const void *b)
{
    const dev_row_t *x = a, *y = b;
    if (x->site != y->site) return x->site < y->site ? -1 : 1;
    return strcmp(x->mn, y->mn);
}

static int cmp_fac(const void *a, const void *b) { return strcmp(((const fac_row_t *)a)->code, ((const fac_row_t *)b)->code); }

static int on_value(void *ud, size_t k, eco_time_t t, const char *vtext, size_t vlen, const char *flag)
{
    load_t *l = ud;
    size_t d = l->dev_of[k];
    if (!l->open || d != l->cur_dev) {
        if (l->open) eco_air_grid_dev_end(l->g);
        eco_air_grid_dev_begin(l->g, l->devs[d].site);
        l->cur_dev = d;
        l->open = 1;
    }
    eco_air_grid_dev_value(l->g, (int)l->pol_of[k], t, vtext, vlen, flag);
    return 0;
}

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int eco_store_air_grid(eco_store_t *s, eco_time_t from, eco_time_t to, struct eco_air_grid *g, eco_err_t *err)
{
    load_t l;
    memset(&l, 0, sizeof l);
    memset(g, 0, sizeof *g);
    eco_map_init(&l.site_map);
    const char **mn = NULL, **fac = NULL;
    int r = eco_store_site_each(s, on_site, &l, err);
    if (!r) r = eco_store_device_each(s, on_dev, &l, err);
    if (!r) r = eco_store_factor_each(s, on_fac, &l, err);
    if (!r && l.oom) r = eco_err_set(err, ECO_ENOMEM, "out of memory reading the catalogue");
    size_t n = l.ndevs * l.nfacs;
    if (!r) {
        /* a site's devices in MN order, a device's factors in code order: the order the hourly table
         * of the export lists them in, so a later one wins as a later CSV row or column does */
        if (l.ndevs) qsort(l.devs, l.ndevs, sizeof *l.devs, cmp_dev);
        if (l.nfacs) qsort(l.facs, l.nfacs, sizeof *l.facs, cmp_fac);
        mn = malloc((n ? n : 1) * sizeof *mn);
        fac = malloc((n ? n : 1) * sizeof *fac);
        l.dev_of = malloc((n ? n : 1) * sizeof *l.dev_of);
        l.pol_of = malloc((n ? n : 1) * sizeof *l.pol_of);
        if (!mn || !fac || !l.dev_of || !l.pol_of) r = eco_err_set(err, ECO_ENOMEM, "out of memory");
    }
    if (!r) {
        size_t k = 0;
        for (size_t d = 0; d < l.ndevs; d++)
            for (size_t f = 0; f < l.nfacs; f++, k++) {
                mn[k] = l.devs[d].mn;
                fac[k] = l.facs[f].code;
                l.dev_of[k] = d;
                l.pol_of[k] = (size_t)l.facs[f].pol;
            }
        eco_time_t first, last;
        r = eco_store_hour_span(s, mn, fac, n, from, to, &first, &last, err);
        if (!r && first > last)
            r = eco_err_set(err, ECO_ENODATA, "the store holds no hourly air data (CN 2061 records of air factors at "
                                              "ambient-air sites) in the range asked");
        if (!r) {
            eco_day_t d0 = (eco_day_t)floor_div(floor_div(first, ECO_HOUR_S), 24);
            eco_day_t d1 = (eco_day_t)floor_div(floor_div(last, ECO_HOUR_S), 24);
            if ((r = eco_air_grid_init(g, d0, (int)(d1 - d0 + 1), l.nsites)) < 0)
                r = eco_err_set(err, r, "out of memory for %zu sites × %d days", l.nsites, (int)(d1 - d0 + 1));
        }
        for (size_t i = 0; !r && i < l.nsites; i++)
            if (eco_air_grid_site(g, i, l.sites[i].code, l.sites[i].city, l.sites[i].county, l.sites[i].province) < 0)
                r = eco_err_set(err, ECO_ENOMEM, "out of memory");
        if (!r) {
            l.g = g;
            r = eco_store_hour_values(s, mn, fac, n, from, to, on_value, &l, err);
            if (!r && l.open) eco_air_grid_dev_end(g);
        }
        if (r && g->v) eco_air_grid_free(g);
    }
    for (size_t i = 0; i < l.nsites; i++) {
        free(l.sites[i].code);
        free(l.sites[i].city);
        free(l.sites[i].county);
        free(l.sites[i].province);
    }
    for (size_t i = 0; i < l.ndevs; i++) free(l.devs[i].mn);
    for (size_t i = 0; i < l.nfacs; i++) free(l.facs[i].code);
    free(l.sites);
    free(l.devs);
    free(l.facs);
    free(mn);
    free(fac);
    free(l.dev_of);
    free(l.pol_of);
    eco_map_free(&l.site_map);
    return r;
}
