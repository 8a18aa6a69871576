/* airdays.c — see airdays.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "air/grid.h"
#include "brain/airdays.h"
#include "core/map.h"
#include "standards/factors.h"
#include "store/store_days.h"

#define CACHE_FORMAT 1 /* part of the fingerprint: a new record layout rebuilds the cache */

static const char *const level_name[4] = {"site", "city", "county", "province"};

static int month_of(eco_day_t d)
{
    int y, m, dd;
    eco_day_to_civil(d, &y, &m, &dd);
    return y * 12 + m - 1;
}

static eco_day_t month_first(int mo) { return eco_day_from_civil(mo / 12, mo % 12 + 1, 1); }

/* ------------------------------------------------------------------ the catalogue */

typedef struct cat_site {
    char *code, *region[3]; /* trimmed, as the grid names them */
} cat_site_t;

typedef struct cat {
    cat_site_t *s;
    size_t n, cap;
    uint64_t fp;
    int oom;
} cat_t;

static void fp_add(uint64_t *h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) *h = (*h ^ *p) * 1099511628211ull;
    *h = (*h ^ 0x1f) * 1099511628211ull;
}

static char *dup_trim(const char *s) { return eco_slice_dup(eco_slice_trim(eco_slice_cstr(s ? s : ""))); }

static int cat_site(void *ud, const eco_site_t *s)
{
    cat_t *c = ud;
    if (s->kind != ECO_SITE_AIR) return 0;
    /* what the site days depend on (its code) and what the region days depend on (its regions and
     * the catalogue's order, in which a region's hourly sums are added) */
    fp_add(&c->fp, "S");
    fp_add(&c->fp, s->code);
    fp_add(&c->fp, s->city);
    fp_add(&c->fp, s->county);
    fp_add(&c->fp, s->province);
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        cat_site_t *ns = realloc(c->s, nc * sizeof *ns);
        if (!ns) return c->oom = 1;
        c->s = ns;
        c->cap = nc;
    }
    cat_site_t *w = &c->s[c->n];
    w->code = dup_trim(s->code);
    w->region[0] = dup_trim(s->city);
    w->region[1] = dup_trim(s->county);
    w->region[2] = dup_trim(s->province);
    c->n++;
    if (!w->code || !w->region[0] || !w->region[1] || !w->region[2]) return c->oom = 1;
    return 0;
}

static int cat_dev(void *ud, const eco_device_t *d)
{
    cat_t *c = ud; /* which device feeds which site */
    fp_add(&c->fp, "D");
    fp_add(&c->fp, d->mn);
    fp_add(&c->fp, d->site);
    return 0;
}

static int cat_fac(void *ud, const eco_factor_t *f)
{
    cat_t *c = ud; /* which factor is which pollutant */
    fp_add(&c->fp, "F");
    fp_add(&c->fp, f->code);
    fp_add(&c->fp, *f->item ? f->item : eco_factor_default_item(f->code));
    return 0;
}

static void cat_free(cat_t *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->s[i].code);
        for (int k = 0; k < 3; k++) free(c->s[i].region[k]);
    }
    free(c->s);
    memset(c, 0, sizeof *c);
}

static int cat_read(eco_store_t *st, cat_t *c, eco_err_t *err)
{
    memset(c, 0, sizeof *c);
    c->fp = 1469598103934665603ull;
    char v[16];
    snprintf(v, sizeof v, "v%d", CACHE_FORMAT);
    fp_add(&c->fp, v);
    int r = eco_store_site_each(st, cat_site, c, err);
    if (!r) r = eco_store_device_each(st, cat_dev, c, err);
    if (!r) r = eco_store_factor_each(st, cat_fac, c, err);
    if (!r && c->oom) r = eco_err_set(err, ECO_ENOMEM, "out of memory reading the catalogue");
    if (r) cat_free(c);
    c->fp &= INT64_MAX; /* kept as a SQLite integer */
    return r;
}

/* ------------------------------------------------------------------ refresh */

/* one entity's month as the refresh assembles it */
typedef struct mrow {
    int level;
    char *entity;
    uint32_t old, mask;         /* cached days before; days after */
    eco_air_dayent_t e[2][31];  /* [2012, 2026][day of month - 1] */
} mrow_t;

typedef struct month_set {
    int month;
    eco_day_t first;
    uint32_t dirty;             /* days recomputed */
    mrow_t **row;
    size_t n, cap;
    eco_map_t map;              /* "L\x1f" entity -> index */
    int oom;
} month_set_t;

