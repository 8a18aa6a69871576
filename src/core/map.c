/* map.c — see map.h. FNV-1a hash, linear probing, load factor <= 1/2. */
#include "core/map.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static uint32_t hash(eco_slice_t k)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < k.len; i++) h = (h ^ (unsigned char)k.ptr[i]) * 16777619u;
    return h;
}

void eco_map_init(eco_map_t *m)
{
    memset(m, 0, sizeof *m);
    eco_arena_init(&m->arena, 0);
}

void eco_map_free(eco_map_t *m)
{
    eco_free(m->slots, (size_t)m->nslots * sizeof *m->slots);
    eco_free(m->hashes, (size_t)m->cap * sizeof *m->hashes);
    eco_free(m->keys, (size_t)m->cap * sizeof *m->keys);
    eco_arena_free(&m->arena);
    eco_map_init(m); /* usable again, with its arena's block size intact */
}

int32_t eco_map_get(const eco_map_t *m, eco_slice_t key)
{
    if (!m->nslots) return -1;
    uint32_t h = hash(key), mask = m->nslots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t s = m->slots[i];
        if (!s) return -1;
        uint32_t id = s - 1;
        if (m->hashes[id] == h && m->keys[id].len == key.len &&
            (key.len == 0 || memcmp(m->keys[id].ptr, key.ptr, key.len) == 0))
            return (int32_t)id;
    }
}

/* Double the capacity. All three arrays are allocated before any is replaced,
 * so a failure leaves the map exactly as it was (a half-grown map would let
 * the table fill up and eco_map_get probe forever). */
static int grow(eco_map_t *m)
{
    if (m->cap > (UINT32_C(1) << 29)) return ECO_ENOMEM; /* ids are int32_t, slots 2 * cap */
    uint32_t ncap = m->cap ? m->cap * 2 : 64;
    uint32_t nslots = ncap * 2;
    uint32_t *nh = eco_malloc((size_t)ncap * sizeof *nh);
    eco_slice_t *nk = eco_malloc((size_t)ncap * sizeof *nk);
    uint32_t *ns = eco_calloc(nslots, sizeof *ns);
    if (!nh || !nk || !ns) {
        eco_free(nh, (size_t)ncap * sizeof *nh);
        eco_free(nk, (size_t)ncap * sizeof *nk);
        eco_free(ns, (size_t)nslots * sizeof *ns);
        return ECO_ENOMEM;
    }
    if (m->n) {
        memcpy(nh, m->hashes, m->n * sizeof *nh);
        memcpy(nk, m->keys, m->n * sizeof *nk);
    }
    for (uint32_t id = 0; id < m->n; id++) {
        uint32_t i = nh[id] & (nslots - 1);
        while (ns[i]) i = (i + 1) & (nslots - 1);
        ns[i] = id + 1;
    }
    eco_free(m->hashes, (size_t)m->cap * sizeof *m->hashes);
    eco_free(m->keys, (size_t)m->cap * sizeof *m->keys);
    eco_free(m->slots, (size_t)m->nslots * sizeof *m->slots);
    m->hashes = nh;
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
    if (m->n == m->cap && grow(m)) return ECO_ENOMEM;
    char *copy = eco_arena_strndup(&m->arena, key.ptr, key.len);
    if (!copy) return ECO_ENOMEM;
    uint32_t h = hash(key), mask = m->nslots - 1;
    uint32_t nid = m->n++;
    m->hashes[nid] = h;
    m->keys[nid] = (eco_slice_t){copy, key.len};
    uint32_t i = h & mask;
    while (m->slots[i]) i = (i + 1) & mask;
    m->slots[i] = nid + 1;
    return (int32_t)nid;
}
