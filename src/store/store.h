/* store.h — the durable store: catalogue (sites, devices, factors) and observations.
 *
 * Why a narrow interface: the platform's first promise is that an
 * acknowledged value is never lost and never silently changed. Everything
 * that writes (the ingestion server, CSV import) and everything that reads
 * (export, engines, the API) goes through these few calls on an opaque
 * eco_store_t, so the embedded SQLite backend (store_sqlite.c, the default)
 * can be joined by PostgreSQL without touching a caller: nothing here names
 * SQL, a statement or a row id.
 *
 * Observations are keyed by (series, granularity, time): a series is one
 * factor of one device (MN); granularity is what the upload command says —
 * real-time 2011, minute 2051, hour 2061, day 2031. The time is the packet's
 * DataTime in Beijing civil seconds (core/time.h).
 *
 * Upsert semantics (eco_store_obs_put):
 *   new key                      -> stored (ECO_STORE_NEW)
 *   same key, same fields        -> nothing changes (ECO_STORE_SAME)
 *   same key, different fields   -> the old row goes to the revision log with
 *                                   the time of the change, the new one is
 *                                   current (ECO_STORE_REVISED)
 * "Fields" are every field the device sent for the factor (value, flag,
 * min/max/cou, ...) compared as text, so a resend is idempotent and a
 * correction is never an overwrite.
 *
 * Writes happen inside eco_store_tx_begin/commit; the server batches many
 * frames per transaction (group commit) and acknowledges only after commit.
 * A store handle is used by one thread at a time.
 */
#ifndef ECO_STORE_H
#define ECO_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "brain/ledger.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/time.h"

/* ------------------------------------------------------------------ catalogue */

/* Site kinds: what a site is decides which engine evaluates it. */
typedef enum {
    ECO_SITE_AIR = 0,        /* ambient air station */
    ECO_SITE_WATER,          /* surface-water section */
    ECO_SITE_DRINKING,       /* drinking-water source */
    ECO_SITE_GROUNDWATER,    /* groundwater well */
    ECO_SITE_SEA,            /* nearshore sea point */
    ECO_SITE_NOISE,          /* noise point */
    ECO_SITE_RADIATION,      /* ambient gamma station */
    ECO_SITE_OUTLET,         /* enterprise outlet (flue gas or effluent) */
    ECO_SITE_NKINDS
} eco_site_kind_t;

const char *eco_site_kind_name(eco_site_kind_t k);       /* "air", "water", ... */
int eco_site_kind_parse(eco_slice_t s, eco_site_kind_t *k); /* also the Chinese names; 0 or ECO_EINVAL */

/* Strings are NUL-terminated and owned by the caller (put) or by the store
 * until the next call on the same handle (get/each). Empty string = unknown. */
typedef struct eco_site {
    const char *code;        /* unique key: station / section code */
    eco_site_kind_t kind;
    const char *name;
    const char *province, *city, *county; /* region codes or names */
    const char *basin, *river;
    double lon, lat;         /* NAN when unknown */
    const char *zone;        /* functional zone / target class ("Ⅲ", "2", ...) */
} eco_site_t;

typedef struct eco_device {
    const char *mn;          /* HJ 212 MN, unique */
    const char *pw;          /* access password */
    const char *edition;     /* "2005" "2017" "2025" or "" (detect) */
    const char *sm4_key;     /* 32 hex digits or "" */
    const char *profile;     /* "strict" (default) or "tolerant" */
    const char *site;        /* site code or "" */
    int64_t registered_ms;   /* unix ms, 0 = unknown */
    int64_t last_seen_ms;    /* unix ms of the last good frame, 0 = never */
} eco_device_t;

/* A factor as the catalogue knows it; empty strings = take the HJ 212 code
 * table's name/unit and the standards' default item. */
typedef struct eco_factor {
    const char *code;        /* 2017 code ("a34004") */
    const char *name, *unit;
    const char *item;        /* evaluation item ("pm2_5", "nh3n") */
    long series;             /* each: how many device series carry it */
} eco_factor_t;

