/* cmd_sea.c — `ecobrain sea classify|assess` (GB 3097-1997; HJ 442-2008 grade).
 *
 * Same layout as cmd_groundwater.c: `classify` streams one sample per row and
 * echoes the input with its class; `assess` groups samples by point, classes
 * each point over the period and writes the nearshore Class 1+2 (优良) share
 * and the grade (优/良好/一般/差/极差) per region and overall.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "core/map.h"
#include "standards/sea.h"
#include "water/sea.h"

static void sea_usage(FILE *f)
{
    fputs("Usage: ecobrain sea SUBCOMMAND [OPTIONS] [FILE|-]\n"
          "\n"
          "  classify  GB 3097-1997 class of every sample (worst item; 劣四类 beyond Class 4)\n"
          "  assess    class per point, Class 1+2 share and the nearshore grade (HJ 442-2008)\n"
          "\n"
          "'ecobrain sea SUBCOMMAND --help' for each.\n",
          f);
}

static const char input_help[] =
    "Input: CSV with a header. Item columns by key or Chinese name (case-insensitive; a\n"
    "  trailing '(unit)' is ignored): ph, do 溶解氧, cod 化学需氧量, bod5, din 无机氮, nh3 非离子氨,\n"
    "  po4 活性磷酸盐, oil 石油类, hg, cd, pb, cr6 六价铬, cr 总铬, as, cu, zn, se, ni, cn, sulfide,\n"
    "  phenol, hch, ddt, malathion, mparathion, bap (μg/L), las, tcoli, fcoli (个/L); mg/L otherwise.\n"
    "  Empty, NA, -, --, * = missing (skipped); ND/未检出/'<DL' = not detected (0).\n";

typedef struct sea_in {
    cli_csv_t src;
    const char *name; /* src.name: the file or "<stdin>" */
    size_t ncols;     /* src.ncols */
    int col_point, col_region, col_item[ECO_SEA_NITEMS];
    char **header;
    long rows_ok, rows_bad;
} sea_in_t;

int sea_item_of_header(eco_slice_t h)
{
    static const struct {
        const char *name;
        int item;
    } alias[] = {{"dissolved_oxygen", ECO_SEA_DO}, {"codmn", ECO_SEA_COD},     {"无机氮（以N计）", ECO_SEA_DIN},
                 {"phosphate", ECO_SEA_PO4},       {"dip", ECO_SEA_PO4},       {"petroleum", ECO_SEA_OIL},
                 {"cr6+", ECO_SEA_CR6},            {"铬（六价）", ECO_SEA_CR6}, {"挥发酚", ECO_SEA_PHENOL}};
    int i = eco_sea_item_find(h.ptr, h.len);
    if (i >= 0) return i;
    for (size_t k = 0; k < sizeof alias / sizeof *alias; k++)
        if (eco_slice_ieq(h, alias[k].name)) return alias[k].item;
    for (size_t k = 1; k < h.len; k++)
        if (h.ptr[k] == '(' || (k + 3 <= h.len && !memcmp(h.ptr + k, "（", 3)))
            return sea_item_of_header(eco_slice_trim((eco_slice_t){h.ptr, k}));
    return -1;
}

static void sea_in_close(sea_in_t *in)
{
    cli_csv_close(&in->src);
    if (in->header)
        for (size_t k = 0; k < in->ncols; k++) free(in->header[k]);
    free(in->header);
    in->header = NULL;
}

static int sea_in_open(sea_in_t *in, const char *path, uint32_t set)
{
    static const char *const point_names[] = {"point", "site", "station", "点位", "点位名称", "站位", "测站", NULL};
    static const char *const region_names[] = {"region", "sea", "sea_area", "province", "area", "海区", "区域", "省份", NULL};
    memset(in, 0, sizeof *in);
    in->col_point = in->col_region = -1;
    for (int i = 0; i < ECO_SEA_NITEMS; i++) in->col_item[i] = -1;
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
            int it = sea_item_of_header(h);
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
    for (int i = 0; i < ECO_SEA_NITEMS; i++)
        if ((set & ECO_SEABIT(i)) && in->col_item[i] >= 0) return 0;
    eco_log_error("%s:1: no column of an item of the chosen set (e.g. ph, do, cod, din, po4, oil, 无机氮 ...)", in->name);
    return EXIT_USAGE;
}

