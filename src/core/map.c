/* map.c — see map.h. Linear probing, load factor <= 1/2, a hash eight bytes at a time.
 *
 * Why this layout: the ingest writer looks up a series (MN + factor) and a screen state for
 * every stored value among tens of thousands of keys, so each look-up is a few cache misses,
 * not arithmetic. The slot holds the 32-bit hash, so a probe past another key reads no key, and a
 * pointer to the key's copy, so a hit reads one more line (length and bytes together), not a
 * per-id hash array, a per-id slice and then the bytes. */
#include "core/map.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static uint32_t hash(eco_slice_t k)
{
    const unsigned char *p = (const unsigned char *)k.ptr;
    size_t n = k.len;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    if (n) { /* 1..7 bytes: two overlapping 4-byte loads, or the bytes one by one */
        uint64_t w = 0;
        if (n >= 4) {
            uint32_t a, b;
            memcpy(&a, p, 4);
            memcpy(&b, p + n - 4, 4);
            w = (uint64_t)a << 32 | b;
        } else {
            for (size_t i = 0; i < n; i++) w = w << 8 | p[i];
        }
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static uint32_t key_len(const char *key)
{
    uint32_t n;
    memcpy(&n, key - sizeof n, sizeof n);
    return n;
}

void eco_map_init(eco_map_t *m)
{
    memset(m, 0, sizeof *m);
    eco_arena_init(&m->arena, 0);
}

void eco_map_free(eco_map_t *m)
{
    eco_free(m->slots, (size_t)m->nslots * sizeof *m->slots);
    eco_free(m->keys, (size_t)m->cap * sizeof *m->keys);
    eco_arena_free(&m->arena);
    eco_map_init(m); /* usable again, with its arena's block size intact */
}

int32_t eco_map_get(const eco_map_t *m, eco_slice_t key)
{
    if (!m->nslots) return -1;
    uint32_t h = hash(key), mask = m->nslots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        const eco_map_slot_t *s = &m->slots[i];
        if (!s->id1) return -1;
        if (s->hash == h && key_len(s->key) == key.len && (key.len == 0 || memcmp(s->key, key.ptr, key.len) == 0))
            return (int32_t)(s->id1 - 1);
    }
}

/* Double the capacity. Both arrays are allocated before either is replaced, so a failure leaves
 * the map exactly as it was (a half-grown map would let the table fill up and eco_map_get probe
 * forever). */
static int grow(eco_map_t *m)
{
    if (m->cap > (UINT32_C(1) << 29)) return ECO_ENOMEM; /* ids are int32_t, slots 2 * cap */
    uint32_t ncap = m->cap ? m->cap * 2 : 64;
    uint32_t nslots = ncap * 2;
    eco_slice_t *nk = eco_malloc((size_t)ncap * sizeof *nk);
    eco_map_slot_t *ns = eco_calloc(nslots, sizeof *ns);
    if (!nk || !ns) {
        eco_free(nk, (size_t)ncap * sizeof *nk);
        eco_free(ns, (size_t)nslots * sizeof *ns);
        return ECO_ENOMEM;
    }
    if (m->n) memcpy(nk, m->keys, m->n * sizeof *nk);
    for (uint32_t k = 0; k < m->nslots; k++) {
        if (!m->slots[k].id1) continue;
        uint32_t i = m->slots[k].hash & (nslots - 1);
        while (ns[i].id1) i = (i + 1) & (nslots - 1);
        ns[i] = m->slots[k];
    }
    eco_free(m->keys, (size_t)m->cap * sizeof *m->keys);
    eco_free(m->slots, (size_t)m->nslots * sizeof *m->slots);
    m->keys = nk;
    m->slots = ns;
    m->cap = ncap;
    m->nslots = nslots;
    return 0;
}

int32_t eco_map_put(eco_map_t *m, eco_slice_t key)
{
    int32_t id = eco_map_get(m, key);
    if (id >= 0) return id;
    if (key.len > UINT32_MAX - 16) return ECO_ENOMEM;
    if (m->n == m->cap && grow(m)) return ECO_ENOMEM;
    /* the copy: its length (uint32_t), then its bytes and a NUL */
    char *rec = eco_arena_alloc(&m->arena, sizeof(uint32_t) + key.len + 1);
    if (!rec) return ECO_ENOMEM;
    uint32_t len = (uint32_t)key.len;
    memcpy(rec, &len, sizeof len);
    char *copy = rec + sizeof len;
    if (key.len) memcpy(copy, key.ptr, key.len);
    copy[key.len] = '\0';
    uint32_t h = hash(key), mask = m->nslots - 1;
    uint32_t nid = m->n++;
    m->keys[nid] = (eco_slice_t){copy, key.len};
    uint32_t i = h & mask;
    while (m->slots[i].id1) i = (i + 1) & mask;
    m->slots[i] = (eco_map_slot_t){h, nid + 1, copy};
    return (int32_t)nid;
}
