/* water_input.c — water samples from CSV files for `targets report` and `rank --index cwqi`.
 *
 * Why one reader for three files: the plan's water targets need surface
 * sections (--water-input), drinking-water sources (--drinking-input) and
 * groundwater wells (--groundwater-input); each file is one sample per row
 * with a site column, a time column and item columns — the headers `water
 * assess` and `groundwater assess` accept (keys, CNEMC Chinese names, HJ 212
 * codes; "0.01L" / "<0.01" below the detection limit as half of it). An
 * optional --sections file gives each site's city, county, province and
 * waterbody (and lists sites that have no sample yet, which the completeness
 * counts). Rows are kept in memory (one array of doubles a sample); a bad row
 * is named by file:line and skipped, the rest kept.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"
#include "standards/groundwater.h"
#include "standards/sea.h"
#include "standards/water.h"
#include "store/store.h"
#include "water_input.h"

int water_item_of_header(eco_slice_t h);
int water_parse_value(eco_slice_t s, double *out);
int water_body_of(eco_slice_t s);
int gw_item_of_header(eco_slice_t h);
int gw_parse_value(int item, eco_slice_t s, double *out);
int sea_item_of_header(eco_slice_t h);
int sea_parse_value(eco_slice_t s, double *out);

static const char *const site_names[] = {"site", "section", "station", "point", "well", "source", "断面名称", "断面",
                                         "站点", "点位", "点位名称", "监测点", "水源地", "水源地名称", NULL};
static const char *const time_names[] = {"time", "datetime", "date", "监测时间", "采样时间", "sample_time", NULL};
static const char *const city_names[] = {"city", "region", "地市", "城市", "所在地市", NULL};
static const char *const county_names[] = {"county", "区县", "县区", NULL};
static const char *const prov_names[] = {"province", "省份", "省", NULL};
static const char *const wb_names[] = {"waterbody", "inferred_waterbody", "water_body", "水体类型", NULL};
static const char *const kind_names[] = {"kind", "type", "类型", NULL};

static int site_id(cli_water_t *w, eco_slice_t name, eco_tgt_wkind_t kind, int *created)
{
    name = eco_slice_trim(name);
    int32_t id = eco_map_get(&w->map, name);
    *created = 0;
    if (id >= 0) return id;
    if ((id = eco_map_put(&w->map, name)) < 0) return -1;
    if ((size_t)id >= w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 64;
        eco_tgt_wsite_t *ns = realloc(w->sites, nc * sizeof *ns);
        if (!ns) return -1;
        w->sites = ns;
        w->cap = nc;
    }
    eco_tgt_wsite_t *s = &w->sites[id];
    memset(s, 0, sizeof *s);
    s->code = eco_map_key(&w->map, (uint32_t)id);
    s->region[0] = s->region[1] = s->region[2] = "";
    s->kind = kind;
    w->nsites = (size_t)id + 1;
    *created = 1;
    return id;
}

static char *keep(cli_water_t *w, eco_slice_t s)
{
    char *d = eco_slice_dup(eco_slice_trim(s));
    if (!d) return NULL;
    if (w->nstrs == w->capstrs) {
        size_t nc = w->capstrs ? w->capstrs * 2 : 64;
        char **n = realloc(w->strs, nc * sizeof *n);
        if (!n) {
            free(d);
            return NULL;
        }
        w->strs = n;
        w->capstrs = nc;
    }
    w->strs[w->nstrs++] = d;
    return d;
}

void cli_water_init(cli_water_t *w)
{
    memset(w, 0, sizeof *w);
    eco_map_init(&w->map);
}

void cli_water_free(cli_water_t *w)
{
    for (size_t i = 0; i < w->nstrs; i++) free(w->strs[i]);
    free(w->strs);
    free(w->sites);
    free(w->samp);
    free(w->vals);
    eco_map_free(&w->map);
    memset(w, 0, sizeof *w);
}

/* --sections: site,city,county,province,waterbody,kind (any order; only site required) */
int cli_water_sections(cli_water_t *w, const char *path)
{
    cli_csv_t in;
    int r = cli_csv_open(&in, path);
    if (r) return r;
    int cs = -1, cc = -1, cn = -1, cp = -1, cw = -1, ck = -1;
    for (size_t k = 0; k < in.ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in.csv, k));
        int *slot = cli_header_is(h, site_names)     ? &cs
                    : cli_header_is(h, city_names)   ? &cc
                    : cli_header_is(h, county_names) ? &cn
                    : cli_header_is(h, prov_names)   ? &cp
                    : cli_header_is(h, wb_names)     ? &cw
                    : cli_header_is(h, kind_names)   ? &ck
                                                     : NULL;
        if (slot && *slot < 0) *slot = (int)k;
    }
    if (cs < 0) {
        eco_log_error("%s:1: needs a site (section, 断面名称) column", in.name);
        cli_csv_close(&in);
        return EXIT_USAGE;
    }
    while (cli_csv_next(&in)) {
        size_t line = eco_csv_line(&in.csv);
        eco_tgt_wkind_t kind = ECO_TGT_W_NKINDS; /* not said: the first samples file that names it decides */
        if (ck >= 0) {
            eco_site_kind_t sk;
            eco_slice_t v = eco_slice_trim(eco_csv_field(&in.csv, (size_t)ck));
            int ok = v.len && eco_site_kind_parse(v, &sk) == 0;
            if (ok && sk == ECO_SITE_WATER) kind = ECO_TGT_W_SURFACE;
            else if (ok && sk == ECO_SITE_DRINKING) kind = ECO_TGT_W_DRINKING;
            else if (ok && sk == ECO_SITE_GROUNDWATER) kind = ECO_TGT_W_GROUND;
            else if (ok && sk == ECO_SITE_SEA) kind = ECO_TGT_W_SEA;
            else if (v.len) {
                eco_log_error("%s:%zu:%d: kind '%.*s' is not water, drinking, groundwater or sea; row skipped", in.name, line,
                              ck + 1, (int)v.len, v.ptr);
                continue;
            }
        }
        int created;
        int id = site_id(w, eco_csv_field(&in.csv, (size_t)cs), kind, &created);
        if (id < 0) goto oom;
        eco_tgt_wsite_t *s = &w->sites[id];
        if (kind != ECO_TGT_W_NKINDS) s->kind = kind; /* the sections file says what the site is */
        const int cols[3] = {cc, cn, cp};
        for (int g = 0; g < 3; g++)
            if (cols[g] >= 0 && !(s->region[g] = keep(w, eco_csv_field(&in.csv, (size_t)cols[g])))) goto oom;
        if (cw >= 0) s->lake = water_body_of(eco_csv_field(&in.csv, (size_t)cw)) == ECO_WB_LAKE;
    }
    r = in.failed ? EXIT_RUNTIME : 0;
    cli_csv_close(&in);
    return r;
