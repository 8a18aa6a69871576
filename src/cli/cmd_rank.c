/* cmd_rank.c — `ecobrain rank`: cities, counties or sites ranked by an index over a period.
 *
 * Why a face over two engines: a built-in index is src/brain's
 * eco_rank_report over the HJ 663 statistics (composite index, PM2.5 mean,
 * good-day ratio — the figures `air assess` prints) of the hourly CSV
 * (--input, through air_assess_collect) or of the store's values read into
 * arrays (--data, eco_store_air_grid): the same report GET /api/v1/rankings
 * serves. A custom index comes from a table of indicator values the user
 * supplies; the ranking rules (ties on published values, change rates, the
 * exemption of entities that meet every standard from the worsening list,
 * normalisation and weights) are src/brain/rank.c. Nothing is computed here
 * that an engine computes.
 *
 * Indices:
 *   composite          综合指数 (lower is better), 2 decimals, change vs the same period a year earlier
 *   composite-change   its change rate in % (lower is better); entities meeting every grade-2
 *                      limit are not ranked when they worsened (城市环境空气质量变化程度排名方案)
 *   pm2_5              PM2.5 mean, integer µg/m³ (lower is better)
 *   good-days          good-day ratio in %, 1 decimal (higher is better)
 *   NAME               a custom index defined in --config FILE, values from --input (entity,period,<indicators>)
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "air/assess.h"
#include "air/grid.h"
#include "air_source.h"
#include "water_input.h"
#include "brain/airdays.h"
#include "brain/rank.h"
#include "cli.h"
#include "core/error.h"
#include "store/store.h"

typedef struct ent {
    char name[96];
    double value, prev, change;
    unsigned char exempt;
    int rank, change_rank, prev_rank;
    double *sub;                /* normalised indicator scores */
} ent_t;

typedef struct rank_ctx {     /* a custom index's entities of one period */
    ent_t *e;
    size_t n, cap;
    int oom;
} rank_ctx_t;

