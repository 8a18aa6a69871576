/* rules.c — see rules.h; the file format is in docs/alerts.md ("The rules file"). */
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "brain/rules.h"
#include "air/aqi.h"
#include "core/alloc.h"
#include "core/map.h"
#include "core/undo.h"
#include "standards/factors.h"
#include "standards/water.h"
#include "water/water.h"

enum { K_THRESHOLD = 1, K_LIMIT = 2, K_AQI = 3, K_WATER = 4 };

static const char *kind_word(int k)
{
    return k == K_LIMIT ? "limit" : k == K_AQI ? "aqi" : k == K_WATER ? "water" : "threshold";
}

typedef struct rule {
    char name[64];
    char screen[80], gap_screen[88];
    int kind;
    char factor[32];
    int gran;                /* -1 any */
    double thr, reset;       /* the threshold (above/below/limit) and the level that counts as back */
    int dir;                 /* +1: bad when over thr; -1: bad when under */
    int for_n, clear_n;
    long mean_s;             /* 0: each reading; else means of aligned blocks */
    double o2_ref, o2_max;   /* limits: NAN ref = no conversion */
    char o2_factor[32];
    char severity[16];
    char sites[512], devices[512], site_kind[32];
    int has_above, has_below, has_limit, has_reset;
} rule_t;

typedef struct scr_over {
    char factor[32];
    eco_screen_cfg_t cfg;
    unsigned set;            /* bit per key in scr_keys */
} scr_over_t;

typedef struct rstate {
    unsigned char scope;     /* 0 not yet decided, 1 in, 2 out */
    unsigned char active, gap_active;
    int bad_run, good_run;
    eco_time_t blk_t;
    double blk_sum;
    int blk_n;
    int ev_n, ev_head;       /* ring of the bad readings of the current run */
    eco_time_t ev_t[ECO_RULE_EV];
    double ev_x[ECO_RULE_EV], ev_c[ECO_RULE_EV], ev_o2[ECO_RULE_EV]; /* c/o2: NAN = not converted; o2 -1 = ZsAvg */
} rstate_t;

struct eco_rules {
    rule_t *rules;
    int nrules, caprules;
    scr_over_t *scr;
    int nscr, capscr;
    /* site code -> kind */
    eco_map_t sites;
    char (*site_kinds)[32];
    signed char *site_target; /* target class 1..6 of a water site, 0 none (by site id) */
    size_t site_cap;
    /* device mn -> site */
    eco_map_t devs;
    char (*dev_sites)[64];
    size_t dev_cap;
    /* series state */
    eco_map_t map;
    rstate_t *st;
    size_t st_cap;
    eco_undo_t undo;         /* states before the open transaction changed them */
    /* parsing */
    char cur[128];           /* the section being read */
    int cur_kind;            /* 0 none, 1 rule, 2 screen */
    char bad[400];
};

eco_rules_t *eco_rules_new(void)
{
    eco_rules_t *r = eco_calloc(1, sizeof *r);
    if (!r) return NULL;
    eco_map_init(&r->map);
    eco_map_init(&r->sites);
    eco_map_init(&r->devs);
    eco_undo_init(&r->undo);
    return r;
}

void eco_rules_free(eco_rules_t *r)
{
    if (!r) return;
    eco_free(r->rules, (size_t)r->caprules * sizeof *r->rules);
    eco_free(r->scr, (size_t)r->capscr * sizeof *r->scr);
    eco_free(r->site_kinds, r->site_cap * sizeof *r->site_kinds);
    eco_free(r->site_target, r->site_cap);
    eco_free(r->st, r->st_cap * sizeof *r->st);
    eco_undo_free(&r->undo);
    eco_map_free(&r->map);
    eco_map_free(&r->sites);
    eco_map_free(&r->devs);
    eco_free(r->dev_sites, r->dev_cap * sizeof *r->dev_sites);
    eco_free(r, sizeof *r);
}

int eco_rules_count(const eco_rules_t *r) { return r ? r->nrules : 0; }

/* ------------------------------------------------------------------ parsing */

#define BAD(r, ...) ((r)->bad[0] ? 0 : snprintf((r)->bad, sizeof (r)->bad, __VA_ARGS__))

