/* targets_report.c — the report of a plan: for each target the statistic to
 * date, last year's, last year's remaining dates, the evaluation (targets.c)
 * and the answer in words. Shared by `ecobrain targets report` (from CSV or
 * the store) and GET /api/v1/targets, so both say exactly the same thing.
 * The statistics come from an eco_tgt_source_t; nothing here reads data.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brain/targets.h"
#include "core/error.h"

typedef struct ind_info {
    const char *key;
    eco_tgt_kind_t kind;
    int decimals;
    const char *zh, *en, *unit;
} ind_info_t;

static const ind_info_t inds[] = {
    {"air.pm2_5_mean", ECO_TGT_LEVEL, 0, "PM2.5平均浓度", "PM2.5 mean", "µg/m³"},
    {"air.pm10_mean", ECO_TGT_LEVEL, 0, "PM10平均浓度", "PM10 mean", "µg/m³"},
    {"air.o3_8h_p90", ECO_TGT_LEVEL, 0, "O3日最大8小时第90百分位", "O3 MDA8 P90", "µg/m³"},
    {"air.composite", ECO_TGT_LEVEL, 2, "综合指数", "composite index", ""},
    {"air.good_ratio", ECO_TGT_RATIO, 1, "优良天数比例", "good-day ratio", "%"},
    {"air.days_moderate", ECO_TGT_COUNT, 0, "中度污染天数", "moderate-pollution days", "d"},
    {"air.days_heavy", ECO_TGT_COUNT, 0, "重度及以上污染天数", "heavy-pollution days", "d"},
};

/* value of an indicator in a period's statistics, and the days behind it */
static double ind_value(const ind_info_t *in, const eco_air_period_t *s, int *valid)
{
    *valid = 0;
    if (!s) return NAN;
    const char *k = in->key + 4;
    if (!strcmp(k, "pm2_5_mean") || !strcmp(k, "pm10_mean") || !strcmp(k, "o3_8h_p90")) {
        eco_air_ind_t i = k[1] == 'm' && k[2] == '2' ? ECO_AIR_PM25 : k[0] == 'p' ? ECO_AIR_PM10 : ECO_AIR_O3_8H;
        *valid = s->nvalid[i];
        if (!s->nvalid[i]) return NAN;
        return i == ECO_AIR_O3_8H ? s->pct[i] : s->mean[i];
    }
    if (!strcmp(k, "composite")) {
        *valid = s->days_with_data;
        return s->composite;
    }
    *valid = s->aqi_days;
    if (!s->aqi_days) return NAN;
    if (!strcmp(k, "good_ratio")) return s->good_ratio;
    if (!strcmp(k, "days_moderate")) return s->moderate_days;
    return s->heavy_days;
}

/* the cities furthest from a province-wide target */
typedef struct far_ctx {
    const ind_info_t *in;
    double lim;
    int upper;
    struct {
        char name[96];
        double v;
        int set;
    } best[3];
} far_ctx_t;

static void on_city(void *ud, const char *entity, const eco_air_period_t *st)
{
    far_ctx_t *f = ud;
    int vv;
    double v = ind_value(f->in, st, &vv);
    if (!isfinite(v)) return;
    double gap = f->upper ? v - f->lim : f->lim - v;
    if (gap <= 0) return;
    for (int b = 0; b < 3; b++) {
        double bg = f->best[b].set ? (f->upper ? f->best[b].v - f->lim : f->lim - f->best[b].v) : -1;
        if (gap > bg) {
            memmove(&f->best[b + 1], &f->best[b], (size_t)(2 - b) * sizeof f->best[0]);
            snprintf(f->best[b].name, sizeof f->best[b].name, "%s", entity);
            f->best[b].v = v;
            f->best[b].set = 1;
            break;
        }
    }
}

static const char *status_key(eco_tgt_status_t s)
{
    static const char *const k[] = {"met", "on_track", "at_risk", "missed", "no_data"};
    return (unsigned)s < 5 ? k[s] : "no_data";
}

