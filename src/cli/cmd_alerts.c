/* cmd_alerts.c — `ecobrain alerts list|scan`: what the data-quality screens raised.
 *
 * Why two subcommands over one engine: `serve` screens every value when it
 * is first stored and keeps the alerts (live); `scan` replays stored history
 * through the same screens (src/brain/screens.c) — after changing
 * parameters, for data imported otherwise, or to check the live path: for
 * data that arrived in time order both give the same alerts.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "brain/screens.h"
#include "cli.h"
#include "standards/factors.h"
#include "store/store.h"

static const char *const cols[] = {"time", "screen", "severity", "mn", "site", "factor", "granularity", "evidence"};

typedef struct actx {
    cli_table_t t;
    eco_screener_t *scr;
    long n;
} actx_t;

static void row(actx_t *x, eco_time_t t, const char *screen, const char *sev, const char *mn, const char *site,
                const char *factor, eco_gran_t g, const char *evidence)
{
    char tb[32];
    eco_time_format_full(t, tb, sizeof tb);
    tbl_row_begin(&x->t);
    tbl_str(&x->t, tb);
    tbl_str(&x->t, screen);
    tbl_str(&x->t, sev);
    tbl_str(&x->t, mn);
    tbl_str(&x->t, site);
    tbl_str(&x->t, factor);
    tbl_str(&x->t, eco_gran_name(g));
    tbl_str(&x->t, evidence);
    tbl_row_end(&x->t);
    x->n++;
}

static int on_alert(void *ud, const eco_alert_t *a)
{
    actx_t *x = ud;
    row(x, a->t, a->screen, a->severity, a->mn, a->site, a->factor, a->gran, a->evidence);
    return x->t.io_error;
}

static int on_obs(void *ud, const eco_obs_row_t *r)
{
    actx_t *x = ud;
    eco_screen_evidence_t ev;
    unsigned fired = eco_screener_push(x->scr, r->mn, r->factor, (int)r->gran, r->t, r->value, eco_time_from_utc(r->received_ms / 1000), &ev);
    for (unsigned bit = 1; fired && bit <= ECO_SCR_SILENT; bit <<= 1) {
        if (!(fired & bit)) continue;
        char evt[1024];
        eco_screen_evidence_text(&ev, evt, sizeof evt);
        row(x, r->t, eco_screen_name(bit), eco_screen_severity(bit), r->mn, r->site, r->factor, r->gran, evt);
    }
    return x->t.io_error;
}

static void usage(FILE *f)
{
    fputs("Usage: ecobrain alerts list --data DIR [--from T] [--to T] [--format csv|json|text]\n"
          "       ecobrain alerts scan --data DIR [--from T] [--to T] [--format csv|json|text]\n"
          "\n"
          "list: the alerts `serve` raised when values were first stored. scan: the stored values\n"
          "(current revisions, in time order per series) replayed through the same data-quality\n"
          "screens — spike-and-return, flat line, stuck, impossible value, timestamp in the future,\n"
          "variance collapse (docs/alerts.md). Columns: time (of the reading that fired), screen,\n"
          "severity, mn, site, factor, granularity, evidence (time=value;... of the readings).\n",
          f);
}

int cmd_alerts(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "list") && strcmp(argv[1], "scan"))) {
        int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        usage(help ? stdout : stderr);
        return help ? 0 : EXIT_USAGE;
    }
    int scan = !strcmp(argv[1], "scan");
    static const struct option opts[] = {{"data", required_argument, 0, 'd'}, {"from", required_argument, 0, 'F'},
                                         {"to", required_argument, 0, 'T'},   {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
    const char *data = NULL;
    eco_time_t from = INT64_MIN, to = INT64_MAX;
    int fmt = TBL_CSV, c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'F':
        case 'T': {
            eco_time_t t;
            eco_day_t d;
            if (eco_time_parse(eco_slice_cstr(optarg), &t) < 0) {
                if (eco_day_parse(eco_slice_cstr(optarg), &d) < 0)
                    return cli_usage_error("alerts", "--%s '%s' is not a time", c == 'F' ? "from" : "to", optarg);
                t = eco_time_from_day(d) + (c == 'T' ? ECO_DAY_S - 1 : 0);
            }
            if (c == 'F') from = t;
            else to = t;
            break;
        }
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1)) return cli_usage_error("alerts", "--format csv, json or text");
            break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("alerts", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("alerts", "unexpected argument '%s'", argv[optind]);
    eco_store_t *st;
    int ro = cli_store_open("alerts", data, 1, &st);
    if (ro) return ro;
    eco_err_t err;
    eco_err_clear(&err);
    actx_t x;
    memset(&x, 0, sizeof x);
    tbl_begin(&x.t, stdout, fmt, cols, 8);
    int r;
    if (scan) {
        x.scr = eco_screener_new();
        eco_obs_query_t q;
        eco_obs_query_init(&q);
        q.from = from;
        q.to = to;
        r = x.scr ? eco_store_obs_query(st, &q, on_obs, &x, &err) : eco_err_set(&err, ECO_ENOMEM, "out of memory");
        eco_screener_free(x.scr);
    } else {
        r = eco_store_alert_each(st, from, to, on_alert, &x, &err);
    }
    int io = tbl_end(&x.t);
    eco_store_close(st);
    if (r < 0) {
        fprintf(stderr, "ecobrain alerts: %s\n", err.msg);
        return EXIT_RUNTIME;
    }
    return io ? EXIT_RUNTIME : 0;
}
