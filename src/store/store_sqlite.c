/* store_sqlite.c — the embedded store: SQLite in WAL mode, one file in --data DIR.
 *
 * Why SQLite by default: an agency should be able to run the platform from
 * one binary and one directory, back it up by copying a file, and read it
 * with the sqlite3 shell. WAL lets readers (export, the API) run beside the
 * writer; synchronous=FULL makes every commit durable before the server
 * acknowledges it (the cost is one fsync per group commit, not per value —
 * see docs/ingest.md for the measurement).
 *
 * Layout (schema version 6; migrations below run in order, each in its own
 * transaction, recorded in PRAGMA user_version):
 *   site(code, kind, name, province, city, county, basin, river, lon, lat, zone)
 *   device(id, mn, pw, edition, sm4_key, profile, site, registered_ms, last_seen_ms)
 *   series(id, device, factor)                 one factor of one device
 *   obs(series, gran, t, value, vtext, flag, fields, notes, received_ms, rev)
 *       primary key (series, gran, t), WITHOUT ROWID: the key is the order
 *   recent(id, series, gran, t, ..., rev)      the recent tier (v5): values in arrival order, not yet
 *                                              moved into obs; partial index on its hour/day rows
 *   recent_moved(upto, series, gran, t)        the move's watermark: recent rows it covers are in obs
 *   obs_all                                    view: obs and the visible recent rows (each value once)
 *   revision(series, gran, t, ..., replaced_ms) earlier versions of obs rows
 *   quarantine(received_ms, peer, mn, reason, frame) refused frames
 *   raw_upload(received_ms, mn, cn, t, segment)  uploads that are not observations
 *   factor(code, name, unit, item)             catalogue overrides of the code tables (v2)
 *   alert(screen, severity, mn, factor, gran, t, evidence, created_ms)   screens that fired (v3)
 *   problem(kind, mn, site, factor, state, severity, assignee, due, first_t, last_t, alerts,
 *           opened, updated)                   the problem ledger (v4): alerts grouped by key
 *   problem_event(problem, t, actor, action, from_state, to_state, note, assignee, due, alert)
 *                                              its history, append-only (triggers refuse
 *                                              UPDATE and DELETE; problems cannot be deleted)
 *   problem_alert(alert, problem)              which problem each alert belongs to (v4)
 *   airday, airday_has, airday_dirty, airday_meta  the air daily-value cache and its dirty days
 *                                              (v5; store_days.h), marked by obs_put (v6)
 *   recent, recent_moved, view obs_all         the time-ordered recent tier (v6)
 *
 * Hot path: with the recent tier (opts.recent_tier: the server's `[store] tier`, on by
 * default since its mover gives way to batches — measured, 3.5x fewer bytes written, +20..35 %
 * values/s saturated and half the light-load ack p99 on a shared 2-core VM), a value
 * newer than the latest stored time of its series is one prepared INSERT appended
 * to `recent` (arrival order: about 60 values per page written, where obs, keyed
 * by series, takes a leaf per value once it outgrows the cache); an older one is
 * looked up in the in-memory index of the unmoved recent rows and in obs. A mover
 * (eco_store_tier_step, called by the server's writer between batches) copies
 * the recent rows into obs in passes sorted by key, chunk by chunk, each chunk
 * committed with its watermark (recent_moved), and deletes them from recent
 * when the pass is done. Every read merges both tiers in one read transaction.
 * All of it is in one file with one WAL, so every step is one atomic commit.
 * Without the tier, obs_put is one INSERT ... ON CONFLICT DO NOTHING into obs;
 * only a conflict (a resend or a revision) costs a SELECT. Series ids are
 * resolved through an in-memory map, and the latest value of every series is
 * kept in memory (rebuilt on open with one indexed probe per series and
 * granularity, and one scan of the recent tier). docs/ingest.md has the
 * measurements that chose this layout.
 *
 * Checkpoints: by default SQLite copies the WAL back into the database inside
 * whichever commit crosses 1000 pages, which makes that commit — and every
 * acknowledgement waiting on it — tens of milliseconds late. With
 * opts.background_checkpoint the writer's connection never checkpoints; a
 * thread with its own connection runs PASSIVE checkpoints (which never block
 * the writer) every 200 ms instead.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/map.h"
#include "store/store.h"
#include "store/store_days.h"

/* ------------------------------------------------------------------ names */

static const char *const kind_names[ECO_SITE_NKINDS] = {"air", "water", "drinking", "groundwater",
                                                        "sea", "noise", "radiation", "outlet"};
static const char *const kind_names_zh[ECO_SITE_NKINDS] = {"空气", "地表水", "饮用水源", "地下水",
                                                           "海洋", "噪声", "辐射", "污染源"};

const char *eco_site_kind_name(eco_site_kind_t k)
{
    return (unsigned)k < ECO_SITE_NKINDS ? kind_names[k] : "?";
}

int eco_site_kind_parse(eco_slice_t s, eco_site_kind_t *k)
{
    s = eco_slice_trim(s);
    for (int i = 0; i < ECO_SITE_NKINDS; i++)
        if (eco_slice_ieq(s, kind_names[i]) || eco_slice_eq(s, kind_names_zh[i])) {
            *k = (eco_site_kind_t)i;
            return 0;
        }
    if (eco_slice_ieq(s, "surface") || eco_slice_ieq(s, "section")) return *k = ECO_SITE_WATER, 0;
    if (eco_slice_ieq(s, "enterprise") || eco_slice_ieq(s, "cems") || eco_slice_ieq(s, "effluent"))
        return *k = ECO_SITE_OUTLET, 0;
    return ECO_EINVAL;
}

static const char *const gran_names[ECO_GRAN_N] = {"realtime", "minute", "hour", "day"};
static const int gran_cn[ECO_GRAN_N] = {2011, 2051, 2061, 2031};

const char *eco_gran_name(eco_gran_t g) { return (unsigned)g < ECO_GRAN_N ? gran_names[g] : "?"; }

int eco_gran_of_cn(int cn)
{
    for (int i = 0; i < ECO_GRAN_N; i++)
        if (gran_cn[i] == cn) return i;
    return -1;
}

int eco_gran_parse(const char *s, eco_gran_t *g)
{
    for (int i = 0; i < ECO_GRAN_N; i++) {
        char cn[8];
        snprintf(cn, sizeof cn, "%d", gran_cn[i]);
        if (!strcasecmp(s, gran_names[i]) || !strcmp(s, cn)) {
            *g = (eco_gran_t)i;
            return 0;
        }
    }
    if (!strcasecmp(s, "rt") || !strcasecmp(s, "real-time")) return *g = ECO_GRAN_REALTIME, 0;
    return ECO_EINVAL;
}

void eco_obs_query_init(eco_obs_query_t *q)
{
    memset(q, 0, sizeof *q);
    q->gran = -1;
    q->from = INT64_MIN;
    q->to = INT64_MAX;
}

void eco_store_opts_default(eco_store_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->sync = ECO_SYNC_FULL;
    o->create = 1;
}

/* ------------------------------------------------------------------ the handle */

enum {
    ST_OBS_INSERT,
    ST_OBS_CURRENT,
    ST_OBS_REVISE_LOG,
    ST_OBS_UPDATE,
    ST_SERIES_INSERT,
    ST_SERIES_ID,
    ST_DEVICE_ID,
    ST_DEVICE_REGISTER,
    ST_DEVICE_SEEN,
    ST_QUARANTINE,
    ST_RAW,
    ST_ALERT,
    ST_REC_INSERT,
    ST_REC_CURRENT,
    ST_REC_REVISE_LOG,
    ST_REC_UPDATE,
    ST_MOVE_ONE,
    ST_MOVE_MARK,
    ST_MOVE_DELETE,
    ST_DAY_DIRTY,
    ST_N
};

static const char *const stmt_sql[ST_N] = {
    [ST_OBS_INSERT] = "INSERT INTO obs(series,gran,t,value,vtext,flag,fields,notes,received_ms) "
                      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT DO NOTHING",
    [ST_OBS_CURRENT] = "SELECT vtext,flag,fields FROM obs WHERE series=?1 AND gran=?2 AND t=?3",
    [ST_OBS_REVISE_LOG] = "INSERT INTO revision(series,gran,t,value,vtext,flag,fields,notes,received_ms,replaced_ms) "
                          "SELECT series,gran,t,value,vtext,flag,fields,notes,received_ms,?4 FROM obs "
                          "WHERE series=?1 AND gran=?2 AND t=?3",
    [ST_OBS_UPDATE] = "UPDATE obs SET value=?4,vtext=?5,flag=?6,fields=?7,notes=?8,received_ms=?9,rev=rev+1 "
                      "WHERE series=?1 AND gran=?2 AND t=?3",
    [ST_SERIES_INSERT] = "INSERT INTO series(device,factor) VALUES(?1,?2) ON CONFLICT DO NOTHING",
    [ST_SERIES_ID] = "SELECT id FROM series WHERE device=?1 AND factor=?2",
    [ST_DEVICE_ID] = "SELECT id FROM device WHERE mn=?1",
    [ST_DEVICE_REGISTER] = "INSERT INTO device(mn,pw,registered_ms) VALUES(?1,?2,?3) ON CONFLICT DO NOTHING",
    [ST_DEVICE_SEEN] = "UPDATE device SET last_seen_ms=max(last_seen_ms,?2) WHERE mn=?1",
    [ST_QUARANTINE] = "INSERT INTO quarantine(received_ms,peer,mn,reason,frame) VALUES(?1,?2,?3,?4,?5)",
    [ST_RAW] = "INSERT INTO raw_upload(received_ms,mn,cn,t,segment) VALUES(?1,?2,?3,?4,?5)",
    [ST_ALERT] = "INSERT INTO alert(screen,severity,mn,factor,gran,t,evidence,created_ms) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
    /* the recent tier: rows are found by their id (the in-memory index), never by a search */
    [ST_REC_INSERT] = "INSERT INTO recent(series,gran,t,value,vtext,flag,fields,notes,received_ms) "
                      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [ST_REC_CURRENT] = "SELECT vtext,flag,fields FROM recent WHERE id=?10 AND series=?1 AND gran=?2 AND t=?3",
    [ST_REC_REVISE_LOG] = "INSERT INTO revision(series,gran,t,value,vtext,flag,fields,notes,received_ms,replaced_ms) "
                          "SELECT series,gran,t,value,vtext,flag,fields,notes,received_ms,?4 FROM recent "
                          "WHERE id=?10 AND series=?1 AND gran=?2 AND t=?3",
    [ST_REC_UPDATE] = "UPDATE recent SET value=?4,vtext=?5,flag=?6,fields=?7,notes=?8,received_ms=?9,rev=rev+1 "
                      "WHERE id=?10 AND series=?1 AND gran=?2 AND t=?3",
    /* a key is in one tier only (obs_put looks in both), so the conflict clause never fires; if it
     * ever did, the recent row is the later write */
    [ST_MOVE_ONE] = "INSERT INTO obs(series,gran,t,value,vtext,flag,fields,notes,received_ms,rev) "
                    "SELECT series,gran,t,value,vtext,flag,fields,notes,received_ms,rev FROM recent WHERE id=?1 "
                    "ON CONFLICT(series,gran,t) DO UPDATE SET value=excluded.value,vtext=excluded.vtext,"
                    "flag=excluded.flag,fields=excluded.fields,notes=excluded.notes,received_ms=excluded.received_ms,"
                    "rev=excluded.rev",
    [ST_MOVE_MARK] = "UPDATE recent_moved SET upto=?1, series=?2, gran=?3, t=?4",
    [ST_MOVE_DELETE] = "DELETE FROM recent WHERE id <= ?1",
    /* the air daily-value cache's dirty days (store_days.h): a refresh clears a day only if n is unchanged */
    [ST_DAY_DIRTY] = "INSERT INTO airday_dirty(day, n) VALUES(?1, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1",
};

/* one unmoved row of the recent tier: key (series row id * 4 + granularity, time) -> its id */
typedef struct rkey {
    int64_t sg, t, id;
} rkey_t;

typedef struct series_info {
    int64_t rowid;
    eco_latest_t latest[ECO_GRAN_N];
    unsigned char has_latest; /* bit per granularity */
} series_info_t;

struct eco_store {
    sqlite3 *db;
    sqlite3_stmt *st[ST_N];
    eco_map_t series_map;     /* "mn\x1f" "factor" -> dense index */
    series_info_t *series;
    size_t nseries_cap;
    eco_map_t device_map;     /* mn -> dense index into device_rowid */
    int64_t *device_rowid;
    size_t ndevice_cap;
    int in_tx;
    /* days of hour values marked dirty for the daily-value cache in this transaction (day_mark):
     * a batch touches one or two days, so a few slots; on overflow the day is marked again */
    int64_t day_marked[8];
    int nday_marked;
    int catalogue_only;       /* opened without the latest-value cache: no values may be stored */
    int ledger_ok;            /* the schema has the ledger (checked once) */
    /* undo log of the caches: what this transaction added or changed, so a rollback
     * (or a failed commit) leaves no cached row id or latest value the disk does not have */
    struct undo {
        int kind;             /* 0 series id cached, 1 device id cached, 2 latest value changed, 3 recent row indexed */
        int32_t id;
        int gran;
        unsigned char had;
        eco_latest_t old;
        int64_t sg, t;        /* kind 3: its key */
    } *undo;
    size_t nundo, capundo;
    int undo_oom;             /* the log could not grow: drop the caches wholesale on rollback */
    /* the recent tier (docs/ingest.md "The recent tier"): new values are appended to `recent` in
     * arrival order and moved into obs in passes sorted by key */
    int has_recent;           /* the schema has it (a read-only store of an older schema may not) */
    int tier;                 /* new values go to the recent tier (opts.recent_tier) */
    rkey_t *rh;               /* every unmoved recent row by key: open addressing, linear probing */
    size_t rh_cap, rh_n;
    int rh_stale;             /* an undo log overflowed: rebuilt from the disk at the next begin */
    rkey_t *mv, *mv_tmp;      /* the pass being moved, sorted by key; mv_tmp: the sort's scratch */
    size_t mv_n, mv_pos, mv_cap, mv_tmp_cap;
    uint32_t *mv_count;       /* the sort's counts per series (by row id) */
    size_t mv_count_cap;
    int64_t mv_upto;          /* the pass: the rows with id <= mv_upto; 0 = none */
    int mv_deleting;          /* all of the pass is in obs: its rows are being deleted from recent */
    int64_t mv_del_done;      /* ids up to this are deleted */
    int mv_crash_after;       /* test hook: _exit(77) after this many rows of a move chunk (0 = off) */
    int (*mv_yield)(void *);  /* a move chunk ends early when this says so (eco_store_tier_yield) */
    void *mv_yield_ud;
    int latest_stale;         /* the latest-value cache was dropped: every value is looked up */
    eco_store_stats_t stats;
    sqlite3_stmt *lst[16];    /* the ledger's statements, prepared on first use (store_ledger below) */
    char path[4096];
    /* background checkpointer */
    pthread_t ckpt;
    sqlite3 *ckpt_db;          /* the checkpointer's own connection, opened before the thread starts */
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cv;
    int ckpt_running, ckpt_quit;
};

