/* cmd_air.c — `ecobrain air ...`: dispatch and `air aqi`.
 *
 * Why `air aqi` streams: a network-year of hourly rows is ~17 M lines; each
 * row's AQI depends only on that row (plus, under HJ 633-2012, the site's
 * previous 24 SO2 hours when SO2 1-h exceeds 800), so nothing is buffered but
 * a 24-hour SO2 ring per site.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "air/aqi.h"
#include "cli.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/map.h"

static void air_usage(FILE *f)
{
    fputs("Usage: ecobrain air SUBCOMMAND [OPTIONS] [FILE|-]\n"
          "\n"
          "  aqi       real-time (hourly) or daily AQI per HJ 633\n"
          "  assess    HJ 663 assessment: daily values, period statistics, composite index\n"
          "  synth     synthetic hourly data\n"
          "\n"
          "'ecobrain air SUBCOMMAND --help' for each.\n",
          f);
}

int cmd_air(int argc, char **argv)
{
    if (argc < 2) {
        air_usage(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
        air_usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "aqi")) return cmd_air_aqi(argc - 1, argv + 1);
    if (!strcmp(sub, "assess")) return cmd_air_assess(argc - 1, argv + 1);
    if (!strcmp(sub, "synth")) return cmd_air_synth(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain air: unknown subcommand '%s'\n\n", sub);
    air_usage(stderr);
    return EXIT_USAGE;
}

static const char aqi_help[] =
    "Usage: ecobrain air aqi [OPTIONS] [FILE|-]\n"
    "\n"
    "Compute the AQI of every input row per HJ 633, choosing the edition by the date of\n"
    "each row (HJ 633-2012 before 2026-03-01, HJ 633-2026 from then) unless --edition forces one.\n"
    "\n"
    "Input: CSV with a header; columns matched case-insensitively, others ignored:\n"
    "  site (station, stationcode)  time (timepoint, datetime, date)\n"
    "  so2 no2 co o3 pm10 pm2_5 (pm25, pm2.5)  o3_8h  [so2_24h]\n"
    "  realtime: 1-h values; daily: daily means, o3_8h = daily max 8-h, o3 = daily max 1-h.\n"
    "  µg/m³, CO mg/m³. Empty, NA, - mean missing; / means not monitored.\n"
    "\n"
    "Options:\n"
    "  --mode realtime|daily      report type (default realtime)\n"
    "  --edition auto|2012|2026   rule set (default auto: by date)\n"
    "  --hour-label end|start     what an hourly time stamp names (default end: \"08:00\" is\n"
    "                             07:00-08:00, as the national platform publishes); decides the\n"
    "                             date, hence the edition, of the hour ending at midnight\n"
    "  --missing auto|strict|hj633|partial\n"
    "                             when a pollutant is missing (NA): auto (default) = strict under\n"
    "                             2012 (no AQI, as the national platform did) and HJ 633-2026 5.3.1\n"
    "                             under 2026 (AQI from the others, published only if > 100);\n"
    "                             partial = always from the pollutants present. '/' never blocks.\n"
    "  --notes                    add a notes column (why an AQI is empty, rules applied)\n"
    "  --format csv|json|text     output format (default csv; text: aligned, for people)\n"
    "  --columns LIST             only these columns, e.g. site,time,aqi,primary\n"
    "\n"
    "Output CSV: site,time,aqi,level,category,primary,iaqi_so2,iaqi_no2,iaqi_co,iaqi_o3,\n"
    "  iaqi_o3_8h,iaqi_pm10,iaqi_pm2_5 — aqi empty when not publishable; primary joined by ';'\n"
    "  (empty when AQI <= 50); IAQI empty when missing, '/' when not monitored.\n"
    "Under HJ 633-2012, SO2 1-h > 800 takes the IAQI of the SO2 24-h mean: column so2_24h if\n"
    "present, else the mean of the site's previous 24 input hours (>= 20 valid).\n"
    "Exit status: 0 ok (bad rows are reported on stderr and skipped), 2 usage or malformed input.\n";

/* SO2 history per site for the HJ 633-2012 rule (SO2 1-h > 800 → 24-h IAQI) */
typedef struct so2_ring {
    int64_t hour[24];
    double v[24];
} so2_ring_t;

static double so2_24h_mean(const so2_ring_t *r, int64_t h, int min_hours)
{
    double sum = 0;
    int n = 0;
    for (int k = 0; k < 24; k++)
        if (r->hour[k] > h - 24 && r->hour[k] <= h && isfinite(r->v[k])) sum += r->v[k], n++;
    return n >= min_hours ? sum / n : NAN;
}

static void put_iaqi(cli_table_t *t, int v)
{
    if (v >= 0) tbl_int(t, v);
    else if (v == ECO_IAQI_NM) tbl_str(t, "/");
    else tbl_null(t);
}

