/* routes_brain.c — the brain's routes: where the plan's targets stand.
 *
 * Why a file of its own: these answers are computed, not looked up — the
 * store's hourly air values are read into arrays (eco_store_air_grid) and the
 * report is src/brain's (eco_tgt_report), the same that `ecobrain targets
 * report --data` prints, so the API and the CLI cannot disagree. This file
 * only picks the parameters and writes the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "air/grid.h"
#include "api/tw.h"
#include "brain/targets.h"
#include "store/store.h"

static int grid_stat(void *ud, const char *level, const char *basis, const char *entity, eco_day_t from, eco_day_t to,
                     eco_air_period_t *out)
{
    return eco_air_grid_stat(ud, level, basis, entity, from, to, out);
}

static int grid_each(void *ud, const char *level, const char *basis, eco_day_t from, eco_day_t to, eco_tgt_ent_cb cb,
                     void *cbud)
{
    return eco_air_grid_each(ud, level, basis, from, to, cb, cbud);
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
    eco_store_t *st = api_reader_get(r->api);
    if (!st) {
        free(plan);
        return api_error(r, 503, "unavailable", "shutting down");
    }
    eco_air_grid_t g;
    eco_err_t err;
    eco_err_clear(&err);
    int rc = eco_store_air_grid(st, (eco_time_t)eco_day_from_civil(Y - 1, 1, 1) * ECO_DAY_S,
                                (eco_time_t)(asof + 1) * ECO_DAY_S - 1, &g, &err);
    api_reader_put(r->api, st);
    if (rc == ECO_ENODATA) rc = eco_air_grid_init(&g, y0, 1, 0); /* nothing stored yet: every target "no data" */
    if (rc < 0) {
        free(plan);
        return api_error(r, rc == ECO_ENOMEM ? 500 : 503, "store", "reading the hourly air values: %s", err.msg);
    }
    eco_tgt_row_t *rows = calloc((size_t)(plan->n ? plan->n : 1), sizeof *rows);
    tg_extra_t x = {plan, asof, 0, 0};
    eco_tgt_source_t src = {&g, grid_stat, grid_each};
    int er = rows ? eco_tgt_report(plan, asof, zh, &src, rows, &x.N, &x.D) : ECO_ENOMEM;
    if (er < 0) {
        api_error(r, 500, "internal", "evaluating the plan: %s", eco_strerror(er));
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
    eco_air_grid_free(&g);
    free(plan);
    return 0;
}
