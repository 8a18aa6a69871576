/* csv.h — streaming RFC 4180 reader.
 *
 * Why our own: monitoring exports arrive as CSV of every flavour (Excel's BOM,
 * CRLF, quoted Chinese names with commas, embedded newlines), and a bad row
 * must be reported by line number without losing the rows around it. The
 * reader pulls one record at a time from a FILE or a memory block, keeps the
 * record in one reusable buffer (no malloc per field) and, after a malformed
 * record, resynchronises at the next line so the caller can go on.
 *
 * Rules: fields separated by ',', records by LF or CRLF (a lone CR too);
 * a field that starts with '"' is quoted: '""' is a quote, and commas and
 * newlines inside are data; after the closing quote only ',' or end of record
 * may follow. A quote inside an unquoted field is kept literally. A UTF-8 BOM
 * at the start is skipped. Bytes must be valid UTF-8. Blank lines are skipped.
 */
#ifndef ECO_CORE_CSV_H
#define ECO_CORE_CSV_H

#include <stdio.h>

#include "core/buf.h"
#include "core/error.h"

typedef struct eco_csv {
    /* source */
    FILE *f;
    const char *mem;
    size_t mem_len, mem_pos;
    const char *name; /* for messages: "data.csv" or "-" */
    /* input window */
    char *in;
    size_t in_len, in_pos;
    size_t in_cap;     /* FILE read size: 64 KiB unless set (>= 4) between open and the first next */
    int eof;
    /* current record */
    eco_buf_t rec;     /* field bytes, each field NUL-terminated */
    size_t *ends;      /* offset of each field's end within rec */
    size_t nfields, cap_fields;
    size_t line;       /* physical line where the current record starts (1-based) */
    size_t next_line;  /* physical line of the next unread byte */
    int started;
    unsigned long long records;
} eco_csv_t;

/** Read from an open FILE (not closed by eco_csv_close). name is for messages. */
void eco_csv_open_file(eco_csv_t *c, FILE *f, const char *name);
/** Read from memory (not copied; must outlive the reader). */
void eco_csv_open_mem(eco_csv_t *c, const char *data, size_t len, const char *name);
void eco_csv_close(eco_csv_t *c);

/** Next record: 1 = a record is ready, 0 = end of input, < 0 = error (err says
 *  "name:line:col: what", col being the 1-based field); after ECO_ECSV_* the
 *  reader has skipped to the next physical line and can go on. ECO_ENOMEM and
 *  ECO_EIO are final: the following call returns 0. */
int eco_csv_next(eco_csv_t *c, eco_err_t *err);

static inline size_t eco_csv_nfields(const eco_csv_t *c) { return c->nfields; }
/** Field i (0-based) of the current record; empty slice beyond the last. */
eco_slice_t eco_csv_field(const eco_csv_t *c, size_t i);
/** Physical line where the current record started. */
static inline size_t eco_csv_line(const eco_csv_t *c) { return c->line; }

#endif
