/* buf.h — length-carrying slices and a growable byte buffer.
 *
 * Why: parsers hand out views into their input (h2o's iovec) instead of
 * copying each field, and writers append into one buffer that grows
 * geometrically, so building a CSV line or a JSON document costs no malloc
 * per value. A slice is NOT NUL-terminated.
 */
#ifndef ECO_CORE_BUF_H
#define ECO_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct eco_slice {
    const char *ptr;
    size_t len;
} eco_slice_t;

#define ECO_SLICE_LIT(s) ((eco_slice_t){(s), sizeof(s) - 1})
eco_slice_t eco_slice_cstr(const char *s);
int eco_slice_eq(eco_slice_t a, const char *lit);        /* exact */
int eco_slice_ieq(eco_slice_t a, const char *lit);       /* ASCII case-insensitive */
eco_slice_t eco_slice_trim(eco_slice_t s);               /* ASCII blanks both ends */
/** A NUL-terminated malloc'd copy of s (free with free()), or NULL when out of memory. */
char *eco_slice_dup(eco_slice_t s);

/** Parse a whole slice as a finite decimal number (blanks around allowed). 0 or ECO_ENUMBER. */
int eco_slice_to_double(eco_slice_t s, double *out);

typedef struct eco_buf {
    char *data;  /* always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
    int oom;     /* sticky: an append failed; later appends are no-ops */
} eco_buf_t;

#define ECO_BUF_INIT {NULL, 0, 0, 0}
void eco_buf_free(eco_buf_t *b);
void eco_buf_reset(eco_buf_t *b);                 /* len = 0, keeps memory */
int eco_buf_reserve(eco_buf_t *b, size_t extra);  /* 0 or ECO_ENOMEM */
int eco_buf_append(eco_buf_t *b, const void *p, size_t n);
int eco_buf_puts(eco_buf_t *b, const char *s);
int eco_buf_putc(eco_buf_t *b, char c);
int eco_buf_printf(eco_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int eco_buf_vprintf(eco_buf_t *b, const char *fmt, va_list ap);
/** Shortest decimal that round-trips, or fixed decimals when prec >= 0. */
int eco_buf_put_double(eco_buf_t *b, double v, int prec);
/** Append s as one CSV field (quoted when it holds , " CR or LF). */
int eco_buf_put_csv_field(eco_buf_t *b, const char *s, size_t n);
/** Write out and reset; 0 or ECO_EIO. */
int eco_buf_flush(eco_buf_t *b, FILE *f);

#endif
