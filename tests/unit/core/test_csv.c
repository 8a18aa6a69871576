/* test_csv.c — the contract of src/core/csv.h, byte by byte.
 *
 * Why: every monitoring export enters ecobrain through this reader. A CSV
 * quirk it gets wrong (a CRLF split across reads, a quoted newline that
 * shifts every later line number, a GBK byte hidden after ASCII) silently
 * corrupts data or points the operator at the wrong line. Each test states
 * the exact records, line numbers and error messages expected, and the
 * memory and FILE sources must agree byte for byte, including on inputs
 * whose tricky parts straddle the 64 KiB read boundary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"

#define CHUNK 65536 /* IN_CHUNK in csv.c */

/* ---- helpers ---------------------------------------------------------- */

static FILE *file_with(const char *data, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    if (len) assert_int_equal(fwrite(data, 1, len, f), len);
    rewind(f);
    return f;
}

/* Read everything and describe each call's outcome on one line:
 *   "L<line> [f1][f2]"  for a record (field bytes verbatim)
 *   "E<code> <message>" for an error
 * so that two sources can be compared and expectations written literally. */
static char *transcript_of(eco_csv_t *c)
{
    eco_buf_t out = ECO_BUF_INIT;
    eco_err_t err;
    int r, guard = 0;
    while ((r = eco_csv_next(c, &err)) != 0) {
        assert_true(++guard < 1000000); /* the reader must make progress */
        if (r > 0) {
            eco_buf_printf(&out, "L%zu ", eco_csv_line(c));
            for (size_t i = 0; i < eco_csv_nfields(c); i++) {
                eco_slice_t f = eco_csv_field(c, i);
                eco_buf_putc(&out, '[');
                eco_buf_append(&out, f.ptr, f.len);
                eco_buf_putc(&out, ']');
            }
            eco_buf_putc(&out, '\n');
        } else {
            assert_int_equal(r, err.code);
            eco_buf_printf(&out, "E%d %s\n", r, err.msg);
        }
    }
    /* end of input is sticky */
    assert_int_equal(eco_csv_next(c, &err), 0);
    eco_buf_putc(&out, '\0');
    assert_false(out.oom);
    return out.data; /* caller frees with free(): default allocator */
}

static char *read_mem(const char *data, size_t len)
{
    eco_csv_t c;
    eco_csv_open_mem(&c, data, len, "t.csv");
    char *t = transcript_of(&c);
    eco_csv_close(&c);
    return t;
}

/* window: the FILE read size (in_cap), 0 for the default 64 KiB */
static char *read_file_w(const char *data, size_t len, size_t window)
{
    FILE *f = file_with(data, len);
    eco_csv_t c;
    eco_csv_open_file(&c, f, "t.csv");
    c.in_cap = window;
    char *t = transcript_of(&c);
    eco_csv_close(&c);
    fclose(f);
    return t;
}

static char *read_file(const char *data, size_t len) { return read_file_w(data, len, 0); }

/* Both sources must give `want`. */
static void expect_n(const char *data, size_t len, const char *want)
{
    char *m = read_mem(data, len);
    char *f = read_file(data, len);
    assert_string_equal(m, want);
    assert_string_equal(f, want);
    free(m);
    free(f);
}
#define expect(lit, want) expect_n((lit), sizeof(lit) - 1, (want))

/* ---- RFC 4180 basics -------------------------------------------------- */

static void test_simple_records(void **state)
{
    (void)state;
    expect("a,b,c\n1,2,3\n", "L1 [a][b][c]\nL2 [1][2][3]\n");
    expect("a,b", "L1 [a][b]\n");          /* no final newline */
    expect("", "");                        /* empty input */
    expect("x", "L1 [x]\n");
    expect("a,\n,\n", "L1 [a][]\nL2 [][]\n"); /* empty fields */
    expect("a,b,", "L1 [a][b][]\n");
}