static ent_t *ent_push(rank_ctx_t *x, const char *name)
{
    if (x->n == x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 64;
        ent_t *ne = realloc(x->e, nc * sizeof *ne);
        if (!ne) {
            x->oom = 1;
            return NULL;
        }
        x->e = ne;
        x->cap = nc;
    }
    ent_t *e = &x->e[x->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->value = e->prev = e->change = NAN;
    return e;
}

static double round_to(double v, int d)
{
    if (!isfinite(v)) return v;
    double m = pow(10, d);
    return round(v * m) / m;
}

/* ------------------------------------------------------------------ custom index input */

static int read_custom(const char *path, const eco_index_def_t *d, const char *period, rank_ctx_t *cur,
                       rank_ctx_t *prev, char *prev_label, size_t plen)
{
    cli_csv_t in;
    int r = cli_csv_open(&in, path);
    if (r) return r;
    int col_ent = -1, col_per = -1, col_ind[ECO_INDEX_MAX_IND];
    for (int k = 0; k < d->nind; k++) col_ind[k] = -1;
    for (size_t i = 0; i < in.ncols; i++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in.csv, i));
        if (eco_slice_ieq(h, "entity") || eco_slice_ieq(h, "city") || eco_slice_ieq(h, "county")) col_ent = (int)i;
        else if (eco_slice_ieq(h, "period")) col_per = (int)i;
        else
            for (int k = 0; k < d->nind; k++)
                if (eco_slice_eq(h, d->ind[k].name)) col_ind[k] = (int)i;
    }
    if (col_ent < 0 || col_per < 0) {
        fprintf(stderr, "ecobrain rank: %s:1: columns 'entity' and 'period' are required\n", in.name);
        cli_csv_close(&in);
        return EXIT_USAGE;
    }
    for (int k = 0; k < d->nind; k++)
        if (col_ind[k] < 0) {
            fprintf(stderr, "ecobrain rank: %s:1: no column for indicator '%s' of the index\n", in.name, d->ind[k].name);
            cli_csv_close(&in);
            return EXIT_USAGE;
        }
    /* first pass over the rows: the latest period label before the one wanted */
    char best[64] = "";
    typedef struct row {
        char ent[96], per[64];
        double v[ECO_INDEX_MAX_IND];
    } row_t;
    row_t *rows = NULL;
    size_t nr = 0, cr = 0;
    int bad = 0;
    while (cli_csv_next(&in)) {
        if (nr == cr) {
            cr = cr ? cr * 2 : 256;
            row_t *nrows = realloc(rows, cr * sizeof *rows);
            if (!nrows) {
                free(rows);
                cli_csv_close(&in);
                return EXIT_RUNTIME;
            }
            rows = nrows;
        }
        row_t *w = &rows[nr];
        eco_slice_t en = eco_slice_trim(eco_csv_field(&in.csv, (size_t)col_ent));
        eco_slice_t pe = eco_slice_trim(eco_csv_field(&in.csv, (size_t)col_per));
        snprintf(w->ent, sizeof w->ent, "%.*s", (int)en.len, en.ptr);
        snprintf(w->per, sizeof w->per, "%.*s", (int)pe.len, pe.ptr);
        int ok = 1;
        for (int k = 0; k < d->nind; k++) {
            eco_slice_t f = eco_slice_trim(eco_csv_field(&in.csv, (size_t)col_ind[k]));
            if (f.len == 0 || eco_slice_eq(f, "NA") || eco_slice_eq(f, "-")) w->v[k] = NAN;
            else if (eco_slice_to_double(f, &w->v[k]) < 0) {
                fprintf(stderr, "ecobrain rank: %s:%zu: %s '%.*s' is not a number; row skipped\n", in.name,
                        eco_csv_line(&in.csv), d->ind[k].name, (int)f.len, f.ptr);
                ok = 0;
                bad = 1;
                break;
            }
        }
        if (!ok) continue;
        if (strcmp(w->per, period) < 0 && strcmp(w->per, best) > 0) snprintf(best, sizeof best, "%s", w->per);
        nr++;
    }
    int malformed = in.records_bad > 0 || in.failed;
    cli_csv_close(&in);
    snprintf(prev_label, plen, "%s", best);
    for (int pass = 0; pass < 2; pass++) {
        rank_ctx_t *x = pass ? prev : cur;
        const char *want = pass ? best : period;
        if (!*want) continue;
        size_t n0 = x->n;
        for (size_t i = 0; i < nr; i++)
            if (!strcmp(rows[i].per, want)) ent_push(x, rows[i].ent);
        size_t m = x->n - n0;
        double *vals = malloc((m ? m : 1) * (size_t)d->nind * sizeof *vals);
        double *score = malloc((m ? m : 1) * sizeof *score);
        double *sub = malloc((m ? m : 1) * (size_t)d->nind * sizeof *sub);
        if (!vals || !score || !sub || x->oom) {
            free(vals);
            free(score);
            free(sub);
            free(rows);
            return EXIT_RUNTIME;
        }
        size_t j = 0;
        for (size_t i = 0; i < nr; i++)
            if (!strcmp(rows[i].per, want)) memcpy(vals + j++ * (size_t)d->nind, rows[i].v, (size_t)d->nind * sizeof *vals);
        eco_index_score(d, vals, m, score, sub);
        for (size_t k = 0; k < m; k++) {
            x->e[n0 + k].value = score[k];
            x->e[n0 + k].sub = pass ? NULL : malloc((size_t)d->nind * sizeof(double));
            if (x->e[n0 + k].sub) memcpy(x->e[n0 + k].sub, sub + k * (size_t)d->nind, (size_t)d->nind * sizeof(double));
        }
        free(vals);
        free(score);
        free(sub);
    }
    free(rows);
    return (bad || malformed) ? -1 : 0;
}

/* ------------------------------------------------------------------ entry */

