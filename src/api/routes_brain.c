/* routes_brain.c — the brain's routes: where the plan's targets stand, who is ahead.
 *
 * Why a file of its own: these answers are computed, not looked up — the
 * store's daily air values are read (the cache of src/brain/airdays.h, or the
 * hours when it cannot answer) and the
 * report is src/brain's (eco_tgt_report, eco_rank_report), the same that
 * `ecobrain targets report --data` and `ecobrain rank --data` print, so the
 * API and the CLI cannot disagree. This file only picks the parameters and
 * writes the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "air/grid.h"
#include "api/tw.h"
#include "brain/airdays.h"
#include "brain/rank.h"
#include "brain/targets.h"
#include "store/store.h"

/* the source when the store holds no hourly air data in the range: no entity */
static int none_stat(void *ud, const char *level, const char *basis, const char *entity, eco_day_t from, eco_day_t to,
                     eco_air_period_t *out)
{
    return 0;
}

static int none_each(void *ud, const char *level, const char *basis, eco_day_t from, eco_day_t to, eco_tgt_ent_cb cb,
                     void *cbud)
{
    return 0;
}

/* the store's daily air values over [from, to] (the reader connection is held until api_days_close) */
int api_days_open(api_req_t *r, eco_day_t from, eco_day_t to, eco_store_t **st, eco_airdays_t **a,
                  eco_tgt_source_t *src)
{
    *a = NULL;
    if (!(*st = api_reader_get(r->api))) return api_error(r, 503, "unavailable", "shutting down");
    eco_err_t err;
    eco_err_clear(&err);
    int rc = eco_airdays_open(a, *st, from, to, &err);
    if (rc == ECO_ENODATA) { /* nothing stored for the range: no entity */
        *src = (eco_tgt_source_t){.ud = NULL, .stat = none_stat, .each = none_each};
        return 0;
    }
    if (rc < 0) {
        api_reader_put(r->api, *st);
        return api_error(r, rc == ECO_ENOMEM ? 500 : 503, "store", "reading the daily air values: %s", err.msg);
    }
    *src = eco_airdays_source(*a);
    return 0;
}

void api_days_close(api_req_t *r, eco_store_t *st, eco_airdays_t *a)
{
    eco_airdays_close(a);
    api_reader_put(r->api, st);
}

typedef struct tg_extra {
    const eco_plan_t *plan;
    eco_day_t asof;
    int N, D;
} tg_extra_t;

static void targets_extra(eco_json_t *j, void *ud)
{
    const tg_extra_t *x = ud;
    char d[16];
    eco_day_format(x->asof, d, sizeof d);
    eco_json_key(j, "plan");
    eco_json_str(j, x->plan->name);
    eco_json_key(j, "year");
    eco_json_int(j, x->plan->year);
    eco_json_key(j, "as_of");
    eco_json_str(j, d);
    eco_json_key(j, "days_elapsed");
    eco_json_int(j, x->D);
    eco_json_key(j, "days_total");
    eco_json_int(j, x->N);
}

