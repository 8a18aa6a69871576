/* cmd_catalog.c — `ecobrain site|device|factor add|import|list`: the catalogue.
 *
 * Why: the server refuses MNs it does not know, and the brain evaluates a
 * series by what its site is (kind, region, zone). Agencies keep these lists
 * in spreadsheets, so CSV import is the main path; `add` is for one-offs.
 * Import is all-or-nothing (one transaction): a bad row names its line and
 * nothing of the file is stored, so a half-imported catalogue never exists.
 *
 * Site CSV:   code,kind,name,province,city,county,basin,river,lon,lat,zone
 * Device CSV: mn,pw,site,edition,sm4_key,profile
 * Factor CSV: code,name,unit,item
 * Only code+kind (sites) and mn (devices) are required; columns may come in
 * any order; unknown columns are an error (a typo must not drop data).
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hj212/hj212.h"
#include "standards/factors.h"
#include "store/store.h"

static const char *const site_cols[] = {"code", "kind", "name", "province", "city", "county",
                                        "basin", "river", "lon", "lat", "zone"};
#define NSITE_COLS 11
static const char *const dev_cols[] = {"mn", "pw", "site", "edition", "sm4_key", "profile", "registered", "last_seen"};
#define NDEV_COLS 6
static const char *const factor_cols[] = {"code", "name", "unit", "item"};
#define NFACTOR_COLS 4

static void usage(FILE *f, const char *what)
{
    if (!strcmp(what, "factor"))
        fputs("Usage: ecobrain factor import --data DIR [FILE|-]\n"
              "       ecobrain factor add --data DIR --code CODE [--name N] [--unit U] [--item ITEM]\n"
              "       ecobrain factor list --data DIR [--format csv|json|text]\n"
              "\n"
              "The factor catalogue: the catalogue's name, unit and evaluation item override the HJ 212\n"
              "code tables and the standards' defaults (a34004 -> pm2_5, w21003 -> nh3n, ...). The list\n"
              "shows every factor in the catalogue or carried by a stored series, with the values in\n"
              "effect and where they come from. CSV columns: code,name,unit,item.\n",
              f);
    else if (!strcmp(what, "site"))
        fputs("Usage: ecobrain site import --data DIR [FILE|-]\n"
              "       ecobrain site add --data DIR --code C --kind K [--name N] [--province P] [--city C]\n"
              "                         [--county C] [--basin B] [--river R] [--lon X] [--lat Y] [--zone Z]\n"
              "       ecobrain site list --data DIR [--format csv|json|text]\n"
              "\n"
              "Kinds: air water drinking groundwater sea noise radiation outlet (or 空气 地表水 饮用水源 地下水\n"
              "海洋 噪声 辐射 污染源). CSV columns: code,kind,name,province,city,county,basin,river,lon,lat,zone.\n",
              f);
    else
        fputs("Usage: ecobrain device import --data DIR [FILE|-]\n"
              "       ecobrain device add --data DIR --mn MN [--pw PW] [--site CODE] [--edition 2005|2017|2025]\n"
              "                           [--sm4-key HEX32] [--profile strict|tolerant]\n"
              "       ecobrain device list --data DIR [--format csv|json|text] [--show-secrets]\n"
              "       ecobrain device completeness --data DIR [--mn MN] [--from DAY] [--to DAY] [--format ...]\n"
              "\n"
              "CSV columns: mn,pw,site,edition,sm4_key,profile. The list shows passwords and keys as (set)\n"
              "unless --show-secrets (passwords only; keys are never shown). The profile chooses the HJ 212 mode per\n"
              "device (tolerant: lowercase CRC, bare \\n, stray spaces ...). The list shows registration\n"
              "and last-seen times (Beijing time). Completeness: distinct record times stored per device,\n"
              "granularity and day, against 1440 minute / 24 hour / 1 day records expected.\n",
              f);
}

static int check_device(const eco_device_t *d, char *why, size_t n)
{
    if (!d->mn || !*d->mn) return snprintf(why, n, "mn is empty"), -1;
    if (strlen(d->mn) > 64) return snprintf(why, n, "mn longer than 64 bytes"), -1;
    if (d->edition && *d->edition && strcmp(d->edition, "2005") && strcmp(d->edition, "2017") &&
        strcmp(d->edition, "2025"))
        return snprintf(why, n, "edition '%s' is not 2005, 2017 or 2025", d->edition), -1;
    if (d->profile && *d->profile && strcmp(d->profile, "strict") && strcmp(d->profile, "tolerant"))
        return snprintf(why, n, "profile '%s' is not strict or tolerant", d->profile), -1;
    if (d->sm4_key && *d->sm4_key) {
        size_t k = strlen(d->sm4_key);
        if (k != 32 || strspn(d->sm4_key, "0123456789abcdefABCDEF") != 32)
            return snprintf(why, n, "sm4_key is not 32 hex digits"), -1;
    }
    return 0;
}

static int parse_coord(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s) return *out = NAN, 0;
    char *end;
    double v = strtod(s, &end);
    if (*end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

/* ------------------------------------------------------------------ import */

