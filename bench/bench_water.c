/* bench_water.c — throughput of the GB 3838 water engine on ~10 M samples.
 *
 * Why it exists: the target (>= 30x pandas for classifying 10 M
 * samples of the 24 Table 1 items and for aggregating them by section and
 * month) is only meaningful measured on the same data as the pandas peer
 * (bench/water_pandas.py), in the same run. So this program
 *   1. generates a deterministic network in memory: by default 4,567 sections
 *      x 2,190 samples (4-hourly over the year 2026: 365 d x 6) = 10,001,730
 *      samples x 24 items, lognormal-ish around the class limits so every
 *      class Ⅰ..劣Ⅴ occurs, ~3 % missing (1 % whole-sample outages, 2 %
 *      single items), one section in five a lake/reservoir. Values are rounded
 *      to 3 significant digits relative to the class-Ⅲ limit and STORED AS
 *      float32 COLUMNS (one array per item, like a DataFrame's columns; 960 MB
 *      instead of 1.9 GB). The peer widens them to float64 columns once,
 *      outside its timings; the C kernels give the class and the sums of the
 *      widened values without widening (batch.h);
 *   2. times, single-threaded, best of N (CLOCK_MONOTONIC):
 *      (a) eco_water_classify_batch_f32 (routine 21-item set of 环办〔2011〕22号,
 *          river or lake by section) of every sample, one call per section;
 *      (b) section-month aggregation: eco_water_acc_add_batch_f32 (arithmetic
 *          mean per item, pH through [H+]) per section and month,
 *          eco_water_acc_mean, and eco_water_classify_batch of the 12 means of
 *          each section;
 *      and both again with the sections shared out over one thread per core;
 *      then, once, the per-sample engine on the same data as the reference
 *      ("before"): eco_water_classify of every sample and eco_water_acc_add
 *      per sample — timed, and compared with (a) and (b) value for value
 *      (BENCH_W_REF=0 skips it);
 *   3. writes the data as .npy files for the peer (not timed), its results
 *      (class per sample, section-month means and classes) as raw arrays for
 *      the agreement check, the limits table, and results.tsv rows.
 * bench/run_water.sh drives it; bench/README.md explains the numbers.
 *
 * usage: bench_water [--sections N] [--seed N] [--runs N] [--out DIR] [--no-files]
 * Environment (flags win): BENCH_W_SECTIONS, BENCH_SEED, BENCH_RUNS, BENCH_OUT;
 * BENCH_W_REF=0 skips the per-sample reference; BENCH_W_ISA=0|1 caps the batch
 * kernels at the portable or AVX2 build (default: the best the CPU runs).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "water/assess.h"
#include "water/batch.h"
#include "water/water.h"

#define NI ECO_W_NITEMS
#define PER_DAY 6   /* 4-hourly */
#define NDAYS 365   /* 2026 */
#define NPER (PER_DAY * NDAYS)
#define NMON 12

typedef struct bench {
    int nsec;
    uint64_t seed;
    size_t n;          /* nsec * NPER */
    float *val;        /* item t of sample i = s * NPER + k: val[t * n + i] */
    int8_t *lake;      /* per section */
    int8_t *cls;       /* class per sample */
    double *sm_mean;   /* (s * NMON + m) * NI */
    int8_t *sm_cls;    /* s * NMON + m */
    int mstart[NMON + 1]; /* first sample index k of each month */
} bench_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_water: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

/* ---- deterministic generator (splitmix64 per section) ---- */

static uint64_t sm64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static double unif(uint64_t *x) { return (double)(sm64(x) >> 11) * 0x1.0p-53; }
/* Irwin-Hall(4), rescaled to mean 0, sd 1: "normal-ish", cheap */
static double gauss(uint64_t *x) { return (unif(x) + unif(x) + unif(x) + unif(x) - 2.0) * 1.7320508075688772; }

static double rnd(double v, double scale) { return nearbyint(v * scale) / scale; }

