/* test_rules.c — the rules file: thresholds with duration and hysteresis on crafted series,
 * emission limits at the reference oxygen (worked numbers), the device's ZsAvg first, the
 * incinerator's 850 °C five-minute mean, screen parameters per factor, config errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "brain/rules.h"
#include "core/error.h"

static const eco_time_t T0 = 1777593600; /* 2026-05-01 00:00 */

typedef struct got {
    int n;
    char screen[8][96];
    char sev[8][16];
    eco_time_t t[8];
    char ev[8][1400];
} got_t;

static int collect(void *ud, const eco_rule_alert_t *a)
{
    got_t *g = ud;
    if (g->n < 8) {
        snprintf(g->screen[g->n], sizeof g->screen[0], "%s", a->screen);
        snprintf(g->sev[g->n], sizeof g->sev[0], "%s", a->severity);
        g->t[g->n] = a->t;
        snprintf(g->ev[g->n], sizeof g->ev[0], "%s", a->evidence);
    }
    g->n++;
    return 0;
}

static eco_rules_t *load(const char *text)
{
    eco_rules_t *r = eco_rules_new();
    eco_err_t err;
    eco_err_clear(&err);
    int rc = eco_rules_parse(r, "t.ini", text, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    return r;
}

static void push1(eco_rules_t *r, const char *mn, const char *site, int gran, eco_time_t t, const char *factor, double v,
                  got_t *g)
{
    eco_rule_val_t x = {factor, v, NULL, 0};
    assert_int_equal(eco_rules_record(r, mn, site, gran, t, &x, 1, collect, g), 0);
}

static void test_threshold_hysteresis(void **st)
{
    (void)st;
    eco_rules_t *r = load("[threshold pm25_high]\nfactor = a34004\ngranularity = hour\nabove = 150\nfor = 2\nclear = 2\n");
    got_t g = {0};
    /* 160 alone does not fire (for = 2); 160, 170 does, at the second; dips of one hour under do not clear
     * (clear = 2), so the next run over is the same episode; two hours under clear, and a new run fires again */
    double v[] = {100, 160, 120, 160, 170, 140, 180, 190, 140, 130, 155, 158};
    for (int i = 0; i < 12; i++) push1(r, "M1", "S1", 2, T0 + i * 3600, "a34004", v[i], &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.screen[0], "rule:pm25_high");
    assert_string_equal(g.sev[0], "medium");
    assert_int_equal(g.t[0], T0 + 4 * 3600);
    assert_string_equal(g.ev[0], "2026-05-01 03:00:00=160;2026-05-01 04:00:00=170");
    assert_int_equal(g.t[1], T0 + 11 * 3600);
    assert_string_equal(g.ev[1], "2026-05-01 10:00:00=155;2026-05-01 11:00:00=158");
    /* another granularity and another factor are other series / not the rule's */
    push1(r, "M1", "S1", 1, T0, "a34004", 500, &g);
    push1(r, "M1", "S1", 2, T0 + 12 * 3600, "a34002", 500, &g);
    assert_int_equal(g.n, 2);
    eco_rules_free(r);
}

/* a failed commit: the states go back to where the transaction began, so the resent readings
 * fire exactly as the first ones would have; a committed transaction keeps its changes */
static void test_rollback(void **st)
{
    (void)st;
    eco_rules_t *r = load("[threshold pm25_high]\nfactor = a34004\ngranularity = hour\nabove = 150\nfor = 2\n");
    got_t g = {0};
    eco_rules_begin(r);
    push1(r, "M1", "S1", 2, T0, "a34004", 160, &g);
    eco_rules_end(r); /* committed: one hour over */
    eco_rules_begin(r);
    push1(r, "M1", "S1", 2, T0 + 3600, "a34004", 170, &g); /* fires: two hours over */
    push1(r, "M2", "S2", 2, T0 + 3600, "a34004", 900, &g); /* a series new in this transaction */
    assert_int_equal(g.n, 1);
    assert_int_equal(eco_rules_rollback(r), 2); /* not stored: both states as they were */
    push1(r, "M1", "S1", 2, T0 + 3600, "a34004", 170, &g); /* the resend fires again: the run is 2, not 3 */
    assert_int_equal(g.n, 2);
    assert_int_equal(g.t[1], T0 + 3600);
    assert_string_equal(g.ev[1], "2026-05-01 00:00:00=160;2026-05-01 01:00:00=170");
    push1(r, "M2", "S2", 2, T0 + 3600, "a34004", 900, &g); /* M2 starts from nothing: one hour, no alert */
    assert_int_equal(g.n, 2);
    assert_int_equal(eco_rules_rollback(r), 0); /* outside a transaction: nothing kept, nothing put back */
    push1(r, "M2", "S2", 2, T0 + 7200, "a34004", 900, &g);
    assert_int_equal(g.n, 3);
    eco_rules_free(r);
}

static void test_reset_deadband_no_flapping(void **st)
{
    (void)st;
    eco_rules_t *r = load("[threshold o3]\nfactor = a05024\nabove = 200\nreset = 180\n");
    got_t g = {0};
    /* hovering around 200 between 181 and 210: fires once; only a reading at or under 180 clears */
    double v[] = {150, 201, 195, 205, 199, 210, 181, 203, 180, 201};
    for (int i = 0; i < 10; i++) push1(r, "M1", "", 2, T0 + i * 3600, "a05024", v[i], &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.t[0], T0 + 1 * 3600);
    assert_int_equal(g.t[1], T0 + 9 * 3600);
    eco_rules_free(r);
}

/* a reading inside the dead band is neither bad nor good: the runs it interrupts go on (for/clear >= 2) */
static void test_deadband_keeps_runs(void **st)
{
    (void)st;
    eco_rules_t *r = load("[threshold o3]\nfactor = a05024\nabove = 200\nreset = 180\nfor = 3\nclear = 2\n");
    got_t g = {0};
    /* 210 190 210 210: three bad with one neutral between -> fires at the 4th; then 170 190 170: two good
     * with one neutral between -> clears; 210 210 210 fires again at the 3rd */
    double v[] = {210, 190, 210, 210, 170, 190, 170, 210, 210, 210};
    for (int i = 0; i < 10; i++) push1(r, "M1", "", 2, T0 + i * 3600, "a05024", v[i], &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.t[0], T0 + 3 * 3600);
    assert_int_equal(g.t[1], T0 + 9 * 3600);
    /* a good reading breaks a bad run: 210 210 170 210 does not fire with for = 3 */
    got_t h = {0};
    double w[] = {210, 210, 170, 210};
    for (int i = 0; i < 4; i++) push1(r, "M2", "", 2, T0 + i * 3600, "a05024", w[i], &h);
    assert_int_equal(h.n, 0);
    eco_rules_free(r);
}

/* derived statistics: the hourly AQI of a record, a water section's class against its target */
static void test_aqi_and_water_class(void **st)
{
    (void)st;
    eco_rules_t *r = load("[aqi heavy]\nabove = 200\nfor = 2\nseverity = high\n"
                          "[water below_target]\nsite_kind = water\n"
                          "[water worse_than_iv]\nworse_than = Ⅳ\nsite_kind = water\n");
    eco_rules_site_kind(r, "A1", "air");
    eco_rules_site_kind(r, "W1", "water");
    eco_rules_site_target(r, "W1", "Ⅲ");
    got_t g = {0};
    /* whole records (all six pollutants: an AQI with some missing is withheld at 100 or below, HJ 633-2026
     * 5.3.1); PM2.5 30 µg/m3 gives an "excellent" hour in both editions, 400 one beyond 300 in both: two
     * such hours in a row fire, one alone does not */
    double pm[] = {30, 400, 30, 400, 400, 30};
    for (int i = 0; i < 6; i++) {
        eco_rule_val_t rec[6] = {{"a21026", 5, NULL, 0},  {"a21004", 20, NULL, 0}, {"a21005", 0.5, NULL, 0},
                                 {"a05024", 50, NULL, 0}, {"a34002", 40, NULL, 0}, {"a34004", pm[i], NULL, 0}};
        assert_int_equal(eco_rules_record(r, "MA", "A1", 2, T0 + i * 3600, rec, 6, collect, &g), 0);
    }
    assert_int_equal(g.n, 1);
    assert_string_equal(g.screen[0], "rule:heavy");
    assert_int_equal(g.t[0], T0 + 4 * 3600);
    /* NH3-N 1.8 mg/L is class Ⅴ: worse than the section's Ⅲ (fires) and than Ⅳ (fires); 1.2 is Ⅳ:
     * worse than Ⅲ only, and the first rule is already firing; 0.4 (Ⅱ) clears both */
    got_t w = {0};
    double nh[] = {1.8, 1.2, 0.4, 1.2};
    for (int i = 0; i < 4; i++) push1(r, "MW", "W1", 2, T0 + i * 3600, "w21003", nh[i], &w);
    assert_int_equal(w.n, 3);
    assert_string_equal(w.screen[0], "rule:below_target");
    assert_string_equal(w.screen[1], "rule:worse_than_iv");
    assert_string_equal(w.screen[2], "rule:below_target"); /* again at 1.2 after 0.4 cleared it */
    assert_int_equal(w.t[2], T0 + 3 * 3600);
    /* a section without a target class is not judged by the target rule */
    got_t z = {0};
    eco_rules_site_kind(r, "W2", "water");
    push1(r, "MZ", "W2", 2, T0, "w21003", 1.2, &z);
    assert_int_equal(z.n, 0);
    eco_rules_free(r);
    /* the keys each kind takes */
    eco_rules_t *b = eco_rules_new();
    eco_err_t err;
    assert_int_equal(eco_rules_parse(b, "b.ini", "[aqi x]\nfor = 2\n", &err), ECO_EPARSE);
    assert_non_null(strstr(err.msg, "above"));
    eco_rules_free(b);
    b = eco_rules_new();
    assert_int_equal(eco_rules_parse(b, "b.ini", "[water x]\nworse_than = Ⅵ\n", &err), ECO_EPARSE);
    assert_non_null(strstr(err.msg, "worse_than"));
    eco_rules_free(b);
}

static void test_scope(void **st)
{
    (void)st;
    eco_rules_t *r = load("[threshold a]\nfactor = f\nabove = 1\nsite_kind = air\n"
                          "[threshold b]\nfactor = f\nabove = 1\nsites = S2, S3\n"
                          "[threshold c]\nfactor = f\nabove = 1\ndevices = M9\n");
    eco_rules_site_kind(r, "S1", "air");
    eco_rules_site_kind(r, "S3", "water");
    got_t g = {0};
    push1(r, "M1", "S1", 2, T0, "f", 5, &g); /* a */
    push1(r, "M2", "S3", 2, T0, "f", 5, &g); /* b */
    push1(r, "M9", "", 2, T0, "f", 5, &g);   /* c */
    push1(r, "M4", "S4", 2, T0, "f", 5, &g); /* none */
    assert_int_equal(g.n, 3);
    assert_string_equal(g.screen[0], "rule:a");
    assert_string_equal(g.screen[1], "rule:b");
    assert_string_equal(g.screen[2], "rule:c");
    eco_rules_free(r);
}

static void test_limit_o2_reference(void **st)
{
    (void)st;
    /* SO2 limit 100 mg/m3 at 11 % O2 (an incinerator's reference oxygen) */
    eco_rules_t *r = load("[limit so2_outlet1]\nfactor = a21026\nlimit = 100\no2_ref = 11\ndevices = STACK1\n");
    got_t g = {0};
    /* 80 mg/m3 measured at 13 % O2: 80 x (21-11)/(21-13) = 100, not over; 90 at 13 %: 112.5, over */
    eco_rule_val_t rec1[] = {{"a21026", 80, NULL, 0}, {"a19001", 13, NULL, 0}};
    assert_int_equal(eco_rules_record(r, "STACK1", "", 2, T0, rec1, 2, collect, &g), 0);
    assert_int_equal(g.n, 0);
    eco_rule_val_t rec2[] = {{"a19001", 13, NULL, 0}, {"a21026", 90, NULL, 0}}; /* order in the record is free */
    assert_int_equal(eco_rules_record(r, "STACK1", "", 2, T0 + 3600, rec2, 2, collect, &g), 0);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.screen[0], "rule:so2_outlet1");
    assert_string_equal(g.sev[0], "high");
    assert_string_equal(g.ev[0], "2026-05-01 01:00:00=112.5[C=90,O2=13]");
    /* no O2 in the record: a gap, reported once (low), not judged */
    eco_rule_val_t rec3[] = {{"a21026", 300, NULL, 0}};
    eco_rules_record(r, "STACK1", "", 2, T0 + 7200, rec3, 1, collect, &g);
    eco_rules_record(r, "STACK1", "", 2, T0 + 10800, rec3, 1, collect, &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.screen[1], "rule:so2_outlet1/gap");
    assert_string_equal(g.sev[1], "low");
    assert_non_null(strstr(g.ev[1], "O2=none"));
    /* O2 19.5 %: not a combustion state, a gap again after a converted value */
    eco_rule_val_t rec4[] = {{"a21026", 10, NULL, 0}, {"a19001", 12, NULL, 0}}; /* 10x10/9 = 11.1: clears */
    eco_rule_val_t rec5[] = {{"a21026", 30, NULL, 0}, {"a19001", 19.5, NULL, 0}};
    eco_rules_record(r, "STACK1", "", 2, T0 + 14400, rec4, 2, collect, &g);
    eco_rules_record(r, "STACK1", "", 2, T0 + 18000, rec5, 2, collect, &g);
    assert_int_equal(g.n, 3);
    assert_non_null(strstr(g.ev[2], "O2=19.5"));
    /* another stack: out of scope */
    eco_rules_record(r, "STACK2", "", 2, T0, rec2, 2, collect, &g);
    assert_int_equal(g.n, 3);
    eco_rules_free(r);
}

