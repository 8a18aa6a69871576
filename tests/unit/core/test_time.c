/* test_time.c — src/core/time.h: every accepted input form, the calendar, and
 * Beijing-time arithmetic.
 *
 * Why: a day or hour off by one moves a reading into the wrong daily mean and
 * changes an AQI verdict, and a date the calendar does not have (2026-02-29)
 * must be rejected, not rolled over. Expected values are absolute numbers
 * computed outside this code (Python's datetime), and the day/civil round trip
 * is checked against the calendar rule "each day is the day after the
 * previous one" over ±2700 years rather than against its own formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/time.h"

/* 2026-04-11 08:00:00 Beijing, in Beijing civil seconds since 1970 */
#define T_0411_0800 INT64_C(1775894400)

static eco_time_t parse_ok(const char *s)
{
    eco_time_t t = -12345;
    int rc = eco_time_parse(eco_slice_cstr(s), &t);
    if (rc != 0) print_error("'%s' was rejected\n", s);
    assert_int_equal(rc, 0);
    return t;
}

static void parse_bad(const char *s)
{
    eco_time_t t = -12345;
    int rc = eco_time_parse(eco_slice_cstr(s), &t);
    if (rc != ECO_ETIME_FORMAT) print_error("'%s' was accepted as %lld\n", s, (long long)t);
    assert_int_equal(rc, ECO_ETIME_FORMAT);
    assert_int_equal(t, -12345); /* *out untouched on failure */
}

static void test_accepted_forms(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-04-11 08:00"), T_0411_0800);
    assert_int_equal(parse_ok("2026-04-11 08:00:00"), T_0411_0800);
    assert_int_equal(parse_ok("2026-04-11 08:00:05"), T_0411_0800 + 5);
    assert_int_equal(parse_ok("2026-04-11T08:00:05"), T_0411_0800 + 5);
    assert_int_equal(parse_ok("2026/04/11 08:00"), T_0411_0800);
    assert_int_equal(parse_ok("2026/4/11 8:00"), T_0411_0800);
    assert_int_equal(parse_ok("2026-4-1 8:00"), INT64_C(1775001600) + 8 * 3600);
    assert_int_equal(parse_ok("2026/3/1 8:00"), INT64_C(1772352000));
    assert_int_equal(parse_ok("2026-04-11"), T_0411_0800 - 8 * 3600);
    assert_int_equal(parse_ok("  2026-04-11 08:00\t"), T_0411_0800); /* blanks trimmed */
    assert_int_equal(parse_ok("2026-04-11 08:00:05.250"), T_0411_0800 + 5); /* fraction dropped */
    /* HJ 212 compact forms */
    assert_int_equal(parse_ok("20260411080005"), T_0411_0800 + 5);
    assert_int_equal(parse_ok("202604110800"), T_0411_0800);
    assert_int_equal(parse_ok("20260411"), T_0411_0800 - 8 * 3600);
    /* leap second clamps to :59 */
    assert_int_equal(parse_ok("2026-04-11 08:00:60"), T_0411_0800 + 59);
}

static void test_24_00_is_next_midnight(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-04-10 24:00"), T_0411_0800 - 8 * 3600);
    assert_int_equal(parse_ok("2026-04-10 24:00:00"), T_0411_0800 - 8 * 3600);
    assert_int_equal(parse_ok("202604102400"), T_0411_0800 - 8 * 3600);
    assert_int_equal(parse_ok("2026-12-31 24:00"), INT64_C(1798761600)); /* 2027-01-01 00:00 */
    assert_int_equal(parse_ok("2024-02-28 24:00"), INT64_C(1709164800)); /* 2024-02-29 */
    parse_bad("2026-04-10 24:01");
    parse_bad("2026-04-10 24:00:01");
    parse_bad("2026-04-10 25:00");
}

