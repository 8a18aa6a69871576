/* server.c — `ecobrain serve`: HJ 212 over TCP into the store, 9014 only after commit.
 *
 * Why this shape (docs/ingest.md has the long form):
 *   - one libuv loop does every socket, framer and parse; the store is touched
 *     only by the writer thread, so an fsync never blocks the network;
 *   - group commit with two batches: the loop fills one while the writer
 *     commits the other; a batch is handed over when the writer is idle and
 *     it is either flush_ms old or batch_rows big; the replies owed for the
 *     frames in a batch are written when the writer says the commit returned.
 *     A value is acknowledged only once it is on disk (synchronous=FULL), so
 *     a device whose frame was lost to a crash never got its 9014 and resends;
 *   - every limit is per connection or per device and bounded: lazily
 *     allocated framer buffers (an idle connection holds no buffer), a cap on
 *     unread replies, on garbage between good frames, on a partial frame's
 *     age, on idle time, on frames per second per device; reading pauses
 *     (backpressure) while too many values wait for the writer;
 *   - refused frames (unknown MN, wrong PW) never mix with real data: they
 *     are counted, logged and, with quarantine on, kept in their own table.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/map.h"
#include "hj212/hj212.h"
#include "brain/rules.h"
#include "brain/screens.h"
#include "ingest/gaps.h"
#include "standards/factors.h"
#include "ingest/ingest.h"
#include "live/live.h"

void eco_ingest_cfg_default(eco_ingest_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->hj212_host, sizeof c->hj212_host, "0.0.0.0");
    c->hj212_port = 6000;
    c->max_connections = 20000;
    c->idle_timeout_s = 600;
    c->frame_timeout_s = 60;
    c->max_garbage = 65536;
    c->max_write_queue = 65536;
    c->rate_per_device = 50;
    c->rate_burst = 200;
    c->flush_ms = 2;
    c->batch_rows = 5000;
    c->max_pending_rows = 200000;
    c->quarantine = 1;
    c->auth_reply = 1;
    c->stats_interval_s = 60;
    c->sync = ECO_SYNC_FULL;
    c->cache_mb = 256;
    c->tier = 1; /* measured on a 2-core VM: +20 % values/s saturated, light-load ack p99 halved (docs/ingest.md) */
    c->tier_pass_rows = 1000000;
    c->tier_max_rows = 6000000; /* 30 s of 200,000 values/s; its index 192 MiB (docs/ingest.md) */
    c->tier_chunk_rows = 20000;
    c->tier_idle_ms = 1000;
    c->tier_busy_rate = 20000; /* ~17x a province's mean rate (10^4 devices); bursts are far above it */
    c->gap_requests = 1;
    c->gap_grace_s = 300;
    c->gap_retry_s = 600;
    c->gap_tries = 3;
    c->clock_set = 1;
    c->clock_max_drift_s = 60;
    c->screens = 1;
    c->ledger = 1;
    c->ledger_quiet_h = ECO_LEDGER_QUIET_DEFAULT_S / 3600;
    eco_webhook_opts_default(&c->webhook);
}

/* ------------------------------------------------------------------ types */

struct conn;

typedef struct device {
    char *mn, *pw, *site;
    struct conn *conn;         /* its live connection (requests go there), or NULL */
    char st[8];                /* ST of its last packet (requests echo it) */
    int flagver;               /* its Flag without the low bits (edition), -1 = sends no Flag */
    eco_gaps_t gaps[3];        /* minute, hour, day records */
    int64_t clock_set_ms;      /* last time its clock was set (loop clock) */
    eco_hj212_opts_t opts;     /* profile + SM4 key */
    uint8_t key[16];
    int has_key;
    double tokens;
    int64_t tokens_ms;
    int64_t last_seen_ms;
    int seen_dirty;
    eco_live_dev_t health;     /* counters the HTTP face shows */
    int health_dirty;
} device_t;

typedef struct server server_t;

typedef struct conn {
    uv_tcp_t tcp;              /* first: the handle's address is the conn's */
    server_t *srv;
    struct conn *prev, *next;  /* all live connections */
    eco_hj212_framer_t fr;
    int fr_live;               /* fr.buf allocated */
    uint64_t stream_off;       /* base offset kept while the buffer is released */
    uint64_t skipped_at_ok;    /* framer bytes_skipped at the last good frame */
    int32_t dev;               /* device of the last good frame, -1 none */
    eco_hj212_opts_t opts;     /* framer/parser options: the device's profile and key once known */
    uint8_t key[16];           /* the connection's copy of the device's SM4 key (devs may move) */
    int refs;                  /* pending replies in batches + 1 while open */
    int refused_run;           /* refused frames in a row (unknown MN, wrong PW) */
    int closing;
    int paused;
    size_t wq_bytes;           /* written, not yet taken by the peer */
    int64_t last_rx_ms, partial_since_ms;
    char peer[64];
} conn_t;

typedef struct ack {
    conn_t *c;
    uint32_t off, len;         /* the reply's bytes in batch.replies */
    uint32_t frame;            /* frame index in the batch */
    int64_t rx_ms;
} ack_t;

typedef struct reg {
    const char *mn, *pw;
} reg_t;

typedef struct qitem {
    eco_quarantine_t q;
} qitem_t;

typedef struct raw {
    const char *mn;
    int cn;
    eco_time_t t;
    eco_slice_t seg;
    uint32_t frame;
} raw_t;

typedef struct seen {
    const char *mn;
    int64_t ms;
} seen_t;

typedef struct obs_item {
    eco_obs_t o;
    uint32_t frame;
    unsigned char outcome;     /* writer: ECO_STORE_NEW/SAME/REVISED, or OUTCOME_FAILED */
} obs_item_t;
#define OUTCOME_FAILED 255

#define VEC(T)        \
    struct {          \
        T *v;         \
        size_t n, cap; \
    }

typedef struct batch {
    eco_arena_t arena;
    VEC(obs_item_t) obs;
    VEC(reg_t) regs;
    VEC(qitem_t) quar;
    VEC(raw_t) raws;
    VEC(seen_t) seen;
    VEC(ack_t) acks;
    VEC(unsigned char) failed; /* per frame: a value of it could not be stored */
    eco_buf_t replies;
    VEC(eco_alert_t) alerts;   /* writer: the alerts stored (strings in the arena), published after the commit */
    uint32_t nframes;
    int64_t first_ms;
    /* writer results */
    int result;
    char errmsg[512];
    uint64_t n_new, n_same, n_revised, n_failed, n_raw, n_alerts;
    int64_t commit_us;         /* writer: begin to commit returned */
} batch_t;

#define VEC_PUSH(vec, item)                                                                    \
    (((vec).n == (vec).cap ? vec_grow((void **)&(vec).v, &(vec).cap, sizeof *(vec).v) : 0) == 0 \
         ? ((vec).v[(vec).n++] = (item), 0)                                                      \
         : ECO_ENOMEM)

static int vec_grow(void **v, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    void *n = eco_realloc(*v, *cap * elem, ncap * elem);
    if (!n) return ECO_ENOMEM;
    *v = n;
    *cap = ncap;
    return 0;
}


struct server {
    eco_ingest_cfg_t cfg;
    eco_store_t *store;
    uv_loop_t loop;
    uv_tcp_t listener;
    uv_timer_t flush_timer, sweep_timer;
    uv_async_t done_async;
    uv_signal_t sig_term, sig_int;
    conn_t *conns;
    int nconns;
    int listening;
    int draining, finished, force_close;
    uv_timer_t drain_timer;
    int paused_all;
    /* devices */
    eco_map_t dev_map;
    device_t *devs;
    size_t ndevs, devs_cap;
    /* batches */
    batch_t b[3];              /* filling, committing, acknowledging: each stage has its own */
    batch_t *fill, *busy;      /* busy: handed to the writer, NULL when idle */
    batch_t *job;              /* handed to the writer, under mu */
    batch_t *done;             /* committed, under mu */
    batch_t *acking;           /* committed, its replies being written (loop thread) */
    pthread_t writer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int writer_quit, writer_started;
    uint64_t tier_moved, tier_pending; /* the recent tier's mover (writer thread, under mu) */
    int64_t tier_move_us;
    int64_t tier_retry_us;     /* writer thread: after a failed move, no other before this time */
    atomic_int job_waiting;    /* a batch has been handed over and the writer has not taken it yet */
    int move_yields;           /* writer thread: the move in progress ends early for a waiting batch */
    size_t last_batch_rows;    /* writer thread: values in the batch it committed last */
    int64_t rate_win_us;       /* writer thread: start of the current one-second window ... */
    uint64_t rate_win_values;  /* ... the values committed in it ... */
    double in_rate;            /* ... and the values/s of the last complete window */
    /* parse scratch */
    eco_hj212_packet_t *pkt;
    eco_buf_t scratch;
    eco_buf_t ev_scratch;      /* writer: one event's JSON */
    eco_buf_t hook_scratch;    /* writer: one webhook document */
    unsigned char rbuf[65536];
    int rbuf_busy;
    eco_ingest_stats_t st;
    eco_hist_ms_t lat_hist;    /* frame received -> 9014 written */
    eco_hist_ms_t commit_hist; /* a batch's transaction */
    int64_t last_stats_ms;
    int64_t last_gaps_save_ms;
    eco_gaps_policy_t gp;
    uint64_t qn_last;
    eco_screener_t *screener;  /* writer thread only: data-quality screens of new values */
    eco_rules_t *rules;        /* writer thread only: the rules file's rules; and MN -> site for alerts */
    eco_rule_val_t *recv;      /* writer: the values of one record, for the rules */
    size_t recv_cap;
    eco_webhooks_t *hooks;     /* receivers of new alerts, NULL = none */
    int64_t ledger_swept_us;   /* writer thread only: last hysteresis sweep of the problem ledger */
    int load_failed;           /* the catalogue could not be loaded whole */
    double q_tokens;           /* quarantine rows allowed now (token bucket, 100/s, burst 1000) */
    int64_t q_tokens_ms;
};

#define MAX_REFUSED_RUN 50    /* refused frames in a row before a connection is closed */

static int64_t now_ms(server_t *s) { return (int64_t)uv_now(&s->loop); }


