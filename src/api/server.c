/* server.c — the HTTP face's machinery: libmicrohttpd, routing, access
 * control, errors, parameters, the catalogue snapshot, the read pool, the
 * response cache, metrics and the static dashboard files.
 *
 * Why thread-per-connection: an SSE client waits on the live ring between
 * events, which is simplest and cheapest as a blocked thread of its own; a
 * request/response client holds a thread only while its keep-alive
 * connection is open. The number of both is capped (max_connections,
 * max_sse_clients), so a crowd of clients cannot exhaust threads.
 *
 * Why a catalogue snapshot: every request needs "which site is this MN, what
 * kind is that site"; reading SQLite for it per request would cost more than
 * the answer. A keeper thread rereads sites and devices every few seconds
 * into an immutable snapshot that requests hold by reference.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <ini.h>
#include <openssl/evp.h>
#include <zstd.h>

#include "api/internal.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/time.h"
#include "standards/factors.h"

#define FIRST_BAD(buf, ...) ((buf)[0] ? 0 : snprintf((buf), sizeof(buf), __VA_ARGS__))

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------------ config */

void eco_api_cfg_default(eco_api_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->host, sizeof c->host, "127.0.0.1");
    c->port = 8080;
    c->max_connections = 256;
    c->max_per_ip = 64;
    c->max_sse_clients = 64;
    c->max_body = 1 << 20;
    c->readers = 4;
    c->catalogue_refresh_s = 5;
    c->online_s = 600;
    c->sse_buffer = 16384;
    c->snapshot_ms = 1000;
}

typedef struct cfg_ctx {
    eco_api_cfg_t *c;
    char bad[400];
    int bad_line;
    int line;
} cfg_ctx_t;

static int hex64_list_ok(const char *v)
{
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        int n = 0;
        while (isxdigit((unsigned char)p[n])) n++;
        if (n != 64 || (p[n] && p[n] != ',' && p[n] != ' ')) return 0;
        p += n;
    }
    return 1;
}

static int cfg_kv(void *ud, const char *sec, const char *key, const char *val)
{
    cfg_ctx_t *x = ud;
    if (strcmp(sec, "http") != 0) return 1;
    eco_api_cfg_t *c = x->c;
    char *end;
    long n;
#define INTKEY(name, lo, hi, field)                                                                   \
    if (!strcmp(key, name)) {                                                                         \
        errno = 0;                                                                                    \
        n = strtol(val, &end, 10);                                                                    \
        if (errno || end == val || *end || n < (lo) || n > (hi))                                      \
            FIRST_BAD(x->bad, "http.%s: '%s' is not an integer in %ld..%ld", key, val, (long)(lo), (long)(hi)); \
        else                                                                                          \
            c->field = (int)n;                                                                        \
        return 1;                                                                                     \
    }
    if (!strcmp(key, "listen")) {
        const char *colon = strrchr(val, ':');
        long port = colon ? strtol(colon + 1, &end, 10) : -1;
        if (!colon || end == colon + 1 || *end || port < 0 || port > 65535 ||
            (size_t)(colon - val) >= sizeof c->host) {
            FIRST_BAD(x->bad, "http.listen: '%s' is not HOST:PORT", val);
        } else {
            if (colon > val) snprintf(c->host, sizeof c->host, "%.*s", (int)(colon - val), val);
            c->port = (int)port;
        }
        return 1;
    }
    if (!strcmp(key, "web_root")) return snprintf(c->web_root, sizeof c->web_root, "%s", val), 1;
    if (!strcmp(key, "targets_plan")) return snprintf(c->targets_plan, sizeof c->targets_plan, "%s", val), 1;
    if (!strcmp(key, "cors_origin")) return snprintf(c->cors_origin, sizeof c->cors_origin, "%s", val), 1;
    if (!strcmp(key, "read_token_sha256") || !strcmp(key, "write_token_sha256")) {
        if (!hex64_list_ok(val)) {
            FIRST_BAD(x->bad, "http.%s: expected SHA-256 digests (64 hex digits, comma-separated) — "
                              "`ecobrain token hash TOKEN` prints one", key);
            return 1;
        }
        char *dst = key[0] == 'r' ? c->read_tokens : c->write_tokens;
        snprintf(dst, sizeof c->read_tokens, "%s", val);
        for (char *p = dst; *p; p++) *p = (char)tolower((unsigned char)*p);
        return 1;
    }
    INTKEY("max_connections", 1, 100000, max_connections)
    INTKEY("max_sse_clients", 0, 10000, max_sse_clients)
    INTKEY("max_per_ip", 1, 100000, max_per_ip)
    INTKEY("readers", 1, 64, readers)
    INTKEY("catalogue_refresh_s", 1, 3600, catalogue_refresh_s)
    INTKEY("online_s", 1, 86400 * 7, online_s)
    INTKEY("sse_buffer", 16, 1 << 22, sse_buffer)
    INTKEY("snapshot_ms", 0, 60000, snapshot_ms)
    if (!strcmp(key, "max_body")) {
        errno = 0;
        n = strtol(val, &end, 10);
        if (errno || end == val || *end || n < 1024 || n > (1L << 30))
            FIRST_BAD(x->bad, "http.max_body: '%s' is not a size in bytes (1024..1073741824)", val);
        else
            c->max_body = n;
        return 1;
    }
#undef INTKEY
    FIRST_BAD(x->bad, "unknown setting [http] %s", key);
    return 1;
}

int eco_api_cfg_load(eco_api_cfg_t *c, const char *path, eco_err_t *err)
{
    cfg_ctx_t x = {c, "", 0, 0};
    int line = ini_parse(path, cfg_kv, &x);
    if (line < 0) return eco_err_set(err, ECO_EIO, "%s: cannot read: %s", path, strerror(errno));
    if (line > 0) return eco_err_set(err, ECO_EPARSE, "%s:%d: not an INI line", path, line);
    if (x.bad[0]) return eco_err_set(err, ECO_EINVAL, "%s: %s", path, x.bad);
    return 0;
}

