/* sim.c — `ecobrain sim`: simulated data-acquisition units (数采仪) for demos, tests and benchmarks.
 *
 * Why it behaves like a real DAU rather than a load generator: what has to
 * be proven is the platform's promise under real device behaviour — every
 * device on its own connection, a record per tick, a wait for the 9014, a
 * resend with the same QN after a timeout, reconnection with backoff after
 * the server vanishes, and the back-fill of everything unacknowledged. The
 * acked log is written only when a 9014 has arrived, so "every value in the
 * acked log is in the store exactly once" is a test of the server, not of
 * the simulator.
 *
 * Records: each tick a device sends its next minute record (CN 2051, Avg/
 * Min/Max/Flag per factor, Cou for flows) and, when that minute closes an
 * hour, the hour record (CN 2061) of the hour just ended. DataTimes advance one minute per
 * tick from cfg.start (by default chosen so that the last record lands on
 * the present minute): a simulation of N ticks is N minutes of history
 * delivered at the tick rate. Values follow a diurnal cycle with noise,
 * around typical levels for the device kind, from a seeded generator, so a
 * run is reproducible.
 *
 * Cost: in the ingestion benchmark the simulator shares two cores with the
 * server, so its CPU per frame is taken from the server. Hence no printf per
 * value or QN (fmt_fixed, format_qn), acked-log lines only with an acked
 * log, queue slots that reuse their buffers, and frames written with
 * uv_try_write.
 */
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/hist.h"
#include "core/log.h"
#include "hj212/hj212.h"
#include "ingest/ingest.h"

void eco_sim_cfg_default(eco_sim_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->host, sizeof c->host, "127.0.0.1");
    c->port = 6000;
    c->devices = 1;
    c->kind = ECO_SIM_AIR;
    c->interval_ms = 1000;
    c->duration_s = 10;
    c->edition = 2017;
    c->seed = 1;
    c->window = 4;
    c->ack_timeout_ms = 5000;
    c->drain_s = 60;
    c->mn_prefix = "SIM";
    c->pw = "123456";
}

/* ------------------------------------------------------------------ device models */

typedef struct factor_model {
    const char *code;
    double base, amp, noise; /* level, diurnal amplitude (fraction), noise (fraction) */
    int peak_hour, decimals;
    int cou;                 /* also report -Cou (flow totals) */
} factor_model_t;

static const factor_model_t air_factors[] = {
    {"a34004", 32, 0.35, 0.25, 8, 0, 0},  /* PM2.5 µg/m³ */
    {"a34002", 58, 0.30, 0.25, 8, 0, 0},  /* PM10 */
    {"a21026", 7, 0.30, 0.30, 10, 0, 0},  /* SO2 */
    {"a21004", 28, 0.40, 0.25, 19, 0, 0}, /* NO2 */
    {"a05024", 85, 0.60, 0.20, 15, 0, 0}, /* O3 */
    {"a21005", 0.7, 0.30, 0.20, 8, 1, 0}, /* CO mg/m³ */
};
static const factor_model_t water_factors[] = {
    {"w01001", 7.6, 0.04, 0.02, 15, 2, 0},  /* pH */
    {"w01009", 7.8, 0.20, 0.08, 15, 2, 0},  /* DO mg/L */
    {"w01019", 3.1, 0.10, 0.15, 12, 2, 0},  /* CODMn */
    {"w21003", 0.42, 0.15, 0.25, 12, 3, 0}, /* NH3-N */
    {"w21011", 0.11, 0.15, 0.20, 12, 3, 0}, /* TP */
    {"w21001", 1.6, 0.10, 0.15, 12, 2, 0},  /* TN */
    {"w01010", 19, 0.08, 0.02, 16, 1, 0},   /* water temperature */
};
static const factor_model_t cems_factors[] = {
    {"a21026", 18, 0.30, 0.20, 11, 1, 0},   /* SO2 mg/m³ */
    {"a21002", 35, 0.30, 0.20, 11, 1, 0},   /* NOx */
    {"a34013", 4.5, 0.30, 0.25, 11, 1, 0},  /* particulate (smoke) */
    {"a19001", 9.5, 0.10, 0.05, 11, 2, 0},  /* O2 % */
    {"a01012", 52, 0.10, 0.03, 11, 1, 0},   /* flue temperature */
    {"a00000", 210, 0.30, 0.10, 11, 1, 1},  /* flue gas flow, with Cou */
};
static const factor_model_t effluent_factors[] = {
    {"w01018", 38, 0.30, 0.20, 14, 1, 0},   /* COD */
    {"w21003", 2.1, 0.30, 0.25, 14, 2, 0},  /* NH3-N */
    {"w21011", 0.35, 0.30, 0.25, 14, 3, 0}, /* TP */
    {"w01001", 7.2, 0.03, 0.02, 14, 2, 0},  /* pH */
    {"w00000", 42, 0.40, 0.15, 14, 2, 1},   /* effluent flow, with Cou */
};

