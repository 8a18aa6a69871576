/* targets_water.c — water targets of a plan: shares of sections, sources and wells.
 *
 * Why a second path beside the air statistics: the water targets of a plan
 * (省控断面Ⅲ类及以上比例 ≥ 94 %, 地下水Ⅴ类比例 ≤ 27.7 %, 饮用水水源地达标率
 * 100 %) are shares of *sites*, not of days. A site's period value is the
 * mean of its samples (环办〔2011〕22号; pH through [H+]) classed by GB 3838,
 * a well's class the worst of its samples (GB/T 14848, as `groundwater
 * assess` does by default), a source compliant when its basic class is Ⅲ or
 * better and no GB 3838 Table 2 item's mean is over its limit — the rules of
 * src/water, applied per site over the year to date. So the questions become
 * "how many sites must be good for the share to hold" and "which sites stand
 * in the way", and that is what the rows say.
 *
 * Projection (said in each row): every site's samples to date plus last
 * year's samples of the same remaining dates, classed together — the year as
 * it ends if the rest of it looks like last year; without last year's data
 * the share to date persists.
 *
 * One pass over the samples of last year's 1 Jan .. asof fills two
 * accumulators per site (this year to date; the projection: to date plus last
 * year's remaining dates); every water target of the plan reads them.
 * Nothing here reads data: the samples come from the source.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brain/targets.h"
#include "core/error.h"
#include "water/assess.h"
#include "water/groundwater.h"
#include "water/sea.h"

enum { P_CUR, P_PROJ, P_NP };

typedef struct wsite_acc {
    eco_water_acc_t w[P_NP];
    eco_gw_acc_t *g;                        /* groundwater sites: P_NP accumulators */
    eco_sea_acc_t *sea;                     /* sea points: P_NP accumulators */
    double xsum[P_NP][ECO_W_TABLE2_N];      /* drinking: Table 2 items */
    int xn[P_NP][ECO_W_TABLE2_N];
    long n[P_NP];                           /* samples */
} wsite_acc_t;

struct eco_tgt_wstate {
    const eco_tgt_source_t *src;
    wsite_acc_t *acc;
    eco_day_t y0, asof, p0, p1, rest0;      /* rest0 > p1: no remaining dates */
    uint32_t wset, seaset;
    eco_gw_set_t gwset;
};

typedef struct wind {
    const char *key;
    eco_tgt_wkind_t kind;
    int higher_better;                      /* the share of sites meeting `good` */
    const char *zh, *en, *site_zh, *site_en;
} wind_t;

static const wind_t winds[] = {
    {"water.share_i_iii", ECO_TGT_W_SURFACE, 1, "Ⅰ～Ⅲ类断面比例", "share of sections at Class I-III", "断面", "sections"},
    {"water.share_worse_v", ECO_TGT_W_SURFACE, 0, "劣Ⅴ类断面比例", "share of sections worse than Class V", "断面",
     "sections"},
    {"drinking.compliance", ECO_TGT_W_DRINKING, 1, "饮用水水源地达标率", "drinking-water sources compliant", "水源地",
     "sources"},
    {"groundwater.share_v", ECO_TGT_W_GROUND, 0, "Ⅴ类点位比例", "share of points at Class V", "点位", "points"},
    {"groundwater.share_i_iii", ECO_TGT_W_GROUND, 1, "Ⅰ～Ⅲ类点位比例", "share of points at Class I-III", "点位",
     "points"},
    {"sea.share_i_ii", ECO_TGT_W_SEA, 1, "近岸海域优良（一、二类）水质点位比例", "share of nearshore points at Class 1-2",
     "点位", "points"},
};

static const wind_t *wind_of(const char *key)
{
    for (size_t k = 0; k < sizeof winds / sizeof *winds; k++)
        if (!strcmp(winds[k].key, key)) return &winds[k];
    return NULL;
}

int eco_tgt_is_water(const char *indicator)
{
    return !strncmp(indicator, "water.", 6) || !strncmp(indicator, "drinking.", 9) ||
           !strncmp(indicator, "groundwater.", 12) || !strncmp(indicator, "sea.", 4);
}