static void gen_section(bench_t *b, int s)
{
    uint64_t r = b->seed * UINT64_C(0x2545F4914F6CDD1D) ^ ((uint64_t)s + 1) * UINT64_C(0x9E3779B97F4A7C15);
    for (int w = 0; w < 4; w++) sm64(&r);
    int lake = (sm64(&r) % 100) < 20;
    b->lake[s] = (int8_t)lake;
    eco_water_body_t wb = lake ? ECO_WB_LAKE : ECO_WB_RIVER;
    double pol = 0.7 * gauss(&r) - 0.9; /* section pollution level, log scale vs class Ⅲ */
    double ph0 = 7.6 + 0.3 * gauss(&r);
    double mu[NI], scale[NI];
    for (int i = 0; i < NI; i++) {
        double ref = eco_water_limit((eco_water_item_t)i, 3, wb);
        if (i == ECO_W_TN) ref = 1.0;
        if (!isfinite(ref) || ref <= 0) ref = 1;
        double off = 0.35 * gauss(&r);
        if (i >= ECO_W_CU && i <= ECO_W_SULFIDE) off -= 1.0; /* trace items: mostly clean */
        mu[i] = log(ref) + pol + off;
        scale[i] = pow(10, 3 - ceil(log10(ref) + 1e-9)); /* 3 significant digits at the Ⅲ limit */
    }
    const double two_pi = 6.283185307179586;
    for (int k = 0; k < NPER; k++) {
        float *v = b->val + (size_t)s * NPER + (size_t)k; /* item t at v[t * n] */
        double day = (double)k / PER_DAY;
        double season = -cos(two_pi * (day - 15) / 365.0); /* +1 mid-July */
        if (unif(&r) < 0.01) { /* station outage */
            for (int i = 0; i < NI; i++) v[(size_t)i * b->n] = NAN;
            continue;
        }
        double x[NI];
        for (int i = 0; i < NI; i++) x[i] = exp(mu[i] + 0.15 * season + 0.35 * gauss(&r));
        x[ECO_W_TEMP] = rnd(16 + 10 * season + gauss(&r), 10);
        x[ECO_W_PH] = rnd(ph0 + 0.35 * gauss(&r), 100);
        double dov = 7.2 - 2.2 * pol - 1.2 * season + 0.9 * gauss(&r);
        x[ECO_W_DO] = rnd(dov < 0.1 ? 0.1 : dov, 100);
        for (int i = 0; i < NI; i++) {
            if (i != ECO_W_TEMP && i != ECO_W_PH && i != ECO_W_DO) x[i] = rnd(x[i], scale[i]);
            v[(size_t)i * b->n] = unif(&r) < 0.02 ? NAN : (float)x[i];
        }
    }
}

typedef struct range_job {
    bench_t *b;
    int s0, s1;
    int64_t sum;
} range_job_t;

static void *gen_run(void *arg)
{
    range_job_t *j = arg;
    for (int s = j->s0; s < j->s1; s++) gen_section(j->b, s);
    return NULL;
}

/* the 24 columns of section s from sample k on */
static void section_cols(const bench_t *b, int s, int k, const float *col[NI])
{
    for (int t = 0; t < NI; t++) col[t] = b->val + (size_t)t * b->n + (size_t)s * NPER + (size_t)k;
}

/* ---- (a) classification of every sample ---- */

static int64_t classify_range(bench_t *b, int s0, int s1)
{
    int64_t sum = 0;
    const float *col[NI];
    for (int s = s0; s < s1; s++) {
        eco_water_body_t wb = b->lake[s] ? ECO_WB_LAKE : ECO_WB_RIVER;
        int8_t *cls = b->cls + (size_t)s * NPER;
        section_cols(b, s, 0, col);
        eco_water_classify_batch_f32(col, NPER, wb, eco_water_set_routine21, cls);
        for (int k = 0; k < NPER; k++) sum += cls[k];
    }
    return sum;
}

/* ---- (b) section-month means and their classes ---- */