/* HJ 633-2026 Table 2: who is sensitive to each pollutant whose IAQI > 100 */
static void sensitive_for(const eco_air_aqi_t *a, const eco_air_edition_t *ed, eco_buf_t *b)
{
    eco_buf_reset(b);
    for (int p = 0; p < ECO_POL_N; p++) {
        eco_air_ind_t i = eco_air_pol_ind[p];
        int iq = a->iaqi[i];
        if (p == ECO_POL_O3 && a->iaqi[ECO_AIR_O3_8H] > iq) iq = a->iaqi[ECO_AIR_O3_8H];
        if (iq > 100 && ed->sensitive_zh[p]) eco_buf_printf(b, "%s%s: %s", b->len ? "; " : "", eco_air_pol_key[p], ed->sensitive_zh[p]);
    }
}

static void notes_for(const eco_air_aqi_t *a, const eco_air_edition_t *ed, eco_buf_t *b)
{
    eco_buf_reset(b);
    if (a->flags & ECO_AQI_F_WITHHELD) {
        eco_buf_printf(b, "AQI withheld: pollutant missing (computed from the others: %d); ", a->aqi_partial);
    } else if (a->aqi < 0) {
        eco_buf_puts(b, "no pollutant available; ");
    } else if (a->flags & ECO_AQI_F_INCOMPLETE) {
        eco_buf_puts(b, "pollutant missing; ");
    }
    if (a->flags & ECO_AQI_F_SO2_OVER)
        eco_buf_puts(b, ed->so2_1h_over == ECO_OVER_FIXED ? "SO2 1-h > 800: IAQI 200; " : "SO2 1-h > 800: IAQI from 24-h mean; ");
    if (a->flags & ECO_AQI_F_O3_8H_OVER)
        eco_buf_puts(b, ed->o3_8h_over == ECO_OVER_FIXED ? "O3 8-h > 800: IAQI 300; " : "O3 8-h > 800: IAQI from 1-h; ");
    if (a->flags & ECO_AQI_F_CAPPED) eco_buf_puts(b, "above the top breakpoint: IAQI 500; ");
    if (a->flags & ECO_AQI_F_FLOOR) eco_buf_printf(b, "raised to the %s minimum AQI %d; ", ed->hj633, ed->aqi_min);
    eco_buf_printf(b, "%s", ed->hj633);
}

