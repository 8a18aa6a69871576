/* split.c — bookkeeping of HJ 212 split packets (拆分包, PNUM/PNO).
 *
 * Why: a record too large for one frame is sent as PNUM sub-packets, each
 * with its own QN, the DataTime repeated and a disjoint subset of the factors
 * (HJ 212-2017 C.49/C.50; notes §3.5). Each part parses and stores on its
 * own, so nothing is concatenated here; what the server still needs to know
 * is whether a record (MN, CN, DataTime) is complete, still waiting, or must
 * be given up. Parts get lost and DAUs resend them (notes §3.2: duplicates
 * are normal), so the tracker must not double-count a part, must forget a
 * record after a timeout, and must stay bounded however many records are
 * open: a fixed number of slots, and when all are busy the oldest record is
 * evicted (counted) to make room.
 *
 * Rules (the contract in hj212.h, plus these decisions):
 *   - key "MN|CN|DataTime" from the packet's slices, trimmed; a key that does
 *     not fit the 96-byte slot is refused (ECO_ETOOBIG) rather than truncated
 *     into a possible collision. A packet without DataTime keys on "MN|CN|".
 *   - pnum must be 1..1024 and pno 1..pnum, else ECO_ERANGE (a packet that
 *     is not split, pnum = pno = 0, is refused the same way).
 *   - a part already seen is not counted again (returns 0, or 1 never twice).
 *   - all parts in: returns 1, `completed` += 1, the slot is released. A
 *     single-part record (PNUM=1) completes at once without taking a slot.
 *     A late duplicate arriving AFTER completion opens a new record that
 *     will expire: the tracker keeps no memory of completed keys.
 *   - the same key with a different pnum: the old partial record cannot be
 *     matched against the new count, so it is dropped (`evicted` += 1) and a
 *     new record starts with this part.
 *   - an open record older than timeout_ms (now - first_seen > timeout) is
 *     expired: by eco_hj212_split_expire, or lazily when add meets it (the
 *     part then starts a fresh record); either way `expired` += 1.
 *   - no free slot: expired records are reused first; otherwise the record
 *     with the oldest first_seen is evicted (`evicted` += 1).
 * The clock is the caller's (milliseconds, any epoch), so tests and replays
 * are deterministic. Lookup is a linear scan over the slots: split packets
 * are rare (a record over ~950 bytes of CP) and nslots is small.
 */
#include "hj212/hj212.h"

#include <string.h>

#include "core/alloc.h"

#define SPLIT_DEFAULT_SLOTS 256
#define SPLIT_DEFAULT_TIMEOUT_MS (10 * 60 * 1000) /* 10 min */
#define SPLIT_MAX_PNUM 1024

int eco_hj212_split_init(eco_hj212_split_t *s, size_t nslots, int64_t timeout_ms)
{
    if (!s)
        return ECO_EINVAL;
    memset(s, 0, sizeof *s);
    if (nslots == 0)
        nslots = SPLIT_DEFAULT_SLOTS;
    s->slots = eco_calloc(nslots, sizeof *s->slots);
    if (!s->slots)
        return ECO_ENOMEM;
    s->nslots = nslots;
    s->timeout_ms = timeout_ms > 0 ? timeout_ms : SPLIT_DEFAULT_TIMEOUT_MS;
    return 0;
}

void eco_hj212_split_free(eco_hj212_split_t *s)
{
    if (!s)
        return;
    if (s->slots)
        eco_free(s->slots, s->nslots * sizeof *s->slots);
    memset(s, 0, sizeof *s);
}

static int slot_used(const eco_hj212_split_entry_t *e) { return e->pnum != 0; }

static void slot_release(eco_hj212_split_entry_t *e) { memset(e, 0, sizeof *e); }

static int slot_stale(const eco_hj212_split_t *s, const eco_hj212_split_entry_t *e, int64_t now_ms)
{
    /* written so that no subtraction can overflow */
    if (now_ms <= e->first_seen)
        return 0;
    return (uint64_t)now_ms - (uint64_t)e->first_seen > (uint64_t)s->timeout_ms;
}

