/* test_encode.c — uploads and replies, byte for byte against the standard.
 *
 *   - the replies the standard prints (HJ 212-2017 Annex C, framed in the
 *     shared vectors as D17-C.1-9011, -9012, D17-C.11-9013, D17-C.14-9014,
 *     D17-C.16-9014, D17-C.50-9014a, and zblzbl's ZB-0087-9014 for ZB-0635)
 *     are exactly what eco_hj212_reply_for / eco_hj212_reply produce for the
 *     request they answer; D17-C.4-9013 is printed "CP=&& &&" and is matched
 *     without its stray space (the standard's other 9013/9014 examples, and
 *     what we send, have "CP=&&&&");
 *   - which packets get which reply (vectors.md §8): 9014 for uploads asking
 *     for one, 9013 for notifications, nothing for Flag=4, for replies, for
 *     requests, Flag=8 towards 2025 peers;
 *   - encode -> frame_check -> parse gives back what was encoded, for every
 *     upload CN, with and without SM4 (and the 2025 A.2 ciphertext is
 *     reproduced exactly from its plaintext);
 *   - cp_build's text.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hj212/hj212.h"
#include "hj212_vectors.h"

static eco_hj212_packet_t pkt, back;

#define NEED_SHARED(s)                                                                                  \
    do {                                                                                                \
        if (hv_load(s)) {                                                                               \
            print_message("skipped: ECO_SHARED_DIR/testdata/hj212 not found (the shared folder is absent)\n"); \
            skip();                                                                                     \
        }                                                                                               \
    } while (0)

static void parse_vec(const hv_set_t *s, const char *id, eco_hj212_packet_t *p)
{
    const hv_vec_t *v = hv_find(s, id);
    if (!v) fail_msg("vector %s not in vectors.tsv", id);
    eco_err_t err;
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    if (eco_hj212_parse((eco_slice_t){(const char *)v->pkt + 6, v->n - 10}, &o, p, &err))
        fail_msg("%s: %s", id, err.msg);
}

/* out must be the vector's packet + CRLF, exactly */
static void assert_is_vector(const eco_buf_t *out, const hv_set_t *s, const char *id)
{
    const hv_vec_t *v = hv_find(s, id);
    if (!v) fail_msg("vector %s not in vectors.tsv", id);
    size_t n = 0;
    unsigned char *want = hv_with_crlf(v, &n);
    if (out->len != n || memcmp(out->data, want, n) != 0)
        fail_msg("reply differs from %s:\n  got  %.*s\n  want %.*s", id, (int)out->len, out->data, (int)n,
                 (const char *)want);
    free(want);
}

/* ------------------------------------------------------------------ replies */

static void test_standard_replies(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    eco_buf_t out = ECO_BUF_INIT;

    /* C.1: the device answers the platform's 1000 with 9011 QnRtn=1, then 9012 ExeRtn=1 */
    parse_vec(&s, "D17-C.1-req", &pkt);
    assert_int_equal(eco_hj212_reply_for(&pkt, &out), 0); /* a request: no 9013/9014 */
    assert_int_equal(out.len, 0);
    assert_int_equal(eco_hj212_reply(&pkt, 9011, 1, &out), 0);
    assert_is_vector(&out, &s, "D17-C.1-9011");
    eco_buf_reset(&out);
    assert_int_equal(eco_hj212_reply(&pkt, 9012, 1, &out), 0);
    assert_is_vector(&out, &s, "D17-C.1-9012");

    /* C.11: 2012 stop notice -> 9013 */
    static const char *const pairs[][2] = {
        {"D17-C.11-2012", "D17-C.11-9013"}, {"D17-C.14-2011", "D17-C.14-9014"}, {"D17-C.16-2051", "D17-C.16-9014"},
        {"D17-C.50-P1", "D17-C.50-9014a"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        eco_buf_reset(&out);
        parse_vec(&s, pairs[i][0], &pkt);
        int cn = eco_hj212_reply_for(&pkt, &out);
        assert_int_equal(cn, strstr(pairs[i][1], "9013") ? 9013 : 9014);
        assert_is_vector(&out, &s, pairs[i][1]);
    }

    /* C.4: 1013 -> 9013, printed with a stray space in CP */
    eco_buf_reset(&out);
    parse_vec(&s, "D17-C.4-1013", &pkt);
    assert_int_equal(eco_hj212_reply_for(&pkt, &out), 9013);
    const hv_vec_t *c4 = hv_find(&s, "D17-C.4-9013");
    char want[256];
    const char *sp = strstr((const char *)c4->pkt, "CP=&& &&");
    assert_non_null(sp);
    int segl = (int)(sp - (const char *)c4->pkt) - 6 + 7; /* without the space */
    char seg[200];
    snprintf(seg, sizeof seg, "%.*sCP=&&&&", (int)(sp - (const char *)c4->pkt) - 6, (const char *)c4->pkt + 6);
    snprintf(want, sizeof want, "##%04d%s%04X\r\n", segl, seg, eco_hj212_crc(seg, (size_t)segl));
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.data, want, out.len);

    /* zblzbl1991: ZB-0635 (ST=80, Flag=5) -> ZB-0087-9014, which prints its CRC in lowercase */
    eco_buf_reset(&out);
    parse_vec(&s, "ZB-0635", &pkt);
    assert_int_equal(eco_hj212_reply_for(&pkt, &out), 9014);
    const hv_vec_t *zb = hv_find(&s, "ZB-0087-9014");
    assert_int_equal(out.len, zb->n + 2);
    assert_memory_equal(out.data, zb->pkt, zb->n - 4);
    assert_string_equal(out.data + zb->n - 4, "F001\r\n");

    /* LR-0162a (Flag=5): 9014 with its QN */
    eco_buf_reset(&out);
    parse_vec(&s, "LR-0162a", &pkt);
    assert_int_equal(eco_hj212_reply_for(&pkt, &out), 9014);
    assert_non_null(strstr(out.data, "QN=20231008123340461;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;"
                                     "Flag=4;CP=&&&&"));
    eco_buf_free(&out);
    hv_free(&s);
}