int api_targets(api_req_t *r)
{
    static const char *const cols[] = {"id",        "name",     "indicator", "scope",    "level",    "basis",
                                       "period",    "comparator", "target",  "value",    "unit",     "decimals",
                                       "status",    "status_text", "projected", "required", "completeness", "goal",
                                       "reason",    "furthest"};
    const char *plan_path = r->api->cfg.targets_plan;
    if (!plan_path[0])
        return api_error(r, 404, "not_configured", "no plan: set [http] targets_plan = FILE in the server's config");
    const char *lang = api_arg(r, "lang");
    if (lang && strcmp(lang, "zh") && strcmp(lang, "en")) return api_error(r, 400, "bad_request", "lang: zh or en");
    int zh = !lang || !strcmp(lang, "zh");
    eco_plan_t *plan = malloc(sizeof *plan);
    if (!plan) return api_error(r, 500, "internal", "out of memory");
    char msg[300];
    if (eco_plan_load(plan, plan_path, msg, sizeof msg) < 0) {
        free(plan);
        return api_error(r, 500, "plan_error", "%s", msg);
    }
    int Y = plan->year;
    eco_day_t y0 = eco_day_from_civil(Y, 1, 1), y1 = eco_day_from_civil(Y + 1, 1, 1) - 1;
    eco_day_t asof = eco_time_day(eco_time_from_utc((int64_t)time(NULL)));
    const char *as = api_arg(r, "as_of");
    if (as && eco_day_parse(eco_slice_cstr(as), &asof) < 0) {
        free(plan);
        return api_error(r, 400, "bad_request", "as_of: '%s' is not a date", as);
    }
    if (asof > y1) asof = y1;
    if (asof < y0) {
        free(plan);
        return api_error(r, 400, "bad_request", "as_of: before the plan's year %d", Y);
    }
    eco_store_t *st;
    eco_airdays_t *days;
    eco_tgt_source_t src; /* last year and this year to the as-of date; nothing stored yet: every target "no data" */
    if (api_days_open(r, eco_day_from_civil(Y - 1, 1, 1), asof, &st, &days, &src) < 0) {
        free(plan);
        return 0;
    }
    eco_tgt_row_t *rows = calloc((size_t)(plan->n ? plan->n : 1), sizeof *rows);
    tg_extra_t x = {plan, asof, 0, 0};
    /* the water targets read the store's samples while the report runs (the reader is held until then) */
    eco_err_t err;
    eco_err_clear(&err);
    int er = eco_store_water_source(st, &src, &err);
    if (er == 0) er = rows ? eco_tgt_report(plan, asof, zh, &src, rows, &x.N, &x.D) : ECO_ENOMEM;
    char werr[sizeof err.msg];
    snprintf(werr, sizeof werr, "%s", src.wud ? eco_store_water_error(&src) : err.msg);
    eco_store_water_source_free(&src);
    if (er < 0) {
        api_error(r, er == ECO_ENOMEM ? 500 : 503, er == ECO_ENOMEM ? "internal" : "store", "evaluating the plan: %s%s%s",
                  eco_strerror(er), werr[0] ? ": " : "", werr);
    } else {
        char period[40], f[16], t2[16];
        eco_day_format(y0, f, sizeof f);
        eco_day_format(y1, t2, sizeof t2);
        snprintf(period, sizeof period, "%s..%s", f, t2);
        static const char *const cmp_ascii[] = {"<", "<=", ">", ">="};
        tw_t t;
        tw_begin(&t, r, "targets", cols, 20);
        for (int i = 0; i < plan->n; i++) {
            const eco_tgt_row_t *w = &rows[i];
            const eco_target_def_t *d = w->def;
            int dec = w->decimals;
            tw_row(&t);
            tw_str(&t, d->id);
            tw_str(&t, d->title);
            tw_str(&t, d->indicator);
            tw_str(&t, d->scope);
            tw_str(&t, d->level);
            tw_str(&t, d->basis);
            tw_str(&t, period);
            tw_str(&t, cmp_ascii[d->cmp]);
            tw_num(&t, w->target);
            /* the statistic as published (PM2.5 integer, ratios 1 decimal, composite 2) */
            tw_num(&t, isfinite(w->value) ? eco_round_half_even(w->value, dec) : NAN);
            tw_str(&t, w->unit);
            tw_int(&t, dec, 1);
            tw_str(&t, w->key);
            tw_str(&t, w->status);
            tw_num(&t, isfinite(w->projected) ? eco_round_half_even(w->projected, dec + 1) : NAN);
            tw_num(&t, isfinite(w->required) ? eco_round_half_even(w->required, dec + 1) : NAN);
            tw_num(&t, isfinite(w->completeness) ? eco_round_half_even(w->completeness, 1) : NAN);
            tw_str(&t, w->goal);
            tw_str(&t, w->reason);
            tw_str(&t, w->furthest);
            tw_row_end(&t);
        }
        tw_end(&t, targets_extra, &x);
    }
    free(rows);
    api_days_close(r, st, days);
    free(plan);
    return 0;
}

/* ------------------------------------------------------------------ GET /api/v1/rankings */

const param_def_t api_p_rankings[] = {
    {"index", "enum:composite|composite-change|pm2_5|good-days|cwqi", "the index (default composite, 综合指数; cwqi: 城市水质指数 of the water sections)"},
    {"by", "enum:city|county|site|province", "entity level (default city)"},
    {"period", "string", "YYYY-MM, YYYY-Qn, YYYY or FROM..TO (default: the last complete month, Beijing)"},
    {"top", "integer", "only the best N ranks (ties included) and the last N places"},
    {"edition", "enum:auto|2012|2026", "rule set: auto (each day by its date, default), 2012 or 2026"},
    {"lang", "enum:zh|en", "language of title (default zh)"},
    {NULL, NULL, NULL}};

typedef struct rk_extra {
    const eco_rank_index_info_t *in;
    const char *by, *basis, *period;
    eco_day_t from, to;
    int top, zh;
} rk_extra_t;

static void rankings_extra(eco_json_t *j, void *ud)
{
    const rk_extra_t *x = ud;
    char d[16];
    eco_json_key(j, "index");
    eco_json_str(j, x->in->key);
    eco_json_key(j, "title");
    eco_json_str(j, x->zh ? x->in->zh : x->in->en);
    eco_json_key(j, "by");
    eco_json_str(j, x->by);
    eco_json_key(j, "period");
    eco_json_str(j, x->period);
    eco_day_format(x->from, d, sizeof d);
    eco_json_key(j, "from");
    eco_json_str(j, d);
    eco_day_format(x->to, d, sizeof d);
    eco_json_key(j, "to");
    eco_json_str(j, d);
    eco_day_format(eco_rank_year_before(x->from), d, sizeof d);
    eco_json_key(j, "prev_from");
    eco_json_str(j, d);
    eco_day_format(eco_rank_year_before(x->to), d, sizeof d);
    eco_json_key(j, "prev_to");
    eco_json_str(j, d);
    eco_json_key(j, "basis");
    eco_json_str(j, x->basis);
    eco_json_key(j, "top");
    if (x->top) eco_json_int(j, x->top);
    else eco_json_null(j);
}

