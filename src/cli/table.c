/* table.c — one row writer for CSV and JSON output (see cli.h). */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"

#define FLUSH_AT (1u << 20)

void tbl_begin(cli_table_t *t, FILE *f, int json, const char *const *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->f = f;
    t->json = json;
    t->cols = cols;
    t->ncols = ncols;
    if (json) {
        eco_json_init(&t->j, &t->buf);
        eco_json_arr_begin(&t->j);
    } else {
        for (int i = 0; i < ncols; i++) {
            if (i) eco_buf_putc(&t->buf, ',');
            eco_buf_put_csv_field(&t->buf, cols[i], strlen(cols[i]));
        }
        eco_buf_putc(&t->buf, '\n');
    }
}

void tbl_row_begin(cli_table_t *t)
{
    t->col = 0;
    if (t->json) eco_json_obj_begin(&t->j);
}

static int next_col(cli_table_t *t)
{
    if (t->col >= t->ncols) return -1;
    if (t->json) eco_json_key(&t->j, t->cols[t->col]);
    else if (t->col) eco_buf_putc(&t->buf, ',');
    return t->col++;
}

void tbl_str(cli_table_t *t, const char *s)
{
    if (next_col(t) < 0) return;
    if (t->json) {
        if (s && *s) eco_json_str(&t->j, s);
        else eco_json_null(&t->j);
    } else if (s) {
        eco_buf_put_csv_field(&t->buf, s, strlen(s));
    }
}

void tbl_raw(cli_table_t *t, const char *s)
{
    if (next_col(t) < 0) return;
    if (t->json) eco_json_str(&t->j, s ? s : "");
    else if (s) eco_buf_put_csv_field(&t->buf, s, strlen(s));
}

void tbl_rawn(cli_table_t *t, const char *s, size_t n)
{
    if (next_col(t) < 0) return;
    if (t->json) eco_json_strn(&t->j, s, n);
    else eco_buf_put_csv_field(&t->buf, s, n);
}

void tbl_num(cli_table_t *t, double v, int prec)
{
    if (next_col(t) < 0) return;
    if (t->json) {
        if (isfinite(v)) eco_json_num(&t->j, v, prec);
        else eco_json_null(&t->j);
    } else if (isfinite(v)) {
        eco_buf_put_double(&t->buf, v, prec);
    }
}

void tbl_int(cli_table_t *t, long v)
{
    if (next_col(t) < 0) return;
    if (t->json) eco_json_int(&t->j, v);
    else eco_buf_printf(&t->buf, "%ld", v);
}

void tbl_null(cli_table_t *t)
{
    if (next_col(t) < 0) return;
    if (t->json) eco_json_null(&t->j);
}

void tbl_row_end(cli_table_t *t)
{
    while (t->col < t->ncols) tbl_null(t);
    if (t->json) eco_json_obj_end(&t->j);
    else eco_buf_putc(&t->buf, '\n');
    t->rows++;
    if (t->buf.len >= FLUSH_AT && eco_buf_flush(&t->buf, t->f)) t->io_error = 1;
}

int tbl_end(cli_table_t *t)
{
    if (t->json) {
        eco_json_arr_end(&t->j);
        eco_buf_putc(&t->buf, '\n');
    }
    if (eco_buf_flush(&t->buf, t->f)) t->io_error = 1;
    if (fflush(t->f)) t->io_error = 1;
    eco_buf_free(&t->buf);
    return t->io_error ? ECO_EIO : 0;
}