static mrow_t *mrow_get(month_set_t *ms, int level, const char *entity)
{
    char key[600];
    int kl = snprintf(key, sizeof key, "%d\x1f%s", level, entity);
    if (kl < 0 || (size_t)kl >= sizeof key) return NULL;
    int32_t id = eco_map_get(&ms->map, (eco_slice_t){key, (size_t)kl});
    if (id >= 0) return ms->row[id];
    id = eco_map_put(&ms->map, (eco_slice_t){key, (size_t)kl});
    if (id < 0 || (size_t)id != ms->n) return ms->oom = 1, NULL;
    if (ms->n == ms->cap) {
        size_t nc = ms->cap ? ms->cap * 2 : 256;
        mrow_t **nr = realloc(ms->row, nc * sizeof *nr);
        if (!nr) return ms->oom = 1, NULL;
        ms->row = nr;
        ms->cap = nc;
    }
    mrow_t *r = calloc(1, sizeof *r);
    if (!r || !(r->entity = strdup(entity))) {
        free(r);
        return ms->oom = 1, NULL;
    }
    r->level = level;
    ms->row[ms->n++] = r;
    return r;
}

static void month_set_free(month_set_t *ms)
{
    for (size_t i = 0; i < ms->n; i++) {
        free(ms->row[i]->entity);
        free(ms->row[i]);
    }
    free(ms->row);
    eco_map_free(&ms->map);
}

/* the days of the grid that fall on the month's dirty days, every level and entity */
static int month_compute(eco_air_grid_t *g, month_set_t *ms, eco_err_t *err)
{
    size_t nd = (size_t)g->ndays;
    eco_air_dayent_t *e12 = malloc(nd * sizeof *e12), *e26 = malloc(nd * sizeof *e26);
    uint8_t *present = malloc(nd);
    int r = 0;
    if (!e12 || !e26 || !present) r = eco_err_set(err, ECO_ENOMEM, "out of memory computing cached days");
    for (int L = 0; L < 4 && !r; L++) {
        long ne = eco_air_grid_count(g, level_name[L]);
        if (ne < 0) r = eco_err_set(err, (int)ne, "out of memory computing cached days");
        for (long e = 0; e < ne && !r; e++) {
            if ((r = eco_air_grid_dayents(g, level_name[L], (size_t)e, e12, e26, present)) < 0) {
                r = eco_err_set(err, r, "out of memory computing cached days");
                break;
            }
            mrow_t *row = NULL;
            for (size_t di = 0; di < nd; di++) {
                eco_day_t d = g->day0 + (eco_day_t)di;
                int k = (int)(d - ms->first);
                if (!present[di] || k < 0 || k > 30 || !(ms->dirty >> k & 1)) continue;
                if (!row && !(row = mrow_get(ms, L, eco_air_grid_name(g, level_name[L], (size_t)e)))) {
                    r = eco_err_set(err, ECO_ENOMEM, "out of memory computing cached days");
                    break;
                }
                row->mask |= 1u << k;
                row->e[0][k] = e12[di];
                row->e[1][k] = e26[di];
            }
        }
    }
    free(e12);
    free(e26);
    free(present);
    return r;
}

typedef struct merge_ctx {
    month_set_t *ms;
    int basis;
    int bad;
} merge_ctx_t;

static int on_old_has(void *ud, const eco_store_dayrow_t *w)
{
    merge_ctx_t *x = ud;
    mrow_t *row = mrow_get(x->ms, w->level, w->entity);
    if (!row) return 1;
    row->old = w->mask;
    row->mask |= w->mask & ~x->ms->dirty; /* days not recomputed stay as cached */
    return 0;
}

static int on_old_days(void *ud, const eco_store_dayrow_t *w)
{
    merge_ctx_t *x = ud;
    mrow_t *row = mrow_get(x->ms, w->level, w->entity);
    if (!row) return 1;
    eco_air_dayent_t tmp[31];
    uint32_t mask;
    if (eco_air_daymonth_decode(w->blob, w->len, &mask, tmp) < 0 || mask != row->old) {
        x->bad = 1; /* unreadable: the month's other days are recomputed by a full rebuild */
        return 0;
    }
    uint32_t keep = row->old & ~x->ms->dirty;
    for (int k = 0; k < 31; k++)
        if (keep >> k & 1) row->e[x->basis][k] = tmp[k];
    return 0;
}

