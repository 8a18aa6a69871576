/* rank.c — see rank.h. */
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brain/rank.h"
#include "core/error.h"

/* inih goes on after a handler error and reports the first bad line: keep the first message */
#define FIRST_BAD(buf, ...) ((buf)[0] ? 0 : snprintf((buf), sizeof(buf), __VA_ARGS__))

/* the published value: rounded half away from zero to `decimals` (reports print it so) */
static double published(double v, int decimals)
{
    if (decimals < 0 || !isfinite(v)) return v;
    double m = pow(10, decimals);
    return round(v * m) / m;
}

typedef struct rk {
    double key;
    size_t i;
} rk_t;

static int cmp_rk(const void *a, const void *b)
{
    const rk_t *x = a, *y = b;
    int xn = isnan(x->key), yn = isnan(y->key);
    if (xn != yn) return xn - yn; /* unranked last */
    if (!xn && x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i; /* stable: input order among ties */
}

void eco_rank(const double *v, size_t n, eco_rank_dir_t dir, int decimals, int *rank_out, size_t *order_out)
{
    if (n == 0) return;
    rk_t stackbuf[256];
    rk_t *r = n <= 256 ? stackbuf : malloc(n * sizeof *r);
    if (!r) { /* out of memory: leave everything unranked rather than wrong */
        for (size_t i = 0; i < n; i++) rank_out[i] = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double p = published(v[i], decimals);
        r[i].key = isnan(p) ? NAN : (dir == ECO_HIGHER_IS_BETTER ? -p : p);
        r[i].i = i;
    }
    qsort(r, n, sizeof *r, cmp_rk);
    for (size_t k = 0; k < n; k++) {
        size_t i = r[k].i;
        if (isnan(r[k].key)) rank_out[i] = 0;
        else if (k > 0 && r[k].key == r[k - 1].key) rank_out[i] = rank_out[r[k - 1].i];
        else rank_out[i] = (int)k + 1;
        if (order_out) order_out[k] = i;
    }
    if (r != stackbuf) free(r);
}

double eco_change_rate(double cur, double prev)
{
    if (!isfinite(cur) || !isfinite(prev) || prev == 0) return NAN;
    return (cur - prev) / prev * 100.0;
}

void eco_rank_change(const double *change, const unsigned char *exempt, size_t n, eco_rank_dir_t dir, int decimals,
                     int *rank_out)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        for (size_t i = 0; i < n; i++) rank_out[i] = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double c = change[i];
        int worse = isfinite(c) && (dir == ECO_LOWER_IS_BETTER ? c > 0 : c < 0);
        v[i] = (exempt && exempt[i] && worse) ? NAN : c;
    }
    eco_rank(v, n, dir, decimals, rank_out, NULL);
    free(v);
}

/* ------------------------------------------------------------------ custom indices */

