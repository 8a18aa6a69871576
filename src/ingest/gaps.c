/* gaps.c — see gaps.h. */
#include <string.h>

#include "ingest/gaps.h"

void eco_gaps_policy_default(eco_gaps_policy_t *p)
{
    p->grace_ms = 300 * 1000;
    p->retry_ms = 600 * 1000;
    p->max_tries = 3;
    p->max_records = 240;
}

void eco_gaps_init(eco_gaps_t *s, int step_s)
{
    memset(s, 0, sizeof *s);
    s->step = step_s > 0 ? step_s : 0;
    s->fixed = step_s > 0;
}

static void gap_remove(eco_gaps_t *s, int i)
{
    memmove(&s->g[i], &s->g[i + 1], (size_t)(s->n - i - 1) * sizeof s->g[0]);
    s->n--;
}

static void gap_add(eco_gaps_t *s, eco_time_t b, eco_time_t e, int64_t now_ms, const eco_gaps_policy_t *p)
{
    if (b > e) return;
    s->found++;
    if (s->n == ECO_GAPS_MAX) { /* full: forget the oldest, the newest matter most */
        s->untracked++;
        gap_remove(s, 0);
    }
    eco_gap_t *g = &s->g[s->n++];
    g->begin = b;
    g->end = e;
    g->tries = 0;
    g->next_ms = now_ms + p->grace_ms;
}

/* a record at t arrived: take it out of the gap holding it */
static void fill(eco_gaps_t *s, eco_time_t t, int64_t now_ms, const eco_gaps_policy_t *p)
{
    int step = s->step > 0 ? s->step : 60;
    for (int i = 0; i < s->n; i++) {
        eco_gap_t *g = &s->g[i];
        if (t < g->begin || t > g->end) continue;
        s->filled++;
        if (g->begin == g->end) {
            gap_remove(s, i);
        } else if (t == g->begin) {
            g->begin += step;
            g->tries = 0; /* progress: the device is answering; the rest is asked for in turn */
        } else if (t == g->end) {
            g->end -= step;
        } else { /* split: the later half becomes a gap of its own */
            eco_time_t e = g->end;
            g->end = t - step;
            int tries = g->tries;
            int64_t next = g->next_ms;
            gap_add(s, t + step, e, now_ms, p);
            s->found--; /* not a new gap */
            s->g[s->n - 1].tries = tries;
            s->g[s->n - 1].next_ms = next;
        }
        if (i < s->n && s->g[i].begin > s->g[i].end) gap_remove(s, i);
        return;
    }
}

void eco_gaps_record(eco_gaps_t *s, eco_time_t t, int64_t now_ms, const eco_gaps_policy_t *p)
{
    if (s->last == 0) {
        s->last = t;
        return;
    }
    if (t == s->last) return;
    if (t < s->last) {
        if (!s->fixed) {
            eco_time_t d = s->last - t;
            if (d >= 60 && d <= 3600 && (s->step == 0 || d < s->step)) s->step = (int)d;
        }
        fill(s, t, now_ms, p);
        return;
    }
    eco_time_t d = t - s->last;
    if (!s->fixed && d >= 60 && d <= 3600 && (s->step == 0 || d < s->step)) {
        s->step = (int)d; /* the interval the device shows (the first pair may straddle a gap: later pairs correct it) */
    }
    if (s->step > 0 && d > s->step && d % s->step == 0) gap_add(s, s->last + s->step, t - s->step, now_ms, p);
    s->last = t;
}

int eco_gaps_due(eco_gaps_t *s, int64_t now_ms, const eco_gaps_policy_t *p, eco_time_t *begin, eco_time_t *end)
{
    for (int i = 0; i < s->n;) {
        eco_gap_t *g = &s->g[i];
        if (g->tries >= p->max_tries && now_ms >= g->next_ms) {
            s->abandoned++;
            gap_remove(s, i);
            continue;
        }
        if (now_ms >= g->next_ms && g->tries < p->max_tries) {
            int step = s->step > 0 ? s->step : 60;
            *begin = g->begin;
            eco_time_t lim = g->begin + (eco_time_t)(p->max_records - 1) * step;
            *end = g->end < lim ? g->end : lim;
            g->tries++;
            g->next_ms = now_ms + p->retry_ms;
            return 1;
        }
        i++;
    }
    return 0;
}
