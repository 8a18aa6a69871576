/* cmd_water_assess.c — `ecobrain water assess`: 环办〔2011〕22号 evaluation.
 *
 * Why it loads everything first: a period value is the mean of all the
 * section's samples in the period, a group needs all its sections, and a
 * change needs the same period a year earlier. Samples are folded into one
 * accumulator per (section, period) as they are read, so memory is one cell
 * per section-period, not per sample. Every rule is in src/water/assess.c and
 * src/water/water.c; this file maps rows to cells and results to columns.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brain/rank.h"
#include "cli.h"
#include "core/log.h"
#include "core/map.h"
#include "water/assess.h"
#include "water/water.h"

int water_item_of_header(eco_slice_t h);
int water_parse_value(eco_slice_t s, double *out);
int water_body_of(eco_slice_t s);
int water_parse_items(const char *s, uint32_t *set, int *is_auto);
void water_set_dl_rule(int rule);

static const char assess_help[] =
    "Usage: ecobrain water assess --period P [--by section|river|basin|region] [OPTIONS] [FILE|-]\n"
    "\n"
    "环办〔2011〕22号 evaluation of surface-water samples:\n"
    "- a section's period value of an item is the arithmetic mean of its samples in the period\n"
    "  (pH through the mean [H+]; a value below the detection limit, \"0.01L\" or \"<0.01\", as\n"
    "  half the limit); its period class is the single-factor class of those means;\n"
    "- a river, basin or region (--sections) gets the share of its sections per class, the\n"
    "  I-III share (优良比例) and the 劣Ⅴ share, and the grade: with >= 5 sections I-III >= 90%%\n"
    "  优, >= 75%% 良好, else 劣Ⅴ < 20%% 轻度污染, < 40%% 中度污染, else 重度污染; with fewer\n"
    "  sections the class of the means over its sections decides (Ⅰ/Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染,\n"
    "  Ⅴ 中度污染, 劣Ⅴ 重度污染); main pollutants by section exceedance rate (share of\n"
    "  sections worse than III on the item), top three;\n"
    "- the change against the same period a year earlier when the input holds it; compliance\n"
    "  with target_class when SECTIONS.csv gives it;\n"
    "- drinking-water sources (--drinking): a source is compliant (达标) when its basic class is III\n"
    "  or better and no GB 3838 Table 2 item (sulfate 250, chloride 250, nitrate-N 10, Fe 0.3,\n"
    "  Mn 0.1 mg/L) nor a --limits item exceeds its limit (period means); groups add the\n"
    "  compliance rate by count and by the volume drawn (SECTIONS.csv column 'volume');\n"
    "- CWQI (城市水质指数, 环办监测〔2017〕51号): per section the sum over the items of C/C_III\n"
    "  (DO 5/C, pH by its distance from 7, lake TP against 0.05); a group's from the item means over\n"
    "  its sections per water type, weighted by their section counts; cwqi_rank ranks the entities of\n"
    "  each period (1 = cleanest, ties shared).\n"
    "\n"
    "Input: CSV, one sample per row: site (section, station, 断面名称), time (监测时间, date), an\n"
    "  optional waterbody column, and item columns as for 'ecobrain water classify' (keys,\n"
    "  CNEMC Chinese headers, HJ 212 codes). Times: YYYY-MM-DD[ HH:MM[:SS]], YYYY-MM, or the\n"
    "  CNEMC 'MM-DD HH:MM' completed with --year.\n"
    "\n"
    "Options:\n"
    "  --period month|quarter|year|FROM..TO   (required; FROM/TO as YYYY-MM-DD, inclusive)\n"
    "  --by section|river|basin|region        entity (default section); groups need --sections\n"
    "  --sections FILE          CSV: section,river,basin,region,waterbody,target_class (any order,\n"
    "                           only section required; target_class as Ⅲ, III, 3)\n"
    "  --year YYYY              year of times without one (CNEMC 'MM-DD HH:MM')\n"
    "  --waterbody river|lake   default waterbody (SECTIONS.csv, then the data's column win)\n"
    "  --items SET              deciding items as for classify (default auto)\n"
    "  --below-dl half|dl|zero  value of a result below the detection limit (default half)\n"
    "  --share-min N            fewest sections for the share method (default 5)\n"
    "  --format csv|json|text   (default csv)\n"
    "  --columns LIST           only these columns\n"
    "  --drinking               drinking-water source compliance (see above)\n"
    "  --min-samples auto|N     fewest samples for a section's period value (auto: 22号, 1 a month,\n"
    "                           2 a quarter, 8 a year; default 0 = any); fewer: no class, status 样本不足\n"
    "  --limits FILE            CSV item,limit[,name]: Table 3 items (or other limits), mg/L;\n"
    "                           implies --drinking\n";

typedef struct secinfo {
    int32_t group[3]; /* river, basin, region ids in gmap, -1 none */
    int wb;           /* -1 not said */
    int target;       /* 0 none, 1..6 */
    double volume;    /* water drawn (drinking-water sources), NAN unknown */
} secinfo_t;

/* drinking-water sources: the supplementary (Table 2) and specific (Table 3, --limits) items */
#define MAX_X 96
typedef struct xitem {
    char key[64], name[64], alias[64];
    double limit;
} xitem_t;

typedef struct cell {
    uint32_t ent; /* section id, or group id */
    int32_t key;  /* period key */
    long nsamples;
    eco_water_acc_t acc;
    /* results */
    double mean[ECO_W_NITEMS];
    eco_water_result_t res;
    double cwqi;      /* section: CWQI of the period means; group: 51号 (eco_water_cwqi_acc) */
    double *xsum;     /* drinking: sums and counts of the extra items, or NULL */
    int *xn;
    int xexceed;      /* section: extra items over their limit */
    int few;          /* section: fewer samples than --min-samples */
    int src_ok;       /* section: 1 compliant, 0 not, -1 unknown */
    int nsrc, nsrc_ok;                   /* group: sources judged, compliant */
    double vol, vol_ok;                  /* group: water drawn, by compliant sources */
    eco_water_cwqi_acc_t *cq;            /* group: CWQI by 51号 (only while grouping) */
    int cwqi_rank;
    /* groups */
    int counts[7], nexceed[ECO_W_NITEMS], ntarget, ncompliant, nlake;
    eco_water_shares_t sh;
} cell_t;

