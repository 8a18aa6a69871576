/* table.c — one row writer for CSV, JSON and aligned text output (see cli.h).
 *
 * Why one writer: every tabular command offers the same three formats and
 * the same --columns selection, and the CSV header, the JSON keys and the
 * text headings must never drift apart. CSV and JSON stream; text needs the
 * column widths first, so its cells are kept until tbl_end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"

#define FLUSH_AT (1u << 20)

void tbl_begin(cli_table_t *t, FILE *f, int format, const char *const *cols, int ncols)
{
    tbl_begin_sel(t, f, format, cols, ncols, NULL);
}

/* does the comma-separated list contain name? */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !strncmp(p, name, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

int tbl_check_columns(const char *const *cols, int ncols, const char *list, char *bad, size_t badn)
{
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        int found = 0;
        for (int i = 0; i < ncols; i++)
            if (strlen(cols[i]) == l && !strncmp(cols[i], p, l)) found = 1;
        if (!found) {
            snprintf(bad, badn, "%.*s", (int)l, p);
            return -1;
        }
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

void tbl_begin_sel(cli_table_t *t, FILE *f, int format, const char *const *cols, int ncols, const char *select)
{
    memset(t, 0, sizeof *t);
    t->f = f;
    t->json = format == TBL_JSON;
    t->text = format == TBL_TEXT;
    t->cols = cols;
    t->ncols = ncols;
    t->on = malloc((size_t)ncols);
    for (int i = 0; i < ncols; i++) t->on[i] = !select || in_list(select, cols[i]);
    if (t->json) {
        eco_json_init(&t->j, &t->buf);
        eco_json_arr_begin(&t->j);
    } else if (!t->text) {
        int first = 1;
        for (int i = 0; i < ncols; i++) {
            if (!t->on[i]) continue;
            if (!first) eco_buf_putc(&t->buf, ',');
            first = 0;
            eco_buf_put_csv_field(&t->buf, cols[i], strlen(cols[i]));
        }
        eco_buf_putc(&t->buf, '\n');
    }
}

void tbl_row_begin(cli_table_t *t)
{
    t->col = 0;
    t->first_in_row = 1;
    if (t->json) eco_json_obj_begin(&t->j);
}

/* advance to the next column; returns 1 when it is shown */
static int next_col(cli_table_t *t)
{
    if (t->col >= t->ncols) return 0;
    int i = t->col++;
    if (t->on && !t->on[i]) return 0;
    if (t->json) eco_json_key(&t->j, t->cols[i]);
    else if (t->text) {
        /* cells are kept as NUL-separated strings in cells */
        if (!t->first_in_row) eco_buf_putc(&t->cells, '\0');
    } else if (!t->first_in_row) eco_buf_putc(&t->buf, ',');
    t->first_in_row = 0;
    return 1;
}

static void text_cell(cli_table_t *t, const char *s, size_t n) { eco_buf_append(&t->cells, s, n); }

void tbl_rawn(cli_table_t *t, const char *s, size_t n)
{
    if (!next_col(t)) return;
    if (t->json) eco_json_strn(&t->j, s, n);
    else if (t->text) text_cell(t, s, n);
    else eco_buf_put_csv_field(&t->buf, s, n);
}

void tbl_raw(cli_table_t *t, const char *s)
{
    if (!s) s = "";
    tbl_rawn(t, s, strlen(s));
}

void tbl_str(cli_table_t *t, const char *s)
{
    if (!next_col(t)) return;
    size_t n = s ? strlen(s) : 0;
    if (t->json) {
        if (n) eco_json_strn(&t->j, s, n);
        else eco_json_null(&t->j);
    } else if (t->text) text_cell(t, s ? s : "", n);
    else if (n) eco_buf_put_csv_field(&t->buf, s, n);
}

void tbl_num(cli_table_t *t, double v, int prec)
{
    if (!next_col(t)) return;
    if (t->json) {
        if (isfinite(v)) eco_json_num(&t->j, v, prec);
        else eco_json_null(&t->j);
    } else if (isfinite(v)) {
        eco_buf_put_double(t->text ? &t->cells : &t->buf, v, prec);
    }
}

void tbl_int(cli_table_t *t, long v)
{
    if (!next_col(t)) return;
    if (t->json) eco_json_int(&t->j, v);
    else eco_buf_printf(t->text ? &t->cells : &t->buf, "%ld", v);
}

void tbl_null(cli_table_t *t)
{
    if (!next_col(t)) return;
    if (t->json) eco_json_null(&t->j);
}

void tbl_row_end(cli_table_t *t)
{
    while (t->col < t->ncols) tbl_null(t);
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
        else if (c >= 0xE0) w += 2, i += c >= 0xF0 ? 4 : 3; /* U+0800.. mostly CJK here */
        else w++, i += 2;
    }
    return w;
}

static void write_text(cli_table_t *t)
{
    int nshown = 0;
    for (int i = 0; i < t->ncols; i++) nshown += t->on[i];
    size_t *w = calloc((size_t)nshown, sizeof *w);
    if (!w) return;
    int k = 0;
    for (int i = 0; i < t->ncols; i++)
        if (t->on[i]) w[k] = width(t->cols[i], strlen(t->cols[i])), k++;
    /* pass 1: widths */
    const char *p = t->cells.data ? t->cells.data : "", *end = p + t->cells.len;
    for (const char *q = p; q < end;) {
        for (k = 0; k < nshown; k++) {
            size_t l = strcspn(q, "\n");
            size_t c = strnlen(q, l);
            size_t cw = width(q, c);
            if (cw > w[k]) w[k] = cw;
            q += c;
            if (q < end && *q == '\0') q++;
            else break;
        }
        q += strcspn(q, "\n");
        if (q < end) q++;
    }
    /* pass 2: print, numbers right-aligned */
    k = 0;
    for (int i = 0; i < t->ncols; i++) {
        if (!t->on[i]) continue;
        size_t cw = width(t->cols[i], strlen(t->cols[i]));
        fprintf(t->f, "%s%s%*s", k ? "  " : "", t->cols[i], k + 1 < nshown ? (int)(w[k] - cw) : 0, "");
        k++;
    }
    fputc('\n', t->f);
    for (const char *q = p; q < end;) {
        for (k = 0; k < nshown; k++) {
            size_t l = strcspn(q, "\n");
            size_t c = strnlen(q, l);
            size_t cw = width(q, c);
            int num = c && strspn(q, "0123456789.-") == c;
            if (k) fputs("  ", t->f);
            if (num) fprintf(t->f, "%*s%.*s", (int)(w[k] - cw), "", (int)c, q);
            else fprintf(t->f, "%.*s%*s", (int)c, q, k + 1 < nshown ? (int)(w[k] - cw) : 0, "");
            q += c;
            if (q < end && *q == '\0') q++;
            else break;
        }
        q += strcspn(q, "\n");
        if (q < end) q++;
        fputc('\n', t->f);
    }
    free(w);
}

int tbl_end(cli_table_t *t)
{
    if (t->json) {
        eco_json_arr_end(&t->j);
        eco_buf_putc(&t->buf, '\n');
    }
    if (t->text) write_text(t);
    if (eco_buf_flush(&t->buf, t->f)) t->io_error = 1;
    if (fflush(t->f)) t->io_error = 1;
    eco_buf_free(&t->buf);
    eco_buf_free(&t->cells);
    if (t->cells.oom) t->io_error = 1;
    free(t->on);
    t->on = NULL;
    return t->io_error ? ECO_EIO : 0;
}
