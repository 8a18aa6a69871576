/* cmd_air_assess.c — `ecobrain air assess`: HJ 663 assessment from hourly CSV.
 *
 * Why it loads everything first: a period statistic needs whole days, a
 * region needs all its sites at each hour, and a year-on-year change needs the
 * same period a year earlier. Rows are kept compactly (one record per
 * site-hour), grouped by site with a counting sort, and each entity's hourly
 * series is built, evaluated and dropped in turn, so memory is the input plus
 * one series. All standards logic is in src/air/assess.c; this file only
 * maps rows to series and statistics to columns.
 */
#define _GNU_SOURCE /* qsort_r */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "air/assess.h"
#include "cli.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/map.h"

static const char assess_help[] =
    "Usage: ecobrain air assess --period P [OPTIONS] [FILE|-]\n"
    "\n"
    "HJ 663 assessment of hourly data for sites or regions: daily means (>= 20 hours), O3 daily\n"
    "max 8-h (windows ending 08:00-24:00, >= 6 hours each, >= 14 windows or above the limit),\n"
    "daily AQI, and for longer periods the means, percentiles (SO2/NO2 P98, PM/CO P95, O3 P90;\n"
    "k = 1 + (n-1)p), composite index, good-day ratio, days per category, exceedances,\n"
    "completeness and the change against the same period of the previous year.\n"
    "\n"
    "Input: hourly CSV as for 'ecobrain air aqi' (site, time, so2, no2, co, o3, pm10, pm2_5).\n"
    "\n"
    "Options:\n"
    "  --period day|month|quarter|year|FROM..TO   (required; FROM/TO as YYYY-MM-DD, inclusive)\n"
    "  --by site|city|county|province             entity (default site); regions need --sites\n"
    "  --sites FILE             CSV: site,city,county,province[,name,lon,lat]\n"
    "  --edition auto|2012|2026 rule set (default auto: each day by its date; the limits of a\n"
    "                           period statistic are those in force on the period's last day)\n"
    "  --hour-label end|start   default end: \"08:00\" is the hour 07:00-08:00\n"
    "  --missing auto|strict|hj633|partial   daily AQI publication with a pollutant missing\n"
    "  --moderate 151-200|151+  what 'moderate_days' counts (default 151-200, i.e. 中度污染)\n"
    "  --ci-weights LIST        composite-index weights, e.g. pm2_5=3,no2=2,o3=2 (default all 1)\n"
    "  --precision report|full  report (default): statistics rounded as published (GB/T 8170;\n"
    "                           µg/m³ integers, CO 0.1 mg/m³, index 0.01); full: 4 decimals\n"
    "  --format csv|json|text   output format (default csv; text: key columns aligned, for people)\n"
    "  --columns LIST           only these columns (any format), e.g. entity,period,pm2_5_mean\n"
    "\n"
    "A region's hourly value is the mean of its sites' valid hourly values; its statistics are\n"
    "computed from that series. A statistic that fails its validity rule is empty and the\n"
    "reason is in the notes column. See docs/cli.md for every column.\n";

typedef struct rec {
    uint32_t site, line;
    int64_t hour; /* hour-start index: hours since 1970-01-01 00:00 Beijing */
    double v[ECO_POL_N];
} rec_t;

typedef struct period {
    eco_day_t from, to;
    char label[48];
} period_t;

typedef enum { P_DAY, P_MONTH, P_QUARTER, P_YEAR, P_RANGE } ptype_t;

typedef struct ctx {
    air_period_cb cb;   /* set: periods go to cb instead of the table (air_assess_collect) */
    void *cb_ud;
    ptype_t ptype;
    eco_day_t range_from, range_to;
    int by; /* 0 site, 1 city, 2 county, 3 province */
    int fmt, full;
    const char *columns;
    eco_air_assess_opts_t opts;
    cli_table_t t;
    eco_buf_t notes;
    double *scratch;
} ctx_t;

static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

static eco_day_t shift_year(eco_day_t d, int dy)
{
    int y, m, dd;
    eco_day_to_civil(d, &y, &m, &dd);
    y += dy;
    if (m == 2 && dd == 29 && !eco_is_leap(y)) dd = 28;
    return eco_day_from_civil(y, m, dd);
}

/* enumerate the periods of a type that intersect [a, b] */
static size_t periods_build(const ctx_t *c, eco_day_t a, eco_day_t b, period_t **out)
{
    size_t n = 0, cap = 16;
    period_t *p = malloc(cap * sizeof *p);
    if (!p) return 0;
    if (c->ptype == P_RANGE) {
        p[0].from = c->range_from;
        p[0].to = c->range_to;
        char f[16], t[16];
        eco_day_format(c->range_from, f, sizeof f);
        eco_day_format(c->range_to, t, sizeof t);
        snprintf(p[0].label, sizeof p[0].label, "%s..%s", f, t);
        *out = p;
        return 1;
    }
    eco_day_t d = a;
    while (d <= b) {
        int y, m, dd;
        eco_day_to_civil(d, &y, &m, &dd);
        period_t pe;
        switch (c->ptype) {
        case P_DAY:
            pe.from = pe.to = d;
            eco_day_format(d, pe.label, sizeof pe.label);
            break;
        case P_MONTH:
            pe.from = eco_day_from_civil(y, m, 1);
            pe.to = pe.from + eco_days_in_month(y, m) - 1;
            snprintf(pe.label, sizeof pe.label, "%04d-%02d", y, m);
            break;
        case P_QUARTER: {
            int q = (m - 1) / 3;
            pe.from = eco_day_from_civil(y, q * 3 + 1, 1);
            pe.to = (q == 3 ? eco_day_from_civil(y + 1, 1, 1) : eco_day_from_civil(y, q * 3 + 4, 1)) - 1;
            snprintf(pe.label, sizeof pe.label, "%04d-Q%d", y, q + 1);
            break;
        }
        default:
            pe.from = eco_day_from_civil(y, 1, 1);
            pe.to = eco_day_from_civil(y + 1, 1, 1) - 1;
            snprintf(pe.label, sizeof pe.label, "%04d", y);
            break;
        }
        if (n == cap) {
            period_t *np = realloc(p, (cap *= 2) * sizeof *p);
            if (!np) {
                free(p);
                return 0;
            }
            p = np;
        }
        p[n++] = pe;
        d = pe.to + 1;
    }
    *out = p;
    return n;
}

