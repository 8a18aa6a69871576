/* test_water_batch.c — the column-wise kernels (water/batch.h) against the
 * per-sample engine they must reproduce exactly.
 *
 * Why against the engine and not the notes: eco_water_classify is already
 * checked against the standard and official data (test_water.c); the batch
 * kernel's only promise is "the same class on every sample". So samples are
 * drawn to hit every edge: each limit, its neighbouring doubles and floats,
 * pH 6 and 9 and their neighbours, 0, −0, negatives, NaN, ±inf, huge values,
 * whole-sample outages, NULL columns, and lengths that leave a tail of every
 * size; for both waterbodies and several item sets including TN and fecal
 * coliform. The period sums are checked against eco_water_acc_add: counts and
 * the pH [H+] sum bit for bit, the other sums within 1e-12 relative.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "standards/water.h"
#include "water/assess.h"
#include "water/batch.h"
#include "water/water.h"

#define NI ECO_W_NITEMS
#define MAXN 1100

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next(void)
{
    uint64_t z = (rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static double unif(void) { return (double)(next() >> 11) * 0x1.0p-53; }

/* Candidate values of item i: its limits (both waterbodies) and neighbours,
 * plus the special values. */
static int edge_pool(int i, double *out)
{
    int n = 0;
    const eco_water_item_def_t *d = &eco_water_items[i];
    for (int c = 0; c < 5; c++) {
        double ls[2] = {d->lim[c], d->lim_lake[c]};
        for (int w = 0; w < 2; w++) {
            double s = ls[w];
            if (!(s > 0)) continue;
            float f = (float)s;
            double cand[] = {s, nextafter(s, 0), nextafter(s, INFINITY), f, nextafterf(f, 0), nextafterf(f, INFINITY)};
            for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++) out[n++] = cand[k];
        }
    }
    double sp[] = {0.0, -0.0, -1.0, -1e-300, NAN, INFINITY, -INFINITY, 1e300, 3e38, 4e38, 1e-300, 7.0, 0.5};
    for (size_t k = 0; k < sizeof sp / sizeof sp[0]; k++) out[n++] = sp[k];
    return n;
}

static double pools[NI][128];
static int npool[NI];

static void init_pools(void)
{
    for (int i = 0; i < NI; i++) npool[i] = edge_pool(i, pools[i]);
}

/* one value of item i: an edge value, or something lognormal around Ⅲ */
static double draw(int i)
{
    double u = unif();
    if (u < 0.45) return pools[i][next() % (uint64_t)npool[i]];
    if (u < 0.5) return NAN;
    double ref = eco_water_items[i].lim[2];
    if (i == ECO_W_PH) return 5.5 + 4 * unif();
    if (!(ref > 0)) ref = 1;
    return ref * exp(2.0 * (unif() - 0.5) * 2.5);
}

/* float32 of x; out-of-range values to ±inf (a plain cast would be undefined) */
static float tof(double x)
{
    if (x > FLT_MAX) return INFINITY;
    if (x < -FLT_MAX) return -INFINITY;
    return (float)x;
}

static void fill(double v[][NI], size_t n, int as_float)
{
    for (size_t k = 0; k < n; k++) {
        int outage = unif() < 0.03;
        for (int i = 0; i < NI; i++) {
            double x = outage ? NAN : draw(i);
            v[k][i] = as_float ? (double)tof(x) : x; /* float32 data: the engine sees the widened value */
        }
    }
}

static uint32_t sets[8];
static int nsets;

static void init_sets(void)
{
    nsets = 0;
    sets[nsets++] = eco_water_set_routine21;
    sets[nsets++] = eco_water_set_auto5;
    sets[nsets++] = (UINT32_C(1) << NI) - 1;
    sets[nsets++] = 0;
    sets[nsets++] = ECO_WBIT(ECO_W_PH);
    sets[nsets++] = ECO_WBIT(ECO_W_TN) | ECO_WBIT(ECO_W_DO) | ECO_WBIT(ECO_W_FCOLI) | ECO_WBIT(ECO_W_TEMP);
    sets[nsets++] = (uint32_t)next();
    sets[nsets++] = 0xFFFFFFFFu;
}

static double V[MAXN][NI];
static double CD[NI][MAXN];
static float CF[NI][MAXN];

