/* rank_report.c — the built-in air rankings (composite index, its change rate, PM2.5, good-day
 * ratio) of every entity of a level over a period, against the same dates a year earlier.
 *
 * Why here and not in a face: `ecobrain rank` (from the hourly CSV or the store) and
 * GET /api/v1/rankings must print the same ranks; the statistics come from an eco_tgt_source_t
 * (the assessment over the CSV, or the store's values in arrays, air/grid.h) and the ranking rules
 * from rank.c. Nothing here reads data.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brain/rank.h"
#include "core/error.h"
#include "water/assess.h"

static const eco_rank_index_info_t infos[] = {
    {"composite", 2, ECO_LOWER_IS_BETTER, "综合指数", "composite index"},
    {"composite-change", 1, ECO_LOWER_IS_BETTER, "综合指数变化率（%）", "change of the composite index (%)"},
    {"pm2_5", 0, ECO_LOWER_IS_BETTER, "PM2.5浓度（µg/m³）", "PM2.5 (µg/m³)"},
    {"good-days", 1, ECO_HIGHER_IS_BETTER, "优良天数比例（%）", "good-day ratio (%)"},
    {"cwqi", 2, ECO_LOWER_IS_BETTER, "城市水质指数（CWQI）", "water quality index (CWQI)"},
};

int eco_rank_index_parse(const char *s, eco_rank_index_t *out)
{
    for (size_t i = 0; s && i < sizeof infos / sizeof *infos; i++)
        if (!strcmp(s, infos[i].key)) {
            *out = (eco_rank_index_t)i;
            return 0;
        }
    return ECO_EINVAL;
}

const eco_rank_index_info_t *eco_rank_index_info(eco_rank_index_t ix)
{
    return (unsigned)ix < sizeof infos / sizeof *infos ? &infos[ix] : &infos[0];
}

/* ------------------------------------------------------------------ periods */

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* one side: YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD */
static int one_period(const char *s, size_t n, eco_day_t *from, eco_day_t *to)
{
    if (n < 4 || !digits(s, 4)) return ECO_EINVAL;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (y < 1900) return ECO_EINVAL;
    if (n == 4) {
        *from = eco_day_from_civil(y, 1, 1);
        *to = eco_day_from_civil(y + 1, 1, 1) - 1;
        return 0;
    }
    if (s[4] != '-') return ECO_EINVAL;
    if (n == 7 && (s[5] == 'Q' || s[5] == 'q')) {
        int q = s[6] - '0';
        if (q < 1 || q > 4) return ECO_EINVAL;
        *from = eco_day_from_civil(y, q * 3 - 2, 1);
        *to = (q == 4 ? eco_day_from_civil(y + 1, 1, 1) : eco_day_from_civil(y, q * 3 + 1, 1)) - 1;
        return 0;
    }
    if (n == 7 && digits(s + 5, 2)) {
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12) return ECO_EINVAL;
        *from = eco_day_from_civil(y, m, 1);
        *to = *from + eco_days_in_month(y, m) - 1;
        return 0;
    }
    if (n == 10 && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2)) {
        eco_day_t d;
        if (eco_day_parse((eco_slice_t){s, n}, &d) < 0) return ECO_EINVAL;
        *from = *to = d;
        return 0;
    }
    return ECO_EINVAL;
}

int eco_rank_period_parse(const char *s, eco_day_t *from, eco_day_t *to, int *range)
{
    if (!s) return ECO_EINVAL;
    const char *dd = strstr(s, "..");
    eco_day_t f0, f1, t0, t1;
    *range = dd != NULL;
    if (!dd) return one_period(s, strlen(s), from, to);
    if (one_period(s, (size_t)(dd - s), &f0, &f1) < 0 || one_period(dd + 2, strlen(dd + 2), &t0, &t1) < 0 || t1 < f0)
        return ECO_EINVAL;
    *from = f0;
    *to = t1;
    return 0;
}

eco_day_t eco_rank_year_before(eco_day_t d)
{
    int y, m, dd;
    eco_day_to_civil(d, &y, &m, &dd);
    y -= 1;
    if (m == 2 && dd == 29 && !eco_is_leap(y)) dd = 28;
    return eco_day_from_civil(y, m, dd);
}

/* ------------------------------------------------------------------ the ranking */

