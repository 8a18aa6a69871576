/* grid.c — see grid.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "air/grid.h"
#include "core/buf.h"
#include "core/error.h"

struct eco_air_grid_level {
    size_t nent;
    char **name;               /* sorted by strcmp (pointers into the sites' strings) */
    int32_t *ent_of_site;      /* nsites; -1: no data or no region at this level */
    size_t *site_of_ent;       /* level "site" only */
    eco_air_day_t **days[3];   /* [basis][entity], computed on first use */
};

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

static char *dup_trim(const char *s) { return eco_slice_dup(eco_slice_trim(eco_slice_cstr(s ? s : ""))); }

int eco_air_grid_init(eco_air_grid_t *g, eco_day_t day0, int ndays, size_t nsites)
{
    memset(g, 0, sizeof *g);
    if (ndays <= 0) ndays = 1;
    g->day0 = day0;
    g->ndays = ndays;
    g->nh = (size_t)ndays * 24;
    g->nsites = nsites;
    g->site = calloc(nsites ? nsites : 1, sizeof *g->site);
    g->v = malloc((nsites ? nsites : 1) * ECO_POL_N * g->nh * sizeof(double));
    g->dv = malloc(ECO_POL_N * g->nh * sizeof(double));
    g->dstate = calloc(ECO_POL_N * g->nh, 1);
    g->drow = calloc(g->nh, 1);
    g->hasday = calloc((nsites ? nsites : 1) * (size_t)ndays, 1);
    if (!g->site || !g->v || !g->dv || !g->dstate || !g->drow || !g->hasday) {
        eco_air_grid_free(g);
        return ECO_ENOMEM;
    }
    size_t nv = nsites * ECO_POL_N * g->nh;
    for (size_t i = 0; i < nv; i++) g->v[i] = ECO_AIR_NA;
    return 0;
}

int eco_air_grid_site(eco_air_grid_t *g, size_t i, const char *code, const char *city, const char *county,
                      const char *province)
{
    eco_air_grid_site_t *s = &g->site[i];
    s->code = dup_trim(code);
    s->region[0] = dup_trim(city);
    s->region[1] = dup_trim(county);
    s->region[2] = dup_trim(province);
    return s->code && s->region[0] && s->region[1] && s->region[2] ? 0 : ECO_ENOMEM;
}

static void level_free(eco_air_grid_level_t *l)
{
    if (!l) return;
    for (int b = 0; b < 3; b++) {
        for (size_t e = 0; l->days[b] && e < l->nent; e++) free(l->days[b][e]);
        free(l->days[b]);
    }
    free(l->name);
    free(l->ent_of_site);
    free(l->site_of_ent);
    free(l);
}

void eco_air_grid_free(eco_air_grid_t *g)
{
    for (size_t i = 0; g->site && i < g->nsites; i++) {
        free(g->site[i].code);
        for (int k = 0; k < 3; k++) free(g->site[i].region[k]);
    }
    for (int k = 0; k < 4; k++) level_free(g->lv[k]);
    free(g->site);
    free(g->v);
    free(g->dv);
    free(g->dstate);
    free(g->drow);
    free(g->hasday);
    free(g->scratch);
    memset(g, 0, sizeof *g);
}

/* ------------------------------------------------------------------ filling */

