/* routes.c — the API's routes: what each answers and from where.
 *
 * Why one table: the router, the parameter check (unknown parameters are a
 * 400), the access rule and the OpenAPI document are all read from
 * api_routes[], so the document cannot drift from what the server answers.
 *
 * Every tabular route writes through one table writer (tw_*) that produces
 * either JSON (an array of objects; a column "a.b" nests b in object a) or
 * RFC 4180 CSV with the same column names, so the two outputs cannot differ
 * in content.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "air/aqi.h"
#include "api/internal.h"
#include "core/log.h"
#include "core/time.h"
#include "standards/air.h"
#include "standards/water.h"
#include "water/water.h"

#include "api/tw.h"

/* ------------------------------------------------------------------ helpers */

static int kind_arg(api_req_t *r, int *kind)
{
    *kind = -1;
    const char *k = api_arg(r, "kind");
    if (!k) return 0;
    eco_site_kind_t sk;
    if (eco_site_kind_parse(eco_slice_cstr(k), &sk) < 0)
        return api_error(r, 400, "bad_request",
                         "kind: '%s' is not air, water, drinking, groundwater, sea, noise, radiation or outlet", k);
    *kind = (int)sk;
    return 0;
}

static int gran_arg(api_req_t *r, int *g, int dflt)
{
    *g = dflt;
    const char *s = api_arg(r, "granularity");
    if (!s) return 0;
    eco_gran_t gg;
    if (eco_gran_parse(s, &gg) < 0)
        return api_error(r, 400, "bad_request", "granularity: '%s' is not realtime, minute, hour or day", s);
    *g = (int)gg;
    return 0;
}

static const cat_site_t *site_of_mn(const cat_t *c, const char *mn)
{
    int32_t d = eco_map_get(&c->dev_map, eco_slice_cstr(mn));
    if (d < 0 || c->devs[d].site_idx < 0) return NULL;
    return &c->sites[c->devs[d].site_idx];
}

/* MHD hands over the path without its query: the routes append the arguments they read */
static void cache_key_of(api_req_t *r)
{
    snprintf(r->cache_key, sizeof r->cache_key, "%s|%d", r->url, r->csv);
}

/* "|name=value" with '%', '|' and '=' of the value escaped, so that no value can pose as two
 * arguments (site=A1|factor=x must not share a key with site=A1&factor=x); too long: no caching */
static void cache_key_add(api_req_t *r, const char *name)
{
    const char *v = api_arg(r, name);
    if (!v || !r->cache_key[0]) return;
    size_t off = strlen(r->cache_key), cap = sizeof r->cache_key;
    int n = snprintf(r->cache_key + off, cap - off, "|%s=", name);
    if (n < 0 || (size_t)n >= cap - off) {
        r->cache_key[0] = 0;
        return;
    }
    off += (size_t)n;
    for (; *v; v++) {
        if (off + 4 >= cap) {
            r->cache_key[0] = 0;
            return;
        }
        if (*v == '%' || *v == '|' || *v == '=') off += (size_t)snprintf(r->cache_key + off, cap - off, "%%%02X", (unsigned char)*v);
        else r->cache_key[off++] = *v;
    }
    r->cache_key[off] = 0;
}

/* ------------------------------------------------------------------ /healthz */

static int r_healthz(api_req_t *r)
{
    /* no store access: a liveness probe must answer even while every reader is busy */
    int v = r->api->schema;
    const char *be = r->api->backend;
    eco_json_t j;
    eco_json_init(&j, &r->out);
    eco_json_obj_begin(&j);
    eco_json_key(&j, "status");
    eco_json_str(&j, v > 0 ? "ok" : "degraded");
    eco_json_key(&j, "store");
    eco_json_str(&j, be);
    eco_json_key(&j, "schema");
    eco_json_int(&j, v);
    eco_json_key(&j, "uptime_s");
    eco_json_int(&j, (eco_now_ms() - r->api->started_ms) / 1000);
    eco_json_key(&j, "version");
    eco_json_str(&j, ECO_VERSION);
    eco_json_obj_end(&j);
    if (v <= 0) r->status = 503;
    return 0;
}

/* ------------------------------------------------------------------ /sites */

static const char *const site_cols[] = {"code", "kind", "name", "province", "city", "county", "basin",
                                        "river", "lon", "lat", "zone", "devices"};

static int site_selected(api_req_t *r, const cat_site_t *s, int kind)
{
    const char *city = api_arg(r, "city"), *county = api_arg(r, "county");
    if (kind >= 0 && (int)s->s.kind != kind) return 0;
    if (city && strcmp(city, s->s.city)) return 0;
    if (county && strcmp(county, s->s.county)) return 0;
    return 1;
}

static void site_devs(const cat_t *c, const cat_site_t *s, const char **v, int max, int *n)
{
    *n = 0;
    for (uint32_t k = 0; k < s->ndev && *n < max; k++) v[(*n)++] = c->devs[c->site_devs[s->dev0 + k]].mn;
}

static int r_sites(api_req_t *r)
{
    int kind;
    if (kind_arg(r, &kind) < 0) return -1;
    const char *f = api_arg(r, "format");
    int geo = f && !strcmp(f, "geojson");
    cat_t *c = api_cat_get(r->api);
    const char *devs[64];
    int nd;
    if (geo) {
        r->ctype = "application/geo+json";
        eco_json_t j;
        eco_json_init(&j, &r->out);
        eco_json_obj_begin(&j);
        eco_json_key(&j, "type");
        eco_json_str(&j, "FeatureCollection");
        eco_json_key(&j, "features");
        eco_json_arr_begin(&j);
        for (size_t i = 0; i < c->nsites; i++) {
            const cat_site_t *s = &c->sites[i];
            if (!site_selected(r, s, kind) || !isfinite(s->s.lon) || !isfinite(s->s.lat)) continue;
            eco_json_obj_begin(&j);
            eco_json_key(&j, "type");
            eco_json_str(&j, "Feature");
            eco_json_key(&j, "geometry");
            eco_json_obj_begin(&j);
            eco_json_key(&j, "type");
            eco_json_str(&j, "Point");
            eco_json_key(&j, "coordinates");
            eco_json_arr_begin(&j);
            eco_json_num(&j, s->s.lon, -1);
            eco_json_num(&j, s->s.lat, -1);
            eco_json_arr_end(&j);
            eco_json_obj_end(&j);
            eco_json_key(&j, "properties");
            eco_json_obj_begin(&j);
            const char *sv[] = {s->s.code, eco_site_kind_name(s->s.kind), s->s.name, s->s.province, s->s.city,
                                s->s.county, s->s.basin, s->s.river};
            for (int k = 0; k < 8; k++) {
                eco_json_key(&j, site_cols[k]);
                eco_json_str(&j, sv[k]);
            }
            eco_json_key(&j, "zone");
            eco_json_str(&j, s->s.zone);
            eco_json_key(&j, "devices");
            site_devs(c, s, devs, 64, &nd);
            eco_json_arr_begin(&j);
            for (int k = 0; k < nd; k++) eco_json_str(&j, devs[k]);
            eco_json_arr_end(&j);
            eco_json_obj_end(&j);
            eco_json_obj_end(&j);
        }
        eco_json_arr_end(&j);
        eco_json_obj_end(&j);
        api_cat_put(r->api, c);
        if (eco_json_status(&j) < 0) return api_error(r, 500, "internal", "out of memory writing the answer");
        return 0;
    }
    tw_t t;
    tw_begin(&t, r, "sites", site_cols, 12);
    for (size_t i = 0; i < c->nsites; i++) {
        const cat_site_t *s = &c->sites[i];
        if (!site_selected(r, s, kind)) continue;
        tw_row(&t);
        tw_str(&t, s->s.code);
        tw_str(&t, eco_site_kind_name(s->s.kind));
        tw_str(&t, s->s.name);
        tw_str(&t, s->s.province);
        tw_str(&t, s->s.city);
        tw_str(&t, s->s.county);
        tw_str(&t, s->s.basin);
        tw_str(&t, s->s.river);
        tw_num(&t, s->s.lon);
        tw_num(&t, s->s.lat);
        tw_str(&t, s->s.zone);
        site_devs(c, s, devs, 64, &nd);
        tw_strs(&t, devs, nd);
        tw_row_end(&t);
    }
    tw_end(&t, NULL, NULL);
    api_cat_put(r->api, c);
    return 0;
}