/* ------------------------------------------------------------------ observations */

typedef enum {
    ECO_GRAN_REALTIME = 0,   /* CN 2011 */
    ECO_GRAN_MINUTE = 1,     /* CN 2051 */
    ECO_GRAN_HOUR = 2,       /* CN 2061 */
    ECO_GRAN_DAY = 3,        /* CN 2031 */
    ECO_GRAN_N
} eco_gran_t;

const char *eco_gran_name(eco_gran_t g);          /* "realtime" "minute" "hour" "day" */
int eco_gran_parse(const char *s, eco_gran_t *g); /* names, or the CN; 0 or ECO_EINVAL */
/** Granularity of an upload CN (2011, 2051, 2061, 2031), or -1. */
int eco_gran_of_cn(int cn);

typedef struct eco_obs {
    const char *mn;          /* device */
    const char *factor;      /* factor code as sent ("a34004") */
    eco_gran_t gran;
    eco_time_t t;            /* DataTime, Beijing civil seconds */
    double value;            /* the main value (Rtd for real-time, else Avg); NAN if none */
    eco_slice_t vtext;       /* its text as sent (exported verbatim) */
    eco_slice_t flag;        /* data flag ("N"), may be empty */
    eco_slice_t fields;      /* every field of the factor, "Suffix=value;..." as sent */
    eco_slice_t notes;       /* quality notes, may be empty */
    int64_t received_ms;     /* unix ms */
} eco_obs_t;

enum { ECO_STORE_NEW = 0, ECO_STORE_SAME = 1, ECO_STORE_REVISED = 2 };

/* A frame refused before storage (unknown MN, wrong PW): kept apart for review. */
typedef struct eco_quarantine {
    int64_t received_ms;
    const char *peer;        /* "ip:port" */
    const char *mn;
    const char *reason;      /* "unknown MN", "wrong PW" */
    eco_slice_t frame;       /* the data segment */
} eco_quarantine_t;

/* One exported row (current revision); valid during the callback only. */
typedef struct eco_obs_row {
    const char *mn, *site, *factor;
    eco_gran_t gran;
    eco_time_t t;
    double value;
    const char *vtext, *flag, *fields, *notes;
    int64_t received_ms;
    int revisions;           /* how many earlier versions the revision log holds */
} eco_obs_row_t;

typedef struct eco_obs_query {
    const char *site, *mn, *factor; /* NULL = any */
    int gran;                /* -1 = any */
    eco_time_t from, to;     /* inclusive; INT64_MIN / INT64_MAX = open */
    int time_major;          /* order by device, granularity, time, factor (for pivots) */
    int lean;                /* fields, notes, received_ms and revisions not read ("", 0): faster */
    /* keyset pagination (time_major with one granularity): only rows after (mn, t, factor) */
    const char *after_mn, *after_factor; /* NULL = from the start */
    eco_time_t after_t;
} eco_obs_query_t;

void eco_obs_query_init(eco_obs_query_t *q);

typedef int (*eco_obs_cb)(void *ud, const eco_obs_row_t *row);   /* non-zero stops */
typedef int (*eco_site_cb)(void *ud, const eco_site_t *site);
typedef int (*eco_device_cb)(void *ud, const eco_device_t *dev);
typedef int (*eco_factor_cb)(void *ud, const eco_factor_t *f);

/* Latest value per (device, factor, granularity), kept in memory, rebuilt on open. */
typedef struct eco_latest {
    eco_time_t t;
    double value;
    char flag[4];
    int64_t received_ms;
} eco_latest_t;

/* An alert raised on stored data (data-quality screens, src/brain/screens.h). */
typedef struct eco_alert {
    const char *screen;      /* "spike", "flat", ... */
    const char *severity;    /* "high", "medium" */
    const char *mn, *factor;
    eco_gran_t gran;
    eco_time_t t;            /* the reading that made it fire */
    const char *evidence;    /* "time=value;..." */
    int64_t created_ms;
    const char *site;        /* each: the device's site */
    long id;                 /* each */
} eco_alert_t;
typedef int (*eco_alert_cb)(void *ud, const eco_alert_t *a);