static int num(const char *v, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (!*v || *end || !isfinite(d)) return -1;
    *out = d;
    return 0;
}

static int integer(const char *v, long lo, long hi, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < lo || x > hi) return -1;
    *out = x;
    return 0;
}

static int gran_parse(const char *v)
{
    static const char *const g[] = {"realtime", "minute", "hour", "day"};
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(v, g[i])) return i;
    if (!strcasecmp(v, "any")) return -1;
    return -2;
}

/* the screen keys: name, offset, type (d double, i int, l int64) */
typedef struct skey {
    const char *name;
    size_t off;
    char type;
} skey_t;
#define SK(n, t) {#n, offsetof(eco_screen_cfg_t, n), t}
static const skey_t scr_keys[] = {
    SK(spike_jump, 'd'),  SK(spike_return, 'd'), SK(spike_window, 'i'), SK(flat_n, 'i'),        SK(flat_eps, 'd'),
    SK(range_lo, 'd'),    SK(range_hi, 'd'),     SK(stuck_value, 'd'),  SK(stuck_n, 'i'),       SK(valid_lo, 'd'),
    SK(valid_hi, 'd'),    SK(future_s, 'l'),     SK(smooth_window, 'i'), SK(smooth_ratio, 'd'), SK(smooth_min, 'i'),
    SK(silent_factor, 'd'),
};
#define NSKEYS (int)(sizeof scr_keys / sizeof scr_keys[0])

static int grow(void **v, int *cap, int n, size_t elem)
{
    if (n < *cap) return 0;
    int nc = *cap ? *cap * 2 : 16;
    void *p = eco_realloc(*v, (size_t)*cap * elem, (size_t)nc * elem);
    if (!p) return -1;
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(nc - *cap) * elem);
    *v = p;
    *cap = nc;
    return 0;
}

static int start_section(eco_rules_t *r, const char *sec)
{
    char kw[32], arg[64];
    snprintf(r->cur, sizeof r->cur, "%s", sec);
    if (sscanf(sec, "%31s %63s", kw, arg) != 2) {
        BAD(r, "[%s]: a section is 'screen FACTOR', 'threshold NAME' or 'limit NAME'", sec);
        return 0;
    }
    if (!strcmp(kw, "screen")) {
        for (int i = 0; i < r->nscr; i++)
            if (!strcmp(r->scr[i].factor, arg)) return BAD(r, "[%s]: a second section of this factor", sec), 0;
        if (strlen(arg) >= sizeof r->scr[0].factor) return BAD(r, "[%s]: factor code too long", sec), 0;
        if (grow((void **)&r->scr, &r->capscr, r->nscr, sizeof *r->scr) < 0) return BAD(r, "out of memory"), 0;
        scr_over_t *o = &r->scr[r->nscr++];
        memset(o, 0, sizeof *o);
        snprintf(o->factor, sizeof o->factor, "%.31s", arg);
        r->cur_kind = 2;
        return 1;
    }
    int kind = !strcmp(kw, "threshold") ? K_THRESHOLD
               : !strcmp(kw, "limit")   ? K_LIMIT
               : !strcmp(kw, "aqi")     ? K_AQI
               : !strcmp(kw, "water")   ? K_WATER
                                        : 0;
    if (!kind) return BAD(r, "[%s]: unknown section kind '%s' (screen, threshold, limit, aqi, water)", sec, kw), 0;
    if (strlen(arg) >= sizeof r->rules[0].name) return BAD(r, "[%s]: name too long", sec), 0;
    for (int i = 0; i < r->nrules; i++)
        if (!strcmp(r->rules[i].name, arg)) return BAD(r, "[%s]: a second rule named '%s'", sec, arg), 0;
    if (grow((void **)&r->rules, &r->caprules, r->nrules, sizeof *r->rules) < 0) return BAD(r, "out of memory"), 0;
    rule_t *u = &r->rules[r->nrules++];
    memset(u, 0, sizeof *u);
    snprintf(u->name, sizeof u->name, "%s", arg);
    snprintf(u->screen, sizeof u->screen, "rule:%s", arg);
    snprintf(u->gap_screen, sizeof u->gap_screen, "rule:%s/gap", arg);
    u->kind = kind;
    u->gran = kind == K_AQI || kind == K_WATER ? 2 : -1; /* derived from hour records by default */
    if (kind == K_AQI) snprintf(u->factor, sizeof u->factor, "aqi");
    if (kind == K_WATER) snprintf(u->factor, sizeof u->factor, "class");
    u->for_n = 1;
    u->clear_n = 1;
    u->o2_ref = NAN;
    u->o2_max = 19;
    snprintf(u->o2_factor, sizeof u->o2_factor, "a19001");
    snprintf(u->severity, sizeof u->severity, kind == K_LIMIT ? "high" : "medium");
    r->cur_kind = 1;
    return 1;
}