void eco_api_token_hash(const char *token, char hex[65])
{
    unsigned char md[32];
    unsigned int mdn = 0;
    EVP_Digest(token, strlen(token), md, &mdn, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[64] = 0;
}

/* constant-time membership of a digest in a comma-separated list */
static int token_in(const char *list, const char *hex)
{
    int found = 0;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (strlen(p) < 64) break;
        unsigned diff = 0;
        for (int i = 0; i < 64; i++) diff |= (unsigned)(p[i] ^ hex[i]);
        found |= diff == 0;
        p += 64;
    }
    return found;
}

/* ------------------------------------------------------------------ catalogue */

static void cat_free(cat_t *c)
{
    if (!c) return;
    eco_map_free(&c->site_map);
    eco_map_free(&c->dev_map);
    eco_map_free(&c->item_map);
    free(c->sites);
    free(c->devs);
    free(c->site_devs);
    free(c->items);
    eco_arena_free(&c->arena);
    free(c);
}

typedef struct cat_build {
    cat_t *c;
    size_t cap_sites, cap_devs, cap_items;
    int oom;
} cat_build_t;

static const char *adup(cat_t *c, const char *s)
{
    return eco_arena_strndup(&c->arena, s ? s : "", s ? strlen(s) : 0);
}

static int on_cat_site(void *ud, const eco_site_t *s)
{
    cat_build_t *b = ud;
    cat_t *c = b->c;
    if (c->nsites == b->cap_sites) {
        size_t nc = b->cap_sites ? b->cap_sites * 2 : 256;
        cat_site_t *n = realloc(c->sites, nc * sizeof *n);
        if (!n) return b->oom = 1;
        c->sites = n;
        b->cap_sites = nc;
    }
    cat_site_t *d = &c->sites[c->nsites];
    memset(d, 0, sizeof *d);
    d->s = *s;
    d->s.code = adup(c, s->code);
    d->s.name = adup(c, s->name);
    d->s.province = adup(c, s->province);
    d->s.city = adup(c, s->city);
    d->s.county = adup(c, s->county);
    d->s.basin = adup(c, s->basin);
    d->s.river = adup(c, s->river);
    d->s.zone = adup(c, s->zone);
    if (!d->s.code || !d->s.name || !d->s.province || !d->s.city || !d->s.county || !d->s.basin || !d->s.river ||
        !d->s.zone || eco_map_put(&c->site_map, eco_slice_cstr(d->s.code)) != (int32_t)c->nsites)
        return b->oom = 1;
    c->nsites++;
    return 0;
}

static int on_cat_dev(void *ud, const eco_device_t *v)
{
    cat_build_t *b = ud;
    cat_t *c = b->c;
    if (c->ndevs == b->cap_devs) {
        size_t nc = b->cap_devs ? b->cap_devs * 2 : 256;
        cat_dev_t *n = realloc(c->devs, nc * sizeof *n);
        if (!n) return b->oom = 1;
        c->devs = n;
        b->cap_devs = nc;
    }
    cat_dev_t *d = &c->devs[c->ndevs];
    d->mn = adup(c, v->mn);
    d->site = adup(c, v->site);
    d->edition = adup(c, v->edition);
    d->profile = adup(c, v->profile);
    d->registered_ms = v->registered_ms;
    d->last_seen_ms = v->last_seen_ms;
    d->site_idx = *v->site ? eco_map_get(&c->site_map, eco_slice_cstr(v->site)) : -1;
    if (!d->mn || !d->site || !d->edition || !d->profile ||
        eco_map_put(&c->dev_map, eco_slice_cstr(d->mn)) != (int32_t)c->ndevs)
        return b->oom = 1;
    c->ndevs++;
    return 0;
}

static int on_cat_factor(void *ud, const eco_factor_t *f)
{
    cat_build_t *b = ud;
    cat_t *c = b->c;
    if (!*f->item) return 0;
    int32_t id = eco_map_put(&c->item_map, eco_slice_cstr(f->code));
    if (id < 0) return b->oom = 1;
    if ((size_t)id >= b->cap_items) {
        size_t nc = b->cap_items ? b->cap_items * 2 : 64;
        const char **n = realloc(c->items, nc * sizeof *n);
        if (!n) return b->oom = 1;
        c->items = n;
        b->cap_items = nc;
    }
    if (!(c->items[id] = adup(c, f->item))) return b->oom = 1;
    return 0;
}

static int cmp_dev_site(const void *a, const void *b, void *ud)
{
    const cat_t *c = ud;
    const cat_dev_t *x = &c->devs[*(const uint32_t *)a], *y = &c->devs[*(const uint32_t *)b];
    if (x->site_idx != y->site_idx) return x->site_idx < y->site_idx ? -1 : 1;
    return strcmp(x->mn, y->mn);
}

static cat_t *cat_load(eco_store_t *st, uint64_t gen, eco_err_t *err)
{
    cat_t *c = calloc(1, sizeof *c);
    if (!c) return eco_err_set(err, ECO_ENOMEM, "catalogue: out of memory"), NULL;
    eco_arena_init(&c->arena, 1 << 16);
    eco_map_init(&c->site_map);
    eco_map_init(&c->dev_map);
    eco_map_init(&c->item_map);
    c->gen = gen;
    cat_build_t b = {c, 0, 0, 0, 0};
    if (eco_store_site_each(st, on_cat_site, &b, err) < 0 || b.oom ||
        eco_store_device_each(st, on_cat_dev, &b, err) < 0 || b.oom ||
        eco_store_factor_each(st, on_cat_factor, &b, err) < 0 || b.oom) {
        if (b.oom) eco_err_set(err, ECO_ENOMEM, "catalogue: out of memory");
        cat_free(c);
        return NULL;
    }
    /* devices grouped by site: an insertion sort would do for a few thousand, qsort_r is simpler */
    c->site_devs = malloc((c->ndevs ? c->ndevs : 1) * sizeof *c->site_devs);
    if (!c->site_devs) {
        cat_free(c);
        return eco_err_set(err, ECO_ENOMEM, "catalogue: out of memory"), NULL;
    }
    for (size_t i = 0; i < c->ndevs; i++) c->site_devs[i] = (uint32_t)i;
    qsort_r(c->site_devs, c->ndevs, sizeof *c->site_devs, cmp_dev_site, c);
    for (size_t i = 0; i < c->ndevs; i++) {
        int32_t si = c->devs[c->site_devs[i]].site_idx;
        if (si < 0) continue;
        if (!c->sites[si].ndev) c->sites[si].dev0 = (uint32_t)i;
        c->sites[si].ndev++;
    }
    c->refs = 1;
    return c;
}