/* ------------------------------------------------------------------ the store */

typedef enum {
    ECO_SYNC_OFF = 0,        /* no fsync: fast, loses the last commits on power loss */
    ECO_SYNC_NORMAL = 1,     /* WAL fsync at checkpoints: survives a process crash, not power loss */
    ECO_SYNC_FULL = 2        /* fsync at every commit (default): survives both */
} eco_sync_t;

typedef struct eco_store_opts {
    eco_sync_t sync;
    int readonly;
    int create;              /* create DIR and the database when missing (default 1) */
    int background_checkpoint; /* WAL checkpoints in a thread of their own (the server), not in commits */
    int cache_mb;            /* page cache of the connection (0 = 64 MiB) */
    int catalogue_only;      /* a writer of sites/devices only: the latest-value cache is not loaded */
    int recent_tier;         /* new values are appended to the recent tier and moved into the main
                              * table later by eco_store_tier_step (the server; docs/ingest.md) */
} eco_store_opts_t;

void eco_store_opts_default(eco_store_opts_t *o);

typedef struct eco_store eco_store_t;

typedef struct eco_store_stats {
    uint64_t obs_new, obs_same, obs_revised, quarantined, raw, commits;
    uint64_t series;
    uint64_t tier_moved, tier_passes; /* values moved from the recent tier; passes completed */
} eco_store_stats_t;

/** Open (or create) the store in directory dir ("ecobrain.db" inside), migrating
 *  the schema to the current version. 0 or < 0 with err saying why. */
int eco_store_open(eco_store_t **out, const char *dir, const eco_store_opts_t *o, eco_err_t *err);
void eco_store_close(eco_store_t *s);
/** "sqlite", later "postgresql". */
const char *eco_store_backend(const eco_store_t *s);
int eco_store_schema_version(eco_store_t *s);

int eco_store_site_put(eco_store_t *s, const eco_site_t *site, eco_err_t *err);   /* insert or update */
int eco_store_site_each(eco_store_t *s, eco_site_cb cb, void *ud, eco_err_t *err);
int eco_store_device_put(eco_store_t *s, const eco_device_t *d, eco_err_t *err); /* insert or update */
/** Insert the device only if its MN is new (open registration); 1 inserted, 0 existed. */
int eco_store_device_register(eco_store_t *s, const char *mn, const char *pw, int64_t now_ms, eco_err_t *err);
int eco_store_device_each(eco_store_t *s, eco_device_cb cb, void *ud, eco_err_t *err);
int eco_store_factor_put(eco_store_t *s, const eco_factor_t *f, eco_err_t *err); /* insert or update */
/** Factors in the catalogue or carried by a stored series (series = how many), by code. */
int eco_store_factor_each(eco_store_t *s, eco_factor_cb cb, void *ud, eco_err_t *err);
/** Record last-seen times (unix ms) of devices, in the current transaction. */
int eco_store_device_seen(eco_store_t *s, const char *mn, int64_t ms, eco_err_t *err);

int eco_store_tx_begin(eco_store_t *s, eco_err_t *err);
int eco_store_tx_commit(eco_store_t *s, eco_err_t *err);
int eco_store_tx_rollback(eco_store_t *s);

/** Upsert one observation (inside a transaction); *outcome = ECO_STORE_NEW/SAME/REVISED. */
int eco_store_obs_put(eco_store_t *s, const eco_obs_t *o, int *outcome, eco_err_t *err);
/* The recent tier (SQLite backend; docs/ingest.md "The recent tier"). With opts.recent_tier, new
 * values are appended in arrival order to a table of their own and reach the main, key-ordered
 * table in passes: a pass takes every value not moved yet, sorts the keys and copies the rows in
 * chunks of max_rows per transaction, each committed with a watermark, then deletes them from the
 * recent table. Reads see both tiers, each value once, at every commit; a crash resumes the pass.
 * Outside any transaction, on the writing handle only. */
