/* tw.h — the API's table writer, shared by the route files (routes.c, routes_brain.c).
 *
 * Every tabular route writes through it: either JSON (an array of objects; a column "a.b" nests b
 * in object a) or RFC 4180 CSV with the same column names, so the two outputs cannot differ in
 * content. Not a public header.
 */
#ifndef ECO_API_TW_H
#define ECO_API_TW_H

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "api/internal.h"
#include "core/time.h"

/* ------------------------------------------------------------------ table writer */

typedef struct tw {
    api_req_t *r;
    eco_json_t j;
    int csv;
    const char *const *cols;
    int ncols, col;
    long rows;
    char open_prefix[32];     /* nested object open in the current row (JSON) */
} tw_t;

static inline void tw_begin(tw_t *t, api_req_t *r, const char *key, const char *const *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->r = r;
    t->csv = r->csv;
    t->cols = cols;
    t->ncols = ncols;
    if (t->csv) {
        for (int i = 0; i < ncols; i++) {
            if (i) eco_buf_putc(&r->out, ',');
            eco_buf_put_csv_field(&r->out, cols[i], strlen(cols[i]));
        }
        eco_buf_puts(&r->out, "\r\n");
        return;
    }
    eco_json_init(&t->j, &r->out);
    eco_json_obj_begin(&t->j);
    eco_json_key(&t->j, key);
    eco_json_arr_begin(&t->j);
}

static inline void tw_row(tw_t *t)
{
    t->col = 0;
    t->open_prefix[0] = 0;
    if (!t->csv) eco_json_obj_begin(&t->j);
}

/* position on the next column: a separator (CSV) or its key (JSON) */
static inline void tw_next(tw_t *t)
{
    const char *name = t->cols[t->col];
    if (t->csv) {
        if (t->col) eco_buf_putc(&t->r->out, ',');
    } else {
        const char *dot = strchr(name, '.');
        size_t pl = dot ? (size_t)(dot - name) : 0;
        if (t->open_prefix[0] && (!dot || strlen(t->open_prefix) != pl || strncmp(t->open_prefix, name, pl))) {
            eco_json_obj_end(&t->j);
            t->open_prefix[0] = 0;
        }
        if (dot && !t->open_prefix[0] && pl < sizeof t->open_prefix) {
            memcpy(t->open_prefix, name, pl);
            t->open_prefix[pl] = 0;
            eco_json_key(&t->j, t->open_prefix);
            eco_json_obj_begin(&t->j);
        }
        eco_json_key(&t->j, dot ? dot + 1 : name);
    }
    t->col++;
}

static inline void tw_str(tw_t *t, const char *s)
{
    tw_next(t);
    if (t->csv) eco_buf_put_csv_field(&t->r->out, s ? s : "", s ? strlen(s) : 0);
    else if (s) eco_json_str(&t->j, s);
    else eco_json_null(&t->j);
}

static inline void tw_num(tw_t *t, double v)
{
    tw_next(t);
    if (t->csv) {
        if (isfinite(v)) eco_buf_put_double(&t->r->out, v, -1);
    } else {
        eco_json_num(&t->j, v, -1);
    }
}

/* a value as the instrument sent it when that text is a JSON number ("35.2"; not ".5"), else the double */
static inline void tw_numtext(tw_t *t, const char *text, double v)
{
    if (!text || !isfinite(v) || !eco_json_number_ok(text, strlen(text))) {
        tw_num(t, v);
        return;
    }
    tw_next(t);
    if (t->csv) eco_buf_puts(&t->r->out, text);
    else eco_json_number_text(&t->j, text, strlen(text));
}

static inline void tw_int(tw_t *t, int64_t v, int present)
{
    tw_next(t);
    if (t->csv) {
        if (present) eco_buf_printf(&t->r->out, "%" PRId64, v);
    } else if (present) {
        eco_json_int(&t->j, v);
    } else {
        eco_json_null(&t->j);
    }
}

static inline void tw_bool(tw_t *t, int v)
{
    tw_next(t);
    if (t->csv) eco_buf_puts(&t->r->out, v ? "true" : "false");
    else eco_json_bool(&t->j, v);
}

static inline void tw_time(tw_t *t, eco_time_t v, int present)
{
    char b[40];
    if (present) eco_time_format_iso(v, b, sizeof b);
    tw_str(t, present ? b : NULL);
}

static inline void tw_strs(tw_t *t, const char *const *v, int n) /* JSON array; CSV ';'-joined */
{
    tw_next(t);
    if (t->csv) {
        eco_buf_t tmp = {0};
        for (int i = 0; i < n; i++) {
            if (i) eco_buf_putc(&tmp, ';');
            eco_buf_puts(&tmp, v[i]);
        }
        eco_buf_put_csv_field(&t->r->out, tmp.data ? tmp.data : "", tmp.len);
        eco_buf_free(&tmp);
        return;
    }
    eco_json_arr_begin(&t->j);
    for (int i = 0; i < n; i++) eco_json_str(&t->j, v[i]);
    eco_json_arr_end(&t->j);
}

static inline void tw_row_end(tw_t *t)
{
    t->rows++;
    if (t->csv) {
        eco_buf_puts(&t->r->out, "\r\n");
        return;
    }
    if (t->open_prefix[0]) eco_json_obj_end(&t->j);
    eco_json_obj_end(&t->j);
}

/* JSON: close the array and add count (and what extra() writes); CSV: nothing more */
static inline void tw_end(tw_t *t, void (*extra)(eco_json_t *j, void *ud), void *ud)
{
    if (t->csv) return;
    eco_json_arr_end(&t->j);
    eco_json_key(&t->j, "count");
    eco_json_int(&t->j, t->rows);
    if (extra) extra(&t->j, ud);
    eco_json_obj_end(&t->j);
    if (eco_json_status(&t->j) < 0) api_error(t->r, 500, "internal", "out of memory writing the answer");
}

#endif