static void test_offsets_convert_to_beijing(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-04-11T08:00:00+08:00"), T_0411_0800);
    assert_int_equal(parse_ok("2026-04-11T08:00:00+0800"), T_0411_0800);
    assert_int_equal(parse_ok("2026-04-11T00:00:00Z"), T_0411_0800);
    assert_int_equal(parse_ok("2026-04-11T08:00:00Z"), T_0411_0800 + 8 * 3600);
    assert_int_equal(parse_ok("2026-04-11T08:00:00-05:00"), INT64_C(1775941200));
    assert_int_equal(parse_ok("2026-04-11T08:00:00+05:30"), T_0411_0800 + 2 * 3600 + 1800);
    assert_int_equal(parse_ok("2026-04-11T08:00:00+00:00"), T_0411_0800 + 8 * 3600);
    assert_int_equal(parse_ok("20260411000000Z"), T_0411_0800);
    /* crossing a day and a year backwards */
    assert_int_equal(parse_ok("2027-01-01T01:00:00+14:00"), INT64_C(1798761600) - 5 * 3600);
    parse_bad("2026-04-11T08:00:00+15:00");
    parse_bad("2026-04-11T08:00:00+08:60");
    parse_bad("2026-04-11T08:00:00+8:00");
    parse_bad("2026-04-11T08:00:00Zx");
    parse_bad("2026-04-11T08:00:00 Z");
    parse_bad("2026-04-11T08:00:00+");
}

static void test_invalid_dates_rejected(void **state)
{
    (void)state;
    parse_bad("2026-02-29");
    parse_bad("2026-02-29 08:00");
    parse_bad("20260229080000");
    parse_bad("2024-02-30");
    parse_bad("1900-02-29"); /* divisible by 100, not 400 */
    parse_bad("2026-04-31");
    parse_bad("2026-13-01");
    parse_bad("2026-00-10");
    parse_bad("2026-01-00");
    parse_bad("2026-01-32");
    assert_int_equal(parse_ok("2024-02-29"), INT64_C(1709164800));
    assert_int_equal(parse_ok("2000-02-29"), (eco_time_t)eco_day_from_civil(2000, 2, 29) * ECO_DAY_S);
}

static void test_garbage_rejected(void **state)
{
    (void)state;
    static const char *bad[] = {
        "", " ", "2026", "2026-04", "2026-04-", "abc", "2026-04-11 08", "2026-04-11 08:", "2026-04-11 08:0",
        "2026-04-11 08:60", "2026-04-11 08:00:61", "2026-04-11 008:00", "2026-04-11T", "2026-04-11x",
        "2026-04/11", "2026-004-11", "2026-04-111", "2026041108000", "20260411080", "2026041108", "2026-04-11  08:00",
        "2026-04-11 08:00:00 +08:00", "二〇二六-04-11", "2026-04-11 08:00:0x", "-2026-04-11",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) parse_bad(bad[i]);
    /* a slice is not NUL-terminated: only its bytes count */
    eco_time_t t;
    assert_int_equal(eco_time_parse((eco_slice_t){"2026-04-11 08:00:05", 16}, &t), 0);
    assert_int_equal(t, T_0411_0800);
    assert_int_equal(eco_time_parse((eco_slice_t){"2026-04-11 08:00", 15}, &t), ECO_ETIME_FORMAT);
}

static void test_day_parse(void **state)
{
    (void)state;
    eco_day_t d = -1;
    assert_int_equal(eco_day_parse(eco_slice_cstr("2026-04-11"), &d), 0);
    assert_int_equal(d, 20554);
    assert_int_equal(eco_day_parse(eco_slice_cstr("20260411"), &d), 0);
    assert_int_equal(d, 20554);
    assert_int_equal(eco_day_parse(eco_slice_cstr(" 2000/1/1 "), &d), 0);
    assert_int_equal(d, 10957);
    assert_int_equal(eco_day_parse(eco_slice_cstr("1969-12-31"), &d), 0);
    assert_int_equal(d, -1);
    d = 7;
    assert_int_equal(eco_day_parse(eco_slice_cstr("2026-04-11 08:00"), &d), ECO_ETIME_FORMAT);
    assert_int_equal(eco_day_parse(eco_slice_cstr("2026-02-29"), &d), ECO_ETIME_FORMAT);
    assert_int_equal(eco_day_parse(eco_slice_cstr("2026041"), &d), ECO_ETIME_FORMAT);
    assert_int_equal(d, 7);
}

