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
#include "water/assess.h"
#include "water/water.h"

int water_item_of_header(eco_slice_t h);
int water_parse_value(eco_slice_t s, double *out);
int water_body_of(eco_slice_t s);
int water_parse_items(const char *s, uint32_t *set, int *is_auto);
void water_set_dl_rule(int rule);

static void water_usage(FILE *f)
{
    fputs("Usage: ecobrain water SUBCOMMAND [OPTIONS] [FILE|-]\n"
          "\n"
          "  classify  GB 3838-2002 class of every sample (single-factor method; alias: class)\n"
          "  assess    环办〔2011〕22号 evaluation of sections, rivers, basins, regions over periods;\n"
          "            CWQI and its ranking; drinking-water source compliance (--drinking)\n"
          "  tli       trophic level index TLI(Σ) of lakes and reservoirs, and its class\n"
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
    if (!strcmp(sub, "tli")) return cmd_water_tli(argc - 1, argv + 1);
    fprintf(stderr, "ecobrain water: unknown subcommand '%s'\n\n", sub);
    water_usage(stderr);
    return EXIT_USAGE;
}

static const char class_help[] =
    "Usage: ecobrain water classify [--waterbody river|lake] [--items auto|routine|auto5|LIST]\n"
    "                               [--format csv|json|text] [--columns LIST] [FILE|-]\n"
    "       (`ecobrain water class` is an alias)\n"
    "\n"
    "Classify every input row (one sample) per GB 3838-2002 Table 1 with the single-factor\n"
    "method: the class is the worst class over the deciding items present; limits inclusive\n"
    "(DO >=, others <=); pH inside 6-9 counts as I, outside as worse-than-V (劣Ⅴ).\n"
    "\n"
    "Input: CSV with a header; columns matched case-insensitively, others passed through:\n"
    "  waterbody (inferred_waterbody): river or lake per row (lake, lake?, reservoir, 湖库,\n"
    "    湖泊, 水库, 湖 = lake; river, river? = river; anything else: the --waterbody default)\n"
    "  official class: 水质类别 (official_class)\n"
    "  items by key, by the CNEMC Chinese name (the unit in brackets is ignored) or by the\n"
    "  HJ 212 code: temp 水温 w01010, ph pH w01001, do 溶解氧 w01009, codmn 高锰酸盐指数 w01019,\n"
    "    cod 化学需氧量 w01018, bod5 五日生化需氧量 w01017, nh3n 氨氮 w21003, tp 总磷 w21011,\n"
    "    tn 总氮 w21001, cu 铜 w20122/w20138, zn 锌 w20123/w20139, f 氟化物 w21017, se 硒,\n"
    "    as 砷, hg 汞, cd 镉, cr6 铬（六价） w20117, pb 铅, cn 氰化物 w21016, phenol 挥发酚 w23002,\n"
    "    oil 石油类 w22001, las 阴离子表面活性剂 w19002, sulfide 硫化物 w21019, fcoli 粪大肠菌群 (个/L).\n"
    "    mg/L unless stated (HJ 212 Hg, Cd, Cr6, As, Pb, Se in µg/L are not converted: use keys).\n"
    "  Empty, *, --, -, NA, / mean missing; missing items are skipped. \"0.01L\" or \"<0.01\"\n"
    "  (below the detection limit 0.01) counts as half the limit.\n"
    "\n"
    "Options:\n"
    "  --waterbody river|lake     TP column of Table 1 for rows without a waterbody value\n"
    "                             (default river; 'auto' accepted as river)\n"
    "  --items SET                deciding items: auto (default) = the items of the routine set\n"
    "                             (below) that have a column in the input, so CNEMC data gives\n"
    "                             exactly pH, DO, CODMn, NH3-N, TP; auto5 = those five (the\n"
    "                             national automatic stations); routine = the 21 items of\n"
    "                             环办〔2011〕22号 (Table 1 minus 水温, 总氮, 粪大肠菌群); LIST =\n"
    "                             comma-separated keys, e.g. ph,do,codmn,nh3n,tp,tn\n"
    "  --format csv|json|text     output format (default csv)\n"
    "  --columns LIST             only these output columns\n"
    "\n"
    "Output: the input columns unchanged, then class (Ⅰ Ⅱ Ⅲ Ⅳ Ⅴ 劣Ⅴ, empty when no item could\n"
    "  be judged), class_items (the items that decided it, e.g. 总磷;氨氮) and exceed (items worse\n"
    "  than III, worst class first then by the multiple (C-S_III)/S_III, top three, e.g.\n"
    "  总磷(0.45);氨氮(0.20)); when the input has 水质类别, also official,match (Y/N).\n"
    "A summary (rows, classes, match rate) goes to stderr.\n"
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

/* item aliases besides the key and the Chinese name; HJ 212 codes from
 * ../shared/reference/hj212.md §9 Table B.1 (mg/L ones only: µg/L codes such
 * as w20111 Hg would need a unit conversion and are not mapped) */
int water_item_of_header(eco_slice_t h)
{
    static const struct {
        const char *name;
        int item;
    } alias[] = {
        {"nh3-n", ECO_W_NH3N}, {"nh3_n", ECO_W_NH3N}, {"nh3", ECO_W_NH3N},  {"temperature", ECO_W_TEMP},
        {"water_temp", ECO_W_TEMP}, {"codcr", ECO_W_COD}, {"bod", ECO_W_BOD5}, {"cr6+", ECO_W_CR6},
        {"fluoride", ECO_W_F}, {"cyanide", ECO_W_CN}, {"petroleum", ECO_W_OIL}, {"fecal_coliform", ECO_W_FCOLI},
        {"dissolved_oxygen", ECO_W_DO}, {"铬(六价)", ECO_W_CR6}, {"六价铬", ECO_W_CR6}, {"石油", ECO_W_OIL},
        {"pH值", ECO_W_PH},
        {"w01001", ECO_W_PH}, {"w01009", ECO_W_DO}, {"w01010", ECO_W_TEMP}, {"w01017", ECO_W_BOD5},
        {"w01018", ECO_W_COD}, {"w01019", ECO_W_CODMN}, {"w21003", ECO_W_NH3N}, {"w21011", ECO_W_TP},
        {"w21001", ECO_W_TN}, {"w20122", ECO_W_CU}, {"w20138", ECO_W_CU}, {"w20123", ECO_W_ZN},
        {"w20139", ECO_W_ZN}, {"w20144", ECO_W_PB},
    };
    for (int i = 0; i < ECO_W_NITEMS; i++)
        if (eco_slice_ieq(h, eco_water_items[i].key) || eco_slice_eq(h, eco_water_items[i].name_zh)) return i;
    for (size_t k = 0; k < sizeof alias / sizeof *alias; k++)
        if (eco_slice_ieq(h, alias[k].name)) return alias[k].item;
    eco_slice_t b = header_base(h);
    if (b.len != h.len) return water_item_of_header(b);
    return -1;
}

static eco_water_dl_t dl_rule = ECO_WDL_HALF;
void water_set_dl_rule(int rule) { dl_rule = (eco_water_dl_t)rule; }

/* 0 and *out (NAN = missing); "0.01L" / "<0.01": below the detection limit */
int water_parse_value(eco_slice_t s, double *out)
{
    s = eco_slice_trim(s);
    if (eco_slice_eq(s, "*") || eco_slice_eq(s, "/")) {
        *out = NAN;
        return 0;
    }
    int below = 0;
    if (s.len > 1 && (s.ptr[s.len - 1] == 'L' || s.ptr[s.len - 1] == 'l') && s.ptr[s.len - 2] >= '0' &&
        s.ptr[s.len - 2] <= '9')
        below = 1, s.len--;
    else if (s.len > 1 && s.ptr[0] == '<') below = 1, s.ptr++, s.len--;
    int rc = cli_parse_conc(s, out);
    if (!rc && !isfinite(*out)) *out = NAN;
    if (!rc && below) {
        if (!isfinite(*out)) return ECO_ENUMBER;
        *out = eco_water_below_dl(*out, dl_rule);
    }
    return rc;
}

/* 1 lake, 0 river, -1 not said */
int water_body_of(eco_slice_t s)
{
    s = eco_slice_trim(s);
    if (eco_slice_ieq(s, "lake") || eco_slice_ieq(s, "lake?") || eco_slice_ieq(s, "reservoir") ||
        eco_slice_eq(s, "湖库") || eco_slice_eq(s, "湖泊") || eco_slice_eq(s, "水库") || eco_slice_eq(s, "湖"))
        return ECO_WB_LAKE;
    if (eco_slice_ieq(s, "river") || eco_slice_ieq(s, "river?") || eco_slice_eq(s, "河流") ||
        eco_slice_eq(s, "河"))
        return ECO_WB_RIVER;
    return -1;
}

/* --items: auto (-> *is_auto), auto5, routine or a key list; 0 or -1 */
int water_parse_items(const char *s, uint32_t *set, int *is_auto)
{
    *is_auto = 0;
    if (!strcmp(s, "auto")) {
        *is_auto = 1;
        *set = eco_water_set_routine21;
        return 0;
    }
    if (!strcmp(s, "auto5")) return *set = eco_water_set_auto5, 0;
    if (!strcmp(s, "routine")) return *set = eco_water_set_routine21, 0;
    uint32_t m = 0;
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int it = water_item_of_header(eco_slice_trim((eco_slice_t){p, n}));
        if (it < 0 || it == ECO_W_TEMP) return -1;
        m |= ECO_WBIT(it);
        p += n;
        if (*p == ',') p++;
    }
    if (!m) return -1;
    *set = m;
    return 0;
}

