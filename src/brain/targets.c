/* targets.c — see targets.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brain/targets.h"
#include "core/error.h"

static double pub(double v, int d)
{
    if (!isfinite(v) || d < 0) return v;
    double m = pow(10, d);
    return round(v * m) / m;
}

int eco_cmp_holds(eco_cmp_t op, double a, double b, int decimals)
{
    if (!isfinite(a) || !isfinite(b)) return 0;
    a = pub(a, decimals); /* the statistic as published; the target as set (a cap of 9.6 stays 9.6) */
    switch (op) {
    case ECO_CMP_LT: return a < b;
    case ECO_CMP_LE: return a <= b;
    case ECO_CMP_GT: return a > b;
    default: return a >= b;
    }
}

const char *eco_cmp_text(eco_cmp_t op)
{
    static const char *const t[] = {"<", "≤", ">", "≥"};
    return (unsigned)op < 4 ? t[op] : "?";
}

int eco_cmp_parse(const char *s, eco_cmp_t *op)
{
    if (!strcmp(s, "<")) *op = ECO_CMP_LT;
    else if (!strcmp(s, "<=") || !strcmp(s, "≤")) *op = ECO_CMP_LE;
    else if (!strcmp(s, ">")) *op = ECO_CMP_GT;
    else if (!strcmp(s, ">=") || !strcmp(s, "≥")) *op = ECO_CMP_GE;
    else return ECO_EINVAL;
    return 0;
}

const char *eco_tgt_status_name(eco_tgt_status_t s, int zh)
{
    static const char *const en[] = {"met", "on track", "at risk", "missed", "no data"};
    static const char *const cn[] = {"已达标", "进度正常", "有风险", "未达标", "无数据"};
    return (unsigned)s < 5 ? (zh ? cn[s] : en[s]) : "?";
}

int eco_tgt_eval(const eco_tgt_in_t *in, eco_tgt_out_t *o)
{
    memset(o, 0, sizeof *o);
    o->projected = o->required = NAN;
    int N = in->days_total, D = in->days_elapsed, R = N - D;
    if (N <= 0 || D < 0 || D > N) return ECO_EINVAL;
    if (!isfinite(in->to_date) || in->days_valid == 0) {
        o->status = ECO_ST_NO_DATA;
        snprintf(o->method, sizeof o->method, "no valid data to date");
        return 0;
    }
    int hist = isfinite(in->hist_rest);
    double m = in->to_date, T = in->target;
    int upper = in->cmp == ECO_CMP_LT || in->cmp == ECO_CMP_LE; /* the value must stay below */
    /* the bound on the unrounded value that the published value meets: "< 26" published as an
     * integer needs < 25.5, "<= 26" < 26.5, "> 92" with one decimal >= 92.05 (target on the grid;
     * a target off the grid, e.g. a cap of 9.6, is its own bound) */
    double half = in->decimals >= 0 ? 0.5 * pow(10, -in->decimals) : 0;
    double Tb = T;
    if (half > 0 && fabs(pub(T, in->decimals) - T) < 1e-9) {
        if (in->cmp == ECO_CMP_LT || in->cmp == ECO_CMP_GE) Tb = T - half;
        else Tb = T + half;
    }
    switch (in->kind) {
    case ECO_TGT_LEVEL:
        /* a mean over N days: D days at m, the rest at h */
        o->projected = R == 0 ? m : (m * D + (hist ? in->hist_rest : m) * R) / N;
        if (R > 0) {
            o->required = (Tb * N - m * D) / R;
            o->feasible = upper ? o->required > 0 : 1;
        } else {
            o->feasible = eco_cmp_holds(in->cmp, m, T, in->decimals);
        }
        break;
    case ECO_TGT_RATIO: {
        /* a share of days in %: good so far g = m·D/100; needed in all T·N/100 */
        double g = m * D / 100.0;
        o->projected = R == 0 ? m : (g + (hist ? in->hist_rest : m) * R / 100.0) / N * 100.0;
        if (R > 0) {
            o->required = (Tb * N / 100.0 - g) / R * 100.0;
            o->feasible = upper ? o->required > 0 : o->required <= 100;
        } else {
            o->feasible = eco_cmp_holds(in->cmp, m, T, in->decimals);
        }
        break;
    }
    default: /* count of days against a cap (upper) or a floor */
        o->projected = m + (hist ? in->hist_rest : (D > 0 ? m / D * R : 0));
        /* days are whole: "<= 9.6" allows 9, "< 9" 8, ">= 9.2" needs 10, "> 9" 10 */
        double lim = in->cmp == ECO_CMP_LE ? floor(T + 1e-9) : in->cmp == ECO_CMP_LT ? ceil(T - 1e-9) - 1
                     : in->cmp == ECO_CMP_GE ? ceil(T - 1e-9) : floor(T + 1e-9) + 1;
        o->required = lim - m; /* days still allowed (upper) or still needed */
        o->feasible = upper ? o->required >= 0 : o->required <= R;
        break;
    }
    if (hist)
        snprintf(o->method, sizeof o->method,
                 "to date over %d days, the remaining %d days at last years' level for the same dates", D, R);
    else
        snprintf(o->method, sizeof o->method, "to date over %d days, persisted over the remaining %d days", D, R);
    int proj_ok = eco_cmp_holds(in->cmp, o->projected, T, in->decimals);
    if (R == 0) o->status = eco_cmp_holds(in->cmp, m, T, in->decimals) ? ECO_ST_MET : ECO_ST_MISSED;
    else if (!o->feasible) o->status = ECO_ST_MISSED;
    else o->status = proj_ok ? ECO_ST_ON_TRACK : ECO_ST_AT_RISK;
    return 0;
}