/* ---------- output columns */

static const char *const day_cols[] = {
    "entity",    "period",    "edition",     "so2",        "no2",       "co",        "pm10",
    "pm2_5",     "o3_8h",     "o3_1h",       "aqi",        "level",     "category",  "primary",
    "iaqi_so2",  "iaqi_no2",  "iaqi_co",     "iaqi_o3",    "iaqi_o3_8h", "iaqi_pm10", "iaqi_pm2_5",
    "exceeding", "hours_so2", "hours_no2",   "hours_co",   "hours_o3",  "hours_pm10", "hours_pm2_5",
    "o3_8h_windows", "notes"};

static const char *const per_cols[] = {
    "entity", "period", "from", "to", "edition",
    "so2_mean", "no2_mean", "co_mean", "pm10_mean", "pm2_5_mean", "o3_8h_mean",
    "so2_p98", "no2_p98", "pm10_p95", "pm2_5_p95", "co_p95", "o3_8h_p90",
    "composite_index", "ci_so2", "ci_no2", "ci_co", "ci_o3", "ci_pm10", "ci_pm2_5",
    "share_so2", "share_no2", "share_co", "share_o3", "share_pm10", "share_pm2_5",
    "valid_days", "good_days", "good_ratio",
    "days_优", "days_良", "days_轻度污染", "days_中度污染", "days_重度污染", "days_严重污染",
    "moderate_days", "heavy_days",
    "exceed_days_so2", "exceed_days_no2", "exceed_days_co", "exceed_days_o3", "exceed_days_o3_8h",
    "exceed_days_pm10", "exceed_days_pm2_5",
    "so2_multiple", "no2_multiple", "co_multiple", "o3_8h_multiple", "pm10_multiple", "pm2_5_multiple",
    "days", "days_with_data", "required_days", "completeness",
    "prev_period", "prev_pm2_5_mean", "pm2_5_change", "prev_composite_index", "composite_change",
    "prev_good_ratio", "good_ratio_change", "prev_moderate_days", "moderate_days_change",
    "notes"};

#define NCOLS(a) ((int)(sizeof(a) / sizeof *(a)))

static double rep(const ctx_t *c, double v, int decimals)
{
    return c->full || !isfinite(v) ? v : eco_round_half_even(v, decimals);
}
static int prec(const ctx_t *c, int decimals) { return c->full ? 4 : decimals; }

static void put_conc(ctx_t *c, double v, eco_air_ind_t i)
{
    int d = eco_air_decimals(i);
    if (eco_air_is_nm(v)) tbl_str(&c->t, "/");
    else tbl_num(&c->t, rep(c, v, d), prec(c, d));
}

static void put_iaqi(cli_table_t *t, int v)
{
    if (v >= 0) tbl_int(t, v);
    else if (v == ECO_IAQI_NM) tbl_str(t, "/");
    else tbl_null(t);
}

