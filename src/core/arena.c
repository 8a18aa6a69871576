/* arena.c — bump allocator (see arena.h). */
#include "core/arena.h"

#include <stdint.h>
#include <string.h>

#include "core/alloc.h"

struct eco_arena_block {
    eco_arena_block_t *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void eco_arena_init(eco_arena_t *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 65536;
    a->used_total = 0;
}

void *eco_arena_alloc(eco_arena_t *a, size_t n)
{
    /* rounding up (and the block header) must not wrap a huge request round
     * to a small one */
    if (n > SIZE_MAX - sizeof(eco_arena_block_t) - 15) return NULL;
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    eco_arena_block_t *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t sz = n > a->block_size ? n : a->block_size;
        eco_arena_block_t *nb = eco_malloc(sizeof *nb + sz);
        if (!nb) return NULL;
        nb->size = sz;
        nb->used = 0;
        if (b && n > a->block_size && b->size - b->used >= 16) {
            /* an oversized block is full at once: keep it behind the current
             * block, whose free space stays usable for the next small calls */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = a->head;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->used_total += n;
    return p;
}

char *eco_arena_strndup(eco_arena_t *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) return NULL;
    char *d = eco_arena_alloc(a, n + 1);
    if (d) {
        if (n) memcpy(d, s, n); /* s may be NULL when n == 0 */
        d[n] = '\0';
    }
    return d;
}

void eco_arena_free(eco_arena_t *a)
{
    eco_arena_block_t *b = a->head;
    while (b) {
        eco_arena_block_t *next = b->next;
        eco_free(b, sizeof *b + b->size);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}
