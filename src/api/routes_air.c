/* routes_air.c — the air routes computed from stored hours: HJ 663 assessment of sites and
 * regions over a period, and the daily AQI of sites.
 *
 * Why here and this way: the store's hour records of the air sites are read into arrays
 * (eco_store_air_grid, the same reading `targets report --data` uses) and the assessment
 * engine computes (src/air/assess.c through src/air/grid.c) — the figures are those of
 * `ecobrain air assess` on the store's exported hourly table, rounded as published. This
 * file picks the parameters and writes the table; it computes no standard.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/grid.h"
#include "api/tw.h"
#include "brain/airdays.h"
#include "brain/rank.h"
#include "store/store.h"

/* ------------------------------------------------------------------ periods */

/* the rankings' periods ("2026-10", "2026-Q3", "2026", "FROM..TO") or a single day "2026-10-05"; 0 or -1 */
static int parse_period(const char *s, eco_day_t *from, eco_day_t *to)
{
    int range;
    if (eco_rank_period_parse(s, from, to, &range) == 0) return 0;
    if (eco_day_parse(eco_slice_cstr(s), from) == 0) {
        *to = *from;
        return 0;
    }
    return -1;
}

/* the period asked for, or by default the last complete month (assess) / the last 7 days (daily) */
static int period_args(api_req_t *r, int daily, eco_day_t *from, eco_day_t *to)
{
    const char *p = api_arg(r, "period");
    eco_day_t today = eco_time_day(eco_time_from_utc(eco_now_ms() / 1000));
    if (p) {
        if (parse_period(p, from, to) < 0)
            return api_error(r, 400, "bad_request",
                             "period: '%s' is not YYYY-MM, YYYY-Qn, YYYY, a day or FROM..TO (days)", p);
    } else if (daily) {
        *to = today - 1;
        *from = today - 7;
    } else {
        int y, m, d;
        eco_day_to_civil(today, &y, &m, &d);
        if (--m == 0) m = 12, y--;
        *from = eco_day_from_civil(y, m, 1);
        *to = eco_day_from_civil(y, m, eco_days_in_month(y, m));
    }
    if (*to - *from > 366) return api_error(r, 400, "bad_request", "period: more than 366 days: ask in pieces");
    return 0;
}

static int basis_arg(api_req_t *r, const char **basis)
{
    const char *b = api_arg(r, "basis");
    *basis = "date";
    if (!b) return 0;
    if (strcmp(b, "date") && strcmp(b, "2012") && strcmp(b, "2026"))
        return api_error(r, 400, "bad_request", "basis: '%s' is not date (each day's edition), 2012 or 2026", b);
    *basis = b;
    return 0;
}

/* the store's hourly air values over [from, to] into g; 0, or < 0 after answering */
static int load_grid(api_req_t *r, eco_day_t from, eco_day_t to, eco_air_grid_t *g)
{
    eco_store_t *st = api_reader_get(r->api);
    if (!st) return api_error(r, 503, "unavailable", "no store connection free within 10 s (busy, or shutting down)");
    eco_err_t err;
    eco_err_clear(&err);
    int rc = eco_store_air_grid(st, (eco_time_t)from * ECO_DAY_S, (eco_time_t)(to + 1) * ECO_DAY_S - 1, g, &err);
    api_reader_put(r->api, st);
    if (rc == ECO_ENODATA) return eco_air_grid_init(g, from, 1, 0) < 0 ? api_error(r, 500, "internal", "out of memory") : 0;
    if (rc < 0) return api_error(r, 500, "store", "reading the hourly air values: %s", err.msg);
    return 0;
}

/* ------------------------------------------------------------------ /air/assess */

static const char *const assess_cols[] = {
    "entity",     "from",       "to",         "edition",    "so2_mean",   "no2_mean",   "co_mean",
    "pm10_mean",  "pm2_5_mean", "o3_8h_mean", "so2_p98",    "no2_p98",    "pm10_p95",   "pm2_5_p95",
    "co_p95",     "o3_8h_p90",  "composite_index", "valid_days", "good_days", "good_ratio", "moderate_days",
    "heavy_days", "days",       "days_with_data", "required_days"};
#define ASSESS_NCOLS 25

typedef struct assess_ctx {
    tw_t *t;
    const char *only;         /* entity filter */
} assess_ctx_t;

/* a statistic as published (GB/T 8170 rounding to the indicator's decimals), NAN when not valid */
static double published(const eco_air_period_t *s, eco_air_ind_t i, double v)
{
    return (s->valid & (1u << i)) && isfinite(v) ? eco_round_half_even(v, eco_air_decimals(i)) : NAN;
}

static void on_assess(void *ud, const char *entity, const eco_air_period_t *s)
{
    assess_ctx_t *x = ud;
    if (x->only && strcmp(x->only, entity)) return;
    tw_t *t = x->t;
    char f[16], to[16];
    eco_day_format(s->from, f, sizeof f);
    eco_day_format(s->to, to, sizeof to);
    tw_row(t);
    tw_str(t, entity);
    tw_str(t, f);
    tw_str(t, to);
    tw_str(t, s->ed ? s->ed->hj663 : "");
    static const eco_air_ind_t mean_order[] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_CO, ECO_AIR_PM10, ECO_AIR_PM25, ECO_AIR_O3_8H};
    for (int k = 0; k < 6; k++) tw_num(t, published(s, mean_order[k], s->mean[mean_order[k]]));
    static const eco_air_ind_t pct_order[] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_PM10, ECO_AIR_PM25, ECO_AIR_CO, ECO_AIR_O3_8H};
    for (int k = 0; k < 6; k++) tw_num(t, published(s, pct_order[k], s->pct[pct_order[k]]));
    tw_num(t, isfinite(s->composite) ? eco_round_half_even(s->composite, 2) : NAN);
    tw_int(t, s->aqi_days, 1);
    tw_int(t, s->good_days, 1);
    tw_num(t, isfinite(s->good_ratio) ? eco_round_half_even(s->good_ratio, 1) : NAN);
    tw_int(t, s->moderate_days, 1);
    tw_int(t, s->heavy_days, 1);
    tw_int(t, s->days, 1);
    tw_int(t, s->days_with_data, 1);
    tw_int(t, s->required, 1);
    tw_row_end(t);
}