typedef enum { P_MONTH, P_QUARTER, P_YEAR, P_RANGE } ptype_t;

typedef struct cells {
    cell_t *v;
    size_t n, cap;
    eco_map_t map; /* "ent:key" -> index */
} cells_t;

/* CWQI rank among the cells of the same period (1 = cleanest; ties at 2 decimals share) */
static int cwqi_ranks(cell_t *v, size_t n)
{
    double *val = malloc((n ? n : 1) * sizeof *val);
    int *rk = malloc((n ? n : 1) * sizeof *rk);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!val || !rk || !idx) {
        free(val), free(rk), free(idx);
        return -1;
    }
    for (size_t a = 0; a < n; a++) v[a].cwqi_rank = -1;
    for (size_t a = 0; a < n; a++) {
        if (v[a].cwqi_rank != -1) continue;
        size_t m = 0;
        for (size_t b = a; b < n; b++) /* ranked as printed (the published rounding) */
            if (v[b].key == v[a].key) idx[m] = b, val[m++] = eco_water_round(v[b].cwqi, 2);
        eco_rank(val, m, ECO_LOWER_IS_BETTER, 2, rk, NULL);
        for (size_t q = 0; q < m; q++) v[idx[q]].cwqi_rank = rk[q];
    }
    free(val), free(rk), free(idx);
    return 0;
}

static cell_t *cell_get(cells_t *c, uint32_t ent, int32_t key, int create)
{
    char k[32];
    int kn = snprintf(k, sizeof k, "%u:%d", ent, key);
    eco_slice_t ks = {k, (size_t)kn};
    int32_t id = create ? eco_map_put(&c->map, ks) : eco_map_get(&c->map, ks);
    if (id < 0) return NULL;
    if ((size_t)id == c->n) {
        if (c->n == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 256;
            cell_t *nv = realloc(c->v, nc * sizeof *nv);
            if (!nv) return NULL;
            c->v = nv, c->cap = nc;
        }
        cell_t *x = &c->v[c->n++];
        memset(x, 0, sizeof *x);
        x->ent = ent, x->key = key;
        eco_water_acc_init(&x->acc);
    }
    return &c->v[id];
}

/* day of a time text; 0 ok */
static int parse_day(eco_slice_t s, int year, eco_day_t *out)
{
    eco_time_t t;
    s = eco_slice_trim(s);
    if (!eco_time_parse(s, &t)) return *out = eco_time_day(t), 0;
    char b[32];
    if (s.len == 0 || s.len >= sizeof b) return -1;
    memcpy(b, s.ptr, s.len);
    b[s.len] = 0;
    int a = 0, m = 0, d = 0, n = 0;
    if (sscanf(b, "%d-%d%n", &a, &m, &n) == 2 && (b[n] == 0 || b[n] == ' ' || b[n] == '-')) {
        if (a >= 1000) { /* YYYY-MM */
            if (b[n] != 0 || m < 1 || m > 12) return -1;
            return *out = eco_day_from_civil(a, m, 1), 0;
        }
        if (!year || b[n] == '-') return -2; /* MM-DD without a year */
        d = m, m = a;
        if (m < 1 || m > 12 || d < 1 || d > eco_days_in_month(year, m)) return -1;
        return *out = eco_day_from_civil(year, m, d), 0;
    }
    return -1;
}

static int32_t period_key(ptype_t p, eco_day_t day, eco_day_t from, eco_day_t to)
{
    int y, m, d;
    eco_day_to_civil(day, &y, &m, &d);
    switch (p) {
    case P_MONTH: return y * 12 + m - 1;
    case P_QUARTER: return y * 4 + (m - 1) / 3;
    case P_YEAR: return y;
    default: return day >= from && day <= to ? 0 : INT32_MIN;
    }
}

static int32_t prev_key(ptype_t p, int32_t k)
{
    switch (p) {
    case P_MONTH: return k - 12;
    case P_QUARTER: return k - 4;
    case P_YEAR: return k - 1;
    default: return INT32_MIN;
    }
}

static void period_label(ptype_t p, int32_t k, const char *range, char *b, size_t n)
{
    switch (p) {
    case P_MONTH: snprintf(b, n, "%04d-%02d", k / 12, k % 12 + 1); break;
    case P_QUARTER: snprintf(b, n, "%04d-Q%d", k / 4, k % 4 + 1); break;
    case P_YEAR: snprintf(b, n, "%04d", k); break;
    default: snprintf(b, n, "%s", range); break;
    }
}

