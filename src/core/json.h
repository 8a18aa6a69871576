/* json.h — a streaming JSON writer over eco_buf_t.
 *
 * Why our own: jansson builds a tree of mallocs per value; output paths write
 * thousands of rows, so they append straight into one buffer. The writer keeps
 * track of commas and nesting; strings are escaped per RFC 8259 (valid UTF-8
 * is passed through, control characters escaped, each byte of an invalid
 * UTF-8 sequence becomes U+FFFD so the output is always valid JSON). Misuse —
 * a value without its key inside an object, a key outside an object, a
 * mismatched or extra close, a second top-level value — sets the sticky
 * error. Reading JSON uses jansson.
 */
#ifndef ECO_CORE_JSON_H
#define ECO_CORE_JSON_H

#include <stdint.h>

#include "core/buf.h"

#define ECO_JSON_MAX_DEPTH 32

typedef struct eco_json {
    eco_buf_t *out;
    int depth;
    unsigned char first[ECO_JSON_MAX_DEPTH]; /* 1 = nothing written yet at this level */
    unsigned char obj[ECO_JSON_MAX_DEPTH];   /* 1 = this level is an object */
    int after_key;
    int error;                               /* sticky: misuse or out of memory */
} eco_json_t;

void eco_json_init(eco_json_t *j, eco_buf_t *out);
void eco_json_obj_begin(eco_json_t *j);
void eco_json_obj_end(eco_json_t *j);
void eco_json_arr_begin(eco_json_t *j);
void eco_json_arr_end(eco_json_t *j);
void eco_json_key(eco_json_t *j, const char *k);
void eco_json_str(eco_json_t *j, const char *s);
void eco_json_strn(eco_json_t *j, const char *s, size_t n);
/** Non-finite numbers are written as null. prec < 0: shortest round-trip form. */
void eco_json_num(eco_json_t *j, double v, int prec);
void eco_json_int(eco_json_t *j, int64_t v);
void eco_json_bool(eco_json_t *j, int v);
/** A number already formatted (e.g. with fixed decimals); text that is not a
 *  JSON number is refused (sticky ECO_EINVAL, null written). */
void eco_json_number_text(eco_json_t *j, const char *s, size_t n);
/** 1 when s[0..n) is a number as JSON writes it (RFC 8259: no ".5", "1.", "01", "+1"). */
int eco_json_number_ok(const char *s, size_t n);
void eco_json_null(eco_json_t *j);
/** 0 when every call was well-formed and memory sufficed. */
int eco_json_status(const eco_json_t *j);

#endif
