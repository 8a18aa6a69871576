/* air_input.c — reading air-quality CSV for the `air` subcommands.
 *
 * Why one reader: `air aqi` and `air assess` (and later rankings/targets)
 * accept the same hourly format and must agree on every corner — column
 * aliases, what counts as missing vs not monitored, what a bad row is and
 * how it is reported.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "air/aqi.h"
#include "cli.h"
#include "core/log.h"

int cli_parse_conc(eco_slice_t s, double *out)
{
    s = eco_slice_trim(s);
    if (s.len == 0 || eco_slice_ieq(s, "NA") || eco_slice_eq(s, "-") || eco_slice_eq(s, "--") ||
        eco_slice_eq(s, "—") || eco_slice_ieq(s, "null") || eco_slice_ieq(s, "nan")) {
        *out = ECO_AIR_NA;
        return 0;
    }
    if (eco_slice_eq(s, "/")) {
        *out = ECO_AIR_NOT_MONITORED;
        return 0;
    }
    double v;
    if (eco_slice_to_double(s, &v)) return ECO_ENUMBER;
    if (v < 0) return ECO_ERANGE;
    *out = v;
    return 0;
}

int air_input_open(air_input_t *in, const char *path)
{
    static const char *const site_names[] = {"site", "station", "stationcode", "station_code", "code", NULL};
    static const char *const time_names[] = {"time", "timepoint", "datetime", "date", NULL};
    static const char *const names[ECO_AIR_NIND][5] = {
        [ECO_AIR_SO2] = {"so2", NULL},
        [ECO_AIR_NO2] = {"no2", NULL},
        [ECO_AIR_CO] = {"co", NULL},
        [ECO_AIR_O3] = {"o3", "o3_1h", NULL},
        [ECO_AIR_O3_8H] = {"o3_8h", "o3-8h", "o3_8", NULL},
        [ECO_AIR_PM10] = {"pm10", NULL},
        [ECO_AIR_PM25] = {"pm2_5", "pm25", "pm2.5", NULL},
    };
    static const char *const so2_24h_names[] = {"so2_24h", NULL};
    memset(in, 0, sizeof *in);
    int rc = cli_csv_open(&in->src, path);
    in->path = in->src.name ? in->src.name : path;
    if (rc) return rc;
    in->col_site = in->col_time = in->col_so2_24h = -1;
    for (int i = 0; i < ECO_AIR_NIND; i++) in->col_ind[i] = -1;
    for (size_t c = 0; c < in->src.ncols; c++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in->src.csv, c));
        int *slot = NULL;
        if (cli_header_is(h, site_names)) slot = &in->col_site;
        else if (cli_header_is(h, time_names)) slot = &in->col_time;
        else if (cli_header_is(h, so2_24h_names)) slot = &in->col_so2_24h;
        else
            for (int i = 0; i < ECO_AIR_NIND; i++)
                if (cli_header_is(h, names[i])) slot = &in->col_ind[i];
        if (!slot) continue; /* unknown columns are ignored */
        if (*slot >= 0) {
            eco_log_error("%s:1:%zu: column '%.*s' duplicates column %d", in->path, c + 1, (int)h.len, h.ptr,
                          *slot + 1);
            return EXIT_USAGE;
        }
        *slot = (int)c;
    }
    if (in->col_time < 0) {
        eco_log_error("%s:1: no time column (expected one of: time, timepoint, datetime, date)", in->path);
        return EXIT_USAGE;
    }
    int any = 0;
    for (int i = 0; i < ECO_AIR_NIND; i++) any |= in->col_ind[i] >= 0;
    if (!any) {
        eco_log_error("%s:1: no pollutant column (expected so2, no2, co, o3, o3_8h, pm10, pm2_5)", in->path);
        return EXIT_USAGE;
    }
    return 0;
}

int air_input_next(air_input_t *in, air_row_t *row)
{
    while (cli_csv_next(&in->src)) {
        size_t line = eco_csv_line(&in->src.csv);
        row->line = line;
        row->site = in->col_site >= 0 ? eco_slice_trim(eco_csv_field(&in->src.csv, (size_t)in->col_site))
                                      : (eco_slice_t){"", 0};
        row->time_text = eco_slice_trim(eco_csv_field(&in->src.csv, (size_t)in->col_time));
        if (eco_time_parse(row->time_text, &row->t)) {
            eco_log_warn("%s:%zu:%d: time: not a date/time: '%.*s'; row skipped", in->path, line, in->col_time + 1,
                         (int)row->time_text.len, row->time_text.ptr);
            in->rows_bad++;
            continue;
        }
        int bad = 0;
        for (int i = 0; i < ECO_AIR_NIND && !bad; i++) {
            /* a pollutant with no column at all is not monitored by this
             * input ("/"), not missing: it never blocks publication */
            row->v[i] = ECO_AIR_NOT_MONITORED;
            if (in->col_ind[i] < 0) continue;
            eco_slice_t s = eco_csv_field(&in->src.csv, (size_t)in->col_ind[i]);
            int rc = cli_parse_conc(s, &row->v[i]);
            if (rc) {
                eco_log_warn("%s:%zu:%d: %s: %s: '%.*s'; row skipped", in->path, line, in->col_ind[i] + 1,
                             eco_air_ind_key[i], rc == ECO_ERANGE ? "negative concentration" : "not a number",
                             (int)s.len, s.ptr);
                bad = 1;
            }
        }
        row->so2_24h = ECO_AIR_NA;
        if (!bad && in->col_so2_24h >= 0) {
            eco_slice_t s = eco_csv_field(&in->src.csv, (size_t)in->col_so2_24h);
            if (cli_parse_conc(s, &row->so2_24h)) {
                eco_log_warn("%s:%zu:%d: so2_24h: not a valid concentration: '%.*s'; row skipped", in->path, line,
                             in->col_so2_24h + 1, (int)s.len, s.ptr);
                bad = 1;
            }
        }
        if (bad) {
            in->rows_bad++;
            continue;
        }
        in->rows_ok++;
        return 1;
    }
    return 0;
}

void air_input_close(air_input_t *in)
{
    cli_csv_close(&in->src);
    if (in->rows_bad || in->src.records_bad)
        eco_log_warn("%s: %ld rows read, %ld rows with bad values skipped, %ld malformed records skipped", in->path,
                     in->rows_ok, in->rows_bad, in->src.records_bad);
}

int cli_parse_format(const char *s, int *fmt, int allow_text)
{
    if (!strcmp(s, "csv")) *fmt = TBL_CSV;
    else if (!strcmp(s, "json")) *fmt = TBL_JSON;
    else if (allow_text && !strcmp(s, "text")) *fmt = TBL_TEXT;
    else return -1;
    return 0;
}

int cli_parse_edition(const char *s, const eco_air_edition_t **ed)
{
    if (!strcmp(s, "auto")) {
        *ed = NULL;
        return 0;
    }
    *ed = eco_air_edition_by_name(s);
    return *ed ? 0 : -1;
}

int cli_parse_hour_label(const char *s, cli_hour_label_t *hl)
{
    if (!strcmp(s, "end")) *hl = HOUR_LABEL_END;
    else if (!strcmp(s, "start")) *hl = HOUR_LABEL_START;
    else return -1;
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ecobrain %s: %s\nTry 'ecobrain %s --help'.\n", cmd, msg, cmd);
    return EXIT_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) return 0;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    }
    return 0;
}