#define WAL_RESTART_FRAMES 65536 /* 256 MiB of 4 KiB pages */

static void *ckpt_main(void *arg)
{
    eco_store_t *s = arg;
    sqlite3 *db = s->ckpt_db;
    pthread_mutex_lock(&s->ckpt_mu);
    while (!s->ckpt_quit) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &ts);
        if (s->ckpt_quit) break;
        pthread_mutex_unlock(&s->ckpt_mu);
        int log = 0, done = 0;
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        /* Under a steady stream of commits a passive checkpoint copies everything but never sees
         * the log empty, so the WAL would only grow (tens of GB in minutes at full speed). Once it
         * is long, a RESTART checkpoint waits for the commit in progress, copies the short rest and
         * lets the next transaction start the log from its beginning (journal_size_limit then
         * trims the file): a pause of one commit, once per WAL_RESTART_FRAMES frames. */
        if (log >= WAL_RESTART_FRAMES) sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
        pthread_mutex_lock(&s->ckpt_mu);
    }
    pthread_mutex_unlock(&s->ckpt_mu);
    return NULL;
}

const char *eco_store_backend(const eco_store_t *s)
{
    (void)s;
    return "sqlite";
}

static int db_err(eco_store_t *s, eco_err_t *err, const char *what)
{
    int rc = sqlite3_errcode(s->db);
    int code = (rc == SQLITE_NOMEM) ? ECO_ENOMEM : ECO_EIO;
    return eco_err_set(err, code, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec_sql(eco_store_t *s, const char *sql, eco_err_t *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int r = eco_err_set(err, ECO_EIO, "%s: %s (in: %.60s)", s->path, msg ? msg : "error", sql);
        sqlite3_free(msg);
        return r;
    }
    return 0;
}

/* ------------------------------------------------------------------ migrations */

/* Each entry takes the schema from version i to i+1. Never edit a released
 * entry: add a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE site(code TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',"
    " province TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '', county TEXT NOT NULL DEFAULT '',"
    " basin TEXT NOT NULL DEFAULT '', river TEXT NOT NULL DEFAULT '', lon REAL, lat REAL,"
    " zone TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE device(id INTEGER PRIMARY KEY, mn TEXT NOT NULL UNIQUE, pw TEXT NOT NULL DEFAULT '',"
    " edition TEXT NOT NULL DEFAULT '', sm4_key TEXT NOT NULL DEFAULT '', profile TEXT NOT NULL DEFAULT 'strict',"
    " site TEXT NOT NULL DEFAULT '', registered_ms INTEGER NOT NULL DEFAULT 0,"
    " last_seen_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE series(id INTEGER PRIMARY KEY, device INTEGER NOT NULL REFERENCES device(id),"
    " factor TEXT NOT NULL, UNIQUE(device, factor));"
    "CREATE TABLE obs(series INTEGER NOT NULL, gran INTEGER NOT NULL, t INTEGER NOT NULL, value REAL,"
    " vtext TEXT NOT NULL, flag TEXT NOT NULL, fields TEXT NOT NULL, notes TEXT NOT NULL,"
    " received_ms INTEGER NOT NULL, rev INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(series, gran, t)) WITHOUT ROWID;"
    "CREATE TABLE revision(id INTEGER PRIMARY KEY, series INTEGER NOT NULL, gran INTEGER NOT NULL,"
    " t INTEGER NOT NULL, value REAL, vtext TEXT, flag TEXT, fields TEXT, notes TEXT, received_ms INTEGER,"
    " replaced_ms INTEGER NOT NULL);"
    "CREATE INDEX revision_key ON revision(series, gran, t);"
    "CREATE TABLE quarantine(id INTEGER PRIMARY KEY, received_ms INTEGER NOT NULL, peer TEXT NOT NULL,"
    " mn TEXT NOT NULL, reason TEXT NOT NULL, frame BLOB NOT NULL);"
    "CREATE TABLE raw_upload(id INTEGER PRIMARY KEY, received_ms INTEGER NOT NULL, mn TEXT NOT NULL,"
    " cn INTEGER NOT NULL, t INTEGER NOT NULL, segment BLOB NOT NULL);",
    /* 1 -> 2: the factor catalogue (names, units, evaluation items overriding the code tables) */
    "CREATE TABLE factor(code TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '',"
    " item TEXT NOT NULL DEFAULT '');",
    /* 2 -> 3: alerts raised by the data-quality screens */
    "CREATE TABLE alert(id INTEGER PRIMARY KEY, screen TEXT NOT NULL, severity TEXT NOT NULL, mn TEXT NOT NULL,"
    " factor TEXT NOT NULL, gran INTEGER NOT NULL, t INTEGER NOT NULL, evidence TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL);"
    "CREATE INDEX alert_t ON alert(t);",
    /* 3 -> 4: the problem ledger (docs/alerts.md): problems, their append-only history, alert links */
    "CREATE TABLE problem(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, mn TEXT NOT NULL,"
    " site TEXT NOT NULL DEFAULT '', factor TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL,"
    " assignee TEXT NOT NULL DEFAULT '', due TEXT NOT NULL DEFAULT '', first_t INTEGER NOT NULL,"
    " last_t INTEGER NOT NULL, alerts INTEGER NOT NULL DEFAULT 0, opened INTEGER NOT NULL,"
    " updated INTEGER NOT NULL);"
    "CREATE INDEX problem_key ON problem(mn, factor, kind, state);"
    "CREATE INDEX problem_state ON problem(state, last_t);"
    "CREATE TABLE problem_event(id INTEGER PRIMARY KEY, problem INTEGER NOT NULL REFERENCES problem(id),"
    " t INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT NOT NULL,"
    " to_state TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', assignee TEXT NOT NULL DEFAULT '',"
    " due TEXT NOT NULL DEFAULT '', alert INTEGER);"
    "CREATE INDEX problem_event_problem ON problem_event(problem);"
    "CREATE TABLE problem_alert(alert INTEGER PRIMARY KEY, problem INTEGER NOT NULL REFERENCES problem(id));"
    "CREATE INDEX problem_alert_problem ON problem_alert(problem);"
    "CREATE TRIGGER problem_event_append_only_u BEFORE UPDATE ON problem_event"
    " BEGIN SELECT RAISE(ABORT, 'problem_event is append-only'); END;"
    "CREATE TRIGGER problem_event_append_only_d BEFORE DELETE ON problem_event"
    " BEGIN SELECT RAISE(ABORT, 'problem_event is append-only'); END;"
    "CREATE TRIGGER problem_never_deleted BEFORE DELETE ON problem"
    " BEGIN SELECT RAISE(ABORT, 'problems are never deleted'); END;"
    "CREATE TRIGGER problem_alert_never_deleted BEFORE DELETE ON problem_alert"
    " BEGIN SELECT RAISE(ABORT, 'alert links are never deleted'); END;",
    /* 4 -> 5: the daily-value cache of the air assessment and its dirty-day triggers (store_days.h) */
    ECO_STORE_DAYS_SCHEMA,
    /* 5 -> 6: the recent tier (docs/ingest.md "The recent tier"). New values are appended to
     * `recent` in arrival order (a rowid table: cheap appends) and moved into obs in passes sorted
     * by key. recent_moved says how far the pass in progress has got — the rows with id <= upto and
     * (series, gran, t) <= (series, gran, t) are already in obs and are not read from recent — so
     * each chunk of a move commits with its watermark. The partial index finds the few hour and day
     * rows per series fast (the air grid, targets, hourly API reads); minute rows are not indexed
     * (that index cost more than half the append rate, docs/ingest.md). */
    "CREATE TABLE recent(id INTEGER PRIMARY KEY, series INTEGER NOT NULL, gran INTEGER NOT NULL,"
    " t INTEGER NOT NULL, value REAL, vtext TEXT NOT NULL, flag TEXT NOT NULL, fields TEXT NOT NULL,"
    " notes TEXT NOT NULL, received_ms INTEGER NOT NULL, rev INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX recent_hour ON recent(series, gran, t) WHERE gran >= 2;"
    "CREATE TABLE recent_moved(one INTEGER PRIMARY KEY CHECK (one = 1), upto INTEGER NOT NULL,"
    " series INTEGER NOT NULL, gran INTEGER NOT NULL, t INTEGER NOT NULL);"
    "INSERT INTO recent_moved VALUES(1, 0, 0, 0, 0);"
    /* for the sqlite3 shell and scripts: every current value once, whichever tier holds it */
    "CREATE VIEW obs_all AS SELECT series, gran, t, value, vtext, flag, fields, notes, received_ms, rev FROM obs"
    " UNION ALL SELECT r.series, r.gran, r.t, r.value, r.vtext, r.flag, r.fields, r.notes, r.received_ms, r.rev"
    " FROM recent r, recent_moved m WHERE NOT (r.id <= m.upto AND (r.series, r.gran, r.t) <= (m.series, m.gran, m.t));"
    /* the daily-value cache's new and revised hour values are marked by obs_put (day_mark), once
     * per day and transaction, whichever tier takes them: the insert trigger ran for every insert,
     * minute values too (docs/targets.md). The update and delete triggers stay for hand edits. */
    "DROP TRIGGER IF EXISTS airday_obs_insert;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int eco_store_schema_version(eco_store_t *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int migrate(eco_store_t *s, eco_err_t *err)
{
    int v = eco_store_schema_version(s);
    if (v < 0) return db_err(s, err, "reading the schema version");
    if (v > SCHEMA_VERSION)
        return eco_err_set(err, ECO_EUNSUPPORTED,
                           "%s: schema version %d is newer than this ecobrain knows (%d): upgrade ecobrain", s->path,
                           v, SCHEMA_VERSION);
    for (; v < SCHEMA_VERSION; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
        int r;
        if ((r = exec_sql(s, "BEGIN IMMEDIATE", err)) < 0) return r;
        if ((r = exec_sql(s, migrations[v], err)) < 0 || (r = exec_sql(s, pragma, err)) < 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return r;
        }
        if ((r = exec_sql(s, "COMMIT", err)) < 0) return r;
    }
    return 0;
}

/* for store_days.c (store_days.h): the cache's SQL lives there, beside this file */
struct sqlite3 *eco_store_sqlite_db(eco_store_t *s) { return s->db; }
const char *eco_store_sqlite_path(const eco_store_t *s) { return s->path; }

/* ------------------------------------------------------------------ caches */

static int series_slot(eco_store_t *s, int32_t id)
{
    if ((size_t)id < s->nseries_cap) return 0;
    size_t ncap = s->nseries_cap ? s->nseries_cap * 2 : 256;
    while (ncap <= (size_t)id) ncap *= 2;
    series_info_t *n = eco_realloc(s->series, s->nseries_cap * sizeof *n, ncap * sizeof *n);
    if (!n) return ECO_ENOMEM;
    memset(n + s->nseries_cap, 0, (ncap - s->nseries_cap) * sizeof *n);
    s->series = n;
    s->nseries_cap = ncap;
    return 0;
}

static int device_slot(eco_store_t *s, int32_t id)
{
    if ((size_t)id < s->ndevice_cap) return 0;
    size_t ncap = s->ndevice_cap ? s->ndevice_cap * 2 : 256;
    while (ncap <= (size_t)id) ncap *= 2;
    int64_t *n = eco_realloc(s->device_rowid, s->ndevice_cap * sizeof *n, ncap * sizeof *n);
    if (!n) return ECO_ENOMEM;
    memset(n + s->ndevice_cap, 0, (ncap - s->ndevice_cap) * sizeof *n);
    s->device_rowid = n;
    s->ndevice_cap = ncap;
    return 0;
}

/* key "mn\x1f" "factor" in buf; returns its length, or 0 when it does not fit */
static size_t series_key(char *buf, size_t n, const char *mn, const char *factor)
{
    size_t a = strlen(mn), b = strlen(factor);
    if (a + b + 2 > n) return 0;
    memcpy(buf, mn, a);
    buf[a] = '\x1f';
    memcpy(buf + a + 1, factor, b);
    buf[a + 1 + b] = 0;
    return a + 1 + b;
}

static const char *col_text(sqlite3_stmt *st, int i);
static int step_done(eco_store_t *s, sqlite3_stmt *st, eco_err_t *err, const char *what);

/* ------------------------------------------------------------------ the recent tier's index
 *
 * Every unmoved row of `recent` by key, in memory: a value older than the newest stored time of
 * its series (late data, a resend after a crash) is looked up here and in obs instead of by a
 * search of recent — an index on recent(series, gran, t) on disk would be written at every append
 * (it cost 65 % of the append rate, docs/ingest.md). Only the writing handle keeps it. */

static uint64_t rh_hash(int64_t sg, int64_t t)
{
    uint64_t x = (uint64_t)sg * 0x9E3779B97F4A7C15ull ^ (uint64_t)t;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return x;
}

static int64_t rh_find(const eco_store_t *s, int64_t sg, int64_t t)
{
    if (!s->rh_n) return 0;
    size_t m = s->rh_cap - 1;
    for (size_t i = rh_hash(sg, t) & m;; i = (i + 1) & m) {
        const rkey_t *e = &s->rh[i];
        if (!e->id) return 0;
        if (e->sg == sg && e->t == t) return e->id;
    }
}

/* The index is written at a random place for every value appended: in a table of hundreds of MiB
 * each write is a TLB miss as well as a cache miss with 4 KiB pages. Huge pages (where the kernel
 * gives them on request: transparent_hugepage = madvise) remove the first. */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p, (void)bytes;
#endif
}

static int rh_grow_to(eco_store_t *s, size_t ncap)
{
    rkey_t *n = eco_calloc(ncap, sizeof *n);
    if (!n) return ECO_ENOMEM;
    if (ncap * sizeof *n >= ((size_t)4 << 20)) advise_huge(n, ncap * sizeof *n);
    for (size_t i = 0; i < s->rh_cap; i++) {
        const rkey_t *e = &s->rh[i];
        if (!e->id) continue;
        size_t j = rh_hash(e->sg, e->t) & (ncap - 1);
        while (n[j].id) j = (j + 1) & (ncap - 1);
        n[j] = *e;
    }
    eco_free(s->rh, s->rh_cap * sizeof *s->rh);
    s->rh = n;
    s->rh_cap = ncap;
    return 0;
}

static int rh_grow(eco_store_t *s) { return rh_grow_to(s, s->rh_cap ? s->rh_cap * 2 : 1u << 16); }

int eco_store_tier_reserve(eco_store_t *s, size_t values)
{
    if (!s->tier) return 0; /* nothing is appended to recent by this handle */
    size_t cap = s->rh_cap ? s->rh_cap : 1u << 16;
    while (cap / 4 * 3 < values && cap < ((size_t)1 << 40)) cap *= 2;
    return cap > s->rh_cap ? rh_grow_to(s, cap) : 0;
}

/* add a key (known not to be there) */
static int rh_put(eco_store_t *s, int64_t sg, int64_t t, int64_t id)
{
    if ((s->rh_n + 1) * 4 > s->rh_cap * 3 && rh_grow(s) < 0) return ECO_ENOMEM; /* at most 3/4 full */
    size_t m = s->rh_cap - 1, i = rh_hash(sg, t) & m;
    while (s->rh[i].id) i = (i + 1) & m;
    s->rh[i] = (rkey_t){sg, t, id};
    s->rh_n++;
    return 0;
}