/* write the month: old rows merged with the recomputed days, in the caller's transaction */
static int month_write(eco_store_t *st, month_set_t *ms, long *nrows, int *bad, eco_err_t *err)
{
    merge_ctx_t x = {ms, 0, 0};
    int r = eco_store_days_has(st, -1, ms->month, ms->month, on_old_has, &x, err);
    for (int L = 0; L < 4 && !r; L++)
        for (int b = 0; b < 2 && !r; b++) {
            x.basis = b;
            r = eco_store_days_read(st, L, b, ms->month, ms->month, on_old_days, &x, err);
        }
    if (!r && ms->oom) r = eco_err_set(err, ECO_ENOMEM, "out of memory merging cached days");
    if (r) return r > 0 ? eco_err_set(err, ECO_ENOMEM, "out of memory merging cached days") : r;
    *bad = x.bad;
    uint8_t *buf = malloc(2 * (size_t)ECO_AIR_DAYMONTH_MAX);
    if (!buf) return eco_err_set(err, ECO_ENOMEM, "out of memory writing cached days");
    for (size_t i = 0; i < ms->n && !r; i++) {
        mrow_t *row = ms->row[i];
        if (!row->mask && !row->old) continue;
        eco_store_dayrow_t w[3];
        memset(w, 0, sizeof w);
        for (int b = 0; b < 3; b++) {
            w[b].level = row->level;
            w[b].month = ms->month;
            w[b].entity = row->entity;
        }
        for (int b = 0; b < 2; b++) {
            w[b].basis = b;
            w[b].blob = buf + (size_t)b * ECO_AIR_DAYMONTH_MAX;
            w[b].len = row->mask ? eco_air_daymonth_encode(row->e[b], row->mask, buf + (size_t)b * ECO_AIR_DAYMONTH_MAX) : 0;
        }
        w[2].mask = row->mask; /* airday_has */
        r = eco_store_days_write(st, w, 3, err);
        *nrows += 1;
    }
    free(buf);
    return r;
}

/* one month's dirty days (at most budget): hours -> engine -> cache; *ndone days done, 0 when none */
static int refresh_month(eco_store_t *st, long budget, long *ndone, long *nrows, int *bad, eco_err_t *err)
{
    eco_day_t day[31];
    int64_t gen[31];
    size_t n = 0;
    *ndone = 0;
    month_set_t ms;
    memset(&ms, 0, sizeof ms);
    eco_map_init(&ms.map);
    eco_air_grid_t g;
    memset(&g, 0, sizeof g);
    int snap = eco_store_days_snapshot(st, err);
    if (snap < 0) return snap;
    int r = eco_store_days_dirty(st, INT32_MIN, INT32_MAX, 31, day, gen, &n, err);
    if (!r && n) {
        ms.month = month_of(day[0]);
        ms.first = month_first(ms.month);
        size_t k = 0;
        while (k < n && month_of(day[k]) == ms.month && (budget <= 0 || (long)k < budget)) {
            ms.dirty |= 1u << (day[k] - ms.first);
            k++;
        }
        n = k;
        /* the hours of those days, every air site (a region's day needs all its sites) */
        int rg = eco_store_air_grid(st, (eco_time_t)day[0] * ECO_DAY_S, (eco_time_t)(day[n - 1] + 1) * ECO_DAY_S - 1, &g,
                                    err);
        if (rg == ECO_ENODATA) {
            eco_err_clear(err);
        } else if (rg < 0) {
            r = rg;
        } else {
            r = month_compute(&g, &ms, err);
            eco_air_grid_free(&g);
        }
    }
    if (snap > 0) eco_store_days_snapshot_end(st);
    if (!r && n) {
        if ((r = eco_store_tx_begin(st, err)) == 0) {
            r = month_write(st, &ms, nrows, bad, err);
            if (!r) r = eco_store_days_clean(st, day, gen, n, err);
            if (!r) r = eco_store_tx_commit(st, err);
            else eco_store_tx_rollback(st);
        }
        if (!r) *ndone = (long)n;
    }
    month_set_free(&ms);
    return r;
}

static int start_rebuild(eco_store_t *st, int64_t fp, eco_err_t *err)
{
    int r = eco_store_tx_begin(st, err);
    if (r) return r;
    eco_day_t first, last;
    r = eco_store_days_span(st, &first, &last, err);
    if (!r && first <= last) r = eco_store_days_mark(st, first, last, err);
    if (!r) r = eco_store_days_meta_put(st, "fingerprint", fp, err);
    if (!r) r = eco_store_days_meta_put(st, "built", 1, err);
    if (!r) r = eco_store_tx_commit(st, err);
    else eco_store_tx_rollback(st);
    return r;
}

