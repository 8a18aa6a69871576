/* batch.c — column-wise class and period-sum kernels; contract in batch.h.
 *
 * Why this way: classifying is "how many of the five class limits does the
 * value exceed", and the worst class over items is "which levels does any
 * item exceed" — the per-item exceedances are nested (exceeding limit k
 * implies exceeding k−1, after the limits are made monotone below), so
 *     cls = 1 + Σ_k OR_items [value exceeds limit k]
 * which is five compares and five ORs per value, no branch, eight samples per
 * vector (GNU C vector extensions: SSE2 pairs by default, AVX2 when the CPU
 * has it, chosen once at run time). The limits are resolved per call:
 * LE items  class > k  ⟺  v > max(S_1..S_k)          (NaN limits never met),
 * GE items  class > k  ⟺  v < min(S_1..S_k),
 * pH        class 6    ⟺  !(lo <= v <= hi), else 1,
 * so any limit table gives eco_water_item_class's answer. For float32 input
 * the limits are rounded outwards to float once (v > S ⟺ v > fl↓(S) for a
 * float v), which is exact without widening a single value. Values that are
 * NaN, ±inf or negative are replaced by NaN before comparing, so they exceed
 * nothing and count as absent, as in eco_water_item_class.
 */
#include "water/batch.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#define NI ECO_W_NITEMS
#define NL 8 /* samples per vector */

typedef float vf8 __attribute__((vector_size(32)));
typedef int32_t vi8 __attribute__((vector_size(32)));
typedef double vd8 __attribute__((vector_size(64)));
typedef int64_t vl8 __attribute__((vector_size(64)));
typedef int8_t vc8 __attribute__((vector_size(8)));

/* ---- limits resolved once per call */

typedef struct plan_d {
    int nr, ng, nl;        /* range (pH), ≥ (DO), ≤ items */
    int ri[NI], gi[NI], li[NI];
    double rlo[NI], rhi[NI];
    double g[NI][5], l[NI][5]; /* exceeding level k: v < g[k] / v > l[k] */
} plan_d_t;

typedef struct plan_f {
    int nr, ng, nl;
    int ri[NI], gi[NI], li[NI];
    float rlo[NI], rhi[NI];
    float g[NI][5], l[NI][5];
} plan_f_t;

/* largest float <= s / smallest float >= s (s not NaN) */
static float f_down(double s)
{
    if (s > FLT_MAX) return FLT_MAX;
    if (s < -FLT_MAX) return -INFINITY;
    float f = (float)s;
    return (double)f > s ? nextafterf(f, -INFINITY) : f;
}

static float f_up(double s)
{
    if (s < -FLT_MAX) return -FLT_MAX;
    if (s > FLT_MAX) return INFINITY;
    float f = (float)s;
    return (double)f < s ? nextafterf(f, INFINITY) : f;
}

/* The items of `set` that can have a class at wb, as eco_water_item_class sees
 * them, with monotone thresholds (double). */
static void plan_double(eco_water_body_t wb, uint32_t set, plan_d_t *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < NI; i++) {
        if (!(set & ECO_WBIT(i))) continue;
        const eco_water_item_def_t *d = &eco_water_items[i];
        if (d->dir == ECO_WDIR_RANGE) {
            /* in range ⟺ v >= lo && v <= hi; a NaN bound is never met */
            p->ri[p->nr] = i;
            p->rlo[p->nr] = isnan(d->lim[0]) ? INFINITY : d->lim[0];
            p->rhi[p->nr] = isnan(d->lim[1]) ? -INFINITY : d->lim[1];
            p->nr++;
        } else if (d->dir == ECO_WDIR_LE || d->dir == ECO_WDIR_GE) {
            if (d->lake_only && wb != ECO_WB_LAKE) continue;
            int ge = d->dir == ECO_WDIR_GE;
            double t = ge ? INFINITY : -INFINITY;
            double *dst = ge ? p->g[p->ng] : p->l[p->nl];
            for (int c = 1; c <= 5; c++) {
                double s = eco_water_limit((eco_water_item_t)i, c, wb);
                if (!isnan(s)) t = ge ? fmin(t, s) : fmax(t, s);
                dst[c - 1] = t;
            }
            if (ge) p->gi[p->ng++] = i;
            else p->li[p->nl++] = i;
        }
    }
}

