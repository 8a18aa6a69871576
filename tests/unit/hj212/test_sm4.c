/* test_sm4.c — SM4-ECB and the HJ 212-2025 encrypted region, byte for byte.
 *
 * Why: an SM4 slip (wrong mode, padding left on, the tail encrypted, one
 * block off) turns every 2025 upload into garbage that still frames
 * correctly, and the CRC only notices after decryption. So the cipher is
 * checked against the GB/T 32907-2016 self-test vector (a published standard
 * constant, embedded here), and the region logic against both HJ 212-2025
 * Appendix A.2 examples: encrypting the plaintext region of OFF25-A2-2P and
 * OFF25-A2-4P (read at test time from ECO_SHARED_DIR/testdata/hj212/
 * vectors.md, skipped with a message when absent) must give exactly the
 * published ciphertext and, framed, the wire bytes of vectors.md §6; and
 * decrypting must give the plaintext back. Region edge cases: cp_len 0,
 * < 16, exactly 16, and 147 = 9 blocks + a 3-byte plain tail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hj212/hj212.h"

/* HJ 212-2025 A.2 test key: 16 × 0x30 ('0') */
static const uint8_t KEY30[16] = {0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
                                  0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30};

/* ------------------------------------------------------------ helpers */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode hex digits from s up to the first non-hex character; returns the
 * byte count (or -1 on an odd digit count / overflow). */
static long unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (hexval((unsigned char)s[0]) >= 0) {
        if (hexval((unsigned char)s[1]) < 0 || n >= cap)
            return -1;
        out[n++] = (uint8_t)(hexval((unsigned char)s[0]) << 4 | hexval((unsigned char)s[1]));
        s += 2;
    }
    return (long)n;
}

static char *read_shared(const char *rel)
{
    const char *dir = getenv("ECO_SHARED_DIR");
    if (!dir || !*dir)
        return NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return NULL;
    }
    long sz = ftell(f);
    rewind(f);
    char *buf = sz >= 0 ? malloc((size_t)sz + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[sz] = '\0';
    return buf;
}

/* ------------------------------------------------------------ the cipher */

static void test_gbt32907_selftest(void **state)
{
    (void)state;
    /* GB/T 32907-2016 Appendix A example 1: key = plaintext */
    const uint8_t key[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                             0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
    const uint8_t ct[16] = {0x68, 0x1e, 0xdf, 0x34, 0xd2, 0x06, 0x96, 0x5e,
                            0x86, 0xb3, 0xe9, 0x4f, 0x53, 0x6e, 0x42, 0x46};
    uint8_t out[16], back[16];
    assert_int_equal(eco_hj212_sm4_ecb(key, key, out, 16, 1), 0);
    assert_memory_equal(out, ct, 16);
    assert_int_equal(eco_hj212_sm4_ecb(key, out, back, 16, 0), 0);
    assert_memory_equal(back, key, 16);

    /* in place, and two identical blocks give two identical ciphertexts (ECB) */
    uint8_t two[32];
    memcpy(two, key, 16);
    memcpy(two + 16, key, 16);
    assert_int_equal(eco_hj212_sm4_ecb(key, two, two, 32, 1), 0);
    assert_memory_equal(two, ct, 16);
    assert_memory_equal(two + 16, ct, 16);
    assert_int_equal(eco_hj212_sm4_ecb(key, two, two, 32, 0), 0);
    assert_memory_equal(two, key, 16);
    assert_memory_equal(two + 16, key, 16);

    /* a different key gives a different ciphertext (the key is really used) */
    assert_int_equal(eco_hj212_sm4_ecb(KEY30, key, out, 16, 1), 0);
    assert_memory_not_equal(out, ct, 16);
}

static void test_ecb_args(void **state)
{
    (void)state;
    uint8_t buf[32] = {0};
    assert_int_equal(eco_hj212_sm4_ecb(KEY30, buf, buf, 0, 1), 0);
    assert_int_equal(eco_hj212_sm4_ecb(KEY30, buf, buf, 15, 1), ECO_EINVAL);
    assert_int_equal(eco_hj212_sm4_ecb(KEY30, buf, buf, 17, 0), ECO_EINVAL);
    assert_int_equal(eco_hj212_sm4_ecb(KEY30, NULL, buf, 16, 1), ECO_EINVAL);
    assert_int_equal(eco_hj212_sm4_ecb(NULL, buf, buf, 16, 1), ECO_EHJ212_CRYPTO);
    /* nothing was touched by the refused calls */
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0);
}