cat_t *api_cat_get(eco_api_t *a)
{
    pthread_mutex_lock(&a->cat_mu);
    cat_t *c = a->cat;
    c->refs++;
    pthread_mutex_unlock(&a->cat_mu);
    return c;
}

void api_cat_put(eco_api_t *a, cat_t *c)
{
    if (!c) return;
    pthread_mutex_lock(&a->cat_mu);
    int last = --c->refs == 0;
    pthread_mutex_unlock(&a->cat_mu);
    if (last) cat_free(c);
}

const char *api_factor_item(const cat_t *c, const char *code)
{
    int32_t id = eco_map_get(&c->item_map, eco_slice_cstr(code));
    if (id >= 0) return c->items[id];
    return eco_factor_default_item(code);
}

/* ------------------------------------------------------------------ read pool */

eco_store_t *api_reader_get(eco_api_t *a)
{
    /* at most 10 s: a pool held by long reads must not hang every other request for good */
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 10;
    pthread_mutex_lock(&a->pool_mu);
    while (!a->nfree && !atomic_load(&a->quit))
        if (pthread_cond_timedwait(&a->pool_cv, &a->pool_mu, &dl) == ETIMEDOUT) break;
    eco_store_t *s = a->nfree ? a->free_list[--a->nfree] : NULL;
    pthread_mutex_unlock(&a->pool_mu);
    return s;
}

void api_reader_put(eco_api_t *a, eco_store_t *s)
{
    if (!s) return;
    pthread_mutex_lock(&a->pool_mu);
    a->free_list[a->nfree++] = s;
    pthread_cond_signal(&a->pool_cv);
    pthread_mutex_unlock(&a->pool_mu);
}

/* ------------------------------------------------------------------ responses */

