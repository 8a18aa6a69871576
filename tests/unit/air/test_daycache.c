/* test_daycache.c — the daily-value cache's records (air/daycache.h) and the grid's entries
 * (eco_air_grid_dayents): an encoded month decodes to the same bits (NAN, "/" = -INFINITY, the
 * second reading of a region's day), a damaged blob is refused, and period statistics from the
 * entries equal those the grid computes from the hours, for sites and for a region on either side
 * of the 2026-03-01 edition switch, under every basis. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "air/daycache.h"
#include "air/grid.h"
#include "core/error.h"
#include "core/time.h"

static void fill_rec(eco_air_dayrec_t *r, int seed)
{
    for (int i = 0; i < ECO_AIR_NIND; i++) r->v[i] = seed * 10.0 + i + 0.123456789;
    r->v[1] = NAN;
    r->v[2] = -INFINITY;
    r->aqi = (int16_t)(seed % 3 ? seed * 7 : -1);
    for (int p = 0; p < ECO_POL_N; p++) r->nhours[p] = (uint8_t)((seed + p) % 25);
}

static void test_roundtrip(void **state)
{
    (void)state;
    eco_air_dayent_t in[31], out[31];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    uint32_t mask = 0;
    for (int d = 0; d < 31; d += 3) {
        mask |= 1u << d;
        in[d].nsites = (uint16_t)(d * 100 + 1);
        in[d].alt = d % 2;
        fill_rec(&in[d].a, d + 1);
        fill_rec(&in[d].b, d + 2);
        if (!in[d].alt) in[d].b = in[d].a;
    }
    uint8_t buf[ECO_AIR_DAYMONTH_MAX];
    size_t n = eco_air_daymonth_encode(in, mask, buf);
    assert_true(n > 4 && n <= sizeof buf);
    uint32_t m2 = 0;
    assert_int_equal(eco_air_daymonth_decode(buf, n, &m2, out), 0);
    assert_int_equal(m2, mask);
    for (int d = 0; d < 31; d++) {
        if (!(mask >> d & 1)) continue;
        assert_int_equal(out[d].nsites, in[d].nsites);
        assert_int_equal(out[d].alt, in[d].alt);
        assert_memory_equal(out[d].a.v, in[d].a.v, sizeof in[d].a.v); /* NAN and -INFINITY bit for bit */
        assert_memory_equal(out[d].b.v, in[d].b.v, sizeof in[d].b.v);
        assert_int_equal(out[d].a.aqi, in[d].a.aqi);
        assert_memory_equal(out[d].a.nhours, in[d].a.nhours, ECO_POL_N);
    }
    assert_int_equal(eco_air_daymonth_decode(buf, n - 1, &m2, out), ECO_EPARSE); /* short */
    buf[0] ^= 2;                                                                   /* one more day than held */
    assert_int_equal(eco_air_daymonth_decode(buf, n, &m2, out), ECO_EPARSE);
    assert_int_equal(eco_air_daymonth_decode(buf, 3, &m2, out), ECO_EPARSE);
}

/* three sites of one city over 2026-02-20 .. 2026-03-10: random values, gaps, a missing day, "/" */
static void make_grid(eco_air_grid_t *g, eco_day_t day0, int ndays)
{
    assert_int_equal(eco_air_grid_init(g, day0, ndays, 3), 0);
    assert_int_equal(eco_air_grid_site(g, 0, "S1", "C", "K1", "P"), 0);
    assert_int_equal(eco_air_grid_site(g, 1, "S2", "C", "K2", "P"), 0);
    assert_int_equal(eco_air_grid_site(g, 2, "S3", "C", "K2", "P"), 0);
    static const char *const nm = "/";
    uint64_t rng = 7;
    for (int s = 0; s < 3; s++) {
        eco_air_grid_dev_begin(g, (size_t)s);
        for (int h = 0; h < ndays * 24; h++) {
            if (s == 1 && h / 24 == 4) continue;           /* S2 has no row on day 4 */
            for (int p = 0; p < ECO_POL_N; p++) {
                rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                int u = (int)(rng >> 40) % 100;
                char txt[32];
                const char *v = txt;
                if (u < 4) continue;                          /* missing */
                if (p == 4 && (s == 0 || h / 24 == 4)) v = nm; /* PM10 "/" at S1, and day 4 at S3 */
                else snprintf(txt, sizeof txt, "%.1f", (p == 2 ? 0.01 : 1.0) * (20 + u * (p == 3 ? 2.5 : 1.3)));
                eco_air_grid_dev_value(g, p, ((int64_t)day0 * 24 + h) * 3600, v, strlen(v), "N");
            }
        }
        eco_air_grid_dev_end(g);
    }
}