static int do_import(const char *what, const char *data, const char *path)
{
    int is_site = !strcmp(what, "site"), is_factor = !strcmp(what, "factor");
    const char *const *cols = is_site ? site_cols : is_factor ? factor_cols : dev_cols;
    int ncols = is_site ? NSITE_COLS : is_factor ? NFACTOR_COLS : NDEV_COLS;
    cli_csv_t in;
    int r = cli_csv_open(&in, path);
    if (r) return r;
    int map[16];
    for (int i = 0; i < 16; i++) map[i] = -1;
    for (size_t i = 0; i < in.ncols; i++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in.csv, i));
        int k = -1;
        for (int j = 0; j < ncols; j++)
            if (eco_slice_ieq(h, cols[j])) k = j;
        if (k < 0) {
            fprintf(stderr, "ecobrain %s import: %s:1: unknown column '%.*s' (expected: ", what, in.name, (int)h.len,
                    h.ptr);
            for (int j = 0; j < ncols; j++) fprintf(stderr, "%s%s", j ? "," : "", cols[j]);
            fprintf(stderr, ")\n");
            cli_csv_close(&in);
            return EXIT_USAGE;
        }
        map[k] = (int)i;
    }
    if (map[0] < 0 || (is_site && map[1] < 0)) {
        fprintf(stderr, "ecobrain %s import: %s:1: a '%s' column is required\n", what, in.name,
                map[0] < 0 ? cols[0] : cols[1]);
        cli_csv_close(&in);
        return EXIT_USAGE;
    }
    eco_store_t *st;
    if ((r = cli_store_open(is_site ? "site import" : is_factor ? "factor import" : "device import", data, 0, &st))) {
        cli_csv_close(&in);
        return r;
    }
    eco_err_t err;
    eco_err_clear(&err);
    long n = 0;
    int rc = 0;
    if (eco_store_tx_begin(st, &err) < 0) goto dberr;
    while (cli_csv_next(&in)) {
        char v[16][256];
        for (int j = 0; j < ncols; j++) {
            v[j][0] = 0;
            if (map[j] >= 0) {
                eco_slice_t f = eco_slice_trim(eco_csv_field(&in.csv, (size_t)map[j]));
                if (f.len >= sizeof v[j]) {
                    fprintf(stderr, "ecobrain %s import: %s:%zu: %s longer than %zu bytes\n", what, in.name,
                            eco_csv_line(&in.csv), cols[j], sizeof v[j] - 1);
                    rc = EXIT_USAGE;
                    goto abort;
                }
                memcpy(v[j], f.ptr, f.len);
                v[j][f.len] = 0;
            }
        }
        char why[400] = "";
        if (is_site) {
            eco_site_t s = {0};
            s.code = v[0];
            if (!*v[0]) snprintf(why, sizeof why, "code is empty");
            else if (eco_site_kind_parse(eco_slice_cstr(v[1]), &s.kind) < 0)
                snprintf(why, sizeof why, "kind '%.40s' is not one of air water drinking groundwater sea noise "
                         "radiation outlet", v[1]);
            else if (parse_coord(v[8], -180, 180, &s.lon) < 0) snprintf(why, sizeof why, "lon '%.40s' is not a longitude", v[8]);
            else if (parse_coord(v[9], -90, 90, &s.lat) < 0) snprintf(why, sizeof why, "lat '%.40s' is not a latitude", v[9]);
            s.name = v[2];
            s.province = v[3];
            s.city = v[4];
            s.county = v[5];
            s.basin = v[6];
            s.river = v[7];
            s.zone = v[10];
            if (!why[0] && eco_store_site_put(st, &s, &err) < 0) goto dberr;
        } else if (is_factor) {
            eco_factor_t f = {v[0], v[1], v[2], v[3], 0};
            if (!*v[0]) snprintf(why, sizeof why, "code is empty");
            else if (eco_store_factor_put(st, &f, &err) < 0) goto dberr;
        } else {
            eco_device_t d = {0};
            d.mn = v[0];
            d.pw = v[1];
            d.site = v[2];
            d.edition = v[3];
            d.sm4_key = v[4];
            d.profile = v[5];
            d.registered_ms = (int64_t)time(NULL) * 1000;
            if (check_device(&d, why, sizeof why) == 0 && eco_store_device_put(st, &d, &err) < 0) goto dberr;
        }
        if (why[0]) {
            fprintf(stderr, "ecobrain %s import: %s:%zu: %s\n", what, in.name, eco_csv_line(&in.csv), why);
            rc = EXIT_USAGE;
            goto abort;
        }
        n++;
    }
    if (in.failed || in.records_bad) {
        fprintf(stderr, "ecobrain %s import: %s: %ld malformed record(s); nothing imported\n", what, in.name,
                in.records_bad);
        rc = EXIT_USAGE;
        goto abort;
    }
    if (eco_store_tx_commit(st, &err) < 0) goto dberr;
    fprintf(stderr, "ecobrain %s import: %ld %s(s) stored from %s\n", what, n, what, in.name);
    cli_csv_close(&in);
    eco_store_close(st);
    return 0;