/** Values in the recent tier not moved yet. */
int64_t eco_store_tier_pending(const eco_store_t *s);
/** 1 while a pass is in progress (started, not all of it deleted from the recent table). */
int eco_store_tier_moving(const eco_store_t *s);
/** One step: starts a pass when none is in progress and anything is pending, then moves at most
 *  max_rows values (or deletes up to 4 × max_rows moved ones) in one transaction. The number of
 *  values moved (0 when nothing was pending or the step deleted), or < 0 with err. */
long eco_store_tier_step(eco_store_t *s, long max_rows, eco_err_t *err);
/** Test hook: the process _exit(77)s after moving this many values of the next chunk, before its
 *  commit (a crash mid-move). */
void eco_store_tier_test_crash_after(eco_store_t *s, int rows);
/** Size the recent tier's in-memory index for this many waiting values at once, so that it does not
 *  grow (rehashing everything, in the writer, while a batch waits) until more wait: 24 bytes a
 *  slot, at most 3/4 of the slots used. 0, or ECO_ENOMEM (the index stays as it was and grows as needed). */
int eco_store_tier_reserve(eco_store_t *s, size_t values);
/** A move chunk calls yield(ud) after every 1,024 values it moves and, when it returns non-zero,
 *  commits what it has moved and returns: the server's writer ends a chunk as soon as a batch of
 *  new values waits, so moving never holds acknowledgements back by more than a few milliseconds.
 *  NULL (the default) never ends a chunk early. yield runs on the thread calling the step. */
void eco_store_tier_yield(eco_store_t *s, int (*yield)(void *ud), void *ud);

int eco_store_quarantine_put(eco_store_t *s, const eco_quarantine_t *q, eco_err_t *err);
/** Keep an upload that carries no observations the store models (CN 2021
 *  status, 2041 run times, 3020 parameters, ...) verbatim, so acknowledging it
 *  still means "stored". t = its DataTime or 0. */
int eco_store_raw_put(eco_store_t *s, int64_t received_ms, const char *mn, int cn, eco_time_t t, eco_slice_t segment,
                      eco_err_t *err);

/** Its id (> 0; 0 past 2^31), or < 0. */
int eco_store_alert_put(eco_store_t *s, const eco_alert_t *a, eco_err_t *err);
/** Alerts whose reading time is in [from, to], oldest first. */
int eco_store_alert_each(eco_store_t *s, eco_time_t from, eco_time_t to, eco_alert_cb cb, void *ud, eco_err_t *err);

/* ------------------------------------------------------------------ the problem ledger (schema v4) */

/* A problem groups the alerts of one (device MN, factor, kind = screen) while it
 * is not closed; states and actions in src/brain/ledger.h, docs/alerts.md.
 * Every change — an alert attached, an action, an automatic resolution — adds
 * a problem_event row; nothing of the ledger is deleted or overwritten without
 * one. Strings are owned by the store until the callback returns. */
typedef struct eco_problem {
    long id;
    const char *kind;        /* the screen ("spike") */
    const char *mn, *site, *factor;
    eco_pb_state_t state;
    const char *severity;    /* the highest of its alerts */
    const char *assignee;    /* "" none */
    const char *due;         /* "YYYY-MM-DD" or "" */
    eco_time_t first_t, last_t; /* reading times of its first and last alert */
    long alerts;             /* how many alerts it groups */
    eco_time_t opened, updated; /* Beijing time it was opened / last changed */
} eco_problem_t;

typedef struct eco_problem_event {
    long id, problem;
    eco_time_t t;            /* Beijing time of the change */
    const char *by;          /* who ("ecobrain" for the platform itself) */
    const char *action;      /* "open", "alert", "ack", "assign", "resolve", "close", "reopen", "auto-resolve" */
    const char *from_state;  /* "" for "open" */
    const char *to_state;
    const char *note;
    const char *assignee, *due; /* as they were after the change */
    long alert;              /* the alert that caused it, 0 none */
} eco_problem_event_t;

