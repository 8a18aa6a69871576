/* test_buf_json.c — slices, the growable buffer and the streaming JSON writer.
 *
 * Why: every report ecobrain prints (CSV rows, JSON for the web UI and for
 * other programs) is built in an eco_buf_t, and the JSON writer is trusted to
 * emit valid JSON whatever strings the data carry: quotes and backslashes in
 * station names, control characters, Chinese text, bytes that are not UTF-8,
 * NaN readings and -0 from rounding. Each test compares the exact bytes.
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

#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

/* ---- slices ----------------------------------------------------------- */

static void test_slices(void **state)
{
    (void)state;
    eco_slice_t s = eco_slice_cstr("PM2.5");
    assert_int_equal(s.len, 5);
    assert_true(eco_slice_eq(s, "PM2.5"));
    assert_false(eco_slice_eq(s, "PM2.50"));
    assert_false(eco_slice_eq(s, "pm2.5"));
    assert_true(eco_slice_ieq(s, "pm2.5"));
    assert_false(eco_slice_ieq(s, "pm2.6"));
    assert_false(eco_slice_ieq(s, "pm2."));
    /* NULL and empty compare as empty (no memcmp on NULL: UBSan) */
    eco_slice_t none = eco_slice_cstr(NULL);
    assert_int_equal(none.len, 0);
    assert_true(eco_slice_eq(none, ""));
    assert_true(eco_slice_ieq(none, ""));
    assert_false(eco_slice_eq(none, "x"));
    eco_slice_t t = eco_slice_trim(eco_slice_cstr(" \t a b \t"));
    assert_int_equal(t.len, 3);
    assert_memory_equal(t.ptr, "a b", 3);
    assert_int_equal(eco_slice_trim(eco_slice_cstr(" \t ")).len, 0);
    assert_int_equal(eco_slice_trim(none).len, 0);
    /* the literal macro does not count the NUL */
    assert_int_equal(ECO_SLICE_LIT("abc").len, 3);
}

static void test_slice_to_double(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double v;
    } ok[] = {{"35", 35}, {" 12.5 ", 12.5}, {"-0.25", -0.25}, {"+7", 7}, {"1e3", 1000}, {"2.5E-1", 0.25},
              {".5", 0.5}, {"5.", 5}, {"0", 0}};
    static const char *bad[] = {"", " ", "abc", "1,5", "1.2.3", "0x10", "nan", "inf", "-inf", "1e",
                                "1e400", "--1", "12a", "35μg", "1 2", "."};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -99;
        assert_int_equal(eco_slice_to_double(eco_slice_cstr(ok[i].s), &v), 0);
        assert_true(v == ok[i].v);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = -99;
        if (eco_slice_to_double(eco_slice_cstr(bad[i]), &v) != ECO_ENUMBER) {
            print_error("'%s' accepted\n", bad[i]);
            fail();
        }
        assert_true(v == -99);
    }
    /* only the slice's bytes count */
    double v;
    assert_int_equal(eco_slice_to_double((eco_slice_t){"12345", 2}, &v), 0);
    assert_true(v == 12);
    /* too long for the internal copy: rejected, not truncated */
    char longnum[80];
    memset(longnum, '1', sizeof longnum - 1);
    longnum[sizeof longnum - 1] = '\0';
    assert_int_equal(eco_slice_to_double(eco_slice_cstr(longnum), &v), ECO_ENUMBER);
}

/* ---- buffer ----------------------------------------------------------- */

static void test_buf_growth_and_termination(void **state)
{
    (void)state;
    eco_buf_t b = ECO_BUF_INIT;
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(eco_buf_putc(&b, (char)('a' + i % 26)), 0);
        assert_int_equal(b.data[b.len], '\0');
    }
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    for (int i = 0; i < 10000; i++) assert_int_equal(b.data[i], 'a' + i % 26);
    size_t cap = b.cap;
    eco_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, cap); /* memory kept */
    assert_string_equal(b.data, "");
    assert_int_equal(eco_buf_puts(&b, "x"), 0);
    assert_int_equal(eco_buf_append(&b, "yz", 2), 0);
    assert_int_equal(eco_buf_append(&b, NULL, 0), 0);
    assert_int_equal(eco_buf_printf(&b, "-%d-%s-", 42, "北京"), 0);
    assert_string_equal(b.data, "xyz-42-北京-");
    /* printf longer than the spare capacity */
    char big[3000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    eco_buf_reset(&b);
    assert_int_equal(eco_buf_printf(&b, "<%s>", big), 0);
    assert_int_equal(b.len, sizeof big + 1);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[b.len - 1], '>');
    assert_int_equal(b.data[b.len], '\0');
    eco_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    eco_buf_free(&b); /* twice is harmless */
}

