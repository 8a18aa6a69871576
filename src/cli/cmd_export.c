/* cmd_export.c — `ecobrain export`: stored values out, as CSV or JSON.
 *
 * Why a streaming export: a year of minute data for a province is hundreds
 * of millions of rows; rows go from the store's cursor to the table writer
 * one at a time, so memory stays flat. The store is opened read-only: an
 * export runs beside a live server (SQLite WAL readers do not block it).
 */
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fputs("Usage: ecobrain export --data DIR [--site S|--mn MN] [--factor F] [--from T] [--to T]\n"
          "                       [--granularity realtime|minute|hour|day] [--format csv|json|air] [--revisions]\n"
          "\n"
          "Stream stored values (the current revision of each) ordered by device, factor,\n"
          "granularity and time. CSV header: mn,site,factor,granularity,time,value,flag\n"
          "(time = YYYY-MM-DD HH:MM:SS Beijing time, the record's DataTime; value as sent).\n"
          "\n"
          "  --from T, --to T    inclusive bounds (any format `ecobrain` reads: 2026-05-01, 2026-05-01 08:00,\n"
          "                      20260501080000 ...)\n"
          "  --revisions         add columns revisions (earlier versions kept) and received (arrival time)\n"
          "  --format air        the hour records of air factors as the air engine's table\n"
          "                      site,time,so2,no2,co,o3,pm10,pm2_5 (site = the device's site, else its MN;\n"
          "                      time = the hour's end, as `air assess` reads it; --hour-label start keeps\n"
          "                      the DataTime; a value flagged other than N is left empty)\n",
          f);
}

typedef struct exp_ctx {
    cli_table_t t;
    int revisions;
} exp_ctx_t;

static int on_row(void *ud, const eco_obs_row_t *r)
{
    exp_ctx_t *x = ud;
    char tb[48];
    eco_time_format_full(r->t, tb, sizeof tb);
    tbl_row_begin(&x->t);
    tbl_str(&x->t, r->mn);
    tbl_str(&x->t, r->site);
    tbl_str(&x->t, r->factor);
    tbl_str(&x->t, eco_gran_name(r->gran));
    tbl_str(&x->t, tb);
    tbl_str(&x->t, r->vtext);
    tbl_str(&x->t, r->flag);
    if (x->revisions) {
        char rb[48];
        eco_time_format_full(eco_time_from_utc(r->received_ms / 1000), rb, sizeof rb);
        tbl_int(&x->t, r->revisions);
        tbl_str(&x->t, rb);
    }
    tbl_row_end(&x->t);
    return x->t.io_error;
}

static int parse_bound(const char *s, eco_time_t *t, int end)
{
    eco_slice_t v = eco_slice_cstr(s);
    if (eco_time_parse(v, t) == 0) return 0;
    eco_day_t d;
    if (eco_day_parse(v, &d) == 0) {
        *t = eco_time_from_day(d) + (end ? ECO_DAY_S - 1 : 0);
        return 0;
    }
    return -1;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},   {"site", required_argument, 0, 's'},
        {"mn", required_argument, 0, 'm'},     {"factor", required_argument, 0, 'f'},
        {"from", required_argument, 0, 'F'},   {"to", required_argument, 0, 'T'},
        {"granularity", required_argument, 0, 'g'}, {"format", required_argument, 0, 'o'},
        {"revisions", no_argument, 0, 'r'},    {"help", no_argument, 0, 'h'},
        {"hour-label", required_argument, 0, 'l'},
        {0, 0, 0, 0}};
    const char *data = NULL;
    eco_obs_query_t q;
    eco_obs_query_init(&q);
    int fmt = TBL_CSV, revisions = 0, air = 0, hour_start = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 's': q.site = optarg; break;
        case 'm': q.mn = optarg; break;
        case 'f': q.factor = optarg; break;
        case 'F':
            if (parse_bound(optarg, &q.from, 0) < 0) return cli_usage_error("export", "--from '%s': not a time", optarg);
            break;
        case 'T':
            if (parse_bound(optarg, &q.to, 1) < 0) return cli_usage_error("export", "--to '%s': not a time", optarg);
            break;
        case 'g': {
            eco_gran_t g;
            if (eco_gran_parse(optarg, &g) < 0)
                return cli_usage_error("export", "--granularity '%s': realtime, minute, hour or day", optarg);
            q.gran = (int)g;
            break;
        }
        case 'o':
            if (!strcmp(optarg, "air")) air = 1;
            else if (cli_parse_format(optarg, &fmt, 1) < 0)
                return cli_usage_error("export", "--format '%s': csv, json or air", optarg);
            break;
        case 'l':
            if (!strcmp(optarg, "start")) hour_start = 1;
            else if (strcmp(optarg, "end")) return cli_usage_error("export", "--hour-label end or start");
            break;
        case 'r': revisions = 1; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("export", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
    if (q.from > q.to) return cli_usage_error("export", "--from is after --to");
    eco_store_t *st;
    int ro = cli_store_open("export", data, 1, &st);
    if (ro) return ro;
    eco_err_t err;
    eco_err_clear(&err);
    if (air) {
        if (q.site || q.mn || q.factor || (q.gran >= 0 && q.gran != ECO_GRAN_HOUR)) {
            eco_store_close(st);
            return cli_usage_error("export", "--format air takes --from/--to only (all air sites, hour records)");
        }
        long rows = 0;
        int r = cli_store_air_table(st, stdout, q.from, q.to, hour_start, &rows, &err);
        eco_store_close(st);
        if (r < 0 || fflush(stdout) != 0) {
            fprintf(stderr, "ecobrain export: %s\n", r < 0 ? err.msg : "write error");
            return EXIT_RUNTIME;
        }
        return 0;
    }
    static const char *const cols[] = {"mn", "site", "factor", "granularity", "time", "value", "flag",
                                       "revisions", "received"};
    exp_ctx_t x;
    memset(&x, 0, sizeof x);
    x.revisions = revisions;
    tbl_begin(&x.t, stdout, fmt, cols, revisions ? 9 : 7);
    int r = eco_store_obs_query(st, &q, on_row, &x, &err);
    int io = tbl_end(&x.t);
    eco_store_close(st);
    if (r < 0) {
        fprintf(stderr, "ecobrain export: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    if (io < 0) {
        fprintf(stderr, "ecobrain export: write error\n");
        return EXIT_RUNTIME;
    }
    return 0;
}
