/* csv.c — streaming RFC 4180 reader (see csv.h for the rules). */
#include "core/csv.h"

#include <string.h>

#include "core/alloc.h"

#define IN_CHUNK 65536

void eco_csv_open_file(eco_csv_t *c, FILE *f, const char *name)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->name = name ? name : "-";
    c->next_line = 1;
}

void eco_csv_open_mem(eco_csv_t *c, const char *data, size_t len, const char *name)
{
    memset(c, 0, sizeof *c);
    /* a NULL block of length 0 is a valid empty input; c->mem must stay
     * non-NULL because it is what tells fill() this is not a FILE source */
    c->mem = data && len ? data : "";
    c->mem_len = data ? len : 0;
    c->name = name ? name : "<memory>";
    c->next_line = 1;
}

void eco_csv_close(eco_csv_t *c)
{
    eco_free(c->in, c->in_cap);
    eco_free(c->ends, c->cap_fields * sizeof *c->ends);
    eco_buf_free(&c->rec);
    c->in = NULL;
    c->ends = NULL;
}

enum { FILL_NOMEM = -1, FILL_IO = -2 };

/* Make at least one unread byte available: 1, 0 at end of input, or
 * FILL_NOMEM / FILL_IO (both final: eof is set so later calls return 0). */
static int fill(eco_csv_t *c)
{
    if (c->in_pos < c->in_len) return 1;
    if (c->eof) return 0;
    if (c->mem) {
        /* memory source: expose the rest directly, no copy */
        if (c->mem_pos >= c->mem_len) {
            c->eof = 1;
            return 0;
        }
        c->in = NULL;
        c->in_pos = 0;
        c->in_len = c->mem_len - c->mem_pos;
        c->mem_pos = c->mem_len;
        return 1;
    }
    if (!c->in) {
        /* in_cap preset by the caller (tests) picks a smaller read size; at
         * least 4 so that the first read holds a whole BOM */
        size_t cap = c->in_cap ? c->in_cap : IN_CHUNK;
        if (cap < 4) cap = 4;
        c->in = eco_malloc(cap);
        if (!c->in) {
            c->in_cap = 0;
            c->eof = 1;
            return FILL_NOMEM;
        }
        c->in_cap = cap;
    }
    size_t n = fread(c->in, 1, c->in_cap, c->f);
    c->in_pos = 0;
    c->in_len = n;
    if (n == 0) {
        c->eof = 1;
        return ferror(c->f) ? FILL_IO : 0;
    }
    return 1;
}

static inline const char *window(const eco_csv_t *c)
{
    return c->mem ? c->mem + (c->mem_len - c->in_len) : c->in;
}

static int end_field(eco_csv_t *c)
{
    if (c->nfields == c->cap_fields) {
        size_t ncap = c->cap_fields ? c->cap_fields * 2 : 32;
        size_t *p = eco_realloc(c->ends, c->cap_fields * sizeof *p, ncap * sizeof *p);
        if (!p) return ECO_ENOMEM;
        c->ends = p;
        c->cap_fields = ncap;
    }
    if (eco_buf_putc(&c->rec, '\0')) return ECO_ENOMEM;
    c->ends[c->nfields++] = c->rec.len - 1;
    return 0;
}

eco_slice_t eco_csv_field(const eco_csv_t *c, size_t i)
{
    if (i >= c->nfields) return (eco_slice_t){"", 0};
    size_t start = i ? c->ends[i - 1] + 1 : 0;
    return (eco_slice_t){c->rec.data + start, c->ends[i] - start};
}

/* Skip past the end of the current physical line (LF, CRLF or a lone CR)
 * after an error. */
static void resync(eco_csv_t *c)
{
    for (;;) {
        if (fill(c) <= 0) return;
        const char *w = window(c);
        while (c->in_pos < c->in_len) {
            char ch = w[c->in_pos++];
            if (ch == '\n') {
                c->next_line++;
                return;
            }
            if (ch == '\r') {
                if (fill(c) > 0 && window(c)[c->in_pos] == '\n') c->in_pos++;
                c->next_line++;
                return;
            }
        }
    }
}

