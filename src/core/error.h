/* error.h — one table of error codes for all of ecobrain.
 *
 * Why: every module returns 0 or a negative ECO_E* code (libuv's convention),
 * so a caller can propagate any failure without translating it, and every code
 * has a stable name (for logs and JSON) and a sentence (for people). What went
 * wrong *where* (file:line:column, packet offset, field) travels beside the
 * code in a caller-owned eco_err_t, never in a global.
 */
#ifndef ECO_CORE_ERROR_H
#define ECO_CORE_ERROR_H

#include <stddef.h>

/* X(name, value, message). Values are stable: never renumber, only append. */
#define ECO_ERRNO_MAP(X)                                                     \
    X(NOMEM, -1, "out of memory")                                            \
    X(INVAL, -2, "invalid argument")                                         \
    X(IO, -3, "input/output error")                                          \
    X(NOENT, -4, "no such file or entity")                                   \
    X(PARSE, -5, "malformed input")                                          \
    X(RANGE, -6, "value out of range")                                       \
    X(MISSING, -7, "required item missing")                                  \
    X(TOOBIG, -8, "input larger than the configured limit")                  \
    X(UNSUPPORTED, -9, "not supported")                                      \
    X(CSV_QUOTE, -10, "CSV: unterminated or misplaced quote")                \
    X(CSV_COLUMNS, -11, "CSV: wrong number of fields")                       \
    X(CSV_ENCODING, -12, "CSV: not valid UTF-8")                             \
    X(TIME_FORMAT, -13, "unrecognised date/time")                            \
    X(NUMBER, -14, "not a number")                                           \
    X(EDITION, -15, "no edition of the standard covers this date")           \
    X(NODATA, -16, "no valid data")                                          \
    X(USAGE, -17, "bad command-line usage")                                  \
    X(HJ212_FRAME, -18, "HJ 212: not a frame (header, length digits or trailer)") \
    X(HJ212_LEN, -19, "HJ 212: declared length differs from the data segment") \
    X(HJ212_CRC, -20, "HJ 212: CRC mismatch")                                  \
    X(HJ212_LEN_CRC, -21, "HJ 212: declared length and CRC both wrong")        \
    X(HJ212_TOOBIG, -22, "HJ 212: data segment longer than allowed")           \
    X(HJ212_SYNTAX, -23, "HJ 212: malformed data segment")                     \
    X(HJ212_CRYPTO, -24, "HJ 212: SM4 decryption failed or no key")          \
    X(CANCELED, -25, "cancelled: shutting down")                             \
    X(AUTH, -26, "not authorised: no or unknown token")                      \
    X(FORBIDDEN, -27, "forbidden: the token lacks the role")                 \
    X(BUSY, -28, "too many clients")

typedef enum {
    ECO_OK = 0,
#define ECO__ERR_ENUM(name, val, msg) ECO_E##name = (val),
    ECO_ERRNO_MAP(ECO__ERR_ENUM)
#undef ECO__ERR_ENUM
} eco_errno_t;

/** Sentence for a code ("malformed input"); unknown codes get a generic text. */
const char *eco_strerror(int code);
/** Stable symbolic name for a code ("ECO_EPARSE"). */
const char *eco_err_name(int code);

/** Where and what: filled by a failing function, owned by the caller. */
typedef struct eco_err {
    int code;       /* ECO_E* or 0 */
    char msg[512];  /* "file.csv:12:3: pm2_5: not a number: 'abc'" */
} eco_err_t;

/** Set err (may be NULL) and return code, so callers can `return eco_err_set(...)`. */
int eco_err_set(eco_err_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void eco_err_clear(eco_err_t *err);

#endif