static void acc_add(struct eco_tgt_wstate *w, wsite_acc_t *a, const eco_tgt_wsite_t *site, int p,
                    const eco_tgt_wsample_t *s)
{
    a->n[p]++;
    if (site->kind == ECO_TGT_W_GROUND) {
        eco_gw_acc_add(&a->g[p], s->v, w->gwset);
        return;
    }
    if (site->kind == ECO_TGT_W_SEA) {
        eco_sea_acc_add(&a->sea[p], s->v, w->seaset);
        return;
    }
    eco_water_acc_add(&a->w[p], s->v);
    if (site->kind == ECO_TGT_W_DRINKING && s->x)
        for (int k = 0; k < ECO_W_TABLE2_N; k++)
            if (isfinite(s->x[k])) a->xsum[p][k] += s->x[k], a->xn[p][k]++;
}

static int on_sample(void *ud, const eco_tgt_wsample_t *s)
{
    struct eco_tgt_wstate *w = ud;
    if (s->site >= w->src->nwsites) return 0;
    const eco_tgt_wsite_t *site = &w->src->wsites[s->site];
    wsite_acc_t *a = &w->acc[s->site];
    if (s->day >= w->y0 && s->day <= w->asof) {
        acc_add(w, a, site, P_CUR, s);
        acc_add(w, a, site, P_PROJ, s);
    } else if (s->day >= w->rest0 && s->day <= w->p1) {
        acc_add(w, a, site, P_PROJ, s);
    }
    return 0;
}

void eco_tgt_water_free(eco_tgt_wstate_t *w)
{
    if (!w) return;
    if (w->acc)
        for (size_t i = 0; i < w->src->nwsites; i++) free(w->acc[i].g), free(w->acc[i].sea);
    free(w->acc);
    free(w);
}

int eco_tgt_water_load(const eco_tgt_source_t *src, int Y, eco_day_t asof, eco_tgt_wstate_t **out)
{
    *out = NULL;
    if (!src->wsamples) return 0;
    struct eco_tgt_wstate *w = calloc(1, sizeof *w);
    if (!w) return ECO_ENOMEM;
    w->src = src;
    w->y0 = eco_day_from_civil(Y, 1, 1);
    eco_day_t y1 = eco_day_from_civil(Y + 1, 1, 1) - 1;
    w->asof = asof;
    w->p0 = eco_day_from_civil(Y - 1, 1, 1);
    w->p1 = w->y0 - 1;
    /* last year's dates matching the rest of this year, as for the air targets */
    w->rest0 = asof < y1 ? eco_tgt_rest_start(Y, asof) : w->p1 + 1;
    /* the deciding items: 22号's 21 (routine) of those the input has; GB/T 14848 Table 1 likewise */
    w->wset = eco_water_set_routine21 & src->wset;
    eco_gw_set_t routine = eco_gw_set_routine();
    w->gwset.w[0] = routine.w[0] & src->gwset[0];
    w->gwset.w[1] = routine.w[1] & src->gwset[1];
    w->seaset = eco_sea_set_nearshore & src->seaset; /* GB 3097 nearshore set (microbiological items out) */
    w->acc = calloc(src->nwsites ? src->nwsites : 1, sizeof *w->acc);
    if (!w->acc) {
        free(w);
        return ECO_ENOMEM;
    }
    for (size_t i = 0; i < src->nwsites; i++) {
        wsite_acc_t *a = &w->acc[i];
        for (int p = 0; p < P_NP; p++) eco_water_acc_init(&a->w[p]);
        if (src->wsites[i].kind == ECO_TGT_W_GROUND) {
            if (!(a->g = malloc(P_NP * sizeof *a->g))) {
                eco_tgt_water_free(w);
                return ECO_ENOMEM;
            }
            for (int p = 0; p < P_NP; p++) eco_gw_acc_init(&a->g[p]);
        } else if (src->wsites[i].kind == ECO_TGT_W_SEA) {
            if (!(a->sea = malloc(P_NP * sizeof *a->sea))) {
                eco_tgt_water_free(w);
                return ECO_ENOMEM;
            }
            for (int p = 0; p < P_NP; p++) eco_sea_acc_init(&a->sea[p]);
        }
    }
    int r = src->wsamples(src->wud, w->p0, asof, on_sample, w);
    if (r < 0) {
        eco_tgt_water_free(w);
        return r;
    }
    *out = w;
    return 0;
}

