/* store_input.c — stored hourly air data as the air engine's input table.
 *
 * Why: data flows one way — wire → store → engines → faces. The engines read
 * arrays; the air faces (assess, rank, targets) read the hourly table
 * `site,time,so2,no2,co,o3,pm10,pm2_5`. This file turns what `serve` stored
 * (hour records, CN 2061, of devices at air sites) into that table: factor
 * codes become items through the catalogue (`factor add --item`) or the
 * standards' defaults (a34004 -> pm2_5 ...), a device becomes its site (only
 * devices at the catalogue's ambient-air sites: an outlet's flue-gas SO2 has the
 * same HJ 212 code), and
 * the HJ 212 hour DataTime (the hour's start) becomes the hour-end label the
 * air engine uses by default ("08:00" = 07:00–08:00), unless asked otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/map.h"
#include "standards/factors.h"
#include "store/store.h"

static const char *const air_keys[6] = {"so2", "no2", "co", "o3", "pm10", "pm2_5"};

typedef struct pivot {
    FILE *out;
    eco_map_t air_sites;      /* codes of the catalogue's ambient-air sites: only their devices count */
    eco_map_t item_of;        /* factor code -> index 0..5 (only air items) */
    int8_t *item;             /* by map id */
    char mn[80], site[96];
    eco_time_t t;
    int have;
    char v[6][32];
    long rows;
    int hour_start;
    int io_error;
} pivot_t;

static void flush_row(pivot_t *p)
{
    if (!p->have) return;
    char tb[40];
    eco_time_format_full(p->hour_start ? p->t : p->t + 3600, tb, sizeof tb);
    if (fprintf(p->out, "%s,%s,%s,%s,%s,%s,%s,%s\n", p->site[0] ? p->site : p->mn, tb, p->v[0], p->v[1], p->v[2],
                p->v[3], p->v[4], p->v[5]) < 0)
        p->io_error = 1;
    p->rows++;
    p->have = 0;
}

static int on_obs(void *ud, const eco_obs_row_t *r)
{
    pivot_t *p = ud;
    int32_t id = eco_map_get(&p->item_of, eco_slice_cstr(r->factor));
    int k = id >= 0 ? p->item[id] : -1;
    if (k < 0) return 0;
    /* an outlet's flue-gas SO2 has the same code as ambient SO2: only air sites' devices */
    if (eco_map_get(&p->air_sites, eco_slice_cstr(r->site)) < 0) return 0;
    if (p->have && (strcmp(p->mn, r->mn) || p->t != r->t)) flush_row(p);
    if (!p->have) {
        snprintf(p->mn, sizeof p->mn, "%s", r->mn);
        snprintf(p->site, sizeof p->site, "%s", r->site);
        p->t = r->t;
        for (int i = 0; i < 6; i++) p->v[i][0] = 0;
        p->have = 1;
    }
    /* a flagged value (anything but N, "normal") is not a valid hour for the engine */
    int ok = !r->flag[0] || !strcmp(r->flag, "N");
    snprintf(p->v[k], sizeof p->v[k], "%s", ok ? r->vtext : "");
    return p->io_error;
}

typedef struct fctx {
    pivot_t *p;
    int oom;
} fctx_t;

static int on_air_site(void *ud, const eco_site_t *st)
{
    fctx_t *x = ud;
    if (st->kind == ECO_SITE_AIR && eco_map_put(&x->p->air_sites, eco_slice_cstr(st->code)) < 0) x->oom = 1;
    return x->oom;
}

static int on_factor(void *ud, const eco_factor_t *f)
{
    fctx_t *x = ud;
    const char *item = *f->item ? f->item : eco_factor_default_item(f->code);
    if (!item) return 0;
    for (int k = 0; k < 6; k++)
        if (!strcmp(item, air_keys[k])) {
            int32_t id = eco_map_put(&x->p->item_of, eco_slice_cstr(f->code));
            if (id < 0) return x->oom = 1;
            int8_t *n = realloc(x->p->item, (size_t)(id + 1));
            if (!n) return x->oom = 1;
            x->p->item = n;
            x->p->item[id] = (int8_t)k;
        }
    return 0;
}