int eco_airdays_refresh(eco_store_t *st, long max_days, int full, eco_airdays_stats_t *stats, eco_err_t *err)
{
    eco_airdays_stats_t tmp;
    if (!stats) stats = &tmp;
    memset(stats, 0, sizeof *stats);
    if (!eco_store_days_present(st))
        return eco_err_set(err, ECO_EUNSUPPORTED, "the store has no daily-value cache (open it writable to migrate it)");
    cat_t c;
    int r = cat_read(st, &c, err);
    if (r) return r;
    int64_t now = (int64_t)c.fp;
    cat_free(&c);
    int64_t fp = 0, built = 0;
    if ((r = eco_store_days_meta(st, "fingerprint", &fp, err)) < 0) return r;
    if ((r = eco_store_days_meta(st, "built", &built, err)) < 0) return r;
    if (full || built != 1 || fp != now) {
        if ((r = start_rebuild(st, now, err)) < 0) return r;
        stats->rebuilt = 1;
    }
    for (;;) {
        long budget = max_days > 0 ? max_days - stats->days : 0, done = 0;
        if (max_days > 0 && budget <= 0) break;
        int bad = 0;
        if ((r = refresh_month(st, budget, &done, &stats->rows, &bad, err)) < 0) return r;
        if (bad && (r = eco_store_days_meta_put(st, "built", 0, err)) < 0) return r; /* next time: rebuild */
        if (!done) break;
        stats->days += done;
    }
    return 0;
}

static int count_rows(void *ud, const eco_store_dayrow_t *w)
{
    (void)w;
    ++*(long *)ud;
    return 0;
}

int eco_airdays_status(eco_store_t *st, eco_airdays_status_t *out, eco_err_t *err)
{
    memset(out, 0, sizeof *out);
    if (!(out->present = eco_store_days_present(st))) return 0;
    cat_t c;
    int r = cat_read(st, &c, err);
    if (r) return r;
    int64_t now = (int64_t)c.fp;
    cat_free(&c);
    int64_t fp = 0, built = 0;
    if ((r = eco_store_days_meta(st, "fingerprint", &fp, err)) < 0) return r;
    if ((r = eco_store_days_meta(st, "built", &built, err)) < 0) return r;
    out->built = built == 1;
    out->current = out->built && fp == now;
    if ((r = eco_store_days_dirty_count(st, INT32_MIN, INT32_MAX, &out->dirty, err)) < 0) return r;
    return eco_store_days_has(st, -1, INT32_MIN, INT32_MAX, count_rows, &out->rows, err);
}

/* ------------------------------------------------------------------ the source */

typedef struct ovday {
    uint8_t present;
    eco_air_dayent_t e[2];
} ovday_t;

typedef struct lvl {
    int built;
    eco_map_t map;             /* entity -> id (order of discovery) */
    int32_t *sorted_of;        /* id -> position in name[] */
    char **name;               /* sorted by strcmp */
    size_t nent;
    eco_day_t d0;
    int nd;                    /* the days held: the span of the level's data in the range */
    eco_air_day_t *days[3];    /* [basis][position * nd + day - d0] */
    int *nrange;               /* regions: sites with data in the range, per id (-1 not counted yet) */
    /* the dirty days recomputed from hours */
    eco_map_t ovmap;
    ovday_t **ov;              /* per ovmap id: ndirty days */
    size_t nov, capov;
} lvl_t;

struct eco_airdays {
    eco_store_t *st;
    eco_day_t from, to;
    int hours;                 /* the hour route (grid) */
    eco_air_grid_t grid;
    char route[200];
    eco_day_t *dirty;
    size_t ndirty;
    cat_t cat;
    lvl_t lv[4];
    double *scratch;
    int snap;
    int oom;
};

static int is_dirty(const eco_airdays_t *a, eco_day_t d)
{
    size_t lo = 0, hi = a->ndirty;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->dirty[mid] < d) lo = mid + 1;
        else hi = mid;
    }
    return lo < a->ndirty && a->dirty[lo] == d;
}

static ovday_t *ov_get(eco_airdays_t *a, lvl_t *l, const char *entity)
{
    eco_slice_t k = eco_slice_cstr(entity);
    int32_t id = eco_map_get(&l->ovmap, k);
    if (id >= 0) return l->ov[id];
    id = eco_map_put(&l->ovmap, k);
    if (id < 0 || (size_t)id != l->nov) return NULL;
    if (l->nov == l->capov) {
        size_t nc = l->capov ? l->capov * 2 : 64;
        ovday_t **n = realloc(l->ov, nc * sizeof *n);
        if (!n) return NULL;
        l->ov = n;
        l->capov = nc;
    }
    ovday_t *o = calloc(a->ndirty ? a->ndirty : 1, sizeof *o);
    if (!o) return NULL;
    l->ov[l->nov++] = o;
    return o;
}