/* a site's verdict over period p: -1 no value; else its class (surface, groundwater) or 1/0 compliant
 * (drinking) into *cls / *ok; *worst: the worst deciding multiple (surface), for ordering */
static int site_verdict(const eco_tgt_wstate_t *w, size_t i, int p, int *cls, int *ok, double *worst)
{
    const eco_tgt_wsite_t *site = &w->src->wsites[i];
    const wsite_acc_t *a = &w->acc[i];
    *cls = 0;
    *ok = -1;
    *worst = NAN;
    if (!a->n[p]) return -1;
    if (site->kind == ECO_TGT_W_GROUND) {
        *cls = eco_gw_acc_class(&a->g[p], ECO_GW_POINT_WORST, w->gwset, NULL);
        return *cls ? 0 : -1;
    }
    if (site->kind == ECO_TGT_W_SEA) { /* a point's class from its item means (`sea assess`'s default) */
        *cls = eco_sea_acc_class(&a->sea[p], ECO_SEA_POINT_MEAN, w->seaset, NULL);
        return *cls ? 0 : -1;
    }
    double mean[ECO_W_NITEMS];
    eco_water_result_t res;
    eco_water_acc_mean(&a->w[p], mean);
    eco_water_classify(mean, site->lake ? ECO_WB_LAKE : ECO_WB_RIVER, w->wset, &res);
    if (!res.cls) return -1;
    *cls = res.cls;
    for (int k = 0; k < ECO_W_NITEMS; k++)
        if ((res.deciding & ECO_WBIT(k)) && isfinite(res.multiple[k]) && !(res.multiple[k] <= *worst))
            *worst = res.multiple[k];
    if (site->kind == ECO_TGT_W_DRINKING) {
        int over = 0;
        for (int k = 0; k < ECO_W_TABLE2_N; k++)
            if (a->xn[p][k] && a->xsum[p][k] / a->xn[p][k] > eco_water_table2[k].limit) over++;
        *ok = eco_water_source_compliant(res.cls, over);
    }
    return 0;
}

/* does the site count as "good" for the indicator (the share's numerator)? */
static int site_counts(const wind_t *in, int cls, int ok)
{
    if (!strcmp(in->key, "water.share_i_iii") || !strcmp(in->key, "groundwater.share_i_iii")) return cls <= 3;
    if (!strcmp(in->key, "water.share_worse_v")) return cls == 6;
    if (!strcmp(in->key, "groundwater.share_v")) return cls == ECO_GWCLASS_V;
    if (!strcmp(in->key, "sea.share_i_ii")) return cls <= 2;
    return ok == 1; /* drinking.compliance */
}

static int in_scope(const eco_target_def_t *td, const eco_tgt_wsite_t *s)
{
    const char *lv = td->level[0] ? td->level : "province";
    if (!strcmp(lv, "province") && (!td->scope[0] || !strcmp(td->scope, "province"))) return 1;
    const char *v = !strcmp(lv, "city") ? s->region[0] : !strcmp(lv, "county") ? s->region[1]
                    : !strcmp(lv, "province") ? s->region[2] : s->code;
    return v && !strcmp(v, td->scope);
}

