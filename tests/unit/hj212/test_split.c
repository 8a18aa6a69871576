/* test_split.c — PNUM/PNO tracking of HJ 212 split packets.
 *
 * Why: a split record (HJ 212-2017 C.49/C.50: one hourly 2061 record sent as
 * PNUM=2 sub-packets with their own QNs and the same DataTime) is only whole
 * when every part has arrived, and DAUs resend parts (notes §3.2, §3.5). The
 * tracker must say "complete" exactly once, in whatever order the parts come,
 * never count a resent part twice, release the slot on completion, give up
 * after the timeout, stay within its slots by evicting the oldest record,
 * and refuse impossible numbers (PNO 0, PNO > PNUM, PNUM > 1024). The packets
 * are filled by hand (mn, cn, datatime, pnum, pno), not parsed: the parser
 * is another module with its own tests.
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
#include "hj212/hj212.h"

/* the C.49/C.50 record: MN=010000A8900016F000169DC0, CN=2061, DataTime=20160801080000 */
#define C49_MN "010000A8900016F000169DC0"
#define C49_CN "2061"
#define C49_DT "20160801080000"

static eco_hj212_packet_t *pkt; /* large (~150 KiB): one, on the heap */

static int setup(void **state)
{
    (void)state;
    pkt = calloc(1, sizeof *pkt);
    return pkt ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(pkt);
    pkt = NULL;
    return 0;
}

/* Fill the fields the tracker reads. The strings must outlive the call. */
static const eco_hj212_packet_t *part(const char *mn, const char *cn, const char *dt, int pnum, int pno)
{
    pkt->mn = eco_slice_cstr(mn);
    pkt->cn = eco_slice_cstr(cn);
    pkt->cn_num = atoi(cn);
    pkt->datatime = dt ? eco_slice_cstr(dt) : (eco_slice_t){NULL, 0};
    pkt->pnum = pnum;
    pkt->pno = pno;
    pkt->flag = 6;
    return pkt;
}

static const eco_hj212_packet_t *c49(int pno) { return part(C49_MN, C49_CN, C49_DT, 2, pno); }

static size_t used_slots(const eco_hj212_split_t *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nslots; i++)
        n += s->slots[i].pnum != 0;
    return n;
}

static void test_c49_in_order(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 8, 60000), 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(1), 1000), 0);
    assert_int_equal(used_slots(&s), 1);
    /* the slot holds the record: key, count, bitmap, time */
    const eco_hj212_split_entry_t *e = NULL;
    for (size_t i = 0; i < s.nslots; i++)
        if (s.slots[i].pnum)
            e = &s.slots[i];
    assert_non_null(e);
    assert_string_equal(e->key, C49_MN "|" C49_CN "|" C49_DT);
    assert_int_equal(e->pnum, 2);
    assert_int_equal(e->nhave, 1);
    assert_int_equal(e->have[0], 0x01);
    assert_int_equal(e->first_seen, 1000);

    assert_int_equal(eco_hj212_split_add(&s, c49(2), 1500), 1);
    assert_int_equal(s.completed, 1);
    assert_int_equal(used_slots(&s), 0); /* released */
    assert_int_equal(s.expired, 0);
    assert_int_equal(s.evicted, 0);
    eco_hj212_split_free(&s);
    assert_null(s.slots);
    assert_int_equal(s.nslots, 0);
}

static void test_c49_reverse_and_duplicates(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 8, 60000), 0);
    /* P2 first, then P2 resent (the DAU missed our 9014), then P1 */
    assert_int_equal(eco_hj212_split_add(&s, c49(2), 0), 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(2), 10), 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(2), 20), 0);
    assert_int_equal(s.completed, 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(1), 30), 1);
    assert_int_equal(s.completed, 1);
    assert_int_equal(used_slots(&s), 0);

    /* P1, P1, P2: completes once, on P2 */
    assert_int_equal(eco_hj212_split_add(&s, c49(1), 100), 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(1), 110), 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(2), 120), 1);
    assert_int_equal(s.completed, 2);

    /* a resend AFTER completion opens a new (never complete) record: the
     * tracker keeps no memory of completed keys; it expires later */
    assert_int_equal(eco_hj212_split_add(&s, c49(2), 130), 0);
    assert_int_equal(used_slots(&s), 1);
    assert_int_equal(eco_hj212_split_expire(&s, 130 + 60001), 1);
    assert_int_equal(s.expired, 1);
    assert_int_equal(s.completed, 2);
    eco_hj212_split_free(&s);
}

