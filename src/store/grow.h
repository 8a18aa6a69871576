/* grow.h — the store's readers' one growth rule for their malloc'd arrays (internal).
 *
 * Why a header: the catalogue readers (store_air.c, store_water.c) collect sites, devices and
 * factors into arrays that double when full; one macro, not a copy per file. On failure it sets
 * oom and leaves the array as it was.
 */
#ifndef ECO_STORE_GROW_H
#define ECO_STORE_GROW_H

#include <stdlib.h>

#define GROW(arr, n, cap, oom)                                                                                     \
    do {                                                                                                           \
        if ((n) == (cap)) {                                                                                        \
            size_t nc_ = (cap) ? (cap) * 2 : 64;                                                                   \
            void *np_ = realloc((arr), nc_ * sizeof *(arr));                                                       \
            if (!np_) {                                                                                            \
                (oom) = 1;                                                                                         \
                break;                                                                                             \
            }                                                                                                      \
            (arr) = np_;                                                                                           \
            (cap) = nc_;                                                                                           \
        }                                                                                                          \
    } while (0)

#endif