static void test_reply_decisions(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    static const struct {
        const char *id;
        int cn;
    } t[] = {
        {"FL-0411", 0},          /* Flag=4: no reply */
        {"GC-0317", 0},          {"PH-0612", 0},
        {"D17-C.14-9014", 0},    /* a reply is not answered */
        {"HY-0078", 0},          /* 9014 with Flag=9: still not answered */
        {"LR-0094-9011", 0},     {"D17-C.1-9012", 0},
        {"D17-C.20-req", 0},     /* a history request (BeginTime): the answer is 9011 */
        {"D17-C.23-req-TYPO", 0},
        {"D17-C.2-req", 0},      /* 1011 request */
        {"D17-C.3-req", 0},      {"D17-C.30-3011", 0},
        {"D17-C.49-P1", 0},      /* Flag=6: split, no ack */
        {"D17-C.50-P2", 9014},   /* Flag=7 */
        {"D17-C.17-2061", 9014}, {"D17-C.18-2031", 9014}, {"D17-C.19-2041-TYPO", 9014},
        {"D17-C.24-2081", 9014}, {"D17-C.39-3019", 9014}, {"D17-C.40-3020-UTF8", 9014},
        {"JV-0453", 9014},       /* Flag=7, no PNUM */
        {"XY-0139", 9014},       /* no Flag: reply_when_no_flag */
        {"OFF25-A2-2P", 9014},   /* 2025 upload: Flag=8 reply */
        {"OFF25-A1", 0},         /* 2025 1011 request */
        {"PH-0069-9021", 0},     /* vendor heartbeat, Flag=4 */
    };
    eco_buf_t out = ECO_BUF_INIT;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        eco_buf_reset(&out);
        parse_vec(&s, t[i].id, &pkt);
        int cn = eco_hj212_reply_for(&pkt, &out);
        if (cn != t[i].cn) fail_msg("%s: reply %d, expected %d", t[i].id, cn, t[i].cn);
        if (!cn) {
            assert_int_equal(out.len, 0);
            continue;
        }
        /* the reply is itself a valid frame echoing QN/PW/MN */
        eco_hj212_frame_t fr;
        eco_err_t err;
        assert_int_equal(eco_hj212_frame_check((unsigned char *)out.data, out.len, NULL, &fr, &err), 0);
        assert_int_equal(eco_hj212_parse(fr.segment, NULL, &back, &err), 0);
        assert_int_equal(back.cn_num, cn);
        assert_true(eco_slice_eq(back.st, "91"));
        assert_int_equal(back.qn.len, pkt.qn.len);
        if (pkt.qn.len) assert_memory_equal(back.qn.ptr, pkt.qn.ptr, pkt.qn.len);
        assert_int_equal(back.mn.len, pkt.mn.len);
        assert_memory_equal(back.mn.ptr, pkt.mn.ptr, pkt.mn.len);
        assert_int_equal(back.flag, pkt.edition == ECO_HJ212_ED_2025 ? 8 : 4);
        assert_int_equal(back.cp.len, 0);
        assert_int_equal(back.ack_wanted, 0);
    }
    /* XY-0139 has no QN: the reply leaves it out */
    eco_buf_reset(&out);
    parse_vec(&s, "XY-0139", &pkt);
    assert_int_equal(eco_hj212_reply_for(&pkt, &out), 9014);
    assert_ptr_equal(strstr(out.data, "ST=91;CN=9014;PW=123456;MN=LD130133000015;Flag=4;CP=&&&&"), out.data + 6);
    /* ... unless the policy says not to answer packets without Flag */
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    o.reply_when_no_flag = 0;
    const hv_vec_t *v = hv_find(&s, "XY-0139");
    eco_err_t err;
    assert_int_equal(eco_hj212_parse((eco_slice_t){(const char *)v->pkt + 6, v->n - 10}, &o, &pkt, &err), 0);
    eco_buf_reset(&out);
    assert_int_equal(eco_hj212_reply_for(&pkt, &out), 0);
    eco_buf_free(&out);
    hv_free(&s);
}