static void test_buf_reserve_overflow(void **state)
{
    (void)state;
    eco_buf_t b = ECO_BUF_INIT;
    assert_int_equal(eco_buf_puts(&b, "abc"), 0);
    /* len + extra + 1 would wrap around to a tiny size */
    assert_int_equal(eco_buf_reserve(&b, SIZE_MAX - 1), ECO_ENOMEM);
    assert_true(b.oom);
    /* sticky: later appends are refused, and flush says so */
    assert_int_equal(eco_buf_puts(&b, "d"), ECO_ENOMEM);
    assert_string_equal(b.data, "abc");
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(eco_buf_flush(&b, f), ECO_ENOMEM);
    fclose(f);
    eco_buf_free(&b);
    assert_false(b.oom); /* free makes it usable again */
    assert_int_equal(eco_buf_puts(&b, "ok"), 0);
    eco_buf_free(&b);
}

static void test_buf_flush(void **state)
{
    (void)state;
    eco_buf_t b = ECO_BUF_INIT;
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(eco_buf_flush(&b, f), 0); /* empty, never allocated */
    eco_buf_puts(&b, "line 1\n");
    assert_int_equal(eco_buf_flush(&b, f), 0);
    assert_int_equal(b.len, 0);
    eco_buf_puts(&b, "line 2\n");
    assert_int_equal(eco_buf_flush(&b, f), 0);
    rewind(f);
    char got[64] = {0};
    assert_int_equal(fread(got, 1, sizeof got - 1, f), 14);
    assert_string_equal(got, "line 1\nline 2\n");
    fclose(f);
    /* a stream that cannot be written */
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    eco_buf_puts(&b, "x");
    assert_int_equal(eco_buf_flush(&b, ro), ECO_EIO);
    fclose(ro);
    eco_buf_free(&b);
}

/* scratch buffer for the one-value helpers below, freed by the group teardown */
static eco_buf_t g_tmp = ECO_BUF_INIT;

static int free_tmp(void **state)
{
    (void)state;
    eco_buf_free(&g_tmp);
    return 0;
}

static const char *dbl(double v, int prec)
{
    eco_buf_reset(&g_tmp);
    assert_int_equal(eco_buf_put_double(&g_tmp, v, prec), 0);
    return g_tmp.data;
}

static void test_put_double(void **state)
{
    (void)state;
    assert_string_equal(dbl(0.1, -1), "0.1");
    assert_string_equal(dbl(35, -1), "35");
    assert_string_equal(dbl(1.0 / 3, -1), "0.3333333333333333");
    assert_string_equal(dbl(0.1 + 0.2, -1), "0.30000000000000004");
    assert_string_equal(dbl(-2.5, -1), "-2.5");
    assert_string_equal(dbl(1e21, -1), "1e+21");
    assert_string_equal(dbl(12.345, 1), "12.3");
    assert_string_equal(dbl(12.35, 0), "12");
    assert_string_equal(dbl(7, 2), "7.00");
    /* never "-0" in any form */
    assert_string_equal(dbl(-0.0, -1), "0");
    assert_string_equal(dbl(-0.0, 0), "0");
    assert_string_equal(dbl(-0.0, 2), "0.00");
    assert_string_equal(dbl(-0.001, 1), "0.0");
    assert_string_equal(dbl(-0.4, 0), "0");
    assert_string_equal(dbl(-0.06, 1), "-0.1");
    assert_string_equal(dbl(-1e-300, -1), "-1e-300");
    /* non-finite */
    assert_string_equal(dbl(NAN, -1), "null");
    assert_string_equal(dbl(INFINITY, 2), "null");
    assert_string_equal(dbl(-INFINITY, -1), "null");
    /* the shortest form reads back exactly */
    for (int i = 0; i < 2000; i++) {
        double v = (i - 1000) * 0.7 / 3.0 * pow(10, i % 40 - 20);
        assert_true(strtod(dbl(v, -1), NULL) == v);
    }
    /* fixed notation of a big value is written whole, not cut at 63 bytes */
    const char *s = dbl(1e100, 1);
    assert_int_equal(strlen(s), 103);
    assert_string_equal(s + 101, ".0");
    assert_true(strtod(s, NULL) == 1e100);
    s = dbl(-1.5, 80);
    assert_int_equal(strlen(s), 83);
    assert_true(strtod(s, NULL) == -1.5);
}