int api_error(api_req_t *r, int status, const char *code, const char *fmt, ...)
{
    char detail[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    eco_buf_reset(&r->out);
    eco_json_t j;
    eco_json_init(&j, &r->out);
    eco_json_obj_begin(&j);
    eco_json_key(&j, "error");
    eco_json_str(&j, code);
    eco_json_key(&j, "detail");
    eco_json_str(&j, detail);
    eco_json_obj_end(&j);
    r->status = status;
    r->ctype = "application/json";
    r->csv = 0;
    return -1;
}

const char *api_arg(api_req_t *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int api_arg_time(api_req_t *r, const char *name, eco_time_t *t)
{
    const char *v = api_arg(r, name);
    if (!v) return 0;
    /* "+08:00" written unencoded in a URL arrives as " 08:00": take it back */
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s", v);
    size_t n = strlen(tmp);
    if (n > 16 && tmp[n - 6] == ' ' && tmp[n - 3] == ':' && tmp[n - 9] == ':') tmp[n - 6] = '+'; /* "…20:00:00 08:00" */
    if (!*v || eco_time_parse(eco_slice_cstr(tmp), t) < 0)
        return api_error(r, 400, "bad_request",
                         "%s: '%s' is not a time (2026-11-28T20:00:00+08:00, 2026-11-28 20:00:00 or 2026-11-28)",
                         name, v);
    return 0;
}

int api_arg_long(api_req_t *r, const char *name, long lo, long hi, long *v)
{
    const char *s = api_arg(r, name);
    if (!s) return 0;
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (!*s || errno || *end || n < lo || n > hi)
        return api_error(r, 400, "bad_request", "%s: '%s' is not an integer in %ld..%ld", name, s, lo, hi);
    *v = n;
    return 0;
}

void api_json_time(eco_json_t *j, eco_time_t t)
{
    char b[40];
    eco_time_format_iso(t, b, sizeof b);
    eco_json_str(j, b);
}

/* ------------------------------------------------------------------ cache */

static void shared_unref(void *cls)
{
    shared_body_t *b = cls;
    eco_api_t *a = b->api;
    pthread_mutex_lock(&a->cache_mu);
    int last = --b->refs == 0;
    pthread_mutex_unlock(&a->cache_mu);
    if (last) {
        free(b->p);
        free(b->z);
        free(b);
    }
}

int api_cache_try(api_req_t *r, uint64_t version, uint64_t gen)
{
    eco_api_t *a = r->api;
    /* current, or not older than snapshot_ms: under steady ingestion the table changes with
     * every commit (every few ms), and rebuilding a 2,000-site answer per request would make
     * the busiest route the slowest; a second-old snapshot is what a map needs (SSE is live).
     * One request rebuilds an expired answer while the others keep taking the old one. */
    int64_t now = mono_us();
    pthread_mutex_lock(&a->cache_mu);
    for (int i = 0; i < API_CACHE_N; i++) {
        if (!a->cache[i].body || a->cache[i].gen != gen || strcmp(a->cache[i].key, r->cache_key)) continue;
        int fresh = a->cache[i].version == version || now - a->cache[i].built_us < (int64_t)a->cfg.snapshot_ms * 1000;
        int rebuilding = a->cache[i].building_us && now - a->cache[i].building_us < 5000000;
        if (!fresh && !rebuilding) {
            a->cache[i].building_us = now; /* this request rebuilds it */
            break;
        }
        r->shared = a->cache[i].body;
        r->shared->refs++;
        r->ctype = r->shared->ctype;
        r->status = 200;
        pthread_mutex_unlock(&a->cache_mu);
        return 1;
    }
    pthread_mutex_unlock(&a->cache_mu);
    return 0;
}

void api_cache_store(api_req_t *r, uint64_t version, uint64_t gen)
{
    eco_api_t *a = r->api;
    if (r->status != 200 || !r->cache_key[0]) return;
    shared_body_t *b = malloc(sizeof *b);
    char *p = malloc(r->out.len ? r->out.len : 1);
    if (!b || !p) {
        free(b);
        free(p);
        return;
    }
    memcpy(p, r->out.data, r->out.len);
    b->api = a;
    b->p = p;
    b->n = r->out.len;
    b->z = NULL;
    b->zn = 0;
    if (b->n >= 4096) { /* large answers asked for again and again: compress once, send many times */
        size_t cap = ZSTD_compressBound(b->n);
        char *z = malloc(cap);
        size_t zn = z ? ZSTD_compress(z, cap, b->p, b->n, 3) : 0;
        if (z && !ZSTD_isError(zn) && zn < b->n) {
            b->z = z;
            b->zn = zn;
        } else {
            free(z);
        }
    }
    b->ctype = r->ctype;
    b->refs = 1; /* the cache's */
    pthread_mutex_lock(&a->cache_mu);
    int slot = -1;
    for (int i = 0; i < API_CACHE_N; i++)
        if (a->cache[i].body && !strcmp(a->cache[i].key, r->cache_key)) slot = i;
    if (slot < 0) slot = (int)(a->cache_next++ % API_CACHE_N);
    shared_body_t *old = a->cache[slot].body;
    snprintf(a->cache[slot].key, sizeof a->cache[slot].key, "%s", r->cache_key);
    a->cache[slot].version = version;
    a->cache[slot].gen = gen;
    a->cache[slot].built_us = mono_us();
    a->cache[slot].building_us = 0;
    a->cache[slot].body = b;
    pthread_mutex_unlock(&a->cache_mu);
    if (old) shared_unref(old);
}

/* ------------------------------------------------------------------ metrics */

static int code_class(int status) { return status >= 100 && status < 600 ? status / 100 : 0; }

int api_metrics(api_req_t *r)
{
    eco_api_t *a = r->api;
    eco_live_counters_t c;
    eco_live_get_counters(a->live, &c);
    eco_buf_t *o = &r->out;
    eco_buf_printf(o,
                   "# HELP ecobrain_up 1 while the server runs.\n# TYPE ecobrain_up gauge\necobrain_up 1\n"
                   "# HELP ecobrain_uptime_seconds Seconds since the HTTP face started.\n"
                   "# TYPE ecobrain_uptime_seconds gauge\necobrain_uptime_seconds %" PRId64 "\n",
                   (eco_now_ms() - a->started_ms) / 1000);
    eco_buf_printf(o,
                   "# HELP ecobrain_connections HJ 212 connections open.\n# TYPE ecobrain_connections gauge\n"
                   "ecobrain_connections %" PRIu64 "\n"
                   "# HELP ecobrain_connections_total HJ 212 connections accepted.\n"
                   "# TYPE ecobrain_connections_total counter\necobrain_connections_total %" PRIu64 "\n",
                   c.conns_open, c.conns_accepted);
    eco_buf_printf(o,
                   "# HELP ecobrain_frames_total HJ 212 frames received.\n# TYPE ecobrain_frames_total counter\n"
                   "ecobrain_frames_total{result=\"ok\"} %" PRIu64 "\necobrain_frames_total{result=\"bad\"} %" PRIu64
                   "\necobrain_frames_total{result=\"refused\"} %" PRIu64 "\n",
                   c.frames_ok, c.frames_bad, c.auth_refused);
    eco_buf_printf(o,
                   "# HELP ecobrain_values_total Values stored, by outcome.\n# TYPE ecobrain_values_total counter\n"
                   "ecobrain_values_total{outcome=\"new\"} %" PRIu64 "\necobrain_values_total{outcome=\"same\"} %" PRIu64
                   "\necobrain_values_total{outcome=\"revised\"} %" PRIu64 "\necobrain_values_total{outcome=\"failed\"} %" PRIu64
                   "\n",
                   c.values_new, c.values_same, c.values_revised, c.values_failed);
    eco_buf_printf(o,
                   "# HELP ecobrain_commits_total Store transactions.\n# TYPE ecobrain_commits_total counter\n"
                   "ecobrain_commits_total{result=\"ok\"} %" PRIu64 "\necobrain_commits_total{result=\"error\"} %" PRIu64
                   "\n# HELP ecobrain_commit_seconds A batch's transaction, begin to commit returned (quantiles since start).\n"
                   "# TYPE ecobrain_commit_seconds gauge\n"
                   "ecobrain_commit_seconds{quantile=\"0.5\"} %.3f\necobrain_commit_seconds{quantile=\"0.99\"} %.3f\n"
                   "# HELP ecobrain_ack_seconds Frame received to its 9014 written (quantiles since start).\n"
                   "# TYPE ecobrain_ack_seconds gauge\n"
                   "ecobrain_ack_seconds{quantile=\"0.5\"} %.3f\necobrain_ack_seconds{quantile=\"0.99\"} %.3f\n",
                   c.commits, c.commit_errors, c.commit_ms_p50 / 1e3, c.commit_ms_p99 / 1e3, c.ack_ms_p50 / 1e3,
                   c.ack_ms_p99 / 1e3);
    eco_buf_printf(o,
                   "# HELP ecobrain_alerts_total Alerts raised by the data-quality screens.\n"
                   "# TYPE ecobrain_alerts_total counter\necobrain_alerts_total %" PRIu64 "\n"
                   "# HELP ecobrain_gaps_total Missing records noticed and filled.\n# TYPE ecobrain_gaps_total counter\n"
                   "ecobrain_gaps_total{state=\"found\"} %" PRIu64 "\necobrain_gaps_total{state=\"filled\"} %" PRIu64 "\n"
                   "# HELP ecobrain_series Series in the latest-value table.\n# TYPE ecobrain_series gauge\n"
                   "ecobrain_series %" PRIu64 "\n"
                   "# HELP ecobrain_events_dropped_total Live events too long for a ring slot (not streamed).\n"
                   "# TYPE ecobrain_events_dropped_total counter\necobrain_events_dropped_total %" PRIu64 "\n",
                   c.alerts, c.gaps_found, c.gaps_filled, eco_live_series(a->live), c.events_dropped);
    pthread_mutex_lock(&a->m_mu);
    eco_buf_puts(o, "# HELP ecobrain_http_requests_total HTTP requests, by route and status class.\n"
                    "# TYPE ecobrain_http_requests_total counter\n");
    for (int i = 0; i <= api_nroutes; i++) /* the last slot: no route (404s, CORS preflights) */
        for (int k = 1; k < 6; k++) {
            uint64_t n = a->m_count[i * 6 + k];
            if (n)
                eco_buf_printf(o, "ecobrain_http_requests_total{route=\"%s\",method=\"%s\",code=\"%dxx\"} %" PRIu64 "\n",
                               i < api_nroutes ? api_routes[i].path : "(none)", i < api_nroutes ? api_routes[i].method : "any",
                               k, n);
        }
    eco_buf_printf(o,
                   "# HELP ecobrain_http_request_seconds Time to answer (SSE excluded).\n"
                   "# TYPE ecobrain_http_request_seconds summary\n"
                   "ecobrain_http_request_seconds{quantile=\"0.5\"} %.3f\n"
                   "ecobrain_http_request_seconds{quantile=\"0.99\"} %.3f\n"
                   "ecobrain_http_request_seconds_sum %.6f\n"
                   "ecobrain_http_request_seconds_count %" PRIu64 "\n"
                   "# HELP ecobrain_sse_clients Server-Sent Events clients connected.\n"
                   "# TYPE ecobrain_sse_clients gauge\necobrain_sse_clients %d\n"
                   "# HELP ecobrain_sse_lagged_total SSE clients told to resynchronise (fell behind).\n"
                   "# TYPE ecobrain_sse_lagged_total counter\necobrain_sse_lagged_total %" PRIu64 "\n",
                   eco_hist_ms_pct(&a->m_lat, 0.5) / 1e3, eco_hist_ms_pct(&a->m_lat, 0.99) / 1e3, a->m_lat_sum_us / 1e6,
                   a->m_lat.n,
                   a->sse_clients, a->sse_lagged);
    pthread_mutex_unlock(&a->m_mu);
    r->status = 200;
    r->ctype = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

/* ------------------------------------------------------------------ static files */

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return "application/octet-stream";
    static const char *const m[][2] = {{".html", "text/html; charset=utf-8"},
                                       {".js", "text/javascript; charset=utf-8"},
                                       {".mjs", "text/javascript; charset=utf-8"},
                                       {".css", "text/css; charset=utf-8"},
                                       {".json", "application/json"},
                                       {".geojson", "application/geo+json"},
                                       {".svg", "image/svg+xml"},
                                       {".png", "image/png"},
                                       {".ico", "image/x-icon"},
                                       {".woff2", "font/woff2"},
                                       {".map", "application/json"},
                                       {".txt", "text/plain; charset=utf-8"}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcasecmp(dot, m[i][0])) return m[i][1];
    return "application/octet-stream";
}

int api_static(api_req_t *r)
{
    eco_api_t *a = r->api;
    if (!a->cfg.web_root[0]) return api_error(r, 404, "not_found", "no dashboard: the server was started without --web");
    const char *u = r->url;
    if (!strcmp(u, "/")) u = "/index.html";
    /* only plain relative names: letters, digits, '-', '_', '.', '/'; no "..", no "//", no hidden files */
    size_t n = strlen(u);
    if (n > 256) return api_error(r, 404, "not_found", "%s: no such file", r->url);
    for (size_t i = 0; i < n; i++) {
        char ch = u[i];
        if (!(isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.' || ch == '/') ||
            (ch == '/' && (u[i + 1] == '/' || u[i + 1] == '.')))
            return api_error(r, 404, "not_found", "%s: no such file", r->url);
    }
    char path[1024], real[PATH_MAX];
    snprintf(path, sizeof path, "%s%s", a->cfg.web_root, u);
    /* what the name resolves to, symlinked directories included, must lie beneath the root */
    size_t rl = strlen(a->web_real);
    if (!realpath(path, real) || strncmp(real, a->web_real, rl) != 0 || real[rl] != '/')
        return api_error(r, 404, "not_found", "%s: no such file", r->url);
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK); /* O_NONBLOCK: a FIFO must not hang us */
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0) close(fd);
        return api_error(r, 404, "not_found", "%s: no such file", r->url);
    }
    r->resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    if (!r->resp) {
        close(fd);
        return api_error(r, 500, "internal", "cannot answer with %s", r->url);
    }
    MHD_add_response_header(r->resp, "Content-Type", mime_of(path));
    MHD_add_response_header(r->resp, "Cache-Control", strstr(u, "/vendor/") ? "max-age=86400" : "no-cache");
    r->status = 200;
    return 0;
}

