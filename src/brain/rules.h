/* rules.h — alert rules as data: per-factor screen parameters, thresholds with
 * duration and hysteresis, emission limits with the oxygen reference.
 *
 * Why a pure module: `serve` evaluates the rules on every new value inside the
 * writer's transaction and `alerts scan` over stored history, and both must
 * give the same alerts; the rules are text (an INI file, docs/alerts.md) the
 * caller reads. Nothing here does I/O or reads a clock.
 *
 * Why records and not single values: an emission limit needs the O2 of the same
 * upload (same device, granularity and DataTime) to convert the pollutant to the
 * reference oxygen, so the caller hands over every value of one record at once
 * (serve: the values of one frame; scan: rows ordered by device, granularity,
 * time). State is per (rule, device, granularity): constant memory, no rescans.
 *
 * Rule semantics (hysteresis): a reading is "bad" when it is over an `above`
 * (under a `below`, over a `limit`) and "good" when it is back past `reset`
 * (default the threshold itself); readings between are neither and keep both
 * counts. The rule fires after `for` bad readings in a row and is not reported
 * again until `clear` good readings in a row have cleared it. With `mean_s` the
 * readings are the means of aligned blocks of mean_s seconds (a block is judged
 * when the first reading of a later block arrives).
 */
#ifndef ECO_BRAIN_RULES_H
#define ECO_BRAIN_RULES_H

#include <stddef.h>

#include "brain/screens.h"
#include "core/error.h"
#include "core/time.h"

typedef struct eco_rules eco_rules_t;

eco_rules_t *eco_rules_new(void);
void eco_rules_free(eco_rules_t *r);

/** Parse a rules file's text (name: for messages, "FILE"). Errors are ECO_EPARSE
 *  naming name:line, the section and the key. Can be called once per set. */
int eco_rules_parse(eco_rules_t *r, const char *name, const char *text, eco_err_t *err);
/** Rules (thresholds and limits) held; screen sections are not counted. */
int eco_rules_count(const eco_rules_t *r);
/** The catalogue: site `code` is of kind `kind` ("air", "water", ...), for `site_kind` scopes. */
int eco_rules_site_kind(eco_rules_t *r, const char *code, const char *kind);

/** The catalogue: site `code`'s target class (its zone, "Ⅲ" ...; "" none), for `[water]` rules. */
int eco_rules_site_target(eco_rules_t *r, const char *code, const char *zone);

/** The catalogue: device mn is at site (for callers that know only the MN: the ingest writer). */
int eco_rules_device_site(eco_rules_t *r, const char *mn, const char *site);
/** Its site, "" when unknown. */
const char *eco_rules_site_of(const eco_rules_t *r, const char *mn);

/** The screen parameters of `factor`: `[screen *]` then `[screen FACTOR]` keys over c. */
void eco_rules_screen_cfg(const eco_rules_t *r, const char *factor, eco_screen_cfg_t *c);
/** For eco_screener_set_hook: ud is the eco_rules_t. */
void eco_rules_screen_hook(void *ud, const char *factor, eco_screen_cfg_t *c);

/* One value of a record. */
typedef struct eco_rule_val {
    const char *factor;
    double value;            /* the main value (NAN: none) */
    const char *fields;      /* "Suffix=value;..." as sent (may be NULL) */
    size_t fields_len;
} eco_rule_val_t;

#define ECO_RULE_EV 16

typedef struct eco_rule_alert {
    const char *screen;      /* "rule:NAME", "rule:NAME/gap" */
    const char *severity;
    const char *factor;
    eco_time_t t;            /* the reading (block start for means) that made it fire */
    char evidence[1400];     /* "time=value;..." (limits: "time=value[C=..,O2=..]") */
} eco_rule_alert_t;

typedef int (*eco_rule_cb)(void *ud, const eco_rule_alert_t *a);

/** Evaluate one record: every value of device mn (at site, "" unknown) at
 *  granularity gran and time t. cb for each alert that starts; a nonzero
 *  return of cb stops and is returned. */
int eco_rules_record(eco_rules_t *r, const char *mn, const char *site, int gran, eco_time_t t,
                     const eco_rule_val_t *v, int n, eco_rule_cb cb, void *ud);

/** A transaction around eco_rules_record calls: rollback puts every rule state back as it was at
 *  begin (the records were not stored and will come again) and returns how many, or ECO_ENOMEM
 *  when one could not be kept; end keeps the changes. NULL r: nothing to do. */
void eco_rules_begin(eco_rules_t *r);
void eco_rules_end(eco_rules_t *r);
int eco_rules_rollback(eco_rules_t *r);

/** The value of `suffix` in "Suffix=value;..." (NAN when absent or not a number). */
double eco_rules_field(const char *fields, size_t len, const char *suffix);

#endif