int api_air_assess(api_req_t *r)
{
    const char *by = api_arg(r, "by");
    if (!by) by = "city";
    if (strcmp(by, "site") && strcmp(by, "city") && strcmp(by, "county") && strcmp(by, "province"))
        return api_error(r, 400, "bad_request", "by: '%s' is not site, city, county or province", by);
    eco_day_t from, to;
    const char *basis;
    if (period_args(r, 0, &from, &to) < 0 || basis_arg(r, &basis) < 0) return -1;
    eco_store_t *st;
    eco_airdays_t *days;
    eco_tgt_source_t src; /* the daily values (the cache, src/brain/airdays.h), not the hours */
    if (api_days_open(r, from, to, &st, &days, &src) < 0) return -1;
    tw_t t;
    tw_begin(&t, r, "rows", assess_cols, ASSESS_NCOLS);
    assess_ctx_t x = {&t, api_arg(r, "entity")};
    int rc = src.each(src.ud, by, basis, from, to, on_assess, &x);
    api_days_close(r, st, days);
    if (rc < 0) return api_error(r, 500, "internal", "assessing: %s", eco_strerror(rc));
    tw_end(&t, NULL, NULL);
    return 0;
}

/* ------------------------------------------------------------------ /aqi/daily */

static const char *const daily_cols[] = {"site",     "date",      "edition",   "aqi",      "level",     "category",
                                         "category_en", "color",  "primary",   "so2",      "no2",       "co",
                                         "o3_8h",    "pm10",      "pm2_5"};
#define DAILY_NCOLS 15

int api_aqi_daily(api_req_t *r)
{
    const char *site = api_arg(r, "site"), *city = api_arg(r, "city");
    eco_day_t from, to;
    if (period_args(r, 1, &from, &to) < 0) return -1;
    if (!site && to - from > 31)
        return api_error(r, 400, "bad_request", "period: more than 31 days for every site at once: name a site");
    eco_air_grid_t g;
    if (load_grid(r, from, to, &g) < 0) return -1;
    eco_air_assess_opts_t o;
    eco_air_assess_opts_default(&o);
    eco_air_day_t *days = calloc((size_t)(g.ndays > 0 ? g.ndays : 1), sizeof *days);
    if (!days) {
        eco_air_grid_free(&g);
        return api_error(r, 500, "internal", "out of memory");
    }
    tw_t t;
    tw_begin(&t, r, "days", daily_cols, DAILY_NCOLS);
    for (size_t i = 0; i < g.nsites; i++) {
        const eco_air_grid_site_t *gs = &g.site[i];
        if (!gs->has || (site && strcmp(site, gs->code)) || (city && strcmp(city, gs->region[0]))) continue;
        /* the engine's daily values and daily AQI of this site's hours (HJ 663 / HJ 633 by date) */
        eco_air_series_t se;
        se.day0 = g.day0;
        se.ndays = g.ndays;
        for (int p = 0; p < ECO_POL_N; p++) se.h[p] = g.v + (i * ECO_POL_N + (size_t)p) * g.nh;
        eco_air_days_compute(&se, &o, days);
        for (int k = 0; k < g.ndays; k++) {
            eco_day_t d = g.day0 + k;
            if (d < from || d > to) continue;
            const eco_air_day_t *dy = &days[k];
            char ds[16], prim[64];
            eco_day_format(d, ds, sizeof ds);
            const eco_air_category_t *cat = dy->aqi.aqi >= 0 ? eco_air_category(dy->ed, dy->aqi.aqi) : NULL;
            eco_air_primary_str(dy->aqi.aqi > 50 ? dy->aqi.primary : 0, prim, sizeof prim);
            tw_row(&t);
            tw_str(&t, gs->code);
            tw_str(&t, ds);
            tw_str(&t, dy->ed ? dy->ed->name : "");
            tw_int(&t, dy->aqi.aqi, dy->aqi.aqi >= 0);
            tw_int(&t, dy->aqi.aqi >= 0 ? eco_air_level(dy->aqi.aqi) : 0, dy->aqi.aqi >= 0);
            tw_str(&t, cat ? cat->name_zh : NULL);
            tw_str(&t, cat ? cat->name_en : NULL);
            tw_str(&t, cat ? cat->colour_hex : NULL);
            tw_str(&t, prim);
            static const eco_air_ind_t order[] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_CO, ECO_AIR_O3_8H, ECO_AIR_PM10, ECO_AIR_PM25};
            for (int q = 0; q < 6; q++) {
                double v = dy->v[order[q]];
                tw_num(&t, isfinite(v) ? eco_round_half_even(v, eco_air_decimals(order[q])) : NAN);
            }
            tw_row_end(&t);
        }
    }
    tw_end(&t, NULL, NULL);
    free(days);
    eco_air_grid_free(&g);
    return 0;
}