/* remove a key: backward-shift deletion keeps every probe sequence unbroken without tombstones */
static void rh_del(eco_store_t *s, int64_t sg, int64_t t)
{
    if (!s->rh_n) return;
    size_t m = s->rh_cap - 1, i = rh_hash(sg, t) & m;
    for (;; i = (i + 1) & m) {
        if (!s->rh[i].id) return;
        if (s->rh[i].sg == sg && s->rh[i].t == t) break;
    }
    s->rh_n--;
    for (size_t j = i;;) {
        s->rh[i].id = 0;
        for (;;) {
            j = (j + 1) & m;
            if (!s->rh[j].id) return;
            size_t home = rh_hash(s->rh[j].sg, s->rh[j].t) & m;
            /* the entry at j may move to i unless its home lies cyclically in (i, j] */
            if (i <= j ? (i < home && home <= j) : (i < home || home <= j)) continue;
            break;
        }
        s->rh[i] = s->rh[j];
        i = j;
    }
}

static void rh_clear(eco_store_t *s)
{
    if (s->rh) memset(s->rh, 0, s->rh_cap * sizeof *s->rh);
    s->rh_n = 0;
}

/* the visible rows of recent: not yet moved by the pass in progress (recent_moved) */
#define RECENT_VISIBLE \
    " NOT (r.id <= m.upto AND (r.series, r.gran, r.t) <= (m.series, m.gran, m.t))"

/* read the index back from the disk; with latest != NULL also fold the recent rows into the
 * latest-value cache (opening), through rowid -> dense series index */
static int rh_rebuild(eco_store_t *s, const int32_t *dense, size_t ndense, eco_err_t *err)
{
    rh_clear(s);
    s->rh_stale = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT r.id, r.series, r.gran, r.t, r.value, r.flag, r.received_ms FROM recent r,"
                           " recent_moved m WHERE" RECENT_VISIBLE,
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing the recent tier's scan");
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0), series = sqlite3_column_int64(st, 1), t = sqlite3_column_int64(st, 3);
        int g = sqlite3_column_int(st, 2);
        if ((unsigned)g >= ECO_GRAN_N) continue;
        if (rh_put(s, series * 4 + g, t, id) < 0) {
            r = eco_err_set(err, ECO_ENOMEM, "%s: out of memory indexing the recent tier", s->path);
            break;
        }
        if (dense && series >= 0 && (size_t)series < ndense && dense[series] >= 0) {
            series_info_t *si = &s->series[dense[series]];
            eco_latest_t *l = &si->latest[g];
            if (!(si->has_latest & (1u << g)) || l->t < t) {
                l->t = t;
                l->value = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
                snprintf(l->flag, sizeof l->flag, "%s", col_text(st, 5));
                l->received_ms = sqlite3_column_int64(st, 6);
                si->has_latest |= (unsigned char)(1u << g);
            }
        }
    }
    if (!r && rc != SQLITE_DONE) r = db_err(s, err, "scanning the recent tier");
    sqlite3_finalize(st);
    return r;
}

static int pass_resume(eco_store_t *s, eco_err_t *err);

static int load_latest(eco_store_t *s, eco_err_t *err)
{
    sqlite3_stmt *all = NULL, *one = NULL;
    int r = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT s.id, d.mn, s.factor FROM series s JOIN device d ON d.id = s.device", -1,
                           &all, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT t, value, flag, received_ms FROM obs WHERE series=?1 AND gran=?2 "
                           "ORDER BY t DESC LIMIT 1",
                           -1, &one, NULL) != SQLITE_OK) {
        r = db_err(s, err, "preparing the latest-value scan");
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(all)) == SQLITE_ROW) {
        char key[512];
        size_t kl = series_key(key, sizeof key, (const char *)sqlite3_column_text(all, 1),
                               (const char *)sqlite3_column_text(all, 2));
        if (!kl) continue;
        int32_t id = eco_map_put(&s->series_map, (eco_slice_t){key, kl});
        if (id < 0 || series_slot(s, id) < 0) {
            r = eco_err_set(err, ECO_ENOMEM, "%s: out of memory loading series", s->path);
            goto out;
        }
        series_info_t *si = &s->series[id];
        si->rowid = sqlite3_column_int64(all, 0);
        for (int g = 0; g < ECO_GRAN_N; g++) {
            sqlite3_reset(one);
            sqlite3_bind_int64(one, 1, si->rowid);
            sqlite3_bind_int(one, 2, g);
            if (sqlite3_step(one) == SQLITE_ROW) {
                eco_latest_t *l = &si->latest[g];
                l->t = sqlite3_column_int64(one, 0);
                l->value = sqlite3_column_type(one, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(one, 1);
                snprintf(l->flag, sizeof l->flag, "%s", (const char *)sqlite3_column_text(one, 2));
                l->received_ms = sqlite3_column_int64(one, 3);
                si->has_latest |= (unsigned char)(1u << g);
            }
        }
        s->stats.series++;
    }
    if (rc != SQLITE_DONE) r = db_err(s, err, "scanning series");
    if (!r && s->has_recent) { /* the recent tier: its index, its newer values, a pass to resume */
        int64_t maxid = 0;
        uint32_t n = eco_map_size(&s->series_map);
        for (uint32_t i = 0; i < n; i++)
            if (s->series[i].rowid > maxid) maxid = s->series[i].rowid;
        int32_t *dense = eco_calloc((size_t)maxid + 1, sizeof *dense);
        if (!dense) {
            r = eco_err_set(err, ECO_ENOMEM, "%s: out of memory loading series", s->path);
            goto out;
        }
        for (int64_t i = 0; i <= maxid; i++) dense[i] = -1;
        for (uint32_t i = 0; i < n; i++)
            if (s->series[i].rowid > 0) dense[s->series[i].rowid] = (int32_t)i;
        r = rh_rebuild(s, dense, (size_t)maxid + 1, err);
        eco_free(dense, ((size_t)maxid + 1) * sizeof *dense);
        if (!r) r = pass_resume(s, err);
    }
out:
    sqlite3_finalize(all);
    sqlite3_finalize(one);
    return r;
}

/* ------------------------------------------------------------------ open / close */

/* SQLite's memory statistics take a global mutex on every allocation it makes (several per
 * stored value); nothing here reads them, so they are turned off before SQLite initialises.
 * When something else initialised SQLite first, sqlite3_config refuses and the default stays. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

int eco_store_open(eco_store_t **out, const char *dir, const eco_store_opts_t *o, eco_err_t *err)
{
    eco_store_opts_t def;
    if (!o) {
        eco_store_opts_default(&def);
        o = &def;
    }
    *out = NULL;
    if (!dir || !*dir) return eco_err_set(err, ECO_EINVAL, "store: no data directory given");
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        if (errno != ENOENT || !o->create || o->readonly)
            return eco_err_set(err, ECO_ENOENT, "%s: %s", dir, strerror(errno));
        if (mkdir(dir, 0750) != 0 && errno != EEXIST)
            return eco_err_set(err, ECO_EIO, "%s: cannot create: %s", dir, strerror(errno));
    } else if (!S_ISDIR(sb.st_mode)) {
        return eco_err_set(err, ECO_EINVAL, "%s: not a directory", dir);
    }
    pthread_once(&sqlite_once, sqlite_setup);
    eco_store_t *s = eco_calloc(1, sizeof *s);
    if (!s) return eco_err_set(err, ECO_ENOMEM, "store: out of memory");
    snprintf(s->path, sizeof s->path, "%s/ecobrain.db", dir);
    s->catalogue_only = o->catalogue_only;
    eco_map_init(&s->series_map);
    eco_map_init(&s->device_map);
    int flags = o->readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (o->create ? SQLITE_OPEN_CREATE : 0));
    flags |= SQLITE_OPEN_NOMUTEX;
    int r;
    if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
        r = eco_err_set(err, ECO_EIO, "%s: cannot open: %s", s->path, s->db ? sqlite3_errmsg(s->db) : "no memory");
        eco_store_close(s);
        return r;
    }
    sqlite3_busy_timeout(s->db, 10000);
    static const char *const sync_pragma[] = {"PRAGMA synchronous=OFF", "PRAGMA synchronous=NORMAL",
                                              "PRAGMA synchronous=FULL"};
    if (!o->readonly) {
        char cache_pragma[64];
        snprintf(cache_pragma, sizeof cache_pragma, "PRAGMA cache_size=-%d", (o->cache_mb > 0 ? o->cache_mb : 64) * 1024);
        if ((r = exec_sql(s, "PRAGMA journal_mode=WAL", err)) < 0 ||
            (r = exec_sql(s, cache_pragma, err)) < 0 || /* inserts land all over the key space: keep its pages */
            (r = exec_sql(s, sync_pragma[o->sync <= ECO_SYNC_FULL ? o->sync : ECO_SYNC_FULL], err)) < 0 ||
            (r = migrate(s, err)) < 0) {
            eco_store_close(s);
            return r;
        }
    } else {
        /* read-only: an older schema is read as it is (migrations only add tables; a query on a
         * table it lacks says so), a newer one is refused, none is not a store */
        int v = eco_store_schema_version(s);
        if (v <= 0 || v > SCHEMA_VERSION) {
            r = eco_err_set(err, ECO_EUNSUPPORTED,
                            v <= 0 ? "%s: not an ecobrain store (schema version %d)"
                                   : "%s: schema version %d is newer than this ecobrain knows (%d): upgrade ecobrain",
                            s->path, v, SCHEMA_VERSION);
            eco_store_close(s);
            return r;
        }
    }
    exec_sql(s, "PRAGMA foreign_keys=ON", NULL);
    {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='recent_moved'", -1, &q,
                               NULL) == SQLITE_OK) {
            s->has_recent = sqlite3_step(q) == SQLITE_ROW;
            sqlite3_finalize(q);
        }
    }
    s->tier = !o->readonly && !o->catalogue_only && s->has_recent && o->recent_tier;
    if (!o->readonly && o->background_checkpoint) {
        /* its own connection, opened here so that a failure leaves SQLite's automatic checkpoints on */
        if (sqlite3_open_v2(s->path, &s->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
            /* a connection that has read nothing does not know the file is in WAL mode: its
             * checkpoints are no-ops ("not WAL", -1) and the WAL grows without bound under load */
            sqlite3_exec(s->ckpt_db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) == SQLITE_OK) {
            sqlite3_busy_timeout(s->ckpt_db, 1000);
            pthread_mutex_init(&s->ckpt_mu, NULL);
            pthread_cond_init(&s->ckpt_cv, NULL);
            if (pthread_create(&s->ckpt, NULL, ckpt_main, s) == 0) {
                s->ckpt_running = 1;
                exec_sql(s, "PRAGMA wal_autocheckpoint=0", NULL);
                exec_sql(s, "PRAGMA journal_size_limit=268435456", NULL); /* the WAL file trimmed after a restart */
            } else {
                pthread_mutex_destroy(&s->ckpt_mu);
                pthread_cond_destroy(&s->ckpt_cv);
            }
        }
        if (!s->ckpt_running) {
            sqlite3_close(s->ckpt_db);
            s->ckpt_db = NULL;
        }
    }
    if (!o->readonly)
        for (int i = 0; i < ST_N; i++)
            if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
                r = db_err(s, err, "preparing statements");
                eco_store_close(s);
                return r;
            }
    if (!o->readonly && !o->catalogue_only && (r = load_latest(s, err)) < 0) {
        eco_store_close(s);
        return r;
    }
    *out = s;
    return 0;
}

void eco_store_close(eco_store_t *s)
{
    if (!s) return;
    if (s->ckpt_running) {
        pthread_mutex_lock(&s->ckpt_mu);
        s->ckpt_quit = 1;
        pthread_cond_signal(&s->ckpt_cv);
        pthread_mutex_unlock(&s->ckpt_mu);
        pthread_join(s->ckpt, NULL);
        pthread_mutex_destroy(&s->ckpt_mu);
        pthread_cond_destroy(&s->ckpt_cv);
        sqlite3_close(s->ckpt_db);
    }
    for (int i = 0; i < ST_N; i++) sqlite3_finalize(s->st[i]);
    for (size_t i = 0; i < sizeof s->lst / sizeof s->lst[0]; i++) sqlite3_finalize(s->lst[i]);
    if (s->in_tx) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (s->db) sqlite3_close(s->db);
    eco_map_free(&s->series_map);
    eco_map_free(&s->device_map);
    eco_free(s->series, s->nseries_cap * sizeof *s->series);
    eco_free(s->device_rowid, s->ndevice_cap * sizeof *s->device_rowid);
    eco_free(s->undo, s->capundo * sizeof *s->undo);
    eco_free(s->rh, s->rh_cap * sizeof *s->rh);
    eco_free(s->mv, s->mv_cap * sizeof *s->mv);
    eco_free(s->mv_tmp, s->mv_tmp_cap * sizeof *s->mv_tmp);
    eco_free(s->mv_count, s->mv_count_cap * sizeof *s->mv_count);
    eco_free(s, sizeof *s);
}

void eco_store_stats(const eco_store_t *s, eco_store_stats_t *out) { *out = s->stats; }

/* ------------------------------------------------------------------ transactions */

static struct undo *undo_push(eco_store_t *s, int kind, int32_t id, int gran, unsigned char had,
                              const eco_latest_t *old)
{
    if (!s->in_tx) return NULL;
    if (s->nundo == s->capundo) {
        size_t nc = s->capundo ? s->capundo * 2 : 1024;
        struct undo *n = eco_realloc(s->undo, s->capundo * sizeof *n, nc * sizeof *n);
        if (!n) {
            s->undo_oom = 1;
            return NULL;
        }
        s->undo = n;
        s->capundo = nc;
    }
    struct undo *u = &s->undo[s->nundo++];
    u->kind = kind;
    u->id = id;
    u->gran = gran;
    u->had = had;
    if (old) u->old = *old;
    return u;
}

/* undo, newest first, what the transaction did to the caches */
static void undo_apply(eco_store_t *s)
{
    if (s->undo_oom) { /* no complete log: forget every cached id and latest value */
        for (size_t i = 0; i < s->nseries_cap; i++) s->series[i].rowid = 0, s->series[i].has_latest = 0;
        for (size_t i = 0; i < s->ndevice_cap; i++) s->device_rowid[i] = 0;
        /* and from now on a value is looked up in both tiers even when newer than the (forgotten)
         * latest; the recent tier's index is read back from the disk */
        s->latest_stale = 1;
        s->rh_stale = 1;
    } else {
        for (size_t i = s->nundo; i-- > 0;) {
            struct undo *u = &s->undo[i];
            if (u->kind == 0) {
                s->series[u->id].rowid = 0;
                s->stats.series--;
            } else if (u->kind == 1) {
                s->device_rowid[u->id] = 0;
            } else if (u->kind == 3) {
                rh_del(s, u->sg, u->t);
            } else {
                series_info_t *si = &s->series[u->id];
                si->latest[u->gran] = u->old;
                if (u->had) si->has_latest |= (unsigned char)(1u << u->gran);
                else si->has_latest &= (unsigned char)~(1u << u->gran);
            }
        }
    }
    s->nundo = 0;
    s->undo_oom = 0;
}