static int on_kv(void *ud, const char *sec, const char *key, const char *val)
{
    eco_rules_t *r = ud;
    if (r->bad[0]) return 0;
    if (strcmp(sec, r->cur) || !r->cur_kind) {
        if (!start_section(r, sec)) return 0;
    }
    double d;
    long n = 0;
    if (r->cur_kind == 2) {
        scr_over_t *o = &r->scr[r->nscr - 1];
        for (int i = 0; i < NSKEYS; i++) {
            if (strcmp(key, scr_keys[i].name)) continue;
            char *p = (char *)&o->cfg + scr_keys[i].off;
            if (scr_keys[i].type == 'd') {
                if (!strcasecmp(val, "none") || !strcasecmp(val, "off")) d = NAN;
                else if (num(val, &d) < 0) return BAD(r, "[%s] %s: '%s' is not a number (or none)", sec, key, val), 0;
                memcpy(p, &d, sizeof d);
            } else {
                if (integer(val, 0, 100000000, &n) < 0)
                    return BAD(r, "[%s] %s: '%s' is not an integer in 0..100000000", sec, key, val), 0;
                if (scr_keys[i].type == 'i') {
                    int v = (int)n;
                    memcpy(p, &v, sizeof v);
                } else {
                    int64_t v = n;
                    memcpy(p, &v, sizeof v);
                }
            }
            if (!strcmp(key, "smooth_window") && n > ECO_SCREEN_RING)
                return BAD(r, "[%s] smooth_window: at most %d", sec, ECO_SCREEN_RING), 0;
            if (!strcmp(key, "spike_window") && (n < 2 || n > ECO_SCREEN_RING - 1))
                return BAD(r, "[%s] spike_window: 2..%d", sec, ECO_SCREEN_RING - 1), 0;
            o->set |= 1u << i;
            return 1;
        }
        return BAD(r, "[%s] %s: unknown key (screen keys: spike_jump, spike_return, spike_window, flat_n, flat_eps, "
                      "range_lo, range_hi, stuck_value, stuck_n, valid_lo, valid_hi, future_s, smooth_window, "
                      "smooth_ratio, smooth_min, silent_factor)", sec, key), 0;
    }
    rule_t *u = &r->rules[r->nrules - 1];
#define STR_KEY(k, field)                                                                             \
    if (!strcmp(key, k)) {                                                                            \
        if (strlen(val) >= sizeof u->field) return BAD(r, "[%s] %s: too long", sec, key), 0;          \
        snprintf(u->field, sizeof u->field, "%s", val);                                               \
        return 1;                                                                                     \
    }
#define NUM_KEY(k, field, flag)                                                                       \
    if (!strcmp(key, k)) {                                                                            \
        if (num(val, &d) < 0) return BAD(r, "[%s] %s: '%s' is not a number", sec, key, val), 0;       \
        u->field = d;                                                                                 \
        flag;                                                                                         \
        return 1;                                                                                     \
    }
    STR_KEY("factor", factor)
    STR_KEY("sites", sites)
    STR_KEY("devices", devices)
    STR_KEY("site_kind", site_kind)
    if (!strcmp(key, "granularity")) {
        int g = gran_parse(val);
        if (g < -1) return BAD(r, "[%s] granularity: '%s' is not realtime, minute, hour, day or any", sec, val), 0;
        u->gran = g;
        return 1;
    }
    if (!strcmp(key, "severity")) {
        if (strcmp(val, "high") && strcmp(val, "medium") && strcmp(val, "low"))
            return BAD(r, "[%s] severity: '%s' is not high, medium or low", sec, val), 0;
        snprintf(u->severity, sizeof u->severity, "%s", val);
        return 1;
    }
    if (!strcmp(key, "for") || !strcmp(key, "clear")) {
        if (integer(val, 1, 1000000, &n) < 0) return BAD(r, "[%s] %s: '%s' is not an integer in 1..1000000", sec, key, val), 0;
        if (key[0] == 'f') u->for_n = (int)n;
        else u->clear_n = (int)n;
        return 1;
    }
    if (!strcmp(key, "mean_s")) {
        if (integer(val, 0, 86400 * 31, &n) < 0) return BAD(r, "[%s] mean_s: '%s' is not seconds in 0..2678400", sec, val), 0;
        u->mean_s = n;
        return 1;
    }
    if (u->kind == K_AQI) {
        NUM_KEY("above", thr, u->has_above = 1)
    } else if (u->kind == K_WATER) {
        if (!strcmp(key, "worse_than")) {
            int c = eco_water_class_parse(val, strlen(val));
            if (c < 1 || c > 5) return BAD(r, "[%s] worse_than: '%s' is not a class Ⅰ..Ⅴ (or 1..5)", sec, val), 0;
            u->thr = c;
            u->has_above = 1;
            return 1;
        }
    } else if (u->kind == K_THRESHOLD) {
        NUM_KEY("above", thr, u->has_above = 1)
        NUM_KEY("below", thr, u->has_below = 1)
    } else {
        NUM_KEY("limit", thr, u->has_limit = 1)
        NUM_KEY("o2_ref", o2_ref, (void)0)
        NUM_KEY("o2_max", o2_max, (void)0)
        STR_KEY("o2_factor", o2_factor)
    }
    NUM_KEY("reset", reset, u->has_reset = 1)
    return BAD(r, "[%s] %s: unknown key for a%s %s rule", sec, key, u->kind == K_AQI ? "n" : "", kind_word(u->kind)), 0;
#undef STR_KEY
#undef NUM_KEY
}