int eco_index_score(const eco_index_def_t *d, const double *values, size_t n, double *score, double *sub)
{
    int K = d->nind;
    if (K <= 0 || K > ECO_INDEX_MAX_IND || d->ngroups < 0 || d->ngroups > ECO_INDEX_MAX_GROUPS) return ECO_EINVAL;
    int G = d->ngroups ? d->ngroups : 1;
    for (int k = 0; k < K; k++)
        if (!(d->ind[k].weight > 0) || d->ind[k].group < 0 || d->ind[k].group >= G) return ECO_EINVAL;
    for (int g = 0; g < d->ngroups; g++)
        if (!(d->group[g].weight > 0)) return ECO_EINVAL;
    /* min and max of each indicator over the entities with a value */
    double lo[ECO_INDEX_MAX_IND], hi[ECO_INDEX_MAX_IND];
    for (int k = 0; k < K; k++) {
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
        for (size_t e = 0; e < n; e++) {
            double x = values[e * (size_t)K + (size_t)k];
            if (isnan(x)) continue;
            if (x < lo[k]) lo[k] = x;
            if (x > hi[k]) hi[k] = x;
        }
    }
    for (size_t e = 0; e < n; e++) {
        double gsum[ECO_INDEX_MAX_GROUPS] = {0}, gw[ECO_INDEX_MAX_GROUPS] = {0};
        int missing = 0;
        for (int k = 0; k < K; k++) {
            const eco_index_ind_t *in = &d->ind[k];
            double x = values[e * (size_t)K + (size_t)k], s;
            if (isnan(x)) {
                missing = 1;
                s = NAN;
            } else if (in->norm == ECO_NORM_NONE) {
                s = x;
            } else if (in->norm == ECO_NORM_MINMAX) {
                if (hi[k] == lo[k]) s = 100;
                else if (in->dir == ECO_HIGHER_IS_BETTER) s = (x - lo[k]) / (hi[k] - lo[k]) * 100;
                else s = (hi[k] - x) / (hi[k] - lo[k]) * 100;
            } else { /* distance to target, relative to the target */
                double t = in->target, gap = in->dir == ECO_HIGHER_IS_BETTER ? t - x : x - t;
                if (gap <= 0) s = 100;
                else if (t == 0) s = 0;
                else s = fmax(0, 100 * (1 - gap / fabs(t)));
            }
            if (sub) sub[e * (size_t)K + (size_t)k] = s;
            if (isnan(s)) {
                if (d->missing == ECO_MISSING_ZERO) {
                    gw[in->group] += in->weight;
                }
                continue;
            }
            gsum[in->group] += s * in->weight;
            gw[in->group] += in->weight;
        }
        if (missing && d->missing == ECO_MISSING_EXCLUDE) {
            score[e] = NAN;
            continue;
        }
        double tot = 0, tw = 0;
        for (int g = 0; g < G; g++) {
            double w = d->ngroups ? d->group[g].weight : 1;
            if (gw[g] <= 0) continue; /* a group with nothing present: reweighted away */
            tot += gsum[g] / gw[g] * w;
            tw += w;
        }
        score[e] = tw > 0 ? tot / tw : NAN;
    }
    return 0;
}

/* ------------------------------------------------------------------ definition file */

typedef struct load_ctx {
    eco_index_def_t *d;
    char bad[200];
    int cur_ind, cur_group;
    char group_of[ECO_INDEX_MAX_IND][64];
} load_ctx_t;

static int find_group(eco_index_def_t *d, const char *name)
{
    for (int g = 0; g < d->ngroups; g++)
        if (!strcmp(d->group[g].name, name)) return g;
    return -1;
}

