/* cmd_radiation.c — `ecobrain radiation assess`: ambient γ dose rate (nGy/h)
 * judged against each station's background range.
 *
 * Why it buffers: the background of a station comes from its own history (a
 * baseline period, by default the whole input), so all rows are read, sorted
 * by (station, time), the background computed per station and then every
 * reading (or hour/day aggregate) flagged. No official investigation or alarm
 * level exists (notes §8, §11.11): the defaults are in standards/radiation.h
 * and docs/noise-radiation.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "radiation/radiation.h"
#include "standards/radiation.h"

static const char rad_usage_text[] =
    "Usage: ecobrain radiation SUBCOMMAND [OPTIONS] [FILE|-]\n"
    "\n"
    "  assess    flag γ dose-rate readings against the station's background range\n"
    "\n"
    "'ecobrain radiation assess --help' for details.\n";

static const char assess_help[] =
    "Usage: ecobrain radiation assess [OPTIONS] [FILE|-]\n"
    "\n"
    "Ambient γ air absorbed dose rate (HJ 1157-2021, nGy/h). Per station, the background\n"
    "range comes from a baseline period of its own history: mean ± k·sd (default k = 3,\n"
    "sample sd) or min..max, or is given with --background. Each reading is flagged:\n"
    "  normal            <= upper bound of the background range\n"
    "  above_background  >  upper bound\n"
    "  investigate       >  investigation level (default 1.5 × upper bound)\n"
    "  alarm             >  alarm level (default 2.0 × upper bound)\n"
    "No national numeric investigation/alarm level exists; these defaults are ecobrain's.\n"
    "\n"
    "Input: CSV with a header; columns matched case-insensitively:\n"
    "  station (site, 站点)  time (datetime, 监测时间; Beijing time)\n"
    "  dose_rate (dose, value, 剂量率) in nGy/h.  Empty, NA, -, -- mean missing.\n"
    "\n"
    "Options:\n"
    "  --by reading|hour|day|station  output rows (default reading); hour/day rows are\n"
    "                          labelled by their start and flagged by their highest reading\n"
    "  --baseline FROM..TO     baseline days, inclusive (YYYY-MM-DD..YYYY-MM-DD; either\n"
    "                          side may be empty); default: all input\n"
    "  --method sd|minmax      background range from the baseline (default sd)\n"
    "  --k N                   multiple of sd (default 3)\n"
    "  --background LO..HI     use this range for every station (e.g. a published 本底范围)\n"
    "  --investigate-ratio R   investigation level = R × upper bound (default 1.5)\n"
    "  --alarm-ratio R         alarm level = R × upper bound (default 2.0)\n"
    "  --investigate N         absolute investigation level, nGy/h (overrides the ratio)\n"
    "  --alarm N               absolute alarm level, nGy/h (overrides the ratio)\n"
    "  --format csv|json|text  output format (default csv)\n"
    "  --columns LIST          only these columns\n"
    "\n"
    "Exit status: 0 ok (bad rows are reported on stderr and skipped), 1 I/O failure,\n"
    "2 usage or malformed input.\n";

typedef struct rrow {
    size_t name_off, name_len;
    eco_time_t t;
    double v;
    size_t line;
} rrow_t;

static const char *g_names;

static int cmp_row(const void *a, const void *b)
{
    const rrow_t *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(g_names + x->name_off, g_names + y->name_off, n);
    if (c) return c;
    if (x->name_len != y->name_len) return x->name_len < y->name_len ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int parse_num(const char *s, double *out)
{
    return eco_slice_to_double(eco_slice_cstr(s), out);
}

/* "A..B" into two slices */
static int split_range(const char *s, eco_slice_t *a, eco_slice_t *b)
{
    const char *d = strstr(s, "..");
    if (!d) return -1;
    *a = eco_slice_trim((eco_slice_t){s, (size_t)(d - s)});
    *b = eco_slice_trim(eco_slice_cstr(d + 2));
    return 0;
}

enum { BY_READING, BY_HOUR, BY_DAY, BY_STATION };

