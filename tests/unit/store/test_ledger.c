/* test_ledger.c — the problem ledger in the store: alerts grouped by (MN, factor, screen),
 * the life of a problem with its complete history, refusals that name state and action,
 * reopening, hysteresis, idempotence, the v3 -> v4 migration with a rebuild from stored
 * alerts, the writer's transaction, and a history that cannot be deleted or rewritten. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

static char dir[256];
static const eco_time_t T0 = 1777593600; /* 2026-05-01 00:00 Beijing */
#define H 3600

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/eco_ledger_test_XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static eco_store_t *open_store(int readonly, int expect)
{
    eco_store_t *s = NULL;
    eco_err_t err;
    eco_err_clear(&err);
    eco_store_opts_t o;
    eco_store_opts_default(&o);
    o.sync = ECO_SYNC_OFF;
    o.readonly = readonly;
    assert_int_equal(eco_store_open(&s, dir, &o, &err), expect);
    return s;
}

static void catalogue(eco_store_t *s)
{
    eco_err_t err;
    eco_device_t d1 = {.mn = "MN1", .pw = "p", .site = "S1"};
    eco_device_t d2 = {.mn = "MN2", .pw = "p", .site = "S2"};
    assert_int_equal(eco_store_device_put(s, &d1, &err), 0);
    assert_int_equal(eco_store_device_put(s, &d2, &err), 0);
}

/* store an alert (reading time t, stored a minute later) and put it into the ledger */
static long alert_at(eco_store_t *s, const char *mn, const char *factor, const char *screen, const char *sev,
                     eco_time_t t, int64_t quiet_s, long *problem)
{
    eco_err_t err;
    eco_err_clear(&err);
    eco_alert_t a = {screen, sev, mn, factor, ECO_GRAN_MINUTE, t, "t=v", eco_time_to_utc(t + 60) * 1000, NULL, 0};
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    int id = eco_store_alert_put(s, &a, &err);
    assert_true(id > 0);
    a.id = id;
    if (problem) assert_int_equal(eco_store_problem_put(s, &a, quiet_s, problem, &err), 0);
    assert_int_equal(eco_store_tx_commit(s, &err), 0);
    return id;
}

typedef struct got {
    int n;
    eco_problem_t p[16];
    char kind[16][16], state[16][16], sev[16][16], site[16][16], assignee[16][32], due[16][16];
} got_t;

static int on_problem(void *ud, const eco_problem_t *p)
{
    got_t *g = ud;
    if (g->n < 16) {
        g->p[g->n] = *p;
        snprintf(g->kind[g->n], 16, "%s", p->kind);
        snprintf(g->state[g->n], 16, "%s", eco_pb_state_name(p->state));
        snprintf(g->sev[g->n], 16, "%s", p->severity);
        snprintf(g->site[g->n], 16, "%s", p->site);
        snprintf(g->assignee[g->n], 32, "%s", p->assignee);
        snprintf(g->due[g->n], 16, "%s", p->due);
    }
    g->n++;
    return 0;
}

static got_t *problems(eco_store_t *s, long id, int state)
{
    static got_t g;
    memset(&g, 0, sizeof g);
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    q.id = id;
    q.state = state;
    eco_err_t err;
    assert_int_equal(eco_store_problem_each(s, &q, on_problem, &g, &err), 0);
    return &g;
}

typedef struct hist {
    int n;
    char line[32][160]; /* "action from->to by [assignee due] alert" */
    eco_time_t t[32];
} hist_t;

static int on_event(void *ud, const eco_problem_event_t *e)
{
    hist_t *h = ud;
    if (h->n < 32) {
        snprintf(h->line[h->n], sizeof h->line[0], "%s %s->%s %s%s%s%s%s%s", e->action, e->from_state, e->to_state,
                 e->by, e->assignee[0] ? " " : "", e->assignee, e->due[0] ? " " : "", e->due,
                 e->note[0] && strncmp(e->note, "alert ", 6) ? " note" : "");
        h->t[h->n] = e->t;
    }
    h->n++;
    return 0;
}

static hist_t *history(eco_store_t *s, long id)
{
    static hist_t h;
    memset(&h, 0, sizeof h);
    eco_err_t err;
    assert_int_equal(eco_store_problem_history(s, id, on_event, &h, &err), 0);
    return &h;
}

