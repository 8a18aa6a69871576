/* test_ledger.c — the problem ledger's rules: every (state, action) pair, what an alert does
 * to each state, the hysteresis boundary, severities, and the names the faces parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "brain/ledger.h"
#include "core/error.h"

static void test_transition_table(void **state)
{
    (void)state;
    /* the whole table, written out: -1 = refused */
    static const int want[ECO_PB_NSTATES][ECO_PA_NACTIONS] = {
        /*                ack                  assign           resolve          close          reopen */
        [ECO_PB_OPEN] = {ECO_PB_ACKNOWLEDGED, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1},
        [ECO_PB_ACKNOWLEDGED] = {-1, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1},
        [ECO_PB_ASSIGNED] = {-1, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1},
        [ECO_PB_RESOLVED] = {-1, -1, -1, ECO_PB_CLOSED, ECO_PB_REOPENED},
        [ECO_PB_CLOSED] = {-1, -1, -1, -1, -1},
        [ECO_PB_REOPENED] = {ECO_PB_ACKNOWLEDGED, ECO_PB_ASSIGNED, ECO_PB_RESOLVED, -1, -1},
    };
    for (int s = 0; s < ECO_PB_NSTATES; s++)
        for (int a = 0; a < ECO_PA_NACTIONS; a++)
            assert_int_equal(eco_pb_next((eco_pb_state_t)s, (eco_pb_action_t)a), want[s][a]);
    assert_int_equal(eco_pb_next((eco_pb_state_t)99, ECO_PA_ACK), -1);
    assert_int_equal(eco_pb_next(ECO_PB_OPEN, (eco_pb_action_t)99), -1);
    /* a closed problem can never be reached again by any action sequence */
    for (int a = 0; a < ECO_PA_NACTIONS; a++) assert_int_equal(eco_pb_next(ECO_PB_CLOSED, (eco_pb_action_t)a), -1);
}

static void test_allowed_text(void **state)
{
    (void)state;
    char b[96];
    eco_pb_allowed(ECO_PB_OPEN, b, sizeof b);
    assert_string_equal(b, "ack, assign, resolve");
    eco_pb_allowed(ECO_PB_RESOLVED, b, sizeof b);
    assert_string_equal(b, "close, reopen");
    eco_pb_allowed(ECO_PB_CLOSED, b, sizeof b);
    assert_string_equal(b, "none; closed is final");
    char tiny[8];
    eco_pb_allowed(ECO_PB_OPEN, tiny, sizeof tiny); /* truncated, terminated */
    assert_true(strlen(tiny) < sizeof tiny);
}

static void test_alerts_and_quiet(void **state)
{
    (void)state;
    assert_int_equal(eco_pb_on_alert(ECO_PB_OPEN), ECO_PB_OPEN);
    assert_int_equal(eco_pb_on_alert(ECO_PB_ACKNOWLEDGED), ECO_PB_ACKNOWLEDGED);
    assert_int_equal(eco_pb_on_alert(ECO_PB_ASSIGNED), ECO_PB_ASSIGNED);
    assert_int_equal(eco_pb_on_alert(ECO_PB_REOPENED), ECO_PB_REOPENED);
    assert_int_equal(eco_pb_on_alert(ECO_PB_RESOLVED), ECO_PB_REOPENED);
    assert_int_equal(eco_pb_on_alert(ECO_PB_CLOSED), -1);
    int active = 0;
    for (int s = 0; s < ECO_PB_NSTATES; s++) active += eco_pb_active((eco_pb_state_t)s);
    assert_int_equal(active, 4);
    eco_time_t t0 = 1777593600;
    int64_t q = ECO_LEDGER_QUIET_DEFAULT_S;
    assert_int_equal(q, 86400);
    assert_false(eco_pb_quiet(t0, t0 + q - 1, q));
    assert_true(eco_pb_quiet(t0, t0 + q, q));
    assert_false(eco_pb_quiet(t0, t0 + 10 * q, 0)); /* 0: hysteresis off, never quiet */
}

static void test_names_and_severity(void **state)
{
    (void)state;
    for (int s = 0; s < ECO_PB_NSTATES; s++) {
        eco_pb_state_t back;
        assert_int_equal(eco_pb_state_parse(eco_pb_state_name(s), &back), 0);
        assert_int_equal(back, s);
    }
    for (int a = 0; a < ECO_PA_NACTIONS; a++) {
        eco_pb_action_t back;
        assert_int_equal(eco_pb_action_parse(eco_pb_action_name(a), &back), 0);
        assert_int_equal(back, a);
    }
    eco_pb_action_t a;
    assert_int_equal(eco_pb_action_parse("Acknowledge", &a), 0);
    assert_int_equal(a, ECO_PA_ACK);
    assert_int_equal(eco_pb_action_parse("delete", &a), ECO_EINVAL);
    assert_int_equal(eco_pb_action_parse(NULL, &a), ECO_EINVAL);
    eco_pb_state_t st;
    assert_int_equal(eco_pb_state_parse("gone", &st), ECO_EINVAL);
    assert_string_equal(eco_pb_state_name(42), "?");
    assert_string_equal(eco_pb_severity_max("medium", "high"), "high");
    assert_string_equal(eco_pb_severity_max("high", "medium"), "high");
    assert_string_equal(eco_pb_severity_max("low", "medium"), "medium");
    assert_string_equal(eco_pb_severity_max("medium", "bogus"), "medium");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transition_table),
        cmocka_unit_test(test_allowed_text),
        cmocka_unit_test(test_alerts_and_quiet),
        cmocka_unit_test(test_names_and_severity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