typedef struct collect {
    eco_rank_row_t *row;
    eco_air_period_t *st;
    size_t n, cap;
    int oom;
} collect_t;

static void on_entity(void *ud, const char *entity, const eco_air_period_t *st)
{
    collect_t *c = ud;
    if (c->oom || st->days_with_data == 0) return; /* no data in the period: not listed */
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        eco_rank_row_t *nr = realloc(c->row, nc * sizeof *nr);
        if (nr) c->row = nr;
        eco_air_period_t *ns = nr ? realloc(c->st, nc * sizeof *ns) : NULL;
        if (!ns) {
            c->oom = 1;
            return;
        }
        c->st = ns;
        c->cap = nc;
    }
    eco_rank_row_t *r = &c->row[c->n];
    memset(r, 0, sizeof *r);
    size_t l = strlen(entity);
    if (l >= sizeof r->entity) l = sizeof r->entity - 1;
    memcpy(r->entity, entity, l);
    r->entity[l] = 0;
    c->st[c->n++] = *st;
}

/* as published: half away from zero at d decimals (the figures `air assess` prints) */
static double round_to(double v, int d)
{
    if (!isfinite(v)) return v;
    double m = pow(10, d);
    return round(v * m) / m;
}

static double index_value(eco_rank_index_t k, const eco_air_period_t *s)
{
    if (!s) return NAN;
    switch (k) {
    case ECO_RIX_COMPOSITE:
    case ECO_RIX_COMPOSITE_CHANGE: return round_to(s->composite, 2);
    case ECO_RIX_PM25: return s->valid & (1u << ECO_AIR_PM25) ? round_to(s->mean[ECO_AIR_PM25], 0) : NAN;
    case ECO_RIX_GOOD: return round_to(s->good_ratio, 1);
    case ECO_RIX_CWQI: return NAN; /* rank_cwqi */
    }
    return NAN;
}

/* every grade-2 statistic met (the six multiples are 0 and valid) */
static int meets_all(const eco_air_period_t *s)
{
    static const eco_air_ind_t six[] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_CO, ECO_AIR_PM10, ECO_AIR_PM25, ECO_AIR_O3_8H};
    for (size_t i = 0; i < 6; i++)
        if (!(s->valid & (1u << six[i])) || !(s->multiple[six[i]] <= 0)) return 0;
    return 1;
}

static int cmp_row(const void *a, const void *b)
{
    const eco_rank_row_t *x = a, *y = b;
    if ((x->rank == 0) != (y->rank == 0)) return x->rank == 0 ? 1 : -1;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    return strcmp(x->entity, y->entity);
}

/* ------------------------------------------------------------------ CWQI of surface-water sections */

typedef struct cwqi_pass {
    const eco_tgt_source_t *src;
    eco_day_t from, to, pf, pt;
    eco_water_acc_t *acc;       /* [site * 2 + (0 cur, 1 a year earlier)] */
} cwqi_pass_t;

