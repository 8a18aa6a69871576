/* cmd_ledger.c — `ecobrain ledger`: the problem ledger (问题台账) kept in the store.
 *
 * Why here and not only in the API: the people who own the ledger (the
 * agency's duty officers) and the agency's own systems (which take the
 * export) must be able to read and work it from the store directory alone,
 * with the same rules the API applies (src/brain/ledger.c, applied by the
 * store) and the same refusals.
 *
 *   list     problems, newest first (filters: state, site)
 *   show     one problem with its history and its alerts
 *   ack|assign|resolve|close|reopen   a person's action (--by required; a history row)
 *   export   every problem with its whole history (CSV one row per event, or JSON)
 *   rebuild  put stored alerts that are in no problem yet into the ledger (stores from before
 *            schema 4, or written with [ledger] enabled = false), then resolve quiet ones
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fputs("Usage: ecobrain ledger list --data DIR [--state S] [--site X] [--overdue] [--limit N] [--format text|csv|json]\n"
          "       ecobrain ledger show --data DIR ID [--format text|csv|json]\n"
          "       ecobrain ledger ack|resolve|close|reopen --data DIR ID --by WHO [--note TEXT]\n"
          "       ecobrain ledger assign --data DIR ID --by WHO --to WHO [--due YYYY-MM-DD] [--note TEXT]\n"
          "       ecobrain ledger export --data DIR [--format csv|json]\n"
          "       ecobrain ledger rebuild --data DIR [--quiet-hours N]\n"
          "\n"
          "The problem ledger: alerts grouped by device, factor and screen into problems that are\n"
          "followed until closed: open -> acknowledged -> assigned -> resolved -> closed, and reopened\n"
          "when an alert comes again on a resolved one (docs/alerts.md). Every change is kept as a\n"
          "history row (who, when, from, to, note); nothing is deleted. States: open, acknowledged,\n"
          "assigned, resolved, closed, reopened. An action a problem's state does not allow is refused\n"
          "(exit 2) with the state and the actions it allows.\n"
          "list --overdue: only problems past their due date (assigned with --due, not yet resolved or\n"
          "closed; due on a day, overdue from the next, Beijing time); the `overdue` column says it for all.\n"
          "export: CSV with one row per history event, each with its problem's columns.\n"
          "rebuild: stored alerts not yet in a problem are put into the ledger, oldest first (for stores\n"
          "written before the ledger); --quiet-hours is the hysteresis (default 24, 0 = never resolve).\n",
          f);
}

static const char *const list_cols[] = {"id",         "state",     "severity", "kind",     "site",
                                        "mn",         "factor",    "alerts",   "first_alert", "last_alert",
                                        "assignee",   "due",       "overdue",  "opened",   "updated"};
enum { NLIST = 15 };
static const char *const hist_cols[] = {"time", "by", "action", "from", "to", "assignee", "due", "alert", "note"};
enum { NHIST = 9 };
static const char *const alert_cols[] = {"id", "time", "screen", "severity", "granularity", "evidence"};
static const char *const export_cols[] = {"problem",     "kind",       "site",      "mn",       "factor",
                                          "state",       "severity",   "assignee",  "due",      "alerts",
                                          "first_alert", "last_alert", "opened",    "updated",  "event",
                                          "event_time",  "by",         "action",    "from",     "to",
                                          "event_assignee", "event_due", "alert",   "note"};
enum { NEXPORT = 24 };

static void tstr(cli_table_t *t, eco_time_t v)
{
    char b[32];
    eco_time_format_full(v, b, sizeof b);
    tbl_str(t, b);
}

static eco_day_t today_bj(void) { return eco_time_day(eco_time_from_utc(eco_now_ms() / 1000)); }

static void problem_cells(cli_table_t *t, const eco_problem_t *p)
{
    tbl_int(t, p->id);
    tbl_str(t, eco_pb_state_name(p->state));
    tbl_str(t, p->severity);
    tbl_str(t, p->kind);
    tbl_str(t, p->site);
    tbl_str(t, p->mn);
    tbl_str(t, p->factor);
    tbl_int(t, p->alerts);
    tstr(t, p->first_t);
    tstr(t, p->last_t);
    tbl_str(t, p->assignee);
    tbl_str(t, p->due);
    tbl_str(t, eco_pb_overdue(p->state, p->due, today_bj()) ? "yes" : "no");
    tstr(t, p->opened);
    tstr(t, p->updated);
}

static void event_cells(cli_table_t *t, const eco_problem_event_t *e)
{
    tstr(t, e->t);
    tbl_str(t, e->by);
    tbl_str(t, e->action);
    tbl_str(t, e->from_state);
    tbl_str(t, e->to_state);
    tbl_str(t, e->assignee);
    tbl_str(t, e->due);
    if (e->alert > 0) tbl_int(t, e->alert);
    else tbl_null(t);
    tbl_str(t, e->note);
}

/* ---- JSON objects (show --format json, export --format json) */

