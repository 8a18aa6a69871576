/* cmd_noise.c — `ecobrain noise assess`: GB 3096-2008 levels and HJ 640-2012
 * function-zone compliance from a CSV of samples or of day/night values.
 *
 * Why it buffers: a night session runs across midnight and samples may come
 * in any order, so rows are read whole, sorted by (point, session day,
 * period, time) and reduced group by group: hourly Leq from the samples of
 * each clock hour, then Ld/Ln as the energy mean of the valid hourly values
 * (notes §7.2), L10/L50/L90 and Lmax from the raw samples. Arithmetic lives in
 * noise/noise.c; limits in standards/noise.c. docs/noise-radiation.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "noise/noise.h"
#include "standards/noise.h"

static const char noise_usage_text[] =
    "Usage: ecobrain noise SUBCOMMAND [OPTIONS] [FILE|-]\n"
    "\n"
    "  assess    GB 3096-2008 Ld/Ln/Ldn, L10/L50/L90 and HJ 640-2012 compliance\n"
    "\n"
    "'ecobrain noise assess --help' for details.\n";

static const char assess_help[] =
    "Usage: ecobrain noise assess [OPTIONS] [FILE|-]\n"
    "\n"
    "Function-zone noise (GB 3096-2008, HJ 640-2012): each point's day value is judged\n"
    "against its zone's day limit and its night value against the night limit (value\n"
    "rounded to 0.1 dB; equal to the limit complies). One point on one day is one\n"
    "point-time (点次), counted separately for day and night.\n"
    "\n"
    "Input: CSV with a header; columns matched case-insensitively:\n"
    "  point (site, station, 点位)  zone (功能区: 0 1 2 3 4a 4b; '4' = 4a; '2类' ok)\n"
    "  time (datetime, date, 监测时间), Beijing time\n"
    "  and EITHER  leq (laeq, level): short-interval or hourly Leq samples in dB(A),\n"
    "              each labelled by its START time; the night from 22:00 on D to\n"
    "              06:00 on D+1 belongs to date D. Hourly Leq = energy mean of the\n"
    "              samples in each clock hour; Ld/Ln = energy mean of the valid hours.\n"
    "  OR          ld and/or ln: already aggregated day/night values, one row per\n"
    "              point and date (time = the date).\n"
    "  Empty, NA, -, -- mean missing.\n"
    "\n"
    "Options:\n"
    "  --by point|zone         point (default): one row per point, date and period;\n"
    "                          zone: compliance rates per zone and period, then 'all'\n"
    "  --day-start HH:MM       start of the day period (default 06:00)\n"
    "  --night-start HH:MM     start of the night period (default 22:00)\n"
    "  --format csv|json|text  output format (default csv)\n"
    "  --columns LIST          only these columns\n"
    "\n"
    "Output (--by point): point,zone,date,period,leq,limit,complies,ldn,hours,samples,\n"
    "  lmax,burst_ok,l10,l50,l90. ldn needs both periods; burst_ok (night): Lmax <= night\n"
    "  limit + 15 dB. Lp: samples sorted descending, the ceil(p%·N)-th value.\n"
    "Output (--by zone): zone,period,monitored,compliant,rate (%).\n"
    "Exit status: 0 ok (bad rows are reported on stderr and skipped), 1 I/O failure,\n"
    "2 usage or malformed input.\n";

typedef struct nrow {
    size_t name_off, name_len;
    int zone;
    eco_time_t t;
    eco_day_t day;
    int period;
    double v;      /* sample mode */
    double agg[2]; /* aggregated mode: ld, ln */
    size_t line;
} nrow_t;

typedef struct nres {
    size_t name_off, name_len;
    int zone;
    eco_day_t day;
    int period;
    double leq, lmax, l10, l50, l90;
    long hours, samples;
} nres_t;

static const char *g_names; /* for qsort */