/* the line of "[sec]" in text (1-based), 0 when not found */
static int section_line(const char *text, const char *sec)
{
    int line = 1;
    size_t sl = strlen(sec);
    for (const char *p = text; *p;) {
        const char *q = p;
        while (*q == ' ' || *q == '\t') q++;
        if (*q == '[' && !strncmp(q + 1, sec, sl) && q[1 + sl] == ']') return line;
        p = strchr(p, '\n');
        if (!p) break;
        p++;
        line++;
    }
    return 0;
}

int eco_rules_parse(eco_rules_t *r, const char *name, const char *text, eco_err_t *err)
{
    r->bad[0] = 0;
    r->cur[0] = 0;
    r->cur_kind = 0;
    int line = ini_parse_string(text, on_kv, r);
    if (line == -2) return eco_err_set(err, ECO_ENOMEM, "%s: out of memory", name);
    if (line != 0) return eco_err_set(err, ECO_EPARSE, "%s:%d: %s", name, line, r->bad[0] ? r->bad : "syntax error");
    for (int i = 0; i < r->nrules; i++) { /* what a rule must have: checked when the whole file is read */
        rule_t *u = &r->rules[i];
        char sec[96];
        snprintf(sec, sizeof sec, "%s %s", kind_word(u->kind), u->name);
        int ln = section_line(text, sec);
        const char *why = NULL;
        if (!u->factor[0]) why = "factor: missing";
        else if (u->kind == K_AQI && !u->has_above) why = "above: missing (an AQI, e.g. 200)";
        else if (u->kind == K_AQI && u->mean_s) why = "mean_s: not for an aqi rule (the AQI is hourly)";
        else if (u->kind == K_WATER && (u->mean_s || u->has_reset)) why = "mean_s/reset: not for a water rule";
        else if (u->kind == K_THRESHOLD && u->has_above + u->has_below != 1) why = "above/below: exactly one is needed";
        else if (u->kind == K_LIMIT && !u->has_limit) why = "limit: missing";
        else if (u->kind == K_LIMIT && !isnan(u->o2_ref) && !(u->o2_ref >= 0 && u->o2_ref < 21)) why = "o2_ref: not in 0..21";
        else if (u->kind == K_LIMIT && !(u->o2_max > 0 && u->o2_max <= 21)) why = "o2_max: not in 0..21";
        if (why) return eco_err_set(err, ECO_EPARSE, "%s:%d: [%s] %s", name, ln, sec, why);
        u->dir = u->has_below ? -1 : +1;
        if (!u->has_reset) u->reset = u->thr;
        if ((u->dir > 0 && u->reset > u->thr) || (u->dir < 0 && u->reset < u->thr))
            return eco_err_set(err, ECO_EPARSE, "%s:%d: [%s] reset: must be on the good side of the threshold", name,
                               ln, sec);
    }
    return 0;
}