int sea_parse_value(eco_slice_t s, double *out)
{
    s = eco_slice_trim(s);
    if (eco_slice_eq(s, "*")) {
        *out = NAN;
        return 0;
    }
    if (eco_slice_ieq(s, "ND") || eco_slice_eq(s, "未检出") || (s.len > 1 && s.ptr[0] == '<')) {
        *out = 0;
        return 0;
    }
    int rc = cli_parse_conc(s, out);
    if (!rc && !isfinite(*out)) *out = NAN;
    return rc;
}

static int sea_in_next(sea_in_t *in, double *v)
{
    while (cli_csv_next(&in->src)) {
        size_t line = eco_csv_line(&in->src.csv);
        int bad = 0;
        for (int i = 0; i < ECO_SEA_NITEMS && !bad; i++) {
            v[i] = NAN;
            if (in->col_item[i] < 0) continue;
            eco_slice_t s = eco_csv_field(&in->src.csv, (size_t)in->col_item[i]);
            int prc = sea_parse_value(s, &v[i]);
            if (prc) {
                eco_log_warn("%s:%zu:%d: %s: %s: '%.*s'; row skipped", in->name, line, in->col_item[i] + 1,
                             eco_sea_items[i].key, prc == ECO_ERANGE ? "negative value" : "not a number", (int)s.len,
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

static int sea_in_finish(sea_in_t *in, int io, const char *cmd)
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

static int parse_items(const char *s, uint32_t *set, const char *cmd)
{
    if (!strcmp(s, "nearshore")) *set = eco_sea_set_nearshore;
    else if (!strcmp(s, "key")) *set = eco_sea_set_key;
    else if (!strcmp(s, "all")) *set = eco_sea_set_all;
    else {
        uint32_t out = 0;
        const char *p = s;
        while (*p) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            int i = eco_sea_item_find(p, n);
            if (i < 0) return cli_usage_error(cmd, "--items: no item '%.*s' (nearshore, key, all or keys)", (int)n, p);
            out |= ECO_SEABIT(i);
            p += n;
            if (*p == ',') p++;
        }
        if (!out) return cli_usage_error(cmd, "--items: empty list");
        *set = out;
    }
    return 0;
}

static const char classify_help_head[] =
    "Usage: ecobrain sea classify [--items nearshore|key|all|LIST] [--format csv|json|text] [FILE|-]\n"
    "\n"
    "Class of every row (one sample) per GB 3097-1997: each item's class is the best class whose\n"
    "limit it meets (<=, inclusive; DO strictly > as the standard writes it; pH inside 7.8-8.5 for\n"
    "Classes 1-2, 6.8-8.8 for 3-4); worse than Class 4 is 劣四类; the sample class is the worst.\n"
    "\n";
static const char items_help[] =
    "  --items SET               nearshore (default: every item except total and fecal coliform),\n"
    "                            key (pH, DO, COD, DIN, active phosphate, oil), all, or keys\n"
    "                            e.g. do,din,po4. Temperature, suspended matter, sensory items\n"
    "                            and radionuclides are never classed (baseline-relative limits).\n";
static const char classify_help_tail[] =
    "  --format csv|json|text    output format (default csv)\n"
    "\n"
    "Output: every input column, then class (一类..四类, 劣四类), class_num (5 = 劣四类),\n"
    "  class_items, n_items, over_ii (items worse than Class 2: name(class,(C-S_2)/S_2)).\n"
    "Exit status: 0 ok (rows with bad values are reported and skipped), 1 I/O error,\n"
    "  2 usage error or malformed CSV (file:line:col on stderr).\n";

static int sea_classify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"items", required_argument, 0, 'i'}, {"format", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    const char *cmd = "sea classify";
    uint32_t set = eco_sea_set_nearshore;
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
        case 'h':
            fputs(classify_help_head, stdout), fputs(input_help, stdout);
            fputs("\nOptions:\n", stdout), fputs(items_help, stdout), fputs(classify_help_tail, stdout);
            return 0;
        default: return cli_usage_error(cmd, "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error(cmd, "one input file at most");
    sea_in_t in;
    int rc = sea_in_open(&in, optind < argc ? argv[optind] : "-", set);
    if (rc) {
        sea_in_close(&in);
        return rc;
    }
    const char **cols = malloc((in.ncols + 5) * sizeof *cols);
    if (!cols) {
        sea_in_close(&in);
        return EXIT_RUNTIME;
    }
    int ncol = 0;
    for (size_t k = 0; k < in.ncols; k++) cols[ncol++] = in.header[k];
    cols[ncol++] = "class";
    cols[ncol++] = "class_num";
    cols[ncol++] = "class_items";
    cols[ncol++] = "n_items";
    cols[ncol++] = "over_ii";
    cli_table_t t;
    tbl_begin_sel(&t, stdout, fmt, cols, ncol, NULL);
    double v[ECO_SEA_NITEMS];
    long by[6] = {0};
    char items[1024], over[1024];
    while (sea_in_next(&in, v)) {
        eco_sea_result_t r;
        eco_sea_classify(v, set, &r);
        by[r.cls]++;
        tbl_row_begin(&t);
        for (size_t k = 0; k < in.ncols; k++) {
            eco_slice_t s = eco_csv_field(&in.src.csv, k);
            tbl_rawn(&t, s.ptr, s.len);
        }
        tbl_str(&t, r.cls ? eco_sea_class_name(r.cls) : NULL);
        if (r.cls) tbl_int(&t, r.cls);
        else tbl_null(&t);
        tbl_str(&t, eco_sea_items_str(r.deciding, items, sizeof items));
        int np = 0;
        for (int i = 0; i < ECO_SEA_NITEMS; i++) np += (r.present >> i) & 1u;
        tbl_int(&t, np);
        tbl_str(&t, eco_sea_over_str(&r, v, over, sizeof over));
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    fprintf(stderr, "%s: %ld rows (一类 %ld, 二类 %ld, 三类 %ld, 四类 %ld, 劣四类 %ld, %ld without an item)\n", cmd,
            in.rows_ok, by[1], by[2], by[3], by[4], by[5], by[0]);
    rc = sea_in_finish(&in, io, cmd);
    free(cols);
    sea_in_close(&in);
    return rc;
}

static const char assess_help_head[] =
    "Usage: ecobrain sea assess [--by point|region] [--rule mean|worst] [--very-poor PCT]\n"
    "                           [--items SET] [--format csv|json|text] [FILE|-]\n"
    "\n"
    "Class of every point over the period of the input, the share of points in Class 1+2\n"
    "(近岸海域水质优良比例) and the HJ 442-2008 grade: 优 (Class 1 >= 60 % and 1+2 >= 90 %),\n"
    "良好 (1+2 >= 80 %), 一般 (1+2 >= 60 % and 劣四类 < 30 %), 极差 (劣四类 >= PCT), else 差.\n"
    "Rows are samples; a point column (point, site, station, 点位, 站位) is required, a region\n"
    "column (region, sea, 海区, 省份 ...) for --by region.\n"
    "\n";
static const char assess_help_tail[] =
    "  --by point|region   one row per point (default) or per region plus an 'ALL' row\n"
    "  --rule mean|worst   point class: class of the period mean of every item (default) or\n"
    "                      the worst sample class\n"
    "  --very-poor PCT     劣四类 share from which the grade is 极差 (default 40; unresolved:\n"
    "                      it is above 31, see docs/groundwater-sea.md)\n"
    "  --format csv|json|text\n"
    "\n"
    "Output --by point: point,region,samples,class,class_num,class_items\n"
    "Output --by region: region,points,classed,n_1..n_4,n_worse4,share_1..share_4,share_worse4,\n"
    "  share_1_2,grade (shares in %, one decimal).\n";

static int sea_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, 0, 'b'},     {"rule", required_argument, 0, 'r'},
        {"items", required_argument, 0, 'i'},  {"format", required_argument, 0, 'f'},
        {"very-poor", required_argument, 0, 'p'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "sea assess";
    uint32_t set = eco_sea_set_nearshore;
    int fmt = TBL_CSV, by_region = 0, c;
    double very_poor = ECO_SEA_VERY_POOR_DEFAULT;
    eco_sea_point_rule_t rule = ECO_SEA_POINT_MEAN;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (!strcmp(optarg, "point")) by_region = 0;
            else if (!strcmp(optarg, "region")) by_region = 1;
            else return cli_usage_error(cmd, "--by takes point or region, not '%s'", optarg);
            break;
        case 'r':
            if (!strcmp(optarg, "worst")) rule = ECO_SEA_POINT_WORST;
            else if (!strcmp(optarg, "mean")) rule = ECO_SEA_POINT_MEAN;
            else return cli_usage_error(cmd, "--rule takes mean or worst, not '%s'", optarg);
            break;
        case 'p': {
            char *end;
            very_poor = strtod(optarg, &end);
            if (end == optarg || *end || !(very_poor > 0 && very_poor <= 100))
                return cli_usage_error(cmd, "--very-poor takes a percentage in (0, 100], not '%s'", optarg);
            break;
        }
        case 'i':
            if (parse_items(optarg, &set, cmd)) return EXIT_USAGE;
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error(cmd, "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'h':
            fputs(assess_help_head, stdout), fputs(input_help, stdout);
            fputs("\nOptions:\n", stdout), fputs(items_help, stdout), fputs(assess_help_tail, stdout);
            return 0;
        default: return cli_usage_error(cmd, "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error(cmd, "one input file at most");
    sea_in_t in;
    int rc = sea_in_open(&in, optind < argc ? argv[optind] : "-", set);
    if (!rc && in.col_point < 0) {
        eco_log_error("%s:1: no point column (point, site, station, 点位, 站位 ...)", in.name);
        rc = EXIT_USAGE;
    }
    if (!rc && by_region && in.col_region < 0) {
        eco_log_error("%s:1: --by region needs a region column (region, sea, 海区, 省份 ...)", in.name);
        rc = EXIT_USAGE;
    }
    if (rc) {
        sea_in_close(&in);
        return rc;
    }
    cli_groups_t grp;
    cli_groups_init(&grp, sizeof(eco_sea_acc_t));
    double v[ECO_SEA_NITEMS];
    while (!rc && sea_in_next(&in, v)) {
        eco_slice_t p = eco_slice_trim(eco_csv_field(&in.src.csv, (size_t)in.col_point));
        eco_slice_t g = in.col_region >= 0 ? eco_slice_trim(eco_csv_field(&in.src.csv, (size_t)in.col_region))
                                           : (eco_slice_t){"", 0};
        int is_new;
        eco_sea_acc_t *acc = cli_groups_add(&grp, p, g, &is_new);
        if (!acc) {
            rc = EXIT_RUNTIME;
            break;
        }
        if (is_new) eco_sea_acc_init(acc);
        eco_sea_acc_add(acc, v, set);
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
    char items[1024];
    if (!by_region) {
        static const char *const cols[] = {"point", "region", "samples", "class", "class_num", "class_items"};
        tbl_begin_sel(&t, stdout, fmt, cols, 6, NULL);
        for (size_t k = 0; k < npt; k++) {
            eco_sea_result_t r;
            cls[k] = eco_sea_acc_class((eco_sea_acc_t *)cli_groups_item(&grp, k), rule, set, &r);
            tbl_row_begin(&t);
            tbl_raw(&t, eco_map_key(&grp.points, (uint32_t)k));
            tbl_str(&t, eco_map_key(&grp.regions, (uint32_t)grp.region_of[k]));
            tbl_int(&t, ((eco_sea_acc_t *)cli_groups_item(&grp, k))->nsamples);
            tbl_str(&t, cls[k] ? eco_sea_class_name(cls[k]) : NULL);
            if (cls[k]) tbl_int(&t, cls[k]);
            else tbl_null(&t);
            tbl_str(&t, rule == ECO_SEA_POINT_MEAN ? eco_sea_items_str(r.deciding, items, sizeof items) : NULL);
            tbl_row_end(&t);
        }
    } else {
        static const char *const cols[] = {"region",  "points",  "classed", "n_1",     "n_2",     "n_3",
                                           "n_4",     "n_worse4", "share_1", "share_2", "share_3", "share_4",
                                           "share_worse4", "share_1_2", "grade"};
        tbl_begin_sel(&t, stdout, fmt, cols, 15, NULL);
        for (size_t k = 0; k < npt; k++) cls[k] = eco_sea_acc_class((eco_sea_acc_t *)cli_groups_item(&grp, k), rule, set, NULL);
        uint32_t nreg = eco_map_size(&grp.regions);
        int *sub = malloc((npt ? npt : 1) * sizeof *sub);
        if (!sub) {
            rc = EXIT_RUNTIME;
            goto out;
        }
        for (uint32_t g = 0; g <= nreg; g++) {
            size_t m = 0;
            for (size_t k = 0; k < npt; k++)
                if (g == nreg || grp.region_of[k] == (int32_t)g) sub[m++] = cls[k];
            if (g < nreg && !m) continue;
            eco_sea_shares_t s;
            eco_sea_shares(sub, NULL, m, &s);
            tbl_row_begin(&t);
            tbl_raw(&t, g == nreg ? "ALL" : eco_map_key(&grp.regions, g));
            tbl_int(&t, (long)m);
            tbl_int(&t, (long)s.n);
            for (int q = 1; q <= 5; q++) tbl_int(&t, (long)s.w[q]);
            for (int q = 1; q <= 5; q++) tbl_num(&t, s.n > 0 ? s.share[q] : NAN, 1);
            tbl_num(&t, s.n > 0 ? s.share_1_2 : NAN, 1);
            tbl_str(&t, eco_sea_grade_name(eco_sea_grade(&s, very_poor)));
            tbl_row_end(&t);
        }
        free(sub);
    }
    {
        eco_sea_shares_t s;
        eco_sea_shares(cls, NULL, npt, &s);
        fprintf(stderr, "%s: %zu points, %.0f classed; Class 1+2 share %.1f %%, 劣四类 %.1f %%, grade %s\n", cmd, npt,
                s.n, s.share_1_2, s.share[5], s.n > 0 ? eco_sea_grade_name(eco_sea_grade(&s, very_poor)) : "n/a");
    }
    rc = sea_in_finish(&in, tbl_end(&t), cmd);
out:
    free(cls);
    cli_groups_free(&grp);
    sea_in_close(&in);
    return rc;
}

int cmd_sea(int argc, char **argv)
{
    if (argc < 2) {
        sea_usage(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
        sea_usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "classify") || !strcmp(sub, "class")) return sea_classify(argc - 1, argv + 1);
    if (!strcmp(sub, "assess")) return sea_assess(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain sea: unknown subcommand '%s'\n\n", sub);
    sea_usage(stderr);
    return EXIT_USAGE;
}