/* ------------------------------------------------------------------ dispatch */

static int path_match(const route_t *rt, const char *url)
{
    /* the dashboard's files are everything but the API: an unknown API path is a 404 of the API */
    if (rt->prefix) return strncmp(url, rt->path, strlen(rt->path)) == 0 && strncmp(url, "/api/", 5) != 0;
    return strcmp(url, rt->path) == 0;
}

typedef struct arg_check {
    const route_t *rt;
    char bad[128];
} arg_check_t;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    arg_check_t *x = cls;
    if (x->bad[0]) return MHD_NO;
    if (!strcmp(key, "format") && x->rt->tabular) return MHD_YES;
    for (const param_def_t *p = x->rt->params; p && p->name; p++)
        if (!strcmp(p->name, key)) return MHD_YES;
    snprintf(x->bad, sizeof x->bad, "%s", key);
    return MHD_NO;
}

static int authorise(api_req_t *r, int access)
{
    eco_api_t *a = r->api;
    if (access == ACCESS_OPEN) return 0;
    const char *list = access == ACCESS_WRITE ? a->cfg.write_tokens : a->cfg.read_tokens;
    if (access == ACCESS_READ && !a->cfg.read_tokens[0]) return 0;
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    const char *tok = h && !strncasecmp(h, "Bearer ", 7) && h[7] ? h + 7 : NULL;
    /* a browser's EventSource cannot send headers: the stream also takes ?access_token= */
    if (!tok && r->route && r->route->fn == api_stream) tok = api_arg(r, "access_token");
    if (!tok || !*tok) return api_error(r, 401, "unauthorized", "this needs 'Authorization: Bearer TOKEN'");
    char hex[65];
    eco_api_token_hash(tok, hex);
    if (token_in(list, hex)) return 0;
    if (access == ACCESS_READ && token_in(a->cfg.write_tokens, hex)) return 0; /* writing implies reading */
    /* a known token without the role: 403; unknown: 401 */
    if (access == ACCESS_WRITE && token_in(a->cfg.read_tokens, hex))
        return api_error(r, 403, "forbidden", "this token may read but not write");
    return api_error(r, 401, "unauthorized", "unknown token");
}

