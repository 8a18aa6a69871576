/* gaps.h — which records of a device are missing, and when to ask for them again.
 *
 * Why a module of its own: the rule is pure bookkeeping over DataTimes and is
 * where the subtle cases live (a late record filling the middle of a gap, a
 * device whose minute data come every 10 minutes, a device back after a
 * month off), so it is a pure function set, unit-tested apart from sockets.
 * The server feeds every stored record time in (eco_gaps_record) and asks,
 * once a second, which gap is due for a history request (eco_gaps_due).
 *
 * A gap is noticed when a record arrives later than one step after the
 * latest seen: [latest + step, t - step] is missing. Hour and day records
 * have fixed steps (3600 s, 86400 s); minute records use the interval the
 * device shows (the smallest positive difference seen, 60..3600 s), since
 * HJ 212 lets the minute interval be configured (CN 1063/1064). A record
 * inside a gap shrinks or splits it. Gaps are requested after a grace period
 * (devices often back-fill on their own after a reconnection), retried, and
 * abandoned after a number of tries. Requests are chunked so that one asks
 * for a bounded number of records.
 */
#ifndef ECO_INGEST_GAPS_H
#define ECO_INGEST_GAPS_H

#include <stdint.h>

#include "core/time.h"

#define ECO_GAPS_MAX 8

typedef struct eco_gap {
    eco_time_t begin, end;    /* first and last missing record time, inclusive */
    int tries;
    int64_t next_ms;          /* not before (caller's clock, ms) */
} eco_gap_t;

typedef struct eco_gaps {
    eco_time_t last;          /* latest record time seen (0 = none) */
    int step;                 /* seconds between records (0 = not known yet) */
    int fixed;                /* step is fixed (hour, day), not learnt */
    eco_gap_t g[ECO_GAPS_MAX];
    int n;
    uint64_t found, filled, abandoned, untracked;
} eco_gaps_t;

typedef struct eco_gaps_policy {
    int64_t grace_ms;         /* first request this long after the gap was noticed (default 300 s) */
    int64_t retry_ms;         /* then every (default 600 s) */
    int max_tries;            /* then abandon (default 3) */
    int max_records;          /* records asked for in one request (default 240) */
} eco_gaps_policy_t;

void eco_gaps_policy_default(eco_gaps_policy_t *p);
/** step_s > 0: fixed step (hour 3600, day 86400); 0: learn it (minute data). */
void eco_gaps_init(eco_gaps_t *s, int step_s);
/** A record at t was stored. now_ms = caller's clock, for the grace period. */
void eco_gaps_record(eco_gaps_t *s, eco_time_t t, int64_t now_ms, const eco_gaps_policy_t *p);
/** The oldest gap due for a request at now_ms: 1 with *begin and *end (chunked to
 *  max_records) and the gap's tries counted, 0 when none is due. Gaps past
 *  max_tries are dropped (counted as abandoned). */
int eco_gaps_due(eco_gaps_t *s, int64_t now_ms, const eco_gaps_policy_t *p, eco_time_t *begin, eco_time_t *end);

#endif