static int cmp_cell(const void *a, const void *b)
{
    const cell_t *x = a, *y = b;
    if (x->ent != y->ent) return x->ent < y->ent ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

static const char *change_of_classes(int now, int before)
{
    if (!now || !before) return NULL;
    int d = before - now; /* > 0 better */
    if (d == 0) return "无明显变化";
    if (d > 0) return d >= 2 ? "明显好转" : "有所好转";
    return d <= -2 ? "明显变差" : "有所变差";
}

/* main pollutants of a group by section exceedance rate, top three */
static void group_main(const cell_t *g, char *b, size_t n)
{
    int used[ECO_W_NITEMS] = {0};
    size_t len = 0;
    b[0] = 0;
    for (int k = 0; k < 3; k++) {
        int best = -1;
        for (int i = 0; i < ECO_W_NITEMS; i++)
            if (!used[i] && g->nexceed[i] > 0 && (best < 0 || g->nexceed[i] > g->nexceed[best])) best = i;
        if (best < 0) break;
        used[best] = 1;
        int w = snprintf(b + len, n - len, "%s%s(%.1f%%)", k ? ";" : "", eco_water_items[best].name_zh,
                         eco_water_round(100.0 * g->nexceed[best] / g->sh.n, 1));
        if (w < 0 || (size_t)w >= n - len) break;
        len += (size_t)w;
    }
}

/* --limits FILE: item,limit[,name] — Table 3 items a source monitors, or other limits */
static int read_limits(const char *path, xitem_t *xs, int *nx)
{
    cli_csv_t in;
    int r = cli_csv_open(&in, path);
    if (r) return r;
    int ci = -1, cl = -1, cn = -1;
    for (size_t k = 0; k < in.ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in.csv, k));
        if (eco_slice_ieq(h, "item") || eco_slice_ieq(h, "key")) ci = (int)k;
        else if (eco_slice_ieq(h, "limit")) cl = (int)k;
        else if (eco_slice_ieq(h, "name")) cn = (int)k;
    }
    if (ci < 0 || cl < 0) {
        fprintf(stderr, "ecobrain water assess: %s:1: columns 'item' and 'limit' are required\n", in.name);
        cli_csv_close(&in);
        return EXIT_USAGE;
    }
    while (cli_csv_next(&in)) {
        eco_slice_t it = eco_slice_trim(eco_csv_field(&in.csv, (size_t)ci));
        eco_slice_t lv = eco_slice_trim(eco_csv_field(&in.csv, (size_t)cl));
        double lim;
        if (!it.len || it.len >= 64 || eco_slice_to_double(lv, &lim) < 0 || !(lim >= 0)) {
            fprintf(stderr, "ecobrain water assess: %s:%zu: an item and a limit >= 0 are needed\n", in.name,
                    eco_csv_line(&in.csv));
            cli_csv_close(&in);
            return EXIT_USAGE;
        }
        int k = 0;
        while (k < *nx && !eco_slice_ieq(it, xs[k].key)) k++;
        if (k == *nx) {
            if (*nx == MAX_X) {
                fprintf(stderr, "ecobrain water assess: %s: more than %d items\n", in.name, MAX_X);
                cli_csv_close(&in);
                return EXIT_USAGE;
            }
            memset(&xs[k], 0, sizeof xs[k]);
            snprintf(xs[k].key, sizeof xs[k].key, "%.*s", (int)it.len, it.ptr);
            (*nx)++;
        }
        xs[k].limit = lim;
        if (cn >= 0) {
            eco_slice_t nm = eco_slice_trim(eco_csv_field(&in.csv, (size_t)cn));
            if (nm.len && nm.len < 64) snprintf(xs[k].name, sizeof xs[k].name, "%.*s", (int)nm.len, nm.ptr);
        }
        if (!xs[k].name[0]) snprintf(xs[k].name, sizeof xs[k].name, "%s", xs[k].key);
    }
    int bad = in.records_bad > 0 || in.failed;
    cli_csv_close(&in);
    return bad ? EXIT_USAGE : 0;
}

/* a header naming an extra item: its key, its Chinese name, an alias, or any of them followed by "(unit)" */
static int xitem_of_header(const xitem_t *xs, int nx, eco_slice_t h)
{
    eco_slice_t b = h;
    for (size_t i = 0; i < h.len; i++)
        if (h.ptr[i] == '(' || (i + 2 < h.len && !memcmp(h.ptr + i, "（", 3))) {
            b.len = i;
            break;
        }
    for (int k = 0; k < nx; k++)
        if (eco_slice_ieq(h, xs[k].key) || eco_slice_eq(h, xs[k].name) || (xs[k].alias[0] && eco_slice_eq(h, xs[k].alias)) ||
            eco_slice_ieq(b, xs[k].key) || eco_slice_eq(b, xs[k].name))
            return k;
    return -1;
}