static void test_quoting(void **state)
{
    (void)state;
    expect("\"a,b\",\"c\"\"d\",e\n", "L1 [a,b][c\"d][e]\n");
    expect("\"\"\n", "L1 []\n");                       /* a quoted empty field is a record */
    expect("\"\",\"\"\n", "L1 [][]\n");
    expect("\"\"\"\"\n", "L1 [\"]\n");                 /* """" is one quote */
    expect("\"a\"\"\"\n", "L1 [a\"]\n");
    expect("ab\"c,d\n", "L1 [ab\"c][d]\n");            /* quote inside unquoted: literal */
    expect("a\"\"b\n", "L1 [a\"\"b]\n");
    expect("\"x\"", "L1 [x]\n");                       /* closing quote at EOF */
    expect("\"x\",", "L1 [x][]\n");
    expect(" \"x\" ,y\n", "L1 [ \"x\" ][y]\n");        /* not at field start: literal */
}

static void test_embedded_newlines_keep_line_numbers(void **state)
{
    (void)state;
    expect("h,v\n\"x\ny\nz\",1\nnext,2\n", "L1 [h][v]\nL2 [x\ny\nz][1]\nL5 [next][2]\n");
    /* CRLF inside a quoted field is kept, and counts as one line */
    expect("\"x\r\ny\",1\r\nz\r\n", "L1 [x\r\ny][1]\nL3 [z]\n");
    /* a lone CR inside a quoted field counts as a line, like a lone CR ending a record */
    expect("\"x\ry\",1\rz\r", "L1 [x\ry][1]\nL3 [z]\n");
    expect("\"a\n\n\nb\"\nc\n", "L1 [a\n\n\nb]\nL5 [c]\n");
    expect("\"\n\",\"\n\"\nq\n", "L1 [\n][\n]\nL4 [q]\n");
}

static void test_line_endings(void **state)
{
    (void)state;
    expect("a,b\r\nc,d\r\n", "L1 [a][b]\nL2 [c][d]\n");
    expect("a\rb\rc", "L1 [a]\nL2 [b]\nL3 [c]\n");
    expect("a\r\nb\nc\rd", "L1 [a]\nL2 [b]\nL3 [c]\nL4 [d]\n");
    expect("\"q\"\r\nx\r", "L1 [q]\nL2 [x]\n");
    expect("a\n\r", "L1 [a]\n");                  /* LF then a blank CR line */
    expect("a\r\r\nb", "L1 [a]\nL3 [b]\n");       /* CR, then a blank CRLF line */
}

static void test_bom_and_blank_lines(void **state)
{
    (void)state;
    expect("\xEF\xBB\xBFname,v\n", "L1 [name][v]\n");
    expect("\xEF\xBB\xBF", "");
    expect("\xEF\xBB\xBF\n\na\n", "L3 [a]\n");
    /* only the first BOM is special; later U+FEFF is ordinary data */
    expect("a\n\xEF\xBB\xBF" "b\n", "L1 [a]\nL2 [\xEF\xBB\xBF" "b]\n");
    expect("\n\na\n\n\r\n\rb\n\n", "L3 [a]\nL7 [b]\n");
    expect("\n\n\n", "");
    expect(" \n", "L1 [ ]\n"); /* a space is not blank: it is a field */
}

static void test_chinese_utf8(void **state)
{
    (void)state;
    expect("站点,PM2.5\n\"北京,海淀\",35\n万寿西宫,\"“优”\"\n",
           "L1 [站点][PM2.5]\nL2 [北京,海淀][35]\nL3 [万寿西宫][“优”]\n");
    /* four-byte sequences and the extremes of the valid ranges */
    expect("\xF0\x9F\x98\x80,\xF4\x8F\xBF\xBF,\xEF\xBF\xBF,\xC2\x80\n",
           "L1 [\xF0\x9F\x98\x80][\xF4\x8F\xBF\xBF][\xEF\xBF\xBF][\xC2\x80]\n");
}