/* "Ⅳ类" / "IV"; sea: "四类" / "Class 4" (GB 3097 numbers its classes in words) */
static void class_label(eco_tgt_wkind_t k, int cls, int zh, char *b, size_t n)
{
    static const char *const roman[7] = {"", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ"};
    static const char *const sea_zh[6] = {"", "一", "二", "三", "四", "劣四"};
    if (cls < 0 || cls > 6) cls = 0;
    if (k == ECO_TGT_W_SEA && zh)
        snprintf(b, n, "%s类", sea_zh[cls > 5 ? 0 : cls]);
    else if (k == ECO_TGT_W_SEA)
        snprintf(b, n, cls == 5 ? "worse than Class 4" : "Class %d", cls);
    else
        snprintf(b, n, "%s%s", roman[cls], zh ? "类" : "");
}

typedef struct blocker {
    size_t site;
    const char *code;
    int cls;
    double worst;
} blocker_t;

/* the sites standing in the way, the ones nearest to turning first (a lower class, then a smaller
 * multiple): the cheapest gains of the share */
static int cmp_blocker(const void *x, const void *y)
{
    const blocker_t *a = x, *b = y;
    if (a->cls != b->cls) return a->cls < b->cls ? -1 : 1;
    double wa = isfinite(a->worst) ? a->worst : INFINITY, wb = isfinite(b->worst) ? b->worst : INFINITY;
    if (wa != wb) return wa < wb ? -1 : 1;
    return strcmp(a->code, b->code);
}

void eco_tgt_water_row(const eco_tgt_wstate_t *w, const eco_target_def_t *td, int zh, int N, int D, eco_tgt_row_t *row)
{
    const wind_t *in = wind_of(td->indicator);
    char *reason = row->reason;
    size_t sreason = sizeof row->reason;
    if (td->has_value) {
        snprintf(row->goal, sizeof row->goal, "%s %g%%", eco_cmp_text(td->cmp), td->value);
        row->target = td->value;
    }
    row->decimals = 1;
    if (!td->unit[0]) row->unit = "%";
    if (!in || td->has_change || !w) {
        row->key = "not_evaluated";
        row->status = zh ? "未评估" : "not evaluated";
        if (!in)
            snprintf(reason, sreason, zh ? "指标 %s 尚未实现" : "indicator %s is not computed yet", td->indicator);
        else if (td->has_change)
            snprintf(reason, sreason, zh ? "水质目标只支持比例限值，不支持同比变化" : "water targets take a limit, not a change");
        else
            snprintf(reason, sreason,
                     zh ? "未提供水质数据（--water-input、--drinking-input、--groundwater-input、--sea-input 或 --data）"
                        : "no water data given (--water-input, --drinking-input, --groundwater-input, --sea-input or --data)");
        return;
    }
    const eco_tgt_source_t *src = w->src;
    size_t known = 0, n = 0, good = 0, pn = 0, pgood = 0, nb = 0;
    blocker_t *bl = malloc((src->nwsites ? src->nwsites : 1) * sizeof *bl);
    for (size_t i = 0; i < src->nwsites; i++) {
        const eco_tgt_wsite_t *s = &src->wsites[i];
        if (s->kind != in->kind || !in_scope(td, s)) continue;
        known++;
        int cls, ok;
        double worst;
        if (site_verdict(w, i, P_CUR, &cls, &ok, &worst) == 0) {
            n++;
            int c = site_counts(in, cls, ok);
            good += (size_t)c;
            if (bl && c != in->higher_better) bl[nb++] = (blocker_t){i, s->code, cls, worst};
        }
        if (site_verdict(w, i, P_PROJ, &cls, &ok, &worst) == 0) {
            pn++;
            pgood += (size_t)site_counts(in, cls, ok);
        }
    }
    row->completeness = known ? 100.0 * (double)n / (double)known : NAN;
    if (known) snprintf(row->compl_txt, sizeof row->compl_txt, "%zu/%zu", n, known);
    const char *sites = zh ? in->site_zh : in->site_en;
    if (!n) {
        row->key = "no_data";
        row->status = eco_tgt_status_name(ECO_ST_NO_DATA, zh);
        if (known)
            snprintf(reason, sreason,
                     zh ? "范围内%zu个%s今年尚无可定类的样品" : "none of the %zu %s in scope has a class this year (no sample "
                                                               "of a deciding item)",
                     known, sites);
        else
            snprintf(reason, sreason, zh ? "范围内没有%s" : "no %s in scope", sites);
        free(bl);
        return;
    }
    /* one rounding, as published (1 decimal, half away from zero), for every figure, text and test */
    double share = eco_water_round(100.0 * (double)good / (double)n, 1);
    row->value = share;
    snprintf(row->to_date, sizeof row->to_date, "%.1f%%", share);
    double pshare = pn ? eco_water_round(100.0 * (double)pgood / (double)pn, 1) : NAN;
    row->projected = pshare;
    if (isfinite(pshare)) snprintf(row->proj, sizeof row->proj, "%.1f%%", pshare);
    /* the count of sites the share needs: the fewest good ones (higher is better) or the most bad ones
     * allowed, judged as published (one decimal) */
    long need = -1;
    if (in->higher_better) {
        for (size_t k = 0; k <= n; k++)
            if (eco_cmp_holds(td->cmp, eco_water_round(100.0 * (double)k / (double)n, 1), td->value, 1)) {
                need = (long)k;
                break;
            }
    } else {
        for (size_t k = n + 1; k-- > 0;)
            if (eco_cmp_holds(td->cmp, eco_water_round(100.0 * (double)k / (double)n, 1), td->value, 1)) {
                need = (long)k;
                break;
            }
    }
    row->required = need >= 0 ? (double)need : NAN;
    if (need >= 0) snprintf(row->req, sizeof row->req, "%ld/%zu", need, n);
    int holds = eco_cmp_holds(td->cmp, share, td->value, 1);
    int pholds = isfinite(pshare) ? eco_cmp_holds(td->cmp, pshare, td->value, 1) : holds;
    eco_tgt_status_t st = D >= N ? (holds ? ECO_ST_MET : ECO_ST_MISSED) : holds && pholds ? ECO_ST_ON_TRACK : ECO_ST_AT_RISK;
    static const char *const keys[] = {"met", "on_track", "at_risk", "missed", "no_data"};
    row->key = keys[st];
    row->status = eco_tgt_status_name(st, zh);
    const char *name = zh ? in->zh : in->en;
    int len;
    if (zh)
        len = snprintf(reason, sreason, "%zu个%s中%zu个计入，%s %.1f%%，目标 %s", n, sites, good, name, share, row->goal);
    else
        len = snprintf(reason, sreason, "%zu of %zu %s count: %s %.1f%%; goal %s", good, n, sites, name, share, row->goal);
    size_t at = len > 0 && (size_t)len < sreason ? (size_t)len : strlen(reason);
    if (need < 0) {
        snprintf(reason + at, sreason - at, zh ? "；目标无法达到" : "; the goal cannot be met with %zu %s", n, sites);
    } else if (in->higher_better) {
        if ((size_t)need > good)
            snprintf(reason + at, sreason - at,
                     zh ? "；须至少%ld个，还差%ld个" : "; %ld needed at least, %ld more", need, need - (long)good);
        else
            snprintf(reason + at, sreason - at, zh ? "；须至少%ld个" : "; %ld needed at least", need);
    } else {
        if (good > (size_t)need)
            snprintf(reason + at, sreason - at,
                     zh ? "；最多%ld个，须减少%ld个" : "; %ld allowed at most, %ld too many", need, (long)good - need);
        else
            snprintf(reason + at, sreason - at, zh ? "；最多%ld个" : "; %ld allowed at most", need);
    }
    at = strlen(reason);
    if (D < N && isfinite(pshare))
        snprintf(reason + at, sreason - at,
                 zh ? "；按去年同期样品预计全年 %.1f%%" : "; projected %.1f%% (this year's samples and last year's of the remaining dates)",
                 pshare);
    /* the sites in the way: for a higher-is-better share those not counted, else those counted */
    if (bl && nb) {
        qsort(bl, nb, sizeof *bl, cmp_blocker);
        char *f = row->furthest;
        size_t sf = sizeof row->furthest;
        f[0] = 0;
        for (size_t k = 0; k < nb && k < 5; k++) {
            const eco_tgt_wsite_t *s = &src->wsites[bl[k].site];
            char one[160];
            char cl[32];
            class_label(s->kind, bl[k].cls, zh, cl, sizeof cl);
            snprintf(one, sizeof one, "%s%s %s%s", k ? "; " : "", s->code, cl,
                     s->kind == ECO_TGT_W_DRINKING && bl[k].cls <= 3 ? (zh ? "(补充项目超标)" : " (Table 2 over)") : "");
            size_t room = sf - strlen(f) - 1, ol = strlen(one);
            if (ol > room) break; /* whole names only */
            strncat(f, one, room);
        }
    }
    free(bl);
}