int eco_store_tx_begin(eco_store_t *s, eco_err_t *err)
{
    if (s->in_tx) return eco_err_set(err, ECO_EINVAL, "%s: transaction already open", s->path);
    if (s->rh_stale && s->has_recent) {
        int rr = rh_rebuild(s, NULL, 0, err);
        if (rr < 0) return rr;
    }
    int r = exec_sql(s, "BEGIN IMMEDIATE", err);
    if (r == 0) s->in_tx = 1;
    s->nday_marked = 0;
    s->nundo = 0;
    s->undo_oom = 0;
    return r;
}

int eco_store_tx_commit(eco_store_t *s, eco_err_t *err)
{
    if (!s->in_tx) return eco_err_set(err, ECO_EINVAL, "%s: no transaction open", s->path);
    int r = exec_sql(s, "COMMIT", err);
    if (r < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_tx = 0;
        undo_apply(s);
        return r;
    }
    s->in_tx = 0;
    s->nundo = 0;
    s->stats.commits++;
    return 0;
}

int eco_store_tx_rollback(eco_store_t *s)
{
    if (!s->in_tx) return 0;
    s->in_tx = 0;
    undo_apply(s);
    return sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK ? 0 : ECO_EIO;
}

/* ------------------------------------------------------------------ catalogue */

static void bind_text_or_empty(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

static int step_done(eco_store_t *s, sqlite3_stmt *st, eco_err_t *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return db_err(s, err, what);
    return 0;
}

int eco_store_site_put(eco_store_t *s, const eco_site_t *site, eco_err_t *err)
{
    if (!site->code || !*site->code) return eco_err_set(err, ECO_EINVAL, "site without a code");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO site(code,kind,name,province,city,county,basin,river,lon,lat,zone) "
                           "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(code) DO UPDATE SET "
                           "kind=excluded.kind,name=excluded.name,province=excluded.province,city=excluded.city,"
                           "county=excluded.county,basin=excluded.basin,river=excluded.river,lon=excluded.lon,"
                           "lat=excluded.lat,zone=excluded.zone",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing site insert");
    bind_text_or_empty(st, 1, site->code);
    bind_text_or_empty(st, 2, eco_site_kind_name(site->kind));
    bind_text_or_empty(st, 3, site->name);
    bind_text_or_empty(st, 4, site->province);
    bind_text_or_empty(st, 5, site->city);
    bind_text_or_empty(st, 6, site->county);
    bind_text_or_empty(st, 7, site->basin);
    bind_text_or_empty(st, 8, site->river);
    if (isfinite(site->lon)) sqlite3_bind_double(st, 9, site->lon);
    if (isfinite(site->lat)) sqlite3_bind_double(st, 10, site->lat);
    bind_text_or_empty(st, 11, site->zone);
    int r = step_done(s, st, err, "storing a site");
    sqlite3_finalize(st);
    return r;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

int eco_store_site_each(eco_store_t *s, eco_site_cb cb, void *ud, eco_err_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT code,kind,name,province,city,county,basin,river,lon,lat,zone FROM site "
                           "ORDER BY code",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing site list");
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_site_t site = {0};
        site.code = col_text(st, 0);
        eco_site_kind_t k = ECO_SITE_AIR;
        eco_site_kind_parse(eco_slice_cstr(col_text(st, 1)), &k);
        site.kind = k;
        site.name = col_text(st, 2);
        site.province = col_text(st, 3);
        site.city = col_text(st, 4);
        site.county = col_text(st, 5);
        site.basin = col_text(st, 6);
        site.river = col_text(st, 7);
        site.lon = sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 8);
        site.lat = sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
        site.zone = col_text(st, 10);
        if (cb(ud, &site)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "listing sites");
    sqlite3_finalize(st);
    return r;
}

int eco_store_device_put(eco_store_t *s, const eco_device_t *d, eco_err_t *err)
{
    if (!d->mn || !*d->mn) return eco_err_set(err, ECO_EINVAL, "device without an MN");
    if (strlen(d->mn) > 64) return eco_err_set(err, ECO_EINVAL, "MN '%.24s...' longer than 64 bytes", d->mn);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO device(mn,pw,edition,sm4_key,profile,site,registered_ms) "
                           "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(mn) DO UPDATE SET pw=excluded.pw,"
                           "edition=excluded.edition,sm4_key=excluded.sm4_key,profile=excluded.profile,"
                           "site=excluded.site,registered_ms=CASE WHEN registered_ms=0 THEN excluded.registered_ms "
                           "ELSE registered_ms END",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing device insert");
    bind_text_or_empty(st, 1, d->mn);
    bind_text_or_empty(st, 2, d->pw);
    bind_text_or_empty(st, 3, d->edition);
    bind_text_or_empty(st, 4, d->sm4_key);
    bind_text_or_empty(st, 5, d->profile && *d->profile ? d->profile : "strict");
    bind_text_or_empty(st, 6, d->site);
    sqlite3_bind_int64(st, 7, d->registered_ms);
    int r = step_done(s, st, err, "storing a device");
    sqlite3_finalize(st);
    return r;
}

int eco_store_factor_put(eco_store_t *s, const eco_factor_t *f, eco_err_t *err)
{
    if (!f->code || !*f->code) return eco_err_set(err, ECO_EINVAL, "factor without a code");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO factor(code,name,unit,item) VALUES(?1,?2,?3,?4) ON CONFLICT(code) DO UPDATE "
                           "SET name=excluded.name,unit=excluded.unit,item=excluded.item",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing factor insert");
    bind_text_or_empty(st, 1, f->code);
    bind_text_or_empty(st, 2, f->name);
    bind_text_or_empty(st, 3, f->unit);
    bind_text_or_empty(st, 4, f->item);
    int r = step_done(s, st, err, "storing a factor");
    sqlite3_finalize(st);
    return r;
}

int eco_store_factor_each(eco_store_t *s, eco_factor_cb cb, void *ud, eco_err_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT k.code, coalesce(f.name,''), coalesce(f.unit,''), coalesce(f.item,''),"
                           " (SELECT count(*) FROM series WHERE factor = k.code)"
                           " FROM (SELECT code FROM factor UNION SELECT DISTINCT factor FROM series) k"
                           " LEFT JOIN factor f ON f.code = k.code ORDER BY k.code",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing factor list");
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_factor_t f = {col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
                          (long)sqlite3_column_int64(st, 4)};
        if (cb(ud, &f)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "listing factors");
    sqlite3_finalize(st);
    return r;
}

int eco_store_device_register(eco_store_t *s, const char *mn, const char *pw, int64_t now_ms, eco_err_t *err)
{
    sqlite3_stmt *st = s->st[ST_DEVICE_REGISTER];
    bind_text_or_empty(st, 1, mn);
    bind_text_or_empty(st, 2, pw);
    sqlite3_bind_int64(st, 3, now_ms);
    int r = step_done(s, st, err, "registering a device");
    if (r < 0) return r;
    return sqlite3_changes(s->db) > 0;
}

int eco_store_device_each(eco_store_t *s, eco_device_cb cb, void *ud, eco_err_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT mn,pw,edition,sm4_key,profile,site,registered_ms,last_seen_ms FROM device "
                           "ORDER BY mn",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing device list");
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_device_t d = {0};
        d.mn = col_text(st, 0);
        d.pw = col_text(st, 1);
        d.edition = col_text(st, 2);
        d.sm4_key = col_text(st, 3);
        d.profile = col_text(st, 4);
        d.site = col_text(st, 5);
        d.registered_ms = sqlite3_column_int64(st, 6);
        d.last_seen_ms = sqlite3_column_int64(st, 7);
        if (cb(ud, &d)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "listing devices");
    sqlite3_finalize(st);
    return r;
}

int eco_store_device_seen(eco_store_t *s, const char *mn, int64_t ms, eco_err_t *err)
{
    sqlite3_stmt *st = s->st[ST_DEVICE_SEEN];
    bind_text_or_empty(st, 1, mn);
    sqlite3_bind_int64(st, 2, ms);
    return step_done(s, st, err, "recording last-seen");
}

/* ------------------------------------------------------------------ the recent tier's mover
 *
 * A pass takes every unmoved row there is (ids up to upto), sorts the keys — by series with a
 * counting sort, then each series' few keys by (granularity, time) — and copies the rows into obs
 * in that order, a chunk per transaction: consecutive rows of a series then share the leaf page
 * they land on, so a chunk writes about one page per series instead of one per value. Each chunk
 * commits with its watermark (recent_moved: upto and the last key moved), so readers, which skip
 * the recent rows the watermark covers, see every value exactly once at every commit, and a crash
 * resumes the pass where it stopped. When all of it is in obs, its rows are deleted from recent in
 * id ranges (cheap: they are contiguous), the last range with the watermark reset. */

static int rkey_cmp_gt(const rkey_t *a, const rkey_t *b) { return a->sg != b->sg ? a->sg > b->sg : a->t > b->t; }

static int grow_keys(rkey_t **a, size_t *cap, size_t n)
{
    if (n <= *cap) return 0;
    size_t nc = *cap ? *cap : 1u << 16;
    while (nc < n) nc *= 2;
    rkey_t *p = eco_realloc(*a, *cap * sizeof *p, nc * sizeof *p);
    if (!p) return ECO_ENOMEM;
    *a = p;
    *cap = nc;
    return 0;
}

/* the pass: every indexed row with id <= upto, sorted by key into s->mv */
static int pass_collect(eco_store_t *s, int64_t upto, eco_err_t *err)
{
    if (grow_keys(&s->mv, &s->mv_cap, s->rh_n) < 0 || grow_keys(&s->mv_tmp, &s->mv_tmp_cap, s->rh_n) < 0)
        return eco_err_set(err, ECO_ENOMEM, "%s: out of memory for a move", s->path);
    size_t n = 0;
    int64_t maxs = 0;
    for (size_t i = 0; i < s->rh_cap; i++)
        if (s->rh[i].id && s->rh[i].id <= upto) {
            s->mv_tmp[n++] = s->rh[i];
            if (s->rh[i].sg / 4 > maxs) maxs = s->rh[i].sg / 4;
        }
    size_t nb = (size_t)maxs + 2;
    if (nb > s->mv_count_cap) {
        uint32_t *c = eco_realloc(s->mv_count, s->mv_count_cap * sizeof *c, nb * sizeof *c);
        if (!c) return eco_err_set(err, ECO_ENOMEM, "%s: out of memory for a move", s->path);
        s->mv_count = c;
        s->mv_count_cap = nb;
    }
    memset(s->mv_count, 0, nb * sizeof *s->mv_count);
    for (size_t i = 0; i < n; i++) s->mv_count[s->mv_tmp[i].sg / 4 + 1]++;
    for (size_t b = 1; b < nb; b++) s->mv_count[b] += s->mv_count[b - 1];
    for (size_t i = 0; i < n; i++) s->mv[s->mv_count[s->mv_tmp[i].sg / 4]++] = s->mv_tmp[i];
    /* within a series: a few keys each, mostly in order already — insertion sort */
    for (size_t i = 1; i < n; i++) {
        rkey_t k = s->mv[i];
        size_t j = i;
        while (j > 0 && s->mv[j - 1].sg / 4 == k.sg / 4 && rkey_cmp_gt(&s->mv[j - 1], &k)) {
            s->mv[j] = s->mv[j - 1];
            j--;
        }
        s->mv[j] = k;
    }
    s->mv_n = n;
    s->mv_pos = 0;
    s->mv_upto = upto;
    s->mv_deleting = 0;
    return 0;
}

static void pass_reset(eco_store_t *s)
{
    s->mv_upto = 0;
    s->mv_n = s->mv_pos = 0;
    s->mv_deleting = 0;
    s->mv_del_done = 0;
}

static int move_mark(eco_store_t *s, int64_t upto, const rkey_t *k, eco_err_t *err)
{
    sqlite3_stmt *st = s->st[ST_MOVE_MARK];
    sqlite3_bind_int64(st, 1, upto);
    sqlite3_bind_int64(st, 2, k ? k->sg / 4 : 0);
    sqlite3_bind_int64(st, 3, k ? k->sg % 4 : 0);
    sqlite3_bind_int64(st, 4, k ? k->t : 0);
    return step_done(s, st, err, "recording how far the move got");
}

int64_t eco_store_tier_pending(const eco_store_t *s) { return (int64_t)s->rh_n; }

int eco_store_tier_moving(const eco_store_t *s) { return s->mv_upto != 0; }

/* how often a move chunk asks whether to stop: 1,024 moves take a few milliseconds */
#define MOVE_YIELD_EVERY 1024

long eco_store_tier_step(eco_store_t *s, long max_rows, eco_err_t *err)
{
    if (!s->has_recent || !s->st[ST_MOVE_ONE] || s->catalogue_only) return 0;
    if (s->in_tx) return eco_err_set(err, ECO_EINVAL, "%s: a move cannot run inside a transaction", s->path);
    if (max_rows < 1) max_rows = 1;
    int r;
    if (s->rh_stale && (r = rh_rebuild(s, NULL, 0, err)) < 0) return r;
    if (!s->mv_upto) { /* a new pass: everything unmoved so far */
        if (!s->rh_n) return 0;
        int64_t upto = 0;
        for (size_t i = 0; i < s->rh_cap; i++)
            if (s->rh[i].id > upto) upto = s->rh[i].id;
        if ((r = pass_collect(s, upto, err)) < 0) return r;
    }
    if ((r = exec_sql(s, "BEGIN IMMEDIATE", err)) < 0) return r;
    long n = 0;
    if (!s->mv_deleting) {
        sqlite3_stmt *mv = s->st[ST_MOVE_ONE];
        size_t from = s->mv_pos;
        for (size_t i = from; i < s->mv_n && n < max_rows; i++, n++) {
            if (s->mv_crash_after && n == s->mv_crash_after) _exit(77); /* test hook: a crash mid-move */
            if (n && n % MOVE_YIELD_EVERY == 0 && s->mv_yield && s->mv_yield(s->mv_yield_ud)) break;
            sqlite3_bind_int64(mv, 1, s->mv[i].id);
            if ((r = step_done(s, mv, err, "moving a value into obs")) < 0) goto fail;
        }
        if ((r = move_mark(s, s->mv_upto, &s->mv[from + (size_t)n - 1], err)) < 0) goto fail;
        if ((r = exec_sql(s, "COMMIT", err)) < 0) goto fail;
        /* committed: these rows are obs's now; a revision of one goes there */
        for (size_t i = from; i < from + (size_t)n; i++) rh_del(s, s->mv[i].sg, s->mv[i].t);
        s->mv_pos = from + (size_t)n;
        if (s->mv_pos == s->mv_n) s->mv_deleting = 1;
        s->stats.tier_moved += (uint64_t)n;
        return n;
    }
    /* deleting: the whole pass is in obs and invisible in recent; ids are contiguous from the oldest */
    if (!s->mv_del_done) {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(s->db, "SELECT coalesce(min(id), 1) - 1 FROM recent", -1, &q, NULL) != SQLITE_OK) {
            r = db_err(s, err, "finding the oldest recent row");
            goto fail;
        }
        if (sqlite3_step(q) == SQLITE_ROW) s->mv_del_done = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    int64_t to = s->mv_del_done + max_rows * 4; /* a delete costs less than a move */
    if (to >= s->mv_upto || to < s->mv_del_done) to = s->mv_upto;
    /* in slices, asking yield between them, as the moves do */
    for (int64_t at = s->mv_del_done;;) {
        int64_t upto = to - at > 4 * MOVE_YIELD_EVERY ? at + 4 * MOVE_YIELD_EVERY : to;
        sqlite3_bind_int64(s->st[ST_MOVE_DELETE], 1, upto);
        if ((r = step_done(s, s->st[ST_MOVE_DELETE], err, "deleting moved values from the recent tier")) < 0)
            goto fail;
        at = upto;
        if (at == to) break;
        if (s->mv_yield && s->mv_yield(s->mv_yield_ud)) {
            to = at;
            break;
        }
    }
    if (to == s->mv_upto && (r = move_mark(s, 0, NULL, err)) < 0) goto fail;
    if ((r = exec_sql(s, "COMMIT", err)) < 0) goto fail;
    if (to == s->mv_upto) {
        pass_reset(s);
        s->stats.tier_passes++;
    } else {
        s->mv_del_done = to;
    }
    return 0;
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

void eco_store_tier_test_crash_after(eco_store_t *s, int rows) { s->mv_crash_after = rows; }

void eco_store_tier_yield(eco_store_t *s, int (*yield)(void *ud), void *ud)
{
    s->mv_yield = yield;
    s->mv_yield_ud = ud;
}

/* opening: the pass a crash interrupted (recent_moved.upto > 0) goes on from its watermark */
static int pass_resume(eco_store_t *s, eco_err_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT upto FROM recent_moved", -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "reading the recent tier's watermark");
    int64_t upto = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    pass_reset(s);
    if (upto <= 0) return 0;
    int r = pass_collect(s, upto, err); /* the rows the watermark does not cover yet */
    if (r < 0) return r;
    if (s->mv_n == 0) s->mv_deleting = 1;
    return 0;
}

/* ------------------------------------------------------------------ observations */

static int device_rowid(eco_store_t *s, const char *mn, int64_t *out, eco_err_t *err)
{
    eco_slice_t k = eco_slice_cstr(mn);
    int32_t id = eco_map_get(&s->device_map, k);
    if (id >= 0 && s->device_rowid[id]) {
        *out = s->device_rowid[id];
        return 0;
    }
    sqlite3_stmt *st = s->st[ST_DEVICE_ID];
    bind_text_or_empty(st, 1, mn);
    int rc = sqlite3_step(st);
    int64_t rowid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_err(s, err, "looking up a device");
    if (!rowid) return eco_err_set(err, ECO_ENOENT, "MN '%s' is not in the catalogue", mn);
    id = eco_map_put(&s->device_map, k);
    if (id < 0 || device_slot(s, id) < 0) return eco_err_set(err, ECO_ENOMEM, "store: out of memory");
    s->device_rowid[id] = rowid;
    undo_push(s, 1, id, 0, 0, NULL);
    *out = rowid;
    return 0;
}

static int series_resolve(eco_store_t *s, const char *mn, const char *factor, series_info_t **out, eco_err_t *err)
{
    char key[512];
    size_t kl = series_key(key, sizeof key, mn, factor);
    if (!kl) return eco_err_set(err, ECO_EINVAL, "MN/factor too long ('%.32s', '%.32s')", mn, factor);
    eco_slice_t k = {key, kl};
    int32_t id = eco_map_get(&s->series_map, k);
    if (id >= 0 && s->series[id].rowid) {
        *out = &s->series[id];
        return 0;
    }
    int64_t dev = 0;
    int r = device_rowid(s, mn, &dev, err);
    if (r < 0) return r;
    sqlite3_stmt *ins = s->st[ST_SERIES_INSERT], *sel = s->st[ST_SERIES_ID];
    sqlite3_bind_int64(ins, 1, dev);
    sqlite3_bind_text(ins, 2, factor, -1, SQLITE_STATIC);
    if ((r = step_done(s, ins, err, "creating a series")) < 0) return r;
    sqlite3_bind_int64(sel, 1, dev);
    sqlite3_bind_text(sel, 2, factor, -1, SQLITE_STATIC);
    int rc = sqlite3_step(sel);
    int64_t rowid = rc == SQLITE_ROW ? sqlite3_column_int64(sel, 0) : 0;
    sqlite3_reset(sel);
    if (!rowid) return db_err(s, err, "reading a series id");
    id = eco_map_put(&s->series_map, k);
    if (id < 0 || series_slot(s, id) < 0) return eco_err_set(err, ECO_ENOMEM, "store: out of memory");
    if (!s->series[id].rowid) s->stats.series++;
    s->series[id].rowid = rowid;
    undo_push(s, 0, id, 0, 0, NULL);
    *out = &s->series[id];
    return 0;
}

static void bind_slice(sqlite3_stmt *st, int i, eco_slice_t v)
{
    sqlite3_bind_text(st, i, v.ptr ? v.ptr : "", (int)v.len, SQLITE_STATIC);
}

static void bind_obs(sqlite3_stmt *st, int64_t series, const eco_obs_t *o)
{
    sqlite3_bind_int64(st, 1, series);
    sqlite3_bind_int(st, 2, (int)o->gran);
    sqlite3_bind_int64(st, 3, o->t);
    if (isfinite(o->value))
        sqlite3_bind_double(st, 4, o->value);
    else
        sqlite3_bind_null(st, 4);
    bind_slice(st, 5, o->vtext);
    bind_slice(st, 6, o->flag);
    bind_slice(st, 7, o->fields);
    bind_slice(st, 8, o->notes);
    sqlite3_bind_int64(st, 9, o->received_ms);
}

static int same_text(sqlite3_stmt *st, int col, eco_slice_t v)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    return n == v.len && (n == 0 || memcmp(t, v.ptr, n) == 0);
}

static void latest_update(eco_store_t *s, series_info_t *si, const eco_obs_t *o)
{
    unsigned g = (unsigned)o->gran;
    if ((si->has_latest & (1u << g)) && si->latest[g].t > o->t) return;
    eco_latest_t *l = &si->latest[g];
    undo_push(s, 2, (int32_t)(si - s->series), (int)g, (unsigned char)((si->has_latest >> g) & 1), l);
    l->t = o->t;
    l->value = o->value;
    size_t n = o->flag.len < sizeof l->flag - 1 ? o->flag.len : sizeof l->flag - 1;
    memcpy(l->flag, o->flag.ptr ? o->flag.ptr : "", n);
    l->flag[n] = 0;
    l->received_ms = o->received_ms;
    si->has_latest |= (unsigned char)(1u << g);
}

/* the key exists in a tier (cur has found its row): a resend (same fields) or a revision. The
 * statements of that tier; rid = the row's id in recent (bound as ?10), 0 for obs. */
static int resend_or_revise(eco_store_t *s, series_info_t *si, const eco_obs_t *o, int64_t rid, int *outcome,
                            eco_err_t *err)
{
    int64_t series = si->rowid;
    sqlite3_stmt *cur = s->st[rid ? ST_REC_CURRENT : ST_OBS_CURRENT];
    sqlite3_stmt *log = s->st[rid ? ST_REC_REVISE_LOG : ST_OBS_REVISE_LOG];
    sqlite3_stmt *upd = s->st[rid ? ST_REC_UPDATE : ST_OBS_UPDATE];
    sqlite3_bind_int64(cur, 1, series);
    sqlite3_bind_int(cur, 2, (int)o->gran);
    sqlite3_bind_int64(cur, 3, o->t);
    if (rid) sqlite3_bind_int64(cur, 10, rid);
    int rc = sqlite3_step(cur);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(cur);
        if (rc == SQLITE_DONE && !rid) return 1; /* not in obs */
        return rc == SQLITE_DONE ? eco_err_set(err, ECO_EIO, "%s: recent row %lld is not where the index says",
                                               s->path, (long long)rid)
                                 : db_err(s, err, "reading the stored value");
    }
    int same = same_text(cur, 0, o->vtext) && same_text(cur, 1, o->flag) && same_text(cur, 2, o->fields);
    sqlite3_reset(cur);
    if (same) {
        *outcome = ECO_STORE_SAME;
        s->stats.obs_same++;
        return 0;
    }
    sqlite3_bind_int64(log, 1, series);
    sqlite3_bind_int(log, 2, (int)o->gran);
    sqlite3_bind_int64(log, 3, o->t);
    sqlite3_bind_int64(log, 4, o->received_ms);
    if (rid) sqlite3_bind_int64(log, 10, rid);
    int r;
    if ((r = step_done(s, log, err, "logging a revision")) < 0) return r;
    bind_obs(upd, series, o);
    if (rid) sqlite3_bind_int64(upd, 10, rid);
    if ((r = step_done(s, upd, err, "revising a value")) < 0) return r;
    *outcome = ECO_STORE_REVISED;
    s->stats.obs_revised++;
    latest_update(s, si, o);
    return 0;
}

