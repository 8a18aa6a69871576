/* alloc.c — default allocator and the hook (see alloc.h). */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static eco_alloc_fn g_alloc = default_alloc;
static void *g_ud;

void eco_set_allocator(eco_alloc_fn fn, void *ud)
{
    g_alloc = fn ? fn : default_alloc;
    g_ud = fn ? ud : NULL;
}

void *eco_malloc(size_t n) { return g_alloc(g_ud, NULL, 0, n ? n : 1); }

void *eco_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = eco_malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *eco_realloc(void *p, size_t osize, size_t nsize)
{
    return g_alloc(g_ud, p, osize, nsize ? nsize : 1);
}

void eco_free(void *p, size_t size)
{
    if (p) g_alloc(g_ud, p, size, 0);
}

char *eco_strndup(const char *s, size_t n)
{
    if (n == (size_t)-1) return NULL;
    char *d = eco_malloc(n + 1);
    if (d) {
        if (n) memcpy(d, s, n); /* s may be NULL when n == 0 */
        d[n] = '\0';
    }
    return d;
}