oom:
    cli_csv_close(&in);
    eco_log_error("%s: out of memory", path);
    return EXIT_RUNTIME;
}

static int digits4(const char *p, int *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        if (p[i] < '0' || p[i] > '9') return 0;
        *v = *v * 10 + (p[i] - '0');
    }
    return 1;
}

static int add_sample(cli_water_t *w, int site, eco_day_t day, const double *v, size_t nv)
{
    if (w->nsamp == w->capsamp) {
        size_t nc = w->capsamp ? w->capsamp * 2 : 256;
        cli_wsamp_t *ns = realloc(w->samp, nc * sizeof *ns);
        if (!ns) return -1;
        w->samp = ns;
        w->capsamp = nc;
    }
    if (w->nvals + nv > w->capvals) {
        size_t nc = w->capvals ? w->capvals * 2 : 4096;
        while (nc < w->nvals + nv) nc *= 2;
        double *nd = realloc(w->vals, nc * sizeof *nd);
        if (!nd) return -1;
        w->vals = nd;
        w->capvals = nc;
    }
    memcpy(w->vals + w->nvals, v, nv * sizeof *v);
    w->samp[w->nsamp++] = (cli_wsamp_t){(size_t)site, day, w->nvals};
    w->nvals += nv;
    return 0;
}

