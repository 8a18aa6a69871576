/* cmd_groundwater.c — `ecobrain groundwater classify|assess` (GB/T 14848-2017).
 *
 * Why two commands: `classify` streams — each row is one sample classified on
 * its own and echoed with its class, so any columns the user carries along
 * (well ids, coordinates, dates) survive. `assess` needs every sample of a
 * point before it can class the point, so it groups rows by point in memory
 * and then writes one row per point or per region with the shares of points
 * per class and the Class Ⅴ share against the 27.7 % target.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "core/map.h"
#include "standards/groundwater.h"
#include "water/groundwater.h"

static void gw_usage(FILE *f)
{
    fputs("Usage: ecobrain groundwater SUBCOMMAND [OPTIONS] [FILE|-]\n"
          "\n"
          "  classify  GB/T 14848-2017 class of every sample (worst indicator)\n"
          "  items     the 93 indicators with their limits (CSV)\n"
          "  assess    class per point over the period, shares of points per class\n"
          "\n"
          "'ecobrain groundwater SUBCOMMAND --help' for each.\n",
          f);
}

static const char input_help[] =
    "Input: CSV with a header. Indicator columns are matched by key or Chinese name\n"
    "  (case-insensitive; a trailing '(unit)' is ignored), e.g. ph, nh3n 氨氮, nitrate 硝酸盐,\n"
    "  tds 溶解性总固体, hardness 总硬度, odour 嗅和味, visible 肉眼可见物, las 阴离子表面活性剂,\n"
    "  alpha 总α放射性 ... ('ecobrain groundwater items' lists all 93 with units).\n"
    "  Units as in the standard: mg/L, but μg/L for the organics (三氯甲烷, 苯, Table 2 ...).\n"
    "  Values: empty, NA, -, --, * = missing (skipped); 无/none/ND/未检出/不得检出 or '<DL' =\n"
    "  not present / not detected (0); 有/present/yes = present (qualitative items only).\n";

/* ---- input */
typedef struct gw_in {
    cli_csv_t src;
    const char *name; /* src.name: the file or "<stdin>" */
    size_t ncols;     /* src.ncols */
    int col_point, col_region, col_item[ECO_GW_NITEMS];
    char **header;
    long rows_ok, rows_bad;
} gw_in_t;

static eco_slice_t header_base(eco_slice_t h)
{
    for (size_t i = 0; i < h.len; i++) {
        if (h.ptr[i] == '(' && i > 0) return eco_slice_trim((eco_slice_t){h.ptr, i});
        if (i + 3 <= h.len && !memcmp(h.ptr + i, "（", 3) && i > 0) {
            eco_slice_t b = eco_slice_trim((eco_slice_t){h.ptr, i});
            /* "铬（六价）", "三氯苯（总量）" are names, not units */
            if (eco_gw_item_find(h.ptr, h.len) >= 0) return h;
            return b;
        }
    }
    return h;
}

int gw_item_of_header(eco_slice_t h)
{
    static const struct {
        const char *name;
        int key;
    } alias[] = {{"nh3-n", 17}, {"ammonia", 17}, {"oxygen_consumption", 16}, {"codmn", 16}, {"odor", 1},
                 {"color", 0},  {"cr6+", 31},    {"fluoride", 25},           {"cyanide", 24}};
    int i = eco_gw_item_find(h.ptr, h.len);
    if (i >= 0) return i;
    for (size_t k = 0; k < sizeof alias / sizeof *alias; k++)
        if (eco_slice_ieq(h, alias[k].name)) return alias[k].key;
    eco_slice_t b = header_base(h);
    if (b.len != h.len) return gw_item_of_header(b);
    return -1;
}

static void gw_in_close(gw_in_t *in)
{
    cli_csv_close(&in->src);
    if (in->header)
        for (size_t k = 0; k < in->ncols; k++) free(in->header[k]);
    free(in->header);
    in->header = NULL;
}

