/* ingest.h — the HJ 212 ingestion server: TCP in, durable store, acknowledgements out.
 *
 * Why its own module: the platform's first promise — every value an
 * instrument sends arrives once, durably — is kept here, between the codec
 * (pure bytes -> packets) and the store (packets -> rows). The server owns
 * the sockets, the device registry (who may send, with which password,
 * profile and SM4 key), the limits that keep one bad client from hurting the
 * others, and the group commit that makes a 9014 mean "stored".
 *
 * Threads: one libuv loop thread does all network I/O, framing, parsing and
 * authentication; one writer thread owns the store and commits batches. The
 * loop fills a batch while the writer commits the previous one, so an fsync
 * never stalls the network, and the replies owed for a batch are sent only
 * when its commit has returned (docs/ingest.md).
 */
#ifndef ECO_INGEST_H
#define ECO_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "live/live.h"
#include "ingest/webhook.h"
#include "store/store.h"

typedef struct eco_ingest_cfg {
    char hj212_host[64];      /* listen address (default 0.0.0.0) */
    int hj212_port;           /* default 6000; 0 = any free port (printed) */
    int max_connections;      /* default 20000; more are accepted and closed at once */
    int idle_timeout_s;       /* no byte for this long: closed (default 600) */
    int frame_timeout_s;      /* a partial frame older than this: closed (default 60) */
    size_t max_garbage;       /* bytes skipped since the last good frame before closing (default 65536) */
    size_t max_write_queue;   /* replies not taken by the peer before closing (default 65536) */
    double rate_per_device;   /* frames/s a device may send (token bucket, default 50) */
    double rate_burst;        /* bucket size (default 200) */
    int flush_ms;             /* group commit: hand a batch over at most this late (default 2) */
    int batch_rows;           /* ... or as soon as it holds this many values (default 5000) */
    int max_pending_rows;     /* reading pauses while this many values wait (default 200000) */
    int open_registration;    /* unknown MNs are registered (demos and tests only) */
    int quarantine;           /* refused frames are kept in the quarantine table */
    int auth_reply;           /* answer refused frames with 9011 QnRtn 3/4 (default 1) */
    int stats_interval_s;     /* counters logged this often (default 60, 0 = only at exit) */
    eco_sync_t sync;          /* store durability (default FULL) */
    int cache_mb;             /* store page cache, MiB (default 256) */
    int tier;                 /* new values into the store's recent tier, moved later (default 0; docs/ingest.md) */
    int tier_pass_rows;       /* a move pass starts once this many values wait (default 1000000) ... */
    int tier_max_rows;        /* ... deferred while batches wait, unless this many do (default 6000000) */
    int tier_chunk_rows;      /* values moved per transaction (default 20000) */
    int tier_idle_ms;         /* the writer idle this long: whatever waits is moved (default 1000) */
    int tier_busy_rate;       /* values/s: above it, gaps between batches are not quiet (default 20000; 0 off) */
    char port_file[512];      /* if set, the bound port is written here once listening */
    int gap_requests;         /* ask devices again for missing minute/hour/day records (default 1) */
    int gap_grace_s;          /* first request this long after a gap is noticed (default 300) */
    int gap_retry_s;          /* retry interval (default 600) */
    int gap_tries;            /* requests before a gap is given up (default 3) */
    int clock_set;            /* set a device's clock (CN 1012) when it drifts or asks (default 1) */
    int clock_max_drift_s;    /* drift tolerated before setting it (default 60) */
    int screens;              /* data-quality screens on every new value, alerts stored (default 1) */
    int ledger;               /* each new alert into the problem ledger, same transaction (default 1) */
    int ledger_quiet_h;       /* hysteresis: an active problem with no alert this long is resolved (default 24) */
    char rules_path[512];     /* [alerts] rules: the rules file (docs/alerts.md), "" = none */
    char webhooks[ECO_WEBHOOK_MAX][256]; /* [alerts] webhook (repeatable): http:// receivers of new alerts */
    int nwebhooks;
    eco_webhook_opts_t webhook; /* [alerts] webhook_queue, webhook_tries, webhook_backoff_ms, webhook_timeout_ms */
    eco_live_t *live;         /* not a setting: the table the HTTP face reads (NULL = none) */
    char gaps_state[512];     /* where gap state survives restarts (serve: DIR/gaps.state; "" = nowhere) */
} eco_ingest_cfg_t;

void eco_ingest_cfg_default(eco_ingest_cfg_t *c);