static void plan_float(eco_water_body_t wb, uint32_t set, plan_f_t *p)
{
    plan_d_t d;
    plan_double(wb, set, &d);
    memset(p, 0, sizeof *p);
    p->nr = d.nr, p->ng = d.ng, p->nl = d.nl;
    memcpy(p->ri, d.ri, sizeof p->ri);
    memcpy(p->gi, d.gi, sizeof p->gi);
    memcpy(p->li, d.li, sizeof p->li);
    for (int r = 0; r < d.nr; r++) p->rlo[r] = f_up(d.rlo[r]), p->rhi[r] = f_down(d.rhi[r]);
    for (int g = 0; g < d.ng; g++)
        for (int k = 0; k < 5; k++) p->g[g][k] = f_up(d.g[g][k]);
    for (int l = 0; l < d.nl; l++)
        for (int k = 0; k < 5; k++) p->l[l][k] = f_down(d.l[l][k]);
}

/* ---- the class kernel: NL samples from offset `off` of every column */

#define CLASS_BLOCK(VT, MT, T, TMAX, p, col, off, out)                                                            \
    do {                                                                                                          \
        MT absent_ = ~(MT){0}, e1_ = {0}, e2_ = {0}, e3_ = {0}, e4_ = {0}, e5_ = {0};                             \
        for (int r_ = 0; r_ < (p)->nr; r_++) {                                                                    \
            VT v_;                                                                                                \
            memcpy(&v_, (col)[(p)->ri[r_]] + (off), sizeof v_);                                                   \
            MT ok_ = (v_ >= (T)0) & (v_ <= (T)(TMAX));                                                            \
            absent_ &= ~ok_;                                                                                      \
            MT x_ = ok_ & ((v_ < (p)->rlo[r_]) | (v_ > (p)->rhi[r_]));                                            \
            e1_ |= x_, e2_ |= x_, e3_ |= x_, e4_ |= x_, e5_ |= x_;                                                \
        }                                                                                                         \
        for (int g_ = 0; g_ < (p)->ng; g_++) {                                                                    \
            VT v_;                                                                                                \
            memcpy(&v_, (col)[(p)->gi[g_]] + (off), sizeof v_);                                                   \
            MT ok_ = (v_ >= (T)0) & (v_ <= (T)(TMAX));                                                            \
            absent_ &= ~ok_;                                                                                      \
            v_ = (VT)((MT)v_ | ~ok_); /* invalid -> NaN: exceeds nothing */                                      \
            const T *t_ = (p)->g[g_];                                                                             \
            e1_ |= v_ < t_[0], e2_ |= v_ < t_[1], e3_ |= v_ < t_[2], e4_ |= v_ < t_[3], e5_ |= v_ < t_[4];        \
        }                                                                                                         \
        for (int l_ = 0; l_ < (p)->nl; l_++) {                                                                    \
            VT v_;                                                                                                \
            memcpy(&v_, (col)[(p)->li[l_]] + (off), sizeof v_);                                                   \
            MT ok_ = (v_ >= (T)0) & (v_ <= (T)(TMAX));                                                            \
            absent_ &= ~ok_;                                                                                      \
            v_ = (VT)((MT)v_ | ~ok_);                                                                             \
            const T *t_ = (p)->l[l_];                                                                             \
            e1_ |= v_ > t_[0], e2_ |= v_ > t_[1], e3_ |= v_ > t_[2], e4_ |= v_ > t_[3], e5_ |= v_ > t_[4];        \
        }                                                                                                         \
        MT c_ = (1 - (e1_ + e2_ + e3_ + e4_ + e5_)) & ~absent_; /* masks are -1 */                               \
        vc8 b_ = __builtin_convertvector(c_, vc8);                                                                \
        memcpy((out), &b_, sizeof b_);                                                                            \
    } while (0)

