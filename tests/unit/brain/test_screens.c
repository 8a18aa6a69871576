/* test_screens.c — each data-quality screen on crafted series: the published pH tampering
 * pattern must fire, normal noisy series of the same factor must not. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "brain/screens.h"

static const eco_time_t T0 = 1777593600; /* 2026-05-01 00:00 */

static double gauss(uint64_t *s)
{ /* Box-Muller on a 64-bit LCG: reproducible noise */
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    double u = ((*s >> 11) + 0.5) / 9007199254740992.0;
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    double w = ((*s >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * w);
}

static void test_ph_tampering_fires(void **state)
{
    (void)state;
    eco_screen_cfg_t c;
    eco_screen_cfg_for("ph", &c);
    eco_screen_state_t s;
    eco_screen_init(&s);
    eco_screen_evidence_t ev;
    /* a steady effluent, then pH 7.91 -> 9.34 -> 10.21 -> 8.47 within two minutes (30 s readings) */
    double seq[] = {7.88, 7.90, 7.89, 7.91, 9.34, 10.21, 8.47};
    unsigned fired = 0;
    for (int i = 0; i < 7; i++) fired |= eco_screen_push(&c, &s, T0 + 30 * i, seq[i], T0 + 30 * i, &ev);
    assert_true(fired & ECO_SCR_SPIKE);
    assert_true(ev.fired & ECO_SCR_SPIKE);
    assert_int_equal(ev.n, 4); /* the evidence: the level and the excursion and the return */
    assert_true(ev.v[0] == 7.91 && ev.v[1] == 9.34 && ev.v[2] == 10.21 && ev.v[3] == 8.47);
    assert_int_equal(ev.t[3], T0 + 180);
    assert_false(fired & ~ECO_SCR_SPIKE);
}

/* the screener in a transaction: a rollback puts the series' state back, so the resent spike is
 * reported again (its "already firing" flag was not kept); committed pushes stay */
static void test_screener_rollback(void **state)
{
    (void)state;
    eco_screener_t *x = eco_screener_new();
    assert_non_null(x);
    eco_screen_evidence_t ev;
    double seq[] = {7.88, 7.90, 7.89, 7.91, 9.34, 10.21, 8.47};
    eco_screener_begin(x);
    for (int i = 0; i < 6; i++)
        assert_int_equal(eco_screener_push(x, "MN1", "w01001", 1, T0 + 60 * i, seq[i], T0 + 60 * i, &ev), 0);
    eco_screener_end(x);
    eco_screener_begin(x);
    assert_true(eco_screener_push(x, "MN1", "w01001", 1, T0 + 360, seq[6], T0 + 360, &ev) & ECO_SCR_SPIKE);
    assert_int_equal(eco_screener_rollback(x), 1);
    eco_screener_begin(x);
    assert_true(eco_screener_push(x, "MN1", "w01001", 1, T0 + 360, seq[6], T0 + 360, &ev) & ECO_SCR_SPIKE);
    assert_int_equal(ev.n, 4);
    eco_screener_end(x);
    /* committed: the same reading again is the same episode, not reported twice */
    assert_false(eco_screener_push(x, "MN1", "w01001", 1, T0 + 420, seq[6], T0 + 420, &ev) & ECO_SCR_SPIKE);
    eco_screener_free(x);
}

static void test_normal_ph_does_not_fire(void **state)
{
    (void)state;
    eco_screen_cfg_t c;
    eco_screen_cfg_for("ph", &c);
    eco_screen_state_t s;
    eco_screen_init(&s);
    uint64_t seed = 42;
    unsigned fired = 0;
    double level = 7.5;
    for (int i = 0; i < 5000; i++) { /* a wandering level with analyser noise, 2 decimals as reported */
        level += 0.002 * gauss(&seed);
        double v = round((level + 0.05 * gauss(&seed)) * 100) / 100;
        fired |= eco_screen_push(&c, &s, T0 + 60 * i, v, T0 + 60 * i, NULL);
    }
    assert_int_equal(fired, 0);
    /* a real change of level (a new batch of effluent) is a step, not a spike that returns */
    for (int i = 0; i < 200; i++) {
        double v = round(((i < 100 ? 7.5 : 8.9) + 0.05 * gauss(&seed)) * 100) / 100;
        fired |= eco_screen_push(&c, &s, T0 + 60 * (5000 + i), v, T0 + 60 * (5000 + i), NULL);
    }
    assert_false(fired & ECO_SCR_SPIKE);
}

static void test_flat_stuck_impossible_future(void **state)
{
    (void)state;
    eco_screen_cfg_t c;
    eco_screen_cfg_default(&c);
    c.flat_n = 5;
    eco_screen_state_t s;
    eco_screen_init(&s);
    int fires = 0;
    for (int i = 0; i < 12; i++) fires += !!(eco_screen_push(&c, &s, T0 + i, 3.2, T0 + i, NULL) & ECO_SCR_FLAT);
    assert_int_equal(fires, 1); /* once, while it lasts */
    eco_screen_push(&c, &s, T0 + 12, 3.3, T0 + 12, NULL);
    for (int i = 0; i < 5; i++) fires += !!(eco_screen_push(&c, &s, T0 + 13 + i, 3.3, T0 + 13 + i, NULL) & ECO_SCR_FLAT);
    assert_int_equal(fires, 2); /* cleared by the change, fires again */

    eco_screen_cfg_default(&c);
    c.range_hi = 500;
    c.stuck_n = 3;
    c.valid_lo = 0;
    c.future_s = 600;
    eco_screen_init(&s);
    eco_screen_evidence_t ev;
    assert_int_equal(eco_screen_push(&c, &s, T0, 500, T0, NULL), 0);
    assert_int_equal(eco_screen_push(&c, &s, T0 + 60, 500, T0 + 60, NULL), 0);
    assert_int_equal(eco_screen_push(&c, &s, T0 + 120, 500, T0 + 120, &ev), ECO_SCR_STUCK);
    assert_int_equal(ev.n, 3);
    assert_int_equal(eco_screen_push(&c, &s, T0 + 180, -0.4, T0 + 180, NULL), ECO_SCR_IMPOSSIBLE);
    assert_int_equal(eco_screen_push(&c, &s, T0 + 3600, 12, T0 + 240, NULL), ECO_SCR_FUTURE);
    assert_int_equal(eco_screen_push(&c, &s, T0 + 300, 12, T0 + 300, NULL), 0);
    assert_int_equal(eco_screen_push(&c, &s, T0 + 360, NAN, T0 + 360, NULL), 0); /* missing: skipped */
    assert_false(eco_screen_silent(&c, &s, 60, T0 + 300 + 180));
    assert_true(eco_screen_silent(&c, &s, 60, T0 + 300 + 181));
}

static void test_smoothness(void **state)
{
    (void)state;
    eco_screen_cfg_t c;
    eco_screen_cfg_for("cod", &c);
    c.flat_n = 0;
    eco_screen_state_t s;
    eco_screen_init(&s);
    uint64_t seed = 7;
    unsigned fired = 0;
    for (int i = 0; i < 400; i++) fired |= eco_screen_push(&c, &s, T0 + 600 * i, 40 + 4 * gauss(&seed), T0 + 600 * i, NULL);
    assert_int_equal(fired, 0);
    /* then a suspiciously quiet series: a fixed value with a tiny dither */
    for (int i = 0; i < 20; i++)
        fired |= eco_screen_push(&c, &s, T0 + 600 * (400 + i), 38 + 0.01 * (i % 3), T0 + 600 * (400 + i), NULL);
    assert_true(fired & ECO_SCR_SMOOTH);
}

/* one absurd reading must not blind the smoothness screen for good (a review finding), and a
 * non-finite value is not a reading */
static void test_smoothness_survives_an_outlier(void **state)
{
    (void)state;
    eco_screen_cfg_t c;
    eco_screen_cfg_for("cod", &c);
    c.flat_n = 0;
    eco_screen_state_t s;
    eco_screen_init(&s);
    uint64_t seed = 11;
    unsigned fired = 0;
    eco_time_t t = T0;
    for (int i = 0; i < 300; i++, t += 600) fired |= eco_screen_push(&c, &s, t, 50 + 4 * gauss(&seed), t, NULL);
    assert_int_equal(eco_screen_push(&c, &s, t, INFINITY, t, NULL), 0);
    t += 600;
    fired |= eco_screen_push(&c, &s, t, 1e12, t, NULL); /* a glitch of the analyser */
    for (int i = 0; i < 300; i++) {
        t += 600;
        fired |= eco_screen_push(&c, &s, t, 50 + 4 * gauss(&seed), t, NULL);
    }
    assert_false(fired & ECO_SCR_SMOOTH);
    assert_true(isfinite(s.ew_mean) && isfinite(s.ew_var));
}

static void test_o2_reference(void **state)
{
    (void)state;
    const char *why;
    /* 100 mg/m³ measured at 11 % O2, reference 6 %: 100 × 15/10 = 150 */
    assert_true(fabs(eco_o2_correct(100, 11, 6, 19, &why) - 150) < 1e-12);
    assert_null(why);
    /* incinerator reference 11 %, measured 8 %: 40 × 10/13 */
    assert_true(fabs(eco_o2_correct(40, 8, 11, 19, &why) - 40.0 * 10 / 13) < 1e-12);
    assert_true(isnan(eco_o2_correct(100, NAN, 6, 19, &why)));
    assert_non_null(why);
    assert_true(isnan(eco_o2_correct(100, 19.5, 6, 19, &why)));
    assert_non_null(why);
    assert_true(isnan(eco_o2_correct(100, 19.0, 6, 19, &why))); /* at the maximum: not converted */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ph_tampering_fires),
        cmocka_unit_test(test_screener_rollback),
        cmocka_unit_test(test_normal_ph_does_not_fire),
        cmocka_unit_test(test_flat_stuck_impossible_future),
        cmocka_unit_test(test_smoothness),
        cmocka_unit_test(test_smoothness_survives_an_outlier),
        cmocka_unit_test(test_o2_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
