/* test_oom.c — out-of-memory injection through eco_set_allocator.
 *
 * Why: alloc.h promises that every allocation in ecobrain can fail cleanly.
 * That promise is only worth something if each failure point is exercised:
 * for every N from 1 to the number of allocations a scenario makes, the N-th
 * allocation fails (once, or from then on) while reading a CSV (memory and
 * FILE sources), writing JSON, filling a map and using an arena. Each run must
 * report ECO_ENOMEM (or set buf->oom), keep what it had already produced
 * intact, leave the structure usable or at least freeable, and free exactly
 * what it allocated. The allocator below also checks the size every free and
 * realloc claims against what was really allocated, since the hook promises
 * to "always know the old size".
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
#include "core/csv.h"
#include "core/error.h"
#include "core/json.h"
#include "core/map.h"

/* ---- the failing allocator --------------------------------------------- */

#define MAX_LIVE 4096

typedef struct {
    size_t calls;      /* allocations (nsize > 0) so far */
    size_t fail_at;    /* 0 = never */
    int sticky;        /* fail every call from fail_at on */
    size_t failures;   /* calls that returned NULL */
    size_t bad_osize;  /* frees/reallocs whose osize was not the real size */
    size_t nlive;
    struct {
        void *p;
        size_t n;
    } live[MAX_LIVE];
} oom_t;

static oom_t g_oom;

static size_t live_find(oom_t *o, void *p)
{
    for (size_t i = 0; i < o->nlive; i++)
        if (o->live[i].p == p) return i;
    return (size_t)-1;
}

static void live_drop(oom_t *o, void *p, size_t osize)
{
    size_t i = live_find(o, p);
    if (i == (size_t)-1) {
        o->bad_osize++; /* freeing something we never handed out */
        return;
    }
    if (o->live[i].n != osize) o->bad_osize++;
    o->live[i] = o->live[--o->nlive];
}

static void *oom_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    oom_t *o = ud;
    if (nsize == 0) {
        if (ptr) live_drop(o, ptr, osize);
        free(ptr);
        return NULL;
    }
    o->calls++;
    if (o->fail_at && (o->calls == o->fail_at || (o->sticky && o->calls > o->fail_at))) {
        o->failures++;
        return NULL; /* like realloc: ptr stays valid */
    }
    if (ptr) live_drop(o, ptr, osize);
    void *p = realloc(ptr, nsize);
    if (!p) abort();
    if (o->nlive == MAX_LIVE) abort();
    o->live[o->nlive].p = p;
    o->live[o->nlive].n = nsize;
    o->nlive++;
    return p;
}

static void oom_install(size_t fail_at, int sticky)
{
    memset(&g_oom, 0, sizeof g_oom);
    g_oom.fail_at = fail_at;
    g_oom.sticky = sticky;
    eco_set_allocator(oom_alloc, &g_oom);
}

static void oom_remove(void) { eco_set_allocator(NULL, NULL); }

/* A scenario returns 0 when it ran to the end, ECO_ENOMEM when it observed an
 * allocation failure (and handled it); it asserts its own invariants. */
typedef int (*scenario_fn)(void);

static void run_injection(scenario_fn fn, const char *name)
{
    /* dry run: count the allocations */
    oom_install(0, 0);
    assert_int_equal(fn(), 0);
    oom_remove();
    size_t total = g_oom.calls;
    assert_int_equal(g_oom.nlive, 0);
    assert_int_equal(g_oom.bad_osize, 0);
    assert_true(total > 3); /* the scenario must actually allocate */

    for (int sticky = 0; sticky <= 1; sticky++) {
        for (size_t n = 1; n <= total + 1; n++) {
            oom_install(n, sticky);
            int rc = fn();
            oom_remove();
            int want = n <= total ? ECO_ENOMEM : 0;
            if (rc != want || g_oom.nlive != 0 || g_oom.bad_osize != 0) {
                print_error("%s: failing allocation %zu of %zu (%s): rc %d, %zu blocks leaked, %zu bad sizes\n",
                            name, n, total, sticky ? "and all after" : "once", rc, g_oom.nlive, g_oom.bad_osize);
                fail();
            }
            if (n <= total) assert_true(g_oom.failures >= 1);
        }
    }
}