static int on_kv(void *ud, const char *sec, const char *key, const char *val)
{
    load_ctx_t *x = ud;
    eco_index_def_t *d = x->d;
    char *end;
    if (!strcmp(sec, "index")) {
        if (!strcmp(key, "name")) {
            snprintf(d->name, sizeof d->name, "%s", val);
            return 1;
        }
        if (!strcmp(key, "missing")) {
            if (!strcmp(val, "reweight")) d->missing = ECO_MISSING_REWEIGHT;
            else if (!strcmp(val, "zero")) d->missing = ECO_MISSING_ZERO;
            else if (!strcmp(val, "exclude")) d->missing = ECO_MISSING_EXCLUDE;
            else return FIRST_BAD(x->bad, "missing = '%s': reweight, zero or exclude", val), 0;
            return 1;
        }
    } else if (!strncmp(sec, "group ", 6)) {
        const char *gname = sec + 6;
        int g = find_group(d, gname);
        if (g < 0) {
            if (d->ngroups == ECO_INDEX_MAX_GROUPS) return FIRST_BAD(x->bad, "more than %d groups", ECO_INDEX_MAX_GROUPS), 0;
            g = d->ngroups++;
            snprintf(d->group[g].name, sizeof d->group[g].name, "%s", gname);
            d->group[g].weight = 1;
        }
        if (!strcmp(key, "weight")) {
            double w = strtod(val, &end);
            if (*end || !(w > 0)) return FIRST_BAD(x->bad, "[%s] weight '%s' is not > 0", sec, val), 0;
            d->group[g].weight = w;
            return 1;
        }
    } else if (!strncmp(sec, "indicator ", 10)) {
        const char *iname = sec + 10;
        int k = -1;
        for (int i = 0; i < d->nind; i++)
            if (!strcmp(d->ind[i].name, iname)) k = i;
        if (k < 0) {
            if (d->nind == ECO_INDEX_MAX_IND) return FIRST_BAD(x->bad, "more than %d indicators", ECO_INDEX_MAX_IND), 0;
            k = d->nind++;
            eco_index_ind_t *in = &d->ind[k];
            memset(in, 0, sizeof *in);
            snprintf(in->name, sizeof in->name, "%s", iname);
            in->weight = 1;
            in->target = NAN;
        }
        eco_index_ind_t *in = &d->ind[k];
        if (!strcmp(key, "direction")) {
            if (!strcmp(val, "lower")) in->dir = ECO_LOWER_IS_BETTER;
            else if (!strcmp(val, "higher")) in->dir = ECO_HIGHER_IS_BETTER;
            else return FIRST_BAD(x->bad, "[%s] direction '%s': lower or higher", sec, val), 0;
            return 1;
        }
        if (!strcmp(key, "normalise") || !strcmp(key, "normalize")) {
            if (!strcmp(val, "minmax")) in->norm = ECO_NORM_MINMAX;
            else if (!strcmp(val, "target")) in->norm = ECO_NORM_TARGET;
            else if (!strcmp(val, "none")) in->norm = ECO_NORM_NONE;
            else return FIRST_BAD(x->bad, "[%s] normalise '%s': minmax, target or none", sec, val), 0;
            return 1;
        }
        if (!strcmp(key, "target") || !strcmp(key, "weight")) {
            double w = strtod(val, &end);
            if (*end || !isfinite(w) || (key[0] == 'w' && !(w > 0)))
                return FIRST_BAD(x->bad, "[%s] %s '%s' is not a %snumber", sec, key, val,
                                key[0] == 'w' ? "positive " : ""), 0;
            if (key[0] == 't') in->target = w;
            else in->weight = w;
            return 1;
        }
        if (!strcmp(key, "group")) {
            snprintf(x->group_of[k], sizeof x->group_of[k], "%s", val);
            return 1;
        }
    }
    FIRST_BAD(x->bad, "unknown setting [%s] %s", sec, key);
    return 0;
}

int eco_index_load(eco_index_def_t *d, const char *path, char *msg, size_t n)
{
    memset(d, 0, sizeof *d);
    load_ctx_t *x = calloc(1, sizeof *x);
    if (!x) return snprintf(msg, n, "out of memory"), ECO_ENOMEM;
    x->d = d;
    int line = ini_parse(path, on_kv, x);
    int r = 0;
    if (line == -1) r = ECO_ENOENT, snprintf(msg, n, "%s: cannot open", path);
    else if (line == -2) r = ECO_ENOMEM, snprintf(msg, n, "%s: out of memory", path);
    else if (line > 0) r = ECO_EPARSE, snprintf(msg, n, "%s:%d: %s", path, line, x->bad[0] ? x->bad : "syntax error");
    for (int k = 0; r == 0 && k < d->nind; k++) {
        eco_index_ind_t *in = &d->ind[k];
        if (x->group_of[k][0]) {
            int g = find_group(d, x->group_of[k]);
            if (g < 0) r = ECO_EPARSE, snprintf(msg, n, "%s: indicator %s: no [group %s]", path, in->name, x->group_of[k]);
            in->group = g;
        } else if (d->ngroups) {
            r = ECO_EPARSE, snprintf(msg, n, "%s: indicator %s has no group (the index has groups)", path, in->name);
        }
        if (r == 0 && in->norm == ECO_NORM_TARGET && isnan(in->target))
            r = ECO_EPARSE, snprintf(msg, n, "%s: indicator %s: normalise = target needs a target", path, in->name);
    }
    if (r == 0 && d->nind == 0) r = ECO_EPARSE, snprintf(msg, n, "%s: no [indicator ...] section", path);
    free(x);
    return r;
}
