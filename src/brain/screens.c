/* screens.c — see screens.h. */
#include <math.h>
#include <string.h>

#include "brain/screens.h"

const char *eco_screen_name(unsigned bit)
{
    switch (bit) {
    case ECO_SCR_SPIKE: return "spike";
    case ECO_SCR_FLAT: return "flat";
    case ECO_SCR_STUCK: return "stuck";
    case ECO_SCR_IMPOSSIBLE: return "impossible";
    case ECO_SCR_FUTURE: return "future";
    case ECO_SCR_SMOOTH: return "smooth";
    case ECO_SCR_SILENT: return "silent";
    default: return "?";
    }
}

void eco_screen_cfg_default(eco_screen_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    c->spike_return = 0.5;
    c->spike_window = 5;
    c->range_lo = c->range_hi = NAN;
    c->stuck_value = NAN;
    c->valid_lo = c->valid_hi = NAN;
    c->smooth_ratio = 0.01;
    c->smooth_min = 100;
    c->silent_factor = 3;
}

void eco_screen_cfg_for(const char *item, eco_screen_cfg_t *c)
{
    eco_screen_cfg_default(c);
    c->future_s = 600;
    c->flat_n = 30;     /* half an hour of identical minute values */
    c->flat_eps = 0;
    c->valid_lo = 0;
    if (!strcmp(item, "ph")) {
        c->spike_jump = 1.0; /* pH: a unit within minutes is not a river or an effluent changing */
        c->valid_lo = 0;
        c->valid_hi = 14;
        c->flat_eps = 0.001;
    } else if (!strcmp(item, "cod") || !strcmp(item, "codmn") || !strcmp(item, "nh3n") || !strcmp(item, "tp") ||
               !strcmp(item, "tn")) {
        c->flat_n = 12; /* effluent analysers report every few minutes to hours: 12 identical results */
    } else if (!strcmp(item, "o2")) {
        c->valid_hi = 21;
    }
    c->smooth_window = ECO_SCREEN_RING; /* the last 16 readings against the long run */
}

void eco_screen_init(eco_screen_state_t *s) { memset(s, 0, sizeof *s); }

/* i-th most recent reading (0 = newest) */
static double at(const eco_screen_state_t *s, int i)
{
    return s->v[(s->head - 1 - i + 2 * ECO_SCREEN_RING) % ECO_SCREEN_RING];
}

static void evidence(const eco_screen_state_t *s, int k, eco_screen_evidence_t *ev)
{
    if (!ev) return;
    if (k > s->n) k = s->n;
    ev->n = k;
    for (int i = 0; i < k; i++) {
        int slot = (s->head - k + i + 2 * ECO_SCREEN_RING) % ECO_SCREEN_RING;
        ev->t[i] = s->t[slot];
        ev->v[i] = s->v[slot];
    }
}

