/* bench_air.c — throughput of the air engine on a national-scale year.
 *
 * Why it exists: the performance targets (>= 50 M values/s for
 * real-time AQI on one core, >= 30x pandas for real-time AQI and for the
 * annual assessment) are only meaningful measured on the same data as the
 * pandas peer (bench/air_pandas.py), in the same run. So this program
 *   1. generates the network in memory with the synthetic generator
 *      (air/synth.h): by default 2,000 sites x calendar year 2026 (8,760 h,
 *      crossing the 2026-03-01 switch of HJ 633/663) x 6 pollutants, 3 % NA;
 *   2. times (a) real-time AQI of every site-hour with eco_air_aqi_batch
 *      (edition by date) and (b) the assessment of every site and city
 *      (daily values and daily AQI, the year and each month, city hourly
 *      series via eco_air_region_acc_t), single-threaded, best of N runs;
 *   3. writes its results (AQI per site-hour, daily AQI and period statistics
 *      per site and city) as raw arrays for the agreement check, the same data
 *      as an hourly CSV (+ a sites file) for the peer and the CLI, and its
 *      timings as results.tsv rows (name, metric, value, unit).
 * bench/run.sh drives it; bench/README.md explains the numbers.
 *
 * usage: bench_air [--sites N] [--sites-per-city N] [--seed N] [--runs N]
 *                  [--out DIR] [--no-csv]
 * Environment (flags win): BENCH_SITES, BENCH_SITES_PER_CITY, BENCH_SEED,
 * BENCH_RUNS, BENCH_OUT, BENCH_CSV=0.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "air/aqi.h"
#include "air/assess.h"
#include "air/synth.h"
#include "core/error.h"

/* per-period fields stored for the agreement check (same layout in the peer) */
enum { F_NVALID = 0, F_MEAN = ECO_AIR_NIND, F_PCT = 2 * ECO_AIR_NIND, F_COMPOSITE = 3 * ECO_AIR_NIND,
       F_AQI_DAYS, F_GOOD_DAYS, F_VALID, NF };
#define MAX_PERIODS 512