/* "zstd" among the Accept-Encoding codings, and not refused with q=0 */
static int accepts_zstd(const char *ae)
{
    for (const char *p = ae; p && *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n >= 4 && !strncasecmp(p, "zstd", 4) && (n == 4 || p[4] == ';' || p[4] == ' ')) {
            const char *q = memchr(p, 'q', n);
            if (q && q + 2 <= p + n && q[1] == '=' && strtod(q + 2, NULL) <= 0) return 0;
            return 1;
        }
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static void dispatch(api_req_t *r)
{
    const route_t *rt = NULL;
    int path_known = 0;
    for (int i = 0; i < api_nroutes; i++) {
        if (!path_match(&api_routes[i], r->url)) continue;
        path_known = 1;
        int m_ok = !strcmp(api_routes[i].method, r->method) ||
                   (r->head && !strcmp(api_routes[i].method, "GET"));
        if (m_ok) {
            rt = &api_routes[i];
            r->route_idx = i;
            break;
        }
    }
    if (!rt) {
        r->route_idx = api_nroutes;
        if (path_known) {
            api_error(r, 405, "method_not_allowed", "%s is not allowed on %s", r->method, r->url);
            return;
        }
        api_error(r, 404, "not_found", "%s: no such route (see /api/v1/openapi.json)", r->url);
        return;
    }
    r->route = rt;
    if (r->too_big) {
        api_error(r, 413, "too_large", "the request body is over %ld bytes", r->api->cfg.max_body);
        return;
    }
    if (authorise(r, rt->access) < 0) return;
    if (!rt->prefix) {
        arg_check_t x = {rt, ""};
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &x);
        if (x.bad[0]) {
            char allowed[512] = "";
            size_t off = 0;
            for (const param_def_t *p = rt->params; p && p->name && off < sizeof allowed - 40; p++)
                off += (size_t)snprintf(allowed + off, sizeof allowed - off, "%s%s", off ? ", " : "", p->name);
            if (rt->tabular) snprintf(allowed + off, sizeof allowed - off, "%sformat", off ? ", " : "");
            api_error(r, 400, "bad_request", "unknown parameter '%s' (this route takes: %s)", x.bad,
                      allowed[0] ? allowed : "none");
            return;
        }
    }
    if (rt->tabular) {
        const char *f = api_arg(r, "format");
        const char *acc = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept");
        if (f && strcmp(f, "json") && strcmp(f, "csv") && !(strcmp(f, "geojson") == 0 && !strcmp(rt->path, "/api/v1/sites"))) {
            api_error(r, 400, "bad_request", "format: '%s' is not json or csv%s", f,
                      strcmp(rt->path, "/api/v1/sites") ? "" : " or geojson");
            return;
        }
        r->csv = f ? !strcmp(f, "csv") : (acc && strstr(acc, "text/csv") != NULL);
    }
    r->status = 200;
    r->ctype = r->csv ? "text/csv; charset=utf-8" : "application/json";
    const char *ae = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
    r->zstd_ok = accepts_zstd(ae);
    rt->fn(r);
}

static enum MHD_Result queue(api_req_t *r)
{
    struct MHD_Response *resp = r->resp;
    int zstd = 0;
    if (!resp && r->shared) {
        zstd = r->zstd_ok && r->shared->z != NULL;
        resp = MHD_create_response_from_buffer_with_free_callback_cls(zstd ? r->shared->zn : r->shared->n,
                                                                      zstd ? r->shared->z : r->shared->p,
                                                                      shared_unref, r->shared);
        if (resp) r->shared = NULL;
    }
    if (!resp) resp = MHD_create_response_from_buffer(r->out.len, r->out.data, MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    if (!r->resp && r->ctype) MHD_add_response_header(resp, "Content-Type", r->ctype);
    if (zstd) MHD_add_response_header(resp, "Content-Encoding", "zstd");
    if (r->cache_key[0]) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (r->api->cfg.cors_origin[0]) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", r->api->cfg.cors_origin);
        MHD_add_response_header(resp, "Access-Control-Expose-Headers", "X-Next-Cursor");
        MHD_add_response_header(resp, "Vary", "Origin");
    }
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->next_cursor[0]) MHD_add_response_header(resp, "X-Next-Cursor", r->next_cursor);
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    r->resp = NULL;
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    (void)version;
    eco_api_t *a = cls;
    api_req_t *r = *req_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        r->api = a;
        r->conn = conn;
        r->url = url;
        r->method = method;
        r->head = !strcmp(method, "HEAD");
        r->t0_us = mono_us();
        r->route_idx = -1;
        *req_cls = r;
        return MHD_YES;
    }
    if (*upload_size) { /* a body arrives in pieces */
        if (!r->too_big && (long)(r->upload.len + *upload_size) <= a->cfg.max_body) {
            if (eco_buf_append(&r->upload, upload, *upload_size) < 0) r->too_big = 1;
        } else {
            r->too_big = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->done) return MHD_NO;
    r->done = 1;
    if (!strcmp(method, "OPTIONS") && a->cfg.cors_origin[0]) { /* CORS preflight */
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!resp) return MHD_NO;
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", a->cfg.cors_origin);
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Authorization, Content-Type, Accept");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
        enum MHD_Result ret = MHD_queue_response(conn, 204, resp);
        MHD_destroy_response(resp);
        r->status = 204;
        return ret;
    }
    dispatch(r);
    return queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    eco_api_t *a = cls;
    api_req_t *r = *req_cls;
    if (!r) return;
    int64_t us = mono_us() - r->t0_us;
    int idx = r->route_idx >= 0 ? r->route_idx : api_nroutes;
    pthread_mutex_lock(&a->m_mu);
    a->m_count[idx * 6 + code_class(r->status)]++;
    if (!(r->route && r->route->fn == api_stream)) {
        eco_hist_ms_add(&a->m_lat, us / 1000);
        a->m_lat_sum_us += (uint64_t)us;
    }
    pthread_mutex_unlock(&a->m_mu);
    if (r->shared) shared_unref(r->shared);
    eco_buf_free(&r->out);
    eco_buf_free(&r->upload);
    free(r);
    *req_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    eco_log(ECO_LOG_DEBUG, "http: %s", msg);
}