unsigned eco_screen_push(const eco_screen_cfg_t *c, eco_screen_state_t *s, eco_time_t t, double v, eco_time_t now,
                         eco_screen_evidence_t *ev)
{
    if (ev) memset(ev, 0, sizeof *ev);
    if (!isfinite(v)) return 0; /* missing (NAN) or not a number a device can send */
    s->v[s->head] = v;
    s->t[s->head] = t;
    s->head = (s->head + 1) % ECO_SCREEN_RING;
    if (s->n < ECO_SCREEN_RING) s->n++;
    s->count++;
    s->last_t = t;
    unsigned cond = 0;
    int span = 1;
    /* impossible values and clock skew: this reading alone */
    if ((!isnan(c->valid_lo) && v < c->valid_lo) || (!isnan(c->valid_hi) && v > c->valid_hi)) cond |= ECO_SCR_IMPOSSIBLE;
    if (c->future_s > 0 && t - now > c->future_s) cond |= ECO_SCR_FUTURE;
    /* flat line */
    if (c->flat_n > 0) {
        if (s->n >= 2 && fabs(v - at(s, 1)) <= c->flat_eps) s->flat_run++;
        else s->flat_run = 1;
        if (s->flat_run >= c->flat_n) cond |= ECO_SCR_FLAT, span = s->flat_run;
    }
    /* stuck at a range end or a given value */
    if (c->stuck_n > 0) {
        int at_end = (!isnan(c->range_lo) && v <= c->range_lo) || (!isnan(c->range_hi) && v >= c->range_hi) ||
                     (!isnan(c->stuck_value) && v == c->stuck_value);
        s->stuck_run = at_end ? s->stuck_run + 1 : 0;
        if (s->stuck_run >= c->stuck_n) cond |= ECO_SCR_STUCK, span = s->stuck_run > span ? s->stuck_run : span;
    }
    /* spike and return: a level b, then readings that left it by >= jump, now back near b */
    if (c->spike_jump > 0 && s->n >= 3) {
        int w = c->spike_window < s->n - 1 ? c->spike_window : s->n - 1;
        for (int k = 2; k <= w; k++) {      /* b = at(k): the level before the excursion */
            double b = at(s, k), peak = 0;
            int left = 1;
            for (int i = 1; i < k; i++) {      /* the excursion: every reading between */
                double d = fabs(at(s, i) - b);
                if (d < c->spike_jump) left = 0;
                if (d > peak) peak = d;
            }
            if (left && fabs(v - b) <= c->spike_return * peak) {
                cond |= ECO_SCR_SPIKE;
                if (k + 1 > span) span = k + 1;
                break;
            }
        }
    }
    /* variance collapse against the long-run variance; impossible readings stay out of the moments */
    double a = 0.01;
    if (!(cond & ECO_SCR_IMPOSSIBLE)) {
        if (!s->moments) {
            s->ew_mean = v;
            s->ew_var = 0;
            s->moments = 1;
        } else {
            double d = v - s->ew_mean;
            /* winsorised once established: one absurd reading must not inflate the long-run
             * variance for thousands of readings (and so hide a real collapse) */
            if (s->count > 30 && s->ew_var > 0) {
                double lim = 5 * sqrt(s->ew_var);
                if (d > lim) d = lim;
                else if (d < -lim) d = -lim;
            }
            s->ew_mean += a * d;
            s->ew_var = (1 - a) * (s->ew_var + a * d * d);
        }
    }
    if (c->smooth_window > 1 && s->count >= c->smooth_min && s->n >= c->smooth_window && c->smooth_window <= ECO_SCREEN_RING) {
        /* from the ring itself (16 values, two passes): no running sum that one huge reading could spoil */
        double m = 0, q = 0;
        for (int i = 0; i < c->smooth_window; i++) m += at(s, i);
        m /= c->smooth_window;
        for (int i = 0; i < c->smooth_window; i++) q += (at(s, i) - m) * (at(s, i) - m);
        q /= c->smooth_window - 1;
        /* q == 0 is a flat line: the flat screen's business, not a second alert */
        if (s->ew_var > 0 && q > 0 && q < c->smooth_ratio * s->ew_var && !(cond & ECO_SCR_FLAT)) {
            cond |= ECO_SCR_SMOOTH;
            if (c->smooth_window > span) span = c->smooth_window;
        }
    }
    unsigned fired = cond & ~s->active; /* deduplicated while the condition lasts */
    s->active = cond;
    if (fired) {
        if (ev) ev->fired = fired;
        evidence(s, span, ev);
    }
    return fired;
}

int eco_screen_silent(const eco_screen_cfg_t *c, const eco_screen_state_t *s, int interval_s, eco_time_t now)
{
    if (!s->count || interval_s <= 0) return 0;
    return (double)(now - s->last_t) > c->silent_factor * interval_s;
}

double eco_o2_correct(double c, double o2_meas, double o2_ref, double o2_max, const char **why)
{
    if (why) *why = NULL;
    if (isnan(c)) return NAN;
    if (isnan(o2_meas)) {
        if (why) *why = "no O2 reading: the reference-oxygen concentration cannot be computed";
        return NAN;
    }
    if (o2_meas >= (o2_max > 0 ? o2_max : 19.0)) {
        if (why) *why = "O2 at or above the maximum: not a normal combustion state, not converted";
        return NAN;
    }
    return c * (21.0 - o2_ref) / (21.0 - o2_meas);
}

/* ------------------------------------------------------------------ screener */

#include <stdio.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "core/map.h"
#include "core/undo.h"
#include "standards/factors.h"