static const char *csvf(const char *s)
{
    eco_buf_reset(&g_tmp);
    assert_int_equal(eco_buf_put_csv_field(&g_tmp, s, strlen(s)), 0);
    return g_tmp.data ? g_tmp.data : "";
}

static void test_put_csv_field(void **state)
{
    (void)state;
    assert_string_equal(csvf("plain"), "plain");
    assert_string_equal(csvf(""), "");
    assert_string_equal(csvf("北京"), "北京");
    assert_string_equal(csvf("a b"), "a b");
    assert_string_equal(csvf("a,b"), "\"a,b\"");
    assert_string_equal(csvf("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_string_equal(csvf("\""), "\"\"\"\"");
    assert_string_equal(csvf("two\nlines"), "\"two\nlines\"");
    assert_string_equal(csvf("cr\r"), "\"cr\r\"");
    assert_string_equal(csvf("北京,海淀"), "\"北京,海淀\"");
    /* only the n bytes given */
    eco_buf_t b = ECO_BUF_INIT;
    assert_int_equal(eco_buf_put_csv_field(&b, "ab,cd", 2), 0);
    assert_string_equal(b.data, "ab");
    eco_buf_free(&b);
}

/* ---- JSON writer ------------------------------------------------------ */

typedef struct {
    eco_buf_t b;
    eco_json_t j;
} jw_t;

static void jw_init(jw_t *w)
{
    w->b = (eco_buf_t)ECO_BUF_INIT;
    eco_json_init(&w->j, &w->b);
}

/* Check output and status, then free. */
static void jw_expect(jw_t *w, const char *want, int status)
{
    assert_string_equal(w->b.data ? w->b.data : "", want);
    assert_int_equal(eco_json_status(&w->j), status);
    eco_buf_free(&w->b);
}

static void test_json_nesting_and_commas(void **state)
{
    (void)state;
    jw_t w;
    jw_init(&w);
    eco_json_obj_begin(&w.j);
    eco_json_key(&w.j, "site");
    eco_json_str(&w.j, "万寿西宫");
    eco_json_key(&w.j, "hours");
    eco_json_arr_begin(&w.j);
    eco_json_int(&w.j, 0);
    eco_json_int(&w.j, INT64_MIN);
    eco_json_int(&w.j, INT64_MAX);
    eco_json_arr_begin(&w.j);
    eco_json_arr_end(&w.j);
    eco_json_obj_begin(&w.j);
    eco_json_obj_end(&w.j);
    eco_json_obj_begin(&w.j);
    eco_json_key(&w.j, "a");
    eco_json_null(&w.j);
    eco_json_key(&w.j, "b");
    eco_json_bool(&w.j, 1);
    eco_json_key(&w.j, "c");
    eco_json_bool(&w.j, 0);
    eco_json_obj_end(&w.j);
    eco_json_arr_end(&w.j);
    eco_json_key(&w.j, "pm25");
    eco_json_num(&w.j, 35.5, -1);
    eco_json_key(&w.j, "aqi");
    eco_json_num(&w.j, 51.0, 0);
    eco_json_key(&w.j, "missing");
    eco_json_str(&w.j, NULL);
    eco_json_obj_end(&w.j);
    jw_expect(&w,
              "{\"site\":\"万寿西宫\",\"hours\":[0,-9223372036854775808,9223372036854775807,[],{},"
              "{\"a\":null,\"b\":true,\"c\":false}],\"pm25\":35.5,\"aqi\":51,\"missing\":null}",
              0);

    /* a bare top-level value and an empty array */
    jw_init(&w);
    eco_json_arr_begin(&w.j);
    eco_json_arr_end(&w.j);
    jw_expect(&w, "[]", 0);
    jw_init(&w);
    eco_json_num(&w.j, 2, -1);
    jw_expect(&w, "2", 0);

    /* maximum depth: 31 levels fit, the 32nd is refused */
    jw_init(&w);
    for (int i = 0; i < ECO_JSON_MAX_DEPTH - 1; i++) eco_json_arr_begin(&w.j);
    for (int i = 0; i < ECO_JSON_MAX_DEPTH - 1; i++) eco_json_arr_end(&w.j);
    assert_int_equal(eco_json_status(&w.j), 0);
    assert_int_equal(w.b.len, 2 * (ECO_JSON_MAX_DEPTH - 1));
    eco_buf_free(&w.b);
    jw_init(&w);
    for (int i = 0; i < ECO_JSON_MAX_DEPTH; i++) eco_json_arr_begin(&w.j);
    assert_int_equal(eco_json_status(&w.j), ECO_ETOOBIG);
    eco_buf_free(&w.b);
}