/* Out of memory or a read error: report it and stop (the next call returns 0). */
static int fatal(eco_csv_t *c, eco_err_t *err, int code)
{
    c->nfields = 0;
    c->eof = 1;
    c->in_pos = c->in_len;
    if (code == ECO_EIO)
        return eco_err_set(err, ECO_EIO, "%s:%zu: read error", c->name, c->next_line);
    return eco_err_set(err, ECO_ENOMEM, "%s:%zu: out of memory reading CSV", c->name, c->next_line);
}

/* UTF-8 validation state across bytes: number of continuation bytes still due,
 * and the bounds the next one must satisfy (for overlongs and surrogates). */
typedef struct {
    int need;
    unsigned char lo, hi;
} utf8_t;

static int utf8_step(utf8_t *u, unsigned char b)
{
    if (u->need) {
        if (b < u->lo || b > u->hi) return -1;
        u->need--;
        u->lo = 0x80;
        u->hi = 0xBF;
        return 0;
    }
    if (b < 0x80) return 0;
    u->lo = 0x80;
    u->hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) u->need = 1;
    else if (b == 0xE0) u->need = 2, u->lo = 0xA0;
    else if (b >= 0xE1 && b <= 0xEC) u->need = 2;
    else if (b == 0xED) u->need = 2, u->hi = 0x9F;
    else if (b >= 0xEE && b <= 0xEF) u->need = 2;
    else if (b == 0xF0) u->need = 3, u->lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3) u->need = 3;
    else if (b == 0xF4) u->need = 3, u->hi = 0x8F;
    else return -1;
    return 0;
}

enum { ST_FIELD_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_IN_QUOTED };