static void test_limit_prefers_zsavg(void **st)
{
    (void)st;
    eco_rules_t *r = load("[limit nox]\nfactor = a21002\nlimit = 250\no2_ref = 11\n");
    got_t g = {0};
    /* the device sends ZsAvg 240 (its own conversion): that is judged, not 200 x 10/6 = 333 from O2 15 % */
    const char *f1 = "Avg=200;ZsAvg=240;Flag=N";
    eco_rule_val_t rec1[] = {{"a21002", 200, f1, strlen(f1)}, {"a19001", 15, NULL, 0}};
    eco_rules_record(r, "S", "", 2, T0, rec1, 2, collect, &g);
    assert_int_equal(g.n, 0);
    /* Zs-Avg (the older spelling) 260: over; and without O2 in the record it is no gap */
    const char *f2 = "Avg=200;Zs-Avg=260;Flag=N";
    eco_rule_val_t rec2[] = {{"a21002", 200, f2, strlen(f2)}};
    eco_rules_record(r, "S", "", 2, T0 + 3600, rec2, 1, collect, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.ev[0], "2026-05-01 01:00:00=260[ZsAvg]");
    assert_true(eco_rules_field("Avg=1;ZsAvg=2.5", 15, "ZsAvg") == 2.5);
    assert_true(isnan(eco_rules_field("Avg=1;ZsAvgX=2.5", 16, "ZsAvg")));
    eco_rules_free(r);
}

