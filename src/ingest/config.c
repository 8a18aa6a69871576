/* config.c — the server's INI file ([hj212], [store]), read with inih.
 *
 * Why strict: a misspelt key in a config file that is silently ignored is a
 * limit that is not there. Every key is known here, an unknown one is an
 * error naming file:line, and every value is range-checked. Command-line
 * options override the file (cmd_serve.c applies them after this).
 *
 *   [hj212]
 *   listen = 0.0.0.0:6000
 *   max_connections = 20000
 *   idle_timeout_s = 600        ; no byte for this long
 *   frame_timeout_s = 60        ; a partial frame older than this
 *   max_garbage = 65536         ; bytes between good frames
 *   max_write_queue = 65536     ; replies the peer has not read
 *   rate_per_device = 50        ; frames per second (token bucket)
 *   rate_burst = 200
 *   open_registration = false
 *   quarantine = true
 *   auth_reply = true           ; 9011 QnRtn=3/4 to refused frames
 *   stats_interval_s = 60
 *   gap_requests = true         ; ask again for missing minute/hour/day records
 *   gap_grace_s = 300           ; ... this long after the gap is noticed
 *   gap_retry_s = 600
 *   gap_tries = 3
 *   clock_set = true            ; CN 1012 when a device's clock drifts or it asks (1013)
 *   clock_max_drift_s = 60
 *   screens = true              ; data-quality screens on new values (docs/alerts.md)
 *   [store]
 *   sync = full                 ; full | normal | off
 *   flush_ms = 2               ; group commit deadline
 *   batch_rows = 5000
 *   max_pending_rows = 200000
 *   cache_mb = 256              ; page cache of the writer's connection
 *   tier = true                 ; new values into the recent tier, moved into obs in sorted passes
 *   tier_pass_rows = 1000000    ; a pass starts once this many wait (when the writer is idle) ...
 *   tier_max_rows = 6000000     ; ... or regardless, once this many wait
 *   tier_chunk_rows = 20000     ; values moved per transaction
 *   tier_idle_ms = 1000         ; the writer idle this long: whatever waits is moved
 *   tier_busy_rate = 20000      ; values/s; while they come faster, moving waits (0: no such wait)
 *   [ledger]
 *   enabled = true              ; new alerts grouped into problems (docs/alerts.md)
 *   quiet_hours = 24            ; hysteresis: resolved after this long without an alert (0 = never)
 *   [alerts]
 *   rules = FILE                ; the rules file (thresholds, limits, screen parameters; docs/alerts.md)
 *   webhook = http://HOST:PORT/PATH ; each new alert POSTed as JSON (repeatable, at most 8)
 *   webhook_queue = 1000        ; alerts waiting per receiver; more are dropped and counted
 *   webhook_tries = 8           ; attempts per alert, then dropped, counted and logged
 *   webhook_backoff_ms = 500    ; wait after the first failed attempt, doubling (at most 60 s)
 *   webhook_timeout_ms = 5000   ; connect / send / answer
 */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brain/rules.h"
#include "ingest/ingest.h"

/* inih goes on after a handler error and reports the first bad line: keep the first message */
#define FIRST_BAD(buf, ...) ((buf)[0] ? 0 : snprintf((buf), sizeof(buf), __VA_ARGS__))

typedef struct cfg_ctx {
    eco_ingest_cfg_t *c;
    char bad[256];
} cfg_ctx_t;

static int parse_long(const char *v, long lo, long hi, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < lo || x > hi) return -1;
    *out = x;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") || !strcmp(v, "1")) return *out = 1, 0;
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") || !strcmp(v, "0")) return *out = 0, 0;
    return -1;
}