static void write_day(ctx_t *c, const char *entity, const eco_air_day_t *dy, const char *label, eco_day_t day)
{
    cli_table_t *t = &c->t;
    eco_buf_t *nb = &c->notes;
    static const eco_air_ind_t order[] = {ECO_AIR_SO2, ECO_AIR_NO2, ECO_AIR_CO, ECO_AIR_PM10, ECO_AIR_PM25};
    char prim[64];
    eco_buf_reset(nb);
    tbl_row_begin(t);
    tbl_raw(t, entity);
    tbl_raw(t, label);
    tbl_str(t, dy->ed->hj633);
    for (size_t k = 0; k < 5; k++) {
        eco_air_ind_t i = order[k];
        put_conc(c, dy->v[i], i);
        if (isnan(dy->v[i]) && isfinite(dy->raw[i]))
            eco_buf_printf(nb, "%s: %d valid hours < %d; ", eco_air_ind_key[i], dy->nhours[i == ECO_AIR_PM25 ? ECO_POL_PM25 : i == ECO_AIR_PM10 ? ECO_POL_PM10 : (int)i],
                           dy->ed->min_hours_daily);
    }
    put_conc(c, dy->v[ECO_AIR_O3_8H], ECO_AIR_O3_8H);
    if (dy->flags & ECO_DAY_FEW_WINDOWS)
        eco_buf_printf(nb, "o3_8h: %d valid 8-h windows < %d and max not above the limit; ", dy->nwin,
                       dy->ed->mda8_min_windows);
    if (dy->flags & ECO_DAY_MDA8_BY_LIMIT)
        eco_buf_printf(nb, "o3_8h: only %d valid windows, valid because above the limit; ", dy->nwin);
    put_conc(c, dy->v[ECO_AIR_O3], ECO_AIR_O3);
    if (isnan(dy->v[ECO_AIR_O3]) && isfinite(dy->raw[ECO_AIR_O3]))
        eco_buf_printf(nb, "o3_1h: %d valid hours < %d; ", dy->nhours[ECO_POL_O3], dy->ed->min_hours_daily);
    const eco_air_category_t *cat = dy->aqi.aqi >= 0 ? eco_air_category(dy->ed, dy->aqi.aqi) : NULL;
    if (dy->aqi.aqi >= 0) tbl_int(t, dy->aqi.aqi);
    else tbl_null(t);
    if (cat) tbl_int(t, eco_air_level(dy->aqi.aqi));
    else tbl_null(t);
    tbl_str(t, cat ? cat->name_zh : NULL);
    eco_air_primary_str(dy->aqi.primary, prim, sizeof prim);
    tbl_str(t, prim);
    for (int i = 0; i < ECO_AIR_NIND; i++) put_iaqi(t, dy->aqi.iaqi[i]);
    if (dy->aqi.flags & ECO_AQI_F_WITHHELD)
        eco_buf_printf(nb, "AQI withheld: a pollutant is missing (from the others: %d); ", dy->aqi.aqi_partial);
    /* exceedances of the daily (1-h, MDA8) grade-2 limits */
    {
        const eco_air_limits_t *lim = eco_air_limits_for(dy->ed, day);
        double lims[ECO_AIR_NIND] = {lim->daily[ECO_POL_SO2][1], lim->daily[ECO_POL_NO2][1], lim->daily[ECO_POL_CO][1],
                                     lim->hour1[ECO_POL_O3][1],  lim->o3_8h[1],              lim->daily[ECO_POL_PM10][1],
                                     lim->daily[ECO_POL_PM25][1]};
        eco_buf_t ex = ECO_BUF_INIT;
        for (int i = 0; i < ECO_AIR_NIND; i++) {
            double v = dy->v[i];
            if (!isfinite(v)) continue;
            double r = eco_round_half_even(v, eco_air_decimals((eco_air_ind_t)i));
            if (r > lims[i]) {
                if (ex.len) eco_buf_putc(&ex, ';');
                eco_buf_printf(&ex, "%s(%.2f)", eco_air_ind_name[i], (r - lims[i]) / lims[i]);
            }
        }
        tbl_str(t, ex.data ? ex.data : "");
        eco_buf_free(&ex);
    }
    for (int p = 0; p < ECO_POL_N; p++) tbl_int(t, dy->nhours[p]);
    tbl_int(t, dy->nwin);
    if (nb->len >= 2) nb->len -= 2, nb->data[nb->len] = '\0';
    tbl_str(t, nb->data ? nb->data : "");
    tbl_row_end(t);
}

static double pct_change(double cur, double prev)
{
    if (!isfinite(cur) || !isfinite(prev) || prev == 0) return NAN;
    return (cur - prev) / prev * 100.0;
}