static int cmd_water_class(int argc, char **argv)
{
    static const struct option opts[] = {
        {"waterbody", required_argument, 0, 'w'}, {"items", required_argument, 0, 'i'},
        {"format", required_argument, 0, 'f'},    {"columns", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0},
    };
    eco_water_body_t wb_default = ECO_WB_RIVER;
    uint32_t set = eco_water_set_routine21;
    int items_auto = 1;
    int fmt = TBL_CSV;
    const char *columns = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (!strcmp(optarg, "river") || !strcmp(optarg, "auto")) wb_default = ECO_WB_RIVER;
            else if (!strcmp(optarg, "lake")) wb_default = ECO_WB_LAKE;
            else return cli_usage_error("water classify", "--waterbody takes river or lake, not '%s'", optarg);
            break;
        case 'i':
            if (water_parse_items(optarg, &set, &items_auto))
                return cli_usage_error("water classify",
                                       "--items takes auto, auto5, routine or a list of item keys, not '%s'", optarg);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error("water classify", "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'c': columns = optarg; break;
        case 'h': fputs(class_help, stdout); return 0;
        default: return cli_usage_error("water classify", "unknown option");
        }
    }
    if (argc - optind > 1) return cli_usage_error("water classify", "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";

    static const char *const wb_names[] = {"waterbody", "inferred_waterbody", "water_body", NULL};
    static const char *const off_names[] = {"水质类别", "official_class", "official", NULL};

    cli_csv_t src;
    int open_rc = cli_csv_open(&src, path);
    const char *name = src.name ? src.name : path;
    int rc = 0;
    int col_wb = -1, col_off = -1, col_item[ECO_W_NITEMS];
    for (int i = 0; i < ECO_W_NITEMS; i++) col_item[i] = -1;
    size_t ncols = 0;
    char **hdr = NULL;
    const char **cols = NULL;
    int tbl_open = 0;
    cli_table_t t;
    if (open_rc) {
        rc = open_rc;
        goto done;
    }
    ncols = src.ncols;
    hdr = calloc(ncols + 1, sizeof *hdr);
    cols = calloc(ncols + 6, sizeof *cols);
    if (!hdr || !cols) {
        eco_log_error("out of memory");
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (size_t k = 0; k < ncols; k++) {
        eco_slice_t raw = eco_csv_field(&src.csv, k);
        if (!(hdr[k] = strndup(raw.ptr, raw.len))) {
            eco_log_error("out of memory");
            rc = EXIT_RUNTIME;
            goto done;
        }
        eco_slice_t h = eco_slice_trim(raw);
        int *slot = NULL;
        if (cli_header_is(h, wb_names)) slot = &col_wb;
        else if (cli_header_is(h, off_names)) slot = &col_off;
        else {
            int it = water_item_of_header(h);
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
    if (items_auto) {
        uint32_t present = 0;
        for (int i = 0; i < ECO_W_NITEMS; i++)
            if (col_item[i] >= 0) present |= ECO_WBIT(i);
        set &= present;
    }
    int any = 0;
    for (int i = 0; i < ECO_W_NITEMS; i++) any |= (set & ECO_WBIT(i)) && col_item[i] >= 0;
    if (!any) {
        eco_log_error("%s:1: no column of a deciding item (e.g. ph, do, codmn, nh3n, tp, pH(无量纲), "
                      "溶解氧(mg/L), w01001, ...)",
                      name);
        rc = EXIT_USAGE;
        goto done;
    }
    {
        char items[256];
        eco_log_info("%s: deciding items: %s", name, eco_water_items_str(set, items, sizeof items));
    }

    /* output columns: the input's, then ours */
    int ncol = 0;
    for (size_t k = 0; k < ncols; k++) cols[ncol++] = hdr[k];
    cols[ncol++] = "class";
    cols[ncol++] = "class_items";
    cols[ncol++] = "exceed";
    if (col_off >= 0) {
        cols[ncol++] = "official";
        cols[ncol++] = "match";
    }
    char badcol[64];
    if (columns && tbl_check_columns(cols, ncol, columns, badcol, sizeof badcol)) {
        rc = cli_usage_error("water classify", "--columns: no column '%s'", badcol);
        goto done;
    }
    tbl_begin_sel(&t, stdout, fmt, cols, ncol, columns);
    tbl_open = 1;

    long rows = 0, rows_bad = 0, classified = 0, with_off = 0, matched = 0, off_unclassed = 0;
    long by_class[7] = {0};
    char dec[256], mainp[256];
    while (cli_csv_next(&src)) {
        size_t line = eco_csv_line(&src.csv);
        double v[ECO_W_NITEMS];
        int bad = 0;
        for (int i = 0; i < ECO_W_NITEMS && !bad; i++) {
            v[i] = NAN;
            if (col_item[i] < 0) continue;
            eco_slice_t s = eco_csv_field(&src.csv, (size_t)col_item[i]);
            int prc = water_parse_value(s, &v[i]);
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
        eco_water_body_t wb = wb_default;
        if (col_wb >= 0) {
            int b = water_body_of(eco_csv_field(&src.csv, (size_t)col_wb));
            if (b >= 0) wb = (eco_water_body_t)b;
        }
        eco_water_result_t res;
        eco_water_classify(v, wb, set, &res);
        if (res.cls) classified++;
        by_class[res.cls]++;

        tbl_row_begin(&t);
        for (size_t k = 0; k < ncols; k++) {
            eco_slice_t s = eco_csv_field(&src.csv, k);
            tbl_rawn(&t, s.ptr, s.len);
        }
        tbl_str(&t, res.cls ? eco_water_class_name(res.cls) : NULL);
        tbl_str(&t, eco_water_items_str(res.deciding, dec, sizeof dec));
        tbl_str(&t, eco_water_main_str(&res, mainp, sizeof mainp));
        if (col_off >= 0) {
            eco_slice_t o = eco_slice_trim(eco_csv_field(&src.csv, (size_t)col_off));
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
    tbl_open = 0;
    fprintf(stderr, "water classify: %ld rows, %ld classified (I %ld, II %ld, III %ld, IV %ld, V %ld, worse than V %ld), "
                    "%ld without a deciding item\n",
            rows, classified, by_class[1], by_class[2], by_class[3], by_class[4], by_class[5], by_class[6], by_class[0]);
    if (col_off >= 0)
        fprintf(stderr, "water classify: official class matched %ld/%ld rows (%.2f%%)%s\n", matched, with_off,
                with_off ? 100.0 * (double)matched / (double)with_off : 0.0,
                off_unclassed ? "; some officially classed rows had no deciding item here" : "");
    if (rows_bad || src.records_bad)
        eco_log_warn("%s: %ld rows read, %ld rows with bad values skipped, %ld malformed records skipped", name, rows,
                     rows_bad, src.records_bad);
    if (io) {
        eco_log_error("writing output failed");
        rc = EXIT_RUNTIME;
    } else if (src.records_bad) {
        rc = EXIT_USAGE;
    }
    if (src.failed && !rc) rc = EXIT_RUNTIME;
done:
    if (tbl_open) tbl_end(&t);
    if (hdr)
        for (size_t k = 0; k < ncols; k++) free(hdr[k]);
    free(hdr);
    free(cols);
    cli_csv_close(&src);
    return rc;
}
