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
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brain/rules.h"
#include "brain/screens.h"
#include "core/alloc.h"
#include "ingest/ingest.h"
#include "cli.h"
#include "standards/factors.h"
#include "store/store.h"

static const char *const cols[] = {"time", "screen", "severity", "mn", "site", "factor", "granularity", "evidence"};

/* one record (device, granularity, time) being gathered for the rules */
typedef struct rec_val {
    char factor[32];
    double value;
    size_t foff, flen;       /* its fields in actx.fields */
} rec_val_t;

typedef struct actx {
    cli_table_t t;
    eco_screener_t *scr;
    eco_rules_t *rules;      /* --rules */
    long n;
    /* the record being gathered (scan --rules: rows come by device, granularity, time) */
    char mn[128], site[64];
    int gran;
    eco_time_t rt;
    rec_val_t *vals;
    size_t nvals, capvals;
    char *fields;
    size_t flen, fcap;
    int oom;
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

static int on_rule(void *ud, const eco_rule_alert_t *a)
{
    actx_t *x = ud;
    row(x, a->t, a->screen, a->severity, x->mn, x->site, a->factor, (eco_gran_t)x->gran, a->evidence);
    return x->t.io_error;
}

/* the gathered record through the rules */
static int flush_record(actx_t *x)
{
    if (!x->nvals) return 0;
    eco_rule_val_t v[256];
    size_t n = x->nvals < 256 ? x->nvals : 256;
    for (size_t i = 0; i < n; i++)
        v[i] = (eco_rule_val_t){x->vals[i].factor, x->vals[i].value, x->fields + x->vals[i].foff, x->vals[i].flen};
    int r = eco_rules_record(x->rules, x->mn, x->site, x->gran, x->rt, v, (int)n, on_rule, x);
    x->nvals = 0;
    x->flen = 0;
    return r;
}

static int gather(actx_t *x, const eco_obs_row_t *r)
{
    if (x->nvals && (x->rt != r->t || x->gran != (int)r->gran || strcmp(x->mn, r->mn))) {
        int rc = flush_record(x);
        if (rc) return rc < 0 ? (x->oom = 1) : rc;
    }
    if (!x->nvals) {
        snprintf(x->mn, sizeof x->mn, "%s", r->mn);
        snprintf(x->site, sizeof x->site, "%s", r->site ? r->site : "");
        x->gran = (int)r->gran;
        x->rt = r->t;
    }
    size_t fl = r->fields ? strlen(r->fields) : 0;
    if (x->nvals == x->capvals) {
        size_t nc = x->capvals ? x->capvals * 2 : 32;
        rec_val_t *p = eco_realloc(x->vals, x->capvals * sizeof *p, nc * sizeof *p);
        if (!p) return x->oom = 1;
        x->vals = p;
        x->capvals = nc;
    }
    if (x->flen + fl + 1 > x->fcap) {
        size_t nc = (x->flen + fl + 1) * 2;
        char *p = eco_realloc(x->fields, x->fcap, nc);
        if (!p) return x->oom = 1;
        x->fields = p;
        x->fcap = nc;
    }
    rec_val_t *v = &x->vals[x->nvals++];
    snprintf(v->factor, sizeof v->factor, "%s", r->factor);
    /* a value flagged other than N (calibration, maintenance, fault ...) is not judged: missing */
    int valid = !r->flag[0] || !strcmp(r->flag, "N");
    v->value = valid ? r->value : NAN;
    if (!valid) fl = 0;
    v->foff = x->flen;
    v->flen = fl;
    if (fl) memcpy(x->fields + x->flen, r->fields, fl);
    x->flen += fl;
    x->fields[x->flen++] = 0;
    return 0;
}

static int rules_site_cb(void *ud, const eco_site_t *site)
{
    return eco_rules_site_kind(ud, site->code, eco_site_kind_name(site->kind)) < 0 ||
           eco_rules_site_target(ud, site->code, site->zone) < 0;
}

static int on_obs(void *ud, const eco_obs_row_t *r)
{
    actx_t *x = ud;
    if (x->rules && gather(x, r)) return 1;
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
          "       ecobrain alerts scan --data DIR [--rules FILE] [--from T] [--to T] [--format csv|json|text]\n"
          "\n"
          "list: the alerts `serve` raised when values were first stored. scan: the stored values\n"
          "(current revisions, in time order per series) replayed through the same data-quality\n"
          "screens — spike-and-return, flat line, stuck, impossible value, timestamp in the future,\n"
          "variance collapse (docs/alerts.md). Columns: time (of the reading that fired), screen,\n"
          "severity, mn, site, factor, granularity, evidence (time=value;... of the readings).\n"
          "--rules FILE: the rules file `serve` is given ([alerts] rules): its screen parameters,\n"
          "thresholds and emission limits (screen rule:NAME); rows then come by device and time.\n",
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
                                         {"rules", required_argument, 0, 'R'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *rules = NULL;
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
        case 'R': rules = optarg; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("alerts", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("alerts", "unexpected argument '%s'", argv[optind]);
    if (rules && !scan) return cli_usage_error("alerts", "--rules goes with scan");
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
        r = x.scr ? 0 : eco_err_set(&err, ECO_ENOMEM, "out of memory");
        if (rules && r == 0) { /* same file, same engine as serve: its screen parameters, thresholds, limits */
            if (!(x.rules = eco_rules_new())) r = eco_err_set(&err, ECO_ENOMEM, "out of memory");
            else if ((r = eco_rules_load_file(x.rules, rules, &err)) == 0 &&
                     (r = eco_store_site_each(st, rules_site_cb, x.rules, &err)) == 0) {
                eco_screener_set_hook(x.scr, eco_rules_screen_hook, x.rules);
                q.time_major = 1; /* records: device, granularity, time (each series still in time order) */
            }
            if (r < 0 && err.code == ECO_EPARSE) { /* a bad rules file is a usage error */
                fprintf(stderr, "ecobrain alerts: %s\n", err.msg);
                tbl_end(&x.t);
                eco_rules_free(x.rules);
                eco_screener_free(x.scr);
                eco_store_close(st);
                return EXIT_USAGE;
            }
        }
        if (r == 0) r = eco_store_obs_query(st, &q, on_obs, &x, &err);
        if (r == 0 && x.rules && flush_record(&x) < 0) r = eco_err_set(&err, ECO_ENOMEM, "out of memory");
        if (r == 0 && x.oom) r = eco_err_set(&err, ECO_ENOMEM, "out of memory");
        eco_rules_free(x.rules);
        eco_free(x.vals, x.capvals * sizeof *x.vals);
        eco_free(x.fields, x.fcap);
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