static void usage(FILE *f)
{
    fputs("Usage: ecobrain rank --index composite|composite-change|pm2_5|good-days|cwqi --period P\n"
          "                     --input HOURLY.csv | --data DIR  [--sites SITES.csv] [--by city|county|site|province]\n"
          "                     [--hour-label end|start] [--edition auto|2012|2026]\n"
          "                     [--top N] [--format csv|json|text] [--lang zh|en]\n"
          "       ecobrain rank --index NAME --config INDEX.ini --period P --input VALUES.csv [...]\n"
          "\n"
          "Rank entities by an index over one period: P is a year (2026), a quarter (2026-Q1), a month\n"
          "(2026-03) or FROM..TO. Air indices come from the HJ 663 assessment of the hourly input (the\n"
          "format of `air assess`) or from the store (--data: hour records of the air sites, cities from\n"
          "the site catalogue), compared with the same period a year earlier. Rank 1 is best; entities\n"
          "equal at the published precision share a rank (1, 2, 2, 4); no value: unranked (rank empty).\n"
          "  composite          综合指数, lower is better; change = its change rate (%)\n"
          "  composite-change   the change rate itself, lower is better; entities meeting every grade-2\n"
          "                     limit are left out of the ranking when they worsened\n"
          "  pm2_5              PM2.5 mean (µg/m³), lower is better\n"
          "  good-days          good-day ratio (%), higher is better; change in percentage points\n"
          "  cwqi               城市水质指数 of surface-water sections (环办监测〔2017〕51号), lower is better:\n"
          "                     a section's from its period means, a city's the mean of its sections';\n"
          "                     samples from --input SAMPLES.csv (as `water assess` reads them) with\n"
          "                     --sections SECTIONS.csv (site, city, county, province, waterbody), or the\n"
          "                     store's water sections (--data)\n"
          "A custom index (--config, docs/rank.md) reads VALUES.csv (entity,period,<one column per\n"
          "indicator>), scores 0-100 and compares with the latest earlier period in the file.\n"
          "Columns: rank,entity,value,prev_value,change,change_rank (custom: prev_rank, rank_change and\n"
          "each indicator's score). --top N keeps the best and the worst N (text: two lists).\n",
          f);
}

static int rank_builtin(eco_rank_index_t ix, const char *period, const char *input, const char *data, const char *sites,
                        const char *by, const char *hl, const char *ed, const char *lang, int fmt, int top);
static int rank_custom(const char *index, const char *period, const char *input, const char *by, const char *config,
                       const char *lang, int fmt, int top);

static int rank_water(eco_rank_index_t ix, const char *period, const char *input, const char *data,
                      const char *sections, const char *by, const char *lang, int fmt, int top);
static int print_rows(eco_rank_index_t ix, const char *period, const char *by, const char *lang, int fmt, int top,
                      eco_rank_row_t *rows, size_t n, int rc);

static int cmp_order(const void *a, const void *b)
{
    const ent_t *x = a, *y = b;
    if ((x->rank == 0) != (y->rank == 0)) return x->rank == 0 ? 1 : -1;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    return strcmp(x->name, y->name);
}

int cmd_rank(int argc, char **argv)
{
    static const struct option opts[] = {
        {"index", required_argument, 0, 'i'},      {"period", required_argument, 0, 'p'},
        {"input", required_argument, 0, 'I'},      {"sites", required_argument, 0, 's'},
        {"by", required_argument, 0, 'b'},         {"hour-label", required_argument, 0, 'l'},
        {"edition", required_argument, 0, 'e'},    {"config", required_argument, 0, 'c'},
        {"top", required_argument, 0, 't'},        {"format", required_argument, 0, 'f'},
        {"lang", required_argument, 0, 'L'},       {"data", required_argument, 0, 'd'},
        {"sections", required_argument, 0, 'S'},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *index = NULL, *period = NULL, *input = NULL, *sites = NULL, *by = "city", *hl = NULL, *ed = NULL,
               *config = NULL, *lang = "zh", *data = NULL, *sections = NULL;
    int fmt = TBL_CSV, top = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': index = optarg; break;
        case 'p': period = optarg; break;
        case 'I': input = optarg; break;
        case 's': sites = optarg; break;
        case 'b': by = optarg; break;
        case 'l': hl = optarg; break;
        case 'e': ed = optarg; break;
        case 'c': config = optarg; break;
        case 't':
            top = atoi(optarg);
            if (top < 1) return cli_usage_error("rank", "--top takes a positive number");
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt, 1)) return cli_usage_error("rank", "--format csv, json or text");
            break;
        case 'L':
            if (strcmp(optarg, "zh") && strcmp(optarg, "en")) return cli_usage_error("rank", "--lang zh or en");
            lang = optarg;
            break;
        case 'd': data = optarg; break;
        case 'S': sections = optarg; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("rank", "unknown option");
        }
    }
    if (optind < argc) return cli_usage_error("rank", "unexpected argument '%s'", argv[optind]);
    if (!index || !period) return cli_usage_error("rank", "--index and --period are required");
    eco_rank_index_t ix;
    if (sections && !(eco_rank_index_parse(index, &ix) == 0 && ix == ECO_RIX_CWQI && input))
        return cli_usage_error("rank", "--sections goes with --index cwqi --input SAMPLES.csv");
    if (eco_rank_index_parse(index, &ix) == 0 && ix == ECO_RIX_CWQI) {
        if (!input && !data) return cli_usage_error("rank", "--input SAMPLES.csv or --data DIR is required");
        if (sites || hl || ed) return cli_usage_error("rank", "--sites, --hour-label and --edition are for the air indices");
        return rank_water(ix, period, input, input ? NULL : data, sections, by, lang, fmt, top);
    }
    if (eco_rank_index_parse(index, &ix) == 0) {
        if (!input && !data) return cli_usage_error("rank", "--input FILE or --data DIR is required");
        if (!input && (sites || hl))
            return cli_usage_error("rank", "%s is for --input: the store has the cities of its catalogue and each "
                                           "hour's start", sites ? "--sites" : "--hour-label");
        return rank_builtin(ix, period, input, input ? NULL : data, sites, by, hl, ed, lang, fmt, top);
    }
    if (!input) {
        if (data) return cli_usage_error("rank", "a custom index reads its values from --input");
        return cli_usage_error("rank", "--input FILE or --data DIR is required");
    }
    return rank_custom(index, period, input, by, config, lang, fmt, top);
}