/* ------------------------------------------------------------------ devices */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int32_t device_add(server_t *s, const char *mn, const char *pw, const char *profile, const char *key_hex,
                          const char *site)
{
    /* the slot first, so an out-of-memory leaves no map entry without a device */
    int32_t id = eco_map_get(&s->dev_map, eco_slice_cstr(mn));
    if (id < 0) id = (int32_t)eco_map_size(&s->dev_map);
    if ((size_t)id >= s->devs_cap) {
        size_t ncap = s->devs_cap ? s->devs_cap * 2 : 256;
        while (ncap <= (size_t)id) ncap *= 2;
        device_t *n = eco_realloc(s->devs, s->devs_cap * sizeof *n, ncap * sizeof *n);
        if (!n) return ECO_ENOMEM;
        memset(n + s->devs_cap, 0, (ncap - s->devs_cap) * sizeof *n);
        s->devs = n;
        s->devs_cap = ncap;
    }
    if (eco_map_put(&s->dev_map, eco_slice_cstr(mn)) != id) return ECO_ENOMEM;
    if ((size_t)id >= s->ndevs) s->ndevs = (size_t)id + 1;
    device_t *d = &s->devs[id];
    if (d->mn) {
        free(d->mn);
        free(d->pw);
        free(d->site);
    }
    memset(d, 0, sizeof *d);
    d->mn = strdup(mn);
    d->pw = strdup(pw ? pw : "");
    d->site = strdup(site ? site : "");
    if (!d->mn || !d->pw || !d->site) return ECO_ENOMEM;
    eco_hj212_opts_default(&d->opts);
    d->opts.tolerant = profile && !strcasecmp(profile, "tolerant");
    if (key_hex && strlen(key_hex) == 32) {
        int ok = 1;
        for (int i = 0; i < 16; i++) {
            int hi = hexval(key_hex[2 * i]), lo = hexval(key_hex[2 * i + 1]);
            if (hi < 0 || lo < 0) ok = 0;
            d->key[i] = (uint8_t)(hi << 4 | lo);
        }
        if (ok) {
            d->has_key = 1; /* connections take a copy (conn_set_device): devs may move */
        } else {
            eco_log(ECO_LOG_WARN, "device %s: SM4 key is not 32 hex digits; ignored", mn);
        }
    }
    d->tokens = s->cfg.rate_burst;
    d->flagver = 4;
    eco_gaps_init(&d->gaps[0], 0);
    eco_gaps_init(&d->gaps[1], 3600);
    eco_gaps_init(&d->gaps[2], 86400);
    return id;
}

static int load_device_cb(void *ud, const eco_device_t *dv)
{
    server_t *s = ud;
    int32_t id = device_add(s, dv->mn, dv->pw, dv->profile, dv->sm4_key, dv->site);
    if (id >= 0) s->devs[id].last_seen_ms = dv->last_seen_ms;
    else s->load_failed = 1;
    if (s->rules && eco_rules_device_site(s->rules, dv->mn, dv->site) < 0) s->load_failed = 1;
    return id < 0;
}

/* ------------------------------------------------------------------ batches */

static void batch_init(batch_t *b)
{
    memset(b, 0, sizeof *b);
    eco_arena_init(&b->arena, 64 * 1024);
}

static void batch_reset(batch_t *b)
{
    eco_arena_free(&b->arena);
    eco_arena_init(&b->arena, 64 * 1024);
    b->obs.n = b->regs.n = b->quar.n = b->raws.n = b->seen.n = b->acks.n = b->failed.n = 0;
    eco_buf_reset(&b->replies);
    b->alerts.n = 0;
    b->nframes = 0;
    b->first_ms = 0;
    b->result = 0;
    b->errmsg[0] = 0;
    b->n_new = b->n_same = b->n_revised = b->n_failed = b->n_raw = b->n_alerts = 0;
}

static void batch_free(batch_t *b)
{
    eco_arena_free(&b->arena);
    eco_free(b->obs.v, b->obs.cap * sizeof *b->obs.v);
    eco_free(b->regs.v, b->regs.cap * sizeof *b->regs.v);
    eco_free(b->quar.v, b->quar.cap * sizeof *b->quar.v);
    eco_free(b->raws.v, b->raws.cap * sizeof *b->raws.v);
    eco_free(b->seen.v, b->seen.cap * sizeof *b->seen.v);
    eco_free(b->acks.v, b->acks.cap * sizeof *b->acks.v);
    eco_free(b->failed.v, b->failed.cap * sizeof *b->failed.v);
    eco_buf_free(&b->replies);
    eco_free(b->alerts.v, b->alerts.cap * sizeof *b->alerts.v);
}

static int batch_empty(const batch_t *b)
{
    return b->nframes == 0 && b->regs.n == 0 && b->quar.n == 0 && b->seen.n == 0;
}

static const char *adup(batch_t *b, const char *p, size_t n)
{
    return eco_arena_strndup(&b->arena, p ? p : "", p ? n : 0);
}

static eco_slice_t adup_slice(batch_t *b, eco_slice_t v)
{
    const char *p = adup(b, v.ptr, v.len);
    return (eco_slice_t){p, p ? v.len : 0};
}

/* the writer: commit one batch */
static int64_t mono_us(void) { return (int64_t)(uv_hrtime() / 1000); }

/* ---- the live table and its events (HTTP face): written by the writer thread after a commit */

static void json_time(eco_json_t *j, eco_time_t t)
{
    char b[40];
    eco_time_format_iso(t, b, sizeof b);
    eco_json_str(j, b);
}

static void publish(server_t *s, batch_t *b)
{
    eco_live_t *l = s->cfg.live;
    int fine = eco_live_fine_wanted(l);
    eco_buf_t *ev = &s->ev_scratch;
    eco_live_write_begin(l);
    for (size_t i = 0; i < b->obs.n; i++) {
        const obs_item_t *it = &b->obs.v[i];
        if (it->outcome != ECO_STORE_NEW && it->outcome != ECO_STORE_REVISED) continue;
        const eco_obs_t *o = &it->o;
        eco_live_val_t v;
        v.t = o->t;
        v.value = o->value;
        size_t fl = o->flag.len < sizeof v.flag - 1 ? o->flag.len : sizeof v.flag - 1;
        memcpy(v.flag, o->flag.ptr, fl);
        v.flag[fl] = 0;
        v.received_ms = o->received_ms;
        int changed = eco_live_put(l, o->mn, o->factor, (int)o->gran, &v);
        int coarse = o->gran == ECO_GRAN_HOUR || o->gran == ECO_GRAN_DAY;
        if (!coarse && !fine) continue;
        /* NEW values are news even when older than the latest (gap fills, history) */
        if (changed < 0 || (changed == 0 && it->outcome == ECO_STORE_SAME)) continue;
        eco_buf_reset(ev);
        eco_json_t j;
        eco_json_init(&j, ev);
        eco_json_obj_begin(&j);
        eco_json_key(&j, "site");
        eco_json_str(&j, eco_live_site_of(l, o->mn));
        eco_json_key(&j, "mn");
        eco_json_str(&j, o->mn);
        eco_json_key(&j, "factor");
        eco_json_str(&j, o->factor);
        eco_json_key(&j, "granularity");
        eco_json_str(&j, eco_gran_name(o->gran));
        eco_json_key(&j, "time");
        json_time(&j, o->t);
        eco_json_key(&j, "value");
        eco_json_num(&j, o->value, -1);
        eco_json_key(&j, "flag");
        eco_json_str(&j, v.flag);
        eco_json_key(&j, "revised");
        eco_json_bool(&j, it->outcome == ECO_STORE_REVISED);
        eco_json_obj_end(&j);
        if (eco_json_status(&j) == 0)
            eco_live_event(l, coarse ? ECO_LIVE_EV_VALUE : ECO_LIVE_EV_VALUE_FINE, ev->data, ev->len);
    }
    for (size_t i = 0; i < b->alerts.n; i++) { /* the /api/v1/alerts entry, its site from the live table */
        eco_alert_t a = b->alerts.v[i];
        a.site = eco_live_site_of(l, a.mn);
        eco_buf_reset(ev);
        eco_json_t j;
        eco_json_init(&j, ev);
        eco_store_json_alert(&j, &a);
        if (eco_json_status(&j) == 0) eco_live_event(l, ECO_LIVE_EV_ALERT, ev->data, ev->len);
    }
    eco_live_write_end(l);
    eco_live_notify(l);
}

/* an alert stored in this batch, kept (strings in the batch's arena) for the live event and the
 * webhooks once the commit has returned; 0 or ECO_ENOMEM */
static int keep_alert(batch_t *b, const eco_alert_t *a)
{
    eco_alert_t k = *a;
    k.screen = adup(b, a->screen, strlen(a->screen));
    k.severity = adup(b, a->severity, strlen(a->severity));
    k.mn = adup(b, a->mn, strlen(a->mn));
    k.factor = adup(b, a->factor, strlen(a->factor));
    k.evidence = adup(b, a->evidence ? a->evidence : "", a->evidence ? strlen(a->evidence) : 0);
    k.site = NULL;
    if (!k.screen || !k.severity || !k.mn || !k.factor || !k.evidence) return ECO_ENOMEM;
    return VEC_PUSH(b->alerts, k);
}

/* store one alert, link it to the ledger, queue its events: all in the writer's transaction */
static int put_alert(server_t *s, batch_t *b, eco_alert_t *a, eco_err_t *err)
{
    int r = eco_store_alert_put(s->store, a, err);
    if (r < 0) return r;
    b->n_alerts++;
    a->id = r;
    if (s->cfg.ledger && a->id > 0 && /* the problem ledger, in the same transaction */
        eco_store_problem_put(s->store, a, (int64_t)s->cfg.ledger_quiet_h * 3600, NULL, err) < 0)
        return err->code < 0 ? err->code : ECO_EIO;
    if ((s->cfg.live || s->hooks) && keep_alert(b, a) < 0) /* an event not sent is not a lost alert: it is stored */
        eco_log(ECO_LOG_WARN, "out of memory: alert %d stored, not streamed", r);
    return 0;
}

typedef struct rule_ctx {
    server_t *s;
    batch_t *b;
    const eco_obs_t *o;
    eco_err_t *err;
    int r;
} rule_ctx_t;

static int on_rule_alert(void *ud, const eco_rule_alert_t *ra)
{
    rule_ctx_t *x = ud;
    eco_alert_t a = {ra->screen, ra->severity, x->o->mn, ra->factor, x->o->gran, ra->t, ra->evidence,
                     x->o->received_ms, NULL, 0};
    x->r = put_alert(x->s, x->b, &a, x->err);
    return x->r < 0;
}

/* the rules on one record: the NEW values of items [from, to) (same MN, granularity and time) */
static int rules_record(server_t *s, batch_t *b, size_t from, size_t to, eco_err_t *err)
{
    size_t n = 0;
    if (to - from > s->recv_cap) {
        size_t nc = to - from + 16;
        eco_rule_val_t *p = eco_realloc(s->recv, s->recv_cap * sizeof *p, nc * sizeof *p);
        if (!p) return eco_err_set(err, ECO_ENOMEM, "rules: out of memory");
        s->recv = p;
        s->recv_cap = nc;
    }
    for (size_t i = from; i < to; i++) {
        const eco_obs_t *o = &b->obs.v[i].o;
        if (b->obs.v[i].outcome != ECO_STORE_NEW) continue;
        /* a value flagged other than N (calibration, maintenance, fault ...) is not judged: missing */
        int valid = !o->flag.len || eco_slice_eq(o->flag, "N");
        s->recv[n++] = (eco_rule_val_t){o->factor, valid ? o->value : NAN, valid ? o->fields.ptr : NULL,
                                        valid ? o->fields.len : 0};
    }
    if (!n) return 0;
    const eco_obs_t *o = &b->obs.v[from].o;
    rule_ctx_t x = {s, b, o, err, 0};
    int rc = eco_rules_record(s->rules, o->mn, eco_rules_site_of(s->rules, o->mn), (int)o->gran, o->t, s->recv,
                              (int)n, on_rule_alert, &x);
    if (x.r < 0) return x.r;
    return rc < 0 ? eco_err_set(err, rc, "rules: out of memory") : 0;
}

static int same_record(const eco_obs_t *a, const eco_obs_t *b)
{
    return a->t == b->t && a->gran == b->gran && !strcmp(a->mn, b->mn);
}