/* ------------------------------------------------------------------ the keeper thread */

static void keeper_refresh(eco_api_t *a)
{
    eco_store_t *st = api_reader_get(a);
    if (!st) return;
    eco_err_t err;
    eco_err_clear(&err);
    pthread_mutex_lock(&a->cat_mu);
    uint64_t gen = a->cat->gen + 1;
    pthread_mutex_unlock(&a->cat_mu);
    cat_t *c = cat_load(st, gen, &err);
    api_reader_put(a, st);
    if (!c) {
        eco_log(ECO_LOG_WARN, "http: catalogue not reread: %s", err.msg);
        return;
    }
    /* the writer's events name each device's site: keep the live table's copy current */
    eco_live_write_begin(a->live);
    for (size_t i = 0; i < c->ndevs; i++)
        if (*c->devs[i].site && eco_live_site_put(a->live, c->devs[i].mn, c->devs[i].site) < 0) break;
    eco_live_write_end(a->live);
    pthread_mutex_lock(&a->cat_mu);
    cat_t *old = a->cat;
    a->cat = c;
    pthread_mutex_unlock(&a->cat_mu);
    api_cat_put(a, old);
}

/* AQI events: after hour values of an air site arrive, its AQI is recomputed and, when the
 * hour or the figure changed, published. State is kept by site code (a catalogue reload may
 * reorder sites). An hour that only some of the site's pollutants have yet (several analysers,
 * one reports first) is held back until the others arrive, or until 15 minutes after the hour
 * ended, so the map does not flash a figure from half the data. */
typedef struct aqi_state {
    int64_t t;                /* hour (end) last published, INT64_MIN none */
    int aqi;
    int64_t pending_hour;     /* an incomplete hour waiting, 0 none */
} aqi_state_t;

typedef struct keeper {
    eco_map_t codes;          /* site code -> index into st */
    aqi_state_t *st;
    size_t cap;
    const cat_t *c;
    unsigned char *want;
    eco_api_t *a;
    int published;
} keeper_t;

#define AQI_HOLD_S (15 * 60)

static aqi_state_t *keeper_state(keeper_t *k, const char *code)
{
    int32_t id = eco_map_put(&k->codes, eco_slice_cstr(code));
    if (id < 0) return NULL;
    if ((size_t)id >= k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 256;
        while (nc <= (size_t)id) nc *= 2;
        aqi_state_t *n = realloc(k->st, nc * sizeof *n);
        if (!n) return NULL;
        for (size_t i = k->cap; i < nc; i++) n[i].t = INT64_MIN, n[i].aqi = -2, n[i].pending_hour = 0;
        k->st = n;
        k->cap = nc;
    }
    return &k->st[id];
}

static void on_aqi_entry(void *ud, size_t site, int64_t hour_end, int aqi, int complete, const char *json, size_t n)
{
    keeper_t *k = ud;
    aqi_state_t *st = keeper_state(k, k->c->sites[site].s.code);
    if (!st) return;
    eco_time_t now = eco_time_from_utc(eco_now_ms() / 1000);
    if (!complete && now < hour_end + AQI_HOLD_S) { /* wait for the rest of the hour's pollutants */
        st->pending_hour = hour_end;
        return;
    }
    st->pending_hour = 0;
    if (st->t == hour_end && st->aqi == aqi) return;
    st->t = hour_end;
    st->aqi = aqi;
    eco_live_event(k->a->live, ECO_LIVE_EV_AQI, json, n);
    k->published = 1;
}

static void keeper_aqi(eco_api_t *a, keeper_t *k, uint64_t *cursor)
{
    uint64_t head = eco_live_head(a->live);
    uint64_t tail = eco_live_tail(a->live);
    if (*cursor + 1 < tail) *cursor = tail - 1;
    cat_t *c = api_cat_get(a);
    unsigned char *want = calloc(c->nsites ? c->nsites : 1, 1);
    if (!want) {
        api_cat_put(a, c);
        return;
    }
    int any = 0;
    /* air sites with new hour values in the events since the last pass */
    char buf[4096];
    for (uint64_t s = *cursor + 1; s <= head; s++) {
        eco_live_ev_t type;
        size_t len;
        if (eco_live_read(a->live, s, &type, buf, sizeof buf, &len) < 0 || type != ECO_LIVE_EV_VALUE) continue;
        const char *m = strstr(buf, "\"site\":\"");
        if (!m || !strstr(buf, "\"granularity\":\"hour\"")) continue;
        m += 8;
        const char *e = strchr(m, '"');
        if (!e) continue;
        int32_t si = eco_map_get(&c->site_map, (eco_slice_t){m, (size_t)(e - m)});
        if (si >= 0 && c->sites[si].s.kind == ECO_SITE_AIR) want[si] = 1, any = 1;
    }
    *cursor = head;
    /* and those holding an incomplete hour back, once its time is up */
    eco_time_t now = eco_time_from_utc(eco_now_ms() / 1000);
    for (size_t i = 0; i < c->nsites; i++) {
        if (c->sites[i].s.kind != ECO_SITE_AIR) continue;
        int32_t id = eco_map_get(&k->codes, eco_slice_cstr(c->sites[i].s.code));
        if (id >= 0 && k->st[id].pending_hour && now >= k->st[id].pending_hour + AQI_HOLD_S) want[i] = 1, any = 1;
    }
    if (any) {
        k->c = c;
        k->a = a;
        k->published = 0;
        api_aqi_events(a, c, want, on_aqi_entry, k);
        if (k->published) eco_live_notify(a->live);
    }
    free(want);
    api_cat_put(a, c);
}