/* the shapes are the store's (store_json.c), the same as the API's */

/* ---- options */

typedef struct opts {
    const char *data, *site, *by, *to, *due, *note;
    int state, fmt, fmt_set, overdue;
    long limit, quiet_h;
    long id;
    int have_id;
} opts_t;

static int parse_id(const char *s, long *id)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v <= 0) return -1;
    *id = v;
    return 0;
}

static int parse_opts(const char *sub, int argc, char **argv, opts_t *o)
{
    static const struct option lo[] = {
        {"data", required_argument, 0, 'd'},  {"state", required_argument, 0, 's'},
        {"site", required_argument, 0, 'S'},  {"limit", required_argument, 0, 'l'},
        {"format", required_argument, 0, 'f'}, {"by", required_argument, 0, 'b'},
        {"to", required_argument, 0, 't'},    {"due", required_argument, 0, 'D'},
        {"note", required_argument, 0, 'n'},  {"quiet-hours", required_argument, 0, 'q'},
        {"overdue", no_argument, 0, 'O'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->state = -1;
    o->quiet_h = ECO_LEDGER_QUIET_DEFAULT_S / 3600;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "ledger %s", sub);
    optind = 2;
    int c;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o->data = optarg; break;
        case 'S': o->site = optarg; break;
        case 'b': o->by = optarg; break;
        case 't': o->to = optarg; break;
        case 'D': o->due = optarg; break;
        case 'n': o->note = optarg; break;
        case 'O': o->overdue = 1; break;
        case 's': {
            eco_pb_state_t st;
            if (eco_pb_state_parse(optarg, &st) < 0)
                return cli_usage_error(cmd, "--state '%s' is not open, acknowledged, assigned, resolved, closed or "
                                            "reopened", optarg);
            o->state = (int)st;
            break;
        }
        case 'l':
            if (parse_id(optarg, &o->limit) < 0) return cli_usage_error(cmd, "--limit '%s' is not a positive integer", optarg);
            break;
        case 'q': {
            char *end;
            o->quiet_h = strtol(optarg, &end, 10);
            if (!*optarg || *end || o->quiet_h < 0 || o->quiet_h > 24 * 366)
                return cli_usage_error(cmd, "--quiet-hours '%s' is not an integer in 0..8784", optarg);
            break;
        }
        case 'f':
            if (cli_parse_format(optarg, &o->fmt, 1)) return cli_usage_error(cmd, "--format text, csv or json");
            o->fmt_set = 1;
            break;
        case 'h': usage(stdout); return -1;
        default: return cli_usage_error(cmd, "unknown option");
        }
    }
    if (optind < argc) {
        if (parse_id(argv[optind], &o->id) < 0)
            return cli_usage_error(cmd, "'%s' is not a problem id (a positive integer)", argv[optind]);
        o->have_id = 1;
        optind++;
    }
    if (optind < argc) return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!o->data) return cli_usage_error(cmd, "--data DIR is required");
    return 0;
}

