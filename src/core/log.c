/* log.c — see log.h. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "core/time.h"

static eco_log_level_t g_level = ECO_LOG_INFO;
static int g_plain;

void eco_log_set_level(eco_log_level_t lvl) { g_level = lvl; }
void eco_log_set_plain(int plain) { g_plain = plain; }

void eco_log(eco_log_level_t lvl, const char *fmt, ...)
{
    static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    char line[2048];
    int n = 0;
    if (lvl < g_level) return;
    if ((unsigned)lvl > ECO_LOG_ERROR) lvl = ECO_LOG_ERROR; /* names[] index */
    if (!g_plain) {
        char ts[40];
        eco_time_format_iso(eco_time_from_utc((int64_t)time(NULL)), ts, sizeof ts);
        n = snprintf(line, sizeof line, "%s %s ", ts, names[lvl]);
    } else if (lvl >= ECO_LOG_WARN) {
        n = snprintf(line, sizeof line, "ecobrain: %s: ", lvl == ECO_LOG_WARN ? "warning" : "error");
    } else {
        n = snprintf(line, sizeof line, "ecobrain: ");
    }
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0) m = 0;
    n += m;
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    fwrite(line, 1, (size_t)n, stderr);
}