/* ------------------------------------------------------------------ /devices */

static int r_devices(api_req_t *r)
{
    static const char *const cols[] = {"mn", "site", "edition", "profile", "registered", "last_seen", "online",
                                       "connected", "frames_ok", "frames_bad", "refused", "dropped"};
    const char *site = api_arg(r, "site");
    cat_t *c = api_cat_get(r->api);
    int64_t now = eco_now_ms();
    tw_t t;
    tw_begin(&t, r, "devices", cols, 12);
    for (size_t i = 0; i < c->ndevs; i++) {
        const cat_dev_t *d = &c->devs[i];
        if (site && strcmp(site, d->site)) continue;
        eco_live_dev_t h;
        int have = eco_live_dev_get(r->api->live, d->mn, &h);
        int64_t seen = d->last_seen_ms; /* the catalogue's (written once a second) or the loop's, if newer */
        if (have && h.last_seen_ms > seen) seen = h.last_seen_ms;
        tw_row(&t);
        tw_str(&t, d->mn);
        tw_str(&t, d->site);
        tw_str(&t, d->edition);
        tw_str(&t, d->profile[0] ? d->profile : "strict");
        tw_time(&t, eco_time_from_utc(d->registered_ms / 1000), d->registered_ms > 0);
        tw_time(&t, eco_time_from_utc(seen / 1000), seen > 0);
        tw_bool(&t, seen > 0 && now - seen <= (int64_t)r->api->cfg.online_s * 1000);
        tw_bool(&t, have && h.connected);
        tw_int(&t, have ? (int64_t)h.frames_ok : 0, 1);
        tw_int(&t, have ? (int64_t)h.frames_bad : 0, 1);
        tw_int(&t, have ? (int64_t)h.refused : 0, 1);
        tw_int(&t, have ? (int64_t)h.dropped : 0, 1);
        tw_row_end(&t);
    }
    tw_end(&t, NULL, NULL);
    api_cat_put(r->api, c);
    return 0;
}

/* ------------------------------------------------------------------ /latest */

/* The table is copied out under the live lock (pointers to its keys stay valid: keys are
 * never removed) and written out after it: formatting 12,000 rows inside the lock would hold
 * up the ingest writer, and with it every reader queued behind the writer. */
typedef struct latest_item {
    const char *mn, *factor;
    int32_t site;             /* catalogue index, -1 none */
    int gran;
    eco_live_val_t v;
} latest_item_t;

typedef struct latest_ctx {
    const cat_t *c;
    int kind, gran;
    const char *site, *factor;
    latest_item_t *v;
    size_t n, cap;
    int oom;
} latest_ctx_t;

static int on_latest(void *ud, const eco_live_row_t *row)
{
    latest_ctx_t *x = ud;
    if (x->factor && strcmp(x->factor, row->factor)) return 0;
    const cat_site_t *s = site_of_mn(x->c, row->mn);
    if (x->kind >= 0 && (!s || (int)s->s.kind != x->kind)) return 0;
    if (x->site && (!s || strcmp(x->site, s->s.code))) return 0;
    for (int g = 0; g < ECO_LIVE_NGRAN; g++) {
        if (!row->val[g] || (x->gran >= 0 && g != x->gran)) continue;
        if (x->n == x->cap) {
            size_t nc = x->cap ? x->cap * 2 : 4096;
            latest_item_t *nv = realloc(x->v, nc * sizeof *nv);
            if (!nv) return x->oom = 1;
            x->v = nv;
            x->cap = nc;
        }
        latest_item_t *it = &x->v[x->n++];
        it->mn = row->mn;
        it->factor = row->factor;
        it->site = s ? (int32_t)(s - x->c->sites) : -1;
        it->gran = g;
        it->v = *row->val[g];
    }
    return 0;
}

static int r_latest(api_req_t *r)
{
    static const char *const cols[] = {"site", "mn", "factor", "granularity", "time", "value", "flag"};
    latest_ctx_t x;
    if (kind_arg(r, &x.kind) < 0 || gran_arg(r, &x.gran, -1) < 0) return -1;
    x.site = api_arg(r, "site");
    x.factor = api_arg(r, "factor");
    cat_t *c = api_cat_get(r->api);
    x.c = c;
    /* the same question asked again before anything changed: the same bytes */
    uint64_t ver = eco_live_version(r->api->live);
    cache_key_of(r);
    static const char *const args[] = {"kind", "site", "factor", "granularity"};
    for (int i = 0; i < 4; i++) cache_key_add(r, args[i]);
    if (r->cache_key[0] && api_cache_try(r, ver, c->gen)) {
        api_cat_put(r->api, c);
        return 0;
    }
    x.v = NULL;
    x.n = x.cap = 0;
    x.oom = 0;
    eco_live_each(r->api->live, on_latest, &x);
    if (x.oom) {
        free(x.v);
        api_cat_put(r->api, c);
        return api_error(r, 500, "internal", "out of memory");
    }
    tw_t t;
    tw_begin(&t, r, "rows", cols, 7);
    for (size_t i = 0; i < x.n; i++) {
        const latest_item_t *it = &x.v[i];
        tw_row(&t);
        tw_str(&t, it->site >= 0 ? c->sites[it->site].s.code : "");
        tw_str(&t, it->mn);
        tw_str(&t, it->factor);
        tw_str(&t, eco_gran_name((eco_gran_t)it->gran));
        tw_time(&t, it->v.t, 1);
        tw_num(&t, it->v.value);
        tw_str(&t, it->v.flag);
        tw_row_end(&t);
    }
    free(x.v);
    tw_end(&t, NULL, NULL);
    api_cache_store(r, ver, c->gen);
    api_cat_put(r->api, c);
    return 0;
}

/* ------------------------------------------------------------------ /series */

typedef struct series_ctx {
    tw_t *t;
    long limit, n;
    int have_cursor;
    char cur_mn[128], cur_factor[64];
    eco_time_t cur_t;
    char last_mn[128], last_factor[64];
    eco_time_t last_t;
    int more;
} series_ctx_t;

static int on_series(void *ud, const eco_obs_row_t *row)
{
    series_ctx_t *x = ud;
    if (x->n == x->limit) {
        x->more = 1;
        return 1;
    }
    tw_row(x->t);
    tw_str(x->t, row->mn);
    tw_str(x->t, row->site);
    tw_str(x->t, row->factor);
    tw_str(x->t, eco_gran_name(row->gran));
    tw_time(x->t, row->t, 1);
    tw_numtext(x->t, row->vtext, row->value);
    tw_str(x->t, row->flag);
    tw_row_end(x->t);
    x->n++;
    snprintf(x->last_mn, sizeof x->last_mn, "%s", row->mn);
    snprintf(x->last_factor, sizeof x->last_factor, "%s", row->factor);
    x->last_t = row->t;
    return 0;
}

static void series_extra(eco_json_t *j, void *ud)
{
    series_ctx_t *x = ud;
    eco_json_key(j, "next");
    if (!x->more) {
        eco_json_null(j);
        return;
    }
    char tb[40], cur[300];
    eco_time_format_iso(x->last_t, tb, sizeof tb);
    snprintf(cur, sizeof cur, "%s|%s|%s", tb, x->last_mn, x->last_factor);
    eco_json_str(j, cur);
}

