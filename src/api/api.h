/* api.h — the HTTP face: JSON API under /api/v1, Server-Sent Events, the
 * dashboard's static files, /healthz and /metrics (docs/api.md).
 *
 * Why a face and nothing more: it reads what the store holds (its own
 * read-only SQLite connections, so a long query never holds up a commit),
 * what the live table holds (latest values, events), and asks the engines
 * (air AQI, water classes) to evaluate — it computes no standard itself.
 * It runs in libmicrohttpd's threads beside the ingest loop; `serve` starts
 * it before the loop and stops it after.
 */
#ifndef ECO_API_H
#define ECO_API_H

#include "core/error.h"
#include "live/live.h"

typedef struct eco_api_cfg {
    char host[64];            /* listen address (default 127.0.0.1) */
    int port;                 /* default 8080; 0 = any free port */
    char port_file[512];      /* the bound port is written here once listening */
    char web_root[512];       /* the dashboard's built files ("" = no dashboard) */
    char read_tokens[2048];   /* SHA-256 hex digests, comma-separated; "" = reads are open */
    char write_tokens[2048];  /* tokens with the write role (always required for writes) */
    char cors_origin[256];    /* Access-Control-Allow-Origin; "" = no CORS headers */
    int max_connections;      /* default 256 */
    int max_sse_clients;      /* default 64 */
    int max_per_ip;           /* connections from one address (default 64) */
    long max_body;            /* request body limit, bytes (default 1 MiB) */
    int readers;              /* read-only store connections (default 4) */
    int catalogue_refresh_s;  /* sites/devices reread this often (default 5) */
    int online_s;             /* a device seen within this long is online (default 600) */
    int sse_buffer;           /* live events kept for SSE clients to catch up (default 16384) */
    int snapshot_ms;          /* /latest and /aqi/latest answers may be this old (default 1000; 0 = always current) */
    char targets_plan[512];   /* the plan GET /api/v1/targets reports on ("" = not configured) */
} eco_api_cfg_t;

void eco_api_cfg_default(eco_api_cfg_t *c);
/** Read the [http] section of an INI file (other sections are left to their
 *  owners). 0, or < 0 with err naming file:line. */
int eco_api_cfg_load(eco_api_cfg_t *c, const char *path, eco_err_t *err);

typedef struct eco_api eco_api_t;

/** Start serving the store in `data_dir` and the live table (which must
 *  outlive the server). 0, or < 0 with err. */
int eco_api_start(eco_api_t **out, const eco_api_cfg_t *cfg, const char *data_dir, eco_live_t *live, eco_err_t *err);
/** The bound port. */
int eco_api_port(const eco_api_t *a);
/** Stop: SSE clients are ended, connections closed, threads joined. */
void eco_api_stop(eco_api_t *a);

/** SHA-256 of a token as 64 lowercase hex digits (what the config holds). */
void eco_api_token_hash(const char *token, char hex[65]);

#endif
