/* ledger.h — the problem ledger's rules (问题台账): states, actions, grouping, hysteresis.
 *
 * Why a pure module: the store applies these rules inside its transactions
 * (store_sqlite.c), the CLI and the API name them in their messages, and the
 * tests check them without a database. Nothing here does I/O.
 *
 * A problem groups the alerts of one key — (device MN, factor, kind) where the
 * kind is the screen that fired ("spike", "flat", ...) — while it is not
 * closed. Its life (the whole table: next[] in ledger.c, docs/alerts.md):
 *
 *     open --ack--> acknowledged --assign--> assigned --resolve--> resolved --close--> closed
 *     (assign and resolve also straight from open, resolve from acknowledged, assign again
 *      from assigned to hand it over)
 *     resolved --reopen, or a new alert of its key--> reopened --ack|assign|resolve--> ...
 *
 * Active states (open, acknowledged, assigned, reopened) take new alerts as
 * they are; a resolved problem that gets one is reopened; closed is final (a
 * new alert of the key opens a new problem). An active problem with no alert
 * for `quiet_s` (hysteresis, default 24 h) is resolved by ecobrain itself.
 */
#ifndef ECO_BRAIN_LEDGER_H
#define ECO_BRAIN_LEDGER_H

#include <stdint.h>

#include "core/time.h"

typedef enum {
    ECO_PB_OPEN = 0,
    ECO_PB_ACKNOWLEDGED,
    ECO_PB_ASSIGNED,
    ECO_PB_RESOLVED,
    ECO_PB_CLOSED,
    ECO_PB_REOPENED,
    ECO_PB_NSTATES
} eco_pb_state_t;

/* What a person (or ecobrain) does to a problem. */
typedef enum {
    ECO_PA_ACK = 0,
    ECO_PA_ASSIGN,
    ECO_PA_RESOLVE,
    ECO_PA_CLOSE,
    ECO_PA_REOPEN,
    ECO_PA_NACTIONS
} eco_pb_action_t;

#define ECO_LEDGER_QUIET_DEFAULT_S (24 * ECO_HOUR_S)

/** "open", "acknowledged", ...; "?" out of range. */
const char *eco_pb_state_name(int state);
/** 0 and *state, or ECO_EINVAL. */
int eco_pb_state_parse(const char *s, eco_pb_state_t *state);
/** "ack", "assign", "resolve", "close", "reopen". */
const char *eco_pb_action_name(int action);
/** Also "acknowledge". 0 and *action, or ECO_EINVAL. */
int eco_pb_action_parse(const char *s, eco_pb_action_t *action);

/** The state `action` leads to from `from`, or -1 when it is not allowed there. */
int eco_pb_next(eco_pb_state_t from, eco_pb_action_t action);
/** Open, acknowledged, assigned or reopened: new alerts attach as they are, hysteresis applies. */
int eco_pb_active(eco_pb_state_t s);
/** 1 when a problem with this state and due date ("YYYY-MM-DD", "" none) is past its deadline on
 *  `today` (Beijing): still open in some way (not resolved or closed) and due before today. */
int eco_pb_overdue(eco_pb_state_t s, const char *due, eco_day_t today);
/** The actions allowed from `from`, comma-separated ("assign, resolve"), or "none; closed is final". */
void eco_pb_allowed(eco_pb_state_t from, char *buf, unsigned long n);

/** The state a problem takes when an alert of its key arrives: itself when active, reopened
 *  when resolved, -1 when closed (the alert opens a new problem). */
int eco_pb_on_alert(eco_pb_state_t s);
/** Hysteresis: 1 when an active problem whose last alert is at last_t is quiet at `now`. */
int eco_pb_quiet(eco_time_t last_t, eco_time_t now, int64_t quiet_s);

/** Order of alert severities: high 3, medium 2, low 1, anything else 0. */
int eco_pb_severity_rank(const char *sev);
/** The higher of two severities (a when equal). */
const char *eco_pb_severity_max(const char *a, const char *b);

#endif