int eco_air_conc_parse(const char *p, size_t n, double *out)
{
    eco_slice_t s = eco_slice_trim((eco_slice_t){p, n});
    if (s.len == 0 || eco_slice_ieq(s, "NA") || eco_slice_eq(s, "-") || eco_slice_eq(s, "--") ||
        eco_slice_eq(s, "—") || eco_slice_ieq(s, "null") || eco_slice_ieq(s, "nan")) {
        *out = ECO_AIR_NA;
        return 0;
    }
    if (eco_slice_eq(s, "/")) {
        *out = ECO_AIR_NOT_MONITORED;
        return 0;
    }
    /* the common case, digits with at most one point and at most 15 digits: m / 10^k is exact in both
     * operands and IEEE division rounds correctly, so it is the double strtod returns */
    static const double p10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    uint64_t m = 0;
    int nd = 0, frac = -1, ok = 1;
    for (size_t i = 0; i < s.len && ok; i++) {
        char c = s.ptr[i];
        if (c >= '0' && c <= '9') {
            m = m * 10 + (uint64_t)(c - '0');
            nd++;
            if (frac >= 0) frac++;
        } else if (c == '.' && frac < 0) {
            frac = 0;
        } else {
            ok = 0;
        }
    }
    if (ok && nd > 0 && nd <= 15) {
        *out = frac > 0 ? (double)m / p10[frac] : (double)m;
        return 0;
    }
    double v;
    if (eco_slice_to_double(s, &v)) return ECO_ENUMBER;
    if (v < 0) return ECO_ERANGE;
    *out = v;
    return 0;
}

void eco_air_grid_dev_begin(eco_air_grid_t *g, size_t site)
{
    g->dsite = site;
    memset(g->dstate, 0, ECO_POL_N * g->nh);
    memset(g->drow, 0, g->nh);
}

void eco_air_grid_dev_value(eco_air_grid_t *g, int pol, int64_t t, const char *vtext, size_t vlen, const char *flag)
{
    if ((unsigned)pol >= ECO_POL_N || t % ECO_HOUR_S) return;
    int64_t h = floor_div(t, ECO_HOUR_S) - (int64_t)g->day0 * 24;
    if (h < 0 || (size_t)h >= g->nh) return;
    size_t k = (size_t)pol * g->nh + (size_t)h;
    g->drow[h] = 1;
    /* a value flagged anything but N (normal) is not a valid hour: missing */
    if (flag[0] && strcmp(flag, "N")) {
        g->dv[k] = ECO_AIR_NA;
        g->dstate[k] = 1;
        return;
    }
    g->dstate[k] = eco_air_conc_parse(vtext, vlen, &g->dv[k]) ? 2 : 1;
}

void eco_air_grid_dev_end(eco_air_grid_t *g)
{
    eco_air_grid_site_t *s = &g->site[g->dsite];
    double *base = g->v + g->dsite * ECO_POL_N * g->nh;
    for (size_t h = 0; h < g->nh; h++) {
        if (!g->drow[h]) continue;
        int bad = 0;
        for (int p = 0; p < ECO_POL_N; p++) bad |= g->dstate[(size_t)p * g->nh + h] == 2;
        if (bad) {
            g->dropped++;
            continue;
        }
        for (int p = 0; p < ECO_POL_N; p++) {
            size_t k = (size_t)p * g->nh + h;
            base[k] = g->dstate[k] ? g->dv[k] : ECO_AIR_NA; /* the whole row: a later device replaces it */
        }
        s->has = 1;
        g->hasday[g->dsite * (size_t)g->ndays + h / 24] = 1;
    }
}

/* ------------------------------------------------------------------ entities and statistics */

static int level_of(const char *s)
{
    if (!strcmp(s, "site")) return 0;
    if (!strcmp(s, "city")) return 1;
    if (!strcmp(s, "county")) return 2;
    if (!strcmp(s, "province")) return 3;
    return -1;
}

