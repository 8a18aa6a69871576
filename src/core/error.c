/* error.c — the error table (see error.h for why there is only one). */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *eco_strerror(int code)
{
    switch (code) {
    case 0: return "success";
#define ECO__ERR_MSG(name, val, msg) case (val): return msg;
    ECO_ERRNO_MAP(ECO__ERR_MSG)
#undef ECO__ERR_MSG
    }
    return "unknown error";
}

const char *eco_err_name(int code)
{
    switch (code) {
    case 0: return "ECO_OK";
#define ECO__ERR_NAME(name, val, msg) case (val): return "ECO_E" #name;
    ECO_ERRNO_MAP(ECO__ERR_NAME)
#undef ECO__ERR_NAME
    }
    return "ECO_EUNKNOWN";
}

int eco_err_set(eco_err_t *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void eco_err_clear(eco_err_t *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}