/* Append a slice to key[*n]; 0, or -1 when it does not fit (with the NUL). */
static int key_put(char *key, size_t cap, size_t *n, eco_slice_t v)
{
    if (v.len && !v.ptr)
        return -1;
    if (v.len >= cap - *n)
        return -1;
    if (v.len)
        memcpy(key + *n, v.ptr, v.len);
    *n += v.len;
    key[*n] = '\0';
    return 0;
}

static eco_slice_t trimmed(eco_slice_t v) { return v.ptr ? eco_slice_trim(v) : (eco_slice_t){NULL, 0}; }

static int make_key(const eco_hj212_packet_t *pkt, char *key, size_t cap)
{
    size_t n = 0;
    key[0] = '\0';
    if (key_put(key, cap, &n, trimmed(pkt->mn)) || key_put(key, cap, &n, ECO_SLICE_LIT("|")) ||
        key_put(key, cap, &n, trimmed(pkt->cn)) || key_put(key, cap, &n, ECO_SLICE_LIT("|")) ||
        key_put(key, cap, &n, trimmed(pkt->datatime)))
        return ECO_ETOOBIG;
    return 0;
}

static void slot_start(eco_hj212_split_entry_t *e, const char *key, int pnum, int pno, int64_t now_ms)
{
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, strlen(key) + 1);
    e->pnum = (uint16_t)pnum;
    e->have[(pno - 1) / 8] |= (uint8_t)(1u << ((pno - 1) % 8));
    e->nhave = 1;
    e->first_seen = now_ms;
}

int eco_hj212_split_add(eco_hj212_split_t *s, const eco_hj212_packet_t *pkt, int64_t now_ms)
{
    if (!s || !s->slots || s->nslots == 0 || !pkt)
        return ECO_EINVAL;
    int pnum = pkt->pnum, pno = pkt->pno;
    if (pnum < 1 || pnum > SPLIT_MAX_PNUM || pno < 1 || pno > pnum)
        return ECO_ERANGE;

    char key[sizeof s->slots[0].key];
    int rc = make_key(pkt, key, sizeof key);
    if (rc < 0)
        return rc;

    if (pnum == 1) { /* a record of one part is complete as it arrives */
        s->completed++;
        return 1;
    }

    /* one pass: the record's slot, a free slot, a stale slot, the oldest slot */
    eco_hj212_split_entry_t *hit = NULL, *free_slot = NULL, *stale = NULL, *oldest = NULL;
    for (size_t i = 0; i < s->nslots; i++) {
        eco_hj212_split_entry_t *e = &s->slots[i];
        if (!slot_used(e)) {
            if (!free_slot)
                free_slot = e;
            continue;
        }
        if (!hit && strcmp(e->key, key) == 0)
            hit = e;
        else if (slot_stale(s, e, now_ms)) {
            if (!stale)
                stale = e;
        } else if (!oldest || e->first_seen < oldest->first_seen)
            oldest = e;
    }

    if (hit) {
        if (slot_stale(s, hit, now_ms)) {
            s->expired++;
            slot_start(hit, key, pnum, pno, now_ms);
            return 0;
        }
        if (hit->pnum != pnum) {
            s->evicted++;
            slot_start(hit, key, pnum, pno, now_ms);
            return 0;
        }
        unsigned bit = (unsigned)(pno - 1);
        uint8_t mask = (uint8_t)(1u << (bit % 8));
        if (hit->have[bit / 8] & mask)
            return 0; /* duplicate part */
        hit->have[bit / 8] |= mask;
        hit->nhave++;
        if (hit->nhave < hit->pnum)
            return 0;
        s->completed++;
        slot_release(hit);
        return 1;
    }

    eco_hj212_split_entry_t *e = free_slot;
    if (!e && stale) {
        s->expired++;
        e = stale;
    }
    if (!e) {
        s->evicted++;
        e = oldest;
    }
    slot_start(e, key, pnum, pno, now_ms);
    return 0;
}

size_t eco_hj212_split_expire(eco_hj212_split_t *s, int64_t now_ms)
{
    if (!s || !s->slots)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < s->nslots; i++) {
        eco_hj212_split_entry_t *e = &s->slots[i];
        if (slot_used(e) && slot_stale(s, e, now_ms)) {
            slot_release(e);
            n++;
        }
    }
    s->expired += n;
    return n;
}
