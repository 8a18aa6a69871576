/* alloc.h — the one allocator hook (Lua's lua_Alloc, libuv's uv_replace_allocator).
 *
 * Why: every allocation in ecobrain goes through eco_realloc_fn so that tests
 * can inject out-of-memory at the N-th call and prove each path fails cleanly
 * with ECO_ENOMEM instead of crashing. The hook always knows the old size.
 */
#ifndef ECO_CORE_ALLOC_H
#define ECO_CORE_ALLOC_H

#include <stddef.h>

/** nsize == 0 frees ptr and returns NULL; otherwise behaves like realloc. */
typedef void *(*eco_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/** Replace the allocator (NULL restores the default). Not thread-safe; call at start. */
void eco_set_allocator(eco_alloc_fn fn, void *ud);

void *eco_malloc(size_t n);
void *eco_calloc(size_t count, size_t size);
void *eco_realloc(void *p, size_t osize, size_t nsize);
void eco_free(void *p, size_t size);
char *eco_strndup(const char *s, size_t n);

#endif