/* A new or revised hour value makes its day stale in the air daily-value cache (src/brain/airdays.h):
 * bump the day's counter in airday_dirty, in the same transaction, once per day and transaction —
 * a refresh that read the counter before this commit then leaves the day dirty. (Only hour values
 * feed the cache; every granularity is cheaper than the per-row trigger this replaced.) */
static int day_mark(eco_store_t *s, eco_time_t t, eco_err_t *err)
{
    int64_t day = t / 86400 - (t % 86400 < 0);
    for (int i = 0; i < s->nday_marked; i++)
        if (s->day_marked[i] == day) return 0;
    sqlite3_stmt *st = s->st[ST_DAY_DIRTY];
    sqlite3_bind_int64(st, 1, day);
    int r = step_done(s, st, err, "marking a day for the daily-value cache");
    if (r == 0 && s->nday_marked < (int)(sizeof s->day_marked / sizeof *s->day_marked))
        s->day_marked[s->nday_marked++] = day;
    return r;
}

static int obs_put(eco_store_t *s, const eco_obs_t *o, int *outcome, eco_err_t *err);

int eco_store_obs_put(eco_store_t *s, const eco_obs_t *o, int *outcome, eco_err_t *err)
{
    int r = obs_put(s, o, outcome, err);
    if (r == 0 && o->gran == ECO_GRAN_HOUR && *outcome != ECO_STORE_SAME) r = day_mark(s, o->t, err);
    return r;
}

static int obs_put(eco_store_t *s, const eco_obs_t *o, int *outcome, eco_err_t *err)
{
    if (!s->in_tx) return eco_err_set(err, ECO_EINVAL, "%s: obs_put outside a transaction", s->path);
    if (s->catalogue_only)
        return eco_err_set(err, ECO_EINVAL, "%s: opened for the catalogue only: values cannot be stored", s->path);
    if ((unsigned)o->gran >= ECO_GRAN_N) return eco_err_set(err, ECO_EINVAL, "bad granularity %d", (int)o->gran);
    series_info_t *si;
    int r = series_resolve(s, o->mn, o->factor, &si, err);
    if (r < 0) return r;
    int64_t series = si->rowid, sg = series * 4 + (int64_t)o->gran;
    unsigned g = (unsigned)o->gran;
    /* newer than the newest stored time of its series: it cannot be in either tier */
    int fresh = !s->latest_stale && (!(si->has_latest & (1u << g)) || o->t > si->latest[g].t);
    int64_t rid = fresh ? 0 : rh_find(s, sg, o->t);
    if (rid) return resend_or_revise(s, si, o, rid, outcome, err);
    if (s->tier) {
        if (!fresh && (r = resend_or_revise(s, si, o, 0, outcome, err)) <= 0) return r; /* in obs */
        sqlite3_stmt *ins = s->st[ST_REC_INSERT];
        bind_obs(ins, series, o);
        if ((r = step_done(s, ins, err, "storing a value")) < 0) return r;
        int64_t id = sqlite3_last_insert_rowid(s->db);
        if (rh_put(s, sg, o->t, id) < 0) return eco_err_set(err, ECO_ENOMEM, "%s: out of memory indexing a value", s->path);
        struct undo *u = undo_push(s, 3, 0, 0, 0, NULL);
        if (u) u->sg = sg, u->t = o->t;
        *outcome = ECO_STORE_NEW;
        s->stats.obs_new++;
        latest_update(s, si, o);
        return 0;
    }
    sqlite3_stmt *ins = s->st[ST_OBS_INSERT];
    bind_obs(ins, series, o);
    if ((r = step_done(s, ins, err, "storing a value")) < 0) return r;
    if (sqlite3_changes(s->db) > 0) {
        *outcome = ECO_STORE_NEW;
        s->stats.obs_new++;
        latest_update(s, si, o);
        return 0;
    }
    r = resend_or_revise(s, si, o, 0, outcome, err); /* the key exists */
    return r > 0 ? db_err(s, err, "reading the stored value") : r;
}

int eco_store_quarantine_put(eco_store_t *s, const eco_quarantine_t *q, eco_err_t *err)
{
    sqlite3_stmt *st = s->st[ST_QUARANTINE];
    sqlite3_bind_int64(st, 1, q->received_ms);
    bind_text_or_empty(st, 2, q->peer);
    bind_text_or_empty(st, 3, q->mn);
    bind_text_or_empty(st, 4, q->reason);
    sqlite3_bind_blob(st, 5, q->frame.ptr ? q->frame.ptr : "", (int)q->frame.len, SQLITE_STATIC);
    int r = step_done(s, st, err, "quarantining a frame");
    if (r == 0) s->stats.quarantined++;
    return r;
}

int eco_store_raw_put(eco_store_t *s, int64_t received_ms, const char *mn, int cn, eco_time_t t, eco_slice_t segment,
                      eco_err_t *err)
{
    sqlite3_stmt *st = s->st[ST_RAW];
    sqlite3_bind_int64(st, 1, received_ms);
    bind_text_or_empty(st, 2, mn);
    sqlite3_bind_int(st, 3, cn);
    sqlite3_bind_int64(st, 4, t);
    sqlite3_bind_blob(st, 5, segment.ptr ? segment.ptr : "", (int)segment.len, SQLITE_STATIC);
    int r = step_done(s, st, err, "storing an upload");
    if (r == 0) s->stats.raw++;
    return r;
}

int eco_store_alert_put(eco_store_t *s, const eco_alert_t *a, eco_err_t *err)
{
    sqlite3_stmt *st = s->st[ST_ALERT];
    bind_text_or_empty(st, 1, a->screen);
    bind_text_or_empty(st, 2, a->severity);
    bind_text_or_empty(st, 3, a->mn);
    bind_text_or_empty(st, 4, a->factor);
    sqlite3_bind_int(st, 5, (int)a->gran);
    sqlite3_bind_int64(st, 6, a->t);
    bind_text_or_empty(st, 7, a->evidence);
    sqlite3_bind_int64(st, 8, a->created_ms);
    int r = step_done(s, st, err, "storing an alert");
    if (r < 0) return r;
    sqlite3_int64 id = sqlite3_last_insert_rowid(s->db);
    return id > 0 && id <= INT32_MAX ? (int)id : 0;
}

