/* cmd_water.c — `ecobrain water ...`: dispatch and `water class`.
 *
 * Why `water class` streams: each row is one sample classified on its own
 * (GB 3838-2002 single-factor method), so nothing is buffered. It reads both
 * plain English keys (ph, do, codmn, nh3n, tp, ...) and the headers of the
 * CNEMC national automatic-station publication (pH(无量纲), 溶解氧(mg/L), ...),
 * and when the input carries the officially assigned class (水质类别) it
 * reports per row whether ours matches and the match rate on stderr — the
 * check the engine was built against (docs/water.md).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "standards/water.h"
#include "water/water.h"

static void water_usage(FILE *f)
{
    fputs("Usage: ecobrain water SUBCOMMAND [OPTIONS] [FILE|-]\n"
          "\n"
          "  class     GB 3838-2002 class of every sample (single-factor method)\n"
          "\n"
          "'ecobrain water SUBCOMMAND --help' for each.\n",
          f);
}

static int cmd_water_class(int argc, char **argv);

int cmd_water(int argc, char **argv)
{
    if (argc < 2) {
        water_usage(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
        water_usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "classify") || !strcmp(sub, "class")) return cmd_water_class(argc - 1, argv + 1);
    if (!strcmp(sub, "assess")) return cmd_water_assess(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain water: unknown subcommand '%s'\n\n", sub);
    water_usage(stderr);
    return EXIT_USAGE;
}

static const char class_help[] =
    "Usage: ecobrain water class [OPTIONS] [FILE|-]\n"
    "\n"
    "Classify every input row (one sample) per GB 3838-2002 Table 1 with the single-factor\n"
    "method: the class is the worst class over the deciding items present; limits inclusive\n"
    "(DO >=, others <=); pH inside 6-9 counts as I, outside as worse-than-V (劣Ⅴ).\n"
    "\n"
    "Input: CSV with a header; columns matched case-insensitively, others ignored:\n"
    "  site (station, 断面名称)  time (监测时间)  waterbody (inferred_waterbody)\n"
    "  official class: 水质类别 (official_class)\n"
    "  items by key or by the CNEMC Chinese name (the unit in brackets is ignored):\n"
    "    temp 水温, ph pH, do 溶解氧, codmn 高锰酸盐指数, cod 化学需氧量, bod5 五日生化需氧量,\n"
    "    nh3n 氨氮, tp 总磷, tn 总氮, cu 铜, zn 锌, f 氟化物, se 硒, as 砷, hg 汞, cd 镉,\n"
    "    cr6 铬（六价）, pb 铅, cn 氰化物, phenol 挥发酚, oil 石油类, las 阴离子表面活性剂,\n"
    "    sulfide 硫化物, fcoli 粪大肠菌群 (个/L).  mg/L unless stated.\n"
    "  Empty, *, --, -, NA mean missing; missing items are skipped.\n"
    "\n"
    "Options:\n"
    "  --waterbody river|lake|auto  TP column of Table 1 (default auto: per row from the\n"
    "                             waterbody column — lake, lake?, 湖库, 湖泊, 水库 are lakes —\n"
    "                             river when the column is absent or says anything else)\n"
    "  --items auto5|routine      deciding items: auto5 (default) = pH, DO, CODMn, NH3-N, TP as\n"
    "                             the national automatic stations; routine = the 21 items of\n"
    "                             环办〔2011〕22号 (Table 1 minus 水温, 总氮, 粪大肠菌群)\n"
    "  --format csv|json|text     output format (default csv)\n"
    "  --columns LIST             only these columns, e.g. site,time,class,official,match\n"
    "\n"
    "Output: site,time,class,class_num,deciding,main_pollutants,class_<item>... and, when the\n"
    "  input has 水质类别, official,match (Y/N; empty without an official class).\n"
    "  main_pollutants: items worse than III, worst class first then by exceedance multiple\n"
    "  (C-S_III)/S_III, top three, e.g. 总磷(0.45);氨氮(0.20).\n"
    "A summary (rows, match rate) goes to stderr.\n"
    "Exit status: 0 ok (bad rows are reported on stderr and skipped), 2 usage or malformed input.\n";

/* strip a trailing "(unit)" / "（unit）" from a header */
static eco_slice_t header_base(eco_slice_t h)
{
    for (size_t i = 0; i < h.len; i++) {
        if (h.ptr[i] == '(') return eco_slice_trim((eco_slice_t){h.ptr, i});
        if (i + 3 <= h.len && !memcmp(h.ptr + i, "（", 3)) {
            /* "铬（六价）" is a name, not a unit */
            if (i + 3 + 6 <= h.len && !memcmp(h.ptr + i + 3, "六价", 6)) continue;
            return eco_slice_trim((eco_slice_t){h.ptr, i});
        }
    }
    return h;
}