static int basis_of(const char *s, const eco_air_edition_t **ed)
{
    *ed = NULL;
    if (!strcmp(s, "date")) return 0;
    *ed = eco_air_edition_by_name(s);
    if (!*ed) return -1;
    return !strcmp(s, "2012") ? 1 : 2;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static eco_air_grid_level_t *level_get(eco_air_grid_t *g, int L)
{
    if (g->lv[L]) return g->lv[L];
    eco_air_grid_level_t *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->ent_of_site = malloc((g->nsites ? g->nsites : 1) * sizeof *l->ent_of_site);
    l->name = malloc((g->nsites ? g->nsites : 1) * sizeof *l->name);
    if (!l->ent_of_site || !l->name) {
        level_free(l);
        return NULL;
    }
    /* distinct names of the sites with data, sorted */
    size_t n = 0;
    for (size_t s = 0; s < g->nsites; s++) {
        const char *nm = L == 0 ? g->site[s].code : g->site[s].region[L - 1];
        if (g->site[s].has && *nm) l->name[n++] = (char *)nm;
    }
    qsort(l->name, n, sizeof *l->name, cmp_name);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(l->name[u - 1], l->name[i])) l->name[u++] = l->name[i];
    l->nent = u;
    for (size_t s = 0; s < g->nsites; s++) {
        l->ent_of_site[s] = -1;
        const char *nm = L == 0 ? g->site[s].code : g->site[s].region[L - 1];
        if (!g->site[s].has || !*nm) continue;
        char **f = bsearch(&nm, l->name, u, sizeof *l->name, cmp_name);
        l->ent_of_site[s] = (int32_t)(f - l->name);
    }
    if (L == 0) {
        l->site_of_ent = malloc((u ? u : 1) * sizeof *l->site_of_ent);
        if (!l->site_of_ent) {
            level_free(l);
            return NULL;
        }
        for (size_t s = 0; s < g->nsites; s++) /* a repeated code: the later site, as a later CSV row */
            if (l->ent_of_site[s] >= 0) l->site_of_ent[l->ent_of_site[s]] = s;
    }
    for (int b = 0; b < 3; b++)
        if (!(l->days[b] = calloc(u ? u : 1, sizeof *l->days[b]))) {
            level_free(l);
            return NULL;
        }
    return g->lv[L] = l;
}

long eco_air_grid_count(eco_air_grid_t *g, const char *level)
{
    int L = level_of(level);
    if (L < 0) return ECO_EINVAL;
    eco_air_grid_level_t *l = level_get(g, L);
    return l ? (long)l->nent : ECO_ENOMEM;
}

const char *eco_air_grid_name(eco_air_grid_t *g, const char *level, size_t e)
{
    int L = level_of(level);
    eco_air_grid_level_t *l = L < 0 ? NULL : level_get(g, L);
    return l && e < l->nent ? l->name[e] : NULL;
}

/* one day of a series under edition ed into a cache record */
static void day_rec(eco_day_t day, double *const h[ECO_POL_N], const eco_air_edition_t *ed, eco_air_dayrec_t *r)
{
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    o.edition = ed;
    eco_air_series_t s = {day, 1, {0}};
    for (int p = 0; p < ECO_POL_N; p++) s.h[p] = h[p];
    eco_air_day_t d;
    eco_air_days_compute(&s, &o, &d);
    eco_air_dayrec_set(r, &d);
}

