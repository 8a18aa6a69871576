/* live.c — the shared latest-value table and the event ring (live.h).
 *
 * Why these locks: the table is read far more often than written (every
 * /latest request reads all of it; the writer changes it once per batch), so
 * a rwlock held by the writer for one batch at a time. The ring has a mutex
 * of its own so that an SSE client copying an event never waits for the
 * table, and a condition variable broadcast once per batch.
 *
 * The ring: `nslots` fixed slots of `slot_bytes`; event seq lives in slot
 * seq % nslots. A reader asking for a seq older than head − nslots + 1 has
 * lagged (ECO_ENOENT) and must resynchronise.
 */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include "live/live.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/map.h"

typedef struct entry {
    uint32_t mn_id;               /* in mns */
    uint32_t factor_off;          /* into the key: "mn\x1f" + factor */
    unsigned char has;            /* bit per granularity */
    eco_live_val_t v[ECO_LIVE_NGRAN];
} entry_t;

typedef struct slot {
    uint64_t seq;
    eco_live_ev_t type;
    uint32_t len;
} slot_t;

struct eco_live {
    pthread_rwlock_t rw;
    eco_map_t keys;               /* "mn\x1ffactor" -> entry id */
    eco_map_t mns;
    char **site;                  /* by mn id */
    size_t site_cap;
    struct devslot {
        eco_live_dev_t d;
        int has;
    } *dev;                       /* by mn id */
    size_t dev_cap;
    entry_t *e;
    size_t ecap;
    _Atomic uint64_t version;     /* written under rw; read without it (a cache check must not wait) */

    pthread_mutex_t mu;           /* ring, counters, closed */
    pthread_cond_t cv;
    slot_t *slots;
    char *data;
    size_t nslots, slot_bytes;
    uint64_t head;                /* newest seq, 0 = none */
    int closed;
    int fine;                     /* clients wanting minute values */
    uint64_t dropped;             /* events longer than a slot */
    eco_live_counters_t ctr;
};

const char *eco_live_ev_name(eco_live_ev_t t)
{
    switch (t) {
    case ECO_LIVE_EV_VALUE:
    case ECO_LIVE_EV_VALUE_FINE: return "value";
    case ECO_LIVE_EV_AQI: return "aqi";
    case ECO_LIVE_EV_ALERT: return "alert";
    default: return "event";
    }
}

eco_live_t *eco_live_new(size_t ring_slots, size_t slot_bytes)
{
    if (!ring_slots) ring_slots = 16384;
    if (!slot_bytes) slot_bytes = 2048;
    eco_live_t *l = eco_calloc(1, sizeof *l);
    if (!l) return NULL;
    l->nslots = ring_slots;
    l->slot_bytes = slot_bytes;
    l->slots = eco_calloc(ring_slots, sizeof *l->slots);
    l->data = eco_malloc(ring_slots * slot_bytes);
    if (!l->slots || !l->data) {
        eco_free(l->slots, ring_slots * sizeof *l->slots);
        eco_free(l->data, ring_slots * slot_bytes);
        eco_free(l, sizeof *l);
        return NULL;
    }
    eco_map_init(&l->keys);
    eco_map_init(&l->mns);
    /* glibc's default prefers readers: a stream of HTTP readers could keep the ingest writer out
     * for good. Writers first: a reader waits at most for one batch's publication. */
    pthread_rwlockattr_t ra;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&l->rw, &ra);
    pthread_rwlockattr_destroy(&ra);
    pthread_mutex_init(&l->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->cv, &ca);
    pthread_condattr_destroy(&ca);
    return l;
}

void eco_live_free(eco_live_t *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->site_cap; i++) eco_free(l->site[i], l->site[i] ? strlen(l->site[i]) + 1 : 0);
    eco_free(l->site, l->site_cap * sizeof *l->site);
    eco_free(l->dev, l->dev_cap * sizeof *l->dev);
    eco_map_free(&l->keys);
    eco_map_free(&l->mns);
    eco_free(l->e, l->ecap * sizeof *l->e);
    eco_free(l->slots, l->nslots * sizeof *l->slots);
    eco_free(l->data, l->nslots * l->slot_bytes);
    pthread_rwlock_destroy(&l->rw);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    eco_free(l, sizeof *l);
}

void eco_live_write_begin(eco_live_t *l) { pthread_rwlock_wrlock(&l->rw); }
void eco_live_write_end(eco_live_t *l) { pthread_rwlock_unlock(&l->rw); }