static int fail(const char *sub, const eco_err_t *err)
{
    fprintf(stderr, "ecobrain ledger %s: %s\n", sub, err->msg);
    return err->code == ECO_EIO || err->code == ECO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
}

static int open_store(const char *sub, const opts_t *o, int readonly, eco_store_t **st)
{
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.readonly = readonly;
    so.create = 0; /* the ledger of a store that is not there is an error, not a new store */
    so.catalogue_only = 1; /* no values are written here: the latest-value cache is not needed */
    eco_err_t err;
    eco_err_clear(&err);
    if (eco_store_open(st, o->data, &so, &err) < 0) {
        fprintf(stderr, "ecobrain ledger %s: %s\n", sub, err.msg);
        return EXIT_RUNTIME;
    }
    return 0;
}

/* ---- list */

typedef struct lctx {
    cli_table_t t;
} lctx_t;

static int on_list(void *ud, const eco_problem_t *p)
{
    lctx_t *x = ud;
    tbl_row_begin(&x->t);
    problem_cells(&x->t, p);
    tbl_row_end(&x->t);
    return x->t.io_error;
}

static int do_list(const opts_t *o)
{
    eco_store_t *st;
    int rc = open_store("list", o, 1, &st);
    if (rc) return rc;
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    q.state = o->state;
    q.site = o->site;
    q.limit = o->limit;
    char today[16];
    eco_day_format(today_bj(), today, sizeof today);
    if (o->overdue) q.due_before = today;
    lctx_t x;
    tbl_begin(&x.t, stdout, o->fmt_set ? o->fmt : TBL_TEXT, list_cols, NLIST);
    eco_err_t err;
    eco_err_clear(&err);
    int r = eco_store_problem_each(st, &q, on_list, &x, &err);
    int io = tbl_end(&x.t);
    eco_store_close(st);
    if (r < 0) return fail("list", &err);
    return io ? EXIT_RUNTIME : 0;
}

/* ---- show */

typedef struct sctx {
    int found;
    eco_problem_t p;          /* strings copied below */
    char kind[128], mn[128], site[128], factor[64], sev[16], assignee[256], due[16];
} sctx_t;

static int on_one(void *ud, const eco_problem_t *p)
{
    sctx_t *x = ud;
    x->found = 1;
    x->p = *p;
    snprintf(x->kind, sizeof x->kind, "%s", p->kind);
    snprintf(x->mn, sizeof x->mn, "%s", p->mn);
    snprintf(x->site, sizeof x->site, "%s", p->site);
    snprintf(x->factor, sizeof x->factor, "%s", p->factor);
    snprintf(x->sev, sizeof x->sev, "%s", p->severity);
    snprintf(x->assignee, sizeof x->assignee, "%s", p->assignee);
    snprintf(x->due, sizeof x->due, "%s", p->due);
    x->p.kind = x->kind;
    x->p.mn = x->mn;
    x->p.site = x->site;
    x->p.factor = x->factor;
    x->p.severity = x->sev;
    x->p.assignee = x->assignee;
    x->p.due = x->due;
    return 1;
}

static int on_hist_row(void *ud, const eco_problem_event_t *e)
{
    cli_table_t *t = ud;
    tbl_row_begin(t);
    event_cells(t, e);
    tbl_row_end(t);
    return t->io_error;
}

static int on_alert_row(void *ud, const eco_alert_t *a)
{
    cli_table_t *t = ud;
    tbl_row_begin(t);
    tbl_int(t, a->id);
    tstr(t, a->t);
    tbl_str(t, a->screen);
    tbl_str(t, a->severity);
    tbl_str(t, eco_gran_name(a->gran));
    tbl_str(t, a->evidence);
    tbl_row_end(t);
    return t->io_error;
}