static void test_nul_bytes_are_data(void **state)
{
    (void)state;
    static const char in[] = "a\0b,c\n";
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_mem(&c, in, sizeof in - 1, "t.csv");
    assert_int_equal(eco_csv_next(&c, &err), 1);
    assert_int_equal(eco_csv_nfields(&c), 2);
    eco_slice_t f = eco_csv_field(&c, 0);
    assert_int_equal(f.len, 3);
    assert_memory_equal(f.ptr, "a\0b", 3);
    eco_csv_close(&c);
}

static void test_field_access(void **state)
{
    (void)state;
    eco_csv_t c;
    eco_err_t err;
    static const char in[] = "one,two\n";
    eco_csv_open_mem(&c, in, sizeof in - 1, NULL);
    assert_int_equal(eco_csv_next(&c, &err), 1);
    assert_int_equal(eco_csv_nfields(&c), 2);
    assert_true(eco_slice_eq(eco_csv_field(&c, 1), "two"));
    /* fields are NUL-terminated in place */
    assert_string_equal(eco_csv_field(&c, 0).ptr, "one");
    /* beyond the last field: an empty slice, not a crash */
    eco_slice_t none = eco_csv_field(&c, 2);
    assert_int_equal(none.len, 0);
    assert_non_null(none.ptr);
    assert_int_equal(eco_csv_field(&c, 1000).len, 0);
    assert_int_equal(eco_csv_next(&c, &err), 0);
    assert_int_equal(c.records, 1);
    eco_csv_close(&c);
}

static void test_many_fields(void **state)
{
    (void)state;
    /* more fields than the initial 32 slots */
    eco_buf_t in = ECO_BUF_INIT;
    for (int i = 0; i < 1000; i++) eco_buf_printf(&in, "%s%d", i ? "," : "", i);
    eco_buf_puts(&in, "\nx\n");
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_mem(&c, in.data, in.len, "t.csv");
    assert_int_equal(eco_csv_next(&c, &err), 1);
    assert_int_equal(eco_csv_nfields(&c), 1000);
    for (int i = 0; i < 1000; i++) {
        char want[16];
        snprintf(want, sizeof want, "%d", i);
        assert_true(eco_slice_eq(eco_csv_field(&c, (size_t)i), want));
    }
    assert_int_equal(eco_csv_next(&c, &err), 1);
    assert_int_equal(eco_csv_nfields(&c), 1);
    assert_int_equal(eco_csv_line(&c), 2);
    eco_csv_close(&c);
    eco_buf_free(&in);
}

static void test_empty_and_null_memory(void **state)
{
    (void)state;
    eco_csv_t c;
    eco_err_t err;
    /* a NULL block of length 0 is an empty input (it used to be taken for a
     * FILE source and fread(NULL) crashed) */
    eco_csv_open_mem(&c, NULL, 0, NULL);
    assert_int_equal(eco_csv_next(&c, &err), 0);
    assert_int_equal(eco_csv_next(&c, &err), 0);
    eco_csv_close(&c);
    eco_csv_close(&c); /* close twice is harmless */
}

/* ---- errors and resynchronisation ------------------------------------- */

static void test_quote_errors_resync(void **state)
{
    (void)state;
    expect("\"a\"x,b\nok,1\n",
           "E-10 t.csv:1:1: unexpected 'x' after the closing quote of a quoted field\nL2 [ok][1]\n");
    expect("h\n1,\"a\" ,3\n2,b,c\n",
           "L1 [h]\nE-10 t.csv:2:2: unexpected ' ' after the closing quote of a quoted field\nL3 [2][b][c]\n");
    /* the error is reported at the physical line of the bad byte, the next
     * record keeps its own line number */
    expect("\"multi\nline\"!,x\nnext\n",
           "E-10 t.csv:2:1: unexpected '!' after the closing quote of a quoted field\nL3 [next]\n");
    /* non-printable bytes are shown in hex, never raw */
    expect("\"a\"\t\nb\n", "E-10 t.csv:1:1: unexpected byte 0x09 after the closing quote of a quoted field\nL2 [b]\n");
    /* resync works with lone-CR line ends too */
    expect("\"a\"b\rc\rd\r",
           "E-10 t.csv:1:1: unexpected 'b' after the closing quote of a quoted field\nL2 [c]\nL3 [d]\n");
    expect("\"a\"b\r\nc\r\n",
           "E-10 t.csv:1:1: unexpected 'b' after the closing quote of a quoted field\nL2 [c]\n");
    /* several errors in a row, each on its own line */
    expect("\"a\"1\n\"b\"2\n\"c\"3\nok\n",
           "E-10 t.csv:1:1: unexpected '1' after the closing quote of a quoted field\n"
           "E-10 t.csv:2:1: unexpected '2' after the closing quote of a quoted field\n"
           "E-10 t.csv:3:1: unexpected '3' after the closing quote of a quoted field\nL4 [ok]\n");
}