/* ------------------------------------------------------------------ screens */

void eco_rules_screen_cfg(const eco_rules_t *r, const char *factor, eco_screen_cfg_t *c)
{
    if (!r) return;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < r->nscr; i++) {
            const scr_over_t *o = &r->scr[i];
            if (pass == 0 ? strcmp(o->factor, "*") : strcmp(o->factor, factor)) continue;
            for (int k = 0; k < NSKEYS; k++) {
                if (!(o->set & (1u << k))) continue;
                size_t sz = scr_keys[k].type == 'd' ? sizeof(double) : scr_keys[k].type == 'i' ? sizeof(int) : sizeof(int64_t);
                memcpy((char *)c + scr_keys[k].off, (const char *)&o->cfg + scr_keys[k].off, sz);
            }
        }
}

void eco_rules_screen_hook(void *ud, const char *factor, eco_screen_cfg_t *c) { eco_rules_screen_cfg(ud, factor, c); }

/* ------------------------------------------------------------------ catalogue */

int eco_rules_site_kind(eco_rules_t *r, const char *code, const char *kind)
{
    int32_t id = eco_map_put(&r->sites, eco_slice_cstr(code));
    if (id < 0) return ECO_ENOMEM;
    if ((size_t)id >= r->site_cap) {
        size_t nc = r->site_cap ? r->site_cap * 2 : 64;
        while (nc <= (size_t)id) nc *= 2;
        void *p = eco_realloc(r->site_kinds, r->site_cap * sizeof *r->site_kinds, nc * sizeof *r->site_kinds);
        if (!p) return ECO_ENOMEM;
        r->site_kinds = p;
        signed char *tg = eco_realloc(r->site_target, r->site_cap, nc);
        if (!tg) return ECO_ENOMEM; /* site_kinds grew, site_cap not yet: both still fit site_cap */
        memset(tg + r->site_cap, 0, nc - r->site_cap);
        r->site_target = tg;
        r->site_cap = nc;
    }
    snprintf(r->site_kinds[id], sizeof r->site_kinds[id], "%s", kind);
    return 0;
}

int eco_rules_site_target(eco_rules_t *r, const char *code, const char *zone)
{
    int32_t id = eco_map_get(&r->sites, eco_slice_cstr(code));
    if (id < 0) { /* a site not named by eco_rules_site_kind yet */
        int rc = eco_rules_site_kind(r, code, "");
        if (rc < 0) return rc;
        id = eco_map_get(&r->sites, eco_slice_cstr(code));
    }
    int c = zone && *zone ? eco_water_class_parse(zone, strlen(zone)) : 0;
    r->site_target[id] = (signed char)(c >= 1 && c <= 6 ? c : 0);
    return 0;
}

int eco_rules_device_site(eco_rules_t *r, const char *mn, const char *site)
{
    int32_t id = eco_map_put(&r->devs, eco_slice_cstr(mn));
    if (id < 0) return ECO_ENOMEM;
    if ((size_t)id >= r->dev_cap) {
        size_t nc = r->dev_cap ? r->dev_cap * 2 : 64;
        while (nc <= (size_t)id) nc *= 2;
        void *p = eco_realloc(r->dev_sites, r->dev_cap * sizeof *r->dev_sites, nc * sizeof *r->dev_sites);
        if (!p) return ECO_ENOMEM;
        r->dev_sites = p;
        r->dev_cap = nc;
    }
    snprintf(r->dev_sites[id], sizeof r->dev_sites[id], "%s", site ? site : "");
    return 0;
}