static int cmp_row(const void *a, const void *b)
{
    const nrow_t *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(g_names + x->name_off, g_names + y->name_off, n);
    if (c) return c;
    if (x->name_len != y->name_len) return x->name_len < y->name_len ? -1 : 1;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    if (x->period != y->period) return x->period - y->period;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int parse_hhmm(const char *s, int *out)
{
    int h, m;
    char tail;
    if (sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59 || strlen(s) != 5) return -1;
    *out = h * 3600 + m * 60;
    return 0;
}

static int parse_level(eco_slice_t s, double *out)
{
    int rc = cli_parse_conc(s, out);
    if (!rc && !isfinite(*out)) *out = NAN;
    return rc;
}

static void put_result_row(cli_table_t *t, const nres_t *r, double ldn)
{
    char date[16];
    eco_day_format(r->day, date, sizeof date);
    tbl_row_begin(t);
    tbl_rawn(t, g_names + r->name_off, r->name_len);
    tbl_str(t, eco_noise_limits[r->zone].key);
    tbl_str(t, date);
    tbl_str(t, r->period == ECO_NP_DAY ? "day" : "night");
    tbl_num(t, eco_noise_round1(r->leq), 1);
    double lim = eco_noise_limit((eco_noise_zone_t)r->zone, (eco_noise_period_t)r->period);
    tbl_num(t, lim, 0);
    int ok = eco_noise_complies(r->leq, (eco_noise_zone_t)r->zone, (eco_noise_period_t)r->period);
    tbl_str(t, ok < 0 ? NULL : ok ? "Y" : "N");
    tbl_num(t, eco_noise_round1(ldn), 1);
    if (r->hours >= 0) tbl_int(t, r->hours);
    else tbl_null(t);
    tbl_int(t, r->samples);
    tbl_num(t, eco_noise_round1(r->lmax), 1);
    if (r->period == ECO_NP_NIGHT && !isnan(r->lmax))
        tbl_str(t, eco_noise_round1(r->lmax) <= lim + ECO_NOISE_NIGHT_BURST_DB ? "Y" : "N");
    else tbl_null(t);
    tbl_num(t, eco_noise_round1(r->l10), 1);
    tbl_num(t, eco_noise_round1(r->l50), 1);
    tbl_num(t, eco_noise_round1(r->l90), 1);
    tbl_row_end(t);
}

static int noise_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, 0, 'b'},          {"day-start", required_argument, 0, 'd'},
        {"night-start", required_argument, 0, 'n'}, {"format", required_argument, 0, 'f'},
        {"columns", required_argument, 0, 'c'},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int by_zone = 0, fmt = TBL_CSV, c;
    const char *columns = NULL;
    eco_noise_cfg_t cfg = ECO_NOISE_CFG_DEFAULT;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (!strcmp(optarg, "point")) by_zone = 0;
            else if (!strcmp(optarg, "zone")) by_zone = 1;
            else return cli_usage_error("noise assess", "--by takes point or zone, not '%s'", optarg);
            break;
        case 'd':
            if (parse_hhmm(optarg, &cfg.day_start_s))
                return cli_usage_error("noise assess", "--day-start takes HH:MM, not '%s'", optarg);
            break;
        case 'n':
            if (parse_hhmm(optarg, &cfg.night_start_s))
                return cli_usage_error("noise assess", "--night-start takes HH:MM, not '%s'", optarg);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error("noise assess", "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'c': columns = optarg; break;
        case 'h': fputs(assess_help, stdout); return 0;
        default: return cli_usage_error("noise assess", "unknown option");
        }
    }
    if (cfg.day_start_s >= cfg.night_start_s)
        return cli_usage_error("noise assess", "--day-start must be earlier than --night-start");
    if (argc - optind > 1) return cli_usage_error("noise assess", "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";

    static const char *const cols_point[] = {"point", "zone", "date", "period", "leq",  "limit",
                                             "complies", "ldn", "hours", "samples", "lmax", "burst_ok",
                                             "l10", "l50", "l90"};
    static const char *const cols_zone[] = {"zone", "period", "monitored", "compliant", "rate"};
    const char *const *cols = by_zone ? cols_zone : cols_point;
    int ncols_out = by_zone ? 5 : 15;
    char badcol[64];
    if (columns && tbl_check_columns(cols, ncols_out, columns, badcol, sizeof badcol))
        return cli_usage_error("noise assess", "--columns: no column '%s'", badcol);

    static const char *const point_names[] = {"point", "site", "station", "点位", "点位名称", "测点", NULL};
    static const char *const zone_names[] = {"zone", "function_zone", "功能区", "功能区类别", NULL};
    static const char *const time_names[] = {"time", "datetime", "date", "监测时间", "时间", NULL};
    static const char *const leq_names[] = {"leq", "laeq", "level", "声级", NULL};
    static const char *const ld_names[] = {"ld", "day", "昼间", NULL};
    static const char *const ln_names[] = {"ln", "night", "夜间", NULL};

    cli_csv_t src;
    int open_rc = cli_csv_open(&src, path);
    const char *name = src.name ? src.name : path;
    eco_buf_t names = ECO_BUF_INIT;
    nrow_t *rows = NULL;
    nres_t *res = NULL;
    double *vals = NULL, *scratch = NULL, *hourly = NULL;
    size_t nrows = 0, caprows = 0, nres = 0;
    int rc = 0;
    int col_point = -1, col_zone = -1, col_time = -1, col_leq = -1, col_ld = -1, col_ln = -1;
    if (open_rc) {
        rc = open_rc;
        goto done;
    }
    size_t ncols = src.ncols;
    for (size_t k = 0; k < ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&src.csv, k));
        int *slot = NULL;
        if (cli_header_is(h, point_names)) slot = &col_point;
        else if (cli_header_is(h, zone_names)) slot = &col_zone;
        else if (cli_header_is(h, time_names)) slot = &col_time;
        else if (cli_header_is(h, leq_names)) slot = &col_leq;
        else if (cli_header_is(h, ld_names)) slot = &col_ld;
        else if (cli_header_is(h, ln_names)) slot = &col_ln;
        if (!slot) continue;
        if (*slot >= 0) {
            eco_log_error("%s:1:%zu: column '%.*s' duplicates column %d", name, k + 1, (int)h.len, h.ptr, *slot + 1);
            rc = EXIT_USAGE;
            goto done;
        }
        *slot = (int)k;
    }
    int agg = col_ld >= 0 || col_ln >= 0;
    const char *missing = col_point < 0 ? "point"
                          : col_zone < 0 ? "zone"
                          : col_time < 0 ? "time"
                          : (col_leq < 0 && !agg) ? "leq (or laeq, or ld/ln)"
                                                    : NULL;
    if (!missing && agg && col_leq >= 0) {
        eco_log_error("%s:1: both a leq column and ld/ln columns: give samples or day/night values, not both", name);
        rc = EXIT_USAGE;
        goto done;
    }
    if (missing) {
        eco_log_error("%s:1: no '%s' column", name, missing);
        rc = EXIT_USAGE;
        goto done;
    }

    long rows_bad = 0;
    while (cli_csv_next(&src)) {
        size_t line = eco_csv_line(&src.csv);
        nrow_t row;
        memset(&row, 0, sizeof row);
        row.line = line;
        eco_slice_t s = eco_slice_trim(eco_csv_field(&src.csv, (size_t)col_zone));
        row.zone = eco_noise_zone_parse(s.ptr, s.len);
        if (row.zone < 0) {
            eco_log_warn("%s:%zu:%d: zone: not a GB 3096 zone (0 1 2 3 4a 4b): '%.*s'; row skipped", name, line,
                         col_zone + 1, (int)s.len, s.ptr);
            rows_bad++;
            continue;
        }
        s = eco_slice_trim(eco_csv_field(&src.csv, (size_t)col_time));
        if (eco_time_parse(s, &row.t)) {
            eco_log_warn("%s:%zu:%d: time: not a date/time: '%.*s'; row skipped", name, line, col_time + 1,
                         (int)s.len, s.ptr);
            rows_bad++;
            continue;
        }
        int bad = 0;
        if (agg) {
            int cc[2] = {col_ld, col_ln};
            for (int p = 0; p < 2 && !bad; p++) {
                row.agg[p] = NAN;
                if (cc[p] < 0) continue;
                s = eco_csv_field(&src.csv, (size_t)cc[p]);
                if (parse_level(s, &row.agg[p])) {
                    eco_log_warn("%s:%zu:%d: %s: not a level: '%.*s'; row skipped", name, line, cc[p] + 1,
                                 p ? "ln" : "ld", (int)s.len, s.ptr);
                    bad = 1;
                }
            }
            row.day = eco_time_day(row.t);
        } else {
            s = eco_csv_field(&src.csv, (size_t)col_leq);
            if (parse_level(s, &row.v)) {
                eco_log_warn("%s:%zu:%d: leq: not a level: '%.*s'; row skipped", name, line, col_leq + 1, (int)s.len,
                             s.ptr);
                bad = 1;
            }
            row.period = eco_noise_period_of(row.t, &cfg);
            row.day = eco_noise_session_day(row.t, &cfg);
        }
        if (bad) {
            rows_bad++;
            continue;
        }
        s = eco_slice_trim(eco_csv_field(&src.csv, (size_t)col_point));
        row.name_off = names.len;
        row.name_len = s.len;
        eco_buf_append(&names, s.ptr, s.len);
        if (nrows == caprows) {
            size_t nc = caprows ? 2 * caprows : 256;
            nrow_t *p = realloc(rows, nc * sizeof *rows);
            if (!p) {
                rc = EXIT_RUNTIME;
                eco_log_error("out of memory");
                goto done;
            }
            rows = p;
            caprows = nc;
        }
        rows[nrows++] = row;
    }
    if (names.oom) {
        eco_log_error("out of memory");
        rc = EXIT_RUNTIME;
        goto done;
    }
    g_names = names.data ? names.data : "";
    if (nrows) qsort(rows, nrows, sizeof *rows, cmp_row);

    /* reduce to results: aggregated rows give two results each; sample groups one */
    res = calloc(2 * nrows + 1, sizeof *res);
    vals = malloc((nrows + 1) * sizeof *vals);
    scratch = malloc((nrows + 1) * sizeof *scratch);
    hourly = malloc((nrows + 1) * sizeof *hourly);
    if (!res || !vals || !scratch || !hourly) {
        eco_log_error("out of memory");
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (size_t i = 0; i < nrows;) {
        size_t j = i + 1;
        while (j < nrows && rows[j].name_len == rows[i].name_len &&
               !memcmp(g_names + rows[j].name_off, g_names + rows[i].name_off, rows[i].name_len) &&
               rows[j].day == rows[i].day && (agg || rows[j].period == rows[i].period))
            j++;
        for (size_t k = i + 1; k < j; k++)
            if (rows[k].zone != rows[i].zone)
                eco_log_warn("%s:%zu: point '%.*s' is zone %s here but %s on line %zu; using %s", name, rows[k].line,
                             (int)rows[i].name_len, g_names + rows[i].name_off, eco_noise_limits[rows[k].zone].key,
                             eco_noise_limits[rows[i].zone].key, rows[i].line, eco_noise_limits[rows[i].zone].key);
        if (agg) {
            if (j - i > 1)
                eco_log_warn("%s:%zu: point '%.*s' has %zu rows for one date; using line %zu", name, rows[i + 1].line,
                             (int)rows[i].name_len, g_names + rows[i].name_off, j - i, rows[i].line);
            for (int p = 0; p < 2; p++) {
                if (isnan(rows[i].agg[p])) continue;
                nres_t *o = &res[nres++];
                o->name_off = rows[i].name_off;
                o->name_len = rows[i].name_len;
                o->zone = rows[i].zone;
                o->day = rows[i].day;
                o->period = p;
                o->leq = rows[i].agg[p];
                o->lmax = o->l10 = o->l50 = o->l90 = NAN;
                o->hours = -1;
                o->samples = 0;
            }
        } else {
            size_t nv = 0, nh = 0;
            double lmax = NAN;
            for (size_t k = i; k < j;) {
                size_t m = k;
                eco_time_t hr = rows[k].t - eco_time_sod(rows[k].t) % ECO_HOUR_S;
                size_t h0 = nv;
                while (m < j && rows[m].t - eco_time_sod(rows[m].t) % ECO_HOUR_S == hr) {
                    if (!isnan(rows[m].v)) {
                        vals[nv++] = rows[m].v;
                        if (isnan(lmax) || rows[m].v > lmax) lmax = rows[m].v;
                    }
                    m++;
                }
                if (nv > h0) hourly[nh++] = eco_noise_leq(vals + h0, nv - h0);
                k = m;
            }
            if (nv) {
                nres_t *o = &res[nres++];
                o->name_off = rows[i].name_off;
                o->name_len = rows[i].name_len;
                o->zone = rows[i].zone;
                o->day = rows[i].day;
                o->period = rows[i].period;
                o->leq = eco_noise_leq(hourly, nh);
                o->lmax = lmax;
                o->l10 = eco_noise_percentile(vals, nv, 10, scratch);
                o->l50 = eco_noise_percentile(vals, nv, 50, scratch);
                o->l90 = eco_noise_percentile(vals, nv, 90, scratch);
                o->hours = (long)nh;
                o->samples = (long)nv;
            }
        }
        i = j;
    }

    cli_table_t t;
    tbl_begin_sel(&t, stdout, fmt, cols, ncols_out, columns);
    eco_noise_tally_t tally;
    memset(&tally, 0, sizeof tally);
    for (size_t i = 0; i < nres; i++) {
        const nres_t *o = &res[i];
        eco_noise_tally_add(&tally, (eco_noise_zone_t)o->zone, (eco_noise_period_t)o->period,
                            eco_noise_complies(o->leq, (eco_noise_zone_t)o->zone, (eco_noise_period_t)o->period));
        if (by_zone) continue;
        /* partner period of the same point and date, for Ldn */
        const nres_t *q = NULL;
        if (i + 1 < nres && res[i + 1].day == o->day && res[i + 1].name_len == o->name_len &&
            !memcmp(g_names + res[i + 1].name_off, g_names + o->name_off, o->name_len) && res[i + 1].period != o->period)
            q = &res[i + 1];
        else if (i > 0 && res[i - 1].day == o->day && res[i - 1].name_len == o->name_len &&
                 !memcmp(g_names + res[i - 1].name_off, g_names + o->name_off, o->name_len) &&
                 res[i - 1].period != o->period)
            q = &res[i - 1];
        double ldn = NAN;
        if (q) {
            double ld = o->period == ECO_NP_DAY ? o->leq : q->leq, ln = o->period == ECO_NP_DAY ? q->leq : o->leq;
            ldn = eco_noise_ldn_h(ld, ln, eco_noise_day_hours(&cfg));
        }
        put_result_row(&t, o, ldn);
    }
    if (by_zone) {
        long tn[2] = {0, 0}, tok[2] = {0, 0};
        for (int z = 0; z < ECO_NZ_N; z++)
            for (int p = 0; p < 2; p++) {
                tn[p] += tally.n[z][p];
                tok[p] += tally.ok[z][p];
                if (!tally.n[z][p]) continue;
                tbl_row_begin(&t);
                tbl_str(&t, eco_noise_limits[z].key);
                tbl_str(&t, p ? "night" : "day");
                tbl_int(&t, tally.n[z][p]);
                tbl_int(&t, tally.ok[z][p]);
                tbl_num(&t, eco_noise_rate(tally.ok[z][p], tally.n[z][p]), 1);
                tbl_row_end(&t);
            }
        for (int p = 0; p < 2; p++) {
            tbl_row_begin(&t);
            tbl_str(&t, "all");
            tbl_str(&t, p ? "night" : "day");
            tbl_int(&t, tn[p]);
            tbl_int(&t, tok[p]);
            tbl_num(&t, eco_noise_rate(tok[p], tn[p]), 1);
            tbl_row_end(&t);
        }
    }
    int io = tbl_end(&t);
    fprintf(stderr, "noise assess: %zu rows, %zu point-times (%s input)\n", nrows, nres,
            agg ? "day/night values" : "samples");
    if (rows_bad || src.records_bad)
        eco_log_warn("%s: %ld rows with bad values skipped, %ld malformed records skipped", name, rows_bad,
                     src.records_bad);
    if (io) {
        eco_log_error("writing output failed");
        rc = EXIT_RUNTIME;
    } else if (src.records_bad) {
        rc = EXIT_USAGE;
    }
    if (src.failed && !rc) rc = EXIT_RUNTIME;
done:
    free(rows);
    free(res);
    free(vals);
    free(scratch);
    free(hourly);
    eco_buf_free(&names);
    cli_csv_close(&src);
    return rc;
}

int cmd_noise(int argc, char **argv)
{
    if (argc < 2) {
        fputs(noise_usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(noise_usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "assess")) return noise_assess(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain noise: unknown subcommand '%s'\n\n", argv[1]);
    fputs(noise_usage_text, stderr);
    return EXIT_USAGE;
}