static int act(eco_store_t *s, long id, eco_pb_action_t a, const char *by, const char *to, const char *due,
               eco_err_t *err)
{
    eco_problem_change_t c = {a, by, to, due, "checked on site", T0 + 100 * H};
    eco_err_clear(err);
    return eco_store_problem_transition(s, id, &c, NULL, err);
}

static int act_at(eco_store_t *s, long id, eco_pb_action_t a, const char *by, eco_time_t t, eco_err_t *err)
{
    eco_problem_change_t c = {a, by, NULL, NULL, "", t};
    eco_err_clear(err);
    return eco_store_problem_transition(s, id, &c, NULL, err);
}

static int count_alert(void *ud, const eco_alert_t *a)
{
    (void)a;
    (*(int *)ud)++;
    return 0;
}

static void test_grouping(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    assert_int_equal(eco_store_schema_version(s), 6);
    long p1, p2, p3, p4, p5;
    alert_at(s, "MN1", "w01001", "spike", "medium", T0, 24 * H, &p1);
    alert_at(s, "MN1", "w01001", "spike", "high", T0 + 2 * H, 24 * H, &p2);  /* same key: attached */
    alert_at(s, "MN1", "w01001", "flat", "medium", T0 + 3 * H, 24 * H, &p3); /* another kind */
    alert_at(s, "MN1", "w01018", "spike", "high", T0 + 3 * H, 24 * H, &p4);  /* another factor */
    alert_at(s, "MN2", "w01001", "spike", "high", T0 + 3 * H, 24 * H, &p5);  /* another device */
    assert_int_equal(p1, p2);
    assert_true(p3 != p1 && p4 != p1 && p5 != p1 && p3 != p4 && p4 != p5);
    got_t *g = problems(s, p1, -1);
    assert_int_equal(g->n, 1);
    assert_int_equal(g->p[0].alerts, 2);
    assert_string_equal(g->sev[0], "high"); /* the highest of its alerts */
    assert_string_equal(g->state[0], "open");
    assert_string_equal(g->kind[0], "spike");
    assert_string_equal(g->site[0], "S1");  /* from the catalogue */
    assert_int_equal(g->p[0].first_t, T0);
    assert_int_equal(g->p[0].last_t, T0 + 2 * H);
    hist_t *h = history(s, p1);
    assert_int_equal(h->n, 2);
    assert_string_equal(h->line[0], "open ->open ecobrain");
    assert_string_equal(h->line[1], "alert open->open ecobrain");
    /* filters */
    assert_int_equal(problems(s, 0, -1)->n, 4);
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    q.site = "S2";
    got_t g2 = {0};
    eco_err_t err;
    assert_int_equal(eco_store_problem_each(s, &q, on_problem, &g2, &err), 0);
    assert_int_equal(g2.n, 1);
    assert_int_equal(g2.p[0].id, p5);
    /* the alerts of a problem are those it grouped */
    int n = 0;
    assert_int_equal(eco_store_problem_alerts(s, p1, count_alert, &n, &err), 0);
    assert_int_equal(n, 2);
    eco_store_close(s);
}