/* a built-in index: eco_rank_report over the CSV's or the store's statistics */
static int rank_builtin(eco_rank_index_t ix, const char *period, const char *input, const char *data, const char *sites,
                        const char *by, const char *hl, const char *ed, const char *lang, int fmt, int top)
{
    eco_day_t from, to;
    int range;
    if (eco_rank_period_parse(period, &from, &to, &range) < 0)
        return cli_usage_error("rank", "--period '%s': YYYY, YYYY-Qn, YYYY-MM or FROM..TO", period);
    if (strcmp(by, "city") && strcmp(by, "county") && strcmp(by, "site") && strcmp(by, "province"))
        return cli_usage_error("rank", "--by city, county, site or province, not '%s'", by);
    const char *basis = "date";
    if (ed && strcmp(ed, "auto")) {
        if (strcmp(ed, "2012") && strcmp(ed, "2026")) return cli_usage_error("rank", "--edition auto, 2012 or 2026");
        basis = ed;
    }
    cli_air_csv_t *csv = calloc(1, sizeof *csv);
    if (!csv) return EXIT_RUNTIME;
    csv->cmd = "rank";
    csv->input = input;
    csv->sites = sites;
    csv->hl = hl;
    eco_airdays_t *days = NULL;
    eco_store_t *st = NULL;
    int have_grid = 0, nodata = 0;
    if (data) { /* the year before and the period: the store's cached days (src/brain/airdays.h) */
        int r0 = cli_store_open("rank", data, 1, &st);
        if (r0) {
            free(csv);
            return r0;
        }
        eco_err_t err;
        eco_err_clear(&err);
        int r = eco_airdays_open(&days, st, eco_rank_year_before(from), to, &err);
        if (r == ECO_ENODATA) {
            nodata = 1;
        } else if (r < 0) {
            fprintf(stderr, "ecobrain rank: %s: %s\n", data, err.msg);
            eco_store_close(st);
            free(csv);
            return EXIT_RUNTIME;
        } else {
            have_grid = 1;
            cli_airdays_note("rank", days);
        }
    }
    eco_rank_row_t *rows = NULL;
    size_t n = 0;
    int rc = 0;
    if (!nodata) {
        eco_tgt_source_t src = have_grid ? eco_airdays_source(days) : cli_air_csv_source(csv);
        int r = eco_rank_report(&src, ix, by, basis, from, to, &rows, &n);
        rc = cli_air_csv_status(csv);
        if (r < 0 && !csv->exit) fprintf(stderr, "ecobrain rank: %s\n", eco_strerror(r));
        if (r < 0) rc = csv->exit ? csv->exit : EXIT_RUNTIME;
        if (rc == EXIT_RUNTIME || r < 0) {
            free(rows);
            cli_air_csv_free(csv);
            free(csv);
            eco_airdays_close(days);
            eco_store_close(st);
            return rc;
        }
    }
    cli_air_csv_free(csv);
    free(csv);
    eco_airdays_close(days);
    eco_store_close(st);
    return print_rows(ix, period, by, lang, fmt, top, rows, n, rc);
}