int cmd_water_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"period", required_argument, 0, 'p'},    {"by", required_argument, 0, 'b'},
        {"sections", required_argument, 0, 's'},  {"year", required_argument, 0, 'y'},
        {"waterbody", required_argument, 0, 'w'}, {"items", required_argument, 0, 'i'},
        {"below-dl", required_argument, 0, 'd'},  {"share-min", required_argument, 0, 'm'},
        {"format", required_argument, 0, 'f'},    {"columns", required_argument, 0, 'c'},
        {"drinking", no_argument, 0, 'D'},        {"limits", required_argument, 0, 'L'},
        {"min-samples", required_argument, 0, 'M'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0},
    };
    const char *C = "water assess";
    int drinking = 0, min_samples = 0; /* -1 = 22号: 1 a month, 2 a quarter, 8 a year */
    const char *limits_path = NULL;
    xitem_t xs[MAX_X];
    int nx = 0;
    ptype_t ptype = P_MONTH;
    int have_period = 0, by = 0, year = 0, wb_default = ECO_WB_RIVER, items_auto = 1, fmt = TBL_CSV;
    int share_min = ECO_WATER_SHARE_MIN_DEFAULT;
    const char *sections_path = NULL, *columns = NULL, *range_text = "";
    eco_day_t from = 0, to = 0;
    uint32_t set = eco_water_set_routine21;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': {
            have_period = 1;
            const char *dots = strstr(optarg, "..");
            if (!strcmp(optarg, "month")) ptype = P_MONTH;
            else if (!strcmp(optarg, "quarter")) ptype = P_QUARTER;
            else if (!strcmp(optarg, "year")) ptype = P_YEAR;
            else if (dots && !eco_day_parse((eco_slice_t){optarg, (size_t)(dots - optarg)}, &from) &&
                     !eco_day_parse(eco_slice_cstr(dots + 2), &to) && from <= to)
                ptype = P_RANGE, range_text = optarg;
            else return cli_usage_error(C, "--period takes month, quarter, year or FROM..TO, not '%s'", optarg);
            break;
        }
        case 'b':
            if (!strcmp(optarg, "section")) by = 0;
            else if (!strcmp(optarg, "river")) by = 1;
            else if (!strcmp(optarg, "basin")) by = 2;
            else if (!strcmp(optarg, "region")) by = 3;
            else return cli_usage_error(C, "--by takes section, river, basin or region, not '%s'", optarg);
            break;
        case 's': sections_path = optarg; break;
        case 'y': {
            char *e;
            long y = strtol(optarg, &e, 10);
            if (*e || y < 1900 || y > 2999) return cli_usage_error(C, "--year takes YYYY, not '%s'", optarg);
            year = (int)y;
            break;
        }
        case 'w':
            if (!strcmp(optarg, "river")) wb_default = ECO_WB_RIVER;
            else if (!strcmp(optarg, "lake")) wb_default = ECO_WB_LAKE;
            else return cli_usage_error(C, "--waterbody takes river or lake, not '%s'", optarg);
            break;
        case 'i':
            if (water_parse_items(optarg, &set, &items_auto))
                return cli_usage_error(C, "--items takes auto, auto5, routine or a list of item keys, not '%s'", optarg);
            break;
        case 'd':
            if (!strcmp(optarg, "half")) water_set_dl_rule(ECO_WDL_HALF);
            else if (!strcmp(optarg, "dl")) water_set_dl_rule(ECO_WDL_FULL);
            else if (!strcmp(optarg, "zero")) water_set_dl_rule(ECO_WDL_ZERO);
            else return cli_usage_error(C, "--below-dl takes half, dl or zero, not '%s'", optarg);
            break;
        case 'm': {
            char *e;
            long v = strtol(optarg, &e, 10);
            if (*e || v < 1 || v > 1000) return cli_usage_error(C, "--share-min takes a count, not '%s'", optarg);
            share_min = (int)v;
            break;
        }
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1))
                return cli_usage_error(C, "--format takes csv, json or text, not '%s'", optarg);
            break;
        case 'c': columns = optarg; break;
        case 'D': drinking = 1; break;
        case 'M':
            if (!strcmp(optarg, "auto")) min_samples = -1;
            else {
                char *e;
                long v = strtol(optarg, &e, 10);
                if (*e || v < 0 || v > 100000) return cli_usage_error(C, "--min-samples takes auto or a count, not '%s'", optarg);
                min_samples = (int)v;
            }
            break;
        case 'L': limits_path = optarg; drinking = 1; break;
        case 'h': fputs(assess_help, stdout); return 0;
        default: return cli_usage_error(C, "unknown option");
        }
    }
    if (!have_period) return cli_usage_error(C, "--period is required");
    if (drinking) {
        for (int k = 0; k < ECO_W_TABLE2_N; k++) {
            xitem_t *xi = &xs[nx++];
            snprintf(xi->key, sizeof xi->key, "%s", eco_water_table2[k].key);
            snprintf(xi->name, sizeof xi->name, "%s", eco_water_table2[k].name_zh);
            snprintf(xi->alias, sizeof xi->alias, "%s", eco_water_table2[k].alias ? eco_water_table2[k].alias : "");
            xi->limit = eco_water_table2[k].limit;
        }
        if (limits_path) {
            int lr = read_limits(limits_path, xs, &nx);
            if (lr) return lr;
        }
    }
    if (by && !sections_path) return cli_usage_error(C, "--by river|basin|region needs --sections");
    if (argc - optind > 1) return cli_usage_error(C, "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";

    int rc = 0;
    eco_map_t smap, gmap;
    eco_map_init(&smap);
    eco_map_init(&gmap);
    secinfo_t *info = NULL;
    size_t ninfo = 0;
    cells_t cells = {0}, groups = {0};
    eco_map_init(&cells.map);
    eco_map_init(&groups.map);
    FILE *f = NULL;
    eco_csv_t csv;
    int csv_open = 0;
    eco_err_t err;

#define GROW_INFO(id)                                                                                                  \
    do {                                                                                                               \
        if ((size_t)(id) >= ninfo) {                                                                                   \
            size_t nn = (size_t)(id) + 64;                                                                             \
            secinfo_t *ni = realloc(info, nn * sizeof *ni);                                                            \
            if (!ni) goto oom;                                                                                         \
            for (size_t q = ninfo; q < nn; q++) ni[q] = (secinfo_t){{-1, -1, -1}, -1, 0, NAN};                         \
            info = ni, ninfo = nn;                                                                                     \
        }                                                                                                              \
    } while (0)

    /* ---- sections file */
    if (sections_path) {
        FILE *sf = fopen(sections_path, "rb");
        if (!sf) {
            eco_log_error("%s: cannot open: %s", sections_path, strerror(errno));
            rc = EXIT_USAGE;
            goto done;
        }
        eco_csv_t sc;
        eco_csv_open_file(&sc, sf, sections_path);
        int cs = -1, cg[3] = {-1, -1, -1}, cw = -1, ct = -1, cv = -1;
        int r = eco_csv_next(&sc, &err);
        size_t nf = r > 0 ? eco_csv_nfields(&sc) : 0;
        for (size_t k = 0; k < nf; k++) {
            eco_slice_t h = eco_slice_trim(eco_csv_field(&sc, k));
            if (eco_slice_ieq(h, "section") || eco_slice_ieq(h, "site") || eco_slice_eq(h, "断面名称")) cs = (int)k;
            else if (eco_slice_ieq(h, "river") || eco_slice_eq(h, "河流")) cg[0] = (int)k;
            else if (eco_slice_ieq(h, "basin") || eco_slice_eq(h, "流域")) cg[1] = (int)k;
            else if (eco_slice_ieq(h, "region") || eco_slice_eq(h, "省份")) cg[2] = (int)k;
            else if (eco_slice_ieq(h, "waterbody")) cw = (int)k;
            else if (eco_slice_ieq(h, "target_class") || eco_slice_ieq(h, "target")) ct = (int)k;
            else if (eco_slice_ieq(h, "volume") || eco_slice_eq(h, "取水量")) cv = (int)k;
        }
        int srcbad = cs < 0 || (by && cg[by - 1] < 0);
        while (!srcbad && (r = eco_csv_next(&sc, &err)) > 0) {
            if (eco_csv_nfields(&sc) != nf) {
                eco_log_error("%s:%zu: %zu fields where the header has %zu", sections_path, eco_csv_line(&sc),
                              eco_csv_nfields(&sc), nf);
                srcbad = 1;
                break;
            }
            int32_t id = eco_map_put(&smap, eco_slice_trim(eco_csv_field(&sc, (size_t)cs)));
            if (id < 0) goto oom;
            GROW_INFO(id);
            for (int g = 0; g < 3; g++) {
                if (cg[g] < 0) continue;
                eco_slice_t v = eco_slice_trim(eco_csv_field(&sc, (size_t)cg[g]));
                if (!v.len) continue;
                char k[256];
                int kn = snprintf(k, sizeof k, "%d\x1f%.*s", g, (int)v.len, v.ptr);
                info[id].group[g] = eco_map_put(&gmap, (eco_slice_t){k, (size_t)kn < sizeof k ? (size_t)kn : sizeof k - 1});
            }
            if (cw >= 0) info[id].wb = water_body_of(eco_csv_field(&sc, (size_t)cw));
            if (cv >= 0) {
                eco_slice_t v = eco_slice_trim(eco_csv_field(&sc, (size_t)cv));
                double vol;
                if (v.len && (eco_slice_to_double(v, &vol) < 0 || !(vol >= 0))) {
                    eco_log_error("%s:%zu: volume '%.*s' is not a number >= 0", sections_path, eco_csv_line(&sc),
                                  (int)v.len, v.ptr);
                    srcbad = 1;
                    break;
                }
                if (v.len) info[id].volume = vol;
            }
            if (ct >= 0) {
                eco_slice_t v = eco_slice_trim(eco_csv_field(&sc, (size_t)ct));
                info[id].target = eco_water_class_parse(v.ptr, v.len);
                if (!info[id].target && v.len == 1 && v.ptr[0] >= '1' && v.ptr[0] <= '6') info[id].target = v.ptr[0] - '0';
            }
        }
        if (r < 0 && !srcbad) eco_log_error("%s", err.msg), srcbad = 1;
        eco_csv_close(&sc);
        fclose(sf);
        if (srcbad) {
            if (cs < 0 || (by && cg[by - 1] < 0))
                eco_log_error("%s:1: needs a section column%s", sections_path, by ? " and the --by column" : "");
            rc = EXIT_USAGE;
            goto done;
        }
    }

    /* ---- samples */
    const char *name = path;
    if (!strcmp(path, "-")) f = stdin, name = "<stdin>";
    else if (!(f = fopen(path, "rb"))) {
        eco_log_error("%s: cannot open: %s", path, strerror(errno));
        rc = EXIT_USAGE;
        goto done;
    }
    eco_csv_open_file(&csv, f, name);
    csv_open = 1;
    static const char *const site_names[] = {"site", "section", "station", "断面名称", "断面", "站点", NULL};
    static const char *const time_names[] = {"time", "datetime", "date", "监测时间", NULL};
    static const char *const wb_names[] = {"waterbody", "inferred_waterbody", "water_body", NULL};
    int col_site = -1, col_time = -1, col_wb = -1, col_item[ECO_W_NITEMS], col_x[MAX_X];
    for (int i = 0; i < ECO_W_NITEMS; i++) col_item[i] = -1;
    for (int i = 0; i < MAX_X; i++) col_x[i] = -1;
    int r = eco_csv_next(&csv, &err);
    if (r <= 0) {
        eco_log_error("%s", r == 0 ? "empty input: a header line is required" : err.msg);
        rc = EXIT_USAGE;
        goto done;
    }
    size_t ncols = eco_csv_nfields(&csv);
    for (size_t k = 0; k < ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&csv, k));
        int *slot = NULL;
        for (const char *const *n = site_names; *n && !slot; n++)
            if (eco_slice_ieq(h, *n)) slot = &col_site;
        for (const char *const *n = time_names; *n && !slot; n++)
            if (eco_slice_ieq(h, *n)) slot = &col_time;
        for (const char *const *n = wb_names; *n && !slot; n++)
            if (eco_slice_ieq(h, *n)) slot = &col_wb;
        if (!slot) {
            int it = water_item_of_header(h);
            if (it >= 0) slot = &col_item[it];
        }
        if (!slot && nx) {
            int xk = xitem_of_header(xs, nx, h);
            if (xk >= 0) slot = &col_x[xk];
        }
        if (slot && *slot < 0) *slot = (int)k;
    }
    if (items_auto) {
        uint32_t present = 0;
        for (int i = 0; i < ECO_W_NITEMS; i++)
            if (col_item[i] >= 0) present |= ECO_WBIT(i);
        set &= present;
    }
    if (col_site < 0 || col_time < 0 || !set) {
        eco_log_error("%s:1: needs a site (section, 断面名称) column, a time (监测时间) column and a deciding item", name);
        rc = EXIT_USAGE;
        goto done;
    }
    long rows = 0, rows_bad = 0, rows_out = 0, rows_notime = 0;
    for (;;) {
        r = eco_csv_next(&csv, &err);
        if (r == 0) break;
        if (r < 0) {
            eco_log_error("%s; record skipped", err.msg);
            rows_bad++;
            continue;
        }
        size_t line = eco_csv_line(&csv);
        if (eco_csv_nfields(&csv) != ncols) {
            eco_log_error("%s:%zu: %zu fields where the header has %zu; record skipped", name, line,
                          eco_csv_nfields(&csv), ncols);
            rows_bad++;
            continue;
        }
        eco_day_t day;
        eco_slice_t ts = eco_slice_trim(eco_csv_field(&csv, (size_t)col_time));
        if (!ts.len || eco_slice_eq(ts, "*") || eco_slice_eq(ts, "--")) { /* CNEMC: station not reporting */
            rows_notime++;
            continue;
        }
        int pr = parse_day(ts, year, &day);
        if (pr) {
            if (pr == -2 && !year) {
                eco_log_error("%s:%zu: time '%.*s' has no year: give --year YYYY", name, line, (int)ts.len, ts.ptr);
                rc = EXIT_USAGE;
                goto done;
            }
            eco_log_warn("%s:%zu:%d: bad time '%.*s'; row skipped", name, line, col_time + 1, (int)ts.len, ts.ptr);
            rows_bad++;
            continue;
        }
        int32_t key = period_key(ptype, day, from, to);
        if (key == INT32_MIN) {
            rows_out++;
            continue;
        }
        double v[ECO_W_NITEMS];
        int bad = 0;
        for (int i = 0; i < ECO_W_NITEMS; i++) {
            v[i] = NAN;
            if (col_item[i] < 0 || bad) continue;
            eco_slice_t s = eco_csv_field(&csv, (size_t)col_item[i]);
            if (water_parse_value(s, &v[i])) {
                eco_log_warn("%s:%zu:%d: %s: bad value '%.*s'; row skipped", name, line, col_item[i] + 1,
                             eco_water_items[i].key, (int)s.len, s.ptr);
                bad = 1;
            }
        }
        if (bad) {
            rows_bad++;
            continue;
        }
        int32_t sid = eco_map_put(&smap, eco_slice_trim(eco_csv_field(&csv, (size_t)col_site)));
        if (sid < 0) goto oom;
        GROW_INFO(sid);
        if (col_wb >= 0 && info[sid].wb < 0) info[sid].wb = water_body_of(eco_csv_field(&csv, (size_t)col_wb));
        cell_t *x = cell_get(&cells, (uint32_t)sid, key, 1);
        if (!x) goto oom;
        for (int k = 0; k < nx; k++) {
            if (col_x[k] < 0) continue;
            double xv;
            eco_slice_t xsv = eco_csv_field(&csv, (size_t)col_x[k]);
            if (water_parse_value(xsv, &xv)) {
                eco_log_warn("%s:%zu:%d: %s: bad value '%.*s'; value skipped", name, line, col_x[k] + 1, xs[k].key,
                             (int)xsv.len, xsv.ptr);
                continue;
            }
            if (xv != xv) continue;
            if (!x->xsum) {
                x->xsum = calloc((size_t)nx, sizeof *x->xsum);
                x->xn = calloc((size_t)nx, sizeof *x->xn);
                if (!x->xsum || !x->xn) goto oom;
            }
            x->xsum[k] += xv;
            x->xn[k]++;
        }
        eco_water_acc_add(&x->acc, v);
        x->nsamples++;
        rows++;
    }
    fprintf(stderr, "water assess: %ld samples used, %ld rows without a time, %ld outside the period, %ld bad rows skipped\n",
            rows, rows_notime, rows_out, rows_bad);

    /* ---- section results */
    int min_n = min_samples >= 0 ? min_samples : ptype == P_YEAR ? 8 : ptype == P_QUARTER ? 2 : 1;
    for (size_t k = 0; k < cells.n; k++) {
        cell_t *x = &cells.v[k];
        int wb = info[x->ent].wb >= 0 ? info[x->ent].wb : wb_default;
        eco_water_acc_mean(&x->acc, x->mean);
        eco_water_classify(x->mean, (eco_water_body_t)wb, set, &x->res);
        if (x->nsamples < min_n) { /* too few samples for a period value: no class, left out of groups */
            memset(&x->res, 0, sizeof x->res);
            x->few = 1;
        }
        x->cwqi = eco_water_cwqi(x->mean, (eco_water_body_t)wb, set);
        if (x->cwqi == 0 || x->few) x->cwqi = NAN; /* no item, or too few samples: no index */
        if (drinking) { /* 达标: basic class Ⅲ or better and no Table 2/3 item over its limit (period means) */
            for (int j = 0; j < nx; j++)
                if (x->xn && x->xn[j] && x->xsum[j] / x->xn[j] > xs[j].limit) x->xexceed++;
            x->src_ok = eco_water_source_compliant(x->res.cls, x->xexceed);
        }
    }

    char buf[512], lab[64];
    cli_table_t t;
    int io = 0;
    if (!by) {
        const char *cols[20 + ECO_W_NITEMS];
        char mcol[ECO_W_NITEMS][24];
        int nc = 0, icol[ECO_W_NITEMS], ni = 0;
        const char *fixed[] = {"section", "period", "samples", "class", "status", "class_items", "exceed",
                               "target_class", "compliant", "prev_class", "change", "cwqi", "cwqi_rank"};
        for (size_t q = 0; q < sizeof fixed / sizeof *fixed; q++) cols[nc++] = fixed[q];
        if (drinking) {
            cols[nc++] = "extra_exceed";
            cols[nc++] = "source_compliant";
            cols[nc++] = "volume";
        }
        for (int i = 0; i < ECO_W_NITEMS; i++)
            if (col_item[i] >= 0) {
                snprintf(mcol[ni], sizeof mcol[ni], "mean_%s", eco_water_items[i].key);
                cols[nc++] = mcol[ni];
                icol[ni++] = i;
            }
        char badcol[64];
        if (columns && tbl_check_columns(cols, nc, columns, badcol, sizeof badcol)) {
            rc = cli_usage_error(C, "--columns: no column '%s'", badcol);
            goto done;
        }
        qsort(cells.v, cells.n, sizeof *cells.v, cmp_cell);
        if (cwqi_ranks(cells.v, cells.n) < 0) goto oom;
        /* the map indexes are stale after sorting: rebuild */
        eco_map_free(&cells.map);
        eco_map_init(&cells.map);
        for (size_t k = 0; k < cells.n; k++) {
            int kn = snprintf(buf, sizeof buf, "%u:%d", cells.v[k].ent, cells.v[k].key);
            if (eco_map_put(&cells.map, (eco_slice_t){buf, (size_t)kn}) < 0) goto oom;
        }
        tbl_begin_sel(&t, stdout, fmt, cols, nc, columns);
        for (size_t k = 0; k < cells.n; k++) {
            cell_t *x = &cells.v[k];
            tbl_row_begin(&t);
            tbl_str(&t, eco_map_key(&smap, x->ent));
            period_label(ptype, x->key, range_text, lab, sizeof lab);
            tbl_str(&t, lab);
            tbl_int(&t, x->nsamples);
            tbl_str(&t, eco_water_class_name(x->res.cls));
            tbl_str(&t, x->few ? "样本不足" : eco_water_class_status(x->res.cls));
            tbl_str(&t, eco_water_items_str(x->res.deciding, buf, sizeof buf));
            tbl_str(&t, eco_water_main_str(&x->res, buf, sizeof buf));
            int tg = info[x->ent].target;
            tbl_str(&t, eco_water_class_name(tg));
            tbl_str(&t, tg && x->res.cls ? (x->res.cls <= tg ? "Y" : "N") : NULL);
            int32_t pk = prev_key(ptype, x->key);
            cell_t *p = pk == INT32_MIN ? NULL : cell_get(&cells, x->ent, pk, 0);
            tbl_str(&t, p ? eco_water_class_name(p->res.cls) : NULL);
            tbl_str(&t, p ? change_of_classes(x->res.cls, p->res.cls) : NULL);
            tbl_num(&t, eco_water_round(x->cwqi, 2), 2);
            if (x->cwqi_rank) tbl_int(&t, x->cwqi_rank);
            else tbl_null(&t);
            if (drinking) {
                size_t bl = 0;
                buf[0] = 0;
                for (int j = 0; j < nx && x->xn; j++) {
                    if (!x->xn[j]) continue;
                    double m = x->xsum[j] / x->xn[j];
                    if (!(m > xs[j].limit)) continue;
                    int w = snprintf(buf + bl, sizeof buf - bl, "%s%s %.4g(%.2f)", bl ? ";" : "", xs[j].name, m,
                                     xs[j].limit > 0 ? m / xs[j].limit - 1 : 0);
                    if (w < 0 || (size_t)w >= sizeof buf - bl) break;
                    bl += (size_t)w;
                }
                tbl_str(&t, buf);
                tbl_str(&t, x->src_ok < 0 ? NULL : x->src_ok ? "Y" : "N");
                tbl_num(&t, info[x->ent].volume, 2);
            }
            for (int q = 0; q < ni; q++) {
                int i = icol[q];
                tbl_num(&t, x->mean[i], i == ECO_W_PH ? 2 : i == ECO_W_TP ? 3 : 3);
            }
            tbl_row_end(&t);
        }
        io = tbl_end(&t); /* inside the block: the table points at cols */
    } else {
        /* ---- groups */
        eco_water_acc_t *gacc = NULL;
        size_t ngacc = 0;
        for (size_t k = 0; k < cells.n; k++) {
            cell_t *x = &cells.v[k];
            int32_t g = info[x->ent].group[by - 1];
            if (g < 0 || !x->res.cls) continue;
            cell_t *y = cell_get(&groups, (uint32_t)g, x->key, 1);
            if (!y) goto oom;
            if (groups.n > ngacc) {
                eco_water_acc_t *na = realloc(gacc, groups.cap * sizeof *na);
                if (!na) {
                    free(gacc);
                    goto oom;
                }
                for (size_t q = ngacc; q < groups.cap; q++) eco_water_acc_init(&na[q]);
                gacc = na, ngacc = groups.cap;
            }
            y->counts[x->res.cls]++;
            y->nsamples++;
            if (info[x->ent].wb == ECO_WB_LAKE) y->nlake++;
            for (int i = 0; i < ECO_W_NITEMS; i++)
                if ((set & ECO_WBIT(i)) && x->res.item_cls[i] > 3) y->nexceed[i]++;
            if (info[x->ent].target) {
                y->ntarget++;
                if (x->res.cls <= info[x->ent].target) y->ncompliant++;
            }
            if (x->cwqi == x->cwqi) { /* 51号: the group's item means per water type, weighted by sections */
                if (!y->cq) {
                    if (!(y->cq = malloc(sizeof *y->cq))) goto oom;
                    eco_water_cwqi_acc_init(y->cq);
                }
                eco_water_cwqi_acc_add(y->cq, x->mean, (eco_water_body_t)(info[x->ent].wb >= 0 ? info[x->ent].wb : wb_default));
            }
            if (drinking && x->src_ok >= 0) {
                double vol = info[x->ent].volume;
                y->nsrc++;
                y->nsrc_ok += x->src_ok;
                if (vol == vol) {
                    y->vol += vol;
                    if (x->src_ok) y->vol_ok += vol;
                }
            }
            /* the small-count rule: the mean over sections of their period means */
            eco_water_acc_add(&gacc[y - groups.v], x->mean);
        }
        for (size_t k = 0; k < groups.n; k++) {
            cell_t *y = &groups.v[k];
            eco_water_acc_mean(&gacc[k], y->mean);
            eco_water_classify(y->mean, y->nlake * 2 > (int)y->nsamples ? ECO_WB_LAKE : ECO_WB_RIVER, set, &y->res);
            eco_water_shares(y->counts, share_min, y->res.cls, &y->sh);
            y->cwqi = y->cq ? eco_water_cwqi_acc_value(y->cq, set) : NAN;
            free(y->cq);
            y->cq = NULL;
        }
        free(gacc);
        if (cwqi_ranks(groups.v, groups.n) < 0) goto oom;
        const char *cols[] = {"entity",        "period",     "sections",     "n_I",          "n_II",
                              "n_III",         "n_IV",       "n_V",          "n_worse_V",    "share_I_III",
                              "share_worse_V", "method",     "mean_class",   "grade",        "main_pollutants",
                              "target_sections", "compliant_sections", "compliance_rate", "prev_share_I_III",
                              "prev_share_worse_V", "change", "cwqi", "cwqi_rank",
                              "sources", "compliant_sources", "rate_by_count", "volume", "volume_compliant",
                              "rate_by_volume"};
        int nc = (int)(sizeof cols / sizeof *cols) - (drinking ? 0 : 6);
        char badcol[64];
        if (columns && tbl_check_columns(cols, nc, columns, badcol, sizeof badcol)) {
            rc = cli_usage_error(C, "--columns: no column '%s'", badcol);
            goto done;
        }
        /* sort an index, not the cells: the map points into groups.v */
        size_t *ord = malloc((groups.n + 1) * sizeof *ord);
        if (!ord) goto oom;
        for (size_t k = 0; k < groups.n; k++) ord[k] = k;
        for (size_t a = 1; a < groups.n; a++) /* insertion sort: groups are few */
            for (size_t b = a; b > 0 && cmp_cell(&groups.v[ord[b - 1]], &groups.v[ord[b]]) > 0; b--) {
                size_t tmp = ord[b];
                ord[b] = ord[b - 1], ord[b - 1] = tmp;
            }
        tbl_begin_sel(&t, stdout, fmt, cols, nc, columns);
        for (size_t o = 0; o < groups.n; o++) {
            cell_t *y = &groups.v[ord[o]];
            tbl_row_begin(&t);
            const char *gk = eco_map_key(&gmap, y->ent);
            const char *sep = strchr(gk, '\x1f');
            tbl_str(&t, sep ? sep + 1 : gk);
            period_label(ptype, y->key, range_text, lab, sizeof lab);
            tbl_str(&t, lab);
            tbl_int(&t, y->sh.n);
            for (int cl = 1; cl <= 6; cl++) tbl_int(&t, y->counts[cl]);
            tbl_num(&t, eco_water_round(y->sh.share_1_3, 1), 1);
            tbl_num(&t, eco_water_round(y->sh.share_worse_v, 1), 1);
            tbl_str(&t, y->sh.share_method ? "share" : "mean");
            tbl_str(&t, eco_water_class_name(y->res.cls));
            tbl_str(&t, eco_water_grade_name(y->sh.grade));
            if (y->sh.share_method) group_main(y, buf, sizeof buf);
            else eco_water_main_str(&y->res, buf, sizeof buf);
            tbl_str(&t, buf);
            tbl_int(&t, y->ntarget);
            tbl_int(&t, y->ncompliant);
            tbl_num(&t, y->ntarget ? eco_water_round(100.0 * y->ncompliant / y->ntarget, 1) : NAN, 1);
            int32_t pk = prev_key(ptype, y->key);
            cell_t *p = pk == INT32_MIN ? NULL : cell_get(&groups, y->ent, pk, 0);
            tbl_num(&t, p ? eco_water_round(p->sh.share_1_3, 1) : NAN, 1);
            tbl_num(&t, p ? eco_water_round(p->sh.share_worse_v, 1) : NAN, 1);
            tbl_str(&t, p ? eco_water_change_name(eco_water_change(y->sh.share_1_3, y->sh.share_worse_v,
                                                                   p->sh.share_1_3, p->sh.share_worse_v))
                          : NULL);
            tbl_num(&t, eco_water_round(y->cwqi, 2), 2);
            if (y->cwqi_rank) tbl_int(&t, y->cwqi_rank);
            else tbl_null(&t);
            if (drinking) {
                tbl_int(&t, y->nsrc);
                tbl_int(&t, y->nsrc_ok);
                tbl_num(&t, eco_water_round(eco_water_rate(y->nsrc_ok, y->nsrc), 1), 1);
                tbl_num(&t, y->vol > 0 ? y->vol : NAN, 2);
                tbl_num(&t, y->vol > 0 ? y->vol_ok : NAN, 2);
                tbl_num(&t, eco_water_round(eco_water_rate(y->vol_ok, y->vol), 1), 1);
            }
            tbl_row_end(&t);
        }
        free(ord);
        io = tbl_end(&t);
    }
    if (io) {
        eco_log_error("writing output failed");
        rc = EXIT_RUNTIME;
    }
    goto done;
oom:
    eco_log_error("out of memory");
    rc = EXIT_RUNTIME;
done:
    if (csv_open) eco_csv_close(&csv);
    if (f && f != stdin) fclose(f);
    free(info);
    for (size_t k = 0; k < cells.n; k++) free(cells.v[k].xsum), free(cells.v[k].xn);
    for (size_t k = 0; k < groups.n; k++) free(groups.v[k].cq); /* set only while grouping (out of memory) */
    free(cells.v);
    free(groups.v);
    eco_map_free(&cells.map);
    eco_map_free(&groups.map);
    eco_map_free(&smap);
    eco_map_free(&gmap);
    return rc;
#undef GROW_INFO
}