static void test_calendar(void **state)
{
    (void)state;
    assert_true(eco_is_leap(2024));
    assert_true(eco_is_leap(2000));
    assert_false(eco_is_leap(1900));
    assert_false(eco_is_leap(2026));
    assert_true(eco_is_leap(0));
    assert_true(eco_is_leap(-4));
    assert_int_equal(eco_days_in_month(2024, 2), 29);
    assert_int_equal(eco_days_in_month(2026, 2), 28);
    assert_int_equal(eco_days_in_month(2026, 4), 30);
    assert_int_equal(eco_days_in_month(2026, 12), 31);
    assert_int_equal(eco_days_in_month(2026, 0), 0);
    assert_int_equal(eco_days_in_month(2026, 13), 0);
    assert_int_equal(eco_day_from_civil(1970, 1, 1), 0);
    assert_int_equal(eco_day_from_civil(2000, 1, 1), 10957);
    assert_int_equal(eco_day_from_civil(2026, 4, 11), 20554);
    assert_int_equal(eco_day_from_civil(1900, 3, 1), -25508);
}

/* Walk day by day: to_civil(d + 1) must be the calendar successor of
 * to_civil(d), and from_civil must invert it. */
static void test_day_civil_round_trip(void **state)
{
    (void)state;
    const eco_day_t lo = -1000000, hi = 1000000; /* about year -768 .. 4707 */
    int y, m, d;
    eco_day_to_civil(lo, &y, &m, &d);
    for (eco_day_t day = lo; day < hi; day++) {
        int y2, m2, d2;
        eco_day_to_civil(day + 1, &y2, &m2, &d2);
        if (d < eco_days_in_month(y, m)) {
            assert_true(y2 == y && m2 == m && d2 == d + 1);
        } else if (m < 12) {
            assert_true(y2 == y && m2 == m + 1 && d2 == 1);
        } else {
            assert_true(y2 == y + 1 && m2 == 1 && d2 == 1);
        }
        if (eco_day_from_civil(y2, m2, d2) != day + 1) {
            print_error("day %d -> %d-%d-%d\n", day + 1, y2, m2, d2);
            fail();
        }
        y = y2, m = m2, d = d2;
    }
    assert_int_equal(y, 4707);
    /* the extremes of eco_day_t do not overflow on the way */
    eco_day_to_civil(INT32_MAX, &y, &m, &d);
    assert_int_equal(eco_day_from_civil(y, m, d), INT32_MAX);
    eco_day_to_civil(INT32_MIN, &y, &m, &d);
    assert_int_equal(eco_day_from_civil(y, m, d), INT32_MIN);
}

static void test_day_and_hour_of_negative_times(void **state)
{
    (void)state;
    assert_int_equal(eco_time_day(0), 0);
    assert_int_equal(eco_time_hour(0), 0);
    assert_int_equal(eco_time_day(3599), 0);
    assert_int_equal(eco_time_hour(3599), 0);
    assert_int_equal(eco_time_hour(3600), 1);
    assert_int_equal(eco_time_day(86399), 0);
    assert_int_equal(eco_time_hour(86399), 23);
    assert_int_equal(eco_time_day(86400), 1);
    assert_int_equal(eco_time_day(-1), -1);
    assert_int_equal(eco_time_hour(-1), 23);
    assert_int_equal(eco_time_day(-3600), -1);
    assert_int_equal(eco_time_hour(-3600), 23);
    assert_int_equal(eco_time_hour(-3601), 22);
    assert_int_equal(eco_time_day(-86400), -1);
    assert_int_equal(eco_time_hour(-86400), 0);
    assert_int_equal(eco_time_day(-86401), -2);
    assert_int_equal(eco_time_hour(-86401), 23);
    assert_int_equal(eco_time_day(INT64_C(-2203891200)), -25508); /* 1900-03-01 00:00 */
    /* no overflow at the ends of the type (UBSan would abort) */
    assert_true(eco_time_hour(INT64_MIN) >= 0 && eco_time_hour(INT64_MIN) < 24);
    assert_true(eco_time_hour(INT64_MAX) >= 0 && eco_time_hour(INT64_MAX) < 24);
    (void)eco_time_day(INT64_MIN);
    /* whole hours: day and hour recompose the time */
    for (eco_time_t t = -5 * 86400; t < 5 * 86400; t += 3600)
        assert_int_equal(eco_time_from_day(eco_time_day(t)) + eco_time_hour(t) * 3600, t);
}

