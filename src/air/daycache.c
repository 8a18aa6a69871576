/* daycache.c — see daycache.h. */
#include <math.h>
#include <string.h>

#include "air/daycache.h"
#include "core/error.h"

void eco_air_dayrec_set(eco_air_dayrec_t *r, const eco_air_day_t *d)
{
    memset(r, 0, sizeof *r);
    memcpy(r->v, d->v, sizeof r->v);
    r->aqi = d->aqi.aqi;
    memcpy(r->nhours, d->nhours, sizeof r->nhours);
}

void eco_air_dayrec_get(const eco_air_dayrec_t *r, const eco_air_edition_t *ed, eco_air_day_t *d)
{
    memset(d, 0, sizeof *d);
    memcpy(d->v, r->v, sizeof d->v);
    for (int i = 0; i < ECO_AIR_NIND; i++) d->raw[i] = NAN;
    memcpy(d->nhours, r->nhours, sizeof d->nhours);
    d->ed = ed;
    d->aqi.aqi = r->aqi;
}

static uint8_t *put_rec(uint8_t *p, const eco_air_dayrec_t *r)
{
    for (int i = 0; i < ECO_AIR_NIND; i++) {
        uint64_t u;
        memcpy(&u, &r->v[i], 8);
        for (int k = 0; k < 8; k++) *p++ = (uint8_t)(u >> (8 * k));
    }
    uint16_t a = (uint16_t)r->aqi;
    *p++ = (uint8_t)a;
    *p++ = (uint8_t)(a >> 8);
    memcpy(p, r->nhours, ECO_POL_N);
    return p + ECO_POL_N;
}

static const uint8_t *get_rec(const uint8_t *p, eco_air_dayrec_t *r)
{
    for (int i = 0; i < ECO_AIR_NIND; i++) {
        uint64_t u = 0;
        for (int k = 0; k < 8; k++) u |= (uint64_t)p[k] << (8 * k);
        memcpy(&r->v[i], &u, 8);
        p += 8;
    }
    r->aqi = (int16_t)(uint16_t)(p[0] | (p[1] << 8));
    memcpy(r->nhours, p + 2, ECO_POL_N);
    return p + 2 + ECO_POL_N;
}

size_t eco_air_daymonth_encode(const eco_air_dayent_t *ent, uint32_t mask, uint8_t *buf)
{
    uint8_t *p = buf;
    for (int k = 0; k < 4; k++) *p++ = (uint8_t)(mask >> (8 * k));
    for (int i = 0; i < 31; i++) {
        if (!(mask >> i & 1)) continue;
        const eco_air_dayent_t *e = &ent[i];
        *p++ = e->alt ? 1 : 0;
        *p++ = (uint8_t)e->nsites;
        *p++ = (uint8_t)(e->nsites >> 8);
        p = put_rec(p, &e->a);
        if (e->alt) p = put_rec(p, &e->b);
    }
    return (size_t)(p - buf);
}

int eco_air_daymonth_decode(const uint8_t *buf, size_t n, uint32_t *maskp, eco_air_dayent_t *ent)
{
    const uint8_t *p = buf + 4, *end = buf + n;
    if (n < 4) return ECO_EPARSE;
    uint32_t mask = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    *maskp = mask;
    for (int i = 0; i < 31; i++) {
        if (!(mask >> i & 1)) continue;
        if (end - p < 3 + ECO_AIR_DAYREC_BYTES) return ECO_EPARSE;
        eco_air_dayent_t *e = &ent[i];
        e->alt = p[0] & 1;
        e->nsites = (uint16_t)(p[1] | (p[2] << 8));
        p = get_rec(p + 3, &e->a);
        if (e->alt) {
            if (end - p < ECO_AIR_DAYREC_BYTES) return ECO_EPARSE;
            p = get_rec(p, &e->b);
        } else {
            e->b = e->a;
        }
    }
    return p == end ? 0 : ECO_EPARSE;
}