/* Full blocks, then the tail through NaN-padded copies. The plan reads no
 * NULL column (drop_null). */
#define CLASS_RUN(VT, MT, T, TMAX, p, col, n, cls)                                                                \
    do {                                                                                                          \
        static const T nan_[NL] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};                                      \
        size_t i_ = 0;                                                                                            \
        for (; i_ + NL <= (n); i_ += NL) CLASS_BLOCK(VT, MT, T, TMAX, p, col, i_, (cls) + i_);                   \
        for (; i_ < (n); i_ += NL) {                                                                              \
            T buf_[NI][NL];                                                                                       \
            const T *pc_[NI];                                                                                     \
            size_t m_ = (n) - i_ < NL ? (n) - i_ : NL;                                                            \
            for (int k_ = 0; k_ < NI; k_++) {                                                                     \
                memcpy(buf_[k_], nan_, sizeof nan_);                                                              \
                if ((col)[k_]) memcpy(buf_[k_], (col)[k_] + i_, m_ * sizeof(T));                                  \
                pc_[k_] = buf_[k_];                                                                               \
            }                                                                                                     \
            int8_t o_[NL];                                                                                        \
            CLASS_BLOCK(VT, MT, T, TMAX, p, pc_, 0, o_);                                                          \
            memcpy((cls) + i_, o_, m_);                                                                           \
        }                                                                                                         \
    } while (0)

static void classify_f_generic(const plan_f_t *p, const float *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vf8, vi8, float, FLT_MAX, p, col, n, cls);
}
static void classify_d_generic(const plan_d_t *p, const double *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vd8, vl8, double, DBL_MAX, p, col, n, cls);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define ECO_BATCH_AVX2 1
__attribute__((target("avx2"))) static void classify_f_avx2(const plan_f_t *p, const float *const col[NI], size_t n,
                                                            int8_t *cls)
{
    CLASS_RUN(vf8, vi8, float, FLT_MAX, p, col, n, cls);
}
__attribute__((target("avx2"))) static void classify_d_avx2(const plan_d_t *p, const double *const col[NI], size_t n,
                                                            int8_t *cls)
{
    CLASS_RUN(vd8, vl8, double, DBL_MAX, p, col, n, cls);
}
static int force_generic;
static int have_avx2(void)
{
    static int cached = -1; /* benign: every thread computes the same value */
    int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (c < 0) {
        __builtin_cpu_init();
        c = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&cached, c, __ATOMIC_RELAXED);
    }
    return c && !__atomic_load_n(&force_generic, __ATOMIC_RELAXED);
}
#endif

void eco_water_batch_set_generic(int on)
{
#ifdef ECO_BATCH_AVX2
    __atomic_store_n(&force_generic, on != 0, __ATOMIC_RELAXED);
#else
    (void)on;
#endif
}

/* A NULL column can never make its item present: drop it from the plan. */
static void drop_null_f(plan_f_t *p, const float *const col[NI])
{
    int n = 0;
    for (int r = 0; r < p->nr; r++)
        if (col[p->ri[r]]) p->ri[n] = p->ri[r], p->rlo[n] = p->rlo[r], p->rhi[n] = p->rhi[r], n++;
    p->nr = n, n = 0;
    for (int g = 0; g < p->ng; g++)
        if (col[p->gi[g]]) p->gi[n] = p->gi[g], memmove(p->g[n], p->g[g], sizeof p->g[n]), n++;
    p->ng = n, n = 0;
    for (int l = 0; l < p->nl; l++)
        if (col[p->li[l]]) p->li[n] = p->li[l], memmove(p->l[n], p->l[l], sizeof p->l[n]), n++;
    p->nl = n;
}

