/* map.h — string -> dense id map (open addressing, keys in an arena).
 *
 * Why: CSV faces meet the same few thousand site codes millions of times; a
 * map from the code to a small integer lets everything downstream be arrays
 * indexed by id instead of string compares.
 */
#ifndef ECO_CORE_MAP_H
#define ECO_CORE_MAP_H

#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

/* A look-up touches its slot and the key's bytes, two cache lines: the slot carries the hash and
 * a pointer to the copy, which carries its length just before its bytes. */
typedef struct eco_map_slot {
    uint32_t hash, id1; /* id + 1, 0 = empty */
    const char *key;    /* the copy in the arena; its length is the uint32_t just before it */
} eco_map_slot_t;

typedef struct eco_map {
    eco_map_slot_t *slots;
    eco_slice_t *keys; /* per id, NUL-terminated copies in the arena */
    uint32_t nslots, n, cap;
    eco_arena_t arena;
} eco_map_t;

void eco_map_init(eco_map_t *m);
void eco_map_free(eco_map_t *m);
/** id of key, or -1 when absent. */
int32_t eco_map_get(const eco_map_t *m, eco_slice_t key);
/** id of key, inserting it when absent; ECO_ENOMEM (< 0) on failure. */
int32_t eco_map_put(eco_map_t *m, eco_slice_t key);
static inline uint32_t eco_map_size(const eco_map_t *m) { return m->n; }
static inline const char *eco_map_key(const eco_map_t *m, uint32_t id) { return m->keys[id].ptr; }

#endif