static void test_json_string_escaping(void **state)
{
    (void)state;
    jw_t w;
    jw_init(&w);
    eco_json_arr_begin(&w.j);
    eco_json_str(&w.j, "q\"b\\s/");
    eco_json_str(&w.j, "\n\r\t\b\f");
    eco_json_str(&w.j, "\x01\x1f\x7f");
    eco_json_strn(&w.j, "nul\0in", 6);
    eco_json_str(&w.j, "北京 PM₂.₅ 😀");
    eco_json_str(&w.j, "");
    eco_json_strn(&w.j, NULL, 0);
    eco_json_arr_end(&w.j);
    jw_expect(&w,
              "[\"q\\\"b\\\\s/\",\"\\n\\r\\t\\u0008\\u000c\",\"\\u0001\\u001f\x7f\",\"nul\\u0000in\","
              "\"北京 PM₂.₅ 😀\",\"\",\"\"]",
              0);

    /* keys are escaped the same way */
    jw_init(&w);
    eco_json_obj_begin(&w.j);
    eco_json_key(&w.j, "a\"b\n");
    eco_json_int(&w.j, 1);
    eco_json_obj_end(&w.j);
    jw_expect(&w, "{\"a\\\"b\\n\":1}", 0);
}

static void test_json_invalid_utf8_replaced(void **state)
{
    (void)state;
    jw_t w;
    jw_init(&w);
    eco_json_arr_begin(&w.j);
    eco_json_str(&w.j, "a\xff" "b");           /* stray byte */
    eco_json_str(&w.j, "\xd5\xbe\xb5\xe3");    /* GBK 站点: D5 BE is valid UTF-8, B5 E3 are not */
    eco_json_str(&w.j, "\xe4\xb8");            /* cut sequence at the end */
    eco_json_str(&w.j, "\xed\xa0\x80");        /* surrogate */
    eco_json_str(&w.j, "\xc0\xaf");            /* overlong '/' */
    eco_json_str(&w.j, "\xf4\x90\x80\x80");    /* above U+10FFFF */
    eco_json_str(&w.j, "\xe4\xb8\xad\xe4\xb8"); /* valid then cut */
    eco_json_arr_end(&w.j);
    jw_expect(&w,
              "[\"a\\ufffdb\",\"\xd5\xbe\\ufffd\\ufffd\",\"\\ufffd\\ufffd\",\"\\ufffd\\ufffd\\ufffd\","
              "\"\\ufffd\\ufffd\",\"\\ufffd\\ufffd\\ufffd\\ufffd\",\"中\\ufffd\\ufffd\"]",
              0);
}

static void test_json_numbers(void **state)
{
    (void)state;
    jw_t w;
    jw_init(&w);
    eco_json_arr_begin(&w.j);
    eco_json_num(&w.j, NAN, -1);
    eco_json_num(&w.j, INFINITY, 1);
    eco_json_num(&w.j, -INFINITY, -1);
    eco_json_num(&w.j, -0.0, -1);
    eco_json_num(&w.j, -0.0, 1);
    eco_json_num(&w.j, -0.04, 1);
    eco_json_num(&w.j, 0.1, -1);
    eco_json_num(&w.j, 1e-7, -1);
    eco_json_num(&w.j, 123456.789, 2);
    eco_json_arr_end(&w.j);
    jw_expect(&w, "[null,null,null,0,0.0,0.0,0.1,1e-07,123456.79]", 0);
}