dberr:
    fprintf(stderr, "ecobrain %s import: %s\n", what, err.msg);
    rc = EXIT_RUNTIME;
abort:
    eco_store_tx_rollback(st);
    if (rc == EXIT_USAGE) fprintf(stderr, "ecobrain %s import: nothing imported\n", what);
    cli_csv_close(&in);
    eco_store_close(st);
    return rc;
}

/* ------------------------------------------------------------------ list */

typedef struct list_ctx {
    cli_table_t t;
    int secrets;              /* show passwords (--show-secrets) */
} list_ctx_t;

static int on_site(void *ud, const eco_site_t *s)
{
    list_ctx_t *x = ud;
    tbl_row_begin(&x->t);
    tbl_str(&x->t, s->code);
    tbl_str(&x->t, eco_site_kind_name(s->kind));
    tbl_str(&x->t, s->name);
    tbl_str(&x->t, s->province);
    tbl_str(&x->t, s->city);
    tbl_str(&x->t, s->county);
    tbl_str(&x->t, s->basin);
    tbl_str(&x->t, s->river);
    tbl_num(&x->t, s->lon, 6);
    tbl_num(&x->t, s->lat, 6);
    tbl_str(&x->t, s->zone);
    tbl_row_end(&x->t);
    return x->t.io_error;
}

static void put_ms(cli_table_t *t, int64_t ms)
{
    if (!ms) {
        tbl_null(t);
        return;
    }
    char b[32];
    eco_time_format(eco_time_from_utc(ms / 1000), b, sizeof b);
    tbl_str(t, b);
}

static int on_device(void *ud, const eco_device_t *d)
{
    list_ctx_t *x = ud;
    tbl_row_begin(&x->t);
    tbl_str(&x->t, d->mn);
    tbl_str(&x->t, x->secrets ? d->pw : *d->pw ? "(set)" : "");
    tbl_str(&x->t, d->site);
    tbl_str(&x->t, d->edition);
    tbl_str(&x->t, *d->sm4_key ? "(set)" : "");
    tbl_str(&x->t, d->profile);
    put_ms(&x->t, d->registered_ms);
    put_ms(&x->t, d->last_seen_ms);
    tbl_row_end(&x->t);
    return x->t.io_error;
}