int cli_store_air_table(eco_store_t *st, FILE *out, eco_time_t from, eco_time_t to, int hour_start, long *rows,
                        eco_err_t *err)
{
    pivot_t p;
    memset(&p, 0, sizeof p);
    p.out = out;
    p.hour_start = hour_start;
    eco_map_init(&p.item_of);
    eco_map_init(&p.air_sites);
    fctx_t fx = {&p, 0};
    int r = eco_store_factor_each(st, on_factor, &fx, err);
    if (r == 0) r = eco_store_site_each(st, on_air_site, &fx, err);
    if (r == 0 && fx.oom) r = eco_err_set(err, ECO_ENOMEM, "out of memory");
    if (r == 0) {
        fputs("site,time,so2,no2,co,o3,pm10,pm2_5\n", out);
        eco_obs_query_t q;
        eco_obs_query_init(&q);
        q.gran = ECO_GRAN_HOUR;
        q.from = from;
        q.to = to;
        q.time_major = 1;
        r = eco_store_obs_query(st, &q, on_obs, &p, err);
        if (r == 0) flush_row(&p);
        if (r == 0 && p.io_error) r = eco_err_set(err, ECO_EIO, "writing the hourly table failed");
    }
    if (rows) *rows = p.rows;
    eco_map_free(&p.item_of);
    eco_map_free(&p.air_sites);
    free(p.item);
    return r;
}

typedef struct sctx {
    FILE *out;
} sctx_t;

static int on_site(void *ud, const eco_site_t *s)
{
    sctx_t *x = ud;
    if (s->kind != ECO_SITE_AIR) return 0;
    eco_buf_t b = {0}; /* RFC 4180 fields: the engine reads names with commas and quotes */
    eco_buf_put_csv_field(&b, s->code, strlen(s->code));
    eco_buf_putc(&b, ',');
    eco_buf_put_csv_field(&b, s->city, strlen(s->city));
    eco_buf_putc(&b, ',');
    eco_buf_put_csv_field(&b, s->county, strlen(s->county));
    eco_buf_putc(&b, ',');
    eco_buf_put_csv_field(&b, s->province, strlen(s->province));
    eco_buf_putc(&b, '\n');
    if (b.data) fwrite(b.data, 1, b.len, x->out);
    eco_buf_free(&b);
    return 0;
}

int cli_store_open(const char *cmd, const char *data, int readonly, eco_store_t **st)
{
    if (!data) return cli_usage_error(cmd, "--data DIR is required");
    eco_store_opts_t so;
    eco_store_opts_default(&so);
    so.readonly = readonly;
    so.create = !readonly;
    eco_err_t err;
    eco_err_clear(&err);
    if (eco_store_open(st, data, &so, &err) < 0) {
        fprintf(stderr, "ecobrain %s: %s\n", cmd, err.msg);
        return EXIT_RUNTIME;
    }
    return 0;
}

int cli_store_air_files(const char *data, char *hourly, char *sites, size_t n)
{
    eco_store_t *st;
    eco_err_t err;
    eco_err_clear(&err);
    int r0 = cli_store_open("(store)", data, 1, &st);
    if (r0) return r0;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    snprintf(hourly, n, "%s/ecobrain-hourly-XXXXXX", tmp);
    snprintf(sites, n, "%s/ecobrain-sites-XXXXXX", tmp);
    int fh = mkstemp(hourly), fs = fh >= 0 ? mkstemp(sites) : -1;
    FILE *oh = fh >= 0 ? fdopen(fh, "w") : NULL, *os = fs >= 0 ? fdopen(fs, "w") : NULL;
    int rc = 0;
    if (!oh || !os) {
        fprintf(stderr, "ecobrain: cannot create temporary files in %s\n", tmp);
        rc = EXIT_RUNTIME;
    } else {
        long rows = 0;
        fputs("site,city,county,province\n", os);
        sctx_t sx = {os};
        if (eco_store_site_each(st, on_site, &sx, &err) < 0 ||
            cli_store_air_table(st, oh, INT64_MIN, INT64_MAX, 0, &rows, &err) < 0) {
            fprintf(stderr, "ecobrain: %s\n", err.msg);
            rc = EXIT_RUNTIME;
        } else if (rows == 0) {
            fprintf(stderr, "ecobrain: %s holds no hourly air data (CN 2061 records of air factors)\n", data);
            rc = EXIT_USAGE;
        }
    }
    if (oh && fclose(oh) != 0) rc = EXIT_RUNTIME;
    if (os && fclose(os) != 0) rc = EXIT_RUNTIME;
    eco_store_close(st);
    if (rc) {
        unlink(hourly);
        unlink(sites);
    }
    return rc;
}