const char *eco_rules_site_of(const eco_rules_t *r, const char *mn)
{
    int32_t id = r ? eco_map_get(&r->devs, eco_slice_cstr(mn)) : -1;
    return id < 0 ? "" : r->dev_sites[id];
}

/* ------------------------------------------------------------------ evaluation */

double eco_rules_field(const char *fields, size_t len, const char *suffix)
{
    if (!fields) return NAN;
    size_t sl = strlen(suffix);
    const char *p = fields, *end = fields + len;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *e = semi ? semi : end;
        if ((size_t)(e - p) > sl && !memcmp(p, suffix, sl) && p[sl] == '=') {
            char buf[64];
            size_t n = (size_t)(e - p - (ptrdiff_t)sl - 1);
            if (n == 0 || n >= sizeof buf) return NAN;
            memcpy(buf, p + sl + 1, n);
            buf[n] = 0;
            double d;
            return num(buf, &d) == 0 ? d : NAN;
        }
        p = e + 1;
    }
    return NAN;
}

static int in_list(const char *list, const char *x)
{
    size_t xl = strlen(x);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && t[-1] == ' ') t--;
        if ((size_t)(t - p) == xl && xl && !memcmp(p, x, xl)) return 1;
        p = e;
    }
    return 0;
}

static int in_scope(const eco_rules_t *r, const rule_t *u, const char *mn, const char *site)
{
    if (u->devices[0] && !in_list(u->devices, mn)) return 0;
    if (u->sites[0] && !in_list(u->sites, site)) return 0;
    if (u->site_kind[0]) {
        int32_t id = site[0] ? eco_map_get(&r->sites, eco_slice_cstr(site)) : -1;
        if (id < 0 || strcmp(r->site_kinds[id], u->site_kind)) return 0;
    }
    return 1;
}

static rstate_t *state_of(eco_rules_t *r, int rule, const char *mn, int gran)
{
    char key[300];
    int kn = snprintf(key, sizeof key, "%d\x1f%s\x1f%d", rule, mn, gran);
    if (kn < 0 || (size_t)kn >= sizeof key) return NULL;
    int32_t id = eco_map_put(&r->map, (eco_slice_t){key, (size_t)kn});
    if (id < 0) return NULL;
    if ((size_t)id >= r->st_cap) {
        size_t nc = r->st_cap ? r->st_cap * 2 : 64;
        while (nc <= (size_t)id) nc *= 2;
        rstate_t *p = eco_realloc(r->st, r->st_cap * sizeof *p, nc * sizeof *p);
        if (!p) return NULL;
        /* new states start zeroed — also one whose key entered the map when a growth failed */
        memset(p + r->st_cap, 0, (nc - r->st_cap) * sizeof *p);
        r->st = p;
        r->st_cap = nc;
    }
    eco_undo_save(&r->undo, (uint32_t)id, &r->st[id], sizeof r->st[id]); /* every caller may change it */
    return &r->st[id];
}

void eco_rules_begin(eco_rules_t *r)
{
    if (r) eco_undo_begin(&r->undo);
}

void eco_rules_end(eco_rules_t *r)
{
    if (r) eco_undo_end(&r->undo);
}

static void *state_slot(void *ud, uint32_t id)
{
    eco_rules_t *r = ud;
    return id < r->st_cap ? &r->st[id] : NULL;
}

int eco_rules_rollback(eco_rules_t *r) { return r ? eco_undo_rollback(&r->undo, state_slot, r) : 0; }

static void ev_text(const rstate_t *s, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < s->ev_n; i++) {
        int slot = (s->ev_head - s->ev_n + i + 2 * ECO_RULE_EV) % ECO_RULE_EV;
        char tb[32], extra[64] = "";
        eco_time_format_full(s->ev_t[slot], tb, sizeof tb);
        if (s->ev_o2[slot] < 0) snprintf(extra, sizeof extra, "[ZsAvg]");
        else if (!isnan(s->ev_o2[slot])) snprintf(extra, sizeof extra, "[C=%.6g,O2=%.6g]", s->ev_c[slot], s->ev_o2[slot]);
        int w = snprintf(buf + len, n - len, "%s%s=%.6g%s", i ? ";" : "", tb, s->ev_x[slot], extra);
        if (w < 0 || (size_t)w >= n - len) break;
        len += (size_t)w;
    }
}