static void test_unterminated_quote_at_eof(void **state)
{
    (void)state;
    expect("a,b\n\"open,1\n2,3\n",
           "L1 [a][b]\nE-10 t.csv:2:1: quoted field opened on line 2 is never closed\n");
    expect("x,\"", "E-10 t.csv:1:2: quoted field opened on line 1 is never closed\n");
    expect("\"", "E-10 t.csv:1:1: quoted field opened on line 1 is never closed\n");
    expect("\n\nk,\"a\"\"", "E-10 t.csv:3:2: quoted field opened on line 3 is never closed\n");
}

#define ENC_MSG "; is the file GBK? convert it with iconv -f GBK -t UTF-8"

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect("ok\n\xff\nfine\n", "L1 [ok]\nE-12 t.csv:2:1: not valid UTF-8 (byte 0xFF)" ENC_MSG "\nL3 [fine]\n");
    /* an invalid byte right after ASCII in an unquoted field (this one used
     * to slip through the fast path unchecked) */
    expect("ok\nbad\xfe,x\nfine\n", "L1 [ok]\nE-12 t.csv:2:1: not valid UTF-8 (byte 0xFE)" ENC_MSG "\nL3 [fine]\n");
    expect("a,b\xb5\n", "E-12 t.csv:1:2: not valid UTF-8 (byte 0xB5)" ENC_MSG "\n");
    /* GBK "站点" = D5 BE B5 E3: D5 BE happens to be valid UTF-8, B5 is not */
    expect("id,\xd5\xbe\xb5\xe3\nnext\n", "E-12 t.csv:1:2: not valid UTF-8 (byte 0xB5)" ENC_MSG "\nL2 [next]\n");
    /* inside a quoted field */
    expect("\"x\xc3(\"\nn\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x28)" ENC_MSG "\nL2 [n]\n");
    /* overlong, surrogate, beyond U+10FFFF, lone continuation */
    expect("\xc0\xaf\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0xC0)" ENC_MSG "\n");
    expect("\xe0\x80\x80\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x80)" ENC_MSG "\n");
    expect("\xed\xa0\x80\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0xA0)" ENC_MSG "\n");
    expect("\xf4\x90\x80\x80\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x90)" ENC_MSG "\n");
    expect("\xf0\x8f\xbf\xbf\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x8F)" ENC_MSG "\n");
    expect("\x80\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x80)" ENC_MSG "\n");
    /* a sequence cut by the end of the line: the newline is not swallowed */
    expect("a\xe4\n b\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x0A)" ENC_MSG "\nL2 [ b]\n");
    expect("a\xe4\rb\rc\r", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x0D)" ENC_MSG "\nL2 [b]\nL3 [c]\n");
    expect("a\xe4\r\nb\r\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x0D)" ENC_MSG "\nL2 [b]\n");
    expect("\xe4,\n", "E-12 t.csv:1:1: not valid UTF-8 (byte 0x2C)" ENC_MSG "\n");
    /* cut by the end of input */
    expect("ok\na\xe4\xb8", "L1 [ok]\nE-12 t.csv:2:1: not valid UTF-8 (truncated sequence at end)\n");
    /* line numbers after quoted newlines */
    expect("\"1\n2\n3\",\xff\nz\n", "E-12 t.csv:3:2: not valid UTF-8 (byte 0xFF)" ENC_MSG "\nL4 [z]\n");
}

