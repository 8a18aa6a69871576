/* test_arena_map.c — the bump allocator and the string -> dense id map.
 *
 * Why: records are laid out in arena memory (so alignment is a correctness
 * issue, not a nicety) and everything downstream of the CSV reader indexes
 * arrays by map id, so an id that changed after the table grew, or a key that
 * collided with another, would silently attach one station's readings to
 * another. The tests write through every returned pointer and check every id
 * against an independent record of what was inserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/map.h"

/* ---- an allocator that counts calls (for "no hidden allocation" checks) --- */

static size_t g_allocs;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    g_allocs++;
    return realloc(ptr, nsize);
}

/* ---- arena -------------------------------------------------------------- */

static void test_arena_alignment_and_no_overlap(void **state)
{
    (void)state;
    eco_arena_t a;
    eco_arena_init(&a, 4096);
    enum { N = 5000 };
    unsigned char *p[N];
    size_t sz[N];
    size_t total = 0;
    uint32_t r = 1;
    for (int i = 0; i < N; i++) {
        r = r * 1664525u + 1013904223u;
        sz[i] = (r >> 16) % 200;             /* 0..199, including 0 */
        if (i % 997 == 0) sz[i] = 10000;      /* now and then larger than a block */
        p[i] = eco_arena_alloc(&a, sz[i]);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 16, 0);
        memset(p[i], i & 0xFF, sz[i]);
        total += sz[i] ? (sz[i] + 15) / 16 * 16 : 16;
    }
    /* nothing was overwritten by a later allocation */
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < sz[i]; k++)
            if (p[i][k] != (unsigned char)(i & 0xFF)) fail_msg("allocation %d byte %zu overwritten", i, k);
    assert_int_equal(a.used_total, total);
    /* doubles and 16-byte types can live there */
    long double *ld = eco_arena_alloc(&a, sizeof *ld * 3);
    assert_non_null(ld);
    ld[2] = 1.5L;
    assert_true(ld[2] == 1.5L);
    eco_arena_free(&a);
    assert_null(a.head);
    assert_int_equal(a.used_total, 0);
    /* usable again after free */
    char *s = eco_arena_strndup(&a, "again", 5);
    assert_string_equal(s, "again");
    eco_arena_free(&a);
}

static void test_arena_large_blocks(void **state)
{
    (void)state;
    eco_arena_t a;
    eco_arena_init(&a, 0);
    assert_int_equal(a.block_size, 65536); /* 0 means the default */
    /* a request far beyond the block size gets its own block */
    size_t big = 5u * 1024 * 1024 + 3;
    unsigned char *b = eco_arena_alloc(&a, big);
    assert_non_null(b);
    assert_int_equal((uintptr_t)b % 16, 0);
    memset(b, 0xAB, big);
    assert_int_equal(b[big - 1], 0xAB);
    /* a request so large that rounding it up would wrap is refused, not
     * turned into a 16-byte allocation */
    assert_null(eco_arena_alloc(&a, SIZE_MAX));
    assert_null(eco_arena_alloc(&a, SIZE_MAX - 8));
    assert_null(eco_arena_strndup(&a, "x", SIZE_MAX));
    eco_arena_free(&a);
}

static void test_arena_big_request_keeps_current_block(void **state)
{
    (void)state;
    eco_arena_t a;
    eco_arena_init(&a, 4096);
    eco_set_allocator(counting_alloc, NULL);
    g_allocs = 0;
    assert_non_null(eco_arena_alloc(&a, 16)); /* block 1 */
    assert_non_null(eco_arena_alloc(&a, 100000)); /* its own block */
    assert_int_equal(g_allocs, 2);
    /* the small block's free space is still used: no third block */
    for (int i = 0; i < 100; i++) assert_non_null(eco_arena_alloc(&a, 16));
    assert_int_equal(g_allocs, 2);
    eco_arena_free(&a);
    eco_set_allocator(NULL, NULL);
}