/* rows (freed here) as the table of a built-in index */
static int print_rows(eco_rank_index_t ix, const char *period, const char *by, const char *lang, int fmt, int top,
                      eco_rank_row_t *rows, size_t n, int rc)
{
    const eco_rank_index_info_t *in = eco_rank_index_info(ix);
    int en = !strcmp(lang, "en");
    if (n == 0) {
        free(rows);
        fprintf(stderr, "ecobrain rank: no %s has data for period %s\n", by, period);
        return rc ? rc : EXIT_USAGE;
    }
    static const char *const cols[] = {"rank", "entity", "value", "prev_value", "change", "change_rank", "meets_all"};
    if (fmt == TBL_TEXT)
        printf("%s — %s %s, %s %s\n", en ? "Ranking" : "排名", en ? in->en : in->zh, period, en ? "by" : "按", by);
    cli_table_t t;
    tbl_begin(&t, stdout, fmt, cols, 7);
    for (size_t i = 0; i < n; i++) {
        const eco_rank_row_t *e = &rows[i];
        if (!eco_rank_keep(rows, n, i, top)) continue; /* --top N: the best N ranks and the last N places */
        tbl_row_begin(&t);
        if (e->rank) tbl_int(&t, e->rank);
        else tbl_null(&t);
        tbl_str(&t, e->entity);
        tbl_num(&t, e->value, in->decimals);
        tbl_num(&t, e->prev, ix == ECO_RIX_COMPOSITE_CHANGE ? 2 : in->decimals);
        tbl_num(&t, e->change, 1);
        if (e->change_rank) tbl_int(&t, e->change_rank);
        else tbl_null(&t);
        if (ix == ECO_RIX_CWQI) tbl_null(&t); /* an air notion */
        else tbl_str(&t, e->meets_all ? "yes" : "no");
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    free(rows);
    return io ? EXIT_RUNTIME : rc;
}

/* CWQI: the water samples of the CSV (with --sections) or of the store's water sections */
static int rank_water(eco_rank_index_t ix, const char *period, const char *input, const char *data,
                      const char *sections, const char *by, const char *lang, int fmt, int top)
{
    eco_day_t from, to;
    int range;
    if (eco_rank_period_parse(period, &from, &to, &range) < 0)
        return cli_usage_error("rank", "--period '%s': YYYY, YYYY-Qn, YYYY-MM or FROM..TO", period);
    if (strcmp(by, "city") && strcmp(by, "county") && strcmp(by, "site") && strcmp(by, "province"))
        return cli_usage_error("rank", "--by city, county, site or province, not '%s'", by);
    eco_tgt_source_t src = {0};
    cli_water_t w;
    cli_water_init(&w);
    eco_store_t *st = NULL;
    int rc = 0;
    if (input) {
        rc = sections ? cli_water_sections(&w, sections) : 0;
        if (!rc) rc = cli_water_read(&w, input, ECO_TGT_W_SURFACE);
        if (!rc) cli_water_attach(&w, &src);
    } else {
        rc = cli_store_open("rank", data, 1, &st);
        if (!rc) {
            eco_err_t err;
            eco_err_clear(&err);
            if (eco_store_water_source(st, &src, &err) < 0) {
                fprintf(stderr, "ecobrain rank: %s: %s\n", data, err.msg);
                rc = EXIT_RUNTIME;
            }
        }
    }
    eco_rank_row_t *rows = NULL;
    size_t n = 0;
    if (!rc) {
        int r = eco_rank_report(&src, ix, by, "date", from, to, &rows, &n);
        if (r < 0) {
            const char *m = st ? eco_store_water_error(&src) : "";
            fprintf(stderr, "ecobrain rank: %s%s%s\n", eco_strerror(r), m[0] ? ": " : "", m);
            rc = EXIT_RUNTIME;
        }
    }
    if (st) {
        eco_store_water_source_free(&src);
        eco_store_close(st);
    }
    cli_water_free(&w);
    if (rc) {
        free(rows);
        return rc;
    }
    return print_rows(ix, period, by, lang, fmt, top, rows, n, 0);
}

/* a custom index: scores of the entities of the period and of the latest earlier one in VALUES.csv */
static int rank_custom(const char *index, const char *period, const char *input, const char *by, const char *config,
                       const char *lang, int fmt, int top)
{
    rank_ctx_t x, xp;
    memset(&x, 0, sizeof x);
    memset(&xp, 0, sizeof xp);
    int en = !strcmp(lang, "en");
    eco_index_def_t def;
    char prev_label[64] = "";
    int rc = 0;
    eco_rank_dir_t dir = ECO_HIGHER_IS_BETTER;
    int dec = 2;
    if (!config) return cli_usage_error("rank", "index '%s' is not built in: give its definition with --config", index);
    char msg[300];
    if (eco_index_load(&def, config, msg, sizeof msg) < 0) {
        fprintf(stderr, "ecobrain rank: %s\n", msg);
        return EXIT_USAGE;
    }
    if (strcmp(index, def.name) && strcmp(index, "custom"))
        fprintf(stderr, "ecobrain rank: note: --index '%s', the definition is named '%s'\n", index, def.name);
    const char *title = def.name;
    int r = read_custom(input, &def, period, &x, &xp, prev_label, sizeof prev_label);
    if (r > 0) return r;
    if (r < 0) rc = EXIT_USAGE;
    if (x.n == 0) {
        fprintf(stderr, "ecobrain rank: no %s has data for period %s\n", by, period);
        return rc ? rc : EXIT_USAGE;
    }
    /* ranks */
    double *v = malloc(x.n * sizeof *v);
    int *rk = malloc(x.n * sizeof *rk);
    if (!v || !rk) {
        free(v), free(rk);
        return EXIT_RUNTIME;
    }
    for (size_t i = 0; i < x.n; i++) v[i] = x.e[i].value;
    eco_rank(v, x.n, dir, dec, rk, NULL);
    for (size_t i = 0; i < x.n; i++) x.e[i].rank = rk[i];
    /* the previous period's ranks and the change in score and in rank */
    double *pv = malloc((xp.n ? xp.n : 1) * sizeof *pv);
    int *prk = malloc((xp.n ? xp.n : 1) * sizeof *prk);
    if (pv && prk && xp.n) {
        for (size_t i = 0; i < xp.n; i++) pv[i] = xp.e[i].value;
        eco_rank(pv, xp.n, dir, dec, prk, NULL);
        for (size_t i = 0; i < x.n; i++)
            for (size_t j = 0; j < xp.n; j++)
                if (!strcmp(x.e[i].name, xp.e[j].name)) {
                    x.e[i].prev = xp.e[j].value;
                    x.e[i].prev_rank = prk[j];
                    x.e[i].change = round_to(x.e[i].value, 2) - round_to(xp.e[j].value, 2);
                }
    }
    free(pv);
    free(prk);
    qsort(x.e, x.n, sizeof *x.e, cmp_order);

    /* output */
    const char *cols[8 + ECO_INDEX_MAX_IND];
    int nc = 0;
    cols[nc++] = "rank";
    cols[nc++] = "entity";
    cols[nc++] = "value";
    cols[nc++] = "prev_value";
    cols[nc++] = "change";
    cols[nc++] = "prev_rank";
    cols[nc++] = "rank_change";
    for (int k = 0; k < def.nind; k++) cols[nc++] = def.ind[k].name;
    if (fmt == TBL_TEXT)
        printf("%s — %s %s, %s %s%s%s\n", en ? "Ranking" : "排名", title, period, en ? "by" : "按", by,
               *prev_label ? (en ? ", compared with " : "，对比 ") : "", prev_label);
    cli_table_t t;
    tbl_begin(&t, stdout, fmt, cols, nc);
    size_t nranked = 0;
    for (size_t i = 0; i < x.n; i++) nranked += x.e[i].rank > 0;
    for (size_t i = 0; i < x.n; i++) {
        const ent_t *e = &x.e[i];
        /* --top N: the best N ranks (ties included) and the last N places */
        if (top && (e->rank == 0 || (e->rank > top && i + (size_t)top < nranked))) continue;
        tbl_row_begin(&t);
        if (e->rank) tbl_int(&t, e->rank);
        else tbl_null(&t);
        tbl_str(&t, e->name);
        tbl_num(&t, e->value, dec);
        tbl_num(&t, e->prev, dec);
        tbl_num(&t, e->change, 2);
        if (e->prev_rank) tbl_int(&t, e->prev_rank);
        else tbl_null(&t);
        if (e->prev_rank && e->rank) tbl_int(&t, e->prev_rank - e->rank);
        else tbl_null(&t);
        for (int k = 0; k < def.nind; k++) tbl_num(&t, e->sub ? e->sub[k] : NAN, 1);
        tbl_row_end(&t);
    }
    int io = tbl_end(&t);
    for (size_t i = 0; i < x.n; i++) free(x.e[i].sub);
    free(x.e);
    free(xp.e);
    free(v), free(rk);
    return io ? EXIT_RUNTIME : rc;
}