/* the dirty days of the range, recomputed from their hours, run by run of consecutive days */
static int overlay(eco_airdays_t *a, eco_err_t *err)
{
    int r = 0;
    for (size_t i = 0; i < a->ndirty && !r;) {
        size_t j = i + 1;
        while (j < a->ndirty && a->dirty[j] == a->dirty[j - 1] + 1) j++;
        eco_air_grid_t g;
        int rg = eco_store_air_grid(a->st, (eco_time_t)a->dirty[i] * ECO_DAY_S,
                                    (eco_time_t)(a->dirty[j - 1] + 1) * ECO_DAY_S - 1, &g, err);
        if (rg == ECO_ENODATA) {
            eco_err_clear(err);
            i = j;
            continue;
        }
        if (rg < 0) return rg;
        size_t nd = (size_t)g.ndays;
        eco_air_dayent_t *e12 = malloc(nd * sizeof *e12), *e26 = malloc(nd * sizeof *e26);
        uint8_t *present = malloc(nd);
        if (!e12 || !e26 || !present) r = eco_err_set(err, ECO_ENOMEM, "out of memory recomputing dirty days");
        for (int L = 0; L < 4 && !r; L++) {
            long ne = eco_air_grid_count(&g, level_name[L]);
            if (ne < 0) r = eco_err_set(err, ECO_ENOMEM, "out of memory recomputing dirty days");
            for (long e = 0; e < ne && !r; e++) {
                if ((r = eco_air_grid_dayents(&g, level_name[L], (size_t)e, e12, e26, present)) < 0) {
                    r = eco_err_set(err, r, "out of memory recomputing dirty days");
                    break;
                }
                ovday_t *o = ov_get(a, &a->lv[L], eco_air_grid_name(&g, level_name[L], (size_t)e));
                if (!o) r = eco_err_set(err, ECO_ENOMEM, "out of memory recomputing dirty days");
                for (size_t di = 0; di < nd && !r; di++) {
                    if (!present[di]) continue;
                    size_t k = i + (size_t)(g.day0 + (eco_day_t)di - a->dirty[i]);
                    o[k].present = 1;
                    o[k].e[0] = e12[di];
                    o[k].e[1] = e26[di];
                }
            }
        }
        free(e12);
        free(e26);
        free(present);
        eco_air_grid_free(&g);
        i = j;
    }
    return r;
}

typedef struct ent_ctx {
    eco_airdays_t *a;
    lvl_t *l;
    eco_day_t lo, hi;
    int oom;
} ent_ctx_t;

static void span_add(ent_ctx_t *x, eco_day_t d)
{
    if (d < x->lo) x->lo = d;
    if (d > x->hi) x->hi = d;
}

static int on_has(void *ud, const eco_store_dayrow_t *w)
{
    ent_ctx_t *x = ud;
    eco_day_t f = month_first(w->month);
    int any = 0;
    for (int k = 0; k < 31; k++) {
        eco_day_t d = f + k;
        if (!(w->mask >> k & 1) || d < x->a->from || d > x->a->to || is_dirty(x->a, d)) continue;
        span_add(x, d);
        any = 1;
    }
    if (any && eco_map_put(&x->l->map, eco_slice_cstr(w->entity)) < 0) return x->oom = 1;
    return 0;
}

static int cmp_name(const void *p, const void *q) { return strcmp(*(char *const *)p, *(char *const *)q); }

/* the entities of level L with data in the range and the span of their days */
static int level_build(eco_airdays_t *a, int L, eco_err_t *err)
{
    lvl_t *l = &a->lv[L];
    if (l->built) return 0;
    ent_ctx_t x = {a, l, INT32_MAX, INT32_MIN, 0};
    int r = eco_store_days_has(a->st, L, month_of(a->from), month_of(a->to), on_has, &x, err);
    if (r > 0 || x.oom) return eco_err_set(err, ECO_ENOMEM, "out of memory reading cached days");
    if (r) return r;
    for (size_t i = 0; i < l->nov; i++) {
        int any = 0;
        for (size_t k = 0; k < a->ndirty; k++)
            if (l->ov[i][k].present) {
                span_add(&x, a->dirty[k]);
                any = 1;
            }
        if (any && eco_map_put(&l->map, eco_slice_cstr(eco_map_key(&l->ovmap, (uint32_t)i))) < 0)
            return eco_err_set(err, ECO_ENOMEM, "out of memory");
    }
    l->nent = eco_map_size(&l->map);
    l->name = malloc((l->nent ? l->nent : 1) * sizeof *l->name);
    l->sorted_of = malloc((l->nent ? l->nent : 1) * sizeof *l->sorted_of);
    l->nrange = malloc((l->nent ? l->nent : 1) * sizeof *l->nrange);
    if (!l->name || !l->sorted_of || !l->nrange) return eco_err_set(err, ECO_ENOMEM, "out of memory");
    for (size_t i = 0; i < l->nent; i++) {
        l->name[i] = (char *)eco_map_key(&l->map, (uint32_t)i);
        l->nrange[i] = -1;
    }
    qsort(l->name, l->nent, sizeof *l->name, cmp_name);
    for (size_t i = 0; i < l->nent; i++) l->sorted_of[eco_map_get(&l->map, eco_slice_cstr(l->name[i]))] = (int32_t)i;
    l->d0 = x.lo <= x.hi ? x.lo : a->from;
    l->nd = x.lo <= x.hi ? (int)(x.hi - x.lo + 1) : 1;
    l->built = 1;
    return 0;
}

