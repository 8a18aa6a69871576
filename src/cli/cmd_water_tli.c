/* cmd_water_tli.c — `ecobrain water tli`: the trophic state of lakes and reservoirs.
 *
 * Why its own command: the comprehensive trophic level index TLI(Σ) needs
 * chlorophyll a and transparency, which are not GB 3838 items, so its input
 * is not the classification input; the formula and the classes are
 * src/water/assess.c (eco_water_tli, eco_water_tli_class). Per sample, or
 * per lake and period from the period means of each parameter (the usual
 * practice for monthly and annual reports).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "water/assess.h"

static const char *const pnames[ECO_TLI_N] = {"chla", "tp", "tn", "sd", "codmn"};

static void usage(FILE *f)
{
    fputs("Usage: ecobrain water tli [--period sample|month|quarter|year] [--format csv|json|text] [FILE|-]\n"
          "\n"
          "Comprehensive trophic level index TLI(Σ) of lakes and reservoirs (weights r²/Σr² against\n"
          "Chla: 1, .84, .82, .83, .83 for Chla, TP, TN, SD, CODMn), and its class: < 30 贫营养,\n"
          "30–50 中营养, (50,60] 轻度富营养, (60,70] 中度富营养, > 70 重度富营养. A missing parameter is\n"
          "left out and the other weights renormalised; without Chla there is no index.\n"
          "\n"
          "Input CSV: site (or lake, 断面名称), time, chla (mg/m³), tp, tn, codmn (mg/L), sd (m); Chinese\n"
          "headers 叶绿素a, 总磷, 总氮, 高锰酸盐指数, 透明度 are read too.\n"
          "--period sample (default): one row per sample; month|quarter|year: per site and period,\n"
          "from the period means of each parameter.\n"
          "Columns: site, period (or time), samples, tli, class, tli_chla, tli_tp, tli_tn, tli_sd, tli_codmn.\n",
          f);
}

static int param_of(eco_slice_t h)
{
    static const struct {
        const char *name;
        int p;
    } al[] = {{"chla", ECO_TLI_CHLA}, {"chl-a", ECO_TLI_CHLA}, {"叶绿素a", ECO_TLI_CHLA}, {"叶绿素", ECO_TLI_CHLA},
              {"tp", ECO_TLI_TP},     {"总磷", ECO_TLI_TP},     {"tn", ECO_TLI_TN},       {"总氮", ECO_TLI_TN},
              {"sd", ECO_TLI_SD},     {"透明度", ECO_TLI_SD},   {"codmn", ECO_TLI_CODMN}, {"高锰酸盐指数", ECO_TLI_CODMN}};
    eco_slice_t b = h;
    for (size_t i = 0; i < h.len; i++)
        if (h.ptr[i] == '(' || (i + 2 < h.len && !memcmp(h.ptr + i, "（", 3))) {
            b.len = i;
            break;
        }
    for (size_t k = 0; k < sizeof al / sizeof *al; k++)
        if (eco_slice_ieq(b, al[k].name)) return al[k].p;
    return -1;
}

typedef struct acc {
    char site[96], period[32];
    double sum[ECO_TLI_N];
    int n[ECO_TLI_N];
    long samples;
} acc_t;

static void put_row(cli_table_t *t, const char *site, const char *when, long samples, const double v[ECO_TLI_N])
{
    double tli = eco_water_tli(v);
    tbl_row_begin(t);
    tbl_str(t, site);
    tbl_str(t, when);
    tbl_int(t, samples);
    tbl_num(t, tli, 2);
    tbl_str(t, eco_water_tli_class(tli));
    for (int p = 0; p < ECO_TLI_N; p++) tbl_num(t, isnan(v[p]) ? NAN : eco_water_tli_component((eco_tli_param_t)p, v[p]), 2);
    tbl_row_end(t);
}

int cmd_water_tli(int argc, char **argv)
{
    static const struct option opts[] = {{"period", required_argument, 0, 'p'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int per = 0, fmt = TBL_CSV, c; /* per: 0 sample, 1 month, 2 quarter, 3 year */
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (!strcmp(optarg, "sample")) per = 0;
            else if (!strcmp(optarg, "month")) per = 1;
            else if (!strcmp(optarg, "quarter")) per = 2;
            else if (!strcmp(optarg, "year")) per = 3;
            else return cli_usage_error("water tli", "--period sample, month, quarter or year");
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1)) return cli_usage_error("water tli", "--format csv, json or text");
            break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("water tli", "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error("water tli", "one input file at most");
    cli_csv_t in;
    int r = cli_csv_open(&in, optind < argc ? argv[optind] : "-");
    if (r) return r;
    static const char *const site_names[] = {"site", "lake", "section", "断面名称", "湖库", NULL};
    static const char *const time_names[] = {"time", "date", "监测时间", NULL};
    int cs = -1, ct = -1, cp[ECO_TLI_N] = {-1, -1, -1, -1, -1};
    for (size_t k = 0; k < in.ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in.csv, k));
        if (cs < 0 && cli_header_is(h, site_names)) cs = (int)k;
        else if (ct < 0 && cli_header_is(h, time_names)) ct = (int)k;
        else {
            int p = param_of(h);
            if (p >= 0 && cp[p] < 0) cp[p] = (int)k;
        }
    }
    if (cs < 0 || ct < 0 || cp[ECO_TLI_CHLA] < 0) {
        fprintf(stderr, "ecobrain water tli: %s:1: needs site, time and chla columns\n", in.name);
        cli_csv_close(&in);
        return EXIT_USAGE;
    }
    static const char *const cols[] = {"site", "period", "samples", "tli", "class",
                                       "tli_chla", "tli_tp", "tli_tn", "tli_sd", "tli_codmn"};
    static const char *const cols_s[] = {"site", "time", "samples", "tli", "class",
                                         "tli_chla", "tli_tp", "tli_tn", "tli_sd", "tli_codmn"};
    cli_table_t t;
    tbl_begin(&t, stdout, fmt, per ? cols : cols_s, 10);
    acc_t *acc = NULL;
    size_t na = 0, ca = 0;
    long bad = 0;
    int rc = 0;
    while (cli_csv_next(&in)) {
        eco_slice_t site = eco_slice_trim(eco_csv_field(&in.csv, (size_t)cs));
        eco_slice_t ts = eco_slice_trim(eco_csv_field(&in.csv, (size_t)ct));
        double v[ECO_TLI_N];
        int ok = 1;
        for (int p = 0; p < ECO_TLI_N; p++) {
            v[p] = NAN;
            if (cp[p] < 0) continue;
            eco_slice_t f = eco_slice_trim(eco_csv_field(&in.csv, (size_t)cp[p]));
            if (!f.len || eco_slice_eq(f, "NA") || eco_slice_eq(f, "-") || eco_slice_eq(f, "--")) continue;
            if (eco_slice_to_double(f, &v[p]) < 0 || !(v[p] > 0)) {
                fprintf(stderr, "ecobrain water tli: %s:%zu: %s '%.*s' is not a positive number; row skipped\n",
                        in.name, eco_csv_line(&in.csv), pnames[p], (int)f.len, f.ptr);
                ok = 0;
                break;
            }
        }
        if (!ok) {
            bad++;
            continue;
        }
        char sbuf[96], tbuf[64];
        snprintf(sbuf, sizeof sbuf, "%.*s", (int)site.len, site.ptr);
        snprintf(tbuf, sizeof tbuf, "%.*s", (int)ts.len, ts.ptr);
        if (!per) {
            put_row(&t, sbuf, tbuf, 1, v);
            continue;
        }
        eco_day_t day;
        eco_slice_t dpart = {ts.ptr, ts.len > 10 ? 10 : ts.len};
        if (eco_day_parse(dpart, &day) < 0) {
            fprintf(stderr, "ecobrain water tli: %s:%zu: time '%s' is not a date; row skipped\n", in.name,
                    eco_csv_line(&in.csv), tbuf);
            bad++;
            continue;
        }
        int y, m, d;
        eco_day_to_civil(day, &y, &m, &d);
        char pl[32];
        y %= 10000;
        if (per == 1) snprintf(pl, sizeof pl, "%04d-%02d", y, m);
        else if (per == 2) snprintf(pl, sizeof pl, "%04d-Q%d", y, (m - 1) / 3 + 1);
        else snprintf(pl, sizeof pl, "%04d", y);
        size_t k = 0;
        while (k < na && (strcmp(acc[k].site, sbuf) || strcmp(acc[k].period, pl))) k++;
        if (k == na) {
            if (na == ca) {
                ca = ca ? ca * 2 : 64;
                acc_t *nb = realloc(acc, ca * sizeof *nb);
                if (!nb) {
                    rc = EXIT_RUNTIME;
                    break;
                }
                acc = nb;
            }
            memset(&acc[na], 0, sizeof acc[na]);
            snprintf(acc[na].site, sizeof acc[na].site, "%s", sbuf);
            snprintf(acc[na].period, sizeof acc[na].period, "%s", pl);
            na++;
        }
        acc[k].samples++;
        for (int p = 0; p < ECO_TLI_N; p++)
            if (!isnan(v[p])) acc[k].sum[p] += v[p], acc[k].n[p]++;
    }
    for (size_t k = 0; k < na && rc == 0; k++) {
        double v[ECO_TLI_N];
        for (int p = 0; p < ECO_TLI_N; p++) v[p] = acc[k].n[p] ? acc[k].sum[p] / acc[k].n[p] : NAN;
        put_row(&t, acc[k].site, acc[k].period, acc[k].samples, v);
    }
    free(acc);
    int io = tbl_end(&t);
    if (in.records_bad || in.failed) bad += in.records_bad;
    cli_csv_close(&in);
    if (rc) return rc;
    if (io) return EXIT_RUNTIME;
    return bad ? EXIT_USAGE : 0;
}
