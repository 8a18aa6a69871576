/* json.c — streaming JSON writer (see json.h). */
#include "core/json.h"

#include <inttypes.h>
#include <string.h>

#include "core/error.h"

void eco_json_init(eco_json_t *j, eco_buf_t *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->first[0] = 1;
}

/* Before a value: the comma, and the checks that a value may go here. */
static void sep(eco_json_t *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->obj[j->depth]) j->error = ECO_EINVAL;                       /* value without a key */
    else if (j->depth == 0 && !j->first[0]) j->error = ECO_EINVAL;     /* second top-level value */
    if (!j->first[j->depth]) eco_buf_putc(j->out, ',');
    j->first[j->depth] = 0;
}

static void open_(eco_json_t *j, char c, int is_obj)
{
    sep(j);
    if (j->depth + 1 >= ECO_JSON_MAX_DEPTH) {
        j->error = ECO_ETOOBIG;
        return;
    }
    eco_buf_putc(j->out, c);
    j->depth++;
    j->first[j->depth] = 1;
    j->obj[j->depth] = (unsigned char)is_obj;
}

static void close_(eco_json_t *j, char c, int is_obj)
{
    if (j->depth == 0 || j->after_key || j->obj[j->depth] != is_obj) {
        j->error = ECO_EINVAL;
        return;
    }
    j->depth--;
    eco_buf_putc(j->out, c);
}

void eco_json_obj_begin(eco_json_t *j) { open_(j, '{', 1); }
void eco_json_obj_end(eco_json_t *j) { close_(j, '}', 1); }
void eco_json_arr_begin(eco_json_t *j) { open_(j, '[', 0); }
void eco_json_arr_end(eco_json_t *j) { close_(j, ']', 0); }

/* Length of the valid UTF-8 sequence starting at s[i] (2..4), or 0. */
static size_t utf8_len(const unsigned char *s, size_t i, size_t n)
{
    unsigned char c = s[i], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F; /* no surrogates */
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return 0;
    if (n - i < len) return 0;
    for (size_t k = 1; k < len; k++) {
        if (s[i + k] < lo || s[i + k] > hi) return 0;
        lo = 0x80, hi = 0xBF;
    }
    return len;
}

static void put_escaped(eco_buf_t *b, const char *s0, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)s0;
    eco_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        const char *esc = NULL;
        char u[7];
        if (c >= 0x80) {
            size_t len = utf8_len(s, i, n);
            if (len) {
                i += len - 1; /* valid: part of the run */
                continue;
            }
            esc = "\\ufffd";
        } else if (c == '"') esc = "\\\"";
        else if (c == '\\') esc = "\\\\";
        else if (c == '\n') esc = "\\n";
        else if (c == '\r') esc = "\\r";
        else if (c == '\t') esc = "\\t";
        else if (c < 0x20) {
            memcpy(u, "\\u00", 4);
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            esc = u;
        }
        if (esc) {
            eco_buf_append(b, s + run, i - run);
            eco_buf_puts(b, esc);
            run = i + 1;
        }
    }
    eco_buf_append(b, s + run, n - run);
    eco_buf_putc(b, '"');
}

void eco_json_key(eco_json_t *j, const char *k)
{
    if (j->after_key || !j->obj[j->depth]) j->error = ECO_EINVAL;
    j->after_key = 0;
    if (!j->first[j->depth]) eco_buf_putc(j->out, ',');
    j->first[j->depth] = 0;
    put_escaped(j->out, k, strlen(k));
    eco_buf_putc(j->out, ':');
    j->after_key = 1;
}

void eco_json_strn(eco_json_t *j, const char *s, size_t n)
{
    sep(j);
    put_escaped(j->out, s, n);
}

void eco_json_str(eco_json_t *j, const char *s)
{
    if (!s) {
        eco_json_null(j);
        return;
    }
    eco_json_strn(j, s, strlen(s));
}

void eco_json_num(eco_json_t *j, double v, int prec)
{
    sep(j);
    eco_buf_put_double(j->out, v, prec);
}

void eco_json_int(eco_json_t *j, int64_t v)
{
    sep(j);
    eco_buf_printf(j->out, "%" PRId64, v);
}

void eco_json_bool(eco_json_t *j, int v)
{
    sep(j);
    eco_buf_puts(j->out, v ? "true" : "false");
}

int eco_json_number_ok(const char *s, size_t n)
{
    /* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — not ".5", "1.", "01", "+1" */
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    if (i >= n || s[i] < '0' || s[i] > '9') return 0;
    if (s[i] == '0') i++;
    else
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    return i == n;
}

void eco_json_number_text(eco_json_t *j, const char *s, size_t n)
{
    /* only what a JSON number may hold; anything else would corrupt the document */
    if (!eco_json_number_ok(s, n)) {
        j->error = ECO_EINVAL;
        eco_json_null(j);
        return;
    }
    sep(j);
    eco_buf_append(j->out, s, n);
}

void eco_json_null(eco_json_t *j)
{
    sep(j);
    eco_buf_puts(j->out, "null");
}

int eco_json_status(const eco_json_t *j)
{
    if (j->error) return j->error;
    if (j->out->oom) return ECO_ENOMEM;
    return 0;
}
