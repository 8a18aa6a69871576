/* buf.c — slices and the growable buffer (see buf.h). */
#include "core/buf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

eco_slice_t eco_slice_cstr(const char *s) { return (eco_slice_t){s, s ? strlen(s) : 0}; }

int eco_slice_eq(eco_slice_t a, const char *lit)
{
    size_t n = strlen(lit);
    return a.len == n && (n == 0 || memcmp(a.ptr, lit, n) == 0); /* a.ptr may be NULL when empty */
}

int eco_slice_ieq(eco_slice_t a, const char *lit)
{
    size_t n = strlen(lit);
    if (a.len != n) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a.ptr[i], y = (unsigned char)lit[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return 0;
    }
    return 1;
}

eco_slice_t eco_slice_trim(eco_slice_t s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
        s.ptr++;
        s.len--;
    }
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t')) s.len--;
    return s;
}

char *eco_slice_dup(eco_slice_t s)
{
    char *d = malloc(s.len + 1);
    if (!d) return NULL;
    if (s.len) memcpy(d, s.ptr, s.len);
    d[s.len] = 0;
    return d;
}

int eco_slice_to_double(eco_slice_t s, double *out)
{
    char tmp[64];
    char *end;
    s = eco_slice_trim(s);
    if (s.len == 0 || s.len >= sizeof tmp) return ECO_ENUMBER;
    /* strtod accepts hex, inf and nan; monitoring data never uses them. */
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return ECO_ENUMBER;
    }
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + s.len || errno == ERANGE || !isfinite(v)) return ECO_ENUMBER;
    *out = v;
    return 0;
}

void eco_buf_free(eco_buf_t *b)
{
    eco_free(b->data, b->cap);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

void eco_buf_reset(eco_buf_t *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

int eco_buf_reserve(eco_buf_t *b, size_t extra)
{
    if (b->oom) return ECO_ENOMEM;
    if (extra > ((size_t)-1) / 2 - b->len) { /* len + extra + 1 would overflow */
        b->oom = 1;
        return ECO_ENOMEM;
    }
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < b->len + extra + 1) {
        if (ncap > ((size_t)-1) / 2) {
            b->oom = 1;
            return ECO_ENOMEM;
        }
        ncap *= 2;
    }
    char *p = eco_realloc(b->data, b->cap, ncap);
    if (!p) {
        b->oom = 1;
        return ECO_ENOMEM;
    }
    b->data = p;
    b->cap = ncap;
    return 0;
}

int eco_buf_append(eco_buf_t *b, const void *p, size_t n)
{
    if (eco_buf_reserve(b, n)) return ECO_ENOMEM;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int eco_buf_puts(eco_buf_t *b, const char *s) { return eco_buf_append(b, s, strlen(s)); }

int eco_buf_putc(eco_buf_t *b, char c) { return eco_buf_append(b, &c, 1); }

int eco_buf_vprintf(eco_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return ECO_EINVAL;
    if (eco_buf_reserve(b, (size_t)n)) return ECO_ENOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int eco_buf_printf(eco_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = eco_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int eco_buf_put_double(eco_buf_t *b, double v, int prec)
{
    char tmp[64];
    if (!isfinite(v)) return eco_buf_puts(b, "null");
    if (prec >= 0) {
        /* %f of a large value or a large prec does not fit tmp: write it
         * directly rather than truncate digits (it cannot be a "-0") */
        if (snprintf(tmp, sizeof tmp, "%.*f", prec, v) >= (int)sizeof tmp) return eco_buf_printf(b, "%.*f", prec, v);
    } else {
        /* shortest of %.15g..%.17g that reads back exactly */
        for (int p = 15; p <= 17; p++) {
            snprintf(tmp, sizeof tmp, "%.*g", p, v);
            if (strtod(tmp, NULL) == v) break;
        }
    }
    if (strcmp(tmp, "-0") == 0 || (tmp[0] == '-' && strspn(tmp + 1, "0.") == strlen(tmp + 1)))
        memmove(tmp, tmp + 1, strlen(tmp)); /* never print "-0.0" */
    return eco_buf_puts(b, tmp);
}

int eco_buf_put_csv_field(eco_buf_t *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') quote = 1;
    if (!quote) return eco_buf_append(b, s, n);
    if (eco_buf_putc(b, '"')) return ECO_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' && eco_buf_putc(b, '"')) return ECO_ENOMEM;
        if (eco_buf_putc(b, s[i])) return ECO_ENOMEM;
    }
    return eco_buf_putc(b, '"');
}

int eco_buf_flush(eco_buf_t *b, FILE *f)
{
    if (b->oom) return ECO_ENOMEM;
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len) return ECO_EIO;
    eco_buf_reset(b);
    return 0;
}
