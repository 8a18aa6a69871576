/* cmd_targets.c — `ecobrain targets report`: where each target of a plan stands.
 *
 * Why a face over the assessment and src/brain/targets.c: the statistics are
 * the HJ 663 ones `air assess` computes (through air_assess_collect, over the
 * year to date, last year's remaining dates and last year whole); the
 * arithmetic of projection, requirement and status is eco_tgt_eval. This file
 * only picks the numbers each target needs and words the answer.
 *
 * Indicators: air.pm2_5_mean, air.pm10_mean, air.o3_8h_p90, air.composite (levels);
 * air.good_ratio (share of days); air.days_moderate, air.days_heavy (counts). Others
 * (water.*, groundwater.*, drinking.*, sea.*) are listed as not evaluated yet.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "air/assess.h"
#include "brain/targets.h"
#include "cli.h"

typedef struct ent_stat {
    char name[96];
    eco_air_period_t st;
} ent_stat_t;

typedef struct statset {
    char level[16], basis[8];
    eco_day_t from, to;
    ent_stat_t *e;
    size_t n, cap;
    int rc;
} statset_t;

#define MAX_SETS 64
typedef struct tctx {
    const char *input, *sites, *hl;
    statset_t sets[MAX_SETS];
    int nsets;
    int full;                  /* more statistic sets were needed than MAX_SETS */
} tctx_t;

static void on_period(void *ud, const char *entity, const char *label, const eco_air_period_t *st,
                      const eco_air_period_t *prev)
{
    statset_t *s = ud;
    (void)label;
    (void)prev;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 32;
        ent_stat_t *ne = realloc(s->e, nc * sizeof *ne);
        if (!ne) return;
        s->e = ne;
        s->cap = nc;
    }
    ent_stat_t *e = &s->e[s->n++];
    snprintf(e->name, sizeof e->name, "%s", entity);
    e->st = *st;
}

/* the assessment of every entity at `level` over [from, to], computed once */
static statset_t *stats(tctx_t *c, const char *level, const char *basis, eco_day_t from, eco_day_t to)
{
    for (int i = 0; i < c->nsets; i++) {
        statset_t *s = &c->sets[i];
        if (!strcmp(s->level, level) && !strcmp(s->basis, basis) && s->from == from && s->to == to) return s;
    }
    if (to < from) return NULL;
    if (c->nsets == MAX_SETS) {
        c->full = 1;
        return NULL;
    }
    statset_t *s = &c->sets[c->nsets++];
    memset(s, 0, sizeof *s);
    snprintf(s->level, sizeof s->level, "%s", level);
    snprintf(s->basis, sizeof s->basis, "%s", basis);
    s->from = from;
    s->to = to;
    char range[40], f[16], t[16];
    eco_day_format(from, f, sizeof f);
    eco_day_format(to, t, sizeof t);
    snprintf(range, sizeof range, "%s..%s", f, t);
    char *av[20];
    int ac = 0;
    av[ac++] = "air assess";
    av[ac++] = "--period";
    av[ac++] = range;
    av[ac++] = "--by";
    av[ac++] = (char *)level;
    if (c->sites) av[ac++] = "--sites", av[ac++] = (char *)c->sites;
    if (c->hl) av[ac++] = "--hour-label", av[ac++] = (char *)c->hl;
    if (strcmp(basis, "date")) av[ac++] = "--edition", av[ac++] = (char *)basis;
    av[ac++] = (char *)c->input;
    av[ac] = NULL;
    s->rc = air_assess_collect(ac, av, on_period, s);
    return s;
}

static const eco_air_period_t *find(const statset_t *s, const char *entity)
{
    if (!s) return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->e[i].name, entity)) return &s->e[i].st;
    if (!strcmp(entity, "province") && s->n == 1) return &s->e[0].st; /* the one province in the input */
    return NULL;
}

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

static void usage(FILE *f)
{
    fputs("Usage: ecobrain targets report --config PLAN.ini --input HOURLY.csv|--data DIR [--sites SITES.csv]\n"
          "                               [--as-of DATE] [--hour-label end|start] [--format text|csv|json]\n"
          "                               [--lang zh|en]\n"
          "\n"
          "For every target of the plan: the value to date and its completeness, the value projected\n"
          "to the end of the year (to date, the remaining dates at last year's level for the same dates\n"
          "when the input has them, else persisted), what the rest of the year must achieve (a mean:\n"
          "(T·N − m·D)/(N − D); a ratio: the share of the remaining days that must be good; a count: the\n"
          "days still allowed), the status (met, on track, at risk, missed) with the reason in words,\n"
          "and for a province-wide target the cities furthest from it. Plan format: docs/targets.md;\n"
          "data/targets/ has Zhejiang 2023 and a 2026 example. --as-of defaults to today (Beijing).\n",
          f);
}

