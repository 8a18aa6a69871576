/* arena.c — bump allocator (see arena.h). */
#include "core/arena.h"

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
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    eco_arena_block_t *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t sz = n > a->block_size ? n : a->block_size;
        b = eco_malloc(sizeof *b + sz);
        if (!b) return NULL;
        b->size = sz;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->used_total += n;
    return p;
}

char *eco_arena_strndup(eco_arena_t *a, const char *s, size_t n)
{
    char *d = eco_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
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