static void write_period(ctx_t *c, const char *entity, const period_t *pe, const eco_air_period_t *s,
                         const eco_air_period_t *prev, const char *prev_label)
{
    cli_table_t *t = &c->t;
    eco_buf_t *nb = &c->notes;
    char f[16], to[16];
    eco_buf_reset(nb);
    tbl_row_begin(t);
    tbl_raw(t, entity);
    tbl_raw(t, pe->label);
    eco_day_format(pe->from, f, sizeof f);
    eco_day_format(pe->to, to, sizeof to);
    tbl_raw(t, f);
    tbl_raw(t, to);
    tbl_str(t, s->ed->hj663);

    static const eco_air_ind_t mean_order[] = {ECO_AIR_SO2,  ECO_AIR_NO2,  ECO_AIR_CO,
                                               ECO_AIR_PM10, ECO_AIR_PM25, ECO_AIR_O3_8H};
    for (size_t k = 0; k < 6; k++) {
        eco_air_ind_t i = mean_order[k];
        tbl_num(t, s->valid & (1u << i) ? rep(c, s->mean[i], eco_air_decimals(i)) : NAN,
                prec(c, eco_air_decimals(i)));
    }
    static const eco_air_ind_t pct_order[] = {ECO_AIR_SO2,  ECO_AIR_NO2, ECO_AIR_PM10,
                                              ECO_AIR_PM25, ECO_AIR_CO,  ECO_AIR_O3_8H};
    for (size_t k = 0; k < 6; k++) {
        eco_air_ind_t i = pct_order[k];
        tbl_num(t, s->valid & (1u << i) ? rep(c, s->pct[i], eco_air_decimals(i)) : NAN,
                prec(c, eco_air_decimals(i)));
    }
    /* which statistics failed the day-count rule */
    for (int i = 0; i < ECO_AIR_NIND; i++) {
        if (i == ECO_AIR_O3) continue;
        if (!(s->valid & (1u << i)) && s->days_with_data)
            eco_buf_printf(nb, "%s: %d valid days < %d required; ", eco_air_ind_key[i], s->nvalid[i], s->required);
    }
    tbl_num(t, rep(c, s->composite, 2), prec(c, 2));
    if (!isfinite(s->composite) && s->days_with_data) eco_buf_puts(nb, "composite_index: needs all six statistics; ");
    static const eco_air_pol_t ci_order[] = {ECO_POL_SO2, ECO_POL_NO2, ECO_POL_CO, ECO_POL_O3, ECO_POL_PM10, ECO_POL_PM25};
    for (size_t k = 0; k < 6; k++) tbl_num(t, isfinite(s->composite) ? s->ci_part[ci_order[k]] : NAN, c->full ? 4 : 3);
    for (size_t k = 0; k < 6; k++)
        tbl_num(t, isfinite(s->composite) && s->composite > 0 ? 100.0 * s->ci_part[ci_order[k]] / s->composite : NAN,
                c->full ? 4 : 1);
    tbl_int(t, s->aqi_days);
    tbl_int(t, s->good_days);
    tbl_num(t, rep(c, s->good_ratio, 1), prec(c, 1));
    for (int l = 0; l < 6; l++) tbl_int(t, s->cat_days[l]);
    tbl_int(t, s->moderate_days);
    tbl_int(t, s->heavy_days);
    for (int i = 0; i < ECO_AIR_NIND; i++) tbl_int(t, s->exceed_days[i]);
    static const eco_air_ind_t mult_order[] = {ECO_AIR_SO2,   ECO_AIR_NO2,  ECO_AIR_CO,
                                               ECO_AIR_O3_8H, ECO_AIR_PM10, ECO_AIR_PM25};
    for (size_t k = 0; k < 6; k++) {
        eco_air_ind_t i = mult_order[k];
        tbl_num(t, s->valid & (1u << i) ? s->multiple[i] : NAN, c->full ? 4 : 2);
    }
    tbl_int(t, s->days);
    tbl_int(t, s->days_with_data);
    tbl_int(t, s->required);
    {
        long valid = 0;
        for (int p = 0; p < ECO_POL_N; p++) valid += s->hours_valid[p];
        tbl_num(t, s->hours_expected ? 100.0 * (double)valid / (double)(s->hours_expected * ECO_POL_N) : NAN,
                c->full ? 4 : 1);
    }
    if (s->aqi_days < s->days && s->days_with_data)
        eco_buf_printf(nb, "daily AQI on %d of %d days; ", s->aqi_days, s->days);
    if (prev) {
        double cur_pm = s->valid & (1u << ECO_AIR_PM25) ? rep(c, s->mean[ECO_AIR_PM25], 0) : NAN;
        double prev_pm = prev->valid & (1u << ECO_AIR_PM25) ? rep(c, prev->mean[ECO_AIR_PM25], 0) : NAN;
        double cur_ci = rep(c, s->composite, 2), prev_ci = rep(c, prev->composite, 2);
        double cur_gr = rep(c, s->good_ratio, 1), prev_gr = rep(c, prev->good_ratio, 1);
        tbl_raw(t, prev_label);
        tbl_num(t, prev_pm, prec(c, 0));
        tbl_num(t, pct_change(cur_pm, prev_pm), c->full ? 4 : 1);
        tbl_num(t, prev_ci, prec(c, 2));
        tbl_num(t, pct_change(cur_ci, prev_ci), c->full ? 4 : 1);
        tbl_num(t, prev_gr, prec(c, 1));
        tbl_num(t, isfinite(cur_gr) && isfinite(prev_gr) ? cur_gr - prev_gr : NAN, prec(c, 1));
        tbl_int(t, prev->moderate_days);
        tbl_num(t, pct_change(s->moderate_days, prev->moderate_days), c->full ? 4 : 1);
        if (prev->ed != s->ed)
            eco_buf_printf(nb, "previous period under %s, this one under %s: not comparable, use --edition; ",
                           prev->ed->hj633, s->ed->hj633);
    } else {
        for (int k = 0; k < 9; k++) tbl_null(t);
    }
    if (nb->len >= 2) nb->len -= 2, nb->data[nb->len] = '\0';
    tbl_str(t, nb->data ? nb->data : "");
    tbl_row_end(t);
}

/* ---------- sites file */

typedef struct site_info {
    const char *region[3]; /* city, county, province ("" when absent) */
} site_info_t;

static int load_sites(const char *path, eco_map_t *ids, site_info_t **info, size_t *ninfo, eco_arena_t *ar)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        eco_log_error("--sites %s: cannot open", path);
        return EXIT_USAGE;
    }
    eco_csv_t csv;
    eco_err_t err;
    eco_csv_open_file(&csv, f, path);
    int rc = 0;
    if (eco_csv_next(&csv, &err) <= 0) {
        eco_log_error("%s:1: empty sites file: a header line is required", path);
        rc = EXIT_USAGE;
        goto out;
    }
    int col_site = -1, col_reg[3] = {-1, -1, -1};
    size_t nf = eco_csv_nfields(&csv);
    for (size_t i = 0; i < nf; i++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&csv, i));
        if (eco_slice_ieq(h, "site") || eco_slice_ieq(h, "station") || eco_slice_ieq(h, "stationcode") ||
            eco_slice_ieq(h, "code"))
            col_site = (int)i;
        else if (eco_slice_ieq(h, "city")) col_reg[0] = (int)i;
        else if (eco_slice_ieq(h, "county")) col_reg[1] = (int)i;
        else if (eco_slice_ieq(h, "province")) col_reg[2] = (int)i;
    }
    if (col_site < 0) {
        eco_log_error("%s:1: no 'site' column", path);
        rc = EXIT_USAGE;
        goto out;
    }
    size_t cap = 0;
    for (;;) {
        int r = eco_csv_next(&csv, &err);
        if (r == 0) break;
        if (r < 0) {
            eco_log_error("%s; record skipped", err.msg);
            rc = EXIT_USAGE;
            continue;
        }
        eco_slice_t s = eco_slice_trim(eco_csv_field(&csv, (size_t)col_site));
        if (!s.len) continue;
        int32_t id = eco_map_put(ids, s);
        if (id < 0) {
            rc = EXIT_RUNTIME;
            break;
        }
        if ((size_t)id >= cap) {
            size_t ncap = cap ? cap * 2 : 256;
            site_info_t *ni = realloc(*info, ncap * sizeof *ni);
            if (!ni) {
                rc = EXIT_RUNTIME;
                break;
            }
            *info = ni;
            cap = ncap;
        }
        for (int k = 0; k < 3; k++) {
            eco_slice_t v = col_reg[k] >= 0 ? eco_slice_trim(eco_csv_field(&csv, (size_t)col_reg[k])) : (eco_slice_t){"", 0};
            (*info)[id].region[k] = eco_arena_strndup(ar, v.ptr, v.len);
        }
        *ninfo = (size_t)id + 1;
    }