static void test_furnace_850(void **st)
{
    (void)st;
    eco_rules_t *r = load("[threshold furnace_850]\nfactor = a01901\ngranularity = minute\nbelow = 850\nmean_s = 300\n"
                          "severity = high\n");
    got_t g = {0};
    /* minute means: 00:00-00:04 mean 870; 00:05-00:09 one reading of 700 among 900s: mean 860, fine;
     * 00:10-00:14 mean 840 (a dip the minutes alone would flag five times): fires once, when the
     * 00:15 block starts; 00:15-00:19 at 845 stays the same episode; 00:20 back at 880 clears */
    double v[] = {860, 870, 880, 870, 870, 900, 700, 900, 900, 900, 850, 840, 830, 840, 840,
                  845, 845, 845, 845, 845, 880, 880, 880, 880, 880, 800};
    for (int i = 0; i < 26; i++) push1(r, "INC1", "", 1, T0 + i * 60, "a01901", v[i], &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.screen[0], "rule:furnace_850");
    assert_int_equal(g.t[0], T0 + 600);
    assert_string_equal(g.ev[0], "2026-05-01 00:10:00=840");
    /* the block from 00:25 is judged when a later one starts: 800 fires again after the clear */
    push1(r, "INC1", "", 1, T0 + 30 * 60, "a01901", 900, &g);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.t[1], T0 + 25 * 60);
    eco_rules_free(r);
}