/* one judged reading x at t (c, o2: what it was converted from) */
static int judge(const rule_t *u, rstate_t *s, eco_time_t t, double x, double c, double o2, const char *factor,
                 eco_rule_cb cb, void *ud)
{
    int bad = u->dir > 0 ? x > u->thr : x < u->thr;
    int good = u->dir > 0 ? x <= u->reset : x >= u->reset;
    if (bad) {
        s->bad_run++;
        s->good_run = 0;
        s->ev_t[s->ev_head] = t;
        s->ev_x[s->ev_head] = x;
        s->ev_c[s->ev_head] = c;
        s->ev_o2[s->ev_head] = o2;
        s->ev_head = (s->ev_head + 1) % ECO_RULE_EV;
        if (s->ev_n < ECO_RULE_EV) s->ev_n++;
        if (!s->active && s->bad_run >= u->for_n) {
            s->active = 1;
            eco_rule_alert_t a;
            a.screen = u->screen;
            a.severity = u->severity;
            a.factor = factor;
            a.t = t;
            ev_text(s, a.evidence, sizeof a.evidence);
            return cb ? cb(ud, &a) : 0;
        }
        return 0;
    }
    if (!good) return 0; /* between reset and the threshold: neither — both runs are kept (rules.h) */
    s->bad_run = 0;
    s->ev_n = 0;
    s->good_run++;
    if (s->active && s->good_run >= u->clear_n) s->active = 0;
    return 0;
}

/* The real-time AQI (HJ 633, the edition in force on the hour) of one record's pollutants, the
 * factors read as their standard items (a34004 -> PM2.5 ...); NAN when it has none or the AQI
 * cannot be published. t: the HJ 212 DataTime (an hour record's start, a real-time one's moment). */
static double record_aqi(const eco_rule_val_t *v, int n, int gran, eco_time_t t)
{
    double c[ECO_AIR_NIND];
    int have = 0;
    for (int k = 0; k < ECO_AIR_NIND; k++) c[k] = ECO_AIR_NA;
    for (int i = 0; i < n; i++) {
        const char *item = eco_factor_default_item(v[i].factor);
        if (!item || !isfinite(v[i].value)) continue;
        for (int p = 0; p < ECO_POL_N; p++)
            if (!strcmp(item, eco_air_pol_key[p])) c[eco_air_pol_ind[p]] = v[i].value, have = 1;
    }
    if (!have) return NAN;
    eco_time_t label = gran == 2 ? t + 3600 : t; /* published at the hour's end */
    const eco_air_edition_t *ed = eco_air_edition_for_day(eco_time_day(label - 1));
    if (!ed) return NAN;
    eco_air_aqi_t res;
    eco_air_aqi_compute(ed, ECO_AIR_REALTIME, c, NAN, ECO_MISSING_AUTO, &res);
    return res.aqi >= 0 ? (double)res.aqi : NAN;
}

/* The GB 3838 class (1..6) of one record (the automatic stations' five items, river column); NAN none */
static double record_class(const eco_rule_val_t *v, int n)
{
    double x[ECO_W_NITEMS];
    int have = 0;
    for (int k = 0; k < ECO_W_NITEMS; k++) x[k] = NAN;
    for (int i = 0; i < n; i++) {
        const char *item = eco_factor_default_item(v[i].factor);
        int k = item ? eco_water_item_index(item) : -1;
        if (k >= 0 && isfinite(v[i].value)) x[k] = v[i].value, have = 1;
    }
    if (!have) return NAN;
    eco_water_result_t res;
    eco_water_classify(x, ECO_WB_RIVER, eco_water_set_auto5, &res);
    return res.cls > 0 ? (double)res.cls : NAN;
}

static const eco_rule_val_t *find(const eco_rule_val_t *v, int n, const char *factor)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v[i].factor, factor)) return &v[i];
    return NULL;
}