/* region entities: how many of their sites have data in the range (HJ 663's "all sites not monitored") */
static int count_ranges(eco_airdays_t *a, int L, eco_err_t *err)
{
    lvl_t *l = &a->lv[L], *s = &a->lv[0];
    int r = level_build(a, 0, err);
    if (r) return r;
    for (size_t i = 0; i < l->nent; i++) l->nrange[i] = 0;
    for (size_t i = 0; i < a->cat.n; i++) {
        const cat_site_t *cs = &a->cat.s[i];
        if (!*cs->region[L - 1] || eco_map_get(&s->map, eco_slice_cstr(cs->code)) < 0) continue;
        int32_t id = eco_map_get(&l->map, eco_slice_cstr(cs->region[L - 1]));
        if (id >= 0) l->nrange[id]++;
    }
    return 0;
}

typedef struct fill_ctx {
    eco_airdays_t *a;
    int L, b;
    const eco_air_edition_t *fixed;
    int err;
    eco_err_t *e;
} fill_ctx_t;

static void put_day(fill_ctx_t *x, int32_t id, eco_day_t d, const eco_air_dayent_t *en)
{
    eco_airdays_t *a = x->a;
    lvl_t *l = &a->lv[x->L];
    const eco_air_dayrec_t *rec = &en->a;
    if (en->alt) {
        if (l->nrange[id] < 0 && count_ranges(a, x->L, x->e) < 0) x->err = 1;
        if (l->nrange[id] > (int)en->nsites) rec = &en->b;
    }
    const eco_air_edition_t *ed = x->fixed ? x->fixed : eco_air_edition_for_day(d);
    eco_air_dayrec_get(rec, ed, &l->days[x->b][(size_t)l->sorted_of[id] * (size_t)l->nd + (size_t)(d - l->d0)]);
}

static int on_days(void *ud, const eco_store_dayrow_t *w)
{
    fill_ctx_t *x = ud;
    eco_airdays_t *a = x->a;
    lvl_t *l = &a->lv[x->L];
    int32_t id = eco_map_get(&l->map, eco_slice_cstr(w->entity));
    if (id < 0) return 0; /* no data in the range */
    eco_air_dayent_t tmp[31];
    uint32_t mask;
    if (eco_air_daymonth_decode(w->blob, w->len, &mask, tmp) < 0) {
        x->err = 1;
        eco_err_set(x->e, ECO_EPARSE, "the daily-value cache of %s %s, month %d-%02d, is unreadable: run `ecobrain store "
                                      "rollup --full`", level_name[x->L], w->entity, w->month / 12, w->month % 12 + 1);
        return 1;
    }
    eco_day_t f = month_first(w->month);
    for (int k = 0; k < 31 && !x->err; k++) {
        eco_day_t d = f + k;
        if (!(mask >> k & 1) || d < a->from || d > a->to || d < l->d0 || d >= l->d0 + l->nd || is_dirty(a, d)) continue;
        put_day(x, id, d, &tmp[k]);
    }
    return x->err;
}