static void test_records_are_separate(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 8, 60000), 0);
    /* same MN and DataTime, different CN (2061 hour vs 2051 minute); same MN
     * and CN, different DataTime; different MN */
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2061", C49_DT, 2, 1), 0), 0);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2051", C49_DT, 2, 2), 0), 0);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2061", "20160801090000", 2, 2), 0), 0);
    assert_int_equal(eco_hj212_split_add(&s, part("MN2", "2061", C49_DT, 2, 2), 0), 0);
    assert_int_equal(used_slots(&s), 4);
    assert_int_equal(s.completed, 0);
    /* each completes with its own missing part */
    assert_int_equal(eco_hj212_split_add(&s, part("MN2", "2061", C49_DT, 2, 1), 1), 1);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2051", C49_DT, 2, 1), 1), 1);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2061", C49_DT, 2, 2), 1), 1);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2061", "20160801090000", 2, 1), 1), 1);
    assert_int_equal(s.completed, 4);
    assert_int_equal(used_slots(&s), 0);
    /* blanks around the slices do not split a record */
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2061", C49_DT, 2, 1), 2), 0);
    assert_int_equal(eco_hj212_split_add(&s, part(" " C49_MN, "2061 ", " " C49_DT " ", 2, 2), 2), 1);
    /* no DataTime: keyed on MN|CN| */
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2061", NULL, 2, 1), 3), 0);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, "2061", NULL, 2, 2), 3), 1);
    eco_hj212_split_free(&s);
}

static void test_expiry(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 4, 1000), 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(1), 5000), 0);
    assert_int_equal(eco_hj212_split_expire(&s, 5000), 0);
    assert_int_equal(eco_hj212_split_expire(&s, 6000), 0); /* exactly the timeout: not older */
    assert_int_equal(used_slots(&s), 1);
    assert_int_equal(eco_hj212_split_expire(&s, 6001), 1);
    assert_int_equal(s.expired, 1);
    assert_int_equal(used_slots(&s), 0);
    /* P2 after the expiry starts a new record: not complete */
    assert_int_equal(eco_hj212_split_add(&s, c49(2), 6002), 0);
    assert_int_equal(s.completed, 0);
    /* a clock that goes backwards expires nothing */
    assert_int_equal(eco_hj212_split_expire(&s, 0), 0);
    assert_int_equal(eco_hj212_split_expire(&s, INT64_MIN), 0);

    /* lazy expiry: a part that finds its record stale starts it again */
    assert_int_equal(eco_hj212_split_add(&s, c49(1), 9000), 0); /* 6002 + 1000 < 9000 */
    assert_int_equal(s.expired, 2);
    assert_int_equal(s.completed, 0);
    assert_int_equal(eco_hj212_split_add(&s, c49(2), 9500), 1); /* within 1000 of 9000 */
    assert_int_equal(s.completed, 1);
    /* far-apart clock values do not overflow */
    assert_int_equal(eco_hj212_split_add(&s, c49(1), INT64_MIN + 1), 0);
    assert_int_equal(eco_hj212_split_expire(&s, INT64_MAX), 1);
    assert_int_equal(s.expired, 3);
    eco_hj212_split_free(&s);
}

static void test_eviction(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 2, 60000), 0);
    assert_int_equal(eco_hj212_split_add(&s, part("A", "2061", C49_DT, 2, 1), 0), 0);
    assert_int_equal(eco_hj212_split_add(&s, part("B", "2061", C49_DT, 2, 1), 1), 0);
    assert_int_equal(s.evicted, 0);
    /* full: C evicts the oldest, A */
    assert_int_equal(eco_hj212_split_add(&s, part("C", "2061", C49_DT, 2, 1), 2), 0);
    assert_int_equal(s.evicted, 1);
    assert_int_equal(used_slots(&s), 2);
    /* A's second part: A was forgotten, so it starts again (evicting B, now the oldest) */
    assert_int_equal(eco_hj212_split_add(&s, part("A", "2061", C49_DT, 2, 2), 3), 0);
    assert_int_equal(s.evicted, 2);
    /* C is still there and completes */
    assert_int_equal(eco_hj212_split_add(&s, part("C", "2061", C49_DT, 2, 2), 4), 1);
    assert_int_equal(s.completed, 1);
    /* B's part 2 now finds a free slot: no eviction */
    assert_int_equal(eco_hj212_split_add(&s, part("B", "2061", C49_DT, 2, 2), 5), 0);
    assert_int_equal(s.evicted, 2);
    assert_int_equal(used_slots(&s), 2);
    eco_hj212_split_free(&s);

    /* a stale record is reused (expired), not evicted */
    assert_int_equal(eco_hj212_split_init(&s, 1, 100), 0);
    assert_int_equal(eco_hj212_split_add(&s, part("A", "2061", C49_DT, 2, 1), 0), 0);
    assert_int_equal(eco_hj212_split_add(&s, part("B", "2061", C49_DT, 2, 1), 500), 0);
    assert_int_equal(s.expired, 1);
    assert_int_equal(s.evicted, 0);
    assert_int_equal(eco_hj212_split_add(&s, part("B", "2061", C49_DT, 2, 2), 550), 1);
    eco_hj212_split_free(&s);
}

