/* table.c — one row writer for CSV, JSON and aligned text output (see cli.h).
 *
 * Why one writer: every tabular command offers the same three formats and the
 * same --columns selection (which also sets the order), and the CSV header,
 * the JSON keys and the text headings must never drift apart. A row's cells
 * are collected first (typed: text, number, null) and emitted at row end in
 * the selected order; CSV and JSON then stream, text keeps the rows until
 * tbl_end because it needs the column widths.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"

#define FLUSH_AT (1u << 20)

enum { CELL_NULL, CELL_TEXT, CELL_NUM };

void tbl_begin(cli_table_t *t, FILE *f, int format, const char *const *cols, int ncols)
{
    tbl_begin_sel(t, f, format, cols, ncols, NULL);
}

/* index of the column named by p[0..l), or -1 */
static int find_col(const char *const *cols, int ncols, const char *p, size_t l)
{
    for (int i = 0; i < ncols; i++)
        if (strlen(cols[i]) == l && !strncmp(cols[i], p, l)) return i;
    return -1;
}

int tbl_check_columns(const char *const *cols, int ncols, const char *list, char *bad, size_t badn)
{
    for (const char *p = list;;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (find_col(cols, ncols, p, l) < 0) {
            snprintf(bad, badn, "%.*s", (int)l, p);
            return -1;
        }
        if (!e) return 0;
        p = e + 1;
    }
}

void tbl_begin_sel(cli_table_t *t, FILE *f, int format, const char *const *cols, int ncols, const char *select)
{
    memset(t, 0, sizeof *t);
    t->f = f;
    t->json = format == TBL_JSON;
    t->text = format == TBL_TEXT;
    t->cols = cols;
    t->ncols = ncols;
    t->order = malloc((size_t)ncols * sizeof *t->order);
    t->cell_off = malloc((size_t)ncols * sizeof *t->cell_off);
    t->cell_len = malloc((size_t)ncols * sizeof *t->cell_len);
    t->cell_type = malloc((size_t)ncols);
    if (!t->order || !t->cell_off || !t->cell_len || !t->cell_type) {
        t->io_error = 1;
        t->norder = 0;
        return;
    }
    if (select) {
        for (const char *p = select;;) {
            const char *e = strchr(p, ',');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            int i = find_col(cols, ncols, p, l);
            if (i >= 0 && t->norder < ncols) t->order[t->norder++] = i;
            if (!e) break;
            p = e + 1;
        }
    } else {
        for (int i = 0; i < ncols; i++) t->order[t->norder++] = i;
    }
    if (t->json) {
        eco_json_init(&t->j, &t->buf);
        eco_json_arr_begin(&t->j);
    } else if (!t->text) {
        for (int k = 0; k < t->norder; k++) {
            const char *c = cols[t->order[k]];
            if (k) eco_buf_putc(&t->buf, ',');
            eco_buf_put_csv_field(&t->buf, c, strlen(c));
        }
        eco_buf_putc(&t->buf, '\n');
    }
}

void tbl_row_begin(cli_table_t *t)
{
    t->col = 0;
    eco_buf_reset(&t->row);
}

/* start the next cell; returns its index or -1 past the last column */
static int cell(cli_table_t *t, int type)
{
    if (t->col >= t->ncols || !t->cell_type) return -1;
    int i = t->col++;
    t->cell_type[i] = (unsigned char)type;
    t->cell_off[i] = t->row.len;
    t->cell_len[i] = 0;
    return i;
}

static void cell_done(cli_table_t *t, int i) { t->cell_len[i] = t->row.len - t->cell_off[i]; }

void tbl_rawn(cli_table_t *t, const char *s, size_t n)
{
    int i = cell(t, CELL_TEXT);
    if (i < 0) return;
    eco_buf_append(&t->row, s, n);
    cell_done(t, i);
}

void tbl_raw(cli_table_t *t, const char *s)
{
    if (!s) s = "";
    tbl_rawn(t, s, strlen(s));
}

void tbl_str(cli_table_t *t, const char *s)
{
    if (s && *s) tbl_rawn(t, s, strlen(s));
    else tbl_null(t);
}

void tbl_num(cli_table_t *t, double v, int prec)
{
    if (!isfinite(v)) {
        tbl_null(t);
        return;
    }
    int i = cell(t, CELL_NUM);
    if (i < 0) return;
    eco_buf_put_double(&t->row, v, prec);
    cell_done(t, i);
}

void tbl_int(cli_table_t *t, long v)
{
    int i = cell(t, CELL_NUM);
    if (i < 0) return;
    eco_buf_printf(&t->row, "%ld", v);
    cell_done(t, i);
}