static void batch_commit(server_t *s, batch_t *b)
{
    int64_t t0 = mono_us();
    eco_err_t err;
    eco_err_clear(&err);
    int r = eco_store_tx_begin(s->store, &err);
    if (r < 0) goto fail;
    /* the screens' and rules' states move with the values; a failed commit puts them back */
    if (s->screener) eco_screener_begin(s->screener);
    eco_rules_begin(s->rules);
    for (size_t i = 0; i < b->regs.n; i++)
        if ((r = eco_store_device_register(s->store, b->regs.v[i].mn, b->regs.v[i].pw, eco_now_ms(), &err)) < 0)
            goto fail;
    for (size_t i = 0; i < b->quar.n; i++)
        if ((r = eco_store_quarantine_put(s->store, &b->quar.v[i].q, &err)) < 0) goto fail;
    for (size_t i = 0; i < b->raws.n; i++) {
        raw_t *w = &b->raws.v[i];
        if ((r = eco_store_raw_put(s->store, 0, w->mn, w->cn, w->t, w->seg, &err)) < 0) goto fail;
        b->n_raw++;
    }
    for (size_t i = 0; i < b->obs.n; i++) {
        int outcome;
        r = eco_store_obs_put(s->store, &b->obs.v[i].o, &outcome, &err);
        if (r == ECO_EIO || r == ECO_ENOMEM) goto fail;
        b->obs.v[i].outcome = OUTCOME_FAILED;
        if (r < 0) { /* this value only (unknown MN after a catalogue edit, bad key): its frame is not acked */
            b->failed.v[b->obs.v[i].frame] = 1;
            b->n_failed++;
            if (b->n_failed <= 3) eco_log(ECO_LOG_WARN, "not stored: %s", err.msg);
            eco_err_clear(&err);
            continue;
        }
        b->obs.v[i].outcome = (unsigned char)outcome;
        if (outcome == ECO_STORE_NEW) b->n_new++;
        else if (outcome == ECO_STORE_SAME) b->n_same++;
        else b->n_revised++;
        if (outcome == ECO_STORE_NEW && s->screener) { /* screen each value once, when it is first stored */
            const eco_obs_t *o = &b->obs.v[i].o;
            eco_screen_evidence_t ev;
            unsigned fired = eco_screener_push(s->screener, o->mn, o->factor, (int)o->gran, o->t, o->value,
                                               eco_time_from_utc(o->received_ms / 1000), &ev);
            for (unsigned bit = 1; fired && bit <= ECO_SCR_SILENT; bit <<= 1) {
                if (!(fired & bit)) continue;
                char evt[1024];
                eco_screen_evidence_text(&ev, evt, sizeof evt);
                eco_alert_t a = {eco_screen_name(bit), eco_screen_severity(bit), o->mn, o->factor, o->gran, o->t,
                                 evt, o->received_ms, NULL, 0};
                if ((r = put_alert(s, b, &a, &err)) < 0) goto fail;
            }
        }
    }
    if (eco_rules_count(s->rules) > 0) /* the rules, record by record (a frame's values are consecutive) */
        for (size_t i = 0, from = 0; i < b->obs.n; i++)
            if (i + 1 == b->obs.n || !same_record(&b->obs.v[i].o, &b->obs.v[i + 1].o)) {
                if ((r = rules_record(s, b, from, i + 1, &err)) < 0) goto fail;
                from = i + 1;
            }
    for (size_t i = 0; i < b->seen.n; i++)
        if ((r = eco_store_device_seen(s->store, b->seen.v[i].mn, b->seen.v[i].ms, &err)) < 0) goto fail;
    if (s->cfg.ledger && s->cfg.ledger_quiet_h > 0 && t0 - s->ledger_swept_us >= 60 * 1000000LL) {
        /* hysteresis on the clock, once a minute: problems quiet for quiet_hours are resolved */
        s->ledger_swept_us = t0;
        if ((r = eco_store_problem_expire(s->store, eco_time_from_utc(eco_now_ms() / 1000),
                                          (int64_t)s->cfg.ledger_quiet_h * 3600, NULL, &err)) < 0)
            goto fail;
    }
    if ((r = eco_store_tx_commit(s->store, &err)) < 0) goto fail;
    if (s->screener) eco_screener_end(s->screener);
    eco_rules_end(s->rules);
    b->result = 0;
    b->commit_us = mono_us() - t0;
    if (s->cfg.live) publish(s, b); /* only what is committed is shown */
    for (size_t i = 0; s->hooks && i < b->alerts.n; i++) { /* the same document to the webhooks */
        eco_alert_t a = b->alerts.v[i];
        a.site = eco_rules_site_of(s->rules, a.mn);
        eco_buf_reset(&s->hook_scratch);
        eco_json_t j;
        eco_json_init(&j, &s->hook_scratch);
        eco_store_json_alert(&j, &a);
        if (eco_json_status(&j) == 0) eco_webhooks_post(s->hooks, s->hook_scratch.data, s->hook_scratch.len);
    }
    return;
fail:
    eco_store_tx_rollback(s->store);
    int lost_scr = s->screener ? eco_screener_rollback(s->screener) : 0; /* both, whatever the first says */
    int lost_rules = eco_rules_rollback(s->rules);
    if (lost_scr < 0 || lost_rules < 0)
        eco_log(ECO_LOG_WARN, "commit failed and, short of memory, some screen or rule states could not be put "
                              "back: their next readings may be judged against values that were not stored");
    b->result = r < 0 ? r : ECO_EIO;
    snprintf(b->errmsg, sizeof b->errmsg, "%s", err.msg[0] ? err.msg : eco_strerror(b->result));
}

/* The recent tier's mover runs here, between batches, on the writer's connection (one file, one
 * writer: a move chunk and a batch cannot commit at once anyway). A pass starts once tier_pass_rows
 * values wait — large passes are what make moving cheap, many rows of a series per leaf — and its
 * chunks run while no batch waits, so a burst (every device sending at the top of the hour) is
 * stored first and moved in the quiet after it. Only past tier_max_rows does a chunk follow every
 * batch, twice the batch, so the backlog cannot grow without bound. When the
 * writer has been idle tier_idle_ms, whatever waits is moved. */
/* the store's question during a move chunk: stop now? (yes when a batch waits, unless the
 * chunk is one the backlog makes necessary) */
static int mover_yield(void *ud)
{
    server_t *s = ud;
    return s->move_yields && atomic_load(&s->job_waiting);
}

static void mover_step(server_t *s, long rows, int yields)
{
    s->move_yields = yields;
    eco_err_t err;
    eco_err_clear(&err);
    int64_t t0 = mono_us();
    long n = eco_store_tier_step(s->store, rows, &err);
    int64_t us = mono_us() - t0;
    pthread_mutex_lock(&s->mu);
    s->tier_move_us += us;
    if (n > 0) s->tier_moved += (uint64_t)n;
    s->tier_pending = (uint64_t)eco_store_tier_pending(s->store);
    pthread_mutex_unlock(&s->mu);
    if (n < 0) { /* a full disk, an I/O error: the values stay readable in recent; retry in a second */
        s->tier_retry_us = mono_us() + 1000000;
        eco_log(ECO_LOG_WARN, "moving values from the recent tier: %s (tried again in 1 s)", err.msg);
    }
}

#define TIER_RESERVE_MAX ((size_t)2000000)
#define MOVE_MIN_CHUNK 1024
#define MOVER_QUIET_US 5000 /* the writer has had no batch this long: a quiet moment */
#define BURST_QUIET_US 200000 /* ... or this long in a burst (batches of batch_rows, or tier_busy_rate) */

/* 0 no move now; else how many rows the step may move. idle_us: how long the writer has been idle */
static long mover_due(server_t *s, int64_t idle_us, size_t last_batch)
{
    int64_t p = eco_store_tier_pending(s->store);
    int moving = eco_store_tier_moving(s->store);
    if ((!moving && p == 0) || mono_us() < s->tier_retry_us) return 0;
    if (moving || p >= s->cfg.tier_pass_rows) {
        /* a gap in a burst (the last batch was a large one, or values come faster than
         * tier_busy_rate) is not a quiet moment: the loop and the devices need the CPU for the next
         * batch; moving waits for the burst to end, or for the backlog */
        int busy = s->last_batch_rows >= (size_t)s->cfg.batch_rows ||
                   (s->cfg.tier_busy_rate > 0 && s->in_rate >= (double)s->cfg.tier_busy_rate);
        if (idle_us >= 0 && busy && idle_us < BURST_QUIET_US) return 0;
        if (idle_us >= 0) return s->cfg.tier_chunk_rows;
        /* the backlog: twice what the batch brought, so it shrinks, in chunks small enough not to
         * hold the next batch back much */
        if (p >= s->cfg.tier_max_rows) return 2 * (long)last_batch + MOVE_MIN_CHUNK;
        return 0;
    }
    return idle_us >= (int64_t)s->cfg.tier_idle_ms * 1000 ? s->cfg.tier_chunk_rows : 0;
}

static void *writer_main(void *arg)
{
    server_t *s = arg;
    int64_t idle_since = mono_us();
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->job && !s->writer_quit) {
            /* idle: between two batches of a saturated server the writer waits about a millisecond
             * for the loop to hand the next one over; that is not a quiet moment to move in */
            int64_t idle = mono_us() - idle_since;
            long rows = idle >= MOVER_QUIET_US ? mover_due(s, idle, 0) : 0;
            if (rows > 0) {
                pthread_mutex_unlock(&s->mu);
                mover_step(s, rows, 1); /* a quiet moment: over as soon as a batch comes */
                pthread_mutex_lock(&s->mu);
                continue;
            }
            if (eco_store_tier_pending(s->store) > 0 || eco_store_tier_moving(s->store)) { /* look again soon */
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += (idle < MOVER_QUIET_US ? MOVER_QUIET_US - idle : 100000) * 1000L;
                if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
                pthread_cond_timedwait(&s->cv, &s->mu, &ts);
            } else {
                pthread_cond_wait(&s->cv, &s->mu);
            }
        }
        if (!s->job) break;
        batch_t *b = s->job;
        s->job = NULL;
        atomic_store(&s->job_waiting, 0);
        pthread_mutex_unlock(&s->mu);
        batch_commit(s, b);
        size_t nb = b->obs.n;
        s->last_batch_rows = nb;
        int64_t now_us = mono_us(); /* the arrival rate, a one-second window at a time */
        s->rate_win_values += nb;
        if (now_us - s->rate_win_us >= 1000000) {
            s->in_rate = s->rate_win_us ? (double)s->rate_win_values * 1e6 / (double)(now_us - s->rate_win_us) : 0;
            s->rate_win_us = now_us;
            s->rate_win_values = 0;
        }
        pthread_mutex_lock(&s->mu);
        s->done = b;
        s->tier_pending = (uint64_t)eco_store_tier_pending(s->store);
        uv_async_send(&s->done_async);
        long rows = mover_due(s, -1, nb); /* a backlog past tier_max_rows: a chunk after every batch */
        if (rows > 0) {
            pthread_mutex_unlock(&s->mu);
            mover_step(s, rows, 0); /* the backlog: this chunk must be moved */
            pthread_mutex_lock(&s->mu);
        }
        idle_since = mono_us();
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void conn_unref(conn_t *c);
static void resume_all(server_t *s);
static void on_flush_timer(uv_timer_t *t);
static void finish_if_drained(server_t *s);