static int load_one(eco_store_t *st, long id, sctx_t *x, eco_err_t *err)
{
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    q.id = id;
    memset(x, 0, sizeof *x);
    int r = eco_store_problem_each(st, &q, on_one, x, err);
    if (r < 0) return r;
    if (!x->found) return eco_err_set(err, ECO_ENOENT, "problem %ld: no such problem", id);
    return 0;
}

static int do_show(const opts_t *o)
{
    if (!o->have_id) return cli_usage_error("ledger show", "which problem? (ledger show --data DIR ID)");
    eco_store_t *st;
    int rc = open_store("show", o, 1, &st);
    if (rc) return rc;
    eco_err_t err;
    eco_err_clear(&err);
    sctx_t x;
    int r = load_one(st, o->id, &x, &err), io = 0;
    int fmt = o->fmt_set ? o->fmt : TBL_TEXT;
    if (r == 0 && fmt == TBL_JSON) {
        eco_buf_t b = {0};
        eco_json_t j;
        eco_json_init(&j, &b);
        eco_json_obj_begin(&j);
        eco_json_key(&j, "problem");
        eco_json_obj_begin(&j);
        eco_store_json_problem_fields(&j, &x.p, today_bj());
        eco_json_obj_end(&j);
        eco_json_key(&j, "history");
        eco_json_arr_begin(&j);
        r = eco_store_problem_history(st, o->id, eco_store_json_event, &j, &err);
        eco_json_arr_end(&j);
        eco_json_key(&j, "alerts");
        eco_json_arr_begin(&j);
        if (r == 0) r = eco_store_problem_alerts(st, o->id, eco_store_json_alert, &j, &err);
        eco_json_arr_end(&j);
        eco_json_obj_end(&j);
        if (r == 0 && eco_json_status(&j) < 0) r = eco_err_set(&err, ECO_ENOMEM, "out of memory");
        if (r == 0) io = fwrite(b.data, 1, b.len, stdout) != b.len || fputc('\n', stdout) == EOF;
        eco_buf_free(&b);
    } else if (r == 0 && fmt == TBL_CSV) { /* the history, as export writes it for one problem */
        cli_table_t t;
        tbl_begin(&t, stdout, TBL_CSV, hist_cols, NHIST);
        r = eco_store_problem_history(st, o->id, on_hist_row, &t, &err);
        io = tbl_end(&t);
    } else if (r == 0) {
        const eco_problem_t *p = &x.p;
        char a[32], b2[32], c[32], d[32];
        eco_time_format_full(p->first_t, a, sizeof a);
        eco_time_format_full(p->last_t, b2, sizeof b2);
        eco_time_format_full(p->opened, c, sizeof c);
        eco_time_format_full(p->updated, d, sizeof d);
        printf("problem %ld: %s on %s of %s%s%s%s\n", p->id, p->kind, p->factor, p->mn, p->site[0] ? " (site " : "",
               p->site, p->site[0] ? ")" : "");
        printf("state     %s\nseverity  %s\n", eco_pb_state_name(p->state), p->severity);
        printf("assignee  %s\ndue       %s\n", p->assignee[0] ? p->assignee : "-", p->due[0] ? p->due : "-");
        printf("alerts    %ld, first %s, last %s\n", p->alerts, a, b2);
        printf("opened    %s, updated %s\n\nhistory\n", c, d);
        fflush(stdout);
        cli_table_t t;
        tbl_begin(&t, stdout, TBL_TEXT, hist_cols, NHIST);
        r = eco_store_problem_history(st, o->id, on_hist_row, &t, &err);
        io = tbl_end(&t);
        if (r == 0) {
            printf("\nalerts\n");
            fflush(stdout);
            tbl_begin(&t, stdout, TBL_TEXT, alert_cols, 6);
            r = eco_store_problem_alerts(st, o->id, on_alert_row, &t, &err);
            io |= tbl_end(&t);
        }
    }
    eco_store_close(st);
    if (r < 0) return fail("show", &err);
    return io ? EXIT_RUNTIME : 0;
}