/* ------------------------------------------------------------------ plans */

#include <ini.h>
#include <stdlib.h>

/* inih goes on after a handler error and reports the first bad line: keep the first message */
#define FIRST_BAD(buf, ...) ((buf)[0] ? 0 : snprintf((buf), sizeof(buf), __VA_ARGS__))

typedef struct plan_ctx {
    eco_plan_t *p;
    char bad[200];
} plan_ctx_t;

static int plan_kv(void *ud, const char *sec, const char *key, const char *val)
{
    plan_ctx_t *x = ud;
    eco_plan_t *p = x->p;
    char *end;
    if (!strcmp(sec, "plan")) {
        if (!strcmp(key, "name")) return snprintf(p->name, sizeof p->name, "%s", val), 1;
        if (!strcmp(key, "year")) {
            long y = strtol(val, &end, 10);
            if (*end || y < 1970 || y > 2200) return FIRST_BAD(x->bad, "year '%s'", val), 0;
            p->year = (int)y;
            return 1;
        }
    } else if (!strncmp(sec, "target ", 7)) {
        const char *id = sec + 7;
        eco_target_def_t *t = NULL;
        for (int i = 0; i < p->n; i++)
            if (!strcmp(p->t[i].id, id)) t = &p->t[i];
        if (!t) {
            if (p->n == ECO_PLAN_MAX) return FIRST_BAD(x->bad, "more than %d targets", ECO_PLAN_MAX), 0;
            t = &p->t[p->n++];
            memset(t, 0, sizeof *t);
            snprintf(t->id, sizeof t->id, "%s", id);
            snprintf(t->scope, sizeof t->scope, "province");
            snprintf(t->level, sizeof t->level, "province");
            snprintf(t->basis, sizeof t->basis, "date");
            t->cmp = ECO_CMP_LE;
        }
        if (!strcmp(key, "title")) return snprintf(t->title, sizeof t->title, "%s", val), 1;
        if (!strcmp(key, "indicator")) return snprintf(t->indicator, sizeof t->indicator, "%s", val), 1;
        if (!strcmp(key, "scope")) return snprintf(t->scope, sizeof t->scope, "%s", val), 1;
        if (!strcmp(key, "unit")) return snprintf(t->unit, sizeof t->unit, "%s", val), 1;
        if (!strcmp(key, "level")) {
            if (strcmp(val, "province") && strcmp(val, "city") && strcmp(val, "county") && strcmp(val, "site"))
                return FIRST_BAD(x->bad, "level '%s': province, city, county or site", val), 0;
            return snprintf(t->level, sizeof t->level, "%s", val), 1;
        }
        if (!strcmp(key, "basis")) {
            if (strcmp(val, "date") && strcmp(val, "2012") && strcmp(val, "2026"))
                return FIRST_BAD(x->bad, "basis '%s': date, 2012 or 2026", val), 0;
            return snprintf(t->basis, sizeof t->basis, "%s", val), 1;
        }
        if (!strcmp(key, "comparator")) {
            if (eco_cmp_parse(val, &t->cmp) < 0) return FIRST_BAD(x->bad, "comparator '%s': < <= > >=", val), 0;
            return 1;
        }
        if (!strcmp(key, "value")) {
            t->value = strtod(val, &end);
            if (*end || !isfinite(t->value)) return FIRST_BAD(x->bad, "value '%s' is not a number", val), 0;
            t->has_value = 1;
            return 1;
        }
        if (!strcmp(key, "change")) {
            t->change_pct = strtod(val, &end);
            if (end == val || (*end && strcmp(end, "%")) || !isfinite(t->change_pct))
                return FIRST_BAD(x->bad, "change '%s': a percentage such as -20%%", val), 0;
            t->has_change = 1;
            return 1;
        }
    }
    FIRST_BAD(x->bad, "unknown setting [%s] %s", sec, key);
    return 0;
}

int eco_plan_load(eco_plan_t *p, const char *path, char *msg, size_t n)
{
    memset(p, 0, sizeof *p);
    plan_ctx_t x = {p, ""};
    int line = ini_parse(path, plan_kv, &x);
    if (line == -1) return snprintf(msg, n, "%s: cannot open", path), ECO_ENOENT;
    if (line == -2) return snprintf(msg, n, "%s: out of memory", path), ECO_ENOMEM;
    if (line > 0) return snprintf(msg, n, "%s:%d: %s", path, line, x.bad[0] ? x.bad : "syntax error"), ECO_EPARSE;
    if (!p->year) return snprintf(msg, n, "%s: [plan] year is required", path), ECO_EPARSE;
    for (int i = 0; i < p->n; i++) {
        eco_target_def_t *t = &p->t[i];
        if (!t->indicator[0]) return snprintf(msg, n, "%s: [target %s] has no indicator", path, t->id), ECO_EPARSE;
        if (t->has_value == t->has_change)
            return snprintf(msg, n, "%s: [target %s] needs a value or a change, not %s", path, t->id,
                            t->has_value ? "both" : "neither"), ECO_EPARSE;
        if (!t->title[0]) memcpy(t->title, t->id, sizeof t->id); /* id is NUL-terminated and shorter */
    }
    return 0;
}

eco_day_t eco_tgt_rest_start(int Y, eco_day_t asof)
{
    int y, m, d;
    eco_day_to_civil(asof, &y, &m, &d);
    int dim = eco_days_in_month(Y - 1, m);
    return eco_day_from_civil(Y - 1, m, d > dim ? dim : d) + 1;
}