int eco_store_alert_each(eco_store_t *s, eco_time_t from, eco_time_t to, eco_alert_cb cb, void *ud, eco_err_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT a.id, a.screen, a.severity, a.mn, a.factor, a.gran, a.t, a.evidence, a.created_ms,"
                           " coalesce(d.site, '') FROM alert a LEFT JOIN device d ON d.mn = a.mn"
                           " WHERE a.t BETWEEN ?1 AND ?2 ORDER BY a.t, a.id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing the alert list");
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_alert_t a = {col_text(st, 1), col_text(st, 2), col_text(st, 3), col_text(st, 4),
                         (eco_gran_t)sqlite3_column_int(st, 5), sqlite3_column_int64(st, 6), col_text(st, 7),
                         sqlite3_column_int64(st, 8), col_text(st, 9), (long)sqlite3_column_int64(st, 0)};
        if (cb(ud, &a)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "listing alerts");
    sqlite3_finalize(st);
    return r;
}

/* ------------------------------------------------------------------ the problem ledger (v4)
 *
 * The rules (states, actions, hysteresis) are src/brain/ledger.c's; here they are applied
 * inside one transaction each, and every change writes its problem_event row in the same
 * transaction as the change itself. Times are Beijing civil seconds. */

enum {
    LS_LINKED,
    LS_FIND,
    LS_SITE,
    LS_INSERT,
    LS_ATTACH,
    LS_EVENT,
    LS_LINK,
    LS_GET,
    LS_SET,
    LS_QUIET,
    LS_N
};

static const char *const ledger_sql[LS_N] = {
    [LS_LINKED] = "SELECT problem FROM problem_alert WHERE alert=?1",
    [LS_FIND] = "SELECT id, state, last_t, severity, assignee, due FROM problem"
                " WHERE mn=?1 AND factor=?2 AND kind=?3 AND state<>'closed' ORDER BY id DESC LIMIT 1",
    [LS_SITE] = "SELECT site FROM device WHERE mn=?1",
    [LS_INSERT] = "INSERT INTO problem(kind,mn,site,factor,state,severity,first_t,last_t,alerts,opened,updated)"
                  " VALUES(?1,?2,?3,?4,'open',?5,?6,?6,1,?7,?7)",
    [LS_ATTACH] = "UPDATE problem SET state=?2, severity=?3, first_t=min(first_t,?4), last_t=max(last_t,?4),"
                  " alerts=alerts+1, updated=?5 WHERE id=?1",
    [LS_EVENT] = "INSERT INTO problem_event(problem,t,actor,action,from_state,to_state,note,assignee,due,alert)"
                 " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    [LS_LINK] = "INSERT INTO problem_alert(alert,problem) VALUES(?1,?2)",
    [LS_GET] = "SELECT state, assignee, due, last_t FROM problem WHERE id=?1",
    [LS_SET] = "UPDATE problem SET state=?2, assignee=?3, due=?4, updated=?5 WHERE id=?1",
    /* quiet: no alert AND no person's action for quiet_s — a person's reopen or assign must not be
     * undone by the next sweep (q: the later of the last alert and the last human event) */
    [LS_QUIET] = "SELECT id, state, q, assignee, due FROM (SELECT p.id, p.state, p.assignee, p.due,"
                 " max(p.last_t, coalesce((SELECT max(e.t) FROM problem_event e WHERE e.problem = p.id"
                 " AND e.actor <> 'ecobrain'), p.last_t)) AS q FROM problem p"
                 " WHERE p.state IN ('open','acknowledged','assigned','reopened')) WHERE q<=?1 ORDER BY id",
};

static sqlite3_stmt *lstmt(eco_store_t *s, int which, eco_err_t *err)
{
    if (!s->lst[which] &&
        sqlite3_prepare_v3(s->db, ledger_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &s->lst[which], NULL) != SQLITE_OK) {
        db_err(s, err, "preparing a ledger statement");
        return NULL;
    }
    sqlite3_reset(s->lst[which]);
    sqlite3_clear_bindings(s->lst[which]);
    return s->lst[which];
}

static int need_ledger(eco_store_t *s, eco_err_t *err)
{
    if (s->ledger_ok) return 0; /* asked once per handle: the writer calls this for every alert */
    int v = eco_store_schema_version(s);
    if (v < 0) return db_err(s, err, "reading the schema version");
    if (v < 4)
        return eco_err_set(err, ECO_EUNSUPPORTED,
                           "%s: schema version %d predates the problem ledger (version 4): open the store "
                           "writable once (`ecobrain ledger rebuild --data DIR`) to add it",
                           s->path, v);
    s->ledger_ok = 1;
    return 0;
}

void eco_problem_query_init(eco_problem_query_t *q)
{
    memset(q, 0, sizeof q[0]);
    q->state = -1;
}

static int tx_auto_begin(eco_store_t *s, int *began, eco_err_t *err)
{
    *began = 0;
    if (s->in_tx) return 0;
    int r = eco_store_tx_begin(s, err);
    if (r == 0) *began = 1;
    return r;
}

static int tx_auto_end(eco_store_t *s, int began, int r, eco_err_t *err)
{
    if (!began) return r;
    if (r < 0) {
        eco_store_tx_rollback(s);
        return r;
    }
    return eco_store_tx_commit(s, err);
}

typedef struct pb_ev {
    long problem;
    eco_time_t t;
    const char *by, *action, *from, *to, *note, *assignee, *due;
    long alert;
} pb_ev_t;

static int event_put(eco_store_t *s, const pb_ev_t *e, eco_err_t *err)
{
    sqlite3_stmt *st = lstmt(s, LS_EVENT, err);
    if (!st) return err ? err->code : ECO_EIO;
    sqlite3_bind_int64(st, 1, e->problem);
    sqlite3_bind_int64(st, 2, e->t);
    bind_text_or_empty(st, 3, e->by);
    bind_text_or_empty(st, 4, e->action);
    bind_text_or_empty(st, 5, e->from);
    bind_text_or_empty(st, 6, e->to);
    bind_text_or_empty(st, 7, e->note);
    bind_text_or_empty(st, 8, e->assignee);
    bind_text_or_empty(st, 9, e->due);
    if (e->alert > 0) sqlite3_bind_int64(st, 10, e->alert);
    return step_done(s, st, err, "writing the problem history");
}

static int state_of_text(const char *t)
{
    eco_pb_state_t st;
    return eco_pb_state_parse(t, &st) == 0 ? (int)st : -1;
}

/* an active problem quiet for quiet_s: resolved by ecobrain as of the moment it became quiet */
static int auto_resolve(eco_store_t *s, long id, eco_pb_state_t from, eco_time_t last_t, int64_t quiet_s,
                        const char *assignee, const char *due, eco_err_t *err)
{
    eco_time_t at = last_t + quiet_s;
    sqlite3_stmt *st = lstmt(s, LS_SET, err);
    if (!st) return err ? err->code : ECO_EIO;
    sqlite3_bind_int64(st, 1, id);
    bind_text_or_empty(st, 2, eco_pb_state_name(ECO_PB_RESOLVED));
    bind_text_or_empty(st, 3, assignee);
    bind_text_or_empty(st, 4, due);
    sqlite3_bind_int64(st, 5, at);
    int r = step_done(s, st, err, "resolving a quiet problem");
    if (r < 0) return r;
    char note[96];
    snprintf(note, sizeof note, "no alert for %lld h", (long long)(quiet_s / ECO_HOUR_S));
    if (quiet_s % ECO_HOUR_S) snprintf(note, sizeof note, "no alert for %lld s", (long long)quiet_s);
    pb_ev_t e = {id, at, "ecobrain", "auto-resolve", eco_pb_state_name(from), eco_pb_state_name(ECO_PB_RESOLVED),
                 note, assignee, due, 0};
    return event_put(s, &e, err);
}

static int problem_put_tx(eco_store_t *s, const eco_alert_t *a, int64_t quiet_s, long *problem, eco_err_t *err)
{
    sqlite3_stmt *st;
    int rc, r;
    /* already linked: nothing to do (rebuild after live linking, a replay) */
    if (!(st = lstmt(s, LS_LINKED, err))) return err ? err->code : ECO_EIO;
    sqlite3_bind_int64(st, 1, a->id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (problem) *problem = (long)sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return db_err(s, err, "looking up an alert's problem");

    eco_time_t at = a->created_ms > 0 ? eco_time_from_utc(a->created_ms / 1000) : a->t;
    char evnote[160];
    char tb[32];
    eco_time_format_full(a->t, tb, sizeof tb);
    snprintf(evnote, sizeof evnote, "alert %ld: %s (%s) at %s", a->id, a->screen ? a->screen : "",
             a->severity ? a->severity : "", tb);

    if (!(st = lstmt(s, LS_FIND, err))) return err ? err->code : ECO_EIO;
    bind_text_or_empty(st, 1, a->mn);
    bind_text_or_empty(st, 2, a->factor);
    bind_text_or_empty(st, 3, a->screen);
    rc = sqlite3_step(st);
    long id = 0;
    if (rc == SQLITE_ROW) {
        id = (long)sqlite3_column_int64(st, 0);
        int state = state_of_text(col_text(st, 1));
        eco_time_t last_t = sqlite3_column_int64(st, 2);
        char sev[32], assignee[256], due[32];
        snprintf(sev, sizeof sev, "%s", col_text(st, 3));
        snprintf(assignee, sizeof assignee, "%s", col_text(st, 4));
        snprintf(due, sizeof due, "%s", col_text(st, 5));
        sqlite3_reset(st);
        if (state < 0) return eco_err_set(err, ECO_EIO, "%s: problem %ld has an unknown state", s->path, id);
        if (eco_pb_active((eco_pb_state_t)state) && eco_pb_quiet(last_t, a->t, quiet_s)) {
            /* quiet before this alert came: resolved as of then, and this alert reopens it */
            if ((r = auto_resolve(s, id, (eco_pb_state_t)state, last_t, quiet_s, assignee, due, err)) < 0) return r;
            state = ECO_PB_RESOLVED;
            if (at < last_t + quiet_s) at = last_t + quiet_s; /* the history stays in time order */
        }
        int to = eco_pb_on_alert((eco_pb_state_t)state);
        if (to < 0) return eco_err_set(err, ECO_EIO, "%s: problem %ld is closed but was found open", s->path, id);
        if (!(st = lstmt(s, LS_ATTACH, err))) return err ? err->code : ECO_EIO;
        sqlite3_bind_int64(st, 1, id);
        bind_text_or_empty(st, 2, eco_pb_state_name(to));
        bind_text_or_empty(st, 3, eco_pb_severity_max(sev, a->severity ? a->severity : ""));
        sqlite3_bind_int64(st, 4, a->t);
        sqlite3_bind_int64(st, 5, at);
        if ((r = step_done(s, st, err, "attaching an alert to its problem")) < 0) return r;
        pb_ev_t e = {id, at, "ecobrain", "alert", eco_pb_state_name(state), eco_pb_state_name(to), evnote,
                     assignee, due, a->id};
        if ((r = event_put(s, &e, err)) < 0) return r;
    } else {
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return db_err(s, err, "looking up a problem");
        char site[256] = "";
        if (!(st = lstmt(s, LS_SITE, err))) return err ? err->code : ECO_EIO;
        bind_text_or_empty(st, 1, a->mn);
        if (sqlite3_step(st) == SQLITE_ROW) snprintf(site, sizeof site, "%s", col_text(st, 0));
        sqlite3_reset(st);
        if (!(st = lstmt(s, LS_INSERT, err))) return err ? err->code : ECO_EIO;
        bind_text_or_empty(st, 1, a->screen);
        bind_text_or_empty(st, 2, a->mn);
        bind_text_or_empty(st, 3, site);
        bind_text_or_empty(st, 4, a->factor);
        bind_text_or_empty(st, 5, a->severity);
        sqlite3_bind_int64(st, 6, a->t);
        sqlite3_bind_int64(st, 7, at);
        if ((r = step_done(s, st, err, "opening a problem")) < 0) return r;
        id = (long)sqlite3_last_insert_rowid(s->db);
        pb_ev_t e = {id, at, "ecobrain", "open", "", eco_pb_state_name(ECO_PB_OPEN), evnote, "", "", a->id};
        if ((r = event_put(s, &e, err)) < 0) return r;
    }
    if (!(st = lstmt(s, LS_LINK, err))) return err ? err->code : ECO_EIO;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int64(st, 2, id);
    if ((r = step_done(s, st, err, "linking an alert to its problem")) < 0) return r;
    if (problem) *problem = id;
    return 0;
}

int eco_store_problem_put(eco_store_t *s, const eco_alert_t *a, int64_t quiet_s, long *problem, eco_err_t *err)
{
    if (a->id <= 0) return eco_err_set(err, ECO_EINVAL, "%s: ledger: an alert without an id (store it first)", s->path);
    if (!a->mn || !*a->mn || !a->factor || !*a->factor || !a->screen || !*a->screen)
        return eco_err_set(err, ECO_EINVAL, "%s: ledger: alert %ld lacks its MN, factor or screen", s->path, a->id);
    int r = need_ledger(s, err), began;
    if (r < 0) return r;
    if ((r = tx_auto_begin(s, &began, err)) < 0) return r;
    r = problem_put_tx(s, a, quiet_s, problem, err);
    return tx_auto_end(s, began, r, err);
}

static int valid_due(const char *due, char *norm, size_t n)
{
    eco_day_t d;
    if (eco_day_parse(eco_slice_cstr(due), &d) < 0) return -1;
    eco_day_format(d, norm, n);
    return 0;
}

int eco_store_problem_transition(eco_store_t *s, long id, const eco_problem_change_t *c, eco_pb_state_t *state_out,
                                 eco_err_t *err)
{
    const char *act = eco_pb_action_name(c->action);
    if ((unsigned)c->action >= ECO_PA_NACTIONS)
        return eco_err_set(err, ECO_EINVAL, "problem %ld: unknown action %d", id, (int)c->action);
    if (!c->by || !*c->by) return eco_err_set(err, ECO_EINVAL, "problem %ld: %s: who is acting (by) is required", id, act);
    if (c->action == ECO_PA_ASSIGN && (!c->to || !*c->to))
        return eco_err_set(err, ECO_EINVAL, "problem %ld: assign: to whom (to) is required", id);
    if (c->action != ECO_PA_ASSIGN && ((c->to && *c->to) || (c->due && *c->due)))
        return eco_err_set(err, ECO_EINVAL, "problem %ld: %s: 'to' and 'due' go with assign only", id, act);
    char due[32] = "";
    if (c->due && *c->due && valid_due(c->due, due, sizeof due) < 0)
        return eco_err_set(err, ECO_EINVAL, "problem %ld: assign: due '%s' is not a date (YYYY-MM-DD)", id, c->due);
    int r = need_ledger(s, err), began;
    if (r < 0) return r;
    if ((r = tx_auto_begin(s, &began, err)) < 0) return r;
    sqlite3_stmt *st = lstmt(s, LS_GET, err);
    if (!st) return tx_auto_end(s, began, err ? err->code : ECO_EIO, err);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        r = rc == SQLITE_DONE ? eco_err_set(err, ECO_ENOENT, "problem %ld: no such problem", id)
                              : db_err(s, err, "reading a problem");
        return tx_auto_end(s, began, r, err);
    }
    int from = state_of_text(col_text(st, 0));
    char assignee[256], olddue[32];
    snprintf(assignee, sizeof assignee, "%s", col_text(st, 1));
    snprintf(olddue, sizeof olddue, "%s", col_text(st, 2));
    sqlite3_reset(st);
    int to = from < 0 ? -1 : eco_pb_next((eco_pb_state_t)from, c->action);
    if (to < 0) {
        char allowed[96];
        eco_pb_allowed(from < 0 ? ECO_PB_CLOSED : (eco_pb_state_t)from, allowed, sizeof allowed);
        r = eco_err_set(err, ECO_EINVAL, "problem %ld is %s: '%s' is not allowed (allowed: %s)", id,
                        eco_pb_state_name(from), act, allowed);
        return tx_auto_end(s, began, r, err);
    }
    if (c->action == ECO_PA_ASSIGN) {
        snprintf(assignee, sizeof assignee, "%s", c->to);
        if (due[0]) snprintf(olddue, sizeof olddue, "%s", due);
    }
    if (!(st = lstmt(s, LS_SET, err))) return tx_auto_end(s, began, err ? err->code : ECO_EIO, err);
    sqlite3_bind_int64(st, 1, id);
    bind_text_or_empty(st, 2, eco_pb_state_name(to));
    bind_text_or_empty(st, 3, assignee);
    bind_text_or_empty(st, 4, olddue);
    sqlite3_bind_int64(st, 5, c->t);
    r = step_done(s, st, err, "changing a problem");
    if (r == 0) {
        pb_ev_t e = {id, c->t, c->by, act, eco_pb_state_name(from), eco_pb_state_name(to), c->note ? c->note : "",
                     assignee, olddue, 0};
        r = event_put(s, &e, err);
    }
    if (r == 0 && state_out) *state_out = (eco_pb_state_t)to;
    return tx_auto_end(s, began, r, err);
}