/* ---- CSV ------------------------------------------------------------------ */

static eco_buf_t g_csv_doc = ECO_BUF_INIT;    /* the input (built with the default allocator) */
static eco_buf_t g_csv_expect = ECO_BUF_INIT; /* transcript of a clean read */

static void csv_build_doc(void)
{
    if (g_csv_doc.len) return;
    eco_buf_puts(&g_csv_doc, "\xEF\xBB\xBFsite,time,pm2_5\n");
    for (int i = 0; i < 400; i++) eco_buf_printf(&g_csv_doc, "\"站点%d\",2026-04-11 %02d:00,%d\r\n", i, i % 24, i);
    /* a wide record (ends[] grows) and a long one (rec grows), then more */
    for (int i = 0; i < 300; i++) eco_buf_printf(&g_csv_doc, "%sf%d", i ? "," : "", i);
    eco_buf_putc(&g_csv_doc, '\n');
    eco_buf_putc(&g_csv_doc, '"');
    for (int i = 0; i < 20000; i++) eco_buf_putc(&g_csv_doc, (char)('a' + i % 26));
    eco_buf_puts(&g_csv_doc, "\"\nbad\xff\nlast,1\n");
    /* the FILE source reads 64 KiB at a time: make it take two reads */
    while (g_csv_doc.len < 70000) eco_buf_puts(&g_csv_doc, "pad,pad,pad\n");
    assert_false(g_csv_doc.oom);
}

/* Read everything; append a line per record to out. */
static int csv_read_all(eco_csv_t *c, eco_buf_t *out)
{
    eco_err_t err;
    int r, saw_oom = 0;
    while ((r = eco_csv_next(c, &err)) != 0) {
        if (r == ECO_ENOMEM) {
            assert_int_equal(err.code, ECO_ENOMEM);
            assert_non_null(strstr(err.msg, "out of memory"));
            saw_oom = 1;
            continue; /* final: the next call must return 0 */
        }
        assert_false(saw_oom);
        if (r < 0) {
            assert_int_equal(r, ECO_ECSV_ENCODING);
            eco_buf_printf(out, "error %s\n", err.msg);
            continue;
        }
        eco_buf_printf(out, "%zu:%zu:", eco_csv_line(c), eco_csv_nfields(c));
        for (size_t i = 0; i < eco_csv_nfields(c); i++) {
            eco_slice_t f = eco_csv_field(c, i);
            eco_buf_append(out, f.ptr, f.len);
            eco_buf_putc(out, '|');
        }
        eco_buf_putc(out, '\n');
    }
    return saw_oom ? ECO_ENOMEM : 0;
}

/* Output of the reads under test: reserved once with the real allocator and
 * only reset afterwards, so it never allocates while injection is on. */
static eco_buf_t g_csv_out = ECO_BUF_INIT;

static int csv_scenario(int from_file)
{
    eco_csv_t c;
    FILE *f = NULL;
    if (from_file) {
        f = fmemopen(g_csv_doc.data, g_csv_doc.len, "r");
        assert_non_null(f);
        eco_csv_open_file(&c, f, "oom.csv");
    } else {
        eco_csv_open_mem(&c, g_csv_doc.data, g_csv_doc.len, "oom.csv");
    }
    eco_buf_reset(&g_csv_out);
    int rc = csv_read_all(&c, &g_csv_out);
    eco_csv_close(&c);
    if (f) fclose(f);
    assert_false(g_csv_out.oom);
    /* whatever was read before the failure is exactly the start of a full read */
    assert_true(g_csv_out.len <= g_csv_expect.len);
    assert_memory_equal(g_csv_out.data, g_csv_expect.data, g_csv_out.len);
    if (rc == 0) assert_int_equal(g_csv_out.len, g_csv_expect.len);
    return rc;
}