/* the days of level L under basis b (0 date, 1 2012, 2 2026): cached rows, then the dirty days */
static int level_days(eco_airdays_t *a, int L, int b, eco_err_t *err)
{
    int r = level_build(a, L, err);
    if (r) return r;
    lvl_t *l = &a->lv[L];
    if (l->days[b]) return 0;
    size_t nd = (size_t)l->nd;
    eco_air_day_t *days = malloc((l->nent ? l->nent : 1) * nd * sizeof *days);
    if (!days) return eco_err_set(err, ECO_ENOMEM, "out of memory for %zu %s × %zu days", l->nent, level_name[L], nd);
    const eco_air_edition_t *fixed = b == 0 ? NULL : eco_air_edition_by_name(b == 1 ? "2012" : "2026");
    /* a day without data is what the engine makes of 24 missing hours (the grid route holds such days) */
    double nan24[24];
    for (int k = 0; k < 24; k++) nan24[k] = ECO_AIR_NA;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    o.edition = fixed;
    for (size_t k = 0; k < nd; k++) {
        eco_air_series_t s = {l->d0 + (eco_day_t)k, 1, {0}};
        for (int p = 0; p < ECO_POL_N; p++) s.h[p] = nan24;
        eco_air_days_compute(&s, &o, &days[k]);
    }
    for (size_t e = 1; e < l->nent; e++) memcpy(days + e * nd, days, nd * sizeof *days);
    l->days[b] = days;
    fill_ctx_t x = {a, L, b, fixed, 0, err};
    for (int m = month_of(l->d0); m <= month_of(l->d0 + l->nd - 1) && !r; m++) {
        /* "date": each month's edition (the switch, 2026-03-01, is a month's first day) */
        const eco_air_edition_t *ed = fixed ? fixed : eco_air_edition_for_day(month_first(m));
        r = eco_store_days_read(a->st, L, strcmp(ed->name, "2012") ? 1 : 0, m, m, on_days, &x, err);
    }
    if (r > 0 || x.err) return err->code ? err->code : eco_err_set(err, ECO_ENOMEM, "out of memory reading cached days");
    if (r) return r;
    for (size_t i = 0; i < l->nov; i++) {
        int32_t id = eco_map_get(&l->map, eco_slice_cstr(eco_map_key(&l->ovmap, (uint32_t)i)));
        for (size_t k = 0; k < a->ndirty && id >= 0; k++) {
            eco_day_t d = a->dirty[k];
            if (!l->ov[i][k].present || d < l->d0 || d >= l->d0 + l->nd) continue;
            const eco_air_edition_t *ed = fixed ? fixed : eco_air_edition_for_day(d);
            put_day(&x, id, d, &l->ov[i][k].e[strcmp(ed->name, "2012") ? 1 : 0]);
        }
    }
    return x.err ? eco_err_set(err, ECO_ENOMEM, "out of memory") : 0;
}

/* ------------------------------------------------------------------ open / close */

int eco_airdays_open(eco_airdays_t **out, eco_store_t *st, eco_day_t from, eco_day_t to, eco_err_t *err)
{
    *out = NULL;
    eco_airdays_t *a = calloc(1, sizeof *a);
    if (!a) return eco_err_set(err, ECO_ENOMEM, "out of memory");
    a->st = st;
    a->from = from;
    a->to = to;
    for (int L = 0; L < 4; L++) {
        eco_map_init(&a->lv[L].map);
        eco_map_init(&a->lv[L].ovmap);
    }
    int r = 0;
    const char *why = NULL;
    if (getenv("ECO_AIRDAYS_HOURS")) why = "ECO_AIRDAYS_HOURS is set";
    else if (!eco_store_days_present(st)) why = "the store predates the cache (schema < 5)";
    if (!why && (a->snap = eco_store_days_snapshot(st, err)) < 0) r = a->snap;
    int64_t fp = 0, built = 0;
    if (!r && !why) r = cat_read(st, &a->cat, err);
    if (!r && !why && (r = eco_store_days_meta(st, "fingerprint", &fp, err)) >= 0 &&
        (r = eco_store_days_meta(st, "built", &built, err)) >= 0) {
        r = 0;
        if (built != 1) why = "the cache is not built (ecobrain store rollup)";
        else if (fp != (int64_t)a->cat.fp) why = "the catalogue changed since the cache was built";
    }
    long nd = 0;
    if (!r && !why && (r = eco_store_days_dirty_count(st, from, to, &nd, err)) == 0 && nd > ECO_AIRDAYS_MAX_DIRTY)
        why = "too many days changed since the cache was refreshed";
    if (!r && !why) {
        a->dirty = malloc((size_t)(nd ? nd : 1) * sizeof *a->dirty);
        int64_t *gen = malloc((size_t)(nd ? nd : 1) * sizeof *gen);
        if (!a->dirty || !gen) r = eco_err_set(err, ECO_ENOMEM, "out of memory");
        if (!r) r = eco_store_days_dirty(st, from, to, (size_t)nd, a->dirty, gen, &a->ndirty, err);
        free(gen);
        if (!r) r = overlay(a, err);
        if (!r) r = level_build(a, 0, err);
        /* no site with data: the hours say whether there is none at all (ECO_ENODATA) or only rows the
         * assessment drops (no entity), as the hour route does */
        if (!r && a->lv[0].nent == 0) why = "no cached day in the range";
        snprintf(a->route, sizeof a->route, "cache (%zu changed day%s recomputed from hours)", a->ndirty,
                 a->ndirty == 1 ? "" : "s");
    }
    if (!r && why) {
        a->hours = 1;
        snprintf(a->route, sizeof a->route, "hours: %s", why);
        r = eco_store_air_grid(st, (eco_time_t)from * ECO_DAY_S, (eco_time_t)(to + 1) * ECO_DAY_S - 1, &a->grid, err);
    }
    if (r) {
        eco_airdays_close(a);
        return r;
    }
    *out = a;
    return 0;
}

