/* screens.h — data-quality screens: signs that a monitor's data are wrong or were tampered with.
 *
 * Why incremental and per series: the screens run in the live ingest path,
 * where every value arrives once and a rescan of history is not affordable,
 * and in batch over stored history (`alerts scan`), which must give the same
 * alerts — so each screen is a small state machine fed one (time, value) at a
 * time, with constant memory (a ring of the last ECO_SCREEN_RING values and
 * two exponentially weighted moments). Pure: no I/O, no clock of its own.
 *
 * Screens (each one's parameters per factor, documented in docs/alerts.md):
 *   SPIKE       spike and return: a jump of at least `spike_jump` from the level
 *               before it, back within `spike_return` × the excursion of that
 *               level within `spike_window` readings (the pH 7.91 → 9.34 → 10.21
 *               → 8.47 tampering pattern)
 *   FLAT        the same value (within `flat_eps`) `flat_n` readings in a row
 *   STUCK       at the instrument's range ends (`range_lo`/`range_hi`) or at a
 *               given `stuck_value` (a limit) `stuck_n` readings in a row
 *   IMPOSSIBLE  outside [`valid_lo`, `valid_hi`] (negative concentrations, pH > 14)
 *   FUTURE      DataTime more than `future_s` ahead of the receiving clock
 *   SMOOTH      variance collapse: the variance of the last `smooth_window`
 *               readings below `smooth_ratio` × the long-run variance
 *   SILENT      (eco_screen_silent) no value for `silent_factor` × the interval
 */
#ifndef ECO_BRAIN_SCREENS_H
#define ECO_BRAIN_SCREENS_H

#include <stdint.h>

#include "core/time.h"

enum {
    ECO_SCR_SPIKE = 1 << 0,
    ECO_SCR_FLAT = 1 << 1,
    ECO_SCR_STUCK = 1 << 2,
    ECO_SCR_IMPOSSIBLE = 1 << 3,
    ECO_SCR_FUTURE = 1 << 4,
    ECO_SCR_SMOOTH = 1 << 5,
    ECO_SCR_SILENT = 1 << 6
};

const char *eco_screen_name(unsigned bit); /* "spike", "flat", ... */

typedef struct eco_screen_cfg {
    double spike_jump;        /* 0 = off */
    double spike_return;      /* fraction of the peak excursion (default 0.5) */
    int spike_window;         /* readings (default 5) */
    int flat_n;               /* 0 = off */
    double flat_eps;
    double range_lo, range_hi; /* instrument range ends (NAN = unknown) */
    double stuck_value;       /* NAN = none */
    int stuck_n;              /* 0 = off */
    double valid_lo, valid_hi; /* NAN = unbounded */
    int64_t future_s;         /* 0 = off */
    int smooth_window;        /* 0 = off */
    double smooth_ratio;      /* default 0.01 */
    int smooth_min;           /* readings before the long-run variance counts (default 100) */
    double silent_factor;     /* default 3 */
} eco_screen_cfg_t;

/** Everything off except what is set afterwards; spike_return .5, window 5, smooth_ratio .01. */
void eco_screen_cfg_default(eco_screen_cfg_t *c);
/** Shipped parameters by item key ("ph", "cod", "nh3n", "pm2_5", "so2", ...), on top of defaults. */
void eco_screen_cfg_for(const char *item, eco_screen_cfg_t *c);

#define ECO_SCREEN_RING 16

typedef struct eco_screen_state {
    double v[ECO_SCREEN_RING];
    eco_time_t t[ECO_SCREEN_RING];
    int n, head;              /* readings held, next slot */
    long count;               /* readings seen */
    int flat_run, stuck_run;
    double ew_mean, ew_var;   /* long-run moments (EW, alpha 0.01) */
    int moments;              /* ew_mean/ew_var hold a value */
    unsigned active;          /* screens currently firing (deduplication) */
    eco_time_t last_t;
} eco_screen_state_t;

void eco_screen_init(eco_screen_state_t *s);

/* What made a screen fire: up to ECO_SCREEN_RING readings, oldest first. */
typedef struct eco_screen_evidence {
    unsigned fired;           /* screens that started firing with this reading */
    int n;
    eco_time_t t[ECO_SCREEN_RING];
    double v[ECO_SCREEN_RING];
} eco_screen_evidence_t;

/** Feed one reading (t, v) received at `now`. Returns the screens that start
 *  firing with it (a screen already firing is not reported again until its
 *  condition has cleared), with the evidence. NAN values are skipped. */
unsigned eco_screen_push(const eco_screen_cfg_t *c, eco_screen_state_t *s, eco_time_t t, double v, eco_time_t now,
                         eco_screen_evidence_t *ev);

/** SILENT: 1 when nothing came for silent_factor × interval_s before now. */
int eco_screen_silent(const eco_screen_cfg_t *c, const eco_screen_state_t *s, int interval_s, eco_time_t now);

/* ---- emission limits with the oxygen reference (折算浓度) */

/** C' = C × (21 − O2ref) / (21 − O2meas). NAN (with *why set) when O2 is
 *  missing or at or above o2_max (default 19 %: the unit is not running a
 *  combustion the reference applies to — configurable; our rule, see docs). */
double eco_o2_correct(double c, double o2_meas, double o2_ref, double o2_max, const char **why);

#endif

/* ---- many series: the screens of every (device, factor, granularity) */

/* Why a set: the ingest writer and `alerts scan` screen every stored value
 * of every series; both keep one state per series, keyed by MN, factor and
 * granularity, configured by the factor's evaluation item. Memory: about
 * 400 bytes a series. */
typedef struct eco_screener eco_screener_t;

eco_screener_t *eco_screener_new(void);
void eco_screener_free(eco_screener_t *x);
/** Parameters of new series: hook(ud, factor, cfg) after the shipped ones (the rules file's
 *  [screen] sections: eco_rules_screen_hook). Set before the first push. */
void eco_screener_set_hook(eco_screener_t *x, void (*hook)(void *ud, const char *factor, eco_screen_cfg_t *c), void *ud);
/** Screen one value; 0 or the screens that start firing (evidence in ev).
 *  A new series takes the parameters of its factor's evaluation item
 *  (standards defaults, eco_factor_default_item; generic when unknown). */
unsigned eco_screener_push(eco_screener_t *x, const char *mn, const char *factor, int gran, eco_time_t t, double v,
                           eco_time_t now, eco_screen_evidence_t *ev);
/** A transaction: between begin and end, the state of each series is kept as it was before its
 *  first push; rollback puts every kept state back (the values were not stored after all and
 *  will come again) and returns how many, or ECO_ENOMEM when one could not be kept. */
void eco_screener_begin(eco_screener_t *x);
void eco_screener_end(eco_screener_t *x);
int eco_screener_rollback(eco_screener_t *x);
/** "high" for spike and impossible values, "medium" otherwise. */
const char *eco_screen_severity(unsigned bit);
/** "2026-05-01 08:01:00=7.91;..." into buf. */
void eco_screen_evidence_text(const eco_screen_evidence_t *ev, char *buf, unsigned long n);