static void test_error_messages_name_and_default_names(void **state)
{
    (void)state;
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_mem(&c, "\xff", 1, NULL);
    assert_int_equal(eco_csv_next(&c, &err), ECO_ECSV_ENCODING);
    assert_int_equal(err.code, ECO_ECSV_ENCODING);
    assert_non_null(strstr(err.msg, "<memory>:1:1: "));
    eco_csv_close(&c);

    FILE *f = file_with("\"", 1);
    eco_csv_open_file(&c, f, NULL);
    assert_int_equal(eco_csv_next(&c, &err), ECO_ECSV_QUOTE);
    assert_non_null(strstr(err.msg, "-:1:1: "));
    eco_csv_close(&c);
    fclose(f);

    /* err may be NULL */
    eco_csv_open_mem(&c, "\xff\nok\n", 5, "n.csv");
    assert_int_equal(eco_csv_next(&c, NULL), ECO_ECSV_ENCODING);
    assert_int_equal(eco_csv_next(&c, NULL), 1);
    assert_int_equal(eco_csv_line(&c), 2);
    eco_csv_close(&c);
}

static void test_read_error_is_reported_once(void **state)
{
    (void)state;
    /* a stream opened for writing only: fread fails with ferror set */
    FILE *f = fopen("/dev/null", "w");
    assert_non_null(f);
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_file(&c, f, "w.csv");
    assert_int_equal(eco_csv_next(&c, &err), ECO_EIO);
    assert_non_null(strstr(err.msg, "w.csv:1: read error"));
    assert_int_equal(eco_csv_next(&c, &err), 0); /* final, not an endless loop */
    eco_csv_close(&c);
    fclose(f);
}

/* ---- the 64 KiB read boundary ------------------------------------------ */

/* Records whose every byte offset we put on the boundary. */
static const struct {
    const char *in;   /* the record as written, including its end */
    const char *want; /* its transcript line, with line number placeholder %zu */
    int lines;        /* physical lines it spans */
} tricky[] = {
    {"a,b\r\n", "L%zu [a][b]\n", 1},
    {"a,b\r", "L%zu [a][b]\n", 1},
    {"\"q,\"\"x\"\"\r\ny\",z\r\n", "L%zu [q,\"x\"\r\ny][z]\n", 2},
    {"\"l1\rl2\",\"\"\r", "L%zu [l1\rl2][]\n", 2},
    {"中文,\"北京\xe2\x80\x9c海淀\xe2\x80\x9d\"\n", "L%zu [中文][北京“海淀”]\n", 1},
    {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80,x\n", "L%zu [\xf0\x9f\x98\x80\xf0\x9f\x98\x80][x]\n", 1},
    {"v\r\n\n\r", "L%zu [v]\n", 3}, /* then blank CRLF, LF and CR lines */
    {"\"\"\"\"\"\",\n", "L%zu [\"\"][]\n", 1},
    {"\"a\"x\n", "E-10 t.csv:%zu:1: unexpected 'x' after the closing quote of a quoted field\n", 1},
    {"ab\xe4\xb8\n", "E-12 t.csv:%zu:1: not valid UTF-8 (byte 0x0A)" ENC_MSG "\n", 1},
    {"ab\xe4\xb8\r\n", "E-12 t.csv:%zu:1: not valid UTF-8 (byte 0x0D)" ENC_MSG "\n", 1},
    {"ab\xff\xfe\xfd\r", "E-12 t.csv:%zu:1: not valid UTF-8 (byte 0xFF)" ENC_MSG "\n", 1},
};

static void test_records_across_read_boundary(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof tricky / sizeof tricky[0]; t++) {
        size_t tlen = strlen(tricky[t].in);
        /* the boundary falls `o` bytes into the tricky record */
        for (size_t o = 0; o <= tlen; o++) {
            eco_buf_t in = ECO_BUF_INIT, want = ECO_BUF_INIT;
            /* line 1: 'p' * (CHUNK - o - 1) + '\n', so the record starts at CHUNK - o */
            size_t pad = CHUNK - o - 1;
            assert_int_equal(eco_buf_reserve(&in, pad + tlen + 16), 0);
            memset(in.data, 'p', pad);
            in.len = pad;
            eco_buf_putc(&in, '\n');
            eco_buf_puts(&in, tricky[t].in);
            eco_buf_puts(&in, "end,1\n");
            eco_buf_putc(&want, 'L');
            eco_buf_putc(&want, '1');
            eco_buf_putc(&want, ' ');
            eco_buf_putc(&want, '[');
            eco_buf_append(&want, in.data, pad);
            eco_buf_puts(&want, "]\n");
            eco_buf_printf(&want, tricky[t].want, (size_t)2);
            eco_buf_printf(&want, "L%d [end][1]\n", 2 + tricky[t].lines);

            char *m = read_mem(in.data, in.len);
            char *f = read_file(in.data, in.len);
            if (strcmp(f, want.data) != 0 || strcmp(m, want.data) != 0)
                print_error("tricky record %zu, boundary at byte %zu\n", t, o);
            assert_string_equal(m, want.data);
            assert_string_equal(f, want.data);
            free(m);
            free(f);
            eco_buf_free(&in);
            eco_buf_free(&want);
        }
    }
}