static int on_kv(void *ud, const char *sec, const char *key, const char *val)
{
    cfg_ctx_t *x = ud;
    eco_ingest_cfg_t *c = x->c;
    long n;
    int b;
#define INT_KEY(name, field, lo, hi)                                                       \
    if (!strcmp(key, name)) {                                                              \
        if (parse_long(val, lo, hi, &n) < 0) {                                             \
            FIRST_BAD(x->bad, "%s.%s: '%s' is not an integer in %ld..%ld", sec, key, val, \
                     (long)(lo), (long)(hi));                                              \
            return 0;                                                                      \
        }                                                                                  \
        c->field = (__typeof__(c->field))n;                                                \
        return 1;                                                                          \
    }
#define BOOL_KEY(name, field)                                                              \
    if (!strcmp(key, name)) {                                                              \
        if (parse_bool(val, &b) < 0) {                                                     \
            FIRST_BAD(x->bad, "%s.%s: '%s' is not true/false", sec, key, val); \
            return 0;                                                                      \
        }                                                                                  \
        c->field = b;                                                                      \
        return 1;                                                                          \
    }
    if (!strcmp(sec, "hj212")) {
        if (!strcmp(key, "listen")) {
            if (eco_ingest_parse_addr(val, c->hj212_host, sizeof c->hj212_host, &c->hj212_port) < 0) {
                FIRST_BAD(x->bad, "hj212.listen: '%s' is not HOST:PORT", val);
                return 0;
            }
            return 1;
        }
        INT_KEY("max_connections", max_connections, 1, 1000000)
        INT_KEY("idle_timeout_s", idle_timeout_s, 1, 86400 * 7)
        INT_KEY("frame_timeout_s", frame_timeout_s, 1, 86400)
        INT_KEY("max_garbage", max_garbage, 1024, 1L << 30)
        INT_KEY("max_write_queue", max_write_queue, 1024, 1L << 30)
        INT_KEY("stats_interval_s", stats_interval_s, 0, 86400)
        BOOL_KEY("open_registration", open_registration)
        BOOL_KEY("quarantine", quarantine)
        BOOL_KEY("auth_reply", auth_reply)
        BOOL_KEY("gap_requests", gap_requests)
        INT_KEY("gap_grace_s", gap_grace_s, 0, 86400 * 7)
        INT_KEY("gap_retry_s", gap_retry_s, 1, 86400 * 7)
        INT_KEY("gap_tries", gap_tries, 1, 100)
        BOOL_KEY("clock_set", clock_set)
        BOOL_KEY("screens", screens)
        INT_KEY("clock_max_drift_s", clock_max_drift_s, 1, 86400 * 365)
        if (!strcmp(key, "rate_per_device") || !strcmp(key, "rate_burst")) {
            char *end;
            double d = strtod(val, &end);
            if (!*val || *end || !(d > 0) || d > 1e6) {
                FIRST_BAD(x->bad, "hj212.%s: '%s' is not a positive number", key, val);
                return 0;
            }
            if (key[5] == 'p') c->rate_per_device = d;
            else c->rate_burst = d;
            return 1;
        }
    } else if (!strcmp(sec, "store")) {
        if (!strcmp(key, "sync")) {
            if (!strcasecmp(val, "full")) c->sync = ECO_SYNC_FULL;
            else if (!strcasecmp(val, "normal")) c->sync = ECO_SYNC_NORMAL;
            else if (!strcasecmp(val, "off")) c->sync = ECO_SYNC_OFF;
            else {
                FIRST_BAD(x->bad, "store.sync: '%s' is not full, normal or off", val);
                return 0;
            }
            return 1;
        }
        INT_KEY("flush_ms", flush_ms, 0, 10000)
        INT_KEY("cache_mb", cache_mb, 2, 1 << 20)
        INT_KEY("batch_rows", batch_rows, 1, 10000000)
        INT_KEY("max_pending_rows", max_pending_rows, 1, 100000000)
        BOOL_KEY("tier", tier)
        INT_KEY("tier_pass_rows", tier_pass_rows, 1, 100000000)
        INT_KEY("tier_max_rows", tier_max_rows, 1, 100000000)
        INT_KEY("tier_chunk_rows", tier_chunk_rows, 1, 10000000)
        INT_KEY("tier_idle_ms", tier_idle_ms, 1, 3600000)
        INT_KEY("tier_busy_rate", tier_busy_rate, 0, 100000000)
    } else if (!strcmp(sec, "ledger")) {
        BOOL_KEY("enabled", ledger)
        INT_KEY("quiet_hours", ledger_quiet_h, 0, 24 * 366)
    } else if (!strcmp(sec, "alerts")) {
        if (!strcmp(key, "rules")) {
            if (!*val || strlen(val) >= sizeof c->rules_path) {
                FIRST_BAD(x->bad, "alerts.rules: '%s' is not a file name", val);
                return 0;
            }
            snprintf(c->rules_path, sizeof c->rules_path, "%s", val);
            return 1;
        }
        if (!strcmp(key, "webhook")) {
            char h[128], path[256];
            int port;
            if (c->nwebhooks >= ECO_WEBHOOK_MAX) {
                FIRST_BAD(x->bad, "alerts.webhook: at most %d", ECO_WEBHOOK_MAX);
                return 0;
            }
            if (strlen(val) >= sizeof c->webhooks[0] ||
                eco_webhook_parse_url(val, h, sizeof h, &port, path, sizeof path) < 0) {
                FIRST_BAD(x->bad, "alerts.webhook: '%s' is not http://HOST[:PORT]/PATH (http only)", val);
                return 0;
            }
            snprintf(c->webhooks[c->nwebhooks++], sizeof c->webhooks[0], "%s", val);
            return 1;
        }
        INT_KEY("webhook_queue", webhook.queue, 1, 1000000)
        INT_KEY("webhook_tries", webhook.tries, 1, 100)
        INT_KEY("webhook_backoff_ms", webhook.backoff_ms, 1, 60000)
        INT_KEY("webhook_timeout_ms", webhook.timeout_ms, 100, 600000)
    } else if (!strcmp(sec, "http")) {
        return 1; /* the HTTP face reads its own section */
    }
    FIRST_BAD(x->bad, "unknown setting [%s] %s", sec, key);
    return 0;
#undef INT_KEY
#undef BOOL_KEY
}

