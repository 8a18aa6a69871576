/* test_crc.c — the HJ 212 CRC against the standard's own definition and the
 * shared vectors, not against the table in crc.c.
 *
 * The reference here is the bitwise loop printed in HJ 212-2017 Appendix A
 * (as transcribed in ../shared/reference/hj212.md §1.1), written out again in
 * this file: the lane-folded eco_hj212_crc must agree with it on
 * every length around the 8- and 16-byte strides and on random bytes, and
 * with the check values of vectors.md §1 (FFFF, 4040, 2F80, 1C80; MODBUS
 * 4B37 and 0759 for the legacy variant, which must NOT be what the standard
 * CRC gives), and the lane-fold premise crc.c relies on (H^8 = identity).
 * Every OK vector of vectors.tsv must have its published CRC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hj212/hj212.h"
#include "hj212_vectors.h"

static const char OFF17_SEG[] =
    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";

/* HJ 212-2017 Appendix A, bit by bit (notes §1.1): the byte goes into the HIGH byte */
static uint16_t ref_crc(const unsigned char *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    while (n--) {
        crc = (uint16_t)((crc >> 8) ^ *p++);
        for (int j = 0; j < 8; j++) crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

/* CRC-16/MODBUS, bit by bit: the byte goes into the LOW byte */
static uint16_t ref_modbus(const unsigned char *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    while (n--) {
        crc ^= *p++;
        for (int j = 0; j < 8; j++) crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

static void test_check_values(void **state)
{
    (void)state;
    assert_int_equal(eco_hj212_crc("", 0), 0xFFFF);
    assert_int_equal(eco_hj212_crc("\0", 1), 0x4040);
    assert_int_equal(eco_hj212_crc("123456789", 9), 0x2F80);
    assert_int_equal(strlen(OFF17_SEG), 101);
    assert_int_equal(eco_hj212_crc(OFF17_SEG, 101), 0x1C80); /* HJ 212-2017 p.20 */
    assert_int_equal(eco_hj212_crc_alg(ECO_HJ212_CRC_STD, "123456789", 9), 0x2F80);
}

static void test_modbus_variants(void **state)
{
    (void)state;
    assert_int_equal(eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS, "123456789", 9), 0x4B37);
    assert_int_equal(eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS, OFF17_SEG, 101), 0x0759);
    assert_int_equal(eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS, "", 0), 0xFFFF);
    assert_int_equal(eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS, "\0", 1), 0x40BF);
    assert_int_equal(eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS_SWAP, "123456789", 9), 0x374B);
    /* the wrong algorithm is not the right one */
    assert_int_not_equal(eco_hj212_crc("123456789", 9), 0x4B37);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd8(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32) & 0xFF;
}

int eco_hj212_crc_limit_isa(int level);

static void against_bitwise(void)
{
    unsigned char buf[1100];
    /* every length up to 300 (all the 64/32/8/1 stride tails and masked
     * last vectors), then random longer ones */
    for (int round = 0; round < 4000; round++) {
        size_t n = round < 301 * 4 ? (size_t)(round / 4) : (size_t)(rnd8() * 4 + rnd8() % 4);
        for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)rnd8();
        /* bytes >= 0x80 must not sign-extend (notes §1.1 pitfall) */
        if (n && round % 3 == 0) buf[n - 1] |= 0x80;
        if (eco_hj212_crc(buf, n) != ref_crc(buf, n))
            fail_msg("length %zu: folded %04X, bitwise %04X", n, eco_hj212_crc(buf, n), ref_crc(buf, n));
        assert_int_equal(eco_hj212_crc_alg(ECO_HJ212_CRC_MODBUS, buf, n), ref_modbus(buf, n));
    }
    /* unaligned starts */
    for (size_t off = 0; off < 16; off++) {
        for (size_t i = 0; i < 300; i++) buf[off + i] = (unsigned char)rnd8();
        assert_int_equal(eco_hj212_crc(buf + off, 300), ref_crc(buf + off, 300));
    }
}

/* at both levels: SSE2, and AVX2 where the machine has it */
static void test_against_bitwise(void **state)
{
    (void)state;
    int was = eco_hj212_crc_limit_isa(0);
    against_bitwise();
    eco_hj212_crc_limit_isa(1);
    against_bitwise();
    eco_hj212_crc_limit_isa(was);
}

/* Every CRC is one of the 256 table values (the register only keeps its high
 * byte between steps): a property worth pinning, since it explains why the
 * CRC is a weak check (1/256 of corruptions pass). */
static void test_crc_is_a_table_entry(void **state)
{
    (void)state;
    static int seen[65536];
    for (int i = 0; i < 256; i++) {
        unsigned char b = (unsigned char)i;
        /* T[i] is the CRC-with-zero-init of one byte; in our terms the CRC of
         * the single byte (i ^ 0xFF) */
        b ^= 0xFF;
        seen[ref_crc(&b, 1)] = 1;
    }
    unsigned char buf[64];
    for (int r = 0; r < 2000; r++) {
        size_t n = 1 + rnd8() % 60;
        for (size_t i = 0; i < n; i++) buf[i] = (unsigned char)rnd8();
        assert_true(seen[eco_hj212_crc(buf, n)]);
    }
}