static int r_series(api_req_t *r)
{
    static const char *const cols[] = {"mn", "site", "factor", "granularity", "time", "value", "flag"};
    const char *site = api_arg(r, "site"), *mn = api_arg(r, "mn"), *factor = api_arg(r, "factor");
    if (!site && !mn) return api_error(r, 400, "bad_request", "site or mn is required");
    int gran;
    if (gran_arg(r, &gran, ECO_GRAN_HOUR) < 0) return -1;
    eco_time_t now = eco_time_from_utc(eco_now_ms() / 1000);
    eco_time_t to = now, from = INT64_MIN;
    long limit = 1000;
    if (api_arg_time(r, "from", &from) < 0 || api_arg_time(r, "to", &to) < 0 ||
        api_arg_long(r, "limit", 1, 10000, &limit) < 0)
        return -1;
    if (from == INT64_MIN) from = to - 7 * ECO_DAY_S;
    if (from > to) return api_error(r, 400, "bad_request", "from is after to");
    if (to - from > 366 * (eco_time_t)ECO_DAY_S)
        return api_error(r, 400, "bad_request", "from..to spans more than 366 days: ask in pieces");
    series_ctx_t x;
    memset(&x, 0, sizeof x);
    x.limit = limit;
    const char *after = api_arg(r, "after");
    if (after) {
        const char *p1 = strchr(after, '|'), *p2 = p1 ? strchr(p1 + 1, '|') : NULL;
        char tb[64];
        if (!p1 || !p2 || (size_t)(p1 - after) >= sizeof tb || (size_t)(p2 - p1 - 1) >= sizeof x.cur_mn ||
            strlen(p2 + 1) >= sizeof x.cur_factor)
            return api_error(r, 400, "bad_request", "after: '%s' is not a cursor this server gave", after);
        snprintf(tb, sizeof tb, "%.*s", (int)(p1 - after), after);
        size_t n = strlen(tb);
        if (n > 6 && tb[n - 6] == ' ') tb[n - 6] = '+';
        if (eco_time_parse(eco_slice_cstr(tb), &x.cur_t) < 0)
            return api_error(r, 400, "bad_request", "after: '%s' is not a cursor this server gave", after);
        snprintf(x.cur_mn, sizeof x.cur_mn, "%.*s", (int)(p2 - p1 - 1), p1 + 1);
        snprintf(x.cur_factor, sizeof x.cur_factor, "%s", p2 + 1);
        x.have_cursor = 1;
    }
    eco_obs_query_t q;
    eco_obs_query_init(&q);
    q.site = site;
    q.mn = mn;
    q.factor = factor;
    q.gran = gran;
    q.from = from;
    q.to = to;
    q.time_major = 1;
    q.lean = 1;
    if (x.have_cursor) { /* keyset: rows after the cursor in (mn, time, factor) order, in SQL */
        q.after_mn = x.cur_mn;
        q.after_t = x.cur_t;
        q.after_factor = x.cur_factor;
        /* one device: the cursor's time also bounds the scan itself */
        if (mn && !strcmp(mn, x.cur_mn) && x.cur_t > q.from) q.from = x.cur_t;
    }
    eco_store_t *st = api_reader_get(r->api);
    if (!st) return api_error(r, 503, "unavailable", "no store connection free within 10 s (busy, or shutting down)");
    tw_t t;
    tw_begin(&t, r, "rows", cols, 7);
    x.t = &t;
    eco_err_t err;
    eco_err_clear(&err);
    int rc = eco_store_obs_query(st, &q, on_series, &x, &err);
    api_reader_put(r->api, st);
    if (rc < 0) return api_error(r, 500, "store", "%s", err.msg);
    tw_end(&t, series_extra, &x);
    if (x.more) { /* CSV has no place for it in the body: both formats carry it in a header too */
        char tb[40];
        eco_time_format_iso(x.last_t, tb, sizeof tb);
        snprintf(r->next_cursor, sizeof r->next_cursor, "%s|%s|%s", tb, x.last_mn, x.last_factor);
    }
    return 0;
}

/* ------------------------------------------------------------------ /aqi/latest */

static int air_pol_of(const char *item)
{
    if (!item) return -1;
    for (int k = 0; k < ECO_POL_N; k++)
        if (!strcmp(item, eco_air_pol_key[k])) return k;
    return -1;
}

typedef struct air_vals {
    double v[ECO_POL_N];
    eco_time_t t[ECO_POL_N];
    int have[ECO_POL_N];
} air_vals_t;

/* the table walked once for every air site: a site -> hour values index */
typedef struct aqi_all {
    const cat_t *c;
    air_vals_t *av;           /* per site index */
} aqi_all_t;

static int on_aqi_all(void *ud, const eco_live_row_t *row)
{
    aqi_all_t *x = ud;
    const eco_live_val_t *v = row->val[ECO_GRAN_HOUR];
    if (!v) return 0;
    int32_t d = eco_map_get(&x->c->dev_map, eco_slice_cstr(row->mn));
    if (d < 0 || x->c->devs[d].site_idx < 0) return 0;
    int32_t si = x->c->devs[d].site_idx;
    if (x->c->sites[si].s.kind != ECO_SITE_AIR) return 0;
    int p = air_pol_of(api_factor_item(x->c, row->factor));
    if (p < 0) return 0;
    air_vals_t *av = &x->av[si];
    if (av->have[p] && av->t[p] >= v->t) return 0;
    av->have[p] = 1;
    av->t[p] = v->t;
    /* a flagged hour (anything but N) is not a valid hour for the AQI */
    av->v[p] = (!v->flag[0] || !strcmp(v->flag, "N")) ? v->value : NAN;
    return 0;
}

/* every air site's latest hour values (calloc'ed, one per site of c), or NULL */
static air_vals_t *aqi_collect(eco_api_t *a, const cat_t *c)
{
    air_vals_t *av = calloc(c->nsites ? c->nsites : 1, sizeof *av);
    if (!av) return NULL;
    aqi_all_t x = {c, av};
    eco_live_each(a->live, on_aqi_all, &x);
    return av;
}

static const char *const aqi_cols[] = {"site", "name", "city", "lon", "lat", "time", "complete", "edition", "aqi",
                                       "level", "category", "category_en", "color", "primary", "iaqi.so2",
                                       "iaqi.no2", "iaqi.co", "iaqi.o3", "iaqi.pm10", "iaqi.pm2_5", "values.so2",
                                       "values.no2", "values.co", "values.o3", "values.pm10", "values.pm2_5"};
#define AQI_NCOLS 26

/* One site's entry: the AQI (HJ 633, edition of the hour) of its latest hour. The hour is the
 * newest any pollutant has; `complete` says every pollutant the site reports has that hour too
 * (with several analysers the first to report must not pass for the hour). 0 when no hour. */
static int aqi_row(tw_t *t, const cat_site_t *s, const air_vals_t *av, eco_time_t *label_out, int *aqi_out,
                   int *complete_out)
{
    eco_time_t hour = INT64_MIN;
    for (int p = 0; p < ECO_POL_N; p++)
        if (av->have[p] && av->t[p] > hour) hour = av->t[p];
    if (hour == INT64_MIN) return 0;
    double cin[ECO_AIR_NIND];
    int complete = 1;
    for (int k = 0; k < ECO_AIR_NIND; k++) cin[k] = ECO_AIR_NA;
    for (int p = 0; p < ECO_POL_N; p++) {
        if (!av->have[p]) continue;
        if (av->t[p] == hour) cin[eco_air_pol_ind[p]] = av->v[p];
        else complete = 0;
    }
    /* HJ 212 labels an hour by its start; HJ 633 publishes it at its end */
    eco_time_t label = hour + 3600;
    const eco_air_edition_t *ed = eco_air_edition_for_day(eco_time_day(label - 1));
    if (!ed) return 0;
    eco_air_aqi_t res;
    eco_air_aqi_compute(ed, ECO_AIR_REALTIME, cin, NAN, ECO_MISSING_AUTO, &res);
    const eco_air_category_t *cat = res.aqi >= 0 ? eco_air_category(ed, res.aqi) : NULL;
    char prim[64];
    eco_air_primary_str(res.aqi > 50 ? res.primary : 0, prim, sizeof prim);
    tw_row(t);
    tw_str(t, s->s.code);
    tw_str(t, s->s.name);
    tw_str(t, s->s.city);
    tw_num(t, s->s.lon);
    tw_num(t, s->s.lat);
    tw_time(t, label, 1);
    tw_bool(t, complete);
    tw_str(t, ed->name);
    tw_int(t, res.aqi, res.aqi >= 0);
    tw_int(t, res.aqi >= 0 ? eco_air_level(res.aqi) : 0, res.aqi >= 0);
    tw_str(t, cat ? cat->name_zh : NULL);
    tw_str(t, cat ? cat->name_en : NULL);
    tw_str(t, cat ? cat->colour_hex : NULL);
    tw_str(t, prim);
    for (int p = 0; p < ECO_POL_N; p++) {
        int v = res.iaqi[eco_air_pol_ind[p]];
        tw_int(t, v, v >= 0);
    }
    for (int p = 0; p < ECO_POL_N; p++) tw_num(t, av->have[p] && av->t[p] == hour ? av->v[p] : NAN);
    tw_row_end(t);
    if (label_out) *label_out = label;
    if (aqi_out) *aqi_out = res.aqi;
    if (complete_out) *complete_out = complete;
    return 1;
}