static int64_t aggregate_range(bench_t *b, int s0, int s1)
{
    int64_t sum = 0;
    eco_water_acc_t acc;
    const float *col[NI];
    double mcol[NI][NMON];
    const double *mp[NI];
    for (int t = 0; t < NI; t++) mp[t] = mcol[t];
    for (int s = s0; s < s1; s++) {
        eco_water_body_t wb = b->lake[s] ? ECO_WB_LAKE : ECO_WB_RIVER;
        double *mean = b->sm_mean + (size_t)s * NMON * NI;
        for (int m = 0; m < NMON; m++) {
            eco_water_acc_init(&acc);
            section_cols(b, s, b->mstart[m], col);
            eco_water_acc_add_batch_f32(&acc, col, (size_t)(b->mstart[m + 1] - b->mstart[m]));
            eco_water_acc_mean(&acc, mean + m * NI);
            for (int t = 0; t < NI; t++) mcol[t][m] = mean[m * NI + t];
        }
        int8_t *cls = b->sm_cls + (size_t)s * NMON;
        eco_water_classify_batch(mp, NMON, wb, eco_water_set_routine21, cls);
        for (int m = 0; m < NMON; m++) sum += cls[m];
    }
    return sum;
}

/* ---- the per-sample engine on the same data: reference and "before" ---- */

typedef struct ref_out {
    int8_t *cls;     /* per sample */
    double *sm_mean; /* as bench_t */
    int8_t *sm_cls;
} ref_out_t;
static ref_out_t REF;

static int64_t ref_classify_range(bench_t *b, int s0, int s1)
{
    int64_t sum = 0;
    eco_water_result_t res;
    double v[NI];
    for (int s = s0; s < s1; s++) {
        eco_water_body_t wb = b->lake[s] ? ECO_WB_LAKE : ECO_WB_RIVER;
        size_t i0 = (size_t)s * NPER;
        for (size_t i = i0; i < i0 + NPER; i++) {
            for (int t = 0; t < NI; t++) v[t] = b->val[(size_t)t * b->n + i];
            eco_water_classify(v, wb, eco_water_set_routine21, &res);
            REF.cls[i] = (int8_t)res.cls;
            sum += res.cls;
        }
    }
    return sum;
}

static int64_t ref_aggregate_range(bench_t *b, int s0, int s1)
{
    int64_t sum = 0;
    eco_water_result_t res;
    eco_water_acc_t acc;
    double v[NI];
    for (int s = s0; s < s1; s++) {
        eco_water_body_t wb = b->lake[s] ? ECO_WB_LAKE : ECO_WB_RIVER;
        for (int m = 0; m < NMON; m++) {
            eco_water_acc_init(&acc);
            for (int k = b->mstart[m]; k < b->mstart[m + 1]; k++) {
                size_t i = (size_t)s * NPER + (size_t)k;
                for (int t = 0; t < NI; t++) v[t] = b->val[(size_t)t * b->n + i];
                eco_water_acc_add(&acc, v);
            }
            double *mean = REF.sm_mean + ((size_t)s * NMON + (size_t)m) * NI;
            eco_water_acc_mean(&acc, mean);
            eco_water_classify(mean, wb, eco_water_set_routine21, &res);
            REF.sm_cls[s * NMON + m] = (int8_t)res.cls;
            sum += res.cls;
        }
    }
    return sum;
}

typedef int64_t (*range_fn)(bench_t *, int, int);
typedef struct thr_job {
    range_job_t j;
    range_fn fn;
} thr_job_t;

static void *thr_run(void *arg)
{
    thr_job_t *t = arg;
    t->j.sum = t->fn(t->j.b, t->j.s0, t->j.s1);
    return NULL;
}