static void test_shared_vectors(void **state)
{
    (void)state;
    hv_set_t s;
    if (hv_load(&s)) {
        skip(); /* ECO_SHARED_DIR/testdata/hj212/vectors.tsv not found: the shared folder is absent */
        return;
    }
    size_t checked = 0;
    for (size_t i = 0; i < s.n; i++) {
        const hv_vec_t *v = &s.v[i];
        if (v->n < 12 || !v->pkt) continue;
        /* the correct CRC of the bytes actually there (for BAD_LEN rows too) */
        size_t seg = v->n - 10;
        unsigned expect = (unsigned)strtoul(v->crc_ok, NULL, 16);
        if ((size_t)v->byte_len != seg) fail_msg("%s: byte_len %d but the packet holds %zu", v->id, v->byte_len, seg);
        if (eco_hj212_crc(v->pkt + 6, seg) != expect)
            fail_msg("%s: CRC %04X, vectors.tsv says %s", v->id, eco_hj212_crc(v->pkt + 6, seg), v->crc_ok);
        assert_int_equal(ref_crc(v->pkt + 6, seg), expect);
        checked++;
    }
    assert_int_equal(checked, 78);
    /* D17-C.4-1013: 0000 is a legal CRC */
    const hv_vec_t *z = hv_find(&s, "D17-C.4-1013");
    assert_non_null(z);
    assert_int_equal(eco_hj212_crc(z->pkt + 6, z->n - 10), 0x0000);
    /* the UTF-8 and GBK 3020 logs: 9741 and DEC1, not the signed-char 9C01 / 6840 */
    const hv_vec_t *u = hv_find(&s, "D17-C.40-3020-UTF8"), *g = hv_find(&s, "D17-C.40-3020-GBK");
    assert_non_null(u);
    assert_non_null(g);
    assert_int_equal(eco_hj212_crc(u->pkt + 6, u->n - 10), 0x9741);
    assert_int_equal(g->n - 10, 148);
    assert_int_equal(eco_hj212_crc(g->pkt + 6, g->n - 10), 0xDEC1);
    hv_free(&s);
}

/* crc.c's fused pass used by the framer: the same CRC, and "printable"
 * exactly when no byte is outside 0x20..0x7E, wherever the odd byte sits
 * (inside a 16-byte block, in the tail, the last byte) */
uint16_t eco_hj212_crc_text(const void *data, size_t n, int *printable);

static void crc_text(void)
{
    unsigned char buf[300] = {0};
    uint32_t r = 12345;
    for (size_t n = 0; n <= sizeof buf; n++) {
        for (size_t i = 0; i < n; i++) {
            r = r * 1103515245u + 12345u;
            buf[i] = (unsigned char)(0x20 + (r >> 16) % 95);
        }
        int pr = -1;
        assert_int_equal(eco_hj212_crc_text(buf, n, &pr), eco_hj212_crc(buf, n));
        assert_int_equal(pr, 1);
        static const unsigned char odd[] = {0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xC3, 0xFF};
        for (size_t i = 0; i < n; i++) {
            unsigned char keep = buf[i];
            buf[i] = odd[(i + n) % sizeof odd];
            assert_int_equal(eco_hj212_crc_text(buf, n, &pr), eco_hj212_crc(buf, n));
            assert_int_equal(pr, 0);
            buf[i] = keep;
        }
    }
}

static void test_crc_text(void **state)
{
    (void)state;
    int was = eco_hj212_crc_limit_isa(0);
    crc_text();
    eco_hj212_crc_limit_isa(1);
    crc_text();
    eco_hj212_crc_limit_isa(was);
}

/* crc.c folds the segment into eight byte lanes because H^8 is the identity
 * (the register's high byte after eight more bytes depends on an earlier
 * byte exactly as if it had been XORed in eight bytes later). Pinned here
 * with the bitwise loop alone: the same change made to two bytes 8k apart
 * never changes the CRC (a change to one byte alone always does; at other
 * gaps it may or may not, H^m having fixed points), and eco_hj212_crc agrees.
 * Then every length 0..320 at every start offset 0..31 (all the 32-byte
 * fold's heads and tails) against the bitwise loop. */
static void test_lane_fold(void **state)
{
    (void)state;
    unsigned char buf[400];
    for (int round = 0; round < 2000; round++) {
        size_t n = 17 + rnd8() % 200, i = rnd8() % (n - 16), gap = 1 + rnd8() % 16;
        unsigned char x = (unsigned char)(1 + rnd8() % 255);
        for (size_t k = 0; k < n; k++) buf[k] = (unsigned char)rnd8();
        uint16_t before = ref_crc(buf, n);
        buf[i] ^= x;
        assert_int_not_equal(ref_crc(buf, n), before);
        buf[i + gap] ^= x;
        if (gap % 8 == 0 && ref_crc(buf, n) != before)
            fail_msg("n %zu, bytes %zu and %zu XOR %02X: CRC changed", n, i, i + gap, x);
        assert_int_equal(eco_hj212_crc(buf, n), ref_crc(buf, n));
    }
    for (size_t off = 0; off < 32; off++)
        for (size_t n = 0; n + off <= 352; n++) {
            for (size_t k = 0; k < n; k++) buf[off + k] = (unsigned char)rnd8();
            if (eco_hj212_crc(buf + off, n) != ref_crc(buf + off, n))
                fail_msg("offset %zu length %zu: %04X, bitwise %04X", off, n, eco_hj212_crc(buf + off, n),
                         ref_crc(buf + off, n));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),      cmocka_unit_test(test_modbus_variants),
        cmocka_unit_test(test_against_bitwise),   cmocka_unit_test(test_crc_is_a_table_entry),
        cmocka_unit_test(test_shared_vectors),    cmocka_unit_test(test_crc_text),
        cmocka_unit_test(test_lane_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
