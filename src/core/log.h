/* log.h — one-line logging to stderr.
 *
 * Why: operators grep logs. Each line is "2026-04-11T08:00:03+08:00 WARN msg",
 * written with a single fwrite so concurrent lines do not interleave.
 */
#ifndef ECO_CORE_LOG_H
#define ECO_CORE_LOG_H

typedef enum { ECO_LOG_DEBUG, ECO_LOG_INFO, ECO_LOG_WARN, ECO_LOG_ERROR } eco_log_level_t;

void eco_log_set_level(eco_log_level_t lvl);
/** Lines without the time stamp (for CLI tools whose stderr a person reads). */
void eco_log_set_plain(int plain);
void eco_log(eco_log_level_t lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define eco_log_debug(...) eco_log(ECO_LOG_DEBUG, __VA_ARGS__)
#define eco_log_info(...) eco_log(ECO_LOG_INFO, __VA_ARGS__)
#define eco_log_warn(...) eco_log(ECO_LOG_WARN, __VA_ARGS__)
#define eco_log_error(...) eco_log(ECO_LOG_ERROR, __VA_ARGS__)

#endif