typedef struct bench {
    eco_air_synth_opts_t so;
    int nsites, ncities, nent; /* entities: sites, then cities */
    size_t nh;                 /* hours per series */
    double *data;              /* site s, pollutant p: data + (s * ECO_POL_N + p) * nh */
    eco_day_t *hday;           /* day of each hour (edition selection) */
    int16_t *rt_aqi;           /* nsites x nh */
    int16_t *daily_aqi;        /* nent x ndays */
    int16_t *daily_iaqi;       /* nent x ndays x ECO_AIR_NIND */
    double *per;               /* nent x nper x NF */
    int nper;
    eco_day_t pfrom[MAX_PERIODS], pto[MAX_PERIODS];
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
        fprintf(stderr, "bench_air: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

static void site_series(const bench_t *b, int s, eco_air_series_t *out)
{
    out->day0 = b->so.day0;
    out->ndays = b->so.ndays;
    for (int p = 0; p < ECO_POL_N; p++) out->h[p] = b->data + ((size_t)s * ECO_POL_N + (size_t)p) * b->nh;
}

/* ---- generation (not timed as engine work; two threads) ---- */

typedef struct gen_job {
    bench_t *b;
    int from, to, rc;
} gen_job_t;

static void *gen_run(void *arg)
{
    gen_job_t *j = arg;
    for (int s = j->from; s < j->to && !j->rc; s++) {
        eco_air_series_t ser;
        site_series(j->b, s, &ser);
        j->rc = eco_air_synth_site(&j->b->so, s, &ser);
    }
    return NULL;
}

static int generate(bench_t *b)
{
    enum { NT = 2 };
    gen_job_t jobs[NT];
    pthread_t th[NT];
    int started[NT] = {0};
    for (int t = 0; t < NT; t++) {
        jobs[t] = (gen_job_t){b, b->nsites * t / NT, b->nsites * (t + 1) / NT, 0};
        started[t] = pthread_create(&th[t], NULL, gen_run, &jobs[t]) == 0;
        if (!started[t]) gen_run(&jobs[t]);
    }
    int rc = 0;
    for (int t = 0; t < NT; t++) {
        if (started[t]) pthread_join(th[t], NULL);
        if (jobs[t].rc) rc = jobs[t].rc;
    }
    return rc;
}

/* ---- (a) real-time AQI ---- */

typedef struct rt_sum {
    int64_t aqi_sum, published;
} rt_sum_t;

static rt_sum_t run_realtime(bench_t *b, eco_air_aqi_t *buf)
{
    rt_sum_t r = {0, 0};
    for (int s = 0; s < b->nsites; s++) {
        eco_air_series_t ser;
        site_series(b, s, &ser);
        const double *cols[ECO_AIR_NIND] = {NULL};
        for (int p = 0; p < ECO_POL_N; p++) cols[eco_air_pol_ind[p]] = ser.h[p];
        eco_air_aqi_batch(NULL, ECO_AIR_REALTIME, b->nh, b->hday, cols, NULL, ECO_MISSING_AUTO, buf);
        int16_t *dst = b->rt_aqi + (size_t)s * b->nh;
        for (size_t k = 0; k < b->nh; k++) {
            int a = buf[k].aqi;
            dst[k] = (int16_t)a;
            if (a >= 0) r.aqi_sum += a, r.published++;
        }
    }
    return r;
}

/* ---- (b) assessment of every site and city ---- */

typedef struct as_sum {
    double composite_sum, pm25_mean_sum;
    int64_t daily_aqi_sum, good_days;
    int composite_n;
} as_sum_t;

static void store_periods(bench_t *b, int ent, const eco_air_day_t *days, const eco_air_assess_opts_t *ao,
                          double *scratch, as_sum_t *sum)
{
    int16_t *da = b->daily_aqi + (size_t)ent * (size_t)b->so.ndays;
    int16_t *di = b->daily_iaqi + (size_t)ent * (size_t)b->so.ndays * ECO_AIR_NIND;
    for (int d = 0; d < b->so.ndays; d++) {
        da[d] = days[d].aqi.aqi;
        memcpy(di + (size_t)d * ECO_AIR_NIND, days[d].aqi.iaqi, sizeof days[d].aqi.iaqi);
        if (days[d].aqi.aqi >= 0) sum->daily_aqi_sum += days[d].aqi.aqi;
    }
    for (int k = 0; k < b->nper; k++) {
        eco_air_period_t pr;
        eco_air_period_compute(days, b->so.day0, b->so.ndays, b->pfrom[k], b->pto[k], ao, scratch, &pr);
        double *f = b->per + ((size_t)ent * (size_t)b->nper + (size_t)k) * NF;
        for (int i = 0; i < ECO_AIR_NIND; i++) {
            f[F_NVALID + i] = pr.nvalid[i];
            f[F_MEAN + i] = pr.mean[i];
            f[F_PCT + i] = pr.pct[i];
        }
        f[F_COMPOSITE] = pr.composite;
        f[F_AQI_DAYS] = pr.aqi_days;
        f[F_GOOD_DAYS] = pr.good_days;
        f[F_VALID] = pr.valid;
        if (k == 0) {
            if (isfinite(pr.composite)) sum->composite_sum += pr.composite, sum->composite_n++;
            if (isfinite(pr.mean[ECO_AIR_PM25])) sum->pm25_mean_sum += pr.mean[ECO_AIR_PM25];
            sum->good_days += pr.good_days;
        }
    }
}

typedef struct as_work {
    eco_air_day_t *days;
    double *scratch;
    eco_air_region_acc_t acc;
    eco_air_series_t city;
} as_work_t;

static as_sum_t run_assess_range(bench_t *b, as_work_t *w, int c0, int c1)
{
    as_sum_t sum;
    memset(&sum, 0, sizeof sum);
    eco_air_assess_opts_t ao;
    eco_air_assess_opts_default(&ao);
    int spc = b->so.sites_per_city;
    for (int c = c0; c < c1; c++) {
        eco_air_region_reset(&w->acc);
        int s1 = (c + 1) * spc < b->nsites ? (c + 1) * spc : b->nsites;
        for (int s = c * spc; s < s1; s++) {
            eco_air_series_t ser;
            site_series(b, s, &ser);
            eco_air_days_compute(&ser, &ao, w->days);
            store_periods(b, s, w->days, &ao, w->scratch, &sum);
            eco_air_region_add(&w->acc, &ser);
        }
        eco_air_region_finish(&w->acc, &w->city); /* in place: city.h[p] == acc.sum[p] */
        eco_air_days_compute(&w->city, &ao, w->days);
        store_periods(b, b->nsites + c, w->days, &ao, w->scratch, &sum);
    }
    return sum;
}

static as_sum_t run_assess(bench_t *b, as_work_t *w) { return run_assess_range(b, w, 0, b->ncities); }

/* (b) on every core: the engine is pure, so cities (with their sites) are
 * shared out between threads, each with its own work arrays. Results land in
 * the same per-entity slots as the one-core run; only the checksum sums are
 * added in another order. */
typedef struct as_job {
    bench_t *b;
    as_work_t w;
    int c0, c1;
    as_sum_t sum;
} as_job_t;

static void *assess_thread(void *arg)
{
    as_job_t *j = arg;
    j->sum = run_assess_range(j->b, &j->w, j->c0, j->c1);
    return NULL;
}

static void work_init(const bench_t *b, as_work_t *w)
{
    memset(w, 0, sizeof *w);
    w->days = xmalloc((size_t)b->so.ndays * sizeof *w->days);
    w->scratch = xmalloc((size_t)b->so.ndays * sizeof *w->scratch);
    w->acc.day0 = b->so.day0;
    w->acc.ndays = b->so.ndays;
    for (int p = 0; p < ECO_POL_N; p++) {
        w->acc.sum[p] = xmalloc(b->nh * sizeof(double));
        w->acc.cnt[p] = xmalloc(b->nh * sizeof(uint16_t));
        w->acc.nm[p] = xmalloc(b->nh * sizeof(uint16_t));
        w->city.h[p] = w->acc.sum[p];
    }
}

static void work_free(as_work_t *w)
{
    free(w->days);
    free(w->scratch);
    for (int p = 0; p < ECO_POL_N; p++) free(w->acc.sum[p]), free(w->acc.cnt[p]), free(w->acc.nm[p]);
}

/* wall time of (b) on nt threads */
static double run_assess_parallel(bench_t *b, int nt)
{
    as_job_t jobs[8];
    pthread_t th[8];
    if (nt > 8) nt = 8;
    for (int t = 0; t < nt; t++) {
        jobs[t].b = b;
        jobs[t].c0 = (int)((long)b->ncities * t / nt);
        jobs[t].c1 = (int)((long)b->ncities * (t + 1) / nt);
        work_init(b, &jobs[t].w);
    }
    double t0 = now_s();
    for (int t = 0; t < nt; t++) pthread_create(&th[t], NULL, assess_thread, &jobs[t]);
    for (int t = 0; t < nt; t++) pthread_join(th[t], NULL);
    double el = now_s() - t0;
    for (int t = 0; t < nt; t++) work_free(&jobs[t].w);
    return el;
}

/* ---- output ---- */

static int mkdir_p(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0777) && errno != EEXIST) return ECO_EIO;
        *p = '/';
    }
    if (mkdir(tmp, 0777) && errno != EEXIST) return ECO_EIO;
    return 0;
}