/* hand the fill batch to the writer if it is idle (force: regardless of age/size) */
static void maybe_handover(server_t *s, int force)
{
    if (s->busy || batch_empty(s->fill)) return;
    if (!force && !s->draining) {
        int64_t age = now_ms(s) - s->fill->first_ms;
        if (age < s->cfg.flush_ms && s->fill->obs.n < (size_t)s->cfg.batch_rows) {
            if (!uv_is_active((uv_handle_t *)&s->flush_timer))
                uv_timer_start(&s->flush_timer, on_flush_timer, (uint64_t)(s->cfg.flush_ms - age), 0);
            return;
        }
    }
    uv_timer_stop(&s->flush_timer);
    batch_t *b = s->fill;
    for (int i = 0; i < 3; i++) /* the one neither committing (b) nor being acknowledged */
        if (&s->b[i] != b && &s->b[i] != s->acking) s->fill = &s->b[i];
    s->busy = b;
    pthread_mutex_lock(&s->mu);
    s->job = b;
    atomic_store(&s->job_waiting, 1);
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->paused_all) resume_all(s);
}

static void conn_write(conn_t *c, const void *p, size_t n);

static void on_done(uv_async_t *h)
{
    server_t *s = h->data;
    pthread_mutex_lock(&s->mu);
    batch_t *b = s->done;
    s->done = NULL;
    pthread_mutex_unlock(&s->mu);
    if (!b) return;
    int64_t now = now_ms(s);
    if (b->result < 0) {
        s->st.commit_errors++;
        for (size_t i = 0; i < b->regs.n; i++) { /* the devices registered in it must be registered again */
            batch_t *f = s->fill;
            reg_t rg = {adup(f, b->regs.v[i].mn, strlen(b->regs.v[i].mn)), adup(f, b->regs.v[i].pw, strlen(b->regs.v[i].pw))};
            if (rg.mn && rg.pw && VEC_PUSH(f->regs, rg) == 0 && f->first_ms == 0) f->first_ms = now_ms(s);
        }
        eco_log(ECO_LOG_ERROR, "commit failed, %zu frames not acknowledged (devices will resend): %s",
                (size_t)b->nframes, b->errmsg);
    } else {
        s->st.commits++;
        s->st.values_new += b->n_new;
        s->st.values_same += b->n_same;
        s->st.values_revised += b->n_revised;
        s->st.values_failed += b->n_failed;
        s->st.raw_uploads += b->n_raw;
        s->st.alerts += b->n_alerts;
        int64_t ms = b->commit_us / 1000;
        eco_hist_ms_add(&s->commit_hist, ms);
        if (ms >= 1000)
            eco_log(ECO_LOG_WARN, "slow commit: %zu values, %zu frames, %lld ms", b->obs.n, (size_t)b->nframes,
                    (long long)ms);
    }
    /* the next batch to the writer first, then the replies: the writer commits while they are written */
    s->busy = NULL;
    s->acking = b;
    maybe_handover(s, 0);
    for (size_t i = 0; i < b->acks.n; i++) {
        ack_t *a = &b->acks.v[i];
        if (b->result == 0 && !b->failed.v[a->frame] && !a->c->closing) {
            conn_write(a->c, b->replies.data + a->off, a->len);
            s->st.acks_sent++;
            eco_hist_ms_add(&s->lat_hist, now - a->rx_ms);
        }
        conn_unref(a->c);
    }
    batch_reset(b);
    s->acking = NULL;
    finish_if_drained(s);
}

/* ------------------------------------------------------------------ connections */

static void on_conn_closed(uv_handle_t *h);

static void conn_free(conn_t *c)
{
    if (c->fr_live) eco_hj212_framer_free(&c->fr);
    eco_free(c, sizeof *c);
}

static void on_close_free(uv_handle_t *h) { conn_free((conn_t *)h); }

static void conn_unref(conn_t *c)
{
    if (--c->refs == 0) conn_free(c);
}

static void conn_close(conn_t *c, const char *why)
{
    if (c->closing) return;
    c->closing = 1;
    if (why) eco_log(ECO_LOG_INFO, "closing %s: %s", c->peer, why);
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_conn_closed(uv_handle_t *h)
{
    conn_t *c = (conn_t *)h;
    server_t *s = c->srv;
    if (c->dev >= 0 && s->devs[c->dev].conn == c) {
        s->devs[c->dev].conn = NULL;
        s->devs[c->dev].health_dirty = 1; /* no longer connected */
    }
    if (c->prev) c->prev->next = c->next;
    else s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    s->nconns--;
    conn_unref(c);
    finish_if_drained(s);
}

/* after SIGTERM: once every batch is committed and its replies written, close
 * the connections, then the loop's own handles, and uv_run returns */
static void finish_if_drained(server_t *s)
{
    if (!s->draining || s->finished) return;
    if (!s->force_close && (s->busy || !batch_empty(s->fill))) return;
    if (s->nconns > 0) { /* close each once its replies are written (or at the deadline) */
        for (conn_t *c = s->conns; c; c = c->next)
            if (!c->wq_bytes || s->force_close) conn_close(c, NULL);
        return;
    }
    s->finished = 1;
    uv_close((uv_handle_t *)&s->flush_timer, NULL);
    uv_close((uv_handle_t *)&s->sweep_timer, NULL);
    uv_close((uv_handle_t *)&s->done_async, NULL);
    uv_close((uv_handle_t *)&s->sig_term, NULL);
    uv_close((uv_handle_t *)&s->sig_int, NULL);
    uv_close((uv_handle_t *)&s->drain_timer, NULL);
}

typedef struct wreq {
    uv_write_t req;
    conn_t *c;
    size_t n;
    char data[];
} wreq_t;

static void on_written(uv_write_t *req, int status)
{
    wreq_t *w = (wreq_t *)req;
    conn_t *c = w->c;
    server_t *s = c->srv;
    c->wq_bytes -= w->n;
    eco_free(w, sizeof *w + w->n);
    (void)status;
    int drain = s->draining && !c->wq_bytes && !c->closing;
    conn_unref(c);
    if (drain) finish_if_drained(s);
}

static void conn_write(conn_t *c, const void *p, size_t n)
{
    server_t *s = c->srv;
    if (c->closing || n == 0) return;
    if (c->wq_bytes + n > s->cfg.max_write_queue) {
        s->st.conns_closed_backlog++;
        conn_close(c, "peer does not read its replies");
        return;
    }
    size_t n0 = n;
    if (!c->wq_bytes) { /* nothing queued: the socket usually takes a reply whole, without a request */
        uv_buf_t now = uv_buf_init((char *)p, (unsigned)n);
        int w = uv_try_write((uv_stream_t *)&c->tcp, &now, 1);
        if (w == (int)n) return;
        if (w > 0) p = (const char *)p + w, n -= (size_t)w; /* the rest is queued below, in order */
        else if (w != UV_EAGAIN) {
            conn_close(c, "write failed");
            return;
        }
    }
    wreq_t *w = eco_malloc(sizeof *w + n);
    if (!w) {
        if (n < n0) conn_close(c, "out of memory with a reply half written"); /* no torn frame left open */
        return;
    }
    memcpy(w->data, p, n);
    w->c = c;
    w->n = n;
    uv_buf_t buf = uv_buf_init(w->data, (unsigned)n);
    c->refs++;
    c->wq_bytes += n;
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_written) != 0) {
        c->refs--;
        c->wq_bytes -= n;
        eco_free(w, sizeof *w + n);
        conn_close(c, "write failed");
    }
}

/* ------------------------------------------------------------------ frames */

static void count_bad(server_t *s, int code)
{
    switch (code) {
    case ECO_EHJ212_LEN: s->st.bad_len++; break;
    case ECO_EHJ212_CRC: s->st.bad_crc++; break;
    case ECO_EHJ212_LEN_CRC: s->st.bad_len_crc++; break;
    case ECO_EHJ212_TOOBIG: s->st.bad_toobig++; break;
    case ECO_EHJ212_CRYPTO: s->st.bad_crypto++; break;
    case ECO_EHJ212_SYNTAX: s->st.bad_syntax++; break;
    default: s->st.bad_frame++; break;
    }
}

static char *slice_cstr(eco_slice_t v, char *buf, size_t n)
{
    size_t k = v.len < n - 1 ? v.len : n - 1;
    memcpy(buf, v.ptr ? v.ptr : "", k);
    buf[k] = 0;
    return buf;
}

/* a refusal the device can read: 9011 with QnRtn 3 (PW error) or 4 (MN error) */
static void refuse(conn_t *c, const eco_hj212_packet_t *pkt, int qnrtn)
{
    server_t *s = c->srv;
    if (!s->cfg.auth_reply || !pkt->has_qn) return;
    eco_buf_reset(&s->scratch);
    if (eco_hj212_reply(pkt, 9011, qnrtn, &s->scratch) == 0) {
        conn_write(c, s->scratch.data, s->scratch.len);
        s->st.replies_sent++;
    }
}

static int quarantine(server_t *s, conn_t *c, const eco_hj212_packet_t *pkt, eco_slice_t seg, const char *reason)
{
    if (!s->cfg.quarantine) return 0;
    /* a flood of refused frames must not fill the disk: 100 quarantined a second at most */
    int64_t now = now_ms(s);
    s->q_tokens += (double)(now - s->q_tokens_ms) * 0.1;
    if (s->q_tokens > 1000) s->q_tokens = 1000;
    s->q_tokens_ms = now;
    if (s->q_tokens < 1) {
        s->st.quarantine_dropped++;
        return 0;
    }
    s->q_tokens -= 1;
    batch_t *b = s->fill;
    qitem_t q;
    q.q.received_ms = eco_now_ms();
    q.q.peer = adup(b, c->peer, strlen(c->peer));
    q.q.mn = adup(b, pkt->mn.ptr, pkt->mn.len);
    q.q.reason = reason;
    q.q.frame = adup_slice(b, seg);
    if (!q.q.peer || !q.q.mn || !q.q.frame.ptr) return ECO_ENOMEM;
    if (b->first_ms == 0) b->first_ms = now_ms(s);
    return VEC_PUSH(b->quar, q);
}

static int rate_ok(server_t *s, device_t *d)
{
    int64_t now = now_ms(s);
    if (d->tokens_ms) {
        d->tokens += (double)(now - d->tokens_ms) * s->cfg.rate_per_device / 1000.0;
        if (d->tokens > s->cfg.rate_burst) d->tokens = s->cfg.rate_burst;
    }
    d->tokens_ms = now;
    if (d->tokens < 1.0) return 0;
    d->tokens -= 1.0;
    return 1;
}

/* ------------------------------------------------------------------ requests to devices */

/* a platform-initiated command (history request, time setting) on the device's connection */
static int send_request(server_t *s, device_t *d, int cn, const char *cp)
{
    conn_t *c = d->conn;
    if (!c || c->closing) return 0;
    int64_t ms = eco_now_ms();
    if ((uint64_t)ms <= s->qn_last) ms = (int64_t)s->qn_last + 1; /* unique QNs */
    s->qn_last = (uint64_t)ms;
    char qn[24];
    eco_time_format_qn(ms, qn, sizeof qn);
    eco_hj212_msg_t m = {.qn = eco_slice_cstr(qn),
                         .st = eco_slice_cstr(d->st),
                         .pw = eco_slice_cstr(d->pw),
                         .mn = eco_slice_cstr(d->mn),
                         .cn = cn,
                         .flag = d->flagver < 0 ? -1 : (d->flagver | ECO_HJ212_FLAG_ACK),
                         .cp = eco_slice_cstr(cp)};
    eco_buf_reset(&s->scratch);
    if (eco_hj212_encode(&m, NULL, &s->scratch) < 0) return 0;
    conn_write(c, s->scratch.data, s->scratch.len);
    s->st.requests_sent++;
    return 1;
}