static void test_arena_strndup(void **state)
{
    (void)state;
    eco_arena_t a;
    eco_arena_init(&a, 64);
    char *s = eco_arena_strndup(&a, "北京市海淀区", strlen("北京市海淀区"));
    assert_string_equal(s, "北京市海淀区");
    char *t = eco_arena_strndup(&a, "abcdef", 3);
    assert_string_equal(t, "abc");
    char *e = eco_arena_strndup(&a, NULL, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    assert_string_equal(s, "北京市海淀区"); /* earlier strings intact */
    eco_arena_free(&a);
}

/* ---- map ---------------------------------------------------------------- */

static void key_of(char *buf, size_t n, int i)
{
    /* site-code-like keys, some sharing long prefixes */
    snprintf(buf, n, "%s%d", i % 3 ? "1001A" : "站点-", i);
}

static void test_map_many_keys_ids_stable(void **state)
{
    (void)state;
    eco_map_t m;
    eco_map_init(&m);
    enum { N = 100000 };
    char k[32];
    assert_int_equal(eco_map_get(&m, eco_slice_cstr("absent")), -1); /* empty map */
    for (int i = 0; i < N; i++) {
        key_of(k, sizeof k, i);
        assert_int_equal(eco_map_put(&m, eco_slice_cstr(k)), i); /* dense, in insertion order */
        if (i % 1000 == 0) {
            /* earlier ids survive every growth */
            for (int j = 0; j <= i; j += 97) {
                key_of(k, sizeof k, j);
                assert_int_equal(eco_map_get(&m, eco_slice_cstr(k)), j);
            }
        }
    }
    assert_int_equal(eco_map_size(&m), N);
    for (int i = 0; i < N; i++) {
        key_of(k, sizeof k, i);
        assert_int_equal(eco_map_get(&m, eco_slice_cstr(k)), i);
        assert_int_equal(eco_map_put(&m, eco_slice_cstr(k)), i); /* put of a known key: same id */
        assert_string_equal(eco_map_key(&m, (uint32_t)i), k);
    }
    assert_int_equal(eco_map_size(&m), N);
    assert_int_equal(eco_map_get(&m, eco_slice_cstr("1001A")), -1);
    assert_int_equal(eco_map_get(&m, eco_slice_cstr("1001A1x")), -1);
    eco_map_free(&m);
}

static void test_map_key_bytes(void **state)
{
    (void)state;
    eco_map_t m;
    eco_map_init(&m);
    /* the empty key, keys that are prefixes of each other, embedded NUL */
    assert_int_equal(eco_map_put(&m, (eco_slice_t){NULL, 0}), 0);
    assert_int_equal(eco_map_put(&m, eco_slice_cstr("a")), 1);
    assert_int_equal(eco_map_put(&m, eco_slice_cstr("ab")), 2);
    assert_int_equal(eco_map_put(&m, (eco_slice_t){"a\0b", 3}), 3);
    assert_int_equal(eco_map_put(&m, (eco_slice_t){"a\0c", 3}), 4);
    assert_int_equal(eco_map_put(&m, eco_slice_cstr("")), 0);
    assert_int_equal(eco_map_get(&m, (eco_slice_t){"a\0b", 3}), 3);
    assert_int_equal(eco_map_get(&m, (eco_slice_t){"abc", 2}), 2); /* only len bytes */
    assert_int_equal(eco_map_get(&m, eco_slice_cstr("A")), -1);    /* case matters */
    assert_string_equal(eco_map_key(&m, 0), "");
    assert_int_equal(m.keys[3].len, 3);
    assert_memory_equal(m.keys[4].ptr, "a\0c", 4); /* copy is NUL-terminated too */
    /* the stored key is a copy: changing the caller's buffer changes nothing */
    char buf[8] = "xyz";
    assert_int_equal(eco_map_put(&m, eco_slice_cstr(buf)), 5);
    buf[0] = 'Q';
    assert_int_equal(eco_map_get(&m, eco_slice_cstr("xyz")), 5);
    assert_int_equal(eco_map_get(&m, eco_slice_cstr("Qyz")), -1);
    eco_map_free(&m);
}

static void test_map_free_and_reuse(void **state)
{
    (void)state;
    eco_map_t m;
    eco_map_init(&m);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 300; i++) {
            char k[16];
            snprintf(k, sizeof k, "k%d", i);
            assert_int_equal(eco_map_put(&m, eco_slice_cstr(k)), i);
        }
        assert_int_equal(eco_map_size(&m), 300);
        eco_map_free(&m);
        assert_int_equal(eco_map_size(&m), 0);
        assert_int_equal(eco_map_get(&m, eco_slice_cstr("k1")), -1);
        assert_int_equal(m.arena.block_size, 65536); /* arena still configured */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alignment_and_no_overlap),
        cmocka_unit_test(test_arena_large_blocks),
        cmocka_unit_test(test_arena_big_request_keeps_current_block),
        cmocka_unit_test(test_arena_strndup),
        cmocka_unit_test(test_map_many_keys_ids_stable),
        cmocka_unit_test(test_map_key_bytes),
        cmocka_unit_test(test_map_free_and_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
