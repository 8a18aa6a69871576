/* synth.c — deterministic synthetic hourly air-quality data (see synth.h).
 *
 * Why the model is built from streams: every site must be computable alone
 * (pure function of options and site index), yet the sites of a city must
 * share their city's weather. So each city owns its own random streams (daily
 * weather/episodes, hourly shared noise), seeded from (seed, city), and every
 * site re-runs its city's streams in lock-step with its own — a few hundred
 * extra draws per site-day, no shared state, no allocation.
 */
#include "air/synth.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

#define CITIES_PER_PROVINCE 10
#define SITES_PER_COUNTY 3
#define WARMUP_DAYS 30
#define TWO_PI 6.283185307179586
#define YEAR_DAYS 365.2425

/* ---- PRNG: splitmix64 seeds xoshiro256** (Blackman & Vigna) ---- */

typedef struct rng {
    uint64_t s[4];
    int has_spare;
    double spare;
} rng_t;

enum { ST_CITY = 1, ST_CITY_DAY, ST_CITY_HOUR, ST_SITE, ST_SITE_HOUR, ST_SITE_MISS };

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed, uint64_t stream, uint64_t id)
{
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ (stream * 0xd1b54a32d192ed03ULL) ^ (id * 0x8cb92ba72f3d8dd7ULL);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    r->has_spare = 0;
    r->spare = 0;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* uniform in [0, 1) */
static inline double rng_unif(rng_t *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* integer in [lo, hi] */
static inline int rng_int(rng_t *r, int lo, int hi) { return lo + (int)(rng_unif(r) * (hi - lo + 1)); }

/* standard normal (Box-Muller, second value kept) */
static double rng_norm(rng_t *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1 = ((double)(rng_next(r) >> 11) + 1.0) * 0x1.0p-53; /* (0, 1] */
    double u2 = rng_unif(r);
    double rad = sqrt(-2.0 * log(u1));
    r->spare = rad * sin(TWO_PI * u2);
    r->has_spare = 1;
    return rad * cos(TWO_PI * u2);
}

/* ---- options and names ---- */

void eco_air_synth_opts_default(eco_air_synth_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 2026;
    o->nsites = 2000;
    o->sites_per_city = 10;
    o->day0 = eco_day_from_civil(2026, 1, 1);
    o->ndays = 365;
    o->missing = 0.03;
}

int eco_air_synth_check(const eco_air_synth_opts_t *o)
{
    if (!o || o->nsites < 1 || o->sites_per_city < 1 || o->ndays < 1 || o->ndays > 36600) return ECO_EINVAL;
    if (!(o->missing >= 0 && o->missing <= 0.5)) return ECO_EINVAL;
    return 0;
}

int eco_air_synth_ncities(const eco_air_synth_opts_t *o)
{
    return (o->nsites + o->sites_per_city - 1) / o->sites_per_city;
}

int eco_air_synth_city_of(const eco_air_synth_opts_t *o, int site) { return site / o->sites_per_city; }

void eco_air_synth_site_id(int site, char *buf, size_t n) { snprintf(buf, n, "S%04d", site + 1); }

void eco_air_synth_city_id(int city, char *buf, size_t n) { snprintf(buf, n, "C%03d", city + 1); }

/* ---- city and site parameters ---- */

typedef struct city_par {
    double lat, lon;
    int north; /* north of the Qinling-Huaihe line: heating season */
    int dusty; /* northern inland: spring dust storms */
    double lbase[ECO_POL_N]; /* log of the geometric-mean level (PM10: unused) */
    double lratio;           /* log(PM10 / PM2.5) */
    double o3_amp;           /* O3 diurnal amplitude (log) */
} city_par_t;

typedef struct site_par {
    double lat, lon;
    double lmult[ECO_POL_N]; /* site multipliers (log) */
    double lratio;
} site_par_t;

static void city_params(const eco_air_synth_opts_t *o, int city, city_par_t *c)
{
    rng_t r;
    rng_seed(&r, o->seed, ST_CITY, (uint64_t)city);
    c->lat = 21.0 + 24.0 * rng_unif(&r);
    c->lon = 100.0 + 23.0 * rng_unif(&r);
    c->north = c->lat >= 33.0;
    c->dusty = c->north && c->lon < 116.0;
    double nf = c->north ? 1.0 : 0.0;
    c->lbase[ECO_POL_PM25] = log(21.0) + 0.22 * nf + 0.25 * rng_norm(&r);
    c->lbase[ECO_POL_PM10] = 0;
    c->lbase[ECO_POL_NO2] = log(20.0) + 0.25 * rng_norm(&r);
    c->lbase[ECO_POL_SO2] = log(6.0) + 0.35 * nf + 0.35 * rng_norm(&r);
    c->lbase[ECO_POL_CO] = log(0.55) + 0.15 * nf + 0.18 * rng_norm(&r);
    c->lbase[ECO_POL_O3] = log(48.0) + 0.08 * nf + 0.10 * rng_norm(&r);
    c->lratio = log(1.6) + 0.12 * nf + 0.08 * rng_norm(&r);
    c->o3_amp = 0.55 + 0.15 * rng_unif(&r);
}

static void site_params(const eco_air_synth_opts_t *o, int site, const city_par_t *c, site_par_t *s)
{
    rng_t r;
    rng_seed(&r, o->seed, ST_SITE, (uint64_t)site);
    s->lat = c->lat + 0.15 * (2 * rng_unif(&r) - 1);
    s->lon = c->lon + 0.15 * (2 * rng_unif(&r) - 1);
    for (int p = 0; p < ECO_POL_N; p++) s->lmult[p] = 0.12 * rng_norm(&r);
    s->lratio = 0.05 * rng_norm(&r);
    double u = rng_unif(&r);
    if (u < 0.15) { /* traffic site */
        s->lmult[ECO_POL_NO2] += 0.35;
        s->lmult[ECO_POL_CO] += 0.20;
        s->lmult[ECO_POL_PM25] += 0.08;
        s->lmult[ECO_POL_O3] -= 0.15;
    } else if (u < 0.25) { /* background / suburban site */
        s->lmult[ECO_POL_NO2] -= 0.45;
        s->lmult[ECO_POL_CO] -= 0.25;
        s->lmult[ECO_POL_SO2] -= 0.30;
        s->lmult[ECO_POL_PM25] -= 0.20;
        s->lmult[ECO_POL_O3] += 0.12;
    }
}

int eco_air_synth_site_info(const eco_air_synth_opts_t *o, int site, eco_air_synth_site_info_t *out)
{
    if (eco_air_synth_check(o) || site < 0 || site >= o->nsites || !out) return ECO_EINVAL;
    int city = eco_air_synth_city_of(o, site);
    city_par_t c;
    site_par_t s;
    city_params(o, city, &c);
    site_params(o, site, &c, &s);
    memset(out, 0, sizeof *out);
    eco_air_synth_site_id(site, out->site, sizeof out->site);
    eco_air_synth_city_id(city, out->city, sizeof out->city);
    snprintf(out->county, sizeof out->county, "%s-K%d", out->city,
             (site - city * o->sites_per_city) / SITES_PER_COUNTY + 1);
    snprintf(out->province, sizeof out->province, "P%02d", city / CITIES_PER_PROVINCE + 1);
    snprintf(out->name, sizeof out->name, "Synthetic site %04d", site + 1);
    out->lon = rint(s.lon * 1e4) / 1e4;
    out->lat = rint(s.lat * 1e4) / 1e4;
    return 0;
}

/* ---- the city's day-to-day weather ---- */

typedef struct city_weather {
    rng_t r;
    double bg;      /* background meteorology (log), AR(1) */
    int ep_left, ep_len;
    double ep_peak; /* PM episode: builds up over ep_len days, then clears */
    double heat;    /* O3 AR(1) */
    int hw_left;
    double hw_level; /* O3 heat wave */
    int dust_left;
    double dust_level;
} city_weather_t;

/* log factors of one day */
typedef struct day_f {
    double pm, gas, o3, dust;
} day_f_t;

static double winter_of(eco_day_t d) { return cos(TWO_PI * ((double)d - 14.0) / YEAR_DAYS); }        /* +1 mid-Jan */
static double summer_o3_of(eco_day_t d) { return cos(TWO_PI * ((double)d - 165.0) / YEAR_DAYS); }    /* +1 mid-Jun */
static double doy_of(eco_day_t d) { return fmod((double)d + 1e6 * YEAR_DAYS, YEAR_DAYS); }           /* ~0..365 */

static void weather_step(city_weather_t *w, const city_par_t *c, eco_day_t d, day_f_t *f)
{
    rng_t *r = &w->r;
    double win = winter_of(d), sum = summer_o3_of(d), doy = doy_of(d);
    double clear = 0;
    w->bg = 0.65 * w->bg + 0.28 * rng_norm(r);
    if (w->ep_left == 0) {
        double p = 0.035 + 0.05 * (win > 0 ? win : 0) * (c->north ? 1.6 : 1.0);
        if (rng_unif(r) < p) {
            w->ep_len = rng_int(r, 2, 7);
            w->ep_left = w->ep_len;
            w->ep_peak = 0.45 + 0.75 * rng_unif(r) + (c->north && win > 0 ? 0.45 * win : 0);
        }
    }
    double ep = 0;
    if (w->ep_left > 0) {
        ep = w->ep_peak * (double)(w->ep_len - w->ep_left + 1) / w->ep_len;
        if (--w->ep_left == 0) clear = 1; /* a cold front clears it */
    }
    if (clear) w->bg -= 0.45;

    w->heat = 0.7 * w->heat + 0.14 * rng_norm(r);
    if (w->hw_left == 0 && sum > 0.3 && rng_unif(r) < 0.05) {
        w->hw_left = rng_int(r, 2, 5);
        w->hw_level = 0.2 + 0.3 * rng_unif(r);
    }
    double hw = 0;
    if (w->hw_left > 0) {
        hw = w->hw_level;
        w->hw_left--;
    }

    double dust = 0;
    if (w->dust_left == 0 && c->dusty && doy >= 59 && doy < 151 && rng_unif(r) < 0.03) {
        w->dust_left = rng_int(r, 1, 2);
        w->dust_level = 1.0 + 1.6 * rng_unif(r);
    }
    if (w->dust_left > 0) {
        dust = w->dust_level;
        w->dust_left--;
    }
    f->pm = w->bg + ep;
    f->gas = 0.6 * w->bg + 0.5 * ep;
    f->o3 = w->heat + hw - 0.15 * ep - 0.2 * w->bg;
    f->dust = dust;
}

/* ---- diurnal and seasonal shapes (log space) ---- */

static double bump(double h, double mu, double width)
{
    double dh = fabs(h - mu);
    if (dh > 12) dh = 24 - dh;
    return exp(-0.5 * (dh / width) * (dh / width));
}

typedef struct diurnal {
    double so2[24], no2[24], co[24], o3[24], pm[24];
} diurnal_t;

static void diurnal_init(diurnal_t *d, double o3_amp)
{
    for (int k = 0; k < 24; k++) {
        double h = k + 0.5; /* middle of the hour */
        d->so2[k] = log(1 + 0.35 * bump(h, 11, 3));
        d->no2[k] = log(1 + 0.45 * bump(h, 8, 1.8) + 0.6 * bump(h, 20, 2.5)) - 0.25 * bump(h, 14, 3);
        d->co[k] = log(1 + 0.30 * bump(h, 8.5, 2) + 0.45 * bump(h, 20.5, 3));
        d->o3[k] = o3_amp * cos(TWO_PI * (h - 15.0) / 24.0) - 0.25 * bump(h, 7.5, 1.5);
        d->pm[k] = log(1 + 0.25 * bump(h, 22, 4) + 0.1 * bump(h, 9, 2)) - 0.12 * bump(h, 15, 3);
    }
}

/* ---- hourly noise ---- */

#define N_AR 7 /* six pollutants + the coarse fraction of PM10 */
static const double ar_rho_city[N_AR] = {0.90, 0.90, 0.90, 0.88, 0.90, 0.90, 0.85};
static const double ar_sd_city[N_AR] = {0.22, 0.16, 0.14, 0.12, 0.15, 0.15, 0.10};
static const double ar_rho_site[N_AR] = {0.80, 0.75, 0.75, 0.70, 0.75, 0.75, 0.70};
static const double ar_sd_site[N_AR] = {0.25, 0.18, 0.15, 0.10, 0.14, 0.13, 0.12};

static inline void ar_step(rng_t *r, double *a, const double *rho, const double *sd)
{
    for (int i = 0; i < N_AR; i++) a[i] = rho[i] * a[i] + sqrt(1 - rho[i] * rho[i]) * sd[i] * rng_norm(r);
}

static inline double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

int eco_air_synth_site(const eco_air_synth_opts_t *o, int site, eco_air_series_t *out)
{
    if (eco_air_synth_check(o) || site < 0 || site >= o->nsites || !out) return ECO_EINVAL;
    for (int p = 0; p < ECO_POL_N; p++)
        if (!out->h[p]) return ECO_EINVAL;
    out->day0 = o->day0;
    out->ndays = o->ndays;

    int city = eco_air_synth_city_of(o, site);
    city_par_t c;
    site_par_t s;
    city_params(o, city, &c);
    site_params(o, site, &c, &s);
    diurnal_t dn;
    diurnal_init(&dn, c.o3_amp);

    city_weather_t w;
    memset(&w, 0, sizeof w);
    rng_seed(&w.r, o->seed, ST_CITY_DAY, (uint64_t)city);
    rng_t rch, rsh, rm;
    rng_seed(&rch, o->seed, ST_CITY_HOUR, (uint64_t)city);
    rng_seed(&rsh, o->seed, ST_SITE_HOUR, (uint64_t)site);
    rng_seed(&rm, o->seed, ST_SITE_MISS, (uint64_t)site);

    double ac[N_AR], as[N_AR];
    for (int i = 0; i < N_AR; i++) {
        ac[i] = ar_sd_city[i] * rng_norm(&rch);
        as[i] = ar_sd_site[i] * rng_norm(&rsh);
    }

    /* missing: ~30 % whole-station outages (2-36 h, mean 19), ~10 % analyser
     * outages (6-54 h, mean 30), ~60 % isolated hours — so that, with 3 %
     * missing, about 4 % of the site-days lose a daily value */
    double m = o->missing;
    double q_station = 0.30 * m / 19.0, q_analyser = 0.10 * m / 30.0, q_iso = 0.60 * m;
    int st_left = 0, an_left[ECO_POL_N] = {0};

    day_f_t cur, nxt;
    for (int k = 0; k < WARMUP_DAYS; k++) weather_step(&w, &c, o->day0 - WARMUP_DAYS + k, &cur);
    weather_step(&w, &c, o->day0, &cur);

    for (int di = 0; di < o->ndays; di++) {
        eco_day_t d = o->day0 + di;
        weather_step(&w, &c, d + 1, &nxt);
        double win = winter_of(d), sum = summer_o3_of(d);
        double seas[ECO_POL_N];
        seas[ECO_POL_PM25] = (0.33 + (c.north ? 0.22 : 0)) * win;
        seas[ECO_POL_PM10] = 0;
        seas[ECO_POL_SO2] = (c.north ? 0.55 : 0.25) * win;
        seas[ECO_POL_NO2] = 0.25 * win;
        seas[ECO_POL_CO] = (0.28 + (c.north ? 0.15 : 0)) * win;
        seas[ECO_POL_O3] = (c.north ? 0.38 : 0.25) * sum;
        double lb[ECO_POL_N];
        for (int p = 0; p < ECO_POL_N; p++) lb[p] = c.lbase[p] + s.lmult[p] + seas[p];
        double o3amp_season = 1.0 + 0.2 * sum; /* stronger afternoon peak in summer */

        for (int hr = 0; hr < 24; hr++) {
            size_t t = (size_t)di * 24 + (size_t)hr;
            double fr = hr / 24.0;
            double fpm = cur.pm + (nxt.pm - cur.pm) * fr;
            double fgas = cur.gas + (nxt.gas - cur.gas) * fr;
            double fo3 = cur.o3 + (nxt.o3 - cur.o3) * fr;
            ar_step(&rch, ac, ar_rho_city, ar_sd_city);
            ar_step(&rsh, as, ar_rho_site, ar_sd_site);

            double so2 = exp(lb[ECO_POL_SO2] + dn.so2[hr] + 0.5 * fgas + ac[0] + as[0]);
            double no2 = exp(lb[ECO_POL_NO2] + dn.no2[hr] + fgas + ac[1] + as[1]);
            double co = exp(lb[ECO_POL_CO] + dn.co[hr] + 0.8 * fgas + ac[2] + as[2]);
            double o3 = exp(lb[ECO_POL_O3] + o3amp_season * dn.o3[hr] + fo3 + ac[3] + as[3]);
            double pm25 = exp(lb[ECO_POL_PM25] + dn.pm[hr] + fpm + ac[5] + as[5]);
            double lr = c.lratio + s.lratio + s.lmult[ECO_POL_PM10] + ac[6] + as[6];
            double pm10 = pm25 * exp(lr + 0.35 * (ac[4] + as[4]));
            if (cur.dust > 0) { /* dust: a bell over the day, mostly coarse */
                double shape = sin(3.14159265358979 * (hr + 0.5) / 24.0);
                pm10 *= exp(cur.dust * shape);
                pm25 *= exp(0.35 * cur.dust * shape);
            }

            double v[ECO_POL_N];
            v[ECO_POL_SO2] = clampd(rint(so2), 1, 3000);
            v[ECO_POL_NO2] = clampd(rint(no2), 1, 3000);
            v[ECO_POL_CO] = clampd(rint(co * 10), 1, 1500) / 10.0;
            v[ECO_POL_O3] = clampd(rint(o3), 1, 1500);
            v[ECO_POL_PM25] = clampd(rint(pm25), 1, 3000);
            v[ECO_POL_PM10] = clampd(rint(pm10), v[ECO_POL_PM25], 5000);

            /* missing data: a whole-station outage blanks every pollutant */
            int station_na = 0;
            if (st_left > 0) {
                st_left--;
                station_na = 1;
            } else if (rng_unif(&rm) < q_station) {
                st_left = rng_int(&rm, 2, 36) - 1;
                station_na = 1;
            }
            if (station_na) {
                for (int p = 0; p < ECO_POL_N; p++) out->h[p][t] = ECO_AIR_NA;
                continue;
            }
            for (int p = 0; p < ECO_POL_N; p++) {
                double u = rng_unif(&rm);
                int na = 0;
                if (an_left[p] > 0) {
                    an_left[p]--;
                    na = 1;
                } else if (u < q_analyser) {
                    an_left[p] = rng_int(&rm, 6, 54) - 1;
                    na = 1;
                } else if (u < q_analyser + q_iso) {
                    na = 1;
                }
                out->h[p][t] = na ? ECO_AIR_NA : v[p];
            }
        }
        cur = nxt;
    }
    return 0;
}