/* samples of one kind: surface/drinking rows hold ECO_W_NITEMS + ECO_W_TABLE2_N values, groundwater
 * rows ECO_GW_NITEMS, sea rows ECO_SEA_NITEMS */
int cli_water_read(cli_water_t *w, const char *path, eco_tgt_wkind_t kind)
{
    cli_csv_t in;
    int r = cli_csv_open(&in, path);
    if (r) return r;
    int ground = kind == ECO_TGT_W_GROUND, sea = kind == ECO_TGT_W_SEA;
    size_t nv = ground ? ECO_GW_NITEMS : sea ? ECO_SEA_NITEMS : ECO_W_NITEMS + ECO_W_TABLE2_N;
    int cs = -1, ct = -1, cw = -1, col[ECO_GW_NITEMS + ECO_W_NITEMS + ECO_W_TABLE2_N];
    for (size_t i = 0; i < sizeof col / sizeof *col; i++) col[i] = -1;
    int nitems = 0;
    for (size_t k = 0; k < in.ncols; k++) {
        eco_slice_t h = eco_slice_trim(eco_csv_field(&in.csv, k));
        int *slot = NULL;
        if (cli_header_is(h, site_names)) slot = &cs;
        else if (cli_header_is(h, time_names)) slot = &ct;
        else if (cli_header_is(h, wb_names)) slot = &cw;
        else if (ground) {
            int it = gw_item_of_header(h);
            if (it >= 0) slot = &col[it];
        } else if (sea) {
            int it = sea_item_of_header(h);
            if (it >= 0) slot = &col[it];
        } else {
            int it = water_item_of_header(h);
            if (it >= 0) slot = &col[it];
            for (int x = 0; !slot && x < ECO_W_TABLE2_N; x++)
                if (eco_slice_ieq(h, eco_water_table2[x].key) || eco_slice_eq(h, eco_water_table2[x].name_zh) ||
                    (eco_water_table2[x].alias && eco_slice_eq(h, eco_water_table2[x].alias)))
                    slot = &col[ECO_W_NITEMS + x];
        }
        if (slot && *slot < 0) {
            *slot = (int)k;
            if (slot != &cs && slot != &ct && slot != &cw) nitems++;
        }
    }
    if (cs < 0 || ct < 0 || !nitems) {
        eco_log_error("%s:1: needs a site (section, 断面名称) column, a time (监测时间) column and item columns", in.name);
        cli_csv_close(&in);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < (ground ? (size_t)ECO_GW_NITEMS : sea ? (size_t)ECO_SEA_NITEMS : (size_t)ECO_W_NITEMS); i++)
        if (col[i] >= 0) {
            if (ground) w->gwset[i >> 6] |= UINT64_C(1) << (i & 63);
            else if (sea) w->seaset |= ECO_SEABIT(i);
            else w->wset |= ECO_WBIT(i);
        }
    double *v = malloc(nv * sizeof *v);
    if (!v) goto oom;
    while (cli_csv_next(&in)) {
        size_t line = eco_csv_line(&in.csv);
        eco_slice_t ts = eco_slice_trim(eco_csv_field(&in.csv, (size_t)ct));
        eco_day_t day;
        eco_time_t tt;
        /* as `water assess` reads times: a full date-time or date (24:00 is the next day's 00:00, the
         * compact HJ 212 form too), or YYYY-MM (the month's first day) */
        int mo = 0, yr = 0;
        if (!eco_time_parse(ts, &tt)) {
            day = eco_time_day(tt);
        } else if (ts.len == 7 && ts.ptr[4] == '-' && digits4(ts.ptr, &yr) && ts.ptr[5] >= '0' && ts.ptr[5] <= '9' &&
                   ts.ptr[6] >= '0' && ts.ptr[6] <= '9' && (mo = (ts.ptr[5] - '0') * 10 + (ts.ptr[6] - '0')) >= 1 &&
                   mo <= 12 && yr >= 1000) {
            day = eco_day_from_civil(yr, mo, 1);
        } else {
            eco_log_error("%s:%zu:%d: time '%.*s' is not YYYY-MM-DD[ HH:MM[:SS]] or YYYY-MM; row skipped", in.name, line,
                          ct + 1, (int)ts.len, ts.ptr);
            w->rows_bad++;
            continue;
        }
        int bad = 0;
        for (size_t i = 0; i < nv && !bad; i++) {
            v[i] = NAN;
            if (col[i] < 0) continue;
            eco_slice_t s = eco_csv_field(&in.csv, (size_t)col[i]);
            if (!eco_slice_trim(s).len) continue;
            int pr = ground ? gw_parse_value((int)i, s, &v[i]) : sea ? sea_parse_value(s, &v[i]) : water_parse_value(s, &v[i]);
            if (pr) {
                eco_log_error("%s:%zu:%d: %s: bad value '%.*s'; row skipped", in.name, line, col[i] + 1,
                              ground ? eco_gw_items[i].key
                              : sea ? eco_sea_items[i].key
                              : i < ECO_W_NITEMS ? eco_water_items[i].key : eco_water_table2[i - ECO_W_NITEMS].key,
                              (int)s.len, s.ptr);
                bad = 1;
            }
        }
        if (bad) {
            w->rows_bad++;
            continue;
        }
        int created;
        int id = site_id(w, eco_csv_field(&in.csv, (size_t)cs), kind, &created);
        if (id < 0) goto oom;
        if (!created && w->sites[id].kind == ECO_TGT_W_NKINDS) w->sites[id].kind = kind; /* listed without a kind */
        if (!created && w->sites[id].kind != kind) {
            eco_log_error("%s:%zu: site '%s' is already a %s site; row skipped", in.name, line, w->sites[id].code,
                          w->sites[id].kind == ECO_TGT_W_GROUND     ? "groundwater"
                          : w->sites[id].kind == ECO_TGT_W_DRINKING ? "drinking-water"
                          : w->sites[id].kind == ECO_TGT_W_SEA      ? "sea"
                                                                    : "surface-water");
            w->rows_bad++;
            continue;
        }
        if (cw >= 0 && created) w->sites[id].lake = water_body_of(eco_csv_field(&in.csv, (size_t)cw)) == ECO_WB_LAKE;
        if (add_sample(w, id, day, v, nv) < 0) goto oom;
        w->rows++;
    }
    free(v);
    r = in.failed ? EXIT_RUNTIME : 0;
    cli_csv_close(&in);
    return r;
oom:
    free(v);
    cli_csv_close(&in);
    eco_log_error("%s: out of memory", path);
    return EXIT_RUNTIME;
}

static int wsamples(void *ud, eco_day_t from, eco_day_t to, eco_tgt_wsample_cb cb, void *cbud)
{
    cli_water_t *w = ud;
    for (size_t i = 0; i < w->nsamp; i++) {
        const cli_wsamp_t *s = &w->samp[i];
        if (s->day < from || s->day > to) continue;
        const double *v = w->vals + s->off;
        eco_tgt_wsample_t x = {s->site, s->day, v, NULL};
        if (w->sites[s->site].kind == ECO_TGT_W_SURFACE || w->sites[s->site].kind == ECO_TGT_W_DRINKING)
            x.x = v + ECO_W_NITEMS;
        if (cb(cbud, &x)) break;
    }
    return 0;
}

void cli_water_attach(cli_water_t *w, eco_tgt_source_t *src)
{
    src->wud = w;
    src->wsites = w->sites;
    src->nwsites = w->nsites;
    src->wset = w->wset;
    src->gwset[0] = w->gwset[0];
    src->gwset[1] = w->gwset[1];
    src->seaset = w->seaset;
    src->wsamples = wsamples;
}
