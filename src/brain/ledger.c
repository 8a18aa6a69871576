/* ledger.c — the problem ledger's state machine and small rules (see ledger.h).
 *
 * Why a table: every transition the ledger allows is one cell here, so the
 * store, the CLI, the API, the documentation (docs/alerts.md) and the tests
 * agree by construction; a refusal names the state and the action.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "brain/ledger.h"
#include "core/error.h"

static const char *const state_names[ECO_PB_NSTATES] = {"open", "acknowledged", "assigned",
                                                        "resolved", "closed", "reopened"};
static const char *const action_names[ECO_PA_NACTIONS] = {"ack", "assign", "resolve", "close", "reopen"};

/* next[from][action]: -1 = not allowed */
static const signed char next[ECO_PB_NSTATES][ECO_PA_NACTIONS] = {
    /*                    ack                  assign           resolve          close          reopen */
    [ECO_PB_OPEN] = {ECO_PB_ACKNOWLEDGED, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1},
    [ECO_PB_ACKNOWLEDGED] = {-1, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1},
    [ECO_PB_ASSIGNED] = {-1, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1}, /* assign again: hand it over */
    [ECO_PB_RESOLVED] = {-1, -1, -1, ECO_PB_CLOSED, ECO_PB_REOPENED},
    [ECO_PB_CLOSED] = {-1, -1, -1, -1, -1},
    [ECO_PB_REOPENED] = {ECO_PB_ACKNOWLEDGED, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1},
};

const char *eco_pb_state_name(int state)
{
    return state >= 0 && state < ECO_PB_NSTATES ? state_names[state] : "?";
}

int eco_pb_state_parse(const char *s, eco_pb_state_t *state)
{
    for (int i = 0; s && i < ECO_PB_NSTATES; i++)
        if (!strcasecmp(s, state_names[i])) return *state = (eco_pb_state_t)i, 0;
    return ECO_EINVAL;
}

const char *eco_pb_action_name(int action)
{
    return action >= 0 && action < ECO_PA_NACTIONS ? action_names[action] : "?";
}

int eco_pb_action_parse(const char *s, eco_pb_action_t *action)
{
    if (!s) return ECO_EINVAL;
    for (int i = 0; i < ECO_PA_NACTIONS; i++)
        if (!strcasecmp(s, action_names[i])) return *action = (eco_pb_action_t)i, 0;
    if (!strcasecmp(s, "acknowledge")) return *action = ECO_PA_ACK, 0;
    return ECO_EINVAL;
}

int eco_pb_next(eco_pb_state_t from, eco_pb_action_t action)
{
    if ((unsigned)from >= ECO_PB_NSTATES || (unsigned)action >= ECO_PA_NACTIONS) return -1;
    return next[from][action];
}

int eco_pb_active(eco_pb_state_t s)
{
    return s == ECO_PB_OPEN || s == ECO_PB_ACKNOWLEDGED || s == ECO_PB_ASSIGNED || s == ECO_PB_REOPENED;
}

void eco_pb_allowed(eco_pb_state_t from, char *buf, unsigned long n)
{
    size_t off = 0;
    if (n) buf[0] = 0;
    for (int a = 0; a < ECO_PA_NACTIONS && n; a++) {
        if (eco_pb_next(from, (eco_pb_action_t)a) < 0) continue;
        int w = snprintf(buf + off, n - off, "%s%s", off ? ", " : "", action_names[a]);
        if (w < 0 || (size_t)w >= n - off) break;
        off += (size_t)w;
    }
    if (n && !buf[0]) snprintf(buf, n, "none; %s is final", eco_pb_state_name(from));
}

int eco_pb_on_alert(eco_pb_state_t s)
{
    if (eco_pb_active(s)) return (int)s;
    if (s == ECO_PB_RESOLVED) return ECO_PB_REOPENED;
    return -1;
}

int eco_pb_quiet(eco_time_t last_t, eco_time_t now, int64_t quiet_s)
{
    return quiet_s > 0 && now - last_t >= quiet_s;
}

int eco_pb_severity_rank(const char *sev)
{
    if (!sev) return 0;
    if (!strcmp(sev, "high")) return 3;
    if (!strcmp(sev, "medium")) return 2;
    if (!strcmp(sev, "low")) return 1;
    return 0;
}

const char *eco_pb_severity_max(const char *a, const char *b)
{
    return eco_pb_severity_rank(b) > eco_pb_severity_rank(a) ? b : a;
}

int eco_pb_overdue(eco_pb_state_t s, const char *due, eco_day_t today)
{
    eco_day_t d;
    if (!due || !*due || !eco_pb_active(s) || eco_day_parse(eco_slice_cstr(due), &d) < 0) return 0;
    return d < today; /* due on a day: overdue from the day after */
}