static int on_wsample(void *ud, const eco_tgt_wsample_t *s)
{
    cwqi_pass_t *p = ud;
    if (s->site >= p->src->nwsites || p->src->wsites[s->site].kind != ECO_TGT_W_SURFACE) return 0;
    if (s->day >= p->from && s->day <= p->to) eco_water_acc_add(&p->acc[s->site * 2], s->v);
    if (s->day >= p->pf && s->day <= p->pt) eco_water_acc_add(&p->acc[s->site * 2 + 1], s->v);
    return 0;
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The section's CWQI is that of its period means over the deciding items the input has; a city's,
 * county's or province's is 51号's: per water type the item means over its sections, weighted by the
 * section counts (eco_water_cwqi_acc) — both as `water assess` computes them. */
static int rank_cwqi(const eco_tgt_source_t *src, const eco_rank_index_info_t *in, const char *level, eco_day_t from,
                     eco_day_t to, eco_rank_row_t **rows, size_t *np)
{
    int L = !strcmp(level, "site") ? -1 : !strcmp(level, "city") ? 0 : !strcmp(level, "county") ? 1
            : !strcmp(level, "province") ? 2 : -2;
    if (L == -2) return ECO_EINVAL;
    if (!src->wsamples) return ECO_ENODATA;
    size_t ns = src->nwsites;
    cwqi_pass_t p = {src, from, to, eco_rank_year_before(from), eco_rank_year_before(to), NULL};
    p.acc = malloc((ns ? ns : 1) * 2 * sizeof *p.acc);
    double *q = malloc((ns ? ns : 1) * 2 * sizeof *q);
    const char **names = malloc((ns ? ns : 1) * sizeof *names);
    eco_rank_row_t *row = calloc(ns ? ns : 1, sizeof *row);
    double *v = malloc((ns ? ns : 1) * sizeof *v), *ch = malloc((ns ? ns : 1) * sizeof *ch);
    int *rk = malloc((ns ? ns : 1) * sizeof *rk);
    int r = p.acc && q && names && row && v && ch && rk ? 0 : ECO_ENOMEM;
    for (size_t i = 0; !r && i < 2 * ns; i++) eco_water_acc_init(&p.acc[i]);
    if (!r) r = src->wsamples(src->wud, p.pf < from ? p.pf : from, to, on_wsample, &p);
    uint32_t set = eco_water_set_routine21 & src->wset;
    size_t nn = 0;
    for (size_t i = 0; !r && i < ns; i++) {
        const eco_tgt_wsite_t *s = &src->wsites[i];
        for (int k = 0; k < 2; k++) {
            double mean[ECO_W_NITEMS];
            q[i * 2 + k] = NAN;
            if (s->kind != ECO_TGT_W_SURFACE) continue;
            eco_water_acc_mean(&p.acc[i * 2 + k], mean);
            double c = eco_water_cwqi(mean, s->lake ? ECO_WB_LAKE : ECO_WB_RIVER, set);
            if (c > 0) q[i * 2 + k] = c; /* 0: no item sampled, no index */
        }
        const char *name = L < 0 ? s->code : s->region[L];
        if (s->kind == ECO_TGT_W_SURFACE && isfinite(q[i * 2]) && name && name[0]) names[nn++] = name;
    }
    /* entities with a value in the period, in byte order of their names, each once */
    if (!r) qsort(names, nn, sizeof *names, cmp_cstr);
    size_t n = 0;
    for (size_t k = 0; !r && k < nn; k++) {
        if (k && !strcmp(names[k], names[k - 1])) continue;
        eco_water_cwqi_acc_t ca[2];
        eco_water_cwqi_acc_init(&ca[0]);
        eco_water_cwqi_acc_init(&ca[1]);
        double one[2] = {NAN, NAN};
        for (size_t i = 0; i < ns; i++) {
            const eco_tgt_wsite_t *s = &src->wsites[i];
            const char *name = L < 0 ? s->code : s->region[L];
            if (s->kind != ECO_TGT_W_SURFACE || !name || strcmp(name, names[k])) continue;
            for (int j = 0; j < 2; j++)
                if (isfinite(q[i * 2 + j])) {
                    double mean[ECO_W_NITEMS];
                    eco_water_acc_mean(&p.acc[i * 2 + j], mean);
                    eco_water_cwqi_acc_add(&ca[j], mean, s->lake ? ECO_WB_LAKE : ECO_WB_RIVER);
                    one[j] = q[i * 2 + j];
                }
        }
        eco_rank_row_t *e = &row[n++];
        snprintf(e->entity, sizeof e->entity, "%s", names[k]);
        /* a section: its own CWQI; a region: 51号 over its sections (as `water assess --by` gives it);
         * published with 2 decimals as `water assess` rounds them */
        double cur = L < 0 ? one[0] : eco_water_cwqi_acc_value(&ca[0], set);
        double prv = L < 0 ? one[1] : eco_water_cwqi_acc_value(&ca[1], set);
        e->value = eco_water_round(cur, 2);
        e->prev = isfinite(prv) ? eco_water_round(prv, 2) : NAN;
        e->change = eco_change_rate(e->value, e->prev);
        if (e->change == e->change) e->change = round_to(e->change, 1);
        e->edition = "2002";
    }
    if (!r && n) {
        for (size_t i = 0; i < n; i++) v[i] = row[i].value, ch[i] = row[i].change;
        eco_rank(v, n, in->dir, in->decimals, rk, NULL);
        for (size_t i = 0; i < n; i++) row[i].rank = rk[i];
        eco_rank_change(ch, NULL, n, in->dir, 1, rk);
        for (size_t i = 0; i < n; i++) row[i].change_rank = rk[i];
        qsort(row, n, sizeof *row, cmp_row);
    }
    free(p.acc);
    free(q);
    free(names);
    free(v);
    free(ch);
    free(rk);
    if (r) {
        free(row);
        return r;
    }
    *rows = row;
    *np = n;
    return 0;
}

int eco_rank_report(const eco_tgt_source_t *src, eco_rank_index_t ix, const char *level, const char *basis,
                    eco_day_t from, eco_day_t to, eco_rank_row_t **rows, size_t *np)
{
    *rows = NULL;
    *np = 0;
    if ((unsigned)ix > ECO_RIX_CWQI || to < from) return ECO_EINVAL;
    const eco_rank_index_info_t *in = eco_rank_index_info(ix);
    collect_t c;
    memset(&c, 0, sizeof c);
    if (ix == ECO_RIX_CWQI) return rank_cwqi(src, in, level, from, to, rows, np);
    if (!src->each) return ECO_EINVAL;
    int r = src->each(src->ud, level, basis, from, to, on_entity, &c);
    if (!r && c.oom) r = ECO_ENOMEM;
    eco_day_t pf = eco_rank_year_before(from), pt = eco_rank_year_before(to);
    size_t n = c.n;
    for (size_t i = 0; !r && i < n; i++) {
        eco_rank_row_t *e = &c.row[i];
        const eco_air_period_t *st = &c.st[i];
        eco_air_period_t prev;
        int f = src->stat(src->ud, level, basis, e->entity, pf, pt, &prev);
        if (f < 0) {
            r = f;
            break;
        }
        int have_prev = f > 0 && prev.days_with_data > 0;
        double cur = index_value(ix, st), pv = index_value(ix, have_prev ? &prev : NULL);
        /* ratios change in percentage points, concentrations and indices in percent */
        e->change = ix == ECO_RIX_GOOD ? (isfinite(cur) && isfinite(pv) ? cur - pv : NAN) : eco_change_rate(cur, pv);
        if (e->change == e->change) e->change = round_to(e->change, 1);
        e->meets_all = meets_all(st);
        e->edition = st->ed ? st->ed->name : "";
        if (ix == ECO_RIX_COMPOSITE_CHANGE) {
            e->value = e->change;
            e->prev = cur; /* shown as the current composite for context */
        } else {
            e->value = cur;
            e->prev = pv;
        }
    }
    double *v = NULL, *ch = NULL;
    int *rk = NULL;
    unsigned char *ex = NULL;
    if (!r && n) {
        v = malloc(n * sizeof *v);
        ch = malloc(n * sizeof *ch);
        rk = malloc(n * sizeof *rk);
        ex = malloc(n);
        if (!v || !ch || !rk || !ex) r = ECO_ENOMEM;
    }
    if (!r && n) {
        for (size_t i = 0; i < n; i++) v[i] = c.row[i].value;
        eco_rank(v, n, in->dir, in->decimals, rk, NULL);
        for (size_t i = 0; i < n; i++) {
            c.row[i].rank = rk[i];
            ch[i] = c.row[i].change;
            ex[i] = ix == ECO_RIX_COMPOSITE_CHANGE ? (unsigned char)c.row[i].meets_all : 0;
        }
        eco_rank_change(ch, ex, n, in->dir, 1, rk);
        for (size_t i = 0; i < n; i++) {
            c.row[i].change_rank = rk[i];
            if (ix == ECO_RIX_COMPOSITE_CHANGE) c.row[i].rank = rk[i];
        }
        qsort(c.row, n, sizeof *c.row, cmp_row);
    }
    free(v);
    free(ch);
    free(rk);
    free(ex);
    free(c.st);
    if (r) {
        free(c.row);
        return r;
    }
    *rows = c.row;
    *np = n;
    return 0;
}

int eco_rank_keep(const eco_rank_row_t *rows, size_t n, size_t i, int top)
{
    if (top <= 0) return 1;
    if (rows[i].rank == 0) return 0;
    size_t nranked = 0;
    for (size_t k = 0; k < n; k++) nranked += rows[k].rank > 0;
    return rows[i].rank <= top || i + (size_t)top >= nranked;
}