int cmd_air_aqi(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mode", required_argument, 0, 'm'},    {"edition", required_argument, 0, 'e'},
        {"format", required_argument, 0, 'f'},  {"hour-label", required_argument, 0, 'l'},
        {"missing", required_argument, 0, 'x'}, {"notes", no_argument, 0, 'n'},
        {"columns", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    eco_air_mode_t mode = ECO_AIR_REALTIME;
    const eco_air_edition_t *forced = NULL;
    int fmt = TBL_CSV, notes = 0;
    const char *columns = NULL;
    cli_hour_label_t hl = HOUR_LABEL_END;
    eco_air_missing_t missing = ECO_MISSING_AUTO;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (!strcmp(optarg, "realtime") || !strcmp(optarg, "hourly")) mode = ECO_AIR_REALTIME;
            else if (!strcmp(optarg, "daily")) mode = ECO_AIR_DAILY;
            else return cli_usage_error("air aqi", "--mode takes realtime or daily, not '%s'", optarg);
            break;
        case 'e':
            if (cli_parse_edition(optarg, &forced))
                return cli_usage_error("air aqi", "--edition takes auto, 2012 or 2026, not '%s'", optarg);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error("air aqi", "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'l':
            if (cli_parse_hour_label(optarg, &hl))
                return cli_usage_error("air aqi", "--hour-label takes end or start, not '%s'", optarg);
            break;
        case 'x':
            if (!strcmp(optarg, "auto")) missing = ECO_MISSING_AUTO;
            else if (!strcmp(optarg, "strict")) missing = ECO_MISSING_STRICT;
            else if (!strcmp(optarg, "hj633")) missing = ECO_MISSING_HJ633;
            else if (!strcmp(optarg, "partial")) missing = ECO_MISSING_PARTIAL;
            else return cli_usage_error("air aqi", "--missing takes auto, strict, hj633 or partial, not '%s'", optarg);
            break;
        case 'n': notes = 1; break;
        case 'c': columns = optarg; break;
        case 'h': fputs(aqi_help, stdout); return 0;
        default: return cli_usage_error("air aqi", "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error("air aqi", "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";

    air_input_t in;
    int rc = air_input_open(&in, path);
    if (rc) {
        air_input_close(&in);
        return rc;
    }
    static const char *const csv_cols[] = {"site",      "time",     "aqi",      "level",      "category",
                                           "primary",   "iaqi_so2", "iaqi_no2", "iaqi_co",    "iaqi_o3",
                                           "iaqi_o3_8h", "iaqi_pm10", "iaqi_pm2_5", "notes"};
    static const char *const json_cols[] = {"site",       "time",    "aqi",     "level",    "category",
                                            "primary",    "iaqi_so2", "iaqi_no2", "iaqi_co", "iaqi_o3",
                                            "iaqi_o3_8h", "iaqi_pm10", "iaqi_pm2_5", "edition", "category_en",
                                            "colour",     "health",  "advice",  "health_en", "advice_en",
                                            "sensitive_groups", "notes"};
    cli_table_t t;
    int json = fmt == TBL_JSON;
    const char *const *cols = json ? json_cols : csv_cols;
    int ncols = json ? (int)(sizeof json_cols / sizeof *json_cols) : notes ? 14 : 13;
    char badcol[64];
    if (columns && tbl_check_columns(cols, ncols, columns, badcol, sizeof badcol)) {
        air_input_close(&in);
        return cli_usage_error("air aqi", "--columns: no column '%s'", badcol);
    }
    tbl_begin_sel(&t, stdout, fmt, cols, ncols, columns);

    eco_map_t sites;
    so2_ring_t *rings = NULL;
    size_t nrings = 0;
    eco_map_init(&sites);
    eco_buf_t note = ECO_BUF_INIT;
    air_row_t row;
    char prim[64];
    int oom = 0;

    while (air_input_next(&in, &row) > 0) {
        eco_time_t hs = row.t;
        eco_day_t day;
        if (mode == ECO_AIR_REALTIME) {
            if (hl == HOUR_LABEL_END) hs -= ECO_HOUR_S;
            day = eco_time_day(hs);
        } else {
            day = eco_time_day(row.t);
        }
        const eco_air_edition_t *ed = forced ? forced : eco_air_edition_for_day(day);
        double so2_24h = row.so2_24h;

        if (mode == ECO_AIR_REALTIME && in.col_so2_24h < 0 && in.col_ind[ECO_AIR_SO2] >= 0) {
            int32_t id = eco_map_put(&sites, row.site);
            if (id < 0) {
                oom = 1;
                break;
            }
            if ((size_t)id >= nrings) {
                size_t n = nrings ? nrings * 2 : 64;
                while (n <= (size_t)id) n *= 2;
                so2_ring_t *nr = eco_realloc(rings, nrings * sizeof *rings, n * sizeof *rings);
                if (!nr) {
                    oom = 1;
                    break;
                }
                for (size_t k = nrings; k < n; k++)
                    for (int j = 0; j < 24; j++) nr[k].hour[j] = INT64_MIN, nr[k].v[j] = NAN;
                rings = nr;
                nrings = n;
            }
            int64_t h = hs >= 0 ? hs / ECO_HOUR_S : -((-hs + ECO_HOUR_S - 1) / ECO_HOUR_S);
            so2_ring_t *r = &rings[id];
            int slot = (int)(((h % 24) + 24) % 24);
            r->hour[slot] = h;
            r->v[slot] = row.v[ECO_AIR_SO2];
            if (isfinite(row.v[ECO_AIR_SO2]) && row.v[ECO_AIR_SO2] > 800)
                so2_24h = so2_24h_mean(r, h, ed->min_hours_daily);
        }

        eco_air_aqi_t a;
        eco_air_aqi_compute(ed, mode, row.v, so2_24h, missing, &a);

        tbl_row_begin(&t);
        tbl_rawn(&t, row.site.ptr, row.site.len);
        tbl_rawn(&t, row.time_text.ptr, row.time_text.len);
        const eco_air_category_t *cat = a.aqi >= 0 ? eco_air_category(ed, a.aqi) : NULL;
        if (a.aqi >= 0) tbl_int(&t, a.aqi);
        else tbl_null(&t);
        if (cat) tbl_int(&t, eco_air_level(a.aqi));
        else tbl_null(&t);
        tbl_str(&t, cat ? cat->name_zh : NULL);
        eco_air_primary_str(a.primary, prim, sizeof prim);
        tbl_str(&t, prim);
        put_iaqi(&t, a.iaqi[ECO_AIR_SO2]);
        put_iaqi(&t, a.iaqi[ECO_AIR_NO2]);
        put_iaqi(&t, a.iaqi[ECO_AIR_CO]);
        put_iaqi(&t, a.iaqi[ECO_AIR_O3]);
        put_iaqi(&t, a.iaqi[ECO_AIR_O3_8H]);
        put_iaqi(&t, a.iaqi[ECO_AIR_PM10]);
        put_iaqi(&t, a.iaqi[ECO_AIR_PM25]);
        if (json) {
            tbl_str(&t, ed->hj633);
            tbl_str(&t, cat ? cat->name_en : NULL);
            tbl_str(&t, cat ? cat->colour_hex : NULL);
            tbl_str(&t, cat ? cat->health_zh : NULL);
            tbl_str(&t, cat ? cat->advice_zh : NULL);
            tbl_str(&t, cat ? cat->health_en : NULL);
            tbl_str(&t, cat ? cat->advice_en : NULL);
            sensitive_for(&a, ed, &note);
            tbl_str(&t, note.data);
        }
        if (json || notes) {
            notes_for(&a, ed, &note);
            tbl_str(&t, note.data);
        }
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    air_input_close(&in);
    eco_map_free(&sites);
    eco_free(rings, nrings * sizeof *rings);
    eco_buf_free(&note);
    if (oom) {
        eco_log_error("out of memory");
        return EXIT_RUNTIME;
    }
    if (io) {
        eco_log_error("writing output failed");
        return EXIT_RUNTIME;
    }
    return in.src.records_bad ? EXIT_USAGE : 0;
}
