/* batch.c — column-wise class and period-sum kernels; contract in batch.h.
 *
 * Why this way: classifying is "how many of the five class limits does the
 * value exceed", and the worst class over items is "which levels does any
 * item exceed" — the per-item exceedances are nested (exceeding limit k
 * implies exceeding k−1, after the limits are made monotone below), so
 *     cls = 1 + Σ_k OR_items [value exceeds limit k]
 * which is five compares and five ORs per value, no branch, a vector of
 * samples at a time (GNU C vector extensions: 16-byte vectors portably, AVX2
 * or AVX-512 when the CPU has them, chosen once at run time; 4, 8 or 16
 * floats). The limits are resolved per call:
 * LE items  class > k  ⟺  v > max(S_1..S_k)          (NaN limits never met),
 * GE items  class > k  ⟺  v < min(S_1..S_k),
 * pH        class 6    ⟺  !(lo <= v <= hi), else 1,
 * so any limit table gives eco_water_item_class's answer. For float32 input
 * the limits are rounded outwards to float once (v > S ⟺ v > fl↓(S) for a
 * float v), which is exact without widening a single value. Values that are
 * NaN, ±inf or negative are replaced by NaN before comparing, so they exceed
 * nothing and count as absent, as in eco_water_item_class.
 *
 * Period sums: per column, vector partial sums of the finite values; pH goes
 * through 10^-pH, which is one pow() per sample in eco_water_acc_add and the
 * bulk of its cost — here a table of the pow() results on the 0.01 grid
 * (pH is reported to 2 decimals) with an exact-key check, so the sum is
 * bit-identical and off-grid values still take pow().
 */
#include "water/batch.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#define NI ECO_W_NITEMS
/* Vector types per ISA level: 16 bytes portable (SSE2 on x86-64, NEON, ...),
 * 32 bytes AVX2, 64 bytes AVX-512 (wider generic vectors than the ISA has
 * get scalarised). vcN: the classes of N samples. */
typedef float vf4 __attribute__((vector_size(16)));
typedef int32_t vi4 __attribute__((vector_size(16)));
typedef double vd2 __attribute__((vector_size(16)));
typedef int64_t vl2 __attribute__((vector_size(16)));
typedef int8_t vc2 __attribute__((vector_size(2)));
typedef int8_t vc4 __attribute__((vector_size(4)));
typedef float vf8 __attribute__((vector_size(32)));
typedef int32_t vi8 __attribute__((vector_size(32)));
typedef double vd4 __attribute__((vector_size(32)));
typedef int64_t vl4 __attribute__((vector_size(32)));
typedef int8_t vc8 __attribute__((vector_size(8)));
typedef float vf16 __attribute__((vector_size(64)));
typedef int32_t vi16 __attribute__((vector_size(64)));
typedef double vd8 __attribute__((vector_size(64)));
typedef int64_t vl8 __attribute__((vector_size(64)));
typedef int8_t vc16 __attribute__((vector_size(16)));

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

/* ---- the class kernel
 *
 * K: the plan as vectors — column pointers in plan order and every limit
 * broadcast once per call, so the inner loop is load, 2 compares for
 * validity, then 5 compares (with the limit as a memory operand) and 5 ORs. */
/* software prefetch this many values ahead in each column: 21 concurrent
 * streams outrun the hardware prefetcher (AVX2, 10 M samples: 0.09 s instead of
 * 0.11–0.13 s). Computed as an integer: the address may lie past the column. */
#define PF_DIST 128

#define CLASS_KERNEL_T(VT, T)                                                                                     \
    struct {                                                                                                      \
        int nr, ng, nl;                                                                                           \
        const T *rc[NI], *gc[NI], *lc[NI];                                                                        \
        VT rlo[NI], rhi[NI], g[NI][5], l[NI][5];                                                                  \
    }