int eco_csv_next(eco_csv_t *c, eco_err_t *err)
{
    eco_buf_reset(&c->rec);
    c->nfields = 0;
    int st = ST_FIELD_START;
    size_t col = 1, qline = 0;
    utf8_t u = {0, 0x80, 0xBF};
    int any = 0;    /* bytes seen in this record */
    int qcr = 0;    /* last byte inside the quoted field was a CR */

    if (!c->started) {
        c->started = 1;
        int r = fill(c);
        if (r < 0) return fatal(c, err, r == FILL_IO ? ECO_EIO : ECO_ENOMEM);
        if (r > 0) {
            const char *w = window(c);
            size_t avail = c->in_len - c->in_pos;
            /* never split: memory sources are seen whole, and a FILE's first
             * read asks for >= 4 bytes, which fread delivers unless the input
             * is shorter */
            if (avail >= 3 && memcmp(w + c->in_pos, "\xEF\xBB\xBF", 3) == 0) c->in_pos += 3;
        }
    }
    c->line = c->next_line;

    for (;;) {
        int r = fill(c);
        if (r < 0) return fatal(c, err, r == FILL_IO ? ECO_EIO : ECO_ENOMEM);
        if (r == 0) {
            /* end of input */
            if (st == ST_QUOTED) {
                c->nfields = 0;
                return eco_err_set(err, ECO_ECSV_QUOTE, "%s:%zu:%zu: quoted field opened on line %zu is never closed",
                                   c->name, c->line, col, qline);
            }
            if (u.need) {
                c->nfields = 0;
                return eco_err_set(err, ECO_ECSV_ENCODING, "%s:%zu:%zu: not valid UTF-8 (truncated sequence at end)",
                                   c->name, c->next_line, col);
            }
            if (!any) return 0;
            if (end_field(c)) return fatal(c, err, ECO_ENOMEM);
            c->records++;
            return 1;
        }
        const char *w = window(c);
        while (c->in_pos < c->in_len) {
            unsigned char ch = (unsigned char)w[c->in_pos];
            if (ch >= 0x80 || u.need) {
                if (utf8_step(&u, ch)) {
                    size_t line = c->next_line;
                    /* the offending byte may itself end the line: let resync see it */
                    if (ch != '\n' && ch != '\r') c->in_pos++;
                    resync(c);
                    c->nfields = 0;
                    return eco_err_set(err, ECO_ECSV_ENCODING,
                                       "%s:%zu:%zu: not valid UTF-8 (byte 0x%02X); is the file GBK? convert it with "
                                       "iconv -f GBK -t UTF-8",
                                       c->name, line, col, ch);
                }
            }
            switch (st) {
            case ST_FIELD_START:
                if (ch == '"') {
                    st = ST_QUOTED;
                    qline = c->next_line;
                    qcr = 0;
                    any = 1;
                    c->in_pos++;
                    continue;
                }
                st = ST_UNQUOTED;
                /* fall through */
            case ST_UNQUOTED: {
                /* fast path: copy the run of ordinary ASCII bytes at once */
                size_t s = c->in_pos;
                while (c->in_pos < c->in_len) {
                    unsigned char x = (unsigned char)w[c->in_pos];
                    if (x == ',' || x == '\n' || x == '\r' || x >= 0x80) break;
                    c->in_pos++;
                }
                if (c->in_pos > s) {
                    if (eco_buf_append(&c->rec, w + s, c->in_pos - s)) return fatal(c, err, ECO_ENOMEM);
                    any = 1;
                }
                if (c->in_pos == c->in_len) continue;
                ch = (unsigned char)w[c->in_pos];
                if (ch >= 0x80) {
                    /* a non-ASCII byte right after the run has not been through
                     * the UTF-8 check yet: go round so the loop head sees it */
                    if (c->in_pos > s) continue;
                    if (eco_buf_putc(&c->rec, (char)ch)) return fatal(c, err, ECO_ENOMEM);
                    c->in_pos++;
                    any = 1;
                    continue;
                }
                if (ch == ',') {
                    c->in_pos++;
                    any = 1;
                    if (end_field(c)) return fatal(c, err, ECO_ENOMEM);
                    col++;
                    st = ST_FIELD_START;
                    continue;
                }
                /* CR or LF: end of record */
                c->in_pos++;
                if (ch == '\r') {
                    if (fill(c) > 0) {
                        w = window(c);
                        if (w[c->in_pos] == '\n') c->in_pos++;
                    }
                }
                c->next_line++;
                if (!any) { /* blank line */
                    c->line = c->next_line;
                    st = ST_FIELD_START;
                    continue;
                }
                if (end_field(c)) return fatal(c, err, ECO_ENOMEM);
                c->records++;
                return 1;
            }
            case ST_QUOTED:
                c->in_pos++;
                if (ch == '"') {
                    st = ST_QUOTE_IN_QUOTED;
                    continue;
                }
                /* count physical lines the way records end: LF, CRLF, lone CR */
                if (ch == '\r' || (ch == '\n' && !qcr)) c->next_line++;
                qcr = ch == '\r';
                if (eco_buf_putc(&c->rec, (char)ch)) return fatal(c, err, ECO_ENOMEM);
                continue;
            case ST_QUOTE_IN_QUOTED:
                if (ch == '"') {
                    c->in_pos++;
                    if (eco_buf_putc(&c->rec, '"')) return fatal(c, err, ECO_ENOMEM);
                    st = ST_QUOTED;
                    qcr = 0;
                    continue;
                }
                if (ch == ',' || ch == '\n' || ch == '\r') {
                    st = ST_UNQUOTED; /* handled as a delimiter by the unquoted branch */
                    continue;
                }
                {
                    size_t line = c->next_line;
                    resync(c);
                    c->nfields = 0;
                    if (ch >= 0x20 && ch < 0x7F)
                        return eco_err_set(err, ECO_ECSV_QUOTE,
                                           "%s:%zu:%zu: unexpected '%c' after the closing quote of a quoted field",
                                           c->name, line, col, ch);
                    return eco_err_set(err, ECO_ECSV_QUOTE,
                                       "%s:%zu:%zu: unexpected byte 0x%02X after the closing quote of a quoted field",
                                       c->name, line, col, ch);
                }
            }
        }
    }
}