static int targets_run(tctx_t *cp, const char *config, const char *asof_s, const char *lang, int fmt);

int cmd_targets(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "report")) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            usage(stdout);
            return 0;
        }
        usage(stderr);
        return EXIT_USAGE;
    }
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'},  {"input", required_argument, 0, 'I'},
        {"sites", required_argument, 0, 's'},   {"as-of", required_argument, 0, 'a'},
        {"hour-label", required_argument, 0, 'l'}, {"format", required_argument, 0, 'f'},
        {"lang", required_argument, 0, 'L'},    {"data", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    tctx_t c;
    memset(&c, 0, sizeof c);
    const char *config = NULL, *asof_s = NULL, *lang = "zh", *data = NULL;
    int fmt = TBL_TEXT, o;
    optind = 2;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config = optarg; break;
        case 'I': c.input = optarg; break;
        case 's': c.sites = optarg; break;
        case 'a': asof_s = optarg; break;
        case 'l': c.hl = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1)) return cli_usage_error("targets report", "--format text, csv or json");
            break;
        case 'L':
            if (strcmp(optarg, "zh") && strcmp(optarg, "en")) return cli_usage_error("targets report", "--lang zh or en");
            lang = optarg;
            break;
        case 'd': data = optarg; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("targets report", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("targets report", "unexpected argument '%s'", argv[optind]);
    if (!config) return cli_usage_error("targets report", "--config PLAN.ini is required");
    char tmp_hourly[512] = "", tmp_sites[512] = "";
    if (!c.input && data) { /* the store's hourly air data and air sites, through temporary tables */
        int r = cli_store_air_files(data, tmp_hourly, tmp_sites, sizeof tmp_hourly);
        if (r) return r;
        c.input = tmp_hourly;
        if (!c.sites) c.sites = tmp_sites;
    }
    if (!c.input) return cli_usage_error("targets report", "--input HOURLY.csv or --data DIR is required");
    int rr = targets_run(&c, config, asof_s, lang, fmt);
    if (tmp_hourly[0]) unlink(tmp_hourly), unlink(tmp_sites);
    return rr;
}