int api_aqi_events(eco_api_t *a, const cat_t *c, const unsigned char *want, api_aqi_cb cb, void *ud)
{
    air_vals_t *av = aqi_collect(a, c);
    if (!av) return ECO_ENOMEM;
    api_req_t fake;
    memset(&fake, 0, sizeof fake);
    fake.api = a;
    for (size_t i = 0; i < c->nsites; i++) {
        if (!want[i] || c->sites[i].s.kind != ECO_SITE_AIR) continue;
        eco_buf_reset(&fake.out);
        tw_t t;
        memset(&t, 0, sizeof t);
        t.r = &fake;
        t.cols = aqi_cols;
        t.ncols = AQI_NCOLS;
        eco_json_init(&t.j, &fake.out);
        eco_time_t label;
        int aqi, complete;
        if (!aqi_row(&t, &c->sites[i], &av[i], &label, &aqi, &complete) || eco_json_status(&t.j) < 0) continue;
        cb(ud, i, label, aqi, complete, fake.out.data, fake.out.len);
    }
    eco_buf_free(&fake.out);
    free(av);
    return 0;
}

static int r_aqi_latest(api_req_t *r)
{
    const char *city = api_arg(r, "city");
    cat_t *c = api_cat_get(r->api);
    uint64_t ver = eco_live_version(r->api->live);
    cache_key_of(r);
    cache_key_add(r, "city");
    if (r->cache_key[0] && api_cache_try(r, ver, c->gen)) {
        api_cat_put(r->api, c);
        return 0;
    }
    air_vals_t *av = aqi_collect(r->api, c);
    if (!av) {
        api_cat_put(r->api, c);
        return api_error(r, 500, "internal", "out of memory");
    }
    tw_t t;
    tw_begin(&t, r, "sites", aqi_cols, AQI_NCOLS);
    for (size_t i = 0; i < c->nsites; i++) {
        const cat_site_t *s = &c->sites[i];
        if (s->s.kind != ECO_SITE_AIR || (city && strcmp(city, s->s.city))) continue;
        aqi_row(&t, s, &av[i], NULL, NULL, NULL);
    }
    tw_end(&t, NULL, NULL);
    free(av);
    api_cache_store(r, ver, c->gen);
    api_cat_put(r->api, c);
    return 0;
}

/* ------------------------------------------------------------------ /water/latest */

/* Class colours: a convention of monitoring maps, not part of GB 3838 (docs/api.md). */
static const char *const water_colour[7] = {NULL, "#CCFFFF", "#00CCFF", "#00FF00", "#FFFF00", "#FF9900", "#FF0000"};

typedef struct water_vals {
    double v[ECO_W_NITEMS];
    eco_time_t t[ECO_W_NITEMS];
    unsigned char have[ECO_W_NITEMS];
} water_vals_t;

typedef struct water_all {
    const cat_t *c;
    water_vals_t *wv;
} water_all_t;

static int on_water_all(void *ud, const eco_live_row_t *row)
{
    water_all_t *x = ud;
    const eco_live_val_t *v = row->val[ECO_GRAN_HOUR];
    if (!v) return 0;
    int32_t d = eco_map_get(&x->c->dev_map, eco_slice_cstr(row->mn));
    if (d < 0 || x->c->devs[d].site_idx < 0) return 0;
    int32_t si = x->c->devs[d].site_idx;
    eco_site_kind_t k = x->c->sites[si].s.kind;
    if (k != ECO_SITE_WATER && k != ECO_SITE_DRINKING) return 0;
    const char *item = api_factor_item(x->c, row->factor);
    int it = item ? eco_water_item_index(item) : -1;
    if (it < 0) return 0;
    water_vals_t *wv = &x->wv[si];
    if (wv->have[it] && wv->t[it] >= v->t) return 0;
    wv->have[it] = 1;
    wv->t[it] = v->t;
    wv->v[it] = (!v->flag[0] || !strcmp(v->flag, "N")) ? v->value : NAN;
    return 0;
}

static int r_water_latest(api_req_t *r)
{
    static const char *const cols[] = {"site", "name", "kind", "city", "lon", "lat", "time", "class",
                                       "class_label", "color", "worst", "target", "meets"};
    const char *city = api_arg(r, "city");
    cat_t *c = api_cat_get(r->api);
    uint64_t ver = eco_live_version(r->api->live);
    cache_key_of(r);
    cache_key_add(r, "city");
    if (r->cache_key[0] && api_cache_try(r, ver, c->gen)) {
        api_cat_put(r->api, c);
        return 0;
    }
    water_vals_t *wv = calloc(c->nsites ? c->nsites : 1, sizeof *wv);
    if (!wv) {
        api_cat_put(r->api, c);
        return api_error(r, 500, "internal", "out of memory");
    }
    water_all_t x = {c, wv};
    eco_live_each(r->api->live, on_water_all, &x);
    tw_t t;
    tw_begin(&t, r, "sites", cols, 13);
    for (size_t i = 0; i < c->nsites; i++) {
        const cat_site_t *s = &c->sites[i];
        if ((s->s.kind != ECO_SITE_WATER && s->s.kind != ECO_SITE_DRINKING) || (city && strcmp(city, s->s.city)))
            continue;
        eco_time_t hour = INT64_MIN;
        for (int k = 0; k < ECO_W_NITEMS; k++)
            if (wv[i].have[k] && wv[i].t[k] > hour) hour = wv[i].t[k];
        if (hour == INT64_MIN) continue;
        double v[ECO_W_NITEMS];
        for (int k = 0; k < ECO_W_NITEMS; k++) v[k] = wv[i].have[k] && wv[i].t[k] == hour ? wv[i].v[k] : NAN;
        eco_water_result_t res;
        eco_water_classify(v, ECO_WB_RIVER, eco_water_set_auto5, &res);
        const char *worst[ECO_W_NITEMS];
        int nw = 0;
        for (int k = 0; k < ECO_W_NITEMS && res.cls > 0; k++)
            if (res.deciding & ECO_WBIT(k)) worst[nw++] = eco_water_items[k].key;
        int target = s->s.zone[0] ? eco_water_class_parse(s->s.zone, strlen(s->s.zone)) : 0;
        tw_row(&t);
        tw_str(&t, s->s.code);
        tw_str(&t, s->s.name);
        tw_str(&t, eco_site_kind_name(s->s.kind));
        tw_str(&t, s->s.city);
        tw_num(&t, s->s.lon);
        tw_num(&t, s->s.lat);
        tw_time(&t, hour, 1);
        tw_int(&t, res.cls, res.cls > 0);
        tw_str(&t, res.cls > 0 ? eco_water_class_name(res.cls) : NULL);
        tw_str(&t, res.cls > 0 ? water_colour[res.cls] : NULL);
        tw_strs(&t, worst, nw);
        tw_str(&t, target ? eco_water_class_name(target) : NULL);
        tw_next(&t);
        if (t.csv) {
            if (target && res.cls > 0) eco_buf_puts(&r->out, res.cls <= target ? "true" : "false");
        } else if (target && res.cls > 0) {
            eco_json_bool(&t.j, res.cls <= target);
        } else {
            eco_json_null(&t.j);
        }
        tw_row_end(&t);
    }
    tw_end(&t, NULL, NULL);
    free(wv);
    api_cache_store(r, ver, c->gen);
    api_cat_put(r->api, c);
    return 0;
}

/* ------------------------------------------------------------------ /alerts */

typedef struct alert_row {
    long id;
    char *screen, *severity, *site, *mn, *factor, *evidence;
    int gran;
    eco_time_t t;
    int64_t created_ms;
} alert_row_t;

typedef struct alert_ctx {
    alert_row_t *v;
    size_t n, cap, start; /* a ring of the newest `cap` */
    const char *screen, *site;
    size_t total;
    int oom;
} alert_ctx_t;