static void test_bom_then_big_file(void **state)
{
    (void)state;
    /* BOM + a single field longer than two read chunks */
    size_t n = 3 * CHUNK + 17;
    char *in = malloc(n + 8);
    assert_non_null(in);
    memcpy(in, "\xEF\xBB\xBF\"", 4);
    memset(in + 4, 'z', n - 4);
    memcpy(in + n, "\",1\n", 4);
    char *m = read_mem(in, n + 4);
    char *f = read_file(in, n + 4);
    assert_string_equal(m, f);
    assert_int_equal(strlen(m), strlen("L1 [") + (n - 4) + strlen("][1]\n"));
    assert_memory_equal(m, "L1 [zzz", 7);
    free(m);
    free(f);
    free(in);
}

/* A deterministic pseudo-random document of ~600 KiB mixing every feature;
 * memory, tmpfile and fmemopen sources must agree on all of it. */
static uint32_t rng_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

static void test_mixed_document_mem_equals_file(void **state)
{
    (void)state;
    static const char *pieces[] = {
        "abc", "12.5", "", "北京", "\"q,uo\"\"te\"", "\"multi\nline\"", "\"cr\r\nlf\"", "\xf0\x9f\x98\x80",
        "\"\"", "x\"y", "\xff", "\"bad\"x", "\xe4\xb8", " ", "\"ok\"", "\"\xe4\xb8\xad\"",
    };
    static const char *ends[] = {"\n", "\r\n", "\r", "\n\n", "\r\n\r\n"};
    eco_buf_t in = ECO_BUF_INIT;
    size_t want_ok = 0;
    while (in.len < 10 * CHUNK) {
        int nf = 1 + (int)rnd(6), clean = 1;
        for (int i = 0; i < nf; i++) {
            uint32_t p = rnd(sizeof pieces / sizeof pieces[0]);
            if (p == 10 || p == 11 || p == 12) clean = 0;
            if (i) eco_buf_putc(&in, ',');
            eco_buf_puts(&in, pieces[p]);
        }
        eco_buf_puts(&in, ends[rnd(5)]);
        want_ok += clean;
    }
    char *m = read_mem(in.data, in.len);
    char *f = read_file(in.data, in.len);
    assert_string_equal(m, f);
    /* every clean record came through as a record */
    size_t got_ok = 0;
    for (const char *p = m; *p; p++) got_ok += *p == 'L' && (p == m || p[-1] == '\n');
    assert_true(got_ok >= want_ok);

    FILE *mf = fmemopen(in.data, in.len, "r");
    assert_non_null(mf);
    eco_csv_t c;
    eco_csv_open_file(&c, mf, "t.csv");
    char *fm = transcript_of(&c);
    eco_csv_close(&c);
    fclose(mf);
    assert_string_equal(m, fm);

    free(m);
    free(f);
    free(fm);
    eco_buf_free(&in);
}

