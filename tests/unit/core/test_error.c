/* test_error.c — the single error table and eco_err_t.
 *
 * Why: error names end up in logs and JSON that other programs match on, and
 * messages are what an operator reads; two codes sharing a name or sentence,
 * a code missing from the table, or a message buffer overrun would all be
 * silent. The table is walked through the same X-macro that defines it, so a
 * code added later is covered without touching this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"

static const struct {
    int code;
    const char *ident; /* the enum's spelling */
} table[] = {
#define ROW(name, val, msg) {ECO_E##name, "ECO_E" #name},
    ECO_ERRNO_MAP(ROW)
#undef ROW
};
#define NCODES (sizeof table / sizeof table[0])

static void test_every_code_named_and_described(void **state)
{
    (void)state;
    assert_true(NCODES >= 17);
    for (size_t i = 0; i < NCODES; i++) {
        int c = table[i].code;
        assert_true(c < 0);
        assert_string_equal(eco_err_name(c), table[i].ident);
        const char *msg = eco_strerror(c);
        assert_non_null(msg);
        assert_true(strlen(msg) > 3);
        assert_string_not_equal(msg, "unknown error");
        assert_string_not_equal(msg, "success");
        for (size_t k = 0; k < i; k++) {
            if (table[k].code == c) fail_msg("code %d defined twice", c);
            assert_string_not_equal(eco_err_name(table[k].code), eco_err_name(c));
            assert_string_not_equal(eco_strerror(table[k].code), msg);
        }
    }
}

static void test_codes_are_dense_and_stable(void **state)
{
    (void)state;
    /* values are appended -1, -2, ...: a gap means one was renumbered or removed */
    for (size_t i = 0; i < NCODES; i++) assert_int_equal(table[i].code, -(int)(i + 1));
    /* a few values other programs may already rely on */
    assert_int_equal(ECO_ENOMEM, -1);
    assert_int_equal(ECO_EPARSE, -5);
    assert_int_equal(ECO_ECSV_QUOTE, -10);
    assert_int_equal(ECO_ECSV_ENCODING, -12);
    assert_int_equal(ECO_ETIME_FORMAT, -13);
}

static void test_ok_and_unknown(void **state)
{
    (void)state;
    assert_string_equal(eco_err_name(0), "ECO_OK");
    assert_string_equal(eco_strerror(0), "success");
    assert_string_equal(eco_err_name(-10000), "ECO_EUNKNOWN");
    assert_string_equal(eco_strerror(-10000), "unknown error");
    assert_string_equal(eco_err_name(5), "ECO_EUNKNOWN");
    assert_string_equal(eco_strerror(INT32_MIN), "unknown error");
}

static void test_err_set_formats_and_returns_code(void **state)
{
    (void)state;
    eco_err_t e;
    eco_err_clear(&e);
    assert_int_equal(e.code, 0);
    assert_string_equal(e.msg, "");
    int rc = eco_err_set(&e, ECO_ENUMBER, "%s:%zu:%d: %s: not a number: '%s'", "a.csv", (size_t)12, 3, "pm2_5",
                         "abc");
    assert_int_equal(rc, ECO_ENUMBER);
    assert_int_equal(e.code, ECO_ENUMBER);
    assert_string_equal(e.msg, "a.csv:12:3: pm2_5: not a number: 'abc'");
    /* NULL err: still returns the code */
    assert_int_equal(eco_err_set(NULL, ECO_EIO, "x %d", 1), ECO_EIO);
    /* UTF-8 text passes through */
    eco_err_set(&e, ECO_EMISSING, "站点 %s 缺少 %s", "1001A", "PM2.5");
    assert_string_equal(e.msg, "站点 1001A 缺少 PM2.5");
    eco_err_clear(&e);
    assert_int_equal(e.code, 0);
    assert_string_equal(e.msg, "");
    eco_err_clear(NULL);
}

static void test_err_set_truncates_long_messages(void **state)
{
    (void)state;
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct {
        eco_err_t e;
        char guard[16];
    } s;
    memset(s.guard, 0x5A, sizeof s.guard);
    eco_err_set(&s.e, ECO_ETOOBIG, "%s", big);
    assert_int_equal(strlen(s.e.msg), sizeof s.e.msg - 1);
    for (size_t i = 0; i < sizeof s.guard; i++) assert_int_equal((unsigned char)s.guard[i], 0x5A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_named_and_described),
        cmocka_unit_test(test_codes_are_dense_and_stable),
        cmocka_unit_test(test_ok_and_unknown),
        cmocka_unit_test(test_err_set_formats_and_returns_code),
        cmocka_unit_test(test_err_set_truncates_long_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
