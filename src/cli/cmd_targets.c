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
#include "air/grid.h"
#include "brain/airdays.h"
#include "brain/targets.h"
#include "air_source.h"
#include "cli.h"
#include "core/error.h"
#include "store/store.h"

typedef struct tctx {
    cli_air_csv_t csv;         /* --input: the assessment over the hourly CSV */
    eco_airdays_t *days;       /* --data: the store's daily values (cached, or from its hours) */
} tctx_t;

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


static int targets_run(tctx_t *cp, const char *config, const char *asof_s, const char *lang, int fmt,
                       const char *data);

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
    c.csv.cmd = "targets report";
    const char *config = NULL, *asof_s = NULL, *lang = "zh", *data = NULL;
    int fmt = TBL_TEXT, o;
    optind = 2;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config = optarg; break;
        case 'I': c.csv.input = optarg; break;
        case 's': c.csv.sites = optarg; break;
        case 'a': asof_s = optarg; break;
        case 'l': c.csv.hl = optarg; break;
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
    if (!c.csv.input && !data) return cli_usage_error("targets report", "--input HOURLY.csv or --data DIR is required");
    if (!c.csv.input && c.csv.hl)
        return cli_usage_error("targets report", "--hour-label is for --input: the store knows each hour's start");
    return targets_run(&c, config, asof_s, lang, fmt, c.csv.input ? NULL : data);
}

static int targets_run(tctx_t *cp, const char *config, const char *asof_s, const char *lang, int fmt, const char *data)
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
    eco_store_t *st = NULL;
    if (data) { /* last year and this year to the as-of date: the store's cached days (src/brain/airdays.h) */
        int r0 = cli_store_open("targets report", data, 1, &st);
        if (r0) {
            free(plan);
            return r0;
        }
        eco_err_t err;
        eco_err_clear(&err);
        int r = eco_airdays_open(&c.days, st, eco_day_from_civil(Y - 1, 1, 1), asof, &err);
        if (r < 0) {
            eco_store_close(st);
            fprintf(stderr, "ecobrain targets report: %s: %s\n", data, err.msg);
            free(plan);
            return r == ECO_ENODATA ? EXIT_USAGE : EXIT_RUNTIME;
        }
        cli_airdays_note("targets report", c.days);
    }

    static const char *const cols[] = {"target", "title", "indicator", "scope", "basis", "goal", "to_date", "completeness",
                                       "projected", "required", "status", "reason", "furthest"};
    int rc = 0, N = 0, D = 0;
    eco_tgt_row_t *rows = calloc((size_t)(plan->n ? plan->n : 1), sizeof *rows);
    eco_tgt_source_t src = c.days ? eco_airdays_source(c.days) : cli_air_csv_source(&c.csv);
    int er = rows ? eco_tgt_report(plan, asof, zh, &src, rows, &N, &D) : ECO_ENOMEM;
    if (er < 0) {
        if (!c.csv.exit) fprintf(stderr, "ecobrain targets report: %s\n", eco_strerror(er));
        rc = c.csv.exit ? c.csv.exit : EXIT_RUNTIME;
    }
    char asof_txt[16];
    eco_day_format(asof, asof_txt, sizeof asof_txt);
    if (fmt == TBL_TEXT)
        printf("%s — %s %s（%d/%d %s）\n", plan->name[0] ? plan->name : config, zh ? "截至" : "as of", asof_txt,
               (int)(asof - y0 + 1), (int)(y1 - y0 + 1), zh ? "天" : "days");
    cli_table_t t;
    tbl_begin(&t, stdout, fmt, cols, 13);
    for (int i = 0; i < plan->n && er == 0; i++) {
        const eco_target_def_t *td = &plan->t[i];
        const eco_tgt_row_t *rw = &rows[i];
        tbl_row_begin(&t);
        tbl_str(&t, td->id);
        tbl_str(&t, td->title);
        tbl_str(&t, td->indicator);
        tbl_str(&t, td->scope);
        tbl_str(&t, !strcmp(td->basis, "date") ? (zh ? "按数据日期" : "by date") : td->basis);
        tbl_str(&t, rw->goal);
        tbl_str(&t, rw->to_date);
        tbl_str(&t, rw->compl_txt);
        tbl_str(&t, rw->proj);
        tbl_str(&t, rw->req);
        tbl_str(&t, rw->status);
        tbl_str(&t, rw->reason);
        tbl_str(&t, rw->furthest);
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    cli_air_csv_free(&c.csv);
    eco_airdays_close(c.days);
    eco_store_close(st);
    free(rows);
    free(plan);
    return io ? EXIT_RUNTIME : rc;
}