static int on_factor(void *ud, const eco_factor_t *f)
{
    list_ctx_t *x = ud;
    const eco_hj212_code_t *c = eco_hj212_code_find(eco_slice_cstr(f->code), (eco_slice_t){NULL, 0});
    const char *item = *f->item ? f->item : eco_factor_default_item(f->code);
    tbl_row_begin(&x->t);
    tbl_str(&x->t, f->code);
    tbl_str(&x->t, *f->name ? f->name : c ? c->name_zh : "");
    tbl_str(&x->t, *f->unit ? f->unit : c && c->unit ? c->unit : "");
    tbl_str(&x->t, item ? item : "");
    tbl_str(&x->t, *f->name || *f->unit || *f->item ? "catalogue" : c ? "HJ 212 tables" : "unknown code");
    tbl_int(&x->t, f->series);
    tbl_row_end(&x->t);
    return x->t.io_error;
}

/* ------------------------------------------------------------------ completeness */

static int on_compl(void *ud, const eco_completeness_row_t *r)
{
    list_ctx_t *x = ud;
    char day[16];
    eco_day_format(r->day, day, sizeof day);
    tbl_row_begin(&x->t);
    tbl_str(&x->t, r->mn);
    tbl_str(&x->t, eco_gran_name(r->gran));
    tbl_str(&x->t, day);
    tbl_int(&x->t, r->records);
    if (r->expected > 0) {
        tbl_int(&x->t, r->expected);
        tbl_num(&x->t, 100.0 * r->records / r->expected, 1);
    } else {
        tbl_null(&x->t);
        tbl_null(&x->t);
    }
    tbl_row_end(&x->t);
    return x->t.io_error;
}

static int do_completeness(const char *data, const char *mn, const char *from, const char *to, int fmt)
{
    eco_day_t d0 = INT32_MIN / 2, d1 = INT32_MAX / 2;
    if (from && eco_day_parse(eco_slice_cstr(from), &d0) < 0)
        return cli_usage_error("device completeness", "--from '%s' is not a date", from);
    if (to && eco_day_parse(eco_slice_cstr(to), &d1) < 0)
        return cli_usage_error("device completeness", "--to '%s' is not a date", to);
    eco_store_t *st;
    int r = cli_store_open("device completeness", data, 1, &st);
    if (r) return r;
    static const char *const cols[] = {"mn", "granularity", "day", "records", "expected", "percent"};
    list_ctx_t x;
    memset(&x, 0, sizeof x);
    tbl_begin(&x.t, stdout, fmt, cols, 6);
    eco_err_t err;
    eco_err_clear(&err);
    r = eco_store_completeness(st, mn, d0, d1, on_compl, &x, &err);
    int io = tbl_end(&x.t);
    eco_store_close(st);
    if (r < 0) fprintf(stderr, "ecobrain device completeness: %s\n", err.msg);
    return r < 0 || io < 0 ? EXIT_RUNTIME : 0;
}

/* ------------------------------------------------------------------ entry */