static void test_lifecycle(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    long p;
    alert_at(s, "MN1", "w01001", "spike", "high", T0, 24 * H, &p);
    alert_at(s, "MN1", "w01001", "spike", "high", T0 + H, 24 * H, NULL); /* stored, not in the ledger */
    int na = 0;
    eco_err_t err;
    assert_int_equal(eco_store_problem_alerts(s, p, count_alert, &na, &err), 0);
    assert_int_equal(na, 1);

    assert_int_equal(act(s, p, ECO_PA_CLOSE, "li", NULL, NULL, &err), ECO_EINVAL); /* open: not closable */
    assert_non_null(strstr(err.msg, "is open"));
    assert_non_null(strstr(err.msg, "'close'"));
    assert_non_null(strstr(err.msg, "ack, assign, resolve"));
    assert_int_equal(act(s, p, ECO_PA_ACK, "", NULL, NULL, &err), ECO_EINVAL); /* who is required */
    assert_non_null(strstr(err.msg, "by"));
    assert_int_equal(act(s, p, ECO_PA_ACK, "li", NULL, NULL, &err), 0);
    assert_int_equal(act(s, p, ECO_PA_ACK, "li", NULL, NULL, &err), ECO_EINVAL); /* already acknowledged */
    assert_non_null(strstr(err.msg, "is acknowledged"));
    assert_int_equal(act(s, p, ECO_PA_ASSIGN, "li", NULL, NULL, &err), ECO_EINVAL); /* to whom */
    assert_non_null(strstr(err.msg, "to"));
    assert_int_equal(act(s, p, ECO_PA_ASSIGN, "li", "wang", "2026-05-40", &err), ECO_EINVAL);
    assert_non_null(strstr(err.msg, "2026-05-40"));
    assert_int_equal(act(s, p, ECO_PA_ASSIGN, "li", "wang", "2026-05-10", &err), 0);
    assert_int_equal(act(s, p, ECO_PA_ASSIGN, "wang", "zhao", NULL, &err), 0); /* handed over; due kept */
    assert_int_equal(act(s, p, ECO_PA_RESOLVE, "zhao", "x", NULL, &err), ECO_EINVAL); /* to is assign's */
    assert_int_equal(act(s, p, ECO_PA_RESOLVE, "zhao", NULL, NULL, &err), 0);
    assert_int_equal(act(s, p, ECO_PA_CLOSE, "li", NULL, NULL, &err), 0);
    for (int a = 0; a < ECO_PA_NACTIONS; a++) {
        assert_int_equal(act(s, p, (eco_pb_action_t)a, "li", a == ECO_PA_ASSIGN ? "x" : NULL, NULL, &err), ECO_EINVAL);
        assert_non_null(strstr(err.msg, "is closed"));
        assert_non_null(strstr(err.msg, eco_pb_action_name(a)));
    }
    assert_int_equal(act(s, 999, ECO_PA_ACK, "li", NULL, NULL, &err), ECO_ENOENT);
    assert_non_null(strstr(err.msg, "999"));

    got_t *g = problems(s, p, -1);
    assert_string_equal(g->state[0], "closed");
    assert_string_equal(g->assignee[0], "zhao");
    assert_string_equal(g->due[0], "2026-05-10");
    assert_int_equal(g->p[0].updated, T0 + 100 * H);
    hist_t *h = history(s, p);
    assert_int_equal(h->n, 6); /* open + 5 accepted actions; refusals leave nothing */
    assert_string_equal(h->line[0], "open ->open ecobrain");
    assert_string_equal(h->line[1], "ack open->acknowledged li note");
    assert_string_equal(h->line[2], "assign acknowledged->assigned li wang 2026-05-10 note");
    assert_string_equal(h->line[3], "assign assigned->assigned wang zhao 2026-05-10 note");
    assert_string_equal(h->line[4], "resolve assigned->resolved zhao zhao 2026-05-10 note");
    assert_string_equal(h->line[5], "close resolved->closed li zhao 2026-05-10 note");

    /* closed is final: the next alert of the key opens a new problem */
    long p2;
    alert_at(s, "MN1", "w01001", "spike", "medium", T0 + 5 * H, 24 * H, &p2);
    assert_true(p2 != p);
    assert_string_equal(problems(s, p2, -1)->state[0], "open");
    assert_int_equal(problems(s, 0, ECO_PB_CLOSED)->n, 1);
    eco_store_close(s);
}

static void test_reopen(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    eco_err_t err;
    long p, p2;
    alert_at(s, "MN1", "w01001", "spike", "high", T0, 24 * H, &p);
    assert_int_equal(act(s, p, ECO_PA_RESOLVE, "li", NULL, NULL, &err), 0);
    alert_at(s, "MN1", "w01001", "spike", "high", T0 + 2 * H, 24 * H, &p2); /* it came back */
    assert_int_equal(p2, p);
    assert_string_equal(problems(s, p, -1)->state[0], "reopened");
    hist_t *h = history(s, p);
    assert_int_equal(h->n, 3);
    assert_string_equal(h->line[2], "alert resolved->reopened ecobrain");
    /* a person may reopen a resolved problem too */
    assert_int_equal(act(s, p, ECO_PA_RESOLVE, "li", NULL, NULL, &err), 0);
    assert_int_equal(act(s, p, ECO_PA_REOPEN, "wang", NULL, NULL, &err), 0);
    assert_int_equal(act(s, p, ECO_PA_ACK, "wang", NULL, NULL, &err), 0);
    assert_string_equal(problems(s, p, -1)->state[0], "acknowledged");
    eco_store_close(s);
}