static int rad_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, 0, 'b'},          {"baseline", required_argument, 0, 'B'},
        {"method", required_argument, 0, 'm'},      {"k", required_argument, 0, 'k'},
        {"background", required_argument, 0, 'g'},  {"investigate-ratio", required_argument, 0, 'i'},
        {"alarm-ratio", required_argument, 0, 'a'}, {"investigate", required_argument, 0, 'I'},
        {"alarm", required_argument, 0, 'A'},       {"format", required_argument, 0, 'f'},
        {"columns", required_argument, 0, 'c'},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int by = BY_READING, fmt = TBL_CSV, c;
    const char *columns = NULL;
    eco_rad_bg_method_t method = ECO_RAD_BG_SD;
    double k = ECO_RAD_DEFAULT_K, inv_ratio = ECO_RAD_INVESTIGATE_RATIO, alarm_ratio = ECO_RAD_ALARM_RATIO;
    double abs_inv = NAN, abs_alarm = NAN, fix_lo = NAN, fix_hi = NAN;
    eco_day_t base_from = INT32_MIN, base_to = INT32_MAX;
    eco_slice_t a, b;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (!strcmp(optarg, "reading")) by = BY_READING;
            else if (!strcmp(optarg, "hour")) by = BY_HOUR;
            else if (!strcmp(optarg, "day")) by = BY_DAY;
            else if (!strcmp(optarg, "station")) by = BY_STATION;
            else return cli_usage_error("radiation assess", "--by takes reading, hour, day or station, not '%s'", optarg);
            break;
        case 'B':
            if (split_range(optarg, &a, &b) || (a.len && eco_day_parse(a, &base_from)) ||
                (b.len && eco_day_parse(b, &base_to)) || base_from > base_to)
                return cli_usage_error("radiation assess", "--baseline takes YYYY-MM-DD..YYYY-MM-DD, not '%s'", optarg);
            break;
        case 'm':
            if (!strcmp(optarg, "sd")) method = ECO_RAD_BG_SD;
            else if (!strcmp(optarg, "minmax")) method = ECO_RAD_BG_MINMAX;
            else return cli_usage_error("radiation assess", "--method takes sd or minmax, not '%s'", optarg);
            break;
        case 'k':
            if (parse_num(optarg, &k) || k < 0)
                return cli_usage_error("radiation assess", "--k takes a number >= 0, not '%s'", optarg);
            break;
        case 'g':
            if (split_range(optarg, &a, &b) || eco_slice_to_double(a, &fix_lo) || eco_slice_to_double(b, &fix_hi) ||
                fix_lo > fix_hi)
                return cli_usage_error("radiation assess", "--background takes LO..HI in nGy/h, not '%s'", optarg);
            break;
        case 'i':
            if (parse_num(optarg, &inv_ratio) || inv_ratio < 1)
                return cli_usage_error("radiation assess", "--investigate-ratio takes a number >= 1, not '%s'", optarg);
            break;
        case 'a':
            if (parse_num(optarg, &alarm_ratio) || alarm_ratio < 1)
                return cli_usage_error("radiation assess", "--alarm-ratio takes a number >= 1, not '%s'", optarg);
            break;
        case 'I':
            if (parse_num(optarg, &abs_inv) || abs_inv < 0)
                return cli_usage_error("radiation assess", "--investigate takes a dose rate >= 0, not '%s'", optarg);
            break;
        case 'A':
            if (parse_num(optarg, &abs_alarm) || abs_alarm < 0)
                return cli_usage_error("radiation assess", "--alarm takes a dose rate >= 0, not '%s'", optarg);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error("radiation assess", "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'c': columns = optarg; break;
        case 'h': fputs(assess_help, stdout); return 0;
        default: return cli_usage_error("radiation assess", "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error("radiation assess", "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";

    static const char *const cols_reading[] = {"station", "time", "dose_rate", "bg_lo", "bg_hi", "investigate",
                                               "alarm", "flag"};
    static const char *const cols_agg[] = {"station", "period", "n", "mean", "min", "max", "flag"};
    static const char *const cols_station[] = {"station", "n", "mean", "max", "baseline_n", "bg_mean",
                                               "bg_sd", "bg_lo", "bg_hi", "investigate", "alarm", "n_above",
                                               "n_investigate", "n_alarm", "flag"};
    const char *const *cols = by == BY_READING ? cols_reading : by == BY_STATION ? cols_station : cols_agg;
    int ncols_out = by == BY_READING ? 8 : by == BY_STATION ? 15 : 7;
    char badcol[64];
    if (columns && tbl_check_columns(cols, ncols_out, columns, badcol, sizeof badcol))
        return cli_usage_error("radiation assess", "--columns: no column '%s'", badcol);

    static const char *const st_names[] = {"station", "site", "point", "站点", "站点名称", NULL};
    static const char *const time_names[] = {"time", "datetime", "date", "监测时间", "时间", NULL};
    static const char *const v_names[] = {"dose_rate", "dose", "value", "dose_rate_ngy_h", "剂量率",
                                          "空气吸收剂量率", NULL};

    cli_csv_t src;
    int open_rc = cli_csv_open(&src, path);
    const char *name = src.name ? src.name : path;
    eco_buf_t names = ECO_BUF_INIT;
    rrow_t *rows = NULL;
    double *base = NULL;
    size_t nrows = 0, caprows = 0;
    int rc = 0, col_st = -1, col_t = -1, col_v = -1;
    if (open_rc) {
        rc = open_rc;
        goto done;
    }
    size_t ncols = src.ncols;
    for (size_t i = 0; i < ncols; i++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&src.csv, i));
        int *slot = cli_header_is(h, st_names) ? &col_st : cli_header_is(h, time_names) ? &col_t
                                                   : cli_header_is(h, v_names)      ? &col_v
                                                                                : NULL;
        if (!slot) continue;
        if (*slot >= 0) {
            eco_log_error("%s:1:%zu: column '%.*s' duplicates column %d", name, i + 1, (int)h.len, h.ptr, *slot + 1);
            rc = EXIT_USAGE;
            goto done;
        }
        *slot = (int)i;
    }
    if (col_st < 0 || col_t < 0 || col_v < 0) {
        eco_log_error("%s:1: no '%s' column", name, col_st < 0 ? "station" : col_t < 0 ? "time" : "dose_rate");
        rc = EXIT_USAGE;
        goto done;
    }
    long rows_bad = 0;
    while (cli_csv_next(&src)) {
        size_t line = eco_csv_line(&src.csv);
        rrow_t row = {0, 0, 0, NAN, line};
        eco_slice_t s = eco_slice_trim(eco_csv_field(&src.csv, (size_t)col_t));
        if (eco_time_parse(s, &row.t)) {
            eco_log_warn("%s:%zu:%d: time: not a date/time: '%.*s'; row skipped", name, line, col_t + 1, (int)s.len,
                         s.ptr);
            rows_bad++;
            continue;
        }
        s = eco_csv_field(&src.csv, (size_t)col_v);
        int prc = cli_parse_conc(s, &row.v);
        if (prc) {
            eco_log_warn("%s:%zu:%d: dose_rate: %s: '%.*s'; row skipped", name, line, col_v + 1,
                         prc == ECO_ERANGE ? "negative value" : "not a number", (int)s.len, s.ptr);
            rows_bad++;
            continue;
        }
        if (!isfinite(row.v)) row.v = NAN;
        s = eco_slice_trim(eco_csv_field(&src.csv, (size_t)col_st));
        row.name_off = names.len;
        row.name_len = s.len;
        eco_buf_append(&names, s.ptr, s.len);
        if (nrows == caprows) {
            size_t nc = caprows ? 2 * caprows : 256;
            rrow_t *p = realloc(rows, nc * sizeof *rows);
            if (!p) {
                eco_log_error("out of memory");
                rc = EXIT_RUNTIME;
                goto done;
            }
            rows = p;
            caprows = nc;
        }
        rows[nrows++] = row;
    }
    if (names.oom || !(base = malloc((nrows + 1) * sizeof *base))) {
        eco_log_error("out of memory");
        rc = EXIT_RUNTIME;
        goto done;
    }
    g_names = names.data ? names.data : "";
    if (nrows) qsort(rows, nrows, sizeof *rows, cmp_row);

    cli_table_t t;
    tbl_begin_sel(&t, stdout, fmt, cols, ncols_out, columns);
    long nflag[4] = {0, 0, 0, 0}, nostation_bg = 0;
    char buf[32];
    for (size_t i = 0; i < nrows;) {
        size_t j = i + 1;
        while (j < nrows && rows[j].name_len == rows[i].name_len &&
               !memcmp(g_names + rows[j].name_off, g_names + rows[i].name_off, rows[i].name_len))
            j++;
        const char *st = g_names + rows[i].name_off;
        int stn = (int)rows[i].name_len;
        /* background */
        size_t nb = 0;
        for (size_t q = i; q < j; q++) {
            eco_day_t d = eco_time_day(rows[q].t);
            if (d >= base_from && d <= base_to) base[nb++] = rows[q].v;
        }
        eco_rad_bg_t bg;
        if (!isnan(fix_lo)) {
            eco_rad_background(base, nb, method, k, &bg);
            bg.lo = fix_lo;
            bg.hi = fix_hi;
        } else if (eco_rad_background(base, nb, method, k, &bg)) {
            eco_log_warn("%s: station '%.*s': %ld valid baseline readings, too few for a background range; "
                         "its readings are not flagged",
                         name, stn, st, bg.n);
            nostation_bg++;
        }
        eco_rad_levels_t lv;
        eco_rad_levels(&bg, inv_ratio, alarm_ratio, abs_inv, abs_alarm, &lv);
        eco_rad_stats_t all;
        eco_rad_stats_init(&all);
        long sf[4] = {0, 0, 0, 0};
        for (size_t q = i; q < j;) {
            /* one output group: a reading, an hour or a day */
            size_t m = q + 1;
            if (by == BY_HOUR || by == BY_DAY) {
                eco_time_t g = by == BY_HOUR ? rows[q].t - eco_time_sod(rows[q].t) % ECO_HOUR_S
                                             : eco_time_from_day(eco_time_day(rows[q].t));
                while (m < j && (by == BY_HOUR ? rows[m].t - eco_time_sod(rows[m].t) % ECO_HOUR_S
                                               : eco_time_from_day(eco_time_day(rows[m].t))) == g)
                    m++;
            }
            eco_rad_stats_t s;
            eco_rad_stats_init(&s);
            int worst = ECO_RAD_NA;
            for (size_t x = q; x < m; x++) {
                eco_rad_stats_add(&s, rows[x].v);
                eco_rad_stats_add(&all, rows[x].v);
                int fl = eco_rad_classify(rows[x].v, &lv);
                if (fl >= 0) {
                    sf[fl]++;
                    nflag[fl]++;
                }
                if (fl > worst) worst = fl;
            }
            if (by == BY_READING) {
                tbl_row_begin(&t);
                tbl_rawn(&t, st, (size_t)stn);
                eco_time_format(rows[q].t, buf, sizeof buf);
                tbl_str(&t, buf);
                tbl_num(&t, rows[q].v, -1);
                tbl_num(&t, bg.lo, 1);
                tbl_num(&t, bg.hi, 1);
                tbl_num(&t, lv.investigate, 1);
                tbl_num(&t, lv.alarm, 1);
                tbl_str(&t, eco_rad_flag_name((eco_rad_flag_t)worst));
                tbl_row_end(&t);
            } else if (by != BY_STATION) {
                tbl_row_begin(&t);
                tbl_rawn(&t, st, (size_t)stn);
                if (by == BY_HOUR) eco_time_format(rows[q].t - eco_time_sod(rows[q].t) % ECO_HOUR_S, buf, sizeof buf);
                else eco_day_format(eco_time_day(rows[q].t), buf, sizeof buf);
                tbl_str(&t, buf);
                tbl_int(&t, s.n);
                tbl_num(&t, eco_rad_stats_mean(&s), 1);
                tbl_num(&t, s.min, -1);
                tbl_num(&t, s.max, -1);
                tbl_str(&t, eco_rad_flag_name((eco_rad_flag_t)worst));
                tbl_row_end(&t);
            }
            q = m;
        }
        if (by == BY_STATION) {
            int worst = sf[3] ? 3 : sf[2] ? 2 : sf[1] ? 1 : sf[0] ? 0 : -1;
            tbl_row_begin(&t);
            tbl_rawn(&t, st, (size_t)stn);
            tbl_int(&t, all.n);
            tbl_num(&t, eco_rad_stats_mean(&all), 1);
            tbl_num(&t, all.max, -1);
            tbl_int(&t, bg.n);
            tbl_num(&t, bg.mean, 1);
            tbl_num(&t, bg.sd, 2);
            tbl_num(&t, bg.lo, 1);
            tbl_num(&t, bg.hi, 1);
            tbl_num(&t, lv.investigate, 1);
            tbl_num(&t, lv.alarm, 1);
            tbl_int(&t, sf[1]);
            tbl_int(&t, sf[2]);
            tbl_int(&t, sf[3]);
            tbl_str(&t, eco_rad_flag_name((eco_rad_flag_t)worst));
            tbl_row_end(&t);
        }
        i = j;
    }
    int io = tbl_end(&t);
    fprintf(stderr, "radiation assess: %zu readings: %ld normal, %ld above background, %ld investigate, %ld alarm\n",
            nrows, nflag[0], nflag[1], nflag[2], nflag[3]);
    if (rows_bad || src.records_bad || nostation_bg)
        eco_log_warn("%s: %ld rows with bad values skipped, %ld malformed records skipped, %ld stations without a "
                     "background",
                     name, rows_bad, src.records_bad, nostation_bg);
    if (io) {
        eco_log_error("writing output failed");
        rc = EXIT_RUNTIME;
    } else if (src.records_bad) {
        rc = EXIT_USAGE;
    }
    if (src.failed && !rc) rc = EXIT_RUNTIME;
done:
    free(rows);
    free(base);
    eco_buf_free(&names);
    cli_csv_close(&src);
    return rc;
}

int cmd_radiation(int argc, char **argv)
{
    if (argc < 2) {
        fputs(rad_usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(rad_usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "assess")) return rad_assess(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain radiation: unknown subcommand '%s'\n\n", argv[1]);
    fputs(rad_usage_text, stderr);
    return EXIT_USAGE;
}