/* set the device's clock to ours (CN 1012 SystemTime), at most once an hour */
static void set_clock(server_t *s, device_t *d, double drift_s, const char *why)
{
    if (!s->cfg.clock_set) return;
    int64_t now = now_ms(s);
    if (d->clock_set_ms && now - d->clock_set_ms < 3600 * 1000) return;
    char cp[48], t14[16];
    eco_time_format_compact(eco_time_from_utc(eco_now_ms() / 1000), t14, sizeof t14);
    snprintf(cp, sizeof cp, "SystemTime=%s", t14);
    if (send_request(s, d, 1012, cp)) {
        d->clock_set_ms = now;
        s->st.clock_sets++;
        eco_log(ECO_LOG_INFO, "MN=%s: clock %s (%+.0f s): set to %s", d->mn, why, drift_s, t14);
    }
}

static void gap_sweep(server_t *s)
{
    static const int cn_of[3] = {2051, 2061, 2031};
    int64_t now = now_ms(s);
    for (size_t i = 0; i < s->ndevs; i++) {
        device_t *d = &s->devs[i];
        if (!d->conn || d->conn->closing) continue;
        for (int k = 0; k < 3; k++) {
            eco_time_t b, e;
            uint64_t ab = d->gaps[k].abandoned;
            if (eco_gaps_due(&d->gaps[k], now, &s->gp, &b, &e)) {
                char cp[80], tb[16], te[16];
                eco_time_format_compact(b, tb, sizeof tb);
                eco_time_format_compact(e, te, sizeof te);
                snprintf(cp, sizeof cp, "BeginTime=%s;EndTime=%s", tb, te);
                if (send_request(s, d, cn_of[k], cp)) {
                    s->st.gap_requests++;
                    eco_log(ECO_LOG_INFO, "MN=%s: records missing, asked again: CN=%d %s", d->mn, cn_of[k], cp);
                }
            }
            if (d->gaps[k].abandoned > ab) {
                s->st.gaps_abandoned += d->gaps[k].abandoned - ab;
                eco_log(ECO_LOG_WARN, "MN=%s: CN=%d records still missing after %d requests: given up", d->mn,
                        cn_of[k], s->gp.max_tries);
            }
        }
    }
}

/* the main value of a factor: Rtd for real-time data, Avg otherwise, with fallbacks */
static const eco_hj212_field_t *main_field(const eco_hj212_packet_t *pkt, const eco_hj212_factor_t *f, int gran)
{
    static const char *const pref_rt[] = {"Rtd", "Avg", "ZsRtd", "ZsAvg", "Cou", NULL};
    static const char *const pref_avg[] = {"Avg", "Rtd", "ZsAvg", "ZsRtd", "Cou", NULL};
    const char *const *pref = gran == ECO_GRAN_REALTIME ? pref_rt : pref_avg;
    for (int k = 0; pref[k]; k++)
        for (uint32_t i = 0; i < f->n; i++) {
            const eco_hj212_field_t *fl = &pkt->fields[f->first + i];
            if (eco_slice_eq(fl->suffix, pref[k])) return fl;
        }
    return NULL;
}

/* queue the observations of one parsed upload; returns the number of values or < 0 */
static int queue_obs(server_t *s, const eco_hj212_packet_t *pkt, int gran, const char *mn, uint32_t frame,
                     int64_t rx_wall)
{
    batch_t *b = s->fill;
    const char *notes = "";
    if (pkt->nnotes || pkt->backfill) {
        eco_buf_reset(&s->scratch);
        if (pkt->backfill) eco_buf_puts(&s->scratch, "RF=1 (back-filled)");
        for (uint32_t i = 0; i < pkt->nnotes; i++) {
            if (s->scratch.len) eco_buf_puts(&s->scratch, "; ");
            eco_buf_puts(&s->scratch, pkt->notes[i].text);
        }
        notes = adup(b, s->scratch.data ? (const char *)s->scratch.data : "", s->scratch.len);
        if (!notes) return ECO_ENOMEM;
    }
    int n = 0;
    for (uint32_t i = 0; i < pkt->nfactors; i++) {
        const eco_hj212_factor_t *f = &pkt->factors[i];
        obs_item_t it;
        memset(&it, 0, sizeof it);
        it.frame = frame;
        it.o.mn = mn;
        /* the 2017 code when the tables know it (a 2005 "011" is stored as "w01018"), else as sent */
        int is2005 = f->info && f->info->code2005 && eco_slice_eq(f->code, f->info->code2005);
        it.o.factor = is2005 ? adup(b, f->info->code, strlen(f->info->code)) : adup(b, f->code.ptr, f->code.len);
        it.o.gran = (eco_gran_t)gran;
        it.o.t = pkt->time;
        it.o.received_ms = rx_wall;
        it.o.notes = eco_slice_cstr(notes);
        const eco_hj212_field_t *mf = main_field(pkt, f, gran);
        it.o.value = mf ? mf->num : NAN;
        it.o.vtext = mf ? adup_slice(b, mf->value) : eco_slice_cstr("");
        /* all fields, "Suffix=value;..." as sent, and the data flag */
        eco_buf_reset(&s->scratch);
        eco_slice_t flag = {"", 0};
        for (uint32_t k = 0; k < f->n; k++) {
            const eco_hj212_field_t *fl = &pkt->fields[f->first + k];
            if (k) eco_buf_putc(&s->scratch, ';');
            eco_buf_append(&s->scratch, fl->suffix.ptr, fl->suffix.len);
            eco_buf_putc(&s->scratch, '=');
            eco_buf_append(&s->scratch, fl->value.ptr, fl->value.len);
            if (eco_slice_eq(fl->suffix, "Flag")) flag = fl->value;
        }
        it.o.fields = adup_slice(b, (eco_slice_t){(const char *)s->scratch.data, s->scratch.len});
        it.o.flag = adup_slice(b, flag);
        if (!it.o.factor || !it.o.fields.ptr || !it.o.flag.ptr || !it.o.vtext.ptr) return ECO_ENOMEM;
        if (VEC_PUSH(b->obs, it) < 0) return ECO_ENOMEM;
        n++;
    }
    return n;
}

static void conn_set_device(conn_t *c, int32_t id);

/* a broken frame on a connection whose device is known counts against that device */
static void dev_count(conn_t *c, int refused)
{
    if (c->dev < 0) return;
    device_t *d = &c->srv->devs[c->dev];
    if (refused) d->health.refused++;
    else d->health.frames_bad++;
    d->health_dirty = 1;
}

static void handle_frame(conn_t *c, const eco_hj212_frame_t *fr, int64_t rx)
{
    server_t *s = c->srv;
    eco_hj212_packet_t *pkt = s->pkt;
    eco_err_t err;
    eco_err_clear(&err);
    eco_hj212_opts_t opts = c->fr.opts;
    if (eco_hj212_parse(fr->segment, &opts, pkt, &err) < 0) {
        s->st.bad_syntax++;
        dev_count(c, 0);
        eco_log(ECO_LOG_WARN, "%s: frame at stream offset %" PRIu64 " dropped: %s", c->peer, fr->offset, err.msg);
        return;
    }
    s->st.frames_ok++;
    c->skipped_at_ok = c->fr.bytes_skipped;
    char mn[80], pw[256];
    slice_cstr(pkt->mn, mn, sizeof mn);
    slice_cstr(pkt->pw, pw, sizeof pw);
    int32_t id = eco_map_get(&s->dev_map, eco_slice_cstr(mn));
    if (id < 0 && pkt->mn.len > 0 && pkt->mn.len < 64 && pkt->pw.len < sizeof pw && s->cfg.open_registration) {
        id = device_add(s, mn, pw, "strict", "", "");
        if (id >= 0) {
            batch_t *b = s->fill;
            reg_t rg = {adup(b, mn, strlen(mn)), adup(b, pw, strlen(pw))};
            if (!rg.mn || !rg.pw || VEC_PUSH(b->regs, rg) < 0) return;
            if (b->first_ms == 0) b->first_ms = now_ms(s);
            s->st.registered++;
            eco_log(ECO_LOG_INFO, "%s: registered MN=%s (open registration)", c->peer, mn);
        }
    }
    if (id < 0) {
        s->st.auth_unknown_mn++;
        eco_log(ECO_LOG_WARN, "%s: unknown MN=%s CN=%d: refused%s", c->peer, mn, pkt->cn_num,
                s->cfg.quarantine ? ", quarantined" : "");
        quarantine(s, c, pkt, fr->segment, "unknown MN");
        refuse(c, pkt, 4);
        if (++c->refused_run >= MAX_REFUSED_RUN) conn_close(c, "too many refused frames in a row");
        return;
    }
    device_t *d = &s->devs[id];
    if (!d->mn || !eco_slice_eq(pkt->pw, d->pw)) {
        s->st.auth_bad_pw++;
        if (d->mn) d->health.refused++, d->health_dirty = 1;
        eco_log(ECO_LOG_WARN, "%s: MN=%s wrong PW: refused%s", c->peer, mn, s->cfg.quarantine ? ", quarantined" : "");
        quarantine(s, c, pkt, fr->segment, "wrong PW");
        refuse(c, pkt, 3);
        if (++c->refused_run >= MAX_REFUSED_RUN) conn_close(c, "too many refused frames in a row");
        return;
    }
    c->refused_run = 0;
    if (c->dev != id) conn_set_device(c, id); /* first frame of this device here: its profile and key */
    d->last_seen_ms = eco_now_ms();
    d->seen_dirty = 1;
    d->health.frames_ok++;
    d->health.last_seen_ms = d->last_seen_ms;
    d->health_dirty = 1;
    d->conn = c;
    if (pkt->st.len && pkt->st.len < sizeof d->st) slice_cstr(pkt->st, d->st, sizeof d->st);
    d->flagver = pkt->has_flag && pkt->flag >= 0 ? (pkt->flag & ~3) : -1;
    /* the device's clock: real-time DataTimes and SystemTime answers (1011) against ours */
    if ((pkt->cn_num == 2011 && pkt->has_time) || pkt->cn_num == 1011) {
        eco_time_t dt = pkt->time;
        int have = pkt->cn_num == 2011;
        if (pkt->cn_num == 1011) {
            eco_slice_t st = eco_hj212_param(pkt, "SystemTime");
            have = st.len && eco_time_parse(st, &dt) == 0;
        }
        if (have) {
            double drift = (double)(dt - eco_time_from_utc(eco_now_ms() / 1000));
            if (drift > s->cfg.clock_max_drift_s || drift < -s->cfg.clock_max_drift_s) set_clock(s, d, drift, "drifts");
        }
    }
    if (pkt->cn_num == 1013) set_clock(s, d, 0, "asked for by the device (1013)");
    int upload = eco_hj212_cn_is_upload(pkt->cn_num);
    if (!upload) { /* heartbeat 9015, 1013 time request, replies from the device: answered at once */
        eco_buf_reset(&s->scratch);
        if (eco_hj212_reply_for(pkt, &s->scratch) > 0) {
            conn_write(c, s->scratch.data, s->scratch.len);
            s->st.replies_sent++;
        }
        return;
    }
    if (!rate_ok(s, d)) {
        s->st.rate_limited++;
        d->health.dropped++;
        if (s->st.rate_limited % 1000 == 1)
            eco_log(ECO_LOG_WARN, "%s: MN=%s over %.0f frames/s: frame dropped unacknowledged", c->peer, mn,
                    s->cfg.rate_per_device);
        return;
    }
    batch_t *b = s->fill;
    uint32_t frame = b->nframes;
    int gran = eco_gran_of_cn(pkt->cn_num);
    const char *amn = adup(b, mn, strlen(mn));
    if (!amn) return;
    if (gran >= 0 && !pkt->has_time) {
        s->st.bad_time++;
        d->health.dropped++;
        eco_log(ECO_LOG_WARN, "%s: MN=%s CN=%d without a valid DataTime: not stored, not acknowledged", c->peer, mn,
                pkt->cn_num);
        return;
    }
    if (VEC_PUSH(b->failed, (unsigned char)0) < 0) return;
    int n;
    if (gran >= 0) {
        n = queue_obs(s, pkt, gran, amn, frame, d->last_seen_ms);
        if (gran != ECO_GRAN_REALTIME && s->cfg.gap_requests) {
            eco_gaps_t *gs = &d->gaps[gran - 1];
            uint64_t f0 = gs->found, fl0 = gs->filled;
            eco_gaps_record(gs, pkt->time, now_ms(s), &s->gp);
            s->st.gaps_found += gs->found - f0;
            s->st.gaps_filled += gs->filled - fl0;
        }
    } else {
        raw_t w = {amn, pkt->cn_num, pkt->has_time ? pkt->time : 0, adup_slice(b, fr->segment), frame};
        n = w.seg.ptr ? VEC_PUSH(b->raws, w) : ECO_ENOMEM;
    }
    if (n < 0) {
        b->failed.v[frame] = 1;
        eco_log(ECO_LOG_ERROR, "%s: out of memory queueing a frame", c->peer);
    }
    b->nframes++;
    if (b->first_ms == 0) b->first_ms = now_ms(s);
    eco_buf_reset(&s->scratch);
    if (eco_hj212_reply_for(pkt, &s->scratch) > 0) {
        ack_t a = {c, (uint32_t)b->replies.len, (uint32_t)s->scratch.len, frame, rx};
        if (eco_buf_append(&b->replies, s->scratch.data, s->scratch.len) == 0 && VEC_PUSH(b->acks, a) == 0)
            c->refs++;
    }
}