/* ------------------------------------------------------------ region edge cases */

#define GUARD 0xA5

/* seg = 8 guard bytes, region bytes 'a'..., guard bytes after */
static void fill(unsigned char *seg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        seg[i] = (unsigned char)('A' + i % 26);
}

static void region_case(size_t cp_len)
{
    enum { OFF = 8, CAP = 8 + 160 + 8 };
    unsigned char seg[CAP], orig[CAP];
    fill(seg, sizeof seg);
    memcpy(orig, seg, sizeof seg);
    size_t whole = cp_len / 16 * 16;

    assert_int_equal(eco_hj212_sm4_region(seg, OFF, cp_len, KEY30, 1), 0);
    /* outside the region: untouched */
    assert_memory_equal(seg, orig, OFF);
    assert_memory_equal(seg + OFF + whole, orig + OFF + whole, sizeof seg - OFF - whole);
    if (whole) {
        /* the blocks are exactly SM4-ECB of the plaintext blocks */
        uint8_t exp[160];
        assert_int_equal(eco_hj212_sm4_ecb(KEY30, orig + OFF, exp, whole, 1), 0);
        assert_memory_equal(seg + OFF, exp, whole);
        assert_memory_not_equal(seg + OFF, orig + OFF, 16);
    }
    assert_int_equal(eco_hj212_sm4_region(seg, OFF, cp_len, KEY30, 0), 0);
    assert_memory_equal(seg, orig, sizeof seg);
}

static void test_region_edges(void **state)
{
    (void)state;
    region_case(0);
    region_case(1);
    region_case(15);  /* < 16: all plain */
    region_case(16);  /* exactly one block */
    region_case(17);
    region_case(147); /* 9 blocks + 3 plain */
    region_case(160);

    unsigned char seg[32];
    fill(seg, sizeof seg);
    /* no key: refused even when there is nothing to encrypt */
    assert_int_equal(eco_hj212_sm4_region(seg, 0, 32, NULL, 0), ECO_EHJ212_CRYPTO);
    assert_int_equal(eco_hj212_sm4_region(seg, 0, 0, NULL, 1), ECO_EHJ212_CRYPTO);
    /* offset + length overflow */
    assert_int_equal(eco_hj212_sm4_region(seg, SIZE_MAX, 16, KEY30, 1), ECO_EINVAL);
    assert_int_equal(eco_hj212_sm4_region(NULL, 0, 16, KEY30, 1), ECO_EINVAL);
    assert_int_equal(eco_hj212_sm4_region(NULL, 0, 15, KEY30, 1), 0); /* nothing to do */
}

/* ------------------------------------------------------------ HJ 212-2025 A.2 */

typedef struct {
    const char *id;          /* vectors.md heading: "### OFF25-A2-2P" */
    const char *ct_marker;   /* "A.2 example 2:" then a ``` block with the ciphertext hex */
    const char *wire_marker; /* "example 2 (307 bytes):" then `<hex>` */
    size_t region_len;       /* from the notes: 208 / 147 */
    size_t ct_len;           /* whole blocks: 208 / 144 */
    const char *tail;        /* plaintext tail: "" / "g=N" */
} a2_t;