/* Returns 0, or an exit code after printing why. */
static int gw_in_open(gw_in_t *in, const char *path, eco_gw_set_t set)
{
    static const char *const point_names[] = {"point", "site", "well", "station", "点位", "点位名称", "监测点", "井号", NULL};
    static const char *const region_names[] = {"region", "province", "area", "区域", "省份", "地区", NULL};
    memset(in, 0, sizeof *in);
    in->col_point = in->col_region = -1;
    for (int i = 0; i < ECO_GW_NITEMS; i++) in->col_item[i] = -1;
    int orc = cli_csv_open(&in->src, path);
    in->name = in->src.name ? in->src.name : path;
    if (orc) return orc;
    in->ncols = in->src.ncols;
    in->header = calloc(in->ncols, sizeof *in->header);
    if (!in->header) return EXIT_RUNTIME;
    for (size_t k = 0; k < in->ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in->src.csv, k));
        if (!(in->header[k] = malloc(h.len + 1))) return EXIT_RUNTIME;
        memcpy(in->header[k], h.ptr, h.len);
        in->header[k][h.len] = 0;
        int *slot = NULL;
        if (cli_header_is(h, point_names)) slot = &in->col_point;
        else if (cli_header_is(h, region_names)) slot = &in->col_region;
        else {
            int it = gw_item_of_header(h);
            if (it >= 0) slot = &in->col_item[it];
        }
        if (!slot) continue;
        if (*slot >= 0) {
            eco_log_error("%s:1:%zu: column '%.*s' duplicates column %d", in->name, k + 1, (int)h.len, h.ptr,
                          *slot + 1);
            return EXIT_USAGE;
        }
        *slot = (int)k;
    }
    for (int i = 0; i < ECO_GW_NITEMS; i++)
        if (eco_gw_set_has(set, i) && in->col_item[i] >= 0) return 0;
    eco_log_error("%s:1: no column of an indicator of the chosen set (e.g. ph, nh3n, nitrate, 氨氮, 硝酸盐 ...)",
                  in->name);
    return EXIT_USAGE;
}

int gw_parse_value(int item, eco_slice_t s, double *out)
{
    s = eco_slice_trim(s);
    if (eco_slice_eq(s, "*")) {
        *out = NAN;
        return 0;
    }
    if (eco_slice_eq(s, "无") || eco_slice_ieq(s, "none") || eco_slice_ieq(s, "no") || eco_slice_ieq(s, "ND") ||
        eco_slice_eq(s, "未检出") || eco_slice_eq(s, "不得检出") || (s.len > 1 && s.ptr[0] == '<')) {
        *out = 0;
        return 0;
    }
    if (eco_gw_items[item].dir == ECO_GWDIR_ABSENT &&
        (eco_slice_eq(s, "有") || eco_slice_ieq(s, "present") || eco_slice_ieq(s, "yes"))) {
        *out = 1;
        return 0;
    }
    int rc = cli_parse_conc(s, out);
    if (!rc && !isfinite(*out)) *out = NAN;
    return rc;
}