static int match_any(eco_slice_t h, const char *const *names)
{
    for (; *names; names++)
        if (eco_slice_ieq(h, *names)) return 1;
    return 0;
}

/* item aliases besides the key and the Chinese name */
static int item_of_header(eco_slice_t h)
{
    static const struct {
        const char *name;
        int item;
    } alias[] = {
        {"nh3-n", ECO_W_NH3N}, {"nh3_n", ECO_W_NH3N}, {"nh3", ECO_W_NH3N},  {"temperature", ECO_W_TEMP},
        {"water_temp", ECO_W_TEMP}, {"codcr", ECO_W_COD}, {"bod", ECO_W_BOD5}, {"cr6+", ECO_W_CR6},
        {"fluoride", ECO_W_F}, {"cyanide", ECO_W_CN}, {"petroleum", ECO_W_OIL}, {"fecal_coliform", ECO_W_FCOLI},
        {"dissolved_oxygen", ECO_W_DO}, {"铬(六价)", ECO_W_CR6}, {"六价铬", ECO_W_CR6}, {"石油", ECO_W_OIL},
    };
    for (int i = 0; i < ECO_W_NITEMS; i++)
        if (eco_slice_ieq(h, eco_water_items[i].key) || eco_slice_eq(h, eco_water_items[i].name_zh)) return i;
    for (size_t k = 0; k < sizeof alias / sizeof *alias; k++)
        if (eco_slice_ieq(h, alias[k].name)) return alias[k].item;
    eco_slice_t b = header_base(h);
    if (b.len != h.len) return item_of_header(b);
    return -1;
}

static int parse_value(eco_slice_t s, double *out)
{
    s = eco_slice_trim(s);
    if (eco_slice_eq(s, "*") || eco_slice_eq(s, "/")) {
        *out = NAN;
        return 0;
    }
    int rc = cli_parse_conc(s, out);
    if (!rc && !isfinite(*out)) *out = NAN;
    return rc;
}

static eco_water_body_t body_of(eco_slice_t s)
{
    s = eco_slice_trim(s);
    if (eco_slice_ieq(s, "lake") || eco_slice_ieq(s, "lake?") || eco_slice_ieq(s, "reservoir") ||
        eco_slice_eq(s, "湖库") || eco_slice_eq(s, "湖泊") || eco_slice_eq(s, "水库") || eco_slice_eq(s, "湖"))
        return ECO_WB_LAKE;
    return ECO_WB_RIVER;
}