int eco_air_grid_dayents(eco_air_grid_t *g, const char *level, size_t e, eco_air_dayent_t *e12, eco_air_dayent_t *e26,
                         uint8_t *present)
{
    int L = level_of(level);
    if (L < 0) return ECO_EINVAL;
    eco_air_grid_level_t *l = level_get(g, L);
    if (!l) return ECO_ENOMEM;
    if (e >= l->nent) return ECO_EINVAL;
    const eco_air_edition_t *ed12 = eco_air_edition_by_name("2012"), *ed26 = eco_air_edition_by_name("2026");
    memset(present, 0, (size_t)g->ndays);
    if (L == 0) {
        size_t site = l->site_of_ent[e];
        for (int di = 0; di < g->ndays; di++) {
            if (!g->hasday[site * (size_t)g->ndays + (size_t)di]) continue;
            double *h[ECO_POL_N];
            for (int p = 0; p < ECO_POL_N; p++) h[p] = g->v + (site * ECO_POL_N + (size_t)p) * g->nh + (size_t)di * 24;
            present[di] = 1;
            e12[di].nsites = e26[di].nsites = 1;
            e12[di].alt = e26[di].alt = 0;
            day_rec(g->day0 + di, h, ed12, &e12[di].a);
            day_rec(g->day0 + di, h, ed26, &e26[di].a);
            e12[di].b = e12[di].a;
            e26[di].b = e26[di].a;
        }
        return 0;
    }
    size_t *member = malloc((g->nsites ? g->nsites : 1) * sizeof *member), nm = 0;
    if (!member) return ECO_ENOMEM;
    for (size_t site = 0; site < g->nsites; site++) /* in the catalogue's order, as days_of adds them */
        if (l->ent_of_site[site] == (int32_t)e) member[nm++] = site;
    double sum[ECO_POL_N][24], ha[ECO_POL_N][24], hb[ECO_POL_N][24];
    uint16_t cnt[ECO_POL_N][24], nmon[ECO_POL_N][24];
    eco_air_region_acc_t acc;
    memset(&acc, 0, sizeof acc);
    acc.ndays = 1;
    for (int p = 0; p < ECO_POL_N; p++) {
        acc.sum[p] = sum[p];
        acc.cnt[p] = cnt[p];
        acc.nm[p] = nmon[p];
    }
    for (int di = 0; di < g->ndays; di++) {
        acc.day0 = g->day0 + di;
        eco_air_region_reset(&acc);
        for (size_t k = 0; k < nm; k++) {
            size_t site = member[k];
            if (!g->hasday[site * (size_t)g->ndays + (size_t)di]) continue;
            eco_air_series_t one = {acc.day0, 1, {0}};
            for (int p = 0; p < ECO_POL_N; p++) one.h[p] = g->v + (site * ECO_POL_N + (size_t)p) * g->nh + (size_t)di * 24;
            eco_air_region_add(&acc, &one);
        }
        if (!acc.nsites) continue;
        /* an hour where no site has a value and every site with data that day reported "/": "not
         * monitored" only if no other site of the region has data in the range asked (daycache.h) */
        int alt = 0;
        for (int p = 0; p < ECO_POL_N && !alt; p++)
            for (int k = 0; k < 24; k++)
                if (!cnt[p][k] && nmon[p][k] && nmon[p][k] == acc.nsites) alt = 1;
        present[di] = 1;
        double *h[ECO_POL_N];
        eco_air_series_t out = {acc.day0, 1, {0}};
        for (int p = 0; p < ECO_POL_N; p++) out.h[p] = h[p] = ha[p];
        eco_air_region_finish(&acc, &out);
        e12[di].nsites = e26[di].nsites = (uint16_t)acc.nsites;
        e12[di].alt = e26[di].alt = (uint8_t)alt;
        day_rec(acc.day0, h, ed12, &e12[di].a);
        day_rec(acc.day0, h, ed26, &e26[di].a);
        if (alt) {
            int n = acc.nsites;
            acc.nsites = 0; /* more sites in the range than that day: such hours are missing */
            for (int p = 0; p < ECO_POL_N; p++) out.h[p] = h[p] = hb[p];
            eco_air_region_finish(&acc, &out);
            acc.nsites = n;
            day_rec(acc.day0, h, ed12, &e12[di].b);
            day_rec(acc.day0, h, ed26, &e26[di].b);
        } else {
            e12[di].b = e12[di].a;
            e26[di].b = e26[di].a;
        }
    }
    free(member);
    return 0;
}

