/* store_json.c — the JSON shape of stored ledger records, one for every face.
 *
 * Why here: `ecobrain ledger show|export --format json` and the API's /ledger routes print the
 * same records; written twice, the two shapes had already drifted apart (the CLI's alerts lacked
 * site, device and creation time). The shape is the API's (docs/api.md).
 */
#include "core/json.h"
#include "core/time.h"
#include "brain/ledger.h"
#include "store/store.h"

static void jtime(eco_json_t *j, const char *k, eco_time_t t)
{
    char b[40];
    eco_time_format_iso(t, b, sizeof b);
    eco_json_key(j, k);
    eco_json_str(j, b);
}

static void jstr_or_null(eco_json_t *j, const char *k, const char *v)
{
    eco_json_key(j, k);
    if (v && *v) eco_json_str(j, v);
    else eco_json_null(j);
}

void eco_store_json_problem_fields(eco_json_t *j, const eco_problem_t *p, eco_day_t today)
{
    eco_json_key(j, "id");
    eco_json_int(j, p->id);
    eco_json_key(j, "state");
    eco_json_str(j, eco_pb_state_name(p->state));
    eco_json_key(j, "severity");
    eco_json_str(j, p->severity);
    eco_json_key(j, "kind");
    eco_json_str(j, p->kind);
    eco_json_key(j, "site");
    eco_json_str(j, p->site);
    eco_json_key(j, "mn");
    eco_json_str(j, p->mn);
    eco_json_key(j, "factor");
    eco_json_str(j, p->factor);
    eco_json_key(j, "alerts");
    eco_json_int(j, p->alerts);
    jtime(j, "first_alert", p->first_t);
    jtime(j, "last_alert", p->last_t);
    jstr_or_null(j, "assignee", p->assignee);
    jstr_or_null(j, "due", p->due);
    eco_json_key(j, "overdue");
    eco_json_bool(j, eco_pb_overdue(p->state, p->due, today));
    jtime(j, "opened", p->opened);
    jtime(j, "updated", p->updated);
}

int eco_store_json_event(void *ud, const eco_problem_event_t *e)
{
    eco_json_t *j = ud;
    eco_json_obj_begin(j);
    jtime(j, "time", e->t);
    eco_json_key(j, "by");
    eco_json_str(j, e->by);
    eco_json_key(j, "action");
    eco_json_str(j, e->action);
    jstr_or_null(j, "from", e->from_state);
    eco_json_key(j, "to");
    eco_json_str(j, e->to_state);
    jstr_or_null(j, "assignee", e->assignee);
    jstr_or_null(j, "due", e->due);
    eco_json_key(j, "alert");
    if (e->alert > 0) eco_json_int(j, e->alert);
    else eco_json_null(j);
    eco_json_key(j, "note");
    eco_json_str(j, e->note);
    eco_json_obj_end(j);
    return 0;
}

int eco_store_json_alert(void *ud, const eco_alert_t *a)
{
    eco_json_t *j = ud;
    eco_json_obj_begin(j);
    eco_json_key(j, "id");
    eco_json_int(j, a->id);
    eco_json_key(j, "screen");
    eco_json_str(j, a->screen);
    eco_json_key(j, "severity");
    eco_json_str(j, a->severity);
    eco_json_key(j, "site");
    eco_json_str(j, a->site ? a->site : "");
    eco_json_key(j, "mn");
    eco_json_str(j, a->mn);
    eco_json_key(j, "factor");
    eco_json_str(j, a->factor);
    eco_json_key(j, "granularity");
    eco_json_str(j, eco_gran_name(a->gran));
    jtime(j, "time", a->t);
    eco_json_key(j, "evidence");
    eco_json_str(j, a->evidence ? a->evidence : "");
    eco_json_key(j, "created");
    if (a->created_ms > 0) {
        char b[40];
        eco_time_format_iso(eco_time_from_utc(a->created_ms / 1000), b, sizeof b);
        eco_json_str(j, b);
    } else {
        eco_json_null(j);
    }
    eco_json_obj_end(j);
    return 0;
}