static void test_entries_equal_hours(void **state)
{
    (void)state;
    eco_day_t day0 = eco_day_from_civil(2026, 2, 20);
    int nd = 19;
    eco_air_grid_t g;
    make_grid(&g, day0, nd);
    static const char *const levels[] = {"site", "city", "county", "province"};
    static const char *const bases[] = {"date", "2012", "2026"};
    eco_air_dayent_t *e12 = calloc((size_t)nd, sizeof *e12), *e26 = calloc((size_t)nd, sizeof *e26);
    uint8_t *present = calloc((size_t)nd, 1);
    eco_air_day_t *days = calloc((size_t)nd, sizeof *days);
    double *scratch = calloc((size_t)nd + 366 * 8, sizeof *scratch);
    int alts = 0;
    for (int L = 0; L < 4; L++) {
        long ne = eco_air_grid_count(&g, levels[L]);
        assert_true(ne > 0);
        for (long e = 0; e < ne; e++) {
            const char *name = eco_air_grid_name(&g, levels[L], (size_t)e);
            assert_int_equal(eco_air_grid_dayents(&g, levels[L], (size_t)e, e12, e26, present), 0);
            /* the sites of the entity with data in the range: all of them here, so reading a applies when
             * they all had data that day, b otherwise */
            int members = L == 0 ? 1 : L == 2 && !strcmp(name, "K1") ? 1 : L == 2 ? 2 : 3;
            for (int b = 0; b < 3; b++) {
                const eco_air_edition_t *ed = b ? eco_air_edition_by_name(bases[b]) : NULL;
                for (int k = 0; k < nd; k++) {
                    eco_day_t d = day0 + k;
                    const eco_air_edition_t *dyed = ed ? ed : eco_air_edition_for_day(d);
                    const eco_air_dayent_t *en = !strcmp(dyed->name, "2012") ? &e12[k] : &e26[k];
                    assert_true(present[k] || L == 0); /* every region has a site with data each day */
                    if (!present[k]) {
                        memset(&days[k], 0, sizeof days[k]);
                        for (int i = 0; i < ECO_AIR_NIND; i++) days[k].v[i] = NAN;
                        days[k].aqi.aqi = -1;
                        days[k].ed = dyed;
                        continue;
                    }
                    alts += en->alt;
                    eco_air_dayrec_get(en->alt && members > en->nsites ? &en->b : &en->a, dyed, &days[k]);
                }
                eco_air_assess_opts_t o;
                eco_air_assess_opts_default(&o);
                o.edition = ed;
                for (int from = 0; from < nd; from += 5) {
                    eco_day_t f = day0 + from, t = day0 + nd - 1;
                    eco_air_period_t want, got;
                    assert_int_equal(eco_air_grid_stat(&g, levels[L], bases[b], name, f, t, &want), 1);
                    eco_air_period_compute(days, day0, nd, f, t, &o, scratch, &got);
                    /* every figure, bit for bit (the pointers ed/lim too) */
                    assert_memory_equal(&got, &want, sizeof got);
                }
            }
        }
    }
    assert_true(alts > 0); /* S3's "/" on day 4, when S2 had no row: the second reading was needed */
    free(e12);
    free(e26);
    free(present);
    free(days);
    free(scratch);
    eco_air_grid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_entries_equal_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