static int reply_cn_for(const char *seg)
{
    eco_err_t err;
    eco_buf_t out = ECO_BUF_INIT;
    assert_int_equal(eco_hj212_parse(eco_slice_cstr(seg), NULL, &pkt, &err), 0);
    int cn = eco_hj212_reply_for(&pkt, &out);
    eco_buf_free(&out);
    return cn;
}

static void test_reply_decisions_synthetic(void **state)
{
    (void)state;
    /* 2025 notifications: heartbeat, hardware serials, key request -> 9013 with Flag=8 */
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=9015;PW=1;MN=2;Flag=9;CP=&&&&"), 9013);
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=1001;PW=1;MN=2;Flag=9;CP=&&&&"), 9013);
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=1014;PW=1;MN=2;Flag=9;CP=&&&&"), 9013);
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=9021;PW=1;MN=2;Flag=5;CP=&&&&"), 9013);
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=2022;PW=1;MN=2;Flag=5;CP=&&&&"), 9013);
    /* heartbeat without the ack bit: nothing */
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=9015;PW=1;MN=2;Flag=8;CP=&&&&"), 0);
    /* an unknown CN that asks for a reply: 9014 (never leave a device waiting) */
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=7777;PW=1;MN=2;Flag=5;CP=&&&&"), 9014);
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=32;CN=x;PW=1;MN=2;Flag=5;CP=&&&&"), 9014);
    /* 2025 uploads */
    assert_int_equal(reply_cn_for("QN=20250601085857223;ST=27;CN=2013;PW=1;MN=2;Flag=9;CP=&&&&"), 9014);
    eco_err_t err;
    eco_buf_t out = ECO_BUF_INIT;
    assert_int_equal(eco_hj212_parse(eco_slice_cstr("QN=20250601085857223;ST=32;CN=9015;PW=1;MN=2;Flag=9;CP=&&&&"),
                                     NULL, &pkt, &err),
                     0);
    assert_int_equal(eco_hj212_reply_for(&pkt, &out), 9013);
    assert_non_null(strstr(out.data, "QN=20250601085857223;ST=91;CN=9013;PW=1;MN=2;Flag=8;CP=&&&&"));
    /* eco_hj212_reply: 9011 with a QnRtn, bad CNs refused */
    eco_buf_reset(&out);
    assert_int_equal(eco_hj212_reply(&pkt, 9011, 9, &out), 0);
    assert_non_null(strstr(out.data, "CN=9011;PW=1;MN=2;Flag=8;CP=&&QnRtn=9&&"));
    eco_buf_reset(&out);
    assert_int_equal(eco_hj212_reply(&pkt, 9012, 100, &out), 0);
    assert_non_null(strstr(out.data, "CP=&&ExeRtn=100&&"));
    assert_int_equal(eco_hj212_reply(&pkt, 2011, 1, &out), ECO_EINVAL);
    assert_int_equal(eco_hj212_reply(&pkt, 9011, -1, &out), ECO_EINVAL);
    eco_buf_free(&out);
}

/* ------------------------------------------------------------------ encode */