int eco_rules_load_file(eco_rules_t *rules, const char *path, eco_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return eco_err_set(err, ECO_ENOENT, "%s: cannot open", path);
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t nc = cap ? cap * 2 : 8192;
            if (nc > ((size_t)16 << 20)) {
                free(text);
                fclose(f);
                return eco_err_set(err, ECO_EINVAL, "%s: larger than 16 MiB", path);
            }
            char *p = realloc(text, nc);
            if (!p) {
                free(text);
                fclose(f);
                return eco_err_set(err, ECO_ENOMEM, "%s: out of memory", path);
            }
            text = p;
            cap = nc;
        }
        size_t got = fread(text + n, 1, 4096, f);
        n += got;
        if (got < 4096) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return eco_err_set(err, ECO_EIO, "%s: cannot read", path);
    }
    text[n] = 0;
    int r = eco_rules_parse(rules, path, text, err);
    free(text);
    return r;
}

int eco_ingest_cfg_load(eco_ingest_cfg_t *c, const char *path, eco_err_t *err)
{
    cfg_ctx_t x = {c, ""};
    int line = ini_parse(path, on_kv, &x);
    if (line == -1) return eco_err_set(err, ECO_ENOENT, "%s: cannot open", path);
    if (line == -2) return eco_err_set(err, ECO_ENOMEM, "%s: out of memory", path);
    if (line > 0) return eco_err_set(err, ECO_EPARSE, "%s:%d: %s", path, line, x.bad[0] ? x.bad : "syntax error");
    if (c->batch_rows > c->max_pending_rows) c->max_pending_rows = c->batch_rows;
    return 0;
}