int cmd_catalog(int argc, char **argv)
{
    const char *what = argv[0]; /* "site", "device" or "factor" */
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout, what);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    const char *sub = argv[1];
    char cmd[32];
    snprintf(cmd, sizeof cmd, "%s %s", what, sub);
    int is_site = !strcmp(what, "site");
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},    {"format", required_argument, 0, 'f'},
        {"code", required_argument, 0, 'C'},    {"kind", required_argument, 0, 'K'},
        {"name", required_argument, 0, 'N'},    {"province", required_argument, 0, 'P'},
        {"city", required_argument, 0, 'c'},    {"county", required_argument, 0, 'y'},
        {"basin", required_argument, 0, 'b'},   {"river", required_argument, 0, 'r'},
        {"lon", required_argument, 0, 'x'},     {"lat", required_argument, 0, 'Y'},
        {"zone", required_argument, 0, 'z'},    {"mn", required_argument, 0, 'm'},
        {"pw", required_argument, 0, 'p'},      {"site", required_argument, 0, 's'},
        {"edition", required_argument, 0, 'e'}, {"sm4-key", required_argument, 0, 'k'},
        {"profile", required_argument, 0, 'R'}, {"help", no_argument, 0, 'h'},
        {"from", required_argument, 0, 'F'},    {"to", required_argument, 0, 'T'},
        {"unit", required_argument, 0, 'u'},    {"item", required_argument, 0, 'i'},
        {"show-secrets", no_argument, 0, 'S'},
        {0, 0, 0, 0}};
    const char *data = NULL, *v[128] = {0};
    int show_secrets = 0;
    int fmt = TBL_CSV, c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1) < 0) return cli_usage_error(cmd, "--format '%s'", optarg);
            break;
        case 'h': usage(stdout, what); return 0;
        case 'S': show_secrets = 1; break;
        case '?': return cli_usage_error(cmd, "unknown option");
        default: v[c] = optarg; break;
        }
    }
    if (!strcmp(sub, "import")) {
        if (argc - optind > 1) return cli_usage_error(cmd, "one input file at most");
        if (!data) return cli_usage_error(cmd, "--data DIR is required");
        return do_import(what, data, optind < argc ? argv[optind] : "-");
    }
    if (optind < argc) return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    eco_store_t *st;
    eco_err_t err;
    eco_err_clear(&err);
    int r;
    if (!strcmp(sub, "list")) {
        if ((r = cli_store_open(cmd, data, 1, &st))) return r;
        list_ctx_t x;
        memset(&x, 0, sizeof x);
        x.secrets = show_secrets;
        if (is_site) {
            tbl_begin(&x.t, stdout, fmt, site_cols, NSITE_COLS);
            r = eco_store_site_each(st, on_site, &x, &err);
        } else if (!strcmp(what, "factor")) {
            static const char *const cols[] = {"code", "name", "unit", "item", "source", "series"};
            tbl_begin(&x.t, stdout, fmt, cols, 6);
            r = eco_store_factor_each(st, on_factor, &x, &err);
        } else {
            static const char *const cols[] = {"mn", "pw", "site", "edition", "sm4_key", "profile", "registered",
                                               "last_seen"};
            tbl_begin(&x.t, stdout, fmt, cols, 8);
            r = eco_store_device_each(st, on_device, &x, &err);
        }
        int io = tbl_end(&x.t);
        eco_store_close(st);
        if (r < 0) fprintf(stderr, "ecobrain %s: %s\n", cmd, err.msg);
        return r < 0 || io < 0 ? EXIT_RUNTIME : 0;
    }
    if (!strcmp(sub, "completeness") && !is_site) return do_completeness(data, v['m'], v['F'], v['T'], fmt);
    if (!strcmp(sub, "add")) {
        char why[400] = "";
        if (!strcmp(what, "factor")) {
            eco_factor_t f = {v['C'], v['N'], v['u'], v['i'], 0};
            if (!f.code || !*f.code) return cli_usage_error(cmd, "--code is required");
            if ((r = cli_store_open(cmd, data, 0, &st))) return r;
            r = eco_store_factor_put(st, &f, &err);
        } else if (is_site) {
            eco_site_t s = {0};
            s.code = v['C'];
            if (!s.code || !*s.code) return cli_usage_error(cmd, "--code is required");
            if (!v['K'] || eco_site_kind_parse(eco_slice_cstr(v['K']), &s.kind) < 0)
                return cli_usage_error(cmd, "--kind: air water drinking groundwater sea noise radiation outlet");
            if (parse_coord(v['x'], -180, 180, &s.lon) < 0 || parse_coord(v['Y'], -90, 90, &s.lat) < 0)
                return cli_usage_error(cmd, "--lon/--lat out of range");
            s.name = v['N'];
            s.province = v['P'];
            s.city = v['c'];
            s.county = v['y'];
            s.basin = v['b'];
            s.river = v['r'];
            s.zone = v['z'];
            if ((r = cli_store_open(cmd, data, 0, &st))) return r;
            r = eco_store_site_put(st, &s, &err);
        } else {
            eco_device_t d = {0};
            d.mn = v['m'];
            d.pw = v['p'];
            d.site = v['s'];
            d.edition = v['e'];
            d.sm4_key = v['k'];
            d.profile = v['R'];
            d.registered_ms = (int64_t)time(NULL) * 1000;
            if (check_device(&d, why, sizeof why) < 0) return cli_usage_error(cmd, "%s", why);
            if ((r = cli_store_open(cmd, data, 0, &st))) return r;
            r = eco_store_device_put(st, &d, &err);
        }
        eco_store_close(st);
        if (r < 0) {
            fprintf(stderr, "ecobrain %s: %s\n", cmd, err.msg);
            return EXIT_RUNTIME;
        }
        return 0;
    }
    return cli_usage_error(what, "unknown subcommand '%s' (add, import, list%s)", sub, is_site ? "" : ", completeness");
}