void eco_airdays_close(eco_airdays_t *a)
{
    if (!a) return;
    if (a->snap > 0) eco_store_days_snapshot_end(a->st);
    if (a->hours && a->grid.v) eco_air_grid_free(&a->grid);
    for (int L = 0; L < 4; L++) {
        lvl_t *l = &a->lv[L];
        for (int b = 0; b < 3; b++) free(l->days[b]);
        free(l->name);
        free(l->sorted_of);
        free(l->nrange);
        for (size_t i = 0; i < l->nov; i++) free(l->ov[i]);
        free(l->ov);
        eco_map_free(&l->map);
        eco_map_free(&l->ovmap);
    }
    cat_free(&a->cat);
    free(a->dirty);
    free(a->scratch);
    free(a);
}

/* ------------------------------------------------------------------ statistics */

static int level_of(const char *s)
{
    for (int L = 0; L < 4; L++)
        if (!strcmp(s, level_name[L])) return L;
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

static int period_of(eco_airdays_t *a, lvl_t *l, int b, size_t pos, const eco_air_edition_t *ed, eco_day_t from,
                     eco_day_t to, eco_air_period_t *out)
{
    free(a->scratch);
    a->scratch = malloc(((size_t)(to - from + 1) + 366 * 8) * sizeof(double));
    if (!a->scratch) return ECO_ENOMEM;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    o.edition = ed;
    /* days outside the range read are not held (neither does the grid route hold them) */
    eco_air_period_compute(l->days[b] + pos * (size_t)l->nd, l->d0, l->nd, from, to, &o, a->scratch, out);
    return 0;
}

/* the level's cached days, ready for a period of the source (stat and each share this) */
static int level_ready(eco_airdays_t *a, const char *level, const char *basis, eco_day_t from, eco_day_t to,
                       const eco_air_edition_t **ed, int *b, lvl_t **l)
{
    int L = level_of(level);
    *b = basis_of(basis, ed);
    if (L < 0 || *b < 0 || to < from) return ECO_EINVAL;
    eco_err_t err;
    eco_err_clear(&err);
    int r = level_days(a, L, *b, &err);
    if (r < 0) return r;
    *l = &a->lv[L];
    return 0;
}

static int src_stat(void *ud, const char *level, const char *basis, const char *entity, eco_day_t from, eco_day_t to,
                    eco_air_period_t *out)
{
    eco_airdays_t *a = ud;
    if (a->hours) return eco_air_grid_stat(&a->grid, level, basis, entity, from, to, out);
    const eco_air_edition_t *ed;
    int b;
    lvl_t *l;
    int r = level_ready(a, level, basis, from, to, &ed, &b, &l);
    if (r < 0) return r;
    char **f = bsearch(&entity, l->name, l->nent, sizeof *l->name, cmp_name);
    size_t pos;
    if (f) pos = (size_t)(f - l->name);
    else if (!strcmp(entity, "province") && l->nent == 1) pos = 0;
    else return 0;
    r = period_of(a, l, b, pos, ed, from, to, out);
    return r < 0 ? r : 1;
}

static int src_each(void *ud, const char *level, const char *basis, eco_day_t from, eco_day_t to, eco_tgt_ent_cb cb,
                    void *cbud)
{
    eco_airdays_t *a = ud;
    if (a->hours) return eco_air_grid_each(&a->grid, level, basis, from, to, cb, cbud);
    const eco_air_edition_t *ed;
    int b;
    lvl_t *l;
    int r = level_ready(a, level, basis, from, to, &ed, &b, &l);
    if (r < 0) return r;
    for (size_t e = 0; e < l->nent; e++) {
        eco_air_period_t st;
        if ((r = period_of(a, l, b, e, ed, from, to, &st)) < 0) return r;
        cb(cbud, l->name[e], &st);
    }
    return 0;
}

eco_tgt_source_t eco_airdays_source(eco_airdays_t *a) { return (eco_tgt_source_t){.ud = a, .stat = src_stat, .each = src_each}; }

const char *eco_airdays_route(const eco_airdays_t *a) { return a->route; }
