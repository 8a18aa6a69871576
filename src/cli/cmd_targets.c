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
#include "water_input.h"
#include "cli.h"
#include "core/error.h"
#include "store/store.h"

typedef struct tctx {
    cli_air_csv_t csv;         /* --input: the assessment over the hourly CSV */
    eco_airdays_t *days;       /* --data: the store's daily values (cached, or from its hours) */
    eco_air_grid_t *grid;      /* --data without air data in the store: an empty grid (air targets "no data") */
    const char *win, *din, *gin, *sin, *sections; /* water inputs (CSV) */
} tctx_t;

static void usage(FILE *f)
{
    fputs("Usage: ecobrain targets report --config PLAN.ini --input HOURLY.csv|--data DIR [--sites SITES.csv]\n"
          "                               [--water-input SAMPLES.csv] [--drinking-input SAMPLES.csv]\n"
          "                               [--groundwater-input SAMPLES.csv] [--sea-input SAMPLES.csv]\n"
          "                               [--sections SECTIONS.csv]\n"
          "                               [--as-of DATE] [--hour-label end|start] [--format text|csv|json]\n"
          "                               [--lang zh|en]\n"
          "\n"
          "For every target of the plan: the value to date and its completeness, the value projected\n"
          "to the end of the year (to date, the remaining dates at last year's level for the same dates\n"
          "when the input has them, else persisted), what the rest of the year must achieve (a mean:\n"
          "(T·N − m·D)/(N − D); a ratio: the share of the remaining days that must be good; a count: the\n"
          "days still allowed), the status (met, on track, at risk, missed) with the reason in words,\n"
          "and for a province-wide target the cities furthest from it. Plan format: docs/targets.md;\n"
          "data/targets/ has Zhejiang 2023 and a 2026 example. --as-of defaults to today (Beijing).\n"
          "\n"
          "Water targets (water.share_i_iii, water.share_worse_v, drinking.compliance, groundwater.share_v,\n"
          "groundwater.share_i_iii, sea.share_i_ii) are shares of sites: a section's class from the means\n"
          "of its samples to date (22号), a source compliant when Ⅲ or better with no GB 3838 Table 2 mean\n"
          "over its limit, a well's class its worst sample's (GB/T 14848), a sea point's from its item\n"
          "means (GB 3097). Samples: --water-input, --drinking-input, --groundwater-input, --sea-input\n"
          "(site, time and item columns, as `water assess` reads) or the store's water sites with --data;\n"
          "--sections gives sites' city, county, province, waterbody and kind.\n",
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
        {"water-input", required_argument, 0, 'W'}, {"drinking-input", required_argument, 0, 'D'},
        {"groundwater-input", required_argument, 0, 'G'}, {"sections", required_argument, 0, 'S'},
        {"sea-input", required_argument, 0, 'E'},
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
        case 'W': c.win = optarg; break;
        case 'D': c.din = optarg; break;
        case 'G': c.gin = optarg; break;
        case 'E': c.sin = optarg; break;
        case 'S': c.sections = optarg; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("targets report", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("targets report", "unexpected argument '%s'", argv[optind]);
    if (!config) return cli_usage_error("targets report", "--config PLAN.ini is required");
    int water_csv = c.win || c.din || c.gin || c.sin;
    if (!c.csv.input && !data && !water_csv)
        return cli_usage_error("targets report", "--input HOURLY.csv, --data DIR or a water input is required");
    if (data && water_csv)
        return cli_usage_error("targets report", "--data reads the store's water sites: give the water CSV inputs "
                                                 "with --input for the air, or --data alone");
    if (c.sections && !water_csv) return cli_usage_error("targets report", "--sections goes with the water CSV inputs");
    if (!c.csv.input && c.csv.hl)
        return cli_usage_error("targets report", "--hour-label is for --input (the hourly air CSV)");
    if (!c.csv.input && c.csv.sites)
        return cli_usage_error("targets report", "--sites is for --input (the hourly air CSV); --sections goes with the "
                                                 "water inputs");
    return targets_run(&c, config, asof_s, lang, fmt, data);
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
    eco_air_grid_t grid;
    eco_store_t *st = NULL;
    if (data) {
        int r0 = cli_store_open("targets report", data, 1, &st);
        if (r0) {
            free(plan);
            return r0;
        }
    }
    if (st && !c.csv.input) { /* last year and this year to the as-of date: the store's cached days (src/brain/airdays.h) */
        eco_err_t err;
        eco_err_clear(&err);
        int r = eco_airdays_open(&c.days, st, eco_day_from_civil(Y - 1, 1, 1), asof, &err);
        if (r == ECO_ENODATA) { /* no air data: the air targets say "no data", the water ones still stand */
            c.days = NULL;
            if ((r = eco_air_grid_init(&grid, y0, 1, 0)) == 0) c.grid = &grid;
        }
        if (r < 0) {
            fprintf(stderr, "ecobrain targets report: %s: %s\n", data, err.msg);
            eco_store_close(st);
            free(plan);
            return EXIT_RUNTIME;
        }
        cli_airdays_note("targets report", c.days);
    }

    static const char *const cols[] = {"target", "title", "indicator", "scope", "basis", "goal", "to_date", "completeness",
                                       "projected", "required", "status", "reason", "furthest"};
    int rc = 0, N = 0, D = 0;
    eco_tgt_row_t *rows = calloc((size_t)(plan->n ? plan->n : 1), sizeof *rows);
    eco_tgt_source_t src = c.days ? eco_airdays_source(c.days) : c.grid ? cli_air_grid_source(c.grid)
                           : c.csv.input ? cli_air_csv_source(&c.csv) : (eco_tgt_source_t){0};
    cli_water_t wcsv;
    cli_water_init(&wcsv);
    int er = rows ? 0 : ECO_ENOMEM;
    if (!er && (c.win || c.din || c.gin || c.sin)) {
        int wr = c.sections ? cli_water_sections(&wcsv, c.sections) : 0;
        if (!wr && c.win) wr = cli_water_read(&wcsv, c.win, ECO_TGT_W_SURFACE);
        if (!wr && c.din) wr = cli_water_read(&wcsv, c.din, ECO_TGT_W_DRINKING);
        if (!wr && c.gin) wr = cli_water_read(&wcsv, c.gin, ECO_TGT_W_GROUND);
        if (!wr && c.sin) wr = cli_water_read(&wcsv, c.sin, ECO_TGT_W_SEA);
        if (wr) {
            cli_water_free(&wcsv);
            free(rows);
            free(plan);
            if (c.grid) eco_air_grid_free(c.grid);
            eco_airdays_close(c.days);
            eco_store_close(st);
            cli_air_csv_free(&c.csv);
            return wr;
        }
        if (wcsv.rows_bad) fprintf(stderr, "targets report: %ld water rows skipped (named above)\n", wcsv.rows_bad);
        cli_water_attach(&wcsv, &src);
    } else if (!er && st) {
        eco_err_t err;
        eco_err_clear(&err);
        if (eco_store_water_source(st, &src, &err) < 0) {
            fprintf(stderr, "ecobrain targets report: %s: %s\n", data, err.msg);
            er = ECO_EIO;
        }
    }
    if (!er) er = eco_tgt_report(plan, asof, zh, &src, rows, &N, &D);
    if (er < 0) {
        const char *wmsg = st && src.wud ? eco_store_water_error(&src) : "";
        if (!c.csv.exit) fprintf(stderr, "ecobrain targets report: %s%s%s\n", eco_strerror(er), wmsg[0] ? ": " : "", wmsg);
        rc = c.csv.exit ? c.csv.exit : EXIT_RUNTIME;
    }
    if (st) eco_store_water_source_free(&src);
    cli_water_free(&wcsv);
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
    if (c.grid) eco_air_grid_free(c.grid);
    eco_store_close(st);
    free(rows);
    free(plan);
    return io ? EXIT_RUNTIME : rc;
}
