/* test_sim_fmt.c — the simulator's formatters against what they replace: fixed
 * decimals against snprintf("%.*f"), QNs against eco_time_format_qn.
 *
 * Why the .c is included: both are static helpers of sim.c (the house rule),
 * and their promise — fmt_fixed: the same text as snprintf for 0..3 decimals
 * and |v| < 1e12, exact ties to even, never "-0"; format_qn: the same QN —
 * is only worth something if checked on many values. This file defines the
 * simulator's two public functions itself, so the linker takes nothing from
 * sim.o in the library.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ingest/sim.c"

/* snprintf's text, with "-0", "-0.0", ... written without the sign: the one documented difference */
static void want(char *out, size_t n, double v, int dec)
{
    snprintf(out, n, "%.*f", dec, v);
    if (out[0] == '-' && strspn(out + 1, "0.") == strlen(out + 1)) memmove(out, out + 1, strlen(out));
}

static void check(double v, int dec)
{
    char got[24], exp[64];
    size_t n = fmt_fixed(got, sizeof got, v, dec);
    want(exp, sizeof exp, v, dec);
    if (strcmp(got, exp) != 0 || n != strlen(got))
        fail_msg("fmt_fixed(%.17g, %d) = \"%s\" (len %zu), snprintf gives \"%s\"", v, dec, got, n, exp);
}

static void test_random_magnitudes(void **state)
{
    (void)state;
    uint64_t rng = 42;
    for (int i = 0; i < 2000000; i++) {
        double u = rng_unit(&rng), e = rng_unit(&rng) * 24 - 12; /* 1e-12 .. 1e12 */
        double v = u * pow(10, e);
        if (v >= 1e12) continue;
        if (rng_next(&rng) & 1) v = -v;
        check(v, i & 3);
    }
}

static void test_model_like_values(void **state)
{
    (void)state;
    uint64_t rng = 7;
    for (int i = 0; i < 1000000; i++) { /* the ranges the model sends: 0.01 .. 1e6 */
        double v = rng_unit(&rng) * pow(10, (double)(i % 8) - 2);
        check(v, (i >> 3) & 3);
    }
}

static void test_ties_and_neighbours(void **state)
{
    (void)state;
    static const double p10[4] = {1, 10, 100, 1000};
    for (int dec = 0; dec <= 3; dec++)
        for (int64_t k = 0; k < 200000; k++) {
            double h = ((double)k + 0.5) / p10[dec]; /* the nearest double to a decimal half */
            check(h, dec);
            check(nextafter(h, 0), dec);
            check(nextafter(h, 1e300), dec);
            check(-h, dec);
        }
    /* exact binary ties: k / 2^j with j small are exact decimal halves at some dec */
    for (int j = 1; j <= 12; j++)
        for (int64_t k = 0; k < 20000; k++)
            for (int dec = 0; dec <= 3; dec++) check(ldexp((double)k, -j), dec);
    for (int dec = 0; dec <= 3; dec++) { /* large integers and halves near the range's end */
        for (double v = 1e11; v < 1e12; v = v * 1.37 + 0.5) check(v, dec);
        check(999999999999.5, dec);
        check(nextafter(1e12, 0), dec);
    }
}

static void test_edges(void **state)
{
    (void)state;
    char b[24];
    assert_int_equal(fmt_fixed(b, sizeof b, 0.0, 2), 4);
    assert_string_equal(b, "0.00");
    fmt_fixed(b, sizeof b, -0.0, 1);
    assert_string_equal(b, "0.0");
    fmt_fixed(b, sizeof b, -0.004, 2);
    assert_string_equal(b, "0.00"); /* never "-0.00" */
    fmt_fixed(b, sizeof b, -0.005001, 2);
    assert_string_equal(b, "-0.01");
    fmt_fixed(b, sizeof b, 0.25, 1);
    assert_string_equal(b, "0.2"); /* an exact tie: to even, as printf */
    fmt_fixed(b, sizeof b, 0.75, 1);
    assert_string_equal(b, "0.8");
    fmt_fixed(b, sizeof b, 2.5, 0);
    assert_string_equal(b, "2");
    fmt_fixed(b, sizeof b, 0.125, 2);
    assert_string_equal(b, "0.12");
    fmt_fixed(b, sizeof b, 9.9996, 3);
    assert_string_equal(b, "10.000");
    check(5e-324, 3);   /* the smallest subnormal */
    check(2.2e-308, 0); /* around the smallest normal */
    /* outside the fast range: snprintf's own text, without a crash or a truncation past cap */
    check(1e12, 2);
    check(-123456789012345.678, 3);
    assert_int_equal(fmt_fixed(b, sizeof b, 1e300, 0), sizeof b - 1); /* longer than b: cut, NUL-terminated */
    assert_int_equal(strlen(b), sizeof b - 1);
    fmt_fixed(b, sizeof b, NAN, 2);
    assert_true(strstr(b, "nan") != NULL);
    fmt_fixed(b, sizeof b, INFINITY, 2);
    assert_string_equal(b, "inf");
    fmt_fixed(b, sizeof b, -INFINITY, 0);
    assert_string_equal(b, "-inf");
    fmt_fixed(b, sizeof b, 1.5, 7); /* other decimals: snprintf */
    assert_string_equal(b, "1.5000000");
}

static void test_qn(void **state)
{
    (void)state;
    uint64_t rng = 3;
    char got[24], exp[24];
    for (int i = 0; i < 1000000; i++) {
        /* 1970 .. 2300 and the last days of years, seconds and milliseconds at their edges */
        int64_t ms = (int64_t)(rng_next(&rng) % 10413792000000ull);
        if (i % 4 == 1) ms = ms / 1000 * 1000 + 999;
        if (i % 4 == 2) ms = ms / 86400000 * 86400000 - 8 * 3600000 + (int64_t)(rng_next(&rng) % 2000) - 1000;
        format_qn(ms, got, sizeof got);
        eco_time_format_qn(ms, exp, sizeof exp);
        if (strcmp(got, exp) != 0) fail_msg("format_qn(%lld) = %s, eco_time_format_qn gives %s", (long long)ms, got, exp);
    }
    format_qn(1777593600123, got, sizeof got);
    assert_string_equal(got, "20260501080000123");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_magnitudes),
        cmocka_unit_test(test_model_like_values),
        cmocka_unit_test(test_ties_and_neighbours),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_qn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