static void alert_row_free(alert_row_t *a)
{
    free(a->screen);
    free(a->severity);
    free(a->site);
    free(a->mn);
    free(a->factor);
    free(a->evidence);
}

static int on_alert(void *ud, const eco_alert_t *a)
{
    alert_ctx_t *x = ud;
    if (x->screen && strcmp(x->screen, a->screen)) return 0;
    if (x->site && strcmp(x->site, a->site ? a->site : "")) return 0;
    alert_row_t *d;
    if (x->n < x->cap) {
        d = &x->v[x->n++];
    } else { /* full: the oldest goes */
        d = &x->v[x->start];
        alert_row_free(d);
        x->start = (x->start + 1) % x->cap;
    }
    d->id = a->id;
    d->screen = strdup(a->screen);
    d->severity = strdup(a->severity);
    d->site = strdup(a->site ? a->site : "");
    d->mn = strdup(a->mn);
    d->factor = strdup(a->factor);
    d->evidence = strdup(a->evidence ? a->evidence : "");
    d->gran = a->gran;
    d->t = a->t;
    d->created_ms = a->created_ms;
    if (!d->screen || !d->severity || !d->site || !d->mn || !d->factor || !d->evidence) x->oom = 1;
    return x->oom;
}

static int r_alerts(api_req_t *r)
{
    static const char *const cols[] = {"id", "screen", "severity", "site", "mn", "factor", "granularity",
                                       "time", "evidence", "created"};
    eco_time_t now = eco_time_from_utc(eco_now_ms() / 1000);
    eco_time_t to = now + ECO_DAY_S, from = INT64_MIN;
    long limit = 200;
    if (api_arg_time(r, "from", &from) < 0 || api_arg_time(r, "to", &to) < 0 ||
        api_arg_long(r, "limit", 1, 5000, &limit) < 0)
        return -1;
    if (from == INT64_MIN) from = now - ECO_DAY_S;
    if (from > to) return api_error(r, 400, "bad_request", "from is after to");
    alert_ctx_t x;
    memset(&x, 0, sizeof x);
    x.cap = (size_t)limit;
    x.screen = api_arg(r, "screen");
    x.site = api_arg(r, "site");
    x.v = calloc(x.cap, sizeof *x.v);
    if (!x.v) return api_error(r, 500, "internal", "out of memory");
    eco_store_t *st = api_reader_get(r->api);
    if (!st) {
        free(x.v);
        return api_error(r, 503, "unavailable", "no store connection free within 10 s (busy, or shutting down)");
    }
    eco_err_t err;
    eco_err_clear(&err);
    int rc = eco_store_alert_each(st, from, to, on_alert, &x, &err);
    api_reader_put(r->api, st);
    if (rc >= 0 && !x.oom) {
        tw_t t;
        tw_begin(&t, r, "alerts", cols, 10);
        for (size_t k = 0; k < x.n; k++) { /* newest first */
            const alert_row_t *a = &x.v[(x.start + x.n - 1 - k) % x.cap];
            tw_row(&t);
            tw_int(&t, a->id, 1);
            tw_str(&t, a->screen);
            tw_str(&t, a->severity);
            tw_str(&t, a->site);
            tw_str(&t, a->mn);
            tw_str(&t, a->factor);
            tw_str(&t, eco_gran_name((eco_gran_t)a->gran));
            tw_time(&t, a->t, 1);
            tw_str(&t, a->evidence);
            tw_time(&t, eco_time_from_utc(a->created_ms / 1000), a->created_ms > 0);
            tw_row_end(&t);
        }
        tw_end(&t, NULL, NULL);
    }
    for (size_t k = 0; k < x.n; k++) alert_row_free(&x.v[k]);
    free(x.v);
    if (x.oom) return api_error(r, 500, "internal", "out of memory");
    if (rc < 0) return api_error(r, 500, "store", "%s", err.msg);
    return 0;
}

/* ------------------------------------------------------------------ /ledger (the problem ledger)
 *
 * Reads go through the read-only pool; an action opens a writable handle of its own for the
 * request, as POST /sites does, and the store applies the ledger's rules (src/brain/ledger.c)
 * in one transaction with its history row. */

static const char *const ledger_cols[] = {"id",        "state",      "severity", "kind",    "site",
                                          "mn",        "factor",     "alerts",   "first_alert",
                                          "last_alert", "assignee",  "due",      "overdue", "opened", "updated"};

static void ledger_problem_json(eco_json_t *j, const eco_problem_t *p)
{
    eco_json_obj_begin(j);
    eco_store_json_problem_fields(j, p, eco_time_day(eco_time_from_utc(eco_now_ms() / 1000)));
    eco_json_obj_end(j);
}

static int on_ledger_row(void *ud, const eco_problem_t *p)
{
    tw_t *t = ud;
    tw_row(t);
    tw_int(t, p->id, 1);
    tw_str(t, eco_pb_state_name(p->state));
    tw_str(t, p->severity);
    tw_str(t, p->kind);
    tw_str(t, p->site);
    tw_str(t, p->mn);
    tw_str(t, p->factor);
    tw_int(t, p->alerts, 1);
    tw_time(t, p->first_t, 1);
    tw_time(t, p->last_t, 1);
    tw_str(t, p->assignee[0] ? p->assignee : NULL);
    tw_str(t, p->due[0] ? p->due : NULL);
    tw_bool(t, eco_pb_overdue(p->state, p->due, eco_time_day(eco_time_from_utc(eco_now_ms() / 1000))));
    tw_time(t, p->opened, 1);
    tw_time(t, p->updated, 1);
    tw_row_end(t);
    return 0;
}

static int ledger_state_arg(api_req_t *r, int *state)
{
    *state = -1;
    const char *s = api_arg(r, "state");
    if (!s) return 0;
    eco_pb_state_t st;
    if (eco_pb_state_parse(s, &st) < 0)
        return api_error(r, 400, "bad_request",
                         "state: '%s' is not open, acknowledged, assigned, resolved, closed or reopened", s);
    *state = (int)st;
    return 0;
}

static int ledger_store_error(api_req_t *r, const eco_err_t *err)
{
    if (err->code == ECO_ENOENT) return api_error(r, 404, "not_found", "%s", err->msg);
    if (err->code == ECO_EINVAL) return api_error(r, 400, "bad_request", "%s", err->msg);
    if (err->code == ECO_EUNSUPPORTED) return api_error(r, 503, "store", "%s", err->msg);
    return api_error(r, 500, "store", "%s", err->msg);
}

static int r_ledger(api_req_t *r)
{
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    long limit = 200;
    if (ledger_state_arg(r, &q.state) < 0 || api_arg_long(r, "limit", 1, 5000, &limit) < 0) return -1;
    q.limit = limit;
    q.site = api_arg(r, "site");
    const char *od = api_arg(r, "overdue");
    if (od && strcmp(od, "0") && strcmp(od, "1"))
        return api_error(r, 400, "bad_request", "overdue: '%s' is not 0 or 1", od);
    char today[16];
    eco_day_format(eco_time_day(eco_time_from_utc(eco_now_ms() / 1000)), today, sizeof today);
    if (od && !strcmp(od, "1")) q.due_before = today;
    eco_store_t *st = api_reader_get(r->api);
    if (!st) return api_error(r, 503, "unavailable", "shutting down");
    tw_t t;
    tw_begin(&t, r, "problems", ledger_cols, 15);
    eco_err_t err;
    eco_err_clear(&err);
    int rc = eco_store_problem_each(st, &q, on_ledger_row, &t, &err);
    api_reader_put(r->api, st);
    if (rc < 0) {
        eco_buf_reset(&r->out);
        return ledger_store_error(r, &err);
    }
    tw_end(&t, NULL, NULL);
    return 0;
}

static int on_ledger_one(void *ud, const eco_problem_t *p)
{
    eco_json_t *j = ud;
    eco_json_key(j, "problem");
    ledger_problem_json(j, p);
    return 1;
}