typedef struct kind_model {
    const char *st, *letter;
    const factor_model_t *f;
    int nf;
} kind_model_t;

static const kind_model_t kinds[4] = {
    {"22", "A", air_factors, (int)(sizeof air_factors / sizeof *air_factors)},
    {"21", "W", water_factors, (int)(sizeof water_factors / sizeof *water_factors)},
    {"31", "C", cems_factors, (int)(sizeof cems_factors / sizeof *cems_factors)},
    {"32", "E", effluent_factors, (int)(sizeof effluent_factors / sizeof *effluent_factors)},
};

/* ------------------------------------------------------------------ state */

typedef struct item {
    char qn[24];
    int cn;
    eco_time_t t;
    char *frame;           /* the frame bytes (resent verbatim) */
    size_t frame_len, frame_cap;
    char *log;             /* acked-log lines for its values (only with an acked log) */
    size_t log_len, log_cap;
    int nvalues;
    int sent;              /* in flight on the current connection */
    int64_t sent_ms, first_sent_ms;
    int tries;
} item_t;

typedef struct sim sim_t;

typedef struct dev {
    uv_tcp_t tcp;
    uv_connect_t creq;
    uv_timer_t tick;
    sim_t *sim;
    int idx;
    const kind_model_t *km;
    char mn[32];
    int connected, connecting, closing;
    int64_t reconnect_at;
    int backoff_ms;
    item_t *q;             /* records not yet acknowledged, oldest first; the slots from nq */
    size_t nq, capq;       /* to capq keep the buffers of acked records for the next ones */
    int inflight;
    int64_t oldest_sent_ms; /* <= sent_ms of every item in flight (INT64_MAX: none): see on_house */
    long ticks_done;
    uint64_t rng;
    char rx[1024];         /* reply bytes up to a "\r\n" */
    size_t rxn;
    double level[16];      /* slowly varying per-factor level */
} sdev_t;


struct sim {
    eco_sim_cfg_t cfg;
    uv_loop_t loop;
    uv_timer_t house;
    uv_signal_t sig;
    struct sockaddr_storage addr;
    sdev_t *devs;
    FILE *log;
    long total_ticks;
    eco_time_t t0;
    int64_t start_ms, stop_ms, drain_until_ms;
    int generating;
    int stopping;
    uint64_t qn_last_ms;
    eco_hj212_packet_t *pkt;
    eco_sim_stats_t st;
    eco_hist_ms_t lat;        /* send -> 9014 received */
    eco_buf_t b1;
};

static uint64_t rng_next(uint64_t *s)
{ /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s) { return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0); }