int eco_live_put(eco_live_t *l, const char *mn, const char *factor, int gran, const eco_live_val_t *v)
{
    if (gran < 0 || gran >= ECO_LIVE_NGRAN) return ECO_EINVAL;
    char key[256];
    size_t mnl = strlen(mn), fl = strlen(factor);
    if (mnl + fl + 2 > sizeof key) return ECO_EINVAL;
    memcpy(key, mn, mnl);
    key[mnl] = '\x1f';
    memcpy(key + mnl + 1, factor, fl + 1);
    eco_slice_t ks = {key, mnl + 1 + fl};
    int32_t id = eco_map_get(&l->keys, ks);
    if (id < 0) {
        int32_t mid = eco_map_put(&l->mns, (eco_slice_t){mn, mnl});
        if (mid < 0) return ECO_ENOMEM;
        if (eco_map_size(&l->keys) >= l->ecap) {
            size_t nc = l->ecap ? l->ecap * 2 : 1024;
            entry_t *ne = eco_realloc(l->e, l->ecap * sizeof *ne, nc * sizeof *ne);
            if (!ne) return ECO_ENOMEM;
            l->e = ne;
            l->ecap = nc;
        }
        id = eco_map_put(&l->keys, ks);
        if (id < 0) return ECO_ENOMEM;
        entry_t *e = &l->e[id];
        memset(e, 0, sizeof *e);
        e->mn_id = (uint32_t)mid;
        e->factor_off = (uint32_t)(mnl + 1);
    }
    entry_t *e = &l->e[id];
    unsigned bit = 1u << gran;
    if (e->has & bit) {
        const eco_live_val_t *o = &e->v[gran];
        if (o->t > v->t) return 0;
        if (o->t == v->t && strcmp(o->flag, v->flag) == 0 &&
            (o->value == v->value || (isnan(o->value) && isnan(v->value))))
            return 0;
    }
    e->v[gran] = *v;
    e->has |= (unsigned char)bit;
    l->version++;
    return 1;
}

int eco_live_site_put(eco_live_t *l, const char *mn, const char *site)
{
    int32_t id = eco_map_put(&l->mns, eco_slice_cstr(mn));
    if (id < 0) return ECO_ENOMEM;
    if ((size_t)id >= l->site_cap) {
        size_t nc = l->site_cap ? l->site_cap * 2 : 256;
        while (nc <= (size_t)id) nc *= 2;
        char **n = eco_realloc(l->site, l->site_cap * sizeof *n, nc * sizeof *n);
        if (!n) return ECO_ENOMEM;
        memset(n + l->site_cap, 0, (nc - l->site_cap) * sizeof *n);
        l->site = n;
        l->site_cap = nc;
    }
    char *old = l->site[id];
    if (old && !strcmp(old, site)) return 0;
    char *d = eco_strndup(site, strlen(site));
    if (!d) return ECO_ENOMEM;
    l->site[id] = d;
    if (old) eco_free(old, strlen(old) + 1);
    return 0;
}

int eco_live_dev_put(eco_live_t *l, const char *mn, const eco_live_dev_t *d)
{
    int32_t id = eco_map_put(&l->mns, eco_slice_cstr(mn));
    if (id < 0) return ECO_ENOMEM;
    if ((size_t)id >= l->dev_cap) {
        size_t nc = l->dev_cap ? l->dev_cap * 2 : 256;
        while (nc <= (size_t)id) nc *= 2;
        struct devslot *n = eco_realloc(l->dev, l->dev_cap * sizeof *n, nc * sizeof *n);
        if (!n) return ECO_ENOMEM;
        memset(n + l->dev_cap, 0, (nc - l->dev_cap) * sizeof *n);
        l->dev = n;
        l->dev_cap = nc;
    }
    l->dev[id].d = *d;
    l->dev[id].has = 1;
    return 0;
}

int eco_live_dev_get(eco_live_t *l, const char *mn, eco_live_dev_t *out)
{
    int found = 0;
    pthread_rwlock_rdlock(&l->rw);
    int32_t id = eco_map_get(&l->mns, eco_slice_cstr(mn));
    if (id >= 0 && (size_t)id < l->dev_cap && l->dev[id].has) {
        *out = l->dev[id].d;
        found = 1;
    }
    pthread_rwlock_unlock(&l->rw);
    return found;
}

static const char *site_by_id(const eco_live_t *l, int32_t id)
{
    return id >= 0 && (size_t)id < l->site_cap && l->site[id] ? l->site[id] : "";
}

const char *eco_live_site_of(eco_live_t *l, const char *mn)
{
    return site_by_id(l, eco_map_get(&l->mns, eco_slice_cstr(mn)));
}

void eco_live_fine_add(eco_live_t *l, int delta)
{
    pthread_mutex_lock(&l->mu);
    l->fine += delta;
    pthread_mutex_unlock(&l->mu);
}

int eco_live_fine_wanted(eco_live_t *l)
{
    pthread_mutex_lock(&l->mu);
    int f = l->fine > 0;
    pthread_mutex_unlock(&l->mu);
    return f;
}