static void test_cp_build(void **state)
{
    (void)state;
    eco_buf_t b = ECO_BUF_INIT;
    eco_time_t t = eco_time_from_day(eco_day_from_civil(2016, 8, 1)) + 8 * 3600 + 58 * 60 + 57;
    const eco_hj212_cp_item_t items[] = {
        {"w01001", "Rtd", "7.1"}, {"w01001", "Flag", "N"}, {"w01018", "SampleTime", "20160801070000"},
        {"w01018", "Rtd", "2.2"}, {"PolId", NULL, "w01018"}, {"w01018", "Flag", "N"},
    };
    assert_int_equal(eco_hj212_cp_build(t, items, 6, &b), 0);
    assert_string_equal(b.data, "DataTime=20160801085857;w01001-Rtd=7.1,w01001-Flag=N;w01018-SampleTime=20160801070000,"
                                "w01018-Rtd=2.2;PolId=w01018;w01018-Flag=N");
    eco_buf_reset(&b);
    assert_int_equal(eco_hj212_cp_build(-1, items, 1, &b), 0); /* no DataTime */
    assert_string_equal(b.data, "w01001-Rtd=7.1");
    eco_buf_reset(&b);
    assert_int_equal(eco_hj212_cp_build(t, NULL, 0, &b), 0);
    assert_string_equal(b.data, "DataTime=20160801085857");
    const eco_hj212_cp_item_t bad[] = {{NULL, "Rtd", "1"}};
    assert_int_equal(eco_hj212_cp_build(t, bad, 1, &b), ECO_EINVAL);
    eco_buf_free(&b);
}

static void test_encode_errors(void **state)
{
    (void)state;
    eco_buf_t b = ECO_BUF_INIT;
    eco_hj212_msg_t m = {ECO_SLICE_LIT("20160801085857223"), ECO_SLICE_LIT("32"), ECO_SLICE_LIT("123456"),
                         ECO_SLICE_LIT("MN1"), 2011, 5, 0, 0, 0, ECO_SLICE_LIT("a-Rtd=1")};
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), 0);
    size_t len = b.len;
    m.cn = 10000;
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), ECO_EINVAL);
    m.cn = 2011;
    m.mn = ECO_SLICE_LIT("A;B");
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), ECO_EINVAL);
    m.mn = ECO_SLICE_LIT("MN1");
    m.flag = 256;
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), ECO_EINVAL);
    m.flag = 5;
    static char cp[1100];
    memset(cp, 'x', sizeof cp);
    m.cp = (eco_slice_t){cp, sizeof cp};
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), ECO_EHJ212_TOOBIG);
    assert_int_equal(b.len, len); /* nothing appended on failure */
    /* the segment limit is exactly 1024 */
    m.cp.len = 0;
    eco_buf_reset(&b);
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), 0);
    size_t base = b.len - 12;
    m.cp.len = 1024 - base;
    eco_buf_reset(&b);
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), 0);
    assert_int_equal(b.len, 1024 + 12);
    m.cp.len++;
    assert_int_equal(eco_hj212_encode(&m, NULL, &b), ECO_EHJ212_TOOBIG);
    eco_buf_free(&b);
}