static double rng_normal(uint64_t *s)
{
    double u = rng_unit(s), v = rng_unit(s);
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static int64_t now_ms(sim_t *s) { return (int64_t)uv_now(&s->loop); }


/* ------------------------------------------------------------------ records */

/* the text of eco_time_format_qn (local YYYYMMDDhhmmss and milliseconds), written digit by digit:
 * one QN per record, and its snprintf of seven numbers was the simulator's last printf per frame */
static void format_qn(int64_t unix_ms, char *out, size_t n)
{
    static const int width[7] = {4, 2, 2, 2, 2, 2, 3}, lim[7] = {10000, 100, 100, 100, 100, 100, 1000};
    int64_t ms = unix_ms + (int64_t)ECO_TZ_OFFSET_S * 1000;
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    eco_time_t t = (eco_time_t)sec;
    int y, m, d, sod = eco_time_sod(t);
    eco_day_to_civil(eco_time_day(t), &y, &m, &d);
    int f[7] = {y % 10000, m, d, sod / 3600, sod / 60 % 60, sod % 60, (int)(ms - sec * 1000)};
    char *w = out;
    for (int i = 0; i < 7; i++) {
        if (f[i] < 0 || f[i] >= lim[i] || n < 18) { /* not a time printf pads to these widths */
            eco_time_format_qn(unix_ms, out, n);
            return;
        }
        for (int k = width[i] - 1, v = f[i]; k >= 0; k--, v /= 10) w[k] = (char)('0' + v % 10);
        w += width[i];
    }
    *w = '\0';
}

static void make_qn(sim_t *s, char *out, size_t n)
{
    uint64_t ms = (uint64_t)eco_now_ms();
    if (ms <= s->qn_last_ms) ms = s->qn_last_ms + 1; /* unique across the run */
    s->qn_last_ms = ms;
    format_qn((int64_t)ms, out, n);
}

static double model_value(sdev_t *d, int fi, eco_time_t t)
{
    const factor_model_t *f = &d->km->f[fi];
    double hour = (double)eco_time_sod(t) / 3600.0;
    double cyc = 1 + f->amp * cos(2 * M_PI * (hour - f->peak_hour) / 24.0);
    /* a slowly wandering level (AR(1)) times the cycle, with a little noise */
    d->level[fi] = 0.98 * d->level[fi] + 0.02 * (1 + 0.3 * rng_normal(&d->rng));
    double v = f->base * cyc * d->level[fi] * (1 + f->noise * 0.3 * rng_normal(&d->rng));
    if (v < 0) v = 0;
    return v;
}

/* v with dec decimals, exactly as snprintf("%.*f", dec, v) prints it, but
 * without printf: at the benchmark's load the simulator formats ~20 values
 * per frame and printf's exact-decimal machinery (__printf_fp, mpn division)
 * was the largest single cost of a frame.
 *
 * Guarantee, for 0 <= dec <= 3 and |v| < 1e12: the same text as snprintf in
 * the default rounding mode — the exact binary value correctly rounded, an
 * exact tie to even — with one deliberate difference: a value that rounds to
 * zero is never printed "-0" (snprintf prints "-0.00" for -0.001). The model
 * produces no negative values, so nothing it sends differs. Anything else
 * (other dec, larger values, NaN, infinities) goes to snprintf itself.
 * Why it is exact: |v| = m * 2^-sh with m < 2^53, so |v| * 10^dec is the
 * integer m * 10^dec (< 2^63) shifted right by sh, and the rounding is decided
 * on the bits shifted out, in integers. Returns the length (cap >= 24). */
static size_t fmt_fixed(char *out, size_t cap, double v, int dec)
{
    static const uint64_t u10[4] = {1, 10, 100, 1000};
    double a = fabs(v);
    if (dec < 0 || dec > 3 || !(a < 1e12)) { /* !(a < x) is also true for NaN */
        int n = snprintf(out, cap, "%.*f", dec, v);
        return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
    }
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int be = (int)(bits >> 52); /* a >= 0: no sign bit */
    uint64_t m = bits & ((1ull << 52) - 1);
    if (be) m |= 1ull << 52; /* normal; else subnormal, exponent as be = 1 */
    else be = 1;
    int sh = 1075 - be;          /* a == m * 2^-sh; a < 1e12 < 2^40 gives sh > 12 */
    uint64_t x = m * u10[dec], n; /* a * 10^dec == x * 2^-sh, exactly */
    if (sh >= 64) {
        n = 0; /* x * 2^-64 < 1/2 */
    } else {
        uint64_t rem = x & ((1ull << sh) - 1), half = 1ull << (sh - 1);
        n = x >> sh;
        if (rem > half || (rem == half && (n & 1))) n++;
    }
    char tmp[24], *w = tmp + sizeof tmp;
    uint64_t ip = n / u10[dec], fp = n % u10[dec];
    for (int i = 0; i < dec; i++, fp /= 10) *--w = (char)('0' + fp % 10);
    if (dec) *--w = '.';
    do {
        *--w = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    if (signbit(v) && n) *--w = '-';
    size_t len = (size_t)(tmp + sizeof tmp - w);
    if (len >= cap) len = cap - 1; /* cannot happen with cap >= 24 */
    memcpy(out, w, len);
    out[len] = '\0';
    return len;
}

/* build one record (cn 2051 or 2061 at time t) into a new queue item */
static int make_record(sim_t *s, sdev_t *d, int cn, eco_time_t t)
{
    if (d->nq == d->capq) {
        size_t nc = d->capq ? d->capq * 2 : 16;
        item_t *n = eco_realloc(d->q, d->capq * sizeof *n, nc * sizeof *n);
        if (!n) return ECO_ENOMEM;
        memset(n + d->capq, 0, (nc - d->capq) * sizeof *n);
        d->q = n;
        d->capq = nc;
    }
    item_t *it = &d->q[d->nq];
    /* a record is acked and freed every tick: its slot's buffers are reused, not malloc'd anew */
    eco_buf_t out = {it->frame, 0, it->frame_cap, 0}, lg = {it->log, 0, it->log_cap, 0};
    memset(it, 0, sizeof *it); /* out and lg hold the buffers until they are given back below */
    it->cn = cn;
    it->t = t;
    make_qn(s, it->qn, sizeof it->qn);
    eco_hj212_cp_item_t items[16 * 5];
    char vals[16 * 5][24];
    int ni = 0;
    /* the acked-log lines are built only when there is an acked log: "mn,cn,time," once, then factor,value per line */
    char pre[80];
    size_t pre_len = 0;
    if (s->log) {
        char tb[20];
        eco_time_format_compact(t, tb, sizeof tb);
        int n = snprintf(pre, sizeof pre, "%s,%d,%s,", d->mn, cn, tb);
        pre_len = n < 0 ? 0 : (size_t)n < sizeof pre ? (size_t)n : sizeof pre - 1;
    }
    for (int i = 0; i < d->km->nf; i++) {
        const factor_model_t *f = &d->km->f[i];
        double v = model_value(d, i, t);
        double mn = v * (0.8 + 0.1 * rng_unit(&d->rng)), mx = v * (1.1 + 0.2 * rng_unit(&d->rng));
        int dec = f->decimals;
        fmt_fixed(vals[ni], sizeof vals[ni], mn, dec);
        items[ni] = (eco_hj212_cp_item_t){f->code, "Min", vals[ni]};
        ni++;
        size_t vlen = fmt_fixed(vals[ni], sizeof vals[ni], v, dec);
        items[ni] = (eco_hj212_cp_item_t){f->code, "Avg", vals[ni]};
        if (s->log) {
            eco_buf_append(&lg, pre, pre_len);
            eco_buf_puts(&lg, f->code);
            eco_buf_putc(&lg, ',');
            eco_buf_append(&lg, vals[ni], vlen);
            eco_buf_putc(&lg, '\n');
        }
        ni++;
        fmt_fixed(vals[ni], sizeof vals[ni], mx, dec);
        items[ni] = (eco_hj212_cp_item_t){f->code, "Max", vals[ni]};
        ni++;
        if (f->cou) {
            fmt_fixed(vals[ni], sizeof vals[ni], v * (cn == 2061 ? 3600 : 60), 1);
            items[ni] = (eco_hj212_cp_item_t){f->code, "Cou", vals[ni]};
            ni++;
        }
        items[ni++] = (eco_hj212_cp_item_t){f->code, "Flag", "N"};
    }
    eco_buf_reset(&s->b1);
    int r = eco_hj212_cp_build(t, items, (size_t)ni, &s->b1) < 0 ? ECO_ENOMEM : 0;
    if (r == 0) {
        int flag = (s->cfg.edition == 2025 ? 8 : 4) | ECO_HJ212_FLAG_ACK;
        eco_hj212_msg_t m = {.qn = eco_slice_cstr(it->qn),
                             .st = eco_slice_cstr(d->km->st),
                             .pw = eco_slice_cstr(s->cfg.pw),
                             .mn = eco_slice_cstr(d->mn),
                             .cn = cn,
                             .flag = flag,
                             .cp = {(const char *)s->b1.data, s->b1.len}};
        r = eco_hj212_encode(&m, s->cfg.edition == 2025 ? s->cfg.sm4_key : NULL, &out);
    }
    it->frame = out.data; /* the slot keeps the buffers, whatever happened */
    it->frame_cap = out.cap;
    it->log = lg.data;
    it->log_cap = lg.cap;
    if (r < 0) return r;
    if (lg.oom) return ECO_ENOMEM;
    it->frame_len = out.len;
    it->log_len = lg.len;
    it->nvalues = d->km->nf;
    d->nq++;
    s->st.records++;
    return 0;
}

static void item_free(item_t *it)
{
    if (it->frame) eco_free(it->frame, it->frame_cap);
    if (it->log) eco_free(it->log, it->log_cap);
}

/* ------------------------------------------------------------------ network */

typedef struct wreq {
    uv_write_t req;
    size_t n;
    char data[];
} wreq_t;

static void on_written(uv_write_t *req, int status)
{
    wreq_t *w = (wreq_t *)req;
    (void)status;
    eco_free(w, sizeof *w + w->n);
}

/* send p[0..n): straight into the socket when it takes it all (the usual case: no request, no copy);
 * what it does not take is copied and queued, as the bytes' owner may reuse them before the write
 * completes. uv_try_write refuses while earlier writes are queued, so the order is kept. */
static int dev_write(sdev_t *d, const void *p, size_t n)
{
    uv_buf_t b0 = uv_buf_init((char *)p, (unsigned)n);
    int done = uv_try_write((uv_stream_t *)&d->tcp, &b0, 1);
    if (done > 0 && (size_t)done == n) return 0;
    if (done > 0) {
        p = (const char *)p + done;
        n -= (size_t)done;
    } /* an error (EAGAIN or worse) goes to uv_write, which reports it as it did before */
    wreq_t *w = eco_malloc(sizeof *w + n);
    if (!w) return ECO_ENOMEM;
    memcpy(w->data, p, n);
    w->n = n;
    uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
    if (uv_write(&w->req, (uv_stream_t *)&d->tcp, &b, 1, on_written) != 0) {
        eco_free(w, sizeof *w + n);
        return ECO_EIO;
    }
    return 0;
}

static void dev_pump(sdev_t *d);
static void dev_connect(sdev_t *d);

static void on_dev_closed(uv_handle_t *h)
{
    sdev_t *d = (sdev_t *)h;
    d->closing = 0;
    d->connected = d->connecting = 0;
    if (d->sim->stopping) return;
    d->reconnect_at = now_ms(d->sim) + d->backoff_ms + (int64_t)(rng_unit(&d->rng) * 100);
    d->backoff_ms = d->backoff_ms ? d->backoff_ms * 2 : 100;
    if (d->backoff_ms > 5000) d->backoff_ms = 5000;
}

static void dev_drop(sdev_t *d)
{
    if (d->closing || (!d->connected && !d->connecting)) return;
    d->closing = 1;
    for (size_t i = 0; i < d->nq; i++) d->q[i].sent = 0;
    d->inflight = 0;
    d->rxn = 0;
    uv_close((uv_handle_t *)&d->tcp, on_dev_closed);
}

static void handle_reply(sdev_t *d, unsigned char *line, size_t n)
{
    sim_t *s = d->sim;
    eco_hj212_frame_t fr;
    eco_err_t err;
    eco_hj212_opts_t o;
    eco_hj212_opts_default(&o);
    if (eco_hj212_frame_check(line, n, &o, &fr, &err) < 0) {
        if (!s->cfg.quiet) eco_log(ECO_LOG_WARN, "%s: bad reply from the server: %s", d->mn, err.msg);
        return;
    }
    if (eco_hj212_parse(fr.segment, &o, s->pkt, &err) < 0) return;
    eco_hj212_packet_t *p = s->pkt;
    for (size_t i = 0; i < d->nq; i++) {
        item_t *it = &d->q[i];
        if (!it->sent || !eco_slice_eq(p->qn, it->qn)) continue;
        if (p->cn_num == 9014) {
            if (s->log) fwrite(it->log, 1, it->log_len, s->log);
            s->st.acked++;
            s->st.values_acked += (uint64_t)it->nvalues;
            if (it->first_sent_ms - s->start_ms >= (int64_t)(s->cfg.warmup_s * 1000)) eco_hist_ms_add(&s->lat, now_ms(s) - it->sent_ms);
        } else if (p->cn_num == 9011) {
            eco_slice_t rtn = eco_hj212_param(p, "QnRtn");
            if (rtn.len == 1 && rtn.ptr[0] == '1') return; /* "ready": a 9014 follows */
            s->st.refused++;
            if (s->st.refused <= 3)
                eco_log(ECO_LOG_WARN, "%s: record %s refused by the server (QnRtn=%.*s)", d->mn, it->qn,
                        (int)rtn.len, rtn.ptr);
        } else {
            return;
        }
        item_t done = *it;
        memmove(&d->q[i], &d->q[i + 1], (d->nq - i - 1) * sizeof *d->q);
        d->nq--;
        d->q[d->nq] = done; /* its buffers wait in the first free slot for the next record */
        d->inflight--;
        dev_pump(d);
        return;
    }
}

static void on_alloc(uv_handle_t *h, size_t sugg, uv_buf_t *buf)
{
    static char rbuf[65536];
    (void)h;
    (void)sugg;
    *buf = uv_buf_init(rbuf, sizeof rbuf);
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    sdev_t *d = (sdev_t *)st;
    if (nread < 0) {
        dev_drop(d);
        return;
    }
    for (ssize_t i = 0; i < nread; i++) {
        if (d->rxn < sizeof d->rx) d->rx[d->rxn++] = buf->base[i];
        if (d->rxn >= 2 && d->rx[d->rxn - 2] == '\r' && d->rx[d->rxn - 1] == '\n') {
            handle_reply(d, (unsigned char *)d->rx, d->rxn);
            d->rxn = 0;
            if (!d->connected || d->closing) return;
        } else if (d->rxn == sizeof d->rx) {
            d->rxn = 0; /* a reply longer than any reply: discard */
        }
    }
}

static void on_connect(uv_connect_t *req, int status)
{
    sdev_t *d = req->data;
    sim_t *s = d->sim;
    d->connecting = 0;
    if (status < 0) {
        s->st.connect_failures++;
        d->connected = 1; /* so dev_drop closes the handle */
        dev_drop(d);
        return;
    }
    d->connected = 1;
    d->backoff_ms = 0;
    s->st.connects++;
    uv_tcp_nodelay(&d->tcp, 1);
    uv_read_start((uv_stream_t *)&d->tcp, on_alloc, on_read);
    dev_pump(d);
}

static void dev_connect(sdev_t *d)
{
    sim_t *s = d->sim;
    if (d->connected || d->connecting || d->closing) return;
    uv_tcp_init(&s->loop, &d->tcp);
    d->creq.data = d;
    d->connecting = 1;
    if (s->st.connects + s->st.connect_failures > 0 && d->reconnect_at) s->st.reconnects++;
    if (uv_tcp_connect(&d->creq, &d->tcp, (struct sockaddr *)&s->addr, on_connect) != 0) {
        d->connecting = 0;
        d->connected = 1;
        s->st.connect_failures++;
        dev_drop(d);
    }
}

/* send what the window allows */
static void dev_pump(sdev_t *d)
{
    sim_t *s = d->sim;
    if (!d->connected || d->closing) return;
    for (size_t i = 0; i < d->nq && d->inflight < s->cfg.window; i++) {
        item_t *it = &d->q[i];
        if (it->sent) continue;
        if (dev_write(d, it->frame, it->frame_len) < 0) {
            dev_drop(d);
            return;
        }
        if (it->tries) s->st.resent++;
        it->tries++;
        it->sent = 1;
        it->sent_ms = now_ms(s);
        if (it->sent_ms < d->oldest_sent_ms) d->oldest_sent_ms = it->sent_ms;
        if (!it->first_sent_ms) it->first_sent_ms = it->sent_ms;
        d->inflight++;
        s->st.frames_sent++;
    }
}

static void send_broken(sdev_t *d)
{
    sim_t *s = d->sim;
    if (!d->connected || d->closing || d->nq == 0) return;
    item_t *it = &d->q[d->nq - 1];
    unsigned char *copy = eco_malloc(it->frame_len);
    if (!copy) return;
    memcpy(copy, it->frame, it->frame_len);
    /* one CRC digit changed to another hex digit: the server must drop it as BAD_CRC and live on */
    unsigned char *dig = &copy[it->frame_len - 3];
    *dig = *dig == '0' ? '1' : '0';
    if (dev_write(d, copy, it->frame_len) == 0) s->st.broken_sent++;
    eco_free(copy, it->frame_len);
}

static void on_tick(uv_timer_t *t)
{
    sdev_t *d = t->data;
    sim_t *s = d->sim;
    if (!s->generating || d->ticks_done >= s->total_ticks) {
        uv_timer_stop(t);
        return;
    }
    /* replay: every record is sent, paced by the acknowledgements, not by the clock (a bounded queue) */
    if (s->cfg.replay && d->nq >= (size_t)(2 * s->cfg.window)) return;
    eco_time_t rt = s->t0 + (eco_time_t)d->ticks_done * 60;
    d->ticks_done++;
    if (make_record(s, d, 2051, rt) < 0) return;
    if (rt % 3600 == 0) make_record(s, d, 2061, rt - 3600);
    if (s->cfg.bad_rate > 0 && rng_unit(&d->rng) < s->cfg.bad_rate) send_broken(d);
    dev_pump(d);
}

static int all_acked(sim_t *s)
{
    for (int i = 0; i < s->cfg.devices; i++)
        if (s->devs[i].nq) return 0;
    return 1;
}

static void sim_stop(sim_t *s)
{
    if (s->stopping) return;
    s->stopping = 1;
    s->generating = 0;
    uv_timer_stop(&s->house);
    uv_close((uv_handle_t *)&s->house, NULL);
    uv_close((uv_handle_t *)&s->sig, NULL);
    for (int i = 0; i < s->cfg.devices; i++) {
        sdev_t *d = &s->devs[i];
        uv_close((uv_handle_t *)&d->tick, NULL);
        if ((d->connected || d->connecting) && !d->closing) {
            d->closing = 1;
            uv_close((uv_handle_t *)&d->tcp, on_dev_closed);
        }
    }
}

static void on_house(uv_timer_t *t)
{
    sim_t *s = t->data;
    int64_t now = now_ms(s);
    if (s->generating && (now >= s->stop_ms || s->cfg.replay)) {
        int done = 1;
        for (int i = 0; i < s->cfg.devices; i++)
            if (s->devs[i].ticks_done < s->total_ticks) done = 0;
        if (done || (!s->cfg.replay && now >= s->stop_ms + 5000)) {
            s->generating = 0;
            s->drain_until_ms = now + (int64_t)s->cfg.drain_s * 1000;
        }
    }
    for (int i = 0; i < s->cfg.devices; i++) {
        sdev_t *d = &s->devs[i];
        if (!d->connected && !d->connecting && !d->closing && now >= d->reconnect_at) {
            dev_connect(d);
            continue;
        }
        if (!d->connected) continue;
        /* 20 times a second for every device: skip the queue (a dozen items, cache misses at 10,000
         * devices) when even the oldest frame in flight cannot have timed out */
        if (now - d->oldest_sent_ms <= s->cfg.ack_timeout_ms) continue;
        int timed_out = 0;
        d->oldest_sent_ms = INT64_MAX;
        for (size_t k = 0; k < d->nq; k++) {
            if (!d->q[k].sent) continue;
            if (now - d->q[k].sent_ms > s->cfg.ack_timeout_ms) {
                d->q[k].sent = 0; /* resend with the same QN, as a DAU does */
                d->inflight--;
                timed_out = 1;
            } else if (d->q[k].sent_ms < d->oldest_sent_ms) {
                d->oldest_sent_ms = d->q[k].sent_ms;
            }
        }
        if (timed_out) dev_pump(d);
    }
    if (!s->generating && (all_acked(s) || now >= s->drain_until_ms)) sim_stop(s);
}

static void on_sig(uv_signal_t *h, int signum)
{
    sim_t *s = h->data;
    (void)signum;
    eco_log(ECO_LOG_INFO, "sim: interrupted; stopping");
    s->generating = 0;
    s->drain_until_ms = now_ms(s);
}

/* ------------------------------------------------------------------ entry */

int eco_sim_run(const eco_sim_cfg_t *cfg, eco_sim_stats_t *stats, eco_err_t *err)
{
    if (cfg->devices < 1 || cfg->devices > 1000000) return eco_err_set(err, ECO_EINVAL, "sim: devices 1..1000000");
    if (cfg->interval_ms < 1) return eco_err_set(err, ECO_EINVAL, "sim: interval must be at least 1 ms");
    if (cfg->window < 1) return eco_err_set(err, ECO_EINVAL, "sim: window must be at least 1");
    sim_t *s = eco_calloc(1, sizeof *s);
    if (!s) return eco_err_set(err, ECO_ENOMEM, "sim: out of memory");
    s->cfg = *cfg;
    int r = 0;
    if (uv_ip4_addr(cfg->host, cfg->port, (struct sockaddr_in *)&s->addr) != 0 &&
        uv_ip6_addr(cfg->host, cfg->port, (struct sockaddr_in6 *)&s->addr) != 0) {
        eco_free(s, sizeof *s);
        return eco_err_set(err, ECO_EINVAL, "sim: bad target address '%s'", cfg->host);
    }
    s->pkt = eco_malloc(sizeof *s->pkt);
    s->devs = eco_calloc((size_t)cfg->devices, sizeof *s->devs);
    if (!s->pkt || !s->devs) {
        r = eco_err_set(err, ECO_ENOMEM, "sim: out of memory");
        goto out;
    }
    if (cfg->acked_log) {
        s->log = fopen(cfg->acked_log, "w");
        if (!s->log) {
            r = eco_err_set(err, ECO_EIO, "sim: cannot write %s", cfg->acked_log);
            goto out;
        }
        fputs("mn,cn,time,factor,value\n", s->log);
    }
    s->total_ticks = (long)ceil(cfg->duration_s * 1000.0 / cfg->interval_ms);
    if (s->total_ticks < 1) s->total_ticks = 1;
    eco_time_t nowt = eco_time_from_utc(eco_now_ms() / 1000);
    s->t0 = cfg->start ? cfg->start : (nowt / 60) * 60 - (eco_time_t)(s->total_ticks - 1) * 60;
    uv_loop_init(&s->loop);
    s->start_ms = now_ms(s);
    int64_t wall0 = eco_now_ms();
    s->stop_ms = s->start_ms + (int64_t)(cfg->duration_s * 1000);
    s->generating = 1;
    uint64_t seed = cfg->seed;
    for (int i = 0; i < cfg->devices; i++) {
        sdev_t *d = &s->devs[i];
        d->sim = s;
        d->idx = i;
        int k = cfg->kind == ECO_SIM_MIXED ? i % 4 : (int)cfg->kind;
        d->km = &kinds[k];
        snprintf(d->mn, sizeof d->mn, "%s%s%08d", cfg->mn_prefix, d->km->letter, i + 1);
        d->rng = seed ^ (0x9E3779B97F4A7C15ull * (uint64_t)(i + 1));
        d->oldest_sent_ms = INT64_MAX;
        for (int f = 0; f < 16; f++) d->level[f] = 1.0;
        uv_timer_init(&s->loop, &d->tick);
        d->tick.data = d;
        /* first ticks spread over one interval, as real devices are not synchronised to the ms */
        uint64_t first = (uint64_t)((double)cfg->interval_ms * i / cfg->devices);
        uv_timer_start(&d->tick, on_tick, first, (uint64_t)cfg->interval_ms);
        d->reconnect_at = s->start_ms + (int64_t)(first / 2);
    }
    uv_timer_init(&s->loop, &s->house);
    s->house.data = s;
    uv_timer_start(&s->house, on_house, 20, 50);
    uv_signal_init(&s->loop, &s->sig);
    s->sig.data = s;
    uv_signal_start(&s->sig, on_sig, SIGINT);
    signal(SIGPIPE, SIG_IGN);
    uv_run(&s->loop, UV_RUN_DEFAULT);
    s->st.elapsed_s = (double)(eco_now_ms() - wall0) / 1000.0;
    uv_loop_close(&s->loop);
    for (int i = 0; i < cfg->devices; i++) {
        s->st.unacked += s->devs[i].nq;
        for (size_t k = 0; k < s->devs[i].capq; k++) item_free(&s->devs[i].q[k]);
        eco_free(s->devs[i].q, s->devs[i].capq * sizeof *s->devs[i].q);
    }
    s->st.ack_ms_p50 = eco_hist_ms_pct(&s->lat, 0.5);
    s->st.ack_ms_p99 = eco_hist_ms_pct(&s->lat, 0.99);
    s->st.ack_ms_max = s->lat.max;
    r = s->st.unacked ? 1 : 0;
out:
    if (s->log && fclose(s->log) != 0) r = eco_err_set(err, ECO_EIO, "sim: writing %s failed", cfg->acked_log);
    if (stats) *stats = s->st;
    eco_buf_free(&s->b1);
    eco_free(s->devs, (size_t)cfg->devices * sizeof *s->devs);
    eco_free(s->pkt, sizeof *s->pkt);
    eco_free(s, sizeof *s);
    return r;
}