/* A change asked for by a person. */
typedef struct eco_problem_change {
    eco_pb_action_t action;
    const char *by;          /* required */
    const char *to;          /* assign: required */
    const char *due;         /* assign: optional "YYYY-MM-DD" */
    const char *note;        /* optional */
    eco_time_t t;            /* when (Beijing time) */
} eco_problem_change_t;

typedef struct eco_problem_query {
    long id;                 /* 0 = any */
    int state;               /* -1 = any */
    const char *site, *mn;   /* NULL = any */
    long limit;              /* 0 = all */
    int oldest_first;        /* by id ascending (default: newest first) */
    const char *due_before;  /* "YYYY-MM-DD": only active problems due before that day (overdue) */
} eco_problem_query_t;

void eco_problem_query_init(eco_problem_query_t *q);

typedef int (*eco_problem_cb)(void *ud, const eco_problem_t *p);
typedef int (*eco_problem_event_cb)(void *ud, const eco_problem_event_t *e);

/** Put a stored alert (a->id from eco_store_alert_put; a->site ignored) into the ledger:
 *  attached to the not-closed problem of its key (reopened if resolved; if it had been quiet
 *  for quiet_s before the alert, first resolved by ecobrain as of that moment), else a new
 *  problem. Idempotent: an alert already linked changes nothing. Runs in the caller's
 *  transaction if one is open, else in its own. *problem = its problem id (may be NULL). */
int eco_store_problem_put(eco_store_t *s, const eco_alert_t *a, int64_t quiet_s, long *problem, eco_err_t *err);
/** A person's action on problem id. ECO_ENOENT unknown id; ECO_EINVAL an action its state
 *  does not allow (the message names both), or a missing by/to, or a bad due date.
 *  *state_out = the new state (may be NULL). Own transaction unless one is open. */
int eco_store_problem_transition(eco_store_t *s, long id, const eco_problem_change_t *c, eco_pb_state_t *state_out,
                                 eco_err_t *err);
/** Hysteresis: resolve (by "ecobrain") every active problem whose last alert is quiet_s or more
 *  before now. *n = how many (may be NULL). */
int eco_store_problem_expire(eco_store_t *s, eco_time_t now, int64_t quiet_s, long *n, eco_err_t *err);
/** Put every stored alert not yet in the ledger into it, oldest first (stores from before
 *  schema v4, or written with the ledger off); then expire at now. *linked = alerts put. */
int eco_store_problem_rebuild(eco_store_t *s, int64_t quiet_s, eco_time_t now, long *linked, eco_err_t *err);
/** Problems matching q, newest first (q->oldest_first: oldest first). ECO_EUNSUPPORTED on a read-only store older than v4. */
int eco_store_problem_each(eco_store_t *s, const eco_problem_query_t *q, eco_problem_cb cb, void *ud, eco_err_t *err);
/** The history of problem id, oldest first (every problem has at least its "open");
 *  id 0: every problem's, by problem then in order. */
int eco_store_problem_history(eco_store_t *s, long id, eco_problem_event_cb cb, void *ud, eco_err_t *err);
/** The alerts of problem id, oldest first. */
int eco_store_problem_alerts(eco_store_t *s, long id, eco_alert_cb cb, void *ud, eco_err_t *err);

/* The JSON shape of ledger records, shared by the faces (store_json.c; docs/api.md). */
struct eco_json;
/** The problem's fields into an object the caller opened (and may add to). */
/** The problem's fields into an object the caller opened (and may add to); `overdue` as of today. */
void eco_store_json_problem_fields(struct eco_json *j, const eco_problem_t *p, eco_day_t today);
/** One history event / one alert as a JSON object; ud is the eco_json_t (callback-shaped). */
int eco_store_json_event(void *ud, const eco_problem_event_t *e);
int eco_store_json_alert(void *ud, const eco_alert_t *a);

/** Stream the current revision of stored values matching q, ordered by
 *  device, factor, granularity, time. */