/* the framer's key look-up for an encrypted frame on a connection whose device is not known yet */
static const uint8_t *key_for_mn(void *ud, eco_slice_t mn)
{
    server_t *s = ud;
    int32_t id = eco_map_get(&s->dev_map, mn);
    return id >= 0 && s->devs[id].has_key ? s->devs[id].key : NULL;
}

/* the device on this connection from now on: its profile, a copy of its key, and the
 * device's pointer back to the connection (cleared from the previous device) */
static void conn_set_device(conn_t *c, int32_t id)
{
    server_t *s = c->srv;
    if (c->dev >= 0 && c->dev != id && s->devs[c->dev].conn == c) s->devs[c->dev].conn = NULL;
    c->dev = id;
    device_t *d = &s->devs[id];
    c->opts = d->opts;
    c->opts.sm4_key = NULL;
    if (d->has_key) {
        memcpy(c->key, d->key, sizeof c->key);
        c->opts.sm4_key = c->key;
    }
    c->opts.key_for = key_for_mn; /* another device may still speak on this connection */
    c->opts.key_ud = s;
    c->fr.opts = c->opts;
}

/* pull the MN out of a CRYPTO error ("... no SM4 key for MN=XXXX ...") so the device's key
 * is used for the rest of the connection: the frame itself is lost, the device resends it */
static void learn_key_from_error(conn_t *c, const eco_err_t *err)
{
    server_t *s = c->srv;
    const char *p = strstr(err->msg, "MN=");
    if (!p) return;
    p += 3;
    size_t n = strcspn(p, " ;,");
    if (n == 0 || n > 64) return;
    int32_t id = eco_map_get(&s->dev_map, (eco_slice_t){p, n});
    if (id < 0 || !s->devs[id].has_key) return;
    conn_set_device(c, id);
}

static void conn_process(conn_t *c, const unsigned char *data, size_t n)
{
    server_t *s = c->srv;
    int64_t rx = now_ms(s);
    c->last_rx_ms = rx;
    s->st.bytes_in += n;
    if (!c->fr_live) { /* the buffer is allocated while bytes are held, counters survive */
        eco_hj212_framer_t keep = c->fr;
        if (eco_hj212_framer_init(&c->fr, &c->opts, 0) < 0) {
            c->fr = keep;
            conn_close(c, "out of memory");
            return;
        }
        c->fr.base = c->stream_off;
        c->fr.frames_ok = keep.frames_ok;
        c->fr.bad_frame = keep.bad_frame;
        c->fr.bad_len = keep.bad_len;
        c->fr.bad_crc = keep.bad_crc;
        c->fr.bytes_skipped = keep.bytes_skipped;
        c->fr.bytes_total = keep.bytes_total;
        c->fr_live = 1;
    }
    while (n > 0) {
        size_t took = eco_hj212_framer_feed(&c->fr, data, n);
        data += took;
        n -= took;
        eco_hj212_frame_t fr;
        eco_err_t err;
        int r;
        int got = 0;
        while ((r = eco_hj212_framer_next(&c->fr, &fr, &err)) != 0) {
            got = 1;
            if (r == 1) {
                c->partial_since_ms = 0; /* a frame completed: what is held is a new partial one */
                handle_frame(c, &fr, rx);
                if (c->closing) return;
            } else {
                count_bad(s, r);
                dev_count(c, 0);
                if (r == ECO_EHJ212_CRYPTO) learn_key_from_error(c, &err);
                eco_log(ECO_LOG_WARN, "%s: %s", c->peer, err.msg);
            }
        }
        if (took == 0 && !got) { /* the framer can take nothing and yields nothing: cannot happen; be safe */
            conn_close(c, "framer stalled");
            return;
        }
    }
    if (c->fr.bytes_skipped - c->skipped_at_ok > s->cfg.max_garbage) {
        s->st.conns_closed_garbage++;
        conn_close(c, "too many bytes that are not HJ 212 frames");
        return;
    }
    if (c->fr.pos >= c->fr.len && !c->fr.cr_pending) { /* nothing held: give the buffer back */
        c->stream_off = c->fr.base + c->fr.len;
        eco_hj212_framer_free(&c->fr); /* keeps opts and counters */
        c->fr_live = 0;
        c->partial_since_ms = 0;
    } else if (!c->partial_since_ms) {
        c->partial_since_ms = rx; /* held bytes of a frame not yet complete, since now */
    }
    maybe_handover(s, 0);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    conn_t *c = (conn_t *)h;
    server_t *s = c->srv;
    (void)suggested;
    /* one read buffer for the whole loop: reads are consumed before the next one */
    if (s->rbuf_busy) {
        *buf = uv_buf_init(NULL, 0);
        return;
    }
    s->rbuf_busy = 1;
    *buf = uv_buf_init((char *)s->rbuf, sizeof s->rbuf);
}

static void pause_all(server_t *s)
{
    if (s->paused_all) return;
    s->paused_all = 1;
    for (conn_t *c = s->conns; c; c = c->next)
        if (!c->closing && !c->paused) {
            uv_read_stop((uv_stream_t *)&c->tcp);
            c->paused = 1;
        }
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf);

static void resume_all(server_t *s)
{
    s->paused_all = 0;
    if (s->draining) return;
    for (conn_t *c = s->conns; c; c = c->next)
        if (!c->closing && c->paused) {
            c->paused = 0;
            uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
        }
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *c = (conn_t *)st;
    server_t *s = c->srv;
    if (buf->base == (char *)s->rbuf) s->rbuf_busy = 0;
    if (nread < 0) {
        conn_close(c, nread == UV_EOF ? NULL : uv_strerror((int)nread));
        return;
    }
    if (nread == 0) return;
    conn_process(c, (const unsigned char *)buf->base, (size_t)nread);
    if (!c->closing && s->fill->obs.n >= (size_t)s->cfg.max_pending_rows) pause_all(s);
}

static void on_accept(uv_stream_t *ls, int status)
{
    server_t *s = ls->data;
    if (status < 0) {
        eco_log(ECO_LOG_WARN, "accept: %s", uv_strerror(status));
        return;
    }
    conn_t *c = eco_calloc(1, sizeof *c);
    if (!c) return;
    c->srv = s;
    c->dev = -1;
    c->refs = 1;
    eco_hj212_opts_default(&c->opts);
    c->opts.key_for = key_for_mn; /* an encrypted first frame is decrypted with its MN's key */
    c->opts.key_ud = s;
    uv_tcp_init(&s->loop, &c->tcp);
    if (uv_accept(ls, (uv_stream_t *)&c->tcp) != 0) {
        uv_close((uv_handle_t *)&c->tcp, on_close_free);
        return;
    }
    s->st.conns_accepted++;
    struct sockaddr_storage sa;
    int len = sizeof sa;
    snprintf(c->peer, sizeof c->peer, "?");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&sa, &len) == 0) {
        char ip[48] = "?";
        int port = 0;
        if (sa.ss_family == AF_INET) {
            uv_ip4_name((struct sockaddr_in *)&sa, ip, sizeof ip);
            port = ntohs(((struct sockaddr_in *)&sa)->sin_port);
        } else if (sa.ss_family == AF_INET6) {
            uv_ip6_name((struct sockaddr_in6 *)&sa, ip, sizeof ip);
            port = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
        }
        snprintf(c->peer, sizeof c->peer, "%s:%d", ip, port);
    }
    if (s->draining || s->nconns >= s->cfg.max_connections) {
        s->st.conns_refused++;
        if (s->st.conns_refused % 1000 == 1)
            eco_log(ECO_LOG_WARN, "%s refused: %d connections open (max_connections)", c->peer, s->nconns);
        uv_close((uv_handle_t *)&c->tcp, on_close_free);
        return;
    }
    c->next = s->conns;
    if (s->conns) s->conns->prev = c;
    s->conns = c;
    s->nconns++;
    c->last_rx_ms = now_ms(s);
    uv_tcp_nodelay(&c->tcp, 1);
    if (s->paused_all) c->paused = 1;
    else uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* ------------------------------------------------------------------ timers, stats, signals */

static void stats_fill(server_t *s)
{
    s->st.ack_ms_p50 = eco_hist_ms_pct(&s->lat_hist, 0.50);
    s->st.ack_ms_p99 = eco_hist_ms_pct(&s->lat_hist, 0.99);
    s->st.ack_ms_max = s->lat_hist.max;
    s->st.commit_ms_p50 = eco_hist_ms_pct(&s->commit_hist, 0.50);
    s->st.commit_ms_p99 = eco_hist_ms_pct(&s->commit_hist, 0.99);
    s->st.commit_ms_max = s->commit_hist.max;
    pthread_mutex_lock(&s->mu);
    s->st.tier_moved = s->tier_moved;
    s->st.tier_pending = s->tier_pending;
    s->st.tier_move_ms = (uint64_t)(s->tier_move_us / 1000);
    pthread_mutex_unlock(&s->mu);
}