/* Read sizes down to 4 bytes put a boundary at every offset of short inputs:
 * all must read like memory. (A preset in_cap below 4 is raised to 4 so the
 * first read still holds a whole BOM.) */
static void test_small_read_windows(void **state)
{
    (void)state;
    static const char *docs[] = {
        "\xEF\xBB\xBFh,v\r\n\"q,\"\"x\"\"\r\ny\",z\r\n\r\n中文,\"北京\"\r\xf0\x9f\x98\x80,1\n",
        "\"a\"x\nab\xe4\xb8\r\nok\r\"l1\rl2\",\"\"\r\n\n\"\"\"\"\"\",\nend",
        "a\xe4\rb\rc\r\"open,1\n2,3\n",
        "\xEF\xBB\xBF",
        "\xEF\xBB",
    };
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        size_t len = strlen(docs[d]);
        char *m = read_mem(docs[d], len);
        for (size_t w = 1; w <= len + 1; w++) {
            char *f = read_file_w(docs[d], len, w);
            if (strcmp(m, f) != 0) print_error("doc %zu, read size %zu\n", d, w);
            assert_string_equal(m, f);
            free(f);
        }
        free(m);
    }
    /* a BOM cut short is not a BOM */
    expect("\xEF\xBB", "E-12 t.csv:1:1: not valid UTF-8 (truncated sequence at end)\n");
}

/* Round trip: whatever eco_buf_put_csv_field writes, the reader gives back. */
static void test_writer_reader_round_trip(void **state)
{
    (void)state;
    static const char *fields[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\ronly", "crlf\r\n",
                                   "", "\"", "北京,\"海淀\"", ",", "\n"};
    const size_t nf = sizeof fields / sizeof fields[0];
    eco_buf_t out = ECO_BUF_INIT;
    for (int rec = 0; rec < 3; rec++) {
        for (size_t i = 0; i < nf; i++) {
            if (i) eco_buf_putc(&out, ',');
            assert_int_equal(eco_buf_put_csv_field(&out, fields[i], strlen(fields[i])), 0);
        }
        eco_buf_puts(&out, "\r\n");
    }
    eco_csv_t c;
    eco_err_t err;
    eco_csv_open_mem(&c, out.data, out.len, "rt.csv");
    for (int rec = 0; rec < 3; rec++) {
        assert_int_equal(eco_csv_next(&c, &err), 1);
        assert_int_equal(eco_csv_nfields(&c), nf);
        for (size_t i = 0; i < nf; i++) assert_true(eco_slice_eq(eco_csv_field(&c, i), fields[i]));
    }
    assert_int_equal(eco_csv_next(&c, &err), 0);
    eco_csv_close(&c);
    eco_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_records),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_embedded_newlines_keep_line_numbers),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_bom_and_blank_lines),
        cmocka_unit_test(test_chinese_utf8),
        cmocka_unit_test(test_nul_bytes_are_data),
        cmocka_unit_test(test_field_access),
        cmocka_unit_test(test_many_fields),
        cmocka_unit_test(test_empty_and_null_memory),
        cmocka_unit_test(test_quote_errors_resync),
        cmocka_unit_test(test_unterminated_quote_at_eof),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_error_messages_name_and_default_names),
        cmocka_unit_test(test_read_error_is_reported_once),
        cmocka_unit_test(test_records_across_read_boundary),
        cmocka_unit_test(test_bom_then_big_file),
        cmocka_unit_test(test_mixed_document_mem_equals_file),
        cmocka_unit_test(test_small_read_windows),
        cmocka_unit_test(test_writer_reader_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