int eco_store_obs_query(eco_store_t *s, const eco_obs_query_t *q, eco_obs_cb cb, void *ud, eco_err_t *err);
/** Revision log of one key, oldest first (row->revisions = position). */
int eco_store_obs_history(eco_store_t *s, const char *mn, const char *factor, eco_gran_t g, eco_time_t t,
                          eco_obs_cb cb, void *ud, eco_err_t *err);

/** Latest value of (mn, factor, gran) from the in-memory cache: 1 found, 0 not. */
int eco_store_latest(const eco_store_t *s, const char *mn, const char *factor, eco_gran_t g, eco_latest_t *out);
void eco_store_stats(const eco_store_t *s, eco_store_stats_t *out);
typedef int (*eco_latest_cb)(void *ud, const char *mn, const char *factor, eco_gran_t g, const eco_latest_t *l);
/** Every cached latest value (a writable handle's cache; nothing on a read-only
 *  one). Non-zero from cb stops and is returned. */
int eco_store_latest_each(const eco_store_t *s, eco_latest_cb cb, void *ud);

/* Completeness: distinct record times per device, granularity and day. */
typedef struct eco_completeness_row {
    const char *mn;
    eco_gran_t gran;
    eco_day_t day;
    int records;             /* distinct times with at least one value */
    int expected;            /* 1440 minute, 24 hour, 1 day records a day; 0 for real-time */
} eco_completeness_row_t;
typedef int (*eco_completeness_cb)(void *ud, const eco_completeness_row_t *row);
int eco_store_completeness(eco_store_t *s, const char *mn, eco_day_t from, eco_day_t to, eco_completeness_cb cb,
                           void *ud, eco_err_t *err);


/* ---- targets/rankings reads */

/* One stored hour value: the k-th series asked for, its DataTime (the hour's start), its text as sent and
 * its flag; valid during the callback only. Non-zero from the callback stops the read and is returned. */
typedef int (*eco_hour_value_cb)(void *ud, size_t k, eco_time_t t, const char *vtext, size_t vlen, const char *flag);

/** The hour values (granularity hour, current revision) of the series (mn[k], factor[k]), k = 0..n-1 in
 *  that order, each in time order, within [from, to]: one range scan of the observations' key per series,
 *  no sort and no join per row. A series that does not exist gives nothing. 0, or < 0 with err. */
int eco_store_hour_values(eco_store_t *s, const char *const *mn, const char *const *factor, size_t n, eco_time_t from,
                          eco_time_t to, eco_hour_value_cb cb, void *ud, eco_err_t *err);

/** The earliest and latest hour value of the same series within [from, to] (two key look-ups per series);
 *  *first > *last when there is none. 0, or < 0 with err. */
int eco_store_hour_span(eco_store_t *s, const char *const *mn, const char *const *factor, size_t n, eco_time_t from,
                        eco_time_t to, eco_time_t *first, eco_time_t *last, eco_err_t *err);


struct eco_air_grid;
/** The hourly air values of every ambient-air site within [from, to] into g (air/grid.h; freed by the
 *  caller with eco_air_grid_free): the hour records (CN 2061) of the factors whose item is an air
 *  pollutant, from the devices at air sites, with the rules of the export's hourly table. The grid spans
 *  the days that hold data. 0, ECO_ENODATA (nothing), or < 0 with err. */
int eco_store_air_grid(eco_store_t *s, eco_time_t from, eco_time_t to, struct eco_air_grid *g, eco_err_t *err);

struct eco_tgt_source;
/** Attach the store's water samples to a targets source (brain/targets.h): the catalogue's surface-water
 *  sections, drinking-water sources and groundwater wells (src->wsites), and a reader of their hour
 *  records mapped to GB 3838 / GB/T 14848 items, read when the report asks. The store must stay open
 *  while src is used; free with eco_store_water_source_free. 0, or < 0 with err. */
int eco_store_water_source(eco_store_t *s, struct eco_tgt_source *src, eco_err_t *err);
void eco_store_water_source_free(struct eco_tgt_source *src);
/** The message of the last read error of the source's sample reader ("" if none). */
const char *eco_store_water_error(const struct eco_tgt_source *src);

#endif