static void stats_log(server_t *s)
{
    stats_fill(s);
    eco_ingest_stats_t *t = &s->st;
    eco_log(ECO_LOG_INFO,
            "stats: conns %d open, %" PRIu64 " accepted, %" PRIu64 " refused; frames ok %" PRIu64
            ", bad frame/len/crc/len+crc/toobig/crypto/syntax/time %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64
            "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "; refused unknown MN %" PRIu64 ", wrong PW %" PRIu64 " (quarantine full %" PRIu64 ")"
            "; rate-limited %" PRIu64 "; values new %" PRIu64 ", same %" PRIu64 ", revised %" PRIu64
            "; commits %" PRIu64 " (errors %" PRIu64 ", ms p50 %" PRIu64 " p99 %" PRIu64 " max %" PRIu64 "); acks %" PRIu64 ", ack ms p50 %" PRIu64 " p99 %" PRIu64
            " max %" PRIu64 "; gaps found %" PRIu64 ", filled %" PRIu64 ", requests %" PRIu64 ", abandoned %" PRIu64
            "; clock sets %" PRIu64 "; alerts %" PRIu64 "; recent tier moved %" PRIu64 " (%" PRIu64 " ms), waiting %" PRIu64,
            s->nconns, t->conns_accepted, t->conns_refused, t->frames_ok, t->bad_frame, t->bad_len, t->bad_crc,
            t->bad_len_crc, t->bad_toobig, t->bad_crypto, t->bad_syntax, t->bad_time, t->auth_unknown_mn,
            t->auth_bad_pw, t->quarantine_dropped, t->rate_limited, t->values_new, t->values_same, t->values_revised, t->commits,
            t->commit_errors, t->commit_ms_p50, t->commit_ms_p99, t->commit_ms_max, t->acks_sent, t->ack_ms_p50, t->ack_ms_p99, t->ack_ms_max, t->gaps_found, t->gaps_filled,
            t->gap_requests, t->gaps_abandoned, t->clock_sets, t->alerts, t->tier_moved, t->tier_move_ms, t->tier_pending);
}

static void on_flush_timer(uv_timer_t *t)
{
    server_t *s = t->data;
    maybe_handover(s, 1);
}

static void gaps_save(server_t *s);

/* the counters /metrics shows, once a second */
static void live_counters(server_t *s)
{
    stats_fill(s);
    const eco_ingest_stats_t *t = &s->st;
    eco_live_counters_t c;
    memset(&c, 0, sizeof c);
    c.conns_open = (uint64_t)s->nconns;
    c.conns_accepted = t->conns_accepted;
    c.frames_ok = t->frames_ok;
    c.frames_bad = t->bad_frame + t->bad_len + t->bad_crc + t->bad_len_crc + t->bad_toobig + t->bad_crypto +
                   t->bad_syntax + t->bad_time;
    c.auth_refused = t->auth_unknown_mn + t->auth_bad_pw;
    c.values_new = t->values_new;
    c.values_same = t->values_same;
    c.values_revised = t->values_revised;
    c.values_failed = t->values_failed;
    c.commits = t->commits;
    c.commit_errors = t->commit_errors;
    c.alerts = t->alerts;
    c.commit_ms_p50 = t->commit_ms_p50;
    c.commit_ms_p99 = t->commit_ms_p99;
    c.commit_ms_max = t->commit_ms_max;
    c.ack_ms_p50 = t->ack_ms_p50;
    c.ack_ms_p99 = t->ack_ms_p99;
    c.gaps_found = t->gaps_found;
    c.gaps_filled = t->gaps_filled;
    eco_live_set_counters(s->cfg.live, &c);
    /* devices whose health changed this second */
    int any = 0;
    for (size_t i = 0; i < s->ndevs; i++) {
        device_t *d = &s->devs[i];
        if (!d->health_dirty || !d->mn) continue;
        if (!any) eco_live_write_begin(s->cfg.live), any = 1;
        d->health.connected = d->conn != NULL;
        d->health_dirty = 0;
        if (eco_live_dev_put(s->cfg.live, d->mn, &d->health) < 0) break;
    }
    if (any) eco_live_write_end(s->cfg.live);
}

static void on_sweep(uv_timer_t *t)
{
    server_t *s = t->data;
    int64_t now = now_ms(s);
    conn_t *next;
    for (conn_t *c = s->conns; c; c = next) {
        next = c->next;
        if (c->closing) continue;
        if (c->paused) { /* the server is not reading it: its clocks stand still */
            c->last_rx_ms = now;
            if (c->partial_since_ms) c->partial_since_ms = now;
            continue;
        }
        if (c->partial_since_ms && now - c->partial_since_ms > (int64_t)s->cfg.frame_timeout_s * 1000) {
            s->st.conns_closed_slow++;
            conn_close(c, "a frame took longer than frame_timeout to arrive");
        } else if (now - c->last_rx_ms > (int64_t)s->cfg.idle_timeout_s * 1000) {
            s->st.conns_closed_idle++;
            conn_close(c, "idle");
        }
    }
    /* last-seen times, once a second rather than per frame */
    if (!s->draining) {
        batch_t *b = s->fill;
        for (size_t i = 0; i < s->ndevs; i++) {
            device_t *d = &s->devs[i];
            if (!d->seen_dirty || !d->mn) continue;
            seen_t sn = {adup(b, d->mn, strlen(d->mn)), d->last_seen_ms};
            if (!sn.mn || VEC_PUSH(b->seen, sn) < 0) break;
            d->seen_dirty = 0;
            if (b->first_ms == 0) b->first_ms = now;
        }
        maybe_handover(s, 0);
    }
    if (!s->draining && s->cfg.gap_requests) gap_sweep(s);
    if (s->cfg.live) live_counters(s);
    if (s->cfg.gap_requests && now - s->last_gaps_save_ms >= 60000) {
        s->last_gaps_save_ms = now;
        gaps_save(s);
    }
    if (s->cfg.stats_interval_s > 0 && now - s->last_stats_ms >= (int64_t)s->cfg.stats_interval_s * 1000) {
        s->last_stats_ms = now;
        stats_log(s);
    }
}

static void on_drain_deadline(uv_timer_t *t)
{
    server_t *s = t->data;
    eco_log(ECO_LOG_WARN, "shutdown: replies still unwritten after 10 s; closing the connections");
    s->force_close = 1;
    finish_if_drained(s);
}

static void on_signal(uv_signal_t *h, int signum)
{
    server_t *s = h->data;
    if (s->draining) { /* a second signal: stop now (what is committed stays committed) */
        eco_log(ECO_LOG_WARN, "signal %d again: closing without waiting", signum);
        s->force_close = 1;
        finish_if_drained(s);
        return;
    }
    uv_timer_start(&s->drain_timer, on_drain_deadline, 10000, 0);
    eco_log(ECO_LOG_INFO, "signal %d: flushing and stopping", signum);
    s->draining = 1;
    if (s->listening) {
        uv_close((uv_handle_t *)&s->listener, NULL);
        s->listening = 0;
    }
    for (conn_t *c = s->conns; c; c = c->next)
        if (!c->closing) uv_read_stop((uv_stream_t *)&c->tcp);
    maybe_handover(s, 1);
    finish_if_drained(s);
}

/* ------------------------------------------------------------------ entry */

static void close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

int eco_ingest_parse_addr(const char *str, char *host, size_t hostn, int *port)
{
    const char *colon = strrchr(str, ':');
    const char *ps = colon ? colon + 1 : str;
    char *end;
    long p = strtol(ps, &end, 10);
    if (!*ps || *end || p < 0 || p > 65535) return ECO_EINVAL;
    if (colon) {
        size_t hl = (size_t)(colon - str);
        if (hl >= hostn) return ECO_EINVAL;
        if (hl == 0) {
            snprintf(host, hostn, "0.0.0.0");
        } else {
            memcpy(host, str, hl);
            host[hl] = 0;
        }
    }
    *port = (int)p;
    return 0;
}

static int seed_live(void *ud, const char *mn, const char *factor, eco_gran_t g, const eco_latest_t *lt)
{
    eco_live_val_t v;
    v.t = lt->t;
    v.value = lt->value;
    memcpy(v.flag, lt->flag, sizeof v.flag);
    v.flag[sizeof v.flag - 1] = 0;
    v.received_ms = lt->received_ms;
    return eco_live_put(ud, mn, factor, (int)g, &v) < 0;
}

/* ------------------------------------------------------------------ gap state across restarts */

/* Why: the gaps a server has noticed live in memory; a restart would forget them, and worse,
 * would not notice the records missed while it was down (a device that does not back-fill by
 * itself). So (1) each device's latest record time per granularity is taken from the store at
 * start — the first record after the restart shows a gap over the downtime (hour and day steps
 * are fixed; a minute step must be known, see 2); (2) the whole state (latest time, learnt
 * step, open gaps and their tries) is written to DIR/gaps.state every minute and at exit
 * (write, rename) and read back at start. A crash loses at most a minute of it. */

static int seed_gaps(void *ud, const char *mn, const char *factor, eco_gran_t g, const eco_latest_t *lt)
{
    (void)factor;
    server_t *s = ud;
    if (g < ECO_GRAN_MINUTE || g > ECO_GRAN_DAY) return 0;
    int32_t id = eco_map_get(&s->dev_map, eco_slice_cstr(mn));
    if (id < 0) return 0;
    eco_gaps_t *gs = &s->devs[id].gaps[g - 1];
    if (lt->t > gs->last) gs->last = lt->t;
    return 0;
}

static void gaps_save(server_t *s)
{
    if (!s->cfg.gaps_state[0]) return;
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", s->cfg.gaps_state);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        eco_log(ECO_LOG_WARN, "gap state not saved: %s: %s", tmp, strerror(errno));
        return;
    }
    fputs("# ecobrain gap state 1: mn gran last step fixed n (begin end tries)*\n", f);
    for (size_t i = 0; i < s->ndevs; i++) {
        const device_t *d = &s->devs[i];
        if (!d->mn) continue;
        for (int k = 0; k < 3; k++) {
            const eco_gaps_t *g = &d->gaps[k];
            if (!g->last && !g->n) continue;
            fprintf(f, "%s\t%d\t%lld\t%d\t%d\t%d", d->mn, k + 1, (long long)g->last, g->step, g->fixed, g->n);
            for (int j = 0; j < g->n; j++)
                fprintf(f, "\t%lld\t%lld\t%d", (long long)g->g[j].begin, (long long)g->g[j].end, g->g[j].tries);
            fputc('\n', f);
        }
    }
    /* no fsync: this runs on the loop thread, and a power cut at worst leaves the previous file (or
     * none) — the store's latest times still show the records missed while the server was down */
    int bad = fflush(f) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, s->cfg.gaps_state) != 0) {
        eco_log(ECO_LOG_WARN, "gap state not saved: %s: %s", s->cfg.gaps_state, strerror(errno));
        unlink(tmp);
    }
}