out:
    eco_csv_close(&csv);
    fclose(f);
    return rc;
}

/* ---------- series building */

typedef struct series_buf {
    eco_air_series_t s;
    uint8_t *seen;
    size_t nh;
} series_buf_t;

static int series_alloc(series_buf_t *b, eco_day_t day0, int ndays)
{
    b->nh = (size_t)ndays * 24;
    b->s.day0 = day0;
    b->s.ndays = ndays;
    for (int p = 0; p < ECO_POL_N; p++)
        if (!(b->s.h[p] = malloc(b->nh * sizeof(double)))) return -1;
    return (b->seen = malloc(b->nh)) ? 0 : -1;
}

static void series_free(series_buf_t *b)
{
    for (int p = 0; p < ECO_POL_N; p++) free(b->s.h[p]);
    free(b->seen);
}

static void series_fill(series_buf_t *b, const rec_t *recs, const uint32_t *idx, size_t n, const char *site,
                        const char *path)
{
    int64_t h0 = (int64_t)b->s.day0 * 24;
    for (int p = 0; p < ECO_POL_N; p++)
        for (size_t k = 0; k < b->nh; k++) b->s.h[p][k] = ECO_AIR_NA;
    memset(b->seen, 0, b->nh);
    for (size_t k = 0; k < n; k++) {
        const rec_t *r = &recs[idx[k]];
        size_t i = (size_t)(r->hour - h0);
        if (b->seen[i]) {
            char ts[32];
            eco_time_format(r->hour * ECO_HOUR_S, ts, sizeof ts);
            eco_log_warn("%s:%u: site %s hour starting %s appears again; the later row (this one) is used", path,
                         r->line, site, ts);
        }
        b->seen[i] = 1;
        for (int p = 0; p < ECO_POL_N; p++) b->s.h[p][i] = r->v[p];
    }
}

/* ---------- the command */

static int parse_period(const char *s, ctx_t *c)
{
    if (!strcmp(s, "day")) c->ptype = P_DAY;
    else if (!strcmp(s, "month")) c->ptype = P_MONTH;
    else if (!strcmp(s, "quarter")) c->ptype = P_QUARTER;
    else if (!strcmp(s, "year")) c->ptype = P_YEAR;
    else {
        const char *dots = strstr(s, "..");
        if (!dots) return -1;
        if (eco_day_parse((eco_slice_t){s, (size_t)(dots - s)}, &c->range_from) ||
            eco_day_parse(eco_slice_cstr(dots + 2), &c->range_to) || c->range_to < c->range_from)
            return -1;
        c->ptype = P_RANGE;
    }
    return 0;
}

static int parse_weights(const char *s, double w[ECO_POL_N])
{
    while (*s) {
        const char *eq = strchr(s, '=');
        if (!eq) return -1;
        int p = -1;
        for (int k = 0; k < ECO_POL_N; k++)
            if (strlen(eco_air_pol_key[k]) == (size_t)(eq - s) && !strncmp(s, eco_air_pol_key[k], (size_t)(eq - s))) p = k;
        if (p < 0) return -1;
        char *end;
        double v = strtod(eq + 1, &end);
        if (end == eq + 1 || !(v >= 0) || (*end && *end != ',')) return -1;
        w[p] = v;
        s = *end ? end + 1 : end;
    }
    return 0;
}

static int cmp_str_idx(const void *a, const void *b, void *keys)
{
    const char *const *k = keys;
    return strcmp(k[*(const uint32_t *)a], k[*(const uint32_t *)b]);
}

static int assess_run(int argc, char **argv, air_period_cb cb, void *ud);

int cmd_air_assess(int argc, char **argv) { return assess_run(argc, argv, NULL, NULL); }

int air_assess_collect(int argc, char **argv, air_period_cb cb, void *ud) { return assess_run(argc, argv, cb, ud); }

