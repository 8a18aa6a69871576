/* internal.h — what the API's server (server.c) and its routes (routes.c,
 * stream.c) share. Not a public header.
 */
#ifndef ECO_API_INTERNAL_H
#define ECO_API_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "api/api.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/hist.h"
#include "core/json.h"
#include "brain/targets.h"
#include "core/map.h"
#include "brain/targets.h"
#include "store/store.h"

/* ---- the catalogue, as a snapshot: immutable once built, reference-counted */
typedef struct cat_dev {
    const char *mn, *site, *edition, *profile;
    int64_t registered_ms, last_seen_ms;
    int32_t site_idx;        /* -1: no site */
} cat_dev_t;

typedef struct cat_site {
    eco_site_t s;            /* strings in the arena */
    uint32_t dev0, ndev;     /* into cat.site_devs */
} cat_site_t;

typedef struct cat {
    int refs;                /* under api.cat_mu */
    eco_arena_t arena;
    cat_site_t *sites;
    size_t nsites;
    eco_map_t site_map;      /* code -> index */
    cat_dev_t *devs;
    size_t ndevs;
    eco_map_t dev_map;       /* mn -> index */
    uint32_t *site_devs;     /* device indexes grouped by site */
    eco_map_t item_map;      /* factor code -> index into items (catalogue overrides) */
    const char **items;
    uint64_t gen;
} cat_t;

/* ---- a response body shared by many requests (the cache of /latest etc.) */
typedef struct shared_body {
    struct eco_api *api;
    int refs;                /* under api.cache_mu */
    char *p;
    size_t n;
    char *z;                 /* the same, zstd-compressed (NULL: not worth it) */
    size_t zn;
    const char *ctype;
} shared_body_t;

#define API_CACHE_N 8

struct eco_api {
    eco_api_cfg_t cfg;
    char data_dir[512];
    char web_real[4096];      /* the web root, resolved (static files must resolve beneath it) */
    int schema;               /* the store's, at start (/healthz reads no store) */
    const char *backend;
    eco_live_t *live;
    struct MHD_Daemon *d;
    int port;
    int64_t started_ms;

    pthread_mutex_t pool_mu;  /* read-only store handles */
    pthread_cond_t pool_cv;
    eco_store_t **pool;
    int npool, nfree;
    eco_store_t **free_list;

    pthread_mutex_t cat_mu;
    cat_t *cat;

    pthread_mutex_t cache_mu;
    struct {
        char key[512];
        uint64_t version, gen;
        int64_t built_us;
        int64_t building_us;  /* a request is rebuilding it since then (0 = none): others take the old one */
        shared_body_t *body;
    } cache[API_CACHE_N];
    unsigned cache_next;

    pthread_t keeper;         /* catalogue refresh, AQI events */
    int keeper_started;
    atomic_int quit;
    pthread_mutex_t quit_mu;
    pthread_cond_t quit_cv;

    pthread_mutex_t m_mu;     /* metrics */
    uint64_t *m_count;        /* [route][code class 0..5] */
    eco_hist_ms_t m_lat;
    uint64_t m_lat_sum_us;
    int sse_clients;
    int heavy;                /* computed answers in progress (routes.c heavy_call) */
    uint64_t sse_total, sse_lagged;
};

/* ---- one request */
typedef struct api_req {
    eco_api_t *api;
    struct MHD_Connection *conn;
    const struct route *route;
    int route_idx;
    const char *method, *url;
    int head;                 /* HEAD: headers only */
    int csv;                  /* CSV asked for (format=csv or Accept: text/csv) */
    eco_buf_t out;            /* the body being written */
    int status;
    const char *ctype;
    shared_body_t *shared;    /* set instead of out when the body comes from the cache */
    int zstd_ok;              /* the client accepts Content-Encoding: zstd */
    struct MHD_Response *resp; /* set by handlers that build their own (static files, SSE) */
    eco_buf_t upload;         /* request body */
    int too_big;
    int64_t t0_us;
    int done;
    char cache_key[512];
    char next_cursor[320];    /* /series: sent as X-Next-Cursor too */
} api_req_t;

typedef int (*route_fn)(api_req_t *r);

typedef struct param_def {
    const char *name, *type, *desc; /* type: string, integer, time, enum:a|b|c */
} param_def_t;

typedef struct route {
    const char *method, *path, *summary, *tag;
    route_fn fn;
    int access;               /* 0 open, 1 read, 2 write */
    int tabular;              /* answers CSV too */
    const param_def_t *params; /* NULL-terminated by name */
    int prefix;               /* path is a prefix (static files) */
} route_t;

enum { ACCESS_OPEN = 0, ACCESS_READ = 1, ACCESS_WRITE = 2 };

extern const route_t api_routes[];
extern const int api_nroutes;

/* server.c helpers for routes */
int api_error(api_req_t *r, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *api_arg(api_req_t *r, const char *name);
/** A time parameter; 0 ok (absent: *t untouched), < 0 after answering 400. */
int api_arg_time(api_req_t *r, const char *name, eco_time_t *t);
/** An integer parameter within [lo, hi]; 0 ok (absent: untouched), < 0 after answering 400. */
int api_arg_long(api_req_t *r, const char *name, long lo, long hi, long *v);
cat_t *api_cat_get(eco_api_t *a);
void api_cat_put(eco_api_t *a, cat_t *c);
eco_store_t *api_reader_get(eco_api_t *a);
/* the store's daily air values over [from, to] as a statistics source (routes_brain.c): a reader
 * connection held until api_days_close; 0, or < 0 after answering with the error */
struct eco_airdays;
int api_days_open(api_req_t *r, eco_day_t from, eco_day_t to, eco_store_t **st, struct eco_airdays **a,
                  eco_tgt_source_t *src);
void api_days_close(api_req_t *r, eco_store_t *st, struct eco_airdays *a);
void api_reader_put(eco_api_t *a, eco_store_t *s);
/** Serve a cached body for r->cache_key if it is still current; 1 served, 0 not. */
int api_cache_try(api_req_t *r, uint64_t version, uint64_t gen);
void api_cache_store(api_req_t *r, uint64_t version, uint64_t gen);
void api_json_time(eco_json_t *j, eco_time_t t);
/** Evaluation item of a factor code ("pm2_5"), or NULL. */
const char *api_factor_item(const cat_t *c, const char *code);
int api_metrics(api_req_t *r);
int api_static(api_req_t *r);
int api_stream(api_req_t *r);
int api_openapi(api_req_t *r);
int api_air_assess(api_req_t *r);
int api_aqi_daily(api_req_t *r);
/* routes_brain.c */
int api_targets(api_req_t *r);
int api_rankings(api_req_t *r);
extern const param_def_t api_p_rankings[];

/* keeper: the /aqi/latest entry of each air site i with want[i], from one pass over the live
 * table; cb gets the site index, the hour (its end), the AQI (-1 none), whether every pollutant
 * the site reports has that hour, and the entry's JSON. 0 or ECO_ENOMEM. */
typedef void (*api_aqi_cb)(void *ud, size_t site, int64_t hour_end, int aqi, int complete, const char *json,
                           size_t n);
int api_aqi_events(eco_api_t *a, const cat_t *c, const unsigned char *want, api_aqi_cb cb, void *ud);

#endif