int eco_rules_record(eco_rules_t *r, const char *mn, const char *site, int gran, eco_time_t t,
                     const eco_rule_val_t *v, int n, eco_rule_cb cb, void *ud)
{
    if (!r || !r->nrules) return 0;
    if (!site) site = "";
    for (int i = 0; i < r->nrules; i++) {
        const rule_t *u = &r->rules[i];
        if (u->gran >= 0 && u->gran != gran) continue;
        if (u->kind == K_AQI || u->kind == K_WATER) { /* a statistic of the whole record */
            rstate_t *s = state_of(r, i, mn, gran);
            if (!s) return ECO_ENOMEM;
            if (!s->scope) s->scope = in_scope(r, u, mn, site) ? 1 : 2;
            if (s->scope != 1) continue;
            double x = u->kind == K_AQI ? record_aqi(v, n, gran, t) : record_class(v, n);
            if (isnan(x)) continue;
            rule_t uu = *u;
            if (u->kind == K_WATER && !u->has_above) { /* worse than the site's own target class */
                int32_t id = site[0] ? eco_map_get(&r->sites, eco_slice_cstr(site)) : -1;
                int tg = id >= 0 ? r->site_target[id] : 0;
                if (tg <= 0) continue; /* no target: nothing to be worse than */
                uu.thr = uu.reset = tg;
            }
            int rc = judge(&uu, s, t, x, NAN, NAN, u->factor, cb, ud);
            if (rc) return rc;
            continue;
        }
        const eco_rule_val_t *x = find(v, n, u->factor);
        if (!x) continue;
        rstate_t *s = state_of(r, i, mn, gran);
        if (!s) return ECO_ENOMEM;
        if (!s->scope) s->scope = in_scope(r, u, mn, site) ? 1 : 2;
        if (s->scope != 1) continue;
        double val = x->value, c = NAN, o2 = NAN;
        if (u->kind == K_LIMIT) {
            /* the device's own reference-oxygen value first (ZsAvg; Zs-Avg; ZsRtd for real-time data) */
            double zs = eco_rules_field(x->fields, x->fields_len, gran == 0 ? "ZsRtd" : "ZsAvg");
            if (isnan(zs)) zs = eco_rules_field(x->fields, x->fields_len, gran == 0 ? "Zs-Rtd" : "Zs-Avg");
            if (!isnan(zs)) {
                val = zs;
                o2 = -1;
            } else if (!isnan(u->o2_ref)) {
                if (isnan(x->value)) continue;
                const eco_rule_val_t *ox = find(v, n, u->o2_factor);
                const char *why;
                c = x->value;
                o2 = ox ? ox->value : NAN;
                val = eco_o2_correct(c, o2, u->o2_ref, u->o2_max, &why);
                if (isnan(val)) { /* the gap: reported once until a converted value comes again */
                    if (s->gap_active) continue;
                    s->gap_active = 1;
                    eco_rule_alert_t a;
                    char tb[32];
                    eco_time_format_full(t, tb, sizeof tb);
                    a.screen = u->gap_screen;
                    a.severity = "low";
                    a.factor = u->factor;
                    a.t = t;
                    if (isnan(o2)) snprintf(a.evidence, sizeof a.evidence, "%s=%.6g[O2=none]: %s", tb, c, why ? why : "");
                    else snprintf(a.evidence, sizeof a.evidence, "%s=%.6g[O2=%.6g]: %s", tb, c, o2, why ? why : "");
                    int rc = cb ? cb(ud, &a) : 0;
                    if (rc) return rc;
                    continue;
                }
            }
            s->gap_active = 0;
        }
        if (isnan(val)) continue;
        int rc;
        if (u->mean_s > 0) {
            eco_time_t blk = t - (((t % u->mean_s) + u->mean_s) % u->mean_s);
            if (s->blk_n && blk < s->blk_t) continue; /* out of time order: not judged */
            if (s->blk_n && blk != s->blk_t) {
                rc = judge(u, s, s->blk_t, s->blk_sum / s->blk_n, NAN, NAN, u->factor, cb, ud);
                s->blk_n = 0;
                s->blk_sum = 0;
                if (rc) return rc;
            }
            s->blk_t = blk;
            s->blk_sum += val;
            s->blk_n++;
            continue;
        }
        if ((rc = judge(u, s, t, val, c, o2, u->factor, cb, ud)) != 0) return rc;
    }
    return 0;
}