/* Next good row into v: 1, 0 at end. Bad rows are reported and skipped. */
static int gw_in_next(gw_in_t *in, double *v)
{
    while (cli_csv_next(&in->src)) {
        size_t line = eco_csv_line(&in->src.csv);
        int bad = 0;
        for (int i = 0; i < ECO_GW_NITEMS && !bad; i++) {
            v[i] = NAN;
            if (in->col_item[i] < 0) continue;
            eco_slice_t s = eco_csv_field(&in->src.csv, (size_t)in->col_item[i]);
            int prc = gw_parse_value(i, s, &v[i]);
            if (prc) {
                eco_log_warn("%s:%zu:%d: %s: %s: '%.*s'; row skipped", in->name, line, in->col_item[i] + 1,
                             eco_gw_items[i].key, prc == ECO_ERANGE ? "negative value" : "not a number", (int)s.len,
                             s.ptr);
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

static int gw_in_finish(gw_in_t *in, int io, const char *cmd)
{
    if (in->rows_bad || in->src.records_bad)
        eco_log_warn("%s: %ld rows read, %ld rows with bad values skipped, %ld malformed records skipped", in->name,
                     in->rows_ok, in->rows_bad, in->src.records_bad);
    if (io) {
        eco_log_error("%s: writing output failed", cmd);
        return EXIT_RUNTIME;
    }
    return in->src.records_bad ? EXIT_USAGE : 0;
}

/* --items routine|all|LIST */
static int parse_items(const char *s, eco_gw_set_t *set, const char *cmd)
{
    if (!strcmp(s, "routine")) *set = eco_gw_set_routine();
    else if (!strcmp(s, "all")) *set = eco_gw_set_all();
    else {
        eco_gw_set_t out = {{0, 0}};
        const char *p = s;
        while (*p) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            int i = eco_gw_item_find(p, n);
            if (i < 0) return cli_usage_error(cmd, "--items: no indicator '%.*s' (routine, all or keys)", (int)n, p);
            eco_gw_set_add(&out, i);
            p += n;
            if (*p == ',') p++;
        }
        if (!out.w[0] && !out.w[1]) return cli_usage_error(cmd, "--items: empty list");
        *set = out;
    }
    return 0;
}

/* ---- classify */
static const char classify_help_head[] =
    "Usage: ecobrain groundwater classify [--items routine|all|LIST] [--format csv|json|text] [FILE|-]\n"
    "\n"
    "Class of every row (one sample) per GB/T 14848-2017: each indicator's class is the range its\n"
    "value falls in, limits inclusive, the better class on a shared limit (phenol 0.001 -> I);\n"
    "pH 6.5-8.5 -> I, 5.5-<6.5 or >8.5-9.0 -> IV, else V; the sample class is the worst one.\n"
    "\n";
static const char classify_help_tail[] =
    "\n"
    "Options:\n"
    "  --items routine|all|LIST  indicators that decide the class: routine (default) = Table 1's\n"
    "                            39; all = Tables 1 and 2 (93); or keys, e.g. ph,nh3n,nitrate\n"
    "  --format csv|json|text    output format (default csv)\n"
    "\n"
    "Output: every input column, then class (Ⅰ..Ⅴ, empty when no indicator is present),\n"
    "  class_num, class_items (the indicators at that class), n_items (indicators classed),\n"
    "  over_iii (indicators worse than III: name(class,(C-S_III)/S_III), worst first).\n"
    "Exit status: 0 ok (rows with bad values are reported and skipped), 1 I/O error,\n"
    "  2 usage error or malformed CSV (file:line:col on stderr).\n";

static int gw_classify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"items", required_argument, 0, 'i'}, {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    const char *cmd = "groundwater classify";
    eco_gw_set_t set = eco_gw_set_routine();
    int fmt = TBL_CSV, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (parse_items(optarg, &set, cmd)) return EXIT_USAGE;
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error(cmd, "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'h': fputs(classify_help_head, stdout), fputs(input_help, stdout), fputs(classify_help_tail, stdout);
            return 0;
        default: return cli_usage_error(cmd, "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error(cmd, "one input file at most");
    gw_in_t in;
    int rc = gw_in_open(&in, optind < argc ? argv[optind] : "-", set);
    if (rc) {
        gw_in_close(&in);
        return rc;
    }
    const char **cols = malloc((in.ncols + 5) * sizeof *cols);
    if (!cols) {
        gw_in_close(&in);
        return EXIT_RUNTIME;
    }
    int ncol = 0;
    for (size_t k = 0; k < in.ncols; k++) cols[ncol++] = in.header[k];
    cols[ncol++] = "class";
    cols[ncol++] = "class_num";
    cols[ncol++] = "class_items";
    cols[ncol++] = "n_items";
    cols[ncol++] = "over_iii";
    cli_table_t t;
    tbl_begin_sel(&t, stdout, fmt, cols, ncol, NULL);
    double v[ECO_GW_NITEMS];
    long by[6] = {0};
    char items[2048], over[2048];
    while (gw_in_next(&in, v)) {
        eco_gw_result_t r;
        eco_gw_classify(v, set, &r);
        by[r.cls]++;
        tbl_row_begin(&t);
        for (size_t k = 0; k < in.ncols; k++) {
            eco_slice_t s = eco_csv_field(&in.src.csv, k);
            tbl_rawn(&t, s.ptr, s.len);
        }
        tbl_str(&t, r.cls ? eco_gw_class_name(r.cls) : NULL);
        if (r.cls) tbl_int(&t, r.cls);
        else tbl_null(&t);
        tbl_str(&t, eco_gw_items_str(r.deciding, items, sizeof items));
        int np = 0;
        for (int i = 0; i < ECO_GW_NITEMS; i++) np += eco_gw_set_has(r.present, i);
        tbl_int(&t, np);
        tbl_str(&t, eco_gw_over_str(&r, v, over, sizeof over));
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    fprintf(stderr, "%s: %ld rows (I %ld, II %ld, III %ld, IV %ld, V %ld, %ld without an indicator)\n", cmd,
            in.rows_ok, by[1], by[2], by[3], by[4], by[5], by[0]);
    rc = gw_in_finish(&in, io, cmd);
    free(cols);
    gw_in_close(&in);
    return rc;
}

/* ---- assess */
static const char assess_help_head[] =
    "Usage: ecobrain groundwater assess [--by point|region] [--rule worst|mean] [--items ...]\n"
    "                                   [--format csv|json|text] [FILE|-]\n"
    "\n"
    "Class of every point over the period of the input, then the shares of points per class.\n"
    "Rows are samples; a point column (point, site, well, 点位 ...) is required, a region column\n"
    "(region, province, 区域 ...) for --by region.\n"
    "\n";
static const char assess_help_tail[] =
    "\n"
    "Options:\n"
    "  --by point|region   one row per point (default) or per region plus an 'ALL' row\n"
    "  --rule worst|mean   point class: the worst sample class (default), or the class of the\n"
    "                      period means (qualitative: present if ever; pH: the worst value)\n"
    "  --items, --format   as for classify\n"
    "\n"
    "Output --by point: point,region,samples,class,class_num,class_items\n"
    "Output --by region: region,points,classed,n_I..n_V,share_I..share_V (%),share_I_III,\n"
    "  v_target (Y when the Class V share <= 27.7 %, N above, empty without points)\n";

static int gw_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, 0, 'b'},     {"rule", required_argument, 0, 'r'},
        {"items", required_argument, 0, 'i'},  {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *cmd = "groundwater assess";
    eco_gw_set_t set = eco_gw_set_routine();
    int fmt = TBL_CSV, by_region = 0, c;
    eco_gw_point_rule_t rule = ECO_GW_POINT_WORST;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (!strcmp(optarg, "point")) by_region = 0;
            else if (!strcmp(optarg, "region")) by_region = 1;
            else return cli_usage_error(cmd, "--by takes point or region, not '%s'", optarg);
            break;
        case 'r':
            if (!strcmp(optarg, "worst")) rule = ECO_GW_POINT_WORST;
            else if (!strcmp(optarg, "mean")) rule = ECO_GW_POINT_MEAN;
            else return cli_usage_error(cmd, "--rule takes worst or mean, not '%s'", optarg);
            break;
        case 'i':
            if (parse_items(optarg, &set, cmd)) return EXIT_USAGE;
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error(cmd, "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'h': fputs(assess_help_head, stdout), fputs(input_help, stdout), fputs(assess_help_tail, stdout);
            return 0;
        default: return cli_usage_error(cmd, "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error(cmd, "one input file at most");
    gw_in_t in;
    int rc = gw_in_open(&in, optind < argc ? argv[optind] : "-", set);
    if (!rc && in.col_point < 0) {
        eco_log_error("%s:1: no point column (point, site, well, station, 点位 ...)", in.name);
        rc = EXIT_USAGE;
    }
    if (!rc && by_region && in.col_region < 0) {
        eco_log_error("%s:1: --by region needs a region column (region, province, 区域 ...)", in.name);
        rc = EXIT_USAGE;
    }
    if (rc) {
        gw_in_close(&in);
        return rc;
    }
    cli_groups_t grp;
    cli_groups_init(&grp, sizeof(eco_gw_acc_t));
    double v[ECO_GW_NITEMS];
    while (!rc && gw_in_next(&in, v)) {
        eco_slice_t p = eco_slice_trim(eco_csv_field(&in.src.csv, (size_t)in.col_point));
        eco_slice_t g = in.col_region >= 0 ? eco_slice_trim(eco_csv_field(&in.src.csv, (size_t)in.col_region))
                                           : (eco_slice_t){"", 0};
        int is_new;
        eco_gw_acc_t *acc = cli_groups_add(&grp, p, g, &is_new);
        if (!acc) {
            rc = EXIT_RUNTIME;
            break;
        }
        if (is_new) eco_gw_acc_init(acc);
        eco_gw_acc_add(acc, v, set);
    }
    if (grp.conflicts)
        eco_log_warn("%s: %ld rows name another region than their point's first row; the first one is used", in.name,
                     grp.conflicts);
    size_t npt = grp.n;
    int *cls = npt ? malloc(npt * sizeof *cls) : NULL;
    if (npt && !cls) rc = EXIT_RUNTIME;
    if (rc) {
        if (rc == EXIT_RUNTIME) eco_log_error("%s: out of memory", cmd);
        goto out;
    }
    cli_table_t t;
    char items[2048];
    if (!by_region) {
        static const char *const cols[] = {"point", "region", "samples", "class", "class_num", "class_items"};
        tbl_begin_sel(&t, stdout, fmt, cols, 6, NULL);
        for (size_t k = 0; k < npt; k++) {
            eco_gw_result_t r;
            cls[k] = eco_gw_acc_class((eco_gw_acc_t *)cli_groups_item(&grp, k), rule, set, &r);
            tbl_row_begin(&t);
            tbl_raw(&t, eco_map_key(&grp.points, (uint32_t)k));
            tbl_str(&t, eco_map_key(&grp.regions, (uint32_t)grp.region_of[k]));
            tbl_int(&t, ((eco_gw_acc_t *)cli_groups_item(&grp, k))->nsamples);
            tbl_str(&t, cls[k] ? eco_gw_class_name(cls[k]) : NULL);
            if (cls[k]) tbl_int(&t, cls[k]);
            else tbl_null(&t);
            tbl_str(&t, rule == ECO_GW_POINT_MEAN ? eco_gw_items_str(r.deciding, items, sizeof items) : NULL);
            tbl_row_end(&t);
        }
    } else {
        static const char *const cols[] = {"region",  "points",  "classed",  "n_I",      "n_II",      "n_III",
                                           "n_IV",    "n_V",     "share_I",  "share_II", "share_III", "share_IV",
                                           "share_V", "share_I_III", "v_target"};
        tbl_begin_sel(&t, stdout, fmt, cols, 15, NULL);
        for (size_t k = 0; k < npt; k++) cls[k] = eco_gw_acc_class((eco_gw_acc_t *)cli_groups_item(&grp, k), rule, set, NULL);
        uint32_t nreg = eco_map_size(&grp.regions);
        int *sub = malloc((npt ? npt : 1) * sizeof *sub);
        if (!sub) {
            rc = EXIT_RUNTIME;
            goto out;
        }
        for (uint32_t g = 0; g <= nreg; g++) { /* g == nreg: all points */
            size_t m = 0;
            for (size_t k = 0; k < npt; k++)
                if (g == nreg || grp.region_of[k] == (int32_t)g) sub[m++] = cls[k];
            if (g < nreg && !m) continue;
            eco_gw_shares_t s;
            eco_gw_shares(sub, m, &s);
            tbl_row_begin(&t);
            tbl_raw(&t, g == nreg ? "ALL" : eco_map_key(&grp.regions, g));
            tbl_int(&t, (long)m);
            tbl_int(&t, s.n);
            for (int q = 1; q <= 5; q++) tbl_int(&t, s.count[q]);
            for (int q = 1; q <= 5; q++) tbl_num(&t, s.n ? s.share[q] : NAN, 1);
            tbl_num(&t, s.n ? s.share_1_3 : NAN, 1);
            tbl_str(&t, s.n ? (eco_gw_meets_v_target(&s) ? "Y" : "N") : NULL);
            tbl_row_end(&t);
        }
        free(sub);
    }
    {
        eco_gw_shares_t s;
        eco_gw_shares(cls, npt, &s);
        fprintf(stderr, "%s: %zu points, %ld classed; Class V share %.1f %% (target <= %.1f %%: %s)\n", cmd, npt, s.n,
                s.share[5], ECO_GW_TARGET_V_SHARE, s.n ? (eco_gw_meets_v_target(&s) ? "met" : "missed") : "n/a");
    }
    rc = gw_in_finish(&in, tbl_end(&t), cmd);
out:
    free(cls);
    cli_groups_free(&grp);
    gw_in_close(&in);
    return rc;
}

static void gw_items_list(void)
{
    printf("table,key,name,unit,I,II,III,IV,rule\n");
    for (int i = 0; i < ECO_GW_NITEMS; i++) {
        const eco_gw_item_def_t *d = &eco_gw_items[i];
        const char *rule = d->dir == ECO_GWDIR_PH       ? "6.5<=pH<=8.5 I-III; 5.5<=pH<6.5 or 8.5<pH<=9.0 IV"
                           : d->dir == ECO_GWDIR_ABSENT ? "无 I-IV; 有 V"
                           : d->dir == ECO_GWDIR_RADIO  ? "<= I-III; above III: IV (IV and V both '>')"
                           : d->nd_class1               ? "I 不得检出; <= II-IV"
                                                        : "<=";
        printf("%d,%s,%s,%s", i < ECO_GW_NROUTINE ? 1 : 2, d->key, d->name_zh, d->unit);
        if (d->dir == ECO_GWDIR_LE || d->dir == ECO_GWDIR_RADIO)
            printf(",%g,%g,%g,%g", d->lim[0], d->lim[1], d->lim[2], d->lim[3]);
        else printf(",,,,");
        printf(",\"%s\"\n", rule);
    }
}

int cmd_groundwater(int argc, char **argv)
{
    if (argc < 2) {
        gw_usage(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
        gw_usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "classify") || !strcmp(sub, "class")) return gw_classify(argc - 1, argv + 1);
    if (!strcmp(sub, "assess")) return gw_assess(argc - 1, argv + 1);
    if (!strcmp(sub, "items")) {
        gw_items_list();
        return 0;
    }
    fprintf(stderr, "ecobrain groundwater: unknown subcommand '%s'\n\n", sub);
    gw_usage(stderr);
    return EXIT_USAGE;
}