static int assess_run(int argc, char **argv, air_period_cb cb, void *ud)
{
    static const struct option opts[] = {
        {"period", required_argument, 0, 'p'},     {"by", required_argument, 0, 'b'},
        {"sites", required_argument, 0, 's'},      {"edition", required_argument, 0, 'e'},
        {"format", required_argument, 0, 'f'},     {"hour-label", required_argument, 0, 'l'},
        {"missing", required_argument, 0, 'x'},    {"moderate", required_argument, 0, 'M'},
        {"ci-weights", required_argument, 0, 'w'}, {"precision", required_argument, 0, 'P'},
        {"columns", required_argument, 0, 'C'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    ctx_t c;
    memset(&c, 0, sizeof c);
    c.cb = cb;
    c.cb_ud = ud;
    eco_air_assess_opts_default(&c.opts);
    const char *sites_path = NULL;
    int have_period = 0, opt;
    cli_hour_label_t hl = HOUR_LABEL_END;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'p':
            if (parse_period(optarg, &c))
                return cli_usage_error("air assess", "--period takes day, month, quarter, year or FROM..TO "
                                                     "(YYYY-MM-DD..YYYY-MM-DD), not '%s'", optarg);
            have_period = 1;
            break;
        case 'b':
            if (!strcmp(optarg, "site")) c.by = 0;
            else if (!strcmp(optarg, "city")) c.by = 1;
            else if (!strcmp(optarg, "county")) c.by = 2;
            else if (!strcmp(optarg, "province")) c.by = 3;
            else return cli_usage_error("air assess", "--by takes site, city, county or province, not '%s'", optarg);
            break;
        case 's': sites_path = optarg; break;
        case 'e':
            if (cli_parse_edition(optarg, &c.opts.edition))
                return cli_usage_error("air assess", "--edition takes auto, 2012 or 2026, not '%s'", optarg);
            break;
        case 'f':
            if (cli_parse_format(optarg, &c.fmt, 1))
                return cli_usage_error("air assess", "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'l':
            if (cli_parse_hour_label(optarg, &hl))
                return cli_usage_error("air assess", "--hour-label takes end or start, not '%s'", optarg);
            break;
        case 'x':
            if (!strcmp(optarg, "auto")) c.opts.missing = ECO_MISSING_AUTO;
            else if (!strcmp(optarg, "strict")) c.opts.missing = ECO_MISSING_STRICT;
            else if (!strcmp(optarg, "hj633")) c.opts.missing = ECO_MISSING_HJ633;
            else if (!strcmp(optarg, "partial")) c.opts.missing = ECO_MISSING_PARTIAL;
            else return cli_usage_error("air assess", "--missing takes auto, strict, hj633 or partial, not '%s'", optarg);
            break;
        case 'M':
            if (!strcmp(optarg, "151-200")) c.opts.moderate_to = 200;
            else if (!strcmp(optarg, "151+")) c.opts.moderate_to = 500;
            else return cli_usage_error("air assess", "--moderate takes 151-200 or 151+, not '%s'", optarg);
            break;
        case 'w':
            if (parse_weights(optarg, c.opts.ci_weight))
                return cli_usage_error("air assess", "--ci-weights takes e.g. pm2_5=3,no2=2,o3=2 (keys so2 no2 co o3 "
                                                     "pm10 pm2_5), not '%s'", optarg);
            break;
        case 'P':
            if (!strcmp(optarg, "report")) c.full = 0;
            else if (!strcmp(optarg, "full")) c.full = 1;
            else return cli_usage_error("air assess", "--precision takes report or full, not '%s'", optarg);
            c.opts.ci_from_rounded = !c.full;
            break;
        case 'C': c.columns = optarg; break;
        case 'h': fputs(assess_help, stdout); return 0;
        default: return cli_usage_error("air assess", "unknown option");
        }
    }
    if (!have_period) return cli_usage_error("air assess", "--period is required");
    if (c.columns) {
        char badcol[64];
        if (tbl_check_columns(c.ptype == P_DAY ? day_cols : per_cols, c.ptype == P_DAY ? NCOLS(day_cols) : NCOLS(per_cols),
                              c.columns, badcol, sizeof badcol))
            return cli_usage_error("air assess", "--columns: no column '%s' for this period type", badcol);
    }
    if (argc - optind > 1) return cli_usage_error("air assess", "one input file at most");
    if (c.by && !sites_path) return cli_usage_error("air assess", "--by city/county/province needs --sites FILE");
    const char *path = optind < argc ? argv[optind] : "-";

    int rc = 0;
    eco_map_t site_ids, region_ids;
    eco_arena_t arena;
    site_info_t *info = NULL;
    size_t ninfo = 0;
    rec_t *recs = NULL;
    size_t nrec = 0, caprec = 0;
    uint32_t *order = NULL, *start = NULL;
    period_t *periods = NULL;
    eco_air_day_t *days = NULL;
    series_buf_t sb = {0};
    eco_air_region_acc_t acc = {0};
    eco_map_init(&site_ids);
    eco_map_init(&region_ids);
    eco_arena_init(&arena, 0);

    if (sites_path && (rc = load_sites(sites_path, &site_ids, &info, &ninfo, &arena))) goto done;

    /* 1. read every row */
    air_input_t in;
    if ((rc = air_input_open(&in, path))) {
        air_input_close(&in);
        goto done;
    }
    if (in.col_site < 0) {
        eco_log_error("%s:1: no site column (expected one of: site, station, stationcode)", in.path);
        air_input_close(&in);
        rc = EXIT_USAGE;
        goto done;
    }
    air_row_t row;
    int64_t hmin = INT64_MAX, hmax = INT64_MIN;
    while (air_input_next(&in, &row) > 0) {
        eco_time_t hs = row.t - (hl == HOUR_LABEL_END ? ECO_HOUR_S : 0);
        if (hs % ECO_HOUR_S) {
            eco_log_warn("%s:%zu: time '%.*s' is not on the hour; row skipped", in.path, row.line,
                         (int)row.time_text.len, row.time_text.ptr);
            continue;
        }
        if (!row.site.len) {
            eco_log_warn("%s:%zu: empty site; row skipped", in.path, row.line);
            continue;
        }
        int32_t id = eco_map_put(&site_ids, row.site);
        if (id < 0) {
            rc = EXIT_RUNTIME;
            break;
        }
        if (nrec == caprec) {
            size_t ncap = caprec ? caprec * 2 : 4096;
            rec_t *nr = realloc(recs, ncap * sizeof *nr);
            if (!nr) {
                rc = EXIT_RUNTIME;
                break;
            }
            recs = nr;
            caprec = ncap;
        }
        rec_t *r = &recs[nrec++];
        r->site = (uint32_t)id;
        r->line = (uint32_t)row.line;
        r->hour = floor_div(hs, ECO_HOUR_S);
        for (int p = 0; p < ECO_POL_N; p++) r->v[p] = row.v[eco_air_pol_ind[p]];
        if (r->hour < hmin) hmin = r->hour;
        if (r->hour > hmax) hmax = r->hour;
    }
    if (in.col_ind[ECO_AIR_O3_8H] >= 0)
        eco_log_warn("%s: column o3_8h ignored: assess computes the 8-h means from hourly o3", in.path);
    int bad_records = in.src.records_bad > 0;
    air_input_close(&in);
    if (rc) goto done;
    if (!nrec) {
        eco_log_error("%s: no valid rows", path);
        rc = EXIT_USAGE;
        goto done;
    }

    /* 2. day range: data, the requested range, and a year before for changes */
    eco_day_t d0 = (eco_day_t)floor_div(hmin, 24), d1 = (eco_day_t)floor_div(hmax, 24);
    eco_day_t a0 = d0, a1 = d1;
    if (c.ptype == P_RANGE) {
        a0 = c.range_from;
        a1 = c.range_to;
        if (c.range_from < d0) d0 = c.range_from;
        if (c.range_to > d1) d1 = c.range_to;
    }
    int ndays = (int)(d1 - d0 + 1);
    size_t nper = periods_build(&c, a0, a1, &periods);
    if (!nper) {
        rc = EXIT_RUNTIME;
        goto done;
    }

    /* 3. group records by site (counting sort, stable: later rows stay later) */
    uint32_t nsites = eco_map_size(&site_ids);
    order = malloc(nrec * sizeof *order);
    start = calloc((size_t)nsites + 1, sizeof *start);
    days = malloc((size_t)ndays * sizeof *days);
    c.scratch = malloc((size_t)(ndays + 1) * sizeof(double) + 366 * 8 * sizeof(double));
    if (!order || !start || !days || !c.scratch || series_alloc(&sb, d0, ndays)) {
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (size_t k = 0; k < nrec; k++) start[recs[k].site + 1]++;
    for (uint32_t s = 0; s < nsites; s++) start[s + 1] += start[s];
    {
        uint32_t *pos = malloc((size_t)nsites * sizeof *pos);
        if (!pos) {
            rc = EXIT_RUNTIME;
            goto done;
        }
        memcpy(pos, start, (size_t)nsites * sizeof *pos);
        for (size_t k = 0; k < nrec; k++) order[pos[recs[k].site]++] = (uint32_t)k;
        free(pos);
    }

    /* 4. entities */
    const char **site_names = malloc((size_t)nsites * sizeof *site_names);
    if (!site_names) {
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (uint32_t s = 0; s < nsites; s++) site_names[s] = eco_map_key(&site_ids, s);

    {
        const char *const *cols = c.ptype == P_DAY ? day_cols : per_cols;
        int ncols = c.ptype == P_DAY ? NCOLS(day_cols) : NCOLS(per_cols);
        const char *sel = c.columns;
        if (!sel && c.fmt == TBL_TEXT)
            sel = c.ptype == P_DAY ? "entity,period,aqi,category,primary,pm2_5,pm10,o3_8h,no2,so2,co,notes"
                                   : "entity,period,pm2_5_mean,pm10_mean,o3_8h_p90,composite_index,good_ratio,"
                                     "days_中度污染,days_重度污染,days_严重污染,pm2_5_change,notes";
        if (!c.cb) tbl_begin_sel(&c.t, stdout, c.fmt, cols, ncols, sel);
    }

    /* entity -> list of sites (with data) */
    uint32_t nent = 0;
    const char **ent_name = NULL;
    uint32_t *ent_of_site = malloc((size_t)nsites * sizeof *ent_of_site);
    if (!ent_of_site) {
        rc = EXIT_RUNTIME;
        goto out_tbl;
    }
    {
        long unmapped = 0;
        const char *example = NULL;
        for (uint32_t s = 0; s < nsites; s++) {
            ent_of_site[s] = UINT32_MAX;
            if (start[s + 1] == start[s]) continue; /* in the sites file only */
            if (c.by == 0) {
                ent_of_site[s] = s;
                continue;
            }
            const char *reg = s < ninfo && info[s].region[c.by - 1] ? info[s].region[c.by - 1] : "";
            if (!*reg) {
                unmapped++;
                if (!example) example = site_names[s];
                continue;
            }
            int32_t e = eco_map_put(&region_ids, eco_slice_cstr(reg));
            if (e < 0) {
                rc = EXIT_RUNTIME;
                goto out_tbl;
            }
            ent_of_site[s] = (uint32_t)e;
        }
        if (unmapped)
            eco_log_warn("%ld site(s) with data have no %s in %s (e.g. %s); they are left out", unmapped,
                         c.by == 1 ? "city" : c.by == 2 ? "county" : "province", sites_path, example);
        nent = c.by == 0 ? nsites : eco_map_size(&region_ids);
        ent_name = malloc(((size_t)nent + 1) * sizeof *ent_name);
        if (!ent_name) {
            rc = EXIT_RUNTIME;
            goto out_tbl;
        }
        for (uint32_t e = 0; e < nent; e++) ent_name[e] = c.by == 0 ? site_names[e] : eco_map_key(&region_ids, e);
    }
    uint32_t *ent_order = malloc(((size_t)nent + 1) * sizeof *ent_order);
    if (!ent_order) {
        rc = EXIT_RUNTIME;
        goto out_tbl;
    }
    for (uint32_t e = 0; e < nent; e++) ent_order[e] = e;
    qsort_r(ent_order, nent, sizeof *ent_order, cmp_str_idx, (void *)ent_name);

    if (c.by) {
        acc.day0 = d0;
        acc.ndays = ndays;
        for (int p = 0; p < ECO_POL_N; p++) {
            acc.sum[p] = malloc(sb.nh * sizeof(double));
            acc.cnt[p] = malloc(sb.nh * sizeof(uint16_t));
            acc.nm[p] = malloc(sb.nh * sizeof(uint16_t));
            if (!acc.sum[p] || !acc.cnt[p] || !acc.nm[p]) {
                rc = EXIT_RUNTIME;
                goto out_ent;
            }
        }
    }

    for (uint32_t oi = 0; oi < nent; oi++) {
        uint32_t e = ent_order[oi];
        if (c.by == 0) {
            if (start[e + 1] == start[e]) continue;
            series_fill(&sb, recs, order + start[e], start[e + 1] - start[e], site_names[e], path);
            eco_air_days_compute(&sb.s, &c.opts, days);
        } else {
            eco_air_region_reset(&acc);
            for (uint32_t s = 0; s < nsites; s++) {
                if (ent_of_site[s] != e) continue;
                series_fill(&sb, recs, order + start[s], start[s + 1] - start[s], site_names[s], path);
                eco_air_region_add(&acc, &sb.s);
            }
            eco_air_region_finish(&acc, &sb.s);
            eco_air_days_compute(&sb.s, &c.opts, days);
        }
        for (size_t k = 0; k < nper; k++) {
            const period_t *pe = &periods[k];
            if (c.ptype == P_DAY) {
                const eco_air_day_t *dy = &days[pe->from - d0];
                int any = 0;
                for (int p = 0; p < ECO_POL_N; p++) any |= dy->nhours[p] > 0;
                if (any) write_day(&c, ent_name[e], dy, pe->label, pe->from);
                continue;
            }
            eco_air_period_t st, prev;
            eco_air_period_compute(days, d0, ndays, pe->from, pe->to, &c.opts, c.scratch, &st);
            if (!st.days_with_data && c.ptype != P_RANGE) continue;
            eco_day_t pf = shift_year(pe->from, -1), pt = shift_year(pe->to, -1);
            int have_prev = 0;
            char plabel[48] = "";
            if (pt >= d0 && pf < d0 + ndays) {
                eco_air_period_compute(days, d0, ndays, pf, pt, &c.opts, c.scratch, &prev);
                have_prev = prev.days_with_data > 0;
                if (c.ptype == P_RANGE) {
                    char f[16], t2[16];
                    eco_day_format(pf, f, sizeof f);
                    eco_day_format(pt, t2, sizeof t2);
                    snprintf(plabel, sizeof plabel, "%s..%s", f, t2);
                } else {
                    int y, m, d;
                    eco_day_to_civil(pf, &y, &m, &d);
                    const char *dash = strchr(pe->label, '-');
                    snprintf(plabel, sizeof plabel, "%04d%s", y, dash ? dash : "");
                }
            }
            if (c.cb) c.cb(c.cb_ud, ent_name[e], pe->label, &st, have_prev ? &prev : NULL);
            else write_period(&c, ent_name[e], pe, &st, have_prev ? &prev : NULL, plabel);
        }
    }
out_ent:
    free(ent_order);
out_tbl:
    if (!c.cb && tbl_end(&c.t) && !rc) {
        eco_log_error("writing output failed");
        rc = EXIT_RUNTIME;
    }
    free(ent_name);
    free(ent_of_site);
    free(site_names);
    if (!rc && bad_records) rc = EXIT_USAGE;
done:
    if (rc == EXIT_RUNTIME) eco_log_error("out of memory");
    for (int p = 0; p < ECO_POL_N; p++) {
        free(acc.sum[p]);
        free(acc.cnt[p]);
        free(acc.nm[p]);
    }
    series_free(&sb);
    free(c.scratch);
    free(days);
    free(order);
    free(start);
    free(periods);
    free(recs);
    free(info);
    eco_buf_free(&c.notes);
    eco_map_free(&site_ids);
    eco_map_free(&region_ids);
    eco_arena_free(&arena);
    return rc;
}