static void test_hysteresis(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    eco_err_t err;
    long p, q;
    /* 23 h apart: still the same open problem */
    alert_at(s, "MN1", "w01001", "spike", "high", T0, 24 * H, &p);
    alert_at(s, "MN1", "w01001", "spike", "high", T0 + 23 * H, 24 * H, &q);
    assert_int_equal(p, q);
    assert_string_equal(problems(s, p, -1)->state[0], "open");
    /* then 25 h of quiet before the next: resolved as of 24 h after the last, reopened by the alert */
    assert_int_equal(act_at(s, p, ECO_PA_ACK, "li", T0 + 30 * H, &err), 0);
    alert_at(s, "MN1", "w01001", "spike", "high", T0 + 48 * H, 24 * H, &q);
    assert_int_equal(p, q);
    hist_t *h = history(s, p);
    assert_int_equal(h->n, 5);
    assert_string_equal(h->line[3], "auto-resolve acknowledged->resolved ecobrain note");
    assert_int_equal(h->t[3], T0 + 23 * H + 24 * H);
    assert_string_equal(h->line[4], "alert resolved->reopened ecobrain");
    assert_true(h->t[4] >= h->t[3]);
    got_t *g = problems(s, p, -1);
    assert_string_equal(g->state[0], "reopened");
    assert_int_equal(g->p[0].alerts, 3);

    /* the sweep: nothing before 24 h, resolved at 24 h, by ecobrain; resolved ones stay */
    long n = -1;
    assert_int_equal(eco_store_problem_expire(s, T0 + 48 * H + 24 * H - 1, 24 * H, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(eco_store_problem_expire(s, T0 + 48 * H + 24 * H, 24 * H, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(problems(s, p, -1)->state[0], "resolved");
    assert_int_equal(eco_store_problem_expire(s, T0 + 1000 * H, 24 * H, &n, &err), 0);
    assert_int_equal(n, 0);
    h = history(s, p);
    assert_int_equal(h->n, 6);
    assert_string_equal(h->line[5], "auto-resolve reopened->resolved ecobrain note");
    /* a person's reopen is not undone by the next sweep: quiet counts from the last alert or action */
    assert_int_equal(act_at(s, p, ECO_PA_REOPEN, "wang", T0 + 2000 * H, &err), 0);
    assert_int_equal(eco_store_problem_expire(s, T0 + 2001 * H, 24 * H, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_string_equal(problems(s, p, -1)->state[0], "reopened");
    assert_int_equal(eco_store_problem_expire(s, T0 + 2024 * H, 24 * H, &n, &err), 0);
    assert_int_equal(n, 1);
    h = history(s, p);
    assert_int_equal(h->n, 8);
    assert_int_equal(h->t[7], T0 + 2024 * H); /* dated after the person's action, not before it */
    assert_true(h->t[7] >= h->t[6]);
    /* quiet_s 0: hysteresis off */
    long r;
    alert_at(s, "MN2", "w01001", "flat", "medium", T0, 0, &r);
    alert_at(s, "MN2", "w01001", "flat", "medium", T0 + 1000 * H, 0, &q);
    assert_int_equal(r, q);
    assert_string_equal(problems(s, r, -1)->state[0], "open");
    assert_int_equal(eco_store_problem_expire(s, T0 + 5000 * H, 0, &n, &err), 0);
    assert_int_equal(n, 0);
    eco_store_close(s);
}

static void test_idempotent_and_rollback(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    eco_err_t err;
    long p, p2;
    long id = alert_at(s, "MN1", "w01001", "spike", "high", T0, 24 * H, &p);
    eco_alert_t a = {"spike", "high", "MN1", "w01001", ECO_GRAN_MINUTE, T0, "", 0, NULL, id};
    assert_int_equal(eco_store_problem_put(s, &a, 24 * H, &p2, &err), 0); /* again, own transaction */
    assert_int_equal(p2, p);
    assert_int_equal(problems(s, p, -1)->p[0].alerts, 1);
    assert_int_equal(history(s, p)->n, 1);
    /* in the writer's transaction: a rollback takes the alert and its problem away together */
    assert_int_equal(eco_store_tx_begin(s, &err), 0);
    eco_alert_t b = {"flat", "medium", "MN2", "w01001", ECO_GRAN_MINUTE, T0, "", 0, NULL, 0};
    b.id = eco_store_alert_put(s, &b, &err);
    assert_true(b.id > 0);
    assert_int_equal(eco_store_problem_put(s, &b, 24 * H, &p2, &err), 0);
    assert_int_equal(eco_store_tx_rollback(s), 0);
    assert_int_equal(problems(s, 0, -1)->n, 1);
    /* bad input is refused with a message */
    eco_alert_t c = {"spike", "high", "MN1", "w01001", ECO_GRAN_MINUTE, T0, "", 0, NULL, 0};
    assert_int_equal(eco_store_problem_put(s, &c, 24 * H, NULL, &err), ECO_EINVAL);
    assert_non_null(strstr(err.msg, "without an id"));
    eco_store_close(s);
}

static void exec_ok(const char *sql, int ok)
{
    char path[300];
    snprintf(path, sizeof path, "%s/ecobrain.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (ok) assert_int_equal(rc, SQLITE_OK);
    else assert_int_not_equal(rc, SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
}

static void test_append_only(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    long p;
    alert_at(s, "MN1", "w01001", "spike", "high", T0, 24 * H, &p);
    eco_store_close(s);
    exec_ok("DELETE FROM problem_event", 0);
    exec_ok("UPDATE problem_event SET actor='someone else'", 0);
    exec_ok("DELETE FROM problem", 0);
    exec_ok("DELETE FROM problem_alert", 0);
    s = open_store(0, 0);
    assert_int_equal(history(s, p)->n, 1);
    assert_int_equal(problems(s, 0, -1)->n, 1);
    eco_store_close(s);
}

/* a store written before the ledger (schema 3): read-only opens read it as before; a writable
 * open migrates it, and a rebuild puts its alerts into the ledger as live linking would have */
static void test_v3_store_and_rebuild(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    alert_at(s, "MN1", "w01001", "spike", "high", T0, 24 * H, NULL);
    alert_at(s, "MN1", "w01001", "spike", "medium", T0 + H, 24 * H, NULL);
    alert_at(s, "MN1", "w01001", "spike", "high", T0 + 30 * H, 24 * H, NULL); /* after 29 quiet hours */
    alert_at(s, "MN2", "w01018", "flat", "medium", T0 + 2 * H, 24 * H, NULL);
    eco_store_close(s);
    exec_ok("DROP TRIGGER problem_event_append_only_u; DROP TRIGGER problem_event_append_only_d;"
            "DROP TRIGGER problem_never_deleted; DROP TRIGGER problem_alert_never_deleted;"
            "DROP TABLE problem_alert; DROP TABLE problem_event; DROP TABLE problem;"
            "DROP VIEW obs_all; DROP TABLE recent; DROP TABLE recent_moved;" /* v6's */
            "DROP TRIGGER airday_obs_update; DROP TRIGGER airday_obs_delete;"
            "DROP TABLE airday; DROP TABLE airday_has; DROP TABLE airday_dirty; DROP TABLE airday_meta;" /* v5's */
            "PRAGMA user_version=3;",
            1);
    eco_err_t err;
    s = open_store(1, 0); /* read-only, version 3: opens */
    assert_int_equal(eco_store_schema_version(s), 3);
    int na = 0;
    assert_int_equal(eco_store_alert_each(s, INT64_MIN, INT64_MAX, count_alert, &na, &err), 0);
    assert_int_equal(na, 4);
    got_t g = {0};
    eco_problem_query_t q;
    eco_problem_query_init(&q);
    assert_int_equal(eco_store_problem_each(s, &q, on_problem, &g, &err), ECO_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "schema version 3"));
    assert_non_null(strstr(err.msg, "ledger rebuild"));
    eco_store_close(s);

    s = open_store(0, 0); /* writable: migrated */
    assert_int_equal(eco_store_schema_version(s), 6);
    assert_int_equal(problems(s, 0, -1)->n, 0);
    long linked = -1;
    assert_int_equal(eco_store_problem_rebuild(s, 24 * H, T0 + 40 * H, &linked, &err), 0);
    assert_int_equal(linked, 4);
    got_t *gp = problems(s, 0, -1); /* newest first */
    assert_int_equal(gp->n, 2);
    assert_string_equal(gp->kind[0], "flat");
    assert_string_equal(gp->state[0], "resolved"); /* quiet since T0+2h at T0+40h: the closing sweep */
    assert_string_equal(gp->kind[1], "spike");
    assert_int_equal(gp->p[1].alerts, 3);
    assert_string_equal(gp->state[1], "reopened");
    long spike = gp->p[1].id;
    hist_t *h = history(s, spike);
    assert_int_equal(h->n, 4);
    assert_string_equal(h->line[0], "open ->open ecobrain");
    assert_string_equal(h->line[1], "alert open->open ecobrain");
    assert_string_equal(h->line[2], "auto-resolve open->resolved ecobrain note");
    assert_string_equal(h->line[3], "alert resolved->reopened ecobrain");
    assert_int_equal(eco_store_problem_rebuild(s, 24 * H, T0 + 40 * H, &linked, &err), 0);
    assert_int_equal(linked, 0); /* everything was linked: nothing twice */
    assert_int_equal(history(s, 0)->n, 4 + 2);
    eco_store_close(s);
}

/* live linking (each alert as it is stored, sweeps on the way) and a rebuild over the same
 * alerts give the same problems with the same histories, times included */
static void feed(eco_store_t *s, int live)
{
    static const struct { const char *mn, *factor, *screen, *sev; int h; } a[] = {
        {"MN1", "w01001", "spike", "medium", 0}, {"MN1", "w01001", "spike", "high", 3},
        {"MN2", "w01001", "flat", "medium", 4},  {"MN1", "w01001", "spike", "high", 40},
        {"MN1", "w01018", "stuck", "medium", 41}, {"MN2", "w01001", "flat", "medium", 90},
        {"MN1", "w01001", "spike", "medium", 91}, {"MN1", "w01001", "spike", "high", 200}};
    eco_err_t err;
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        long p;
        alert_at(s, a[i].mn, a[i].factor, a[i].screen, a[i].sev, T0 + a[i].h * H, 24 * H, live ? &p : NULL);
        if (live && i == 4) assert_int_equal(eco_store_problem_expire(s, T0 + 60 * H, 24 * H, NULL, &err), 0);
    }
    if (live) assert_int_equal(eco_store_problem_expire(s, T0 + 300 * H, 24 * H, NULL, &err), 0);
    else assert_int_equal(eco_store_problem_rebuild(s, 24 * H, T0 + 300 * H, NULL, &err), 0);
}

static void test_live_equals_rebuild(void **state)
{
    (void)state;
    eco_store_t *s = open_store(0, 0);
    catalogue(s);
    feed(s, 1);
    got_t live = *problems(s, 0, -1);
    hist_t hl = *history(s, 0);
    eco_store_close(s);
    char other[300];
    snprintf(other, sizeof other, "%s/b", dir);
    eco_store_opts_t o;
    eco_store_opts_default(&o);
    o.sync = ECO_SYNC_OFF;
    eco_err_t err;
    assert_int_equal(eco_store_open(&s, other, &o, &err), 0);
    catalogue(s);
    feed(s, 0);
    got_t *rb = problems(s, 0, -1);
    hist_t *hr = history(s, 0);
    assert_int_equal(rb->n, live.n);
    assert_int_equal(live.n, 3); /* three keys: the spike reopened twice and the flat after 86 quiet hours stay one each */
    for (int i = 0; i < live.n; i++) {
        assert_string_equal(rb->kind[i], live.kind[i]);
        assert_string_equal(rb->state[i], live.state[i]);
        assert_string_equal(rb->sev[i], live.sev[i]);
        assert_int_equal(rb->p[i].alerts, live.p[i].alerts);
        assert_int_equal(rb->p[i].first_t, live.p[i].first_t);
        assert_int_equal(rb->p[i].last_t, live.p[i].last_t);
        assert_int_equal(rb->p[i].updated, live.p[i].updated);
    }
    assert_int_equal(hr->n, hl.n);
    for (int i = 0; i < hl.n; i++) {
        assert_string_equal(hr->line[i], hl.line[i]);
        assert_int_equal(hr->t[i], hl.t[i]);
    }
    eco_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_grouping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hysteresis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotent_and_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v3_store_and_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_live_equals_rebuild, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