/* every upload CN, with Flag/PNUM/PNO/RF variants, comes back as encoded */
static void test_round_trip(void **state)
{
    (void)state;
    static const int cns[] = {2011, 2021, 2031, 2041, 2051, 2061, 2081, 3019, 3020, 2013, 2052, 2062, 2111, 9015};
    static const uint8_t key[16] = "0123456789abcdef";
    eco_buf_t b = ECO_BUF_INIT, cp = ECO_BUF_INIT;
    for (size_t i = 0; i < sizeof cns / sizeof cns[0]; i++) {
        for (int variant = 0; variant < 4; variant++) {
            eco_buf_reset(&cp);
            eco_time_t t = eco_time_from_day(eco_day_from_civil(2026, 4, 11)) + (eco_time_t)i * 3600 + 60 * variant;
            const eco_hj212_cp_item_t items[] = {
                {"a21026", "Min", "1.5"}, {"a21026", "Avg", "-2.25"}, {"a21026", "Max", "3"}, {"a21026", "Flag", "N"},
                {"a34004", "Rtd", "35"},  {"a34004", "Flag", "M"},    {"i11001", "Info", "//清洗;管路//"},
            };
            assert_int_equal(eco_hj212_cp_build(t, items, 7, &cp), 0);
            int flag = variant == 0 ? 5 : variant == 1 ? 7 : variant == 2 ? 9 : -1;
            eco_hj212_msg_t m = {ECO_SLICE_LIT("20260411080000123"), ECO_SLICE_LIT("22"), ECO_SLICE_LIT("123456"),
                                 ECO_SLICE_LIT("010000A8900016F000169DC0"), cns[i], flag,
                                 variant == 1 ? 3 : 0, variant == 1 ? 2 : 0, variant == 2,
                                 (eco_slice_t){cp.data, cp.len}};
            eco_buf_reset(&b);
            const uint8_t *k = variant == 2 ? key : NULL; /* the 2025 variant encrypted */
            assert_int_equal(eco_hj212_encode(&m, k, &b), 0);
            assert_true(b.len >= 14);
            assert_memory_equal(b.data + b.len - 2, "\r\n", 2);
            eco_hj212_opts_t o;
            eco_hj212_opts_default(&o);
            o.sm4_key = k;
            eco_hj212_frame_t fr;
            eco_err_t err;
            int rc = eco_hj212_frame_check((unsigned char *)b.data, b.len, &o, &fr, &err);
            if (rc) fail_msg("CN %d variant %d: %s", cns[i], variant, err.msg);
            int enc = k && ((cns[i] >= 2000 && cns[i] <= 2999) || cns[i] == 3020);
            assert_int_equal(!!(fr.notes & ECO_HJ212_FN_DECRYPTED), enc);
            assert_int_equal(eco_hj212_parse(fr.segment, &o, &back, &err), 0);
            assert_int_equal(back.cn_num, cns[i]);
            assert_int_equal(back.flag, flag);
            assert_int_equal(back.pnum, m.pnum);
            assert_int_equal(back.pno, m.pno);
            assert_int_equal(back.backfill, m.rf);
            assert_true(eco_slice_eq(back.mn, "010000A8900016F000169DC0"));
            assert_int_equal(back.cp.len, cp.len);
            assert_memory_equal(back.cp.ptr, cp.data, cp.len);
            assert_true(back.has_time);
            assert_int_equal(back.time, t);
            assert_int_equal(back.nfactors, 3);
            assert_int_equal(back.nfields, 7);
            assert_true(back.fields[1].num == -2.25);
            assert_true(eco_slice_eq(back.fields[6].value, "//清洗;管路//"));
            /* the stream framer agrees */
            eco_hj212_framer_t f;
            eco_hj212_framer_init(&f, &o, 0);
            if (enc) { /* re-encode: frame_check decrypted b in place */
                eco_buf_reset(&b);
                assert_int_equal(eco_hj212_encode(&m, k, &b), 0);
            }
            for (size_t j = 0; j < b.len; j++) eco_hj212_framer_feed(&f, b.data + j, 1);
            assert_int_equal(eco_hj212_framer_next(&f, &fr, &err), 1);
            assert_int_equal(fr.segment.len, b.len - 12);
            eco_hj212_framer_free(&f);
        }
    }
    eco_buf_free(&b);
    eco_buf_free(&cp);
}

/* HJ 212-2025 A.2: encoding the plaintext with the test key gives the
 * published ciphertext (the region travels as raw bytes, notes §4.3) */
static void test_sm4_official(void **state)
{
    (void)state;
    hv_set_t s;
    NEED_SHARED(&s);
    static const uint8_t key[16] = {'0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'};
    static const struct {
        const char *id, *marker;
    } ex[] = {{"OFF25-A2-2P", "example 2 (307 bytes):"}, {"OFF25-A2-4P", "example 4 (246 bytes):"}};
    for (int e = 0; e < 2; e++) {
        parse_vec(&s, ex[e].id, &pkt);
        eco_hj212_msg_t m = {pkt.qn, pkt.st, pkt.pw, pkt.mn, pkt.cn_num, pkt.flag, 0, 0, 0, pkt.cp};
        eco_buf_t b = ECO_BUF_INIT;
        assert_int_equal(eco_hj212_encode(&m, NULL, &b), 0); /* plaintext: the vector itself */
        const hv_vec_t *v = hv_find(&s, ex[e].id);
        assert_int_equal(b.len, v->n + 2);
        assert_memory_equal(b.data, v->pkt, v->n);
        eco_buf_reset(&b);
        assert_int_equal(eco_hj212_encode(&m, key, &b), 0);
        size_t n = 0;
        unsigned char *wire = hv_md_hex(s.md, ex[e].marker, &n);
        assert_non_null(wire);
        assert_int_equal(b.len, n);
        assert_memory_equal(b.data, wire, n);
        free(wire);
        eco_buf_free(&b);
    }
    hv_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_replies), cmocka_unit_test(test_reply_decisions),
        cmocka_unit_test(test_reply_decisions_synthetic), cmocka_unit_test(test_cp_build),
        cmocka_unit_test(test_encode_errors),    cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_sm4_official),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