static void test_pnum_changes(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 4, 60000), 0);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 2, 1), 0), 0);
    /* the same record now announced as 3 parts: the old partial one is dropped */
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 3, 2), 1), 0);
    assert_int_equal(s.evicted, 1);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 3, 1), 2), 0);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 3, 3), 3), 1);
    assert_int_equal(s.completed, 1);
    eco_hj212_split_free(&s);
}

static void test_bounds(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 4, 60000), 0);
    const int bad[][2] = {{2, 0}, {2, 3}, {2, -1}, {0, 0}, {0, 1}, {-1, 1}, {1025, 1}, {1025, 1025}, {3, 4}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, bad[i][0], bad[i][1]), 0);
        if (rc >= 0)
            fail_msg("PNUM=%d PNO=%d accepted (%d)", bad[i][0], bad[i][1], rc);
    }
    assert_int_equal(used_slots(&s), 0);
    assert_int_equal(s.completed + s.expired + s.evicted, 0);

    /* PNUM=1: complete at once, no slot */
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 1, 1), 0), 1);
    assert_int_equal(s.completed, 1);
    assert_int_equal(used_slots(&s), 0);

    /* the largest record: 1024 parts, in reverse order, with a duplicate */
    for (int pno = 1024; pno >= 2; pno--)
        assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 1024, pno), 1), 0);
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 1024, 1024), 1), 0);
    for (size_t i = 0; i < s.nslots; i++)
        if (s.slots[i].pnum) {
            assert_int_equal(s.slots[i].nhave, 1023);
            assert_int_equal(s.slots[i].have[127], 0xFF);
            assert_int_equal(s.slots[i].have[0], 0xFE);
        }
    assert_int_equal(eco_hj212_split_add(&s, part(C49_MN, C49_CN, C49_DT, 1024, 1), 1), 1);
    assert_int_equal(s.completed, 2);
    assert_int_equal(used_slots(&s), 0);

    /* a key that does not fit the 96-byte slot is refused, not truncated */
    char mn[100];
    memset(mn, 'M', sizeof mn - 1);
    mn[sizeof mn - 1] = '\0';
    assert_int_equal(eco_hj212_split_add(&s, part(mn, C49_CN, C49_DT, 2, 1), 0), ECO_ETOOBIG);
    /* 95 bytes fit exactly: MN of 75 + "|2061|" + 14 */
    mn[75] = '\0';
    assert_int_equal(eco_hj212_split_add(&s, part(mn, C49_CN, C49_DT, 2, 1), 0), 0);
    mn[75] = 'M';
    mn[76] = '\0';
    assert_int_equal(eco_hj212_split_add(&s, part(mn, C49_CN, C49_DT, 2, 1), 0), ECO_ETOOBIG);

    /* bad arguments */
    assert_int_equal(eco_hj212_split_add(&s, NULL, 0), ECO_EINVAL);
    assert_int_equal(eco_hj212_split_add(NULL, c49(1), 0), ECO_EINVAL);
    assert_int_equal(eco_hj212_split_init(NULL, 4, 1), ECO_EINVAL);
    eco_hj212_split_free(&s);
    assert_int_equal(eco_hj212_split_add(&s, c49(1), 0), ECO_EINVAL); /* after free */
    assert_int_equal(eco_hj212_split_expire(&s, 0), 0);
    eco_hj212_split_free(&s); /* twice is harmless */
    eco_hj212_split_free(NULL);
}

static void test_defaults(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    assert_int_equal(eco_hj212_split_init(&s, 0, 0), 0);
    assert_int_equal(s.nslots, 256);
    assert_int_equal(s.timeout_ms, 600000);
    assert_int_equal(used_slots(&s), 0);
    assert_int_equal(s.completed + s.expired + s.evicted, 0);
    eco_hj212_split_free(&s);
}

static void *fail_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return NULL;
}

static void test_oom(void **state)
{
    (void)state;
    eco_hj212_split_t s;
    eco_set_allocator(fail_alloc, NULL);
    int rc = eco_hj212_split_init(&s, 16, 1000);
    eco_set_allocator(NULL, NULL);
    assert_int_equal(rc, ECO_ENOMEM);
    assert_null(s.slots);
    eco_hj212_split_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c49_in_order), cmocka_unit_test(test_c49_reverse_and_duplicates),
        cmocka_unit_test(test_records_are_separate), cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_eviction), cmocka_unit_test(test_pnum_changes),
        cmocka_unit_test(test_bounds), cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