typedef struct series_scr {
    eco_screen_cfg_t cfg;
    eco_screen_state_t st;
    int ready;                /* cfg and st set up (0 in a slot the array has just grown by) */
} series_scr_t;

struct eco_screener {
    eco_map_t map;
    series_scr_t *v;
    size_t cap;
    void (*hook)(void *ud, const char *factor, eco_screen_cfg_t *c);
    void *hook_ud;
    eco_undo_t undo;          /* states before the open transaction changed them */
};

void eco_screener_set_hook(eco_screener_t *x, void (*hook)(void *ud, const char *factor, eco_screen_cfg_t *c), void *ud)
{
    x->hook = hook;
    x->hook_ud = ud;
}

eco_screener_t *eco_screener_new(void)
{
    eco_screener_t *x = eco_calloc(1, sizeof *x);
    if (x) {
        eco_map_init(&x->map);
        eco_undo_init(&x->undo);
    }
    return x;
}

void eco_screener_free(eco_screener_t *x)
{
    if (!x) return;
    eco_map_free(&x->map);
    eco_undo_free(&x->undo);
    eco_free(x->v, x->cap * sizeof *x->v);
    eco_free(x, sizeof *x);
}

unsigned eco_screener_push(eco_screener_t *x, const char *mn, const char *factor, int gran, eco_time_t t, double v,
                           eco_time_t now, eco_screen_evidence_t *ev)
{
    char key[256];
    size_t a = strlen(mn), b = strlen(factor);
    if (a + b + 3 > sizeof key) return 0;
    memcpy(key, mn, a);
    key[a] = '\x1f';
    memcpy(key + a + 1, factor, b);
    key[a + 1 + b] = (char)('0' + (gran & 7));
    size_t kn = a + b + 2;
    int32_t id = eco_map_put(&x->map, (eco_slice_t){key, (size_t)kn});
    if (id < 0) return 0;
    if ((size_t)id >= x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 256;
        while (nc <= (size_t)id) nc *= 2;
        series_scr_t *n = eco_realloc(x->v, x->cap * sizeof *n, nc * sizeof *n);
        if (!n) return 0; /* the key is in the map, its slot not ready: set up when the array grows */
        memset(n + x->cap, 0, (nc - x->cap) * sizeof *n);
        x->v = n;
        x->cap = nc;
    }
    series_scr_t *s = &x->v[id];
    if (!s->ready) { /* new series: parameters by the factor's evaluation item, looked up once */
        s->ready = 1;
        const char *item = eco_factor_default_item(factor);
        eco_screen_cfg_for(item ? item : "", &s->cfg);
        if (item && (!strcmp(item, "temp") || !strcmp(item, "flue_temp"))) s->cfg.valid_lo = -60;
        if (x->hook) x->hook(x->hook_ud, factor, &s->cfg);
        eco_screen_init(&s->st);
    }
    eco_undo_save(&x->undo, (uint32_t)id, &s->st, sizeof s->st);
    return eco_screen_push(&s->cfg, &s->st, t, v, now, ev);
}

void eco_screener_begin(eco_screener_t *x) { eco_undo_begin(&x->undo); }

void eco_screener_end(eco_screener_t *x) { eco_undo_end(&x->undo); }

static void *state_slot(void *ud, uint32_t id)
{
    eco_screener_t *x = ud;
    return id < x->cap ? &x->v[id].st : NULL;
}

int eco_screener_rollback(eco_screener_t *x) { return eco_undo_rollback(&x->undo, state_slot, x); }

const char *eco_screen_severity(unsigned bit)
{
    return (bit & (ECO_SCR_SPIKE | ECO_SCR_IMPOSSIBLE)) ? "high" : "medium";
}

void eco_screen_evidence_text(const eco_screen_evidence_t *ev, char *buf, unsigned long n)
{
    size_t len = 0;
    if (n) buf[0] = 0;
    for (int i = 0; i < ev->n; i++) {
        char tb[32];
        eco_time_format_full(ev->t[i], tb, sizeof tb);
        int w = snprintf(buf + len, n - len, "%s%s=%.6g", i ? ";" : "", tb, ev->v[i]);
        if (w < 0 || (size_t)w >= n - len) break;
        len += (size_t)w;
    }
}