static void test_utc_edges(void **state)
{
    (void)state;
    assert_int_equal(eco_time_from_utc(0), 8 * 3600);
    assert_int_equal(eco_time_to_utc(T_0411_0800), T_0411_0800 - 8 * 3600);
    assert_int_equal(eco_time_to_utc(eco_time_from_utc(1234567)), 1234567);
    char buf[32];
    eco_time_format(eco_time_from_utc(0), buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01 08:00");
}

static void test_formatting(void **state)
{
    (void)state;
    char buf[64];
    eco_time_format(T_0411_0800, buf, sizeof buf);
    assert_string_equal(buf, "2026-04-11 08:00");
    eco_time_format(T_0411_0800 + 5, buf, sizeof buf);
    assert_string_equal(buf, "2026-04-11 08:00:05");
    eco_time_format(T_0411_0800 + 16 * 3600 - 1, buf, sizeof buf);
    assert_string_equal(buf, "2026-04-11 23:59:59");
    eco_time_format(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31 23:59:59");
    eco_time_format(-86400, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31 00:00");
    eco_time_format_iso(T_0411_0800, buf, sizeof buf);
    assert_string_equal(buf, "2026-04-11T08:00:00+08:00");
    eco_time_format_iso(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59+08:00");
    eco_day_format(20554, buf, sizeof buf);
    assert_string_equal(buf, "2026-04-11");
    eco_day_format(-25508, buf, sizeof buf);
    assert_string_equal(buf, "1900-03-01");
    /* the documented minimum sizes are enough */
    char s20[20], s26[26], s11[11];
    eco_time_format(T_0411_0800 + 5, s20, sizeof s20);
    assert_string_equal(s20, "2026-04-11 08:00:05");
    eco_time_format_iso(T_0411_0800, s26, sizeof s26);
    assert_string_equal(s26, "2026-04-11T08:00:00+08:00");
    eco_day_format(20554, s11, sizeof s11);
    assert_string_equal(s11, "2026-04-11");
    /* a short buffer truncates, never overflows */
    char s5[5];
    eco_time_format(T_0411_0800, s5, sizeof s5);
    assert_string_equal(s5, "2026");
}

static void test_parse_format_round_trip(void **state)
{
    (void)state;
    /* every minute-aligned and odd-second time over a range of years */
    for (eco_time_t t = INT64_C(-2208988800); t < INT64_C(4102444800); t += 86400 * 37 + 3607) {
        char buf[32];
        eco_time_t back;
        eco_time_format(t, buf, sizeof buf);
        assert_int_equal(eco_time_parse(eco_slice_cstr(buf), &back), 0);
        assert_int_equal(back, t);
        eco_time_format_iso(t, buf, sizeof buf);
        assert_int_equal(eco_time_parse(eco_slice_cstr(buf), &back), 0);
        assert_int_equal(back, t);
    }
}

static void test_formats_for_hj212(void **state)
{
    (void)state;
    char b[40];
    eco_time_format_qn(0, b, sizeof b); /* the Unix epoch is 08:00 in Beijing */
    assert_string_equal(b, "19700101080000000");
    eco_time_format_qn(1777593600123LL - 8 * 3600 * 1000LL, b, sizeof b);
    assert_string_equal(b, "20260501000000123");
    eco_time_format_qn(-1, b, sizeof b); /* one ms before: 07:59:59.999 */
    assert_string_equal(b, "19700101075959999");
    eco_time_t t;
    assert_int_equal(eco_time_parse(eco_slice_cstr("2026-05-01 08:00"), &t), 0);
    eco_time_format_compact(t, b, sizeof b);
    assert_string_equal(b, "20260501080000");
    eco_time_format_full(t, b, sizeof b);
    assert_string_equal(b, "2026-05-01 08:00:00");
    int64_t a = eco_now_ms();
    assert_true(a > 1700000000000LL); /* a real wall clock (after 2023) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_for_hj212),
        cmocka_unit_test(test_accepted_forms),
        cmocka_unit_test(test_24_00_is_next_midnight),
        cmocka_unit_test(test_offsets_convert_to_beijing),
        cmocka_unit_test(test_invalid_dates_rejected),
        cmocka_unit_test(test_garbage_rejected),
        cmocka_unit_test(test_day_parse),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_day_civil_round_trip),
        cmocka_unit_test(test_day_and_hour_of_negative_times),
        cmocka_unit_test(test_utc_edges),
        cmocka_unit_test(test_formatting),
        cmocka_unit_test(test_parse_format_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
