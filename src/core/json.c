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

static void sep(eco_json_t *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (!j->first[j->depth]) eco_buf_putc(j->out, ',');
    j->first[j->depth] = 0;
}

static void open(eco_json_t *j, char c)
{
    sep(j);
    if (j->depth + 1 >= ECO_JSON_MAX_DEPTH) {
        j->error = ECO_ETOOBIG;
        return;
    }
    eco_buf_putc(j->out, c);
    j->first[++j->depth] = 1;
}

static void close_(eco_json_t *j, char c)
{
    if (j->depth == 0 || j->after_key) {
        j->error = ECO_EINVAL;
        return;
    }
    j->depth--;
    eco_buf_putc(j->out, c);
}

void eco_json_obj_begin(eco_json_t *j) { open(j, '{'); }
void eco_json_obj_end(eco_json_t *j) { close_(j, '}'); }
void eco_json_arr_begin(eco_json_t *j) { open(j, '['); }
void eco_json_arr_end(eco_json_t *j) { close_(j, ']'); }

static void put_escaped(eco_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    eco_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        if (c == '"') esc = "\\\"";
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
    if (j->after_key) j->error = ECO_EINVAL;
    sep(j);
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