/* {"problem":{...},"alerts":[...],"history":[...]} of problem id into r->out; 0, or < 0 after answering */
static int ledger_item_json(api_req_t *r, eco_store_t *st, long id)
{
    eco_err_t err;
    eco_err_clear(&err);
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    q.id = id;
    eco_json_t j;
    eco_json_init(&j, &r->out);
    eco_json_obj_begin(&j);
    size_t mark = r->out.len;
    int rc = eco_store_problem_each(st, &q, on_ledger_one, &j, &err);
    if (rc == 0 && r->out.len == mark) rc = eco_err_set(&err, ECO_ENOENT, "problem %ld: no such problem", id);
    if (rc == 0) {
        eco_json_key(&j, "alerts");
        eco_json_arr_begin(&j);
        rc = eco_store_problem_alerts(st, id, eco_store_json_alert, &j, &err);
        eco_json_arr_end(&j);
    }
    if (rc == 0) {
        eco_json_key(&j, "history");
        eco_json_arr_begin(&j);
        rc = eco_store_problem_history(st, id, eco_store_json_event, &j, &err);
        eco_json_arr_end(&j);
    }
    eco_json_obj_end(&j);
    if (rc < 0) {
        eco_buf_reset(&r->out);
        return ledger_store_error(r, &err);
    }
    if (eco_json_status(&j) < 0) return api_error(r, 500, "internal", "out of memory writing the answer");
    return 0;
}

static int r_ledger_item(api_req_t *r)
{
    long id = 0;
    if (api_arg_long(r, "id", 1, 2147483647L, &id) < 0) return -1;
    if (!id) return api_error(r, 400, "bad_request", "id is required (/api/v1/ledger/item?id=N)");
    eco_store_t *st = api_reader_get(r->api);
    if (!st) return api_error(r, 503, "unavailable", "shutting down");
    int rc = ledger_item_json(r, st, id);
    api_reader_put(r->api, st);
    return rc;
}

static int r_ledger_action(api_req_t *r)
{
    json_error_t je;
    json_t *root = json_loadb(r->upload.data ? r->upload.data : "", r->upload.len, 0, &je);
    if (!root)
        return api_error(r, 400, "bad_request", "body: not JSON (line %d column %d: %s)", je.line, je.column, je.text);
    static const char *const keys[] = {"id", "action", "by", "to", "due", "note"};
    const char *sv[6] = {NULL, NULL, NULL, NULL, NULL, NULL}; /* action, by, to, due, note at 1..5 */
    int bad = 0;
    if (!json_is_object(root)) {
        bad = api_error(r, 400, "bad_request", "body: a JSON object {\"id\":N,\"action\":\"ack\",\"by\":\"…\"}");
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(root, k, v) {
            int ki = -1;
            for (int i = 0; i < 6; i++)
                if (!strcmp(k, keys[i])) ki = i;
            if (ki < 0) {
                bad = api_error(r, 400, "bad_request", "body: unknown key '%s' (keys: id, action, by, to, due, note)", k);
                break;
            }
            if (ki == 0 && !json_is_integer(v)) {
                bad = api_error(r, 400, "bad_request", "id: a problem id (an integer)");
                break;
            }
            if (ki > 0 && !json_is_string(v) && !json_is_null(v)) {
                bad = api_error(r, 400, "bad_request", "%s: a string", k);
                break;
            }
            if (ki > 0) sv[ki] = json_is_string(v) ? json_string_value(v) : NULL;
        }
    }
    json_t *idv = bad ? NULL : json_object_get(root, "id");
    eco_pb_action_t action = ECO_PA_ACK;
    if (!bad && !idv) bad = api_error(r, 400, "bad_request", "id is required");
    if (!bad && (json_integer_value(idv) <= 0 || json_integer_value(idv) > 2147483647L))
        bad = api_error(r, 400, "bad_request", "id: %lld is not a problem id", (long long)json_integer_value(idv));
    if (!bad && !sv[1]) bad = api_error(r, 400, "bad_request", "action is required (ack, assign, resolve, close, reopen)");
    if (!bad && eco_pb_action_parse(sv[1], &action) < 0)
        bad = api_error(r, 400, "bad_request", "action: '%s' is not ack, assign, resolve, close or reopen", sv[1]);
    if (!bad && (!sv[2] || !*sv[2])) bad = api_error(r, 400, "bad_request", "by is required (who is acting)");
    if (bad) {
        json_decref(root);
        return -1;
    }
    long id = (long)json_integer_value(idv);
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.create = 0;
    so.catalogue_only = 1; /* the ledger only: no scan of every series' latest value */
    eco_store_t *st;
    eco_err_t err;
    eco_err_clear(&err);
    if (eco_store_open(&st, r->api->data_dir, &so, &err) < 0) {
        json_decref(root);
        return api_error(r, 503, "store", "%s", err.msg);
    }
    eco_problem_change_t c = {action, sv[2], sv[3], sv[4], sv[5], eco_time_from_utc(eco_now_ms() / 1000)};
    eco_pb_state_t to;
    int rc = eco_store_problem_transition(st, id, &c, &to, &err);
    if (rc == 0) {
        eco_log(ECO_LOG_INFO, "http: ledger: problem %ld %s by %s -> %s", id, eco_pb_action_name(action), sv[2],
                eco_pb_state_name(to));
        rc = ledger_item_json(r, st, id);
    } else {
        rc = ledger_store_error(r, &err);
    }
    eco_store_close(st);
    json_decref(root);
    r->ctype = "application/json";
    return rc;
}

static const param_def_t p_ledger[] = {
    {"state", "enum:open|acknowledged|assigned|resolved|closed|reopened", "one state"},
    {"site", "string", "site code"},
    {"limit", "integer", "newest N, 1..5000 (default 200)"},
    {"overdue", "enum:0|1", "1: only problems past their due date"},
    {NULL, NULL, NULL}};
static const param_def_t p_ledger_item[] = {{"id", "integer", "the problem's id (required)"}, {NULL, NULL, NULL}};

/* ------------------------------------------------------------------ POST /sites */

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static int r_sites_post(api_req_t *r)
{
    json_error_t je;
    json_t *root = json_loadb(r->upload.data ? r->upload.data : "", r->upload.len, 0, &je);
    if (!root)
        return api_error(r, 400, "bad_request", "body: not JSON (line %d column %d: %s)", je.line, je.column, je.text);
    json_t *arr = json_is_array(root) ? root : NULL;
    size_t n = arr ? json_array_size(arr) : 1;
    if (!arr && !json_is_object(root)) {
        json_decref(root);
        return api_error(r, 400, "bad_request", "body: a site object or an array of them");
    }
    /* validate everything first: nothing is written unless all of it is good (the error is
     * written before the document is freed: its strings live in it) */
    for (size_t i = 0; i < n; i++) {
        json_t *o = arr ? json_array_get(arr, i) : root;
        eco_site_kind_t k;
        const char *code = json_is_object(o) ? jstr(o, "code") : "";
        int bad = 0;
        if (!*code) {
            bad = api_error(r, 400, "bad_request", "site %zu: code is required", i);
        } else if (eco_site_kind_parse(eco_slice_cstr(jstr(o, "kind")), &k) < 0) {
            bad = api_error(r, 400, "bad_request", "site %zu (%s): kind '%s' is not a site kind", i, code,
                            jstr(o, "kind"));
        } else {
            json_t *lon = json_object_get(o, "lon"), *lat = json_object_get(o, "lat");
            if ((lon && !json_is_number(lon) && !json_is_null(lon)) || (lat && !json_is_number(lat) && !json_is_null(lat)) ||
                (json_is_number(lon) && fabs(json_number_value(lon)) > 180) ||
                (json_is_number(lat) && fabs(json_number_value(lat)) > 90))
                bad = api_error(r, 400, "bad_request", "site %zu (%s): lon/lat must be numbers in range", i, code);
        }
        if (bad) {
            json_decref(root);
            return -1;
        }
    }
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.create = 0;
    so.catalogue_only = 1; /* sites only: no scan of every series' latest value */
    eco_store_t *st;
    eco_err_t err;
    eco_err_clear(&err);
    if (eco_store_open(&st, r->api->data_dir, &so, &err) < 0) {
        json_decref(root);
        return api_error(r, 503, "store", "%s", err.msg);
    }
    int rc = eco_store_tx_begin(st, &err);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        json_t *o = arr ? json_array_get(arr, i) : root;
        eco_site_t s;
        memset(&s, 0, sizeof s);
        s.code = jstr(o, "code");
        eco_site_kind_parse(eco_slice_cstr(jstr(o, "kind")), &s.kind);
        s.name = jstr(o, "name");
        s.province = jstr(o, "province");
        s.city = jstr(o, "city");
        s.county = jstr(o, "county");
        s.basin = jstr(o, "basin");
        s.river = jstr(o, "river");
        s.zone = jstr(o, "zone");
        json_t *lon = json_object_get(o, "lon"), *lat = json_object_get(o, "lat");
        s.lon = json_is_number(lon) ? json_number_value(lon) : NAN;
        s.lat = json_is_number(lat) ? json_number_value(lat) : NAN;
        rc = eco_store_site_put(st, &s, &err);
    }
    if (rc >= 0) rc = eco_store_tx_commit(st, &err);
    else eco_store_tx_rollback(st);
    eco_store_close(st);
    json_decref(root);
    if (rc < 0) return api_error(r, 500, "store", "%s", err.msg);
    eco_log(ECO_LOG_INFO, "http: %zu site(s) written through the API", n);
    eco_json_t j;
    eco_json_init(&j, &r->out);
    eco_json_obj_begin(&j);
    eco_json_key(&j, "written");
    eco_json_int(&j, (int64_t)n);
    eco_json_obj_end(&j);
    r->ctype = "application/json";
    return 0;
}