static void run_case(size_t n, int as_float, uint32_t nullmask)
{
    int8_t got[MAXN + 1];
    const double *cd[NI];
    const float *cf[NI];
    fill(V, n, as_float);
    for (int i = 0; i < NI; i++) {
        int null = (nullmask >> i) & 1;
        for (size_t k = 0; k < n; k++) {
            if (null) V[k][i] = NAN;
            CD[i][k] = V[k][i];
            CF[i][k] = tof(V[k][i]);
        }
        cd[i] = null ? NULL : CD[i];
        cf[i] = null ? NULL : CF[i];
    }
    for (int w = 0; w < 2; w++) {
        eco_water_body_t wb = w ? ECO_WB_LAKE : ECO_WB_RIVER;
        for (int si = 0; si < nsets; si++) {
            got[n] = 99; /* guard: nothing written past n */
            if (as_float) eco_water_classify_batch_f32(cf, n, wb, sets[si], got);
            else eco_water_classify_batch(cd, n, wb, sets[si], got);
            assert_int_equal(got[n], 99);
            for (size_t k = 0; k < n; k++) {
                eco_water_result_t r;
                eco_water_classify(V[k], wb, sets[si], &r);
                if (got[k] != r.cls) {
                    fprintf(stderr, "sample %zu wb %d set %08x float %d: batch %d engine %d\n", k, w, sets[si], as_float,
                            got[k], r.cls);
                    for (int i = 0; i < NI; i++) fprintf(stderr, "  %s=%.17g\n", eco_water_items[i].key, V[k][i]);
                }
                assert_int_equal(got[k], r.cls);
            }
        }
    }
}

static void test_classify_double(void **state)
{
    (void)state;
    init_pools();
    init_sets();
    for (size_t n = 0; n <= 40; n++) run_case(n, 0, 0);
    for (int rep = 0; rep < 12; rep++) run_case(MAXN - (size_t)(next() % 20), 0, 0);
    for (int rep = 0; rep < 10; rep++) run_case(200 + (size_t)rep, 0, (uint32_t)next());
}

static void test_classify_float(void **state)
{
    (void)state;
    init_pools();
    init_sets();
    for (size_t n = 0; n <= 40; n++) run_case(n, 1, 0);
    for (int rep = 0; rep < 12; rep++) run_case(MAXN - (size_t)(next() % 20), 1, 0);
    for (int rep = 0; rep < 10; rep++) run_case(200 + (size_t)rep, 1, (uint32_t)next());
}

/* every float next to every limit, one item at a time, the rest missing */
static void test_classify_float_neighbours(void **state)
{
    (void)state;
    float col[64];
    int8_t got[64];
    double v[NI];
    for (int i = 0; i < NI; i++) {
        const float *cf[NI] = {0};
        cf[i] = col;
        for (int w = 0; w < 2; w++) {
            eco_water_body_t wb = w ? ECO_WB_LAKE : ECO_WB_RIVER;
            const eco_water_item_def_t *d = &eco_water_items[i];
            for (int c = 0; c < 5; c++) {
                double s = w ? d->lim_lake[c] : d->lim[c];
                float f = (float)s;
                int n = 0;
                float x = f;
                for (int k = 0; k < 8; k++) x = nextafterf(x, 0);
                for (int k = 0; k < 17; k++, x = nextafterf(x, INFINITY)) col[n++] = x;
                eco_water_classify_batch_f32(cf, (size_t)n, wb, (UINT32_C(1) << NI) - 1, got);
                for (int k = 0; k < n; k++) {
                    eco_water_result_t r;
                    for (int t = 0; t < NI; t++) v[t] = NAN;
                    v[i] = col[k];
                    eco_water_classify(v, wb, (UINT32_C(1) << NI) - 1, &r);
                    assert_int_equal(got[k], r.cls);
                }
            }
        }
    }
}