static void drop_null_d(plan_d_t *p, const double *const col[NI])
{
    int n = 0;
    for (int r = 0; r < p->nr; r++)
        if (col[p->ri[r]]) p->ri[n] = p->ri[r], p->rlo[n] = p->rlo[r], p->rhi[n] = p->rhi[r], n++;
    p->nr = n, n = 0;
    for (int g = 0; g < p->ng; g++)
        if (col[p->gi[g]]) p->gi[n] = p->gi[g], memmove(p->g[n], p->g[g], sizeof p->g[n]), n++;
    p->ng = n, n = 0;
    for (int l = 0; l < p->nl; l++)
        if (col[p->li[l]]) p->li[n] = p->li[l], memmove(p->l[n], p->l[l], sizeof p->l[n]), n++;
    p->nl = n;
}

void eco_water_classify_batch_f32(const float *const col[NI], size_t n, eco_water_body_t wb, uint32_t set, int8_t *cls)
{
    plan_f_t p;
    plan_float(wb, set, &p);
    drop_null_f(&p, col);
#ifdef ECO_BATCH_AVX2
    if (have_avx2()) {
        classify_f_avx2(&p, col, n, cls);
        return;
    }
#endif
    classify_f_generic(&p, col, n, cls);
}

void eco_water_classify_batch(const double *const col[NI], size_t n, eco_water_body_t wb, uint32_t set, int8_t *cls)
{
    plan_d_t p;
    plan_double(wb, set, &p);
    drop_null_d(&p, col);
#ifdef ECO_BATCH_AVX2
    if (have_avx2()) {
        classify_d_avx2(&p, col, n, cls);
        return;
    }
#endif
    classify_d_generic(&p, col, n, cls);
}

/* ---- period sums */

/* pow(10, -x) for x = k/100, k = 0..1400: keys as double and as float, values
 * computed by the same pow call eco_water_acc_add makes, so bit-identical. */
#define PH_K 1401
static double hd_key[PH_K], hd_val[PH_K], hf_val[PH_K];
static float hf_key[PH_K];
static pthread_once_t h_once = PTHREAD_ONCE_INIT;

static void h_init(void)
{
    for (int k = 0; k < PH_K; k++) {
        hd_key[k] = k / 100.0;
        hd_val[k] = pow(10, -hd_key[k]);
        hf_key[k] = (float)hd_key[k];
        hf_val[k] = pow(10, -(double)hf_key[k]);
    }
}

static inline double h_d(double v)
{
    if (v >= 0 && v <= 14) {
        int k = (int)(v * 100 + 0.5);
        if (hd_key[k] == v) return hd_val[k];
    }
    return pow(10, -v);
}

static inline double h_f(float v)
{
    if (v >= 0 && v <= 14) {
        int k = (int)(v * 100.0f + 0.5f);
        if (k < PH_K && hf_key[k] == v) return hf_val[k];
    }
    return pow(10, -(double)v);
}

double eco_water_h_ion(double ph)
{
    pthread_once(&h_once, h_init);
    return h_d(ph);
}

/* Σ and count of the finite values of x[0..n), eight partial sums (two in
 * flight per lane group). The finite test is x − x == 0 (NaN for NaN, ±inf). */