/* Counters, as logged and printed at exit. */
typedef struct eco_ingest_stats {
    uint64_t conns_accepted, conns_refused, conns_closed_idle, conns_closed_slow, conns_closed_garbage,
        conns_closed_backlog;
    uint64_t bytes_in, frames_ok;
    uint64_t bad_frame, bad_len, bad_crc, bad_len_crc, bad_toobig, bad_crypto, bad_syntax, bad_time;
    uint64_t auth_unknown_mn, auth_bad_pw, registered, rate_limited, quarantine_dropped;
    uint64_t values_new, values_same, values_revised, values_failed, raw_uploads;
    uint64_t acks_sent, replies_sent, commits, commit_errors;
    uint64_t gaps_found, gaps_filled, gap_requests, gaps_abandoned, requests_sent, clock_sets, alerts;
    uint64_t ack_ms_p50, ack_ms_p99, ack_ms_max; /* frame received -> its 9014 written, ms */
    uint64_t commit_ms_p50, commit_ms_p99, commit_ms_max; /* a batch's transaction, begin to commit returned */
    uint64_t tier_moved, tier_pending, tier_move_ms; /* recent tier: values moved, waiting; time spent moving */
} eco_ingest_stats_t;

/** Run the server on an open store until SIGTERM or SIGINT, then flush
 *  everything owed and return 0; < 0 with err when it cannot start. The
 *  store is used by the writer thread only while this runs. */
int eco_ingest_serve(const eco_ingest_cfg_t *cfg, eco_store_t *store, eco_ingest_stats_t *stats, eco_err_t *err);

/** Read [hj212], [store] settings from an INI file into cfg. 0, or < 0 with
 *  err naming file:line. Unknown keys are errors (a typo must not pass). */
int eco_ingest_cfg_load(eco_ingest_cfg_t *c, const char *path, eco_err_t *err);

typedef struct eco_rules eco_rules_t;
/** Read a rules file (docs/alerts.md) into r: eco_rules_parse on its text. */
int eco_rules_load_file(eco_rules_t *r, const char *path, eco_err_t *err);

/** Parse "HOST:PORT" or ":PORT" or "PORT". 0 or ECO_EINVAL. */
int eco_ingest_parse_addr(const char *s, char *host, size_t hostn, int *port);

#endif

/* ------------------------------------------------------------------ simulator */

/* `ecobrain sim`: N devices behaving like real data-acquisition units — one TCP
 * connection each, a record every tick, wait for the 9014, resend after a
 * timeout with the same QN, reconnect with backoff, back-fill what is
 * pending after a reconnect. Every value whose 9014 arrived is written to the
 * acked log (mn,cn,time,factor,value) after the acknowledgement. */
typedef enum { ECO_SIM_AIR, ECO_SIM_WATER, ECO_SIM_CEMS, ECO_SIM_EFFLUENT, ECO_SIM_MIXED } eco_sim_kind_t;

typedef struct eco_sim_cfg {
    char host[64];
    int port;
    int devices;
    eco_sim_kind_t kind;
    int interval_ms;          /* one minute record per device per tick (default 1000) */
    double duration_s;        /* how long ticks go on (default 2) */
    int edition;              /* 2017 (default) or 2025 */
    const char *acked_log;    /* CSV path, or NULL */
    uint64_t seed;
    int window;               /* frames in flight per device (default 4) */
    int ack_timeout_ms;       /* resend after this (default 5000, as a DAU) */
    int drain_s;              /* after the duration, wait this long for outstanding acks (default 60) */
    double bad_rate;          /* fraction of ticks that also send a corrupted frame (default 0) */
    const char *mn_prefix;    /* default "SIM" */
    const char *pw;           /* default "123456" */
    const uint8_t *sm4_key;   /* 2025: encrypt CP with this key (NULL: plain) */
    eco_time_t start;         /* DataTime of the first record; 0 = so that the last lands on now */
    double warmup_s;          /* acks of frames first sent in the first S seconds are not in the latency figures */
    int quiet;
    int replay;               /* every record of the duration is sent, as fast as acknowledged (not by the clock) */
} eco_sim_cfg_t;

typedef struct eco_sim_stats {
    uint64_t records, frames_sent, resent, acked, values_acked, refused, broken_sent;
    uint64_t connects, reconnects, connect_failures, unacked;
    uint64_t ack_ms_p50, ack_ms_p99, ack_ms_max;
    double elapsed_s;
} eco_sim_stats_t;

void eco_sim_cfg_default(eco_sim_cfg_t *c);
/** Run; 0 when every record was acknowledged, 1 when some were not by the
 *  end of the drain, < 0 with err when it cannot start. */
int eco_sim_run(const eco_sim_cfg_t *cfg, eco_sim_stats_t *stats, eco_err_t *err);