static void check_acc(size_t n, int as_float)
{
    eco_water_acc_t ref, got;
    const double *cd[NI];
    const float *cf[NI];
    fill(V, n, as_float);
    for (size_t k = 0; k < n; k++) {
        /* pH mostly on the 0.01 grid (the table), some off it */
        double ph = unif() < 0.8 ? nearbyint((5 + 5 * unif()) * 100) / 100 : 5 + 5 * unif();
        if (unif() < 0.05) ph = NAN;
        V[k][ECO_W_PH] = as_float ? (double)(float)ph : ph;
        if (unif() < 0.01) V[k][ECO_W_COD] = -3.5; /* a negative finite value is averaged like any other */
    }
    for (int i = 0; i < NI; i++) {
        for (size_t k = 0; k < n; k++) CD[i][k] = V[k][i], CF[i][k] = tof(V[k][i]);
        cd[i] = CD[i], cf[i] = CF[i];
    }
    cd[ECO_W_FCOLI] = NULL, cf[ECO_W_FCOLI] = NULL;
    double abs_sum[NI] = {0};
    eco_water_acc_init(&ref);
    eco_water_acc_init(&got);
    for (size_t k = 0; k < n; k++) {
        double v[NI];
        memcpy(v, V[k], sizeof v);
        v[ECO_W_FCOLI] = NAN;
        eco_water_acc_add(&ref, v);
        for (int i = 0; i < NI; i++)
            if (isfinite(v[i])) abs_sum[i] += fabs(v[i]);
    }
    /* in two calls: sums carry over */
    size_t h = n / 3;
    const double *cd2[NI];
    const float *cf2[NI];
    for (int i = 0; i < NI; i++) cd2[i] = cd[i] ? cd[i] + h : NULL, cf2[i] = cf[i] ? cf[i] + h : NULL;
    if (as_float) eco_water_acc_add_batch_f32(&got, cf, h), eco_water_acc_add_batch_f32(&got, cf2, n - h);
    else eco_water_acc_add_batch(&got, cd, h), eco_water_acc_add_batch(&got, cd2, n - h);
    for (int i = 0; i < NI; i++) {
        assert_int_equal(got.n[i], ref.n[i]);
        if (i == ECO_W_PH) {
            assert_memory_equal(&got.sum[i], &ref.sum[i], sizeof(double));
            continue;
        }
        double tol = 1e-12 * abs_sum[i]; /* relative to Σ|v|: negatives may cancel */
        if (!(fabs(got.sum[i] - ref.sum[i]) <= tol))
            fprintf(stderr, "item %d n %zu: %.17g vs %.17g\n", i, n, got.sum[i], ref.sum[i]);
        assert_true(fabs(got.sum[i] - ref.sum[i]) <= tol);
    }
}

static void test_acc(void **state)
{
    (void)state;
    init_pools();
    for (size_t n = 0; n <= 40; n++) check_acc(n, 0), check_acc(n, 1);
    for (int rep = 0; rep < 20; rep++) check_acc(MAXN - (size_t)(next() % 30), rep & 1);
}

static void test_h_ion(void **state)
{
    (void)state;
    for (int k = -10; k <= 1410; k++) {
        double x = k / 100.0;
        double a = eco_water_h_ion(x), b = pow(10, -x);
        assert_memory_equal(&a, &b, sizeof a);
        x = (double)(float)x;
        a = eco_water_h_ion(x), b = pow(10, -x);
        assert_memory_equal(&a, &b, sizeof a);
        x = nextafter(k / 100.0, 100);
        a = eco_water_h_ion(x), b = pow(10, -x);
        assert_memory_equal(&a, &b, sizeof a);
    }
    assert_true(isnan(eco_water_h_ion(NAN)));
}

/* the same tests on every kernel the machine can run (portable, AVX2, AVX-512) */
static int isa_portable(void **state)
{
    (void)state;
    return eco_water_batch_limit_isa(0) == 0 ? 0 : -1;
}
static int isa_avx2(void **state)
{
    (void)state;
    eco_water_batch_limit_isa(1);
    return 0;
}
static int isa_best(void **state)
{
    (void)state;
    eco_water_batch_limit_isa(2);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_double), cmocka_unit_test(test_classify_float),
        cmocka_unit_test(test_classify_float_neighbours), cmocka_unit_test(test_acc),
        cmocka_unit_test(test_h_ion),
    };
    int best = eco_water_batch_limit_isa(2);
    fprintf(stderr, "batch kernels: best ISA level here %d\n", best);
    int rc = cmocka_run_group_tests_name("batch_best", tests, isa_best, NULL);
    if (best >= 2) rc |= cmocka_run_group_tests_name("batch_avx2", tests, isa_avx2, isa_best);
    rc |= cmocka_run_group_tests_name("batch_portable", tests, isa_portable, isa_best);
    return rc;
}