/* the daily values of entity e (computed once per basis) */
static const eco_air_day_t *days_of(eco_air_grid_t *g, int L, eco_air_grid_level_t *l, int b,
                                    const eco_air_edition_t *ed, size_t e)
{
    if (l->days[b][e]) return l->days[b][e];
    eco_air_day_t *d = malloc((size_t)g->ndays * sizeof *d);
    if (!d) return NULL;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    o.edition = ed;
    eco_air_series_t s = {g->day0, g->ndays, {0}};
    if (L == 0) {
        size_t site = l->site_of_ent[e];
        for (int p = 0; p < ECO_POL_N; p++) s.h[p] = g->v + (site * ECO_POL_N + (size_t)p) * g->nh;
        eco_air_days_compute(&s, &o, d);
    } else {
        /* HJ 663: the region's hourly value is the mean of its sites' valid hourly values, sites added
         * in the catalogue's order as `air assess` adds them */
        eco_air_region_acc_t acc = {g->day0, g->ndays, {0}, {0}, {0}, 0};
        int oom = 0;
        for (int p = 0; p < ECO_POL_N; p++) {
            acc.sum[p] = malloc(g->nh * sizeof(double));
            acc.cnt[p] = malloc(g->nh * sizeof(uint16_t));
            acc.nm[p] = malloc(g->nh * sizeof(uint16_t));
            oom |= !acc.sum[p] || !acc.cnt[p] || !acc.nm[p];
        }
        if (!oom) {
            eco_air_region_reset(&acc);
            for (size_t site = 0; site < g->nsites; site++) {
                if (l->ent_of_site[site] != (int32_t)e) continue;
                eco_air_series_t one = {g->day0, g->ndays, {0}};
                for (int p = 0; p < ECO_POL_N; p++) one.h[p] = g->v + (site * ECO_POL_N + (size_t)p) * g->nh;
                eco_air_region_add(&acc, &one);
            }
            for (int p = 0; p < ECO_POL_N; p++) s.h[p] = acc.sum[p];
            eco_air_region_finish(&acc, &s);
            eco_air_days_compute(&s, &o, d);
        }
        for (int p = 0; p < ECO_POL_N; p++) {
            free(acc.sum[p]);
            free(acc.cnt[p]);
            free(acc.nm[p]);
        }
        if (oom) {
            free(d);
            return NULL;
        }
    }
    return l->days[b][e] = d;
}

static int period_of(eco_air_grid_t *g, const eco_air_day_t *d, const eco_air_edition_t *ed, eco_day_t from,
                     eco_day_t to, eco_air_period_t *out)
{
    free(g->scratch);
    g->scratch = malloc(((size_t)(to - from + 1) + 366 * 8) * sizeof(double));
    if (!g->scratch) return ECO_ENOMEM;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    o.edition = ed;
    eco_air_period_compute(d, g->day0, g->ndays, from, to, &o, g->scratch, out);
    return 0;
}

int eco_air_grid_stat(eco_air_grid_t *g, const char *level, const char *basis, const char *entity, eco_day_t from,
                      eco_day_t to, eco_air_period_t *out)
{
    const eco_air_edition_t *ed;
    int L = level_of(level), b = basis_of(basis, &ed);
    if (L < 0 || b < 0 || to < from) return ECO_EINVAL;
    eco_air_grid_level_t *l = level_get(g, L);
    if (!l) return ECO_ENOMEM;
    char **f = bsearch(&entity, l->name, l->nent, sizeof *l->name, cmp_name);
    size_t e;
    if (f) e = (size_t)(f - l->name);
    else if (!strcmp(entity, "province") && l->nent == 1) e = 0; /* the one province of the data */
    else return 0;
    const eco_air_day_t *d = days_of(g, L, l, b, ed, e);
    if (!d) return ECO_ENOMEM;
    int r = period_of(g, d, ed, from, to, out);
    return r < 0 ? r : 1;
}

int eco_air_grid_each(eco_air_grid_t *g, const char *level, const char *basis, eco_day_t from, eco_day_t to,
                      eco_air_grid_cb cb, void *ud)
{
    const eco_air_edition_t *ed;
    int L = level_of(level), b = basis_of(basis, &ed);
    if (L < 0 || b < 0 || to < from) return ECO_EINVAL;
    eco_air_grid_level_t *l = level_get(g, L);
    if (!l) return ECO_ENOMEM;
    for (size_t e = 0; e < l->nent; e++) {
        const eco_air_day_t *d = days_of(g, L, l, b, ed, e);
        if (!d) return ECO_ENOMEM;
        eco_air_period_t st;
        int r = period_of(g, d, ed, from, to, &st);
        if (r < 0) return r;
        cb(ud, l->name[e], &st);
    }
    return 0;
}