/* With the default allocator: the input, the expected transcript, the output room. */
static void csv_prepare(void)
{
    if (g_csv_expect.len) return;
    csv_build_doc();
    eco_csv_t c;
    eco_csv_open_mem(&c, g_csv_doc.data, g_csv_doc.len, "oom.csv");
    assert_int_equal(csv_read_all(&c, &g_csv_expect), 0);
    eco_csv_close(&c);
    assert_non_null(strstr(g_csv_expect.data, "error oom.csv:"));  /* the bad line is in it */
    assert_non_null(strstr(g_csv_expect.data, ":2:last|1|\n")); /* and the line after it */
    assert_int_equal(eco_buf_reserve(&g_csv_out, 2 * g_csv_expect.len), 0);
}

static int csv_mem_scenario(void) { return csv_scenario(0); }
static int csv_file_scenario(void) { return csv_scenario(1); }

static void test_oom_csv_memory(void **state)
{
    (void)state;
    csv_prepare();
    run_injection(csv_mem_scenario, "csv (memory)");
}

static void test_oom_csv_file(void **state)
{
    (void)state;
    csv_prepare();
    run_injection(csv_file_scenario, "csv (FILE)");
}

/* ---- JSON ----------------------------------------------------------------- */

static int json_scenario(void)
{
    eco_buf_t b = ECO_BUF_INIT;
    eco_json_t j;
    eco_json_init(&j, &b);
    eco_json_obj_begin(&j);
    eco_json_key(&j, "rows");
    eco_json_arr_begin(&j);
    for (int i = 0; i < 300; i++) {
        eco_json_obj_begin(&j);
        eco_json_key(&j, "site");
        eco_json_str(&j, "万寿西宫 \"东四\"\n");
        eco_json_key(&j, "pm2_5");
        eco_json_num(&j, i * 1.5, 1);
        eco_json_key(&j, "n");
        eco_json_int(&j, i);
        eco_json_key(&j, "ok");
        eco_json_bool(&j, i % 2);
        eco_json_obj_end(&j);
    }
    eco_json_arr_end(&j);
    eco_json_obj_end(&j);
    int rc = eco_json_status(&j);
    if (rc) {
        assert_int_equal(rc, ECO_ENOMEM);
        assert_true(b.oom);
    } else {
        assert_false(b.oom);
        assert_int_equal(b.data[0], '{');
        assert_int_equal(b.data[b.len - 1], '}');
    }
    eco_buf_free(&b);
    return rc;
}

static void test_oom_json(void **state)
{
    (void)state;
    run_injection(json_scenario, "json");
}

/* the buffer's own entry points, each of which can be the one that fails */
static int buf_scenario(void)
{
    eco_buf_t b = ECO_BUF_INIT;
    int rc = 0;
    for (int i = 0; i < 200 && !rc; i++) {
        switch (i % 5) {
        case 0: rc = eco_buf_printf(&b, "%d:%s;", i, "北京"); break;
        case 1: rc = eco_buf_put_double(&b, i / 7.0, -1); break;
        case 2: rc = eco_buf_put_csv_field(&b, "a,\"b\"", 5); break;
        case 3: rc = eco_buf_puts(&b, "0123456789abcdef0123456789abcdef"); break;
        default: rc = eco_buf_putc(&b, '\n'); break;
        }
    }
    if (rc) {
        assert_int_equal(rc, ECO_ENOMEM);
        assert_true(b.oom);
        assert_int_equal(eco_buf_putc(&b, 'x'), ECO_ENOMEM); /* sticky */
    }
    eco_buf_free(&b);
    return rc;
}

static void test_oom_buf(void **state)
{
    (void)state;
    run_injection(buf_scenario, "buf");
}

