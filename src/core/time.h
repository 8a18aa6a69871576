/* time.h — civil time in Beijing time (UTC+8), the only clock of Chinese monitoring data.
 *
 * Why: every standard speaks of "natural days", "hours 08:00–24:00" and months
 * in Beijing time, and China has had no daylight saving since 1991. So a time
 * is kept as seconds since 1970-01-01 00:00 *Beijing civil time* (not UTC):
 * the day is t / 86400, the hour of day (t % 86400) / 3600, with no tz
 * database and no locale. eco_time_to_utc() converts at the edges.
 *
 * Accepted input forms (eco_time_parse):
 *   YYYY-MM-DD HH:MM[:SS]   YYYY-MM-DDTHH:MM[:SS]   YYYY/MM/DD HH:MM[:SS]
 *   YYYYMMDDHHMMSS (HJ 212)  YYYYMMDDHHMM  YYYY-MM-DD (midnight)
 * optionally followed by "+08:00"/"+0800" (accepted), another offset or "Z"
 * (converted to Beijing). "24:00" means 00:00 of the next day.
 */
#ifndef ECO_CORE_TIME_H
#define ECO_CORE_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef int64_t eco_time_t; /* seconds since 1970-01-01 00:00 Beijing civil time */
typedef int32_t eco_day_t;  /* days since 1970-01-01 (Beijing) */

#define ECO_TZ_OFFSET_S (8 * 3600)
#define ECO_DAY_S 86400
#define ECO_HOUR_S 3600

/** Days since 1970-01-01 for a proleptic Gregorian date (no validation). */
eco_day_t eco_day_from_civil(int y, int m, int d);
void eco_day_to_civil(eco_day_t day, int *y, int *m, int *d);
int eco_is_leap(int y);
int eco_days_in_month(int y, int m);
/** 0 and *out on success; ECO_ETIME_FORMAT when the text is not a valid time. */
int eco_time_parse(eco_slice_t s, eco_time_t *out);
/** 0 and *out on success: a date "YYYY-MM-DD" (or "YYYYMMDD"). */
int eco_day_parse(eco_slice_t s, eco_day_t *out);

/* floor division / modulo, written so that no eco_time_t can overflow */
static inline eco_day_t eco_time_day(eco_time_t t)
{
    return (eco_day_t)(t / ECO_DAY_S - (t % ECO_DAY_S < 0));
}
/** Seconds since the start of t's day, 0..86399. */
static inline int eco_time_sod(eco_time_t t) { return (int)((t % ECO_DAY_S + ECO_DAY_S) % ECO_DAY_S); }
static inline int eco_time_hour(eco_time_t t) { return eco_time_sod(t) / ECO_HOUR_S; }
static inline eco_time_t eco_time_from_day(eco_day_t d) { return (eco_time_t)d * ECO_DAY_S; }
static inline int64_t eco_time_to_utc(eco_time_t t) { return t - ECO_TZ_OFFSET_S; }
static inline eco_time_t eco_time_from_utc(int64_t unix_s) { return unix_s + ECO_TZ_OFFSET_S; }

/** "2026-04-11 08:00" (seconds shown only when non-zero); buf >= 20 bytes. */
void eco_time_format(eco_time_t t, char *buf, size_t n);
/** ISO 8601 with offset: "2026-04-11T08:00:00+08:00"; buf >= 26 bytes. */
void eco_time_format_iso(eco_time_t t, char *buf, size_t n);
/** "YYYY-MM-DD HH:MM:SS", always with seconds (exports). */
void eco_time_format_full(eco_time_t t, char *buf, size_t n);
/** "YYYYMMDDhhmmss" (HJ 212 DataTime, BeginTime, SystemTime). */
void eco_time_format_compact(eco_time_t t, char *buf, size_t n);
/** "YYYYMMDDhhmmsszzz" Beijing time of a wall-clock instant (an HJ 212 QN). */
void eco_time_format_qn(int64_t unix_ms, char *buf, size_t n);
/** Wall clock: milliseconds since 1970-01-01 00:00 UTC. */
int64_t eco_now_ms(void);
/** "2026-04-11"; buf >= 11 bytes. */
void eco_day_format(eco_day_t d, char *buf, size_t n);

#endif