static void a2_example(const char *md, const a2_t *x)
{
    /* the plaintext packet: first "##" line after the heading */
    char head[64];
    snprintf(head, sizeof head, "### %s ", x->id);
    const char *p = strstr(md, head);
    assert_non_null(p);
    p = strstr(p, "\n##");
    assert_non_null(p);
    p += 1;
    const char *eol = strchr(p, '\n');
    assert_non_null(eol);
    size_t plen = (size_t)(eol - p);
    assert_true(plen > 6 + 4);
    /* "##" LLLL segment CRC4 */
    int declared = atoi(p + 2);
    size_t seglen = plen - 6 - 4;
    assert_int_equal((size_t)declared, seglen);
    static unsigned char seg[ECO_HJ212_MAX_STD_LEN + 1], orig[ECO_HJ212_MAX_STD_LEN + 1];
    assert_true(seglen <= ECO_HJ212_MAX_STD_LEN);
    memcpy(seg, p + 6, seglen);
    seg[seglen] = '\0';
    memcpy(orig, seg, seglen + 1);
    char crc[5]; /* the CRC printed: over the plaintext (A.2) */
    memcpy(crc, p + 6 + seglen, 4);
    crc[4] = '\0';
    /* region: after the first "CP=&&", up to the last "&&" */
    const char *cp = strstr((const char *)seg, "CP=&&");
    assert_non_null(cp);
    size_t cp_off = (size_t)(cp - (const char *)seg) + 5;
    size_t cp_end = seglen;
    while (cp_end >= cp_off + 2 && !(seg[cp_end - 2] == '&' && seg[cp_end - 1] == '&'))
        cp_end--;
    assert_true(cp_end >= cp_off + 2);
    size_t cp_len = cp_end - 2 - cp_off;
    assert_int_equal(cp_len, x->region_len);

    /* the published ciphertext */
    const char *m = strstr(md, x->ct_marker);
    assert_non_null(m);
    m = strstr(m, "```\n");
    assert_non_null(m);
    uint8_t ct[512];
    long ctn = unhex(m + 4, ct, sizeof ct);
    assert_int_equal(ctn, (long)x->ct_len);

    assert_int_equal(eco_hj212_sm4_region(seg, cp_off, cp_len, KEY30, 1), 0);
    assert_memory_equal(seg + cp_off, ct, x->ct_len);
    /* header and tail plain */
    assert_memory_equal(seg, orig, cp_off);
    assert_memory_equal(seg + cp_off + x->ct_len, x->tail, strlen(x->tail));
    assert_memory_equal(seg + cp_off + x->ct_len, orig + cp_off + x->ct_len, seglen - cp_off - x->ct_len);
    assert_memory_equal(seg + cp_end - 2, "&&", 2);

    /* framed with the plaintext length and CRC, it is the wire form of §6 */
    const char *w = strstr(md, x->wire_marker);
    assert_non_null(w);
    w = strchr(w, '`');
    assert_non_null(w);
    uint8_t wire[600];
    long wn = unhex(w + 1, wire, sizeof wire);
    assert_int_equal(wn, (long)(6 + seglen + 4 + 2));
    assert_memory_equal(wire, p, 6);
    assert_memory_equal(wire + 6, seg, seglen);
    assert_memory_equal(wire + 6 + seglen, crc, 4);
    assert_memory_equal(wire + 6 + seglen + 4, "\r\n", 2);

    /* and decrypting gives the plaintext back */
    assert_int_equal(eco_hj212_sm4_region(seg, cp_off, cp_len, KEY30, 0), 0);
    assert_memory_equal(seg, orig, seglen);
    /* a wrong key does not */
    const uint8_t key31[16] = {0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
                               0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30};
    memcpy(seg, wire + 6, seglen);
    assert_int_equal(eco_hj212_sm4_region(seg, cp_off, cp_len, key31, 0), 0);
    assert_memory_not_equal(seg + cp_off, orig + cp_off, 16);
}

static void test_a2_examples(void **state)
{
    (void)state;
    char *md = read_shared("testdata/hj212/vectors.md");
    if (!md) {
        print_message("SKIP: ECO_SHARED_DIR/testdata/hj212/vectors.md not readable (ECO_SHARED_DIR=%s)\n",
                      getenv("ECO_SHARED_DIR") ? getenv("ECO_SHARED_DIR") : "(unset)");
        skip();
    }
    const a2_t ex2 = {"OFF25-A2-2P", "A.2 example 2:", "example 2 (307 bytes):", 208, 208, ""};
    const a2_t ex4 = {"OFF25-A2-4P", "A.2 example 4:", "example 4 (246 bytes):", 147, 144, "g=N"};
    a2_example(md, &ex2);
    a2_example(md, &ex4);
    free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gbt32907_selftest),
        cmocka_unit_test(test_ecb_args),
        cmocka_unit_test(test_region_edges),
        cmocka_unit_test(test_a2_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