static int expire_tx(eco_store_t *s, eco_time_t now, int64_t quiet_s, long *n, eco_err_t *err)
{
    /* collected first: the rows change under the scan otherwise */
    typedef struct { long id; int state; eco_time_t last_t; char assignee[256], due[32]; } q_t;
    q_t *v = NULL;
    size_t nv = 0, cap = 0;
    int r = 0, rc;
    sqlite3_stmt *st = lstmt(s, LS_QUIET, err);
    if (!st) return err ? err->code : ECO_EIO;
    sqlite3_bind_int64(st, 1, now - quiet_s);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nv == cap) {
            size_t nc = cap ? cap * 2 : 16;
            q_t *nvp = eco_realloc(v, cap * sizeof *v, nc * sizeof *v);
            if (!nvp) {
                r = eco_err_set(err, ECO_ENOMEM, "%s: out of memory resolving quiet problems", s->path);
                break;
            }
            v = nvp;
            cap = nc;
        }
        q_t *q = &v[nv++];
        q->id = (long)sqlite3_column_int64(st, 0);
        q->state = state_of_text(col_text(st, 1));
        q->last_t = sqlite3_column_int64(st, 2);
        snprintf(q->assignee, sizeof q->assignee, "%s", col_text(st, 3));
        snprintf(q->due, sizeof q->due, "%s", col_text(st, 4));
    }
    if (r == 0 && rc != SQLITE_DONE) r = db_err(s, err, "finding quiet problems");
    sqlite3_reset(st);
    for (size_t i = 0; i < nv && r == 0; i++)
        r = auto_resolve(s, v[i].id, (eco_pb_state_t)v[i].state, v[i].last_t, quiet_s, v[i].assignee, v[i].due, err);
    if (r == 0 && n) *n = (long)nv;
    eco_free(v, cap * sizeof *v);
    return r;
}

int eco_store_problem_expire(eco_store_t *s, eco_time_t now, int64_t quiet_s, long *n, eco_err_t *err)
{
    if (n) *n = 0;
    if (quiet_s <= 0) return 0;
    int r = need_ledger(s, err), began;
    if (r < 0) return r;
    if ((r = tx_auto_begin(s, &began, err)) < 0) return r;
    r = expire_tx(s, now, quiet_s, n, err);
    return tx_auto_end(s, began, r, err);
}

int eco_store_problem_rebuild(eco_store_t *s, int64_t quiet_s, eco_time_t now, long *linked, eco_err_t *err)
{
    if (linked) *linked = 0;
    int r = need_ledger(s, err), began;
    if (r < 0) return r;
    if ((r = tx_auto_begin(s, &began, err)) < 0) return r;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT a.id, a.screen, a.severity, a.mn, a.factor, a.gran, a.t, a.evidence, a.created_ms"
                           " FROM alert a WHERE NOT EXISTS (SELECT 1 FROM problem_alert pa WHERE pa.alert = a.id)"
                           " AND (a.t > ?1 OR (a.t = ?1 AND a.id > ?2)) ORDER BY a.t, a.id LIMIT 256",
                           -1, &st, NULL) != SQLITE_OK)
        return tx_auto_end(s, began, db_err(s, err, "preparing the ledger rebuild"), err);
    /* in pages, each copied out before it is put: the scan must not see its own inserts */
    typedef struct { long id; int gran; eco_time_t t; int64_t created_ms; char screen[128], sev[16], mn[128], factor[64]; } row_t;
    row_t *page = eco_malloc(256 * sizeof *page);
    if (!page) r = eco_err_set(err, ECO_ENOMEM, "%s: out of memory rebuilding the ledger", s->path);
    eco_time_t kt = INT64_MIN;
    long kid = 0;
    while (r == 0) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, kt);
        sqlite3_bind_int64(st, 2, kid);
        int n = 0, rc = SQLITE_DONE;
        while (n < 256 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            row_t *w = &page[n++];
            w->id = (long)sqlite3_column_int64(st, 0);
            snprintf(w->screen, sizeof w->screen, "%s", col_text(st, 1));
            snprintf(w->sev, sizeof w->sev, "%s", col_text(st, 2));
            snprintf(w->mn, sizeof w->mn, "%s", col_text(st, 3));
            snprintf(w->factor, sizeof w->factor, "%s", col_text(st, 4));
            w->gran = sqlite3_column_int(st, 5);
            w->t = sqlite3_column_int64(st, 6);
            w->created_ms = sqlite3_column_int64(st, 8);
        }
        if (n < 256 && rc != SQLITE_DONE) {
            r = db_err(s, err, "reading alerts for the ledger");
            break;
        }
        sqlite3_reset(st);
        if (n == 0) break;
        for (int i = 0; i < n && r == 0; i++) {
            eco_alert_t a = {page[i].screen, page[i].sev, page[i].mn, page[i].factor, (eco_gran_t)page[i].gran,
                             page[i].t, "", page[i].created_ms, NULL, page[i].id};
            r = problem_put_tx(s, &a, quiet_s, NULL, err);
            if (r == 0 && linked) (*linked)++;
        }
        kt = page[n - 1].t;
        kid = page[n - 1].id;
    }
    sqlite3_finalize(st);
    eco_free(page, 256 * sizeof *page);
    if (r == 0) r = quiet_s > 0 ? expire_tx(s, now, quiet_s, NULL, err) : 0;
    return tx_auto_end(s, began, r, err);
}

int eco_store_problem_each(eco_store_t *s, const eco_problem_query_t *q, eco_problem_cb cb, void *ud, eco_err_t *err)
{
    int r = need_ledger(s, err);
    if (r < 0) return r;
    sqlite3_stmt *st;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, kind, mn, site, factor, state, severity, assignee, due, first_t, last_t, alerts,"
             " opened, updated FROM problem WHERE (?1 = 0 OR id = ?1) AND (?2 IS NULL OR state = ?2)"
             " AND (?3 IS NULL OR site = ?3) AND (?4 IS NULL OR mn = ?4)"
             " AND (?6 IS NULL OR (due <> '' AND due < ?6 AND state IN ('open','acknowledged','assigned','reopened')))"
             " ORDER BY id %s LIMIT ?5",
             q->oldest_first ? "ASC" : "DESC");
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing the problem list");
    sqlite3_bind_int64(st, 1, q->id);
    if (q->state >= 0) sqlite3_bind_text(st, 2, eco_pb_state_name(q->state), -1, SQLITE_STATIC);
    if (q->site) sqlite3_bind_text(st, 3, q->site, -1, SQLITE_STATIC);
    if (q->mn) sqlite3_bind_text(st, 4, q->mn, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, q->limit > 0 ? q->limit : -1);
    if (q->due_before) sqlite3_bind_text(st, 6, q->due_before, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_problem_t p;
        p.id = (long)sqlite3_column_int64(st, 0);
        p.kind = col_text(st, 1);
        p.mn = col_text(st, 2);
        p.site = col_text(st, 3);
        p.factor = col_text(st, 4);
        int state = state_of_text(col_text(st, 5));
        p.state = state < 0 ? ECO_PB_OPEN : (eco_pb_state_t)state;
        p.severity = col_text(st, 6);
        p.assignee = col_text(st, 7);
        p.due = col_text(st, 8);
        p.first_t = sqlite3_column_int64(st, 9);
        p.last_t = sqlite3_column_int64(st, 10);
        p.alerts = (long)sqlite3_column_int64(st, 11);
        p.opened = sqlite3_column_int64(st, 12);
        p.updated = sqlite3_column_int64(st, 13);
        if (cb(ud, &p)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "listing problems");
    sqlite3_finalize(st);
    return r;
}

int eco_store_problem_history(eco_store_t *s, long id, eco_problem_event_cb cb, void *ud, eco_err_t *err)
{
    int r = need_ledger(s, err);
    if (r < 0) return r;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, problem, t, actor, action, from_state, to_state, note, assignee, due,"
                           " coalesce(alert, 0) FROM problem_event WHERE (?1 = 0 OR problem = ?1) ORDER BY problem, id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing the problem history");
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_problem_event_t e = {(long)sqlite3_column_int64(st, 0), (long)sqlite3_column_int64(st, 1),
                                 sqlite3_column_int64(st, 2), col_text(st, 3), col_text(st, 4), col_text(st, 5),
                                 col_text(st, 6), col_text(st, 7), col_text(st, 8), col_text(st, 9),
                                 (long)sqlite3_column_int64(st, 10)};
        if (cb(ud, &e)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "reading the problem history");
    sqlite3_finalize(st);
    return r;
}

int eco_store_problem_alerts(eco_store_t *s, long id, eco_alert_cb cb, void *ud, eco_err_t *err)
{
    int r = need_ledger(s, err);
    if (r < 0) return r;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT a.id, a.screen, a.severity, a.mn, a.factor, a.gran, a.t, a.evidence, a.created_ms,"
                           " coalesce(d.site, '') FROM problem_alert pa JOIN alert a ON a.id = pa.alert"
                           " LEFT JOIN device d ON d.mn = a.mn WHERE pa.problem = ?1 ORDER BY a.t, a.id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing a problem's alerts");
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_alert_t a = {col_text(st, 1), col_text(st, 2), col_text(st, 3), col_text(st, 4),
                         (eco_gran_t)sqlite3_column_int(st, 5), sqlite3_column_int64(st, 6), col_text(st, 7),
                         sqlite3_column_int64(st, 8), col_text(st, 9), (long)sqlite3_column_int64(st, 0)};
        if (cb(ud, &a)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "reading a problem's alerts");
    sqlite3_finalize(st);
    return r;
}

/* ------------------------------------------------------------------ queries */

static void row_from(sqlite3_stmt *st, eco_obs_row_t *row)
{
    memset(row, 0, sizeof *row);
    row->mn = col_text(st, 0);
    row->site = col_text(st, 1);
    row->factor = col_text(st, 2);
    row->gran = (eco_gran_t)sqlite3_column_int(st, 3);
    row->t = sqlite3_column_int64(st, 4);
    row->value = sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 5);
    row->vtext = col_text(st, 6);
    row->flag = col_text(st, 7);
    if (sqlite3_column_count(st) < 12) { /* a lean query */
        row->fields = row->notes = "";
        return;
    }
    row->fields = col_text(st, 8);
    row->notes = col_text(st, 9);
    row->received_ms = sqlite3_column_int64(st, 10);
    row->revisions = sqlite3_column_int(st, 11);
}

/* Reads of both tiers in one snapshot: a move's commit between the read of obs and the read of
 * recent would show a value twice or not at all. 1 when a read transaction was begun here. */