/* ------------------------------------------------------------------ computed answers */

/* Routes that read a period of every station's hours and compute (targets, rankings, assessments,
 * daily AQI) take seconds and memory on a big store: at most API_HEAVY_MAX at once, the others are
 * told to come back (503) rather than queue up and hold every store connection. */
#define API_HEAVY_MAX 2

static int heavy_call(api_req_t *r, route_fn fn)
{
    eco_api_t *a = r->api;
    pthread_mutex_lock(&a->m_mu);
    int busy = a->heavy >= API_HEAVY_MAX;
    if (!busy) a->heavy++;
    pthread_mutex_unlock(&a->m_mu);
    if (busy)
        return api_error(r, 503, "busy", "%d computed answers (targets, rankings, assessments) in progress: try again",
                         API_HEAVY_MAX);
    int rc = fn(r);
    pthread_mutex_lock(&a->m_mu);
    a->heavy--;
    pthread_mutex_unlock(&a->m_mu);
    return rc;
}

static int h_targets(api_req_t *r) { return heavy_call(r, api_targets); }
static int h_rankings(api_req_t *r) { return heavy_call(r, api_rankings); }
static int h_air_assess(api_req_t *r) { return heavy_call(r, api_air_assess); }
static int h_aqi_daily(api_req_t *r) { return heavy_call(r, api_aqi_daily); }

/* ------------------------------------------------------------------ the table */

static const param_def_t p_sites[] = {
    {"kind", "enum:air|water|drinking|groundwater|sea|noise|radiation|outlet", "site kind"},
    {"city", "string", "city as the catalogue has it"},
    {"county", "string", "county as the catalogue has it"},
    {NULL, NULL, NULL}};
static const param_def_t p_devices[] = {{"site", "string", "site code"}, {NULL, NULL, NULL}};
static const param_def_t p_latest[] = {
    {"kind", "enum:air|water|drinking|groundwater|sea|noise|radiation|outlet", "site kind"},
    {"site", "string", "site code"},
    {"factor", "string", "HJ 212 factor code (a34004)"},
    {"granularity", "enum:realtime|minute|hour|day", "one granularity (default all)"},
    {NULL, NULL, NULL}};
static const param_def_t p_series[] = {
    {"site", "string", "site code (this or mn)"},
    {"mn", "string", "device MN (this or site)"},
    {"factor", "string", "HJ 212 factor code"},
    {"granularity", "enum:realtime|minute|hour|day", "default hour"},
    {"from", "time", "inclusive; default to minus 7 days"},
    {"to", "time", "inclusive; default now"},
    {"limit", "integer", "rows per page, 1..10000 (default 1000)"},
    {"after", "string", "the next cursor of the previous page"},
    {NULL, NULL, NULL}};
static const param_def_t p_city[] = {{"city", "string", "city as the catalogue has it"}, {NULL, NULL, NULL}};
static const param_def_t p_alerts[] = {
    {"from", "time", "inclusive; default now minus 24 h"},
    {"to", "time", "inclusive; default now"},
    {"screen", "string", "spike, flat, stuck, impossible, future, smooth, silent"},
    {"site", "string", "site code"},
    {"limit", "integer", "newest N, 1..5000 (default 200)"},
    {NULL, NULL, NULL}};
static const param_def_t p_targets[] = {
    {"as_of", "time", "the date the report is made on (default today, Beijing); clamped to the plan's year"},
    {"lang", "enum:zh|en", "language of status_text, goal and reason (default zh)"},
    {NULL, NULL, NULL}};
static const param_def_t p_assess[] = {
    {"by", "enum:site|city|county|province", "entity level (default city)"},
    {"period", "string", "YYYY-MM, YYYY-Qn, YYYY, a day or FROM..TO (default the last complete month)"},
    {"basis", "enum:date|2012|2026", "editions: each day's own (default) or one for the whole period"},
    {"entity", "string", "only this entity"},
    {NULL, NULL, NULL}};
static const param_def_t p_daily[] = {
    {"site", "string", "site code"},
    {"city", "string", "city as the catalogue has it"},
    {"period", "string", "YYYY-MM, a day or FROM..TO (default the last 7 days; over 31 days needs a site)"},
    {NULL, NULL, NULL}};
static const param_def_t p_stream[] = {
    {"minute", "enum:0|1", "also minute and real-time values (many)"},
    {"access_token", "string", "a read token, for EventSource clients that cannot send Authorization"},
    {NULL, NULL, NULL}};

const route_t api_routes[] = {
    {"GET", "/healthz", "Liveness and the store's state", "operations", r_healthz, ACCESS_OPEN, 0, NULL, 0},
    {"GET", "/metrics", "Prometheus metrics", "operations", api_metrics, ACCESS_OPEN, 0, NULL, 0},
    {"GET", "/api/v1/openapi.json", "This document", "meta", api_openapi, ACCESS_OPEN, 0, NULL, 0},
    {"GET", "/api/v1/sites", "Sites of the catalogue (JSON, GeoJSON, CSV)", "catalogue", r_sites, ACCESS_READ, 1, p_sites, 0},
    {"POST", "/api/v1/sites", "Add or update sites (write role)", "catalogue", r_sites_post, ACCESS_WRITE, 0, NULL, 0},
    {"GET", "/api/v1/devices", "Devices and their health (never passwords or keys)", "catalogue", r_devices, ACCESS_READ, 1, p_devices, 0},
    {"GET", "/api/v1/latest", "Latest value of every series, from memory", "data", r_latest, ACCESS_READ, 1, p_latest, 0},
    {"GET", "/api/v1/series", "Values over a time range, keyset-paginated", "data", r_series, ACCESS_READ, 1, p_series, 0},
    {"GET", "/api/v1/aqi/latest", "Real-time AQI (HJ 633) of each air site's latest hour", "air", r_aqi_latest, ACCESS_READ, 1, p_city, 0},
    {"GET", "/api/v1/aqi/daily", "Daily AQI (HJ 633) and daily values (HJ 663) of air sites, from stored hours", "air", h_aqi_daily, ACCESS_READ, 1, p_daily, 0},
    {"GET", "/api/v1/air/assess", "HJ 663 assessment of sites or regions over a period, from stored hours", "air", h_air_assess, ACCESS_READ, 1, p_assess, 0},
    {"GET", "/api/v1/water/latest", "GB 3838 class of each water site's latest hour", "water", r_water_latest, ACCESS_READ, 1, p_city, 0},
    {"GET", "/api/v1/alerts", "Alerts, newest first", "alerts", r_alerts, ACCESS_READ, 1, p_alerts, 0},
    {"GET", "/api/v1/ledger", "The problem ledger: problems grouped from alerts, newest first", "ledger", r_ledger, ACCESS_READ, 1, p_ledger, 0},
    {"GET", "/api/v1/ledger/item", "One problem with its alerts and history", "ledger", r_ledger_item, ACCESS_READ, 0, p_ledger_item, 0},
    {"POST", "/api/v1/ledger/action", "Act on a problem: ack, assign, resolve, close, reopen (write role)", "ledger", r_ledger_action, ACCESS_WRITE, 0, NULL, 0},
    {"GET", "/api/v1/targets", "Where each target of the configured plan stands", "brain", h_targets, ACCESS_READ, 1, p_targets, 0},
    {"GET", "/api/v1/rankings", "Rankings by the composite index, its change, PM2.5 or good days", "brain", h_rankings, ACCESS_READ, 1, api_p_rankings, 0},
    {"GET", "/api/v1/stream", "Live events (Server-Sent Events)", "live", api_stream, ACCESS_READ, 0, p_stream, 0},
    {"GET", "/", "The dashboard and its files", "dashboard", api_static, ACCESS_OPEN, 0, NULL, 1},
};
const int api_nroutes = (int)(sizeof api_routes / sizeof api_routes[0]);