static int targets_run(tctx_t *cp, const char *config, const char *asof_s, const char *lang, int fmt)
{
    tctx_t c = *cp;
    int zh = !strcmp(lang, "zh");
    eco_plan_t *plan = malloc(sizeof *plan);
    if (!plan) return EXIT_RUNTIME;
    char msg[300];
    if (eco_plan_load(plan, config, msg, sizeof msg) < 0) {
        fprintf(stderr, "ecobrain targets report: %s\n", msg);
        free(plan);
        return EXIT_USAGE;
    }
    int Y = plan->year;
    eco_day_t y0 = eco_day_from_civil(Y, 1, 1), y1 = eco_day_from_civil(Y + 1, 1, 1) - 1;
    eco_day_t asof;
    if (asof_s) {
        if (eco_day_parse(eco_slice_cstr(asof_s), &asof) < 0) {
            free(plan);
            return cli_usage_error("targets report", "--as-of '%s' is not a date", asof_s);
        }
    } else {
        asof = eco_time_day(eco_time_from_utc((int64_t)time(NULL)));
    }
    if (asof > y1) asof = y1;
    if (asof < y0) {
        free(plan);
        return cli_usage_error("targets report", "--as-of is before the plan's year %d", Y);
    }
    eco_day_t p0 = eco_day_from_civil(Y - 1, 1, 1), p1 = y0 - 1;
    /* last year's dates matching the rest of this year (29 Feb falls on 1 Mar) */
    int ay, am, ad;
    eco_day_to_civil(asof + 1, &ay, &am, &ad);
    eco_day_t rest0 = asof < y1 ? eco_day_from_civil(Y - 1, am, am == 2 && ad == 29 ? 28 : ad) : 0;
    int N = (int)(y1 - y0 + 1), D = (int)(asof - y0 + 1);

    static const char *const cols[] = {"target", "title", "indicator", "scope", "basis", "goal", "to_date", "completeness",
                                       "projected", "required", "status", "reason", "furthest"};
    char asof_txt[16];
    eco_day_format(asof, asof_txt, sizeof asof_txt);
    if (fmt == TBL_TEXT)
        printf("%s — %s %s（%d/%d %s）\n", plan->name[0] ? plan->name : config, zh ? "截至" : "as of", asof_txt, D, N,
               zh ? "天" : "days");
    cli_table_t t;
    tbl_begin(&t, stdout, fmt, cols, 13);
    int rc = 0;
    for (int i = 0; i < plan->n; i++) {
        eco_target_def_t *td = &plan->t[i];
        const ind_info_t *in = NULL;
        for (size_t k = 0; k < sizeof inds / sizeof *inds; k++)
            if (!strcmp(inds[k].key, td->indicator)) in = &inds[k];
        char goal[96] = "", to_date[48] = "", compl[24] = "", proj[48] = "", req[64] = "", reason[512] = "",
             furthest[256] = "";
        const char *status = "";
        if (!in) {
            status = zh ? "未评估" : "not evaluated";
            snprintf(reason, sizeof reason, zh ? "指标 %s 尚不能由本命令计算（需要水质等输入，尚未实现）"
                                               : "indicator %s is not computed by this command yet (needs water or other input)",
                     td->indicator);
            if (td->has_value) snprintf(goal, sizeof goal, "%s %g%s", eco_cmp_text(td->cmp), td->value, td->unit);
        } else {
            statset_t *cur = stats(&c, td->level, td->basis, y0, asof);
            statset_t *last = stats(&c, td->level, td->basis, p0, p1);
            statset_t *rest = asof < y1 ? stats(&c, td->level, td->basis, rest0, p1) : NULL;
            if ((cur && cur->rc == EXIT_RUNTIME) || (last && last->rc == EXIT_RUNTIME) ||
                (rest && rest->rc == EXIT_RUNTIME) || c.full) {
                if (c.full) fprintf(stderr, "ecobrain targets report: more than %d statistic sets needed\n", MAX_SETS);
                rc = EXIT_RUNTIME;
                break;
            }
            if (cur && cur->rc && cur->n == 0) { /* the assessment refused its input: say so, do not report "no data" */
                fprintf(stderr, "ecobrain targets report: the air assessment could not read the input (see above)\n");
                rc = cur->rc;
                break;
            }
            const eco_air_period_t *sc = find(cur, td->scope), *sl = find(last, td->scope), *sr = find(rest, td->scope);
            int valid = 0, vl = 0, vr = 0;
            double m = ind_value(in, sc, &valid), base = ind_value(in, sl, &vl), hr = ind_value(in, sr, &vr);
            eco_tgt_in_t ti = {in->kind, td->cmp, td->value, N, D, valid, m, hr, in->decimals};
            int ok = 1;
            if (td->has_change) {
                if (!isfinite(base)) {
                    ok = 0;
                    status = zh ? "无基数" : "no base";
                    snprintf(reason, sizeof reason, zh ? "%d年无有效数据，无法计算变化目标" : "no valid data for %d: the change target has no base",
                             Y - 1);
                } else {
                    ti.target = base * (1 + td->change_pct / 100.0);
                    snprintf(goal, sizeof goal, "%+g%% (%d: %.*f → %s %.1f)", td->change_pct, Y - 1, in->decimals, base,
                             eco_cmp_text(td->cmp), ti.target);
                }
            } else {
                snprintf(goal, sizeof goal, "%s %g%s%s", eco_cmp_text(td->cmp), td->value, (td->unit[0] ? td->unit : in->unit)[0] && strcmp(td->unit[0] ? td->unit : in->unit, "%") ? " " : "", td->unit[0] ? td->unit : in->unit);
            }
            if (ok) {
                eco_tgt_out_t to;
                eco_tgt_eval(&ti, &to);
                status = eco_tgt_status_name(to.status, zh);
                int dec = in->decimals;
                if (isfinite(m)) snprintf(to_date, sizeof to_date, "%.*f", dec, m);
                snprintf(compl, sizeof compl, "%.0f%%", 100.0 * valid / (D ? D : 1)); /* valid days of the days elapsed */
                if (isfinite(to.projected)) snprintf(proj, sizeof proj, "%.*f", dec + 1, to.projected);
                int R = N - D;
                if (to.status == ECO_ST_NO_DATA) {
                    snprintf(reason, sizeof reason, zh ? "无有效数据" : "no valid data to date");
                } else if (R == 0) {
                    snprintf(reason, sizeof reason, zh ? "全年%s %.*f，目标 %s" : "the year's %s is %.*f; goal %s",
                             zh ? in->zh : in->en, dec, m, goal);
                } else if (in->kind == ECO_TGT_LEVEL) {
                    snprintf(req, sizeof req, "%.*f", dec + 1, to.required);
                    if (zh)
                        snprintf(reason, sizeof reason, "前%d天均值 %.*f；余下%d天均值须%s %.*f 才能达到 %s；%s预计全年 %.*f",
                                 D, dec, m, R, eco_cmp_text(td->cmp), dec + 1, to.required, goal,
                                 isfinite(hr) ? "按去年同期水平" : "按当前水平", dec + 1, to.projected);
                    else
                        snprintf(reason, sizeof reason,
                                 "mean %.*f over the first %d days; the remaining %d days must average %s %.*f to meet "
                                 "%s; projected %.*f (%s)",
                                 dec, m, D, R, eco_cmp_text(td->cmp), dec + 1, to.required, goal, dec + 1, to.projected,
                                 to.method);
                    if (!to.feasible) strncat(reason, zh ? "（已不可能）" : " (no longer possible)", sizeof reason - strlen(reason) - 1);
                } else if (in->kind == ECO_TGT_RATIO) {
                    snprintf(req, sizeof req, "%.1f%%", to.required);
                    if (zh)
                        snprintf(reason, sizeof reason, "前%d天优良比例 %.1f%%；余下%d天中须有 %.1f%% 为优良；%s预计全年 %.1f%%", D,
                                 m, R, to.required, isfinite(hr) ? "按去年同期水平" : "按当前水平", to.projected);
                    else
                        snprintf(reason, sizeof reason,
                                 "%.1f%% good over the first %d days; %.1f%% of the remaining %d days must be good; "
                                 "projected %.1f%% (%s)",
                                 m, D, to.required, R, to.projected, to.method);
                    if (!to.feasible) strncat(reason, zh ? "（已不可能）" : " (no longer possible)", sizeof reason - strlen(reason) - 1);
                } else {
                    snprintf(req, sizeof req, "%.0f", to.required);
                    if (zh)
                        snprintf(reason, sizeof reason, "已发生 %.0f 天；全年上限 %.1f 天，余下%d天最多还可有 %.0f 天；%s预计全年 %.1f 天",
                                 m, ti.target, R, floor(to.required), isfinite(hr) ? "按去年同期水平" : "按当前频率",
                                 to.projected);
                    else
                        snprintf(reason, sizeof reason,
                                 "%.0f days so far; the cap for the year is %.1f, so at most %.0f more in the remaining %d "
                                 "days; projected %.1f (%s)",
                                 m, ti.target, floor(to.required), R, to.projected, to.method);
                    if (!to.feasible) strncat(reason, zh ? "（已超出）" : " (already over)", sizeof reason - strlen(reason) - 1);
                }
                /* a province-wide target: the cities furthest from it */
                if (!strcmp(td->level, "province") && to.status != ECO_ST_NO_DATA) {
                    statset_t *cities = stats(&c, "city", td->basis, y0, asof);
                    typedef struct fr {
                        const char *name;
                        double v;
                    } fr_t;
                    fr_t best[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
                    int upper = td->cmp == ECO_CMP_LT || td->cmp == ECO_CMP_LE;
                    for (size_t k = 0; cities && k < cities->n; k++) {
                        int vv;
                        double v = ind_value(in, &cities->e[k].st, &vv);
                        if (!isfinite(v)) continue;
                        double lim = in->kind == ECO_TGT_COUNT ? ti.target * D / N : ti.target;
                        double gap = upper ? v - lim : lim - v;
                        if (gap <= 0) continue;
                        for (int b = 0; b < 3; b++) {
                            double bg = best[b].name ? (upper ? best[b].v - lim : lim - best[b].v) : -1;
                            if (gap > bg) {
                                memmove(&best[b + 1], &best[b], (size_t)(2 - b) * sizeof best[0]);
                                best[b].name = cities->e[k].name;
                                best[b].v = v;
                                break;
                            }
                        }
                    }
                    for (int b = 0; b < 3 && best[b].name; b++) {
                        char one[80];
                        snprintf(one, sizeof one, "%s%s %.*f", b ? "; " : "", best[b].name, in->decimals, best[b].v);
                        strncat(furthest, one, sizeof furthest - strlen(furthest) - 1);
                    }
                }
            }
        }
        tbl_row_begin(&t);
        tbl_str(&t, td->id);
        tbl_str(&t, td->title);
        tbl_str(&t, td->indicator);
        tbl_str(&t, td->scope);
        tbl_str(&t, !strcmp(td->basis, "date") ? (zh ? "按数据日期" : "by date") : td->basis);
        tbl_str(&t, goal);
        tbl_str(&t, to_date);
        tbl_str(&t, compl);
        tbl_str(&t, proj);
        tbl_str(&t, req);
        tbl_str(&t, status);
        tbl_str(&t, reason);
        tbl_str(&t, furthest);
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    for (int i = 0; i < c.nsets; i++) free(c.sets[i].e);
    free(plan);
    return io ? EXIT_RUNTIME : rc;
}