int api_rankings(api_req_t *r)
{
    static const char *const cols[] = {"rank", "entity", "value", "prev_value", "change", "change_rank", "meets_all",
                                       "edition"};
    const char *index = api_arg(r, "index"), *by = api_arg(r, "by"), *period = api_arg(r, "period"),
               *top_s = api_arg(r, "top"), *ed = api_arg(r, "edition"), *lang = api_arg(r, "lang");
    eco_rank_index_t ix = ECO_RIX_COMPOSITE;
    if (index && eco_rank_index_parse(index, &ix) < 0)
        return api_error(r, 400, "bad_request", "index: composite, composite-change, pm2_5, good-days or cwqi, not '%s'",
                         index);
    if (!by) by = "city";
    if (strcmp(by, "city") && strcmp(by, "county") && strcmp(by, "site") && strcmp(by, "province"))
        return api_error(r, 400, "bad_request", "by: city, county, site or province, not '%s'", by);
    const char *basis = "date";
    if (ed && strcmp(ed, "auto")) {
        if (strcmp(ed, "2012") && strcmp(ed, "2026"))
            return api_error(r, 400, "bad_request", "edition: auto, 2012 or 2026, not '%s'", ed);
        basis = ed;
    }
    if (lang && strcmp(lang, "zh") && strcmp(lang, "en")) return api_error(r, 400, "bad_request", "lang: zh or en");
    if (ix == ECO_RIX_CWQI && ed)
        return api_error(r, 400, "bad_request", "edition: for the air indices; cwqi follows GB 3838-2002 (no edition)");
    int top = 0;
    if (top_s) {
        char *end;
        long v = strtol(top_s, &end, 10);
        if (!*top_s || *end || v < 1 || v > 100000)
            return api_error(r, 400, "bad_request", "top: a positive integer, not '%s'", top_s);
        top = (int)v;
    }
    eco_day_t from, to;
    int range;
    char defp[32];
    if (!period) { /* the last complete month (Beijing) */
        int y, m, d;
        eco_day_to_civil(eco_time_day(eco_time_from_utc((int64_t)time(NULL))), &y, &m, &d);
        if (--m == 0) m = 12, y--;
        snprintf(defp, sizeof defp, "%04d-%02d", y, m);
        period = defp;
    }
    if (eco_rank_period_parse(period, &from, &to, &range) < 0)
        return api_error(r, 400, "bad_request", "period: '%s' is not YYYY-MM, YYYY-Qn, YYYY or FROM..TO", period);
    if (to - from > 366) /* with the year before, two years of every station's hours are read */
        return api_error(r, 400, "bad_request", "period: '%s' spans more than 366 days: ask in pieces", period);
    eco_store_t *st;
    eco_airdays_t *days = NULL;
    eco_tgt_source_t src = {0}; /* the period and the same dates a year earlier; nothing stored: no rows */
    int water = ix == ECO_RIX_CWQI;
    eco_err_t err;
    eco_err_clear(&err);
    eco_rank_row_t *rows = NULL;
    size_t n = 0;
    int er = 0;
    if (water) { /* CWQI reads the water sections' samples, no air; the reader is held while they are read */
        if (!(st = api_reader_get(r->api))) return api_error(r, 503, "unavailable", "shutting down");
        er = eco_store_water_source(st, &src, &err);
        if (!er) er = eco_rank_report(&src, ix, by, basis, from, to, &rows, &n);
        if (er < 0 && src.wud) snprintf(err.msg, sizeof err.msg, "%s", eco_store_water_error(&src));
        eco_store_water_source_free(&src);
    } else {
        if (api_days_open(r, eco_rank_year_before(from), to, &st, &days, &src) < 0) return 0;
        er = eco_rank_report(&src, ix, by, basis, from, to, &rows, &n);
    }
    if (er < 0) {
        /* out of memory is ours; anything else came from reading the store */
        api_error(r, er == ECO_ENOMEM ? 500 : 503, er == ECO_ENOMEM ? "internal" : "store", "ranking %s by %s over %s: %s%s%s",
                  eco_rank_index_info(ix)->key, by, period, eco_strerror(er), water && err.msg[0] ? ": " : "",
                  water ? err.msg : "");
    } else {
        rk_extra_t x = {eco_rank_index_info(ix), by, basis, period, from, to, top, !lang || !strcmp(lang, "zh")};
        tw_t t;
        tw_begin(&t, r, "rankings", cols, 8);
        for (size_t i = 0; i < n; i++) {
            const eco_rank_row_t *w = &rows[i];
            if (!eco_rank_keep(rows, n, i, top)) continue;
            tw_row(&t);
            tw_int(&t, w->rank, w->rank > 0);
            tw_str(&t, w->entity);
            tw_num(&t, w->value);
            tw_num(&t, w->prev);
            tw_num(&t, w->change);
            tw_int(&t, w->change_rank, w->change_rank > 0);
            tw_bool(&t, w->meets_all);
            tw_str(&t, w->edition);
            tw_row_end(&t);
        }
        tw_end(&t, rankings_extra, &x);
    }
    free(rows);
    if (water) api_reader_put(r->api, st);
    else api_days_close(r, st, days);
    return 0;
}