static int cmd_water_class(int argc, char **argv)
{
    static const struct option opts[] = {
        {"waterbody", required_argument, 0, 'w'}, {"items", required_argument, 0, 'i'},
        {"format", required_argument, 0, 'f'},    {"columns", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0},
    };
    int wb_mode = -1; /* -1 auto, else eco_water_body_t */
    uint32_t set = eco_water_set_auto5;
    int fmt = TBL_CSV;
    const char *columns = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (!strcmp(optarg, "auto")) wb_mode = -1;
            else if (!strcmp(optarg, "river")) wb_mode = ECO_WB_RIVER;
            else if (!strcmp(optarg, "lake")) wb_mode = ECO_WB_LAKE;
            else return cli_usage_error("water class", "--waterbody takes river, lake or auto, not '%s'", optarg);
            break;
        case 'i':
            if (!strcmp(optarg, "auto5")) set = eco_water_set_auto5;
            else if (!strcmp(optarg, "routine")) set = eco_water_set_routine21;
            else return cli_usage_error("water class", "--items takes auto5 or routine, not '%s'", optarg);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error("water class", "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'c': columns = optarg; break;
        case 'h': fputs(class_help, stdout); return 0;
        default: return cli_usage_error("water class", "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error("water class", "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";

    static const char *const site_names[] = {"site", "station", "断面名称", "断面", "站点", NULL};
    static const char *const time_names[] = {"time", "datetime", "date", "监测时间", NULL};
    static const char *const wb_names[] = {"waterbody", "inferred_waterbody", "water_body", NULL};
    static const char *const off_names[] = {"水质类别", "official_class", "official", NULL};

    FILE *f = NULL;
    const char *name = path;
    if (!strcmp(path, "-")) {
        f = stdin;
        name = "<stdin>";
    } else if (!(f = fopen(path, "rb"))) {
        eco_log_error("%s: cannot open: %s", path, strerror(errno));
        return EXIT_USAGE;
    }
    eco_csv_t csv;
    eco_err_t err;
    eco_csv_open_file(&csv, f, name);
    int rc = 0;
    int col_site = -1, col_time = -1, col_wb = -1, col_off = -1, col_item[ECO_W_NITEMS];
    for (int i = 0; i < ECO_W_NITEMS; i++) col_item[i] = -1;
    size_t ncols = 0;
    int r = eco_csv_next(&csv, &err);
    if (r <= 0) {
        if (r == 0) eco_log_error("%s:1: empty input: a header line is required", name);
        else eco_log_error("%s", err.msg);
        rc = EXIT_USAGE;
        goto done;
    }
    ncols = eco_csv_nfields(&csv);
    for (size_t k = 0; k < ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&csv, k));
        int *slot = NULL;
        if (match_any(h, site_names)) slot = &col_site;
        else if (match_any(h, time_names)) slot = &col_time;
        else if (match_any(h, wb_names)) slot = &col_wb;
        else if (match_any(h, off_names)) slot = &col_off;
        else {
            int it = item_of_header(h);
            if (it >= 0) slot = &col_item[it];
        }
        if (!slot) continue;
        if (*slot >= 0) {
            eco_log_error("%s:1:%zu: column '%.*s' duplicates column %d", name, k + 1, (int)h.len, h.ptr, *slot + 1);
            rc = EXIT_USAGE;
            goto done;
        }
        *slot = (int)k;
    }
    int any = 0;
    for (int i = 0; i < ECO_W_NITEMS; i++) any |= (set & ECO_WBIT(i)) && col_item[i] >= 0;
    if (!any) {
        eco_log_error("%s:1: no column of a deciding item (e.g. ph, do, codmn, nh3n, tp or pH(无量纲), "
                      "溶解氧(mg/L), ...)",
                      name);
        rc = EXIT_USAGE;
        goto done;
    }
    if (wb_mode < 0 && col_wb < 0)
        eco_log_warn("%s: no waterbody column: every row is classed as a river (TP river limits)", name);

    /* output columns */
    const char *cols[8 + ECO_W_NITEMS + 2];
    char colname[ECO_W_NITEMS][24];
    int ncol = 0, item_of_col[ECO_W_NITEMS], nitemcols = 0;
    cols[ncol++] = "site";
    cols[ncol++] = "time";
    cols[ncol++] = "class";
    cols[ncol++] = "class_num";
    cols[ncol++] = "deciding";
    cols[ncol++] = "main_pollutants";
    for (int i = 0; i < ECO_W_NITEMS; i++) {
        if (!(set & ECO_WBIT(i))) continue;
        snprintf(colname[nitemcols], sizeof colname[nitemcols], "class_%s", eco_water_items[i].key);
        cols[ncol++] = colname[nitemcols];
        item_of_col[nitemcols++] = i;
    }
    if (col_off >= 0) {
        cols[ncol++] = "official";
        cols[ncol++] = "match";
    }
    char badcol[64];
    if (columns && tbl_check_columns(cols, ncol, columns, badcol, sizeof badcol)) {
        rc = cli_usage_error("water class", "--columns: no column '%s'", badcol);
        goto done;
    }
    cli_table_t t;
    tbl_begin_sel(&t, stdout, fmt, cols, ncol, columns);

    long rows = 0, rows_bad = 0, records_bad = 0, classified = 0, with_off = 0, matched = 0, off_unclassed = 0;
    long by_class[7] = {0};
    char dec[256], mainp[256];
    for (;;) {
        r = eco_csv_next(&csv, &err);
        if (r == 0) break;
        if (r < 0) {
            eco_log_error("%s; record skipped", err.msg);
            records_bad++;
            if (err.code == ECO_ENOMEM) break;
            continue;
        }
        size_t line = eco_csv_line(&csv);
        if (eco_csv_nfields(&csv) != ncols) {
            eco_log_error("%s:%zu: %zu fields where the header has %zu; record skipped", name, line,
                          eco_csv_nfields(&csv), ncols);
            records_bad++;
            continue;
        }
        double v[ECO_W_NITEMS];
        int bad = 0;
        for (int i = 0; i < ECO_W_NITEMS && !bad; i++) {
            v[i] = NAN;
            if (col_item[i] < 0) continue;
            eco_slice_t s = eco_csv_field(&csv, (size_t)col_item[i]);
            int prc = parse_value(s, &v[i]);
            if (prc) {
                eco_log_warn("%s:%zu:%d: %s: %s: '%.*s'; row skipped", name, line, col_item[i] + 1,
                             eco_water_items[i].key, prc == ECO_ERANGE ? "negative value" : "not a number",
                             (int)s.len, s.ptr);
                bad = 1;
            }
        }
        if (bad) {
            rows_bad++;
            continue;
        }
        rows++;
        eco_water_body_t wb = wb_mode >= 0 ? (eco_water_body_t)wb_mode
                              : col_wb >= 0 ? body_of(eco_csv_field(&csv, (size_t)col_wb))
                                            : ECO_WB_RIVER;
        eco_water_result_t res;
        eco_water_classify(v, wb, set, &res);
        if (res.cls) classified++;
        by_class[res.cls]++;

        tbl_row_begin(&t);
        eco_slice_t s = col_site >= 0 ? eco_slice_trim(eco_csv_field(&csv, (size_t)col_site)) : (eco_slice_t){"", 0};
        tbl_rawn(&t, s.ptr, s.len);
        s = col_time >= 0 ? eco_slice_trim(eco_csv_field(&csv, (size_t)col_time)) : (eco_slice_t){"", 0};
        tbl_rawn(&t, s.ptr, s.len);
        tbl_str(&t, res.cls ? eco_water_class_name(res.cls) : NULL);
        if (res.cls) tbl_int(&t, res.cls);
        else tbl_null(&t);
        tbl_str(&t, eco_water_items_str(res.deciding, dec, sizeof dec));
        tbl_str(&t, eco_water_main_str(&res, mainp, sizeof mainp));
        for (int k = 0; k < nitemcols; k++) {
            int ic = res.item_cls[item_of_col[k]];
            tbl_str(&t, ic ? eco_water_class_name(ic) : NULL);
        }
        if (col_off >= 0) {
            eco_slice_t o = eco_slice_trim(eco_csv_field(&csv, (size_t)col_off));
            int oc = eco_water_class_parse(o.ptr, o.len);
            tbl_str(&t, oc ? eco_water_class_name(oc) : NULL);
            if (oc) {
                with_off++;
                if (oc == res.cls) matched++;
                if (!res.cls) off_unclassed++;
                tbl_str(&t, oc == res.cls ? "Y" : "N");
            } else {
                tbl_null(&t);
            }
        }
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    fprintf(stderr, "water class: %ld rows, %ld classified (I %ld, II %ld, III %ld, IV %ld, V %ld, worse than V %ld), "
                    "%ld without a deciding item\n",
            rows, classified, by_class[1], by_class[2], by_class[3], by_class[4], by_class[5], by_class[6], by_class[0]);
    if (col_off >= 0)
        fprintf(stderr, "water class: official class matched %ld/%ld rows (%.2f%%)%s\n", matched, with_off,
                with_off ? 100.0 * (double)matched / (double)with_off : 0.0,
                off_unclassed ? "; some officially classed rows had no deciding item here" : "");
    if (rows_bad || records_bad)
        eco_log_warn("%s: %ld rows read, %ld rows with bad values skipped, %ld malformed records skipped", name, rows,
                     rows_bad, records_bad);
    if (io) {
        eco_log_error("writing output failed");
        rc = EXIT_RUNTIME;
    } else if (records_bad) {
        rc = EXIT_USAGE;
    }
done:
    eco_csv_close(&csv);
    if (f && f != stdin) fclose(f);
    return rc;
}