static void gaps_load(server_t *s)
{
    if (!s->cfg.gaps_state[0]) return;
    FILE *f = fopen(s->cfg.gaps_state, "r");
    if (!f) return; /* none yet */
    char line[4096];
    int ln = 0, loaded = 0, bad = 0;
    int64_t now = (int64_t)(uv_hrtime() / 1000000); /* the loop's clock (uv_now), which gaps run on */
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || line[0] == '\n') continue;
        char mn[128];
        int gran, step, fixed, n, off = 0;
        long long last;
        if (sscanf(line, "%127s %d %lld %d %d %d%n", mn, &gran, &last, &step, &fixed, &n, &off) != 6 || gran < 1 ||
            gran > 3 || n < 0 || n > ECO_GAPS_MAX || step < 0) {
            if (bad++ < 3) eco_log(ECO_LOG_WARN, "%s:%d: not a gap state line: skipped", s->cfg.gaps_state, ln);
            continue;
        }
        int32_t id = eco_map_get(&s->dev_map, eco_slice_cstr(mn));
        if (id < 0) continue; /* a device no longer in the catalogue */
        eco_gaps_t *g = &s->devs[id].gaps[gran - 1];
        eco_gaps_t nw = *g;
        nw.n = 0;
        const char *p = line + off;
        int ok = 1;
        for (int j = 0; j < n && ok; j++) {
            long long b, e;
            int tries, used = 0;
            if (sscanf(p, "%lld %lld %d%n", &b, &e, &tries, &used) != 3 || b > e || tries < 0) ok = 0;
            else {
                nw.g[nw.n].begin = b;
                nw.g[nw.n].end = e;
                nw.g[nw.n].tries = tries;
                nw.g[nw.n].next_ms = now + s->gp.grace_ms; /* our clock restarted: asked again after the grace */
                nw.n++;
                p += used;
            }
        }
        if (!ok) {
            if (bad++ < 3) eco_log(ECO_LOG_WARN, "%s:%d: a gap that is not begin end tries: line skipped", s->cfg.gaps_state, ln);
            continue;
        }
        if (last > nw.last) nw.last = last; /* the store may know a later record (written after the save) */
        if (!nw.fixed && step) nw.step = step;
        *g = nw;
        loaded++;
    }
    fclose(f);
    eco_log(ECO_LOG_INFO, "gap state: %d device-granularities read from %s%s", loaded, s->cfg.gaps_state,
            bad ? " (some lines skipped)" : "");
}

static int rules_site_cb(void *ud, const eco_site_t *site)
{
    return eco_rules_site_kind(ud, site->code, eco_site_kind_name(site->kind)) < 0 ||
           eco_rules_site_target(ud, site->code, site->zone) < 0;
}

int eco_ingest_serve(const eco_ingest_cfg_t *cfg, eco_store_t *store, eco_ingest_stats_t *stats, eco_err_t *err)
{
    server_t *s = eco_calloc(1, sizeof *s);
    if (!s) return eco_err_set(err, ECO_ENOMEM, "serve: out of memory");
    s->cfg = *cfg;
    s->store = store;
    eco_gaps_policy_default(&s->gp);
    if (!(s->rules = eco_rules_new()) || (cfg->screens && !(s->screener = eco_screener_new()))) {
        eco_rules_free(s->rules);
        eco_free(s->pkt, sizeof *s->pkt);
        eco_free(s, sizeof *s);
        return eco_err_set(err, ECO_ENOMEM, "serve: out of memory");
    }
    s->gp.grace_ms = (int64_t)cfg->gap_grace_s * 1000;
    s->gp.retry_ms = (int64_t)cfg->gap_retry_s * 1000;
    s->gp.max_tries = cfg->gap_tries;
    s->pkt = eco_malloc(sizeof *s->pkt);
    int r = 0;
    if (!s->pkt) {
        eco_free(s, sizeof *s);
        return eco_err_set(err, ECO_ENOMEM, "serve: out of memory");
    }
    eco_map_init(&s->dev_map);
    batch_init(&s->b[0]);
    batch_init(&s->b[1]);
    batch_init(&s->b[2]);
    s->fill = &s->b[0];
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (cfg->rules_path[0]) { /* the rules file: its screen parameters, thresholds and limits */
        if ((r = eco_rules_load_file(s->rules, cfg->rules_path, err)) < 0) goto out_free;
        if ((r = eco_store_site_each(store, rules_site_cb, s->rules, err)) < 0) goto out_free;
        if (s->screener) eco_screener_set_hook(s->screener, eco_rules_screen_hook, s->rules);
        eco_log(ECO_LOG_INFO, "alert rules: %d from %s", eco_rules_count(s->rules), cfg->rules_path);
    }
    if ((r = eco_store_device_each(store, load_device_cb, s, err)) < 0) goto out_free;
    if (s->load_failed) {
        r = eco_err_set(err, ECO_ENOMEM, "serve: out of memory loading the device catalogue");
        goto out_free;
    }
    if (cfg->live) { /* the live table starts from what the store holds */
        eco_live_write_begin(cfg->live);
        eco_store_latest_each(store, seed_live, cfg->live);
        for (size_t i = 0; i < s->ndevs; i++)
            if (s->devs[i].mn && s->devs[i].site && *s->devs[i].site)
                eco_live_site_put(cfg->live, s->devs[i].mn, s->devs[i].site);
        eco_live_write_end(cfg->live);
    }
    if (cfg->gap_requests) { /* the gap trackers start from what the store and the last run knew */
        eco_store_latest_each(store, seed_gaps, s);
        gaps_load(s);
    }
    eco_log(ECO_LOG_INFO, "%zu devices in the catalogue%s", s->ndevs,
            cfg->open_registration ? "; open registration is ON (unknown MNs are registered)" : "");

    /* the recent tier's index sized for a pass at once (at most TIER_RESERVE_MAX values: 96 MiB), so
     * a million keys are not rehashed mid-burst while a batch waits; before listening, as touching
     * that memory takes a moment */
    size_t want = (size_t)cfg->tier_pass_rows < TIER_RESERVE_MAX ? (size_t)cfg->tier_pass_rows : TIER_RESERVE_MAX;
    if (cfg->tier && eco_store_tier_reserve(store, want) < 0)
        eco_log(ECO_LOG_WARN, "recent tier: no memory to size its index for %zu values; it grows as needed", want);
    uv_loop_init(&s->loop);
    uv_tcp_init(&s->loop, &s->listener);
    s->listener.data = s;
    struct sockaddr_storage sa;
    if (uv_ip4_addr(cfg->hj212_host, cfg->hj212_port, (struct sockaddr_in *)&sa) != 0 &&
        uv_ip6_addr(cfg->hj212_host, cfg->hj212_port, (struct sockaddr_in6 *)&sa) != 0) {
        r = eco_err_set(err, ECO_EINVAL, "serve: bad listen address '%s'", cfg->hj212_host);
        goto out_loop;
    }
    int uvr;
    if ((uvr = uv_tcp_bind(&s->listener, (struct sockaddr *)&sa, 0)) != 0 ||
        (uvr = uv_listen((uv_stream_t *)&s->listener, 4096, on_accept)) != 0) {
        r = eco_err_set(err, ECO_EIO, "serve: cannot listen on %s:%d: %s", cfg->hj212_host, cfg->hj212_port,
                        uv_strerror(uvr));
        goto out_loop;
    }
    s->listening = 1;
    int len = sizeof sa;
    int port = cfg->hj212_port;
    if (uv_tcp_getsockname(&s->listener, (struct sockaddr *)&sa, &len) == 0)
        port = sa.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&sa)->sin_port)
                                       : ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
    eco_log(ECO_LOG_INFO, "hj212 listening on %s:%d", cfg->hj212_host, port);
    if (cfg->port_file[0]) {
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%s.tmp", cfg->port_file);
        FILE *pf = fopen(tmp, "w");
        if (!pf || fprintf(pf, "%d\n", port) < 0 || fclose(pf) != 0 || rename(tmp, cfg->port_file) != 0) {
            r = eco_err_set(err, ECO_EIO, "serve: cannot write %s: %s", cfg->port_file, strerror(errno));
            goto out_loop;
        }
    }
    uv_timer_init(&s->loop, &s->flush_timer);
    s->flush_timer.data = s;
    uv_timer_init(&s->loop, &s->sweep_timer);
    s->sweep_timer.data = s;
    uv_timer_init(&s->loop, &s->drain_timer);
    s->drain_timer.data = s;
    uv_timer_start(&s->sweep_timer, on_sweep, 1000, 1000);
    uv_async_init(&s->loop, &s->done_async, on_done);
    s->done_async.data = s;
    uv_signal_init(&s->loop, &s->sig_term);
    s->sig_term.data = s;
    uv_signal_start(&s->sig_term, on_signal, SIGTERM);
    uv_signal_init(&s->loop, &s->sig_int);
    s->sig_int.data = s;
    uv_signal_start(&s->sig_int, on_signal, SIGINT);
    signal(SIGPIPE, SIG_IGN);
    s->last_stats_ms = now_ms(s);
    s->q_tokens = 1000;
    s->q_tokens_ms = now_ms(s);
    if (cfg->nwebhooks > 0) {
        const char *urls[ECO_WEBHOOK_MAX];
        for (int i = 0; i < cfg->nwebhooks; i++) urls[i] = cfg->webhooks[i];
        if ((r = eco_webhooks_start(urls, cfg->nwebhooks, &cfg->webhook, &s->hooks, err)) < 0) goto out_loop;
        eco_log(ECO_LOG_INFO, "webhooks: %d receiver%s of new alerts", cfg->nwebhooks, cfg->nwebhooks > 1 ? "s" : "");
    }
    eco_store_tier_yield(store, mover_yield, s);
    if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
        r = eco_err_set(err, ECO_EIO, "serve: cannot start the writer thread");
        goto out_loop;
    }
    s->writer_started = 1;

    uv_run(&s->loop, UV_RUN_DEFAULT);

    if (cfg->gap_requests) gaps_save(s);
    stats_log(s);
out_loop:
    if (s->writer_started) {
        pthread_mutex_lock(&s->mu);
        s->writer_quit = 1;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->writer, NULL);
    }
    eco_store_tier_yield(store, NULL, NULL); /* the store outlives this server */
    if (s->hooks) { /* after the writer: nothing more is queued; what is queued gets its drain time */
        eco_webhook_stats_t ws;
        eco_webhooks_stop(s->hooks, &ws);
        s->hooks = NULL;
        eco_log(ECO_LOG_INFO,
                "webhooks: %llu queued, %llu delivered, %llu retries, dropped %llu (queue full %llu, failed %llu, "
                "at stop %llu)",
                (unsigned long long)ws.queued, (unsigned long long)ws.sent, (unsigned long long)ws.retries,
                (unsigned long long)(ws.dropped_full + ws.dropped_failed + ws.dropped_stop),
                (unsigned long long)ws.dropped_full, (unsigned long long)ws.dropped_failed,
                (unsigned long long)ws.dropped_stop);
    }
    if (r < 0) { /* start-up failed: close what was opened */
        uv_walk(&s->loop, close_walk, NULL);
        uv_run(&s->loop, UV_RUN_DEFAULT);
    }
    uv_loop_close(&s->loop);
out_free:
    stats_fill(s);
    if (stats) *stats = s->st;
    for (size_t i = 0; i < s->ndevs; i++) {
        free(s->devs[i].mn);
        free(s->devs[i].pw);
        free(s->devs[i].site);
    }
    eco_free(s->devs, s->devs_cap * sizeof *s->devs);
    eco_map_free(&s->dev_map);
    batch_free(&s->b[0]);
    batch_free(&s->b[1]);
    batch_free(&s->b[2]);
    eco_buf_free(&s->scratch);
    eco_buf_free(&s->ev_scratch);
    eco_buf_free(&s->hook_scratch);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    eco_screener_free(s->screener);
    eco_rules_free(s->rules);
    eco_free(s->recv, s->recv_cap * sizeof *s->recv);
    eco_free(s->pkt, sizeof *s->pkt);
    eco_free(s, sizeof *s);
    return r;
}