#define CLASS_KERNEL_FILL(K, p, col)                                                                              \
    do {                                                                                                          \
        (K).nr = (p)->nr, (K).ng = (p)->ng, (K).nl = (p)->nl;                                                     \
        for (int r_ = 0; r_ < (p)->nr; r_++) {                                                                    \
            (K).rc[r_] = (col)[(p)->ri[r_]];                                                                      \
            for (size_t j_ = 0; j_ < sizeof(K).rlo[0] / sizeof(K).rlo[0][0]; j_++)                                \
                (K).rlo[r_][j_] = (p)->rlo[r_], (K).rhi[r_][j_] = (p)->rhi[r_];                                   \
        }                                                                                                         \
        for (int g_ = 0; g_ < (p)->ng; g_++) {                                                                    \
            (K).gc[g_] = (col)[(p)->gi[g_]];                                                                      \
            for (int k_ = 0; k_ < 5; k_++)                                                                        \
                for (size_t j_ = 0; j_ < sizeof(K).rlo[0] / sizeof(K).rlo[0][0]; j_++)                            \
                    (K).g[g_][k_][j_] = (p)->g[g_][k_];                                                           \
        }                                                                                                         \
        for (int l_ = 0; l_ < (p)->nl; l_++) {                                                                    \
            (K).lc[l_] = (col)[(p)->li[l_]];                                                                      \
            for (int k_ = 0; k_ < 5; k_++)                                                                        \
                for (size_t j_ = 0; j_ < sizeof(K).rlo[0] / sizeof(K).rlo[0][0]; j_++)                            \
                    (K).l[l_][k_][j_] = (p)->l[l_][k_];                                                           \
        }                                                                                                         \
    } while (0)

/* bad lanes (NaN, negative, +inf) as a mask; v_ becomes NaN there */
#define CLASS_LOAD(VT, MT, T, TMAX, ptr, off, v_, absent_)                                                        \
    VT v_;                                                                                                        \
    memcpy(&v_, (ptr) + (off), sizeof v_);                                                                        \
    __builtin_prefetch((const void *)((uintptr_t)((ptr) + (off)) + PF_DIST * sizeof(T)));                        \
    MT bad_ = (v_ < (T)0) | ~(v_ <= (T)(TMAX));                                                                   \
    absent_ &= bad_;                                                                                              \
    v_ = (VT)((MT)v_ | bad_)

#define CLASS_BLOCK(VT, MT, CT, T, TMAX, K, off, out)                                                             \
    do {                                                                                                          \
        MT absent_ = ~(MT){0}, e1_ = {0}, e2_ = {0}, e3_ = {0}, e4_ = {0}, e5_ = {0};                             \
        for (int r_ = 0; r_ < (K).nr; r_++) {                                                                     \
            CLASS_LOAD(VT, MT, T, TMAX, (K).rc[r_], off, v_, absent_);                                            \
            MT x_ = (v_ < (K).rlo[r_]) | (v_ > (K).rhi[r_]);                                                      \
            e1_ |= x_, e2_ |= x_, e3_ |= x_, e4_ |= x_, e5_ |= x_;                                                \
        }                                                                                                         \
        for (int g_ = 0; g_ < (K).ng; g_++) {                                                                     \
            CLASS_LOAD(VT, MT, T, TMAX, (K).gc[g_], off, v_, absent_);                                            \
            const VT *t_ = (K).g[g_];                                                                             \
            e1_ |= v_ < t_[0], e2_ |= v_ < t_[1], e3_ |= v_ < t_[2], e4_ |= v_ < t_[3], e5_ |= v_ < t_[4];        \
        }                                                                                                         \
        for (int l_ = 0; l_ < (K).nl; l_++) {                                                                     \
            CLASS_LOAD(VT, MT, T, TMAX, (K).lc[l_], off, v_, absent_);                                            \
            const VT *t_ = (K).l[l_];                                                                             \
            e1_ |= v_ > t_[0], e2_ |= v_ > t_[1], e3_ |= v_ > t_[2], e4_ |= v_ > t_[3], e5_ |= v_ > t_[4];        \
        }                                                                                                         \
        MT c_ = (1 - (e1_ + e2_ + e3_ + e4_ + e5_)) & ~absent_; /* masks are -1 */                               \
        CT b_ = __builtin_convertvector(c_, CT);                                                                  \
        memcpy((out), &b_, sizeof b_);                                                                            \
    } while (0)