static int write_raw(const char *dir, const char *name, const void *p, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return ECO_EIO;
    size_t n = fwrite(p, 1, size, f);
    int bad = fclose(f) != 0 || n != size;
    return bad ? ECO_EIO : 0;
}

static char *put_uint(char *p, unsigned v)
{
    char tmp[12];
    int n = 0;
    do tmp[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

/* "YYYY-MM-DD HH:00" (16 chars) of the END of hour h */
static void hour_end_label(eco_day_t day0, size_t h, char *out)
{
    size_t e = h + 1;
    eco_day_t d = day0 + (eco_day_t)(e / 24);
    int hh = (int)(e % 24), y, m, dd;
    eco_day_to_civil(d, &y, &m, &dd);
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:00", y % 10000, m % 100, dd % 100, hh);
    memcpy(out, buf, 16);
}

/* hourly CSV: site,time,so2,no2,co,o3,pm10,pm2_5 — hour-end labels, NA empty */
static int write_csv(const bench_t *b, const char *path, size_t *bytes)
{
    FILE *f = fopen(path, "wb");
    if (!f) return ECO_EIO;
    char *lab = xmalloc(b->nh * 16);
    for (size_t h = 0; h < b->nh; h++) hour_end_label(b->so.day0, h, lab + h * 16);
    enum { BUFSZ = 1 << 22 };
    char *buf = xmalloc(BUFSZ);
    size_t len = 0, total = 0;
    int rc = 0;
    static const char hdr[] = "site,time,so2,no2,co,o3,pm10,pm2_5\n";
    memcpy(buf, hdr, sizeof hdr - 1);
    len = sizeof hdr - 1;
    static const int order[ECO_POL_N] = {ECO_POL_SO2, ECO_POL_NO2, ECO_POL_CO, ECO_POL_O3, ECO_POL_PM10, ECO_POL_PM25};
    for (int s = 0; s < b->nsites && !rc; s++) {
        char id[16];
        eco_air_synth_site_id(s, id, sizeof id);
        size_t idlen = strlen(id);
        eco_air_series_t ser;
        site_series(b, s, &ser);
        for (size_t h = 0; h < b->nh; h++) {
            if (len > BUFSZ - 256) {
                if (fwrite(buf, 1, len, f) != len) rc = ECO_EIO;
                total += len;
                len = 0;
            }
            char *p = buf + len;
            memcpy(p, id, idlen);
            p += idlen;
            *p++ = ',';
            memcpy(p, lab + h * 16, 16);
            p += 16;
            for (int i = 0; i < ECO_POL_N; i++) {
                int pol = order[i];
                double x = ser.h[pol][h];
                *p++ = ',';
                if (!isfinite(x)) continue;
                if (pol == ECO_POL_CO) {
                    unsigned t = (unsigned)lrint(x * 10);
                    p = put_uint(p, t / 10);
                    *p++ = '.';
                    *p++ = (char)('0' + t % 10);
                } else {
                    p = put_uint(p, (unsigned)lrint(x));
                }
            }
            *p++ = '\n';
            len = (size_t)(p - buf);
        }
    }
    if (len && fwrite(buf, 1, len, f) != len) rc = ECO_EIO;
    total += len;
    if (fclose(f)) rc = ECO_EIO;
    free(buf);
    free(lab);
    *bytes = total;
    return rc;
}

static int write_sites(const bench_t *b, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return ECO_EIO;
    fprintf(f, "site,city,county,province,name,lon,lat\n");
    for (int s = 0; s < b->nsites; s++) {
        eco_air_synth_site_info_t in;
        eco_air_synth_site_info(&b->so, s, &in);
        fprintf(f, "%s,%s,%s,%s,%s,%.4f,%.4f\n", in.site, in.city, in.county, in.province, in.name, in.lon, in.lat);
    }
    return fclose(f) ? ECO_EIO : 0;
}

/* ---- main ---- */

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    if (!v || !*v) return dflt;
    char *end;
    long x = strtol(v, &end, 10);
    return *end ? dflt : x;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_air [--sites N] [--sites-per-city N] [--seed N] [--runs N] [--out DIR] [--no-csv]\n"
                    "env: BENCH_SITES BENCH_SITES_PER_CITY BENCH_SEED BENCH_RUNS BENCH_OUT BENCH_CSV=0\n");
}