/* ------------------------------------------------------------------ OpenAPI */

int api_openapi(api_req_t *r)
{
    eco_json_t j;
    eco_json_init(&j, &r->out);
    eco_json_obj_begin(&j);
    eco_json_key(&j, "openapi");
    eco_json_str(&j, "3.0.3");
    eco_json_key(&j, "info");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "title");
    eco_json_str(&j, "ecobrain API");
    eco_json_key(&j, "version");
    eco_json_str(&j, ECO_VERSION);
    eco_json_key(&j, "description");
    eco_json_str(&j, "Times are ISO 8601 in Beijing time (+08:00). Errors: {\"error\", \"detail\"}. Tabular routes "
                     "answer CSV with format=csv or Accept: text/csv. See docs/api.md.");
    eco_json_obj_end(&j);
    eco_json_key(&j, "components");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "securitySchemes");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "bearer");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "type");
    eco_json_str(&j, "http");
    eco_json_key(&j, "scheme");
    eco_json_str(&j, "bearer");
    eco_json_obj_end(&j);
    eco_json_obj_end(&j);
    eco_json_key(&j, "schemas");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "Error");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "type");
    eco_json_str(&j, "object");
    eco_json_key(&j, "properties");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "error");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "type");
    eco_json_str(&j, "string");
    eco_json_obj_end(&j);
    eco_json_key(&j, "detail");
    eco_json_obj_begin(&j);
    eco_json_key(&j, "type");
    eco_json_str(&j, "string");
    eco_json_obj_end(&j);
    eco_json_obj_end(&j);
    eco_json_obj_end(&j);
    eco_json_obj_end(&j);
    eco_json_obj_end(&j);
    eco_json_key(&j, "paths");
    eco_json_obj_begin(&j);
    for (int i = 0; i < api_nroutes; i++) {
        const route_t *rt = &api_routes[i];
        if (rt->prefix) continue; /* static files are not API */
        /* routes sharing a path (GET and POST /sites) go under one path object */
        int first = 1;
        for (int k = 0; k < i; k++)
            if (!strcmp(api_routes[k].path, rt->path)) first = 0;
        if (!first) continue;
        eco_json_key(&j, rt->path);
        eco_json_obj_begin(&j);
        for (int k = i; k < api_nroutes; k++) {
            const route_t *m = &api_routes[k];
            if (strcmp(m->path, rt->path)) continue;
            char meth[8];
            size_t ml = strlen(m->method);
            for (size_t c = 0; c <= ml && c < sizeof meth; c++) meth[c] = (char)(m->method[c] | (c < ml ? 0x20 : 0));
            eco_json_key(&j, meth);
            eco_json_obj_begin(&j);
            eco_json_key(&j, "summary");
            eco_json_str(&j, m->summary);
            eco_json_key(&j, "tags");
            eco_json_arr_begin(&j);
            eco_json_str(&j, m->tag);
            eco_json_arr_end(&j);
            if (m->access != ACCESS_OPEN) {
                eco_json_key(&j, "security");
                eco_json_arr_begin(&j);
                eco_json_obj_begin(&j);
                eco_json_key(&j, "bearer");
                eco_json_arr_begin(&j);
                eco_json_arr_end(&j);
                eco_json_obj_end(&j);
                eco_json_arr_end(&j);
            }
            eco_json_key(&j, "parameters");
            eco_json_arr_begin(&j);
            for (const param_def_t *p = m->params; p && p->name; p++) {
                eco_json_obj_begin(&j);
                eco_json_key(&j, "name");
                eco_json_str(&j, p->name);
                eco_json_key(&j, "in");
                eco_json_str(&j, "query");
                eco_json_key(&j, "description");
                eco_json_str(&j, p->desc);
                eco_json_key(&j, "schema");
                eco_json_obj_begin(&j);
                eco_json_key(&j, "type");
                eco_json_str(&j, !strcmp(p->type, "integer") ? "integer" : "string");
                if (!strcmp(p->type, "time")) {
                    eco_json_key(&j, "format");
                    eco_json_str(&j, "date-time");
                }
                if (!strncmp(p->type, "enum:", 5)) {
                    eco_json_key(&j, "enum");
                    eco_json_arr_begin(&j);
                    const char *s = p->type + 5;
                    while (*s) {
                        const char *e = strchr(s, '|');
                        size_t len = e ? (size_t)(e - s) : strlen(s);
                        eco_json_strn(&j, s, len);
                        s += len + (e ? 1 : 0);
                    }
                    eco_json_arr_end(&j);
                }
                eco_json_obj_end(&j);
                eco_json_obj_end(&j);
            }
            if (m->tabular) {
                eco_json_obj_begin(&j);
                eco_json_key(&j, "name");
                eco_json_str(&j, "format");
                eco_json_key(&j, "in");
                eco_json_str(&j, "query");
                eco_json_key(&j, "schema");
                eco_json_obj_begin(&j);
                eco_json_key(&j, "type");
                eco_json_str(&j, "string");
                eco_json_key(&j, "enum");
                eco_json_arr_begin(&j);
                eco_json_str(&j, "json");
                eco_json_str(&j, "csv");
                if (!strcmp(m->path, "/api/v1/sites")) eco_json_str(&j, "geojson");
                eco_json_arr_end(&j);
                eco_json_obj_end(&j);
                eco_json_obj_end(&j);
            }
            eco_json_arr_end(&j);
            eco_json_key(&j, "responses");
            eco_json_obj_begin(&j);
            eco_json_key(&j, "200");
            eco_json_obj_begin(&j);
            eco_json_key(&j, "description");
            eco_json_str(&j, "OK");
            eco_json_key(&j, "content");
            eco_json_obj_begin(&j);
            eco_json_key(&j, !strcmp(m->path, "/metrics") ? "text/plain"
                             : m->fn == api_stream         ? "text/event-stream"
                                                           : "application/json");
            eco_json_obj_begin(&j);
            eco_json_obj_end(&j);
            if (m->tabular) {
                eco_json_key(&j, "text/csv");
                eco_json_obj_begin(&j);
                eco_json_obj_end(&j);
            }
            eco_json_obj_end(&j);
            eco_json_obj_end(&j);
            const char *errs[] = {"400", "401", "403", "404", "503"};
            for (int e = 0; e < 5; e++) {
                if ((e == 1 || e == 2) && m->access == ACCESS_OPEN) continue;
                eco_json_key(&j, errs[e]);
                eco_json_obj_begin(&j);
                eco_json_key(&j, "description");
                eco_json_str(&j, "error");
                eco_json_key(&j, "content");
                eco_json_obj_begin(&j);
                eco_json_key(&j, "application/json");
                eco_json_obj_begin(&j);
                eco_json_key(&j, "schema");
                eco_json_obj_begin(&j);
                eco_json_key(&j, "$ref");
                eco_json_str(&j, "#/components/schemas/Error");
                eco_json_obj_end(&j);
                eco_json_obj_end(&j);
                eco_json_obj_end(&j);
                eco_json_obj_end(&j);
            }
            eco_json_obj_end(&j);
            eco_json_obj_end(&j);
        }
        eco_json_obj_end(&j);
    }
    eco_json_obj_end(&j);
    eco_json_obj_end(&j);
    if (eco_json_status(&j) < 0) return api_error(r, 500, "internal", "openapi document");
    return 0;
}