static void test_json_misuse_is_reported(void **state)
{
    (void)state;
    jw_t w;

    jw_init(&w); /* close with nothing open */
    eco_json_obj_end(&w.j);
    jw_expect(&w, "", ECO_EINVAL);

    jw_init(&w); /* mismatched close */
    eco_json_obj_begin(&w.j);
    eco_json_arr_end(&w.j);
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w);
    eco_json_arr_begin(&w.j);
    eco_json_obj_end(&w.j);
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w); /* value without a key inside an object */
    eco_json_obj_begin(&w.j);
    eco_json_int(&w.j, 1);
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w); /* key inside an array */
    eco_json_arr_begin(&w.j);
    eco_json_key(&w.j, "k");
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w); /* key at top level */
    eco_json_key(&w.j, "k");
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w); /* two keys in a row */
    eco_json_obj_begin(&w.j);
    eco_json_key(&w.j, "a");
    eco_json_key(&w.j, "b");
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w); /* close right after a key */
    eco_json_obj_begin(&w.j);
    eco_json_key(&w.j, "a");
    eco_json_obj_end(&w.j);
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w); /* second top-level value */
    eco_json_obj_begin(&w.j);
    eco_json_obj_end(&w.j);
    eco_json_obj_begin(&w.j);
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);

    jw_init(&w); /* the error is sticky */
    eco_json_arr_end(&w.j);
    eco_json_arr_begin(&w.j);
    eco_json_arr_end(&w.j);
    assert_int_equal(eco_json_status(&w.j), ECO_EINVAL);
    eco_buf_free(&w.b);
}

static void test_json_reports_buffer_oom(void **state)
{
    (void)state;
    jw_t w;
    jw_init(&w);
    eco_json_arr_begin(&w.j);
    w.b.oom = 1; /* as if an append had failed */
    eco_json_int(&w.j, 1);
    assert_int_equal(eco_json_status(&w.j), ECO_ENOMEM);
    eco_buf_free(&w.b);
}

static void test_json_number_text(void **state)
{
    (void)state;
    eco_buf_t b = ECO_BUF_INIT;
    eco_json_t j;
    eco_json_init(&j, &b);
    eco_json_arr_begin(&j);
    eco_json_number_text(&j, "2.50", 4);
    eco_json_number_text(&j, "-0.7", 4);
    eco_json_number_text(&j, "1e-3", 4);
    eco_json_number_text(&j, "168", 3);
    eco_json_arr_end(&j);
    assert_int_equal(eco_json_status(&j), 0);
    assert_string_equal(b.data, "[2.50,-0.7,1e-3,168]");
    static const char *good[] = {"0", "-0", "0.5", "10", "1E+9", "-0.0e-0", "123456789012345678901234567890"};
    for (size_t k = 0; k < sizeof good / sizeof *good; k++) assert_true(eco_json_number_ok(good[k], strlen(good[k])));
    /* text that is not a JSON number is refused, and the document stays valid */
    static const char *bad[] = {"", "-", ".", "abc", "1,2", "NaN", "inf", "1.2.3", "\"1\"", "1 ",
                                /* what instruments send and strtod reads, but JSON does not allow */
                                ".5", "-.25", "1.", "01", "+1", "1e", "1e+", "-01.5", "00"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        eco_buf_reset(&b);
        eco_json_init(&j, &b);
        eco_json_number_text(&j, bad[k], strlen(bad[k]));
        assert_int_equal(eco_json_status(&j), ECO_EINVAL);
        assert_string_equal(b.data, "null");
    }
    eco_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slices),
        cmocka_unit_test(test_slice_to_double),
        cmocka_unit_test(test_buf_growth_and_termination),
        cmocka_unit_test(test_buf_reserve_overflow),
        cmocka_unit_test(test_buf_flush),
        cmocka_unit_test(test_put_double),
        cmocka_unit_test(test_put_csv_field),
        cmocka_unit_test(test_json_nesting_and_commas),
        cmocka_unit_test(test_json_string_escaping),
        cmocka_unit_test(test_json_invalid_utf8_replaced),
        cmocka_unit_test(test_json_numbers),
        cmocka_unit_test(test_json_number_text),
        cmocka_unit_test(test_json_misuse_is_reported),
        cmocka_unit_test(test_json_reports_buffer_oom),
    };
    return cmocka_run_group_tests(tests, NULL, free_tmp);
}