static void periods_init(bench_t *b)
{
    eco_day_t first = b->so.day0, last = b->so.day0 + b->so.ndays - 1;
    b->nper = 0;
    b->pfrom[b->nper] = first;
    b->pto[b->nper++] = last;
    eco_day_t d = first;
    while (d <= last && b->nper < MAX_PERIODS) {
        int y, m, dd;
        eco_day_to_civil(d, &y, &m, &dd);
        eco_day_t mend = d + (eco_days_in_month(y, m) - dd);
        b->pfrom[b->nper] = d;
        b->pto[b->nper++] = mend < last ? mend : last;
        d = mend + 1;
    }
}

int main(int argc, char **argv)
{
    bench_t b;
    memset(&b, 0, sizeof b);
    eco_air_synth_opts_default(&b.so);
    b.so.nsites = (int)env_long("BENCH_SITES", 2000);
    b.so.sites_per_city = (int)env_long("BENCH_SITES_PER_CITY", 10);
    b.so.seed = (uint64_t)env_long("BENCH_SEED", 2026);
    int runs = (int)env_long("BENCH_RUNS", 3);
    int csv = (int)env_long("BENCH_CSV", 1);
    const char *out = getenv("BENCH_OUT");
    if (!out || !*out) out = "bench/out";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-csv")) csv = 0;
        else if (!strcmp(a, "--sites") && v) b.so.nsites = atoi(v), i++;
        else if (!strcmp(a, "--sites-per-city") && v) b.so.sites_per_city = atoi(v), i++;
        else if (!strcmp(a, "--seed") && v) b.so.seed = strtoull(v, NULL, 10), i++;
        else if (!strcmp(a, "--runs") && v) runs = atoi(v), i++;
        else if (!strcmp(a, "--out") && v) out = v, i++;
        else {
            usage();
            return 2;
        }
    }
    if (eco_air_synth_check(&b.so) || runs < 1 || b.so.sites_per_city > 60000) {
        usage();
        return 2;
    }
    b.nsites = b.so.nsites;
    b.ncities = eco_air_synth_ncities(&b.so);
    b.nent = b.nsites + b.ncities;
    b.nh = (size_t)b.so.ndays * 24;
    periods_init(&b);

    char cdir[4096];
    snprintf(cdir, sizeof cdir, "%s/c", out);
    if (mkdir_p(cdir)) {
        fprintf(stderr, "bench_air: cannot create %s\n", cdir);
        return 1;
    }

    b.data = xmalloc((size_t)b.nsites * ECO_POL_N * b.nh * sizeof(double));
    b.hday = xmalloc(b.nh * sizeof *b.hday);
    for (size_t h = 0; h < b.nh; h++) b.hday[h] = b.so.day0 + (eco_day_t)(h / 24);
    b.rt_aqi = xmalloc((size_t)b.nsites * b.nh * sizeof *b.rt_aqi);
    b.daily_aqi = xmalloc((size_t)b.nent * (size_t)b.so.ndays * sizeof *b.daily_aqi);
    b.daily_iaqi = xmalloc((size_t)b.nent * (size_t)b.so.ndays * ECO_AIR_NIND * sizeof *b.daily_iaqi);
    b.per = xmalloc((size_t)b.nent * (size_t)b.nper * NF * sizeof *b.per);

    char d0[16], d1[16];
    eco_day_format(b.so.day0, d0, sizeof d0);
    eco_day_format(b.so.day0 + b.so.ndays - 1, d1, sizeof d1);
    double values = (double)b.nsites * (double)b.nh * ECO_POL_N;
    fprintf(stderr, "bench_air: %d sites (%d cities) x %zu h (%s .. %s) x %d pollutants = %.1f M values, %.1f MB\n",
            b.nsites, b.ncities, b.nh, d0, d1, ECO_POL_N, values / 1e6, values * 8 / 1e6);

    double t0 = now_s();
    if (generate(&b)) {
        fprintf(stderr, "bench_air: generation failed\n");
        return 1;
    }
    double t_gen = now_s() - t0;
    size_t nna = 0;
    for (size_t k = 0; k < (size_t)b.nsites * ECO_POL_N * b.nh; k++) nna += isnan(b.data[k]);
    fprintf(stderr, "  generated in %.2f s (2 threads); missing %.3f %%\n", t_gen, 100.0 * (double)nna / values);

    /* (a) real-time AQI */
    eco_air_aqi_t *abuf = xmalloc(b.nh * sizeof *abuf);
    double best_a = INFINITY;
    rt_sum_t ra = {0, 0};
    for (int r = 0; r < runs; r++) {
        t0 = now_s();
        ra = run_realtime(&b, abuf);
        double t = now_s() - t0;
        if (t < best_a) best_a = t;
        fprintf(stderr, "  (a) real-time AQI run %d: %.3f s\n", r + 1, t);
    }
    double site_hours = (double)b.nsites * (double)b.nh;
    fprintf(stderr, "  (a) best %.3f s: %.1f M values/s, %.2f M site-hours/s; published %lld of %.0f, sum AQI %lld\n",
            best_a, values / best_a / 1e6, site_hours / best_a / 1e6, (long long)ra.published, site_hours,
            (long long)ra.aqi_sum);

    /* (b) assessment */
    as_work_t w;
    memset(&w, 0, sizeof w);
    w.days = xmalloc((size_t)b.so.ndays * sizeof *w.days);
    w.scratch = xmalloc((size_t)b.so.ndays * sizeof *w.scratch);
    w.acc.day0 = b.so.day0;
    w.acc.ndays = b.so.ndays;
    for (int p = 0; p < ECO_POL_N; p++) {
        w.acc.sum[p] = xmalloc(b.nh * sizeof(double));
        w.acc.cnt[p] = xmalloc(b.nh * sizeof(uint16_t));
        w.acc.nm[p] = xmalloc(b.nh * sizeof(uint16_t));
        w.city.h[p] = w.acc.sum[p];
    }
    double best_b = INFINITY;
    as_sum_t sb;
    memset(&sb, 0, sizeof sb);
    for (int r = 0; r < runs; r++) {
        t0 = now_s();
        sb = run_assess(&b, &w);
        double t = now_s() - t0;
        if (t < best_b) best_b = t;
        fprintf(stderr, "  (b) assessment run %d: %.3f s\n", r + 1, t);
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = ncpu > 1 ? (int)(ncpu > 8 ? 8 : ncpu) : 1;
    double best_bp = INFINITY;
    for (int r = 0; r < runs && nthreads > 1; r++) {
        double t = run_assess_parallel(&b, nthreads);
        if (t < best_bp) best_bp = t;
        fprintf(stderr, "  (b) assessment on %d threads, run %d: %.3f s\n", nthreads, r + 1, t);
    }
    fprintf(stderr,
            "  (b) best %.3f s for %d sites + %d cities x %d periods: %.0f site-years/s; sum daily AQI %lld, "
            "sum composite %.6f (%d valid), sum annual PM2.5 %.6f\n",
            best_b, b.nsites, b.ncities, b.nper, b.nsites / best_b, (long long)sb.daily_aqi_sum, sb.composite_sum,
            sb.composite_n, sb.pm25_mean_sum);

    /* results for the agreement check */
    int rc = 0;
    rc |= write_raw(cdir, "rt_aqi.i16", b.rt_aqi, (size_t)b.nsites * b.nh * sizeof *b.rt_aqi);
    rc |= write_raw(cdir, "daily_aqi.i16", b.daily_aqi, (size_t)b.nent * (size_t)b.so.ndays * sizeof *b.daily_aqi);
    rc |= write_raw(cdir, "daily_iaqi.i16", b.daily_iaqi,
                    (size_t)b.nent * (size_t)b.so.ndays * ECO_AIR_NIND * sizeof *b.daily_iaqi);
    rc |= write_raw(cdir, "periods.f64", b.per, (size_t)b.nent * (size_t)b.nper * NF * sizeof *b.per);
    char path[sizeof cdir + 64];
    snprintf(path, sizeof path, "%s/meta.tsv", cdir);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "nsites\t%d\nncities\t%d\nsites_per_city\t%d\nndays\t%d\nnh\t%zu\nday0\t%s\nnper\t%d\nnf\t%d\n"
                   "seed\t%llu\n",
                b.nsites, b.ncities, b.so.sites_per_city, b.so.ndays, b.nh, d0, b.nper, (int)NF,
                (unsigned long long)b.so.seed);
        for (int k = 0; k < b.nper; k++) {
            char a1[16], a2[16];
            eco_day_format(b.pfrom[k], a1, sizeof a1);
            eco_day_format(b.pto[k], a2, sizeof a2);
            fprintf(f, "period\t%s\t%s\n", a1, a2);
        }
        rc |= fclose(f) ? ECO_EIO : 0;
    } else {
        rc = ECO_EIO;
    }

    double t_csv = NAN;
    size_t csv_bytes = 0;
    if (csv) {
        snprintf(path, sizeof path, "%s/air_hourly.csv", out);
        t0 = now_s();
        rc |= write_csv(&b, path, &csv_bytes);
        t_csv = now_s() - t0;
        snprintf(path, sizeof path, "%s/sites.csv", out);
        rc |= write_sites(&b, path);
        fprintf(stderr, "  wrote %s/air_hourly.csv: %.1f MB in %.2f s\n", out, (double)csv_bytes / 1e6, t_csv);
    }
    if (rc) {
        fprintf(stderr, "bench_air: writing results under %s failed\n", out);
        return 1;
    }

    /* timings and checksums as results.tsv rows */
    snprintf(path, sizeof path, "%s/results.tsv", cdir);
    f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f, "air_bench\tsites\t%d\tsites\nair_bench\tcities\t%d\tcities\nair_bench\thours\t%zu\th\n", b.nsites,
            b.ncities, b.nh);
    fprintf(f, "air_bench\tvalues\t%.0f\tvalues\nair_bench\tmissing_pct\t%.4f\t%%\n", values,
            100.0 * (double)nna / values);
    fprintf(f, "air_synth\tgen_s\t%.4f\ts\n", t_gen);
    fprintf(f, "air_aqi_realtime\tc_s\t%.6f\ts\n", best_a);
    fprintf(f, "air_aqi_realtime\tc_values_per_s\t%.0f\tvalues/s\n", values / best_a);
    fprintf(f, "air_aqi_realtime\tc_site_hours_per_s\t%.0f\tsite-hours/s\n", site_hours / best_a);
    fprintf(f, "air_aqi_realtime\tc_checksum_aqi_sum\t%lld\tAQI\n", (long long)ra.aqi_sum);
    fprintf(f, "air_aqi_realtime\tc_checksum_published\t%lld\tsite-hours\n", (long long)ra.published);
    fprintf(f, "air_assess_year\tc_s\t%.6f\ts\n", best_b);
    fprintf(f, "air_assess_year\tc_site_years_per_s\t%.1f\tsites/s\n", b.nsites / best_b);
    if (isfinite(best_bp)) {
        fprintf(f, "air_assess_year\tc_threads\t%d\tthreads\n", nthreads);
        fprintf(f, "air_assess_year\tc_all_cores_s\t%.6f\ts\n", best_bp);
    }
    fprintf(f, "air_assess_year\tc_checksum_daily_aqi_sum\t%lld\tAQI\n", (long long)sb.daily_aqi_sum);
    fprintf(f, "air_assess_year\tc_checksum_composite_sum\t%.6f\tindex\n", sb.composite_sum);
    fprintf(f, "air_assess_year\tc_checksum_pm25_mean_sum\t%.6f\tug/m3\n", sb.pm25_mean_sum);
    if (csv) {
        fprintf(f, "air_csv\tc_write_s\t%.4f\ts\n", t_csv);
        fprintf(f, "air_csv\tbytes\t%zu\tB\n", csv_bytes);
    }
    if (fclose(f)) return 1;
    return 0;
}