/* fn over all sections on nt threads; returns the checksum */
static int64_t run_threads(bench_t *b, range_fn fn, int nt)
{
    if (nt <= 1) return fn(b, 0, b->nsec);
    thr_job_t *jobs = xmalloc((size_t)nt * sizeof *jobs);
    pthread_t *th = xmalloc((size_t)nt * sizeof *th);
    int *started = xmalloc((size_t)nt * sizeof *started);
    for (int t = 0; t < nt; t++) {
        jobs[t] = (thr_job_t){{b, (int)((int64_t)b->nsec * t / nt), (int)((int64_t)b->nsec * (t + 1) / nt), 0}, fn};
        started[t] = pthread_create(&th[t], NULL, thr_run, &jobs[t]) == 0;
        if (!started[t]) thr_run(&jobs[t]);
    }
    int64_t sum = 0;
    for (int t = 0; t < nt; t++) {
        if (started[t]) pthread_join(th[t], NULL);
        sum += jobs[t].j.sum;
    }
    free(jobs), free(th), free(started);
    return sum;
}

static double best_of(bench_t *b, range_fn fn, int nt, int runs, int64_t *sum)
{
    double best = INFINITY;
    for (int r = 0; r < runs; r++) {
        double t0 = now_s();
        *sum = run_threads(b, fn, nt);
        double t = now_s() - t0;
        if (t < best) best = t;
    }
    return best;
}

/* ---- output ---- */

static int write_raw(const char *dir, const char *name, const void *p, size_t bytes)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "bench_water: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t w = fwrite(p, 1, bytes, f);
    if (fclose(f) || w != bytes) {
        fprintf(stderr, "bench_water: %s: write failed\n", path);
        return -1;
    }
    return 0;
}

/* .npy v1.0: magic, header dict padded with spaces to a 64-byte multiple, data */
static int write_npy(const char *dir, const char *name, const char *descr, int fortran, size_t rows, int cols,
                     const void *p, size_t bytes)
{
    char path[4096], hdr[256], shape[64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (cols > 0) snprintf(shape, sizeof shape, "(%zu, %d)", rows, cols);
    else snprintf(shape, sizeof shape, "(%zu,)", rows);
    int n = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr,
                     fortran ? "True" : "False", shape);
    int total = 10 + n + 1;
    int pad = (64 - total % 64) % 64;
    memset(hdr + n, ' ', (size_t)pad);
    hdr[n + pad] = '\n';
    uint16_t hl = (uint16_t)(n + pad + 1);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "bench_water: %s: %s\n", path, strerror(errno));
        return -1;
    }
    unsigned char magic[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hl & 0xff), (unsigned char)(hl >> 8)};
    fwrite(magic, 1, 10, f);
    fwrite(hdr, 1, hl, f);
    size_t w = fwrite(p, 1, bytes, f);
    if (fclose(f) || w != bytes) {
        fprintf(stderr, "bench_water: %s: write failed\n", path);
        return -1;
    }
    return 0;
}

static int write_limits(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/water_limits.tsv", dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    static const char *dirs[] = {"none", "le", "ge", "range"};
    fprintf(f, "index\tkey\tdir\tin_set\tlake_only\tr1\tr2\tr3\tr4\tr5\tl1\tl2\tl3\tl4\tl5\n");
    for (int i = 0; i < NI; i++) {
        const eco_water_item_def_t *d = &eco_water_items[i];
        fprintf(f, "%d\t%s\t%s\t%d\t%d", i, d->key, dirs[d->dir], !!(eco_water_set_routine21 & ECO_WBIT(i)), d->lake_only);
        for (int c = 0; c < 5; c++) fprintf(f, "\t%.17g", d->lim[c]);
        for (int c = 0; c < 5; c++) fprintf(f, "\t%.17g", d->lim_lake[c]);
        fprintf(f, "\n");
    }
    return fclose(f);
}

static void mkdir_p(const char *d)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", d);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(tmp, 0777);
            *p = '/';
        }
    mkdir(tmp, 0777);
}