int eco_tgt_report(const eco_plan_t *plan, eco_day_t asof, int zh, const eco_tgt_source_t *src, eco_tgt_row_t *rows,
                   int *Np, int *Dp)
{
    int Y = plan->year;
    eco_day_t y0 = eco_day_from_civil(Y, 1, 1), y1 = eco_day_from_civil(Y + 1, 1, 1) - 1;
    if (asof > y1) asof = y1;
    if (asof < y0) return ECO_ERANGE;
    eco_day_t p0 = eco_day_from_civil(Y - 1, 1, 1), p1 = y0 - 1;
    /* last year's dates matching the rest of this year */
    eco_day_t rest0 = asof < y1 ? eco_tgt_rest_start(Y, asof) : 0;
    int N = (int)(y1 - y0 + 1), D = (int)(asof - y0 + 1);
    *Np = N;
    *Dp = D;
    eco_tgt_wstate_t *ws = NULL;
    for (int i = 0; i < plan->n; i++)
        if (eco_tgt_is_water(plan->t[i].indicator)) {
            int r = eco_tgt_water_load(src, Y, asof, &ws);
            if (r < 0) return r;
            break;
        }
    int rc = 0;
    for (int i = 0; i < plan->n; i++) {
        const eco_target_def_t *td = &plan->t[i];
        eco_tgt_row_t *row = &rows[i];
        memset(row, 0, sizeof *row);
        row->def = td;
        row->value = row->target = row->projected = row->required = row->completeness = NAN;
        const ind_info_t *in = NULL;
        for (size_t k = 0; k < sizeof inds / sizeof *inds; k++)
            if (!strcmp(inds[k].key, td->indicator)) in = &inds[k];
        char *goal = row->goal, *reason = row->reason, *furthest = row->furthest;
        size_t sgoal = sizeof row->goal, sreason = sizeof row->reason, sfurthest = sizeof row->furthest;
        row->unit = td->unit;
        if (eco_tgt_is_water(td->indicator)) {
            eco_tgt_water_row(ws, td, zh, N, D, row);
            continue;
        }
        if (!in) {
            row->key = "not_evaluated";
            row->status = zh ? "未评估" : "not evaluated";
            snprintf(reason, sreason, zh ? "指标 %s 尚不能由本命令计算（需要水质等输入，尚未实现）"
                                         : "indicator %s is not computed by this command yet (needs water or other input)",
                     td->indicator);
            if (td->has_value) {
                snprintf(goal, sgoal, "%s %g%s", eco_cmp_text(td->cmp), td->value, td->unit);
                row->target = td->value;
            }
            continue;
        }
        if (!src->stat) { /* only water input was given */
            row->key = "not_evaluated";
            row->status = zh ? "未评估" : "not evaluated";
            snprintf(reason, sreason, zh ? "未提供空气数据（--input 或 --data）" : "no air data given (--input or --data)");
            if (td->has_value) {
                const char *u = td->unit[0] ? td->unit : in->unit;
                snprintf(goal, sgoal, "%s %g%s%s", eco_cmp_text(td->cmp), td->value, u[0] && strcmp(u, "%") ? " " : "", u);
                row->target = td->value;
            }
            continue;
        }
        row->decimals = in->decimals;
        if (!td->unit[0]) row->unit = in->unit;
        eco_air_period_t sc, sl, sr;
        int fc = src->stat(src->ud, td->level, td->basis, td->scope, y0, asof, &sc);
        if (fc < 0) {
            rc = fc;
            break;
        }
        int fl = src->stat(src->ud, td->level, td->basis, td->scope, p0, p1, &sl);
        if (fl < 0) {
            rc = fl;
            break;
        }
        int fr = 0;
        if (asof < y1 && (fr = src->stat(src->ud, td->level, td->basis, td->scope, rest0, p1, &sr)) < 0) {
            rc = fr;
            break;
        }
        int valid = 0, vl = 0, vr = 0;
        double m = ind_value(in, fc ? &sc : NULL, &valid), base = ind_value(in, fl ? &sl : NULL, &vl),
               hr = ind_value(in, fr ? &sr : NULL, &vr);
        eco_tgt_in_t ti = {in->kind, td->cmp, td->value, N, D, valid, m, hr, in->decimals};
        if (td->has_change) {
            if (!isfinite(base)) {
                row->key = "no_base";
                row->status = zh ? "无基数" : "no base";
                snprintf(reason, sreason, zh ? "%d年无有效数据，无法计算变化目标" : "no valid data for %d: the change target has no base",
                         Y - 1);
                continue;
            }
            ti.target = base * (1 + td->change_pct / 100.0);
            snprintf(goal, sgoal, "%+g%% (%d: %.*f → %s %.1f)", td->change_pct, Y - 1, in->decimals, base,
                     eco_cmp_text(td->cmp), ti.target);
        } else {
            const char *u = td->unit[0] ? td->unit : in->unit;
            snprintf(goal, sgoal, "%s %g%s%s", eco_cmp_text(td->cmp), td->value, u[0] && strcmp(u, "%") ? " " : "", u);
        }
        row->target = ti.target;
        eco_tgt_out_t to;
        eco_tgt_eval(&ti, &to);
        row->key = status_key(to.status);
        row->status = eco_tgt_status_name(to.status, zh);
        int dec = in->decimals;
        row->value = m;
        row->projected = to.projected;
        row->required = to.required;
        row->completeness = 100.0 * valid / (D ? D : 1);
        if (isfinite(m)) snprintf(row->to_date, sizeof row->to_date, "%.*f", dec, m);
        snprintf(row->compl_txt, sizeof row->compl_txt, "%.0f%%", row->completeness); /* valid days of the days elapsed */
        if (isfinite(to.projected)) snprintf(row->proj, sizeof row->proj, "%.*f", dec + 1, to.projected);
        int R = N - D;
        if (to.status == ECO_ST_NO_DATA) {
            snprintf(reason, sreason, zh ? "无有效数据" : "no valid data to date");
        } else if (R == 0) {
            snprintf(reason, sreason, zh ? "全年%s %.*f，目标 %s" : "the year's %s is %.*f; goal %s", zh ? in->zh : in->en,
                     dec, m, goal);
        } else if (in->kind == ECO_TGT_LEVEL) {
            snprintf(row->req, sizeof row->req, "%.*f", dec + 1, to.required);
            if (zh)
                snprintf(reason, sreason, "前%d天均值 %.*f；余下%d天均值须%s %.*f 才能达到 %s；%s预计全年 %.*f", D, dec, m,
                         R, eco_cmp_text(td->cmp), dec + 1, to.required, goal,
                         isfinite(hr) ? "按去年同期水平" : "按当前水平", dec + 1, to.projected);
            else
                snprintf(reason, sreason,
                         "mean %.*f over the first %d days; the remaining %d days must average %s %.*f to meet "
                         "%s; projected %.*f (%s)",
                         dec, m, D, R, eco_cmp_text(td->cmp), dec + 1, to.required, goal, dec + 1, to.projected,
                         to.method);
            if (!to.feasible) strncat(reason, zh ? "（已不可能）" : " (no longer possible)", sreason - strlen(reason) - 1);
        } else if (in->kind == ECO_TGT_RATIO) {
            snprintf(row->req, sizeof row->req, "%.1f%%", to.required);
            if (zh)
                snprintf(reason, sreason, "前%d天优良比例 %.1f%%；余下%d天中须有 %.1f%% 为优良；%s预计全年 %.1f%%", D, m, R,
                         to.required, isfinite(hr) ? "按去年同期水平" : "按当前水平", to.projected);
            else
                snprintf(reason, sreason,
                         "%.1f%% good over the first %d days; %.1f%% of the remaining %d days must be good; "
                         "projected %.1f%% (%s)",
                         m, D, to.required, R, to.projected, to.method);
            if (!to.feasible) strncat(reason, zh ? "（已不可能）" : " (no longer possible)", sreason - strlen(reason) - 1);
        } else {
            snprintf(row->req, sizeof row->req, "%.0f", to.required);
            if (zh)
                snprintf(reason, sreason, "已发生 %.0f 天；全年上限 %.1f 天，余下%d天最多还可有 %.0f 天；%s预计全年 %.1f 天", m,
                         ti.target, R, floor(to.required), isfinite(hr) ? "按去年同期水平" : "按当前频率", to.projected);
            else
                snprintf(reason, sreason,
                         "%.0f days so far; the cap for the year is %.1f, so at most %.0f more in the remaining %d "
                         "days; projected %.1f (%s)",
                         m, ti.target, floor(to.required), R, to.projected, to.method);
            if (!to.feasible) strncat(reason, zh ? "（已超出）" : " (already over)", sreason - strlen(reason) - 1);
        }
        /* a province-wide target: the cities furthest from it */
        if (!strcmp(td->level, "province") && to.status != ECO_ST_NO_DATA) {
            far_ctx_t f;
            memset(&f, 0, sizeof f);
            f.in = in;
            f.upper = td->cmp == ECO_CMP_LT || td->cmp == ECO_CMP_LE;
            f.lim = in->kind == ECO_TGT_COUNT ? ti.target * D / N : ti.target;
            int r = src->each(src->ud, "city", td->basis, y0, asof, on_city, &f);
            if (r < 0) {
                rc = r;
                break;
            }
            for (int b = 0; b < 3 && f.best[b].set; b++) {
                char one[160];
                snprintf(one, sizeof one, "%s%s %.*f", b ? "; " : "", f.best[b].name, in->decimals, f.best[b].v);
                /* at most 79 bytes per city, as the report always had, cut before a UTF-8 continuation
                 * byte so that a Chinese name is never split mid-character */
                size_t cut = strlen(one) > 79 ? 79 : strlen(one);
                while (cut > 0 && ((unsigned char)one[cut] & 0xC0) == 0x80) cut--;
                one[cut] = 0;
                size_t room = sfurthest - strlen(furthest) - 1, ol = strlen(one);
                if (ol > room) { /* the same for the whole list */
                    ol = room;
                    while (ol > 0 && ((unsigned char)one[ol] & 0xC0) == 0x80) ol--;
                    one[ol] = 0;
                }
                strncat(furthest, one, room);
            }
        }
    }
    eco_tgt_water_free(ws);
    return rc;
}
