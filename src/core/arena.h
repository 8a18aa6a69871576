/* arena.h — bump allocator freed all at once.
 *
 * Why: a parsed file, a batch of packets or one request produces many small
 * strings and records that all die together; an arena makes each of them a
 * pointer bump and the cleanup a single call (h2o's pools).
 */
#ifndef ECO_CORE_ARENA_H
#define ECO_CORE_ARENA_H

#include <stddef.h>

typedef struct eco_arena_block eco_arena_block_t;

typedef struct eco_arena {
    eco_arena_block_t *head;
    size_t block_size; /* default 64 KiB */
    size_t used_total; /* bytes handed out, for reporting */
} eco_arena_t;

void eco_arena_init(eco_arena_t *a, size_t block_size);
/** 16-byte aligned; NULL on out of memory. */
void *eco_arena_alloc(eco_arena_t *a, size_t n);
char *eco_arena_strndup(eco_arena_t *a, const char *s, size_t n);
/** Free every block. The arena can be used again afterwards. */
void eco_arena_free(eco_arena_t *a);

#endif