int eco_live_each(eco_live_t *l, eco_live_cb cb, void *ud)
{
    int r = 0;
    pthread_rwlock_rdlock(&l->rw);
    uint32_t n = eco_map_size(&l->keys);
    for (uint32_t i = 0; i < n && !r; i++) {
        const entry_t *e = &l->e[i];
        eco_live_row_t row;
        row.mn = eco_map_key(&l->mns, e->mn_id);
        row.factor = eco_map_key(&l->keys, i) + e->factor_off;
        row.site = site_by_id(l, (int32_t)e->mn_id);
        for (int g = 0; g < ECO_LIVE_NGRAN; g++) row.val[g] = (e->has & (1u << g)) ? &e->v[g] : NULL;
        r = cb(ud, &row);
    }
    pthread_rwlock_unlock(&l->rw);
    return r;
}

int eco_live_get(eco_live_t *l, const char *mn, const char *factor, int gran, eco_live_val_t *out)
{
    if (gran < 0 || gran >= ECO_LIVE_NGRAN) return 0;
    char key[256];
    size_t mnl = strlen(mn), fl = strlen(factor);
    if (mnl + fl + 2 > sizeof key) return 0;
    memcpy(key, mn, mnl);
    key[mnl] = '\x1f';
    memcpy(key + mnl + 1, factor, fl + 1);
    int found = 0;
    pthread_rwlock_rdlock(&l->rw);
    int32_t id = eco_map_get(&l->keys, (eco_slice_t){key, mnl + 1 + fl});
    if (id >= 0 && (l->e[id].has & (1u << gran))) {
        *out = l->e[id].v[gran];
        found = 1;
    }
    pthread_rwlock_unlock(&l->rw);
    return found;
}

uint64_t eco_live_version(eco_live_t *l) { return atomic_load(&l->version); }

uint64_t eco_live_series(eco_live_t *l)
{
    pthread_rwlock_rdlock(&l->rw);
    uint64_t v = eco_map_size(&l->keys);
    pthread_rwlock_unlock(&l->rw);
    return v;
}

/* ------------------------------------------------------------------ ring */

uint64_t eco_live_event(eco_live_t *l, eco_live_ev_t type, const char *json, size_t n)
{
    pthread_mutex_lock(&l->mu);
    if (n >= l->slot_bytes) {
        l->dropped++;
        pthread_mutex_unlock(&l->mu);
        return 0;
    }
    uint64_t seq = ++l->head;
    size_t i = (size_t)(seq % l->nslots);
    l->slots[i].seq = seq;
    l->slots[i].type = type;
    l->slots[i].len = (uint32_t)n;
    memcpy(l->data + i * l->slot_bytes, json, n);
    l->data[i * l->slot_bytes + n] = 0;
    pthread_mutex_unlock(&l->mu);
    return seq;
}

void eco_live_notify(eco_live_t *l)
{
    pthread_mutex_lock(&l->mu);
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

void eco_live_close(eco_live_t *l)
{
    pthread_mutex_lock(&l->mu);
    l->closed = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

uint64_t eco_live_head(eco_live_t *l)
{
    pthread_mutex_lock(&l->mu);
    uint64_t h = l->head;
    pthread_mutex_unlock(&l->mu);
    return h;
}

uint64_t eco_live_tail(eco_live_t *l)
{
    pthread_mutex_lock(&l->mu);
    uint64_t t = l->head >= l->nslots ? l->head - l->nslots + 1 : 1;
    pthread_mutex_unlock(&l->mu);
    return t;
}

int eco_live_wait(eco_live_t *l, uint64_t after, int timeout_ms)
{
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += timeout_ms / 1000;
    dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) dl.tv_sec++, dl.tv_nsec -= 1000000000L;
    int r;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        if (l->closed) { r = ECO_ECANCELED; break; }
        if (l->head > after) { r = 1; break; }
        if (pthread_cond_timedwait(&l->cv, &l->mu, &dl) == ETIMEDOUT) {
            r = l->closed ? ECO_ECANCELED : l->head > after ? 1 : 0;
            break;
        }
    }
    pthread_mutex_unlock(&l->mu);
    return r;
}

int eco_live_read(eco_live_t *l, uint64_t seq, eco_live_ev_t *type, char *buf, size_t bufn, size_t *len)
{
    int r = 0;
    pthread_mutex_lock(&l->mu);
    size_t i = (size_t)(seq % l->nslots);
    if (seq == 0 || seq > l->head || l->slots[i].seq != seq) {
        r = ECO_ENOENT;
    } else if (l->slots[i].len + 1 > bufn) {
        r = ECO_ERANGE;
    } else {
        *type = l->slots[i].type;
        *len = l->slots[i].len;
        memcpy(buf, l->data + i * l->slot_bytes, l->slots[i].len + 1);
    }
    pthread_mutex_unlock(&l->mu);
    return r;
}

void eco_live_set_counters(eco_live_t *l, const eco_live_counters_t *c)
{
    pthread_mutex_lock(&l->mu);
    l->ctr = *c;
    pthread_mutex_unlock(&l->mu);
}

void eco_live_get_counters(eco_live_t *l, eco_live_counters_t *c)
{
    pthread_mutex_lock(&l->mu);
    *c = l->ctr;
    c->events_dropped = l->dropped;
    pthread_mutex_unlock(&l->mu);
}