/* Full blocks, then the tail through NaN-padded copies. The plan reads no
 * NULL column (drop_null). */
#define CLASS_RUN(VT, MT, CT, T, TMAX, p, col, n, cls)                                                            \
    do {                                                                                                          \
        enum { NL = sizeof(VT) / sizeof(T) };                                                                     \
        static const T nan_[16] = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN,                                       \
                                   NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};                                       \
        CLASS_KERNEL_T(VT, T) K_;                                                                                 \
        CLASS_KERNEL_FILL(K_, p, col);                                                                            \
        size_t i_ = 0;                                                                                            \
        for (; i_ + NL <= (n); i_ += NL) CLASS_BLOCK(VT, MT, CT, T, TMAX, K_, i_, (cls) + i_);                   \
        if (i_ < (n)) {                                                                                           \
            T buf_[NI][NL];                                                                                       \
            const T *pc_[NI];                                                                                     \
            size_t m_ = (n) - i_;                                                                                 \
            for (int k_ = 0; k_ < NI; k_++) {                                                                     \
                memcpy(buf_[k_], nan_, sizeof buf_[k_]);                                                          \
                if ((col)[k_]) memcpy(buf_[k_], (col)[k_] + i_, m_ * sizeof(T));                                  \
                pc_[k_] = buf_[k_];                                                                               \
            }                                                                                                     \
            CLASS_KERNEL_FILL(K_, p, pc_);                                                                        \
            int8_t o_[NL];                                                                                        \
            CLASS_BLOCK(VT, MT, CT, T, TMAX, K_, 0, o_);                                                          \
            memcpy((cls) + i_, o_, m_);                                                                           \
        }                                                                                                         \
    } while (0)

static void classify_f_generic(const plan_f_t *p, const float *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vf4, vi4, vc4, float, FLT_MAX, p, col, n, cls);
}
static void classify_d_generic(const plan_d_t *p, const double *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vd2, vl2, vc2, double, DBL_MAX, p, col, n, cls);
}

/* ISA levels: 0 portable (SSE2 pairs on x86-64), 1 AVX2 (8 floats a vector),
 * 2 AVX-512 F/DQ/BW/VL (16 floats). Same code, compiled three times. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ECO_BATCH_X86 1
#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx2,avx512f,avx512dq,avx512bw,avx512vl")))
AVX2 static void classify_f_avx2(const plan_f_t *p, const float *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vf8, vi8, vc8, float, FLT_MAX, p, col, n, cls);
}
AVX2 static void classify_d_avx2(const plan_d_t *p, const double *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vd4, vl4, vc4, double, DBL_MAX, p, col, n, cls);
}
AVX512 static void classify_f_avx512(const plan_f_t *p, const float *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vf16, vi16, vc16, float, FLT_MAX, p, col, n, cls);
}
AVX512 static void classify_d_avx512(const plan_d_t *p, const double *const col[NI], size_t n, int8_t *cls)
{
    CLASS_RUN(vd8, vl8, vc8, double, DBL_MAX, p, col, n, cls);
}
#endif

static int isa_cap = 2; /* eco_water_batch_limit_isa */