/* ---- actions */

static int do_action(const char *sub, eco_pb_action_t action, const opts_t *o)
{
    char cmd[32];
    snprintf(cmd, sizeof cmd, "ledger %s", sub);
    if (!o->have_id) return cli_usage_error(cmd, "which problem? (ledger %s --data DIR ID --by WHO)", sub);
    if (!o->by || !*o->by) return cli_usage_error(cmd, "--by WHO is required (the history names who acted)");
    if (action == ECO_PA_ASSIGN && (!o->to || !*o->to)) return cli_usage_error(cmd, "--to WHO is required");
    if (action != ECO_PA_ASSIGN && (o->to || o->due)) return cli_usage_error(cmd, "--to and --due go with assign");
    eco_store_t *st;
    int rc = open_store(sub, o, 0, &st);
    if (rc) return rc;
    eco_err_t err;
    eco_err_clear(&err);
    sctx_t x;
    int r = load_one(st, o->id, &x, &err);
    eco_pb_state_t from = x.p.state, to = from;
    if (r == 0) {
        eco_problem_change_t c = {action, o->by, o->to, o->due, o->note, eco_time_from_utc(eco_now_ms() / 1000)};
        r = eco_store_problem_transition(st, o->id, &c, &to, &err);
    }
    eco_store_close(st);
    if (r < 0) return fail(sub, &err);
    printf("problem %ld: %s -> %s (%s by %s)\n", o->id, eco_pb_state_name(from), eco_pb_state_name(to), sub, o->by);
    return 0;
}

/* ---- export */

typedef struct ectx {
    eco_store_t *st;
    cli_table_t t;
    eco_json_t j;
    int json;
    const eco_problem_t *p;
    eco_err_t *err;
    int r;
} ectx_t;

static int on_export_event(void *ud, const eco_problem_event_t *e)
{
    ectx_t *x = ud;
    tbl_row_begin(&x->t);
    const eco_problem_t *p = x->p;
    tbl_int(&x->t, p->id);
    tbl_str(&x->t, p->kind);
    tbl_str(&x->t, p->site);
    tbl_str(&x->t, p->mn);
    tbl_str(&x->t, p->factor);
    tbl_str(&x->t, eco_pb_state_name(p->state));
    tbl_str(&x->t, p->severity);
    tbl_str(&x->t, p->assignee);
    tbl_str(&x->t, p->due);
    tbl_int(&x->t, p->alerts);
    tstr(&x->t, p->first_t);
    tstr(&x->t, p->last_t);
    tstr(&x->t, p->opened);
    tstr(&x->t, p->updated);
    tbl_int(&x->t, e->id);
    tstr(&x->t, e->t);
    tbl_str(&x->t, e->by);
    tbl_str(&x->t, e->action);
    tbl_str(&x->t, e->from_state);
    tbl_str(&x->t, e->to_state);
    tbl_str(&x->t, e->assignee);
    tbl_str(&x->t, e->due);
    if (e->alert > 0) tbl_int(&x->t, e->alert);
    else tbl_null(&x->t);
    tbl_str(&x->t, e->note);
    tbl_row_end(&x->t);
    return x->t.io_error;
}

/* the problem's strings stay valid while its history is read: SQLite keeps the outer row */
static int on_export_problem(void *ud, const eco_problem_t *p)
{
    ectx_t *x = ud;
    x->p = p;
    if (x->json) {
        eco_json_obj_begin(&x->j);
        eco_store_json_problem_fields(&x->j, p, today_bj());
        eco_json_key(&x->j, "history");
        eco_json_arr_begin(&x->j);
        x->r = eco_store_problem_history(x->st, p->id, eco_store_json_event, &x->j, x->err);
        eco_json_arr_end(&x->j);
        eco_json_obj_end(&x->j);
    } else {
        x->r = eco_store_problem_history(x->st, p->id, on_export_event, x, x->err);
    }
    return x->r < 0 || x->t.io_error;
}