/* ---- map -------------------------------------------------------------------- */

#define MAP_KEYS 3000

static void map_key(char *k, size_t n, int i) { snprintf(k, n, "1001A-%d", i); }

/* After a failed put, the map must still answer for what it holds (and a get
 * of an absent key must terminate), and, once memory is back, keep going with
 * dense ids. */
static int map_scenario(void)
{
    eco_map_t m;
    eco_map_init(&m);
    char k[32];
    int failed_at = -1;
    for (int i = 0; i < MAP_KEYS; i++) {
        map_key(k, sizeof k, i);
        int32_t id = eco_map_put(&m, eco_slice_cstr(k));
        if (id == ECO_ENOMEM) {
            failed_at = i;
            break;
        }
        assert_int_equal(id, i);
    }
    if (failed_at >= 0) {
        assert_int_equal(eco_map_size(&m), (uint32_t)failed_at);
        for (int i = 0; i < failed_at; i++) {
            map_key(k, sizeof k, i);
            assert_int_equal(eco_map_get(&m, eco_slice_cstr(k)), i);
        }
        map_key(k, sizeof k, failed_at);
        assert_int_equal(eco_map_get(&m, eco_slice_cstr(k)), -1);
        if (!g_oom.sticky) {
            /* memory is back: the rest goes in with the next ids */
            for (int i = failed_at; i < MAP_KEYS; i++) {
                map_key(k, sizeof k, i);
                assert_int_equal(eco_map_put(&m, eco_slice_cstr(k)), i);
            }
            for (int i = 0; i < MAP_KEYS; i++) {
                map_key(k, sizeof k, i);
                assert_int_equal(eco_map_get(&m, eco_slice_cstr(k)), i);
            }
        }
    }
    eco_map_free(&m);
    return failed_at >= 0 ? ECO_ENOMEM : 0;
}

static void test_oom_map(void **state)
{
    (void)state;
    run_injection(map_scenario, "map");
}

/* ---- arena ------------------------------------------------------------------ */

static int arena_scenario(void)
{
    eco_arena_t a;
    eco_arena_init(&a, 1024);
    int saw = 0;
    for (int i = 0; i < 60; i++) {
        size_t n = i % 10 == 9 ? 5000 : 100;
        char *p = eco_arena_alloc(&a, n);
        if (!p) {
            saw = 1;
            continue; /* the arena stays usable */
        }
        memset(p, 'x', n);
        char *s = eco_arena_strndup(&a, "北京", strlen("北京"));
        if (!s) {
            saw = 1;
            continue;
        }
        assert_string_equal(s, "北京");
    }
    eco_arena_free(&a);
    return saw ? ECO_ENOMEM : 0;
}

static void test_oom_arena(void **state)
{
    (void)state;
    run_injection(arena_scenario, "arena");
}

static void test_strndup_oom(void **state)
{
    (void)state;
    oom_install(1, 0);
    assert_null(eco_strndup("abc", 3));
    char *s = eco_strndup("abc", 2);
    assert_string_equal(s, "ab");
    eco_free(s, 3);
    assert_null(eco_calloc(SIZE_MAX / 2, 4)); /* count * size overflows */
    oom_remove();
    assert_int_equal(g_oom.nlive, 0);
    assert_int_equal(g_oom.bad_osize, 0);
}

static int teardown(void **state)
{
    (void)state;
    eco_set_allocator(NULL, NULL);
    eco_buf_free(&g_csv_doc);
    eco_buf_free(&g_csv_expect);
    eco_buf_free(&g_csv_out);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strndup_oom),
        cmocka_unit_test(test_oom_buf),
        cmocka_unit_test(test_oom_json),
        cmocka_unit_test(test_oom_arena),
        cmocka_unit_test(test_oom_map),
        cmocka_unit_test(test_oom_csv_memory),
        cmocka_unit_test(test_oom_csv_file),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