static int isa(void)
{
#ifdef ECO_BATCH_X86
    static int cached = -1; /* benign race: every thread computes the same value */
    int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (c < 0) {
        __builtin_cpu_init();
        c = 0;
        if (__builtin_cpu_supports("avx2")) c = 1;
        if (c && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
            c = 2;
        __atomic_store_n(&cached, c, __ATOMIC_RELAXED);
    }
    int cap = __atomic_load_n(&isa_cap, __ATOMIC_RELAXED);
    return c < cap ? c : cap;
#else
    return 0;
#endif
}

int eco_water_batch_limit_isa(int level)
{
    __atomic_store_n(&isa_cap, level < 0 ? 0 : level, __ATOMIC_RELAXED);
    return isa();
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
#ifdef ECO_BATCH_X86
    switch (isa()) {
    case 2: classify_f_avx512(&p, col, n, cls); return;
    case 1: classify_f_avx2(&p, col, n, cls); return;
    default: break;
    }
#endif
    classify_f_generic(&p, col, n, cls);
}

void eco_water_classify_batch(const double *const col[NI], size_t n, eco_water_body_t wb, uint32_t set, int8_t *cls)
{
    plan_d_t p;
    plan_double(wb, set, &p);
    drop_null_d(&p, col);
#ifdef ECO_BATCH_X86
    switch (isa()) {
    case 2: classify_d_avx512(&p, col, n, cls); return;
    case 1: classify_d_avx2(&p, col, n, cls); return;
    default: break;
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

/* Σ and count of the finite values of x[0..n): two or four vectors of partial
 * sums, then single vectors, then the last vector x[n−L..n) with the lanes
 * already summed masked off (a NaN-padded copy stalls on store forwarding). The finite test is x − x == 0 (NaN for NaN and ±inf). LOADD(dst, p)
 * loads one vector of values as doubles. */
#define SUM_STEP(VD, VL, LOADD, p, s, c)                                                                          \
    do {                                                                                                          \
        VD za_;                                                                                                   \
        LOADD(za_, p);                                                                                            \
        VL zok_ = (za_ - za_) == 0;                                                                               \
        (s) += (VD)((VL)za_ & zok_);                                                                              \
        (c) -= zok_;                                                                                              \
    } while (0)

#define SUM_RUN(VD, VL, T, LOADD, x, n, sum_out, cnt_out)                                                         \
    do {                                                                                                          \
        enum { ZL_ = sizeof(VD) / sizeof(double), ZU_ = ZL_ >= 8 ? 2 : 4 }; /* vectors per step */              \
        VD zs0_ = {0}, zs1_ = {0}, zs2_ = {0}, zs3_ = {0};                                                        \
        VL zc0_ = {0}, zc1_ = {0}, zc2_ = {0}, zc3_ = {0};                                                        \
        size_t zi_ = 0;                                                                                           \
        for (; zi_ + ZU_ * ZL_ <= (n); zi_ += ZU_ * ZL_) {                                                        \
            SUM_STEP(VD, VL, LOADD, (x) + zi_, zs0_, zc0_);                                                       \
            SUM_STEP(VD, VL, LOADD, (x) + zi_ + ZL_, zs1_, zc1_);                                                 \
            if (ZU_ > 2) {                                                                                        \
                SUM_STEP(VD, VL, LOADD, (x) + zi_ + 2 * ZL_, zs2_, zc2_);                                         \
                SUM_STEP(VD, VL, LOADD, (x) + zi_ + 3 * ZL_, zs3_, zc3_);                                         \
            }                                                                                                     \
        }                                                                                                         \
        for (; zi_ + ZL_ <= (n); zi_ += ZL_) SUM_STEP(VD, VL, LOADD, (x) + zi_, zs0_, zc0_);                      \
        double zt_ = 0; /* inputs shorter than a vector */                                                        \
        long ztc_ = 0;                                                                                            \
        if (zi_ < (n) && (n) >= ZL_) { /* the last vector, lanes already summed masked off */                    \
            VD za_;                                                                                               \
            VL zix_;                                                                                              \
            for (int zl_ = 0; zl_ < ZL_; zl_++) zix_[zl_] = zl_;                                                  \
            LOADD(za_, (x) + (n) - ZL_);                                                                          \
            VL zok_ = ((za_ - za_) == 0) & (zix_ >= (int64_t)(ZL_ - ((n) - zi_)));                               \
            zs1_ += (VD)((VL)za_ & zok_);                                                                         \
            zc1_ -= zok_;                                                                                         \
        } else {                                                                                                  \
            for (; zi_ < (n); zi_++)                                                                              \
                if (isfinite((x)[zi_])) zt_ += (double)(x)[zi_], ztc_++;                                          \
        }                                                                                                         \
        VD zst_ = (zs0_ + zs1_) + (zs2_ + zs3_);                                                                  \
        VL zct_ = (zc0_ + zc1_) + (zc2_ + zc3_);                                                                  \
        double zsum_ = 0;                                                                                         \
        long zcnt_ = 0;                                                                                           \
        for (int zl_ = 0; zl_ < ZL_; zl_++) zsum_ += zst_[zl_], zcnt_ += (long)zct_[zl_];                         \
        (sum_out) = zsum_ + zt_, (cnt_out) = zcnt_ + ztc_;                                                        \
    } while (0)

/* every column: pH in sample order through the table (as eco_water_acc_add,
 * bit for bit), the others by SUM_RUN */
#define ACC_RUN(VD, VL, T, LOADD, H, a, col, n)                                                                   \
    do {                                                                                                          \
        for (int i_ = 0; i_ < NI; i_++) {                                                                         \
            const T *x_ = (col)[i_];                                                                              \
            if (!x_) continue;                                                                                    \
            double s_ = 0;                                                                                        \
            long c_ = 0;                                                                                          \
            if (i_ == ECO_W_PH) {                                                                                 \
                s_ = (a)->sum[i_];                                                                                \
                for (size_t k_ = 0; k_ < (n); k_++)                                                               \
                    if (isfinite(x_[k_])) s_ += H(x_[k_]), c_++;                                                  \
                (a)->sum[i_] = s_;                                                                                \
            } else {                                                                                              \
                SUM_RUN(VD, VL, T, LOADD, x_, n, s_, c_);                                                         \
                (a)->sum[i_] += s_;                                                                               \
            }                                                                                                     \
            (a)->n[i_] += (int)c_;                                                                                \
        }                                                                                                         \
    } while (0)

/* loaders: portable element by element (the compiler vectorises), x86 by intrinsics */
#define LD_F2(dst, p) ((dst) = (vd2){(p)[0], (p)[1]})
#define LD_D2(dst, p) memcpy(&(dst), (p), sizeof(dst))
#define LD_F4(dst, p) ((dst) = (vd4)_mm256_cvtps_pd(_mm_loadu_ps(p)))
#define LD_D4(dst, p) memcpy(&(dst), (p), sizeof(dst))
#define LD_F8(dst, p) ((dst) = (vd8)_mm512_cvtps_pd(_mm256_loadu_ps(p)))
#define LD_D8(dst, p) memcpy(&(dst), (p), sizeof(dst))

static void acc_f_generic(eco_water_acc_t *a, const float *const col[NI], size_t n)
{
    ACC_RUN(vd2, vl2, float, LD_F2, h_f, a, col, n);
}
static void acc_d_generic(eco_water_acc_t *a, const double *const col[NI], size_t n)
{
    ACC_RUN(vd2, vl2, double, LD_D2, h_d, a, col, n);
}
#ifdef ECO_BATCH_X86
AVX2 static void acc_f_avx2(eco_water_acc_t *a, const float *const col[NI], size_t n)
{
    ACC_RUN(vd4, vl4, float, LD_F4, h_f, a, col, n);
}
AVX2 static void acc_d_avx2(eco_water_acc_t *a, const double *const col[NI], size_t n)
{
    ACC_RUN(vd4, vl4, double, LD_D4, h_d, a, col, n);
}
AVX512 static void acc_f_avx512(eco_water_acc_t *a, const float *const col[NI], size_t n)
{
    ACC_RUN(vd8, vl8, float, LD_F8, h_f, a, col, n);
}
AVX512 static void acc_d_avx512(eco_water_acc_t *a, const double *const col[NI], size_t n)
{
    ACC_RUN(vd8, vl8, double, LD_D8, h_d, a, col, n);
}
#endif
void eco_water_acc_add_batch_f32(eco_water_acc_t *a, const float *const col[NI], size_t n)
{
    pthread_once(&h_once, h_init);
#ifdef ECO_BATCH_X86
    switch (isa()) {
    case 2: acc_f_avx512(a, col, n); return;
    case 1: acc_f_avx2(a, col, n); return;
    default: break;
    }
#endif
    acc_f_generic(a, col, n);
}

void eco_water_acc_add_batch(eco_water_acc_t *a, const double *const col[NI], size_t n)
{
    pthread_once(&h_once, h_init);
#ifdef ECO_BATCH_X86
    switch (isa()) {
    case 2: acc_d_avx512(a, col, n); return;
    case 1: acc_d_avx2(a, col, n); return;
    default: break;
    }
#endif
    acc_d_generic(a, col, n);
}