static void *keeper_main(void *arg)
{
    eco_api_t *a = arg;
    uint64_t cursor = eco_live_head(a->live);
    keeper_t k;
    memset(&k, 0, sizeof k);
    eco_map_init(&k.codes);
    int64_t next_refresh = mono_us() + (int64_t)a->cfg.catalogue_refresh_s * 1000000;
    while (!atomic_load(&a->quit)) {
        int w = eco_live_wait(a->live, cursor, 500);
        if (atomic_load(&a->quit) || w == ECO_ECANCELED) break;
        keeper_aqi(a, &k, &cursor); /* also when nothing came: held-back hours may be due */
        if (mono_us() >= next_refresh) {
            keeper_refresh(a);
            next_refresh = mono_us() + (int64_t)a->cfg.catalogue_refresh_s * 1000000;
        }
    }
    eco_map_free(&k.codes);
    free(k.st);
    return NULL;
}

/* ------------------------------------------------------------------ start / stop */

int eco_api_port(const eco_api_t *a) { return a->port; }

static void api_free(eco_api_t *a)
{
    for (int i = 0; i < a->npool; i++) eco_store_close(a->pool[i]);
    free(a->pool);
    free(a->free_list);
    if (a->cat) api_cat_put(a, a->cat);
    for (int i = 0; i < API_CACHE_N; i++)
        if (a->cache[i].body) shared_unref(a->cache[i].body);
    free(a->m_count);
    pthread_mutex_destroy(&a->pool_mu);
    pthread_cond_destroy(&a->pool_cv);
    pthread_mutex_destroy(&a->cat_mu);
    pthread_mutex_destroy(&a->cache_mu);
    pthread_mutex_destroy(&a->m_mu);
    free(a);
}

int eco_api_start(eco_api_t **out, const eco_api_cfg_t *cfg, const char *data_dir, eco_live_t *live, eco_err_t *err)
{
    *out = NULL;
    eco_api_t *a = calloc(1, sizeof *a);
    if (!a) return eco_err_set(err, ECO_ENOMEM, "http: out of memory");
    a->cfg = *cfg;
    a->live = live;
    a->started_ms = eco_now_ms();
    snprintf(a->data_dir, sizeof a->data_dir, "%s", data_dir);
    pthread_mutex_init(&a->pool_mu, NULL);
    pthread_cond_init(&a->pool_cv, NULL);
    pthread_mutex_init(&a->cat_mu, NULL);
    pthread_mutex_init(&a->cache_mu, NULL);
    pthread_mutex_init(&a->m_mu, NULL);
    a->m_count = calloc((size_t)(api_nroutes + 1) * 6, sizeof *a->m_count);
    a->pool = calloc((size_t)cfg->readers, sizeof *a->pool);
    a->free_list = calloc((size_t)cfg->readers, sizeof *a->free_list);
    if (!a->m_count || !a->pool || !a->free_list) {
        api_free(a);
        return eco_err_set(err, ECO_ENOMEM, "http: out of memory");
    }
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.readonly = 1;
    so.create = 0;
    for (int i = 0; i < cfg->readers; i++) {
        int r = eco_store_open(&a->pool[i], data_dir, &so, err);
        if (r < 0) {
            api_free(a);
            return r;
        }
        a->npool++;
        a->free_list[a->nfree++] = a->pool[i];
    }
    a->schema = eco_store_schema_version(a->pool[0]);
    a->backend = eco_store_backend(a->pool[0]);
    if (!(a->cat = cat_load(a->pool[0], 1, err))) {
        api_free(a);
        return err->code ? err->code : ECO_ENOMEM;
    }
    if (cfg->web_root[0]) {
        struct stat sb;
        if (stat(cfg->web_root, &sb) != 0 || !S_ISDIR(sb.st_mode) ) {
            api_free(a);
            return eco_err_set(err, ECO_ENOENT, "http: --web %s: not a directory (build it with `make web`)",
                               cfg->web_root);
        }
        if (!realpath(cfg->web_root, a->web_real)) {
            api_free(a);
            return eco_err_set(err, ECO_ENOENT, "http: --web %s: %s", cfg->web_root, strerror(errno));
        }
        char idx[600];
        snprintf(idx, sizeof idx, "%s/index.html", cfg->web_root);
        if (access(idx, R_OK) != 0)
            eco_log(ECO_LOG_WARN, "http: %s has no index.html: the dashboard will answer 404", cfg->web_root);
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->host, &sa.sin_addr) != 1) {
        api_free(a);
        return eco_err_set(err, ECO_EINVAL, "http: listen address '%s' is not an IPv4 address", cfg->host);
    }
    a->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                                MHD_USE_ERROR_LOG,
                            (uint16_t)cfg->port, NULL, NULL, on_request, a, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                            a, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE,
                            (unsigned)1024, MHD_OPTION_END);
    if (!a->d) {
        api_free(a);
        return eco_err_set(err, ECO_EIO, "http: cannot listen on %s:%d (in use, or not an address of this host)",
                           cfg->host, cfg->port);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(a->d, MHD_DAEMON_INFO_BIND_PORT);
    a->port = di ? di->port : cfg->port;
    if (pthread_create(&a->keeper, NULL, keeper_main, a) == 0) a->keeper_started = 1;
    if (cfg->port_file[0]) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s.tmp", cfg->port_file);
        FILE *pf = fopen(tmp, "w");
        if (!pf || fprintf(pf, "%d\n", a->port) < 0 || fclose(pf) != 0 || rename(tmp, cfg->port_file) != 0) {
            eco_api_stop(a);
            return eco_err_set(err, ECO_EIO, "http: cannot write %s: %s", cfg->port_file, strerror(errno));
        }
    }
    eco_log(ECO_LOG_INFO, "http listening on %s:%d%s%s%s", cfg->host, a->port, cfg->web_root[0] ? ", dashboard from " : "",
            cfg->web_root, cfg->read_tokens[0] ? "; reads need a token" : "");
    *out = a;
    return 0;
}

void eco_api_stop(eco_api_t *a)
{
    if (!a) return;
    atomic_store(&a->quit, 1);
    pthread_mutex_lock(&a->pool_mu);
    pthread_cond_broadcast(&a->pool_cv);
    pthread_mutex_unlock(&a->pool_mu);
    if (a->d) MHD_stop_daemon(a->d);
    if (a->keeper_started) pthread_join(a->keeper, NULL);
    api_free(a);
}
