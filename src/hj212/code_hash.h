/* code_hash.h — the code table's hash, shared by codes.c and parse.c (internal).
 *
 * Why a header of its own: codes.c builds the hash (every answer
 * eco_hj212_code_find can give, keyed by the code's bytes); the stream
 * reading of parse.c probes it inline, in its CP loop, for each new factor,
 * because a call there would cost the loop the registers it keeps its
 * cursor in. Not part of hj212.h: the layout may change with codes.c.
 */
#ifndef ECO_HJ212_CODE_HASH_H
#define ECO_HJ212_CODE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "hj212/hj212.h"

#define ECO_HJ212_CODE_HASH_BITS 10
#define ECO_HJ212_CODE_HASH_SIZE (1u << ECO_HJ212_CODE_HASH_BITS)

typedef struct eco_hj212_code_slot {
    uint64_t key;                        /* the code's bytes, zero-padded (byte i in bits 8i..8i+7) */
    uint8_t len;                         /* 0: empty */
    const eco_hj212_code_t *info;        /* 2017 form (or i333?x expansion) */
    const eco_hj212_code_t *water, *gas; /* 2005 form, per table */
} eco_hj212_code_slot_t;

static inline uint32_t eco_hj212_code_slot_of(uint64_t key, size_t len)
{
    uint64_t h = (key ^ (uint64_t)len) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> (64 - ECO_HJ212_CODE_HASH_BITS));
}

/** The hash, built (on first use, as every look-up does); open addressing,
 *  linear probing, an empty slot (len 0) ends a search. */
const eco_hj212_code_slot_t *eco_hj212_code_slots(void);

#endif