int main(int argc, char **argv)
{
    bench_t B;
    memset(&B, 0, sizeof B);
    bench_t *b = &B;
    const char *e;
    b->nsec = (e = getenv("BENCH_W_SECTIONS")) ? atoi(e) : 4567;
    b->seed = (e = getenv("BENCH_SEED")) ? strtoull(e, NULL, 10) : 2026;
    int runs = (e = getenv("BENCH_RUNS")) ? atoi(e) : 3;
    int ref = (e = getenv("BENCH_W_REF")) ? atoi(e) != 0 : 1;
    /* kernels: the best the CPU has, or at most BENCH_W_ISA (0 portable, 1 AVX2, 2 AVX-512) */
    int isa = eco_water_batch_limit_isa((e = getenv("BENCH_W_ISA")) ? atoi(e) : 2);
    const char *out = (e = getenv("BENCH_OUT")) ? e : "bench/out";
    int files = 1;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--sections") && a + 1 < argc) b->nsec = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--seed") && a + 1 < argc) b->seed = strtoull(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--runs") && a + 1 < argc) runs = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--out") && a + 1 < argc) out = argv[++a];
        else if (!strcmp(argv[a], "--no-files")) files = 0;
        else {
            fprintf(stderr, "usage: bench_water [--sections N] [--seed N] [--runs N] [--out DIR] [--no-files]\n");
            return 2;
        }
    }
    if (b->nsec < 1) b->nsec = 1;
    if (runs < 1) runs = 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nt = ncpu > 1 ? (int)ncpu : 1;
    if (nt > 64) nt = 64;

    b->n = (size_t)b->nsec * NPER;
    b->val = xmalloc(b->n * NI * sizeof(float));
    b->lake = xmalloc((size_t)b->nsec);
    b->cls = xmalloc(b->n);
    b->sm_mean = xmalloc((size_t)b->nsec * NMON * NI * sizeof(double));
    b->sm_cls = xmalloc((size_t)b->nsec * NMON);
    static const int mdays[NMON] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    b->mstart[0] = 0;
    for (int m = 0; m < NMON; m++) b->mstart[m + 1] = b->mstart[m] + mdays[m] * PER_DAY;

    fprintf(stderr, "bench_water: generating %d sections x %d samples x %d items (%.2f M samples)\n", b->nsec, NPER, NI,
            (double)b->n / 1e6);
    double t0 = now_s();
    {
        enum { NG = 2 };
        range_job_t jobs[NG];
        pthread_t th[NG];
        int st[NG];
        for (int t = 0; t < NG; t++) {
            jobs[t] = (range_job_t){b, b->nsec * t / NG, b->nsec * (t + 1) / NG, 0};
            st[t] = pthread_create(&th[t], NULL, gen_run, &jobs[t]) == 0;
            if (!st[t]) gen_run(&jobs[t]);
        }
        for (int t = 0; t < NG; t++)
            if (st[t]) pthread_join(th[t], NULL);
    }
    double tgen = now_s() - t0;
    size_t nmiss = 0, nlake = 0;
    for (size_t i = 0; i < b->n * NI; i++) nmiss += isnan(b->val[i]);
    for (int s = 0; s < b->nsec; s++) nlake += (size_t)b->lake[s];

    /* single-threaded first (the headline figures), then all cores */
    int64_t sum_a = 0, sum_b = 0, sum_a2 = 0, sum_b2 = 0;
    fprintf(stderr, "bench_water: (a) classify, best of %d\n", runs);
    double ta = best_of(b, classify_range, 1, runs, &sum_a);
    fprintf(stderr, "bench_water: (b) section-month aggregation, best of %d\n", runs);
    double tb = best_of(b, aggregate_range, 1, runs, &sum_b);
    double ta_mt = best_of(b, classify_range, nt, runs, &sum_a2);
    double tb_mt = best_of(b, aggregate_range, nt, runs, &sum_b2);
    if (sum_a2 != sum_a || sum_b2 != sum_b) {
        fprintf(stderr, "bench_water: threaded checksums differ\n");
        return 1;
    }
    /* the per-sample engine once, one core: the reference and the "before" */
    double ta_ref = NAN, tb_ref = NAN;
    int64_t ref_sum_a = 0, ref_sum_b = 0;
    size_t mis_cls = 0, mis_smcls = 0, sm_rel = 0, sm_bit = 0, nsm = (size_t)b->nsec * NMON;
    if (ref) {
        REF.cls = xmalloc(b->n);
        REF.sm_mean = xmalloc(nsm * NI * sizeof(double));
        REF.sm_cls = xmalloc(nsm);
        fprintf(stderr, "bench_water: reference: the per-sample engine (eco_water_classify, eco_water_acc_add), once\n");
        ta_ref = best_of(b, ref_classify_range, 1, 1, &ref_sum_a);
        tb_ref = best_of(b, ref_aggregate_range, 1, 1, &ref_sum_b);
        for (size_t i = 0; i < b->n; i++) mis_cls += REF.cls[i] != b->cls[i];
        for (size_t i = 0; i < nsm; i++) mis_smcls += REF.sm_cls[i] != b->sm_cls[i];
        for (size_t i = 0; i < nsm * NI; i++) {
            double x = REF.sm_mean[i], y = b->sm_mean[i];
            int both_nan = isnan(x) && isnan(y);
            sm_bit += both_nan || !memcmp(&x, &y, sizeof x);
            sm_rel += both_nan || fabs(x - y) <= 1e-12 * fmax(fabs(x), fabs(y));
        }
        free(REF.cls), free(REF.sm_mean), free(REF.sm_cls);
    }
    int64_t hist[7] = {0}, smhist[7] = {0};
    for (size_t i = 0; i < b->n; i++) hist[b->cls[i]]++;
    for (size_t i = 0; i < (size_t)b->nsec * NMON; i++) smhist[b->sm_cls[i]]++;

    char cdir[4096];
    snprintf(cdir, sizeof cdir, "%s/water_c", out);
    mkdir_p(cdir);
    double tw = 0;
    if (files) {
        fprintf(stderr, "bench_water: writing %s/water_*.npy\n", out);
        double t1 = now_s();
        int32_t *sec = xmalloc(b->n * sizeof *sec);
        int8_t *mon = xmalloc(b->n);
        for (int s = 0; s < b->nsec; s++)
            for (int m = 0; m < NMON; m++)
                for (int k = b->mstart[m]; k < b->mstart[m + 1]; k++) {
                    size_t i = (size_t)s * NPER + (size_t)k;
                    sec[i] = s;
                    mon[i] = (int8_t)(m + 1);
                }
        /* (n, 24) in Fortran order: our item-major columns as they are */
        int rc = write_npy(out, "water_values.npy", "<f4", 1, b->n, NI, b->val, b->n * NI * sizeof(float));
        rc |= write_npy(out, "water_section.npy", "<i4", 0, b->n, 0, sec, b->n * sizeof *sec);
        rc |= write_npy(out, "water_month.npy", "|i1", 0, b->n, 0, mon, b->n);
        rc |= write_npy(out, "water_lake.npy", "|i1", 0, (size_t)b->nsec, 0, b->lake, (size_t)b->nsec);
        rc |= write_limits(out);
        free(sec), free(mon);
        rc |= write_raw(cdir, "cls.i8", b->cls, b->n);
        rc |= write_raw(cdir, "sm_cls.i8", b->sm_cls, (size_t)b->nsec * NMON);
        rc |= write_raw(cdir, "sm_mean.f64", b->sm_mean, (size_t)b->nsec * NMON * NI * sizeof(double));
        if (rc) return 1;
        tw = now_s() - t1;
    }

    char path[4200];
    snprintf(path, sizeof path, "%s/results.tsv", cdir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_water: %s: %s\n", path, strerror(errno));
        return 1;
    }
    double ns = (double)b->n;
    fprintf(f, "water_bench\tsections\t%d\tsections\n", b->nsec);
    fprintf(f, "water_bench\tlake_sections\t%zu\tsections\n", nlake);
    fprintf(f, "water_bench\tsamples_per_section\t%d\tsamples\n", NPER);
    fprintf(f, "water_bench\tsamples\t%zu\tsamples\n", b->n);
    fprintf(f, "water_bench\titems\t%d\titems\n", NI);
    fprintf(f, "water_bench\tmissing_pct\t%.2f\t%%\n", 100.0 * (double)nmiss / (ns * NI));
    fprintf(f, "water_bench\tgenerate_s\t%.4f\ts\n", tgen);
    fprintf(f, "water_bench\tc_write_npy_s\t%.4f\ts\n", tw);
    fprintf(f, "water_bench\tthreads\t%d\tthreads\n", nt);
    fprintf(f, "water_bench\tkernel_isa\t%s\ttext\n", isa == 2 ? "avx512" : isa == 1 ? "avx2" : "portable");
    for (int c = 0; c <= 6; c++) fprintf(f, "water_bench\tsample_class_%d_pct\t%.3f\t%%\n", c, 100.0 * (double)hist[c] / ns);
    for (int c = 0; c <= 6; c++)
        fprintf(f, "water_bench\tsection_month_class_%d_pct\t%.3f\t%%\n", c, 100.0 * (double)smhist[c] / ((double)b->nsec * NMON));
    fprintf(f, "water_classify\tc_s\t%.4f\ts\n", ta);
    fprintf(f, "water_classify\tc_samples_per_s\t%.0f\tsamples/s\n", ns / ta);
    fprintf(f, "water_classify\tc_all_cores_s\t%.4f\ts\n", ta_mt);
    fprintf(f, "water_classify\tc_checksum_class_sum\t%lld\tsum\n", (long long)sum_a);
    fprintf(f, "water_aggregate\tc_s\t%.4f\ts\n", tb);
    fprintf(f, "water_aggregate\tc_samples_per_s\t%.0f\tsamples/s\n", ns / tb);
    fprintf(f, "water_aggregate\tc_all_cores_s\t%.4f\ts\n", tb_mt);
    fprintf(f, "water_aggregate\tc_checksum_class_sum\t%lld\tsum\n", (long long)sum_b);
    if (ref) {
        fprintf(f, "water_classify\tc_engine_s\t%.4f\ts\n", ta_ref);
        fprintf(f, "water_aggregate\tc_engine_s\t%.4f\ts\n", tb_ref);
        fprintf(f, "water_agree\tbatch_vs_engine_sample_class_mismatches\t%zu\tcount\n", mis_cls);
        fprintf(f, "water_agree\tbatch_vs_engine_section_month_class_mismatches\t%zu\tcount\n", mis_smcls);
        fprintf(f, "water_agree\tbatch_vs_engine_section_month_mean_rel_1e-12_pct\t%.4f\t%%\n",
                100.0 * (double)sm_rel / ((double)nsm * NI));
        fprintf(f, "water_agree\tbatch_vs_engine_section_month_mean_bitwise_pct\t%.4f\t%%\n",
                100.0 * (double)sm_bit / ((double)nsm * NI));
        fprintf(f, "water_agree\tbatch_vs_engine_checksums_equal\t%d\tbool\n", ref_sum_a == sum_a && ref_sum_b == sum_b);
    }
    fclose(f);
    fprintf(stderr, "bench_water: (a) %.3f s (%.1f M samples/s), (b) %.3f s; all cores %.3f / %.3f s\n", ta, ns / ta / 1e6,
            tb, ta_mt, tb_mt);
    if (ref)
        fprintf(stderr,
                "bench_water: per-sample engine (a) %.3f s, (b) %.3f s; batch vs engine: %zu sample and %zu section-month "
                "class mismatches, means %.4f %% bitwise\n",
                ta_ref, tb_ref, mis_cls, mis_smcls, 100.0 * (double)sm_bit / ((double)nsm * NI));
    return 0;
}