#define SUM_RUN(LOADD, T, x, n, sum_out, cnt_out)                                                                 \
    do {                                                                                                          \
        vd8 s0_ = {0}, s1_ = {0};                                                                                 \
        vl8 c0_ = {0}, c1_ = {0};                                                                                 \
        size_t i_ = 0;                                                                                            \
        for (; i_ + 2 * NL <= (n); i_ += 2 * NL) {                                                                \
            vd8 a_, b_;                                                                                           \
            LOADD(a_, (x) + i_);                                                                                  \
            LOADD(b_, (x) + i_ + NL);                                                                             \
            vl8 oa_ = (a_ - a_) == 0, ob_ = (b_ - b_) == 0;                                                       \
            s0_ += (vd8)((vl8)a_ & oa_), s1_ += (vd8)((vl8)b_ & ob_);                                             \
            c0_ -= oa_, c1_ -= ob_;                                                                               \
        }                                                                                                         \
        s0_ += s1_, c0_ += c1_;                                                                                   \
        double s_ = 0;                                                                                            \
        long c_ = 0;                                                                                              \
        for (int l_ = 0; l_ < NL; l_++) s_ += s0_[l_], c_ += (long)c0_[l_];                                       \
        for (; i_ < (n); i_++)                                                                                    \
            if (isfinite((x)[i_])) s_ += (double)(x)[i_], c_++;                                                   \
        (sum_out) = s_, (cnt_out) = c_;                                                                           \
    } while (0)

/* load NL values as doubles (macros: a vector return value would change the ABI) */
#define LOAD_F(dst, p)                                                                                            \
    do {                                                                                                          \
        vf8 f_;                                                                                                   \
        memcpy(&f_, (p), sizeof f_);                                                                              \
        (dst) = __builtin_convertvector(f_, vd8);                                                                 \
    } while (0)
#define LOAD_D(dst, p) memcpy(&(dst), (p), sizeof(dst))

static void sum_f_generic(const float *x, size_t n, double *s, long *c) { SUM_RUN(LOAD_F, float, x, n, *s, *c); }
static void sum_d_generic(const double *x, size_t n, double *s, long *c) { SUM_RUN(LOAD_D, double, x, n, *s, *c); }
#ifdef ECO_BATCH_AVX2
__attribute__((target("avx2"))) static void sum_f_avx2(const float *x, size_t n, double *s, long *c)
{
    SUM_RUN(LOAD_F, float, x, n, *s, *c);
}
__attribute__((target("avx2"))) static void sum_d_avx2(const double *x, size_t n, double *s, long *c)
{
    SUM_RUN(LOAD_D, double, x, n, *s, *c);
}
#endif

void eco_water_acc_add_batch_f32(eco_water_acc_t *a, const float *const col[NI], size_t n)
{
    pthread_once(&h_once, h_init);
#ifdef ECO_BATCH_AVX2
    int avx2 = have_avx2();
#endif
    for (int i = 0; i < NI; i++) {
        const float *x = col[i];
        if (!x) continue;
        double s = 0;
        long c = 0;
        if (i == ECO_W_PH) { /* in sample order, as eco_water_acc_add */
            double acc = a->sum[i];
            for (size_t k = 0; k < n; k++)
                if (isfinite(x[k])) acc += h_f(x[k]), c++;
            a->sum[i] = acc;
            a->n[i] += (int)c;
            continue;
        }
#ifdef ECO_BATCH_AVX2
        if (avx2) sum_f_avx2(x, n, &s, &c);
        else
#endif
            sum_f_generic(x, n, &s, &c);
        a->sum[i] += s;
        a->n[i] += (int)c;
    }
}

void eco_water_acc_add_batch(eco_water_acc_t *a, const double *const col[NI], size_t n)
{
    pthread_once(&h_once, h_init);
#ifdef ECO_BATCH_AVX2
    int avx2 = have_avx2();
#endif
    for (int i = 0; i < NI; i++) {
        const double *x = col[i];
        if (!x) continue;
        double s = 0;
        long c = 0;
        if (i == ECO_W_PH) {
            double acc = a->sum[i];
            for (size_t k = 0; k < n; k++)
                if (isfinite(x[k])) acc += h_d(x[k]), c++;
            a->sum[i] = acc;
            a->n[i] += (int)c;
            continue;
        }
#ifdef ECO_BATCH_AVX2
        if (avx2) sum_d_avx2(x, n, &s, &c);
        else
#endif
            sum_d_generic(x, n, &s, &c);
        a->sum[i] += s;
        a->n[i] += (int)c;
    }
}