static int read_begin(eco_store_t *s)
{
    if (!s->has_recent || s->in_tx || !sqlite3_get_autocommit(s->db)) return 0;
    return sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void read_end(eco_store_t *s, int began)
{
    if (began) sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

/* whether the recent tier holds any row, in the read's snapshot: with the tier off (or drained) a
 * read skips its second statement per series */
static int recent_rows(eco_store_t *s)
{
    if (!s->has_recent) return 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM recent LIMIT 1", -1, &q, NULL) != SQLITE_OK) return 1;
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc != SQLITE_DONE; /* a row, or an error: read both */
}

/* BINARY collation: bytes, then length */
static int cmp_text(sqlite3_stmt *a, sqlite3_stmt *b, int col)
{
    const unsigned char *x = sqlite3_column_text(a, col), *y = sqlite3_column_text(b, col);
    int nx = sqlite3_column_bytes(a, col), ny = sqlite3_column_bytes(b, col);
    int c = memcmp(x ? (const void *)x : "", y ? (const void *)y : "", (size_t)(nx < ny ? nx : ny));
    return c ? c : (nx > ny) - (nx < ny);
}

static int cmp_int(sqlite3_stmt *a, sqlite3_stmt *b, int col)
{
    int64_t x = sqlite3_column_int64(a, col), y = sqlite3_column_int64(b, col);
    return (x > y) - (x < y);
}

/* the two rows in the query's order: (mn, factor, gran, t) or, time-major, (mn, gran, t, factor) */
static int cmp_rows(sqlite3_stmt *a, sqlite3_stmt *b, int time_major)
{
    int c = cmp_text(a, b, 0);
    if (c) return c;
    if (time_major) {
        if ((c = cmp_int(a, b, 3)) || (c = cmp_int(a, b, 4))) return c;
        return cmp_text(a, b, 2);
    }
    if ((c = cmp_text(a, b, 2)) || (c = cmp_int(a, b, 3))) return c;
    return cmp_int(a, b, 4);
}

int eco_store_obs_query(eco_store_t *s, const eco_obs_query_t *q, eco_obs_cb cb, void *ud, eco_err_t *err)
{
    /* only the conditions asked for: "(?1 IS NULL OR d.mn = ?1)" would keep SQLite from using
     * the device, series and (series, gran, t) keys, and a month of one series would scan them all.
     * The granularity is written as a number so that the recent tier's partial index on the hour
     * and day rows can serve it. Both tiers are read in the same order and merged. */
    char gran[64] = "";
    if (q->gran >= 0) /* "gran >= 2" spelled out: SQLite does not infer it from "gran = 2" */
        snprintf(gran, sizeof gran, " AND o.gran = %d%s", q->gran, q->gran >= 2 ? " AND o.gran >= 2" : "");
    sqlite3_stmt *st[2] = {NULL, NULL};
    int began = read_begin(s);
    int nt = recent_rows(s) ? 2 : 1;
    /* The minute and real-time rows of recent have no index on disk: they are scanned, recent as
     * the outer loop (CROSS JOIN keeps SQLite from building a transient index over the whole table
     * for every read, ten times slower) with the series asked for resolved once (IN) — about
     * 0.12 s per million recent rows. Hour and day rows go through the partial index. */
    int scan = q->gran < 2;
    char ids[300] = "";
    if (scan && (q->site || q->mn || q->factor))
        snprintf(ids, sizeof ids,
                 " AND o.series IN (SELECT s2.id FROM series s2 JOIN device d2 ON d2.id = s2.device WHERE 1%s%s%s)",
                 q->site ? " AND d2.site = ?1" : "", q->mn ? " AND d2.mn = ?2" : "", q->factor ? " AND s2.factor = ?3" : "");
    for (int k = 0; k < nt; k++) {
        char full[1700];
        int n = snprintf(full, sizeof full,
                         "SELECT d.mn, d.site, s.factor, o.gran, o.t, o.value, o.vtext, o.flag%s"
                         " FROM %s series s ON s.id = o.series %s device d ON d.id = s.device"
                         " WHERE o.t BETWEEN ?5 AND ?6%s%s%s%s%s%s%s ORDER BY %s",
                         q->lean ? "" : ", o.fields, o.notes, o.received_ms, o.rev",
                         !k ? "obs o JOIN" : scan ? "recent o CROSS JOIN recent_moved m CROSS JOIN" : "recent o JOIN recent_moved m JOIN",
                         k && scan ? "CROSS JOIN" : "JOIN",
                         k ? " AND NOT (o.id <= m.upto AND (o.series, o.gran, o.t) <= (m.series, m.gran, m.t))" : "",
                         k ? ids : "",
                         q->site ? " AND d.site = ?1" : "", q->mn ? " AND d.mn = ?2" : "",
                         q->factor ? " AND s.factor = ?3" : "", gran,
                         q->after_mn ? " AND (d.mn, o.t, s.factor) > (?7, ?8, ?9)" : "",
                         q->time_major ? "d.mn, o.gran, o.t, s.factor" : "d.mn, s.factor, o.gran, o.t");
        if (n < 0 || (size_t)n >= sizeof full) {
            sqlite3_finalize(st[0]);
            read_end(s, began);
            return eco_err_set(err, ECO_EINVAL, "store: query too long");
        }
        if (sqlite3_prepare_v2(s->db, full, -1, &st[k], NULL) != SQLITE_OK) {
            int r = db_err(s, err, "preparing the export");
            sqlite3_finalize(st[0]);
            read_end(s, began);
            return r;
        }
        if (q->site) sqlite3_bind_text(st[k], 1, q->site, -1, SQLITE_STATIC);
        if (q->mn) sqlite3_bind_text(st[k], 2, q->mn, -1, SQLITE_STATIC);
        if (q->factor) sqlite3_bind_text(st[k], 3, q->factor, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st[k], 5, q->from);
        sqlite3_bind_int64(st[k], 6, q->to);
        if (q->after_mn) {
            sqlite3_bind_text(st[k], 7, q->after_mn, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st[k], 8, q->after_t);
            sqlite3_bind_text(st[k], 9, q->after_factor ? q->after_factor : "", -1, SQLITE_STATIC);
        }
    }
    int rc[2] = {sqlite3_step(st[0]), nt > 1 ? sqlite3_step(st[1]) : SQLITE_DONE}, r = 0;
    eco_obs_row_t row;
    while (rc[0] == SQLITE_ROW || rc[1] == SQLITE_ROW) {
        int k = rc[1] != SQLITE_ROW ? 0 : rc[0] != SQLITE_ROW ? 1 : cmp_rows(st[0], st[1], q->time_major) <= 0 ? 0 : 1;
        row_from(st[k], &row);
        if (cb(ud, &row)) break;
        rc[k] = sqlite3_step(st[k]);
    }
    for (int k = 0; k < nt; k++)
        if (!r && rc[k] != SQLITE_ROW && rc[k] != SQLITE_DONE) r = db_err(s, err, "reading stored values");
    sqlite3_finalize(st[0]);
    sqlite3_finalize(st[1]);
    read_end(s, began);
    return r;
}

int eco_store_obs_history(eco_store_t *s, const char *mn, const char *factor, eco_gran_t g, eco_time_t t,
                          eco_obs_cb cb, void *ud, eco_err_t *err)
{
    const char *sql = "SELECT d.mn, d.site, s.factor, r.gran, r.t, r.value, r.vtext, r.flag, r.fields, r.notes,"
                      " r.received_ms, r.replaced_ms"
                      " FROM revision r JOIN series s ON s.id = r.series JOIN device d ON d.id = s.device"
                      " WHERE d.mn = ?1 AND s.factor = ?2 AND r.gran = ?3 AND r.t = ?4 ORDER BY r.id";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return db_err(s, err, "preparing history");
    sqlite3_bind_text(st, 1, mn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, factor, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, (int)g);
    sqlite3_bind_int64(st, 4, t);
    int rc, r = 0, i = 0;
    eco_obs_row_t row;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row_from(st, &row);
        row.revisions = i++;
        if (cb(ud, &row)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "reading history");
    sqlite3_finalize(st);
    return r;
}

int eco_store_latest(const eco_store_t *s, const char *mn, const char *factor, eco_gran_t g, eco_latest_t *out)
{
    char key[512];
    size_t kl = series_key(key, sizeof key, mn, factor);
    if (!kl || (unsigned)g >= ECO_GRAN_N) return 0;
    int32_t id = eco_map_get(&s->series_map, (eco_slice_t){key, kl});
    if (id < 0 || !(s->series[id].has_latest & (1u << g))) return 0;
    *out = s->series[id].latest[g];
    return 1;
}

int eco_store_latest_each(const eco_store_t *s, eco_latest_cb cb, void *ud)
{
    char mn[256];
    uint32_t n = eco_map_size(&s->series_map);
    for (uint32_t i = 0; i < n; i++) {
        const series_info_t *si = &s->series[i];
        if (!si->has_latest) continue;
        const char *key = eco_map_key(&s->series_map, i);
        const char *sep = strchr(key, '\x1f');
        if (!sep || (size_t)(sep - key) >= sizeof mn) continue;
        memcpy(mn, key, (size_t)(sep - key));
        mn[sep - key] = 0;
        for (int g = 0; g < ECO_GRAN_N; g++)
            if ((si->has_latest & (1u << g)) && cb(ud, mn, sep + 1, (eco_gran_t)g, &si->latest[g])) return 1;
    }
    return 0;
}

int eco_store_completeness(eco_store_t *s, const char *mn, eco_day_t from, eco_day_t to, eco_completeness_cb cb,
                           void *ud, eco_err_t *err)
{
    /* both tiers: a time counts once however many of its values are in either */
    const char *sql = s->has_recent
                          ? "SELECT d.mn, o.gran, o.t / 86400 AS day, count(DISTINCT o.t)"
                            " FROM (SELECT series, gran, t FROM obs WHERE t BETWEEN ?2 AND ?3 UNION ALL"
                            " SELECT r.series, r.gran, r.t FROM recent r, recent_moved m WHERE r.t BETWEEN ?2 AND ?3"
                            " AND" RECENT_VISIBLE ") o JOIN series s ON s.id = o.series"
                            " JOIN device d ON d.id = s.device WHERE (?1 IS NULL OR d.mn = ?1)"
                            " GROUP BY d.mn, o.gran, day ORDER BY d.mn, o.gran, day"
                          : "SELECT d.mn, o.gran, o.t / 86400 AS day, count(DISTINCT o.t)"
                            " FROM obs o JOIN series s ON s.id = o.series JOIN device d ON d.id = s.device"
                            " WHERE (?1 IS NULL OR d.mn = ?1) AND o.t BETWEEN ?2 AND ?3"
                            " GROUP BY d.mn, o.gran, day ORDER BY d.mn, o.gran, day";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(s, err, "preparing completeness");
    if (mn) sqlite3_bind_text(st, 1, mn, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, eco_time_from_day(from));
    sqlite3_bind_int64(st, 3, eco_time_from_day(to) + ECO_DAY_S - 1);
    static const int expected[ECO_GRAN_N] = {0, 1440, 24, 1};
    int rc, r = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        eco_completeness_row_t row;
        row.mn = col_text(st, 0);
        row.gran = (eco_gran_t)sqlite3_column_int(st, 1);
        row.day = (eco_day_t)sqlite3_column_int64(st, 2);
        row.records = sqlite3_column_int(st, 3);
        row.expected = (unsigned)row.gran < ECO_GRAN_N ? expected[row.gran] : 0;
        if (cb(ud, &row)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) r = db_err(s, err, "computing completeness");
    sqlite3_finalize(st);
    return r;
}

/* ---- targets/rankings reads */

static int series_id_of(eco_store_t *s, sqlite3_stmt *q, const char *mn, const char *factor, int64_t *id)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, mn, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, factor, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        return 1;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

#define SERIES_ID_SQL "SELECT s.id FROM series s JOIN device d ON d.id = s.device WHERE d.mn = ?1 AND s.factor = ?2"

/* the hour rows of one series in recent, through the partial index (whose "gran >= 2" the query
 * must state: SQLite would otherwise build a transient index over the whole table every time) */
#define RECENT_HOURS                                                                                          \
    " FROM recent r, recent_moved m WHERE r.series = ?1 AND r.gran = 2 AND r.gran >= 2 AND r.t BETWEEN ?2 AND ?3"  \
    " AND" RECENT_VISIBLE

int eco_store_hour_values(eco_store_t *s, const char *const *mn, const char *const *factor, size_t n, eco_time_t from,
                          eco_time_t to, eco_hour_value_cb cb, void *ud, eco_err_t *err)
{
    /* per series, its obs rows and its recent rows (the partial index on the hour rows) merged by time */
    sqlite3_stmt *qid = NULL, *qv[2] = {NULL, NULL};
    int began = read_begin(s);
    int nt = recent_rows(s) ? 2 : 1;
    if (sqlite3_prepare_v2(s->db, SERIES_ID_SQL, -1, &qid, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT t, vtext, flag FROM obs WHERE series = ?1 AND gran = 2 AND t BETWEEN ?2 AND ?3"
                           " ORDER BY t",
                           -1, &qv[0], NULL) != SQLITE_OK ||
        (nt > 1 && sqlite3_prepare_v2(s->db, "SELECT r.t, r.vtext, r.flag" RECENT_HOURS " ORDER BY r.t", -1, &qv[1],
                                      NULL) != SQLITE_OK)) {
        int r = db_err(s, err, "preparing the hour read");
        sqlite3_finalize(qid);
        sqlite3_finalize(qv[0]);
        read_end(s, began);
        return r;
    }
    int r = 0;
    for (size_t k = 0; k < n && !r; k++) {
        int64_t id;
        int f = series_id_of(s, qid, mn[k], factor[k], &id);
        if (f < 0) {
            r = db_err(s, err, "finding a series");
            break;
        }
        if (!f) continue;
        int rc[2] = {SQLITE_DONE, SQLITE_DONE};
        for (int i = 0; i < nt; i++) {
            sqlite3_reset(qv[i]);
            sqlite3_bind_int64(qv[i], 1, id);
            sqlite3_bind_int64(qv[i], 2, from);
            sqlite3_bind_int64(qv[i], 3, to);
            rc[i] = sqlite3_step(qv[i]);
        }
        while (rc[0] == SQLITE_ROW || rc[1] == SQLITE_ROW) {
            int i = rc[1] != SQLITE_ROW                                                   ? 0
                    : rc[0] != SQLITE_ROW                                                 ? 1
                    : sqlite3_column_int64(qv[0], 0) <= sqlite3_column_int64(qv[1], 0) ? 0
                                                                                          : 1;
            const char *vt = (const char *)sqlite3_column_text(qv[i], 1);
            size_t vl = (size_t)sqlite3_column_bytes(qv[i], 1);
            const char *fl = (const char *)sqlite3_column_text(qv[i], 2);
            if ((r = cb(ud, k, sqlite3_column_int64(qv[i], 0), vt ? vt : "", vl, fl ? fl : "")) != 0) break;
            rc[i] = sqlite3_step(qv[i]);
        }
        for (int i = 0; i < nt && !r; i++)
            if (rc[i] != SQLITE_DONE && rc[i] != SQLITE_ROW) r = db_err(s, err, "reading hour values");
    }
    sqlite3_finalize(qid);
    sqlite3_finalize(qv[0]);
    sqlite3_finalize(qv[1]);
    read_end(s, began);
    return r;
}

int eco_store_hour_span(eco_store_t *s, const char *const *mn, const char *const *factor, size_t n, eco_time_t from,
                        eco_time_t to, eco_time_t *first, eco_time_t *last, eco_err_t *err)
{
    *first = INT64_MAX;
    *last = INT64_MIN;
    sqlite3_stmt *qid = NULL, *q[4] = {NULL, NULL, NULL, NULL};
    static const char *const sql[4] = {
        "SELECT t FROM obs WHERE series = ?1 AND gran = 2 AND t BETWEEN ?2 AND ?3 ORDER BY t LIMIT 1",
        "SELECT t FROM obs WHERE series = ?1 AND gran = 2 AND t BETWEEN ?2 AND ?3 ORDER BY t DESC LIMIT 1",
        "SELECT r.t" RECENT_HOURS " ORDER BY r.t LIMIT 1",
        "SELECT r.t" RECENT_HOURS " ORDER BY r.t DESC LIMIT 1"};
    int began = read_begin(s);
    int r = 0, nq = recent_rows(s) ? 4 : 2;
    if (sqlite3_prepare_v2(s->db, SERIES_ID_SQL, -1, &qid, NULL) != SQLITE_OK) r = db_err(s, err, "preparing the hour span");
    for (int e = 0; e < nq && !r; e++)
        if (sqlite3_prepare_v2(s->db, sql[e], -1, &q[e], NULL) != SQLITE_OK) r = db_err(s, err, "preparing the hour span");
    for (size_t k = 0; k < n && !r; k++) {
        int64_t id;
        int f = series_id_of(s, qid, mn[k], factor[k], &id);
        if (f < 0) r = db_err(s, err, "finding a series");
        if (f <= 0) continue;
        for (int e = 0; e < nq && !r; e++) {
            sqlite3_reset(q[e]);
            sqlite3_bind_int64(q[e], 1, id);
            sqlite3_bind_int64(q[e], 2, from);
            sqlite3_bind_int64(q[e], 3, to);
            int rc = sqlite3_step(q[e]);
            if (rc == SQLITE_ROW) {
                eco_time_t t = sqlite3_column_int64(q[e], 0);
                if (t < *first) *first = t;
                if (t > *last) *last = t;
            } else if (rc != SQLITE_DONE) {
                r = db_err(s, err, "reading the hour span");
            }
            sqlite3_reset(q[e]);
        }
    }
    sqlite3_finalize(qid);
    for (int e = 0; e < 4; e++) sqlite3_finalize(q[e]);
    read_end(s, began);
    return r;
}
