/* live.h — what the platform knows right now, shared between the threads that
 * write it (the ingest writer) and the threads that show it (HTTP, SSE).
 *
 * Why its own module: the store's latest-value cache belongs to the writer
 * thread and to one SQLite connection; the HTTP face must answer "the latest
 * value of every series" thousands of times a second without touching disk or
 * taking the writer's lock for long. So the writer publishes each committed
 * batch here — only after its commit returned, so nothing shown is ever rolled
 * back — and readers take a read lock. Beside the table sits a ring of events
 * (new hour values, alerts, AQI changes) with sequence numbers that SSE
 * clients follow; a client that falls behind the ring is told so ("lagged")
 * rather than slowing the writer: back-pressure never reaches ingestion.
 *
 * Memory is fixed at creation (slots × slot size for the ring); the table
 * grows with the number of series (one entry per device × factor).
 */
#ifndef ECO_LIVE_H
#define ECO_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/time.h"

typedef struct eco_live eco_live_t;

/* One latest value. */
typedef struct eco_live_val {
    eco_time_t t;
    double value;            /* NAN when the record had none */
    char flag[4];
    int64_t received_ms;
} eco_live_val_t;

#define ECO_LIVE_NGRAN 4     /* realtime, minute, hour, day (eco_gran_t) */

/* A series as iterated: strings valid during the callback only. */
typedef struct eco_live_row {
    const char *mn, *factor;
    const char *site;        /* "" when not known (eco_live_site_put) */
    const eco_live_val_t *val[ECO_LIVE_NGRAN]; /* NULL when the series has no value at that granularity */
} eco_live_row_t;

typedef int (*eco_live_cb)(void *ud, const eco_live_row_t *row); /* non-zero stops */

/* A device's health as the ingest loop sees it (counters since the server started). */
typedef struct eco_live_dev {
    uint64_t frames_ok;      /* accepted (authenticated, parsed) */
    uint64_t frames_bad;     /* broken on its connection (framing, CRC, syntax) */
    uint64_t refused;        /* wrong password */
    uint64_t dropped;        /* over its rate, or without a DataTime: not stored, not acknowledged */
    int64_t last_seen_ms;    /* unix ms of its last good frame, 0 = not since the start */
    int connected;
} eco_live_dev_t;

/* Event types carried by the ring. */
typedef enum {
    ECO_LIVE_EV_VALUE = 0,   /* hour or day value, new or revised */
    ECO_LIVE_EV_VALUE_FINE,  /* minute or real-time value (only for clients that ask) */
    ECO_LIVE_EV_AQI,
    ECO_LIVE_EV_ALERT,
    ECO_LIVE_EV_N
} eco_live_ev_t;
const char *eco_live_ev_name(eco_live_ev_t t); /* "value", "value", "aqi", "alert" */

/* Counters the ingest loop publishes for /metrics (a copy, see ingest.h). */
typedef struct eco_live_counters {
    uint64_t conns_open, conns_accepted, frames_ok, frames_bad, auth_refused;
    uint64_t values_new, values_same, values_revised, values_failed, commits, commit_errors, alerts;
    uint64_t commit_ms_p50, commit_ms_p99, commit_ms_max, ack_ms_p50, ack_ms_p99;
    uint64_t gaps_found, gaps_filled;
    uint64_t events_dropped;  /* filled by eco_live_get_counters: events longer than a ring slot */
} eco_live_counters_t;

/** ring_slots events of at most slot_bytes each (0, 0 = 16384 × 2048). NULL on OOM. */
eco_live_t *eco_live_new(size_t ring_slots, size_t slot_bytes);
void eco_live_free(eco_live_t *l);

/* ---- writer side (one thread) */
/** Take the table's write lock for a batch of puts. */
void eco_live_write_begin(eco_live_t *l);
/** Set a value if it is not older than the one held; 1 if it changed the
 *  table, 0 if older/same, ECO_ENOMEM. Only between write_begin/end. */
int eco_live_put(eco_live_t *l, const char *mn, const char *factor, int gran, const eco_live_val_t *v);
void eco_live_write_end(eco_live_t *l);
/** The site of a device, as the catalogue says (the HTTP face keeps it
 *  current); only between write_begin/end. 0 or ECO_ENOMEM. */
int eco_live_site_put(eco_live_t *l, const char *mn, const char *site);
/** The site of a device ("" when unknown); valid until write_end. Only
 *  between write_begin/end (the writer's events carry it). */
const char *eco_live_site_of(eco_live_t *l, const char *mn);
/** A device's health; only between write_begin/end. 0 or ECO_ENOMEM. */
int eco_live_dev_put(eco_live_t *l, const char *mn, const eco_live_dev_t *d);
/** Its health as last published; 1 found, 0 not (any thread). */
int eco_live_dev_get(eco_live_t *l, const char *mn, eco_live_dev_t *out);
/** Clients that want minute/real-time value events: the writer formats
 *  them only while some do (they are most of the traffic). */
void eco_live_fine_add(eco_live_t *l, int delta);
int eco_live_fine_wanted(eco_live_t *l);
/** Append an event (JSON object text); returns its sequence number (≥ 1).
 *  Longer than a slot: the text is not queued and 0 is returned. Waiters are
 *  woken by eco_live_notify (once per batch, not per event). */
uint64_t eco_live_event(eco_live_t *l, eco_live_ev_t type, const char *json, size_t n);
void eco_live_notify(eco_live_t *l);
void eco_live_set_counters(eco_live_t *l, const eco_live_counters_t *c);
/** Wake every waiter and make eco_live_wait return ECO_ECANCELED from now on. */
void eco_live_close(eco_live_t *l);

/* ---- reader side (any thread) */
/** Iterate the table under the read lock (keep the callback short). */
int eco_live_each(eco_live_t *l, eco_live_cb cb, void *ud);
/** One series' value at a granularity; 1 found, 0 not. */
int eco_live_get(eco_live_t *l, const char *mn, const char *factor, int gran, eco_live_val_t *out);
/** Changes so far: grows with every put that changed the table. */
uint64_t eco_live_version(eco_live_t *l);
uint64_t eco_live_series(eco_live_t *l);
void eco_live_get_counters(eco_live_t *l, eco_live_counters_t *c);
/** Sequence number of the newest event (0 = none yet). */
uint64_t eco_live_head(eco_live_t *l);
/** Wait up to timeout_ms for an event after `after`. 1 there is one, 0 timed
 *  out, ECO_ECANCELED closed. */
int eco_live_wait(eco_live_t *l, uint64_t after, int timeout_ms);
/** Copy event `seq` into buf (NUL-terminated); its type in *type and length in
 *  *len. 0 ok, ECO_ENOENT when it is no longer (or not yet) in the ring —
 *  the reader lagged — and ECO_ERANGE when buf is too small. */
int eco_live_read(eco_live_t *l, uint64_t seq, eco_live_ev_t *type, char *buf, size_t bufn, size_t *len);
/** Oldest sequence number still in the ring (head + 1 when empty). */
uint64_t eco_live_tail(eco_live_t *l);

#endif