static void test_screen_overrides(void **st)
{
    (void)st;
    eco_rules_t *r = load("[screen *]\nfuture_s = 0\n[screen w01001]\nspike_jump = 0.5\nflat_n = 5\nvalid_hi = none\n");
    eco_screen_cfg_t c;
    eco_screen_cfg_for("ph", &c);
    eco_rules_screen_cfg(r, "w01001", &c);
    assert_true(c.spike_jump == 0.5);
    assert_int_equal(c.flat_n, 5);
    assert_true(isnan(c.valid_hi));
    assert_true(c.valid_lo == 0); /* not set: the shipped value */
    assert_int_equal((int)c.future_s, 0);
    eco_screen_cfg_for("cod", &c);
    eco_rules_screen_cfg(r, "w01018", &c);
    assert_int_equal(c.flat_n, 12);
    assert_int_equal((int)c.future_s, 0);
    eco_rules_free(r);
}

static void test_errors(void **st)
{
    (void)st;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"[threshold a]\nfactor = f\nabove = 1\nfour = 2\n", "t.ini:4: [threshold a] four: unknown key"},
        {"[threshold a]\nfactor = f\nabove = x\n", "t.ini:3: [threshold a] above: 'x' is not a number"},
        {"\n[threshold a]\nfactor = f\n", "t.ini:2: [threshold a] above/below"},
        {"[limit b]\nlimit = 3\n", "t.ini:1: [limit b] factor: missing"},
        {"[screen f]\nflat_n = -1\n", "t.ini:2: [screen f] flat_n"},
        {"[alarm x]\nfactor = f\n", "t.ini:2: [alarm x]: unknown section kind"},
        {"[threshold a]\nfactor = f\nabove = 5\nreset = 6\n", "t.ini:1: [threshold a] reset"},
        {"[threshold a]\nfactor = f\nabove = 5\ngranularity = week\n", "t.ini:4: [threshold a] granularity"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        eco_rules_t *r = eco_rules_new();
        eco_err_t err;
        eco_err_clear(&err);
        assert_int_equal(eco_rules_parse(r, "t.ini", cases[i].text, &err), ECO_EPARSE);
        if (strncmp(err.msg, cases[i].want, strlen(cases[i].want))) fprintf(stderr, "got: %s\n", err.msg);
        assert_true(strncmp(err.msg, cases[i].want, strlen(cases[i].want)) == 0);
        eco_rules_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold_hysteresis),
        cmocka_unit_test(test_rollback), cmocka_unit_test(test_reset_deadband_no_flapping),
        cmocka_unit_test(test_deadband_keeps_runs),
        cmocka_unit_test(test_aqi_and_water_class),
        cmocka_unit_test(test_scope),                cmocka_unit_test(test_limit_o2_reference),
        cmocka_unit_test(test_limit_prefers_zsavg),  cmocka_unit_test(test_furnace_850),
        cmocka_unit_test(test_screen_overrides),     cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