void tbl_null(cli_table_t *t) { cell(t, CELL_NULL); }

void tbl_row_end(cli_table_t *t)
{
    while (t->col < t->ncols) tbl_null(t);
    if (!t->cell_type) return;
    const char *base = t->row.data ? t->row.data : "";
    if (t->json) eco_json_obj_begin(&t->j);
    for (int k = 0; k < t->norder; k++) {
        int i = t->order[k];
        const char *s = base + t->cell_off[i];
        size_t n = t->cell_len[i];
        if (t->json) {
            eco_json_key(&t->j, t->cols[i]);
            if (t->cell_type[i] == CELL_NULL) eco_json_null(&t->j);
            else if (t->cell_type[i] == CELL_TEXT) eco_json_strn(&t->j, s, n);
            else eco_json_number_text(&t->j, s, n);
        } else if (t->text) {
            if (k) eco_buf_putc(&t->cells, '\0');
            eco_buf_append(&t->cells, s, n);
        } else {
            if (k) eco_buf_putc(&t->buf, ',');
            if (t->cell_type[i] == CELL_TEXT) eco_buf_put_csv_field(&t->buf, s, n);
            else eco_buf_append(&t->buf, s, n);
        }
    }
    if (t->json) eco_json_obj_end(&t->j);
    else if (t->text) eco_buf_putc(&t->cells, '\n');
    else eco_buf_putc(&t->buf, '\n');
    t->rows++;
    if (!t->text && t->buf.len >= FLUSH_AT && eco_buf_flush(&t->buf, t->f)) t->io_error = 1;
}

/* display width: CJK and other wide characters take two columns */
static size_t width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) w++, i++;
        else if (c >= 0xE0) w += 2, i += c >= 0xF0 ? 4 : 3; /* U+0800 and up: mostly CJK here */
        else w++, i += 2;
    }
    return w;
}

/* call fn(cell, len, k) for every cell of every text row; returns rows */
static void text_pass(cli_table_t *t, size_t *w, int print)
{
    const char *q = t->cells.data ? t->cells.data : "", *end = q + t->cells.len;
    while (q < end) {
        const char *eol = memchr(q, '\n', (size_t)(end - q));
        if (!eol) eol = end;
        for (int k = 0; k < t->norder; k++) {
            const char *z = memchr(q, '\0', (size_t)(eol - q));
            size_t c = z ? (size_t)(z - q) : (size_t)(eol - q);
            size_t cw = width(q, c);
            if (!print) {
                if (cw > w[k]) w[k] = cw;
            } else {
                int num = c && strspn(q, "0123456789.-") >= c;
                int pad = (int)(w[k] - cw);
                if (k) fputs("  ", t->f);
                if (num) fprintf(t->f, "%*s%.*s", pad, "", (int)c, q);
                else fprintf(t->f, "%.*s%*s", (int)c, q, k + 1 < t->norder ? pad : 0, "");
            }
            q += c;
            if (q < eol) q++; /* the NUL */
        }
        if (print) fputc('\n', t->f);
        q = eol + 1;
    }
}

static void write_text(cli_table_t *t)
{
    size_t *w = calloc((size_t)t->norder + 1, sizeof *w);
    if (!w) {
        t->io_error = 1;
        return;
    }
    for (int k = 0; k < t->norder; k++) w[k] = width(t->cols[t->order[k]], strlen(t->cols[t->order[k]]));
    text_pass(t, w, 0);
    for (int k = 0; k < t->norder; k++) {
        const char *c = t->cols[t->order[k]];
        fprintf(t->f, "%s%s%*s", k ? "  " : "", c, k + 1 < t->norder ? (int)(w[k] - width(c, strlen(c))) : 0, "");
    }
    fputc('\n', t->f);
    text_pass(t, w, 1);
    free(w);
}

int tbl_end(cli_table_t *t)
{
    if (t->json) {
        eco_json_arr_end(&t->j);
        eco_buf_putc(&t->buf, '\n');
    }
    if (t->text) write_text(t);
    if (t->row.oom || t->cells.oom || t->buf.oom) t->io_error = 1;
    if (eco_buf_flush(&t->buf, t->f)) t->io_error = 1;
    if (fflush(t->f)) t->io_error = 1;
    eco_buf_free(&t->buf);
    eco_buf_free(&t->cells);
    eco_buf_free(&t->row);
    free(t->order);
    free(t->cell_off);
    free(t->cell_len);
    free(t->cell_type);
    t->order = NULL;
    t->cell_off = t->cell_len = NULL;
    t->cell_type = NULL;
    return t->io_error ? ECO_EIO : 0;
}