static int do_export(const opts_t *o)
{
    int fmt = o->fmt_set ? o->fmt : TBL_CSV;
    if (fmt == TBL_TEXT) return cli_usage_error("ledger export", "--format csv or json (an export is for machines)");
    eco_store_t *st;
    int rc = open_store("export", o, 1, &st);
    if (rc) return rc;
    eco_err_t err;
    eco_err_clear(&err);
    ectx_t x;
    memset(&x, 0, sizeof x);
    x.st = st;
    x.err = &err;
    x.json = fmt == TBL_JSON;
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    q.oldest_first = 1;
    q.state = o->state;
    q.site = o->site;
    int r, io = 0;
    if (x.json) {
        eco_buf_t b = {0};
        eco_json_init(&x.j, &b);
        eco_json_obj_begin(&x.j);
        eco_json_key(&x.j, "problems");
        eco_json_arr_begin(&x.j);
        r = eco_store_problem_each(st, &q, on_export_problem, &x, &err);
        eco_json_arr_end(&x.j);
        eco_json_obj_end(&x.j);
        if (r == 0 && x.r < 0) r = x.r;
        if (r == 0 && eco_json_status(&x.j) < 0) r = eco_err_set(&err, ECO_ENOMEM, "out of memory");
        if (r == 0) io = fwrite(b.data, 1, b.len, stdout) != b.len || fputc('\n', stdout) == EOF;
        eco_buf_free(&b);
    } else {
        tbl_begin(&x.t, stdout, TBL_CSV, export_cols, NEXPORT);
        r = eco_store_problem_each(st, &q, on_export_problem, &x, &err);
        if (r == 0 && x.r < 0) r = x.r;
        io = tbl_end(&x.t);
    }
    eco_store_close(st);
    if (r < 0) return fail("export", &err);
    return io ? EXIT_RUNTIME : 0;
}

/* ---- rebuild */

static int count_active(void *ud, const eco_problem_t *p)
{
    long *n = ud;
    n[0]++;
    if (eco_pb_active(p->state)) n[1]++;
    return 0;
}

static int do_rebuild(const opts_t *o)
{
    eco_store_t *st;
    int rc = open_store("rebuild", o, 0, &st); /* writable: migrates a store from before the ledger */
    if (rc) return rc;
    eco_err_t err;
    eco_err_clear(&err);
    long linked = 0, n[2] = {0, 0};
    int r = eco_store_problem_rebuild(st, o->quiet_h * 3600, eco_time_from_utc(eco_now_ms() / 1000), &linked, &err);
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    if (r == 0) r = eco_store_problem_each(st, &q, count_active, n, &err);
    eco_store_close(st);
    if (r < 0) return fail("rebuild", &err);
    printf("ledger: %ld alert(s) put into problems; %ld problem(s), %ld active\n", linked, n[0], n[1]);
    return 0;
}

int cmd_ledger(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        int help = argc >= 2;
        usage(help ? stdout : stderr);
        return help ? 0 : EXIT_USAGE;
    }
    const char *sub = argv[1];
    eco_pb_action_t action;
    int is_action = eco_pb_action_parse(sub, &action) == 0;
    if (!is_action && strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "export") && strcmp(sub, "rebuild")) {
        return cli_usage_error("ledger", "unknown subcommand '%s' (list, show, ack, assign, resolve, close, reopen, "
                                         "export, rebuild)", sub);
    }
    opts_t o;
    int rc = parse_opts(sub, argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc; /* -1: --help was printed */
    if (is_action) return do_action(eco_pb_action_name(action), action, &o);
    if (!strcmp(sub, "list")) return do_list(&o);
    if (!strcmp(sub, "show")) return do_show(&o);
    if (!strcmp(sub, "export")) return do_export(&o);
    return do_rebuild(&o);
}
