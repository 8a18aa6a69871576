/* fuzz_csv.c — libFuzzer target for the CSV reader (src/core/csv.h).
 *
 * Why: the reader is the first code to touch files from outside (exports,
 * uploads, other people's scripts), so arbitrary bytes must never crash it,
 * leak, or loop, and it must keep its promises on them, not only on the
 * inputs the unit tests thought of. Besides the sanitizers, three oracles
 * turn wrong answers into crashes:
 *   1. the memory source and the FILE source (via fmemopen) give identical
 *      records, errors and line numbers — with the default 64 KiB reads and
 *      with tiny read windows (in_cap of 4 bytes and up), so that read
 *      boundaries fall inside quotes, CRLFs and UTF-8 sequences;
 *   2. every record read, written back with eco_buf_put_csv_field, reads
 *      back as the same fields;
 *   3. every field, as a JSON string, contains no raw control byte, and a
 *      field that parses as a time survives format -> parse unchanged.
 * Reading goes on after errors until the end, touching every field.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/json.h"
#include "core/time.h"

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "fuzz_csv: check failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

static int same(const eco_buf_t *x, const eco_buf_t *y)
{
    return x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
}

/* Per-field checks that need no reference answer. */
static void touch_field(eco_slice_t f, eco_buf_t *scratch)
{
    /* JSON: valid bytes only, nothing below 0x20 left raw */
    eco_buf_reset(scratch);
    eco_json_t j;
    eco_json_init(&j, scratch);
    eco_json_strn(&j, f.ptr, f.len);
    CHECK(eco_json_status(&j) == 0);
    for (size_t i = 0; i < scratch->len; i++) CHECK((unsigned char)scratch->data[i] >= 0x20);
    CHECK(scratch->data[0] == '"' && scratch->data[scratch->len - 1] == '"');

    /* time: anything accepted in years 1000..9999 formats back to itself */
    eco_time_t t, back;
    if (eco_time_parse(f, &t) == 0 && t >= eco_time_from_day(eco_day_from_civil(1000, 1, 1)) &&
        t < eco_time_from_day(eco_day_from_civil(9999, 1, 1))) {
        char iso[40];
        eco_time_format_iso(t, iso, sizeof iso);
        CHECK(eco_time_parse(eco_slice_cstr(iso), &back) == 0 && back == t);
    }
    double v;
    (void)eco_slice_to_double(f, &v);
}

/* Read everything from c into a transcript; add each good record, rewritten
 * as CSV, to rewritten (when not NULL) with its fields to expect in fields. */
static void read_all(eco_csv_t *c, eco_buf_t *out, eco_buf_t *rewritten, eco_buf_t *fields, eco_buf_t *scratch)
{
    eco_err_t err;
    int r;
    unsigned long long calls = 0;
    while ((r = eco_csv_next(c, &err)) != 0) {
        CHECK(++calls < 10000000ULL); /* progress: never more calls than bytes */
        if (r < 0) {
            CHECK(r == err.code);
            CHECK(r == ECO_ECSV_QUOTE || r == ECO_ECSV_ENCODING);
            CHECK(eco_csv_nfields(c) == 0);
            CHECK(strstr(err.msg, ": ") != NULL);
            eco_buf_printf(out, "E%d %s\n", r, err.msg);
            continue;
        }
        size_t n = eco_csv_nfields(c);
        CHECK(n >= 1);
        CHECK(eco_csv_line(c) >= 1);
        eco_buf_printf(out, "L%zu %zu", eco_csv_line(c), n);
        /* a lone empty field would be written as a blank line, which the
         * reader skips by design: leave such records out of the round trip */
        int rt = rewritten && !(n == 1 && eco_csv_field(c, 0).len == 0);
        for (size_t i = 0; i < n; i++) {
            eco_slice_t f = eco_csv_field(c, i);
            CHECK(f.ptr[f.len] == '\0');
            eco_buf_printf(out, " %zu:", f.len);
            eco_buf_append(out, f.ptr, f.len);
            if (scratch) touch_field(f, scratch);
            if (rt) {
                if (i) eco_buf_putc(rewritten, ',');
                eco_buf_put_csv_field(rewritten, f.ptr, f.len);
                eco_buf_printf(fields, "%zu:", f.len);
                eco_buf_append(fields, f.ptr, f.len);
            }
        }
        CHECK(eco_csv_field(c, n).len == 0);
        if (rt) {
            eco_buf_puts(rewritten, "\r\n");
            eco_buf_putc(fields, '\n');
        }
        eco_buf_putc(out, '\n');
    }
    CHECK(eco_csv_next(c, &err) == 0); /* end stays the end */
    CHECK(!out->oom);
}

static void read_mem(const uint8_t *data, size_t size, eco_buf_t *out, eco_buf_t *rw, eco_buf_t *fields,
                     eco_buf_t *scratch)
{
    eco_csv_t c;
    eco_csv_open_mem(&c, (const char *)data, size, "fuzz.csv");
    read_all(&c, out, rw, fields, scratch);
    eco_csv_close(&c);
}

/* window: FILE read size, 0 for the default */
static void read_file(const uint8_t *data, size_t size, size_t window, eco_buf_t *out, eco_buf_t *scratch)
{
    FILE *f = fmemopen((void *)(uintptr_t)data, size, "r");
    CHECK(f != NULL);
    eco_csv_t c;
    eco_csv_open_file(&c, f, "fuzz.csv");
    c.in_cap = window;
    read_all(&c, out, NULL, NULL, scratch);
    eco_csv_close(&c);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eco_buf_t a = ECO_BUF_INIT, b = ECO_BUF_INIT, rw = ECO_BUF_INIT, fields = ECO_BUF_INIT;
    eco_buf_t fields2 = ECO_BUF_INIT, scratch = ECO_BUF_INIT;

    /* 1. memory and FILE agree, whatever the read size */
    eco_buf_puts(&rw, "h\n"); /* keeps a leading BOM in the first field from looking like one */
    read_mem(data, size, &a, &rw, &fields, &scratch);
    if (size) { /* fmemopen may refuse an empty buffer */
        /* the default, and a small window the input picks (its last byte) */
        size_t windows[2] = {0, 4 + data[size - 1] % 29};
        for (int w = 0; w < 2; w++) {
            eco_buf_reset(&b);
            read_file(data, size, windows[w], &b, w ? NULL : &scratch);
            CHECK(same(&a, &b));
        }
    }

    /* 2. the rewritten records read back as the same fields */
    {
        eco_csv_t c;
        eco_err_t err;
        int r;
        eco_csv_open_mem(&c, rw.data, rw.len, "rewritten.csv");
        CHECK(eco_csv_next(&c, &err) == 1); /* the "h" line */
        while ((r = eco_csv_next(&c, &err)) != 0) {
            CHECK(r == 1);
            for (size_t i = 0; i < eco_csv_nfields(&c); i++) {
                eco_slice_t f = eco_csv_field(&c, i);
                eco_buf_printf(&fields2, "%zu:", f.len);
                eco_buf_append(&fields2, f.ptr, f.len);
            }
            eco_buf_putc(&fields2, '\n');
        }
        eco_csv_close(&c);
        CHECK(same(&fields, &fields2));
    }

    eco_buf_free(&a);
    eco_buf_free(&b);
    eco_buf_free(&rw);
    eco_buf_free(&fields);
    eco_buf_free(&fields2);
    eco_buf_free(&scratch);
    return 0;
}
